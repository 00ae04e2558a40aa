"""Exports from the store: CSV (UTF-8 with BOM), XLSX, JSONL.

Four tables, the same in every format:

- ``metrics``: long form, one row per metric, with the document's township,
  county, year and the Chinese name of the indicator;
- ``reports``: one row per document (failed ones included): metadata,
  completeness score and missing parts, counts, source files;
- ``compare``: the township × year comparison rows (compare.py), gaps included;
- ``similarity``: one row per copied-text finding of the batch (R06 previous
  year, R07 peers) with the share and the most similar passages.

Spreadsheet safety: Excel and WPS detect UTF-8 only with a BOM, so CSV files
start with one; a text cell starting with ``= + - @`` (half- or full-width
``＝ ＋ － ＠``, or a tab / carriage return) could run as a formula, so it is prefixed with ``'`` in CSV. In XLSX,
text is written as explicit string cells (never formulas) and numbers as
numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.compare import CompareRow, compare_store, indicator_name
from pipeline.store import Store

FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl")

METRIC_COLUMNS: tuple[str, ...] = (
    "township", "county", "level", "year", "indicator", "indicator_name", "value", "unit", "qualifier", "per",
    "category", "quote", "sentence", "start", "end", "low_confidence", "source_file", "sha256",
)
REPORT_COLUMNS: tuple[str, ...] = (
    "source_files", "status", "error_code", "error_message", "is_report", "doc_type", "title", "township",
    "entity_full", "county", "level", "year", "issue_date", "format", "encoding", "pages", "n_chars",
    "completeness_score", "missing_parts", "n_headings", "n_paragraphs", "n_metrics", "n_warnings",
    "pipeline_version", "model_version", "sha256",
)
COMPARE_COLUMNS: tuple[str, ...] = (
    "indicator", "indicator_name", "direction", "county", "level", "township", "year", "status", "value", "unit",
    "approx", "rule", "n_values", "previous", "change", "change_pct", "rank", "peers", "source", "quotes",
)

SIMILARITY_COLUMNS: tuple[str, ...] = (
    "rule", "kind", "share", "jaccard", "township", "year", "source_file", "other_township", "other_year",
    "other_file", "passages", "sha256", "other_sha256",
)

# Full-width forms too: WPS and Excel with a Chinese input method take a leading ＝ as =.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading ``'``; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def metric_rows(store: Store) -> list[dict[str, Any]]:
    rows = []
    for m in store.metrics():
        rows.append({
            "township": m.get("entity"), "county": m.get("county"), "level": m.get("level"), "year": m.get("year"),
            "indicator": m["indicator"], "indicator_name": indicator_name(m["indicator"]), "value": m.get("value"),
            "unit": m.get("unit"), "qualifier": m.get("qualifier"), "per": m.get("per"), "category": m.get("category"),
            "quote": m.get("quote"), "sentence": m.get("sentence"), "start": m.get("start"), "end": m.get("end"),
            "low_confidence": bool(m.get("low_confidence")), "source_file": m.get("source"), "sha256": m["sha256"],
        })
    return rows


def report_rows(store: Store) -> list[dict[str, Any]]:
    rows = []
    for d in store.documents():
        rows.append({
            "source_files": "; ".join(d["sources"]), "status": d["status"], "error_code": d.get("error_code"),
            "error_message": d.get("error_message"),
            "is_report": None if d.get("is_report") is None else bool(d["is_report"]),
            "doc_type": d.get("doc_type"), "title": d.get("title"), "township": d.get("entity"),
            "entity_full": d.get("entity_full"), "county": d.get("county"), "level": d.get("level"),
            "year": d.get("year"), "issue_date": d.get("issue_date"), "format": d.get("format"),
            "encoding": d.get("encoding"), "pages": d.get("pages"), "n_chars": d.get("n_chars"),
            "completeness_score": d.get("completeness_score"), "missing_parts": "; ".join(d.get("missing") or []),
            "n_headings": d.get("n_headings"), "n_paragraphs": d.get("n_paragraphs"), "n_metrics": d.get("n_metrics"),
            "n_warnings": d.get("n_warnings"), "pipeline_version": d.get("pipeline_version"),
            "model_version": d.get("model_version"), "sha256": d["sha256"],
        })
    # Files that could not be read at all have no document but belong in the list.
    for f in store.failures():
        if not any(f["name"] in r["source_files"].split("; ") for r in rows):
            rows.append({**{c: None for c in REPORT_COLUMNS}, "source_files": f["name"], "status": "error",
                         "error_code": f["code"], "error_message": f["message"]})
    return rows


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


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """CSV as Excel/WPS read it: UTF-8 with BOM, comma, CRLF, double-quote quoting; formula cells neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, dialect="excel")
        writer.writerow(columns)
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


def write_xlsx(path: Path, tables: Sequence[tuple[str, Sequence[str], Sequence[dict[str, Any]]]]) -> None:
    """One sheet per table; typed numbers, text as text, frozen header row, filters, readable widths."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, rows in tables:
        ws = wb.create_sheet(title)
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(c) + 2 for c in columns]
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


def export(store: Store, fmt: str, output: Path, *, compare: Sequence[CompareRow] | None = None) -> list[Path]:
    """Write the four tables in ``fmt`` below ``output`` (created); return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    output.mkdir(parents=True, exist_ok=True)
    comp = compare if compare is not None else compare_store(store)
    tables = (
        ("metrics", METRIC_COLUMNS, metric_rows(store)),
        ("reports", REPORT_COLUMNS, report_rows(store)),
        ("compare", COMPARE_COLUMNS, compare_rows(comp)),
        ("similarity", SIMILARITY_COLUMNS, similarity_rows(store)),
    )
    written: list[Path] = []
    if fmt == "xlsx":
        path = output / "govreport.xlsx"
        write_xlsx(path, tables)
        written.append(path)
    elif fmt == "csv":
        for name, columns, rows in tables:
            written.append(output / f"{name}.csv")
            write_csv(written[-1], columns, rows)
    else:
        for name, _columns, rows in tables:
            written.append(output / f"{name}.jsonl")
            if name == "reports":
                # JSONL keeps the full record of output.md (no text), with the file names.
                rows = _full_records(store)
            elif name == "similarity":
                rows = similarity_rows(store, structured=True)
            write_jsonl(written[-1], rows)
    return written


def _full_records(store: Store) -> list[dict[str, Any]]:
    out = []
    for d in store.documents():
        rec = store.record(d["sha256"]) or {}
        rec["source_files"] = d["sources"]
        rec["model_version"] = d.get("model_version")
        out.append(rec)
    return out
