"""STUB (foundation): replaced by the metadata stage (issue 3)."""
from __future__ import annotations

from pipeline.types import Report


def extract_metadata(report: Report) -> None:
    """Set is_report, entity, entity_full, county, level, year on ``report``."""
