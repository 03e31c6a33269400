"""``newscred score``."""

from __future__ import annotations

import sys

import click

from . import main
from ._common import handle_errors, model_option


@main.command()
@click.argument("input", type=str)
@click.option("-o", "--output", required=True, help="Output JSONL file ('-' for standard output).")
@model_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "tsv", "parquet"]), default=None,
              help="Input format; guessed from the file extension when omitted (standard input: jsonl).")
@click.option("--text-col", default="text", show_default=True, help="Column holding the article text.")
@click.option("--title-col", default="title", show_default=True, help="Column holding the headline (optional).")
@click.option("--id-col", default="id", show_default=True, help="Column holding a row id; the row number is used when absent.")
@click.option("--url-col", default="url", show_default=True, help="Column holding the article URL (optional).")
@click.option("--prior", default=0.5, show_default=True, type=float,
              help="Share of unreliable articles you expect in INPUT (0-1); probabilities are calibrated for 0.5.")
@click.option("-w", "--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Processes to score with (each loads the model once); use the number of cores.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on standard error (default: when it is a terminal).")
@handle_errors
def score(input: str, output: str, model: str | None, fmt: str | None, text_col: str, title_col: str,
          id_col: str, url_col: str, prior: float, workers: int, progress: bool | None) -> None:
    """Score every row of INPUT (JSONL, CSV, TSV or Parquet; '-' for standard input).

    Writes exactly one JSON line per input row, in input order, carrying the row number and id:
    the full report (the same keys as 'analyze --json'), or an "error" object with a stable
    code for rows that cannot be scored (empty text, malformed line, missing column...).

    \b
    Examples:
      newscred score articles.jsonl -o scores.jsonl
      newscred score export.csv -o - --text-col body --id-col doc_id | jq .content.p_unreliable
    """
    from .. import load
    from ..batch import Columns, score_file

    analyzer = load(model, prior=prior)
    cols = Columns(text=text_col, title=title_col or None, id=id_col or None, url=url_col or None)
    show = sys.stderr.isatty() if progress is None else progress
    if show:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("scoring"), BarColumn(), TextColumn("{task.completed:,} rows"),
                      TaskProgressColumn(show_speed=True), TimeElapsedColumn(), transient=True,
                      console=Console(stderr=True)) as bar:
            task = bar.add_task("score", total=None)
            summary = score_file(analyzer, input, output, fmt=fmt, cols=cols, workers=workers,
                                 progress=lambda n: bar.advance(task, n))
    else:
        summary = score_file(analyzer, input, output, fmt=fmt, cols=cols, workers=workers)
    labels = ", ".join(f"{k} {v}" for k, v in sorted(summary.labels.items())) or "none"
    msg = f"{summary.rows} rows: {summary.scored} scored ({labels}), {summary.errors} errors"
    if summary.error_codes:
        msg += " (" + ", ".join(f"{k} {v}" for k, v in sorted(summary.error_codes.items())) + ")"
    click.echo(msg, err=True)
