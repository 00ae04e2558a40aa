"""The data that flows through the pipeline.

One :class:`Report` passes through plain stage functions (see ``run.py``), as a
spaCy ``Doc`` passes through components: each stage reads what earlier stages
set and fills its own fields.

Offsets
-------
``Report.text`` is the text the tool extracted, exactly what a user sees in the
output and can search for. ``Report.norm`` is the normalised form the stages
match on (full-width digits and letters folded, traditional characters mapped
to simplified, whitespace inside lines removed); ``Report.norm_map`` maps every
index of ``norm`` back to an index of ``text``. Every offset stored on a
``Heading``, ``Paragraph``, ``Section`` or ``Metric`` points into ``text``;
stages convert with :meth:`Report.to_text_span`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from pipeline.normalise import RUBY

Category = Literal["achievements", "shortcomings", "plans", "responsibility", "other"]
CATEGORIES: tuple[str, ...] = ("achievements", "shortcomings", "plans", "responsibility", "other")

Qualifier = Literal["exact", "more_than", "nearly", "approx", "less_than", "at_least"]
QUALIFIERS: tuple[str, ...] = ("exact", "more_than", "nearly", "approx", "less_than", "at_least")

Level = Literal["township", "county", "city", "province", "department"]
LEVELS: tuple[str, ...] = ("township", "county", "city", "province", "department")


def _flat(obj: Any) -> dict[str, Any]:
    """Fields of a flat dataclass as a dict (``asdict`` deep-copies and costs 10% of a run)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


@dataclass
class Block:
    """A unit of extracted text (a line or paragraph) with layout hints.

    Ingestion emits blocks in reading order; ``start``/``end`` index
    ``Report.text``. Hints are optional and only help the structure stage.
    """

    start: int
    end: int
    kind: str = "paragraph"  # paragraph | table_row | title
    page: int | None = None  # 1-based page of a PDF
    style: str | None = None  # DOCX paragraph style name ("Heading 1", "标题 2"...)
    heading_level: int | None = None  # level from a DOCX heading style / outline level
    numbering: str | None = None  # rendered automatic numbering of a DOCX list ("一、", "（一）")
    font_size: float | None = None  # dominant font size of a PDF line, points
    bold: bool | None = None


@dataclass
class Heading:
    """A heading line, or the run-in heading that opens a paragraph."""

    text: str  # as written in Report.text (the marker included)
    level: int  # 1 一、 / 2 （一） / 3 1. / 4 （1）; unnumbered top headings are 1
    start: int
    end: int
    category: str = "other"
    marker: str | None = None  # the numbering as written: "一、", "一）", "(1)", None
    run_in: bool = False  # a heading that opens a paragraph, up to its first 。
    category_source: str = "rules"  # rules | model | inherited


@dataclass
class Paragraph:
    """A body paragraph (a heading's run-in part is excluded)."""

    text: str
    start: int
    end: int
    heading: int | None = None  # index into Report.headings of the innermost enclosing heading
    category: str = "other"
    category_source: str = "inherited"  # inherited | rules | model


@dataclass
class Section:
    """A node of the section tree: a heading and everything until the next heading of its level."""

    heading: int | None  # index into Report.headings; None for the preamble
    level: int
    start: int
    end: int
    category: str = "other"
    children: list[Section] = field(default_factory=list)


@dataclass
class Metric:
    """One quantity with what it counts (output.md)."""

    indicator: str
    value: float
    unit: str
    qualifier: str
    per: str | None
    quote: str
    sentence: str
    category: str
    start: int  # offsets of the number in Report.text
    end: int
    number_text: str = ""
    low_confidence: bool = False  # set when the text came from low-confidence OCR
    value_text: str = ""  # qualifier, number and unit as written ("20余次", "近2000份"): what a reviewer reads


@dataclass
class CheckItem:
    """One line of the completeness verdict."""

    id: str
    label: str
    status: str  # ok | missing | warning | error | info
    present: bool | None = None  # for the required parts
    severity: str = "info"
    evidence: str | None = None  # the quote that shows it
    where: str | None = None  # heading | paragraph | title | ...
    start: int | None = None
    own_section: bool | None = None
    message: str = ""


@dataclass
class Completeness:
    score: float | None = 0.0  # None: not scored (the document is not the annual report)
    items: list[CheckItem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = _flat(self)
        out["items"] = [_flat(i) for i in self.items]
        out["missing"] = list(self.missing)
        out["warnings"] = list(self.warnings)
        return out


@dataclass
class Provenance:
    """Where a metadata value came from: title, body, issuer, filename, html_title."""

    field: str
    source: str
    evidence: str | None = None


@dataclass
class Report:
    """Everything known about one document."""

    source: str
    sha256: str = ""
    status: str = "ok"
    error: dict[str, str] | None = None
    format: str | None = None  # txt | docx | pdf | html | image
    encoding: str | None = None  # for TXT/HTML: the codec that decoded the bytes
    extractor: str | None = None  # e.g. pdfium, pdfplumber, python-docx
    pages: int | None = None
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    html_title: str | None = None  # <title> of a saved web page (weak metadata evidence)
    norm: str = ""
    norm_map: list[int] = field(default_factory=list)
    # structure
    title: str | None = None
    title_span: tuple[int, int] | None = None
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # metadata
    is_report: bool | None = None
    doc_type: str | None = None  # annual_report | notice | plan | interpretation | news | ...
    entity: str | None = None
    entity_full: str | None = None
    county: str | None = None
    level: str | None = None
    year: int | None = None
    issue_date: str | None = None  # ISO date of the signature/issuing line, when stated
    provenance: list[Provenance] = field(default_factory=list)
    # metrics and checks
    metrics: list[Metric] = field(default_factory=list)
    defects: list[dict[str, Any]] = field(default_factory=list)  # placeholders etc., with offsets
    completeness: Completeness | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    ocr_confidence: float | None = None
    ocr_page_confidence: list[float | None] = field(default_factory=list)
    low_confidence_spans: list[tuple[int, int]] = field(default_factory=list)  # offsets into text
    # The segmentation of ``norm`` (segment stage: pipeline.linker.Tokens) and its
    # spaCy Doc with span groups, built on demand (pipeline.segment.report_doc). Not serialised.
    doc: Any = field(default=None, repr=False, compare=False)
    tokens: Any = field(default=None, repr=False, compare=False)

    # -- offsets -----------------------------------------------------------
    def to_text_pos(self, norm_pos: int) -> int:
        """Map an index of ``norm`` to the index of ``text``."""
        if not self.norm_map:
            return norm_pos
        if norm_pos >= len(self.norm_map):
            return len(self.text)
        return self.norm_map[norm_pos]

    def to_text_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``norm`` to the span of ``text`` it came from."""
        if not self.norm_map:
            return start, end
        s = self.to_text_pos(start)
        e = self.norm_map[end - 1] + 1 if 0 < end <= len(self.norm_map) else self.to_text_pos(end)
        if 0 < end <= len(self.norm_map):
            # A ruby annotation belongs to the character before it ("強(qiáng)"): a span ending there keeps it.
            if m := RUBY.match(self.text, e):
                e = m.end()
        return s, max(s, e)

    def text_of(self, norm_start: int, norm_end: int) -> str:
        """The user-visible text behind a span of ``norm``."""
        s, e = self.to_text_span(norm_start, norm_end)
        return self.text[s:e]

    # -- output ------------------------------------------------------------
    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        """The JSON object of output.md (plus extra keys the contract welcomes)."""
        out: dict[str, Any] = {
            "source": self.source,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error,
            "format": self.format,
            "encoding": self.encoding,
            "extractor": self.extractor,
            "pages": self.pages,
            "is_report": self.is_report,
            "doc_type": self.doc_type,
            "title": self.title,
            "entity": self.entity,
            "entity_full": self.entity_full,
            "county": self.county,
            "level": self.level,
            "year": self.year,
            "issue_date": self.issue_date,
            "provenance": [_flat(p) for p in self.provenance],
            "headings": [
                {
                    "text": h.text,
                    "level": h.level,
                    "category": h.category,
                    "start": h.start,
                    "end": h.end,
                    "run_in": h.run_in,
                }
                for h in self.headings
            ],
            "paragraphs": [
                {
                    "text": p.text,
                    "category": p.category,
                    "start": p.start,
                    "end": p.end,
                    "heading": p.heading,
                }
                for p in self.paragraphs
            ],
            "metrics": [_flat(m) for m in self.metrics],
            "defects": self.defects,
            "completeness": self.completeness.to_dict() if self.completeness else None,
            "warnings": self.warnings,
            "ocr_confidence": self.ocr_confidence,
            "ocr_page_confidence": self.ocr_page_confidence,
            "low_confidence_spans": [list(span) for span in self.low_confidence_spans],
        }
        if include_text:
            out["text"] = self.text
        return out
