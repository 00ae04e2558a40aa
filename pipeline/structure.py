"""Structure stage: title, headings, paragraphs and the section tree.

Everything is matched on ``report.norm`` (full-width folded, simplified, spaces
inside lines dropped) and stored with offsets into ``report.text``; titles and
headings are quoted with the document's own characters.

The rules follow GB/T 9704 (一、 / （一） / 1. / （1）) and the variants found
in published reports: ``一）``, ``(一)``, ``1、``, a bare ``2`` continuing a
``1、`` series, ``第一部分``, unnumbered heading lines ("主要举措和成效" on its
own line) and run-in headings that open a paragraph ("（一）加强组织领导，强化
责任落实。我乡…" → the heading ends at the first 。). A heading's level follows
its marker, not its depth. Layout hints (DOCX heading styles, PDF font sizes)
add headings the text alone would miss.

One pass over the lines with precompiled patterns: linear in the length of the
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.dates import DATE_LINE_START
from pipeline.dates import PUBLICATION_STAMP as _TITLE_TAIL_DATE
from pipeline.furniture import LEAD_JUNK, OCR_PAGE_NUMBER, PAGE_NUMBER, is_web_tool_line
from pipeline.furniture import SITE_NAME as _SITE_NAME
from pipeline.furniture import SITE_SUFFIX as _TITLE_TAIL_SITE
from pipeline.furniture import WEB_FURNITURE as _FURNITURE  # the title code reads it under this name
from pipeline.markers import BARE_NUMBER, CN_DIGITS, ENCLOSED_BASE, ENUMERATOR, HEADING_MARKERS, MARKER_NUMBER
from pipeline.quantities import HEADING_QUANTITY
from pipeline.sentences import SENTENCE_ENDS
from pipeline.types import Block, Heading, Paragraph, Report, Section

__all__ = ["Line", "build_structure", "split_lines", "TITLE_FIELD"]


_CJK = re.compile(r"[\u4e00-\u9fff]")

# Words that make a short unnumbered line a section heading (domain.md 2.3).
_HEADING_WORDS = re.compile(
    r"举措|成效|成绩|做法|不足|问题|原因|短板|安排|打算|计划|思路|措施|展望|下一步|下步|"
    r"第一责任人|职责|履职|其他|其它|基本情况|工作情况|开展情况|总体情况|推进情况|主要工作|有关情况"
)
_NOT_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]是|首先|其次|再次|最后|同时|另外|此外)")

# Title: a line ending with a document-type word (optionally followed by a
# parenthetical such as a date or a plan period).
_TITLE_END = re.compile(
    r"(?:报告|情况|总结|汇报|通知|方案|要点|规划|计划|思路|打算|解读|意见|纪要|决定|办法|细则|指引|清单|指标体系|标准|"
    r"年报|通报|述法|年鉴|报道)"
    r"(?:[（(][^（()）]{0,20}[）)])?$"
)
_TITLE_TOPIC = re.compile(r"法治|依法|政府|报告|总结")
_TITLE_CONT = re.compile(r"^(?:关于|法治|依法|建设|工作|年度|情况|的|报告|总结|20\d\d|[（(])")
_UNFINISHED = re.compile(r"(?:关于|及|和|与|暨|的|\d{4}年度?)$")
_TITLE_OPEN = re.compile(r"^关于")
_PARTY_LINE = re.compile(r"^中共|(?:委员会|党委|党工委|党组)$")
_ORG_END = re.compile(r"(?:委员会|人民政府|政府|办事处|党委|党工委|管委会|局|委|厅|办公室|办|乡|镇|街道|县|区|市|省|部|署|院|中心)$")
# The field's value may sit in the next cell of a page's table ("标题:|…报告|").
TITLE_FIELD = re.compile(r"^(?:标\s*题|名\s*称|文件名称|标题名称)[:：]\s*(?:\|\s*)?([^|]+?)\s*(?:\||$)")
_FIELD_LINE = re.compile(r"^[\[【]?\s*[\u4e00-\u9fff\s]{1,8}\s*[\]】]?\s*[:：|]")
_ADDRESSEE_TEXT = r"(?:中共)?[\u4e00-\u9fff、,，\s]{2,40}(?:委|政府|委员会|办|常委会|工委|党组)[:：]"
_ADDRESSEE = re.compile("^" + _ADDRESSEE_TEXT + "$")


@dataclass
class Line:
    """A line of ``report.norm`` (a virtual line when a heading follows a sentence on the same line)."""

    start: int  # norm offsets, leading junk and trailing whitespace excluded
    end: int
    text: str  # norm text of the line
    block: Block | None = None


def split_lines(report: Report, stop: int | None = None) -> list[Line]:
    """Non-blank lines of ``norm``; also splits "…。 一、标题" written on one line.

    Some pages lose their line breaks and keep only spaces; normalisation drops
    those spaces, so a gap in ``norm_map`` after a sentence end followed by a
    heading marker is taken as a line break. With ``stop``, only the lines that
    start before that norm offset (the same lines as without it).
    """
    norm, nmap = report.norm, report.norm_map
    lines: list[Line] = []
    pos = 0
    n = len(norm)
    last = n if stop is None else min(n, stop)
    while pos <= last:
        nl = norm.find("\n", pos)
        if nl < 0:
            nl = n
        s, e = pos, nl
        while s < e and norm[s] in " \t\r":
            s += 1
        m = LEAD_JUNK.match(norm, s, e)
        if m and m.end() < e:
            s = m.end()
        while e > s and norm[e - 1] in " \t\r":
            e -= 1
        if e > s:
            for a, b in _virtual_breaks(norm, nmap, s, e):
                if stop is not None and a >= stop:
                    break
                lines.append(Line(a, b, norm[a:b]))
        pos = nl + 1
    _attach_blocks(report, lines)
    return lines


_BREAK_AFTER = "。：:；;!！?？"


def _virtual_breaks(norm: str, nmap: list[int], s: int, e: int) -> list[tuple[int, int]]:
    if not nmap or e - s < 40:
        return [(s, e)]
    spans: list[tuple[int, int]] = []
    cur = s
    for i in _gaps(nmap, s, e - 1):
        if _breaks_here(norm, i, e):
            spans.append((cur, i))
            cur = i
    spans.append((cur, e))
    return spans


def _gaps(nmap: list[int], lo: int, hi: int) -> list[int]:
    """Indices ``i`` in ``(lo, hi]`` where ``nmap`` jumps (characters were dropped before ``i``).

    ``nmap`` is strictly increasing, so a range without a jump is recognised in
    O(1) by its two ends; bisecting finds the few jumps without a Python loop
    over every character of the line.
    """
    out: list[int] = []
    stack = [(lo, hi)]
    while stack:
        a, b = stack.pop()
        if nmap[b] - nmap[a] == b - a:
            continue
        if b - a == 1:
            out.append(b)
            continue
        mid = (a + b) // 2
        # Right half first on the stack so the left half pops first: jumps come out in order.
        stack.append((mid, b))
        stack.append((a, mid))
    return out


def _breaks_here(norm: str, i: int, e: int) -> bool:
    """A heading marker after a space gap: after a sentence end, or a bracketed (一) after any text."""
    hit = _marker_at(norm, i, e)
    if hit is None:
        return False
    bracketed = norm[i] in "（(" or "\u3220" <= norm[i] <= "\u3229"
    return norm[i - 1] in _BREAK_AFTER or (bracketed and hit[0] == 2 and _CJK.match(norm, i - 1) is not None)


def _marker_at(text: str, s: int, e: int) -> tuple[int, int] | None:
    for level, pat in HEADING_MARKERS:
        m = pat.match(text, s, e)
        if m:
            return level, m.end() - s
    return None


def _attach_blocks(report: Report, lines: list[Line]) -> None:
    """Give each line the layout block it starts in (blocks are in text order)."""
    if not report.blocks or not lines:
        return
    blocks = sorted(report.blocks, key=lambda b: b.start)
    j = 0
    for line in lines:
        tpos = report.to_text_pos(line.start)
        while j + 1 < len(blocks) and blocks[j + 1].start <= tpos:
            j += 1
        b = blocks[j]
        if b.start <= tpos < max(b.end, b.start + 1):
            line.block = b


# --------------------------------------------------------------------------- headings


@dataclass
class _Cand:
    line: int
    level: int
    start: int  # norm offsets of the heading text
    end: int
    marker: str | None
    run_in: bool
    number: int | None = None


def _number(marker: str) -> int | None:
    for lo, hi in ENCLOSED_BASE:
        if marker and lo <= ord(marker[0]) <= hi:
            return ord(marker[0]) - lo + 1
    m = MARKER_NUMBER.search(marker)
    if not m:
        return None
    tok = m.group(0)
    if tok.isdigit():
        return int(tok)
    vals = {c: i + 1 for i, c in enumerate(CN_DIGITS)}
    if tok == "十":
        return 10
    if tok.startswith("十"):
        return 10 + vals.get(tok[1], 0)
    if len(tok) == 2 and tok[1] == "十":
        return vals[tok[0]] * 10
    if len(tok) == 3 and tok[1] == "十":
        return vals[tok[0]] * 10 + vals.get(tok[2], 0)
    return vals.get(tok[0])


def _heading_span(line: Line, mlen: int) -> tuple[int, bool] | None:
    """End (norm offset) of the heading on a numbered line and whether it is run-in, or None."""
    text = line.text
    rest = text[mlen:]
    if not rest or not (_CJK.match(rest) or rest[0] in "“\"《" or rest[0].isdigit()):
        return None
    # A glossary or list entry ("1.“两重”：国家重大战略…") defines a term: not a heading.
    colon = re.search(r"[：:]", rest)
    if colon and colon.start() <= 20 and len(rest) - colon.end() > 10:
        return None
    # The first sentence; a 一是 enumeration starting inside it ends the heading.
    cut = None
    for i, ch in enumerate(rest):
        if ch in SENTENCE_ENDS:
            cut = i + 1
            break
    enum = ENUMERATOR.search(rest, 2)
    if enum and (cut is None or enum.start() < cut):
        head = rest[: enum.start()].rstrip("，,、：:")
        if len(head) < 4:
            return None
        return line.start + mlen + len(head), True
    if cut is None:
        if len(rest) <= 100:
            return line.end, False
        # A long line without any full stop: its heading is the first clause.
        comma = re.search(r"[，,]", rest)
        if comma and 4 <= comma.start() <= 40:
            return line.start + mlen + comma.start(), True
        return None
    head = rest[:cut]
    if cut >= len(rest.rstrip()):
        # The whole line is one sentence.
        if len(head) > 100 or HEADING_QUANTITY.search(head):
            return None
        return line.end, False
    if len(head) > 90 or HEADING_QUANTITY.search(head) or len(head) < 3:
        return None
    return line.start + mlen + cut, True


def _unnumbered_ok(text: str) -> bool:
    if len(text) > 30 or len(text) < 4 or text[-1] in "。，,、；;：:！？!?.…" or "。" in text:
        return False
    if _NOT_HEADING_START.match(text) or DATE_LINE_START.match(text) or _FURNITURE.search(text):
        return False
    if len(_CJK.findall(text)) < 4 or "：" in text or ":" in text:
        return False
    return _HEADING_WORDS.search(text) is not None


def _font_threshold(lines: list[Line]) -> float | None:
    """Body font size of a PDF (the size most characters are set in), plus a margin."""
    sizes: dict[float, int] = {}
    for ln in lines:
        if ln.block is not None and ln.block.font_size:
            sizes[round(ln.block.font_size, 1)] = sizes.get(round(ln.block.font_size, 1), 0) + len(ln.text)
    if not sizes:
        return None
    body = max(sizes.items(), key=lambda kv: kv[1])[0]
    return body + 1.0


def _is_page_furniture(text: str) -> bool:
    """A line of page tools or a page number ("【打印本页】【关闭窗口】", "- 3 -", "第3页共5页").

    ``text`` is a line as ``split_lines`` gives it: the leading dash of "- 3 -" is already
    gone as junk, so the dash-tolerant page-number pattern is asked too."""
    return is_web_tool_line(text) or PAGE_NUMBER.match(text) is not None or OCR_PAGE_NUMBER.match(text) is not None


def _find_headings(lines: list[Line], body_from: int) -> list[_Cand]:
    cands: list[_Cand] = []
    seen_l1 = False
    last_num: dict[int, int] = {}
    font_min = _font_threshold(lines)
    # A saved page ends in its tools ("打印本页 关闭窗口") and a print in a page number: the
    # text itself stops at the last line that is neither.
    last_content = len(lines) - 1
    while last_content > body_from and _is_page_furniture(lines[last_content].text):
        last_content -= 1
    for idx in range(body_from, len(lines)):
        line = lines[idx]
        block = line.block
        if block is not None and block.kind == "table_row":
            continue
        hit = _marker_at(line.text, 0, len(line.text))
        level: int | None = None
        mlen = 0
        if hit is not None:
            level, mlen = hit
        else:
            bare = BARE_NUMBER.match(line.text)
            if bare and last_num.get(3) == int(bare.group(1)) - 1:
                level, mlen = 3, bare.end()
        if level is not None:
            span = _heading_span(line, mlen)
            if span is None:
                continue
            end, run_in = span
            if idx >= last_content and not run_in and line.text[-1] not in SENTENCE_ENDS:
                continue  # the document stops inside this line: a cut-off, not a section
            marker = line.text[:mlen]
            num = _number(marker)
            cands.append(_Cand(idx, level, line.start, end, marker.strip(), run_in, num))
            if num is not None:
                last_num[level] = num
                for deeper in range(level + 1, 5):
                    last_num.pop(deeper, None)
            seen_l1 = seen_l1 or level == 1
            continue
        text = line.text
        # Layout hints: a DOCX heading style or a larger PDF font.
        hinted: int | None = None
        if block is not None and block.heading_level and len(text) <= 60 and "。" not in text[:-1]:
            hinted = min(max(block.heading_level, 1), 4)
        elif (
            font_min is not None and block is not None and block.font_size and block.font_size >= font_min
            and len(text) <= 40 and text[-1] not in "。，,；;"
        ):
            hinted = 1
        if hinted is not None and not DATE_LINE_START.match(text) and not _FURNITURE.search(text):
            cands.append(_Cand(idx, hinted, line.start, line.end, None, False))
            seen_l1 = seen_l1 or hinted == 1
            continue
        if not seen_l1 and _unnumbered_ok(text):
            cands.append(_Cand(idx, 1, line.start, line.end, None, False))
    return cands


# --------------------------------------------------------------------------- title


def _is_title_end(text: str) -> bool:
    return len(text) <= 80 and "。" not in text and _TITLE_END.search(text) is not None and not _FURNITURE.search(text)


def _fragment_ok(text: str) -> bool:
    """A line that can be the first part of a title broken over lines."""
    if len(text) > 45 or _FURNITURE.search(text) or _FIELD_LINE.match(text) or _SITE_NAME.search(text):
        return False
    return not any(ch in text for ch in "。，,；;：:|") and not DATE_LINE_START.match(text)


# A title glued to the first sentence by a reader that re-joined wrapped lines:
# "…法治政府建设工作报告2025年，在区委…", or to the addressee ("…报告 中共明川县委：").
_GLUED_TITLE = re.compile(
    r"(.{6,60}?(?:报告|总结))\s*(?=20\d\d年|根据|按照|今年|一年来|在[^，,。]{1,20}领导|" + _ADDRESSEE_TEXT + ")"
)
# What a web page puts on the title's own line: table bars, the publication date or the
# page's record fields after it ("…报告 | ||", "…报告 2025-01-10", "…报告 来源：…"), and
# the document number before it ("明政发〔2024〕3号明川县…报告"): the register, not the title.
# (The date and the site suffix are pipeline.dates.PUBLICATION_STAMP and furniture.SITE_SUFFIX.)
_DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（﹝]\s*(?:19|20)\d\d\s*[〕\]］】)）﹞]\s*第?\s*\d{1,5}\s*号\s*"
)


_STRAY_OPENING = re.compile(r"^[】\]］〕）)》」』]\s*")


def _title_line(line: Line) -> Line:
    """``line`` without the furniture a title line may carry (table bars, a leading document
    number, the book-title marks a page sets it in: 《…报告》)."""
    s, e, t = line.start, line.end, line.text
    # The closing bracket of a page's tools box wrapped onto the title's line ("【字号：大 中 小\n】2024年…").
    if m := _STRAY_OPENING.match(t):
        s, t = s + m.end(), t[m.end() :]
    if len(t) > 2 and t[0] == "《" and t[-1] == "》" and "《" not in t[1:]:
        s, e, t = s + 1, e - 1, t[1:-1]
    for pat in (_FURNITURE, _TITLE_TAIL_DATE, _TITLE_TAIL_SITE):  # what follows the title on its line
        m = pat.search(t)
        if m and m.start() > 0:
            cut = len(t[: m.start()].rstrip(" \t|｜【[［"))
            if cut:
                e, t = s + cut, t[:cut]
    m = _DOC_NUMBER.match(t)
    if m and m.end() < len(t):
        s, t = s + m.end(), t[m.end() :]
    return Line(s, e, t, line.block)


def _glued_title(lines: list[Line], limit: int) -> tuple[int, int] | None:
    """(line index, norm end) of a title that opens a running line, when no line is a title."""
    for i in range(min(limit + 1, len(lines))):
        m = _GLUED_TITLE.match(lines[i].text)
        if m and "法治" in m.group(1) and not _FURNITURE.search(m.group(1)) and "。" not in m.group(1):
            return i, lines[i].start + m.end(1)
    return None


def _find_title(lines: list[Line], limit: int, body: int) -> tuple[int, int] | None:
    """Line range [first, last] of the report's own title among lines[:limit].

    Web copies repeat the title in the page header; the copy nearest the body
    (``lines[body]``, the first running sentence) is the document's own, often the
    fullest, joined from broken lines: the last candidate above the body wins.
    Below the body a title-like line is an unnumbered heading ("法治政府建设工作情况"),
    unless nothing above is a title (a banner sentence stood above it): then the first.
    """
    best: tuple[int, int] | None = None
    raw = lines[:limit]
    lines = [_title_line(ln) for ln in raw]
    for i in range(limit):
        text = lines[i].text
        if not _is_title_end(text) or _FIELD_LINE.match(text) or TITLE_FIELD.match(text):
            continue
        if DATE_LINE_START.match(text.lstrip("—－-─ ")):
            continue  # a byline ("——2025年1月20日在…会议上…作报告"), not the title
        first = i
        joined = text
        # Furniture cut from the line's front (a stray 】, a document number) shows where the title begins.
        while first > 0 and i - first < 3 and lines[i].start == raw[i].start:
            prev = lines[first - 1].text
            if not _fragment_ok(prev) or prev != raw[first - 1].text:
                break  # what is left of a furniture line ("公文" of "公文生成日期：…") is no part of a title
            # A short tail ("况的报告") is a title cut mid-word by the page width (PDF, narrow columns).
            cut_short = first == i and len(text) <= 12 and _TITLE_TOPIC.search(prev) and not _is_title_end(prev)
            # A line that ends on a word no title ends on ("…情况及2026年"), or that opens with 关于
            # and has not reached its "…的报告", goes on below.
            unfinished = _UNFINISHED.search(prev) is not None and _TITLE_TOPIC.search(prev) is not None
            opened = _TITLE_OPEN.match(prev) and not _is_title_end(prev) and _TITLE_TOPIC.search(prev)
            if not (_TITLE_CONT.match(joined) or _PARTY_LINE.search(prev) and not _PARTY_LINE.search(joined)
                    or cut_short or unfinished or opened):
                break
            if _TITLE_OPEN.match(joined) and not _ORG_END.search(prev):
                break  # only the issuing organ stands before 关于 ("柳溪乡人民政府\n关于…"), not a field's remnant
            first -= 1
            joined = prev + joined
        last = i
        if last + 1 < limit and re.fullmatch(r"[（(][^（()）]{2,20}[）)]", lines[last + 1].text):
            last += 1
            joined += lines[last].text
        if not _TITLE_TOPIC.search(joined) or len(joined) < 6:
            continue
        if last >= body and best is not None:
            break
        best = (first, last)
        if last >= body:
            break
    return best


def _title_limit(lines: list[Line], body: int) -> int:
    """Lines that may hold the title: up to the first numbered heading (a banner
    sentence above the title must not end the search), at most 60 lines."""
    limit = min(len(lines), 60)
    for i in range(max(body, 0), limit):
        hit = _marker_at(lines[i].text, 0, len(lines[i].text))
        if hit is not None and hit[0] <= 2:
            return i
    return limit


def _body_start(lines: list[Line]) -> int:
    """Index of the first line of the body: a numbered heading, an addressee or a running sentence."""
    for i, line in enumerate(lines):
        t = line.text
        if _FURNITURE.search(t) or TITLE_FIELD.match(t) or _FIELD_LINE.match(t):
            continue
        if _ADDRESSEE.match(t):
            return i
        if (len(t) >= 30 or len(t) >= 12 and t[-1] in "。；") and any(ch in t for ch in "。，,；") and not _is_title_end(t):
            return i
        hit = _marker_at(t, 0, len(t))
        if hit is not None and hit[0] == 1 and len(t) > hit[1] + 2:
            return i
    return len(lines)


# --------------------------------------------------------------------------- assembly


def build_structure(report: Report) -> None:
    """Set title, headings, paragraphs and sections on ``report``."""
    report.title = None
    report.title_span = None
    report.headings = []
    report.paragraphs = []
    report.sections = []
    if not report.norm:
        return
    lines = split_lines(report)
    if not lines:
        return
    body = _body_start(lines)
    title = _find_title(lines, _title_limit(lines, body), body)
    docx_title = next((i for i, ln in enumerate(lines[:body]) if ln.block is not None and ln.block.kind == "title"), None)
    if title is None and docx_title is not None:
        title = (docx_title, docx_title)
    glued = _glued_title(lines, body) if title is None and not any(TITLE_FIELD.match(ln.text) for ln in lines[:body]) else None
    if glued is not None:
        gi, gend = glued
        rest = Line(gend, lines[gi].end, report.norm[gend : lines[gi].end], lines[gi].block)
        lines[gi] = Line(lines[gi].start, gend, report.norm[lines[gi].start : gend], lines[gi].block)
        lines.insert(gi + 1, rest)
        title = (gi, gi)
        body = max(body, gi + 1)
    body_from = body
    if title is not None:
        first, last = title
        for k in range(first, last + 1):
            lines[k] = _title_line(lines[k])
        report.title = "".join(report.text_of(lines[k].start, lines[k].end) for k in range(first, last + 1))
        s, _ = report.to_text_span(lines[first].start, lines[first].end)
        _, e = report.to_text_span(lines[last].start, lines[last].end)
        report.title_span = (s, e)
        body_from = max(body, last + 1)
    else:
        for ln in lines[:body]:
            m = TITLE_FIELD.match(ln.text)
            if m and _TITLE_TOPIC.search(m.group(1)):
                ts = ln.start + m.start(1)
                te = ln.start + m.end(1)
                report.title = report.text_of(ts, te).strip()
                report.title_span = report.to_text_span(ts, te)
                break

    cands = _find_headings(lines, body_from)
    by_line: dict[int, int] = {}
    for c in cands:
        s, e = report.to_text_span(c.start, c.end)
        by_line[c.line] = len(report.headings)
        report.headings.append(
            Heading(text=report.text[s:e].strip(), level=c.level, start=s, end=e, marker=c.marker, run_in=c.run_in)
        )

    current: int | None = None
    for idx in range(body_from, len(lines)):
        line = lines[idx]
        pstart = line.start
        if idx in by_line:
            hi = by_line[idx]
            current = hi
            h = report.headings[hi]
            if not h.run_in:
                continue
            pstart = cands[hi].end
            while pstart < line.end and report.norm[pstart] in " \t":
                pstart += 1
            if pstart >= line.end:
                continue
        s, e = report.to_text_span(pstart, line.end)
        report.paragraphs.append(Paragraph(text=report.text[s:e], start=s, end=e, heading=current))

    report.sections = _section_tree(report, lines, body_from)


def _section_tree(report: Report, lines: list[Line], body_from: int) -> list[Section]:
    """Nest headings by level: a heading opens a section that ends at the next heading of its level or above."""
    doc_end = len(report.text.rstrip())
    roots: list[Section] = []
    if body_from < len(lines):
        body_start_text = report.to_text_pos(lines[body_from].start)
        first = report.headings[0].start if report.headings else doc_end
        if first > body_start_text and report.text[body_start_text:first].strip():
            roots.append(Section(heading=None, level=0, start=body_start_text, end=first))
    stack: list[Section] = []
    for i, h in enumerate(report.headings):
        while stack and stack[-1].level >= h.level:
            closed = stack.pop()
            closed.end = h.start
        sec = Section(heading=i, level=h.level, start=h.start, end=doc_end)
        if stack:
            stack[-1].children.append(sec)
        else:
            roots.append(sec)
        stack.append(sec)
    return roots
