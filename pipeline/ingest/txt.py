"""Plain-text reports in any common Chinese encoding.

Order of trust (design.md): a BOM, then strict UTF-8, then GB18030, then
Big5. Every attempt is strict: a codec that would need replacement characters
is rejected, so nothing is altered silently, and the codec used is recorded.

A file hard-wrapped at a fixed width (an export, a copy out of a PDF) has its
paragraphs re-joined with the PDF reader's line joiner, and says so in a
warning; a file written one paragraph a line is returned exactly as decoded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pipeline.errors import EmptyDocument, EncodingError, GarbledText
from pipeline.ingest.base import Extracted, blocks_from_lines
from pipeline.ingest.lines import Line, ends_sentence, join_lines, starts_with_marker
from pipeline.limits import DEFAULT_LIMITS, Limits

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Share of characters that may be control characters before we call it binary.
_MAX_CONTROL = 0.01


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return control > max(2, _MAX_CONTROL * len(text))


def _frequent_share(text: str, codec: str) -> float:
    """Share of CJK characters that fall in the codec's frequent-character plane.

    A correct reading of Chinese text is dominated by common characters: GB2312
    level 1 (lead bytes B0-D7) for GB text, Big5 常用字 (lead bytes A4-C6) for
    Big5 text. Reading one encoding as the other yields rare characters.
    """
    lo, hi, enc = (0xB0, 0xD7, "gb2312") if codec == "gb18030" else (0xA4, 0xC6, "big5")
    total = frequent = 0
    for ch in text[:20000]:
        if "\u4e00" <= ch <= "\u9fff":
            total += 1
            try:
                lead = ch.encode(enc)[0]
            except UnicodeEncodeError:
                continue
            frequent += lo <= lead <= hi
    return frequent / total if total else 0.0


# BOM-less UTF-16: Chinese text has ASCII too (newlines, digits, spaces), and each
# ASCII character is one NUL byte on the same side of its pair. Binary data has
# NULs on both sides.
_UTF16_PROBE = 4096
_UTF16_PARITY = 0.75  # share of NULs on one side of the pairs (一 U+4E00 puts one on the other side)
_UTF16_MIN_NULS = 4


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the NUL bytes say so, else None."""
    head = data[:_UTF16_PROBE]
    odd = sum(1 for i in range(1, len(head), 2) if head[i] == 0)
    even = sum(1 for i in range(0, len(head), 2) if head[i] == 0)
    total = odd + even
    if total < _UTF16_MIN_NULS or len(data) % 2:
        return None
    if odd >= _UTF16_PARITY * total:
        return "utf-16-le"
    if even >= _UTF16_PARITY * total:
        return "utf-16-be"
    return None


# Implausible text: a codec that decodes random bytes (GB18030 takes almost any
# pair of bytes 0x81-0xFE) yields a spread of rare and private-use characters
# and none of the function words every Chinese sentence has.
_FUNCTION_CHARS = frozenset("的了和是在有为為不与與这這中对對于於等")
_MIN_CJK = 50  # fewer CJK characters than this: too little to judge
_MIN_FUNCTION_SHARE = 0.01  # real reports: 6-10% of their CJK characters are these
_MIN_FREQUENT_SHARE = 0.6  # real text: above 0.9 (see _frequent_share)
_MAX_ODD_SHARE = 0.05  # private-use or unassigned code points, of all non-space characters
_PROBE_CHARS = 50_000


def implausible(text: str, codec: str) -> str | None:
    """Why ``text`` (decoded as ``codec``) cannot be real text, or None when it can."""
    sample = text[:_PROBE_CHARS]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible:
        return None
    odd = sum(1 for ch in visible if unicodedata.category(ch) in ("Co", "Cn"))
    if odd > _MAX_ODD_SHARE * len(visible):
        return f"{odd / len(visible):.0%} of its characters are private-use or unassigned code points"
    cjk = [ch for ch in visible if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"]
    if len(cjk) < _MIN_CJK:
        return None
    function = sum(1 for ch in cjk if ch in _FUNCTION_CHARS) / len(cjk)
    if function >= _MIN_FUNCTION_SHARE:
        return None
    frequent = _frequent_share(sample, "big5" if codec == "big5" else "gb18030")
    if frequent < _MIN_FREQUENT_SHARE:
        return (f"read as {codec} it is mostly rare characters ({frequent:.0%} common ones) "
                f"with almost no common function words ({function:.1%})")
    return None


def decode_text(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode bytes strictly; return ``(text, codec)`` or raise :class:`EncodingError`.

    Text that decodes but cannot be real text (random bytes read as GB18030)
    raises :class:`GarbledText`.
    """
    text, codec = _decode(data, path)
    why = implausible(text, codec)
    if why is not None:
        raise GarbledText(f"does not look like text in any supported encoding: {why}; is it really a text file?", path)
    return text, codec


def _decode(data: bytes, path: Path | str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"has a {codec} byte-order mark but is not valid {codec} ({exc.reason} at byte {exc.start})", path) from exc
            return text, codec
    if b"\x00" in data[:_UTF16_PROBE]:
        codec16 = _utf16_without_bom(data)
        if codec16 is not None:
            try:
                text = data.decode(codec16)
            except UnicodeDecodeError:
                pass
            else:
                if not _looks_binary(text):
                    return text, codec16
        raise EncodingError("is binary data, not text (NUL bytes); is it really a .txt file?", path)
    candidates: list[tuple[str, str]] = []
    for codec in ("utf-8", "gb18030", "big5"):
        try:
            candidates.append((data.decode(codec), codec))
        except UnicodeDecodeError:
            continue
        if codec == "utf-8":
            break  # strict UTF-8 that decodes is UTF-8: other codecs would only misread it
    if not candidates:
        raise EncodingError("is not text in UTF-8, UTF-16, GB18030 or Big5", path)
    if len(candidates) > 1:
        # Both GB18030 and Big5 decode: prefer the reading with more common CJK characters.
        candidates.sort(key=lambda tc: _frequent_share(tc[0], tc[1]), reverse=True)
    text, codec = candidates[0]
    if _looks_binary(text):
        raise EncodingError("is binary data, not text (control characters); is it really a .txt file?", path)
    return text, codec


# --- hard-wrapped text ----------------------------------------------------------------
# A hard-wrapped file (cut at a fixed width by an export or a copy from a PDF) has a
# ceiling: many lines end at about the same width, almost none runs past it, and the
# lines at the ceiling mostly stop mid-sentence. A normal file (one paragraph a line)
# has long lines of every length. Both counts are tried: characters (a wrap at N
# characters) and display columns (a terminal-style wrap, CJK counted as two).
_MIN_LINES = 6  # fewer lines at the ceiling than this: too few to call it a wrap
_MIN_WIDTH = 16  # in characters: shorter "full" lines are a list, not a wrap
_FULL_SHARE = 0.25  # lines at the ceiling, of all non-blank lines
_OVER_SHARE = 0.05  # lines past the ceiling (a title or a URL a wrapper left whole)
_MID_SHARE = 0.6  # lines at the ceiling that stop mid-sentence
_PEAK_SHARE = 0.5  # lines at the ceiling that end exactly at the wrap width
_BLANK_SHARE = 0.75  # short lines followed by a blank line: paragraphs are blank-separated
_INDENT_SHARE = 0.1  # continuation lines that are indented: at most this, for indents to mark paragraphs
HARD_WRAP_WARNING = "hard-wrapped lines were re-joined"


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@dataclass(frozen=True)
class _Wrap:
    """How a file is wrapped: the measure, the wrap width, the band of widths of a wrapped
    line, and how many lines end at the wrap width. Widths include the indentation: the
    wrapper counted it."""

    measure: Callable[[str], int]
    at: int
    low: int
    high: int
    peak: int

    def width(self, line: str) -> int:
        return self.measure(line.rstrip())

    def full(self, line: str) -> bool:
        return self.low <= self.width(line) <= self.high


def _ceiling(widths: list[int]) -> tuple[int, int, int, int, int] | None:
    """The band of widths wrapped lines end in, around the most common width:
    ``(wrap width, low, high, lines in the band, lines at the peak)``.

    The wrap width is the peak (by columns a line of CJK may stop one short of
    it, so the peak is taken over two adjacent widths). A wrapper keeps a number
    whole (the line ends a few columns short) and hangs closing punctuation (a
    column or two long), so the band is wider below.
    """
    if not widths:
        return None
    counts = Counter(widths)
    peak = max(counts, key=lambda w: (counts[w] + counts[w - 1], w))
    low, high = peak - max(3, round(0.15 * peak)), peak + max(2, round(0.08 * peak))
    count = sum(1 for x in widths if low <= x <= high)
    at_peak = counts[peak] + counts[peak - 1]
    # No sharp peak (a few lines of equal length by chance): no wrap width.
    return (peak, low, high, count, at_peak) if at_peak >= _PEAK_SHARE * count else None


def _wrap_by(lines: list[str], measure: Callable[[str], int], min_width: int) -> _Wrap | None:
    """The wrap of ``lines`` (non-blank) by ``measure``, or None when they are not wrapped."""
    widths = [measure(ln.rstrip()) for ln in lines]
    band = _ceiling([w for w in widths if w >= min_width])
    if band is None:
        return None
    at, low, high, count, at_peak = band
    n = len(lines)
    over = sum(1 for w in widths if w > high)
    if count < _MIN_LINES or count < _FULL_SHARE * n or over > max(1, _OVER_SHARE * n):
        return None
    # Lines at the ceiling that a later line follows (the last line of the file is not a wrap).
    full = [ln for ln, w in zip(lines[:-1], widths) if low <= w <= high]
    mid = sum(1 for ln in full if not ends_sentence(ln.strip()))
    return _Wrap(measure, at, low, high, at_peak) if full and mid >= _MID_SHARE * len(full) else None


def _find_wrap(text: str) -> _Wrap | None:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < _MIN_LINES:
        return None
    found = [w for w in (_wrap_by(lines, len, _MIN_WIDTH), _wrap_by(lines, _columns, 2 * _MIN_WIDTH)) if w is not None]
    # Wrapped by characters or by columns: the measure with the sharper peak (by the other
    # measure, lines with digits or Latin letters spread over a wider band).
    return max(found, key=lambda w: w.peak) if found else None


def _indented(line: str) -> bool:
    return line[:1].isspace()


@dataclass(frozen=True)
class _Layout:
    """What else marks a paragraph in a wrapped file: blank lines between paragraphs, or an
    indented first line (when the lines that continue a paragraph are not indented)."""

    blank_separated: bool
    indent_starts: bool


def _layout(raw: list[str], wrap: _Wrap) -> _Layout:
    pairs = [(a, b) for a, b in pairwise(raw) if a.strip()]
    ends = [b for a, b in pairs if wrap.width(a) < wrap.low]
    continued = [b for a, b in pairs if b.strip() and wrap.full(a) and not ends_sentence(a.strip())]
    return _Layout(
        blank_separated=bool(ends) and sum(1 for b in ends if not b.strip()) >= _BLANK_SHARE * len(ends),
        indent_starts=bool(continued) and sum(map(_indented, continued)) <= _INDENT_SHARE * len(continued)
        and any(_indented(ln) for ln in raw if ln.strip()),
    )


_LEAD_TOKEN = re.compile(r"[0-9A-Za-z.%/:_-]+|.")


def _wraps(prev: str, nxt: str, wrap: _Wrap, layout: _Layout) -> bool:
    """Does line ``nxt`` continue ``prev`` (both non-blank, as in the file) in a file wrapped as ``wrap``?"""
    text = nxt.strip()
    if starts_with_marker(text) or (layout.indent_starts and _indented(nxt)):
        return False
    match = _LEAD_TOKEN.match(text)
    token = match.group() if match is not None else text[:1]
    if wrap.full(prev):
        if layout.blank_separated or layout.indent_starts:
            return True  # paragraphs are marked otherwise: even a sentence ending at the margin wraps
        # Nothing else marks a paragraph: a wrapper breaks a line only when the next word does
        # not fit (one character of slack for a character pushed down with its punctuation).
        fits = wrap.width(prev) + wrap.measure(token) <= wrap.at - wrap.measure("一")
        return not ends_sentence(prev.strip()) and not fits
    if wrap.width(prev) > wrap.high:
        return False  # a line the wrapper left whole (a title, a URL)
    # A shorter line wraps only when the next word (a number, a Latin word) did not fit.
    word = token if token[0].isascii() else ""
    return len(word) >= 2 and not ends_sentence(prev.strip()) and wrap.width(prev) + wrap.measure(word) > wrap.low


def rejoin_hard_wrapped(text: str) -> str:
    """Re-join wrapped lines into paragraphs with the PDF reader's line joiner.

    Whether a line continues the previous one is decided from the file's wrap
    width (passed to :func:`join_lines` as each line's ``wrap``), as the PDF
    reader decides from the right margin. Blank lines and each paragraph's
    indentation stay as they were; only the wraps inside a paragraph go. A
    file that is not hard-wrapped is returned as it is.
    """
    wrap = _find_wrap(text)
    if wrap is None:
        return text
    raw = text.split("\n")
    layout = _layout(raw, wrap)
    lines = [Line(text=ln.strip()) for ln in raw]
    for k in range(1, len(raw)):
        if raw[k - 1].strip() and raw[k].strip():
            lines[k].wrap = _wraps(raw[k - 1], raw[k], wrap, layout)
    where = {id(ln): i for i, ln in enumerate(lines)}
    paragraphs = join_lines(lines)
    out: list[str] = []
    last = -1  # index of the last raw line the previous paragraph used
    for k, (para, first) in enumerate(paragraphs):
        i = where[id(first)]
        out.extend(raw[last + 1 : i])  # the blank lines before this paragraph
        out.append(raw[i][: len(raw[i]) - len(raw[i].lstrip())] + para)
        nxt_first = where[id(paragraphs[k + 1][1])] if k + 1 < len(paragraphs) else len(raw)
        # A blank line ends a paragraph, so it used every non-blank line up to the next one's first.
        last = max((j for j in range(i, nxt_first) if raw[j].strip()), default=i)
    out.extend(raw[last + 1 :])
    return "\n".join(out)


def read_txt(data: bytes, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Read a plain-text report; a hard-wrapped one comes back with its paragraphs re-joined."""
    # Every codec takes at most 4 bytes a character: more bytes than that are too many characters,
    # known before decoding (each attempt would build a string of that size).
    limits.check_chars(len(data) // 4, path)
    text, codec = decode_text(data, path)
    limits.check_chars(len(text), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocument("contains no text", path)
    warnings: list[str] = []
    joined = rejoin_hard_wrapped(text)
    if joined != text:
        # The text is no longer byte-identical to the file: say so.
        text = joined
        warnings.append(HARD_WRAP_WARNING)
    return Extracted(
        text=text, format="txt", blocks=blocks_from_lines(text), encoding=codec, extractor="text", warnings=warnings,
    )
