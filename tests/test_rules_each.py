"""Every column rule of the bundled rulebook, passing and failing on saved HTML built from the
rule's own params: a portal whose navigation has the column (with items, and linked to the
platform host when the rule asks) passes; the same portal without it fails, naming the home page."""
from datetime import date

import pytest

from tests.sitekit import site
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.rulebook import load_rulebook

BOOK = load_rulebook("jiangmen-2022")
COLUMN_RULES = [r for r in BOOK.rules if r.check == "column_present"]
BASE = "http://portal.test/"
FOOTER = '<div class="footer">网站标识码：4407000001 粤ICP备05090288号</div>'


def page(title, body, nav=""):
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
            f'<li><a href="/hdjl/">互动交流</a></li>{nav}</ul></div><div class="main">{body}</div>{FOOTER}</body></html>')


LIST = "".join(f'<li><a href="/col/202303/t2023031{i}_{i}.html">关于做好第{i}项重点工作的通知</a><span>2023-03-1{i}</span></li>'
               for i in range(1, 4))


def portal(rule, with_column: bool):
    name = rule.params["names"][0]
    hosts = rule.params.get("link_to_hosts")
    nav = ""
    if with_column:
        target = f"https://www.{hosts[0]}/" if hosts else "/col/"
        nav = f'<li><a href="{target}">{name}</a></li>'
    pages = {
        BASE: page("门户网站首页", "<p>欢迎访问</p>" * 20, nav),
        BASE + "zwgk/": page("政务公开", "<p>政务公开栏目</p>" * 5),
        BASE + "hdjl/": page("互动交流", "<p>互动交流栏目</p>" * 5),
    }
    if with_column and not hosts:
        pages[BASE + "col/"] = page(name, f'<ul class="list">{LIST}</ul>')
    return site(pages)


def in_force(rule) -> date:
    """An audit date the rule applies on (2022's topical columns end with 2022)."""
    return rule.period_until or date(2023, 3, 15)


def judge(rule, s, as_of=None):
    # a rule for named units only (the 税务局, the 工信局) judges them as departments
    unit_type = next((a for a in rule.applies_to if a in ("city-portal", "county", "department")), "department")
    ctx = CheckContext(as_of=as_of or in_force(rule), unit={"name": "测试单位", "type": unit_type, "url": BASE})
    return run_rule(rule, s, ctx)


@pytest.mark.parametrize("rule", COLUMN_RULES, ids=lambda r: r.id)
def test_rule_passes_with_its_column(rule):
    result = judge(rule, portal(rule, with_column=True))
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]


@pytest.mark.parametrize("rule", COLUMN_RULES, ids=lambda r: r.id)
def test_rule_fails_without_its_column_naming_where_it_looked(rule):
    result = judge(rule, portal(rule, with_column=False))
    assert result.status == "fail", [(f.status, f.message) for f in result.findings]
    fail = next(f for f in result.findings if f.status == "fail")
    assert fail.url == BASE and rule.params["names"][0] in fail.message + fail.evidence


@pytest.mark.parametrize("rule", [r for r in BOOK.rules if r.period_until or r.due], ids=lambda r: r.id)
def test_a_dated_rule_never_fails_outside_its_period_or_before_it_is_due(rule):
    outside = (date(rule.period_until.year + 1, 3, 15) if rule.period_until else rule.due)
    result = judge(rule, site({BASE: page("门户网站首页", "<p>欢迎访问</p>" * 20)}), as_of=outside)
    assert result.status == "not_applicable", [(f.status, f.message) for f in result.findings]
    assert ("不在其内" if rule.period_until else "尚未到期") in result.findings[0].message
