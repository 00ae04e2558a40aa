"""govreport: read Chinese rule-of-law government reports into checked, comparable data.

The public face of the library; everything here is re-exported from the stage
modules.
"""

from __future__ import annotations

from pipeline.errors import GovReportError
from pipeline.run import PIPELINE_VERSION, Resources, analyze_bytes, analyze_path, analyze_text, report_record
from pipeline.types import Completeness, Heading, Metric, Paragraph, Report, Section

__version__ = PIPELINE_VERSION

__all__ = [
    "Completeness",
    "GovReportError",
    "Heading",
    "Metric",
    "PIPELINE_VERSION",
    "Paragraph",
    "Report",
    "Resources",
    "Section",
    "__version__",
    "analyze_bytes",
    "analyze_path",
    "analyze_text",
    "report_record",
]
