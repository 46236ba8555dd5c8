"""The engine: an exception in a check is `unknown` with the error, never a crash or a fail."""
from datetime import date

from tests.sitekit import site
from zwgk.checks import registry
from zwgk.checks.engine import CheckContext, run_rule, score
from zwgk.checks.model import Finding, Needs, RuleResult, status_from_findings
from zwgk.checks.rulebook import Rule

HOME = '<html><head><title>首页</title></head><body><a href="/a.html">营商环境</a></body></html>'


class Exploding:
    ID = "exploding"
    NEEDS = Needs(crawl="lists")
    PARAMS = {}

    @staticmethod
    def check(site, params, ctx):
        raise ZeroDivisionError("boom")


def rule(check="exploding"):
    return Rule(id="r", item=1, source="s", title="t", applies_to=("county",), check=check, params={})


def ctx():
    return CheckContext(as_of=date(2023, 3, 1), unit={"name": "u", "type": "county"})


def test_exception_becomes_unknown(monkeypatch):
    monkeypatch.setitem(registry.CHECKS, "exploding", Exploding)
    result = run_rule(rule(), site({"http://h/": HOME}), ctx())
    assert result.status == "unknown"
    assert "ZeroDivisionError: boom" in result.findings[0].message


def test_unreachable_home_is_unknown_for_every_rule(monkeypatch):
    monkeypatch.setitem(registry.CHECKS, "exploding", Exploding)
    s = site({"http://h/": ("", 503, 0)})
    result = run_rule(rule(), s, ctx())
    assert result.status == "unknown" and "首页无法访问" in result.findings[0].message


def test_status_is_the_worst_finding_and_empty_is_unknown():
    f = lambda s: Finding(s, "m")
    assert status_from_findings([f("pass"), f("unknown")]) == "unknown"
    assert status_from_findings([f("pass"), f("warn"), f("unknown")]) == "warn"
    assert status_from_findings([f("fail"), f("warn")]) == "fail"
    assert status_from_findings([]) == "unknown"


def test_score_leaves_unknown_out_and_weights_severity():
    r = lambda status, sev="major": RuleResult("x", 1, "s", "t", status, sev)
    assert score([r("pass"), r("unknown"), r("not_applicable")]) == 100.0
    assert score([r("pass", "critical"), r("fail", "minor")]) == 75.0
    assert score([r("unknown")]) is None
