"""OCR throughput: pages per second of govreport's OCR path, with the CPU it ran on.

    python benchmarks/bench_ocr.py [--pages 6] [--dpi 200] [--threads 0 1] [--rounds 2]

Pages are the project fixture (tests/data/ocr/qingshi_2024.pdf) plus dev texts
rendered to PDF (pipeline.render.text_to_pdf), rasterised with pypdfium2 at
``--dpi``. Rendering is timed apart from OCR; OCR time covers the engine
(detection + recognition) and govreport's layout (seals, lines, paragraphs).
The engine is loaded once per thread setting before timing. Settings are run
in interleaved rounds and the best round is reported, so a busy machine slows
all of them alike; the load average is printed because it matters.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu_model() -> str:
    """The CPU's model name (Linux /proc/cpuinfo, else platform.processor())."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def page_images(n: int, dpi: int) -> tuple[list[Any], float]:
    """``n`` page images and the seconds spent rendering them."""
    import pypdfium2 as pdfium

    from pipeline.render import text_to_pdf

    pdfs = [(ROOT / "tests" / "data" / "ocr" / "qingshi_2024.pdf").read_bytes()]
    dev = ROOT.parent / "shared" / "corpus" / "dev"
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(sorted(dev.glob("*.json"))[:n]):
            pdfs.append(text_to_pdf(json.loads(p.read_text("utf-8"))["text"], Path(tmp) / f"{i}.pdf").read_bytes())
        images: list[Any] = []
        t0 = time.perf_counter()
        for data in pdfs:
            doc = pdfium.PdfDocument(data)
            for i in range(len(doc)):
                if len(images) < n:
                    images.append(doc[i].render(scale=dpi / 72).to_pil().convert("RGB"))
            doc.close()
        return images, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--threads", type=int, nargs="+", default=[0, 1], help="onnxruntime intra-op threads (0: its default)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    from pipeline.ingest import ocr

    if not ocr.ocr_available():
        print("the OCR extra is not installed: pip install 'govreport[ocr]'", file=sys.stderr)
        return 2
    import onnxruntime

    images, render_s = page_images(args.pages, args.dpi)
    engines = {t: ocr.get_engine(t) for t in args.threads}
    load_before = load_average()
    best: dict[int, float] = {}
    chars: dict[int, int] = {}
    for _ in range(args.rounds):
        for t, engine in engines.items():
            t0 = time.perf_counter()
            pages = [ocr.ocr_image(img, dpi=args.dpi, first_page=i == 0, engine=engine) for i, img in enumerate(images)]
            dt = time.perf_counter() - t0
            best[t] = min(best.get(t, dt), dt)
            chars[t] = sum(len(p.text) for p in pages)
    print(f"CPU: {cpu_model()}; {os.cpu_count()} logical CPUs; {platform.system()} {platform.machine()}; "
          f"Python {platform.python_version()}; onnxruntime {onnxruntime.__version__}")
    print(f"load average before / after: {load_before} / {load_average()}")
    print(f"{len(images)} pages (A4) at {args.dpi} dpi; rendering {len(images) / render_s:.1f} pages/s (pypdfium2, not in the OCR figures)")
    for t in args.threads:
        secs = best[t]
        print(f"  threads {t or 'default':>7}: {len(images) / secs:6.2f} pages/s  ({secs / len(images):.2f} s/page, "
              f"{chars[t] / secs:.0f} chars/s, best of {args.rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
