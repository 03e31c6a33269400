"""The one report type.  CLI ``--json``, batch rows and the REST API all serialise ``Report.to_dict()``.

Key stability: keys documented in docs/report.md are stable within a major ``schema_version``;
new keys may be added, existing ones are never renamed or re-typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Evidence:
    """A word or phrase that pushed the content score; ``weight`` > 0 pushes towards unreliable."""

    text: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    kind: str = "word"  # "word", or "pattern": a function-word n-gram where "…" stands for any other word
    #: the model's own terms summed into ``weight`` ("said", "… said", "said … …"); empty = just ``text``
    terms: tuple[tuple[str, float], ...] = ()
    #: how often it occurs in the text (``spans`` locates at most the first 25); 0 given = ``len(spans)``
    count: int = 0

    def __post_init__(self) -> None:
        if not self.count:  # the same count in Python as in to_dict()
            object.__setattr__(self, "count", len(self.spans))

    @property
    def direction(self) -> str:
        return "unreliable" if self.weight > 0 else "reliable"

    def to_dict(self) -> dict[str, Any]:
        terms = self.terms or ((self.text, self.weight),)
        return {
            "text": self.text,
            "kind": self.kind,
            "weight": round(self.weight, 4),
            "direction": self.direction,
            "count": self.count,
            "spans": [list(span) for span in self.spans],
            "terms": [{"text": t, "weight": round(w, 4)} for t, w in terms],
        }


@dataclass(frozen=True)
class SignalValue:
    """A named style signal, its value (per 100 words unless said otherwise) and its push."""

    name: str
    description: str
    value: float
    weight: float
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "value": round(self.value, 4),
            "weight": round(self.weight, 4),
            "direction": "unreliable" if self.weight > 0 else "reliable",
            "spans": [list(span) for span in self.spans],
        }


@dataclass(frozen=True)
class ContentVerdict:
    p_unreliable: float
    label: str  # reliable | unreliable | uncertain
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    signals: tuple[SignalValue, ...]
    mode: str = "article"  # "article" or "claim": which model read the text
    prior: float = 0.5
    ratings: dict[str, float] | None = None  # claim mode: P of each PolitiFact rating (pants-fire .. true)
    #: claim mode: how much each expert of the claim model read the text ("politics": PolitiFact
    #: statements, "health": COVID-19 posts); the verdict is theirs, mixed by these weights
    experts: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_unreliable": round(self.p_unreliable, 4),
            "label": self.label,
            "mode": self.mode,
            "prior": self.prior,
            "ratings": self.ratings,
            "experts": self.experts,
            "reasons": list(self.reasons),
            "evidence": [e.to_dict() for e in self.evidence],
            "signals": [s.to_dict() for s in self.signals],
        }


@dataclass(frozen=True)
class Facts:
    word_count: int
    char_count: int
    looks_normalised: bool
    truncated_start: bool
    truncated_end: bool
    known_word_share: float
    wire_agencies: tuple[str, ...]
    artefacts: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "word_count": self.word_count,
            "char_count": self.char_count,
            "looks_normalised": self.looks_normalised,
            "truncated_start": self.truncated_start,
            "truncated_end": self.truncated_end,
            "known_word_share": round(self.known_word_share, 4),
            "wire_agencies": list(self.wire_agencies),
            "artefacts": [dict(a) for a in self.artefacts],
        }


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True)
class Report:
    """Everything newscred says about one article."""

    content: ContentVerdict
    facts: Facts
    model: ModelInfo
    summary: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: dict[str, Any] | None = None  # the source verdict (SourceVerdict.to_dict()), only with a URL
    provenance: dict[str, Any] | None = None  # wire origin, injected blocks, truncation, sourcing
    claims: dict[str, Any] | None = None  # check-worthy sentences and their fact-checked matches
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def p_unreliable(self) -> float:
        return self.content.p_unreliable

    @property
    def label(self) -> str:
        return self.content.label

    @property
    def page(self) -> dict[str, Any] | None:
        """What was read from an HTML page (its article ``text``, title, canonical URL...), else None."""
        return self.extra.get("page")

    def to_dict(self) -> dict[str, Any]:
        from . import __version__

        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "content": self.content.to_dict(),
            "source": self.source,
            "provenance": self.provenance,
            "claims": self.claims,
            "facts": self.facts.to_dict(),
            "model": self.model.to_dict(),
            "newscred_version": __version__,
        }
        out.update(self.extra)
        return out
