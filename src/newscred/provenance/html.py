"""Article text and page metadata from an HTML string (trafilatura, no network).

``extract_html`` only reads the string it is given: trafilatura's ``bare_extraction`` parses it
locally and nothing is fetched, whatever ``url`` says (the URL only helps resolve a relative
canonical link and fills in the host name).  Needs ``pip install 'newscred[html]'``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from html import unescape
from typing import Any
from urllib.parse import urljoin

from ..errors import EmptyInputError, InputError, require

__all__ = ["ExtractedPage", "extract_html"]


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of a page and what the page says about itself."""

    text: str
    title: str | None = None
    canonical_url: str | None = None  # <link rel=canonical> (or og:url), else the URL passed in
    site_name: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) of publication when the page states one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_LINK_RE = re.compile(r"<link\b[^>]*>", re.I)
_META_RE = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR_RE.finditer(tag)}


def _declared_canonical(html: str, base: str | None) -> str | None:
    """``<link rel="canonical">``, else ``og:url``, resolved against ``base``."""
    head = html[:200_000]
    for tag in _LINK_RE.findall(head):
        a = _attrs(tag)
        if "canonical" in a.get("rel", "").lower().split() and a.get("href", "").strip():
            href = a["href"].strip()
            return urljoin(base, href) if base else href
    for tag in _META_RE.findall(head):
        a = _attrs(tag)
        if a.get("property", a.get("name", "")).lower() == "og:url" and a.get("content", "").strip():
            href = a["content"].strip()
            return urljoin(base, href) if base else href
    return None


def _get(doc: Any, key: str) -> Any:
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc.get(key)
    return getattr(doc, key, None)


def extract_html(html: str | bytes, url: str | None = None) -> ExtractedPage:
    """The main text, title, canonical URL, site name and date of the page ``html``.

    Raises :class:`~newscred.errors.EmptyInputError` when the page has no article text and
    :class:`~newscred.errors.MissingExtraError` when trafilatura is not installed.
    """
    if isinstance(html, bytes):
        try:
            html = html.decode("utf-8")
        except UnicodeDecodeError:
            html = html.decode("cp1252", errors="replace")
    if not isinstance(html, str):
        raise InputError(f"extract_html needs the page as str or bytes, got {type(html).__name__}")
    if not html.strip():
        raise EmptyInputError("the HTML page is empty")
    trafilatura = require("trafilatura", "html")
    kwargs: dict[str, Any] = dict(url=url, with_metadata=True, include_comments=False, include_tables=False)
    try:
        doc = trafilatura.bare_extraction(html, **kwargs)
    except TypeError:  # trafilatura 1.x before with_metadata existed on bare_extraction
        kwargs.pop("with_metadata")
        doc = trafilatura.bare_extraction(html, **kwargs)
    text = (_get(doc, "text") or "").strip()
    if not text:
        raise EmptyInputError("no article text found in the HTML page")
    canonical = _declared_canonical(html, url) or _get(doc, "url") or url
    return ExtractedPage(
        text=text,
        title=(_get(doc, "title") or None),
        canonical_url=canonical,
        site_name=(_get(doc, "sitename") or None),
        date=(_get(doc, "date") or None),
    )
