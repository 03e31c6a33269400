"""Scoring on Apache Spark: the same reports as the local backend, one model load per executor
Python worker, through ``mapInPandas``.

    from newscred.batch.spark import score_dataframe
    scored = score_dataframe(spark_df, text_col="body", id_col="doc_id")

The artifact directory is shipped to the executors once with ``SparkContext.addFile`` (so a
cluster needs no shared filesystem), verified against its manifest there, and cached in each
Python worker for the life of the worker.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

from ..errors import require

OUTPUT_SCHEMA = "row long, id string, p_unreliable double, label string, error_code string, report string"
_CACHE: dict[str, Any] = {}


def _executor_analyzer(artifact_name: str, max_chars: int, prior: float, provenance: bool = True,
                       claims: bool = False, mode: str = "auto") -> Any:
    key = f"{artifact_name}:{max_chars}:{prior}:{provenance}:{claims}:{mode}"
    if key not in _CACHE:
        from pyspark import SparkFiles

        from ..analyzer import Analyzer
        from ..model.artifact import load_artifact

        _CACHE[key] = Analyzer(load_artifact(SparkFiles.get(artifact_name)), max_chars=max_chars, prior=prior,
                               provenance=provenance, claims=claims, mode=mode)
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
) -> Any:
    """Score a Spark DataFrame; returns a DataFrame with ``OUTPUT_SCHEMA`` (one row per input row).

    ``report`` holds the full report JSON (the same as ``newscred score``), or the error row.
    ``row_col`` names a column with row numbers; without it ``row`` is ``monotonically_increasing_id``.
    ``claims=True`` adds the check-worthy sentences (off by default in bulk: they are for a reader
    of one article); ``mode`` as in :func:`newscred.load`.
    """
    require("pyspark", "spark")
    from pyspark.sql import functions as F

    from ..analyzer import resolve_model_path
    from ..model.artifact import verify_artifact
    from .score import Columns, score_one

    path = Path(resolve_model_path(model)).resolve()
    verify_artifact(path)  # fail on the driver, before any executor starts
    spark = df.sparkSession
    spark.sparkContext.addFile(str(path), recursive=True)
    _ship_package(spark.sparkContext)
    artifact_name = path.name
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

        analyzer = _executor_analyzer(artifact_name, max_chars, prior, provenance, claims, mode)
        for pdf in batches:
            out = {k: [] for k in ("row", "id", "p_unreliable", "label", "error_code", "report")}
            for record in pdf.to_dict("records"):
                index = int(record.pop(row_col))
                data = {k: (None if _is_missing(v) else v) for k, v in record.items()}
                result = score_one(analyzer, index, data, None, None, cols)
                err = result.get("error")
                out["row"].append(index)
                out["id"].append(result["id"])
                out["p_unreliable"].append(None if err else result["content"]["p_unreliable"])
                out["label"].append(None if err else result["content"]["label"])
                out["error_code"].append(err["code"] if err else None)
                out["report"].append(json.dumps(result, ensure_ascii=False))
            yield pd.DataFrame(out)

    return df.select(*keep).mapInPandas(score_batches, schema=OUTPUT_SCHEMA)


_SHIPPED: set[int] = set()


def _ship_package(sc: Any) -> None:
    """Send newscred's code *and data* to the executors (once per SparkContext), so a cluster
    whose Python has numpy but not newscred can still score.

    The package goes as a directory (``addFile(recursive=True)``), not a zip of modules: the
    bundled models and rating lists are read from real files, which zipimport cannot provide.
    Executors put the SparkFiles root on ``sys.path``, so ``import newscred`` finds it there when
    newscred is not installed on them.
    """
    if id(sc) in _SHIPPED:
        return
    package = Path(__file__).resolve().parents[1]
    sc.addFile(str(package), recursive=True)
    _SHIPPED.add(id(sc))


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
) -> dict[str, Any]:
    """Read ``source`` with Spark, score it, write ``output`` (a folder); returns counts."""
    require("pyspark", "spark")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("newscred-score")
    builder = builder.master(master or os.environ.get("SPARK_MASTER", "local[*]"))
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true").config("spark.ui.enabled", "false")
    if (master or "local").startswith("local"):
        import sys

        # executors on this machine run this interpreter (the one with newscred's dependencies)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", sys.executable)
    spark = builder.getOrCreate()
    try:
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
                                 claims=claims, mode=mode)
        writer = scored.write.mode("errorifexists")
        (writer.parquet(output) if output_format == "parquet" else writer.json(output))
        written = spark.read.parquet(output) if output_format == "parquet" else spark.read.json(output)
        counts = {r["label"] or f"error:{r['error_code']}": r["count"] for r in written.groupBy("label", "error_code").count().collect()}
        return {"rows": written.count(), "by_label": counts, "output": output}
    finally:
        spark.stop()


def _guess_format(source: str) -> str:
    name = source.lower().rstrip("/")
    for ext in ("parquet", "csv", "tsv"):
        if name.endswith("." + ext):
            return ext
    return "json"
