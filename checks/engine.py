"""Run a rulebook's rules over a Site. Every check runs inside a wrapper: an exception becomes an
`unknown` verdict carrying the error, never a crash of the audit and never a `fail`."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import date

from zwgk.checks.model import Finding, RuleResult, status_from_findings
from zwgk.checks.registry import CHECKS


@dataclass
class CheckContext:
    as_of: date                       # deadlines and freshness are judged against this, never the clock
    unit: dict                        # name, type, url
    rule_id: str = ""
    browser: object = None            # a browser pool when the browser checks may run
    browser_missing: str = ""         # why there is none (Chinese), when there is none
    extras: dict = field(default_factory=dict)   # audit-wide data (e.g. other units' reports)


def _result(rule, status, findings) -> RuleResult:
    return RuleResult(rule=rule.id, item=rule.item, source=rule.source, title=rule.title,
                      status=status, severity=rule.severity, check=rule.check, findings=findings)


def run_rule(rule, site, ctx: CheckContext) -> RuleResult:
    lapsed = rule.not_in_force(ctx.as_of)
    if lapsed:      # outside the plan's period, or not yet due: never a fail
        return _result(rule, "not_applicable", [Finding("not_applicable", lapsed, url=site.start_url)])
    home = site.home
    if home is None or not home.ok:
        why = site.why_unseen(site.start_url) or "首页无法访问"
        return _result(rule, "unknown", [Finding("unknown", f"首页无法访问，无法检查：{why}", url=site.start_url)])
    module = CHECKS[rule.check]
    if module.NEEDS.browser and ctx.browser is None:
        reason = ctx.browser_missing or "未启用浏览器"
        return _result(rule, "unknown", [Finding("unknown", f"此项需要浏览器检查：{reason}", url=site.start_url)])
    ctx.rule_id = rule.id
    try:
        findings = list(module.check(site, rule.params, ctx))
    except Exception as exc:  # noqa: BLE001 — the wrapper exists to catch anything a check raises
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
        return _result(rule, "unknown", [Finding(
            "unknown", f"检查程序出错，无法判断：{exc.__class__.__name__}: {exc}", url=site.start_url,
            evidence=where)])
    for f in findings:
        thin = site.thin_crawl(home_only=f.absence == "home") if f.absence and f.status == "fail" else ""
        if thin:
            # "not found" from a crawl that saw almost nothing is no finding about the site
            f.status, f.message = "unknown", f"{f.message}；但{thin}，无法断定缺失"
        if f.status in ("fail", "warn") and not f.url:
            f.url = site.start_url   # the contract: every fail/warn names a URL
    return _result(rule, status_from_findings(findings), findings)


def run_rules(rules, site, ctx: CheckContext) -> list[RuleResult]:
    return [run_rule(rule, site, ctx) for rule in rules]


SEVERITY_WEIGHTS = {"critical": 3.0, "major": 2.0, "minor": 1.0}


def veto_failed(results, rules=()) -> bool:
    """A veto rule (单项否决) among `rules` (the rulebook's rules for the unit) failed."""
    veto = {rule.id for rule in rules if rule.veto}
    return any(r.status == "fail" and r.rule in veto for r in results)


def score(results, rules=()) -> float | None:
    """A unit's score, 0–100: passed weight over decided weight; `warn` counts half; `unknown` and
    `not_applicable` are left out entirely (never counted as failures). A failed veto rule
    sets the score to 0."""
    if veto_failed(results, rules):
        return 0.0
    decided = total = 0.0
    for r in results:
        w = SEVERITY_WEIGHTS.get(r.severity, 2.0)
        if r.status == "pass":
            decided += w
            total += w
        elif r.status == "warn":
            decided += w / 2
            total += w
        elif r.status == "fail":
            total += w
    if total == 0:
        return None
    return round(100.0 * decided / total, 1)
