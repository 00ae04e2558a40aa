"""The metric extraction as a spaCy pipeline component.

A spaCy user adds it to their own Chinese pipeline::

    import spacy
    import pipeline.spacy_component  # registers the factory

    nlp = spacy.blank("zh")
    nlp.add_pipe("govreport_metrics")
    doc = nlp("全年组织集中学法9次，发放宣传资料2500余份。")
    for span in doc.spans["metrics"]:
        print(span.text, span._.indicator, span._.value, span._.unit, span._.qualifier)

Each span covers the whole expression (qualifier, number, measure word:
"近1800人"); its label is the indicator id. The extraction is the one of the
``metrics`` stage (:mod:`pipeline.quantities`, :mod:`pipeline.indicators`), run
on the normalised text and mapped back to the document's characters, so
traditional characters and full-width digits work as in the CLI. Draft
placeholders ("*次") are listed in ``doc._.metric_defects``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.indicators import link_quantities
from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.normalise import normalise
from pipeline.quantities import find_placeholders, find_quantities

FACTORY = "govreport_metrics"
SPAN_ATTRS: tuple[str, ...] = ("indicator", "value", "unit", "qualifier", "per", "number_text")


def register_extensions() -> None:
    """Declare the custom attributes (idempotent: spaCy keeps them per process)."""
    for attr in SPAN_ATTRS:
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)
    if not Doc.has_extension("metric_defects"):
        Doc.set_extension("metric_defects", default=None)


class MetricsComponent:
    """Sets ``doc.spans[span_key]`` to the metrics of the document."""

    def __init__(self, lexicon: Lexicon, span_key: str = "metrics") -> None:
        register_extensions()
        self.lexicon = lexicon
        self.span_key = span_key

    def __call__(self, doc: Doc) -> Doc:
        norm = normalise(doc.text)
        quantities = find_quantities(norm.text)
        indicators = link_quantities(norm.text, quantities, self.lexicon)
        spans: list[Span] = []
        for q, iid in zip(quantities, indicators, strict=True):
            start, end = norm.span(q.span_start, q.span_end)
            found = doc.char_span(start, end, label=iid, alignment_mode="expand")
            if found is None:
                continue
            num_start, num_end = norm.span(q.start, q.end)
            unit_start, unit_end = norm.span(q.unit_start, q.unit_end)
            unit = doc.text[unit_start:unit_end] if q.unit != "%" or norm.text[q.unit_start] == "%" else "%"
            found._.indicator = iid
            found._.value = q.value
            found._.unit = unit
            found._.qualifier = q.qualifier
            found._.per = q.per
            found._.number_text = doc.text[num_start:num_end]
            spans.append(found)
        doc.spans[self.span_key] = spans
        defects: list[dict[str, Any]] = []
        for ph in find_placeholders(norm.text):
            s, e = norm.span(ph.start, ph.end)
            defects.append({"kind": "placeholder", "text": doc.text[s:e], "start": s, "end": e})
        doc._.metric_defects = defects
        return doc


@Language.factory(FACTORY, default_config={"lexicon_path": None, "span_key": "metrics"})
def make_metrics_component(nlp: Language, name: str, lexicon_path: str | None, span_key: str) -> MetricsComponent:
    """spaCy factory: ``nlp.add_pipe("govreport_metrics", config={"lexicon_path": ...})``."""
    return MetricsComponent(load_lexicon(Path(lexicon_path) if lexicon_path else None), span_key)
