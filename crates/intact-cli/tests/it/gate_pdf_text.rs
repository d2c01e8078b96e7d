//! The leak gate on PDFs written by real PDF libraries (`tests/fixtures/pdf/`, made by
//! `scripts/gen_pdf_fixtures.py` with ReportLab and pikepdf): text placed glyph by glyph or in
//! chunks, `/ActualText`, link URIs, `/Differences` glyph names, and boxes that hide nothing.

use intact::gate::{self, RuleId};
use intact_testkit::{gate::*, pdf::one_page, repo};

/// The findings for one fixture, scanned with the test deny-list.
fn fixture(name: &str) -> Vec<gate::Finding> {
    let path = repo().join("tests/fixtures/pdf").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/gen_pdf_fixtures.py writes it)",
            path.display()
        )
    });
    gate::scan_bytes(std::path::Path::new(name), &bytes, &opts())
}

/// (location, masked entry) of every deny-list finding.
fn hits(f: &[gate::Finding]) -> Vec<(String, String)> {
    f.iter()
        .filter(|f| f.rule == RuleId::DenyListMatch)
        .map(|f| (f.location.clone(), f.masked.clone().unwrap_or_default()))
        .collect()
}

fn only_in_page_text(name: &str, masked: &str) {
    let f = fixture(name);
    assert_eq!(
        hits(&f),
        vec![("page 1 text".to_string(), masked.to_string())],
        "{name}: {f:#?}"
    );
    assert_eq!(rules(&f), vec!["deny-list-match"], "{name}: {f:#?}");
}

#[test]
fn text_placed_one_glyph_at_a_time_read_by_position() {
    // one BT/Tm/Tj/ET per glyph, right to left: only the page read by position has the name
    only_in_page_text("glyph-per-tm.pdf", "[withheld #1, 15 chars]");
}

#[test]
fn text_in_shuffled_two_character_chunks_read_by_position() {
    // Times-Roman without /Widths: placed by the standard font's own metrics
    only_in_page_text("two-char-chunks.pdf", "[withheld #2, 18 chars]");
}

#[test]
fn actual_text_replaces_the_glyphs_it_covers() {
    // the name is split over two spans' /ActualText (one inline, one a named property list in
    // UTF-16): no single string holds it, the page read with /ActualText does
    only_in_page_text("actual-text.pdf", "[withheld #1, 15 chars]");
}

#[test]
fn cp1251_text_through_afii_glyph_names() {
    only_in_page_text("cp1251-afii.pdf", "[withheld #3, 19 chars]");
}

#[test]
fn percent_encoded_link_uri_decoded() {
    let f = fixture("link-uri.pdf");
    let h = hits(&f);
    assert_eq!(h.len(), 1, "{f:#?}");
    assert!(h[0].0.contains("annotation"), "{h:?}");
    assert_eq!(h[0].1, "[withheld #1, 15 chars]");
    // a link is not a finding of its own
    assert_eq!(rules(&f), vec!["deny-list-match"], "{f:#?}");
}

#[test]
fn labelled_swatches_and_transparent_boxes_hide_nothing() {
    // labels on colour swatches, light text on a dark bar, a box of fill alpha 0 and a black
    // box under a soft mask painted over text: no text under a box, nothing at all
    let f = fixture("swatches.pdf");
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn words_apart_by_a_move_read_apart() {
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Ivan) Tj 40 0 Td (Fictitious) Tj ET",
        "",
        "",
        &[],
        "",
    );
    assert!(has(&scan(&p), "deny-list-match", "page 1 text"));
}
