"""Turn user input (bytes or str) into text, or explain precisely why not."""

from __future__ import annotations

import re

from ..errors import BinaryInputError, EmptyInputError, EncodingError, InputTooLargeError, InputTypeError
from .normalise import normalise

# 2 MB of text is ~300,000 words: far beyond any news article, and enough to stop a mis-pointed
# file (a log, a database dump) from tying up the analyzer.
DEFAULT_MAX_CHARS = 2_000_000


def decode_bytes(data: bytes, *, name: str = "input") -> str:
    """Decode UTF-8 (with or without BOM); refuse binary data and other encodings clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EncodingError(f"{name} is UTF-16 text (it starts with a UTF-16 byte-order mark); newscred reads UTF-8. "
                            "Convert it first, e.g. `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8`.")
    if b"\x00" in data[:8192]:
        raise BinaryInputError(
            f"{name} looks like a binary file (it contains NUL bytes): give an article as plain text or HTML "
            "(and a table of articles to 'newscred score')."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}). "
            "Convert it first, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`."
        ) from exc


def check_text(text: str, *, name: str = "input", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` if it is analysable; raise an :class:`InputError` subclass if not."""
    if not isinstance(text, str):
        raise InputTypeError(f"{name} must be text (str), got {type(text).__name__}"
                             + (": a missing value (a null cell or field?)" if text is None else ""))
    if len(text) > max_chars:
        raise InputTooLargeError(
            f"{name} has {len(text):,} characters; the limit is {max_chars:,}. Split it into articles, or raise "
            "the limit (max_chars= in Python, --max-chars on the command line and for newscred serve)."
        )
    if "\x00" in text:
        raise BinaryInputError(f"{name} contains NUL characters; it looks like binary data, not text.")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates: a str no file, JSON or database can hold
            raise EncodingError(f"{name} has an unpaired surrogate code point at character {exc.start}: it is not valid "
                                "Unicode text (decode the source with errors='replace', or fix it upstream).") from None
    if not any(ch.isalnum() for ch in text):
        raise EmptyInputError(f"{name} is empty or has no letters or digits; there is nothing to analyze.")
    return text


# What a scraper saves when it gets no article: error pages, bot checks, paywalls.  Matched on the
# normalised opening of a short text only: an article may well quote "access denied".
_PLACEHOLDERS: list[tuple[str, re.Pattern[str]]] = [
    ("an error page (page not found)", re.compile(
        r"\b(?:page not found|404 not found|error 404|can ?t find (?:that|the|this) page|cannot find (?:that|the|this) page|"
        r"page you (?:requested|are looking for|were looking for)|(?:this|that) page (?:doesn ?t|does not|no longer) exist)")),
    ("an error page (access denied)", re.compile(
        r"\b(?:access denied|403 forbidden|you don ?t have permission to access|you do not have permission to access)")),
    ("a bot check or a JavaScript wall", re.compile(
        r"\b(?:enable javascript|javascript is disabled|are you a robot|verify (?:that )?you are (?:a )?human|"
        r"unusual traffic from your|complete the captcha|checking your browser)")),
    ("a paywall or login page", re.compile(
        r"\b(?:subscribe (?:now )?to continue reading|to continue reading (?:this article )?(?:please )?(?:subscribe|log in|sign in)|"
        r"already a subscriber|log in to continue|sign in to continue reading|this content is for subscribers)")),
]
#: longer texts are articles that happen to mention such words
PLACEHOLDER_MAX_WORDS = 150


def placeholder_page(text: str) -> str | None:
    """What a short text is when it is no article but what a scraper got instead (an error page,
    a bot check, a paywall), or ``None``.  Such a text gets ``uncertain`` with this as its reason:
    a verdict on "Sorry, we can't find that page" would be about nothing."""
    if len(text.split(None, PLACEHOLDER_MAX_WORDS + 1)) > PLACEHOLDER_MAX_WORDS:
        return None  # an article's length: decided in C before any normalising
    words = normalise(text).split()
    if not words or len(words) > PLACEHOLDER_MAX_WORDS:
        return None
    head = " ".join(words)
    for kind, pattern in _PLACEHOLDERS:
        if pattern.search(head):
            return kind
    return None
