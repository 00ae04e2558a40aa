"""Run every benchmark of issue 7 and print one table: figure, baseline, ratio, target.

    python benchmarks/run_all.py [--shared ../shared] [--quick] [--ingest] [--ocr] [--json out.json]

Runs, each in its own process (their own output is shown as they go):

- ``bench_pipeline.py``: text and PDF throughput against jieba / pdfplumber,
  linearity, start-up, and the per-stage profile;
- ``bench_memory.py``: 2 workers vs 1, peak memory per worker, memory over
  2,000 documents;
- ``bench_batch.py``: a re-run over an unchanged folder against the first run;
- with ``--ingest``, ``bench_ingest.py`` (PDF extractors side by side); with
  ``--ocr``, ``bench_ocr.py`` (needs the OCR extra).

``--quick`` uses fewer texts, repeats and documents (about a minute). Exit
code 1 when a figure misses its target. Figures are ratios against baselines
measured in the same run: absolute times on a shared machine are noise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Figure:
    name: str
    value: Callable[[dict[str, Any]], float]
    baseline: Callable[[dict[str, Any]], str]
    shown: Callable[[float], str]
    target: str
    ok: Callable[[float], bool]


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        d = d[k]
    return d


FIGURES: tuple[tuple[str, Figure], ...] = (
    ("pipeline", Figure(
        "text throughput / jieba.cut",
        lambda r: _get(r, "text", "ratio_pipeline_to_jieba"),
        lambda r: f"jieba.cut {_get(r, 'text', 'jieba_chars_per_s'):,.0f} chars/s; "
                  f"pipeline {_get(r, 'text', 'pipeline_chars_per_s'):,.0f}",
        lambda v: f"{v:.2f}", ">= 0.5", lambda v: v >= 0.5)),
    ("pipeline", Figure(
        "PDF throughput / pdfplumber",
        lambda r: _get(r, "pdf", "ratio_pipeline_to_pdfplumber"),
        lambda r: f"pdfplumber {_get(r, 'pdf', 'pdfplumber_pages_per_s'):.1f} pages/s; "
                  f"pipeline {_get(r, 'pdf', 'pipeline_pages_per_s'):.1f}",
        lambda v: f"{v:.1f}", ">= 5", lambda v: v >= 5)),
    ("pipeline", Figure(
        "100x longer report: cost ratio",
        lambda r: _get(r, "linear", "cost_ratio_100x"),
        lambda r: f"x1 {_get(r, 'linear', 'time_x1_s') * 1000:.1f} ms; x100 {_get(r, 'linear', 'time_x100_s'):.2f} s",
        lambda v: f"{v:.0f}", "about 100 (<= 120)", lambda v: v <= 120)),
    ("pipeline", Figure(
        "govreport --help (s)",
        lambda r: _get(r, "startup", "help_s"),
        lambda r: f"bare python {_get(r, 'startup', 'python_s'):.2f} s; CPU {_get(r, 'startup', 'help_cpu_s'):.2f} s",
        lambda v: f"{v:.2f}", "< 0.3", lambda v: v < 0.3)),
    ("pipeline", Figure(
        "first document of a process (s)",
        lambda r: _get(r, "startup", "first_document_s"),
        lambda r: f"CPU {_get(r, 'startup', 'first_document_cpu_s'):.2f} s",
        lambda v: f"{v:.2f}", "< 1.5", lambda v: v < 1.5)),
    ("memory", Figure(
        "batch: 2 workers / 1 worker",
        lambda r: r["speedup"],
        lambda r: f"1 worker {_get(r, 'batch_1', 'files_per_s'):.0f} files/s; 2: {_get(r, 'batch_2', 'files_per_s'):.0f}; "
                  f"idle-machine estimate {r.get('speedup_cpu_bound', float('nan')):.2f}; load {r['load_avg']:.1f}",
        lambda v: f"{v:.2f}", ">= 1.7", lambda v: v >= 1.7)),
    ("memory", Figure(
        "peak RSS per worker (MB)",
        lambda r: r["peak_rss_worker_mb"],
        lambda r: "ru_maxrss of the worker processes",
        lambda v: f"{v:.0f}", "<= 400", lambda v: v <= 400)),
    ("memory", Figure(
        "RSS growth, doc 200 -> last (MB)",
        lambda r: _get(r, "flat", "growth_mb"),
        lambda r: f"{_get(r, 'flat', 'docs')} documents; RSS at 200: {min(_get(r, 'flat', 'rss_mb').values()):.0f} MB",
        lambda v: f"{v:+.1f}", "about 0 (<= 5)", lambda v: v <= 5)),
    ("batch", Figure(
        "unchanged folder: first / second run",
        lambda r: r["ratio"],
        lambda r: f"first {r['first_s']:.2f} s; second {r['second_s']:.3f} s ({r['files']} files)",
        lambda v: f"{v:.0f}", ">= 20", lambda v: v >= 20)),
)


def _run(script: str, args: list[str], out: Path | None) -> dict[str, Any] | None:
    cmd = [sys.executable, str(HERE / script), *args] + (["--json", str(out)] if out else [])
    print(f"\n$ {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(cmd))}", flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, check=False)
    if out is None:
        return None
    if not out.exists():
        print(f"  ({script} wrote no figures: exit code {proc.returncode})")
        return None
    return json.loads(out.read_text("utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--quick", action="store_true", help="fewer texts, repeats and documents")
    ap.add_argument("--ingest", action="store_true", help="also compare the PDF extractors")
    ap.add_argument("--ocr", action="store_true", help="also measure OCR (needs the ocr extra)")
    ap.add_argument("--json", type=Path, help="write all figures here")
    args = ap.parse_args()
    shared = ["--shared", str(args.shared)]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        results["pipeline"] = _run("bench_pipeline.py", shared + (["--quick"] if args.quick else []), t / "p.json")
        results["memory"] = _run("bench_memory.py", shared + (["--docs", "500", "--rounds", "2"] if args.quick else []), t / "m.json")
        results["batch"] = _run("bench_batch.py", [], t / "b.json")
        if args.ingest:
            _run("bench_ingest.py", ["--dir", str(args.shared / "corpus/ext/files")], None)
        if args.ocr:
            _run("bench_ocr.py", [], None)

    rows = []
    failed = False
    for group, fig in FIGURES:
        r = results.get(group)
        try:
            v = fig.value(r) if r else None
            base = fig.baseline(r) if r else "not measured"
        except (KeyError, TypeError):
            v, base = None, "not measured"
        ok = v is not None and fig.ok(v)
        failed |= not ok
        rows.append((fig.name, fig.shown(v) if v is not None else "-", fig.target, "ok" if ok else "MISS", base))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"\nissue 7 figures (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)" if hasattr(os, "getloadavg")
          else "\nissue 7 figures")
    for name, val, target, verdict, base in rows:
        print(f"  {name:<{w[0]}}  {val:>{w[1]}}  target {target:<{w[2]}}  {verdict:<4}  {base}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
