"""OCR: layout of engine boxes into lines and paragraphs, seals, confidence, and a scanned report end to end.

The layout tests feed synthetic boxes (no engine needed). The end-to-end tests
render the project fixture ``tests/data/ocr/qingshi_2024.pdf`` (a fictional
township report with a red seal; see make_fixture.py) to page images, degrade
them like a copier (rotation, noise, greyscale, JPEG) and read the result; they
skip when the OCR extra is not installed.
"""

from __future__ import annotations

import difflib
import importlib.util
import io
import math
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import NoTextLayer
from pipeline.ingest import ocr, ocr_layout
from pipeline.ingest.ocr import (
    LOW_CONFIDENCE,
    OcrLine,
    OcrPage,
    OcrParagraph,
    RawBox,
    extracted_from_pages,
    layout_page,
)
from pipeline.types import Metric

DATA = Path(__file__).resolve().parents[1] / "data" / "ocr"
FIXTURE_PDF = DATA / "qingshi_2024.pdf"
FIXTURE_TXT = DATA / "qingshi_2024.txt"

needs_ocr = pytest.mark.skipif(not ocr.ocr_available(), reason="the OCR extra (govreport[ocr]) is not installed")

# Synthetic page geometry: 1600 x 2300 px, body from x=200 to x=1400, 40 px characters.
CW, LEFT, RIGHT, W, H = 40.0, 200.0, 1400.0, 1600, 2300


def _box(text: str, x0: float, y: float, *, cw: float = CW, h: float = CW, score: float = 0.99, tilt: float = 0.0) -> RawBox:
    """A box of ``text`` starting at ``x0`` with its top at ``y``, rotated by ``tilt`` degrees about its corner."""
    w = len(text) * cw
    t = math.radians(tilt)
    pts = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
    rot = [(x0 + px * math.cos(t) - py * math.sin(t), y + px * math.sin(t) + py * math.cos(t)) for px, py in pts]
    return RawBox(rot, text, score)


def _lines(spec: list[tuple[str, float]], *, top: float = 200.0, leading: float = 70.0) -> list[RawBox]:
    """One box per (text, indent in characters) line, stacked down the page."""
    return [_box(text, LEFT + indent * CW, top + i * leading) for i, (text, indent) in enumerate(spec)]


FULL = 30  # characters of a full line (1200 px / 40 px)


def _full(seed: str) -> str:
    return (seed * FULL)[:FULL]


PARAGRAPH_CASES = [
    pytest.param(
        [("青石镇坚持把法治政府建设摆在突出位置，聚焦依法决策和严", 2), (_full("格执法"), 0), ("各项工作取得新进展。", 0)],
        ["青石镇坚持把法治政府建设摆在突出位置，聚焦依法决策和严" + _full("格执法") + "各项工作取得新进展。"],
        id="indented paragraph wrapped over three lines is joined without spaces",
    ),
    pytest.param(
        [("一、主要举措和成效", 2), ("镇党委理论学习中心组开展法治专题学习6次，组织干", 2), (_full("部学法"), 0), ("成效明显。", 0)],
        ["一、主要举措和成效", "镇党委理论学习中心组开展法治专题学习6次，组织干" + _full("部学法") + "成效明显。"],
        id="short heading line, then an indented paragraph",
    ),
    pytest.param(
        [(_full("规范决策"), 0), ("（二）深化普法宣传，营造良好法治氛围。围绕宪法宣传", 0)],
        [_full("规范决策"), "（二）深化普法宣传，营造良好法治氛围。围绕宪法宣传"],
        id="a heading marker starts a paragraph even without indent",
    ),
    pytest.param(
        [(_full("调解纠纷"), 0), ("化解93件，调解成功率96.9%。", 0), ("坚持和发展新时代枫桥经验，全年排查矛盾纠纷96件化", 0)],
        [_full("调解纠纷") + "化解93件，调解成功率96.9%。", "坚持和发展新时代枫桥经验，全年排查矛盾纠纷96件化"],
        id="a short line ending with 。 ends the paragraph (flush-left next line)",
    ),
    pytest.param(
        [("全年举办法治培训3期，参训干部达210人次，发放资料", 2), ("4500余份。", 0)],
        ["全年举办法治培训3期，参训干部达210人次，发放资料4500余份。"],
        id="a line left short by a wrapped number is still joined",
    ),
    pytest.param(
        [("坚持和发展新时代“枫桥经验”，全年排查矛盾纠纷96件，化解“", 2), ("”字号难题12件。", 0.6)],
        ["坚持和发展新时代“枫桥经验”，全年排查矛盾纠纷96件，化解“”字号难题12件。"],
        id="a line starting with a closing quote continues (its ink starts late)",
    ),
    pytest.param(
        [("一是执法力量薄弱；", 2), ("二是学法形式单一。", 2)],
        ["一是执法力量薄弱；", "二是学法形式单一。"],
        id="两个缩进的短段",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), PARAGRAPH_CASES)
def test_paragraphs(spec: list[tuple[str, float]], expected: list[str]) -> None:
    # A few full-width lines fix the text frame, as on a real page.
    frame = [(_full("明川县柳溪乡"), 0), (_full("云岭街道"), 0), ("依法行政。", 2)]
    page = layout_page(_lines(frame + spec), W, H)
    assert [p.text for p in page.paragraphs][2:] == expected


def test_title_broken_over_two_centred_lines_is_one_title() -> None:
    big = 56.0
    t1, t2 = "明川县柳溪乡人民政府", "关于2024年度法治政府建设情况的报告"
    boxes = [
        _box(t1, W / 2 - len(t1) * big / 2, 150, cw=big, h=big),
        _box(t2, W / 2 - len(t2) * big * 0.9 / 2, 230, cw=big * 0.9, h=big),
        *_lines([("明川县人民政府：", 0), ("2024年，柳溪乡坚持依法行政，推进法治政府建设，现", 2), (_full("报告如下"), 0)], top=400),
    ]
    page = layout_page(boxes, W, H, first_page=True)
    assert page.paragraphs[0].text == t1 + t2
    assert page.paragraphs[0].kind == "title"
    assert page.paragraphs[1].text == "明川县人民政府："
    assert page.paragraphs[1].kind == "paragraph"
    # The title's size reaches the structure stage; the body lines all get one size.
    sizes = [p.font_size for p in page.paragraphs]
    assert sizes[0] is not None and sizes[1] is not None and sizes[0] > sizes[1] * 1.2
    assert len(set(sizes[1:])) == 1


def test_short_line_with_a_taller_box_keeps_the_body_size() -> None:
    # The box of a two-character line is often a few pixels taller or shorter: not a heading hint.
    boxes = _lines([(_full("推进依法行政"), 0), ("建设成效明显。", 2), (_full("法治政府"), 0), ("成效。", 0)])
    boxes.append(_box("街道", LEFT + 2 * CW, 200 + 4 * 70, h=CW * 1.3))
    page = layout_page(boxes, W, H)
    assert page.paragraphs[-1].text == "街道"
    assert len({p.font_size for p in page.paragraphs}) == 1


def test_boxes_of_one_line_are_joined_left_to_right() -> None:
    boxes = _lines([(_full("推进依法行政"), 0), (_full("建设法治政府"), 0)])
    # The second line arrives as two boxes, right part first.
    second = boxes.pop()
    y = second.points[0][1]
    boxes += [_box("建设法治政府建设法治政府", LEFT + 16 * CW + 8, y + 3), _box("建设法治政府建设法治政府建设法治", LEFT, y)]
    page = layout_page(boxes, W, H)
    assert [ln.text for ln in page.lines] == [_full("推进依法行政"), "建设法治政府建设法治政府建设法治建设法治政府建设法治政府"]


def test_skewed_page_keeps_lines_apart() -> None:
    # 1.5 degrees of skew moves a 1200 px line by 31 px, most of a 40 px line height:
    # lines split into two boxes must still pair up with their own halves.
    tilt = 1.5
    t = math.radians(tilt)
    boxes = []
    for i in range(6):
        y = 300 + i * 60
        left_text, right_text = f"第{i}行左半部分法治建设", f"第{i}行右半部分依法行政"
        x_right = LEFT + len(left_text) * CW + 10
        boxes.append(_box(left_text, LEFT, y, tilt=tilt))
        boxes.append(_box(right_text, x_right, y + (x_right - LEFT) * math.sin(t), tilt=tilt))
    page = layout_page(boxes, W, H)
    assert [ln.text for ln in page.lines] == [f"第{i}行左半部分法治建设第{i}行右半部分依法行政" for i in range(6)]


@pytest.mark.parametrize(
    ("furniture", "where"),
    [("— 2 —", 2150), ("-3-", 2200), ("第 4 页 共 9 页", 2150), ("5", 60)],
)
def test_page_numbers_are_dropped(furniture: str, where: float) -> None:
    boxes = _lines([(_full("法治宣传"), 0), ("全面推进。", 0)]) + [_box(furniture, W / 2 - 60, where, cw=20)]
    page = layout_page(boxes, W, H)
    assert furniture not in page.text
    assert furniture in page.dropped


def test_number_in_body_is_not_a_page_number() -> None:
    boxes = _lines([(_full("法治宣传"), 0), ("12", 0)])
    assert "12" in layout_page(boxes, W, H).text


@pytest.mark.parametrize(
    "seal",
    [
        pytest.param(_box("明川县柳溪乡人民政府专用章", 600, 1000), id="a seal legend read level"),
        pytest.param(_box("溪乡人", 900, 950, tilt=35), id="a tilted fragment of a round stamp"),
    ],
)
def test_seal_boxes_do_not_reach_the_text(seal: RawBox) -> None:
    boxes = _lines([(_full("依法行政"), 0), ("明川县柳溪乡人民政府", 20)], top=940) + [seal]
    page = layout_page(boxes, W, H)
    assert seal.text in page.dropped
    assert [ln.text for ln in page.lines] == [_full("依法行政"), "明川县柳溪乡人民政府"]


@pytest.mark.parametrize(
    ("text", "is_legend"),
    [
        ("明川县柳溪乡人民政府专用章", True),
        ("中共明川县云岭街道工作委员会", False),
        ("明川县司法局行政执法专用章", True),
        ("公章", True),
        ("严格落实印章管理制度，规范使用公章", False),
        ("加盖公章", False),
    ],
)
def test_seal_legend(text: str, is_legend: bool) -> None:
    assert bool(ocr_layout._SEAL_LEGEND.search(text)) is is_legend


def test_red_stamp_is_dropped_and_red_letterhead_kept() -> None:
    np = pytest.importorskip("numpy")
    rgb = np.full((H, W, 3), 255, dtype=np.uint8)
    letterhead = _box("明川县柳溪乡人民政府文件", 300, 100, cw=80, h=80)
    stamp = _box("柳溪乡", 1000, 1500, cw=30, h=30)
    body = _lines([(_full("普法宣传"), 0), ("成效明显。", 0)], top=400)
    for b, colour in ((letterhead, (220, 20, 30)), (stamp, (220, 20, 30))):
        xs, ys = [int(p[0]) for p in b.points], [int(p[1]) for p in b.points]
        rgb[min(ys) + 5 : max(ys) - 5, min(xs) + 5 : max(xs) - 5] = colour
    for b in body:
        xs, ys = [int(p[0]) for p in b.points], [int(p[1]) for p in b.points]
        rgb[min(ys) + 5 : max(ys) - 5, min(xs) + 5 : max(xs) - 5] = (20, 20, 20)
    page = layout_page([letterhead, stamp, *body], W, H, rgb=rgb)
    assert "明川县柳溪乡人民政府文件" in page.text
    assert "柳溪乡" in page.dropped


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("组织干部学习使用办公软件Word", "Excel和政务平台。", "组织干部学习使用办公软件Word Excel和政务平台。"),
        ("组织干部学习使用办公软件和政务", "平台。", "组织干部学习使用办公软件和政务平台。"),
        ("全年发放宣传资料共计12", "500份。", "全年发放宣传资料共计12500份。"),
    ],
)
def test_wrapped_lines_join_with_a_space_only_between_latin_words(first: str, second: str, joined: str) -> None:
    # The first line is made full width so the second continues it.
    boxes = [_box(first, LEFT, 200, cw=(RIGHT - LEFT) / len(first)), _box(second, LEFT, 270)]
    frame = _lines([(_full("明川县柳溪乡"), 0), (_full("云岭街道"), 0)], top=500)
    page = layout_page(boxes + frame, W, H)
    assert page.paragraphs[0].text == joined


def _page(paragraphs: list[tuple[list[str], bool, list[float]]]) -> OcrPage:
    """An OcrPage from (line texts, continues, per-line confidences) per paragraph."""
    paras = []
    for texts, cont, confs in paragraphs:
        lines = [OcrLine(t, (0, 0, 1, 1), c) for t, c in zip(texts, confs)]
        offsets = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]
        paras.append(OcrParagraph(text="".join(texts), lines=lines, confidence=min(confs), continues=cont, line_offsets=offsets))
    lines = [ln for p in paras for ln in p.lines]
    return OcrPage(text="\n".join(p.text for p in paras), confidence=0.9, lines=lines, paragraphs=paras)


def test_paragraph_continued_on_next_page_is_merged() -> None:
    p1 = _page([(["一、主要举措和成效"], False, [0.99]), (["全年开展法治宣传活动", "18场，发放资"], False, [0.99, 0.99])])
    p2 = _page([(["料4500余份。"], True, [0.99]), (["二、存在的不足和原因"], False, [0.98])])
    ex = extracted_from_pages([p1, p2], fmt="pdf")
    assert ex.text.split("\n") == ["一、主要举措和成效", "全年开展法治宣传活动18场，发放资料4500余份。", "二、存在的不足和原因"]
    assert [b.page for b in ex.blocks] == [1, 1, 2]
    assert [ex.text[b.start : b.end] for b in ex.blocks] == ex.text.split("\n")


def test_low_confidence_spans_mark_metrics() -> None:
    good, bad = 0.99, LOW_CONFIDENCE - 0.2
    p1 = _page([(["开展法治讲座6次，", "参训干部"], False, [good, bad]), (["调解成功率96.9%。"], False, [good])])
    ex = extracted_from_pages([p1], fmt="image")
    assert len(ex.low_confidence_spans) == 1
    s, e = ex.low_confidence_spans[0]
    assert ex.text[s:e] == "参训干部"
    assert ex.warnings and "low_confidence" in ex.warnings[0]
    # The document confidence is the character-weighted mean of its lines.
    assert ex.ocr_confidence == pytest.approx((9 * good + 4 * bad + 11 * good) / 24, abs=1e-3)

    def metric(quote: str) -> Metric:
        start = ex.text.index(quote)
        return Metric("other", 0, "", "exact", None, quote, quote, "other", start, start + len(quote))

    ms = [metric("6次"), metric("干部"), metric("96.9")]
    assert ocr.mark_low_confidence(ms, ex.low_confidence_spans) == 1
    assert [m.low_confidence for m in ms] == [False, True, False]


def test_low_confidence_lines_are_found_in_a_readers_own_text() -> None:
    # A reader that rebuilds the text (the mixed PDF reader) finds the lines again, in order.
    page = _page([(["开展法治讲座6次，", "组织学法6次，"], False, [0.99, 0.5]), (["组织学法6次，共计12人次。"], False, [0.99])])
    text = "第一页文字层的段落。\n开展法治讲座6次，组织学法6次，\n组织学法6次，共计12人次。"
    spans = ocr.low_confidence_spans(text, [page])
    assert spans == [(text.index("组织学法6次，"), text.index("组织学法6次，") + len("组织学法6次，"))]


def test_missing_extra_gives_the_install_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(NoTextLayer, match=r"needs OCR; install govreport\[ocr\] \(pip install 'govreport\[ocr\]'\)"):
        ocr.ocr_pdf_pages(b"%PDF-1.4", [0], Path("scan.pdf"))


def test_availability_matches_the_installed_packages() -> None:
    expected = all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "onnxruntime"))
    assert ocr.ocr_available() is expected


# -- end to end: a rendered, degraded scan of the fixture report ----------------------------


def render_scan(pdf: bytes, *, dpi: int, tilt: float, noise: float, seed: int = 7) -> list[Any]:
    """Render PDF pages to copier-like images: greyscale-free colour kept, slight rotation, speckle, JPEG."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    images = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
        img = img.rotate(tilt * (1 if i % 2 == 0 else -1), resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
        arr = np.asarray(img).astype(np.int16)
        arr += rng.normal(0, noise, arr.shape[:2])[..., None].astype(np.int16)
        speckle = rng.random(arr.shape[:2]) < 0.0008
        arr[speckle] = 0
        img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=70)  # copiers and scanners compress
        images.append(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    doc.close()
    return images


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not ocr.ocr_available():
        pytest.skip("the OCR extra (govreport[ocr]) is not installed")
    out = tmp_path_factory.mktemp("scans")
    images = render_scan(FIXTURE_PDF.read_bytes(), dpi=180, tilt=0.8, noise=12.0)
    pdf_path, tif_path = out / "青石镇扫描件.pdf", out / "青石镇扫描件.tiff"
    # Fresh copies per file: Pillow keeps the writer's settings on appended frames.
    pdf_pages = [im.copy() for im in images]
    pdf_pages[0].save(pdf_path, format="PDF", save_all=True, append_images=pdf_pages[1:], resolution=180.0)
    tif_pages = [im.copy() for im in images]
    tif_pages[0].save(tif_path, format="TIFF", save_all=True, append_images=tif_pages[1:], dpi=(180, 180), compression="tiff_lzw")
    return {"pdf": pdf_path, "tiff": tif_path}


def _fixture_lines() -> list[str]:
    lines = FIXTURE_TXT.read_text("utf-8").strip().split("\n")
    return [lines[0] + lines[1], *lines[2:]]  # the title is broken over two lines on the page


FIXTURE_NUMBERS = ["6次", "24次", "3期", "210人次", "5件", "37份", "2名", "18场", "4500余份", "96件", "93件", "96.9%", "4次"]
FIXTURE_HEADINGS = [
    "一、主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、2025年工作安排",
]


@pytest.fixture(scope="module")
def analysed(scans: dict[str, Path], resources: Any) -> dict[str, Any]:
    """Each scan analysed once (OCR is the slow part), shared by the tests below."""
    from pipeline.run import analyze_path

    out: dict[str, Any] = {"tiff": analyze_path(scans["tiff"], resources)}
    if importlib.util.find_spec("pipeline.ingest.pdf") is not None:
        out["pdf"] = analyze_path(scans["pdf"], resources)
    return out


@needs_ocr
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tiff", "pdf"])
def test_scanned_report_text(analysed: dict[str, Any], kind: str) -> None:
    if kind not in analysed:
        pytest.skip("the PDF reader (pipeline/ingest/pdf.py) is not available")
    report = analysed[kind]
    assert report.status == "ok", report.error
    got = report.text.split("\n")
    expected = _fixture_lines()
    # Title and headings come out as their own lines, exactly.
    assert got[0] == expected[0]
    for heading in FIXTURE_HEADINGS:
        assert heading in got
    # Every number with its unit, and the signature date clear of the seal.
    for number in FIXTURE_NUMBERS:
        assert number in report.text, number
    assert got[-1] == "2025年1月15日"
    assert "人民政府专用章" not in report.text
    # Paragraph by paragraph the text is nearly exact.
    assert len(got) == len(expected)
    ratio = difflib.SequenceMatcher(None, "\n".join(got), "\n".join(expected)).ratio()
    assert ratio >= 0.97
    assert report.ocr_confidence is not None and report.ocr_confidence > 0.9
    assert report.pages == 2


@needs_ocr
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tiff", "pdf"])
def test_scanned_report_structure_and_metrics(analysed: dict[str, Any], kind: str, resources: Any) -> None:
    """Title, headings and >= 90% of the metrics of the text run survive the scan."""
    from pipeline.run import analyze_text

    reference = analyze_text("\n".join(_fixture_lines()), "青石镇.txt", resources)
    scanned = analysed[kind]
    assert scanned.status == "ok"
    # The text run itself must be right, or matching it would prove nothing.
    assert reference.title and len(reference.headings) >= 5 and len(reference.metrics) >= 10
    assert scanned.title == reference.title
    assert [(h.text, h.level) for h in scanned.headings] == [(h.text, h.level) for h in reference.headings]
    ref = [(m.indicator, m.value, m.unit) for m in reference.metrics]
    got = [(m.indicator, m.value, m.unit) for m in scanned.metrics]
    hits = sum(1 for m in ref if m in got)
    assert hits >= 0.9 * len(ref), (ref, got)
    assert len(got) <= len(ref) + max(1, len(ref) // 10)


def test_fixture_text_numbers_are_in_the_fixture() -> None:
    # Guards the tables above against edits of the fixture text.
    text = FIXTURE_TXT.read_text("utf-8")
    for number in FIXTURE_NUMBERS:
        assert number in text
    for heading in FIXTURE_HEADINGS:
        assert re.search("^" + re.escape(heading) + "$", text, re.MULTILINE)
