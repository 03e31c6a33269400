"""PNG figures for the evaluation reports (matplotlib, needs the ``train`` extra).

matplotlib is imported lazily inside every function, and the non-interactive ``Agg`` backend is
selected there too, so importing :mod:`newscred` never pulls matplotlib in nor changes the backend
of a user's session.

Every function writes one PNG and returns its :class:`~pathlib.Path`.  ``reliability_diagram`` and
``coverage_curve`` overlay several test sets: pass ``y`` as a dict ``name -> (y, p)``, either
positionally with the path next (``reliability_diagram(sets, path, title)``) or with ``p=None``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import require
from .metrics import expected_calibration_error

DPI = 110
# Okabe-Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
CLASSES = ("reliable", "unreliable")
DEFAULT_BAND = (0.35, 0.65)

SetsLike = Mapping[str, tuple[Any, Any]]


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, imported only when a figure is drawn."""
    matplotlib = require("matplotlib", "train")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _is_pathlike(obj: Any) -> bool:
    return isinstance(obj, (str, os.PathLike))


def _sets(y: Any, p: Any, path: Any, title: Any, default_title: str) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], Path, str]:
    """Normalise (arrays | dict) input and the shifted call ``f(sets, path, title)`` to (sets, path, title)."""
    if isinstance(y, Mapping):
        if p is not None:
            if not _is_pathlike(p):
                raise TypeError("with a dict of test sets, pass p=None (the dict already holds the predictions)")
            # f(sets, path, title): every argument sits one place to the left.
            path, title = p, path if path is not None else title
        raw = dict(y)
    else:
        if p is None:
            raise TypeError("p (predicted probabilities) is required when y is an array")
        raw = {"": (y, p)}
    if path is None:
        raise TypeError("path is required")
    sets: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (ys, ps) in raw.items():
        ys_arr = np.asarray(ys, dtype=int)
        ps_arr = np.asarray(ps, dtype=float)
        if ys_arr.shape != ps_arr.shape:
            raise ValueError(f"test set {name!r}: y and p differ in shape {ys_arr.shape} vs {ps_arr.shape}")
        sets[str(name)] = (ys_arr, ps_arr)
    return sets, Path(path), str(title) if title is not None else default_title


def _save(fig: Any, path: Path) -> Path:
    """Write the figure as PNG and free it (figures otherwise accumulate in pyplot's registry)."""
    plt = _pyplot()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, format="png", bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return path


def _text_colour(rgba: Sequence[float]) -> str:
    """Black or white text, whichever reads better on a cell of this colour."""
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def confusion_matrix_plot(y: Any, p: Any, path: str | os.PathLike[str], title: str = "Confusion matrix",
                          threshold: float = 0.5) -> Path:
    """2x2 confusion matrix (rows: true class, columns: predicted), counts and row-normalised %.

    Cells are coloured by the row share, so the diagonal reads as per-class recall whatever the
    class balance.
    """
    plt = _pyplot()
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    counts = np.array([[np.sum((y == t) & (pred == q)) for q in (0, 1)] for t in (0, 1)])
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros_like(counts, dtype=float), where=rows > 0)

    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    cmap = plt.get_cmap("Blues")
    ax.imshow(share, cmap=cmap, vmin=0, vmax=1)
    for t in range(2):
        for q in range(2):
            ax.text(q, t, f"{counts[t, q]:,}\n{share[t, q]:.1%}", ha="center", va="center", fontsize=13,
                    color=_text_colour(cmap(share[t, q])))
    ax.set_xticks([0, 1], [f"{c}" for c in CLASSES], fontsize=11)
    ax.set_yticks([0, 1], [f"{c}\n(n={rows[i, 0]:,})" for i, c in enumerate(CLASSES)], fontsize=11)
    ax.set_xlabel("predicted", fontsize=11)
    ax.set_ylabel("true", fontsize=11)
    n = int(counts.sum())
    acc = np.trace(counts) / n if n else float("nan")
    ax.set_title(f"{title}\nn={n:,}, accuracy {acc:.1%}, threshold {threshold:g}", fontsize=11)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _save(fig, Path(path))


def _calibration_bins(y: np.ndarray, p: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per equal-width bin: mean prediction, observed unreliable frequency, count (NaN when empty)."""
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)  # same binning as expected_calibration_error
    count = np.bincount(bins, minlength=n_bins).astype(float)
    sum_p = np.bincount(bins, weights=p, minlength=n_bins)
    sum_y = np.bincount(bins, weights=y.astype(float), minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sum_p / count, sum_y / count, count


def reliability_diagram(y: Any, p: Any = None, path: str | os.PathLike[str] | None = None,
                        title: str = "Reliability diagram", n_bins: int = 10) -> Path:
    """Observed share of unreliable articles vs mean predicted probability, per equal-width bin.

    A single test set is drawn as bars (observed frequency per bin) with the mean prediction of
    each bin as a point; several sets (dict input) as one line each.  The panel underneath shows how
    the predictions are distributed, since a bin with few articles says little.  ECE (same bins) is
    in the title for one set and in the legend for several.
    """
    plt = _pyplot()
    sets, out, title = _sets(y, p, path, title, "Reliability diagram")
    fig, (ax, hist_ax) = plt.subplots(2, 1, figsize=(6.0, 6.4), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1], "hspace": 0.08})
    ax.plot([0, 1], [0, 1], linestyle="--", color="#777777", linewidth=1, label="perfect calibration")
    edges = np.linspace(0, 1, n_bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    eces: list[tuple[str, float]] = []
    single = len(sets) == 1
    for i, (name, (ys, ps)) in enumerate(sets.items()):
        colour = PALETTE[i % len(PALETTE)]
        if len(ys) == 0:
            continue
        mean_p, freq, count = _calibration_bins(ys, ps, n_bins)
        ece = expected_calibration_error(ys, ps, n_bins=n_bins)
        eces.append((name, ece))
        label = f"{name or 'observed'} (ECE {ece:.3f}, n={len(ys):,})"
        filled = count > 0
        if single:
            ax.bar(centres[filled], freq[filled], width=1 / n_bins * 0.92, color=colour, alpha=0.35,
                   edgecolor=colour, label="observed frequency")
            ax.plot(mean_p[filled], freq[filled], "o-", color=colour, markersize=5, label=label)
        else:
            ax.plot(mean_p[filled], freq[filled], "o-", color=colour, markersize=5, linewidth=1.6, label=label)
        # share of the set per bin rather than raw counts, so sets of different size compare
        hist_ax.hist(ps, bins=edges, weights=np.full(len(ps), 1 / len(ps)), histtype="step" if not single else "bar",
                     color=colour, alpha=0.6 if single else 1.0, linewidth=1.6)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("observed share unreliable", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9, frameon=True)
    if len(eces) <= 3:
        ece_text = "ECE " + ", ".join(f"{name} {ece:.3f}".strip() for name, ece in eces)
    else:  # too many for one title line
        ece_text = "ECE per set in the legend"
    ax.set_title(f"{title}\n{ece_text} ({n_bins} bins)", fontsize=11)
    hist_ax.set_xlabel("predicted probability of unreliable", fontsize=11)
    hist_ax.set_ylabel("share of set", fontsize=10)
    hist_ax.grid(alpha=0.3)
    return _save(fig, out)


def cross_dataset_heatmap(matrix: Sequence[Sequence[float | None]], train_names: Sequence[str],
                          test_names: Sequence[str], path: str | os.PathLike[str],
                          title: str = "Cross-dataset generalisation", metric: str = "macro-F1") -> Path:
    """Train-on (rows) x test-on (columns) heatmap, annotated; missing cells (None/NaN) are grey.

    The colour scale is fixed at 0.3-1.0 so that heatmaps of different runs compare at a glance;
    cells where train and test names agree (in-domain) get a black outline.
    """
    plt = _pyplot()
    values = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix], dtype=float)
    if values.ndim != 2 or values.shape != (len(train_names), len(test_names)):
        raise ValueError(f"matrix shape {values.shape} does not match {len(train_names)} train x {len(test_names)} test names")
    n_rows, n_cols = values.shape
    fig, ax = plt.subplots(figsize=(max(4.5, 1.1 * n_cols + 2.6), max(3.2, 0.65 * n_rows + 1.8)))
    cmap = plt.get_cmap("viridis").with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0.3, vmax=1.0, aspect="auto")
    for r in range(n_rows):
        for c in range(n_cols):
            v = values[r, c]
            if np.isnan(v):
                ax.text(c, r, "–", ha="center", va="center", fontsize=10, color="#555555")
            else:
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=10,
                        color=_text_colour(cmap(min(max((v - 0.3) / 0.7, 0.0), 1.0))))
            if train_names[r] == test_names[c]:
                ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2))
    ax.set_xticks(range(n_cols), list(test_names), rotation=35, ha="right", fontsize=10)
    ax.set_yticks(range(n_rows), list(train_names), fontsize=10)
    ax.set_xlabel("test on", fontsize=11)
    ax.set_ylabel("train on", fontsize=11)
    ax.set_title(title, fontsize=11)
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label(metric, fontsize=10)
    return _save(fig, Path(path))


def coverage_accuracy(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Coverage and accuracy when abstaining on the predictions closest to 0.5 first.

    One point per distinct confidence ``|p - 0.5|``: articles with equal confidence are kept or
    dropped together, as a symmetric band around 0.5 would do.  Coverage runs from the most
    confident group alone up to 1.0 (no abstention).
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return np.array([]), np.array([])
    conf = np.abs(p - 0.5)
    order = np.argsort(-conf, kind="mergesort")
    correct = ((p >= threshold).astype(int) == y)[order]
    conf_sorted = conf[order]
    # last index of each group of equal confidence
    ends = np.flatnonzero(np.r_[conf_sorted[1:] != conf_sorted[:-1], True])
    kept = ends + 1
    return kept / len(y), np.cumsum(correct)[ends] / kept


def coverage_curve(y: Any, p: Any = None, path: str | os.PathLike[str] | None = None,
                   title: str = "Accuracy vs coverage", band: tuple[float, float] | None = None,
                   threshold: float = 0.5) -> Path:
    """Accuracy on the kept predictions as the uncertain band around 0.5 widens.

    x = share of predictions kept, y = accuracy on them.  With ``band=(low, high)`` the operating
    point of that band (abstain when low < p < high) is marked on every curve.
    """
    plt = _pyplot()
    sets, out, title = _sets(y, p, path, title, "Accuracy vs coverage")
    fig, ax = plt.subplots(figsize=(6.2, 4.4))
    lowest = 1.0
    for i, (name, (ys, ps)) in enumerate(sets.items()):
        if len(ys) == 0:
            continue
        colour = PALETTE[i % len(PALETTE)]
        cov, acc = coverage_accuracy(ys, ps, threshold)
        label = f"{name or 'model'} (n={len(ys):,})"
        band_point: tuple[float, float] | None = None
        if band is not None:
            low, high = band
            covered = (ps <= low) | (ps >= high)
            if covered.any():
                band_point = (float(covered.mean()), float(((ps >= threshold).astype(int) == ys)[covered].mean()))
                # in the legend rather than as annotations, which collide when curves are close
                label += f": band keeps {band_point[0]:.0%} at {band_point[1]:.1%}"
        ax.step(cov, acc, where="post", color=colour, linewidth=1.8, label=label)
        if band_point is not None:
            ax.plot([band_point[0]], [band_point[1]], marker="D", markersize=8, color=colour,
                    markeredgecolor="black", linestyle="none", zorder=5, clip_on=False)
        # ignore the first few points (tiny, noisy kept sets) when choosing the y range
        lowest = min(lowest, float(np.min(acc[cov >= 0.05])) if np.any(cov >= 0.05) else float(acc.min()))
    if band is not None:
        # legend entry for the diamond markers, drawn once
        ax.plot([], [], marker="D", color="#777777", markeredgecolor="black", linestyle="none",
                label=f"uncertain band {band[0]:g}–{band[1]:g}")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(max(0.0, min(lowest, 0.95) - 0.05), 1.01)
    ax.set_xlabel("coverage (share of predictions kept)", fontsize=11)
    ax.set_ylabel("accuracy on kept predictions", fontsize=11)
    ax.set_title(f"{title}\nabstaining on the predictions closest to 0.5 first", fontsize=11)
    ax.grid(alpha=0.3)
    # below the axes: inside, it hides the low-accuracy curves, which are the interesting ones
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=9, frameon=False)
    return _save(fig, out)
