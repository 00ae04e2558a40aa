"""Scorecard of the pipeline against gold-annotated documents (gold-format.md).

Each gold file's ``text`` is fed to the pipeline under a neutral name (the
gold ``id`` and ``url`` carry the place and year; a score that read them
would not be a score). With ``render="docx"`` or ``"pdf"`` the text is first
rendered to that format, so ingestion is measured too.

Matching rules
- metadata: exact match after removing whitespace (title, entity, county,
  entity_full); is_report over all documents, the other fields over the gold
  reports (is_report true).
- headings: a predicted heading matches a gold heading with the same text
  (whitespace removed, full-width folded) and level, in order (multiset per
  document). Category accuracy is over matched headings.
- metrics: multisets per document of (value, unit) for quantities, plus
  qualifier for the qualifier-aware score, plus indicator for the indicator
  score (gold ``other`` excluded on both sides).
- paragraphs: the expected category of a predicted paragraph is that of the
  last gold heading that starts before it (before the first: ``other``).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import GoldFormatError
from pipeline.normalise import to_simplified
from pipeline.run import Resources, analyze_path, analyze_text
from pipeline.types import Report

META_FIELDS = ("title", "entity", "entity_full", "county", "level", "year")


def _key(text: str | None) -> str:
    """Comparison form: whitespace removed, full-width folded (characters otherwise kept)."""
    if text is None:
        return ""
    return "".join(_fold(text).split())


def _fold(text: str) -> str:
    # Fold full-width ASCII only; traditional characters must stay distinct in titles.
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _unit_key(unit: str) -> str:
    # "场（次）" and "场(次)" are one unit; traditional 個 matches 个.
    return to_simplified(_fold(unit))


def _num(v: Any) -> float:
    return round(float(v), 4)


@dataclass
class _PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter[Any], pred: Counter[Any]) -> tuple[Counter[Any], Counter[Any]]:
        both = gold & pred
        tp = sum(both.values())
        self.tp += tp
        self.fp += sum(pred.values()) - tp
        self.fn += sum(gold.values()) - tp
        return gold - pred, pred - gold

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def load_gold(path: Path) -> dict[str, Any]:
    """Read and check one gold file."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldFormatError(f"cannot be read as gold JSON: {exc}", path) from exc
    if not isinstance(doc, dict) or "text" not in doc or not isinstance(doc.get("gold"), dict):
        raise GoldFormatError("is not a gold document (needs 'text' and 'gold')", path)
    return doc


def _render(text: str, fmt: str, folder: Path) -> Path:
    """Write ``text`` as a document of format ``fmt`` under a neutral name."""
    if fmt == "txt":
        path = folder / "document.txt"
        path.write_text(text, encoding="utf-8")
    elif fmt == "docx":
        from pipeline.render import text_to_docx

        path = folder / "document.docx"
        text_to_docx(text, path)
    elif fmt == "pdf":
        from pipeline.render import text_to_pdf

        path = folder / "document.pdf"
        text_to_pdf(text, path)
    else:
        raise GoldFormatError(f"unknown rendering {fmt!r} (txt, docx or pdf)")
    return path


def _heading_key(h: dict[str, Any] | Any) -> tuple[str, int]:
    if isinstance(h, dict):
        return _key(h["text"]), int(h["level"])
    return _key(h.text), int(h.level)


def _locate_gold_headings(text: str, headings: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(start offset, category) of each gold heading found in order in ``text``."""
    squashed, index = [], []
    for i, ch in enumerate(_fold(text)):
        if not ch.isspace():
            squashed.append(ch)
            index.append(i)
    flat = "".join(squashed)
    out: list[tuple[int, str]] = []
    pos = 0
    for h in headings:
        k = _key(h["text"])
        j = flat.find(k, pos)
        if j < 0:
            continue
        out.append((index[j], h.get("category", "other")))
        pos = j + len(k)
    return out


def score_document(doc: dict[str, Any], report: Report, card: dict[str, Any]) -> None:
    """Add one document's comparison to the running ``card``."""
    gold = doc["gold"]
    doc_id = doc.get("id", "?")
    errs: list[str] = card["errors"].setdefault(doc_id, [])
    if report.status != "ok":
        errs.append(f"status {report.status}: {report.error}")
    acc = card["_acc"]
    g_is = bool(gold.get("is_report"))
    acc["is_report"].append(report.is_report == g_is)
    if report.is_report != g_is:
        errs.append(f"is_report: got {report.is_report} ({report.doc_type}), want {g_is}")
    if not g_is:
        return
    for field in META_FIELDS:
        want, got = gold.get(field), getattr(report, field)
        ok = (want == got) if field in ("year", "level") else (_key(want) == _key(got))
        acc[field].append(ok)
        if not ok:
            errs.append(f"{field}: got {got!r}, want {want!r}")
    # headings
    g_heads = gold.get("headings") or []
    gk = Counter(_heading_key(h) for h in g_heads)
    pk = Counter(_heading_key(h) for h in report.headings)
    missed, spurious = card["_headings"].add(gk, pk)
    errs.extend(f"heading missed: L{lvl} {t}" for t, lvl in missed.elements())
    errs.extend(f"heading spurious: L{lvl} {t}" for t, lvl in spurious.elements())
    pred_by_key: dict[tuple[str, int], list[str]] = {}
    for h in report.headings:
        pred_by_key.setdefault(_heading_key(h), []).append(h.category)
    for h in g_heads:
        k = _heading_key(h)
        if pred_by_key.get(k):
            got_cat = pred_by_key[k].pop(0)
            ok = got_cat == h.get("category")
            acc["heading_category"].append(ok)
            if h["level"] == 1:
                acc["top_heading_category"].append(ok)
            if not ok:
                errs.append(f"heading category: {h['text']}: got {got_cat}, want {h.get('category')}")
    # paragraphs: expected category from the enclosing gold heading
    located = _locate_gold_headings(report.text, g_heads)
    for p in report.paragraphs:
        want = "other"
        for start, cat in located:
            if start <= p.start:
                want = cat
            else:
                break
        ok = p.category == want
        acc["paragraph_category"].append(ok)
        if not ok:
            errs.append(f"paragraph category: {p.text[:30]}…: got {p.category}, want {want}")
    # metrics
    g_metrics = gold.get("metrics") or []
    g_q = Counter((_num(m["value"]), _unit_key(m["unit"])) for m in g_metrics)
    p_q = Counter((_num(m.value), _unit_key(m.unit)) for m in report.metrics)
    missed_q, spurious_q = card["_quantity"].add(g_q, p_q)
    g_ql = Counter((_num(m["value"]), _unit_key(m["unit"]), m["qualifier"]) for m in g_metrics)
    p_ql = Counter((_num(m.value), _unit_key(m.unit), m.qualifier) for m in report.metrics)
    card["_qualifier"].add(g_ql, p_ql)
    g_in = Counter((m["indicator"], _num(m["value"]), _unit_key(m["unit"])) for m in g_metrics if m["indicator"] != "other")
    p_in = Counter((m.indicator, _num(m.value), _unit_key(m.unit)) for m in report.metrics if m.indicator != "other")
    missed_i, spurious_i = card["_indicator"].add(g_in, p_in)
    quotes = {(_num(m["value"]), _unit_key(m["unit"])): m["quote"] for m in g_metrics}
    pquotes = {(_num(m.value), _unit_key(m.unit)): m.quote for m in report.metrics}
    errs.extend(f"metric missed: {v:g} {u}  「{quotes.get((v, u), '')}」" for v, u in missed_q.elements())
    errs.extend(f"metric spurious: {v:g} {u}  「{pquotes.get((v, u), '')}」" for v, u in spurious_q.elements())
    errs.extend(f"indicator missed: {i} {v:g} {u}" for i, v, u in missed_i.elements())
    errs.extend(f"indicator spurious: {i} {v:g} {u}" for i, v, u in spurious_i.elements())


def new_card() -> dict[str, Any]:
    return {
        "documents": 0,
        "errors": {},
        "_acc": {k: [] for k in ("is_report", *META_FIELDS, "heading_category", "top_heading_category", "paragraph_category")},
        "_headings": _PRF(),
        "_quantity": _PRF(),
        "_qualifier": _PRF(),
        "_indicator": _PRF(),
    }


def finish_card(card: dict[str, Any]) -> dict[str, Any]:
    """Turn the running counts into the scorecard."""
    acc = card.pop("_acc")
    out: dict[str, Any] = {"documents": card["documents"], "render": card.get("render", "txt")}
    out["accuracy"] = {k: (round(sum(v) / len(v), 4) if v else None) for k, v in acc.items()}
    out["counts"] = {k: len(v) for k, v in acc.items()}
    for name in ("headings", "quantity", "qualifier", "indicator"):
        out[name] = card.pop(f"_{name}").scores()
    out["errors"] = {k: v for k, v in card["errors"].items() if v}
    return out


def evaluate_docs(docs: Iterable[dict[str, Any]], *, render: str = "txt", resources: Resources | None = None) -> dict[str, Any]:
    """Run the pipeline over gold documents and score it."""
    resources = resources or Resources()
    card = new_card()
    card["render"] = render
    with tempfile.TemporaryDirectory(prefix="govreport-eval-") as tmp:
        for doc in docs:
            card["documents"] += 1
            if render == "txt":
                report = analyze_text(doc["text"], name="document.txt", resources=resources)
            else:
                folder = Path(tmp) / str(card["documents"])
                folder.mkdir()
                report = analyze_path(_render(doc["text"], render, folder), resources)
            score_document(doc, report, card)
    return finish_card(card)


def load_gold_docs(corpus_dir: Path) -> list[dict[str, Any]]:
    """Every ``*.json`` gold file below ``corpus_dir``, each with an ``id``."""
    paths = sorted(corpus_dir.rglob("*.json"))
    if not paths:
        raise GoldFormatError("contains no gold *.json files", corpus_dir)
    docs = []
    for p in paths:
        doc = load_gold(p)
        doc.setdefault("id", p.stem)
        docs.append(doc)
    return docs


def evaluate_dir(corpus_dir: Path, *, render: str = "txt", resources: Resources | None = None) -> dict[str, Any]:
    """Score the pipeline on every ``*.json`` gold file below ``corpus_dir``."""
    return evaluate_docs(load_gold_docs(corpus_dir), render=render, resources=resources)


def evaluate_perturbed(
    docs: list[dict[str, Any]], names: list[str], *, seed: int = 0, resources: Resources | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(name, scorecard) of the unperturbed documents ("none") and of each perturbation in ``names``."""
    from pipeline.perturb import perturb_docs

    resources = resources or Resources()
    rows = [("none", evaluate_docs(docs, resources=resources))]
    for name in names:
        rows.append((name, evaluate_docs(perturb_docs(docs, name, seed=seed), resources=resources)))
    return rows


# The columns of the perturbation table: (header, scorecard section, key).
PERTURB_COLUMNS = (
    ("is_report", "accuracy", "is_report"), ("title", "accuracy", "title"), ("entity", "accuracy", "entity"),
    ("level", "accuracy", "level"), ("year", "accuracy", "year"), ("headings F1", "headings", "f1"),
    ("quantity F1", "quantity", "f1"), ("indicator F1", "indicator", "f1"),
)


def perturbation_figures(card: dict[str, Any]) -> dict[str, float | None]:
    """The figures of one scorecard that the perturbation table shows, by column header."""
    return {head: card[section][key] for head, section, key in PERTURB_COLUMNS}


def format_perturbation_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """One row per perturbation (the unperturbed row first), one column per figure; a figure
    below the unperturbed one shows the drop."""
    base = perturbation_figures(rows[0][1]) if rows else {}
    heads = [h for h, _, _ in PERTURB_COLUMNS]
    width = max([len("perturbation"), *(len(n) for n, _ in rows)])
    lines = ["  ".join([f"{'perturbation':<{width}}", *(f"{h:>13}" for h in heads)])]
    for name, card in rows:
        figs = perturbation_figures(card)
        cells = []
        for h in heads:
            v, b = figs[h], base.get(h)
            if v is None:
                cells.append(f"{'—':>13}")
                continue
            drop = f" ({v - b:+.3f})" if b is not None and v < b - 0.0005 else ""
            cells.append(f"{f'{v:.3f}{drop}':>13}")
        lines.append("  ".join([f"{name:<{width}}", *cells]))
    return "\n".join(lines)


def format_scorecard(card: dict[str, Any], *, show_errors: bool = True) -> str:
    """A readable scorecard: totals first, then each document's errors."""
    lines = [f"govreport evaluation: {card['documents']} documents (rendered as {card['render']})", ""]
    lines.append("metadata and structure (accuracy)")
    for k, v in card["accuracy"].items():
        n = card["counts"][k]
        lines.append(f"  {k:<22} {'—' if v is None else f'{v:.3f}':>6}   (n={n})")
    lines.append("")
    lines.append("precision / recall / F1")
    for name in ("headings", "quantity", "qualifier", "indicator"):
        s = card[name]
        lines.append(f"  {name:<22} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    if show_errors and card["errors"]:
        lines.append("")
        lines.append("errors by document")
        for doc_id, errs in sorted(card["errors"].items()):
            lines.append(f"  {doc_id}")
            lines.extend(f"    - {e}" for e in errs)
    return "\n".join(lines)
