#!/usr/bin/env python3
"""Leak-gate fixtures made by the tools an office really uses (issue 15).

    gen_leak_fixtures.py OUT

writes OUT/files/<family>/<file>, OUT/deny.txt (the synthetic withheld names) and
OUT/expect.tsv (path, rule, a piece of the location, the masked name): one line per finding
the gate must report (the path as written; the report shows it masked when it holds a name). A rule written `!rule` must NOT be reported for that path. Every file is
made by a real encoder — LibreOffice, ImageMagick, exiftool, HTML Tidy, Info-ZIP, qpdf, Python's
email/json/urllib/xml packages, fpdf2, html2text, pylatexenc, python-pptx — never by code
written here: the same hand must not write both the encoder and the gate's decoder.
Run by scripts/gen-leak-fixtures.sh, which checks the tools and the Python packages.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

# Invented names (no real person): Azerbaijani Latin, Cyrillic, Turkish, Azerbaijani with
# schwa, ASCII.
AZ = "Zarifa Qurbanlı-Testova"
RU = "Зарифа Тестова"
TR = "Ştefan Örnekoğlu"
GN = "Gülnar Nümunəyeva"
AS = "Kamran Placeholdov"
NAMES = [AZ, RU, TR, GN, AS]

CONVERT = os.environ.get("IM_CONVERT", "/usr/bin/convert")

out = os.path.abspath(sys.argv[1])
files = os.path.join(out, "files")
work = tempfile.mkdtemp(prefix="leak-fixtures-")
expect = []


def mask(name):
    # what the gate shows of a withheld name: its number in deny.txt and its length
    return "[withheld #%d, %d chars]" % (NAMES.index(name) + 1, len(name))


def want(path, rule, where, name=None):
    expect.append((path, rule, where, mask(name) if name else ""))


def put(rel, data):
    p = os.path.join(files, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    return rel


def run(*args, cwd=None):
    subprocess.run(args, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def soffice(src, fmt, infilter=None):
    """Convert `src` (in `work`) with LibreOffice headless; returns the converted file's bytes."""
    args = ["soffice", "--headless", "-env:UserInstallation=file://" + work + "/lo-profile"]
    if infilter:
        args.append("--infilter=" + infilter)
    run(*args, "--convert-to", fmt, "--outdir", os.path.join(work, "lo"), os.path.join(work, src))
    ext = fmt.split(":")[0]
    base = os.path.splitext(src)[0]
    with open(os.path.join(work, "lo", base + "." + ext), "rb") as f:
        return f.read()


def write_work(name, data):
    p = os.path.join(work, name)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def read(p):
    with open(p, "rb") as f:
        return f.read()


def office_documents():
    """RTF, HTML, DOCX, ODT exported by LibreOffice from one HTML source."""
    first, last = GN.split()
    html = (
        "<html><body><p>Zari<b>fa</b> Qurbanlı-Testova</p><p>%s</p><p>%s&nbsp;%s</p></body></html>"
        % (RU, first, last)
    )
    write_work("letter.html", html)
    rtf = put("rtf/libreoffice-export.rtf", soffice("letter.html", "rtf", "HTML (StarWriter)"))
    for n in (AZ, RU, GN):
        want(rtf, "deny-list-match", "RTF text", n)
    exported = soffice("letter.html", "html:HTML (StarWriter)", "HTML (StarWriter)")
    h = put("html/libreoffice-export.html", exported)
    want(h, "deny-list-match", "markup removed", AZ)
    want(h, "deny-list-match", "entities decoded", GN)
    # the same export through HTML Tidy with ASCII output: every letter outside ASCII becomes a
    # named or numeric entity (`G&uuml;lnar`, `&#1047;`), as older Word and web tools write
    write_work("tidy-in.html", exported)
    tidied = subprocess.run(
        ["tidy", "-q", "--input-encoding", "utf8", "--output-encoding", "ascii", "--tidy-mark", "no", os.path.join(work, "tidy-in.html")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    ).stdout
    t = put("html/tidy-ascii-entities.html", tidied)
    for n in (AZ, RU, GN):
        want(t, "deny-list-match", "markup removed", n)
    # the witness's name, and a link whose target carries another name percent-encoded
    link = "https://registry.example.org/find?who=" + urllib.parse.quote(AZ)
    write_work("statement.html", '<html><body><p>Witness: %s</p><p><a href="%s">register</a></p>'
               "</body></html>" % (TR, link))
    docx = soffice("statement.html", "docx:MS Word 2007 XML", "HTML (StarWriter)")
    odt = soffice("statement.html", "odt", "HTML (StarWriter)")
    return docx, odt


def plain_xml():
    root = ET.Element("record")
    ET.SubElement(root, "witness").text = RU
    ET.SubElement(root, "clerk", name=GN)
    data = ET.tostring(root, encoding="us-ascii", xml_declaration=True)
    x = put("xml/etree-ascii.xml", data)
    want(x, "deny-list-match", "entities decoded", RU)
    want(x, "deny-list-match", "entities decoded", GN)


def mails(docx, odt):
    m = EmailMessage(policy=SMTP)
    m["From"] = Address(display_name=RU, addr_spec="clerk@example.org")
    m["To"] = "registry@example.org"
    m["Subject"] = "Case file"
    m.set_content("See the register.\n")
    p = put("mail/from-rfc2047.eml", m.as_bytes())
    want(p, "deny-list-match", "header from", RU)

    m = EmailMessage(policy=SMTP)
    m["From"] = "clerk@example.org"
    m["Subject"] = "Statement"
    m.set_content("Witness: %s\n" % GN, cte="base64")
    p = put("mail/base64-body.eml", m.as_bytes())
    want(p, "deny-list-match", "mail part 1", GN)

    m = EmailMessage(policy=SMTP)
    m["From"] = "clerk@example.org"
    m["Subject"] = "Documents"
    m.set_content("Two documents attached.\n")
    m.add_attachment(docx, maintype="application",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename="statement.docx")
    m.add_attachment(odt, maintype="application", subtype="vnd.oasis.opendocument.text",
                     filename="statement.odt")
    m.add_attachment(b"clean attachment\n", maintype="text", subtype="plain",
                     filename=AZ + ".txt")
    p = put("mail/office-attachments.eml", m.as_bytes())
    want(p, "deny-list-match", "statement.docx): word/document.xml", TR)
    want(p, "deny-list-match", "statement.odt): content.xml", TR)
    # (LibreOffice writes the DOCX link target decoded, the ODT one percent-encoded)
    want(p, "deny-list-match", "statement.docx): word/_rels/document.xml.rels Relationship @Target", AZ)
    want(p, "deny-list-match", "statement.odt): content.xml text:a @xlink:href (percent-decoded)", AZ)
    want(p, "deny-list-match", "attachment name", AZ)

    m = EmailMessage(policy=SMTP)
    m["From"] = "clerk@example.org"
    m["Subject"] = "Scan"
    m.set_content("The scan is attached.\n")
    m.add_attachment(pdf_made_by_fpdf2(), maintype="application", subtype="pdf",
                     filename="scan.pdf")
    p = put("mail/pdf-attachment.eml", m.as_bytes())
    want(p, "deny-list-match", "(scan.pdf)", AS)

    # a mailbox (Python's mailbox.mbox): the second message's sender is withheld
    import mailbox

    path = os.path.join(work, "archive.mbox")
    box = mailbox.mbox(path)
    for sender in ("registry@example.org", Address(display_name=TR, addr_spec="s@example.org")):
        m = EmailMessage(policy=SMTP)
        m["From"] = sender
        m["Subject"] = "Minutes"
        m.set_content("Minutes attached.\n")
        box.add(m)
    box.close()
    p = put("mail/python-mailbox.mbox", read(path))
    want(p, "deny-list-match", "header from", TR)

    # a web page saved as one file (MHT): HTML in Windows-1251, quoted-printable
    first, last = RU.split()
    m = EmailMessage(policy=SMTP)
    m["From"] = "<Saved by a browser>"
    m["Subject"] = "register"
    m["MIME-Version"] = "1.0"
    m.set_content("<html><body><p>%s&nbsp;%s</p></body></html>" % (first, last), subtype="html",
                  charset="windows-1251", cte="quoted-printable")
    m.make_related()
    p = put("mail/web-archive.mht", m.as_bytes())
    want(p, "deny-list-match", "markup removed", RU)


def pdf_made_by_fpdf2():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Witness: %s" % AS)
    raw = os.path.join(work, "scan-raw.pdf")
    pdf.output(raw)
    packed = os.path.join(work, "scan.pdf")
    run("qpdf", "--object-streams=generate", "--compress-streams=y", raw, packed)
    return read(packed)


def escapes():
    j = put("json/python-default.json",
            json.dumps({"witness": RU, "clerk": AZ}, indent=1).encode("ascii"))
    want(j, "deny-list-match", "JSON escapes decoded", RU)
    want(j, "deny-list-match", "JSON escapes decoded", AZ)
    url = "https://registry.example.org/search?" + urllib.parse.urlencode({"q": AZ, "n": "1"})
    u = put("url/query.txt", (url + "\n").encode("ascii"))
    want(u, "deny-list-match", "percent-decoded", AZ)
    n = put("url/" + urllib.parse.quote(GN + ".txt"), b"nothing withheld in here\n")
    want(n, "deny-list-match", "file name", GN)

    import html2text

    md = html2text.html2text("<p>Zari<b>fa</b> <em>Qurbanlı-Testova</em></p>")
    m = put("markdown/html2text.md", md.encode("utf-8"))
    want(m, "deny-list-match", "emphasis removed", AZ)

    from pylatexenc.latexencode import unicode_to_latex

    tex = "\\documentclass{article}\n\\begin{document}\n%s, %s\n\\end{document}\n" % (
        unicode_to_latex(TR), unicode_to_latex(AZ))
    t = put("latex/pylatexenc.tex", tex.encode("ascii"))
    want(t, "deny-list-match", "LaTeX accents composed", TR)
    want(t, "deny-list-match", "LaTeX accents composed", AZ)


def code_pages():
    for codec, name in (("cp1251", RU), ("koi8_r", RU), ("cp866", RU), ("cp1254", TR),
                        ("utf_16_le", GN)):
        p = put("text/%s.txt" % codec, ("Witness: %s\r\n" % name).encode(codec))
        want(p, "deny-list-match", "text", name)
        want(p, "!unsupported-file-type", "", None)


def images():
    jpg = os.path.join(work, "photo.jpg")
    thumb = os.path.join(work, "thumb.jpg")
    run(CONVERT, "-size", "32x32", "xc:white", jpg)
    run(CONVERT, "-size", "8x8", "xc:gray", thumb)
    run("exiftool", "-q", "-overwrite_original", "-Artist=" + AZ, "-GPSLatitude=40.4",
        "-GPSLatitudeRef=N", "-GPSLongitude=49.8", "-GPSLongitudeRef=E",
        "-ThumbnailImage<=" + thumb, jpg)
    png = os.path.join(work, "photo.png")
    run(CONVERT, jpg, png)
    p = put("png/imagemagick-exif.png", read(png))
    want(p, "deny-list-match", "EXIF", AZ)
    want(p, "image-gps", "PNG tEXt exif:GPSLatitude")
    want(p, "image-gps", "EXIF GPS IFD")

    iptc = os.path.join(work, "iptc.jpg")
    run(CONVERT, "-size", "32x32", "xc:white", iptc)
    # an IPTC By-line in Windows-1251 with no CodedCharacterSet marker
    run("exiftool", "-q", "-overwrite_original", "-charset", "iptc=cp1251", "-IPTC:By-line=" + RU,
        iptc)
    p = put("jpeg/iptc-cp1251.jpg", read(iptc))
    want(p, "deny-list-match", "IPTC 2:80 By-line", RU)
    png = os.path.join(work, "iptc.png")
    run(CONVERT, iptc, png)
    p = put("png/imagemagick-raw-profile-iptc.png", read(png))
    want(p, "deny-list-match", "PNG raw profile iptc: IPTC 2:80 By-line", RU)
    want(p, "deny-list-match", "PNG raw profile 8bim: IPTC 2:80 By-line", RU)
    gif = os.path.join(work, "iptc.gif")
    run(CONVERT, iptc, gif)
    p = put("gif/imagemagick-iptc.gif", read(gif))
    want(p, "deny-list-match", "IPTC 2:80 By-line", RU)

    gif = os.path.join(work, "comment.gif")
    run(CONVERT, "-size", "8x8", "xc:red", "-set", "comment", AZ, gif)
    p = put("gif/imagemagick-comment.gif", read(gif))
    want(p, "deny-list-match", "GIF comment", AZ)
    gif = os.path.join(work, "xmp.gif")
    run(CONVERT, "-size", "8x8", "xc:blue", gif)
    run("exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=" + TR, "-Comment=" + GN, gif)
    p = put("gif/exiftool-xmp-comment.gif", read(gif))
    want(p, "deny-list-match", "XMP", TR)
    want(p, "deny-list-match", "GIF comment", GN)


def archives():
    # Info-ZIP stores a name's bytes as they are, without the UTF-8 flag: the bytes of a name
    # in the DOS/Windows OEM code page (cp866), as Windows' "Send to compressed folder" writes
    d = os.path.join(work, "zip-cp866")
    os.makedirs(d)
    with open(os.path.join(d.encode(), (RU + ".txt").encode("cp866")), "wb") as f:
        f.write(b"nothing withheld in here\n")
    run("zip", "-q", "-X", os.path.join(work, "cp866.zip"), "-r", ".", cwd=d)
    p = put("zip/cp866-member-name.zip", read(os.path.join(work, "cp866.zip")))
    want(p, "deny-list-match", "member name", RU)
    d = os.path.join(work, "zip-underscore")
    os.makedirs(d)
    with open(os.path.join(d, AZ.replace(" ", "_") + ".txt"), "wb") as f:
        f.write(b"nothing withheld in here\n")
    run("zip", "-q", "-X", os.path.join(work, "underscore.zip"), "-r", ".", cwd=d)
    p = put("zip/underscore-member-name.zip", read(os.path.join(work, "underscore.zip")))
    # the location names the member, so the report masks it
    want(p, "deny-list-match", mask(AZ), AZ)


def presentation():
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()  # python-pptx's template is a PowerPoint file: printerSettings1.bin
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Hearing"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "Witness: %s" % AS
    path = os.path.join(work, "deck.pptx")
    deck.save(path)
    p = put("office/python-pptx.pptx", read(path))
    want(p, "deny-list-match", "ppt/slides/slide1.xml", AS)
    want(p, "!unsupported-file-type", "printerSettings", None)


def main():
    # OUT/files is rewritten whole; anything else in OUT (its README) is left alone
    if os.path.exists(files):
        shutil.rmtree(files)
    os.makedirs(files)
    docx, odt = office_documents()
    plain_xml()
    mails(docx, odt)
    escapes()
    code_pages()
    images()
    archives()
    presentation()
    with open(os.path.join(out, "deny.txt"), "w", encoding="utf-8") as f:
        f.write("# synthetic withheld names of the leak-gate fixtures (invented people)\n")
        f.write("".join(n + "\n" for n in NAMES))
    with open(os.path.join(out, "expect.tsv"), "w", encoding="utf-8") as f:
        f.write("# path\trule (!rule: must not be reported)\tpiece of the location\tmasked name\n")
        for row in sorted(expect):
            f.write("\t".join(row) + "\n")
    shutil.rmtree(work, ignore_errors=True)


main()
