//! The TSA's certificate (RFC 3161 §2.3, RFC 5280 §6): found by the signer identifier; its one
//! extended key usage timeStamping, critical; a chain of signatures up to a root in the
//! reader's PEM file; every certificate on the way valid at the token's `genTime`.
//! Revocation (CRL, OCSP) is not checked: docs/TRUST.md says why and what to do instead.

use std::path::{Path, PathBuf};

use cms::signed_data::SignerIdentifier;
use der::{Decode, Encode};
use time::OffsetDateTime;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_cert::Certificate;

use super::{oids, signer, TokenError};
use crate::limits::Limits;

/// A PEM file of trusted TSA root certificates that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RootsError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {size} bytes is larger than the {max} bytes a certificate file may have")]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    #[error("{path}: not a PEM file of X.509 certificates: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error("{path}: no certificate in the file")]
    Empty { path: PathBuf },
}

/// The TSA roots a reader trusts (`--tsa-certs`): every certificate of a PEM file. A token
/// counts only when its signer's certificate chains to one of them.
#[derive(Debug, Clone)]
pub struct TsaRoots {
    pub path: PathBuf,
    pub(super) certs: Vec<Certificate>,
}

impl TsaRoots {
    /// Reads the PEM file at `path`, within [`Limits::tsa_certs_bytes`].
    pub fn load(path: &Path, limits: &Limits) -> Result<TsaRoots, RootsError> {
        let read = |source| RootsError::Read {
            path: path.to_owned(),
            source,
        };
        let max = limits.tsa_certs_bytes;
        let bytes = super::read_within(path, max)
            .map_err(read)?
            .map_err(|size| RootsError::TooLarge {
                path: path.to_owned(),
                size,
                max,
            })?;
        TsaRoots::parse(&bytes, path)
    }

    /// Parses PEM text holding one or more `CERTIFICATE` blocks; `path` is only for messages.
    pub fn parse(pem: &[u8], path: &Path) -> Result<TsaRoots, RootsError> {
        // x509-cert's chain reader underflows on an input of line ends only: no certificate.
        if pem.iter().all(u8::is_ascii_whitespace) {
            return Err(RootsError::Empty {
                path: path.to_owned(),
            });
        }
        let certs = Certificate::load_pem_chain(pem).map_err(|e| RootsError::Malformed {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        if certs.is_empty() {
            return Err(RootsError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(TsaRoots {
            path: path.to_owned(),
            certs,
        })
    }

    /// How many roots the file holds.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether the file holds none (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Whether `cert` is one of the roots, byte for byte.
    fn contains(&self, cert: &Certificate) -> bool {
        self.certs.iter().any(|r| r == cert)
    }
}

/// The certificate the signer identifier names (issuer and serial number, or subject key
/// identifier), among those the token carries and the roots.
pub(super) fn signer_certificate<'a>(
    sid: &SignerIdentifier,
    candidates: &[&'a Certificate],
) -> Result<&'a Certificate, TokenError> {
    let found = candidates.iter().copied().find(|c| match sid {
        SignerIdentifier::IssuerAndSerialNumber(iss) => {
            c.tbs_certificate.issuer == iss.issuer
                && c.tbs_certificate.serial_number == iss.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            subject_key_id(c).is_some_and(|k| k.0 == ski.0)
        }
    });
    found.ok_or_else(|| {
        TokenError::Chain("the signer's certificate is neither in the token nor a root".into())
    })
}

/// The subject key identifier extension of `cert`, if it has one.
fn subject_key_id(cert: &Certificate) -> Option<SubjectKeyIdentifier> {
    extension(cert, oids::SUBJECT_KEY_ID).and_then(|(_, v)| SubjectKeyIdentifier::from_der(v).ok())
}

/// The extension of type `oid`: whether it is critical, and its value.
fn extension(cert: &Certificate, oid: der::oid::ObjectIdentifier) -> Option<(bool, &[u8])> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| (e.critical, e.extn_value.as_bytes()))
}

/// The TSA certificate has the extended key usage extension, critical, with timeStamping its
/// only purpose (RFC 3161 §2.3).
pub(super) fn check_timestamping_usage(cert: &Certificate) -> Result<(), TokenError> {
    let Some((critical, value)) = extension(cert, oids::EXT_KEY_USAGE) else {
        return Err(TokenError::Usage(
            "no extended key usage extension (timeStamping required)".into(),
        ));
    };
    let usage = ExtendedKeyUsage::from_der(value)
        .map_err(|e| TokenError::Usage(format!("extended key usage unreadable: {e}")))?;
    if usage.0.as_slice() != [oids::TIME_STAMPING] {
        return Err(TokenError::Usage(
            "extended key usage is not timeStamping alone".into(),
        ));
    }
    if !critical {
        return Err(TokenError::Usage(
            "the timeStamping extended key usage is not critical".into(),
        ));
    }
    Ok(())
}

/// A chain from `signer` to a trusted root: each certificate's issuer is found by name among
/// the carried certificates and roots, and its signature verifies with the issuer's key; an
/// issuer other than a root must be a CA (basic constraints); at most
/// [`Limits::tsa_chain_depth`] certificates; every one valid at `at`.
pub(super) fn check_chain(
    signer: &Certificate,
    candidates: &[&Certificate],
    roots: &TsaRoots,
    at: OffsetDateTime,
    limits: &Limits,
) -> Result<(), TokenError> {
    let mut cert = signer;
    for _ in 0..limits.tsa_chain_depth {
        check_valid_at(cert, at)?;
        if roots.contains(cert) {
            return Ok(());
        }
        let issuer = candidates
            .iter()
            .copied()
            .filter(|c| c.tbs_certificate.subject == cert.tbs_certificate.issuer)
            .find(|c| signed_by(cert, c).is_ok() && (roots.contains(c) || is_ca(c)));
        match issuer {
            Some(i) if i == cert => {
                return Err(TokenError::Chain(format!(
                    "self-signed certificate '{}' is not a trusted root in {}",
                    cert.tbs_certificate.subject,
                    roots.path.display()
                )))
            }
            Some(i) => cert = i,
            None => {
                return Err(TokenError::Chain(format!(
                    "no trusted root in {} issued '{}'",
                    roots.path.display(),
                    cert.tbs_certificate.subject
                )))
            }
        }
    }
    Err(TokenError::Chain(format!(
        "no trusted root within {} certificates",
        limits.tsa_chain_depth
    )))
}

/// `cert`'s signature verifies with `issuer`'s key.
fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("certificate signature is not whole bytes")?;
    signer::verify(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm,
        None,
        &tbs,
        sig,
    )
}

/// Whether `cert` is a CA (basic constraints, cA true).
fn is_ca(cert: &Certificate) -> bool {
    extension(cert, oids::BASIC_CONSTRAINTS)
        .and_then(|(_, v)| BasicConstraints::from_der(v).ok())
        .is_some_and(|b| b.ca)
}

/// `cert` is valid at `at`: notBefore ≤ at ≤ notAfter.
pub(super) fn check_valid_at(cert: &Certificate, at: OffsetDateTime) -> Result<(), TokenError> {
    let v = &cert.tbs_certificate.validity;
    let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs();
    let at_secs = u64::try_from(at.unix_timestamp()).unwrap_or(0);
    if at_secs < secs(v.not_before) || at_secs > secs(v.not_after) {
        return Err(TokenError::Validity(format!(
            "'{}' is valid from {} to {}, the token says {}",
            cert.tbs_certificate.subject,
            v.not_before,
            v.not_after,
            crate::release::format_created(at)
        )));
    }
    Ok(())
}
