"""Scoring on Apache Spark: the same reports as the local backend, one model load per executor
Python worker, through ``mapInPandas``.

    from newscred.batch.spark import score_dataframe
    scored = score_dataframe(spark_df, text_col="body", id_col="doc_id")

newscred's code and data (bundled models included) go to the executors as one zip archive built
at job start (``SparkContext.addArchive``), and a model of your own as a second one, so a cluster
needs neither a shared filesystem nor newscred installed.  Each executor Python worker builds
its analyzer once, with :func:`newscred.load` as the local backend does, and keeps it for the
life of the worker.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

from ..errors import require

#: the columns and types of local Parquet parts (``newscred score ... -o DIR/ --output-format
#: parquet``), so Spark and local output read as one table
OUTPUT_SCHEMA = ("row long, id string, file string, p_unreliable double, label string, error_code string, "
                 "error_message string, report string")
_CACHE: dict[Any, Any] = {}


def _executor_analyzer(model_ref: str, settings: tuple[tuple[str, Any], ...]) -> Any:
    key = (model_ref, settings)
    if key not in _CACHE:
        from .. import load

        from pyspark import SparkFiles

        path = model_ref if model_ref.startswith("builtin:") else SparkFiles.get(model_ref)
        kwargs = dict(settings)
        if kwargs.get("claim_model"):  # a claim model of the user's, shipped as its own archive
            kwargs["claim_model"] = SparkFiles.get(kwargs["claim_model"])
        # load() by name, as the local backend does: the Analyzer then knows the bundled model as
        # bundled and sends texts under 60 words to the claim model.  Built from a copy's path it
        # would take the copy for a model trained by the user and use its min_words (50) instead.
        _CACHE[key] = load(path, **kwargs)
    return _CACHE[key]


def score_dataframe(
    df: Any,
    *,
    model: str | os.PathLike[str] | None = None,
    text_col: str = "text",
    id_col: str | None = "id",
    title_col: str | None = None,
    url_col: str | None = None,
    row_col: str | None = None,
    prior: float = 0.5,
    max_chars: int = 2_000_000,
    provenance: bool = True,
    claims: bool = False,
    mode: str = "auto",
    claim_model: str | os.PathLike[str] | None = None,
) -> Any:
    """Score a Spark DataFrame; returns a DataFrame with ``OUTPUT_SCHEMA`` (one row per input row).

    ``report`` holds the full report JSON (the same as ``newscred score``), or the error row, whose
    ``error_code`` and ``error_message`` are also columns; ``file`` is always null (it names the
    input file of a row in local folder runs).  ``row_col`` names a column with row numbers;
    without it ``row`` is ``monotonically_increasing_id`` (unique, but not the row's position).
    Texts go to the article or claim model exactly as with :func:`newscred.load`.
    ``claims=True`` adds the check-worthy sentences (off by default in bulk: they are for a reader
    of one article); ``mode`` and ``claim_model`` (a short-claim model you trained, sent to the
    executors as its own archive) as in :func:`newscred.load`.
    """
    require("pyspark", "spark")
    from pyspark.sql import functions as F

    from ..analyzer import resolve_model_path
    from ..model.artifact import verify_artifact
    from .score import Columns, score_one

    path = Path(resolve_model_path(model)).resolve()
    verify_artifact(path)  # fail on the driver, before any executor starts
    sc = df.sparkSession.sparkContext
    _ship_package(sc)
    model_ref = _builtin_name(path) or _ship_model(sc, path)
    claim_ref = None
    if claim_model is not None:
        from ..model.claim import REQUIRED_FILES as CLAIM_FILES
        from ..model.claim import TASK as CLAIM_TASK

        claim_path = Path(claim_model).resolve()
        verify_artifact(claim_path, required=CLAIM_FILES, task=CLAIM_TASK)  # on the driver, before any executor starts
        claim_ref = _ship_model(sc, claim_path)
    settings = tuple(sorted({"max_chars": max_chars, "prior": prior, "provenance": provenance, "claims": claims,
                             "mode": mode, "claim_model": claim_ref}.items()))
    if row_col is None:
        df = df.withColumn("__row", F.monotonically_increasing_id())
        row_col = "__row"
    keep = [c for c in {text_col, id_col, title_col, url_col, row_col} if c and c in df.columns]
    if text_col not in df.columns:
        from ..errors import MissingColumnError

        raise MissingColumnError(f"the DataFrame has no column '{text_col}' (columns: {', '.join(df.columns)})")
    cols = Columns(text=text_col, title=title_col, id=id_col, url=url_col)

    def score_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        analyzer = _executor_analyzer(model_ref, settings)
        names = ("row", "id", "file", "p_unreliable", "label", "error_code", "error_message", "report")
        for pdf in batches:
            out: dict[str, list[Any]] = {k: [] for k in names}
            for record in pdf.to_dict("records"):
                index = int(record.pop(row_col))
                data = {k: (None if _is_missing(v) else v) for k, v in record.items()}
                result = score_one(analyzer, index, data, None, None, cols)
                err = result.get("error")
                out["row"].append(index)
                out["id"].append(result["id"])
                out["file"].append(result.get("file"))
                out["p_unreliable"].append(None if err else result["content"]["p_unreliable"])
                out["label"].append(None if err else result["content"]["label"])
                out["error_code"].append(err["code"] if err else None)
                out["error_message"].append(err["message"] if err else None)
                out["report"].append(json.dumps(result, ensure_ascii=False))
            yield pd.DataFrame(out, columns=list(names))

    return df.select(*keep).mapInPandas(score_batches, schema=OUTPUT_SCHEMA)


#: applicationId -> names of the archives already added to that SparkContext
_SHIPPED: dict[str, set[str]] = {}
_ARCHIVE_DIR: Path | None = None


def _builtin_name(path: Path) -> str | None:
    """``builtin:NAME`` when ``path`` is a model bundled with newscred (it travels in the package archive)."""
    from ..analyzer import BUILTIN_MODELS

    return next((f"builtin:{name}" for name, p in BUILTIN_MODELS.items() if p.resolve() == path), None)


def _ship_package(sc: Any) -> None:
    """Send newscred's code *and data* to the executors (once per SparkContext), so a cluster
    whose Python has numpy but not newscred can still score.

    The archive is unpacked on each executor as ``<SparkFiles root>/newscred``, a real folder on
    the workers' ``sys.path``: the bundled models and rating lists are read from real files, which
    a zip on ``sys.path`` (``addPyFile``) cannot provide.  It is built once, without
    ``__pycache__``: ``addFile(folder, recursive=True)`` compared the live source folder with the
    copy already fetched, so a ``.pyc`` written (or a file edited) during a job killed it with
    "File ... exists and does not match contents", and Spark refuses local folders outside local mode.
    """
    package = Path(__file__).resolve().parents[1]
    _ship_archive(sc, package.name, package)


def _ship_model(sc: Any, path: Path) -> str:
    """Send a model folder of the user's to the executors; returns the name to ``SparkFiles.get``."""
    import hashlib

    from ..model.artifact import MANIFEST

    # named by its manifest's hash: a retrained model in the same folder is a new archive
    name = "newscred-model-" + hashlib.sha256((path / MANIFEST).read_bytes()).hexdigest()[:16]
    _ship_archive(sc, name, path)
    return name


def _ship_archive(sc: Any, name: str, folder: Path) -> None:
    shipped = _SHIPPED.setdefault(sc.applicationId, set())
    if name in shipped:
        # adding it again would unpack it again, under workers that are reading it
        return
    sc.addArchive(_zip_folder(folder, name).as_uri() + "#" + name)
    shipped.add(name)


def _zip_folder(folder: Path, name: str) -> Path:
    """The files of ``folder`` (no ``__pycache__``, no ``.pyc``) in a new zip, kept until this process
    ends: executors fetch it when their first task starts, however late that is."""
    import atexit
    import shutil
    import tempfile
    import uuid
    import zipfile

    global _ARCHIVE_DIR
    if _ARCHIVE_DIR is None:
        _ARCHIVE_DIR = Path(tempfile.mkdtemp(prefix="newscred-spark-"))
        atexit.register(shutil.rmtree, _ARCHIVE_DIR, True)
    # a new name each time: a zip Spark has been given must never change under it
    target = _ARCHIVE_DIR / f"{name}-{uuid.uuid4().hex[:8]}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(folder)
            if p.is_file() and "__pycache__" not in rel.parts and p.suffix not in (".pyc", ".pyo"):
                zf.write(p, rel.as_posix())
    return target


def _is_missing(value: Any) -> bool:
    try:
        return value is None or value != value  # NaN from pandas
    except Exception:  # noqa: BLE001 - arrays and such are not missing
        return False


def score_with_spark(
    source: str,
    output: str,
    *,
    model: str | os.PathLike[str] | None = None,
    master: str | None = None,
    fmt: str | None = None,
    text_col: str = "text",
    id_col: str | None = "id",
    title_col: str | None = None,
    url_col: str | None = None,
    prior: float = 0.5,
    output_format: str = "parquet",
    provenance: bool = True,
    claims: bool = False,
    mode: str = "auto",
    claim_model: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Read ``source`` with Spark, score it, write ``output`` (a folder); returns the counts.

    The result has ``rows``, ``scored``, ``errors``, ``labels`` and ``error_codes`` (as in
    :class:`~newscred.batch.ScoreSummary`), ``output``, ``summary``: the one-line summary the
    local backend prints ("N rows: X scored (...), E errors (...) -> OUT"), and ``by_label``
    (label, or ``error:CODE``, -> count).  A session already running is used and left running;
    one started here is stopped.
    """
    require("pyspark", "spark")
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    from .score import ScoreSummary

    if source != "-" and "://" not in source and not any(c in source for c in "*?[{") and not os.path.exists(source):
        # a local path that is not there: say so before starting a JVM (remote paths and globs are
        # checked by Spark's own file system, below)
        from ..errors import InputError

        raise InputError(f"{source}: no such file or directory")
    builder = SparkSession.builder.appName("newscred-score")
    builder = builder.master(master or os.environ.get("SPARK_MASTER", "local[*]"))
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true").config("spark.ui.enabled", "false")
    if (master or "local").startswith("local"):
        import sys

        # executors on this machine run this interpreter (the one with newscred's dependencies)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", sys.executable)
    own_session = SparkContext._active_spark_context is None
    spark = builder.getOrCreate()
    try:
        # both checked before Spark reads the input: reading JSON already scans all of it
        _check_output_folder(spark, output)
        _check_input(spark, source)
        fmt = fmt or _guess_format(source)
        reader = spark.read
        if fmt == "csv":
            df = reader.option("header", True).option("multiLine", True).option("escape", '"').csv(source)
        elif fmt == "tsv":
            df = reader.option("header", True).option("sep", "\t").csv(source)
        elif fmt == "parquet":
            df = reader.parquet(source)
        else:
            df = reader.json(source)
        scored = score_dataframe(df, model=model, text_col=text_col, id_col=id_col if id_col in df.columns else None,
                                 title_col=title_col if title_col in df.columns else None,
                                 url_col=url_col if url_col in df.columns else None, prior=prior, provenance=provenance,
                                 claims=claims, mode=mode, claim_model=claim_model)
        writer = scored.write.mode("errorifexists")
        try:
            if output_format == "parquet":
                writer.parquet(output)
            else:
                # every line with every column, nulls included: by default Spark drops null fields,
                # and a run without error rows then has no error_code column at all
                writer.option("ignoreNullFields", False).json(output)
        except Exception as exc:
            if "PATH_ALREADY_EXISTS" in str(exc):  # created since the check above
                raise _not_empty(output) from None
            raise
        # counted from what was written (not scored twice), read with the schema so that columns
        # a JSON reader might not find are nulls, not an unresolved column
        reader = spark.read.schema(OUTPUT_SCHEMA)
        written = reader.parquet(output) if output_format == "parquet" else reader.json(output)
        summary = ScoreSummary()
        for r in written.groupBy("label", "error_code").count().collect():
            summary.rows += r["count"]
            if r["label"] is not None:
                summary.scored += r["count"]
                summary.labels[r["label"]] = summary.labels.get(r["label"], 0) + r["count"]
            else:
                code = r["error_code"] or "internal"
                summary.errors += r["count"]
                summary.error_codes[code] = summary.error_codes.get(code, 0) + r["count"]
        by_label = {**summary.labels, **{f"error:{k}": v for k, v in summary.error_codes.items()}}
        return {**summary.to_dict(), "output": output, "summary": summary.line(output), "by_label": by_label}
    finally:
        if own_session:
            spark.stop()


def _hadoop_path(spark: Any, path: str) -> tuple[Any, Any]:
    """(FileSystem, Path) of ``path`` as Spark's readers and writers see it (local, HDFS, S3...)."""
    sc = spark.sparkContext
    hpath = sc._jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(sc._jsc.hadoopConfiguration()), hpath


def _not_empty(output: str) -> Exception:
    from ..errors import ConfigError

    # the local backend's code and words; Spark has no --resume (it retries failed tasks itself)
    return ConfigError(f"{output} is not empty. Choose a new folder: --backend spark does not resume a run or write "
                       "over one.")


def _check_output_folder(spark: Any, output: str) -> None:
    """Refuse a file or a non-empty folder as ``output``, as the local backend does, with a coded
    error rather than Spark's PATH_ALREADY_EXISTS traceback; an empty folder is used."""
    fs, path = _hadoop_path(spark, output)
    if not fs.exists(path):
        return
    if not fs.getFileStatus(path).isDirectory():
        from ..errors import OutputError

        raise OutputError(f"{output} is a file; --backend spark writes a folder of parts: give a folder name")
    if len(fs.listStatus(path)):
        raise _not_empty(output)
    fs.delete(path, False)  # Spark's "errorifexists" refuses even an empty folder


def _check_input(spark: Any, source: str) -> None:
    """Refuse, before Spark reads anything, input only the local backend reads: standard input and
    article files (.txt, .md, .html: one article each).  Spark would read those as JSON lines and
    fail with a misleading ``input.missing_column``.  A missing input gets the local backend's error."""
    from ..errors import InputError, UnsupportedFormatError
    from .score import ARTICLE_SUFFIXES

    if source == "-":
        raise UnsupportedFormatError("--backend spark reads files, not standard input; score standard input without "
                                     "--backend spark")
    fs, path = _hadoop_path(spark, source)
    found = fs.globStatus(path)  # the input may be a glob ("crawl/*.parquet"), as Spark allows
    if not found:
        raise InputError(f"{source}: no such file or directory")
    named = [status.getPath().getName() for status in found if status.isFile()]  # by the user, or by their glob
    if len(found) == 1 and found[0].isDirectory():
        # Spark reads the files of a folder and of its subfolders, but not hidden ones ('.', '_'):
        # look one level down too
        folder = str(found[0].getPath()).rstrip("/")
        any_case = ",".join("".join(f"[{c.lower()}{c.upper()}]" for c in ext[1:]) for ext in ARTICLE_SUFFIXES)
        hadoop_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
        in_folder = [str(status.getPath()) for pattern in (f"*.{{{any_case}}}", f"*/*.{{{any_case}}}")
                     for status in (fs.globStatus(hadoop_path(found[0].getPath(), pattern)) or []) if status.isFile()]
        named = [f[len(folder) + 1:] for f in in_folder
                 if not any(part.startswith((".", "_")) for part in f[len(folder):].split("/") if part)]
    articles = next((f for f in named if f.lower().endswith(ARTICLE_SUFFIXES)), None)
    if articles is not None:
        what = source if len(found) == 1 and found[0].isFile() else f"{source}: {articles}"
        raise UnsupportedFormatError(
            f"{what} is an article file (.txt, .md or .html, one article each), which only the local backend reads. "
            "Score it without --backend spark, or put the texts in a JSONL, CSV or Parquet table with a text column "
            "for Spark.")


def _guess_format(source: str) -> str:
    name = source.lower().rstrip("/")
    for ext in ("parquet", "csv", "tsv"):
        if name.endswith("." + ext):
            return ext
    return "json"
