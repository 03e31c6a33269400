from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from newscred.errors import CorruptArtifactError, IncompatibleArtifactError, ModelNotFoundError
from newscred.model.artifact import load_artifact, read_manifest, verify_artifact
from newscred.model.content import ContentModel, ContentParams

from .conftest import synthetic_docs


def test_inference_vectoriser_matches_scikit_learn() -> None:
    """Our few-line TF-IDF must equal TfidfVectorizer exactly, block by block."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs, y = synthetic_docs()
    model = ContentModel(ContentParams(min_df=1, max_df=1.0, fw_top_k=10)).fit(docs, y)
    for block in model.blocks_:
        vec = TfidfVectorizer(analyzer=lambda d, p=block.prefix: model.block_grams(p, d), sublinear_tf=True,
                              vocabulary={t: i for i, t in enumerate(block.terms)})
        vec.idf_ = block.idf
        expected = vec.transform(docs[:5]).toarray()
        for row, doc in enumerate(docs[:5]):
            ours = np.zeros(len(block.terms))
            for column, weight in model.term_weights(doc).items():
                if block.offset <= column < block.offset + len(block.terms):
                    ours[column - block.offset] = weight
            np.testing.assert_allclose(ours, expected[row], atol=1e-12)


def test_contributions_sum_to_the_logit() -> None:
    docs, y = synthetic_docs()
    model = ContentModel(ContentParams(min_df=1, max_df=1.0, fw_top_k=10)).fit(docs, y)
    z, terms, style = model.decision(docs[3])
    assert z == pytest.approx(model.intercept_ + sum(terms.values()) + style.sum())


def test_model_separates_its_training_classes() -> None:
    docs, y = synthetic_docs()
    model = ContentModel(ContentParams(min_df=1, max_df=1.0, fw_top_k=10)).fit(docs, y)
    p = model.predict_proba_words(docs)
    assert ((p > 0.5).astype(int) == np.array(y)).mean() == 1.0


def test_artifact_round_trip_gives_identical_scores(tiny_model_dir: Path) -> None:
    docs, y = synthetic_docs(seed=11)
    loaded = load_artifact(tiny_model_dir)
    again = load_artifact(tiny_model_dir)
    np.testing.assert_allclose(loaded.model.predict_proba_words(docs), again.model.predict_proba_words(docs))
    assert loaded.sha256 == again.sha256
    assert loaded.manifest["format_version"] == 1
    assert set(loaded.manifest["files"]) >= {"config.json", "vocabulary.json", "arrays.npz", "lexicon.json"}


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    return dst


def test_tampered_weights_are_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(tiny_model_dir, tmp_path)
    data = bytearray((model / "arrays.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "arrays.npz").write_bytes(bytes(data))
    with pytest.raises(CorruptArtifactError, match="arrays.npz .*modified"):
        load_artifact(model)


def test_tampered_config_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(tiny_model_dir, tmp_path)
    config = json.loads((model / "config.json").read_text())
    config["intercept"] += 5
    (model / "config.json").write_text(json.dumps(config))
    with pytest.raises(CorruptArtifactError, match="config.json"):
        load_artifact(model)


def test_unknown_format_version_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(tiny_model_dir, tmp_path)
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["format_version"] = 99
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IncompatibleArtifactError, match="format version 99"):
        read_manifest(model)


def test_missing_file_and_path_escape_are_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(tiny_model_dir, tmp_path)
    (model / "lexicon.json").unlink()
    with pytest.raises(CorruptArtifactError, match="lexicon.json"):
        verify_artifact(model)
    model2 = tmp_path / "model2"
    shutil.copytree(tiny_model_dir, model2)
    manifest = json.loads((model2 / "manifest.json").read_text())
    manifest["files"]["../../etc/passwd"] = "sha256:00"
    (model2 / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CorruptArtifactError, match="outside"):
        verify_artifact(model2)


def test_missing_model_directory_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="builtin:default"):
        load_artifact(tmp_path / "nope")


def test_artifact_loads_without_pickle(tiny_model_dir: Path) -> None:
    """The weights file must be plain arrays: np.load with allow_pickle=False reads it all."""
    with np.load(tiny_model_dir / "arrays.npz", allow_pickle=False) as npz:
        assert all(npz[key].dtype.kind == "f" for key in npz.files)
    assert not list(tiny_model_dir.glob("*.pkl")) and not list(tiny_model_dir.glob("*.joblib"))


def test_every_bundled_artifact_verifies_and_none_loads_as_another_task() -> None:
    from click.testing import CliRunner

    import newscred
    from newscred.analyzer import BUILTIN_MODELS
    from newscred.cli import main
    from newscred.errors import IncompatibleArtifactError

    runner = CliRunner()
    listing = runner.invoke(main, ["models", "list"])
    assert listing.exit_code == 0, listing.output
    for name in BUILTIN_MODELS:
        assert f"builtin:{name}" in listing.output
        result = runner.invoke(main, ["models", "verify", f"builtin:{name}"])
        assert result.exit_code == 0 and result.output.startswith("OK:"), result.output
    with pytest.raises(IncompatibleArtifactError, match="task 'claim'"):
        newscred.load("builtin:claim")


def _two_corpora() -> tuple[list[list[str]], list[int], list[str]]:
    """Two corpora where "cue" marks unreliable text in both, and "topic" marks unreliable text
    in corpus a but reliable text in corpus b (a collection artefact, not a reliability cue)."""
    rng = np.random.default_rng(3)
    filler = [f"w{i}" for i in range(40)]
    docs, y, groups = [], [], []
    for group, topic_label in (("a", 1), ("b", 0)):
        for i in range(60):
            label = i % 2
            words = list(rng.choice(filler, 30))
            if label == 1:
                words += ["cue"] * 3
            if label == topic_label:
                words += ["topic"] * 3
            docs.append(words)
            y.append(label)
            groups.append(group)
    return docs, y, groups


def test_consistent_columns_keep_only_terms_that_agree_in_every_group() -> None:
    from newscred.model.content import consistent_columns

    X = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # rows: a+, a-, b+, b-
    y = np.array([1, 0, 1, 0])
    keep, n = consistent_columns(X, y, ["a", "a", "b", "b"])
    assert n == 2 and keep.tolist() == [True, False]
    keep, n = consistent_columns(X, y, ["a"] * 4)  # one group: no selection possible
    assert n == 0 and keep.all()
    keep, n = consistent_columns(X, y, ["a", "a", "b", "c"])  # b and c hold one class each: skipped
    assert n == 0 and keep.all()


def test_fit_zeroes_terms_that_flip_between_training_datasets() -> None:
    docs, y, groups = _two_corpora()
    params = ContentParams(min_df=1, max_df=1.0, fw_top_k=0, style_scale=0.0)
    model = ContentModel(params).fit(docs, y, groups=groups)
    words = model.blocks_[0]
    assert model.consistency_groups_ == 2
    assert model.coef_[words.offset + words.index["cue"]] > 0
    assert model.coef_[words.offset + words.index["topic"]] == 0.0  # flips sign: no weight
    assert "topic" in words.index  # still in the vocabulary, so the TF-IDF norm is unchanged
    every = ContentModel(ContentParams(min_df=1, max_df=1.0, fw_top_k=0, style_scale=0.0, consistent_terms=False)).fit(docs, y, groups=groups)
    assert every.consistency_groups_ == 0 and every.coef_[words.offset + words.index["topic"]] != 0.0
    assert model.term_summary() == {"total": model.n_terms, "weighted": int(np.count_nonzero(model.coef_[: model.n_terms])), "groups": 2}


def test_bundled_model_weights_only_terms_consistent_across_its_training_sets() -> None:
    """The shipped recipe: consistency checked over all seven article sets, and only a few percent
    of the vocabulary carries weight (the rest serves the TF-IDF norm)."""
    import newscred

    analyzer = newscred.load()
    model = analyzer.artifact.model
    metrics = analyzer.artifact.metrics
    assert model.consistency_groups_ == 7 == metrics["terms"]["groups"]
    assert model.term_summary() == metrics["terms"]
    weighted = metrics["terms"]["weighted"]
    assert 0 < weighted < 0.05 * metrics["terms"]["total"]
    words = model.blocks_[0]
    # Topic words whose direction flips between the corpora (politics in BuzzFeed, celebrities in
    # GossipCop) must not count as evidence either way.
    for word in ("trump", "clinton", "celebrity"):
        assert model.coef_[words.offset + words.index[word]] == 0.0, word


# ----------------------------------------------------------------- where an artifact may be written
def test_write_bundle_refuses_what_is_not_a_bundle_of_its_task(tmp_path: Path) -> None:
    from newscred.errors import OutputExistsError
    from newscred.model.artifact import write_bundle

    def write(dest: Path, task: str = "demo") -> Path:
        return write_bundle(dest, {"a.json": b"{}"}, name="t", version="1", task=task)

    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.docx").write_text("x")
    text = tmp_path / "notes.txt"
    text.write_text("notes")
    for dest, words in ((folder, "not a demo artifact"), (text, "is a file")):
        with pytest.raises(OutputExistsError, match=words):
            write(dest)
    assert (folder / "thesis.docx").read_text() == "x" and text.read_text() == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "papers"]  # no temporary folder left

    bundle = write(tmp_path / "bundle")
    assert write(bundle) == bundle  # the same task: replaced
    with pytest.raises(OutputExistsError, match="for task 'demo', not a other artifact"):
        write(bundle, task="other")
    (bundle / "sub").mkdir()
    (bundle / "sub" / "report.md").write_text("mine")
    with pytest.raises(OutputExistsError, match="sub/report.md"):
        write(bundle)
    assert (bundle / "sub" / "report.md").read_text() == "mine"


def test_train_table_refuses_its_output_before_reading_any_data(tmp_path: Path) -> None:
    from newscred.errors import OutputExistsError
    from newscred.training.custom import TableSpec, train_table

    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(OutputExistsError):
        train_table([str(tmp_path / "no-such-file.csv")], tmp_path, TableSpec())  # not InputError: checked first


def test_card_sends_short_texts_to_the_claim_model_in_generator_and_shipped_card() -> None:
    from newscred.analyzer import BUILTIN_MODELS, CLAIM_MAX_WORDS
    from newscred.model.card import render_card

    path = BUILTIN_MODELS["default"]
    manifest = read_manifest(path)
    rendered = render_card(manifest["name"], manifest["version"], json.loads((path / "metrics.json").read_text()))
    shipped = (path / "README.md").read_text()

    def scope(card: str) -> str:
        return next(line for line in card.splitlines() if line.startswith("**Intended use**"))

    assert scope(rendered) == scope(shipped)
    assert f"texts under {CLAIM_MAX_WORDS} words go to the claim model" in scope(shipped)
    assert "they get `uncertain`" not in shipped
    verify_artifact(path)  # the edited card still matches the manifest
