"""Limits on every input: size, text, pages, OCR pages and time, in one place.

A county never meets the defaults by accident (a long annual report is a few
hundred KB, 30 pages and 30,000 characters); a hostile or broken file meets
them in seconds, before the work that would take minutes or gigabytes. A file
over a limit fails with an error naming the limit (``too_large``,
``too_many_pages``, ``timeout``), like any other bad document, and the batch
goes on.

The limits are checked as early as the information exists: the file size
before the bytes are read, a DOCX part's unpacked size before it is inflated
and its text and paragraphs while it is streamed, an HTML page's tags before
it is parsed, a PDF's page count before any page is
extracted, the pages to OCR before the first is rendered, a text file's byte
count before it is decoded, and every document's text before the analysis
stages. The time budget is a timer (``SIGALRM``) around the analysis of one
file, so it also stops work no size predicts.

A county can change them in a TOML file (``--limits limits.toml``)::

    [limits]
    max_file_mb = 80
    file_seconds = 900
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from pipeline.errors import ConfigError, TimeLimit, TooLarge, TooManyPages

__all__ = ["DEFAULT_LIMITS", "Limits", "TimeBudget", "load_limits"]

_MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Frozen and hashable: it travels to batch workers and into the cache version."""

    max_file_mb: float = 50.0  # bytes of the file as submitted
    max_chars: int = 2_000_000  # characters of extracted text (about 1,300 pages of a report)
    max_pages: int = 500  # pages of a PDF or frames of an image
    max_ocr_pages: int = 200  # pages that need OCR (seconds each)
    max_xml_mb: float = 64.0  # unpacked size of a DOCX part (document.xml, styles, numbering)
    max_paragraphs: int = 200_000  # paragraphs of a DOCX body (a 500-page report has about 15,000)
    max_tags: int = 1_000_000  # opening tags of an HTML page (a saved report page has a few thousand)
    file_seconds: float = 600.0  # wall time to analyse one file (0: no budget)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * _MB)

    @property
    def max_xml_bytes(self) -> int:
        return int(self.max_xml_mb * _MB)

    # -- the checks: each raises the typed error that names the limit ------------
    def check_file_size(self, size: int, path: str | Path | None) -> None:
        if size > self.max_file_bytes:
            raise TooLarge(f"is {size / _MB:.1f} MB, over the limit of {self.max_file_mb:g} MB per file (max_file_mb)", path)

    def check_chars(self, n: int, path: str | Path | None, what: str = "text") -> None:
        if n > self.max_chars:
            raise TooLarge(f"has more than {self.max_chars:,} characters of {what}, over the limit (max_chars)", path)

    def check_xml_part(self, name: str, size: int, path: str | Path | None) -> None:
        if size > self.max_xml_bytes:
            raise TooLarge(f"has a part {name} that unpacks to {size / _MB:.0f} MB, over the limit of "
                           f"{self.max_xml_mb:g} MB (max_xml_mb)", path)

    def check_paragraphs(self, n: int, path: str | Path | None) -> None:
        if n > self.max_paragraphs:
            raise TooLarge(f"has more than {self.max_paragraphs:,} paragraphs, over the limit (max_paragraphs)", path)

    def check_tags(self, n: int, path: str | Path | None) -> None:
        if n > self.max_tags:
            raise TooLarge(f"has {n:,} HTML tags, over the limit of {self.max_tags:,} (max_tags)", path)

    def check_pages(self, n: int, path: str | Path | None) -> None:
        if n > self.max_pages:
            raise TooManyPages(f"has {n} pages, over the limit of {self.max_pages} (max_pages)", path)

    def check_ocr_pages(self, n: int, path: str | Path | None) -> None:
        if n > self.max_ocr_pages:
            raise TooManyPages(f"has {n} pages that need OCR, over the limit of {self.max_ocr_pages} "
                               "(max_ocr_pages; OCR takes seconds a page)", path)

    def cache_key(self) -> str:
        """What the stored results depend on ("" for the defaults, so existing stores stay valid)."""
        changed = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}
        # The time budget only decides `timeout`, which is never cached.
        changed.pop("file_seconds", None)
        return ",".join(f"{k}={v!r}" for k, v in sorted(changed.items()))


DEFAULT_LIMITS = Limits()


def load_limits(path: str | Path | None) -> Limits:
    """The defaults, changed by the ``[limits]`` table of a TOML file (unknown keys are a :class:`ConfigError`)."""
    if path is None:
        return DEFAULT_LIMITS
    from pipeline.config import read_toml

    table: Any = read_toml(path, "limits").get("limits", {})
    if not isinstance(table, dict):
        raise ConfigError("[limits] must be a table", path)
    known = {f.name: f for f in fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"unknown limit {key!r}; known: {', '.join(known)}", path)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"limit {key} must be a number >= 0, not {value!r}", path)
        values[key] = int(value) if known[key].type in ("int", int) else float(value)
    return replace(DEFAULT_LIMITS, **values)


# Once the budget is spent the timer fires again this often, in case library code
# swallowed the first TimeLimit in a broad ``except Exception`` (a PDF page reader does).
_REFIRE = 0.5


class TimeBudget:
    """``with TimeBudget(seconds, path):`` raises :class:`TimeLimit` inside the block once ``seconds`` pass.

    A real-time interval timer (``SIGALRM``): it interrupts Python code between
    bytecodes, and C code (a parser, the OCR engine) when it returns to Python.
    The block's :class:`TimeLimit` is suppressed and ``expired`` set, so the
    caller records the timeout without racing the timer. A no-op off the main
    thread, on platforms without ``SIGALRM``, or for ``seconds <= 0``.
    """

    def __init__(self, seconds: float, path: str | Path | None = None) -> None:
        self.seconds = seconds
        self.path = path
        self.expired = False
        self._active = False
        self._previous: Any = None

    def _fire(self, signum: int, frame: FrameType | None) -> None:
        if self._active:
            raise self.error()

    def __enter__(self) -> TimeBudget:
        usable = (self.seconds > 0 and hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
        if usable:
            self._previous = signal.signal(signal.SIGALRM, self._fire)
            self._active = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, _REFIRE)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool:
        if self._active:
            self._active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        if isinstance(exc, TimeLimit):
            self.expired = True
            return True
        return False

    def error(self) -> TimeLimit:
        return TimeLimit(f"took longer than the time budget of {self.seconds:g} s per file (file_seconds)", self.path)
