"""Exports from the store: CSV (UTF-8 with BOM), XLSX, JSONL.

Five tables, the same in every format:

- ``metrics``: long form, one row per metric of each submission (a report sent
  as TXT, DOCX and PDF counts once), with the township, county, year, the
  Chinese name of the indicator and the value as written; reviewers' corrections
  applied (pipeline/corrections.py), ``value_source`` (来源) saying extracted or corrected;
- ``reports``: one row per submission (failed files included): its files and
  formats, metadata, completeness score and missing parts, the number of
  findings (less those a reviewer overruled), flags (重复报送, 同年度多份报告),
  the review status;
- ``compare``: the township × year comparison rows (compare.py), gaps included;
- ``similarity``: one row per copied-text finding of the batch (R06 previous
  year, R07 peers) with the share and the most similar passages;
- ``findings`` (审查意见): one row per finding a reviewer can send back (a
  missing part, a quality rule R02–R14 in warning or error), with its evidence.

Only reports are exported by default: a document judged not to be an annual
report (a notice, a work summary) is left out of every table unless
``include_all`` (``govreport export --all``); every row of ``metrics`` and
``reports`` says ``is_report``/``doc_type``.

Headers, sheet names and enumerated values (status, qualifier, document
type...) are Chinese by default (labels.py); ``lang="en"`` gives the stable
ids for scripts. Id columns (``indicator``, ``sha256``) are kept in both.

Spreadsheet safety: Excel and WPS detect UTF-8 only with a BOM, so CSV files
start with one; a text cell starting with ``= + - @`` (half- or full-width
``＝ ＋ － ＠``, or a tab / carriage return) could run as a formula, so it is prefixed with ``'`` in CSV. In XLSX,
text is written as explicit string cells (never formulas) and numbers as
numbers.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import labels
from pipeline.compare import CompareRow, compare_store, indicator_name
from pipeline.corrections import gold_documents, reviewed_documents, reviewed_findings, reviewed_metrics
from pipeline.labels import Lang
from pipeline.store import Store
from pipeline.submissions import RESUBMITTED_LABEL, SEVERAL_ID, SEVERAL_LABEL, RESUBMITTED_ID, is_scored, non_report_why

FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl", "gold")

METRIC_COLUMNS: tuple[str, ...] = (
    "township", "county", "level", "year", "indicator", "indicator_name", "value", "value_text", "unit", "qualifier",
    "per", "category", "quote", "sentence", "start", "end", "low_confidence", "is_report", "doc_type", "value_source",
    "source_file", "sha256",
)
REPORT_COLUMNS: tuple[str, ...] = (
    "source_files", "n_files", "formats", "status", "error_code", "error_message", "is_report", "doc_type", "why",
    "title", "township", "entity_full", "county", "level", "year", "issue_date", "format", "encoding", "pages",
    "n_chars", "completeness_score", "missing_parts", "n_findings", "flags", "n_headings", "n_paragraphs",
    "n_metrics", "n_warnings", "pipeline_version", "model_version", "review_status", "sha256",
)
COMPARE_COLUMNS: tuple[str, ...] = (
    "indicator", "indicator_name", "direction", "county", "level", "township", "year", "status", "value",
    "value_text", "unit", "per", "approx", "rule", "n_values", "previous", "change", "change_pct", "rank", "peers",
    "source", "quotes", "value_source",
)
SIMILARITY_COLUMNS: tuple[str, ...] = (
    "rule", "kind", "share", "jaccard", "township", "year", "source_file", "other_township", "other_year",
    "other_file", "passages", "sha256", "other_sha256",
)
FINDING_COLUMNS: tuple[str, ...] = (
    "township", "county", "year", "source_file", "rule", "rule_label", "severity", "message", "evidence", "where",
    "is_report", "doc_type", "sha256",
)

# Columns whose values are ids with a Chinese label (labels.toml [values]; severity has [severity]).
_VALUE_COLUMNS = frozenset({"status", "qualifier", "doc_type", "level", "kind", "value_source",
                           "review_status"})

# Full-width forms too: WPS and Excel with a Chinese input method take a leading ＝ as =.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading ``'``; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def metric_rows(store: Store, *, include_all: bool = False) -> list[dict[str, Any]]:
    """One row per metric of each submission, reviewers' corrections applied; non-reports only with ``include_all``."""
    rows = []
    for m in reviewed_metrics(store):
        if not include_all and not is_scored(m):
            continue
        rows.append({
            "township": m.get("entity"), "county": m.get("county"), "level": m.get("level"), "year": m.get("year"),
            "indicator": m["indicator"], "indicator_name": indicator_name(m["indicator"]), "value": m.get("value"),
            "value_text": m.get("value_text"), "unit": m.get("unit"), "qualifier": m.get("qualifier"),
            "per": m.get("per"), "category": m.get("category"), "quote": m.get("quote"), "sentence": m.get("sentence"),
            "start": m.get("start"), "end": m.get("end"), "low_confidence": bool(m.get("low_confidence")),
            "is_report": _flag(m.get("is_report")), "doc_type": m.get("doc_type"), "value_source": m.get("origin"),
            "source_file": m.get("source"),
            "sha256": m["sha256"],
        })
    return rows


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def report_rows(store: Store, *, include_all: bool = False) -> list[dict[str, Any]]:
    """One row per submission (its copies' files listed with it) and per failed file; non-reports with ``include_all``."""
    findings = Counter(f["sha256"] for f in reviewed_findings(store, include_all=True))
    flags: dict[str, list[str]] = {}
    for c in store.checks():
        if c["item"] in (RESUBMITTED_ID, SEVERAL_ID):
            flags.setdefault(c["sha256"], []).append(RESUBMITTED_LABEL if c["item"] == RESUBMITTED_ID else SEVERAL_LABEL)
    rows = []
    for d in reviewed_documents(store):
        scored = is_scored(d)
        if d["status"] == "ok" and not scored and not include_all:
            continue
        why = None
        if d["status"] == "ok" and not scored:
            why = non_report_why(store.record(d["sha256"]) or {})
        rows.append({
            "source_files": "; ".join(d["sources"]), "n_files": len(d["sources"]), "formats": ", ".join(d["formats"]),
            "status": d["status"], "error_code": d.get("error_code"), "error_message": d.get("error_message"),
            "is_report": _flag(d.get("is_report")), "doc_type": d.get("doc_type"), "why": why,
            "title": d.get("title"), "township": d.get("entity"),
            "entity_full": d.get("entity_full"), "county": d.get("county"), "level": d.get("level"),
            "year": d.get("year"), "issue_date": d.get("issue_date"), "format": d.get("format"),
            "encoding": d.get("encoding"), "pages": d.get("pages"), "n_chars": d.get("n_chars"),
            "completeness_score": d.get("completeness_score") if scored else None,
            "missing_parts": "; ".join(d.get("missing") or []) if scored else None,
            "n_findings": findings.get(d["sha256"], 0) if d["status"] == "ok" else None,
            "flags": "; ".join(flags.get(d["sha256"], [])) or None,
            "n_headings": d.get("n_headings"), "n_paragraphs": d.get("n_paragraphs"), "n_metrics": d.get("n_metrics"),
            "n_warnings": d.get("n_warnings"), "pipeline_version": d.get("pipeline_version"),
            "model_version": d.get("model_version"), "review_status": d.get("review_status"), "sha256": d["sha256"],
        })
    # Files that could not be read at all have no document but belong in the list.
    listed = {name for r in rows for name in r["source_files"].split("; ")}
    for f in store.failures():
        if f["name"] not in listed:
            rows.append({**{c: None for c in REPORT_COLUMNS}, "source_files": f["name"], "n_files": 1, "status": "error",
                         "error_code": f["code"], "error_message": f["message"]})
    return rows


def finding_rows(store: Store, *, include_all: bool = False) -> list[dict[str, Any]]:
    """One row per finding (审查意见): a missing part or a quality rule in warning or error, with its evidence."""
    return [{
        "township": f.get("entity"), "county": f.get("county"), "year": f.get("year"), "source_file": f.get("source"),
        "rule": f["item"], "rule_label": f.get("label"), "severity": f.get("status"), "message": f.get("message"),
        "evidence": f.get("evidence"), "where": f.get("where"), "is_report": _flag(f.get("is_report")),
        "doc_type": f.get("doc_type"), "sha256": f["sha256"],
    } for f in reviewed_findings(store, include_all=include_all)]


def similarity_rows(store: Store, *, structured: bool = False) -> list[dict[str, Any]]:
    """One row per similarity finding (R06/R07); passages as readable lines, or as a list when ``structured``."""
    rows = []
    for f in store.similarity():
        passages = f.get("passages") or []
        rows.append({
            "rule": f["rule"], "kind": f["kind"], "share": f["share"], "jaccard": f.get("jaccard"),
            "township": f.get("entity"), "year": f.get("year"), "source_file": f.get("source"),
            "other_township": f.get("other_entity"), "other_year": f.get("other_year"),
            "other_file": f.get("other_source"),
            "passages": passages if structured else "\n".join(
                f"「{p.get('quote')}」≈「{p.get('other_quote')}」" for p in passages),
            "sha256": f["sha256"], "other_sha256": f["other_sha256"],
        })
    return rows


def compare_rows(rows: Sequence[CompareRow]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in rows]


def localise(rows: Sequence[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """Enumerated values (status, qualifier, document type...) as a reviewer reads them; ids in English."""
    if lang == "en":
        return list(rows)
    def cell(k: str, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        if k == "severity":
            return labels.severity(v, lang)
        if k == "category":  # a section's part: "other" is 其他, not the document type 其他文件
            return labels.category(v, lang)
        if k == "missing_parts":
            return "；".join(labels.category(p.strip(), lang) for p in v.split(";"))
        return labels.value(v, lang) if k in _VALUE_COLUMNS else v

    return [{k: cell(k, v) for k, v in row.items()} for row in rows]


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]],
              header: Sequence[str] | None = None) -> None:
    """CSV as Excel/WPS read it: UTF-8 with BOM, comma, CRLF, double-quote quoting; formula cells neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, dialect="excel")
        writer.writerow(header or columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else neutralise(_plain(row.get(c))) for c in columns])


def _plain(value: Any) -> Any:
    # CSV has no booleans; Excel reads TRUE/FALSE as booleans in every locale.
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_xlsx(path: Path, tables: Sequence[tuple[str, Sequence[str], Sequence[dict[str, Any]]]],
               headers: Sequence[Sequence[str]] | None = None) -> None:
    """One sheet per table; typed numbers, text as text, frozen header row, filters, readable widths."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for t, (title, columns, rows) in enumerate(tables):
        ws = wb.create_sheet(title)
        head = list(headers[t]) if headers else list(columns)
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [sum(2 if ord(ch) > 0x2E7F else 1 for ch in h) + 2 for h in head]
        for r, row in enumerate(rows, start=2):
            for c, col in enumerate(columns, start=1):
                value = row.get(col)
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    widths[c - 1] = min(60, max(widths[c - 1], sum(2 if ord(ch) > 0x2E7F else 1 for ch in value) + 2))
                else:
                    cell.value = value
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
    wb.save(path)


def export(store: Store, fmt: str, output: Path, *, compare: Sequence[CompareRow] | None = None,
           lang: Lang = "zh", include_all: bool = False) -> list[Path]:
    """Write the five tables in ``fmt`` below ``output`` (created); return the files written.

    ``lang`` chooses Chinese headers, sheet names and values (default) or the ids;
    ``include_all`` adds the documents that are not annual reports. ``gold`` writes the
    reviewed reports as gold files instead (:func:`write_gold`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    output.mkdir(parents=True, exist_ok=True)
    if fmt == "gold":
        return write_gold(store, output)
    comp = compare if compare is not None else compare_store(store)
    tables = (
        ("metrics", METRIC_COLUMNS, metric_rows(store, include_all=include_all)),
        ("reports", REPORT_COLUMNS, report_rows(store, include_all=include_all)),
        ("compare", COMPARE_COLUMNS, compare_rows(comp)),
        ("similarity", SIMILARITY_COLUMNS, similarity_rows(store)),
        ("findings", FINDING_COLUMNS, finding_rows(store, include_all=include_all)),
    )
    written: list[Path] = []
    if fmt == "xlsx":
        path = output / "govreport.xlsx"
        write_xlsx(path, [(labels.sheet(name, lang), columns, localise(rows, lang)) for name, columns, rows in tables],
                   [labels.columns(columns, lang) for _, columns, _ in tables])
        written.append(path)
    elif fmt == "csv":
        # File names stay ids (scripts open them by name); their headers are Chinese.
        for name, columns, rows in tables:
            written.append(output / f"{name}.csv")
            write_csv(written[-1], columns, localise(rows, lang), labels.columns(columns, lang))
    else:
        # JSON Lines is for scripts: keys and values are the ids whatever the language.
        for name, _columns, rows in tables:
            written.append(output / f"{name}.jsonl")
            if name == "reports":
                # JSONL keeps the full record of output.md (no text), with the file names.
                rows = _full_records(store, {r["sha256"] for r in rows if r.get("sha256")})
            elif name == "similarity":
                rows = similarity_rows(store, structured=True)
            write_jsonl(written[-1], rows)
    return written


def write_gold(store: Store, output: Path) -> list[Path]:
    """Reviewed reports as gold JSON files (gold-format.md), one per document, for `evaluate` and `train`."""
    written = []
    for doc in gold_documents(store):
        written.append(output / f"{doc['id']}.json")
        written[-1].write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def _full_records(store: Store, wanted: set[str]) -> list[dict[str, Any]]:
    out = []
    for d in store.documents():
        if d["sha256"] not in wanted:
            continue
        rec = store.record(d["sha256"]) or {}
        rec["source_files"] = d["sources"]
        rec["formats"] = d["formats"]
        rec["model_version"] = d.get("model_version")
        if not is_scored(d) and rec.get("completeness"):
            rec["completeness"] = {**rec["completeness"], "score": None}  # a non-report is not scored
        out.append(rec)
    return out
