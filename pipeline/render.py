"""Render plain text as DOCX or PDF, the way a township office would produce them.

Used by ``govreport evaluate --render docx|pdf`` (the same gold texts fed
through the DOCX and PDF readers) and by tests. Rendering needs the
``eval`` extra (python-docx, reportlab); it hard-wraps lines at the page width and prints page
numbers "- N -" at the foot, as real submissions do.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ConfigError

# CJK TrueType fonts commonly found on Debian/Ubuntu; the first that exists is embedded.
_TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def text_to_docx(text: str, path: Path) -> Path:
    """One Word paragraph per non-blank line."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("DOCX rendering needs python-docx: pip install 'govreport[eval]'") from exc

    document = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(str(path))
    return path


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    if "GovReportCJK" in pdfmetrics.getRegisteredFontNames():
        return "GovReportCJK"
    for candidate in _TTF_CANDIDATES:
        if Path(candidate).exists():
            from reportlab.pdfbase.ttfonts import TTFError, TTFont

            try:
                pdfmetrics.registerFont(TTFont("GovReportCJK", candidate, subfontIndex=0))
            except (TTFError, OSError, ValueError):
                # reportlab embeds TrueType outlines only: a CFF-flavoured collection such as
                # Noto Sans CJK is rejected, so try the next font, then the built-in CID font.
                continue
            return "GovReportCJK"
    # reportlab's built-in Adobe-GB1 CID font: no file needed, not embedded.
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def text_to_pdf(text: str, path: Path, *, font_size: float = 14.0) -> Path:
    """A4 pages, hard-wrapped lines, a page number at the foot of each page."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen import canvas
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("PDF rendering needs reportlab: pip install 'govreport[eval]'") from exc
    font = _register_font()
    width, height = A4
    margin = 72.0
    usable = width - 2 * margin
    leading = font_size * 1.6
    c = canvas.Canvas(str(path), pagesize=A4)
    page = 1
    y = height - margin

    def new_page() -> None:
        nonlocal page, y
        c.setFont(font, 10)
        c.drawCentredString(width / 2, margin / 2, f"- {page} -")
        c.showPage()
        page += 1
        y = height - margin

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        # Indent body paragraphs by two characters, as Chinese official documents do.
        indent = 2 * font_size if not line[:1].isdigit() and line[:1] not in "一二三四五六七八九十（(" else 0.0
        while line:
            avail = usable - indent
            n = 1
            while n < len(line) and stringWidth(line[: n + 1], font, font_size) <= avail:
                n += 1
            if y < margin:
                new_page()
            c.setFont(font, font_size)
            c.drawString(margin + indent, y, line[:n])
            y -= leading
            line = line[n:]
            indent = 0.0
    new_page()
    c.save()
    return path
