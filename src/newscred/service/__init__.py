"""The REST API and web page (``pip install 'newscred[serve]'``; run with ``newscred serve``).

``from newscred.service import create_app, ServiceSettings`` imports FastAPI; importing this
package alone does not.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ..errors import require

        require("fastapi", "serve")
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
