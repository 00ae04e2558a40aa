"""Analyse one file in a fresh process and report its outcome with the process's peak memory.

``python -m tests.hostile.probe FILE [--limits TOML] [--warm]`` prints one JSON
object: status, error code, sha256, seconds of the analysis and ``peak_mb``
(``ru_maxrss`` of this process: imports, resources and the analysis). The
hostile tests and benchmarks/bench_hostile.py run it in a subprocess so a
runaway file cannot take the test process down with it.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--limits", type=Path)
    ap.add_argument("--warm", action="store_true", help="load the resources before the clock starts")
    args = ap.parse_args(argv)
    from pipeline.limits import load_limits
    from pipeline.run import Resources, analyze_path

    res = Resources(limits=load_limits(args.limits))
    if args.warm:
        res.warm()
    t0 = time.perf_counter()
    report = analyze_path(args.file, res)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps({
        "status": report.status, "code": (report.error or {}).get("code"), "message": (report.error or {}).get("message"),
        "sha256": report.sha256, "encoding": report.encoding, "seconds": round(seconds, 2), "peak_mb": round(peak),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
