"""The Spark backend gives the same scores as the local one (pyspark, local[2])."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'newscred[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on PATH", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    import os
    import sys

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers must use the interpreter that has newscred's deps
    session = (SparkSession.builder.master("local[2]").appName("newscred-tests")
               .config("spark.pyspark.python", sys.executable)
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


def _rows() -> list[dict]:
    wire = (EXAMPLES / "wire-story.txt").read_text()
    viral = (EXAMPLES / "viral-post.txt").read_text()
    rows = [{"id": f"r{i}", "text": (wire if i % 2 else viral) + f" Paragraph {i}."} for i in range(30)]
    rows[7]["text"] = ""
    rows[11]["text"] = "Too short to judge."
    return rows


def test_spark_and_local_backends_agree(spark, analyzer, tmp_path: Path) -> None:
    from newscred.batch.spark import score_dataframe

    rows = _rows()
    df = spark.createDataFrame(rows).repartition(3)
    scored = {r["id"]: r for r in score_dataframe(df, text_col="text", id_col="id").collect()}
    assert len(scored) == len(rows)
    for row in rows:
        got = scored[row["id"]]
        if not row["text"]:
            assert got["error_code"] == "input.empty" and got["p_unreliable"] is None
            continue
        local = analyzer.analyze(row["text"], id=row["id"])
        assert got["p_unreliable"] == pytest.approx(round(local.p_unreliable, 4), abs=1e-9)
        assert got["label"] == local.label
        report = json.loads(got["report"])
        assert report["content"] == local.to_dict()["content"]


def test_spark_executors_read_bundled_data_claim_model_and_source_ratings(spark) -> None:
    """Claim mode and source ratings read files bundled in the package: executors must have them."""
    from newscred.batch.spark import score_dataframe

    rows = [{"id": "claim", "text": "Says crime doubled last year in the city.", "url": "https://www.reuters.com/a"},
            {"id": "article", "text": (EXAMPLES / "wire-story.txt").read_text(), "url": None}]
    scored = {r["id"]: json.loads(r["report"]) for r in score_dataframe(spark.createDataFrame(rows), text_col="text",
                                                                       id_col="id", url_col="url").collect()}
    assert "error" not in scored["claim"], scored["claim"]
    assert scored["claim"]["content"]["mode"] == "claim"
    assert scored["claim"]["source"]["domain"] == "reuters.com"
    assert scored["article"]["content"]["mode"] == "article" and scored["article"]["source"] is None


def test_score_command_on_spark_writes_every_row(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "--backend", "spark", "--master", "local[2]",
                                       "--output-format", "parquet"])
    assert result.exit_code == 0, result.output
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.num_rows == 30
    assert sorted(table.column("id").to_pylist()) == sorted(r["id"] for r in _rows())

