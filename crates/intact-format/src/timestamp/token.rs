//! Reading a time-stamp token (RFC 3161 §2.4.2): a CMS ContentInfo holding SignedData whose
//! encapsulated content is a TSTInfo — every layer decoded by `cms`, `x509-tsp` and `der`,
//! each required to be the whole of its bytes (DER, nothing trailing).

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Tag, Tagged};
use time::OffsetDateTime;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::Certificate;
use x509_tsp::TstInfo;

use super::{oids, TokenError, TsaRoots};
use crate::limits::Limits;

/// A token read: its SignedData, the TSTInfo, and the TSTInfo's exact DER bytes (what the
/// message-digest attribute is computed over).
pub(super) struct Parsed {
    pub(super) signed_data: SignedData,
    pub(super) tst: TstInfo,
    pub(super) econtent: Vec<u8>,
}

impl Parsed {
    /// The certificates a chain may be built from: those the token carries, then the trusted
    /// roots.
    pub(super) fn certificates<'a>(&'a self, roots: Option<&'a TsaRoots>) -> Vec<&'a Certificate> {
        let carried = self
            .signed_data
            .certificates
            .iter()
            .flat_map(|set| set.0.iter())
            .filter_map(|c| match c {
                CertificateChoices::Certificate(c) => Some(c),
                CertificateChoices::Other(_) => None,
            });
        carried
            .chain(roots.into_iter().flat_map(|r| r.certs.iter()))
            .collect()
    }
}

/// Reads `token` within `limits`: a ContentInfo of type signedData, its SignedData, an
/// encapsulated content of type TSTInfo in an OCTET STRING, and the TSTInfo (version 1).
pub(super) fn read_token(token: &[u8], limits: &Limits) -> Result<Parsed, TokenError> {
    let max = limits.timestamp_token_bytes;
    if token.len() as u64 > max {
        return Err(TokenError::TooLarge {
            size: token.len() as u64,
            max,
        });
    }
    let bad = |what: &str, e: der::Error| TokenError::Unreadable(format!("{what}: {e}"));
    let info = ContentInfo::from_der(token).map_err(|e| bad("ContentInfo", e))?;
    if info.content_type != oids::SIGNED_DATA {
        return Err(TokenError::Unreadable(format!(
            "content type {} is not signedData",
            info.content_type
        )));
    }
    let signed_data: SignedData = info.content.decode_as().map_err(|e| bad("SignedData", e))?;
    let encap = &signed_data.encap_content_info;
    if encap.econtent_type != oids::TST_INFO {
        return Err(TokenError::Unreadable(format!(
            "encapsulated content type {} is not TSTInfo",
            encap.econtent_type
        )));
    }
    let econtent = match &encap.econtent {
        Some(any) if any.tag() == Tag::OctetString => any.value().to_vec(),
        Some(_) => {
            return Err(TokenError::Unreadable(
                "encapsulated content is not an OCTET STRING".into(),
            ))
        }
        None => return Err(TokenError::Unreadable("no encapsulated TSTInfo".into())),
    };
    let tst = TstInfo::from_der(&econtent).map_err(|e| bad("TSTInfo", e))?;
    Ok(Parsed {
        signed_data,
        tst,
        econtent,
    })
}

/// The token's `genTime` (RFC 3161: the time the TSA created the token).
pub(super) fn gen_time(tst: &TstInfo) -> Result<OffsetDateTime, TokenError> {
    let secs = tst.gen_time.to_unix_duration().as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| TokenError::Unreadable("genTime out of range".into()))
}

/// The TSA's name: the TSTInfo `tsa` field when it is a directory name, else the subject of
/// the certificate that signed the token.
pub(super) fn tsa_name(tst: &TstInfo, signer: &Certificate) -> String {
    match &tst.tsa {
        Some(GeneralName::DirectoryName(name)) => name.to_string(),
        _ => signer.tbs_certificate.subject.to_string(),
    }
}
