//! The token's signature (RFC 5652 §5.4, RFC 3161 §2.4.1): one SignerInfo, signed attributes
//! that name the TSTInfo content type and carry its digest, and a signature over their DER by
//! the key of the signer's certificate — ECDSA P-256 or RSA (PKCS#1 v1.5 or PSS), the
//! algorithms time-stamping authorities use. The same signature check judges each certificate
//! of the chain (`chain.rs`).

use cms::content_info::CmsVersion;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::oid::ObjectIdentifier;
use der::{Decode, Encode, Tagged};
use sha2::Digest;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;

use super::{oids, TokenError};

/// A digest algorithm a signature may use: SHA-256, SHA-384 or SHA-512 (SHA-1 is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The algorithm an OID names, if it is one of the three.
    pub(super) fn from_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        match *oid {
            oids::SHA256 => Some(Hash::Sha256),
            oids::SHA384 => Some(Hash::Sha384),
            oids::SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// The digest of `bytes`.
    pub(super) fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(bytes).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
        }
    }
}

/// The one SignerInfo of the token (RFC 3161 §2.4.1: no signature but the TSA's), in a
/// SignedData of the version RFC 5652 §5.1 gives for it (3: the content is not id-data), whose
/// digest algorithms are the signer's alone, and a SignerInfo of the version its identifier
/// calls for (1: issuer and serial number, 3: subject key identifier). Nothing of the
/// SignedData outside the signed content, the certificates and the SignerInfo is left free.
pub(super) fn the_signer(sd: &SignedData) -> Result<&SignerInfo, TokenError> {
    let bad = |m: String| Err(TokenError::Signature(m));
    let infos = sd.signer_infos.0.as_slice();
    let [info] = infos else {
        return bad(format!(
            "{} signer infos; a token has exactly one",
            infos.len()
        ));
    };
    if sd.version != CmsVersion::V3 {
        return bad(format!("SignedData version {:?}, not 3", sd.version));
    }
    let want = match info.sid {
        SignerIdentifier::IssuerAndSerialNumber(_) => CmsVersion::V1,
        SignerIdentifier::SubjectKeyIdentifier(_) => CmsVersion::V3,
    };
    if info.version != want {
        return bad(format!(
            "SignerInfo version {:?} does not go with its signer identifier",
            info.version
        ));
    }
    if sd.digest_algorithms.as_slice() != [info.digest_alg.clone()] {
        return bad("the SignedData digest algorithms are not the signer's".into());
    }
    Ok(info)
}

/// The signed attributes (RFC 5652 §5.3, §11): present; each attribute type at most once with
/// one value; the content type is TSTInfo; the message digest is the digest, by the signer's
/// digest algorithm, of the TSTInfo's exact bytes.
pub(super) fn check_signed_attributes(
    info: &SignerInfo,
    econtent: &[u8],
) -> Result<(), TokenError> {
    let bad = |m: String| Err(TokenError::Signature(m));
    let Some(attrs) = &info.signed_attrs else {
        return bad("no signed attributes".into());
    };
    let mut seen: Vec<&ObjectIdentifier> = Vec::new();
    for a in attrs.iter() {
        if seen.contains(&&a.oid) {
            return bad(format!("signed attribute {} appears twice", a.oid));
        }
        seen.push(&a.oid);
        if a.values.len() != 1 {
            return bad(format!(
                "signed attribute {} has {} values",
                a.oid,
                a.values.len()
            ));
        }
    }
    let content_type = signed_attribute(info, oids::CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
    if content_type != Some(oids::TST_INFO) {
        return bad("the content-type attribute is not TSTInfo".into());
    }
    let hash = digest_algorithm(&info.digest_alg)?;
    let digest = signed_attribute(info, oids::MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok());
    match digest {
        Some(d) if d.as_bytes() == hash.digest(econtent).as_slice() => Ok(()),
        Some(_) => bad("the message-digest attribute is not the digest of the TSTInfo".into()),
        None => bad("no message-digest attribute".into()),
    }
}

/// The one value of the signed attribute of type `oid`, if there is one.
pub(super) fn signed_attribute(info: &SignerInfo, oid: ObjectIdentifier) -> Option<&der::Any> {
    info.signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)
        .and_then(|a| a.values.get(0))
}

/// The signer's digest algorithm, one of [`Hash`].
fn digest_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<Hash, TokenError> {
    if !alg.parameters.as_ref().is_none_or(is_null) {
        return Err(TokenError::Signature(
            "digest algorithm parameters are not NULL or absent".into(),
        ));
    }
    Hash::from_oid(&alg.oid).ok_or_else(|| {
        TokenError::Signature(format!(
            "digest algorithm {} is not SHA-256, SHA-384 or SHA-512",
            alg.oid
        ))
    })
}

/// The SignerInfo's signature verifies over the DER of its signed attributes (a SET OF) with
/// the key of `cert`.
pub(super) fn check_signature(info: &SignerInfo, cert: &Certificate) -> Result<(), TokenError> {
    let attrs = info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TokenError::Signature("no signed attributes".into()))?;
    let message = attrs
        .to_der()
        .map_err(|e| TokenError::Signature(format!("signed attributes: {e}")))?;
    let hash = digest_algorithm(&info.digest_alg)?;
    verify(
        &cert.tbs_certificate.subject_public_key_info,
        &info.signature_algorithm,
        Some(hash),
        &message,
        info.signature.as_bytes(),
    )
    .map_err(|e| {
        TokenError::Signature(format!(
            "does not verify with the TSA certificate's key: {e}"
        ))
    })
}

/// Verifies `signature` over `message` with `key` by `alg`: ECDSA P-256 with SHA-2, RSA
/// PKCS#1 v1.5 with SHA-2 (`rsaEncryption` takes the digest from `cms_hash`, as CMS writes it),
/// or RSASSA-PSS with MGF1 over the same SHA-2.
pub(super) fn verify(
    key: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    cms_hash: Option<Hash>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    check_parameters(alg)?;
    match alg.oid {
        oids::ECDSA_SHA256 => verify_ecdsa(key, Hash::Sha256, message, signature),
        oids::ECDSA_SHA384 => verify_ecdsa(key, Hash::Sha384, message, signature),
        oids::ECDSA_SHA512 => verify_ecdsa(key, Hash::Sha512, message, signature),
        oids::RSA_SHA256 => verify_pkcs1(key, Hash::Sha256, message, signature),
        oids::RSA_SHA384 => verify_pkcs1(key, Hash::Sha384, message, signature),
        oids::RSA_SHA512 => verify_pkcs1(key, Hash::Sha512, message, signature),
        oids::RSA => match cms_hash {
            Some(h) => verify_pkcs1(key, h, message, signature),
            None => Err("rsaEncryption without a digest algorithm".into()),
        },
        oids::RSA_PSS => verify_pss(key, alg, message, signature),
        other => Err(format!("signature algorithm {other} is not supported")),
    }
}

/// The parameters of a signature algorithm are what its RFC fixes: none for ECDSA (RFC 5758
/// §3.2), NULL or none for RSA PKCS#1 v1.5 (RFC 4055 §5); PSS has its own.
fn check_parameters(alg: &AlgorithmIdentifierOwned) -> Result<(), String> {
    let p = alg.parameters.as_ref();
    let ok = match alg.oid {
        oids::ECDSA_SHA256 | oids::ECDSA_SHA384 | oids::ECDSA_SHA512 => p.is_none(),
        oids::RSA_PSS => true,
        _ => p.is_none_or(is_null),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected parameters for algorithm {}", alg.oid))
    }
}

/// Whether `any` is the DER NULL.
pub(super) fn is_null(any: &der::Any) -> bool {
    any.tag() == der::Tag::Null && any.value().is_empty()
}

/// ECDSA over P-256 (the only curve verified), the signature DER-encoded.
fn verify_ecdsa(
    key: &SubjectPublicKeyInfoOwned,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    if key.algorithm.oid != oids::EC_PUBLIC_KEY {
        return Err("an ECDSA signature by a key that is not an EC key".into());
    }
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if curve != Some(oids::P256) {
        return Err("EC key not on P-256 (the only curve verified)".into());
    }
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key.subject_public_key.raw_bytes())
        .map_err(|e| format!("EC key: {e}"))?;
    let sig = p256::ecdsa::Signature::from_der(signature).map_err(|e| format!("ECDSA: {e}"))?;
    vk.verify_prehash(&hash.digest(message), &sig)
        .map_err(|_| "ECDSA signature does not verify".to_string())
}

/// The RSA key of `key`.
fn rsa_key(key: &SubjectPublicKeyInfoOwned) -> Result<rsa::RsaPublicKey, String> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    if key.algorithm.oid != oids::RSA {
        return Err("an RSA signature by a key that is not an RSA key".into());
    }
    rsa::RsaPublicKey::from_pkcs1_der(key.subject_public_key.raw_bytes())
        .map_err(|e| format!("RSA key: {e}"))
}

/// RSA PKCS#1 v1.5 with `hash`.
fn verify_pkcs1(
    key: &SubjectPublicKeyInfoOwned,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let k = rsa_key(key)?;
    let scheme = match hash {
        Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    };
    k.verify(scheme, &hash.digest(message), signature)
        .map_err(|_| "RSA PKCS#1 v1.5 signature does not verify".to_string())
}

/// RSASSA-PSS (RFC 4055): parameters present, MGF1 with the same SHA-2 as the message
/// digest, the salt length they state.
fn verify_pss(
    key: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let params_der = alg
        .parameters
        .as_ref()
        .ok_or("RSASSA-PSS without parameters")?
        .to_der()
        .map_err(|e| e.to_string())?;
    let params = rsa::pkcs1::RsaPssParams::from_der(&params_der)
        .map_err(|e| format!("RSASSA-PSS parameters: {e}"))?;
    let hash = Hash::from_oid(&params.hash.oid).ok_or("RSASSA-PSS digest is not SHA-2")?;
    let mgf_hash = params.mask_gen.parameters.as_ref().map(|p| p.oid);
    if params.mask_gen.oid != oids::MGF1 || mgf_hash != Some(params.hash.oid) {
        return Err("RSASSA-PSS mask generation is not MGF1 with the message digest".into());
    }
    let salt = usize::from(params.salt_len);
    let scheme = match hash {
        Hash::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
        Hash::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
        Hash::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
    };
    rsa_key(key)?
        .verify(scheme, &hash.digest(message), signature)
        .map_err(|_| "RSASSA-PSS signature does not verify".to_string())
}
