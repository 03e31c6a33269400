"""Corpus-scale scoring: parts committed atomically, a run manifest, ``--resume``, bounded memory.

Layout of an output directory::

    OUT/
      part-00000.jsonl     rows 0 .. part_size-1, in input order (or .parquet)
      part-00001.jsonl
      _manifest.json       model sha256, input digest, part list with counts and hashes

A part is written to ``part-NNNNN.jsonl.tmp`` and renamed into place when complete, then the
manifest is rewritten (also via rename).  After a crash (even ``kill -9``) the directory holds
only complete parts; ``--resume`` checks that the model and input are the same, re-reads the
input past the committed rows and continues with the first missing part.  Every input row ends
up in exactly one part, as a report or as an error row.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..analyzer import Analyzer
from ..datasets.tabular import RowResult, iter_rows
from ..errors import ConfigError, InputError, NewscredError, OutputError
from .score import ARTICLE_SUFFIXES, Columns, ScoreSummary, check_not_in_input, _outcome, _plain, checked_columns, score_one, scored_chunks

MANIFEST = "_manifest.json"
INPUT_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".csv.gz", ".tsv.gz")


def input_files(source: str | os.PathLike[str]) -> list[Path] | None:
    """The files of an input: one file, every table or article file in a directory (sorted), or
    None for stdin."""
    if str(source) == "-":
        return None
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(INPUT_SUFFIXES + ARTICLE_SUFFIXES))
        if not files:
            raise InputError(f"{source}: no table files (.jsonl/.csv/.tsv/.parquet) and no article files "
                             "(.txt/.md/.html, one article each) in this directory")
        return files
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    return [path]


def skipped_files(source: str | os.PathLike[str]) -> list[Path]:
    """Files in a folder input that are neither tables nor articles (a .pdf, an image): not read."""
    path = Path(source)
    if str(source) == "-" or not path.is_dir():
        return []
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and not p.name.lower().endswith(INPUT_SUFFIXES + ARTICLE_SUFFIXES))


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
        for row in iter_rows(src, fmt):
            count += 1
            yield RowResult(offset + row.index, row.data, row.error, row.line, name)
        offset += count


def input_rows(source: str | os.PathLike[str], fmt: str | None = None,
               files: list[Path] | None = None) -> Iterator[RowResult]:
    """Every row of ``source``: a table, an article file, a folder of them, or "-" (stdin).
    ``files``: ``input_files(source)`` when the caller has it."""
    files = input_files(source) if files is None else files
    root = source if files is not None and Path(source).is_dir() else None
    return rows_of(files, fmt, root)


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
        return s

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["counts"] = self.summary().to_dict()
        return d

    def write(self, out_dir: Path) -> None:
        tmp = out_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1))
        os.replace(tmp, out_dir / MANIFEST)

    @classmethod
    def read(cls, out_dir: Path) -> "Manifest":
        d = json.loads((out_dir / MANIFEST).read_text())
        d.pop("counts", None)
        return cls(**d)


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
    for first, results in scored_chunks(analyzer, rows, cols, workers, chunk_size):
        for k, (line, outcome) in enumerate(results):
            yield first + k, line, outcome


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
) -> Manifest:
    """Score ``source`` into parts under ``out_dir``; see the module docstring."""
    if output_format not in ("jsonl", "parquet"):
        raise ConfigError(f"output format must be jsonl or parquet, not {output_format!r}")
    out = Path(out_dir)
    files = input_files(source)
    model_info = analyzer.model_info.to_dict()
    digest = input_digest(files) if files else None
    input_info = {"source": str(source), "files": [str(f) for f in files] if files else ["-"], "sha256": digest}
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
        if manifest.part_size != part_size or manifest.output_format != output_format:
            part_size, output_format = manifest.part_size, manifest.output_format
        for stale in out.glob("*.tmp"):
            stale.unlink()
    else:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
        manifest = Manifest(model_info, input_info, part_size, output_format,
                            started_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat())
        manifest.write(out)
    if manifest.complete:
        return manifest
    if on_total is not None:
        total = estimate_rows(files)
        on_total(total)
    done = manifest.committed_rows
    if progress is not None and done:
        progress(done)
    rows = checked_columns(input_rows(source, fmt, files), cols, str(source) if files else "<stdin>")
    rows = islice(rows, done, None)  # committed rows are re-read, not re-scored
    writer: _PartWriter | None = None
    part_no = len(manifest.parts)
    for row, line, outcome in _ordered_results(analyzer, rows, cols, workers, chunk_size):
        if writer is None:
            writer = _PartWriter(out, part_no, output_format)
        writer.add(row, line, outcome)
        if writer.summary.rows >= part_size:
            manifest.parts.append(writer.commit())
            manifest.write(out)
            writer = None
            part_no += 1
        if progress is not None:
            progress(1)
    if writer is not None:
        manifest.parts.append(writer.commit())
    manifest.complete = True
    manifest.finished_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    manifest.write(out)
    return manifest
