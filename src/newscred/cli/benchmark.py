"""``newscred benchmark``."""

from __future__ import annotations

import click

from . import main
from ._common import handle_errors
from .train import progress_bar


@main.command()
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default="docs/benchmarks", show_default=True,
              help="Folder for report.json, report.md, report.html and the plots.")
@click.option("--data-root", default=None, envvar="NEWSCRED_DATA", help="Folder of the shared corpora (default ../shared/data).")
@handle_errors
def benchmark(report_dir: str, data_root: str | None) -> None:
    """Regenerate every published number from ../shared/data (about 30 minutes on 2 cores).

    Leave-one-dataset-out for the default configuration and two baselines, each beside the
    majority, length and source/boilerplate probes; the cross-dataset matrix; and our recipe on
    the settings of published results (official splits where they exist) next to those results.
    """
    from ..evaluation.benchmark import run_benchmark

    bar, progress = progress_bar()
    with bar:
        result = run_benchmark(report_dir, root=data_root, progress=progress)
    click.echo(f"leave-one-dataset-out mean macro-F1 {result['mean']['model']:.3f} "
               f"(probes: " + ", ".join(f"{k} {v:.3f}" for k, v in result["mean"].items() if k != "model") + ")")
    click.echo(f"report: {report_dir}/report.md ({result['seconds'] / 60:.1f} min)")
