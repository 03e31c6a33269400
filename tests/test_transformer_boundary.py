"""The optional transformer sentence model: fine-tuning, decoding, the hashed safetensors artifact,
and its use by the analyzer and the CLI.

A real base model (all-mpnet-base-v2, 440 MB) is too big for a test, so these tests build a
tiny MPNet (2 layers, 32 dims, random weights) with a WordPiece vocabulary of their own, and
train it on a synthetic language whose sentence ends are learnable: every sentence closes with
one of a few words, some of which the tokenizer cuts into two pieces (so the label must sit on a
word's *last* piece).  The real model's quality is measured by benchmarks/boundary_neural.py.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the transformer sentence model needs torch: pip install torch==2.13.0 "
                            "'newscred[neural]' (.ci/run installs it)")
pytest.importorskip("transformers", reason="the transformer sentence model needs transformers: pip install 'newscred[neural]'")

from newscred.claims import sentences as S  # noqa: E402
from newscred.claims.transformer_boundary import (  # noqa: E402
    TransformerBoundaryModel, TransformerParams, fit_transformer)
from newscred.errors import CorruptArtifactError, MissingExtraError, ModelNotFoundError  # noqa: E402

SUBJECTS = "officials police the mayor residents critics the company".split()
VERBS = "said reported announced denied confirmed warned".split()
MIDDLE = "that new rules would cost the city more money over several years in court".split()
# "yesterday" and "today" are two pieces each in the tokenizer below: the label must sit on "##day"
ENDS = "today yesterday again".split()
PIECES = ["to", "yester", "##day"]


def synthetic_doc(rng: random.Random, i: int, sentences: int = 12) -> S.LabelledDoc:
    words: list[str] = []
    ends: list[int] = []
    for _ in range(sentences):
        words += [rng.choice(SUBJECTS), rng.choice(VERBS)] + rng.sample(MIDDLE, rng.randint(2, 6)) + [rng.choice(ENDS)]
        ends.append(len(words) - 1)
    return S.LabelledDoc(id=str(i), dataset="synthetic", words=words, ends=ends[:-1])


@pytest.fixture(scope="module")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny, randomly initialised MPNet saved as a Hugging Face folder (what --base-model takes)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import MPNetConfig, MPNetModel

    folder = tmp_path_factory.mktemp("tiny-mpnet")
    words = sorted({w for group in (SUBJECTS, VERBS, MIDDLE) for phrase in group for w in phrase.split()} | {"again"})
    vocab = ["<s>", "<pad>", "</s>", "<unk>"] + PIECES + words
    tokenizer = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(folder / "tokenizer.json"))
    assert tokenizer.encode("yesterday", add_special_tokens=False).tokens == ["yester", "##day"]
    torch.manual_seed(0)
    config = MPNetConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=80, pad_token_id=1, bos_token_id=0,
                         eos_token_id=2)
    MPNetModel(config).save_pretrained(str(folder))
    return folder


def fit_tiny(base_model: Path, *, bf16: bool) -> TransformerBoundaryModel:
    """150 steps on 60 synthetic articles, decoding tuned on ten of them (one thread: a test
    beside other work must not fight it for cores)."""
    rng = random.Random(0)
    docs = [synthetic_doc(rng, i) for i in range(60)]
    model = fit_transformer(docs, TransformerParams(base_model=str(base_model), steps=150, batch=8, window=32, threads=1,
                                                    learning_rate=3e-3, bf16=bf16), log=lambda line: None)
    assert model.bf16 is bf16
    S.tune_decoding(model, docs[:10])
    return model


@pytest.fixture(scope="module")
def trained(base_model: Path) -> TransformerBoundaryModel:
    return fit_tiny(base_model, bf16=False)


@pytest.fixture(scope="module")
def saved(trained: TransformerBoundaryModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("artifact") / "sentences-tiny"
    heldout = {"synthetic": {"gold_boundaries": 100, "model": {"precision": 0.9, "recall": 0.9, "f1": 0.9}}}
    trained.save(path, metrics={"heldout": heldout})
    return path


def test_fine_tuning_learns_where_sentences_end(trained: TransformerBoundaryModel) -> None:
    fresh = [synthetic_doc(random.Random(1), 100 + i) for i in range(20)]
    result = S.evaluate_docs(trained, fresh)
    assert result["model"]["f1"] >= 0.95, result
    assert result["model"]["f1"] > result["every_20_words"]["f1"] + 0.3
    # every ending word ends a sentence, whether one piece ("again") or two ("yester" "##day")
    doc = fresh[0]
    assert set(trained.boundaries(doc.words)) == set(doc.ends)


def test_labels_and_scores_sit_on_each_word_s_last_piece(trained: TransformerBoundaryModel) -> None:
    ids, labels, word_at = trained._pieces.flatten(["police", "said", "yesterday", "critics", "warned", "again"], [2])
    pieces = [trained.tokenizer.id_to_token(int(i)) for i in ids]
    assert pieces == ["police", "said", "yester", "##day", "critics", "warned", "again"]
    assert labels.tolist() == [0, 0, -1, 1, 0, 0, -1]  # no label on "yester", none on the text's last word
    assert word_at.tolist() == [0, 1, -1, 2, 3, 4, 5]


def test_an_untrained_model_does_not_find_them(base_model: Path) -> None:
    # the test above can fail: without training the same pipeline finds next to nothing
    docs = [synthetic_doc(random.Random(0), i) for i in range(10)]
    untrained = fit_transformer(docs, TransformerParams(base_model=str(base_model), steps=1, batch=2, window=32, threads=1,
                                                        learning_rate=1e-9), log=lambda line: None)
    S.tune_decoding(untrained, docs)
    fresh = [synthetic_doc(random.Random(1), 100 + i) for i in range(20)]
    assert S.evaluate_docs(untrained, fresh)["model"]["f1"] < 0.6


def test_bfloat16_training_and_inference(base_model: Path, trained: TransformerBoundaryModel,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from newscred.claims.transformer_boundary import bf16_available

    monkeypatch.setenv("NEWSCRED_TORCH_BF16", "0")
    assert bf16_available() is False
    monkeypatch.setenv("NEWSCRED_TORCH_BF16", "1")
    assert bf16_available() is True
    half = fit_tiny(base_model, bf16=True)
    fresh = [synthetic_doc(random.Random(1), 100 + i) for i in range(20)]
    assert S.evaluate_docs(half, fresh)["model"]["f1"] >= 0.95
    # the float32 model read in bfloat16 keeps its decisions: scores move by a rounding error, not a verdict
    doc = fresh[0]
    single = trained.scores(doc.words)
    trained.bf16 = True
    try:
        assert abs(trained.scores(doc.words) - single).max() < 0.5
        assert trained.boundaries(doc.words) == S.decode(single, threshold=trained._logit_threshold,
                                                         min_words=trained.min_words, max_words=trained.max_words)
    finally:
        trained.bf16 = False


def test_scores_cover_every_word_across_windows(trained: TransformerBoundaryModel) -> None:
    doc = synthetic_doc(random.Random(2), 0, sentences=40)  # far longer than one 30-piece window
    scores = trained.scores(doc.words)
    assert scores.shape == (len(doc.words),)
    assert (scores > -9.0).all()  # no gap left unscored between windows
    assert trained.scores([]).shape == (0,)


def test_artifact_round_trip_is_exact_and_pickle_free(trained: TransformerBoundaryModel, saved: Path) -> None:
    from newscred.claims.transformer_boundary import bf16_available

    loaded = S.SentenceBoundaryModel.load(saved)
    assert isinstance(loaded, TransformerBoundaryModel)
    assert loaded.bf16 == bf16_available()  # run as fast as this CPU allows...
    loaded.bf16 = trained.bf16  # ...but compare like with like
    assert (loaded.threshold, loaded.min_words, loaded.max_words) == (trained.threshold, trained.min_words,
                                                                     trained.max_words)
    doc = synthetic_doc(random.Random(3), 0)
    assert abs(loaded.scores(doc.words) - trained.scores(doc.words)).max() < 1e-5
    manifest = json.loads((saved / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"config.json", "tokenizer.json", "weights.safetensors", "metrics.json"}
    assert manifest["architecture"] == "transformer"
    assert not [p for p in saved.iterdir() if p.suffix in (".pkl", ".pt", ".bin", ".pickle")]
    assert loaded.info["architecture"] == "transformer" and loaded.info["heldout_f1"] == 0.9


def test_a_tampered_weight_file_is_refused(saved: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    weights = copy / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(CorruptArtifactError, match="weights.safetensors"):
        S.SentenceBoundaryModel.load(copy)


def test_without_torch_loading_says_which_extra(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(MissingExtraError, match=r"newscred\[neural\]"):
        S.SentenceBoundaryModel.load(saved)


def test_training_needs_a_base_model(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="base_model"):
        S.train(tmp_path / "out", architecture="transformer")
    with pytest.raises(SystemExit):
        S.main(["train", "--architecture", "transformer", "-o", str(tmp_path / "out")])
    with pytest.raises(MissingExtraError, match="not a transformer folder"):
        fit_transformer([synthetic_doc(random.Random(0), 0)], TransformerParams(base_model=str(tmp_path)))


def test_train_end_to_end_on_the_shared_articles(base_model: Path, shared_data: Path, tmp_path: Path) -> None:
    """The command's path: label real articles, fine-tune, tune on the validation tenth, measure a
    held-out set, write the artifact and its card, load it back.  (The tiny model knows few of
    the articles' words, so only the plumbing is under test here, not the quality.)"""
    params = TransformerParams(base_model=str(base_model), steps=5, batch=4, window=32, threads=1)
    model = S.train(tmp_path / "model", architecture="transformer", params=params, max_docs=20,
                    heldout_datasets=("perez_rosas_fakenewsamt",), compare_linear=False, log=lambda line: None)
    assert isinstance(model, TransformerBoundaryModel) and model.window == 32
    metrics = json.loads((tmp_path / "model" / "metrics.json").read_text())
    assert metrics["architecture"] == "transformer" and metrics["params"]["steps"] == 5
    assert metrics["heldout"]["perez_rosas_fakenewsamt"]["articles"] > 400
    assert metrics["parameters"] == sum(p.numel() for p in model.encoder.parameters()) + 33
    card = (tmp_path / "model" / "README.md").read_text()
    assert "fine-tuned as a tagger" in card and "--architecture transformer --base-model" in card
    assert "perez_rosas_fakenewsamt" in card
    assert model.info["heldout_f1"] == metrics["heldout"]["perez_rosas_fakenewsamt"]["model"]["f1"]


TEXT = ("officials said that new rules would cost the city money yesterday the mayor warned residents "
        "the company denied that more money in court would cost the city again critics reported several years "
        "of new rules over the city today police confirmed that the city would cost more money in court")


def test_the_analyzer_splits_with_the_model_it_is_given(saved: Path) -> None:
    import newscred

    model = S.SentenceBoundaryModel.load(saved)
    expected = [(s.start, s.end) for s in S.split_normalised(TEXT, model=model)]
    bundled = [(s.start, s.end) for s in S.split_normalised(TEXT)]
    assert expected != bundled  # the test below tells the two apart
    analyzer = newscred.load(sentence_model=saved)
    listing = analyzer.claim_finder.sentence_list(TEXT)
    assert [(r["start"], r["end"]) for r in listing["sentences"]] == expected
    claims = analyzer.analyze(TEXT, mode="article").to_dict()["claims"]
    digest = S.SentenceBoundaryModel.load(saved).info["sha256"]
    assert claims["segmentation"] == "boundary-model"
    assert claims["sentence_model"] == {"architecture": "transformer", "sha256": digest, "heldout_f1": 0.9}
    assert any("boundary F1 0.90" in note for note in claims["notes"])
    assert analyzer.settings()["sentence_model"] == str(saved)


def test_the_environment_variable_and_a_wrong_folder(saved: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import newscred

    monkeypatch.setenv("NEWSCRED_SENTENCE_MODEL", str(saved))
    assert newscred.load().claim_finder.sentence_model_info()["architecture"] == "transformer"
    monkeypatch.delenv("NEWSCRED_SENTENCE_MODEL")
    assert newscred.load().claim_finder.sentence_model_info()["architecture"] == "linear"
    with pytest.raises(ModelNotFoundError, match="no sentence model"):
        newscred.load(sentence_model=tmp_path)
    # claims off: not loaded up front, but the sentence listing (the API's /v1/claims/sentences) still uses it
    quiet = newscred.load(sentence_model=saved, claims=False)
    assert quiet.claim_finder.sentence_list(TEXT)["sentence_model"]["architecture"] == "transformer"


def test_cli_uses_the_sentence_model(saved: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    article = tmp_path / "flat.txt"
    article.write_text(TEXT)
    model = S.SentenceBoundaryModel.load(saved)
    expected = [(s.start, s.end) for s in S.split_normalised(TEXT, model=model)]
    result = CliRunner().invoke(main, ["claims", "sentences", str(article), "--json", "--sentence-model", str(saved)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["start"], r["end"]) for r in rows] == expected
    result = CliRunner().invoke(main, ["analyze", str(article), "--json", "--mode", "article",
                                       "--sentence-model", str(saved)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"]["sentence_model"]["architecture"] == "transformer"


def test_batch_scoring_with_workers_uses_the_sentence_model(saved: Path, tmp_path: Path) -> None:
    import subprocess

    newscred = Path(sys.executable).parent / "newscred"
    if not newscred.exists():
        pytest.skip("console script not installed")
    rows = [{"id": f"r{i}", "text": TEXT if i % 2 else TEXT.replace("officials", "critics")} for i in range(6)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    done = subprocess.run([str(newscred), "score", str(source), "-o", str(out), "--workers", "2", "--claims",
                           "--mode", "article", "--sentence-model", str(saved), "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reports = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in reports] == [r["id"] for r in rows]
    assert all(r["claims"]["sentence_model"]["architecture"] == "transformer" for r in reports)
