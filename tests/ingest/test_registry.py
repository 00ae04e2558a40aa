"""The ingestion registry: content sniffing, every bad input with its stable error code, text round trips."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import GovReportError
from pipeline.ingest import iter_files, read_path, sniff
from tests.ingest.builders import Para, make_blank_pdf, make_docx, make_pdf

TEXT = "明川县柳溪乡人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n全年开展会前学法12次，化解矛盾纠纷86件。"
HANT = "明川縣柳溪鄉人民政府關於2024年法治政府建設情況的報告\n一、主要舉措和成效\n全年開展會前學法12次，化解矛盾糾紛86件。"


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.ingest import pdf as pdf_mod

    monkeypatch.setattr(pdf_mod, "_ocr", lambda data, indices, path, progress=None: None)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_INPUTS: list[tuple[str, str, Any]] = [
    ("empty.txt", "empty", lambda: b""),
    ("empty.pdf", "empty", lambda: b""),
    ("empty.docx", "empty", lambda: b""),
    ("blank.txt", "empty", lambda: " \n\u3000\r\n".encode()),
    ("junk.txt", "bad_encoding", lambda: bytes(range(256)) * 16),
    ("nul.txt", "bad_encoding", lambda: b"\x00\x01\x02\x03binary" * 40),
    ("broken.pdf", "corrupt", lambda: b"%PDF-1.5\n" + b"\x8f\x00garbage" * 100),
    ("truncated.pdf", "corrupt", lambda: make_pdf([Para("柳溪乡")])[:500]),
    ("locked.pdf", "encrypted", lambda: make_pdf([Para("柳溪乡法治政府建设情况")], encrypt="mima")),
    ("scan.pdf", "needs_ocr", lambda: make_blank_pdf(2)),
    ("broken.docx", "corrupt", lambda: b"PK\x03\x04" + b"\x14\x00junk" * 60),
    ("blank.docx", "empty", lambda: make_docx(lambda doc: None)),
    ("locked.docx", "encrypted", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le")),
    ("report.doc", "unsupported_format", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "WordDocument".encode("utf-16-le")),
    ("renamed.docx", "unsupported_format", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),  # a .doc renamed
    ("report.wps", "unsupported_format", lambda: b"\x00WPS binary content" * 10),
    ("report.rtf", "unsupported_format", lambda: b"{\\rtf1\\ansi hello}"),
    ("sheet.xlsx", "unsupported_format", lambda: b"PK\x03\x04" + b"xl/workbook.xml" + b"\x00" * 100),
    ("page.html", "empty", lambda: b"<html><body><div class='nav'><a>\xe9\xa6\x96\xe9\xa1\xb5</a></div></body></html>"),
    # misnamed binaries: the error names what the bytes are (not "is it really a .txt file?")
    ("random.pdf", "corrupt", lambda: random.Random(7).randbytes(4096)),
    ("random.docx", "corrupt", lambda: random.Random(8).randbytes(4096)),
    ("random.png", "corrupt", lambda: random.Random(9).randbytes(4096)),
    ("archive.pdf", "unsupported_format", lambda: b"\x1f\x8b\x08\x00" + random.Random(10).randbytes(2048)),
    ("program.docx", "unsupported_format", lambda: b"\x7fELF\x02\x01\x01\x00" + bytes(200)),
]

MISNAMED_MESSAGES: list[tuple[str, bytes, str]] = [
    ("random.pdf", random.Random(7).randbytes(4096), "is named .pdf but its content is not a PDF"),
    ("random.docx", random.Random(8).randbytes(4096), "not a Word document (DOCX)"),
    ("archive.pdf", b"\x1f\x8b\x08\x00" + random.Random(10).randbytes(2048), "is a gzip archive"),
]


@pytest.mark.parametrize(("name", "data", "says"), MISNAMED_MESSAGES, ids=[n for n, _, _ in MISNAMED_MESSAGES])
def test_misnamed_binary_names_its_real_type(tmp_path: Path, name: str, data: bytes, says: str) -> None:
    with pytest.raises(GovReportError) as info:
        read_path(_write(tmp_path, name, data))
    assert says in str(info.value) and name in str(info.value)
    assert ".txt" not in str(info.value)


@pytest.mark.parametrize(("name", "code", "make"), BAD_INPUTS, ids=[n for n, _, _ in BAD_INPUTS])
def test_bad_input_has_a_stable_code(tmp_path: Path, name: str, code: str, make: Any, no_ocr: None) -> None:
    path = _write(tmp_path, name, make())
    with pytest.raises(GovReportError) as info:
        read_path(path)
    assert info.value.code == code
    record = info.value.to_record()
    assert record["code"] == code and name in record["message"]  # the message names the file


def test_vanished_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "gone.txt", TEXT.encode())
    os.remove(path)
    with pytest.raises(GovReportError) as info:
        read_path(path)
    assert info.value.code == "file_not_found" and "gone.txt" in str(info.value)


def test_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(GovReportError) as info:
        read_path(tmp_path)
    assert info.value.code == "unreadable"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", TEXT.encode())
    path.chmod(0)
    with pytest.raises(GovReportError) as info:
        read_path(path)
    assert info.value.code == "unreadable"


@pytest.mark.parametrize(
    ("name", "make", "fmt"),
    [
        ("report.txt", lambda: make_pdf([Para("柳溪乡")], footer=None), "pdf"),  # a PDF saved as .txt
        ("report", lambda: make_docx(lambda doc: doc.add_paragraph("柳溪乡")), "docx"),  # no suffix
        ("report.htm", lambda: b"<!DOCTYPE html><html></html>", "html"),
        ("page.txt", lambda: b"<!doctype html><html><body></body></html>", "html"),
        ("report.TXT", lambda: TEXT.encode("gb18030"), "txt"),
    ],
)
def test_sniffing_reads_content_not_suffix(name: str, make: Any, fmt: str) -> None:
    assert sniff(make(), Path(name).suffix) == fmt


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [
        (TEXT, "utf-8", "utf-8"),
        (TEXT, "utf-8-sig", "utf-8-sig"),
        (TEXT, "utf-16", "utf-16"),
        (TEXT, "gb18030", "gb18030"),
        (HANT, "big5", "big5"),
        (HANT, "utf-16", "utf-16"),
    ],
)
def test_txt_encodings_round_trip(tmp_path: Path, text: str, codec: str, recorded: str) -> None:
    path = _write(tmp_path, "report.txt", text.encode(codec))
    _, ex = read_path(path)
    assert ex.text == text and ex.encoding == recorded


def test_folder_walk_picks_reports_and_legacy_files(tmp_path: Path) -> None:
    for name in ("a.txt", "b.pdf", "c.docx", "d.doc", "e.html", "notes.md", ".hidden.txt", "sub/f.wps"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a.txt", "b.pdf", "c.docx", "d.doc", "e.html", "sub/f.wps"]


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_dev_texts_round_trip(tmp_path: Path, dev_docs: list[dict[str, Any]], codec: str) -> None:
    failures = []
    for doc in dev_docs:
        text = doc["text"]
        path = _write(tmp_path, f"{doc['id']}.txt", text.encode(codec))
        _, ex = read_path(path)
        if ex.text != text.replace("\r\n", "\n").replace("\r", "\n"):
            failures.append((doc["id"], ex.encoding))
    assert failures == []


def test_folder_walk_names_what_it_does_not_read(tmp_path: Path) -> None:
    from pipeline.ingest import describe_skipped, iter_files

    for name in ("a.txt", "b.PDF", "c.doc", "d.xlsx", "e", ".hidden.txt"):
        (tmp_path / name).write_bytes(b"x")
    skipped: list[Path] = []
    assert [p.name for p in iter_files([tmp_path], skipped)] == ["a.txt", "b.PDF", "c.doc"]
    assert sorted(p.name for p in skipped) == ["d.xlsx", "e"]
    assert describe_skipped(skipped).startswith("2个文件未读取")
