"""``newscred sources``: what published rating lists say about a site."""

from __future__ import annotations

import json
from typing import Any

import click

from . import main
from ._common import handle_errors

_COLOURS = {"high": "green", "mixed": "yellow", "low": "red", "unknown": "dim"}


@main.group()
def sources() -> None:
    """What published rating lists say about the site an article comes from.

    \b
    The source verdict stands beside the content verdict and is never mixed into it: a wire
    story republished on a junk site reads as reliable text from an unreliable source.
    Bundled lists (offline): Lin et al. 2023 domain quality (11.5k domains), MBFC factuality
    and bias via Baly et al. 2018/2020, OpenSources 2017 categories (satire kept apart from fake).
    \b
      newscred sources lookup reuters.com https://www.infowars.com/some/story
      newscred sources lookup theonion.com --json
      newscred sources info
    """


def _rating_text(r: dict[str, Any]) -> str:
    lst = r["list"]
    where = "" if r.get("matched") in (None, "") else f" [{r['matched']}]"
    if lst == "lin2023":
        return f"lin2023 pc1 {r['pc1']:.2f}{where}"
    if lst == "baly_mbfc":
        text = f"MBFC {r['factuality']} factuality, bias {r.get('bias') or '?'} ({r['list_date']})"
        if r.get("factuality_2018") and r["factuality_2018"] != r["factuality"]:
            text += f", was {r['factuality_2018']} in 2018"
        return text + where
    if lst == "opensources":
        return f"OpenSources 2017: {', '.join(r['categories'])}{where}"
    if lst == "user":
        parts = [f"score {r['score']:.2f}" if r.get("score") is not None else "", r.get("label") or "",
                 ", ".join(r.get("category") or [])]
        return "your file: " + (" · ".join(p for p in parts if p) or "note") + where
    return f"{lst}{where}"  # pragma: no cover


def _render(verdicts: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(title="Source ratings", show_lines=True)
    table.add_column("input", overflow="fold", max_width=30)
    table.add_column("domain", overflow="fold")
    table.add_column("verdict")
    table.add_column("score", justify="right")
    table.add_column("what the lists say", overflow="fold")
    for v in verdicts:
        agg = v["aggregate"]
        label = agg["label"]
        verdict = Text(label.upper(), style=f"bold {_COLOURS.get(label, 'white')}")
        if "satire" in v["flags"]:
            verdict.append("\nsatire", style="magenta")
        if "shortener" in v["flags"]:
            verdict.append("\nshortener", style="magenta")
        if "user_override" in v["flags"]:
            verdict.append("\nyour file", style="cyan")
        score = "—" if agg["score"] is None else f"{agg['score']:.2f}"
        lists = "\n".join(_rating_text(r) for r in v["ratings"]) or "on no bundled list"
        table.add_row(v["input"], v["domain"] or "—", verdict, score, lists)
    console.print(table)
    for v in verdicts:
        if v["notes"]:
            console.print(Text(f"{v['domain'] or v['input']}:", style="bold"))
            for note in v["notes"]:
                console.print(Text(f"  • {note}"))
    console.print(Text("Score: mean of the lists' normalised scores; high >= 0.7, low < 0.4 "
                       "(newscred sources info shows the full rule).", style="dim italic"))


@sources.command()
@click.argument("inputs", metavar="DOMAIN_OR_URL...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line (JSON Lines).")
@click.option(
    "--ratings-file",
    type=click.Path(dir_okay=False),
    envvar="NEWSCRED_RATINGS_FILE",
    show_envvar=True,
    help="Your own ratings (CSV/TSV with columns domain,score,label,category,note, or JSON); "
    "they are reported as list 'user' and take precedence in the aggregate.",
)
@handle_errors
def lookup(inputs: tuple[str, ...], as_json: bool, ratings_file: str | None) -> None:
    """Look up the site of each DOMAIN_OR_URL in the bundled rating lists.

    \b
    Examples:
      newscred sources lookup reuters.com
      newscred sources lookup https://www.infowars.com/posts/x theonion.com bit.ly/3xyz
      newscred sources lookup "https://web.archive.org/web/2020/https://breitbart.com/x"
      newscred sources lookup mysite.example --ratings-file my-ratings.csv
      newscred sources lookup cnn.com --json | jq .aggregate

    \b
    The verdict is HIGH (score >= 0.7), MIXED, LOW (< 0.4) or UNKNOWN (no list has the site;
    unknown is not the same as reliable). Scores: Lin et al. pc1 as is; MBFC factuality low 0.125,
    mixed 0.5, high 0.875; OpenSources by its most severe tag (fake 0.1 ... reliable 0.9), with
    satire never scored, only noted. URLs may carry ports, userinfo or IDNs; archive.org and
    archive.today wrappers are unwrapped; shorteners are kept and flagged. Input that is not a
    domain or URL gets verdict UNKNOWN with a note, never an error.
    """
    from ..sources import SourceRatings

    ratings = SourceRatings.default()
    if ratings_file:
        ratings = ratings.with_overrides(ratings_file)
    verdicts = [ratings.lookup(x).to_dict() for x in inputs]
    if as_json:
        for v in verdicts:
            click.echo(json.dumps(v, ensure_ascii=False))
    else:
        _render(verdicts)


@sources.command()
@click.option("--json", "as_json", is_flag=True, help="Print the manifest of the bundled lists as JSON.")
@handle_errors
def info(as_json: bool) -> None:
    """List the bundled rating lists: entries, size, date, licence and origin.

    \b
    Examples:
      newscred sources info
      newscred sources info --json
    """
    from ..sources import SourceRatings

    data = SourceRatings.default().info()
    if as_json:
        for item in data["lists"]:
            item.pop("build_log", None)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(title="Bundled source-rating lists", show_lines=True)
    for col in ("list", "date", "entries", "size", "licence", "origin"):
        table.add_column(col, overflow="fold")
    for item in data["lists"]:
        origin = item.get("origin", {})
        table.add_row(
            item["list"],
            item.get("date", ""),
            f"{item.get('entries', 0):,}",
            f"{(item.get('bytes_on_disk') or 0) / 1024:.0f} KiB",
            item.get("licence_short") or item.get("licence", ""),
            f"{origin.get('repository', '')}@{str(origin.get('commit', ''))[:10]}",
        )
    console.print(table)
    for item in data["lists"]:
        console.print(Text(f"{item['list']}: ", style="bold").append(Text(f"{item.get('name', '')}. {item.get('licence', '')}", style="")))
    psl = data["public_suffix_list"]
    console.print(Text(f"Public Suffix List {psl['version']} (commit {str(psl['commit'])[:12]}, {psl['rules']:,} rules, MPL-2.0)"))
    console.print(Text(f"Aggregate rule: {data['aggregate_rule']}", style="italic"))
    console.print(Text("Origins, licences and mappings: newscred/sources/data/SOURCES.md", style="dim"))
