"""Plain-text reports in any common Chinese encoding.

Order of trust (design.md): a BOM, then strict UTF-8, then GB18030, then
Big5. Every attempt is strict: a codec that would need replacement characters
is rejected, so nothing is altered silently, and the codec used is recorded.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import EmptyDocument, EncodingError
from pipeline.ingest.base import Extracted, blocks_from_lines

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


def decode_text(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode bytes strictly; return ``(text, codec)`` or raise :class:`EncodingError`."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"has a {codec} byte-order mark but is not valid {codec} ({exc.reason} at byte {exc.start})", path) from exc
            return text, codec
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM is rare in the wild; NULs mean binary to us.
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


def read_txt(data: bytes, path: Path) -> Extracted:
    """Read a plain-text report."""
    text, codec = decode_text(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocument("contains no text", path)
    return Extracted(text=text, format="txt", blocks=blocks_from_lines(text), encoding=codec, extractor="text")
