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
* ``sourcing``: named attributions (said/told/according to with a name or he/she near it), those
  to a title only ("an official said"),
  and anonymous ones ("spoke on the condition of anonymity", "a person familiar with",
  "sources said", "who was not authorized to ..."), each with offsets, and a one-line profile.

Everything runs on the normalised token stream of :func:`newscred.text.normalise.tokenize`, so a
raw article and its pre-normalised copy give (nearly) the same answers; raw text only adds the
shape evidence.  No model file is needed beyond the bundled lexicon (for truncation).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..text.artefacts import Artefact, find_artefacts
from ..text.normalise import Token, looks_normalised, tokenize

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "wire": [w.to_dict() for w in self.wire],
            "wire_origin": self.wire_origin,
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
    "associated", "associated", "associated", "editing edited", "reuters", "afp agence", "contact", "bloomberg",
    "bloomberg", "united", "xinhua", "ap", "reuters", "afp",
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
    present = set(stream.words)
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
    "explained": -1.8, "noted": -1.8, "reported": -1.0, "stated": -1.5, "says": 1.0,
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

# Trigger phrases that head injected runs: (regex on normalised tokens, LLR added to its tokens)
_TRIGGERS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\b(?:top|latest|more|popular|featured|related|recommended|trending|sponsored|promoted|breaking) (?:stories|articles|posts|news|headlines|reads|videos|links|coverage|content)\b"), 9.0),
    (re.compile(r"\byou (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)\b"), 9.0),
    (re.compile(r"\b(?:most (?:popular|read|viewed|shared|emailed)|trending now|popular now|editor s picks|editors picks|also read|read also|see also|more from|recommended for you|don t miss|in case you missed it|more on this)\b"), 7.0),
    (re.compile(r"\b(?:related|recommended|trending|sponsored|advertisement|read more|more news|watch)\b"), 2.5),
]
# the same words with raw-text punctuation that marks them as a heading ("Related:", "RELATED")
_RAW_TRIGGER = re.compile(r"(?m)^\s*(?:top stories|related(?: stories| articles| posts| coverage| news)?|recommended(?: for you)?|trending(?: now)?|most popular|most read|read more|read also|also read|more from [^\n]{1,40}|you may also like|sponsored(?: content)?|promoted(?: stories)?)\s*[:\-\u2013\u2014|]*\s*$|\b(?:RELATED|READ MORE|TOP STORIES|TRENDING|MORE|ALSO READ|SEE ALSO)\b\s*[:\-\u2013\u2014]", re.I)

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
    r"listen to this article|we use cookies(?: [a-z]+){0,8}|(?:this|our) (?:web ?site|site) uses cookies(?: [a-z]+){0,8})\b"
)

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


_TERMINALS = frozenset(".!?")


def _token_llrs(text: str, tokens: Sequence[Token], raw: bool, neutral: bytearray) -> tuple[list[float], list[str]]:
    """Per-token LLR "inside an injected block vs article prose", and a feature tag per token."""
    n = len(tokens)
    words = [t.text for t in tokens]
    first_pos: dict[str, int] = {}
    last_pos: dict[str, int] = {}
    stems: list[str | None] = []
    for i, w in enumerate(words):
        if w in _FUNCTION_LLR or w.isdigit() or len(w) < 3:
            stems.append(None)
            continue
        s = _stem(w)
        stems.append(s)
        first_pos.setdefault(s, i)
        last_pos[s] = i
    shared = [False] * n
    n_content = n_unshared = 0
    for i, s in enumerate(stems):
        if s is None:
            continue
        sh = first_pos[s] <= i - _SHARE_DISTANCE or last_pos[s] >= i + _SHARE_DISTANCE
        shared[i] = sh
        n_content += 1
        n_unshared += not sh
    # the article's own rate of "content word found nowhere else", shrunk towards 0.6
    p = (n_unshared + 0.6 * 20) / (n_content + 20)
    p = min(max(p, 0.25), 0.8)
    q = max(_Q_UNSHARED, p + 0.1)
    llr_unshared = math.log(q / p)
    llr_shared = math.log((1 - q) / (1 - p))

    cap_llr = nocap_llr = term_llr = brk_llr = other_llr = comma_llr = fcap_llr = 0.0
    follow: list[str] = []
    caps: list[bool | None] = []
    if raw:
        n_cap = n_cap_seen = 0
        n_term = n_brk = n_comma = n_fcap = 0
        fcaps: list[bool] = []
        for i, t in enumerate(tokens):
            gap = text[t.end : tokens[i + 1].start] if i + 1 < n else text[t.end :]
            if not _TERMINALS.isdisjoint(gap):
                f = "term"
                n_term += 1
            elif "\n" in gap:
                f = "brk"
                n_brk += 1
            elif "," in gap or ";" in gap:
                f = "comma"
                n_comma += 1
            else:
                f = "other"
            follow.append(f)
            if stems[i] is None and len(t.text) >= 2 and t.text in _FUNCTION_LLR and not _sentence_initial(text, t.start):
                # "The", "Of", "To" capitalised mid-sentence: Title Case, which prose never uses
                fcaps.append(text[t.start].isupper())
                n_fcap += fcaps[-1]
            else:
                fcaps.append(False)
            if stems[i] is not None and len(t.text) >= 4 and not _sentence_initial(text, t.start):
                c = text[t.start].isupper()
                caps.append(c)
                n_cap += c
                n_cap_seen += 1
            else:
                caps.append(None)
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

    llrs: list[float] = []
    tags: list[str] = []
    for i, w in enumerate(words):
        if neutral[i]:
            llrs.append(0.0)
            tags.append("artefact")
            continue
        if stems[i] is None:
            if w.isdigit():
                v, tag = _NUMBER_LLR, "number"
            else:
                v, tag = _FUNCTION_LLR.get(w, 0.0), "function"
        else:
            v = _CONTENT_LLR + (llr_shared if shared[i] else llr_unshared)
            tag = "shared" if shared[i] else "unshared"
        if raw:
            f = follow[i]
            v += term_llr if f == "term" else brk_llr if f == "brk" else comma_llr if f == "comma" else other_llr
            if fcaps[i]:
                v += fcap_llr
            c = caps[i]
            if c is not None:
                v += cap_llr if c else nocap_llr
        llrs.append(v)
        tags.append(tag)
    return llrs, tags


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
    llrs, tags = _token_llrs(text, tokens, raw, neutral)
    stream = _Stream.of(tokens)
    trigger_at: dict[int, tuple[int, str, float]] = {}
    for regex, bonus in _TRIGGERS:
        for first, last, phrase in stream.finditer(regex):
            if any(i in trigger_at for i in range(first, last)):
                continue
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
    for i, j in _viterbi(llrs):
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
    blocks.extend(_promo_blocks(text, stream, raw, blocks))
    blocks.sort(key=lambda b: b.start)
    return blocks


def _promo_blocks(text: str, stream: _Stream, raw: bool, found: Sequence[InjectedBlock]) -> list[InjectedBlock]:
    out: list[InjectedBlock] = []
    tokens = stream.tokens
    for first, last, phrase in stream.finditer(_PROMO):
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
               artefacts: Sequence[Artefact] = ()) -> dict[str, TruncationEvidence]:
    """Is the text cut at the start / end?  ``{"start": evidence, "end": evidence}``."""
    return _truncation(text, tokens, lexicon, normalised, artefacts)


_UNSEEN = " (the text has no punctuation, so a cut between two whole words cannot be seen)"

# A story that ends on its credit line ("Editing by Bill Berkrot", "... rewritten or redistributed")
# ended where its writer ended it, whatever the last word looks like.
_CLOSING_ARTEFACTS = frozenset({"byline", "wire_credit"})


def _truncation(text: str, tokens: Sequence[Token], lexicon: frozenset[str], normalised: bool,
                artefacts: Sequence[Artefact] = ()) -> dict[str, TruncationEvidence]:
    if not tokens:
        none = TruncationEvidence(False, None, None, None, "empty text")
        return {"start": none, "end": none}
    first, last = tokens[0], tokens[-1]
    # start
    reason = ""
    if not normalised:
        head = text.lstrip()[:1]
        if head.isalpha() and head.islower():
            reason = "raw text starts with a lower-case letter (mid-sentence)"
    # raw text opening on a capital ("Hydroxychloroquine cures ...") starts a sentence, known word or not
    capital = not normalised and text.lstrip()[:1].isupper()
    if not reason and not capital:
        if first.text in _NO_START:
            reason = f"starts with the word fragment {first.text!r}"
        elif len(first.text) > 1 and not first.text.isdigit() and lexicon and first.text not in lexicon:
            reason = f"first word {first.text!r} is not a known word (cut mid-word)"
    # Without punctuation or capitals a cut between two whole words looks like any other start:
    # say so rather than imply the start was seen to be whole.
    whole = "starts on a whole word" + (_UNSEEN if normalised else "")
    start_ev = TruncationEvidence(bool(reason), first.text, first.start, first.end, reason or whole)
    # end
    reason = ""
    closed = any(a.kind in _CLOSING_ARTEFACTS and a.first_token <= len(tokens) - 1 < a.last_token for a in artefacts)
    if closed:
        end_ev = TruncationEvidence(False, last.text, last.start, last.end, "ends on a credit line or byline")
        return {"start": start_ev, "end": end_ev}
    if not normalised:
        tail = text.rstrip()[-1:]
        closed = bool(tail) and tail in _END_PUNCT
        if tail and not closed and last.end == len(text.rstrip()):
            reason = "raw text ends without closing punctuation"
    # a word followed by a full stop was not cut mid-word, even if the model never saw it ("inflación.")
    if not reason and not closed and not last.text.isdigit():
        if len(last.text) == 1 and last.text not in ("a", "i"):
            reason = f"ends on the single letter {last.text!r} (cut mid-word)"
        elif len(last.text) > 1 and lexicon and last.text not in lexicon:
            reason = f"last word {last.text!r} is not a known word (cut mid-word)"
        elif normalised and last.text in _NO_END:
            reason = f"ends on {last.text!r}, which cannot end a sentence"
    whole = "ends on a whole word" + (_UNSEEN if normalised else "")
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
    ("person familiar with", r"(?:(?:a|an|one|two|three|four|several|some|other|the|multiple|many) )?(?:[a-z]+ )?(?:person|people|persons|sources?|officials?|individuals?|insiders?|aides?) (?:familiar with|close to|briefed on|with (?:direct )?knowledge of|knowledgeable about|in the know)"),
    ("sources said", r"(?:sources?|insiders?) (?:said|say|says|told|tell|tells|claim|claimed|claims|revealed|confirmed|report|reported|added)"),
    ("according to sources", r"(?:according to|told|tells|said) (?:a |an |the |two |three |several |multiple )?(?:[a-z]+ )?(?:sources?|insiders?)"),
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
_ROLES = frozenset(
    "spokesman spokeswoman spokesperson official officials minister secretary senator sen rep gov governor "
    "director ceo chairman chairwoman chair president professor researcher researchers analyst analysts attorney "
    "lawyer prosecutor prosecutors judge commissioner ambassador lawmaker lawmakers aide aides adviser advisor "
    "mayor chief officer officers police sheriff spokespeople representative congressman congresswoman "
    "leader leaders expert experts scientist scientists doctor doctors dr economist executive founder "
    "manager head general colonel captain lieutenant sergeant detective investigator investigators "
    "administrator administration ministry department agency "
    # groups: attributed, but to nobody in particular
    "critics witnesses residents people experts observers activists supporters opponents protesters "
    "neighbors neighbours parents students workers employees staff".split()
)
# Bodies that speak on the record under their name ("the defense ministry", "the environmental protection
# agency"); "an administration official" is still a title, its head word being "official".
_BODIES = frozenset("ministry department agency administration police commission court government office".split())
_PRONOUN_SOURCE = frozenset({"he", "she"})
_NON_SOURCE = frozenset(set(_FUNCTION_LLR) | set("it they we you i this that there who which what report reports "
                                                  "study data statement document documents".split()))
_NAME_STOP = frozenset(set(_FUNCTION_LLR) | {"said", "says", "told", "tells", "according", "also", "previously",
                                            "associated", "press", "reuters", "writers", "writer",
                                            # reporting verbs are never part of a name ("experts say the")
                                            "say", "tell", "stated", "added", "explained", "noted", "testified",
                                            "tweeted", "wrote", "announced", "confirmed", "argued", "insisted",
                                            "warned", "claimed", "recalled", "acknowledged",
                                            "later", "earlier", "then", "reportedly", "repeatedly", "recently",
                                            "once", "often", "has", "have", "had"}
                       # numbers and spans of time end a clause ("within six", "three years"), never a name
                       | set("one two three four five six seven eight nine ten eleven twelve hundred thousand million "
                             "billion year years month months week weeks day days today yesterday time times".split()))


def find_sourcing(text: str, tokens: Sequence[Token], *, normalised: bool | None = None) -> Sourcing:
    """Named, title-only and anonymous attributions in ``text``."""
    stream = _Stream.of(tokens)
    raw = not (looks_normalised(text) if normalised is None else normalised)
    spans: list[tuple[int, int, str]] = []
    present = set(stream.words)
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
    for first, last, verb in stream.finditer(_VERB_RE):
        if any(anon_tokens[first:last]):
            continue
        near = _source_near(text, tokens, words, first, last, raw)
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


def _source_near(text: str, tokens: Sequence[Token], words: Sequence[str], first: int, last: int,
                 raw: bool) -> tuple[str, tuple[int, int]] | None:
    """(kind, token span) of who the reporting verb ``[first, last)`` attributes to, if anyone:
    ``named`` for a name (or he/she, which refers back to one), ``role`` for a title with no name
    next to it ("the official said", "according to a senior administration official")."""
    n = len(words)

    def same_sentence(k: int) -> bool:
        """In raw text, no full stop, question or exclamation mark between token k and the verb."""
        if not raw:
            return True
        lo, hi = (k, first) if k < first else (last - 1, k)
        return not re.search(r"[.!?]", text[tokens[lo].end : tokens[hi].start])

    # a name: raw text -> capitalised words in the verb's sentence; normalised -> the word(s)
    # right before the verb ("molina said") or right after it ("said fernando cutz"); a title
    # ("official", "minister") or a group ("critics", "witnesses") is never a name, so "the
    # official said" falls through to a role
    def is_name(k: int) -> bool:
        if not (0 <= k < n) or words[k] in _NAME_STOP or words[k] in _ROLES or words[k].isdigit() or len(words[k]) < 2:
            return False
        if not same_sentence(k):
            return False
        if raw:
            return text[tokens[k].start].isupper() and not (words[k] in _NON_SOURCE)
        return words[k] not in _NON_SOURCE and not words[k].endswith("ly")
    according = words[first] == "according"  # "according to X": the source only ever follows
    k = last + (1 if according and last < n and words[last] == "to" else 0)
    if is_name(k) and is_name(k + 1) and (k + 2 >= n or words[k + 2] in ("a", "an", "the", "who", "and")):
        return "named", (k, k + 2)  # "said fernando cutz a former ..."
    if not according and is_name(first - 1):
        j = first - 1
        # normalised text cannot show where a name begins: the word before a surname joins it only
        # when it is a known first name ("karen molina said"; "crews arrive molina said" is "molina")
        while j - 1 >= 0 and is_name(j - 1) and first - j < 3 and (raw or words[j - 1] in _FIRST_NAMES):
            j -= 1
        if not (not raw and j > 0 and words[j - 1] in ("a", "an")):  # "a report said" is not a name
            return "named", (j, first)
    elif is_name(k) and is_name(k + 1):
        return "named", (k, k + 2)
    # he/she said, said he/she
    if first > 0 and words[first - 1] in _PRONOUN_SOURCE:
        return "named", (first - 1, first)
    if last < n and words[last] in _PRONOUN_SOURCE and words[first] != "according":
        return "named", (last, last + 1)
    # a title within 5 tokens on either side (after "according to" only); a name beside it makes it named
    before = [] if according else list(range(first - 1, max(-1, first - 6), -1))
    for k in before + list(range(last, min(n, last + 5))):
        if words[k] in _ROLES and same_sentence(k):
            if is_name(k + 1):  # "director karen molina": the name is the source
                return "named", (k + 1, k + 3 if is_name(k + 2) else k + 2)
            if raw:  # "Smith, a former judge, said": the name sits before the comma
                for j in range(k - 1, max(-1, k - 5), -1):
                    if is_name(j) and text[tokens[j].end : tokens[j].end + 1] == ",":
                        return "named", (j, j + 1)
            qualifier = k - 1  # "the defense ministry", "Chicago police"
            if (words[k] in _BODIES and qualifier >= 0 and words[qualifier] not in _NAME_STOP
                    and words[qualifier] not in _ROLES and same_sentence(qualifier)
                    and (not raw or text[tokens[qualifier].start].isupper())
                    and (k + 1 >= n or words[k + 1] not in _ROLES or (k > 1 and words[k - 2] == "the"))):
                return "named", (qualifier, k + 1)  # a named body on the record
            return "role", (k, k + 1)
    return None


def _profile(named: int, by_role: int, anonymous: int, n_tokens: int) -> str:
    total = named + by_role + anonymous
    if total == 0:
        return "No attributed sources found." if n_tokens >= 80 else "Too short to judge sourcing."
    counts = (f"{named} to named people, {by_role} to a title only (\"an official said\"), {anonymous} anonymous "
              f"({total} attribution{'s' if total != 1 else ''})")
    unnamed = (by_role + anonymous) / total
    if named == 0:
        lead = "No named sources"
    elif unnamed >= 0.5:
        lead = "Mostly unnamed sources"
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
    truncation = _truncation(text, tokens, lex, normalised, artefacts)
    sourcing = find_sourcing(text, tokens, normalised=normalised)
    return Provenance(
        wire=tuple(wire),
        wire_origin=origin,
        injected_blocks=tuple(blocks),
        truncated_start=truncation["start"].truncated,
        truncated_end=truncation["end"].truncated,
        truncation=truncation,
        sourcing=sourcing,
        normalised_input=normalised,
    )


assert len(_EXTRA_WIRE_TRIGGERS) == len(_EXTRA_WIRE) and len(_ANON_TRIGGERS) == len(_ANON_RE), "one trigger set per pattern"
