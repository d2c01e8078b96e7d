#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ (docs/SECURITY.md).

Seeds come from the project's vectors (tests/vectors), keys (keys/), leak-gate fixtures
(tests/leak-fixtures, tests/fixtures/pdf), a few small files of the shared corpora
(../shared/corpora) and a few synthetic files made here (a TIFF, a WebP, a DOCX, an ODT, a
state file). Only small files are copied: the committed corpus stays a few hundred KB.
Run from the repository root; existing seeds of the same name are overwritten, and what the
fuzzers added (files named by their SHA-1) is left alone.
"""
import base64, hashlib, io, json, os, shutil, struct, sys, zipfile
from pathlib import Path

root = Path(__file__).resolve().parent.parent
shared = root.parent / "shared" / "corpora"
out = root / "fuzz" / "corpus"
MAX = 24 * 1024


def put(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def copy(target, path, name=None):
    p = Path(path)
    if p.is_file() and p.stat().st_size <= MAX:
        put(target, name or p.name, p.read_bytes())


bundle = (root / "tests/vectors/v1-small/bundle.zip").read_bytes()
members = {}
with zipfile.ZipFile(io.BytesIO(bundle)) as z:
    for n in z.namelist():
        members[n.split("/", 1)[1]] = z.read(n)
sig_name = next(n for n in members if n.endswith(".sig"))
release, manifest, sig = members["intact/release.json"], members["intact/manifest.json"], members[sig_name]

put("container", "v1-small.zip", bundle)
put("bundle", "v1-small.zip", bundle)
tree = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
        "intact/release.json", "intact/manifest.json", sig_name]
put("bundle_tree", "v1-small", b"\0\0".join(members[n] for n in tree))
for t in ("container", "gate_office"):
    for z in (root / "tests/leak-fixtures/files/zip").iterdir():
        copy(t, z)
put("canonical", "manifest.json", manifest)
put("canonical", "release.json", release)
put("canonical", "escapes.json", json.dumps({"a": "\u00e9\n\"", "b": [1, -2, 1e21, 0.5], "c": None}, separators=(",", ":")).encode())
put("items", "manifest.json", manifest)
put("statement", "release.json", release)
put("sshsig_armor", "signature.sig", sig)
blob = base64.b64decode(b"".join(sig.splitlines()[1:-1]))
put("sshsig_blob", "signature.blob", blob)
pub = (root / "keys/demo-office.key.pub").read_text().split()
put("sshsig_blob", "ed25519.keyblob", base64.b64decode(pub[1]))
copy("allowed_signers", root / "keys/allowed_signers.demo")
copy("revocations", root / "keys/revoked.demo")
for p in sorted((root / "tests/vectors/proofs").glob("*.intact-proof.json")):
    copy("proof", p)
put("log_entry", "one-entry", release + b"\0\0" + manifest + b"\0\0" + sig)
state = {
    "state": "intact-mirror-state/1",
    "collection": json.loads(release)["collection"],
    "seq": 1,
    "release": json.loads(release)["release"],
    "bundle_id": hashlib.sha256(release).hexdigest(),
    "created": json.loads(release)["created"],
}
put("mirror_state", "state.json", (json.dumps(state, indent=2) + "\n").encode())
put("bag_info", "bag-info.txt", members["bag-info.txt"])
put("bag_manifest", "manifest-sha256.txt", members["manifest-sha256.txt"])
put("bag_manifest", "tagmanifest-sha256.txt", members["tagmanifest-sha256.txt"])
put("bagit_txt", "bagit.txt", members["bagit.txt"])
suite = shared / "bagit-conformance-suite"
for i, p in enumerate(sorted(suite.glob("*/valid/*/bag-info.txt"))[:4]):
    copy("bag_info", p, f"suite-{i}-bag-info.txt")
for i, p in enumerate(sorted(suite.glob("*/*/*/fetch.txt"))[:3]):
    copy("bagit_txt", p, f"suite-{i}-fetch.txt")
for i, p in enumerate(sorted(suite.glob("v1.0/*/*/bagit.txt"))[:2]):
    copy("bagit_txt", p, f"suite-{i}-bagit.txt")
for i, p in enumerate(sorted(suite.glob("v1.0/valid/*/manifest-*.txt"))[:3]):
    copy("bag_manifest", p, f"suite-{i}-{p.name}")

leak = root / "tests/leak-fixtures/files"
for p in sorted((root / "tests/fixtures/pdf").glob("*.pdf")):
    copy("gate_pdf", p)
for p in sorted(shared.glob("pdf-samples/*/*.pdf")):
    if p.stat().st_size <= 8 * 1024:
        copy("gate_pdf", p)
for kind in ("jpeg", "png", "gif"):
    for p in sorted((leak / kind).iterdir()):
        copy("gate_image", p)
for p in sorted(shared.glob("exif-samples/*.jpg"))[:0] + [shared / "exif-samples/Fujifilm_FinePix_E500.jpg"]:
    copy("gate_image", p)


def tiff(artist):
    """A little-endian TIFF whose one IFD holds Artist (0x013B, ASCII)."""
    a = artist + b"\0"
    ifd = struct.pack("<H", 1) + struct.pack("<HHII", 0x013B, 2, len(a), 26) + struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + ifd + a


def chunk(tag, data):
    return tag + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


t = tiff(b"Jane Example")
put("gate_image", "artist.tif", t)
xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jane Example</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
body = b"WEBP" + chunk(b"VP8X", bytes([0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0])) + chunk(b"EXIF", t) + chunk(b"XMP ", xmp)
put("gate_image", "exif-xmp.webp", b"RIFF" + struct.pack("<I", len(body)) + body)
put("gate_markup", "xmp.xml", xmp)


def office(files):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return b.getvalue()


docx = office([
    ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
    ("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Jane </w:t></w:r><w:ins w:author="Jane Example"><w:r><w:t>Example</w:t></w:r></w:ins></w:p></w:body></w:document>'),
    ("word/comments.xml", '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:author="x"><w:p><w:r><w:t>12 Sample Street</w:t></w:r></w:p></w:comment></w:comments>'),
    ("docProps/core.xml", '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jane Example</dc:creator></cp:coreProperties>'),
    ("word/media/image1.tif", t),
])
odt = office([
    ("mimetype", "application/vnd.oasis.opendocument.text"),
    ("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>Jane <text:span>Example</text:span></text:p><text:tracked-changes><text:changed-region><text:deletion><text:p>12 Sample Street</text:p></text:deletion></text:changed-region></text:tracked-changes></office:text></office:body></office:document-content>'),
    ("meta.xml", '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><meta:initial-creator>Jane Example</meta:initial-creator></office:meta></office:document-meta>'),
])
put("gate_office", "tracked.docx", docx)
put("gate_office", "tracked.odt", odt)
for p in sorted((leak / "rtf").iterdir()):
    copy("gate_rtf", p)
put("gate_rtf", "hex-unicode.rtf", b"{\\rtf1\\ansi\\ansicpg1251{\\fonttbl{\\f0\\fcharset204 Arial;}}\\f0 \\'c8\\u1048?van {\\*\\comment Jane}\\par}")
for kind in ("html", "xml"):
    for p in sorted((leak / kind).iterdir()):
        copy("gate_markup", p)
for p in sorted((leak / "mail").iterdir()):
    copy("gate_mime", p)
for kind in ("text", "json", "latex", "markdown", "url"):
    for p in sorted((leak / kind).iterdir()):
        copy("gate_text", p, f"{kind}-{p.name}")
for src, name in [
    (root / "tests/fixtures/pdf/link-uri.pdf", "link-uri.pdf"),
    (leak / "jpeg/iptc-cp1251.jpg", "iptc.jpg"),
    (leak / "png/imagemagick-raw-profile-iptc.png", "raw-profile.png"),
    (leak / "mail/pdf-attachment.eml", "pdf-attachment.eml"),
    (leak / "rtf/libreoffice-export.rtf", "export.rtf"),
    (leak / "text/utf_16_le.txt", "utf16.txt"),
]:
    copy("gate_content", src, name)
put("gate_content", "tracked.docx", docx)
put("gate_content", "artist.tif", t)

total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
print(f"fuzz/corpus: {sum(1 for f in out.rglob('*') if f.is_file())} files, {total // 1024} KB", file=sys.stderr)
