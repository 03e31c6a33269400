"""Where a text comes from: wire credits, injected blocks, truncation and sourcing.

:func:`analyze_provenance` reads one article (raw, or lower-cased with its punctuation stripped)
and reports facts about its *provenance*, each located by character offsets in the caller's text:

* ``wire`` / ``wire_origin``: wire agencies credited in datelines, bylines, credit lines and
  mentions (reusing :func:`newscred.text.artefacts.find_artefacts`), and the agency the story most
  likely comes from (dateline > byline > credit line > repeated mentions).
* ``injected_blocks``: runs of unrelated headlines ("top stories ...", "related ...") or promotional
  blocks that a republishing site put *inside* the article.  A two-state hidden Markov model reads
  the token stream: every token carries the log-likelihood ratio "headline block vs article prose"
  of what it is (a function word that headlines drop, such as "the" or "said"; a content word that
  does or does not occur anywhere else in the article: the lexical-cohesion drop; a trigger
  phrase), and, on raw text only, of its shape (capitalised mid-sentence, a line that ends without
  punctuation).  The Viterbi path marks the blocks; each is scored by its summed log-likelihood ratio.
* ``truncated_start`` / ``truncated_end``: the text starts or stops mid-word or mid-sentence,
  with the first/last token as evidence.
* ``sourcing``: named attributions (said/told/according to with a name, he/she, or a body on the
  record such as "the Civil Protection Agency"), those to a title only ("an official said"), and
  anonymous ones ("spoke on the condition of anonymity", "a person familiar with", "sources said",
  "who was not authorized to ..."), each with offsets, and a one-line profile.  The source is the
  verb's subject ("Smith, a former judge, said"; "a law enforcement official told") or, failing
  one, what follows the verb ("said Dr. Elaine Park").  Without capitals a word is a name only with
  evidence (a known first name or a title before it, or a word news writes capitalised wherever it
  stands: data/capitalised_words.txt), so precision comes before recall there.

Everything runs on the normalised token stream of :func:`newscred.text.normalise.tokenize`, so a
raw article and its pre-normalised copy give (nearly) the same answers; raw text only adds the
shape evidence.  No model file is needed beyond the bundled lexicon (for truncation) and the
capitalised-word list (for names in normalised text).
"""

from __future__ import annotations

import bisect
import json
import math
import re
import threading
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from itertools import compress
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np

from ..text.artefacts import LINK_SYNTAX, Artefact, find_artefacts
from ..text.normalise import TOKEN_END, TOKEN_START, Token, looks_normalised, tokenize

__all__ = [
    "Attribution",
    "InjectedBlock",
    "Provenance",
    "Sourcing",
    "TruncationEvidence",
    "WireCredit",
    "analyze_provenance",
    "find_injected_blocks",
    "find_sourcing",
    "find_wire",
]

# ----------------------------------------------------------------------------------------------
# Result types
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WireCredit:
    """A wire agency named in the text: how (``kind``) and where."""

    agency: str
    kind: str  # dateline | byline | credit | mention
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class InjectedBlock:
    """A run of unrelated headlines or a promotional block inside the article."""

    start: int
    end: int
    text: str  # the block as it reads in the input, cut to ~200 characters
    kind: str  # headline_run | promo
    score: float  # 0-1, how sure the detector is
    reason: str
    llr: float = 0.0  # summed log-likelihood ratio "block vs article prose" (headline runs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TruncationEvidence:
    """Whether one end of the text is cut, and the token that says so."""

    truncated: bool
    token: str | None
    start: int | None
    end: int | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Attribution:
    """One attribution: ``kind`` is ``named`` (a person's name, or he/she, near the verb), ``role``
    (a title or body with no name: "an official said", "according to a senior administration
    official") or ``anonymous`` (granted anonymity, "a person familiar with", "sources said")."""

    kind: str
    text: str
    start: int
    end: int
    cue: str  # the phrase that made it: "said", "condition of anonymity", "person familiar with" ...
    source: str | None = None  # the name or title found near the verb

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sourcing:
    """Who the text's claims are attributed to.  A fact-checker reads three kinds differently: a
    named person can be called back, a title alone ("an official said") cannot be checked but is
    on the record, and anonymous sourcing is neither."""

    named: tuple[Attribution, ...] = ()
    anonymous: tuple[Attribution, ...] = ()
    profile: str = ""
    by_role: tuple[Attribution, ...] = ()

    @property
    def named_count(self) -> int:
        return len(self.named)

    @property
    def anonymous_count(self) -> int:
        return len(self.anonymous)

    @property
    def by_role_count(self) -> int:
        return len(self.by_role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "named_count": self.named_count,
            "by_role_count": self.by_role_count,
            "anonymous_count": self.anonymous_count,
            "profile": self.profile,
            "named": [a.to_dict() for a in self.named],
            "by_role": [a.to_dict() for a in self.by_role],
            "anonymous": [a.to_dict() for a in self.anonymous],
        }


@dataclass(frozen=True)
class PressRelease:
    """A mark of a press release: the organisation's own words, sent out through a distributor."""

    distributor: str | None  # "PR Newswire", "Business Wire", ... or None for a bare "for immediate release"
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"distributor": self.distributor, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Provenance:
    """Provenance facts of one text (see the module docstring); ``to_dict()`` is its JSON."""

    wire: tuple[WireCredit, ...]
    wire_origin: str | None
    injected_blocks: tuple[InjectedBlock, ...]
    truncated_start: bool
    truncated_end: bool
    truncation: dict[str, TruncationEvidence]
    sourcing: Sourcing
    normalised_input: bool = False
    press_release: PressRelease | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "wire": [w.to_dict() for w in self.wire],
            "wire_origin": self.wire_origin,
            "press_release": None if self.press_release is None else self.press_release.to_dict(),
            "injected_blocks": [b.to_dict() for b in self.injected_blocks],
            "truncated_start": self.truncated_start,
            "truncated_end": self.truncated_end,
            "truncation": {side: ev.to_dict() for side, ev in self.truncation.items()},
            "sourcing": self.sourcing.to_dict(),
            "normalised_input": self.normalised_input,
        }


# ----------------------------------------------------------------------------------------------
# Helpers on the token stream
# ----------------------------------------------------------------------------------------------


# The words a pattern cannot match without: alternatives, each a tuple of word sets that all need
# one of their words in the text.  Running a pattern of many alternatives over every position of
# an article costs more than looking its words up, and most articles have none of them.
_Guard = tuple[tuple[frozenset[str], ...], ...]


def _guard(*alternatives: str) -> _Guard:
    """``_guard("a b", "c & d e")``: "a" or "b" present, or "c" with "d" or "e"."""
    return tuple(tuple(frozenset(part.split()) for part in alt.split("&")) for alt in alternatives)


# the code points of the last text asked for (every detector of one analysis reads the same text);
# one tuple, read once, so a thread never pairs one text with another's points
_last_points: tuple[str, np.ndarray] | None = None


def _code_points(text: str) -> np.ndarray:
    """``text`` as an array of code points, one per character (lone surrogates kept)."""
    global _last_points
    last = _last_points
    if last is not None and last[0] is text:
        return last[1]
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    _last_points = (text, points)
    return points


def _is_upper_at(points: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``text[i].isupper()`` for each position, read off the code points (non-ASCII by str.isupper)."""
    at = points[positions]
    upper = (at >= 65) & (at <= 90)
    for k in np.flatnonzero(at >= 128).tolist():
        upper[k] = chr(int(at[k])).isupper()
    return upper


class _Stream:
    """The joined normalised text and token positions, for regex matching on tokens."""

    _last: "tuple[Sequence[Token], _Stream] | None" = None

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> "_Stream":
        """The stream of ``tokens``, reused when the same token list is asked for again (the three
        detectors of one analysis share it)."""
        last = cls._last
        if last is not None and last[0] is tokens:
            return last[1]
        stream = cls(tokens)
        cls._last = (tokens, stream)
        return stream

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.words = [t.text for t in tokens]
        self.joined = " ".join(self.words)
        self.starts: list[int] = []
        pos = 0
        for w in self.words:
            self.starts.append(pos)
            pos += len(w) + 1

    @cached_property
    def present(self) -> frozenset[str]:
        """The distinct words: a pattern that needs a word absent here need not be run."""
        return frozenset(self.words)

    def may_match(self, guard: "_Guard") -> bool:
        """Whether some alternative of ``guard`` (sets of words, one of each needed) is present."""
        present = self.present
        return any(all(not present.isdisjoint(words) for words in needs) for needs in guard)

    @cached_property
    def start_array(self) -> np.ndarray:
        return np.fromiter(map(TOKEN_START, self.tokens), dtype=np.int64, count=len(self.tokens))

    @cached_property
    def end_array(self) -> np.ndarray:
        return np.fromiter(map(TOKEN_END, self.tokens), dtype=np.int64, count=len(self.tokens))

    def token_span(self, match: re.Match[str]) -> tuple[int, int]:
        """Token range ``[first, last)`` of a match that starts and ends on word boundaries."""
        first = bisect.bisect_right(self.starts, match.start()) - 1
        last = bisect.bisect_right(self.starts, match.end() - 1)
        return first, last

    def finditer(self, regex: re.Pattern[str]) -> Iterable[tuple[int, int, str]]:
        for m in regex.finditer(self.joined):
            first, last = self.token_span(m)
            if last > first:
                yield first, last, m.group()


def _chars(tokens: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    return tokens[first].start, tokens[last - 1].end


# ----------------------------------------------------------------------------------------------
# Wire credits
# ----------------------------------------------------------------------------------------------

_ARTEFACT_KIND = {"dateline": "dateline", "byline": "byline", "wire_credit": "credit", "wire_mention": "mention"}
_RANK = {"dateline": 0, "byline": 1, "credit": 2, "mention": 3}

# Patterns newscred.text.artefacts does not know (agency, kind, regex on the normalised stream).
_BY_AGENCY = re.compile(r"\bby the associated press\b")
_EXTRA_WIRE: list[tuple[str, str, re.Pattern[str]]] = [
    ("AP", "byline", re.compile(r"\b(?:the )?associated press writers? (?:[a-z]+ ){1,6}?contributed\b")),
    # AP's own closing line names its reporters: "AP reporters Mary Clare Jalonick, Zeke Miller and
    # Elana Schor contributed to this report"; a list of names that otherwise reads as headlines
    ("AP", "byline", re.compile(r"\bap (?:reporters?|writers?|correspondents?|staff) (?:[a-z]+ ){1,12}?contributed\b")),
    ("AP", "byline", _BY_AGENCY),
    ("AP", "credit", re.compile(r"\b(?:the )?associated press contributed to this (?:report|story)\b")),
    ("Reuters", "credit", re.compile(r"\b(?:additional )?reporting by (?:[a-z]+ ){1,12}?(?:editing|edited) by\b")),
    ("Reuters", "credit", re.compile(r"\breuters contributed to this (?:report|story)\b")),
    ("AFP", "credit", re.compile(r"\b(?:agence france presse|afp) contributed to this (?:report|story)\b")),
    ("Bloomberg", "credit", re.compile(r"\bto contact the (?:reporters?|editors?) (?:on|responsible for) this story\b")),
    ("Bloomberg", "credit", re.compile(r"\b(?:copyright )?\d{4} bloomberg l p\b")),
    ("Bloomberg", "mention", re.compile(r"\bbloomberg news\b")),
    ("UPI", "credit", re.compile(r"\bcopyright \d{4} (?:by )?united press international\b")),
    ("Xinhua", "credit", re.compile(r"\bsource xinhua\b")),
    ("AP", "credit", re.compile(r"\bap (?:file )?photos?\b")),
    ("Reuters", "credit", re.compile(r"\breuters (?:file )?photos?\b")),
    ("AFP", "credit", re.compile(r"\bafp (?:file )?photos?\b")),
]
# "(Bloomberg) --" datelines are only trusted with their parentheses (raw text): in normalised text
# "bloomberg" is just as likely Michael Bloomberg.
_RAW_DATELINE = re.compile(r"\((AP|Reuters|AFP|UPI|Bloomberg|Xinhua|dpa)\)\s*[-\u2013\u2014]")
_RAW_PLACE = re.compile(r"[A-Z][A-Z .'\-]+(?:,[ A-Za-z.'\-]+)?(?:,? [A-Z][a-z]+\.? \d{1,2})?")
_RAW_AGENCY = {"AP": "AP", "Reuters": "Reuters", "AFP": "AFP", "UPI": "UPI", "Bloomberg": "Bloomberg",
               "Xinhua": "Xinhua", "dpa": "dpa"}
_PHOTO = re.compile(r"\bphoto\b")
_NOT_AFTER_DATELINE = frozenset({"photo", "photos", "file", "images", "image", "video", "graphic", "illustration",
                                 "reported", "reports", "reporting", "said", "says", "via", "landov", "newscom",
                                 "pool", "rex", "shutterstock", "and", "or", "news", "poll", "report", "story",
                                 "interview", "that", "which", "on", "in", "s", "file"})
_NOT_BEFORE_DATELINE = frozenset({"via", "credit", "photo", "photos", "image", "images", "courtesy", "getty", "told",
                                  "to", "by", "with", "from", "and", "zoom", "pool", "caption"})
# Common first names: "carlo allegri reuters" is a photo credit, "bogota colombia ap" a dateline.
# (Names that are also dateline cities, such as Jackson, Austin or Charlotte, are left out.)
_FIRST_NAMES = frozenset(
    "aaron adam adrian alan albert alex alexander alexandra alfred ali alice alison allison amanda amber amy ana "
    "andre andrea andreas andrew andy angela angelo ann anna anne anthony antonio ariel arthur ashley barbara ben "
    "benjamin beth betty bill billy bob bobby brad bradley brandon brendan brent brett brian bruce bryan caitlin "
    "carl carlo carlos carol caroline carolyn catherine charles charlie chip chris christian christina christine "
    "christopher chuck cindy claire craig dan daniel danny dave david dean deborah debra denis dennis diana diane "
    "don donald donna doug douglas drew dylan ed eddie edward elaine elizabeth ellen emily emma eric erik erin "
    "ethan evan evelyn frank fred gabriel gary george gerald gina glenn grace greg gregory hannah harold harry "
    "heather helen henry ian isaac jack jacob jacqueline james jamie jane janet jason jay jean jeff jeffrey jenna "
    "jennifer jeremy jerry jessica jim jimmy joan joe joel john johnny jon jonathan jose joseph josh joshua joyce "
    "juan judith judy julia julie justin karen kate katherine kathleen kathryn katie keith kelly ken kenneth kevin "
    "kim kimberly kristen kurt kyle larry laura lauren lee leo linda lisa logan lori louis lucas luis luke lynn "
    "marc marcus margaret maria marie mario mark martha martin mary matt matthew megan melissa michael michelle "
    "mike mitch molly nancy natalie nathan neil nicholas nick nicole noah oliver olivia pam pamela pat patricia "
    "patrick paul peter phil philip rachel ralph randy ray raymond rebecca richard rick rob robert robin roger "
    "ron ronald rose russell ruth ryan sam samantha samuel sandra sara sarah scott sean seth sharon shawn steve "
    "steven stephanie stephen sue susan tara ted teresa terry thomas tim timothy tina todd tom tony tracy travis "
    "victor vincent virginia walter wayne wendy william willie zach zachary".split()
)
# in normalised text a dateline sits within the opening (a headline of up to ~35 words, then the place)
_DATELINE_MAX_TOKEN = 40
# mentions alone ("Reuters reported ...", a caption's "Reuters") make an origin only when repeated this often
_MENTION_MIN = 3
_MENTION_GAP = 120  # characters between two mentions that count separately


def plausible_dateline(text: str, tokens: Sequence[Token], a: Artefact, raw: bool) -> bool:
    """Is an artefact dateline ("bogota colombia ap") really the opening of a wire story?

    Raw text shows it by its parentheses: "BOGOTA, Colombia (AP) --".  Normalised text has only
    words: the agency must come early, and not beside words of photo credits and citations.
    """
    agency_tok = tokens[a.last_token - 1]
    if raw:
        before = text[max(0, agency_tok.start - 2) : agency_tok.start]
        after = text[agency_tok.end : agency_tok.end + 2]
        return before.endswith("(") and after.startswith(")")
    if a.first_token > _DATELINE_MAX_TOKEN:
        return False
    nxt = tokens[a.last_token].text if a.last_token < len(tokens) else ""
    prev = {t.text for t in tokens[max(0, a.first_token - 1) : a.last_token - 1]}
    if a.last_token - a.first_token >= 3 and tokens[a.first_token].text in _FIRST_NAMES:
        return False  # "evan vucci ap": a photographer's credit, not a place
    return nxt not in _NOT_AFTER_DATELINE and prev.isdisjoint(_NOT_BEFORE_DATELINE)


def _byline_position(tokens: Sequence[Token], first: int, last: int) -> bool:
    """"By The Associated Press" as a byline (opening or closing the story), not "obtained by the AP"."""
    if 40 <= first and last <= len(tokens) - 30:
        return False
    prev = tokens[first - 1].text if first > 0 else ""
    return not (prev.endswith("ed") or prev.endswith("en") or prev in ("made", "written", "told", "said", "shown"))


# One trigger set per _EXTRA_WIRE pattern: the regex runs only when one of its words is present.
_EXTRA_WIRE_TRIGGERS = [frozenset(w.split()) for w in (
    "associated", "contributed", "associated", "associated", "editing edited", "reuters", "afp agence", "contact",
    "bloomberg", "bloomberg", "united", "xinhua", "ap", "reuters", "afp",
)]


def find_wire(text: str, tokens: Sequence[Token], artefacts: Sequence[Artefact] | None = None,
              *, normalised: bool | None = None) -> tuple[list[WireCredit], str | None]:
    """Wire credits in ``text`` and the most likely wire origin (or ``None``)."""
    if artefacts is None:
        artefacts = find_artefacts(list(tokens))
    raw = not (looks_normalised(text) if normalised is None else normalised)
    credits: list[WireCredit] = []
    for a in artefacts:
        kind = _ARTEFACT_KIND.get(a.kind)
        if kind is None:
            continue
        agency = a.agency
        if agency is None and a.kind == "byline" and re.search(r"\b(?:editing|edited) by\b", a.text):
            agency = "Reuters"  # "Reporting by ...; Editing by ..." is Reuters house style
        if agency is None:
            continue
        if kind == "dateline" and not plausible_dateline(text, tokens, a, raw):
            # "Photo: Jane Doe/AP", "officials told Reuters": not a dateline, the name is a mention
            t = tokens[a.last_token - 1]
            credits.append(WireCredit(agency, "mention", t.text, t.start, t.end))
            continue
        credits.append(WireCredit(agency, kind, a.text, a.start, a.end))
    stream = _Stream.of(tokens)
    present = stream.present
    for (agency, kind, regex), triggers in zip(_EXTRA_WIRE, _EXTRA_WIRE_TRIGGERS):
        if present.isdisjoint(triggers):
            continue
        for first, last, _ in stream.finditer(regex):
            start, end = _chars(tokens, first, last)
            clash = [c for c in credits if c.start < end and start < c.end]
            if any(c.kind != "mention" for c in clash):
                continue
            # "the associated press contributed to this report" says more than the bare mention
            if regex is _BY_AGENCY and not _byline_position(tokens, first, last):
                continue
            credits = [c for c in credits if c not in clash]
            credits.append(WireCredit(agency, kind, " ".join(stream.words[first:last]), start, end))
    if raw:
        for m in _RAW_DATELINE.finditer(text):
            start, end = m.start(1), m.end(1)
            line_start = text.rfind("\n", 0, m.start()) + 1
            # in the opening, or opening a line ("WASHINGTON (AP) --" after a site's own preamble)
            if m.start() > 1500 and not _RAW_PLACE.fullmatch(text[line_start : m.start()].strip()):
                continue
            if any(c.start <= start and end <= c.end and c.kind == "dateline" for c in credits):
                continue
            credits = [c for c in credits if not (c.start < end and start < c.end)]
            begin = max(line_start, m.start() - 60)
            credits.append(WireCredit(_RAW_AGENCY[m.group(1)], "dateline", text[begin : end + 1].strip(), begin, end + 1))
    credits.sort(key=lambda c: c.start)
    return credits, _origin(credits, text, raw)


def _caption_like(text: str, c: WireCredit) -> bool:
    """A raw-text mention that is a photo credit ("Kevin Lamarque/Reuters", a caption ending "Reuters")."""
    before = text[max(0, c.start - 3) : c.start]
    after = text[c.end : c.end + 3]
    if "/" in before or "/" in after or "|" in before or "|" in after:
        return True
    # a bare agency name closing a line or a parenthesis: the credit under a picture
    return re.match(r"[ \t]*(?:\)|\r|\n|$)", text[c.end : c.end + 40]) is not None


def _origin(credits: Sequence[WireCredit], text: str = "", raw: bool = False) -> str | None:
    best: tuple[int, int, str] | None = None
    mentions: dict[str, int] = {}
    last_mention: dict[str, int] = {}
    for c in credits:
        if c.kind == "mention":
            if raw and _caption_like(text, c):
                continue
            # mentions close together ("Reuters Politics Reuters World", a photo gallery) count once
            if c.start - last_mention.get(c.agency, -10_000) >= _MENTION_GAP:
                mentions[c.agency] = mentions.get(c.agency, 0) + 1
            last_mention[c.agency] = c.start
            continue
        if c.kind == "credit" and _PHOTO.search(c.text):
            continue  # a photo credit says whose picture it is, not whose story
        if c.kind == "credit" and "contributed" in c.text:
            # "The Associated Press contributed to this report": the outlet's own story, with wire help
            mentions[c.agency] = mentions.get(c.agency, 0) + 1
            continue
        key = (_RANK[c.kind], c.start, c.agency)
        if best is None or key < best:
            best = key
    if best is not None:
        return best[2]
    repeated = [(n, agency) for agency, n in mentions.items() if n >= _MENTION_MIN]
    if repeated:
        repeated.sort(key=lambda x: (-x[0], x[1]))
        if len(repeated) == 1 or repeated[0][0] > repeated[1][0]:
            return repeated[0][1]
    return None


# ----------------------------------------------------------------------------------------------
# Injected blocks
# ----------------------------------------------------------------------------------------------

# log P(word | headline block) / P(word | article prose) for function words, measured on the
# titles and texts of two corpora that the benchmark does not inject into (FakeNewsNet crawl,
# Perez-Rosas celebrity), smoothed and clipped.  Every other word is a content word or a number.
_FUNCTION_LLR: dict[str, float] = {
    "also": -2.5, "whom": -2.0, "which": -2.5, "any": -2.0, "some": -2.0, "told": -2.4, "many": -2.0,
    "said": -2.1, "few": -1.8, "that": -2.0, "there": -1.9, "such": -1.8, "our": -1.8, "i": -1.8,
    "within": -1.5, "were": -1.8, "both": -1.6, "we": -1.7, "but": -1.7, "or": -1.5, "ve": -1.5,
    "you": -1.5, "been": -1.5, "do": -1.4, "so": -1.4, "d": -1.3, "where": -1.3, "when": -1.3,
    "these": -1.3, "them": -1.3, "through": -1.2, "me": -1.3, "would": -1.3, "was": -1.3,
    "only": -1.2, "same": -1.2, "it": -1.2, "this": -1.2, "whose": -1.0, "very": -1.2, "re": -1.1,
    "m": -1.1, "its": -1.1, "much": -1.1, "those": -1.1, "my": -1.1, "they": -1.1, "have": -1.1,
    "am": -1.0, "an": -1.0, "had": -1.0, "among": -0.9, "the": -0.95, "who": -0.9, "yet": -0.8,
    "one": -0.8, "two": -0.8, "other": -0.8, "should": -0.8, "upon": -0.7, "between": -0.7,
    "most": -0.7, "be": -0.7, "ll": -0.6, "a": -0.6, "as": -0.6, "just": -0.6, "your": -0.6,
    "of": -0.6, "each": -0.5, "under": -0.5, "can": -0.5, "in": -0.5, "he": -0.5, "than": -0.5,
    "into": -0.5, "has": -0.5, "every": -0.5, "us": -0.5, "what": -0.45, "no": -0.45, "all": -0.45,
    "more": -0.4, "she": -0.4, "must": -0.4, "own": -0.4, "may": -0.35, "being": -0.35,
    "their": -0.35, "without": -0.3, "his": -0.3, "and": -0.3, "t": -0.3, "to": -0.28, "by": -0.27,
    "could": -0.2, "him": -0.2, "will": -0.15, "at": -0.1, "are": -0.1, "not": -0.1, "for": 0.0,
    "during": 0.0, "her": 0.0, "here": 0.0, "before": 0.0, "is": 0.0, "on": 0.0, "from": 0.0,
    "might": 0.0, "against": 0.0, "does": 0.1, "about": 0.2, "how": 0.3, "with": 0.3, "did": 0.4,
    "s": 0.4, "after": 0.8, "over": 0.9, "says": 1.0, "why": 1.0,
    # reporting and narration words that headlines rarely use
    "according": -2.0, "however": -2.0, "because": -1.5, "although": -2.0, "while": -1.0,
    "if": -0.8, "then": -1.0, "now": -0.3, "even": -0.5, "still": -0.5, "added": -2.0,
    "explained": -1.8, "noted": -1.8, "reported": -1.0, "stated": -1.5,
}
_NUMBER_LLR = -0.9
# content words: P(content | headline) / P(content | prose) = 0.71 / 0.52
_CONTENT_LLR = math.log(0.71 / 0.52)
# P(a content word of an injected headline does not occur elsewhere in the article)
_Q_UNSHARED = 0.88
# a content word counts as "shared" when its stem occurs this many tokens away or more
_SHARE_DISTANCE = 25
# raw-text shape: P(capitalised | block) for content words of 4+ letters that do not open a sentence
_P_CAP_BLOCK = 0.6
_P_TERMINAL_BLOCK = 0.012  # a block token followed by . ! ?
_P_BREAK_BLOCK = 0.05  # a block token followed by a line break without punctuation
_P_COMMA_BLOCK = 0.02  # a block token followed by a comma (headlines have few; lists of names many)
_P_FCAP_BLOCK = 0.03  # a capitalised function word mid-sentence ("Talks To The Press")
# HMM transitions: a block starts about once in 2000 tokens and lasts about 40 tokens
_LOG_ENTER = math.log(1 / 2000)
_LOG_STAY_P = math.log(1 - 1 / 2000)
_LOG_LEAVE = math.log(1 / 40)
_LOG_STAY_B = math.log(1 - 1 / 40)
# a decoded block is reported when its summed LLR reaches the threshold (score ~0.73 there)
# (raw text carries more evidence per token, and its false alarms are lists of names and captions)
_LLR_MIN = {"raw": 16.0, "normalised": 11.0}
_LLR_SCALE = 3.0
_MIN_BLOCK_TOKENS = 6
# mean LLR per token below which a stretch reads as prose (injected headlines score ~0.5-1.5 a token)
_PROSE_LLR_PER_TOKEN = 0.3

# Trigger phrases that head injected runs: (regex on normalised tokens, LLR added to its tokens)
_TRIGGERS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\b(?:top|latest|more|popular|featured|related|recommended|trending|sponsored|promoted|breaking) (?:stories|articles|posts|news|headlines|reads|videos|links|coverage|content)\b"), 9.0),
    (re.compile(r"\byou (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)\b"), 9.0),
    (re.compile(r"\b(?:most (?:popular|read|viewed|shared|emailed)|trending now|popular now|editor s picks|editors picks|also read|read also|see also|more from|recommended for you|don t miss|in case you missed it|more on this)\b"), 7.0),
    (re.compile(r"\b(?:related|recommended|trending|sponsored|advertisement|read more|more news|watch)\b"), 2.5),
]
# the words each trigger needs (tests/test_provenance.py checks them against the patterns)
_TRIGGER_GUARDS: list[_Guard] = [
    _guard("top latest more popular featured related recommended trending sponsored promoted breaking & "
           "stories articles posts news headlines reads videos links coverage content"),
    _guard("you & may might will & like enjoy interested"),
    _guard("popular read viewed shared emailed trending picks see recommended miss missed", "more & from this"),
    _guard("related recommended trending sponsored advertisement read watch", "more & news"),
]
# "more coverage", "more stories" compare inside a sentence ("devoted 13 times more coverage to ...",
# "far more news than") when a quantity comes before or a complement after; a heading has neither
_COMPARATIVE_BEFORE = frozenset("times much far even no any many lot little get gets got getting give gives gave "
                                "giving receive receives received need needs needed want wants wanted devoted "
                                "deserve deserves deserved".split())
_COMPARATIVE_AFTER = frozenset("than to of for about on".split())

# One-line promos that a site puts between two paragraphs (raw text only: the line is the unit): a
# heading and the linked headline on one line ("RELATED: ...", "Read more: ...", "Related Coverage
# Mine blast kills ...", "Also on rt.com Bars & restaurants ..."), or a gallery caption ("Image zoom
# Brad Pitt ... Kevin Mazur/WireImage").  Bare "related" or "more" needs its colon: "Related to the
# case, ..." and "MORE THAN 100 ..." are prose.
_RAW_TRIGGER = re.compile(
    r"(?m)^[ \t]*(?P<head>"
    r"(?i:related|read more|read also|also read|see also|more|trending(?: now)?|recommended|watch|don'?t miss|must read)"
    r"[ \t]*[:|\u2013\u2014]"
    r"|(?i:related (?:coverage|stories|articles|content|news|posts|links|videos?|reading)|read more|see also|also read"
    r"|also on [\w-]+(?:\.[\w-]+)+|image zoom)(?=[ \t]+[\"'\u2018\u201c(A-Z0-9])"
    r")[ \t]*(?P<rest>[^\n]*)"
)
_PROMO_LINE_MIN_WORDS = 3  # a heading alone ("RELATED:") heads a run of headlines: the HMM's job
_PROMO_LINE_MAX_WORDS = 45
# A teaser for another story, alone on its line and ending in a question: "The coronavirus travel
# crisis shuttered these three US airlines. Will more go under as well?"
_TEASER_LINE = re.compile(
    r"(?m)^[ \t]*(?=[^\n]*\S[ \t]+these (?:\d+|two|three|four|five|six|seven|eight|nine|ten|\w+est)\b"
    r"|[^\n]*\b(?i:what you need to know))"
    r"[^\n]{10,240}\?[\"'\u201d\u2019]?[ \t]*$"
)
# Where a teaser can end: lines ending in a question mark are few, and trying _TEASER_LINE's
# look-ahead at every line start cost more than the rest of the promo scan.
_QUESTION_LINE_END = re.compile(r"\?[\"'\u201d\u2019]?[ \t]*$", re.M)

# Promotional blocks (newsletters, subscriptions, donation and app appeals, ads)
_PROMO = re.compile(
    r"\b(?:(?:sign up|subscribe) (?:for|to|now)(?: [a-z]+){0,6}|subscribe (?:today|now)|"
    r"(?:get|receive) (?:our|the)(?: [a-z]+){0,3} newsletters?(?: [a-z]+){0,6}|"
    r"(?:click|tap) here (?:to|for)(?: [a-z]+){1,6}|download (?:our|the)(?: [a-z]+){0,2} app(?: [a-z]+){0,4}|"
    r"support (?:our|independent|quality) (?:journalism|reporting|work)(?: [a-z]+){0,6}|"
    r"(?:become|join) (?:a|our) (?:member|patron|subscriber|supporter)s?(?: [a-z]+){0,6}|donate (?:now|today)|"
    r"follow us on (?:twitter|facebook|instagram|telegram)(?: and (?:twitter|facebook|instagram))?|"
    r"like us on facebook|sponsored content|paid content|story continues below(?: advertisement)?|"
    r"(?:this|the) (?:article|story) continues (?:below|after (?:the )?(?:ad|advertisement))|"
    r"more (?:of the latest )?(?:news|stories|coverage)(?: [a-z0-9]+){0,10} (?:is|are) (?:available )?(?:at|on)(?: [a-z]+){1,3}|"
    r"listen to this article|we use cookies(?: [a-z]+){0,8}|(?:this|our) (?:web ?site|site) uses cookies(?: [a-z]+){0,8})\b"
)
_PROMO_GUARD = _guard("subscribe sign newsletter newsletters click tap download support become join donate follow "
                      "facebook content continues listen cookies", "more & news stories coverage")

_STEM_LEN = 7


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:_STEM_LEN]


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018([":
        i -= 1
    return i < 0 or text[i] in ".!?\n:\u2014|\u2022"


class _WordRows(NamedTuple):
    """One generation of :class:`_WordTable`: word -> row, and the rows' arrays."""

    ids: dict[str, int]
    stem_ids: dict[str, int]
    base: np.ndarray
    code: np.ndarray
    fw2: np.ndarray
    long4: np.ndarray
    stem: np.ndarray


class _WordTable:
    """What _token_llrs needs of each distinct word, as arrays indexed by a word id: its LLR when it
    is not a content word, its tag code then, whether it is a function word of 2+ letters or a
    content word of 4+ letters, and its stem's id (-1 for function words and numbers).

    Articles repeat words, so a token is a dict lookup, and the rest is array arithmetic.  Bounded:
    when full it starts a new generation, so a long batch run of odd vocabulary cannot grow it
    without end.  Thread-safe (the service analyses in threads): new words are added under a lock,
    a row once written never changes, and :meth:`lookup` returns the generation its ids index."""

    def __init__(self, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self.rows = self._new_rows()

    def _new_rows(self) -> _WordRows:
        n = self.capacity
        return _WordRows({}, {}, np.zeros(n, dtype=np.float64), np.zeros(n, dtype=np.int8), np.zeros(n, dtype=bool),
                         np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64))

    @staticmethod
    def _add(rows: _WordRows, words: list[str]) -> None:
        """Give ids to new distinct words, filling the arrays in one assignment each (rows first, ids
        last: an id a reader can see always has its row)."""
        first = len(rows.ids)
        base, code, fw2, long4, stem = [], [], [], [], []
        for word in words:
            if word in _FUNCTION_LLR or word.isdigit() or len(word) < 3:
                number = word.isdigit()
                base.append(_NUMBER_LLR if number else _FUNCTION_LLR.get(word, 0.0))
                code.append(_TAG_NUMBER if number else _TAG_FUNCTION)
                fw2.append(len(word) >= 2 and word in _FUNCTION_LLR)
                long4.append(False)
                stem.append(-1)
            else:  # a content word; whether it is shared is decided per article
                base.append(0.0)
                code.append(_TAG_SHARED)
                fw2.append(False)
                long4.append(len(word) >= 4)
                stem.append(rows.stem_ids.setdefault(_stem(word), len(rows.stem_ids)))
        span = slice(first, first + len(words))
        rows.base[span], rows.code[span], rows.fw2[span], rows.long4[span], rows.stem[span] = base, code, fw2, long4, stem
        rows.ids.update(zip(words, range(first, first + len(words))))

    def lookup(self, words: Sequence[str]) -> tuple[np.ndarray, _WordRows]:
        """(row of each word, the generation of arrays those rows index)."""
        rows = self.rows
        ids = list(map(rows.ids.get, words))
        if None in ids:
            with self._lock:
                rows = self.rows
                ids = list(map(rows.ids.get, words))
                new = list(dict.fromkeys(w for w, i in zip(words, ids) if i is None))
                if len(rows.ids) + len(new) > self.capacity:
                    rows = self.rows = self._new_rows()
                    new = list(dict.fromkeys(words))
                self._add(rows, new)
                ids = list(map(rows.ids.get, words))
        return np.array(ids, dtype=np.int64), rows


# tag codes of _token_llrs, in the order of _TAG_NAMES
_TAG_FUNCTION, _TAG_NUMBER, _TAG_SHARED, _TAG_UNSHARED, _TAG_ARTEFACT = range(5)
_TAG_NAMES = np.array(["function", "number", "shared", "unshared", "artefact"], dtype=object)
# What the gap after a token says, read off its characters as bit flags by code point (every code
# point past the table's end has none): a sentence end (. ! ?), a line break, a comma or semicolon;
# and for whether the next token opens a sentence, as _sentence_initial reads it: the look-back
# skips spaces, quotes and brackets, and the last other character must be one that ends a sentence
# or a line (. ! ? newline : em dash | bullet).
_C_TERMINAL, _C_BREAK, _C_COMMA, _C_SKIP, _C_OPENER = 1, 2, 4, 8, 16
_POINT_CLASS = np.zeros(0x2023 + 1, dtype=np.uint8)
for _chars_of, _bit in ((".!?", _C_TERMINAL), ("\n", _C_BREAK), (",;", _C_COMMA),
                        (" \t\"'\u201c\u2018([", _C_SKIP), (".!?\n:\u2014|\u2022", _C_OPENER)):
    for _c in _chars_of:
        _POINT_CLASS[ord(_c)] |= _bit
_WORDS = _WordTable()


def _token_llrs(text: str, tokens: Sequence[Token], raw: bool, neutral: bytearray,
                words: Sequence[str] | None = None) -> tuple[list[float], list[str]]:
    """Per-token LLR "inside an injected block vs article prose", and a feature tag per token.

    The hottest function of the provenance pass, so per-token work is array arithmetic: each
    token's LLR is the same sum, in the same order, as a token-by-token loop makes
    (tests/test_provenance.py compares the two on real articles).
    """
    n = len(tokens)
    if n == 0:
        return [], []
    if words is None:
        words = [t.text for t in tokens]
    wid, table = _WORDS.lookup(words)
    codes = table.code[wid]
    content = codes == _TAG_SHARED
    positions = np.flatnonzero(content)
    shared = np.zeros(n, dtype=bool)
    if len(positions):
        # first and last position of each stem; a content word is "shared" when its stem also
        # occurs at least _SHARE_DISTANCE tokens before or after it
        stems, inverse = np.unique(table.stem[wid[positions]], return_inverse=True)
        first = np.full(len(stems), n, dtype=np.int64)
        np.minimum.at(first, inverse, positions)
        last = np.full(len(stems), -1, dtype=np.int64)
        np.maximum.at(last, inverse, positions)
        shared[positions] = (first[inverse] <= positions - _SHARE_DISTANCE) | (last[inverse] >= positions + _SHARE_DISTANCE)
    n_content = len(positions)
    n_unshared = n_content - int(shared.sum())
    # the article's own rate of "content word found nowhere else", shrunk towards 0.6
    p = (n_unshared + 0.6 * 20) / (n_content + 20)
    p = min(max(p, 0.25), 0.8)
    q = max(_Q_UNSHARED, p + 0.1)
    llr_unshared = math.log(q / p)
    llr_shared = math.log((1 - q) / (1 - p))

    v = table.base[wid]
    v[content] = np.where(shared[content], _CONTENT_LLR + llr_shared, _CONTENT_LLR + llr_unshared)
    tags = codes.copy()
    tags[content & ~shared] = _TAG_UNSHARED
    if raw:
        # What follows each token (the gap to the next one, or the text's end): a sentence end, else a
        # line break, else a comma or semicolon, else other, from running counts of those characters
        # over the code points; and whether the next token opens a sentence, from the last character
        # before it that the look-back does not skip (it must lie inside the gap).
        points = _code_points(text)
        stream = _Stream.of(tokens)
        starts, ends = stream.start_array, stream.end_array
        nexts = np.append(starts[1:], len(points))

        def in_gap(bit: int) -> np.ndarray:
            running = np.concatenate(([0], np.cumsum((classes & bit) != 0, dtype=np.int64)))
            return running[nexts] - running[ends] > 0

        classes = _POINT_CLASS[np.minimum(points, len(_POINT_CLASS) - 1)]
        follow = np.where(in_gap(_C_TERMINAL), 0, np.where(in_gap(_C_BREAK), 1, np.where(in_gap(_C_COMMA), 2, 3)))
        seen = np.where(classes & _C_SKIP, -1, np.arange(len(points)))
        last_seen = np.maximum.accumulate(seen) if len(seen) else seen
        before_next = last_seen[np.maximum(starts[1:] - 1, 0)]
        opener = (before_next >= ends[:-1]) & ((classes[np.maximum(before_next, 0)] & _C_OPENER) != 0)
        initial = np.empty(n, dtype=bool)
        initial[0] = _sentence_initial(text, int(starts[0]))
        initial[1:] = opener
        # capitalised first letters, read off the code points (non-ASCII ones by str.isupper)
        upper = _is_upper_at(points, starts)
        # "The", "Of", "To" capitalised mid-sentence: Title Case, which prose never uses
        fcaps = table.fw2[wid] & ~initial & upper
        cap_seen = content & table.long4[wid] & ~initial
        n_cap, n_cap_seen, n_fcap = int((cap_seen & upper).sum()), int(cap_seen.sum()), int(fcaps.sum())
        n_term, n_brk, n_comma = np.bincount(follow, minlength=4)[:3].tolist()
        p_cap = min(max((n_cap + 0.2 * 20) / (n_cap_seen + 20), 0.05), 0.5)
        p_term = min(max((n_term + 0.045 * 50) / (n + 50), 0.02), 0.12)
        p_brk = min(max((n_brk + 0.002 * 50) / (n + 50), 0.001), 0.03)
        p_comma = min(max((n_comma + 0.05 * 50) / (n + 50), 0.02), 0.15)
        comma_llr = math.log(_P_COMMA_BLOCK / p_comma)
        p_fcap = min(max((n_fcap + 0.01 * 50) / (n + 50), 0.005), 0.1)
        fcap_llr = math.log(_P_FCAP_BLOCK / p_fcap)
        cap_llr = math.log(_P_CAP_BLOCK / p_cap)
        nocap_llr = math.log((1 - _P_CAP_BLOCK) / (1 - p_cap))
        term_llr = math.log(_P_TERMINAL_BLOCK / p_term)
        brk_llr = math.log(_P_BREAK_BLOCK / p_brk)
        other_llr = math.log((1 - _P_TERMINAL_BLOCK - _P_BREAK_BLOCK - _P_COMMA_BLOCK) / max(1 - p_term - p_brk - p_comma, 1e-6))
        # added one at a time, in the reference loop's order, so every sum rounds as it did
        v = v + np.array([term_llr, brk_llr, comma_llr, other_llr])[follow]
        v = v + np.where(fcaps, fcap_llr, 0.0)
        v = v + np.where(cap_seen, np.where(upper, cap_llr, nocap_llr), 0.0)
    off = np.frombuffer(neutral, dtype=np.uint8) != 0
    v[off] = 0.0
    tags[off] = _TAG_ARTEFACT
    return v.tolist(), _TAG_NAMES[tags].tolist()


def _best_stretch_sum(llrs: Sequence[float]) -> float:
    """The largest sum of a contiguous run of ``llrs`` (0 for none): a prefix sum minus the smallest
    prefix sum before it."""
    prefix = np.concatenate(([0.0], np.cumsum(llrs)))
    return float(np.max(prefix - np.minimum.accumulate(prefix)))


def _viterbi(llrs: Sequence[float]) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j)`` decoded as "block" by a two-state HMM over per-token LLRs."""
    n = len(llrs)
    if n == 0:
        return []
    # scores relative to the prose emission (LLR = block - prose)
    sp = 0.0  # best log score ending in prose
    sb = _LOG_ENTER + llrs[0]
    back_p = bytearray(n)  # 1 = came from block
    back_b = bytearray(n)
    for i in range(1, n):
        p_from_p = sp + _LOG_STAY_P
        p_from_b = sb + _LOG_LEAVE
        b_from_p = sp + _LOG_ENTER
        b_from_b = sb + _LOG_STAY_B
        if p_from_b > p_from_p:
            new_sp, back_p[i] = p_from_b, 1
        else:
            new_sp = p_from_p
        if b_from_b >= b_from_p:
            new_sb, back_b[i] = b_from_b + llrs[i], 1
        else:
            new_sb = b_from_p + llrs[i]
        sp, sb = new_sp, new_sb
    state = 1 if sb + _LOG_LEAVE > sp else 0
    path = bytearray(n)
    for i in range(n - 1, -1, -1):
        path[i] = state
        state = (back_b[i] if state else back_p[i]) if i > 0 else state
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if path[i]:
            j = i
            while j < n and path[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def find_injected_blocks(
    text: str,
    tokens: Sequence[Token] | None = None,
    artefacts: Sequence[Artefact] | None = None,
    *,
    normalised: bool | None = None,
    min_llr: float | None = None,
) -> list[InjectedBlock]:
    """Runs of unrelated headlines and promotional blocks inside ``text`` (see the module doc)."""
    if tokens is None:
        tokens = tokenize(text)
    if artefacts is None:
        artefacts = find_artefacts(list(tokens))
    n = len(tokens)
    if n < 30:
        return []
    raw = not (looks_normalised(text) if normalised is None else normalised)
    threshold = _LLR_MIN["raw" if raw else "normalised"]
    if min_llr is None:
        min_llr = threshold
    neutral = bytearray(n)
    for a in artefacts:
        if a.kind in _ARTEFACT_KIND:  # wire datelines/credits say nothing about blocks
            for i in range(a.first_token, a.last_token):
                neutral[i] = 1
    stream = _Stream.of(tokens)
    # the credit lines find_wire adds ("AP reporters X, Y and Z contributed") are lists of names,
    # which look like headlines; they are the story's own, as the artefacts above are
    present = stream.present
    for (_, _, regex), triggers in zip(_EXTRA_WIRE, _EXTRA_WIRE_TRIGGERS):
        if not present.isdisjoint(triggers) and regex is not _BY_AGENCY:
            for first, last, _ in stream.finditer(regex):
                neutral[first:last] = b"\x01" * (last - first)
    llrs, tags = _token_llrs(text, tokens, raw, neutral, stream.words)
    words = stream.words
    trigger_at: dict[int, tuple[int, str, float]] = {}
    for (regex, bonus), guard in zip(_TRIGGERS, _TRIGGER_GUARDS):
        if not stream.may_match(guard):
            continue
        for first, last, phrase in stream.finditer(regex):
            if any(i in trigger_at for i in range(first, last)):
                continue
            if words[first] == "more" and (
                    (first > 0 and (words[first - 1] in _COMPARATIVE_BEFORE or words[first - 1].isdigit()))
                    or (last < n and words[last] in _COMPARATIVE_AFTER)):
                continue  # "13 times more coverage to clinton s pneumonia": a comparison, not a heading
            if raw and bonus < 5:
                # a weak trigger counts when it stands as a heading: "Related:", "RELATED", own line
                before = text[max(0, tokens[first].start - 2) : tokens[first].start]
                after = text[tokens[last - 1].end : tokens[last - 1].end + 2]
                heading = (":" in after or "\n" in after or "\n" in before or "|" in after
                           or text[tokens[first].start : tokens[last - 1].end].isupper())
                if not heading:
                    continue
            for i in range(first, last):
                trigger_at[i] = (first, phrase, bonus)
            # the bonus goes to the trigger's own tokens, spread so a short run is enough
            per = bonus / (last - first)
            for i in range(first, last):
                llrs[i] = max(llrs[i], 0.0) + per
    blocks: list[InjectedBlock] = []
    # A block is reported only when the LLRs of a stretch of it sum to min_llr; when no stretch of
    # the text does (nine articles in ten), decoding cannot report one and is skipped.
    for i, j in (_viterbi(llrs) if _best_stretch_sum(llrs) >= min_llr - 1e-6 else ()):
        # trim edge tokens that do not support the block
        while i < j and llrs[i] <= 0:
            i += 1
        while j > i and llrs[j - 1] <= 0:
            j -= 1
        # a trigger phrase near the start opens the block: what precedes it is the article's
        for k in range(i, min(j, i + 8)):
            if k in trigger_at and trigger_at[k][0] == k:
                i = k
                break
        else:
            # a trigger further in heads what follows it; the stretch before it, if too weak to be a
            # block on its own, is the article's own reporting that the trigger's bonus dragged in
            # ("... policies are enforced more of the latest news about ...")
            heads = [k for k in range(i + 8, j) if k in trigger_at and trigger_at[k][0] == k]
            before = sum(llrs[i : heads[0]]) if heads else 0.0
            if heads and before < min_llr and before < _PROSE_LLR_PER_TOKEN * (heads[0] - i):
                i = heads[0]
        if j - i < _MIN_BLOCK_TOKENS:
            continue
        total = sum(llrs[i:j])
        if total < min_llr:
            continue
        start, end = tokens[i].start, tokens[j - 1].end
        content = [t for t in tags[i:j] if t in ("shared", "unshared")]
        unshared = sum(1 for t in content if t == "unshared")
        func = sum(1 for t in tags[i:j] if t == "function")
        doc_func = sum(1 for t in tags if t == "function")
        reasons = []
        trig = sorted({trigger_at[k][1] for k in range(i, j) if k in trigger_at})
        if trig:
            reasons.append("trigger " + ", ".join(repr(t) for t in trig[:3]))
        if content:
            reasons.append(f"{unshared} of {len(content)} content words occur nowhere else in the article")
        reasons.append(f"function words {func / (j - i):.0%} of the block vs {doc_func / n:.0%} of the article")
        verbs = sum(1 for w in stream.words[i:j] if w in ("said", "told", "says", "according"))
        if not verbs:
            reasons.append("no reporting verbs")
        promo = bool(_PROMO.search(" ".join(stream.words[i:j]))) and not trig
        blocks.append(
            InjectedBlock(start, end, _clip(text[start:end]), "promo" if promo else "headline_run",
                          round(_logistic((total - threshold) / _LLR_SCALE + 1.0), 3), "; ".join(reasons), round(total, 2))
        )
    lines = _promo_lines(text) if raw else []
    # a run the HMM found inside one promo line is that promotion, and is reported as one
    blocks = [b for b in blocks if not any(ls <= b.start and b.end <= le for ls, le, _, _ in lines)]
    blocks.extend(_promo_blocks(text, stream, raw, blocks, lines))
    blocks.sort(key=lambda b: b.start)
    return blocks


def _promo_lines(text: str) -> list[tuple[int, int, float, str]]:
    """One-line promos and teasers of raw text: (start, end, score, reason), stripped of spaces."""
    out = []
    for m in _RAW_TRIGGER.finditer(text):
        n_words = len(m.group("rest").split())
        if _PROMO_LINE_MIN_WORDS <= n_words <= _PROMO_LINE_MAX_WORDS:
            head = " ".join(m.group("head").split()).rstrip(":|\u2013\u2014 ")
            out.append((m.start("head"), m.end(), 0.85, f"one-line promotion or caption headed {head!r}"))
    for end in _QUESTION_LINE_END.finditer(text):
        line_start = text.rfind("\n", 0, end.start()) + 1
        m = _TEASER_LINE.match(text, line_start, end.end())
        if m is None:
            continue
        out.append((m.start(), m.end(), 0.6, "a teaser for another story: a line of its own that ends in a question"))
    stripped = []
    for start, end, score, reason in out:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            stripped.append((start, end, score, reason))
    return stripped


def _promo_blocks(text: str, stream: _Stream, raw: bool, found: Sequence[InjectedBlock],
                  lines: Sequence[tuple[int, int, float, str]] = ()) -> list[InjectedBlock]:
    out: list[InjectedBlock] = []
    tokens = stream.tokens
    for first, last, phrase in (stream.finditer(_PROMO) if stream.may_match(_PROMO_GUARD) else ()):
        start, end = _chars(tokens, first, last)
        if raw:
            # widen to the line it sits on when that line is short (a promo line), else the sentence
            ls = text.rfind("\n", 0, start) + 1
            le = text.find("\n", end)
            le = len(text) if le < 0 else le
            if len(text[ls:le].split()) <= 40:
                start, end = ls, le
            else:
                m = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start))
                s2 = m + 2 if m >= 0 else start
                e2 = min([p for p in (text.find(". ", end), text.find("! ", end), text.find("? ", end)) if p >= 0] or [end])
                if len(text[s2:e2].split()) <= 40:
                    start, end = s2, e2 + 1 if e2 > end else end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
        if any(b.start < end and start < b.end for b in list(found) + out):
            continue
        out.append(InjectedBlock(start, end, _clip(text[start:end]), "promo", 0.9,
                                 f"promotional phrase {phrase!r}"))
    for start, end, score, reason in lines:
        if not any(b.start < end and start < b.end for b in list(found) + out):
            out.append(InjectedBlock(start, end, _clip(text[start:end]), "promo", score, reason))
    return out


# ----------------------------------------------------------------------------------------------
# Truncation
# ----------------------------------------------------------------------------------------------

_LEXICON_PATH = Path(__file__).resolve().parents[1] / "models" / "default" / "lexicon.json"
# words that cannot end a sentence: a text that stops on one was cut mid-sentence
_NO_END = frozenset("the a an of to in on at for from by with and or but nor as than that which who whose whom "
                    "is are was were be been being has have had will would can could should may might must "
                    "my your his her its our their this these those into onto over under about after before "
                    "between through during without within against among upon very".split())
# fragments that cannot open a text ("s", "t" of a cut "it's", "don't")
_NO_START = frozenset("s t ll ve re d m".split())
_END_PUNCT = ".!?\"'\u201d\u2019)]\u00bb\u2026:"


@lru_cache(maxsize=1)
def _default_lexicon() -> frozenset[str]:
    try:
        return frozenset(json.loads(_LEXICON_PATH.read_text()))
    except (OSError, ValueError):  # pragma: no cover - the bundled model always ships it
        return frozenset()


def truncation(text: str, tokens: Sequence[Token], lexicon: frozenset[str], normalised: bool,
               artefacts: Sequence[Artefact] = (), *, known_share: float | None = None,
               statement: bool = False) -> dict[str, TruncationEvidence]:
    """Is the text cut at the start / end?  ``{"start": evidence, "end": evidence}``.
    ``known_share``: the share of the text's words in ``lexicon``, when the caller has it.
    ``statement``: the text is a short statement, headline or post (claim mode), which people type
    without a closing full stop or an opening capital: if it is one sentence, only a cut word, or a
    last word that cannot end a sentence ("grew by"), says it was cut."""
    return _truncation(text, tokens, lexicon, normalised, artefacts, known_share, statement)


# a sentence end with more text after it: "... now. Then ..."
_SENTENCE_INSIDE = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+\S")
_UNSEEN = " (the text has no punctuation, so a cut between two whole words cannot be seen)"
# a web address run together by normalisation: "wwwharborcityfccom", "httpswwwcdcgov"
_LINK_REMNANT = re.compile(r"(?:https?)?www[a-z0-9]+|[a-z0-9]{3,}(?:com|org|net|gov|edu)")

# A story that ends on its credit line ("Editing by Bill Berkrot", "... rewritten or redistributed")
# ended where its writer ended it, whatever the last word looks like.
_CLOSING_ARTEFACTS = frozenset({"byline", "wire_credit"})

# Complete stories often close on something that is not a sentence and so has no full stop: a web
# address, a contact line, a social handle, a photo credit, an update note.  Ending on one of them
# is how the page ends, not a sign of a cut.
_CLOSING_TAIL = re.compile(
    r"(?:(?:https?://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|news|info|io|co|us|uk|ca|au|de|fr|ru|tv|me)(?:/\S*)?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<!\w)@\w{2,}"
    r"|(?<!\w)\+?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3}[\s.-]?\d{3,4}"
    r"|\b(?:follow|like|find|join)\s+(?:us|me|\w+(?:\s+\w+)?)\s+on\s+"
    r"(?:twitter|facebook|instagram|tiktok|youtube|linkedin|telegram|x)"
    r"|\b(?:photo(?:graph)?|image|picture|video|credit|illustration)s?(?:\s+by|\s*:)[^\n.!?]{1,80}"
    r"|\b(?:getty images|wireimage|shutterstock|ap photo)"
    r"|\b(?:has|have) been updated[^\n.!?]{0,60}"
    r")[\s)\].]*\Z",
    re.I,
)
# "Jane Doe/Harbor City Times", "Kevin Mazur/WireImage": a photographer's credit (case matters)
_SLASH_CREDIT = re.compile(r"\b[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3} ?/ ?[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,4}"
                           r"[\s)\]]*\Z")
# "(Reuters) - Health policy experts say": a wire credit whose dateline lost its place name
_BARE_WIRE_OPENING = re.compile(r"\(\s*(?:AP|Reuters|AFP|UPI|Bloomberg|Xinhua|dpa)\s*\)\s*[-\u2013\u2014]+", re.I)
_WIRE_WORDS = frozenset("ap reuters afp upi xinhua dpa bloomberg".split())
# Below this share of known words the text is not English (the analyzer's own "unlike the news the
# model knows" floor): an unknown word at either end is then just a foreign word, not a cut one.
_MIN_KNOWN_SHARE = 0.6


@lru_cache(maxsize=4)
def _sorted_lexicon(lexicon: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(lexicon))


def _begins_a_known_word(word: str, lexicon: frozenset[str]) -> str | None:
    """A known word that ``word`` is the cut-off start of ("publicati" -> "publication"), if any."""
    words = _sorted_lexicon(lexicon)
    i = bisect.bisect_right(words, word)
    if i < len(words) and words[i].startswith(word) and len(words[i]) > len(word):
        return words[i]
    return None


def _known_letter_word_share(tokens: Sequence[Token], lexicon: frozenset[str]) -> float:
    """Share of the first 2,000 words of two or more letters that ``lexicon`` knows: whether the text
    is English, when the caller did not pass the analyzer's own share (which counts every word
    the model reads, numbers included, and is what the report states)."""
    words = [t.text for t in tokens[:2000] if len(t.text) > 1 and t.text.isalpha()]
    return sum(w in lexicon for w in words) / len(words) if words else 1.0


_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTERS = _ASCII_UPPER + _ASCII_UPPER.lower()


def _caseless(text: str) -> bool:
    """Raw text lower-cased throughout but punctuated (the CoAID format): its case says nothing."""
    # counted on ASCII bytes with bytes.translate, in C: a loop over characters cost an eighth of
    # the whole analysis
    sample = text[:5000].encode("ascii", "ignore")
    letters = len(sample) - len(sample.translate(None, _ASCII_LETTERS))
    upper = len(sample) - len(sample.translate(None, _ASCII_UPPER))
    return letters > 0 and upper / letters < 0.002


def _truncation(text: str, tokens: Sequence[Token], lexicon: frozenset[str], normalised: bool,
                artefacts: Sequence[Artefact] = (), known_share: float | None = None,
                statement: bool = False) -> dict[str, TruncationEvidence]:
    if not tokens:
        none = TruncationEvidence(False, None, None, None, "empty text")
        return {"start": none, "end": none}
    first, last = tokens[0], tokens[-1]
    if known_share is None:
        known_share = _known_letter_word_share(tokens, lexicon) if lexicon else 1.0
    english = not lexicon or known_share >= _MIN_KNOWN_SHARE
    caseless = not normalised and _caseless(text)
    # a statement of several sentences whose last has no closing stop was cut, as any text is
    statement = statement and not _SENTENCE_INSIDE.search(text.strip())
    # start
    reason = ""
    note = ""
    head = text[first.start]
    bare_wire = None if normalised else _BARE_WIRE_OPENING.match(text.lstrip())
    if bare_wire or (normalised and first.text in _WIRE_WORDS):
        # the agency's name is a whole word: what is missing is the dateline's place, not a word's start
        opening = bare_wire.group().strip() if bare_wire else first.text
        note = f"opens on the wire credit {opening!r} without the dateline's place name (the place was dropped)"
    elif not normalised and not caseless and not statement and head.isalpha() and head.islower():
        reason = "raw text starts with a lower-case letter (mid-sentence)"
    # raw text opening on a capital ("Hydroxychloroquine cures ...") starts a sentence, known word or not
    capital = not normalised and not caseless and head.isupper()
    if not reason and not note and not capital:
        if first.text in _NO_START:
            reason = f"starts with the word fragment {first.text!r}"
        elif len(first.text) > 1 and not first.text.isdigit() and lexicon and first.text not in lexicon:
            if english:
                reason = f"first word {first.text!r} is not a known word (cut mid-word)"
            else:
                note = (f"first word {first.text!r} is not a known word, but neither are most words of this text "
                        "(not English?), so that says nothing about a cut")
    # Without punctuation or capitals a cut between two whole words looks like any other start:
    # say so rather than imply the start was seen to be whole.
    whole = note or "starts on a whole word" + (_UNSEEN if normalised else
                                                " (the text has no capitals, so only a cut word would show)"
                                                if caseless else "")
    start_ev = TruncationEvidence(bool(reason), first.text, first.start, first.end, reason or whole)
    # end
    reason = ""
    note = ""
    closed = any(a.kind in _CLOSING_ARTEFACTS and a.first_token <= len(tokens) - 1 < a.last_token for a in artefacts)
    if closed:
        end_ev = TruncationEvidence(False, last.text, last.start, last.end, "ends on a credit line or byline")
        return {"start": start_ev, "end": end_ev}
    unknown = (len(last.text) > 1 and not last.text.isdigit() and bool(lexicon) and last.text not in lexicon
               and english)
    if normalised and unknown and (last.text in LINK_SYNTAX or _LINK_REMNANT.fullmatch(last.text)):
        # "naturalnews com", "wwwharborcityfccom": what normalisation left of a web address, which the
        # model's vocabulary leaves out on purpose; a page ending on its address was not cut
        unknown, closed = False, True
        note = f"ends on {last.text!r}, what is left of a web address: how the page ends, not a cut"
    if not normalised:
        body = text.rstrip()
        tail = body[-1:]
        closed = bool(tail) and tail in _END_PUNCT
        ending = body[-300:]
        m = None if closed else (_CLOSING_TAIL.search(ending) or _SLASH_CREDIT.search(ending))
        if m:
            closed = True
            note = (f"ends on {_clip(m.group(), 60)!r}, a web address, contact, handle, photo credit or update "
                    "note: how the page ends, not a cut")
        elif not closed and last.end == len(body) and not statement:
            reason = "raw text ends without closing punctuation"
            if unknown:
                reason += f", on {last.text!r}, which is not a known word (cut mid-word)"
        elif (closed and unknown and last.text.isalpha() and len(last.text) >= 4 and text[last.start].islower()
              and re.fullmatch(r"[.\u2026][\"'\u201d\u2019)]?", body[last.end :])):
            # "... at the time of publicati.": the full stop was put after a cut word
            known = _begins_a_known_word(last.text, lexicon)
            if known:
                reason = f"last word {last.text!r} is not a known word but the start of one ({known!r}): cut mid-word"
    # a word followed by a full stop was not cut mid-word, even if the model never saw it ("inflación.")
    if not reason and not closed and not last.text.isdigit():
        if len(last.text) == 1 and last.text not in ("a", "i"):
            reason = f"ends on the single letter {last.text!r} (cut mid-word)"
        elif unknown:
            reason = f"last word {last.text!r} is not a known word (cut mid-word)"
        elif (normalised or statement) and last.text in _NO_END:
            reason = f"ends on {last.text!r}, which cannot end a sentence"
    whole = note or "ends on a whole word" + (_UNSEEN if normalised else "")
    end_ev = TruncationEvidence(bool(reason), last.text, last.start, last.end, reason or whole)
    return {"start": start_ev, "end": end_ev}


# ----------------------------------------------------------------------------------------------
# Sourcing
# ----------------------------------------------------------------------------------------------

_ANON_PATTERNS: list[tuple[str, str]] = [
    ("condition of anonymity", r"(?:on |under )?(?:the )?condition(?:s)? (?:of|that) (?:anonymity|(?:he|she|they|it|his|her|their) (?:not be|name not be|identity not be|remain anonymous))"),
    ("requested anonymity", r"(?:requested|asked for|was granted|were granted|granted|demanded|insisted on) anonymity"),
    ("spoke anonymously", r"(?:speaking|spoke|spoken|talking|talked) anonymously"),
    ("declined to be named", r"(?:declined|asked not|refused|did not want|didn t want|not wanting|wished not) to be (?:named|identified|quoted by name)"),
    ("not authorized to speak", r"(?:(?:who|because (?:he|she|they|it)|as (?:he|she|they)) )?(?:was|were|is|are|wasn t|weren t|isn t|aren t)(?: not)? (?:authorized|authorised|permitted|allowed|cleared) to (?:speak|discuss|comment|talk|be (?:named|identified|quoted))"),
    ("not authorized to speak", r"not (?:authorized|authorised|permitted|allowed|cleared) to (?:speak|discuss|comment|talk)"),
    ("person familiar with", r"(?:(?:a|an|one|two|three|four|several|some|other|the|multiple|many) )?(?:[a-z]+ )?(?:person|people|persons|sources?|officials?|individuals?|insiders?|aides?|politicians?|diplomats?|lawmakers?|executives?|staffers?|employees?) (?:familiar with|close to|briefed on|with (?:direct )?knowledge of|knowledgeable about|in the know)"),
    # "sources said", and "sources in Beijing told Reuters": where the sources sit names none of them
    ("sources said", r"(?:sources?|insiders?) (?:(?:in|at|from|inside|within) (?:[a-z]+ ){1,4}?)?(?:said|say|says|told|tell|tells|claim|claimed|claims|revealed|confirmed|report|reported|added)"),
    ("according to sources", r"(?:according to|told|tells|said|says|adds|added) (?:a |an |the |two |three |several |multiple )?(?:[a-z]+ )?(?:sources?|insiders?)"),
    ("unnamed source", r"(?:unnamed|anonymous|unidentified) (?:[a-z]+ )?(?:source|sources|official|officials|person|people|insider|insiders|aide|aides|staffer|staffers|member|members)"),
    ("a source", r"(?:a|an) (?:[a-z]+ )?(?:source|insider) (?:close to|said|says|told|tells|revealed|added|explained)"),
]
_ANON_RE = [(cue, re.compile(r"\b(?:" + p + r")\b")) for cue, p in _ANON_PATTERNS]
# A word each pattern cannot match without: the regex only runs when one is in the text (speed).
_ANON_TRIGGERS = [frozenset(w.split()) for w in (
    "condition conditions", "anonymity", "anonymously", "named identified quoted", "authorized authorised permitted allowed cleared",
    "authorized authorised permitted allowed cleared", "familiar close briefed knowledge knowledgeable know",
    "source sources insider insiders",
    "source sources insider insiders", "unnamed anonymous unidentified", "source insider",
)]
_VERB_RE = re.compile(r"\b(?:said|says|say|told|tells|according to|stated|added|explained|noted|testified|tweeted|wrote|announced|confirmed|argued|insisted|warned|claimed|recalled|acknowledged)\b")
# Bodies that speak on the record under their name ("the defense ministry", "the Civil Protection
# Agency", and, once named, "the agency"); "an administration official" is still a title, its head
# word being "official".
_BODIES = frozenset(
    "ministry department agency administration police commission court government office hospital company firm "
    "university college school district council committee board bureau authority service institute center centre "
    "foundation organization organisation association union party campaign military army navy embassy club team "
    "league airline bank network studio utility chamber museum church parliament congress senate cabinet "
    "group".split()
)
_ROLES = frozenset(
    "spokesman spokeswoman spokesperson official officials minister secretary senator sen rep gov governor "
    "director ceo chairman chairwoman chair president professor researcher researchers analyst analysts attorney "
    "lawyer prosecutor prosecutors judge commissioner ambassador lawmaker lawmakers aide aides adviser advisor "
    "mayor chief officer officers police sheriff spokespeople representative congressman congresswoman "
    "leader leaders expert experts scientist scientists doctor doctors dr economist executive founder "
    "manager head general colonel captain lieutenant sergeant detective investigator investigators "
    "administrator speaker chancellor premier councilmember councilman councilwoman alderman alderwoman "
    "assemblyman assemblywoman coach candidate actor actress politician politicians diplomat diplomats staffer "
    "staffers authorities democrat democrats republican republicans lawyers attorneys nurses nurse teachers "
    "economists executives judges senators governors mayors ministers advisers advisors agents troopers "
    "firefighters soldiers voters members relatives spokesmen spokeswomen physicians epidemiologists "
    "organizers organisers owners farmers "
    # groups: attributed, but to nobody in particular
    "critics witnesses eyewitnesses residents people experts observers activists supporters opponents protesters "
    "neighbors neighbours parents students workers employees staff".split()
) | _BODIES
# Abbreviated titles before a name: "Dr. Elaine Park", "Sen. Tom Hardy", "Mrs. Anne Cole".
_HONORIFICS = frozenset("mr mrs ms miss dr prof sen rep gov lt gen col maj sgt capt cmdr adm rev fr supt det insp "
                        "atty amb hon pres".split())
# Titles that stand right before a surname ("President Cabello", "spokeswoman DiPaolo").  In text without
# capitals only these vouch that the next word is a name; "official" or "critics" do not ("officials
# meanwhile have said", "critics long have said").
_NAME_TITLES = _HONORIFICS | frozenset(
    "president senator governor mayor minister secretary chancellor premier judge ambassador commissioner "
    "congressman congresswoman councilman councilwoman councilmember alderman alderwoman assemblyman "
    "assemblywoman spokesman spokeswoman spokesperson director chairman chairwoman ceo coach general colonel "
    "captain lieutenant sergeant detective sheriff speaker attorney prosecutor professor superintendent".split()
)
# A full stop after these is not a sentence end ("Dr. Park", "Warner Bros., the studio").
_ABBREVIATIONS = _HONORIFICS | frozenset("st jr sr inc corp co ltd bros no vs jan feb mar apr jun jul aug sep sept "
                                         "oct nov dec mt ft ave dept univ".split())
_PREPOSITIONS = frozenset("of in at from for with on by to near inside outside across within among".split())
# prepositions before where a title speaks from ("a spokesman in Washington said")
_PLACE_PREPOSITIONS = frozenset("in at from near inside outside across within".split())
_DETERMINERS = frozenset("the a an one another two three four five several some its their his her".split())
# first words of place names that are no name words themselves ("new york", "los angeles", "south carolina")
_PLACE_FIRST_WORDS = frozenset("new los las san santa st saint south north east west hong saudi sri costa puerto rio "
                               "buenos tel abu kuala cape salt palm fort baton little des grand el la le united great "
                               "upper lower central".split())
_INDEFINITE = frozenset("a an one another two three four five several some".split())
# the words of _VERB_RE, one by one
_REPORTING_VERBS = frozenset("said says say told tells according stated added explained noted testified tweeted wrote "
                              "announced confirmed argued insisted warned claimed recalled acknowledged".split())
_DEFINITE = frozenset("the its their his her".split())
# the determiner of a phrase after a possessive ("Russia's defence ministry"): definite too
_POSSESSIVE = "'s"
# subjects that are nobody to call back ("it said", "they told"), whatever follows the verb
_SUBJECT_WORDS = frozenset("it they we i you this that there which what".split())
# "NovaGen Therapeutics, Inc. (NASDAQ: NVGN), a clinical-stage company, announced": the name is before these
_COMPANY_SUFFIXES = frozenset("inc corp ltd llc plc co".split())
# between a subject and its verb: "critics long have said", "officials, meanwhile, have consistently said"
_VERB_GROUP = frozenset("has have had was is were are would will could may might also later then previously "
                        "repeatedly recently once often already still long now again too meanwhile however though "
                        "instead just even further first separately publicly privately initially".split())
_TIME_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                        "june july august september october november december week month year night morning "
                        "afternoon evening weekend today yesterday tonight".split())
_TIME_OPENERS = frozenset("on last this next late early earlier".split())
# the word before a reporting verb that makes it no attribution: "declined to say", "didn't say",
# "has not confirmed", "the stated view", "a statement that said"
_NOT_BEFORE_VERB = frozenset("to not never t the a an his her its their this that".split())
# "He added a second in the 61st minute", "wrote a book", "recalled 2 million cars": an object, not speech
_OBJECT_VERBS = frozenset("added wrote recalled".split())
_OBJECT_START = frozenset("a an another his her their its my our to two three four five six seven eight nine "
                          "ten".split())
# "is said to be", "was told by": passive, the subject is not the one speaking
_PASSIVE = frozenset("is was are were be been being".split())
# an appositive between a subject and its verb opens with one of these ("Smith, a former judge, said",
# "Pruitt, 43, told", "Ortiz, who voted for the garage, told", "Mars Candy, which produces Skittles, said")
_APPOSITION_START = frozenset("who whose which a an the one another of from at in for with himself herself itself "
                              "also both now then meanwhile however though too formerly once including like "
                              "former senior longtime top".split())
_PRONOUN_SOURCE = frozenset({"he", "she"})
_NON_SOURCE = frozenset(set(_FUNCTION_LLR) | set(
    "it they we you i this that there who which what report reports study studies data statement statements "
    "document documents audit audits survey surveys poll polls analysis review investigation probe filing "
    "lawsuit complaint memo letter letters records paper article book website site post tweet video footage "
    "ruling order law plan proposal draft emphasis reporters journalists himself herself themselves email "
    "emails texts messages figures statistics estimates research faq".split()))
_NAME_STOP = frozenset(set(_FUNCTION_LLR) | {"said", "says", "told", "tells", "according", "also", "previously",
                                            "associated", "press", "reuters", "writers", "writer",
                                            # reporting verbs are never part of a name ("experts say the")
                                            "say", "tell", "stated", "added", "explained", "noted", "testified",
                                            "tweeted", "wrote", "announced", "confirmed", "argued", "insisted",
                                            "warned", "claimed", "recalled", "acknowledged",
                                            "later", "earlier", "then", "reportedly", "repeatedly", "recently",
                                            "once", "often", "has", "have", "had", "elect", "himself", "herself",
                                            "ours", "yours", "theirs", "mine", "hers"}
                       # numbers and spans of time end a clause ("within six", "three years"), never a name
                       | set("one two three four five six seven eight nine ten eleven twelve hundred thousand million "
                             "billion year years month months week weeks day days today yesterday time times".split())
                       | _TIME_WORDS)
# First names for sourcing only (the dateline check keeps its shorter list, free of place names).
_GIVEN_NAMES = _FIRST_NAMES | frozenset(
    "abigail adriana ahmed alberto alejandro alexis alicia allen alvin amir andrea angel anita annie antonio april "
    "arnold audrey austin barack benny bernard bernie bert beverly bonnie boris brenda brooke byron calvin cameron "
    "candace carla carmen carrie cassandra cecilia charlotte chelsea cheryl chuck clara clarence claudia clifford "
    "colin connie cory courtney curtis cynthia dale dana darrell darren dawn debbie delores derek devin diego "
    "dolores dominic donovan doris dorothy duane dustin earl eduardo edwin eileen elena eli elijah elliot elise "
    "eleanor emilio enrique ernest esther eugene felix fernando francis francisco franklin gail gavin gene "
    "geoffrey gilbert gloria gordon guillermo gustavo hailey hal hank harvey hector herbert hillary howard hugo "
    "ivan jackie jake jamal jared javier jay jeanne jesse jesus jill joanna jody jorge josephine juanita julian "
    "june kamala karl katrina kay kayla keri kerry kirk kristin lance laurie lawrence leah leon leonard leslie "
    "lillian lloyd lorenzo loretta louise lucy luz mack madeline malcolm manuel marcia marco margaret marilyn "
    "marion marjorie marsha marty marvin maureen max maxine melanie melvin mia micheal miguel mildred milton "
    "miriam misty mitchell monica morgan muhammad nadia naomi narendra nathaniel nelson nina norman omar oscar "
    "owen pablo paula pedro peggy penny perry priscilla rafael ramon randall raul regina rex rhonda ricardo "
    "rita roberto rodney roland ronnie rosa roy ruben rudy salvador sally sanjay santiago sergio shannon sheila "
    "shirley sidney simon sofia sonia stacy stan stanley stuart sylvia tammy ted terrence theresa tiffany tyler "
    "vanessa vera vernon veronica vicki viktor vladimir wanda warren wesley whitney wilson yolanda yvonne "
    "aisha akira andrei angelina ashton beyonce blake bradley brittany bruno caleb chloe cristina dakota demi "
    "dmitry emmanuel fatima francois gabriela gigi gwen gwyneth hamid hassan hiroshi ibrahim igor irina ivanka "
    "jeb jessie joaquin jonah kanye katy kendall khloe kourtney kylie lindsay lindsey lionel liam lupita mahmoud "
    "mariah megyn melania mika miley mitt mohammed natasha nikki olga oprah pierre preet rahm rand reince "
    "rihanna rory elon selena sergei shakira sheryl stephon sven taylor tiger tucker xi yuri zoe".split()
)
# first names that are also common words: alone before a verb they are no evidence of a name
_WORD_NAMES = frozenset("will may june april rose mark bill grace pat sue rob frank jack max chuck dean drew gene "
                        "ray lee kim sandy dawn amber jay art bob chip don ed guy hal hank jean joy pam ted "
                        "tim tom virginia christian harry wayne austin".split())
_QUOTES = "\"\u201c\u201d\u00ab\u00bb"
_CLAUSE_PUNCT = ",;()[]:\u2013\u2014" + _QUOTES
_APOSTROPHES = "'\u2018\u2019"
# find_sourcing's answers when nothing (NONE) or something that is no source (BLOCKED) stands before the verb
_NONE, _BLOCKED = "none", "blocked"


# gap between two words -> (quotation mark, "!" or "?", line break, ".", clause edge), for _Clauses
_CLAUSE_GAPS: dict[str, tuple[bool, bool, bool, bool, bool]] = {}


def _clause_gap(gap: str) -> tuple[bool, bool, bool, bool, bool]:
    kinds = (any(c in _QUOTES for c in gap) or (any(c in _APOSTROPHES for c in gap) and gap.strip(_APOSTROPHES) != ""),
             "!" in gap or "?" in gap, "\n" in gap, "." in gap,
             any(c in _CLAUSE_PUNCT for c in gap) or " - " in gap or "--" in gap or "/" in gap)
    if len(_CLAUSE_GAPS) < 10_000:  # a few dozen in practice; bounded against odd input
        _CLAUSE_GAPS[gap] = kinds
    return kinds


@lru_cache(maxsize=1)
def _capitalised_words() -> frozenset[str]:
    """Words raw news text capitalises mid-sentence at least 95% of the time (data/capitalised_words.txt)."""
    path = Path(__file__).with_name("data") / "capitalised_words.txt"
    try:
        return frozenset(path.read_text().split())
    except OSError:  # pragma: no cover - shipped with the package
        return frozenset()


class _Clauses:
    """The words of a text with what punctuation, line breaks and capitals say around each of them.

    Raw text shows where a sentence or clause ends and which words are capitalised; normalised text
    shows neither, so there a word counts as a name only with outside evidence: a known first name
    before it, a title that precedes names ("spokeswoman", "Sen."), or the same word seen after one
    elsewhere in the text ("karen molina ... molina said")."""

    def __init__(self, text: str, tokens: Sequence[Token], words: Sequence[str], raw: bool) -> None:
        self.text, self.tokens, self.words, self.raw = text, tokens, words, raw
        n = self.n = len(words)
        # flags on the gap *before* token i: a sentence (or line) ends there; a clause edge (comma,
        # bracket, dash, colon, quotation mark); a quotation mark
        self.brk = bytearray(n)
        self.pun = bytearray(n)
        self.quote = bytearray(n)
        self.cap = bytearray(n)
        self.lower_seen: set[str] = set()
        self.known: set[str] = set()
        self.weak: set[str] = set()  # known only as a word news capitalises (no first name or title seen)
        if n:
            self.brk[0] = self.pun[0] = 1
        if raw and n:
            stream = _Stream.of(tokens)
            points = _code_points(text)
            starts, ends = stream.start_array, stream.end_array
            self.cap = bytearray(_is_upper_at(points, starts))
            self.lower_seen = set(compress(words, [not c for c in self.cap]))
            # most gaps are one space and say nothing: only the others are looked at (a Python loop
            # over every token cost a tenth of the whole analysis), and those are few distinct
            # strings (", ", ". ", "\n\n"), each read once
            after = np.minimum(ends[:-1], len(points) - 1)
            odd = (np.flatnonzero((starts[1:] - ends[:-1] != 1) | (points[after] != 32)) + 1).tolist()
            for i in odd:
                first_char = text[tokens[i].start]
                gap = text[tokens[i - 1].end : tokens[i].start]
                kinds = _CLAUSE_GAPS.get(gap) or _clause_gap(gap)
                quote, stop, line, period, edge = kinds
                prev = words[i - 1]
                brk = (stop
                       or (line and not first_char.islower())
                       or (period and prev not in _ABBREVIATIONS and len(prev) > 1 and not first_char.islower()))
                self.quote[i] = quote
                self.brk[i] = brk
                self.pun[i] = brk or quote or edge
        else:
            # words news writes capitalised wherever they stand ("trump argued", "facebook said"):
            # learned from raw corpora (scripts/build_name_lexicon.py), so the capitals lost here count
            # (weak evidence: a place is capitalised too, "inside of venezuela said fernando cutz")
            self.weak = {w for w in set(words) if w in _capitalised_words() and w not in _ROLES and w not in _NAME_STOP}
            self.known.update(self.weak)
            # surnames: the word after a first name ("john kerry") or a title ("dr elaine park")
            for i in range(n - 1):
                if words[i] in _GIVEN_NAMES or words[i] in _NAME_TITLES:
                    j = i + 1
                    if words[i] in _NAME_TITLES and words[j] in _GIVEN_NAMES and j + 1 < n:
                        j += 1
                    if self.name_like(j):
                        self.known.add(words[j])
                        self.weak.discard(words[j])

    # -- words

    def name_like(self, i: int) -> bool:
        """Could token i be (part of) a name?  Raw text also needs it capitalised."""
        w = self.words[i]
        if (len(w) < 2 or not w.isalpha() or w in _NAME_STOP or w in _ROLES or w in _NON_SOURCE
                or w in _HONORIFICS):
            return False
        if self.raw:
            return bool(self.cap[i])
        return not w.endswith("ly") or w in _GIVEN_NAMES or w in self.known

    def content(self, i: int) -> bool:
        """A word that can belong to a subject phrase ("senior communication adviser Jason Miller")."""
        w = self.words[i]
        if len(w) == 1:  # an initial ("Stuart F. Delery", "U.S."), raw text only
            return bool(self.cap[i]) and w not in ("a", "i")
        return not w.isdigit() and (w not in _NAME_STOP or w in _ROLES)

    def joined(self, i: int) -> bool:
        """Token i follows token i-1 within one phrase (no punctuation or sentence end between)."""
        return not self.pun[i]

    def run_back(self, j: int, limit: int = 6) -> int:
        """First token of the phrase of content words that ends at j."""
        s = j
        while s - 1 >= 0 and j - s < limit - 1 and self.joined(s) and self.content(s - 1):
            s -= 1
        return s

    def run_forward(self, k: int, limit: int = 6) -> int:
        """Last token of the phrase of content words that starts at k (k - 1 when there is none)."""
        e = k - 1
        while e + 1 < self.n and e + 1 - k < limit and (e + 1 == k or self.joined(e + 1)) and self.content(e + 1):
            if e + 1 > k and e + 2 < self.n and self.words[e + 2] in _REPORTING_VERBS:
                break  # "according to the defense ministry analysts said": the next clause's subject
            e += 1
        return e

    # -- classifying a phrase

    def classify(self, s: int, e: int, det: str | None) -> tuple[str, tuple[int, int]] | None:
        """Who the subject phrase ``[s, e]`` (before the verb) names: ``("named", span)``, ``("role", span)``
        or ``None``; its head is its last word ("Hospital officials", "Interior spokeswoman Nancy DiPaolo")."""
        words = self.words
        if s == e and words[e] in _PRONOUN_SOURCE:
            return "named", (e, e + 1)
        titles = [i for i in range(s, e + 1) if words[i] in _ROLES or words[i] in _HONORIFICS]
        t = titles[-1] if titles else None
        if t == e:
            return self._title(e, s, det)
        start = t + 1 if t is not None else s
        if self.raw:
            k = e
            while k >= start and self.name_like(k):
                k -= 1
            ns = k + 1
            if ns > e:
                return None
            for p in range(ns, e):  # "State Mike Pompeo": a known first name starts the name
                if words[p] in _GIVEN_NAMES:
                    ns = p
                    break
            ns = max(ns, e - 2)
            if ns == e and t is None and (e == 0 or self.brk[e]) and words[e] in self.lower_seen:
                return None  # a sentence's capitalised first word that the text also writes in lower case
            return "named", (ns, e + 1)
        # normalised: a name needs outside evidence
        if t is not None and words[t] in _NAME_TITLES and e - start < 2 and det not in _INDEFINITE \
                and all(self.name_like(i) for i in range(start, e + 1)):
            return "named", (start, e + 1)
        if self.name_like(e) and (words[e] in self.known or (e > start and words[e - 1] in _GIVEN_NAMES)
                                  or (words[e] in _GIVEN_NAMES and words[e] not in _WORD_NAMES)):
            ns = e
            while ns - 1 >= start and words[ns - 1] in _GIVEN_NAMES and e - ns < 2:
                ns -= 1
            return "named", (ns, e + 1)
        # a word after the title that is no name is the phrase's head: "the grade school girl said"
        return None

    def classify_after(self, s: int, e: int, det: str | None, according: bool) -> tuple[str, tuple[int, int]] | None:
        """Who the phrase ``[s, e]`` after the verb names; its head comes first ("said Dr. Elaine Park,
        Chief Medical Officer", "according to FBI spokeswoman Kelly Langmesser")."""
        words, raw = self.words, self.raw
        if det in _INDEFINITE:
            # "according to one USAID official", "according to a senior administration official Diosdado
            # Cabello who ...": somebody unnamed; a name after the title starts the next clause
            t = self._head_title(s, e)
            return self._title(t, s, det) if t is not None else None
        i = s
        while i <= e:
            if words[i] in _ROLES or words[i] in _HONORIFICS or not self.name_like(i):
                i += 1
                continue
            if i > s and words[i - 1] not in _ROLES and words[i - 1] not in _HONORIFICS and words[i - 1] != "s":
                break  # "say groups like Hamilton's Electors": a name not attached to a title is not the source
            end = i  # a name (or, without capitals, a word) starts here
            while end + 1 <= e and end + 1 - i < 3 and (
                    self.name_like(end + 1) or (len(words[end + 1]) == 1 and end + 2 <= e and self.name_like(end + 2))):
                end += 1
            titled = i > s and words[i - 1] in _NAME_TITLES
            if titled and (raw or end - i < 2):
                return "named", (i, end + 1)  # "said Dr. Elaine Park", "said dr elaine park chief medical officer"
            if words[i] in _GIVEN_NAMES and end > i and (raw or words[i] not in _WORD_NAMES):
                return "named", (i, end + 1 if raw else i + 2)  # "said robert quinn president and ceo"
            if end + 1 <= e and words[end + 1] in _BODIES:
                if raw:
                    return "named", (i, end + 2)  # "the Environmental Protection Agency"
                break
            if end + 1 <= e and (words[end + 1] in _ROLES or words[end + 1] in _HONORIFICS):
                i = end + 1  # "FBI spokeswoman Kelly Langmesser": a qualifier before a title
                continue
            if raw and end + 1 <= e:
                i = end + 1  # "said the Atlanta fashion designer": a qualifier of a lower-case head
                continue
            if raw:
                return "named", (i, end + 1)
            if words[i] in self.known:
                return "named", (i, i + 1)
            if i == s and end == i + 1 and end + 1 < self.n and words[end + 1] in ("a", "an", "the", "who", "and"):
                return "named", (i, end + 1)  # "said fernando cutz a former ..."
            if titled:
                break
            i = end + 1
        t = self._head_title(s, e)
        if t is None:
            return None
        if not raw and not according:
            # "lawyers say the company has complied": without punctuation "said the company" cannot be
            # told from reported speech; only "according to" always names its source
            return None
        return self._title(t, s, det)

    def _head_title(self, s: int, e: int) -> int | None:
        """The first title in ``[s, e]`` that ends a compound ("administration official" -> "official")."""
        words = self.words
        for t in range(s, e + 1):
            if (words[t] in _ROLES or words[t] in _HONORIFICS) and (
                    t == e or (words[t + 1] not in _ROLES and words[t + 1] not in _HONORIFICS)):
                return t
        return None

    def _title(self, k: int, s: int, det: str | None) -> tuple[str, tuple[int, int]]:
        """A title, group or body at k, the phrase starting at s."""
        words = self.words
        if words[k] in _BODIES:
            # a body on the record: "the Civil Protection Agency", "the defense ministry", "the agency"
            q = k
            while q - 1 >= s and words[q - 1] not in _ROLES and words[q - 1] not in _HONORIFICS \
                    and (not self.raw or self.cap[q - 1]) and k - q < 3:
                q -= 1
            if det not in _INDEFINITE and (q < k or det in _DEFINITE or det == _POSSESSIVE):
                return "named", (q, k + 1)
        return "role", (k, k + 1)

    # -- before and after the verb

    def subject_before(self, first: int) -> Any:
        """The source standing before the verb at ``first``, :data:`_NONE` or :data:`_BLOCKED`."""
        words, raw = self.words, self.raw
        j = first - 1
        skipped = 0
        while True:
            if j < 0:
                return _NONE
            if raw and (self.brk[j + 1] or self.quote[j + 1]):
                return _NONE  # the verb opens a sentence, or follows a quotation ('"...," said Smith')
            if raw and self.pun[j + 1]:
                return self.apposition(j)
            w = words[j]
            if skipped < 4 and (w in _VERB_GROUP or (w.endswith("ly") and len(w) > 4 and not self.cap[j]
                                                      and w not in _GIVEN_NAMES and w not in self.known)):
                j -= 1
                skipped += 1
                continue
            if not raw and skipped == 0 and w.isdigit() and len(w) <= 2 and j > 0 and self.name_like(j - 1):
                j -= 1  # an age: "local man greg pruitt 43 told reporters"
                skipped += 1
                continue
            if skipped < 4 and w in _TIME_WORDS:  # "police on Monday said"
                j -= 1
                skipped += 1
                if j >= 0 and words[j] in _TIME_OPENERS and self.joined(j + 1):
                    j -= 1
                continue
            break
        found = self.phrase_before(j)
        if not isinstance(found, tuple):
            # "Councilmember David Ortiz who voted for the garage told me": the subject is before "who"
            k = j
            while k > 0 and j - k < 8 and self.joined(k + 1) and words[k] != "who":
                k -= 1
            if words[k] == "who" and k < j and self.joined(k + 1):
                again = self.phrase_before(k - 1)
                if isinstance(again, tuple):
                    return again
        return found

    def apposition(self, j: int) -> Any:
        """The verb follows a comma: "Smith, a former judge, said", "..., Alderman Greg Pruitt, said"."""
        o = j
        while o > 0 and j - o < 25 and not self.pun[o]:
            o -= 1
        if not self.pun[o] or self.brk[o] or self.quote[o] or o == 0:
            return _NONE
        words = self.words
        if "(" in self._gap(o):  # "Chairwoman Marsha Blackburn (R-Tenn.) announced": the bracket is an aside
            return self.phrase_before(o - 1)
        before = self.run_back(o - 1) - 1 if o > 1 else -1
        place = before >= 0 and self.joined(before + 1) and words[before] in _PREPOSITIONS
        if place:
            # "A nail salon in Bartlesville, Oklahoma, said": the aside completes a place name
            return self.phrase_before(o - 1)
        if self.cap[o] or words[o] in _ROLES or words[o] in _HONORIFICS:
            # the aside is itself a name: "Former Obama campaign staffer, Jason Sparks, tweeted",
            # "the two council members ..., Alderman Greg Pruitt and Alderwoman Dana Whitfield, said"
            found = self.phrase_before(j)
            if (isinstance(found, tuple) and found[0] == "named" and found[1][0] >= o
                    and (found[1][1] - found[1][0] >= 2 or found[1][0] > o)):
                return found
        if words[o] in _APPOSITION_START or words[o].isdigit() or words[o] in _ROLES:
            j = o - 1
            if ")" in self._gap(o):  # "NovaGen Therapeutics, Inc. (NASDAQ: NVGN), a ... company, announced"
                while j > 0 and "(" not in self._gap(j) and o - j < 12:
                    j -= 1
                j -= 1
            return self.phrase_before(j)
        return _NONE

    def _gap(self, i: int) -> str:
        """The raw text between tokens i - 1 and i."""
        if i <= 0 or i >= self.n:
            return ""
        return self.text[self.tokens[i - 1].end : self.tokens[i].start]

    def phrase_before(self, j: int, depth: int = 0) -> Any:
        """Who the subject phrase ending at token j names, or :data:`_BLOCKED`."""
        if j < 0:
            return _NONE
        words = self.words
        w = words[j]
        if w == "who" and j > 0 and not self.brk[j]:  # "it was Matt Stone who said"
            return self.phrase_before(j - 1, depth + 1)
        if w in _PRONOUN_SOURCE:
            return "named", (j, j + 1)
        if self.raw and w in _COMPANY_SUFFIXES and j > 0 and not self.brk[j]:
            return self.phrase_before(j - 1, depth + 1)  # "NovaGen Therapeutics, Inc."
        # Raw text shows a lower-case subject that is no source ("the Allied star said", "the report
        # said"); without punctuation the word before the verb may as well end a quotation or a
        # clause, so the verb's other side is still read ("... were appalling said doug obegi", "...
        # with these data said robert quinn", "... for last year said finance director thomas reyes").
        missing = _BLOCKED if self.raw else _NONE
        if w in _SUBJECT_WORDS:
            return _BLOCKED  # "it said", "they told"
        if not self.content(j) or w in _NON_SOURCE:
            return missing
        s = self.run_back(j)
        det = None
        p = s - 1
        while p > 0 and len(words[p]) == 1 and s - p < 3 and self.joined(p + 1):
            p -= 1  # "the U.S. military", "the u s military"
        if p >= 0 and self.joined(p + 1) and words[p] in _DETERMINERS:
            det = words[p]
            p -= 1
        else:
            p = s - 1
            if s >= 2 and words[s - 1] == "s" and self.joined(s - 1) and self.joined(s):
                det = _POSSESSIVE  # "Russia's defence ministry": a definite body, as "the defense ministry"
        found = self.classify(s, j, det)
        if not self.raw and found and found[0] == "named" and words[found[1][1] - 1] not in _BODIES:
            # without capitals the phrase runs back over anything ("his previous statements dr fauci"):
            # a person's name with evidence is the subject, whatever preposition came before -- except a
            # place after a title: "a spokesman in washington said", "police in paris said" quote the
            # title, as raw text shows ("Officials in Moscow said"); "moscow said" alone stays the body.
            # The name read may be the end of a longer place ("police in new york said" reads "york",
            # since "new" is no name word): the preposition may stand before such a place's first words.
            q = p if found[1][0] == s else found[1][0] - 1
            if found[1][1] - found[1][0] == 1:  # one name word: it may end "new york", "south carolina"
                while q > 0 and found[1][0] - q <= 2 and words[q] in _PLACE_FIRST_WORDS and self.joined(q + 1):
                    q -= 1
            if q > 0 and words[q] in _PLACE_PREPOSITIONS and self.joined(q + 1) and self.joined(q) and depth < 4:
                head = self.phrase_before(q - 1, depth + 1)
                if isinstance(head, tuple) and head[0] == "role":
                    # "lindsey graham a republican from south carolina said": the apposition's commas
                    # are gone, but a first name and a surname before "a"/"the" still name the title
                    d = head[1][0] - 1
                    if (d >= 2 and words[d] in ("a", "an", "the") and self.joined(d) and self.joined(d + 1)
                            and self.name_like(d - 1) and words[d - 2] in _GIVEN_NAMES and self.joined(d - 1)):
                        return "named", (d - 2, d)
                    return head
            return found
        if p >= 0 and self.joined(p + 1) and words[p] in _PREPOSITIONS and depth < 4 and p > 0 and self.joined(p):
            # "Hospital officials in Riverton said", "Amy Liu of Riverton University said": the subject
            # is the phrase before the preposition
            head = self.phrase_before(p - 1, depth + 1)
            if not isinstance(head, tuple):
                return missing
            if self.raw and words[p] == "of" and head[1][1] == p and self.cap[p - 1] and words[p - 1] in _BODIES:
                return "named", (head[1][0], j + 1)  # "the Bank of England said"
            if self.raw or head[0] == "role" or (words[p] == "of" and head[1][1] == p):
                return head
            return missing  # "... defended trump for lying told", "shares from the government said"
        return found if found else missing

    def source_after(self, first: int, last: int) -> tuple[str, tuple[int, int]] | None:
        """The source named after the verb: "said Dr. Elaine Park", "according to the Greenfield Chamber"."""
        words, n = self.words, self.n
        according = words[first] == "according"
        k = last
        if k >= n or self.pun[k]:
            return None
        if words[k] in _PRONOUN_SOURCE and not according:
            return "named", (k, k + 1)
        det = None
        if words[k] in _DETERMINERS:
            det = words[k]
            k += 1
            if k >= n or self.pun[k]:
                return None
        skip = k
        while skip < n and skip - k < 2 and len(words[skip]) == 1 and words[skip] not in ("a", "i"):
            skip += 1  # "said u s rep jared huffman": an initialism before the title
        if skip > k and skip < n and (words[skip] in _ROLES or words[skip] in _HONORIFICS):
            k = skip
        e = self.run_forward(k)
        if e < k:
            return None
        while e + 2 < n and words[e + 1] == "s" and self.joined(e + 1) and self.joined(e + 2):
            e = max(e, self.run_forward(e + 2))  # "said Michigan's Kaul": a possessive qualifies the name
        if any(self.words[i] in _NON_SOURCE and self.words[i] not in _ROLES for i in range(k, e + 1)):
            return None  # "according to government emails", "according to a report by ..."
        found = self.classify_after(k, e, det, according)
        if found and found[0] == "named" and self.raw and words[found[1][1] - 1] in _BODIES:
            lo, hi = found[1]
            # "the Greenfield Chamber of Commerce", "the University of Washington"
            while (hi + 1 < n and words[hi] == "of" and self.joined(hi) and self.joined(hi + 1)
                   and self.cap[hi + 1] and self.name_like(hi + 1) and hi - lo < 6):
                hi += 2
                while hi < n and self.joined(hi) and self.cap[hi] and self.name_like(hi) and hi - lo < 6:
                    hi += 1
            found = ("named", (lo, hi))
        return found

    def no_attribution(self, first: int, last: int) -> bool:
        """A reporting verb used otherwise: "declined to say", "the stated view", "added a second"."""
        words = self.words
        if first > 0 and self.joined(first) and words[first - 1] in _NOT_BEFORE_VERB and words[first] != "according":
            return True
        if first > 0 and self.joined(first) and words[first - 1] in _PASSIVE and words[first] in ("said", "told"):
            return True
        return (words[first] in _OBJECT_VERBS and last < self.n and self.joined(last)
                and (words[last] in _OBJECT_START or words[last].isdigit()))


def find_sourcing(text: str, tokens: Sequence[Token], *, normalised: bool | None = None) -> Sourcing:
    """Named, title-only and anonymous attributions in ``text``."""
    stream = _Stream.of(tokens)
    raw = not (looks_normalised(text) if normalised is None else normalised)
    spans: list[tuple[int, int, str]] = []
    present = stream.present
    for (cue, regex), triggers in zip(_ANON_RE, _ANON_TRIGGERS):
        if present.isdisjoint(triggers):
            continue
        for first, last, _ in stream.finditer(regex):
            spans.append((first, last, cue))
    spans.sort()
    # merge matches that overlap or touch into one attribution
    merged: list[list[Any]] = []
    for first, last, cue in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
            if cue not in merged[-1][2]:
                merged[-1][2].append(cue)
        else:
            merged.append([first, last, [cue]])
    anonymous: list[Attribution] = []
    anon_tokens = bytearray(len(tokens) + 1)
    for first, last, cues in merged:
        start, end = _chars(tokens, first, last)
        anonymous.append(Attribution("anonymous", " ".join(stream.words[first:last]), start, end, "; ".join(cues)))
        # a reporting verb within a few tokens belongs to this anonymous attribution
        for k in range(max(0, first - 8), min(len(tokens), last + 8)):
            anon_tokens[k] = 1
    found: dict[str, list[Attribution]] = {"named": [], "role": []}
    words = stream.words
    clauses: _Clauses | None = None
    for first, last, verb in stream.finditer(_VERB_RE):
        if any(anon_tokens[first:last]):
            continue
        if clauses is None:
            clauses = _Clauses(text, tokens, words, raw)
        near = _source_near(clauses, first, last)
        if near is None:
            continue
        kind, source = near
        lo = min(first, source[0])
        hi = max(last, source[1])
        start, end = _chars(tokens, lo, hi)
        found[kind].append(Attribution(kind, " ".join(words[lo:hi]), start, end, verb, " ".join(words[source[0]:source[1]])))
    named, by_role = found["named"], found["role"]
    return Sourcing(tuple(named), tuple(anonymous), _profile(len(named), len(by_role), len(anonymous), len(tokens)),
                    tuple(by_role))


def _source_near(c: _Clauses, first: int, last: int) -> tuple[str, tuple[int, int]] | None:
    """(kind, token span) of who the reporting verb ``[first, last)`` attributes to, if anyone:
    ``named`` for a name, he/she (which refers back to one) or a body on the record, ``role`` for a
    title or group with no name ("the official said", "according to a senior administration official").

    The subject before the verb comes first ("Smith said", "a law enforcement official told"), then
    what follows it ("said Smith", "according to the agency"); the person told ("told the New York
    Post") is never the source.  An indefinite title is a role even beside a place name ("in New
    Jersey, a law enforcement official told"): only an apposition closed by commas ("Smith, a former
    judge, said") puts a name to a title."""
    if c.no_attribution(first, last):
        return None
    verb = c.words[first]
    before = _NONE if verb == "according" else c.subject_before(first)
    if before is _BLOCKED:
        return None
    if before is not _NONE:
        if (not c.raw and before[0] == "named" and verb != "told" and verb != "tells"
                and before[1][1] - before[1][0] == 1 and c.words[before[1][0]] in c.weak):
            # "... inside of venezuela said fernando cutz a former adviser": without the quotation
            # marks a capitalised word before the verb may end the quote; a first name after the verb
            # is the stronger evidence of who is speaking
            after = c.source_after(first, last)
            if isinstance(after, tuple) and after[0] == "named" and c.words[after[1][0]] in _GIVEN_NAMES:
                return after
        return before
    if verb in ("told", "tells"):
        return None
    return c.source_after(first, last)  # "according to" is one match: ``last`` is past "to"


def _profile(named: int, by_role: int, anonymous: int, n_tokens: int) -> str:
    total = named + by_role + anonymous
    if total == 0:
        return "No attributed sources found." if n_tokens >= 80 else "Too short to judge sourcing."
    counts = (f"{named} to named people, {by_role} to a title only (\"an official said\"), {anonymous} anonymous "
              f"({total} attribution{'s' if total != 1 else ''})")
    unnamed = by_role + anonymous
    if named == 0:
        lead = "No named sources"
    elif unnamed > named:
        lead = "Mostly unnamed sources"
    elif unnamed == named:
        # a tie is no majority either way: "Mostly" would claim one
        lead = "Mixed sourcing, as many named as unnamed"
    elif anonymous / total >= 0.2:
        lead = "Named sourcing with notable anonymous sourcing"
    else:
        lead = "Mostly named sources"
    return f"{lead}: {counts}."


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------


def analyze_provenance(
    text: str,
    tokens: Sequence[Token] | None = None,
    artefacts: Sequence[Artefact] | None = None,
    *,
    lexicon: Iterable[str] | None = None,
    normalised: bool | None = None,
    known_share: float | None = None,
) -> Provenance:
    """Provenance facts of ``text`` (raw or pre-normalised); see :class:`Provenance`.

    ``tokens`` / ``artefacts`` are those of :func:`newscred.text.normalise.tokenize` and
    :func:`newscred.text.artefacts.find_artefacts` on ``text`` (computed when omitted);
    ``lexicon`` is the set of known words used to spot a cut first/last word (default: the
    bundled model's lexicon).
    """
    if tokens is None:
        tokens = tokenize(text)
    tokens = list(tokens)
    if artefacts is None:
        artefacts = find_artefacts(tokens)
    if normalised is None:
        normalised = looks_normalised(text)
    lex = _default_lexicon() if lexicon is None else frozenset(lexicon)
    wire, origin = find_wire(text, tokens, artefacts, normalised=normalised)
    blocks = find_injected_blocks(text, tokens, artefacts, normalised=normalised)
    truncation = _truncation(text, tokens, lex, normalised, artefacts, known_share)
    sourcing = find_sourcing(text, tokens, normalised=normalised)
    release = find_press_release(text, tokens)
    return Provenance(
        wire=tuple(wire),
        wire_origin=origin,
        injected_blocks=tuple(blocks),
        truncated_start=truncation["start"].truncated,
        truncated_end=truncation["end"].truncated,
        truncation=truncation,
        sourcing=sourcing,
        normalised_input=normalised,
        press_release=release,
    )


# Press-release distributors as their names survive normalisation ("/PRNewswire/" -> "prnewswire").
_DISTRIBUTORS = {"prnewswire": "PR Newswire", "pr newswire": "PR Newswire", "business wire": "Business Wire",
                 "businesswire": "Business Wire", "globe newswire": "GlobeNewswire", "globenewswire": "GlobeNewswire",
                 "accesswire": "ACCESSWIRE", "marketwired": "Marketwired", "prweb": "PRWeb", "cision": "Cision",
                 "canada newswire": "Canada NewsWire", "eqs newswire": "EQS"}
_DISTRIBUTOR_RE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _DISTRIBUTORS), key=len, reverse=True)) + r")\b")
_RELEASE_RE = re.compile(r"\bfor immediate release\b")
# A distributor's name is its dateline ("BOSTON, Jan. 14, 2025 /PRNewswire/ --") near the opening;
# named later it is usually a story about the company or a "Source:" footer line, also a release.
_RELEASE_WINDOW_TOKENS = 60


def find_press_release(text: str, tokens: Sequence[Token]) -> PressRelease | None:
    """The first press-release mark near the opening (a distributor's dateline, "for immediate
    release"), or ``None``.  A release is the organisation speaking for itself: its quotes are
    named and its claims are its own, which a sourcing count alone does not say."""
    head = tokens[:_RELEASE_WINDOW_TOKENS]
    if not head:
        return None
    words = " ".join(t.text for t in head)
    m = _DISTRIBUTOR_RE.search(words) or _RELEASE_RE.search(words)  # the distributor says more
    if m is None:
        return None
    first = words.count(" ", 0, m.start())
    last = first + m.group().count(" ") + 1
    start, end = head[first].start, head[last - 1].end
    return PressRelease(_DISTRIBUTORS.get(m.group()), text[start:end], start, end)


assert len(_TRIGGER_GUARDS) == len(_TRIGGERS), "one guard per trigger"
assert len(_EXTRA_WIRE_TRIGGERS) == len(_EXTRA_WIRE) and len(_ANON_TRIGGERS) == len(_ANON_RE), "one trigger set per pattern"
