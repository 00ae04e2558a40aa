"""The learned indicator linker: which indicator a quantity counts.

A candidate-ranking logistic regression: each indicator the quantity's unit
allows (and ``other``) is a candidate, described by features shared across
indicators (the rules chose it, its strong cue stands before the number) and
by the context words joined with the candidate; the best-scoring candidate
wins.

The lexicon (``data/indicators.toml``) stays the editable prior: its cue hits
and the rule linker's decision are features of the model, and a measure word
an indicator is never counted in is a hard constraint (the model can only
choose among the indicators that accept the quantity's unit, or ``other``).
Beside them the model sees the words of the quantity's clause (jieba tokens of
the report's segmentation, with their distance from the number), the words
after it, the counted noun after a measure word of things, the section
category and what the previous quantity of the sentence was linked to.

It is a multinomial logistic regression fitted by scikit-learn
(:mod:`pipeline.training`) and applied here with numpy alone, from a ``.npz``
+ JSON file (:mod:`pipeline.modelio`). A quantity the model is unsure of
(``min_confidence``) keeps the rule's decision.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.modelio import LinearModel, load_or_warn, model_dir

if TYPE_CHECKING:
    from pipeline.indicators import Link
    from pipeline.lexicon import Lexicon
    from pipeline.quantities import Quantity

KIND = "indicator_linker"
MODEL_FILE = "indicator_linker.npz"
# Distance buckets of a token before the number, in tokens: the nearest words say most.
_NEAR = (1, 2, 4)


@dataclass(frozen=True)
class Tokens:
    """Token boundaries of one text (the report's segmentation), searchable by offset."""

    starts: tuple[int, ...]
    words: tuple[str, ...]

    @classmethod
    def from_words(cls, words: Sequence[str], base: int = 0) -> Tokens:
        starts, pos = [], base
        for w in words:
            starts.append(pos)
            pos += len(w)
        return cls(tuple(starts), tuple(words))

    def between(self, start: int, end: int) -> list[str]:
        """Whole or cut tokens covering [start, end), clipped to it, whitespace dropped."""
        if end <= start or not self.starts:
            return []
        i = max(bisect_left(self.starts, start + 1) - 1, 0)
        out = []
        while i < len(self.starts) and self.starts[i] < end:
            s, w = self.starts[i], self.words[i]
            piece = w[max(0, start - s) : max(0, min(len(w), end - s))]
            if piece.strip():
                out.append(piece.strip())
            i += 1
        return out


@dataclass(frozen=True)
class Context:
    """What the linker knows of one quantity (norm offsets)."""

    unit: str
    before: tuple[str, ...]  # tokens of the clause before the number, nearest last
    after: tuple[str, ...]  # tokens after the measure word, to the clause end
    noun: str  # the counted noun after a measure word of things ("" for events)
    rule: str  # the rule linker's indicator
    rule_cue: str  # the cue that decided it ("" when none)
    strong_before: frozenset[str]
    strong_after: frozenset[str]
    weak: frozenset[str]
    category: str
    prev: str  # the previous quantity's indicator in the same sentence ("" when first)
    qualifier: str
    per: bool


def context_features(ctx: Context) -> list[str]:
    """What the quantity's surroundings say, before it meets a candidate indicator."""
    f = [f"u={ctx.unit}", f"cat={ctx.category}", f"q={ctx.qualifier}"]
    if ctx.per:
        f.append("per")
    n = len(ctx.before)
    for k, tok in enumerate(ctx.before):
        dist = n - k
        f.append(f"b={tok}")
        if dist <= _NEAR[-1]:
            f.append(f"b{next(x for x in _NEAR if dist <= x)}={tok}")
    if not ctx.before:
        f.append("b=<none>")
    for k, tok in enumerate(ctx.after[:6]):
        f.append(f"a={tok}")
        if k == 0:
            f.append(f"a1={tok}")
    if ctx.noun:
        f.append(f"n={ctx.noun}")
        f.append(f"n2={ctx.noun[:2]}")
    return f


def candidate_features(ctx: Context, candidate: str, base: Sequence[str] | None = None) -> list[str]:
    """Features of "``candidate`` is the indicator of this quantity".

    Two kinds: evidence shared by all indicators (the rules chose it, a strong
    cue of it stands before the number...), which carries over to indicators
    seen rarely in training, and the context words joined with the candidate
    ("法律明白人" after the number speaks for legal_literates).
    """
    c = candidate
    f = [f"c={c}"]
    if c == ctx.rule:
        f.append("is_rule")
        f.append("is_rule|cue" if ctx.rule_cue else "is_rule|nocue")
    if c in ctx.strong_before:
        f.append("strong_before")
    if c in ctx.strong_after:
        f.append("strong_after")
    if c in ctx.weak:
        f.append("weak")
    if ctx.prev and c == ctx.prev:
        f.append("as_prev")
    if c == "other":
        f.append("other|rule_" + ("other" if ctx.rule == "other" else "found"))
        if not (ctx.strong_before or ctx.strong_after or ctx.weak):
            f.append("other|no_cue")
    f.extend(f"{c}|{x}" for x in (base if base is not None else context_features(ctx)))
    return f


def decide(model: LinearModel, ctx: Context, allowed: frozenset[str]) -> str:
    """The best-scoring candidate among the indicators the unit allows and ``other``.

    The rules' choice stands when the model's best is less probable than its
    ``min_confidence`` (softmax over the candidates).
    """
    candidates = sorted(allowed | {"other"})
    base = context_features(ctx)
    # The score of "yes" (the last row); the "no" row of a binary model is zero, and so is the
    # bias's share of the softmax (the same for every candidate).
    weight = model.last_row.get
    z = [sum(weight(f, 0.0) for f in candidate_features(ctx, c, base)) for c in candidates]
    best = max(range(len(z)), key=z.__getitem__)
    p_best = 1.0 / sum(math.exp(x - z[best]) for x in z)
    if p_best < float(model.meta.get("min_confidence", 0.0)):
        return ctx.rule
    return candidates[best]


def default_model_path() -> Path:
    """The shipped linker (models/ of the checkout, or the copy a wheel installs)."""
    return model_dir() / MODEL_FILE


def load_linker(path: Path | None = None, warn: object = None) -> LinearModel | None:
    """The saved linker, or None (with a warning) when it is missing or unreadable."""
    path = Path(path) if path is not None else default_model_path()
    return load_or_warn(path, KIND, "indicator linker", "indicators come from the lexicon rules alone", warn)


def contexts(
    norm: str,
    quantities: Sequence[Quantity],
    links: Sequence[Link],
    lexicon: Lexicon,
    tokens: Tokens,
    nouns: Mapping[int, str],
    category_at: Callable[[int], str],
) -> list[Context]:
    """The :class:`Context` of each quantity (same order) from the rule links and the tokens."""
    from pipeline.indicators import _NOMINAL_UNITS, _cue_hits, _simplify_unit

    out: list[Context] = []
    prev_sent, prev_ind = -1, ""
    for q, link in zip(quantities, links, strict=True):
        # The windows the rules read (indicators.link_with_evidence), not found again here.
        unit = _simplify_unit(q.unit)
        sent_start, clause_start, after_end = link.sentence_start, link.clause_start, link.after_end
        clause, after = norm[clause_start : q.span_start], norm[q.span_end : after_end]
        cs = lexicon.cues_for(unit)
        sb: set[str] = set()
        sa: set[str] = set()
        wk: set[str] = set()
        if cs is not None:
            for *_, ids in _cue_hits(cs.strong_re, cs.strong_map, clause):
                sb.update(ids)
            for *_, ids in _cue_hits(cs.strong_re, cs.strong_map, after):
                sa.update(ids)
            for *_, ids in _cue_hits(cs.weak_re, cs.weak_map, clause + after):
                wk.update(ids)
        cue = norm[link.cue_start : link.cue_end] if link.cue_start is not None and link.cue_end is not None else ""
        out.append(
            Context(
                unit=unit,
                before=tuple(tokens.between(clause_start, q.span_start)),
                after=tuple(tokens.between(q.span_end, after_end)),
                noun=nouns.get(q.span_end, "") if unit in _NOMINAL_UNITS else "",
                rule=link.indicator,
                rule_cue=cue,
                strong_before=frozenset(sb),
                strong_after=frozenset(sa),
                weak=frozenset(wk),
                category=category_at(q.start),
                prev=prev_ind if prev_sent == sent_start else "",
                qualifier=q.qualifier,
                per=q.per is not None,
            )
        )
        prev_sent, prev_ind = sent_start, link.indicator
    return out
