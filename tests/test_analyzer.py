"""Behaviour of the bundled default model on real and hand-written text."""

from __future__ import annotations

import json
import random

import pytest

import newscred
from newscred.errors import BinaryInputError, EmptyInputError, EncodingError, InputTooLargeError, InputTypeError
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


def test_evidence_has_one_entry_per_word_with_its_terms_summed(analyzer, seed_article: str) -> None:
    """"said", "… said" and "said … …" are one piece of evidence, not five rows about one word."""
    evidence = analyzer.analyze(seed_article).to_dict()["content"]["evidence"]
    texts = [e["text"] for e in evidence]
    assert len(texts) == len(set(texts))
    for e in evidence:
        assert not e["text"].startswith("…") and not e["text"].endswith("…")
        parts = [t["text"] for t in e["terms"]]
        assert len(parts) == len(set(parts))
        assert abs(sum(t["weight"] for t in e["terms"]) - e["weight"]) < 1e-3
        for t in e["terms"]:  # every part is built on the entry's words
            assert " ".join(w for w in t["text"].split() if w != "…") == " ".join(w for w in e["text"].split() if w != "…")
    said = next(e for e in evidence if e["text"] == "said")
    assert said["direction"] == "reliable" and len(said["terms"]) >= 3
    assert all(seed_article[a:b] == "said" for a, b in said["spans"])


@pytest.mark.parametrize("text", ["Home", "Barack Obama", "<html><body><nav><a href='/'>Home</a></nav><p>Home</p></body></html>"])
def test_one_or_two_words_get_no_claim_verdict(analyzer, text: str) -> None:
    report = analyzer.analyze(text)
    assert report.label == "uncertain" and report.content.reasons[0].startswith("too short to judge")


@pytest.mark.parametrize("claim", ["El gobierno anunció un nuevo plan para reducir la inflación.",
                                   "Die Regierung hat die Steuern im letzten Jahr verdoppelt."])
def test_a_short_claim_in_another_language_is_uncertain(analyzer, claim: str) -> None:
    report = analyzer.analyze(claim)
    assert report.content.mode == "claim" and report.label == "uncertain"
    assert "not English?" in report.content.reasons[0]
    english = analyzer.analyze("Says the governor cut school funding by 40 percent.")
    assert not any("vocabulary" in r for r in english.content.reasons)


@pytest.mark.parametrize("text, script", [
    ("Правительство объявило во вторник о сокращении бюджета государственных школ на сорок процентов. ", "Cyrillic"),
    ("政府周二宣布削减公立学校预算百分之四十，官方声明称。", "CJK"),
    ("أعلنت الحكومة يوم الثلاثاء عن خفض ميزانية المدارس الحكومية بنسبة أربعين في المئة. ", "Arabic"),
])
@pytest.mark.parametrize("repeat", [1, 12])  # a short claim and an article-length text
def test_text_in_another_script_is_uncertain_not_refused(analyzer, text: str, script: str, repeat: int) -> None:
    """Letters of other scripts fold to nothing; the report must say why instead of calling it empty."""
    for mode in ("auto", "claim", "article"):
        report = analyzer.analyze(text * repeat, mode=mode)
        assert report.label == "uncertain"
        assert f"mostly in {script} script" in report.content.reasons[0]
        assert report.summary.startswith("Content: uncertain") and "not a language the model reads" in report.summary
    # a few foreign words inside an English article change nothing
    english = (EXAMPLES / "wire-story.txt").read_text()
    mixed = analyzer.analyze(english + " " + text)
    assert not any("script" in r for r in mixed.content.reasons)


@pytest.mark.parametrize(
    "bad, error",
    [("", EmptyInputError), ("   \n\t ", EmptyInputError), ("!!! ??? ...", EmptyInputError),
     ("abc\x00def", BinaryInputError), ("lone \ud800 surrogate", EncodingError), (None, InputTypeError),
     (42, InputTypeError), (["a list"], InputTypeError), ({"text": None}, InputTypeError)],
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


def test_pipe_can_return_errors_in_place(analyzer) -> None:
    """One output per input: bad items become their error object when asked, else the first one raises."""
    items = ["Says crime doubled last year.", "", None, "abc\x00", "Says the moon is made of cheese."]
    out = list(analyzer.pipe(items, on_error="return", mode="claim", prior=0.3))
    assert [type(o).__name__ for o in out] == ["Report", "EmptyInputError", "InputTypeError", "BinaryInputError", "Report"]
    assert out[0].p_unreliable == analyzer.analyze(items[0], mode="claim", prior=0.3).p_unreliable
    assert out[1].to_dict()["code"] == "input.empty"
    with pytest.raises(EmptyInputError):
        list(analyzer.pipe(items))
    with pytest.raises(newscred.errors.ConfigError, match="on_error"):
        list(analyzer.pipe(items, on_error="skip"))


def test_ids_become_strings_and_other_fields_must_be_text(analyzer) -> None:
    assert analyzer.analyze("Says crime doubled last year.", id=5).id == "5"
    with pytest.raises(InputTypeError, match="url must be text"):
        analyzer.analyze("Says crime doubled last year.", url=123)


def test_a_missing_claims_index_fails_at_load(tmp_path) -> None:
    from newscred.errors import IndexNotFoundError

    with pytest.raises(IndexNotFoundError, match="newscred claims index build"):
        newscred.load(claims_index=tmp_path / "nowhere")


def test_html_pages_are_read_by_the_library(analyzer) -> None:
    """The same rule and reader as the CLI and API: the report is that of the page's article text."""
    wire = (EXAMPLES / "wire-story.txt").read_text()
    paragraphs = "".join(f"<p>{p}</p>" for p in wire.split("\n\n") if p.strip())
    page = ("<html><head><title>Lead pipes</title><link rel='canonical' href='https://www.apnews.com/article/x'>"
            f"<script>var hoax = 'shocking';</script></head><body><nav>Home | World</nav><article>{paragraphs}</article>"
            "<footer>(c) 2024 The Site</footer></body></html>")
    d = analyzer.analyze(page).to_dict()
    extracted = d["page"]["text"]
    assert "shocking" not in extracted and "Home" not in extracted and extracted.split()[:3] == wire.split()[:3]
    assert d["url"] == "https://www.apnews.com/article/x" and d["title"] == "Lead pipes"
    assert d["source"]["domain"] == "apnews.com" and d["page"]["date"] is None
    for ev in d["content"]["evidence"]:
        for start, end in ev["spans"]:
            assert normalise(extracted[start:end])  # offsets index the extracted text
    plain = analyzer.analyze(extracted, title="Lead pipes", url="https://www.apnews.com/article/x").to_dict()
    assert {k: v for k, v in d.items() if k != "page"} == plain
    # html=False scores the markup as text; text that only mentions a tag stays text
    assert "page" not in analyzer.analyze(page, html=False).to_dict()
    assert "page" not in analyzer.analyze("<3 this story: " + wire).to_dict()


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


def test_the_summary_names_the_site_that_was_rated_and_the_lists_in_words(analyzer) -> None:
    text = "Officials said the council voted on Tuesday to approve the budget plan, according to a statement. " * 6
    own = analyzer.analyze(text, url="https://abcnews.go.com/politics/story").summary
    assert "Source: abcnews.go.com is rated high" in own and "go.com is rated" not in own.replace("abcnews.go.com", "")
    assert "Lin et al. 2023" in own and "lin2023" not in own
    parent = analyzer.analyze(text, url="https://uk.reuters.com/article/x").summary
    assert "uk.reuters.com (rated by the entries for reuters.com and uk.reuters.com)" in parent


def test_a_wire_mention_is_not_called_wire_copy(analyzer) -> None:
    column = ("I have been thinking about the budget fight all week, and I am tired of it. As the Associated Press "
              "reported on Monday, the two parties remain far apart, and Reuters confirmed that talks stalled. " * 3)
    summary = analyzer.analyze(column).summary
    assert "reads as republished" not in summary and "presents itself as" not in summary
    hoax = "WASHINGTON (AP) — " + column
    assert "not verified" in analyzer.analyze(hoax).summary


def test_the_report_says_what_the_article_reads_like_without_injected_blocks(analyzer) -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "provenance_wire_raw.txt").read_text()
    report = analyzer.analyze(text).to_dict()
    (block,) = report["provenance"]["injected_blocks"]
    without = report["provenance"]["without_injected_blocks"]
    cut = analyzer.analyze(text[: block["start"]] + text[block["end"]:])
    assert abs(without["p_unreliable"] - cut.p_unreliable) <= 0.02  # the same as scoring the text without it
    assert f"without it the content would read p_unreliable {without['p_unreliable']:.2f}" in report["summary"]
    assert report["content"]["p_unreliable"] != without["p_unreliable"]  # the verdict itself is of the text as given


def test_evidence_counts_every_occurrence_and_locates_the_first_25(analyzer, seed_article: str) -> None:
    report = analyzer.analyze(seed_article)
    words = [t.text for t in __import__("newscred.text.normalise", fromlist=["tokenize"]).tokenize(seed_article)]
    for ev in report.content.evidence:
        if ev.kind == "word" and " " not in ev.text:
            assert ev.count <= words.count(ev.text) and len(ev.spans) == min(ev.count, 25)
    frequent = [ev for ev in report.content.evidence if ev.count > 25]
    assert frequent and all(ev.to_dict()["count"] == ev.count for ev in frequent)  # "to" occurs far more than 25 times


def test_a_satire_site_is_named_as_such_in_the_summary(analyzer) -> None:
    text = "Officials said the council voted on Tuesday to approve the budget plan, according to a statement. " * 6
    summary = analyzer.analyze(text, url="https://www.theonion.com/local-man").summary
    assert "theonion.com is a satire site: its stories are jokes, not news." in summary
    assert "satire" not in analyzer.analyze(text, url="https://www.reuters.com/x").summary


def test_a_short_wire_brief_is_read_as_news_not_as_a_claim(analyzer) -> None:
    brief = ("LONDON (Reuters) - British shares rose on Tuesday as miners gained on higher metal prices, while "
             "investors awaited a Bank of England decision on interest rates due later this week, traders said.")
    report = analyzer.analyze(brief)
    assert report.model.name != "claim" and report.label == "uncertain"
    assert any("too short" in r for r in report.content.reasons)
    assert analyzer.analyze(brief.split(" - ", 1)[1]).model.name == "claim"  # without the dateline: a statement
    assert analyzer.analyze("Says the AP reported that crime doubled in Chicago last year.").model.name == "claim"


def test_a_claim_report_says_which_expert_read_it(analyzer) -> None:
    statement = analyzer.analyze("Says crime doubled in Chicago last year.")
    experts = statement.content.experts
    assert experts is not None and abs(sum(experts.values()) - 1) < 1e-3 and experts["politics"] > 0.5
    assert "judged it as a US political statement" in statement.summary
    post = analyzer.analyze("5G towers spread the coronavirus, share before they delete this.")
    assert post.content.experts["health"] > 0.5 and "COVID-19 social-media post" in post.summary
    assert analyzer.analyze("Officials said the council voted on Tuesday. " * 12).to_dict()["content"]["experts"] is None


def test_an_agency_mention_near_the_opening_is_not_reported_as_a_dateline(analyzer, seed_article: str) -> None:
    # the model's input drops "week and reuters" as a possible dateline; the facts must not call it one
    body = ("the minister resigned on tuesday after a scandal that had simmered for weeks officials said and the "
            "party began to look for a successor she had told colleagues earlier this week and reuters reported "
            "that the cabinet would meet on friday to discuss the budget and the timing of an election ")
    facts = analyzer.analyze(body * 3).to_dict()["facts"]["artefacts"]
    near = [a for a in facts if a["text"] == "week and reuters"]
    assert near and all(a["kind"] == "agency_near_start" for a in near)
    # a real dateline keeps its name, in normalised and raw text alike
    seed = analyzer.analyze(seed_article).to_dict()["facts"]["artefacts"]
    assert any(a["kind"] == "dateline" and a["text"] == "bogota colombia ap" for a in seed)
    raw = analyzer.analyze("BOGOTA, Colombia (AP) — " + body.capitalize() * 3).to_dict()["facts"]["artefacts"]
    assert [a["kind"] for a in raw if a["text"] == "bogota colombia ap"] == ["dateline"]


def test_summary_says_what_the_prior_did_and_what_the_text_alone_reads(analyzer, seed_article: str) -> None:
    even = analyzer.analyze(seed_article).content.p_unreliable
    shifted = analyzer.analyze(seed_article, prior=0.95)
    assert shifted.content.label == "unreliable"  # the prior, not the text, made this a verdict
    assert "your prior of 0.95" in shifted.summary and f"reads p_unreliable {even:.2f}" in shifted.summary
    assert "prior" not in analyzer.analyze(seed_article).summary


def test_source_summary_gives_each_lists_score_and_never_rates_a_platform_or_aggregator(analyzer) -> None:
    text = "Officials said the council voted on Tuesday to fund the new library and the school. " * 8
    onion = analyzer.analyze(text, url="https://www.theonion.com/x").summary
    # the 0.29 mean is nobody's rating: each list's own score is given beside it
    assert "rated low (mean 0.29 of Lin et al. 2023 0.45, Media Bias/Fact Check (2018-2020) 0.12)" in onion
    assert "0.29 by Lin" not in onion
    youtube = analyzer.analyze(text, url="https://www.youtube.com/watch?v=abc").summary
    assert "platform anyone can publish on" in youtube and "none of the rating lists" not in youtube
    google = analyzer.analyze(text, url="https://news.google.com/articles/CBMiabc")
    assert google.source["aggregate"]["label"] == "unknown" and "aggregator" in google.source["flags"]
    assert "news aggregator" in google.summary


def test_wire_copy_on_the_agencys_own_site_is_not_called_republished(analyzer) -> None:
    story = ("LONDON (Reuters) - British shares rose on Tuesday as miners gained on higher metal prices, while "
             "investors awaited a Bank of England decision on interest rates due later this week, traders said. ") * 4
    own = analyzer.analyze(story, url="https://www.reuters.com/markets/x").summary
    assert "the URL is Reuters' own site" in own
    assert "republished" not in own
    assert "republished Reuters copy" in analyzer.analyze(story, url="https://www.example-news.com/x").summary


def test_numbers_alone_get_no_claim_verdict(analyzer) -> None:
    # the claim model alone reads "14 3 100 2020" as a COVID-19 post, 0.95 unreliable
    content = analyzer.analyze("14 3 100 2020").content
    assert content.label == "uncertain" and content.reasons[0].startswith("too short to judge: 0 words (numbers aside)")


def test_text_in_another_script_gets_one_reason_not_its_consequences(analyzer) -> None:
    text = ("Президент России заявил во вторник, что правительство рассмотрит новый бюджет в ближайшие недели "
            "и примет решение о налогах. ") * 6
    reasons = analyzer.analyze(text).content.reasons
    assert len(reasons) == 1 and "Cyrillic" in reasons[0]  # not also "too short: 4 words"


def test_evidence_counts_agree_between_python_and_json(analyzer) -> None:
    for text in ("Says crime doubled in Chicago last year.", "Officials said the council voted. " * 20):
        report = analyzer.analyze(text)
        assert [e.count for e in report.content.evidence] == [e["count"] for e in report.to_dict()["content"]["evidence"]]
        assert all(e.count >= 1 for e in report.content.evidence)


@pytest.mark.parametrize("page, kind", [
    ("Sorry, we can't find that page. The page you requested may have been moved or deleted.", "page not found"),
    ("Access Denied. You don't have permission to access this page on this server.", "access denied"),
    ("Please enable JavaScript to view this site. Are you a robot?", "bot check"),
    ("Subscribe to continue reading. Already a subscriber? Log in.", "paywall"),
])
def test_what_a_scraper_got_instead_of_an_article_gets_no_verdict(analyzer, page: str, kind: str) -> None:
    content = analyzer.analyze(page).content
    assert content.label == "uncertain" and content.reasons[0].startswith("not an article") and kind in content.reasons[0]
    # an article that quotes such words is still an article
    article = ("The court heard that the officer said access denied when the reporter asked for the file. " * 20)
    assert not any(r.startswith("not an article") for r in analyzer.analyze(article).content.reasons)


@pytest.mark.parametrize("claim, cut", [
    ("COVID is a virus", False),                      # typed without a full stop: a whole statement
    ("vaccines cause autism.", False),                # lower-case start: how people type claims
    ("The economy grew by", True),                    # a last word that cannot end a sentence
    ("Officials said the vaccine is saf", True),      # a cut word
    ("The vaccine works. It was tested on many people", True),  # several sentences, the last unfinished
])
def test_a_short_statement_is_not_called_cut_for_lacking_a_full_stop(analyzer, claim: str, cut: bool) -> None:
    report = analyzer.analyze(claim)
    assert report.content.mode == "claim"
    assert report.facts.truncated_end is cut
    assert report.facts.truncated_start is False
    assert ("appears cut" in report.summary) is cut


def test_reports_are_the_same_when_analysed_in_threads() -> None:
    """The service runs analyses in threads on one Analyzer: its caches (evidence anchors, the
    injected-block word table) must not let one analysis change another's report."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    import newscred

    from .conftest import EXAMPLES

    base = [p.read_text() for p in sorted(EXAMPLES.glob("*.txt"))]
    texts = [t + " " + " ".join(base[(i + 1) % len(base)].split()[: 40 + 7 * i]) for i, t in enumerate(base * 4)]
    expected = [newscred.load(claims=False).analyze(t).to_dict() for t in texts]
    fresh = newscred.load(claims=False)  # empty caches, filled by the threads at once
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show
    try:
        with ThreadPoolExecutor(8) as pool:
            assert [r.to_dict() for r in pool.map(fresh.analyze, texts)] == expected
    finally:
        sys.setswitchinterval(interval)
