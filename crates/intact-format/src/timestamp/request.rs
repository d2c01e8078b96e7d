//! Time-stamp requests and replies (RFC 3161 §2.4): the request intact sends (SHA-256 of
//! `release.json`, a nonce, certReq true) and the reading of a reply, whose token is then
//! checked like any other ([`super::check_token`], with the nonce).

use cmpv2::status::PkiStatus;
use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use x509_cert::spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion};

use super::oids;
use crate::limits::Limits;

/// A request ready to send, and the nonce it carries.
pub struct Request {
    /// The DER of the TimeStampReq (`application/timestamp-query`).
    pub der: Vec<u8>,
    /// The nonce, as the INTEGER's content bytes the token must repeat.
    pub nonce: Vec<u8>,
}

/// The TimeStampReq over `release_json`: version 1, SHA-256 imprint, the nonce from
/// `nonce_bytes` (made a positive INTEGER of 8 bytes at least), certReq true.
pub fn request(release_json: &[u8], nonce_bytes: [u8; 16]) -> Request {
    let mut n = nonce_bytes.to_vec();
    // A positive INTEGER with no leading zero octet: DER's one encoding of it.
    n[0] = (n[0] & 0x7f) | 0x40;
    let nonce = Int::new(&n).expect("16 bytes, positive, no leading zero");
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier {
                oid: oids::SHA256,
                parameters: None,
            },
            hashed_message: OctetString::new(crate::digest::Sha256Digest::of(release_json).0)
                .expect("32 bytes"),
        },
        req_policy: None,
        nonce: Some(nonce),
        cert_req: true,
        extensions: None,
    };
    Request {
        der: req.to_der().expect("a request of fixed shape encodes"),
        nonce: n,
    }
}

/// A reply that grants no token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("reply of {size} bytes is larger than the {max} bytes read")]
    TooLarge { size: u64, max: u64 },
    #[error("not a readable RFC 3161 reply: {0}")]
    Unreadable(String),
    #[error("the TSA refused: status {status}{text}")]
    Refused { status: String, text: String },
    #[error("the reply grants no token")]
    NoToken,
}

/// The token of a TimeStampResp whose status is granted (or granted with modifications), as
/// its DER bytes. The token is not checked here.
pub fn read_reply(reply: &[u8], limits: &Limits) -> Result<Vec<u8>, ReplyError> {
    // The token and a status of a few words.
    let max = limits.timestamp_token_bytes + 1024;
    if reply.len() as u64 > max {
        return Err(ReplyError::TooLarge {
            size: reply.len() as u64,
            max,
        });
    }
    let resp = TimeStampResp::from_der(reply).map_err(|e| ReplyError::Unreadable(e.to_string()))?;
    match resp.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => {
            let text = resp
                .status
                .status_string
                .as_ref()
                .map(|t| {
                    let parts: Vec<String> = t.iter().map(|s| s.to_string()).collect();
                    format!(" ({})", parts.join("; "))
                })
                .unwrap_or_default();
            return Err(ReplyError::Refused {
                status: format!("{other:?}"),
                text,
            });
        }
    }
    let token = resp.time_stamp_token.ok_or(ReplyError::NoToken)?;
    token
        .to_der()
        .map_err(|e| ReplyError::Unreadable(e.to_string()))
}
