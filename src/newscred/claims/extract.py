"""The claims section of a report: which sentences to check first, and what was already checked.

Three bundled models work in a row, each replaceable on its own:

1. :mod:`.sentences` cuts the text into sentences (punctuation rules for raw text, a boundary
   model learned from punctuated news for text that lost its punctuation);
2. :mod:`.checkworthy` scores every sentence: does it make a factual claim worth checking?
3. :mod:`.matching` (only with an index built by ``newscred claims index build``) lists the
   already fact-checked claims nearest to each check-worthy sentence, with their verdicts.

Offsets always index the caller's text, so a user interface can highlight the sentence.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..text.normalise import Token, looks_normalised, tokenize

if TYPE_CHECKING:
    from .sentences import Sentence

#: sentences listed per report (the most check-worthy first)
DEFAULT_TOP_K = 10
#: fact-checked claims listed per sentence
DEFAULT_MATCHES = 3
#: shorter sentences are headlines, captions or splitter debris, not claims
MIN_CLAIM_WORDS = 5

# Sentences that are the article's furniture, not its claims: credit lines, captions, corrections
# notices, press-release contacts and legal boilerplate.  The check-worthiness model, trained on
# debate transcripts, scores some of them high ("(Reporting by ...; Editing by ...)" at 0.71).
_BOILERPLATE = re.compile(
    r"^(?:(?:additional )?(?:reporting|writing|editing|compiled) by|file photo|(?:photo|photograph|image|picture) "
    r"(?:by|credit|via|courtesy)|"
    r"this (?:story|article|post|report) (?:has been|was) (?:refiled|corrected|updated|amended|changed)|"
    r"(?:media|press) (?:contact|inquiries|enquiries)|for more information|forward looking statements|"
    r"this (?:press )?release contains forward looking|safe harbor|copyright \d{4}|all rights reserved|"
    r"click here|read more|sign up|subscribe|follow us|share this|related (?:coverage|stories|articles|content|links)|"
    # promo headings as they survive normalisation ("Also on rt.com ...", "Image zoom ...")
    r"also on [a-z0-9]+ com|image zoom|see also|also read|read also|trending now|recommended for you|"
    r"you (?:may|might) also like|more from [a-z0-9]+ com|"
    r"corrects?|editor s note|an? (?:earlier|previous) version of this|"
    r"this (?:article|story|post|report|piece) (?:originally|previously|initially|incorrectly|mistakenly) "
    r"(?:stated|said|reported|misstated|gave|identified|misidentified)|"
    r"corrections? (?:appear|appears|are (?:published|printed|noted|made))|"
    r"to report (?:an? )?(?:error|correction|mistake|typo)|"
    r"actual (?:results|events|outcomes) (?:may|could|might) differ materially|"
    r"(?:investor|media|press|news) contacts?|for (?:media|press) (?:inquiries|enquiries))\b")
# ... and the ones only punctuation shows (so only in raw text; each needs a ":", "/", "(" or
# "contributed", which is_boilerplate checks first): "Contact: ...", "Photo: ...",
# captions credited to a wire photographer ("... REUTERS/Carlos Garcia Rawlins", "(AP Photo/Evan
# Vucci)"), contributor lines and a press release's dateline ("BOSTON, Jan. 14, 2025 /PRNewswire/ --",
# which the splitter cuts off the lead).
_BOILERPLATE_RAW = re.compile(
    r"^\W*(?:contacts?|photo|image)\s*:|(?:REUTERS|AFP|Getty Images)/[A-Z][\w .'-]{2,40}\W*$|"
    r"\((?:AP|AFP|Reuters) Photo[^)]*\)\W*$|contributed (?:to )?this (?:report|story)\W*$|"
    r"/\s*(?:PR\s?Newswire|CNW|Canada\s?NewsWire|PRWeb)[\w\s-]{0,20}/\W*$|"
    r"\(\s*(?:BUSINESS\s?WIRE|GLOBE\s?NEWSWIRE|ACCESSWIRE|Marketwired)\s*\)\W*$", re.IGNORECASE)
# A notice's heading ("Correction:", "CLARIFICATION -"), or in text without punctuation the bare word
# before a function word ("correction an article on page a4 ..."): the heading is furniture, what
# follows it is the corrected fact, which is the notice's claim ("Corrections officers struck" is
# neither).
_CONTRIBUTED = re.compile("contributed", re.IGNORECASE)  # as _BOILERPLATE_RAW reads it
_HEADING_RE = re.compile(r"\W*(?:correction|clarification)\b(?P<sep>\s*[:\u2013\u2014-]+)?\s*", re.IGNORECASE)
_HEADING_FOLLOWERS = frozenset("a an the this these that those in on at our we it its their his her".split())
# Words a Title Case headline leaves in lower case.
_SMALL_WORDS = frozenset("""a an the and or but nor for of in on at to by with from as vs via per into onto over than up
    off out so yet de la le van von der da di du des del""".split())
_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019.-]*")


_FOLD = re.compile(r"[^a-z0-9]+")
_FOLD_ANY = re.compile(r"[\W_]+")


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` is furniture (a credit line, a caption, a correction notice, a contact
    or legal line, a Title Case headline) rather than something the article claims."""
    rest = _after_heading(sentence)
    if rest is not None:
        return not rest or is_boilerplate(rest)
    # the opening words, lower-cased with punctuation as spaces: enough for these patterns, and
    # far cheaper than normalise() on every sentence of every article
    head = _FOLD.sub(" ", sentence[:80].lower()).strip()
    if _BOILERPLATE.match(head):
        return True
    probe = sentence[:20] + " " + sentence[-80:]
    if _may_hold_raw_boilerplate(probe) and _BOILERPLATE_RAW.search(probe):
        return True
    return _title_case(sentence)


def _may_hold_raw_boilerplate(probe: str) -> bool:
    """Whether ``probe`` has what every _BOILERPLATE_RAW pattern needs (":", "/", "(" or
    "contributed"): most sentences have none, and that search (case-insensitive, unanchored) is
    the dearest step of is_boilerplate."""
    return ":" in probe or "/" in probe or "(" in probe or bool(_CONTRIBUTED.search(probe))


def _after_heading(sentence: str) -> str | None:
    """What follows a notice heading that opens ``sentence`` ("" for the heading alone), or None
    when it opens with none."""
    m = _HEADING_RE.match(sentence)
    if not m:
        return None
    rest = sentence[m.end():]
    if not rest:
        return ""
    nxt = rest.split(None, 1)[0].lower()
    # without a colon or dash, "correction" heads a notice only before a function word
    # ("correction an article ..."), not in "correction officers said"
    return rest if m.group("sep") or nxt in _HEADING_FOLLOWERS else None


def _title_case(sentence: str) -> bool:
    """A headline in Title Case ("10 Foods That Will Totally Change Your Life"): every word
    capitalised but the small ones.  A sentence has lower-case verbs and nouns; shouting in
    capitals ("VACCINES CAUSE AUTISM") is not a headline style, so it is kept."""
    words = []
    for match in _WORD_RE.finditer(sentence):
        word = match.group()
        if word[0].islower() and word.lower() not in _SMALL_WORDS:
            return False  # most sentences show a lower-case word within a few: no need to read on
        words.append(word)
    if len(words) < MIN_CLAIM_WORDS:
        return False
    capitalised = [w for w in words if w[0].isupper()]
    mixed = sum(any(c.islower() for c in w) for w in capitalised)
    return len(capitalised) >= MIN_CLAIM_WORDS - 1 and mixed * 3 >= len(capitalised) * 2


@dataclass(frozen=True)
class CheckWorthySentence:
    """One sentence worth checking, located in the input."""

    text: str
    start: int
    end: int
    score: float
    rank: int
    matches: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "text": self.text, "start": self.start, "end": self.end,
                "score": round(self.score, 4), "matches": list(self.matches)}


@dataclass(frozen=True)
class ClaimsSection:
    """The ``claims`` section of a report."""

    segmentation: str  # "punctuation" (raw text) or "boundary-model" (text without punctuation)
    sentences: int
    threshold: float
    items: tuple[CheckWorthySentence, ...]
    index: dict[str, Any] | None = None
    notes: tuple[str, ...] = field(default=())
    #: the boundary model that split a text without punctuation (None otherwise)
    sentence_model: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "segmentation": self.segmentation,
            "sentence_model": self.sentence_model,
            "sentences": self.sentences,
            "threshold": round(self.threshold, 4),
            "index": self.index,
            "items": [item.to_dict() for item in self.items],
            "notes": list(self.notes),
        }


class ClaimFinder:
    """Finds the check-worthy sentences of an article and matches them against fact-checks.

    Thread-safe after construction (the models keep no per-call state).  Load once, reuse.
    """

    def __init__(self, *, checkworthiness: Any = None, sentence_model: Any = None, index: Any = None,
                 top_k: int = DEFAULT_TOP_K, matches_per_claim: int = DEFAULT_MATCHES,
                 min_score: float | None = None, min_similarity: float | Mapping[str, float] | None = None) -> None:
        """``min_similarity``: the similarity floor of a match (a number, or one per scorer as
        ``{"fused": 0.4}``); ``None`` keeps the measured defaults
        (:data:`~newscred.claims.matching.DEFAULT_MIN_SIMILARITY`)."""
        from .checkworthy import CheckWorthinessModel
        from .sentences import default_model

        self.checkworthiness = checkworthiness or CheckWorthinessModel.load()
        self.sentence_model = sentence_model or default_model()
        self.index = index
        self._index_info: dict[str, Any] | None = None
        self.top_k = top_k
        self.matches_per_claim = matches_per_claim
        self.min_similarity = dict(min_similarity) if isinstance(min_similarity, Mapping) else min_similarity
        # The model's threshold is the cut that maximised F1 on its training data.
        self.min_score = float(self.checkworthiness.threshold if min_score is None else min_score)

    @classmethod
    def load(cls, index: str | os.PathLike[str] | Any = None, **kwargs: Any) -> "ClaimFinder":
        """The bundled models, plus the fact-check index at ``index`` (a path or a ClaimIndex)."""
        if isinstance(index, (str, os.PathLike)):
            from .matching import ClaimIndex

            index = ClaimIndex.open(index)
        return cls(index=index, **kwargs)

    def index_info(self) -> dict[str, Any] | None:
        """What the report says about the index (computed once per finder)."""
        if self.index is None:
            return None
        if self._index_info is None:
            # from the index's config, not ClaimIndex.info(): that parses all ~15,000 entries
            config = self.index.config
            self._index_info = {"path": str(self.index.path), "claims": config.get("claims"),
                                "datasets": config.get("datasets"), "method": self.index.default_method}
        return dict(self._index_info)

    def scored_sentences(self, text: str, *, normalised: bool | None = None,
                         tokens: Sequence[Token] | None = None) -> list[tuple[Any, float | None]]:
        """Every sentence of ``text`` in order, with its check-worthiness (None for sentences under
        :data:`MIN_CLAIM_WORDS` words: headlines, captions and splitter debris are not claims).

        ``normalised``: split with the boundary model (True) or the punctuation rules (False);
        None decides from the text.  ``tokens``: ``tokenize(text)`` when the caller has it.
        """
        from .checkworthy import token_terms

        tokens = tokenize(text) if tokens is None else tokens
        is_normalised = looks_normalised(text) if normalised is None else normalised
        sentences = self.sentences(text, normalised=is_normalised, tokens=tokens)
        starts = [t.start for t in tokens]
        # (splitting at most MIN_CLAIM_WORDS times counts the words as far as the test needs)
        long_enough = [i for i, s in enumerate(sentences)
                       if len(s.text.split(None, MIN_CLAIM_WORDS)) >= MIN_CLAIM_WORDS and not is_boilerplate(s.text)]
        terms = [token_terms(_tokens_within(tokens, starts, sentences[i].start, sentences[i].end)) for i in long_enough]
        scores: list[float | None] = [None] * len(sentences)
        if long_enough:
            for i, score in zip(long_enough, self.checkworthiness.score_terms(terms).tolist()):
                scores[i] = score
        return list(zip(sentences, scores))

    def sentences(self, text: str, *, normalised: bool | None = None,
                  tokens: Sequence[Token] | None = None) -> list[Sentence]:
        """The sentences of ``text`` the claims section works on: the splitter's, with a notice
        heading ("Correction:") cut off the sentence it opens, so the corrected fact is scored."""
        from .sentences import Sentence, split_sentences

        out = []
        for s in split_sentences(text, normalised=normalised, model=self.sentence_model, tokens=tokens):
            rest = _after_heading(s.text)
            if rest:
                head = s.text[: len(s.text) - len(rest)].rstrip()
                out.append(Sentence(s.start, s.start + len(head), head))
                s = Sentence(s.end - len(rest), s.end, rest)
            out.append(s)
        return out

    def sentence_list(self, text: str, *, normalised: bool | None = None) -> dict[str, Any]:
        """Every sentence of ``text``: offsets, check-worthiness, whether the report would list it
        and whether it lies mostly inside a block a republisher injected (which the report leaves
        out).  What ``newscred claims sentences`` prints and ``POST /v1/claims/sentences`` returns.
        """
        from ..errors import EmptyInputError
        from ..provenance.detect import find_injected_blocks

        tokens = tokenize(text)
        if not tokens:
            raise EmptyInputError("The text is empty: it has no letters or digits to split into sentences.")
        is_normalised = looks_normalised(text) if normalised is None else normalised
        scored = self.scored_sentences(text, normalised=is_normalised, tokens=tokens)
        injected = [(b.start, b.end) for b in find_injected_blocks(text, tokens, normalised=is_normalised)]
        rows = []
        for sentence, score in scored:
            inside = mostly_inside(sentence.start, sentence.end, injected)
            not_scored = None
            if score is None:  # say which: a short fragment, or furniture that is never a claim
                not_scored = "short" if len(sentence.text.split()) < MIN_CLAIM_WORDS else "furniture"
            rows.append({"start": sentence.start, "end": sentence.end,
                         "score": None if score is None else round(score, 4),
                         "check_worthy": score is not None and score >= self.min_score and not inside,
                         "injected": inside, "not_scored": not_scored, "text": sentence.text})
        return {"segmentation": "boundary-model" if is_normalised else "punctuation",
                "sentence_model": self.sentence_model_info() if is_normalised else None,
                "threshold": round(self.min_score, 4), "sentences": rows}

    def find(self, text: str, *, normalised: bool | None = None,
             skip_spans: Sequence[tuple[int, int]] = (), tokens: Sequence[Token] | None = None,
             cancel: Any = None) -> ClaimsSection:
        """The claims section for ``text``.

        ``skip_spans``: character ranges that are not the article's own words (the blocks a
        republisher injected, found by provenance); a sentence lying mostly inside one is not
        listed, since its claims are not the article's.  ``tokens``: ``tokenize(text)``, when the
        caller has it (the analyzer does), so the text is tokenised once, not once per sentence.
        ``cancel``: the analysis's :class:`~newscred.analyzer.CancelToken` (or None), looked at
        before the fact-check matching.
        """
        tokens = tokenize(text) if tokens is None else tokens
        is_normalised = looks_normalised(text) if normalised is None else normalised
        scored = self.scored_sentences(text, normalised=is_normalised, tokens=tokens)
        notes: list[str] = []
        if is_normalised:
            notes.append(self._boundary_note())
        own = scored  # without injected blocks, every sentence (never empty) is the article's own
        if skip_spans:
            own = [(s, score) for s, score in scored if not mostly_inside(s.start, s.end, skip_spans)]
        if len(own) < len(scored):
            notes.append(f"{len(scored) - len(own)} sentence(s) inside blocks injected by a republisher were not considered")
        distinct = _first_occurrences(own, key=lambda cs: cs[0].text)
        repeats = sum(1 for s, score in own if score is not None and score >= self.min_score) - sum(
            1 for s, score in distinct if score is not None and score >= self.min_score)
        if repeats:
            # scraped pages repeat paragraphs (a pasted duplicate, a pull quote): one claim, listed once
            notes.append(f"{repeats} check-worthy sentence(s) repeating an earlier one word for word are listed once")
        ranked = sorted(((s, score) for s, score in distinct if score is not None), key=lambda cs: (-cs[1], cs[0].start))
        chosen = [(s, score) for s, score in ranked if score >= self.min_score][: self.top_k]
        if cancel is not None and cancel.is_set():
            from ..errors import AnalysisCancelledError

            raise AnalysisCancelledError.before("claim matching")
        matches = self._matches([s.text for s, _ in chosen], notes)
        items = tuple(CheckWorthySentence(s.text, s.start, s.end, score, rank, m)
                      for rank, ((s, score), m) in enumerate(zip(chosen, matches), 1))
        return ClaimsSection("boundary-model" if is_normalised else "punctuation", len(scored), self.min_score,
                             items, self.index_info(), tuple(notes),
                             self.sentence_model_info() if is_normalised else None)

    def sentence_model_info(self) -> dict[str, Any]:
        """What the report says of the boundary model: {architecture, sha256, heldout_f1}."""
        info = self.sentence_model.info or {}
        return {"architecture": info.get("architecture", self.sentence_model.architecture),
                "sha256": info.get("sha256"), "heldout_f1": info.get("heldout_f1")}

    def _boundary_note(self) -> str:
        f1 = self.sentence_model_info()["heldout_f1"]
        how_good = "" if f1 is None else f" (boundary F1 {f1:.2f} on articles from sources it never saw)"
        return ("the text has no punctuation: sentence ends were predicted by the boundary model" + how_good
                + " and are approximate, so check where each listed sentence starts and ends")

    def _matches(self, texts: list[str], notes: list[str]) -> list[tuple[dict[str, Any], ...]]:
        """The fact-checked matches of each of ``texts`` (empty without an index); adds to ``notes``
        what a reader must know of them, or how to get them."""
        if not texts:
            return []
        if self.index is None:
            notes.append("no fact-check index loaded: build one with 'newscred claims index build' and load it "
                         "(--claims-index, or claims_index= in Python)")
            return [()] * len(texts)
        found = [tuple(m.to_dict() for m in row)
                 for row in self.index.query(texts, k=self.matches_per_claim, min_similarity=self.min_similarity)]
        if any(found):
            notes.append(MATCH_CAVEAT)
        return found

    def single(self, text: str) -> ClaimsSection:
        """The claims section for a short text (claim mode): the text as one claim, or, when it
        is a post of several sentences that each could be a claim ("Vaccines cause autism. The
        water is poisoned."), each of them on its own, so that each finds its own fact-checks.

        The sentences are those ``newscred claims sentences`` shows.  A post is what the reader
        asked about, so no word of it is dropped: a sentence under :data:`MIN_CLAIM_WORDS` words
        joins its neighbour ("Wake up!" is part of the claim before it); only furniture and word
        for word repeats are left out, and the note says so."""
        stripped = text.strip()
        start = text.index(stripped) if stripped else 0
        flat = looks_normalised(text)
        sentences = self.sentences(text, normalised=flat) if stripped else []
        kept = [(i, s) for i, s in enumerate(sentences) if not is_boilerplate(s.text)]
        distinct = _first_occurrences(kept, key=lambda i_s: i_s[1].text)
        groups: list[list[tuple[int, Sentence]]] = []
        for i, s in distinct:
            short = len(s.text.split()) < MIN_CLAIM_WORDS
            if groups and groups[-1][-1][0] == i - 1 and (
                    short or sum(len(x.text.split()) for _, x in groups[-1]) < MIN_CLAIM_WORDS):
                groups[-1].append((i, s))
            else:
                groups.append([(i, s)])
        parts = [(text[g[0][1].start:g[-1][1].end], g[0][1].start, g[-1][1].end) for g in groups]
        if len(parts) < 2:
            parts = [(stripped, start, start + len(stripped))] if stripped else []
            notes = ["the whole text is treated as one claim"]
        elif len(parts) == len(sentences):
            notes = [f"the text's {len(parts)} sentences are listed one by one, each with its own fact-checks"]
        else:
            # the count must match what 'newscred claims sentences' shows for the same text
            why = [f"{n} {what}" for n, what in (
                (len(distinct) - len(parts), f"joined to a neighbour (under {MIN_CLAIM_WORDS} words)"),
                (len(sentences) - len(kept), "left out as a credit, notice or heading line"),
                (len(kept) - len(distinct), "left out as a word-for-word repeat")) if n]
            notes = [f"the text's {len(sentences)} sentences are listed as {len(parts)} parts, each with its own "
                     f"fact-checks: {'; '.join(why)}"]
        scores = [float(x) for x in self.checkworthiness.score([t for t, _, _ in parts])] if parts else []
        found = self._matches([t for t, _, _ in parts], notes)
        # a short text is what the reader asked about: every part is listed, most check-worthy first
        order = sorted(range(len(parts)), key=lambda i: (-scores[i], parts[i][1]))
        items = tuple(CheckWorthySentence(parts[i][0], parts[i][1], parts[i][2], scores[i], rank, found[i])
                      for rank, i in enumerate(order, 1))
        split = "boundary-model" if flat else "punctuation"
        segmentation = "whole-text" if len(parts) < 2 else split
        return ClaimsSection(segmentation, len(parts), self.min_score, items, self.index_info(), tuple(notes),
                             self.sentence_model_info() if segmentation == "boundary-model" else None)


#: Every surface shows this beside the matches.  A match is found by word and meaning overlap: it
#: can be about another topic (the similarity floor drops most of those, not all), or say the
#: opposite ("vaccines cause autism" finds "the vaccine doesn't cause autism", rated true), and
#: its verdict is about its own wording.  ``negation_differs`` on a match flags the plainest case.
MATCH_CAVEAT = ("each match is a similar fact-checked claim, not this sentence: its verdict applies to the matched "
                "claim's own wording only, which can differ in a name, a number or a 'not' and even say the opposite "
                "(matches are the nearest claims above a similarity floor, not proof that this sentence was checked); "
                "read the matched claim before applying its verdict")


def _first_occurrences(rows: Sequence[Any], *, key: Any) -> list[Any]:
    """``rows`` without those whose sentence repeats an earlier one (compared on letters and
    digits, so spacing and curly quotes do not matter)."""
    texts = [key(row) for row in rows]
    # Folding costs a few microseconds a sentence, and almost every sentence of an article has a
    # letter checksum (_letter_checksums) no other has: it repeats none and none repeats it.  Only the others are
    # folded and compared.
    shared = None
    if len(texts) >= 8:
        sums = _letter_checksums(texts)
        counts: dict[int, int] = {}
        for value in sums:
            counts[value] = counts.get(value, 0) + 1
        shared = [counts[value] > 1 for value in sums]
    seen: set[str] = set()
    out = []
    for i, (row, text) in enumerate(zip(rows, texts)):
        if shared is None or shared[i]:
            folded = _FOLD_ANY.sub(" ", text.lower()).strip()
            if folded in seen:
                continue
            seen.add(folded)
        out.append(row)
    return out


# A weight for each ASCII letter (a capital weighs as its lower case) and digit, from a fixed
# multiplicative hash; 0 for every other ASCII character.
_ASCII_WEIGHTS = tuple((ord(c.lower()) * 2654435761) % 4294967291 + 1 if c.isalnum() else 0
                       for c in map(chr, range(128)))
# The only characters beyond ASCII whose lower case holds an ASCII letter or digit (the tests check
# every code point): LATIN CAPITAL LETTER I WITH DOT ABOVE and KELVIN SIGN.
_LOWER_TO_ASCII = {"\u0130": "i", "\u212a": "k"}
# _ASCII_WEIGHTS as an array, plus weight 0 at 128 (for every code point beyond ASCII)
_WEIGHT_TABLE = np.asarray(_ASCII_WEIGHTS + (0,), dtype=np.int64)


def _letter_checksums(texts: Sequence[str]) -> list[int]:
    """Of each of ``texts``, the sum of the weights of the ASCII letters and digits of its lower
    case.  Two texts with the same fold (``_first_occurrences``'s: lower case, every run of
    characters that are not letters or digits a space) have the same letters and digits, so the
    same checksum.  All at once with numpy, and without lower-casing (a capital weighs as its letter)."""
    joined = "".join(texts)
    if any(char in joined for char in _LOWER_TO_ASCII):  # (rare) each code point, with those two
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        weights = _WEIGHT_TABLE[np.minimum(codes, 128)]
        for char, letter in _LOWER_TO_ASCII.items():
            weights[codes == ord(char)] = _ASCII_WEIGHTS[ord(letter)]
    else:  # one "?" (weight 0) for each code point beyond ASCII
        weights = _WEIGHT_TABLE[np.frombuffer(joined.encode("ascii", "replace"), dtype=np.uint8)]
    cumulative = np.zeros(len(weights) + 1, dtype=np.int64)
    np.cumsum(weights, out=cumulative[1:])
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    return (cumulative[ends] - cumulative[ends - lengths]).tolist()  # type: ignore[no-any-return]


def _tokens_within(tokens: Sequence[Token], starts: Sequence[int], start: int, end: int) -> Sequence[Token]:
    """The tokens lying wholly inside ``[start, end)`` (``starts``: each token's start, sorted):
    the same tokens ``tokenize(text[start:end])`` gives, since sentences start and end on word edges."""
    lo = bisect.bisect_left(starts, start)
    hi = bisect.bisect_left(starts, end, lo)
    while hi > lo and tokens[hi - 1].end > end:
        hi -= 1
    return tokens[lo:hi]


def mostly_inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether more than half of ``[start, end)`` lies inside the (disjoint) ``spans``."""
    covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return covered * 2 > (end - start)


def default_index_path() -> Path | None:
    """The index named by ``NEWSCRED_CLAIMS_INDEX``, if that variable is set."""
    value = os.environ.get("NEWSCRED_CLAIMS_INDEX")
    return Path(value) if value else None
