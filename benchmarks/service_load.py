"""Load benchmark of the REST API: latency and throughput of POST /v1/analyze.

    python benchmarks/service_load.py            # writes benchmarks/results/service.json

Starts ``newscred serve`` on 127.0.0.1 (a free port) with 1 and then 2 workers, sends a bounded
number of requests with ~4 KB articles (real ones from ../shared/data when present, else the
examples), and stops the server.  Every phase is capped in requests *and* time (60 s), and only
127.0.0.1 is ever contacted.  The client runs on the same 2-core machine as the server, so the
numbers include its share of the CPU.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "service.json"
HOST = "127.0.0.1"
TIME_CAP_S = 60.0


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for mod in ("fastapi", "uvicorn", "starlette", "pydantic"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "cpu_model": cpu, "platform": platform.platform(),
            "libraries": versions, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            # Other processes on the machine share its cores: a load average above 0 means noisier numbers.
            "loadavg_1min_at_start": _loadavg()}


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def articles_4kb(n: int = 50) -> list[str]:
    """Up to n real articles cut to ~4 KB at a word boundary, or the examples repeated to 4 KB."""
    texts: list[str] = []
    try:
        from newscred.datasets.registry import load_dataset

        for row in load_dataset("recovery_covid19"):
            if row.text and len(row.text) >= 4096:
                texts.append(row.text[:4096].rsplit(" ", 1)[0])
                if len(texts) >= n:
                    break
    except Exception:
        texts = []
    if not texts:
        base = "\n\n".join((ROOT / "examples" / f).read_text() for f in ("wire-story.txt", "viral-post.txt"))
        texts = [((base + "\n\n") * 2)[:4096].rsplit(" ", 1)[0]]
    return texts


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(workers: int, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newscred", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
           "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"newscred serve exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("newscred serve did not answer /healthz within 30 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # uvicorn's supervisor stops its workers on SIGTERM
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the server's own process group only
            proc.wait(timeout=5)


def run_phase(port: int, bodies: list[bytes], requests: int, concurrency: int) -> dict:
    """`requests` POSTs over `concurrency` keep-alive connections; stops early at TIME_CAP_S."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    t_end = time.monotonic() + TIME_CAP_S

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Content-Type": "application/json"}
        try:
            while time.monotonic() < t_end:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/v1/analyze", body=bodies[i % len(bodies)], headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                dt = time.perf_counter() - t0
                with lock:
                    if status == 200:
                        latencies.append(dt)
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(client) for _ in range(concurrency)]:
            f.result()
    wall = time.perf_counter() - t0
    lat_ms = sorted(x * 1000 for x in latencies)

    def q(p: float) -> float | None:
        return lat_ms[min(len(lat_ms) - 1, int(round(p * (len(lat_ms) - 1))))] if lat_ms else None

    return {
        "requests": len(lat_ms) + sum(errors.values()),
        "ok": len(lat_ms),
        "errors": errors,
        "concurrency": concurrency,
        "seconds": round(wall, 3),
        "rps": round(len(lat_ms) / wall, 1) if wall else None,
        "p50_ms": round(q(0.50), 2) if lat_ms else None,
        "p90_ms": round(q(0.90), 2) if lat_ms else None,
        "p99_ms": round(q(0.99), 2) if lat_ms else None,
        "max_ms": round(lat_ms[-1], 2) if lat_ms else None,
        "mean_ms": round(statistics.mean(lat_ms), 2) if lat_ms else None,
        "time_capped": wall >= TIME_CAP_S,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=400, help="requests per measured phase (default 400)")
    ap.add_argument("--concurrency", type=int, default=4, help="client connections in the loaded phase (default 4)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure (default 1 2)")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args()
    if not 1 <= args.requests <= 5000 or not 1 <= args.concurrency <= 16:
        ap.error("keep it bounded: 1-5000 requests, 1-16 connections")

    texts = articles_4kb()
    bodies = [json.dumps({"text": t}).encode() for t in texts]
    result: dict = {
        "machine": _machine(),
        "endpoint": "POST /v1/analyze",
        "article_chars_mean": round(statistics.mean(len(t) for t in texts), 1),
        "articles": len(texts),
        "requests_per_phase": args.requests,
        "server": "newscred serve --no-access-log --log-level warning (uvicorn), client on the same machine",
        "targets": {"p50_ms": 30, "p99_ms": 150},
        "workers": {},
    }
    for workers in args.workers:
        port = free_port()
        proc = start_server(workers, port)
        try:
            run_phase(port, bodies, requests=max(20, 10 * workers), concurrency=workers)  # warm-up, not reported
            sequential = run_phase(port, bodies, requests=args.requests // 2, concurrency=1)
            loaded = run_phase(port, bodies, requests=args.requests, concurrency=args.concurrency)
        finally:
            stop_server(proc)
        entry = {
            "p50_ms": loaded["p50_ms"],
            "p99_ms": loaded["p99_ms"],
            "rps": loaded["rps"],
            "loaded": loaded,
            "sequential": sequential,
        }
        result["workers"][str(workers)] = entry
        print(f"workers={workers}: {args.concurrency} connections: p50 {loaded['p50_ms']} ms, p99 {loaded['p99_ms']} ms, "
              f"{loaded['rps']} req/s; one connection: p50 {sequential['p50_ms']} ms, p99 {sequential['p99_ms']} ms, "
              f"{sequential['rps']} req/s", flush=True)
    result["machine"]["loadavg_1min_at_end"] = _loadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
