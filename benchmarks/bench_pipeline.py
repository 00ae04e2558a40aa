"""End-to-end speed of the pipeline, as ratios against baselines measured in the same run.

Absolute times on shared machines are noise; what we track is

- text throughput: ``analyze`` (all stages, JSON written) vs bare
  ``jieba.Tokenizer().cut`` over the same texts (target: ratio >= 0.5);
- PDF throughput: ``analyze`` on PDFs vs bare pdfplumber ``extract_text``
  (target: >= 5x);
- linearity: a report 100x longer costs about 100x (not more);
- start-up: ``govreport --help`` and the first document of a fresh process;
- where the time goes: the per-stage profile from ``Report.timings``.

Run: ``python benchmarks/bench_pipeline.py [--shared ../shared] [--quick]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _texts(shared: Path, quick: bool) -> list[str]:
    texts = [json.loads(p.read_text("utf-8"))["text"] for p in sorted((shared / "corpus/dev").glob("*.json"))]
    ext = sorted((shared / "corpus/ext/text").glob("*.txt"))
    texts += [p.read_text("utf-8") for p in (ext[:6] if quick else ext)]
    return texts


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best of ``repeat`` wall times: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_text(texts: list[str], repeat: int) -> dict[str, float]:
    import jieba

    from pipeline.run import Resources, analyze_text, report_record

    chars = sum(len(t) for t in texts)
    tok = jieba.Tokenizer()
    tok.initialize()
    t_jieba = _best(lambda: [list(tok.cut(t)) for t in texts], repeat)

    res = Resources().warm()
    stages: dict[str, float] = defaultdict(float)

    def run() -> None:
        sink = io.StringIO()
        stages.clear()
        for i, t in enumerate(texts):
            rep = analyze_text(t, name=f"doc{i}.txt", resources=res)
            sink.write(json.dumps(report_record(rep), ensure_ascii=False) + "\n")
            for k, v in rep.timings.items():
                stages[k] += v

    t_pipe = _best(run, repeat)
    out = {
        "chars": chars,
        "jieba_chars_per_s": chars / t_jieba,
        "pipeline_chars_per_s": chars / t_pipe,
        "ratio_pipeline_to_jieba": t_jieba / t_pipe,
    }
    total = sum(stages.values()) or 1.0
    out.update({f"stage_share_{k}": v / total for k, v in stages.items()})
    return out


def bench_pdf(shared: Path, repeat: int) -> dict[str, float] | None:
    pdfs = sorted((shared / "corpus/ext/files").glob("*.pdf"))
    if not pdfs:
        return None
    import pdfplumber

    from pipeline.run import Resources, analyze_path

    pages = 0
    for p in pdfs:
        with pdfplumber.open(p) as doc:
            pages += len(doc.pages)

    def plumber() -> None:
        for p in pdfs:
            with pdfplumber.open(p) as doc:
                for page in doc.pages:
                    page.extract_text()

    res = Resources().warm()
    t_plumber = _best(plumber, 1)
    t_pipe = _best(lambda: [analyze_path(p, res) for p in pdfs], repeat)
    return {
        "pages": pages,
        "pdfplumber_pages_per_s": pages / t_plumber,
        "pipeline_pages_per_s": pages / t_pipe,
        "ratio_pipeline_to_pdfplumber": t_plumber / t_pipe,
    }


def bench_linear(texts: list[str]) -> dict[str, float]:
    from pipeline.run import Resources, analyze_text

    res = Resources().warm()
    # A realistic 2-page report: the longest dev text, about 1,500 characters.
    unit = max(texts[:128], key=len)
    small = _best(lambda: analyze_text(unit, resources=res), 5)
    big_text = "\n".join([unit] * 100)
    big = _best(lambda: analyze_text(big_text, resources=res), 1)
    return {"time_x1_s": small, "time_x100_s": big, "cost_ratio_100x": big / small}


def bench_startup(sample: Path) -> dict[str, float]:
    exe = Path(sys.executable).with_name("govreport")
    cmd_help = [str(exe), "--help"] if exe.exists() else [sys.executable, str(ROOT / "cli.py"), "--help"]
    t_help = _best(lambda: subprocess.run(cmd_help, capture_output=True, check=True), 3)
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from pipeline.run import Resources, analyze_path\n"
        "r = analyze_path(%r, Resources())\n"
        "assert r.status == 'ok', r.error\n"
    ) % (str(ROOT), str(sample))
    t_first = _best(lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, check=True), 3)
    return {"help_s": t_help, "first_document_s": t_first}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--quick", action="store_true", help="fewer texts and repeats")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpus at {args.shared}/corpus (pass --shared)")
    repeat = 1 if args.quick else 3
    texts = _texts(args.shared, args.quick)
    results: dict[str, object] = {"cpu": os.cpu_count(), "python": sys.version.split()[0]}
    results["text"] = bench_text(texts, repeat)
    results["pdf"] = bench_pdf(args.shared, repeat)
    results["linear"] = bench_linear(texts)
    sample = next(iter(sorted((ROOT / "corpus").rglob("*.txt"))), None)
    if sample is not None:
        results["startup"] = bench_startup(sample)

    t = results["text"]
    print(f"text:   pipeline {t['pipeline_chars_per_s']:,.0f} chars/s vs jieba.cut {t['jieba_chars_per_s']:,.0f} chars/s"
          f"  -> ratio {t['ratio_pipeline_to_jieba']:.2f} (target >= 0.50)")
    print("        time by stage: " + ", ".join(f"{k[12:]} {v:.0%}" for k, v in t.items() if k.startswith("stage_share_")))
    p = results["pdf"]
    if p:
        print(f"pdf:    pipeline {p['pipeline_pages_per_s']:,.1f} pages/s vs pdfplumber {p['pdfplumber_pages_per_s']:,.1f} pages/s"
              f"  -> ratio {p['ratio_pipeline_to_pdfplumber']:.1f} (target >= 5)")
    lin = results["linear"]
    print(f"linear: 100x longer report costs {lin['cost_ratio_100x']:.0f}x (target about 100)")
    if "startup" in results:
        s = results["startup"]
        print(f"start:  --help {s['help_s']:.2f} s (target < 0.3), first document {s['first_document_s']:.2f} s (target < 1.5)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
