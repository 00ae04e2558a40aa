"""The batch's similarity pass: copied text (雷同) across a store's reports, and one submission per report.

After a batch, every current ok document of the store is compared with the
others (:mod:`pipeline.similarity`), copies of one report are grouped into a
submission (:mod:`pipeline.submissions`), and the verdicts that change are
rewritten in one transaction. Skipped when nothing it depends on changed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pipeline.run import PIPELINE_VERSION, Resources
from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.submissions import Candidate
    from pipeline.types import Report
from pipeline.versions import _checklist_bytes


_FINGERPRINT_KEY = "similarity_fingerprint"


def similarity_fingerprint(inputs: list[dict[str, Any]], options: tuple[tuple[str, Any], ...]) -> str:
    """What the similarity pass depends on: each ok document (content, analysis time, name), checklist, version."""
    h = hashlib.sha256(f"{PIPELINE_VERSION}\n".encode())
    h.update(hashlib.sha256(_checklist_bytes(options)).digest())
    for d in inputs:
        h.update(f"{d['sha256']}\t{d['analysed_at']!r}\t{d['has_text']}\t{d['name']}\n".encode())
    return h.hexdigest()


def _light_reports(
    store: Store, inputs: list[dict[str, Any]]
) -> tuple[list[Report], dict[str, dict[str, Any]], list[Candidate]]:
    """Reports rebuilt from the store (text, identity, stored verdict), their records, and their submission candidates."""
    from collections import Counter
    from dataclasses import fields

    from pipeline.normalise import normalise
    from pipeline.submissions import Candidate, is_scored
    from pipeline.types import CheckItem, Completeness, Report

    item_keys = {f.name for f in fields(CheckItem)}
    name_counts = Counter(d["name"] for d in inputs)
    reports: list[Report] = []
    records: dict[str, dict[str, Any]] = {}
    candidates: list[Candidate] = []
    for d in inputs:
        text = store.text(d["sha256"]) if d["has_text"] else None
        record = store.record(d["sha256"])
        if not text or record is None:
            continue
        comp = record.get("completeness")
        norm = normalise(text)
        # Findings name reports by source: a name shared by two folders of one store gets its hash.
        name = d["name"] if name_counts[d["name"]] == 1 else f"{d['name']} [{d['sha256'][:8]}]"
        reports.append(Report(
            source=name, sha256=d["sha256"], text=text, norm=norm.text, norm_map=norm.offsets,
            title=d["title"] or "",  # "" rather than None: the identity then comes from the metadata alone
            entity=d["entity"], county=d["county"], level=d["level"], year=d["year"],
            completeness=None if not comp else Completeness(
                score=comp.get("score") or 0.0,
                items=[CheckItem(**{k: v for k, v in it.items() if k in item_keys}) for it in comp.get("items") or []],
                missing=list(comp.get("missing") or []), warnings=list(comp.get("warnings") or []),
                summary=comp.get("summary") or "",
            ),
        ))
        records[d["sha256"]] = record
        candidates.append(Candidate(d["sha256"], norm.text, d["entity"], d["year"], is_scored(record),
                                    float((comp or {}).get("score") or 0.0), len(record.get("metrics") or []),
                                    record.get("format"), name))
    return reports, records, candidates


def similarity_pass(store: Store, options: tuple[tuple[str, Any], ...] = (), *, force: bool = False) -> int | None:
    """Compare every current ok document of ``store`` with the others; fold R06/R07 into their verdicts.

    Skipped (returns None) when neither the set of documents (content hash and
    analysis time, so a re-analysis counts), their names nor the checklist
    changed since the last pass. Otherwise builds light reports from the store
    (text, identity, stored verdict), runs :func:`similarity.check_batch`, and in
    one transaction replaces the similarity table and rewrites the verdicts
    (checks, score, record) that changed; returns the number of findings.
    A document stored without its text (before schema v2) is left out; the
    next batch analyses it again (see ``store_schema._migrate_1_to_2``).
    """
    inputs = store.similarity_inputs()
    fingerprint = similarity_fingerprint(inputs, options)
    if not force and store.meta(_FINGERPRINT_KEY) == fingerprint:
        return None
    from dataclasses import asdict

    from pipeline.similarity import apply_findings, check_batch
    from pipeline.types import CheckItem

    from pipeline.completeness import finish
    from pipeline.submissions import RESUBMITTED_ID, SEVERAL_ID, group, is_scored, verdict_items

    reports, records, candidates = _light_reports(store, inputs)
    # One submission per report: copies (the same report in another file) are neither
    # scored again nor compared with their primary; non-reports are compared with nothing.
    grouping = group(candidates)
    names = {r.sha256: r.source for r in reports}
    extra = verdict_items(grouping, names, {c.sha256: c.format for c in candidates},
                          {r.sha256: f"{r.entity or ''}{f'{r.year}年' if r.year else ''}" for r in reports})
    checklist = Resources(**dict(options)).checklist
    reports = [r for r in reports if r.sha256 not in grouping.copies and is_scored(records[r.sha256])]
    for r in reports:
        if r.completeness is not None:
            r.completeness.items = [i for i in r.completeness.items if i.id not in (RESUBMITTED_ID, SEVERAL_ID)]
            r.completeness.items += [CheckItem(**it) for it in extra.get(r.sha256, [])]
            finish(r, checklist)
    findings = check_batch(reports, checklist)
    if all(checklist.rule(rid) is None for rid in ("R06", "R07")):
        apply_findings(reports, [], checklist)  # both rules switched off: drop the verdicts of earlier passes
    sha_of = {r.source: r.sha256 for r in reports}
    rows: list[dict[str, Any]] = []
    similar: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        # vars() rather than asdict(): no deep copy of flat values (a template shared by
        # a whole county gives thousands of findings).
        passages = [dict(vars(p)) for p in f.passages]
        rows.append({"sha256": sha_of[f.source], "other_sha256": sha_of[f.other], "kind": f.kind, "rule": f.rule,
                     "share": f.share, "jaccard": f.jaccard, "passages": passages})
        similar.setdefault(f.source, []).append({**vars(f), "passages": passages})
    changed: dict[str, dict[str, Any]] = {}
    for r in reports:
        record = records[r.sha256]
        comp = asdict(r.completeness) if r.completeness is not None else None
        mine = similar.get(r.source, [])
        # Only verdicts that moved are rewritten (a JSON round trip keeps these values equal).
        if comp != record.get("completeness") or mine != record.get("similar", []):
            changed[r.sha256] = {**record, "completeness": comp, "similar": mine}
    store.save_similarity(rows, changed, fingerprint, copies=grouping.copies)
    return len(rows)
