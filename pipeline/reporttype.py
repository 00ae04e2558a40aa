"""What is a report: a learned report-type classifier over the opening of the text.

The metadata stage names a document type by rules (``report.doc_type``:
annual_report, plan, notice, news, work_report, template...). Many look-alikes
defeat such rules on the next site: a news item about a report, a 工作方案, a
speech, a guide asking for reports, an indicator system, a 述职报告. This
stage decides ``is_report`` with a logistic regression over the title's and
the opening's characters, the title's words and the rules' type; a
non-report keeps the rules' kind (or ``other``). Fitted by
:mod:`pipeline.training`, applied with numpy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.modelio import LinearModel, model_dir
from pipeline.types import Report

KIND = "report_type"
MODEL_FILE = "report_type.npz"
# The opening read by the model: enough for a title, a lead sentence and a first heading.
HEAD_CHARS = 300


def _ngrams(text: str, prefix: str, lo: int, hi: int) -> list[str]:
    text = "".join(text.split())
    return [f"{prefix}{text[i : i + n]}" for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]


def features(title: str | None, head: str, rule_type: str | None) -> list[str]:
    """Features of one document: title characters (1-3-grams), opening bigrams, the rules' type."""
    f = [f"rule={rule_type or 'none'}"]
    if title:
        f.extend(_ngrams(title, "t:", 1, 3))
        f.append(f"tlen={min(len(title) // 10, 6)}")
    else:
        f.append("t:<none>")
    f.extend(_ngrams(head[:HEAD_CHARS], "h:", 2, 2))
    return sorted(set(f))


def report_features(report: Report) -> list[str]:
    """:func:`features` of an analysed report (the head is the normalised text after the title)."""
    norm = report.norm or report.text
    start = 0
    if report.title_span is not None:
        from pipeline.segment import norm_pos

        start = norm_pos(report, report.title_span[1])
    title = report.title
    if title is not None:
        from pipeline.normalise import to_simplified

        title = to_simplified(title)
    return features(title, norm[start : start + HEAD_CHARS], report.doc_type)


def default_model_path() -> Path:
    return model_dir() / MODEL_FILE


def load_doctype(path: Path | None = None, warn: Any = None) -> LinearModel | None:
    """The saved classifier, or None (with a warning) when missing or unreadable."""
    from pipeline.errors import ModelError

    path = Path(path) if path is not None else default_model_path()
    say = warn if callable(warn) else (lambda _m: None)
    if not path.is_file():
        say(f"report-type classifier not found at {path}; the document-type rules decide alone")
        return None
    try:
        return LinearModel.load(path, KIND)
    except ModelError as exc:
        say(f"{exc}; the document-type rules decide alone")
        return None


def decide_report_type(report: Report, model: LinearModel | None) -> None:
    """Set ``is_report`` (and ``doc_type`` of a non-report) from the model; rules alone without one."""
    if model is None or not report.norm:
        return
    p = model.proba(report_features(report))
    p_report = float(p[model.classes.index("report")])
    report.is_report = p_report >= float(model.meta.get("threshold", 0.5))
    if report.is_report:
        report.doc_type = "annual_report"
    elif report.doc_type in (None, "annual_report"):
        report.doc_type = "other"
