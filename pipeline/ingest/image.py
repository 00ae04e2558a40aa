"""Images of report pages (PNG, JPEG, TIFF incl. multi-page, BMP, WEBP): OCR only.

A photo or a scan has no text layer; without the optional OCR extra the reader
fails with the clear "needs OCR; install govreport[ocr]" error, before Pillow
even decodes the pixels.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import EmptyDocument
from pipeline.ingest.base import Extracted
from pipeline.ingest.ocr import (
    Progress,
    extracted_from_pages,
    image_frames,
    ocr_images,
    require_ocr,
)


def read_image(data: bytes, path: Path, *, progress: Progress | None = None) -> Extracted:
    """OCR every page of an image file into text with paragraph blocks."""
    require_ocr(path, "is an image (a scan or photo)")
    frames = image_frames(data, path)
    pages = ocr_images(frames, len(frames), progress=progress)
    extracted = extracted_from_pages(pages, fmt="image", extractor="rapidocr", path=path)
    if not extracted.text.strip():
        raise EmptyDocument("is an image in which OCR found no text", path)
    return extracted
