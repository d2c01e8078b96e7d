//! The leak gate's test vocabulary: the invented names a fixture plants, a deny-list over them,
//! and scanning bytes with it. All names are invented.

/// An invented name a fixture plants; it must never be printed.
pub const NAME: &str = "Ivan Fictitious";
/// A second invented name.
pub const NAME2: &str = "Anahit Placeholder";

/// A deny-list over the invented names.
pub fn deny() -> intact::gate::DenyList {
    intact::gate::DenyList::from_entries(&[NAME, NAME2, "Дмитрий Вымышленный", "Անահիտ Օրինակյան"])
        .expect("valid deny-list")
}

/// Scan options with [`deny`] as the deny-list.
pub fn opts() -> intact::gate::ScanOptions {
    intact::gate::ScanOptions {
        deny: Some(deny()),
        ..Default::default()
    }
}

/// The findings for one file of `bytes` (named `f`), scanned with [`opts`]; panics when a
/// parser panicked ([`no_crash`]).
pub fn scan(bytes: &[u8]) -> Vec<intact::gate::Finding> {
    scan_with(bytes, &opts())
}

/// The findings for one file of `bytes` (named `f`) scanned with `opts`; panics when a parser
/// panicked ([`no_crash`]).
pub fn scan_with(bytes: &[u8], opts: &intact::gate::ScanOptions) -> Vec<intact::gate::Finding> {
    no_crash(intact::gate::scan_bytes(
        std::path::Path::new("f"),
        bytes,
        opts,
    ))
}

/// `findings`, after checking that none is a parser's panic. The gate turns a panic into an
/// `unreadable-file` finding (fail closed), which would pass a test that only wants some
/// finding: a test must see the crash.
pub fn no_crash(findings: Vec<intact::gate::Finding>) -> Vec<intact::gate::Finding> {
    if let Some(f) = findings
        .iter()
        .find(|f| f.location == intact::gate::scan::INTERNAL_FAILURE)
    {
        panic!("a parser panicked on {}", f.file.display());
    }
    findings
}

/// The rules of `f`, sorted, each once.
pub fn rules(f: &[intact::gate::Finding]) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = f.iter().map(|f| f.rule.as_str()).collect();
    r.sort();
    r.dedup();
    r
}

/// Whether some finding is of `rule` at a location containing `loc_part`.
pub fn has(f: &[intact::gate::Finding], rule: &str, loc_part: &str) -> bool {
    f.iter()
        .any(|f| f.rule.as_str() == rule && f.location.contains(loc_part))
}
