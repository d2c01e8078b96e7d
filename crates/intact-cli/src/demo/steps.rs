//! The demo's story, one method per numbered step of its transcript: keys, the collection, pack,
//! the leak gate, verify, a tampered copy, a disclosure, a second release, the release log.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use intact::pack::{self, PackOptions};
use intact::trust::{Revocations, TrustPolicy};
use intact::verify::{self, VerifyOptions};

use super::fixtures::{
    demo_allowed_signers, demo_key, row, synthetic_png, tamper_one_byte,
    write_collection_with_metadata, write_metadata_csv, DEMO_COLLECTION, DEMO_CREATED, DEMO_KEY,
    DEMO_KEY_PUB, LABEL, WITHHELD_ADDRESS, WITHHELD_HELPER,
};
use super::{io, step, write, DemoError};

/// The redacted testimony the demo leaks, discloses and re-redacts.
const TESTIMONY: &str = "testimonies/case-101/testimony-001.txt";

/// The demo's directory, the paths its steps share, and the transcript so far.
pub(super) struct Story {
    out: PathBuf,
    t: String,
    trust_path: PathBuf,
    src: PathBuf,
    private: PathBuf,
    originals: PathBuf,
    deny_path: PathBuf,
    ledger_path: PathBuf,
    bundle: PathBuf,
}

impl Story {
    pub(super) fn new(out: &Path) -> Story {
        let private = out.join("private");
        let mut t = String::new();
        let _ = writeln!(
            t,
            "intact demo — everything here is synthetic placeholder content\n"
        );
        Story {
            out: out.to_owned(),
            t,
            trust_path: out.join("keys").join("allowed_signers"),
            src: out.join("collection"),
            originals: private.join("originals"),
            deny_path: private.join("deny-list.txt"),
            ledger_path: private.join("ledger.json"),
            private,
            bundle: out.join("release-1.zip"),
        }
    }

    /// The demo's directory as shown in the commands to type by hand.
    fn d(&self) -> String {
        self.out.display().to_string()
    }

    /// Step 1: The public demo key and the trust policy naming it.
    pub(super) fn keys(&mut self) -> Result<(), DemoError> {
        let keys = self.out.join("keys");
        let key_path = keys.join("demo-office.key");
        write(&key_path, DEMO_KEY.as_bytes())?;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600))
            .map_err(io(&key_path))?;
        write(&keys.join("demo-office.key.pub"), DEMO_KEY_PUB.as_bytes())?;
        write(&self.trust_path, demo_allowed_signers().as_bytes())?;
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "1. Keys: {} is the PUBLIC DEMO KEY (not secret; never trust it for real releases).",
            key_path.display()
        );
        let _ = writeln!(t, "   Trust policy: {}", self.trust_path.display());
        let _ = writeln!(
            t,
            "   By hand, for a real key:  intact keygen --out office.key --principal office\n"
        );
        Ok(())
    }

    /// Step 2: The collection, with metadata, originals and a private folder outside it.
    pub(super) fn collection(&mut self) -> Result<(), DemoError> {
        let rows = write_collection_with_metadata(&self.src, &self.originals)?;
        let metadata_path = self.private.join("metadata.csv");
        write_metadata_csv(&metadata_path, &rows)?;
        let n = rows.iter().filter(|r| !r.0[0].is_empty()).count();
        let t = &mut self.t;
        let _ = writeln!(t, "2. Sample collection: {n} synthetic files in {} (testimonies, photographs, material evidence, PDFs).", self.src.display());
        let _ = writeln!(
            t,
            "   Metadata and redaction records: {} (one row per item, plus one withheld item).",
            metadata_path.display()
        );
        let _ = writeln!(
            t,
            "   Unredacted originals (PRIVATE, never packed): {}\n",
            self.originals.display()
        );
        Ok(())
    }

    /// Step 3: Pack release 1 through the leak gate, with commitments to the originals; inspect it.
    pub(super) fn pack(&mut self) -> Result<(), DemoError> {
        let mut opts = PackOptions::new(
            self.src.clone(),
            self.bundle.clone(),
            DEMO_COLLECTION,
            "release-1",
            created(DEMO_CREATED)?,
        );
        opts.keys = vec![demo_key()?];
        opts.metadata = Some(
            intact::metadata::MetadataSet::load(&self.private.join("metadata.csv"))
                .map_err(step)?,
        );
        opts.commitments = Some(pack::Commitments {
            originals: self.originals.clone(),
            ledger: self.ledger_path.clone(),
        });
        write(
            &self.deny_path,
            format!("# PRIVATE deny-list of withheld strings (synthetic demo values)\n{WITHHELD_ADDRESS}\n{WITHHELD_HELPER}\n").as_bytes(),
        )?;
        opts.gate = self.gate()?;
        let summary = pack::pack(&opts).map_err(|e| DemoError::Step(format!("pack: {e}")))?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "3. Packed {} items ({} bytes) into {}",
            summary.items,
            summary.payload_bytes,
            self.bundle.display()
        );
        let _ = writeln!(
            t,
            "   bundle id   {}\n   merkle root {}",
            summary.bundle_id, summary.merkle_root
        );
        let _ = writeln!(
            t,
            "   {} salted commitments to originals; salts in the private ledger {}",
            summary.commitments,
            self.ledger_path.display()
        );
        let _ = writeln!(
            t,
            "   By hand: intact pack {d}/collection --collection {DEMO_COLLECTION} --release release-1 --key {d}/keys/demo-office.key \\\n              --metadata {d}/private/metadata.csv --originals {d}/private/originals --ledger NEW-LEDGER.json \\\n              --deny-list {d}/private/deny-list.txt \\\n              --created {DEMO_CREATED} -o {d}/release-1.zip --force\n"
        );
        let inspected = intact::inspect::inspect(&self.bundle).map_err(step)?;
        let _ = writeln!(
            t,
            "   Inspect: by status {}; withheld: {}",
            counts(&inspected.by_status),
            inspected
                .withheld
                .iter()
                .map(|w| w.id.clone())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(t, "   By hand: intact inspect {d}/release-1.zip\n");
        Ok(())
    }

    /// The leak gate with the demo's private deny-list.
    fn gate(&self) -> Result<pack::GateConfig, DemoError> {
        let deny = intact::gate::DenyList::load(&self.deny_path).map_err(step)?;
        crate::output::withhold(&deny);
        Ok(pack::GateConfig {
            options: intact::gate::ScanOptions {
                deny: Some(deny),
                ..Default::default()
            },
            deny_list_path: Some(self.deny_path.clone()),
            exceptions_path: None,
        })
    }

    /// Step 3b: The leak gate refuses a copy that still holds a withheld address; true if it did,
    /// and wrote nothing.
    pub(super) fn leak_gate(&mut self) -> Result<bool, DemoError> {
        let leaky = self.out.join("leaky-collection");
        let original_text =
            std::fs::read(self.originals.join(TESTIMONY)).map_err(io(&self.originals))?;
        write(&leaky.join(TESTIMONY), &original_text)?;
        let leaky_zip = self.out.join("leaky.zip");
        let mut opts = PackOptions::new(
            leaky,
            leaky_zip.clone(),
            DEMO_COLLECTION,
            "leaky",
            created(DEMO_CREATED)?,
        );
        opts.keys = vec![demo_key()?];
        opts.gate = self.gate()?;
        let Err(pack::PackError::Gate(report)) = pack::pack(&opts) else {
            return Ok(false);
        };
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(t, "3b. Leak gate: a copy of {TESTIMONY} that still holds the witness's address is refused:");
        for f in &report.findings {
            let _ = writeln!(t, "   {}", f.line());
        }
        let _ = writeln!(t, "   (the deny-list {} stays private; findings show a masked form only; nothing was written)", self.deny_path.display());
        let _ = writeln!(
            t,
            "   By hand: intact scan {d}/leaky-collection --deny-list {d}/private/deny-list.txt\n"
        );
        Ok(!leaky_zip.exists())
    }

    /// The verification options of the demo's trust policy.
    pub(super) fn trust(&self) -> Result<VerifyOptions, DemoError> {
        Ok(VerifyOptions {
            policy: TrustPolicy::load(&self.trust_path).map_err(step)?,
            revocations: Revocations::default(),
            threshold: 1,
            at: None,
            skip_payload: false,
            skip_threshold: false,
        })
    }

    /// Step 4: Verify release 1; true if it is valid.
    pub(super) fn verify(&mut self, trust: &VerifyOptions) -> Result<bool, DemoError> {
        let good = verify::verify(&self.bundle, trust).map_err(step)?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "4. Verify: {} — {} items, signed by {}",
            if good.valid { "VALID" } else { "NOT VALID" },
            good.item_count.unwrap_or(0),
            good.signers.join(", ")
        );
        for p in &good.problems {
            let _ = writeln!(t, "   {}: {}: {}", p.path, p.check.name(), p.message);
        }
        let _ = writeln!(
            t,
            "   By hand: intact verify {d}/release-1.zip --trust {d}/keys/allowed_signers\n"
        );
        Ok(good.valid)
    }

    /// Step 5: A copy with one byte changed; true if verify rejects it and names the changed file.
    pub(super) fn tamper(&mut self, trust: &VerifyOptions) -> Result<bool, DemoError> {
        let tampered = self.out.join("release-1-tampered.zip");
        let changed = tamper_one_byte(&self.bundle, &tampered)?;
        let bad = verify::verify(&tampered, trust).map_err(step)?;
        let named = bad.problems.iter().any(|p| p.path == changed);
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "5. Tampered copy {} (one byte changed in {changed}):",
            tampered.display()
        );
        for p in &bad.problems {
            let _ = writeln!(t, "   {}: {}: {}", p.path, p.check.name(), p.message);
        }
        let _ = writeln!(
            t,
            "   Verify: {}",
            if bad.valid {
                "VALID (this is a bug!)"
            } else {
                "NOT VALID — rejected, as it must be"
            }
        );
        let _ = writeln!(t, "   By hand: intact verify {d}/release-1-tampered.zip --trust {d}/keys/allowed_signers   (exit code 1)\n");
        Ok(!bad.valid && named)
    }

    /// Step 6: A disclosure for one redacted item; true if the original matches it and the redacted
    /// copy does not.
    pub(super) fn disclosure(&mut self) -> Result<bool, DemoError> {
        let disclosure_path = self.private.join("disclosure-T-101-001.json");
        let ledger = intact::redaction::Ledger::load(&self.ledger_path).map_err(step)?;
        let item_id = "T-101-001";
        let original = self.originals.join(TESTIMONY);
        let contents = intact::inspect::read_contents(&self.bundle).map_err(step)?;
        let bundle_id = contents.bundle_id();
        let commitment = contents
            .item(item_id)
            .and_then(|i| i.redaction.as_ref())
            .and_then(|r| r.commitment.as_deref());
        let disclosure =
            intact::redaction::prove(&ledger, &original, &bundle_id, commitment, item_id)
                .map_err(step)?;
        let dbytes = serde_json::to_vec_pretty(&disclosure).map_err(step)?;
        intact::redaction::write_private_new(&disclosure_path, &dbytes).map_err(step)?;
        let opens = |file: &Path| {
            intact::redaction::check_disclosure(&disclosure, file, &bundle_id, commitment)
                .map(|problems| problems.is_empty())
                .map_err(step)
        };
        let matches = opens(&original)?;
        let other_fails = !opens(&self.src.join(TESTIMONY))?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "6. Disclosure for redacted item {item_id}: {} (reveals that item's salt only)",
            disclosure_path.display()
        );
        let _ = writeln!(
            t,
            "   The original matches: {}; the redacted copy does not: {}",
            if matches { "yes" } else { "NO" },
            if other_fails { "right" } else { "WRONG" }
        );
        let _ = writeln!(t, "   By hand: intact redaction prove --ledger {d}/private/ledger.json --original {} --bundle {d}/release-1.zip --item {item_id} -o NEW-DISCLOSURE.json", original.display());
        let _ = writeln!(t, "            intact redaction verify {} --original {} --bundle {d}/release-1.zip --trust {d}/keys/allowed_signers\n", disclosure_path.display(), original.display());
        Ok(matches && other_fails)
    }

    /// Step 7: A second release: new items, a re-redacted item that supersedes its first version, a
    /// withdrawn duplicate. Returns its bundle.
    pub(super) fn second_release(&mut self) -> Result<PathBuf, DemoError> {
        let src2 = self.out.join("collection-2");
        let metadata2 = self.private.join("metadata-2.csv");
        write_second_collection(&self.src, &src2, &metadata2)?;
        let changes2 = self.private.join("changes-2.csv");
        write(&changes2, b"id,action,by,reason\nT-101-001,superseded,T-101-001,re-redacted: a further name withheld\nP-010,withdrawn,,duplicate of P-009\n")?;
        let bundle2 = self.out.join("release-2.zip");
        let (link, known) = pack::previous_from(&self.bundle).map_err(step)?;
        let requests = intact::archive::load_changes(&changes2).map_err(step)?;
        let mut opts = PackOptions::new(
            src2,
            bundle2.clone(),
            DEMO_COLLECTION,
            "release-2",
            created("2026-06-01T09:00:00Z")?,
        );
        opts.keys = vec![demo_key()?];
        opts.metadata = Some(intact::metadata::MetadataSet::load(&metadata2).map_err(step)?);
        opts.changes = intact::archive::resolve_changes(&requests, &known)
            .map_err(|e| DemoError::Step(e.join("; ")))?;
        opts.previous = Some(link);
        opts.known = Some(known);
        opts.gate = self.gate()?;
        let summary =
            pack::pack(&opts).map_err(|e| DemoError::Step(format!("pack release-2: {e}")))?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "7. Second release {}: {} new or changed items, bundle id {}",
            bundle2.display(),
            summary.items,
            summary.bundle_id
        );
        let _ = writeln!(
            t,
            "   Change records: T-101-001 superseded (re-redacted), P-010 withdrawn (duplicate) — {}",
            changes2.display()
        );
        let _ = writeln!(t, "   By hand: intact pack {d}/collection-2 --collection {DEMO_COLLECTION} --release release-2 --key {d}/keys/demo-office.key \\\n              --metadata {d}/private/metadata-2.csv --previous {d}/release-1.zip --changes {d}/private/changes-2.csv -o release-2.zip");
        let _ = writeln!(
            t,
            "            intact diff {d}/release-1.zip {d}/release-2.zip\n"
        );
        Ok(bundle2)
    }

    /// Step 8: The release log of both releases, and a mirror checked against it; true if both were
    /// appended and the log and mirror verify.
    pub(super) fn release_log(
        &mut self,
        trust: &VerifyOptions,
        bundle2: &Path,
    ) -> Result<bool, DemoError> {
        let log_dir = self.out.join("log");
        let mirror = self.out.join("mirror");
        std::fs::create_dir_all(&mirror).map_err(io(&mirror))?;
        let mut log_ok = true;
        for b in [self.bundle.as_path(), bundle2] {
            let r = intact::log::append(&log_dir, b, trust).map_err(step)?;
            log_ok &= r.appended;
            let name = b.file_name().map(|n| n.to_owned()).unwrap_or_default();
            std::fs::copy(b, mirror.join(name)).map_err(io(&mirror))?;
        }
        let lr = intact::log::verify_log(
            &log_dir,
            &intact::log::LogVerifyOptions {
                trust,
                progress: &intact::progress::Silent,
                bundles: Some(mirror),
                state: Some(self.out.join("mirror-state.json")),
                time: None,
                tlog: None,
                remote: None,
            },
        )
        .map_err(step)?;
        log_ok &= lr.valid;
        let st = intact::log::status(&log_dir).map_err(step)?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "8. Release log {}: {} releases, {}; {} current items, {} superseded, {} withdrawn",
            log_dir.display(),
            st.releases.len(),
            if lr.valid {
                "chain VALID, every mirrored bundle verified"
            } else {
                "NOT VALID"
            },
            st.current_items,
            st.superseded.len(),
            st.withdrawn.len()
        );
        for p in &lr.problems {
            let _ = writeln!(t, "   {}: {}", p.path, p.message);
        }
        let _ = writeln!(
            t,
            "   By hand: intact log append {d}/log {d}/release-2.zip --trust {d}/keys/allowed_signers"
        );
        let _ = writeln!(t, "            intact log verify {d}/log --bundles {d}/mirror --state {d}/mirror-state.json --trust {d}/keys/allowed_signers");
        let _ = writeln!(t, "            intact log status {d}/log\n");
        Ok(log_ok)
    }

    /// Step 9: The release log as a static web site (docs/SITE.md); true if it was written.
    pub(super) fn site(&mut self, trust: &VerifyOptions) -> Result<bool, DemoError> {
        let site_dir = self.out.join("site");
        let r = intact::site::build(
            &self.out.join("log"),
            &site_dir,
            &intact::site::SiteOptions {
                trust,
                bundles: Some(self.out.join("mirror")),
                files: intact::site::FileSource::Bundles,
                force: false,
                progress: &intact::progress::Silent,
                tlog: None,
            },
        )
        .map_err(step)?;
        let d = self.d();
        let t = &mut self.t;
        let _ = writeln!(
            t,
            "9. Web site {}: {} releases, {} document pages in Armenian, English and Russian, each with its proof and an in-browser check",
            site_dir.display(),
            r.releases,
            r.documents
        );
        let _ = writeln!(t, "   Open {d}/site/index.html in a browser (file:// works), or serve it: python3 -m http.server -d {d}/site 8000");
        let _ = writeln!(t, "   By hand: intact site {d}/log --bundles {d}/mirror -o {d}/site --trust {d}/keys/allowed_signers --force\n");
        Ok(true)
    }

    /// The closing lines, and the transcript.
    pub(super) fn end(mut self, ok: bool) -> String {
        let _ = writeln!(
            self.t,
            "With standard tools only: see docs/FORMAT.md, section \"Verify with standard tools\"."
        );
        let _ = writeln!(
            self.t,
            "\n{}",
            if ok {
                "demo: OK — the bundle verified, the tampered copy was rejected, the leak gate stopped a leak, and the release log verified."
            } else {
                "demo: FAILED"
            }
        );
        self.t
    }
}

/// "key count, key count, …", as `intact inspect` shows counts.
fn counts(m: &std::collections::BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The release time `s` (a constant of the demo).
fn created(s: &str) -> Result<time::OffsetDateTime, DemoError> {
    intact::release::parse_created(s).ok_or_else(|| DemoError::Step("bad demo time".into()))
}

/// Release 2's folder `src2` and its metadata: the testimony of release 1 (in `src`) with a
/// further name redacted, three new testimonies and two new photographs.
fn write_second_collection(src: &Path, src2: &Path, metadata2: &Path) -> Result<(), DemoError> {
    let first = std::fs::read_to_string(src.join(TESTIMONY)).map_err(io(src))?;
    write(
        &src2.join(TESTIMONY),
        first
            .replace(
                "placeholder sentence about who else was present (identities withheld)",
                "[REDACTED: identity of a person who helped]",
            )
            .as_bytes(),
    )?;
    let mut rows = vec![row([
        TESTIMONY,
        "T-101-001",
        "101",
        "2",
        "10-14",
        "testimony",
        "Testimony of witness W-001 (re-redacted)",
        "1981-02",
        "ru",
        "partial",
        "witness home address;identity of a person who helped",
        "Synthetic Law Art. 12 (witness protection)",
        "",
    ])];
    for i in 1..=3u32 {
        let rel = format!("testimonies/case-104/testimony-{i:03}.txt");
        write(&src2.join(&rel), format!("{LABEL}\n\nCase 104 (second stage of publication)\nTestimony of Witness W-4{i:02}: placeholder account {i}.\n").as_bytes())?;
        rows.push(row([
            &rel,
            &format!("T-104-{i:03}"),
            "104",
            "1",
            "",
            "testimony",
            &format!("Testimony of witness W-4{i:02}"),
            "1991",
            "hy",
            "none",
            "",
            "",
            "",
        ]));
    }
    for i in 11..=12u32 {
        let rel = format!("photographs/photo-{i:03}.png");
        write(&src2.join(&rel), &synthetic_png(i, 96, 64))?;
        rows.push(row([
            &rel,
            &format!("P-{i:03}"),
            "104",
            "",
            "",
            "photograph",
            &format!("Photograph {i} of an invented site"),
            "1991",
            "",
            "none",
            "",
            "",
            "",
        ]));
    }
    write_metadata_csv(metadata2, &rows)
}
