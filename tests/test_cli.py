"""The command line end to end: the example, the seed article, every kind of bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscred.cli import main

from .conftest import EXAMPLES, SEED_ARTICLE


def run(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_analyze_example_prints_a_readable_report() -> None:
    result = run("analyze", str(EXAMPLES / "wire-story.txt"))
    assert result.exit_code == 0, result.output
    assert "Content verdict" in result.output
    assert "Words that moved the score" in result.output


def test_style_signals_the_model_gives_no_weight_say_so() -> None:
    """A signal with zero weight is shown as "not used", never as a push of +0.000."""
    path = str(EXAMPLES / "wire-story.txt")
    shown = json.loads(run("analyze", path, "--json").output)["content"]["signals"][:6]
    text = run("analyze", path).output
    assert ("not used" in text) == any(s["weight"] == 0 for s in shown)


def test_analyze_json_has_the_report_keys() -> None:
    result = run("analyze", str(EXAMPLES / "viral-post.txt"), "--json", "--url", "https://example.com/x")
    assert result.exit_code == 0
    d = json.loads(result.output)
    assert d["url"] == "https://example.com/x"
    assert d["content"]["label"] in ("reliable", "unreliable", "uncertain")


def test_analyze_reads_standard_input() -> None:
    text = (EXAMPLES / "wire-story.txt").read_text()
    from_stdin = json.loads(run("analyze", "-", "--json", input=text).output)
    from_file = json.loads(run("analyze", str(EXAMPLES / "wire-story.txt"), "--json").output)
    assert from_stdin["content"]["p_unreliable"] == from_file["content"]["p_unreliable"]


def test_analyze_seed_article(seed_article: str) -> None:
    result = run("analyze", str(SEED_ARTICLE), "--json")
    assert result.exit_code == 0
    d = json.loads(result.output)
    assert d["facts"]["wire_agencies"] == ["AP"]


@pytest.mark.parametrize(
    "content, code, words",
    [
        (b"", "input.empty", "empty"),
        (b"\n \n\t", "input.empty", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "input.binary", "binary"),
        ("caf\u00e9 na\u00efve r\u00e9sum\u00e9 ".encode("latin-1") * 20, "input.encoding", "not valid UTF-8"),
    ],
)
def test_analyze_bad_files_exit_1_with_a_message(tmp_path: Path, content: bytes, code: str, words: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("analyze", str(path))
    assert result.exit_code == 1
    assert f"[{code}]" in result.output and words in result.output
    assert "Traceback" not in result.output


def test_analyze_oversized_and_missing_inputs(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 5000)
    result = run("analyze", str(big), "--max-chars", "1000")
    assert result.exit_code == 1 and "[input.too_large]" in result.output
    result = run("analyze", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1 and "no such file" in result.output
    result = run("analyze", str(tmp_path))
    assert result.exit_code == 1 and "directory" in result.output


def test_console_script_exits_nonzero_without_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "newscred"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    proc = subprocess.run([str(exe), "analyze", str(empty)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "input.empty" in proc.stderr


def test_score_jsonl_accounts_for_every_row(tmp_path: Path) -> None:
    wire = (EXAMPLES / "wire-story.txt").read_text()
    viral = (EXAMPLES / "viral-post.txt").read_text()
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"doc": "a", "body": wire}),
        "{not json",
        json.dumps({"doc": "c", "body": ""}),
        json.dumps({"doc": "d", "other": "no body here"}),
        json.dumps({"doc": "e", "body": viral}),
        json.dumps(["not", "an", "object"]),
    ]
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = run("score", str(src), "-o", str(out), "--text-col", "body", "--id-col", "doc", "--no-progress")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["row"] for r in rows] == list(range(len(lines)))
    assert [r["id"] for r in rows][:1] == ["a"] and rows[4]["id"] == "e"
    assert "content" in rows[0] and "content" in rows[4]
    assert rows[1]["error"]["code"] == "input.malformed_row"
    assert rows[2]["error"]["code"] == "input.empty"
    assert rows[3]["error"]["code"] == "input.missing_column"
    assert rows[5]["error"]["code"] == "input.malformed_row"
    assert "6 rows: 2 scored" in result.output


def test_score_never_destroys_its_input_or_an_existing_output(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Says crime doubled last year."}) + "\n")
    keep = tmp_path / "precious.jsonl"
    keep.write_text("earlier results\n")
    same = CliRunner().invoke(main, ["score", str(src), "-o", str(src), "--no-progress"])
    assert same.exit_code == 1 and "Error [output]" in same.output and "also the input" in same.output
    assert src.read_text().startswith('{"id": "a"')
    typo = CliRunner().invoke(main, ["score", str(tmp_path / "nput.jsonl"), "-o", str(keep), "--no-progress"])
    assert typo.exit_code == 1 and "no such file" in typo.output
    assert keep.read_text() == "earlier results\n"  # a failed run leaves an existing output untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "precious.jsonl"]  # and no temporary file
    ok = CliRunner().invoke(main, ["score", str(src), "-o", str(keep), "--no-progress"])
    assert ok.exit_code == 0 and json.loads(keep.read_text())["id"] == "a"


@pytest.mark.parametrize("output, extra, message", [
    ("scores.parquet", [], "cannot write .parquet files"),
    ("scores.csv", [], "cannot write .csv files"),
    ("scores.jsonl", ["--output-format", "parquet"], "is for folder output"),
    ("{src}/x.jsonl", [], "is a file, not a folder"),
    ("{tmp}", [], None),  # an existing folder: parts (accepted)
])
def test_score_output_names_mean_what_they_say(tmp_path: Path, output: str, extra: list[str], message: str | None) -> None:
    src = tmp_path / "afile.jsonl"
    src.write_text(json.dumps({"text": "Says crime doubled last year."}) + "\n")
    target = output.format(tmp=tmp_path / "runs", src=src)
    result = CliRunner().invoke(main, ["score", str(src), "-o", target, *extra, "--no-progress"])
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1 and "Error [output]" in result.output and message in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("lines, args, message", [
    (["hello world this is one article", "and its second line"], [], "looks like plain text"),
    ([json.dumps({"doc": 1, "body": "Says crime doubled."})], [], "check --text-col text"),
    ([json.dumps({"doc": 1, "text": "Says crime doubled."})], ["--id-col", "docid"], "check --id-col docid"),
])
def test_score_refuses_an_input_without_the_named_columns(lines: list[str], args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["score", "-", "-o", "-", *args, "--no-progress"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1 and "Error [input.missing_column]" in result.output and message in result.output


def test_score_fails_when_no_row_could_be_scored_and_reads_no_numbers_as_text(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": 12345}) + "\n" + json.dumps({"id": {"a": 1}, "text": ""}) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 1 and "no row of" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]  # still one row per input row
    assert [r["error"]["code"] for r in rows] == ["input.type", "input.empty"]
    assert rows[1]["id"] == '{"a": 1}'


def test_score_a_folder_of_articles_and_tables_names_each_file(tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLES / "wire-story.txt", folder / "a.txt")
    shutil.copy(EXAMPLES / "wire-story.html", folder / "sub" / "b.html")
    (folder / "bad.txt").write_bytes(b"\x00\x01binary")
    (folder / "t.jsonl").write_text(json.dumps({"id": "x", "text": "Says crime doubled last year."}) + "\n")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # neither kind: not read
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["score", str(folder), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["row"], r["file"], r["id"]) for r in rows] == [
        (0, "a.txt", "a.txt"), (1, "bad.txt", "bad.txt"), (2, "sub/b.html", "sub/b.html"), (3, "t.jsonl", "x")]
    assert rows[1]["error"]["code"] == "input.binary"
    assert rows[0]["content"]["p_unreliable"] == rows[2]["content"]["p_unreliable"]  # the page's article is the story
    assert rows[2]["url"].startswith("https://www.springfield-ledger.example/") and "page" in rows[2]
    assert "1 file in" in result.output and "notes.pdf" in result.output  # what is not read is said
    # a temporary file left by a run killed outright is cleaned up by the next run to the same name
    stale = tmp_path / ".out.jsonl.999999999.tmp"
    stale.write_text("half a run")
    again = CliRunner().invoke(main, ["score", str(folder), "-o", str(out), "--no-progress"])
    assert again.exit_code == 0 and not stale.exists()


def test_score_refuses_to_write_inside_its_input_folder_and_a_header_only_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = json.dumps({"id": "a", "text": "Says crime doubled last year."}) + "\n"
    (folder / "c.jsonl").write_text(rows)
    for target in (folder / "c.jsonl", folder / "scores.jsonl", folder / "parts"):
        result = CliRunner().invoke(main, ["score", str(folder), "-o", str(target), "--no-progress"])
        assert result.exit_code == 1 and "inside the input folder" in result.output, result.output
    assert (folder / "c.jsonl").read_text() == rows and sorted(p.name for p in folder.iterdir()) == ["c.jsonl"]
    one_line = CliRunner().invoke(main, ["score", "-", "-o", "-", "--no-progress"], input="Says crime doubled last year.\n")
    assert one_line.exit_code == 1 and "Error [input.empty]" in one_line.output and "newscred analyze" in one_line.output


def test_score_refuses_utf16_with_the_fix(tmp_path: Path) -> None:
    src = tmp_path / "wide.jsonl"
    src.write_bytes((json.dumps({"text": "Says crime doubled."}) + "\n").encode("utf-16"))
    result = CliRunner().invoke(main, ["score", str(src), "-o", "-", "--no-progress"])
    assert result.exit_code == 1 and "Error [input.encoding]" in result.output and "iconv -f UTF-16" in result.output


def test_score_csv_to_stdout(tmp_path: Path) -> None:
    import csv

    src = tmp_path / "in.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerow(["w", (EXAMPLES / "wire-story.txt").read_text()])
        w.writerow(["v", (EXAMPLES / "viral-post.txt").read_text()])
    result = CliRunner().invoke(main, ["score", str(src), "-o", "-", "--no-progress"])  # click>=8.2 keeps stderr apart
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["w", "v"]
    assert rows[0]["content"]["p_unreliable"] < rows[1]["content"]["p_unreliable"]


def test_models_verify_detects_tampering(tmp_path: Path) -> None:
    from newscred.analyzer import BUILTIN_MODELS

    ok = run("models", "verify")
    assert ok.exit_code == 0 and "OK" in ok.output
    copy = tmp_path / "m"
    shutil.copytree(BUILTIN_MODELS["default"], copy)
    with open(copy / "vocabulary.json", "a") as fh:
        fh.write(" ")
    bad = run("models", "verify", str(copy))
    assert bad.exit_code == 1 and "[artifact.corrupt]" in bad.output
    refused = run("analyze", str(EXAMPLES / "wire-story.txt"), "--model", str(copy))
    assert refused.exit_code == 1 and "modified" in refused.output


def test_every_command_has_help() -> None:
    for args in (["--help"], ["analyze", "--help"], ["score", "--help"], ["train", "--help"], ["models", "verify", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_score_adds_source_verdicts_from_a_url_column_with_user_ratings(tmp_path: Path) -> None:
    ratings = tmp_path / "mine.csv"
    ratings.write_text("domain,label,note\nexample.org,low,our own audit\n")
    src = tmp_path / "in.jsonl"
    wire = (EXAMPLES / "wire-story.txt").read_text()
    src.write_text(json.dumps({"id": "1", "text": wire, "link": "https://www.example.org/a"}) + "\n"
                   + json.dumps({"id": "2", "text": wire}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run("score", str(src), "-o", str(out), "--url-col", "link", "--ratings-file", str(ratings), "--no-progress")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["source"]["aggregate"]["label"] == "low" and rows[0]["source"]["ratings"][0]["list"] == "user"
    assert rows[1]["source"] is None
    assert rows[0]["content"] == rows[1]["content"]  # the site never changes the content verdict


# ----------------------------------------------------------------- outputs that are not ours
def _train_argv(tmp_path: Path, out: Path) -> list[str]:
    from .test_evaluation import _user_rows, _write_table

    data = tmp_path / "mine.csv"
    if not data.exists():
        _write_table(data, _user_rows(40))
    return ["train", str(data), "--text-col", "body", "--label-col", "verdict", "-o", str(out)]


def test_train_never_deletes_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.docx").write_text("x")
    result = CliRunner().invoke(main, _train_argv(tmp_path, victim))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error [output.exists]: {victim} is a folder of 1 file(s) (e.g. thesis.docx) and not a "
                                     "model artifact (no readable manifest.json); writing there would delete them. "
                                     "Choose another -o/--output, or move it away first.")
    assert [p.name for p in victim.iterdir()] == ["thesis.docx"] and (victim / "thesis.docx").read_text() == "x"
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    result = CliRunner().invoke(main, _train_argv(tmp_path, notes))
    assert result.exit_code == 1 and "[output.exists]" in result.stderr and "is a file" in result.stderr
    assert notes.read_text() == "mine"


def test_train_replaces_its_own_model_but_not_files_put_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "models" / "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(main, _train_argv(tmp_path, empty)).exit_code == 0  # an empty folder holds nothing to lose
    assert (empty / "manifest.json").is_file()
    assert CliRunner().invoke(main, _train_argv(tmp_path, out)).exit_code == 0
    first = json.loads((out / "manifest.json").read_text())["created_at"]
    again = CliRunner().invoke(main, _train_argv(tmp_path, out))  # retraining into the same folder is normal
    assert again.exit_code == 0, again.output
    assert run("models", "verify", str(out)).exit_code == 0 and json.loads((out / "manifest.json").read_text())["created_at"] >= first
    (out / "eval-notes.md").write_text("keep me")
    refused = CliRunner().invoke(main, _train_argv(tmp_path, out))
    assert refused.exit_code == 1 and "eval-notes.md" in refused.stderr and "its manifest does not list" in refused.stderr
    assert (out / "eval-notes.md").read_text() == "keep me"


def test_train_refuses_to_replace_another_kind_of_artifact(tmp_path: Path) -> None:
    from newscred.analyzer import BUILTIN_MODELS

    claim = tmp_path / "claim-model"
    shutil.copytree(BUILTIN_MODELS["claim"], claim)
    before = sorted(p.name for p in claim.iterdir())
    result = CliRunner().invoke(main, _train_argv(tmp_path, claim))
    assert result.exit_code == 1 and "for task 'claim', not a model artifact (task 'article')" in result.stderr
    assert sorted(p.name for p in claim.iterdir()) == before and run("models", "verify", str(claim)).exit_code == 0


def test_claims_index_build_never_deletes_what_is_at_its_output(tmp_path: Path) -> None:
    from .test_claim_matching import FIXTURE

    build = ["claims", "index", "build", "--claims", str(FIXTURE), "--lexical-only", "--no-progress", "-o"]
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.docx").write_text("x")
    result = CliRunner().invoke(main, [*build, str(victim)])
    assert result.exit_code == 1 and f"Error [output.exists]: {victim} is a folder" in result.stderr
    assert "not a claim index" in result.stderr and (victim / "thesis.docx").read_text() == "x"
    from newscred.analyzer import BUILTIN_MODELS

    model = tmp_path / "model"
    shutil.copytree(BUILTIN_MODELS["default"], model)
    result = CliRunner().invoke(main, [*build, str(model)])
    assert result.exit_code == 1 and "task 'article', not a claim index" in result.stderr
    index = tmp_path / "claims.idx"
    assert CliRunner().invoke(main, [*build, str(index)]).exit_code == 0
    again = CliRunner().invoke(main, [*build, str(index)])  # rebuilding an index in place is allowed
    assert again.exit_code == 0, again.output
    assert "is refused, never deleted" in " ".join(run("claims", "index", "build", "--help").output.split())


@pytest.mark.parametrize("command", ["verify", "info", "card"])
def test_models_subcommands_say_what_model_defaults_to_and_show_examples(command: str) -> None:
    result = run("models", command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "without MODEL, builtin:default, the bundled article model" in text
    assert "Examples:" in result.output and f"newscred models {command} models/mine" in result.output


# ----------------------------------------------------------------- batch: ids, folders, progress
def test_score_rows_without_an_id_get_null_and_shared_ids_are_counted(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "1", "text": "Says the governor cut school funding by 40 percent."}),
        json.dumps({"text": "Says crime doubled in the city last year, the mayor claims."}),  # no id: not "1"
        json.dumps({"id": "1", "text": "Says the senator voted against veterans twelve times."}),
        "{broken",
        json.dumps({"id": "", "text": "Says taxes rose every year."}),
        json.dumps({"id": "1", "text": "Says the river flooded twice."}),
    ]) + "\n")
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(tmp_path / "out.jsonl"), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(r["row"], r["id"]) for r in rows] == [(0, "1"), (1, None), (2, "1"), (3, None), (4, None), (5, "1")]
    assert result.stderr.strip().splitlines()[-1].startswith("warning: 2 rows share an id with an earlier row")
    csv_src = tmp_path / "in.csv"
    csv_src.write_text("id,text\n1,Says crime doubled.\n,Says taxes rose.\n")
    ok = CliRunner().invoke(main, ["score", str(csv_src), "-o", "-", "--no-progress"])
    assert [json.loads(line)["id"] for line in ok.stdout.splitlines()] == ["1", None]
    assert "warning" not in ok.stderr


def test_score_null_text_is_input_type_as_in_the_library(analyzer, tmp_path: Path) -> None:
    from newscred.errors import InputTypeError

    with pytest.raises(InputTypeError):
        analyzer.analyze(None)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": None}) + "\n" + json.dumps({"id": "b", "text": "Says crime doubled."}) + "\n")
    result = CliRunner().invoke(main, ["score", str(src), "-o", "-", "--no-progress"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["error"]["code"] == InputTypeError.code == "input.type" and "null" in rows[0]["error"]["message"]


@pytest.mark.parametrize("nocol", ["0nocol.csv", "zz_nocol.csv"])
def test_score_folder_skips_hidden_entries_and_one_odd_file_never_stops_the_crawl(tmp_path: Path, nocol: str) -> None:
    folder = tmp_path / "crawl"
    (folder / ".cache").mkdir(parents=True)
    (folder / ".git").mkdir()
    good = json.dumps({"id": "x", "text": "Says crime doubled last year."}) + "\n"
    (folder / "a.jsonl").write_text(good)
    (folder / ".cache" / "old.jsonl").write_text(good)  # a checkpoint copy: not the corpus
    (folder / ".git" / "x.jsonl").write_text("{}\n")
    (folder / ".hidden.jsonl").write_text("")
    (folder / "m_empty.jsonl").write_text("")
    (folder / "m_blank.csv").write_text("\n \n")
    (folder / "e.json").write_text('{"x": 1}\n')  # no format to read it by
    (folder / nocol).write_text("id,body\n1,Says taxes rose.\n2,Says taxes fell.\n")  # no text column
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["score", str(folder), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    by_file = {}
    for r in rows:
        by_file.setdefault(r["file"], []).append(r.get("error", {}).get("code"))
    assert by_file == {"a.jsonl": [None], "e.json": ["input.format"], nocol: ["input.missing_column"] * 2}
    assert [r["row"] for r in rows] == list(range(4))
    note = next(line for line in result.stderr.splitlines() if "will not be read" in line)
    assert ".cache/, .git/, .hidden.jsonl (hidden: a name starting with '.'" in note
    assert "m_blank.csv, m_empty.jsonl (empty)" in note
    assert f"note: {folder / nocol} has no column 'text'" in result.stderr


def test_score_prints_plain_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": str(i), "text": f"Says crime rose {i} percent."}) + "\n" for i in range(20)))
    forced = CliRunner().invoke(main, ["score", str(src), "-o", str(tmp_path / "a.jsonl"), "-w", "1", "--progress"])
    assert forced.exit_code == 0, forced.output
    lines = [line for line in forced.stderr.splitlines() if "rows/s" in line]
    assert len(lines) == 10 and lines[0].startswith("2/20 rows, ") and "left" in lines[0]
    assert lines[-1].startswith("20/20 rows, ")
    for flag in ("--no-progress", None):  # off, and a short run on its own: no lines
        quiet = CliRunner().invoke(main, ["score", str(src), "-o", str(tmp_path / "b.jsonl"), *([flag] if flag else [])])
        assert quiet.exit_code == 0 and "rows/s" not in quiet.stderr


def test_progress_lines_off_a_terminal_come_every_30_seconds_with_rate_and_time_left(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from newscred.cli import score as score_cli

    clock = [1000.0]
    monkeypatch.setattr(score_cli.time, "monotonic", lambda: clock[0])
    lines = score_cli._ProgressLines(tenths=False)
    lines.set_total(22_000)
    lines.skip(2_000)  # committed by an earlier run: not part of this run's rate
    clock[0] += 10
    lines(1_500)
    assert capsys.readouterr().err == ""  # a short run prints nothing
    clock[0] += 70
    lines(10_500)
    assert capsys.readouterr().err == "14,000/22,000 rows, 150 rows/s, about 53 s left\n"


def test_terminal_report_of_an_html_page_says_what_was_read_from_it() -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    result = CliRunner().invoke(main, ["analyze", str(EXAMPLES / "wire-story.html")], terminal_width=200)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())  # the console wraps long lines
    assert "Page: title City council approves" in flat and "words of article text" in flat
    plain = CliRunner().invoke(main, ["analyze", str(EXAMPLES / "wire-story.txt")], terminal_width=200)
    assert "Page: " not in plain.output
