"""Hostile files, built at test time (small) or benchmark time (big), in the shapes issue 15 found.

Every builder writes one file and returns its path. Sizes are parameters: the
tests use small versions of the same shape against low limits, the benchmark
(benchmarks/bench_hostile.py) the big ones against the default limits. The
text is our own (a fictional township), repeated.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

PARAGRAPH = "青石镇坚持依法行政，全年组织法治培训五场，办理行政复议案件三件，推进政务公开工作。"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_paragraph_flood(path: Path, xml_mb: float, text: str = PARAGRAPH) -> Path:
    """A small DOCX whose document.xml unpacks to ``xml_mb`` MB of ordinary paragraphs (streamed, deflated)."""
    para = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    n = max(1, int(xml_mb * (1 << 20)) // len(para))
    block = para * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(n // 1000):
                fh.write(block)
            fh.write(para * (n % 1000))
            fh.write(tail)
    return path


def html_flood(path: Path, mb: float, text: str = PARAGRAPH) -> Path:
    """A saved web page of ``mb`` MB of nested elements holding ``text`` each ("" for empty elements)."""
    line = f"<div><span>{text}</span></div>\n".encode()
    n = max(1, int(mb * (1 << 20)) // len(line))
    with path.open("wb") as fh:
        fh.write(b"<html><head><meta charset='utf-8'><title>\xe6\x8a\xa5\xe5\x91\x8a</title></head><body>")
        for _ in range(n // 1000):
            fh.write(line * 1000)
        fh.write(line * (n % 1000))
        fh.write(b"</body></html>")
    return path


def txt_flood(path: Path, mb: float, text: str = PARAGRAPH) -> Path:
    """A UTF-8 text file of ``mb`` MB: one ordinary paragraph a line, repeated."""
    line = (text + "\n").encode("utf-8")
    n = max(1, int(mb * (1 << 20)) // len(line))
    with path.open("wb") as fh:
        for _ in range(n // 1000):
            fh.write(line * 1000)
        fh.write(line * (n % 1000))
    return path


def txt_random_gb_bytes(path: Path, kb: int = 256, seed: int = 15) -> Path:
    """Random bytes 0x81-0xFE: every pair is a valid GB18030 character, none of it is text."""
    rng = random.Random(seed)
    path.write_bytes(bytes(rng.randrange(0x81, 0xFF) for _ in range(kb * 1024)))
    return path


def txt_utf16_without_bom(path: Path, text: str, big_endian: bool = False) -> Path:
    path.write_bytes(text.encode("utf-16-be" if big_endian else "utf-16-le"))
    return path


def pdf_image_pages(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` image-only pages (one small picture, drawn on every page: a few KB in all)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    Image.new("L", (40, 40), 200).save(buf, "PNG")
    img = ImageReader(io.BytesIO(buf.getvalue()))
    c = canvas.Canvas(str(path), pageCompression=1)
    for _ in range(pages):
        c.drawImage(img, 100, 500, 200, 200)
        c.showPage()
    c.save()
    return path


def good_report(path: Path, township: str = "青石镇", year: int = 2024) -> Path:
    """A short, ordinary report (a TXT) that every limit lets through."""
    path.write_text(
        f"{township}{year}年法治政府建设情况报告\n"
        f"{year}年，{township}深入学习贯彻习近平法治思想，全面推进法治政府建设。\n"
        "一、主要举措和成效\n"
        f"全年召开党委理论学习中心组学法会议4次，组织干部法治培训{3 + year % 5}场。\n"
        "办理行政复议案件2件，行政诉讼案件1件，行政机关负责人出庭应诉率100%。\n"
        "二、存在的不足和原因\n法治宣传的针对性还不够强，基层执法人员力量不足。\n"
        f"三、{year + 1}年工作打算\n继续加强执法队伍建设，完善合法性审查机制。\n",
        encoding="utf-8",
    )
    return path


def limits_file(path: Path, **limits: float) -> Path:
    """A --limits TOML file."""
    path.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()), encoding="utf-8")
    return path


def fifo(path: Path) -> Path | None:
    """A named pipe (opening it would wait for a writer forever); None where there are none."""
    if not hasattr(os, "mkfifo"):
        return None
    os.mkfifo(path)
    return path
