"""Sentence and clause boundaries: the one home of the punctuation sets the stages split on.

Chinese reports end sentences with 。！？ (and their half-width forms) and
often close a list item with ；. The sets differ by what a reader needs: a
quantity's sentence also stops at a line break; a heading's run-in text stops
at the first full stop or semicolon; a wrapped line ends a paragraph on a
colon too (it introduces a list).
"""

from __future__ import annotations

import re

__all__ = [
    "CLAUSE_BOUNDARY", "CLOSERS", "LINE_ENDS", "OCR_LINE_ENDS", "SENTENCE", "SENTENCE_END", "SENTENCE_END_RE",
    "SENTENCE_ENDS", "STOP_RE", "STOPS_OR_BREAK",
]

# A sentence ends (structure: run-in headings; classify: closing lines and short headings).
SENTENCE_ENDS = "。！？!?；;"
# The same, or a line break (quantities and indicators: a figure's sentence).
SENTENCE_END = "。！？!?\n；;"
# A clause ends: a sentence end, a comma or a colon (quantities and indicators).
CLAUSE_BOUNDARY = "，,；;。！？!?\n：:"
# A full stop without the semicolons, or a line break (indicators: the end of a figure's context).
STOPS_OR_BREAK = "。！？!?\n"
# A full stop anywhere on a line (indicators: a line of page furniture has none).
STOP_RE = re.compile(r"[。！？!?]")
# Where the completeness checker cuts a paragraph into sentences.
SENTENCE_END_RE = re.compile(r"[。！？；!?;\n]")
# One sentence with its closing mark (similarity: the sentences two reports share).
SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")

# A line that ends with these ends a sentence or introduces a list (re-joining wrapped lines)...
LINE_ENDS = tuple("。！？!?；;：:")
# ...once closing quotes and brackets are set aside.
CLOSERS = "”’」』）)】"
# The same for OCR lines, which also end on an ellipsis or a closing quote or bracket.
OCR_LINE_ENDS = tuple("。！？；：!?;:…”’」』）)")
