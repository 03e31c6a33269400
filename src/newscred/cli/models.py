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
    """Re-hash every file of MODEL against its manifest; exit 1 if anything changed.

    MODEL is an artifact folder (written by 'newscred train') or builtin:NAME (see 'newscred
    models list'); without MODEL, builtin:default, the bundled article model.

    \b
    Examples:
      newscred models verify                       # the bundled article model
      newscred models verify models/mine
      newscred models verify builtin:claim
    """
    from ..analyzer import resolve_model_path
    from ..model.artifact import verify_artifact

    from ..model.artifact import read_manifest

    path = resolve_model_path(model)
    task = read_manifest(path).get("task", "article")
    # the article model must have its full file set; other tasks list theirs in the manifest
    manifest = verify_artifact(path) if task == "article" else verify_artifact(path, required=())
    click.echo(f"OK: {manifest['name']} {manifest['version']} ({task}; {len(manifest['files'])} files verified) at {path}")


@models.command(name="list")
@handle_errors
def list_models() -> None:
    """List the artifacts installed with newscred (use a NAME with verify, info and card).

    \b
    Example:
      newscred models list
      newscred models verify builtin:claim
      newscred models card builtin:checkworthy
    """
    from ..analyzer import BUILTIN_MODELS
    from ..model.artifact import read_manifest

    for name, path in BUILTIN_MODELS.items():
        manifest = read_manifest(path)
        size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        click.echo(f"builtin:{name:15} {manifest.get('task', 'article'):16} {manifest.get('name')} {manifest.get('version')}"
                   f"  {size / 1e6:.1f} MB")


@models.command()
@click.argument("model", default="builtin:default")
@handle_errors
def info(model: str) -> None:
    """Print the manifest of MODEL as JSON (name, version, task, training data, file hashes).

    MODEL is an artifact folder or builtin:NAME (see 'newscred models list'); without MODEL,
    builtin:default, the bundled article model.

    \b
    Examples:
      newscred models info
      newscred models info models/mine | jq .training_data
      newscred models info builtin:checkworthy
    """
    from ..analyzer import resolve_model_path
    from ..model.artifact import read_manifest

    click.echo(json.dumps(read_manifest(resolve_model_path(model)), indent=2))


@models.command()
@click.argument("model", default="builtin:default")
@handle_errors
def card(model: str) -> None:
    """Print the model card (README.md) of MODEL: what it does, its data, held-out numbers, limits.

    MODEL is an artifact folder or builtin:NAME (see 'newscred models list'); without MODEL,
    builtin:default, the bundled article model.

    \b
    Examples:
      newscred models card
      newscred models card models/mine
      newscred models card builtin:claim | less
    """
    from ..analyzer import resolve_model_path

    path = resolve_model_path(model) / "README.md"
    if not path.is_file():
        from ..errors import CorruptArtifactError

        raise CorruptArtifactError(f"{path.parent} has no model card (README.md)")
    click.echo(path.read_text())
