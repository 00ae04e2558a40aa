"""Normalisation that keeps an offset map back to the text the user sees.

The stages match on a normalised form of the document (full-width digits and
letters folded to ASCII, traditional characters mapped to simplified, spaces
inside Chinese lines dropped, zero-width characters removed), but everything
they report must point into the extracted text. :func:`normalise` therefore
returns the normalised string together with ``offsets``: ``offsets[i]`` is the
index in the original text of normalised character ``i``.

Only 1:1 character mappings and deletions are used, so the map is exact and a
span of the normalised text maps to a contiguous span of the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Characters deleted outright: zero-width and BOM characters, soft hyphen.
_DELETE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Horizontal whitespace (U+3000 is the ideographic space used for indentation).
_HSPACE = frozenset(" \t\u00a0\u3000\u2002\u2003\u2009\u202f\u3000\x0b\x0c")

# Full-width punctuation that matters for numbers and markers; Chinese
# punctuation proper (，。、：（）) is kept, the stage regexes accept both forms.
_EXTRA_FOLD = {
    "．": ".",
    "％": "%",
    "＋": "+",
    "－": "-",
    "／": "/",
    "：": "：",
    "﹪": "%",
    "‰": "‰",
    "〇": "〇",
}


@dataclass(frozen=True)
class Normalised:
    """A normalised string and the map of its characters back to the original."""

    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original-text span of the normalised span ``[start, end)``."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Full-width -> ASCII and traditional -> simplified, one character to one.

    Built once per process from OpenCC's character table (the phrase tables
    would change lengths, which the offset map cannot express; characters are
    enough for matching). Read-only after construction.
    """
    table: dict[int, str] = {}
    try:
        data = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - dependency missing
        data = ""
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1:
                table[ord(parts[0])] = target
    # OpenCC maps a few characters that are also normal simplified usage; keep those.
    for keep in "著么":
        table.pop(ord(keep), None)
    for code in range(0xFF10, 0xFF1A):  # full-width digits
        table[code] = chr(code - 0xFEE0)
    for code in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # letters
        table[code] = chr(code - 0xFEE0)
    for src, dst in _EXTRA_FOLD.items():
        if src != dst:
            table[ord(src)] = dst
    return table


def to_simplified(text: str) -> str:
    """Character-level traditional -> simplified and full-width fold (same length)."""
    return text.translate(_char_table())


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%.-+/")


@lru_cache(maxsize=1)
def _norm_table() -> dict[int, str]:
    """The matching table plus the NFKC fold of the other full-width ASCII forms.

    Every entry maps one character to one, so a whole run of ordinary text is
    folded by one ``str.translate`` and its offsets are a plain range.
    """
    table = dict(_char_table())
    for code in range(0xFF01, 0xFF5F):
        ch = chr(code)
        if code in table or ch in "（）：；，！？":
            continue
        mapped = unicodedata.normalize("NFKC", ch)
        if len(mapped) == 1:
            table[code] = mapped
    return table


# Ruby annotations some machine-converted mirror sites print after characters ("發(fā)布", "區(qū)"):
# pinyin with at least one vowel, in ASCII brackets, right after a Chinese character.
RUBY = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
# What the fast path cannot translate in bulk: ruby annotations, carriage returns, deletions, horizontal space.
_SPECIAL = re.compile(RUBY.pattern + "|[\r" + "".join(sorted(_DELETE)) + "".join(sorted(_HSPACE)) + "]+")


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching, keeping a map back to it.

    - ``\\r\\n`` and ``\\r`` become ``\\n`` (the ``\\r`` is deleted);
    - full-width digits, letters and ．％ become ASCII; traditional characters
      become simplified (character by character);
    - horizontal whitespace is deleted, except one space between two ASCII
      words ("Word 2020"), so "2025 年" matches "2025年";
    - zero-width characters and ruby annotations ("發(fā)布") are deleted.

    Runs of ordinary characters are translated in bulk (one ``str.translate``
    and one ``range`` each); only the special characters are looked at one by
    one. The cost is linear in the length of the text.
    """
    table = _norm_table()
    out: list[str] = []
    offsets: list[int] = []
    last = ""  # the last character written to ``out``
    n = len(text)
    pos = 0
    for m in _SPECIAL.finditer(text):
        a = m.start()
        if a > pos:
            chunk = text[pos:a].translate(table)
            out.append(chunk)
            offsets.extend(range(pos, a))
            last = chunk[-1]
        i, end = a, m.end()
        if text[a] == "(":  # a ruby annotation: deleted, so "發(fā)布" matches 发布
            pos = end
            continue
        while i < end:
            ch = text[i]
            if ch == "\r":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 1
                    continue
                out.append("\n")
                offsets.append(i)
                last = "\n"
                i += 1
                continue
            if ch in _DELETE:
                i += 1
                continue
            # Horizontal space: keep a single space only between ASCII words.
            j = i
            while j < n and text[j] in _HSPACE:
                j += 1
            nxt = text[j].translate(table) if j < n else ""
            if last and nxt and last != "\n" and _is_ascii_word(last) and _is_ascii_word(nxt):
                out.append(" ")
                offsets.append(i)
                last = " "
            i = j
        pos = end
    if pos < n:
        out.append(text[pos:].translate(table))
        offsets.extend(range(pos, n))
    return Normalised("".join(out), offsets)
