"""Splits never leak, metrics agree with scikit-learn, probes catch leaky data, training on a
user's table works and refuses bad data clearly."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newscred.cli import main
from newscred.evaluation.metrics import best_threshold_macro_f1, binary_metrics, expected_calibration_error
from newscred.evaluation.probes import leak_warnings
from newscred.evaluation.splits import cross_dataset_folds, group_folds, random_folds, time_split
from newscred.training.prepare import Doc


def _docs(spec: list[tuple[int, int, int, int]]) -> tuple[list[Doc], list[int]]:
    """(label, group, cluster, day) tuples -> docs over three datasets, and their clusters."""
    docs = [Doc(str(i), f"ds{g % 3}", f"ds{g % 3}", f"g{g}", y, ["w"] * 60, date=f"2020-01-{1 + day:02d}")
            for i, (y, g, _, day) in enumerate(spec)]
    return docs, [c for (_, _, c, _) in spec]


row = st.tuples(st.integers(0, 1), st.integers(0, 11), st.integers(0, 25), st.integers(0, 27))


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=40, max_size=120))
def test_no_duplicate_cluster_or_group_crosses_any_split(spec) -> None:
    docs, clusters = _docs(spec)
    # Every fold kind; the stratified ones may refuse data with too few groups, which is fine.
    candidates = []
    for make in (lambda: random_folds(docs, clusters, 3), lambda: group_folds(docs, clusters, 3),
                 lambda: time_split(docs, clusters), lambda: cross_dataset_folds(docs, clusters)):
        try:
            candidates.append(make())
        except Exception as exc:  # noqa: BLE001 - only our DataError is acceptable
            assert type(exc).__name__ == "DataError", exc
    for folds in candidates:
        for fold in folds:
            assert not set(fold.train) & set(fold.test)
            assert not {clusters[i] for i in fold.train} & {clusters[i] for i in fold.test}
    try:
        for fold in group_folds(docs, clusters, 3):
            assert not {docs[i].group for i in fold.train} & {docs[i].group for i in fold.test}
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "DataError"


def test_time_split_is_disjoint_in_time() -> None:
    rng = random.Random(1)
    docs, clusters = _docs([(rng.randint(0, 1), rng.randint(0, 11), i, rng.randint(0, 27)) for i in range(200)])
    (fold,) = time_split(docs, clusters, cutoff="2020-01-15")
    assert max(docs[i].date for i in fold.train) < "2020-01-15" <= min(docs[i].date for i in fold.test)


def test_cross_dataset_folds_hold_out_whole_datasets() -> None:
    docs, clusters = _docs([(i % 2, i % 12, i, 0) for i in range(90)])
    for fold in cross_dataset_folds(docs, clusters):
        assert {docs[i].dataset for i in fold.test} == {fold.name}
        assert fold.name not in {docs[i].dataset for i in fold.train}


def test_metrics_match_scikit_learn() -> None:
    from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score

    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 500)
    p = np.clip(y * 0.3 + rng.rand(500) * 0.7, 0, 1)
    m = binary_metrics(y, p)
    pred = (p >= 0.5).astype(int)
    assert m["macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, p))
    assert m["brier"] == pytest.approx(brier_score_loss(y, p))
    assert m["precision_unreliable"] == pytest.approx(precision_score(y, pred))
    assert m["recall_reliable"] == pytest.approx(recall_score(y, pred, pos_label=0))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=60))
def test_best_threshold_macro_f1_equals_a_brute_force_search(rows) -> None:
    from sklearn.metrics import f1_score

    y = np.array([r[0] for r in rows])
    p = np.array([r[1] / 20 for r in rows])
    if len(set(y.tolist())) < 2:
        assert np.isnan(best_threshold_macro_f1(y, p))
        return
    candidates = list(np.unique(p)) + [2.0]  # 2.0: predict nothing unreliable
    brute = max(f1_score(y, (p >= t).astype(int), average="macro", labels=[0, 1], zero_division=0) for t in candidates)
    assert best_threshold_macro_f1(y, p) == pytest.approx(brute)
    assert best_threshold_macro_f1(y, p) >= binary_metrics(y, p)["macro_f1"] - 1e-12


def test_expected_calibration_error_on_known_inputs() -> None:
    # All predictions 0.8 and 80% positives: perfectly calibrated.
    y = np.array([1] * 8 + [0] * 2)
    assert expected_calibration_error(y, np.full(10, 0.8)) == pytest.approx(0.0)
    # All predictions 0.9 but only half positive: ECE = 0.4.
    assert expected_calibration_error(np.array([1, 0] * 5), np.full(10, 0.9)) == pytest.approx(0.4)


def test_leak_warning_fires_only_within_five_points() -> None:
    assert leak_warnings(0.80, {"length": 0.60, "source": 0.70}) == []
    warnings = leak_warnings(0.80, {"length": 0.60, "source": 0.77})
    assert len(warnings) == 1 and "source probe" in warnings[0] and "LEAKY" in warnings[0]


# ----------------------------------------------------------------- training on a user's table
_GOOD = ("the minister said on tuesday that the budget would rise by three percent according to officials "
         "who spoke at a press conference in the capital and the agency confirmed the figures in a statement").split()
_BAD = ("you won t believe this shocking secret the elites are hiding share this now before they delete it "
        "wake up people the truth is finally exposed and the mainstream media will never tell you").split()


def _article(rng: random.Random, words: list[str], n: int = 70) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def _write_table(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _user_rows(n: int = 80, leaky: bool = False) -> list[dict[str, str]]:
    rng = random.Random(5)
    rows = []
    for i in range(n):
        fake = i % 2 == 1
        # mostly informative bodies, with 25% of labels flipped so the model is good, not perfect
        body_fake = fake if rng.random() > 0.25 else not fake
        body = _article(rng, _BAD if body_fake else _GOOD)
        if leaky:  # a byline that gives the label away, and noise for a body
            body = ("by staff of truthnews daily " if fake else "by reporters of city herald ") + _article(rng, _GOOD + _BAD)
        rows.append({"doc": f"d{i}", "body": body, "verdict": "FAKE" if fake else "Legit", "site": f"site{i % 10}"})
    return rows


def test_train_and_evaluate_on_a_user_csv(tmp_path: Path) -> None:
    data = _write_table(tmp_path / "mine.csv", _user_rows())
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--id-col", "doc",
                                       "--group-col", "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").is_file() and "group split" in (out / "README.md").read_text()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split"] == "group" and metrics["mean"]["model"] > 0.6
    report = tmp_path / "report"
    result = CliRunner().invoke(main, ["evaluate", str(out), str(data), "--text-col", "body", "--label-col", "verdict",
                                       "--group-col", "site", "--split", "group", "--folds", "3", "--report", str(report)])
    assert result.exit_code == 0, result.output
    saved = json.loads((report / "report.json").read_text())
    assert saved["split"] == "group" and "shipped" in next(iter(saved["results"].values()))
    assert (report / "report.html").is_file() and list(report.glob("*.png"))


def test_probe_warning_fires_on_a_leaky_dataset(tmp_path: Path) -> None:
    from newscred.training.custom import TableSpec, evaluate_table

    data = _write_table(tmp_path / "leaky.csv", _user_rows(leaky=True))
    result = evaluate_table(None, [str(data)], TableSpec(text_col="body", label_col="verdict"), split="random", n_folds=3)
    entry = result["results"]["leaky"]
    assert entry["probes"]["source"]["macro_f1"] > 0.9
    assert entry["leaky"] and any("source probe" in w for w in entry["warnings"])


@pytest.mark.parametrize(
    "mutate, args, message",
    [
        (lambda rows: rows, ["--text-col", "content"], "content"),
        (lambda rows: [dict(r, verdict="FAKE") for r in rows], [], "only one class"),
        (lambda rows: rows[:5] + [dict(rows[5], verdict="maybe")] + rows[6:], [], "maybe"),
        (lambda rows: rows[:3] + [dict(rows[3], body="")] + rows[4:], [], "row 3"),
    ],
    ids=["missing column", "one class", "unknown label", "empty text"],
)
def test_bad_training_data_gets_a_clear_error(tmp_path: Path, mutate, args: list[str], message: str) -> None:
    data = _write_table(tmp_path / "bad.csv", mutate(_user_rows(40)))
    argv = ["train", str(data), "--text-col", "body", "--label-col", "verdict", *args, "-o", str(tmp_path / "m")]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_cross_validate_scores_the_model_a_custom_fit_returns() -> None:
    """``fit=`` swaps the per-fold model (benchmarks/directions.py): each fold's model sees only
    that fold's training docs, and the held-out predictions are its logits, calibrated."""
    from newscred.evaluation.protocol import cross_validate
    from newscred.model.content import ContentParams

    rng = random.Random(2)
    docs = [Doc(str(i), f"ds{i % 3}", f"ds{i % 3}", "", y, ["cue" if y else "plain"] * rng.randint(50, 70))
            for i, y in enumerate([k % 2 for k in range(90)])]
    clusters = list(range(len(docs)))
    seen: list[set[str]] = []

    class CueCounter:
        def __init__(self, train: list[Doc]) -> None:
            seen.append({d.dataset for d in train})

        def decision(self, words: list[str]) -> tuple[float]:
            return (1.0 if "cue" in words else -1.0,)

    folds = cross_dataset_folds(docs, clusters)
    result, predictions, z = cross_validate(docs, folds, ContentParams(), split="cross-dataset", probes=(), ci=False,
                                            fit=lambda train, params: CueCounter(train))
    assert [s for s in seen] == [{d.dataset for d in docs} - {f.name} for f in folds]
    assert set(np.abs(z)) == {1.0}
    assert all(r["model"]["macro_f1"] == 1.0 for r in result["results"].values())


@pytest.mark.parametrize("flag, groups", [([], 2), (["--every-term"], 0)])
def test_training_on_two_tables_weights_only_terms_consistent_across_them(tmp_path: Path, flag: list[str], groups: int) -> None:
    rows = _user_rows()
    a = _write_table(tmp_path / "a.csv", rows[:40])
    b = _write_table(tmp_path / "b.csv", rows[40:])
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", str(a), str(b), "--text-col", "body", "--label-col", "verdict",
                                       "--min-words", "10", "-o", str(out), *flag])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["terms"]["groups"] == groups
    card = (out / "README.md").read_text()
    assert ("lean the same way in all 2 training datasets" in card) == (groups == 2)
    if groups:
        assert 0 < metrics["terms"]["weighted"] < metrics["terms"]["total"]
