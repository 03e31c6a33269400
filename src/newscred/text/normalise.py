"""One canonical normalisation, used identically in training and inference.

Scraped news often arrives lower-cased with punctuation and accents stripped (see the seed
article).  Rather than hope a model trained on clean text copes, newscred folds *every* input to
that same form before the model sees it: lower-case ASCII letters and digits separated by single
spaces.  An article and its pre-normalised copy therefore produce (nearly) the same model input.

``tokenize`` keeps, for every normalised token, the character span of the input it came from, so
evidence and detected artefacts can always be pointed at in the user's original text.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate, repeat
from operator import itemgetter
from typing import NamedTuple

# A "word" is a run of Unicode letters or digits; everything else (punctuation, apostrophes,
# underscores, symbols, whitespace) separates words.  "won't" -> "won", "t", exactly as in
# pre-normalised corpora.
_WORD_RE = re.compile(r"[^\W_]+")
_NON_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_ASCII_WORD_SPLIT_RE = re.compile(r"([A-Za-z0-9]+)")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


class Token(NamedTuple):
    """A normalised token and the span ``[start, end)`` of the input it was read from."""

    text: str
    start: int
    end: int


#: a Token's start and end offsets as C-level getters, for ``map`` over a token list
TOKEN_START, TOKEN_END = itemgetter(1), itemgetter(2)


# Latin letters that Unicode does not decompose into a base letter plus accents: without this
# table "Straße" would fold to "stra e" and "Łódź" to "odz".
_LATIN_LETTERS = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                                "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th",
                                "ı": "i", "ħ": "h", "Ħ": "h"})


def _fold(word: str) -> list[str]:
    """Lower-case, strip accents, and split on whatever is still not ASCII alphanumeric."""
    if word.isascii():
        return [word.lower()]
    decomposed = unicodedata.normalize("NFKD", word.translate(_LATIN_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return [piece for piece in _NON_ASCII_ALNUM.split(stripped) if piece]


# Mojibake: UTF-8 bytes decoded as cp1252 or latin-1 ("theyâ€™re", "heâ\x80\x99s", "cafÃ©"),
# common in scraped corpora.
# A lead character (Â..ô) followed by 1-3 cp1252 continuation characters.
_CP1252_CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00f4][{_CP1252_CONT}]{{1,3}}")


def _repair_mojibake(text: str) -> str:
    """Undo cp1252-decoded UTF-8 *without changing the string's length*, so offsets stay valid.

    "theyâ€™re" becomes "they   re" and "cafÃ©" becomes "cafe ": the repaired character is folded
    to ASCII and padded with spaces.
    """

    def fix(match: re.Match[str]) -> str:
        whole = match.group()
        # The longest prefix that decodes: "Æ¹\x80" repairs "Æ¹" and keeps "\x80", exactly as "Æ¹"
        # alone would be repaired, so a word reads the same with or without its neighbours.
        for cut in range(len(whole), 1, -1):
            chunk = whole[:cut]
            try:
                # latin-1 for U+0000-00FF (covers "â\x80\x99"), cp1252 for its extra characters ("â€™")
                raw = b"".join(bytes([ord(ch)]) if ord(ch) < 256 else ch.encode("cp1252") for ch in chunk)
                repaired = raw.decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            folded = "".join(_fold(repaired)) if any(ch.isalnum() for ch in repaired) else ""
            return (folded + " " * len(chunk))[: len(chunk)] + whole[cut:]
        return whole

    return _MOJIBAKE_RE.sub(fix, text)


# Non-ASCII character -> one ASCII character (or a space) when that is what folding gives, so
# most non-ASCII text ("naïve", curly quotes, dashes) can take the fast path at the same length.
_ONE_CHAR_FOLD: dict[int, str | None] = {}


def _ascii_same_length(text: str) -> str | None:
    """``text`` with every non-ASCII character folded to one ASCII character, or None if some
    character folds to several letters ("ß" -> "ss") and the slow path is needed."""
    # the few distinct non-ASCII characters, each replaced in one C pass (str.translate with a
    # table goes character by character once it meets the first non-ASCII one)
    for ch in set(_NON_ASCII_RE.findall(text)):
        code = ord(ch)
        if code not in _ONE_CHAR_FOLD:
            folded = "".join(_fold(ch)) if ch.isalnum() else ""
            _ONE_CHAR_FOLD[code] = folded if len(folded) == 1 else (" " if not folded else None)
        repl = _ONE_CHAR_FOLD[code]
        if repl is None:
            return None
        text = text.replace(ch, repl)
    return text


def tokenize(text: str) -> list[Token]:
    """Normalised tokens of ``text`` with their character offsets in ``text``."""
    if not text.isascii() and _MOJIBAKE_RE.search(text):
        text = _repair_mojibake(text)  # same length: offsets still index the caller's text
    if not text.isascii():
        folded = _ascii_same_length(text)
        if folded is not None:
            text = folded
    if text.isascii():  # the common case, without per-word checks
        # ASCII lower-casing keeps every offset.  Splitting on the words (kept by the group) gives
        # gap, word, gap, ..., word, gap; running lengths are the offsets.  Every step is a C loop,
        # and tuple.__new__ skips NamedTuple's slower constructor.
        parts = _ASCII_WORD_SPLIT_RE.split(text.lower())
        offsets = list(accumulate(map(len, parts), initial=0))
        return list(map(tuple.__new__, repeat(Token), zip(parts[1::2], offsets[1:-1:2], offsets[2::2])))
    return _tokenize_slow(text)


def _tokenize_slow(text: str) -> list[Token]:
    """Word by word, folding each non-ASCII word on its own (the reference implementation)."""
    tokens: list[Token] = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if word.isascii():
            tokens.append(Token(word.lower(), match.start(), match.end()))
            continue
        for piece in _fold(word):
            tokens.append(Token(piece, match.start(), match.end()))
    return tokens


def normalise(text: str) -> str:
    """The canonical form: lower-case ASCII words and digits joined by single spaces.

    Idempotent: ``normalise(normalise(x)) == normalise(x)``.
    """
    # ``" ".join(token.text for token in tokenize(text))``, without making the offsets nobody reads
    # here (the claim index normalises every sentence it is asked about): the same steps as tokenize
    if not text.isascii() and _MOJIBAKE_RE.search(text):
        text = _repair_mojibake(text)
    if not text.isascii():
        folded = _ascii_same_length(text)
        if folded is not None:
            text = folded
    if text.isascii():
        return " ".join(_ASCII_WORD_RE.findall(text.lower()))
    return " ".join(token.text for token in _tokenize_slow(text))


def looks_normalised(text: str) -> bool:
    """True when the input already has no capitals and (almost) no punctuation.

    Used for reporting and to pick a sentence splitter; the model never depends on it.
    """
    sample = text[:5000]
    # Each count is of characters, so the ASCII ones and the others are counted apart: str.translate
    # deletes in C, and counting by what is left is ~10x faster than the regexes, which only see
    # the few non-ASCII characters (curly quotes, dashes, accented letters).
    ascii_part = sample if sample.isascii() else sample.encode("ascii", "ignore").decode("ascii")
    n = len(ascii_part)
    letters = n - len(ascii_part.translate(_DROP_LETTERS))
    uppers = n - len(ascii_part.translate(_DROP_UPPERS))
    punct = len(ascii_part.translate(_DROP_WORD_AND_SPACE))
    if n < len(sample):
        others = "".join(_NON_ASCII_RE.findall(sample))
        letters += sum(map(len, _LETTER_RUN_RE.findall(others)))  # runs, not one string per letter
        uppers += len(_UPPER_RE.findall(others))
        punct += len(_PUNCT_RE.findall(others))
    if letters == 0:
        return False
    return uppers / letters < 0.002 and punct / max(len(sample), 1) < 0.002


_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_UPPER_RE = re.compile(r"[A-Z\u00c0-\u00de]")
_PUNCT_RE = re.compile(r"[^\w\s]")
_ASCII = [chr(i) for i in range(128)]
_DROP_LETTERS = str.maketrans("", "", "".join(c for c in _ASCII if c.isalpha()))
_DROP_UPPERS = str.maketrans("", "", "".join(c for c in _ASCII if c.isupper()))
# what _PUNCT_RE matches in ASCII is what remains after deleting word characters and whitespace
_DROP_WORD_AND_SPACE = str.maketrans("", "", "".join(c for c in _ASCII if re.match(r"[\w\s]", c)))
