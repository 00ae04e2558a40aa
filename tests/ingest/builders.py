"""Builders of small PDF and DOCX fixtures, written in the tests (nothing downloaded, nothing binary committed).

PDFs are typeset with reportlab's built-in CID font ``STSong-Light`` (the
Adobe-GB1 UniGB-UCS2-H CMap gives both pdfium and pdfminer a Unicode text
layer, checked by ``test_pdf.py``), so CI regenerates every fixture from this
file. Lines are broken here, like a word processor would: by measured width,
paragraph first lines indented two characters, closing punctuation allowed to
hang past the margin, ASCII words/numbers never split.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 90.0, 505.0
TOP, BOTTOM = 770.0, 90.0
SIZE = 14.0
LEADING = 26.0
_NO_LINE_START = set("，。、；：？！）》」』”’%％")


@dataclass
class Para:
    """One paragraph of a fixture: text, and how it is set."""

    text: str
    size: float = SIZE
    centred: bool = False
    indent: bool = True


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _tokens(text: str) -> list[str]:
    # ASCII runs ("2024", "5.4%", "CCUS") stay whole, as in a word processor.
    return re.findall(r"[A-Za-z0-9.%]+|.", text)


def wrap(text: str, width: float, size: float, first_indent: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (punctuation may hang)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    cur, cur_w, avail = "", 0.0, width - first_indent
    for tok in _tokens(text):
        w = stringWidth(tok, FONT, size)
        if cur and cur_w + w > avail and tok not in _NO_LINE_START:
            lines.append(cur)
            cur, cur_w, avail = "", 0.0, width
        cur += tok
        cur_w += w
    if cur:
        lines.append(cur)
    return lines


def make_pdf(
    paragraphs: Sequence[Para],
    *,
    header: str | None = None,
    footer: str | None = "- {n} -",
    encrypt: str | None = None,
    blank_pages: Sequence[int] = (),
    footer_align: str = "centre",
) -> bytes:
    """A report PDF: paragraphs flowed over pages, with a running header and a page-number footer."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    _register()
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(encrypt, ownerPassword="owner") if encrypt else None
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), encrypt=enc, invariant=1)
    page = 1
    y = TOP

    def furniture() -> None:
        if header:
            c.setFont(FONT, 10.5)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 50, header)
        if footer:
            c.setFont(FONT, 12)
            if footer_align == "outer":  # GB/T 9704: odd pages at the right, even pages at the left
                if page % 2:
                    c.drawRightString(RIGHT, 45, footer.format(n=page))
                else:
                    c.drawString(LEFT, 45, footer.format(n=page))
            else:
                c.drawCentredString(PAGE_W / 2, 45, footer.format(n=page))

    def new_page() -> None:
        nonlocal page, y
        c.showPage()
        page += 1
        while page in blank_pages:  # an intentionally empty page: no text, no furniture
            c.showPage()
            page += 1
        y = TOP

    for para in paragraphs:
        indent = 2 * para.size if para.indent and not para.centred else 0.0
        lines = wrap(para.text, RIGHT - LEFT, para.size, indent)
        for k, line in enumerate(lines):
            if y < BOTTOM:
                furniture()
                new_page()
            c.setFont(FONT, para.size)
            if para.centred:
                c.drawCentredString(PAGE_W / 2, y, line)
            else:
                c.drawString(LEFT + (indent if k == 0 else 0.0), y, line)
            y -= LEADING if para.size <= SIZE else LEADING * para.size / SIZE
    furniture()
    c.showPage()
    c.save()
    return buf.getvalue()


def make_blank_pdf(pages: int = 1, *, with_image: bool = True) -> bytes:
    """A PDF with no text layer: a drawn "scan" (an image) on every page, as a scanner makes."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for _ in range(pages):
        if with_image:
            from PIL import Image

            img = Image.new("L", (60, 80), 255)
            for x in range(10, 50):
                img.putpixel((x, 20), 0)
            c.drawImage(ImageReader(img), 100, 300, 400, 500)
        else:
            c.rect(100, 100, 200, 200, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def make_unmapped_pdf(pages: int = 2) -> bytes:
    """A PDF whose only font has no Unicode map (Identity-H, no ToUnicode): text that extracts as garbage."""
    objs: list[str] = []

    def add(obj: str) -> int:
        objs.append(obj)
        return len(objs)

    catalog = add("")
    pages_id = add("")
    desc = add(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMapSong /CIDSystemInfo << /Registry (Adobe) "
        "/Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 >>"
    )
    font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /NoMapSong /Encoding /Identity-H /DescendantFonts [{desc} 0 R] >>")
    add("<< /Type /FontDescriptor /FontName /NoMapSong /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
        "/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>")
    glyphs = "".join(f"{0x4E00 + k * 37 % 900:04X}" for k in range(24))
    content = f"BT /F1 14 Tf 90 700 Td <{glyphs}> Tj 0 -26 Td <{glyphs[::-1]}> Tj ET"
    kids = []
    for _ in range(pages):
        stream = add(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Contents {stream} 0 R "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> >>"))
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>"
    objs[pages_id - 1] = "<< /Type /Pages /Kids [{}] /Count {} >>".format(" ".join(f"{k} 0 R" for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- DOCX ---------------------------------------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NUMBERING_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>
"""


def make_docx(build: object) -> bytes:
    """A DOCX written with python-docx; ``build(document)`` adds the content."""
    import docx

    document = docx.Document()
    build(document)  # type: ignore[operator]
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def numbered(paragraph: object, num_id: int, ilvl: int) -> None:
    """Attach automatic numbering (numbering.xml list ``num_id``, level ``ilvl``) to a python-docx paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    numpr = OxmlElement("w:numPr")
    for tag, val in (("w:ilvl", ilvl), ("w:numId", num_id)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(val))
        numpr.append(el)
    ppr.append(numpr)


def with_numbering(docx_bytes: bytes, numbering_xml: str = NUMBERING_XML) -> bytes:
    """Replace (or add) word/numbering.xml in a DOCX package."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            data = src.read(name)
            if name == "word/numbering.xml":
                data = numbering_xml.encode()
            elif name == "[Content_Types].xml" and b"numbering.xml" not in data:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.numbering+xml"/></Types>',
                )
            dst.writestr(name, data)
        if "word/numbering.xml" not in names:
            dst.writestr("word/numbering.xml", numbering_xml)
    return out.getvalue()


def replace_part(docx_bytes: bytes, name: str, data: bytes | None) -> bytes:
    """A copy of a DOCX with one part replaced (``None`` removes it)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.namelist():
            if item == name:
                if data is not None:
                    dst.writestr(item, data)
            else:
                dst.writestr(item, src.read(item))
    return out.getvalue()
