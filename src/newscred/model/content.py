"""The content model: three feature blocks -> logistic regression -> Platt calibration.

Blocks (each documented in the model card):

* ``w:`` TF-IDF over normalised words: topic and vocabulary ("hoax", "spokesman").
* ``f:`` TF-IDF over *function-word n-grams*: every word outside the ``fw_top_k`` most frequent
  ones is masked as ``_`` before taking 1..``fw_ngram_max``-grams ("according to _", "you _ _").
  This keeps the syntax and register of a text and drops its topic, which is what carries from
  one corpus to another (text distortion, Stamatatos 2017).
* style signals (:mod:`newscred.features.signals`), standardised.

With ``consistent_terms`` (the default) a term only carries a weight if it leans the same way in *every*
training dataset: its mean TF-IDF weight is higher among the unreliable articles than among the
reliable ones in all of them, or lower in all of them.  A word that marks fakes in one corpus and
real news in another ("trump", "celebrity", a site's name) is a fact about how that corpus was
collected, not about reliability.  About 2% of the terms keep a weight; the others stay in the
vocabulary only for the TF-IDF norm.  benchmarks/directions.py measures this against weighting
every term (leave-one-dataset-out macro-F1 0.649 vs 0.639).

Why linear: fast (hundreds of articles a second on one core), every prediction decomposes exactly
into per-term and per-signal contributions (the evidence in the report), and the weights are plain
arrays that load without pickle.  Inference does not call scikit-learn: the vectoriser is a few
lines here, tested against ``TfidfVectorizer``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Sequence

import numpy as np

from ..features.signals import STYLE_FEATURES, style_vector

MASK = "_"


def ngrams(words: Sequence[str], n_max: int) -> list[str]:
    grams = list(words)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


@dataclass
class ContentParams:
    """Hyper-parameters; every one is written to the artifact's config."""

    C: float = 1.0
    min_df: int = 5
    max_df: float = 0.5
    max_word_features: int = 50000
    use_words: bool = True
    fw_top_k: int = 300
    fw_ngram_max: int = 3
    max_fw_features: int = 50000
    style_scale: float = 0.3  # 0 switches the style signals off
    balance: bool = True  # weight every (dataset, class) cell equally when training
    # ... and split those cells by sub-collection (GossipCop / PolitiFact in the FakeNewsNet crawl):
    # see training.prepare.balanced_weights.  Training only; False in artifacts made before it.
    balance_subsets: bool = True
    uncertain_low: float = 0.35
    uncertain_high: float = 0.65
    min_words: int = 50
    min_known_share: float = 0.6
    # Keep only terms whose direction agrees across all training datasets (needs >= 2 datasets
    # with both classes; with fewer, every term is kept).  See the module docstring.
    consistent_terms: bool = True
    # Drop link syntax ("www", "com", "http") from the input (text.artefacts.LINK_SYNTAX).  Artifacts
    # saved before this switch existed read those words, and keep reading them (see from_state).
    drop_link_syntax: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def consistent_columns(X: Any, y: np.ndarray, groups: Sequence[str]) -> tuple[np.ndarray, int]:
    """Columns whose unreliable-minus-reliable mean has the same, non-zero sign in every group.

    Returns (boolean mask, number of groups compared).  Groups with one class only say nothing
    about direction and are skipped; with fewer than two usable groups every column is kept and
    the count is 0.
    """
    g = np.asarray(groups)
    signs = []
    for name in sorted(set(g.tolist())):
        rows = np.flatnonzero(g == name)
        pos, neg = rows[y[rows] == 1], rows[y[rows] == 0]
        if len(pos) == 0 or len(neg) == 0:
            continue
        diff = np.asarray(X[pos].mean(axis=0)).ravel() - np.asarray(X[neg].mean(axis=0)).ravel()
        signs.append(np.sign(diff))
    if len(signs) < 2:
        return np.ones(X.shape[1], dtype=bool), 0
    total = np.sum(signs, axis=0)
    return np.abs(total) == len(signs), len(signs)


@dataclass
class Block:
    """One TF-IDF block: prefix, vocabulary -> column offset, idf."""

    prefix: str
    terms: list[str]
    idf: np.ndarray
    offset: int

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.terms)}


@dataclass
class ContentModel:
    """A fitted (or loaded) linear content model.  Learned state ends in ``_``."""

    params: ContentParams = field(default_factory=ContentParams)
    function_words_: list[str] = field(default_factory=list)
    blocks_: list[Block] = field(default_factory=list)
    style_mean_: np.ndarray = field(default_factory=lambda: np.zeros(len(STYLE_FEATURES)))
    style_std_: np.ndarray = field(default_factory=lambda: np.ones(len(STYLE_FEATURES)))
    coef_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    intercept_: float = 0.0
    calibration_: tuple[float, float] = (1.0, 0.0)  # p = sigmoid(a * z + b)
    # How many datasets the consistent-term selection compared (0: no selection was made).
    consistency_groups_: int = 0

    def __post_init__(self) -> None:
        self._fw = frozenset(self.function_words_)
        self._refresh_opaque()
        self._prepare_fast()

    def _prepare_fast(self) -> None:
        """Integer keys for every term, so inference counts n-grams with numpy, not strings.

        Function-word n-grams live over a small alphabet (the function words plus the mask), so
        each n-gram of up to three symbols packs into one int64; words map to their column.
        """
        self._fw_id = {w: i + 1 for i, w in enumerate(self.function_words_)}  # 0 = masked word
        self._fw_base = len(self.function_words_) + 2
        self._fast: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for b in self.blocks_:
            if b.prefix == "w":
                continue
            keys = np.array([self._pack(t.split()) for t in b.terms], dtype=np.int64)
            order = np.argsort(keys)
            self._fast[b.prefix] = (keys[order], order.astype(np.int64))

    def _pack(self, symbols: Sequence[str]) -> int:
        key = 0
        for sym in symbols:
            key = key * self._fw_base + (self._fw_id.get(sym, 0) + 1)
        return key

    def _refresh_opaque(self) -> None:
        # Patterns made only of masked words ("_ _ _") carry weight but mean nothing to a reader.
        self.opaque_columns_ = frozenset(
            b.offset + i for b in self.blocks_ if b.prefix == "f" for i, t in enumerate(b.terms) if set(t.split()) == {MASK}
        )

    # ------------------------------------------------------------------ features
    def masked(self, words: Sequence[str]) -> list[str]:
        fw = self._fw
        return [w if w in fw else MASK for w in words]

    def block_grams(self, prefix: str, words: Sequence[str]) -> list[str]:
        if prefix == "w":
            return list(words)
        return ngrams(self.masked(words), self.params.fw_ngram_max)

    @property
    def n_terms(self) -> int:
        return sum(len(b.terms) for b in self.blocks_)

    def term_summary(self) -> dict[str, int]:
        """How many terms the model has, how many carry a weight, over how many datasets they
        were checked for consistency (for the model card)."""
        return {"total": self.n_terms, "weighted": int(np.count_nonzero(self.coef_[: self.n_terms])),
                "groups": self.consistency_groups_}

    def term(self, column: int) -> tuple[str, str]:
        """(block prefix, term) of a coefficient column."""
        for b in self.blocks_:
            if b.offset <= column < b.offset + len(b.terms):
                return b.prefix, b.terms[column - b.offset]
        raise IndexError(column)

    def top_terms(self, k: int = 15) -> dict[str, list[list[Any]]]:
        """The ``k`` terms with the largest weights towards each class: ``{"unreliable": [[term,
        weight], ...], "reliable": [...]}``.  Printed on the model card, where a leak (a site
        name, a byline, a boilerplate line that only one class has) is easy to spot."""
        weights = self.coef_[: self.n_terms]
        order = np.argsort(weights, kind="stable")
        pick = {"unreliable": order[::-1][:k], "reliable": order[:k]}
        def shown(column: int) -> str:
            prefix, term = self.term(column)
            # function-word n-grams are patterns over masked text: "according to _" reads as a pattern
            return term if prefix == "w" else "pattern: " + term.replace("_", "…")

        return {side: [[shown(int(c)), round(float(weights[c]), 3)] for c in cols
                       if (weights[c] > 0) == (side == "unreliable") and weights[c] != 0]
                for side, cols in pick.items()}

    # ------------------------------------------------------------------ training
    def fit(self, docs: Sequence[list[str]], y: Sequence[int], sample_weight: Sequence[float] | None = None,
            groups: Sequence[str] | None = None) -> "ContentModel":
        """Fit on normalised, artefact-stripped word lists.  Returns self.

        ``groups`` names each document's dataset; with ``params.consistent_terms`` only the
        columns that agree across these groups get a weight (see the module docstring).
        """
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        p = self.params
        y_arr = np.asarray(y)
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        # Ties broken alphabetically so the same data always gives the same function words.
        self.function_words_ = [w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[: p.fw_top_k]]
        self._fw = frozenset(self.function_words_)
        matrices = []
        self.blocks_ = []
        offset = 0
        specs = []
        if p.use_words:
            specs.append(("w", p.max_df, p.max_word_features))
        if p.fw_top_k > 0:
            specs.append(("f", 1.0, p.max_fw_features))
        for prefix, max_df, max_features in specs:
            vec = TfidfVectorizer(
                analyzer=lambda words, _p=prefix: self.block_grams(_p, words),
                sublinear_tf=True, min_df=p.min_df, max_df=max_df, max_features=max_features, dtype=np.float64,
            )
            try:
                matrices.append(vec.fit_transform(docs))
            except ValueError:  # sklearn: "no terms remain", "max_df corresponds to < documents than min_df"
                from ..errors import DataError

                raise DataError(
                    f"{len(docs)} training texts are too few or too alike for a vocabulary: a term must appear in at "
                    f"least {p.min_df} texts and in at most {max_df:.0%} of them. Train on more rows (a few "
                    "hundred at least), use fewer folds (--folds) or a split with a larger training side.") from None
            terms = [str(t) for t in vec.get_feature_names_out()]
            self.blocks_.append(Block(prefix, terms, vec.idf_.astype(np.float64), offset))
            offset += len(terms)
        style = np.vstack([style_vector(list(d)) for d in docs])
        self.style_mean_ = style.mean(axis=0)
        self.style_std_ = style.std(axis=0) + 1e-9
        matrices.append(sp.csr_matrix(self._scale_style(style)))
        self._refresh_opaque()
        self._prepare_fast()
        X = sp.hstack(matrices).tocsr()
        self.consistency_groups_ = 0
        if p.consistent_terms and groups is not None:
            keep, self.consistency_groups_ = consistent_columns(X, y_arr, groups)
            # Inconsistent columns are zeroed, not dropped: every term still counts in the
            # per-block L2 norm, as it did when the model was measured (dropping them from the
            # vocabulary changes that norm: 0.615 instead of 0.650 leave-one-dataset-out macro-F1
            # in a scratch run of the full protocol).
            X = (X @ sp.diags(keep.astype(np.float64))).tocsr()
        clf = LogisticRegression(C=p.C, max_iter=5000)
        clf.fit(X, y_arr, sample_weight=None if sample_weight is None else np.asarray(sample_weight))
        self.coef_ = clf.coef_[0].astype(np.float64)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def _scale_style(self, style: np.ndarray) -> np.ndarray:
        return self.params.style_scale * (style - self.style_mean_) / self.style_std_

    # ------------------------------------------------------------------ inference
    def term_weights(self, words: Sequence[str]) -> dict[int, float]:
        """Column -> sublinear, per-block L2-normalised TF-IDF weight, for ``words``."""
        cols, weights = self._term_arrays(words)
        return dict(zip(cols.tolist(), weights.tolist()))

    def _term_arrays(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(columns, weights) of :meth:`term_weights` as arrays, blocks in order."""
        all_cols: list[np.ndarray] = []
        all_weights: list[np.ndarray] = []
        for b in self.blocks_:
            if b.prefix == "w":
                index = b.index
                ids = np.fromiter(map(index.get, words, repeat(-1)), dtype=np.int64, count=len(words))
                cols, counts = np.unique(ids[ids >= 0], return_counts=True)
            else:
                cols, counts = self._fw_counts(b.prefix, words)
            if len(cols) == 0:
                continue
            weights = (1.0 + np.log(counts)) * b.idf[cols]
            weights /= np.sqrt(np.dot(weights, weights))
            all_cols.append(cols + b.offset)
            all_weights.append(weights)
        if not all_cols:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(all_cols), np.concatenate(all_weights)

    def _fw_counts(self, prefix: str, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(column within block, count) of the function-word n-grams of ``words``."""
        term_keys, term_cols = self._fast[prefix]
        fw_id = self._fw_id
        sym = np.fromiter(map(fw_id.get, words, repeat(0)), dtype=np.int64, count=len(words)) + 1
        base = self._fw_base
        parts = [sym]
        packed = sym
        for n in range(2, self.params.fw_ngram_max + 1):
            if len(sym) < n:
                break
            packed = packed[:-1] * base + sym[n - 1 :]
            parts.append(packed)
        keys, counts = np.unique(np.concatenate(parts), return_counts=True)
        pos = np.searchsorted(term_keys, keys)
        pos[pos >= len(term_keys)] = 0
        hit = term_keys[pos] == keys
        return term_cols[pos[hit]], counts[hit]

    def decision(self, words: Sequence[str], style: np.ndarray | None = None) -> tuple[float, dict[int, float], np.ndarray]:
        """Logit ``z`` plus the per-column and per-style-feature contributions that sum to it."""
        z, cols, contrib, style_contrib = self.decision_arrays(words, style)
        return z, dict(zip(cols.tolist(), contrib.tolist())), style_contrib

    def decision_arrays(self, words: Sequence[str], style: np.ndarray | None = None
                        ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`decision` with the term contributions as (columns, contributions) arrays."""
        if style is None:
            style = style_vector(list(words))
        cols, weights = self._term_arrays(words)
        contrib = weights * self.coef_[cols]
        style_contrib = self._scale_style(style) * self.coef_[self.n_terms :]
        z = self.intercept_ + float(contrib.sum()) + float(style_contrib.sum())
        return z, cols, contrib, style_contrib

    def calibrate(self, z: float | np.ndarray) -> Any:
        a, b = self.calibration_
        return 1.0 / (1.0 + np.exp(-(a * np.asarray(z) + b)))

    def predict_proba_words(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        return np.array([float(self.calibrate(self.decision(d)[0])) for d in docs])

    def fit_calibration(self, z: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> "ContentModel":
        """Platt scaling on held-out logits (in our recipe: the leave-one-dataset-out ones).

        Only the slope is fitted: the classifier is trained with every (dataset[, sub-collection], class) cell
        weighted equally, so its boundary z = 0 already is the even-prior boundary, and an
        intercept fitted on other corpora's held-out logits would only move it by how lopsided
        those corpora happen to be (measured: -0.008 mean leave-one-dataset-out macro-F1, with
        the even-prior ECE under 0.05 either way).
        """
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6, max_iter=1000, fit_intercept=False)
        lr.fit(np.asarray(z).reshape(-1, 1), np.asarray(y), sample_weight=sample_weight)
        self.calibration_ = (float(lr.coef_[0, 0]), 0.0)
        return self

    # ------------------------------------------------------------------ persistence
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, list[str]]]:
        """(json-able config, arrays, vocabularies) for the artifact writer."""
        config = {
            "params": self.params.to_dict(),
            "intercept": self.intercept_,
            "calibration": list(self.calibration_),
            "style_features": list(STYLE_FEATURES),
            "blocks": [b.prefix for b in self.blocks_],
            "consistency_groups": self.consistency_groups_,
        }
        arrays = {"coef": self.coef_, "style_mean": self.style_mean_, "style_std": self.style_std_}
        for b in self.blocks_:
            arrays[f"idf_{b.prefix}"] = b.idf
        vocab = {b.prefix: b.terms for b in self.blocks_}
        vocab["function_words"] = self.function_words_
        return config, arrays, vocab

    @classmethod
    def from_state(cls, config: dict[str, Any], arrays: dict[str, np.ndarray], vocab: dict[str, list[str]]) -> "ContentModel":
        from ..errors import IncompatibleArtifactError

        if list(config["style_features"]) != list(STYLE_FEATURES):
            raise IncompatibleArtifactError(
                "the artifact was trained with a different set of style features; retrain it with this version of newscred"
            )
        blocks = []
        offset = 0
        for prefix in config["blocks"]:
            terms = list(vocab[prefix])
            idf = np.asarray(arrays[f"idf_{prefix}"], dtype=np.float64)
            if len(idf) != len(terms):
                raise ValueError(f"block {prefix}: {len(terms)} terms but {len(idf)} idf values")
            blocks.append(Block(prefix, terms, idf, offset))
            offset += len(terms)
        return cls(
            params=ContentParams(**{"drop_link_syntax": False, "balance_subsets": False, **config["params"]}),
            function_words_=list(vocab.get("function_words", [])),
            blocks_=blocks,
            style_mean_=np.asarray(arrays["style_mean"], dtype=np.float64),
            style_std_=np.asarray(arrays["style_std"], dtype=np.float64),
            coef_=np.asarray(arrays["coef"], dtype=np.float64),
            intercept_=float(config["intercept"]),
            calibration_=(float(config["calibration"][0]), float(config["calibration"][1])),
            consistency_groups_=int(config.get("consistency_groups", 0)),
        )
