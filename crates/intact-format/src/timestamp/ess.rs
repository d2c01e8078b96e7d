//! The ESS signing-certificate binding (RFC 2634 §5.4, RFC 5035 §3, RFC 3161 §2.4.1): a signed
//! attribute names, by hash, the certificate the TSA signed with, so that another certificate
//! with the same key cannot be substituted. Version 1 hashes with SHA-1 (RFC 2634); version 2
//! with the algorithm it names, SHA-256 when it names none.

use cms::signed_data::SignerInfo;
use der::asn1::OctetString;
use der::{Any, Encode, Sequence};
use sha1::Digest;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

use super::signer::{signed_attribute, Hash};
use super::{oids, TokenError};

/// `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL }`.
#[derive(Sequence)]
struct SigningCertificate {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `ESSCertID ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`.
#[derive(Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }`.
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }`.
#[derive(Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`.
#[derive(Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// At least one of signingCertificate and signingCertificateV2 is signed, and each present
/// names `cert` first: its hash over the certificate's DER, and its issuer and serial number
/// when given.
pub(super) fn check_binding(info: &SignerInfo, cert: &Certificate) -> Result<(), TokenError> {
    let bad = |m: &str| TokenError::Binding(m.to_owned());
    let der = cert
        .to_der()
        .map_err(|e| TokenError::Binding(format!("certificate: {e}")))?;
    let v1 = signed_attribute(info, oids::SIGNING_CERTIFICATE);
    let v2 = signed_attribute(info, oids::SIGNING_CERTIFICATE_V2);
    if v1.is_none() && v2.is_none() {
        return Err(bad("no signing-certificate attribute"));
    }
    if let Some(v) = v1 {
        let sc: SigningCertificate = v
            .decode_as()
            .map_err(|e| TokenError::Binding(format!("signing-certificate: {e}")))?;
        let first = sc
            .certs
            .first()
            .ok_or_else(|| bad("signing-certificate is empty"))?;
        if first.cert_hash.as_bytes() != sha1::Sha1::digest(&der).as_slice() {
            return Err(bad("signing-certificate names another certificate"));
        }
        check_issuer_serial(first.issuer_serial.as_ref(), cert)?;
    }
    if let Some(v) = v2 {
        let sc: SigningCertificateV2 = v
            .decode_as()
            .map_err(|e| TokenError::Binding(format!("signing-certificate-v2: {e}")))?;
        let first = sc
            .certs
            .first()
            .ok_or_else(|| bad("signing-certificate-v2 is empty"))?;
        let hash = match &first.hash_algorithm {
            None => Hash::Sha256,
            Some(a) => Hash::from_oid(&a.oid)
                .ok_or_else(|| bad("signing-certificate-v2 hash is not SHA-2"))?,
        };
        if first.cert_hash.as_bytes() != hash.digest(&der).as_slice() {
            return Err(bad("signing-certificate-v2 names another certificate"));
        }
        check_issuer_serial(first.issuer_serial.as_ref(), cert)?;
    }
    Ok(())
}

/// When the binding gives the issuer and serial number, they are `cert`'s.
fn check_issuer_serial(is: Option<&IssuerSerial>, cert: &Certificate) -> Result<(), TokenError> {
    let Some(is) = is else {
        return Ok(());
    };
    let tbs = &cert.tbs_certificate;
    let issuer_named = is
        .issuer
        .iter()
        .any(|g| matches!(g, GeneralName::DirectoryName(n) if *n == tbs.issuer));
    if is.serial_number != tbs.serial_number || !issuer_named {
        return Err(TokenError::Binding(
            "the issuer and serial number named are not the signer certificate's".into(),
        ));
    }
    Ok(())
}
