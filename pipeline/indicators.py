"""Metrics: quantities linked to an indicator of indicators.md, with evidence.

The quantities come from :mod:`pipeline.quantities` (characters, not tokens).
Each one is linked to an indicator id through the lexicon in
``data/indicators.toml`` by looking at, in this order:

1. the noun after a measure word of things ("6个调委会", "31个法律明白人");
2. the clause before the number, back to the previous ， ； 。 or the
   previous quantity of a list (strong cues; the highest priority, then the
   nearest cue wins);
3. the words after the number up to the next clause boundary (strong cues);
4. head counts: right after a training or publicity count of the same
   sentence ("培训3场，覆盖200余人次"), or the attendance of an event named
   earlier in the sentence ("召开法治培训会，……50余人参加");
5. the weak (generic) cues of the clause, then of the words after;
6. a list that continues with the same measure word and no words of its own
   ("其中普通程序1件，简易程序73件"; "其中44件已办结，4件正在办理").

A candidate indicator must be counted in the quantity's measure word (the cue
regexes are compiled per measure word), so a cue never turns "法治讲座…500人次"
into a count of lectures. Whatever finds no indicator is ``other``. The
tokenizer (any object with ``.cut``), when given, only trims the noun after a
measure word to whole words; it is run on a 14-character window, never on the
whole text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.config import parse_toml, read_toml
from pipeline.errors import ConfigError
from pipeline.furniture import COUNTER_FURNITURE
from pipeline.normalise import to_simplified
from pipeline.quantities import Quantity, find_placeholders, find_quantities
from pipeline.sentences import CLAUSE_BOUNDARY, SENTENCE_END, STOP_RE, STOPS_OR_BREAK
from pipeline.types import Metric, Report

if TYPE_CHECKING:
    from pipeline.linker import Context
    from pipeline.modelio import LinearModel

INDICATOR_IDS: tuple[str, ...] = (
    "rol_meetings", "central_group_study", "law_study_sessions", "legal_training_sessions",
    "training_participants", "legal_exam_rate", "warning_education_sessions", "major_decisions",
    "legality_reviews", "normative_documents", "legal_advisers", "certified_enforcement_staff",
    "enforcement_cases", "enforcement_inspections", "penalty_amount", "admin_reconsideration_cases",
    "admin_litigation_cases", "head_court_appearance_rate", "gov_info_disclosures",
    "mediation_organizations", "disputes_screened", "disputes_resolved", "mediation_success_rate",
    "petitions_handled", "hotline_requests", "security_patrols", "grid_workers", "legal_service_points",
    "legal_consultations", "legal_aid_cases", "community_corrections", "publicity_events",
    "publicity_materials", "publicity_reach", "legal_literates", "demonstration_villages",
    "model_households", "other",
)
DIRECTIONS = {"up": "up", "↑": "up", "down": "down", "↓": "down", "context": "context", "~": "context"}

# Measure words counted as one of their parts: 场次 is 场 or 次, 场(次) too.
_UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "场次": ("场", "次"),
    "场(次)": ("场", "次"),
    "场（次）": ("场", "次"),
    "件次": ("件", "次"),
    "人(次)": ("人次",),
    "人（次）": ("人次",),
    "件(次)": ("件", "次"),
    "件（次）": ("件", "次"),
    "批次": ("批", "次"),
    "期次": ("期", "次"),
    "户次": ("户", "次"),
    "家次": ("家", "次"),
    "位": ("名", "人"),
}
# Measure words of things (a noun follows: "7个调委会"); 次/场/期 count events.
_NOMINAL_UNITS = frozenset("个名人位家所户支部份本册张项条件类块幅套台处座")
# Words after a measure word that start a verb phrase, not the counted noun.
_AFTER_STOP_RE = re.compile(
    r"[，,；;。！？!?\n：:、（(]|参加|参与|开展|完成|全部|已|均|共|等|和|及|与|的|进行|实现|获|被|对|为|在"
)
_PEOPLE_UNITS = frozenset({"人次", "人", "名", "位"})
_DIGIT_RE = re.compile(r"\d")
# Words that start a predicate, not a noun, right after a measure word ("4件正在办理").
_VERBISH_START = frozenset("已正在均全未尚待获被得经由予办完")
_ATTEND_RE = re.compile(r"(?:参加|参与|参训|出席|到场)")
# A clause that only continues a list: nothing, or a few words naming the next item.
_LIST_LEAD_RE = re.compile(r"(?:其中|另有|另|此外|以及|和|及|共计|合计|累计|共)?[^，。；]{0,4}")




def _furniture_line(norm: str, pos: int, bounds: _Bounds) -> bool:
    """Is the line around ``pos`` page furniture rather than report text?"""
    line = norm[bounds.last(pos, "\n", 400) : bounds.next(pos, "\n", 400)]
    return not STOP_RE.search(line) and COUNTER_FURNITURE.search(line) is not None


class Tokenizer(Protocol):
    def cut(self, text: str) -> list[str]: ...


@dataclass(frozen=True)
class Indicator:
    """One row of indicators.md as the lexicon states it."""

    id: str
    name: str
    units: frozenset[str]
    direction: str
    cues: tuple[str, ...]
    weak_cues: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    people: str | None = None
    priority: int = 0  # a cue of a higher-priority indicator wins over a nearer one


@dataclass(frozen=True)
class CueSet:
    """Strong and weak cue regexes of the indicators that accept one measure word."""

    strong_re: re.Pattern[str]
    strong_map: Mapping[str, tuple[str, ...]]
    weak_re: re.Pattern[str]
    weak_map: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Lexicon:
    """The indicator lexicon with its cue regexes compiled once (read-only: the loaded one is shared)."""

    indicators: Mapping[str, Indicator]
    source: str = "<lexicon>"
    by_unit: Mapping[str, CueSet] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def cues_for(self, unit: str) -> CueSet | None:
        """The cues of the indicators counted in ``unit`` (simplified), compiled once."""
        return self.by_unit.get(unit)

    def accepts(self, indicator: str, unit: str) -> bool:
        """Whether ``indicator`` is counted in ``unit`` (unit in simplified form)."""
        ind = self.indicators.get(indicator)
        if ind is None:
            return False
        if unit in ind.units:
            return True
        return any(u in ind.units for u in _UNIT_ALIASES.get(unit, ()))

    def allowed(self, unit: str) -> frozenset[str]:
        """The indicators counted in ``unit`` (simplified)."""
        return frozenset(i for i in self.indicators if self.accepts(i, unit))

    def name(self, indicator: str) -> str:
        ind = self.indicators.get(indicator)
        return ind.name if ind else indicator


def _alternation(words: list[str]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!)")
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _str_list(value: Any, where: str, fname: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{fname}' must be a list of non-empty strings", None)
    return tuple(value)


def build_lexicon(data: dict[str, Any], source: str = "<lexicon>") -> Lexicon:
    """Validate parsed TOML and build a :class:`Lexicon`; ConfigError names the problem."""
    table = data.get("indicator")
    if not isinstance(table, dict) or not table:
        raise ConfigError("no [indicator.<id>] tables", source)
    indicators: dict[str, Indicator] = {}
    for iid, row in table.items():
        where = f"[indicator.{iid}]"
        if iid not in INDICATOR_IDS or iid == "other":
            raise ConfigError(f"{where}: unknown indicator id (ids are those of indicators.md)", source)
        if not isinstance(row, dict):
            raise ConfigError(f"{where}: must be a table", source)
        unknown = set(row) - {"name", "units", "direction", "cues", "weak_cues", "negative", "people", "priority"}
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}", source)
        name = row.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: 'name' must be a non-empty string", source)
        direction = DIRECTIONS.get(str(row.get("direction", "")))
        if direction is None:
            raise ConfigError(f"{where}: 'direction' must be one of up/down/context (or ↑ ↓ ~)", source)
        try:
            units = _str_list(row.get("units"), where, "units")
            cues = _str_list(row.get("cues"), where, "cues")
            weak = _str_list(row.get("weak_cues"), where, "weak_cues")
            negative = _str_list(row.get("negative"), where, "negative")
        except ConfigError as exc:
            raise ConfigError(exc.reason, source) from None
        if not units:
            raise ConfigError(f"{where}: 'units' must list at least one measure word", source)
        if not cues:
            raise ConfigError(f"{where}: 'cues' must list at least one cue word", source)
        people = row.get("people")
        if people is not None and (not isinstance(people, str) or people not in INDICATOR_IDS):
            raise ConfigError(f"{where}: 'people' must be an indicator id", source)
        priority = row.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise ConfigError(f"{where}: 'priority' must be an integer", source)
        indicators[iid] = Indicator(iid, name, frozenset(units), direction, cues, weak, negative, people, priority)
    units = {u for ind in indicators.values() for u in ind.units} | set(_UNIT_ALIASES)
    lex = Lexicon(indicators=MappingProxyType(indicators), source=source)
    by_unit: dict[str, CueSet] = {}
    for unit in units:
        ok = [ind for ind in indicators.values() if lex.accepts(ind.id, unit)]
        strong: dict[str, list[str]] = {}
        weak: dict[str, list[str]] = {}
        for ind in ok:
            for c in ind.cues:
                strong.setdefault(c, []).append(ind.id)
            for c in ind.weak_cues:
                weak.setdefault(c, []).append(ind.id)
        by_unit[unit] = CueSet(
            _alternation(list(strong)),
            MappingProxyType({k: tuple(v) for k, v in strong.items()}),
            _alternation(list(weak)),
            MappingProxyType({k: tuple(v) for k, v in weak.items()}),
        )
    return replace(lex, by_unit=MappingProxyType(by_unit))


@lru_cache(maxsize=8)
def _load_cached(path_text: str | None) -> Lexicon:
    if path_text is None:
        ref = resources.files("pipeline").joinpath("data/indicators.toml")
        source = "pipeline/data/indicators.toml"
        try:
            raw = ref.read_text("utf-8")
        except (FileNotFoundError, OSError) as exc:  # pragma: no cover - broken install
            raise ConfigError(f"cannot read the packaged lexicon: {exc}", source) from exc
    else:
        return build_lexicon(read_toml(path_text, "lexicon"), path_text)
    return build_lexicon(parse_toml(raw, source), source)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The indicator lexicon: ``path`` or the packaged ``data/indicators.toml``."""
    return _load_cached(str(path) if path is not None else None)


# --- linking ------------------------------------------------------------------


def _simplify_unit(unit: str) -> str:
    return to_simplified(unit)


# A cue found in a window: (start, end) in the window, the cue, its indicator ids.
_Hit = tuple[int, int, str, tuple[str, ...]]


def _cue_hits(rx: re.Pattern[str], cmap: dict[str, tuple[str, ...]], window: str) -> list[_Hit]:
    """Every cue in ``window``, left to right."""
    return [(m.start(), m.end(), m.group(0), cmap[m.group(0)]) for m in rx.finditer(window)]


@dataclass(frozen=True)
class Link:
    """The indicator of a quantity, the norm span of the cue that decided it (if any), and the
    windows the rules read: the sentence and clause starts before the number and the end of the
    words after it (the learned linker reads the same windows)."""

    indicator: str
    cue_start: int | None = None
    cue_end: int | None = None
    sentence_start: int = 0
    clause_start: int = 0
    after_end: int = 0


def _pick(hits: list[_Hit], lex: Lexicon, clause: str, offset: int, *, nearest_last: bool = True) -> Link | None:
    """The best cue: highest priority, then nearest the number, then longest; vetoed by negatives."""

    def rank(h: _Hit) -> tuple[int, int, int]:
        prio = max(lex.indicators[i].priority for i in h[3])
        return (prio, h[1] if nearest_last else -h[1], len(h[2]))

    for start, end, _, ids in sorted(hits, key=rank, reverse=True):
        for iid in ids:
            ind = lex.indicators[iid]
            if ind.negative and any(n in clause for n in ind.negative):
                continue
            return Link(iid, offset + start, offset + end)
    return None


@dataclass
class _Linked:
    quantity: Quantity
    indicator: str
    sentence_start: int
    clause_start: int


def _after_noun(norm: str, pos: int, tokenizer: Tokenizer | None, limit: int = 14) -> str:
    """The noun phrase right after a measure word, up to a verb or boundary."""
    window = norm[pos : pos + limit]
    m = _AFTER_STOP_RE.search(window)
    phrase = window[: m.start()] if m else window
    if tokenizer is not None and phrase:
        # Token boundaries keep a trailing fragment of the next word out of the phrase.
        acc = ""
        for t in tokenizer.cut(window):
            if len(acc) + len(t) > len(phrase):
                break
            acc += t
        phrase = acc or phrase
    return phrase


def link_quantities(norm: str, quantities: list[Quantity], lexicon: Lexicon, tokenizer: Tokenizer | None = None) -> list[str]:
    """The indicator id of each quantity (same order), from the words around it in ``norm``."""
    return [link.indicator for link in link_with_evidence(norm, quantities, lexicon, tokenizer)]


def link_with_evidence(
    norm: str,
    quantities: list[Quantity],
    lexicon: Lexicon,
    tokenizer: Tokenizer | None = None,
    *,
    bounds: _Bounds | None = None,
    nouns: dict[int, str] | None = None,
) -> list[Link]:
    """A :class:`Link` for each quantity (same order): the indicator and where its cue is."""
    bounds = bounds or _Bounds(norm)
    nouns = {} if nouns is None else nouns
    out: list[Link] = []
    prev: _Linked | None = None
    for q in quantities:
        unit = _simplify_unit(q.unit)
        sent_start = bounds.last(q.span_start, SENTENCE_END, 200)
        clause_start = bounds.last(q.span_start, CLAUSE_BOUNDARY, 60)
        if prev is not None and clause_start < prev.quantity.span_end <= q.span_start:
            clause_start = prev.quantity.span_end  # "学习13次、研讨11次": the earlier item keeps its words
        clause = norm[clause_start : q.span_start]
        # An event count is often followed by the next item of a list ("学习6次、研讨4次").
        after_end = bounds.next(q.span_end, CLAUSE_BOUNDARY + ("" if unit in _NOMINAL_UNITS else "、"), 30)
        after = norm[q.span_end : after_end]
        digit = _DIGIT_RE.search(after)
        if digit:
            after = after[: digit.start()]  # the next quantity's words are its own
        full = clause + after
        cs = lexicon.cues_for(unit)
        link: Link | None = None
        if cs is not None:
            noun = _noun_after(norm, q, unit, tokenizer, nouns)
            link = _link_strong(q, noun, clause, clause_start, after, cs, lexicon)
        same_sentence = prev is not None and prev.sentence_start == sent_start and prev.indicator != "other"
        if link is None and same_sentence and unit in _PEOPLE_UNITS:
            # "培训3场，覆盖200余人次": the head count of the events just counted.
            pind = lexicon.indicators.get(prev.indicator)  # type: ignore[union-attr]
            if pind is not None and pind.people and lexicon.accepts(pind.people, unit):
                link = Link(pind.people)
        if link is None and unit in _PEOPLE_UNITS and _ATTEND_RE.match(after) and sent_start < clause_start:
            # "召开法治专题培训会，……等50余人参加": the attendance of the event named before.
            people = _attendance(norm[sent_start:clause_start], lexicon, unit)
            link = Link(people) if people else None
        if link is None and cs is not None:
            link = _pick(_cue_hits(cs.weak_re, cs.weak_map, clause), lexicon, full, clause_start) or _pick(
                _cue_hits(cs.weak_re, cs.weak_map, after), lexicon, full, q.span_end, nearest_last=False
            )
        if link is None and same_sentence and unit != "%" and _LIST_LEAD_RE.fullmatch(clause):
            # "其中普通程序1件，简易程序73件": a list continues with the same measure word.
            noun = _noun_after(norm, q, unit, tokenizer, nouns)
            nominal_noun = bool(noun) and noun[0] not in _VERBISH_START
            if _simplify_unit(prev.quantity.unit) == unit and not nominal_noun:  # type: ignore[union-attr]
                link = Link(prev.indicator)  # type: ignore[union-attr]
        link = replace(link or Link("other"), sentence_start=sent_start, clause_start=clause_start, after_end=after_end)
        out.append(link)
        prev = _Linked(q, link.indicator, sent_start, clause_start)
    return out


def _attendance(context: str, lexicon: Lexicon, unit: str) -> str | None:
    """The head-count indicator of the nearest event named in ``context``."""
    cs = lexicon.cues_for("次")
    if cs is None:
        return None
    hits = _cue_hits(cs.strong_re, cs.strong_map, context)
    if not hits:
        return None
    for iid in hits[-1][3]:
        people = lexicon.indicators[iid].people
        if people and lexicon.accepts(people, unit):
            return people
    return None


def _noun_after(norm: str, q: Quantity, unit: str, tokenizer: Tokenizer | None, cache: dict[int, str]) -> str:
    """The counted noun after a measure word of things ("" for events), cut once per quantity."""
    if unit not in _NOMINAL_UNITS:
        return ""
    found = cache.get(q.span_end)
    if found is None:
        found = cache[q.span_end] = _after_noun(norm, q.span_end, tokenizer)
    return found


def _link_strong(q: Quantity, noun: str, clause: str, clause_start: int, after: str, cs: CueSet, lexicon: Lexicon) -> Link | None:
    """The indicator named by strong cues around one quantity, or None."""
    full = clause + after
    if noun:
        found = _pick(_cue_hits(cs.strong_re, cs.strong_map, noun), lexicon, full, q.span_end, nearest_last=False)
        if found:
            return found
    return _pick(_cue_hits(cs.strong_re, cs.strong_map, clause), lexicon, full, clause_start) or _pick(
        _cue_hits(cs.strong_re, cs.strong_map, after), lexicon, full, q.span_end, nearest_last=False
    )


class _Bounds:
    """Boundary positions of one text, found once per character set (bisect, not rescans)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._pos: dict[str, list[int]] = {}

    def _positions(self, chars: str) -> list[int]:
        found = self._pos.get(chars)
        if found is None:
            rx = re.compile("[" + re.escape(chars) + "]")
            found = self._pos[chars] = [m.start() for m in rx.finditer(self.text)]
        return found

    def last(self, pos: int, chars: str, limit: int) -> int:
        """Start of the stretch before ``pos``: just after the last boundary, at most ``limit`` back."""
        lo = max(0, pos - limit)
        positions = self._positions(chars)
        i = bisect_left(positions, pos) - 1
        return positions[i] + 1 if i >= 0 and positions[i] >= lo else lo

    def next(self, pos: int, chars: str, limit: int) -> int:
        """The next boundary at or after ``pos``, at most ``limit`` ahead."""
        hi = min(len(self.text), pos + limit)
        positions = self._positions(chars)
        j = bisect_left(positions, pos)
        return positions[j] if j < len(positions) and positions[j] < hi else hi


# --- the stage ----------------------------------------------------------------


def _quote_span(norm: str, q: Quantity, link: Link, bounds: _Bounds, noun: str) -> tuple[int, int]:
    """The shortest span with the number, its unit and what it counts (norm offsets).

    The cue that decided the indicator says what is counted; without one, the
    noun after a measure word of things ("7个村") or the clause before.
    """
    unit = _simplify_unit(q.unit)
    clause_start = bounds.last(q.span_start, CLAUSE_BOUNDARY, 40)
    end = q.span_end
    noun = noun[:8] if unit in _NOMINAL_UNITS or unit in _PEOPLE_UNITS else ""
    if noun:
        end += len(noun)  # "9个村", "31个法律明白人"
    if link.cue_start is not None and link.cue_end is not None:
        start = min(link.cue_start, q.span_start)
        if link.cue_start < q.span_start and link.cue_start - clause_start <= 12:
            start = clause_start  # keep the verb: "全年组织集中学法9次"
        # A cue in the words after the number ends the quote there ("1个镇级调委会").
        return start, (max(link.cue_end, q.span_end) if link.cue_start >= q.span_end else max(link.cue_end, end))
    if noun:
        return q.span_start, end
    return bounds.last(q.span_start, CLAUSE_BOUNDARY + "、", 16), end


# Characters inside a measure word as written that are not part of it: spaces
# and invisible marks a web page or a PDF leaves between two characters ("人 次").
_NOT_IN_UNIT = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _unit_as_written(report: Report, q: Quantity, norm: str) -> str:
    """The measure word in the document's own characters (traditional stays), without spaces or invisible marks."""
    if q.unit == "%" and norm[q.unit_start] != "%":
        return "%"  # 百分之… written out
    return _NOT_IN_UNIT.sub("", report.text_of(q.unit_start, q.unit_end))


def _sentence_span(bounds: _Bounds, start: int, end: int) -> tuple[int, int]:
    return bounds.last(start, SENTENCE_END, 300), bounds.next(end, STOPS_OR_BREAK, 300)


class _Categories:
    """Category lookup by text offset over the paragraphs and headings (binary search)."""

    def __init__(self, report: Report) -> None:
        paras = sorted((p.start, p.end, p.category) for p in report.paragraphs)
        heads = sorted((h.start, h.end, h.category) for h in report.headings)
        self._paras = paras
        self._para_starts = [p[0] for p in paras]
        self._heads = heads
        self._head_starts = [h[0] for h in heads]

    def at(self, pos: int) -> str:
        i = bisect_right(self._para_starts, pos) - 1
        if i >= 0 and pos < self._paras[i][1]:
            return self._paras[i][2]
        j = bisect_right(self._head_starts, pos) - 1
        # Inside a heading, or below the nearest heading before the number.
        return self._heads[j][2] if j >= 0 else "other"


@dataclass
class _Linking:
    """One report's quantities with their rule links and what both linkers read (computed once)."""

    norm: str
    bounds: _Bounds
    quantities: list[Quantity]
    links: list[Link]
    nouns: dict[int, str]
    categories: _Categories

    @classmethod
    def of(cls, report: Report, lexicon: Lexicon, tokenizer: Tokenizer | None = None) -> _Linking:
        norm = report.norm or report.text
        bounds = _Bounds(norm)
        quantities = [q for q in find_quantities(norm) if not _furniture_line(norm, q.start, bounds)]
        nouns: dict[int, str] = {}
        links = link_with_evidence(norm, quantities, lexicon, tokenizer, bounds=bounds, nouns=nouns)
        return cls(norm, bounds, quantities, links, nouns, _Categories(report))

    def contexts(self, report: Report, lexicon: Lexicon) -> list[Context]:
        """The learned linker's view of each quantity (same order)."""
        from pipeline.linker import Tokens, contexts

        for q in self.quantities:
            _noun_after(self.norm, q, _simplify_unit(q.unit), None, self.nouns)
        tokens = report.tokens or Tokens.from_words([self.norm])
        return contexts(
            self.norm, self.quantities, self.links, lexicon, tokens, self.nouns,
            lambda pos: self.categories.at(report.to_text_pos(pos)),
        )

    def apply(self, report: Report, lexicon: Lexicon, linker: LinearModel) -> None:
        """Replace the rule links by the model's decisions (a link keeps its cue span when they agree)."""
        from pipeline.linker import decide

        ctxs = self.contexts(report, lexicon)
        self.links = [
            link if (chosen := decide(linker, ctx, lexicon.allowed(ctx.unit))) == link.indicator else replace(link, indicator=chosen, cue_start=None, cue_end=None)
            for link, ctx in zip(self.links, ctxs, strict=True)
        ]


def quantity_contexts(report: Report, lexicon: Lexicon) -> tuple[list[Quantity], list[Context]]:
    """The quantities of a report and the linker's view of each (training and evaluation)."""
    linking = _Linking.of(report, lexicon)
    return linking.quantities, linking.contexts(report, lexicon)


def extract_metrics(
    report: Report,
    lexicon: Lexicon,
    tokenizer: Any = None,
    *,
    use_tokenizer: bool = False,
    linker: LinearModel | None = None,
) -> None:
    """Set ``report.metrics`` and append placeholder defects to ``report.defects``.

    Each quantity is linked by the lexicon rules; with a ``linker`` (the
    learned model) the rules' decision and cue hits become its features
    together with the report's tokens (``report.tokens``, set by the segment
    stage), and the model decides among the indicators the unit allows.
    ``tokenizer`` (any object with ``.cut``) trims the noun after a measure
    word to whole words, only with ``use_tokenizer=True``.
    """
    tokenizer = tokenizer if use_tokenizer else None
    linking = _Linking.of(report, lexicon, tokenizer)
    if linker is not None and linking.quantities:
        linking.apply(report, lexicon, linker)
    norm, bounds, nouns, categories = linking.norm, linking.bounds, linking.nouns, linking.categories
    metrics: list[Metric] = []
    for q, link in zip(linking.quantities, linking.links, strict=True):
        s, e = report.to_text_span(q.start, q.end)
        qs, qe = _quote_span(norm, q, link, bounds, _noun_after(norm, q, _simplify_unit(q.unit), tokenizer, nouns))
        ss, se = _sentence_span(bounds, q.span_start, q.span_end)
        value: int | float = q.value
        metrics.append(
            Metric(
                indicator=link.indicator,
                value=value,
                unit=_unit_as_written(report, q, norm),
                qualifier=q.qualifier,
                per=q.per,
                quote=report.text_of(qs, qe),
                sentence=report.text_of(ss, se).strip(),
                category=categories.at(s),
                start=s,
                end=e,
                number_text=report.text[s:e],
                value_text=report.text_of(q.span_start, q.span_end) if q.span_end > q.span_start else report.text[s:e],
            )
        )
    report.metrics = metrics
    for ph in find_placeholders(norm):
        s, e = report.to_text_span(ph.start, ph.end)
        ss, se = _sentence_span(bounds, ph.start, ph.end)
        report.defects.append(
            {"kind": "placeholder", "text": report.text[s:e], "start": s, "end": e, "sentence": report.text_of(ss, se).strip()}
        )
