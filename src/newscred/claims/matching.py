"""Claim matching: which already fact-checked claims does a sentence resemble?

A check-worthy sentence is worth much more to a reader when it comes with "PolitiFact rated a
near-identical claim pants-fire".  :class:`ClaimIndex` holds fact-checked claims (LIAR /
PolitiFact, CLIMATE-FEVER, CoAID, Snopes via MisInfoText, or your own) and returns the nearest
ones for each query sentence, with similarity, verdict and fact-check URL when known.

Two scorers, both on the *normalised* text of each side (``newscred.text.normalise``), so a
scraped, lower-cased, punctuation-less sentence finds the same claim as the original:

* ``embedding``: cosine of static MiniLM-distilled sentence vectors
  (:class:`~newscred.claims.embedder.StaticEmbedder`): finds paraphrases;
* ``lexical``: cosine of TF-IDF word 1-2-gram vectors: needs no model, and is the fallback when
  the embedder files are missing;
* ``fused`` (default when both exist): ``w * embedding + (1 - w) * lexical``; ``w`` was chosen
  on half of LIAR-PLUS val2 (see ``benchmarks/claims_bench.py``).

Below a similarity floor per scorer (:data:`DEFAULT_MIN_SIMILARITY`) a neighbour is not a match:
chosen so that about 1% of the check-worthy sentences of unrelated articles get one.  Texts that
are not claims with a verdict are never indexed nor shown (:func:`left_out_reason`: CLIMATE-FEVER's
NOT_ENOUGH_INFO / DISPUTED, CoAID's FAQ questions), and every verdict comes with a reader's
wording of it and who gave it (:func:`verdict_text`).

Embeddings are post-processed per index ("all-but-the-top": centred, top principal directions
removed, see :data:`REMOVED_COMPONENTS`), which doubles their recall on long queries.

Near-identical claims (same normalised text, a leading "says" ignored) are stored once; every
verdict is kept (:attr:`ClaimMatch.also`), because two fact-checkers, or the same one twice,
may disagree.

The index is a directory written with :func:`newscred.model.artifact.write_bundle`
(task ``claim-index``, format version :data:`INDEX_VERSION`): ``claims.jsonl`` (one entry per
line) and ``claims-offsets.npy`` (where each line starts), ``embeddings.npz`` (float16),
``lexical.npz`` (TF-IDF postings and the vocabulary's words) + ``lexical.json``, ``config.json``,
``manifest.json`` (sha256 of each file).  No pickle anywhere; a tampered index is refused on open.
Every array is stored uncompressed and read in place, and nothing is parsed that a query does not
need, so opening an index costs little more than hashing its files (``newscred analyze
--claims-index`` opens it on every run).  An index of another format version is refused with
:class:`~newscred.errors.IndexVersionError` ("rebuild it").
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence

import numpy as np

from ..errors import (
    ConfigError,
    CorruptArtifactError,
    IncompatibleArtifactError,
    IndexNotFoundError,
    IndexVersionError,
    MissingExtraError,
    ModelError,
)
from ..model.artifact import (
    npy_bytes,
    npz_bytes,
    read_manifest,
    read_npy,
    read_npz,
    read_verified_artifact,
    sha256_file,
    write_bundle,
)
from ..text.normalise import normalise
from ..text.questions import is_question
from ._arrays import search_sorted

__all__ = [
    "DEFAULT_DATASETS",
    "DEFAULT_FUSION_WEIGHT",
    "DEFAULT_MIN_SIMILARITY",
    "NOT_A_VERDICT",
    "QUESTION_DATASETS",
    "ClaimIndex",
    "ClaimMatch",
    "FactCheckedClaim",
    "dedupe_key",
    "fact_checked_claims",
    "is_flip_topic",
    "is_negated",
    "is_question",
    "left_out_reason",
    "min_similarity_for",
    "read_claims_jsonl",
    "verdict_text",
]

log = logging.getLogger(__name__)

INDEX_TASK = "claim-index"
#: "2": uncompressed arrays read in place, TF-IDF stored as postings, the vocabulary as a hashed
#: word table with unigram and bigram columns, line offsets of claims.jsonl ("1" stored a
#: compressed CSR matrix and a JSON list of terms).
INDEX_VERSION = "2"
Method = Literal["embedding", "lexical", "fused"]
METHODS: tuple[str, ...] = ("embedding", "lexical", "fused")

DEFAULT_DATASETS: tuple[str, ...] = ("liar", "climate_fever", "coaid_claims", "misinfotext_sfu")

#: Weight of the embedding cosine in the fused score: chosen on the "tune" half of LIAR-PLUS val2
#: justification -> claim retrieval and checked on the other half (benchmarks/claims_bench.py,
#: results/claims_matching.json: recall@5 0.741 fused vs 0.711 lexical vs 0.584 embedding).
DEFAULT_FUSION_WEIGHT = 0.2

#: Below these similarities a neighbour is not reported as a match (override per query with
#: ``min_similarity=``, a number or a mapping per method; ``0`` gives the k nearest).  Each is the
#: lowest floor (0.01 grid) at which at most 1% of the check-worthy sentences of unrelated articles
#: (3,045 sentences of 740 celebrity, sports, tech and entertainment stories) get any match, measured
#: by ``python benchmarks/claims_bench.py floors`` (benchmarks/results/claims_floors.json):
#:
#: ========= ===== ============================================ ==========================
#: scorer    floor true matches kept (whole / best sentence /    unrelated sentences with
#:                 every sentence of a LIAR-PLUS justification   a match
#:                 whose claim is among the 3 nearest)
#: ========= ===== ============================================ ==========================
#: fused     0.34  59% / 70% / 49%  (at the old 0.24: 78/84/70)  0.9% (old 0.24: 7.4%)
#: lexical   0.33  60% / 71% / 52%  (at the old 0.21: 79/87/75)  0.9% (old 0.21: 12.8%)
#: embedding 0.65  42% / 62% / 44%  (at the old 0.66: 40/60/42)  0.9% (old 0.66: 0.8%)
#: ========= ===== ============================================ ==========================
#:
#: So the fused floor drops 88% of the unrelated matches the old one showed (the lexical one 93%)
#: and keeps 83% of the true matches of a justification's best sentence that it showed (82%).
#: The old floors aimed at 90% top-1 precision on LIAR-PLUS justifications, which share their
#: claim's names and numbers: there, unrelated text never came in.  Matches at 0.24-0.31 were
#: unrelated claims with alarming verdicts (lead pipes -> an EPA asbestos claim).
DEFAULT_MIN_SIMILARITY: Mapping[str, float] = {"embedding": 0.65, "lexical": 0.33, "fused": 0.34}

_REQUIRED = ("claims.jsonl", "claims-offsets.npy", "lexical.npz", "lexical.json", "config.json")

#: Upper bound of the embedding cosine of a query with an indexed claim: both are unit vectors,
#: the claim's rounded to float16 (relative error <= 2**-11 per component), plus a wide margin.
#: With it, a fused query only embeds-scores the claims whose lexical score could still reach the
#: threshold (see :meth:`ClaimIndex.query`).
_MAX_COSINE = 1.01

#: "All-but-the-top" post-processing of the static embeddings (Mu & Viswanath 2018): subtract
#: the index's mean vector and project out its top principal directions, which every averaged
#: sentence vector shares and which otherwise make all political claims look alike.  On LIAR-PLUS
#: val2 this lifts embedding recall@5 from ~0.42 to ~0.59 (benchmarks/claims_bench.py).  The
#: directions are estimated on the indexed claims, so only for indexes large enough to do so.
REMOVED_COMPONENTS = 8
MIN_ENTRIES_TO_CENTER = 100
MIN_ENTRIES_TO_REMOVE_COMPONENTS = 1000


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactCheckedClaim:
    """One claim as rated by a fact-checker.

    ``verdict`` is the dataset's own rating word ("pants-fire", "REFUTES", "fake", "mostly
    false"...), ``label`` its reliable/unreliable mapping (``None`` when the rating is not a
    verdict, e.g. NOT_ENOUGH_INFO), :attr:`verdict_text` what a reader should see ("refuted by
    Wikipedia evidence (CLIMATE-FEVER)").  ``url`` is the fact-check page only when the source gives it
    (Snopes, CoAID); LIAR ids are PolitiFact statement ids from which no URL can be derived.
    """

    id: str
    text: str
    verdict: str | None
    label: str | None
    dataset: str
    url: str | None = None
    speaker: str | None = None
    date: str | None = None

    @property
    def verdict_text(self) -> str | None:
        """The verdict in words a reader understands, with who gave it (:func:`verdict_text`)."""
        return verdict_text(self.verdict, self.dataset)

    def to_dict(self) -> dict[str, Any]:
        # the same dict as dataclasses.asdict, without its recursive deep copy (a report lists ~30)
        return {"id": self.id, "text": self.text, "verdict": self.verdict, "label": self.label,
                "dataset": self.dataset, "url": self.url, "speaker": self.speaker, "date": self.date}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FactCheckedClaim:
        try:
            return cls(id=str(data["id"]), text=str(data["text"]), verdict=data.get("verdict"),
                       label=data.get("label"), dataset=str(data.get("dataset") or ""), url=data.get("url"),
                       speaker=data.get("speaker"), date=data.get("date"))
        except KeyError as exc:
            raise ConfigError(f"a fact-checked claim needs {exc.args[0]!r}: {dict(data)!r:.200}") from None


@dataclass(frozen=True)
class ClaimMatch:
    """A fact-checked claim near a query, with how near and by which scorer.

    A match is a *similar* claim, not the query: its verdict applies to the claim's own wording
    (similarity does not see a "not", another number or another person).  ``also`` holds the other
    fact-checks of the same (near-identical) claim, each with its own verdict: they can disagree,
    and a reader should see that.
    """

    claim: FactCheckedClaim
    similarity: float
    method: str
    also: tuple[FactCheckedClaim, ...] = field(default=())
    #: one of the query and the claim is negated ("not", "never", "doesn't"...) and the other is not:
    #: a hint that the claim may say the opposite, so its verdict would not carry over
    negation_differs: bool = False

    @property
    def verdicts(self) -> list[str]:
        """Every verdict given to this claim, the main one first."""
        return [c.verdict for c in (self.claim, *self.also) if c.verdict]

    def to_dict(self) -> dict[str, Any]:
        """The match as JSON: each claim as :meth:`FactCheckedClaim.to_dict` plus ``verdict_text``
        (the verdict in words, with who gave it: what a report should show, not ``verdict``)."""
        return {"claim": _shown_dict(self.claim), "similarity": round(float(self.similarity), 4), "method": self.method,
                "also": [_shown_dict(c) for c in self.also], "negation_differs": self.negation_differs}


#: Two matched claims whose word sets overlap this much are one claim checked twice ("Martin Luther
#: King Jr. was a Republican." and "Martin Luther King was a Republican.": 6 of 7 words).
NEAR_DUPLICATE_JACCARD = 0.8


def _fold_near_duplicates(matches: list[ClaimMatch]) -> list[ClaimMatch]:
    """Each match whose claim nearly repeats a better one's goes into that one's ``also`` (with
    its own verdict), instead of taking another line that reads like independent support."""
    folded: list[tuple[frozenset[str], ClaimMatch]] = []
    for m in matches:
        words = frozenset(dedupe_key(m.claim.text).split())
        for i, (seen, kept) in enumerate(folded):
            if words and seen and len(words & seen) >= NEAR_DUPLICATE_JACCARD * len(words | seen):
                folded[i] = (seen, replace(kept, also=(*kept.also, m.claim, *m.also)))
                break
        else:
            folded.append((words, m))
    return [m for _, m in folded]


def _shown_dict(claim: FactCheckedClaim) -> dict[str, Any]:
    return {**claim.to_dict(), "verdict_text": claim.verdict_text}


# ----------------------------------------------------------------------------------------------
# What a verdict says, and which indexed texts are not fact-checked claims
# ----------------------------------------------------------------------------------------------

#: CLIMATE-FEVER's claim labels that say nothing about truth: NOT_ENOUGH_INFO (the Wikipedia
#: evidence neither supports nor refutes the claim) and DISPUTED (evidence both ways).  Claims
#: with them are left out of the index (and, in an index built before they were, out of matches).
NOT_A_VERDICT: frozenset[str] = frozenset({"NOT_ENOUGH_INFO", "DISPUTED"})

#: Datasets whose entries may be questions with a verdict that is not a rating: CoAID lists the
#: questions of WHO's FAQ pages ("Is there a vaccine for COVID-19?") as "real" news because the
#: page is reliable, not because a question can be true.  A question is not a claim, so these are
#: left out.  (PolitiFact and Snopes questions, "Did you know X?", rate the claim they imply:
#: they are kept.)
QUESTION_DATASETS: frozenset[str] = frozenset({"coaid_claims"})

def left_out_reason(claim: FactCheckedClaim) -> str | None:
    """Why ``claim`` is not indexed (and never shown as a match), or ``None`` if it is a claim with
    a verdict.  See :data:`NOT_A_VERDICT` and :data:`QUESTION_DATASETS`."""
    if claim.verdict in NOT_A_VERDICT:
        return "evidence label, not a verdict (NOT_ENOUGH_INFO, DISPUTED)"
    if claim.dataset in QUESTION_DATASETS and is_question(claim.text):
        return "a question, not a claim"
    if claim.dataset in FLIP_DATASETS and is_flip_topic(claim.text):
        return "a Flip-O-Meter topic (a change of position), not a claim"
    return None


#: PolitiFact's Flip-O-Meter rates whether someone changed position ("On whether Barack Obama was
#: born in the United States.", "On ending stop and frisk"), not whether a claim is true; LIAR files
#: its full flop / half flip / no flip as false / half-true / true.  Shown next to a sentence, that
#: reads as a truth verdict on a topic, so such entries are left out.
FLIP_DATASETS: frozenset[str] = frozenset({"liar", "liar_plus_partial"})
def is_flip_topic(text: str) -> bool:
    """"On whether ...", or a short "On <topic>." with no claim after it (no colon, comma or quote:
    "On the VA: Over 300,000 veterans have died ..." is a claim and stays)."""
    stripped = text.strip()
    if not stripped.startswith("On "):
        return False
    if stripped.startswith("On whether "):
        return True
    return len(stripped.split()) <= 12 and not any(ch in stripped for ch in ':,"\u201c\u201d')


#: Who gives each dataset's verdicts, and each verdict word in plain words.  Fact-checkers rate
#: (PolitiFact's six ratings, Snopes's five), CoAID labels health claims from the page it links,
#: CLIMATE-FEVER labels whether Wikipedia evidence supports or refutes a claim.
_RATER = {"liar": "PolitiFact", "liar_plus_partial": "PolitiFact", "misinfotext_sfu": "Snopes"}
_RATING_WORDS = {
    "pants-fire": "pants on fire (false and ridiculous)",
    "false": "false",
    "barely-true": "barely true (mostly false)",
    "half-true": "half true",
    "mostly-true": "mostly true",
    "true": "true",
    "mostly false": "mostly false",
    "mostly true": "mostly true",
    "mixture": "mixture (partly true, partly false)",
}
_DATASET_VERDICTS = {
    ("coaid_claims", "fake"): "false according to CoAID (misinformation, see the linked page)",
    ("coaid_claims", "real"): "true according to CoAID (see the linked page)",
    ("climate_fever", "SUPPORTS"): "supported by Wikipedia evidence (CLIMATE-FEVER)",
    ("climate_fever", "REFUTES"): "refuted by Wikipedia evidence (CLIMATE-FEVER)",
    ("climate_fever", "NOT_ENOUGH_INFO"): "not enough Wikipedia evidence either way (CLIMATE-FEVER; not a verdict)",
    ("climate_fever", "DISPUTED"): "Wikipedia evidence both ways (CLIMATE-FEVER; not a verdict)",
}


def verdict_text(verdict: str | None, dataset: str) -> str | None:
    """``verdict`` of a claim from ``dataset`` as a reader should see it, saying who gave it:
    "rated pants on fire (false and ridiculous) by PolitiFact", "rated mostly false by Snopes",
    "false according to CoAID (...)", "refuted by Wikipedia evidence (CLIMATE-FEVER)".  Other
    datasets (your own JSONL): "rated <verdict> (<dataset>)".  ``None`` without a verdict.
    """
    if not verdict:
        return None
    known = _DATASET_VERDICTS.get((dataset, verdict))
    if known:
        return known
    rater = _RATER.get(dataset)
    if rater:
        return f"rated {_RATING_WORDS.get(verdict, verdict)} by {rater}"
    return f"rated {verdict} ({dataset})" if dataset else f"rated {verdict}"


_LEADING_SAYS = re.compile(r"^(?:says|say|said)\s+")


_NEGATIONS = frozenset(
    "not no zero never nor none nobody nothing neither nowhere cannot dont doesnt didnt isnt wasnt arent werent cant "
    "wont hasnt havent hadnt shouldnt wouldnt couldnt aint mustnt neednt".split())


def is_negated(normalised: str) -> bool:
    """Whether normalised text holds a negation: "not", "never", "cannot", "doesnt" or a
    contraction cut by normalising ("doesn t", "can t")."""
    words = normalised.split()
    if _NEGATIONS.isdisjoint(words) and "t" not in words:  # most texts: no word to look at twice
        return False
    return any(w in _NEGATIONS or (w == "t" and i and words[i - 1].endswith("n")) for i, w in enumerate(words))


def dedupe_key(text: str) -> str:
    """The identity of a claim for de-duplication: normalised text, LIAR's leading "Says" dropped."""
    return _LEADING_SAYS.sub("", normalise(text))


def read_claims_jsonl(path: str | os.PathLike[str]) -> Iterator[FactCheckedClaim]:
    """Fact-checked claims from a JSONL file of :meth:`FactCheckedClaim.to_dict` objects.  A claim
    without a ``dataset`` is credited to the file ("my-checks" for my-checks.jsonl), so the index
    says where it came from."""
    from dataclasses import replace

    from ..errors import MalformedRowError

    corpus = Path(path).stem

    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MalformedRowError(f"{path}: line {lineno}: invalid JSON ({exc.msg})", path=str(path),
                                        line=lineno) from exc
            if not isinstance(obj, dict):
                raise MalformedRowError(f"{path}: line {lineno}: expected a JSON object", path=str(path), line=lineno)
            try:
                claim = FactCheckedClaim.from_dict(obj)
            except ConfigError as exc:
                raise MalformedRowError(f"{path}: line {lineno}: {exc.message}", path=str(path), line=lineno) from exc
            yield claim if claim.dataset else replace(claim, dataset=corpus)


# ----------------------------------------------------------------------------------------------
# Fact-checked claims from the shared corpora
# ----------------------------------------------------------------------------------------------


def _records(name: str, root: str | os.PathLike[str] | None, *, prefer_raw: bool = False) -> Iterator[Any]:
    from ..datasets.registry import dataset_dir, load_dataset

    if prefer_raw and (dataset_dir(name, root) / "raw").is_dir():
        return load_dataset(name, root, from_raw=True)
    return load_dataset(name, root)


def fact_checked_claims(root: str | os.PathLike[str] | None = None,
                        datasets: Sequence[str] = DEFAULT_DATASETS) -> Iterator[FactCheckedClaim]:
    """The fact-checked claims of the shared corpora, as :class:`FactCheckedClaim`.

    * ``liar`` / ``liar_plus_partial``: PolitiFact statements, 6-way rating, speaker; no URL
      (the LIAR id is PolitiFact's statement id, from which the page URL cannot be derived).
    * ``climate_fever``: SUPPORTS / REFUTES / NOT_ENOUGH_INFO / DISPUTED against Wikipedia (the
      last two are not verdicts: :meth:`ClaimIndex.build` leaves them out).
    * ``coaid_claims``: read from ``raw/`` (the flattened copy has no URLs): the URL is the page
      that answers the claim (WHO myth-busters, ...), the verdict fake/real.  Most (451 of 518)
      are the questions of WHO FAQ pages, which :meth:`ClaimIndex.build` leaves out.
    * ``misinfotext_sfu``: only the Snopes rows, and their *claim* (not the article), with the
      Snopes URL and rating; one claim per Snopes URL (several articles cite the same one).
    * any other dataset: its records' text and original label.
    """
    from ..datasets.readers import MISINFOTEXT_LABELS

    for name in datasets:
        if name == "misinfotext_sfu":
            seen: set[str] = set()
            for r in _records(name, root):
                if r.subset != "snopes312" or not r.extra.get("claim"):
                    continue
                key = r.extra.get("snopes_url") or r.extra["claim"]
                if key in seen:
                    continue
                seen.add(key)
                verdict = r.original_label
                yield FactCheckedClaim(id=f"{name}:{r.id}", text=r.extra["claim"], verdict=verdict,
                                       # the Snopes rating is of the claim: map it even where the
                                       # article-level Record.label is withheld
                                       label=MISINFOTEXT_LABELS.get(verdict) if verdict else None,
                                       dataset=name, url=r.extra.get("snopes_url"), speaker=None, date=None)
            continue
        # raw/ where the flattened copy lost something: CoAID claim URLs, LIAR-PLUS rows and speakers
        for r in _records(name, root, prefer_raw=name in ("coaid_claims", "liar_plus_partial")):
            if not r.text:
                continue
            speaker = r.source if name in ("liar", "liar_plus_partial") else None
            url = r.url if name == "coaid_claims" else None
            yield FactCheckedClaim(id=f"{name}:{r.id}", text=r.text, verdict=r.original_label, label=r.label,
                                   dataset=name, url=url, speaker=speaker, date=r.date)


# ----------------------------------------------------------------------------------------------
# Lexical scorer: TF-IDF of word 1-2-grams of the normalised text (numpy/scipy only at query time)
# ----------------------------------------------------------------------------------------------

# A short fixed list (not sklearn's) so the index format never depends on a library version.
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that "
    "these those there their they them he she his her him we our you your i me my not no do does did has have had "
    "will would can could should may might must shall says say said than then so such also about into over under "
    "up down out more most very just".split()
)


def _terms(normalised: str) -> list[str]:
    """Unigrams without stop words, plus bigrams that are not two stop words."""
    words = normalised.split()
    terms = [w for w in words if w not in _STOP]
    terms += [f"{a} {b}" for a, b in zip(words, words[1:]) if not (a in _STOP and b in _STOP)]
    return terms


_KNOWN_WORDS_LIMIT = 200_000


def _narrow(ints: np.ndarray) -> np.ndarray:
    """Non-negative integers in the smallest of uint16 / int32 / int64 that holds them (less to hash
    on every open); readers widen them as needed."""
    top = int(ints.max()) if len(ints) else 0
    dtype = np.uint16 if top <= np.iinfo(np.uint16).max else np.int32 if top <= np.iinfo(np.int32).max else np.int64
    return ints.astype(dtype, copy=False)


class _StringTable:
    """Position of each of a sorted list of strings, usable the moment the index is read.

    A ``dict`` of the vocabulary (~130,000 terms, ~15,000 words for the shared claims) would be
    parsed and built on every cold ``newscred analyze --claims-index`` (~35 ms for the terms).
    Instead the index stores the strings (UTF-8, sorted, concatenated) with the crc32 of each,
    sorted: looking strings up is one vectorised binary search over their hashes and one byte
    comparison per hit (so a crc32 collision never maps a string to another's position).
    """

    def __init__(self, blob: bytes, offsets: np.ndarray, hashes: np.ndarray, order: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets
        self.hashes = hashes
        self.order = order

    @classmethod
    def from_terms(cls, terms: Sequence[str]) -> _StringTable:
        encoded = [t.encode("utf-8") for t in terms]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        hashes = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(encoded))
        order = np.argsort(hashes, kind="stable")
        return cls(b"".join(encoded), _narrow(offsets), hashes[order], _narrow(order))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def arrays(self) -> dict[str, np.ndarray]:
        return {"words": np.frombuffer(self.blob, dtype=np.uint8), "word_offsets": self.offsets,
                "word_hashes": self.hashes, "word_order": self.order}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> _StringTable:
        blob = np.asarray(arrays["words"], dtype=np.uint8).tobytes()
        offsets, hashes, order = arrays["word_offsets"], arrays["word_hashes"], arrays["word_order"]
        n = len(offsets) - 1
        if (n < 0 or len(hashes) != n or len(order) != n or hashes.dtype != np.uint32
                or (n and (int(offsets[0]) != 0 or int(offsets[-1]) != len(blob)))):
            raise ValueError("the word table's arrays do not fit together")
        return cls(blob, offsets, hashes, order)

    def lookup(self, terms: Sequence[str]) -> tuple[list[str], list[int]]:
        """Those of ``terms`` (distinct) that are in the table, and their positions."""
        n = len(self.hashes)
        if not terms or not n:
            return [], []
        encoded = [t.encode("utf-8") for t in terms]
        wanted = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(encoded))
        by_hash = np.argsort(wanted)  # sorted keys: numpy's binary search starts from the previous answer
        wanted = wanted[by_hash]
        at = np.minimum(np.searchsorted(self.hashes, wanted), n - 1)
        hit = self.hashes[at] == wanted
        at, which = at[hit], by_hash[hit]
        columns = self.order[at]
        starts, ends = self.offsets[columns].tolist(), self.offsets[columns + 1].tolist()
        blob, found, found_columns = self.blob, [], []
        for k, column, a, b, p in zip(which.tolist(), columns.tolist(), starts, ends, at.tolist()):
            term = encoded[k]
            if blob[a:b] != term:  # a crc32 collision: another term with this hash, if any, follows
                column = None
                p += 1
                while p < n and self.hashes[p] == self.hashes[p - 1]:
                    other = int(self.order[p])
                    if blob[int(self.offsets[other]) : int(self.offsets[other + 1])] == term:
                        column = other
                        break
                    p += 1
                if column is None:
                    continue
            found.append(terms[k])
            found_columns.append(column)
        return found, found_columns


class _Lexical:
    """Sublinear TF x smoothed IDF, L2-normalised rows; the same transform at build and query.

    Stored as per-term postings (for term j, rows ``post_rows[post_ptr[j]:post_ptr[j+1]]`` with
    weights ``post_data[...]``), exactly what a query reads, in plain numpy: scipy's import alone
    would add 0.2 s to every cold 'newscred analyze'.

    Terms are found word by word: the words of the vocabulary (a :class:`_StringTable`), the column
    of each word as a unigram (``unigram_column``, -1 if none) and the sorted ``first * n_words +
    second`` keys of the bigrams (``bigram_keys``, ``bigram_columns``).  So a query maps its words
    to ids (memoised: a service sees the same words again and again) and everything else is
    numpy, with the same float64 arithmetic in the same order as :func:`_vectorise`.
    """

    def __init__(self, words: _StringTable, unigram_column: np.ndarray, bigram_keys: np.ndarray,
                 bigram_columns: np.ndarray, idf: np.ndarray, post_ptr: np.ndarray, post_rows: np.ndarray,
                 post_data: np.ndarray, n_rows: int) -> None:
        self.words = words
        self.unigram_column = np.asarray(unigram_column, dtype=np.int64)
        self.bigram_keys = np.asarray(bigram_keys, dtype=np.int64)
        self.bigram_columns = np.asarray(bigram_columns, dtype=np.int64)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.post_ptr = np.asarray(post_ptr, dtype=np.int64)
        self.post_rows = post_rows if post_rows.dtype in (np.uint16, np.int32, np.int64) else np.asarray(
            post_rows, dtype=np.int64)  # as stored (widened per query)
        self.post_data = np.asarray(post_data, dtype=np.float32)
        self.n_rows = int(n_rows)
        self.n_terms = len(self.idf)
        self._word_ids: dict[str, int] = {}  # word -> id, -1 if not in the vocabulary (bounded)

    @classmethod
    def fit(cls, texts: Sequence[str]) -> _Lexical:
        docs = [Counter(_terms(t)) for t in texts]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        terms = sorted(df)
        vocabulary = {term: i for i, term in enumerate(terms)}
        n = len(docs)
        idf = np.zeros(len(vocabulary), dtype=np.float32)
        for term, i in vocabulary.items():
            idf[i] = math.log((1 + n) / (1 + df[term])) + 1.0
        idf_values = idf.tolist()
        data, indices, indptr = _vectorise(docs, {term: (i, idf_values[i]) for term, i in vocabulary.items()})
        n_rows = len(indptr) - 1
        order = np.argsort(indices, kind="stable")
        post_rows = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(indptr))[order]
        post_ptr = np.concatenate([[0], np.cumsum(np.bincount(indices, minlength=len(vocabulary)))])
        # the word-level view of the vocabulary
        words = sorted({w for term in terms for w in term.split(" ")})
        word_id = {w: i for i, w in enumerate(words)}
        unigram_column = np.full(len(words), -1, dtype=np.int64)
        keys, columns = [], []
        for column, term in enumerate(terms):
            first, _, second = term.partition(" ")
            if second:
                keys.append(word_id[first] * len(words) + word_id[second])
                columns.append(column)
            else:
                unigram_column[word_id[first]] = column
        by_key = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        return cls(_StringTable.from_terms(words), unigram_column, np.asarray(keys, dtype=np.int64)[by_key],
                   np.asarray(columns, dtype=np.int64)[by_key], idf, post_ptr, post_rows, data[order], n_rows)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), n_entries) cosine similarities."""
        return self.sums(texts).reshape(len(texts), self.n_rows).astype(np.float32)

    def sums(self, texts: Sequence[str]) -> np.ndarray:
        """The float64 cosines before :meth:`scores` rounds them to float32, flat: query ``i``'s
        similarity to entry ``j`` is at ``i * n_entries + j``.

        All queries at once: every (query, term) pair's posting list is gathered into one array
        and summed per (query, row) with a single ``np.bincount``, with no Python loop per term.
        """
        rows, weights, bounds = self._postings(texts)
        query_of = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(bounds))
        return np.bincount(rows.astype(np.int64) + query_of * self.n_rows, weights=weights,
                           minlength=len(texts) * self.n_rows)

    def candidates(self, texts: Sequence[str], threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(query, entry, float64 cosine)`` of every pair whose cosine is at least ``threshold``,
        by query then entry: the entries of :meth:`sums` above the threshold, computed a query
        at a time (15,000 sums that stay in cache, instead of a queries x 15,000 matrix)."""
        rows, weights, bounds = self._postings(texts)
        which, ids, values = [], [], []
        for i, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
            if a == b:
                continue
            row = np.bincount(rows[a:b], weights=weights[a:b], minlength=self.n_rows)
            kept = np.flatnonzero(row >= threshold)
            if len(kept):
                which.append(np.full(len(kept), i, dtype=np.intp))
                ids.append(kept)
                values.append(row[kept])
        if not ids:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float64)
        return np.concatenate(which), np.concatenate(ids), np.concatenate(values)

    def _postings(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The postings the queries' terms select: ``(rows, weights, bounds)``, query ``i``'s in
        ``[bounds[i], bounds[i + 1])``, in term order (so any sum over them has one fixed order)."""
        data, cols, indptr = self.vectorise(texts)
        starts, ends = self.post_ptr[cols], self.post_ptr[cols + 1]
        lengths = ends - starts
        ends_of_terms = np.cumsum(lengths)
        total = int(ends_of_terms[-1]) if len(lengths) else 0
        # positions starts[k] .. ends[k]-1 for every query term k, concatenated
        offsets = np.repeat(starts - (ends_of_terms - lengths), lengths)
        positions = offsets + np.arange(total)
        weights = self.post_data[positions] * np.repeat(data, lengths)
        bounds = np.concatenate([[0], ends_of_terms])[indptr]
        return self.post_rows[positions], weights, bounds

    def _ids_of_words(self, words: list[str]) -> np.ndarray:
        known = self._word_ids
        # one look-up a word (the memo is large: each costs cache misses); None for a word not seen yet
        ids = list(map(known.get, words))
        try:
            return np.array(ids, dtype=np.int64)
        except TypeError:  # a None: some words are new
            pass
        new = list({w for w, i in zip(words, ids) if i is None})
        if len(known) + len(new) > _KNOWN_WORDS_LIMIT:
            known = self._word_ids = {w: known[w] for w in words if w in known}
        found, found_ids = self.words.lookup(new)
        known.update(dict.fromkeys(new, -1))
        known.update(zip(found, found_ids))
        return np.fromiter(map(known.__getitem__, words), dtype=np.int64, count=len(words))

    def vectorise(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_vectorise([Counter(_terms(t)) for t in texts], vocabulary)``, in numpy, bit for bit.

        A text's found terms, in the order :func:`_terms` lists them (its unigrams, then its
        bigrams), are exactly its vocabulary columns in that order: stop-word unigrams and
        stop-word bigrams are never in the vocabulary, so leaving them to the look-up is the same
        as leaving them out.
        """
        split = [t.split() for t in texts]
        n_words = [len(ws) for ws in split]
        words = [w for ws in split for w in ws]
        n_texts = len(texts)
        empty = (np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int32), np.zeros(n_texts + 1, dtype=np.int64))
        if not words or not len(self.unigram_column):
            return empty
        ids = self._ids_of_words(words)
        text_of = np.repeat(np.arange(n_texts, dtype=np.int64), n_words)
        unigram = np.where(ids >= 0, self.unigram_column[np.maximum(ids, 0)], -1)
        # bigrams: consecutive words of the same text, both among the vocabulary's words
        bigram = np.full(len(ids) - 1, -1, dtype=np.int64)
        pair = np.flatnonzero((text_of[:-1] == text_of[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0))
        if len(pair) and len(self.bigram_keys):
            keys = ids[pair] * len(self.unigram_column) + ids[pair + 1]
            at = np.minimum(search_sorted(self.bigram_keys, keys), len(self.bigram_keys) - 1)
            hit = self.bigram_keys[at] == keys
            bigram[pair[hit]] = self.bigram_columns[at[hit]]
        # each text's term sequence: its unigrams, then its bigrams (the order of _terms)
        seq_text = np.concatenate([text_of, text_of[:-1]])
        seq_rank = np.concatenate([np.zeros(len(ids), dtype=np.int64), np.ones(len(ids) - 1, dtype=np.int64)])
        seq_col = np.concatenate([unigram, bigram])
        order = np.lexsort((seq_rank, seq_text))  # stable: by text, unigrams before bigrams, in text order
        seq_text, seq_col = seq_text[order], seq_col[order]
        found = seq_col >= 0
        seq_text, seq_col = seq_text[found], seq_col[found]
        if not len(seq_col):
            return empty
        # term frequencies and first occurrences, per (text, column), sorted by text then column
        key = seq_text * self.n_terms + seq_col
        uniq, first, tf = np.unique(key, return_index=True, return_counts=True)
        text_u, col_u = uniq // self.n_terms, uniq % self.n_terms
        vals = self.idf[col_u].astype(np.float64)
        for i in np.flatnonzero(tf > 1).tolist():  # (1 + log tf) * idf, with math.log as _vectorise
            vals[i] = (1.0 + math.log(int(tf[i]))) * float(vals[i])
        # the norm: squares summed one after another in order of first occurrence, as Python's sum()
        by_first = np.argsort(first, kind="stable")
        squares = (vals * vals)[by_first].tolist()
        counts = np.bincount(text_u, minlength=n_texts).tolist()
        norms, start = [], 0
        for n in counts:
            norms.append(math.sqrt(sum(squares[start : start + n])) if n else 1.0)
            start += n
        data = (vals / np.repeat(np.asarray(norms), counts)).astype(np.float32)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return data, col_u.astype(np.int32), indptr

    def state(self) -> tuple[bytes, bytes]:
        arrays = {"idf": self.idf, "post_ptr": _narrow(self.post_ptr), "post_rows": _narrow(self.post_rows),
                  "post_data": self.post_data, "shape": np.asarray([self.n_rows, self.n_terms], dtype=np.int64),
                  "unigram_column": self.unigram_column.astype(np.int32), "bigram_keys": self.bigram_keys,
                  "bigram_columns": _narrow(self.bigram_columns), **self.words.arrays()}
        meta = {"tf": "sublinear", "idf": "smooth", "ngrams": [1, 2], "stop_words": sorted(_STOP),
                "storage": "postings (post_ptr, post_rows, post_data) per term (column); words: UTF-8, sorted "
                           "(words, word_offsets), their crc32 sorted (word_hashes, word_order); a word's unigram "
                           "column (unigram_column, -1 if none); bigram columns by first * n_words + second "
                           "(bigram_keys, sorted, and bigram_columns)"}
        return npz_bytes(arrays, compressed=False), json.dumps(meta, ensure_ascii=True).encode()

    @classmethod
    def from_state(cls, arrays: Mapping[str, np.ndarray], root: Path) -> _Lexical:
        shape = tuple(int(x) for x in arrays["shape"])
        words = _StringTable.from_arrays(arrays)
        idf, post_ptr, post_rows, post_data = (arrays["idf"], arrays["post_ptr"], arrays["post_rows"],
                                               arrays["post_data"])
        unigram_column, bigram_keys, bigram_columns = (arrays["unigram_column"], arrays["bigram_keys"],
                                                       arrays["bigram_columns"])
        if (len(shape) != 2 or len(idf) != shape[1] or len(post_ptr) != shape[1] + 1
                or len(post_rows) != len(post_data) or (len(post_ptr) and int(post_ptr[-1]) != len(post_rows))
                or (len(post_rows) and int(post_rows.max()) >= shape[0])
                or len(unigram_column) != len(words) or len(bigram_keys) != len(bigram_columns)
                or (len(unigram_column) and int(unigram_column.max()) >= shape[1])
                or (len(bigram_columns) and int(bigram_columns.max()) >= shape[1])):
            raise CorruptArtifactError(f"{root}: lexical vocabulary and matrix sizes disagree", path=str(root))
        return cls(words, unigram_column, bigram_keys, bigram_columns, idf, post_ptr, post_rows, post_data, shape[0])


def _vectorise(docs: Sequence[Counter[str]],
               weights: Mapping[str, tuple[int, float] | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (data, indices, indptr) of sublinear-TF x IDF rows, L2-normalised, columns sorted.

    ``weights[term]`` is ``(column, idf)`` (idf as a Python float), absent or None when the term is
    not in the vocabulary.
    """
    indptr, indices, data = [0], [], []
    for d in docs:
        cols, vals = [], []
        for term, tf in d.items():
            known = weights.get(term)
            if known is not None:
                cols.append(known[0])
                vals.append(known[1] if tf == 1 else (1.0 + math.log(tf)) * known[1])  # (1 + log 1) * x == x
        if vals:
            norm = math.sqrt(sum(v * v for v in vals))
            vals = [v / norm for v in vals]
        order = sorted(range(len(cols)), key=cols.__getitem__)  # columns are distinct within a row
        indices.extend(cols[i] for i in order)
        data.extend(vals[i] for i in order)
        indptr.append(len(indices))
    return (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64))


# ----------------------------------------------------------------------------------------------
# The index
# ----------------------------------------------------------------------------------------------


class _LazyEntries(Sequence[list[FactCheckedClaim]]):
    """The index's entries (claims sharing one normalised text), parsed from their JSON line on demand.

    ``data`` is claims.jsonl, ``offsets[i]`` where line ``i`` starts (``offsets[-1] == len(data)``):
    a query reads a handful of the ~15,000 entries, and parsing (or even splitting) them all
    would cost more than the query.
    """

    def __init__(self, data: bytes, offsets: np.ndarray) -> None:
        self._data = data
        self._offsets = offsets
        self._parsed: dict[int, list[FactCheckedClaim]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # negative indices, IndexError
        entry = self._parsed.get(i)
        if entry is None:
            try:
                line = self._data[int(self._offsets[i]) : int(self._offsets[i + 1])]
                entry = [FactCheckedClaim.from_dict(c) for c in json.loads(line)["claims"]]
            except (KeyError, ValueError, TypeError) as exc:
                raise CorruptArtifactError(f"claim index entry {i} is not valid: {exc}") from exc
            self._parsed[i] = entry
        return entry

    def __iter__(self) -> Iterator[list[FactCheckedClaim]]:
        return (self[i] for i in range(len(self)))


def _best(scores: np.ndarray, k: int, ids: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``k`` highest ``(id, score)``, best first, ties broken by the lower id (so results are
    stable); ``ids[i]`` is the id of ``scores[i]`` (default: ``i``)."""
    n = scores.shape[0]
    k = min(k, n)
    if k <= 0:
        return []
    if ids is None:
        ids = np.arange(n)
    if n > 64 and n > 4 * k:
        kth = np.partition(scores, n - k)[n - k]  # the k-th highest score: keep it and every tie
        keep = np.flatnonzero(scores >= kth)
        scores, ids = scores[keep], ids[keep]
    order = np.lexsort((ids, -scores))[:k]
    return list(zip(ids[order].tolist(), scores[order].tolist()))


def _best_per_query(which: np.ndarray, ids: np.ndarray, scores: np.ndarray, n_queries: int,
                    k: int) -> list[list[tuple[int, float]]]:
    """:func:`_best` of every query at once, from ``(query, id, score)`` triples sorted by query
    then id, scores in [-2, 2]."""
    # one stable sort on query * 8 - score (exact in float64: a float32 score has 24 significant
    # bits), so by query, then score descending, then id (the input order)
    order = np.argsort(which * 8.0 - scores.astype(np.float64), kind="stable")
    counts = np.bincount(which, minlength=n_queries).tolist()
    ids_sorted, scores_sorted = ids[order].tolist(), scores[order].tolist()
    out, start = [], 0
    for n in counts:
        m = min(k, n)
        out.append(list(zip(ids_sorted[start : start + m], scores_sorted[start : start + m])))
        start += n
    return out


class _PostProcess:
    """Centering + removal of the top principal directions (see :data:`REMOVED_COMPONENTS`)."""

    def __init__(self, center: np.ndarray, components: np.ndarray) -> None:
        self.center = center.astype(np.float32)
        self.components = components.astype(np.float32)

    @classmethod
    def fit(cls, vectors: np.ndarray, removed: int = REMOVED_COMPONENTS) -> _PostProcess:
        n, dim = vectors.shape
        center = vectors.mean(axis=0) if n >= MIN_ENTRIES_TO_CENTER else np.zeros(dim, dtype=np.float32)
        k = min(removed, dim - 1) if n >= MIN_ENTRIES_TO_REMOVE_COMPONENTS else 0
        if k:
            _u, _s, vt = np.linalg.svd(vectors - center, full_matrices=False)
            components = vt[:k]
        else:
            components = np.zeros((0, dim), dtype=np.float32)
        return cls(center, components)

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        out = vectors - self.center
        if len(self.components):
            out = out - (out @ self.components.T) @ self.components
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        out[(norms <= 1e-6).ravel()] = 0.0  # a text with no known token stays a zero vector
        return out.astype(np.float32)


def _embedder_digest(embedder: Any) -> str | None:
    digest = getattr(embedder, "sha256", None)  # checked when the bundle was loaded: no second hashing
    if isinstance(digest, str) and digest:
        return digest
    path = getattr(embedder, "path", None)
    if path is None:
        return None
    target = Path(path) / "embeddings.npz"
    return "sha256:" + sha256_file(target) if target.is_file() else None


def min_similarity_for(method: str, min_similarity: float | Mapping[str, float] | None = None) -> float:
    """The similarity floor of ``method``: ``min_similarity`` itself (a number), its entry for
    ``method`` (a mapping), or the default (:data:`DEFAULT_MIN_SIMILARITY`)."""
    if min_similarity is None:
        return DEFAULT_MIN_SIMILARITY[method]
    if isinstance(min_similarity, Mapping):
        unknown = set(min_similarity) - set(METHODS)
        if unknown:
            raise ConfigError(f"min_similarity for unknown method(s) {sorted(unknown)}; use {', '.join(METHODS)}")
        return float(min_similarity.get(method, DEFAULT_MIN_SIMILARITY[method]))
    return float(min_similarity)


#: what a claims.jsonl line of a text that may not be shown contains (see :meth:`ClaimIndex._hidden_entries`)
_NOT_SHOWN_MARKERS = re.compile(
    b"|".join(re.escape(json.dumps(v).encode()) for v in sorted(NOT_A_VERDICT | QUESTION_DATASETS)))


class ClaimIndex:
    """Fact-checked claims, searchable by embedding, lexical or fused similarity.

    Build once (:meth:`build`), then :meth:`open` and :meth:`query` many times.  When the index
    has embeddings but the embedder cannot be loaded, queries fall back to the lexical scorer
    (``fallback_reason`` says why) instead of failing: claim matching is a hint, not a verdict.
    """

    def __init__(self, path: Path, entries: list[list[FactCheckedClaim]], lexical: _Lexical,
                 embeddings: np.ndarray | None, embedder: Any, config: dict[str, Any],
                 manifest: dict[str, Any], fallback_reason: str | None = None,
                 postprocess: _PostProcess | None = None) -> None:
        self.path = path
        self.entries = entries
        self.lexical = lexical
        self.embeddings = embeddings
        self.embedder = embedder
        self.config = config
        self.manifest = manifest
        self.fallback_reason = fallback_reason
        self.postprocess = postprocess
        self._embeddings32: np.ndarray | None = None
        self._rows32: Any = None
        self._hidden: np.ndarray | None = None

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, claims: Iterable[FactCheckedClaim], path: str | os.PathLike[str], *, embedder: Any = None,
              lexical_only: bool = False, progress: Callable[[int], None] | None = None,
              fusion_weight: float = DEFAULT_FUSION_WEIGHT) -> ClaimIndex:
        """Index ``claims`` into the directory ``path`` (replaced only when the build completes).

        ``embedder=None`` uses the bundled :class:`StaticEmbedder` (or builds a lexical-only
        index, with a warning, when it is missing); ``lexical_only=True`` never embeds.
        ``progress(n)`` is called as claims are read and embedded.  Texts that are not claims with a
        verdict (:func:`left_out_reason`: CLIMATE-FEVER's NOT_ENOUGH_INFO / DISPUTED, CoAID's
        questions) are left out and counted in the config's ``left_out``.
        """
        started = time.perf_counter()
        entries: list[list[FactCheckedClaim]] = []
        keys: list[str] = []
        by_key: dict[str, int] = {}
        seen_ids: set[str] = set()
        counts: Counter[str] = Counter()
        left_out: Counter[str] = Counter()
        for claim in claims:
            if progress is not None:
                progress(1)
            key = dedupe_key(claim.text)
            if not key or claim.id in seen_ids:
                continue
            why = left_out_reason(claim)
            if why is not None:
                left_out[f"{claim.dataset}: {why}"] += 1
                continue
            seen_ids.add(claim.id)
            counts[claim.dataset] += 1
            slot = by_key.get(key)
            if slot is None:
                by_key[key] = len(entries)
                entries.append([claim])
                keys.append(key)
            else:
                entries[slot].append(claim)
        if not entries:
            raise ConfigError("no fact-checked claims to index (all inputs were empty)")
        lexical = _Lexical.fit(keys)
        embeddings = None
        post: _PostProcess | None = None
        embedder_info: dict[str, Any] | None = None
        reason = None
        if not lexical_only:
            if embedder is None:
                embedder, reason = _load_embedder(None)
            if embedder is not None:
                raw = embedder.encode(keys)
                post = _PostProcess.fit(raw)
                embeddings = post(raw).astype(np.float16)
                embedder_info = {**embedder.info(), "sha256": _embedder_digest(embedder),
                                 "centered": bool(post.center.any()), "removed_components": len(post.components)}
            else:
                log.warning("building a lexical-only claim index: %s", reason)
        lex_arrays, lex_meta = lexical.state()
        config = {
            "index_version": INDEX_VERSION,
            "claims": sum(counts.values()),
            "entries": len(entries),
            "datasets": dict(sorted(counts.items())),
            "embedder": embedder_info,
            "fusion_weight": fusion_weight,
            "min_similarity": dict(DEFAULT_MIN_SIMILARITY),
            "dedupe": "normalised text, leading 'says' dropped",
            # present = non-claims were left out at build (an index without it is filtered per query)
            "left_out": dict(sorted(left_out.items())),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        lines = [(json.dumps({"entry": i, "claims": [c.to_dict() for c in e]}, ensure_ascii=False) + "\n").encode("utf-8")
                 for i, e in enumerate(entries)]
        offsets = np.zeros(len(lines) + 1, dtype=np.int64)
        np.cumsum([len(line) for line in lines], out=offsets[1:])
        files = {
            "claims.jsonl": b"".join(lines),
            "claims-offsets.npy": npy_bytes(offsets),
            "lexical.npz": lex_arrays,
            "lexical.json": lex_meta,
            "config.json": json.dumps(config, indent=2, sort_keys=True).encode(),
        }
        if embeddings is not None:
            assert post is not None
            files["embeddings.npz"] = npz_bytes({"embeddings": embeddings, "center": post.center,
                                                 "components": post.components}, compressed=False)
        dest = write_bundle(path, files, name="claim-index", version=INDEX_VERSION, task=INDEX_TASK,
                            training_data=[{"dataset": k, "claims": v} for k, v in sorted(counts.items())])
        return cls.open(dest, embedder=embedder if embeddings is not None else None)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, embedder: Any = None, method: Method | None = None) -> ClaimIndex:
        """Verify (sha256 of every file) and load an index written by :meth:`build`.

        ``method="lexical"`` never loads the embedder.  Raises IndexNotFoundError for a missing
        directory, IndexVersionError for an index of another format version (rebuild it),
        CorruptArtifactError for a changed file and IncompatibleArtifactError when ``embedder`` is
        not the one the index was built with.
        """
        root = Path(path)
        if not root.is_dir():
            raise IndexNotFoundError(
                f"no claim index at {root}: build one with 'newscred claims index build -o {root}'", path=str(root))
        if method is not None and method not in METHODS:
            raise ConfigError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        found = read_manifest(root)
        if found.get("task") == INDEX_TASK and str(found.get("version")) != INDEX_VERSION:
            raise IndexVersionError(
                f"{root} is a claim index of format version {found.get('version')!r}; this newscred reads version "
                f"{INDEX_VERSION}. Rebuild it with 'newscred claims index build -o {root}'.",
                path=str(root), version=found.get("version"))
        manifest, files = read_verified_artifact(root, required=_REQUIRED, task=INDEX_TASK)
        try:
            config = json.loads(files["config.json"])
            data = files["claims.jsonl"]
            offsets = read_npy(files["claims-offsets.npy"])
            if (offsets.ndim != 1 or not len(offsets) or int(offsets[0]) != 0 or int(offsets[-1]) != len(data)
                    or bool((np.diff(offsets) <= 0).any())):
                raise ValueError("claims-offsets.npy does not index claims.jsonl")
            entries = _LazyEntries(data, offsets)
            lexical = _Lexical.from_state(read_npz(files["lexical.npz"]), root)
            embeddings = None
            post = None
            if "embeddings.npz" in files:
                arrays = read_npz(files["embeddings.npz"])
                embeddings = arrays["embeddings"]  # float16, read in place
                post = _PostProcess(arrays["center"], arrays["components"])
                if embeddings.ndim != 2:
                    raise ValueError(f"embeddings of shape {embeddings.shape}")
        except (KeyError, ValueError, TypeError, ConfigError) as exc:
            raise CorruptArtifactError(f"{root} could not be read as a claim index: {exc}", path=str(root)) from exc
        if lexical.n_rows != len(entries) or (embeddings is not None and embeddings.shape[0] != len(entries)):
            raise CorruptArtifactError(f"{root}: claims and score matrices have different lengths", path=str(root))
        reason = None
        if embeddings is None:
            embedder, reason = None, "the index was built without embeddings (lexical only)"
        elif method == "lexical":
            embedder, reason = None, "lexical scoring requested"
        else:
            if embedder is None:
                embedder, reason = _load_embedder(None)
            if embedder is not None:
                expected = (config.get("embedder") or {}).get("sha256")
                actual = _embedder_digest(embedder)
                if expected and actual and expected != actual:
                    raise IncompatibleArtifactError(
                        f"{root} was built with another embedder ({expected[:19]}...) than {embedder.path} "
                        f"({actual[:19]}...): rebuild the index or pass the matching embedder", path=str(root))
                if embedder.dim != embeddings.shape[1]:
                    raise IncompatibleArtifactError(
                        f"{root} holds {embeddings.shape[1]}-dim embeddings, the embedder makes {embedder.dim}",
                        path=str(root))
            else:
                log.warning("claim index %s: falling back to lexical matching: %s", root, reason)
        return cls(root, entries, lexical, embeddings, embedder, config, manifest, reason, post)

    # -- querying ------------------------------------------------------------------------------

    @property
    def methods(self) -> tuple[str, ...]:
        """Scorers usable now (``embedding`` and ``fused`` need the embedder)."""
        return METHODS if self.embedder is not None and self.embeddings is not None else ("lexical",)

    @property
    def default_method(self) -> str:
        return "fused" if "fused" in self.methods else "lexical"

    def _check_method(self, method: str) -> None:
        if method not in self.methods:
            why = f" ({self.fallback_reason})" if self.fallback_reason else ""
            raise ConfigError(f"method {method!r} is not available for this index{why}; use 'lexical'")

    def _float32_embeddings(self) -> np.ndarray:
        """The index's embeddings as float32 (made on first need: a default query never needs all)."""
        if self._embeddings32 is None:
            self._embeddings32 = np.ascontiguousarray(self.embeddings, dtype=np.float32)
        return self._embeddings32

    def _float32_rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` of the embeddings as float32 (each float16 row widened once)."""
        source = self.embeddings if self._embeddings32 is None else self._embeddings32
        if self._rows32 is None or self._rows32.matrix is not source:
            from .embedder import Float32Rows

            self._rows32 = Float32Rows(source)
        return self._rows32[ids]

    def _queries(self, keys: Sequence[str]) -> np.ndarray:
        queries = self.embedder.encode(list(keys))  # type: ignore[union-attr]
        return self.postprocess(queries) if self.postprocess is not None else queries

    def scores(self, texts: Sequence[str], method: str | None = None) -> np.ndarray:
        """(len(texts), len(self)) similarity of each query to each indexed claim."""
        method = method or self.default_method
        self._check_method(method)
        keys = [dedupe_key(t) for t in texts]
        return self._scores(keys, method)

    def _scores(self, keys: Sequence[str], method: str) -> np.ndarray:
        if method == "lexical":
            return self.lexical.scores(keys)
        queries = self._queries(keys)
        # (n x d) @ (d x q), not (q x d) @ (n x d).T: numpy's transposed-view path is ~15x slower
        emb = np.ascontiguousarray((self._float32_embeddings() @ queries.T).T)
        if method == "embedding":
            return emb.astype(np.float32)
        w = float(self.config.get("fusion_weight", DEFAULT_FUSION_WEIGHT))
        return (w * emb + (1.0 - w) * self.lexical.scores(keys)).astype(np.float32)

    def _hidden_entries(self) -> np.ndarray | None:
        """Which entries hold no claim that may be shown (:func:`left_out_reason`), or ``None`` when
        none does.  Only an index built before such texts were left out at build time (its config
        has no ``left_out``) has any: they are found once, by parsing just the entries whose line
        names a NOT_ENOUGH_INFO / DISPUTED verdict or a question dataset (~1,100 of 15,000)."""
        if "left_out" in self.config:
            return None
        if self._hidden is None:
            hidden = np.zeros(len(self.entries), dtype=bool)
            entries = self.entries
            if isinstance(entries, _LazyEntries):
                starts = [m.start() for m in _NOT_SHOWN_MARKERS.finditer(entries._data)]
                lines = np.searchsorted(entries._offsets, starts, side="right") - 1 if starts else []
                candidates = sorted(set(np.asarray(lines).tolist()))  # (np.unique would import more numpy)
            else:
                candidates = range(len(entries))
            for i in candidates:
                hidden[i] = all(left_out_reason(c) is not None for c in entries[i])
            self._hidden = hidden
        return self._hidden if self._hidden.any() else None

    def _nearest(self, keys: Sequence[str], method: str, k: int, floor: float) -> list[list[tuple[int, float]]]:
        """For each key, its up to ``k`` best ``(entry, score)``, best first; entries that cannot reach
        ``floor`` may be left out (never one that can), and some below it may be listed.  Entries
        that may not be shown (:meth:`_hidden_entries`) are never listed."""
        hidden = self._hidden_entries()

        def rows(scores: np.ndarray) -> list[list[tuple[int, float]]]:
            if hidden is not None:
                scores[:, hidden] = -np.inf
            return [_best(row, k) for row in scores]

        def pairs(which: np.ndarray, ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            if hidden is None or not len(ids):
                return which, ids, values
            shown = ~hidden[ids]
            return which[shown], ids[shown], values[shown]

        if method == "embedding":
            return rows(self._scores(keys, method))
        if method == "lexical":
            if floor <= 0:
                return rows(self.lexical.scores(keys))
            # the float64 sums are selected, their float32 rounding (the score) is checked against the floor
            which, ids, values = pairs(*self.lexical.candidates(keys, floor - 1e-6))
            return _best_per_query(which, ids, values.astype(np.float32), len(keys), k)
        # fused = w * embedding + (1 - w) * lexical, embedding <= _MAX_COSINE: an entry whose lexical
        # score is below (floor - w * _MAX_COSINE) / (1 - w) cannot reach the floor, so only the
        # others (those sharing enough words with the query, a few hundred of 15,000) are
        # embedding-scored, with the same float32 operations as the full matrix's.  (Only for
        # post-processed embeddings, which are unit vectors by construction.)
        w = float(self.config.get("fusion_weight", DEFAULT_FUSION_WEIGHT))
        threshold = (floor - w * _MAX_COSINE) / (1.0 - w) - 1e-6 if 0.0 <= w < 1.0 else 0.0
        if self.postprocess is None:
            threshold = 0.0
        if threshold <= 0.0:
            return rows(self._scores(keys, method))
        which, ids, values = pairs(*self.lexical.candidates(keys, threshold))  # by query then entry
        if not len(ids):
            return [[] for _ in keys]
        todo = np.flatnonzero(np.bincount(which, minlength=len(keys)))
        slot = np.zeros(len(keys), dtype=np.intp)
        slot[todo] = np.arange(len(todo))
        queries = self._queries([keys[i] for i in todo.tolist()])
        # row-wise sums of products, not BLAS: a few hundred rows per query, for which OpenBLAS
        # would start (and on a busy machine wait for) its threads
        emb = np.einsum("ij,ij->i", self._float32_rows(ids), queries[slot[which]])
        fused = (w * emb + (1.0 - w) * values.astype(np.float32)).astype(np.float32)
        return _best_per_query(which, ids, fused, len(keys), k)

    def query(self, texts: Sequence[str], k: int = 5, min_similarity: float | Mapping[str, float] | None = None,
              method: str | None = None, batch_size: int = 256) -> list[list[ClaimMatch]]:
        """For each text, its (up to) ``k`` nearest fact-checked claims, most similar first.

        ``min_similarity``: the floor below which a neighbour is not a match: ``None`` uses the
        per-method default (:data:`DEFAULT_MIN_SIMILARITY`), a mapping gives one per method
        (methods it lacks keep the default), ``0`` returns the ``k`` nearest whatever their score.
        ``method``: "fused" (default when the embedder is available), "embedding" or "lexical".
        Raw and normalised text give the same answer (both sides are normalised).  Equal scores
        are ordered by entry.  Texts that are not claims with a verdict (:func:`left_out_reason`)
        are never returned, also from an index built before they were left out.
        """
        if isinstance(texts, str):
            texts = [texts]
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        method = method or self.default_method
        self._check_method(method)
        floor = min_similarity_for(method, min_similarity)
        results: list[list[ClaimMatch]] = []
        for start in range(0, len(texts), batch_size):
            keys = [dedupe_key(t) for t in texts[start : start + batch_size]]
            for key, best in zip(keys, self._nearest(keys, method, k, floor)):
                matches = []
                if key:
                    negated = is_negated(key)
                    for j, score in best:
                        if score < floor or score <= 0.0:
                            break
                        entry = [c for c in self.entries[j] if left_out_reason(c) is None]
                        if entry:
                            matches.append(ClaimMatch(entry[0], score, method, tuple(entry[1:]),
                                                      is_negated(dedupe_key(entry[0].text)) != negated))
                results.append(_fold_near_duplicates(matches))
        return results

    def __len__(self) -> int:
        """Number of distinct claims (near-identical ones count once)."""
        return len(self.entries)

    def info(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "entries": len(self.entries),
            "claims": self.config.get("claims"),
            "datasets": self.config.get("datasets"),
            "created_at": self.manifest.get("created_at"),
            "embedder": self.config.get("embedder"),
            "methods": list(self.methods),
            "default_method": self.default_method,
            "fusion_weight": self.config.get("fusion_weight"),
            "min_similarity": dict(DEFAULT_MIN_SIMILARITY),
            "left_out": self.config.get("left_out"),  # None: built before non-claims were left out
            "fallback_reason": self.fallback_reason,
            "verdicts_disagree": sum(1 for e in self.entries if len({c.label for c in e if c.label}) > 1),
        }


def _load_embedder(path: str | os.PathLike[str] | None) -> tuple[Any, str | None]:
    """(embedder, None) or (None, why not): a missing embedder means lexical matching, not an error."""
    from .embedder import StaticEmbedder

    try:
        return StaticEmbedder.load(path), None
    except (ModelError, MissingExtraError) as exc:
        return None, f"claim embedder unavailable: {exc}"


# ------------------------------------------------------------------------- measuring retrieval
def justification_queries(index: ClaimIndex, root: str | os.PathLike[str] | None = None) -> tuple[list[Any], list[int]]:
    """The paraphrase test set every matching number is measured on: the LIAR-PLUS val2 rows with
    a justification (PolitiFact's 2-4 sentences written about the claim), and for each the number
    of the ``index`` entry holding its LIAR claim.

    Raw rows, since the processed data.jsonl lost 16 test2 rows.  A Flip-O-Meter topic ("On
    whether ...") is not indexed, so its justification has nothing to find and is left out.
    Raises :class:`~newscred.errors.DatasetNotFoundError` without the shared data.
    """
    from ..datasets.registry import load_dataset

    entry_of = {c.id: i for i, entry in enumerate(index.entries) for c in entry}
    rows = [r for r in load_dataset("liar_plus_partial", root, from_raw=True)
            if r.subset == "val2" and r.extra.get("justification") and f"liar:{r.id}" in entry_of]
    return rows, [entry_of[f"liar:{r.id}"] for r in rows]


def target_ranks(index: ClaimIndex, queries: Sequence[str], targets: Sequence[int], method: str, *,
                 depth: int = 10, batch: int = 256) -> tuple[list[int | None], list[tuple[float, bool]]]:
    """Rank (1-based) of each query's target entry among the ``depth`` best (``None`` = not there),
    and each query's top-1 score with whether it was the target (for similarity floors)."""
    ranks: list[int | None] = []
    top1: list[tuple[float, bool]] = []
    for start in range(0, len(queries), batch):
        scores = index.scores(list(queries[start:start + batch]), method)
        for row, target in zip(scores, targets[start:start + batch]):
            top = np.argsort(-row, kind="stable")[:depth]
            hit = np.flatnonzero(top == target)
            ranks.append(int(hit[0]) + 1 if hit.size else None)
            top1.append((float(row[top[0]]), bool(top[0] == target)))
    return ranks, top1


def recall_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """recall@1/5/10 and MRR@10 from :func:`target_ranks`' ranks."""
    n = max(1, len(ranks))
    return {
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "recall@10": round(sum(1 for r in ranks if r is not None and r <= 10) / n, 4),
        "mrr@10": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
        "queries": len(ranks),
    }
