"""Benchmark: a second batch over an unchanged folder must be at least 20× faster than the first.

Usage: python benchmarks/bench_batch.py [--files N] [--workers W] [--json out.json]

The folder holds N fixture reports (fictional townships, written for the
tests) plus the project's sample corpus. Both runs are timed twice: through
the library (``run_batch``; the measure the target applies to) and through the
command line (``govreport batch``, as a user sees it: Python start-up and the
CLI's imports, about half a second, are a floor the second run cannot go
below, so that ratio grows with the folder). Exit code 1 if the library ratio
is below the target.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.batch import run_batch  # noqa: E402
from pipeline.store import Store  # noqa: E402
from tests.test_batch import _SAMPLES, sample_report  # noqa: E402

TARGET = 20.0


def build_folder(folder: Path, n: int) -> int:
    towns = ("青石镇", "柳溪乡", "云岭街道", "白沙镇", "松山乡", "东湖街道", "石门镇", "桃源乡")
    for i in range(n):
        town = towns[i % len(towns)]
        year = 2015 + i // len(towns)
        figures = {k: v + i for k, v in _SAMPLES[i % len(_SAMPLES)][3].items()}
        kind = "街道" if town.endswith("街道") else town[-1]
        path = folder / str(year) / f"{town}{year}年法治政府建设情况报告.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sample_report(town, kind, year, figures, i % 7 == 0), "utf-8")
    corpus = ROOT / "corpus"
    for p in sorted(corpus.glob("20*/*")):
        dest = folder / "sample" / p.relative_to(corpus)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, dest)
    return sum(1 for p in folder.rglob("*") if p.is_file())


def cli_batch(folder: Path, db: Path, workers: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "batch", str(folder), "--db", str(db),
                    "--workers", str(workers)], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        n = build_folder(folder, args.files)
        print(f"{n} files, {args.workers} workers")

        with Store(Path(tmp) / "lib.db") as store:
            t0 = time.perf_counter()
            first = run_batch(folder, store, workers=args.workers)
            t1 = time.perf_counter()
            second = run_batch(folder, store, workers=args.workers)
            t2 = time.perf_counter()
        assert second.analysed == 0 and second.cached == n, (second.analysed, second.cached)
        ratio = (t1 - t0) / (t2 - t1)
        ok &= ratio >= TARGET
        print(f"library  first {t1 - t0:8.3f}s ({first.analysed} analysed)   second {t2 - t1:8.4f}s "
              f"({second.cached} unchanged)   ratio {ratio:8.1f}x  (target ≥ {TARGET:g}x)")

        db = Path(tmp) / "cli.db"
        c1 = cli_batch(folder, db, args.workers)
        c2 = cli_batch(folder, db, args.workers)
        cli_ratio = c1 / c2
        print(f"cli      first {c1:8.3f}s   second {c2:8.4f}s   ratio {cli_ratio:8.1f}x  "
              f"(Python start-up and imports included)")
    print("OK" if ok else "BELOW TARGET")
    if args.json:
        args.json.write_text(json.dumps({"files": n, "first_s": t1 - t0, "second_s": t2 - t1, "ratio": ratio,
                                         "cli_first_s": c1, "cli_second_s": c2, "cli_ratio": cli_ratio}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
