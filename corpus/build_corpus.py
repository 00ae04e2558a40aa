"""Build the bundled sample corpus from the master texts in ``corpus/src/``.

The eight reports are fictional (明川县 and its townships do not exist) and were
written for this project. Each master is a plain UTF-8 text; this script renders
it in the format a township would really submit (PDF, DOCX, GB18030 text, a
page saved from a government website, UTF-8 text) and then checks that every
generated file opens with the library that reads it and gives back the master
text.

Usage (from the repository root)::

    python corpus/build_corpus.py            # rebuild and check
    python corpus/build_corpus.py --check    # only check the committed files

Rebuilding needs reportlab and python-docx (``pip install -e '.[test]'``). The
PDF uses reportlab's built-in CID font STSong-Light, so no font file is needed
and the text layer is plain Unicode; the generated files are committed, so
nothing here runs in CI. Output is byte-for-byte reproducible (fixed PDF ids,
fixed DOCX timestamps) so a rebuild leaves ``git status`` clean.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"

CN_NUM = "一二三四五六七八九十"
L1 = re.compile(rf"^[{CN_NUM}]+、")
L2 = re.compile(rf"^[（(]?[{CN_NUM}]+[）)]")
L3 = re.compile(r"^\d+[.．、](?!\d)")
UNNUMBERED_HEADINGS = frozenset({"主要举措和成效"})
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
ORGAN_LINE = re.compile(r"(人民政府|办事处|委员会)$")
PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$", re.M)


@dataclass(frozen=True)
class Target:
    """One generated file: which master it renders, where, and how."""

    src: str
    out: str
    fmt: str  # pdf | docx | html | txt-utf8 | txt-utf8-bom | txt-gb18030
    meta: dict[str, str] = field(default_factory=dict)


TARGETS: tuple[Target, ...] = (
    Target("qingshi-2024.txt", "2024/青石镇2024年法治政府建设情况报告.pdf", "pdf",
           {"author": "青石镇人民政府"}),
    Target("liuxi-2024.txt", "2024/柳溪乡2024年法治政府建设情况报告.txt", "txt-gb18030"),
    Target("yunling-2024.txt", "2024/yunling-2024.txt", "txt-utf8"),
    Target("baisha-2024.txt", "2024/baisha-2024.txt", "txt-utf8-bom"),
    Target("qingshi-2025.txt", "2025/青石镇2025年法治政府建设情况报告.docx", "docx",
           {"author": "青石镇党政办", "date": "2026-01-20"}),
    Target("liuxi-2025.txt", "2025/liuxi-2025.txt", "txt-utf8"),
    Target("yunling-2025.txt", "2025/云岭街道2025年法治政府建设情况报告.html", "html",
           {"index_no": "11530000MB0R57264K/2026-00017", "organ": "明川县云岭街道办事处",
            "written": "2026-01-28", "published": "2026-02-06", "time": "09:30", "views": "326",
            "charset": "gb2312"}),
    Target("baisha-2025.txt", "2025/白沙镇2025年度法治政府建设情况报告.txt", "txt-utf8"),
)


# ---------------------------------------------------------------- the master


@dataclass(frozen=True)
class Para:
    """A paragraph of the master with its layout role."""

    text: str
    role: str  # title | addressee | h1 | h2 | h3 | body | signature


def read_master(name: str) -> str:
    # Masters carry a ".master" suffix so that `govreport analyze corpus/` does not read them as reports.
    return (SRC / name).with_suffix(".master").read_text("utf-8")


def title_lines(master: str) -> list[str]:
    """The title block: the lines before the first blank line."""
    return master.strip("\n").split("\n\n", 1)[0].splitlines()


def paragraphs(master: str) -> list[Para]:
    """Split a master into paragraphs (one per non-blank line) and give each a role."""
    head, _, rest = master.strip("\n").partition("\n\n")
    lines = [ln.strip() for ln in rest.splitlines() if ln.strip()]
    n_sig = 0
    for ln in reversed(lines):
        if (DATE_LINE.match(ln) or ORGAN_LINE.search(ln)) and len(ln) <= 40:
            n_sig += 1
        else:
            break
    out = [Para("".join(head.splitlines()), "title")]
    for i, ln in enumerate(lines):
        if i >= len(lines) - n_sig:
            role = "signature"
        elif ln.endswith("：") and len(ln) <= 30 and i == 0:
            role = "addressee"
        elif ln in UNNUMBERED_HEADINGS or (L1.match(ln) and "。" not in ln[:-1]):
            role = "h1"
        elif L2.match(ln) and "。" not in ln[:-1] and len(ln) <= 40:
            role = "h2"
        elif L3.match(ln) and "。" not in ln[:-1] and len(ln) <= 40:
            role = "h3"
        else:
            role = "body"
        out.append(Para(ln, role))
    return out


# ---------------------------------------------------------------- writers


def write_txt(master: str, path: Path, encoding: str, newline: str = "\n") -> None:
    path.write_bytes(master.replace("\n", newline).encode(encoding))


NO_LINE_START = set("，。、；：？！）》」』”’%…—·")
NO_LINE_END = set("（《「『“‘")
TOKEN = re.compile(r"[0-9A-Za-z.%]+|.", re.S)


def wrap(text: str, width: float, measure: Callable[[str], float], indent: float = 0.0) -> list[str]:
    """Hard-wrap a paragraph as a word processor does: numbers stay whole, no line starts with closing punctuation."""
    lines: list[str] = []
    cur, cur_w, avail = "", 0.0, width - indent
    for tok in TOKEN.findall(text):
        w = measure(tok)
        if cur and cur_w + w > avail and tok[0] not in NO_LINE_START:
            carry = ""
            while cur and cur[-1] in NO_LINE_END:
                carry, cur = cur[-1] + carry, cur[:-1]
            lines.append(cur)
            cur, cur_w, avail = carry, measure(carry), width
        cur += tok
        cur_w += w
    if cur:
        lines.append(cur)
    return lines


def write_pdf(master: str, path: Path, meta: dict[str, str]) -> None:
    """A4 page laid out roughly as GB/T 9704: 3号 body, 2号 centred title, "- N -" page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page_w, page_h = A4
    left, right, top, bottom = 28 * mm, 26 * mm, 37 * mm, 35 * mm
    width = page_w - left - right
    body, title_size, leading = 16.0, 22.0, 28.9

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    paras = paragraphs(master)
    c.setTitle(paras[0].text)
    c.setAuthor(meta.get("author", ""))
    c.setCreator("Microsoft Word")
    page = 1
    y = page_h - top

    def finish_page() -> None:
        nonlocal page, y
        c.setFont(font, 14)
        c.drawCentredString(page_w / 2, bottom - 14 * mm, f"- {page} -")
        c.showPage()
        page += 1
        y = page_h - top

    def line(text: str, size: float, x: float, align: str = "left") -> None:
        nonlocal y
        if y < bottom:
            finish_page()
        c.setFont(font, size)
        if align == "center":
            c.drawCentredString(page_w / 2, y, text)
        elif align == "right":
            c.drawRightString(x, y, text)
        else:
            c.drawString(x, y, text)
        y -= leading if size <= body else size * 1.6

    for p in paras:
        if p.role == "title":
            # The title breaks where the master breaks it (real titles are set by hand).
            for t in title_lines(master):
                for seg in wrap(t, width, lambda s: pdfmetrics.stringWidth(s, font, title_size)):
                    line(seg, title_size, 0, "center")
            y -= leading * 0.5
        elif p.role == "signature":
            if p is next(q for q in paras if q.role == "signature"):
                y -= leading  # a blank line before the signature block
            line(p.text, body, page_w - right - 4 * body, "right")
        else:
            indent = 0.0 if p.role == "addressee" else 2 * body
            segs = wrap(p.text, width, lambda s: pdfmetrics.stringWidth(s, font, body), indent)
            for i, seg in enumerate(segs):
                line(seg, body, left + (indent if i == 0 else 0))
    finish_page()
    c.save()


def _east_asian_font(style_or_run: object, name: str) -> None:
    """Set the East Asian font, which python-docx's ``font.name`` does not reach."""
    from docx.oxml.ns import qn

    rpr = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _add_page_number_footer(section: object) -> None:
    """Footer "- PAGE -": readers must leave footers out of the body text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    run = p.add_run()
    for tag, attrs in (("w:fldChar", {"w:fldCharType": "begin"}),
                       ("w:instrText", {}),
                       ("w:fldChar", {"w:fldCharType": "end"})):
        el = run.element.makeelement(qn(tag), {qn(k): v for k, v in attrs.items()})
        if tag == "w:instrText":
            el.text = " PAGE "
        run.element.append(el)
    p.add_run(" -")


def write_docx(master: str, path: Path, meta: dict[str, str]) -> None:
    """A Word file as an office would save it: Title/Heading styles on the headings, footer page numbers."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(28), Mm(26), Mm(37), Mm(35)
    fonts = {"Normal": ("仿宋_GB2312", 16), "Title": ("方正小标宋简体", 22),
             "Heading 1": ("黑体", 16), "Heading 2": ("楷体_GB2312", 16), "Heading 3": ("仿宋_GB2312", 16)}
    for name, (face, size) in fonts.items():
        st = d.styles[name]
        st.font.size = Pt(size)
        st.font.bold = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian_font(st, face)
    style_of = {"title": "Title", "h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}
    for p in paragraphs(master):
        para = d.add_paragraph(p.text, style=style_of.get(p.role, "Normal"))
        fmt = para.paragraph_format
        if p.role == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif p.role == "signature":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(64)
        elif p.role != "addressee":
            fmt.first_line_indent = Pt(32)
    _add_page_number_footer(sec)
    when = dt.datetime.fromisoformat(meta.get("date", "2026-01-01") + "T09:00:00")
    cp = d.core_properties
    cp.author = cp.last_modified_by = meta.get("author", "")
    cp.title, cp.created, cp.modified, cp.revision = "", when, when, 1
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed member timestamps so rebuilds are byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


HTML_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta name="SiteName" content="明川县人民政府" />
<meta name="ColumnName" content="法治政府建设" />
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="{published} {time}" />
<meta name="ContentSource" content="{organ}" />
<title>{title}_法治政府建设_明川县人民政府</title>
<link rel="stylesheet" type="text/css" href="../../css/common.css" />
<script type="text/javascript" src="../../js/jquery.min.js"></script>
<script type="text/javascript">
  function doZoom(size) {{ document.getElementById('zoom').style.fontSize = size + 'px'; }}
</script>
</head>
<body>
<div class="topbar">
  <div class="w1200">
    <span class="date">今天是：<span id="today"></span></span>
    <a href="#">无障碍浏览</a> | <a href="#">长者模式</a> | <a href="#">繁体版</a> | <a href="#">登录</a>
  </div>
</div>
<div class="header">
  <div class="logo"><a href="/"><img src="../../images/logo.png" alt="明川县人民政府" /></a></div>
  <form class="search" action="/search" method="get">
    <input type="text" name="q" value="请输入关键字" /><input type="submit" value="搜索" />
  </form>
</div>
<div class="nav">
  <ul>
    <li><a href="/">首页</a></li>
    <li><a href="/zjmc/">走进明川</a></li>
    <li class="on"><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/ztzl/">专题专栏</a></li>
  </ul>
</div>
<div class="w1200 main">
  <div class="position">您当前所在位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/fzzfjs/">法治政府建设</a></div>
  <div class="xxgk-meta">
    <table cellspacing="0" cellpadding="0">
      <tr><th>索引号：</th><td>{index_no}</td><th>发文字号：</th><td></td></tr>
      <tr><th>发布机构：</th><td>{organ}</td><th>主题分类：</th><td>公安、安全、司法、法制</td></tr>
      <tr><th>成文日期：</th><td>{written}</td><th>发布日期：</th><td>{published}</td></tr>
      <tr><th>名　　称：</th><td colspan="3">{title}</td></tr>
    </table>
  </div>
  <div class="article">
    <h1 class="article-title">{title}</h1>
    <div class="article-info">
      <span>发布时间：{published} {time}</span>
      <span>来源：{organ}</span>
      <span>浏览次数：<em id="views">{views}</em></span>
      <span>字号：[<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</span>
    </div>
    <div class="article-content" id="zoom">
{body}
    </div>
    <div class="article-tools">
      <div class="share">分享到：<a class="wx" href="#">微信</a> <a class="wb" href="#">微博</a> <a class="qq" href="#">QQ空间</a></div>
      <div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
    </div>
    <div class="prev-next">
      <p>上一篇：<a href="#">明川县柳溪乡人民政府2025年法治政府建设情况报告</a></p>
      <p>下一篇：<a href="#">明川县司法局2025年法治政府建设年度报告</a></p>
    </div>
  </div>
</div>
<div class="footer">
  <p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">隐私声明</a></p>
  <p>主办：明川县人民政府办公室　承办：明川县政务数据服务中心</p>
  <p>网站标识码：5300000017　明ICP备2026000017号　明公网安备 53000002000017号</p>
  <p>联系电话：0870-1234567　建议使用1366×768分辨率浏览</p>
</div>
<script type="text/javascript">
  document.getElementById('today').innerHTML = new Date().toLocaleDateString();
</script>
</body>
</html>
"""


def write_html(master: str, path: Path, meta: dict[str, str]) -> None:
    """A page as saved from the county portal: the report inside navigation, metadata and footer."""
    paras = paragraphs(master)
    rows = []
    for p in paras[1:]:
        text = html.escape(p.text, quote=False)
        if p.role == "signature":
            rows.append(f'      <p style="text-align: right;">{text}</p>')
        elif p.role in ("h1", "h2"):
            rows.append(f'      <p style="text-indent: 2em;"><strong>{text}</strong></p>')
        else:
            rows.append(f'      <p style="text-indent: 2em;">{text}</p>')
    page = HTML_PAGE.format(title=html.escape(paras[0].text), body="\n".join(rows), **meta)
    # Strict: a page that claims gb2312 must not hold characters outside it.
    path.write_bytes(page.replace("\n", "\r\n").encode(meta["charset"]))


def build(t: Target) -> Path:
    master = read_master(t.src)
    path = HERE / t.out
    path.parent.mkdir(parents=True, exist_ok=True)
    if t.fmt == "pdf":
        write_pdf(master, path, t.meta)
    elif t.fmt == "docx":
        write_docx(master, path, t.meta)
    elif t.fmt == "html":
        write_html(master, path, t.meta)
    elif t.fmt == "txt-utf8":
        write_txt(master, path, "utf-8")
    elif t.fmt == "txt-utf8-bom":
        write_txt(master, path, "utf-8-sig")
    elif t.fmt == "txt-gb18030":
        # Saved by a Windows editor: GB18030 with CRLF line ends.
        write_txt(master, path, "gb18030", "\r\n")
    else:
        raise ValueError(f"unknown format {t.fmt!r}")
    return path


# ---------------------------------------------------------------- checks


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def extracted_texts(t: Target, path: Path) -> Iterator[tuple[str, str]]:
    """(reader name, text) for every library that should read this file."""
    data = path.read_bytes()
    if t.fmt == "pdf":
        import pdfplumber
        import pypdfium2

        with pdfplumber.open(path) as pdf:
            yield "pdfplumber", "\n".join(pg.extract_text() or "" for pg in pdf.pages)
        doc = pypdfium2.PdfDocument(str(path))
        try:
            yield "pypdfium2", "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        finally:
            doc.close()
    elif t.fmt == "docx":
        import docx

        d = docx.Document(str(path))
        styles = {p.style.name for p in d.paragraphs}
        if not {"Heading 1", "Heading 2"} <= styles:
            raise AssertionError(f"{path.name}: heading styles missing ({sorted(styles)})")
        yield "python-docx", "\n".join(p.text for p in d.paragraphs)
    elif t.fmt == "html":
        import lxml.html

        charset = re.search(rb"charset=([\w-]+)", data[:2048])
        assert charset, "no charset in the page"
        tree = lxml.html.fromstring(data.decode(charset.group(1).decode("ascii")))
        content = tree.get_element_by_id("zoom")
        title = tree.find_class("article-title")[0].text_content()
        yield "lxml", title + "\n" + "\n".join(p.text_content() for p in content.iter("p"))
    elif t.fmt == "txt-gb18030":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise AssertionError(f"{path.name}: decodes as UTF-8, expected GB18030 only")
        yield "gb18030", data.decode("gb18030")
    elif t.fmt == "txt-utf8-bom":
        assert data.startswith(b"\xef\xbb\xbf"), "no BOM"
        yield "utf-8-sig", data.decode("utf-8-sig")
    else:
        yield "utf-8", data.decode("utf-8")


def check(t: Target) -> list[str]:
    """Problems with one generated file; empty when it reads back as its master."""
    path = HERE / t.out
    if not path.is_file():
        return [f"{t.out}: missing (run without --check)"]
    master = read_master(t.src)
    want = squash(master)
    title = "".join(title_lines(master))
    problems = []
    for reader, text in extracted_texts(t, path):
        if t.fmt == "pdf":
            if "- 1 -" not in text:
                problems.append(f"{t.out}: {reader}: no page number '- 1 -'")
            if "(cid:" in text or "\ufffd" in text:
                problems.append(f"{t.out}: {reader}: garbled text layer")
            text = PAGE_NUMBER.sub("", text.replace("\r\n", "\n"))
        got = squash(text)
        if squash(title) not in got:
            problems.append(f"{t.out}: {reader}: title not found")
        if got != want:
            i = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            problems.append(f"{t.out}: {reader}: text differs from master at char {i}: "
                            f"{got[max(0, i - 10):i + 10]!r} vs {want[max(0, i - 10):i + 10]!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the generated files")
    args = ap.parse_args(argv)
    problems: list[str] = []
    for t in TARGETS:
        if not args.check:
            build(t)
        found = check(t)
        problems += found
        size = (HERE / t.out).stat().st_size if (HERE / t.out).exists() else 0
        print(f"{'FAIL' if found else 'ok  '} {t.fmt:12} {size:7d} B  corpus/{t.out}")
    for p in problems:
        print("  " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
