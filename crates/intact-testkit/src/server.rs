//! Real servers for the network tests, started by the tests on 127.0.0.1 (docs/MIRRORS.md):
//! [`Nginx`], Debian's nginx serving a folder as a website does (ranges, suffix ranges), as a
//! child process with its own configuration in a temporary folder; and [`FaultProxy`], a small
//! HTTP proxy in front of it that breaks one thing on purpose (a connection cut mid-file, a
//! byte flipped in transit, a 404, an older folder served, a stall, suffix ranges ignored).
//!
//! `scripts/install/nginx.sh` installs nginx (scripts/test.sh runs it).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The nginx binary: on PATH, or where Debian puts it.
fn nginx_binary() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    PathBuf::from("nginx")
}

/// A free TCP port on 127.0.0.1 (bound, then released for the server to take).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

/// Waits until something accepts connections on `port`.
fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// nginx serving `root` on 127.0.0.1, stopped when dropped.
pub struct Nginx {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx (not a daemon, one process) serving `root`, with its configuration, logs and
    /// temporary files in a temporary folder. The access log records each request's method,
    /// URI, status, range and bytes sent (headers and body), for [`Nginx::bytes_sent`].
    pub fn serve(root: &Path) -> Nginx {
        let dir = tempfile::tempdir().expect("a temp dir for nginx");
        let d = dir.path();
        let port = free_port();
        let root = root.canonicalize().expect("the folder to serve");
        let conf = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log;\nevents {{ worker_connections 512; }}\n\
             http {{\n  log_format counted '$request_method $uri $status \"$http_range\" $bytes_sent';\n\
               access_log {d}/access.log counted;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               types {{ application/zip zip; application/json json; }}\n\
               default_type application/octet-stream;\n\
               sendfile on; keepalive_requests 100000;\n\
               server {{ listen 127.0.0.1:{port}; root {root}; }}\n}}\n",
            d = d.display(),
            root = root.display(),
        );
        std::fs::write(d.join("nginx.conf"), conf).expect("nginx.conf");
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .arg("-e")
            .arg(d.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start nginx ({e}); run scripts/install/nginx.sh (scripts/test.sh does)"
                )
            });
        let mut n = Nginx { child, port, dir };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = n.child.try_wait() {
                let log =
                    std::fs::read_to_string(n.dir.path().join("error.log")).unwrap_or_default();
                panic!("nginx exited ({status}): {log}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "nginx did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        n
    }

    /// `http://127.0.0.1:PORT` and `rel` (which starts with `/`, or is empty).
    pub fn url(&self, rel: &str) -> String {
        format!("http://127.0.0.1:{}{rel}", self.port)
    }

    /// The access log's lines so far.
    pub fn access_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Bytes nginx sent (response headers and bodies), from its access log.
    pub fn bytes_sent(&self) -> u64 {
        self.access_log()
            .iter()
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the proxy breaks. `path` matches when the request's path contains it.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Ends the connection after `after` bytes of the response body (half of a shorter body),
    /// the first `times` times.
    Cut {
        path: String,
        after: u64,
        times: usize,
    },
    /// [`Fault::Cut`], only for requests whose `Range` header's value starts with `range` (e.g.
    /// `bytes=0-`: a stream from the first byte, not a request for the file's end).
    CutRange {
        path: String,
        range: String,
        after: u64,
        times: usize,
    },
    /// Flips one bit of the response body's byte at offset `at`.
    Flip { path: String, at: u64 },
    /// Answers 404 without asking the server.
    NotFound { path: String },
    /// Asks the server for the path with the prefix `from` replaced by `to` (e.g. an older
    /// published folder: a rollback).
    Rewrite { from: String, to: String },
    /// Waits this long before answering.
    Stall { path: String, wait: Duration },
    /// Drops a suffix range (`Range: bytes=-N`) from the request, as servers that do not
    /// support them do (they answer 200 with the whole file).
    NoSuffixRanges,
}

/// A proxy on 127.0.0.1 in front of a server, applying [`Fault`]s; one request per connection
/// (it asks the server to close after each answer).
pub struct FaultProxy {
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// Requests that reached the proxy.
    pub requests: Arc<AtomicUsize>,
}

impl FaultProxy {
    pub fn start(upstream: u16, faults: Vec<Fault>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the proxy");
        let port = listener.local_addr().expect("its address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let cuts: Arc<Vec<AtomicUsize>> = Arc::new(
            faults
                .iter()
                .map(|f| match f {
                    Fault::Cut { times, .. } | Fault::CutRange { times, .. } => {
                        AtomicUsize::new(*times)
                    }
                    _ => AtomicUsize::new(0),
                })
                .collect(),
        );
        let faults = Arc::new(faults);
        let (s, r) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                r.fetch_add(1, Ordering::SeqCst);
                let (faults, cuts) = (faults.clone(), cuts.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, upstream, &faults, &cuts);
                });
            }
        });
        wait_for(port, "the fault proxy");
        FaultProxy {
            port,
            stop,
            requests,
        }
    }

    pub fn url(&self, rel: &str) -> String {
        format!("http://127.0.0.1:{}{rel}", self.port)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Reads up to the end of an HTTP head (`\r\n\r\n`); the head and any bytes after it.
fn read_head(s: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(i + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn handle(
    mut client: TcpStream,
    upstream: u16,
    faults: &[Fault],
    cuts: &[AtomicUsize],
) -> std::io::Result<()> {
    let (head, _) = read_head(&mut client)?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.splitn(3, ' ');
    let (method, mut path, version) = (
        parts.next().unwrap_or("GET").to_owned(),
        parts.next().unwrap_or("/").to_owned(),
        parts.next().unwrap_or("HTTP/1.1").to_owned(),
    );
    let asked = path.clone();
    let matches = |p: &str| asked.contains(p);
    let range = head
        .split("\r\n")
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("range").then(|| v.trim().to_owned())
        })
        .unwrap_or_default();
    for f in faults {
        match f {
            Fault::NotFound { path: p } if matches(p) => {
                client.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )?;
                return Ok(());
            }
            Fault::Stall { path: p, wait } if matches(p) => std::thread::sleep(*wait),
            _ => {}
        }
    }
    for f in faults {
        if let Fault::Rewrite { from, to } = f {
            if let Some(rest) = path.strip_prefix(from.as_str()) {
                path = format!("{to}{rest}");
            }
        }
    }
    let no_suffix = faults.iter().any(|f| matches!(f, Fault::NoSuffixRanges));
    let mut out = format!("{method} {path} {version}\r\n");
    for l in lines.filter(|l| !l.is_empty()) {
        let lower = l.to_ascii_lowercase();
        if lower.starts_with("connection:") {
            continue;
        }
        if no_suffix && lower.starts_with("range:") && lower.contains("bytes=-") {
            continue;
        }
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(out.as_bytes())?;
    let (resp_head, mut body_start) = read_head(&mut server)?;
    client.write_all(resp_head.as_bytes())?;
    let mut sent = 0u64;
    // A body no longer than the cut point (a resumed transfer's rest) is cut in its middle.
    let length: Option<u64> = resp_head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse().ok())
            .flatten()
    });
    let cut: Option<(usize, u64)> = faults.iter().enumerate().find_map(|(i, f)| match f {
        Fault::Cut { path: p, after, .. } if matches(p) && cuts[i].load(Ordering::SeqCst) > 0 => {
            Some((
                i,
                length.map_or(*after, |n| if n <= *after { n / 2 } else { *after }),
            ))
        }
        Fault::CutRange {
            path: p,
            range: r,
            after,
            ..
        } if matches(p) && range.starts_with(r.as_str()) && cuts[i].load(Ordering::SeqCst) > 0 => {
            Some((
                i,
                length.map_or(*after, |n| if n <= *after { n / 2 } else { *after }),
            ))
        }
        _ => None,
    });
    let flip: Option<u64> = faults.iter().find_map(|f| match f {
        Fault::Flip { path: p, at } if matches(p) => Some(*at),
        _ => None,
    });
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let mut data = if body_start.is_empty() {
            let n = server.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            chunk[..n].to_vec()
        } else {
            std::mem::take(&mut body_start)
        };
        if let Some(at) = flip {
            if at >= sent && at < sent + data.len() as u64 {
                data[(at - sent) as usize] ^= 0x01;
            }
        }
        if let Some((i, after)) = cut {
            if sent + data.len() as u64 >= after {
                let keep = (after - sent.min(after)) as usize;
                client.write_all(&data[..keep.min(data.len())])?;
                cuts[i].fetch_sub(1, Ordering::SeqCst);
                let _ = client.shutdown(Shutdown::Both);
                return Ok(());
            }
        }
        client.write_all(&data)?;
        sent += data.len() as u64;
    }
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

/// The access key and secret of the test S3 server ([`S3sFs`]): synthetic, for 127.0.0.1 only.
pub const S3_ACCESS_KEY: &str = "intact-test-access";
pub const S3_SECRET_KEY: &str = "intact-test-secret-not-a-real-one";

/// `s3s-fs` 0.14.1, an S3-compatible server (signed requests) over a folder: each folder of
/// `root` is a bucket. Installed once by `scripts/install/s3s-fs.sh` into cargo's bin folder.
pub struct S3sFs {
    child: Child,
    pub port: u16,
}

/// The s3s-fs binary: in `$CARGO_HOME/bin` or `~/.cargo/bin`, else on PATH.
fn s3s_binary() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    match home.map(|h| h.join("bin/s3s-fs")) {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("s3s-fs"),
    }
}

impl S3sFs {
    pub fn serve(root: &Path) -> S3sFs {
        let port = free_port();
        let child = Command::new(s3s_binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", S3_ACCESS_KEY, "--secret-key", S3_SECRET_KEY])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start s3s-fs ({e}); run scripts/install/s3s-fs.sh (scripts/test.sh does)")
            });
        let s = S3sFs { child, port };
        wait_for(port, "s3s-fs");
        s
    }

    /// `http://127.0.0.1:PORT`, the endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
