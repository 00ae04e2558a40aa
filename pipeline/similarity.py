"""Similarity across a batch: copied last-year reports (R06) and shared templates (R07).

Every report becomes a set of character shingles of its normalised text, with
punctuation dropped, digits folded to ``0`` (this year's figures differ from
last year's) and the report's own name masked (a report reused by another
township under a new name still matches). A MinHash signature per report and
LSH banding, plus an inverted index of identical sentences, propose candidate
pairs, so a county's few hundred reports are never compared all against all on
full text. Each candidate is verified exactly (shingle containment), and for
each report's closest partners an inverted index of the other report's
sentence shingles yields the most similar passages as evidence.

:func:`find_similar` returns the findings; :func:`apply_findings` folds them
into each report's completeness verdict as items R06 and R07.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.completeness import CheckItem, Checklist, finish, load_checklist
from pipeline.normalise import normalise
from pipeline.sentences import SENTENCE
from pipeline.types import Report

_STRIP = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+(\.\d+)?")


@dataclass
class Passage:
    """A pair of similar sentences: the quote in this report and in the other."""

    quote: str
    other_quote: str
    score: float  # share of this sentence's shingles found in the other sentence
    start: int  # offset in this report's text
    other_start: int


@dataclass
class SimilarityFinding:
    """``source`` shares ``share`` of its text with ``other`` (one direction)."""

    source: str
    other: str
    kind: str  # previous_year | peer | duplicate
    rule: str  # R06 | R07
    share: float  # share of source's shingles (names masked, figures folded) found in other
    jaccard: float  # shingle Jaccard of the two whole reports
    entity: str | None = None
    other_entity: str | None = None
    year: int | None = None
    other_year: int | None = None
    passages: list[Passage] = field(default_factory=list)


@dataclass
class _Prepared:
    report: Report
    entity: str | None
    year: int | None
    shingles: set[int]  # of the text masked, punctuation-free, digits folded
    sentences: list[tuple[int, int, set[int], int]]  # norm start, end, shingles, clean length
    signature: np.ndarray | None = None


_BASE = np.uint64(1_000_003)


def _shingle_hashes(clean: str, k: int) -> np.ndarray:
    """32-bit polynomial hashes of every k-character window, vectorised.

    Deterministic across processes (Python's own string hash is salted per run,
    which made borderline findings differ between two runs on the same store).
    """
    n = len(clean) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(clean.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        for j in range(k):
            h = h * _BASE + codes[j : j + n]
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
    return h >> np.uint64(32)


def _clean(text: str, entity: str | None) -> str:
    if entity:
        stem = re.sub(r"(乡|镇|街道|苏木|县|区|市)$", "", entity)
        text = text.replace(entity, "□")
        if len(stem) >= 2:
            text = text.replace(stem, "□")
    text = _DIGITS.sub("0", text)
    return _STRIP.sub("", text)


def _shingle_set(clean: str, k: int) -> set[int]:
    return set(_shingle_hashes(clean, k).tolist())


def _identity(report: Report) -> tuple[str | None, int | None]:
    """Entity and reported year, as the metadata stage set them."""
    return report.entity, report.year


def _prepare(report: Report, k: int, min_sentence: int) -> _Prepared:
    entity, year = _identity(report)
    norm = report.norm or normalise(report.text).text
    sents = []
    shingles: set[int] = set()
    for m in SENTENCE.finditer(norm):
        c = _clean(m.group(0), entity)
        sh = _shingle_set(c, k)
        shingles |= sh
        # Web-page furniture ("首页 | 政务公开 | …") is shared by every page of a site.
        if len(c) >= min_sentence and "|" not in m.group(0):
            sents.append((m.start(), m.end(), sh, len(c)))
    return _Prepared(report, entity, year, shingles, sents)


def _signatures(prepared: Sequence[_Prepared], num_perm: int, seed: int) -> None:
    """MinHash signatures: one splitmix64 hash per permutation, vectorised.

    (A linear hash ``a*x + b mod p`` with small ``a`` is nearly monotonic in
    ``x`` and makes a poor min-wise family; the splitmix64 finaliser mixes all
    bits. uint64 products wrap around, which is what the finaliser expects.)
    """
    rng = np.random.default_rng(seed)
    salts = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64, endpoint=True)
    m1, m2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
    s30, s27, s31 = np.uint64(30), np.uint64(27), np.uint64(31)
    with np.errstate(over="ignore"):
        for p in prepared:
            if not p.shingles:
                p.signature = None
                continue
            z = np.fromiter(p.shingles, dtype=np.uint64, count=len(p.shingles))[:, None] ^ salts[None, :]
            z = (z ^ (z >> s30)) * m1
            z = (z ^ (z >> s27)) * m2
            z = z ^ (z >> s31)
            p.signature = z.min(axis=0)


def _candidates(prepared: Sequence[_Prepared], bands: int, rows: int) -> set[tuple[int, int]]:
    """Pairs sharing at least one LSH band bucket."""
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        if p.signature is None:
            continue
        for band in range(bands):
            key = p.signature[band * rows : (band + 1) * rows].tobytes()
            buckets[(band, key)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


def _sentence_candidates(prepared: Sequence[_Prepared], min_shared: int) -> set[tuple[int, int]]:
    """Pairs sharing at least ``min_shared`` identical sentences (names masked, figures folded).

    Whole-report MinHash estimates Jaccard, which stays low when a short report
    copies part of a long one; identical sentences catch that case. A sentence
    found in very many reports (a slogan) proposes no pairs: it is evidence of
    nothing between two of them, and a template shared by all still shows up in
    the whole-report signatures.
    """
    postings: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        for key in {hash(frozenset(sh)) for _s, _e, sh, _n in p.sentences if sh}:
            postings[key].append(i)
    cap = max(20, len(prepared) // 5)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if 1 < len(members) <= cap:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    counts[(members[x], members[y])] += 1
    return {pair for pair, n in counts.items() if n >= min_shared}


def _plausible(
    prepared: Sequence[_Prepared], pairs: list[tuple[int, int]], min_share: float, num_perm: int
) -> list[tuple[int, int]]:
    """Candidates whose signature-estimated containment could reach ``min_share``.

    The estimate Ĵ (share of equal MinHash values) gives a containment of the
    smaller report Ĵ(|A|+|B|)/((1+Ĵ)|small|); a pair is kept unless even Ĵ plus
    four standard errors stays below the threshold, so exact set operations
    run only where a finding is possible.
    """
    pairs = [(i, j) for i, j in pairs if prepared[i].signature is not None and prepared[j].signature is not None]
    if not pairs:
        return []
    sig = np.stack([p.signature if p.signature is not None else np.zeros(num_perm, np.uint64) for p in prepared])
    ii = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    jj = np.fromiter((j for _, j in pairs), dtype=np.int64, count=len(pairs))
    est = (sig[ii] == sig[jj]).mean(axis=1)
    upper = np.minimum(1.0, est + 4 * np.sqrt(np.maximum(est * (1 - est), 1.0 / num_perm) / num_perm) + 1.0 / num_perm)
    sizes = np.fromiter((len(p.shingles) for p in prepared), dtype=np.float64, count=len(prepared))
    small = np.minimum(sizes[ii], sizes[jj])
    contain = upper * (sizes[ii] + sizes[jj]) / ((1 + upper) * np.maximum(small, 1.0))
    return [pair for pair, keep in zip(pairs, contain >= min_share, strict=True) if keep]


def _relation(a: _Prepared, b: _Prepared) -> tuple[str, str] | None:
    """(kind, rule) of the pair as seen from ``a``, or None when they are not comparable."""
    same_entity = a.entity is not None and a.entity == b.entity
    if same_entity and a.year is not None and b.year is not None:
        if a.year == b.year + 1:
            return "previous_year", "R06"
        if a.year == b.year:
            return "duplicate", "R07"
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    return "peer", "R07"


def _passages(a: _Prepared, b: _Prepared, containment: float, top: int) -> list[Passage]:
    """The sentences of a most similar to a sentence of b (inverted index over b's sentences)."""
    common = a.shingles & b.shingles
    index: dict[int, list[int]] = defaultdict(list)
    # A sentence repeated (a report padded with one paragraph, figures folded to 0) is indexed and
    # scored once, at its first place: otherwise n repeats on each side cost n² votes.
    seen_b: set[frozenset[int]] = set()
    for j, (_s, _e, sh, _n) in enumerate(b.sentences):
        key = frozenset(sh)
        if key in seen_b:
            continue
        seen_b.add(key)
        for h in sh & common:  # only shared shingles can vote
            index[h].append(j)
    scored: list[tuple[float, int, int, int]] = []  # score, length, sentence of a, sentence of b
    seen_a: set[frozenset[int]] = set()
    for i, (_s, _e, sh, n) in enumerate(a.sentences):
        key = frozenset(sh)
        if key in seen_a:
            continue
        seen_a.add(key)
        inter = sh & common
        if not sh or len(inter) < containment * len(sh):
            continue
        hits: dict[int, int] = defaultdict(int)
        for h in inter:
            for j in index.get(h, ()):
                hits[j] += 1
        j, c = max(hits.items(), key=lambda kv: kv[1])
        scored.append((round(c / len(sh), 3), n, i, j))
    scored.sort(reverse=True)
    passages = []
    # Best first; among equal scores the longest passage is the most telling evidence.
    for score, _n, i, j in scored[:top]:
        sa, ea = a.sentences[i][:2]
        sb, eb = b.sentences[j][:2]
        passages.append(
            Passage(
                quote=_quote(a.report, sa, ea),
                other_quote=_quote(b.report, sb, eb),
                score=score,
                start=a.report.to_text_pos(sa),
                other_start=b.report.to_text_pos(sb),
            )
        )
    return passages


def _quote(report: Report, s: int, e: int, limit: int = 80) -> str:
    q = report.text_of(s, e) if report.norm else report.text[s:e]
    q = " ".join(q.split())
    return q if len(q) <= limit else q[: limit - 1] + "…"


def find_similar(
    reports: Sequence[Report],
    *,
    shingle: int = 5,
    num_perm: int = 128,
    bands: int = 64,
    min_share: float = 0.3,
    containment: float = 0.8,
    min_sentence: int = 12,
    top: int = 3,
    max_per_report: int = 3,
    min_shared_sentences: int = 2,
    seed: int = 20240301,
) -> list[SimilarityFinding]:
    """Reports that copy their own previous year's report or share text with peers.

    A finding is one direction: ``share`` of ``source``'s shingles (its text,
    names masked and figures folded) also occur in ``other``. Findings with
    ``share >= min_share`` are returned, at most ``max_per_report`` partners per
    report and kind, each with its ``top`` most similar sentences (a sentence
    counts when ``containment`` of its shingles occur in the other report).
    Rules R06/R07 apply their own thresholds when folded in. Candidate pairs
    come from LSH over whole-report MinHash signatures (``bands`` x rows =
    ``num_perm``: 64 bands of 2 rows propose pairs down to a Jaccard of about
    0.1) and from an inverted index of identical sentences (a pair sharing
    ``min_shared_sentences``), which catches a short report copied into a
    long one; only candidates are compared exactly.
    """
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    prepared = [_prepare(r, shingle, min_sentence) for r in reports if r.status == "ok" and r.text.strip()]
    _signatures(prepared, num_perm, seed)
    # Exact containment for every candidate pair (set operations in C), then passages
    # only for each report's closest partners: a county whose townships all share one
    # template makes every pair a candidate, and evidence for the best few is enough.
    scored: dict[tuple[int, str], list[tuple[float, float, int, str, str]]] = defaultdict(list)
    candidates = _candidates(prepared, bands, num_perm // bands) | _sentence_candidates(prepared, min_shared_sentences)
    for i, j in _plausible(prepared, sorted(candidates), min_share, num_perm):
        a, b = prepared[i], prepared[j]
        if a.report.source == b.report.source and a.report.sha256 == b.report.sha256:
            continue
        inter = len(a.shingles & b.shingles)
        union = len(a.shingles) + len(b.shingles) - inter
        jac = inter / union if union else 0.0
        for x, xi, y, yi in ((a, i, b, j), (b, j, a, i)):
            rel = _relation(x, y)
            share = inter / len(x.shingles) if x.shingles else 0.0
            if rel is not None and share >= min_share:
                scored[(xi, rel[0])].append((share, jac, yi, rel[0], rel[1]))
    findings: list[SimilarityFinding] = []
    for (xi, _kind), partners in scored.items():
        partners.sort(key=lambda t: (-t[0], t[2]))
        x = prepared[xi]
        for share, jac, yi, kind, rule in partners[:max_per_report]:
            y = prepared[yi]
            findings.append(
                SimilarityFinding(
                    source=x.report.source,
                    other=y.report.source,
                    kind=kind,
                    rule=rule,
                    share=round(share, 3),
                    jaccard=round(jac, 3),
                    entity=x.entity,
                    other_entity=y.entity,
                    year=x.year,
                    other_year=y.year,
                    passages=_passages(x, y, containment, top),
                )
            )
    findings.sort(key=lambda f: (f.source, -f.share))
    return findings


def apply_findings(
    reports: Sequence[Report], findings: Sequence[SimilarityFinding], checklist: Checklist | None = None
) -> None:
    """Add items R06 and R07 to each report's completeness (and redo score and summary)."""
    checklist = checklist or load_checklist()
    by_source: dict[str, list[SimilarityFinding]] = defaultdict(list)
    for f in findings:
        by_source[f.source].append(f)
    ids = [(r, _identity(r)) for r in reports if r.status == "ok"]
    identity = {id(r): ident for r, ident in ids}  # read once per report (it may rebuild the checker's view)
    for report in reports:
        comp = report.completeness
        if comp is None or report.status != "ok":
            continue
        entity, year = identity[id(report)]
        comp.items = [i for i in comp.items if i.id not in ("R06", "R07")]
        for rule_id, kinds in (("R06", ("previous_year",)), ("R07", ("peer", "duplicate"))):
            spec = checklist.rule(rule_id)
            if spec is None:
                continue
            item = CheckItem(id=rule_id, label=spec.label, status="ok", severity=spec.severity)
            threshold = float(spec.opts.get("min_share", 0.5))
            info_share = float(spec.opts.get("info_share", threshold))
            mine = [f for f in by_source.get(report.source, []) if f.kind in kinds]
            hits = [f for f in mine if f.share >= threshold]
            # Below the threshold, repeated passages are still shown to the reviewer (no penalty).
            near = [f for f in mine if info_share <= f.share < threshold and f.passages]
            if rule_id == "R06":
                comparable = any(
                    e == entity and entity is not None and y is not None and year is not None and y == year - 1
                    for r, (e, y) in ids
                    if r is not report
                )
            else:
                comparable = any(r is not report and (y is None or year is None or y == year) for r, (_e, y) in ids)
            if hits:
                f = max(hits, key=lambda h: h.share)
                who = (
                    f"{f.other_entity or ''}{f'{f.other_year}年' if f.other_year else ''}报告"
                    if (f.other_entity or f.other_year)
                    else "另一份报告"
                )
                what = (
                    "上一年度报告"
                    if f.kind == "previous_year"
                    else ("同一单位同年度的另一份报告" if f.kind == "duplicate" else who)
                )
                item.status = spec.severity
                item.message = f"与{what}（{f.other}）雷同：{f.share:.0%}的文字相同"
                if len(hits) > 1:
                    item.message += f"，另有{len(hits) - 1}份报告相似"
                if f.passages:
                    item.evidence, item.start, item.where = f.passages[0].quote, f.passages[0].start, "paragraph"
            elif near:
                f = max(near, key=lambda h: h.share)
                what = "上一年度报告" if f.kind == "previous_year" else (f.other_entity or "另一份") + "报告"
                item.status = "info"
                item.message = f"有{len(f.passages)}处段落与{what}（{f.other}）相同（全文{f.share:.0%}，未达雷同阈值）"
                item.evidence, item.start, item.where = f.passages[0].quote, f.passages[0].start, "paragraph"
            elif comparable:
                item.message = "未发现雷同" + (
                    "（已与上一年度报告比对）" if rule_id == "R06" else "（已与同批次报告比对）"
                )
            else:
                item.status = "info"
                item.message = (
                    "未检查：批次中没有该单位上一年度的报告" if rule_id == "R06" else "未检查：批次中没有其他报告"
                )
            comp.items.append(item)
        finish(report, checklist)


def check_batch(reports: Sequence[Report], checklist: Checklist | None = None) -> list[SimilarityFinding]:
    """Find similar reports in a batch and fold R06/R07 into their verdicts; return the findings.

    The search threshold follows the checklist (the lower of R06's and R07's
    ``min_share``), so a county that lowers a threshold sees the findings it asks for.
    """
    checklist = checklist or load_checklist()
    shares = [
        float(r.opts.get(key, 0.5))
        for rid in ("R06", "R07")
        if (r := checklist.rule(rid)) is not None
        for key in ("min_share", "info_share")
        if key in r.opts or key == "min_share"
    ]
    if not shares:
        return []
    findings = find_similar(reports, min_share=min(shares))
    apply_findings(reports, findings, checklist)
    return findings
