"""Saved government web pages: the article only, in the page's own charset."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import GovReportError
from pipeline.ingest.html import decode_html, read_html

TITLE = "青石镇人民政府关于2023年法治政府建设情况的报告"
BODY = [
    "2023年，青石镇坚持把法治政府建设摆在全局工作的重要位置，现将有关情况报告如下：",
    "一、主要举措和成效",
    "（一）健全学法制度。全年召开会前学法会议12次，",  # a <br> inside the paragraph
    "组织干部参加法治专题培训3场。",
    "项目\t数量",
    "普法活动\t25场",
    "二、存在的不足和原因",
    "个别干部运用法治思维的能力还有待提高。",
]
EXPECTED = "\n".join([TITLE, *BODY])

# A typical CMS template: top navigation, breadcrumb, title, info line with font-size
# links, the article in a TRS_Editor div, share and print links, a footer.
TEMPLATE = """<!DOCTYPE html>
<html><head>{meta}
<title>{title}_明川县人民政府</title>
<style>.TRS_Editor p {{ line-height: 2; }}</style>
<script>var crumbs = "首页 > 政务公开";</script>
</head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="wrapper">
  <div class="location">您当前所在位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 法治政府建设年度报告</div>
  <div class="article-box">
    <h1 class="article-title">{title}</h1>
    <div class="article-info">发布时间：2024-01-20 来源：青石镇人民政府 <span class="fontsize">字号：<a>大</a> <a>中</a> <a>小</a></span></div>
    <div class="TRS_Editor" id="zoom">
      <p style="text-indent:2em">2023年，青石镇坚持把法治政府建设摆在全局工作的重要位置，现将有关情况报告如下：</p>
      <p><strong>一、主要举措和成效</strong></p>
      <p>（一）健全学法制度。全年召开会前学法会议12次，<br/>组织干部参加法治专题培训3场。</p>
      <table border="1"><tr><td>项目</td><td>数量</td></tr><tr><td>普法活动</td><td>25场</td></tr></table>
      <div>二、存在的不足和原因</div>
      <p>个别干部运用法治思维的能力还有待提高。</p>
      <p style="display:none">隐藏的内容</p>
    </div>
    <div class="bdshare">分享到：<a>微信</a> <a>微博</a></div>
    <p class="tools"><a href="javascript:print()">【打印本页】</a> <a href="javascript:close()">【关闭窗口】</a></p>
  </div>
</div>
<div class="footer"><p>版权所有：明川县人民政府办公室</p><p>网站标识码：0000000000</p></div>
</body></html>
"""


def _page(meta: str = "", title: str = TITLE) -> str:
    return TEMPLATE.format(meta=meta, title=title)


@pytest.mark.parametrize(
    ("meta", "codec", "expected_codec"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030", "gb18030"),
        ('<meta charset="GBK">', "gbk", "gb18030"),
        ('<meta charset="utf-8">', "utf-8", "utf-8"),
        ("", "utf-8", "utf-8"),  # no declaration: the TXT rules
        ("", "gb18030", "gb18030"),
        ('<meta charset="utf-8">', "gb18030", "gb18030"),  # a page that lies about its charset
    ],
)
def test_article_only_in_the_page_charset(meta: str, codec: str, expected_codec: str) -> None:
    ex = read_html(_page(meta).encode(codec), Path("青石镇.html"))
    assert ex.text == EXPECTED
    assert ex.encoding == expected_codec
    assert ex.html_title == f"{TITLE}_明川县人民政府"
    assert ex.blocks[0].kind == "title"
    assert [b.kind for b in ex.blocks].count("table_row") == 2


def test_big5_page() -> None:
    title = "柳溪鄉人民政府關於2023年法治政府建設情況的報告"
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"><title>{title}</title></head>
    <body><div id="nav"><a>首頁</a><a>政務公開</a></div>
    <div class="content"><h2>{title}</h2><p>全年開展會前學法12次，化解矛盾糾紛86件。</p></div></body></html>"""
    ex = read_html(page.encode("big5"), Path("x.htm"))
    assert ex.encoding == "big5"
    assert ex.text == f"{title}\n全年開展會前學法12次，化解矛盾糾紛86件。"


def test_density_without_known_names() -> None:
    # No content class names at all: the densest container wins over link lists.
    links = "".join(f'<li><a href="/n{i}">明川县第{i}条工作动态新闻标题</a></li>' for i in range(30))
    paras = "".join(f"<p>云岭街道第{i}项工作：依法完成年度目标任务，群众满意度较上年提高。</p>" for i in range(6))
    page = f"""<html><head><meta charset="utf-8"><title>云岭街道报告</title></head><body>
    <table><tr><td><ul>{links}</ul></td><td><div><h2>云岭街道2023年法治政府建设情况报告</h2>{paras}</div></td></tr></table>
    </body></html>"""
    ex = read_html(page.encode(), Path("x.html"))
    lines = ex.text.split("\n")
    assert lines[0] == "云岭街道2023年法治政府建设情况报告"
    assert lines[1:] == [f"云岭街道第{i}项工作：依法完成年度目标任务，群众满意度较上年提高。" for i in range(6)]


def test_title_from_meta_article_title() -> None:
    page = f"""<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{TITLE}"><title>明川县人民政府</title></head>
    <body><div class="content"><p>全年开展会前学法12次，化解矛盾纠纷86件，依法办理政府信息公开申请5件。</p></div></body></html>"""
    ex = read_html(page.encode(), Path("x.html"))
    assert ex.text == f"{TITLE}\n全年开展会前学法12次，化解矛盾纠纷86件，依法办理政府信息公开申请5件。"


def test_title_from_page_title_when_nothing_else() -> None:
    page = """<html><head><meta charset="utf-8"><title>柳溪乡2023年法治政府建设情况报告_明川县人民政府网</title></head>
    <body><p>全年开展会前学法12次，化解矛盾纠纷86件，依法办理政府信息公开申请5件。</p></body></html>"""
    ex = read_html(page.encode(), Path("x.html"))
    assert ex.text.split("\n")[0] == "柳溪乡2023年法治政府建设情况报告"


@pytest.mark.parametrize(
    "line",
    [
        "您当前所在位置：首页 > 政务公开 > 法治政府",
        "当前位置：首页>信息公开",
        "首页 > 政务公开 > 年度报告",
        "发布时间：2024-01-20 来源：青石镇",
        "日期：2024-01-20 浏览次数：356",
        "【打印本页】【关闭窗口】",
        "字号：大 中 小",
        "分享到：",
        "[ 索引号 ] 11500000/2024-00001",
    ],
)
def test_furniture_lines_inside_the_article_are_dropped(line: str) -> None:
    page = f"""<html><head><meta charset="utf-8"></head><body><div class="content">
    <p>{line}</p><p>全年开展会前学法12次，化解矛盾纠纷86件，依法办理政府信息公开申请5件。</p></div></body></html>"""
    ex = read_html(page.encode(), Path("x.html"))
    assert ex.text == "全年开展会前学法12次，化解矛盾纠纷86件，依法办理政府信息公开申请5件。"


def test_source_line_of_the_document_itself_is_kept() -> None:
    # "来源：" alone (no date, no second label) can be part of the report: keep it.
    page = """<html><head><meta charset="utf-8"></head><body><div class="content">
    <p>来源：明川县司法局</p><p>全年开展会前学法12次，化解矛盾纠纷86件。</p></div></body></html>"""
    assert read_html(page.encode(), Path("x.html")).text == "来源：明川县司法局\n全年开展会前学法12次，化解矛盾纠纷86件。"


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"<html><head><title>x</title></head><body></body></html>",
        '<html><body><div class="nav"><a>首页</a><a>政务公开</a></div><script>load()</script></body></html>'.encode(),
    ],
)
def test_pages_without_article_are_empty(page: bytes) -> None:
    with pytest.raises(GovReportError) as info:
        read_html(page, Path("柳溪乡.html"))
    assert info.value.code == "empty"
    assert "柳溪乡.html" in str(info.value)


def test_undecodable_page_is_bad_encoding() -> None:
    with pytest.raises(GovReportError) as info:
        decode_html(b"<html>\x00\x01\x02" + bytes(range(128, 256)) * 4, Path("x.html"))
    assert info.value.code == "bad_encoding"


def test_xml_declaration_with_encoding() -> None:
    page = f'<?xml version="1.0" encoding="gb2312"?><html><body><div class="content"><p>{BODY[0]}</p></div></body></html>'
    ex = read_html(page.encode("gb18030"), Path("x.xhtml"))
    assert ex.encoding == "gb18030" and ex.text == BODY[0]


def test_title_in_a_head_wrapper_and_page_in_a_top_wrapper() -> None:
    paras = "".join(f"<p>柳溪乡第{i}项工作：依法完成年度目标任务，群众满意度较上年有所提高。</p>" for i in range(5))
    page = f"""<html><head><meta charset="utf-8"><title>柳溪乡2023年法治政府建设情况报告_明川县人民政府</title></head>
    <body><div class="top-wrap">
      <div class="header"><h1 class="logo">明川县人民政府</h1><a>首页</a><a>政务公开</a></div>
      <div class="article-head"><h2>柳溪乡2023年法治政府建设情况报告</h2></div>
      <div class="article-body">{paras}</div>
      <footer><p>明川县人民政府办公室主办</p></footer>
    </div></body></html>"""
    lines = read_html(page.encode(), Path("x.html")).text.split("\n")
    assert lines[0] == "柳溪乡2023年法治政府建设情况报告"
    assert lines[1:] == [f"柳溪乡第{i}项工作：依法完成年度目标任务，群众满意度较上年有所提高。" for i in range(5)]


def test_disclosure_table_and_info_lines_without_class_names() -> None:
    # Class names that say nothing: the line filters remove the CMS data above the article.
    rows = "".join(
        f"<tr><td>[ {k} ]</td><td>{v}</td></tr>"
        for k, v in [("索引号", "000000000/2024-00001"), ("发文字号", ""), ("主题分类", "其他"), ("发布机构", "柳溪乡"),
                     ("成文日期", "2024-01-20")]
    )
    paras = "".join(f"<p>柳溪乡第{i}项工作：依法完成年度目标任务，群众满意度较上年有所提高。</p>" for i in range(5))
    page = f"""<html><head><meta charset="utf-8"><title>柳溪乡2023年法治政府建设情况报告</title></head><body>
    <div class="b1"><table>{rows}</table><div class="b2">柳溪乡2023年法治政府建设情况报告</div>
    <div>日期：2024-01-20 来源：柳溪乡</div><div>语音播报</div>{paras}</div></body></html>"""
    lines = read_html(page.encode(), Path("x.html")).text.split("\n")
    assert lines == ["柳溪乡2023年法治政府建设情况报告"] + [
        f"柳溪乡第{i}项工作：依法完成年度目标任务，群众满意度较上年有所提高。" for i in range(5)
    ]


def test_signature_beside_the_text_div_is_kept() -> None:
    paras = "".join(f"<p>青石镇第{i}项工作：依法完成年度目标任务，群众满意度较上年有所提高。</p>" for i in range(8))
    page = f"""<html><head><meta charset="utf-8"><title>青石镇报告</title></head><body>
    <div class="box"><div class="wrap">{paras}</div>
    <p style="text-align:right">青石镇人民政府</p><p style="text-align:right">2025年1月15日</p></div>
    <ul class="list"><li><a>其他新闻一</a></li><li><a>其他新闻二</a></li></ul></body></html>"""
    lines = read_html(page.encode(), Path("x.html")).text.split("\n")
    assert lines[-2:] == ["青石镇人民政府", "2025年1月15日"]
    assert lines[1] == "青石镇第0项工作：依法完成年度目标任务，群众满意度较上年有所提高。"
