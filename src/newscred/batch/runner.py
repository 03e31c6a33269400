"""Corpus-scale scoring: parts committed atomically, a run manifest, ``--resume``, bounded memory.

Layout of an output directory::

    OUT/
      part-00000.jsonl     rows 0 .. part_size-1, in input order (or .parquet)
      part-00001.jsonl
      _manifest.json       model sha256, input digest, newscred version, the options that shape a
                           row, part list with counts and hashes

A part is written to ``part-NNNNN.jsonl.tmp`` and renamed into place when complete, then the
manifest is rewritten (also via rename).  After a crash (even ``kill -9``) the directory holds
only complete parts; ``--resume`` checks that the model, the input, the newscred version and
every option that shapes a row are the same, checks each committed part against the sha256 and
row count the manifest recorded (a missing or altered part is scored again), re-reads the input
past the committed rows and continues with the first missing part.  Every input row ends up in
exactly one part, as a report or as an error row.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..analyzer import Analyzer
from ..datasets.tabular import RowResult, iter_rows
from ..errors import ConfigError, EmptyInputError, InputError, MissingColumnError, NewscredError, OutputError
from .score import (ARTICLE_SUFFIXES, Columns, IdTally, ScoreSummary, check_not_in_input, _outcome, _plain, checked_columns,
                    score_one, scored_chunks)

MANIFEST = "_manifest.json"
INPUT_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".csv.gz", ".tsv.gz")


@dataclass
class FolderScan:
    """What a folder input holds: the files read, and what is left out (and why)."""

    files: list[Path] = field(default_factory=list)
    hidden: list[Path] = field(default_factory=list)  # names starting with "." (files or folders)
    empty: list[Path] = field(default_factory=list)  # table files of nothing but white space
    other: list[Path] = field(default_factory=list)  # neither a table nor an article (.pdf, _SUCCESS)


def _blank(path: Path) -> bool:
    """A table file with nothing but white space in it: no rows, no header.  Read only until the
    first other byte, which for a real table is at once."""
    name = path.name.lower()
    try:
        if path.stat().st_size == 0:
            return True
        if name.endswith(".parquet"):
            return False
        import gzip

        with (gzip.open(path, "rb") if name.endswith(".gz") else open(path, "rb")) as fh:
            for block in iter(lambda: fh.read(1 << 16), b""):
                if block.replace(b"\xef\xbb\xbf", b"").strip():
                    return False
    except Exception:  # noqa: BLE001 - unreadable, a broken gzip (OSError, EOFError, zlib.error): the reader reports it
        return False
    return True


def scan_folder(root: Path) -> FolderScan:
    """Walk ``root`` and sort its files into a :class:`FolderScan` (links to folders are not
    followed, as ``Path.rglob`` does not).

    Hidden entries are skipped as Spark and Hadoop readers skip them: ``.ipynb_checkpoints/``,
    ``.Trash/``, ``.git/`` or an editor's ``.swp`` file hold copies or junk, not the corpus, and
    scoring them would add rows silently.  Their contents are not even listed (a ``.git/`` can hold
    a million files)."""
    scan = FolderScan()

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.startswith("."):
                scan.hidden.append(entry)
            elif entry.is_dir():
                if not entry.is_symlink():
                    walk(entry)
            elif not entry.is_file():
                continue
            elif not entry.name.lower().endswith(INPUT_SUFFIXES + ARTICLE_SUFFIXES):
                scan.other.append(entry)
            elif not entry.name.lower().endswith(ARTICLE_SUFFIXES) and _blank(entry):
                scan.empty.append(entry)
            else:
                scan.files.append(entry)

    walk(root)
    scan.files.sort()
    return scan


def input_files(source: str | os.PathLike[str]) -> list[Path] | None:
    """The files of an input: one file, every table or article file in a directory (sorted; hidden
    and empty ones left out, see :func:`scan_folder`), or None for stdin."""
    if str(source) == "-":
        return None
    path = Path(source)
    if path.is_dir():
        scan = scan_folder(path)
        if not scan.files:
            if scan.empty:
                raise EmptyInputError(f"{source}: every table file in this folder is empty "
                                      f"({', '.join(p.relative_to(path).as_posix() for p in scan.empty[:3])}"
                                      f"{', ...' if len(scan.empty) > 3 else ''})")
            raise InputError(f"{source}: no table files (.jsonl/.csv/.tsv/.parquet) and no article files "
                             "(.txt/.md/.html, one article each) in this directory"
                             + (" (hidden files and folders, whose names start with '.', are not read)" if scan.hidden else ""))
        return scan.files
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    return [path]


def skipped_files(source: str | os.PathLike[str]) -> list[Path]:
    """Files in a folder input that are neither tables nor articles (a .pdf, an image): not read."""
    path = Path(source)
    if str(source) == "-" or not path.is_dir():
        return []
    return scan_folder(path).other


def unread_note(source: str | os.PathLike[str]) -> str | None:
    """One line saying what in a folder input will not be read, and why; None when all of it is."""
    path = Path(source)
    if str(source) == "-" or not path.is_dir():
        return None
    scan = scan_folder(path)

    def names(paths: list[Path]) -> str:
        shown = [p.relative_to(path).as_posix() + ("/" if p.is_dir() else "") for p in paths[:3]]
        return ", ".join(shown) + (", ..." if len(paths) > 3 else "")

    groups = [(scan.other, "neither a table nor an article"),
              (scan.hidden, "hidden: a name starting with '.', skipped as Spark and Hadoop do"),
              (scan.empty, "empty")]
    parts = [f"{names(paths)} ({why})" for paths, why in groups if paths]
    if not parts:
        return None
    n = sum(len(paths) for paths, _ in groups)
    noun = "item" if any(p.is_dir() for p in scan.hidden) else "file"
    return f"note: {n} {noun}{'s' * (n != 1)} in {source} will not be read: " + "; ".join(parts)


def _article_row(index: int, path: Path, name: str, source: str | None) -> RowResult:
    """One article file as one row: ``id`` is its path (in the folder, or as given); pages are
    read by the analyzer.  A file that cannot be read is an error row that still names it."""
    from ..text.validate import decode_bytes

    try:
        text = decode_bytes(path.read_bytes(), name=name)
    except NewscredError as exc:
        return RowResult(index, None, exc, None, source or name)
    except OSError as exc:
        return RowResult(index, None, InputError(f"{name}: cannot be read ({exc.strerror or exc})"), None, source or name)
    return RowResult(index, {"id": name, "text": text}, None, None, source)


def input_digest(files: list[Path]) -> str:
    """sha256 over the files' names, sizes and contents: a resumed run must read the same input."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + str(path.stat().st_size).encode() + b"\0")
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def estimate_rows(files: list[Path] | None) -> int | None:
    """A quick row count for the progress bar's ETA (newlines for text, metadata for Parquet)."""
    if not files:
        return None
    total = 0
    for path in files:
        name = path.name.lower()
        if name.endswith(".parquet"):
            try:
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            except Exception:  # noqa: BLE001 - only an estimate
                return None
        elif name.endswith(".gz"):
            return None
        else:
            with open(path, "rb") as fh:
                lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
            total += lines - (1 if name.endswith((".csv", ".tsv")) else 0)
    return total


def rows_of(files: list[Path] | None, fmt: str | None, root: str | os.PathLike[str] | None = None) -> Iterator[RowResult]:
    """All rows of all files as one stream, re-indexed globally from 0.

    With ``root`` (a folder input) every row names its file, relative to ``root``; an article file
    (.txt, .md, .html) is one row.
    """
    sources: list[Any] = ["-"] if files is None else files
    offset = 0
    for src in sources:
        name = None if root is None or src == "-" else Path(src).relative_to(root).as_posix()
        if src != "-" and fmt is None and str(src).lower().endswith(ARTICLE_SUFFIXES):
            yield _article_row(offset, Path(src), name or str(src), name)
            offset += 1
            continue
        count = 0
        try:
            for row in iter_rows(src, fmt):
                count += 1
                yield replace(row, index=offset + row.index, source=name)
        except NewscredError as exc:
            if root is None:
                raise
            # In a folder, one file that cannot be read as a table (an unknown extension, UTF-16,
            # a broken Parquet footer) is one error row naming it, not the end of the whole crawl.
            yield RowResult(offset + count, None, exc, None, name)
            count += 1
        offset += count


def input_rows(source: str | os.PathLike[str], fmt: str | None = None,
               files: list[Path] | None = None) -> Iterator[RowResult]:
    """Every row of ``source``: a table, an article file, a folder of them, or "-" (stdin).
    ``files``: ``input_files(source)`` when the caller has it."""
    files = input_files(source) if files is None else files
    root = source if files is not None and Path(source).is_dir() else None
    return rows_of(files, fmt, root)


#: What each option that shapes an output row is called on the command line (for messages).
OPTION_NAMES = {"text_col": "--text-col", "id_col": "--id-col", "title_col": "--title-col", "url_col": "--url-col",
                "prior": "--prior", "mode": "--mode", "provenance": "--provenance", "claims": "--claims",
                "claims_index": "--claims-index", "max_chars": "--max-chars", "ratings_file": "--ratings-file",
                "output_format": "--output-format", "claim_model": "--claim-model", "sentence_model": "--sentence-model"}


def _file_sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def run_options(analyzer: Analyzer, cols: Columns, output_format: str) -> dict[str, Any]:
    """Every setting that changes what an output row says, as recorded in the manifest.  Files are
    recorded by content (sha256), not by name: the same ratings under another path score the same,
    and an edited file under the same name does not."""
    settings = analyzer.settings()
    ratings = settings.get("ratings_file")
    index = settings.get("claims_index") if settings.get("claims") else None  # unused without claims
    return {
        "text_col": cols.text, "id_col": cols.id, "title_col": cols.title, "url_col": cols.url,
        "prior": settings["prior"], "mode": settings["mode"], "provenance": settings["provenance"],
        "claims": settings["claims"], "max_chars": settings["max_chars"],
        # a claims index folder is identified by its manifest, which holds the sha256 of each of its files
        "claims_index": None if index is None else {"path": str(index),
                                                    "sha256": _file_sha256(Path(index) / "manifest.json")},
        "ratings_file": None if ratings is None else {"path": str(ratings), "sha256": _file_sha256(Path(ratings))},
        "output_format": output_format,
        # a claim model is identified by its manifest, which holds the sha256 of each of its files
        "claim_model": None if not settings.get("claim_model") else {
            "path": str(settings["claim_model"]), "sha256": _file_sha256(Path(settings["claim_model"]) / "manifest.json")},
        # the sentence model shapes only the claims section
        "sentence_model": None if not (settings.get("sentence_model") and settings["claims"]) else {
            "path": str(settings["sentence_model"]),
            "sha256": _file_sha256(Path(settings["sentence_model"]) / "manifest.json")},
    }


#: options naming a file or folder, recorded (and compared on --resume) by content
_FILE_OPTIONS = ("ratings_file", "claims_index", "claim_model", "sentence_model")


def _same(key: str, a: Any, b: Any) -> bool:
    if key in _FILE_OPTIONS and isinstance(a, dict) and isinstance(b, dict):
        return a.get("sha256") == b.get("sha256")
    return bool(a == b)


def _shown(key: str, value: Any) -> str:
    """An option as the user would type it."""
    flag = OPTION_NAMES.get(key, key)
    if key in ("provenance", "claims"):
        return flag if value else flag.replace("--", "--no-", 1)
    if key in _FILE_OPTIONS:
        if value is None:
            return f"no {flag}"
        return f"{flag} {value.get('path')} (sha256 {str(value.get('sha256'))[:12]})"
    if value is None:
        return f"{flag} ''"
    return f"{flag} {value}"


def options_differ(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The options of ``current`` that differ from ``recorded``, in command-line terms."""
    return [key for key in OPTION_NAMES if key in recorded or key in current
            if not _same(key, recorded.get(key), current.get(key))]


#: How output rows are written, within one newscred version: raised when a development build changes
#: a row's spelling (2: an integral float id is written as the integer it holds), so that
#: ``--resume`` never mixes two spellings in one folder.
ROW_FORMAT = 2


@dataclass
class Manifest:
    model: dict[str, str]
    input: dict[str, Any]
    part_size: int
    output_format: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    started_at: str = ""
    finished_at: str | None = None
    #: None in a manifest written before versions and options were recorded
    newscred_version: str | None = None
    options: dict[str, Any] | None = None
    duplicate_ids: int = 0
    #: how rows are written (:data:`ROW_FORMAT`); None in a manifest written before it was recorded
    row_format: int | None = None

    @property
    def committed_rows(self) -> int:
        return sum(p["rows"] for p in self.parts)

    def summary(self) -> ScoreSummary:
        s = ScoreSummary()
        for p in self.parts:
            s.rows += p["rows"]
            s.scored += p["scored"]
            s.errors += p["errors"]
            for k, v in p.get("labels", {}).items():
                s.labels[k] = s.labels.get(k, 0) + v
            for k, v in p.get("error_codes", {}).items():
                s.error_codes[k] = s.error_codes.get(k, 0) + v
        s.duplicate_ids = self.duplicate_ids
        return s

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["counts"] = self.summary().to_dict()
        return d

    def write(self, out_dir: Path) -> None:
        tmp = out_dir / (MANIFEST + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_dict(), indent=1))
            os.replace(tmp, out_dir / MANIFEST)
        except BaseException:
            # Ctrl-C or SIGTERM (raised as an exception here) between the two steps: the previous
            # manifest is intact; leave no half-written copy beside it
            tmp.unlink(missing_ok=True)
            raise

    @classmethod
    def read(cls, out_dir: Path) -> "Manifest":
        d = json.loads((out_dir / MANIFEST).read_text())
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def _part_problem(out: Path, part: dict[str, Any]) -> str | None:
    """Why a committed part cannot be trusted (missing, altered, truncated), or None."""
    path = out / part["file"]
    if not path.is_file():
        return "is missing"
    digest = hashlib.sha256()
    lines = 0
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                lines += block.count(b"\n")
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if part.get("sha256") and digest.hexdigest() != part["sha256"]:
        return "does not match the sha256 the manifest recorded"
    if path.name.endswith(".jsonl") and lines != part["rows"]:
        return f"has {lines:,} rows, not the {part['rows']:,} the manifest recorded"
    return None


def check_parts(out: Path, manifest: Manifest) -> dict[int, str]:
    """{part number: what is wrong with it} for every committed part that cannot be trusted."""
    problems = {}
    for number, part in enumerate(manifest.parts):
        problem = _part_problem(out, part)
        if problem is not None:
            problems[number] = problem
    return problems


class _PartWriter:
    """Writes one part to a temporary file and commits it with a rename."""

    def __init__(self, out_dir: Path, number: int, fmt: str) -> None:
        self.final = out_dir / f"part-{number:05d}.{fmt}"
        self.tmp = self.final.with_name(self.final.name + ".tmp")
        self.fmt = fmt
        self.summary = ScoreSummary()
        self.first_row: int | None = None
        self._lines: list[str] = []
        self._fh = open(self.tmp, "w", encoding="utf-8") if fmt == "jsonl" else None

    def add(self, row: int, line: str, outcome: dict[str, Any]) -> None:
        if self.first_row is None:
            self.first_row = row
        self.summary.add(outcome)
        if self._fh is not None:
            self._fh.write(line + "\n")
        else:
            self._lines.append(line)

    def discard(self) -> None:
        """Drop the unfinished part (the run was stopped): no ``.tmp`` file is left behind."""
        if self._fh is not None and not self._fh.closed:
            self._fh.close()
        self.tmp.unlink(missing_ok=True)

    def commit(self) -> dict[str, Any]:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        else:
            _write_parquet(self.tmp, self._lines)
        digest = hashlib.sha256(self.tmp.read_bytes()).hexdigest()
        os.replace(self.tmp, self.final)
        s = self.summary
        return {"file": self.final.name, "first_row": self.first_row, "rows": s.rows, "scored": s.scored,
                "errors": s.errors, "labels": s.labels, "error_codes": s.error_codes, "sha256": digest}


def _write_parquet(path: Path, lines: list[str]) -> None:
    """Flat columns for the common questions, plus the full report as JSON text."""
    from ..errors import require

    pa = require("pyarrow", "parquet")
    import pyarrow.parquet as pq

    # An explicit schema: a part without errors must not get null-typed error columns, or the
    # parts could not be read back as one dataset (pyarrow.parquet.read_table("OUT/")).
    schema = pa.schema([("row", pa.int64()), ("id", pa.string()), ("file", pa.string()), ("p_unreliable", pa.float64()),
                        ("label", pa.string()), ("error_code", pa.string()), ("error_message", pa.string()),
                        ("report", pa.string())])
    cols: dict[str, list[Any]] = {name: [] for name in schema.names}
    for line in lines:
        d = json.loads(line)
        cols["row"].append(d["row"])
        cols["id"].append(d["id"])
        cols["file"].append(d.get("file"))
        err = d.get("error")
        cols["p_unreliable"].append(None if err else d["content"]["p_unreliable"])
        cols["label"].append(None if err else d["content"]["label"])
        cols["error_code"].append(err["code"] if err else None)
        cols["error_message"].append(err["message"] if err else None)
        cols["report"].append(line)
    pq.write_table(pa.table(cols, schema=schema), path)


def _ordered_results(analyzer: Analyzer, rows: Iterable[RowResult], cols: Columns, workers: int,
                     chunk_size: int) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(row, json line, outcome) in input order; with workers, at most 4 chunks per worker in flight."""
    if workers <= 1:
        for row in rows:
            out = score_one(analyzer, *_plain(row), cols)
            yield out["row"], json.dumps(out, ensure_ascii=False), _outcome(out)
        return
    # Each row's own number, not first-of-chunk + k: a resumed run scores committed parts again
    # as well as the rows past them, so one chunk can hold two separate runs of rows.
    numbers: deque[int] = deque()  # rows in flight, in order: bounded like the chunks

    def noted(rows: Iterable[RowResult]) -> Iterator[RowResult]:
        for row in rows:
            numbers.append(row.index)
            yield row

    for _first, results in scored_chunks(analyzer, noted(rows), cols, workers, chunk_size):
        for line, outcome in results:
            yield numbers.popleft(), line, outcome


def _never_started(out: Path) -> bool:
    """A run folder holding only the manifest of a run that committed nothing (and stray .tmp files)."""
    names = {p.name for p in out.iterdir() if not p.name.endswith(".tmp")}
    if names != {MANIFEST}:
        return False
    try:
        manifest = Manifest.read(out)
    except Exception:  # noqa: BLE001 - unreadable: leave it for the user, the normal checks report it
        return False
    return not manifest.parts and not manifest.complete


def _check_resumable(out: Path, manifest: Manifest, version: str, options: dict[str, Any]) -> None:
    """Refuse to add rows scored differently from the committed ones: the output would mix two
    meanings of a row (another text column, prior or mode) with nothing in it to tell them apart."""
    if manifest.options is None or manifest.newscred_version is None:
        # Refused rather than trusted: such a manifest cannot say which --text-col, --prior,
        # --mode ... its parts were scored with, and guessing wrong corrupts the output silently,
        # while refusing only costs scoring the input again.
        raise ConfigError(f"cannot resume {out}: its {MANIFEST} comes from an older newscred that did not record the "
                          "newscred version or the options its rows were scored with (--text-col, --prior, --mode, ...), "
                          "so this run cannot check it would score the remaining rows the same way; score into a new folder")
    if manifest.newscred_version != version:
        raise ConfigError(f"cannot resume {out}: it was started with newscred {manifest.newscred_version} and this is "
                          f"newscred {version}, whose rows can differ; finish it with newscred {manifest.newscred_version}, "
                          "or score into a new folder")
    if manifest.row_format != ROW_FORMAT:
        raise ConfigError(f"cannot resume {out}: its rows were written by a development build of newscred "
                          f"{manifest.newscred_version} that wrote some ids differently (a whole-number id as '12.0', "
                          "not '12'), so the folder would mix two spellings of one id; score into a new folder")
    differ = options_differ(manifest.options, options)
    if differ:
        was = ", ".join(_shown(k, manifest.options.get(k)) for k in differ)
        now = ", ".join(_shown(k, options.get(k)) for k in differ)
        raise ConfigError(f"cannot resume {out}: it was started with {was} (this run: {now}); resume with the options "
                          "it was started with, or score into a new folder")


def _rows_to_score(rows: Iterable[RowResult], committed: int, redo: list[tuple[int, int, int]],
                   seen: list[int]) -> Iterator[RowResult]:
    """The rows past the committed ones, and those of committed parts to score again (``redo``:
    sorted (first row, end row, part number)).  ``seen[0]`` counts every row read."""
    pending = iter(redo)
    current = next(pending, None)
    for row in rows:
        seen[0] += 1
        if row.index >= committed:
            yield row
            continue
        while current is not None and row.index >= current[1]:
            current = next(pending, None)
        if current is not None and current[0] <= row.index:
            yield row


def score_corpus(
    analyzer: Analyzer,
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    cols: Columns = Columns(),
    workers: int = 1,
    part_size: int = 10000,
    output_format: str = "jsonl",
    resume: bool = False,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int | None], None] | None = None,
    resumed: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Manifest:
    """Score ``source`` into parts under ``out_dir``; see the module docstring.

    ``progress(n)``: n more rows scored.  ``resumed(n)``: called once, with the rows a resumed run
    finds already committed (without it, ``progress`` gets them).  ``on_note``: remarks that do
    not stop the run (a part scored again, a file of a folder without the text column).
    """
    from .. import __version__

    if output_format not in ("jsonl", "parquet"):
        raise ConfigError(f"output format must be jsonl or parquet, not {output_format!r}")
    out = Path(out_dir)
    files = input_files(source)
    model_info = analyzer.model_info.to_dict()
    digest = input_digest(files) if files else None
    input_info = {"source": str(source), "files": [str(f) for f in files] if files else ["-"], "sha256": digest}
    options = run_options(analyzer, cols, output_format)
    if str(source) != "-":
        check_not_in_input(out, source)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; folder output needs a folder name (or give a .jsonl file name for one file)")
    if out.is_dir() and _never_started(out):
        # a run that failed before its first part (a missing extra, a bad column): start it afresh
        (out / MANIFEST).unlink()
        for stale in out.glob("*.tmp"):
            stale.unlink()
    if out.exists() and any(out.iterdir()):
        if not resume:
            raise ConfigError(f"{out} is not empty. Use --resume to continue a run there, or choose a new folder.")
        if not (out / MANIFEST).is_file():
            raise ConfigError(f"{out} has no {MANIFEST}: it is not a newscred run folder, so it cannot be resumed")
        manifest = Manifest.read(out)
        if manifest.model.get("sha256") != model_info["sha256"]:
            raise ConfigError(f"{out} was scored with model {manifest.model.get('name')} {manifest.model.get('sha256', '')[:12]}; "
                              f"this run uses {model_info['sha256'][:12]}. Resume with the same model or start a new folder.")
        if digest is None or manifest.input.get("sha256") != digest:
            raise ConfigError(f"the input differs from the one {out} was started with (or is standard input); "
                              "resume needs the same files")
        _check_resumable(out, manifest, __version__, options)
        part_size = manifest.part_size  # how rows are grouped into files changes no row: the run's own holds
        for stale in out.glob("*.tmp"):
            stale.unlink()
    else:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
        manifest = Manifest(model_info, input_info, part_size, output_format,
                            started_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                            newscred_version=__version__, options=options, row_format=ROW_FORMAT)
        manifest.write(out)
    # "--resume exits 0" must mean "every row is on disk": a part deleted or cut short since it
    # was committed is scored again from the input rather than trusted.
    problems = check_parts(out, manifest)
    if manifest.complete and not problems:
        return manifest
    starts = [0]
    for part in manifest.parts:
        starts.append(starts[-1] + part["rows"])
    redo = sorted((starts[n], starts[n + 1], n) for n in problems)
    for n, problem in sorted(problems.items()):
        if on_note is not None:
            on_note(f"{out / manifest.parts[n]['file']} {problem}: scoring its {manifest.parts[n]['rows']:,} rows again")
    if on_total is not None:
        total = estimate_rows(files)
        on_total(total)
    committed = manifest.committed_rows
    done = committed - sum(end - first for first, end, _ in redo)
    if done:
        if resumed is not None:
            resumed(done)
        elif progress is not None:
            progress(done)
    tally = IdTally()
    folder = files is not None and Path(source).is_dir()
    rows = checked_columns(input_rows(source, fmt, files), cols, str(source) if files else "<stdin>",
                           per_file=folder, on_note=on_note)
    seen = [0]
    rows = _rows_to_score(tally.wrap(rows, cols), committed, redo, seen)  # committed rows are re-read, not re-scored
    writer: _PartWriter | None = None
    number, limit = 0, 0
    rewritten: set[int] = set()
    try:
        for row, line, outcome in _ordered_results(analyzer, rows, cols, workers, chunk_size):
            if writer is None:
                if row < committed:  # a committed part scored again, under its own number and size
                    number = bisect_right(starts, row) - 1
                    limit = manifest.parts[number]["rows"]
                else:
                    number, limit = len(manifest.parts), part_size
                writer = _PartWriter(out, number, output_format)
            writer.add(row, line, outcome)
            if writer.summary.rows >= limit:
                entry = writer.commit()
                if number < len(manifest.parts):
                    manifest.parts[number] = entry
                    rewritten.add(number)
                else:
                    manifest.parts.append(entry)
                manifest.write(out)
                writer = None
            if progress is not None:
                progress(1)
        if writer is not None:
            if number < len(manifest.parts):
                raise OutputError(f"{out}: the input ended inside part {number}, which the manifest says holds "
                                  f"{limit:,} rows; the folder is not a complete run of this input: score into a new folder")
            manifest.parts.append(writer.commit())
            writer = None
    except BaseException:
        if writer is not None:
            writer.discard()
        # A signal can land inside _PartWriter() after its file was opened but before `writer`
        # names it; the folder is this run's, so every unfinished part goes.
        for stale in out.glob("part-*.tmp"):
            stale.unlink(missing_ok=True)
        raise
    if set(problems) - rewritten or seen[0] != manifest.committed_rows:
        raise OutputError(f"{out}: the input has {seen[0]:,} rows but the parts hold {manifest.committed_rows:,}; the folder "
                          "is not a complete run of this input: score into a new folder")
    manifest.duplicate_ids = tally.duplicates
    manifest.complete = True
    manifest.finished_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    manifest.write(out)
    return manifest


# --------------------------------------------------------------------------------------------
# A whole run, as `newscred score` makes it: output kind, stopping on signals, its outcome
# --------------------------------------------------------------------------------------------

#: output names that mean one JSONL file (``"-"``: standard output); any other name is a folder of parts
FILE_SUFFIXES = (".jsonl", ".json", ".ndjson")


def single_file_output(output: str | os.PathLike[str]) -> bool:
    """Whether ``output`` names one JSONL file (or ``"-"``) rather than a folder of parts."""
    return str(output) == "-" or str(output).lower().endswith(FILE_SUFFIXES)


class Stopped(BaseException):
    """SIGTERM or Ctrl-C during :func:`stop_on_signals`: a BaseException, so that no ``except
    Exception`` on the way swallows it, and every ``finally`` (the temporary output file, the
    worker pool) still runs.  ``rows``: rows :func:`score_to` had handled when it came."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.rows = 0


@contextlib.contextmanager
def stop_on_signals() -> Iterator[type[Stopped]]:
    """Turn SIGTERM (what Kubernetes, systemd, Airflow and ``timeout`` send) and SIGINT into
    :class:`Stopped`, so both clean up like an error and the exit status can say which one it was
    (143, 130) instead of 1, the status of an unusable input.  A second signal while cleaning up
    quits at once (temporary files are then removed by the next run).  Outside the main thread
    (where no handler may be set) signals keep their handlers."""
    import signal
    import threading

    def handler(signum: int, frame: Any) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda n, f: os._exit(128 + n))
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield Stopped
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def stopped_message(stop: Stopped, output: str | os.PathLike[str]) -> str:
    """One line saying where a stopped run left its output, and what to do next."""
    import signal

    signum, rows, output = stop.signum, stop.rows, str(output)
    what = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C (SIGINT)" if signum == signal.SIGINT else f"signal {signum}"
    if output == "-":
        return f"stopped by {what} after {rows:,} rows written to standard output"
    if single_file_output(output):
        return (f"stopped by {what} after {rows:,} rows; {output} was not written (a file there before is left as it "
                "was): run the command again to score the input")
    try:
        manifest = json.loads((Path(output) / MANIFEST).read_text())
    except (OSError, ValueError):
        return f"stopped by {what} before any part was written to {output}"
    parts = manifest.get("parts", [])
    done = sum(p.get("rows", 0) for p in parts)
    return (f"stopped by {what}: {done:,} rows are committed in {len(parts)} part{'s' * (len(parts) != 1)} in {output}; "
            "to score the rest, run the same command again with --resume")


def score_to(
    analyzer: Analyzer,
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    cols: Columns = Columns(),
    workers: int = 1,
    part_size: int = 10000,
    output_format: str = "jsonl",
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int | None], None] | None = None,
    resumed: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> tuple[ScoreSummary, str]:
    """Score ``source`` into one JSONL file (``output`` ending in .jsonl/.json/.ndjson, or "-") with
    :func:`~newscred.batch.score.score_file`, or into a folder of parts with :func:`score_corpus`.

    Returns the summary and how to name where the rows went.  ``on_total`` gets an estimate of
    the input's rows (for a progress bar's ETA); the other callbacks are :func:`score_corpus`'s.
    Stopped by :class:`Stopped` (see :func:`stop_on_signals`), it sets the rows it had handled on
    the exception before letting it through.
    """
    from .score import score_file

    handled = [0]

    def count(n: int) -> None:
        handled[0] += n
        if progress is not None:
            progress(n)

    try:
        if single_file_output(output):
            if resume:
                raise ConfigError("--resume needs a folder as output (parts and a manifest)")
            if on_total is not None:  # the folder runner sets its own total (it knows what is already done)
                try:
                    on_total(estimate_rows(input_files(source)))
                except Exception:  # noqa: BLE001 - only for the ETA; the run reports real problems itself
                    pass
            summary = score_file(analyzer, source, output, fmt=fmt, cols=cols, workers=workers, progress=count,
                                 on_note=on_note)
            return summary, str(output)
        manifest = score_corpus(analyzer, source, output, fmt=fmt, cols=cols, workers=workers, part_size=part_size,
                                output_format=output_format, resume=resume, progress=count, on_total=on_total,
                                resumed=resumed, on_note=on_note)
        n = len(manifest.parts)
        return manifest.summary(), f"{output} ({n} part{'s' * (n != 1)}, manifest {os.path.join(output, MANIFEST)})"
    except Stopped as stop:
        stop.rows = handled[0]
        raise


def duplicate_ids_warning(summary: ScoreSummary) -> str | None:
    """The warning a run prints when rows share an id, or None."""
    n = summary.duplicate_ids
    if not n:
        return None
    return (f"warning: {n:,} row{'s' * (n != 1)} share{'s' * (n == 1)} an id with an earlier row; join the output "
            "on 'row' (the input row number), not on 'id'")


def check_outcome(summary: ScoreSummary, source: str | os.PathLike[str], cols: Columns = Columns()) -> None:
    """Raise when a finished run scored nothing: no rows at all (a header line only), or only
    error rows (with one clear cause when every row lacks the text column)."""
    if not summary.rows:
        raise EmptyInputError(f"{source} has no rows (a header line only?); for one article, use 'newscred analyze'")
    if not summary.scored:
        if set(summary.error_codes) == {"input.missing_column"}:
            raise MissingColumnError(f"no row of {source} has the column '{cols.text}'; check --text-col {cols.text}")
        raise InputError(f"no row of {source} could be scored (every row is an error row; see the codes above and the "
                         "'error' objects in the output)")
