"""PDF with a text layer: pypdfium2 first, pdfplumber per page when pdfium's output is unusable.

Why this order (measured on the 5 PDFs / 162 pages of ../shared/corpus/ext with
benchmarks/bench_ingest.py, one run, best of 3, a busy 8-core machine):
pypdfium2's ``get_text_range`` reads about 510 pages/s, pdfplumber's
``extract_text`` about 14 pages/s (pdfminer analyses the layout of every
character in Python), and this reader about 440 pages/s, 30x pdfplumber. On
those files both extractors give the same characters. pdfium also answers the
few layout questions we need cheaply: the boxes of a line's first and last
characters (line edges, for re-joining hard-wrapped lines and spotting
centred page numbers), the font size and weight of its first character (a
title/heading hint), and whether characters lack a Unicode mapping (garbage).
pdfplumber runs only for pages pdfium garbles or leaves empty, or for every
page when the caller asks for it (``prefer="pdfplumber"``).

Per page: lines with geometry -> page numbers and repeated running
headers/footers dropped -> lines re-joined into paragraphs across line and page
breaks (no space is inserted between Chinese characters) -> one Block per
paragraph with its page and font size.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import CorruptDocument, EncryptedDocument, GarbledText, NoTextLayer, TimeLimit
from pipeline.furniture import BARE_PAGE_NUMBER, PAGE_NUMBER
from pipeline.ingest.base import Extracted, join_blocks
from pipeline.ingest.lines import Geometry, Line, join_lines, page_geometry
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.types import Block

__all__ = ["drop_furniture", "is_garbled", "is_page_number", "read_pdf"]

_OCR_ADVICE = "it needs OCR: install the OCR extra (pip install 'govreport[ocr]') and run again"
# When the extra is installed and ran, installing it is no advice: OCR found no text there.
_OCR_RAN_ADVICE = "OCR (installed) found no readable text there; submit a clearer scan or the original DOCX/PDF"

# --- garbled text ------------------------------------------------------------------
_CID = re.compile(r"\(cid:\d+\)")
# Characters outside what a Chinese report is made of (CJK ideographs and punctuation, ASCII,
# full-width forms, general punctuation (— “ ” …), Latin-1 punctuation, circled numbers).
_NOT_GOOD = re.compile(
    r"[^\u0020-\u007e\u00a0-\u00bf\u00b7\u00d7\u00f7\u2000-\u206f\u2150-\u218f\u2190-\u21ff\u2460-\u24ff"
    r"\u2500-\u257f\u25a0-\u25ff\u2600-\u26ff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u32ff"
    r"\u3300-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2e80-\u2fdf\U00020000-\U0003134f]"
)
_BAD = re.compile(r"[\ue000-\uf8ff\ufffd\ufffe\uffff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_garbled(text: str) -> bool:
    """True when extracted text is mostly not characters (``(cid:NNN)``, U+FFFD, private use, junk).

    A few odd characters (a bullet glyph from a Symbol font) are tolerated; a
    page where they make up a noticeable share is not text a reader saw.
    """
    chars = "".join(text.split())
    if not chars:
        return False
    cid = len(_CID.findall(chars))
    if cid >= 3 and cid * 6 > 0.05 * len(chars):
        return True
    bad = len(_BAD.findall(chars))
    if bad >= 3 and bad > 0.02 * len(chars):
        return True
    if len(chars) >= 20:
        # Count the exceptions, not the rule: on a normal page this finds nothing, quickly.
        return len(_NOT_GOOD.findall(chars)) > 0.15 * len(chars)
    return False


# --- page furniture ----------------------------------------------------------------


def is_page_number(line: Line, page_width: float | None) -> bool:
    """A page number line: "- 3 -", "— 3 —", "第3页", "3/10", or a bare number centred / at a margin."""
    compact = "".join(line.text.split())
    if PAGE_NUMBER.match(compact):
        return True
    if BARE_PAGE_NUMBER.match(compact):
        if page_width is None or line.x0 is None or line.x1 is None:
            return True
        mid = (line.x0 + line.x1) / 2
        return abs(mid - page_width / 2) < 0.12 * page_width or line.x0 > 0.6 * page_width or line.x1 < 0.4 * page_width
    return False


def _furniture_key(text: str) -> str:
    # Running headers often carry the page number or a date: compare without digits.
    return re.sub(r"\d+", "#", "".join(text.split()))


def _edges(lines: list[Line], edge: int) -> tuple[list[int], list[int]]:
    """Indices of the top-most and bottom-most ``edge`` lines of a page.

    By position when known (a content stream may draw the header last), else by order.
    """
    order = list(range(len(lines)))
    if all(ln.top is not None for ln in lines):
        order.sort(key=lambda i: lines[i].top)  # type: ignore[arg-type, return-value]
    return order[:edge], order[-edge:] if len(order) > edge else order[edge:]


def drop_furniture(pages: list[list[Line]], widths: Sequence[float | None], edge: int = 2) -> tuple[list[list[Line]], int]:
    """Drop page numbers and running headers/footers; return the pages and how many lines went.

    Only the top-most and bottom-most ``edge`` lines of a page are candidates:
    that is where furniture sits, and a body line that happens to repeat
    elsewhere is not touched. A header/footer must repeat on at least half of
    the pages (on both pages of a two-page document).
    """
    removed = 0
    out: list[list[Line]] = []
    for lines, width in zip(pages, widths):
        keep = list(lines)
        for _ in range(edge):  # "- 3 -" may sit below a footer line, or above it
            top, bottom = _edges(keep, 1)
            doomed = {i for i in top + bottom if is_page_number(keep[i], width)}
            if not doomed:
                break
            keep = [ln for i, ln in enumerate(keep) if i not in doomed]
            removed += len(doomed)
        out.append(keep)
    n_pages = sum(1 for p in out if p)
    if n_pages >= 2:
        counts: Counter[str] = Counter()
        for lines in out:
            if len(lines) <= edge:
                continue  # a page of one or two lines has no room for furniture *and* body
            top, bottom = _edges(lines, edge)
            counts.update({_furniture_key(lines[i].text) for i in top + bottom})
        threshold = 2 if n_pages == 2 else max(3, (n_pages + 1) // 2)
        repeated = {k for k, c in counts.items() if c >= threshold and k}
        if repeated:
            for p, lines in enumerate(out):
                if len(lines) <= edge:
                    continue
                top, bottom = _edges(lines, edge)
                doomed = {i for i in top + bottom if _furniture_key(lines[i].text) in repeated}
                if doomed:
                    out[p] = [ln for i, ln in enumerate(lines) if i not in doomed]
                    removed += len(doomed)
    return out, removed


# --- extraction ------------------------------------------------------------------------
@dataclass
class _Page:
    index: int  # 0-based
    width: float
    lines: list[Line] = field(default_factory=list)
    source: str = "pdfium"
    status: str = "ok"  # ok | empty (no text, has images: a scan?) | blank (nothing at all) | garbled

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


def _has_visual_content(page: Any) -> bool:
    """Images, form XObjects (which may hold images) or many paths (text converted to outlines):
    a page without a text layer that OCR could read. Nothing of that: an intentionally blank page."""
    import pypdfium2.raw as pdfium_c

    paths = 0
    for k in range(pdfium_c.FPDFPage_CountObjects(page)):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, k))
        if kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            return True
        paths += kind == pdfium_c.FPDF_PAGEOBJ_PATH
        if paths >= 50:
            return True
    return False


def _pdfium_page(pdf: Any, index: int) -> _Page:
    import pypdfium2.raw as pdfium_c

    page = pdf[index]
    try:
        width, height = page.get_size()
        rotated = page.get_rotation() != 0
        textpage = page.get_textpage()
        try:
            n_chars = textpage.count_chars()
            text = textpage.get_text_range() if n_chars > 0 else ""
            aligned = len(text) == n_chars
            map_error = getattr(pdfium_c, "FPDFText_HasUnicodeMapError", None)
            sampled = unmapped = 0
            lines: list[Line] = []
            pos = 0
            for m in [*_LINE_SPLIT.finditer(text), None]:
                end = m.start() if m is not None else len(text)
                raw = text[pos:end]
                stripped = raw.strip()
                if stripped:
                    a = pos + (len(raw) - len(raw.lstrip()))
                    b = a + len(stripped) - 1
                    if not aligned:  # rare: pdfium's text view skipped or added characters
                        a = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, a)
                        b = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, b)
                    if a >= 0 and b >= 0:
                        # Loose boxes span the glyph's advance: a tight box of "，" or "；" ends
                        # mid-cell and would make a full line look short.
                        left, _, _, top = textpage.get_charbox(a, loose=True)
                        _, _, right, _ = textpage.get_charbox(b, loose=True)
                        size = pdfium_c.FPDFText_GetFontSize(textpage, a)
                        weight = pdfium_c.FPDFText_GetFontWeight(textpage, a)
                        if map_error is not None:
                            # A font without a Unicode map extracts as plausible ASCII junk, which no
                            # character test can see; pdfium knows. Sample three characters a line.
                            for k in {a, (a + b) // 2, b}:
                                sampled += 1
                                unmapped += map_error(textpage, k) == 1
                        lines.append(Line(
                            text=stripped, x0=left, x1=right, top=height - top,
                            size=round(size, 1) if size > 1.0 else None,
                            bold=weight >= 600 if weight > 0 else None, page=index + 1,
                        ))
                    else:
                        lines.append(Line(text=stripped, page=index + 1))
                pos = m.end() if m is not None else len(text)
        finally:
            textpage.close()
        has_image = bool(lines) or _has_visual_content(page)
    finally:
        page.close()
    if rotated and all(ln.top is not None for ln in lines):
        # pdfium orders the lines of a /Rotate'd page in display order, which scrambles
        # them; the boxes are in the unrotated page space, where text runs as written.
        lines.sort(key=lambda ln: (round(ln.top or 0.0), ln.x0 or 0.0))
    result = _Page(index=index, width=width, lines=lines)
    garbled = is_garbled(result.text) or (sampled > 0 and unmapped > 0.1 * sampled)
    result.status = "garbled" if garbled else ("ok" if lines else "empty")
    if result.status == "empty" and not has_image:
        result.status = "blank"  # an intentionally empty page: nothing to extract, nothing to OCR
    return result


def _plumber_page(plumber_pdf: Any, index: int) -> _Page:
    page = plumber_pdf.pages[index]
    try:
        rows = page.extract_text_lines(return_chars=True)
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds on odd content streams: the page is unreadable
        rows = []
    lines: list[Line] = []
    for row in rows:
        text = row["text"].strip()
        if not text:
            continue
        chars = row.get("chars") or []
        first = chars[0] if chars else {}
        fontname = str(first.get("fontname", ""))
        lines.append(Line(
            text=text, x0=float(row["x0"]), x1=float(row["x1"]), top=float(row["top"]),
            size=round(float(first["size"]), 1) if first.get("size") else None,
            bold=("bold" in fontname.lower() or "heavy" in fontname.lower()) if fontname else None,
            page=index + 1,
        ))
    result = _Page(index=index, width=float(page.width), lines=lines, source="pdfplumber")
    result.status = "garbled" if is_garbled(result.text) else ("ok" if lines else "empty")
    page.close()
    return result


def _guarded(extract: Callable[[Any, int], _Page], source: Any, index: int) -> _Page:
    """One page from one extractor; a page it cannot parse counts as a page without text."""
    try:
        return extract(source, index)
    except TimeLimit:
        raise  # the file's time is up: not a broken page
    except Exception:  # noqa: BLE001 - pdfium and pdfminer raise their own (and generic) errors on broken pages
        return _Page(index=index, width=0.0, status="empty", source="error")


def _open_pdfium(data: bytes, path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4 or "password" in str(exc).lower():
            raise EncryptedDocument("is a password-protected PDF; remove the password (or print it to a new PDF) and submit it again", path) from exc
        raise CorruptDocument(f"is not a readable PDF ({exc}); open it in a PDF reader, save a new copy and submit that", path) from exc
    if len(pdf) == 0:
        pdf.close()
        raise CorruptDocument("is a PDF without pages (damaged or truncated)", path)
    return pdf


def _open_plumber(data: bytes, path: Path) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's errors have no common base class
        if "password" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise EncryptedDocument("is a password-protected PDF; remove the password and submit it again", path) from exc
        raise CorruptDocument(f"is not a readable PDF ({type(exc).__name__}: {exc})", path) from exc


def _ocr_installed() -> bool:
    try:
        from pipeline.ingest import ocr
    except ImportError:
        return False
    return bool(ocr.ocr_available())


def _ocr(data: bytes, indices: list[int], path: Path,
         progress: Callable[[int, int], None] | None = None) -> dict[int, Any] | None:
    """Text of scanned pages from the optional OCR module, or None when OCR is not installed."""
    if not _ocr_installed():
        return None
    from pipeline.ingest import ocr
    if progress is None:
        return ocr.ocr_pdf_pages(data, indices, path)  # type: ignore[no-any-return]
    return ocr.ocr_pdf_pages(data, indices, path, progress=progress)  # type: ignore[no-any-return]


def _ocr_lines(page: Any, index: int) -> list[Line]:
    """Lines of an OCR page. The OCR module already joins paragraphs and drops page numbers:
    its paragraphs are kept as they are (only the first may continue the previous page)."""
    paragraphs = getattr(page, "paragraphs", None) or []
    if not paragraphs:
        return [Line(text=t.strip(), page=index + 1, wrap=False) for t in page.text.splitlines() if t.strip()]
    return [
        Line(text=p.text.strip(), page=index + 1, size=getattr(p, "font_size", None), kind=getattr(p, "kind", "paragraph"),
             wrap=bool(getattr(p, "continues", False)) if k == 0 else False)
        for k, p in enumerate(paragraphs) if p.text.strip()
    ]


def _page_list(indices: list[int]) -> str:
    return ", ".join(str(i + 1) for i in indices)


def _extract_pages(data: bytes, path: Path, prefer: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list[_Page], int]:
    """Every page's lines from the preferred extractor, the other one retried on garbled or empty pages.

    More pages than ``limits.max_pages`` fail before any page is read.
    """
    pdf = _open_pdfium(data, path)
    plumber: Any = None
    try:
        n_pages = len(pdf)
        limits.check_pages(n_pages, path)
        if prefer == "pdfplumber":
            plumber = _open_plumber(data, path)
            pages = [_guarded(_plumber_page, plumber, i) for i in range(n_pages)]
            fallback: Callable[[Any, int], _Page] = _pdfium_page
            fallback_src: Any = pdf
        else:
            pages = [_guarded(_pdfium_page, pdf, i) for i in range(n_pages)]
            fallback, fallback_src = _plumber_page, None
        # Garbled or empty pages: ask the other extractor (empty pages too: pdfium
        # and pdfminer disagree on a few odd fonts and content streams).
        retry = [p.index for p in pages if p.status in ("empty", "garbled")]
        if retry and fallback_src is None:
            try:
                plumber = _open_plumber(data, path)
            except (CorruptDocument, EncryptedDocument):
                retry = []  # pdfminer cannot parse what pdfium could: keep pdfium's pages
            fallback_src = plumber
        if retry:
            for i in retry:
                other = _guarded(fallback, fallback_src, i)
                if other.status in ("ok", "blank") or other.status == "garbled" and pages[i].status == "empty":
                    pages[i] = other
    finally:
        if plumber is not None:
            plumber.close()
        pdf.close()
    return pages, n_pages



def _ocr_missing(
    data: bytes, path: Path, pages: list[_Page], missing: list[int], extractors: set[str],
    progress: Callable[[int, int], None] | None, limits: Limits = DEFAULT_LIMITS,
) -> tuple[float | None, dict[int, Any] | None, list[int]]:
    """OCR the pages without usable text (when the extra is installed): their mean confidence,
    the OCR pages, and the pages still missing."""
    ocr_conf: float | None = None
    ocr_pages: dict[int, Any] | None = None
    if missing:
        if _ocr_installed():  # more pages than the limit fail before the first is rendered (seconds a page)
            limits.check_ocr_pages(len(missing), path)
        ocr_pages = _ocr(data, missing, path, progress)
        if ocr_pages:
            confidences = []
            for i, op in ocr_pages.items():
                if 0 <= i < len(pages) and op.text.strip():
                    pages[i] = _Page(index=i, width=pages[i].width, source="ocr", lines=_ocr_lines(op, i))
                    confidences.append(float(op.confidence))
            if confidences:
                ocr_conf = sum(confidences) / len(confidences)
                extractors.add("ocr")
            missing = [i for i in missing if pages[i].source != "ocr"]
    return ocr_conf, ocr_pages, missing


def _paragraphs(pages: list[_Page]) -> list[tuple[str, Block]]:
    """Page furniture dropped, lines re-joined into paragraphs across line and page breaks."""
    page_lines, _ = drop_furniture([p.lines for p in pages], [p.width for p in pages])
    geometries: dict[int, Geometry | None] = {}
    by_width: dict[int, list[Line]] = {}
    for p, lines in zip(pages, page_lines):
        by_width.setdefault(round(p.width), []).extend(lines)
    page_width = {p.index + 1: round(p.width) for p in pages}
    for w, lines in by_width.items():
        geometries[w] = page_geometry(lines, float(w))

    flat = [ln for lines in page_lines for ln in lines]
    paragraphs = join_lines(flat, lambda ln: geometries.get(page_width.get(ln.page, 0)))
    parts = [
        (text, Block(start=0, end=0, kind=first.kind, page=first.page, font_size=first.size, bold=first.bold))
        for text, first in paragraphs
    ]
    return parts


def _ocr_confidence(
    text: str, pages: list[_Page], n_pages: int, ocr_conf: float | None, ocr_pages: dict[int, Any] | None,
    warnings: list[str],
) -> tuple[list[float | None], list[tuple[int, int]]]:
    """Per-page OCR confidence and the spans of low-confidence lines (a warning names them)."""
    page_conf: list[float | None] = []
    low_spans: list[tuple[int, int]] = []
    if ocr_conf is not None and ocr_pages:
        from pipeline.ingest import ocr  # the OCR hook (any module with this contract; tests pass a fake)

        used = {i: op for i, op in ocr_pages.items() if 0 <= i < len(pages) and pages[i].source == "ocr"}
        page_conf = [round(float(used[i].confidence), 4) if i in used else None for i in range(n_pages)]
        spans_of = getattr(ocr, "low_confidence_spans", None)
        low_spans = spans_of(text, [used[i] for i in sorted(used)]) if spans_of else []
        if low_spans:
            warnings.append(f"OCR: {len(low_spans)} line(s) read with low confidence "
                            f"(below {getattr(ocr, 'LOW_CONFIDENCE', 0.8):.2f}); metrics from them are marked low_confidence")
    return page_conf, low_spans


def read_pdf(data: bytes, path: Path, *, prefer: str = "pdfium",
             progress: Callable[[int, int], None] | None = None, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Read a PDF's text layer (``prefer="pdfplumber"`` runs pdfplumber on every page, for its layout).

    ``progress(done, total)`` is called for each page that goes to OCR; ``limits``
    bound the pages read and the pages sent to OCR.
    """
    pages, n_pages = _extract_pages(data, path, prefer, limits)
    warnings: list[str] = []
    extractors = {p.source for p in pages if p.status == "ok"}
    missing = [p.index for p in pages if p.status in ("empty", "garbled")]
    ocr_conf, ocr_pages, missing = _ocr_missing(data, path, pages, missing, extractors, progress, limits)
    garbled = [i for i in missing if pages[i].status == "garbled"]
    empty = [i for i in missing if pages[i].status == "empty"]
    advice = _OCR_RAN_ADVICE if ocr_pages is not None else _OCR_ADVICE
    if not any(p.lines for i, p in enumerate(pages) if i not in missing):
        if garbled:
            raise GarbledText(
                f"has a text layer that extracts only as garbage (fonts without a Unicode map) on every page; {advice}", path)
        raise NoTextLayer(f"has no text layer (a scanned or image-only PDF, {n_pages} page(s)); {advice}", path)
    if empty:
        warnings.append(f"pages without a text layer were skipped (page {_page_list(empty)}); {advice}")
    if garbled:
        warnings.append(f"pages whose text extracts as garbage were skipped (page {_page_list(garbled)}); {advice}")
    for i in missing:
        pages[i].lines = []

    parts = _paragraphs(pages)
    text, blocks = join_blocks(parts)
    order = ["pdfium", "pdfplumber", "ocr"] if prefer != "pdfplumber" else ["pdfplumber", "pdfium", "ocr"]
    extractors.add(order[0])  # the primary is named even when OCR did all the work ("pdfium+ocr")
    extractor = "+".join(e for e in order if e in extractors)
    page_conf, low_spans = _ocr_confidence(text, pages, n_pages, ocr_conf, ocr_pages, warnings)
    return Extracted(
        text=text, format="pdf", blocks=blocks, extractor=extractor, pages=n_pages,
        warnings=warnings, ocr_confidence=ocr_conf, page_confidence=page_conf, low_confidence_spans=low_spans,
    )
