"""``newscred train``."""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

from . import main
from ._common import handle_errors


def progress_bar() -> Any:
    """A progress context on standard error and the callback the library expects.

    On a terminal, a rich bar; otherwise (a log file, CI, ``2>&1 | tee``) one timestamped line per
    step, so a run of many minutes is never silent.
    """
    import contextlib
    import time

    if not sys.stderr.isatty():
        started = time.monotonic()
        last: list[str] = []

        def log(message: str, done: int, total: int) -> None:
            if last and last[0] == message:
                return
            last[:] = [message]
            step = f" ({done}/{total})" if total else ""
            click.echo(f"[{time.monotonic() - started:6.0f} s] {message}{step}", err=True)

        return contextlib.nullcontext(), log

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=Console(stderr=True))
    task = bar.add_task("starting", total=None)

    def callback(message: str, done: int, total: int) -> None:
        bar.update(task, description=message, completed=done, total=total or None)

    return bar, callback


def table_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Column options shared by train and evaluate."""
    options = [
        click.option("--text-col", default="text", show_default=True, help="Column with the article text."),
        click.option("--label-col", default="label", show_default=True, help="Column with the label."),
        click.option("--label-map", type=click.Path(exists=True, dir_okay=False), default=None,
                     help="JSON object or 'word=label' lines mapping your label words to reliable/unreliable/ignore. "
                          "It extends the built-in words (real/fake, true/false, legit, 0/1...) and overrides them "
                          "where it names the same word (e.g. 'true=unreliable' for an is_fake column)."),
        click.option("--group-col", default=None, help="Column whose values must not straddle train and test (site, publisher...)."),
        click.option("--date-col", default=None,
                     help="Column with dates (for --split time): YYYY-MM-DD, 5/3/2020, 22.05.2020, 'May 5, 2020' or "
                          "epoch seconds. Slashed dates are read one way for the whole column, as the column shows."),
        click.option("--date-order", type=click.Choice(["mdy", "dmy"]), default=None,
                     help="How slashed dates are written when the column does not show it (05/04/2020): mdy (US) or "
                          "dmy [default: decided by the column, else mdy]."),
        click.option("--id-col", default=None, help="Column with row ids."),
        click.option("--title-col", default=None,
                     help="Column with headlines: kept with each row; the model scores the body only, as analyze does."),
        click.option("--url-col", default=None,
                     help="Column with article URLs: the source probe reads their domain, so a dataset whose label "
                          "follows the site (the 'is it Reuters?' shortcut) is marked LEAKY."),
        click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "jsonl", "parquet"]), default=None,
                     help="Format of DATA files [default: from the extension; sniffed for standard input]."),
        click.option("--data-root", default=None, envvar="NEWSCRED_DATA", help="Folder of the shared corpora (for shared:NAME)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def split_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--split, --folds and --cutoff, shared by train and evaluate."""
    options = [
        click.option("--split", type=click.Choice(["random", "group", "time", "cross-dataset"]), default=None,
                     help="How held-out numbers are measured. random: stratified k-fold; group: --group-col values "
                          "(else the --url-col domains) never straddle; time: train before --cutoff, test after (needs "
                          "--date-col); cross-dataset: leave each DATA out in turn (default: cross-dataset for several "
                          "DATA, group with --group-col or --url-col, random otherwise)."),
        click.option("--folds", default=None, type=click.IntRange(2, 20),
                     help="Folds for random and group splits [default: 5] (an error with the other splits)."),
        click.option("--cutoff", default=None, metavar="DATE",
                     help="Date for --split time, e.g. 2020-06-01 (default: the date that leaves 80% of dated rows "
                          "before it). Only with --split time."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def check_split_options(split: str | None, cutoff: str | None) -> None:
    """Refuse --cutoff without --split time before any data is read (the library refuses it too)."""
    if cutoff is not None and split != "time":
        raise click.UsageError("--cutoff is the date of a time split: add --split time (and --date-col), or drop --cutoff")


def make_spec(label_map: str | None, **columns: str | None) -> Any:
    """The TableSpec of the table options: ``label_map`` is a file path, ``columns`` the other
    options by their TableSpec names (text_col=, date_order=, fmt=...)."""
    from ..datasets.tabular import DEFAULT_LABEL_MAP
    from ..training.custom import TableSpec, read_label_map

    # The library's label_map= replaces the built-in table; on the command line a map of only
    # your own words must not make 'fake' unknown, so it extends the table (later keys win).
    words = {**DEFAULT_LABEL_MAP, **read_label_map(label_map)} if label_map else None
    return TableSpec(label_map=words, **columns)  # type: ignore[arg-type]


def report_dropped(data: dict[str, Any], min_words: int, *, claims_note: bool = False) -> None:
    """One line on standard error: the rows left out and why (nothing when none were); then what
    the date column held that was not read as meant, a line per file."""
    from ..training.custom import dropped_summary

    for note in data.get("date_notes") or []:
        click.secho(f"warning: dates: {note}", fg="yellow", err=True)

    line = dropped_summary(data, min_words=min_words)
    if line is None:
        return
    too_short = sum(s.get("too_short", 0) for s in (data.get("preparation") or {}).values())
    if claims_note and too_short:
        line += (". Short statements are the claim model's job, not this article model's (newscred analyze sends "
                 "texts this short to it); --min-words 1 scores them here anyway")
    click.secho(f"warning: {line}", fg="yellow", err=True)


@main.command()
@click.argument("data", nargs=-1)
@click.option("--recipe", type=click.Choice(["default"]), default=None,
              help="'default' rebuilds the bundled article model from the shared corpora (no DATA needed).")
@click.option("-o", "--output", required=True, type=click.Path(), metavar="DIR",
              help="Directory to write the model artifact to. It must not exist, be empty, or hold a model "
                   "artifact (from an earlier 'newscred train'), which is replaced when training succeeds; "
                   "anything else there is refused, never deleted.")
@table_options
@split_options
@click.option("--min-words", default=50, show_default=True, type=click.IntRange(1), help="Drop texts shorter than this.")
@click.option("--consistent-terms/--every-term", default=True, show_default=True,
              help="With several DATA: weight only the terms that lean the same way in every dataset (a word that marks "
                   "fakes in one and real news in another tells how the data were collected). No effect with one dataset.")
@click.option("--adapt-to", "adapt_to", default=None, metavar="CORPUS",
              help="Adapt the model to this unlabelled corpus: the articles you are about to score, from sources the "
                   "training data lacks (CSV, TSV, JSONL or Parquet, or shared:NAME; labels there are ignored). The "
                   "model's most confident half of it becomes pseudo-labels and the model is refitted, weighing every term; the card's "
                   "held-out numbers are measured with every fold adapted the same way. Needs 100+ articles.")
@click.option("--adapt-text-col", default=None, metavar="COLUMN",
              help="Text column of --adapt-to [default: --text-col, else 'text'].")
@click.option("--name", default="newscred-custom", show_default=True, help="Model name stamped into the artifact.")
@click.option("--version", "model_version", default="0.1.0", show_default=True, help="Version stamped into the artifact.")
@click.pass_context
@handle_errors
def train(ctx: click.Context, data: tuple[str, ...], recipe: str | None, output: str, text_col: str, label_col: str,
          label_map: str | None, group_col: str | None, date_col: str | None, date_order: str | None, id_col: str | None,
          title_col: str | None, url_col: str | None, fmt: str | None, data_root: str | None, split: str | None, folds: int | None, cutoff: str | None, min_words: int,
          consistent_terms: bool, adapt_to: str | None, adapt_text_col: str | None, name: str, model_version: str) -> None:
    """Train a content model and write a verified artifact with its model card.

    DATA are CSV, TSV, JSONL or Parquet files, or shared datasets as shared:NAME (several DATA
    are treated as separate datasets). Duplicates are removed before any split, held-out numbers
    go into the card, and probabilities are calibrated on held-out scores.

    Rows that cannot be read (a malformed line, an unknown label word) stop the run with an
    error naming the file's line (the header is line 1; Parquet: the data row, from 1). Rows
    that are readable but unusable (empty text, under --min-words, no label, duplicates) are
    left out, and one line on standard error counts them by reason.

    \b
    Examples:
      newscred train my_articles.csv --text-col body --label-col verdict --group-col site -o models/mine
      newscred train a.jsonl b.jsonl -o models/ab            # card shows a->b and b->a numbers
      newscred train dated.csv --date-col published --split time --cutoff 2020-06-01 -o models/dated
      newscred train --recipe default -o models/default      # rebuild the bundled model
      newscred train --recipe default --adapt-to to_score.jsonl -o models/adapted
                                                             # the same, adapted to your corpus
    """
    from click.core import ParameterSource

    from ..model.content import ContentParams
    from ..model.outputs import check_bundle_output

    if recipe and data:
        raise click.UsageError("give either --recipe default or DATA files, not both")
    if not recipe and not data:
        raise click.UsageError("give DATA files to train on, or --recipe default")
    if recipe:
        # the recipe fixes its data, columns, protocol and name: an option it would ignore is an error
        options = {p: f"--{p.replace('_', '-')}" for p in ("text_col", "label_col", "label_map", "group_col", "date_col", "date_order",
                                                            "id_col", "title_col", "url_col", "fmt", "split", "folds", "cutoff",
                                                            "min_words", "name")}
        options["consistent_terms"] = "--consistent-terms/--every-term"
        options["fmt"] = "--format"
        ignored = [flag for p, flag in options.items() if ctx.get_parameter_source(p) not in (ParameterSource.DEFAULT, None)]
        if ignored:
            raise click.UsageError(f"--recipe default fixes its own data and protocol; {', '.join(ignored)} would be "
                                   "ignored: drop them, or train on DATA files instead")
    check_split_options(split, cutoff)
    if adapt_text_col and not adapt_to:
        raise click.UsageError("--adapt-text-col names a column of --adapt-to: give --adapt-to CORPUS too, or drop it")
    # before the run, not after it: a refused output should not cost a training run
    check_bundle_output(output, "article", what="model artifact")
    target = None
    bar, progress = progress_bar()
    with bar:
        if adapt_to:
            from ..errors import MissingColumnError
            from ..training.adapt import load_target
            from ..training.custom import TableSpec, stream_records

            # read (and refused, if unusable) before training: a bad corpus should not cost a training run
            records = stream_records(adapt_to, TableSpec(text_col=adapt_text_col or text_col, label_col=None),  # type: ignore[arg-type]
                                     root=data_root)
            try:
                target = load_target(records, adapt_to, min_words=min_words,
                                     progress=lambda rows: progress(f"reading {adapt_to}: {rows:,} rows", 0, 0))
            except MissingColumnError as exc:  # the library names --text-col; here the option is another one
                raise MissingColumnError(f"--adapt-to {exc.message.replace('--text-col', '--adapt-text-col')}",
                                         **exc.context) from None
        if recipe:
            from ..training.recipe import train_default

            metrics = train_default(output, root=data_root, version=model_version, progress=progress, adapt_to=target,
                                    **({"name": "newscred-content-adapted"} if target is not None else {}))
        else:
            from ..training.custom import train_table

            spec = make_spec(label_map, text_col=text_col, label_col=label_col, group_col=group_col, date_col=date_col,
                             id_col=id_col, title_col=title_col, url_col=url_col, date_order=date_order, fmt=fmt)
            metrics = train_table(list(data), output, spec, split=split, n_folds=folds, cutoff=cutoff, name=name,
                                  version=model_version,
                                  params=ContentParams(min_words=min_words, consistent_terms=consistent_terms),
                                  root=data_root, progress=progress, adapt_to=target)
    if not recipe:
        report_dropped(metrics.get("data") or {}, min_words)
    mean = metrics["mean"]
    probes = ", ".join(f"{k} {v:.3f}" for k, v in mean.items() if k != "model")
    adapted = f", adapted to {target.name} ({len(target.docs)} articles)" if target is not None else ""
    click.echo(f"wrote {output}{adapted}: {metrics['split']} held-out mean macro-F1 {mean['model']:.3f} (probes: {probes})")
    for test_set, r in metrics["results"].items():
        for warning in r["warnings"]:
            click.secho(f"{test_set}: {warning}", fg="red", err=True)
