"""Source verdict: registrable domains (offline PSL), the bundled rating tables, lookups, user
overrides, the ``newscred sources`` command, and the reproducible table build."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newscred.cli import main
from newscred.errors import (
    CorruptArtifactError,
    EmptyInputError,
    InputError,
    MalformedRowError,
    MissingColumnError,
    UnsupportedFormatError,
)
from newscred.sources import (
    AGGREGATE_RULE,
    USER_RULE,
    PublicSuffixList,
    SourceRatings,
    SourceVerdict,
    is_shortener,
    label_for_score,
    parse_source,
    psl_version,
    registrable_domain,
)
from newscred.sources.domains import DATA_DIR
from newscred.sources.ratings import MANIFEST_FILE, TABLE_FILES, normalise_list_key

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "scripts" / "build_source_tables.py"
SHARED_FOLDERS = ("source_ratings_lin2023", "source_ratings_baly_mbfc", "source_ratings_opensources")

# The Public Suffix List's own test cases (tests/test_psl.txt of the PSL project, dedicated to the
# public domain, CC0), as (input, expected registrable domain).
PSL_CASES = [
    ('COM', None),
    ('example.COM', 'example.com'),
    ('WwW.example.COM', 'example.com'),
    ('.com', None),
    ('.example', None),
    ('.example.com', None),
    ('.example.example', None),
    ('example', None),
    ('example.example', 'example.example'),
    ('b.example.example', 'example.example'),
    ('a.b.example.example', 'example.example'),
    ('biz', None),
    ('domain.biz', 'domain.biz'),
    ('b.domain.biz', 'domain.biz'),
    ('a.b.domain.biz', 'domain.biz'),
    ('com', None),
    ('example.com', 'example.com'),
    ('b.example.com', 'example.com'),
    ('a.b.example.com', 'example.com'),
    ('uk.com', None),
    ('example.uk.com', 'example.uk.com'),
    ('b.example.uk.com', 'example.uk.com'),
    ('a.b.example.uk.com', 'example.uk.com'),
    ('test.ac', 'test.ac'),
    ('mm', None),
    ('c.mm', None),
    ('b.c.mm', 'b.c.mm'),
    ('a.b.c.mm', 'b.c.mm'),
    ('jp', None),
    ('test.jp', 'test.jp'),
    ('www.test.jp', 'test.jp'),
    ('ac.jp', None),
    ('test.ac.jp', 'test.ac.jp'),
    ('www.test.ac.jp', 'test.ac.jp'),
    ('kyoto.jp', None),
    ('test.kyoto.jp', 'test.kyoto.jp'),
    ('ide.kyoto.jp', None),
    ('b.ide.kyoto.jp', 'b.ide.kyoto.jp'),
    ('a.b.ide.kyoto.jp', 'b.ide.kyoto.jp'),
    ('c.kobe.jp', None),
    ('b.c.kobe.jp', 'b.c.kobe.jp'),
    ('a.b.c.kobe.jp', 'b.c.kobe.jp'),
    ('city.kobe.jp', 'city.kobe.jp'),
    ('www.city.kobe.jp', 'city.kobe.jp'),
    ('ck', None),
    ('test.ck', None),
    ('b.test.ck', 'b.test.ck'),
    ('a.b.test.ck', 'b.test.ck'),
    ('www.ck', 'www.ck'),
    ('www.www.ck', 'www.ck'),
    ('us', None),
    ('test.us', 'test.us'),
    ('www.test.us', 'test.us'),
    ('ak.us', None),
    ('test.ak.us', 'test.ak.us'),
    ('www.test.ak.us', 'test.ak.us'),
    ('k12.ak.us', None),
    ('test.k12.ak.us', 'test.k12.ak.us'),
    ('www.test.k12.ak.us', 'test.k12.ak.us'),
    ('食狮.com.cn', '食狮.com.cn'),
    ('食狮.公司.cn', '食狮.公司.cn'),
    ('www.食狮.公司.cn', '食狮.公司.cn'),
    ('shishi.公司.cn', 'shishi.公司.cn'),
    ('公司.cn', None),
    ('食狮.中国', '食狮.中国'),
    ('www.食狮.中国', '食狮.中国'),
    ('shishi.中国', 'shishi.中国'),
    ('中国', None),
    ('xn--85x722f.com.cn', 'xn--85x722f.com.cn'),
    ('xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'),
    ('www.xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'),
    ('shishi.xn--55qx5d.cn', 'shishi.xn--55qx5d.cn'),
    ('xn--55qx5d.cn', None),
    ('xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'),
    ('www.xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'),
    ('shishi.xn--fiqs8s', 'shishi.xn--fiqs8s'),
    ('xn--fiqs8s', None),
]


@pytest.fixture(autouse=True)
def _no_user_ratings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSCRED_RATINGS_FILE", raising=False)


@pytest.fixture(scope="module")
def ratings() -> SourceRatings:
    return SourceRatings.default()


@pytest.fixture(scope="session")
def shared_ratings(shared_data: Path) -> Path:
    missing = [f for f in SHARED_FOLDERS if not (shared_data / f).is_dir()]
    if missing:
        pytest.skip(f"shared rating lists absent from {shared_data}: {', '.join(missing)}")
    return shared_data


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --------------------------------------------------------------------------------------------
# registrable_domain


@pytest.mark.parametrize("given_, expected", PSL_CASES)
def test_public_suffix_list_reference_cases(given_: str, expected: str | None) -> None:
    from newscred.sources.domains import _to_ascii

    assert registrable_domain(given_) == (_to_ascii(expected) if expected else None)


@pytest.mark.parametrize(
    "given_, expected",
    [
        ("bbc.co.uk", "bbc.co.uk"),
        ("https://www.bbc.co.uk/news/world-123", "bbc.co.uk"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.theguardian.com", "theguardian.com"),
        ("WWW.Reuters.COM", "reuters.com"),
        ("reuters.com.", "reuters.com"),
        ("https://www.reuters.com./world/", "reuters.com"),
        ("reuters.com:8080", "reuters.com"),
        ("reuters.com:443/path?q=1#frag", "reuters.com"),
        ("https://user:secret@www.reuters.com:8443/x", "reuters.com"),
        ("user@example.org", "example.org"),
        ("//cdn.example.org/lib.js", "example.org"),
        ("http:/example.org/one-slash", "example.org"),
        ("abc.net.au", "abc.net.au"),
        ("www.nzherald.co.nz", "nzherald.co.nz"),
        ("japantimes.co.jp", "japantimes.co.jp"),
        ("Bücher.example", "xn--bcher-kva.example"),
        ("https://www.bücher.de/x", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("http://пример.рф/новости", "xn--e1afmkfd.xn--p1ai"),
        ("例え。テスト", "xn--r8jz45g.xn--zckzah"),  # ideographic full stop
        ("82.221.129.208", "82.221.129.208"),
        ("http://[2001:db8::1]:8080/x", "2001:db8::1"),
        ("someone.blogspot.com", "someone.blogspot.com"),
        ("70news.wordpress.com", "wordpress.com"),
        ("hxxps://defanged.example.net/x", "example.net"),
    ],
)
def test_registrable_domain(given_: str, expected: str) -> None:
    assert registrable_domain(given_) == expected


@pytest.mark.parametrize(
    "given_, expected",
    [
        ("https://web.archive.org/web/20200101000000/https://www.infowars.com/story", "infowars.com"),
        ("web.archive.org/web/2019/http://theonion.com/x", "theonion.com"),
        ("https://web.archive.org/web/20200101id_/http:/www.nytimes.com/2020/x.html", "nytimes.com"),
        ("https://web.archive.org/web/2020*/reuters.com*", "reuters.com"),
        ("https://wayback.archive.org/web/2016/http://news.bbc.co.uk/", "bbc.co.uk"),
        (
            "https://web.archive.org/web/2021/https://web.archive.org/web/2019/https://breitbart.com/a",
            "breitbart.com",
        ),
        ("https://archive.ph/newest/https://www.breitbart.com/x", "breitbart.com"),
        ("https://archive.today/2020.01.01-120000/https://rt.com/news/1", "rt.com"),
        ("https://www.google.com/amp/s/www.foxnews.com/politics/x.amp", "foxnews.com"),
    ],
)
def test_archive_wrappers_resolve_to_the_archived_site(given_: str, expected: str) -> None:
    parsed = parse_source(given_)
    assert parsed.domain == expected
    assert parsed.wrapper is not None and parsed.wrapped_target


def test_archive_link_without_the_original_url_keeps_the_archive_and_says_so() -> None:
    parsed = parse_source("https://archive.ph/AbCdE")
    assert parsed.domain == "archive.ph" and parsed.wrapper == "archive.today" and not parsed.wrapped_target
    assert registrable_domain("https://web.archive.org/web/") == "archive.org"


def test_shorteners_keep_their_domain_and_are_marked() -> None:
    p = parse_source("https://bit.ly/3xYz")
    assert (p.domain, p.shortener, p.shortener_of) == ("bit.ly", True, None)
    assert registrable_domain("t.co/abc") == "t.co" and is_shortener("t.co/abc")
    assert parse_source("https://nyti.ms/2abc").shortener_of == "nytimes.com"
    assert not is_shortener("https://www.reuters.com/x")


@pytest.mark.parametrize(
    "garbage",
    [
        "", "   ", "\n", "not a url", "http://", "://", "...", ".", "-", "a..b.com", ".example.com", "localhost",
        "12345", "1.2", "co.uk", "com", "blogspot.com", "mailto:someone@example.com", "javascript:alert(1)",
        "http://[::1", "http://exa mple.com", "example.com:notaport", "wvec\u201313newsnow.com", "caf\u00e9\u2603.com",
        "x" * 300 + ".com", "a" * 64 + ".com", "http://" + "a." * 200 + "com", "\x00evil.com", "http://ex\tample.com",
        None, 42, b"example.com", ["example.com"],
    ],
)
def test_garbage_gives_none_without_exceptions(garbage: object) -> None:
    assert registrable_domain(garbage) is None  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_registrable_domain_never_raises(text: str) -> None:
    result = registrable_domain(text)
    assert result is None or (result.isascii() and result == result.lower())


def test_private_section_can_be_ignored() -> None:
    assert registrable_domain("someone.blogspot.com", private=False) == "blogspot.com"


def test_bundled_psl_is_versioned_and_complete() -> None:
    info = psl_version()
    assert info["version"] and info["commit"] and info["rules"] > 9000
    text = (DATA_DIR / "public_suffix_list.dat").read_text(encoding="utf-8")
    assert "Mozilla Public" in text.splitlines()[0] + text.splitlines()[1]
    assert (DATA_DIR / "PSL-LICENSE-MPL-2.0.txt").read_text().startswith("Mozilla Public License")
    tiny = PublicSuffixList("// ===BEGIN ICANN DOMAINS===\nuk\nco.uk\n*.ck\n!www.ck\n")
    assert tiny.registrable("a.b.co.uk") == "b.co.uk"
    assert tiny.registrable("x.y.ck") == "x.y.ck" and tiny.registrable("www.ck") == "www.ck"


def test_domain_parsing_makes_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    from newscred.sources import domains

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    domains._psl.cache_clear()
    try:
        assert registrable_domain("https://www.bbc.co.uk/news") == "bbc.co.uk"
        fresh = SourceRatings.from_dir(DATA_DIR)
        assert fresh.lookup("reuters.com").label == "high"
    finally:
        domains._psl.cache_clear()


# --------------------------------------------------------------------------------------------
# Lookups


def test_reuters_is_high(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://www.reuters.com/world/europe/some-story-2024-01-01/")
    assert isinstance(v, SourceVerdict)
    assert v.domain == "reuters.com" and v.label == "high" and v.score is not None and v.score >= 0.9
    assert {r.list for r in v.ratings} >= {"lin2023", "baly_mbfc"}
    lin = next(r for r in v.ratings if r.list == "lin2023")
    assert lin.get("pc1") == 1.0 and lin.url_of_list and "5671d57e" in lin.url_of_list


def test_infowars_is_low(ratings: SourceRatings) -> None:
    v = ratings.lookup("infowars.com")
    assert v.label == "low" and v.score is not None and v.score < 0.2
    os_rating = next(r for r in v.ratings if r.list == "opensources")
    assert os_rating.get("categories") == ("conspiracy",)


def test_satire_is_noted_never_scored_as_fake(ratings: SourceRatings) -> None:
    v = ratings.lookup("theonion.com")
    os_rating = next(r for r in v.ratings if r.list == "opensources")
    assert os_rating.get("categories") == ("satire",) and os_rating.score is None
    assert "satire" in v.flags
    assert any("satire" in n and "not the same as fake" in n for n in v.notes)
    # The aggregate is the mean of the lists that *do* score it; satire contributes nothing.
    scored = [r.score for r in v.ratings if r.score is not None]
    assert v.score == pytest.approx(sum(scored) / len(scored))
    assert [c for c, _ in v.aggregate.components] == ["lin2023", "baly_mbfc"]


def test_satire_only_site_is_unknown_not_fake(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("domain,category\nsatire-only.example,satire\n")
    v = SourceRatings.default().with_overrides(path).lookup("satire-only.example")
    assert v.label == "unknown" and v.score is None and "satire" in v.flags


def test_fake_and_satire_tags_are_both_reported(ratings: SourceRatings) -> None:
    v = ratings.lookup("empirenews.net")
    os_rating = next(r for r in v.ratings if r.list == "opensources")
    assert set(os_rating.get("categories")) == {"fake", "satire"} and os_rating.score == 0.1
    assert any("both satire and fake" in n for n in v.notes)


def test_unknown_domain(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://surely-not-a-rated-site-7f3a.example.com/x")
    assert (v.label, v.score, v.ratings) == ("unknown", None, ())
    assert v.domain == "example.com"
    assert any("not the same as reliable" in n for n in v.notes)


def test_invalid_input_is_a_verdict_not_an_exception(ratings: SourceRatings) -> None:
    for bad in ("", "not a url", "http://", None):
        v = ratings.lookup(bad)  # type: ignore[arg-type]
        assert v.domain is None and v.label == "unknown" and "invalid" in v.flags


def test_aggregate_rule(ratings: SourceRatings) -> None:
    v = ratings.lookup("breitbart.com")
    by_list = {r.list: r for r in v.ratings}
    assert by_list["baly_mbfc"].score == 0.125  # 2020 factuality "low"
    assert by_list["baly_mbfc"].get("factuality_2018") == "mixed"
    assert by_list["opensources"].score == 0.3  # political / unreliable / bias: most severe is 0.3
    expected = (by_list["lin2023"].score + 0.125 + 0.3) / 3
    assert v.score == pytest.approx(expected) and v.label == "low"
    assert v.aggregate.rule == AGGREGATE_RULE
    assert [label_for_score(x) for x in (None, 0.0, 0.399, 0.4, 0.699, 0.7, 1.0)] == [
        "unknown", "low", "low", "mixed", "mixed", "high", "high"
    ]


def test_shortener_verdict(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://bit.ly/3abcd")
    assert v.domain == "bit.ly" and v.label == "unknown" and "shortener" in v.flags
    assert any("real publisher is unknown" in n for n in v.notes)


def test_archive_link_rates_the_original(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://web.archive.org/web/20170101000000/http://www.infowars.com/x")
    assert v.domain == "infowars.com" and v.label == "low" and "archived" in v.flags


def test_subdomain_falls_back_to_the_registrable_domain(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://espn.go.com/story")
    assert v.domain == "go.com" and v.ratings[0].matched == "go.com" and "parent_domain" in v.flags
    exact = ratings.lookup("abcnews.go.com")  # a subdomain with its own entry is matched first
    assert exact.ratings[0].matched == "abcnews.go.com"


def test_blog_on_a_platform_never_inherits_the_platform(ratings: SourceRatings) -> None:
    v = ratings.lookup("https://some-random-blog-x1.wordpress.com/2020/post")
    assert v.label == "unknown" and "ugc_platform" in v.flags
    listed = ratings.lookup("70news.wordpress.com")  # a blog the lists rate by name
    assert listed.label == "low" and listed.ratings[0].matched == "70news.wordpress.com"


def test_site_sections_are_rated_only_inside_them(ratings: SourceRatings) -> None:
    satire = ratings.lookup("https://www.newyorker.com/humor/borowitz-report/some-joke")
    assert "satire" in satire.flags and satire.label == "low"
    assert {r.matched for r in satire.ratings} >= {"newyorker.com/humor/borowitz-report", "newyorker.com/humor"}
    magazine = ratings.lookup("https://www.newyorker.com/news/daily-comment/x")
    assert magazine.label in ("high", "mixed") and "satire" not in magazine.flags
    assert all("/" not in r.matched for r in magazine.ratings)


def test_to_dict_shape(ratings: SourceRatings) -> None:
    d = ratings.lookup("https://www.reuters.com/x").to_dict()
    assert list(d)[:5] == ["input", "domain", "host", "ratings", "aggregate"]
    assert {"notes", "flags"} <= set(d)
    assert d["input"] == "https://www.reuters.com/x"
    assert set(d["aggregate"]) >= {"score", "label", "rule"}
    for r in d["ratings"]:
        assert {"list", "list_date", "score", "url_of_list"} <= set(r)
    json.dumps(d)


def test_default_is_shared_and_lazy() -> None:
    assert SourceRatings.default() is SourceRatings.default()
    fresh = SourceRatings.from_dir(DATA_DIR)
    assert fresh._store._tables is None  # nothing read before the first lookup
    fresh.lookup("reuters.com")
    assert fresh._store._tables is not None


def test_tampered_table_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    with (copy / "lin2023.csv").open("a") as fh:
        fh.write("evil.example,1\n")
    with pytest.raises(CorruptArtifactError, match="sha256"):
        SourceRatings.from_dir(copy).lookup("reuters.com")


# --------------------------------------------------------------------------------------------
# User overrides


def test_overrides_csv_take_precedence(tmp_path: Path, ratings: SourceRatings) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "domain,score,label,category,note\n"
        "reuters.com,0.2,,,we disagree\n"
        "https://www.local-paper.example/,,high,,our own assessment\n"
        "theonion.com,,,satire,never treat as news\n"
        "example.org/opinion,0.3,,,\n"
    )
    mine = ratings.with_overrides(path)
    v = mine.lookup("reuters.com")
    assert v.ratings[0].list == "user" and v.label == "low" and v.score == 0.2
    assert v.aggregate.rule == USER_RULE and "user_override" in v.flags
    assert any("we disagree" in n for n in v.notes)
    assert {r.list for r in v.ratings} >= {"user", "lin2023", "baly_mbfc"}  # lists still reported
    local = mine.lookup("news.local-paper.example")
    assert (local.label, local.score) == ("high", 0.875)
    onion = mine.lookup("theonion.com")  # note only: the lists keep the aggregate
    assert onion.aggregate.rule == AGGREGATE_RULE and any("never treat as news" in n for n in onion.notes)
    assert mine.lookup("example.org/opinion/x").label == "low"
    assert mine.lookup("example.org/news/x").label == "unknown"
    assert ratings.lookup("reuters.com").label == "high"  # the original is unchanged


def test_overrides_json_forms(tmp_path: Path, ratings: SourceRatings) -> None:
    as_list = tmp_path / "a.json"
    as_list.write_text(json.dumps([{"domain": "infowars.com", "score": 0.9, "note": "test"}]))
    as_map = tmp_path / "b.json"
    as_map.write_text(json.dumps({"infowars.com": {"label": "mixed"}, "new.example": 0.75}))
    assert ratings.with_overrides(as_list).lookup("infowars.com").label == "high"
    both = ratings.with_overrides(as_list).with_overrides(as_map)  # the later file wins
    assert both.lookup("infowars.com").label == "mixed"
    assert both.lookup("new.example").label == "high"


@pytest.mark.parametrize(
    "name, content, error, words",
    [
        ("r.csv", "site,score\nx.com,0.5\n", MissingColumnError, "no 'domain' column"),
        ("r.csv", "domain,score\nx.com,abc\n", MalformedRowError, "row 2"),
        ("r.csv", "domain,score\nx.com,1.5\n", MalformedRowError, "outside 0..1"),
        ("r.csv", "domain,label\nx.com,great\n", MalformedRowError, "high, mixed, low"),
        ("r.csv", "domain,score\nnot a domain,0.5\n", MalformedRowError, "not a domain"),
        ("r.csv", "domain,score\nx.com,\n", MalformedRowError, "at least one"),
        ("r.csv", "domain,score\n", EmptyInputError, "no rows"),
        ("r.json", "{not json", MalformedRowError, "not valid JSON"),
        ("r.xlsx", "x", UnsupportedFormatError, ".csv"),
    ],
)
def test_bad_overrides_files(tmp_path: Path, name: str, content: str, error: type, words: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(error, match=words):
        SourceRatings.default().with_overrides(path)


def test_missing_overrides_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        SourceRatings.default().with_overrides(tmp_path / "nope.csv")


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_lookup_text() -> None:
    result = run("sources", "lookup", "reuters.com", "https://www.infowars.com/x", "theonion.com", "not a url")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Source ratings" in out and "reuters.com" in out and "infowars.com" in out
    assert "HIGH" in out and "LOW" in out and "UNKNOWN" in out and "satire" in out


def test_cli_lookup_json_one_object_per_input() -> None:
    result = run("sources", "lookup", "reuters.com", "bit.ly/x", "--json")
    assert result.exit_code == 0
    objs = [json.loads(line) for line in result.output.splitlines()]
    assert [o["input"] for o in objs] == ["reuters.com", "bit.ly/x"]
    assert objs[0]["aggregate"]["label"] == "high" and "shortener" in objs[1]["flags"]


def test_cli_ratings_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("domain,label\nreuters.com,low\n")
    result = run("sources", "lookup", "reuters.com", "--json", "--ratings-file", str(path))
    d = json.loads(result.output)
    assert d["aggregate"]["label"] == "low" and d["ratings"][0]["list"] == "user"
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,score\nreuters.com,7\n")
    result = CliRunner().invoke(main, ["sources", "lookup", "reuters.com", "--ratings-file", str(bad)])
    assert result.exit_code == 1 and "Error [input.malformed_row]" in result.output


def test_cli_info_and_help() -> None:
    result = run("sources", "info")
    assert result.exit_code == 0
    for name in ("lin2023", "baly_mbfc", "opensources", "Public Suffix List"):
        assert name in result.output
    data = json.loads(run("sources", "info", "--json").output)
    assert [x["list"] for x in data["lists"]] == ["lin2023", "baly_mbfc", "opensources"]
    assert all(x["entries"] > 500 and x["licence"] and x["origin"]["commit"] for x in data["lists"])
    for args in (("sources", "--help"), ("sources", "lookup", "--help"), ("sources", "info", "--help")):
        assert "Examples" in run(*args).output or "newscred sources lookup" in run(*args).output


# --------------------------------------------------------------------------------------------
# The bundled tables against ../shared/data


def _table(name: str) -> dict[str, dict[str, str]]:
    with (DATA_DIR / TABLE_FILES[name]).open(newline="", encoding="utf-8") as fh:
        return {row["key"]: row for row in csv.DictReader(fh)}


def test_bundled_tables_are_small_and_listed_in_the_manifest() -> None:
    manifest = json.loads((DATA_DIR / MANIFEST_FILE).read_text())
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 2_000_000
    for name, meta in manifest["lists"].items():
        data = (DATA_DIR / meta["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"] and len(data) == meta["bytes"]
    assert (DATA_DIR / "SOURCES.md").is_file()


def test_bundled_tables_were_built_from_the_shared_files(shared_ratings: Path) -> None:
    manifest = json.loads((DATA_DIR / MANIFEST_FILE).read_text())
    for meta in manifest["lists"].values():
        raw = shared_ratings / meta["origin"]["shared_folder"] / "raw"
        for f in meta["origin"]["files"]:
            digest = hashlib.sha256((raw / f["path"]).read_bytes()).hexdigest()
            assert digest == f["sha256"], f"{f['path']} changed: rerun scripts/build_source_tables.py"


def test_lin2023_sample_matches(shared_ratings: Path) -> None:
    table = _table("lin2023")
    with (shared_ratings / "source_ratings_lin2023/raw/data/domain_pc1.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    simple = [r for r in rows if normalise_list_key(r["domain"]) and normalise_list_key(r["domain"]).key == r["domain"]]
    assert len(simple) > 11_400
    for r in random.Random(3).sample(simple, 300):
        assert float(table[r["domain"]]["pc1"]) == pytest.approx(float(r["pc1"]), abs=5e-5), r["domain"]
    for domain, pc1 in (("reuters.com", 1.0), ("infowars.com", 0.0458), ("naturalnews.com", 0.0)):
        assert float(table[domain]["pc1"]) == pytest.approx(pc1, abs=1e-4)


def test_baly_sample_matches(shared_ratings: Path) -> None:
    table = _table("baly_mbfc")
    for version in ("acl2020", "emnlp18"):
        with (shared_ratings / f"source_ratings_baly_mbfc/raw/data/{version}/corpus.tsv").open(newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for r in random.Random(5).sample(rows, 150):
            key = normalise_list_key(r["source_url"])
            assert key is not None
            row = table.get(key.key) or table[key.host]
            assert (row[f"{version}_fact"], row[f"{version}_bias"]) == (r["fact"], r["bias"]), r["source_url"]


def test_opensources_sample_matches(shared_ratings: Path) -> None:
    from newscred.sources.ratings import normalise_category

    table = _table("opensources")
    with (shared_ratings / "source_ratings_opensources/raw/sources/sources.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    for r in random.Random(7).sample(rows, 200):
        key = normalise_list_key(r[0])
        assert key is not None
        row = table.get(key.key) or table[key.host]
        cats = set(row["categories"].split(";"))
        assert {normalise_category(c) for c in r[1:4] if c.strip()} <= cats, r[0]
    assert table["theonion.com"]["categories"] == "satire"
    assert "fake" not in table["theonion.com"]["categories"]


def test_table_build_is_reproducible(shared_ratings: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    proc = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--data-root", str(shared_ratings), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for name in [*TABLE_FILES.values(), MANIFEST_FILE]:
        assert (out / name).read_bytes() == (DATA_DIR / name).read_bytes(), f"{name} differs from the bundled copy"


def test_agency_sites_include_their_subdomains_only() -> None:
    from newscred.sources.domains import on_agency_site

    assert on_agency_site("AP", "apnews.com") and on_agency_site("AP", "hosted.ap.org")
    assert on_agency_site("Reuters", "uk.reuters.com")
    assert not on_agency_site("Reuters", "notreuters.com")  # a suffix of the name is not a subdomain
    assert not on_agency_site("AP", "reuters.com") and not on_agency_site("Unknown agency", "apnews.com")
