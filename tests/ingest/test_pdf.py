"""PDF ingestion: text layer, page furniture, re-joined lines, fallbacks, errors, and the DOCX/PDF agreement."""

from __future__ import annotations

import difflib
import re
import shutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

import pipeline.ingest
from pipeline.errors import GovReportError
from pipeline.ingest import pdf as pdf_mod
from pipeline.ingest.lines import Geometry, Line, continues, join_lines
from pipeline.ingest.pdf import is_garbled, is_page_number, read_pdf
from tests.ingest.builders import Para, make_blank_pdf, make_pdf, make_unmapped_pdf

TITLE = "云岭街道办事处关于2023年度法治政府建设情况的报告"
REPORT = [
    Para(TITLE, size=20, centred=True),
    Para("2023年，云岭街道在明川县委、县政府的领导下，以建设人民满意的法治政府为目标，把依法行政贯穿于基层治理各个环节，现将全年工作情况报告如下："),
    Para("一、主要举措和成效"),
    Para("（一）抓学法用法，提升干部法治素养。街道党工委理论学习中心组全年集中学法5次，办事处主任办公会议会前学法11次，组织机关干部和社区工作人员参加法治专题培训4场，覆盖286人次，干部学法考试参考率100%。"),
    Para("（二）抓规范执法，维护群众合法权益。公布街道综合行政执法事项清单57项，全年办理简易程序案件134件、一般程序案件9件，案卷评查合格率100%，没有发生行政复议被撤销或者行政诉讼败诉的案件。"),
    Para("（三）抓矛盾化解，守住基层平安底线。依托街道综治中心和9个社区调解室，全年受理各类矛盾纠纷212件，调解成功205件，成功率96.7%，群众来信来访按期办结率保持在较高水平。"),
    Para("二、存在的不足和原因"),
    Para("一是个别社区对法治工作重视程度还不够，学法活动形式比较单一；二是执法人员专业背景不足，持证人员只有12名，难以完全适应综合执法的要求。"),
    Para("三、下一年度工作安排"),
    Para("2024年，街道将继续完善会前学法制度，加强执法人员培训，推进“八五”普法规划落实，力争群众对法治建设的满意度进一步提高。"),
]
EXPECTED = "\n".join(p.text for p in REPORT)
FULL = "\n".join([EXPECTED] * 3)


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    # Font size 14 with generous leading: the report runs over three pages.
    return make_pdf(REPORT * 3, header="明川县云岭街道办事处")


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the OCR extra were not installed."""
    monkeypatch.setattr(pdf_mod, "_ocr", lambda data, indices, path, progress=None: None)


def test_builder_font_has_a_text_layer() -> None:
    # reportlab's built-in STSong-Light gives both extractors real Unicode text.
    data = make_pdf([Para("青石镇", indent=False)], footer=None)
    assert read_pdf(data, Path("s.pdf")).text == "青石镇"
    assert read_pdf(data, Path("s.pdf"), prefer="pdfplumber").text == "青石镇"


@pytest.mark.parametrize("prefer", ["pdfium", "pdfplumber"])
def test_report_text_is_exact(report_pdf: bytes, prefer: str) -> None:
    ex = read_pdf(report_pdf, Path("云岭街道.pdf"), prefer=prefer)
    assert ex.pages is not None and ex.pages >= 3
    assert ex.text == FULL  # header and "- n -" gone, lines re-joined
    assert ex.extractor == prefer
    assert ex.warnings == []


def test_blocks_carry_page_and_font_size(report_pdf: bytes) -> None:
    ex = read_pdf(report_pdf, Path("x.pdf"))
    assert [ex.text[b.start:b.end] for b in ex.blocks] == [p.text for p in REPORT * 3]
    assert ex.blocks[0].font_size == 20.0 and ex.blocks[1].font_size == 14.0
    assert ex.blocks[0].page == 1 and ex.blocks[-1].page == ex.pages


@pytest.mark.parametrize(
    "footer",
    ["- {n} -", "— {n} —", "－{n}－", "第{n}页", "第 {n} 页 共 3 页", "{n}/3", "{n}", "Page {n} of 3"],
)
def test_page_numbers_are_dropped(footer: str) -> None:
    data = make_pdf(REPORT, footer=footer)
    assert read_pdf(data, Path("x.pdf")).text == EXPECTED


@pytest.mark.parametrize("footer", ["— {n} —", "{n}"])
def test_page_numbers_at_the_outer_margin(footer: str) -> None:
    data = make_pdf(REPORT * 3, footer=footer, footer_align="outer")
    assert read_pdf(data, Path("x.pdf")).text == FULL


@pytest.mark.parametrize("header", ["明川县柳溪乡人民政府", "柳溪乡2023年法治政府建设情况报告（第{n}稿）".replace("{n}", "2")])
def test_running_header_is_dropped(header: str) -> None:
    data = make_pdf(REPORT * 3, header=header, footer=None)
    assert read_pdf(data, Path("x.pdf")).text == FULL


@pytest.mark.parametrize(
    ("text", "x0", "x1", "expected"),
    [
        ("- 3 -", 280, 310, True),
        ("— 12 —", 280, 320, True),
        ("第3页", 280, 310, True),
        ("第3页共10页", 260, 330, True),
        ("3/10", 280, 310, True),
        ("7", 290, 300, True),  # bare number, centred
        ("7", 500, 505, True),  # bare number at the right margin
        ("2023", 200, 240, False),  # a year left of centre: body text
        ("一、主要举措和成效", 118, 260, False),
        ("全年办理案件12件", 90, 230, False),
    ],
)
def test_is_page_number(text: str, x0: float, x1: float, expected: bool) -> None:
    assert is_page_number(Line(text=text, x0=x0, x1=x1), 595.0) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("柳溪乡全年开展会前学法12次，化解矛盾纠纷86件。", False),
        ("(cid:12)(cid:845)(cid:77)(cid:1024)(cid:9)(cid:33)", True),
        ("柳溪乡(cid:123)(cid:456)(cid:789)", True),
        ("\ufffd\ufffd\ufffd柳溪乡\ufffd\ufffd", True),
        ("\ue001\ue002\ue003\ue004\ue005 一、", True),
        ("• 柳溪乡全年开展会前学法12次，化解矛盾纠纷86件。\uf0b7", False),  # one bullet glyph is tolerated
        ("ÃÂ¾Ã§Â»ÂÃ¦ÂÂÃ¥ÂÂÃ§ÂÂÃ¥ÂÂ¶Ã¨Â", True),  # mojibake
        ("", False),
    ],
)
def test_is_garbled(text: str, expected: bool) -> None:
    assert is_garbled(text) is expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Text only (no geometry): long lines that do not end a sentence wrap.
        (["全年组织乡党委理论学习中心组学法6次，开展", "会前学法12次，组织全乡干部参加培训。", "一、存在的不足"],
         ["全年组织乡党委理论学习中心组学法6次，开展会前学法12次，组织全乡干部参加培训。", "一、存在的不足"]),
        # A break is kept after a sentence end and before heading markers.
        (["全年组织乡党委理论学习中心组学法6次开展了", "（一）健全制度建设情况和主要的具体做法", "1.建立会前学法制度并且坚持每月开展一次"],
         ["全年组织乡党委理论学习中心组学法6次开展了", "（一）健全制度建设情况和主要的具体做法", "1.建立会前学法制度并且坚持每月开展一次"]),
        # "5.4%" is a number, not the heading marker "5."; Latin words keep their space.
        (["全镇农村居民人均可支配收入同比增长了", "5.4%，高于全县平均水平，完成年度目标任务。"],
         ["全镇农村居民人均可支配收入同比增长了5.4%，高于全县平均水平，完成年度目标任务。"]),
        (["the township portal now publishes every", "decision online within seven working days."],
         ["the township portal now publishes every decision online within seven working days."]),
        # A number wrapped mid-way is one number: no space between its digits.
        (["全乡各村调委会全年共排查矛盾纠纷并成功化解纠纷30", "1件，调解成功率达到百分之九十以上，群众满意。"],
         ["全乡各村调委会全年共排查矛盾纠纷并成功化解纠纷301件，调解成功率达到百分之九十以上，群众满意。"]),
    ],
)
def test_join_lines_text_only(lines: list[str], expected: list[str]) -> None:
    assert [t for t, _ in join_lines([Line(text=t) for t in lines])] == expected


def _g() -> Geometry:
    return Geometry(left=90.0, right=505.0, size=14.0, width=595.0)


@pytest.mark.parametrize(
    ("cur", "nxt", "expected"),
    [
        ((118, 505, "全年组织乡党委理论学习中心组学法6次，开展会前"), (90, 300, "学法12次。"), True),  # full line wraps
        ((90, 505, "组织全乡干部参加法治培训3场，参考率达到100%。"), (118, 505, "（二）规范执法。"), False),  # next indented
        ((90, 505, "组织全乡干部参加法治培训3场，参考率达到"), (118, 505, "新的段落从缩进开始"), False),
        ((90, 300, "干部法治素养明显提升。"), (90, 505, "下一行顶格但上一行没有写满"), False),  # short line ends a paragraph
        ((90, 470, "全镇农村居民人均可支配收入增长"), (90, 505, "5.4%，高于全县平均水平。"), True),  # a number did not fit
        ((90, 505, "第一行写满了但下一行是标题"), (90, 250, "一、存在的不足和原因"), False),
        # A full lead-in line ending with a colon, then an unnumbered heading (LibreOffice's PDF of a report).
        ((90, 505, "根据县委依法治县办的要求，现将有关情况报告如下："), (90, 200, "主要举措和成效"), False),
        ((90, 505, "全年重点做了以下几项工作，具体情况如下所述："), (90, 300, "一是健全制度，二是规范执法。"), True),
    ],
)
def test_continues_with_geometry(cur: tuple[float, float, str], nxt: tuple[float, float, str], expected: bool) -> None:
    a = Line(text=cur[2], x0=cur[0], x1=cur[1], size=14.0)
    b = Line(text=nxt[2], x0=nxt[0], x1=nxt[1], size=14.0)
    assert continues(a, b, _g(), 30) is expected


# A body line that runs to the right margin (so the next line would be joined to it).
_FULL_LINE = (90, 505, "镇综合行政执法队全年办理简易程序案件41件，案卷评查合格率98%。")


@pytest.mark.parametrize(
    ("nxt", "expected"),
    [
        # Heading markers break before them even after a full line.
        ("三）规范行政执法行为", False),  # the opening bracket dropped
        ("(二)加强执法监督", False),
        ("2）推行说理式执法", False),
        ("㈢强化矛盾纠纷化解", False),  # Word's one-character markers: ㈠-㈩ level 2
        ("⒉落实行政执法公示制度", False),  # ⒈-⒛ level 3
        ("⑶建立执法案卷评查台账", False),  # ⑴-⒇ level 4
        ("⒇其他事项", False),
        # Not markers: the paragraph goes on.
        ("三是执法人员培训还不够系统", True),
        ("5.4%，高于全县平均水平。", True),
        ("十九届会议精神学习不够深入", True),
    ],
)
def test_markers_break_after_a_full_line(nxt: str, expected: bool) -> None:
    a = Line(text=_FULL_LINE[2], x0=_FULL_LINE[0], x1=_FULL_LINE[1], size=14.0)
    b = Line(text=nxt, x0=90.0, x1=300.0, size=14.0)
    assert continues(a, b, _g(), 30) is expected


@pytest.mark.parametrize(
    ("nxt", "paragraphs"),
    [
        ("三）规范行政执法行为", 2),
        ("㈡健全依法决策机制", 2),
        ("⒊开展法治宣传进村入户活动", 2),
        ("⑵组织旁听庭审活动", 2),
        ("持证人员占比达到百分之九十", 1),
    ],
)
def test_join_lines_keeps_markers_after_a_long_line(nxt: str, paragraphs: int) -> None:
    # Text only: the long first line does not end a sentence, so only a marker stops the join.
    lines = [Line(text="柳溪乡综合行政执法队全年开展联合执法检查二十六次并且"), Line(text=nxt)]
    assert len(join_lines(lines)) == paragraphs


def test_no_space_between_chinese_across_pages(report_pdf: bytes) -> None:
    text = read_pdf(report_pdf, Path("x.pdf")).text
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)


# --- errors and fallbacks ---------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: make_pdf(REPORT, encrypt="柳溪2024"), "encrypted"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt"),
        (lambda: make_pdf(REPORT)[:600], "corrupt"),  # truncated download
        (lambda: make_blank_pdf(2), "needs_ocr"),  # a scan
        (lambda: make_blank_pdf(1, with_image=False), "needs_ocr"),  # only drawings
        (lambda: make_unmapped_pdf(2), "garbled_text"),
    ],
)
def test_bad_pdfs(make: object, code: str, no_ocr: None) -> None:
    with pytest.raises(GovReportError) as info:
        read_pdf(make(), Path("柳溪乡.pdf"))  # type: ignore[operator]
    assert info.value.code == code
    assert "柳溪乡.pdf" in str(info.value)
    if code == "needs_ocr":
        assert "OCR" in str(info.value) and "govreport[ocr]" in str(info.value)


def test_owner_password_only_is_readable() -> None:
    # Permissions-only encryption (empty user password) opens without a password.
    import io

    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    from tests.ingest.builders import FONT, _register

    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0))
    c.setFont(FONT, 12)
    c.drawString(90, 700, "青石镇法治政府建设情况")
    c.save()
    assert read_pdf(buf.getvalue(), Path("x.pdf")).text == "青石镇法治政府建设情况"


def test_scanned_page_among_text_pages_warns(no_ocr: None) -> None:
    import pypdfium2 as pdfium

    text_pdf = pdfium.PdfDocument(make_pdf(REPORT, footer=None))
    text_pdf.import_pages(pdfium.PdfDocument(make_blank_pdf(1)))
    import io

    buf = io.BytesIO()
    text_pdf.save(buf)
    n = len(text_pdf)
    ex = read_pdf(buf.getvalue(), Path("x.pdf"))
    assert ex.text == EXPECTED
    assert len(ex.warnings) == 1 and f"page {n}" in ex.warnings[0] and "OCR" in ex.warnings[0]


def test_intentionally_blank_page_is_silent(no_ocr: None) -> None:
    data = make_pdf(REPORT, footer=None, blank_pages=[2])
    ex = read_pdf(data, Path("x.pdf"))
    assert ex.text == EXPECTED and ex.warnings == []


def test_garbled_page_falls_back_to_pdfplumber(report_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdf_mod._pdfium_page

    def pdfium_garbles_page_2(pdf: object, index: int) -> pdf_mod._Page:
        page = real(pdf, index)
        if index == 1:
            page.lines = [Line(text="(cid:3)(cid:4)(cid:5)", page=2)]
            page.status = "garbled"
        return page

    monkeypatch.setattr(pdf_mod, "_pdfium_page", pdfium_garbles_page_2)
    ex = read_pdf(report_pdf, Path("x.pdf"))
    assert ex.text == FULL
    assert ex.extractor == "pdfium+pdfplumber"


@dataclass
class _FakeOcrPage:
    text: str
    confidence: float


def test_ocr_hook_reads_pages_without_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[int]] = []

    def ocr_pdf_pages(data: bytes, page_indices: list[int], path: Path) -> dict[int, _FakeOcrPage]:
        calls.append(page_indices)
        texts = ["柳溪乡全年化解矛盾纠纷86件。", "二、存在的不足和原因"]
        return {i: _FakeOcrPage(text=texts[i], confidence=0.8 + 0.1 * i) for i in page_indices}

    fake = types.ModuleType("pipeline.ingest.ocr")
    fake.ocr_available = lambda: True  # type: ignore[attr-defined]
    fake.ocr_pdf_pages = ocr_pdf_pages  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.ingest.ocr", fake)
    monkeypatch.setattr(pipeline.ingest, "ocr", fake, raising=False)
    ex = read_pdf(make_blank_pdf(2), Path("scan.pdf"))
    assert calls == [[0, 1]]
    assert ex.text == "柳溪乡全年化解矛盾纠纷86件。\n二、存在的不足和原因"
    assert ex.extractor == "pdfium+ocr"
    assert ex.ocr_confidence == pytest.approx(0.85)


def test_ocr_module_missing_is_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pipeline.ingest.ocr", None)  # import fails
    monkeypatch.delattr(pipeline.ingest, "ocr", raising=False)
    with pytest.raises(GovReportError) as info:
        read_pdf(make_blank_pdf(1), Path("scan.pdf"))
    assert info.value.code == "needs_ocr"


# --- the shared corpus: DOCX and its PDF rendering agree ------------------------------
def _squash(text: str) -> str:
    from pipeline.normalise import normalise

    return re.sub(r"\s+", "", normalise(text).text)


def char_difference(a: str, b: str) -> float:
    """Share of characters that differ, aligned sentence by sentence first (fast on long texts)."""
    sa, sb = re.split(r"(?<=[。；])", a), re.split(r"(?<=[。；])", b)
    matched = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        if op == "equal":
            matched += sum(map(len, sa[i1:i2]))
        else:
            x, y = "".join(sa[i1:i2]), "".join(sb[j1:j2])
            matched += sum(m.size for m in difflib.SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks())
    return 1 - matched / max(len(a), len(b), 1)


def test_char_difference() -> None:
    assert char_difference("甲乙丙。丁戊己。", "甲乙丙。丁戊己。") == 0
    assert char_difference("甲乙丙。丁戊己。", "甲乙丙。丁戊。") == pytest.approx(1 / 8)


def test_docx_and_pdf_renderings_agree(shared: Path) -> None:
    from pipeline.ingest.docx import read_docx

    files = sorted((shared / "corpus" / "ext" / "files").glob("*.pdf"))
    pairs = [(p, p.with_suffix(".docx")) for p in files if p.with_suffix(".docx").exists()]
    if not pairs:
        pytest.skip("no DOCX/PDF pairs in ../shared/corpus/ext/files")
    for pdf_path, docx_path in pairs:
        a = _squash(read_docx(docx_path.read_bytes(), docx_path).text)
        b = _squash(read_pdf(pdf_path.read_bytes(), pdf_path).text)
        assert char_difference(a, b) <= 0.02, pdf_path.name


def test_rotated_pages_keep_their_order() -> None:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(make_pdf(REPORT, footer=None))
    for i in range(len(pdf)):
        pdf[i].set_rotation(90)
    buf = io.BytesIO()
    pdf.save(buf)
    # pdfium scrambles the line order of a /Rotate'd page; the reader restores it.
    assert read_pdf(buf.getvalue(), Path("x.pdf")).text == EXPECTED


def test_page_pdfium_cannot_parse_falls_back(report_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdf_mod._pdfium_page

    def broken_page_3(pdf: object, index: int) -> pdf_mod._Page:
        if index == 2:
            raise RuntimeError("broken content stream")
        return real(pdf, index)

    monkeypatch.setattr(pdf_mod, "_pdfium_page", broken_page_3)
    ex = read_pdf(report_pdf, Path("x.pdf"))
    assert ex.text == FULL and ex.extractor == "pdfium+pdfplumber"


_SUFFIXES = [a + b for a in "甲乙丙丁戊己庚辛壬" for b in "东南西北中"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
def test_libreoffice_pdf_keeps_an_unnumbered_heading_after_a_full_lead_in(tmp_path: Path) -> None:
    """A lead-in that fills its last line ("…报告如下：") must not swallow the heading below it."""
    import subprocess

    import docx

    filler = "青石乡按照县委依法治县办的统一部署结合本乡实际认真梳理全年法治建设各项工作"
    document = docx.Document()
    document.add_paragraph("青石乡人民政府关于2024年法治政府建设情况的报告")
    for k in range(30, 75):  # lead-ins of every length: some end exactly at the right margin
        start = k % len(filler)
        document.add_paragraph(f"第{k}段" + (filler * 4)[start:start + k] + "，现将有关情况报告如下：")
        # Each heading its own words: a line repeated at page edges would be taken for a running header.
        document.add_paragraph("主要举措和成效" + _SUFFIXES[k - 30])
    document.save(str(tmp_path / "r.docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "r.docx")],
                   capture_output=True, timeout=180, check=True)
    text = read_pdf((tmp_path / "r.pdf").read_bytes(), Path("r.pdf")).text
    assert not re.search(r"如下：[ \t]*主要举措", text)
    assert len(re.findall(r"(?m)^主要举措和成效\S{2}$", text)) == 45
