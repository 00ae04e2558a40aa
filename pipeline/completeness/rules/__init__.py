"""The quality rules: one function per rule, registered by id in the order the verdict lists them.

Every entry takes the checker's view of the report, the rule's options from the
checklist, and which parts were found (a rule about plans is moot when there
is no plans part). A new rule is a function in one of the rule modules, an
entry here and its keys in ``schema.RULE_SCHEMA``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pipeline.completeness.document import Doc
from pipeline.completeness.rules.content import check_causes, check_plans_concrete, check_plans_copied, check_quantities
from pipeline.completeness.rules.form import (
    check_deadline,
    check_doc_type,
    check_heading_format,
    check_level,
    check_placeholders,
    check_stray_years,
    check_title_year,
)
from pipeline.completeness.rules.privacy import check_pii, check_sign_off
from pipeline.completeness.schema import RuleSpec
from pipeline.types import CheckItem

__all__ = ["RULES", "RuleCheck"]

# (doc, the rule's spec, part id -> present) -> the rule's item.
RuleCheck = Callable[[Doc, RuleSpec, Mapping[str, bool]], CheckItem]

RULES: tuple[tuple[str, RuleCheck], ...] = (
    ("R02", lambda doc, spec, present: check_causes(doc, spec, present.get("shortcomings", False))),
    ("R03", lambda doc, spec, present: check_plans_concrete(doc, spec, present.get("plans", False))),
    (
        "R03B",
        lambda doc, spec, present: check_plans_copied(
            doc, spec, present.get("shortcomings", False), present.get("plans", False)
        ),
    ),
    ("R04", lambda doc, spec, present: check_title_year(doc, spec)),
    ("R04B", lambda doc, spec, present: check_stray_years(doc, spec)),
    ("R05", lambda doc, spec, present: check_placeholders(doc, spec)),
    ("R08", lambda doc, spec, present: check_level(doc, spec)),
    ("R09", lambda doc, spec, present: check_deadline(doc, spec)),
    ("R10", lambda doc, spec, present: check_heading_format(doc, spec)),
    ("R11", lambda doc, spec, present: check_quantities(doc, spec, present.get("achievements", False))),
    ("R12", lambda doc, spec, present: check_pii(doc, spec)),
    ("R13", lambda doc, spec, present: check_sign_off(doc, spec)),
    ("R14", lambda doc, spec, present: check_doc_type(doc, spec)),
)
