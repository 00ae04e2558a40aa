"""Web pages saved from a government website: the article (title and body) without the page around it.

General heuristics, no per-site rules:

1. Charset: a byte-order mark, else the document's own declaration (``<meta
   charset>``, ``http-equiv`` Content-Type, the XML declaration), read strictly;
   when that is missing or wrong, the TXT rules (:func:`txt.decode_text`).
2. Page furniture goes first: scripts, styles, forms, ``nav``/``header``/
   ``footer``/``aside`` elements, hidden elements, and elements whose class or
   id names navigation, breadcrumbs, sharing, printing, font size, footers,
   copyright and the like.
3. The content container is found by text density: starting from ``<body>``,
   descend into the child that holds most of the non-link text as long as it
   holds nearly all of it. A container with a well-known content name
   (TRS_Editor, article, content, zoom, ...) inside the result wins when it
   holds most of the text: it excludes the date/source/share lines that sit
   between the title and the body on most CMS templates.
4. The title: ``<meta name="ArticleTitle">`` (TRS and most Chinese government
   CMSes), else a heading or a title-named element before the body, else the
   first part of ``<title>``.
5. Lines follow the page's block structure: ``<p>``, ``<div>``, ``<br>``,
   list items, headings and table rows end lines; table cells are joined by a tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree, html

from pipeline.errors import EmptyDocument, EncodingError
from pipeline.furniture import is_web_tool_line
from pipeline.ingest.base import Extracted, join_blocks
from pipeline.ingest.txt import decode_text
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.types import Block

# Text between a ">" and the next "<": one linear pass (a pattern like <[^>]*> would rescan to the
# end of the page for every "<" left unclosed).
_BETWEEN_TAGS = re.compile(r">([^<]+)")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.IGNORECASE)
# Declared names -> the codec that reads them (GB2312/GBK pages are GB18030 in practice).
_CODEC_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "big5-hkscs": "big5hkscs", "x-big5": "big5", "utf8": "utf-8", "unicode": "utf-8",
}

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "svg", "canvas", "form", "button", "select", "input", "textarea", "head", "map", "audio", "video",
    "link", "meta",
)
# Layout elements that are furniture unless they hold the article's title (<article><header><h1>).
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
# class/id words of page furniture. Matched on word parts of the attribute, so
# "breadcrumb", "bread-nav", "share_box", "foot", "copyright" match, "content" does not.
_NOISE = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|menus|breadcrumbs?|bread|crumbs?|position|location|curpos|"
    r"dqwz|wz|share|sharebox|bdshare|jiathis|print|dayin|font|fontsize|zh|zoomfont|"
    r"foot|footer|copyright|banquan|bottom|header|top|topbar|head|sidebar|side|aside|"
    r"related|xgwz|xglj|recommend|comment|comments|pinglun|login|search|toolbar|tools|tool|"
    r"qrcode|ewm|erweima|wechat|weixin|weibo|links|friendlink|yqlj|pagination|pager|"
    r"prev|next|close|favorite|collect|ad|ads|advert|banner|skip|hidden|hide|modal|popup|"
    r"xxgk_table|xxgkbox|metadata|info|attr|props|govinfo|sxx)(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
# Containers that CMSes use for the article body (checked before the density walk's result).
_CONTENT = re.compile(
    r"(?:^|[\s_\-])(?:trs_editor|trs_paper_default|article|article[_\-]?content|articlecontent|content|"
    r"contents|con|conts|zoom|detail|details|main[_\-]?text|maintext|text|txt|body|zwnr|nr|wznr|"
    r"pages_content|art_con|xxgk_content|view|entry|post|news_content|newscontent|bt_content|"
    r"article_con|arc_content|content_text|ccontent|zw|zhengwen|wenzhang)(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
_TITLE_NAME = re.compile(
    r"(?:^|[\s_\-])(?:title|tit|titles|article[_\-]?title|news[_\-]?title|biaoti|bt|headline|xxgk_title|"
    r"con_title|detail_title|main_title)(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "tr", "tbody", "thead", "tfoot", "section", "article", "blockquote", "pre", "center", "hr", "main",
    "address", "figure", "figcaption", "caption", "fieldset", "legend",
})
# Elements that are a paragraph, not a container of paragraphs: the walk stops above them.
_PARAGRAPH_TAGS = frozenset({"p", "span", "font", "strong", "b", "em", "i", "a", "h1", "h2", "h3", "h4", "li", "pre"})
_TITLE_SEP = re.compile(r"\s*(?:[_|｜]|--|—|－| - )\s*")
_WS = re.compile(r"[ \t\r\n\f\v]+")
_CELL = "\x1f"


def _declared_codec(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").strip().lower()
    name = _CODEC_ALIASES.get(name, name)
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a page: BOM, then the declared charset (strict), then the TXT rules."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, path)
    codec = _declared_codec(data)
    if codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass  # a page that lies about its charset (common after "save as"): use the detection rules
    try:
        return decode_text(data, path)
    except EncodingError:
        raise EncodingError(
            f"is a web page in none of the supported encodings (declared: {codec or 'none'}); save it again as UTF-8", path
        ) from None


def _attrs(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _holds_title(el: etree._Element) -> bool:
    """An article heading inside: "article-head" or <header> wrappers of the title are not furniture."""
    return any(
        isinstance(d.tag, str) and (d.tag in ("h1", "h2") or _TITLE_NAME.search(_attrs(d)))
        for d in el.iter()
    )


def _clean(root: etree._Element) -> None:
    """Remove page furniture in place.

    A furniture-named element that holds most of the page's non-link text is
    kept (some templates wrap the whole page in ``<div class="top-wrap">``), and
    so is one that holds a heading (``<div class="article-head"><h1>``): the
    density walk leaves a site header out of the article anyway.
    """
    sizes = _measure(root)
    total, total_links = sizes.get(root, (0, 0))
    limit = max(100, 0.5 * (total - total_links))
    doomed: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments, processing instructions
            continue
        tag = el.tag.lower()
        if tag in _DROP_TAGS or el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            doomed.append(el)
        elif tag not in ("html", "body") and (
            tag in _FURNITURE_TAGS or ((attrs := _attrs(el)) and _NOISE.search(attrs) and not _CONTENT.search(attrs))
        ):
            text, links = sizes.get(el, (0, 0))
            if text - links < limit and not _holds_title(el):
                doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        # Keep the tail text (it belongs to the parent), drop the element.
        if el.tail and el.tail.strip():
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _measure(root: etree._Element) -> dict[etree._Element, tuple[int, int]]:
    """(text chars, link text chars) of every element of the subtree, visible characters only.

    Iterative (children before parents) so deeply nested pages cannot exhaust the stack.
    """
    sizes: dict[etree._Element, tuple[int, int]] = {}
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        in_link = el.tag == "a"
        text = len("".join((el.text or "").split()))
        links = text if in_link else 0
        for child in el:
            tail = len("".join((child.tail or "").split()))
            t, lk = sizes.get(child, (0, 0))
            text += t + tail
            links += (t + tail) if in_link else lk
        sizes[el] = (text, links)
    return sizes


def _content_root(body: etree._Element) -> etree._Element:
    sizes = _measure(body)

    def own(el: etree._Element) -> int:
        t, lk = sizes.get(el, (0, 0))
        return t - lk

    def paragraph_text(el: etree._Element) -> int:
        return sum(own(p) for p in el.iter("p", "h1", "h2", "h3", "h4"))

    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            break
        best = max(children, key=own)
        if own(best) <= 0 or own(best) < 0.8 * own(node) or best.tag in _PARAGRAPH_TAGS:
            break
        # Do not leave paragraphs behind: a signature or a closing line set as <p> beside
        # the main text div belongs to the article (link lists and tool bars are not <p>).
        if sum(paragraph_text(c) for c in children if c is not best) > 0.02 * own(node):
            break
        node = best
    # A named content container inside the dense node (or the node's parent,
    # when the walk stopped one level too deep) that holds most of its text.
    total = own(node)
    named = [
        el for el in node.iter()
        if isinstance(el.tag, str) and el is not node and _CONTENT.search(_attrs(el)) and own(el) >= 0.6 * total
    ]
    if named:
        # The innermost such container: the article, not the wrapper of title + tools.
        node = min(named, key=own)
    return node


def _lines(el: etree._Element) -> Iterator[str]:
    """Text lines of an element, following block tags; table cells joined by a tab."""
    buf: list[str] = []

    def flush() -> Iterator[str]:
        # HTML whitespace collapses; the cell separator (a unit separator here) survives as a tab.
        cells = [_WS.sub(" ", c).strip() for c in "".join(buf).split(_CELL)]
        buf.clear()
        line = "\t".join(cells).strip()
        if line:
            yield line

    def walk(node: etree._Element) -> Iterator[str]:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            yield from flush()
        if tag in ("td", "th") and "".join(buf).strip():
            buf.append(_CELL)
        if node.text and tag != "br":
            buf.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                yield from walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            yield from flush()

    yield from walk(el)
    yield from flush()


def _meta_title(doc: etree._Element) -> str | None:
    for name in ("ArticleTitle", "articletitle", "og:title", "title", "Title"):
        for meta in doc.iter("meta"):
            if (meta.get("name") or meta.get("property") or "") == name and (meta.get("content") or "").strip():
                return _WS.sub(" ", meta.get("content", "")).strip()
    return None


def _page_title(doc: etree._Element) -> str | None:
    el = doc.find(".//title")
    if el is None:
        return None
    text = _WS.sub(" ", el.text_content()).strip()
    return text or None


def _title_like(el: etree._Element) -> str | None:
    if not isinstance(el.tag, str) or not (el.tag in ("h1", "h2", "h3") or _TITLE_NAME.search(_attrs(el))):
        return None
    text = _WS.sub(" ", el.text_content()).strip()
    return text if 4 <= len(text) <= 120 else None


def _find_title(body: etree._Element, content: etree._Element, page_title: str | None) -> str | None:
    """The article title shown on the page: a heading or title-named element before the body text,
    else one that opens the content container."""
    candidates: list[str] = []
    for el in body.iter():
        if el is content:
            break
        if (text := _title_like(el)) is not None:
            candidates.append(text)
    if not candidates:
        for k, el in enumerate(content.iter()):
            if k > 8:  # only the opening elements of the article
                break
            if el is not content and (text := _title_like(el)) is not None:
                return text
    if page_title:
        # Prefer the candidate that the <title> also names (the site name is not the title).
        for text in reversed(candidates):
            if text in page_title or page_title.startswith(text[:8]):
                return text
    if candidates:
        return candidates[-1]
    if page_title:
        first = _TITLE_SEP.split(page_title)[0].strip()
        return first or None
    return None


def read_html(data: bytes, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Read the article of a saved web page; a page of more than ``limits.max_tags`` tags is not parsed."""
    # Counted on the bytes, before the tree (a flood of empty elements costs a minute and gigabytes).
    limits.check_tags(data.count(b"<") - data.count(b"</") - data.count(b"<!"), path)
    text, codec = decode_html(data, path)
    # lxml refuses str input that still declares an encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    if not text.strip():
        raise EmptyDocument("is an empty web page", path)
    if len(text) > limits.max_chars:
        # The characters between tags bound the article's text (inline scripts count too: a
        # report page has no 2 M characters of them): too many fail here, before the tree and
        # the walks over it, which take tens of seconds for tens of MB.
        limits.check_chars(sum(m.end() - m.start() - 1 for m in _BETWEEN_TAGS.finditer(text)), path)
    try:
        doc = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise EmptyDocument(f"is a web page without content ({exc})", path) from exc
    page_title = _page_title(doc)
    meta_title = _meta_title(doc)
    body = doc.find("body")
    if body is None:
        body = doc
    _clean(body)
    content = _content_root(body)
    title = meta_title or _find_title(body, content, page_title)

    lines = [ln for ln in _lines(content) if not is_web_tool_line(ln)]
    parts: list[tuple[str, Block]] = []
    if title and not any(title.replace(" ", "") == ln.replace(" ", "") for ln in lines[:5]):
        parts.append((title, Block(start=0, end=0, kind="title")))
    for ln in lines:
        kind = "title" if title and ln.replace(" ", "") == title.replace(" ", "") and not parts else "paragraph"
        parts.append((ln, Block(start=0, end=0, kind="table_row" if "\t" in ln else kind)))
    if not any(b.kind != "title" for _, b in parts):
        raise EmptyDocument("is a web page without article text (only navigation, or the article is loaded by script)", path)
    joined, blocks = join_blocks(parts)
    return Extracted(text=joined, format="html", blocks=blocks, encoding=codec, extractor="lxml", html_title=page_title)
