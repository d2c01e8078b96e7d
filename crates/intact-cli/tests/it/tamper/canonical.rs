//! FORMAT.md §2.10, the canonical layout: every header byte as `intact pack` writes it. These are
//! the fields that were read and never compared (found by blind mutation), the ZIP64 records and
//! extras where nothing needs them, and the parser differential of a second central directory.

use super::*;

/// A ZIP64 extra field with both sizes (as one writes it for a size that needs it).
fn zip64_sizes_extra(size: u64) -> Vec<u8> {
    let mut x = vec![1, 0, 16, 0];
    x.extend(size.to_le_bytes());
    x.extend(size.to_le_bytes());
    x
}

/// The ZIP64 end record and locator for a central directory of `cd_size` bytes at `cd_offset`
/// with `n` entries, the end record right after the central directory.
fn zip64_end_records(n: u64, cd_size: u64, cd_offset: u64) -> Vec<u8> {
    let mut r = Vec::new();
    r.extend(0x0606_4b50u32.to_le_bytes());
    r.extend(44u64.to_le_bytes());
    r.extend(0x032du16.to_le_bytes());
    r.extend(45u16.to_le_bytes());
    r.extend([0u8; 8]);
    for v in [n, n, cd_size, cd_offset] {
        r.extend(v.to_le_bytes());
    }
    r.extend(0x0706_4b50u32.to_le_bytes());
    r.extend(0u32.to_le_bytes());
    r.extend((cd_offset + cd_size).to_le_bytes());
    r.extend(1u32.to_le_bytes());
    r
}

/// (entries, central directory size, central directory offset) of a ZIP without ZIP64.
fn end_record(b: &[u8]) -> (u64, u64, u64) {
    let e = b.len() - 22;
    (
        u16_at(b, e + 10).into(),
        u32_at(b, e + 12).into(),
        u32_at(b, e + 16).into(),
    )
}

/// Puts the ZIP64 end records (with `zip`'s true values) before its end record, and sets the
/// end record's counts to `0xFFFF` and its size and offset to `cd_size` and `cd_offset`.
fn add_zip64_end(b: &mut Vec<u8>, cd_size: u32, cd_offset: u32) {
    let (n, real_size, real_offset) = end_record(b);
    let eocd = b.len() - 22;
    b.splice(eocd..eocd, zip64_end_records(n, real_size, real_offset));
    let eocd = b.len() - 22;
    put_u16(b, eocd + 8, 0xFFFF);
    put_u16(b, eocd + 10, 0xFFFF);
    put_u32(b, eocd + 12, cd_size);
    put_u32(b, eocd + 16, cd_offset);
}

/// The parser differential of issue 14: a published file (its content chosen by whoever gave it
/// to the office) holds a local header, data and a central directory of its own, for a forged
/// `data/docs/note-000.txt`; after signing, the end record's entry count is saturated and its
/// 32-bit size and offset point at that hidden directory, while a ZIP64 end record keeps the
/// true values. A reader that takes every value from the ZIP64 record sees the signed bundle;
/// one that discards a ZIP64 record disagreeing with an unsaturated field sees the forgery.
pub fn hidden_directory_bundle(fx: &Fixture) -> Vec<u8> {
    let smuggled = "data/docs/smuggled.bin";
    // Packed by `intact pack` from the fixture's source and the smuggled file.
    let build = |content: &[u8]| {
        let src = fx.scratch("smuggling-src");
        write_source(&src, &source_files());
        intact_testkit::write_file(&src.join("docs/smuggled.bin"), content);
        // The office reviewed the file, which the leak gate cannot read, and published it.
        let exceptions = fx.scratch("smuggling-exceptions.tsv");
        std::fs::write(
            &exceptions,
            "docs/smuggled.bin\tunsupported-file-type\treviewed: submitted as received\n",
        )
        .unwrap();
        let out = fx.scratch("smuggling.zip");
        let e = exceptions.to_str().unwrap();
        let o = pack(&src, &out, "demo-office", &["--exceptions", e]);
        assert!(o.status.success(), "pack failed: {}", stderr(&o));
        std::fs::read(out).unwrap()
    };
    let forged = write_zip(&[Entry::file(
        &format!("{}/data/docs/note-000.txt", fx.top),
        b"Forged note: the release was withdrawn.\n",
    )]);
    let (_, hidden_size, hidden_rel) = end_record(&forged);
    // Some text first, so that the file does not start like a ZIP (which the leak gate would
    // refuse to publish as an unreadable archive).
    let lead = b"Submitted material, as received.\n";
    let mut content = [&lead[..], &forged[..forged.len() - 22]].concat();
    let at = locate(&build(&content), &fx.top, smuggled).data_offset + lead.len();
    // The hidden record points at the hidden local header.
    put_u32(
        &mut content,
        lead.len() + hidden_rel as usize + 42,
        at as u32,
    );
    let mut b = build(&content);
    assert_eq!(
        locate(&b, &fx.top, smuggled).data_offset + lead.len(),
        at,
        "same layout"
    );
    add_zip64_end(
        &mut b,
        hidden_size as u32,
        (at + hidden_rel as usize) as u32,
    );
    b
}

/// The canonical-layout cases of the ZIP table.
pub fn cases() -> Vec<Case> {
    let mut c = Vec::new();
    let readme = "data/README.txt";
    let witness = "data/case-12/свидетель.txt";
    let field_edits: Vec<(&str, &str, LocalEdit)> = vec![
        (
            "version needed to extract 2.0 in the local header",
            "local header field 'version needed to extract'",
            |b, l| put_u16(b, l.local_offset + 4, 20),
        ),
        (
            "version needed to extract 2.0 in the central directory",
            "central directory record field 'version needed to extract'",
            |b, l| put_u16(b, l.central_offset + 6, 20),
        ),
        (
            "version made by 2.0 (low byte)",
            "central directory record field 'version made by'",
            |b, l| b[l.central_offset + 4] = 20,
        ),
        (
            "internal attributes: text file bit",
            "central directory record field 'internal attributes'",
            |b, l| put_u16(b, l.central_offset + 36, 1),
        ),
        (
            "external attributes: MS-DOS directory bit",
            "central directory record field 'external attributes'",
            |b, l| b[l.central_offset + 38] |= 0x10,
        ),
        (
            "external attributes: MS-DOS read-only bit",
            "central directory record field 'external attributes'",
            |b, l| b[l.central_offset + 38] |= 0x01,
        ),
        (
            "external attributes: low 16 bits all set",
            "central directory record field 'external attributes'",
            |b, l| put_u16(b, l.central_offset + 38, 0xFFFF),
        ),
    ];
    for (what, m, edit) in field_edits {
        for rel in [readme, witness, RELEASE_JSON] {
            c.push(bytes(
                format!("{rel}: {what}"),
                at(rel).with_msg(m),
                move |fx, b| {
                    let l = locate(b, &fx.top, rel);
                    edit(b, &l);
                },
            ));
        }
    }
    for rel in [readme, witness, MANIFEST] {
        c.push(entries(
            format!("{rel}: empty ZIP64 extra field in both headers"),
            at(rel).with_msg("local header field 'extra field length'"),
            move |fx, e| {
                let i = idx(e, &fx.top, rel);
                e[i].extra = vec![1, 0, 0, 0];
            },
        ));
        c.push(bytes(
            format!("{rel}: sizes saturated, with a ZIP64 extra field nothing needs"),
            at(rel).with_msg("field 'version needed to extract'"),
            move |fx, b| {
                let mut e: Vec<Entry> = parse_zip(b).into_iter().map(|l| l.entry).collect();
                let i = idx(&e, &fx.top, rel);
                e[i].extra = zip64_sizes_extra(e[i].data.len() as u64);
                e[i].needed = 45;
                e[i].made_by = 0x032d;
                *b = write_zip(&e);
                let l = locate(b, &fx.top, rel);
                for at in [l.local_offset + 18, l.local_offset + 22] {
                    put_u32(b, at, u32::MAX);
                }
                for at in [l.central_offset + 20, l.central_offset + 24] {
                    put_u32(b, at, u32::MAX);
                }
            },
        ));
    }
    c.push(bytes(
        "ZIP64 end records nothing needs, the entry count saturated",
        msg("end of central directory record field 'end record signature'"),
        |_, b| {
            let (_, size, offset) = end_record(b);
            add_zip64_end(b, size as u32, offset as u32);
        },
    ));
    c.push(bytes(
        "ZIP64 end records nothing needs, every 32-bit field saturated",
        msg("end of central directory record field 'end record signature'"),
        |_, b| add_zip64_end(b, u32::MAX, u32::MAX),
    ));
    c.push(bytes(
        "a second central directory hidden in a published file, reached by the 32-bit fields",
        msg("end of central directory record field 'end record signature'"),
        |fx, b| *b = hidden_directory_bundle(fx),
    ));
    c
}
