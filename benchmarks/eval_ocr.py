"""OCR evaluation: the dev texts rendered to image-only PDFs, scored against their text-layer run.

    python benchmarks/eval_ocr.py [--limit 20] [--every 3] [--dpi 200] [--degrade] [--via pdf|tiff] [--json out.json]

For every gold document of the dev corpus (../shared/corpus/dev) the text is
rendered to a PDF with a text layer (pipeline.render.text_to_pdf), analysed
(the *text-layer run*), then its pages are rasterised with pypdfium2 and saved
as an image-only PDF (or a multi-page TIFF with ``--via tiff``), which goes
through OCR (the *scan run*). Both runs are scored against the gold with
pipeline.evaluate; the issue's target is a metrics F1 within 0.05 of the
text-layer run. ``--degrade`` makes copier-like scans (slight rotation, noise,
speckle, JPEG). With ``--via tiff`` the low-confidence marking is measured too:
how often a metric read from a line under ``LOW_CONFIDENCE`` is wrong, against
the metrics read from confident lines.

A script, not a unit test: a full run OCRs a few hundred pages.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rasterise(pdf_path: Path, dpi: int, *, degrade: bool, seed: int) -> list[Any]:
    """Page images of a PDF; with ``degrade``: rotation, noise, speckle and JPEG like a copier."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf_path.read_bytes())
    images = []
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
            if degrade:
                tilt = float(rng.uniform(-1.2, 1.2))
                img = img.rotate(tilt, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
                arr = np.asarray(img).astype(np.int16)
                arr += rng.normal(0, 12, arr.shape[:2])[..., None].astype(np.int16)
                arr[rng.random(arr.shape[:2]) < 0.0008] = 0
                img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
                buf = io.BytesIO()
                img.save(buf, format="JPEG", quality=70)
                img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
            images.append(img)
    finally:
        doc.close()
    return images


def _traditional_share(text: str) -> float:
    """Share of CJK characters that simplification changes."""
    from pipeline.normalise import to_simplified

    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(a != b for a, b in zip(cjk, to_simplified("".join(cjk)))) / len(cjk)


def _fold(text: str | None) -> str:
    """Whitespace removed and full-width ASCII folded: "（一）" and "(一)" compare equal."""
    text = text or ""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text if not c.isspace())


def _key(m: Any) -> tuple[float, str]:
    from pipeline.normalise import to_simplified

    return round(float(m.value), 4), to_simplified(m.unit)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    ap.add_argument("--every", type=int, default=1, help="every K-th document (a spread subset)")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--degrade", action="store_true", help="copier-like scans (rotation, noise, JPEG)")
    ap.add_argument("--via", choices=("pdf", "tiff"), default="pdf")
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime threads (0: its default)")
    ap.add_argument("--json", type=Path, help="write both scorecards and the per-document figures here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    from pipeline.ingest import ocr
    from pipeline.evaluate import finish_card, load_gold, new_card, score_document
    from pipeline.ingest.image import read_image
    from pipeline.normalise import to_simplified
    from pipeline.render import text_to_pdf
    from pipeline.run import Resources, analyze_path, process, sha256_bytes
    from pipeline.types import Report

    if not ocr.ocr_available():
        print("the OCR extra is not installed: pip install 'govreport[ocr]'", file=sys.stderr)
        return 2
    engine = ocr.get_engine(args.threads)
    paths = sorted(args.dir.glob("*.json"))[:: max(1, args.every)]
    if args.limit:
        paths = paths[: args.limit]
    resources = Resources().warm()
    card_text, card_scan = new_card(), new_card()
    card_text["render"], card_scan["render"] = "pdf", f"image-{args.via}"
    # The same on documents in simplified characters only: the shipped PP-OCR model reads
    # traditional characters poorly, and real township scans are in simplified characters.
    simp_text, simp_scan = new_card(), new_card()
    per_doc: list[dict[str, Any]] = []
    low_marked = Counter[str]()  # "right"/"wrong" for metrics from low-confidence lines
    confident = Counter[str]()
    ocr_pages = 0
    ocr_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="govreport-ocr-eval-") as tmp:
        for n, p in enumerate(paths, start=1):
            doc = load_gold(p)
            doc.setdefault("id", p.stem)
            folder = Path(tmp) / str(n)
            folder.mkdir()
            pdf_path = text_to_pdf(doc["text"], folder / "document.pdf")
            text_report = analyze_path(pdf_path, resources)
            images = rasterise(pdf_path, args.dpi, degrade=args.degrade, seed=n)
            t0 = time.perf_counter()
            if args.via == "pdf":
                scan = folder / "scan.pdf"
                images[0].save(scan, format="PDF", save_all=True, append_images=images[1:], resolution=float(args.dpi))
                scan_report = analyze_path(scan, resources)
            else:
                buf = io.BytesIO()
                images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], dpi=(args.dpi, args.dpi),
                               compression="tiff_deflate")
                data = buf.getvalue()
                extracted = read_image(data, Path("scan.tiff"))
                scan_report = process(Report(source="scan.tiff", sha256=sha256_bytes(data)), extracted, resources)
                ocr.mark_low_confidence(scan_report.metrics, extracted.low_confidence_spans)
                gold_q = Counter((round(float(m["value"]), 4), to_simplified(m["unit"])) for m in doc["gold"].get("metrics") or [])
                for m in scan_report.metrics:
                    ok = gold_q[_key(m)] > 0
                    if ok:
                        gold_q[_key(m)] -= 1
                    (low_marked if m.low_confidence else confident)["right" if ok else "wrong"] += 1
            seconds = time.perf_counter() - t0
            ocr_pages += len(images)
            ocr_seconds += seconds
            card_text["documents"] += 1
            card_scan["documents"] += 1
            score_document(doc, text_report, card_text)
            score_document(doc, scan_report, card_scan)
            traditional = _traditional_share(doc["text"]) >= 0.02
            if not traditional:
                simp_text["documents"] += 1
                simp_scan["documents"] += 1
                score_document(doc, text_report, simp_text)
                score_document(doc, scan_report, simp_scan)
            tq = Counter(_key(m) for m in text_report.metrics)
            sq = Counter(_key(m) for m in scan_report.metrics)
            lost = [m.quote for m in text_report.metrics if (tq - sq)[_key(m)] > 0]
            extra = [m.quote for m in scan_report.metrics if (sq - tq)[_key(m)] > 0]
            row = {
                "id": doc["id"], "traditional": traditional, "pages": len(images), "seconds": round(seconds, 2),
                "ocr_confidence": scan_report.ocr_confidence, "status": scan_report.status,
                "title_same": _fold(scan_report.title) == _fold(text_report.title),
                "headings_same": [(_fold(h.text), h.level) for h in scan_report.headings]
                == [(_fold(h.text), h.level) for h in text_report.headings],
                "metrics_text": len(text_report.metrics), "metrics_scan": len(scan_report.metrics),
                "lost": lost, "extra": extra,
            }
            per_doc.append(row)
            if not args.quiet:
                print(f"[{n}/{len(paths)}] {doc['id']}: {len(images)} p, {seconds:.1f}s, conf "
                      f"{scan_report.ocr_confidence}, metrics {len(text_report.metrics)}->{len(scan_report.metrics)}"
                      + (f", lost {lost}" if lost else "") + (f", extra {extra}" if extra else ""), flush=True)
    text_card, scan_card = finish_card(card_text), finish_card(card_scan)
    simp_text_card, simp_scan_card = finish_card(simp_text), finish_card(simp_scan)
    print()
    print(f"documents {len(paths)}, OCR pages {ocr_pages}, {ocr_pages / ocr_seconds:.2f} pages/s "
          f"(dpi {args.dpi}{', degraded' if args.degrade else ''}, via {args.via}, threads {engine.threads or 'default'})")
    print(f"{'':24}{'text layer':>12}{'scan (OCR)':>12}{'delta':>8}")
    for name in ("quantity", "qualifier", "indicator", "headings"):
        a, b = text_card[name]["f1"], scan_card[name]["f1"]
        print(f"  {name + ' F1':<22}{a:>12.4f}{b:>12.4f}{b - a:>+8.4f}")
    print(f"  simplified-character documents only ({simp_text_card['documents']}):")
    for name in ("quantity", "qualifier", "indicator", "headings"):
        a, b = simp_text_card[name]["f1"], simp_scan_card[name]["f1"]
        print(f"  {name + ' F1':<22}{a:>12.4f}{b:>12.4f}{b - a:>+8.4f}")
    for name in ("title", "entity", "year"):
        a, b = text_card["accuracy"][name], scan_card["accuracy"][name]
        if a is not None and b is not None:
            print(f"  {name + ' accuracy':<22}{a:>12.4f}{b:>12.4f}{b - a:>+8.4f}")
    same_title = sum(r["title_same"] for r in per_doc)
    same_heads = sum(r["headings_same"] for r in per_doc)
    print(f"  scan == text run (punctuation width folded): title {same_title}/{len(per_doc)}, "
          f"headings {same_heads}/{len(per_doc)}")
    confs = [r["ocr_confidence"] for r in per_doc if r["ocr_confidence"] is not None]
    if confs:
        print(f"  OCR confidence: mean {sum(confs) / len(confs):.4f}, min {min(confs):.4f}")
    if args.via == "tiff":
        def rate(c: Counter[str]) -> str:
            tot = c["right"] + c["wrong"]
            return f"{c['wrong']}/{tot} wrong ({c['wrong'] / tot:.1%})" if tot else "none"
        print(f"  metrics from low-confidence lines (< {ocr.LOW_CONFIDENCE}): {rate(low_marked)}; "
              f"from confident lines: {rate(confident)}")
    if args.json:
        out = {"text": text_card, "scan": scan_card, "simplified_text": simp_text_card, "simplified_scan": simp_scan_card,
               "documents": per_doc}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
