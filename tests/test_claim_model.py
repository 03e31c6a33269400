"""The short-claim model: artifact integrity, normalisation invariance, evidence offsets, and
held-out quality of the bundled model on the official test splits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from newscred.errors import CorruptArtifactError, EmptyInputError, IncompatibleArtifactError
from newscred.model.claim import DEFAULT_PATH, LIAR_RATINGS, ClaimModel, char_grams, evaluate, load_claim_data
from newscred.text.normalise import normalise

RAW_CLAIMS = [
    "BREAKING: Drinking hot water with lemon KILLS the #coronavirus!!! Share before they delete it",
    "The CDC reports 1,234 new COVID-19 cases today; see https://t.co/abc123 for the state-by-state data.",
    "Says Barack Obama's health care law will cut Medicare by $716 billion.",
    "Naïve voters don't know that crime rates fell by 20% under the governor's plan.",
]


@pytest.fixture(scope="module")
def model() -> ClaimModel:
    if not (DEFAULT_PATH / "manifest.json").is_file():
        pytest.skip("bundled claim model not built (python -m newscred.model.claim train -o src/newscred/models/claim)")
    return ClaimModel.load()


def test_char_grams_match_scikit_learn_char_wb() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = "a covid 19 vaccine is x"
    ours = sorted(g for w in text.split() for g in char_grams(w, 2, 5))
    theirs_vec = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5))
    counts = theirs_vec.fit_transform([text]).toarray()[0]
    theirs = sorted(g for g, c in zip(theirs_vec.get_feature_names_out(), counts) for _ in range(c))
    assert ours == theirs


def test_artifact_round_trip(model: ClaimModel, tmp_path: Path) -> None:
    copy = model.save(tmp_path / "claim", metrics=model.metrics)
    again = ClaimModel.load(copy)
    np.testing.assert_allclose(again.predict_proba(RAW_CLAIMS), model.predict_proba(RAW_CLAIMS), rtol=0, atol=1e-12)
    assert again.rating_probs(RAW_CLAIMS[2]) == pytest.approx(model.rating_probs(RAW_CLAIMS[2]))
    assert json.loads((copy / "manifest.json").read_text())["task"] == "claim"
    with np.load(copy / "arrays.npz", allow_pickle=False) as npz:  # plain arrays, no pickle
        assert all(npz[k].dtype != object for k in npz.files)
    assert sum(f.stat().st_size for f in copy.iterdir()) < 10_000_000


def test_tampered_artifact_is_refused(model: ClaimModel, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(DEFAULT_PATH, tmp_path / "claim"))
    config = json.loads((copy / "config.json").read_text())
    config["gate_intercept"] += 1.0
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CorruptArtifactError, match="config.json"):
        ClaimModel.load(copy)


def test_article_artifact_is_not_a_claim_model() -> None:
    default = DEFAULT_PATH.parent / "default"
    if not (default / "manifest.json").is_file():
        pytest.skip("bundled article model missing")
    with pytest.raises(IncompatibleArtifactError):
        ClaimModel.load(default)


def test_raw_and_normalised_copies_score_alike(model: ClaimModel) -> None:
    raw = model.predict_proba(RAW_CLAIMS)
    normalised = model.predict_proba([normalise(t) for t in RAW_CLAIMS])
    np.testing.assert_allclose(raw, normalised, atol=1e-9)
    # and the scores are not all the same (the model actually reads the text)
    assert raw.max() - raw.min() > 0.2


def test_explanation_offsets_point_at_the_words(model: ClaimModel) -> None:
    for text in RAW_CLAIMS:
        evidence = model.explain(text, top_k=8)
        assert evidence, text
        for term, weight, start, end in evidence:
            assert normalise(text[start:end]) == term
            assert weight != 0.0
        weights = [abs(w) for _t, w, _s, _e in evidence]
        assert weights == sorted(weights, reverse=True)
    # The evidence is the score's decomposition: with every item, it sums to the logit minus the intercept part.
    text = RAW_CLAIMS[0]
    full = model.explain(text, top_k=10_000)
    X = model.transform([text])
    g = float(model._gate(X)[0])
    z = model._expert_logits(X)[0]
    base = g * (model.expert_intercept[0] * model.expert_calibration[0, 0] + model.expert_calibration[0, 1]) + (1 - g) * (
        model.expert_intercept[1] * model.expert_calibration[1, 0] + model.expert_calibration[1, 1])
    assert sum(w for _t, w, _s, _e in full) == pytest.approx(g * z[0] + (1 - g) * z[1] - base, abs=1e-6)


def test_rating_probs_are_a_distribution(model: ClaimModel) -> None:
    probs = model.rating_probs(RAW_CLAIMS[2])
    assert list(probs) == list(LIAR_RATINGS)
    assert sum(probs.values()) == pytest.approx(1.0)


def test_score_reads_once_and_agrees_with_the_separate_calls(model: ClaimModel, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyzer takes everything from ``score``; it must equal the four separate calls,
    from a single analysis of the text (claim mode used to read each text four times)."""
    texts = [*RAW_CLAIMS, "5G mobile networks DO NOT spread COVID-19 https://t.co/x", "covid is a virus"]
    expected = [(model.p_unreliable(t), model.domain_probs(t), model.rating_probs(t), model.explain(t, top_k=12))
                for t in texts]
    analyses = 0
    analyse = model._analyse

    def counting(text: str):  # type: ignore[no-untyped-def]
        nonlocal analyses
        analyses += 1
        return analyse(text)

    monkeypatch.setattr(model, "_analyse", counting)
    for text, (p, domain, ratings, evidence) in zip(texts, expected):
        got = model.score(text, top_k=12)
        assert got["p_unreliable"] == pytest.approx(p, abs=1e-12)
        assert got["label"] == model.label(p)
        assert got["domain"] == pytest.approx(domain, abs=1e-12)
        assert got["rating_probs"] == pytest.approx(ratings, abs=1e-12)
        assert [(e["term"], e["start"], e["end"]) for e in got["evidence"]] == [(t, s, e) for t, _w, s, e in evidence]
        assert [e["weight"] for e in got["evidence"]] == pytest.approx([w for _t, w, _s, _e in evidence], abs=1e-12)
    assert analyses == len(texts)


def test_batch_probability_and_gate_agree_with_the_single_calls(model: ClaimModel) -> None:
    texts = [*RAW_CLAIMS, "5G mobile networks DO NOT spread COVID-19 https://t.co/x", "covid is a virus"]
    p, gate = model.predict_proba_and_gate(texts)
    assert p == pytest.approx([model.p_unreliable(t) for t in texts], abs=1e-12)
    assert gate == pytest.approx([model.domain_probs(t)[model.experts[0]] for t in texts], abs=1e-12)
    assert len(set(np.round(gate, 6))) > 1  # the gate does tell the texts apart
    with pytest.raises(EmptyInputError):
        model.predict_proba_and_gate(["a claim", " "])


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ???", "\n\t"])
def test_empty_claim_raises(model: ClaimModel, text: str) -> None:
    with pytest.raises(EmptyInputError):
        model.p_unreliable(text)
    with pytest.raises(EmptyInputError):
        model.explain(text)
    with pytest.raises(EmptyInputError):
        model.score(text)


def test_bundled_model_beats_majority_on_official_test_splits(model: ClaimModel, shared_data: Path) -> None:
    # Measured at training time (see the model card): LIAR 6-way 0.249 vs majority 0.208, binary 0.634 vs
    # 0.567; Constraint weighted F1 0.940 vs 0.360 (0.951 when the model could read links: see model_tokens).
    # Asserted with slack so data-reader fixes do not flake.
    data = load_claim_data(shared_data)
    data = {k: v for k, v in data.items() if k in ("liar", "constraint_covid19")}
    res = evaluate(model, data, "test")
    L, C = res["liar"], res["constraint_covid19"]
    assert L["n"] == 1283 and C["n"] == 2140  # the official test splits, LIAR read without quoting
    assert L["accuracy"] >= L["majority_accuracy"] + 0.04
    assert L["six_way"]["accuracy"] >= L["six_way"]["majority_accuracy"] + 0.02
    assert C["weighted_f1"] >= 0.93
    assert C["routed_to"]["health"] > 0.95 and L["routed_to"]["politics"] > 0.95


def test_links_are_not_evidence(model: ClaimModel) -> None:
    """Constraint's reliable posts link to their sources; the model must not learn "has a link"."""
    from newscred.model.claim import model_tokens

    text = "CDC says wear masks https://t.co/AbC123 and https://www.cdc.gov/masks now"
    words = [t.text for t in model_tokens(text)]
    assert "https" not in words and "abc123" not in words and "www" not in words
    assert words == [t.text for t in model_tokens(normalise(text))]
    # a shortened link changes nothing at all
    assert model.p_unreliable(text.replace("https://t.co/AbC123", "")) == pytest.approx(model.p_unreliable(text), abs=1e-12)


@pytest.fixture()
def my_claim_model(tmp_path: Path) -> Path:
    """The bundled claim model under another name: a model a user trained, as far as loading goes."""
    mine = tmp_path / "my-claims"
    shutil.copytree(DEFAULT_PATH, mine)
    manifest = json.loads((mine / "manifest.json").read_text())
    (mine / "manifest.json").write_text(json.dumps({**manifest, "name": "my-claims"}))
    return mine


def test_a_claim_model_you_trained_reads_the_short_texts(my_claim_model: Path) -> None:
    import newscred
    from newscred.errors import ModelNotFoundError

    analyzer = newscred.load(claim_model=my_claim_model, claims=False)
    report = analyzer.analyze("Says vaccines cause autism in most children who get them.")
    assert report.content.mode == "claim" and report.model.name == "my-claims"
    assert analyzer.analyze("x " * 400).model.name == analyzer.model_info.name  # articles stay with the article model
    assert analyzer.settings()["claim_model"] == str(my_claim_model)
    with pytest.raises(ModelNotFoundError, match="no claim model at"):
        newscred.load(claim_model=my_claim_model / "missing")


def test_a_tampered_claim_model_is_refused_when_loaded(my_claim_model: Path) -> None:
    import newscred

    data = bytearray((my_claim_model / "arrays.npz").read_bytes())
    data[-100] ^= 0xFF
    (my_claim_model / "arrays.npz").write_bytes(bytes(data))
    with pytest.raises(CorruptArtifactError):
        newscred.load(claim_model=my_claim_model)  # at load, not at the first short text of a batch


def test_claim_model_option_and_environment_variable(my_claim_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["analyze", "-", "--json", "--no-claims", "--claim-model", str(my_claim_model)],
                           input="Says the moon landing was faked by the government.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["model"]["name"] == "my-claims"
    monkeypatch.setenv("NEWSCRED_CLAIM_MODEL", str(my_claim_model))
    result = runner.invoke(main, ["analyze", "-", "--json", "--no-claims"], input="Says the moon landing was faked.")
    assert json.loads(result.output)["model"]["name"] == "my-claims"

