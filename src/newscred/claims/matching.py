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
* ``fused`` (default when both exist): ``w * embedding + (1 - w) * lexical``; ``w`` and the
  default thresholds were chosen on half of LIAR-PLUS val2 (see ``benchmarks/claims_bench.py``).

Embeddings are post-processed per index ("all-but-the-top": centred, top principal directions
removed, see :data:`REMOVED_COMPONENTS`), which doubles their recall on long queries.

Near-identical claims (same normalised text, a leading "says" ignored) are stored once; every
verdict is kept (:attr:`ClaimMatch.also`), because two fact-checkers, or the same one twice,
may disagree.

The index is a directory written with :func:`newscred.model.artifact.write_bundle`
(task ``claim-index``): ``claims.jsonl``, ``embeddings.npz`` (float16), ``lexical.npz`` +
``lexical.json`` (TF-IDF state), ``config.json``, ``manifest.json`` (sha256 of each file).
No pickle anywhere; a tampered index is refused on open.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence

import numpy as np

from ..errors import (
    ConfigError,
    CorruptArtifactError,
    IncompatibleArtifactError,
    IndexNotFoundError,
    MissingExtraError,
    ModelError,
)
from ..model.artifact import npz_bytes, sha256_file, verify_artifact, write_bundle
from ..text.normalise import normalise

__all__ = [
    "DEFAULT_DATASETS",
    "DEFAULT_FUSION_WEIGHT",
    "DEFAULT_MIN_SIMILARITY",
    "ClaimIndex",
    "ClaimMatch",
    "FactCheckedClaim",
    "dedupe_key",
    "fact_checked_claims",
    "read_claims_jsonl",
]

log = logging.getLogger(__name__)

INDEX_TASK = "claim-index"
INDEX_VERSION = "1"
Method = Literal["embedding", "lexical", "fused"]
METHODS: tuple[str, ...] = ("embedding", "lexical", "fused")

DEFAULT_DATASETS: tuple[str, ...] = ("liar", "climate_fever", "coaid_claims", "misinfotext_sfu")

#: Weight of the embedding cosine in the fused score: chosen on the "tune" half of LIAR-PLUS val2
#: justification -> claim retrieval and checked on the other half (benchmarks/claims_bench.py,
#: results/claims_matching.json: recall@5 0.741 fused vs 0.711 lexical vs 0.584 embedding).
DEFAULT_FUSION_WEIGHT = 0.2

#: Below these similarities a neighbour is not reported as a match.  Chosen on the same tune half
#: as the lowest top-1 score at which 90% of top-1 matches are the right claim (0.87-0.88 on the
#: report half, 60% of queries kept for fused); pass ``min_similarity=0`` for the k nearest.
DEFAULT_MIN_SIMILARITY: Mapping[str, float] = {"embedding": 0.66, "lexical": 0.21, "fused": 0.24}

_REQUIRED = ("claims.jsonl", "lexical.npz", "lexical.json", "config.json")

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
    verdict, e.g. NOT_ENOUGH_INFO).  ``url`` is the fact-check page only when the source gives it
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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

    ``also`` holds the other fact-checks of the same (near-identical) claim, each with its own
    verdict: they can disagree, and a reader should see that.
    """

    claim: FactCheckedClaim
    similarity: float
    method: str
    also: tuple[FactCheckedClaim, ...] = field(default=())

    @property
    def verdicts(self) -> list[str]:
        """Every verdict given to this claim, the main one first."""
        return [c.verdict for c in (self.claim, *self.also) if c.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim.to_dict(), "similarity": round(float(self.similarity), 4), "method": self.method,
                "also": [c.to_dict() for c in self.also]}


_LEADING_SAYS = re.compile(r"^(?:says|say|said)\s+")


def dedupe_key(text: str) -> str:
    """The identity of a claim for de-duplication: normalised text, LIAR's leading "Says" dropped."""
    return _LEADING_SAYS.sub("", normalise(text))


def read_claims_jsonl(path: str | os.PathLike[str]) -> Iterator[FactCheckedClaim]:
    """Fact-checked claims from a JSONL file of :meth:`FactCheckedClaim.to_dict` objects."""
    from ..errors import MalformedRowError

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
                yield FactCheckedClaim.from_dict(obj)
            except ConfigError as exc:
                raise MalformedRowError(f"{path}: line {lineno}: {exc.message}", path=str(path), line=lineno) from exc


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
    * ``climate_fever``: SUPPORTS / REFUTES / NOT_ENOUGH_INFO / DISPUTED against Wikipedia.
    * ``coaid_claims``: read from ``raw/`` (the flattened copy has no URLs): the URL is the page
      that answers the claim (WHO myth-busters, ...), the verdict fake/real.
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


class _Lexical:
    """Sublinear TF x smoothed IDF, L2-normalised rows; the same transform at build and query.

    Stored as CSR arrays (one row per entry); queried through per-term postings built at load, in
    plain numpy: scipy's import alone would add 0.2 s to every cold 'newscred analyze'.
    """

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray,
                 csr: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.data, self.indices, self.indptr = (np.asarray(csr[0], dtype=np.float32), np.asarray(csr[1], dtype=np.int32),
                                                np.asarray(csr[2], dtype=np.int64))
        self.n_rows = len(self.indptr) - 1
        # postings: for term j, rows post_rows[post_ptr[j]:post_ptr[j+1]] with weights post_data[...]
        order = np.argsort(self.indices, kind="stable")
        self.post_rows = np.repeat(np.arange(self.n_rows, dtype=np.int32), np.diff(self.indptr))[order]
        self.post_data = self.data[order]
        self.post_ptr = np.concatenate([[0], np.cumsum(np.bincount(self.indices, minlength=len(vocabulary)))])

    @classmethod
    def fit(cls, texts: Sequence[str]) -> _Lexical:
        docs = [Counter(_terms(t)) for t in texts]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        vocabulary = {term: i for i, term in enumerate(sorted(df))}
        n = len(docs)
        idf = np.zeros(len(vocabulary), dtype=np.float32)
        for term, i in vocabulary.items():
            idf[i] = math.log((1 + n) / (1 + df[term])) + 1.0
        return cls(vocabulary, idf, _vectorise(docs, vocabulary, idf))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), n_entries) cosine similarities.

        All queries at once: every (query, term) pair's posting list is gathered into one array
        and summed per (query, row) with a single ``np.bincount``, with no Python loop per term.
        """
        data, cols, indptr = _vectorise([Counter(_terms(t)) for t in texts], self.vocabulary, self.idf)
        n_queries = len(texts)
        if not len(cols):
            return np.zeros((n_queries, self.n_rows), dtype=np.float32)
        query_of = np.repeat(np.arange(n_queries), np.diff(indptr))
        starts, ends = self.post_ptr[cols], self.post_ptr[cols + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        # positions starts[k] .. ends[k]-1 for every query term k, concatenated
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        positions = offsets + np.arange(total)
        rows = self.post_rows[positions].astype(np.int64) + np.repeat(query_of * self.n_rows, lengths)
        weights = self.post_data[positions] * np.repeat(data, lengths)
        flat = np.bincount(rows, weights=weights, minlength=n_queries * self.n_rows)
        return flat.reshape(n_queries, self.n_rows).astype(np.float32)

    def state(self) -> tuple[bytes, bytes]:
        arrays = npz_bytes({"data": self.data, "indices": self.indices, "indptr": self.indptr, "idf": self.idf,
                            "shape": np.asarray([self.n_rows, len(self.vocabulary)], dtype=np.int64)})
        terms = [""] * len(self.vocabulary)
        for term, i in self.vocabulary.items():
            terms[i] = term
        meta = {"terms": terms, "tf": "sublinear", "idf": "smooth", "ngrams": [1, 2], "stop_words": sorted(_STOP)}
        return arrays, json.dumps(meta, ensure_ascii=True).encode()

    @classmethod
    def from_state(cls, root: Path) -> _Lexical:
        meta = json.loads((root / "lexical.json").read_text())
        with np.load(root / "lexical.npz", allow_pickle=False) as npz:
            shape = tuple(int(x) for x in npz["shape"])
            csr = (npz["data"], npz["indices"], npz["indptr"])
            idf = npz["idf"]
        vocabulary = {term: i for i, term in enumerate(meta["terms"])}
        if (len(vocabulary) != shape[1] or len(idf) != shape[1] or len(csr[2]) != shape[0] + 1
                or (len(csr[1]) and int(csr[1].max()) >= shape[1]) or len(csr[0]) != len(csr[1])):
            raise CorruptArtifactError(f"{root}: lexical vocabulary and matrix sizes disagree", path=str(root))
        return cls(vocabulary, idf, csr)


def _vectorise(docs: Sequence[Counter[str]], vocabulary: dict[str, int],
               idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (data, indices, indptr) of sublinear-TF x IDF rows, L2-normalised, columns sorted."""
    indptr, indices, data = [0], [], []
    for d in docs:
        cols, vals = [], []
        for term, tf in d.items():
            j = vocabulary.get(term)
            if j is not None:
                cols.append(j)
                vals.append((1.0 + math.log(tf)) * float(idf[j]))
        if vals:
            norm = math.sqrt(sum(v * v for v in vals))
            vals = [v / norm for v in vals]
        order = np.argsort(cols) if cols else []
        indices.extend(int(cols[i]) for i in order)
        data.extend(vals[i] for i in order)
        indptr.append(len(indices))
    return (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64))


# ----------------------------------------------------------------------------------------------
# The index
# ----------------------------------------------------------------------------------------------


class _LazyEntries(Sequence[list[FactCheckedClaim]]):
    """The index's entries (claims sharing one normalised text), parsed from JSON lines on demand."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._parsed: dict[int, list[FactCheckedClaim]] = {}

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # negative indices, IndexError
        entry = self._parsed.get(i)
        if entry is None:
            try:
                entry = [FactCheckedClaim.from_dict(c) for c in json.loads(self._lines[i])["claims"]]
            except (KeyError, ValueError, TypeError) as exc:
                raise CorruptArtifactError(f"claim index entry {i} is not valid: {exc}") from exc
            self._parsed[i] = entry
        return entry

    def __iter__(self) -> Iterator[list[FactCheckedClaim]]:
        return (self[i] for i in range(len(self)))



def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first (ties broken by index, so results are stable)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(scores.shape[0])
    return part[np.lexsort((part, -scores[part]))]


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
    path = getattr(embedder, "path", None)
    if path is None:
        return None
    target = Path(path) / "embeddings.npz"
    return "sha256:" + sha256_file(target) if target.is_file() else None


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

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, claims: Iterable[FactCheckedClaim], path: str | os.PathLike[str], *, embedder: Any = None,
              lexical_only: bool = False, progress: Callable[[int], None] | None = None,
              fusion_weight: float = DEFAULT_FUSION_WEIGHT) -> ClaimIndex:
        """Index ``claims`` into the directory ``path`` (replaced only when the build completes).

        ``embedder=None`` uses the bundled :class:`StaticEmbedder` (or builds a lexical-only
        index, with a warning, when it is missing); ``lexical_only=True`` never embeds.
        ``progress(n)`` is called as claims are read and embedded.
        """
        started = time.perf_counter()
        entries: list[list[FactCheckedClaim]] = []
        keys: list[str] = []
        by_key: dict[str, int] = {}
        seen_ids: set[str] = set()
        counts: Counter[str] = Counter()
        for claim in claims:
            if progress is not None:
                progress(1)
            key = dedupe_key(claim.text)
            if not key or claim.id in seen_ids:
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
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        lines = [json.dumps({"entry": i, "claims": [c.to_dict() for c in e]}, ensure_ascii=False) for i, e in
                 enumerate(entries)]
        files = {
            "claims.jsonl": ("\n".join(lines) + "\n").encode("utf-8"),
            "lexical.npz": lex_arrays,
            "lexical.json": lex_meta,
            "config.json": json.dumps(config, indent=2, sort_keys=True).encode(),
        }
        if embeddings is not None:
            assert post is not None
            files["embeddings.npz"] = npz_bytes({"embeddings": embeddings, "center": post.center,
                                                 "components": post.components})
        dest = write_bundle(path, files, name="claim-index", version=INDEX_VERSION, task=INDEX_TASK,
                            training_data=[{"dataset": k, "claims": v} for k, v in sorted(counts.items())])
        return cls.open(dest, embedder=embedder if embeddings is not None else None)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, embedder: Any = None, method: Method | None = None) -> ClaimIndex:
        """Verify (sha256 of every file) and load an index written by :meth:`build`.

        ``method="lexical"`` never loads the embedder.  Raises IndexNotFoundError for a missing
        directory, CorruptArtifactError for a changed file and IncompatibleArtifactError when
        ``embedder`` is not the one the index was built with.
        """
        root = Path(path)
        if not root.is_dir():
            raise IndexNotFoundError(
                f"no claim index at {root}: build one with 'newscred claims index build -o {root}'", path=str(root))
        if method is not None and method not in METHODS:
            raise ConfigError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        manifest = verify_artifact(root, required=_REQUIRED, task=INDEX_TASK)
        try:
            config = json.loads((root / "config.json").read_text())
            # Parsed on first access: a query reads a handful of the ~15,000 entries, and parsing
            # them all would double the cold start of 'newscred analyze --claims-index'.
            lines = (root / "claims.jsonl").read_text(encoding="utf-8").splitlines()
            entries = _LazyEntries([line for line in lines if line.strip()])
            lexical = _Lexical.from_state(root)
            embeddings = None
            post = None
            if "embeddings.npz" in manifest["files"]:
                with np.load(root / "embeddings.npz", allow_pickle=False) as npz:
                    embeddings = npz["embeddings"].astype(np.float32)
                    post = _PostProcess(npz["center"], npz["components"])
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

    def scores(self, texts: Sequence[str], method: str | None = None) -> np.ndarray:
        """(len(texts), len(self)) similarity of each query to each indexed claim."""
        method = method or self.default_method
        if method not in self.methods:
            why = f" ({self.fallback_reason})" if self.fallback_reason else ""
            raise ConfigError(f"method {method!r} is not available for this index{why}; use 'lexical'")
        keys = [dedupe_key(t) for t in texts]
        if method == "lexical":
            return self.lexical.scores(keys)
        queries = self.embedder.encode(keys)  # type: ignore[union-attr]
        if self.postprocess is not None:
            queries = self.postprocess(queries)
        # (n x d) @ (d x q), not (q x d) @ (n x d).T: numpy's transposed-view path is ~15x slower
        emb = np.ascontiguousarray((self.embeddings @ queries.T).T)  # type: ignore[union-attr]
        if method == "embedding":
            return emb.astype(np.float32)
        w = float(self.config.get("fusion_weight", DEFAULT_FUSION_WEIGHT))
        return (w * emb + (1.0 - w) * self.lexical.scores(keys)).astype(np.float32)

    def query(self, texts: Sequence[str], k: int = 5, min_similarity: float | None = None,
              method: str | None = None, batch_size: int = 256) -> list[list[ClaimMatch]]:
        """For each text, its (up to) ``k`` nearest fact-checked claims, most similar first.

        ``min_similarity=None`` uses the per-method default (:data:`DEFAULT_MIN_SIMILARITY`);
        ``0`` returns the ``k`` nearest whatever their score.  ``method``: "fused" (default when
        the embedder is available), "embedding" or "lexical".  Raw and normalised text give
        the same answer (both sides are normalised).
        """
        if isinstance(texts, str):
            texts = [texts]
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        method = method or self.default_method
        floor = DEFAULT_MIN_SIMILARITY[method] if min_similarity is None else float(min_similarity)
        results: list[list[ClaimMatch]] = []
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            scores = self.scores(batch, method)
            for row, text in zip(scores, batch):
                matches = []
                if dedupe_key(text):
                    for j in _top_k(row, k):
                        score = float(row[j])
                        if score < floor or score <= 0.0:
                            break
                        entry = self.entries[int(j)]
                        matches.append(ClaimMatch(entry[0], score, method, tuple(entry[1:])))
                results.append(matches)
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
