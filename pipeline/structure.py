"""STUB (foundation): replaced by the structure stage (issue 3)."""
from __future__ import annotations

from pipeline.types import Report


def build_structure(report: Report) -> None:
    """Set title, headings, paragraphs and sections on ``report``."""
