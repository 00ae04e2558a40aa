"""The indicator lexicon: the indicators of indicators.md, their measure words and cues.

Read from ``data/indicators.toml`` (or a reviewer's copy) and validated by
:func:`build_lexicon`; :func:`load_lexicon` caches the loaded lexicon (it is
read-only, so it is shared). The cue regexes are compiled once per measure word
(:class:`CueSet`), so a cue only links a quantity counted in a measure word its
indicator accepts. :mod:`pipeline.indicators` links quantities with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.config import parse_toml, read_toml
from pipeline.errors import ConfigError

__all__ = ["DIRECTIONS", "INDICATOR_IDS", "CueSet", "Indicator", "Lexicon", "build_lexicon", "load_lexicon"]

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
    allowed: frozenset[str] = frozenset()  # the indicators counted in this measure word


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
        """The indicators counted in ``unit`` (simplified); found once per measure word."""
        cs = self.by_unit.get(unit)
        if cs is not None:
            return cs.allowed
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
            frozenset(ind.id for ind in ok),
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
