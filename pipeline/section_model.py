"""The section classifier's model: text -> category (hashed n-grams, TF-IDF, logistic regression).

The keyword rules and the decoding that uses this model live in
:mod:`pipeline.classify`; fitting it on gold documents lives in
:mod:`pipeline.train_sections` (never imported at analysis time). The saved
model is weights and parameters only (``.npz`` + JSON, :mod:`pipeline.modelio`).
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.classify import _CUES, heading_core
from pipeline.types import CATEGORIES

if TYPE_CHECKING:
    from pipeline.nlp import JiebaTokenizer

MODEL_FILE = "section_classifier.npz"
CARD_FILE = "section_classifier.card.json"
MODEL_KIND = "section_classifier"

# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------

_PARAMS = ("n_features", "char_ngrams", "words", "alpha", "class_weight", "max_chars", "random_state")


class SectionClassifier:
    """Text -> category: hashed char n-grams + jieba words, TF-IDF, logistic regression (SGD).

    Follows the scikit-learn estimator contract (``fit``, ``predict``,
    ``predict_proba``, ``get_params``/``set_params``, ``classes_``; works with
    ``sklearn.base.clone`` and model selection). scikit-learn is used to fit;
    prediction needs only numpy, so a process that just applies the model does
    not pay scikit-learn's import time. Feature hashing keeps no vocabulary.
    The jieba tokenizer is not a parameter and is not saved: attach the
    process's one with :meth:`set_tokenizer`.
    """

    _estimator_type = "classifier"

    def __init__(
        self,
        n_features: int = 2**16,
        char_ngrams: tuple[int, int] = (1, 3),
        words: bool = True,
        alpha: float = 2e-5,
        class_weight: str | None = "balanced",
        max_chars: int = 400,
        random_state: int = 0,
    ) -> None:
        self.n_features = n_features
        self.char_ngrams = char_ngrams
        self.words = words
        self.alpha = alpha
        self.class_weight = class_weight
        self.max_chars = max_chars
        self.random_state = random_state

    # -- scikit-learn contract ---------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> SectionClassifier:
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"invalid parameter {name!r} for SectionClassifier")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        return f"SectionClassifier({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True), classifier_tags=ClassifierTags())

    # -- tokenizer (not a parameter, not pickled) --------------------------------
    def set_tokenizer(self, tokenizer: JiebaTokenizer | None) -> SectionClassifier:
        self._tokenizer = tokenizer
        return self

    def _get_tokenizer(self) -> JiebaTokenizer:
        tok = getattr(self, "_tokenizer", None)
        if tok is None:
            from pipeline.nlp import JiebaTokenizer

            tok = self._tokenizer = JiebaTokenizer()
        return tok

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_tokenizer", None)
        return state

    # -- features ----------------------------------------------------------------
    def _analyze(self, text: str) -> list[str]:
        core = heading_core(text[: self.max_chars])
        feats: list[str] = []
        lo, hi = self.char_ngrams
        for n in range(lo, hi + 1):
            feats.extend(core[i : i + n] for i in range(len(core) - n + 1))
        if self.words:
            feats.extend("w:" + w for w in self._get_tokenizer().cut(core) if w.strip())
        # Length bucket: headings are short, body paragraphs long.
        feats.append(f"len:{min(len(core) // 20, 10)}")
        # Cue-word counts generalise from the few shortcomings/plans examples there are.
        for name, cue in _CUES:
            n = len(cue.findall(core))
            if n:
                feats.append(f"cue:{name}:{min(n, 4)}")
                feats.append(f"cue:{name}")
        return feats

    def _hashed_rows(self, X: Iterable[str]) -> list[dict[int, int]]:
        """Feature counts per text, hashed into ``n_features`` buckets (crc32: stable across runs)."""
        rows: list[dict[int, int]] = []
        nf = self.n_features
        for text in X:
            row: dict[int, int] = {}
            for f in self._analyze(text):
                j = zlib.crc32(f.encode("utf-8")) % nf
                row[j] = row.get(j, 0) + 1
            rows.append(row)
        return rows

    def hash_features(self, X: Iterable[str]) -> Any:
        """The hashed count matrix of ``X`` (scipy CSR; training and cross-validation)."""
        import scipy.sparse as sp

        rows = self._hashed_rows(X)
        indptr = [0]
        indices: list[int] = []
        data: list[int] = []
        for row in rows:
            for j in sorted(row):
                indices.append(j)
                data.append(row[j])
            indptr.append(len(indices))
        return sp.csr_matrix((np.array(data, dtype=np.float64), indices, indptr), shape=(len(rows), self.n_features))

    # -- fitting (scikit-learn) ----------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[str], sample_weight: Sequence[float] | None = None) -> SectionClassifier:
        return self.fit_hashed(self.hash_features(X), y, sample_weight)

    def fit_hashed(self, H: Any, y: Sequence[str], sample_weight: Sequence[float] | None = None) -> SectionClassifier:
        """Fit on a matrix from :meth:`hash_features` (cross-validation hashes once)."""
        import sklearn
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import SGDClassifier

        tfidf = TfidfTransformer(sublinear_tf=True).fit(H)
        # Logistic loss by SGD: as accurate here as lbfgs/liblinear and ten times faster.
        clf = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            class_weight=self.class_weight,
            max_iter=50,
            tol=1e-4,
            random_state=self.random_state,
        )
        with warnings.catch_warnings():
            # A few epochs reach the held-out optimum; full convergence is not the goal.
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(tfidf.transform(H), list(y), sample_weight=None if sample_weight is None else np.asarray(sample_weight))
        self.classes_ = np.array([str(c) for c in clf.classes_])
        self.idf_ = tfidf.idf_.astype(np.float32)
        coef = np.asarray(clf.coef_, dtype=np.float32)
        intercept = np.asarray(clf.intercept_, dtype=np.float32)
        if len(self.classes_) == 2:  # binary: one weight row for the positive class
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        self.coef_ = coef
        self.intercept_ = intercept
        self.sklearn_version_ = sklearn.__version__
        return self

    # -- prediction (numpy only) -------------------------------------------------------
    def _proba_rows(self, rows: Sequence[dict[int, int]]) -> np.ndarray:
        out = np.zeros((len(rows), len(self.classes_)), dtype=np.float64)
        for r, row in enumerate(rows):
            if not row:
                out[r] = 1.0 / len(self.classes_)
                continue
            idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            tf = np.fromiter(row.values(), dtype=np.float64, count=len(row))
            w = (1.0 + np.log(tf)) * self.idf_[idx]  # sublinear tf-idf
            w /= np.linalg.norm(w) or 1.0
            z = self.coef_[:, idx] @ w + self.intercept_
            p = 1.0 / (1.0 + np.exp(-z))  # one-vs-rest logistic, normalised as scikit-learn does
            out[r] = p / p.sum() if p.sum() > 0 else 1.0 / len(p)
        return out

    def predict_proba_hashed(self, H: Any) -> np.ndarray:
        rows = [dict(zip(H.indices[H.indptr[i] : H.indptr[i + 1]].tolist(), H.data[H.indptr[i] : H.indptr[i + 1]].tolist())) for i in range(H.shape[0])]
        return self._proba_rows(rows)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self._proba_rows(self._hashed_rows(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X: Sequence[str], y: Sequence[str]) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def category_probs(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One {category: probability} per text, every category present."""
        if not texts:
            return []
        out = []
        for row in self.predict_proba(texts):
            d = {c: 0.0 for c in CATEGORIES}
            d.update({str(c): float(p) for c, p in zip(self.classes_, row)})
            out.append(d)
        return out


# ---------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------


def default_model_path() -> Path:
    """The shipped model (``models/`` of the checkout, or the copy a regular install carries)."""
    from pipeline.modelio import model_dir

    return model_dir() / MODEL_FILE


def load_classifier(
    path: Path | None = None, warn: Callable[[str], None] | None = None
) -> SectionClassifier | None:
    """Load the saved classifier; None (and a warning) when it is missing or unreadable.

    The file holds weights and parameters only (``.npz`` + JSON, no pickle), so
    a different scikit-learn version reads it as well. The caller keeps the
    result for the process (``run.Resources`` does).
    """
    from pipeline.errors import ModelError
    from pipeline.modelio import load_model

    path = Path(path) if path is not None else default_model_path()
    say = warn or (lambda _msg: None)
    if not path.is_file():
        say(f"section classifier not found at {path}; falling back to rules")
        return None
    try:
        arrays, header = load_model(path, MODEL_KIND)
        params = header["params"]
        model = SectionClassifier(**{k: tuple(v) if isinstance(v, list) else v for k, v in params.items() if k in _PARAMS})
        model.classes_ = np.array(header["classes"])
        model.idf_ = arrays["idf"]
        model.coef_ = arrays["coef"]
        model.intercept_ = arrays["intercept"]
        model.sklearn_version_ = str(header.get("sklearn", ""))
        if model.coef_.shape != (len(model.classes_), model.n_features) or model.idf_.shape != (model.n_features,):
            raise ModelError("weights do not match its parameters", path)
    except (ModelError, KeyError, TypeError, ValueError) as exc:
        say(f"section classifier at {path} cannot be loaded ({exc}); falling back to rules")
        return None
    return model


def save_classifier(model: SectionClassifier, path: Path, card: dict[str, Any] | None = None) -> None:
    """Save the weights and parameters (``.npz`` + JSON header beside it; byte-reproducible)."""
    from pipeline.modelio import save_model

    header = {
        "kind": MODEL_KIND,
        "classes": [str(c) for c in model.classes_],
        "params": model.get_params(),
        "sklearn": getattr(model, "sklearn_version_", ""),
    }
    save_model(path, {"coef": model.coef_, "idf": model.idf_, "intercept": model.intercept_}, header)


