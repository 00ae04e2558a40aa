"""The pipeline: the stages in order. The only orchestration in the library.

``analyze_path`` and ``analyze_text`` never raise for a bad document: the error
is recorded on the returned :class:`Report` (``status="error"``) so a batch can
go on. Heavy resources (jieba dictionary, classifier, lexicon, checklist) live
in a :class:`Resources` object built once per process and passed in.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import EmptyDocument, GovReportError, TooLarge
from pipeline.ingest import read_bytes, read_file
from pipeline.ingest.base import Extracted, blocks_from_lines
from pipeline.limits import DEFAULT_LIMITS, Limits, TimeBudget
from pipeline.normalise import normalise
from pipeline.types import Report

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.section_model import SectionClassifier
    from pipeline.modelio import LinearModel
    
    from pipeline.completeness import Checklist
    from pipeline.gazetteer import Gazetteer
    from pipeline.lexicon import Lexicon
    from pipeline.nlp import JiebaTokenizer

# Part of the batch's cache key (pipeline/versions.py): raise it with every change to what the
# stages find, so a re-run analyses again what an older govreport stored.
PIPELINE_VERSION = "0.2.0"


@dataclass
class Resources:
    """What the stages share, built once per process (and once per batch worker).

    Every member is loaded on first use, so a command that never segments text
    never pays for jieba's dictionary.
    """

    classifier_path: Path | None = None
    linker_path: Path | None = None
    doctype_path: Path | None = None
    lexicon_path: Path | None = None
    checklist_path: Path | None = None
    use_model: bool = True
    limits: Limits = DEFAULT_LIMITS  # size, page and time limits of one file (pipeline/limits.py)
    warnings: list[str] = field(default_factory=list)
    _tokenizer: JiebaTokenizer | None = None
    _classifier: SectionClassifier | None = None
    _classifier_loaded: bool = False
    _linker: LinearModel | None = None
    _linker_loaded: bool = False
    _doctype: LinearModel | None = None
    _doctype_loaded: bool = False
    _nlp: Language | None = None
    _lexicon: Lexicon | None = None
    _checklist: Checklist | None = None
    _gazetteer: Gazetteer | None = None

    @property
    def tokenizer(self) -> JiebaTokenizer:
        if self._tokenizer is None:
            from pipeline.nlp import JiebaTokenizer

            self._tokenizer = JiebaTokenizer()
        return self._tokenizer

    @property
    def classifier(self) -> SectionClassifier | None:
        if not self._classifier_loaded:
            self._classifier_loaded = True
            if self.use_model:
                from pipeline.section_model import load_classifier

                self._classifier = load_classifier(self.classifier_path, warn=self.warnings.append)
        return self._classifier

    @property
    def linker(self) -> LinearModel | None:
        """The learned indicator linker (None: the lexicon rules alone)."""
        if not self._linker_loaded:
            self._linker_loaded = True
            if self.use_model:
                from pipeline.linker import load_linker

                self._linker = load_linker(self.linker_path, warn=self.warnings.append)
        return self._linker

    @property
    def doctype(self) -> LinearModel | None:
        """The learned report-type classifier (None: the document-type rules alone)."""
        if not self._doctype_loaded:
            self._doctype_loaded = True
            if self.use_model:
                from pipeline.doctype import load_doctype

                self._doctype = load_doctype(self.doctype_path, warn=self.warnings.append)
        return self._doctype

    @property
    def nlp(self) -> Language:
        """The spaCy ``zh`` pipeline around the owned jieba tokenizer (built once)."""
        if self._nlp is None:
            from pipeline.nlp import build_nlp

            self._nlp = build_nlp(self.tokenizer, hmm=False)
        return self._nlp

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            from pipeline.lexicon import load_lexicon

            self._lexicon = load_lexicon(self.lexicon_path)
        return self._lexicon

    @property
    def checklist(self) -> Checklist:
        if self._checklist is None:
            from pipeline.completeness import load_checklist

            self._checklist = load_checklist(self.checklist_path)
        return self._checklist

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from pipeline.gazetteer import load_gazetteer

            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def warm(self) -> Resources:
        """Load everything now (a batch worker does this once at start)."""
        _ = self.tokenizer, self.classifier, self.linker, self.doctype, self.lexicon, self.checklist, self.gazetteer
        self.tokenizer.warm()
        return self


Stage = Callable[[Report, Resources], None]


def _stage_structure(report: Report, res: Resources) -> None:
    from pipeline.structure import build_structure

    build_structure(report)


def _stage_metadata(report: Report, res: Resources) -> None:
    from pipeline.metadata import extract_metadata

    extract_metadata(report, res.gazetteer)


def _stage_report_type(report: Report, res: Resources) -> None:
    from pipeline.doctype import decide_report_type

    decide_report_type(report, res.doctype)


def _stage_segment(report: Report, res: Resources) -> None:
    from pipeline.segment import segment_report

    segment_report(report, res.tokenizer)


def _stage_classify(report: Report, res: Resources) -> None:
    from pipeline.classify import classify_report

    classify_report(report, res.classifier, res.tokenizer)


def _stage_metrics(report: Report, res: Resources) -> None:
    from pipeline.indicators import extract_metrics

    extract_metrics(report, res.lexicon, res.tokenizer, linker=res.linker)


def _stage_completeness(report: Report, res: Resources) -> None:
    from pipeline.completeness import check_report

    check_report(report, res.checklist)


# Classification runs before metrics (design.md lists it after): a metric
# carries the category of the section it sits in, so sections must be known.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("structure", _stage_structure),
    ("metadata", _stage_metadata),
    ("report_type", _stage_report_type),
    ("segment", _stage_segment),
    ("classify", _stage_classify),
    ("metrics", _stage_metrics),
    ("completeness", _stage_completeness),
)


def run_stages(report: Report, resources: Resources, stages: tuple[str, ...] | None = None) -> Report:
    """Run the analysis stages (``stages``: only these, in pipeline order) on a normalised report."""
    # Township names the tokenizer learns from this report are forgotten after it:
    # a report's analysis never depends on the reports analysed before it.
    with resources.tokenizer.document():
        for name, stage in STAGES:
            if stages is not None and name not in stages:
                continue
            t0 = time.perf_counter()
            stage(report, resources)
            report.timings[name] = time.perf_counter() - t0
    return report


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fail(report: Report, exc: GovReportError) -> Report:
    report.status = "error"
    report.error = exc.to_record()
    return report


def failed_report(source: str | Path, exc: GovReportError) -> Report:
    """The error record of a file that was not analysed at all (a folder walk refused it)."""
    return _fail(Report(source=str(source)), exc)


def process(report: Report, extracted: Extracted, resources: Resources, *, stages: tuple[str, ...] | None = None) -> Report:
    """Run normalisation and the analysis stages on extracted text."""
    report.format = extracted.format
    report.encoding = extracted.encoding
    report.extractor = extracted.extractor
    report.pages = extracted.pages
    report.text = extracted.text
    report.blocks = extracted.blocks or blocks_from_lines(extracted.text)
    report.html_title = extracted.html_title
    report.ocr_confidence = extracted.ocr_confidence
    report.ocr_page_confidence = list(extracted.page_confidence)
    report.low_confidence_spans = list(extracted.low_confidence_spans)
    report.warnings.extend(extracted.warnings)
    if not report.text.strip():
        return _fail(report, EmptyDocument("contains no text after extraction", report.source))
    try:
        # Before any stage: their time and memory grow with the text.
        resources.limits.check_chars(len(report.text), report.source)
    except TooLarge as exc:
        return _fail(report, exc)
    t0 = time.perf_counter()
    norm = normalise(report.text)
    report.norm, report.norm_map = norm.text, norm.offsets
    report.timings["normalise"] = time.perf_counter() - t0
    run_stages(report, resources, stages)
    if report.low_confidence_spans and report.metrics:
        from pipeline.ingest.ocr import mark_low_confidence  # only scans pay for the OCR module

        marked = mark_low_confidence(report.metrics, report.low_confidence_spans)
        if marked:
            report.warnings.append(f"{marked} metric(s) come from text OCR read with low confidence: check them against the scan")
    report.warnings.extend(w for w in resources.warnings if w not in report.warnings)
    return report


def analyze_path(
    path: str | Path,
    resources: Resources | None = None,
    *,
    stages: tuple[str, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Analyse one file. Errors in the document are recorded, never raised.

    ``progress(done, total)`` reports the pages of a scan as they are OCR'd.
    The whole analysis runs within the per-file time budget of
    ``resources.limits``; an error record carries the file's sha256 whenever
    its bytes could be read.
    """
    path = Path(path)
    resources = resources or Resources()
    limits = resources.limits
    report = Report(source=str(path))
    t0 = time.perf_counter()
    budget = TimeBudget(limits.file_seconds, path)
    with budget:
        try:
            data = read_file(path, limits)
        except GovReportError as exc:  # too large to read, missing, unreadable: no bytes, no hash
            return _fail(report, exc)
        report.sha256 = sha256_bytes(data)
        try:
            extracted = read_bytes(data, path, progress=progress, limits=limits)
        except GovReportError as exc:
            return _fail(report, exc)
        del data  # the bytes are not needed by the stages: free them before the analysis
        report.timings["ingest"] = time.perf_counter() - t0
        return process(report, extracted, resources, stages=stages)
    # Only reached when the time budget ran out (TimeBudget suppressed its TimeLimit).
    return _fail(Report(source=str(path), sha256=report.sha256), budget.error())


def analyze_bytes(data: bytes, name: str, resources: Resources | None = None) -> Report:
    """Analyse a document given as bytes (``name`` only labels it)."""
    resources = resources or Resources()
    report = Report(source=name, sha256=sha256_bytes(data))
    try:
        extracted = read_bytes(data, Path(name), limits=resources.limits)
    except GovReportError as exc:
        return _fail(report, exc)
    return process(report, extracted, resources)


def analyze_text(
    text: str, name: str = "<text>", resources: Resources | None = None, *, stages: tuple[str, ...] | None = None
) -> Report:
    """Analyse a string (tests, the evaluation, training, library users); ``stages``: only these."""
    resources = resources or Resources()
    report = Report(source=name, sha256=sha256_bytes(text.encode("utf-8")))
    extracted = Extracted(text=text, format="txt", blocks=blocks_from_lines(text), encoding="utf-8", extractor="text")
    return process(report, extracted, resources, stages=stages)


def report_record(report: Report, *, include_text: bool = True) -> dict[str, Any]:
    """The JSON record of ``report`` with the pipeline version stamped in."""
    record = report.to_dict(include_text=include_text)
    record["pipeline_version"] = PIPELINE_VERSION
    return record
