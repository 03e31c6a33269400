"""Bootstrap intervals, figures and the report renderer, on synthetic predictions only."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from newscred.evaluation.bootstrap import FAST_METRICS, _fast_metric, add_intervals, bootstrap_ci
from newscred.evaluation.metrics import binary_metrics

pytest.importorskip("matplotlib")

from newscred.evaluation import plots  # noqa: E402
from newscred.evaluation.render import json_safe, render_markdown, write_report  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def synthetic(n: int, signal: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities that carry ``signal`` (0 = noise, 1 = near perfect)."""
    rs = np.random.RandomState(seed)
    y = rs.randint(0, 2, n)
    p = np.clip(0.5 + (y - 0.5) * signal + rs.normal(0, 0.2, n), 0, 1)
    return y, p


def assert_png(path: Path) -> None:
    assert path.is_file()
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 5_000  # an empty canvas compresses to far less


# --------------------------------------------------------------------------- bootstrap


@pytest.mark.parametrize("metric", ["macro_f1", "roc_auc", "brier", "accuracy"])
def test_bootstrap_ci_contains_point_estimate_and_narrows_with_n(metric: str) -> None:
    widths = []
    for n in (200, 5000):
        y, p = synthetic(n)
        lo, hi = bootstrap_ci(y, p, metric, n_boot=500, seed=1)
        point = binary_metrics(y, p)[metric]
        assert lo <= point <= hi
        widths.append(hi - lo)
    assert widths[1] < widths[0] / 2  # width shrinks ~ 1/sqrt(n): 5x for 25x the data


def test_bootstrap_ci_perfect_predictor_is_one() -> None:
    y = np.array([0, 1] * 100)
    p = y.astype(float)
    assert bootstrap_ci(y, p, "macro_f1") == (1.0, 1.0)
    assert bootstrap_ci(y, p, "roc_auc") == (1.0, 1.0)
    assert bootstrap_ci(y, p, "brier") == (0.0, 0.0)


def test_fast_metrics_match_binary_metrics_on_a_resample() -> None:
    # the vectorised formulas must equal binary_metrics on the same resample, ties included
    y, p = synthetic(400)
    p = np.round(p, 1)
    idx = np.random.RandomState(3).randint(0, len(y), len(y))
    counts = np.bincount(idx, minlength=len(y)).astype(float)[None]
    expected = binary_metrics(y[idx], p[idx])
    for metric in FAST_METRICS:
        assert _fast_metric(metric, y, p, 0.5)(counts)[0] == pytest.approx(expected[metric], abs=1e-12), metric


def test_bootstrap_ci_is_fast_and_deterministic() -> None:
    y, p = synthetic(5000)
    bootstrap_ci(y[:50], p[:50])  # warm-up (imports)
    start = time.perf_counter()
    first = bootstrap_ci(y, p, "macro_f1", n_boot=1000, seed=0)
    assert time.perf_counter() - start < 1.0
    assert bootstrap_ci(y, p, "macro_f1", n_boot=1000, seed=0) == first


def test_bootstrap_ci_slow_path_and_undefined_metric() -> None:
    y, p = synthetic(100)
    lo, hi = bootstrap_ci(y, p, "ece", n_boot=50)
    assert 0 <= lo <= binary_metrics(y, p)["ece"] <= hi + 0.05
    one_class = np.zeros(50, dtype=int)
    lo, hi = bootstrap_ci(one_class, np.full(50, 0.3), "roc_auc", n_boot=50)
    assert np.isnan(lo) and np.isnan(hi)


def test_add_intervals_returns_a_copy_with_ci_keys() -> None:
    y, p = synthetic(300)
    metrics = binary_metrics(y, p)
    out = add_intervals(metrics, y, p, n_boot=200)
    assert "macro_f1_ci" not in metrics
    for key in ("macro_f1", "roc_auc", "brier"):
        lo, hi = out[f"{key}_ci"]
        assert lo <= out[key] <= hi
    assert set(add_intervals(metrics, y, p, keys=("accuracy",), n_boot=50)) - set(metrics) == {"accuracy_ci"}


# --------------------------------------------------------------------------- plots


def three_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {"alpha": synthetic(300, 0.8, 1), "beta": synthetic(200, 0.2, 2), "gamma": synthetic(500, 0.5, 3)}


def test_plots_write_pngs_for_arrays(tmp_path: Path) -> None:
    y, p = synthetic(400)
    assert_png(plots.confusion_matrix_plot(y, p, tmp_path / "cm.png", "Confusion"))
    assert_png(plots.reliability_diagram(y, p, tmp_path / "rel.png", "Reliability"))
    assert_png(plots.coverage_curve(y, p, tmp_path / "cov.png", "Coverage", band=(0.35, 0.65)))


def test_plots_accept_a_dict_of_sets(tmp_path: Path) -> None:
    sets = three_sets()
    assert_png(plots.reliability_diagram(sets, tmp_path / "rel.png", "Reliability"))  # shifted call
    assert_png(plots.reliability_diagram(sets, None, tmp_path / "rel2.png", "Reliability", n_bins=5))
    assert_png(plots.coverage_curve(sets, tmp_path / "cov.png", "Coverage", band=(0.35, 0.65)))
    assert_png(plots.coverage_curve(sets, path=tmp_path / "cov2.png", title="Coverage"))
    with pytest.raises(TypeError):
        plots.reliability_diagram(synthetic(10)[0], None, tmp_path / "x.png", "no p")


def test_heatmap_with_missing_cells(tmp_path: Path) -> None:
    matrix = [[0.91, None, 0.55], [0.62, 0.88, float("nan")]]
    out = plots.cross_dataset_heatmap(matrix, ["a", "b"], ["a", "b", "c"], tmp_path / "hm.png", "Cross-dataset")
    assert_png(out)
    with pytest.raises(ValueError):
        plots.cross_dataset_heatmap(matrix, ["a"], ["a", "b", "c"], tmp_path / "bad.png", "bad shape")


def test_coverage_accuracy_ends_at_full_coverage() -> None:
    y, p = synthetic(300)
    cov, acc = plots.coverage_accuracy(y, p)
    assert cov[-1] == pytest.approx(1.0)
    assert acc[-1] == pytest.approx(binary_metrics(y, p)["accuracy"])
    assert np.all(np.diff(cov) > 0)


# --------------------------------------------------------------------------- report


def make_result(sets: dict[str, tuple[np.ndarray, np.ndarray]], leaky: set[str] = frozenset()) -> dict:
    results = {}
    for name, (y, p) in sets.items():
        model = add_intervals(binary_metrics(y, p, band=(0.35, 0.65)), y, p, n_boot=100)
        majority = binary_metrics(y, np.full(len(y), float(y.mean() >= 0.5)))
        results[name] = {
            "n": len(y),
            "model": model,
            "probes": {"majority": majority, "length": binary_metrics(y, np.random.RandomState(0).rand(len(y)))},
            "leaky": name in leaky,
            "warnings": [f"{name}: 40% of test articles have a near-duplicate in train"] if name in leaky else [],
        }
    names = list(sets)
    return {
        "protocol": "train on all, test on each",
        "split": "group",
        "model": {"name": "content", "version": "1.2.0"},
        "data": {"rows": 1000, "dedup": {"exact": 12, "near": np.int64(30)}},
        "results": results,
        "mean": {"model": np.float64(0.7), "majority": float("nan")},
        "matrix": {"train_sets": names, "test_sets": names, "metric": "macro_f1",
                   "values": [[0.9 if i == j else None if (i + j) % 2 else 0.6 for j in range(len(names))]
                              for i in range(len(names))]},
        "published": [{"dataset": "alpha", "setting": "random 80/20", "system": "BERT", "score": "0.95",
                       "source": "Someone et al. 2020", "ours": "0.71", "note": "leaky split"}],
    }


def test_write_report_writes_everything(tmp_path: Path) -> None:
    sets = three_sets()
    result = make_result(sets, leaky={"beta"})
    paths = write_report(result, sets, tmp_path)

    loaded = json.loads((tmp_path / "report.json").read_text())
    assert loaded["mean"]["majority"] is None  # NaN -> null
    assert loaded["results"]["alpha"]["model"]["macro_f1_ci"][0] <= loaded["results"]["alpha"]["model"]["macro_f1"]
    assert loaded["data"]["dedup"]["near"] == 30

    for name in ("confusion:alpha", "reliability:gamma", "coverage", "heatmap"):
        assert_png(paths[name])

    md = (tmp_path / "report.md").read_text()
    assert "⚠ LEAKY DATASET" in md and "near-duplicate" in md
    assert "Protocol:" in md and "group" in md
    assert "](confusion_alpha.png)" in md and "](cross_dataset.png)" in md
    assert "Someone et al. 2020" in md
    for png in re.findall(r"\]\(([^)]+\.png)\)", md):
        assert (tmp_path / png).is_file()  # relative references resolve

    page = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page
    assert 'class="leaky"' in page


def test_no_leaky_warning_when_no_set_is_leaky(tmp_path: Path) -> None:
    sets = three_sets()
    write_report(make_result(sets), sets, tmp_path)
    assert "LEAKY" not in (tmp_path / "report.md").read_text()
    assert 'class="leaky"' not in (tmp_path / "report.html").read_text()


def test_write_report_pools_figures_above_eight_sets(tmp_path: Path) -> None:
    sets = {f"set{i}": synthetic(60, 0.5, i) for i in range(9)}
    result = {"protocol": "p", "split": "random", "results": {k: {"n": 60, "model": binary_metrics(*v)}
                                                              for k, v in sets.items()}}
    paths = write_report(result, sets, tmp_path)
    assert "confusion:pooled" in paths and "confusion:set0" not in paths
    assert "heatmap" not in paths


def test_render_markdown_tolerates_a_minimal_result() -> None:
    md = render_markdown({"results": {"x": {"model": {"macro_f1": float("nan")}}}}, {})
    assert "x" in md and "–" in md
    md = render_markdown({"protocol": "p", "split": "time", "results": {}}, {"coverage": "cov.png"})
    assert "![Accuracy vs coverage](cov.png)" in md


def test_json_safe() -> None:
    value = json_safe({"a": np.float32(np.inf), "b": np.arange(3), "c": (np.bool_(True), Path("x"))})
    assert value == {"a": None, "b": [0, 1, 2], "c": [True, "x"]}
    json.dumps(value, allow_nan=False)


def test_write_report_replaces_its_own_earlier_report(tmp_path: Path) -> None:
    sets = three_sets()
    write_report(make_result(sets), sets, tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    assert (tmp_path / "confusion_gamma.png").is_file()
    fewer = {k: v for k, v in sets.items() if k != "gamma"}
    write_report(make_result(fewer, leaky={"beta"}), fewer, tmp_path)  # a rerun into the same folder
    assert "LEAKY" in (tmp_path / "report.md").read_text()
    assert not (tmp_path / "confusion_gamma.png").exists()  # no stale figure of a set the new report lacks
    assert (tmp_path / "notes.txt").read_text() == "mine"  # files a report does not write are left alone


def test_write_report_refuses_to_replace_files_it_did_not_write(tmp_path: Path) -> None:
    from newscred.errors import OutputExistsError

    sets = three_sets()
    (tmp_path / "report.md").write_text("my own notes")
    (tmp_path / "coverage.png").write_bytes(b"not ours")
    with pytest.raises(OutputExistsError, match=r"already holds coverage\.png, report\.md, not from a newscred report"):
        write_report(make_result(sets), sets, tmp_path)
    assert (tmp_path / "report.md").read_text() == "my own notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coverage.png", "report.md"]  # nothing written
    (tmp_path / "report.json").write_text('{"something": "else"}')  # a report.json that is not ours is no licence
    with pytest.raises(OutputExistsError):
        write_report(make_result(sets), sets, tmp_path)
    with pytest.raises(OutputExistsError, match="is a file"):
        write_report(make_result(sets), sets, tmp_path / "report.md")


def test_a_one_class_set_is_shown_as_not_scored(tmp_path: Path) -> None:
    from newscred.model.card import render_card

    sets = three_sets()
    result = make_result(sets)
    result["results"]["gamma"]["one_class"] = True
    write_report(result, sets, tmp_path)
    row = next(line for line in (tmp_path / "report.md").read_text().splitlines() if line.startswith("| gamma"))
    assert "one class: not scored" in row
    card = render_card("mine", "0.1.0", {**result, "split": "group"}, recipe=False)
    row = next(line for line in card.splitlines() if line.startswith("| gamma"))
    assert "one class only: not scored" in row and "**" not in row
