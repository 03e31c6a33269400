"""Refuse to write an artifact over something that is not an artifact of the same kind.

Writing a bundle replaces the whole destination directory (see
:func:`newscred.model.artifact.write_bundle`), so ``newscred train -o ~/Documents`` would delete
every file in it.  The rule: the destination may be missing, an empty directory, or a bundle of
the same task whose manifest lists every file in it (rebuilding ``models/mine`` is normal);
anything else raises :class:`~newscred.errors.OutputExistsError` naming the path and what is
there, and nothing is touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import OutputExistsError

__all__ = ["check_bundle_output"]

MANIFEST = "manifest.json"
_SHOWN = 3  # unlisted files named in the message


def check_bundle_output(path: str | os.PathLike[str], task: str, *, what: str, option: str = "-o/--output") -> Path:
    """``path`` as a Path if a bundle of ``task`` may be written there, else OutputExistsError.

    ``what`` names the kind in messages ("model artifact", "claim index"); ``option`` is the
    setting the user should change.
    """
    dest = Path(path)
    advice = f"Choose another {option}, or move it away first."
    if dest.is_symlink():
        raise OutputExistsError(f"{dest} is a symbolic link; refusing to replace it with a {what}. {advice}",
                                path=str(dest))
    if not dest.exists():
        return dest
    if not dest.is_dir():
        raise OutputExistsError(f"{dest} exists and is a file, not a {what}; refusing to replace it. {advice}",
                                path=str(dest))
    present = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_symlink() or not p.is_dir())
    if not present:
        return dest  # an empty folder (e.g. made beforehand with mkdir) holds nothing to lose
    manifest = _manifest(dest / MANIFEST)
    if manifest is None:
        raise OutputExistsError(
            f"{dest} is a folder of {len(present)} file(s) (e.g. {', '.join(present[:_SHOWN])}) and not a {what} "
            f"(no readable {MANIFEST}); writing there would delete them. {advice}", path=str(dest))
    found = manifest.get("task", "article")  # manifests from before tasks existed are article models
    if found != task:
        raise OutputExistsError(
            f"{dest} holds a newscred artifact for task {found!r}, not a {what} (task {task!r}); refusing to replace "
            f"it. {advice}", path=str(dest), found=found)
    listed = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    unlisted = [rel for rel in present if rel != MANIFEST and rel.replace(os.sep, "/") not in listed]
    if unlisted:
        # a report or notes saved inside an old artifact would go with it
        raise OutputExistsError(
            f"{dest} holds a {what} but also {len(unlisted)} file(s) its manifest does not list "
            f"({', '.join(unlisted[:_SHOWN])}{', ...' if len(unlisted) > _SHOWN else ''}); replacing it would delete "
            f"them. {advice}", path=str(dest), files=unlisted)
    return dest


def _manifest(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and "files" in data else None
