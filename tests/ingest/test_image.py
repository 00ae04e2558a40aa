"""Image ingestion: scans and photos in every common format go through OCR.

Images are cut from a render of the project fixture ``tests/data/ocr/qingshi_2024.pdf``
(a fictional township report), so nothing binary beyond that fixture is committed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from pipeline.ingest import ocr
from pipeline.errors import CorruptDocument, NoTextLayer
from pipeline.ingest import read_bytes, sniff
from pipeline.ingest.image import read_image

FIXTURE_PDF = Path(__file__).resolve().parents[1] / "data" / "ocr" / "qingshi_2024.pdf"
TITLE = "明川县青石镇人民政府关于2024年度法治政府建设情况的报告"
FIRST_PARAGRAPH_START = "2024年，青石镇在县委、县政府的坚强领导下"

needs_ocr = pytest.mark.skipif(not ocr.ocr_available(), reason="the OCR extra (govreport[ocr]) is not installed")


@pytest.fixture(scope="module")
def page_top() -> Any:
    """The top of page 1 (title, addressee, first paragraph) at 150 dpi, RGB."""
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(FIXTURE_PDF.read_bytes())
    img = doc[0].render(scale=150 / 72).to_pil().convert("RGB")
    doc.close()
    w, h = img.size
    return img.crop((0, int(h * 0.06), w, int(h * 0.31)))


@pytest.fixture(scope="module")
def page_middle() -> Any:
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(FIXTURE_PDF.read_bytes())
    img = doc[0].render(scale=150 / 72).to_pil().convert("RGB")
    doc.close()
    w, h = img.size
    return img.crop((0, int(h * 0.31), w, int(h * 0.469)))


def _encode(img: Any, fmt: str, **kw: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _variants(img: Any) -> dict[str, tuple[str, bytes]]:
    from PIL import Image

    grey16 = Image.fromarray(__import__("numpy").asarray(img.convert("L")).astype("uint16") * 257)
    rgba = img.convert("RGBA")
    return {
        "png": (".png", _encode(img, "PNG")),
        "png-rgba": (".png", _encode(rgba, "PNG")),
        "png-16bit-grey": (".png", _encode(grey16, "PNG")),
        "jpeg": (".jpg", _encode(img, "JPEG", quality=80)),
        "bmp": (".bmp", _encode(img, "BMP")),
        "webp": (".webp", _encode(img, "WEBP", quality=85)),
        "tiff-g4-fax": (".tif", _encode(img.convert("L").point(lambda v: 255 if v > 160 else 0).convert("1"), "TIFF", compression="group4")),
    }


FORMATS = ["png", "png-rgba", "png-16bit-grey", "jpeg", "bmp", "webp", "tiff-g4-fax"]


@needs_ocr
@pytest.mark.parametrize("variant", FORMATS)
def test_image_formats_are_read(page_top: Any, variant: str) -> None:
    suffix, data = _variants(page_top)[variant]
    assert sniff(data, suffix) == "image"
    ex = read_bytes(data, Path("青石镇" + suffix))
    lines = ex.text.split("\n")
    assert ex.format == "image"
    assert ex.extractor == "rapidocr"
    assert ex.pages == 1
    assert lines[0] == TITLE
    assert lines[1] == "明川县人民政府："
    assert lines[2].startswith(FIRST_PARAGRAPH_START)
    assert lines[2].endswith("现将有关情况报告如下。")  # three wrapped lines joined
    assert len(lines) == 3
    assert ex.ocr_confidence is not None and ex.ocr_confidence > 0.9
    assert [ex.text[b.start : b.end] for b in ex.blocks] == lines
    assert ex.blocks[0].kind == "title"


@needs_ocr
def test_multi_page_tiff_reads_every_page(page_top: Any, page_middle: Any) -> None:
    data = _encode(page_top, "TIFF", save_all=True, append_images=[page_middle], compression="tiff_deflate")
    ex = read_image(data, Path("scan.tiff"))
    assert ex.pages == 2
    assert ex.text.startswith(TITLE)
    assert "镇党委理论学习中心组开展法治专题学习6次" in ex.text
    assert ex.text.split("\n")[3] == "一、主要举措和成效"
    assert {b.page for b in ex.blocks} == {1, 2}


@needs_ocr
def test_phone_photo_orientation_is_applied(page_top: Any) -> None:
    from PIL import Image

    # A phone stores the sensor's pixels and an EXIF tag saying "rotate 90 degrees to view".
    sideways = page_top.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    data = _encode(sideways, "JPEG", quality=85, exif=exif.tobytes())
    ex = read_image(data, Path("photo.jpg"))
    assert ex.text.split("\n")[0] == TITLE


@needs_ocr
@pytest.mark.parametrize("turn", ["ROTATE_180", "ROTATE_270"])
def test_page_scanned_upside_down_or_sideways_is_turned(page_top: Any, turn: str) -> None:
    from PIL import Image

    # No EXIF here: the scanner simply fed the sheet the wrong way round.
    turned = page_top.transpose(getattr(Image.Transpose, turn))
    ex = read_image(_encode(turned, "PNG"), Path("scan.png"))
    assert ex.text.split("\n")[0] == TITLE


@needs_ocr
def test_progress_is_reported_per_page(page_top: Any, page_middle: Any) -> None:
    data = _encode(page_top, "TIFF", save_all=True, append_images=[page_middle])
    calls: list[tuple[int, int]] = []
    read_image(data, Path("scan.tif"), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


@needs_ocr
def test_blank_image_is_empty() -> None:
    from PIL import Image

    from pipeline.errors import EmptyDocument

    with pytest.raises(EmptyDocument, match="no text"):
        read_image(_encode(Image.new("RGB", (800, 600), "white"), "PNG"), Path("blank.png"))


@needs_ocr
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"\xff\xd8\xff\xe0" + b"not a jpeg" * 10, b"II*\x00" + b"\x01" * 40],
)
def test_damaged_image_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptDocument, match="not a readable image"):
        read_bytes(data, Path("damaged.img"))


@pytest.mark.parametrize(("suffix", "data"), [(".png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), (".jpg", b"\xff\xd8\xff\xe0junk")])
def test_without_the_extra_images_need_ocr(monkeypatch: pytest.MonkeyPatch, suffix: str, data: bytes) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(NoTextLayer) as info:
        read_bytes(data, Path("scan" + suffix))
    assert "needs OCR; install govreport[ocr] (pip install 'govreport[ocr]')" in str(info.value)
    assert info.value.code == "needs_ocr"
    assert info.value.path == "scan" + suffix
