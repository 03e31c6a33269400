"""``newscred evaluate``."""

from __future__ import annotations

import json

import click

from . import main
from ._common import handle_errors
from .train import make_spec, progress_bar, table_options


@main.command()
@click.argument("model")
@click.argument("data", nargs=-1, required=True)
@table_options
@click.option("--split", type=click.Choice(["random", "group", "time", "cross-dataset"]), default=None,
              help="random: stratified k-fold; group: --group-col values never straddle; time: train before --cutoff, "
                   "test after; cross-dataset: leave each DATA out in turn (default: cross-dataset for several DATA, "
                   "group with --group-col, random otherwise).")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Folds for random/group splits.")
@click.option("--cutoff", default=None, help="ISO date for --split time (default: the date that leaves 80% before it).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for report.json, report.md, report.html and the plots.")
@handle_errors
def evaluate(model: str, data: tuple[str, ...], text_col: str, label_col: str, label_map: str | None, group_col: str | None,
             date_col: str | None, id_col: str | None, title_col: str | None, data_root: str | None, split: str | None,
             folds: int, cutoff: str | None, report_dir: str | None) -> None:
    """Evaluate MODEL's recipe on labelled DATA without fooling yourself.

    Duplicates are removed before splitting, each fold retrains MODEL's configuration, and three
    probes (majority class, length only, first/last 30 words + bylines + domain) are scored beside
    it: a probe within 5 points of the model marks the data LEAKY. MODEL is an artifact path or
    builtin:default; DATA are files or shared:NAME.

    \b
    Examples:
      newscred evaluate builtin:default mine.csv --text-col body --label-col verdict --split group --group-col site --report out/
      newscred evaluate builtin:default shared:perez_rosas_fakenewsamt --split group --report out/amt
    """
    spec = make_spec(text_col, label_col, label_map, group_col, date_col, id_col, title_col)
    from ..training.custom import evaluate_table

    bar, progress = progress_bar()
    with bar:
        result = evaluate_table(model, list(data), spec, split=split, n_folds=folds, cutoff=cutoff,
                                report_dir=report_dir, root=data_root, progress=progress)
    for name, r in result["results"].items():
        m = r["model"]
        probes = ", ".join(f"{p} {v['macro_f1']:.3f}" for p, v in r["probes"].items())
        click.echo(f"{name}: n={r['n']} macro-F1 {m['macro_f1']:.3f} AUC {m['roc_auc']:.3f} | probes: {probes} | "
                   f"as shipped {r['shipped']['macro_f1']:.3f}")
        for warning in r["warnings"]:
            click.secho(f"  {warning}", fg="red")
    if report_dir:
        click.echo(f"report: {report_dir}/report.html")
    else:
        click.echo(json.dumps(result["mean"]))
