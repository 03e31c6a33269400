"""Leaky artefacts: wire bylines and datelines, share buttons, newsletter and cookie boilerplate.

In the public corpora these strings say *who published* a text, not whether it is true
("(Reuters)" sits on almost every real article of ISOT; "featured image via" on fake ones).
A model that sees them learns "is it Reuters?".  So they are removed from the model's input,
but kept as facts for the report, with their offsets in the user's text.

All patterns run on the normalised token stream (see :mod:`newscred.text.normalise`), so they
work identically on raw and on lower-cased, punctuation-stripped text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from .normalise import Token

# Wire agencies as they survive normalisation.  Short forms ("ap") are only trusted in a
# dateline or credit context; the long ones anywhere.
WIRE_AGENCIES: dict[str, str] = {
    "associated press": "AP",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "agence france presse": "AFP",
    "afp": "AFP",
    "united press international": "UPI",
    "upi": "UPI",
    "xinhua": "Xinhua",
    "bloomberg news": "Bloomberg",
    "deutsche presse agentur": "dpa",
    "press trust of india": "PTI",
    "canadian press": "Canadian Press",
    "ap": "AP",
    # short forms the dateline pattern accepts ("berlin dpa"); without them a normalised dpa or PTI
    # dateline was removed from the model's input but credited to no agency
    "dpa": "dpa",
    "pti": "PTI",
}

_AGENCY_SHORT = r"(?:ap|reuters|afp|upi|xinhua|dpa|pti)"
_AGENCY_LONG = r"(?:the associated press|associated press|thomson reuters|reuters|agence france presse|united press international|xinhua)"

# (kind, pattern).  Patterns are matched on " ".join(tokens); each must start and end on a
# token boundary (they are wrapped in \b below).
_PATTERNS: list[tuple[str, str, str]] = [
    # (kind, pattern, trigger words: the regex only runs when one of them is in the text)
    # "BOGOTA, Colombia (AP) —" -> "bogota colombia ap"; up to three place words before the
    # agency, only near the start of the text (datelines open a story).
    ("dateline", r"(?:[a-z]+ ){1,3}" + _AGENCY_SHORT, "ap reuters afp upi xinhua dpa pti"),
    ("byline", r"(?:additional )?(?:reporting|writing) by (?:[a-z]+ ){1,12}?(?:editing|edited) by [a-z]+(?: [a-z]+)?", "editing edited"),
    ("byline", r"(?:additional )?reporting by (?:[a-z]+ ){1,3}[a-z]+ in [a-z]+", "reporting"),
    ("byline", r"by [a-z]+ [a-z]+ (?:the )?associated press", "associated"),
    ("byline", r"by reuters staff", "reuters"),
    ("wire_credit", r"copyright \d{4} (?:the )?associated press(?: all rights reserved)?", "copyright"),
    ("wire_credit", r"this material may not be published broadcast rewritten or redistributed", "redistributed"),
    ("wire_credit", r"(?:ap|reuters|afp|getty images) (?:file )?photo(?: [a-z]+ [a-z]+)?", "photo"),
    ("wire_mention", _AGENCY_LONG, "associated reuters agence united xinhua"),
    ("image_credit", r"featured image (?:via|by|credit|source)(?: NAME){0,3}", "featured"),
    ("image_credit", r"(?:image|photo|picture) (?:credit|source|via)(?: NAME){0,3}", "credit source via"),
    ("image_credit", r"getty images", "getty"),
    ("site_tag", r"21st century wire(?: says)?|21wire", "21st 21wire"),
    ("share", r"\d+ shares?(?: share this(?: story| article)?)?", "share shares"),
    ("share", r"share (?:this|on) (?:story|article|post|facebook|twitter)", "share"),
    ("share", r"(?:click|tap) (?:here|to share)(?: to [a-z]+)?", "click tap"),
    ("newsletter", r"(?:sign up|subscribe) (?:for|to) (?:our|the)(?: [a-z]+){0,4} newsletters?", "newsletter newsletters"),
    ("newsletter", r"get (?:the latest|our)(?: [a-z]+){0,6} (?:delivered|in your inbox)(?: [a-z]+){0,4}", "delivered inbox"),
    ("cookie", r"(?:this|our) (?:web ?site|site) uses cookies(?: [a-z]+){0,12}", "cookies"),
    ("cookie", r"we use cookies(?: [a-z]+){0,12}", "cookies"),
    ("cookie", r"by continuing to (?:use|browse) (?:this|our|the) (?:web ?site|site)(?: [a-z]+){0,6}", "continuing"),
    ("boilerplate", r"all rights reserved|continue reading|read more|advertisement|follow us on (?:twitter|facebook|instagram)", "reserved continue read advertisement follow"),
]
# Credit lines end at the first ordinary function word ("featured image via getty images | the mayor...").
_NAME_WORD = r"(?!(?:the|a|an|and|in|on|of|to|is|was|for|as|at|by|with|from|this|that|it|he|she|they|we|i)\b)[a-z]+"

_COMPILED = [
    (kind, re.compile(r"\b(?:" + pattern.replace("NAME", _NAME_WORD) + r")\b"), frozenset(triggers.split()))
    for kind, pattern, triggers in _PATTERNS
]

# Datelines only count inside the opening of the text (after an optional headline).
_DATELINE_WINDOW_TOKENS = 80


@dataclass(frozen=True)
class Artefact:
    """A detected artefact: its kind, the normalised text, and where it sits in the input."""

    kind: str
    text: str
    start: int
    end: int
    first_token: int
    last_token: int  # exclusive
    agency: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}
        if self.agency:
            out["agency"] = self.agency
        return out


def _agency_of(text: str) -> str | None:
    for name in sorted(WIRE_AGENCIES, key=len, reverse=True):
        if re.search(r"\b" + name + r"\b", text):
            return WIRE_AGENCIES[name]
    return None


def find_artefacts(tokens: list[Token]) -> list[Artefact]:
    """Every artefact in the token stream, non-overlapping, in order of position."""
    if not tokens:
        return []
    words = [t[0] for t in tokens]
    joined = " ".join(words)
    # char position in ``joined`` where each token starts, for mapping matches to tokens
    starts = list(accumulate(map((1).__add__, map(len, words[:-1])), initial=0))  # word + one space
    found: list[Artefact] = []
    taken = bytearray(len(tokens))
    present = set(words)
    for kind, regex, triggers in _COMPILED:
        if present.isdisjoint(triggers):
            continue
        for match in regex.finditer(joined):
            first = bisect.bisect_right(starts, match.start()) - 1
            last = bisect.bisect_right(starts, match.end() - 1)
            if kind == "dateline":
                if first > _DATELINE_WINDOW_TOKENS:
                    continue
                # Keep at most two place words before the agency ("bogota colombia ap").
                first = max(first, last - 3)
            if any(taken[first:last]):
                continue
            for i in range(first, last):
                taken[i] = 1
            text = " ".join(t.text for t in tokens[first:last])
            agency = _agency_of(text) if kind in ("dateline", "byline", "wire_credit", "wire_mention") else None
            found.append(
                Artefact(kind, text, tokens[first].start, tokens[last - 1].end, first, last, agency)
            )
    found.sort(key=lambda a: a.first_token)
    return found


#: What is left of a web address or e-mail after normalisation ("www novagen example com"): link
#: syntax, never prose.  The model used to read it, and "com" became its heaviest unreliable term,
#: because junk sites print their own addresses: who published, not what was said.
LINK_SYNTAX: frozenset[str] = frozenset({"com", "www", "http", "https", "html", "htm"})


def strip_artefacts(tokens: list[Token], artefacts: list[Artefact], *, drop_links: bool = True) -> list[Token]:
    """The tokens the model may see: everything but the artefacts (and, with ``drop_links``, the
    :data:`LINK_SYNTAX` words; models saved before that switch read them)."""
    if not artefacts and not drop_links:
        return tokens
    drop = bytearray(len(tokens))
    for artefact in artefacts:
        for i in range(artefact.first_token, artefact.last_token):
            drop[i] = 1
    if drop_links:
        return [token for token, dropped in zip(tokens, drop) if not dropped and token.text not in LINK_SYNTAX]
    return [token for token, dropped in zip(tokens, drop) if not dropped]
