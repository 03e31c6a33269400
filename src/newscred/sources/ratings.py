"""The source verdict: what published rating lists say about the site an article comes from.

>>> from newscred.sources import SourceRatings
>>> v = SourceRatings.default().lookup("https://www.reuters.com/world/some-story")
>>> v.label, v.score, [r.list for r in v.ratings]
('high', 0.9375, ['lin2023', 'baly_mbfc'])

The source verdict is kept separate from the content verdict on purpose: a faithful wire story
republished on a junk site, or a poor article on a reputable one, should show both facts side
by side rather than one averaged number.

Bundled lists (``sources/data/``, built by ``scripts/build_source_tables.py``; origins, dates and
licences in ``sources/data/SOURCES.md``):

* ``lin2023``: Lin et al. 2023 (PNAS Nexus) ensemble quality ``pc1`` for 11,520 domains;
* ``baly_mbfc``: Media Bias/Fact Check factuality (low/mixed/high) and bias as collected by Baly
  et al. (EMNLP 2018 and ACL 2020 snapshots; the 2020 label is used when both exist);
* ``opensources``: the 2017 OpenSources.co category tags (fake, satire, bias, conspiracy, ...).

Matching, per list: an entry for a section of the site (``cato.org/blog``) when the URL's path
is inside it, else the full host without ``www.``, else each parent host down to the
registrable domain (``espn.go.com`` → ``go.com``; the rating then names the entry it came
from).  A subdomain of a platform anyone can publish on (``someone.wordpress.com``) never
inherits the platform's rating, and a page on such a platform (``youtube.com/watch?...``) is not
rated by the platform's rating either (see ``UGC_PLATFORMS``).

**The aggregate rule** (``AGGREGATE_RULE``; the same text is in SOURCES.md):

1. Each list that has the site gives at most one normalised score in [0, 1]:

   * ``lin2023``: ``pc1`` as published (0 lowest quality, 1 highest);
   * ``baly_mbfc``: MBFC factuality, placed on MBFC's five-step scale very low 0, low 0.25,
     mixed 0.5, high 0.75, very high 1; the corpus has three classes, each the merge of one or two
     steps, so ``low`` → 0.125, ``mixed`` → 0.5, ``high`` → 0.875 (bias is reported, never scored);
   * ``opensources``: the most severe of the domain's tags: fake, conspiracy, junksci → 0.1;
     unreliable, bias, clickbait, hate, rumor, state → 0.3; political → 0.5; reliable → 0.9;
     ``satire`` (and the stray ``blog`` tag) give **no score** and a note instead — satire is not
     fake news, and a satire tag is never averaged in as if it were.

2. The aggregate score is the mean of the available scores; the label is ``high`` when the score
   is >= 0.7, ``low`` when it is < 0.4, ``mixed`` otherwise, and ``unknown`` (score ``None``)
   when no list scores the site.  Unknown is not the same as reliable.

3. A user ratings file (``with_overrides``) takes precedence: when its row for the site gives a
   score, a label or a scored category, that alone decides the aggregate (a label without a score
   counts as high 0.875, mixed 0.5, low 0.125; a score without a label is labelled by the
   thresholds above).  The lists' ratings are still reported beside it, as list ``"user"``
   first.  A row with only a note or an unscored category (satire) adds its note and leaves the
   aggregate to the lists.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import (
    CorruptArtifactError,
    EmptyInputError,
    EncodingError,
    InputError,
    MalformedRowError,
    MissingColumnError,
    UnsupportedFormatError,
)
from .domains import DATA_DIR, NEWS_AGGREGATORS, UGC_PLATFORMS, parse_source, psl_version

__all__ = [
    "AGGREGATE_RULE",
    "Aggregate",
    "HIGH_AT",
    "LISTS",
    "LOW_BELOW",
    "MBFC_FACT_SCORES",
    "OPENSOURCES_SCORES",
    "Rating",
    "SourceRatings",
    "SourceVerdict",
    "USER_RULE",
    "label_for_score",
    "normalise_list_key",
]

LISTS: tuple[str, ...] = ("lin2023", "baly_mbfc", "opensources")
#: how each list is named in sentences people read
LIST_TITLES: dict[str, str] = {"lin2023": "Lin et al. 2023", "baly_mbfc": "Media Bias/Fact Check (2018-2020)",
                               "opensources": "OpenSources (2017)"}
TABLE_FILES: dict[str, str] = {name: f"{name}.csv" for name in LISTS}
MANIFEST_FILE = "manifest.json"

HIGH_AT = 0.7
LOW_BELOW = 0.4
MBFC_FACT_SCORES: dict[str, float] = {"low": 0.125, "mixed": 0.5, "high": 0.875}
LABEL_SCORES: dict[str, float] = {"low": 0.125, "mixed": 0.5, "high": 0.875}
OPENSOURCES_SCORES: dict[str, float] = {
    "fake": 0.1,
    "conspiracy": 0.1,
    "junksci": 0.1,
    "unreliable": 0.3,
    "bias": 0.3,
    "clickbait": 0.3,
    "hate": 0.3,
    "rumor": 0.3,
    "state": 0.3,
    "political": 0.5,
    "reliable": 0.9,
}
UNSCORED_CATEGORIES = frozenset({"satire", "blog"})
#: Spellings found in the OpenSources file (and likely in users' files) and what they mean.
CATEGORY_ALIASES: dict[str, str] = {
    "fake news": "fake",
    "satirical": "satire",
    "unrealiable": "unreliable",
    "junk science": "junksci",
    "conspiracy theory": "conspiracy",
    "clickbait": "clickbait",
    "click bait": "clickbait",
    "state media": "state",
}

AGGREGATE_RULE = (
    "mean of the lists' scores (lin2023 pc1 as is; MBFC factuality low 0.125, mixed 0.5, high 0.875; "
    "OpenSources most severe tag: fake/conspiracy/junksci 0.1, unreliable/bias/clickbait/hate/rumor/state 0.3, "
    "political 0.5, reliable 0.9, satire none); high >= 0.7, low < 0.4, mixed otherwise; unknown without a score"
)
USER_RULE = (
    "your ratings file takes precedence: its score (or label: high 0.875, mixed 0.5, low 0.125) replaces the "
    "lists' mean; high >= 0.7, low < 0.4, mixed otherwise"
)

# Last segments of a path that only name a home page, and single segments that only name a
# language edition: such an entry stands for the whole host when the list has no other entry for it.
_INDEX_SEGMENTS = frozenset({"index", "home", "main_page", "h", "amp", "default"})
_EDITION_SEGMENTS = frozenset({"en", "eng", "english", "inenglish", "international", "us", "ushome"})


def label_for_score(score: float | None) -> str:
    """``high`` (>= 0.7), ``low`` (< 0.4), ``mixed`` otherwise, ``unknown`` for None."""
    if score is None:
        return "unknown"
    if score >= HIGH_AT:
        return "high"
    if score < LOW_BELOW:
        return "low"
    return "mixed"


def normalise_category(word: str) -> str:
    w = " ".join(word.strip().lower().split())
    return CATEGORY_ALIASES.get(w, w)


def categories_score(categories: Iterable[str]) -> float | None:
    """The most severe scored category (lowest score), or None when none is scored."""
    scores = [OPENSOURCES_SCORES[c] for c in categories if c in OPENSOURCES_SCORES]
    return min(scores) if scores else None


@dataclass(frozen=True)
class ListKey:
    """A rating list's key: a host (without ``www.``) and, for a section of a site, a path."""

    host: str
    path: str = ""  # "" or "/a/b", lower case, no trailing slash
    root_equivalent: bool = True  # path only names a home page or a language edition

    @property
    def key(self) -> str:
        return self.host + self.path


def normalise_list_key(raw: str) -> ListKey | None:
    """How a list entry (``www.Example.com/en/``, ``https://x.org/blog``) becomes a key, or None."""
    if not isinstance(raw, str):
        return None
    text = "".join(raw.split())  # "Silver-Coin-Investor. com" -> "silver-coin-investor.com"
    parsed = parse_source(text)
    if not parsed.valid or parsed.wrapper or parsed.site is None:
        return None
    host = parsed.site
    segments = [s for s in parsed.path.split("/") if s]
    while segments and _is_index(segments[-1]):
        segments.pop()
    if segments == ["wiki"]:  # a wiki's /wiki/Main_Page
        segments = []
    root = not segments or (len(segments) == 1 and _strip_ext(segments[0]) in _EDITION_SEGMENTS)
    path = "/" + "/".join(segments) if segments else ""
    return ListKey(host=host, path=path, root_equivalent=root)


def _strip_ext(segment: str) -> str:
    for ext in (".html", ".htm", ".shtml", ".aspx", ".asp", ".php"):
        if segment.endswith(ext):
            return segment[: -len(ext)]
    return segment


def _is_index(segment: str) -> bool:
    return _strip_ext(segment) in _INDEX_SEGMENTS


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Rating:
    """One list's rating of the site: its own values (``fields``) and a normalised ``score``."""

    list: str
    list_date: str | None
    matched: str
    score: float | None
    fields: tuple[tuple[str, Any], ...] = ()
    url_of_list: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.fields).get(name, default)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"list": self.list, "list_date": self.list_date, "matched": self.matched}
        for key, value in self.fields:
            out[key] = list(value) if isinstance(value, tuple) else value
        out["score"] = None if self.score is None else round(self.score, 4)
        out["url_of_list"] = self.url_of_list
        return out


@dataclass(frozen=True)
class Aggregate:
    score: float | None
    label: str  # high | mixed | low | unknown
    rule: str
    components: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": None if self.score is None else round(self.score, 4),
            "label": self.label,
            "rule": self.rule,
            "components": [{"list": name, "score": round(score, 4)} for name, score in self.components],
        }


@dataclass(frozen=True)
class SourceVerdict:
    """What the rating lists say about the site of one URL or domain.

    ``domain`` is the registrable domain (None when the input is not a host or URL), ``host`` the
    host looked up (without ``www.``), ``notes`` plain-language caveats, and ``flags`` short
    machine-readable tags that mirror them: ``satire``, ``shortener``, ``archived`` (an archive
    link was unwrapped, or could not be), ``wrapped`` (a Google AMP link was unwrapped),
    ``ugc_platform``, ``aggregator`` (a story on a news aggregator: its rating is not applied), ``parent_domain`` (rated through the registrable domain),
    ``site_section`` (rated through an entry for a section of the site), ``user_override``,
    ``lists_disagree`` (scores 0.5 or more apart) and ``invalid``.
    """

    input: str
    domain: str | None
    host: str | None
    ratings: tuple[Rating, ...]
    aggregate: Aggregate
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.aggregate.label

    @property
    def score(self) -> float | None:
        return self.aggregate.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "domain": self.domain,
            "host": self.host,
            "ratings": [r.to_dict() for r in self.ratings],
            "aggregate": self.aggregate.to_dict(),
            "notes": list(self.notes),
            "flags": list(self.flags),
        }


# --------------------------------------------------------------------------------------------
# Tables


@dataclass
class _Table:
    name: str
    meta: dict[str, Any]
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    paths: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, key: ListKey, row: dict[str, Any]) -> None:
        if key.path:
            entries = self.paths.setdefault(key.host, [])
            entries[:] = [(p, r) for p, r in entries if p != key.path]
            entries.append((key.path, row))
            entries.sort(key=lambda pr: (-len(pr[0]), pr[0]))
        else:
            self.hosts[key.host] = row

    def __len__(self) -> int:
        return len(self.hosts) + sum(len(v) for v in self.paths.values())

    def match(self, site: str, path: str, hosts: list[str]) -> tuple[str, dict[str, Any]] | None:
        if path:
            for entry_path, row in self.paths.get(site, ()):
                if path == entry_path or path.startswith(entry_path + "/"):
                    return site + entry_path, row
        for host in hosts:
            row = self.hosts.get(host)
            if row is not None:
                return host, row
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_bundled_table(data_dir: Path, name: str, meta: Mapping[str, Any]) -> _Table:
    path = data_dir / TABLE_FILES[name]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorruptArtifactError(f"bundled rating table {path} is missing ({exc.strerror})") from exc
    if meta.get("sha256") and _sha256(data) != meta["sha256"]:
        raise CorruptArtifactError(
            f"bundled rating table {path} does not match its sha256 in {MANIFEST_FILE}; "
            "rebuild it with scripts/build_source_tables.py"
        )
    table = _Table(name=name, meta=dict(meta))
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        key = row.pop("key")
        host, sep, path = key.partition("/")
        table.add(ListKey(host=host, path=sep + path if sep else ""), _parse_row(name, row))
    return table


def _parse_row(name: str, row: dict[str, str]) -> dict[str, Any]:
    if name == "lin2023":
        return {"pc1": float(row["pc1"])}
    if name == "baly_mbfc":
        return {k: v for k, v in row.items() if v}
    if name == "opensources":
        cats = tuple(c for c in row["categories"].split(";") if c)
        return {"categories": cats, "notes": row.get("notes") or ""}
    raise ValueError(name)  # pragma: no cover


def _list_rating(name: str, meta: Mapping[str, Any], matched: str, row: Mapping[str, Any]) -> Rating:
    url = meta.get("url_of_list")
    if name == "lin2023":
        pc1 = float(row["pc1"])
        return Rating("lin2023", meta.get("date"), matched, pc1, (("pc1", pc1),), url)
    if name == "baly_mbfc":
        snapshot = "acl2020" if row.get("acl2020_fact") else "emnlp18"
        fact = row[f"{snapshot}_fact"]
        fields: list[tuple[str, Any]] = [
            ("factuality", fact),
            ("bias", row.get(f"{snapshot}_bias")),
            ("snapshot", snapshot),
        ]
        if snapshot == "acl2020" and row.get("emnlp18_fact"):
            fields += [("factuality_2018", row["emnlp18_fact"]), ("bias_2018", row.get("emnlp18_bias"))]
        fields.append(("mbfc_page", row.get("mbfc_page")))
        date = "2020" if snapshot == "acl2020" else "2018"
        return Rating("baly_mbfc", date, matched, MBFC_FACT_SCORES.get(fact), tuple(fields), url)
    if name == "opensources":
        cats = tuple(row["categories"])
        fields = [("categories", cats)]
        if row.get("notes"):
            fields.append(("list_note", row["notes"]))
        return Rating("opensources", meta.get("date"), matched, categories_score(cats), tuple(fields), url)
    raise ValueError(name)  # pragma: no cover


def _user_rating(matched: str, row: Mapping[str, Any]) -> Rating:
    fields: list[tuple[str, Any]] = []
    for key in ("label", "category", "note", "file", "row"):
        value = row.get(key)
        if value not in (None, "", ()):
            fields.append((key, value))
    return Rating("user", None, matched, row.get("score"), tuple(fields), None)


# --------------------------------------------------------------------------------------------
# User overrides


def _read_overrides(path: str | os.PathLike[str]) -> _Table:
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"ratings file {p} does not exist or is not a file", path=str(p))
    suffix = p.suffix.lower()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"ratings file {p} is not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    rows: list[tuple[int, Mapping[str, Any]]]
    if suffix in (".csv", ".tsv", ".txt"):
        delimiter = "\t" if suffix == ".tsv" else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        columns = [c.strip().lower() for c in (reader.fieldnames or [])]
        if "domain" not in columns:
            raise MissingColumnError(
                f"ratings file {p} has no 'domain' column (columns: {', '.join(columns) or 'none'}); "
                "expected a header like: domain,score,label,category,note"
            )
        rows = []
        for i, raw in enumerate(reader, start=2):
            rows.append((i, {(k or "").strip().lower(): v for k, v in raw.items()}))
    elif suffix in (".json", ".jsonl"):
        try:
            if suffix == ".jsonl":
                data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedRowError(f"ratings file {p} is not valid JSON: {exc}") from exc
        if isinstance(data, dict):
            data = [{"domain": k, **(v if isinstance(v, dict) else {"score": v})} for k, v in data.items()]
        if not isinstance(data, list):
            raise MalformedRowError(f"ratings file {p}: expected a list of objects or an object keyed by domain")
        rows = []
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise MalformedRowError(f"ratings file {p} item {i}: expected an object with a 'domain' key")
            rows.append((i, {str(k).lower(): v for k, v in item.items()}))
    else:
        raise UnsupportedFormatError(f"ratings file {p}: use .csv, .tsv, .json or .jsonl (got '{suffix or 'none'}')")
    if not rows:
        raise EmptyInputError(f"ratings file {p} has no rows")

    table = _Table(name="user", meta={"file": str(p)})
    where = "row" if suffix in (".csv", ".tsv", ".txt") else "item"
    for n, raw in rows:
        table.add(*_override_row(p, where, n, raw))
    return table


def _override_row(p: Path, where: str, n: int, raw: Mapping[str, Any]) -> tuple[ListKey, dict[str, Any]]:
    def bad(msg: str) -> MalformedRowError:
        return MalformedRowError(f"ratings file {p} {where} {n}: {msg}", row=n)

    domain = str(raw.get("domain") or "").strip()
    key = normalise_list_key(domain) if domain else None
    if key is None:
        raise bad(f"'{domain}' is not a domain or URL" if domain else "the domain is empty")
    if key.root_equivalent and key.path:
        key = ListKey(key.host)

    score: float | None = None
    raw_score = raw.get("score")
    if raw_score not in (None, ""):
        try:
            score = float(str(raw_score).strip())
        except ValueError:
            raise bad(f"score '{raw_score}' is not a number") from None
        if not 0.0 <= score <= 1.0:
            raise bad(f"score {score} is outside 0..1")
    label = str(raw.get("label") or "").strip().lower() or None
    if label is not None and label not in LABEL_SCORES:
        raise bad(f"label '{label}' is not one of high, mixed, low")
    raw_cat = raw.get("category") or ""
    if isinstance(raw_cat, (list, tuple)):
        words = [str(c) for c in raw_cat]
    else:
        words = str(raw_cat).replace(",", ";").split(";")
    categories = tuple(dict.fromkeys(normalise_category(c) for c in words if c.strip()))
    note = str(raw.get("note") or "").strip() or None
    if score is None and label is None and not categories and not note:
        raise bad("give at least one of score, label, category, note")

    decided = score is not None or label is not None or categories_score(categories) is not None
    if score is None and label is not None:
        eff_score: float | None = LABEL_SCORES[label]
    elif score is None:
        eff_score = categories_score(categories)
    else:
        eff_score = score
    row = {
        "score": eff_score,
        "label": label or (label_for_score(eff_score) if eff_score is not None else None),
        "category": categories,
        "note": note,
        "file": str(p),
        "row": n,
        "decides": decided,
    }
    return key, row


def _merge_user(old: _Table | None, new: _Table) -> _Table:
    if old is None:
        return new
    merged = _Table(name="user", meta={"file": f"{old.meta.get('file')}; {new.meta.get('file')}"})
    for table in (old, new):
        for host, row in table.hosts.items():
            merged.add(ListKey(host), row)
        for host, entries in table.paths.items():
            for path, row in entries:
                merged.add(ListKey(host, path, False), row)
    return merged


# --------------------------------------------------------------------------------------------
# The lookup


class _Store:
    """The bundled tables of one folder, loaded once on first use and shared by every instance."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._tables: dict[str, _Table] | None = None
        self._manifest: dict[str, Any] | None = None

    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self.data_dir / MANIFEST_FILE
            try:
                self._manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CorruptArtifactError(f"cannot read the rating tables' manifest {path}: {exc}") from exc
        return self._manifest

    def tables(self) -> dict[str, _Table]:
        if self._tables is None:
            with self._lock:
                if self._tables is None:
                    lists = self.manifest().get("lists", {})
                    self._tables = {
                        name: _read_bundled_table(self.data_dir, name, lists[name]) for name in LISTS if name in lists
                    }
        return self._tables


class SourceRatings:
    """Bundled rating lists plus optional user overrides; ``lookup`` never raises on bad input.

    ``SourceRatings.default()`` is shared and loads the bundled tables on first use (a fraction
    of a second); ``from_dir(path)`` reads tables built elsewhere by
    ``scripts/build_source_tables.py``.  See the module docstring for the matching and
    aggregate rules.
    """

    _default: SourceRatings | None = None
    _default_lock = threading.Lock()

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *, _store: _Store | None = None,
                 _user: _Table | None = None) -> None:
        self._store = _store or _Store(Path(data_dir) if data_dir is not None else DATA_DIR)
        self._user = _user

    @property
    def data_dir(self) -> Path:
        return self._store.data_dir

    @classmethod
    def default(cls) -> SourceRatings:
        """The bundled lists, shared by every caller; nothing is read until the first lookup."""
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> SourceRatings:
        return cls(path)

    def with_overrides(self, path: str | os.PathLike[str]) -> SourceRatings:
        """A new instance whose user rows add to or override the lists (this one is unchanged).

        The file is CSV/TSV with a header (``domain`` required; ``score`` 0-1, ``label``
        high/mixed/low, ``category`` e.g. satire or fake, ``note``: any of them), or JSON: a list
        of such objects, or an object keyed by domain.  ``domain`` may be a host, a URL or a
        host with a path (a section of a site).  Rows of a later file replace those of an earlier
        one for the same domain, and within a file the last row for a domain wins.  Bad rows
        raise an error naming the file and row.
        """
        return SourceRatings(_store=self._store, _user=_merge_user(self._user, _read_overrides(path)))

    def manifest(self) -> dict[str, Any]:
        return self._store.manifest()

    def _load(self) -> dict[str, _Table]:
        return self._store.tables()

    def info(self) -> dict[str, Any]:
        """The bundled lists (name, date, entries, file size, licence, origin) and the PSL."""
        lists = []
        for name, meta in self.manifest().get("lists", {}).items():
            path = self.data_dir / meta.get("file", TABLE_FILES.get(name, ""))
            lists.append({"list": name, **meta, "bytes_on_disk": path.stat().st_size if path.is_file() else None})
        out: dict[str, Any] = {"lists": lists, "public_suffix_list": psl_version(), "aggregate_rule": AGGREGATE_RULE}
        if self._user is not None:
            out["user"] = {"file": self._user.meta.get("file"), "entries": len(self._user)}
        return out

    # -- lookup -----------------------------------------------------------------------------

    def lookup_many(self, inputs: Iterable[str]) -> list[SourceVerdict]:
        return [self.lookup(x) for x in inputs]

    def lookup(self, url_or_domain: str) -> SourceVerdict:
        """The ratings of the site of a URL or domain, with the aggregate and notes."""
        text = url_or_domain if isinstance(url_or_domain, str) else repr(url_or_domain)
        parsed = parse_source(url_or_domain)
        if not parsed.valid or parsed.site is None:
            return SourceVerdict(
                input=text,
                domain=None,
                host=None,
                ratings=(),
                aggregate=Aggregate(None, "unknown", AGGREGATE_RULE),
                notes=("not a domain or URL: nothing to look up",),
                flags=("invalid",),
            )
        tables = self._load()
        site, domain, path = parsed.site, parsed.domain, parsed.path
        notes: list[str] = []
        flags: list[str] = []

        hosts = _candidate_hosts(site, domain)
        on_platform = domain in UGC_PLATFORMS
        platform_page = on_platform and (site != domain or bool(path.strip("/")))
        if platform_page:
            hosts = [h for h in hosts if h != domain]
        aggregated = site in NEWS_AGGREGATORS and bool(path.strip("/"))
        if aggregated:  # a story on news.google.com is someone else's: its rating is not the publisher's
            hosts = []

        ratings: list[Rating] = []
        user_row: dict[str, Any] | None = None
        if self._user is not None:
            hit = self._user.match(site, path, hosts)
            if hit is not None:
                user_row = hit[1]
                ratings.append(_user_rating(hit[0], hit[1]))
        skipped_platform: list[str] = []
        sections: list[str] = []
        for name in LISTS:
            table = tables.get(name)
            if table is None:
                continue
            hit = table.match(site, path, hosts)
            if hit is None:
                if platform_page and domain is not None and domain in table.hosts:
                    skipped_platform.append(name)
                if site in table.paths:
                    sections += [site + p for p, _ in table.paths[site][:3]]
                continue
            ratings.append(_list_rating(name, table.meta, hit[0], hit[1]))

        # --- aggregate ---
        list_scores = [(r.list, r.score) for r in ratings if r.list != "user" and r.score is not None]
        if user_row is not None and user_row.get("decides"):
            score = user_row["score"]
            aggregate = Aggregate(
                score, user_row["label"] or label_for_score(score), USER_RULE, (("user", score),) if score is not None else ()
            )
            flags.append("user_override")
            notes.append(f"your ratings file ({Path(user_row['file']).name}, row {user_row['row']}) decides the aggregate")
        else:
            score = sum(s for _, s in list_scores) / len(list_scores) if list_scores else None
            aggregate = Aggregate(score, label_for_score(score), AGGREGATE_RULE, tuple((n, s) for n, s in list_scores))
        if user_row is not None and user_row.get("note"):
            notes.append(f"your note: {user_row['note']}")

        # --- notes ---
        self._notes_for(parsed, ratings, list_scores, aggregate, skipped_platform, sections, notes, flags)
        return SourceVerdict(
            input=text,
            domain=domain or site,
            host=site,
            ratings=tuple(ratings),
            aggregate=aggregate,
            notes=tuple(dict.fromkeys(notes)),
            flags=tuple(dict.fromkeys(flags)),
        )

    @staticmethod
    def _notes_for(
        parsed: Any,
        ratings: list[Rating],
        list_scores: list[tuple[str, float]],
        aggregate: Aggregate,
        skipped_platform: list[str],
        sections: list[str],
        notes: list[str],
        flags: list[str],
    ) -> None:
        site, domain = parsed.site, parsed.domain
        aggregated = site in NEWS_AGGREGATORS and bool(parsed.path.strip("/"))
        if parsed.shortener:
            flags.append("shortener")
            msg = f"shortener: {domain} is a link shortener, so the real publisher is unknown; expand the link and look up where it leads"
            if parsed.shortener_of:
                msg += f" ({domain} is the branded shortener of {parsed.shortener_of}: look that up if the link is theirs)"
            notes.append(msg)
        if parsed.wrapper:
            flags.append("archived" if "archive" in parsed.wrapper else "wrapped")
            if parsed.wrapped_target:
                notes.append(f"{parsed.wrapper} link: rated the original publisher {site}, not the archive")
            else:
                notes.append(
                    f"{parsed.wrapper} link without the original URL in it: the real publisher is unknown; "
                    "open the snapshot to see which site it copies"
                )
        # Satire: never scored, always said.
        for r in ratings:
            cats = tuple(r.get("categories") or r.get("category") or ())
            if "satire" in cats:
                flags.append("satire")
                if any(OPENSOURCES_SCORES.get(c, 1) <= 0.1 for c in cats):
                    notes.append(
                        f"{r.list} tags {r.matched} both satire and {'/'.join(c for c in cats if OPENSOURCES_SCORES.get(c, 1) <= 0.1)}: "
                        "its score uses the latter tag; satire alone would add no score"
                    )
                else:
                    msg = (
                        f"satire site: {LIST_TITLES.get(r.list, r.list)} tags {r.matched} as satire, which is not the same as fake "
                        "(jokes that say they are jokes); the satire tag adds no score"
                    )
                    if any(s < LOW_BELOW for n, s in list_scores):
                        msg += "; the low scores from other lists reflect that its stories are not literally true"
                    notes.append(msg)
        if aggregated:
            flags.append("aggregator")
            notes.append(f"{site} is a news aggregator: the page shows or links to another publisher's story, so the "
                         "publisher is unknown and the aggregator's own rating is not applied; open the story and look up "
                         "the site it comes from")
        if domain in UGC_PLATFORMS:
            flags.append("ugc_platform")
            if skipped_platform:
                notes.append(
                    f"{domain} is a platform anyone can publish on: its rating by {', '.join(skipped_platform)} is of the "
                    f"platform as a whole and is not applied to this page or account; the publisher is unknown"
                )
            elif any(r.matched == domain for r in ratings):
                notes.append(
                    f"{domain} is a platform anyone can publish on: ratings of it are of the platform, "
                    "not of whoever posted a given page"
                )
        parents = sorted({r.matched for r in ratings if "/" not in r.matched and r.matched != site})
        if parents:
            flags.append("parent_domain")
            lists = ", ".join(LIST_TITLES.get(r.list, r.list) for r in ratings if r.matched in parents)
            notes.append(f"{site} has no entry of its own in {lists}: rated as {', '.join(parents)}")
        path_hits = [r for r in ratings if "/" in r.matched]
        if path_hits:
            flags.append("site_section")
            notes.append(
                "rated by the list entry for this section of the site: "
                + ", ".join(f"{r.list} {r.matched}" for r in path_hits)
            )
        if sections:
            notes.append(
                "some lists rate only sections of this site (" + ", ".join(dict.fromkeys(sections)) + "); "
                "give the full URL of a page under one of them to use that rating"
            )
        for r in ratings:
            if r.list == "baly_mbfc" and r.get("factuality_2018") and r.get("factuality_2018") != r.get("factuality"):
                notes.append(
                    f"MBFC factuality changed from {r.get('factuality_2018')} (2018) to {r.get('factuality')} (2020); the 2020 label is used"
                )
        if len(list_scores) >= 2:
            scores = [s for _, s in list_scores]
            if max(scores) - min(scores) >= 0.5:
                flags.append("lists_disagree")
                notes.append(
                    "the lists disagree ("
                    + ", ".join(f"{n} {s:.2f}" for n, s in list_scores)
                    + "): read the individual ratings rather than the mean"
                )
        if len(list_scores) == 1 and list_scores[0][0] == "opensources" and aggregate.rule == AGGREGATE_RULE:
            notes.append("only the frozen 2017 OpenSources list scores this site; sites change, treat it as dated")
        publisher_unknown = parsed.shortener or not parsed.wrapped_target or bool(skipped_platform) or aggregated
        if not ratings and not publisher_unknown:
            notes.append(
                f"no bundled list rates {site}: unknown is not the same as reliable (most small or new sites are on no list)"
            )
        elif ratings and aggregate.score is None:
            notes.append("the lists that have this site give it no score, so the aggregate is unknown")


def _candidate_hosts(site: str, domain: str | None) -> list[str]:
    """``a.b.example.co.uk`` → [a.b.example.co.uk, b.example.co.uk, example.co.uk]."""
    if domain is None or domain == site or not site.endswith("." + domain):
        return [site]
    labels = site.split(".")
    stop = len(domain.split("."))
    return [".".join(labels[i:]) for i in range(0, len(labels) - stop + 1)]
