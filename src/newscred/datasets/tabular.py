"""Reading users' own tables: CSV, TSV, JSON Lines and Parquet.

Two layers:

* :func:`iter_rows` yields one :class:`RowResult` per input row, in order, in bounded memory.
  A malformed row (bad JSON line, non-object JSON, wrong field count, unterminated quote,
  undecodable bytes, over-long line) becomes a RowResult carrying a
  :class:`~newscred.errors.MalformedRowError` that names the line, and reading goes on: no row
  is ever silently lost or merged into another.
* :func:`read_table` turns rows into :class:`~newscred.datasets.record.Record` objects through a
  :class:`ColumnMapping` (text/title/id/label/... column names and a label map) and raises the
  first error it meets.  Use ``iter_rows`` + ``ColumnMapping.to_record`` to keep going instead.

Formats come from the file extension (``.csv``, ``.tsv``/``.tab``, ``.jsonl``/``.ndjson``,
``.parquet``/``.pq``, each optionally ``.gz`` except Parquet) or the ``fmt`` argument; for ``"-"``
(stdin) and streams without a name the format is sniffed from the first bytes.

CSV/TSV follow RFC 4180 quoting (``"`` quotes, ``""`` escapes; TSV uses the same rules with a tab)
and accept ``\\n``, ``\\r\\n`` and old-Mac ``\\r`` line ends.  Blank lines are not rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import re
import sys
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from ..errors import (
    DatasetNotFoundError,
    EmptyInputError,
    EncodingError,
    MalformedRowError,
    MissingColumnError,
    NewscredError,
    UnknownLabelError,
    UnsupportedFormatError,
    require,
)
from .readers import domain_of, iso_date
from .record import BINARY_LABELS, RELIABLE, UNRELIABLE, Record

__all__ = [
    "DEFAULT_LABEL_MAP",
    "FORMATS",
    "ColumnMapping",
    "RowResult",
    "detect_format",
    "iter_rows",
    "read_table",
]

FORMATS = ("csv", "tsv", "jsonl", "parquet")

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: Largest single row (CSV record or JSON line) held in memory.  A longer one is reported as
#: malformed; it is also what bounds memory when a stray quote never closes.
MAX_ROW_BYTES = 64 * 1024 * 1024

_CHUNK = 1 << 16
_PARQUET_BATCH = 1024
_EOL = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class RowResult:
    """One input row: ``data`` (column -> value) or ``error``, never both.

    ``index`` counts every row, good or bad, from 0, so results line up with the input;
    ``line`` is the 1-based line where the row starts (``None`` for Parquet).
    """

    index: int
    data: dict[str, Any] | None
    error: NewscredError | None
    line: int | None = None
    #: the file the row came from, relative to the folder given (folder input only)
    source: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --------------------------------------------------------------------------------------------
# Opening and format detection
# --------------------------------------------------------------------------------------------


def detect_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """``fmt`` validated, else the format implied by the extension of ``path``."""
    if fmt is not None:
        key = fmt.lower().lstrip(".")
        key = {"ndjson": "jsonl", "tab": "tsv", "pq": "parquet"}.get(key, key)
        if key not in FORMATS:
            raise UnsupportedFormatError(f"unsupported format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return key
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = Path(name).suffix
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    supported = ", ".join(sorted(_EXTENSIONS))
    raise UnsupportedFormatError(
        f"cannot tell the format of {str(path)!r} from its extension (supported: {supported}); "
        f"pass the format (--format, or fmt= in Python): one of {', '.join(FORMATS)}"
    )


def _sniff(head: bytes) -> str:
    """Format of an unnamed stream from its first bytes."""
    if head.startswith(b"PAR1"):
        return "parquet"
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"{"):
        return "jsonl"
    first = _EOL.split(body, 1)[0]
    return "tsv" if b"\t" in first and b"," not in first else "csv"


class _Peekable:
    """Read-only byte stream with a replayable head, so stdin can be sniffed without seeking."""

    def __init__(self, raw: IO[Any]) -> None:
        self._raw = raw
        self._head = b""

    def peek(self, n: int) -> bytes:
        while len(self._head) < n:
            chunk = _as_bytes(self._raw.read(n - len(self._head)))
            if not chunk:
                break
            self._head += chunk
        return self._head[:n]

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n < 0:
                data, self._head = self._head + _as_bytes(self._raw.read()), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            return data
        return _as_bytes(self._raw.read(n))


def _as_bytes(data: bytes | str | None) -> bytes:
    # Text streams (io.StringIO, sys.stdin without .buffer) are accepted and re-encoded as UTF-8.
    if data is None:
        return b""
    return data.encode("utf-8") if isinstance(data, str) else data


_ICONV_HINT = "; if the file is Latin-1 or Windows-1252, convert it first: iconv -f cp1252 -t utf-8 IN > OUT"
# Byte-order marks of the encodings that are not ASCII-compatible (UTF-32 first: its LE mark starts like UTF-16's).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _refuse_wide_text(stream: _Peekable, fmt: str, name: str) -> None:
    """UTF-16/32 text (Excel's "Unicode text", PowerShell redirects) would be split at every NUL
    byte into nonsense rows: name the problem and the fix instead."""
    if fmt == "parquet":
        return
    head = stream.peek(4096)
    encoding = next((enc for bom, enc in _WIDE_BOMS if head.startswith(bom)), None)
    if encoding is None and head.count(b"\x00") > len(head) // 4:
        encoding = "UTF-16 or UTF-32"  # no mark, but every other byte is NUL
    if encoding is not None:
        convert = f"iconv -f {encoding.split()[0]} -t UTF-8"
        how = f"pipe it through {convert}" if name.startswith("<") else f"convert it first: {convert} {name} > converted.{fmt}"
        raise EncodingError(f"{name} is {encoding} text; newscred reads UTF-8 tables: {how}", path=name)


def _open(path_or_stream: Any, fmt: str | None) -> tuple[_Peekable, str, str, IO[Any] | None]:
    """(stream, format, display name, handle to close)."""
    if isinstance(path_or_stream, (str, os.PathLike)) and str(path_or_stream) != "-":
        path = Path(path_or_stream)
        fmt = detect_format(path, fmt)
        if not path.is_file():
            raise DatasetNotFoundError(f"input file not found: {path}", path=str(path))
        handle: IO[Any] = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
        stream = _Peekable(handle)
        try:
            _refuse_wide_text(stream, fmt, str(path))
        except EncodingError:
            handle.close()
            raise
        return stream, fmt, str(path), handle
    if isinstance(path_or_stream, (str, os.PathLike)):  # "-"
        raw = getattr(sys.stdin, "buffer", sys.stdin)
        name = "<stdin>"
    else:
        raw = getattr(path_or_stream, "buffer", path_or_stream) if isinstance(path_or_stream, io.TextIOWrapper) else path_or_stream
        name = str(getattr(path_or_stream, "name", "<stream>"))
    stream = _Peekable(raw)
    if fmt is not None:
        fmt = detect_format(name, fmt)
    else:
        fmt = _sniff(stream.peek(4096))
    _refuse_wide_text(stream, fmt, name)
    return stream, fmt, name, None


# --------------------------------------------------------------------------------------------
# Physical lines
# --------------------------------------------------------------------------------------------


def _physical_lines(stream: _Peekable, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes incl. terminator) per physical line; ``None`` bytes = line too long.

    Over-long lines are skipped to their end without being held in memory.
    """
    buf = bytearray()
    lineno = 0
    eof = False
    skipping = False
    scan_from = 0  # bytes before this offset are known to hold no line end (no rescans)
    while True:
        pos = 0
        while True:
            m = _EOL.search(buf, max(pos, scan_from))
            # a final "\r" may be the first half of "\r\n" split across reads
            if m is None or (m.group() == b"\r" and m.end() == len(buf) and not eof):
                scan_from = len(buf) - 1 if m is not None else len(buf)
                break
            lineno += 1
            if skipping or m.end() - pos > max_bytes:
                skipping = False
                yield lineno, None
            else:
                yield lineno, bytes(buf[pos : m.end()])
            pos = m.end()
        del buf[:pos]
        scan_from = max(0, scan_from - pos)
        if eof:
            if buf or skipping:
                lineno += 1
                yield lineno, None if skipping or len(buf) > max_bytes else bytes(buf)
            return
        if len(buf) > max_bytes:
            skipping = True
            buf.clear()
            scan_from = 0
        chunk = stream.read(_CHUNK)
        if chunk:
            buf += chunk
        else:
            eof = True


# --------------------------------------------------------------------------------------------
# CSV / TSV
# --------------------------------------------------------------------------------------------

# Quote states of the RFC 4180 scanner (mirrors the csv module's own non-strict tokenizer).
_START, _UNQUOTED, _QUOTED, _QUOTE_IN_QUOTED = range(4)
_QUOTE = ord('"')


def _scan(line: bytes, state: int, delim: int) -> tuple[int, bool]:
    """Quote state after ``line`` (no terminator) and whether a quote was irregular.

    "Irregular" = a closing quote followed by something other than a delimiter, quote or line
    end.  The csv module accepts that silently; it is how an unterminated quote shows up when
    it swallows the next line, so a multi-line record containing one is not trusted.
    """
    i, n = 0, len(line)
    irregular = False
    delim_byte = bytes([delim])
    while i < n:
        if state == _QUOTED:
            j = line.find(b'"', i)
            if j < 0:
                return _QUOTED, irregular
            state, i = _QUOTE_IN_QUOTED, j + 1
        elif state == _UNQUOTED:
            j = line.find(delim_byte, i)
            if j < 0:
                return _UNQUOTED, irregular
            state, i = _START, j + 1
        else:
            c = line[i]
            if c == _QUOTE:
                state = _QUOTED
            elif c == delim:
                state = _START
            else:
                if state == _QUOTE_IN_QUOTED:
                    irregular = True
                state = _UNQUOTED
            i += 1
    return state, irregular


def _parse_record(text: str, delim: str) -> list[str]:
    """Fields of one complete record (grouping into records was done by ``_scan``)."""
    return next(csv.reader([text], delimiter=delim, quotechar='"', doublequote=True, strict=False), [])


@dataclass
class _Pending:
    lines: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0
    state: int = _START
    irregular: bool = False


def _delimited_records(
    stream: _Peekable, delim: str, max_bytes: int
) -> Iterator[tuple[int, int, bytes | None, str | None]]:
    """(first line, last line, record bytes, problem) per CSV record.

    Records are grouped from physical lines with :func:`_scan`.  When a quoted field never
    closes (end of input, over ``max_bytes``, or an irregular quote in a multi-line record) the
    *first* line is reported as an unterminated quote and the following lines are re-read from
    scratch, so one stray quote costs one row, never the rest of the file.
    """
    source = iter(_physical_lines(stream, max_bytes))
    replay: deque[tuple[int, bytes | None]] = deque()
    pending = _Pending()
    d = ord(delim)

    def resync() -> tuple[int, int, None, str]:
        nonlocal pending
        first_line = pending.lines[0][0]
        replay.extendleft(reversed(pending.lines[1:]))
        pending = _Pending()
        return first_line, first_line, None, "unterminated quoted field (a stray '\"'?)"

    while True:
        item = replay.popleft() if replay else next(source, None)
        if item is None:
            if pending.lines:
                yield resync()
                continue
            return
        lineno, raw = item
        if raw is None:  # physical line over the size limit
            if pending.lines:
                replay.appendleft(item)
                yield resync()
                continue
            yield lineno, lineno, None, f"line longer than {max_bytes} bytes"
            continue
        if not pending.lines and not raw.rstrip(b"\r\n"):
            continue  # empty line between records (a line of spaces is a row: one blank value)
        pending.lines.append((lineno, raw))
        pending.size += len(raw)
        start_state = _QUOTED if len(pending.lines) > 1 else _START
        pending.state, irregular = _scan(raw.rstrip(b"\r\n"), start_state, d)
        pending.irregular |= irregular
        if pending.state == _QUOTED:
            if pending.size > max_bytes:
                yield resync()
            continue
        if pending.irregular and len(pending.lines) > 1:
            yield resync()
            continue
        first, last = pending.lines[0][0], pending.lines[-1][0]
        data = b"".join(chunk for _n, chunk in pending.lines)
        pending = _Pending()
        yield first, last, data, None


def _lines_label(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _iter_delimited(stream: _Peekable, delim: str, name: str, encoding: str, max_bytes: int) -> Iterator[RowResult]:
    header: list[str] | None = None
    index = 0
    for first, last, data, problem in _delimited_records(stream, delim, max_bytes):
        where = _lines_label(first, last)
        error: str | None = problem
        values: list[str] | None = None
        if data is not None:
            if header is None and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # UTF-8 BOM (Excel)
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                error = f"bytes not valid {encoding} ({exc.reason} at byte {exc.start} of the row){_ICONV_HINT}"
            else:
                try:
                    values = _parse_record(text.rstrip("\r\n"), delim)
                except csv.Error as exc:
                    error = f"unreadable CSV ({exc})"
        if header is None:
            if error is not None or values is None:
                raise MalformedRowError(f"{name}: {where}: cannot read the header: {error}", path=name, line=first)
            header = _unique_names(values)
            continue
        if error is None and values is not None and len(values) != len(header):
            error = f"expected {len(header)} fields, got {len(values)}"
        if error is not None:
            err = MalformedRowError(f"{name}: {where}: {error}", path=name, line=first, index=index)
            yield RowResult(index, None, err, first)
        else:
            yield RowResult(index, dict(zip(header, values or [])), None, first)
        index += 1
    if header is None:
        raise EmptyInputError(f"{name}: no header row (the input is empty)", path=name)


def _unique_names(names: list[str]) -> list[str]:
    """Header names stripped; duplicates get ``.1``, ``.2`` (as pandas does) so no column is lost."""
    seen: dict[str, int] = {}
    out = []
    for raw in names:
        name = raw.strip()
        if name in seen:
            seen[name] += 1
            candidate = f"{name}.{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}.{seen[name]}"
            name = candidate
        seen.setdefault(name, 0)
        out.append(name)
    return out


# --------------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------------


def _iter_jsonl(stream: _Peekable, name: str, encoding: str, max_bytes: int) -> Iterator[RowResult]:
    index = 0
    seen_any = False
    for lineno, raw in _physical_lines(stream, max_bytes):
        error: str | None = None
        obj: Any = None
        if raw is None:
            error = f"line longer than {max_bytes} bytes"
        else:
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode(encoding))
            except UnicodeDecodeError as exc:
                error = f"bytes not valid {encoding} ({exc.reason} at byte {exc.start} of the line){_ICONV_HINT}"
            except json.JSONDecodeError as exc:
                error = f"invalid JSON ({exc.msg}; column {exc.colno})"
            else:
                if not isinstance(obj, dict):
                    error = f"expected a JSON object, got {type(obj).__name__}"
        seen_any = True
        if error is not None:
            err = MalformedRowError(f"{name}: line {lineno}: {error}", path=name, line=lineno, index=index)
            yield RowResult(index, None, err, lineno)
        else:
            yield RowResult(index, obj, None, lineno)
        index += 1
    if not seen_any:
        raise EmptyInputError(f"{name}: the input is empty", path=name)


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------


def _iter_parquet(stream: _Peekable, handle: IO[Any] | None, name: str) -> Iterator[RowResult]:
    require("pyarrow", "parquet")
    import pyarrow.parquet as pq
    spool: IO[bytes] | None = None
    if handle is None:
        # Parquet needs seeking (footer first); spool a pipe to a temporary file, not to RAM.
        spool = tempfile.TemporaryFile()
        while chunk := stream.read(_CHUNK * 16):
            spool.write(chunk)
        spool.seek(0)
        source: Any = spool
    else:
        source = name
    try:
        try:
            pfile = pq.ParquetFile(source)
        except Exception as exc:  # pyarrow raises ArrowInvalid / OSError variants
            raise UnsupportedFormatError(f"{name}: not a readable Parquet file ({exc})", path=name) from exc
        if pfile.metadata.num_rows == 0 and pfile.metadata.num_columns == 0:
            raise EmptyInputError(f"{name}: the Parquet file has no columns", path=name)
        index = 0
        for group in range(pfile.num_row_groups):
            expected = pfile.metadata.row_group(group).num_rows
            done = 0
            try:
                for batch in pfile.iter_batches(batch_size=_PARQUET_BATCH, row_groups=[group]):
                    for row in batch.to_pylist():
                        yield RowResult(index, row, None, None)
                        index += 1
                        done += 1
            except Exception as exc:  # corrupt page: report each unread row of this group
                for _ in range(expected - done):
                    err = MalformedRowError(
                        f"{name}: row {index} (row group {group}) could not be decoded: {exc}", path=name, index=index
                    )
                    yield RowResult(index, None, err, None)
                    index += 1
    finally:
        if spool is not None:
            spool.close()


# --------------------------------------------------------------------------------------------
# Public row layer
# --------------------------------------------------------------------------------------------


def iter_rows(
    path_or_stream: str | os.PathLike[str] | IO[Any],
    fmt: str | None = None,
    *,
    encoding: str = "utf-8",
) -> Iterator[RowResult]:
    """Yield exactly one :class:`RowResult` per input row, in order, in bounded memory.

    ``path_or_stream`` is a path, ``"-"`` for stdin (read as bytes), or an open stream (binary,
    or text which is re-encoded as UTF-8).  ``fmt`` is ``csv``/``tsv``/``jsonl``/``parquet``;
    by default it comes from the extension (``.gz`` allowed) or is sniffed for streams.
    ``encoding`` applies to CSV/TSV/JSONL and must be ASCII-compatible (UTF-8, cp1252, latin-1...;
    a UTF-8 BOM is always dropped); a row whose bytes do not decode is an error row, not a guess.

    Raises (instead of yielding) only for problems with the input as a whole: unknown format,
    missing file, empty input, unreadable header or Parquet footer.
    """
    stream, fmt, name, handle = _open(path_or_stream, fmt)
    try:
        if fmt in ("csv", "tsv"):
            yield from _iter_delimited(stream, "," if fmt == "csv" else "\t", name, encoding, MAX_ROW_BYTES)
        elif fmt == "jsonl":
            yield from _iter_jsonl(stream, name, encoding, MAX_ROW_BYTES)
        else:
            if handle is not None and name.lower().endswith(".gz"):
                raise UnsupportedFormatError(f"{name}: gzip-compressed Parquet is not supported (Parquet compresses itself)")
            yield from _iter_parquet(stream, handle, name)
    finally:
        if handle is not None:
            handle.close()


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

#: Label words understood when no ``label_map`` is given (case, surrounding space, ``_`` and
#: ``-`` are ignored).  Numbers follow the common "is fake" convention (1 = unreliable), while
#: true/false describe the *content* (true = reliable): for a boolean ``is_fake`` column pass
#: ``label_map={"true": "unreliable", "false": "reliable"}``.
DEFAULT_LABEL_MAP: Mapping[str, str | None] = {
    # reliable
    "reliable": RELIABLE,
    "real": RELIABLE,
    "true": RELIABLE,
    "legit": RELIABLE,
    "legitimate": RELIABLE,
    "credible": RELIABLE,
    "trustworthy": RELIABLE,
    "mostly true": RELIABLE,
    "0": RELIABLE,
    # unreliable
    "unreliable": UNRELIABLE,
    "fake": UNRELIABLE,
    "false": UNRELIABLE,
    "not credible": UNRELIABLE,
    "untrustworthy": UNRELIABLE,
    "misinformation": UNRELIABLE,
    "disinformation": UNRELIABLE,
    "mostly false": UNRELIABLE,
    "pants on fire": UNRELIABLE,
    "pants fire": UNRELIABLE,
    "1": UNRELIABLE,
}


_INTEGRAL = re.compile(r"^(\d+)\.0*$")


def _norm_word(value: Any) -> str | None:
    """Canonical form of a label cell, ``None`` for an empty/missing one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    # "_"/"-" between words count as spaces ("pants-on-fire"), but a sign stays: "-1" is not "1"
    word = re.sub(r"(?<=\w)[_\-]+(?=\w)", " ", str(value).strip())
    word = " ".join(word.split()).lower()
    # "1.0"/"0.0": how pandas writes an integer label column that has a missing value
    m = _INTEGRAL.match(word)
    if m:
        word = m.group(1)
    return word or None


def _norm_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def _normalise_label_map(label_map: Mapping[Any, str | None] | None) -> dict[str, str | None]:
    source = DEFAULT_LABEL_MAP if label_map is None else label_map
    out: dict[str, str | None] = {}
    for key, value in source.items():
        if value is not None and value not in BINARY_LABELS:
            raise UnknownLabelError(
                f"label_map maps {key!r} to {value!r}; values must be 'reliable', 'unreliable' or None"
            )
        word = _norm_word(key)
        if word is None:
            raise UnknownLabelError(f"label_map has an empty key ({key!r})")
        out[word] = value
    return out


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns make a :class:`Record` and how labels map.

    Column names match exactly, else ignoring case, spaces, ``_`` and ``-`` (``"Body Text"``
    finds ``body_text``) when that is unambiguous.  Columns not used end up in ``Record.extra``.
    ``label_map`` replaces :data:`DEFAULT_LABEL_MAP` entirely (values ``"reliable"``,
    ``"unreliable"`` or ``None`` = keep the row unlabelled); an empty label cell means unlabelled.
    Without ``id_col`` the id is the row index; without ``group_col`` the group is the URL's
    domain when ``url_col`` is given.
    """

    text_col: str = "text"
    title_col: str | None = None
    id_col: str | None = None
    label_col: str | None = None
    label_map: Mapping[Any, str | None] | None = None
    group_col: str | None = None
    date_col: str | None = None
    url_col: str | None = None
    dataset: str = "user"
    _labels: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _resolved: dict[tuple[str, ...], dict[str, str | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_labels", _normalise_label_map(self.label_map))
        object.__setattr__(self, "_resolved", {})

    def _roles(self) -> dict[str, str | None]:
        return {
            "text": self.text_col,
            "title": self.title_col,
            "id": self.id_col,
            "label": self.label_col,
            "group": self.group_col,
            "date": self.date_col,
            "url": self.url_col,
        }

    def resolve(self, columns: Iterable[str]) -> dict[str, str | None]:
        """Role -> actual column name, or :class:`MissingColumnError` naming what exists."""
        cols = tuple(columns)
        cached = self._resolved.get(cols)
        if cached is not None:
            return cached
        by_key: dict[str, list[str]] = {}
        for col in cols:
            by_key.setdefault(_norm_key(col), []).append(col)
        out: dict[str, str | None] = {}
        for role, wanted in self._roles().items():
            if wanted is None:
                out[role] = None
                continue
            if wanted in cols:
                out[role] = wanted
                continue
            matches = by_key.get(_norm_key(wanted), [])
            if len(matches) == 1:
                out[role] = matches[0]
                continue
            available = ", ".join(repr(c) for c in cols) or "(none)"
            why = f"matches several columns ({', '.join(matches)})" if matches else "not found"
            raise MissingColumnError(
                f"{role} column {wanted!r} {why}; available columns: {available}. "
                # both spellings: the library's keyword and the option of newscred train/evaluate
                f"Pass {role}_col= / --{role}-col with one of them.",
                column=wanted,
                columns=list(cols),
            )
        if len(self._resolved) < 64:  # JSONL rows may vary; keep the cache small
            self._resolved[cols] = out
        return out

    def label_of(self, value: Any, row: str) -> tuple[str | None, str | None]:
        """(binary label, original word) of a label cell."""
        word = _norm_word(value)
        if word is None:
            return None, None
        original = str(value).strip() if not isinstance(value, bool) else word
        if word not in self._labels:
            accepted = ", ".join(sorted(self._labels))
            raise UnknownLabelError(
                f"{row}: unknown label {original!r}; accepted labels: {accepted}. "
                f"Pass label_map= / --label-map to map your own words.",
                label=original,
            )
        return self._labels[word], original

    def to_record(self, data: Mapping[str, Any], index: int, line: int | None = None) -> Record:
        """Build the Record of one row (``index`` and ``line`` as in :class:`RowResult`).

        Errors name the row as the user can find it: ``line N`` of the file when known (the
        header is line 1), else ``row N`` counting data rows from 1 (Parquet).
        """
        cols = self.resolve(data.keys())
        place = row_place(index, line)

        def cell(role: str) -> Any:
            col = cols[role]
            return None if col is None else data.get(col)

        if cols["id"] is not None:
            row_id = _text(cell("id"))
            if not row_id:
                raise MalformedRowError(
                    f"{place}: empty id in column {cols['id']!r}", index=index, column=cols["id"]
                )
        else:
            row_id = str(index)
        where = f"{place} (id {row_id!r})"
        label, original = self.label_of(cell("label"), where) if cols["label"] else (None, None)
        url = _text(cell("url")) or None
        domain = domain_of(url)
        group = _text(cell("group")) or None if cols["group"] else domain
        raw_date = cell("date")
        date = iso_date(raw_date)
        used = {c for c in cols.values() if c is not None}
        extra = {k: v for k, v in data.items() if k not in used}
        if raw_date not in (None, "") and date is None:
            extra["date_raw"] = raw_date  # keep an unparsed date instead of dropping it
        return Record(
            id=row_id,
            text=_text(cell("text")),
            dataset=self.dataset,
            title=_text(cell("title")),
            label=label,
            original_label=original,
            source=None,
            domain=domain,
            url=url,
            date=date,
            group=group,
            subset=None,
            extra=extra,
        )


def row_place(index: int, line: int | None) -> str:
    """Where a row is, as a user finds it: ``line N`` of a text file (header = line 1), else
    ``row N`` with data rows counted from 1 (``index`` counts from 0)."""
    return f"line {line}" if line is not None else f"row {index + 1}"


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def read_table(
    path: str | os.PathLike[str] | IO[Any],
    *,
    text_col: str = "text",
    title_col: str | None = None,
    id_col: str | None = None,
    label_col: str | None = None,
    label_map: Mapping[Any, str | None] | None = None,
    group_col: str | None = None,
    date_col: str | None = None,
    url_col: str | None = None,
    dataset: str | None = None,
    fmt: str | None = None,
    encoding: str = "utf-8",
) -> Iterator[Record]:
    """Records from a user's CSV/TSV/JSONL/Parquet file (see :class:`ColumnMapping`).

    Fails on the first problem: a malformed row raises its
    :class:`~newscred.errors.MalformedRowError`, a missing column
    :class:`~newscred.errors.MissingColumnError` (naming the columns that exist), an unknown
    label :class:`~newscred.errors.UnknownLabelError` (listing the accepted words).  To keep
    going past bad rows use :func:`iter_rows` with :meth:`ColumnMapping.to_record`.
    """
    mapping = ColumnMapping(
        text_col=text_col,
        title_col=title_col,
        id_col=id_col,
        label_col=label_col,
        label_map=label_map,
        group_col=group_col,
        date_col=date_col,
        url_col=url_col,
        dataset=dataset if dataset is not None else dataset_name(path),
    )
    for _row, record in mapped_rows(path, mapping, fmt, encoding=encoding):
        yield record


def dataset_name(path: str | os.PathLike[str] | IO[Any]) -> str:
    """The dataset name a file's records get: its name without extensions (``mine.csv.gz`` -> ``mine``)."""
    if isinstance(path, (str, os.PathLike)) and str(path) != "-":
        name = Path(path).name
        name = name[: -len(".gz")] if name.lower().endswith(".gz") else name
        return Path(name).stem
    return "stdin"


def mapped_rows(
    path: str | os.PathLike[str] | IO[Any],
    mapping: ColumnMapping,
    fmt: str | None = None,
    *,
    encoding: str = "utf-8",
) -> Iterator[tuple[RowResult, Record]]:
    """Each row of ``path`` with its :class:`Record`, failing on the first problem.

    A malformed row raises its own error (which names the file); a row the mapping refuses (a
    missing column, an unknown label, a number for a text) raises the mapping's error with the
    file's name in front, since with several inputs "line 3" alone is ambiguous.  The row comes
    along so that callers can say where a record was (``row.line``, ``row.index``).
    """
    name = _display_name(path)
    for row in iter_rows(path, fmt, encoding=encoding):
        if row.error is not None:
            raise row.error
        assert row.data is not None
        try:
            record = mapping.to_record(row.data, row.index, row.line)
        except NewscredError as exc:
            raise type(exc)(f"{name}: {exc.message}", **exc.context) from None
        yield row, record


def _display_name(path: str | os.PathLike[str] | IO[Any]) -> str:
    """How errors name an input: as :func:`iter_rows` names it in its own row errors."""
    if isinstance(path, (str, os.PathLike)):
        return "<stdin>" if str(path) == "-" else str(path)
    return str(getattr(path, "name", "<stream>"))
