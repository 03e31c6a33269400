"""Plain text out of an HTML page, with the standard library only.

Good enough for a saved article page: the text of the body, one paragraph per block element,
without scripts, styles, navigation, headers, footers and other page furniture.  It is not a
readability engine: sidebars written as plain ``<div>`` stay in.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never article text.
SKIP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "math", "iframe", "object",
     "head", "aside", "form", "button", "select", "textarea"}
)
# Elements that start a new paragraph.
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
     "td", "th", "blockquote", "pre", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "address",
     "body", "html"}
)
# Void elements never get an end tag, so they must not open a skipped region.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_HTML_MARKERS = ("<html", "<body", "<p")


def looks_like_html(text: str) -> bool:
    """True for a document that starts with ``<`` and has ``<html``, ``<body`` or ``<p`` in it."""
    if not text.lstrip().startswith("<"):
        return False
    head = text.lower()
    return any(marker in head for marker in _HTML_MARKERS)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.in_title = False
        self.title_parts: list[str] = []

    # -- helpers
    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    # -- HTMLParser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag == "title" and all(t == "head" for t in self.skip_stack):
            self.in_title = True
        if tag == "body" and "head" in self.skip_stack:
            # An unclosed <head>: the body closes it.
            while self.skip_stack:
                self.skip_depth -= 1
                if self.skip_stack.pop() == "head":
                    break
        if tag in SKIP_TAGS and tag not in _VOID:
            self.skip_stack.append(tag)
            self.skip_depth += 1
            return
        if tag in BLOCK_TAGS and not self.skip_depth:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <div/>: a block boundary, never an open skipped region.
        if tag.lower() in BLOCK_TAGS and not self.skip_depth:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag == "title":
            self.in_title = False
        if tag in self.skip_stack:
            # Close the innermost open element of that name (and anything left unclosed in it).
            while self.skip_stack:
                self.skip_depth -= 1
                if self.skip_stack.pop() == tag:
                    break
            return
        if tag in BLOCK_TAGS and not self.skip_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        if not self.skip_depth:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def extract_text(html: str) -> tuple[str, str | None]:
    """``(text, title)`` of an HTML document: paragraphs separated by blank lines; the ``<title>`` if any.

    Uses trafilatura's main-text extraction (the same as ``newscred analyze page.html``) when the
    ``html`` extra is installed, and this module's plain parser otherwise or when trafilatura finds
    no article text.
    """
    try:
        from ..provenance.html import extract_html

        page = extract_html(html)
        if page.text.strip():
            return page.text, page.title
    except Exception:  # noqa: BLE001 - missing extra or no article found: fall back to the plain parser
        pass
    return _extract_plain(html)


def _extract_plain(html: str) -> tuple[str, str | None]:
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    title = _SPACES.sub(" ", "".join(parser.title_parts)).strip() or None
    return "\n\n".join(parser.blocks), title
