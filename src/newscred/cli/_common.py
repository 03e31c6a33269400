"""Shared CLI plumbing: model option, error translation."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable

import click

from ..errors import NewscredError

model_option = click.option(
    "-m",
    "--model",
    "model",
    default=None,
    envvar="NEWSCRED_MODEL",
    show_envvar=True,
    help="Model artifact directory, or 'builtin:default' (the default).",
)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into a one-line message and exit status 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NewscredError as exc:
            click.echo(f"Error [{exc.code}]: {exc.message}", err=True)
            sys.exit(1)

    return wrapper



def _claims_index_folder(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Both kinds of index are often named *.idx: say which one this is, not just "is a file".
    if value is not None and not os.path.isdir(value):
        raise click.BadParameter(f"{value} is a file: a republication index ('newscred index build'), which goes to "
                                 "--index. --claims-index takes the folder 'newscred claims index build -o DIR' writes.")
    return value


def republication_index_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback of ``--index``: the reverse mix-up gets the reverse hint."""
    if value is not None and os.path.isdir(value):
        raise click.BadParameter(f"{value} is a folder: a fact-check index ('newscred claims index build'), which goes to "
                                 "--claims-index. --index takes the file 'newscred index build' writes.")
    return value


def claims_options(default: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--claims/--no-claims``, ``--claims-index``, ``--mode``, ``--claim-model`` and ``--sentence-model``,
    shared by analyze, score and serve."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option("--mode", type=click.Choice(["auto", "article", "claim"]), default="auto", show_default=True,
                          help="Which content model reads the text: 'auto' sends texts under 60 words (statements, "
                               "headlines, posts) to the short-claim model and longer ones to the article model (so does a raw "
                               "news brief under a wire dateline, 'LONDON (Reuters) -'); a model you trained with a lower --min-words scores texts down to that length itself.")(fn)
        fn = click.option("--claims-index", "claims_index", type=click.Path(exists=True), default=None,
                          callback=_claims_index_folder, envvar="NEWSCRED_CLAIMS_INDEX", show_envvar=True,
                          help="An index of fact-checked claims (newscred claims index build): each check-worthy "
                               "sentence then lists the nearest claims already checked, with their verdicts.")(fn)
        fn = click.option("--claim-model", "claim_model", type=click.Path(exists=True, file_okay=False), default=None,
                          envvar="NEWSCRED_CLAIM_MODEL", show_envvar=True,
                          help="A short-claim model you trained (python -m newscred.model.claim train -o DIR) to "
                               "read texts under 60 words instead of the bundled one.")(fn)
        fn = click.option("--sentence-model", "sentence_model", type=click.Path(exists=True, file_okay=False),
                          default=None, envvar="NEWSCRED_SENTENCE_MODEL", show_envvar=True,
                          help="A sentence boundary model you trained (python -m newscred.claims.sentences train "
                               "--architecture transformer ...) to split text without punctuation into the claims "
                               "section's sentences: more accurate than the bundled one, about 0.25 s per article, "
                               "needs newscred[neural].")(fn)
        fn = click.option("--claims/--no-claims", "claims", default=default, show_default=True,
                          help="List the check-worthy sentences (the report's 'claims' section; off gives claims: null).")(fn)
        return fn

    return decorate
