"""``newscred score``."""

from __future__ import annotations

import sys
from typing import Any

import click

from . import main
from ._common import claims_options, handle_errors, model_option


def _is_single_file(output: str) -> bool:
    return output == "-" or output.lower().endswith((".jsonl", ".json", ".ndjson"))


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
@click.option("--id-col", default="id", show_default=True, help="Column holding a row id; the row number is used when absent.")
@click.option("--url-col", default="url", show_default=True, help="Column holding the article URL (optional).")
@click.option("--prior", default=0.5, show_default=True, type=float,
              help="Share of unreliable articles you expect in INPUT (0-1); probabilities are calibrated for 0.5.")
@click.option("-w", "--workers", default=None, type=click.IntRange(1, 256),
              help="Processes to score with, each loading the model once (default: one per CPU core).")
@click.option("--part-size", default=10000, show_default=True, type=click.IntRange(1),
              help="Rows per output part (folder output).")
@click.option("--output-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
              help="Format of the parts (folder output).")
@click.option("--backend", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this machine's processes; spark: Apache Spark (pip install 'newscred[spark]').")
@click.option("--master", default=None, help="Spark master URL for --backend spark (default local[*], or $SPARK_MASTER).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in the output folder (same model, same input).")
@click.option("--ratings-file", type=click.Path(exists=True, dir_okay=False), default=None, envvar="NEWSCRED_RATINGS_FILE",
              help="Your own source ratings (CSV/JSON), used for rows with a URL (--url-col; a bare domain works too).")
@click.option("--provenance/--no-provenance", default=True, show_default=True,
              help="Include the provenance section (wire origin, injected blocks, sourcing); off roughly doubles throughput.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on standard error (default: when it is a terminal).")
@claims_options(default=False)
@handle_errors
def score(input: str, output: str, model: str | None, fmt: str | None, text_col: str, title_col: str,
          id_col: str, url_col: str, prior: float, workers: int | None, part_size: int, output_format: str, backend: str,
          master: str | None, resume: bool, ratings_file: str | None, provenance: bool, progress: bool | None,
          claims: bool, claims_index: str | None, mode: str) -> None:
    """Score every row of INPUT: a JSONL, CSV, TSV or Parquet file, a folder of them, or '-' for standard input.

    Writes exactly one JSON row per input row, in input order, carrying the row number and id:
    the full report (the same keys as 'analyze --json'), or an "error" object with a stable code
    for rows that cannot be scored (empty text, malformed line, missing column...).
    Rows under 60 words go to the short-claim model (--mode). The check-worthy claims section is
    off in bulk (claims: null); --claims turns it on.

    With a folder as OUTPUT, rows go into part-NNNNN files, each committed atomically, and
    _manifest.json records the model, the input digest and the counts; after an interruption
    (even kill -9), the same command with --resume finishes the run with every row exactly once.

    \b
    Examples:
      newscred score articles.jsonl -o scores.jsonl
      newscred score export.csv -o - --text-col body --id-col doc_id | jq .content.p_unreliable
      newscred score crawl/ -o scored/ --workers 2 --output-format parquet
      newscred score crawl/ -o scored/ --workers 2 --resume
      newscred score crawl.parquet -o scored/ --backend spark --master spark://host:7077
    """
    if backend == "spark":
        if _is_single_file(output) or resume:
            raise click.UsageError("--backend spark writes a folder (give -o FOLDER) and has no --resume (Spark retries tasks itself)")
        from ..batch.spark import score_with_spark

        result = score_with_spark(input, output, model=model, master=master, fmt=fmt, text_col=text_col, id_col=id_col,
                                  title_col=title_col, url_col=url_col, prior=prior, output_format=output_format,
                                  provenance=provenance, claims=claims, mode=mode)
        click.echo(f"{result['rows']} rows scored on Spark ({result['by_label']}) -> {output}", err=True)
        return
    import os

    from .. import load
    from ..batch import Columns

    workers = workers or max(1, os.cpu_count() or 1)

    analyzer = load(model, prior=prior, provenance=provenance, ratings_file=ratings_file, claims=claims,
                    claims_index=claims_index, mode=mode)
    cols = Columns(text=text_col, title=title_col or None, id=id_col or None, url=url_col or None)
    show = sys.stderr.isatty() if progress is None else progress
    bar_ctx: Any = None
    advance = None
    on_total = None
    if show:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        bar_ctx = Progress(SpinnerColumn(), TextColumn("scoring"), BarColumn(), MofNCompleteColumn(),
                           TaskProgressColumn(show_speed=True), TimeElapsedColumn(), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=True)
        task = bar_ctx.add_task("score", total=None)
        advance = lambda n: bar_ctx.advance(task, n)  # noqa: E731
        on_total = lambda total: bar_ctx.update(task, total=total)  # noqa: E731
        bar_ctx.start()
        if _is_single_file(output):  # the folder runner sets its own total (it knows what is already done)
            from ..batch.runner import estimate_rows, input_files

            try:
                on_total(estimate_rows(input_files(input)))
            except Exception:  # noqa: BLE001 - only for the ETA; the run reports real problems itself
                pass
    try:
        if _is_single_file(output):
            if resume:
                raise click.UsageError("--resume needs a folder as --output (parts and a manifest)")
            from ..batch import score_file

            summary = score_file(analyzer, input, output, fmt=fmt, cols=cols, workers=workers, progress=advance)
            where = output
        else:
            from ..batch.runner import score_corpus

            manifest = score_corpus(analyzer, input, output, fmt=fmt, cols=cols, workers=workers, part_size=part_size,
                                    output_format=output_format, resume=resume, progress=advance, on_total=on_total)
            summary = manifest.summary()
            where = f"{output} ({len(manifest.parts)} parts, manifest {output}/_manifest.json)"
    finally:
        if bar_ctx is not None:
            bar_ctx.stop()
    labels = ", ".join(f"{k} {v}" for k, v in sorted(summary.labels.items())) or "none"
    msg = f"{summary.rows} rows: {summary.scored} scored ({labels}), {summary.errors} errors"
    if summary.error_codes:
        msg += " (" + ", ".join(f"{k} {v}" for k, v in sorted(summary.error_codes.items())) + ")"
    click.echo(f"{msg} -> {where}", err=True)
