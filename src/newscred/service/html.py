"""HTML input for the service: the library's one page reader (see :mod:`newscred.provenance.html`)."""

from __future__ import annotations

from ..provenance.html import looks_like_html, read_page

__all__ = ["extract_text", "looks_like_html"]


def extract_text(html: str) -> tuple[str, str | None]:
    """``(text, title)`` of an HTML document, as :func:`~newscred.provenance.html.read_page` reads it."""
    page = read_page(html)
    return page.text, page.title
