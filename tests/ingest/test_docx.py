"""DOCX ingestion: order of paragraphs and tables, heading and numbering hints, what is left out, errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import GovReportError
from pipeline.ingest.docx import chinese_number, format_number, read_docx
from tests.ingest.builders import make_docx, numbered, replace_part, with_numbering


def _read(data: bytes) -> Any:
    return read_docx(data, Path("青石镇.docx"))


def _lines(ex: Any) -> list[str]:
    return [ex.text[b.start:b.end] for b in ex.blocks]


def test_paragraphs_and_tables_in_document_order() -> None:
    def build(doc: Any) -> None:
        doc.add_paragraph("青石镇人民政府关于2024年法治政府建设情况的报告")
        doc.add_paragraph("全年主要指标如下：")
        table = doc.add_table(rows=3, cols=3)
        for r, row in enumerate([["项目", "数量", "备注"], ["会前学法", "12次", ""], ["法治培训", "3场", "覆盖120人"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        doc.add_paragraph("以上工作均按计划完成。")

    ex = _read(make_docx(build))
    assert ex.text == (
        "青石镇人民政府关于2024年法治政府建设情况的报告\n全年主要指标如下：\n"
        "项目\t数量\t备注\n会前学法\t12次\n法治培训\t3场\t覆盖120人\n以上工作均按计划完成。"
    )
    assert [b.kind for b in ex.blocks] == ["paragraph", "paragraph", "table_row", "table_row", "table_row", "paragraph"]
    assert ex.format == "docx"


def test_heading_styles_and_outline_levels() -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def build(doc: Any) -> None:
        doc.add_paragraph("柳溪乡2024年法治政府建设情况报告", style="Title")
        doc.add_heading("主要举措和成效", level=1)
        doc.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)  # WPS / Chinese Word style name
        doc.add_paragraph("健全依法决策机制", style="标题 2")
        outline = doc.styles.add_style("报告小标题", WD_STYLE_TYPE.PARAGRAPH)
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), "2")
        outline.element.get_or_add_pPr().append(lvl)
        doc.add_paragraph("会前学法常态化", style="报告小标题")
        p = doc.add_paragraph("直接设置大纲级别的段落")
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), "0")
        p._p.get_or_add_pPr().append(lvl)
        doc.add_paragraph("正文段落。")

    ex = _read(make_docx(build))
    got = [(ex.text[b.start:b.end], b.kind, b.heading_level) for b in ex.blocks]
    assert got == [
        ("柳溪乡2024年法治政府建设情况报告", "title", None),
        ("主要举措和成效", "paragraph", 1),
        ("健全依法决策机制", "paragraph", 2),
        ("会前学法常态化", "paragraph", 3),
        ("直接设置大纲级别的段落", "paragraph", 1),
        ("正文段落。", "paragraph", None),
    ]
    # The style name as stored (Word stores built-in names in lower case, whatever the UI language).
    assert ex.blocks[1].style == "heading 1" and ex.blocks[2].style == "标题 2"


def test_automatic_numbering_is_rendered() -> None:
    items = [
        (1, 0, "主要举措和成效"),
        (1, 1, "健全制度"),
        (1, 2, "建立会前学法制度"),
        (1, 2, "建立法律顾问制度"),
        (1, 1, "规范执法"),
        (1, 0, "存在的不足和原因"),
        (1, 1, "学法形式单一"),
        (2, 0, "要点式的附注"),
    ]

    def build(doc: Any) -> None:
        doc.add_paragraph("云岭街道2023年法治政府建设情况报告")
        for num_id, ilvl, text in items:
            numbered(doc.add_paragraph(text), num_id, ilvl)

    ex = _read(with_numbering(make_docx(build)))
    assert _lines(ex) == [
        "云岭街道2023年法治政府建设情况报告",
        "一、主要举措和成效",
        "（一）健全制度",
        "1.建立会前学法制度",
        "2.建立法律顾问制度",
        "（二）规范执法",
        "二、存在的不足和原因",
        "（一）学法形式单一",  # a lower level restarts after a higher one
        "要点式的附注",  # bullets are not text
    ]
    assert [b.numbering for b in ex.blocks] == [None, "一、", "（一）", "1.", "2.", "（二）", "二、", "（一）", "•"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCounting", "十二"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCounting", "一百零五"),
        (3, "chineseCountingThousand", "三"),
        (4, "chineseLegalSimplified", "肆"),
        (2, "ideographTraditional", "乙"),
        (3, "decimalEnclosedCircle", "③"),
        (7, "decimal", "7"),
        (7, "decimalZero", "07"),
        (3, "lowerLetter", "c"),
        (4, "upperRoman", "IV"),
        (12, "decimalFullWidth", "１２"),
    ],
)
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_chinese_number_examples() -> None:
    assert [chinese_number(n) for n in (1, 11, 21, 99, 100, 110, 1001)] == ["一", "十一", "二十一", "九十九", "一百", "一百一十", "一千零一"]


def test_headers_footers_hidden_text_left_out() -> None:
    def build(doc: Any) -> None:
        section = doc.sections[0]
        section.header.paragraphs[0].text = "明川县人民政府办公室文件"
        section.footer.paragraphs[0].text = "第 1 页"
        p = doc.add_paragraph("全年开展会前学法12次")
        hidden = p.add_run("（内部备注：不公开）")
        hidden.font.hidden = True
        p.add_run("，化解矛盾纠纷86件。")
        doc.add_paragraph("")  # empty paragraphs leave no blank blocks
        doc.add_paragraph("第一行\n第二行")  # a soft break is a line the reader sees

    ex = _read(make_docx(build))
    assert _lines(ex) == ["全年开展会前学法12次，化解矛盾纠纷86件。", "第一行", "第二行"]


def test_comments_left_out() -> None:
    def build(doc: Any) -> None:
        p = doc.add_paragraph("依法决策机制进一步健全。")
        if hasattr(doc, "add_comment"):
            doc.add_comment(p.runs, text="请核实数字", author="审核人")

    assert _read(make_docx(build)).text == "依法决策机制进一步健全。"


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _good() -> bytes:
    return make_docx(lambda doc: doc.add_paragraph("青石镇"))


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"PK\x03\x04" + b"\x00garbage" * 50, "corrupt"),
        (lambda: _good()[: len(_good()) // 2], "corrupt"),  # truncated
        (lambda: _zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"}), "corrupt"),  # no document.xml
        (lambda: replace_part(_good(), "word/document.xml", b"<w:document><w:body><w:p>"), "corrupt"),  # bad XML
        (lambda: make_docx(lambda doc: None), "empty"),
        (lambda: make_docx(lambda doc: doc.add_paragraph("   ")), "empty"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le"), "unsupported_format"),
    ],
)
def test_bad_docx(make: Any, code: str) -> None:
    with pytest.raises(GovReportError) as info:
        _read(make())
    assert info.value.code == code
    assert "青石镇.docx" in str(info.value)


def test_ext_corpus_docx_read(shared: Path) -> None:
    files = sorted((shared / "corpus" / "ext" / "files").glob("*.docx"))
    if not files:
        pytest.skip("no DOCX in ../shared/corpus/ext/files")
    for path in files:
        ex = read_docx(path.read_bytes(), path)
        assert len(ex.text) > 5000, path.name
        assert "\n\n" not in ex.text
        assert all(ex.text[b.start:b.end].strip() == ex.text[b.start:b.end] != "" for b in ex.blocks)


STYLE_NUMBERING_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:abstractNum w:abstractNumId="5">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="（%2）"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>
</w:numbering>
"""


def test_heading_styles_linked_to_a_multilevel_list() -> None:
    # Government templates tie 标题 1/标题 2 to a list: the style carries numPr without a level,
    # and the list's levels name the style they belong to.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def build(doc: Any) -> None:
        for style_name in ("Heading 1", "Heading 2"):
            ppr = doc.styles[style_name].element.get_or_add_pPr()
            numpr = OxmlElement("w:numPr")
            num_id = OxmlElement("w:numId")
            num_id.set(qn("w:val"), "7")
            numpr.append(num_id)
            ppr.append(numpr)
        doc.add_heading("主要举措和成效", level=1)
        doc.add_heading("健全制度", level=2)
        doc.add_heading("规范执法", level=2)
        doc.add_heading("存在的不足", level=1)

    ex = _read(with_numbering(make_docx(build), STYLE_NUMBERING_XML))
    assert _lines(ex) == ["一、主要举措和成效", "（一）健全制度", "（二）规范执法", "二、存在的不足"]
    assert [b.heading_level for b in ex.blocks] == [1, 2, 2, 1]


def _broken_by_shift_enter(doc: Any) -> None:
    h = doc.add_paragraph("一、主要举措", style="Heading 1")
    h.add_run().add_break()
    h.add_run("和成效")


def _broken_by_enter(doc: Any) -> None:
    doc.add_paragraph("一、主要举措", style="Heading 1")
    doc.add_paragraph("和成效", style="Heading 1")


@pytest.mark.parametrize("broken", [_broken_by_shift_enter, _broken_by_enter], ids=["shift-enter", "enter"])
def test_a_heading_broken_over_two_lines_is_one_heading(broken: Any) -> None:
    def build(doc: Any) -> None:
        doc.add_paragraph("青石乡人民政府关于2024年法治政府建设情况的报告", style="Title")
        broken(doc)
        doc.add_paragraph("全年开展法治讲座6次，发放宣传资料1200份。")
        doc.add_paragraph("二、存在的不足", style="Heading 1")
        doc.add_paragraph("（一）学法", style="Heading 2")
        doc.add_paragraph("不够深入", style="Heading 2")  # no marker after a marked heading of the same level
        doc.add_paragraph("三、下一步工作安排", style="Heading 1")

    ex = _read(make_docx(build))
    assert _lines(ex) == ["青石乡人民政府关于2024年法治政府建设情况的报告", "一、主要举措和成效",
                          "全年开展法治讲座6次，发放宣传资料1200份。", "二、存在的不足", "（一）学法不够深入",
                          "三、下一步工作安排"]
    assert [b.heading_level for b in ex.blocks] == [None, 1, None, 1, 2, 1]


def test_two_headings_of_one_level_stay_two() -> None:
    def build(doc: Any) -> None:
        doc.add_paragraph("一、主要举措和成效。", style="Heading 1")  # ends a sentence
        doc.add_paragraph("二、存在的不足", style="Heading 1")  # has its own marker
        doc.add_paragraph("三、党政主要负责人履行推进法治建设第一责任人职责情况和下一步工作的主要安排", style="Heading 1")
        doc.add_paragraph("及其他需要报告的事项", style="Heading 1")  # together too long for one heading

    assert _lines(_read(make_docx(build))) == ["一、主要举措和成效。", "二、存在的不足",
                                               "三、党政主要负责人履行推进法治建设第一责任人职责情况和下一步工作的主要安排", "及其他需要报告的事项"]
