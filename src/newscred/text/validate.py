"""Turn user input (bytes or str) into text, or explain precisely why not."""

from __future__ import annotations

from ..errors import BinaryInputError, EmptyInputError, EncodingError, InputTooLargeError, InputTypeError

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
