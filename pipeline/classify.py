"""Section categories of headings and paragraphs: keyword rules first, a trained model for the rest.

Categories (gold-format.md): achievements, shortcomings, plans, responsibility,
other. The order of decisions:

1. Keyword rules (``data/category_rules.toml``, domain.md 2.3) decide headings
   that name their section ("存在的不足和原因", "下一步工作打算", "第一责任人").
2. A top-level heading the rules cannot decide (a thematic one, "一、强化组织
   保障，夯实法治建设根基") goes to the model, weighted by where it stands:
   report sections come in a known order, so before any shortcomings or plans
   heading a thematic heading describes work done.
3. A lower heading inherits its top-level heading's category unless its own
   text names another section.
4. A paragraph takes the category of its innermost heading. Paragraphs with no
   heading are the preamble (other), the closing lines (other), a section
   opened by an unmarked canonical line, or, in reports with no usable
   headings, the model's call.

The model (:class:`SectionClassifier`) follows the scikit-learn estimator
contract: hashed character n-grams, jieba words and cue-word counts, TF-IDF,
logistic regression. scikit-learn fits it; applying it needs only numpy, so a
process start does not pay scikit-learn's import. Hashing keeps no vocabulary:
the saved model holds no text of the documents it saw. ``govreport train``
(:func:`train_classifier`) rebuilds it with a model card of held-out scores.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any


from pipeline.dates import CLOSING_DATE_LINE as _DATE_RE
from pipeline.dates import YEAR_LEAD_IN as _LEAD_IN_RE
from pipeline.dates import YEAR_MENTION as _YEAR_RE
from pipeline.markers import MARKER_PREFIX
from pipeline.normalise import normalise
from pipeline.sentences import SENTENCE_ENDS as _SENTENCE_END
from pipeline.types import CATEGORIES, Heading, Paragraph, Report

if TYPE_CHECKING:
    from pipeline.nlp import JiebaTokenizer
    from pipeline.section_model import SectionClassifier

_RULE_ORDER = ("shortcomings", "plans", "other")

_SPACE_RE = re.compile(r"\s+")
_CLAUSE_RE = re.compile(r"[，,。；;：:]")
# Preamble: "现将…情况报告如下：", "…汇报如下".
_INTRO_RE = re.compile(r"(报告|汇报|总结|说明)如下[:：]?\s*$|现将.{0,40}(报告|汇报)")
# Closing lines: a date, the issuing organ, 特此报告.
_ORGAN_RE = re.compile(r"(人民政府|委员会|办事处|党委|党工委|政府|局|办公室|司法所)\s*$")
_CLOSING_RE = re.compile(r"^\s*特此(报告|汇报)[。.]?\s*$")
# Words that mark what a sentence does: reports a result, admits a gap, promises, names the leader's duty.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("short", re.compile(r"有待|不够|不足|滞后|欠缺|薄弱|短板|差距|不强|不高|不到位|不完善|不健全|不规范|不精准|不及时|不平衡|缺乏|亟待|亟需|还存在|仍存在|单一|较少|较弱|偏少|偏弱")),
    ("plan", re.compile(r"将|继续|进一步|持续|力争|着力|加快|推动|计划|确保|全力|下一步|明年|20\d\d年(?=将|要|力争)")),
    ("done", re.compile(r"开展|组织|完成|共计|累计|实现|取得|办理|化解|覆盖|举办|印发|制定了|建立了|\d+(?:次|场|件|人|个|份|户|期)")),
    ("duty", re.compile(r"第一责任人|主要负责人|党委书记|书记|乡长|镇长|主任|亲自|带头|述法|一把手")),
)
# A shortcomings paragraph inside the results section ("同时也要清醒看到，…存在…问题").
_TURN_RE = re.compile(r"^.{0,12}(同时|但是|然而|但|不过|在肯定成绩的同时|成绩的同时)?.{0,16}(清醒|看到|认识到|存在|差距)")
_PROBLEM_RE = re.compile(r"(问题|不足|短板|差距|困难|挑战|薄弱)")


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Mapping[str, tuple[re.Pattern[str], ...]]:
    """The category keyword rules, compiled once (read-only: a shared cache must not be mutated).

    ``path`` is an edited copy of pipeline/data/category_rules.toml; a missing or
    malformed file, or a bad pattern, is a :class:`ConfigError` naming it.
    """
    from types import MappingProxyType

    from pipeline.config import parse_toml, read_toml
    from pipeline.errors import ConfigError

    if path is None:
        source = "pipeline/data/category_rules.toml"
        data = parse_toml(resources.files("pipeline").joinpath("data/category_rules.toml").read_text("utf-8"), source)
    else:
        source, data = str(path), read_toml(path, "category rules")
    rules: dict[str, tuple[re.Pattern[str], ...]] = {}
    for cat in CATEGORIES:
        try:
            rules[cat] = tuple(re.compile(p) for p in data.get(cat, {}).get("heading", []))
        except (re.error, TypeError, AttributeError) as exc:
            raise ConfigError(f"bad heading pattern for {cat}: {exc}", source) from None
    return MappingProxyType(rules)


def _norm_key(text: str) -> str:
    """``text`` as the stages match it (normalise: simplified, full-width folded,
    zero-width marks dropped), without any whitespace: a heading copied from a
    web page ("其他\u200b需要报告") must meet the same rules as a clean one."""
    return _SPACE_RE.sub("", normalise(text).text)


def heading_core(text: str) -> str:
    """A heading's words: normalised, without spaces and numbering marker."""
    return MARKER_PREFIX.sub("", _norm_key(text), count=1)


def rule_category(text: str, year: int | None = None) -> str | None:
    """The category a heading's own words name, or None when they name none.

    Responsibility wins when named; otherwise the earliest match among
    shortcomings, plans and other; the weak achievements words decide only
    when nothing else matches. A year after the reported one names the plans.
    """
    core = heading_core(text)
    if not core:
        return None
    rules = load_rules()
    if any(p.search(core) for p in rules["responsibility"]):
        return "responsibility"
    # Section names stand in a heading's first clause; later clauses mention plans or
    # problems in passing ("…纳入年度工作计划情况", "研究解决突出问题").
    first = _CLAUSE_RE.split(core, maxsplit=1)[0]
    hits: list[tuple[int, str]] = []
    for cat in _RULE_ORDER:
        for p in rules[cat]:
            m = p.search(first)
            if m:
                hits.append((m.start(), cat))
    achieved = any(p.search(core) for p in rules["achievements"])
    if year is not None and not achieved:
        for m in _YEAR_RE.finditer(first):
            if int(m.group(1)) > year:
                hits.append((m.start(), "plans"))
    if hits:
        return min(hits)[1]
    return "achievements" if achieved else None


# ---------------------------------------------------------------------------
# Classifying a report
# ---------------------------------------------------------------------------

# Which category a thematic top-level heading likely has, given the last decided one.
# Reports follow the order results -> shortcomings -> (responsibility) -> plans -> other.
_PRIOR: dict[str | None, dict[str, float]] = {
    None: {"achievements": 1.0, "shortcomings": 0.15, "plans": 0.15, "responsibility": 0.3, "other": 0.05},
    "achievements": {"achievements": 1.0, "shortcomings": 0.3, "plans": 0.3, "responsibility": 0.3, "other": 0.05},
    "responsibility": {"achievements": 1.0, "shortcomings": 0.5, "plans": 0.5, "responsibility": 0.7, "other": 0.1},
    "shortcomings": {"achievements": 0.2, "shortcomings": 1.0, "plans": 1.0, "responsibility": 0.5, "other": 0.2},
    "plans": {"achievements": 0.1, "shortcomings": 0.2, "plans": 1.0, "responsibility": 0.2, "other": 0.5},
    "other": {"achievements": 0.1, "shortcomings": 0.1, "plans": 0.3, "responsibility": 0.1, "other": 1.0},
}
# Without a model, a thematic top-level heading continues the last section (results at the start).
_FALLBACK: dict[str | None, str] = {
    None: "achievements",
    "achievements": "achievements",
    "responsibility": "achievements",
    "shortcomings": "shortcomings",
    "plans": "plans",
    "other": "other",
}


def _with_prior(probs: dict[str, float], state: str | None) -> str:
    prior = _PRIOR.get(state, _PRIOR[None])
    return max(CATEGORIES, key=lambda c: probs.get(c, 0.0) * prior[c])


def _may_override(rule: str | None, parent: str) -> bool:
    """Whether a lower heading's own words override the category it inherits.

    Results words ("成效") never override: "巩固工作成效" under plans is a plan.
    A first-responsible-person heading inside plans or shortcomings stays there.
    """
    if rule is None or rule == parent or rule == "achievements":
        return False
    if rule == "responsibility":
        return parent in ("achievements", "other")
    return True


@dataclass
class _Decision:
    category: str
    source: str


def classify_headings(
    headings: Sequence[Heading],
    classifier: SectionClassifier | None,
    year: int | None = None,
) -> list[_Decision]:
    """Decide every heading's category (see the module docstring)."""
    if not headings:
        return []
    top = min(h.level for h in headings)
    rules = [rule_category(h.text, year) for h in headings]
    undecided_top = [i for i, h in enumerate(headings) if h.level == top and rules[i] is None]
    probs: dict[int, dict[str, float]] = {}
    if classifier is not None and undecided_top:
        for i, p in zip(undecided_top, classifier.category_probs([headings[i].text for i in undecided_top])):
            probs[i] = p
    out: list[_Decision] = []
    state: str | None = None  # category of the last top-level heading
    for i, h in enumerate(headings):
        rule = rules[i]
        if h.level == top:
            if rule is not None:
                dec = _Decision(rule, "rules")
            elif i in probs:
                dec = _Decision(_with_prior(probs[i], state), "model")
            else:
                dec = _Decision(_FALLBACK.get(state, "achievements"), "rules")
            state = dec.category
        else:
            parent = state if state is not None else "achievements"
            if _may_override(rule, parent):
                dec = _Decision(rule or parent, "rules")
            else:
                dec = _Decision(parent, "inherited")
        out.append(dec)
    return out


def _is_closing_line(text: str) -> bool:
    """特此报告, a date line, or the issuing organ's name on its own line."""
    t = _norm_key(text)
    if not t:
        return True
    if _CLOSING_RE.match(t) or _DATE_RE.match(t):
        return True
    return len(t) <= 40 and not any(c in t for c in _SENTENCE_END + "，,") and bool(_ORGAN_RE.search(t))


def _closing_indices(paragraphs: Sequence[Paragraph], body_end: int) -> set[int]:
    """Indices of the trailing closing lines (signature, date, 特此报告, furniture)."""
    out: set[int] = set()
    for i in range(len(paragraphs) - 1, -1, -1):
        p = paragraphs[i]
        if p.start < body_end:
            break
        t = p.text.strip()
        if _is_closing_line(t):
            out.add(i)
        else:
            break
    return out


def _is_turn_to_problems(text: str) -> bool:
    """A paragraph that turns from results to problems ("同时也清醒看到…存在…不足")."""
    head = normalise(text[:60]).text
    return bool(_TURN_RE.match(head)) and bool(_PROBLEM_RE.search(head))


def _runs(indices: Sequence[int]) -> list[list[int]]:
    """Split sorted indices into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


# Sections follow each other in a known order; a paragraph sequence without
# headings is decoded as a path through it (Viterbi), not paragraph by paragraph.
_RANK = {"achievements": 1, "responsibility": 1, "shortcomings": 2, "plans": 3, "other": 4}
_START = {"achievements": 0.7, "responsibility": 0.1, "shortcomings": 0.1, "plans": 0.05, "other": 0.05}


def _transition(a: str, b: str) -> float:
    if a == b:
        return 0.9
    if {a, b} == {"achievements", "responsibility"}:
        return 0.05
    if b == "other":
        return 0.01
    return 0.08 if _RANK[b] > _RANK[a] else 0.005


def viterbi(probs: Sequence[dict[str, float]], state: str | None = None, end: str | None = None) -> list[str]:
    """The most likely category sequence given per-paragraph probabilities and the section order.

    ``state`` is the section before the paragraphs, ``end`` the one after them:
    paragraphs between a results heading and a plans heading are results,
    shortcomings or plans, never "other" or out of order.
    """
    import math

    if not probs:
        return []
    lo = _RANK.get(state, 1) if state != "other" else 1
    hi = _RANK.get(end, 4) if end != "other" else 4
    cats = tuple(c for c in CATEGORIES if lo <= _RANK[c] <= hi and (c != "other" or end is None)) or CATEGORIES
    log = lambda x: math.log(max(x, 1e-9))
    start = {c: (_transition(state, c) if state in _RANK else _START[c]) for c in cats}
    score = {c: log(start[c]) + log(probs[0].get(c, 0.0)) for c in cats}
    back: list[dict[str, str]] = []
    for p in probs[1:]:
        new: dict[str, float] = {}
        ptr: dict[str, str] = {}
        for c in cats:
            best = max(cats, key=lambda a: score[a] + log(_transition(a, c)))
            new[c] = score[best] + log(_transition(best, c)) + log(p.get(c, 0.0))
            ptr[c] = best
        score = new
        back.append(ptr)
    last = max(cats, key=lambda c: score[c])
    path = [last]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    return path[::-1]


def classify_paragraphs(
    report: Report,
    heading_cats: Sequence[str],
    classifier: SectionClassifier | None,
) -> list[_Decision]:
    """Decide every paragraph's category."""
    paras = report.paragraphs
    headings = report.headings
    if not paras:
        return []
    # The last heading's start: closing lines come after it (or anywhere when there is none).
    last_heading_start = headings[-1].start if headings else 0
    closing = _closing_indices(paras, last_heading_start)
    first_heading_start = headings[0].start if headings else None
    first_top_cat = heading_cats[0] if heading_cats else None
    title_end = report.title_span[1] if report.title_span else -1

    decisions: list[_Decision | None] = [None] * len(paras)
    pending: list[int] = []  # paragraphs left to the model
    implicit: str | None = None  # section opened by an unmarked canonical line
    seen_intro = False
    for i, p in enumerate(paras):
        t = p.text.strip()
        if i in closing:
            decisions[i] = _Decision("other", "rules")
            continue
        if p.heading is not None and 0 <= p.heading < len(heading_cats):
            decisions[i] = _Decision(heading_cats[p.heading], "inherited")
            continue
        # No enclosing heading.
        if p.end <= title_end or (title_end >= 0 and p.start < title_end):
            decisions[i] = _Decision("other", "rules")
            continue
        simple = normalise(t).text
        before_first = first_heading_start is None or p.end <= first_heading_start
        if not seen_intro and (
            _INTRO_RE.search(simple)
            # The lead-in of a report opens with its year ("2023年，在县委…领导下，我乡…").
            or (before_first and not pending and implicit is None and _LEAD_IN_RE.match(simple))
        ):
            seen_intro = True
            decisions[i] = _Decision("other", "rules")
            continue
        # An unmarked canonical line ("主要举措和成效" alone) opens a section.
        short = len(t) <= 30 and not any(c in t for c in _SENTENCE_END)
        rule = rule_category(t, report.year) if short else None
        if rule is not None:
            implicit = rule
            decisions[i] = _Decision(rule, "rules")
            continue
        if implicit is not None:
            decisions[i] = _Decision(implicit, "inherited")
            continue
        before_first = first_heading_start is not None and p.end <= first_heading_start
        if before_first and (first_top_cat in (None, "achievements") or not seen_intro):
            # Preamble before the results section (or before the lead-in sentence).
            decisions[i] = _Decision("other", "rules")
            continue
        pending.append(i)

    if pending:
        probs = classifier.category_probs([paras[i].text for i in pending]) if classifier is not None else None
        for run in _runs(pending):
            # The nearest decided category before the run is the section it continues.
            state = next((d.category for d in reversed(decisions[: run[0]]) if d is not None and d.category != "other"), None)
            if probs is None:
                for i in run:
                    decisions[i] = _Decision(_FALLBACK.get(state, "achievements"), "rules")
                continue
            k0 = pending.index(run[0])
            after = next((d.category for d in decisions[run[-1] + 1 :] if d is not None and d.category != "other"), None)
            cats = viterbi([probs[k0 + k] for k in range(len(run))], state, after)
            for i, cat in zip(run, cats):
                decisions[i] = _Decision(cat, "model")
    return [d if d is not None else _Decision("other", "rules") for d in decisions]


def classify_report(report: Report, classifier: SectionClassifier | None, tokenizer: JiebaTokenizer | None) -> None:
    """Set ``category`` and ``category_source`` of every heading and paragraph of ``report``."""
    if tokenizer is not None:
        if report.entity and report.entity.endswith(("乡", "镇", "街道")):
            tokenizer.add_words([report.entity])
        if classifier is not None:
            classifier.set_tokenizer(tokenizer)
    head_dec = classify_headings(report.headings, classifier, report.year)
    for h, d in zip(report.headings, head_dec):
        h.category, h.category_source = d.category, d.source
    para_dec = classify_paragraphs(report, [d.category for d in head_dec], classifier)
    for p, d in zip(report.paragraphs, para_dec):
        p.category, p.category_source = d.category, d.source
    for section in report.sections:
        _set_section_category(section, report)


def _set_section_category(section: Any, report: Report) -> None:
    if section.heading is not None and 0 <= section.heading < len(report.headings):
        section.category = report.headings[section.heading].category
    for child in section.children:
        _set_section_category(child, report)
