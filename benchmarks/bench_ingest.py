"""Ingestion throughput: pdfplumber alone, pypdfium2 alone and govreport's PDF reader, in one run.

    python benchmarks/bench_ingest.py [--rounds 3] [--dir ../shared/corpus/ext/files]

Every extractor reads the same PDFs from memory (file reading is not timed), in
interleaved rounds so that a busy machine slows all of them alike; the best
round of each is reported, as pages per second and as a ratio to pdfplumber's
``extract_text`` (the baseline issue 7 measures against).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def plumber_extract_text(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()  # free the page's cached layout, as a long batch would
        return len(pdf.pages)


def pdfium_get_text_range(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def govreport_read_pdf(data: bytes) -> int:
    from pipeline.ingest.pdf import read_pdf

    return read_pdf(data, Path("bench.pdf")).pages or 0


def govreport_read_pdf_layout(data: bytes) -> int:
    from pipeline.ingest.pdf import read_pdf

    return read_pdf(data, Path("bench.pdf"), prefer="pdfplumber").pages or 0


EXTRACTORS: dict[str, Callable[[bytes], int]] = {
    "pdfplumber extract_text": plumber_extract_text,
    "pypdfium2 get_text_range": pdfium_get_text_range,
    "govreport read_pdf": govreport_read_pdf,
    "govreport read_pdf(prefer=pdfplumber)": govreport_read_pdf_layout,
}


def main(argv: list[str] | None = None) -> int:
    shared = Path(os.environ.get("GOVREPORT_SHARED", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=shared / "corpus" / "ext" / "files")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    files = sorted(args.dir.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {args.dir}", file=sys.stderr)
        return 2
    docs = [p.read_bytes() for p in files]
    for fn in EXTRACTORS.values():  # warm up: imports, font caches
        fn(docs[0])

    best: dict[str, float] = {name: float("inf") for name in EXTRACTORS}
    pages: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, fn in EXTRACTORS.items():
            t0 = time.perf_counter()
            n = sum(fn(d) for d in docs)
            best[name] = min(best[name], time.perf_counter() - t0)
            pages[name] = n

    base = pages["pdfplumber extract_text"] / best["pdfplumber extract_text"]
    print(f"{len(files)} PDFs, {pages['pdfplumber extract_text']} pages, best of {args.rounds} rounds ({args.dir})")
    print(f"{'extractor':40} {'seconds':>8} {'pages/s':>9} {'x pdfplumber':>13}")
    for name in EXTRACTORS:
        rate = pages[name] / best[name]
        print(f"{name:40} {best[name]:8.3f} {rate:9.1f} {rate / base:13.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
