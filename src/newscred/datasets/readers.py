"""Readers for the labelled news corpora, one per *published* raw format.

Every ``read_xxx(path)`` is a generator of :class:`~newscred.datasets.record.Record` taking the
dataset's ``raw/`` folder (the dataset folder itself, any sub-folder, or a single raw file also
work: files are found recursively).  The files are parsed exactly as published, with the standard
library only; the flattened ``data.jsonl`` copies are never used here.

Each dataset has one ``_xxx_record(...)`` builder that both the raw reader and the matching
``xxx_from_jsonl(row)`` converter call, so that :func:`newscred.datasets.load_dataset` yields the
same Records whether it reads ``raw/`` or ``data.jsonl`` (``data.jsonl`` lacks a few raw-only
fields such as some dates; those stay ``None`` there).

Conventions shared by every reader:

* ``text`` is the body without the headline, ``title`` the headline (``""`` when none); both are
  stripped of surrounding whitespace, nothing else is changed.
* ``original_label`` keeps the dataset's own word; ``label`` is its binary mapping through the
  dataset's label map (``None`` = deliberately left out).  A word missing from the map raises
  :class:`~newscred.errors.UnknownLabelError` instead of being guessed.
* ``domain`` is the lower-case URL host without a leading ``www.``; Wayback Machine captures are
  unwrapped to the archived site.
* ``date`` is ISO ``YYYY-MM-DD`` when the source gives one, else ``None`` (see :func:`iso_date`).
* ``group`` is the unit that must never straddle a train/test split (see ``registry.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from ..errors import DatasetNotFoundError, MalformedRowError, UnknownLabelError
from .record import RELIABLE, UNRELIABLE, Record

__all__ = [
    "BUZZFEED_LABELS",
    "CLIMATE_FEVER_LABELS",
    "DATE_FORMATS_HINT",
    "FAKE_LEGIT_LABELS",
    "FAKE_REAL_LABELS",
    "LIAR_LABELS",
    "MISINFOTEXT_LABELS",
    "OPENSOURCES_LABELS",
    "RELIABILITY_LABELS",
    "SEMEVAL_LABELS",
    "SLASH_ORDERS",
    "decode_bytes",
    "domain_of",
    "iso_date",
    "slash_date_order",
    "slash_order_evidence",
    "read_buzzfeed_webis",
    "read_celebrity",
    "read_climate_fever",
    "read_coaid_claims",
    "read_coaid_news",
    "read_constraint",
    "read_fakenewsamt",
    "read_fakenewscorpus_sample",
    "read_fakenewsnet_crawl",
    "read_fakenewsnet_v1",
    "read_liar",
    "read_liar_plus",
    "read_misinfotext",
    "read_recovery",
    "read_semeval_hyperpartisan",
]


def _raise_csv_field_limit() -> None:
    """News bodies routinely exceed csv's 128 KiB default field limit; lift it once."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # C long is 32 bits on some platforms
            limit //= 10


_raise_csv_field_limit()

# --------------------------------------------------------------------------------------------
# Label maps (original word -> "reliable" | "unreliable" | None).  Read-only on purpose: the
# registry hands the very same objects out, and a caller mutating one would silently change
# every later load.
# --------------------------------------------------------------------------------------------

BUZZFEED_LABELS: Mapping[str, str | None] = MappingProxyType(
    {
        "mostly true": RELIABLE,
        "true": RELIABLE,
        "mostly false": UNRELIABLE,
        "false": UNRELIABLE,
        "mixture of true and false": UNRELIABLE,
        # Satire, opinion, memes: not a veracity judgement, so excluded rather than guessed.
        "no factual content": None,
    }
)

#: MisInfoText: BuzzFeed words plus the Snopes claim ratings.  Snopes "mixture" is excluded
#: (unlike BuzzFeed's "mixture of true and false", which BuzzFeed counts as misleading).
MISINFOTEXT_LABELS: Mapping[str, str | None] = MappingProxyType({**BUZZFEED_LABELS, "mixture": None})

FAKE_REAL_LABELS: Mapping[str, str | None] = MappingProxyType({"fake": UNRELIABLE, "real": RELIABLE})
FAKE_LEGIT_LABELS: Mapping[str, str | None] = MappingProxyType({"fake": UNRELIABLE, "legit": RELIABLE})
RELIABILITY_LABELS: Mapping[str, str | None] = MappingProxyType(
    {"reliable": RELIABLE, "unreliable": UNRELIABLE}
)

#: LIAR's six PolitiFact ratings split at the usual binary cut (barely-true counts as false).
LIAR_LABELS: Mapping[str, str | None] = MappingProxyType(
    {
        "pants-fire": UNRELIABLE,
        "false": UNRELIABLE,
        "barely-true": UNRELIABLE,
        "half-true": RELIABLE,
        "mostly-true": RELIABLE,
        "true": RELIABLE,
    }
)

#: Hyperpartisanship is bias, not veracity: both classes are kept only as ``original_label``.
SEMEVAL_LABELS: Mapping[str, str | None] = MappingProxyType(
    {"hyperpartisan": None, "not-hyperpartisan": None}
)

#: FakeNewsCorpus types are OpenSources tags of the *domain*, never of the article.
OPENSOURCES_LABELS: Mapping[str, str | None] = MappingProxyType(
    {
        word: None
        for word in (
            "bias", "clickbait", "conspiracy", "fake", "hate", "junksci", "political",
            "reliable", "rumor", "satire", "state", "unknown", "unreliable",
        )
    }
)


def _map_label(dataset: str, row_id: str, original: str | None, label_map: Mapping[str, str | None]) -> str | None:
    """Binary label of ``original`` or a loud error: an unmapped word is never guessed."""
    if original is None:
        return None
    if original not in label_map:
        known = ", ".join(repr(k) for k in label_map)
        raise UnknownLabelError(
            f"{dataset}: row {row_id!r} has label {original!r}, which is not in the label map "
            f"(known labels: {known})",
            dataset=dataset,
            row_id=row_id,
            label=original,
        )
    return label_map[original]


# --------------------------------------------------------------------------------------------
# Small shared helpers (also used by tabular.py)
# --------------------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> str:
    """Decode one whole file: UTF-8 (BOM dropped), else cp1252, else latin-1.

    The fallback is per file, never per character, so a UTF-8 file is never half-reinterpreted.
    latin-1 cannot fail, which is why it is last; cp1252 goes first because real-world
    non-UTF-8 news text is almost always Windows "smart quotes" (0x91-0x94).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined
        return data.decode("latin-1")


_WAYBACK_PATH = re.compile(r"^/web/[^/]+/(.+)$")


def domain_of(url: str | None) -> str | None:
    """Lower-case host of ``url`` without a leading ``www.`` (``None`` if there is no host).

    Scheme-less URLs (``www.site.com/x``, common in crawler output) are accepted, and
    ``web.archive.org/web/<ts>/<url>`` resolves to the archived site, because the publisher,
    not the archive, is what must not straddle a split.
    """
    if not url:
        return None
    url = str(url).strip()
    if not url:
        return None
    if "://" not in url[:12]:
        url = "http://" + url.lstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an invalid IPv6 literal
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    if host == "web.archive.org":
        inner = _WAYBACK_PATH.match(parts.path)
        if inner:
            target = inner.group(1)
            # The archived URL can lose one slash ("http:/site.com"); put it back.
            target = re.sub(r"^(https?):/(?!/)", r"\1://", target)
            resolved = domain_of(target)
            if resolved:
                return resolved
    if host.startswith("www."):
        host = host[4:]
    return host or None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_TEXT_FORMATS = ("%d-%b-%y", "%d-%b-%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")

#: The two orders of a slashed date: ``"mdy"`` (US ``5/22/2020``) and ``"dmy"`` (``22/5/2020``).
SLASH_ORDERS = ("mdy", "dmy")

#: How the accepted date formats are described in messages.
DATE_FORMATS_HINT = 'YYYY-MM-DD, YYYYMMDD, M/D/YYYY (D/M/YYYY when the day is over 12), D.M.YYYY, "May 5, 2020" or epoch seconds'


def _year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:  # same pivot as strptime's %y
        year += 2000 if year < 69 else 1900
    return year


def _slash_fields(value: Any) -> tuple[int, int] | None:
    """The first two numbers of a slashed date string (``"22/05/2020"`` -> (22, 5)), else None."""
    if not isinstance(value, str):
        return None
    m = _SLASHED.match(value.strip())
    return (int(m[1]), int(m[2])) if m else None


def slash_order_evidence(values: Iterable[Any]) -> set[str]:
    """The slash orders that ``values`` prove: ``"dmy"`` when some slashed date has a first
    number over 12 (and a second of 12 or less), ``"mdy"`` when some has a second number over 12
    (and a first of 12 or less).  Empty when every slashed date is ambiguous (or there is none);
    both when the values contradict each other.  Values that are not slashed dates are ignored.
    """
    found: set[str] = set()
    for value in values:
        fields = _slash_fields(value)
        if fields is None:
            continue
        first, second = fields
        if first > 12 and second <= 12:
            found.add("dmy")
        elif second > 12 and first <= 12:
            found.add("mdy")
        if len(found) == 2:
            break
    return found


def slash_date_order(values: Iterable[Any]) -> str | None:
    """Decide how a whole column of slashed dates is written, from its values.

    ``"dmy"`` if any value's first number is over 12 (``22/05/2020``), ``"mdy"`` if any value's
    second number is over 12 (``05/22/2020``), ``None`` when no value settles it (all ambiguous
    like ``05/04/2020``, or no slashed dates) or when values contradict each other (both kinds:
    the column mixes conventions and no single order is right).  Pass the result to
    ``iso_date(value, order=...)`` so that every row of the column is read the same way, instead
    of each row on its own (which would read ``05/04/2020`` month first next to ``22/05/2020``
    day first).
    """
    found = slash_order_evidence(values)
    return found.pop() if len(found) == 1 else None


def iso_date(value: Any, order: str | None = None) -> str | None:
    """``YYYY-MM-DD`` for the date formats found in the corpora, ``None`` when unknown.

    Accepts ISO strings (time part ignored), slashed ``M/D/YY[YY]`` (Snopes, CoAID), dotted
    ``D.M.YY[YY]`` (always day first, as written in Europe), ``30-Oct-14``, ``May 5, 2020``, Unix
    epochs in seconds or milliseconds (UTC) and Mongo-style ``{"$date": ms}`` (FakeNewsNet v1).

    Slashed dates: ``order`` is how the column writes them, ``"mdy"`` or ``"dmy"`` (see
    :func:`slash_date_order`), and is then obeyed strictly (``"22/05/2020"`` with
    ``order="mdy"`` is ``None``: not a date in that column's convention).  Without ``order`` a
    slashed date is read month first (the US convention of the shared corpora), except when it
    can only be day first (first number over 12, second 12 or less: ``22/05/2020`` is
    2020-05-22).  An ambiguous value such as ``05/04/2020`` is then 2020-05-04: decide the order
    for the whole column when it may be European.
    """
    if order is not None and order not in SLASH_ORDERS:
        raise ValueError(f"order must be one of {SLASH_ORDERS} or None, got {order!r}")
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        return iso_date(value.get("$date"), order)
    if isinstance(value, (int, float)):
        if value != value or value <= 0:  # NaN or missing
            return None
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return None
    try:
        m = _ISO.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if text.isdigit():
            if len(text) == 8:  # 20200522
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
            if 9 <= len(text) <= 13:  # epoch seconds or milliseconds written as text (CSV has no integers)
                return iso_date(int(text))
            return None
        m = _SLASHED.match(text)
        if m:
            first, second = int(m[1]), int(m[2])
            if order is None:
                order = "dmy" if first > 12 and second <= 12 else "mdy"
            month, day = (first, second) if order == "mdy" else (second, first)
            return dt.date(_year(m[3]), month, day).isoformat()
        m = _DOTTED.match(text)
        if m:
            return dt.date(_year(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None
    for fmt in _TEXT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _clean(value: Any) -> str:
    """Stripped string ('' for None) for text-like fields."""
    if value is None:
        return ""
    return str(value).strip()


def _opt(value: Any) -> str | None:
    """Stripped string or None when empty."""
    text = _clean(value)
    return text or None


def _natural_key(path: Path) -> list[Any]:
    """Sort ``x_2`` before ``x_10`` so records come out in the publisher's numbering."""
    return [int(tok) if tok.isdigit() else tok for tok in re.split(r"(\d+)", str(path))]


def _files(path: str | Path, pattern: str, what: str) -> list[Path]:
    """Files matching ``pattern`` at/under ``path`` (a file is taken as is), or a clear error."""
    root = Path(path)
    if not root.exists():
        raise DatasetNotFoundError(f"{what}: {root} does not exist", path=str(root))
    if root.is_file():
        return [root]
    found = sorted((p for p in root.rglob(pattern) if p.is_file()), key=_natural_key)
    if not found:
        raise DatasetNotFoundError(f"{what}: no files matching {pattern!r} under {root}", path=str(root))
    return found


def _read_text(path: Path) -> str:
    return decode_bytes(path.read_bytes())


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise MalformedRowError(f"{path}: invalid JSON ({exc})", path=str(path)) from exc


def _csv_dicts(text: str, where: str, **fmt: Any) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for a whole decoded CSV text; a short/long row is an error, not a
    silently padded dict (``csv.DictReader`` would fill ``None`` or a ``restkey`` list)."""
    reader = csv.reader(io.StringIO(text, newline=""), **fmt)
    try:
        header = next(reader)
    except StopIteration:
        return
    for row in reader:
        if not row:
            continue  # blank line
        if len(row) != len(header):
            raise MalformedRowError(
                f"{where}: line {reader.line_num}: expected {len(header)} fields, got {len(row)}",
                path=where,
                line=reader.line_num,
            )
        yield reader.line_num, dict(zip(header, row))


# --------------------------------------------------------------------------------------------
# BuzzFeed-Webis Fake News Corpus 2016 (articles/*.xml)
# --------------------------------------------------------------------------------------------

BUZZFEED_WEBIS = "buzzfeed_webis_2016"


def _buzzfeed_webis_record(
    *, id: str, label: str | None, title: Any, text: Any, portal: Any, orientation: Any, uri: Any, author: Any
) -> Record:
    portal = _opt(portal)
    url = _opt(uri)
    return Record(
        id=id,
        text=_clean(text),
        dataset=BUZZFEED_WEBIS,
        title=_clean(title),
        label=_map_label(BUZZFEED_WEBIS, id, label, BUZZFEED_LABELS),
        original_label=label,
        source=portal,
        domain=domain_of(url),
        url=url,
        date=None,  # the XML carries no date; all items are from 19-27 Sep 2016
        # Group by Facebook page, not URL host: each page links to many sister sites
        # (eagle-rising -> 13 hosts) and the rating follows the page (see PROVENANCE).
        group=portal,
        subset=None,
        extra={"orientation": _opt(orientation), "author": _opt(author)},
    )


def read_buzzfeed_webis(path: str | Path) -> Iterator[Record]:
    """BuzzFeed-Webis 2016: one ``articles/NNNN.xml`` per article (``mainText`` is the body)."""
    for file in _files(path, "*.xml", "BuzzFeed-Webis articles"):
        data = file.read_bytes()
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            try:  # undeclared non-UTF-8 bytes: decode ourselves and retry
                root = ET.fromstring(decode_bytes(data))
            except ET.ParseError as exc:
                raise MalformedRowError(f"{file}: invalid XML ({exc})", path=str(file)) from exc
        if root.tag != "article":
            continue  # not an article file (e.g. a stray schema)
        yield _buzzfeed_webis_record(
            id=file.name,
            label=_opt(root.findtext("veracity")),
            title=root.findtext("title"),
            text=root.findtext("mainText"),
            portal=root.findtext("portal"),
            orientation=root.findtext("orientation"),
            uri=root.findtext("uri"),
            author=root.findtext("author"),
        )


def buzzfeed_webis_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _buzzfeed_webis_record(
        id=str(row["id"]),
        label=_opt(row.get("label")),
        title=row.get("title"),
        text=row.get("text"),
        portal=row.get("portal"),
        orientation=row.get("orientation"),
        uri=row.get("uri"),
        author=row.get("author"),
    )


# --------------------------------------------------------------------------------------------
# FakeNewsNet v1 (Data/{BuzzFeed,PolitiFact}/{Fake,Real}NewsContent/*-Webpage.json)
# --------------------------------------------------------------------------------------------

FAKENEWSNET_V1 = "fakenewsnet_v1"
_FNN_V1_ID = re.compile(r"^(BuzzFeed|PolitiFact)_(Fake|Real)_\d+$")


def _fakenewsnet_v1_record(
    *, id: str, title: Any, text: Any, url: Any, source: Any, date: Any = None, authors: Any = None
) -> Record:
    m = _FNN_V1_ID.match(id)
    if not m:
        raise MalformedRowError(f"{FAKENEWSNET_V1}: unexpected news id {id!r}", row_id=id)
    subset, word = m.group(1), m.group(2).lower()
    url, source = _opt(url), _opt(source)
    domain = domain_of(url) or domain_of(source)
    return Record(
        id=id,
        text=_clean(text),
        dataset=FAKENEWSNET_V1,
        title=_clean(title),
        label=_map_label(FAKENEWSNET_V1, id, word, FAKE_REAL_LABELS),
        original_label=word,
        source=source,
        domain=domain,
        url=url,
        date=iso_date(date),
        group=domain,
        subset=subset,
        extra={"authors": list(authors)} if authors else {},
    )


def read_fakenewsnet_v1(path: str | Path) -> Iterator[Record]:
    """FakeNewsNet v1: newspaper3k JSON per article; label and subset come from the news id."""
    for file in _files(path, "*-Webpage.json", "FakeNewsNet v1 news content"):
        doc = _read_json(file)
        yield _fakenewsnet_v1_record(
            id=file.name[: -len("-Webpage.json")],
            title=doc.get("title"),
            text=doc.get("text"),
            url=doc.get("url"),
            source=doc.get("source"),
            date=doc.get("publish_date"),
            authors=doc.get("authors"),
        )


def fakenewsnet_v1_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _fakenewsnet_v1_record(
        id=str(row["id"]), title=row.get("title"), text=row.get("text"), url=row.get("url"),
        source=row.get("source"), date=row.get("date"), authors=row.get("authors"),
    )


# --------------------------------------------------------------------------------------------
# FakeNewsNet crawler output (fakenewsnet_dataset/<subset>/<label>/<id>/news content.json)
# --------------------------------------------------------------------------------------------

FAKENEWSNET_CRAWL = "fakenewsnet_crawl_krishg"


def _fakenewsnet_crawl_record(
    *, news_id: str, subset: str, label: str, title: Any, text: Any, url: Any, source: Any, date: Any, authors: Any
) -> Record:
    # Two news ids (politifact14920, politifact14940) sit in both the fake and the real folder
    # upstream, so the bare news id is not unique; the id mirrors the raw folder path instead.
    id = f"{subset}/{label}/{news_id}"
    url = _opt(url)
    domain = domain_of(url) or domain_of(source)
    extra: dict[str, Any] = {"news_id": news_id}
    if authors:
        extra["authors"] = list(authors)
    return Record(
        id=id,
        text=_clean(text),
        dataset=FAKENEWSNET_CRAWL,
        title=_clean(title),
        label=_map_label(FAKENEWSNET_CRAWL, id, label, FAKE_REAL_LABELS),
        original_label=label,
        source=_opt(source),
        domain=domain,
        url=url,
        date=iso_date(date),
        group=domain,
        subset=subset,
        extra=extra,
    )


def read_fakenewsnet_crawl(path: str | Path) -> Iterator[Record]:
    """FakeNewsNet crawler ``news content.json`` files; subset and label come from the folders."""
    for file in _files(path, "news content.json", "FakeNewsNet crawler output"):
        news_dir = file.parent
        label, subset = news_dir.parent.name, news_dir.parent.parent.name
        doc = _read_json(file)
        yield _fakenewsnet_crawl_record(
            news_id=news_dir.name,
            subset=subset,
            label=label,
            title=doc.get("title"),
            text=doc.get("text"),
            url=doc.get("url"),
            source=doc.get("source"),
            date=doc.get("publish_date"),
            authors=doc.get("authors"),
        )


def fakenewsnet_crawl_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _fakenewsnet_crawl_record(
        news_id=str(row["id"]), subset=str(row["subset"]), label=_clean(row.get("label")),
        title=row.get("title"), text=row.get("text"), url=row.get("url"), source=row.get("source"),
        date=row.get("date"), authors=row.get("authors"),
    )


# --------------------------------------------------------------------------------------------
# Pérez-Rosas et al. 2018: FakeNewsAMT and Celebrity (one .txt per article)
# --------------------------------------------------------------------------------------------

FAKENEWSAMT = "perez_rosas_fakenewsamt"
CELEBRITY = "perez_rosas_celebrity"
_AMT_NAME = re.compile(r"^(?P<topic>[a-z]+)(?P<num>\d+)\.(?P<label>fake|legit)\.txt$")
_CELEB_NAME = re.compile(r"^(?P<num>\d+)(?P<label>fake|legit)\.txt$")


def _split_headline(raw: str) -> tuple[str, str, bool]:
    """(title, body, has_title_line): the first non-empty line is the headline, unless the file
    has a single line, which is then all body (30 AMT fakes were written without a headline)."""
    lines = raw.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) > 1:
        first = filled[0]
        return lines[first].strip(), "\n".join(lines[first + 1 :]).strip(), True
    return "", raw.strip(), False


def _perez_rosas_record(
    *, dataset: str, id: str, label: str, title: Any, text: Any, pair_id: str, topic: str, has_title_line: bool
) -> Record:
    return Record(
        id=id,
        text=_clean(text),
        dataset=dataset,
        title=_clean(title),
        label=_map_label(dataset, id, label, FAKE_LEGIT_LABELS),
        original_label=label,
        source=None,
        domain=None,  # no URLs in this corpus; the news topic is kept in extra["topic"]
        url=None,
        date=None,
        # The fake and legit texts of a pair tell the same story: the pair is the split unit.
        group=pair_id,
        subset=None,
        extra={"pair_id": pair_id, "topic": topic, "has_title_line": has_title_line},
    )


def _read_perez_rosas(path: str | Path, dataset: str, folder: str, pattern: re.Pattern[str]) -> Iterator[Record]:
    for file in _files(path, "*.txt", f"{dataset} text files"):
        if folder not in file.parts and Path(path).is_dir():
            continue  # the other Pérez-Rosas corpus when given their common parent folder
        m = pattern.match(file.name)
        if not m:
            raise MalformedRowError(f"{dataset}: unexpected file name {file.name!r} ({file})", path=str(file))
        title, body, has_title = _split_headline(_read_text(file))
        num = m.group("num")
        topic = m.groupdict().get("topic") or "celebrity"
        yield _perez_rosas_record(
            dataset=dataset,
            id=file.name,
            label=m.group("label"),
            title=title,
            text=body,
            pair_id=f"{m.groupdict().get('topic') or ''}{num}",
            topic=topic,
            has_title_line=has_title,
        )


def read_fakenewsamt(path: str | Path) -> Iterator[Record]:
    """FakeNewsAMT: ``fakeNewsDataset/{fake,legit}/<topic><NN>.<label>.txt``; pair id ``<topic><NN>``."""
    return _read_perez_rosas(path, FAKENEWSAMT, "fakeNewsDataset", _AMT_NAME)


def read_celebrity(path: str | Path) -> Iterator[Record]:
    """Celebrity: ``celebrityDataset/{fake,legit}/<NNN><label>.txt``; pair id ``<NNN>``."""
    return _read_perez_rosas(path, CELEBRITY, "celebrityDataset", _CELEB_NAME)


def _perez_rosas_from_jsonl(dataset: str, row: Mapping[str, Any]) -> Record:
    topic = _clean(row.get("domain")) or "celebrity"
    return _perez_rosas_record(
        dataset=dataset, id=str(row["id"]), label=_clean(row.get("label")), title=row.get("title"),
        text=row.get("text"), pair_id=str(row["pair_id"]), topic=topic,
        has_title_line=bool(row.get("has_title_line")),
    )


def fakenewsamt_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _perez_rosas_from_jsonl(FAKENEWSAMT, row)


def celebrity_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _perez_rosas_from_jsonl(CELEBRITY, row)


# --------------------------------------------------------------------------------------------
# ReCOVery (dataset/{reliable,unreliable}/news-dataset*.csv, one CSV per publisher)
# --------------------------------------------------------------------------------------------

RECOVERY = "recovery_covid19"
_RELIABILITY_WORDS = {"1": "reliable", "0": "unreliable"}


def _recovery_record(
    *, id: str, label: str | None, title: Any, text: Any, publisher: Any, url: Any, date: Any, extra: dict[str, Any]
) -> Record:
    publisher = _opt(publisher)
    url = _opt(url)
    return Record(
        id=id,
        text=_clean(text),
        dataset=RECOVERY,
        title=_clean(title),
        label=_map_label(RECOVERY, id, label, RELIABILITY_LABELS),
        original_label=label,
        source=publisher,
        domain=domain_of(url),
        url=url,
        date=iso_date(date),
        # Labels are per publisher (NewsGuard/MBFC site ratings): split by publisher.
        group=publisher,
        subset=None,
        extra=extra,
    )


def read_recovery(path: str | Path) -> Iterator[Record]:
    """ReCOVery per-publisher CSVs; id ``<file stem>_<news_id>`` (news_id restarts per file).

    ``mbfc_level``/``political_bias``/``country`` in ``extra`` rate the *publisher*: they
    determine the label and must never be used as features.
    """
    for file in _files(path, "*.csv", "ReCOVery CSVs"):
        stem = re.sub(r"^news-dataset[-_]", "", file.stem)
        rel_file = f"{file.parent.name}/{file.name}"
        for _line, row in _csv_dicts(_read_text(file), str(file)):
            row_id = f"{stem}_{row['news_id']}"
            flag = _clean(row.get("reliability"))
            if flag not in _RELIABILITY_WORDS:
                raise UnknownLabelError(
                    f"{RECOVERY}: row {row_id!r} has reliability {flag!r} (expected 1 or 0)",
                    dataset=RECOVERY, row_id=row_id, label=flag,
                )
            yield _recovery_record(
                id=row_id,
                label=_RELIABILITY_WORDS[flag],
                title=row.get("title"),
                text=row.get("body_text"),
                publisher=row.get("publisher"),
                url=row.get("url"),
                date=row.get("publish_date"),
                extra=_recovery_extra(row, rel_file),
            )


def _recovery_extra(row: Mapping[str, Any], file: Any) -> dict[str, Any]:
    return {
        "author": _opt(row.get("author")),
        "mbfc_level": _opt(row.get("mbfc_level")),
        "political_bias": _opt(row.get("political_bias")),
        "country": _opt(row.get("country")),
        "file": _opt(file),
    }


def recovery_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _recovery_record(
        id=str(row["id"]), label=_opt(row.get("label")), title=row.get("title"), text=row.get("text"),
        publisher=row.get("source"), url=row.get("url"), date=row.get("date"),
        extra=_recovery_extra(row, row.get("file")),
    )


# --------------------------------------------------------------------------------------------
# LIAR (liar_dataset/{train,valid,test}.tsv, 14 columns, no quoting)
# --------------------------------------------------------------------------------------------

LIAR = "liar"
_LIAR_COUNTS = ("barely_true", "false", "half_true", "mostly_true", "pants_on_fire")


def _liar_record(*, id: str, label: str, statement: Any, speaker: Any, split: str | None, extra: dict[str, Any],
                 dataset: str = LIAR) -> Record:
    speaker = _opt(speaker)
    return Record(
        id=id,
        text=_clean(statement),
        dataset=dataset,
        title="",
        label=_map_label(dataset, id, label, LIAR_LABELS),
        original_label=label,
        source=speaker,
        domain=None,
        url=None,
        date=None,
        # Claims have no domain; the speaker is the analogue of the publisher.  The official
        # train/valid/test split is in ``subset`` and should be preferred when it fits.
        group=speaker,
        subset=split,
        extra=extra,
    )


def read_liar(path: str | Path) -> Iterator[Record]:
    """LIAR TSVs; split (train/valid/test) from the file name into ``subset``.

    Quoting is disabled on purpose: the statements contain unbalanced ``"`` and default CSV
    quoting silently merges lines (10240 instead of 10269 train rows).
    """
    for file in _files(path, "*.tsv", "LIAR TSVs"):
        split = file.stem.lower()
        reader = csv.reader(io.StringIO(_read_text(file), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            if not row:
                continue
            if len(row) != 14:
                raise MalformedRowError(
                    f"{file}: line {reader.line_num}: expected 14 fields, got {len(row)}",
                    path=str(file), line=reader.line_num,
                )
            counts = {}
            for name, value in zip(_LIAR_COUNTS, row[8:13]):
                counts[name] = int(float(value)) if value.strip() else None
            yield _liar_record(
                id=row[0].strip(),
                label=row[1].strip(),
                statement=row[2],
                speaker=row[4],
                split=split,
                extra={
                    "subjects": [s for s in row[3].split(",") if s],
                    "speaker_job": _opt(row[5]),
                    "state": _opt(row[6]),
                    "party": _opt(row[7]),
                    # Credit-history counts include the current statement: label leakage.
                    "credit_history": counts,
                    "context": _opt(row[13]),
                },
            )


def liar_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _liar_record(
        id=str(row["id"]), label=_clean(row.get("label")), statement=row.get("text"),
        speaker=row.get("speaker"), split=_opt(row.get("split")), extra={},
    )


# --------------------------------------------------------------------------------------------
# Constraint@AAAI2021 COVID-19 (data/Constraint_Train.csv, Constraint_Val.csv, english_test_with_labels.csv)
# --------------------------------------------------------------------------------------------

CONSTRAINT = "constraint_covid19"


def _constraint_split(file: Path) -> str:
    # Match whole "_"-separated tokens: "Constraint_Val" contains "train" as a substring.
    tokens = re.split(r"[_\W]+", file.stem.lower())
    for split in ("train", "val", "test"):
        if split in tokens:
            return split
    raise MalformedRowError(f"{CONSTRAINT}: cannot tell the split of {file.name!r}", path=str(file))


def _constraint_record(*, id: str, label: str, text: Any, split: str | None) -> Record:
    return Record(
        id=id,
        text=_clean(text),
        dataset=CONSTRAINT,
        title="",
        label=_map_label(CONSTRAINT, id, label, FAKE_REAL_LABELS),
        original_label=label,
        group=None,  # posts carry no author/domain; use the official split in ``subset``
        subset=split,
    )


def read_constraint(path: str | Path) -> Iterator[Record]:
    """Constraint COVID-19 CSVs (``id,tweet,label``); id ``<split>/<id>``."""
    for file in _files(path, "*.csv", "Constraint CSVs"):
        split = _constraint_split(file)
        for _line, row in _csv_dicts(_read_text(file), str(file)):
            yield _constraint_record(
                id=f"{split}/{row['id'].strip()}", label=_clean(row.get("label")), text=row.get("tweet"), split=split
            )


def constraint_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _constraint_record(
        id=str(row["id"]), label=_clean(row.get("label")), text=row.get("text"), split=_opt(row.get("split"))
    )


# --------------------------------------------------------------------------------------------
# MisInfoText (SFU): buzzfeed-v02-originalLabels.txt.zip + snopes_checked_v02.csv.zip
# --------------------------------------------------------------------------------------------

MISINFOTEXT = "misinfotext_sfu"
_STANCE_COLUMNS = (("jerry", "Jerry-label"), ("jill", "Jill-label"), ("fatemeh", "Fatemeh-label"))


def _article_level(stances: Mapping[str, str | None]) -> bool:
    """True when most annotators who looked at the article say it makes the claim ("right").

    Snopes rates the *claim*; the linked article may debunk it or only give context, so the
    rating is the article's veracity only for such rows.  "n" = the annotator did not label it.
    """
    votes = [v for v in stances.values() if v and v != "n"]
    return bool(votes) and sum(v == "right" for v in votes) * 2 > len(votes)


def _misinfotext_buzzfeed_record(*, id: str, label: str, text: Any, url: Any, site: Any) -> Record:
    url = _opt(url)
    domain = domain_of(url) or domain_of(site)
    return Record(
        id=id,
        text=_clean(text),
        dataset=MISINFOTEXT,
        title="",  # this release has no headlines for the BuzzFeed rows
        label=_map_label(MISINFOTEXT, id, label, MISINFOTEXT_LABELS),
        original_label=label,
        source=_opt(site),
        domain=domain,
        url=url,
        date=None,
        group=domain,
        subset="buzzfeed",
    )


def _misinfotext_snopes_record(
    *, id: str, label: str, title: Any, text: Any, url: Any, date: Any, stances: dict[str, str | None], extra: dict[str, Any]
) -> Record:
    url = _opt(url)
    domain = domain_of(url)
    article_level = _article_level(stances)
    mapped = _map_label(MISINFOTEXT, id, label, MISINFOTEXT_LABELS)  # validates even if dropped
    return Record(
        id=id,
        text=_clean(text),
        dataset=MISINFOTEXT,
        title=_clean(title),
        label=mapped if article_level else None,
        original_label=label,
        source=domain,
        domain=domain,
        url=url,
        date=iso_date(date),
        group=domain,
        subset="snopes312",
        extra={"stances": stances, "article_level": article_level, **extra},
    )


def _zip_members(path: str | Path) -> Iterator[tuple[str, bytes]]:
    for file in _files(path, "*.zip", "MisInfoText zips"):
        with zipfile.ZipFile(file) as zf:
            for info in zf.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                # __MACOSX/._x are resource forks that macOS zip adds, not data
                if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("._"):
                    continue
                yield base, zf.read(info)


def read_misinfotext(path: str | Path) -> Iterator[Record]:
    """MisInfoText: BuzzFeed-USE (1,380 rows, original long labels) and Snopes312 (312 rows).

    ``buzzfeed-v02.txt`` (same texts, short labels) and ``buzzfeed-top.csv`` (33 articles, not
    in the flattened copy) are skipped so that no article is read twice.  Snopes rows get a
    binary label only when the article itself makes the rated claim (see ``_article_level``).
    """
    for name, data in _zip_members(path):
        if name == "buzzfeed-v02-originalLabels.txt":
            reader = csv.reader(io.StringIO(decode_bytes(data), newline=""), delimiter="\t")
            for row in reader:
                if not row:
                    continue
                if len(row) != 6:
                    raise MalformedRowError(
                        f"{MISINFOTEXT}/{name}: record {reader.line_num}: expected 6 fields, got {len(row)}",
                        path=name, line=reader.line_num,
                    )
                yield _misinfotext_buzzfeed_record(
                    id=f"buzzfeed_{row[0].strip()}", label=row[2].strip(), text=row[3], url=row[1], site=row[4]
                )
        elif name == "snopes_checked_v02.csv":
            for index, (_line, row) in enumerate(_csv_dicts(decode_bytes(data), f"{MISINFOTEXT}/{name}")):
                stances = {who: _opt(row.get(col)) for who, col in _STANCE_COLUMNS}
                error = _opt(row.get("error_phase2"))
                yield _misinfotext_snopes_record(
                    id=f"snopes_{index}",
                    label=_clean(row.get("fact_rating_phase1")).lower(),  # "TRUE"/"FALSE" in the file
                    title=row.get("article_title_phase2"),
                    text=row.get("original_article_text_phase2"),
                    url=row.get("article_origin_url_phase1"),
                    date=row.get("publish_date_phase2"),
                    stances=stances,
                    extra={
                        "claim": _opt(row.get("article_claim_phase1")),
                        "snopes_url": _opt(row.get("snopes_url_phase1")),
                        "snopes_title": _opt(row.get("article_title_phase1")),
                        "first_citation": _opt(row.get("page_is_first_citation_phase1")),
                        "category": _opt(row.get("article_category_phase1")),
                        "crawl_error": None if error in (None, "No Error") else error,
                    },
                )


def misinfotext_from_jsonl(row: Mapping[str, Any]) -> Record:
    row_id = str(row["id"])
    if row.get("subset") == "buzzfeed":
        return _misinfotext_buzzfeed_record(
            id=row_id, label=_clean(row.get("label")), text=row.get("text"), url=row.get("url"), site=row.get("source")
        )
    stances = {who: _opt(row.get(f"stance_{who}")) for who, _col in _STANCE_COLUMNS}
    return _misinfotext_snopes_record(
        id=row_id, label=_clean(row.get("label")).lower(), title=row.get("title"), text=row.get("text"),
        url=row.get("url"), date=row.get("date"), stances=stances,
        extra={
            "claim": _opt(row.get("claim")),
            "snopes_url": _opt(row.get("snopes_url")),
            "snopes_title": _opt(row.get("snopes_title")),
            "first_citation": _opt(row.get("first_citation")),
        },
    )


# --------------------------------------------------------------------------------------------
# SemEval-2019 Task 4 hyperpartisan (articles-*.xml + ground-truth-*.xml)
# --------------------------------------------------------------------------------------------

SEMEVAL = "semeval2019_hyperpartisan_byarticle"


def _semeval_split(name: str) -> str:
    part = "train" if "training" in name else "validation" if "validation" in name else "test"
    return f"{part}-{'byarticle' if 'byarticle' in name else 'bypublisher'}"


def _semeval_record(*, id: str, label: str | None, title: Any, text: Any, url: Any, date: Any, split: str | None) -> Record:
    url = _opt(url)
    domain = domain_of(url)
    return Record(
        id=id,
        text=_clean(text),
        dataset=SEMEVAL,
        title=_clean(title),
        label=_map_label(SEMEVAL, id, label, SEMEVAL_LABELS),
        original_label=label,
        source=domain,
        domain=domain,
        url=url,
        date=iso_date(date),
        group=domain,
        subset=split,
    )


def read_semeval_hyperpartisan(path: str | Path) -> Iterator[Record]:
    """SemEval-2019 hyperpartisan: ``articles-*.xml`` joined to ``ground-truth-*.xml`` by id.

    The text is all of the article's XML text with whitespace collapsed (as in the task's own
    tooling); streamed with ``iterparse`` because the by-publisher files are huge.
    """
    for file in _files(path, "articles-*.xml", "SemEval hyperpartisan articles"):
        truth_file = file.with_name("ground-truth-" + file.name[len("articles-") :])
        truth: dict[str, tuple[str | None, str | None]] = {}
        if truth_file.exists():
            for _event, el in ET.iterparse(truth_file):
                if el.tag == "article":
                    flag = (el.get("hyperpartisan") or "").lower()
                    word = {"true": "hyperpartisan", "false": "not-hyperpartisan"}.get(flag)
                    truth[el.get("id", "")] = (word, el.get("url"))
                    el.clear()
        split = _semeval_split(file.name)
        for _event, el in ET.iterparse(file):
            if el.tag != "article":
                continue
            art_id = el.get("id", "")
            word, url = truth.get(art_id, (None, None))
            yield _semeval_record(
                id=art_id,
                label=word,
                title=el.get("title"),
                text=" ".join("".join(el.itertext()).split()),
                url=url,
                date=el.get("published-at"),
                split=split,
            )
            el.clear()  # keep memory flat on the 750k-article by-publisher files


def semeval_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _semeval_record(
        id=str(row["id"]), label=_opt(row.get("label")), title=row.get("title"), text=row.get("text"),
        url=row.get("url"), date=row.get("date"), split=_opt(row.get("split")),
    )


# --------------------------------------------------------------------------------------------
# CoAID (<snapshot>/News{Fake,Real}COVID-19.csv and Claim{Fake,Real}COVID-19.csv)
# --------------------------------------------------------------------------------------------

COAID = "coaid"
COAID_CLAIMS = "coaid_claims"
_COAID_NAME = re.compile(r"^(News|Claim)(Fake|Real)COVID-19\.csv$")


def _coaid_id(snapshot: str, label: str, index: str) -> str:
    # The upstream row index restarts in each Fake/Real file, so "05-01-2020/0" is both a fake
    # and a real item; the label makes the id unique.
    return f"{snapshot}/{label}/{index}"


def _coaid_news_record(
    *, snapshot: str, label: str, index: str, title: Any, content: Any, news_url: Any, date: Any, extra: dict[str, Any]
) -> Record:
    row_id = _coaid_id(snapshot, label, index)
    url = _opt(news_url)
    domain = domain_of(url)
    return Record(
        id=row_id,
        text=_clean(content),
        dataset=COAID,
        title=_clean(title),
        label=_map_label(COAID, row_id, label, FAKE_REAL_LABELS),
        original_label=label,
        source=None,
        domain=domain,
        url=url,
        date=iso_date(date),
        group=domain,
        subset=snapshot,
        extra=extra,
    )


def _coaid_claim_record(*, snapshot: str, label: str, index: str, text: Any, news_url: Any, site: Any) -> Record:
    row_id = _coaid_id(snapshot, label, index)
    url = _opt(news_url)
    domain = domain_of(url) or domain_of(site)
    return Record(
        id=row_id,
        text=_clean(text),
        dataset=COAID_CLAIMS,
        title="",
        label=_map_label(COAID_CLAIMS, row_id, label, FAKE_REAL_LABELS),
        original_label=label,
        source=_opt(site),
        domain=domain,
        url=url,
        group=domain,
        subset=snapshot,
    )


def _coaid_files(path: str | Path, kind: str) -> Iterator[tuple[Path, str, str]]:
    for file in _files(path, f"{kind}*COVID-19.csv", f"CoAID {kind} CSVs"):
        m = _COAID_NAME.match(file.name)
        if not m or m.group(1) != kind:
            continue
        yield file, file.parent.name, m.group(2).lower()


def read_coaid_news(path: str | Path) -> Iterator[Record]:
    """CoAID news (articles and social posts): title + scraped ``content`` (lower-cased upstream)."""
    for file, snapshot, label in _coaid_files(path, "News"):
        for _line, row in _csv_dicts(_read_text(file), str(file)):
            yield _coaid_news_record(
                snapshot=snapshot, label=label, index=row[""].strip(), title=row.get("title"),
                content=row.get("content"), news_url=row.get("news_url"), date=row.get("publish_date"),
                extra={"type": _opt(row.get("type")), "fact_check_url": _opt(row.get("fact_check_url"))},
            )


def read_coaid_claims(path: str | Path) -> Iterator[Record]:
    """CoAID claims: one short claim per row (``title`` column); ``source`` is the fact-checking site."""
    for file, snapshot, label in _coaid_files(path, "Claim"):
        for _line, row in _csv_dicts(_read_text(file), str(file)):
            yield _coaid_claim_record(
                snapshot=snapshot, label=label, index=row[""].strip(), text=row.get("title"),
                news_url=row.get("news_url"), site=row.get("fact_check_url"),
            )


def _coaid_index(row: Mapping[str, Any]) -> str:
    # data.jsonl ids are "<snapshot>/<upstream index>" (not unique, see _coaid_id)
    return str(row["id"]).rsplit("/", 1)[-1]


def coaid_news_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _coaid_news_record(
        snapshot=str(row["snapshot"]), label=_clean(row.get("label")), index=_coaid_index(row),
        title=row.get("title"), content=row.get("text"), news_url=row.get("news_url"), date=row.get("date"),
        extra={"type": _opt(row.get("type")), "fact_check_url": _opt(row.get("fact_check_url"))},
    )


def coaid_claims_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _coaid_claim_record(
        snapshot=str(row["snapshot"]), label=_clean(row.get("label")), index=_coaid_index(row),
        text=row.get("text"), news_url=row.get("news_url"), site=row.get("fact_check_url"),
    )


# --------------------------------------------------------------------------------------------
# FakeNewsCorpus 250-row sample (news_sample.csv): domain-level tags only, so label=None
# --------------------------------------------------------------------------------------------

FAKENEWSCORPUS = "fakenewscorpus_sample"


def _fakenewscorpus_record(*, id: str, type_: Any, title: Any, text: Any, url: Any, site: Any, extra: dict[str, Any]) -> Record:
    original = _opt(type_)
    url = _opt(url)
    domain = domain_of(url) or domain_of(site)
    return Record(
        id=id,
        text=_clean(text),
        dataset=FAKENEWSCORPUS,
        title=_clean(title),
        label=_map_label(FAKENEWSCORPUS, id, original, OPENSOURCES_LABELS),
        original_label=original,
        source=_opt(site),
        domain=domain,
        url=url,
        group=domain,
        extra=extra,
    )


def read_fakenewscorpus_sample(path: str | Path) -> Iterator[Record]:
    """FakeNewsCorpus ``news_sample.csv``; ``type`` is the OpenSources tag of the domain."""
    for file in _files(path, "news_sample.csv", "FakeNewsCorpus sample"):
        for _line, row in _csv_dicts(_read_text(file), str(file)):
            yield _fakenewscorpus_record(
                id=row["id"].strip(), type_=row.get("type"), title=row.get("title"), text=row.get("content"),
                url=row.get("url"), site=row.get("domain"),
                extra={"scraped_at": _opt(row.get("scraped_at")), "authors": _opt(row.get("authors"))},
            )


def fakenewscorpus_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _fakenewscorpus_record(
        id=str(row["id"]), type_=row.get("label"), title=row.get("title"), text=row.get("text"), url=row.get("url"),
        site=row.get("source"),
        extra={"scraped_at": _opt(row.get("scraped_at")), "authors": _opt(row.get("authors"))},
    )


# --------------------------------------------------------------------------------------------
# CLIMATE-FEVER (dataset/climate-fever.jsonl): climate claims + 5 Wikipedia evidence sentences
# --------------------------------------------------------------------------------------------

CLIMATE_FEVER = "climate_fever"

#: The claim label aggregates the evidence labels.  REFUTES = the evidence contradicts the claim
#: (unreliable), SUPPORTS = it backs it (reliable).  NOT_ENOUGH_INFO says nothing about the claim
#: and DISPUTED means evidence both ways: neither is a verdict, so both are left out.
CLIMATE_FEVER_LABELS: Mapping[str, str | None] = MappingProxyType(
    {"SUPPORTS": RELIABLE, "REFUTES": UNRELIABLE, "NOT_ENOUGH_INFO": None, "DISPUTED": None}
)


def _climate_fever_record(*, id: str, label: str, claim: Any, evidences: list[dict[str, Any]]) -> Record:
    return Record(
        id=id,
        text=_clean(claim),
        dataset=CLIMATE_FEVER,
        title="",
        label=_map_label(CLIMATE_FEVER, id, label, CLIMATE_FEVER_LABELS),
        original_label=label,
        group=None,  # no speaker, publisher or official split
        extra={"evidences": evidences},
    )


def read_climate_fever(path: str | Path) -> Iterator[Record]:
    """CLIMATE-FEVER ``climate-fever.jsonl``: one claim per line; evidences kept in ``extra``."""
    for file in _files(path, "climate-fever*.jsonl", "CLIMATE-FEVER jsonl"):
        for _line, row in iter_jsonl(file):
            yield _climate_fever_record(
                id=str(row["claim_id"]), label=_clean(row.get("claim_label")), claim=row.get("claim"),
                evidences=[
                    {"id": e.get("evidence_id"), "label": e.get("evidence_label"), "article": e.get("article"),
                     "text": e.get("evidence")}
                    for e in row.get("evidences") or []
                ],
            )


def climate_fever_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _climate_fever_record(
        id=str(row["id"]), label=_clean(row.get("label")), claim=row.get("text"),
        evidences=[{k: e.get(k) for k in ("id", "label", "article", "text")} for e in row.get("evidences") or []],
    )


# --------------------------------------------------------------------------------------------
# LIAR-PLUS v2 val2/test2 (dataset/tsv/{val2,test2}.tsv: row index + 14 LIAR columns + justification)
# --------------------------------------------------------------------------------------------

LIAR_PLUS = "liar_plus_partial"


def _liar_plus_record(*, id: str, label: str, statement: Any, justification: Any, speaker: Any, split: str | None,
                      extra: dict[str, Any]) -> Record:
    # LIAR's record (speaker only in raw/: data.jsonl has no speaker column), plus the PolitiFact
    # verdict article's sentences about the claim (they may leak the verdict).
    return _liar_record(id=id, label=label, statement=statement, speaker=speaker, split=split,
                        extra={"justification": _clean(justification), **extra}, dataset=LIAR_PLUS)


def _unquote(field: str) -> str:
    """A CSV-quoted field (``"a ""b"" c"`` -> ``a "b" c``) as its text; others unchanged."""
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def _liar_plus_rows(text: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, 16 fields) of a LIAR-PLUS TSV, read line by line.

    Not ``csv.reader``: test2.tsv has 16 records whose justification holds a bare newline and
    stray quote characters, and CSV quote handling then swallows lines, losing 16 records and
    attaching later rows' justifications to about 700 claims (the flattened data.jsonl has
    exactly that damage).  Here a line with fewer than 16 tab-separated fields continues on the
    next line, and each field is un-quoted CSV-style: 1284 + 1283 records, each justification
    with its own claim.
    """
    pending: list[str] | None = None
    start = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if pending is None:
            if not line.strip():
                continue
            fields, start = line.split("\t"), lineno
        else:
            more = line.split("\t")
            fields = pending[:-1] + [pending[-1] + "\n" + more[0]] + more[1:]
        if len(fields) < 16:
            pending = fields
            continue
        pending = None
        if len(fields) != 16:
            raise MalformedRowError(f"{where}: line {start}: expected 16 fields, got {len(fields)}", path=where, line=start)
        yield start, [_unquote(f) for f in fields]
    if pending is not None:
        raise MalformedRowError(f"{where}: line {start}: record cut short ({len(pending)} fields)", path=where, line=start)


def read_liar_plus(path: str | Path) -> Iterator[Record]:
    """LIAR-PLUS ``val2.tsv``/``test2.tsv``; split from the file name into ``subset``.

    1284 + 1283 rows (the flattened copy has 1267 test2 rows, many with another claim's
    justification: see :func:`_liar_plus_rows`).  The ids are LIAR's: the same claims.
    """
    for file in _files(path, "*.tsv", "LIAR-PLUS TSVs"):
        split = file.stem.lower()
        for _line, row in _liar_plus_rows(_read_text(file), str(file)):
            yield _liar_plus_record(
                id=row[1].strip(), label=row[2].strip(), statement=row[3], justification=row[15], speaker=row[5],
                split=split,
                extra={"subjects": [s for s in row[4].split(",") if s], "party": _opt(row[8]), "context": _opt(row[14])},
            )


def liar_plus_from_jsonl(row: Mapping[str, Any]) -> Record:
    return _liar_plus_record(
        id=str(row["id"]), label=_clean(row.get("label")), statement=row.get("text"),
        justification=row.get("justification"), speaker=None, split=_opt(row.get("split")), extra={},
    )


def iter_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, object) of a flattened ``data.jsonl``; a bad line names file and line."""
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(decode_bytes(raw))
            except json.JSONDecodeError as exc:
                raise MalformedRowError(f"{path}: line {lineno}: invalid JSON ({exc.msg})", path=str(path), line=lineno) from exc
            if not isinstance(obj, dict):
                raise MalformedRowError(f"{path}: line {lineno}: expected a JSON object", path=str(path), line=lineno)
            yield lineno, obj
