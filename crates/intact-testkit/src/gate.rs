//! The leak gate's test vocabulary: the invented names a fixture plants, a deny-list over them,
//! and scanning bytes with it. All names are invented.

pub const NAME: &str = "Ivan Fictitious";
pub const NAME2: &str = "Anahit Placeholder";

/// A deny-list over the invented names.
pub fn deny() -> intact::gate::DenyList {
    intact::gate::DenyList::from_entries(&[NAME, NAME2, "Дмитрий Вымышленный", "Անահիտ Օրինակյան"])
        .expect("valid deny-list")
}

pub fn opts() -> intact::gate::ScanOptions {
    intact::gate::ScanOptions {
        deny: Some(deny()),
        ..Default::default()
    }
}

pub fn scan(bytes: &[u8]) -> Vec<intact::gate::Finding> {
    intact::gate::scan_bytes(std::path::Path::new("f"), bytes, &opts())
}

pub fn rules(f: &[intact::gate::Finding]) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = f.iter().map(|f| f.rule.as_str()).collect();
    r.sort();
    r.dedup();
    r
}

pub fn has(f: &[intact::gate::Finding], rule: &str, loc_part: &str) -> bool {
    f.iter()
        .any(|f| f.rule.as_str() == rule && f.location.contains(loc_part))
}
