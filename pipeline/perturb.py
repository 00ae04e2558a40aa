"""Perturbations of gold documents: the messiness of real, unseen reports.

Hand-written metadata rules cannot be cross-validated; scoring them on texts
that carry what real copies carry (page furniture, a title broken over two
lines, full-width digits, traditional characters, stray blank lines and
spaces, a document number above the title, a text cut off at the end) is an
honest measure of how they hold up. Each perturbation is a small function of
(text, rng) that never changes what the gold says; the few that change the
characters the gold quotes (traditional, full-width) or what the text still
holds (cut off) adjust the gold the same way. Every random choice comes from
``random.Random(f"{seed}:{doc_id}")``: a document is perturbed the same way on
every run, whatever else runs.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

__all__ = ["COMBINED", "PERTURBATIONS", "Perturbation", "locate", "perturb_doc", "perturb_docs", "perturbation_names"]

Gold = Mapping[str, Any]


class TextFn(Protocol):
    """A perturbation of a text: (text, rng) -> text. ``gold``, when given, only tells where
    the title is and which year the report is about (so furniture dates stay plausible)."""

    def __call__(self, text: str, rng: random.Random, gold: Gold | None = None) -> str: ...



GoldFn = Callable[[dict[str, Any], str, str], dict[str, Any]]

_CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- locating gold strings


def _squash(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and each kept character's index in ``text``."""
    index = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in index), index


def locate(text: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """Span of ``needle`` in ``text`` at or after ``start``, whitespace ignored on both sides."""
    flat, index = _squash(text)
    key = "".join(needle.split())
    if not key:
        return None
    j = next((k for k, pos in enumerate(index) if pos >= start), len(index))
    hit = flat.find(key, j)
    if hit < 0:
        return None
    return index[hit], index[hit + len(key) - 1] + 1


def _title_spans(text: str, title: str | None) -> list[tuple[int, int]]:
    """Every place the gold title stands in ``text`` (whitespace ignored)."""
    if not title:
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (span := locate(text, title, pos)) is not None:
        spans.append(span)
        pos = span[1]
    return spans


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end (before its newline) of the line holding ``pos``."""
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


def _ordered_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int] | None]:
    """Spans of ``needles`` found one after another in ``text`` (None for a needle not found)."""
    out: list[tuple[int, int] | None] = []
    pos = 0
    for needle in needles:
        span = locate(text, needle, pos)
        out.append(span)
        if span is not None:
            pos = span[0]  # quotes may overlap (a total and its parts): the next starts at or after this one
    return out


# --------------------------------------------------------------------------- page furniture


def _report_year(text: str, gold: Gold | None) -> int:
    """The gold year, else the year the text speaks of most ("2024年"), else 2024."""
    if gold and isinstance(gold.get("year"), int):
        return int(gold["year"])
    years = re.findall(r"(20\d\d)\s*年", text)
    return int(max(sorted(set(years)), key=years.count)) if years else 2024


def _publication_date(text: str, rng: random.Random, gold: Gold | None) -> str:
    """A publication date early in the year after the one the report is about."""
    return f"{_report_year(text, gold) + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"


def web_furniture(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """A web page's breadcrumb above, its info and tool lines under the title, its page tools below."""
    crumb = rng.choice([
        "首页 > 政务公开 > 法治政府建设",
        "当前位置：首页 > 信息公开 > 法定主动公开内容 > 工作报告",
        "您的位置：首页 >> 政府信息公开 >> 法治政府建设",
    ])
    date = _publication_date(text, rng, gold)
    info = rng.choice([
        f"来源：本网 发布时间：{date} 浏览次数：",
        f"发布时间：{date} 来源：办公室 浏览次数：{rng.randint(20, 3000)}",
        f"信息来源：本站  发布日期：{date}  点击数：{rng.randint(20, 3000)}",
    ])
    tools = rng.choice(["【字体：大 中 小】", "字号：大 中 小  【打印】", "分享到：  【字体：大 中 小】"])
    tail = rng.choice(["打印本页 关闭窗口", "【打印本页】 【关闭窗口】", "【返回顶部】 【打印】 【关闭】"])
    # The info lines go right under the title when the text opens with one (as on the page).
    lines = text.split("\n")
    at = 0
    for i in range(min(15, len(lines))):
        if re.search(r"(?:报告|总结|情况)\s*$", lines[i]) and len(lines[i].strip()) <= 60 and "。" not in lines[i]:
            at = i + 1
            break
    out = [crumb, *lines[:at], info, tools, *lines[at:], tail]
    return "\n".join(out)


def page_numbers(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """Page numbers of a printed copy, on lines of their own every few lines of running text.

    Never above the first line of running text (the first page's furniture and title
    have no number under them) nor inside a title broken over lines.
    """
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if len(ln.strip()) >= 30 and re.search(r"[。，,；]", ln)), len(lines))
    style = rng.choice(["dash", "em", "of"])
    every = rng.randint(2, 4)
    total = max(1, (len(lines) - first) // every + 1)
    out: list[str] = []
    page = 1
    for i, line in enumerate(lines):
        out.append(line)
        if i >= first and (i - first + 1) % every == 0 and i + 1 < len(lines):
            mark = {"dash": f"- {page} -", "em": f"— {page} —", "of": f"第 {page} 页 共 {total} 页"}[style]
            out.append(mark)
            page += 1
    return "\n".join(out)


def doc_number(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """A document number line above everything ("明政发〔2025〕3号")."""
    prefix = rng.choice(["明政发", "青政办发", "柳政", "云办发", "明司发"])
    return f"{prefix}〔{_report_year(text, gold) + 1}〕{rng.randint(1, 40)}号\n{text}"


# --------------------------------------------------------------------------- the title


_TITLE_BREAKS = re.compile(r"(?:人民政府|政府|委员会|办事处|党委|党工委)(?=.)|(?=关于)|(?=20\d\d年)|(?=法治政府建设)|(?=[（(])")


def _break_points(title_line: str) -> list[int]:
    """Offsets in a title line where a typesetter breaks it: after the body's name, before 关于,
    the year or the topic; else near the middle (a width break, in a word)."""
    points = {m.end() if m.group(0) else m.start() for m in _TITLE_BREAKS.finditer(title_line)}
    n = len(title_line)
    # Never inside brackets ("（\n2024年度）"): a typesetter breaks before the bracket.
    inside = {i for m in re.finditer(r"[（(][^）)]*[）)]", title_line) for i in range(m.start() + 1, m.end())}
    points = {p for p in points if 4 <= p <= n - 4 and p not in inside}
    return sorted(points) or ([n // 2] if n >= 10 else [])


def broken_title(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """The title line broken in two (the gold title stays the joined string).

    The gold title says which line is the title (a report without one is left alone);
    without gold (or for a non-report, whose gold has no title) the first title-like line.
    """
    title = gold.get("title") if gold and gold.get("is_report") else _guess_title(text)
    out = text
    for s, e in reversed(_title_spans(text, title)):
        ls, le = _line_bounds(text, s)
        if text[ls:s].strip() or text[e:le].strip() or "\n" in text[s:e]:
            continue  # not a line of its own, or already broken
        points = _break_points(text[s:e])
        if not points:
            continue
        cut = s + rng.choice(points)
        out = out[:cut] + "\n" + out[cut:]
    return out


# A numbered heading line ("一、…总结", "（一）…", "1.…"): never a title.
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")


def _guess_title(text: str) -> str | None:
    """The first short line ending on 报告 (what ``broken_title`` breaks when no gold is given)."""
    for line in text.split("\n")[:8]:
        t = line.strip()
        if 8 <= len(t) <= 60 and "。" not in t and re.search(r"(?:报告|总结)$", t) and not _NUMBERED.match(t):
            return t
    return None


# --------------------------------------------------------------------------- characters


_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth_digits(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """Digits typed full-width (２０２４年, １２次); values are unchanged."""
    return text.translate(_FULL_DIGITS)


@lru_cache(maxsize=1)
def _s2t() -> Any:
    """OpenCC's simplified -> traditional converter, built once (read-only)."""
    from opencc import OpenCC

    return OpenCC("s2t")


def traditional(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """The text in traditional characters (a Hong Kong / Taiwan copy, or an old web page)."""
    return str(_s2t().convert(text))


def blank_lines_and_spaces(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """Blank lines between lines, indentation, trailing spaces, and spaces between Chinese characters."""
    out: list[str] = []
    for line in text.split("\n"):
        chars = list(line)
        # A space between two Chinese characters (never between two digits: that would split a number).
        for i in range(len(chars) - 1, 0, -1):
            if _CJK.match(chars[i]) and _CJK.match(chars[i - 1]) and rng.random() < 0.02:
                chars.insert(i, " ")
        line = "".join(chars)
        if line.strip():
            line = rng.choice(["", "  ", "\u3000\u3000", "\t", "    "]) + line + rng.choice(["", " ", "  ", "\u3000"])
        out.append(line)
        if rng.random() < 0.4:
            out.extend([""] * rng.randint(1, 2))
    return "\n".join(out)


# --------------------------------------------------------------------------- cut off


def cut_off(text: str, rng: random.Random, gold: Gold | None = None) -> str:
    """The text cut off mid-sentence in its second half (a download that stopped).

    The cut falls after a clause's comma inside a long line of running text: no heading
    line is cut in two, and no figure loses part of its measure word ("12场|次").
    """
    half = len(text) // 2
    cuts = [
        m.start() + k + 1
        for m in re.finditer(r"(?m)^.+$", text)
        if m.start() >= half and len(m.group(0).strip()) >= 30
        for k, ch in enumerate(m.group(0))
        if ch in "，,、" and k >= 10
    ]
    return text[: rng.choice(cuts)] if cuts else text


# --------------------------------------------------------------------------- gold adjustments


def _same_gold(gold: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return gold


def _map_string(value: str | None, old: str, new: str, convert: Callable[[str], str], start: int = 0) -> str | None:
    """``value`` as it reads in ``new``: the characters at its span in ``old`` (same length), else converted."""
    if value is None:
        return None
    span = locate(old, value, start)
    if span is not None and len(old) == len(new):
        return _respace(value, new[span[0] : span[1]])
    return convert(value)


def _respace(value: str, found: str) -> str:
    """``found``'s characters laid out with ``value``'s whitespace."""
    chars = iter(ch for ch in found if not ch.isspace())
    return "".join(ch if ch.isspace() else next(chars, ch) for ch in value)


def _converted_gold(convert: Callable[[str], str]) -> GoldFn:
    """A gold adjustment for a 1:1 character conversion of the whole text."""

    def adjust(gold: dict[str, Any], old: str, new: str) -> dict[str, Any]:
        g = copy.deepcopy(gold)
        for field in ("title", "entity", "entity_full", "county"):
            g[field] = _map_string(g.get(field), old, new, convert)
        pos = 0
        for h in g.get("headings") or []:
            span = locate(old, h["text"], pos)
            h["text"] = _map_string(h["text"], old, new, convert, pos)
            if span is not None:
                pos = span[1]
        pos = 0
        for m in g.get("metrics") or []:
            span = locate(old, m["quote"], pos)
            m["quote"] = _map_string(m["quote"], old, new, convert, pos)
            m["number_text"] = convert(m["number_text"]) if m.get("number_text") is not None else None
            m["unit"] = convert(m["unit"])
            if span is not None:
                pos = span[0]
        return g

    return adjust


def _cut_gold(gold: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """Drop the headings and figures that are no longer in the cut-off text."""
    if len(new) >= len(old):
        return gold
    g = copy.deepcopy(gold)
    heads = g.get("headings") or []
    spans = _ordered_spans(old, (h["text"] for h in heads))
    g["headings"] = [h for h, sp in zip(heads, spans) if sp is None or sp[1] <= len(new)]
    metrics = g.get("metrics") or []
    spans = _ordered_spans(old, (m["quote"] for m in metrics))
    g["metrics"] = [m for m, sp in zip(metrics, spans) if sp is None or _figure_end(old, m, sp) <= len(new)]
    return g


def _figure_end(text: str, metric: Mapping[str, Any], span: tuple[int, int]) -> int:
    """End of a figure's number and measure word in ``text`` (a cut after them keeps the figure,
    whatever of its quote is lost: "…与7个村公" still counts 7个)."""
    quote = text[span[0] : span[1]]
    num = str(metric.get("number_text") or "")
    at = quote.find(num) if num else -1
    if at < 0:
        return span[1]
    unit = quote.find(str(metric.get("unit") or ""), at + len(num))
    return span[0] + (unit + len(metric["unit"]) if unit >= 0 and metric.get("unit") else at + len(num))


class Perturbation(NamedTuple):
    """A named perturbation of a document's text and the matching change of its gold."""

    name: str
    text: TextFn
    gold: GoldFn = _same_gold


PERTURBATIONS: tuple[Perturbation, ...] = (
    Perturbation("web_furniture", web_furniture),
    Perturbation("page_numbers", page_numbers),
    Perturbation("broken_title", broken_title),
    Perturbation("fullwidth_digits", fullwidth_digits, _converted_gold(lambda s: s.translate(_FULL_DIGITS))),
    Perturbation("traditional", traditional, _converted_gold(lambda s: str(_s2t().convert(s)))),
    Perturbation("blank_lines", blank_lines_and_spaces),
    Perturbation("doc_number", doc_number),
    Perturbation("cut_off", cut_off, _cut_gold),
)


# Every perturbation at once, in the registry's order, on one document (how a real copy comes).
COMBINED = "combined"


def perturbation_names() -> list[str]:
    """The registry's names in order, then ``combined``."""
    return [p.name for p in PERTURBATIONS] + [COMBINED]


def _apply(doc: dict[str, Any], p: Perturbation, rng: random.Random) -> dict[str, Any]:
    old = doc["text"]
    gold = doc.get("gold") or {}
    new = p.text(old, rng, gold=gold or None)
    out = dict(doc)
    out["text"] = new
    out["gold"] = p.gold(gold, old, new) if gold else gold
    return out


def perturb_doc(doc: dict[str, Any], name: str, *, seed: int = 0) -> dict[str, Any]:
    """A copy of the gold document ``doc`` with perturbation ``name`` applied to its text and gold."""
    rng = random.Random(f"{seed}:{doc.get('id', '')}")
    if name == COMBINED:
        out = doc
        for p in PERTURBATIONS:
            out = _apply(out, p, rng)
    else:
        match = [p for p in PERTURBATIONS if p.name == name]
        if not match:
            raise KeyError(name)
        out = _apply(doc, match[0], rng)
    return {**out, "perturbation": name}


def perturb_docs(docs: Sequence[dict[str, Any]], name: str, *, seed: int = 0) -> list[dict[str, Any]]:
    """Every document of ``docs`` under perturbation ``name``."""
    return [perturb_doc(d, name, seed=seed) for d in docs]
