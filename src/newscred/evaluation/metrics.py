"""Binary metrics for unreliable (=1) vs reliable (=0) predictions."""

from __future__ import annotations

from typing import Any

import numpy as np


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 10,
                               sample_weight: np.ndarray | None = None) -> float:
    """ECE with equal-width bins: sum over bins of |frequency - mean confidence|, weighted by bin mass."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return float("nan")
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    total = w.sum()
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            wb = w[mask]
            ece += wb.sum() / total * abs(np.average(y[mask], weights=wb) - np.average(p[mask], weights=wb))
    return float(ece)


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Weights that make both classes weigh the same (for metrics at an even prior)."""
    y = np.asarray(y, dtype=int)
    n1 = max(int(y.sum()), 1)
    n0 = max(int(len(y) - y.sum()), 1)
    return np.where(y == 1, 0.5 / n1, 0.5 / n0) * len(y)


def best_threshold_macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 at the best single threshold, chosen WITH the test labels.

    Not attainable in practice: it is the ceiling for any choice of decision threshold or prior
    (e.g. re-estimating the base rate of a new corpus), so it tells whether a shortfall is the
    threshold's fault or the ranking's (ROC-AUC).  Vectorised over every distinct score.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    n, pos = len(y), int(y.sum())
    if n == 0 or pos in (0, n):
        return float("nan")
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    # predicting the top k as unreliable, for k = 0..n (cut only between distinct scores)
    tp = np.concatenate([[0], np.cumsum(ys)])
    fp = np.concatenate([[0], np.cumsum(1 - ys)])
    valid = np.ones(n + 1, dtype=bool)
    valid[1:n] = ps[:-1] != ps[1:]
    fn, tn = pos - tp, (n - pos) - fp
    f1_pos = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(n + 1), where=(2 * tp + fp + fn) > 0)
    f1_neg = np.divide(2 * tn, 2 * tn + fn + fp, out=np.zeros(n + 1), where=(2 * tn + fn + fp) > 0)
    macro = (f1_pos + f1_neg) / 2
    return float(macro[valid].max())


def binary_metrics(y: np.ndarray, p: np.ndarray, *, threshold: float = 0.5, band: tuple[float, float] | None = None) -> dict[str, Any]:
    """Macro-F1, per-class precision/recall, ROC-AUC, Brier, ECE and confident-error rate."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score

    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    prec, rec, _, support = precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
    out: dict[str, Any] = {
        "n": int(len(y)),
        "unreliable_share": float(y.mean()) if len(y) else float("nan"),
        # what a user counting a corpus would read off the outputs (see the prevalence table in
        # docs/benchmarks.md: on unseen sources neither is a trustworthy estimate of the share above)
        "labelled_unreliable_share": float(pred.mean()) if len(y) else float("nan"),
        "mean_p_unreliable": float(p.mean()) if len(y) else float("nan"),
        "macro_f1": float(f1_score(y, pred, average="macro", labels=[0, 1], zero_division=0)),
        "accuracy": float((pred == y).mean()) if len(y) else float("nan"),
        "precision_reliable": float(prec[0]),
        "recall_reliable": float(rec[0]),
        "precision_unreliable": float(prec[1]),
        "recall_unreliable": float(rec[1]),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan"),
        "oracle_threshold_macro_f1": best_threshold_macro_f1(y, p),
        "brier": float(np.mean((p - y) ** 2)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
        # our probabilities are calibrated for an even prior: this is the ECE they promise
        "ece_balanced": expected_calibration_error(y, p, sample_weight=balanced_weights(y)) if len(set(y.tolist())) == 2 else float("nan"),
        "confident_error_rate": float((((p > 0.8) | (p < 0.2)) & (pred != y)).mean()) if len(y) else float("nan"),
    }
    if band is not None:
        low, high = band
        covered = (p <= low) | (p >= high)
        out["coverage"] = float(covered.mean())
        out["accuracy_when_covered"] = float((pred[covered] == y[covered]).mean()) if covered.any() else float("nan")
    return out
