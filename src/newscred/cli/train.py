"""``newscred train``."""

from __future__ import annotations

from typing import Any, Callable

import click

from . import main
from ._common import handle_errors


def progress_bar() -> Any:
    """A rich progress context on standard error and the callback the library expects."""
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
                     help="JSON object or 'word=label' lines mapping your label words to reliable/unreliable/ignore."),
        click.option("--group-col", default=None, help="Column whose values must not straddle train and test (site, publisher...)."),
        click.option("--date-col", default=None, help="Column with ISO dates (for --split time)."),
        click.option("--id-col", default=None, help="Column with row ids."),
        click.option("--title-col", default=None, help="Column with headlines."),
        click.option("--data-root", default=None, envvar="NEWSCRED_DATA", help="Folder of the shared corpora (for shared:NAME)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_spec(text_col: str, label_col: str, label_map: str | None, group_col: str | None, date_col: str | None,
              id_col: str | None, title_col: str | None) -> Any:
    from ..training.custom import TableSpec, read_label_map

    return TableSpec(text_col=text_col, label_col=label_col, label_map=read_label_map(label_map) if label_map else None,
                     group_col=group_col, date_col=date_col, id_col=id_col, title_col=title_col)


@main.command()
@click.argument("data", nargs=-1)
@click.option("--recipe", type=click.Choice(["default"]), default=None,
              help="'default' rebuilds the bundled article model from the shared corpora (no DATA needed).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Directory to write the model artifact to (replaced atomically when done).")
@table_options
@click.option("--split", type=click.Choice(["random", "group", "time", "cross-dataset"]), default=None,
              help="How to estimate the held-out numbers for the card (default: cross-dataset for several DATA, "
                   "group with --group-col, random otherwise).")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Folds for random/group splits.")
@click.option("--min-words", default=50, show_default=True, type=click.IntRange(1), help="Drop texts shorter than this.")
@click.option("--consistent-terms/--every-term", default=True, show_default=True,
              help="With several DATA: weight only the terms that lean the same way in every dataset (a word that marks "
                   "fakes in one and real news in another tells how the data were collected). No effect with one dataset.")
@click.option("--name", default="newscred-custom", show_default=True, help="Model name stamped into the artifact.")
@click.option("--version", "model_version", default="0.1.0", show_default=True, help="Version stamped into the artifact.")
@handle_errors
def train(data: tuple[str, ...], recipe: str | None, output: str, text_col: str, label_col: str, label_map: str | None,
          group_col: str | None, date_col: str | None, id_col: str | None, title_col: str | None, data_root: str | None,
          split: str | None, folds: int, min_words: int, consistent_terms: bool, name: str, model_version: str) -> None:
    """Train a content model and write a verified artifact with its model card.

    DATA are CSV, TSV, JSONL or Parquet files, or shared datasets as shared:NAME (several DATA
    are treated as separate datasets). Duplicates are removed before any split, held-out numbers
    go into the card, and probabilities are calibrated on held-out scores.

    \b
    Examples:
      newscred train my_articles.csv --text-col body --label-col verdict --group-col site -o models/mine
      newscred train a.jsonl b.jsonl -o models/ab            # card shows a->b and b->a numbers
      newscred train --recipe default -o models/default      # rebuild the bundled model
    """
    from ..model.content import ContentParams

    if recipe and data:
        raise click.UsageError("give either --recipe default or DATA files, not both")
    if not recipe and not data:
        raise click.UsageError("give DATA files to train on, or --recipe default")
    bar, progress = progress_bar()
    with bar:
        if recipe:
            from ..training.recipe import train_default

            metrics = train_default(output, root=data_root, version=model_version, progress=progress)
        else:
            from ..training.custom import train_table

            spec = make_spec(text_col, label_col, label_map, group_col, date_col, id_col, title_col)
            metrics = train_table(list(data), output, spec, split=split, n_folds=folds, name=name, version=model_version,
                                  params=ContentParams(min_words=min_words, consistent_terms=consistent_terms),
                                  root=data_root, progress=progress)
    mean = metrics["mean"]
    probes = ", ".join(f"{k} {v:.3f}" for k, v in mean.items() if k != "model")
    click.echo(f"wrote {output}: {metrics['split']} held-out mean macro-F1 {mean['model']:.3f} (probes: {probes})")
    for test_set, r in metrics["results"].items():
        for warning in r["warnings"]:
            click.secho(f"{test_set}: {warning}", fg="red", err=True)
