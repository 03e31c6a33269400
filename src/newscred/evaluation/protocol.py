"""Run a split protocol: fit per fold, calibrate honestly, score the model and the probes.

Calibration never sees the labels it is judged on: with several folds, each fold's logits are
Platt-scaled by a fit on the *other* folds' held-out logits; with one fold (a time split), by a
fit on inner cross-validated logits of the training side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Sequence

import numpy as np

from ..model.content import ContentModel, ContentParams
from ..training.prepare import NO_LABEL, Doc, _cell_weights, balanced_weights  # noqa: F401  (re-exported: part of this module's API)
from .metrics import binary_metrics
from .probes import PROBE_FUNCTIONS, is_leak, leak_warnings
from .splits import Fold

Progress = Callable[[str, int, int], None]

#: a test set needs this many articles of each class before its probes can say "leaky"
MIN_PER_CLASS = 10


def calibration_weights(ds: Sequence[str], y: Sequence[int]) -> np.ndarray:
    """Weights for Platt scaling: each (dataset, class) cell the same total weight.

    A probability is only calibrated relative to a base rate, and the share of unreliable
    articles differs wildly between corpora (19% in BuzzFeed-Webis, 84% in the FakeNewsNet crawl)
    and between users.  We calibrate for an even prior and let users state theirs
    (``Analyzer.analyze(..., prior=0.1)`` shifts the logit by log(prior / (1 - prior))).
    """
    return _cell_weights(list(zip(list(ds), [int(v) for v in y])))


def fit_model(docs: Sequence[Doc], params: ContentParams) -> ContentModel:
    weights = balanced_weights(docs, subsets=params.balance_subsets) if params.balance else None
    return ContentModel(params=params).fit([d.words for d in docs], [d.y for d in docs], weights,
                                           groups=[d.dataset for d in docs])


def _platt(z: np.ndarray, y: np.ndarray, ds: Sequence[str], params: ContentParams) -> ContentModel:
    return ContentModel(params=params).fit_calibration(z, y, calibration_weights(ds, y))


def _inner_logits(docs: Sequence[Doc], params: ContentParams, k: int = 3, seed: int = 13,
                  adapt: Callable[[Any, Sequence[Doc], Sequence[Doc]], Any] | None = None) -> np.ndarray:
    """Out-of-fold logits on ``docs`` (for calibrating a single-fold protocol); with ``adapt``,
    each inner model is adapted to its inner test texts, as the outer one is (see cross_validate)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array([d.y for d in docs])
    rarest = int(np.bincount(y, minlength=2).min())
    if rarest < 2:
        from ..errors import DataError

        raise DataError(f"the training side holds {rarest} article(s) of one class, too few to calibrate on (at least 2 "
                        "are needed); choose a later cutoff (--cutoff) or add data")
    k = min(k, rarest)  # every inner fold needs both classes on its training side
    z = np.zeros(len(docs))
    for train, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        model = fit_model([docs[i] for i in train], params)
        if adapt is not None:
            model = adapt(model, [docs[i] for i in train], [replace(docs[i], y=NO_LABEL) for i in test])
        z[test] = [model.decision(docs[i].words)[0] for i in test]
    return z


def cross_validate(
    docs: Sequence[Doc],
    folds: Sequence[Fold],
    params: ContentParams,
    *,
    split: str,
    probes: Sequence[str] = ("majority", "length", "source"),
    group_results_by: str = "fold",
    ci: bool = True,
    progress: Progress | None = None,
    fit: Callable[[Sequence[Doc], ContentParams], Any] | None = None,
    adapt: Callable[[Any, Sequence[Doc], Sequence[Doc]], Any] | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Fit per fold and evaluate.  Returns (result dict, predictions per test set, raw logits).

    ``fit`` replaces :func:`fit_model` for experiments (benchmarks/directions.py): it gets a fold's
    training docs and returns anything with ``decision(words)[0]``, the uncalibrated logit.
    ``adapt(model, train_docs, unlabelled_test_docs)`` refits a fold's model to its test side's
    texts (training.adapt); the test docs it gets carry no labels (``y`` is -1).

    ``group_results_by``: "fold" reports each fold's test side on its own (cross-dataset, time);
    "dataset" pools the folds and reports per dataset plus all together (random, group).
    """
    n = len(docs)
    y = np.array([d.y for d in docs])
    ds = [d.dataset for d in docs]
    z = np.full(n, np.nan)
    p = np.full(n, np.nan)
    probe_p = {name: np.full(n, np.nan) for name in probes}
    fold_of = np.full(n, -1)
    sizes = []
    for k, fold in enumerate(folds):
        if progress:
            progress(f"{split}: {fold.name}", k, len(folds))
        train_docs = [docs[i] for i in fold.train]
        test_docs = [docs[i] for i in fold.test]
        if len({d.y for d in train_docs}) < 2:
            from ..errors import DataError

            raise DataError(f"the training side of {fold.name!r} holds one class only, so no model can be fitted on it; "
                            "choose another split, cutoff or fold count (or add data of the missing class)")
        model = (fit or fit_model)(train_docs, params)
        if adapt is not None:
            model = adapt(model, train_docs, [replace(d, y=NO_LABEL) for d in test_docs])
        z[fold.test] = [model.decision(d.words)[0] for d in test_docs]
        fold_of[fold.test] = k
        for name in probes:
            probe_p[name][fold.test] = PROBE_FUNCTIONS[name](train_docs, test_docs)
        if len(folds) == 1:
            inner = _inner_logits(train_docs, params, adapt=adapt)
            cal = _platt(inner, np.array([d.y for d in train_docs]), [d.dataset for d in train_docs], params)
            p[fold.test] = cal.calibrate(z[fold.test])
        sizes.append({"fold": fold.name, "train": len(fold.train), "test": len(fold.test)})
    if len(folds) > 1:
        for k, fold in enumerate(folds):
            others = (fold_of >= 0) & (fold_of != k)
            cal = _platt(z[others], y[others], [ds[i] for i in np.flatnonzero(others)], params)
            p[fold.test] = cal.calibrate(z[fold.test])

    band = (params.uncertain_low, params.uncertain_high)
    if group_results_by == "fold":
        sets = {fold.name: np.array(fold.test, dtype=int) for fold in folds}
    else:
        scored = np.flatnonzero(fold_of >= 0)
        sets = {name: scored[[ds[i] == name for i in scored]] for name in sorted({ds[i] for i in scored})}
        if len(sets) > 1:
            sets = {"(all)": scored, **sets}
    results: dict[str, Any] = {}
    predictions: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, idx in sets.items():
        yt, pt = y[idx], p[idx]
        metrics = binary_metrics(yt, pt, band=band)
        if ci and len(set(yt.tolist())) == 2:
            from .bootstrap import add_intervals

            metrics = add_intervals(metrics, yt, pt, n_boot=300)
        probe_metrics = {pn: binary_metrics(yt, probe_p[pn][idx]) for pn in probes}
        counts = np.bincount(yt, minlength=2)  # reliable, unreliable
        one_class = int((counts > 0).sum()) < 2
        if one_class:
            # macro-F1 of one class is 1.0 or 0.0 by construction and AUC is undefined: not a score
            only = "unreliable" if counts[1] else "reliable"
            warnings = [f"ONE CLASS: every article in this test set is {only}, so macro-F1 and ROC-AUC say nothing "
                        "about the model; it is left out of the mean. Choose a split whose test sets hold both classes."]
        elif counts.min() < MIN_PER_CLASS:
            # a probe's AUC from three articles of a class is noise: calling that a leak would be a guess
            rare = "unreliable" if counts[1] < counts[0] else "reliable"
            warnings = [f"FEW: only {counts.min()} {rare} article(s) in this test set, too few to "
                        f"measure the model or to tell a leak (at least {MIN_PER_CLASS} of each class are needed); read "
                        "its numbers as noise."]
        else:
            warnings = leak_warnings(metrics["macro_f1"], {pn: m["macro_f1"] for pn, m in probe_metrics.items()},
                                     probe_auc={pn: m["roc_auc"] for pn, m in probe_metrics.items()})
        results[name] = {"n": int(len(idx)), "model": metrics, "probes": probe_metrics,
                         "leaky": any(is_leak(w) for w in warnings), "one_class": one_class, "warnings": warnings}
        predictions[name] = (yt, pt)
    means_over = [k for k in results if k != "(all)" and not results[k]["one_class"]]
    if not means_over:
        from ..errors import DataError

        raise DataError(f"every test set of this {split} split holds one class only, so nothing can be measured; "
                        "choose a split whose test sets hold both reliable and unreliable articles")
    mean = {"model": float(np.mean([results[k]["model"]["macro_f1"] for k in means_over]))}
    for pn in probes:
        mean[pn] = float(np.mean([results[k]["probes"][pn]["macro_f1"] for k in means_over]))
    pooled_idx = np.flatnonzero(fold_of >= 0)
    result = {
        "split": split,
        "folds": sizes,
        "results": results,
        "mean": mean,
        "pooled": binary_metrics(y[pooled_idx], p[pooled_idx], band=band),
        "params": params.to_dict(),
    }
    return result, predictions, z


def cross_dataset_matrix(docs: Sequence[Doc], clusters: Sequence[int], params: ContentParams,
                         progress: Progress | None = None) -> dict[str, Any]:
    """Train on each dataset alone, test on every other one (macro-F1; calibration-free, at the
    balanced decision boundary z = 0), plus the leave-one-out column."""
    from sklearn.metrics import f1_score

    from .splits import purge

    names = sorted({d.dataset for d in docs})
    by_name = {name: [i for i, d in enumerate(docs) if d.dataset == name] for name in names}
    values: list[list[float | None]] = []
    for k, train_name in enumerate(names):
        if progress:
            progress(f"cross-dataset matrix: train on {train_name}", k, len(names))
        row: list[float | None] = []
        train_idx = by_name[train_name]
        if len({docs[i].y for i in train_idx}) < 2:
            values.append([None] * len(names))
            continue
        for test_name in names:
            test_idx = by_name[test_name]
            if test_name == train_name or docs[test_idx[0]].family == docs[train_idx[0]].family:
                row.append(None)
                continue
            model = fit_model([docs[i] for i in purge(train_idx, test_idx, clusters)], params)
            zt = np.array([model.decision(docs[i].words)[0] for i in test_idx])
            row.append(float(f1_score([docs[i].y for i in test_idx], (zt > 0).astype(int), average="macro")))
        values.append(row)
    return {"train_sets": names, "test_sets": names, "values": values, "metric": "macro_f1"}
