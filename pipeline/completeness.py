"""STUB (foundation): replaced by the completeness checker (issue 5)."""
from __future__ import annotations

from pathlib import Path

from pipeline.types import Report


class Checklist:
    pass


def load_checklist(path: Path | None = None) -> Checklist:
    return Checklist()


def check_report(report: Report, checklist: Checklist) -> None:
    """Set report.completeness."""
