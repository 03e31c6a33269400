"""Style signals that survive lower-casing and stripped punctuation and carry across sources.

Each signal is a small, documented lexicon counted per 100 words of the model input.  They are
meant to be read by people ("few attributed sources, many calls to action") as much as by the
model: each match keeps its token position so the report can point at it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import compress
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class Signal:
    name: str
    description: str
    phrases: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("|") if w.strip())


SIGNALS: tuple[Signal, ...] = (
    Signal("attribution", "reporting verbs and attributions (said, told, according to)",
           _words("said|says|told|according to|stated|announced|confirmed|reported|added|explained|noted|testified|wrote in a statement|said in a statement|told reporters|in an interview")),
    Signal("named_roles", "official titles and roles of named sources",
           _words("spokesman|spokeswoman|spokesperson|official|officials|minister|secretary|senator|sen|rep|gov|governor|director|chief executive|ceo|chairman|president of|professor|researcher|analyst|attorney|prosecutor|judge|commissioner|ambassador|lawmaker|lawmakers|department")),
    Signal("anonymous_sources", "anonymous or vague sourcing",
           _words("condition of anonymity|sources say|sources said|a source|an insider|insiders|sources close to|people familiar|person familiar|unnamed|anonymous|rumored|rumoured|rumors|rumours|reportedly|allegedly|it is believed|some say|many believe|many people")),
    Signal("hedging", "hedges and tentative language",
           _words("may|might|could|possibly|perhaps|likely|unlikely|appears|appear|seems|suggests|suggest|estimated|approximately|about|around|roughly|preliminary|unclear|not clear")),
    Signal("certainty", "absolute and certainty words",
           _words("always|never|absolutely|definitely|certainly|undeniable|undeniably|proof|proves|proven|truth|fact is|no doubt|totally|completely|entirely|everyone knows|clearly|obviously|guaranteed")),
    Signal("sensational", "sensational, affective and outrage vocabulary",
           _words("shocking|shocked|stunning|stunned|outrageous|outrage|bombshell|explosive|breaking|unbelievable|incredible|insane|horrifying|terrifying|disgusting|disgrace|slams|slammed|destroys|destroyed|epic|hilarious|furious|meltdown|exposed|exposes|scandal|evil|traitor|treason|insane|crazy|amazing|miracle|secret|secretly|hoax|cover up|conspiracy|mainstream media|msm|wake up|sheeple|elite|elites|globalist|globalists|deep state|liberal media|leftist|leftists|libtard|snowflake")),
    Signal("first_person", "first person address (I, we, my, our)",
           _words("i|me|my|mine|myself|we|us|our|ours|ourselves|i m|i ve|i d|i ll")),
    Signal("second_person", "second person address (you, your)",
           _words("you|your|yours|yourself|yourselves|you re|you ll|you ve")),
    Signal("call_to_action", "calls to action (share, watch, click, sign)",
           _words("share this|please share|share if|watch|watch the video|click|sign the petition|must read|must see|don t miss|like and share|spread the word|retweet|subscribe|donate|call your|tell your")),
    Signal("numbers", "numbers and quantities", ()),
    Signal("time_reference", "dates and time references",
           _words("monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|august|september|october|november|december|jan|feb|aug|sept|oct|nov|dec|yesterday|today|tonight|last week|last month|last year|this week|this month|earlier this")),
    Signal("quote_markers", "quotation and reported-speech markers that survive normalisation",
           _words("quote|unquote|quoted|in a statement|press release|press conference|interview|briefing|spoke")),
)

# phrase (as a tuple of words) -> the signals it counts for; matched on tokens, not with regular
# expressions, because this runs on every article and a dict lookup per word is cheap.
_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {}
for _signal in SIGNALS:
    for _phrase in _signal.phrases:
        _key = tuple(_phrase.split())
        _PHRASES[_key] = _PHRASES.get(_key, ()) + (_signal.name,)
_MAX_N = max(len(k) for k in _PHRASES)
_UNIGRAMS: dict[str, tuple[str, ...]] = {k[0]: v for k, v in _PHRASES.items() if len(k) == 1}
# first words of multi-word phrases: only there is it worth building longer n-grams
_STARTS = {k[0] for k in _PHRASES if len(k) > 1}

STYLE_FEATURES: tuple[str, ...] = (
    *(s.name for s in SIGNALS),
    "mean_word_length",
    "long_word_share",
    "type_token_ratio",
    "log_word_count",
)
DESCRIPTIONS: dict[str, str] = {s.name: s.description for s in SIGNALS} | {
    "mean_word_length": "average word length in letters",
    "long_word_share": "share of words with 7 or more letters",
    "type_token_ratio": "lexical diversity (distinct words / words, first 500 words)",
    "log_word_count": "length of the text (log word count)",
}


#: every word that starts a phrase or is a one-word cue (one set lookup rejects the other ~90%)
_ANY_CUE = frozenset(_STARTS) | frozenset(_UNIGRAMS)


def signal_matches(words: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Token spans ``[i, j)`` where each signal fires: leftmost-longest, non-overlapping per signal."""
    out: dict[str, list[tuple[int, int]]] = {s.name: [] for s in SIGNALS}
    free = {s.name: 0 for s in SIGNALS}
    n_words = len(words)
    # numbers, then the few cue words, each found by a C loop (most words are neither)
    out["numbers"] = [(i, i + 1) for i in compress(range(n_words), map(str.isdigit, words))]
    for i in compress(range(n_words), map(_ANY_CUE.__contains__, words)):
        word = words[i]
        if word not in _STARTS:  # a one-word cue
            names = _UNIGRAMS.get(word)
            if names:
                for name in names:
                    if free[name] <= i:
                        out[name].append((i, i + 1))
                        free[name] = i + 1
            continue
        longest = min(_MAX_N, n_words - i)
        for n in range(longest, 0, -1):
            names = _PHRASES.get(tuple(words[i : i + n]) if n > 1 else (word,))
            if not names:
                continue
            for name in names:
                if free[name] <= i:
                    out[name].append((i, i + n))
                    free[name] = i + n
    return out


def style_vector(words: Sequence[str], matches: dict[str, list[tuple[int, int]]] | None = None) -> np.ndarray:
    """The style feature vector (order: :data:`STYLE_FEATURES`) of a normalised word list."""
    n = len(words)
    if matches is None:
        matches = signal_matches(words)
    per100 = 100.0 / max(n, 1)
    values = [len(matches.get(s.name, ())) * per100 for s in SIGNALS]
    if n:
        lengths = np.fromiter(map(len, words), dtype=np.float64, count=n)
        head = list(words[:500])
        values += [
            float(lengths.mean()),
            float((lengths >= 7).mean()),
            len(set(head)) / len(head),
            math.log1p(n),
        ]
    else:
        values += [0.0, 0.0, 0.0, 0.0]
    return np.asarray(values, dtype=np.float64)
