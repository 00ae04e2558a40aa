"""What every format reader returns, and helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.types import Block


@dataclass
class Extracted:
    """The text of one document as extracted, with layout hints.

    ``blocks`` cover ``text`` in reading order; ``text`` is what the user sees
    (hard-wrapped lines of a PDF already re-joined, page furniture dropped).
    """

    text: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    extractor: str | None = None
    pages: int | None = None
    html_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    ocr_confidence: float | None = None  # mean OCR confidence of the document (None: no OCR)
    page_confidence: list[float | None] = field(default_factory=list)  # per page; None for a text-layer page
    low_confidence_spans: list[tuple[int, int]] = field(default_factory=list)  # spans of text read with low confidence


def blocks_from_lines(text: str, **hints: object) -> list[Block]:
    """One paragraph block per non-blank line of ``text`` (offsets into ``text``)."""
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            blocks.append(Block(start=start, end=start + len(stripped), **hints))  # type: ignore[arg-type]
        pos += len(line) + 1
    return blocks


def join_blocks(parts: list[tuple[str, Block]]) -> tuple[str, list[Block]]:
    """Concatenate block texts with newlines, setting each block's offsets."""
    chunks: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for text, block in parts:
        block.start = pos
        block.end = pos + len(text)
        blocks.append(block)
        chunks.append(text)
        pos += len(text) + 1
    return "\n".join(chunks), blocks
