"""Binary metrics for unreliable (=1) vs reliable (=0) predictions."""

from __future__ import annotations

from typing import Any

import numpy as np


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> float:
    """ECE with equal-width bins: sum over bins of |accuracy - confidence| weighted by bin size."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return float("nan")
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(ece)


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
        "macro_f1": float(f1_score(y, pred, average="macro", labels=[0, 1], zero_division=0)),
        "accuracy": float((pred == y).mean()) if len(y) else float("nan"),
        "precision_reliable": float(prec[0]),
        "recall_reliable": float(rec[0]),
        "precision_unreliable": float(prec[1]),
        "recall_unreliable": float(rec[1]),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan"),
        "brier": float(np.mean((p - y) ** 2)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
        "confident_error_rate": float((((p > 0.8) | (p < 0.2)) & (pred != y)).mean()) if len(y) else float("nan"),
    }
    if band is not None:
        low, high = band
        covered = (p <= low) | (p >= high)
        out["coverage"] = float(covered.mean())
        out["accuracy_when_covered"] = float((pred[covered] == y[covered]).mean()) if covered.any() else float("nan")
    return out
