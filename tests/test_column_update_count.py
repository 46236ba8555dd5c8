"""column_update_count (栏目不更新/空白栏目 counted as the national indicators count them) beyond
its fixtures: it counts exactly the columns the per-column rules judge, its thresholds are
params, and the bundled rule is the veto the indicators name."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from tests.test_check_fixtures import build_site
from zwgk.checks.engine import CheckContext, run_rule, score
from zwgk.checks.params import validate
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import Rule, load_rulebook

CASES = Path(__file__).parent / "fixtures" / "checks" / "column_update_count"
AS_OF = date(2023, 3, 1)
BOOK = load_rulebook("jiangmen-2022")
RULES = {r.id: r for r in BOOK.rules}


def _site(case: str):
    path = CASES / case
    return build_site(path, yaml.safe_load((path / "expect.yaml").read_text(encoding="utf-8")))


def _ctx():
    return CheckContext(as_of=AS_OF, unit={"name": "x", "type": "county", "url": "http://fixture.test/"})


def _with(rule: Rule, **params) -> Rule:
    module = CHECKS[rule.check]
    return Rule(id=rule.id, item=rule.item, source=rule.source, title=rule.title, applies_to=rule.applies_to,
                check=rule.check, params=validate(module.PARAMS, {**{k: v for k, v in rule.params.items() if v is not None},
                                                         **params}), veto=rule.veto,
                severity=rule.severity)


def test_the_count_is_the_columns_the_per_column_rules_fail():
    """No logic of its own about what is stale: the columns it counts are those
    news-columns-updated and notice-columns-updated fail over the top-level columns (the indicator
    counts 通知公告、政策文件类一级栏目; the bundled notice rule also judges a 专题's 通知公告)."""
    site = _site("fail-five-stale-top-level-columns")
    rules = (RULES["news-columns-updated"], _with(RULES["notice-columns-updated"], top_level_only=True))
    per_column = {f.url for rule in rules for f in run_rule(rule, site, _ctx()).findings if f.status == "fail"}
    count = run_rule(RULES["column-update-count"], site, _ctx())
    counted = {f.url for f in count.findings if f.status == "fail" and f.message.startswith("计入")}
    assert count.status == "fail" and len(counted) == 5
    assert {u.removesuffix("index.html") for u in per_column} == counted
    assert not any("ztzl" in u or "ndbg" in u for u in counted)


def test_a_failed_count_is_a_veto_and_below_it_no_column_is_penalised_twice():
    rules = [RULES[r] for r in ("news-columns-updated", "notice-columns-updated", "no-empty-columns",
                                "column-update-count")]
    five = [run_rule(r, _site("fail-five-stale-top-level-columns"), _ctx()) for r in rules]
    assert score(five, rules) == 0.0
    four = [run_rule(r, _site("pass-four-stale-below-the-veto"), _ctx()) for r in rules]
    statuses = {r.rule: r.status for r in four}
    assert statuses == {"news-columns-updated": "fail", "notice-columns-updated": "fail",
                        "no-empty-columns": "pass", "column-update-count": "pass"}
    assert score(four, rules) > 0


def test_thresholds_are_params():
    site = _site("fail-five-stale-top-level-columns")
    rule = RULES["column-update-count"]
    assert run_rule(_with(rule, stale_veto=6), site, _ctx()).status == "pass"
    empty = _site("fail-five-empty-columns")
    assert run_rule(_with(rule, empty_veto=6), empty, _ctx()).status == "pass"
    deep = _site("fail-ten-long-stale-columns-deep-in-the-site")
    assert run_rule(_with(rule, long_stale_veto=11), deep, _ctx()).status == "warn"     # each one a deduction
    assert run_rule(_with(rule, long_stale_months=24), deep, _ctx()).status == "pass"


def test_empty_columns_count_among_the_long_stale_ones_unless_told_otherwise():
    site = _site("fail-five-empty-columns")
    rule = RULES["column-update-count"]
    with_empty = run_rule(_with(rule, empty_veto=6, long_stale_veto=5), site, _ctx())
    assert with_empty.status == "fail" and any("长期未更新栏目 5 个" in f.message for f in with_empty.findings)
    without = run_rule(_with(rule, empty_veto=6, long_stale_veto=5, long_stale_includes_empty=False), site, _ctx())
    assert without.status == "pass"


def test_the_rule_is_a_veto_citing_the_indicators_and_shares_the_column_names():
    rule = RULES["column-update-count"]
    assert rule.veto and rule.severity == "critical" and "国办秘函〔2019〕19号" in rule.source
    assert rule.params["news_names"] == RULES["news-columns-updated"].params["names"]
    assert rule.params["notice_names"] == RULES["notice-columns-updated"].params["names"]
    assert (rule.params["stale_veto"], rule.params["long_stale_veto"], rule.params["empty_veto"]) == (5, 10, 5)
