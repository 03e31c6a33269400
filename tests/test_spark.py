"""The Spark backend gives the same scores as the local one (pyspark, local[1])."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import EXAMPLES

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'newscred[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on PATH", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers must use the interpreter that has newscred's deps
    session = (SparkSession.builder.master("local[1]").appName("newscred-tests")
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



# 55 words after bylines and boilerplate: under the 60 that send a text to the claim model, over
# the default article model's own min_words (50)
W55 = ("The city council voted on Tuesday to approve a new budget that raises spending on public schools by four "
       "percent. Officials said the plan also funds two new bus routes and repairs to the main library, and that "
       "property taxes will stay the same next year, the statement said, though critics called it too small.")
SCHEMA_COLUMNS = ["row", "id", "file", "p_unreliable", "label", "error_code", "error_message", "report"]


def _cli(*args: str):
    from click.testing import CliRunner

    from newscred.cli import main

    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def clean_runs(spark, tmp_path_factory):
    """An input without a single error row, scored by the local backend (CLI) and on Spark."""
    from newscred.batch.spark import score_with_spark

    tmp = tmp_path_factory.mktemp("clean")
    src = tmp / "clean.jsonl"
    rows = [{"id": "w55", "text": W55}, {"id": "wire", "text": (EXAMPLES / "wire-story.txt").read_text()},
            {"id": "claim", "text": "Says crime doubled last year in the city."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    local = _cli("score", str(src), "-o", str(tmp / "local.jsonl"), "-w", "1")
    assert local.exit_code == 0, local.output
    out = tmp / "spark"
    result = score_with_spark(str(src), str(out), master="local[1]", output_format="jsonl")
    return {"src": src, "out": out, "result": result, "local_summary": local.stderr.strip().splitlines()[-1],
            "spark": [json.loads(line) for part in sorted(out.glob("part-*.json")) for line in part.read_text().splitlines()]}


def test_spark_run_without_error_rows_finishes_and_counts(clean_runs) -> None:
    """Finding 3: Spark's JSON writer dropped the all-null error_code column and the summary then
    failed on it (exit 1, after writing the output)."""
    result = clean_runs["result"]
    assert (result["rows"], result["scored"], result["errors"], result["error_codes"]) == (3, 3, 0, {})
    assert (clean_runs["out"] / "_SUCCESS").exists()
    for line in clean_runs["spark"]:
        assert list(line) == SCHEMA_COLUMNS  # every column on every line, nulls included
        assert line["error_code"] is None and line["error_message"] is None and line["label"] is not None


def test_spark_rerun_onto_its_own_output_is_refused_before_reading(clean_runs) -> None:
    from newscred.batch.spark import score_with_spark
    from newscred.errors import ConfigError

    with pytest.raises(ConfigError, match="is not empty") as caught:
        score_with_spark(str(clean_runs["src"]), str(clean_runs["out"]), master="local[1]", output_format="jsonl")
    assert caught.value.code == "config"


def test_spark_rerun_onto_an_output_folder_is_a_coded_one_line_error(spark, tmp_path: Path) -> None:
    """Finding 3: a retry onto the folder of an earlier run gave Spark's PATH_ALREADY_EXISTS
    traceback; the local backend's code for a non-empty folder is config."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": W55}) + "\n")
    out = tmp_path / "scored"
    out.mkdir()
    (out / "_SUCCESS").write_text("")
    (out / "part-00000-0000.c000.json").write_text('{"row": 0}\n')
    result = _cli("score", str(src), "-o", str(out), "--backend", "spark", "--master", "local[1]",
                  "--output-format", "jsonl")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error [config]: {out} is not empty"), result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["_SUCCESS", "part-00000-0000.c000.json"]


def test_spark_sends_a_55_word_text_to_the_claim_model_like_local(spark, tmp_path: Path) -> None:
    """Finding 4: executors built the Analyzer from the shipped copy's path, took the bundled model
    for a user-trained one and sent 50-59-word texts to the article model."""
    from newscred.batch.spark import score_dataframe

    rows = [{"id": "w55", "text": W55}, {"id": "wire", "text": (EXAMPLES / "wire-story.txt").read_text()}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    local = _cli("score", str(src), "-o", str(tmp_path / "local.jsonl"), "-w", "1")
    assert local.exit_code == 0, local.output
    local_rows = {r["id"]: r for r in map(json.loads, (tmp_path / "local.jsonl").read_text().splitlines())}
    scored = {r["id"]: json.loads(r["report"]) for r in score_dataframe(spark.createDataFrame(rows)).collect()}
    assert local_rows["w55"]["content"]["mode"] == "claim"
    for rid, want in local_rows.items():
        got = scored[rid]["content"]
        assert (got["mode"], got["p_unreliable"], got["label"]) == (
            want["content"]["mode"], want["content"]["p_unreliable"], want["content"]["label"]), rid


def test_spark_scores_with_a_user_model_as_newscred_load_does(spark, tiny_model_dir: Path) -> None:
    """A model of the user's goes to the executors as its own archive and keeps its own routing."""
    import newscred
    from newscred.batch.spark import score_dataframe

    rows = [{"id": "w55", "text": W55}, {"id": "wire", "text": (EXAMPLES / "wire-story.txt").read_text()}]
    local = newscred.load(tiny_model_dir, claims=False)
    scored = {r["id"]: json.loads(r["report"])
              for r in score_dataframe(spark.createDataFrame(rows), model=tiny_model_dir).collect()}
    for row in rows:
        want = local.analyze(row["text"], id=row["id"]).to_dict()
        assert scored[row["id"]]["content"] == want["content"], row["id"]
        assert scored[row["id"]]["model"] == want["model"]


def test_spark_summary_is_the_local_one_line_summary(clean_runs) -> None:
    """Finding 8: Spark's summary was a Python dict repr."""
    result = clean_runs["result"]
    local_counts, _, local_where = clean_runs["local_summary"].rpartition(" -> ")
    assert local_where.endswith("local.jsonl") and local_counts.startswith("3 rows: 3 scored (")
    assert result["summary"] == f"{local_counts} -> {clean_runs['out']}"


def test_spark_parquet_parts_have_the_columns_of_local_parts(spark, tmp_path: Path) -> None:
    """Finding 8: local and Spark Parquet parts read as one table (error_message, file included);
    an existing empty folder is written into, as with the local backend."""
    import pyarrow.parquet as pq

    from newscred.batch.spark import score_with_spark

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": W55}) + "\n" + json.dumps({"id": "b", "text": ""}) + "\n")
    local = _cli("score", str(src), "-o", str(tmp_path / "local") + "/", "-w", "1", "--output-format", "parquet")
    assert local.exit_code == 0, local.output
    (tmp_path / "spark").mkdir()
    result = score_with_spark(str(src), str(tmp_path / "spark"), master="local[1]", output_format="parquet")
    local_counts = local.stderr.strip().splitlines()[-1].rpartition(" -> ")[0]
    assert local_counts.startswith("2 rows: 1 scored (") and local_counts.endswith("1 error (input.empty 1)")
    assert result["summary"] == f"{local_counts} -> {tmp_path / 'spark'}"
    local_table = pq.read_table(next((tmp_path / "local").glob("part-*.parquet")))
    spark_table = pq.read_table(tmp_path / "spark")
    assert spark_table.column_names == local_table.column_names == SCHEMA_COLUMNS
    assert [f.type for f in spark_table.schema] == [f.type for f in local_table.schema]
    by_id = {r["id"]: r for r in spark_table.to_pylist()}
    local_b = next(r for r in local_table.to_pylist() if r["id"] == "b")
    assert by_id["b"]["error_code"] == local_b["error_code"] == "input.empty"
    assert by_id["b"]["error_message"] == local_b["error_message"] and by_id["b"]["error_message"]


def test_spark_refuses_article_files_with_a_coded_error(spark, tmp_path: Path) -> None:
    """Finding 8: a folder of .txt articles (documented for score) failed on Spark with a misleading
    input.missing_column after Spark had read it all as JSON."""
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "one.txt").write_text((EXAMPLES / "wire-story.txt").read_text())
    (folder / "two.txt").write_text(W55)
    for source, named in ((folder, f"{folder}: one.txt"), (folder / "one.txt", str(folder / "one.txt"))):
        out = tmp_path / f"out-{source.stem}"
        result = _cli("score", str(source), "-o", str(out), "--backend", "spark", "--master", "local[1]")
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        line = result.stderr.strip().splitlines()[-1]
        assert line.startswith(f"Error [input.format]: {named} is an article file"), line
        assert "only the local backend reads" in line and "without --backend spark" in line
        assert not out.exists()


def test_spark_job_survives_writes_into_the_package_folder(tmp_path: Path) -> None:
    """Finding 8: the package went to executors with addFile(recursive=True), which compares the
    live folder with the copy already fetched, so a .pyc written into __pycache__ while a job ran
    killed it ("File ... exists and does not match contents").  Its own JVM: the package is
    shipped once per SparkContext, and the module's context has shipped it already."""
    import newscred

    copy = tmp_path / "site" / "newscred"
    shutil.copytree(Path(newscred.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    job = tmp_path / "job.py"
    job.write_text(textwrap.dedent("""
        import sys
        import zipfile
        from pathlib import Path

        from pyspark.sql import SparkSession

        package = Path(sys.argv[1])
        spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
                 .config("spark.pyspark.python", sys.executable).getOrCreate())
        import newscred
        import newscred.batch.spark as backend

        assert Path(newscred.__file__).parent == package, newscred.__file__
        rows = [{"id": "a", "text": "Says crime doubled last year in the city."}]
        scored = backend.score_dataframe(spark.createDataFrame(rows))
        # what Python does on the first import of a module, here between shipping and running
        (package / "__pycache__").mkdir(exist_ok=True)
        (package / "__pycache__" / "probe.cpython-311.pyc").write_bytes(b"written while the job runs")
        print("MODE", __import__("json").loads(scored.collect()[0]["report"])["content"]["mode"])
        shipped = [n for z in backend._ARCHIVE_DIR.glob("newscred-*.zip") for n in zipfile.ZipFile(z).namelist()]
        print("SHIPPED", len(shipped), sum("__pycache__" in n or n.endswith(".pyc") for n in shipped))
        spark.stop()
    """))
    env = {**os.environ, "PYTHONPATH": str(copy.parent), "PYSPARK_PYTHON": sys.executable}
    proc = subprocess.run([sys.executable, str(job), str(copy)], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "MODE claim" in proc.stdout
    shipped = next(line.split() for line in proc.stdout.splitlines() if line.startswith("SHIPPED"))
    assert int(shipped[1]) > 50 and shipped[2] == "0", proc.stdout


def test_spark_reads_short_texts_with_a_claim_model_of_the_users(spark, tmp_path: Path) -> None:
    """--claim-model travels to the executors as its own archive, as the article model does."""
    from newscred.batch.spark import score_dataframe
    from newscred.model.claim import DEFAULT_PATH

    mine = tmp_path / "my-claims"
    shutil.copytree(DEFAULT_PATH, mine)
    manifest = json.loads((mine / "manifest.json").read_text())
    (mine / "manifest.json").write_text(json.dumps({**manifest, "name": "my-claims"}))
    rows = [{"id": "c", "text": "Says the moon landing was faked by the government."},
            {"id": "a", "text": (EXAMPLES / "wire-story.txt").read_text()}]
    scored = {r["id"]: json.loads(r["report"])
              for r in score_dataframe(spark.createDataFrame(rows), claim_model=mine).collect()}
    assert scored["c"]["model"]["name"] == "my-claims"
    assert scored["a"]["model"]["name"] != "my-claims"
