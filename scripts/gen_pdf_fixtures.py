#!/usr/bin/env python3
"""Writes the leak gate's PDF fixtures (tests/fixtures/pdf/) with real PDF libraries, not with
encoders of this repository: ReportLab draws the pages, pikepdf (over qpdf) writes what ReportLab
cannot say (marked content with /ActualText, a font with /Differences).

Each file hides a synthetic withheld name the way real producers place text, so that only a
reading of the page by position, /ActualText, a decoded link or the glyph names finds it:

  glyph-per-tm.pdf       "Ivan Fictitious", one drawString (BT, Tm, Tj, ET) per glyph, right to left
  two-char-chunks.pdf    "Anahit Placeholder" in 2-character chunks, each with its own Tm, shuffled
  actual-text.pdf        "Ivan Fictitious" only as /ActualText of marked content over other glyphs
  link-uri.pdf           "Ivan Fictitious" only percent-encoded in a Link annotation's URI
  cp1251-afii.pdf        "Дмитрий Вымышленный" as cp1251 bytes, a /Differences of afii100xx names
  swatches.pdf           clean: colour swatches labelled on top (not text under a box)

Run: scripts/gen_pdf_fixtures.py [OUT_DIR]   (needs reportlab and pikepdf: pip install them in a
venv). The output is deterministic (ReportLab's invariant mode, pikepdf's static ids); the files
are committed, so the tests need neither library.
"""
import random
import sys
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "tests/fixtures/pdf")


def new_canvas(name):
    return canvas.Canvas(str(OUT / name), pagesize=A4, invariant=1, pageCompression=1)


def glyph_per_tm():
    c = new_canvas("glyph-per-tm.pdf")
    c.setFont("Helvetica", 12)
    text, x0, y = "Ivan Fictitious", 72, 700
    xs, x = [], x0
    for ch in text:
        xs.append(x)
        x += stringWidth(ch, "Helvetica", 12)
    for ch, x in reversed(list(zip(text, xs))):
        if ch != " ":
            c.drawString(x, y, ch)
    c.drawString(72, 650, "Witness statement, page 1.")
    c.showPage()
    c.save()


def two_char_chunks():
    c = new_canvas("two-char-chunks.pdf")
    size, x, y = 11, 100, 600
    chunks = []
    text = "Anahit Placeholder"
    for i in range(0, len(text), 2):
        piece = text[i : i + 2]
        chunks.append((x, piece))
        x += stringWidth(piece, "Times-Roman", size)
    random.Random(7).shuffle(chunks)
    t = c.beginText()
    t.setFont("Times-Roman", size)
    for x, piece in chunks:
        t.setTextOrigin(x, y)
        t.textOut(piece)
    c.drawText(t)
    c.showPage()
    c.save()


def actual_text():
    base = OUT / "actual-text.pdf"
    c = new_canvas(base.name)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "Name: XXXX XXXXXXXXXX")
    c.showPage()
    c.save()
    pdf = pikepdf.open(base, allow_overwriting_input=True)
    page = pdf.pages[0]
    out = []
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) == "Tj":
            # the shown glyphs read "Name: XXXX ...": the name exists only as /ActualText,
            # split over two spans so that no one string holds it
            out.append(([pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String("Name: Ivan"))], pikepdf.Operator("BDC")))
            out.append(([pikepdf.String("Name: XXXX")], pikepdf.Operator("Tj")))
            out.append(([], pikepdf.Operator("EMC")))
            out.append(([pikepdf.Name.Span, pikepdf.Name.P1], pikepdf.Operator("BDC")))
            out.append(([pikepdf.String(" XXXXXXXXXX")], pikepdf.Operator("Tj")))
            out.append(([], pikepdf.Operator("EMC")))
        else:
            out.append((operands, op))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    # the named property list's text in UTF-16BE with a byte order mark
    utf16 = pikepdf.String(b"\xfe\xff" + " Fictitious".encode("utf-16-be"))
    page.Resources.Properties = pikepdf.Dictionary(P1=pikepdf.Dictionary(ActualText=utf16))
    pdf.save(base, static_id=True, compress_streams=True)


def link_uri():
    c = new_canvas("link-uri.pdf")
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "See the register entry.")
    c.linkURL("https://register.example.test/search?q=%49van%20Fictitious&x=1", (72, 695, 220, 712), relative=0)
    c.showPage()
    c.save()


def cp1251_afii():
    # afii10017..afii10049 are А..Я with Ё at afii10023; afii10065..afii10097 are а..я with ё at
    # afii10071 (the Adobe Glyph List): cp1251 puts А..я at 0xC0..0xFF
    upper = [f"afii{n}" for n in range(10017, 10050) if n != 10023]
    lower = [f"afii{n}" for n in range(10065, 10098) if n != 10071]
    diffs = pikepdf.Array([192] + [pikepdf.Name("/" + g) for g in upper + lower])
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Helvetica"),
        FirstChar=32, LastChar=255, Widths=pikepdf.Array([278] + [556] * 223),
        Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, BaseEncoding=pikepdf.Name.WinAnsiEncoding, Differences=diffs)))
    text = "Дмитрий Вымышленный".encode("cp1251")
    content = pikepdf.unparse_content_stream([
        ([], pikepdf.Operator("BT")),
        ([pikepdf.Name.F1, 12], pikepdf.Operator("Tf")),
        ([72, 700], pikepdf.Operator("Td")),
        ([pikepdf.String(text)], pikepdf.Operator("Tj")),
        ([], pikepdf.Operator("ET")),
    ])
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(content)
    pdf.save(OUT / "cp1251-afii.pdf", static_id=True, compress_streams=True)


def swatches():
    base = OUT / "swatches.pdf"
    c = new_canvas(base.name)
    c.setFont("Helvetica", 9)
    colours = [(0.0, 0.0, 0.0), (0.2, 0.1, 0.3), (0.05, 0.15, 0.55), (0.9, 0.8, 0.5)]
    for i, rgb in enumerate(colours):
        x = 72 + 40 * i
        c.setFillColorRGB(*rgb)
        c.rect(x, 600, 30, 14, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(x + 10, 603, str(i + 10))
    # dark text on top of a dark box in another colour is seen
    c.setFillColorRGB(0.25, 0.25, 0.25)
    c.rect(70, 550, 200, 16, stroke=0, fill=1)
    c.setFillColorRGB(0.95, 0.95, 0.95)
    c.drawString(74, 554, "Light text on a dark bar")
    # a fully transparent box over text (fill alpha 0) hides nothing
    c.setFillColorRGB(0, 0, 0)
    c.drawString(74, 504, "Under a transparent box")
    c.saveState()
    c.setFillAlpha(0)
    c.rect(70, 500, 200, 16, stroke=0, fill=1)
    c.restoreState()
    c.drawString(74, 454, "Under a soft-masked box")
    c.showPage()
    c.save()
    # a black box painted over text under a soft mask (as beamer's shaded blocks do) hides
    # nothing: it is not opaque
    pdf = pikepdf.open(base, allow_overwriting_input=True)
    page = pdf.pages[0]
    group = pdf.make_stream(b"0 g 0 0 595 842 re f", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                            BBox=[0, 0, 595, 842], Group=pikepdf.Dictionary(S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceGray))
    gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, SMask=pikepdf.Dictionary(Type=pikepdf.Name.Mask, S=pikepdf.Name.Luminosity, G=group))
    resources = page.Resources
    if pikepdf.Name.ExtGState not in resources:
        resources.ExtGState = pikepdf.Dictionary()
    resources.ExtGState.SM0 = gs
    page.contents_add(pdf.make_stream(b"q /SM0 gs 0 g 70 450 200 16 re f Q"), prepend=False)
    pdf.save(base, static_id=True, compress_streams=True)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for make in (glyph_per_tm, two_char_chunks, actual_text, link_uri, cp1251_afii, swatches):
        make()


if __name__ == "__main__":
    main()
