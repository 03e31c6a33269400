"""Reading users' own tables: CSV, TSV, JSON Lines and Parquet.

Two layers:

* :func:`iter_rows` yields one :class:`RowResult` per input row, in order, in bounded memory.
  A malformed row (bad JSON line, non-object JSON, wrong field count, unterminated quote,
  over-long line, a CSV cut off inside a quoted field) becomes a RowResult carrying a
  :class:`~newscred.errors.MalformedRowError` that names the line (undecodable bytes: an
  :class:`~newscred.errors.EncodingError`, ``input.encoding`` as in the library), and reading
  goes on: no row is ever silently lost, merged into another or split into several.
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
import itertools
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
    ConfigError,
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
from .readers import DATE_FORMATS_HINT, SLASH_ORDERS, _slash_fields, domain_of, iso_date, slash_order_evidence
from .record import BINARY_LABELS, RELIABLE, UNRELIABLE, Record

__all__ = [
    "DEFAULT_LABEL_MAP",
    "FORMATS",
    "ColumnMapping",
    "DATE_LOOKAHEAD",
    "DateStats",
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

#: Rows :func:`mapped_rows` reads ahead, at most, to settle how a date column writes slashed
#: dates before making any Record (a few rows settle it for real day/month data).
DATE_LOOKAHEAD = 1000

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
    #: names the file's header (CSV/TSV) or schema (Parquet) gives to more than one column; the
    #: first such column keeps the name, the others are read as ``NAME.1``, ``NAME.2`` (one shared
    #: tuple per file)
    duplicates: tuple[str, ...] = ()

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


_GZIP_MAGIC = b"\x1f\x8b"


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


def _refuse_other_format(head: bytes, fmt: str, name: str) -> None:
    """A file whose bytes are plainly another format than its name says (JSON lines named .csv,
    Parquet or gzip named .csv, a CSV named .tsv) would fail on its second line with a message
    about quotes or field counts: say what it looks like and how to read it instead."""
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = _EOL.split(body, 1)[0]
    looks = None
    if head.startswith(_GZIP_MAGIC):
        looks, fix = "gzip-compressed", f"name it {Path(name).name}.gz"
    elif fmt != "parquet" and head.startswith(b"PAR1"):
        looks, fix = "a Parquet file", "name it .parquet or pass the format parquet"
    elif b"\x00" in head[:512]:
        return  # UTF-16/32 text: _refuse_wide_text names that problem
    elif fmt in ("csv", "tsv") and body.startswith(b"{"):
        looks, fix = "JSON lines", "name it .jsonl or pass the format jsonl"
    elif fmt == "tsv" and b"," in first and b"\t" not in first:
        looks, fix = "comma-separated (its first line has commas and no tabs)", "name it .csv or pass the format csv"
    elif fmt == "csv" and b"\t" in first and b"," not in first:
        looks, fix = "tab-separated (its first line has tabs and no commas)", "name it .tsv or pass the format tsv"
    if looks is not None:
        raise UnsupportedFormatError(f"{name} is read as {fmt.upper()} from its name, but it looks {looks}: {fix} "
                                     "(--format, fmt= in Python)", path=name)


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
            _refuse_other_format(stream.peek(4096), fmt, str(path))  # first: Parquet and gzip are full of NULs
            _refuse_wide_text(stream, fmt, str(path))
        except (EncodingError, UnsupportedFormatError):
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
    if stream.peek(2) == _GZIP_MAGIC:  # `cat rows.csv.gz | newscred ...`: a pipe has no .gz name to go by
        stream = _Peekable(gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[arg-type]
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
    stream: _Peekable, delim: str, max_bytes: int, width: list[int] | None = None
) -> Iterator[tuple[int, int, bytes | None, str | None]]:
    """(first line, last line, record bytes, problem) per CSV record.

    Records are grouped from physical lines with :func:`_scan`.  When a quoted field never
    closes (end of input, over ``max_bytes``, or an irregular quote in a multi-line record) the
    *first* line is reported as an unterminated quote and the following lines are re-read from
    scratch, so one stray quote costs one row, never the rest of the file.

    Except for a file cut off inside a quoted field (a download or copy that stopped, ``head -c``):
    when the input ends inside one and its last line has no line end, or the lines after the quote
    are not all rows of the header's ``width[0]`` fields (paragraphs of a multi-line text), they
    are one cut-off record, reported as one problem naming all its lines, never as phantom rows.
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

    def a_row(raw: bytes) -> bool:
        """Whether one line read on its own is a record of the header's width (or blank)."""
        line = raw.rstrip(b"\r\n")
        if not line:
            return True
        if _scan(line, _START, d)[0] == _QUOTED:
            return False
        return len(_parse_record(line.decode("utf-8", "replace"), delim)) == (width[0] if width else 0)

    def cut_off() -> bool:
        """The input ended inside the quoted field of ``pending``: was the file cut there?  Yes if
        its last line has no line end (a cut at an arbitrary byte) or a line after the quote is
        not a row of its own; otherwise the lines are read as rows (a stray quote then costs one
        row, as elsewhere in the file)."""
        if not pending.lines[-1][1].endswith((b"\n", b"\r")):
            return True
        return not all(a_row(raw) for _n, raw in pending.lines[1:])

    while True:
        item = replay.popleft() if replay else next(source, None)
        if item is None:
            if pending.lines:
                if width and width[0] and cut_off():
                    first, last = pending.lines[0][0], pending.lines[-1][0]
                    pending = _Pending()
                    yield first, last, None, (
                        f"the input ends inside a quoted field opened on line {first}: the file looks cut off (truncated), "
                        "so this last row is incomplete" + ("" if first == last else
                                                            f" (or the '\"' on line {first} is a stray one)"))
                    continue
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
    duplicates: tuple[str, ...] = ()
    width = [0]  # the header's field count, once read: tells a cut-off last row from a stray quote
    index = 0
    for first, last, data, problem in _delimited_records(stream, delim, max_bytes, width):
        where = _lines_label(first, last)
        error: str | None = problem
        undecodable = False
        values: list[str] | None = None
        if data is not None:
            if header is None and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # UTF-8 BOM (Excel)
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                error = f"bytes not valid {encoding} ({exc.reason} at byte {exc.start} of the row){_ICONV_HINT}"
                undecodable = True
            else:
                try:
                    values = _parse_record(text.rstrip("\r\n"), delim)
                except csv.Error as exc:
                    error = f"unreadable CSV ({exc})"
        if header is None:
            if error is not None or values is None:
                raise MalformedRowError(f"{name}: {where}: cannot read the header: {error}", path=name, line=first)
            header = _unique_names(values)
            duplicates = _duplicated(values)
            width[0] = len(header)
            continue
        if error is None and values is not None and len(values) != len(header):
            error = f"expected {len(header)} fields, got {len(values)}"
        if error is not None:
            kind = EncodingError if undecodable else MalformedRowError  # input.encoding, as analyze() says
            err = kind(f"{name}: {where}: {error}", path=name, line=first, index=index)
            yield RowResult(index, None, err, first, duplicates=duplicates)
        else:
            yield RowResult(index, dict(zip(header, values or [])), None, first, duplicates=duplicates)
        index += 1
    if header is None:
        raise EmptyInputError(f"{name}: no header row (the input is empty)", path=name)


def _duplicated(names: Iterable[str]) -> tuple[str, ...]:
    """Header names (stripped) given to more than one column, in order of first appearance."""
    seen: dict[str, int] = {}
    for raw in names:
        seen[raw.strip()] = seen.get(raw.strip(), 0) + 1
    return tuple(name for name, n in seen.items() if n > 1)


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
        undecodable = False
        obj: Any = None
        if raw is None:
            error = f"line longer than {max_bytes} bytes"
        else:
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                # without its line end: a string left open reads "Unterminated string", not "Invalid
                # control character" (the newline)
                obj = json.loads(raw.rstrip(b"\r\n").decode(encoding))
            except UnicodeDecodeError as exc:
                error = f"bytes not valid {encoding} ({exc.reason} at byte {exc.start} of the line){_ICONV_HINT}"
                undecodable = True
            except json.JSONDecodeError as exc:
                # json's messages end in "at", "starting at": the place is the column, said after them
                error = f"invalid JSON ({exc.msg} column {exc.colno})" if exc.msg.endswith(" at") else \
                    f"invalid JSON ({exc.msg}, column {exc.colno})"
            else:
                if not isinstance(obj, dict):
                    error = f"expected a JSON object, got {type(obj).__name__}"
        seen_any = True
        if error is not None:
            kind = EncodingError if undecodable else MalformedRowError  # input.encoding, as analyze() says
            err = kind(f"{name}: line {lineno}: {error}", path=name, line=lineno, index=index)
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
        names = list(pfile.schema_arrow.names)
        # A schema may name two columns alike: as in CSV, the first keeps the name and the others
        # become NAME.1, NAME.2 (a dict per row would otherwise keep only the last, silently).
        unique = _unique_names(names)
        duplicates = _duplicated(names)
        index = 0
        for group in range(pfile.num_row_groups):
            expected = pfile.metadata.row_group(group).num_rows
            done = 0
            try:
                for batch in pfile.iter_batches(batch_size=_PARQUET_BATCH, row_groups=[group]):
                    for row in _parquet_rows(batch, unique):
                        yield RowResult(index, row, None, None, duplicates=duplicates)
                        index += 1
                        done += 1
            except Exception as exc:  # corrupt page: report each unread row of this group
                for _ in range(expected - done):
                    err = MalformedRowError(
                        f"{name}: {row_place(index, None)} (row group {group}) could not be decoded: {exc}",
                        path=name, index=index,
                    )
                    yield RowResult(index, None, err, None, duplicates=duplicates)
                    index += 1
    finally:
        if spool is not None:
            spool.close()


def _parquet_rows(batch: Any, names: list[str]) -> list[dict[str, Any]]:
    """The rows of a record batch as dicts keyed by ``names`` (the schema's, made unique).

    Cells are what pyarrow gives (``bytes`` for a binary column), except that a string column
    holding bytes that are not UTF-8 (writers such as Spark do not check) does not cost every
    row of the batch: such a cell comes as its ``bytes``, and only a row that uses it for its
    text (or title, id, url) is refused, with ``input.encoding``, when it is scored or mapped.
    """
    columns = batch.columns
    try:
        values = [col.to_pylist() for col in columns]
    except UnicodeDecodeError:
        import pyarrow as pa

        values = []
        for col in columns:
            try:
                values.append(col.to_pylist())
            except UnicodeDecodeError:
                if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
                    raise  # nested strings: the row group is reported as undecodable
                raw = col.cast(pa.large_binary()).to_pylist()
                values.append([_utf8_or_bytes(cell) for cell in raw])
    return [dict(zip(names, cells)) for cells in zip(*values)] if values else [{} for _ in range(batch.num_rows)]


def _utf8_or_bytes(cell: bytes | None) -> str | bytes | None:
    if cell is None:
        return None
    try:
        return cell.decode("utf-8")
    except UnicodeDecodeError:
        return cell


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

    Columns a header or Parquet schema names twice are all kept: the first under its name, the
    others as ``NAME.1``, ``NAME.2`` (``RowResult.duplicates`` lists such names).  Parquet cells
    are what pyarrow gives: ``bytes`` for a binary column, and for a string cell that is not UTF-8.

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

class _BuiltinLabel(str):
    """The built-in meaning of the words true/false: equal to the plain label, but recognisable
    after the table is copied into a user's map (``newscred train --label-map`` *extends* the
    built-in words), so that a boolean cell is still refused unless the user named true/false."""

    __slots__ = ()


#: Label words understood when no ``label_map`` is given (case, surrounding space, ``_`` and
#: ``-`` are ignored).  Numbers follow the common "is fake" convention (1 = unreliable), while
#: the *words* true/false are verdicts on the content, as in LIAR/PolitiFact (``"TRUE"`` =
#: reliable).  A real boolean cell (JSON ``true``, a Parquet/numpy bool) is another matter: an
#: ``is_fake`` and an ``is_real`` column look the same, so it is refused with
#: :class:`~newscred.errors.UnknownLabelError` unless the label map names true/false itself
#: (``label_map={"true": "unreliable", "false": "reliable"}`` for ``is_fake``).
DEFAULT_LABEL_MAP: Mapping[str, str | None] = {
    # reliable
    "reliable": RELIABLE,
    "real": RELIABLE,
    "true": _BuiltinLabel(RELIABLE),
    "legit": RELIABLE,
    "legitimate": RELIABLE,
    "credible": RELIABLE,
    "trustworthy": RELIABLE,
    "mostly true": RELIABLE,
    "0": RELIABLE,
    # unreliable
    "unreliable": UNRELIABLE,
    "fake": UNRELIABLE,
    "false": _BuiltinLabel(UNRELIABLE),
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


def _is_bool(value: Any) -> bool:
    """A real boolean: Python's (JSON ``true``, Parquet via pyarrow) or numpy's."""
    return isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool"))


def _norm_word(value: Any) -> str | None:
    """Canonical form of a label cell, ``None`` for an empty/missing one."""
    if value is None:
        return None
    if _is_bool(value):
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


def _normalise_label_map(label_map: Mapping[Any, str | None] | None) -> tuple[dict[str, str | None], frozenset[str]]:
    """(normalised word -> label, the words among true/false that the *user* mapped).

    Only those words may label a boolean cell: the built-in true/false (even when copied into a
    user's map) describe verdict words, not a boolean column of unknown meaning.
    """
    source = DEFAULT_LABEL_MAP if label_map is None else label_map
    out: dict[str, str | None] = {}
    booleans: set[str] = set()
    for key, value in source.items():
        if value is not None and value not in BINARY_LABELS:
            raise UnknownLabelError(
                f"label_map maps {key!r} to {value!r}; values must be 'reliable', 'unreliable' or None"
            )
        word = _norm_word(key)
        if word is None:
            raise UnknownLabelError(f"label_map has an empty key ({key!r})")
        if word in ("true", "false"):
            if isinstance(value, _BuiltinLabel):
                booleans.discard(word)
            else:
                booleans.add(word)
        out[word] = None if value is None else str(value)  # a plain str, never the marker
    return out, frozenset(booleans)


def _blank(value: Any) -> bool:
    """An empty cell: missing, NaN, or only whitespace."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


@dataclass
class DateStats:
    """What a :class:`ColumnMapping` met in the date column so far (see its docstring).

    Counts accumulate over every row the mapping reads (all files, when one mapping reads
    several): ``cells`` non-empty date cells; ``unparsed`` of them not readable as a date (the
    row is undated and keeps the value in ``extra["date_raw"]``), the first one in
    ``unparsed_example``; ``ambiguous`` slashed dates such as ``05/04/2020`` read month first
    although the column never showed which order it uses (the first in ``ambiguous_example``).
    ``order`` is the slash order the column is read with (``"mdy"``/``"dmy"``, ``None`` while
    undecided or when ``mixed``); ``settled`` says it was decided; ``mixed`` that the column holds
    both ``22/05/2020`` and ``05/22/2020`` kinds, so each slashed date is read on its own.
    """

    order: str | None = None
    settled: bool = False
    mixed: bool = False
    cells: int = 0
    unparsed: int = 0
    unparsed_example: Any = None
    ambiguous: int = 0
    ambiguous_example: Any = None

    def summary(self) -> str | None:
        """One line for a warning about the dates, or ``None`` when there is nothing to say."""
        parts = []
        if self.unparsed:
            parts.append(
                f"{self.unparsed:,} of {self.cells:,} dates are not readable (first: {self.unparsed_example!r}) "
                f"and those rows count as undated; accepted formats: {DATE_FORMATS_HINT}"
            )
        if self.ambiguous:
            parts.append(
                f"{self.ambiguous:,} slashed dates such as {self.ambiguous_example!r} could be month/day or "
                "day/month and were read as month/day (US); if the column is day/month, pass date_order='dmy' "
                "(--date-order dmy) or write the dates as YYYY-MM-DD"
            )
        if self.mixed:
            parts.append("the date column mixes month/day and day/month dates; each was read as it reads best")
        return "; ".join(parts) or None


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns make a :class:`Record` and how labels map.

    Column names match exactly, else ignoring case, spaces, ``_`` and ``-`` (``"Body Text"``
    finds ``body_text``) when that is unambiguous.  Columns not used end up in ``Record.extra``.
    ``label_map`` replaces :data:`DEFAULT_LABEL_MAP` entirely (values ``"reliable"``,
    ``"unreliable"`` or ``None`` = keep the row unlabelled); an empty label cell means unlabelled.
    Without ``id_col`` the id is the row index; without ``group_col`` the group is the URL's
    domain when ``url_col`` is given.

    Boolean label cells (JSON ``true``, Parquet/numpy bools) need a ``label_map`` that names
    ``"true"`` and ``"false"``: an ``is_fake`` and an ``is_real`` column look the same, so with the
    built-in words they raise :class:`~newscred.errors.UnknownLabelError` saying how to choose.
    The *words* ``"TRUE"``/``"false"`` (LIAR-style verdicts) keep their built-in meaning.

    Dates (``date_col``) are read by :func:`~newscred.datasets.readers.iso_date`.  Slashed dates
    are read one way for the whole column: ``date_order="mdy"``/``"dmy"`` forces it; by default
    the first slashed date that can only be read one way (``22/05/2020``: day first;
    ``05/22/2020``: month first) decides it for the column (:meth:`settle_date_order`;
    :func:`mapped_rows` looks up to :data:`DATE_LOOKAHEAD` rows ahead so that earlier rows follow
    it too).  Until then ambiguous ones (``05/04/2020``) are read month first and counted.
    ``dates`` (a :class:`DateStats`) counts what was met, so callers can report it; it is the only mutable
    part of the mapping.
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
    #: how slashed dates are written: "mdy" (US), "dmy", or None to decide from the column
    date_order: str | None = None
    _labels: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _bool_words: frozenset[str] = field(init=False, repr=False, compare=False)
    _resolved: dict[tuple[str, ...], dict[str, str | None]] = field(init=False, repr=False, compare=False)
    _dates: DateStats = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.date_order is not None and self.date_order not in SLASH_ORDERS:
            raise ConfigError(f"date_order must be one of {', '.join(SLASH_ORDERS)} or None, got {self.date_order!r}")
        labels, bool_words = _normalise_label_map(self.label_map)
        object.__setattr__(self, "_labels", labels)
        object.__setattr__(self, "_bool_words", bool_words)
        object.__setattr__(self, "_resolved", {})
        forced = self.date_order is not None
        object.__setattr__(self, "_dates", DateStats(order=self.date_order, settled=forced))

    @property
    def dates(self) -> DateStats:
        """What the date column held so far (see :class:`DateStats`)."""
        return self._dates

    def settle_date_order(self, values: Iterable[Any]) -> str | None:
        """Decide once, from sample date cells, how this mapping reads slashed dates.

        The first values that show an order settle it (see
        :func:`~newscred.datasets.readers.slash_date_order`); values showing both orders settle
        the column as ``mixed`` (each slashed date then read on its own); values showing neither
        leave it undecided.  Returns the order in use (``None`` if undecided or mixed).  Later
        calls change nothing once settled, nor does anything change when ``date_order`` was given.
        """
        st = self._dates
        if not st.settled:
            found = slash_order_evidence(values)
            if found:
                st.settled = True
                st.mixed = len(found) > 1
                st.order = None if st.mixed else found.pop()
        return st.order

    def _read_date(self, raw: Any) -> str | None:
        """ISO date of one date cell, counting what :class:`DateStats` counts."""
        if _blank(raw):
            return None
        st = self._dates
        st.cells += 1
        if not st.settled:
            self.settle_date_order([raw])
        date = iso_date(raw, order=st.order)
        if date is None:
            st.unparsed += 1
            if st.unparsed == 1:
                st.unparsed_example = raw
        elif st.order is None:
            fields = _slash_fields(raw)
            if fields is not None and fields[0] != fields[1] and max(fields) <= 12:
                st.ambiguous += 1
                if st.ambiguous == 1:
                    st.ambiguous_example = raw
        return date

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
        """(binary label, original word) of a label cell.

        A boolean cell is refused unless the label map names true/false (see the class docs).
        """
        word = _norm_word(value)
        if word is None:
            return None, None
        if _is_bool(value):
            if word not in self._bool_words:
                raise UnknownLabelError(
                    f"{row}: the label is the boolean {word}, and a true/false label column is ambiguous: "
                    "is it is_fake or is_real? Say which; for is_fake: label_map={'true': 'unreliable', "
                    "'false': 'reliable'}, or on the command line --label-map FILE where FILE holds the two lines "
                    "true=unreliable and false=reliable (for is_real, the reverse).",
                    label=word,
                )
            return self._labels[word], word
        original = str(value).strip()
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
            value = None if col is None else data.get(col)
            if isinstance(value, (bytes, bytearray)):  # a Parquet binary column, or a string one not UTF-8
                try:
                    return bytes(value).decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise EncodingError(f"{place}: the {col!r} value is not valid UTF-8 (byte 0x{value[exc.start]:02x} "
                                        f"at position {exc.start})", index=index, column=col) from None
            return value

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
        date = self._read_date(raw_date) if cols["date"] is not None else None
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
    date_order: str | None = None,
) -> Iterator[Record]:
    """Records from a user's CSV/TSV/JSONL/Parquet file (see :class:`ColumnMapping`).

    ``date_order`` (``"mdy"``/``"dmy"``) says how slashed dates are written; by default the date
    column decides it.  To see what was met in the date column (unreadable dates, ambiguous
    ones), build a :class:`ColumnMapping` and read with :func:`mapped_rows`: its ``dates`` says.

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
        date_order=date_order,
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

    With a date column whose slash order is not settled yet, up to :data:`DATE_LOOKAHEAD` rows
    are read ahead and their dates settle it (:meth:`ColumnMapping.settle_date_order`) before
    any Record is made, so the whole column is read one way; ``mapping.dates`` then counts the
    dates that were unreadable or ambiguous.
    """
    name = _display_name(path)
    rows = iter_rows(path, fmt, encoding=encoding)
    head: list[RowResult] = []
    if mapping.date_col is not None and not mapping.dates.settled:
        for row in rows:
            head.append(row)
            if row.error is not None or len(head) >= DATE_LOOKAHEAD:
                break
        mapping.settle_date_order(_date_cells(mapping, head))
    for row in itertools.chain(head, rows):
        if row.error is not None:
            raise row.error
        assert row.data is not None
        try:
            record = mapping.to_record(row.data, row.index, row.line)
        except NewscredError as exc:
            raise type(exc)(f"{name}: {exc.message}", **exc.context) from None
        yield row, record


def _date_cells(mapping: ColumnMapping, rows: Iterable[RowResult]) -> Iterator[Any]:
    """The date cells of ``rows`` (rows whose columns do not resolve are skipped: reading them
    raises the error in its place)."""
    for row in rows:
        if row.data is None:
            continue
        try:
            col = mapping.resolve(row.data.keys())["date"]
        except NewscredError:
            continue
        if col is not None:
            yield row.data.get(col)


def _display_name(path: str | os.PathLike[str] | IO[Any]) -> str:
    """How errors name an input: as :func:`iter_rows` names it in its own row errors."""
    if isinstance(path, (str, os.PathLike)):
        return "<stdin>" if str(path) == "-" else str(path)
    return str(getattr(path, "name", "<stream>"))
