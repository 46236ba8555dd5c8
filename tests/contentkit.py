"""Shared by the content-check tests: run one check module over a Site, and find fixture cases."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import validate
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import Rule

CASES = Path(__file__).parent / "fixtures" / "checks"


def run(check_id: str, site, params=None, as_of=date(2023, 3, 1)):
    module = CHECKS[check_id]
    full = validate(module.PARAMS, params or {})
    if hasattr(module, "validate_params"):
        module.validate_params(full)
    rule = Rule(id=f"t-{check_id}", item=None, source="test", title=check_id, applies_to=("county",),
                check=check_id, params=full)
    ctx = CheckContext(as_of=as_of, unit={"name": "t", "type": "county", "url": site.start_url})
    return run_rule(rule, site, ctx)


def case_statuses(check_id: str) -> set[str]:
    """The verdicts the fixture cases of a check cover (their folder names start with it)."""
    return {p.name.split("-", 1)[0] for p in (CASES / check_id).iterdir() if (p / "expect.yaml").exists()}
