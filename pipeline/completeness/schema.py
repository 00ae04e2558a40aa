"""The checklist: its declared schema, its defaults (the packaged TOML) and loading a county file over them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.config import read_toml, tomllib
from pipeline.errors import ConfigError

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
PART_IDS: tuple[str, ...] = ("achievements", "shortcomings", "responsibility", "plans", "other")

# ---------------------------------------------------------------------------
# Checklist
# ---------------------------------------------------------------------------

# The declared schema: for each table, its keys, their kind (see :func:`_value`) and
# the default for a key a table leaves out (_REQUIRED: the table must give it).
# The packaged checklist.toml gives every key of every packaged part and rule; a
# county file is merged over it, so these defaults only fill tables a county adds.
_REQUIRED = object()
_Schema = Mapping[str, tuple[str, Any]]
_RULE_COMMON: _Schema = MappingProxyType(
    {"label": ("str", None), "severity": ("severity", "warning"), "enabled": ("bool", True)}
)
# Each rule's own options: key -> kind (all optional; the TOML gives the values).
RULE_SCHEMA: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "R02": {"cues": "patterns", "ignore": "patterns"},
    "R03": {"min_items": "int", "target": "patterns", "date": "patterns", "owner": "patterns"},
    "R03B": {
        "shingle": "int",
        "min_sentence_chars": "int",
        "containment": "ratio",
        "min_share": "ratio",
        "min_sentences": "int",
    },
    "R04": {},
    "R04B": {"allow_before": "strings", "allow_after": "strings"},
    "R05": {"patterns": "patterns"},
    "R06": {"min_share": "ratio", "info_share": "ratio"},
    "R07": {"min_share": "ratio", "info_share": "ratio"},
    "R08": {"levels": "strings", "patterns": "patterns"},
    "R09": {"submission": "monthday", "publication": "monthday", "publication_severity": "severity"},
    "R10": {},
    "R11": {"min_quantities": "int"},
    "R12": {
        "id_numbers": "bool",
        "phones": "bool",
        "surnames": "strings",
        "litigation": "patterns",
        "name_before": "patterns",
        "secrecy": "patterns",
    },
    "R13": {
        "addressee": "patterns",
        "not_addressee": "patterns",
        "addressee_lines": "int",
        "organ": "patterns", "signature_lines": "int"},
    "R14": {"wrong_title": "patterns", "right_title": "patterns"},
})
_PART_SCHEMA: _Schema = MappingProxyType({
    "label": ("str", _REQUIRED),
    "required": ("bool", True),
    "severity": ("severity", "error"),
    "heading": ("patterns", _REQUIRED),
    "body": ("raw_patterns", []),
    "actions": ("patterns", []),
    "not_heading": ("patterns", []),
    "preamble": ("bool", False),
})
_EXTRA_SCHEMA: _Schema = MappingProxyType({
    "id": ("str", _REQUIRED),
    "label": ("str", _REQUIRED),
    "severity": ("severity", "warning"),
    "when": ("when", "present"),
    "part": ("part", None),
    "patterns": ("patterns", _REQUIRED),
    "enabled": ("bool", True),
})
# Every deduction must be given (the packaged TOML does): no second set of defaults here.
_SCORING_SCHEMA: _Schema = MappingProxyType({k: ("ratio", _REQUIRED) for k in ("missing_required", "error", "warning", "info")})


@dataclass(frozen=True)
class PartSpec:
    """One required (or optional) content item."""

    id: str
    label: str
    required: bool
    severity: str
    heading: tuple[re.Pattern[str], ...]
    body: tuple[str, ...]  # raw: may hold {next_year}, compiled per report
    actions: tuple[re.Pattern[str], ...] = ()
    not_heading: tuple[re.Pattern[str], ...] = ()
    preamble: bool = False  # whether the opening paragraphs (before the first heading) count


@dataclass(frozen=True)
class RuleSpec:
    """One quality rule: its label, severity and options (patterns compiled)."""

    id: str
    label: str
    severity: str
    enabled: bool
    opts: Mapping[str, Any] = field(default_factory=dict)

    def pats(self, key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(self.opts.get(key, ()))


@dataclass(frozen=True)
class ExtraSpec:
    """A county-specific check: a pattern that must (not) occur."""

    id: str
    label: str
    severity: str
    when: str  # present | absent
    part: str | None
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Checklist:
    """The loaded, validated checklist (immutable; share it across reports)."""

    name: str
    source: str
    parts: tuple[PartSpec, ...]
    rules: Mapping[str, RuleSpec]
    extras: tuple[ExtraSpec, ...] = ()
    scoring: Mapping[str, float] = field(default_factory=dict)

    def part(self, part_id: str) -> PartSpec | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def rule(self, rule_id: str) -> RuleSpec | None:
        r = self.rules.get(rule_id)
        return r if r is not None and r.enabled else None


def _default_text() -> str:
    return resources.files("pipeline").joinpath("data/checklist.toml").read_text("utf-8")


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge tables of ``over`` into ``base``; other values replace."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def _value(kind: str, value: Any, where: str, src: str) -> Any:
    """Validate and convert one checklist value."""

    def bad(msg: str) -> ConfigError:
        return ConfigError(f"{where}: {msg}", src)

    if kind == "str":
        if not isinstance(value, str):
            raise bad(f"expected a string, got {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad(f"expected true or false, got {value!r}")
        return value
    if kind == "severity":
        if value not in SEVERITIES:
            raise bad(f"severity must be one of {', '.join(SEVERITIES)}, got {value!r}")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad(f"expected a non-negative integer, got {value!r}")
        return value
    if kind == "ratio":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise bad(f"expected a number between 0 and 1, got {value!r}")
        return float(value)
    if kind == "strings":
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise bad("expected a list of strings")
        return tuple(value)
    if kind in ("patterns", "raw_patterns"):
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise bad("expected a list of regular expressions (strings)")
        out = []
        for s in value:
            try:
                compiled = re.compile(s.replace("{next_year}", "2024"))
            except re.error as exc:
                raise bad(f"invalid regular expression {s!r}: {exc}") from exc
            out.append(s if kind == "raw_patterns" else compiled)
        return tuple(out)
    if kind == "monthday":
        if value == "":
            return None
        m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
        try:
            if not m:
                raise ValueError
            date(2024, int(m.group(1)), int(m.group(2)))
        except ValueError:
            raise bad(f'expected a month-day like "03-01" (or ""), got {value!r}') from None
        return int(m.group(1)), int(m.group(2))
    raise AssertionError(kind)  # pragma: no cover


def _table(table: Any, schema: _Schema, where: str, src: str, **context: Any) -> dict[str, Any]:
    """Validate one table against its declared schema; the values converted, defaults filled in."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: expected a table", src)
    unknown = sorted(set(table) - set(schema))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(schema))})", src)
    for key, (_kind, default) in schema.items():
        if default is _REQUIRED and key not in table:
            raise ConfigError(f"{where}: missing key {key!r}", src)
    out: dict[str, Any] = {}
    for key, (kind, default) in schema.items():
        if key not in table:
            out[key] = default if default is None or kind in ("when", "part") else _value(kind, default, where, src)
        elif kind == "when":
            if table[key] not in ("present", "absent"):
                raise ConfigError(f'{where}.when: expected "present" or "absent", got {table[key]!r}', src)
            out[key] = table[key]
        elif kind == "part":
            if table[key] is not None and table[key] not in context["part_ids"]:
                raise ConfigError(f"{where}.part: unknown part {table[key]!r}", src)
            out[key] = table[key]
        else:
            out[key] = _value(kind, table[key], f"{where}.{key}", src)
    return out


def _parts(parts_t: Any, src: str) -> tuple[PartSpec, ...]:
    if not isinstance(parts_t, Mapping) or not parts_t:
        raise ConfigError("[parts] is missing or empty", src)
    return tuple(PartSpec(id=pid, **_table(t, _PART_SCHEMA, f"[parts.{pid}]", src)) for pid, t in parts_t.items())


def _rules(rules_t: Any, src: str) -> Mapping[str, RuleSpec]:
    if not isinstance(rules_t, Mapping):
        raise ConfigError("[rules] must be a table", src)
    rules: dict[str, RuleSpec] = {}
    for rid, t in rules_t.items():
        where = f"[rules.{rid}]"
        if rid not in RULE_SCHEMA:
            raise ConfigError(f"{where}: unknown rule (known: {', '.join(RULE_SCHEMA)})", src)
        own = {k: (kind, None) for k, kind in RULE_SCHEMA[rid].items()}
        values = _table(t, {**_RULE_COMMON, **own}, where, src)
        opts = {k: values[k] for k in own if k in t}
        rules[rid] = RuleSpec(
            id=rid,
            label=values["label"] if "label" in t else rid,
            severity=values["severity"],
            enabled=values["enabled"],
            opts=MappingProxyType(opts),
        )
    return MappingProxyType(rules)


def _extras(extra_t: Any, part_ids: set[str], src: str) -> tuple[ExtraSpec, ...]:
    if not isinstance(extra_t, list):
        raise ConfigError("[[extra]] must be an array of tables", src)
    extras: list[ExtraSpec] = []
    for i, t in enumerate(extra_t):
        values = _table(t, _EXTRA_SCHEMA, f"[[extra]] #{i + 1}", src, part_ids=part_ids)
        if values.pop("enabled"):
            extras.append(ExtraSpec(**values))
    return tuple(extras)


def _build(data: Mapping[str, Any], src: str) -> Checklist:
    parts = _parts(data.get("parts"), src)
    rules = _rules(data.get("rules", {}), src)
    extras = _extras(data.get("extra", []), {p.id for p in parts}, src)
    scoring = _table(data.get("scoring", {}), _SCORING_SCHEMA, "[scoring]", src)
    return Checklist(
        name=str(data.get("name", "")),
        source=src,
        parts=parts,
        rules=rules,
        extras=extras,
        scoring=MappingProxyType(scoring),
    )


@lru_cache(maxsize=1)
def _default_checklist() -> Checklist:
    data = tomllib.loads(_default_text())
    return _build(data, "pipeline/data/checklist.toml")


def load_checklist(path: Path | None = None) -> Checklist:
    """The packaged checklist, or a county file merged over it.

    A malformed file raises :class:`~pipeline.errors.ConfigError` naming the
    file and the problem.
    """
    if path is None:
        return _default_checklist()
    path = Path(path)
    user = read_toml(path, "checklist")
    merged = _merge(tomllib.loads(_default_text()), user)
    return _build(merged, str(path))
