"""Ingestion: bytes of a submitted file -> :class:`Extracted` text with layout hints.

A registry maps a format name to a reader. The format is decided by sniffing
the content first (magic bytes, markup) and the suffix second, so a PDF saved
as ``.txt`` or a DOCX without a suffix is still read correctly, and a legacy
Word file renamed ``.docx`` gets the right advice. Readers are imported lazily:
``govreport --help`` must not pay for pdfplumber.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.errors import (
    BrokenLink,
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    FileMissing,
    FileUnreadable,
    GovReportError,
    OutsideRoot,
    TooLarge,
    TooManyPages,
    UnsupportedFormat,
)
from pipeline.ingest.base import Extracted
from pipeline.limits import DEFAULT_LIMITS, Limits

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "Extracted", "describe_skipped", "file_sha256", "iter_files", "read_bytes",
           "read_file", "read_path", "sniff"]

Reader = Callable[[bytes, Path], Extracted]

# format -> "module:function"; resolved on first use.
READERS: dict[str, str] = {
    "txt": "pipeline.ingest.txt:read_txt",
    "docx": "pipeline.ingest.docx:read_docx",
    "pdf": "pipeline.ingest.pdf:read_pdf",
    "html": "pipeline.ingest.html:read_html",
    "image": "pipeline.ingest.image:read_image",
}

# Suffixes a folder walk picks up. Legacy formats are included on purpose: a
# reviewer must see "convert this .doc" in the results, not a silent skip.
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".text", ".docx", ".pdf", ".html", ".htm", ".shtml", ".xhtml",
     ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
)
LEGACY_SUFFIXES: frozenset[str] = frozenset({".doc", ".wps", ".rtf", ".odt", ".docm", ".dot", ".wpt", ".ofd"})

_CONVERT_ADVICE = "convert it to DOCX or PDF (in Word or WPS: 另存为 .docx / 输出为 PDF) and submit that"


def sniff(data: bytes, suffix: str) -> str:
    """Decide the format of ``data``; raise :class:`UnsupportedFormat` for what we cannot read."""
    head = data[:2048]
    suffix = suffix.lower()
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # A zip container: DOCX has word/document.xml; XLSX, ODT, etc. do not.
        if b"word/" in data[:65536] or b"[Content_Types].xml" in head and suffix in {".docx", ".docm"}:
            return "docx"
        if suffix == ".docx":
            return "docx"  # let the DOCX reader give a precise "corrupt" message
        raise UnsupportedFormat(f"is a zip container that is not a Word document ({suffix or 'no suffix'}); {_CONVERT_ADVICE}")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE compound file: legacy .doc/.wps/.xls, or an encrypted OOXML package.
        if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]:
            raise EncryptedDocument("is a password-protected Office document; remove the password (文件 > 信息 > 保护文档) and submit it again")
        raise UnsupportedFormat(f"is a legacy Word/WPS binary document (.doc/.wps); {_CONVERT_ADVICE}")
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFormat(f"is an RTF document; {_CONVERT_ADVICE}")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    if suffix in LEGACY_SUFFIXES:
        raise UnsupportedFormat(f"is a {suffix} file, which govreport does not read; {_CONVERT_ADVICE}")
    for magic, kind in _OTHER_MAGIC:
        if head.startswith(magic) and _looks_binary(head):
            raise UnsupportedFormat(f"is {kind}, not a report document (named {suffix or 'without a suffix'}); "
                                    "submit the report as DOCX, PDF or TXT")
    if suffix in _BINARY_SUFFIXES and _looks_binary(head):
        # A name promising a PDF/DOCX/image over bytes of none of them: say what the bytes are not,
        # rather than letting the text reader ask whether it is "really a .txt file".
        raise CorruptDocument(f"is named {suffix} but its content is not a {_BINARY_SUFFIXES[suffix]} "
                              "(unrecognised binary data: damaged, truncated or misnamed); open it and save it again")
    probe = head.lstrip(b"\xef\xbb\xbf\r\n\t ").lower()
    if suffix in {".html", ".htm", ".shtml", ".xhtml", ".mhtml"} or probe.startswith(
        (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta")
    ):
        return "html"
    if suffix in {".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".exe", ".dll", ".so"}:
        raise UnsupportedFormat(f"is a {suffix} file, not a report document; submit the report as DOCX, PDF or TXT")
    return "txt"


# Magic bytes of formats that are never a report, named for the error message.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a Linux program (ELF)"),
    (b"MZ", "a Windows program (EXE/DLL)"),
    (b"GIF8", "a GIF image"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x00\x18ftyp", "a video file"),
    (b"\x00\x00\x00\x20ftyp", "a video file"),
)

# Suffixes whose files are binary containers: what their name promises.
_BINARY_SUFFIXES: dict[str, str] = {
    ".pdf": "PDF", ".docx": "Word document (DOCX)", ".docm": "Word document (DOCX)",
    ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".tif": "TIFF image",
    ".tiff": "TIFF image", ".bmp": "BMP image", ".webp": "WebP image",
}


def _looks_binary(head: bytes) -> bool:
    """NUL bytes, or many control characters: no text encoding produces these."""
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return controls > max(2, len(head) // 100)


def _reader(fmt: str) -> Reader:
    module_name, func = READERS[fmt].split(":")
    return getattr(importlib.import_module(module_name), func)  # type: ignore[no-any-return]


# Readers that can report progress (OCR of scanned pages is slow: seconds a page).
_PROGRESS_FORMATS = frozenset({"pdf", "image"})


def read_bytes(data: bytes, path: Path, *, progress: Callable[[int, int], None] | None = None,
               limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Extract the text of a document given as bytes; ``path`` names it in errors.

    ``progress(done, total)`` is called per page while scanned pages are OCR'd;
    ``limits`` bound the work (pages, unpacked parts, characters).
    """
    try:
        if not data:
            raise EmptyDocument("is empty (0 bytes)")
        limits.check_file_size(len(data), path)
        fmt = sniff(data, path.suffix)
        if progress is not None and fmt in _PROGRESS_FORMATS:
            return _reader(fmt)(data, path, progress=progress, limits=limits)  # type: ignore[call-arg]
        return _reader(fmt)(data, path, limits=limits)  # type: ignore[call-arg]
    except (EmptyDocument, UnsupportedFormat, EncryptedDocument, CorruptDocument, TooLarge, TooManyPages) as exc:
        if exc.path is None:  # sniffing does not know the path; name the file in the message
            raise type(exc)(exc.reason, path) from exc
        raise


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a regular file within ``limits.max_file_mb``; the size is checked before reading.

    A pipe or a device is refused before it is opened (opening a pipe waits
    for a writer forever).
    """
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise FileUnreadable("is a folder, not a file", path)
        if not stat.S_ISREG(st.st_mode):
            raise FileUnreadable("is not a regular file (a pipe, socket or device)", path)
        limits.check_file_size(st.st_size, path)
        with path.open("rb") as fh:
            # Read at most one byte past the limit: a file that grew since stat() is still caught.
            data = fh.read(limits.max_file_bytes + 1)
    except FileNotFoundError as exc:
        raise FileMissing("does not exist (moved or deleted?)", path) from exc
    except IsADirectoryError as exc:
        raise FileUnreadable("is a folder, not a file", path) from exc
    except OSError as exc:
        raise FileUnreadable(f"cannot be read: {exc.strerror or exc}", path) from exc
    limits.check_file_size(len(data), path)
    return data


def read_path(path: Path, *, progress: Callable[[int, int], None] | None = None,
              limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, Extracted]:
    """Read a file and extract its text; return the raw bytes too (for hashing)."""
    data = read_file(path, limits)
    return data, read_bytes(data, path, progress=progress, limits=limits)


def file_sha256(path: Path) -> str:
    """The content hash of a file, read in 1 MB pieces (memory stays flat for any size)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(functools.partial(fh.read, 1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _link_problem(link: Path, root: Path) -> GovReportError | None:
    """Why a symbolic link below ``root`` is not followed, or None when it stays inside ``root``."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return BrokenLink(f"is a symbolic link to {os.readlink(link)!s}, which does not exist (dangling link)", link)
    except (RuntimeError, OSError) as exc:  # ELOOP: Python 3.11 raises RuntimeError, later versions OSError
        return BrokenLink(f"is a symbolic link that loops ({getattr(exc, 'strerror', None) or exc})", link)
    if not target.is_relative_to(root):
        return OutsideRoot("is a symbolic link to a place outside the folder; not followed "
                           "(copy the file into the folder if it belongs to the batch)", link)
    return None


def _walk(root: Path, skipped: list[Path] | None, refused: list[GovReportError] | None) -> list[Path]:
    """The report files below ``root``, never leaving it (see :func:`iter_files`)."""
    real_root = root.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        keep = []
        for name in dirnames:
            sub = here / name
            if name.startswith("."):
                continue
            if sub.is_symlink():
                # Never descended: outside the root it leaks, inside it the files are read where they are.
                problem = _link_problem(sub, real_root)
                if problem is not None and refused is not None:
                    refused.append(problem)
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            child = here / name
            if name.startswith("."):
                continue
            if child.suffix.lower() not in SUPPORTED_SUFFIXES | LEGACY_SUFFIXES:
                if skipped is not None:
                    skipped.append(child)
                continue
            if child.is_symlink():
                problem = _link_problem(child, real_root)
                if problem is not None:
                    if refused is not None:
                        refused.append(problem)
                    continue
                if child.resolve().is_dir():
                    continue  # a folder link named like a file (os.walk lists it as a file only when dangling)
            found.append(child)
    return sorted(found)


def iter_files(paths: Iterable[Path], skipped: list[Path] | None = None,
               refused: list[GovReportError] | None = None) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into the files govreport reads; keep files as given.

    A file named explicitly is always yielded (an unsupported one then fails
    with a clear error). Inside folders, hidden files are passed over and files
    whose suffix is no document format (scripts, spreadsheets, notes) are not
    read; those are appended to ``skipped`` so the caller can say so: nothing
    in a reviewer's folder disappears without a word.

    A folder walk never leaves the folder: a symbolic link whose target lies
    outside it (``/etc/passwd`` named ``passwd.txt``) is not followed, and a
    dangling or looping link cannot be; each is appended to ``refused`` as the
    error to record (:class:`OutsideRoot`, :class:`BrokenLink`). A link to a
    folder is never descended.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path, skipped, refused)
        else:
            yield path


def describe_skipped(skipped: list[Path], limit: int = 5) -> str:
    """One line for people: how many files were not read, by suffix, with a few names."""
    by_suffix: dict[str, int] = {}
    for p in skipped:
        key = p.suffix.lower() or "（无扩展名）"
        by_suffix[key] = by_suffix.get(key, 0) + 1
    kinds = "，".join(f"{k} {n}个" for k, n in sorted(by_suffix.items(), key=lambda kv: -kv[1]))
    names = "、".join(p.name for p in skipped[:limit]) + ("等" if len(skipped) > limit else "")
    return f"{len(skipped)}个文件未读取（不是报告格式：{kinds}）：{names}"
