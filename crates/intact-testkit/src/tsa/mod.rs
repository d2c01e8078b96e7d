//! A real time-stamping authority for the tests (FORMAT.md §16): OpenSSL's `openssl ts -reply`
//! with a root and TSA certificates made by `openssl` (`pki.sh`), behind a small HTTP/1.1 front
//! on 127.0.0.1 that pipes each request body to it. Nothing is mocked: the replies are what
//! OpenSSL signs, and [`Pki::openssl_verify`] checks a token with `openssl ts -verify`.
//!
//! OpenSSL's TSA refuses to sign with a certificate that lacks the timeStamping usage, so a
//! token from such a certificate is made by [`Pki::cms_token`]: the TSTInfo of a real reply,
//! signed again with `openssl cms -sign -cades` (content type TSTInfo, message digest and the
//! ESS signing-certificate-v2 attribute, as a TSA signs).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The TSA's key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA P-256.
    Ec,
    /// RSA 2048 (PKCS#1 v1.5 from `openssl ts`).
    Rsa,
}

/// Which TSA certificate signs (all three are over the same key, issued by the same root).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// `tsa.crt`: timeStamping, critical, valid 2020–2040.
    Good,
    /// `old.crt`: the same usage, valid 2000–2001 only.
    Expired,
}

/// The root and TSA certificates and keys in a temp dir, and the `openssl ts` configuration.
pub struct Pki {
    dir: tempfile::TempDir,
    pub kind: KeyKind,
}

/// Runs `cmd`, panicking with its stderr when it fails; returns its stdout.
fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run openssl");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

impl Pki {
    /// Makes a root and the TSA certificates with `openssl` (`pki.sh`).
    pub fn new(kind: KeyKind) -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("pki.sh");
        std::fs::write(&script, include_str!("pki.sh")).expect("write pki.sh");
        let k = match kind {
            KeyKind::Ec => "ec",
            KeyKind::Rsa => "rsa",
        };
        run(Command::new("bash").arg(&script).arg(dir.path()).arg(k));
        Pki { dir, kind }
    }

    /// The directory with `root.crt`, `tsa.crt`, `tsa.key`, `old.crt`, `noeku.crt`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The root certificate (PEM), what `--tsa-certs` is given.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root.crt")
    }

    /// `openssl ts -reply` over a DER TimeStampReq: the DER TimeStampResp.
    pub fn reply(&self, query: &[u8], signer: Signer) -> Vec<u8> {
        let q = tempfile::NamedTempFile::new_in(self.dir()).expect("temp");
        std::fs::write(q.path(), query).expect("write query");
        let section = match signer {
            Signer::Good => "tsa1",
            Signer::Expired => "tsa_old",
        };
        let out = self.dir().join(format!("reply-{}.tsr", unique()));
        run(Command::new("openssl")
            .current_dir(self.dir())
            .args(["ts", "-reply", "-config", "ca.cnf", "-section", section])
            .arg("-queryfile")
            .arg(q.path())
            .arg("-out")
            .arg(&out)
            .env("OPENSSL_CONF", self.dir().join("ca.cnf")));
        let bytes = std::fs::read(&out).expect("read reply");
        let _ = std::fs::remove_file(out);
        bytes
    }

    /// The token (DER ContentInfo) of a reply, by `openssl ts -reply -in … -token_out`.
    pub fn token_of(&self, reply: &[u8]) -> Vec<u8> {
        let r = self.temp_file(reply);
        run(Command::new("openssl")
            .args(["ts", "-reply", "-token_out", "-in"])
            .arg(r.path())
            .env("OPENSSL_CONF", self.dir().join("ca.cnf")))
    }

    /// A TimeStampReq over `data` by `openssl ts -query` (SHA-256, a nonce, certReq).
    pub fn query(&self, data: &[u8]) -> Vec<u8> {
        let d = self.temp_file(data);
        run(Command::new("openssl")
            .args(["ts", "-query", "-sha256", "-cert", "-data"])
            .arg(d.path()))
    }

    /// A token whose TSTInfo is `template`'s, signed again with `openssl cms -sign -cades` by
    /// the TSA key under certificate `cert` (`tsa.crt`, `noeku.crt`, …); `pss` signs with
    /// RSASSA-PSS (RSA keys only).
    pub fn cms_token(&self, template: &[u8], cert: &str, pss: bool) -> Vec<u8> {
        let t = self.temp_file(template);
        let tst = run(Command::new("openssl")
            .args([
                "cms",
                "-verify",
                "-noverify",
                "-binary",
                "-inform",
                "DER",
                "-in",
            ])
            .arg(t.path()));
        let tst = self.temp_file(&tst);
        let mut cmd = Command::new("openssl");
        cmd.current_dir(self.dir())
            .args([
                "cms",
                "-sign",
                "-cades",
                "-binary",
                "-nodetach",
                "-nosmimecap",
            ])
            .args([
                "-econtent_type",
                "1.2.840.113549.1.9.16.1.4",
                "-md",
                "sha256",
            ])
            .args([
                "-outform", "DER", "-inkey", "tsa.key", "-signer", cert, "-in",
            ])
            .arg(tst.path());
        if pss {
            cmd.args(["-keyopt", "rsa_padding_mode:pss"]);
        }
        run(&mut cmd)
    }

    /// Whether `openssl ts -verify` accepts `token` over `data` with the root.
    pub fn openssl_verify(&self, data: &[u8], token: &[u8]) -> bool {
        let d = self.temp_file(data);
        let t = self.temp_file(token);
        Command::new("openssl")
            .args(["ts", "-verify", "-token_in", "-in"])
            .arg(t.path())
            .arg("-data")
            .arg(d.path())
            .arg("-CAfile")
            .arg(self.root())
            .output()
            .expect("run openssl")
            .status
            .success()
    }

    fn temp_file(&self, bytes: &[u8]) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new_in(self.dir()).expect("temp");
        std::fs::write(f.path(), bytes).expect("write temp");
        f
    }
}

/// A number no other call in this process returns.
fn unique() -> u64 {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// What the HTTP front answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The reply of `openssl ts -reply` by this signer.
    Sign(Signer),
    /// An HTTP error status with no body.
    Status(u16),
    /// 200 with bytes that are no reply.
    Garbage,
}

/// The TSA listening on 127.0.0.1 (a thread per server; it stops when dropped).
pub struct Tsa {
    pub url: String,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
    /// Every request body received, in order.
    pub requests: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl Tsa {
    /// Starts the HTTP front over `pki`, answering every POST with `answer`.
    pub fn start(pki: Arc<Pki>, answer: Answer) -> Tsa {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (s, r) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(c) = conn {
                    let _ = serve(c, &pki, answer, &r);
                }
            }
        });
        Tsa {
            url: format!("http://{addr}/tsa"),
            stop,
            addr,
            requests,
        }
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers one HTTP/1.1 request: reads the head and `Content-Length` bytes of body.
fn serve(
    conn: TcpStream,
    pki: &Pki,
    answer: Answer,
    requests: &std::sync::Mutex<Vec<Vec<u8>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut len = 0usize;
    let mut content_type = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if let Some(v) = lower.strip_prefix("content-type:") {
            content_type = v.trim().to_owned();
        }
    }
    let mut body = vec![0u8; len.min(1 << 20)];
    reader.read_exact(&mut body)?;
    requests.lock().expect("lock").push(body.clone());
    let (status, reply) = match answer {
        _ if content_type != "application/timestamp-query" => (415, Vec::new()),
        Answer::Sign(signer) => (200, pki.reply(&body, signer)),
        Answer::Status(code) => (code, Vec::new()),
        Answer::Garbage => (200, b"not a time-stamp reply".to_vec()),
    };
    let mut conn = conn;
    write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: application/timestamp-reply\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    )?;
    conn.write_all(&reply)?;
    conn.flush()
}
