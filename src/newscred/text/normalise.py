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
from dataclasses import dataclass

# A "word" is a run of Unicode letters or digits; everything else (punctuation, apostrophes,
# underscores, symbols, whitespace) separates words.  "won't" -> "won", "t", exactly as in
# pre-normalised corpora.
_WORD_RE = re.compile(r"[^\W_]+")
_NON_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Token:
    """A normalised token and the span ``[start, end)`` of the input it was read from."""

    text: str
    start: int
    end: int


def _fold(word: str) -> list[str]:
    """Lower-case, strip accents, and split on whatever is still not ASCII alphanumeric."""
    if word.isascii():
        return [word.lower()]
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return [piece for piece in _NON_ASCII_ALNUM.split(stripped) if piece]


def tokenize(text: str) -> list[Token]:
    """Normalised tokens of ``text`` with their character offsets in ``text``."""
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
    return " ".join(token.text for token in tokenize(text))


def looks_normalised(text: str) -> bool:
    """True when the input already has no capitals and (almost) no punctuation.

    Used for reporting and to pick a sentence splitter; the model never depends on it.
    """
    sample = text[:20000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters == 0:
        return False
    uppers = sum(ch.isupper() for ch in sample)
    punct = sum(1 for ch in sample if not ch.isalnum() and not ch.isspace())
    return uppers / letters < 0.002 and punct / max(len(sample), 1) < 0.002
