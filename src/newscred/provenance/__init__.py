"""Provenance: where a text comes from and what was done to it on the way.

* :func:`analyze_provenance` -- wire credits and origin, injected headline/promo blocks,
  truncation, named vs anonymous sourcing (offsets into the caller's text).
* :class:`RepublicationIndex` -- a SQLite MinHash/LSH index answering "which known article is
  this copied from, and how much of it?".
* :func:`extract_html` -- article text and page metadata from an HTML string (trafilatura, offline).
"""

from __future__ import annotations

from typing import Any

from .detect import (
    Attribution,
    InjectedBlock,
    Provenance,
    Sourcing,
    TruncationEvidence,
    WireCredit,
    analyze_provenance,
    find_injected_blocks,
    find_sourcing,
    find_wire,
)
from .index import (
    SCHEMA_VERSION,
    CorruptIndexError,
    IndexNotFoundError,
    IndexVersionError,
    Match,
    RepublicationIndex,
)

__all__ = [
    "SCHEMA_VERSION",
    "Attribution",
    "CorruptIndexError",
    "ExtractedPage",
    "IndexNotFoundError",
    "IndexVersionError",
    "InjectedBlock",
    "Match",
    "Provenance",
    "RepublicationIndex",
    "Sourcing",
    "TruncationEvidence",
    "WireCredit",
    "analyze_provenance",
    "extract_html",
    "find_injected_blocks",
    "find_sourcing",
    "find_wire",
]


def __getattr__(name: str) -> Any:
    # html pulls nothing heavy at import, but keep it lazy like the optional extra it serves
    if name in ("extract_html", "ExtractedPage"):
        from . import html

        return getattr(html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
