"""Cross-validated scorecard: every learned or lexicon-derived part scored on sites it never saw.

K folds grouped by website host (:func:`pipeline.training.grouped_folds`).
For each fold, from the other folds' documents only:

- the section classifier is refitted (their gold headings and paragraphs, plus
  the extra corpus);
- the lexicon keeps only the cues the fold could have known: wording of the
  documentation or the extra corpus, or a cue seen on two or more of the
  fold's own training sites (:func:`pipeline.training.known_cues`); a cue
  restating one site's sentence drops out, as it would on a new report;
- the indicator linker and the report-type classifier are refitted.

The held-out fold is then analysed with those and scored with the same rules
as the in-sample scorecard (:mod:`pipeline.evaluate`). Rule-only variants
(no linker, no report-type model) are scored too, so a rule is kept only
where it beats the model under cross-validation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline.evaluate import finish_card, new_card, score_document
from pipeline.run import Resources, analyze_text, run_stages
from pipeline.training import (
    Doc,
    cue_support,
    doctype_samples_of,
    ext_negatives,
    SectionData,
    general_texts,
    grouped_folds,
    host_of,
    known_cues,
    linker_samples_of,
    restrict_lexicon,
    train_doctype,
    train_linker,
    with_models,
)
from pipeline.types import Report

# Analysed once per document: nothing in these stages is learned.
_PREPARED = ("structure", "metadata", "segment")
VARIANTS = ("model", "rules")


class _Prepared:
    """A document analysed up to segmentation, with what later stages overwrite kept aside."""

    def __init__(self, doc: Doc, res: Resources) -> None:
        self.doc = doc
        self.report = analyze_text(doc["text"], name="document.txt", resources=res, stages=_PREPARED)
        self._rule = (self.report.is_report, self.report.doc_type)
        self._defects = list(self.report.defects)

    def fresh(self) -> Report:
        """A shallow copy with the rules' document type and defects restored."""
        rep = copy.copy(self.report)
        rep.is_report, rep.doc_type = self._rule
        rep.defects = list(self._defects)
        rep.metrics = []
        rep.headings = [copy.copy(h) for h in self.report.headings]
        rep.paragraphs = [copy.copy(p) for p in self.report.paragraphs]
        return rep


def cross_validate(
    docs: Sequence[Doc],
    k: int = 5,
    *,
    base: Resources | None = None,
    shared: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Grouped K-fold scorecards, one per variant (``model``: the learned parts; ``rules``: without them)."""
    say = progress or (lambda _m: None)
    base = base or Resources()
    folds = grouped_folds(docs, k)
    say(f"{len(folds)} folds grouped by site: {[len(f) for f in folds]} documents")
    general = general_texts(shared)
    support = cue_support(base.lexicon, docs, general)
    negatives = ext_negatives(shared / "corpus" / "ext" if shared else None, base)
    ext_dir = shared / "corpus" / "ext" if shared and (shared / "corpus" / "ext").is_dir() else None
    prepared = [_Prepared(d, base) for d in docs]
    sections = SectionData(docs, ext_dir, base.tokenizer)
    cards = {v: new_card() for v in VARIANTS}
    kept_cues: list[int] = []
    for f, test in enumerate(folds):
        test_set = set(test)
        train = [i for i in range(len(docs)) if i not in test_set]
        hosts = {host_of(docs[i]) for i in train}
        keep = known_cues(support, hosts)
        kept_cues.append(len(keep))
        lexicon = restrict_lexicon(base.lexicon, keep)
        classifier = sections.fit({str(docs[i].get("id")) for i in train})
        plain = with_models(base, lexicon=lexicon, classifier=classifier, linker=None, doctype=None)
        train_pairs = []
        for i in train:
            rep = prepared[i].fresh()
            run_stages(rep, plain, ("classify",))
            train_pairs.append((docs[i], rep))
        linker = train_linker(linker_samples_of(train_pairs, lexicon))
        doctype = train_doctype(doctype_samples_of(train_pairs), negatives)
        for variant in VARIANTS:
            res = plain if variant == "rules" else with_models(plain, linker=linker, doctype=doctype)
            for i in test:
                rep = run_stages(prepared[i].fresh(), res, ("report_type", "classify", "metrics"))
                cards[variant]["documents"] += 1
                score_document(docs[i], rep, cards[variant])
        say(f"fold {f + 1}/{len(folds)}: {len(test)} documents held out, {len(keep)} of {len(support)} cues known")
    out = {v: finish_card(c) for v, c in cards.items()}
    out["folds"] = [len(f) for f in folds]
    out["cues_known_per_fold"] = kept_cues
    out["cues_total"] = len(support)
    return out


def format_side_by_side(in_sample: dict[str, Any], cv: dict[str, Any], *, show_errors: bool = False) -> str:
    """In-sample and cross-validated figures in columns (the cross-validated one is what counts);
    with ``show_errors``, the errors the held-out documents have that the in-sample run has not."""
    model, rules = cv["model"], cv["rules"]
    lines = [
        f"govreport evaluation: {in_sample['documents']} documents; cross-validation: {len(cv['folds'])} folds "
        f"grouped by site {cv['folds']}",
        "",
        f"  {'':<22} {'in-sample':>9} {'CV':>7} {'CV rules':>9}",
        "metadata and structure (accuracy)",
    ]

    def cell(v: Any) -> str:
        return "—" if v is None else f"{v:.3f}"

    for key, v in in_sample["accuracy"].items():
        lines.append(f"  {key:<22} {cell(v):>9} {cell(model['accuracy'].get(key)):>7} {cell(rules['accuracy'].get(key)):>9}")
    lines.append("F1")
    for name in ("headings", "quantity", "qualifier", "indicator"):
        lines.append(f"  {name:<22} {in_sample[name]['f1']:>9.3f} {model[name]['f1']:>7.3f} {rules[name]['f1']:>9.3f}")
    lines.append("")
    lines.append(
        "CV: each fold's section classifier, indicator linker, report-type classifier and lexicon cues come from the other "
        f"folds' sites only (cues known per fold: {cv['cues_known_per_fold']} of {cv['cues_total']}). "
        "'CV rules': the same without the linker and report-type models. "
        "Title, entity, county, level, year and the heading-category rules are hand-written rules, not refitted per "
        "fold (each heading rule is general wording or seen on two or more sites; a test keeps it so): their CV column equals the "
        "in-sample one and overstates what an unseen site will see."
    )
    if show_errors:
        lines += ["", "errors under CV only (held out, not in-sample)"]
        for doc_id, errs in sorted(model.get("errors", {}).items()):
            extra = [e for e in errs if e not in set(in_sample.get("errors", {}).get(doc_id, []))]
            if extra:
                lines.append(f"  {doc_id}")
                lines.extend(f"    - {e}" for e in extra)
    return "\n".join(lines)
