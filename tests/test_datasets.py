"""Tests of newscred.datasets: raw readers and load_dataset on the real shared corpora, and the
generic tabular reader on small hand-written fixtures (tests/data/datasets/).

Expected counts come from each dataset's PROVENANCE.md (or, where the staged copy differs,
from its data.jsonl, with a comment saying so).  Dataset tests skip when ../shared/data is absent.
"""

from __future__ import annotations

import collections
import io
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    import newscred.datasets  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newscred.datasets import (
    DATASETS,
    DEFAULT_LABEL_MAP,
    ColumnMapping,
    Record,
    RowResult,
    article_datasets,
    claim_datasets,
    data_root,
    domain_of,
    iso_date,
    iter_rows,
    load_dataset,
    read_liar,
    read_table,
)
from newscred.datasets import registry as registry_module
from newscred.datasets import tabular as tabular_module
from newscred.errors import (
    DatasetNotFoundError,
    EmptyInputError,
    MalformedRowError,
    MissingColumnError,
    UnknownLabelError,
    UnsupportedFormatError,
)

FIXTURES = Path(__file__).parent / "data" / "datasets"


def _find_root() -> Path | None:
    try:
        return data_root()
    except DatasetNotFoundError:
        return None


ROOT = _find_root()
needs_data = pytest.mark.skipif(
    ROOT is None, reason="../shared/data not found (set NEWSCRED_DATA to run the dataset tests)"
)

# --------------------------------------------------------------------------------------------
# Expected contents, from PROVENANCE.md
# --------------------------------------------------------------------------------------------

#: name -> (rows in raw/, rows in data.jsonl, original-label distribution of data.jsonl)
EXPECTED: dict[str, tuple[int, int, dict[str | None, int]]] = {
    "buzzfeed_webis_2016": (
        1627, 1627,
        {"mostly true": 1264, "mixture of true and false": 212, "mostly false": 87, "no factual content": 64},
    ),
    "fakenewsnet_v1": (422, 422, {"fake": 211, "real": 211}),
    # raw/ is the trimmed 20-file sample (5 per subset and label); data.jsonl has all 6,445
    "fakenewsnet_crawl_krishg": (20, 6445, {"fake": 4942 + 408, "real": 530 + 565}),
    "perez_rosas_fakenewsamt": (480, 480, {"fake": 240, "legit": 240}),
    "perez_rosas_celebrity": (500, 500, {"fake": 250, "legit": 250}),
    # PROVENANCE states 2,031 rows (1364/667) from 55 publisher files, but the staged copy
    # holds 28 of those CSVs and data.jsonl has 1,015 rows (682/333): we test what is staged.
    "recovery_covid19": (1015, 1015, {"reliable": 682, "unreliable": 333}),
    "liar": (
        12836, 12836,
        {"half-true": 2638, "false": 2511, "mostly-true": 2466, "barely-true": 2108, "true": 2063, "pants-fire": 1050},
    ),
    "constraint_covid19": (10700, 10700, {"real": 5600, "fake": 5100}),
    "misinfotext_sfu": (
        1692, 1692,
        {
            "mostly true": 1090 + 71, "mixture of true and false": 170, "mostly false": 64 + 53,
            "no factual content": 56, "mixture": 72, "true": 65, "false": 51,
        },
    ),
    "semeval2019_hyperpartisan_byarticle": (645, 645, {"not-hyperpartisan": 407, "hyperpartisan": 238}),
    "coaid": (5457, 5457, {"real": 4532, "fake": 925}),
    "coaid_claims": (518, 518, {"real": 490, "fake": 28}),
    "climate_fever": (1535, 1535, {"SUPPORTS": 654, "NOT_ENOUGH_INFO": 474, "REFUTES": 253, "DISPUTED": 154}),
    # raw/ read line by line has 1284 + 1283 rows; data.jsonl (CSV quoting) lost 16 test2 rows
    "liar_plus_partial": (
        2567, 2551,
        {"half-true": 513, "false": 512, "mostly-true": 492, "barely-true": 449, "true": 377, "pants-fire": 208},
    ),
    "fakenewscorpus_sample": (
        250, 250,
        {
            "fake": 155, "conspiracy": 31, "political": 23, None: 12, "unreliable": 6, "bias": 6,
            "junksci": 6, "unknown": 6, "reliable": 3, "clickbait": 1, "hate": 1,
        },
    ),
}

#: binary label distribution load_dataset must give (derived from the maps documented above)
EXPECTED_BINARY: dict[str, dict[str | None, int]] = {
    "buzzfeed_webis_2016": {"reliable": 1264, "unreliable": 299, None: 64},
    "fakenewsnet_v1": {"reliable": 211, "unreliable": 211},
    "fakenewsnet_crawl_krishg": {"reliable": 1095, "unreliable": 5350},
    "perez_rosas_fakenewsamt": {"reliable": 240, "unreliable": 240},
    "perez_rosas_celebrity": {"reliable": 250, "unreliable": 250},
    "recovery_covid19": {"reliable": 682, "unreliable": 333},
    "liar": {"reliable": 2638 + 2466 + 2063, "unreliable": 2511 + 2108 + 1050},
    "constraint_covid19": {"reliable": 5600, "unreliable": 5100},
    # BuzzFeed half: 1090 / 170+64 / 56 none; Snopes: 143 article-level rows = 66 / 48 / 29 mixture
    "misinfotext_sfu": {"reliable": 1090 + 66, "unreliable": 170 + 64 + 48, None: 56 + (312 - 143) + 29},
    "semeval2019_hyperpartisan_byarticle": {None: 645},
    "coaid": {"reliable": 4532, "unreliable": 925},
    "coaid_claims": {"reliable": 490, "unreliable": 28},
    "fakenewscorpus_sample": {None: 250},
    # NOT_ENOUGH_INFO and DISPUTED are not verdicts
    "climate_fever": {"reliable": 654, "unreliable": 253, None: 474 + 154},
    "liar_plus_partial": {"reliable": 513 + 492 + 377, "unreliable": 512 + 449 + 208},
}

#: datasets whose data.jsonl lacks a field the raw files have (so those differ between paths)
RAW_ONLY_FIELDS: dict[str, set[str]] = {
    "fakenewsnet_v1": {"date"},
    "coaid": {"date"},
    "coaid_claims": {"url", "domain", "source", "group"},
    "liar_plus_partial": {"source", "group"},  # data.jsonl has no speaker column
}

#: datasets whose label words are upper-case in the source (kept as published)
UPPER_CASE_LABELS = {"climate_fever"}

#: datasets whose data.jsonl is a damaged copy of raw/ for part of the rows: {name: subsets that
#: still agree}.  LIAR-PLUS test2 was flattened with CSV quoting, which swallowed lines: 16 rows
#: lost and 47 claim texts merged with other rows (see readers._liar_plus_rows).
JSONL_DAMAGED: dict[str, set[str]] = {"liar_plus_partial": {"val2"}}


def _jsonl_id(name: str, row: dict) -> str:
    """Record id of a data.jsonl row (two datasets had to make their ids unique)."""
    if name == "fakenewsnet_crawl_krishg":
        return f"{row['subset']}/{row['label']}/{row['id']}"
    if name in ("coaid", "coaid_claims"):
        snapshot, index = str(row["id"]).split("/")
        return f"{snapshot}/{row['label']}/{index}"
    return str(row["id"])


_cache: dict[tuple[str, bool], list[Record]] = {}


def records(name: str, *, raw: bool) -> list[Record]:
    """Records of a dataset, read once per test session (keeps the run short)."""
    key = (name, raw)
    if key not in _cache:
        if ROOT is None or not (ROOT / DATASETS[name].directory).is_dir():
            pytest.skip(f"{name} not found under ../shared/data")
        _cache[key] = list(load_dataset(name, ROOT, from_raw=raw))
    return _cache[key]


def jsonl_rows(name: str) -> dict[str, dict]:
    spec = DATASETS[name]
    path = ROOT / spec.directory / spec.jsonl  # type: ignore[operator]
    with open(path, encoding="utf-8") as fh:
        return {_jsonl_id(name, row): row for row in map(json.loads, fh)}


ALL = sorted(DATASETS)

# --------------------------------------------------------------------------------------------
# Registry shape
# --------------------------------------------------------------------------------------------


def test_registry_specs_are_complete() -> None:
    assert set(EXPECTED) == set(DATASETS)
    assert set(article_datasets()) | set(claim_datasets()) == set(DATASETS)
    assert not set(article_datasets()) & set(claim_datasets())
    assert {"liar", "constraint_covid19", "coaid_claims", "climate_fever", "liar_plus_partial"} <= set(claim_datasets())
    for spec in DATASETS.values():
        assert spec.licence and spec.citation and spec.notes
        assert spec.group_by in (None, "domain", "source", "pair_id")
        assert all(v in (None, "reliable", "unreliable") for v in spec.label_map.values())
        with pytest.raises(TypeError):  # maps are shared objects: read-only
            spec.label_map["x"] = None  # type: ignore[index]


def test_documented_label_maps() -> None:
    bf = DATASETS["buzzfeed_webis_2016"].label_map
    assert bf["mostly true"] == bf["true"] == "reliable"
    assert bf["mostly false"] == bf["false"] == bf["mixture of true and false"] == "unreliable"
    assert bf["no factual content"] is None
    assert DATASETS["misinfotext_sfu"].label_map["mixture"] is None
    liar = DATASETS["liar"].label_map
    assert {k for k, v in liar.items() if v == "unreliable"} == {"pants-fire", "false", "barely-true"}
    assert {k for k, v in liar.items() if v == "reliable"} == {"half-true", "mostly-true", "true"}
    assert set(DATASETS["semeval2019_hyperpartisan_byarticle"].label_map.values()) == {None}
    assert set(DATASETS["fakenewscorpus_sample"].label_map.values()) == {None}
    assert DATASETS["perez_rosas_fakenewsamt"].label_map == {"fake": "unreliable", "legit": "reliable"}
    assert DATASETS["recovery_covid19"].group_by == "source"
    assert DATASETS["perez_rosas_celebrity"].group_by == "pair_id"


# --------------------------------------------------------------------------------------------
# Raw readers on the real files
# --------------------------------------------------------------------------------------------


@needs_data
@pytest.mark.parametrize("name", ALL)
def test_raw_reader_counts_labels_ids(name: str) -> None:
    recs = records(name, raw=True)
    spec = DATASETS[name]
    raw_rows, _jsonl_rows, labels = EXPECTED[name]
    assert len(recs) == raw_rows
    ids = [r.id for r in recs]
    assert all(i.strip() for i in ids), "empty id"
    assert len(set(ids)) == len(ids), "duplicate ids"
    assert {r.dataset for r in recs} == {name}
    if spec.raw_complete and name not in JSONL_DAMAGED:
        assert collections.Counter(r.original_label for r in recs) == labels
    for r in recs:
        expected = spec.label_map[r.original_label] if r.original_label is not None else None
        if name == "misinfotext_sfu" and r.subset == "snopes312" and not r.extra["article_level"]:
            expected = None
        assert r.label == expected, (r.id, r.original_label, r.label)
        assert r.domain is None or (r.domain == r.domain.lower() and not r.domain.startswith("www."))
        assert r.date is None or iso_date(r.date) == r.date
        assert r.text == r.text.strip() and r.title == r.title.strip()


@needs_data
@pytest.mark.parametrize("name", ALL)
def test_raw_records_match_data_jsonl(name: str) -> None:
    """Ids, texts and titles parsed from raw/ equal the flattened copy (stripped)."""
    rows = jsonl_rows(name)
    recs = records(name, raw=True)
    if name in JSONL_DAMAGED:
        recs = [r for r in recs if r.subset in JSONL_DAMAGED[name]]
    sample = recs if len(recs) <= 700 else recs[:: max(1, len(recs) // 500)]
    for r in sample:
        row = rows[r.id]
        assert r.text == (row.get("text") or "").strip(), r.id
        assert r.title == (row.get("title") or "").strip(), r.id
        label = row.get("label") or ""
        assert r.original_label == ((label if name in UPPER_CASE_LABELS else label.lower()) or None), r.id


@needs_data
@pytest.mark.parametrize("name", ALL)
def test_load_dataset_same_records_as_raw_reader(name: str) -> None:
    """data.jsonl goes through the same builders: equal Records, bar fields only raw/ has."""
    by_id = {r.id: r for r in records(name, raw=False)}
    skip = {"extra"} | RAW_ONLY_FIELDS.get(name, set())
    for r in records(name, raw=True):
        if name in JSONL_DAMAGED and r.subset not in JSONL_DAMAGED[name]:
            continue
        j = by_id[r.id]
        for field in Record.__dataclass_fields__:
            if field not in skip:
                assert getattr(r, field) == getattr(j, field), (r.id, field)


@needs_data
@pytest.mark.parametrize("name", ALL)
def test_load_dataset_counts_and_labels(name: str) -> None:
    recs = records(name, raw=False)
    _raw, jsonl_count, labels = EXPECTED[name]
    assert len(recs) == jsonl_count
    assert len({r.id for r in recs}) == jsonl_count
    assert collections.Counter(r.original_label for r in recs) == labels
    assert collections.Counter(r.label for r in recs) == EXPECTED_BINARY[name]


@needs_data
@pytest.mark.parametrize("name", ALL)
def test_group_rule(name: str) -> None:
    spec = DATASETS[name]
    for r in records(name, raw=False)[:2000]:
        if spec.group_by is None:
            assert r.group is None
        elif spec.group_by == "pair_id":
            assert r.group == r.extra["pair_id"]
        else:
            assert r.group == getattr(r, spec.group_by)


@needs_data
def test_buzzfeed_webis_details() -> None:
    recs = {r.id: r for r in records("buzzfeed_webis_2016", raw=True)}
    first = recs["0000.xml"]
    assert first.title == "The Impact of Debates? It's Debatable"
    assert first.url == "http://abcnews.go.com/Politics/impact-debates-debatable/story?id=42176433&cid=abcnp_fb"
    assert (first.domain, first.source, first.group) == ("abcnews.go.com", "abc", "abc")
    assert first.extra["orientation"] == "mainstream"
    assert "&#8211;" not in first.text and "\u2013" in first.text  # entities decoded
    assert sum(1 for r in recs.values() if not r.text) == 23  # PROVENANCE: 23 empty mainText
    assert len({r.group for r in recs.values()}) == 9  # the 9 Facebook pages


@needs_data
def test_fakenewsnet_details() -> None:
    v1 = {r.id: r for r in records("fakenewsnet_v1", raw=True)}
    r = v1["BuzzFeed_Fake_1"]
    assert (r.subset, r.label, r.domain, r.date) == ("BuzzFeed", "unreliable", "addictinginfo.org", "2016-09-19")
    assert collections.Counter(x.subset for x in v1.values()) == {"BuzzFeed": 182, "PolitiFact": 240}
    crawl = records("fakenewsnet_crawl_krishg", raw=True)
    assert collections.Counter((r.subset, r.original_label) for r in crawl) == {
        ("gossipcop", "fake"): 5, ("gossipcop", "real"): 5, ("politifact", "fake"): 5, ("politifact", "real"): 5,
    }
    rows = jsonl_rows("fakenewsnet_crawl_krishg")
    for r in crawl:  # every sample file against its flattened row, dates and domains included
        row = rows[r.id]
        assert (r.url, r.date) == (row["url"], row["date"])
        assert r.domain == row["domain"]
    archived = {r.id: r for r in crawl}["gossipcop/fake/gossipcop-1009248558"]
    assert archived.url.startswith("https://web.archive.org/") and archived.domain == "forbes.com"
    # two news ids sit in both the fake and the real folder upstream: ids keep them apart
    full = records("fakenewsnet_crawl_krishg", raw=False)
    dupes = collections.Counter(r.extra["news_id"] for r in full)
    assert {k for k, v in dupes.items() if v > 1} == {"politifact14920", "politifact14940"}


@needs_data
def test_perez_rosas_details() -> None:
    amt = records("perez_rosas_fakenewsamt", raw=True)
    assert sum(not r.extra["has_title_line"] for r in amt) == 30
    assert all(r.extra["has_title_line"] or r.original_label == "fake" for r in amt)
    pairs = collections.Counter(r.group for r in amt)
    assert len(pairs) == 240 and set(pairs.values()) == {2}
    assert {r.extra["topic"] for r in amt} == {"biz", "edu", "entmt", "polit", "sports", "tech"}
    first = {r.id: r for r in amt}["biz01.fake.txt"]
    assert first.title == 'Alex Jones Vindicated in "Pizzagate" Controversy' and first.group == "biz01"
    celeb = records("perez_rosas_celebrity", raw=True)
    assert sum(not r.extra["has_title_line"] for r in celeb) == 1
    assert set(collections.Counter(r.group for r in celeb).values()) == {2}


@needs_data
def test_liar_and_constraint_splits() -> None:
    liar = records("liar", raw=True)
    # quoting disabled: 10269/1284/1283, not the 10240/1284/1267 of default CSV quoting
    assert collections.Counter(r.subset for r in liar) == {"train": 10269, "valid": 1284, "test": 1283}
    r = {x.id: x for x in liar}["2635.json"]
    assert (r.original_label, r.label, r.source, r.group) == ("false", "unreliable", "dwayne-bohac", "dwayne-bohac")
    assert r.text == "Says the Annies List political group supports third-trimester abortions on demand."
    assert r.extra["party"] == "republican" and r.extra["credit_history"]["false"] == 1
    constraint = records("constraint_covid19", raw=True)
    assert collections.Counter(r.subset for r in constraint) == {"train": 6420, "val": 2140, "test": 2140}
    assert {x.id: x for x in constraint}["train/1"].original_label == "real"


@needs_data
def test_misinfotext_snopes_stance_filter() -> None:
    recs = records("misinfotext_sfu", raw=True)
    snopes = [r for r in recs if r.subset == "snopes312"]
    assert len(snopes) == 312
    assert sum(r.extra["article_level"] for r in snopes) == 143
    for r in snopes:
        votes = [v for v in r.extra["stances"].values() if v and v != "n"]
        majority_right = sum(v == "right" for v in votes) * 2 > len(votes)
        assert r.extra["article_level"] == majority_right
        if not majority_right:
            assert r.label is None and r.original_label is not None
    first = {r.id: r for r in snopes}["snopes_0"]
    assert first.extra["stances"] == {"jerry": "context", "jill": "context", "fatemeh": "context"}
    assert first.label is None and first.original_label == "mixture" and first.date == "2012-01-13"
    # the one crawl failure is kept and flagged, not dropped
    assert [r.id for r in snopes if r.extra["crawl_error"]] == ["snopes_171"]
    # the Snopes CSV is not UTF-8 (3 stray 0x92 0xA9 pairs): decoded by the cp1252 fallback
    assert sum("Risqu\u2019\u00a9" in (r.extra["category"] or "") for r in snopes) == 3


@needs_data
def test_coaid_ids_are_unique_despite_upstream_collisions() -> None:
    rows = [json.loads(line) for line in open(ROOT / "coaid" / "data.jsonl", encoding="utf-8")]  # type: ignore[operator]
    assert len({r["id"] for r in rows}) < len(rows)  # upstream index restarts per fake/real file
    news = records("coaid", raw=True)
    assert len({r.id for r in news}) == 5457
    post = {r.id: r for r in news}["05-01-2020/fake/0"]
    assert post.extra["type"] == "post" and post.domain == "facebook.com" and post.text == ""


def test_domain_of_and_iso_date() -> None:
    assert domain_of("https://WWW.Example.COM:8080/x?y") == "example.com"
    assert domain_of("www.newidea.com.au/woman-claims") == "newidea.com.au"
    assert domain_of("https://web.archive.org/web/20171107225820/https://www.forbes.com/sites/x") == "forbes.com"
    assert domain_of("http://web.archive.org/web/2004/http:/nation.example.com/a") == "nation.example.com"
    assert domain_of("") is None and domain_of(None) is None
    assert iso_date("1/13/12") == "2012-01-13"
    assert iso_date("30-Oct-14") == "2014-10-30"
    assert iso_date({"$date": 1474243200000}) == "2016-09-19"
    assert iso_date(1525925890.229) == "2018-05-10"
    assert iso_date("2020-05-06T10:00:00Z") == "2020-05-06"
    assert iso_date("2020-02-30") is None and iso_date("soon") is None and iso_date("") is None


# --------------------------------------------------------------------------------------------
# Errors and data root
# --------------------------------------------------------------------------------------------


def test_unknown_dataset_lists_known_names() -> None:
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("no_such_corpus")
    assert "no_such_corpus" in str(info.value) and "liar" in str(info.value) and "coaid_claims" in str(info.value)


def test_unknown_label_in_jsonl_names_dataset_row_and_label(tmp_path: Path) -> None:
    (tmp_path / "liar").mkdir()
    rows = [
        {"id": "1.json", "label": "true", "text": "ok", "split": "train", "speaker": "a"},
        {"id": "2.json", "label": "sorta-true", "text": "hm", "split": "train", "speaker": "b"},
    ]
    (tmp_path / "liar" / "data.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    it = load_dataset("liar", tmp_path)
    assert next(it).label == "reliable"
    with pytest.raises(UnknownLabelError) as info:
        next(it)
    msg = str(info.value)
    assert "liar" in msg and "2.json" in msg and "sorta-true" in msg and "pants-fire" in msg
    assert info.value.code == "data.unknown_label"


def test_unknown_label_in_raw_reader() -> None:
    it = read_liar(FIXTURES / "liar_bad_label")
    assert next(it).label == "reliable"
    with pytest.raises(UnknownLabelError, match="sorta-true"):
        next(it)


def test_missing_dataset_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="recovery_covid19"):
        load_dataset("recovery_covid19", tmp_path)


def test_data_root_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert data_root(tmp_path) == tmp_path
    with pytest.raises(DatasetNotFoundError):
        data_root(tmp_path / "missing")
    monkeypatch.setenv("NEWSCRED_DATA", str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.setenv("NEWSCRED_DATA", str(tmp_path / "missing"))
    with pytest.raises(DatasetNotFoundError, match="NEWSCRED_DATA"):
        data_root()
    monkeypatch.delenv("NEWSCRED_DATA")
    nowhere = tmp_path / "a" / "b"
    nowhere.mkdir(parents=True)
    monkeypatch.chdir(nowhere)
    monkeypatch.setattr(registry_module, "_repo_root", lambda: nowhere)
    with pytest.raises(DatasetNotFoundError) as info:
        data_root()
    assert "--data-root" in str(info.value) and "NEWSCRED_DATA" in str(info.value)
    shared = tmp_path / "a" / "shared" / "data"
    shared.mkdir(parents=True)
    assert data_root() == shared.resolve()  # ./../shared/data from the working directory


# --------------------------------------------------------------------------------------------
# Tabular reader
# --------------------------------------------------------------------------------------------

ODD = dict(
    text_col="Body_Text", title_col="head line", id_col="article id", label_col="Verdict",
    date_col="published", url_col="LINK",
)


def test_read_table_csv_with_odd_columns_and_label_words() -> None:
    recs = list(read_table(FIXTURES / "odd_columns.csv", **ODD))
    by_id = {r.id: r for r in recs}
    assert len(recs) == 7
    assert [r.label for r in recs] == ["unreliable", "reliable", "reliable", "unreliable", "reliable", "reliable", None]
    assert [r.original_label for r in recs] == ["FAKE", "Real", "legit", "1", "0", "mostly-true", None]
    assert by_id["a1"].text == "Scientists say the moon, long thought rock, is cheese."
    assert by_id["a2"].text == "The central bank kept rates unchanged.\nIt meets again in June."
    assert by_id["a4"].text == 'He said "it works" without evidence.'
    assert by_id["a1"].title == "Moon made of cheese" and by_id["a1"].dataset == "odd_columns"
    assert (by_id["a1"].domain, by_id["a1"].group) == ("example.com", "example.com")
    assert by_id["a4"].domain == "cures.example.net"
    assert [r.date for r in recs] == ["2020-05-01", "2020-05-03", None, "2020-05-05", "2020-05-06", None, None]
    assert by_id["a6"].extra == {"date_raw": "not a date"}


def test_read_table_tsv_and_jsonl() -> None:
    tsv = list(read_table(FIXTURES / "odd_columns.tsv", **ODD))
    assert [(r.id, r.label) for r in tsv] == [("t1", "unreliable"), ("t2", "reliable"), ("t3", "unreliable")]
    assert tsv[1].text == 'Tab\tinside, and "quotes"'
    jsonl = dict(text_col="body text", id_col="Article ID", label_col="verdict", url_col="link", dataset="mine")
    # j2's verdict is the JSON boolean true: ambiguous (is_fake or is_real?) with the built-in words
    with pytest.raises(UnknownLabelError, match=r"line 2 \(id 'j2'\): the label is the boolean true"):
        list(read_table(FIXTURES / "odd_columns.jsonl", **jsonl))
    words = {**DEFAULT_LABEL_MAP, "true": "reliable", "false": "unreliable"}  # as --label-map extends them
    jl = list(read_table(FIXTURES / "odd_columns.jsonl", **jsonl, label_map=words))
    assert [(r.id, r.label, r.original_label) for r in jl] == [
        ("j1", "unreliable", "fake"), ("j2", "reliable", "true"), ("j3", "unreliable", "1"), ("j4", "reliable", "0.0"),
    ]
    assert jl[0].extra == {"score": 0.9} and jl[0].dataset == "mine"
    assert jl[2].domain == "example.org" and jl[3].domain is None


def test_custom_label_map_replaces_default() -> None:
    recs = list(read_table(FIXTURES / "unknown_label.csv", label_col="label",
                           label_map={"REAL": "reliable", "maybe": None}))
    assert [(r.label, r.original_label) for r in recs] == [("reliable", "real"), (None, "maybe")]
    with pytest.raises(UnknownLabelError):
        ColumnMapping(label_col="label", label_map={"x": "probably"})


def test_unknown_label_lists_accepted_words() -> None:
    with pytest.raises(UnknownLabelError) as info:
        list(read_table(FIXTURES / "unknown_label.csv", id_col="id", label_col="label"))
    msg = str(info.value)
    # the file's line (header = line 1), not a 0-based row index the user cannot find
    assert "'maybe'" in msg and "line 3 (id '2')" in msg and "row 1" not in msg
    assert msg.startswith(f"{FIXTURES / 'unknown_label.csv'}: ")  # which file, as malformed rows say it
    assert "label_map= / --label-map" in msg
    for word in ("reliable", "unreliable", "fake", "real", "legit"):
        assert word in msg


def test_default_label_map_words() -> None:
    mapping = ColumnMapping(label_col="y")
    for value, expected in [
        ("Reliable", "reliable"), ("real", "reliable"), ("TRUE", "reliable"), ("legit", "reliable"), (0, "reliable"),
        ("unreliable", "unreliable"), ("Fake", "unreliable"), ("false", "unreliable"), (1, "unreliable"),
        ("1.0", "unreliable"), (1.0, "unreliable"), ("pants_on_fire", "unreliable"), ("Mostly-False", "unreliable"),
        ("", None), (None, None), (float("nan"), None),
    ]:
        assert mapping.label_of(value, "row")[0] == expected, value
    # the *words* true/false are verdicts; a boolean cell is refused (is_fake or is_real?)
    for bad in ("-1", "2", "maybe", "half-true", True, False):
        with pytest.raises(UnknownLabelError):
            mapping.label_of(bad, "row")
    assert set(DEFAULT_LABEL_MAP.values()) == {"reliable", "unreliable"}


def test_missing_column_error_names_column_and_existing_ones() -> None:
    with pytest.raises(MissingColumnError) as info:
        list(read_table(FIXTURES / "odd_columns.csv"))  # default text_col="text"
    msg = str(info.value)
    assert "'text'" in msg and "'Body_Text'" in msg and "'Verdict'" in msg and "text_col= / --text-col" in msg
    assert info.value.code == "input.missing_column"
    with pytest.raises(MissingColumnError, match="'stance'"):
        list(read_table(FIXTURES / "odd_columns.csv", text_col="Body_Text", label_col="stance"))


def test_malformed_csv_rows_are_counted_not_lost() -> None:
    results = list(iter_rows(FIXTURES / "malformed.csv"))
    # 7 data rows in the file (one spans two lines, one blank line is not a row)
    assert [r.index for r in results] == list(range(7))
    assert [r.line for r in results] == [2, 3, 4, 5, 6, 7, 10]
    assert [r.ok for r in results] == [True, False, False, True, False, True, True]
    for r in results:
        assert (r.data is None) == (r.error is not None)
        if r.error:
            assert isinstance(r.error, MalformedRowError) and f"line {r.line}" in str(r.error)
    assert "expected 3 fields, got 4" in str(results[1].error)
    assert "unterminated quoted field" in str(results[2].error)
    # the row after the stray quote is recovered intact
    assert results[3].data == {"id": "4", "text": 'fine "quoted" text', "label": "real"}
    assert results[5].data == {"id": "6", "text": "multi\nline", "label": "fake"}
    with pytest.raises(MalformedRowError, match="line 3"):
        list(read_table(FIXTURES / "malformed.csv"))


def test_malformed_jsonl_rows_are_counted_not_lost() -> None:
    results = list(iter_rows(FIXTURES / "malformed.jsonl"))
    assert [r.line for r in results] == [1, 2, 3, 5, 6, 7, 8]
    assert [r.ok for r in results] == [True, False, False, False, True, False, True]
    assert "invalid JSON" in str(results[1].error)
    assert "expected a JSON object, got list" in str(results[2].error)
    assert "got str" in str(results[3].error)
    assert [r.data["id"] for r in results if r.ok] == [1, 5, 7]


def test_undecodable_bytes_and_old_mac_line_ends() -> None:
    data = b"id,text\r1,caf\xc3\xa9\r2,caf\xe9\r3,ok\r"
    results = list(iter_rows(io.BytesIO(data), "csv"))
    assert [r.ok for r in results] == [True, False, True]
    assert results[0].data == {"id": "1", "text": "caf\u00e9"}
    assert "line 3" in str(results[1].error) and "utf-8" in str(results[1].error)
    # the same bytes read as cp1252 on request
    assert [r.ok for r in iter_rows(io.BytesIO(data), "csv", encoding="cp1252")] == [True, True, True]
    jl = list(iter_rows(io.BytesIO(b'{"a": "\xff"}\n{"a": 1}\n'), "jsonl"))
    assert [r.ok for r in jl] == [False, True]


def test_runaway_quote_is_bounded_and_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular_module, "MAX_ROW_BYTES", 4096)
    lines = [b"id,text", b'1,"never closed'] + [b"%d,row %d" % (i, i) for i in range(2, 2001)]
    results = list(iter_rows(io.BytesIO(b"\n".join(lines) + b"\n"), "csv"))
    assert len(results) == 2000  # every input row has exactly one result
    assert [r.ok for r in results].count(False) == 1 and not results[0].ok
    assert results[-1].data == {"id": "2000", "text": "row 2000"}
    long = list(iter_rows(io.BytesIO(b"a\n" + b"x" * 10_000 + b"\nb\n"), "csv"))
    assert [r.ok for r in long] == [False, True] and "longer than" in str(long[0].error)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet=st.sampled_from(list('ab ,"\t\r\n\u00e9')), max_size=8), min_size=1, max_size=1),
        max_size=6,
    ),
    ncols=st.integers(min_value=1, max_value=3),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_csv_written_by_csv_module_round_trips(rows: list[list[str]], ncols: int, delimiter: str) -> None:
    """Whatever csv.writer produces (quotes, delimiters, \\r, \\n in values) comes back row for row."""
    import csv as csv_module

    table = [[cell[0]] * ncols for cell in rows]
    table = [[f"{v}{i}" if i else v for i, v in enumerate(r)] for r in table]
    header = [f"c{i}" for i in range(ncols)]
    buf = io.StringIO(newline="")
    csv_module.writer(buf, delimiter=delimiter).writerows([header, *table])
    fmt = "csv" if delimiter == "," else "tsv"
    results = list(iter_rows(io.BytesIO(buf.getvalue().encode("utf-8")), fmt))
    assert [r.error for r in results] == [None] * len(table)
    assert [r.data for r in results] == [dict(zip(header, r)) for r in table]


def test_parquet_round_trip(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({
        "doc_id": [f"p{i}" for i in range(2500)],
        "Body": [f"text {i}" for i in range(2500)],
        "is_fake": [i % 2 for i in range(2500)],
    })
    path = tmp_path / "mine.parquet"
    pq.write_table(table, path, row_group_size=1000)
    results = list(iter_rows(path))
    assert [r.index for r in results] == list(range(2500)) and all(r.ok for r in results)
    recs = list(read_table(path, text_col="body", id_col="doc_id", label_col="is_fake"))
    assert len(recs) == 2500 and recs[0].dataset == "mine"
    assert (recs[0].id, recs[0].text, recs[0].label) == ("p0", "text 0", "reliable")
    assert recs[1].label == "unreliable"
    with open(path, "rb") as fh:  # unnamed stream: format sniffed, spooled to disk
        assert sum(1 for _ in iter_rows(fh)) == 2500
    # no lines in Parquet: a bad row is named by its data row counted from 1
    with pytest.raises(UnknownLabelError, match=r"^row 3 \(id 'p2'\): unknown label '7'"):
        ColumnMapping(text_col="body", id_col="doc_id", label_col="is_fake").to_record(
            {"doc_id": "p2", "Body": "x", "is_fake": 7}, 2)


def test_stdin_and_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO(b"text,label\nhello,fake\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))
    recs = list(read_table("-", label_col="label"))
    assert [(r.text, r.label, r.dataset) for r in recs] == [("hello", "unreliable", "stdin")]
    sniffed = list(iter_rows(io.StringIO('{"text": "a"}\n{"text": "b"}\n')))
    assert [r.data for r in sniffed] == [{"text": "a"}, {"text": "b"}]
    tsv = list(iter_rows(io.BytesIO(b"text\tlabel\nx\treal\n")))
    assert tsv[0].data == {"text": "x", "label": "real"}


def test_format_and_empty_errors(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="fmt="):
        list(iter_rows(tmp_path / "data.xlsx"))
    with pytest.raises(UnsupportedFormatError):
        list(iter_rows(io.BytesIO(b""), "xml"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError):
        list(iter_rows(empty))
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(b"text,label\n")
    assert list(iter_rows(header_only)) == []
    with pytest.raises(DatasetNotFoundError):
        list(iter_rows(tmp_path / "missing.csv"))
    not_parquet = tmp_path / "bad.parquet"
    not_parquet.write_bytes(b"not parquet at all")
    with pytest.raises(UnsupportedFormatError):
        list(iter_rows(not_parquet))


def test_gzip_and_duplicate_header_names(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "news.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbftext,text,label\na,b,real\n")
    results = list(iter_rows(path))
    assert results[0].data == {"text": "a", "text.1": "b", "label": "real"}
    assert [r.dataset for r in read_table(path)] == ["news"]


def test_row_result_shape() -> None:
    r = RowResult(0, {"a": 1}, None)
    assert r.ok and r.line is None


# --------------------------------------------------------------------------------------------
# Claim corpora used for claim matching: CLIMATE-FEVER and LIAR-PLUS
# --------------------------------------------------------------------------------------------


def test_claim_corpora_label_maps() -> None:
    cf = DATASETS["climate_fever"].label_map
    assert (cf["SUPPORTS"], cf["REFUTES"]) == ("reliable", "unreliable")
    assert cf["NOT_ENOUGH_INFO"] is None and cf["DISPUTED"] is None
    assert DATASETS["liar_plus_partial"].label_map == DATASETS["liar"].label_map
    assert {"climate_fever", "liar_plus_partial"} <= set(claim_datasets())


@needs_data
def test_climate_fever_details() -> None:
    recs = {r.id: r for r in records("climate_fever", raw=True)}
    first = recs["0"]
    assert first.text == "Global warming is driving polar bears toward extinction"
    assert (first.original_label, first.label) == ("SUPPORTS", "reliable")
    assert len(first.extra["evidences"]) == 5
    assert first.extra["evidences"][0]["id"] == "Extinction risk from global warming:170"
    assert sum(len(r.extra["evidences"]) for r in recs.values()) == 7675  # PROVENANCE
    flat = {r.id: r for r in records("climate_fever", raw=False)}
    assert flat["0"].extra["evidences"] == first.extra["evidences"]


@needs_data
def test_liar_plus_details() -> None:
    raw = {r.id: r for r in records("liar_plus_partial", raw=True)}
    assert collections.Counter(r.subset for r in raw.values()) == {"val2": 1284, "test2": 1283}
    assert collections.Counter(r.original_label for r in raw.values()) == {
        "half-true": 515, "false": 513, "mostly-true": 500, "barely-true": 451, "true": 380, "pants-fire": 208}
    # test2 read line by line: the 16 rows CSV quoting merged away are back, with LIAR's test ids
    liar_test = {x.id for x in records("liar", raw=False) if x.subset == "test"}
    assert {i for i, x in raw.items() if x.subset == "test2"} == liar_test
    r = raw["12134.json"]
    assert r.text == "We have less Americans working now than in the 70s." and r.original_label == "barely-true"
    assert r.extra["justification"].startswith("However, Hartzler was talking about the entire decade of the 70s.")
    assert (r.source, r.group, r.extra["party"]) == ("vicky-hartzler", "vicky-hartzler", "republican")
    flat = {x.id: x for x in records("liar_plus_partial", raw=False)}
    assert flat["12134.json"].extra["justification"] == r.extra["justification"]
    assert sum(1 for x in flat.values() if not x.extra["justification"]) == 13
    assert "\t" not in "".join(x.text + x.extra["justification"] for x in raw.values())
    assert not any(x.text.startswith('"') and x.text.endswith('"') and '""' in x.text for x in raw.values())
    # the same PolitiFact claims as LIAR, under the same ids
    liar = {x.id: x for x in records("liar", raw=False)}
    assert set(flat) <= set(liar)
    assert all(liar[i].original_label == x.original_label for i, x in flat.items())


def test_climate_fever_unknown_label_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "climate_fever"
    folder.mkdir()
    rows = [{"id": "1", "text": "CO2 is plant food", "label": "SUPPORTS", "evidences": []},
            {"id": "2", "text": "It is the sun", "label": "MAYBE", "evidences": []}]
    (folder / "data.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    it = load_dataset("climate_fever", tmp_path)
    assert next(it).label == "reliable"
    with pytest.raises(UnknownLabelError, match="MAYBE"):
        next(it)


def test_gzip_on_standard_input_is_read_like_a_gz_file() -> None:
    import gzip
    import io

    raw = gzip.compress(b'text,label\n"a story about the council vote",fake\n"another one",real\n')
    rows = list(iter_rows(io.BytesIO(raw)))
    assert [r.data for r in rows] == [{"text": "a story about the council vote", "label": "fake"},
                                      {"text": "another one", "label": "real"}]


def test_a_tab_separated_file_named_csv_says_so(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id\ttext\tlabel\n1\tsome, text\tfake\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"looks tab-separated .*: name it \.tsv or pass the format tsv"):
        list(iter_rows(path))
    assert [r.data for r in iter_rows(path, "tsv")] == [{"id": "1", "text": "some, text", "label": "fake"}]
    # other names that lie about the bytes: each says what the file looks like
    cases = {"rows.tsv": (b"id,text,label\n1,a,fake\n", "comma-separated"),
             "posts.csv": (b'{"text": "a", "label": "fake"}\n', "JSON lines"),
             "table.csv": (b"PAR1\x00\x00", "a Parquet file"),
             "packed.csv": (__import__("gzip").compress(b"text,label\na,fake\n"), "gzip-compressed: name it packed.csv.gz")}
    for name, (data, looks) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(UnsupportedFormatError, match=re.escape(looks)):
            list(iter_rows(tmp_path / name))
