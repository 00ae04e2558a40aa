"""Offline OCR for scanned reports: page images -> lines -> paragraphs.

The engine is RapidOCR (PP-OCRv4 Chinese models shipped inside the
``rapidocr-onnxruntime`` wheel, run by onnxruntime), an optional extra:
``pip install 'govreport[ocr]'``. Nothing is downloaded at run time. Without
the extra, :func:`require_ocr` raises :class:`NoTextLayer` with the install
advice; this module itself imports neither rapidocr nor onnxruntime at import
time, so ingestion can ask :func:`ocr_available` cheaply.

What the engine returns is a bag of text boxes. This module turns them into
what the structure and metrics stages expect from any other reader:

1. *seals*: red-ink boxes (a stamp's legend, its star) and seal legends are
   dropped; a text box partly covered by a red stamp is re-read with the red ink
   removed, so "2025年1月15日" under a seal does not come out as "一2025年…";
2. *lines*: boxes are grouped by vertical overlap after undoing the page's
   skew, then ordered left to right;
3. *paragraphs*: wrapped lines are joined without spaces between Chinese
   characters; a new paragraph starts on a first-line indent (two characters
   in Chinese documents), on a heading marker (一、 （一） 1. （1） 第一章), after
   a short line ending a sentence, after a vertical gap or a change of font
   size; a line starting with closing punctuation always continues. Consecutive
   centred lines of one size (a title broken over two lines) become one
   paragraph. Page numbers ("— 3 —") are dropped. ASCII punctuation touching
   Chinese characters is made full-width (the recogniser cannot tell "，" from
   ","), and font sizes other than the body's are reported only when clearly
   different, since the structure stage reads a larger size as a heading hint.

Orientation is decided per page (a sheet fed sideways or upside down is read
again turned); the engine's per-line 180-degree classifier is off because it
flips good lines on upright pages.

Confidence: every line carries the engine's score (character-weighted over
its boxes); a page's and a document's confidence are the character-weighted
means of their lines. Lines under :data:`LOW_CONFIDENCE` are reported as
low-confidence spans of the extracted text, so metrics read from them can be
marked (:func:`mark_low_confidence`).

The engine is built once per process by :func:`get_engine` (an ``lru_cache``
keyed by the thread count: the model sessions are read-only after loading, and
loading costs about half a second). The thread count defaults to
``$GOVREPORT_OCR_THREADS``; a batch worker's initializer sets it to cores /
workers so that N workers do not each spawn a thread per core.
"""

from __future__ import annotations

import importlib.util
import io
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import CorruptDocument, EncryptedDocument, NoTextLayer
from pipeline.ingest.base import Extracted, join_blocks
from pipeline.ingest.ocr_layout import (
    DEFAULT_DPI,
    LOW_CONFIDENCE,
    OcrLine,
    OcrPage,
    OcrParagraph,
    RawBox,
    joint,
    layout_page,
    to_rgb_array,
    weighted_confidence,
)
from pipeline.types import Block, Metric

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

__all__ = [
    "DEFAULT_DPI",
    "LOW_CONFIDENCE",
    "NEEDS_OCR_ADVICE",
    "OcrEngine",
    "OcrExtracted",
    "OcrLine",
    "OcrPage",
    "OcrParagraph",
    "Progress",
    "extracted_from_pages",
    "get_engine",
    "low_confidence_spans",
    "mark_low_confidence",
    "ocr_available",
    "ocr_image",
    "ocr_images",
    "ocr_pdf_pages",
    "require_ocr",
]

# Renders never exceed this many pixels on the long side (a poster-sized PDF
# page at 200 dpi would otherwise need gigabytes); the engine itself works at
# up to 2000 px.
MAX_RENDER_SIDE = 3600

NEEDS_OCR_ADVICE = "install govreport[ocr] (pip install 'govreport[ocr]')"

# (pages done, pages total): called after every page.
Progress = Callable[[int, int], None]

# OCR output is plain Extracted: the confidence fields live there (and on Report).
OcrExtracted = Extracted


# -- the engine --------------------------------------------------------------


def ocr_available() -> bool:
    """True when the optional OCR extra (rapidocr_onnxruntime + onnxruntime) is importable."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("rapidocr_onnxruntime", "onnxruntime"))
    except (ImportError, ValueError):  # a broken or blocked installation counts as missing
        return False


def require_ocr(path: str | Path | None, what: str = "has no text layer") -> None:
    """Raise the clear "needs OCR" error when the extra is missing."""
    if not ocr_available():
        raise NoTextLayer(f"{what} and needs OCR; {NEEDS_OCR_ADVICE}", path)


class OcrEngine:
    """A loaded RapidOCR instance: detection, orientation and recognition sessions."""

    def __init__(self, threads: int = 0) -> None:
        from rapidocr_onnxruntime import (
            RapidOCR,  # the optional extra, imported only here
        )

        kwargs: dict[str, Any] = {"print_verbose": False}
        if threads > 0:
            kwargs.update(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.threads = threads
        self._ocr = RapidOCR(**kwargs)

    def detect_and_read(self, bgr: np.ndarray) -> list[RawBox]:
        """All text boxes of an image (BGR, uint8).

        The per-line 0/180 degree classifier is off: on upright pages it turns
        some good lines upside down (the line then reads as nothing), and a
        page's orientation is decided once per page instead (:func:`ocr_image`).
        """
        result, _ = self._ocr(bgr, use_cls=False)
        boxes: list[RawBox] = []
        for points, text, score in result or []:
            boxes.append(RawBox([(float(x), float(y)) for x, y in points], str(text), float(score)))
        return boxes

    def read(self, bgr: np.ndarray) -> tuple[str, float]:
        """Recognise one already-cropped text line."""
        result, _ = self._ocr(bgr, use_det=False, use_cls=False, use_rec=True)
        if not result:
            return "", 0.0
        text, score = result[0][0], result[0][1]
        return str(text), float(score)


THREADS_ENV = "GOVREPORT_OCR_THREADS"


def get_engine(threads: int | None = None) -> OcrEngine:
    """The process's engine for ``threads`` onnxruntime threads.

    ``None`` reads ``$GOVREPORT_OCR_THREADS`` (a batch worker's initializer sets
    it to cores / workers, so N workers do not each start a thread per core);
    0 lets onnxruntime decide. Raises :class:`NoTextLayer` when the extra is
    missing.
    """
    if threads is None:
        try:
            threads = max(0, int(os.environ.get(THREADS_ENV, "0")))
        except ValueError:
            threads = 0
    return _engine(threads)


@lru_cache(maxsize=4)
def _engine(threads: int) -> OcrEngine:
    # Cached per process: loading the models takes about half a second and the
    # onnxruntime sessions are read-only afterwards.
    require_ocr(None, "this document")
    return OcrEngine(threads)


# -- running the engine ----------------------------------------------------------


def ocr_image(
    image: Image.Image | np.ndarray,
    *,
    dpi: float = DEFAULT_DPI,
    first_page: bool = False,
    engine: OcrEngine | None = None,
) -> OcrPage:
    """OCR one page image (a Pillow image, or an RGB uint8 array)."""
    import numpy as np

    engine = engine or get_engine()
    rgb = image if isinstance(image, np.ndarray) else to_rgb_array(image)
    raw = engine.detect_and_read(np.ascontiguousarray(rgb[:, :, ::-1]))
    turns = _orientation_candidates(raw)
    if turns:
        # A page scanned sideways or upside down: read it in the other orientations, keep the best.
        # Sideways text can read well as tall boxes (the recogniser turns each crop) but cannot be
        # laid out, so for a sideways page the upright reading is not a candidate.
        sideways = 2 not in turns
        best, best_score = (rgb, raw), (0.0 if sideways else _read_score(raw) * 1.2)
        for k in turns:
            turned = np.ascontiguousarray(np.rot90(rgb, k))
            raw_k = engine.detect_and_read(np.ascontiguousarray(turned[:, :, ::-1]))
            if _read_score(raw_k) > best_score:
                best, best_score = (turned, raw_k), _read_score(raw_k)
        rgb, raw = best
    h, w = rgb.shape[:2]
    return layout_page(raw, w, h, dpi=dpi, first_page=first_page, rgb=rgb, engine=engine)


def _read_score(raw: Sequence[RawBox]) -> float:
    """Confidently read characters: what the right orientation maximises."""
    return sum(rb.score * len(rb.text) for rb in raw)


def _orientation_candidates(raw: Sequence[RawBox]) -> list[int]:
    """Quarter turns (``np.rot90`` k) worth trying when the page does not read upright.

    Mostly tall boxes mean text lines run vertically: the page lies on its side.
    Little confidently read text on a page with boxes suggests upside down.
    """
    if not raw:
        return []
    tall = 0
    for rb in raw:
        xs = [p[0] for p in rb.points]
        ys = [p[1] for p in rb.points]
        tall += (max(ys) - min(ys)) > 1.5 * (max(xs) - min(xs))
    if tall > 0.6 * len(raw) and len(raw) >= 3:
        return [1, 3]
    chars = sum(len(rb.text) for rb in raw)
    mean = _read_score(raw) / chars if chars else 0.0
    if mean < 0.75 or chars < 2 * len(raw):
        return [2]
    return []


def ocr_images(
    images: Iterable[tuple[Image.Image, float]],
    total: int,
    *,
    progress: Progress | None = None,
    engine: OcrEngine | None = None,
) -> list[OcrPage]:
    """OCR page images given with their resolution; ``progress(done, total)`` after each page."""
    engine = engine or get_engine()
    pages: list[OcrPage] = []
    for i, (img, dpi) in enumerate(images):
        pages.append(ocr_image(img, dpi=dpi, first_page=i == 0, engine=engine))
        if progress is not None:
            progress(i + 1, total)
    return pages


def ocr_pdf_pages(
    data: bytes,
    page_indices: list[int],
    path: Path,
    *,
    dpi: float = DEFAULT_DPI,
    progress: Progress | None = None,
    engine: OcrEngine | None = None,
) -> dict[int, OcrPage]:
    """OCR the given pages (0-based) of a PDF, rendered with pypdfium2 at ``dpi``.

    Raises :class:`NoTextLayer` (with the install advice) when the OCR extra is
    missing, :class:`CorruptDocument` / :class:`EncryptedDocument` when pdfium
    cannot open the file or an index is out of range.
    """
    require_ocr(path, "is a scanned PDF (pages without a text layer)")
    import pypdfium2 as pdfium

    engine = engine or get_engine()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocument("is a password-protected PDF; remove the password and submit it again", path) from exc
        raise CorruptDocument(f"cannot be opened as a PDF ({exc})", path) from exc
    out: dict[int, OcrPage] = {}
    try:
        n = len(pdf)
        for done, index in enumerate(page_indices, start=1):
            if not 0 <= index < n:
                raise CorruptDocument(f"has no page {index + 1} (it has {n})", path)
            page = pdf[index]
            try:
                w_pt, h_pt = page.get_size()
                scale = min(dpi / 72.0, MAX_RENDER_SIDE / max(w_pt, h_pt, 1.0))
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
            out[index] = ocr_image(image, dpi=scale * 72.0, first_page=index == 0, engine=engine)
            if progress is not None:
                progress(done, len(page_indices))
    finally:
        pdf.close()
    return out


# -- pages -> extracted text ---------------------------------------------------


def extracted_from_pages(
    pages: Sequence[OcrPage],
    *,
    fmt: str,
    extractor: str = "rapidocr",
    path: str | Path | None = None,
) -> OcrExtracted:
    """Join OCR pages into one :class:`OcrExtracted` (paragraphs continued across pages are merged)."""
    parts: list[tuple[str, Block]] = []
    line_spans: list[tuple[int, int, int, float]] = []  # (part index, start, end in the part, confidence)
    for page_no, page in enumerate(pages, start=1):
        for k, para in enumerate(page.paragraphs):
            if not para.text:
                continue
            if k == 0 and para.continues and parts and page_no > 1:
                prev_text, prev_block = parts[-1]
                base = len(prev_text) + len(joint(prev_text, para.text))
                parts[-1] = (prev_text + joint(prev_text, para.text) + para.text, prev_block)
                idx = len(parts) - 1
            else:
                base = 0
                parts.append((para.text, Block(start=0, end=0, kind=para.kind, page=page_no, font_size=para.font_size)))
                idx = len(parts) - 1
            for ln, off in zip(para.lines, para.line_offsets):
                line_spans.append((idx, base + off, base + off + len(ln.text), ln.confidence))
    text, blocks = join_blocks(parts)
    low = [
        (blocks[idx].start + s, blocks[idx].start + e)
        for idx, s, e, conf in line_spans
        if conf < LOW_CONFIDENCE
    ]
    all_lines = [ln for p in pages for ln in p.lines]
    doc_conf = weighted_confidence(all_lines) if all_lines else None
    warnings: list[str] = []
    if low:
        pages_low = sorted({i + 1 for i, p in enumerate(pages) if p.low_confidence_lines})
        warnings.append(
            f"OCR: {len(low)} line(s) read with confidence below {LOW_CONFIDENCE:.2f} "
            f"(page(s) {', '.join(map(str, pages_low))}); metrics from them are marked low_confidence"
        )
    blank = [i + 1 for i, p in enumerate(pages) if not p.text]
    if blank and len(blank) < len(pages):
        warnings.append(f"OCR: no text found on page(s) {', '.join(map(str, blank))}")
    return OcrExtracted(
        text=text,
        format=fmt,
        blocks=blocks,
        extractor=extractor,
        pages=len(pages),
        warnings=warnings,
        ocr_confidence=round(doc_conf, 4) if doc_conf is not None else None,
        low_confidence_spans=low,
        page_confidence=[round(p.confidence, 4) for p in pages],
    )


def low_confidence_spans(text: str, pages: Iterable[OcrPage]) -> list[tuple[int, int]]:
    """Spans of ``text`` holding the low-confidence lines of ``pages`` (in reading order).

    For a reader that assembles its own text from OCR paragraphs (the mixed
    PDF reader): each low-confidence line is looked up from where the previous
    line was found, so repeated phrases do not mis-place it. Whitespace the
    reader may have added between lines is not part of a line.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for page in pages:
        for ln in page.lines:
            if not ln.text:
                continue
            at = text.find(ln.text, pos)
            if at < 0:
                continue  # a furniture line the reader dropped
            pos = at + len(ln.text)
            if ln.confidence < LOW_CONFIDENCE:
                spans.append((at, pos))
    return spans


def mark_low_confidence(metrics: Iterable[Metric], spans: Sequence[tuple[int, int]]) -> int:
    """Set ``low_confidence`` on metrics whose number lies in a low-confidence span; return how many."""
    marked = 0
    for m in metrics:
        if any(s < m.end and m.start < e for s, e in spans):
            m.low_confidence = True
            marked += 1
    return marked


def image_frames(data: bytes, path: Path) -> list[tuple[Image.Image, float]]:
    """The pages of an image file (every frame of a multi-page TIFF) with their resolution.

    EXIF orientation of phone photos is applied; an image without a stated
    resolution is assumed to be a 200 dpi scan (only the font-size hints use it).
    """
    from PIL import Image as PILImage
    from PIL import ImageOps, ImageSequence, UnidentifiedImageError

    try:
        img = PILImage.open(io.BytesIO(data))
        frames: list[tuple[PILImage.Image, float]] = []
        for frame in ImageSequence.Iterator(img):
            dpi_info = frame.info.get("dpi") or img.info.get("dpi")
            try:
                dpi = float(dpi_info[0]) if dpi_info else 0.0
            except (TypeError, ValueError, IndexError):
                dpi = 0.0
            if not 50 <= dpi <= 1200:
                dpi = float(DEFAULT_DPI)
            page = ImageOps.exif_transpose(frame.copy())
            page.load()
            frames.append((page, dpi))
            if img.format not in ("TIFF", "MPO", "GIF"):
                break  # animated WEBP/PNG: the first frame is the picture
    except PILImage.DecompressionBombError as exc:
        raise CorruptDocument(f"is an image too large to read safely ({exc})", path) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptDocument(f"is not a readable image ({exc})", path) from exc
    return frames
