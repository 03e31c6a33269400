"""Corpus-scale benchmark (issue: fast, resumable, on Spark): writes benchmarks/results/scale.json.

    python benchmarks/scale.py            # 100k articles (about 20 minutes on 2 cores)
    python benchmarks/scale.py --n 20000  # quicker

Measures, on N real articles resampled from ../shared/data and cut to ~4 KB:
* articles/s of `newscred score` (folder output, parts + manifest) with 1 and 2 workers, and the
  scaling efficiency from 1 to 2;
* the cost of the batch machinery: the same rows scored in-process with no reading/writing/
  bookkeeping (Analyzer.analyze + to_dict + json.dumps), against the 1-worker run;
* Spark local[2] articles/s on the same input (Parquet in, Parquet out);
* peak RSS of `newscred score` at 10k rows and at N rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "newscred"
# Bulk mode: the content verdict, evidence, signals and facts, without the provenance section
# (which roughly doubles the cost per article); `newscred score --no-provenance`.
MODE = ["--no-provenance"]
OUT = ROOT / "benchmarks" / "results" / "scale.json"


def articles(n: int) -> list[str]:
    from newscred.datasets.registry import load_dataset

    pool: list[str] = []
    for name in ("recovery_covid19", "buzzfeed_webis_2016", "fakenewsnet_crawl_krishg", "misinfotext_sfu", "perez_rosas_celebrity"):
        pool += [r.text[:4096].rsplit(" ", 1)[0] for r in load_dataset(name) if r.text and len(r.text) >= 1500]
    rng = random.Random(0)
    return [rng.choice(pool) for _ in range(n)]


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the child and its children) for one command."""
    runner = [sys.executable, str(ROOT / "benchmarks" / "_maxrss.py"), *cmd]
    proc = subprocess.run(runner, capture_output=True, text=True, env=env)
    info = json.loads(proc.stdout)
    if info["returncode"] != 0:
        raise RuntimeError(info["stderr"])
    return info["wall_s"], info["peak_mb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    n = args.n
    res: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                             "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}, "n": n}
    tmp = Path(tempfile.mkdtemp(prefix="newscred-scale-"))
    try:
        texts = articles(n)
        src = tmp / "in.jsonl"
        with open(src, "w") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": str(i), "text": t}) + "\n")
        res["mean_chars"] = sum(map(len, texts)) / n
        small = tmp / "small.jsonl"
        with open(src) as fin, open(small, "w") as fout:
            for i, line in enumerate(fin):
                if i >= 10_000:
                    break
                fout.write(line)
        # pure scoring cost, in-process (no reading, writing or bookkeeping), on a sample
        import newscred

        analyzer = newscred.load(provenance=False)
        sample = texts[:3000]
        t = time.perf_counter()
        for i, text in enumerate(sample):
            json.dumps(analyzer.analyze(text, id=str(i)).to_dict())
        res["pure_scoring_articles_per_s"] = len(sample) / (time.perf_counter() - t)
        print("pure scoring", res["pure_scoring_articles_per_s"], flush=True)
        for workers in (1, 2):
            out = tmp / f"out{workers}"
            wall, peak = timed([str(BIN), "score", str(src), "-o", str(out), "--workers", str(workers), "--no-progress", *MODE])
            res[f"local_{workers}"] = {"seconds": wall, "articles_per_s": n / wall, "peak_rss_mb": peak}
            print(f"local {workers} worker(s): {n / wall:.0f}/s, peak {peak:.0f} MB", flush=True)
            shutil.rmtree(out)
        res["scaling_efficiency_1_to_2"] = res["local_2"]["articles_per_s"] / (2 * res["local_1"]["articles_per_s"])
        res["batch_overhead_share"] = 1 - res["local_1"]["articles_per_s"] / res["pure_scoring_articles_per_s"]
        wall, peak = timed([str(BIN), "score", str(small), "-o", str(tmp / "small-out"), "--no-progress", *MODE])
        res["peak_rss_mb_10k"] = peak
        res["peak_rss_mb_n"] = res["local_1"]["peak_rss_mb"]
        if not args.skip_spark:
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({"id": [str(i) for i in range(n)], "text": texts}), tmp / "in.parquet", row_group_size=5000)
            env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
            wall, peak = timed([str(BIN), "score", str(tmp / "in.parquet"), "-o", str(tmp / "spark-out"), "--backend", "spark",
                                "--master", "local[2]", "--output-format", "parquet", *MODE], env=env)
            res["spark_local_2"] = {"seconds": wall, "articles_per_s": n / wall}
            res["spark_vs_local_2"] = res["spark_local_2"]["articles_per_s"] / res["local_2"]["articles_per_s"]
            print(f"spark local[2]: {n / wall:.0f}/s", flush=True)
        rate = res["local_2"]["articles_per_s"] / 2  # per core
        res["estimate_10M"] = {
            "core_hours": 10_000_000 / rate / 3600,
            "hours_on_64_cores": 10_000_000 / (rate * 64 * (res.get("spark_vs_local_2") or 1.0)) / 3600,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
