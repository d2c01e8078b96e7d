//! Canonical JSON (RFC 8785, JCS): the byte form of `manifest.json`, `release.json` and item
//! records, so that a digest or a signature over them is well defined.

use serde::Serialize;

/// Serializes a value as RFC 8785 canonical JSON.
pub fn to_canonical<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_jcs::to_vec(value)
}

/// Whether `bytes` are exactly the canonical form of the JSON they contain (so no duplicate
/// keys, no insignificant whitespace, sorted keys, no trailing newline).
pub fn is_canonical(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => to_canonical(&v).map(|c| c == bytes).unwrap_or(false),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_keys_no_whitespace() {
        let v = serde_json::json!({"b": 1, "a": [true, null, "x"]});
        assert_eq!(to_canonical(&v).unwrap(), br#"{"a":[true,null,"x"],"b":1}"#);
    }

    #[test]
    fn rejects_non_canonical_forms() {
        assert!(is_canonical(br#"{"a":1,"b":2}"#));
        assert!(!is_canonical(br#"{"b":2,"a":1}"#));
        assert!(!is_canonical(br#"{"a": 1}"#));
        assert!(!is_canonical(b"{\"a\":1}\n"));
        assert!(!is_canonical(br#"{"a":1,"a":1}"#));
        assert!(!is_canonical(b"not json"));
    }
}
