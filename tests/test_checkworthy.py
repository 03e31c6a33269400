"""Check-worthiness model: artifact integrity, normalisation invariance, real held-out quality."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from newscred.claims.checkworthy import (
    CheckWorthinessModel,
    average_precision,
    best_f1_threshold,
    classification_metrics,
    default_model_path,
    grouped_ranking_metrics,
    load_split,
    number_count,
    sentence_terms,
    training_sentences,
)
from newscred.errors import CorruptArtifactError, IncompatibleArtifactError
from newscred.text.normalise import normalise


@pytest.fixture(scope="module")
def model() -> CheckWorthinessModel:
    return CheckWorthinessModel.load()


def test_bundled_model_loads_verified_and_small(model: CheckWorthinessModel) -> None:
    assert model.manifest["task"] == "checkworthiness"
    assert len(model.featuriser.vocabulary) > 1000
    size = sum(p.stat().st_size for p in default_model_path().iterdir())
    assert size < 5_000_000
    assert 0.0 < model.threshold < 1.0


def test_tampered_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "checkworthy"
    shutil.copytree(default_model_path(), copy)
    config = copy / "config.json"
    config.write_text(config.read_text().replace('"intercept": ', '"intercept": 1'))
    with pytest.raises(CorruptArtifactError):
        CheckWorthinessModel.load(copy)


def test_other_task_artifact_is_refused(tiny_model_dir: Path) -> None:
    with pytest.raises(IncompatibleArtifactError):
        CheckWorthinessModel.load(tiny_model_dir)


def test_empty_list_gives_empty_array(model: CheckWorthinessModel) -> None:
    scores = model.score([])
    assert isinstance(scores, np.ndarray) and scores.shape == (0,)


def test_a_single_string_is_rejected(model: CheckWorthinessModel) -> None:
    with pytest.raises(TypeError):
        model.score("unemployment fell to 3.5 percent")  # type: ignore[arg-type]


def test_scores_are_probabilities_in_input_order(model: CheckWorthinessModel) -> None:
    sentences = ["Thank you all for being here tonight.", "Unemployment fell to 3.5 percent last year.", ""]
    scores = model.score(sentences)
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))
    reversed_scores = model.score(sentences[::-1])
    np.testing.assert_allclose(reversed_scores[::-1], scores)


def test_factual_number_sentence_outranks_greeting(model: CheckWorthinessModel) -> None:
    claim, greeting = model.score(["unemployment fell to 3.5 percent last year",
                                   "thank you all for being here tonight"])
    assert claim > greeting + 0.3
    assert model.rank(["thank you all for being here tonight",
                       "unemployment fell to 3.5 percent last year"]) == [1, 0]


RAW_SENTENCES = [
    "Unemployment fell to 3.5% last year, the lowest since 1969.",
    "The U.S. has made secret contact with Venezuela's socialist party boss, according to officials.",
    "Cabello, 56, is a major power broker inside Venezuela.",
    "I'm so glad to be here with all of you — what a night!",
    "Hungary bans people from legally changing their gender.",
    "Naïve café owners won't pay the $1,200 fee, says Müller.",
]


def test_raw_and_normalised_sentences_score_the_same(model: CheckWorthinessModel) -> None:
    raw = model.score(RAW_SENTENCES)
    normalised = model.score([normalise(s) for s in RAW_SENTENCES])
    np.testing.assert_allclose(raw, normalised, atol=1e-9)
    # the seed article's style: lower case, no punctuation, apostrophes split off ("venezuela s")
    assert normalise(RAW_SENTENCES[1]).startswith("the u s has made secret contact with venezuela s")


def test_numbers_are_one_feature_and_counted() -> None:
    assert sentence_terms("It fell to 3.5% in 2019.") == ["it", "fell", "to", "#num", "in", "#num"]
    assert sentence_terms("it fell to 3 5 in 2019") == sentence_terms("It fell to 3.5% in 2019.")
    assert number_count(sentence_terms("Two million jobs, up 40 percent")) == 4
    assert number_count(sentence_terms("thank you all")) == 0


def test_ranking_metrics_match_hand_computation() -> None:
    # ranking: pos, neg, pos, neg -> AP = (1/1 + 2/3) / 2
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([0, 0], [0.5, 0.4]) == 0.0
    from newscred.claims.checkworthy import LabelledSentence as S

    rows = [S("a", "", 1, "f1", "x"), S("b", "", 0, "f1", "x"), S("c", "", 0, "f2", "x"), S("d", "", 1, "f2", "x")]
    m = grouped_ranking_metrics(rows, [0.9, 0.1, 0.9, 0.1])
    assert m["map"] == pytest.approx((1.0 + 0.5) / 2)
    assert m["r_precision"] == pytest.approx(0.5) and m["groups"] == 2
    c = classification_metrics([1, 1, 0, 0], [0.9, 0.2, 0.8, 0.1], threshold=0.5)
    assert c["f1_positive"] == pytest.approx(0.5) and c["accuracy"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- real held-out data


@pytest.fixture(scope="module")
def cw_data(shared_data: Path) -> Path:
    if not (shared_data / "checkworthiness_claimbuster_clef").is_dir():
        pytest.skip("checkworthiness_claimbuster_clef not in the shared data root")
    return shared_data


def test_beats_trivial_baselines_on_claimbuster_test(model: CheckWorthinessModel, cw_data: Path) -> None:
    test = load_split("claimbuster_test", cw_data)
    train = load_split("claimbuster_train", cw_data)
    labels = [r.label for r in test]
    ours = classification_metrics(labels, model.score([r.text for r in test]), model.threshold)
    has_number = classification_metrics(labels, [number_count(sentence_terms(r.text)) for r in test], 0.5)
    length_cut = best_f1_threshold([r.label for r in train], [len(sentence_terms(r.text)) for r in train])
    length = classification_metrics(labels, [len(sentence_terms(r.text)) for r in test], length_cut)
    assert ours["macro_f1"] > max(has_number["macro_f1"], length["macro_f1"]) + 0.05
    assert ours["f1_positive"] > max(has_number["f1_positive"], length["f1_positive"])
    assert ours["roc_auc"] > 0.85


def test_ranks_clef2019_test_debates_better_than_numbers(model: CheckWorthinessModel, cw_data: Path) -> None:
    rows = load_split("clef2019_test", cw_data)
    ours = grouped_ranking_metrics(rows, model.score([r.text for r in rows]))
    numbers = grouped_ranking_metrics(rows, [number_count(sentence_terms(r.text)) for r in rows])
    assert ours["groups"] == 7
    assert ours["map"] > numbers["map"]


def test_training_pool_never_contains_evaluation_text(cw_data: Path) -> None:
    pool, report = training_sentences(root=cw_data)
    held_out = {" ".join(sentence_terms(r.text)) for split in ("claimbuster_test", "clef2019_test", "clef2020_test")
                for r in load_split(split, cw_data)}
    assert not any(" ".join(sentence_terms(r.text)) in held_out for r in pool)
    # the 2016 debates in CLEF 2019 training hold ClaimBuster test sentences: they must be dropped
    assert report["clef2019"]["dropped_in_eval_splits"] > 50
    assert {r.source for r in pool} == {"claimbuster", "clef2019", "clef2020"}


def test_scoring_a_40_sentence_article_is_fast(model: CheckWorthinessModel) -> None:
    import time

    article = RAW_SENTENCES * 7  # 42 sentences
    model.score(article)
    t0 = time.perf_counter()
    for _ in range(10):
        model.score(article)
    assert (time.perf_counter() - t0) / 10 < 0.05


def test_vectorised_dot_equals_the_sparse_product() -> None:
    """Scoring multiplies without building the matrix: it must give transform() @ coef, both when
    bigrams are looked up as pairs of unigram columns and, for a vocabulary where that is not
    possible, as text."""
    import re

    import numpy as np

    from newscred.claims.checkworthy import _Featuriser, sentence_terms
    from newscred.claims.extract import ClaimFinder

    from .conftest import EXAMPLES

    model = ClaimFinder.load(None).checkworthiness
    text = " ".join(p.read_text() for p in sorted(EXAMPLES.glob("*.txt")))
    terms = [sentence_terms(s) for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()] + [[], ["one"], ["#num", "percent"]]
    assert model.featuriser._bigram_table is not None
    dense = model.featuriser.transform(terms) @ model.coef
    assert np.allclose(model.featuriser.dot(terms, model.coef), dense, rtol=0, atol=1e-12)

    vocabulary = {"the": 0, "said": 1, "the said": 2, "orphan pair": 3, "#num": 4}  # "orphan" is no unigram
    small = _Featuriser(vocabulary, np.array([1.0, 1.5, 2.0, 3.0, 1.2]))
    coef = np.array([0.5, -1.0, 2.0, 4.0, 0.3, 0.1, 0.2, 0.3, 0.4])
    sample = [["the", "said", "orphan", "pair"], ["orphan", "pair", "#num"], [], ["said"]]
    assert small._bigram_table is None
    assert np.allclose(small.dot(sample, coef), small.transform(sample) @ coef, rtol=0, atol=1e-12)
