//! Writing the site's files into the directory being built: the assets, the language chooser,
//! per language the release index, the release pages and the document pages, and once for all
//! languages the release data, the filter chunks, the proofs and the documents' files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::Serde;
use minijinja::{context, Value};
use rayon::prelude::*;

use super::files::{self, FileSource};
use super::filter::{self, script_json};
use super::model::{DocView, ReleaseView, Site};
use super::proofs::ReleaseProofs;
use super::render::{Renderer, LANGUAGES};
use super::styles;
use super::{SiteError, CHUNK_ITEMS};
use crate::bundle::Bundle;
use crate::fs::At as _;
use crate::log::LogReport;

/// The site's static assets: `(path under assets/, bytes)`.
pub const ASSETS: [(&str, &str); 5] = [
    ("site.css", include_str!("assets/site.css")),
    ("core.js", include_str!("assets/core.js")),
    ("page.js", include_str!("assets/page.js")),
    ("filter.js", include_str!("assets/filter.js")),
    ("vendor/noble.js", include_str!("assets/vendor/noble.js")),
];

/// The metadata fields a document page lists, in this order (FORMAT.md §5.2).
const FIELDS: [&str; 12] = [
    "title",
    "case_no",
    "volume",
    "pages",
    "doc_type",
    "date",
    "language",
    "description",
    "source",
    "custody",
    "digitization",
    "rights",
];

/// Release pages list this many documents before the filter script takes over.
const FIRST_ROWS: usize = 100;

/// What was written.
pub struct Written {
    pub files: usize,
    pub copied: usize,
}

struct Out<'a> {
    root: &'a Path,
    count: AtomicUsize,
}

impl Out<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let p = self.root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).at(parent)?;
        }
        std::fs::write(&p, bytes).at(&p)?;
        self.count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Writes the whole site under `root`.
pub fn write_site(
    root: &Path,
    site: &Site,
    report: &LogReport,
    source: &FileSource,
) -> Result<Written, SiteError> {
    let r = Renderer::new()?;
    let out = Out {
        root,
        count: AtomicUsize::new(0),
    };
    for (name, text) in ASSETS {
        out.put(&format!("assets/{name}"), text.as_bytes())?;
    }
    let langs = r.langs();
    out.put(
        "index.html",
        r.render(
            "root.html",
            context! { collection => &site.collection, langs => Serde(&langs) },
        )?
        .as_bytes(),
    )?;
    for lang in LANGUAGES {
        let t = &r.strings[lang];
        let keys = all_keys(site);
        let html = r.render(
            "index.html",
            context! { lang, langs => Serde(&langs), up => "../", here => "index.html",
            collection => &site.collection, t => Serde(t), releases => Serde(&site.releases),
            keys => Serde(&keys) },
        )?;
        out.put(&format!("{lang}/index.html"), html.as_bytes())?;
    }
    for lang in LANGUAGES {
        out.put(
            &format!("data/strings/{lang}.js"),
            format!(
                "window.IntactStrings = {};\n",
                script_strings(&r.strings[lang])
            )
            .as_bytes(),
        )?;
    }
    let mut copied = 0;
    for (ri, rel) in site.releases.iter().enumerate() {
        let docs = release_docs(site, ri);
        write_release(&r, &out, site, rel, docs, &langs)?;
        write_docs(&r, &out, site, rel, docs, &langs, source)?;
        copied += copy_files(&out, rel, docs, report, ri, source)?;
    }
    Ok(Written {
        files: out.count.load(Ordering::Relaxed),
        copied,
    })
}

fn release_docs(site: &Site, ri: usize) -> &[DocView] {
    let start = site.releases[ri].first_doc;
    let end = site
        .releases
        .get(ri + 1)
        .map_or(site.docs.len(), |n| n.first_doc);
    &site.docs[start..end]
}

/// Every signer of every release, once.
fn all_keys(site: &Site) -> Vec<&super::model::SignerView> {
    let mut keys: Vec<_> = site.releases.iter().flat_map(|r| &r.signers).collect();
    keys.sort_by(|a, b| (&a.principal, &a.fingerprint).cmp(&(&b.principal, &b.fingerprint)));
    keys.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.principal == b.principal);
    keys
}

/// The interface strings the scripts use (`v_…`, `f_…`), as script-safe JSON.
fn script_strings(t: &BTreeMap<String, String>) -> String {
    let sub: BTreeMap<&String, &String> = t
        .iter()
        .filter(|(k, _)| {
            k.starts_with("v_")
                || k.starts_with("f_")
                || k.starts_with("status_")
                || k.starts_with("state_")
        })
        .collect();
    script_json(&sub)
}

/// The release's data script, its filter index and its page in each language.
fn write_release(
    r: &Renderer,
    out: &Out,
    site: &Site,
    rel: &ReleaseView,
    docs: &[DocView],
    langs: &[BTreeMap<&'static str, String>],
) -> Result<(), SiteError> {
    let data = serde_json::json!({
        "release": rel.release,
        "created": rel.created,
        "bundle_id": rel.bundle_id,
        "release_json": rel.release_json,
        "signatures": rel.signatures.iter().map(|(f, s)| serde_json::json!({"file": f, "signature": s})).collect::<Vec<_>>(),
        "keys": rel.signers,
    });
    out.put(
        &format!("data/release/{}.js", rel.release),
        format!("window.IntactRelease = {};\n", script_json(&data)).as_bytes(),
    )?;
    for (prefix, rows) in digest_buckets(docs) {
        out.put(
            &format!("data/digest/{}/{prefix}.js", rel.release),
            format!(
                "IntactDigests.bucket({},{},{});\n",
                script_json(&rel.release),
                script_json(&prefix),
                script_json(&rows)
            )
            .as_bytes(),
        )?;
    }
    let (facets, chunks) = filter::build(&rel.release, docs, CHUNK_ITEMS);
    out.put(
        &format!("data/filter/{}/facets.js", rel.release),
        format!("window.IntactFacets = {};\n", script_json(&facets)).as_bytes(),
    )?;
    for (i, c) in chunks.iter().enumerate() {
        out.put(&format!("data/filter/{}/{i}.js", rel.release), c.as_bytes())?;
    }
    let shown = &docs[..docs.len().min(FIRST_ROWS)];
    for lang in LANGUAGES {
        let t = &r.strings[lang];
        let here = format!("release/{}.html", rel.release);
        let html = r.render(
            "release.html",
            context! { lang, langs => Serde(langs), up => "../../", here => &here, collection => &site.collection,
            t => Serde(t), r => Serde(rel), facets => Serde(&facets), shown => Serde(shown) },
        )?;
        out.put(&format!("{lang}/{here}"), html.as_bytes())?;
    }
    Ok(())
}

/// The release's digest index, by the first two hex digits of the SHA-256: `(sha256, n, id)`
/// of each published item, so a page finds a dropped file's item by loading one small file.
fn digest_buckets(docs: &[DocView]) -> BTreeMap<String, Vec<(&str, usize, &str)>> {
    let mut b: BTreeMap<String, Vec<(&str, usize, &str)>> = BTreeMap::new();
    for d in docs {
        if let Some(sha) = d.item.sha256.as_deref() {
            b.entry(sha.get(..2).unwrap_or("").to_owned())
                .or_default()
                .push((sha, d.n, &d.item.id));
        }
    }
    b
}

/// Where a document page links its file, relative to the page (`None`: no link).
fn file_href(source: &FileSource, up: &str, release: &str, path: &str) -> Option<String> {
    match source {
        FileSource::None => None,
        FileSource::Bundles | FileSource::Dir(_) => Some(format!(
            "{up}files/{}/{}",
            files::url_segment(release),
            files::url_path(path)
        )),
        FileSource::Url(base) => Some(format!(
            "{base}/{}/{}",
            files::url_segment(release),
            files::url_path(path)
        )),
    }
}

/// Each document's proof file and its page in each language.
fn write_docs(
    r: &Renderer,
    out: &Out,
    site: &Site,
    rel: &ReleaseView,
    docs: &[DocView],
    langs: &[BTreeMap<&'static str, String>],
    source: &FileSource,
) -> Result<(), SiteError> {
    let items: Vec<crate::manifest::Item> = docs.iter().map(|d| d.item.clone()).collect();
    let proofs = ReleaseProofs::new(&items, &rel.release_json, &rel.merkle_root, &rel.signatures)
        .ok_or_else(|| SiteError::Proof {
        release: rel.release.clone(),
        message: "the item records are not what the statement's merkle_root signs".into(),
    })?;
    let statement: crate::release::Statement =
        serde_json::from_str(&rel.release_json).map_err(|e| SiteError::Proof {
            release: rel.release.clone(),
            message: e.to_string(),
        })?;
    docs.par_iter().try_for_each(|d| -> Result<(), SiteError> {
        let (s, id) = (&statement, rel.bundle_id.as_str());
        let cite = context! {
            text => crate::cite::citation_text(s, id, &d.item),
            note => styles::note_citation(s, id, &d.item),
            bibtex => styles::bibtex(s, id, &d.item),
            csl_json => styles::csl_json(s, id, &d.item),
        };
        let up = "../../../";
        let mut proof_json = String::new();
        if !d.withheld() {
            let p = proofs.proof(d.n, &d.item).ok_or_else(|| SiteError::Proof {
                release: rel.release.clone(),
                message: format!("no leaf {}", d.n),
            })?;
            out.put(
                &format!("proofs/{}/{}.intact-proof.json", rel.release, d.n),
                p.to_json().as_bytes(),
            )?;
            proof_json = script_json(&serde_json::json!({
                "item": p.item, "leaf_index": p.leaf_index, "tree_size": p.tree_size,
                "audit_path": p.audit_path, "release": rel.release,
            }));
        }
        let dv = Value::from(Serde(d));
        let rv = Value::from(Serde(rel));
        let href = d
            .item
            .path
            .as_deref()
            .and_then(|p| file_href(source, up, &rel.release, p));
        let here = format!("doc/{}/{}.html", rel.release, d.n);
        for lang in LANGUAGES {
            let t = &r.strings[lang];
            let html = r.render(
                "doc.html",
                context! { lang, langs => Serde(langs), up, here => &here,
                collection => &site.collection, t => Serde(t), d => dv.clone(), r => rv.clone(),
                fields => Serde(FIELDS), file_href => &href,
                proof_name => crate::cite::proof_file_name(&d.item.id),
                proof_json => &proof_json, cite => cite.clone() },
            )?;
            out.put(&format!("{lang}/{here}"), html.as_bytes())?;
        }
        Ok(())
    })
}

/// Copies the release's published files into `files/<release>/` (`--bundles` or `--files
/// DIR`), each checked against its signed digest.
fn copy_files(
    out: &Out,
    rel: &ReleaseView,
    docs: &[DocView],
    report: &LogReport,
    ri: usize,
    source: &FileSource,
) -> Result<usize, SiteError> {
    let bundle = match source {
        FileSource::Bundles => {
            let Some(path) = report.releases.get(ri).and_then(|r| r.bundle.clone()) else {
                return Err(files::FilesError::Missing {
                    path: Path::new("--bundles").join(&rel.bundle_id),
                    release: rel.release.clone(),
                }
                .into());
            };
            let b = Bundle::open(&path).map_err(|e| SiteError::Io {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            Some((b, path))
        }
        FileSource::Dir(_) => None,
        _ => return Ok(0),
    };
    let mut n = 0;
    for d in docs {
        let (Some(path), Some(sha)) = (&d.item.path, &d.item.sha256) else {
            continue;
        };
        let dest = out
            .root
            .join("files")
            .join(&rel.release)
            .join(path.as_str());
        match (&bundle, source) {
            (Some((b, bp)), _) => files::copy_from_bundle(b, bp, path, sha, &rel.release, &dest)?,
            (None, FileSource::Dir(dir)) => {
                files::copy_from_tree(dir, path, sha, &rel.release, &dest)?
            }
            _ => continue,
        }
        out.count.fetch_add(1, Ordering::Relaxed);
        n += 1;
    }
    Ok(n)
}
