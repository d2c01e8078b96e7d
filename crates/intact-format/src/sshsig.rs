//! SSHSIG signatures exactly as OpenSSH 9.2p1 writes and reads them (FORMAT.md §7): the armor
//! `ssh-keygen -Y sign` writes (one grammar, byte for byte), the armor `ssh-keygen -Y verify`
//! reads (`sshsig_dearmor` and `b64_pton`, for `intact attach`), the signature blob
//! (PROTOCOL.sshsig) and the public key blobs inside it (PROTOCOL.key, RFC 4253 §6.6).
//! Everything here is structure; the Ed25519 arithmetic is `ssh-key`'s.

/// The first line of the armor, with its line end.
pub const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----\n";
/// The last line of the armor, without its line end.
pub const END: &str = "-----END SSH SIGNATURE-----";
/// Base64 characters per armor line (`sshbuf_dtob64`).
pub const LINE: usize = 70;
/// Hash algorithms an SSHSIG may name (`HASHALG_ALLOWED`).
pub const HASH_ALGORITHMS: [&str; 2] = ["sha256", "sha512"];

/// Why bytes are not a signature file §7 allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("not an SSH signature (the file does not start with the line '-----BEGIN SSH SIGNATURE-----')")]
    NoBegin,
    #[error("truncated SSH signature (no line '-----END SSH SIGNATURE-----')")]
    NoEnd,
    #[error("the armor is not base64 as ssh-keygen reads it")]
    Base64,
    #[error("the armor is not exactly what ssh-keygen -Y sign writes (FORMAT.md §7: base64 in lines of 70, LF line ends, nothing before BEGIN or after END)")]
    NotCanonical,
    #[error("malformed SSHSIG blob: {0}")]
    Blob(String),
}

fn blob_err(m: impl Into<String>) -> SigError {
    SigError::Blob(m.into())
}

/// The key types OpenSSH 9.2p1 reads, by the name a key blob (and an `allowed_signers` line)
/// carries. Certificates are read by name only (their blob is not parsed): they never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Ed25519,
    SkEd25519,
    /// `ecdsa-sha2-<curve>`: the curve name and the byte length of one coordinate.
    Ecdsa(&'static str, usize),
    SkEcdsa,
    Rsa,
    Dsa,
    Certificate,
}

impl KeyKind {
    /// The kind a key type name (as written before the base64 of a key) stands for, and the
    /// type name its blob carries (`rsa-sha2-256`/`-512` name an `ssh-rsa` blob, as
    /// OpenSSH's `peek_type_nid` reads them).
    pub fn from_name(name: &str) -> Option<(KeyKind, &'static str)> {
        Some(match name {
            "ssh-ed25519" => (KeyKind::Ed25519, "ssh-ed25519"),
            "sk-ssh-ed25519@openssh.com" => (KeyKind::SkEd25519, "sk-ssh-ed25519@openssh.com"),
            "ecdsa-sha2-nistp256" => (KeyKind::Ecdsa("nistp256", 32), "ecdsa-sha2-nistp256"),
            "ecdsa-sha2-nistp384" => (KeyKind::Ecdsa("nistp384", 48), "ecdsa-sha2-nistp384"),
            "ecdsa-sha2-nistp521" => (KeyKind::Ecdsa("nistp521", 66), "ecdsa-sha2-nistp521"),
            "sk-ecdsa-sha2-nistp256@openssh.com" => {
                (KeyKind::SkEcdsa, "sk-ecdsa-sha2-nistp256@openssh.com")
            }
            "ssh-rsa" => (KeyKind::Rsa, "ssh-rsa"),
            "rsa-sha2-256" | "rsa-sha2-512" => (KeyKind::Rsa, "ssh-rsa"),
            "ssh-dss" => (KeyKind::Dsa, "ssh-dss"),
            "ssh-ed25519-cert-v01@openssh.com" => {
                (KeyKind::Certificate, "ssh-ed25519-cert-v01@openssh.com")
            }
            "sk-ssh-ed25519-cert-v01@openssh.com" => {
                (KeyKind::Certificate, "sk-ssh-ed25519-cert-v01@openssh.com")
            }
            "ecdsa-sha2-nistp256-cert-v01@openssh.com" => (
                KeyKind::Certificate,
                "ecdsa-sha2-nistp256-cert-v01@openssh.com",
            ),
            "ecdsa-sha2-nistp384-cert-v01@openssh.com" => (
                KeyKind::Certificate,
                "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            ),
            "ecdsa-sha2-nistp521-cert-v01@openssh.com" => (
                KeyKind::Certificate,
                "ecdsa-sha2-nistp521-cert-v01@openssh.com",
            ),
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com" => (
                KeyKind::Certificate,
                "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
            ),
            "ssh-rsa-cert-v01@openssh.com"
            | "rsa-sha2-256-cert-v01@openssh.com"
            | "rsa-sha2-512-cert-v01@openssh.com" => {
                (KeyKind::Certificate, "ssh-rsa-cert-v01@openssh.com")
            }
            "ssh-dss-cert-v01@openssh.com" => {
                (KeyKind::Certificate, "ssh-dss-cert-v01@openssh.com")
            }
            _ => return None,
        })
    }

    /// Whether intact verifies signatures by this kind of key (FORMAT.md §7).
    pub fn is_ed25519(self) -> bool {
        matches!(self, KeyKind::Ed25519 | KeyKind::SkEd25519)
    }
}

/// A reader of SSH wire-format fields (RFC 4251 §5) over a byte slice.
struct Wire<'a>(&'a [u8]);

impl<'a> Wire<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SigError> {
        if self.0.len() < n {
            return Err(blob_err("a field runs past the end"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, SigError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u8(&mut self) -> Result<u8, SigError> {
        Ok(self.take(1)?[0])
    }
    fn string(&mut self) -> Result<&'a [u8], SigError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    /// A `string` that is text without NUL (OpenSSH's `sshbuf_get_cstring`).
    fn cstring(&mut self) -> Result<&'a str, SigError> {
        let s = self.string()?;
        if s.contains(&0) {
            return Err(blob_err("a text field holds a NUL byte"));
        }
        std::str::from_utf8(s).map_err(|_| blob_err("a text field is not UTF-8"))
    }
    /// A positive `mpint` in its shortest form (RFC 4251 §5); returns its magnitude.
    fn mpint(&mut self) -> Result<&'a [u8], SigError> {
        let m = self.string()?;
        match m {
            [] => Ok(m),
            [b, ..] if b & 0x80 != 0 => Err(blob_err("a negative mpint")),
            [0, b, ..] if b & 0x80 == 0 => Err(blob_err("an mpint with a superfluous zero byte")),
            [0] => Err(blob_err("an mpint with a superfluous zero byte")),
            [0, rest @ ..] => Ok(rest),
            _ => Ok(m),
        }
    }
    fn end(&self, what: &str) -> Result<(), SigError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(blob_err(format!(
                "{} byte(s) after the {what}",
                self.0.len()
            )))
        }
    }
}

/// Parses a public key blob (PROTOCOL.key) whose type must be `expected` (or any, for `None`),
/// field by field with nothing after it: the kind of key it is.
pub fn parse_key_blob(blob: &[u8], expected: Option<&str>) -> Result<KeyKind, SigError> {
    let mut w = Wire(blob);
    let name = w.cstring()?;
    let (kind, blob_name) =
        KeyKind::from_name(name).ok_or_else(|| blob_err(format!("unknown key type '{name}'")))?;
    if blob_name != name || expected.is_some_and(|e| e != name) {
        return Err(blob_err(format!(
            "key blob of type '{name}' where another was named"
        )));
    }
    match kind {
        KeyKind::Ed25519 | KeyKind::SkEd25519 => {
            if w.string()?.len() != 32 {
                return Err(blob_err("an Ed25519 public key is not 32 bytes"));
            }
            if kind == KeyKind::SkEd25519 {
                w.cstring()?;
            }
        }
        KeyKind::Ecdsa(curve, n) => ecdsa_point(&mut w, curve, n)?,
        KeyKind::SkEcdsa => {
            ecdsa_point(&mut w, "nistp256", 32)?;
            w.cstring()?;
        }
        KeyKind::Rsa => {
            let e = w.mpint()?;
            let n = w.mpint()?;
            // An empty modulus (the mpint of zero) has no bits: no subtraction below zero.
            let bits =
                (n.len() * 8).saturating_sub(n.first().map_or(0, |b| b.leading_zeros() as usize));
            if e.is_empty() || !(1024..=16384).contains(&bits) {
                return Err(blob_err("an RSA key outside 1024 to 16384 bits"));
            }
        }
        KeyKind::Dsa => {
            for _ in 0..4 {
                w.mpint()?;
            }
        }
        KeyKind::Certificate => {
            return Err(blob_err("a certificate is not a signing key §7 allows"))
        }
    }
    w.end("key")?;
    Ok(kind)
}

/// An uncompressed point on `curve` (`string curve`, `string 04 || x || y`).
fn ecdsa_point(w: &mut Wire, curve: &str, n: usize) -> Result<(), SigError> {
    if w.cstring()? != curve {
        return Err(blob_err("ECDSA key names another curve"));
    }
    let q = w.string()?;
    if q.len() != 1 + 2 * n || q[0] != 4 {
        return Err(blob_err("ECDSA key is not an uncompressed point"));
    }
    Ok(())
}

/// Checks the `signature` field of an SSHSIG against its key's kind: the signature type the
/// key signs with, the signature's length or structure, nothing after it.
fn check_signature_field(sig: &[u8], kind: KeyKind, key_name: &str) -> Result<(), SigError> {
    let mut w = Wire(sig);
    let t = w.cstring()?;
    let allowed: &[&str] = match kind {
        KeyKind::Rsa => &["rsa-sha2-512", "rsa-sha2-256"],
        _ => &[key_name],
    };
    if !allowed.contains(&t) {
        return Err(blob_err(format!(
            "signature type '{t}' for a {key_name} key"
        )));
    }
    let body = w.string()?;
    let ok = match kind {
        KeyKind::Ed25519 | KeyKind::SkEd25519 => body.len() == 64,
        KeyKind::Dsa => body.len() == 40,
        KeyKind::Rsa => !body.is_empty() && body.len() <= 2048,
        KeyKind::Ecdsa(..) | KeyKind::SkEcdsa => {
            let mut rs = Wire(body);
            rs.mpint()?;
            rs.mpint()?;
            rs.end("ECDSA signature")?;
            true
        }
        KeyKind::Certificate => false,
    };
    if !ok {
        return Err(blob_err(format!("a {t} signature of {} bytes", body.len())));
    }
    if matches!(kind, KeyKind::SkEd25519 | KeyKind::SkEcdsa) {
        w.u8()?; // flags
        w.u32()?; // counter
    }
    w.end("signature")
}

/// One SSHSIG blob, read whole (PROTOCOL.sshsig).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sshsig {
    /// The whole blob.
    pub blob: Vec<u8>,
    /// The signer's public key blob.
    pub key_blob: Vec<u8>,
    /// The key type the key blob names.
    pub key_type: String,
    pub kind: KeyKind,
    pub namespace: String,
    pub hash_algorithm: String,
}

/// Reads an SSHSIG blob: `SSHSIG`, version 1, a public key, a namespace, an empty reserved
/// field, `sha256` or `sha512`, a signature of the key's type, and nothing after it.
pub fn parse_blob(blob: &[u8]) -> Result<Sshsig, SigError> {
    let mut w = Wire(blob);
    if w.take(6).ok() != Some(b"SSHSIG".as_slice()) {
        return Err(blob_err("no SSHSIG magic"));
    }
    let version = w.u32()?;
    if version != 1 {
        return Err(blob_err(format!("version {version}, not 1")));
    }
    let key_blob = w.string()?;
    let kind = parse_key_blob(key_blob, None)?;
    let key_type = Wire(key_blob).cstring()?.to_owned();
    let namespace = w.cstring()?.to_owned();
    if !w.string()?.is_empty() {
        return Err(blob_err("the reserved field is not empty"));
    }
    let hash_algorithm = w.cstring()?.to_owned();
    if !HASH_ALGORITHMS.contains(&hash_algorithm.as_str()) {
        return Err(blob_err(format!(
            "hash algorithm '{hash_algorithm}' (sha256 or sha512)"
        )));
    }
    check_signature_field(w.string()?, kind, &key_type)?;
    w.end("signature blob")?;
    Ok(Sshsig {
        blob: blob.to_vec(),
        key_blob: key_blob.to_vec(),
        key_type,
        kind,
        namespace,
        hash_algorithm,
    })
}

/// OpenSSH's `b64_pton` (openbsd-compat/base64.c) for a whole string: whitespace (C `isspace`)
/// skipped anywhere, `=` padding only at the end, unpadded input a whole number of quanta,
/// the bits a padded quantum leaves over zero. `None` where OpenSSH fails.
pub fn b64_pton(src: &[u8]) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let (mut acc, mut state) = (0u32, 0u32);
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        i += 1;
        if space(c) {
            continue;
        }
        if c == b'=' {
            // state 2: one byte of information, a second `=` must follow; state 3: two bytes.
            match state {
                2 => {
                    while i < src.len() && space(src[i]) {
                        i += 1;
                    }
                    if src.get(i) != Some(&b'=') {
                        return None;
                    }
                    i += 1;
                    if acc & 0xf != 0 {
                        return None;
                    }
                }
                3 if acc & 0x3 != 0 => return None,
                3 => {}
                _ => return None,
            }
            return src[i..].iter().all(|&c| space(c)).then_some(out);
        }
        let v = value(c)?;
        acc = (acc << 6) | v;
        state += 1;
        match state {
            2 => out.push((acc >> 4) as u8),
            3 => out.push((acc >> 2) as u8),
            4 => {
                out.push(acc as u8);
                (acc, state) = (0, 0);
            }
            _ => {}
        }
        acc &= 0xff;
    }
    (state == 0).then_some(out)
}

/// The base64 of `data`, padded (RFC 4648 §4).
pub fn b64_ntop(data: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    Base64::encode_string(data)
}

/// The armor `ssh-keygen -Y sign` writes for `blob` (`sshsig_armor`): the BEGIN line, the
/// base64 in lines of 70 characters (the last one shorter or not), the END line, each line
/// ended by one LF.
pub fn armor(blob: &[u8]) -> String {
    let b64 = b64_ntop(blob);
    let mut out = String::with_capacity(b64.len() + b64.len() / LINE + 64);
    out.push_str(BEGIN);
    for chunk in b64.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// What `ssh-keygen -Y verify` reads as a signature file (`sshsig_dearmor`): the bytes must
/// start with the BEGIN line (LF-ended); the base64 runs to the first LF followed by the END
/// marker, and whatever follows that is ignored. Returns the decoded blob.
pub fn dearmor_as_ssh_keygen(text: &[u8]) -> Result<Vec<u8>, SigError> {
    let rest = text
        .strip_prefix(BEGIN.as_bytes())
        .ok_or(SigError::NoBegin)?;
    let marker = format!("\n{END}");
    let end = rest
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .ok_or(SigError::NoEnd)?;
    let body = &rest[..end];
    // `sshbuf_dup_string` refuses a NUL inside the text.
    if body.contains(&0) {
        return Err(SigError::Base64);
    }
    b64_pton(body).ok_or(SigError::Base64)
}

/// A signature file as §7 allows it: exactly the armor `ssh-keygen -Y sign` writes, of one
/// well-formed SSHSIG blob.
pub fn read_exact(text: &[u8]) -> Result<Sshsig, SigError> {
    let blob = dearmor_as_ssh_keygen(text)?;
    if armor(&blob).as_bytes() != text {
        return Err(SigError::NotCanonical);
    }
    parse_blob(&blob)
}

/// A signature file as `ssh-keygen -Y verify` reads it, and its canonical armor (what
/// `intact attach` stores).
pub fn read_as_ssh_keygen(text: &[u8]) -> Result<(Sshsig, String), SigError> {
    let blob = dearmor_as_ssh_keygen(text)?;
    let sig = parse_blob(&blob)?;
    Ok((sig, armor(&blob)))
}

#[cfg(test)]
mod tests;
