"""--resume only continues a run it can vouch for: same options, same newscred, committed parts intact."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscred.batch.runner import MANIFEST, score_corpus
from newscred.cli import main
from newscred.errors import ConfigError

from .conftest import EXAMPLES


def _write_input(path: Path, n: int) -> None:
    wire = (EXAMPLES / "wire-story.txt").read_text()
    viral = (EXAMPLES / "viral-post.txt").read_text()
    rows = [{"id": f"a{i}", "title": f"Says item {i} doubled last year.", "text": (wire if i % 2 else viral) + f" Item {i}."}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _interrupt(out: Path, keep: int) -> None:
    """What a kill -9 after ``keep`` committed parts leaves: those parts and a manifest saying so."""
    manifest = json.loads((out / MANIFEST).read_text())
    for part in manifest["parts"][keep:]:
        (out / part["file"]).unlink()
    manifest["parts"] = manifest["parts"][:keep]
    manifest["complete"] = False
    (out / MANIFEST).write_text(json.dumps(manifest))


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text().splitlines()]


def _score(*args: str):
    return CliRunner().invoke(main, ["score", *args, "--no-progress", "-w", "1"])


def test_resume_with_other_options_is_refused_naming_what_the_run_was_started_with(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 12)
    started = ["--part-size", "4", "--prior", "0.1", "--no-provenance", "--mode", "article", "--text-col", "title"]
    assert _score(str(src), "-o", str(out), *started).exit_code == 0
    _interrupt(out, keep=1)
    forgotten = _score(str(src), "-o", str(out), "--part-size", "4", "--resume")
    assert forgotten.exit_code == 1
    message = forgotten.stderr.strip()
    assert message.startswith("Error [config]: cannot resume") and "\n" not in message
    assert ("it was started with --text-col title, --prior 0.1, --mode article, --no-provenance "
            "(this run: --text-col text, --prior 0.5, --mode auto, --provenance)") in message
    assert len(_rows(out)) == 4  # nothing was added
    same = _score(str(src), "-o", str(out), *started, "--resume")
    assert same.exit_code == 0, same.output
    rows = _rows(out)
    assert [r["row"] for r in rows] == list(range(12))
    assert {(r["content"]["prior"], r["content"]["mode"], r["provenance"] is None) for r in rows} == {(0.1, "article", True)}


def test_the_manifest_records_version_and_every_option_that_shapes_a_row(analyzer, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write_input(src, 3)
    score_corpus(analyzer, src, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    import newscred

    assert manifest["newscred_version"] == newscred.__version__
    assert set(manifest["options"]) == {"text_col", "id_col", "title_col", "url_col", "prior", "mode", "provenance",
                                        "claims", "claims_index", "max_chars", "ratings_file", "output_format",
                                        "claim_model", "sentence_model"}


def test_resume_refuses_a_changed_ratings_file_another_version_and_an_old_manifest(analyzer, tmp_path: Path) -> None:
    import newscred

    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 6)
    ratings = tmp_path / "mine.csv"
    ratings.write_text("domain,label\nexample.org,low\n")
    rated = newscred.load(ratings_file=ratings, claims=False)
    score_corpus(rated, src, out, part_size=2)
    _interrupt(out, keep=1)
    ratings.write_text("domain,label\nexample.org,high\n")  # same name, other ratings
    with pytest.raises(ConfigError, match=r"started with --ratings-file .*mine.csv \(sha256 [0-9a-f]{12}\)"):
        score_corpus(newscred.load(ratings_file=ratings, claims=False), src, out, part_size=2, resume=True)

    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "newscred_version": "0.0.1"}))
    with pytest.raises(ConfigError, match="started with newscred 0.0.1 and this is newscred"):
        score_corpus(rated, src, out, part_size=2, resume=True)

    # a manifest from before options were recorded: nothing to check them against, so no resume
    old = {k: v for k, v in manifest.items() if k not in ("newscred_version", "options", "duplicate_ids")}
    (out / MANIFEST).write_text(json.dumps(old))
    with pytest.raises(ConfigError, match="older newscred that did not record"):
        score_corpus(rated, src, out, part_size=2, resume=True)


@pytest.mark.parametrize("complete", [False, True], ids=["interrupted", "complete"])
def test_resume_scores_missing_and_altered_parts_again(tmp_path: Path, complete: bool) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 14)
    assert _score(str(src), "-o", str(out), "--part-size", "3").exit_code == 0
    reference = _rows(out)
    if not complete:
        _interrupt(out, keep=3)
    (out / "part-00001.jsonl").unlink()  # lost
    first = (out / "part-00000.jsonl").read_text().splitlines()
    (out / "part-00000.jsonl").write_text("\n".join(first[1:]) + "\n")  # cut short
    third = (out / "part-00002.jsonl")
    third.write_text(third.read_text().replace('"id": "a7"', '"id": "a8"'))  # same rows, other bytes
    result = _score(str(src), "-o", str(out), "--part-size", "3", "--resume")
    assert result.exit_code == 0, result.output
    assert "part-00000.jsonl does not match the sha256 the manifest recorded: scoring its 3 rows again" in result.stderr
    assert "part-00001.jsonl is missing: scoring its 3 rows again" in result.stderr
    assert "part-00002.jsonl does not match the sha256" in result.stderr
    assert "14 rows:" in result.stderr
    assert _rows(out) == reference
    assert not list(out.glob("*.tmp"))
    again = _score(str(src), "-o", str(out), "--part-size", "3", "--resume")  # now intact: nothing to do
    assert again.exit_code == 0 and "again" not in again.stderr


def test_parts_scored_again_by_workers_keep_their_rows_apart_from_the_rest(analyzer, tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 30)
    score_corpus(analyzer, src, out, part_size=5)
    reference = _rows(out)
    _interrupt(out, keep=3)
    (out / "part-00001.jsonl").unlink()
    # one chunk of 7 holds rows 5-9 (part 1, again) and 15-16 (new): two places, not one run of rows
    score_corpus(analyzer, src, out, part_size=5, workers=2, chunk_size=7, resume=True)
    assert _rows(out) == reference
    assert [json.loads(p.read_text().splitlines()[0])["row"] for p in sorted(out.glob("part-*.jsonl"))] == list(range(0, 30, 5))


@pytest.mark.parametrize("flag", ["--claim-model", "--sentence-model"])
def test_resume_with_another_claim_or_sentence_model_is_refused(tmp_path: Path, flag: str) -> None:
    from newscred.claims.sentences import DEFAULT_MODEL_DIR as SENTENCES
    from newscred.model.claim import DEFAULT_PATH as CLAIMS

    src, out, mine = tmp_path / "in.jsonl", tmp_path / "out", tmp_path / "mine"
    _write_input(src, 8)
    # the bundled model under another name: another manifest, so another model to a resumed run
    shutil.copytree(CLAIMS if flag == "--claim-model" else SENTENCES, mine)
    manifest = json.loads((mine / "manifest.json").read_text())
    (mine / "manifest.json").write_text(json.dumps({**manifest, "name": "mine"}))
    # the sentence model shapes only the claims section, so it is recorded only with --claims
    common = ["-o", str(out), "--part-size", "4"] + (["--claims"] if flag == "--sentence-model" else [])
    assert _score(str(src), *common, flag, str(mine)).exit_code == 0
    _interrupt(out, keep=1)
    other = _score(str(src), *common, "--resume")
    assert other.exit_code == 1 and flag in other.stderr
    assert len(_rows(out)) == 4
    assert _score(str(src), *common, flag, str(mine), "--resume").exit_code == 0
    assert len(_rows(out)) == 8


def test_resume_refuses_a_folder_whose_rows_were_written_in_another_row_format(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 8)
    assert _score(str(src), "-o", str(out), "--part-size", "4").exit_code == 0
    _interrupt(out, keep=1)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["row_format"] == 2
    (out / MANIFEST).write_text(json.dumps({k: v for k, v in manifest.items() if k != "row_format"}))
    resumed = _score(str(src), "-o", str(out), "--part-size", "4", "--resume")
    assert resumed.exit_code == 1 and "wrote some ids differently" in resumed.stderr
    assert len(_rows(out)) == 4  # nothing was added


def test_an_interrupt_while_the_manifest_is_renamed_leaves_the_old_one_and_no_tmp(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    # A Ctrl-C landing between writing _manifest.json.tmp and renaming it (seen once in CI)
    from newscred.batch import runner

    manifest = runner.Manifest(model={"name": "m"}, input={"path": "in.jsonl"}, part_size=4, output_format="jsonl")
    manifest.write(tmp_path)
    before = (tmp_path / MANIFEST).read_text()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner.os, "replace", interrupted)
    manifest.complete = True
    with pytest.raises(KeyboardInterrupt):
        manifest.write(tmp_path)
    assert (tmp_path / MANIFEST).read_text() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_an_interrupt_just_after_a_part_file_is_opened_leaves_no_tmp_and_resume_finishes(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    # A Ctrl-C landing inside _PartWriter() after it opened part-NNNNN.jsonl.tmp, before the
    # run held the writer (seen once in CI): the unfinished part must still be removed.
    from newscred.batch import runner

    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    _write_input(src, 8)
    real = runner._PartWriter

    class OpenedThenInterrupted(real):
        def __init__(self, out_dir: Path, number: int, fmt: str) -> None:
            super().__init__(out_dir, number, fmt)
            if number == 1:
                raise runner.Stopped(signal.SIGINT)  # what stop_on_signals raises on Ctrl-C

    monkeypatch.setattr(runner, "_PartWriter", OpenedThenInterrupted)
    stopped = _score(str(src), "-o", str(out), "--part-size", "4")
    assert stopped.exit_code == 130 and "stopped by Ctrl-C" in stopped.stderr
    assert not list(out.glob("*.tmp"))
    assert [p.name for p in out.glob("part-*")] == ["part-00000.jsonl"]
    monkeypatch.setattr(runner, "_PartWriter", real)
    assert _score(str(src), "-o", str(out), "--part-size", "4", "--resume").exit_code == 0
    assert [r["id"] for r in _rows(out)] == [f"a{i}" for i in range(8)]
