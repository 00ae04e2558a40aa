"""Batch scaling and memory: 1 vs 2 workers, peak memory per worker, memory over 2,000 documents.

    python benchmarks/bench_memory.py [--shared ../shared] [--files 200] [--docs 2000] [--json out.json]

Figures (issue 7, targets on a 2-core machine):

- throughput: ``run_batch`` with 2 workers vs 1 worker on a folder of
  ``--files`` text reports (the dev texts, repeated with an index appended so
  every file is distinct content and none is skipped as a duplicate), as files
  per second once the first result is in (the rate of :class:`Progress`:
  worker start-up, a fixed cost, excluded) and over the whole run (start-up
  included). Target: ratio >= 1.7;
- peak resident memory per worker: the largest ``ru_maxrss`` of the batch's
  worker processes (and of the in-process run). Target: <= 400 MB;
- memory flat: one process analyses ``--docs`` distinct documents in a loop,
  the JSON record of each written out; resident memory is sampled as it goes.
  Growth between document 200 and the last should be about 0.

Each measurement runs in a fresh Python process (``--child``), so one does not
inherit the memory or the warm caches of another. On a machine shared with
other work the 2-worker figure is bounded by the cores actually free: the load
average is printed with it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SPEEDUP = 1.7
TARGET_RSS_MB = 400.0


def _maxrss_mb(who: int) -> float:
    """Peak resident memory in MB (``ru_maxrss`` is KB on Linux, bytes on macOS)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024


def _rss_now_mb() -> float:
    """Current resident memory in MB (Linux /proc; the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except OSError:
        return _maxrss_mb(resource.RUSAGE_SELF)


def dev_texts(shared: Path) -> list[str]:
    return [json.loads(p.read_text("utf-8"))["text"] for p in sorted((shared / "corpus/dev").glob("*.json"))]


def distinct_text(texts: list[str], i: int) -> str:
    """Document ``i``: a dev text with its index appended (distinct content, same size)."""
    return f"{texts[i % len(texts)]}\n{i}\n"


def build_folder(folder: Path, texts: list[str], n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"report_{i:04d}.txt").write_text(distinct_text(texts, i), "utf-8")


# -- children -----------------------------------------------------------------


def child_batch(folder: Path, workers: int) -> dict[str, Any]:
    from pipeline.batch import run_batch
    from pipeline.store import Store

    import pipeline.batch as batch

    # (time, worker pid) of every result as the main process stores it.
    arrivals: list[tuple[float, int]] = []
    save = batch._save

    def timed_save(store: Store, job: Any, outcome: dict[str, Any], batch_id: int) -> str | None:
        arrivals.append((time.perf_counter(), int(outcome.get("worker", 0))))
        return save(store, job, outcome, batch_id)

    batch._save = timed_save  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        t0 = time.perf_counter()
        result = run_batch(folder, store, workers=workers)
        wall = time.perf_counter() - t0
    assert result.analysed == result.files and not result.failures, (result.analysed, result.files, result.failures)
    # Steady state: from the first result of the last worker to start, to the end.
    firsts: dict[int, float] = {}
    for t, pid in arrivals:
        firsts.setdefault(pid, t)
    t_all = max(firsts.values())
    n_window = sum(1 for t, _ in arrivals if t > t_all)
    return {
        "workers": workers,
        "workers_seen": len(firsts),
        "files": result.analysed,
        "wall_s": wall,
        "startup_s": t_all - t0,
        "files_per_s_total": result.analysed / wall,
        "files_per_s": n_window / (arrivals[-1][0] - t_all) if n_window else 0.0,
        "files_in_window": n_window,
        # Workers are joined when the pool shuts down, so they count as children here.
        "peak_rss_worker_mb": _maxrss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else _maxrss_mb(resource.RUSAGE_SELF),
        "peak_rss_main_mb": _maxrss_mb(resource.RUSAGE_SELF),
    }


def child_flat(shared: Path, n_docs: int) -> dict[str, Any]:
    import io

    from pipeline.run import Resources, analyze_text, report_record

    texts = dev_texts(shared)
    res = Resources().warm()
    sink = io.StringIO()
    samples: dict[int, float] = {}
    marks = {200, 500, 1000, 1500, n_docs}
    for i in range(1, n_docs + 1):
        rep = analyze_text(distinct_text(texts, i), name=f"doc{i}.txt", resources=res)
        sink.write(json.dumps(report_record(rep), ensure_ascii=False))
        sink.seek(0)
        sink.truncate()  # the record is written, not kept: what grows is the pipeline's
        if i in marks:
            gc.collect()  # garbage not yet collected is not a leak
            samples[i] = _rss_now_mb()
    first = samples[min(samples)]
    return {
        "docs": n_docs,
        "rss_mb": {str(k): round(v, 1) for k, v in sorted(samples.items())},
        "growth_mb": samples[n_docs] - first,
        "growth_kb_per_1000_docs": (samples[n_docs] - first) * 1024 / max(1, n_docs - min(samples)) * 1000,
        "peak_rss_mb": _maxrss_mb(resource.RUSAGE_SELF),
    }


def _run_child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- main ---------------------------------------------------------------------


def run(shared: Path, n_files: int, n_docs: int) -> dict[str, Any]:
    texts = dev_texts(shared)
    results: dict[str, Any] = {"load_avg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
                               "cpu": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        build_folder(folder, texts, n_files)
        one = _run_child(["batch", str(folder), "1"])
        two = _run_child(["batch", str(folder), "2"])
    results["batch_1"], results["batch_2"] = one, two
    results["speedup"] = two["files_per_s"] / one["files_per_s"]
    results["speedup_total"] = two["files_per_s_total"] / one["files_per_s_total"]
    results["peak_rss_worker_mb"] = max(one["peak_rss_worker_mb"], two["peak_rss_worker_mb"])
    results["flat"] = _run_child(["flat", str(shared), str(n_docs)])
    return results


def report_lines(r: dict[str, Any]) -> list[str]:
    one, two, flat = r["batch_1"], r["batch_2"], r["flat"]
    rss = ", ".join(f"{k}: {v:.0f}" for k, v in flat["rss_mb"].items())
    return [
        f"batch:  2 workers {two['files_per_s']:.1f} files/s vs 1 worker {one['files_per_s']:.1f} files/s"
        f"  -> ratio {r['speedup']:.2f} (target >= {TARGET_SPEEDUP}; load average {r['load_avg']:.1f} on {r['cpu']} CPUs)",
        f"        start-up included: {two['files_per_s_total']:.1f} vs {one['files_per_s_total']:.1f} files/s"
        f" -> {r['speedup_total']:.2f} ({one['files']} files; workers up after {two['startup_s']:.1f} s vs"
        f" {one['startup_s']:.1f} s; steady state over {two['files_in_window']} vs {one['files_in_window']} files)",
        f"memory: peak per worker {r['peak_rss_worker_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB)",
        f"flat:   RSS after n documents (MB) {rss}; growth doc {min(map(int, flat['rss_mb']))}-{flat['docs']}"
        f" {flat['growth_mb']:+.1f} MB ({flat['growth_kb_per_1000_docs']:+.0f} KB per 1,000 docs; target about 0)",
    ]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "batch":
            out = child_batch(Path(rest[0]), int(rest[1]))
        else:
            out = child_flat(Path(rest[0]), int(rest[1]))
        print(json.dumps(out))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--files", type=int, default=200, help="reports in the batch folder")
    ap.add_argument("--docs", type=int, default=2000, help="documents analysed in the memory loop")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if not (args.shared / "corpus/dev").is_dir():
        sys.exit(f"no corpus at {args.shared}/corpus (pass --shared)")
    results = run(args.shared, args.files, args.docs)
    print("\n".join(report_lines(results)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
