"""Article text and page metadata from an HTML string (no network).

``extract_html`` only reads the string it is given: trafilatura's ``bare_extraction`` parses it
locally and nothing is fetched, whatever ``url`` says (the URL only helps resolve a relative
canonical link and fills in the host name).  Needs ``pip install 'newscred[html]'``.

``read_page`` is what the analyzer, the CLI and the REST API use: trafilatura when it is installed
and finds an article, else a plain standard-library parser (every block's text, without scripts,
navigation, headers and footers).  ``looks_like_html`` is the one rule that decides when an input
is a page rather than text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from ..errors import EmptyInputError, InputError, MissingExtraError, require

__all__ = ["ExtractedPage", "extract_html", "is_page", "looks_like_html", "read_page", "text_to_analyse"]


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of a page and what the page says about itself."""

    text: str
    title: str | None = None
    canonical_url: str | None = None  # <link rel=canonical> (or og:url), else the URL passed in
    site_name: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) of publication when the page states one
    #: "trafilatura" (main-text extraction) or "plain" (every block of the page, standard library)
    extractor: str = "trafilatura"

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
    # Dates only from what the page declares (meta tags, <time>, the URL): the extensive search
    # would read a footer's "(c) 2024" as a publication date of 2024-01-01.
    kwargs: dict[str, Any] = dict(url=url, with_metadata=True, include_comments=False, include_tables=False,
                                  date_extraction_params={"extensive_search": False, "original_date": True})
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


_HTML_MARKERS = ("<html", "<body", "<p")


def looks_like_html(text: str) -> bool:
    """True for a document that starts with ``<`` and has ``<html``, ``<body`` or ``<p`` in it.

    Text that merely mentions a tag ("Plain text with a <p> tag", "<3 this story") stays text.
    """
    if not text.lstrip().startswith("<"):
        return False
    head = text.lower()
    return any(marker in head for marker in _HTML_MARKERS)


def is_page(text: str, html: bool | None = None) -> bool:
    """Whether to read ``text`` as an HTML page: ``html`` when the caller knows, else the rule above."""
    return looks_like_html(text) if html is None else html


def text_to_analyse(text: str, html: bool | None = None, *, url: str | None = None,
                    max_chars: int | None = None) -> tuple[str, ExtractedPage | None]:
    """``(text, page)``: the article text of ``text`` read as a page when :func:`is_page` says so
    (checked like any input, and with ``page`` what was read), else ``text`` itself and None.
    The analyzer, ``newscred claims sentences`` and every REST route read their input with it."""
    if not is_page(text, html):
        return text, None
    from ..text.validate import DEFAULT_MAX_CHARS, check_text

    page = read_page(text, url=url)
    return check_text(page.text, max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars), page


def read_page(html: str, url: str | None = None) -> ExtractedPage:
    """The page's article text and metadata, with or without the ``html`` extra.

    trafilatura when installed and it finds article text (with title, site name and date), else
    the plain parser (text of every block, ``<title>``); the canonical URL is read from the markup
    either way.  Raises :class:`~newscred.errors.EmptyInputError` when neither finds any text.
    """
    try:
        return extract_html(html, url=url)
    except EmptyInputError:
        if not html.strip():
            raise
    except MissingExtraError:
        pass
    text, title = _extract_plain(html)
    if not text.strip():
        raise EmptyInputError("no article text found in the HTML page")
    return ExtractedPage(text=text, title=title, canonical_url=_declared_canonical(html, url) or url, extractor="plain")


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




def _extract_plain(html: str) -> tuple[str, str | None]:
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    title = _SPACES.sub(" ", "".join(parser.title_parts)).strip() or None
    return "\n\n".join(parser.blocks), title
