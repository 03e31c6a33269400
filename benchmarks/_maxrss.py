"""Run a command; print its wall time (s) and peak resident memory (MB) as JSON."""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_mb": peak_kb / 1024, "returncode": proc.returncode,
                  "stderr": proc.stderr.decode(errors="replace")[-500:]}))
