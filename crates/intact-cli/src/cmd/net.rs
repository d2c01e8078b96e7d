//! Flags of the commands that read bundles and mirrors over the network (a bundle URL for
//! `verify`, `check --bundle`, `cite`; `mirror pull`): timeout, retries, and for `s3://` names
//! the endpoint and region (docs/MIRRORS.md). S3 credentials, region and endpoint are also read
//! here, and only here, from the usual AWS environment variables.

use std::time::Duration;

use clap::Args;

use intact::net::remote::Remote;
use intact::net::s3::S3Config;
use intact::net::{Http, HttpOptions};

#[derive(Args, Clone)]
pub struct NetArgs {
    /// Network: give up on a connection or a read that waits longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// Network: attempts after the first for a request that fails on the way (connection cut,
    /// timeout, HTTP 429 or 5xx), with a back-off that doubles from a quarter second.
    #[arg(long, value_name = "N", default_value_t = 4)]
    retries: u32,
    /// S3: the endpoint of an S3-compatible store (e.g. http://127.0.0.1:9000; default
    /// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS itself).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// S3: the region (default AWS_REGION or AWS_DEFAULT_REGION, else us-east-1).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl NetArgs {
    /// The HTTP client these flags describe.
    pub fn http(&self) -> Http {
        Http::new(HttpOptions {
            timeout: Duration::from_secs(self.timeout.max(1)),
            retries: self.retries,
            ..HttpOptions::default()
        })
    }

    /// The S3 settings: these flags, then AWS_* environment variables (credentials only
    /// from there: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
    pub fn s3(&self) -> S3Config {
        S3Config {
            endpoint: self
                .endpoint
                .clone()
                .or_else(|| env("AWS_ENDPOINT_URL_S3"))
                .or_else(|| env("AWS_ENDPOINT_URL")),
            region: self
                .region
                .clone()
                .or_else(|| env("AWS_REGION"))
                .or_else(|| env("AWS_DEFAULT_REGION")),
            access_key_id: env("AWS_ACCESS_KEY_ID"),
            secret_access_key: env("AWS_SECRET_ACCESS_KEY"),
            session_token: env("AWS_SESSION_TOKEN"),
            timeout: Duration::from_secs(self.timeout.max(1)),
            retries: self.retries,
        }
    }

    /// The clients for remote bundles.
    pub fn remote(&self) -> Remote {
        Remote::new(self.http(), self.s3())
    }
}

/// Whether a command-line name (a PathBuf from clap) is a remote bundle: an `http(s)://` or
/// `s3://` URL.
pub fn url_of(p: &std::path::Path) -> Option<&str> {
    p.to_str().filter(|s| Remote::is_remote(s))
}
