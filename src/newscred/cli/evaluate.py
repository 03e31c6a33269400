"""``newscred evaluate``."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from ._common import handle_errors
from .train import check_split_options, make_spec, progress_bar, report_dropped, split_options, table_options


@main.command()
@click.argument("model")
@click.argument("data", nargs=-1, required=True)
@table_options
@split_options
@click.option("--min-words", default=None, type=click.IntRange(1),
              help="Leave out texts shorter than this [default: MODEL's own setting, 50 for builtin:default]. "
                   "Short statements (LIAR and the like) are the claim model's job; a lower value scores them "
                   "with this article model anyway.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for report.json, report.md, report.html and the plots.")
@handle_errors
def evaluate(model: str, data: tuple[str, ...], text_col: str, label_col: str, label_map: str | None, group_col: str | None,
             date_col: str | None, date_order: str | None, id_col: str | None, title_col: str | None, url_col: str | None,
             fmt: str | None, data_root: str | None, split: str | None, folds: int | None, cutoff: str | None,
             min_words: int | None, report_dir: str | None) -> None:
    """Evaluate MODEL's recipe on labelled DATA without fooling yourself.

    Duplicates are removed before splitting, each fold retrains MODEL's configuration, and three
    probes (majority class, length only, first/last 30 words + bylines + domain from --url-col)
    are scored beside it: a length or source probe that ranks clearly above chance (ROC-AUC at
    least 0.6) and comes within 5 points of the model, or above it, marks the data LEAKY; a
    model no better than a probe is marked WEAK. A test set of one class is not scored; one with
    fewer than 10 articles of a class is marked FEW (noise, no leak verdict). MODEL is an
    artifact path or builtin:default; DATA are files or shared:NAME. "as shipped" scores MODEL
    itself; when DATA is what MODEL was trained on (its manifest's training data), that number
    is marked in-sample. Rows left out (too short, empty, unlabelled, duplicates) are counted on
    standard error.

    \b
    Examples:
      newscred evaluate builtin:default mine.csv --text-col body --label-col verdict --split group --group-col site --report out/
      newscred evaluate builtin:default shared:perez_rosas_fakenewsamt --split group --report out/amt
      newscred evaluate builtin:default shared:liar --min-words 5    # short statements, scored by the article model
    """
    check_split_options(split, cutoff)
    spec = make_spec(label_map, text_col=text_col, label_col=label_col, group_col=group_col, date_col=date_col,
                     id_col=id_col, title_col=title_col, url_col=url_col, date_order=date_order, fmt=fmt)
    from ..training.custom import evaluate_table

    bar, progress = progress_bar()
    with bar:
        result = evaluate_table(model, list(data), spec, split=split, n_folds=folds, cutoff=cutoff, min_words=min_words,
                                report_dir=report_dir, root=data_root, progress=progress)
    # the pointer to the claim model is for whoever met the model's own limit, not one they chose
    report_dropped(result["data"], result["data"]["min_words"], claims_note=min_words is None)
    for name, r in result["results"].items():
        m = r["model"]
        if r.get("one_class"):
            click.echo(f"{name}: n={r['n']} one class only: not scored, not in the mean")
        else:
            probes = ", ".join(f"{p} {v['macro_f1']:.3f}" for p, v in r["probes"].items())
            shipped = f"as shipped {r['shipped']['macro_f1']:.3f}" + (" (IN-SAMPLE)" if r.get("shipped_in_sample") else "")
            click.echo(f"{name}: n={r['n']} macro-F1 {m['macro_f1']:.3f} AUC {m['roc_auc']:.3f} | probes: {probes} | {shipped}")
        for warning in r["warnings"]:  # on standard error, like train's, so that stdout stays the numbers
            click.secho(f"{name}: {warning}", fg="red", err=True)
    sets = [k for k, r in result["results"].items() if k != "(all)" and not r.get("one_class")]
    if len(sets) > 1:
        # the same numbers as result["mean"], said as the lines above say them
        mean = result["mean"]
        probes = ", ".join(f"{k} {v:.3f}" for k, v in mean.items() if k != "model")
        click.echo(f"mean over {len(sets)} test sets: macro-F1 {mean['model']:.3f} | probes: {probes}")
    if report_dir:
        click.echo(f"report: {Path(report_dir) / 'report.html'}")
