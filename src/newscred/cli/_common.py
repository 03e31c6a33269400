"""Shared CLI plumbing: model option, error translation."""

from __future__ import annotations

import functools
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
