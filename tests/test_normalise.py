from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newscred.text.normalise import looks_normalised, normalise, tokenize


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalised_text_is_lowercase_ascii_words(text: str) -> None:
    out = normalise(text)
    assert out == out.strip()
    assert "  " not in out
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in out)
    assert out == out.lower()


@given(st.text())
def test_token_offsets_point_at_the_input(text: str) -> None:
    for token in tokenize(text):
        assert 0 <= token.start < token.end <= len(text)
        assert normalise(text[token.start : token.end]).split()  # the span holds a word


def test_normalise_matches_the_seed_convention() -> None:
    raw = "BOGOTA, Colombia (AP) — The U.S. won't say; Nicolás Maduro's “party”."
    assert normalise(raw) == "bogota colombia ap the u s won t say nicolas maduro s party"


def test_looks_normalised_tells_raw_from_normalised() -> None:
    raw = "The U.S. has made secret contact with Venezuela's socialist party boss, officials said."
    assert not looks_normalised(raw)
    assert looks_normalised(normalise(raw))
    assert not looks_normalised("")


def test_mojibake_is_repaired_without_moving_offsets() -> None:
    text = "He\u00e2\u0080\u0099s at the caf\u00c3\u00a9 \u00e2\u20ac\u0153now\u00e2\u20ac\u009d, they\u00e2\u20ac\u2122re late."
    assert normalise(text) == "he s at the cafe now they re late"
    for token in tokenize(text):
        assert text[token.start : token.end].lower().startswith(token.text[:2])


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_fast_path_tokenizes_like_the_reference(text: str) -> None:
    from newscred.text.normalise import _repair_mojibake, _tokenize_slow

    reference = _tokenize_slow(_repair_mojibake(text))
    assert [t.text for t in tokenize(text)] == [t.text for t in reference]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_normalise_joins_the_tokens(text: str) -> None:
    assert normalise(text) == " ".join(t.text for t in tokenize(text))


def test_normalise_joins_the_tokens_on_news_text() -> None:
    texts = ["BOGOTA, Colombia (AP) — The U.S. won't say; Nicolás Maduro's “party”.", "Straße, ﬁne, İstanbul",
             "He\u00e2\u0080\u0099s at the caf\u00c3\u00a9", "日本語 text 123", "", "  x_y  "]
    assert [normalise(t) for t in texts] == [" ".join(tok.text for tok in tokenize(t)) for t in texts]


def test_latin_letters_without_a_decomposition_fold_to_ascii() -> None:
    """"ß", "ø", "ł" ... have no accent to strip; they must not split a word in two."""
    assert normalise("Straße in Łódź, Ærø and Œuvre; Þingvellir") == "strasse in lodz aero and oeuvre thingvellir"
    tokens = tokenize("Die Straße")
    assert [t.text for t in tokens] == ["die", "strasse"] and (tokens[1].start, tokens[1].end) == (4, 10)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_path_offsets_match_the_reference(text: str) -> None:
    from newscred.text.normalise import _tokenize_slow

    assert tokenize(text) == _tokenize_slow(text)


def _looks_normalised_reference(text: str) -> bool:
    """The rule of looks_normalised as regexes over the whole sample (the slow original)."""
    import re

    sample = text[:5000]
    letters = sum(map(len, re.findall(r"[^\W\d_]+", sample)))
    uppers = len(re.findall(r"[A-Z\u00c0-\u00de]", sample))
    punct = len(re.findall(r"[^\w\s]", sample))
    return letters > 0 and uppers / letters < 0.002 and punct / max(len(sample), 1) < 0.002


@given(st.text(alphabet=st.sampled_from("abc xyz\n.,'\u2019\u201c\u00e9\u00c9\u00df\u65e5-A1"), max_size=600))
def test_looks_normalised_counts_like_the_regexes(text: str) -> None:
    # the ASCII characters are counted by str.translate and the others by the regexes: together
    # they must decide as the regexes over the whole text do
    assert looks_normalised(text) == _looks_normalised_reference(text)


def test_looks_normalised_counts_like_the_regexes_on_news_text() -> None:
    from .conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text()
        for variant in (text, normalise(text), text.replace("'", "\u2019"), normalise(text) + " \u201cok\u201d"):
            assert looks_normalised(variant) == _looks_normalised_reference(variant), path.name
