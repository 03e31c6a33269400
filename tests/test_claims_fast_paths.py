"""The claims section's fast paths give exactly what the simple code they replace gives, on real
text (the examples, the seed article, the fixture claims) and on the edge cases each one reasons
about: the word before a full stop, the word after it, the sentence-repeat prefilter, the
check-worthiness model's word look-up and the sorted searches."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from newscred.claims import extract, sentences
from newscred.claims._arrays import search_sorted
from newscred.claims.checkworthy import _Featuriser, sentence_terms
from newscred.claims.matching import _NEGATIONS, is_negated
from newscred.text.normalise import normalise

from .conftest import EXAMPLES, SEED_ARTICLE

FIXTURE_CLAIMS = Path(__file__).parent / "data" / "claims" / "fact_checked.jsonl"

# what the fast paths' reasoning turns on: a newline or a tab before the stop, no space in the 60
# characters before it, quotes and brackets around it, dotless and dotted capitals, Greek sigmas
_EDGE_TEXTS = [
    "foo\n. Bar", "U.S.\n. The", "a" * 100 + ". The", " . x", "x .", "(Inc.) The", "Mr.\nSmith. He",
    "He said\t\"no.\" Then", "word-\u2019s. Next", "\u00abQuoted.\u00bb \u201cNext.\u201d (Also.) [More.]",
    "Sen.\u00a0Rubio. He", "e.g. the", "ΟΔΟΣ. Σήμερα ΟΔΟΣ.", "İstanbul. K\u212aelvin. Kelvin.", "x_y. z_w.",
]


def _real_texts() -> list[str]:
    texts = [p.read_text() for p in sorted(EXAMPLES.glob("*.txt"))]
    if SEED_ARTICLE.is_file():
        texts.append(SEED_ARTICLE.read_text())
    texts.append(FIXTURE_CLAIMS.read_text())
    return texts + [normalise(t) for t in texts] + _EDGE_TEXTS


# ----------------------------------------------------------------------------- the raw splitter


def _word_before_reference(text: str, dot_start: int) -> str:
    before = re.compile(r"""([\w.\-']*)$""").search(text, max(0, dot_start - 60), dot_start)
    return before.group(1) if before else ""


def _next_word_reference(text: str, pos: int) -> tuple[str, str]:
    m = re.compile(r"""\s*(['"\u2018\u201c\u00ab(\[]*)(\S*)""").match(text, pos)
    assert m is not None
    word = re.match(r"[\w'\u2019\-]*", m.group(2))
    return m.group(1), word.group() if word else ""


def test_word_before_and_after_a_stop_equal_the_reference_searches() -> None:
    checked = 0
    for text in _real_texts():
        for pos in range(len(text) + 1):  # every position, not only the stops
            assert sentences._word_before(text, pos) == _word_before_reference(text, pos), (text[max(0, pos - 60):pos],)
            assert sentences._next_word(text, pos) == _next_word_reference(text, pos), (text[pos:pos + 20],)
            checked += 1
    assert checked > 10_000


# ----------------------------------------------------------------------------- repeated sentences


def _first_occurrences_reference(texts: list[str]) -> list[str]:
    seen, out = set(), []
    for text in texts:
        folded = re.sub(r"[\W_]+", " ", text.lower()).strip()
        if folded not in seen:
            seen.add(folded)
            out.append(text)
    return out


def test_no_character_beyond_ascii_lowers_to_an_ascii_letter_or_digit_but_the_two_known() -> None:
    found = {}
    for code in range(128, sys.maxunicode + 1):
        lowered = chr(code).lower()
        ascii_part = [c for c in lowered if c.isascii() and c.isalnum()]
        if ascii_part:
            found[chr(code)] = "".join(ascii_part)
    assert found == extract._LOWER_TO_ASCII


def _letter_checksum(text: str) -> int:
    """The checksum _letter_checksums computes at once, text by text."""
    return sum(extract._ASCII_WEIGHTS[ord(c)] for c in text.lower() if c.isascii())


def test_letter_checksums_equal_the_per_text_checksum() -> None:
    texts = [s.text for t in _real_texts() for s in sentences.split_sentences(t)]
    texts += _EDGE_TEXTS + ["", "İİ", "\u212a", "ς", "\ud800 lone surrogate", "A_B", "ÀÉÎ"]
    assert len(texts) > 100  # (143 without ../shared, whose seed article adds more)
    assert extract._letter_checksums(texts) == [_letter_checksum(t) for t in texts]
    for text in texts:  # the same checksum whatever separates, spaces or cases the letters
        assert _letter_checksum(text) == _letter_checksum(re.sub(r"[\W_]+", " ", text.lower()).strip())


@pytest.mark.parametrize("seed", range(5))
def test_first_occurrences_equal_the_reference(seed: int) -> None:
    import random

    rng = random.Random(seed)
    texts = [s.text for t in _real_texts() for s in sentences.split_sentences(t)]
    rng.shuffle(texts)
    rows = texts[:60]
    # repeats as scraped pages have them: word for word, re-spaced, re-cased, re-punctuated
    for text in rng.sample(rows, 10):
        rows.insert(rng.randrange(len(rows) + 1), rng.choice(
            [text, text.upper(), text.replace(" ", "  "), text.replace(".", "!"), "\u201c" + text + "\u201d"]))
    # same letters, another order: same checksum, a different sentence
    rows += ["the cat sat", "tac eht tas", "cat the sat", "the cat sat.", "The  cat, sat"]
    for batch in (rows, rows[:7], rows[:8], rows[::-1], []):
        assert extract._first_occurrences(batch, key=lambda t: t) == _first_occurrences_reference(batch)


# ----------------------------------------------------------------------------- check-worthiness


def test_word_columns_are_the_vocabulary_without_its_bigrams() -> None:
    from newscred.claims.checkworthy import CheckWorthinessModel

    featuriser = CheckWorthinessModel.load().featuriser
    assert featuriser._word_columns == {t: c for t, c in featuriser.vocabulary.items() if " " not in t}
    # most frequent first
    idf = [featuriser.idf[c] for c in featuriser._word_columns.values()]
    assert idf == sorted(idf)


def test_a_term_holding_a_space_is_still_looked_up_as_a_whole() -> None:
    """Terms are words, but dot() takes any: a "term" with a space finds its bigram column, as
    before the word look-up left bigrams out."""
    vocabulary = {"the": 0, "said": 1, "the said": 2, "#num": 3}
    small = _Featuriser(vocabulary, np.array([1.0, 1.5, 2.0, 1.2]))
    coef = np.array([0.5, -1.0, 2.0, 0.3, 0.1, 0.2, 0.3, 0.4])
    with_space = [["the said", "the"], ["said"]]
    spelt_out = small.transform(with_space) @ coef
    assert small.dot(with_space, coef)[0] == pytest.approx(spelt_out[0], abs=1e-12)
    assert small.dot(with_space, coef)[0] != pytest.approx(small.dot([["the", "said", "the"]], coef)[0], abs=1e-6)


def test_article_scores_are_those_of_the_whole_vocabulary_look_up() -> None:
    """Bit for bit: looking words up among the vocabulary's words only changes no column."""
    from newscred.claims.checkworthy import CheckWorthinessModel

    model = CheckWorthinessModel.load()
    terms = [sentence_terms(s.text) for t in _real_texts() for s in sentences.split_sentences(t)]
    fast = model.featuriser.dot(terms, model.coef)
    word_columns = model.featuriser._word_columns
    model.featuriser.__dict__["_word_columns"] = model.featuriser.vocabulary  # the look-up before
    try:
        slow = model.featuriser.dot(terms, model.coef)
    finally:
        model.featuriser.__dict__["_word_columns"] = word_columns
    assert fast.tobytes() == slow.tobytes()


# ----------------------------------------------------------------------------- matching


def test_sorted_search_equals_numpy_searchsorted() -> None:
    rng = np.random.default_rng(3)
    table = np.sort(rng.integers(0, 10_000, 5_000))
    for n in (0, 1, 15, 16, 17, 500):
        keys = rng.integers(-10, 10_010, n)
        keys[: n // 3] = keys[n // 3 : 2 * (n // 3)]  # repeated keys
        got = search_sorted(table, keys)
        assert got.dtype == np.intp and np.array_equal(got, np.searchsorted(table, keys))


def test_negation_fast_path_equals_the_word_by_word_reading() -> None:
    def reference(text: str) -> bool:
        words = text.split()
        return any(w in _NEGATIONS or (w == "t" and i and words[i - 1].endswith("n")) for i, w in enumerate(words))

    texts = [normalise(s.text) for t in _real_texts() for s in sentences.split_sentences(t)]
    texts += ["t", "t t", "don t", "can t go", "it s t", "not", "nothing at all", "", "cannot", "a t"]
    assert any(map(reference, texts)) and not all(map(reference, texts))
    assert [is_negated(t) for t in texts] == [reference(t) for t in texts]
