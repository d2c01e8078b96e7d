//! Leak-gate rules on programmatically built fixtures. Each test fails if its rule breaks.

use intact::gate::{self, DenyList, RuleId, ScanOptions};
use intact_testkit::{gate::*, jpeg::*, office::*, pdf::*};

fn deny_hits(f: &[gate::Finding]) -> Vec<(String, String)> {
    f.iter()
        .filter(|f| f.rule == RuleId::DenyListMatch)
        .map(|f| (f.location.clone(), f.masked.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn name_in_compressed_content_stream() {
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Witness: Ivan Fictitious) Tj ET",
        "",
        "",
        &[],
        "",
    );
    let f = scan(&p);
    assert!(has(&f, "deny-list-match", "page 1 text"), "{f:#?}");
    assert!(
        has(&f, "deny-list-match", "page 1 content stream"),
        "{f:#?}"
    );
    assert_eq!(rules(&f), vec!["deny-list-match"], "{f:#?}");
    // the masked form, never the clear text
    assert!(f.iter().all(|x| x.masked.as_deref() != Some(NAME)));
    assert!(f
        .iter()
        .any(|x| x.masked.as_deref() == Some("[withheld #1, 15 chars]")));
}

#[test]
fn name_split_across_show_operators_and_hex_utf16() {
    let hex: String = NAME2.encode_utf16().map(|u| format!("{u:04X}")).collect();
    let content = format!("BT /F1 12 Tf 72 700 Td [(Iv) -10 (an Fic)] TJ (titious) Tj ET BT 72 600 Td <FEFF{hex}> Tj ET");
    let p = one_page(content.as_bytes(), "", "", &[], "");
    let f = scan(&p);
    let hits = deny_hits(&f);
    assert!(
        hits.iter()
            .any(|(l, m)| l.contains("page 1 text") && m == "[withheld #1, 15 chars]"),
        "{hits:?}"
    );
    assert!(
        hits.iter().any(|(_, m)| m == "[withheld #2, 18 chars]"),
        "{hits:?}"
    );
}

/// Two words drawn by two show operators with a move between them and no space glyph: the
/// page's text must read them as two words (without that reading, the name is found nowhere
/// on the page).
#[test]
fn words_drawn_apart_by_a_move_are_read_apart() {
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Ivan) Tj 40 0 Td (Fictitious) Tj ET",
        "",
        "",
        &[],
        "",
    );
    let hits = deny_hits(&scan(&p));
    assert!(
        hits.iter()
            .any(|(l, m)| l == "page 1 text" && m == "[withheld #1, 15 chars]"),
        "{hits:?}"
    );
}

#[test]
fn clean_pdf_has_no_findings() {
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Witness: [withheld]) Tj ET",
        "",
        "",
        &[],
        "",
    );
    assert!(scan(&p).is_empty());
}

#[test]
fn name_in_earlier_revision_removed_by_incremental_update() {
    let base = one_page(
        b"BT /F1 12 Tf 72 700 Td (Witness: Ivan Fictitious) Tj ET",
        "",
        "",
        &[],
        "",
    );
    let upd = update(
        &base,
        &[(
            4,
            stream(
                "",
                b"BT /F1 12 Tf 72 700 Td (Witness: [withheld]) Tj ET",
                true,
            ),
        )],
        6,
        "/Root 1 0 R",
    );
    let f = scan(&upd);
    assert!(has(&f, "pdf-incremental-update", "2 revisions"), "{f:#?}");
    let hits = deny_hits(&f);
    assert!(
        hits.iter().any(|(l, _)| l.contains("object 4 0")
            && l.contains("original revision")
            && l.contains("superseded")),
        "{hits:?}"
    );
    // the current page text is clean
    assert!(
        !hits.iter().any(|(l, _)| l.contains("page 1 text")),
        "{hits:?}"
    );
    // without a deny-list the structural rule still fires
    let s = no_crash(gate::scan_bytes(
        std::path::Path::new("f"),
        &upd,
        &ScanOptions::default(),
    ));
    assert_eq!(rules(&s), vec!["pdf-incremental-update"]);
}

#[test]
fn linearized_pdf_is_one_revision() {
    // a linearization dictionary first, a first-page xref section, then the main one
    let body = one_page(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", "", "", &[], "");
    let header_end = body
        .windows(7)
        .position(|w| w == b"1 0 obj")
        .expect("object 1");
    let mut lin = body[..header_end].to_vec();
    lin.extend_from_slice(b"99 0 obj\n<< /Linearized 1 /L 1000 /O 3 /E 500 /N 1 /T 900 /H [ 10 20 ] >>\nendobj\nxref\n99 1\n0000000016 00000 n \ntrailer\n<< /Size 100 /Root 1 0 R /Prev 9999 >>\nstartxref\n0\n%%EOF\n");
    lin.extend_from_slice(&body[header_end..]);
    let f = scan(&lin);
    assert!(!has(&f, "pdf-incremental-update", ""), "{f:#?}");
    assert!(f.is_empty(), "{f:#?}");
    // the same without the linearization dictionary is two revisions
    let fake = String::from_utf8_lossy(&lin).replace("/Linearized 1", "/Whatever 1");
    assert!(has(&scan(fake.as_bytes()), "pdf-incremental-update", ""));
}

#[test]
fn name_in_xmp_and_info_author() {
    let xmp = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>{NAME2}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    );
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
        "",
        "/Metadata 6 0 R",
        &[
            stream("/Type /Metadata /Subtype /XML", xmp.as_bytes(), true),
            format!("<< /Author ({NAME}) /Title (Case file) >>").into_bytes(),
        ],
        "/Info 7 0 R",
    );
    let f = scan(&p);
    let hits = deny_hits(&f);
    assert!(
        hits.iter()
            .any(|(l, m)| l.contains("XMP dc:creator") && m == "[withheld #2, 18 chars]"),
        "{hits:?}"
    );
    assert!(
        hits.iter().any(|(l, m)| l.contains("document info")
            && l.ends_with("/Author")
            && m == "[withheld #1, 15 chars]"),
        "{hits:?}"
    );
}

#[test]
fn name_in_object_stream() {
    // object 6 lives in object stream 7, compressed
    let inner = format!("<< /Author ({NAME}) >>");
    let objstm = format!("6 0 {inner}");
    let first = "6 0 ".len();
    let p = one_page(
        b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
        "",
        "",
        &[
            b"null".to_vec(),
            stream(
                &format!("/Type /ObjStm /N 1 /First {first}"),
                objstm.as_bytes(),
                true,
            ),
        ],
        "",
    );
    let hits = deny_hits(&scan(&p));
    assert!(
        hits.iter().any(|(l, _)| l.contains("in object stream 7")),
        "{hits:?}"
    );
}

#[test]
fn annotations_attachments_javascript_and_forms() {
    let text_annot = one_page(
        b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
        "/Annots [6 0 R 7 0 R]",
        "",
        &[
            b"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (note) >>".to_vec(),
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.org) >> >>".to_vec(),
        ],
        "",
    );
    let f = scan(&text_annot);
    assert_eq!(rules(&f), vec!["pdf-annotation"], "{f:#?}");
    assert!(
        has(
            &f,
            "pdf-annotation",
            "page 1 annotation (object 6 0) annotation /Text"
        ),
        "{f:#?}"
    );
    assert!(!f.iter().any(|x| x.location.contains("/Link")));

    let js = one_page(
        b"",
        "",
        "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        &[],
        "",
    );
    assert_eq!(rules(&scan(&js)), vec!["pdf-javascript"]);

    let att = one_page(
        b"",
        "",
        "/Names << /EmbeddedFiles << /Names [(a.txt) 6 0 R] >> >>",
        &[
            b"<< /Type /Filespec /F (a.txt) /EF << /F 7 0 R >> >>".to_vec(),
            stream("/Type /EmbeddedFile", b"secret", true),
        ],
        "",
    );
    assert_eq!(rules(&scan(&att)), vec!["pdf-attachment"]);

    let empty_form = one_page(
        b"",
        "/Annots [6 0 R]",
        "/AcroForm << /Fields [6 0 R] >>",
        &[
            b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V () /Rect [0 0 10 10] >>"
                .to_vec(),
        ],
        "",
    );
    assert!(scan(&empty_form).is_empty());
    let at = empty_form
        .windows(5)
        .position(|w| w == b"/V ()")
        .expect("value");
    let mut filled = empty_form[..at].to_vec();
    filled.extend_from_slice(b"/V (Someone)");
    filled.extend_from_slice(&empty_form[at + 5..]);
    let f = scan(&filled);
    assert_eq!(rules(&f), vec!["pdf-form-field-value"], "{f:#?}");
}

#[test]
fn text_under_drawn_black_box() {
    // text, then a black rectangle over it
    let hidden = one_page(
        b"BT /F1 12 Tf 72 700 Td (Secret words here) Tj ET 0 g 70 695 120 16 re f",
        "",
        "",
        &[],
        "",
    );
    let f = scan(&hidden);
    assert_eq!(rules(&f), vec!["pdf-text-under-box"], "{f:#?}");
    assert!(has(&f, "pdf-text-under-box", "page 1 content stream"));
    // black box drawn first, black text on top
    let under = one_page(
        b"0 0 0 rg 70 695 120 16 re f BT /F1 12 Tf 72 700 Td (Secret words here) Tj ET",
        "",
        "",
        &[],
        "",
    );
    assert_eq!(rules(&scan(&under)), vec!["pdf-text-under-box"]);
    // a box beside the text is fine
    let beside = one_page(
        b"BT /F1 12 Tf 72 700 Td (Secret) Tj ET 0 g 300 300 50 16 re f",
        "",
        "",
        &[],
        "",
    );
    assert!(scan(&beside).is_empty());
    // white text on a black box is a legitimate label
    let label = one_page(
        b"0 g 70 695 120 16 re f 1 g BT /F1 12 Tf 72 700 Td (Label) Tj ET",
        "",
        "",
        &[],
        "",
    );
    assert!(scan(&label).is_empty());
    // the box is drawn with m/l/h as well as re
    let poly = one_page(
        b"BT /F1 12 Tf 72 700 Td (Secret) Tj ET 0 g 70 695 m 190 695 l 190 711 l 70 711 l h f",
        "",
        "",
        &[],
        "",
    );
    assert_eq!(rules(&scan(&poly)), vec!["pdf-text-under-box"]);
}

#[test]
fn encrypted_truncated_and_corrupt_pdfs_fail_closed() {
    let enc = one_page(
        b"BT (x) Tj ET",
        "",
        "",
        &[b"<< /Filter /Standard /V 2 >>".to_vec()],
        "/Encrypt 6 0 R",
    );
    assert!(has(&scan(&enc), "unreadable-file", "encrypted"));
    let p = one_page(b"BT (x) Tj ET", "", "", &[], "");
    let truncated = &p[..p.len() / 2];
    assert!(has(&scan(truncated), "unreadable-file", ""));
    assert!(has(&scan(b"%PDF-1.4\nnothing here"), "unreadable-file", ""));
    // a content stream with an unknown filter cannot be checked
    let odd = one_page(
        b"",
        "",
        "",
        &[stream("/Filter /Strange", b"xyz", false)],
        "",
    );
    assert!(
        has(&scan(&odd), "pdf-undecodable-stream", "object 6 0"),
        "{:#?}",
        scan(&odd)
    );
}

#[test]
fn exif_artist_gps_and_thumbnail() {
    let t = tiff(
        vec![ascii(0x013B, NAME), ascii(0x010F, "Camera Maker")],
        None,
        None,
    );
    let f = scan(&jpeg(Some(&t), &[]));
    assert_eq!(rules(&f), vec!["deny-list-match"], "{f:#?}");
    assert!(has(&f, "deny-list-match", "EXIF tag Artist"), "{f:#?}");

    let gps = tiff(
        vec![ascii(0x010F, "Camera Maker")],
        Some(vec![
            ascii(0x0001, "N"),
            rational(0x0002, &[(40, 1), (10, 1), (0, 1)]),
        ]),
        None,
    );
    let f = scan(&jpeg(Some(&gps), &[]));
    assert_eq!(rules(&f), vec!["image-gps"], "{f:#?}");

    let thumb = tiff(
        vec![ascii(0x010F, "Camera Maker")],
        None,
        Some(&tiny_jpeg()),
    );
    let f = scan(&jpeg(Some(&thumb), &[]));
    assert_eq!(rules(&f), vec!["image-thumbnail"], "{f:#?}");

    let plain = tiff(vec![ascii(0x010F, "Camera Maker")], None, None);
    assert!(scan(&jpeg(Some(&plain), &[])).is_empty());
}

#[test]
fn exif_utf16_xp_author_user_comment_iptc_and_comment() {
    let utf16: Vec<u8> = NAME2.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let mut uc = b"UNICODE\0".to_vec();
    uc.extend(NAME.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let t = tiff(
        vec![
            Entry(0x9C9D, 1, utf16.len() as u32, utf16),
            Entry(0x9286, 7, uc.len() as u32, uc),
        ],
        None,
        None,
    );
    let f = scan(&jpeg(Some(&t), &[]));
    assert!(has(&f, "deny-list-match", "XPAuthor"), "{f:#?}");
    assert!(has(&f, "deny-list-match", "EXIF tag UserComment"), "{f:#?}");

    let mut iptc = vec![0x1C, 2, 80];
    iptc.extend_from_slice(&(NAME.len() as u16).to_be_bytes());
    iptc.extend_from_slice(NAME.as_bytes());
    let mut app13 = b"Photoshop 3.0\0".to_vec();
    app13.extend_from_slice(b"8BIM\x04\x04\0\0");
    app13.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
    app13.extend_from_slice(&iptc);
    let f = scan(&jpeg(
        None,
        &[(0xED, app13), (0xFE, NAME2.as_bytes().to_vec())],
    ));
    assert!(has(&f, "deny-list-match", "IPTC 2:80 By-line"), "{f:#?}");
    assert!(has(&f, "deny-list-match", "JPEG comment"), "{f:#?}");
}

#[test]
fn xmp_gps_in_jpeg() {
    let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,10.0N"/></rdf:RDF></x:xmpmeta>"#;
    let mut seg = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    seg.extend_from_slice(xmp);
    assert_eq!(rules(&scan(&jpeg(None, &[(0xE1, seg)]))), vec!["image-gps"]);
}

#[test]
fn corrupt_images_fail_closed() {
    assert!(has(
        &scan(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00]),
        "unreadable-file",
        ""
    ));
    let mut j = tiny_jpeg();
    j.truncate(j.len() - 2);
    assert!(has(&scan(&j), "unreadable-file", "no end marker"));
    let mut trailing = tiny_jpeg();
    trailing.extend_from_slice(b"appended original image data");
    assert!(has(&scan(&trailing), "image-trailing-data", ""));
}

#[test]
fn docx_tracked_changes_comments_and_split_runs() {
    let del = docx(
        r#"<w:p><w:del w:id="1" w:author="Clerk"><w:r><w:delText>Ivan Fictitious</w:delText></w:r></w:del><w:r><w:t>[withheld]</w:t></w:r></w:p>"#,
        &[],
    );
    let f = scan(&del);
    assert_eq!(
        rules(&f),
        vec!["deny-list-match", "docx-tracked-changes"],
        "{f:#?}"
    );
    assert!(has(&f, "deny-list-match", "word/document.xml"));

    // tracked change alone is a finding even without a deny-listed string
    let ins = docx(
        r#"<w:p><w:ins w:id="1"><w:r><w:t>added</w:t></w:r></w:ins></w:p>"#,
        &[],
    );
    assert_eq!(rules(&scan(&ins)), vec!["docx-tracked-changes"]);

    let comments = docx(
        r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>text</w:t></w:r><w:commentRangeEnd w:id="0"/></w:p>"#,
        &[(
            "word/comments.xml",
            r#"<?xml version="1.0"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="Clerk"><w:p><w:r><w:t>told by Anahit Placeholder</w:t></w:r></w:p></w:comment></w:comments>"#,
        )],
    );
    let f = scan(&comments);
    assert_eq!(
        rules(&f),
        vec!["deny-list-match", "docx-comments"],
        "{f:#?}"
    );
    assert!(has(&f, "deny-list-match", "word/comments.xml"), "{f:#?}");

    let split = docx(
        r#"<w:p><w:r><w:t>Iv</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>an Fict</w:t></w:r><w:r><w:t>itious</w:t></w:r></w:p>"#,
        &[(
            "docProps/core.xml",
            r#"<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Anahit Placeholder</dc:creator></cp:coreProperties>"#,
        )],
    );
    let f = scan(&split);
    assert!(has(&f, "deny-list-match", "word/document.xml"), "{f:#?}");
    assert!(
        has(&f, "deny-list-match", "docProps/core.xml dc:creator"),
        "{f:#?}"
    );
    assert!(scan(&docx("<w:p><w:r><w:t>ordinary text</w:t></w:r></w:p>", &[])).is_empty());
}

#[test]
fn docx_embedded_image_with_gps_and_thumbnail_part() {
    let gps = tiff(vec![], Some(vec![ascii(0x0001, "N")]), None);
    let img = jpeg(Some(&gps), &[]);
    let d = zip(&[
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", b"<w:document xmlns:w=\"w\"/>"),
        ("word/media/image1.jpeg", &img),
        ("docProps/thumbnail.jpeg", &tiny_jpeg()),
    ]);
    let f = scan(&d);
    assert!(has(&f, "image-gps", "word/media/image1.jpeg"), "{f:#?}");
    assert!(
        has(&f, "office-thumbnail", "docProps/thumbnail.jpeg"),
        "{f:#?}"
    );
}

#[test]
fn odt_tracked_changes_and_annotations() {
    let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>Ivan Fictitious</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p>x<office:annotation><text:p>note</text:p></office:annotation></text:p></office:text></office:body></office:document-content>"#;
    let odt = zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ]);
    let f = scan(&odt);
    assert_eq!(
        rules(&f),
        vec!["deny-list-match", "odt-annotations", "odt-tracked-changes"],
        "{f:#?}"
    );
}

#[test]
fn corrupt_zip_and_unknown_binary_fail_closed() {
    assert!(has(&scan(b"PK\x03\x04garbage"), "unreadable-file", ""));
    let f = scan(&[0u8, 1, 2, 3, 250, 251, 252, 0, 0, 7]);
    assert_eq!(rules(&f), vec!["unsupported-file-type"]);
}

#[test]
fn armenian_cyrillic_latin_any_case_and_form() {
    // Armenian case pair Ա/ա, Cyrillic Д/д, Latin: all matched in a different case
    let f = scan("ԱՆԱՀԻՏ ՕՐԻՆԱԿՅԱՆ".as_bytes());
    assert!(has(&f, "deny-list-match", "text"), "{f:#?}");
    let f = scan("свидетель дмитрий   вымышленный".as_bytes());
    assert!(has(&f, "deny-list-match", "text"), "{f:#?}");
    let f = scan("IVAN\u{00A0}FICTITIOUS".as_bytes());
    assert!(has(&f, "deny-list-match", "text"));
    // fullwidth letters (NFKC) and a zero-width space inside the name
    let f = scan("Ｉｖａｎ Fic\u{200B}titious".as_bytes());
    assert!(has(&f, "deny-list-match", "text"), "{f:#?}");
    // UTF-16 text with BOM, a line break inside the name
    let mut u = vec![0xFF, 0xFE];
    u.extend(
        "ivan\nfictitious"
            .encode_utf16()
            .flat_map(|c| c.to_le_bytes()),
    );
    assert!(has(&scan(&u), "deny-list-match", "text"));
    // HTML markup between letters
    assert!(has(
        &scan(b"<p>Ivan <b>Fic</b>titious</p>"),
        "deny-list-match",
        "markup removed"
    ));
    assert!(scan("Ivan is not enough; Анаит neither".as_bytes()).is_empty());
}

#[test]
fn deny_list_format_and_errors() {
    let p = std::path::Path::new("deny.txt");
    let d = DenyList::parse(p, "# comment\n\n  Ivan Fictitious  \nДмитрий Вымышленный\n")
        .expect("valid");
    assert_eq!(d.len(), 2);
    assert_eq!(
        d.find("ivan fictitious"),
        vec!["[withheld #1, 15 chars]".to_string()]
    );
    let e = DenyList::parse(p, "Ivan Fictitious\n# c\nIv\n").expect_err("short entry");
    let msg = e.to_string();
    assert!(msg.contains("deny.txt:3"), "{msg}");
    assert!(!msg.contains("Iv\n") && !msg.contains(": Iv"), "{msg}");
    assert!(DenyList::parse(p, "# only comments\n").is_err());
    // fullwidth/space-only entries that normalize short are rejected too
    assert!(DenyList::parse(p, "ａ\u{200B}b\n").is_err());
    assert!(format!("{d:?}").contains("2 entries") && !format!("{d:?}").contains("Ivan"));
}

#[test]
fn file_and_folder_names_and_tree_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("statements").join("Ivan_Fictitious");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(sub.join("page.txt"), "nothing to see").expect("write");
    std::fs::write(
        dir.path().join("statements").join("anahit-placeholder.txt"),
        "x",
    )
    .expect("write");
    let r = gate::scan_tree(dir.path(), &opts()).expect("scan");
    no_crash(r.findings.clone());
    assert_eq!(r.files_scanned, 2);
    // a withheld name is shown by its number in the listing (files and folders apart, in byte
    // order of their paths): statements/Ivan_Fictitious is folder #2, and
    // statements/anahit-placeholder.txt file #2 (after statements/Ivan_Fictitious/page.txt)
    let shown: Vec<(String, String)> = r
        .findings
        .iter()
        .map(|f| (f.file.display().to_string(), f.location.clone()))
        .collect();
    for want in [
        ("statements/[folder #2, name withheld]", "folder name"),
        ("statements/[file #2, name withheld]", "file name"),
    ] {
        assert!(
            shown.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{shown:?}"
        );
    }
    assert!(!r.clean());
    let json = serde_json::to_string(&r).expect("json");
    assert!(!deny().holds(&json), "{json}");
    assert!(
        !json.contains("Fictitious") && !json.contains("placeholder"),
        "{json}"
    );
    assert!(json.contains("\"rule\":\"deny-list-match\""));
}

#[test]
fn manifest_fields_csv_and_json() {
    let d = deny();
    let f = gate::scan_fields(
        &d,
        &[(
            "line 3 field title".into(),
            "Statement of Ivan Fictitious".into(),
        )],
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location, "manifest field line 3 field title");
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("items.csv");
    std::fs::write(
        &csv,
        "id,title\n1,\"Photo, \"\"harbour\"\"\"\n2,Statement by ANAHIT placeholder\n",
    )
    .expect("write");
    let f = gate::scan_metadata_file(&d, &csv).expect("csv");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location, "manifest field line 3 field title");
    let json = dir.path().join("items.json");
    std::fs::write(
        &json,
        r#"{"items":[{"title":"ok"},{"title":"by Ivan Fictitious"}]}"#,
    )
    .expect("write");
    let f = gate::scan_metadata_file(&d, &json).expect("json");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location, "manifest field $.items[1].title");
}

#[test]
fn exceptions_waive_structural_rules_only() {
    let p = std::path::Path::new("exc.tsv");
    let ex = gate::parse_exceptions(
        p,
        "# reviewed\nphotos/a.jpg\timage-thumbnail\tthumbnail checked, same picture\n",
    )
    .expect("valid");
    assert_eq!(ex.len(), 1);
    assert!(gate::parse_exceptions(p, "a.pdf\tdeny-list-match\tno\n").is_err());
    assert!(gate::parse_exceptions(p, "a.pdf\timage-gps\t  \n").is_err());
    assert!(gate::parse_exceptions(p, "a.pdf\tno-such-rule\twhy\n").is_err());
    assert!(gate::parse_exceptions(p, "../a.pdf\timage-gps\twhy\n").is_err());

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("photos")).expect("mkdir");
    let thumb = tiff(vec![ascii(0x013B, NAME)], None, Some(&tiny_jpeg()));
    std::fs::write(dir.path().join("photos/a.jpg"), jpeg(Some(&thumb), &[])).expect("write");
    let o = ScanOptions {
        deny: Some(deny()),
        exceptions: ex,
        ..Default::default()
    };
    let r = gate::scan_tree(dir.path(), &o).expect("scan");
    no_crash(r.findings.clone());
    assert_eq!(r.excepted.len(), 1);
    assert_eq!(r.excepted[0].finding.rule, RuleId::ImageThumbnail);
    assert_eq!(r.excepted[0].reason, "thumbnail checked, same picture");
    // the deny-list match in the same file is still blocking
    assert!(r.findings.iter().all(|f| f.rule == RuleId::DenyListMatch));
    assert!(!r.clean());
}

#[test]
fn zip_bomb_is_bounded() {
    let big = vec![b'a'; 8 << 20];
    let d = zip(&[("a.txt", &big)]);
    let o = ScanOptions {
        deny: Some(deny()),
        limits: gate::Limits {
            max_stream_bytes: 1 << 20,
            max_decompressed_bytes: 2 << 20,
            ..Default::default()
        },
        ..Default::default()
    };
    let f = no_crash(gate::scan_bytes(std::path::Path::new("z"), &d, &o));
    assert!(has(&f, "decompression-limit-exceeded", "a.txt"), "{f:#?}");
    let p = one_page(&big, "", "", &[], "");
    let f = no_crash(gate::scan_bytes(std::path::Path::new("p"), &p, &o));
    assert!(has(&f, "decompression-limit-exceeded", ""), "{f:#?}");
}
