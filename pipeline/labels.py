"""Chinese labels for what reviewers read; the stable English ids for scripts (``--lang en``).

The one home of every user-facing label: ``data/labels.toml`` maps an id
(a column, a sheet, a status, a document type...) to its Chinese label.
Exports, ``compare``, the review page and the CLI ask :func:`label` and
:func:`columns`; nothing else spells a Chinese header.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Literal

from pipeline.config import parse_toml

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")


@functools.lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    from importlib import resources

    data = parse_toml(resources.files("pipeline").joinpath("data/labels.toml").read_text("utf-8"), "pipeline/data/labels.toml")
    return {group: {str(k): str(v) for k, v in table.items()} for group, table in data.items()}


def label(group: str, key: str, lang: Lang = "zh") -> str:
    """The label of ``key`` in ``group`` (columns, sheets, values, text); the id itself in English or when unknown."""
    if lang == "en":
        return key
    return _labels().get(group, {}).get(key, key)


def column(key: str, lang: Lang = "zh") -> str:
    return label("columns", key, lang)


def columns(keys: Sequence[str], lang: Lang = "zh") -> list[str]:
    """Header cells for ``keys``."""
    return [column(k, lang) for k in keys]


def sheet(key: str, lang: Lang = "zh") -> str:
    return label("sheets", key, lang)


def value(key: str | None, lang: Lang = "zh") -> str:
    """A status, qualifier, document type... as a reviewer reads it ("" for None)."""
    if key is None:
        return ""
    return label("values", str(key), lang)


def severity(key: str | None, lang: Lang = "zh") -> str:
    """A finding's status (error, warning, info, missing) as a reviewer reads it."""
    return "" if key is None else label("severity", str(key), lang)


def category(key: str | None, lang: Lang = "zh") -> str:
    """A section category (achievements, shortcomings, plans, responsibility, other) as a reviewer reads it."""
    return "" if key is None else label("categories", str(key), lang)


def text(key: str, **fields: object) -> str:
    """A sentence of the table view or the page, with ``fields`` filled in."""
    template = _labels().get("text", {}).get(key, key)
    return template.format(**fields) if fields else template


def page(key: str, **fields: object) -> str:
    """A string of the review page, with ``fields`` filled in."""
    template = _labels().get("page", {}).get(key, key)
    return template.format(**fields) if fields else template
