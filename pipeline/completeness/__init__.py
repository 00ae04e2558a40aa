"""Completeness and quality checks: the verdict a county reviewer acts on.

The checklist (``data/checklist.toml``, county-editable) names the five content
items of the 2019 规定 and the quality rules of domain.md 4.1. :func:`check_report`
runs last in the pipeline and sets ``report.completeness``: one
:class:`~pipeline.types.CheckItem` per part and per rule, with the quote that
shows it, a score and a one-line Chinese summary.

The checker reads what the earlier stages set (title, headings, paragraphs and
their categories, metrics, and the metadata's entity, year and level); it does
not re-derive them: where a check needs a better answer, the earlier stage is
the place to improve. A part counts as present when a heading *or* a
substantive passage says it, anywhere in the report.

Modules: :mod:`.schema` (the checklist), :mod:`.document` (the checker's view
of a report), :mod:`.rules` (one function per rule, in a registry),
:mod:`.verdict` (running them, score and summary).
"""

from __future__ import annotations

from pipeline.completeness.document import Doc, Unit, build_doc
from pipeline.completeness.rules.privacy import mask_digits, valid_citizen_id
from pipeline.completeness.schema import (
    PART_IDS,
    SEVERITIES,
    Checklist,
    ExtraSpec,
    PartSpec,
    RuleSpec,
    load_checklist,
)
from pipeline.completeness.verdict import check_report, finish
from pipeline.types import CheckItem

__all__ = [
    "PART_IDS", "SEVERITIES", "CheckItem", "Checklist", "Doc", "ExtraSpec", "PartSpec", "RuleSpec", "Unit",
    "build_doc", "check_report", "finish", "load_checklist", "mask_digits",
    "valid_citizen_id",
]
