"""Hostile files meet a limit in seconds with bounded memory, and the batch goes on around them.

Each file is built at test time in the shape issue 15 found (a small DOCX of a
flood of paragraphs, a huge TXT, a PDF of image-only pages, random bytes named
.txt, a file that takes too long) and analysed in a fresh process
(``tests.hostile.probe``), which reports the error code and its own peak memory
(``ru_maxrss``). The bounds are generous: they catch minutes and gigabytes, not
a slow machine. The big versions run in benchmarks/bench_hostile.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pipeline.ingest.txt import decode_text
from pipeline.ingest.ocr import ocr_available
from tests.hostile import builders as b
from tests.hostile.conftest import govreport, probe, rows

# Peak memory of a probe that loads nothing but ingestion (MB) and one that warms jieba and the model.
COLD_PEAK_MB = 600
WARM_PEAK_MB = 900
WALL_S = 90  # the whole subprocess, imports included, on a loaded 2-core machine

Case = tuple[str, Callable[[Path], Path], dict[str, float] | None, str, bool]

CASES: list[Case] = [
    # name, builder, limits (None: the defaults), expected code, expect a sha256 in the error record
    ("docx 12 MB of paragraph XML, 3 M characters (streamed, stopped at max_chars)",
     lambda d: b.docx_paragraph_flood(d / "flood.docx", 12), None, "too_large", True),
    ("docx part over max_xml_mb (refused by its declared size, never inflated)",
     lambda d: b.docx_paragraph_flood(d / "part.docx", 6), {"max_xml_mb": 4}, "too_large", True),
    ("docx of empty paragraphs (no text to count: stopped at max_paragraphs)",
     lambda d: b.docx_paragraph_flood(d / "empty.docx", 1, text=""), {"max_paragraphs": 10_000}, "too_large", True),
    ("html of empty elements (tags counted on the bytes: max_tags)",
     lambda d: b.html_flood(d / "empty.html", 1, text=""), {"max_tags": 10_000}, "too_large", True),
    ("html of 1 MB of text (characters between tags counted before parsing: max_chars)",
     lambda d: b.html_flood(d / "flood.html", 1), {"max_chars": 50_000}, "too_large", True),
    ("txt of 9 MB (over 4 bytes x max_chars: refused before decoding)",
     lambda d: b.txt_flood(d / "huge.txt", 9), None, "too_large", True),
    ("txt over max_chars after decoding",
     lambda d: b.txt_flood(d / "long.txt", 0.5), {"max_chars": 50_000}, "too_large", True),
    ("file over max_file_mb (not even read)",
     lambda d: b.txt_flood(d / "big.txt", 2), {"max_file_mb": 1}, "too_large", False),
    ("pdf of 510 image-only pages (over max_pages)",
     lambda d: b.pdf_image_pages(d / "pages.pdf", 510), None, "too_many_pages", True),
    ("pdf of 30 image-only pages (over max_ocr_pages)",
     lambda d: b.pdf_image_pages(d / "scan.pdf", 30), {"max_ocr_pages": 10},
     "too_many_pages" if ocr_available() else "needs_ocr", True),
    ("256 KB of random bytes 0x81-0xFE named .txt",
     lambda d: b.txt_random_gb_bytes(d / "noise.txt"), None, "garbled_text", True),
]


@pytest.mark.parametrize(("name", "build", "limits", "code", "hashed"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_meets_its_limit_fast_and_small(tmp_path: Path, name: str, build: Callable[[Path], Path],
                                                     limits: dict[str, float] | None, code: str, hashed: bool) -> None:
    path = build(tmp_path)
    toml = b.limits_file(tmp_path / "limits.toml", **limits) if limits else None
    out, wall = probe(path, toml)
    assert (out["status"], out["code"]) == ("error", code), out
    assert path.name in out["message"]
    limit_names = {"too_large": ("max_chars", "max_xml_mb", "max_file_mb", "max_paragraphs", "max_tags"), "too_many_pages": ("max_pages", "max_ocr_pages")}
    if code in limit_names:
        assert any(k in out["message"] for k in limit_names[code]), out["message"]  # the limit is named
    assert bool(out["sha256"]) == hashed, out  # the bytes were read: the record carries their hash
    assert wall < WALL_S, f"{name}: {wall:.0f} s"
    assert out["peak_mb"] < COLD_PEAK_MB, f"{name}: {out['peak_mb']} MB"


def test_time_budget_stops_a_slow_file_in_seconds(tmp_path: Path) -> None:
    # About 700,000 characters: several seconds of analysis, stopped at the 1 s budget.
    path = b.txt_flood(tmp_path / "slow.txt", 2)
    out, _ = probe(path, b.limits_file(tmp_path / "limits.toml", file_seconds=1), warm=True)
    assert (out["status"], out["code"]) == ("error", "timeout"), out
    assert "file_seconds" in out["message"] and out["sha256"]
    assert out["seconds"] < 6, out  # the budget plus the time to unwind
    assert out["peak_mb"] < WARM_PEAK_MB


def test_a_pipe_named_txt_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = b.fifo(tmp_path / "pipe.txt")
    if pipe is None:
        pytest.skip("no named pipes here")
    out, wall = probe(pipe)
    assert out["code"] == "unreadable" and "regular file" in out["message"]
    assert wall < WALL_S


@pytest.mark.parametrize("big_endian", [False, True], ids=["le", "be"])
def test_utf16_without_bom_is_read_by_its_nul_pattern(big_endian: bool) -> None:
    text = "青石镇2024年法治政府建设情况报告\n一、主要举措\n全年开展法治培训5场。\n"
    raw = text.encode("utf-16-be" if big_endian else "utf-16-le")
    assert decode_text(raw, "x.txt") == (text, "utf-16-be" if big_endian else "utf-16-le")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (bytes(range(256)) * 8, "bad_encoding"),  # binary: NULs on both sides of the pairs
        ("学法".encode("utf-16-le") + b"\x00\x00\x01\x02" * 600, "bad_encoding"),
    ],
)
def test_binary_data_is_still_refused(raw: bytes, code: str) -> None:
    from pipeline.errors import GovReportError

    with pytest.raises(GovReportError) as info:
        decode_text(raw, "x.txt")
    assert info.value.code == code


SIMPLIFIED = "青石镇人民政府关于2024年法治政府建设情况的报告。" * 20
TRADITIONAL = "柳溪鄉人民政府關於2023年法治政府建設情況的報告，為推進依法行政，這一年做了以下工作。" * 10


@pytest.mark.parametrize(
    ("text", "codec"),
    [(SIMPLIFIED, "utf-8"), (SIMPLIFIED, "gb18030"), (TRADITIONAL, "utf-8"), (TRADITIONAL, "gb18030"),
     (TRADITIONAL, "big5")],
)
def test_real_chinese_text_is_never_called_garbled(text: str, codec: str) -> None:
    decoded, _ = decode_text(text.encode(codec), "x.txt")
    assert decoded == text


@pytest.mark.skipif(not ocr_available(), reason="the OCR extra is not installed")
def test_needs_ocr_does_not_ask_to_install_what_is_installed(tmp_path: Path) -> None:
    out, _ = probe(b.pdf_image_pages(tmp_path / "blank-scan.pdf", 2))
    assert out["code"] == "needs_ocr"
    assert "pip install" not in out["message"] and "OCR" in out["message"]


def test_a_batch_records_every_file_around_the_hostile_ones(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    good = [b.good_report(folder / f"{t}2024.txt", t) for t in ("青石镇", "柳溪乡", "云岭街道")]
    hostile: dict[str, Any] = {
        b.docx_paragraph_flood(folder / "flood.docx", 9).name: "too_large",  # 2.4 M characters
        b.txt_flood(folder / "huge.txt", 9).name: "too_large",
        b.pdf_image_pages(folder / "pages.pdf", 510).name: "too_many_pages",
        b.txt_random_gb_bytes(folder / "noise.txt").name: "garbled_text",
        b.txt_flood(folder / "slow.txt", 3.5).name: "timeout",  # 1.2 M characters: well over 5 s
    }
    # A budget the hostile files that meet a size limit never need, even on a loaded machine.
    limits = b.limits_file(tmp_path / "limits.toml", file_seconds=5)
    db = tmp_path / "g.db"
    done = govreport("batch", str(folder), "--db", str(db), "--workers", "2", "--limits", str(limits), timeout=300)
    assert done.returncode == 1, done.stderr
    codes = dict(rows(db, "SELECT s.name, coalesce(d.error_code, s.error_code, d.status) FROM sources s "
                          "LEFT JOIN documents d ON d.sha256 = s.sha256"))
    assert codes == {**{p.name: "ok" for p in good}, **hostile}
    assert rows(db, "SELECT status FROM batches") == [("done",)]
    # a timeout is the moment's, not the content's: never stored as the document's result
    assert rows(db, "SELECT count(*) FROM documents WHERE error_code = 'timeout'") == [(0,)]


def test_no_dev_corpus_text_is_called_implausible(dev_docs: list[dict[str, Any]]) -> None:
    from pipeline.ingest.txt import implausible

    if not dev_docs:
        pytest.skip("../shared/corpus/dev is not present")
    for doc in dev_docs:
        for codec in ("utf-8", "gb18030", "big5"):
            try:
                raw = doc["text"].encode(codec)
            except UnicodeEncodeError:
                continue
            assert implausible(raw.decode(codec), codec) is None, (doc.get("url"), codec)
