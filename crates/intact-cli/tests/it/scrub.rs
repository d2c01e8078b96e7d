//! `intact scrub` on files made by real cameras and tools: the shared camera corpus, the leak
//! fixtures ImageMagick and exiftool made, and PNG/WebP files made here with ImageMagick and
//! exiftool. Lossless (decoded pixels identical), no new `exiftool -validate` warning, the
//! evidence fields kept, the gate's structural rules pass afterwards, a withheld string that
//! scrub does not remove is still refused, and nothing withheld is printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use intact_testkit::{code, repo, s, stdout, text};
use serde_json::Value;

use crate::intact;

fn corpus() -> PathBuf {
    repo().join("../shared/corpora/exif-samples")
}

/// `intact scrub SRC -o OUT --json`, its exit code and report.
fn scrub_json(src: &Path, out: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["scrub", s(src), "-o", s(out), "--json"];
    args.extend_from_slice(extra);
    let o = intact(&args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o)));
    (code(&o), v)
}

/// `exiftool ARGS -json` on every file under `dir`, by path relative to `dir`.
fn exiftool(dir: &Path, args: &[&str]) -> BTreeMap<String, Value> {
    let o = Command::new("exiftool")
        .args(args)
        .args(["-json", "-r", "-ext", "*", "."])
        .current_dir(dir)
        .output()
        .expect("exiftool runs (scripts/test.sh installs it)");
    let v: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap_or_default();
    v.into_iter()
        .map(|mut f| {
            let name = f["SourceFile"]
                .as_str()
                .unwrap_or("")
                .trim_start_matches("./")
                .to_owned();
            f.as_object_mut().unwrap().remove("SourceFile");
            (name, f)
        })
        .collect()
}

/// The warnings `exiftool -validate` gives each file under `dir` (its text output: JSON would
/// keep one of several warnings), by path relative to `dir`.
fn validate(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let o = Command::new("exiftool")
        .args(["-validate", "-warning", "-a", "-r", "-ext", "*", "."])
        .current_dir(dir)
        .output()
        .expect("exiftool runs (scripts/test.sh installs it)");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut file = String::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        if let Some(f) = line.strip_prefix("======== ") {
            file = f.trim_start_matches("./").to_owned();
            out.entry(file.clone()).or_default();
        } else if let Some((k, v)) = line.split_once(':') {
            if k.trim() == "Warning" {
                out.entry(file.clone())
                    .or_default()
                    .insert(v.trim().to_owned());
            }
        }
    }
    out
}

fn decode_jpeg(p: &Path) -> Vec<u8> {
    let f = std::fs::File::open(p).unwrap();
    let mut d = jpeg_decoder::Decoder::new(std::io::BufReader::new(f));
    d.decode()
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn decode_png(p: &Path) -> Vec<u8> {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    buf
}

/// Gate findings (rule ids, sorted) on `dir`, with an optional deny-list.
fn gate_rules(dir: &Path, deny: Option<&Path>) -> Vec<String> {
    let mut args = vec!["scan", s(dir), "--json"];
    if let Some(d) = deny {
        args.extend(["--deny-list", s(d)]);
    }
    let o = intact(&args);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn scrub_camera_corpus_is_lossless_and_passes_the_gate() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let (c, report) = scrub_json(&corpus(), &out, &[]);
    assert_eq!(c, 0, "{report}");
    let files = report["files"].as_array().unwrap();
    let jpegs: Vec<&Value> = files.iter().filter(|f| f["kind"] == "jpeg").collect();
    assert!(jpegs.len() >= 20, "{}", jpegs.len());
    // 21 of the 23 camera JPEGs carry a thumbnail: all of them lose it
    let thumbs = jpegs
        .iter()
        .filter(|f| {
            f["removed"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "EXIF thumbnail (IFD1)")
        })
        .count();
    assert!(thumbs >= 20, "{thumbs}");
    // decoded pixels identical, file by file
    for f in &jpegs {
        let p = f["path"].as_str().unwrap();
        assert_eq!(
            decode_jpeg(&corpus().join(p)),
            decode_jpeg(&out.join(p)),
            "{p}: pixels changed"
        );
    }
    // no new exiftool -validate warning; capture time, camera, exposure, orientation kept
    let before = validate(&corpus());
    let after = validate(&out);
    assert!(before.len() >= 20, "{before:?}");
    for (p, b) in &before {
        let new: Vec<&String> = after[p].difference(b).collect();
        assert!(new.is_empty(), "{p}: new warnings {new:?}");
    }
    let kept = [
        "-Make",
        "-Model",
        "-DateTimeOriginal",
        "-ExposureTime",
        "-FNumber",
        "-ISO",
        "-Orientation",
        "-MakerNote*",
        "-ProfileDescription",
    ];
    let kb = exiftool(&corpus(), &kept);
    let ka = exiftool(&out, &kept);
    let mut fields = 0;
    for (p, b) in &kb {
        assert_eq!(b, &ka[p], "{p}: evidence fields changed");
        fields += b.as_object().unwrap().len();
    }
    assert!(fields > 100, "the kept fields were read: {fields}");
    // removed fields are gone
    let gone = exiftool(
        &out,
        &[
            "-GPS:all",
            "-IFD1:all",
            "-Artist",
            "-UserComment",
            "-ImageDescription",
        ],
    );
    for (p, v) in &gone {
        assert!(v.as_object().unwrap().is_empty(), "{p}: still has {v}");
    }
    // the gate: thumbnails and GPS findings before, none after
    let rules_before = gate_rules(&corpus(), None);
    assert!(rules_before.iter().any(|r| r.ends_with("image-gps")));
    assert!(rules_before.iter().any(|r| r.ends_with("image-thumbnail")));
    assert_eq!(gate_rules(&out, None), Vec::<String>::new());
    // the source is untouched; sizes and digests in the report are the files'
    for f in files {
        let p = f["path"].as_str().unwrap();
        let b = std::fs::read(corpus().join(p)).unwrap();
        let a = std::fs::read(out.join(p)).unwrap();
        assert_eq!(f["before"]["sha256"], intact_testkit::sha_hex(&b));
        assert_eq!(f["after"]["sha256"], intact_testkit::sha_hex(&a));
        assert_eq!(f["after"]["size"], a.len());
    }
}

/// The leak fixtures ImageMagick and exiftool made (tests/leak-fixtures): the PNG text chunks,
/// raw profiles and eXIf, and the JPEG IPTC By-line go; pixels stay.
#[test]
fn scrub_tool_made_png_and_iptc_fixtures() {
    let fx = repo().join("tests/leak-fixtures");
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    for f in [
        "png/imagemagick-exif.png",
        "png/imagemagick-raw-profile-iptc.png",
        "jpeg/iptc-cp1251.jpg",
    ] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(fx.join("files").join(f), src.join(name)).unwrap();
    }
    let deny = fx.join("deny.txt");
    let before = gate_rules(&src, Some(&deny));
    assert!(
        before.iter().any(|r| r.contains("deny-list-match")),
        "{before:?}"
    );
    let out = t.path().join("out");
    let (c, report) = scrub_json(&src, &out, &["--deny-list", s(&deny)]);
    assert_eq!(c, 0, "{report}");
    assert_eq!(gate_rules(&out, Some(&deny)), Vec::<String>::new());
    for png in ["imagemagick-exif.png", "imagemagick-raw-profile-iptc.png"] {
        assert_eq!(
            decode_png(&src.join(png)),
            decode_png(&out.join(png)),
            "{png}"
        );
    }
    assert_eq!(
        decode_jpeg(&src.join("iptc-cp1251.jpg")),
        decode_jpeg(&out.join("iptc-cp1251.jpg"))
    );
}

/// Runs a tool, panicking with its output when it fails.
fn run(cmd: &str, args: &[&str]) {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        o.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A WebP and a PNG made by ImageMagick, given GPS, Artist, XMP creator and a description by
/// exiftool: scrubbed without touching the image data, keywords (not personal) kept — so a
/// withheld name in the keywords is still refused by the gate.
#[test]
fn scrub_webp_and_png_made_by_imagemagick_and_exiftool() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let name = intact_testkit::gate::NAME;
    for f in ["a.webp", "b.png"] {
        let p = src.join(f);
        run(
            "/usr/bin/convert",
            &["-size", "48x32", "gradient:red-blue", s(&p)],
        );
        run(
            "exiftool",
            &[
                "-q",
                "-overwrite_original",
                "-GPSLatitude=51.5",
                "-GPSLatitudeRef=N",
                "-GPSLongitude=0.1",
                "-GPSLongitudeRef=W",
                &format!("-Artist={name}"),
                &format!("-XMP-dc:Creator={name}"),
                "-XMP-dc:Description=taken at the scene",
                "-Make=TestCam",
                "-DateTimeOriginal=2024:01:02 03:04:05",
                &format!("-XMP-dc:Subject={name}"),
                s(&p),
            ],
        );
    }
    let deny = t.path().join("deny.txt");
    std::fs::write(&deny, format!("{name}\n")).unwrap();
    let out = t.path().join("out");
    let o = intact(&["scrub", s(&src), "-o", s(&out), "--deny-list", s(&deny)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!text(&o).contains("Fictitious"), "{}", text(&o));
    let after = exiftool(
        &out,
        &[
            "-GPS*",
            "-Artist",
            "-Creator",
            "-Description",
            "-Make",
            "-DateTimeOriginal",
            "-Subject",
        ],
    );
    for (p, v) in &after {
        let v = v.as_object().unwrap();
        assert_eq!(v["Make"], "TestCam", "{p}");
        assert_eq!(v["DateTimeOriginal"], "2024:01:02 03:04:05", "{p}");
        for gone in [
            "GPSLatitude",
            "GPSLongitude",
            "Artist",
            "Creator",
            "Description",
        ] {
            assert!(!v.contains_key(gone), "{p}: {gone} still there: {v:?}");
        }
    }
    assert_eq!(
        decode_png(&src.join("b.png")),
        decode_png(&out.join("b.png"))
    );
    // the VP8/VP8L chunk is byte for byte the same
    let image_chunk = |p: &Path| {
        let d = std::fs::read(p).unwrap();
        let mut i = 12;
        while i + 8 <= d.len() {
            let len = u32::from_le_bytes(d[i + 4..i + 8].try_into().unwrap()) as usize;
            if d[i..i + 3] == *b"VP8" {
                return d[i..i + 8 + len].to_vec();
            }
            i += 8 + len + len % 2;
        }
        panic!("{}: no VP8 chunk", p.display())
    };
    assert_eq!(
        image_chunk(&src.join("a.webp")),
        image_chunk(&out.join("a.webp"))
    );
    // the keywords are not personal metadata: they stay, and the gate still refuses them
    let rules = gate_rules(&out, Some(&deny));
    assert!(
        rules.iter().any(|r| r.ends_with("deny-list-match")),
        "{rules:?}"
    );
    assert!(!rules.iter().any(|r| r.ends_with("image-gps")), "{rules:?}");
}

#[test]
fn scrub_refuses_an_existing_out_or_one_inside_src_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(corpus().join("gps/DSCN0012.jpg"), src.join("p.jpg")).unwrap();
    let inside = src.join("out");
    let o = intact(&["scrub", s(&src), "-o", s(&inside)]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(!inside.exists());
    let exists = t.path().join("exists");
    std::fs::create_dir(&exists).unwrap();
    let o = intact(&["scrub", s(&src), "-o", s(&exists)]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert_eq!(std::fs::read_dir(&exists).unwrap().count(), 0);
    let o = intact(&["scrub", s(&src.join("p.jpg")), "-o", s(&src.join("p.jpg"))]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    // a single file in, a single file out; the source unchanged; nothing left beside OUT
    let before = std::fs::read(src.join("p.jpg")).unwrap();
    let one = t.path().join("one.jpg");
    let o = intact(&["scrub", s(&src.join("p.jpg")), "-o", s(&one)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        stdout(&o).contains("removed: EXIF thumbnail (IFD1)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(src.join("p.jpg")).unwrap(), before);
    assert_eq!(decode_jpeg(&one), decode_jpeg(&src.join("p.jpg")));
    // a file with nothing to remove is copied as it is
    std::fs::write(src.join("n.txt"), "note\n").unwrap();
    let o = intact(&[
        "scrub",
        s(&src.join("n.txt")),
        "-o",
        s(&t.path().join("n.txt")),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(std::fs::read(t.path().join("n.txt")).unwrap(), b"note\n");
    std::fs::remove_file(t.path().join("n.txt")).unwrap();
    let names: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// A path that holds a withheld name is masked in text and JSON; without a deny-list it is
/// printed as given. A TIFF is reported not scrubbed, with the reason, and the exit code says a
/// person has something left to do.
#[test]
fn scrub_masks_withheld_paths_and_reports_what_it_left() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    let name = intact_testkit::gate::NAME;
    std::fs::create_dir_all(src.join(name)).unwrap();
    std::fs::copy(
        corpus().join("gps/DSCN0012.jpg"),
        src.join(name).join("p.jpg"),
    )
    .unwrap();
    std::fs::write(src.join("scan.tif"), b"II*\0\x08\0\0\0\0\0\0\0\0\0").unwrap();
    let deny = t.path().join("deny.txt");
    std::fs::write(&deny, format!("{name}\n")).unwrap();
    for json in [false, true] {
        let out = t.path().join(format!("out-{json}"));
        let mut args = vec!["scrub", s(&src), "-o", s(&out), "--deny-list", s(&deny)];
        if json {
            args.push("--json");
        }
        let o = intact(&args);
        assert_eq!(code(&o), 1, "{}", text(&o));
        let all = text(&o);
        assert!(
            !all.contains("Fictitious") && !all.contains("Ivan"),
            "{all}"
        );
        assert!(all.contains("TIFF is not scrubbed"), "{all}");
        assert!(out.join(name).join("p.jpg").is_file());
    }
    let (c, v) = scrub_json(&src, &t.path().join("plain"), &[]);
    assert_eq!(c, 1);
    assert!(v.to_string().contains(name), "no deny-list: paths as given");
}

/// `pack --scrub-report`: each scrubbed file's item records what scrub removed, after the
/// digitization note its metadata gave; a file changed after scrub refuses the pack.
#[test]
fn pack_records_what_scrub_removed() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(corpus().join("gps/DSCN0012.jpg"), src.join("a.jpg")).unwrap();
    std::fs::write(src.join("b.txt"), "text\n").unwrap();
    let out = t.path().join("out");
    let report = t.path().join("scrub.json");
    let o = intact(&["scrub", s(&src), "-o", s(&out), "--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    std::fs::write(&report, &o.stdout).unwrap();
    let meta = t.path().join("meta.csv");
    std::fs::write(
        &meta,
        "path,id,case_no,doc_type,title,redaction_status,digitization\na.jpg,a,1,photograph,Scene,none,camera original 2024\nb.txt,b,1,document,Note,none,\n",
    )
    .unwrap();
    let pack = |src: &Path, zip: &Path| {
        intact(&[
            "pack",
            s(src),
            "--collection",
            "c",
            "--release",
            "r1",
            "--unsigned",
            "--no-deny-list",
            "--metadata",
            s(&meta),
            "--scrub-report",
            s(&report),
            "-o",
            s(zip),
        ])
    };
    let zip = t.path().join("r1.zip");
    let o = pack(&out, &zip);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v = manifest_json(&zip);
    let item = |id: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{v}"))
            .clone()
    };
    let d = item("a")["metadata"]["digitization"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        d.starts_with("camera original 2024; metadata removed by intact scrub ")
            && d.ends_with(
                ": EXIF thumbnail (IFD1), EXIF UserComment, EXIF GPS, EXIF ImageDescription"
            ),
        "{d}"
    );
    assert!(
        item("b")["metadata"].get("digitization").is_none(),
        "{}",
        item("b")
    );
    // the file changed after scrub: its note would be false
    std::fs::write(out.join("a.jpg"), b"\xff\xd8\xff\xd9").unwrap();
    let o = pack(&out, &t.path().join("r2.zip"));
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("is not the file scrub wrote"),
        "{}",
        text(&o)
    );
}

/// The bundle's `intact/manifest.json`.
fn manifest_json(zip: &Path) -> Value {
    use std::io::Read as _;
    let mut a = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    for i in 0..a.len() {
        let mut m = a.by_index(i).unwrap();
        if m.name().unwrap().ends_with("/intact/manifest.json") {
            let mut out = Vec::new();
            m.read_to_end(&mut out).unwrap();
            return serde_json::from_slice(&out).unwrap();
        }
    }
    panic!("no manifest.json")
}

/// The gate's findings that scrub fixes say so, in text and JSON; the others say what a person
/// must do.
#[test]
fn gate_findings_name_scrub_as_the_fix() {
    let o = intact(&["scan", s(&corpus().join("gps"))]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    for rule in ["image-gps", "image-thumbnail"] {
        assert!(
            out.contains(&format!("fix {rule}: fix: intact scrub SRC -o OUT")),
            "{out}"
        );
    }
    let o = intact(&["scan", s(&corpus().join("gps")), "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["hints"]["image-gps"]
            .as_str()
            .unwrap()
            .starts_with("fix: intact scrub"),
        "{v}"
    );
}
