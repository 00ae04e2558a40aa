"""Fitting the learned parts from gold documents (gold-format.md): never imported at analysis time.

- the indicator linker (:mod:`pipeline.linker`): one sample per quantity the
  pipeline finds that a gold metric matches, labelled with its indicator;
- the report-type classifier (:mod:`pipeline.doctype`): one sample per
  document (gold ``is_report``), plus the notices and work reports of the
  extra corpus as non-reports;
- folds grouped by website host, for ``govreport evaluate --cv`` and the
  model cards (a site never straddles a fold: its template and its wording
  stay on one side);
- cue support: on how many sites a lexicon cue occurs, so a cross-validation
  fold only keeps the cues it could have known (general wording, or seen on
  two or more of its own training sites).

Everything is deterministic: fixed fold assignment, sorted vocabularies,
lbfgs from zero; the saved files are byte-reproducible (:mod:`pipeline.modelio`).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from pipeline.indicators import quantity_contexts
from pipeline.lexicon import Lexicon, build_lexicon
from pipeline.linker import KIND as LINKER_KIND
from pipeline.linker import candidate_features
from pipeline.linker import context_features
from pipeline.modelio import LinearModel, data_path
from pipeline.normalise import to_simplified
from pipeline.doctype import KIND as DOCTYPE_KIND
from pipeline.doctype import report_features
from pipeline.run import Resources, analyze_text
from pipeline.types import Report

Doc = dict[str, Any]
# Analysis the linker's samples need: structure, metadata, tokens and section categories.
_LINKER_STAGES = ("structure", "metadata", "segment", "classify")
# Chosen by grouped cross-validation on the dev corpus (pipeline.crossval).
LINKER_PARAMS: dict[str, Any] = {"C": 0.3, "min_count": 1, "min_sites": 2, "min_confidence": 0.0}
_EXT_HEAD = 4000  # characters of an extra-corpus text analysed for the report-type negatives
DOCTYPE_PARAMS: dict[str, Any] = {"C": 1.0, "min_count": 2, "min_sites": 2, "threshold": 0.5}


# --- grouping -----------------------------------------------------------------


def host_of(doc: Doc) -> str:
    """The website a gold document came from (its ``url`` host), or the body that sent it
    (``site``, written by ``export --format gold``); its id when it has neither."""
    if doc.get("site"):
        return "site:" + str(doc["site"])
    host = urlparse(str(doc.get("url") or "")).hostname
    if host:
        return host[4:] if host.startswith("www.") else host
    return "id:" + str(doc.get("id", ""))


def grouped_folds(docs: Sequence[Doc], k: int) -> list[list[int]]:
    """K lists of document indices; all documents of one host in the same list.

    Hosts are dealt largest first (ties by a hash of the name, not by the
    order of the files) to the fold with the fewest documents so far.
    """
    by_host: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_host.setdefault(host_of(d), []).append(i)
    k = max(2, min(k, len(by_host)))
    order = sorted(by_host, key=lambda h: (-len(by_host[h]), hashlib.sha1(h.encode()).hexdigest()))
    folds: list[list[int]] = [[] for _ in range(k)]
    for h in order:
        smallest = min(range(k), key=lambda f: (len(folds[f]), f))
        folds[smallest].extend(by_host[h])
    return [sorted(f) for f in folds]


# --- fitting ------------------------------------------------------------------


def fit_linear(
    X: Sequence[Sequence[str]],
    y: Sequence[str],
    *,
    kind: str,
    C: float,
    min_count: int = 1,
    groups: Sequence[str] | None = None,
    min_groups: int = 1,
    meta: dict[str, Any] | None = None,
) -> LinearModel:
    """A logistic regression over binary named features, as a :class:`LinearModel`.

    A feature is kept when it occurs in ``min_count`` samples from ``min_groups``
    different groups (sites): a word only one site uses says nothing about the
    next report, and the saved vocabulary then holds no phrase of a single
    source document.
    """
    import scipy.sparse as sp
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for row in X for f in set(row))
    seen_in: dict[str, set[str]] = {}
    if groups is not None and min_groups > 1:
        for row, g in zip(X, groups, strict=True):
            for f in row:
                seen_in.setdefault(f, set()).add(g)
    vocab_list = sorted(
        f for f, n in counts.items() if n >= min_count and (not seen_in or len(seen_in.get(f, ())) >= min_groups)
    )
    vocab = {f: i for i, f in enumerate(vocab_list)}
    indptr, indices = [0], []
    for row in X:
        cols = sorted({vocab[f] for f in row if f in vocab})
        indices.extend(cols)
        indptr.append(len(indices))
    M = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(X), len(vocab_list)))
    clf = LogisticRegression(C=C, max_iter=500, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(M, list(y))
    classes = tuple(str(c) for c in clf.classes_)
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)
    if len(classes) == 2:  # binary: a zero first row makes softmax the logistic
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    header = dict(meta or {})
    header.update(C=C, min_count=min_count, min_groups=min_groups, samples=len(X))
    return LinearModel(kind, classes, vocab, coef, intercept, header)


# --- the indicator linker -----------------------------------------------------


def _norm_key(s: str) -> str:
    return to_simplified("".join(s.split()))


def align_gold(report_text: str, starts: Sequence[int], gold_metrics: Sequence[Doc]) -> dict[int, str]:
    """Which found quantity (by index) each gold metric is: {quantity index: gold indicator}.

    The gold quote is located in the text in order, the number inside it; the
    quantity that starts there is the match.
    """
    pos_of = {s: i for i, s in enumerate(starts)}
    out: dict[int, str] = {}
    cursor = 0
    for m in gold_metrics:
        quote, number = m.get("quote") or "", str(m.get("number_text") or "")
        at = report_text.find(quote, cursor) if quote else -1
        if at < 0 and quote:
            at = report_text.find(quote)
        if at < 0:
            continue
        cursor = at
        k = quote.find(number) if number else -1
        while k >= 0:
            i = pos_of.get(at + k)
            if i is not None and i not in out:
                out[i] = str(m["indicator"])
                break
            k = quote.find(number, k + 1)
    return out


def linker_samples_of(pairs: Iterable[tuple[Doc, Report]], lexicon: Lexicon) -> tuple[list[list[str]], list[str], list[str]]:
    """One sample per (quantity, candidate indicator) for every found quantity a gold metric matches.

    Label ``yes`` for the gold indicator, ``no`` for the other candidates the
    unit allows; a gold indicator the unit does not allow gives no sample (the
    unit constraint is hard, the model never learns to break it).
    """
    X: list[list[str]] = []
    y: list[str] = []
    groups: list[str] = []
    for doc, report in pairs:
        metrics = (doc.get("gold") or {}).get("metrics") or []
        if not metrics or report.status != "ok":
            continue
        quantities, ctxs = quantity_contexts(report, lexicon)
        starts = [report.to_text_pos(q.start) for q in quantities]
        for i, ind in sorted(align_gold(report.text, starts, metrics).items()):
            ctx = ctxs[i]
            candidates = sorted(lexicon.allowed(ctx.unit) | {"other"})
            if ind not in candidates:
                continue
            base = context_features(ctx)
            for c in candidates:
                X.append(candidate_features(ctx, c, base))
                y.append("yes" if c == ind else "no")
                groups.append(host_of(doc))
    return X, y, groups


def train_linker(samples: tuple[list[list[str]], list[str], list[str]], params: dict[str, Any] | None = None) -> LinearModel:
    """Fit the indicator linker on ``samples`` (features, labels, sites; from :func:`linker_samples_of`)."""
    p = {**LINKER_PARAMS, **(params or {})}
    X, y, groups = samples
    return fit_linear(
        X, y, kind=LINKER_KIND, C=p["C"], min_count=p["min_count"], groups=groups, min_groups=p["min_sites"],
        meta={"min_confidence": p["min_confidence"]},
    )


# --- the report-type classifier -----------------------------------------------


def ext_negatives(ext_dir: Path | None, resources: Resources | None = None) -> list[list[str]]:
    """Features of the extra corpus's notices and government work reports (never annual
    rule-of-law reports), each analysed like a dev text up to the metadata stage."""
    if ext_dir is None:
        return []
    res = resources or Resources()
    text_dir = ext_dir / "text" if (ext_dir / "text").is_dir() else ext_dir
    out = []
    for path in sorted(text_dir.glob("*.txt")):
        if not re.match(r"(?:notice|prov_gwr|nat_gwr)_", path.name):
            continue
        # The opening is all the features read; the head keeps the structure stage cheap.
        text = path.read_text("utf-8", errors="replace")[:_EXT_HEAD]
        report = analyze_text(text, name="document.txt", resources=res, stages=("structure", "metadata"))
        if report.status == "ok":
            out.append(report_features(report))
    return out


def doctype_samples_of(pairs: Iterable[tuple[Doc, Report]]) -> tuple[list[list[str]], list[str], list[str]]:
    """Features (title, opening, the rules' type), gold ``is_report`` and site of analysed documents."""
    X: list[list[str]] = []
    y: list[str] = []
    groups: list[str] = []
    for doc, report in pairs:
        if report.status != "ok":
            continue
        X.append(report_features(report))
        y.append("report" if (doc.get("gold") or {}).get("is_report") else "not_report")
        groups.append(host_of(doc))
    return X, y, groups


def train_doctype(
    samples: tuple[list[list[str]], list[str], list[str]],
    negatives: Sequence[list[str]] = (),
    params: dict[str, Any] | None = None,
) -> LinearModel:
    """Fit the report-type classifier on ``samples`` (+ ``negatives``: the extra corpus's non-reports, one site each)."""
    p = {**DOCTYPE_PARAMS, **(params or {})}
    X, y, groups = list(samples[0]), list(samples[1]), list(samples[2])
    X += list(negatives)
    y += ["not_report"] * len(negatives)
    groups += [f"ext:{i}" for i in range(len(negatives))]
    return fit_linear(
        X, y, kind=DOCTYPE_KIND, C=p["C"], min_count=p["min_count"], groups=groups, min_groups=p["min_sites"],
        meta={"threshold": p["threshold"]},
    )


# --- cue support and per-fold lexicons ----------------------------------------


def _all_cues(lexicon: Lexicon) -> set[str]:
    return {c for ind in lexicon.indicators.values() for c in (*ind.cues, *ind.weak_cues)}


def cue_support(lexicon: Lexicon, docs: Sequence[Doc], general_texts: Sequence[str] = ()) -> dict[str, set[str]]:
    """For each cue: the hosts whose documents contain it, plus ``"general"`` when a general text does.

    General texts are the documentation (indicators.md: the definitions) and
    the extra corpus: wording that is known without the dev reports.
    """
    cues = sorted(_all_cues(lexicon))
    support: dict[str, set[str]] = {c: set() for c in cues}
    hay_general = "\n".join(_norm_key(t) for t in general_texts)
    for c in cues:
        if _norm_key(c) in hay_general:
            support[c].add("general")
    for doc in docs:
        hay = _norm_key(doc["text"])
        host = host_of(doc)
        for c in cues:
            if _norm_key(c) in hay:
                support[c].add(host)
    return support


def known_cues(support: dict[str, set[str]], hosts: set[str], min_sites: int = 2) -> set[str]:
    """Cues a fold could know: general wording, or seen on ``min_sites`` of its own sites."""
    return {c for c, where in support.items() if "general" in where or len(where & hosts) >= min_sites}


def restrict_lexicon(lexicon: Lexicon, keep: set[str]) -> Lexicon:
    """The lexicon with only the cues in ``keep`` (an indicator left without cues matches nothing new)."""
    table: dict[str, Any] = {}
    for iid, ind in lexicon.indicators.items():
        cues = [c for c in ind.cues if c in keep] or ["\u0000"]  # a cue that never occurs
        row: dict[str, Any] = {
            "name": ind.name,
            "units": sorted(ind.units),
            "direction": ind.direction,
            "cues": cues,
            "weak_cues": [c for c in ind.weak_cues if c in keep],
            "negative": list(ind.negative),
            "priority": ind.priority,
        }
        if ind.people:
            row["people"] = ind.people
        table[iid] = row
    return build_lexicon({"indicator": table}, lexicon.source + " (restricted)")


def general_texts(shared: Path | None) -> list[str]:
    """The documentation and extra-corpus texts that count as general knowledge."""
    if shared is None:
        return []
    out = []
    for p in (shared / "docs" / "indicators.md", shared / "docs" / "domain.md", shared / "docs" / "gold-format.md"):
        if p.is_file():
            out.append(p.read_text("utf-8"))
    text_dir = shared / "corpus" / "ext" / "text"
    if text_dir.is_dir():
        out.extend(p.read_text("utf-8", errors="replace") for p in sorted(text_dir.glob("*.txt")))
    return out


def with_models(base: Resources, **models: Any) -> Resources:
    """A Resources sharing ``base``'s tokenizer and spaCy pipeline, with the given models in place.

    Keys: ``classifier``, ``linker``, ``doctype`` (a model or None), ``lexicon``.
    """
    res = Resources(checklist_path=base.checklist_path, use_model=True)
    res._tokenizer = base.tokenizer
    res._nlp = base.nlp
    res._checklist = base.checklist
    res._lexicon = models.get("lexicon", base.lexicon)
    for name in ("classifier", "linker", "doctype"):
        setattr(res, f"_{name}", models.get(name, getattr(base, name)))
        setattr(res, f"_{name}_loaded", True)
    return res



# --- the section classifier ---------------------------------------------------


class SectionData:
    """Labelled headings and paragraphs of gold documents (+ the extra corpus), features hashed once.

    Cross-validation fits one classifier per fold from the rows of its
    training documents without hashing the texts again.
    """

    def __init__(self, docs: Sequence[Doc], ext_dir: Path | None, tokenizer: Any) -> None:
        from pipeline.section_model import SectionClassifier
        from pipeline.train_sections import doc_samples, ext_samples

        self.samples, self.sequences = doc_samples(docs)
        if ext_dir is not None:
            text_dir = ext_dir / "text" if (ext_dir / "text").is_dir() else ext_dir
            self.samples += ext_samples(text_dir)
        self.tokenizer = tokenizer
        self.H = SectionClassifier().set_tokenizer(tokenizer).hash_features([s.text for s in self.samples])
        self.y = np.array([s.label for s in self.samples])

    def fit(self, doc_ids: set[str]) -> Any:
        """A classifier fitted on the samples of ``doc_ids`` and of the extra corpus."""
        from pipeline.section_model import SectionClassifier

        rows = [i for i, s in enumerate(self.samples) if s.source != "dev" or s.doc in doc_ids]
        return SectionClassifier().set_tokenizer(self.tokenizer).fit_hashed(self.H[rows], self.y[rows])


# --- training everything (``govreport train``) ----------------------------------


def load_gold_dir(folder: Path) -> list[Doc]:
    """Every gold document below ``folder`` (id defaults to the file name)."""
    from pipeline.evaluate import load_gold

    docs = []
    for p in sorted(Path(folder).rglob("*.json")):
        if p.name == "manifest.json":
            continue
        doc = load_gold(p)
        doc.setdefault("id", p.stem)
        docs.append(doc)
    return docs


def train_all(
    dev_dir: Path,
    out_dir: Path,
    *,
    ext_dir: Path | None = None,
    extra_gold: Sequence[Path] = (),
    shared: Path | None = None,
    folds: int = 5,
    cv: bool = True,
    progress: Any = None,
) -> dict[str, Any]:
    """Fit the section classifier, the indicator linker and the report-type classifier; save them with cards.

    ``extra_gold``: more gold folders (a county's corrected reports, ``export
    --format gold``) added to ``dev_dir``'s documents. With ``cv``, the cards
    carry the grouped cross-validated scorecard (:mod:`pipeline.crossval`).
    Returns {model file name: card}.
    """
    import json
    import time

    from pipeline.section_model import MODEL_FILE as SECTION_FILE
    from pipeline.section_model import load_classifier
    from pipeline.linker import MODEL_FILE as LINKER_FILE
    from pipeline.modelio import versions
    from pipeline.doctype import MODEL_FILE as DOCTYPE_FILE
    from pipeline.train_sections import train_classifier

    say = progress or (lambda _m: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = load_gold_dir(dev_dir)
    for folder in extra_gold:
        docs += load_gold_dir(folder)
    created = time.strftime("%Y-%m-%d", time.gmtime())
    say(f"section classifier: {dev_dir}")
    train_classifier(dev_dir, ext_dir, out_dir / SECTION_FILE, folds=folds, progress=say)
    base = Resources(classifier_path=out_dir / SECTION_FILE)
    classifier = load_classifier(out_dir / SECTION_FILE)
    plain = with_models(base, classifier=classifier, linker=None, doctype=None)
    say(f"indicator linker and report-type classifier: {len(docs)} gold documents")
    pairs = [(d, analyze_text(d["text"], name="document.txt", resources=plain, stages=_LINKER_STAGES)) for d in docs]
    linker = train_linker(linker_samples_of(pairs, plain.lexicon))
    linker.save(out_dir / LINKER_FILE)
    doctype = train_doctype(doctype_samples_of(pairs), ext_negatives(ext_dir, plain))
    doctype.save(out_dir / DOCTYPE_FILE)
    scores: dict[str, Any] = {}
    if cv:
        from pipeline.crossval import cross_validate

        say(f"grouped {folds}-fold cross-validation for the model cards")
        res = with_models(base, classifier=classifier, linker=linker, doctype=doctype)
        result = cross_validate(docs, folds, base=res, shared=shared, progress=say)
        scores = {
            v: {"accuracy": result[v]["accuracy"], **{k: result[v][k] for k in ("indicator", "quantity", "headings")}}
            for v in ("model", "rules")
        }
        scores["folds"] = result["folds"]
        scores["method"] = "GroupKFold by website host (pipeline.crossval); 'rules': the same folds without the learned linker and report-type models"
    hosts = sorted({host_of(d) for d in docs})
    data = {"gold_dirs": [data_path(p) for p in (dev_dir, *extra_gold)], "documents": len(docs), "sites": len(hosts), "ext_dir": data_path(ext_dir)}
    cards = {
        LINKER_FILE: {
            "model": "candidate-ranking logistic regression (scikit-learn LogisticRegression, lbfgs): one row per "
            "(quantity, indicator the unit allows); features: rule decision, lexicon cue hits, clause tokens with "
            "distance, words after, counted noun, section category, previous link; features seen on one site only are dropped",
            "params": dict(linker.meta),
            "data": {**data, "what": "gold metrics matched to the quantities the pipeline finds"},
        },
        DOCTYPE_FILE: {
            "model": "logistic regression (scikit-learn LogisticRegression) over general signs in the title, the opening "
            "and the headings (the parts the 2019 规定 asks for, a circular's addressees, masks, web-template text, a news "
            "lead, a year-led opening), the title's length, whether the text names its own body and the rules' document "
            "type; features seen on one site only are dropped",
            "params": dict(doctype.meta),
            "data": {**data, "what": "gold is_report of every document, plus the extra corpus's notices and work reports as non-reports"},
        },
    }
    for name, card in cards.items():
        card.update(created=created, cross_validated=scores, versions=versions(), model_file=f"{name} + {name[:-4]}.json (numpy arrays and a JSON header, no pickle)")
        (out_dir / name.replace(".npz", ".card.json")).write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return cards
