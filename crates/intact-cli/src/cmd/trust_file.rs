//! `--trust` given a key instead of an allowed_signers file: said in plain words, with the line
//! to write (docs/TRUST.md). The most common first mistake, since `keygen` writes `KEY` and
//! `KEY.pub` beside each other.

use std::io::Read as _;
use std::path::Path;

use intact::trust::TrustError;

use crate::exit::CliError;

/// How much of a trust file is looked at to tell a key from an allowed_signers file.
const PEEK_BYTES: u64 = 64 << 10;

/// The error of a trust file that did not load: when the file is an OpenSSH public or private
/// key, a plain message with the allowed_signers line to write; else the error as it is.
pub fn explain(path: &Path, e: TrustError) -> CliError {
    if !matches!(e, TrustError::Malformed { .. }) {
        return e.into();
    }
    match key_in(path) {
        Some(message) => CliError::Input {
            path: path.to_owned(),
            message,
        },
        None => e.into(),
    }
}

/// What the file is, when it is a key: the message to show.
fn key_in(path: &Path) -> Option<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(PEEK_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let principal = principal_of(path);
    if first.starts_with("-----BEGIN ") && first.contains("PRIVATE KEY") {
        let line = ssh_key::PrivateKey::from_openssh(text.trim())
            .ok()
            .and_then(|k| signers_line(&principal, k.public_key()));
        let mut m = "this is a private key, not an allowed_signers file: give --trust the \
                     allowed_signers file (a verifier never needs a private key)"
            .to_owned();
        if let Some(line) = line {
            m.push_str(&format!("; its line is:\n  {line}"));
        }
        return Some(m);
    }
    let public = ssh_key::PublicKey::from_openssh(first).ok()?;
    let line = signers_line(&principal, &public)?;
    Some(format!(
        "this is a public key, not an allowed_signers file (which names the signer first); \
         write this line to an allowed_signers file and give --trust that file \
         (`intact keygen --allowed-signers FILE` does this for a new key):\n  {line}"
    ))
}

/// The allowed_signers line of `key` for `principal`.
fn signers_line(principal: &str, key: &ssh_key::PublicKey) -> Option<String> {
    let openssh = key.to_openssh().ok()?;
    let mut fields = openssh.split_whitespace();
    let (kind, b64) = (fields.next()?, fields.next()?);
    Some(format!(
        "{principal} namespaces=\"intact-release\" {kind} {b64}"
    ))
}

/// The principal `intact keygen` would have named for this key file: its name without `.pub`
/// and without its extension (`office.key.pub` → `office`).
fn principal_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".pub").unwrap_or(&name);
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.is_empty()
        || stem
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '"')
    {
        "SIGNER".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_is_the_key_file_name() {
        assert_eq!(principal_of(Path::new("k/office.key.pub")), "office");
        assert_eq!(principal_of(Path::new("office.key")), "office");
        assert_eq!(principal_of(Path::new("id_ed25519.pub")), "id_ed25519");
        assert_eq!(principal_of(Path::new("a b.pub")), "SIGNER");
    }
}
