"""``newscred analyze``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError
from ..text.validate import DEFAULT_MAX_CHARS, decode_bytes
from . import main
from ._common import claims_options, handle_errors, model_option, republication_index_file
from ._render import render_report


def _read_input(article: str, max_chars: int) -> tuple[str, str]:
    """(text, display name) from a path or '-' (stdin), refusing binary and non-UTF-8 input."""
    if article == "-":
        data = sys.stdin.buffer.read(max_chars * 4 + 1)
        name = "standard input"
    else:
        path = Path(article)
        if not path.exists():
            raise InputError(f"{article}: no such file. Give a path to a text file, or '-' to read standard input.")
        if path.is_dir():
            raise InputError(f"{article} is a directory; use 'newscred score' for many articles.")
        if path.stat().st_size > max_chars * 4:
            raise_too_large(article, path.stat().st_size, max_chars)
        data = path.read_bytes()
        name = article
    if len(data) > max_chars * 4:
        raise_too_large(name, max_chars * 4, max_chars, more=True)  # reading stopped there
    text = decode_bytes(data, name=name)
    _refuse_a_table(article, text)
    return text, name


def _refuse_a_table(article: str, text: str) -> None:
    """A JSONL/CSV file given to analyze would be scored as one strange article; say what to use."""
    from ..datasets.tabular import _EXTENSIONS

    suffix = Path(article.lower().removesuffix(".gz")).suffix
    if article != "-" and suffix in _EXTENSIONS:
        raise InputError(f"{article} looks like a table ({suffix}): 'newscred analyze' reads one article. Score every row "
                         f"with 'newscred score {article} -o scores.jsonl'.")


def treat_as_html(article: str, as_html: bool | None) -> bool | None:
    """``--html/--text`` as given; True for a file ending in .html/.htm; else None, which leaves
    the decision to the library's one rule (:func:`newscred.provenance.html.looks_like_html`)."""
    if as_html is not None:
        return as_html
    return True if article.lower().endswith((".html", ".htm")) else None


def raise_too_large(name: str, size: int, max_chars: int, *, more: bool = False) -> None:
    from ..errors import InputTooLargeError

    raise InputTooLargeError(
        f"{name} is {'more than ' if more else ''}{size:,} bytes; the limit is about {max_chars:,} characters. "
        "Split it into articles, or raise the limit with --max-chars."
    )


@main.command()
@click.argument("article", type=str)
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (the same keys as the API and 'score').")
@click.option("--title", default=None, help="The article's headline, if you have it separately.")
@click.option("--url", default=None, help="Where the article was published: adds the source verdict (site ratings), stated beside the content verdict.")
@click.option("--ratings-file", type=click.Path(exists=True, dir_okay=False), default=None, envvar="NEWSCRED_RATINGS_FILE",
              help="Your own source ratings (CSV/JSON: domain, score or label, category, note); they override the bundled lists.")
@click.option("--index", "index_path", type=click.Path(exists=True), default=None, callback=republication_index_file,
              help="A republication index (newscred index build): list matching documents and how much is copied.")
@click.option("--html/--text", "as_html", default=None,
              help="Treat the input as an HTML page (default: when the file ends in .html/.htm, or the text starts with '<' "
                   "and has <html>, <body> or <p>): the main text, title, canonical URL, site name and date are extracted "
                   "(with newscred[html]; without it, the text of every block).")
@click.option("--max-chars", default=DEFAULT_MAX_CHARS, show_default=True, help="Refuse inputs longer than this.")
@click.option("--prior", default=0.5, show_default=True, type=float,
              help="Share of unreliable articles you expect among those you check (strictly between 0 and 1); probabilities are calibrated for 0.5 and shifted to it.")
@claims_options()
@handle_errors
def analyze(article: str, model: str | None, as_json: bool, title: str | None, url: str | None, ratings_file: str | None,
            index_path: str | None, as_html: bool | None, max_chars: int, prior: float, claims: bool,
            claims_index: str | None, mode: str, claim_model: str | None, sentence_model: str | None) -> None:
    """Analyse one ARTICLE (a text file, or '-' for standard input).

    \b
    Examples:
      newscred analyze examples/wire-story.txt
      newscred analyze story.txt --json | jq .content
      pbpaste | newscred analyze -

    Works on raw text and on text that is already lower-cased with punctuation stripped, and on
    saved HTML pages (the main text is extracted; the page's canonical URL feeds the source verdict).

    \b
    More:
      newscred analyze story.txt --url https://www.example.com/a     # + source verdict
      newscred analyze page.html                                     # HTML page
      newscred analyze story.txt --index wire.idx                    # + who else published it
      newscred analyze story.txt --claims-index claims.idx           # + fact-checked claims it repeats
      echo "Says vaccines cause autism." | newscred analyze -        # a short claim: the claim model
    """
    from .. import load

    text, name = _read_input(article, max_chars)
    analyzer = load(model, max_chars=max_chars, prior=prior, ratings_file=ratings_file, claims=claims,
                    claims_index=claims_index, mode=mode, claim_model=claim_model, sentence_model=sentence_model)
    report = analyzer.analyze(text, title=title, url=url, id=None if article == "-" else name,
                              html=treat_as_html(article, as_html))
    if report.page is not None:
        text = report.page["text"]  # the report's offsets refer to the page's article text
    if index_path:
        report = analyzer.republication(report, text, index_path)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        render_report(report, text)
