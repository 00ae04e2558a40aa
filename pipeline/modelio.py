"""Saving and loading linear models as numpy ``.npz`` + JSON, never pickle.

A model is a few named arrays (weights, intercepts, idf) and a JSON header
(classes, feature vocabulary, parameters). Loading runs no code from the file,
and needs neither scikit-learn nor its version: the arrays are applied with
numpy. Files are written byte-reproducibly: fixed zip timestamps, sorted
names, and weights rounded to float32 at a fixed number of decimals, so the
same training data gives the same bytes (``govreport train`` is checked
against the shipped files) and a last-bit difference of a BLAS build does not
change the file.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from pipeline.errors import ModelError

# Weights are stored at this precision: far below what changes a decision.
DECIMALS = 5
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _rounded(a: np.ndarray) -> np.ndarray:
    if np.issubdtype(a.dtype, np.floating):
        return np.round(a.astype(np.float64), DECIMALS).astype(np.float32)
    return a


def save_model(path: Path, arrays: dict[str, np.ndarray], header: dict[str, Any]) -> None:
    """Write ``path`` (.npz with the arrays) and its JSON header beside it (``.json``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            arr = io.BytesIO()
            np.lib.format.write_array(arr, np.ascontiguousarray(_rounded(np.asarray(arrays[name]))), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, arr.getvalue())
    path.write_bytes(buf.getvalue())
    header_path(path).write_text(json.dumps(header, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def header_path(path: Path) -> Path:
    """The JSON header of a model file: ``x.npz`` -> ``x.json``."""
    return Path(path).with_suffix(".json")


def load_model(path: Path, kind: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and header of a model file; ModelError names the file and the problem."""
    path = Path(path)
    try:
        header = json.loads(header_path(path).read_text("utf-8"))
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, json.JSONDecodeError, zipfile.BadZipFile) as exc:
        raise ModelError(f"cannot be read as a model ({type(exc).__name__}: {exc})", path) from exc
    if not isinstance(header, dict) or header.get("kind") != kind:
        raise ModelError(f"is not a {kind} model", path)
    return arrays, header


def model_dir() -> Path:
    """Where the shipped models are: models/ of the checkout (editable install), else the
    copy a regular install puts under ``<prefix>/share/govreport/models`` (pyproject's data-files)."""
    import sys

    checkout = Path(__file__).resolve().parent.parent / "models"
    if checkout.is_dir():
        return checkout
    installed = Path(sys.prefix) / "share" / "govreport" / "models"
    return installed if installed.is_dir() else checkout


def data_path(path: Path | str | None) -> str | None:
    """A training folder as a model card records it: relative to the working directory when
    that is shorter (``../shared/corpus/dev``), so a card names no machine's layout."""
    if path is None:
        return None
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def versions() -> dict[str, str]:
    """Versions of the libraries a model was trained with (for its model card)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("scikit-learn", "numpy", "scipy", "jieba", "spacy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


@dataclass(frozen=True)
class LinearModel:
    """A linear classifier over named binary features: ``softmax(coef @ x + intercept)``.

    A binary model is stored with a zero first row, so softmax is the logistic.

    What scikit-learn's logistic regression fitted (:mod:`pipeline.training`),
    applied with numpy. ``meta`` holds the header's other keys (parameters,
    thresholds).
    """

    kind: str
    classes: tuple[str, ...]
    vocabulary: Mapping[str, int]
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, kind: str) -> LinearModel:
        arrays, header = load_model(path, kind)
        try:
            feats = header["features"]
            classes = tuple(header["classes"])
            coef = arrays["coef"].astype(np.float64)
            intercept = arrays["intercept"].astype(np.float64)
        except KeyError as exc:
            raise ModelError(f"lacks {exc}", path) from exc
        if coef.shape != (len(classes), len(feats)) or intercept.shape != (len(classes),):
            raise ModelError("weights do not match its classes and features", path)
        coef.setflags(write=False)
        intercept.setflags(write=False)
        meta = {k: v for k, v in header.items() if k not in ("features", "classes")}
        return cls(kind, classes, MappingProxyType({f: i for i, f in enumerate(feats)}), coef, intercept, MappingProxyType(meta))

    def save(self, path: Path) -> None:
        header = dict(self.meta)
        header.update(kind=self.kind, classes=list(self.classes), features=sorted(self.vocabulary, key=self.vocabulary.__getitem__))
        save_model(path, {"coef": self.coef, "intercept": self.intercept}, header)

    def scores(self, feats: Sequence[str]) -> np.ndarray:
        idx = [self.vocabulary[f] for f in feats if f in self.vocabulary]
        return self.coef[:, idx].sum(axis=1) + self.intercept if idx else self.intercept.copy()

    @cached_property
    def last_row(self) -> Mapping[str, float]:
        """The last class's weights by feature name, zeros left out: a candidate ranker scores one
        row for many small feature lists, where a dict beats numpy's indexing."""
        row = self.coef[-1]
        return MappingProxyType({f: w for f, i in self.vocabulary.items() if (w := float(row[i])) != 0.0})

    def proba(self, feats: Sequence[str]) -> np.ndarray:
        """Class probabilities."""
        z = self.scores(feats)
        p = np.exp(z - z.max())
        return p / p.sum()


def load_or_warn(path: Path, kind: str, what: str, fallback: str, warn: Any = None) -> LinearModel | None:
    """A saved :class:`LinearModel`, or None and one warning ("``what`` …; ``fallback``") when it cannot be had."""
    say = warn if callable(warn) else (lambda _m: None)
    if not Path(path).is_file():
        say(f"{what} not found at {path}; {fallback}")
        return None
    try:
        return LinearModel.load(path, kind)
    except ModelError as exc:
        say(f"{what}: {exc}; {fallback}")
        return None
