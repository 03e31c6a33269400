"""Does a text ask rather than state?

A question is not a claim: "Can I catch COVID-19 from my pet?" is neither true nor false, yet the
claim model, trained on statements, gives such questions confident verdicts (CoAID's WHO FAQ
questions, all labelled "real", read 0.8-1.0 unreliable).  The claim index leaves question entries
out and the claim model withholds its verdict on a text that only asks.
"""

from __future__ import annotations

import re

from .normalise import normalise

__all__ = ["is_question", "only_asks"]

#: A sentence without its "?" (CoAID lost some; normalised text has none) still asks when it opens
#: with a wh-word and an auxiliary ("What are my risks", not "When I left office") or an auxiliary
#: and a pronoun ("Can I", "Is there", not "Will Smith said").
_WH_WORDS = frozenset("what how why when where which who whom whose".split())
_AUXILIARIES = frozenset(
    "is are am was were do does did can could should would will shall may might must has have had".split())
_PRONOUNS = frozenset("i you we they he she it there this that these those".split())
#: "How long does ...", "How many people ...": "how" and a measure word ask too
_HOW_MEASURES = frozenset("long many much often far likely soon safe big old".split())
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: "WHO is ..." in raw text is the World Health Organization stating something, not "who is ...?"
_ACRONYM_OPENING = re.compile(r"""^\W*[A-Z]{2,}\b""")
#: "Did you know that 5G spreads the virus?" asserts what it asks about: a claim to rate
_RHETORICAL = ("did you know", "do you know that", "remember when")


def _opens_as_question(sentence: str) -> bool:
    if _ACRONYM_OPENING.match(sentence):
        return False
    words = normalise(sentence).split()[:2]
    return len(words) == 2 and ((words[0] in _WH_WORDS and words[1] in _AUXILIARIES)
                                or (words[0] == "how" and words[1] in _HOW_MEASURES)
                                or (words[0] in _AUXILIARIES and words[1] in _PRONOUNS))


def _sentences(text: str) -> list[str]:
    stripped = text.strip().strip("\"'“”‘’ ").rstrip()
    return [s for s in _SENTENCE_END.split(stripped) if normalise(s)]


def is_question(text: str) -> bool:
    """Whether ``text`` asks: it ends with a question mark (quotes and spaces aside), or one of its
    sentences opens as a question does ("... What are my risks and how ...")."""
    sentences = _sentences(text)
    if sentences and sentences[-1].rstrip("\"'“”‘’ ").endswith("?"):
        return True
    return any(_opens_as_question(s) for s in sentences)


def only_asks(text: str) -> bool:
    """Whether every sentence of ``text`` is a question and none is rhetorical ("Did you know ...").

    A post that states something and asks a rhetorical question on the way ("Cold weather will
    kill coronavirus. No wait. ... Did you also fall for it?") states: only texts that do nothing
    but ask are set aside."""
    sentences = _sentences(text)
    if not sentences:
        return False
    for s in sentences:
        asks = s.rstrip("\"'“”‘’ ").endswith("?") or _opens_as_question(s)
        if not asks or normalise(s).startswith(_RHETORICAL):
            return False
    return True
