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
from newscred.errors import DataError
from newscred.training.prepare import Doc


def _docs(spec: list[tuple[int, int, int, int]]) -> tuple[list[Doc], list[int]]:
    """(label, group, cluster, day) tuples -> docs over three datasets, and their clusters.  A group
    appears in every dataset (one site, several files): it must still never straddle a split."""
    docs = [Doc(str(i), f"ds{i % 3}", f"ds{i % 3}", f"g{g}", y, ["w"] * 60, date=f"2020-01-{1 + day:02d}")
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
    assert "within 5 points of the model (0.800: 3.0 below it)" in warnings[0]


def test_a_near_chance_probe_level_with_a_weak_model_is_no_leak() -> None:
    from newscred.evaluation.probes import is_leak

    # a model at 0.568 and a source probe at 0.529: the model is weak, the data need not leak
    (warning,) = leak_warnings(0.568, {"source": 0.529})
    assert warning.startswith("WEAK") and not is_leak(warning) and "trivial baseline" in warning
    # a probe's AUC decides when known: 0.59 macro-F1 on a skewed set can still rank far above chance
    assert is_leak(leak_warnings(0.62, {"source": 0.59}, probe_auc={"source": 0.71})[0])
    assert not is_leak(leak_warnings(0.62, {"source": 0.65}, probe_auc={"source": 0.55})[0])
    # the majority probe reads nothing, so beating the model with it is never a leak
    (warning,) = leak_warnings(0.029, {"majority": 0.492})
    assert warning.startswith("WEAK") and "majority probe" in warning
    assert is_leak(leak_warnings(0.70, {"source": 0.69})[0])


def test_one_class_test_sets_are_flagged_and_left_out_of_the_mean() -> None:
    from newscred.evaluation.protocol import cross_validate
    from newscred.evaluation.splits import Fold
    from newscred.model.content import ContentParams

    rng = random.Random(3)
    good, bad = [f"calm{i}" for i in range(400)], [f"loud{i}" for i in range(400)]
    docs = []
    for name, labels in (("mixed_a", [0, 1] * 40), ("mixed_b", [0, 1] * 40), ("all_fake", [1] * 40)):
        for i, y in enumerate(labels):
            words = [rng.choice(bad if y else good) for _ in range(60)] + [rng.choice(good + bad) for _ in range(40)]
            docs.append(Doc(f"{name}{i}", name, name, "", y, words))
    names = ["mixed_a", "mixed_b", "all_fake"]
    folds = [Fold(n, [i for i, d in enumerate(docs) if d.dataset != n], [i for i, d in enumerate(docs) if d.dataset == n])
             for n in names]
    params = ContentParams(min_df=1, consistent_terms=False)
    with pytest.raises(DataError, match="too few or too alike for a vocabulary"):
        cross_validate(docs[:4], [Fold("tiny", [0, 1], [2, 3])], ContentParams(), split="random", ci=False)
    result, _, _ = cross_validate(docs, folds, params, split="cross-dataset", ci=False)
    flagged = result["results"]["all_fake"]
    assert flagged["one_class"] and flagged["warnings"][0].startswith("ONE CLASS") and not flagged["leaky"]
    # three fakes among forty: numbers are noise, and no probe may be called a leak on them
    few = [d for d in docs if d.dataset != "all_fake"] + [d for d in docs if d.dataset == "all_fake"][:3] + [
        Doc(f"r{i}", "all_fake", "all_fake", "", 0, d.words) for i, d in enumerate(docs[:74:2])]
    few_folds = [Fold(n, [i for i, d in enumerate(few) if d.dataset != n], [i for i, d in enumerate(few) if d.dataset == n])
                 for n in names]
    small, _, _ = cross_validate(few, few_folds, params, split="cross-dataset", ci=False)
    (warning,) = small["results"]["all_fake"]["warnings"]
    assert warning.startswith("FEW: only 3 unreliable article(s)") and not small["results"]["all_fake"]["leaky"]
    scored = [result["results"][n]["model"]["macro_f1"] for n in ("mixed_a", "mixed_b")]
    assert result["mean"]["model"] == pytest.approx(np.mean(scored))


def test_leak_warning_says_when_the_probe_beats_the_model() -> None:
    # LIAR's long statements: the source probe 0.697 against the model 0.564
    (warning,) = leak_warnings(0.564, {"source": 0.697})
    assert "13.3 points above the model (0.564)" in warning and "within" not in warning
    (tie,) = leak_warnings(0.75, {"source": 0.75})
    assert "as high as the model (0.750)" in tie and "within" not in tie


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


def _user_rows(n: int = 80, leaky: bool = False, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
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
    card = (out / "README.md").read_text()
    assert "Generated by `newscred train` on the data listed below" in card and "--recipe default" not in card
    assert f"| {data} | 80 | 80 | your data" in card  # rows read, rows kept, whose terms
    assert "leave-one-dataset-out" not in card and "on the held-out logits of the group split" in card
    assert "FakeNewsAMT" not in card and "## Heaviest terms" in card
    heaviest = card.split("## Heaviest terms")[1].split("##")[0]
    assert any(f"| {w} |" in heaviest for w in _BAD) and any(f"| {w} |" in heaviest for w in _GOOD)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split"] == "group" and metrics["mean"]["model"] > 0.6
    report = tmp_path / "report"
    result = CliRunner().invoke(main, ["evaluate", str(out), str(data), "--text-col", "body", "--label-col", "verdict",
                                       "--group-col", "site", "--split", "group", "--folds", "3", "--report", str(report)])
    assert result.exit_code == 0, result.output
    saved = json.loads((report / "report.json").read_text())
    assert saved["split"] == "group" and "shipped" in next(iter(saved["results"].values()))
    assert (report / "report.html").is_file() and list(report.glob("*.png"))
    again = CliRunner().invoke(main, ["evaluate", str(out), str(data), "--text-col", "body", "--label-col", "verdict",
                                      "--folds", "3", "--report", str(report)])
    assert again.exit_code == 0, again.output  # its own earlier report is replaced
    assert json.loads((report / "report.json").read_text())["split"] != "group"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "report.md").write_text("# my notes")
    refused = CliRunner().invoke(main, ["evaluate", str(out), str(data), "--text-col", "body", "--label-col", "verdict",
                                        "--folds", "3", "--report", str(theirs)])
    assert refused.exit_code == 1 and "Error [output.exists]" in refused.stderr and "report.md" in refused.stderr
    assert "macro-F1" not in refused.stdout  # refused before any fold was fitted
    assert [f.name for f in theirs.iterdir()] == ["report.md"] and (theirs / "report.md").read_text() == "# my notes"


def test_evaluate_marks_the_shipped_score_in_sample_on_the_model_s_own_training_data(tmp_path: Path) -> None:
    rows = _user_rows()
    data = _write_table(tmp_path / "mine.csv", rows)
    model = tmp_path / "model"
    cols = ["--text-col", "body", "--label-col", "verdict"]
    assert CliRunner().invoke(main, ["train", str(data), *cols, "-o", str(model)]).exit_code == 0
    own = CliRunner().invoke(main, ["evaluate", str(model), str(data), *cols, "--folds", "3"])
    assert own.exit_code == 0, own.output
    line = next(x for x in own.stdout.splitlines() if x.startswith("mine:"))
    assert line.endswith("(IN-SAMPLE)") and "as shipped" in line
    assert f"IN-SAMPLE: the artifact was trained on {data}" in own.stderr and "own training data" in own.stderr
    # the same texts in another format, order and subset: recognised by content, and counted
    half = tmp_path / "half.jsonl"
    half.write_text("".join(json.dumps(r) + "\n" for r in rows[:40][::-1]), encoding="utf-8")
    moved = CliRunner().invoke(main, ["evaluate", str(model), str(half), *cols, "--folds", "3"])
    assert moved.exit_code == 0, moved.output
    assert next(x for x in moved.stdout.splitlines() if x.startswith("half:")).endswith("(IN-SAMPLE)")
    assert "IN-SAMPLE: all 40 texts of this set are texts the artifact was trained on" in moved.stderr
    mixed = _write_table(tmp_path / "mixed.csv", rows[:20] + _user_rows(60, seed=9))
    partly = CliRunner().invoke(main, ["evaluate", str(model), str(mixed), *cols, "--folds", "3"])
    assert "IN-SAMPLE: 20 of these 80 texts (25%) are texts the artifact was trained on" in partly.stderr
    fresh = _write_table(tmp_path / "fresh.csv", _user_rows(80, seed=11))
    new = CliRunner().invoke(main, ["evaluate", str(model), str(fresh), *cols, "--folds", "3"])
    assert new.exit_code == 0, new.output
    assert "IN-SAMPLE" not in new.output
    # the bundled model was trained on ReCOVery among others: named shared datasets are recognised too
    from newscred.analyzer import BUILTIN_MODELS
    from newscred.model.artifact import read_manifest
    from newscred.training.custom import _trained_on

    manifest = read_manifest(BUILTIN_MODELS["default"])
    assert _trained_on(manifest, "shared:recovery_covid19", tmp_path) and not _trained_on(manifest, "shared:liar", tmp_path)


def test_evaluate_says_which_rows_min_words_left_out(tmp_path: Path) -> None:
    rows = _user_rows(60)
    for r in rows[:12]:
        r["body"] = " ".join(r["body"].split()[:20])  # short statements
    data = _write_table(tmp_path / "short.csv", rows)
    cols = ["--text-col", "body", "--label-col", "verdict", "--folds", "3"]
    result = CliRunner().invoke(main, ["evaluate", "builtin:default", str(data), *cols])
    assert result.exit_code == 0, result.output
    (warning,) = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    assert "left out 12 of 60 rows: 12 under 50 words" in warning and "claim model" in warning
    assert "short: n=48 " in result.stdout
    # stdout is the readable lines only, no Python dict
    assert "{" not in result.stdout and "'model'" not in result.stdout
    lower = CliRunner().invoke(main, ["evaluate", "builtin:default", str(data), *cols, "--min-words", "10"])
    assert lower.exit_code == 0, lower.output
    assert "left out" not in lower.stderr and "short: n=60 " in lower.stdout


def test_evaluate_prints_the_mean_over_several_test_sets_readably(tmp_path: Path) -> None:
    rows = _user_rows()
    a = _write_table(tmp_path / "a.csv", rows[:40])
    b = _write_table(tmp_path / "b.csv", rows[40:])
    result = CliRunner().invoke(main, ["evaluate", "builtin:default", str(a), str(b), "--text-col", "body",
                                       "--label-col", "verdict", "--min-words", "10"])
    assert result.exit_code == 0, result.output
    last = result.stdout.splitlines()[-1]
    assert last.startswith("mean over 2 test sets: macro-F1 0.") and "| probes: majority " in last


def test_probe_warning_fires_on_a_leaky_dataset(tmp_path: Path) -> None:
    from newscred.training.custom import TableSpec, evaluate_table

    data = _write_table(tmp_path / "leaky.csv", _user_rows(leaky=True))
    result = evaluate_table(None, [str(data)], TableSpec(text_col="body", label_col="verdict"), split="random", n_folds=3)
    entry = result["results"]["leaky"]
    assert entry["probes"]["source"]["macro_f1"] > 0.9
    assert entry["leaky"] and any("source probe" in w for w in entry["warnings"])


@pytest.mark.parametrize(
    "mutate, args, messages",
    [
        (lambda rows: rows, ["--text-col", "content"], ["'content'", "text_col= / --text-col"]),
        (lambda rows: [dict(r, verdict="FAKE") for r in rows], [], ["only one class", "--label-map"]),
        # data row 6 is line 7 of the file (the header is line 1)
        (lambda rows: rows[:5] + [dict(rows[5], verdict="maybe")] + rows[6:], [],
         ["bad.csv: line 7 (id '5'): unknown label 'maybe'", "label_map= / --label-map"]),
    ],
    ids=["missing column", "one class", "unknown label"],
)
def test_bad_training_data_gets_a_clear_error(tmp_path: Path, mutate, args: list[str], messages: list[str]) -> None:
    data = _write_table(tmp_path / "bad.csv", mutate(_user_rows(40)))
    argv = ["train", str(data), "--text-col", "body", "--label-col", "verdict", *args, "-o", str(tmp_path / "m")]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error [")]
    for message in messages:
        assert message in error
    assert not (tmp_path / "m").exists()


def test_train_leaves_out_unusable_rows_and_counts_them_by_reason(tmp_path: Path) -> None:
    rows = _user_rows(40)
    for i in (3, 20):
        rows[i]["body"] = ""  # data rows 4 and 21: lines 5 and 22
    rows[10]["body"] = "far too short"
    rows[11]["verdict"] = ""
    data = _write_table(tmp_path / "gaps.csv", rows)
    out = tmp_path / "m"
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--id-col", "doc",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = [line for line in result.stderr.splitlines() if "left out" in line]
    assert summary == [f"warning: left out 4 of 40 rows: 2 with an empty text ({data} lines 5, 22); 1 under 50 words "
                       "(min_words= / --min-words); 1 without a label (empty, or mapped to ignore); 36 used"]
    prep = json.loads((out / "metrics.json").read_text())["data"]["preparation"]["gaps"]
    assert (prep["rows"], prep["empty"], prep["too_short"], prep["unlabelled"], prep["kept"]) == (40, 2, 1, 1, 36)


def test_label_map_extends_the_built_in_words(tmp_path: Path) -> None:
    rows = _user_rows(40)
    for r in rows[:16]:
        r["verdict"] = {"FAKE": "kinda", "Legit": "maybe"}[r["verdict"]]
    data = _write_table(tmp_path / "mixed.csv", rows)
    words = tmp_path / "words.txt"
    words.write_text("maybe=reliable\nkinda=unreliable\n")
    argv = ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--label-map", str(words)]
    result = CliRunner().invoke(main, [*argv, "-o", str(tmp_path / "a")])
    # FAKE and Legit still mean what the built-in table says: no unknown label, nothing dropped
    assert result.exit_code == 0, result.output
    assert "left out" not in result.stderr
    # a word the map names overrides the built-in meaning
    words.write_text("maybe=reliable\nkinda=unreliable\nlegit=ignore\n")
    result = CliRunner().invoke(main, [*argv, "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    legit = sum(r["verdict"] == "Legit" for r in rows)
    assert f"{legit} without a label" in result.stderr
    assert "It extends the built-in words" in " ".join(CliRunner().invoke(main, ["train", "--help"]).output.split())


def _dated(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [dict(r, date=f"2020-{1 + i * 12 // len(rows):02d}-15") for i, r in enumerate(rows)]


def test_train_time_split_takes_a_cutoff(tmp_path: Path) -> None:
    data = _write_table(tmp_path / "dated.csv", _dated(_user_rows(60)))
    out = tmp_path / "m"
    base = ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--date-col", "date"]
    result = CliRunner().invoke(main, [*base, "--split", "time", "--cutoff", "2020-09-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split"] == "time" and metrics["folds"][0]["fold"] == "on or after 2020-09-01"
    assert metrics["folds"][0]["test"] == sum(1 for r in _dated(_user_rows(60)) if r["date"] >= "2020-09-01")
    bad = CliRunner().invoke(main, [*base, "--split", "time", "--cutoff", "soon", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "--cutoff must be a date" in bad.stderr


@pytest.mark.parametrize(
    "command, args, message",
    [
        ("train", ["--cutoff", "2020-09-01"], "--cutoff is the date of a time split"),
        ("evaluate", ["--split", "random", "--cutoff", "2020-09-01"], "--cutoff is the date of a time split"),
        ("train", ["--split", "time", "--date-col", "date", "--folds", "3"], "--folds applies to random and group splits"),
        ("evaluate", ["--split", "time", "--date-col", "date", "--folds", "3"], "--folds applies to random and group splits"),
    ],
)
def test_options_a_split_would_ignore_are_refused(tmp_path: Path, command: str, args: list[str], message: str) -> None:
    data = _write_table(tmp_path / "dated.csv", _dated(_user_rows(40)))
    head = [command, str(data)] if command == "train" else [command, "builtin:default", str(data)]
    tail = ["-o", str(tmp_path / "m")] if command == "train" else []
    result = CliRunner().invoke(main, [*head, "--text-col", "body", "--label-col", "verdict", *args, *tail])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "m").exists()


def test_recipe_refuses_options_it_would_ignore(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["train", "--recipe", "default", "--text-col", "body", "--folds", "3",
                                       "-o", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--text-col, --folds would be ignored" in result.output


def test_make_folds_refuses_settings_of_another_split() -> None:
    from newscred.errors import ConfigError
    from newscred.training.custom import make_folds

    docs, clusters = _docs([(i % 2, i, i, i) for i in range(20)])
    with pytest.raises(ConfigError, match="cutoff"):
        make_folds(docs, clusters, "random", cutoff="2020-01-01")
    with pytest.raises(ConfigError, match="n_folds"):
        make_folds(docs, clusters, "cross-dataset", n_folds=3)
    assert len(make_folds(docs, clusters, "random")) == 5


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


def test_the_bundled_model_recognises_its_own_training_texts_in_a_user_s_file(tmp_path: Path, shared_data: Path) -> None:
    """A sample of a corpus the default model was trained on, re-saved as the user's own TSV:
    no digest matches, but the texts do, and 'as shipped' is marked IN-SAMPLE with a count."""
    import csv

    rows = [json.loads(line) for line in (shared_data / "perez_rosas_celebrity" / "data.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r.get("label") in ("legit", "fake")][::3][:120]
    path = tmp_path / "celeb.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["body", "verdict"])
        writer.writerows([[r["text"], r["label"]] for r in rows])
    result = CliRunner().invoke(main, ["evaluate", "builtin:default", str(path), "--text-col", "body", "--label-col",
                                       "verdict", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert next(x for x in result.stdout.splitlines() if x.startswith("celeb:")).endswith("(IN-SAMPLE)")
    assert "texts the artifact was trained on" in result.stderr


def test_a_model_trained_on_short_texts_scores_them_itself(tmp_path: Path) -> None:
    import newscred

    rng = random.Random(8)
    rows = [{"body": _article(rng, _BAD if i % 2 else _GOOD, n=25), "verdict": "FAKE" if i % 2 else "Legit"}
            for i in range(120)]
    data = _write_table(tmp_path / "posts.csv", rows)
    out = tmp_path / "posts-model"
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict",
                                       "--min-words", "10", "--name", "posts", "-o", str(out)])
    assert result.exit_code == 0, result.output
    post = _article(random.Random(99), _BAD, n=25)
    mine = newscred.load(out).analyze(post)
    assert mine.model.name == "posts" and mine.label != "uncertain"  # not handed to the claim model
    assert newscred.load(out).analyze(" ".join(post.split()[:6])).model.name == "claim"  # under its own min_words
    assert newscred.load().analyze(post).model.name == "claim"  # the bundled model keeps its 60-word rule
    assert "under 10 words go to the claim" in (out / "README.md").read_text()


def test_every_data_file_is_its_own_dataset_whatever_its_name() -> None:
    from newscred.errors import ConfigError
    from newscred.training.custom import source_names

    assert source_names(["a/data.csv", "b/data.csv", "c.csv", "shared:liar"]) == ["a/data", "b/data", "c", None]
    assert source_names(["a/data.csv", "a/data.jsonl"]) == ["a/data.csv", "a/data.jsonl"]  # one folder, one stem
    assert source_names(["liar.csv", "shared:liar"])[0].endswith("/liar")  # never the shared set's own name
    names = source_names(["stdin.csv", "-"])
    assert names[1] == "stdin" and names[0] != "stdin"
    with pytest.raises(ConfigError, match="given twice"):
        source_names(["a/data.csv", "./a/data.csv"])
    with pytest.raises(ConfigError, match="single string"):
        source_names("a/data.csv")  # type: ignore[arg-type]


def test_training_weights_balance_sub_collections_when_asked() -> None:
    # the FakeNewsNet crawl's shape: one lopsided collection (9 fakes to 1) and one even one
    from newscred.training.prepare import balanced_weights

    spec = [("gossipcop", 1)] * 90 + [("gossipcop", 0)] * 10 + [("politifact", 1)] * 20 + [("politifact", 0)] * 20
    crawl = [Doc(f"c{i}", "crawl", "crawl", f"c{i}", y, ["w"] * 60, subset=s, collection=s) for i, (s, y) in enumerate(spec)]
    # an official split is not a collection: LIAR's train and valid halves must not become cells
    other = [Doc(f"o{i}", "other", "other", f"o{i}", i % 2, ["w"] * 60, subset="valid" if i < 6 else "train") for i in range(30)]
    docs = crawl + other

    def totals(w, key):
        out: dict = {}
        for d, x in zip(docs, w):
            out[key(d)] = out.get(key(d), 0.0) + x
        return out

    by_dataset = totals(balanced_weights(docs), lambda d: (d.dataset, d.y))
    assert len(by_dataset) == 4 and max(by_dataset.values()) == pytest.approx(min(by_dataset.values()))
    by_subset = totals(balanced_weights(docs, subsets=True), lambda d: (d.dataset, d.collection, d.y))
    assert len(by_subset) == 6 and max(by_subset.values()) == pytest.approx(min(by_subset.values()))
    # with dataset cells GossipCop still makes up 90 of the crawl's 110 fakes; with sub-collection cells, half
    fakes = [d.subset == "gossipcop" for d in crawl if d.y == 1]
    for subsets, share in ((False, 90 / 110), (True, 0.5)):
        w = balanced_weights(docs, subsets=subsets)[:len(crawl)][[d.y == 1 for d in crawl]]
        assert w[fakes].sum() / w.sum() == pytest.approx(share)


def test_only_sub_collections_become_weight_cells_never_official_splits(shared_data: Path) -> None:
    from newscred.datasets.registry import load_dataset
    from newscred.training.prepare import prepare

    def collections(name: str, n: int = 4000) -> set:
        docs, _ = prepare((r for i, r in zip(range(n), load_dataset(name, shared_data))), min_words=1)
        return {d.collection for d in docs}

    assert collections("fakenewsnet_crawl_krishg", 10**6) == {"gossipcop", "politifact"}
    assert collections("misinfotext_sfu") == {"buzzfeed", "snopes312"}
    for name in ("liar", "constraint_covid19", "recovery_covid19"):  # train/valid/test there is a split
        assert collections(name) == {None}, name
