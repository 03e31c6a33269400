"""Behaviour of the bundled default model on real and hand-written text."""

from __future__ import annotations

import json
import random

import pytest

import newscred
from newscred.errors import BinaryInputError, EmptyInputError, InputTooLargeError
from newscred.text.normalise import normalise

from .conftest import EXAMPLES


def seed_style(text: str) -> str:
    """Normalise the way the seed article was: lower-case, every non-ASCII-alphanumeric -> space.

    Deliberately a *different* implementation from newscred's (accented letters vanish instead of
    being folded), so the agreement test is not circular.
    """
    out = "".join(ch if (ch.isascii() and ch.isalnum()) else " " for ch in text.lower())
    return " ".join(out.split())


def test_seed_article_gets_a_sensible_explained_report(analyzer, seed_article: str) -> None:
    report = analyzer.analyze(seed_article)
    d = report.to_dict()
    assert 0.0 <= d["content"]["p_unreliable"] <= 1.0
    # AP wire copy: the content verdict must not call it unreliable.
    assert d["content"]["label"] in ("reliable", "uncertain")
    assert d["content"]["p_unreliable"] < 0.5
    facts = d["facts"]
    assert facts["looks_normalised"] is True
    assert facts["truncated_start"] is True and facts["truncated_end"] is True
    assert "AP" in facts["wire_agencies"]
    dateline = [a for a in facts["artefacts"] if a["kind"] == "dateline"][0]
    assert seed_article[dateline["start"] : dateline["end"]] == "bogota colombia ap"
    # Evidence: both directions, and every span points at text that normalises to the term.
    assert d["content"]["evidence"]
    for ev in d["content"]["evidence"]:
        assert ev["spans"], ev
        for start, end in ev["spans"]:
            found = normalise(seed_article[start:end]).split()
            expected = ev["text"].split()
            assert len(found) == len(expected)
            assert all(e == "…" or e == f for e, f in zip(expected, found))
    names = {s["name"] for s in d["content"]["signals"]}
    assert {"attribution", "anonymous_sources", "sensational"} <= names
    assert d["model"]["sha256"] and d["model"]["name"]


def test_wire_story_and_viral_post_land_on_opposite_sides(analyzer) -> None:
    wire = analyzer.analyze((EXAMPLES / "wire-story.txt").read_text())
    viral = analyzer.analyze((EXAMPLES / "viral-post.txt").read_text())
    assert wire.p_unreliable < 0.5 < viral.p_unreliable
    assert viral.p_unreliable - wire.p_unreliable > 0.3


def test_short_text_in_article_mode_is_uncertain_with_a_reason(analyzer) -> None:
    report = analyzer.analyze("The senate passed the bill on Tuesday, officials said.", mode="article")
    assert report.content.mode == "article"
    assert report.label == "uncertain"
    assert any("too short" in r for r in report.content.reasons)


def test_auto_mode_sends_short_texts_to_the_claim_model_and_articles_to_the_article_model(analyzer) -> None:
    claim = analyzer.analyze("Says vaccines cause autism in children.")
    article = analyzer.analyze((EXAMPLES / "wire-story.txt").read_text())
    assert claim.content.mode == "claim" and article.content.mode == "article"
    assert claim.model.name != article.model.name  # the report names the model that read the text
    d = claim.to_dict()
    assert set(d["content"]["ratings"]) == {"pants-fire", "false", "barely-true", "half-true", "mostly-true", "true"}
    assert abs(sum(d["content"]["ratings"].values()) - 1) < 1e-3
    assert d["content"]["signals"] == [] and d["provenance"] is None
    assert d["summary"].startswith("Claim (short-text model)")
    # evidence points at the words of the claim
    text = "Says vaccines cause autism in children."
    for e in d["content"]["evidence"]:
        (start, end), = e["spans"]
        assert text[start:end].lower() == e["text"]
    # the claims section holds the claim itself
    assert [i["text"] for i in d["claims"]["items"]] == [text]
    assert article.to_dict()["content"]["ratings"] is None


def test_forcing_a_mode_and_refusing_an_unknown_one(analyzer) -> None:
    import newscred
    from newscred.errors import ConfigError

    text = (EXAMPLES / "wire-story.txt").read_text()
    assert analyzer.analyze(text, mode="claim").content.mode == "claim"
    long_claim = analyzer.analyze(text, mode="claim")
    assert any("too long for the claim model" in r for r in long_claim.content.reasons)
    with pytest.raises(ConfigError, match="mode must be one of"):
        analyzer.analyze(text, mode="tweet")
    with pytest.raises(ConfigError):
        newscred.load(mode="headline")


def test_claim_probabilities_follow_the_prior(analyzer) -> None:
    text = "Says the governor cut school funding by 40 percent."
    even = analyzer.analyze(text).p_unreliable
    low = analyzer.analyze(text, prior=0.1).p_unreliable
    assert low < even


def test_non_english_text_is_uncertain(analyzer) -> None:
    text = ("El gobierno anunció el martes un nuevo plan para reducir la inflación, según informaron fuentes "
            "oficiales. La medida incluye recortes en el gasto público y nuevas tasas para las importaciones, "
            "dijo el ministro de economía en una conferencia de prensa en la capital. Los analistas consideran "
            "que el plan podría tener efectos limitados si no se acompaña de reformas estructurales en el "
            "sistema tributario y en el mercado laboral, que según ellos siguen siendo los principales problemas.")
    report = analyzer.analyze(text)
    assert report.label == "uncertain"
    assert any("vocabulary" in r for r in report.content.reasons)


@pytest.mark.parametrize(
    "bad, error",
    [("", EmptyInputError), ("   \n\t ", EmptyInputError), ("!!! ??? ...", EmptyInputError),
     ("abc\x00def", BinaryInputError)],
)
def test_bad_text_gets_a_clear_error(analyzer, bad: str, error: type) -> None:
    with pytest.raises(error):
        analyzer.analyze(bad)


def test_oversized_text_is_refused() -> None:
    small = newscred.load(max_chars=1000)
    with pytest.raises(InputTooLargeError, match="limit is 1,000"):
        small.analyze("word " * 1000)


def test_report_survives_a_json_round_trip(analyzer) -> None:
    d = analyzer.analyze((EXAMPLES / "wire-story.txt").read_text(), url="https://example.org/a", id="x1").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) >= {"schema_version", "id", "url", "summary", "content", "facts", "model", "newscred_version"}
    assert set(d["content"]) >= {"p_unreliable", "label", "reasons", "evidence", "signals"}


def test_pipe_preserves_order(analyzer) -> None:
    texts = [(EXAMPLES / "wire-story.txt").read_text(), (EXAMPLES / "viral-post.txt").read_text()]
    piped = [r.p_unreliable for r in analyzer.pipe(texts)]
    assert piped == [analyzer.analyze(t).p_unreliable for t in texts]


def test_raw_and_normalised_copies_score_alike(analyzer, shared_data) -> None:
    """|p(raw) - p(normalised copy)| <= 0.02 for at least 200 real articles."""
    from newscred.datasets.registry import load_dataset

    rng = random.Random(0)
    pool = []
    for name in ("buzzfeed_webis_2016", "recovery_covid19", "perez_rosas_celebrity", "fakenewsnet_v1", "semeval2019_hyperpartisan_byarticle"):
        pool += [r.text for r in load_dataset(name, shared_data) if len((r.text or "").split()) >= 80]
    sample = rng.sample(pool, 240)
    diffs = []
    for text in sample:
        raw = analyzer.analyze(text).p_unreliable
        flat = analyzer.analyze(seed_style(text)).p_unreliable
        diffs.append(abs(raw - flat))
    assert len(diffs) >= 200
    assert max(diffs) <= 0.02, sorted(diffs)[-5:]


def test_seed_article_report_states_content_source_and_provenance_apart(analyzer, seed_article: str) -> None:
    """The issue's case: AP wire copy on a low-rated partisan site with injected headlines."""
    report = analyzer.analyze(seed_article, url="https://www.thegatewaypundit.com/2019/08/us-cabello/")
    d = report.to_dict()
    assert d["source"]["domain"] == "thegatewaypundit.com" and d["source"]["aggregate"]["label"] == "low"
    # The content score never uses the domain: same probability with and without the URL.
    assert d["content"]["p_unreliable"] == analyzer.analyze(seed_article).to_dict()["content"]["p_unreliable"]
    prov = d["provenance"]
    assert prov["wire_origin"] == "AP"
    block = prov["injected_blocks"][0]
    located = seed_article[block["start"] : block["end"]]
    assert located.startswith("top stories") and located.endswith("illegal aliens")
    assert prov["truncated_start"] and prov["truncated_end"]
    assert prov["sourcing"]["anonymous_count"] >= 3
    summary = d["summary"]
    assert "Content" in summary and "Source" in summary and "AP" in summary and "rated low" in summary


def test_republication_index_finds_the_original(analyzer, tmp_path, seed_article: str) -> None:
    from newscred.provenance import RepublicationIndex

    wire = (EXAMPLES / "wire-story.txt").read_text()
    index_path = tmp_path / "refs.idx"
    RepublicationIndex.build([{"id": "ap-1", "text": seed_article, "source": "apnews.com"},
                              {"id": "other", "text": wire, "source": "example.org"}], index_path)
    report = analyzer.republication(analyzer.analyze(seed_article[200:5000]), seed_article[200:5000], index_path)
    matches = report.provenance["republication"]["matches"]
    assert matches[0]["id"] == "ap-1" and matches[0]["contained_share"] > 0.9


def test_bulk_mode_without_provenance_keeps_the_content_verdict_and_facts(analyzer, seed_article: str) -> None:
    bulk = newscred.load(provenance=False)
    fast, full = bulk.analyze(seed_article), analyzer.analyze(seed_article)
    assert fast.provenance is None and full.provenance is not None
    assert fast.to_dict()["content"] == full.to_dict()["content"]
    assert fast.facts.truncated_start and fast.facts.truncated_end and "AP" in fast.facts.wire_agencies
