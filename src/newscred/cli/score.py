"""``newscred score``."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import click

from . import main
from ..text.validate import DEFAULT_MAX_CHARS
from ._common import claims_options, handle_errors, model_option


# Names that look like a file of another kind: writing a folder of JSONL parts under them would surprise.
_OTHER_FILE_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv", ".txt", ".gz", ".bz2", ".xz", ".zip", ".xlsx", ".html")


def _is_single_file(output: str) -> bool:
    from ..batch.runner import single_file_output

    return single_file_output(output)


def _check_output_name(output: str, output_format: str, output_format_given: bool) -> None:
    from ..errors import OutputError

    lower = output.lower().rstrip("/")
    if not output.endswith("/") and lower.endswith(_OTHER_FILE_SUFFIXES) and not os.path.isdir(output):
        raise OutputError(
            f"-o {output}: newscred score writes one JSONL file (-o NAME.jsonl, or '-') or a folder of parts "
            f"(-o DIR/, with --output-format parquet for Parquet parts); it cannot write {os.path.splitext(lower)[1]} files")
    if _is_single_file(output) and output_format_given and output_format != "jsonl":
        raise OutputError(f"--output-format {output_format} is for folder output; -o {output} is one JSONL file. "
                          "Give a folder (-o DIR/) for Parquet parts.")


@main.command()
@click.argument("input", type=str)
@click.option("-o", "--output", required=True,
              help="A .jsonl file ('-' for standard output), or a folder: then output is written in parts with a "
                   "run manifest, and the run can be resumed.")
@model_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "tsv", "parquet"]), default=None,
              help="Input format; guessed from the file extension when omitted (standard input: sniffed).")
@click.option("--text-col", default="text", show_default=True, help="Column holding the article text.")
@click.option("--title-col", default="title", show_default=True, help="Column holding the headline (optional).")
@click.option("--id-col", default="id", show_default=True, help="Column holding a row id; a row without one gets id null (its 'row' number is the key).")
@click.option("--url-col", default="url", show_default=True, help="Column holding the article URL (optional).")
@click.option("--prior", default=0.5, show_default=True, type=float,
              help="Share of unreliable articles you expect in INPUT (strictly between 0 and 1); probabilities are "
                   "calibrated for 0.5.")
@click.option("--max-chars", default=DEFAULT_MAX_CHARS, show_default=True, type=click.IntRange(1, None),
              help="Longest text scored, in characters; a longer row gets an input.too_large error row.")
@click.option("-w", "--workers", default=None, type=click.IntRange(1, 256),
              help="Processes to score with, each loading the model once (default: one per CPU core).")
@click.option("--part-size", default=10000, show_default=True, type=click.IntRange(1),
              help="Rows per output part (folder output).")
@click.option("--output-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
              help="Format of the parts (folder output).")
@click.option("--backend", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this machine's processes; spark: Apache Spark (pip install 'newscred[spark]').")
@click.option("--master", default=None, help="Spark master URL, with --backend spark only (default local[*], or $SPARK_MASTER).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run in the output folder (same model, input, newscred version and options); "
                   "committed parts that are missing or altered are scored again.")
@click.option("--ratings-file", type=click.Path(exists=True, dir_okay=False), default=None, envvar="NEWSCRED_RATINGS_FILE",
              help="Your own source ratings (CSV/JSON), used for rows with a URL (--url-col; a bare domain works too).")
@click.option("--provenance/--no-provenance", default=True, show_default=True,
              help="Include the provenance section (wire origin, injected blocks, sourcing); off roughly doubles throughput.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on standard error: a bar on a terminal; elsewhere (a log, CI) a plain line every 30 s, and "
                   "with --progress also at every tenth of the input. Default: on.")
@claims_options(default=False)
@handle_errors
@click.pass_context
def score(ctx: click.Context, input: str, output: str, model: str | None, fmt: str | None, text_col: str, title_col: str,
          id_col: str, url_col: str, prior: float, max_chars: int, workers: int | None, part_size: int, output_format: str,
          backend: str, master: str | None, resume: bool, ratings_file: str | None, provenance: bool, progress: bool | None,
          claims: bool, claims_index: str | None, mode: str, claim_model: str | None,
          sentence_model: str | None) -> None:
    """Score every row of INPUT: a JSONL, CSV, TSV or Parquet file, a folder of them, or '-' for standard input.
    In a folder, each .txt, .md or .html file is one article (its id is its path in the folder), and
    every output row names the file it came from ("file").

    Writes exactly one JSON row per input row, in input order, carrying the row number and id
    (null for a row without one; a warning counts rows sharing an id): the full report (the same
    keys as 'analyze --json'), or an "error" object with a stable code for rows that cannot be
    scored (empty text, malformed line, missing column, input.encoding for bytes that are not
    UTF-8...). Ids are strings: a string id is kept as it is; an integral float (12.0, as a
    nullable integer column reads in pandas or Spark) is written "12", NaN is null. In a folder, hidden files and folders
    (.cache/, .git/) are not read, and a file that cannot be read as a table is one error row.
    Rows under 60 words go to the short-claim model (--mode). The check-worthy claims section is
    off in bulk (claims: null); --claims turns it on.

    A single output file is written beside its final name and renamed into place at the end, so
    a failed run never empties an existing file. The run exits with status 1 when the input as a
    whole is unusable (no such file, no text column, UTF-16...) or when no row could be scored;
    stopped by SIGTERM or Ctrl-C, it removes its temporary file and exits with 143 or 130.

    With a folder as OUTPUT, rows go into part-NNNNN files, each committed atomically, and
    _manifest.json records the model, the input digest, the newscred version, the options that
    shape a row and the counts; after an interruption (even kill -9), the same command with
    --resume finishes the run with every row exactly once, after checking each committed part.

    \b
    Examples:
      newscred score articles.jsonl -o scores.jsonl
      newscred score export.csv -o - --text-col body --id-col doc_id | jq .content.p_unreliable
      newscred score crawl/ -o scored/ --workers 2 --output-format parquet
      newscred score saved-stories/ -o scores.jsonl                 # a folder of .txt/.html articles
      newscred score crawl/ -o scored/ --workers 2 --resume
      newscred score crawl.parquet -o scored/ --backend spark --master spark://host:7077
    """
    from click.core import ParameterSource

    def given(name: str) -> bool:
        return ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)

    _check_output_name(output, output_format, given("output_format"))
    if master and backend != "spark":
        raise click.UsageError("--master is for --backend spark; the local backend runs on this machine")
    if backend == "spark":
        if _is_single_file(output) or resume:
            raise click.UsageError("--backend spark writes a folder (give -o FOLDER) and has no --resume (Spark retries tasks itself)")
        if sentence_model and claims:
            raise click.UsageError("--sentence-model is not sent to Spark executors: use the local backend, or leave "
                                   "it out (the bundled sentence model is used)")
        from ..batch.spark import score_with_spark

        result = score_with_spark(input, output, model=model, master=master, fmt=fmt, text_col=text_col, id_col=id_col,
                                  title_col=title_col, url_col=url_col, prior=prior, output_format=output_format,
                                  provenance=provenance, claims=claims, mode=mode, claim_model=claim_model)
        # the same one-line summary as a local run, so logs read alike; counts alone from an older spark module
        click.echo(result.get("summary") or f"{result['rows']} rows scored on Spark ({result['by_label']}) -> {output}",
                   err=True)
        return
    from .. import load
    from ..batch import Columns
    from ..batch.runner import check_outcome, duplicate_ids_warning, stop_on_signals, stopped_message, unread_note

    workers = workers or max(1, os.cpu_count() or 1)

    note_line = unread_note(input)
    if note_line:
        click.echo(note_line, err=True)
    # Required columns the user named must exist: a mistyped --id-col would otherwise give rows
    # without ids, and a mistyped --url-col no source verdicts, without a word.
    required = tuple(c for name, c in (("id_col", id_col), ("title_col", title_col), ("url_col", url_col)) if c and given(name))
    cols = Columns(text=text_col, title=title_col or None, id=id_col or None, url=url_col or None, required=required)
    if _is_single_file(output) and resume:
        raise click.UsageError("--resume needs a folder as --output (parts and a manifest)")
    # SIGTERM and Ctrl-C clean up like an error, then exit with 143 or 130 (not 1: the input is fine)
    with stop_on_signals() as stopped:
        try:
            analyzer = load(model, prior=prior, provenance=provenance, ratings_file=ratings_file, claims=claims,
                            claims_index=claims_index, mode=mode, max_chars=max_chars, claim_model=claim_model,
                            sentence_model=sentence_model)
            summary, where = _run(analyzer, input, output, fmt, cols, workers, part_size, output_format, resume, progress)
        except stopped as stop:
            click.echo(stopped_message(stop, output), err=True)
            sys.exit(128 + stop.signum)
    click.echo(summary.line(where), err=True)
    warning = duplicate_ids_warning(summary)
    if warning:
        click.echo(warning, err=True)
    check_outcome(summary, input, cols)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"


class _ProgressLines:
    """Progress for a log file, CI or Kubernetes (stderr not a terminal), where a bar shows nothing:
    a plain line every ``interval`` seconds and, with ``--progress`` forced, at every tenth of the
    input too ("12,000/20,000 rows, 150 rows/s, about 53 s left")."""

    def __init__(self, tenths: bool, interval: float = 30.0) -> None:
        self.tenths = tenths
        self.interval = interval
        self.total: int | None = None
        self.count = 0
        self.resumed = 0  # rows committed by an earlier run: not part of this run's rate
        self.start = self.last = time.monotonic()
        self.next_tenth = 1

    def set_total(self, total: int | None) -> None:
        self.total = total or None

    def skip(self, n: int) -> None:
        self.count += n
        self.resumed += n
        if self.total:
            self.next_tenth = self.count * 10 // self.total + 1

    def __call__(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        due = now - self.last >= self.interval
        if self.tenths and self.total and self.count * 10 // self.total >= self.next_tenth:
            self.next_tenth = self.count * 10 // self.total + 1
            due = True
        if due:
            self.last = now
            click.echo(self.line(now), err=True)

    def line(self, now: float) -> str:
        rate = (self.count - self.resumed) / max(now - self.start, 1e-6)
        total = self.total if self.total and self.total >= self.count else None  # an estimate can fall short
        text = f"{self.count:,}/{total:,} rows" if total else f"{self.count:,} rows"
        text += f", {rate:,.0f} rows/s"
        if total and rate > 0 and self.count < total:
            text += f", about {_duration((total - self.count) / rate)} left"
        return text


def _run(analyzer: Any, input: str, output: str, fmt: str | None, cols: Any, workers: int, part_size: int,
         output_format: str, resume: bool, progress: bool | None) -> tuple[Any, str]:
    """Score into a file or a folder, with a bar on a terminal, plain lines elsewhere."""
    bar_ctx: Any = None
    lines: _ProgressLines | None = None
    advance: Any = None
    on_total: Any = None
    resumed: Any = None
    if progress is not False and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TaskProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task: Any) -> Text:
                return Text(f"{task.speed:,.0f} rows/s" if task.speed else "", style="progress.data.speed")

        bar_ctx = Progress(SpinnerColumn(), TextColumn("scoring"), BarColumn(), MofNCompleteColumn(),
                           TaskProgressColumn(), RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=True)
        task = bar_ctx.add_task("score", total=None)
        advance = resumed = lambda n: bar_ctx.advance(task, n)  # noqa: E731
        on_total = lambda total: bar_ctx.update(task, total=total)  # noqa: E731
        bar_ctx.start()
    elif progress is not False:
        # no terminal: quiet for a short run, a line every 30 s for a long one; forced: every tenth too
        lines = _ProgressLines(tenths=bool(progress))
        advance, on_total, resumed = lines, lines.set_total, lines.skip

    def note(message: str) -> None:
        line = message if message.startswith("warning: ") else f"note: {message}"
        if bar_ctx is not None:
            bar_ctx.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, err=True)

    from ..batch.runner import score_to

    try:
        return score_to(analyzer, input, output, fmt=fmt, cols=cols, workers=workers, part_size=part_size,
                        output_format=output_format, resume=resume, progress=advance, on_total=on_total,
                        resumed=resumed, on_note=note)
    finally:
        if bar_ctx is not None:
            bar_ctx.stop()
