"""The record every dataset reader yields."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RELIABLE = "reliable"
UNRELIABLE = "unreliable"
BINARY_LABELS = (RELIABLE, UNRELIABLE)


@dataclass(frozen=True)
class Record:
    """One labelled (or unlabelled) text from a corpus.

    ``label`` is the binary reliable/unreliable mapping (``None`` when the original label is
    deliberately left out, e.g. BuzzFeed's "no factual content"); ``original_label`` keeps the
    dataset's own word so nothing is lost.  ``group`` is the unit that must never straddle a
    train/test split (publisher for ReCOVery, pair id for FakeNewsAMT, domain elsewhere).
    """

    id: str
    text: str
    dataset: str
    title: str = ""
    label: str | None = None
    original_label: str | None = None
    source: str | None = None
    domain: str | None = None
    url: str | None = None
    date: str | None = None
    group: str | None = None
    subset: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def y(self) -> int:
        """1 for unreliable, 0 for reliable; raises for unlabelled records."""
        if self.label not in BINARY_LABELS:
            raise ValueError(f"record {self.id!r} of {self.dataset} has no binary label")
        return int(self.label == UNRELIABLE)
