//! Adding a signature to an existing bundle ZIP (`intact sign`, `intact attach`) and reading
//! its statement for offline signing (`intact statement`), docs/TRUST.md.
//!
//! A signature is added by rewriting the ZIP: every member is copied byte for byte, in sorted
//! order, through `container::Writer`; only the new `intact/signatures/<hex>.sig` and
//! `tagmanifest-sha256.txt` (which lists it) change. `release.json`, and so the bundle id, stay
//! the same. The new file replaces the old one atomically; on any failure nothing changes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::bag;
use crate::bundle::{Bundle, Kind, OpenError};
use crate::container;
use crate::digest::{Sha256Digest, CHUNK};
use crate::fs::{At as _, AtomicFile, Mode, PathError, WriteError};
use crate::pack;
use crate::release::{Statement, MAX_RELEASE_BYTES, NAMESPACE};
use crate::sign::{self, KeyError, SigningKey};
use crate::trust::{self, Revocations, SignatureStatus, TrustPolicy};
use crate::verify::{self, VerifyError, VerifyOptions};

/// Largest signature file `intact attach` reads ([`crate::limits::Limits::signature_bytes`]).
pub const MAX_SIGNATURE_BYTES: u64 = crate::limits::Limits::DEFAULT.signature_bytes;

/// Why no signature was added (the bundle is unchanged), or no statement written.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {message}")]
    NotABundle { path: PathBuf, message: String },
    #[error("{path}: sign and attach work on a bundle ZIP, not on an extracted directory; sign the ZIP, then extract it again")]
    NotZip { path: PathBuf },
    #[error("{path}: the bundle is not internally consistent, refusing to sign it:\n{}", .problems.join("\n"))]
    Inconsistent {
        path: PathBuf,
        problems: Vec<String>,
    },
    #[error("{path}: already signed by key {fingerprint} ({file}); a key signs a bundle once")]
    AlreadySigned {
        path: PathBuf,
        fingerprint: String,
        file: String,
    },
    #[error("{path}: not an intact release signature: {message}")]
    BadSignature { path: PathBuf, message: String },
    #[error("{path}: signature is for namespace '{namespace}', not '{NAMESPACE}' (sign with: ssh-keygen -Y sign -n {NAMESPACE} -f KEY release.json)")]
    WrongNamespace { path: PathBuf, namespace: String },
    #[error("{path}: key type {key_type} is not accepted (ssh-ed25519 or sk-ssh-ed25519@openssh.com only)")]
    UnsupportedKey { path: PathBuf, key_type: String },
    #[error("{path}: the signature does not verify over the statement of {bundle} (bundle id {bundle_id}): it was made over another release.json, or altered")]
    OtherStatement {
        path: PathBuf,
        bundle: PathBuf,
        bundle_id: String,
    },
    /// One more signature would be more than a verifier reads (FORMAT.md §9.1,
    /// `Limits::signature_files`): the bundle would not verify.
    #[error(
        "{path}: already holds {count} signature files, the most a verifier reads (FORMAT.md §9.1)"
    )]
    TooManySignatures { path: PathBuf, count: usize },
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// What was added.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CosignSummary {
    pub bundle: PathBuf,
    pub bundle_id: String,
    /// Bag-relative name of the new signature file.
    pub signature: String,
    /// `SHA256:…` fingerprint of the signing key.
    pub fingerprint: String,
    pub key_type: String,
    /// Signature files in the bundle now.
    pub signatures: usize,
}

impl From<PathError> for CosignError {
    fn from(e: PathError) -> CosignError {
        CosignError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

impl From<WriteError> for CosignError {
    fn from(e: WriteError) -> CosignError {
        e.into_path_error().into()
    }
}

fn open_error(e: OpenError) -> CosignError {
    match e {
        OpenError::Io { path, source } => CosignError::Io { path, source },
        OpenError::NotABundle { path, message } => CosignError::NotABundle { path, message },
    }
}

fn verify_error(e: VerifyError) -> CosignError {
    match e {
        VerifyError::Io { path, source } => CosignError::Io { path, source },
        other => CosignError::Io {
            path: PathBuf::new(),
            source: io::Error::other(other.to_string()),
        },
    }
}

/// Checks a bundle (ZIP or directory) against every rule of FORMAT.md §9 except the signature
/// threshold, and returns the exact bytes of its `release.json` and its payload digests.
fn check_consistent(path: &Path) -> Result<(Vec<u8>, BTreeMap<String, String>), CosignError> {
    let v = verify::verify_full(path, &VerifyOptions::consistency_only()).map_err(verify_error)?;
    if !v.report.valid {
        let problems = v
            .report
            .problems
            .iter()
            .map(|p| {
                if p.path.is_empty() {
                    format!("{}: {}", p.check.name(), p.message)
                } else {
                    format!("{}: {}: {}", p.path, p.check.name(), p.message)
                }
            })
            .collect();
        return Err(CosignError::Inconsistent {
            path: path.to_owned(),
            problems,
        });
    }
    let release_json = v.release_json.ok_or_else(|| CosignError::NotABundle {
        path: path.to_owned(),
        message: "no intact/release.json".into(),
    })?;
    let digests = v
        .manifest
        .map(|m| {
            m.items
                .into_iter()
                .filter_map(|i| Some((i.path?, i.sha256?)))
                .collect()
        })
        .unwrap_or_default();
    Ok((release_json, digests))
}

/// FORMAT.md §9.1: a bundle holds at most `Limits::signature_files` signature files, or no
/// verifier reads it; `count` is the number with the new one.
fn check_signature_count(path: &Path, count: usize) -> Result<(), CosignError> {
    if count > crate::limits::Limits::DEFAULT.signature_files {
        return Err(CosignError::TooManySignatures {
            path: path.to_path_buf(),
            count: count - 1,
        });
    }
    Ok(())
}

/// The exact bytes of a bundle's `intact/release.json` (what a signer signs), after checking
/// the bundle is internally consistent (every rule but the signature threshold).
pub fn statement(path: &Path) -> Result<Vec<u8>, CosignError> {
    check_consistent(path).map(|(bytes, _)| bytes)
}

/// Writes a public file (mode 0644) to `out` atomically: a temp file beside it, then a rename
/// that replaces `out`.
pub fn write_file_atomically(out: &Path, bytes: &[u8]) -> Result<(), CosignError> {
    Ok(crate::fs::write_atomically(out, bytes, Mode::Public, true)?)
}

/// Signs a bundle ZIP with `key` and adds the signature (docs/TRUST.md, "Co-signing").
pub fn sign_bundle(path: &Path, key: &SigningKey) -> Result<CosignSummary, CosignError> {
    let (bundle, release_json, digests) = open_for_signing(path)?;
    let key_data = key.public_key().key_data().clone();
    refuse_duplicate(path, &bundle, &key_data)?;
    let armored = key.sign_release(&release_json)?;
    add_signature(path, bundle, &release_json, &digests, &key_data, armored)
}

/// Checks an armored SSHSIG signature made elsewhere (`ssh-keygen -Y sign -n intact-release`)
/// over the bundle's statement, whatever the trust policy, and adds it.
pub fn attach(path: &Path, signature: &Path) -> Result<CosignSummary, CosignError> {
    let armored = read_limited(signature, MAX_SIGNATURE_BYTES)?;
    let (bundle, release_json, digests) = open_for_signing(path)?;
    let bad = |message: String| CosignError::BadSignature {
        path: signature.to_owned(),
        message,
    };
    // Read as `ssh-keygen -Y verify` reads it, then judged in the one armor §7 allows.
    let (sig, canonical) =
        crate::sshsig::read_as_ssh_keygen(&armored).map_err(|e| bad(e.to_string()))?;
    let file = format!(
        "{}{}",
        bag::SIGNATURES_DIR,
        sign::signature_file_name(&sig.key_blob)
    );
    let no_policy = TrustPolicy {
        path: PathBuf::new(),
        signers: Vec::new(),
    };
    let check = trust::check_signature(
        &file,
        bag::SIGNATURES_DIR,
        canonical.as_bytes(),
        &release_json,
        &no_policy,
        &Revocations::default(),
        time::OffsetDateTime::UNIX_EPOCH,
    );
    match check.status {
        // Cryptographically valid over this statement; trust is the verifier's business.
        SignatureStatus::UntrustedKey => {}
        SignatureStatus::Malformed => return Err(bad(check.detail)),
        SignatureStatus::WrongNamespace => {
            return Err(CosignError::WrongNamespace {
                path: signature.to_owned(),
                namespace: sig.namespace,
            });
        }
        SignatureStatus::UnsupportedKey => {
            return Err(CosignError::UnsupportedKey {
                path: signature.to_owned(),
                key_type: sig.key_type,
            })
        }
        SignatureStatus::Invalid => {
            return Err(CosignError::OtherStatement {
                path: signature.to_owned(),
                bundle: path.to_owned(),
                bundle_id: Sha256Digest::of(&release_json).to_hex(),
            })
        }
        other => {
            return Err(bad(format!(
                "unexpected status {other:?}: {}",
                check.detail
            )))
        }
    }
    let key_data = ssh_key::PublicKey::from_bytes(&sig.key_blob)
        .map_err(|e| bad(e.to_string()))?
        .key_data()
        .clone();
    refuse_duplicate(path, &bundle, &key_data)?;
    // Stored as ssh-keygen writes it (FORMAT.md §7), whatever armor ssh-keygen read.
    add_signature(path, bundle, &release_json, &digests, &key_data, canonical)
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, CosignError> {
    let f = File::open(path).at(path)?;
    let mut buf = Vec::new();
    f.take(limit + 1).read_to_end(&mut buf).at(path)?;
    if buf.len() as u64 > limit {
        return Err(CosignError::BadSignature {
            path: path.to_owned(),
            message: format!("more than {limit} bytes: not an SSH signature"),
        });
    }
    Ok(buf)
}

type Opened = (Bundle, Vec<u8>, BTreeMap<String, String>);

/// Opens a bundle ZIP that is internally consistent.
fn open_for_signing(path: &Path) -> Result<Opened, CosignError> {
    let meta = std::fs::metadata(path).at(path)?;
    if meta.is_dir() {
        return Err(CosignError::NotZip {
            path: path.to_owned(),
        });
    }
    let (release_json, digests) = check_consistent(path)?;
    let bundle = Bundle::open(path).map_err(open_error)?;
    if bundle.kind != Kind::Zip {
        return Err(CosignError::NotZip {
            path: path.to_owned(),
        });
    }
    Ok((bundle, release_json, digests))
}

fn refuse_duplicate(
    path: &Path,
    bundle: &Bundle,
    key: &ssh_key::public::KeyData,
) -> Result<(), CosignError> {
    let name = sign::signature_path(key);
    if bundle.get(&name).is_some() {
        return Err(CosignError::AlreadySigned {
            path: path.to_owned(),
            fingerprint: sign::fingerprint(key),
            file: name,
        });
    }
    Ok(())
}

/// Copies a reader into `w`, returning the SHA-256 and length of what was copied.
fn copy_hashing(r: &mut dyn Read, w: &mut impl Write) -> io::Result<(Sha256Digest, u64)> {
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        sha.update(&buf[..n]);
        w.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((Sha256Digest(sha.finalize().into()), total))
}

/// Rewrites the bundle with one more signature file and the updated tag manifest.
fn add_signature(
    path: &Path,
    bundle: Bundle,
    release_json: &[u8],
    digests: &BTreeMap<String, String>,
    key: &ssh_key::public::KeyData,
    armored: String,
) -> Result<CosignSummary, CosignError> {
    let sig_name = sign::signature_path(key);
    // Every tag file, read whole (they are small); the payload is streamed below.
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for m in bundle.members.values().filter(|m| !m.path.is_payload()) {
        let limit = if m.path.as_str() == bag::RELEASE_PATH {
            MAX_RELEASE_BYTES
        } else {
            verify::MAX_TAG_BYTES
        };
        let bytes = bundle.read(m, limit).map_err(|message| CosignError::Io {
            path: path.to_owned(),
            source: io::Error::other(format!("{}: {message}", m.path.as_str())),
        })?;
        tags.insert(m.path.as_str().to_owned(), bytes);
    }
    // The bundle was checked through another handle: make sure what is copied is what was
    // checked (the statement, and every tag file it pins).
    let changed = |what: &str| CosignError::Io {
        path: path.to_owned(),
        source: io::Error::other(format!("{what} changed while the bundle was being signed")),
    };
    if tags.get(bag::RELEASE_PATH).map(Vec::as_slice) != Some(release_json) {
        return Err(changed(bag::RELEASE_PATH));
    }
    let statement: Statement =
        serde_json::from_slice(release_json).map_err(|_| changed(bag::RELEASE_PATH))?;
    for (name, want) in &statement.tag_files {
        if tags
            .get(name)
            .map(|b| Sha256Digest::of(b).to_hex())
            .as_ref()
            != Some(want)
        {
            return Err(changed(name));
        }
    }
    let signatures: Vec<(String, Vec<u8>)> = tags
        .iter()
        .filter(|(k, _)| k.starts_with(bag::SIGNATURES_DIR))
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(std::iter::once((sig_name.clone(), armored.into_bytes())))
        .collect();
    let count = signatures.len();
    check_signature_count(path, count)?;
    pack::finish_tags(&mut tags, signatures);

    // Every name of the new bundle, in byte order: payload members and tag files.
    let mut names: Vec<&str> = bundle
        .members
        .values()
        .filter(|m| m.path.is_payload())
        .map(|m| m.path.as_str())
        .chain(tags.keys().map(String::as_str))
        .collect();
    names.sort_unstable();

    // The new bundle is public (0644), like every file `pack` writes.
    let tmp = AtomicFile::create(path)?;
    copy_with_tags(&bundle, &names, &tags, digests, tmp.file(), path)?;
    tmp.seal(Mode::Public, true)?;
    tmp.persist(true)?;
    Ok(CosignSummary {
        bundle: path.to_owned(),
        bundle_id: Sha256Digest::of(release_json).to_hex(),
        signature: sig_name,
        fingerprint: sign::fingerprint(key),
        key_type: key.algorithm().to_string(),
        signatures: count,
    })
}

/// Writes the new bundle to `file`: every name of `names` in order, a tag file from `tags`, a
/// payload member copied from `bundle` and checked against the digest the manifest gives it.
fn copy_with_tags(
    bundle: &Bundle,
    names: &[&str],
    tags: &BTreeMap<String, Vec<u8>>,
    digests: &BTreeMap<String, String>,
    file: &File,
    path: &Path,
) -> Result<(), PathError> {
    let io_out = |source: io::Error| PathError::new(path, source);
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut zip = container::Writer::new(&mut w);
    let top = &bundle.top;
    for name in names {
        let full = format!("{top}/{name}");
        if let Some(bytes) = tags.get(*name) {
            zip.add(&full, bytes).map_err(io_out)?;
            continue;
        }
        let m = bundle
            .get(name)
            .ok_or_else(|| io_out(io::Error::other(format!("{name}: member disappeared"))))?;
        let listed = bundle.size(m).map_err(io_out)?;
        zip.start(&full, listed, None).map_err(io_out)?;
        let mut r = bundle.reader(m).map_err(io_out)?;
        let (digest, size) = copy_hashing(&mut r, &mut zip.data()).map_err(io_out)?;
        if size != listed || digests.get(*name) != Some(&digest.to_hex()) {
            return Err(io_out(io::Error::other(format!(
                "{name}: changed while the bundle was being signed"
            ))));
        }
    }
    zip.finish().map_err(io_out)?;
    w.flush().map_err(io_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_signature_past_what_a_verifier_reads() {
        let limit = crate::limits::Limits::DEFAULT.signature_files;
        let p = Path::new("b.zip");
        assert!(check_signature_count(p, limit).is_ok());
        match check_signature_count(p, limit + 1) {
            Err(CosignError::TooManySignatures { count, .. }) => assert_eq!(count, limit),
            other => panic!("{other:?}"),
        }
    }
}
