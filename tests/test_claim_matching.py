"""Claim matching: the static embedder bundle, the claim index (build/open/query/verify), the
lexical fallback, the shared-data claim loader and retrieval quality, and the CLI."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newscred.claims import embedder as embedder_module
from newscred.claims.embedder import DEFAULT_EMBEDDER_PATH, StaticEmbedder, read_tokenizer_json, write_embedder
from newscred.claims import matching as matching_module
from newscred.claims.matching import (
    DEFAULT_MIN_SIMILARITY,
    INDEX_VERSION,
    ClaimIndex,
    ClaimMatch,
    FactCheckedClaim,
    dedupe_key,
    fact_checked_claims,
    is_negated,
    is_question,
    left_out_reason,
    read_claims_jsonl,
    verdict_text,
)
from newscred.cli import main
from newscred.errors import (
    ConfigError,
    CorruptArtifactError,
    IncompatibleArtifactError,
    IndexNotFoundError,
    IndexVersionError,
)
from newscred.model.artifact import npz_bytes, read_npz, sha256_file
from newscred.text.normalise import normalise

FIXTURE = Path(__file__).parent / "data" / "claims" / "fact_checked.jsonl"

#: recall@5 on 300 LIAR-PLUS val2 justifications against a LIAR-only index, measured 2026-11
#: (fused 0.74, lexical 0.70, embedding 0.59; benchmarks/results/claims_matching.json has the full
#: run).  Floors leave a margin for changes of tokenizer/numpy versions.
RECALL5_FLOOR = {"fused": 0.74 - 0.06, "lexical": 0.70 - 0.06, "embedding": 0.59 - 0.07}


@pytest.fixture(scope="module")
def embedder() -> StaticEmbedder:
    return StaticEmbedder.load()


@pytest.fixture(scope="module")
def fixture_claims() -> list[FactCheckedClaim]:
    return list(read_claims_jsonl(FIXTURE))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, fixture_claims: list[FactCheckedClaim],
          embedder: StaticEmbedder) -> ClaimIndex:
    return ClaimIndex.build(fixture_claims, tmp_path_factory.mktemp("claims") / "idx", embedder=embedder)


# ----------------------------------------------------------------------------------------------
# Embedder
# ----------------------------------------------------------------------------------------------


def test_bundled_embedder_is_verified_small_and_normalised(embedder: StaticEmbedder) -> None:
    assert embedder.manifest["task"] == "embedder" and embedder.dim == 128
    assert embedder.manifest["base_model_licence"] == "Apache-2.0"
    size = sum(f.stat().st_size for f in DEFAULT_EMBEDDER_PATH.iterdir())
    assert size < 8_000_000
    card = (DEFAULT_EMBEDDER_PATH / "README.md").read_text()
    assert "Apache-2.0" in card and "--dims 128" in card
    vectors = embedder.encode(["A sentence about taxes.", "Another one about the weather."])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 128)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not embedder.encode([""]).any()  # no token: zero vector, not NaN


def test_embedder_is_deterministic(embedder: StaticEmbedder) -> None:
    texts = ["Obama was born in Kenya.", "The unemployment rate fell last year."]
    a = embedder.encode(texts)
    b = embedder.encode(list(reversed(texts)))[::-1]
    c = StaticEmbedder.load().encode(texts)
    assert np.array_equal(a, b) and np.array_equal(a, c)
    assert np.array_equal(embedder.encode("Obama was born in Kenya."), a[:1])


def test_similar_sentences_are_closer_than_unrelated(embedder: StaticEmbedder) -> None:
    v = embedder.encode([
        "Vaccines cause autism in children.",
        "Kids develop autism because of vaccinations.",
        "The city council approved the new parking budget.",
    ])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


#: real sentences of news text (normalised, they are what the claim index embeds)
_SENTENCES = [
    "SPRINGFIELD, Ill. — The city council voted 9-2 on Tuesday to spend $48 million over the next six years.",
    "Says Barack Obama's health-care law will cut Medicare by $716 billion.",
    "Hydroxychloroquine cures COVID-19 in 100% of cases, a viral post claimed.",
    "The unemployment rate fell to 3.5 percent, the lowest since 1969, officials said on Friday.",
    "Glaciers are advancing, not retreating, in most of the world's mountain ranges.",
    "We have more natural gas in this country than Saudi Arabia has oil.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is the longest word in English dictionaries.",
]


def test_python_wordpiece_equals_the_tokenizers_library(embedder: StaticEmbedder,
                                                         fixture_claims: list[FactCheckedClaim]) -> None:
    """Normalised text is tokenised in Python (no Rust tokenizer built at load): the ids must be
    exactly the library's, including [UNK] for over-long or untokenisable words."""
    tokenizer = embedder.tokenizer
    texts = [normalise(t) for t in _SENTENCES + [c.text for c in fixture_claims]]
    texts += ["", "  two  spaces ", "a" * 100, "b" * 101, "x" * 250 + " ok", "qzxqzxqzx 12345678901234 covid19",
              "unaffordable antidisestablishmentarianism 3d 2nd"]
    fresh = StaticEmbedder.load()
    fresh.encode(texts)
    assert fresh.tokenizer._library is None  # normalised text never needed the Rust tokenizer
    fast = tokenizer.ids(texts)
    library = [enc.ids for enc in tokenizer.library.encode_batch(texts, add_special_tokens=False)]
    assert fast == library
    assert 1 in fast[texts.index("b" * 101)]  # [UNK] (dropped later by the embedder)
    # raw text (punctuation, capitals, accents) goes through the library, with the same result
    raw = _SENTENCES + ["Café «naïve» façade", "日本語のテキスト"]
    assert tokenizer.ids(raw) == [enc.ids for enc in tokenizer.library.encode_batch(raw, add_special_tokens=False)]


def test_embedder_batch_equals_one_at_a_time(embedder: StaticEmbedder) -> None:
    texts = _SENTENCES + [normalise(t) for t in _SENTENCES] + ["", "!!!"]
    batch = embedder.encode(texts)
    single = np.stack([embedder.encode([t])[0] for t in texts])
    assert np.array_equal(batch, single)
    # the mean of the token rows, as float32, normalised
    ids = embedder.token_ids([texts[0]])[0]
    expected = np.asarray(embedder.embeddings, dtype=np.float32)[ids].mean(axis=0)
    assert np.allclose(batch[0], expected / np.linalg.norm(expected), rtol=0, atol=1e-6)


def test_tampered_embedder_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "emb"
    shutil.copytree(DEFAULT_EMBEDDER_PATH, copy)
    config = json.loads((copy / "config.json").read_text())
    config["max_tokens"] = 3
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CorruptArtifactError, match="config.json"):
        StaticEmbedder.load(copy)


# ----------------------------------------------------------------------------------------------
# Index on a small fixture (no shared data)
# ----------------------------------------------------------------------------------------------


def test_build_open_query_round_trip(index: ClaimIndex, embedder: StaticEmbedder) -> None:
    # 12 claims: the NOT_ENOUGH_INFO one left out, "Says vaccines..." and "Vaccines..." merged
    assert len(index) == 10
    assert index.info()["claims"] == 11 and index.default_method == "fused"
    assert index.info()["left_out"] == {"climate_fever: evidence label, not a verdict (NOT_ENOUGH_INFO, DISPUTED)": 1}
    reopened = ClaimIndex.open(index.path, embedder=embedder)
    assert reopened.manifest["task"] == "claim-index"
    [matches] = reopened.query(["Do vaccines really cause autism in kids?"], k=3)
    top = matches[0]
    assert isinstance(top, ClaimMatch) and top.method == "fused"
    assert dedupe_key(top.claim.text) == "vaccines cause autism in children"
    assert sorted(top.verdicts) == ["false", "pants-fire"]  # both fact-checks kept
    assert {c.url for c in (top.claim, *top.also)} >= {"https://www.snopes.com/fact-check/vaccines-autism/"}
    as_dict = top.to_dict()
    assert as_dict["claim"]["dataset"] in ("liar", "misinfotext_sfu") and len(as_dict["also"]) == 1
    [climate] = reopened.query(["It's the sun that is warming the planet, not humans"], k=1, min_similarity=0)
    assert climate[0].claim.verdict == "REFUTES"


def test_unrelated_text_gets_no_match_by_default(index: ClaimIndex) -> None:
    assert index.query(["The orchestra will perform Mahler's fifth symphony on Sunday."]) == [[]]
    assert len(index.query(["The orchestra will perform on Sunday."], k=3, min_similarity=0)[0]) <= 3


def test_normalised_query_finds_the_same_claim(index: ClaimIndex) -> None:
    raw = ["Drinking HOT water kills the Coronavirus!", "Wisconsin's budget: more on prisons than universities?",
           "Obama -- born in Kenya, they say."]
    for method in ("fused", "embedding", "lexical"):
        a = index.query(raw, k=1, min_similarity=0, method=method)
        b = index.query([normalise(t) for t in raw], k=1, min_similarity=0, method=method)
        assert [m[0].claim.id for m in a] == [m[0].claim.id for m in b]
        assert [m[0].similarity for m in a] == pytest.approx([m[0].similarity for m in b], abs=1e-6)
    assert index.query([raw[0]], k=1)[0][0].claim.id == "coaid:1"


def _brute_force(index: ClaimIndex, texts: list[str], k: int, floor: float, method: str) -> list[list[tuple[str, float]]]:
    """The definition of a query: score every claim (the full matrix), best first, ties by entry."""
    out = []
    for text, row in zip(texts, index.scores(texts, method)):
        order = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))[:k]
        out.append([(index.entries[j][0].id, float(row[j])) for j in order
                    if float(row[j]) >= floor and float(row[j]) > 0 and dedupe_key(text)])
    return out


@pytest.mark.parametrize("method", ["fused", "lexical", "embedding"])
def test_query_equals_the_full_similarity_matrix(index: ClaimIndex, fixture_claims: list[FactCheckedClaim],
                                                 method: str) -> None:
    """A query scores only the claims that could reach the threshold: it must find exactly what
    scoring all of them finds, at every threshold."""
    texts = _SENTENCES + [c.text for c in fixture_claims] + [" ".join(c.text.split()[::-1]) for c in fixture_claims]
    texts += ["", "the of and", "Vaccines"]
    for floor in (None, 0.0, 0.1, DEFAULT_MIN_SIMILARITY[method], 0.5, 0.9):
        cut = DEFAULT_MIN_SIMILARITY[method] if floor is None else floor
        got = [[(m.claim.id, m.similarity) for m in ms]
               for ms in index.query(texts, k=3, min_similarity=floor, method=method)]
        want = _brute_force(index, texts, 3, cut, method)
        assert [[i for i, _ in row] for row in got] == [[i for i, _ in row] for row in want], floor
        assert [s for row in got for _, s in row] == pytest.approx([s for row in want for _, s in row], abs=1e-6)


def test_batch_query_equals_one_sentence_at_a_time(index: ClaimIndex, fixture_claims: list[FactCheckedClaim]) -> None:
    texts = _SENTENCES + [c.text for c in fixture_claims] + ["", "Obama -- born in Kenya, they say."]
    for method in ("fused", "lexical", "embedding"):
        for floor in (None, 0.0):
            batch = index.query(texts, k=3, min_similarity=floor, method=method)
            single = [index.query([t], k=3, min_similarity=floor, method=method)[0] for t in texts]
            assert [[m.claim.id for m in ms] for ms in batch] == [[m.claim.id for m in ms] for ms in single]
            assert [m.similarity for ms in batch for m in ms] == pytest.approx(
                [m.similarity for ms in single for m in ms], abs=1e-6)
    assert any(batch)  # the fixture claims find themselves


def test_equal_scores_are_ordered_by_entry(tmp_path: Path, embedder: StaticEmbedder) -> None:
    """Two claims with the same words in another order embed identically and, lexically, differ
    only in bigrams: with the embedding scorer they tie, and the earlier entry comes first, also
    when the tie is at the k-th place."""
    claims = [FactCheckedClaim(id=f"c{i}", text=t, verdict="false", label="unreliable", dataset="test")
              for i, t in enumerate(["The moon is made of green cheese.", "Cheese, green, is what the moon is made of.",
                                     "Green cheese is what the moon is made of.", "Taxes rose by ten percent."])]
    index = ClaimIndex.build(claims, tmp_path / "ties", embedder=embedder)
    [row] = index.scores(["moon made of green cheese"], "embedding")
    assert row[1] == row[2]
    for k in (1, 2, 3):
        [ms] = index.query(["moon made of green cheese"], k=k, min_similarity=0, method="embedding")
        ranked = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))[:k]
        # the reordered copies are one claim: folded into the first one's ``also``, in rank order
        assert [c.id for m in ms for c in (m.claim, *m.also)] == [f"c{j}" for j in ranked]


def test_index_files_are_read_in_place(index: ClaimIndex) -> None:
    """Arrays are stored uncompressed and aligned, and opened without copying or inflating."""
    reopened = ClaimIndex.open(index.path)
    assert reopened.config["index_version"] == INDEX_VERSION == "2"
    assert reopened.embeddings.dtype == np.float16 and not reopened.embeddings.flags.writeable
    lexical = reopened.lexical
    for array in (lexical.post_rows, lexical.post_data, lexical.idf, reopened.embeddings):
        assert array.flags.aligned and not array.flags.owndata
    arrays = {"a": np.arange(5, dtype=np.int32), "b": np.ones((3, 2), dtype=np.float16), "long_name_c": np.zeros(0)}
    stored = npz_bytes(arrays, compressed=False)
    assert stored == npz_bytes(arrays, compressed=False)  # reproducible bytes
    for data in (stored, npz_bytes(arrays)):  # deflated (older artifacts) still read
        loaded = read_npz(data)
        assert all(np.array_equal(loaded[k], v) and loaded[k].dtype == v.dtype for k, v in arrays.items())


def test_word_table_is_exact_despite_crc32_collisions() -> None:
    from newscred.claims.matching import _StringTable

    # pairs of distinct strings with the same crc32
    pairs = [("suwcpwzmsvrpj", "zjefnynbqql"), ("spmfrofvq", "jznteaj")]
    assert all(zlib.crc32(a.encode()) == zlib.crc32(b.encode()) for a, b in pairs)
    words = sorted({"budget", "taxes", "vaccines", *(w for pair in pairs for w in pair)})
    table = _StringTable.from_terms(words)
    queries = [*words, "budgets", "tax", "", *(a + "x" for a, _ in pairs)]
    found, positions = table.lookup(queries)
    assert dict(zip(found, positions)) == {w: i for i, w in enumerate(words)}
    half = _StringTable.from_terms(sorted(a for a, _ in pairs))  # only one string of each pair
    assert half.lookup([b for _, b in pairs]) == ([], [])
    assert sorted(half.lookup([a for a, _ in pairs])[0]) == sorted(a for a, _ in pairs)


def test_query_vectors_equal_the_reference_transform(index: ClaimIndex, fixture_claims: list[FactCheckedClaim]) -> None:
    """Queries are vectorised word by word in numpy; the rows must be bit for bit those of the
    term-by-term reference (_vectorise, which also built the index)."""
    from collections import Counter

    from newscred.claims.matching import _terms, _vectorise

    lexical = index.lexical
    blob, offsets = lexical.words.blob, lexical.words.offsets
    words = [blob[offsets[i] : offsets[i + 1]].decode() for i in range(len(lexical.words))]
    columns = {w: int(c) for w, c in zip(words, lexical.unigram_column) if c >= 0}
    columns.update({f"{words[k // len(words)]} {words[k % len(words)]}": int(c)
                    for k, c in zip(lexical.bigram_keys.tolist(), lexical.bigram_columns.tolist())})
    assert sorted(columns.values()) == list(range(lexical.n_terms))
    idf = lexical.idf.tolist()
    vocabulary = {term: (column, idf[column]) for term, column in columns.items()}
    texts = [dedupe_key(t) for t in _SENTENCES + [c.text for c in fixture_claims]]
    texts += ["obama born kenya obama born kenya barack obama", "vaccines vaccines autism vaccines", "", "the of"]
    for batch in (texts, texts[:1], texts[-2:], [], [" ".join(texts)]):
        expected = _vectorise([Counter(_terms(t)) for t in batch], vocabulary)
        got = lexical.vectorise(batch)
        for a, b in zip(got, expected):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_old_index_format_asks_for_a_rebuild(index: ClaimIndex, tmp_path: Path) -> None:
    copy = tmp_path / "v1"
    shutil.copytree(index.path, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["version"] = "1"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexVersionError, match="rebuild|Rebuild") as err:
        ClaimIndex.open(copy)
    assert err.value.code == "index.incompatible" and "newscred claims index build" in err.value.message
    res = CliRunner().invoke(main, ["claims", "index", "info", str(copy)])
    assert res.exit_code != 0 and "index.incompatible" in res.output


def test_tampered_index_is_refused(index: ClaimIndex, tmp_path: Path) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(index.path, copy)
    lines = (copy / "claims.jsonl").read_text().splitlines()
    lines[0] = lines[0].replace("pants-fire", "true")
    (copy / "claims.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(CorruptArtifactError, match="claims.jsonl"):
        ClaimIndex.open(copy)
    shutil.rmtree(copy)
    shutil.copytree(index.path, copy)
    data = bytearray((copy / "lexical.npz").read_bytes())
    data[-200] ^= 1
    (copy / "lexical.npz").write_bytes(bytes(data))
    with pytest.raises(CorruptArtifactError, match="lexical.npz"):
        ClaimIndex.open(copy)
    with pytest.raises(IndexNotFoundError):
        ClaimIndex.open(tmp_path / "nowhere")


def test_other_embedder_is_refused(index: ClaimIndex, embedder: StaticEmbedder, tmp_path: Path) -> None:
    other = write_embedder(tmp_path / "emb64", embedder.embeddings[:, :64], read_tokenizer_json(),
                           config={"max_tokens": 512, "unk_token_id": embedder.unk_token_id})
    with pytest.raises(IncompatibleArtifactError, match="rebuild"):
        ClaimIndex.open(index.path, embedder=StaticEmbedder.load(other))


def test_lexical_fallback_without_embedder(index: ClaimIndex, fixture_claims: list[FactCheckedClaim],
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lexical = ClaimIndex.build(fixture_claims, tmp_path / "lex", lexical_only=True)
    assert lexical.methods == ("lexical",) and "embeddings.npz" not in lexical.manifest["files"]
    [m] = lexical.query(["Barack Obama was not born in Kenya"], k=1)
    assert m[0].claim.id == "liar:3" and m[0].method == "lexical"
    # an index with embeddings, opened where the embedder files are missing: lexical, not an error
    monkeypatch.setattr(embedder_module, "DEFAULT_EMBEDDER_PATH", tmp_path / "no-embedder")
    opened = ClaimIndex.open(index.path)
    assert opened.methods == ("lexical",) and "unavailable" in (opened.fallback_reason or "")
    assert opened.query(["Barack Obama was born in Kenya"], k=1)[0][0].claim.id == "liar:3"
    rebuilt = ClaimIndex.build(fixture_claims, tmp_path / "auto")  # no embedder: lexical-only build
    assert rebuilt.methods == ("lexical",)


# ----------------------------------------------------------------------------------------------
# What is shown: claims with a verdict, in words, above a floor
# ----------------------------------------------------------------------------------------------

#: a question and a statement from CoAID's WHO pages, a PolitiFact "Did you know ...?" (it rates the
#: claim it implies) and CLIMATE-FEVER's four labels
_MIXED = [
    FactCheckedClaim(id="coaid:q", text='"Is there a vaccine, drug or treatment for COVID-19?"', verdict="real",
                     label="reliable", dataset="coaid_claims", url="https://www.who.int/q-a"),
    FactCheckedClaim(id="coaid:q2", text="I heard I can be hurt by online contacts. What are my risks and how I can "
                     "protect myself online.", verdict="real", label="reliable", dataset="coaid_claims"),
    FactCheckedClaim(id="coaid:s", text="There are currently no drugs licensed for the treatment of COVID-19",
                     verdict="real", label="reliable", dataset="coaid_claims"),
    FactCheckedClaim(id="liar:q", text="Did you know ObamaCare will cost nearly twice as much as initially expected?",
                     verdict="false", label="unreliable", dataset="liar"),
    FactCheckedClaim(id="cf:s", text="Global warming is driving polar bears toward extinction", verdict="SUPPORTS",
                     label="reliable", dataset="climate_fever"),
    FactCheckedClaim(id="cf:r", text="Global warming has stopped since 1998.", verdict="REFUTES",
                     label="unreliable", dataset="climate_fever"),
    FactCheckedClaim(id="cf:n", text="In fact global warming has stopped and a cooling is beginning.",
                     verdict="NOT_ENOUGH_INFO", label=None, dataset="climate_fever"),
    FactCheckedClaim(id="cf:d", text="Since 1998 little warming has occurred while carbon dioxide emissions rose.",
                     verdict="DISPUTED", label=None, dataset="climate_fever"),
]


def test_questions_and_evidence_labels_are_not_indexed(tmp_path: Path, embedder: StaticEmbedder) -> None:
    """A CoAID FAQ question is not a claim ("real" = the page is reliable) and NOT_ENOUGH_INFO /
    DISPUTED say nothing about truth: none of them is indexed, so none is ever shown as a match."""
    assert [c.id for c in _MIXED if left_out_reason(c) is None] == ["coaid:s", "liar:q", "cf:s", "cf:r"]
    assert is_question("Can #2019nCoV be caught from a person who presents no symptoms? ")
    assert not is_question("When I left Washington, we had a $5 trillion surplus.")
    assert not is_question("Will Smith has reunited with the cast of his old show.")
    index = ClaimIndex.build(_MIXED, tmp_path / "mixed", embedder=embedder)
    assert sorted(c.id for e in index.entries for c in e) == ["cf:r", "cf:s", "coaid:s", "liar:q"]
    assert index.config["left_out"] == {
        "climate_fever: evidence label, not a verdict (NOT_ENOUGH_INFO, DISPUTED)": 2,
        "coaid_claims: a question, not a claim": 2}
    for method in ("fused", "lexical", "embedding"):
        for text in ("Is there a vaccine for COVID-19?", "Global warming has stopped and a cooling is beginning",
                     "How can I protect myself from online contacts?"):
            [ms] = index.query([text], k=5, min_similarity=0, method=method)
            assert {m.claim.id for m in ms} <= {"cf:r", "cf:s", "coaid:s", "liar:q"}
    [ms] = index.query(["Global warming has stopped since 1998, the challenger added."], k=1)
    assert ms[0].claim.id == "cf:r"
    assert ms[0].to_dict()["claim"]["verdict_text"] == "refuted by Wikipedia evidence (CLIMATE-FEVER)"


def _as_if_built_before_left_out(index: ClaimIndex, dest: Path) -> Path:
    """A copy of ``index`` whose config has no ``left_out``, with a valid manifest: what an index
    built by an older newscred looks like."""
    shutil.copytree(index.path, dest)
    config = json.loads((dest / "config.json").read_text())
    del config["left_out"]
    (dest / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True))
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest["files"]["config.json"] = "sha256:" + sha256_file(dest / "config.json")
    (dest / "manifest.json").write_text(json.dumps(manifest))
    return dest


def test_an_index_built_before_still_loads_and_hides_non_claims(tmp_path: Path, embedder: StaticEmbedder,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:  # the old build: everything indexed
        patched.setattr(matching_module, "left_out_reason", lambda claim: None)
        everything = ClaimIndex.build(_MIXED + [FactCheckedClaim(
            id="liar:n", text="In fact global warming has stopped and a cooling is beginning.", verdict="false",
            label="unreliable", dataset="liar")], tmp_path / "new", embedder=embedder)
    assert len(everything) == 8  # cf:n and liar:n share an entry
    old = ClaimIndex.open(_as_if_built_before_left_out(everything, tmp_path / "old"))
    assert "left_out" not in old.config and old.info()["left_out"] is None
    hidden = old._hidden_entries()
    assert hidden is not None and sorted(old.entries[i][0].id for i in np.flatnonzero(hidden)) == [
        "cf:d", "coaid:q", "coaid:q2"]
    shown = {"cf:r", "cf:s", "coaid:s", "liar:q", "liar:n"}
    texts = [c.text for c in _MIXED] + ["Is there a vaccine for COVID-19?", "global warming stopped cooling began"]
    for method in ("fused", "lexical", "embedding"):
        for floor in (0.0, None):
            for ms in old.query(texts, k=8, min_similarity=floor, method=method):
                assert {c.id for m in ms for c in (m.claim, *m.also)} <= shown
    [ms] = old.query(["In fact global warming has stopped and a cooling is beginning."], k=1)
    assert ms[0].claim.id == "liar:n" and ms[0].also == ()  # its NOT_ENOUGH_INFO twin is not shown
    res = CliRunner().invoke(main, ["claims", "index", "info", str(old.path)])
    assert res.exit_code == 0 and "left out: not recorded" in res.output


def test_verdicts_are_shown_in_words_with_who_gave_them() -> None:
    liar = {v: verdict_text(v, "liar")
            for v in ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")}
    assert liar["pants-fire"] == "rated pants on fire (false and ridiculous) by PolitiFact"
    assert liar["barely-true"] == "rated barely true (mostly false) by PolitiFact"
    assert liar["true"] == "rated true by PolitiFact"
    snopes = {v: verdict_text(v, "misinfotext_sfu")
              for v in ("true", "mostly true", "mixture", "mostly false", "false")}
    assert snopes["mixture"] == "rated mixture (partly true, partly false) by Snopes"
    assert verdict_text("fake", "coaid_claims").startswith("false according to CoAID")
    assert verdict_text("real", "coaid_claims").startswith("true according to CoAID")
    assert verdict_text("SUPPORTS", "climate_fever") == "supported by Wikipedia evidence (CLIMATE-FEVER)"
    assert verdict_text("REFUTES", "climate_fever") == "refuted by Wikipedia evidence (CLIMATE-FEVER)"
    assert verdict_text("misleading", "my_checks") == "rated misleading (my_checks)"
    assert verdict_text(None, "liar") is None
    words = [*liar.values(), *snopes.values(),
             verdict_text("SUPPORTS", "climate_fever"), verdict_text("REFUTES", "climate_fever")]
    assert not any(raw in w for w in words for raw in ("SUPPORTS", "REFUTES", "pants-fire", "-true"))


def test_the_floor_is_an_option_of_the_query_and_the_finder(index: ClaimIndex) -> None:
    text = ["Obama -- born in Kenya, they say."]
    [[best]] = index.query(text, k=1, min_similarity=0)
    assert best.similarity > DEFAULT_MIN_SIMILARITY["fused"]
    assert index.query(text, k=1, min_similarity={"fused": best.similarity + 0.01}) == [[]]
    assert index.query(text, k=1, min_similarity={"lexical": 0.99})[0][0].claim.id == best.claim.id  # fused: default
    with pytest.raises(ConfigError, match="unknown method"):
        index.query(text, min_similarity={"fuzzy": 0.5})
    from newscred.claims.extract import ClaimFinder

    strict = ClaimFinder(index=index, min_similarity=best.similarity + 0.01).single(text[0])
    assert strict.items[0].matches == ()
    assert ClaimFinder(index=index).single(text[0]).items[0].matches[0]["claim"]["id"] == best.claim.id


def test_a_match_that_is_negated_differently_is_flagged(index: ClaimIndex) -> None:
    assert is_negated(normalise("The vaccine doesn't cause autism")) and is_negated("vaccines doesnt cause autism")
    assert is_negated("it can t be") and not is_negated("vaccines cause autism in children")
    [[same]] = index.query(["Vaccines cause autism in children, a study shows."], k=1)
    assert same.claim.id in ("liar:1", "snopes:1") and not same.negation_differs
    [[opposite]] = index.query(["Vaccines do not cause autism in children."], k=1)
    assert opposite.claim.id in ("liar:1", "snopes:1") and opposite.negation_differs
    assert opposite.to_dict()["negation_differs"] is True


# ----------------------------------------------------------------------------------------------
# Shared data
# ----------------------------------------------------------------------------------------------


def test_fact_checked_claims_from_shared_data(shared_data: Path) -> None:
    claims = list(fact_checked_claims(shared_data, ("misinfotext_sfu", "coaid_claims", "climate_fever")))
    snopes = [c for c in claims if c.dataset == "misinfotext_sfu"]
    assert 250 < len(snopes) <= 312 and all(c.url and "snopes.com" in c.url for c in snopes)
    assert all(len(c.text) < 1000 for c in snopes)  # the claim, not the article
    coaid = [c for c in claims if c.dataset == "coaid_claims"]
    assert len(coaid) == 518 and all(c.url for c in coaid) and {c.verdict for c in coaid} == {"fake", "real"}
    assert {c.verdict for c in claims if c.dataset == "climate_fever"} == {
        "SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "DISPUTED"}


def test_recall_on_liar_plus_justifications(shared_data: Path, embedder: StaticEmbedder, tmp_path: Path) -> None:
    from newscred.datasets.registry import load_dataset

    index = ClaimIndex.build(fact_checked_claims(shared_data, ("liar",)), tmp_path / "liar", embedder=embedder)
    entry_of = {c.id: i for i, e in enumerate(index.entries) for c in e}
    # val2 only: upstream, test2 justifications are misaligned with their claims (LIAR-PLUS#4)
    # a Flip-O-Meter topic is not indexed, so its justification has nothing to find
    rows = [r for r in load_dataset("liar_plus_partial", shared_data, from_raw=True)
            if r.subset == "val2" and r.extra["justification"] and f"liar:{r.id}" in entry_of]
    rows = rows[:: len(rows) // 300][:300]
    assert index.config["embedder"]["removed_components"] == 8  # large enough to post-process
    recall = {}
    for method in ("fused", "lexical", "embedding"):
        results = index.query([r.extra["justification"] for r in rows], k=5, min_similarity=0, method=method)
        hits = sum(any(entry_of[c.id] == entry_of[f"liar:{r.id}"] for m in ms for c in (m.claim, *m.also))
                   for r, ms in zip(rows, results))
        recall[method] = hits / len(rows)
    assert all(recall[m] >= RECALL5_FLOOR[m] for m in recall), recall
    assert recall["fused"] >= recall["lexical"] > recall["embedding"], recall


def test_unrelated_sentences_get_no_match_and_paraphrases_keep_theirs(shared_data: Path, tmp_path: Path,
                                                                        embedder: StaticEmbedder) -> None:
    """The fact-checker's audit: unrelated sentences matched at 0.24-0.31 with alarming verdicts are
    below the floor now, a paraphrase of a checked claim still finds it; no CoAID question and no
    CLIMATE-FEVER evidence label is indexed."""
    from .conftest import EXAMPLES

    index = ClaimIndex.build(fact_checked_claims(shared_data), tmp_path / "all", embedder=embedder)
    kept = [c for e in index.entries for c in e]
    assert not any(c.verdict in ("NOT_ENOUGH_INFO", "DISPUTED") for c in kept)
    assert not any(c.dataset == "coaid_claims" and c.text.strip().strip('"').rstrip().endswith("?") for c in kept)
    assert 40 < sum(c.dataset == "coaid_claims" for c in kept) < 100
    unrelated = [
        "By week's end, two presidential business advisory groups had ceased to exist and plans for a third had "
        "been scrapped.",
        "Lead service lines have been banned in new construction nationwide since 1986, but millions remain in use, "
        "according to the Environmental Protection Agency.",
        "Utility director Karen Molina told council members that crews would begin in the neighborhoods with the "
        "highest share of children under six, according to the plan.",
        "Monkeys infected with COVID-19 develop immunity in studies, a positive sign for vaccines",
    ]
    for method in ("fused", "lexical"):  # what a report uses, with and without the embedder
        assert index.query(unrelated, k=3, method=method) == [[]] * len(unrelated), method
    from newscred.claims.extract import ClaimFinder

    section = ClaimFinder(index=index).find((EXAMPLES / "wire-story.txt").read_text())
    assert section.items and not any(item.matches for item in section.items)
    paraphrase = ("The challenger repeatedly claimed that the Annie's List political group backs abortions in the "
                  "third trimester on demand, a line he has used in television ads for weeks.")
    for method in index.methods:
        [ms] = index.query([paraphrase], k=1, method=method)
        assert ms and "Annies List" in ms[0].claim.text and ms[0].claim.verdict == "false", method
    [ms] = index.query(["Vaccines cause autism, a new study shows."], k=3)
    assert all(m.negation_differs == ("doesnt" in m.claim.text or " not " in m.claim.text) for m in ms)


# ----------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------


def test_cli_build_query_info(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cli.idx"
    res = runner.invoke(main, ["claims", "index", "build", "-o", str(out), "--claims", str(FIXTURE), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "11 claims (10 distinct)" in res.output and "climate_fever: 3 read, 2 indexed" in res.output
    assert "left out, climate_fever: evidence label, not a verdict" in res.output
    res = runner.invoke(main, ["claims", "index", "query", str(out), "Drinking hot water kills the coronavirus",
                               "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["matches"][0]["claim"]["id"] == "coaid:1" and payload["method"] == "fused"
    res = runner.invoke(main, ["claims", "index", "query", str(out), "obama born in kenya", "-k", "2"])
    assert res.exit_code == 0 and "Barack Obama was born in Kenya." in res.output
    assert "rated pants on fire (false and ridiculous) by PolitiFact" in res.output and "pants-fire" not in res.output
    assert "similar claim [similarity" in res.output
    assert "note: each match is a similar fact-checked claim" in res.output
    res = runner.invoke(main, ["claims", "index", "info", str(out)])
    assert res.exit_code == 0 and "11 fact-checked claims, 10 distinct" in res.output and "fused" in res.output
    assert "left out (not claims with a verdict): climate_fever" in res.output
    res = runner.invoke(main, ["claims", "index", "query", str(tmp_path / "missing"), "x"])
    assert res.exit_code == 1 and "index.not_found" in res.output
    res = runner.invoke(main, ["claims", "index", "--help"])
    assert res.exit_code == 0 and "newscred claims index build -o claims.idx" in res.output


def test_cli_lexical_only_build(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "lex.idx"
    res = runner.invoke(main, ["claims", "index", "build", "-o", str(out), "--claims", str(FIXTURE), "--lexical-only"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["claims", "index", "info", str(out), "--json"])
    info = json.loads(res.output)
    assert info["methods"] == ["lexical"] and info["embedder"] is None


def test_flip_o_meter_topics_are_not_claims_but_claims_opening_with_on_are() -> None:
    from newscred.claims.matching import FactCheckedClaim, is_negated, left_out_reason

    def liar(text: str) -> FactCheckedClaim:
        return FactCheckedClaim("liar:x", text, "false", "unreliable", "liar")

    assert "Flip-O-Meter" in left_out_reason(liar("On whether Barack Obama was born in the United States."))
    assert "Flip-O-Meter" in left_out_reason(liar("On legalizing illegal immigrants."))
    assert left_out_reason(liar("On the VA: Over 300,000 veterans have died waiting for care.")) is None
    assert left_out_reason(liar("On the night of the Iowa caucuses, Obama promised the nation that he would act.")) is None
    # "no new jobs" and "zero jobs" say the same thing: no warning that one may say the opposite
    assert is_negated("the stimulus package created no new jobs") == is_negated("the stimulus created zero jobs")


def test_near_duplicate_matches_are_folded_into_one(tmp_path: Path, embedder: StaticEmbedder) -> None:
    claims = [
        FactCheckedClaim(id="a", text="Martin Luther King Jr. was a Republican.", verdict="false", label="unreliable",
                         dataset="liar"),
        FactCheckedClaim(id="b", text="Martin Luther King was a Republican.", verdict="pants-fire", label="unreliable",
                         dataset="liar"),
        FactCheckedClaim(id="c", text="Martin Luther King Jr. gave his I Have a Dream speech in 1963.", verdict="true",
                         label="reliable", dataset="liar"),
    ]
    index = ClaimIndex.build(claims, tmp_path / "mlk", embedder=embedder)
    [ms] = index.query(["Martin Luther King Jr. was a Republican, a new post claims."], k=3, min_similarity=0)
    # one line for the claim checked twice, its second verdict beside it; the other claim stays apart
    assert [m.claim.id for m in ms] == ["a", "c"]
    assert [c.id for c in ms[0].also] == ["b"] and ms[0].verdicts == ["false", "pants-fire"]


def test_own_claims_without_a_dataset_are_credited_to_their_file(tmp_path) -> None:
    from newscred.claims.matching import read_claims_jsonl

    path = tmp_path / "my-checks.jsonl"
    path.write_text('{"id": "1", "text": "Vaccines cause autism", "verdict": "false", "label": "unreliable"}\n'
                    '{"id": "2", "text": "The moon landing was faked", "verdict": "false", "label": "unreliable", '
                    '"dataset": "desk"}\n')
    assert [c.dataset for c in read_claims_jsonl(path)] == ["my-checks", "desk"]


def test_card_command_measures_a_bundle_on_the_shared_data(shared_data: Path, tmp_path: Path) -> None:
    """``python -m newscred.claims.embedder card`` (the documented re-measure step) on a copy of the
    bundled embedder: it used to stop on a KeyError at the first Flip-O-Meter justification."""
    bundle = tmp_path / "embedder"
    shutil.copytree(DEFAULT_EMBEDDER_PATH, bundle)
    assert embedder_module.main(["card", str(bundle), "--data", str(shared_data)]) == 0
    metrics = json.loads((bundle / "metrics.json").read_text())
    assert metrics["queries"] > 1000 and metrics["entries"] > 10000
    fused, embedding = metrics["methods"]["fused"], metrics["methods"]["embedding"]
    assert fused["recall@5"] >= embedding["recall@5"] and fused["recall@5"] >= 0.6
    assert "recall@5" in (bundle / "README.md").read_text()
    StaticEmbedder.load(bundle)  # the rewritten bundle still verifies
