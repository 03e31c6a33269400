"""Score many articles: one output row per input row, errors as rows, never a lost row."""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
import warnings
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from ..analyzer import Analyzer
from ..datasets.tabular import RowResult
from ..errors import EmptyInputError, InputTypeError, MissingColumnError, NewscredError, OutputError, WorkerDiedError


@dataclass
class ScoreSummary:
    """What a batch run did: every input row is counted exactly once."""

    rows: int = 0
    scored: int = 0
    errors: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)
    #: rows whose id an earlier row already had (rows without an id are not counted)
    duplicate_ids: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self, where: str) -> str:
        """The one-line run summary every backend prints: "N rows: X scored (...), E errors (...) -> OUT"."""
        labels = ", ".join(f"{k} {v}" for k, v in sorted(self.labels.items())) or "none"
        msg = (f"{self.rows} row{'s' * (self.rows != 1)}: {self.scored} scored ({labels}), "
               f"{self.errors} error{'s' * (self.errors != 1)}")
        if self.error_codes:
            msg += " (" + ", ".join(f"{k} {v}" for k, v in sorted(self.error_codes.items())) + ")"
        return f"{msg} -> {where}"

    def add(self, out: dict[str, Any]) -> None:
        self.rows += 1
        if "error" in out:
            self.errors += 1
            code = out["error"]["code"]
            self.error_codes[code] = self.error_codes.get(code, 0) + 1
        else:
            self.scored += 1
            label = out["content"]["label"]
            self.labels[label] = self.labels.get(label, 0) + 1


#: files that hold one article each (a folder of saved stories is a common way to keep them)
ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")


@dataclass(frozen=True)
class Columns:
    text: str = "text"
    title: str | None = "title"
    id: str | None = "id"
    url: str | None = "url"
    #: optional columns the user named explicitly: a table without them is refused, not scored
    #: with silently missing ids, titles or source verdicts
    required: tuple[str, ...] = ()


#: Largest integer every float holds exactly: an integral float id above it has lost digits already.
_EXACT_FLOAT = 2**53


def id_text(value: Any) -> str | None:
    """An id cell as the output's ``id`` string; None for a missing one (null, NaN, empty string).

    A string is kept exactly as it is ("0012", "12.0").  An integral float is written as the
    integer it holds ("12", not "12.0"): that is what a nullable integer column becomes in pandas
    and Spark (``12`` with a gap in the column reads as ``12.0``), and as JSON ``12.0``; a float
    beyond 2**53 keeps its float form ("1e+20"), since its digits cannot be trusted.  Integers of
    any size are exact; true/false, lists and objects are written as JSON; bytes as UTF-8.
    """
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool")):
        return "true" if value else "false"
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer() and abs(number) <= _EXACT_FLOAT:
            return str(int(number))
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "backslashreplace") or None
    if isinstance(value, (dict, list)):
        # nested ids keep a faithful JSON form rather than a Python repr
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _row_id(data: dict[str, Any] | None, id_col: str | None) -> str | None:
    """The row's own id, or None: a made-up id (the row number) could equal a real id of another
    row and attach its score to the wrong article on a join; ``row`` is the key of every row."""
    if data is not None and id_col:
        return id_text(data.get(id_col))
    return None


def output_id(data: dict[str, Any] | None, source: str | None, cols: Columns) -> str | None:
    """The ``id`` an output row gets (the same rule in the parent and in worker processes)."""
    if data is None and source is not None and source.lower().endswith(ARTICLE_SUFFIXES):
        return source  # an unreadable article file: its name is its id, as when it reads
    return _row_id(data, cols.id)


class IdTally:
    """Counts rows whose id an earlier row already had, in 8 bytes per distinct id (a 64-bit hash;
    among ten million ids the chance of one false match is about 3 in a million) rather than a
    Python set of strings, which would take ten times that on a corpus of millions."""

    def __init__(self) -> None:
        import numpy as np
        from array import array

        self._np = np
        self._seen = np.empty(0, dtype=np.uint64)  # sorted, distinct
        self._buf = array("Q")
        self._dups = 0

    def add(self, rid: str | None) -> None:
        if rid is not None:
            self._buf.append(hash(rid) & 0xFFFFFFFFFFFFFFFF)
            if len(self._buf) >= max(1 << 20, len(self._seen)):  # geometric: sorting stays O(n log n) overall
                self._flush()

    def _flush(self) -> None:
        np = self._np
        if not self._buf:
            return
        new = np.frombuffer(self._buf, dtype=np.uint64)
        uniq = np.unique(new)
        self._dups += len(new) - len(uniq)
        if len(self._seen):
            known = np.isin(uniq, self._seen, assume_unique=True)
            self._dups += int(known.sum())
            uniq = np.union1d(self._seen, uniq[~known])
        self._seen = uniq
        from array import array

        self._buf = array("Q")

    @property
    def duplicates(self) -> int:
        self._flush()
        return self._dups

    def wrap(self, rows: Iterable[RowResult], cols: Columns) -> Iterator[RowResult]:
        for row in rows:
            self.add(output_id(row.data, row.source, cols))
            yield row


def _missing_columns_message(name: str, data: dict[str, Any], missing: list[str], cols: Columns) -> str:
    found = ", ".join(map(str, data)) or "none"
    option = {cols.text: "--text-col", cols.id: "--id-col", cols.title: "--title-col", cols.url: "--url-col"}
    hint = "check " + ", ".join(f"{option.get(c, 'the column option')} {c}" for c in missing)
    plain = len(data) == 1 and " " in next(iter(data))
    return (f"{name} has no column {', '.join(repr(c) for c in missing)} (its first row has: {found[:200]}); {hint}"
            + ("; it looks like plain text, not a table: for one article use 'newscred analyze'" if plain else ""))


def checked_columns(rows: Iterable[RowResult], cols: Columns, name: str = "the input", *, per_file: bool = False,
                    on_note: Callable[[str], None] | None = None) -> Iterator[RowResult]:
    """``rows``, after checking the first readable row has the text column and every column the user
    named: a wrong --text-col or a plain-text file is one clear error for the whole input, not one
    error row per line (and exit status 0).

    ``per_file`` (a folder input): each table file's first readable row is checked, and a file
    without the columns gets a note (``on_note``) and error rows, not a run-wide error: stopping the
    run would otherwise depend on whether that file's name sorts first.  A folder where no file
    has the column still fails, as "no row could be scored"."""
    checked = False
    current: str | None = None
    warned: set[str | None] = set()
    for row in rows:
        if per_file:
            if row.source != current:
                current, checked = row.source, False
            if row.source is not None and row.source.lower().endswith(ARTICLE_SUFFIXES):
                checked = True  # an article file is one text, not a table with columns
        if row.duplicates and row.source not in warned:
            warned.add(row.source)
            _warn_duplicates(os.path.join(name, row.source) if per_file and row.source else name, row.duplicates,
                             cols, on_note)
        if not checked and row.data is not None:
            checked = True
            missing = [c for c in (cols.text, *cols.required) if c not in row.data]
            if missing:
                where = os.path.join(name, current) if per_file and current else name
                message = _missing_columns_message(where, row.data, missing, cols)
                if not per_file:
                    raise MissingColumnError(message)
                if on_note is not None:
                    what = ("its rows are error rows (input.missing_column)" if cols.text in missing
                            else "its rows are scored without them")
                    on_note(f"{message}: {what}")
        yield row


def _warn_duplicates(name: str, duplicates: tuple[str, ...], cols: Columns,
                     on_note: Callable[[str], None] | None) -> None:
    """Say which column is read when the header names a used column (text, id, title, url) twice."""
    option = {cols.text: "--text-col", cols.id: "--id-col", cols.title: "--title-col", cols.url: "--url-col"}
    for col in duplicates:
        if col not in option:
            continue  # a column the run does not read: it only comes along in the row
        message = (f"warning: {name} has more than one column named {col!r}: the first is read ({option[col]} {col}); the next "
                   f"is read as '{col}.1' (then '{col}.2', ...): pass {option[col]} {col}.1 to read that one instead, "
                   "or rename the columns")
        if on_note is not None:
            on_note(message)
        else:
            warnings.warn(message, UserWarning, stacklevel=3)


def _plain(row: RowResult) -> tuple[int, dict[str, Any] | None, dict[str, Any] | None, str | None]:
    """A picklable form of a row for worker processes."""
    return row.index, row.data, None if row.error is None else row.error.to_dict(), row.source


def score_one(analyzer: Analyzer, index: int, data: dict[str, Any] | None, error: dict[str, Any] | None,
              source: str | None, cols: Columns) -> dict[str, Any]:
    """One input row -> one output row (a report, or an ``error`` object)."""
    rid = output_id(data, source, cols)
    base: dict[str, Any] = {"row": index, "id": rid}
    if source is not None:
        base["file"] = source  # which file of the input the row came from
    if error is not None:
        return {**base, "error": error}
    data = data or {}
    try:
        if cols.text not in data:
            raise MissingColumnError(
                f"row {index} has no '{cols.text}' column (columns: {', '.join(map(str, data)) or 'none'}); "
                "choose the text column with --text-col"
            )
        text = _decoded(data[cols.text], index, cols.text)
        if text is None:
            # input.type, as analyze(None) in the library: one code for null on every surface; an
            # empty string (an empty CSV cell) stays input.empty
            raise InputTypeError(f"row {index}: the '{cols.text}' value is null (a missing value), not text")
        if not isinstance(text, str):
            raise InputTypeError(f"row {index}: the '{cols.text}' value is {type(text).__name__} {str(text)[:40]!r}, not text")
        title = _decoded(data.get(cols.title), index, cols.title) if cols.title else None
        url = _decoded(data.get(cols.url), index, cols.url) if cols.url else None
        # an empty CSV cell is a missing value, as null is in JSON lines and Parquet: the same row
        # must give the same output whatever the format ("url": null, not "")
        title = None if title is None or str(title).strip() == "" else str(title)
        url = None if url is None or str(url).strip() == "" else str(url)
        report = analyzer.analyze(text, title=title, url=url, id=rid)
        return {**base, **report.to_dict()}
    except NewscredError as exc:
        return {**base, "error": exc.to_dict()}
    except Exception as exc:  # one strange row must not end a run of millions
        return {**base, "error": {"code": "internal", "message": f"{type(exc).__name__}: {exc}"}}


def _decoded(value: Any, index: int, col: str) -> Any:
    """A bytes cell (a Parquet binary column, or a string column that is not UTF-8) as text, read
    as the library reads bytes (``analyze(b"...")``): invalid UTF-8 is ``input.encoding``, NUL
    bytes ``input.binary``, whatever format the row came from."""
    if not isinstance(value, (bytes, bytearray)):
        return value
    from ..text.validate import decode_bytes

    return decode_bytes(bytes(value), name=f"row {index}: the '{col}' value")


def score_rows(analyzer: Analyzer, rows: Iterable[RowResult], *, cols: Columns = Columns()) -> Iterator[dict[str, Any]]:
    """Turn input rows into output rows, in order, in this process."""
    for row in rows:
        yield score_one(analyzer, *_plain(row), cols)


# -- worker processes: each loads the artifact once -------------------------------------------
_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Linux: have the kernel end this worker when the parent dies (even by kill -9), instead of
    leaving it to score on and print BrokenPipeError tracebacks into the user's terminal.

    Ctrl-C reaches the whole process group: the parent stops handing out rows, cleans up its
    output and shuts the pool down, so a worker ignores it (instead of printing a
    KeyboardInterrupt traceback).  SIGTERM gets its default action back, whatever handler the
    worker inherited from a forking parent: the pool itself ends workers with SIGTERM when one of
    them dies, and so does the death signal below."""
    import signal

    for sig, action in ((signal.SIGINT, signal.SIG_IGN), (signal.SIGTERM, signal.SIG_DFL)):
        try:
            signal.signal(sig, action)
        except (OSError, ValueError):  # not the main thread of the process: keep what it has
            pass
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # no prctl here: workers just live on until their next write
        pass


def _init_worker(model_path: str, settings: dict[str, Any], cols: Columns) -> None:
    from threadpoolctl import threadpool_limits

    _die_with_parent()

    from ..analyzer import Analyzer
    from ..model.artifact import load_artifact

    # One worker per core already: a BLAS thread pool per worker would oversubscribe the cores
    # (OpenBLAS then spins, and a 2 ms claim-index product takes 15 ms).
    threadpool_limits(1)

    parent = _WORKER.pop("parent", None)
    if parent is not None and str(parent.artifact.path) == model_path and parent.settings() == settings:
        # forked from the process that loaded (and verified) the model: share its pages, copy on write
        _WORKER["analyzer"] = parent
    else:
        _WORKER["analyzer"] = Analyzer(load_artifact(model_path), **settings)
    torch = sys.modules.get("torch")
    if torch is not None:  # a transformer sentence model: torch's own thread pool, one thread per worker too
        torch.set_num_threads(1)
    _WORKER["cols"] = cols


def worker_pool(analyzer: Analyzer, workers: int, cols: Columns) -> Any:
    """A process pool (``concurrent.futures``) whose workers each hold an analyzer like ``analyzer``.

    On Linux the workers are forked and reuse the parent's loaded model (no second load and hash
    check per worker); elsewhere they are spawned and load it from its path.  A
    ``ProcessPoolExecutor`` rather than ``multiprocessing.Pool``: when a worker is killed (the
    out-of-memory killer, ``kill -9``) its futures fail with ``BrokenProcessPool``, where a
    ``Pool`` would replace the worker and wait forever for the rows it held.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    fork = sys.platform.startswith("linux")
    ctx = mp.get_context("fork" if fork else "spawn")
    if fork:
        _WORKER["parent"] = analyzer
    try:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(str(analyzer.artifact.path), analyzer.settings(), cols))
        if fork:
            pool.submit(int).result()  # forks every worker now, while they can still see the parent's model
        return pool
    finally:
        _WORKER.pop("parent", None)


def scored_chunks(analyzer: Analyzer, rows: Iterable[RowResult], cols: Columns, workers: int,
                  chunk_size: int) -> Iterator[tuple[int, list[tuple[str, dict[str, Any]]]]]:
    """(first row number, [(json line, outcome), ...]) per chunk of ``rows``, in input order, scored
    by ``workers`` processes with at most 4 chunks per worker in flight (the input is never read far
    ahead of the output).  A worker that dies ends the run with
    :class:`~newscred.errors.WorkerDiedError` naming the first row not written."""
    from concurrent.futures.process import BrokenProcessPool

    pool = worker_pool(analyzer, workers, cols)
    pending: deque[tuple[int, Any]] = deque()
    done = 0  # rows handed back so far

    def oldest() -> tuple[int, list[tuple[str, dict[str, Any]]]]:
        nonlocal done
        first, future = pending.popleft()
        results = future.result()
        done = first + len(results)
        return first, results

    try:
        for chunk in _chunks(rows, chunk_size):
            pending.append((chunk[0][0], pool.submit(_score_chunk, chunk)))
            while len(pending) >= 4 * workers:
                yield oldest()
        while pending:
            yield oldest()
    except BrokenProcessPool:
        raise WorkerDiedError(
            f"a scoring worker process ended abruptly (killed, or out of memory?) after {done:,} rows. With a folder as "
            "output the parts written so far are kept: rerun with --resume to finish; a single output file is left as "
            "it was before the run. Fewer --workers use less memory.", row=done) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome(out: dict[str, Any]) -> dict[str, Any]:
    """The part of an output row the summary needs (so workers need not ship whole reports twice)."""
    if "error" in out:
        return {"error": {"code": out["error"]["code"]}}
    return {"content": {"label": out["content"]["label"]}}


def _score_chunk(chunk: list[tuple[int, dict[str, Any] | None, dict[str, Any] | None, str | None]]) -> list[tuple[str, dict[str, Any]]]:
    analyzer, cols = _WORKER["analyzer"], _WORKER["cols"]
    results = []
    for i, d, e, f in chunk:
        out = score_one(analyzer, i, d, e, f, cols)
        results.append((json.dumps(out, ensure_ascii=False), _outcome(out)))
    return results


def _chunks(rows: Iterable[RowResult], size: int) -> Iterator[list[tuple[int, Any, Any, Any]]]:
    it = iter(rows)
    while chunk := [_plain(r) for r in islice(it, size)]:
        yield chunk


def score_file(
    analyzer: Analyzer,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str] | IO[str],
    *,
    fmt: str | None = None,
    cols: Columns = Columns(),
    workers: int = 1,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ScoreSummary:
    """Score ``source`` (JSONL/CSV/TSV/Parquet path, a folder, or "-" for stdin) into a JSONL ``dest``.

    With ``workers > 1`` rows are scored by a process pool (each worker loads the artifact once);
    output order is input order either way.  ``on_note`` receives remarks about the input that do
    not stop the run (a file of a folder without the text column).  The summary's
    ``duplicate_ids`` counts rows whose id an earlier row already had.
    """
    summary = ScoreSummary()
    tmp: Path | None = None
    from .runner import input_files, input_rows

    files = input_files(source)
    folder = files is not None and Path(source).is_dir()
    tally = IdTally()
    rows = checked_columns(input_rows(source, fmt, files), cols, "<stdin>" if str(source) == "-" else str(source),
                           per_file=folder, on_note=on_note)
    rows = tally.wrap(rows, cols)
    if isinstance(dest, (str, os.PathLike)) and str(dest) != "-":
        final = Path(dest)
        check_output_file(final, source)
        # Written beside the destination and renamed into place only when every row is in: a run
        # that fails (a typo in the input name, a missing extra) leaves an existing file untouched.
        _remove_stale_temporaries(final)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        try:
            fh: IO[str] = open(tmp, "w", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from None
    else:
        fh = sys.stdout if dest is None or str(dest) == "-" else dest  # type: ignore[assignment]
    ok = False
    try:
        if workers <= 1:
            for out in score_rows(analyzer, rows, cols=cols):
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
                summary.add(out)
                if progress is not None:
                    progress(1)
        else:
            for _first, results in scored_chunks(analyzer, rows, cols, workers, chunk_size):
                for line, outcome in results:
                    fh.write(line + "\n")
                    summary.add(outcome)
                if progress is not None:
                    progress(len(results))
        if not summary.rows:
            # a header line and nothing else, e.g. one line of plain text piped in: not a batch
            raise EmptyInputError(f"{'<stdin>' if str(source) == '-' else source} has no rows (a header line only?); "
                                  "for one article, use 'newscred analyze'")
        summary.duplicate_ids = tally.duplicates
        ok = True
    finally:
        if tmp is not None:
            fh.close()
            if ok:
                os.replace(tmp, final)
            else:
                tmp.unlink(missing_ok=True)
    return summary


def _remove_stale_temporaries(final: Path) -> None:
    """Delete ``.NAME.PID.tmp`` files that runs killed outright (kill -9) left beside ``final``;
    a temporary file whose process still runs belongs to a live run and stays."""
    for stale in final.parent.glob(f".{final.name}.*.tmp"):
        pid = stale.name[len(final.name) + 2 : -4]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            stale.unlink(missing_ok=True)
        except OSError:  # alive but not ours (EPERM): leave it
            continue


def check_not_in_input(dest: Path, source: str | os.PathLike[str]) -> None:
    """Refuse an output that is the input file, or lies inside the input folder (where it would
    overwrite an input file, or be read as input by the next run)."""
    src = Path(source)
    try:
        target, origin = dest.resolve(), src.resolve()
    except OSError:
        return
    if target == origin:
        raise OutputError(f"{dest} is also the input: scoring it would overwrite the rows being read. Choose another output.")
    if src.is_dir() and origin in target.parents:
        raise OutputError(f"{dest} is inside the input folder {source}: it could overwrite an input file, and the next run "
                          "would read it as input. Write outside the folder.")


def check_output_file(dest: Path, source: str | os.PathLike[str] | IO[str] | None = None) -> None:
    """Refuse an output file that is a folder, that cannot be created, or that is the input itself."""
    if dest.is_dir():
        raise OutputError(f"{dest} is a folder; give a .jsonl file name, or a folder name ending in '/' for output in parts")
    if isinstance(source, (str, os.PathLike)) and str(source) != "-":
        check_not_in_input(dest, source)
    blocking = next((p for p in dest.parents if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise OutputError(f"cannot write {dest}: {blocking} is a file, not a folder")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder for {dest}: {exc.strerror or exc}") from None
