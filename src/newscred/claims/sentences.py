"""Sentence boundaries, including in normalised (lower-cased, punctuation-less) news text.

Check-worthiness works sentence by sentence, but much scraped news reaches newscred already
normalised (see ``../shared/examples/seed-article.txt``): no capitals, no full stops, cut mid-word
at both ends.  Ordinary splitters find nothing to split on there, so this module has two paths:

* **raw (punctuated) text**: a careful rule-based splitter (:func:`split_raw`) that knows news
  abbreviations ("Mr.", "Sen.", "Jan.", "U.S."), initials, decimals, quotes closing after the full
  stop and paragraph breaks, and also splits text that was lower-cased but kept its stops (CoAID);
* **normalised text**: :class:`SentenceBoundaryModel`, a boundary scorer over the words around
  each gap.  The bundled one is :class:`LinearBoundaryModel` (logistic regression over a -3..+3
  window, bags of farther words, hashed word pairs/triples, and the same for word classes:
  k-means clusters of the static MiniLM embeddings, so rare words share what their class
  learnt; held-out F1 0.525).  :class:`ConvBoundaryModel` (word embeddings initialised from the
  static MiniLM embedder, two stacked 1-D convolutions, a small MLP; numpy inference) is an
  experimental alternative: in the first trial (96-dim embeddings, 128 channels, widths 7/7,
  dilation 2, reading +-9 words) it beat the linear model of that time (without word classes) on
  the held-out sets by only 0.005-0.03 F1 while being ~10x slower and ~3x larger, so it is not
  shipped.  ``benchmarks/boundary_neural.py`` tries bigger taggers on the same data: a
  bidirectional GRU reaches 0.517, a fine-tuned MiniLM-L6 0.617 at ~0.14 s per article with
  torch, a fine-tuned MPNet-base 0.800 after one pass (~0.25 s in bfloat16); none is bundled
  (docs/benchmarks.md), but the transformer taggers are an option you train locally
  (``--architecture transformer``, see :mod:`.transformer_boundary`) and pass as
  ``sentence_model``.  All are trained *self-supervised*: punctuated articles are split with the
  raw splitter (the gold boundaries), then normalised with the project's own
  :func:`~newscred.text.normalise.tokenize` -- the very normalisation every input goes through --
  so word ``i`` carries the label "a sentence ends after this word".  No hand labelling, and no
  mismatch between training and use.

Reproduce the bundled model (about two minutes on one core, peak memory about 6 GB; a rerun writes
byte-identical weights, vocabulary and config)::

    python -m newscred.claims.sentences train -o src/newscred/models/sentences

Train the experimental convolutional model instead (**needs torch**, inference does not; about
ten minutes on two cores, plus three for a linear comparison fit stored in its metrics.json,
skip that with ``--no-linear-baseline``)::

    pip install torch==2.13.0
    python -m newscred.claims.sentences train --architecture conv -o DIR

The weights are plain numpy arrays plus a JSON vocabulary, written with
:func:`~newscred.model.artifact.write_bundle` and verified (sha256 of every file) on load; no
pickle anywhere.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Iterable, Sequence

import numpy as np

from ..errors import CorruptArtifactError
from ..text.normalise import Token, looks_normalised, tokenize

TASK = "sentences"
MODEL_NAME = "sentences"
MODEL_VERSION = "1.1.0"  # 1.1: word classes, all training articles, max_words from the data
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "sentences"
#: what a numpy model's bundle must list besides the manifest (a transformer's: see transformer_boundary)
_REQUIRED_FILES = ("config.json", "vocabulary.json", "arrays.npz")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == original[start:end]``, with no surrounding whitespace."""

    start: int
    end: int
    text: str


# =============================================================================== raw splitter
# Abbreviations after which a full stop (almost) never ends a sentence: titles before a name.
_TITLES = frozenset(
    """mr mrs ms messrs dr prof sen sens rep reps gov lt col gen maj sgt capt cmdr adm cpl pvt
    rev fr sr sra st mt ft pres supt insp det atty hon amb gens reps sec""".split()
)
# Abbreviations that end a sentence only when the next word is a typical sentence opener
# ("... Apple Inc. The company said" vs "Apple Inc. shares").
_AMBIGUOUS = frozenset(
    """inc co corp ltd llc plc bros jr etc al vs v cf approx est dept univ assn ave blvd rd hwy
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol art fig figs ch pp p para sq bldg ext int intl natl govt min max mph
    ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont neb
    nev okla ore pa tenn tex va vt wash wis wyo""".split()
)
# Capitalised words that usually open a sentence: a period after an abbreviation or an initial
# ("U.S.", "a.m.", "Inc.") ends the sentence only when one of these follows.
_OPENERS = frozenset(
    """the a an he she it they we i you his her its their our my your this that these those there
    but and or so yet if when while as after before since although though because however
    meanwhile still also now then in on at for from with by to of about according among during
    what why how who where which some many most several one two three no not none all each every
    both neither either last earlier later today yesterday tomorrow on instead other another
    officials police authorities critics experts analysts residents people despite under over
    such such even just only more much few other here more""".split()
)
# Abbreviations that never end a sentence, whatever follows: "e.g. the", "Patriots vs. The Giants".
_NEVER_END = frozenset({"e.g", "i.e", "viz", "vs", "v"})

# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace or the
# end of the text.  Newlines are handled separately.
_END_RE = re.compile(r"""([.!?\u2026]+)(['"\u2019\u201d\u00bb)\]]*)(?=\s|$)""")
_WORD_BEFORE_RE = re.compile(r"""([\w.\-']*)$""")
_WORD_CHARS_RE = re.compile(r"""[\w.\-']*""")  # _WORD_BEFORE_RE's characters, for its fast path
# (opening quotes/brackets, first word): the word is the leading [\w'\u2019-] run of the next
# non-space run, and those characters are all non-space, so one pattern reads both.
_NEXT_RE = re.compile(r"""\s*(['"\u2018\u201c\u00ab(\[]*)([\w'\u2019\-]*)""")
_INITIALS_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")
# A line ends at "\n", "\r\n" or a bare "\r" (old Mac files: misinfotext_sfu's paragraphs are "\r\r").
_BLANK_LINE_RE = re.compile(r"(?:\r\n?|\n)[^\S\r\n]*(?:\r\n?|\n)")
_LINE_RE = re.compile(r"\n\s*")  # a literal first: ten times faster to scan for than a class
_CR_LINE_RE = re.compile(r"[\r\n]\s*")
_HAS_WORD_RE = re.compile(r"[^\W_]")
_ASCII_UPPERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # bytes.translate counts them in C, str.translate does not
# The first letter after a stop closing a word of three or more letters (not "U.S.", "a.m.", "Mr."):
# how a text starts its sentences.  Punctuation first: the pattern is tried at stops only.
_STOP_THEN_LETTER_RE = re.compile(r"""[.!?]+['"\u2019\u201d)\]]*\s+['"\u2018\u201c(\[]*([^\W\d_])""")
# A press-release dateline ("BOSTON, Jan. 14, 2025 /PRNewswire/ --", "NEW YORK, May 2, 2024 (GLOBE
# NEWSWIRE) --", "SAN FRANCISCO--(BUSINESS WIRE)--"): distributor furniture that runs straight into
# the lead with no full stop between them.
_RELEASE_DATELINE_RE = re.compile(
    r"""[^\n]{0,100}?(?:/\s*(?:PR\s?Newswire|CNW|Canada\s?NewsWire|PRWeb)[\w\s-]{0,20}/|"""
    r"""\(\s*(?:BUSINESS\s?WIRE|GLOBE\s?NEWSWIRE|ACCESSWIRE|Marketwired|EQS[\w\s-]{0,20})\s*\))\s*"""
    r"""(?:--|\u2014|\u2013)""", re.IGNORECASE)
# A wire photographer's credit closing a caption, "(AFP Photo/David McNew)", with the story's words
# after it on the same line: scraped pages often glue the two, even with no space ("...McNew)Los
# Angeles (AFP) - ...").
_PHOTO_CREDIT_RE = re.compile(
    r"""\((?:AP|AFP|Reuters|EPA|UPI|Getty\s+Images|Xinhua)(?:\s+|/)Photo\b[^()\r\n]{0,60}\)(?=[^\S\r\n]*[^\W_])""",
    re.IGNORECASE)
# What may follow "Inc." or "Corp." in parentheses without starting a sentence: a stock ticker
# ("Inc. (NASDAQ: NVGN), a biotech company") or a defined term ("Inc. (the "Company")").
_NOT_A_NEW_SENTENCE_RE = re.compile(
    r"""\(\s*(?:(?:NASDAQ|Nasdaq|NYSE(?:\s+American|\s+MKT|\s+Arca)?|AMEX|OTC\w*|TSX(?:-?V)?|LSE|AIM|ASX|CSE|"""
    r"""FWB|ETR|HKEX|SIX|Euronext[\w ]*)\s*:|(?:the\s+|collectively\s+)?["\u201c'\u2018])""")


def _next_word(text: str, pos: int) -> tuple[str, str]:
    """(opening quotes/brackets, first word) after ``pos``."""
    m = _NEXT_RE.match(text, pos)
    assert m is not None  # the pattern matches the empty string
    return m.group(1), m.group(2)


def _word_before(text: str, dot_start: int) -> str:
    """``_WORD_BEFORE_RE.search(text, max(0, dot_start - 60), dot_start).group(1)``: the run of
    word characters, dots, hyphens and apostrophes ending at ``dot_start`` (at most 60 back).

    The search tries every start in the window, each time running to the run's end and backing
    off (a few microseconds a stop).  Most words follow a space: when the characters from the
    last space in the window to ``dot_start`` are all of the run, the match is exactly those
    (no earlier start gets past that space to the end, nor to a final newline, which is not one
    of them); otherwise the search is run as before.
    """
    lo = max(0, dot_start - 60)
    space = text.rfind(" ", lo, dot_start)
    if space >= 0 and _WORD_CHARS_RE.fullmatch(text, space + 1, dot_start):
        return text[space + 1 : dot_start]
    before = _WORD_BEFORE_RE.search(text, lo, dot_start)
    return before.group(1) if before else ""


def _lower_cased(text: str) -> bool:
    """Whether ``text`` does not capitalise its sentences (CoAID's scraped articles are lower-cased
    but keep their punctuation): after most of its stops the next word is lower-case."""
    # over 1 character in 100 a capital: a capitalised text (99.7% of the held-out articles),
    # known without looking at its stops
    encoded = text.encode()
    if (len(encoded) - len(encoded.translate(None, _ASCII_UPPERS))) * 100 > len(text):
        return False
    letters = [m.group(1) for m in _STOP_THEN_LETTER_RE.finditer(text) if text[m.start() - 3:m.start()].isalpha()]
    lower = sum(map(str.islower, letters))
    # a few lower-case words after stops in a capitalised text ("committees. they were", "Inc.
    # shares") are typos and abbreviations, not a style
    return lower > 0 and lower >= 4 * (len(letters) - lower)


def _period_ends_sentence(text: str, dot_start: int, after: int, lower_cased: bool = False) -> bool:
    """Whether the full stop at ``dot_start`` (``after``: end of the stop and closing quotes)
    ends a sentence, given the word before it and the word after it.  ``lower_cased``: the text
    does not capitalise its sentences, so a lower-case word after the stop may start one."""
    opening, nxt = _next_word(text, after)
    if not nxt and not opening:
        return after >= len(text.rstrip())  # end of text, or punctuation-only continuation
    first = nxt[:1]
    if first and first.islower() and not lower_cased:
        return False  # "e.g. the", "Jan. at" ... a lower-case continuation is no new sentence
    word = _word_before(text, dot_start)
    word = word.rsplit("-", 1)[-1]  # "U.S.-led"... only the last part counts
    bare = word.rstrip(".").lower()
    if not bare:
        return True
    if bare in _NEVER_END:
        return False
    # a bracket after "Inc." usually holds its ticker or a defined term, not a new sentence
    bracket = opening[:1] == "(" and bool(_NOT_A_NEW_SENTENCE_RE.match(text, text.index("(", after)))
    opener = nxt.lower() in _OPENERS or (bool(opening) and not bracket)
    if bare in _TITLES and "." not in word:
        return False  # "Sen. Rubio"
    if bare in _AMBIGUOUS and "." not in word:
        if first.isdigit():
            return False  # "No. 1", "Jan. 5", "Art. 3"
        return opener
    if _INITIALS_RE.fullmatch(word + "."):
        # "U.S.", "a.m.", "J.K." and single initials ("John F. Kennedy"): a new sentence only
        # when a typical opener follows ("... in the U.S. The ...")
        return opener
    return True


def _split_block(text: str, lo: int, hi: int, out: list[tuple[int, int]], lower_cased: bool = False,
                 releases: bool = False, credits: Sequence[int] = ()) -> None:
    """Split ``text[lo:hi]`` (one line or paragraph) at sentence-final punctuation.  ``releases``:
    the text names a press-release distributor, so the block may open with its dateline;
    ``credits``: where photo credits followed by more words end, in the whole text (sorted)."""
    start = lo
    dateline = _RELEASE_DATELINE_RE.match(text, lo, hi) if releases else None
    if dateline:
        out.append((lo, dateline.end()))
        start = dateline.end()
    # photo credits inside the block end captions: cut at each before the next stop is looked at
    credits = list(credits[bisect.bisect_right(credits, start):bisect.bisect_left(credits, hi)]) if credits else []
    for m in _END_RE.finditer(text, start, hi):
        after = m.end()
        while credits and credits[0] <= after:
            if credits[0] > start:
                out.append((start, credits[0]))
                start = credits[0]
            del credits[0]
        punct = m.group(1)
        if punct == ".":  # a single full stop (no "!", "?" or ellipsis with it)
            if not _period_ends_sentence(text, m.start(1), after, lower_cased):
                continue
        elif punct[-1] in "!?\u2026" or len(punct) > 1:
            # "?", "!", "..." end a sentence unless a lower-case word continues it ("Why?" she asked)
            _, nxt = _next_word(text, after)
            if nxt[:1].islower() and not lower_cased:
                continue
        out.append((start, after))
        start = after
    for end in credits:
        if end > start:
            out.append((start, end))
            start = end
    out.append((start, hi))


def _line_continues(text: str, prev_end: int, next_start: int) -> bool:
    """A single newline inside a hard-wrapped sentence: the line before ends mid-sentence and
    the next starts in lower case."""
    before = text[max(0, prev_end - 20):prev_end].rstrip()
    nxt = text[next_start:next_start + 1]
    return bool(before) and before[-1] not in ".!?:\"'\u201d\u2019)" and nxt.islower()


def split_raw(text: str) -> list[Sentence]:
    """Split punctuated text into sentences with a rule-based splitter.

    Paragraph breaks always end a sentence, single newlines too unless the text is hard-wrapped
    mid-sentence ("\r" and "\r\n" count as newlines); full stops, "!", "?" and ellipses end one
    unless an abbreviation, an initial or a lower-case continuation says otherwise -- except in a
    text that starts its sentences in lower case, where only abbreviations and initials do.  A
    press-release dateline ("BOSTON, Jan. 14, 2025 /PRNewswire/ --") and a photo credit with more
    words after it ("(AFP Photo/David McNew)Los Angeles ...") end a sentence too.  Segments
    without a letter or digit ("***") are dropped.
    """
    spans: list[tuple[int, int]] = []
    # Lines: cut at newlines, joining hard-wrapped continuations back together.
    blocks: list[tuple[int, int]] = []
    pos = 0
    for m in (_CR_LINE_RE if "\r" in text else _LINE_RE).finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    merged: list[tuple[int, int]] = []
    for lo, hi in blocks:
        if merged and not _BLANK_LINE_RE.search(text, merged[-1][1], lo) and _line_continues(text, merged[-1][1], lo):
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    lower_cased = _lower_cased(text)
    # both are rare: look for them once per text, not once per line
    releases = any(tag in text for tag in ("wire", "Wire", "WIRE", "PRWeb", "CNW", "EQS"))
    credits = [m.end() for m in _PHOTO_CREDIT_RE.finditer(text)]
    for lo, hi in merged:
        if lo < hi:
            _split_block(text, lo, hi, spans, lower_cased, releases, credits)
    sentences: list[Sentence] = []
    for lo, hi in spans:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo and _HAS_WORD_RE.search(text, lo, hi):
            sentences.append(Sentence(lo, hi, text[lo:hi]))
    return sentences


# =============================================================================== features
# Word ids: 0 pads beyond the text; 1-4 are shape classes for out-of-vocabulary words; the
# vocabulary (frequent training words) starts at 5.
_PAD, _UNK_NUM, _UNK_SHORT, _UNK_LONG, _UNK_MIXED = range(5)
_N_RESERVED = 5
_WINDOW = 8
#: Offsets (relative to the word before the gap) of the single-word features.
_UNIGRAM_OFFSETS = (-3, -2, -1, 0, 1, 2, 3)
#: Bags of words further away (order ignored): clause openers such as "while" or "if" a few
#: words back say a sentence is still open.
_BAGS = ((-8, -7, -6, -5, -4), (4, 5, 6))
#: Word pairs and triples across and around the gap, hashed into one table.
_NGRAM_TEMPLATES: tuple[tuple[int, ...], ...] = (
    (-1, 0), (0, 1), (1, 2), (-2, -1), (2, 3), (0, 2), (-1, 1),
    (-1, 0, 1), (0, 1, 2), (-2, -1, 0),
)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                dtype=np.uint64)
#: Word classes (k-means clusters of the words' static embeddings, see :func:`word_clusters`)
#: at these offsets, and class pairs/triples hashed into a table of their own: a rare word gets
#: the weight its class earned ("talks", "negotiations" and "discussions" open sentences alike).
_CLASS_OFFSETS = (-3, -2, -1, 0, 1, 2, 3)
_CLASS_NGRAM_TEMPLATES: tuple[tuple[int, ...], ...] = ((-1, 0), (0, 1), (1, 2), (-1, 0, 1), (0, 1, 2), (-2, -1, 0))
_CLASS_HASH_BITS = 17


def _oov_class(word: str) -> int:
    """The shape class standing in for a word the vocabulary does not know."""
    if word.isdigit():
        return _UNK_NUM
    if word.isalpha():
        return _UNK_SHORT if len(word) <= 3 else _UNK_LONG
    return _UNK_MIXED


def _hashed(at: Any, templates: Sequence[tuple[int, ...]], hash_bits: int, n: int) -> list[np.ndarray]:
    """One column of hashed ids in ``[0, 2**hash_bits)`` per template (ids at the template's offsets)."""
    shift = np.uint64(64 - hash_bits)
    out = []
    with np.errstate(over="ignore"):
        for t, template in enumerate(templates):
            h = np.full(n, (t + 1) * 0x632BE59BD9B4E019 & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
            for k, offset in enumerate(template):
                h = (h ^ at(offset).astype(np.uint64)) * _MIX[k % len(_MIX)]
                h ^= h >> np.uint64(29)
            h *= _MIX[3]
            out.append((h >> shift).astype(np.int64))
    return out


def _shifted(values: np.ndarray) -> Any:
    """``at(offset)``: ``values`` moved by ``offset`` positions, 0 (padding) beyond either end."""
    n = len(values)
    padded = np.concatenate([np.zeros(_WINDOW, np.int64), values.astype(np.int64), np.zeros(_WINDOW, np.int64)])
    return lambda offset: padded[_WINDOW + offset:_WINDOW + offset + n]


def _feature_columns(ids: np.ndarray, vocab_size: int, hash_bits: int,
                     classes: np.ndarray | None = None) -> np.ndarray:
    """Column indices (n_words x n_templates) of every gap's active features.

    The gap after word ``i`` is described by the words ``i-3 .. i+3`` (one weight table per
    offset) and by hashed word pairs/triples across it; with ``classes`` (a word class per word
    id, 0 for padding) also by the classes of the words around it and hashed class n-grams.
    Everything is integer arithmetic on numpy arrays, so an article is featurised in
    microseconds, in training and inference alike.
    """
    n = len(ids)
    at = _shifted(ids)
    columns = []
    for slot, offset in enumerate(_UNIGRAM_OFFSETS):
        columns.append(slot * vocab_size + at(offset))
    for b, bag in enumerate(_BAGS):
        for offset in bag:
            columns.append((len(_UNIGRAM_OFFSETS) + b) * vocab_size + at(offset))
    base = (len(_UNIGRAM_OFFSETS) + len(_BAGS)) * vocab_size
    columns += [base + h for h in _hashed(at, _NGRAM_TEMPLATES, hash_bits, n)]
    if classes is not None:
        n_classes = int(classes.max()) + 1
        at_class = _shifted(classes[ids])
        base = _n_columns(vocab_size, hash_bits)
        for slot, offset in enumerate(_CLASS_OFFSETS):
            columns.append(base + slot * n_classes + at_class(offset))
        base += len(_CLASS_OFFSETS) * n_classes
        columns += [base + h for h in _hashed(at_class, _CLASS_NGRAM_TEMPLATES, _CLASS_HASH_BITS, n)]
    return np.stack(columns, axis=1)


def _n_columns(vocab_size: int, hash_bits: int, n_classes: int = 0) -> int:
    words = (len(_UNIGRAM_OFFSETS) + len(_BAGS)) * vocab_size + (1 << hash_bits)
    return words + (len(_CLASS_OFFSETS) * n_classes + (1 << _CLASS_HASH_BITS) if n_classes else 0)


# =============================================================================== the models
def _logit(probability: float) -> float:
    return float(np.log(probability / (1.0 - probability)))


@dataclass(kw_only=True)
class SentenceBoundaryModel:
    """A boundary scorer for normalised text plus its decoding rule.

    Subclasses differ only in how they score the gap after every word
    (:class:`LinearBoundaryModel`, the bundled one, or the experimental :class:`ConvBoundaryModel`);
    :meth:`load` reads ``config.json["architecture"]`` and returns the right one, so callers
    never need to know which.  Decoding is greedy and CRF-free: the highest-scoring gaps above
    ``threshold`` win, no sentence is shorter than ``min_words``, and one longer than
    ``max_words`` is cut at its best remaining gap (so a run-on never swallows a paragraph).
    """

    vocabulary: list[str]
    threshold: float = 0.5
    min_words: int = 4
    max_words: int = 60
    manifest: dict[str, Any] | None = None
    #: what a report says of the model that split a text (set by :meth:`load`): architecture,
    #: sha256 of its manifest, and its held-out boundary F1 (from its metrics.json)
    info: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    architecture: ClassVar[str] = ""

    def __post_init__(self) -> None:
        self._index = {word: i + _N_RESERVED for i, word in enumerate(self.vocabulary)}
        self._vocab_size = len(self.vocabulary) + _N_RESERVED
        self._logit_threshold = _logit(self.threshold)
        self._check_shapes()

    def _check_shapes(self) -> None:
        """Raise :class:`CorruptArtifactError` when the arrays do not fit the vocabulary."""

    def set_decoding(self, threshold: float, min_words: int, max_words: int) -> None:
        self.threshold, self.min_words, self.max_words = threshold, min_words, max_words
        self._logit_threshold = _logit(threshold)

    # ------------------------------------------------------------------ loading and saving
    @classmethod
    def load(cls, path: str | Path | None = None) -> SentenceBoundaryModel:
        """Verify (sha256 of every file, task ``sentences``) and load a bundled model directory.

        ``path=None`` loads the model shipped in ``newscred/models/sentences``.  Bundles written
        before the convolutional model existed have no ``architecture`` key: they are linear.
        """
        from ..errors import IncompatibleArtifactError
        from ..model.artifact import MANIFEST, read_verified_artifact, sha256_bytes

        root = Path(path) if path is not None else DEFAULT_MODEL_DIR
        # each file read once: what is parsed is exactly what was hashed
        manifest, files = read_verified_artifact(root, required=("config.json",), task=TASK)
        try:
            config = json.loads(files["config.json"])
        except (ValueError, TypeError) as exc:
            raise CorruptArtifactError(f"{root} could not be read as a sentence model: {exc}", path=str(root)) from exc
        kind = architecture_class(config.get("architecture", "linear"))
        if kind is None or (cls is not SentenceBoundaryModel and not issubclass(kind, cls)):
            raise IncompatibleArtifactError(
                f"{root} holds a sentence model of architecture {config.get('architecture')!r}, which this "
                f"newscred cannot run as {cls.__name__}; retrain it with 'python -m newscred.claims.sentences "
                "train'.", path=str(root))
        model = kind.from_files(root, config, files, manifest)
        try:
            metrics = json.loads(files["metrics.json"]) if "metrics.json" in files else {}
        except ValueError:
            metrics = {}
        model.info = {"architecture": kind.architecture, "sha256": sha256_bytes((root / MANIFEST).read_bytes()),
                      "heldout_f1": weighted_f1(metrics.get("heldout") or {})}
        return model

    @classmethod
    def from_files(cls, root: Path, config: dict[str, Any], files: dict[str, bytes],
                   manifest: dict[str, Any]) -> SentenceBoundaryModel:
        """Build the model from its verified files (numpy models: vocabulary.json and arrays.npz)."""
        from ..model.artifact import read_npz

        missing = [name for name in _REQUIRED_FILES if name not in files]
        if missing:
            raise CorruptArtifactError(f"{root / 'manifest.json'} does not list required file {', '.join(missing)}",
                                       path=str(root))
        try:
            vocabulary = json.loads(files["vocabulary.json"])
            arrays = {name: a.astype(np.float32) for name, a in read_npz(files["arrays.npz"]).items()}
            return cls._from_bundle(root, config, list(vocabulary), arrays, manifest)
        except (KeyError, ValueError, TypeError, json.JSONDecodeError) as exc:
            raise CorruptArtifactError(f"{root} could not be read as a sentence model: {exc}", path=str(root)) from exc

    @classmethod
    def _from_bundle(cls, root: Path, config: dict[str, Any], vocabulary: list[str],
                     arrays: dict[str, np.ndarray], manifest: dict[str, Any]) -> SentenceBoundaryModel:
        raise NotImplementedError

    def _decoding_config(self) -> dict[str, Any]:
        return {"architecture": self.architecture, "threshold": self.threshold, "min_words": self.min_words,
                "max_words": self.max_words, "vocabulary_size": len(self.vocabulary)}

    def config(self) -> dict[str, Any]:
        """The hyper-parameters stored in config.json."""
        return self._decoding_config()

    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric parameters stored (as float16) in arrays.npz."""
        raise NotImplementedError

    def payload(self) -> dict[str, bytes]:
        """The model's own files (config, vocabulary, weights) as bytes, for :meth:`save`."""
        from ..model.artifact import npz_bytes

        return {
            "config.json": json.dumps(self.config(), indent=2, sort_keys=True).encode(),
            "vocabulary.json": json.dumps(self.vocabulary, ensure_ascii=True).encode(),
            # float16: half the size; boundary decisions are unchanged (scores move < 1e-2)
            "arrays.npz": npz_bytes({k: v.astype(np.float16) for k, v in self.arrays().items()}),
        }

    def save(self, path: str | Path, *, metrics: dict[str, Any] | None = None,
             training_data: list[dict[str, Any]] | None = None, card: str | None = None) -> Path:
        """Write the model with :func:`~newscred.model.artifact.write_bundle` (hashed manifest)."""
        from ..model.artifact import write_bundle

        files = {**self.payload(), "metrics.json": json.dumps(metrics or {}, indent=2, sort_keys=True).encode()}
        if card is not None:
            files["README.md"] = card.encode()
        return write_bundle(path, files, name=MODEL_NAME, version=MODEL_VERSION, task=TASK,
                            training_data=training_data,
                            extra={"labels": ["boundary after word"], "input": "normalised words",
                                   "architecture": self.architecture})

    # ------------------------------------------------------------------ inference
    def word_ids(self, words: Sequence[str]) -> np.ndarray:
        index = self._index
        return np.fromiter((index.get(w) or _oov_class(w) for w in words), dtype=np.int64, count=len(words))

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """Logit, for every word, that a sentence ends right after it."""
        raise NotImplementedError

    def probabilities(self, words: Sequence[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.scores(words)))

    def boundaries(self, words: Sequence[str], scores: np.ndarray | None = None) -> list[int]:
        """Indices ``i`` such that a sentence ends after ``words[i]`` (never the last word).
        ``scores``: ``self.scores(words)``, when the caller has them."""
        return decode(self.scores(words) if scores is None else scores, threshold=self._logit_threshold,
                      min_words=self.min_words, max_words=self.max_words)


@dataclass(kw_only=True)
class LinearBoundaryModel(SentenceBoundaryModel):
    """The bundled model: logistic regression over hashed window features.

    ``weights`` holds one weight per feature column (see :func:`_feature_columns`); a gap's score
    is ``bias + sum(weights[active columns])``.  ``word_classes`` (optional; the bundled model has
    it) gives every word id a class: 0 padding, 1-4 the out-of-vocabulary shapes, then one class
    per embedding cluster.
    """

    weights: np.ndarray
    bias: float
    hash_bits: int
    word_classes: np.ndarray | None = None

    architecture: ClassVar[str] = "linear"

    @property
    def n_classes(self) -> int:
        return 0 if self.word_classes is None else int(self.word_classes.max()) + 1

    def _check_shapes(self) -> None:
        if self.word_classes is not None:
            classes = self.word_classes
            if (classes.shape != (self._vocab_size,) or classes.min() < 0
                    or not np.array_equal(classes[:_N_RESERVED], np.arange(_N_RESERVED))):
                raise CorruptArtifactError(
                    f"sentence model word classes have shape {classes.shape}, expected ({self._vocab_size},) "
                    f"starting with the {_N_RESERVED} reserved classes")
        expected = _n_columns(self._vocab_size, self.hash_bits, self.n_classes)
        if self.weights.shape != (expected,):
            raise CorruptArtifactError(
                f"sentence model weights have shape {self.weights.shape}, expected ({expected},) for "
                f"{len(self.vocabulary)} words, {self.hash_bits} hash bits and {self.n_classes} word classes")

    def _templates(self) -> dict[str, Any]:
        """The feature templates, stored in config.json so a model trained with others is refused."""
        templates: dict[str, Any] = {"unigram_offsets": list(_UNIGRAM_OFFSETS),
                                     "ngram_templates": [list(t) for t in _NGRAM_TEMPLATES]}
        if self.word_classes is not None:
            templates.update({"class_offsets": list(_CLASS_OFFSETS), "class_hash_bits": _CLASS_HASH_BITS,
                              "class_ngram_templates": [list(t) for t in _CLASS_NGRAM_TEMPLATES]})
        return templates

    @classmethod
    def _from_bundle(cls, root: Path, config: dict[str, Any], vocabulary: list[str],
                     arrays: dict[str, np.ndarray], manifest: dict[str, Any]) -> LinearBoundaryModel:
        classes = arrays.get("word_classes")
        model = cls(vocabulary=vocabulary, weights=arrays["weights"], bias=float(config["bias"]),
                    hash_bits=int(config["hash_bits"]), threshold=float(config["threshold"]),
                    min_words=int(config["min_words"]), max_words=int(config["max_words"]), manifest=manifest,
                    word_classes=None if classes is None else np.rint(classes).astype(np.int64))
        if any(config.get(key) != value for key, value in model._templates().items()):
            from ..errors import IncompatibleArtifactError

            raise IncompatibleArtifactError(
                f"{root} was trained with other feature templates than this newscred uses; retrain it "
                "with 'python -m newscred.claims.sentences train'.", path=str(root))
        return model

    def config(self) -> dict[str, Any]:
        return {**self._decoding_config(), "bias": self.bias, "hash_bits": self.hash_bits, **self._templates()}

    def arrays(self) -> dict[str, np.ndarray]:
        # class ids are small integers (< 2048), which float16 stores exactly
        return {"weights": self.weights} if self.word_classes is None else {"weights": self.weights,
                                                                             "word_classes": self.word_classes}

    def columns(self, words: Sequence[str]) -> np.ndarray:
        """The active feature columns of every gap (see :func:`_feature_columns`)."""
        return _feature_columns(self.word_ids(words), self._vocab_size, self.hash_bits, self.word_classes)

    def scores(self, words: Sequence[str]) -> np.ndarray:
        if not words:
            return np.zeros(0, dtype=np.float32)
        return self.weights[self.columns(words)].sum(axis=1, dtype=np.float32) + np.float32(self.bias)


#: Parameter names (and their shapes, in terms of the hyper-parameters) of the conv model.
_CONV_ARRAYS = ("embeddings", "conv1_weight", "conv1_bias", "conv2_weight", "conv2_bias",
                "hidden_weight", "hidden_bias", "out_weight", "out_bias")


def _conv1d(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, dilation: int) -> np.ndarray:
    """'Same' 1-D convolution of ``x`` (length x in-channels) with a torch-layout kernel
    (out-channels x in-channels x width), zero-padded, as one matrix product: the ``width``
    shifted copies of ``x`` side by side times the kernel laid out as (width * in) x out."""
    n, channels_in = x.shape
    channels_out, _, width = weight.shape
    pad = (width // 2) * dilation
    padded = np.zeros((n + 2 * pad, channels_in), dtype=np.float32)
    padded[pad:pad + n] = x
    unfolded = np.concatenate([padded[tap * dilation:tap * dilation + n] for tap in range(width)], axis=1)
    return unfolded @ weight.transpose(2, 1, 0).reshape(width * channels_in, channels_out) + bias


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's view of numpy's BLAS (None without threadpoolctl)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a base dependency
        return None
    return ThreadpoolController()


@dataclass(kw_only=True)
class ConvBoundaryModel(SentenceBoundaryModel):
    """Experimental (not bundled): word embeddings, two stacked 1-D convolutions, a small MLP.

    Every word is looked up in an embedding table (initialised from the bundled static MiniLM
    embedder, then trained); a width-``width1`` convolution and a dilated width-``width2`` one
    let the gap after word ``i`` see words ``i-R .. i+R`` (``R = width1//2 + (width2//2) *
    dilation2``, 8 by default), much more than the linear model's -3..+3 -- enough to notice a
    clause that is still open or a new subject-verb start.  Both conv layers' outputs feed a
    one-hidden-layer MLP giving the boundary logit.  Inference is plain numpy (a few matrix
    products per article); torch is needed only to train.
    """

    params: dict[str, np.ndarray]
    width1: int
    width2: int
    dilation2: int

    architecture: ClassVar[str] = "conv"

    @property
    def reach(self) -> int:
        """How many words either side of a gap the model reads."""
        return self.width1 // 2 + (self.width2 // 2) * self.dilation2

    def _check_shapes(self) -> None:
        p = self.params
        missing = [name for name in _CONV_ARRAYS if name not in p]
        if missing:
            raise CorruptArtifactError(f"sentence model arrays lack {missing}")
        emb, c1, c2 = p["embeddings"], p["conv1_weight"], p["conv2_weight"]
        ok = (emb.shape[0] == self._vocab_size and c1.shape[1:] == (emb.shape[1], self.width1)
              and c2.shape[1:] == (c1.shape[0], self.width2)
              and p["hidden_weight"].shape[1] == c1.shape[0] + c2.shape[0]
              and p["out_weight"].shape == (1, p["hidden_weight"].shape[0]))
        if not ok:
            raise CorruptArtifactError(
                f"sentence model arrays do not fit together: embeddings {emb.shape} for {len(self.vocabulary)} words, "
                f"conv1 {c1.shape}, conv2 {c2.shape}, hidden {p['hidden_weight'].shape}, out {p['out_weight'].shape}")

    @classmethod
    def _from_bundle(cls, root: Path, config: dict[str, Any], vocabulary: list[str],
                     arrays: dict[str, np.ndarray], manifest: dict[str, Any]) -> ConvBoundaryModel:
        return cls(vocabulary=vocabulary, params=arrays, width1=int(config["width1"]), width2=int(config["width2"]),
                   dilation2=int(config["dilation2"]), threshold=float(config["threshold"]),
                   min_words=int(config["min_words"]), max_words=int(config["max_words"]), manifest=manifest)

    def config(self) -> dict[str, Any]:
        return {**self._decoding_config(), "width1": self.width1, "width2": self.width2, "dilation2": self.dilation2,
                "embedding_dims": int(self.params["embeddings"].shape[1]),
                "channels": int(self.params["conv1_weight"].shape[0]),
                "hidden": int(self.params["hidden_weight"].shape[0])}

    def arrays(self) -> dict[str, np.ndarray]:
        return dict(self.params)

    def scores(self, words: Sequence[str]) -> np.ndarray:
        if not words:
            return np.zeros(0, dtype=np.float32)
        controller = _blas_controller()
        if controller is None:  # pragma: no cover
            return self._scores(words)
        # The matrices of one article are small: a pool of BLAS threads only adds
        # synchronisation, and on a busy machine makes a 3 ms article take 200 ms.
        with controller.limit(limits=1, user_api="blas"):
            return self._scores(words)

    def _scores(self, words: Sequence[str]) -> np.ndarray:
        p = self.params
        # Pad with ``reach`` padding words (id 0, a zero vector) either side, exactly as in
        # training, where articles are separated by padding words.
        reach = self.reach
        ids = np.concatenate([np.zeros(reach, np.int64), self.word_ids(words), np.zeros(reach, np.int64)])
        x = p["embeddings"][ids]
        h1 = np.maximum(_conv1d(x, p["conv1_weight"], p["conv1_bias"], 1), 0.0)
        h2 = np.maximum(_conv1d(h1, p["conv2_weight"], p["conv2_bias"], self.dilation2), 0.0)
        h = np.concatenate([h1, h2], axis=1)[reach:reach + len(words)]
        hidden = np.maximum(h @ p["hidden_weight"].T + p["hidden_bias"], 0.0)
        return (hidden @ p["out_weight"].T)[:, 0] + p["out_bias"][0]


_ARCHITECTURES: dict[str, type[SentenceBoundaryModel]] = {"linear": LinearBoundaryModel, "conv": ConvBoundaryModel}
#: every architecture a bundle may name; "transformer" lives in its own module (it needs torch)
ARCHITECTURES = ("linear", "conv", "transformer")


def architecture_class(name: str) -> type[SentenceBoundaryModel] | None:
    """The model class of an architecture name (None for one this newscred does not know)."""
    if name == "transformer":
        from .transformer_boundary import TransformerBoundaryModel

        return TransformerBoundaryModel
    return _ARCHITECTURES.get(name)


def decode(scores: np.ndarray, *, threshold: float, min_words: int, max_words: int) -> list[int]:
    """Greedy CRF-free decoding of per-gap logits into sentence ends.

    Candidates above ``threshold`` are taken best first, skipping any that would leave a sentence
    shorter than ``min_words`` next to one already taken; then every sentence longer than
    ``max_words`` is cut at its highest-scoring admissible gap until none is.
    """
    n = len(scores)
    if n < 2:
        return []
    last = n - 1  # no boundary after the final word: the text ends there anyway
    candidates = np.flatnonzero(scores[:last] >= threshold)
    chosen: list[int] = []
    if len(candidates):
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        for i in order.tolist():
            k = bisect.bisect_left(chosen, i)
            prev = chosen[k - 1] if k else -1
            nxt = chosen[k] if k < len(chosen) else last
            # the first and last sentence may be fragments of a clipped text: only gaps between
            # two chosen boundaries are held to min_words
            if (k and i - prev < min_words) or (k < len(chosen) and nxt - i < min_words):
                continue
            chosen.insert(k, i)
    if max_words:
        chosen = _cap_length(scores, chosen, min_words=min_words, max_words=max_words)
    return chosen


def _cap_length(scores: np.ndarray, chosen: list[int], *, min_words: int, max_words: int) -> list[int]:
    last = len(scores) - 1
    out = list(chosen)
    stack = [(-1, out[0] if out else last)] + [(a, b) for a, b in zip(out, out[1:] + [last])]
    while stack:
        prev, end = stack.pop()
        if end - prev <= max_words:
            continue
        lo, hi = prev + min_words, end - min_words  # candidate gaps keep both parts >= min_words
        if hi < lo:
            continue
        i = lo + int(np.argmax(scores[lo:hi + 1]))
        bisect.insort(out, i)
        stack += [(prev, i), (i, end)]
    return out


@lru_cache(maxsize=1)
def _default_model() -> SentenceBoundaryModel:
    return SentenceBoundaryModel.load()


def default_model() -> SentenceBoundaryModel:
    """The bundled model, loaded (and verified) once per process."""
    return _default_model()


# =============================================================================== public entry
def split_sentences(text: str, *, normalised: bool | None = None,
                    model: SentenceBoundaryModel | None = None, tokens: Sequence[Token] | None = None) -> list[Sentence]:
    """Sentences of ``text`` with offsets into it.

    ``normalised=None`` decides with :func:`~newscred.text.normalise.looks_normalised`:
    punctuated text goes to the rule-based :func:`split_raw`, normalised text to the boundary
    model (``model`` or the bundled one).  ``tokens``: ``tokenize(text)`` when the caller has it.
    """
    if not text or text.isspace():
        return []
    if normalised is None:
        normalised = looks_normalised(text)
    if not normalised:
        return split_raw(text)
    return split_normalised(text, model=model, tokens=tokens)


#: Pieces shorter than this between two predicted ends may be joined to a neighbour (see
#: :func:`join_fragments`); the claims section scores nothing shorter.
JOIN_UNDER_WORDS = 5
#: ... across an end the model gave less than this probability.  Chosen on the validation tenth of
#: the training articles (the ones :func:`tune_decoding` uses): of the caps 0.25-0.5 and none, 0.3
#: cuts the most 5+-word sentences exactly at both gold ends (23.54% against 23.30% without joining)
#: and keeps boundary F1 (0.5587 against 0.5595; joining across every end: 0.5481).
JOIN_BELOW_PROBABILITY = 0.3


def split_normalised(text: str, *, model: SentenceBoundaryModel | None = None,
                     tokens: Sequence[Token] | None = None, join_under: int = JOIN_UNDER_WORDS) -> list[Sentence]:
    """Split text without usable punctuation with the boundary model; works on any text, since
    the model reads the canonical normalised words and maps them back to ``text``'s offsets.
    ``tokens``: ``tokenize(text)`` when the caller has it.  Pieces under ``join_under`` words
    are joined across the weaker of their two predicted ends (0: never)."""
    tokens = tokenize(text) if tokens is None else tokens
    if not tokens:
        return []
    model = model or default_model()
    words = [t.text for t in tokens]
    scores = model.scores(words)
    # never cut between two pieces folded from one written word
    ends = [i for i in model.boundaries(words, scores) if tokens[i + 1].start >= tokens[i].end]
    if join_under > 1:
        ends = join_fragments(scores, ends, min_words=join_under, max_words=model.max_words,
                              below=_logit(JOIN_BELOW_PROBABILITY))
    sentences = []
    first = 0
    for last in ends + [len(tokens) - 1]:
        start, end = tokens[first].start, tokens[last].end
        sentences.append(Sentence(start, end, text[start:end]))
        first = last + 1
    return sentences


def join_fragments(scores: np.ndarray, ends: Sequence[int], *, min_words: int, max_words: int = 0,
                   below: float = math.inf) -> list[int]:
    """``ends`` without the weak ends that leave a piece shorter than ``min_words`` words.

    The decoder allows pieces of ``model.min_words`` (3, tuned for boundary F1), and the claims
    section never scores a piece under 5 words, so a false end the model barely chose drops
    words from every claim: "our kids are drinking | this water every single day" (the end
    after "drinking" has probability 0.23, just over the 0.2 threshold) leaves a 4-word piece no
    one reads and a claim without its subject.  Such a piece is joined across the lower-scoring
    of its two ends, weakest first, when that end's logit is under ``below`` and the joined
    sentence has at most ``max_words`` words.  Ends the model is surer of are left alone: short
    sentences are real often enough that joining across every end costs more than it gains.
    """
    out = list(ends)
    last = len(scores) - 1
    while out:
        bounds = [-1, *out, last]
        best: tuple[float, int] | None = None
        for k in range(1, len(bounds) - 1):  # out[k - 1] ends piece k - 1 and starts piece k
            left, right = bounds[k] - bounds[k - 1], bounds[k + 1] - bounds[k]
            if (min(left, right) >= min_words or (max_words and left + right > max_words)
                    or scores[bounds[k]] >= below):
                continue
            if best is None or scores[bounds[k]] < best[0]:
                best = (float(scores[bounds[k]]), k - 1)
        if best is None:
            break
        del out[best[1]]
    return out


# =============================================================================== training data
#: Punctuated article sets the model learns from (checked in their PROVENANCE.md: real
#: punctuation and line breaks).  Titles are added as a first line, so headline ends are learnt.
TRAIN_DATASETS = ("buzzfeed_webis_2016", "recovery_covid19", "fakenewsnet_crawl_krishg")
#: Held-out article sets, none overlapping the training sets.  Left out on purpose:
#: fakenewsnet_v1 (its BuzzFeed half is buzzfeed_webis_2016, its PolitiFact half is in
#: fakenewsnet_crawl_krishg), misinfotext_sfu (mangled punctuation, BuzzFeed overlap) and coaid
#: (already normalised: no gold boundaries to read).
HELDOUT_DATASETS = ("semeval2019_hyperpartisan_byarticle", "perez_rosas_celebrity",
                    "perez_rosas_fakenewsamt", "fakenewscorpus_sample")
#: Articles used per training set at most (None: all).  All of them (7,300 articles, 5.4 M words
#: for fitting) rather than 2,000 per set: held-out F1 +0.009 in a scratch comparison.
MAX_DOCS_PER_DATASET: int | None = None


@dataclass(frozen=True)
class LabelledDoc:
    """A normalised article: its words and the indices of words that end a sentence."""

    id: str
    dataset: str
    words: list[str]
    ends: list[int]


def gold_boundaries(text: str) -> tuple[list[str], list[int]]:
    """Normalised words of punctuated ``text`` and the word indices after which the raw splitter
    ends a sentence (the final word excluded: the text ends there anyway)."""
    tokens = tokenize(text)
    if not tokens:
        return [], []
    starts = [t.start for t in tokens]
    ends: list[int] = []
    for sentence in split_raw(text)[:-1]:
        i = bisect.bisect_left(starts, sentence.end) - 1
        if 0 <= i < len(tokens) - 1 and tokens[i].end <= sentence.end and (not ends or ends[-1] != i):
            ends.append(i)
    return [t.text for t in tokens], ends


def _usable(text: str, words: list[str], ends: list[int]) -> bool:
    """Skip texts whose gold boundaries cannot be trusted: too short, already normalised, or with
    so few sentence ends that punctuation must be missing (run-ons of > 80 words on average)."""
    return len(words) >= 30 and not looks_normalised(text) and len(words) / (len(ends) + 1) <= 80


def _stable_hash(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def labelled_docs(dataset: str, *, with_title: bool, max_docs: int | None = None,
                  seen: set[str] | None = None) -> list[LabelledDoc]:
    """Self-labelled normalised articles of ``dataset``, deduplicated on their first 200
    normalised characters (across calls when ``seen`` is shared) and, with ``max_docs``, a
    deterministic sample (by a hash of the record id)."""
    from ..datasets.registry import load_dataset

    records = [r for r in load_dataset(dataset) if r.text and r.text.strip()]
    records.sort(key=lambda r: (_stable_hash(r.id), r.id))
    seen = set() if seen is None else seen
    docs: list[LabelledDoc] = []
    for record in records:
        text = record.text
        if with_title and record.title and record.title.strip():
            text = record.title.strip() + "\n\n" + text
        words, ends = gold_boundaries(text)
        if not _usable(text, words, ends):
            continue
        key = " ".join(words)[:200]
        if key in seen:
            continue
        seen.add(key)
        docs.append(LabelledDoc(record.id, dataset, words, ends))
        if max_docs is not None and len(docs) >= max_docs:
            break
    return docs


# =============================================================================== fitting
@dataclass(frozen=True)
class TrainParams:
    """Hyper-parameters of :func:`train`; the defaults are the bundled model's."""

    max_vocabulary: int = 30000
    min_count: int = 3
    hash_bits: int = 19
    alpha: float = 3e-6
    epochs: int = 12
    seed: int = 0
    validation_share: float = 0.1
    #: word classes: k-means clusters of the vocabulary's static embeddings (0: none).  Held-out
    #: boundary F1 0.517 -> 0.528 in a scratch comparison on the same articles (256 classes).
    word_classes: int = 256


def _build_vocabulary(docs: Iterable[LabelledDoc], params: TrainParams) -> list[str]:
    from collections import Counter

    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(doc.words)
    frequent = [(w, c) for w, c in counts.items() if c >= params.min_count]
    frequent.sort(key=lambda wc: (-wc[1], wc[0]))  # deterministic order
    return [w for w, _ in frequent[: params.max_vocabulary]]


def word_clusters(vocabulary: Sequence[str], k: int, *, seed: int = 0) -> np.ndarray:
    """The class of every word id (see :attr:`LinearBoundaryModel.word_classes`): the reserved
    ids keep classes 0-4, each vocabulary word gets 5 + its k-means cluster among the static
    embeddings of the bundled claim embedder (MiniLM distilled with model2vec; no download)."""
    from sklearn.cluster import MiniBatchKMeans

    from .embedder import StaticEmbedder

    if not 1 <= k <= 2000:  # class ids are stored as float16, exact up to 2048
        raise ValueError(f"word_classes must be between 1 and 2000, not {k}")
    if not vocabulary:
        return np.arange(_N_RESERVED)
    vectors = StaticEmbedder.load().encode(list(vocabulary))
    k = min(k, len(vocabulary))  # a tiny vocabulary (tests, toy corpora) gets one class per word at most
    labels = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096).fit_predict(vectors)
    return np.concatenate([np.arange(_N_RESERVED), _N_RESERVED + labels]).astype(np.int64)


def _design(docs: Sequence[LabelledDoc], model: LinearBoundaryModel) -> tuple[Any, np.ndarray]:
    """Sparse feature matrix (one row per word of every doc) and the 0/1 boundary labels."""
    from scipy import sparse

    blocks, labels = [], []
    for doc in docs:
        blocks.append(model.columns(doc.words))
        y = np.zeros(len(doc.words), dtype=np.int8)
        y[doc.ends] = 1
        labels.append(y)
    cols = np.concatenate(blocks)
    n, k = cols.shape
    matrix = sparse.csr_matrix(
        (np.ones(n * k, dtype=np.float64), cols.ravel().astype(np.int32), np.arange(0, n * k + 1, k, dtype=np.int64)),
        shape=(n, _n_columns(model._vocab_size, model.hash_bits, model.n_classes)))
    matrix.sum_duplicates()
    return matrix, np.concatenate(labels)


def fit(docs: Sequence[LabelledDoc], params: TrainParams = TrainParams(),
        log: Any = None) -> LinearBoundaryModel:
    """Fit the linear scorer (logistic loss, SGD, deterministic) on ``docs``."""
    from sklearn.linear_model import SGDClassifier

    vocabulary = _build_vocabulary(docs, params)
    classes = word_clusters(vocabulary, params.word_classes, seed=params.seed) if params.word_classes else None
    n_classes = 0 if classes is None else int(classes.max()) + 1
    model = LinearBoundaryModel(vocabulary=vocabulary, bias=0.0, hash_bits=params.hash_bits, word_classes=classes,
                                weights=np.zeros(_n_columns(len(vocabulary) + _N_RESERVED, params.hash_bits, n_classes),
                                                 np.float32))
    X, y = _design(docs, model)
    if log:
        log(f"  {X.shape[0]:,} gaps, {int(y.sum()):,} sentence ends, {X.shape[1]:,} feature columns")
    clf = SGDClassifier(loss="log_loss", alpha=params.alpha, max_iter=params.epochs, tol=None,
                        random_state=params.seed, average=True, n_jobs=1)
    clf.fit(X, y)
    model.weights = clf.coef_[0].astype(np.float32)
    model.bias = float(clf.intercept_[0])
    return model


@dataclass(frozen=True)
class ConvParams:
    """Hyper-parameters of :func:`fit_conv`.  The defaults are a smaller, ~4x faster variant of
    the trial run (which used 96 dims, 128 channels, hidden 64, widths 7/7, dilation 2); they
    have not been trained to the end yet."""

    max_vocabulary: int = 20000
    min_count: int = 3
    embedding_dims: int = 64
    channels: int = 64
    hidden: int = 32
    width1: int = 5
    width2: int = 5
    dilation2: int = 3
    epochs: int = 6
    learning_rate: float = 2e-3
    weight_decay: float = 1e-4
    word_dropout: float = 0.1
    dropout: float = 0.2
    batch_size: int = 64
    crop_words: int = 320
    article_gap: int = 16
    seed: int = 0
    threads: int = 2


def _initial_embeddings(vocabulary: Sequence[str], dims: int, rng: np.random.Generator) -> np.ndarray:
    """Rows for the reserved ids (padding = 0 vector, shape classes random) and every vocabulary
    word embedded once by the bundled static MiniLM embedder (its first ``dims`` PCA components),
    scaled to the size of a randomly initialised row, so rare words start close to their synonyms
    instead of from noise."""
    from .embedder import StaticEmbedder

    table = (rng.standard_normal((len(vocabulary) + _N_RESERVED, dims)) * 0.1).astype(np.float32)
    table[_PAD] = 0.0
    vectors = StaticEmbedder.load().encode(list(vocabulary))[:, :dims]
    table[_N_RESERVED:] = vectors * np.float32(0.3 * np.sqrt(dims))
    return table


def fit_conv(docs: Sequence[LabelledDoc], params: ConvParams = ConvParams(), log: Any = None) -> ConvBoundaryModel:
    """Train the convolutional scorer with torch (CPU, ``params.threads`` threads, seeded).

    Articles are laid end to end with ``article_gap`` padding words between them; each step
    draws random crops of ``crop_words`` words and computes the logistic loss on the words at
    least ``reach`` from the crop edges (their whole context is real), never on the last word
    of an article (no boundary is scored there) nor on padding.
    """
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from ..errors import MissingExtraError

        raise MissingExtraError(
            "Training the sentence model needs torch (inference does not): pip install torch==2.13.0") from exc

    torch.manual_seed(params.seed)
    torch.set_num_threads(params.threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(params.seed)
    vocabulary = _build_vocabulary(docs, TrainParams(max_vocabulary=params.max_vocabulary, min_count=params.min_count))
    index = {word: i + _N_RESERVED for i, word in enumerate(vocabulary)}
    ids_parts: list[np.ndarray] = []
    label_parts: list[np.ndarray] = []
    for doc in docs:
        ids_parts.append(np.fromiter((index.get(w) or _oov_class(w) for w in doc.words), np.int64, len(doc.words)))
        y = np.zeros(len(doc.words), np.float32)
        y[doc.ends] = 1.0
        y[-1] = -1.0  # the text ends there anyway: never scored
        label_parts.append(y)
        ids_parts.append(np.zeros(params.article_gap, np.int64))
        label_parts.append(np.full(params.article_gap, -1.0, np.float32))
    stream_ids = torch.from_numpy(np.concatenate(ids_parts))
    stream_y = torch.from_numpy(np.concatenate(label_parts))

    reach = params.width1 // 2 + (params.width2 // 2) * params.dilation2
    dims, channels = params.embedding_dims, params.channels
    embeddings = torch.nn.Embedding(len(vocabulary) + _N_RESERVED, dims, padding_idx=_PAD)
    with torch.no_grad():
        embeddings.weight.copy_(torch.from_numpy(_initial_embeddings(vocabulary, dims, rng)))
    conv1 = torch.nn.Conv1d(dims, channels, params.width1, padding=params.width1 // 2)
    conv2 = torch.nn.Conv1d(channels, channels, params.width2, padding=(params.width2 // 2) * params.dilation2,
                            dilation=params.dilation2)
    hidden = torch.nn.Linear(2 * channels, params.hidden)
    out = torch.nn.Linear(params.hidden, 1)
    modules = torch.nn.ModuleList([embeddings, conv1, conv2, hidden, out])
    dropout = torch.nn.Dropout(params.dropout)

    def forward(x: Any) -> Any:
        e = embeddings(x)
        if modules.training and params.word_dropout:
            # whole words dropped: the model must not lean on any single cue word
            e = e.masked_fill((torch.rand(x.shape) < params.word_dropout).unsqueeze(-1), 0.0)
        h1 = F.relu(conv1(dropout(e).transpose(1, 2)))
        h2 = F.relu(conv2(dropout(h1)))
        h = torch.cat([h1, h2], 1).transpose(1, 2)
        return out(dropout(F.relu(hidden(h)))).squeeze(-1)

    n = len(stream_ids)
    scored_per_crop = params.crop_words - 2 * reach
    steps = max(1, n // (params.batch_size * scored_per_crop)) * params.epochs
    optimiser = torch.optim.AdamW(modules.parameters(), lr=params.learning_rate, weight_decay=params.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=params.learning_rate, total_steps=steps,
                                                   pct_start=0.1)
    if log:
        log(f"  {n:,} positions, {int((stream_y == 1).sum()):,} sentence ends, {len(vocabulary):,} words, "
            f"{steps} steps")
    offsets = torch.arange(params.crop_words)
    modules.train()
    started = time.time()
    for step in range(steps):
        starts = torch.from_numpy(rng.integers(0, n - params.crop_words, params.batch_size))
        window = starts[:, None] + offsets[None]
        logits = forward(stream_ids[window])[:, reach:params.crop_words - reach]
        y = stream_y[window][:, reach:params.crop_words - reach]
        mask = y >= 0
        loss = F.binary_cross_entropy_with_logits(logits[mask], y[mask])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if log and step % 200 == 0:
            log(f"  step {step}/{steps} loss {loss.item():.4f} ({time.time() - started:.0f}s)")
    modules.eval()

    def array(t: Any) -> np.ndarray:
        return t.detach().cpu().numpy().astype(np.float32)

    arrays = {"embeddings": array(embeddings.weight), "conv1_weight": array(conv1.weight),
              "conv1_bias": array(conv1.bias), "conv2_weight": array(conv2.weight), "conv2_bias": array(conv2.bias),
              "hidden_weight": array(hidden.weight), "hidden_bias": array(hidden.bias),
              "out_weight": array(out.weight), "out_bias": array(out.bias)}
    return ConvBoundaryModel(vocabulary=vocabulary, params=arrays, width1=params.width1, width2=params.width2,
                             dilation2=params.dilation2)


def weighted_f1(heldout: dict[str, Any]) -> float | None:
    """Boundary F1 over held-out sets, each weighted by its gold boundaries (None without any)."""
    sets = [r for r in heldout.values() if isinstance(r, dict) and "model" in r and r.get("gold_boundaries")]
    total = sum(r["gold_boundaries"] for r in sets)
    return round(sum(r["model"]["f1"] * r["gold_boundaries"] for r in sets) / total, 4) if total else None


def _gap_counts(pred: Sequence[int], gold: Sequence[int]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) boundary counts of one document."""
    return len(set(pred) & set(gold)), len(pred), len(gold)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def tune_decoding(model: SentenceBoundaryModel, docs: Sequence[LabelledDoc]) -> dict[str, Any]:
    """Pick threshold and ``min_words`` maximising boundary F1 on ``docs`` (validation articles of
    the training sets, never the held-out ones); set ``max_words`` from the same articles.

    ``min_words`` starts at 3: one- and two-word "sentences" ("deception", "the stalemate") cost
    little F1 to forbid but are useless to a claim detector downstream.  ``max_words`` is the 95th
    percentile of the articles' sentence lengths (rounded up to 5): F1 hardly depends on it (held-out
    F1 0.5135 at 80 words, 0.5136 at 50, 0.5133 at 45 for the previous model), but the check-worthy
    list is read by people, and a 70-word "sentence" there is almost surely two run together."""
    lengths = [b - a for doc in docs for a, b in zip(doc.ends, doc.ends[1:])]
    max_words = int(5 * math.ceil(np.percentile(lengths, 95) / 5)) if lengths else 60
    scored = [(model.scores(doc.words), doc.ends) for doc in docs]
    best: dict[str, Any] = {"f1": -1.0}
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        logit = float(np.log(threshold / (1 - threshold)))
        for min_words in (3, 4, 5):
            tp = n_pred = n_gold = 0
            for scores, gold in scored:
                pred = decode(scores, threshold=logit, min_words=min_words, max_words=max_words)
                a, b, c = _gap_counts(pred, gold)
                tp, n_pred, n_gold = tp + a, n_pred + b, n_gold + c
            f1 = prf(tp, n_pred, n_gold)["f1"]
            if f1 > best["f1"]:
                best = {"f1": f1, "threshold": threshold, "min_words": min_words, "max_words": max_words}
    model.set_decoding(best["threshold"], best["min_words"], best["max_words"])
    return best


# =============================================================================== evaluation
def every_n_words(words: Sequence[str], n: int) -> list[int]:
    """Baseline: a sentence ends every ``n`` words."""
    return list(range(n - 1, len(words) - 1, n))


def before_the(words: Sequence[str], min_words: int = 5) -> list[int]:
    """Baseline: a sentence ends before every "the" at least ``min_words`` after the last end."""
    out: list[int] = []
    for i in range(len(words) - 1):
        if words[i + 1] == "the" and i - (out[-1] if out else -1) >= min_words:
            out.append(i)
    return out


def evaluate_docs(model: SentenceBoundaryModel, docs: Sequence[LabelledDoc], *,
                  every_n: int = 20) -> dict[str, Any]:
    """Boundary precision/recall/F1 (micro, exact word position) of the model and two baselines."""
    systems = {
        "model": lambda words: model.boundaries(words),
        f"every_{every_n}_words": lambda words: every_n_words(words, every_n),
        "before_the": before_the,
    }
    result: dict[str, Any] = {"articles": len(docs), "words": sum(len(d.words) for d in docs),
                              "gold_boundaries": sum(len(d.ends) for d in docs)}
    for name, system in systems.items():
        tp = n_pred = n_gold = 0
        for doc in docs:
            a, b, c = _gap_counts(system(doc.words), doc.ends)
            tp, n_pred, n_gold = tp + a, n_pred + b, n_gold + c
        result[name] = prf(tp, n_pred, n_gold)
    return result


def evaluate_heldout(model: SentenceBoundaryModel, datasets: Sequence[str] = HELDOUT_DATASETS,
                     *, max_docs: int | None = 400, every_n: int = 20) -> dict[str, Any]:
    """Per held-out dataset: boundary P/R/F1 of ``model`` and the baselines on normalised copies
    of its punctuated articles (gold = the raw splitter on the original).  Missing datasets are
    reported as skipped, not silently dropped."""
    from ..errors import DatasetNotFoundError

    out: dict[str, Any] = {}
    for name in datasets:
        try:
            docs = labelled_docs(name, with_title=False, max_docs=max_docs)
        except DatasetNotFoundError as exc:
            out[name] = {"skipped": str(exc)}
            continue
        out[name] = evaluate_docs(model, docs, every_n=every_n)
    return out


# =============================================================================== train + card
SEED_ARTICLE = Path(__file__).resolve().parents[4] / "shared" / "examples" / "seed-article.txt"


def _seed_check(model: SentenceBoundaryModel, path: Path = SEED_ARTICLE) -> dict[str, Any] | None:
    """How the model splits the (normalised, clipped) seed article, for the model card."""
    if not path.is_file():
        return None
    sentences = split_normalised(path.read_text(), model=model)
    lengths = [len(s.text.split()) for s in sentences]
    sanctions = next((s.text for s in sentences if "new round of sanctions" in s.text), None)
    return {"sentences": len(sentences), "max_words": max(lengths), "mean_words": round(sum(lengths) / len(lengths), 1),
            "sanctions_sentence": sanctions}


def _fit_tune_measure(architecture: str, fit_docs: Sequence[LabelledDoc], val_docs: Sequence[LabelledDoc],
                      heldout_datasets: Sequence[str], params: Any,
                      log: Any) -> tuple[SentenceBoundaryModel, dict[str, Any]]:
    """Fit one architecture, tune its decoding on ``val_docs`` and measure it on the held-out sets."""
    started = time.time()
    model: SentenceBoundaryModel
    if architecture == "transformer":
        from dataclasses import replace

        from .transformer_boundary import TransformerParams, bf16_available, fit_transformer, parameter_count

        assert isinstance(params, TransformerParams)
        if params.bf16 is None:  # recorded as decided
            params = replace(params, bf16=bf16_available())
        transformer = fit_transformer(fit_docs, params, log=log)
        # about a second per article: score each validation article once for tuning and measuring
        # (val_docs outlive both); held-out articles are read once anyway
        transformer.remember_scores(True)
        for i, doc in enumerate(val_docs):
            transformer.scores(doc.words)
            if i % 100 == 99:
                log(f"  scored {i + 1}/{len(val_docs)} validation articles ({time.time() - started:.0f}s)")
        decoding = tune_decoding(transformer, val_docs)
        validation = evaluate_docs(transformer, val_docs)
        transformer.remember_scores(False)
        model = transformer
        log(f"{architecture}: decoding {decoding}, validation {validation['model']} ({time.time() - started:.0f}s)")
        measured = _measure_heldout(architecture, model, params, decoding, validation, heldout_datasets, started, log)
        return model, {**measured, "parameters": parameter_count(transformer)}
    if architecture == "conv":
        assert isinstance(params, ConvParams)
        conv = fit_conv(fit_docs, params, log=log)
        # what is shipped is float16: tune and measure the model exactly as it will be loaded
        conv.params = {k: v.astype(np.float16).astype(np.float32) for k, v in conv.params.items()}
        model = conv
    else:
        assert isinstance(params, TrainParams)
        linear = fit(fit_docs, params, log=log)
        linear.weights = linear.weights.astype(np.float16).astype(np.float32)
        model = linear
    decoding = tune_decoding(model, val_docs)
    log(f"{architecture}: decoding {decoding} ({time.time() - started:.0f}s)")
    validation = evaluate_docs(model, val_docs)
    return model, _measure_heldout(architecture, model, params, decoding, validation, heldout_datasets, started, log)


def _measure_heldout(architecture: str, model: SentenceBoundaryModel, params: Any, decoding: dict[str, Any],
                     validation: dict[str, Any], heldout_datasets: Sequence[str], started: float,
                     log: Any) -> dict[str, Any]:
    heldout = evaluate_heldout(model, heldout_datasets, max_docs=None)
    for name, res in heldout.items():
        log(f"{architecture}: held out {name}: {res.get('model', res)}")
    return {"architecture": architecture, "params": {k: getattr(params, k) for k in params.__dataclass_fields__},
            "decoding": decoding, "validation": validation, "heldout": heldout,
            "training_seconds": round(time.time() - started, 1)}


def train(output: str | Path, *, architecture: str = "linear", params: Any = None,
          train_datasets: Sequence[str] = TRAIN_DATASETS, heldout_datasets: Sequence[str] = HELDOUT_DATASETS,
          max_docs: int | None = MAX_DOCS_PER_DATASET, compare_linear: bool = True,
          log: Any = print) -> SentenceBoundaryModel:
    """Self-supervised training end to end: label, fit, tune decoding, evaluate, write the bundle.

    ``architecture="conv"`` (experimental) needs torch to train; ``"transformer"`` needs torch
    and transformers to train and to run, and ``params`` a
    :class:`~newscred.claims.transformer_boundary.TransformerParams` naming the base model folder.
    With ``compare_linear`` the linear model is fitted on the same articles too and its held-out
    numbers are stored in metrics.json (``linear_baseline``) -- the benchmark's comparison row.
    """
    from ..datasets.registry import get_spec

    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; known: {', '.join(ARCHITECTURES)}")
    if architecture == "transformer" and (params is None or not getattr(params, "base_model", "")):
        raise ValueError("the transformer architecture fine-tunes a pre-trained encoder: give TransformerParams("
                         "base_model=FOLDER) (the CLI: --base-model FOLDER)")
    params = params or (ConvParams() if architecture == "conv" else TrainParams())
    started = time.time()
    seen: set[str] = set()
    fit_docs: list[LabelledDoc] = []
    val_docs: list[LabelledDoc] = []
    training_data = []
    for name in train_datasets:
        docs = labelled_docs(name, with_title=True, max_docs=max_docs, seen=seen)
        # a fixed tenth of the articles (by id hash) tunes the decoding, never the weights
        for doc in docs:
            (val_docs if _stable_hash(doc.id) % 10 == 0 else fit_docs).append(doc)
        training_data.append({"dataset": name, "articles": len(docs), "words": sum(len(d.words) for d in docs),
                              "sentence_ends": sum(len(d.ends) for d in docs), "licence": get_spec(name).licence})
        log(f"{name}: {len(docs)} articles ({time.time() - started:.0f}s)")
    model, metrics = _fit_tune_measure(architecture, fit_docs, val_docs, heldout_datasets, params, log)
    if architecture != "linear" and compare_linear:
        _, linear = _fit_tune_measure("linear", fit_docs, val_docs, heldout_datasets, TrainParams(), log)
        metrics["linear_baseline"] = {k: linear[k] for k in ("params", "decoding", "validation", "heldout")}
    metrics["max_docs"] = max_docs
    metrics["seed_article"] = _seed_check(model)
    metrics["training_seconds"] = round(time.time() - started, 1)
    path = model.save(output, metrics=metrics, training_data=training_data,
                      card=model_card(metrics, training_data))
    log(f"wrote {path} ({time.time() - started:.0f}s)")
    return SentenceBoundaryModel.load(path)


def markdown_table(heldout: dict[str, Any], linear: dict[str, Any] | None = None) -> str:
    """Held-out boundary P/R/F1 of the model and the baselines as a Markdown table; with
    ``linear`` (the held-out results of the linear model), its F1 as a comparison column."""
    extra_head, extra_rule = (" linear model F1 |", "---:|") if linear else ("", "")
    rows = ["| held-out dataset | articles | gold ends | model P | model R | model F1 |" + extra_head
            + " every 20 words F1 | before \"the\" F1 |",
            "|---|---:|---:|---:|---:|---:|" + extra_rule + "---:|---:|"]
    for name, res in heldout.items():
        if "skipped" in res:
            rows.append(f"| {name} | skipped: {res['skipped']} | | | | |" + (" |" if linear else "") + " | |")
            continue
        m = res["model"]
        lin = ""
        if linear:
            other = linear.get(name, {})
            lin = f" {other['model']['f1']:.3f} |" if "model" in other else " - |"
        rows.append(f"| {name} | {res['articles']} | {res['gold_boundaries']} | {m['precision']:.3f} | {m['recall']:.3f} | "
                    f"{m['f1']:.3f} |{lin} {res['every_20_words']['f1']:.3f} | {res['before_the']['f1']:.3f} |")
    return "\n".join(rows)


def _model_description(metrics: dict[str, Any]) -> str:
    p = metrics["params"]
    if metrics.get("architecture") == "transformer":
        return f"""**Model.** `{Path(p['base_model']).name}` fine-tuned as a tagger: the last word-piece of every word
gets the logit "a sentence ends after this word" from a linear head on the encoder's output
({metrics.get('parameters', 0) / 1e6:.1f} M parameters). Trained with torch on CPU ({p['threads']} threads):
{p['steps']} AdamW steps (one-cycle learning rate {p['learning_rate']}, weight decay {p['weight_decay']}) of
{p['batch']} random windows of {p['window'] - 2} word-pieces, seed {p['seed']}, products in
{'bfloat16' if p.get('bf16') else 'float32'}. At run time the encoder runs in bfloat16 where the CPU multiplies
it natively (`NEWSCRED_TORCH_BF16=0` or `1` decides), else float32. At run time half-overlapping
windows slide over the article. Weights are float32 in `weights.safetensors`, the tokenizer in
`tokenizer.json`, the encoder's configuration in `config.json`; no pickle. Needs torch and
transformers at run time (`pip install 'newscred[neural]'`).

**Reproduce** (needs `../shared/data` and the base model folder; for MPNet-base on 2 cores about 1.7 s
per step in bfloat16 or 7 s in float32, plus 20-60 minutes to tune and measure):

    python -m newscred.claims.sentences train --architecture transformer --base-model {Path(p['base_model']).name} --steps {p['steps']} -o DIR"""
    if metrics.get("architecture") == "conv":
        reach = p["width1"] // 2 + (p["width2"] // 2) * p["dilation2"]
        return f"""**Model.** A small convolutional network read by plain numpy at run time. Each word is a
{p['embedding_dims']}-dim embedding ({p['max_vocabulary']:,}-word vocabulary, shape classes for other words),
initialised from the bundled static MiniLM embedder (`claim-embedder`, its first {p['embedding_dims']} PCA
dims) and then trained; a width-{p['width1']} convolution and a width-{p['width2']} convolution with dilation
{p['dilation2']} ({p['channels']} channels each, ReLU) let the gap after word i see words i-{reach}..i+{reach}; both
layers feed an MLP ({p['hidden']} hidden units) giving the boundary logit. Trained with torch on CPU
(AdamW, one-cycle learning rate {p['learning_rate']}, {p['epochs']} epochs of random {p['crop_words']}-word crops,
word dropout {p['word_dropout']}, dropout {p['dropout']}, seed {p['seed']}, {p['threads']} threads). Arrays are
float16 in `arrays.npz`, vocabulary in `vocabulary.json`; no pickle.

**Reproduce** (training needs torch; inference does not):

    pip install torch==2.13.0
    python -m newscred.claims.sentences train --architecture conv -o DIR"""
    return f"""**Model.** Logistic regression (averaged SGD, {p['epochs']} epochs, alpha {p['alpha']})
over the words at offsets -3..+3 of the gap, two bags of farther words, and hashed word pairs and
triples across the gap ({p['hash_bits']} hash bits); {p['max_vocabulary']:,}-word
vocabulary, shape classes for other words.{_classes_text(p)} Weights are float16 in `arrays.npz`,
vocabulary in `vocabulary.json`; no pickle.

**Reproduce** (about two minutes on one core and 6 GB of memory, needs `../shared/data`; a rerun writes
byte-identical weights, vocabulary and config): `python -m newscred.claims.sentences train --architecture linear -o DIR`"""


def _classes_text(params: dict[str, Any]) -> str:
    k = params.get("word_classes")
    if not k:
        return ""
    return (f" Each vocabulary word also has one of {k} word classes (k-means clusters of its static embedding "
            "from the bundled `claim-embedder`, MiniLM distilled with model2vec); the classes at offsets -3..+3 and "
            f"hashed class pairs and triples ({_CLASS_HASH_BITS} bits) are features too, so a rare word borrows "
            "what its class learnt.")


def model_card(metrics: dict[str, Any], training_data: list[dict[str, Any]]) -> str:
    """The README.md of the bundled model, generated from its metrics (never typed by hand)."""
    data_rows = "\n".join(f"| {d['dataset']} | {d['articles']} | {d['words']:,} | {d['sentence_ends']:,} | {d['licence']} |"
                          for d in training_data)
    dec = metrics["decoding"]
    val = metrics["validation"]["model"]
    seed = metrics.get("seed_article")
    seed_text = ("(seed article not found at training time)" if not seed else
                 f"{seed['sentences']} sentences, longest {seed['max_words']} words, mean {seed['mean_words']}. "
                 f"The sentence holding \"new round of sanctions\":\n\n> {seed['sanctions_sentence']}")
    max_docs = metrics.get("max_docs", 2000)  # bundles before 2026-11-29 used 2,000 and did not say
    docs_text = "All articles of each set" if max_docs is None else f"At most {max_docs} articles per set"
    linear = metrics.get("linear_baseline")
    linear_text = ""
    if linear:
        lv = linear["validation"]["model"]
        linear_text = (f"\nThe column \"linear model F1\" is the previous (logistic regression, window -3..+3) model "
                       f"fitted on the same articles at the same time (validation F1 {lv['f1']:.3f}).\n")
    return f"""# Sentence boundaries in normalised text (`{MODEL_NAME}` {MODEL_VERSION}, {metrics.get('architecture', 'linear')})

Generated by `python -m newscred.claims.sentences train{_architecture_flag(metrics)}`; do not edit.

**What it does.** Given the canonical normalised words of a text (lower-case, no punctuation, see
`newscred.text.normalise`), it scores every gap between two words for "a sentence ends here" and
decodes the scores greedily (threshold {dec['threshold']}, sentences of at least {dec['min_words']} words
between two ends, run-ons over {dec['max_words'] or 'no limit'} words cut at their best gap; that limit is
the 95th percentile of sentence lengths in the validation articles).
Used by `newscred.claims.sentences.split_sentences` when the input looks normalised.

{_model_description(metrics)}

**Training data (self-supervised).** Punctuated articles (title added as a first line) are split by
the rule-based `split_raw`; their normalised words inherit the sentence ends. {docs_text},
deduplicated; a tenth (by id hash) tunes the decoding only.

| dataset | articles | words | sentence ends | licence (from PROVENANCE.md) |
|---|---:|---:|---:|---|
{data_rows}

**Evaluation.** Boundary precision / recall / F1 (exact word position) on normalised copies of
articles from sets never used in training or tuning; gold = `split_raw` on the punctuated original.

Validation (held-out tenth of the training sets): P {val['precision']:.3f}, R {val['recall']:.3f}, F1 {val['f1']:.3f}.
{linear_text}
{markdown_table(metrics['heldout'], linear['heldout'] if linear else None)}

**Seed article** (`../shared/examples/seed-article.txt`): {seed_text}

**Limits.** Lower-case text without punctuation is genuinely ambiguous ("conway said i think ..."):
even with +-{_reach_text(metrics)} words of context the model stays short of the boundaries a punctuated
text gives, so treat its sentences as approximate (see the table for how far from the issue's target
of F1 >= 0.80). Quotes introduced by a colon are often cut as new sentences. Gold labels are
themselves rule-based (line breaks in scraped boilerplate count as sentence ends). English news only.
recovery_covid19 is CC BY-NC-SA 4.0: whether these weights inherit its non-commercial clause is for
the maintainers to decide.
"""


def _architecture_flag(metrics: dict[str, Any]) -> str:
    architecture = metrics.get("architecture", "linear")
    return " -o src/newscred/models/sentences" if architecture == "linear" else f" --architecture {architecture} -o DIR"


def _reach_text(metrics: dict[str, Any]) -> str:
    p = metrics["params"]
    if metrics.get("architecture") == "transformer":
        return f"{(p['window'] - 2) // 4} word-pieces (at least)"
    if metrics.get("architecture") == "conv":
        return str(p["width1"] // 2 + (p["width2"] // 2) * p["dilation2"])
    return "3"


# =============================================================================== command line
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscred.claims.sentences",
                                     description="Sentence splitting for raw and normalised news text.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="train the boundary model and write it as a bundle")
    p_train.add_argument("-o", "--output", required=True, help="model directory to write")
    p_train.add_argument("--max-docs", type=int, default=MAX_DOCS_PER_DATASET,
                         help="articles per training set (default: all)")
    p_train.add_argument("--architecture", choices=ARCHITECTURES, default="linear",
                         help="linear (default, the bundled model); conv (experimental; needs torch to train); "
                              "transformer (fine-tunes --base-model; needs torch and transformers to train and to run)")
    p_train.add_argument("--no-linear-baseline", dest="compare_linear", action="store_false",
                         help="skip fitting the linear model for comparison (conv and transformer only)")
    p_train.add_argument("--base-model", type=Path, default=None,
                         help="transformer: a local encoder folder (config.json, tokenizer.json, model.safetensors), "
                              "e.g. all-mpnet-base-v2; nothing is downloaded")
    p_train.add_argument("--steps", type=int, default=2900,
                         help="transformer: optimiser steps of 16 windows (default 2900: one pass over the shared "
                              "articles; about 2 hours for MPNet-base on 2 cores in bfloat16, held-out F1 0.800)")
    p_train.add_argument("--batch", type=int, default=16, help="transformer: windows per step")
    p_train.add_argument("--window", type=int, default=128, help="transformer: word-pieces per window")
    p_train.add_argument("--threads", type=int, default=2, help="transformer: torch threads")
    p_train.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                         help="transformer: train in bfloat16 (default: where the CPU multiplies it natively, "
                              "3-4x faster there)")
    p_split = sub.add_parser("split", help="print the sentences of a file (or stdin), one per line")
    p_split.add_argument("file", nargs="?", help="text file (default: stdin)")
    mode = p_split.add_mutually_exclusive_group()
    mode.add_argument("--normalised", dest="normalised", action="store_true", default=None)
    mode.add_argument("--raw", dest="normalised", action="store_false")
    p_split.add_argument("--model", help="model directory (default: the bundled one)")
    args = parser.parse_args(argv)
    if args.command == "train":
        params = None
        if args.architecture == "transformer":
            from .transformer_boundary import TransformerParams

            if args.base_model is None:
                parser.error("--architecture transformer needs --base-model FOLDER (a local encoder such as "
                             "all-mpnet-base-v2; benchmarks/boundary_neural.py's docstring shows how to assemble it)")
            params = TransformerParams(base_model=str(args.base_model), steps=args.steps, batch=args.batch,
                                       window=args.window, threads=args.threads, bf16=args.bf16)
        train(args.output, architecture=args.architecture, params=params, max_docs=args.max_docs,
              compare_linear=args.compare_linear)
        return 0
    text = Path(args.file).read_text() if args.file else sys.stdin.read()
    model = SentenceBoundaryModel.load(args.model) if args.model else None
    for sentence in split_sentences(text, normalised=args.normalised, model=model):
        print(f"{sentence.start}\t{sentence.end}\t{sentence.text}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
