"""Corpus-scale scoring: parts, manifest, resume after kill -9, workers, folders, Parquet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscred.batch import Columns
from newscred.batch import score as batch_score
from newscred.batch.runner import MANIFEST, score_corpus
from newscred.batch.score import _score_chunk as _real_score_chunk
from newscred.errors import ConfigError, WorkerDiedError

from .conftest import EXAMPLES

NEWSCRED = Path(sys.executable).parent / "newscred"


def _write_input(path: Path, n: int) -> list[str]:
    wire = (EXAMPLES / "wire-story.txt").read_text()
    viral = (EXAMPLES / "viral-post.txt").read_text()
    lines = []
    for i in range(n):
        if i % 17 == 5:
            lines.append("{broken json")
        elif i % 23 == 7:
            lines.append(json.dumps({"id": f"a{i}", "text": ""}))
        else:
            lines.append(json.dumps({"id": f"a{i}", "text": (wire if i % 2 else viral) + f" Item {i}."}))
    path.write_text("\n".join(lines) + "\n")
    return lines


def _read_rows(out: Path) -> list[dict]:
    rows = []
    for part in sorted(out.glob("part-*.jsonl")):
        rows += [json.loads(line) for line in part.read_text().splitlines()]
    return rows


def test_parts_and_manifest_account_for_every_row(analyzer, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 45)
    manifest = score_corpus(analyzer, src, tmp_path / "out", part_size=10)
    rows = _read_rows(tmp_path / "out")
    assert [r["row"] for r in rows] == list(range(45))
    assert len(manifest.parts) == 5 and manifest.complete
    saved = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert saved["counts"]["rows"] == 45
    assert saved["counts"]["errors"] == sum(1 for r in rows if "error" in r) > 0
    assert saved["model"]["sha256"] == analyzer.model_info.sha256 and saved["input"]["sha256"]


def test_two_workers_give_identical_output(analyzer, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 60)
    score_corpus(analyzer, src, tmp_path / "one", part_size=25, workers=1)
    score_corpus(analyzer, src, tmp_path / "two", part_size=25, workers=2, chunk_size=7)
    assert _read_rows(tmp_path / "one") == _read_rows(tmp_path / "two")


def test_resume_refuses_other_input_and_non_empty_folder(analyzer, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 12)
    score_corpus(analyzer, src, tmp_path / "out", part_size=5)
    with pytest.raises(ConfigError, match="not empty"):
        score_corpus(analyzer, src, tmp_path / "out", part_size=5)
    other = tmp_path / "other.jsonl"
    _write_input(other, 13)
    with pytest.raises(ConfigError, match="input differs"):
        score_corpus(analyzer, other, tmp_path / "out", resume=True)


def test_folder_input_with_mixed_formats_and_parquet_output(analyzer, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "in"
    folder.mkdir()
    _write_input(folder / "a.jsonl", 8)
    (folder / "b.csv").write_text('id,text\nc1,"' + (EXAMPLES / "wire-story.txt").read_text().replace('"', '""') + '"\nc2,\n')
    manifest = score_corpus(analyzer, folder, tmp_path / "out", part_size=4, output_format="parquet")
    table = pq.read_table(sorted((tmp_path / "out").glob("part-*.parquet"))[0])
    assert set(table.column_names) >= {"row", "id", "p_unreliable", "label", "error_code", "report"}
    rows = []
    for part in sorted((tmp_path / "out").glob("part-*.parquet")):
        rows += pq.read_table(part).to_pylist()
    assert [r["row"] for r in rows] == list(range(10)) and manifest.summary().rows == 10
    assert rows[8]["id"] == "c1" and rows[8]["label"] and rows[9]["error_code"] == "input.empty"
    # parts with and without error rows share one schema, so the folder reads back as one table
    whole = pq.read_table(tmp_path / "out")
    assert whole.num_rows == 10 and str(whole.schema.field("error_code").type) == "string"
    assert whole.column("file").to_pylist() == ["a.jsonl"] * 8 + ["b.csv"] * 2  # folder input: each row's file


def test_a_run_that_failed_before_its_first_part_can_simply_be_rerun(analyzer, tmp_path: Path) -> None:
    from newscred.errors import MissingColumnError

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "body": "Says crime doubled last year."}) + "\n")
    with pytest.raises(MissingColumnError, match="--text-col text"):
        score_corpus(analyzer, src, tmp_path / "out")
    assert (tmp_path / "out" / "_manifest.json").is_file()
    manifest = score_corpus(analyzer, src, tmp_path / "out", cols=Columns(text="body"))  # no --resume needed
    assert manifest.complete and manifest.summary().scored == 1


@pytest.mark.skipif(not NEWSCRED.exists(), reason="console script not installed")
def test_kill_9_then_resume_scores_every_row_exactly_once(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    n = 400
    _write_input(src, n)
    out = tmp_path / "out"
    cmd = [str(NEWSCRED), "score", str(src), "-o", str(out), "--part-size", "30", "--no-progress"]
    for delay in (0.8, 1.3, 1.9):
        if (out / MANIFEST).exists() and json.loads((out / MANIFEST).read_text())["complete"]:
            break
        proc = subprocess.Popen(cmd + (["--resume"] if out.exists() else []), stderr=subprocess.PIPE)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    final = subprocess.run(cmd + ["--resume"], capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    rows = _read_rows(out)
    assert [r["row"] for r in rows] == list(range(n))
    assert not list(out.glob("*.tmp"))
    assert json.loads((out / MANIFEST).read_text())["counts"]["rows"] == n


def _dying_chunk(chunk):  # noqa: ANN001, ANN202 - runs in a forked worker, found there by this module's name
    """What a worker does when the out-of-memory killer takes it on row 130."""
    if any(row[0] == 130 for row in chunk):
        os._exit(137)
    return _real_score_chunk(chunk)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the dying worker is forked with this module's patch")
def test_a_killed_worker_stops_the_run_instead_of_hanging_and_resume_finishes(analyzer, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 300)
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the run hung after a worker died"))
    signal.alarm(120)
    try:
        monkeypatch.setattr(batch_score, "_score_chunk", _dying_chunk)
        with pytest.raises(WorkerDiedError, match="ended abruptly") as info:
            score_corpus(analyzer, src, tmp_path / "out", part_size=40, workers=2, chunk_size=10)
        assert info.value.code == "batch.worker_died" and info.value.context["row"] <= 130
        single = tmp_path / "single.jsonl"
        single.write_text("kept\n")
        with pytest.raises(WorkerDiedError):
            batch_score.score_file(analyzer, src, single, workers=2, chunk_size=10)
        assert single.read_text() == "kept\n"  # an earlier file is left as it was
        monkeypatch.setattr(batch_score, "_score_chunk", _real_score_chunk)
        score_corpus(analyzer, src, tmp_path / "out", part_size=40, workers=2, chunk_size=10, resume=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [r["row"] for r in _read_rows(tmp_path / "out")] == list(range(300))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # a zombie has ended; only its parent's parent has yet to reap it


def _wait_for(condition, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.skipif(not NEWSCRED.exists() or not sys.platform.startswith("linux"), reason="console script, /proc")
@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl-C"])
def test_a_stopped_run_cleans_up_says_where_it_stopped_and_exits_128_plus_the_signal(tmp_path: Path, sig: int,
                                                                                   status: int) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 600)
    # one output file, two workers, the signal to the whole process group (Ctrl-C, systemd)
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    cmd = [str(NEWSCRED), "score", str(src), "--no-progress"]
    proc = subprocess.Popen(cmd + ["-o", str(out), "-w", "2"], stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for(lambda: any(p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.tmp")))
    workers = _children(proc.pid)
    os.killpg(proc.pid, sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == status, err
    assert "stopped by" in err and "rows" in err and "Traceback" not in err and "Aborted" not in err
    assert out.read_text() == "earlier\n" and not list(tmp_path.glob(".out.jsonl.*"))
    assert len(workers) == 2
    _wait_for(lambda: all(_gone(w) for w in workers), 10)  # the workers end with their parent
    # a folder of parts: the signal to the process alone (kill PID, timeout, Kubernetes)
    parts = tmp_path / "parts"
    proc = subprocess.Popen(cmd + ["-o", str(parts), "--part-size", "30", "-w", "1"], stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: (parts / "part-00001.jsonl").exists())
    proc.send_signal(sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == status, err
    assert "rows are committed in" in err and "run the same command again with --resume" in err
    assert not list(parts.glob("*.tmp"))
    final = subprocess.run(cmd + ["-o", str(parts), "--part-size", "30", "--resume"], capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert [r["row"] for r in _read_rows(parts)] == list(range(600))


def test_a_json_line_left_open_is_reported_as_unterminated_with_its_column(tmp_path) -> None:
    from newscred.datasets.tabular import iter_rows

    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "ok", "text": "fine words"}\n{"id":"broken", "text": "abc\n')
    rows = list(iter_rows(src))
    assert rows[1].error is not None
    assert "invalid JSON (Unterminated string starting at column 25)" in str(rows[1].error)


def test_an_empty_csv_cell_is_a_missing_value_as_null_is_in_json_lines(tmp_path) -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    text = "Officials said the council voted on Tuesday to fund the new library and the school budget for next year."
    (tmp_path / "a.csv").write_text(f'id,title,url,text\n1,,,"{text}"\n')
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "1", "title": None, "url": None, "text": text}) + "\n")
    outs = []
    for name in ("a.csv", "a.jsonl"):
        out = tmp_path / f"{name}.out.jsonl"
        result = CliRunner().invoke(main, ["score", str(tmp_path / name), "-o", str(out), "-w", "1", "--no-progress"])
        assert result.exit_code == 0, result.output
        outs.append(json.loads(out.read_text()))
    assert outs[0] == outs[1] and outs[0]["url"] is None and outs[0]["title"] is None
