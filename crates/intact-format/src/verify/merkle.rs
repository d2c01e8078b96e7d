//! The check `merkle` (FORMAT.md §8, §6): the counts and the Merkle root the statement signs
//! are those of `manifest.json`.

use crate::bag;
use crate::digest::hex;
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::manifest::ItemsSummary;

/// Check `merkle` (FORMAT.md §8, §6): the statement's `item_count`, `payload_bytes` and
/// `merkle_root` equal what `manifest.json`'s records add up to (`items`). Without either
/// there is nothing to compare (the `statement` or `manifest` check says why).
pub(super) fn check_merkle(
    statement: Option<&Statement>,
    items: Option<&ItemsSummary>,
) -> Vec<Problem> {
    let (Some(s), Some(m)) = (statement, items) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    if s.item_count != m.count {
        problems.push(Problem::new(
            Check::Merkle,
            bag::RELEASE_PATH,
            format!(
                "item_count {} but manifest.json has {} items",
                s.item_count, m.count
            ),
        ));
    }
    if s.payload_bytes != m.payload_bytes {
        problems.push(Problem::new(
            Check::Merkle,
            bag::RELEASE_PATH,
            format!(
                "payload_bytes {} but the items add up to {}",
                s.payload_bytes, m.payload_bytes
            ),
        ));
    }
    let root = hex(&m.merkle_root);
    if root != s.merkle_root {
        problems.push(Problem::new(
            Check::Merkle,
            bag::ITEMS_PATH,
            format!(
                "Merkle root {root} does not match release.json ({})",
                s.merkle_root
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn summary() -> ItemsSummary {
        let m = fixture::manifest();
        ItemsSummary {
            count: m.items.len() as u64,
            payload_bytes: m.payload_bytes(),
            merkle_root: m.merkle_root(),
        }
    }

    #[test]
    fn passes_the_statement_of_these_records() {
        assert_eq!(
            check_merkle(Some(&fixture::statement()), Some(&summary())),
            []
        );
        assert_eq!(check_merkle(None, Some(&summary())), []);
        assert_eq!(check_merkle(Some(&fixture::statement()), None), []);
    }

    #[test]
    fn fails_counts_and_a_root_that_differ() {
        let mut s = fixture::statement();
        s.item_count = 3;
        s.payload_bytes = 11;
        s.merkle_root = "ab".repeat(32);
        let p = check_merkle(Some(&s), Some(&summary()));
        assert!(p.iter().all(|p| p.check == Check::Merkle));
        let found: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found[0],
            (
                bag::RELEASE_PATH,
                "item_count 3 but manifest.json has 2 items"
            )
        );
        assert_eq!(
            found[1],
            (
                bag::RELEASE_PATH,
                "payload_bytes 11 but the items add up to 10"
            )
        );
        assert_eq!(found[2].0, bag::ITEMS_PATH);
        assert!(found[2]
            .1
            .ends_with(&format!("does not match release.json ({})", s.merkle_root)));
        assert_eq!(p.len(), 3);
    }
}
