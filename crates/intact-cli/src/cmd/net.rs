//! Flags of the commands that read bundles and mirrors over the network (a bundle URL for
//! `verify`, `check --bundle`, `cite`; `mirror pull`): timeout and retries (docs/MIRRORS.md).

use std::time::Duration;

use clap::Args;

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
}

/// Whether a command-line name (a PathBuf from clap) is an `http(s)://` URL.
pub fn url_of(p: &std::path::Path) -> Option<&str> {
    p.to_str().filter(|s| intact::net::is_url(s))
}
