"""STUB (foundation): replaced by metric extraction (issue 4)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.types import Report


class Lexicon:
    pass


def load_lexicon(path: Path | None = None) -> Lexicon:
    return Lexicon()


def extract_metrics(report: Report, lexicon: Lexicon, tokenizer: Any) -> None:
    """Set report.metrics (and placeholder defects)."""
