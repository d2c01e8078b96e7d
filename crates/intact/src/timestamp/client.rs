//! The one network call of intact: an RFC 3161 request over HTTP (RFC 3161 §3.4) — a POST of
//! `application/timestamp-query`, answered by `application/timestamp-reply` — with a small
//! blocking client (ureq, rustls), a global timeout and a bounded reply.

use std::time::Duration;

use intact_format::limits::Limits;
use intact_format::timestamp::{self, Request, Stamp, TsaRoots};

use super::TimestampError;

/// How long one TSA may take to answer, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A token from the TSA at `url` over `release_json`: a fresh random nonce, the reply read
/// within bounds, its status granted, and its token checked against the request (imprint,
/// nonce, signature, binding, usage; the chain too when `roots` are given). Returns the
/// token's DER and what it says.
pub fn request_token(
    url: &str,
    release_json: &[u8],
    roots: Option<&TsaRoots>,
    limits: &Limits,
) -> Result<(Vec<u8>, Stamp), TimestampError> {
    let mut nonce = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
    let req = timestamp::request(release_json, nonce);
    let reply = post(url, &req, limits)?;
    let token = timestamp::read_reply(&reply, limits).map_err(|source| TimestampError::Reply {
        url: url.to_owned(),
        source,
    })?;
    let stamp = timestamp::check_reply_token(&token, release_json, &req.nonce, roots, limits)
        .map_err(|source| TimestampError::Token {
            url: url.to_owned(),
            source,
        })?;
    Ok((token, stamp))
}

/// POSTs the request to `url`; the reply's bytes, when the status is 200 and the content type
/// `application/timestamp-reply`.
fn post(url: &str, req: &Request, limits: &Limits) -> Result<Vec<u8>, TimestampError> {
    let http = |message: String| TimestampError::Http {
        url: url.to_owned(),
        message,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .send(&req.der[..])
        .map_err(|e| http(e.to_string()))?;
    let status = resp.status();
    if status != 200 {
        return Err(http(format!("HTTP status {status}")));
    }
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ctype != "application/timestamp-reply" {
        return Err(http(format!(
            "content type '{ctype}' is not application/timestamp-reply"
        )));
    }
    resp.body_mut()
        .with_config()
        .limit(limits.timestamp_token_bytes + 1024)
        .read_to_vec()
        .map_err(|e| http(e.to_string()))
}
