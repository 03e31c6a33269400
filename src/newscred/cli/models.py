"""``newscred models``: inspect and verify artifacts."""

from __future__ import annotations

import json

import click

from . import main
from ._common import handle_errors


@main.group()
def models() -> None:
    """Inspect and verify model artifacts."""


@models.command()
@click.argument("model", default="builtin:default")
@handle_errors
def verify(model: str) -> None:
    """Re-hash every file of MODEL against its manifest; exit 1 if anything changed."""
    from ..analyzer import resolve_model_path
    from ..model.artifact import verify_artifact

    path = resolve_model_path(model)
    manifest = verify_artifact(path)
    click.echo(f"OK: {manifest['name']} {manifest['version']} ({len(manifest['files'])} files verified) at {path}")


@models.command()
@click.argument("model", default="builtin:default")
@handle_errors
def info(model: str) -> None:
    """Print the manifest of MODEL (name, version, training data, file hashes)."""
    from ..analyzer import resolve_model_path
    from ..model.artifact import read_manifest

    click.echo(json.dumps(read_manifest(resolve_model_path(model)), indent=2))


@models.command()
@click.argument("model", default="builtin:default")
@handle_errors
def card(model: str) -> None:
    """Print the model card (README.md) of MODEL."""
    from ..analyzer import resolve_model_path

    path = resolve_model_path(model) / "README.md"
    if not path.is_file():
        from ..errors import CorruptArtifactError

        raise CorruptArtifactError(f"{path.parent} has no model card (README.md)")
    click.echo(path.read_text())
