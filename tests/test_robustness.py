"""Metamorphic robustness tests: messy renderings of a clean report must analyse the same.

Real submissions arrive broken in ways that do not change what they say:
traditional characters, full-width digits, half-width brackets, ``一）`` for
``（一）``, ``1、`` for ``1.``, a web page's navigation around the text, CRLF,
"2025 年", a title broken over two lines, a truncated download, DOCX/PDF
renderings, GB18030/Big5 files. Each case applies one such perturbation to a
project-written report (the fictional 明川县 corpus masters and the golden
fixture) and checks that title, entity, level, year, county, headings (text
modulo the perturbation, level, category) and metrics (value, unit, qualifier,
indicator) equal those of the clean run. Text values are compared in
simplified, whitespace-free form (``to_simplified``), since a perturbation may
legitimately change how a quote is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.normalise import to_simplified
from pipeline.run import Resources, analyze_path, analyze_text
from pipeline.types import Report

ROOT = Path(__file__).resolve().parents[1]
MASTERS = ROOT / "corpus" / "src"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "songlin-2024.txt"

SOURCES: dict[str, Path] = {p.stem: p for p in sorted(MASTERS.glob("*.master"))}
SOURCES["songlin-2024"] = GOLDEN


def _source_text(name: str) -> str:
    return SOURCES[name].read_text("utf-8").lstrip("\ufeff")


# ---------------------------------------------------------------- comparison


_WS = re.compile(r"\s+")
_ASCII_PUNCT = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
_LEAD_CN = re.compile(r"^[（(]?([一二三四五六七八九十]{1,3})[）)]")
_LEAD_NUM_PAREN = re.compile(r"^[（(](\d{1,2})[）)]")
_LEAD_NUM = re.compile(r"^(\d{1,2})[.．、]")


def canon(text: str | None) -> str | None:
    """Simplified, full-width folded, whitespace-free, ASCII brackets as Chinese ones."""
    if text is None:
        return None
    s = _WS.sub("", to_simplified(text))
    return s.translate(_ASCII_PUNCT)


def canon_heading(text: str) -> str:
    """A heading's text with its marker written one way: （一） / 1. / （1）; no closing 。."""
    s = canon(text) or ""
    s = _LEAD_CN.sub(r"（\1）", s)
    s = _LEAD_NUM_PAREN.sub(r"（\1）", s)
    s = _LEAD_NUM.sub(r"\1.", s)
    return s.rstrip("。")


@dataclass(frozen=True)
class Facts:
    """What must not change under a harmless perturbation."""

    status: str
    title: str | None
    entity: str | None
    level: str | None
    year: int | None
    county: str | None
    headings: tuple[tuple[str, int, str], ...]
    metrics: Counter[tuple[Any, ...]]


def metric_key(m: Any) -> tuple[Any, ...]:
    return (m.value, canon(m.unit), m.qualifier, m.indicator)


def facts(report: Report) -> Facts:
    return Facts(
        status=report.status,
        title=canon(report.title),
        entity=canon(report.entity),
        level=report.level,
        year=report.year,
        county=canon(report.county),
        headings=tuple((canon_heading(h.text), h.level, h.category) for h in report.headings),
        metrics=Counter(metric_key(m) for m in report.metrics),
    )


def assert_same(clean: Facts, got: Facts) -> None:
    """Field by field, so a failure names what changed."""
    assert got.status == clean.status == "ok"
    for name in ("title", "entity", "level", "year", "county"):
        assert getattr(got, name) == getattr(clean, name), name
    assert got.headings == clean.headings
    missing = clean.metrics - got.metrics
    extra = got.metrics - clean.metrics
    assert (dict(missing), dict(extra)) == ({}, {})


# ---------------------------------------------------------------- perturbations


_CN_MARK = re.compile(r"^（([一二三四五六七八九十]{1,3})）", re.M)
_NUM_DOT = re.compile(r"^(\d{1,2})\.(?!\d)", re.M)


@lru_cache(maxsize=1)
def _s2t() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


def traditional(text: str) -> str:
    return str(_s2t().convert(text))


def fullwidth_digits(text: str) -> str:
    return text.translate({ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789%"})


def halfwidth_brackets(text: str) -> str:
    return text.replace("（", "(").replace("）", ")")


def halfwidth_punctuation(text: str) -> str:
    """What a web CMS does: ASCII comma, colon, semicolon and brackets."""
    return halfwidth_brackets(text).translate(str.maketrans({"，": ",", "：": ":", "；": ";"}))


def drop_open_bracket(text: str) -> str:
    return _CN_MARK.sub(r"\1）", text)


def dunhao_items(text: str) -> str:
    return _NUM_DOT.sub(r"\1、", text)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def spaced_numbers(text: str) -> str:
    """A space between a number and the character after it: "2025 年", "12 次", "93.5 %"."""
    return re.sub(r"(\d)(?=[\u4e00-\u9fff%])", r"\1 ", text)


def _title_end(text: str) -> int:
    """End of the title block: the first blank line."""
    return text.index("\n\n")


def broken_title(text: str) -> str:
    """Break a one-line title as a layout does, before 建设 / 情况 (never inside a number)."""
    head = text[: _title_end(text)]
    if "\n" in head:
        return text  # already broken in the master
    for word in ("建设情况", "情况", "建设"):
        i = head.find(word, len(head) // 3)
        if i > 0:
            return head[:i] + "\n" + head[i:] + text[len(head) :]
    raise AssertionError(f"no place to break {head!r}")


_NAV_TOP = """\
明川县人民政府门户网站 | 无障碍 | 长者模式 | 登录
首页  政务公开  政务服务  互动交流  走进明川
您当前所在位置：首页 > 政务公开 > 法定主动公开内容 > 法治政府建设年度报告
索引号：115300XXMB0000000A/2026-00042 | 主题分类：综合政务 | 发布机构：明川县人民政府办公室
发布日期：2026-01-30 | 成文日期：2026-01-29 | 有效性：有效
【字体：大 中 小】  打印  分享到：微信 微博
"""

_NAV_BOTTOM = """\
【打印本页】 【关闭窗口】
上一篇：明川县关于开展冬春季森林防火专项检查的通知
下一篇：明川县2026年春耕生产工作安排
相关链接：国务院  省政府  市政府
主办单位：明川县人民政府办公室  承办单位：明川县大数据服务中心
网站标识码：5300000000  备案号：示例ICP备00000000号
"""


def web_page(text: str) -> str:
    """Navigation, breadcrumb, a metadata table and share links above; prev/next links and a footer below."""
    return _NAV_TOP + "\n" + text.strip("\n") + "\n\n" + _NAV_BOTTOM


def run_in_headings(text: str) -> str:
    """Join each （一） heading line with the paragraph under it: "（一）强化组织领导。镇党委…"."""
    return re.sub(r"^(（[一二三四五六七八九十]{1,3}）[^\n。]{2,40})\n\n(?=[^\n一二三四五六七八九十（(\d])", r"\1。", text, flags=re.M)


PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "traditional": traditional,
    "fullwidth_digits": fullwidth_digits,
    "halfwidth_brackets": halfwidth_brackets,
    "halfwidth_punctuation": halfwidth_punctuation,
    "drop_open_bracket": drop_open_bracket,
    "dunhao_items": dunhao_items,
    "web_page": web_page,
    "crlf": crlf,
    "spaced_numbers": spaced_numbers,
    "broken_title": broken_title,
    "run_in_headings": run_in_headings,
}


# A sentence: up to and including its end mark, within one line.
_SENTENCE = re.compile(r"[^\n。！？；]+[。！？；]")
_MARKER_START = re.compile(r"[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]")


@dataclass(frozen=True)
class Cut:
    """A truncation point inside a body sentence, and where that sentence starts."""

    at: int
    sentence_start: int


def cut_point(text: str, share: float = 0.8) -> Cut:
    """A point inside the first body sentence that runs past ``share`` of the text.

    A download cut off at 80%: the last sentence is incomplete and what follows
    is gone. Only body sentences are cut (not a heading or a run-in heading),
    so every heading before the cut stays whole.
    """
    pos = int(len(text) * share)
    for m in _SENTENCE.finditer(text):
        a, b = m.span()
        if b <= pos + 3 or b - a < 12 or _MARKER_START.match(m.group()):
            continue
        at = max(pos, a + 6)
        return Cut(at=at if b - at >= 3 else (a + b) // 2, sentence_start=a)
    raise AssertionError("no body sentence after the cut share")


@dataclass(frozen=True)
class FileFormat:
    """Write a text to a file the way a submission would arrive."""

    suffix: str
    write: Callable[[str, Path], Path]


def _write_docx(text: str, path: Path) -> Path:
    from pipeline.render import text_to_docx

    return text_to_docx(text, path)


def _write_pdf(text: str, path: Path) -> Path:
    pytest.importorskip("reportlab")
    from pipeline.render import text_to_pdf

    return text_to_pdf(text, path)


def _write_encoded(encoding: str, transform: Callable[[str], str] = lambda t: t, newline: str = "\n") -> Callable[[str, Path], Path]:
    def write(text: str, path: Path) -> Path:
        path.write_bytes(transform(text).replace("\n", newline).encode(encoding))
        return path

    return write


def traditional_tw(text: str) -> str:
    """Taiwan-standard traditional (爲 → 為), so that every character has a Big5 code."""
    from opencc import OpenCC

    return str(OpenCC("s2tw").convert(text))


FORMATS: dict[str, FileFormat] = {
    "docx": FileFormat(".docx", _write_docx),
    "pdf": FileFormat(".pdf", _write_pdf),
    "gb18030": FileFormat(".txt", _write_encoded("gb18030")),
    "gb18030_crlf": FileFormat(".txt", _write_encoded("gb18030", newline="\r\n")),
    "big5_traditional": FileFormat(".txt", _write_encoded("big5", traditional_tw)),
    "utf8_bom": FileFormat(".txt", _write_encoded("utf-8-sig")),
}


def _chain(*steps: Callable[[str], str]) -> Callable[[str], str]:
    def run(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return run


# Several kinds of mess at once, as they come together in practice.
COMBINED: dict[str, tuple[Callable[[str], str], str | None]] = {
    "portal_copy": (_chain(spaced_numbers, halfwidth_punctuation, web_page, crlf), None),
    "traditional_fullwidth": (_chain(traditional, fullwidth_digits), None),
    "traditional_portal": (_chain(traditional, web_page, broken_title), None),
    "pdf_sloppy_markers": (_chain(drop_open_bracket, dunhao_items), "pdf"),
    "docx_traditional_fullwidth": (_chain(traditional, fullwidth_digits, halfwidth_brackets), "docx"),
    "gb18030_broken_title_spaced": (_chain(broken_title, spaced_numbers, drop_open_bracket), "gb18030_crlf"),
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def clean_run(resources: Resources) -> Callable[[str], Report]:
    """The clean analysis of a source, computed once per module."""
    cache: dict[str, Report] = {}

    def get(name: str) -> Report:
        if name not in cache:
            cache[name] = analyze_text(_source_text(name), name, resources)
        return cache[name]

    return get


# ---------------------------------------------------------------- known failures

# (source, case) -> reason; the lead fixes these in modules this test does not own.
XFAIL: dict[tuple[str, str], str] = {}


def _cases(names: list[str], kinds: list[str]) -> list[Any]:
    out = []
    for name in names:
        for kind in kinds:
            reason = XFAIL.get((name, kind))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(name, kind, marks=marks, id=f"{name}-{kind}"))
    return out


# ---------------------------------------------------------------- tests


def test_sources_are_clean_reports(clean_run: Callable[[str], Report]) -> None:
    """The baseline itself: every source analyses as a report with headings and figures."""
    for name in SOURCES:
        report = clean_run(name)
        assert report.status == "ok", name
        assert report.title and report.entity and report.year, name
        assert len(report.headings) >= 8 and len(report.metrics) >= 5, name


@pytest.mark.parametrize(("name", "kind"), _cases(list(SOURCES), list(PERTURBATIONS)))
def test_text_perturbation(name: str, kind: str, clean_run: Callable[[str], Report], resources: Resources) -> None:
    text = _source_text(name)
    messy = PERTURBATIONS[kind](text)
    if messy == text:
        pytest.skip(f"{name} already has this form")
    assert_same(facts(clean_run(name)), facts(analyze_text(messy, f"{name}-{kind}", resources)))


@pytest.mark.parametrize(("name", "kind"), _cases(list(SOURCES), list(FORMATS)))
def test_file_format(name: str, kind: str, clean_run: Callable[[str], Report], resources: Resources, tmp_path: Path) -> None:
    fmt = FORMATS[kind]
    path = fmt.write(_source_text(name), tmp_path / f"{name}{fmt.suffix}")
    assert_same(facts(clean_run(name)), facts(analyze_path(path, resources)))


@pytest.mark.parametrize(("name", "kind"), _cases(list(SOURCES), list(COMBINED)))
def test_combined(name: str, kind: str, clean_run: Callable[[str], Report], resources: Resources, tmp_path: Path) -> None:
    perturb, fmt_name = COMBINED[kind]
    messy = perturb(_source_text(name))
    if fmt_name is None:
        got = analyze_text(messy, f"{name}-{kind}", resources)
    else:
        fmt = FORMATS[fmt_name]
        got = analyze_path(fmt.write(messy, tmp_path / f"{name}{fmt.suffix}"), resources)
    assert_same(facts(clean_run(name)), facts(got))


@pytest.mark.parametrize(("name", "kind"), _cases(list(SOURCES), ["truncated"]))
def test_truncated(name: str, kind: str, clean_run: Callable[[str], Report], resources: Resources) -> None:
    """Cut mid-sentence at 80%: metadata, the headings and the metrics before the cut survive."""
    text = _source_text(name)
    cut = cut_point(text)
    clean_report = clean_run(name)
    got = analyze_text(text[: cut.at], f"{name}-truncated", resources)
    want, have = facts(clean_report), facts(got)
    assert have.status == "ok"
    for field_name in ("title", "entity", "level", "year", "county"):
        assert getattr(have, field_name) == getattr(want, field_name), field_name
    # The prefix is the same text, so offsets agree: compare headings and metrics by position.
    kept = [h for h in clean_report.headings if h.end <= cut.sentence_start]
    assert [(h.start, h.text, h.level, h.category) for h in got.headings] == [
        (h.start, h.text, h.level, h.category) for h in kept
    ]
    before = [(m.start, *metric_key(m)) for m in clean_report.metrics if m.end <= cut.sentence_start]
    got_before = [(m.start, *metric_key(m)) for m in got.metrics if m.end <= cut.sentence_start]
    assert sorted(got_before) == sorted(before)
    assert before, "the cut should leave figures to check"


@pytest.mark.parametrize(
    ("text", "sentence", "cut_inside"),
    [
        # The sentence that runs past 80% is cut; the one before it is whole.
        ("一、做法\n全年开展普法宣传活动12场，发放资料3000份。受理群众来信来访43件，按期办结率100%。", "受理群众", True),
        # A run-in heading sentence is skipped: the body sentence after it is cut.
        ("一、做法\n全年开展普法宣传活动12场，发放资料3000份。\n（二）化解矛盾纠纷。受理群众来信来访43件，按期办结率100%。", "受理群众", True),
    ],
)
def test_cut_point_lands_inside_a_body_sentence(text: str, sentence: str, cut_inside: bool) -> None:
    cut = cut_point(text)
    assert text[cut.sentence_start :].startswith(sentence)
    assert (cut.sentence_start < cut.at < text.index("。", cut.sentence_start)) is cut_inside
