//! The flags of `log verify --bundles` that say how many bundles are verified at once, and
//! within what memory (docs/MIRRORS.md, "Verifying many bundles at once").

use clap::Args;

use intact::log::{Fleet, DEFAULT_MEMORY_LIMIT};

#[derive(Args)]
pub struct FleetArgs {
    /// Verify the bundles of --bundles several at once while the sum of their estimated memory
    /// stays within SIZE: bytes, or with a suffix K, M, G, T (KiB, MiB, GiB, TiB; also KiB,
    /// MiB, …). A bundle estimated above SIZE runs alone; 0 verifies one at a time.
    /// [default: 1G]
    #[arg(long, value_name = "SIZE", value_parser = parse_size, requires = "bundles")]
    memory_limit: Option<u64>,
    /// Most bundles of --bundles verified at a time [default: one per core].
    #[arg(long, value_name = "N", value_parser = parse_parallel, requires = "bundles")]
    parallel: Option<usize>,
}

impl FleetArgs {
    /// The library's options.
    pub fn fleet(&self) -> Fleet {
        Fleet {
            memory_limit: self.memory_limit.unwrap_or(DEFAULT_MEMORY_LIMIT),
            parallel: self.parallel.unwrap_or(0),
        }
    }
}

/// `--memory-limit`: a whole number of bytes, or of KiB, MiB, GiB, TiB with a suffix
/// (`K`/`KiB`, `M`/`MiB`, `G`/`GiB`, `T`/`TiB`, any case; `KB`, `MB`, … are read the same).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("'{s}' is not a size (e.g. 1073741824, 512M, 1G)")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 1073741824, 512M, 1G)"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

fn parse_parallel(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1073741824"), Ok(1 << 30));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("64 KiB"), Ok(64 << 10));
        assert_eq!(parse_size("2T"), Ok(2 << 40));
        assert_eq!(parse_size("100B"), Ok(100));
        for bad in ["", "G", "1.5G", "-1", "1X", "1 G B", "99999999999999999999"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(parse_parallel("3"), Ok(3));
        assert!(parse_parallel("0").is_err());
    }
}
