"""Reads behind the fidelity dashboards, each in a fixed number of queries however many
practitioners and sessions there are.

A session's numbers are its score of record (``codings_of_record``; at agency scale the same
rule over plain values, dashboards/records.py) run through ``coding_results`` with the
agency's thresholds, so the dashboards, the feedback pages and the exports always agree.
Scores of different schemes are never mixed: every read takes one scheme.
"""

from dashboards.selectors.audit import (
    Audit,
    PractitionerRow,
    ScoreSpread,
    agency_audit,
    audit_table,
    sort_key_valid,
    sort_rows,
)
from dashboards.selectors.common import (
    Filters,
    default_scheme,
    record_candidates,
    scale_ranges,
    schemes_for_agency,
    session_results,
    session_scores,
)
from dashboards.selectors.practitioner import PractitionerDashboard, Session, practitioner_dashboard

__all__ = [
    "Audit",
    "Filters",
    "PractitionerDashboard",
    "PractitionerRow",
    "ScoreSpread",
    "Session",
    "agency_audit",
    "audit_table",
    "default_scheme",
    "practitioner_dashboard",
    "record_candidates",
    "scale_ranges",
    "schemes_for_agency",
    "session_results",
    "session_scores",
    "sort_key_valid",
    "sort_rows",
]
