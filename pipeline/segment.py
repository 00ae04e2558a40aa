"""Segment stage: one spaCy ``Doc`` per report, over the normalised text.

The tokenizer is the project's own jieba instance (:mod:`pipeline.nlp`) inside
a blank spaCy ``zh`` pipeline built once per process (``Resources.nlp``). The
Doc carries the report's structure as span groups (``headings``,
``paragraphs``; the metrics stage adds ``metrics``) so a spaCy user gets the
whole analysis in spaCy's terms, and the later stages read its tokens
(``report.tokens``): the indicator linker's clause words, the classifiers'
words.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from pipeline.linker import Tokens
from pipeline.types import Report

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def norm_pos(report: Report, text_pos: int) -> int:
    """The index of ``norm`` that a ``text`` index maps to (the inverse of ``to_text_pos``)."""
    if not report.norm_map:
        return text_pos
    return bisect_left(report.norm_map, text_pos)


def _spans(doc: Doc, report: Report, items: list[Any], label: str) -> list[Any]:
    out = []
    for it in items:
        span = doc.char_span(norm_pos(report, it.start), norm_pos(report, it.end), label=label, alignment_mode="expand")
        if span is not None:
            out.append(span)
    return out


def segment_report(report: Report, nlp: Language) -> None:
    """Set ``report.doc`` (spaCy Doc of ``norm`` with span groups) and ``report.tokens``."""
    doc = nlp(report.norm)
    report.tokens = Tokens(tuple(t.idx for t in doc), tuple(t.text_with_ws for t in doc))
    doc.spans["headings"] = _spans(doc, report, report.headings, "heading")
    doc.spans["paragraphs"] = _spans(doc, report, report.paragraphs, "paragraph")
    report.doc = doc


def add_metric_spans(report: Report) -> None:
    """The metrics as the ``metrics`` span group (label: indicator id)."""
    if report.doc is None:
        return
    doc = report.doc
    spans = []
    for m in report.metrics:
        span = doc.char_span(norm_pos(report, m.start), norm_pos(report, m.end), label=m.indicator, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["metrics"] = spans
