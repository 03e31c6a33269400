"""Adapting a model to an unlabelled corpus (self-training): it reads the corpus's texts and never
its labels, learns the corpus's own vocabulary, and says so in the card."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newscred.cli import main
from newscred.datasets.record import Record
from newscred.errors import ConfigError, DataError
from newscred.evaluation.protocol import cross_validate, fit_model
from newscred.evaluation.splits import cross_dataset_folds
from newscred.model.content import ContentParams
from newscred.training.adapt import MIN_TARGET_ARTICLES, AdaptParams, adapt_model, load_target, pseudo_labels
from newscred.training.prepare import NO_LABEL, Doc

from .test_evaluation import _write_table

# the training corpus marks its classes with these words ...
_GOOD = "the minister said on tuesday that officials confirmed the figures in a statement to the agency".split()
_BAD = "you won t believe this shocking secret the elites are hiding share this now before they delete it".split()
# ... and the target corpus, from other sources, mostly with words of its own, one class each
_TARGET_GOOD = "council ledger quarterly audit municipal tender bylaw committee minutes zoning".split()
_TARGET_BAD = "miracle detox banned cure doctors hate glowing exposed hidden remedy".split()


def _text(rng: random.Random, words: list[str], n: int = 60) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def _training_docs(n: int = 120, seed: int = 1) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        y = i % 2
        # a quarter of the labels disagree with the words: a good model, not a perfect one
        words = (_BAD if (y == 1) == (rng.random() > 0.25) else _GOOD)
        docs.append(Doc(f"t{i}", "train", "train", "", y, _text(rng, words).split()))
    return docs


def _target_records(n: int = 160, seed: int = 2, flip: bool = False) -> list[Record]:
    """Target articles: mostly words of their own, and a few training words, which lean the right
    way only a little more often than the wrong way: a weak start for the model."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        fake = i % 2 == 1
        own, right, wrong = (_TARGET_BAD, _BAD, _GOOD) if fake else (_TARGET_GOOD, _GOOD, _BAD)

        def word() -> str:
            r = rng.random()
            return rng.choice(own if r < 0.8 else right if r < 0.91 else wrong)

        text = " ".join(word() for _ in range(60))
        label = "unreliable" if fake != flip else "reliable"
        records.append(Record(id=f"x{i}", dataset="target", text=text, label=label))
    return records


def test_adaptation_settings_that_cannot_work_are_refused() -> None:
    for kwargs, words in (({"share": 0}, "share"), ({"share": 1.5}, "share"), ({"weight": 0}, "weight"),
                          ({"rounds": 0}, "rounds")):
        with pytest.raises(ConfigError, match=words):
            AdaptParams(**kwargs)


def test_a_target_corpus_is_read_without_its_labels_and_counts_what_it_leaves_out() -> None:
    records = _target_records(120) + [Record(id="e", dataset="target", text="  "),
                                       Record(id="s", dataset="target", text="too short to learn from")]
    target = load_target(records, "mine.jsonl", min_words=50)
    assert len(target.docs) == 120 and {d.y for d in target.docs} == {NO_LABEL}
    assert target.stats == {"rows": 122, "empty": 1, "not_sampled": 0, "too_short": 1, "kept": 120}
    summary = target.summary()
    assert summary["corpus"] == "mine.jsonl" and summary["pseudo_labelled"] == 60
    assert summary["left_out"] == {"empty": 1, "too_short": 1} and len(summary["words_sha256"]) == 64
    with pytest.raises(DataError, match=f"{MIN_TARGET_ARTICLES - 1} usable article.*at least {MIN_TARGET_ARTICLES}"):
        load_target(_target_records(MIN_TARGET_ARTICLES - 1), "small.csv", min_words=50)


def test_a_big_target_corpus_is_streamed_once_and_sampled_uniformly() -> None:
    read: list[int] = []
    calls: list[int] = []

    def corpus():
        for i, r in enumerate(_target_records(25_000)):
            read.append(i)
            yield dataclasses.replace(r, id=f"x{i}")

    target = load_target(corpus(), "big.jsonl", min_words=50, max_articles=500, progress=calls.append)
    assert len(read) == 25_000 and calls == [10_000, 20_000]
    assert len(target.docs) == 500 and target.stats["not_sampled"] == 24_500
    assert target.summary()["left_out"] == {"not_sampled": 24_500}
    picked = sorted(int(d.id[1:]) for d in target.docs)
    # uniform over the whole stream, not its head: each fifth of it holds about a fifth of the sample
    fifths = np.bincount(np.array(picked) // 5_000, minlength=5)
    assert fifths.min() > 60 and fifths.max() < 140
    again = load_target((dataclasses.replace(r, id=f"x{i}") for i, r in enumerate(_target_records(25_000))),
                        "big.jsonl", min_words=50, max_articles=500)
    assert [d.id for d in again.docs] == [d.id for d in target.docs]  # the same corpus, the same sample


def test_pseudo_labels_are_the_most_confident_share_from_each_end() -> None:
    class CountsBadWords:
        def decision(self, words: list[str]) -> tuple[float]:
            return (float(sum(w in _TARGET_BAD for w in words)),)

    target = load_target(_target_records(200), "t", min_words=50).docs
    pseudo, z = pseudo_labels(CountsBadWords(), target, share=0.3)
    assert len(pseudo) == 60 and sum(d.y for d in pseudo) == 30
    order = np.sort(z)
    lowest = [z[i] for i, d in enumerate(target) if d.id in {p.id for p in pseudo if p.y == 0}]
    highest = [z[i] for i, d in enumerate(target) if d.id in {p.id for p in pseudo if p.y == 1}]
    assert max(lowest) <= order[29] and min(highest) >= order[-30]


def test_adaptation_learns_the_target_s_own_words_and_never_reads_its_labels() -> None:
    params = ContentParams()
    train = _training_docs()
    base = fit_model(train, params)
    target = load_target(_target_records(), "t", min_words=50)
    adapted = adapt_model(base, train, target.docs, params)

    def weight(model, word: str) -> float:
        column = model.blocks_[0].index.get(word)
        return 0.0 if column is None else float(model.coef_[column])

    # the base model has never seen the target's own words; the adapted one weighs them the right way
    assert all(weight(base, w) == 0.0 for w in _TARGET_BAD + _TARGET_GOOD)
    assert np.mean([weight(adapted, w) for w in _TARGET_BAD]) > 0 > np.mean([weight(adapted, w) for w in _TARGET_GOOD])
    y = np.array([i % 2 for i in range(len(target.docs))])
    z_base = np.array([base.decision(d.words)[0] for d in target.docs])
    z_adapted = np.array([adapted.decision(d.words)[0] for d in target.docs])
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y, z_adapted) > roc_auc_score(y, z_base)
    # the same texts with every label flipped give the same model: labels are never read
    flipped = adapt_model(base, train, load_target(_target_records(flip=True), "t", min_words=50).docs, params)
    assert np.array_equal(flipped.coef_, adapted.coef_) and flipped.intercept_ == adapted.intercept_


def test_the_target_decides_terms_the_labelled_datasets_disagree_on() -> None:
    """Two labelled datasets: "bulletin" marks fakes in one and real news in the other, so the
    default's consistent-terms rule gives it no weight.  In the target, the fakes say "bulletin":
    the adapted model, which weighs every term, learns that it marks fakes *there*."""
    train = []
    for i, d in enumerate(_training_docs(160)):
        dataset = "a" if i % 4 < 2 else "b"
        marked = (d.y == 1) == (dataset == "a")
        train.append(Doc(d.id, dataset, dataset, "", d.y, d.words + (["bulletin"] * 3 if marked else [])))
    params = ContentParams()
    base = fit_model(train, params)
    assert base.consistency_groups_ == 2 and base.coef_[base.blocks_[0].index["bulletin"]] == 0.0
    records = [dataclasses.replace(r, text=r.text + " bulletin" * 3) if r.label == "unreliable" else r
               for r in _target_records()]
    adapted = adapt_model(base, train, load_target(records, "t", min_words=50).docs, params)
    assert adapted.consistency_groups_ == 0 and adapted.coef_[adapted.blocks_[0].index["bulletin"]] > 0


def test_cross_validation_hands_adaptation_each_test_side_without_labels() -> None:
    docs = _training_docs(90)
    docs = [Doc(d.id, f"ds{i % 3}", f"ds{i % 3}", "", d.y, d.words) for i, d in enumerate(docs)]
    folds = cross_dataset_folds(docs, list(range(len(docs))))
    seen: list[tuple[set[str], set[str], set[int]]] = []

    def spy(model, train, test):
        seen.append(({d.dataset for d in train}, {d.dataset for d in test}, {d.y for d in test}))
        return model

    cross_validate(docs, folds, ContentParams(), split="cross-dataset", probes=(), ci=False, adapt=spy)
    assert [(tr, te) for tr, te, _ in seen] == [({"ds0", "ds1", "ds2"} - {f.name}, {f.name}) for f in folds]
    assert all(labels == {NO_LABEL} for _, _, labels in seen)


def test_a_time_split_calibrates_on_inner_folds_adapted_like_the_outer_one() -> None:
    """One fold (a time split) is calibrated on inner cross-validated logits: those inner models
    are adapted to their own (label-free) test texts too, or the calibration would describe
    another model than the one it calibrates."""
    from newscred.evaluation.splits import time_split

    docs = [dataclasses.replace(d, date=f"2020-{1 + i % 12:02d}-01") for i, d in enumerate(_training_docs(120))]
    folds = time_split(docs, list(range(len(docs))))
    calls: list[tuple[int, set[int]]] = []

    def spy(model, train, test):
        calls.append((len(test), {d.y for d in test}))
        return model

    cross_validate(docs, folds, ContentParams(), split="time", probes=(), ci=False, adapt=spy)
    assert len(calls) == 1 + 3  # the outer fold, then its three inner folds
    assert calls[0][0] == len(folds[0].test) and sum(n for n, _ in calls[1:]) == len(folds[0].train)
    assert all(labels == {NO_LABEL} for _, labels in calls)


# ----------------------------------------------------------------- the command line
def _tables(tmp_path: Path, target_rows: int = 160) -> tuple[Path, Path]:
    train = _write_table(tmp_path / "labelled.csv", [{"body": " ".join(d.words), "verdict": "fake" if d.y else "real"}
                                              for d in _training_docs()])
    target = _write_table(tmp_path / "to_score.csv", [{"story": r.text} for r in _target_records(target_rows)])
    return train, target


def test_train_adapts_to_an_unlabelled_corpus_and_says_so_in_the_card(tmp_path: Path) -> None:
    import newscred

    train, target = _tables(tmp_path)
    out = tmp_path / "adapted"
    result = CliRunner().invoke(main, ["train", str(train), "--text-col", "body", "--label-col", "verdict",
                                       "--adapt-to", str(target), "--adapt-text-col", "story", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"adapted to {target} (160 articles)" in result.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["adaptation"]["articles"] == 160 and metrics["adaptation"]["pseudo_labelled"] == 80
    card = (out / "README.md").read_text()
    assert "## Adapted to an unlabelled corpus" in card and f"**{target}**" in card
    assert "each fold adapted to its own held-out texts" in card
    analyzer = newscred.load(str(out))
    bad = analyzer.analyze(_text(random.Random(9), _TARGET_BAD, 80))
    good = analyzer.analyze(_text(random.Random(9), _TARGET_GOOD, 80))
    assert bad.content.p_unreliable > good.content.p_unreliable
    # a hand-labelled sample of the corpus, evaluated: the recipe's folds are adapted like the model
    sample = _write_table(tmp_path / "sample.csv", [{"story": r.text, "verdict": r.label} for r in _target_records(120, seed=7)])
    report = tmp_path / "report"
    done = CliRunner().invoke(main, ["evaluate", str(out), str(sample), "--text-col", "story", "--label-col", "verdict",
                                     "--split", "random", "--folds", "3", "--report", str(report)])
    assert done.exit_code == 0, done.output
    saved = json.loads((report / "report.json").read_text())
    assert f"each fold's model adapted to its own test texts (never their labels) as the artifact was to {target}" in saved["protocol"]
    assert saved["results"]["sample"]["shipped"]["roc_auc"] > 0.9


def test_adaptation_problems_are_refused_before_any_training(tmp_path: Path) -> None:
    train, target = _tables(tmp_path, target_rows=MIN_TARGET_ARTICLES - 1)
    base = ["train", str(train), "--text-col", "body", "--label-col", "verdict"]
    lonely = CliRunner().invoke(main, [*base, "--adapt-text-col", "story", "-o", str(tmp_path / "m1")])
    assert lonely.exit_code == 2 and "give --adapt-to CORPUS too" in lonely.stderr
    small = CliRunner().invoke(main, [*base, "--adapt-to", str(target), "--adapt-text-col", "story", "-o", str(tmp_path / "m2")])
    assert small.exit_code == 1 and f"adaptation needs at least {MIN_TARGET_ARTICLES}" in small.stderr
    wrong = CliRunner().invoke(main, [*base, "--adapt-to", str(target), "-o", str(tmp_path / "m3")])
    assert wrong.exit_code == 1 and "--adapt-text-col" in wrong.stderr and "'story'" in wrong.stderr
    assert not (tmp_path / "m2").exists() and not (tmp_path / "m3").exists()
