"""``newscred train``."""

from __future__ import annotations

import click

from . import main
from ._common import handle_errors


@main.command()
@click.option("--recipe", type=click.Choice(["default"]), default="default", show_default=True,
              help="What to train. 'default' rebuilds the bundled article model from the shared corpora.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Directory to write the model artifact to (replaced atomically when done).")
@click.option("--data-root", default=None, envvar="NEWSCRED_DATA", show_envvar=True,
              help="Folder holding the shared corpora (default: ../shared/data).")
@click.option("--version", "model_version", default="0.1.0", show_default=True, help="Version stamped into the artifact.")
@handle_errors
def train(recipe: str, output: str, data_root: str | None, model_version: str) -> None:
    """Train a content model and write a verified artifact with its model card.

    The default recipe reads the seven article-level corpora, removes exact and near duplicates,
    scores every dataset with a model that never saw it (leave-one-dataset-out), calibrates on
    those held-out scores, then fits the final model on everything.  The card's numbers are the
    held-out ones.

    \b
    Example:
      newscred train --recipe default -o models/my-default
      newscred analyze article.txt --model models/my-default
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..training.recipe import train_default

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False) as bar:
        task = bar.add_task("starting", total=None)

        def progress(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total or None)

        metrics = train_default(output, root=data_root, version=model_version, progress=progress)
    mean = metrics["mean_macro_f1"]
    click.echo(
        f"wrote {output}: leave-one-dataset-out mean macro-F1 {mean['model']:.3f} "
        f"(majority probe {mean['majority_probe']:.3f}, length probe {mean['length_probe']:.3f})"
    )
