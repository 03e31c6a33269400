"""``newscred index``: build, extend and query a republication index."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ..errors import InputError
from . import main
from ._common import handle_errors


@main.group("index")
def index_group() -> None:
    """Find where an article was copied from: a republication index (SQLite, one file).

    \b
    Examples:
      newscred index build shared:recovery_covid19 shared:buzzfeed_webis_2016 -o articles.idx
      newscred index build mine.jsonl --text-col body --id-col doc_id -o mine.idx
      newscred index add mine.idx more.csv
      newscred index query articles.idx story.txt
      newscred index query articles.idx story.txt --json | jq '.matches[0]'

    Texts are compared as 5-word shingles of their normalised form, so a lower-cased,
    punctuation-stripped or truncated copy still finds its original.
    """


def _corpus_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--text-col", default="text", show_default=True, help="Column holding the article text."),
        click.option("--id-col", default="id", show_default=True,
                     help="Column holding a unique id (used when present; else FILE:ROW)."),
        click.option("--title-col", default="title", show_default=True, help="Column holding the headline (optional)."),
        click.option("--url-col", default="url", show_default=True, help="Column holding the URL (optional)."),
        click.option("--source-col", default="source", show_default=True,
                     help="Column naming the publisher (optional; else the URL's domain)."),
        click.option("--skip-duplicates", is_flag=True, help="Skip documents whose id is already indexed instead of failing."),
        click.option("--progress/--no-progress", default=None,
                     help="Progress bar on standard error (default: when it is a terminal)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _find_col(columns: list[str], wanted: str | None) -> str | None:
    if not wanted:
        return None
    if wanted in columns:
        return wanted
    hits = [c for c in columns if _norm(c) == _norm(wanted)]
    return hits[0] if len(hits) == 1 else None


def iter_corpus(spec: str, *, text_col: str = "text", id_col: str | None = "id", title_col: str | None = "title",
                url_col: str | None = "url", source_col: str | None = "source") -> Iterator[dict[str, Any]]:
    """Documents (dicts with id, text, title, url, source) of a file or ``shared:NAME``."""
    if spec.startswith("shared:"):
        from ..datasets.registry import load_dataset

        name = spec.split(":", 1)[1]
        for r in load_dataset(name):
            yield {"id": f"{name}:{r.id}", "text": r.text, "title": r.title or None, "url": r.url,
                   "source": r.source or r.domain or name}
        return
    from ..datasets.readers import domain_of
    from ..datasets.tabular import iter_rows

    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec}: no such file. Give a CSV/TSV/JSONL/Parquet file or shared:NAME.")
    stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    stem = Path(stem).stem
    cols: dict[str, str | None] | None = None
    for row in iter_rows(path):
        if row.error is not None:
            raise row.error
        data = row.data or {}
        if cols is None:
            keys = list(data)
            text = _find_col(keys, text_col)
            if text is None:
                from ..errors import MissingColumnError

                raise MissingColumnError(
                    f"{spec}: text column {text_col!r} not found; available columns: "
                    f"{', '.join(repr(k) for k in keys) or '(none)'}. Pass --text-col.", column=text_col)
            cols = {"text": text, "id": _find_col(keys, id_col), "title": _find_col(keys, title_col),
                    "url": _find_col(keys, url_col), "source": _find_col(keys, source_col)}

        def cell(role: str) -> str | None:
            col = cols[role]  # type: ignore[index]
            value = data.get(col) if col else None
            return None if value is None or str(value).strip() == "" else str(value).strip()

        url = cell("url")
        doc_id = cell("id") or f"{stem}:{row.index}"
        yield {"id": doc_id, "text": cell("text") or "", "title": cell("title"), "url": url,
               "source": cell("source") or domain_of(url) or stem}


def _documents(corpora: tuple[str, ...], **cols: Any) -> Iterator[dict[str, Any]]:
    for spec in corpora:
        yield from iter_corpus(spec, **cols)


def _run_with_progress(label: str, show: bool | None, work: Callable[[Callable[[int], None] | None], Any]) -> Any:
    show = sys.stderr.isatty() if show is None else show
    if not show:
        return work(None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(label), BarColumn(), TextColumn("{task.completed:,} documents"),
                  TimeElapsedColumn(), transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=None)
        return work(lambda n: bar.advance(task, n))


@index_group.command("build")
@click.argument("corpus", nargs=-1, required=True)
@click.option("-o", "--output", required=True,
              help="Index file to write. It must not exist, or be a republication index (from an earlier build), "
                   "which is replaced only when the build completes; any other file is refused, never overwritten.")
@click.option("--threshold", default=0.5, show_default=True, type=click.FloatRange(0.05, 0.95),
              help="Similarity (Jaccard of 5-word shingles, or share of the query copied) reported as a match.")
@click.option("--num-perm", default=128, show_default=True, type=click.IntRange(16, 1024), help="MinHash permutations.")
@_corpus_options
@handle_errors
def build_cmd(corpus: tuple[str, ...], output: str, threshold: float, num_perm: int, text_col: str, id_col: str,
              title_col: str, url_col: str, source_col: str, skip_duplicates: bool, progress: bool | None) -> None:
    """Index every article of CORPUS (CSV/TSV/JSONL/Parquet files, or shared:NAME).

    \b
    Examples:
      newscred index build shared:recovery_covid19 -o covid.idx
      newscred index build a.jsonl b.csv --text-col body -o mine.idx
    """
    from ..provenance.index import RepublicationIndex, check_index_output

    check_index_output(output)  # build checks too; this keeps the message ahead of any progress bar
    docs = _documents(corpus, text_col=text_col, id_col=id_col, title_col=title_col, url_col=url_col,
                      source_col=source_col)
    index = _run_with_progress("indexing", progress, lambda cb: RepublicationIndex.build(
        docs, output, threshold=threshold, num_perm=num_perm, progress=cb,
        on_duplicate="skip" if skip_duplicates else "error"))
    n = len(index)
    index.close()
    click.echo(f"indexed {n:,} documents into {output}", err=True)


@index_group.command("add")
@click.argument("index_path", metavar="INDEX")
@click.argument("corpus", nargs=-1, required=True)
@_corpus_options
@handle_errors
def add_cmd(index_path: str, corpus: tuple[str, ...], text_col: str, id_col: str, title_col: str, url_col: str,
            source_col: str, skip_duplicates: bool, progress: bool | None) -> None:
    """Add the articles of CORPUS to INDEX (one transaction: all or nothing).

    \b
    Examples:
      newscred index add wire.idx todays-wire.jsonl
      newscred index add wire.idx crawl.csv --text-col body --source-col site --skip-duplicates
    """
    from ..provenance.index import RepublicationIndex

    docs = _documents(corpus, text_col=text_col, id_col=id_col, title_col=title_col, url_col=url_col,
                      source_col=source_col)
    with RepublicationIndex.open(index_path) as index:
        added = _run_with_progress("adding", progress, lambda cb: index.add(
            docs, progress=cb, on_duplicate="skip" if skip_duplicates else "error"))
        total = len(index)
    click.echo(f"added {added:,} documents to {index_path} ({total:,} in all)", err=True)


@index_group.command("query")
@click.argument("index_path", metavar="INDEX")
@click.argument("article", type=str)
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.option("-k", "--top-k", default=5, show_default=True, type=click.IntRange(1, 100), help="Matches to show.")
@click.option("--min-share", default=None, type=click.FloatRange(0.0, 1.0),
              help="Report documents whose similarity or copied share reaches this (default: the index threshold).")
@handle_errors
def query_cmd(index_path: str, article: str, as_json: bool, top_k: int, min_share: float | None) -> None:
    """Which indexed articles does ARTICLE (a text file, or '-') copy, and how much?

    \b
    Examples:
      newscred index query covid.idx story.txt
      newscred index query covid.idx - --json < story.txt
    """
    from ..provenance.index import RepublicationIndex
    from ..text.validate import decode_bytes

    if article == "-":
        data, name = sys.stdin.buffer.read(), "standard input"
    else:
        path = Path(article)
        if not path.is_file():
            raise InputError(f"{article}: no such file. Give a path to a text file, or '-' to read standard input.")
        data, name = path.read_bytes(), article
    text = decode_bytes(data, name=name)
    with RepublicationIndex.open(index_path, readonly=True) as index:
        matches = index.query(text, top_k=top_k, min_share=min_share)
    if as_json:
        click.echo(json.dumps({"query": name, "matches": [m.to_dict() for m in matches]}, indent=2, ensure_ascii=False))
        return
    if not matches:
        click.echo(f"No indexed article shares enough text with {name}.")
        return
    click.echo(f"{name}: {len(matches)} match{'es' if len(matches) != 1 else ''}")
    for i, m in enumerate(matches, 1):
        label = m.title or m.url or m.id
        click.echo(f"{i}. {label}")
        click.echo(f"   id {m.id}  source {m.source or '-'}  url {m.url or '-'}")
        click.echo(f"   {m.contained_share:.0%} of this text is found in it; it is {m.source_share:.0%} reused; "
                   f"similarity {m.similarity:.2f}")
