"""STUB (foundation): replaced by the section classifier (issue 3)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.types import Report


class SectionClassifier:
    pass


def load_classifier(path: Path | None = None, warn: Callable[[str], None] | None = None) -> SectionClassifier | None:
    return None


def classify_report(report: Report, classifier: SectionClassifier | None, tokenizer: Any) -> None:
    """Set the category of every heading and paragraph."""
