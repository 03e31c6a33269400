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


# -- review items: cut-off CSVs, duplicate columns, bytes, invalid UTF-8, float ids, the run layer --------------

_STORY = ("Officials said the council voted on Tuesday to fund the new library and the school budget for next year, "
          "the mayor told reporters at City Hall.")


def _score_cli(src: Path, *args: str) -> tuple[list[dict], str]:
    from click.testing import CliRunner

    from newscred.cli import main

    out = src.with_name(src.name + ".out.jsonl")
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "-w", "1", "--no-progress", *args])
    assert result.exit_code in (0, 1), result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return rows, result.stderr


def test_a_csv_cut_at_any_byte_gives_one_error_row_for_its_last_row_and_no_phantom_rows(tmp_path: Path) -> None:
    import csv
    import io

    from newscred.datasets.tabular import iter_rows

    # multi-line quoted texts whose paragraphs hold commas: re-read on their own they look like rows
    rows = [{"id": str(i), "text": f"Story {i} opens, with a comma.\n\nThen a second paragraph, and more, commas.\nEnd {i}."}
            for i in range(4)]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, ["id", "text"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode()
    starts = [data.index(f"\n{i},".encode()) + 1 for i in range(4)]
    for cut in range(starts[0] + 1, len(data) + 1):
        got = list(iter_rows(io.BytesIO(data[:cut]), "csv"))
        begun = sum(1 for s in starts if s < cut)
        assert len(got) == begun, (cut, [r.data or r.error.message for r in got])  # one row per record begun
        assert [r.data for r in got[:-1]] == rows[: begun - 1]  # the complete rows, intact
        last = got[-1]
        assert last.ok or last.error.code == "input.malformed_row"
    # the whole story through `newscred score`: the cut row is one error row naming its lines
    src = tmp_path / "cut.csv"
    src.write_bytes(data[: starts[3] - 12])  # inside the third row (lines 10-13), in its line 12
    out, _err = _score_cli(src)
    assert [r["row"] for r in out] == [0, 1, 2] and [r["id"] for r in out[:2]] == ["0", "1"]
    assert out[2]["error"]["code"] == "input.malformed_row"
    assert "lines 10-12" in out[2]["error"]["message"] and "cut off" in out[2]["error"]["message"]
    # a stray quote in a complete file still costs one row only: the rows after it are read
    stray = tmp_path / "stray.csv"
    stray.write_text(f'id,text\n1,"{_STORY}"\n2,"a stray quote\n3,Words without a comma\n4,More words\n')
    assert [r.data["id"] if r.ok else "error" for r in iter_rows(stray)] == ["1", "error", "3", "4"]


def test_a_header_naming_a_used_column_twice_is_a_warning_and_parquet_keeps_both(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "dup.csv").write_text(f'id,text,text\n1,"{_STORY}",other words\n')
    pq.write_table(pa.Table.from_arrays([pa.array(["1"]), pa.array([_STORY]), pa.array(["other words"])],
                                        names=["id", "text", "text"]), tmp_path / "dup.parquet")
    for name in ("dup.csv", "dup.parquet"):
        rows, err = _score_cli(tmp_path / name)
        assert "warning:" in err and "more than one column named 'text'" in err and "--text-col text.1" in err
        assert len(rows) == 1 and "content" in rows[0]
        rows_again, _ = _score_cli(tmp_path / name, "--text-col", "text.1")
        assert rows_again[0]["content"]["p_unreliable"] != rows[0]["content"]["p_unreliable"]  # the other column
    from newscred.datasets.tabular import iter_rows

    parquet_row = next(iter_rows(tmp_path / "dup.parquet"))
    assert parquet_row.data == {"id": "1", "text": _STORY, "text.1": "other words"}  # the first is no longer lost
    # a duplicate of a column the run does not read says nothing
    (tmp_path / "other.csv").write_text(f'id,text,tag,tag\n1,"{_STORY}",a,b\n')
    assert "warning" not in _score_cli(tmp_path / "other.csv")[1]


def test_invalid_utf8_is_input_encoding_from_every_format_and_parquet_bytes_are_decoded(analyzer, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from newscred.errors import NewscredError

    latin1 = ("caf\u00e9 " + _STORY).encode("latin-1")
    try:
        analyzer.analyze(latin1)
    except NewscredError as exc:
        library_code = exc.code
    assert library_code == "input.encoding"
    (tmp_path / "a.csv").write_bytes(b'id,text\n1,"' + _STORY.encode() + b'"\n2,"' + latin1 + b'"\n')
    (tmp_path / "a.jsonl").write_bytes(json.dumps({"id": "1", "text": _STORY}).encode() + b"\n"
                                       + b'{"id": "2", "text": "' + latin1 + b'"}\n')
    # a binary column holding UTF-8, and one row that is not UTF-8
    pq.write_table(pa.table({"id": ["1", "2"], "text": pa.array([_STORY.encode(), latin1], type=pa.binary())}),
                   tmp_path / "bin.parquet")
    # a string column with bytes that are not UTF-8 (Spark writes them unchecked): only its row fails
    values = [_STORY.encode(), latin1]
    offsets = pa.py_buffer(pa.array([0, len(values[0]), len(values[0]) + len(values[1])], type=pa.int32()).buffers()[1])
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"".join(values))])
    pq.write_table(pa.table({"id": ["1", "2"], "text": bad}), tmp_path / "str.parquet")
    reference, _ = _score_cli(tmp_path / "a.jsonl")
    for name in ("a.csv", "a.jsonl", "bin.parquet", "str.parquet"):
        rows, _err = _score_cli(tmp_path / name)
        assert [r["row"] for r in rows] == [0, 1], name
        assert rows[0]["content"] == reference[0]["content"], name  # bytes of UTF-8 read as the text they hold
        assert rows[1]["error"]["code"] == library_code, (name, rows[1]["error"])


def test_float_ids_come_out_as_the_integers_they_hold_and_string_ids_are_kept(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    big = 123456789012345678901234567890
    ids = ["12.0", 12.0, 7, big, 1e20, 2.5, None, "0012"]
    (tmp_path / "ids.jsonl").write_text("".join(json.dumps({"id": i, "text": _STORY}) + "\n" for i in ids)
                                        + json.dumps({"id": float("nan"), "text": _STORY}) + "\n")
    rows, _ = _score_cli(tmp_path / "ids.jsonl")
    assert [r["id"] for r in rows] == ["12.0", "12", "7", str(big), "1e+20", "2.5", None, "0012", None]
    # pandas and Spark turn an integer column with a gap into floats: 12.0 is still id "12"
    pq.write_table(pa.table({"id": pa.array([12.0, None, 3.0]), "text": [_STORY] * 3}), tmp_path / "ids.parquet")
    assert [r["id"] for r in _score_cli(tmp_path / "ids.parquet")[0]] == ["12", None, "3"]
    (tmp_path / "ids.csv").write_text(f'id,text\n12.0,"{_STORY}"\n0012,"{_STORY}"\n')  # CSV cells are strings: kept
    assert [r["id"] for r in _score_cli(tmp_path / "ids.csv")[0]] == ["12.0", "0012"]


def test_a_run_stopped_by_a_signal_says_where_it_stopped_from_the_library(analyzer, tmp_path: Path) -> None:
    from newscred.batch.runner import Stopped, check_outcome, score_to, stopped_message
    from newscred.errors import EmptyInputError

    src = tmp_path / "in.jsonl"
    _write_input(src, 12)

    def stop_after_three(n: int, seen=[0]) -> None:  # noqa: B006 - a counter
        seen[0] += n
        if seen[0] == 3:
            raise Stopped(signal.SIGTERM)

    out = tmp_path / "out.jsonl"
    with pytest.raises(Stopped) as info:
        score_to(analyzer, src, out, progress=stop_after_three)
    assert info.value.rows == 3 and not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
    assert stopped_message(info.value, out) == (f"stopped by SIGTERM after 3 rows; {out} was not written (a file there "
                                                "before is left as it was): run the command again to score the input")
    summary, where = score_to(analyzer, src, tmp_path / "parts", part_size=5)
    assert summary.rows == 12 and where.startswith(f"{tmp_path / 'parts'} (3 parts, manifest ")
    check_outcome(summary, src)  # scored rows: nothing to say
    summary.rows = summary.scored = 0
    with pytest.raises(EmptyInputError):
        check_outcome(summary, src)
