"""Word documents (DOCX): body paragraphs and tables in order, with heading and numbering hints.

The package is read with lxml directly rather than through python-docx: it is
several times faster, walks paragraphs and tables in one document-order pass,
and gives exact access to ``numbering.xml``, which python-docx does not render.

Automatic numbering
-------------------
Word draws list numbers ("一、", "（一）", "1.") that are not characters of the
paragraph. They are what the reader sees on screen and in the PDF of the same
file, and the structure stage recognises headings by those markers, so the
rendered number IS put at the start of the paragraph text (bullets are not: a
bullet is decoration, often a private-use Symbol-font glyph). The number is also
set on ``Block.numbering`` so later stages know that the marker came from
automatic numbering. Headers, footers, comments, footnotes and deleted revision
text are left out; hidden (``w:vanish``) runs are skipped.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    UnsupportedFormat,
)
from pipeline.ingest.base import Extracted, join_blocks
from pipeline.ingest.lines import ends_sentence, starts_with_marker
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.types import Block

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)

# "heading 1", "Heading1", "标题 1", "标题1" (Chinese Word/WPS localise the built-in names).
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "标题"})
_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
# A rendered marker ending like this needs no separator before the text.
_MARKER_END = frozenset("、.．)）:：]】〕")


def chinese_number(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """Chinese counting as Word renders ``chineseCounting``: 1 一, 10 十, 11 十一, 21 二十一, 105 一百零五."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        parts.append(("" if (d == 1 and unit == units[0] and not parts) else digits[d]) + unit)
    return "".join(parts)


def _roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a..z, aa..zz, aaa..
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One level's counter in a Word ``numFmt``."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"}:
        return chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _CN_LEGAL, "拾佰仟")
    if fmt in {"ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"}:
        return "".join(_CN_DIGITS[int(c)] for c in str(n)).replace("零", "〇")
    if fmt in {"ideographTraditional"}:
        return _TIANGAN[(n - 1) % 10]
    if fmt in {"ideographZodiac"}:
        return _DIZHI[(n - 1) % 12]
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything exotic


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False  # isLgl: all levels shown as decimal
    restart: int | None = None  # lvlRestart: reset after this (1-based) level; None = after any higher
    style: str | None = None  # pStyle: the paragraph style this level is linked to


@dataclass(frozen=True)
class _Style:
    sid: str
    name: str
    based_on: str | None
    outline: int | None  # 0-based outline level
    num: tuple[str, int | None] | None  # (numId, ilvl)


@dataclass
class _Numbering:
    """numbering.xml, plus the counters while walking the body (one instance per document)."""

    abstract_levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstractNumId -> ilvl -> value
    started: set[str] = field(default_factory=set)

    def level_of_style(self, num_id: str, style_id: str) -> int:
        """The level linked to a paragraph style (heading styles tied to a multilevel list), else 0."""
        levels = self.abstract_levels.get(self.num_abstract.get(num_id, ""), {})
        return next((ilvl for ilvl, lvl in sorted(levels.items()) if lvl.style == style_id), 0)

    def render(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the counter of ``(num_id, ilvl)``; return ``(marker, suffix)`` or None."""
        abstract = self.num_abstract.get(num_id)
        if abstract is None:
            return None
        levels = self.abstract_levels.get(abstract, {})
        lvl = levels.get(ilvl)
        if lvl is None:
            return None
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            # A w:num with startOverride restarts its levels when first used.
            self.started.add(num_id)
            for o_lvl, start in self.overrides.get(num_id, {}).items():
                counters[o_lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for deeper in list(counters):
            if deeper > ilvl:
                d_lvl = levels.get(deeper)
                if d_lvl is None or d_lvl.restart is None or d_lvl.restart > ilvl:
                    del counters[deeper]
        if lvl.fmt == "bullet":
            return "•", lvl.suffix  # bullet glyphs are often private-use Symbol characters

        def repl(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            k_lvl = levels.get(k, _Level())
            value = counters.get(k, k_lvl.start)
            return str(value) if lvl.legal and k != ilvl else format_number(value, k_lvl.fmt)

        return re.sub(r"%([1-9])", repl, lvl.text), lvl.suffix


class _Doc:
    """Namespaced helpers for one document (transitional or strict OOXML)."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        w = "{" + ns + "}"
        self.w = w
        self.P, self.TBL, self.TR, self.TC, self.R = w + "p", w + "tbl", w + "tr", w + "tc", w + "r"
        self.T, self.TAB, self.BR, self.CR = w + "t", w + "tab", w + "br", w + "cr"
        self.PPR, self.RPR, self.VAL = w + "pPr", w + "rPr", w + "val"
        self.SDT, self.SDTCONTENT = w + "sdt", w + "sdtContent"

    def val(self, el: etree._Element | None, child: str) -> str | None:
        """``w:val`` of the direct child ``child`` ("w:numFmt") of ``el``."""
        if el is None:
            return None
        tag = self.w + child[2:]
        for found in el.iterchildren(tag):  # iterchildren(tag) is much cheaper than find(path)
            return found.get(self.VAL)  # type: ignore[no-any-return]
        return None


def _parse(zf: zipfile.ZipFile, name: str, path: Path, limits: Limits, required: bool = False) -> etree._Element | None:
    """A package part as a tree; its declared unpacked size is checked first (zipfile never reads past it)."""
    try:
        limits.check_xml_part(name, zf.getinfo(name).file_size, path)
        raw = zf.read(name)
    except KeyError:
        if required:
            raise CorruptDocument(f"is not a Word document: the package has no {name}", path) from None
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise CorruptDocument(f"is damaged: {name} cannot be unpacked ({exc})", path) from exc
    try:
        return etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(f"is damaged: {name} is not well-formed XML ({exc})", path) from exc


def _check_text_size(zf: zipfile.ZipFile, name: str, path: Path, limits: Limits) -> None:
    """Stream ``name`` paragraph by paragraph, counting them and their text; stop at a limit.

    Run before the whole part is parsed: a part of ordinary paragraphs that
    unpacks to a few hundred MB would take minutes and gigabytes as one tree,
    while this pass holds one paragraph at a time and stops at the limit.
    """
    tags = [f"{{{ns}}}p" for ns in (_W_TRANSITIONAL, _W_STRICT)]
    n = paragraphs = 0
    try:
        with zf.open(name) as fh:
            for _, p in etree.iterparse(fh, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                                        huge_tree=True, remove_comments=True):
                n += sum(len(t) for t in p.itertext())
                paragraphs += 1
                if n > limits.max_chars:
                    limits.check_chars(n, path, f"text in {name}")
                if paragraphs > limits.max_paragraphs:  # a flood of empty paragraphs has no text to count
                    limits.check_paragraphs(paragraphs, path)
                # Free what was read: this paragraph's content and the paragraphs before it.
                p.clear()
                parent = p.getparent()
                while parent is not None and p.getprevious() is not None:
                    del parent[0]
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return  # the full parse gives the precise "damaged" message


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_styles(root: etree._Element | None, d: _Doc) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for st in root.iter(d.w + "style"):
        sid = st.get(d.w + "styleId")
        if not sid:
            continue
        ppr = st.find(d.PPR)
        num = None
        if ppr is not None and (numpr := ppr.find(d.w + "numPr")) is not None:
            num_id = d.val(numpr, "w:numId")
            if num_id is not None:
                num = (num_id, _int(d.val(numpr, "w:ilvl")))
        styles[sid] = _Style(
            sid=sid,
            name=d.val(st, "w:name") or sid,
            based_on=d.val(st, "w:basedOn"),
            outline=_int(d.val(ppr, "w:outlineLvl")),
            num=num,
        )
    return styles


def _read_numbering(root: etree._Element | None, d: _Doc) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    for ab in root.iter(d.w + "abstractNum"):
        aid = ab.get(d.w + "abstractNumId")
        if aid is None:
            continue
        levels: dict[int, _Level] = {}
        for lvl in ab.iter(d.w + "lvl"):
            ilvl = _int(lvl.get(d.w + "ilvl"), 0) or 0
            levels[ilvl] = _Level(
                start=_int(d.val(lvl, "w:start"), 1) or 0,
                fmt=d.val(lvl, "w:numFmt") or "decimal",
                text=d.val(lvl, "w:lvlText") or "",
                suffix=d.val(lvl, "w:suff") or "tab",
                legal=lvl.find(d.w + "isLgl") is not None and d.val(lvl, "w:isLgl") not in {"0", "false"},
                restart=_int(d.val(lvl, "w:lvlRestart")),
                style=d.val(lvl, "w:pStyle"),
            )
        numbering.abstract_levels[aid] = levels
    for num in root.iter(d.w + "num"):
        nid = num.get(d.w + "numId")
        aid = d.val(num, "w:abstractNumId")
        if nid is None or aid is None:
            continue
        numbering.num_abstract[nid] = aid
        for ov in num.iter(d.w + "lvlOverride"):
            start = _int(d.val(ov, "w:startOverride"))
            if start is not None:
                numbering.overrides.setdefault(nid, {})[_int(ov.get(d.w + "ilvl"), 0) or 0] = start
    return numbering


def _style_chain(styles: dict[str, _Style], sid: str | None) -> Iterator[_Style]:
    seen: set[str] = set()
    while sid and sid in styles and sid not in seen:
        seen.add(sid)
        yield styles[sid]
        sid = styles[sid].based_on


def _run_text(d: _Doc, p: etree._Element) -> str:
    """The visible text of a paragraph: text, tabs and breaks, hidden runs skipped."""
    out: list[str] = []
    for el in p.iter(d.T, d.TAB, d.BR, d.CR, d.w + "noBreakHyphen"):
        tag = el.tag
        run = el.getparent()
        if run is not None and run.tag == d.R:
            rpr = run.find(d.RPR)
            if rpr is not None and (v := rpr.find(d.w + "vanish")) is not None and v.get(d.VAL) not in {"0", "false"}:
                continue
        if tag == d.T:
            out.append(el.text or "")
        elif tag == d.TAB:
            if run is not None and run.tag == d.R:  # a w:tab inside pPr/tabs is a tab stop, not text
                out.append("\t")
        elif tag == d.BR:
            if el.get(d.w + "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == d.CR:
            out.append("\n")
        elif tag == d.w + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _drop_fallbacks(root: etree._Element) -> None:
    # mc:AlternateContent carries the same content twice (Choice and Fallback).
    for fb in list(root.iter("{" + _MC + "}Fallback")):
        parent = fb.getparent()
        if parent is not None:
            parent.remove(fb)


def _body_items(d: _Doc, container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a container in document order (content controls unwrapped)."""
    for child in container:
        if child.tag in (d.P, d.TBL):
            yield child
        elif child.tag == d.SDT:
            content = child.find(d.SDTCONTENT)
            if content is not None:
                yield from _body_items(d, content)
        elif child.tag in (d.w + "customXml", d.w + "ins", d.w + "smartTag"):
            yield from _body_items(d, child)


def _cell_text(d: _Doc, tc: etree._Element) -> str:
    parts: list[str] = []
    for item in _body_items(d, tc):
        if item.tag == d.P:
            text = _run_text(d, item).strip()
        else:  # a nested table, flattened
            text = " ".join(_row_text(d, tr) for tr in item.iter(d.TR))
        if text:
            parts.append(text)
    return " ".join(parts).replace("\n", " ")


def _row_text(d: _Doc, tr: etree._Element) -> str:
    cells = [_cell_text(d, tc) for tc in tr if tc.tag == d.TC or tc.tag == d.SDT]
    return "\t".join(c for c in cells)


def _paragraph(
    d: _Doc, p: etree._Element, styles: dict[str, _Style], numbering: _Numbering
) -> list[tuple[str, Block]]:
    text = _run_text(d, p)
    ppr = p.find(d.PPR)
    sid = d.val(ppr, "w:pStyle")
    chain = list(_style_chain(styles, sid))
    style_name = chain[0].name if chain else None

    heading: int | None = None
    kind = "paragraph"
    outline = _int(d.val(ppr, "w:outlineLvl"))
    for st in chain:
        if outline is not None:
            break
        m = _HEADING_NAME.match(st.name.strip())
        if m:
            heading = int(m.group(1))
            break
        if st.name.strip().lower() in _TITLE_NAMES:
            kind = "title"
            break
        if st.outline is not None:
            outline = st.outline
    if heading is None and outline is not None and 0 <= outline < 9:
        heading = outline + 1

    # Direct numPr wins over the style's; numId 0 switches numbering off.
    num: tuple[str, int | None] | None = None
    if ppr is not None and (numpr := ppr.find(d.w + "numPr")) is not None:
        num_id = d.val(numpr, "w:numId")
        if num_id is not None:
            num = (num_id, _int(d.val(numpr, "w:ilvl")))
    style_of_num: str | None = None
    if num is None:
        owner = next((st for st in chain if st.num is not None), None)
        if owner is not None:
            num, style_of_num = owner.num, owner.sid
    marker: str | None = None
    if num is not None and num[0] != "0" and text.strip():
        ilvl = num[1]
        if ilvl is None:  # a style's numPr without ilvl: the level whose pStyle is that style
            ilvl = numbering.level_of_style(num[0], style_of_num) if style_of_num else 0
        rendered = numbering.render(num[0], ilvl)
        if rendered is not None and rendered[0]:
            marker, suffix = rendered
            if marker != "•":
                sep = "" if suffix == "nothing" or marker[-1] in _MARKER_END else " "
                text = marker + sep + text.lstrip()

    parts: list[tuple[str, Block]] = []
    if heading is not None and "\n" in text:
        # A heading broken by Shift+Enter ("一、主要举措" / "和成效") is one heading:
        # the break only fitted it to the page.
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if lines and not any(ends_sentence(ln) for ln in lines[:-1]) and sum(map(len, lines)) <= _MAX_HEADING:
            text = "".join(lines)
    # A soft line break (Shift+Enter) is a line the reader sees: one block per line.
    for line in text.split("\n"):
        line = line.strip()
        if line:
            parts.append((line, Block(
                start=0, end=0, kind=kind, style=style_name, heading_level=heading,
                numbering=None if parts else marker,
            )))
    return parts


# Longest heading two heading paragraphs (or a heading's lines) are joined into.
_MAX_HEADING = 40


def _continues_heading(prev: tuple[str, Block], text: str, block: Block) -> bool:
    """Is this heading paragraph the second line of the previous one (a heading split by Enter)?

    Both have the same heading level, the first starts with a marker and does not end a
    sentence, the second has no marker of its own, and together they stay heading-short.
    """
    ptext, pblock = prev
    return (
        block.heading_level is not None
        and pblock.heading_level == block.heading_level
        and block.numbering is None
        and starts_with_marker(ptext)
        and not starts_with_marker(text)
        and not ends_sentence(ptext)
        and len(ptext) + len(text) <= _MAX_HEADING
    )


def read_docx(data: bytes, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Read the body of a DOCX file (its parts and text within ``limits``)."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data[: 1 << 20]:
            raise EncryptedDocument("is a password-protected Word document; remove the password and submit it again", path)
        raise UnsupportedFormat("is a legacy Word binary document (.doc); convert it to DOCX or PDF and submit that", path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise CorruptDocument(f"is not a readable DOCX (damaged zip container: {exc})", path) from exc
    with zf:
        names = set(zf.namelist())
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise EncryptedDocument("is a password-protected Word document; remove the password and submit it again", path)
        main = "word/document.xml"
        if main not in names:
            # The main part may be named differently; [Content_Types].xml says which.
            main = next((n for n in names if n.startswith("word/") and n.endswith("document.xml")), main)
        if main in names:
            limits.check_xml_part(main, zf.getinfo(main).file_size, path)
            _check_text_size(zf, main, path, limits)
        root = _parse(zf, main, path, limits, required=True)
        assert root is not None
        ns = _W_STRICT if root.tag.startswith("{" + _W_STRICT) else _W_TRANSITIONAL
        d = _Doc(ns)
        styles = _read_styles(_parse(zf, "word/styles.xml", path, limits), d)
        numbering = _read_numbering(_parse(zf, "word/numbering.xml", path, limits), d)

    body = root.find(d.w + "body")
    if body is None:
        raise CorruptDocument("is damaged: word/document.xml has no body", path)
    _drop_fallbacks(body)

    parts: list[tuple[str, Block]] = []
    for item in _body_items(d, body):
        if item.tag == d.P:
            for text, block in _paragraph(d, item, styles, numbering):
                if parts and _continues_heading(parts[-1], text, block):
                    parts[-1] = (parts[-1][0] + text, parts[-1][1])
                else:
                    parts.append((text, block))
        else:
            for tr in item.iter(d.TR):
                row = _row_text(d, tr)
                if row.strip():
                    parts.append((row.strip(), Block(start=0, end=0, kind="table_row")))
    if not parts:
        raise EmptyDocument("contains no text (an empty Word document, or only images: scan pages need OCR)", path)
    text, blocks = join_blocks(parts)
    return Extracted(text=text, format="docx", blocks=blocks, extractor="docx-xml")
