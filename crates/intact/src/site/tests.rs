//! Unit tests of the parts of `intact site` that need no log (the whole build is tested through
//! the CLI in `crates/intact-cli/tests/it/site.rs`).

use super::filter;
use super::model::DocView;
use crate::manifest::Item;

fn doc(n: usize, case: &str, date: &str, status: &'static str) -> DocView {
    let item: Item = serde_json::from_value(serde_json::json!({
        "id": format!("item-{n}"), "path": format!("data/{n}.txt"),
        "sha256": format!("{n:064x}"), "size": 1, "media_type": "text/plain",
        "metadata": {"case_no": case, "date": date, "doc_type": "protocol"}
    }))
    .unwrap();
    DocView {
        release: "r1".into(),
        release_seq: 1,
        release_index: 0,
        n,
        item,
        status,
        state: "current",
        history: Vec::new(),
    }
}

#[test]
fn the_filter_index_is_cut_into_chunks_and_the_facets_name_the_chunks_of_each_value() {
    let docs: Vec<DocView> = (0..25)
        .map(|n| {
            let case = if n < 10 { "A-1" } else { "B-2" };
            let status = if n == 24 { "partial" } else { "none" };
            doc(n, case, &format!("1990-01-{:02}", n + 1), status)
        })
        .collect();
    let (facets, chunks) = filter::build("r1", &docs, 10);
    assert_eq!(chunks.len(), 3);
    assert_eq!(facets.chunks, 3);
    assert_eq!(facets.count, 25);
    assert_eq!(
        facets.case_no["A-1"].iter().copied().collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(
        facets.case_no["B-2"].iter().copied().collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        facets.status["partial"].iter().copied().collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(
        facets.dates[1],
        Some(("1990-01-11".to_owned(), "1990-01-20".to_owned()))
    );
    assert!(chunks[0].starts_with("IntactFilter.chunk(\"r1\",0,[[0,\"item-0\""));
    // every row of every chunk, once
    let rows: usize = chunks.iter().map(|c| c.matches("\"item-").count()).sum();
    assert_eq!(rows, 25);
}
