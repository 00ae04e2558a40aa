"""Images of report pages (PNG, JPEG, TIFF incl. multi-page, BMP, WEBP): OCR only.

A photo or a scan has no text layer; without the optional OCR extra the reader
fails with the clear "needs OCR; install govreport[ocr]" error, before Pillow
even decodes the pixels.
"""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.errors import EmptyDocument
from pipeline.ingest.base import Extracted
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.ingest.ocr import (
    Progress,
    extracted_from_pages,
    image_frames,
    ocr_images,
    require_ocr,
)


def _frame_count(data: bytes) -> int:
    """Pages of an image file from its header (no pixel is decoded); 1 when Pillow cannot tell."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            return int(getattr(img, "n_frames", 1) or 1)
    except Exception:  # noqa: BLE001 - image_frames gives the precise "not a readable image" error
        return 1


def read_image(data: bytes, path: Path, *, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """OCR every page of an image file into text with paragraph blocks (at most ``limits.max_ocr_pages``)."""
    require_ocr(path, "is an image (a scan or photo)")
    limits.check_ocr_pages(_frame_count(data), path)
    frames = image_frames(data, path)
    pages = ocr_images(frames, len(frames), progress=progress)
    extracted = extracted_from_pages(pages, fmt="image", extractor="rapidocr", path=path)
    if not extracted.text.strip():
        raise EmptyDocument("is an image in which OCR found no text", path)
    return extracted
