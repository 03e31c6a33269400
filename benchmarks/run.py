"""Benchmarks for newscred: quality (leave-one-dataset-out) and speed.  Writes docs/benchmarks.md.

    python benchmarks/run.py                 # everything (about 15 minutes on 2 cores)
    python benchmarks/run.py --only speed    # just the speed part; quality numbers are kept

Each part stores its raw results in benchmarks/results/*.json; the Markdown is rendered from those
files only, so every number in docs/benchmarks.md was printed by this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent / "newscred"


def _machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# ----------------------------------------------------------------------------- quality
def run_quality() -> dict:
    from newscred.model.content import ContentParams
    from newscred.training.recipe import evaluate_lodo, load_corpus

    def say(msg: str, done: int, total: int) -> None:
        print(f"  {msg} ({done}/{total})", flush=True)

    corpus = load_corpus(progress=say)
    variants = {
        "newscred default (words + function-word patterns + style, balanced)": ContentParams(),
        "plain TF-IDF + logistic regression": ContentParams(fw_top_k=0, style_scale=0.0, balance=False),
        "TF-IDF + LR, (dataset, class) balanced": ContentParams(fw_top_k=0, style_scale=0.0),
        "style signals only, balanced": ContentParams(use_words=False, fw_top_k=0),
    }
    out = {"machine": _machine(), "dedup": corpus.dedup_stats, "preparation": corpus.prep_stats, "variants": {}}
    for name, params in variants.items():
        print(f"quality: {name}", flush=True)
        t = time.perf_counter()
        ev = evaluate_lodo(corpus, params, progress=say)
        ev = {k: v for k, v in ev.items() if not k.startswith("_")}
        ev["seconds"] = time.perf_counter() - t
        out["variants"][name] = ev
    return out


# ----------------------------------------------------------------------------- speed
def _articles_4kb(n: int) -> list[str]:
    """n real articles cut to ~4 KB at a word boundary (shared data), or the examples repeated."""
    texts: list[str] = []
    try:
        from newscred.datasets.registry import load_dataset

        for name in ("recovery_covid19", "buzzfeed_webis_2016", "fakenewsnet_crawl_krishg"):
            texts += [r.text for r in load_dataset(name) if r.text and len(r.text) >= 4096]
    except Exception:
        pass
    if not texts:
        base = " ".join((ROOT / "examples" / f).read_text() for f in ("wire-story.txt", "viral-post.txt"))
        texts = [(base + " ") * 3]
    rng = random.Random(0)
    out = []
    for i in range(n):
        t = texts[i % len(texts)] if i < len(texts) else rng.choice(texts)
        out.append(t[:4096].rsplit(" ", 1)[0])
    return out


def run_speed(n: int = 3000) -> dict:
    articles = _articles_4kb(n)
    res: dict = {"machine": _machine(), "articles": n, "mean_chars": statistics.mean(map(len, articles))}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(articles)))
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}.jsonl"
            t = time.perf_counter()
            proc = subprocess.run([str(BIN), "score", str(src), "-o", str(out), "--workers", str(workers), "--no-progress"],
                                  capture_output=True, text=True)
            wall = time.perf_counter() - t
            assert proc.returncode == 0, proc.stderr
            rows = sum(1 for _ in open(out))
            assert rows == n, (rows, n)
            res[f"score_workers_{workers}"] = {"seconds": wall, "articles_per_s": n / wall, "stderr": proc.stderr.strip()}
            print(f"speed: score --workers {workers}: {n / wall:.0f} articles/s", flush=True)
        sample = Path(tmp) / "one.txt"
        sample.write_text(articles[0])
        runs = []
        for _ in range(5):
            proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "_maxrss.py"), str(BIN), "analyze", str(sample), "--json"],
                                  capture_output=True, text=True)
            runs.append(json.loads(proc.stdout))
        res["cold_analyze"] = {"wall_s_median": statistics.median(r["wall_s"] for r in runs),
                               "wall_s_max": max(r["wall_s"] for r in runs),
                               "peak_mb_max": max(r["peak_mb"] for r in runs)}
        print(f"speed: cold analyze {res['cold_analyze']}", flush=True)
    return res


# ----------------------------------------------------------------------------- report
def _f(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def render(quality: dict | None, speed: dict | None) -> str:
    lines = ["# Benchmarks", "", "Generated by `python benchmarks/run.py` (`make benchmark`); every number below was printed by",
             "that script into `benchmarks/results/*.json`. Do not edit by hand.", ""]
    if quality:
        lines += ["## Quality: leave-one-dataset-out on the shared article sets", "",
                  f"Machine: {quality['machine']}.", "",
                  "Protocol: each dataset is scored by a model trained on the *other* article sets only. Datasets that share "
                  "items are held out together (the BuzzFeed-2016 fact-check appears in buzzfeed_webis_2016, in the BuzzFeed half "
                  "of fakenewsnet_v1 and in the BuzzFeed half of misinfotext_sfu), exact and MinHash near-duplicates "
                  "(5-word shingles, Jaccard >= 0.8) of any test text are removed from training, and probabilities are "
                  "Platt-calibrated on the other datasets' held-out scores. Macro-F1 at p_unreliable >= 0.5. "
                  "Probes: the training data's majority class, and a logistic regression on log length alone.", ""]
        names = list(quality["variants"])
        default = quality["variants"][names[0]]
        datasets = sorted(default["datasets"])
        header = "| held-out dataset | n | unreliable share | " + " | ".join(names) + " | majority probe | length probe |"
        lines += [header, "|" + "---|" * (len(names) + 5)]
        for d in datasets:
            row = default["datasets"][d]
            cells = [_f(quality["variants"][v]["datasets"][d]["model"]["macro_f1"]) for v in names]
            lines.append(f"| {d} | {row['test']} | {row['model']['unreliable_share']:.2f} | " + " | ".join(cells)
                         + f" | {_f(row['majority_probe']['macro_f1'])} | {_f(row['length_probe']['macro_f1'])} |")
        means = [_f(quality["variants"][v]["mean_macro_f1"]["model"]) for v in names]
        lines.append("| **mean macro-F1** | | | " + " | ".join(f"**{m}**" for m in means)
                     + f" | {_f(default['mean_macro_f1']['majority_probe'])} | {_f(default['mean_macro_f1']['length_probe'])} |")
        lines += ["", "Other metrics of the default configuration on the same held-out predictions:", "",
                  "| held-out dataset | ROC-AUC | Brier | ECE | recall unreliable | recall reliable | confident errors | coverage outside uncertain band | accuracy there |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for d in datasets + ["(pooled)"]:
            m = default["pooled"] if d == "(pooled)" else default["datasets"][d]["model"]
            lines.append(f"| {d} | {_f(m['roc_auc'])} | {_f(m['brier'])} | {_f(m['ece'])} | {_f(m['recall_unreliable'])} | "
                         f"{_f(m['recall_reliable'])} | {m['confident_error_rate']:.1%} | {m.get('coverage', float('nan')):.1%} | {_f(m.get('accuracy_when_covered', float('nan')))} |")
        lines += ["", "De-duplication before any split (rows removed per dataset):", "",
                  "| dataset | kept | removed duplicates | removed (conflicting labels) | kept rows with a duplicate in another dataset |",
                  "|---|---|---|---|---|"]
        for d, s in sorted(quality["dedup"].items()):
            lines.append(f"| {d} | {s['kept']} | {s['removed_duplicates']} | {s['removed_conflicting']} | {s['cross_dataset_duplicates']} |")
        lines.append("")
    if speed:
        s1, s2, cold = speed["score_workers_1"], speed["score_workers_2"], speed["cold_analyze"]
        lines += ["## Speed", "", f"Machine: {speed['machine']}.", "",
                  f"`newscred score` on {speed['articles']} real articles cut to about 4 KB (mean {speed['mean_chars']:.0f} characters), "
                  "JSONL in, full JSONL reports out, default model:", "",
                  "| measurement | result | target |", "|---|---|---|",
                  f"| score, 1 worker | {s1['articles_per_s']:.0f} articles/s | |",
                  f"| score, 2 workers | {s2['articles_per_s']:.0f} articles/s | >= 300 articles/s on 2 cores |",
                  f"| cold `newscred analyze` (process start to exit, median of 5) | {cold['wall_s_median']:.2f} s (max {cold['wall_s_max']:.2f} s) | <= 1.5 s |",
                  f"| peak memory of `newscred analyze` | {cold['peak_mb_max']:.0f} MB | <= 400 MB |", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["quality", "speed"], default=None)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "quality"):
        (RESULTS / "quality.json").write_text(json.dumps(run_quality(), indent=1))
    if args.only in (None, "speed"):
        (RESULTS / "speed.json").write_text(json.dumps(run_speed(), indent=1))
    load = lambda name: json.loads((RESULTS / name).read_text()) if (RESULTS / name).exists() else None  # noqa: E731
    DOC.write_text(render(load("quality.json"), load("speed.json")))
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
