"""The report's ``claims`` section: check-worthy sentences located in the text, fact-checked matches,
and the switches that turn it on and off everywhere (library, CLI, batch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import newscred
from newscred.claims.extract import _BOILERPLATE_RAW
from newscred.cli import main
from newscred.text.normalise import normalise

from .conftest import EXAMPLES

FIXTURE_CLAIMS = Path(__file__).parent / "data" / "claims" / "fact_checked.jsonl"


def test_seed_article_lists_at_least_five_check_worthy_sentences_with_offsets(analyzer, seed_article: str) -> None:
    claims = analyzer.analyze(seed_article).to_dict()["claims"]
    assert claims["segmentation"] == "boundary-model"  # the seed has no punctuation
    items = claims["items"]
    assert len(items) >= 5
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    for item in items:
        assert seed_article[item["start"] : item["end"]] == item["text"]
        assert item["score"] >= claims["threshold"]
        assert 5 <= len(item["text"].split()) <= 40  # the boundary model cuts longer run-ons
    # the listed sentences are the boundary model's sentences, not arbitrary windows
    from newscred.claims.sentences import split_sentences

    spans = {(s.start, s.end) for s in split_sentences(seed_article)}
    assert all((i["start"], i["end"]) in spans for i in items)
    # the sentence issue #6 names is cut where it ends ("... business with him"), not run on into
    # the next one as the previous boundary model did; the check-worthiness model scores it 0.32,
    # under its 0.36 threshold, so it is not listed (see docs/benchmarks.md)
    sanctions = [s for s in split_sentences(seed_article) if "new round of sanctions" in s.text]
    assert len(sanctions) == 1 and sanctions[0].text.endswith("continue to do business with him")


def test_sentences_inside_an_injected_block_are_not_listed(analyzer, seed_article: str) -> None:
    d = analyzer.analyze(seed_article).to_dict()
    (block,) = d["provenance"]["injected_blocks"]
    for item in d["claims"]["items"]:
        overlap = max(0, min(item["end"], block["end"]) - max(item["start"], block["start"]))
        assert overlap * 2 <= item["end"] - item["start"]
    assert any("injected" in note for note in d["claims"]["notes"])


def test_raw_and_normalised_copies_list_the_same_leading_claim(analyzer) -> None:
    text = (EXAMPLES / "wire-story.txt").read_text()
    raw = analyzer.analyze(text).to_dict()["claims"]
    flat = analyzer.analyze(normalise(text)).to_dict()["claims"]
    assert raw["segmentation"] == "punctuation" and flat["segmentation"] == "boundary-model"
    assert raw["items"] and flat["items"]
    top = set(normalise(raw["items"][0]["text"]).split())
    best_overlap = max(len(top & set(i["text"].split())) / len(top) for i in flat["items"])
    assert best_overlap > 0.6


def test_claims_can_be_switched_off(seed_article: str) -> None:
    analyzer = newscred.load(claims=False)
    assert analyzer.analyze(seed_article).to_dict()["claims"] is None


def test_matches_come_from_the_fact_check_index(tmp_path: Path) -> None:
    from newscred.claims.matching import ClaimIndex, left_out_reason, read_claims_jsonl

    index = ClaimIndex.build(read_claims_jsonl(FIXTURE_CLAIMS), tmp_path / "idx")
    first = next(iter(read_claims_jsonl(FIXTURE_CLAIMS)))
    analyzer = newscred.load(claims_index=tmp_path / "idx")
    d = analyzer.analyze(first.text).to_dict()  # a short claim: claim mode, the claim is its own item
    (item,) = d["claims"]["items"]
    assert item["matches"], "an exact fact-checked claim must match itself"
    assert item["matches"][0]["claim"]["text"] == first.text
    assert item["matches"][0]["claim"]["verdict"] == first.verdict
    assert item["matches"][0]["claim"]["verdict_text"] == "rated pants on fire (false and ridiculous) by PolitiFact"
    assert [a["verdict_text"] for a in item["matches"][0]["also"]] == ["rated false by Snopes"]
    indexed = [c for c in read_claims_jsonl(FIXTURE_CLAIMS) if left_out_reason(c) is None]  # not NOT_ENOUGH_INFO
    assert d["claims"]["index"]["claims"] == len(indexed) == 11
    assert len(index) >= 1
    # a match is a neighbour, not a verdict on this text: the report says so wherever matches appear,
    # and that the verdict is about the matched claim's wording, which may even say the opposite
    (caveat,) = [n for n in d["claims"]["notes"] if "not proof that this sentence was checked" in n]
    assert "similar fact-checked claim, not this sentence" in caveat and "matched claim's own wording only" in caveat
    assert "opposite" in caveat
    from click.testing import CliRunner

    from newscred.cli import main

    shown = CliRunner().invoke(main, ["analyze", "-", "--claims-index", str(tmp_path / "idx")], input=first.text)
    assert "a similar claim, not the same (similarity" in shown.output and "already checked" not in shown.output
    # the matched claim comes before its verdict, and the verdict is in words with who gave it
    line = shown.output[shown.output.index("a similar claim, not the same"):]
    assert line.index('"') < line.index("by PolitiFact")


def test_without_an_index_the_report_says_how_to_get_matches(analyzer, seed_article: str) -> None:
    d = analyzer.analyze(seed_article).to_dict()["claims"]
    assert d["index"] is None
    assert all(i["matches"] == [] for i in d["items"])
    assert any("newscred claims index build" in n for n in d["notes"])


def test_cli_shows_claims_and_mode(seed_article: str, tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "seed.txt"
    path.write_text(seed_article)
    result = runner.invoke(main, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    assert "Check-worthy claims" in result.output
    as_json = json.loads(runner.invoke(main, ["analyze", str(path), "--json", "--no-claims"]).output)
    assert as_json["claims"] is None
    claim = runner.invoke(main, ["analyze", "-", "--json"], input="Says the governor cut school funding by 40 percent.\n")
    assert json.loads(claim.output)["content"]["mode"] == "claim"
    forced = runner.invoke(main, ["analyze", str(path), "--json", "--mode", "claim", "--no-claims"])
    assert json.loads(forced.output)["content"]["mode"] == "claim"


def test_batch_scoring_leaves_claims_off_unless_asked(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": (EXAMPLES / "wire-story.txt").read_text()}, {"id": "b", "text": "Says crime doubled last year."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    runner = CliRunner()
    for flags, expect_claims in (([], False), (["--claims"], True)):
        out = tmp_path / f"out{len(flags)}.jsonl"
        result = runner.invoke(main, ["score", str(src), "-o", str(out), "--workers", "2", *flags])
        assert result.exit_code == 0, result.output
        got = [json.loads(line) for line in out.read_text().splitlines()]
        assert [g["id"] for g in got] == ["a", "b"]
        assert [g["content"]["mode"] for g in got] == ["article", "claim"]
        assert all((g["claims"] is not None) == expect_claims for g in got)


def test_scores_from_the_articles_tokens_equal_scoring_each_sentence_again(shared_data: Path) -> None:
    """The finder slices the article's own tokens per sentence instead of tokenising each sentence
    again: same terms, so same scores, on real raw and normalised articles of every shared set."""
    import itertools

    from newscred.claims.checkworthy import sentence_terms, token_terms
    from newscred.claims.extract import _tokens_within
    from newscred.claims.sentences import split_sentences
    from newscred.datasets.registry import article_datasets, load_dataset
    from newscred.text.normalise import tokenize

    checked = 0
    for name in article_datasets():
        for record in itertools.islice(load_dataset(name), 40):
            for text in (record.text or "", normalise(record.text or "")):
                if not text.strip():
                    continue
                tokens = tokenize(text)
                starts = [t.start for t in tokens]
                for sentence in split_sentences(text, tokens=tokens):
                    sliced = token_terms(_tokens_within(tokens, starts, sentence.start, sentence.end))
                    assert sliced == sentence_terms(sentence.text), (name, record.id, sentence.text[:80])
                    checked += 1
    assert checked > 5000


def test_finder_gives_the_same_section_with_or_without_the_callers_tokens(analyzer, seed_article: str) -> None:
    from newscred.text.normalise import tokenize

    finder = analyzer.claim_finder
    for text in (seed_article, (EXAMPLES / "wire-story.txt").read_text()):
        assert finder.find(text).to_dict() == finder.find(text, tokens=tokenize(text)).to_dict()


def test_claims_sentences_lists_every_sentence_with_offsets_and_scores(analyzer, seed_article: str, tmp_path: Path) -> None:
    """`newscred claims sentences` shows all the sentences the report ranks, the same scores and
    offsets, and marks those inside the injected block that the report leaves out."""
    path = tmp_path / "seed.txt"
    path.write_text(seed_article)
    result = CliRunner().invoke(main, ["claims", "sentences", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    report = analyzer.analyze(seed_article).to_dict()["claims"]
    assert len(rows) == report["sentences"]
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    for row in rows:
        assert seed_article[row["start"] : row["end"]] == row["text"]
        assert (row["score"] is None) == (len(row["text"].split()) < 5)
    by_span = {(r["start"], r["end"]): r for r in rows}
    for item in report["items"]:  # every listed claim is one of the rows, with the same score
        row = by_span[(item["start"], item["end"])]
        assert abs(row["score"] - item["score"]) < 1e-4 and row["check_worthy"] and not row["injected"]
    assert sum(r["check_worthy"] for r in rows) >= len(report["items"])
    injected = [r for r in rows if r["injected"]]
    (block,) = analyzer.analyze(seed_article).to_dict()["provenance"]["injected_blocks"]
    assert injected and all(block["start"] <= r["start"] < block["end"] for r in injected)
    ranked = CliRunner().invoke(main, ["claims", "sentences", str(path), "--by-score"])
    assert ranked.exit_code == 0
    scores = [float(line[1:5]) for line in ranked.stdout.splitlines() if line[1:5].strip(" -")]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 10


def test_claims_sentences_footer_never_runs_on_from_the_last_sentence(tmp_path: Path) -> None:
    """The footer goes to standard error after a line break of its own: also where the two streams
    are joined after the listing's last newline was stripped ("...your mind.3 sentences")."""
    path = tmp_path / "three.txt"
    path.write_text("Vaccines cause autism, a new study shows. The government is adding fluoride to tap water to "
                    "control your mind. Crime in Chicago doubled last year.\n")
    for flags in ([], ["--by-score"]):
        result = CliRunner().invoke(main, ["claims", "sentences", str(path), *flags])
        assert result.exit_code == 0, result.output
        last = result.stdout.splitlines()[-1]
        assert last.endswith(".") and "sentences (" not in result.stdout
        assert result.stderr.startswith("\n3 sentences (punctuation);")
        joined = result.stdout.rstrip() + result.stderr
        assert f"{last}\n" in joined and ".3 sentences" not in joined
        assert result.output.index(last) < result.output.index("3 sentences (")  # listing first, footer after
    as_json = CliRunner().invoke(main, ["claims", "sentences", str(path), "--json"])
    assert [json.loads(line)["end"] for line in as_json.stdout.splitlines()][-1] > 0 and not as_json.stderr


def test_claims_sentences_refuses_empty_input() -> None:
    result = CliRunner().invoke(main, ["claims", "sentences", "-"], input="  \n")
    assert result.exit_code != 0
    assert "empty" in result.output and "input.empty" in result.output


def test_claims_sentences_reads_the_main_text_of_an_html_page() -> None:
    """A saved page gives the sentences of its article text (as 'analyze' reads it), never markup."""
    pytest.importorskip("trafilatura", reason="HTML extraction needs: pip install 'newscred[html]'")
    from newscred.provenance import extract_html

    page = Path(__file__).parent / "data" / "provenance_page.html"
    result = CliRunner().invoke(main, ["claims", "sentences", str(page), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    text = extract_html(page.read_text()).text
    assert rows and all(text[r["start"] : r["end"]] == r["text"] for r in rows)
    assert not any("<" in r["text"] or "window.analytics" in r["text"] for r in rows)
    raw = CliRunner().invoke(main, ["claims", "sentences", str(page), "--json", "--text"])
    assert any("<" in json.loads(line)["text"] for line in raw.output.splitlines())


def test_credit_lines_captions_and_notices_are_not_listed_as_claims(analyzer) -> None:
    story = ("The city council voted 9-2 on Tuesday to spend $48 million replacing lead water pipes, the largest "
             "commitment it has made since 2011. Roughly $19 million will come from a federal loan, the finance "
             "director said. FILE PHOTO: Workers replace a lead service line in Springfield, Illinois, in 2019. "
             "(This story has been refiled to add the dropped word \"not\" in paragraph 2.) "
             "(Reporting by Julie Steenhuysen; Editing by Bill Berkrot)")
    listed = [item["text"] for item in analyzer.analyze(story).to_dict()["claims"]["items"]]
    assert any("voted 9-2" in t for t in listed)
    assert not any(t.startswith(("FILE PHOTO", "(This story", "(Reporting by")) for t in listed), listed


def test_furniture_is_told_from_claims_that_look_like_it() -> None:
    from newscred.claims.extract import is_boilerplate

    furniture = ["(Corrects paragraph 4 to say 25 monkeys were tested, not 35.)",
                 "CORRECTION: A previous version of this story said the vote was 8-3.",
                 "Contact: Harvard Medical School press office, 617-432-0442",
                 "Editor's note: This story was updated to add a comment from the mayor.",
                 "Chinese Premier Li Keqiang is seen on a screen in Beijing. REUTERS/Carlos Garcia Rawlins",
                 "President Trump speaks in Ohio. (AP Photo/Evan Vucci)",
                 "Associated Press writers Jill Colvin and Zeke Miller contributed to this report.",
                 "An earlier version of this story misstated the date.", "Investor Contact: Jane Roe"]
    claims = ["The council voted 9-2 on Tuesday, Reuters reported.", "Police said the suspect fled, according to AFP.",
              "Contacts between the two governments resumed in May.", "Photo identification laws were passed in 2011.",
              "Corrections officers went on strike in May.", "Credit card debt rose 5 percent last year."]
    assert [s for s in furniture if not is_boilerplate(s)] == []
    assert [s for s in claims if is_boilerplate(s)] == []


def test_a_short_post_of_several_claims_lists_each_of_them(analyzer) -> None:
    post = ("Vaccines cause autism, a new study shows. The government puts fluoride in the water to control your "
            "mind. Crime in Chicago doubled last year.")
    claims = analyzer.analyze(post).to_dict()["claims"]
    assert claims["segmentation"] == "punctuation" and claims["sentences"] == 3
    texts = [item["text"] for item in claims["items"]]
    assert sorted(texts) == sorted(s + "." for s in post.rstrip(".").split(". "))
    assert all(post[i["start"]:i["end"]] == i["text"] for i in claims["items"])
    assert [i["rank"] for i in claims["items"]] == [1, 2, 3]
    one = analyzer.analyze("Says crime in Chicago doubled last year.").to_dict()["claims"]
    assert one["segmentation"] == "whole-text" and len(one["items"]) == 1


@settings(max_examples=400, deadline=None)
@given(st.from_regex(_BOILERPLATE_RAW))
def test_raw_boilerplate_prefilter_never_hides_a_match(text: str) -> None:
    """is_boilerplate only runs the caption/credit patterns on text that has what each needs."""
    from newscred.claims.extract import _may_hold_raw_boilerplate

    assert _BOILERPLATE_RAW.search(text)
    assert _may_hold_raw_boilerplate(text), text
