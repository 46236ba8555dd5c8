"""The explicit registry of checks: id -> module. A rulebook may only name checks listed here."""
from checks import (
    column_present,
    page_metadata,
    site_identity,
    accessibility_entry,
)

CHECKS = {module.ID: module for module in (
    column_present,
    page_metadata,
    site_identity,
    accessibility_entry,
)}
