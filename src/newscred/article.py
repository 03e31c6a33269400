"""The input type: an article to analyse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Article:
    """Text plus whatever is known about it.  Functions that take an Article also take a str."""

    text: str
    title: str | None = None
    url: str | None = None
    id: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def coerce(cls, value: "Article | str | Mapping[str, Any]") -> "Article":
        if isinstance(value, Article):
            return value
        if isinstance(value, str):
            return cls(text=value)
        if isinstance(value, Mapping):
            if "text" not in value:
                from .errors import MissingColumnError

                raise MissingColumnError(f"an article needs a 'text' field; got fields {sorted(value)}")
            known = {"text", "title", "url", "id"}
            return cls(
                text=value["text"],
                title=value.get("title"),
                url=value.get("url"),
                id=None if value.get("id") is None else str(value["id"]),
                meta={k: v for k, v in value.items() if k not in known},
            )
        from .errors import InputTypeError

        raise InputTypeError(f"cannot analyse a {type(value).__name__}"
                             + (" (a missing value: a null cell or field?)" if value is None else "")
                             + "; pass a str, bytes, an Article or a dict with 'text'")
