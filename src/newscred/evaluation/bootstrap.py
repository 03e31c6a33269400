"""Percentile-bootstrap confidence intervals for the metrics of :func:`binary_metrics`.

A test set of a few hundred articles gives a macro-F1 that can move by several points from one
sample to the next; the intervals make that visible in the reports.

Speed: calling :func:`binary_metrics` 1000 times costs seconds (sklearn validation dominates).
Instead each resample is represented by its *count vector* ``w`` (how often every original row
was drawn), and the common metrics are weighted sums over the original rows, computed for a whole
block of resamples at once as matrix products.  ROC-AUC is the weighted Mann-Whitney statistic
computed on the predictions sorted once.  Metrics without a vectorised form (ECE, ...) fall back
to :func:`binary_metrics` on the resampled rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .metrics import binary_metrics

# Metrics computed by the vectorised path below; anything else goes through binary_metrics.
FAST_METRICS = frozenset({
    "macro_f1", "accuracy", "brier", "roc_auc", "unreliable_share", "confident_error_rate",
    "precision_reliable", "recall_reliable", "precision_unreliable", "recall_unreliable",
})

# Upper bound on the entries of one (resamples x rows) block, to keep memory at a few tens of MB
# whatever n is.
_BLOCK_CELLS = 2_000_000


def _count_blocks(rng: np.random.Generator, n: int, n_boot: int) -> Iterator[np.ndarray]:
    """Yield blocks of resample count vectors, shape (b, n), summing to ``n_boot`` rows in total."""
    per_block = max(1, _BLOCK_CELLS // max(n, 1))
    done = 0
    while done < n_boot:
        b = min(per_block, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        # Offsetting each row's indices by row * n turns b bincounts into a single one.
        flat = (idx + (np.arange(b) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.float64)
        done += b


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with 0 where den == 0 (sklearn's ``zero_division=0``)."""
    out = np.zeros_like(num, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _fast_metric(metric: str, y: np.ndarray, p: np.ndarray, threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    """Return f(W) -> metric per resample, for a block W of count vectors (b, n)."""
    n = len(y)
    pred = (p >= threshold).astype(int)
    yf = y.astype(float)

    if metric == "brier":
        sq = (p - yf) ** 2
        return lambda w: w @ sq / n
    if metric == "accuracy":
        correct = (pred == y).astype(float)
        return lambda w: w @ correct / n
    if metric == "unreliable_share":
        return lambda w: w @ yf / n
    if metric == "confident_error_rate":
        conf_err = (((p > 0.8) | (p < 0.2)) & (pred != y)).astype(float)
        return lambda w: w @ conf_err / n
    if metric == "roc_auc":
        return _auc_fn(y, p)

    # Confusion-matrix cells per resample are enough for F1, precision and recall.
    cells = np.stack([(y == 1) & (pred == 1), (y == 0) & (pred == 1),
                      (y == 1) & (pred == 0), (y == 0) & (pred == 0)], axis=1).astype(float)

    def from_cells(w: np.ndarray) -> np.ndarray:
        tp, fp, fn, tn = (w @ cells).T
        if metric == "macro_f1":
            f1_unrel = _safe_div(2 * tp, 2 * tp + fp + fn)
            f1_rel = _safe_div(2 * tn, 2 * tn + fn + fp)
            return (f1_unrel + f1_rel) / 2
        if metric == "precision_unreliable":
            return _safe_div(tp, tp + fp)
        if metric == "recall_unreliable":
            return _safe_div(tp, tp + fn)
        if metric == "precision_reliable":
            return _safe_div(tn, tn + fn)
        if metric == "recall_reliable":
            return _safe_div(tn, tn + fp)
        raise AssertionError(metric)  # pragma: no cover - guarded by FAST_METRICS

    return from_cells


def _auc_fn(y: np.ndarray, p: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Weighted Mann-Whitney AUC: P(p_pos > p_neg) + 0.5 P(tie), with resample counts as weights."""
    order = np.argsort(p, kind="mergesort")
    p_sorted = p[order]
    pos_sorted = (y[order] == 1).astype(float)
    # Ties must count one half, so weights are pooled per distinct score value.
    starts = np.flatnonzero(np.r_[True, p_sorted[1:] != p_sorted[:-1]])

    def auc(w: np.ndarray) -> np.ndarray:
        ws = w[:, order]
        pos = np.add.reduceat(ws * pos_sorted, starts, axis=1)
        neg = np.add.reduceat(ws * (1.0 - pos_sorted), starts, axis=1)
        neg_below = np.cumsum(neg, axis=1) - neg
        num = (pos * (neg_below + 0.5 * neg)).sum(axis=1)
        den = pos.sum(axis=1) * neg.sum(axis=1)
        # A resample with a single class has no AUC: NaN, dropped by the percentile step.
        out = np.full(len(w), np.nan)
        np.divide(num, den, out=out, where=den > 0)
        return out

    return auc


def bootstrap_distribution(y: Iterable[int], p: Iterable[float], metric: str = "macro_f1", *, n_boot: int = 1000,
                           seed: int = 0, threshold: float = 0.5) -> np.ndarray:
    """The metric on ``n_boot`` resamples (with replacement, same size as the data); NaN where undefined."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"y and p must be 1-d arrays of the same length, got {y.shape} and {p.shape}")
    n = len(y)
    if n == 0 or n_boot <= 0:
        return np.full(max(n_boot, 0), np.nan)
    rng = np.random.default_rng(seed)

    if metric in FAST_METRICS:
        fn = _fast_metric(metric, y, p, threshold)
        return np.concatenate([fn(w) for w in _count_blocks(rng, n, n_boot)])

    # Slow but general path: anything binary_metrics reports (ece, ece_balanced, ...).
    values = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, size=n)
        value = binary_metrics(y[idx], p[idx], threshold=threshold).get(metric)
        if value is None:
            raise KeyError(f"unknown metric {metric!r}")
        values[b] = value
    return values


def bootstrap_ci(y: Iterable[int], p: Iterable[float], metric: str = "macro_f1", n_boot: int = 1000, seed: int = 0,
                 alpha: float = 0.05, threshold: float = 0.5) -> tuple[float, float]:
    """Percentile bootstrap ``(1 - alpha)`` interval of ``metric`` (a key of :func:`binary_metrics`).

    Returns ``(nan, nan)`` when the metric is undefined on every resample (e.g. ROC-AUC with one class).
    Deterministic for a given ``seed``.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    values = bootstrap_distribution(y, p, metric, n_boot=n_boot, seed=seed, threshold=threshold)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (float("nan"), float("nan"))
    lo, hi = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return (float(lo), float(hi))


def add_intervals(metrics: dict[str, Any], y: Iterable[int], p: Iterable[float],
                  keys: Iterable[str] = ("macro_f1", "roc_auc", "brier"), **kw: Any) -> dict[str, Any]:
    """Copy of ``metrics`` with ``"<key>_ci": [lo, hi]`` added for every key in ``keys``.

    ``kw`` is passed to :func:`bootstrap_ci` (``n_boot``, ``seed``, ``alpha``, ``threshold``); the
    same seed is used for every key so the intervals describe the same resamples.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    out = dict(metrics)
    for key in keys:
        lo, hi = bootstrap_ci(y, p, key, **kw)
        out[f"{key}_ci"] = [lo, hi]
    return out
