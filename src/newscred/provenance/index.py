"""A republication index: which known article is this text copied from, and how much of it?

Documents are stored in one SQLite file as their 5-word shingles (on normalised text, so a
lower-cased, punctuation-stripped copy matches its original), a MinHash signature
(:mod:`datasketch`), LSH band keys and a fixed 1-in-8 sample of shingle hashes, all in tables, so
a query reads only the rows it needs and never rebuilds anything in memory::

    meta(key, value)                    schema version, num_perm, bands x rows, threshold ...
    documents(doc, id, source, url, title, n_shingles)
    signatures(doc, minhash BLOB, shingles BLOB)   uint32 MinHash values, sorted uint64 shingle hashes
    bands(key, doc)                     LSH: one row per band of each signature
    samples(hash, doc)                  shingle hashes with hash % 8 == 0 (containment candidates)

A query gathers candidates from the LSH bands (estimated Jaccard near or above ``threshold``) and
from the sampled shingles (a short excerpt of a long article has a low Jaccard but shares its
sampled shingles), then scores each candidate exactly: ``similarity`` is the MinHash estimate of
the Jaccard similarity, ``contained_share`` the share of the query's shingles found in the match
("how much of this article is copied"), ``source_share`` the share of the match found in the query.

Consistency: :meth:`RepublicationIndex.build` writes a temporary file next to ``path`` and renames
it over ``path`` only when complete, so an interrupted build never leaves a half index at ``path``
(and it never replaces a file that is not a republication index);
:meth:`RepublicationIndex.add` is one transaction.  The schema version is stored and an index
written by an unknown version is refused with :class:`IndexVersionError`.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..errors import (  # noqa: F401  (the index errors are re-exported from here)
    CorruptArtifactError,
    CorruptIndexError,
    DataError,
    IncompatibleArtifactError,
    IndexNotFoundError,
    IndexVersionError,
    InputError,
    OutputExistsError,
    require,
)
from ..text.normalise import Token, tokenize

__all__ = [
    "SCHEMA_VERSION",
    "CorruptIndexError",
    "IndexNotFoundError",
    "IndexVersionError",
    "Match",
    "RepublicationIndex",
    "shingle_hashes",
]

SCHEMA_VERSION = 1
SHINGLE = 5
_SAMPLE_MOD = 8
_MAGIC = "newscred-republication-index"
_MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Match:
    """One indexed document that the query text copies (or is copied from)."""

    id: str
    source: str | None
    url: str | None
    title: str | None
    similarity: float  # estimated Jaccard similarity of 5-word shingle sets (MinHash)
    contained_share: float  # share of the query's shingles found in this document
    source_share: float = 0.0  # share of this document's shingles found in the query
    copied_spans: tuple[tuple[int, int], ...] = field(default=())  # character spans of the query

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["copied_spans"] = [list(s) for s in self.copied_spans]
        return out


# ----------------------------------------------------------------------------------------------
# Shingles and MinHash
# ----------------------------------------------------------------------------------------------


def shingle_hashes(words: Sequence[str]) -> np.ndarray:
    """64-bit hashes of the 5-word shingles of ``words``, in order (one per start position).

    A text of fewer than 5 words has one shingle, the whole text.
    """
    if not words:
        return np.zeros(0, dtype=np.uint64)
    if len(words) < SHINGLE:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )


def _identity(value: Any) -> int:
    return int(value)


class _Hasher:
    """datasketch MinHash over precomputed shingle hashes (their low 32 bits)."""

    def __init__(self, num_perm: int, seed: int = 1) -> None:
        self.datasketch = require("datasketch", "train")
        self.num_perm = num_perm
        self.seed = seed

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        MinHash = self.datasketch.MinHash
        try:  # datasketch 2 defaults to a new scheme; "legacy" is what 1.x computes, so indexes agree
            m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=_identity, scheme="legacy")
        except TypeError:  # datasketch 1.x: legacy is the only scheme
            m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=_identity)
        if len(hashes):
            m.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
        return np.asarray(m.hashvalues, dtype=np.uint64).astype(np.uint32)


def _optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives around ``threshold``.

    The same trade-off as datasketch's MinHashLSH, with false negatives weighted 3:1 because a
    missed copy costs more than a candidate that the exact check then drops.
    """
    xs_lo = np.linspace(0.0, threshold, 200)
    xs_hi = np.linspace(threshold, 1.0, 200)
    best: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(1 - (1 - xs_lo**r) ** b, xs_lo) if hasattr(np, "trapezoid") else np.trapz(1 - (1 - xs_lo**r) ** b, xs_lo)
            fn = np.trapezoid((1 - xs_hi**r) ** b, xs_hi) if hasattr(np, "trapezoid") else np.trapz((1 - xs_hi**r) ** b, xs_hi)
            err = 0.25 * fp + 0.75 * fn
            if best is None or err < best[0]:
                best = (err, b, r)
    assert best is not None
    return best[1], best[2]


def _band_keys(sig: np.ndarray, bands: int, rows: int) -> list[int]:
    keys = []
    for b in range(bands):
        chunk = sig[b * rows : (b + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=b.to_bytes(2, "little") + b"nclsh").digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def _signed(values: np.ndarray) -> list[int]:
    return values.astype(np.int64).tolist()  # SQLite integers are signed 64-bit


# ----------------------------------------------------------------------------------------------
# Input records
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Doc:
    id: str
    text: str
    source: str | None
    url: str | None
    title: str | None


def _as_doc(item: Any, index: int) -> _Doc:
    if isinstance(item, str):
        return _Doc(str(index), item, None, None, None)
    if isinstance(item, Mapping):
        get = item.get
    else:
        def get(key: str, default: Any = None) -> Any:
            return getattr(item, key, default)
    text = get("text")
    if not isinstance(text, str):
        raise InputError(f"item {index} has no text (expected a string, a Record or a mapping with a 'text' key)")
    doc_id = get("id")
    source = get("source") or get("domain") or get("dataset")
    return _Doc(str(doc_id) if doc_id not in (None, "") else str(index), text, _opt(source), _opt(get("url")), _opt(get("title")))


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


# ----------------------------------------------------------------------------------------------
# The index
# ----------------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT,
    url TEXT,
    title TEXT,
    n_shingles INTEGER NOT NULL
);
CREATE TABLE signatures (doc INTEGER PRIMARY KEY REFERENCES documents(doc), minhash BLOB NOT NULL, shingles BLOB NOT NULL);
CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL);
CREATE TABLE samples (hash INTEGER NOT NULL, doc INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE INDEX IF NOT EXISTS samples_hash ON samples(hash);
"""


class RepublicationIndex:
    """A persistent index of articles for finding republished copies (see the module doc)."""

    def __init__(self, path: str | os.PathLike[str], conn: sqlite3.Connection, meta: dict[str, str]) -> None:
        self.path = Path(path)
        self._conn = conn
        self.meta = meta
        self.num_perm = int(meta["num_perm"])
        self.threshold = float(meta["threshold"])
        self.bands = int(meta["bands"])
        self.rows = int(meta["rows"])
        self._hasher = _Hasher(self.num_perm, int(meta.get("seed", "1")))

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        records_or_texts: Iterable[Any],
        path: str | os.PathLike[str],
        *,
        threshold: float = 0.5,
        num_perm: int = 128,
        progress: Callable[[int], None] | None = None,
        on_duplicate: str = "error",
    ) -> "RepublicationIndex":
        """Index ``records_or_texts`` (strings, Records, Articles or mappings with ``text``) at ``path``.

        Writes a temporary file next to ``path`` and renames it over ``path`` at the end; on any
        error (or interruption) the temporary file is removed and ``path`` is left as it was.
        ``path`` may be missing or an existing republication index (rebuilt); anything else there
        raises :class:`~newscred.errors.OutputExistsError` before any work is done.
        ``threshold`` is the Jaccard similarity the LSH bands are tuned for and the default
        cut-off of :meth:`query`; ``progress(n)`` is called as documents are added.
        """
        if not 0.0 < threshold < 1.0:
            raise InputError(f"threshold must be strictly between 0 and 1, got {threshold!r}")
        if not 16 <= num_perm <= 1024:
            raise InputError(f"num_perm must be between 16 and 1024, got {num_perm!r}")
        require("datasketch", "train")
        target = check_index_output(path)
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        # a fresh name, not path + ".tmp": that could be someone's file, and a fixed name would be
        # removed under a second build running into the same path
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an index is read by other users (a service account)
        bands, rows = _optimal_bands(threshold, num_perm)
        meta = {
            "magic": _MAGIC,
            "schema_version": str(SCHEMA_VERSION),
            "num_perm": str(num_perm),
            "threshold": repr(float(threshold)),
            "bands": str(bands),
            "rows": str(rows),
            "seed": "1",
            "minhash": "datasketch legacy scheme over the low 32 bits of each shingle hash",
            "shingle": str(SHINGLE),
            "sample_mod": str(_SAMPLE_MOD),
            "hash": "blake2b-64 of 5-word shingles of newscred.text.normalise tokens",
        }
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
        except BaseException:
            _remove(tmp)
            raise
        try:
            conn.execute("PRAGMA journal_mode=OFF")  # a fresh temporary file: the rename is the commit
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(_SCHEMA)
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted(meta.items()))
            index = cls(tmp, conn, meta)
            conn.execute("BEGIN")
            index._insert(records_or_texts, progress, on_duplicate)
            conn.execute("COMMIT")
            conn.executescript(_INDEXES)
            conn.execute("ANALYZE")
            conn.close()
            check_index_output(target)  # again: something may have appeared there during the build
            os.replace(tmp, target)
        except BaseException:
            try:
                conn.close()
            finally:
                _remove(tmp)
            raise
        return cls.open(target)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False) -> "RepublicationIndex":
        """Open an index written by :meth:`build`; refuses unknown schema versions."""
        p = Path(path)
        if not p.is_file():
            raise IndexNotFoundError(f"no republication index at {p} (build one with 'newscred index build')", path=str(p))
        try:
            if readonly:
                conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
            else:
                conn = sqlite3.connect(p, isolation_level=None)
            rows = conn.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise CorruptIndexError(f"{p} is not a newscred republication index ({exc})", path=str(p)) from None
        meta = dict(rows)
        if meta.get("magic") != _MAGIC:
            conn.close()
            raise CorruptIndexError(f"{p} is not a newscred republication index (no marker in its meta table)", path=str(p))
        version = meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            conn.close()
            raise IndexVersionError(
                f"{p} was written with index schema version {version}; this newscred reads version {SCHEMA_VERSION}. "
                "Rebuild it with 'newscred index build'.",
                path=str(p),
                version=version,
            )
        return cls(p, conn, meta)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "RepublicationIndex":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def add(
        self,
        records_or_texts: Iterable[Any],
        *,
        progress: Callable[[int], None] | None = None,
        on_duplicate: str = "error",
    ) -> int:
        """Append documents in one transaction (all or nothing); returns how many were added.

        ``on_duplicate``: ``"error"`` (default) refuses an id already in the index, ``"skip"``
        ignores the new document.
        """
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            added = self._insert(records_or_texts, progress, on_duplicate)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return added

    def _insert(self, items: Iterable[Any], progress: Callable[[int], None] | None, on_duplicate: str) -> int:
        if on_duplicate not in ("error", "skip"):
            raise InputError(f"on_duplicate must be 'error' or 'skip', got {on_duplicate!r}")
        conn = self._conn
        next_doc = int(conn.execute("SELECT COALESCE(MAX(doc), 0) FROM documents").fetchone()[0]) + 1
        added = 0
        pending = 0
        for i, item in enumerate(items):
            doc = _as_doc(item, i)
            words = [t.text for t in tokenize(doc.text)]
            hashes = shingle_hashes(words)
            unique = np.unique(hashes)
            sig = self._hasher.signature(unique)
            try:
                conn.execute(
                    "INSERT INTO documents(doc, id, source, url, title, n_shingles) VALUES (?, ?, ?, ?, ?, ?)",
                    (next_doc, doc.id, doc.source, doc.url, doc.title, int(len(unique))),
                )
            except sqlite3.IntegrityError:
                if on_duplicate == "skip":
                    pending += 1
                    continue
                raise DataError(
                    f"document id {doc.id!r} is already in the index (ids must be unique; pass distinct ids "
                    "or skip duplicates)",
                    id=doc.id,
                ) from None
            conn.execute(
                "INSERT INTO signatures(doc, minhash, shingles) VALUES (?, ?, ?)",
                (next_doc, sig.astype("<u4").tobytes(), unique.astype("<u8").tobytes()),
            )
            conn.executemany("INSERT INTO bands(key, doc) VALUES (?, ?)",
                             [(k, next_doc) for k in _band_keys(sig, self.bands, self.rows)])
            sampled = unique[unique % np.uint64(_SAMPLE_MOD) == 0]
            if len(sampled):
                conn.executemany("INSERT INTO samples(hash, doc) VALUES (?, ?)",
                                 [(h, next_doc) for h in _signed(sampled)])
            next_doc += 1
            added += 1
            pending += 1
            if progress is not None and pending >= 50:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)
        return added

    # -- queries --------------------------------------------------------------------------------

    def query(
        self,
        text: str,
        top_k: int = 5,
        *,
        min_share: float | None = None,
        spans: bool = True,
        tokens: Sequence[Token] | None = None,
    ) -> list[Match]:
        """Indexed documents that ``text`` copies, best first (at most ``top_k``).

        A document is returned when its estimated Jaccard ``similarity`` or its
        ``contained_share`` reaches ``min_share`` (default: the index's ``threshold``).
        Ranked by ``contained_share`` (how much of the query it explains), then ``similarity``.
        """
        if min_share is None:
            min_share = self.threshold
        if tokens is None:
            tokens = tokenize(text)
        words = [t.text for t in tokens]
        hashes = shingle_hashes(words)
        if not len(hashes):
            return []
        unique = np.unique(hashes)
        sig = self._hasher.signature(unique)
        conn = self._conn
        candidates: set[int] = set()
        keys = _band_keys(sig, self.bands, self.rows)
        for chunk in _chunks(keys, 500):
            q = f"SELECT DISTINCT doc FROM bands WHERE key IN ({','.join('?' * len(chunk))})"
            candidates.update(row[0] for row in conn.execute(q, chunk))
        sampled = unique[unique % np.uint64(_SAMPLE_MOD) == 0]
        if len(sampled):
            # containment candidates: documents sharing enough of the query's sampled shingles
            need = max(1, int(math.floor(min_share * len(sampled) * 0.5)))
            counts: dict[int, int] = {}
            for chunk in _chunks(_signed(sampled), 500):
                q = f"SELECT doc, COUNT(*) FROM samples WHERE hash IN ({','.join('?' * len(chunk))}) GROUP BY doc"
                for doc, c in conn.execute(q, chunk):
                    counts[doc] = counts.get(doc, 0) + c
            best = sorted((d for d, c in counts.items() if c >= need), key=lambda d: -counts[d])[:_MAX_CANDIDATES]
            candidates.update(best)
        if not candidates:
            return []
        matches: list[tuple[float, float, Match]] = []
        cand = sorted(candidates)
        for chunk in _chunks(cand, 500):
            q = ("SELECT d.doc, d.id, d.source, d.url, d.title, d.n_shingles, s.minhash, s.shingles "
                 f"FROM documents d JOIN signatures s ON s.doc = d.doc WHERE d.doc IN ({','.join('?' * len(chunk))})")
            for doc, doc_id, source, url, title, n_sh, mh, sh in conn.execute(q, chunk):
                other_sig = np.frombuffer(mh, dtype="<u4")
                if len(other_sig) != len(sig):
                    raise CorruptIndexError(f"{self.path}: signature of document {doc_id!r} has the wrong size")
                similarity = float(np.mean(other_sig == sig))
                other = np.frombuffer(sh, dtype="<u8")
                common = np.isin(unique, other, assume_unique=True)
                n_common = int(common.sum())
                contained = n_common / len(unique)
                source_share = n_common / max(int(n_sh), 1)
                if max(similarity, contained) < min_share:
                    continue
                copied: tuple[tuple[int, int], ...] = ()
                if spans and n_common:
                    copied = _copied_spans(tokens, hashes, other)
                m = Match(doc_id, source, url, title, round(similarity, 4), round(contained, 4),
                          round(source_share, 4), copied)
                matches.append((contained, similarity, m))
        matches.sort(key=lambda x: (-x[0], -x[1], x[2].id))
        return [m for _, _, m in matches[:top_k]]


def _copied_spans(tokens: Sequence[Token], hashes: np.ndarray, other: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Character spans of the query covered by shingles that also occur in ``other``."""
    hit = np.isin(hashes, other)
    if len(tokens) < SHINGLE:
        return ((tokens[0].start, tokens[-1].end),) if hit.any() else ()
    covered = np.zeros(len(tokens), dtype=bool)
    for i in np.flatnonzero(hit):
        covered[i : i + SHINGLE] = True
    out: list[tuple[int, int]] = []
    i = 0
    n = len(tokens)
    while i < n:
        if covered[i]:
            j = i
            while j < n and covered[j]:
                j += 1
            out.append((tokens[i].start, tokens[j - 1].end))
            i = j
        else:
            i += 1
    return tuple(out)


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def check_index_output(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path if an index may be written there: nothing there yet, or a republication
    index (which a build replaces).  Anything else, a text file, a folder, another SQLite
    database, raises :class:`OutputExistsError` naming the path, and is left alone."""
    target = Path(path)
    if not os.path.lexists(target):
        return target
    advice = "Choose another -o/--output, or move it away first."
    if target.is_symlink() or not target.is_file():
        kind = "a symbolic link" if target.is_symlink() else "a folder" if target.is_dir() else "not a regular file"
        raise OutputExistsError(f"{target} is {kind}, not a republication index; refusing to replace it. {advice}",
                                path=str(target))
    if not _is_index_file(target):
        raise OutputExistsError(f"{target} exists and is not a newscred republication index; refusing to replace it. "
                                f"{advice}", path=str(target))
    return target


def _is_index_file(path: Path) -> bool:
    """Whether ``path`` is an SQLite file with this index's marker (any schema version: an old
    index is meant to be rebuilt in place)."""
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return False
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'magic'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == _MAGIC


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + "-journal"), Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
