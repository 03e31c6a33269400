"""Provenance: wire origin, injected blocks, truncation, sourcing, the republication index, HTML."""

from __future__ import annotations

import json
import sqlite3
import math
from pathlib import Path
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from newscred.cli import main
from newscred.errors import IncompatibleArtifactError, NewscredError
from newscred.provenance import detect
from newscred.provenance import (
    IndexNotFoundError,
    IndexVersionError,
    RepublicationIndex,
    analyze_provenance,
)
from newscred.text.normalise import Token, normalise

from .conftest import EXAMPLES

DATA = Path(__file__).parent / "data"
SEED_BLOCK_FIRST = "top stories"
SEED_BLOCK_LAST = "illegal aliens"


def _covers_tightly(block, start: int, end: int, slack: int = 40) -> bool:
    """The block covers [start, end) and strays at most ``slack`` characters beyond it."""
    return block.start <= start and block.end >= end and (start - block.start) + (block.end - end) <= slack


def _overlaps_tightly(block, start: int, end: int, share: float = 0.9, slack: int = 40) -> bool:
    """The block covers ``share`` of [start, end) and strays at most ``slack`` characters beyond it."""
    inside = max(0, min(block.end, end) - max(block.start, start))
    outside = (block.end - block.start) - inside
    return inside >= share * (end - start) and outside <= slack


# ---------------------------------------------------------------------------------------------
# The seed article (normalised: lower-case, no punctuation, cut at both ends)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_provenance(seed_article: str):
    return analyze_provenance(seed_article)


def test_seed_wire_origin_is_ap_at_the_dateline(seed_article: str, seed_provenance) -> None:
    assert seed_provenance.wire_origin == "AP"
    datelines = [w for w in seed_provenance.wire if w.kind == "dateline"]
    assert datelines and datelines[0].agency == "AP"
    start = seed_article.index("bogota colombia ap")
    assert (datelines[0].start, datelines[0].end) == (start, start + len("bogota colombia ap"))
    assert seed_article[datelines[0].start : datelines[0].end] == "bogota colombia ap"


def test_seed_injected_headline_block_is_located(seed_article: str, seed_provenance) -> None:
    start = seed_article.index(SEED_BLOCK_FIRST)
    end = seed_article.index(SEED_BLOCK_LAST) + len(SEED_BLOCK_LAST)
    runs = [b for b in seed_provenance.injected_blocks if b.kind == "headline_run"]
    assert len(runs) == 1, runs
    block = runs[0]
    assert _covers_tightly(block, start, end), (block.start, block.end, start, end)
    assert block.text.startswith("top stories trump dismisses")
    assert "top stories" in block.reason
    assert 0.5 < block.score <= 1.0


@pytest.mark.parametrize("text, start, end", [
    ("El gobierno anunció un nuevo plan para reducir la inflación.", False, False),  # unknown last word, then "."
    ("Hydroxychloroquine cures coronavirus in 48 hours, says a doctor.", False, False),  # unknown first word, capital
    ("ment officials said on Tuesday that the plan would go ahead", True, True),  # lower-case start, no full stop
])
def test_raw_text_punctuation_decides_truncation(text: str, start: bool, end: bool) -> None:
    from newscred.analyzer import load

    facts = load(claims=False).analyze(text, mode="article").to_dict()["facts"]
    assert (facts["truncated_start"], facts["truncated_end"]) == (start, end)


def test_seed_is_truncated_at_both_ends(seed_article: str, seed_provenance) -> None:
    assert seed_provenance.truncated_start and seed_provenance.truncated_end
    assert seed_provenance.truncation["start"].token == "apitalism"
    assert seed_provenance.truncation["start"].start == 0
    assert seed_provenance.truncation["end"].token == "r"
    assert seed_provenance.truncation["end"].end == len(seed_article.rstrip())


def test_seed_anonymous_sourcing(seed_article: str, seed_provenance) -> None:
    sourcing = seed_provenance.sourcing
    assert sourcing.anonymous_count >= 3
    assert sourcing.named_count >= 1
    for a in sourcing.anonymous:
        assert seed_article[a.start : a.end] == a.text  # offsets point at the text (normalised input)
    assert any("condition of anonymity" in a.cue for a in sourcing.anonymous)
    assert any("familiar" in a.text for a in sourcing.anonymous)
    assert "anonymous" in sourcing.profile


def test_to_dict_is_json(seed_provenance) -> None:
    d = json.loads(json.dumps(seed_provenance.to_dict()))
    assert d["wire_origin"] == "AP"
    assert set(d) >= {"wire", "wire_origin", "injected_blocks", "truncated_start", "truncated_end", "sourcing"}
    assert d["sourcing"]["anonymous_count"] >= 3
    assert {"start", "end", "text", "kind", "score", "reason"} <= set(d["injected_blocks"][0])


def test_tokens_and_artefacts_can_be_passed_in(seed_article: str, seed_provenance) -> None:
    from newscred.text.artefacts import find_artefacts
    from newscred.text.normalise import tokenize

    tokens = tokenize(seed_article)
    again = analyze_provenance(seed_article, tokens, find_artefacts(tokens))
    assert again == seed_provenance


# ---------------------------------------------------------------------------------------------
# A raw wire story (capitals, punctuation, line breaks) and its normalised copy
# ---------------------------------------------------------------------------------------------

RAW_BLOCK_FIRST = "Related:"
RAW_BLOCK_LAST = "Northern Europe This Summer"


@pytest.fixture(scope="module")
def raw_wire() -> str:
    return (DATA / "provenance_wire_raw.txt").read_text()


@pytest.mark.parametrize("variant", ["raw", "normalised"])
def test_wire_style_text(raw_wire: str, variant: str) -> None:
    text = raw_wire if variant == "raw" else normalise(raw_wire)
    p = analyze_provenance(text)
    assert p.wire_origin == "AP"
    dateline = next(w for w in p.wire if w.kind == "dateline")
    assert normalise(text[dateline.start : dateline.end]) == "bogota colombia ap"

    first = text.index(RAW_BLOCK_FIRST if variant == "raw" else "related star chef")
    last_phrase = RAW_BLOCK_LAST if variant == "raw" else normalise(RAW_BLOCK_LAST)
    last = text.index(last_phrase) + len(last_phrase)
    runs = [b for b in p.injected_blocks if b.kind == "headline_run"]
    assert len(runs) == 1, runs
    if variant == "raw":  # line breaks and capitals mark both edges
        assert _covers_tightly(runs[0], first, last), (runs[0].start, runs[0].end, first, last)
    else:  # the last words ("this summer") could as well open the next paragraph
        assert _overlaps_tightly(runs[0], first, last), (runs[0].start, runs[0].end, first, last)

    assert p.truncated_start and p.truncated_end
    assert p.truncation["start"].token == "rnment"
    assert p.truncation["end"].token == "than"
    assert p.sourcing.anonymous_count >= 3
    assert p.sourcing.named_count >= 3


def test_clean_wire_story_has_no_injected_block() -> None:
    text = (EXAMPLES / "wire-story.txt").read_text()
    for variant in (text, normalise(text)):
        p = analyze_provenance(variant)
        assert p.injected_blocks == ()
        assert not p.truncated_start
        assert p.sourcing.anonymous_count == 0
        assert p.sourcing.named_count >= 4


def test_promo_block_inside_an_article(raw_wire: str) -> None:
    lines = raw_wire.split("\n\n")
    promo = "Sign up for our daily newsletter to get the best of our journalism in your inbox."
    text = "\n\n".join(lines[:3] + [promo] + lines[3:4] + lines[5:])
    p = analyze_provenance(text)
    promos = [b for b in p.injected_blocks if b.kind == "promo"]
    assert len(promos) == 1
    assert text[promos[0].start : promos[0].end] == promo


def test_short_or_empty_text_is_harmless() -> None:
    p = analyze_provenance("")
    assert p.wire == () and p.wire_origin is None and p.injected_blocks == ()
    assert not p.truncated_start and not p.truncated_end
    p = analyze_provenance("Reuters said so.")
    assert p.wire_origin is None  # one mention is not an origin


def test_wire_origin_priorities() -> None:
    reuters_byline = ("The central bank held rates on Thursday, its governor said, as inflation eased for a "
                      "third month. Reporting by Ana Smith; Editing by Tom Jones")
    assert analyze_provenance(reuters_byline).wire_origin == "Reuters"
    filler = " The ministry has not published the figures, and opposition lawmakers have asked for them twice."
    mentions = ("Officials told Reuters the plan was dropped." + filler + " Reuters could not verify the claim, "
                "and the Associated Press was not able to reach the ministry." + filler + " A spokesman told "
                "Reuters on Friday that talks would resume.")
    assert analyze_provenance(mentions).wire_origin == "Reuters"
    photo_only = "The senator spoke at a rally on Friday. (AP Photo/Evan Vucci) She said little else."
    assert analyze_provenance(photo_only).wire_origin is None
    captions = ("The president at the White House on Monday. Kevin Lamarque/Reuters\n\nThe plan was announced "
                "on Monday. Reuters/Pool\n\nMore details followed. Photo: Reuters\n\nThe end.")
    assert analyze_provenance(captions).wire_origin is None


# ---------------------------------------------------------------------------------------------
# Republication index
# ---------------------------------------------------------------------------------------------

_TOPICS = [
    "The city council approved a plan to replace lead water pipes in older neighborhoods, with crews starting "
    "near schools and daycare centers. Utility officials said the work would take six years and cost about "
    "forty eight million dollars, paid partly by a federal loan and partly by higher water rates.",
    "A storm system moving across the plains brought hail the size of golf balls to farming towns on Sunday, "
    "flattening wheat fields and damaging grain elevators. Forecasters warned that another line of storms "
    "could form by Tuesday evening, and county emergency managers opened shelters in two schools.",
    "The national museum reopened its ancient coins gallery after a three year renovation that added climate "
    "controlled cases and a new lighting system. Curators said about four hundred coins, some minted more than "
    "two thousand years ago, are on display for the first time since the gallery closed.",
    "Shares of the chip maker fell sharply after it cut its sales forecast for the rest of the year, blaming "
    "weaker demand for personal computers and smartphones. Analysts said the company had built up large "
    "inventories and would need several quarters to work them down before prices recover.",
]


def _doc(i: int) -> str:
    # long enough for shingles to be meaningful: the topic, then its own numbered details
    base = _TOPICS[i]
    details = " ".join(f"Detail {i}-{k}: a further sentence about item {k} of story {i} and its own facts." for k in range(12))
    return base + " " + details


@pytest.fixture()
def small_index(tmp_path: Path):
    records = [{"id": f"doc{i}", "text": _doc(i), "title": f"Story {i}", "url": f"https://example.com/{i}",
                "source": "example.com"} for i in range(3)]
    index = RepublicationIndex.build(records, tmp_path / "articles.idx", threshold=0.5, num_perm=64)
    yield index
    index.close()


def test_index_exact_copy(small_index) -> None:
    matches = small_index.query(_doc(1))
    assert matches and matches[0].id == "doc1"
    m = matches[0]
    assert m.similarity > 0.95 and m.contained_share > 0.99 and m.source_share > 0.99
    assert (m.source, m.url, m.title) == ("example.com", "https://example.com/1", "Story 1")
    assert m.copied_spans and m.copied_spans[0][0] == 0
    assert len(matches) == 1


def test_index_normalised_truncated_copy(small_index) -> None:
    words = normalise(_doc(2)).split()
    copy = " ".join(words[15:-20])  # cut at both ends, lower-cased, punctuation stripped
    matches = small_index.query(copy)
    assert matches and matches[0].id == "doc2"
    assert matches[0].contained_share > 0.99
    assert matches[0].source_share < 0.9
    assert matches[0].copied_spans == ((0, len(copy)),)


def test_index_unrelated_text_not_found(small_index) -> None:
    assert small_index.query(_TOPICS[3] + " " + _TOPICS[3].upper()) == []
    assert small_index.query("") == []


def test_index_add_and_reopen(small_index, tmp_path: Path) -> None:
    added = small_index.add([{"id": "doc3", "text": _doc(3)}])
    assert added == 1
    with pytest.raises(NewscredError):
        small_index.add([{"id": "doc9", "text": _doc(0) + " extra"}, {"id": "doc3", "text": "again"}])
    assert len(small_index) == 4  # the failed add left nothing behind (one transaction)
    reopened = RepublicationIndex.open(small_index.path)
    assert len(reopened) == 4
    assert reopened.query(_doc(3))[0].id == "doc3"
    assert reopened.add([{"id": "doc3", "text": "dup"}], on_duplicate="skip") == 0
    reopened.close()


def test_interrupted_build_leaves_no_index(tmp_path: Path) -> None:
    target = tmp_path / "partial.idx"

    def docs():
        yield _doc(0)
        yield _doc(1)
        raise KeyboardInterrupt  # the user pressed Ctrl-C half way

    with pytest.raises(KeyboardInterrupt):
        RepublicationIndex.build(docs(), target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # nor its temporary file


def test_interrupted_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    target = tmp_path / "kept.idx"
    RepublicationIndex.build([_doc(0)], target).close()

    def boom(n: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        RepublicationIndex.build([_doc(i) for i in range(3)] * 20, target, progress=boom)
    with RepublicationIndex.open(target) as index:
        assert len(index) == 1


def test_build_replaces_only_an_index(tmp_path: Path) -> None:
    from newscred.errors import OutputExistsError

    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    other_db = tmp_path / "app.sqlite"
    with sqlite3.connect(other_db) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (notes, other_db, folder):
        before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(OutputExistsError, match=f"^{target}"):
            RepublicationIndex.build([_doc(0)], target)
        assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left either
    assert notes.read_text() == "my notes"
    # an earlier index (even of an older schema) is rebuilt in place
    index = tmp_path / "refs.idx"
    RepublicationIndex.build([_doc(0)], index).close()
    with sqlite3.connect(index) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with RepublicationIndex.build([_doc(i) for i in range(3)], index) as rebuilt:
        assert len(rebuilt) == 3


def test_build_never_touches_a_file_named_like_its_temporary(tmp_path: Path) -> None:
    target = tmp_path / "refs.idx"
    mine = tmp_path / "refs.idx.tmp"  # the name a build used to write and delete
    mine.write_text("someone's file")
    RepublicationIndex.build([_doc(0)], target).close()
    assert mine.read_text() == "someone's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.idx", "refs.idx.tmp"]


def test_unknown_schema_version_is_refused(small_index, tmp_path: Path) -> None:
    path = small_index.path
    small_index.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(IndexVersionError) as info:
        RepublicationIndex.open(path)
    assert isinstance(info.value, IncompatibleArtifactError)
    assert "999" in info.value.message


def test_missing_and_foreign_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        RepublicationIndex.open(tmp_path / "nope.idx")
    junk = tmp_path / "junk.idx"
    junk.write_text("not a database at all, just text")
    with pytest.raises(NewscredError):
        RepublicationIndex.open(junk)


# ---------------------------------------------------------------------------------------------
# HTML extraction (offline)
# ---------------------------------------------------------------------------------------------


def test_extract_html_reads_text_and_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("trafilatura")
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("extract_html must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    from newscred.provenance import extract_html

    html = (DATA / "provenance_page.html").read_text()
    page = extract_html(html, url="https://ledger.example.com/news/2024/03/05/council-lead-pipes?utm_source=x")
    assert page.title == "Council approves $48 million lead pipe plan"
    assert page.canonical_url == "https://ledger.example.com/news/2024/03/05/council-lead-pipes"
    assert page.site_name == "The Springfield Ledger"
    assert page.date == "2024-03-05"
    assert "voted 9-2 on Tuesday" in page.text
    assert "finance director Thomas Reyes" in page.text
    assert "Storm closes schools" not in page.text and "All rights reserved" not in page.text
    assert analyze_provenance(page.text).sourcing.named_count >= 2


def test_extract_html_empty_page_is_an_input_error() -> None:
    pytest.importorskip("trafilatura")
    from newscred.errors import EmptyInputError
    from newscred.provenance import extract_html

    with pytest.raises(EmptyInputError):
        extract_html("   ")
    with pytest.raises(EmptyInputError):
        extract_html("<html><head><title>Nothing here</title></head><body><script>var a = 1;</script></body></html>")


def test_read_page_works_without_the_html_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without trafilatura the plain parser reads the page: every block, no scripts or navigation."""
    from newscred.errors import EmptyInputError, MissingExtraError
    from newscred.provenance import html as html_module

    def missing(*_args: object) -> None:
        raise MissingExtraError("trafilatura is not installed")

    monkeypatch.setattr(html_module, "require", missing)
    page = html_module.read_page(
        "<html><head><title>Council</title><link rel='canonical' href='/news/1'></head><body><nav>Home</nav>"
        "<p>The council voted on Tuesday.</p><script>var x = 'hoax';</script><p>Officials said work starts soon.</p>"
        "</body></html>", url="https://ledger.example.com/a")
    assert page.extractor == "plain" and page.title == "Council"
    assert page.text == "The council voted on Tuesday.\n\nOfficials said work starts soon."
    assert page.canonical_url == "https://ledger.example.com/news/1"
    with pytest.raises(EmptyInputError):
        html_module.read_page("<html><body><script>var a = 1;</script></body></html>")


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_cli_index_build_add_query(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps({"doc_id": f"d{i}", "body": _doc(i), "title": f"Story {i}",
                                            "url": f"https://news.example.org/{i}"}) for i in range(2)) + "\n")
    more = tmp_path / "more.csv"
    more.write_text("body\n\"" + _doc(3) + "\"\n")
    index = tmp_path / "c.idx"
    result = _run("index", "build", str(corpus), "-o", str(index), "--text-col", "body", "--id-col", "doc_id",
                  "--no-progress")
    assert result.exit_code == 0, result.output
    assert index.is_file()
    result = _run("index", "add", str(index), str(more), "--text-col", "body", "--no-progress")
    assert result.exit_code == 0, result.output

    article = tmp_path / "copy.txt"
    article.write_text(" ".join(normalise(_doc(1)).split()[10:-10]))
    result = _run("index", "query", str(index), str(article), "--json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["matches"][0]["id"] == "d1"
    assert d["matches"][0]["url"] == "https://news.example.org/1"
    assert d["matches"][0]["source"] == "news.example.org"
    assert d["matches"][0]["contained_share"] > 0.99

    article.write_text(_doc(3))
    d = json.loads(_run("index", "query", str(index), str(article), "--json").stdout)
    assert d["matches"][0]["id"] == "more:0"

    result = _run("index", "query", str(index), str(article))
    assert result.exit_code == 0 and "1 match" in result.output


def test_cli_index_build_refuses_to_overwrite_a_text_file(tmp_path: Path) -> None:
    corpus = tmp_path / "four.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": _doc(i)}) + "\n" for i in range(4)))
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    result = _run("index", "build", str(corpus), "-o", str(notes), "--no-progress")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error [output.exists]: {notes} exists and is not a newscred republication index; "
                                     "refusing to replace it. Choose another -o/--output, or move it away first.")
    assert notes.read_text() == "my notes\n"
    index = tmp_path / "four.idx"
    for _ in range(2):  # the second build replaces the first index
        result = _run("index", "build", str(corpus), "-o", str(index), "--no-progress")
        assert result.exit_code == 0 and "indexed 4 documents" in result.output
    help_text = " ".join(_run("index", "build", "--help").output.split())
    assert "any other file is refused, never overwritten" in help_text


def test_cli_index_errors_are_one_line(tmp_path: Path) -> None:
    result = _run("index", "query", str(tmp_path / "missing.idx"), str(EXAMPLES / "wire-story.txt"))
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error [index.not_found]")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"content": "x"}) + "\n")
    result = _run("index", "build", str(corpus), "-o", str(tmp_path / "x.idx"), "--no-progress")
    assert result.exit_code == 1
    assert "Error [input.missing_column]" in result.output
    assert not (tmp_path / "x.idx").exists()


def test_the_seed_article_is_sourced_mostly_to_unnamed_officials(seed_article: str) -> None:
    """A fact-checker's reading of the seed: one named person (Fernando Cutz), several officials
    and an aide known by title only, and sources granted anonymity."""
    sourcing = analyze_provenance(seed_article).sourcing
    assert sourcing.profile.startswith("Mostly unnamed sources")
    assert sourcing.anonymous_count >= 3 and sourcing.by_role_count >= 4
    assert any(a.source == "fernando cutz" for a in sourcing.named)
    titles = {a.source for a in sourcing.by_role}
    assert {"official", "aide"} <= titles and not titles & {a.source for a in sourcing.named}
    assert "official" not in {a.source for a in sourcing.named}  # a title alone is not a name


def test_a_story_ending_on_its_credit_line_is_not_cut() -> None:
    from newscred.text.normalise import normalise

    body = ("Researchers said on Tuesday that the monkeys were exposed to the virus in the laboratory and recovered "
            "within two weeks, according to the study published in the journal. ")
    for ending in ("(Reporting by Julie Steenhuysen; Editing by Bill Berkrot)",
                   "Copyright 2019 The Associated Press. All rights reserved. This material may not be published, "
                   "broadcast, rewritten or redistributed"):
        for text in (body * 3 + ending, normalise(body * 3 + ending)):
            p = analyze_provenance(text, lexicon=frozenset(normalise(body).split()))  # "berkrot" is unknown
            assert not p.truncated_end, (ending, p.truncation["end"].reason)
            assert p.truncation["end"].reason == "ends on a credit line or byline"
    cut = normalise(body * 3)[:-9]  # cut mid-word: still caught
    assert analyze_provenance(cut, lexicon=frozenset(normalise(body).split())).truncated_end


def test_in_text_without_punctuation_a_whole_word_end_is_not_called_seen() -> None:
    from newscred.text.normalise import normalise

    story = (EXAMPLES / "wire-story.txt").read_text()
    flat = analyze_provenance(normalise(story)).truncation
    assert not flat["end"].truncated and "cannot be seen" in flat["end"].reason
    assert "cannot be seen" not in analyze_provenance(story).truncation["end"].reason  # punctuation shows it


def test_sourcing_tells_names_from_titles_and_groups_in_raw_text() -> None:
    text = ("The council voted on Tuesday to raise water rates. Critics said the plan would hurt poor families. "
            "Witnesses said the meeting ran late. Police said two people were arrested. Smith, a former judge, said "
            "the vote was legal. A senior official said the budget was balanced. Experts say the pipes are old. "
            "Finance Director Thomas Reyes said the loan was approved. Officials said the work would start in May.")
    sourcing = analyze_provenance(text).sourcing
    assert sorted(a.source for a in sourcing.named) == ["smith", "thomas reyes"]
    assert sorted(a.source for a in sourcing.by_role) == ["critics", "experts", "official", "officials", "police",
                                                          "witnesses"]
    assert sourcing.profile.startswith("Mostly unnamed sources: 2 to named people, 6 to a title only")


def test_in_text_without_punctuation_a_name_is_not_run_into_the_words_before_it() -> None:
    from newscred.text.normalise import normalise

    story = (EXAMPLES / "wire-story.txt").read_text()
    raw = {a.source for a in analyze_provenance(story).sourcing.named}
    flat = {a.source for a in analyze_provenance(normalise(story)).sourcing.named}
    assert "karen molina" in flat and "thomas reyes" in flat  # a known first name joins the surname
    assert all(any(r.endswith(source) for r in raw) for source in flat), (raw, flat)  # "molina", not "arrive molina"


# ---------------------------------------------------------------------------------------------
# An editor's audit: truncation (finding 7)
# ---------------------------------------------------------------------------------------------

_STORY = (EXAMPLES / "wire-story.txt").read_text().rstrip()


@pytest.mark.parametrize("ending", [
    "Media Contact:\nJane Morrow\npress@novagen-example.com\n(617) 555-0142",
    "Sources for this article include:\n\nWashingtonPost.com\n\nNaturalNews.com",
    "Selah. By Jeff Rainforth Like Jeff on Facebook Follow Jeff on Twitter",
    "Read more great articles here: http://familysecuritymatters.org",
    "Follow us on Twitter @HarborCityFC",
    "For tickets visit www.harborcityfc.com",
    "Photo: Jane Doe/Harbor City Times",
    "This story has been updated",
])
def test_a_story_ending_on_a_link_contact_or_credit_is_not_cut(ending: str) -> None:
    p = analyze_provenance(_STORY + "\n\n" + ending)
    assert not p.truncated_end, p.truncation["end"].reason
    assert "not a cut" in p.truncation["end"].reason


def test_a_raw_cut_mid_word_is_seen_even_before_a_full_stop() -> None:
    # CoAID: lower-cased but punctuated, and cut inside "publication" before the scraper's full stop
    text = ("your social media posts may say more about your stress and anxiety levels than you think. getty images "
            "the mental health of teenagers is most impacted by the pandemic. tweets show more negative indicators and "
            "trends of mental health in states that are more harshly impacted by covid-19. all data and statistics are "
            "based on publicly available data at the time of publicati.")
    p = analyze_provenance(text)
    assert p.truncated_end and "publication" in p.truncation["end"].reason
    # lower case throughout is the format, not a cut at the start
    assert not p.truncated_start, p.truncation["start"].reason
    sai = analyze_provenance(_STORY + " And then the coach sai")
    assert sai.truncated_end and "mid-word" in sai.truncation["end"].reason


def test_lower_cased_punctuated_text_is_not_cut_at_the_start() -> None:
    text = ("harbor city beat lakeview 3-1 on saturday. okafor scored twice, and the visitors never recovered. "
            "lakeview coach martin keane said his side \"stopped playing\" after the equaliser. a crowd of 14,212 "
            "attended at harbor park, the largest of the season.")
    p = analyze_provenance(text)
    assert not p.truncated_start and not p.truncated_end


@pytest.mark.parametrize("variant", ["raw", "normalised"])
def test_a_dateline_without_its_city_is_not_a_word_cut(variant: str) -> None:
    text = ("(Reuters) - Health policy experts say the United States must dramatically increase the availability of "
            "tests for the coronavirus if it is to safely reopen its economy. U.S. regulators have moved speedily to "
            "authorize tests, but supplies remain short, experts said.")
    p = analyze_provenance(text if variant == "raw" else normalise(text))
    assert not p.truncated_start
    reason = p.truncation["start"].reason
    assert "mid-word" not in reason and "place" in reason


def test_a_foreign_first_word_is_not_a_cut() -> None:
    text = normalise(
        "Bundesregierung beschließt neues Klimaschutzprogramm. Die Bundesregierung hat am Mittwoch ein neues "
        "Klimaschutzprogramm beschlossen, mit dem der Ausstoß von Treibhausgasen bis 2030 um 65 Prozent gegenüber 1990 "
        "sinken soll. Das Kabinett billigte das Paket nach monatelangen Verhandlungen zwischen den Koalitionspartnern.")
    p = analyze_provenance(text)
    assert not p.truncated_start and "mid-word" not in p.truncation["start"].reason


# ---------------------------------------------------------------------------------------------
# An editor's audit: one-line promos and false alarms (findings 5 and 6)
# ---------------------------------------------------------------------------------------------

_PROMO_LINES = [
    "RELATED: Brad Pitt Makes First Red Carpet Appearance Since Angelina Jolie Split at Allied Premiere",
    "Image zoom Brad Pitt and Angelina Jolie in 2014 Kevin Mazur/WireImage",
    "Read more: 'We have a depression on our hands': The CIO of a bearish $150 million fund says the market will "
    "grind to new lows after the current bounce is over",
    "Related Coverage Mine blast kills NATO soldier in Afghanistan",
    "Also on rt.com Bars & restaurants set to reopen in Madrid as Spain sheds more lockdown measures",
    "The coronavirus travel crisis shuttered these three US airlines. Will more go under as well?",
]


@pytest.mark.parametrize("line", _PROMO_LINES)
def test_a_one_line_promo_is_an_injected_block(line: str) -> None:
    paragraphs = _STORY.split("\n\n")
    text = "\n\n".join(paragraphs[:3] + [line] + paragraphs[3:])
    start = text.index(line)
    blocks = analyze_provenance(text).injected_blocks
    assert [(b.kind, b.start, b.end) for b in blocks] == [("promo", start, start + len(line))], blocks


def test_one_line_promos_are_not_check_worthy_claims() -> None:
    from newscred.analyzer import load

    paragraphs = _STORY.split("\n\n")
    text = "\n\n".join(paragraphs[:2] + _PROMO_LINES[:1] + paragraphs[2:4] + _PROMO_LINES[5:] + paragraphs[4:])
    report = load().analyze(text, mode="article").to_dict()
    listed = " ".join(item["text"] for item in report["claims"]["items"])
    assert "Red Carpet" not in listed and "these three US airlines" not in listed
    assert len(report["provenance"]["injected_blocks"]) == 2


def test_an_ap_contributor_line_is_a_wire_credit_not_an_injected_block() -> None:
    text = (_STORY + "\n\nDearen reported from Gainesville, Florida. AP reporters Mary Clare Jalonick, Zeke Miller and "
            "Elana Schor contributed to this report.")
    p = analyze_provenance(text)
    assert p.injected_blocks == ()
    assert any(w.agency == "AP" and "contributed" in w.text for w in p.wire)


def test_more_coverage_in_the_articles_own_sentence_is_no_headline_run() -> None:
    text = normalise(
        _STORY + "\n\nJournalists have been criticized for the double standard in the ways they cover Trump and "
        "Democratic presidential nominee Hillary Clinton. Earlier this month, cable news programs devoted 13 times more "
        "coverage to Clinton's pneumonia diagnosis as The Washington Post's reporting about the Trump Foundation. This "
        "week, both the Trump Foundation and Trump Organization stories were given short shrift by the broadcast news "
        "programs in favor of coverage of Donald Trump's Dr. Oz stunt.")
    assert [b for b in analyze_provenance(text).injected_blocks if b.kind == "headline_run"] == []


def test_a_trigger_late_in_a_run_does_not_pull_in_the_reporting_before_it() -> None:
    text = normalise(
        _STORY + "\n\nWhen asked if Google actively scans the files that users store in Google Drive, Google spokeswoman "
        "Alex Krasov refused to say, adding that her company \"doesn't go into details\" about how its anti-misinformation "
        "policies are enforced.\n\nMore of the latest news about the Wuhan coronavirus (COVID-19) is available at "
        "Pandemic.news.")
    blocks = analyze_provenance(text).injected_blocks
    assert not any("krasov" in b.text for b in blocks), blocks
    assert len(blocks) == 1 and "latest news about the wuhan coronavirus" in blocks[0].text


def test_a_press_release_is_recognised_by_its_distributor_in_raw_and_normalised_text(analyzer) -> None:
    from newscred.provenance.detect import find_press_release
    from newscred.text.normalise import normalise, tokenize

    release = ("FOR IMMEDIATE RELEASE\n\nBOSTON, Jan. 14, 2025 /PRNewswire/ -- NovaGen Therapeutics, Inc. (NASDAQ: NVGN) "
               "today announced positive topline results from its phase 2 trial. \"We are thrilled,\" said Dr. Elaine "
               "Park, Chief Medical Officer. The company will present the full data at a medical meeting in March. ") * 2
    for text in (release, normalise(release)):
        found = find_press_release(text, tokenize(text))
        assert found is not None and found.distributor == "PR Newswire"
        assert text[found.start:found.end].lower() == "prnewswire"
    report = analyzer.analyze(release)
    assert report.provenance["press_release"]["distributor"] == "PR Newswire"
    assert "presents itself as a press release (PR Newswire)" in report.summary
    # a story that merely mentions a release, far from its opening, is no release
    story = ("The council voted on Tuesday to fund the library after a long debate, officials said. " * 8
             + "The company said in a PR Newswire statement that it welcomed the vote.")
    assert find_press_release(story, tokenize(story)) is None


def test_dpa_and_pti_datelines_are_credited_in_normalised_text(analyzer) -> None:
    # the dateline pattern removed "berlin dpa" from the model's input but credited it to no agency
    for opening, agency in (("berlin dpa", "dpa"), ("mumbai pti", "PTI")):
        text = opening + (" the government on monday announced a new programme for farmers and officials said "
                          "it would cover most districts by the end of the year ") * 4
        report = analyzer.analyze(text).to_dict()
        assert report["provenance"]["wire_origin"] == agency and report["facts"]["wire_agencies"] == [agency]


def test_normalised_text_ending_on_what_is_left_of_a_web_address_is_not_cut(analyzer) -> None:
    # the model's vocabulary leaves link syntax out on purpose, so "com" is no known word: not a cut for that
    body = "the club said tickets for the next home game go on sale on friday and season passes are available " * 5
    for ending in ("for tickets visit www harborcityfc com", "more at wwwharborcityfccom"):
        end = analyzer.analyze(body + ending).to_dict()["provenance"]["truncation"]["end"]
        assert end["truncated"] is False and "web address" in end["reason"], end
    assert analyzer.analyze(body + "the coach sai").to_dict()["provenance"]["truncation"]["end"]["truncated"]


# ----------------------------------------------------------------------------------------------
# The injected-block scorer's per-token LLRs: array arithmetic must give the loop's numbers
# ----------------------------------------------------------------------------------------------


def _gap_kind(gap: str) -> str:
    """What follows a token: a sentence end ("term"), a line break, a comma or semicolon, or other."""
    if not frozenset(".!?").isdisjoint(gap):
        return "term"
    if "\n" in gap:
        return "brk"
    return "comma" if "," in gap or ";" in gap else "other"


def _gap_opens_sentence(gap: str) -> bool:
    """detect._sentence_initial for the token after ``gap`` (never the first token)."""
    rest = gap.rstrip(" \t\"'\u201c\u2018([")
    return bool(rest) and rest[-1] in ".!?\n:\u2014|\u2022"


def _reference_token_llrs(text: str, tokens: Sequence[Token], raw: bool, neutral: bytearray) -> tuple[list[float], list[str]]:
    """detect._token_llrs as the token-by-token loop it was before it became array arithmetic."""
    n = len(tokens)
    words = [t.text for t in tokens]
    first_pos: dict[str, int] = {}
    last_pos: dict[str, int] = {}
    stems: list[str | None] = []
    for i, w in enumerate(words):
        if w in detect._FUNCTION_LLR or w.isdigit() or len(w) < 3:
            stems.append(None)
            continue
        s = detect._stem(w)
        stems.append(s)
        first_pos.setdefault(s, i)
        last_pos[s] = i
    shared = [False] * n
    n_content = n_unshared = 0
    for i, s in enumerate(stems):
        if s is None:
            continue
        sh = first_pos[s] <= i - detect._SHARE_DISTANCE or last_pos[s] >= i + detect._SHARE_DISTANCE
        shared[i] = sh
        n_content += 1
        n_unshared += not sh
    # the article's own rate of "content word found nowhere else", shrunk towards 0.6
    p = (n_unshared + 0.6 * 20) / (n_content + 20)
    p = min(max(p, 0.25), 0.8)
    q = max(detect._Q_UNSHARED, p + 0.1)
    llr_unshared = math.log(q / p)
    llr_shared = math.log((1 - q) / (1 - p))

    cap_llr = nocap_llr = term_llr = brk_llr = other_llr = comma_llr = fcap_llr = 0.0
    follow: list[str] = []
    caps: list[bool | None] = []
    if raw and n:
        n_cap = n_cap_seen = 0
        n_fcap = 0
        fcaps: list[bool] = []
        # The gaps between tokens are few distinct strings (" ", ", ", ". ", "\n\n"): each is read
        # once, not once per token (this loop is the hottest of the provenance pass).
        starts = [t.start for t in tokens]
        gaps = [text[tokens[i].end : starts[i + 1]] for i in range(n - 1)] + [text[tokens[-1].end :]]
        kind_of: dict[str, str] = {}
        follow = [kind_of[g] if g in kind_of else kind_of.setdefault(g, _gap_kind(g)) for g in gaps]
        n_term, n_brk, n_comma = follow.count("term"), follow.count("brk"), follow.count("comma")
        opens_of: dict[str, bool] = {}
        initial = [detect._sentence_initial(text, starts[0])] + [
            opens_of[g] if g in opens_of else opens_of.setdefault(g, _gap_opens_sentence(g)) for g in gaps[:-1]]
        for i, w in enumerate(words):
            if stems[i] is None and len(w) >= 2 and w in detect._FUNCTION_LLR and not initial[i]:
                # "The", "Of", "To" capitalised mid-sentence: Title Case, which prose never uses
                fcaps.append(text[starts[i]].isupper())
                n_fcap += fcaps[-1]
            else:
                fcaps.append(False)
            if stems[i] is not None and len(w) >= 4 and not initial[i]:
                c = text[starts[i]].isupper()
                caps.append(c)
                n_cap += c
                n_cap_seen += 1
            else:
                caps.append(None)
        p_cap = min(max((n_cap + 0.2 * 20) / (n_cap_seen + 20), 0.05), 0.5)
        p_term = min(max((n_term + 0.045 * 50) / (n + 50), 0.02), 0.12)
        p_brk = min(max((n_brk + 0.002 * 50) / (n + 50), 0.001), 0.03)
        p_comma = min(max((n_comma + 0.05 * 50) / (n + 50), 0.02), 0.15)
        comma_llr = math.log(detect._P_COMMA_BLOCK / p_comma)
        p_fcap = min(max((n_fcap + 0.01 * 50) / (n + 50), 0.005), 0.1)
        fcap_llr = math.log(detect._P_FCAP_BLOCK / p_fcap)
        cap_llr = math.log(detect._P_CAP_BLOCK / p_cap)
        nocap_llr = math.log((1 - detect._P_CAP_BLOCK) / (1 - p_cap))
        term_llr = math.log(detect._P_TERMINAL_BLOCK / p_term)
        brk_llr = math.log(detect._P_BREAK_BLOCK / p_brk)
        other_llr = math.log((1 - detect._P_TERMINAL_BLOCK - detect._P_BREAK_BLOCK - detect._P_COMMA_BLOCK) / max(1 - p_term - p_brk - p_comma, 1e-6))

    llrs: list[float] = []
    tags: list[str] = []
    for i, w in enumerate(words):
        if neutral[i]:
            llrs.append(0.0)
            tags.append("artefact")
            continue
        if stems[i] is None:
            if w.isdigit():
                v, tag = detect._NUMBER_LLR, "number"
            else:
                v, tag = detect._FUNCTION_LLR.get(w, 0.0), "function"
        else:
            v = detect._CONTENT_LLR + (llr_shared if shared[i] else llr_unshared)
            tag = "shared" if shared[i] else "unshared"
        if raw:
            f = follow[i]
            v += term_llr if f == "term" else brk_llr if f == "brk" else comma_llr if f == "comma" else other_llr
            if fcaps[i]:
                v += fcap_llr
            c = caps[i]
            if c is not None:
                v += cap_llr if c else nocap_llr
        llrs.append(v)
        tags.append(tag)
    return llrs, tags


def _llr_texts() -> list[str]:
    texts = [p.read_text() for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += [(DATA / name).read_text() for name in ("provenance_wire_raw.txt", "sourcing_honorifics.txt")]
    texts += [
        "Stra\u00dfe and \u00c9COLE Caf\u00e9 \u201cQuoted\u201d \u2014 The End Of The World? Yes.\n\nNew line (here) [there]",
        "RELATED: Trump Says Things | Top Stories\nMore News Here\n\nsaid the 12 officials, who asked; not to be named.",
        "x", "A.", "\u00c9mile \u0130stanbul \ufb01ne \ud800 lone surrogate, then words",
    ]
    return texts


@pytest.mark.parametrize("raw", [True, False])
def test_token_llrs_match_the_reference_loop(raw: bool) -> None:
    from newscred.text.artefacts import find_artefacts
    from newscred.text.normalise import tokenize

    for text in _llr_texts():
        for variant in (text, normalise(text)):
            tokens = tokenize(variant)
            neutral = bytearray(len(tokens))
            for a in find_artefacts(tokens):
                neutral[a.first_token : a.last_token] = b"\x01" * (a.last_token - a.first_token)
            assert detect._token_llrs(variant, tokens, raw, neutral) == _reference_token_llrs(variant, tokens, raw, neutral)


def test_token_llrs_match_the_reference_loop_on_shared_articles(shared_data: Path) -> None:
    from newscred.datasets.registry import load_dataset
    from newscred.text.normalise import tokenize

    records = [r for name in ("buzzfeed_webis_2016", "recovery_covid19") for r in list(load_dataset(name))[:150]]
    assert len(records) == 300
    for record in records:
        tokens = tokenize(record.text)
        neutral = bytearray(len(tokens))
        raw = not detect.looks_normalised(record.text)
        assert detect._token_llrs(record.text, tokens, raw, neutral) == _reference_token_llrs(record.text, tokens, raw, neutral)


@pytest.mark.parametrize("which", range(len(detect._TRIGGERS) + 1))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_pattern_guards_never_skip_a_match(which: int, data: st.DataObject) -> None:
    """A pattern is only run when the words its guard needs are present: every text the pattern
    matches must pass its guard, or a trigger or promotion would silently go unseen."""
    from newscred.text.normalise import tokenize

    regex, guard = ((detect._TRIGGERS[which][0], detect._TRIGGER_GUARDS[which]) if which < len(detect._TRIGGERS)
                    else (detect._PROMO, detect._PROMO_GUARD))
    text = data.draw(st.from_regex(regex, fullmatch=True))
    assert detect._Stream(tokenize(text)).may_match(guard), text


def test_best_stretch_sum_is_the_largest_run_sum() -> None:
    import itertools
    import random

    rng = random.Random(7)
    for n in (0, 1, 2, 5, 40):
        values = [rng.uniform(-3, 2) for _ in range(n)]
        best = max([sum(values[i:j]) for i, j in itertools.combinations(range(n + 1), 2)], default=0.0)
        assert abs(detect._best_stretch_sum(values) - max(best, 0.0)) < 1e-9


def test_token_llrs_agree_under_threads_with_a_small_word_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service analyses in threads: words added (and tables started anew) by one thread must
    never change the numbers another thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    from newscred.text.normalise import tokenize

    texts = _llr_texts()
    texts = [t for t in texts for _ in range(3)] + [normalise(t) + " extra" * k for k, t in enumerate(texts)]
    expected = [_reference_token_llrs(t, tokenize(t), True, bytearray(len(tokenize(t)))) for t in texts]
    monkeypatch.setattr(detect, "_WORDS", detect._WordTable(capacity=600))  # a new generation every few texts
    import sys

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show

    def run(i: int):
        tokens = tokenize(texts[i])
        return detect._token_llrs(texts[i], tokens, True, bytearray(len(tokens)))

    try:
        for _ in range(3):
            with ThreadPoolExecutor(8) as pool:
                assert list(pool.map(run, range(len(texts)))) == expected
    finally:
        sys.setswitchinterval(interval)
