"""Training the section classifier (``govreport train``): never imported at analysis time.

Samples: the gold headings of the dev corpus and the body lines under them
(labelled with their heading's category), and the paragraphs of full
government work reports from the extra corpus (review of the year:
achievements, its turn to problems: shortcomings, the rest: plans).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify import (
    _INTRO_RE,
    _is_turn_to_problems,
    _norm_key,
    classify_headings,
    classify_paragraphs,
)
from pipeline.section_model import MODEL_FILE, SectionClassifier, save_classifier
from pipeline.modelio import data_path, versions
from pipeline.nlp import JiebaTokenizer
from pipeline.normalise import to_simplified
from pipeline.types import Heading, Paragraph, Report


_GWR_L1_RE = re.compile(r"^\s*([一二三四五六七八九十]+)、\s*(\S.{1,40})$")
_GWR_PAST_RE = re.compile(r"(回顾|过去|一年来|成绩|成就)")
_BODY_PUNCT = "，。；,;"


@dataclass
class Sample:
    """One labelled text: a heading or a paragraph of a document."""

    doc: str
    text: str
    label: str
    kind: str  # heading | paragraph | sentence (extra examples cut from a paragraph)
    source: str  # dev | ext
    level: int | None = None


def _key(text: str) -> str:
    return _norm_key(text)


def _is_body(text: str) -> bool:
    core = _key(text)
    return len(core) >= 12 and any(c in core for c in _BODY_PUNCT)


def dev_samples(dev_dir: Path) -> tuple[list[Sample], list[dict[str, Any]]]:
    """Headings (gold) and paragraphs (labelled by the gold heading above them) of the dev corpus.

    Returns the samples and, per report, its gold heading sequence (for the in-context score).
    """
    docs = []
    for path in sorted(Path(dev_dir).glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        doc.setdefault("id", path.stem)
        docs.append(doc)
    return doc_samples(docs)


def doc_samples(docs: Iterable[dict[str, Any]]) -> tuple[list[Sample], list[dict[str, Any]]]:
    """:func:`dev_samples` of gold documents already read (cross-validation passes a fold's)."""
    samples: list[Sample] = []
    sequences: list[dict[str, Any]] = []
    for doc in docs:
        gold = doc.get("gold") or {}
        heads = gold.get("headings") or []
        if not gold.get("is_report") or not heads:
            continue
        doc_id = str(doc.get("id"))
        sequences.append({"doc": doc_id, "year": gold.get("year"), "headings": heads})
        for h in heads:
            samples.append(Sample(doc_id, h["text"], h["category"], "heading", "dev", h["level"]))
        # Walk the lines, finding the gold headings in order.
        lines = doc["text"].splitlines()
        keys = [_key(h["text"]) for h in heads]
        j = 0
        current: str | None = None
        for line in lines:
            lk = _key(line)
            if not lk:
                continue
            k = next((n for n in range(j, min(j + 3, len(keys))) if keys[n] and lk.startswith(keys[n])), None)
            if k is not None:
                current = heads[k]["category"]
                j = k + 1
                rest = lk[len(keys[k]) :]
                if _is_body(rest):
                    samples.append(Sample(doc_id, rest, current, "paragraph", "dev"))
                continue
            if current is None:
                if _INTRO_RE.search(lk) and _is_body(lk):
                    samples.append(Sample(doc_id, lk, "other", "paragraph", "dev"))
                continue
            if _is_body(lk):
                samples.append(Sample(doc_id, lk, current, "paragraph", "dev"))
                if current in ("shortcomings", "plans", "responsibility"):
                    samples.extend(Sample(doc_id, sent, current, "sentence", "dev") for sent in _sentences(lk))
    return samples, sequences


def ext_samples(ext_text_dir: Path) -> list[Sample]:
    """Paragraphs of full government work reports, labelled by the section they are in.

    The review of the past year is achievements (a paragraph in it that turns
    to problems is shortcomings); from the first forward-looking top-level
    heading on, everything is plans.
    """
    samples: list[Sample] = []
    for path in sorted(Path(ext_text_dir).glob("*gwr*.txt")):
        text = path.read_text("utf-8", errors="replace")
        doc_id = "ext:" + path.stem
        current: str | None = None
        for line in text.splitlines():
            m = _GWR_L1_RE.match(line.replace("\u200b", ""))
            if m and not any(c in m.group(2) for c in "。；"):
                title = to_simplified(m.group(2))
                if current in (None, "achievements") and _GWR_PAST_RE.search(title):
                    current = "achievements"
                else:
                    current = "plans"
                samples.append(Sample(doc_id, line.strip(), current, "heading", "ext", 1))
                continue
            if current is None or not _is_body(line):
                continue
            label = current
            if current == "achievements" and _is_turn_to_problems(line.strip()):
                label = "shortcomings"
                # The sentences after the turn list the problems one by one: more
                # examples of the rarest section, in the words problems are told in.
                samples.extend(
                    Sample(doc_id, sent, label, "sentence", "ext") for sent in _sentences(line)[1:]
                )
            samples.append(Sample(doc_id, line.strip(), label, "paragraph", "ext"))
    return samples


def _sentences(text: str) -> list[str]:
    """Sentences and semicolon clauses of a paragraph long enough to say something."""
    return [s for s in (x.strip() for x in re.split(r"[。；;！？]", text)) if len(s) >= 12]


def _bare_report(samples: Sequence[Sample]) -> Report:
    """A report made of the given paragraphs only (no title, no headings)."""
    report = Report(source="<train>")
    pos = 0
    for smp in samples:
        report.paragraphs.append(Paragraph(text=smp.text, start=pos, end=pos + len(smp.text)))
        pos += len(smp.text) + 1
    report.text = "\n".join(smp.text for smp in samples)
    return report


def _heading_objs(heads: Sequence[dict[str, Any]]) -> list[Heading]:
    return [Heading(text=h["text"], level=int(h["level"]), start=0, end=0) for h in heads]


def _scores(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    if not y_true:
        return {"n": 0}
    labels = sorted(set(y_true) | set(y_pred))
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
    }


def _hosts(dev_dir: Path) -> dict[str, str]:
    """Gold document id -> its website host (the grouping of the held-out scores)."""
    from pipeline.training import host_of

    out = {}
    for path in sorted(Path(dev_dir).glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        out[str(doc.get("id") or path.stem)] = host_of(doc)
    return out


def train_classifier(
    dev_dir: Path,
    ext_dir: Path | None = None,
    out: Path | None = None,
    *,
    folds: int = 5,
    tokenizer: JiebaTokenizer | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[SectionClassifier, dict[str, Any]]:
    """Train the section classifier, score it held out by document, save it with its card.

    ``dev_dir``: gold JSON files (gold-format.md); ``ext_dir``: the folder of
    ``text/`` full reports. Deterministic (fixed folds and random_state).
    """
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    samples, sequences = _gather_samples(dev_dir, ext_dir)
    say(f"{len(samples)} labelled samples from {len({s.doc for s in samples})} documents")
    model = SectionClassifier().set_tokenizer(tokenizer)
    H = model.hash_features([s.text for s in samples])
    y = np.array([s.label for s in samples])
    # Held out by website: a site's template and wording never straddle a fold.
    hosts = _hosts(dev_dir)
    groups = np.array([hosts.get(s.doc, s.doc) for s in samples])
    held = _held_out_predictions(model, H, y, groups, samples, folds, say)
    scores = _held_out_scores(samples, sequences, y, held)
    say("fitting the final model on all samples")
    model.fit_hashed(H, y)
    card = _card(model, samples, dev_dir, ext_dir, scores, t0)
    if out is not None:
        _save(model, out, card)
    return model, card


def _gather_samples(dev_dir: Path, ext_dir: Path | None) -> tuple[list[Sample], list[dict[str, Any]]]:
    """The dev samples and gold heading sequences, plus the extra corpus's samples when given."""
    samples, sequences = dev_samples(dev_dir)
    if ext_dir is not None:
        text_dir = Path(ext_dir) / "text" if (Path(ext_dir) / "text").is_dir() else Path(ext_dir)
        samples += ext_samples(text_dir)
    if not samples:
        from pipeline.errors import GoldFormatError

        raise GoldFormatError("no labelled samples found", dev_dir)
    return samples, sequences


@dataclass
class _HeldOut:
    """Held-out predictions: per sample, the label of the fold model that never saw its site."""

    pred: np.ndarray
    fold_models: dict[str, SectionClassifier]  # document id -> the model of the fold it was scored in
    n_splits: int


def _held_out_predictions(
    model: SectionClassifier, H: Any, y: np.ndarray, groups: np.ndarray, samples: Sequence[Sample],
    folds: int, say: Callable[[str], None],
) -> _HeldOut:
    """Fit one model per site-grouped fold and predict the samples it never saw."""
    from sklearn.model_selection import GroupKFold

    # Held out by document: each fold's model never saw the documents it is scored on.
    pred = np.empty(len(samples), dtype=object)
    fold_models: dict[str, SectionClassifier] = {}
    gkf = GroupKFold(n_splits=min(folds, len(set(groups))))
    for k, (tr, te) in enumerate(gkf.split(H, y, groups)):
        m = SectionClassifier().set_tokenizer(model._get_tokenizer()).fit_hashed(H[tr], y[tr])
        proba = m.predict_proba_hashed(H[te])
        pred[te] = m.classes_[proba.argmax(axis=1)]
        for i in te:
            fold_models[samples[i].doc] = m
        say(f"fold {k + 1} done")
    return _HeldOut(pred, fold_models, gkf.n_splits)


def _held_out_scores(
    samples: Sequence[Sample], sequences: Sequence[dict[str, Any]], y: np.ndarray, held: _HeldOut
) -> dict[str, Any]:
    """The ``held_out_scores`` of the model card (key order is the card's)."""

    def picked(kind: str, source: str) -> tuple[list[str], list[str]]:
        idx = [i for i, s in enumerate(samples) if s.kind == kind and s.source == source]
        return [y[i] for i in idx], [held.pred[i] for i in idx]

    in_context = _in_context_scores(sequences, held.fold_models)
    without_headings = _no_heading_scores(samples, held.fold_models)
    return {
        "paragraphs_without_headings_dev": without_headings["dev"],
        "paragraphs_without_headings_ext": without_headings["ext"],
        "method": f"GroupKFold({held.n_splits}) by website host; every score is on sites the fold's model never saw",
        "paragraphs_dev": _scores(*picked("paragraph", "dev")),
        "paragraphs_ext": _scores(*picked("paragraph", "ext")),
        "headings_dev_model_only": _scores(*picked("heading", "dev")),
        "headings_dev_in_context": in_context,
        "per_class_dev_paragraphs": _per_class(*picked("paragraph", "dev")),
    }


def _in_context_scores(
    sequences: Sequence[dict[str, Any]], fold_models: dict[str, SectionClassifier]
) -> dict[str, Any]:
    """The whole categoriser (rules + held-out model + position) on the gold heading sequences."""
    true: list[str] = []
    with_model: list[str] = []
    rules: list[str] = []
    top_true: list[str] = []
    top_model: list[str] = []
    errors: list[dict[str, str]] = []
    for seq in sequences:
        heads = _heading_objs(seq["headings"])
        decided = classify_headings(heads, fold_models.get(seq["doc"]), seq["year"])
        rules_only = classify_headings(heads, None, seq["year"])
        top = min(h.level for h in heads)
        for h, g, dm, dr in zip(heads, seq["headings"], decided, rules_only):
            true.append(g["category"])
            with_model.append(dm.category)
            rules.append(dr.category)
            if h.level == top:
                top_true.append(g["category"])
                top_model.append(dm.category)
            if dm.category != g["category"]:
                errors.append({"doc": seq["doc"], "level": str(h.level), "gold": g["category"], "pred": dm.category})
    return {
        "all": _scores(true, with_model),
        "top_level": _scores(top_true, top_model),
        "rules_only_all": _scores(true, rules),
        "errors": errors,
    }


def _no_heading_scores(
    samples: Sequence[Sample], fold_models: dict[str, SectionClassifier]
) -> dict[str, dict[str, Any]]:
    """Paragraph decisions with every heading taken away (reports with no usable headings), by source.

    The held-out model plus the section-order decoding, against the derived labels.
    """
    truth: dict[str, list[str]] = {"dev": [], "ext": []}
    pred: dict[str, list[str]] = {"dev": [], "ext": []}
    by_doc: dict[str, list[Sample]] = {}
    for smp in samples:
        if smp.kind == "paragraph":
            by_doc.setdefault(smp.doc, []).append(smp)
    for doc_id, paras in by_doc.items():
        decs = classify_paragraphs(_bare_report(paras), [], fold_models.get(doc_id))
        src = paras[0].source
        truth[src] += [smp.label for smp in paras]
        pred[src] += [d.category for d in decs]
    return {src: _scores(truth[src], pred[src]) for src in ("dev", "ext")}


def _card(
    model: SectionClassifier, samples: Sequence[Sample], dev_dir: Path, ext_dir: Path | None,
    scores: dict[str, Any], t0: float,
) -> dict[str, Any]:
    """The model card: what the model is, what it learnt from, its held-out scores and versions."""
    counts: dict[str, dict[str, int]] = {}
    for s in samples:
        counts.setdefault(f"{s.source}_{s.kind}s", Counter())[s.label] += 1  # type: ignore[index]
    return {
        "model": "SectionClassifier: hashed char 1-3-grams + jieba words (2^16 features, no vocabulary stored), "
        "TF-IDF (sublinear), logistic regression by SGDClassifier(loss=log_loss, class_weight=balanced)",
        "params": model.get_params(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": {
            "dev": {
                "dir": data_path(dev_dir),
                "what": "gold headings (text -> category) and the body lines under them, labelled with "
                "their heading's gold category; the lead-in sentence before the first heading as other",
                "documents": sorted({s.doc for s in samples if s.source == "dev"}),
            },
            "ext": {
                "dir": data_path(ext_dir),
                "what": "full government work reports (*gwr*): paragraphs of the review of the past year as "
                "achievements (those turning to problems as shortcomings), of the later parts as plans",
                "documents": sorted({s.doc for s in samples if s.source == "ext"}),
            },
            "counts": {k: dict(sorted(v.items())) for k, v in counts.items()},
            "note": "feature hashing: the saved model holds weights of hashed features, not the texts or their n-grams",
        },
        "held_out_scores": scores,
        "versions": versions(),
        "train_seconds": round(time.perf_counter() - t0, 1),
        "model_file": f"{MODEL_FILE} + {MODEL_FILE.replace('.npz', '.json')} (numpy arrays and a JSON header, no pickle)",
    }


def _save(model: SectionClassifier, out: Path, card: dict[str, Any]) -> None:
    """The model files at ``out`` and the card beside them (``<name>.card.json``)."""
    save_classifier(model, out, card)
    card_path = out.with_name(out.name.split(".")[0] + ".card.json")
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _per_class(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, dict[str, float]]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(y_true))
    if not labels:
        return {}
    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        str(lab): {"precision": round(float(a), 3), "recall": round(float(b), 3), "f1": round(float(c), 3), "n": int(d)}
        for lab, a, b, c, d in zip(labels, p, r, f, n)
    }
