"""Segment stage: every report's normalised text cut into words by the owned jieba tokenizer.

``report.tokens`` holds the segmentation; the later stages read it (the
indicator linker's clause words). The spaCy view of the same segmentation,
one ``Doc`` per report with the report's structure as span groups
(``headings``, ``sections``, ``paragraphs``, ``metrics``), is built from these
tokens by :func:`report_doc` when someone asks for it, with the vocabulary of
the process's ``zh`` pipeline (``Resources.nlp``). Building it for every
document would cost about a fifth of the whole analysis (iterating a Doc's
tokens in Python is slow), and nothing in the pipeline reads it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pipeline.linker import Tokens
from pipeline.types import Report, Section

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.nlp import JiebaTokenizer


def norm_pos(report: Report, text_pos: int) -> int:
    """The index of ``norm`` that a ``text`` index maps to (the inverse of ``to_text_pos``)."""
    if not report.norm_map:
        return text_pos
    return bisect_left(report.norm_map, text_pos)


def segment_report(report: Report, tokenizer: JiebaTokenizer) -> None:
    """Set ``report.tokens``: the words of ``norm`` (jieba without its HMM guesses: a quarter faster)."""
    report.tokens = Tokens.from_words(tokenizer.cut(report.norm, hmm=False))
    report.doc = None  # built on demand by report_doc()


def _sections(sections: Iterable[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _sections(s.children)


def _spans(doc: Doc, report: Report, items: Iterable[Any], label: Any) -> list[Any]:
    out = []
    for it in items:
        span = doc.char_span(
            norm_pos(report, it.start), norm_pos(report, it.end), label=label(it), alignment_mode="expand"
        )
        if span is not None:
            out.append(span)
    return out


def report_doc(report: Report, nlp: Language) -> Doc:
    """The report as a spaCy ``Doc`` (text: ``norm``) with span groups; built once, then cached."""
    if report.doc is not None:
        return report.doc
    from spacy.tokens import Doc

    words = list(report.tokens.words) if report.tokens is not None else [t for t in nlp.tokenizer.jieba.cut(report.norm)]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    doc.spans["headings"] = _spans(doc, report, report.headings, lambda h: h.category)
    doc.spans["sections"] = _spans(doc, report, _sections(report.sections), lambda s: s.category)
    doc.spans["paragraphs"] = _spans(doc, report, report.paragraphs, lambda p: p.category)
    doc.spans["metrics"] = _spans(doc, report, report.metrics, lambda m: m.indicator)
    report.doc = doc
    return doc
