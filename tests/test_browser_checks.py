"""The browser checks and the pass's planning, without a browser: evidence built by hand (the checks
are pure), render detection and sampling on saved HTML, finding the browser."""
from __future__ import annotations

import os
from datetime import date

import pytest

from tests.sitekit import fixture
from tests.sitekit import site as make_site
from zwgk.checks import accessibility_toolbar, axe_wcag, elderly_friendly
from zwgk.checks.browser_sample import choose_sample, render_reason
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import ParamError, validate
from zwgk.checks.rulebook import load_rulebook
from zwgk.crawler.browser import find_chromium, scaling_blocked
from zwgk.page.browser_evidence import (
    AxeViolation,
    BrowserEvidence,
    ClickResult,
    Entry,
    FontToggle,
    Overlay,
    PageEvidence,
    ScriptLoad,
)

HOME = "http://example.gov.cn/"
NAV = "".join(f'<a href="/c{i}/">栏目{i}</a>' for i in range(6))
HOME_HTML = f"<html><body><div class='nav'>{NAV}</div><p>{'政务公开' * 80}</p></body></html>"


def site_with(page: PageEvidence | None, skipped=""):
    s = make_site({HOME: HOME_HTML})
    if page is not None or skipped:
        ev = BrowserEvidence(unit="u", skipped=skipped)
        if page is not None:
            ev.sample = [page.url]
            ev.pages[page.url] = page
        s.browser = ev
    return s


def home_ev(**kw) -> PageEvidence:
    kw.setdefault("status", 200)
    return PageEvidence(url=HOME, final_url=HOME, role="home", audited=True, **kw)


def run(module, s, **params):
    return list(module.check(s, validate(module.PARAMS, params), CheckContext(date(2022, 9, 1), {}, browser=1)))


def test_no_evidence_or_unopened_home_is_unknown():
    for s in (site_with(None), site_with(None, skipped="没有需要浏览器检查的页面"),
              site_with(home_ev(status=None, error="浏览器无法打开页面：net::ERR_TIMED_OUT"))):
        for module in (accessibility_toolbar, axe_wcag, elderly_friendly):
            assert [f.status for f in run(module, s)] == ["unknown"]


def test_engine_says_unknown_with_the_reason_when_there_is_no_browser():
    rule = next(r for r in load_rulebook().rules if r.check == "axe_wcag")
    result = run_rule(rule, site_with(None), CheckContext(date(2023, 3, 1), {}, browser=None,
                                                          browser_missing="已指定 --no-browser"))
    assert result.status == "unknown" and "--no-browser" in result.findings[0].message


def test_toolbar_on_an_unreachable_host_is_unknown_not_fail():
    page = home_ev(entries=[Entry("无障碍", "#wza", visible=False)],
                   scripts=[ScriptLoad("https://www.govwza.cn/wza/aria.js", None, "net::ERR_NAME_NOT_RESOLVED")])
    findings = run(accessibility_toolbar, site_with(page))
    assert "fail" not in {f.status for f in findings}
    assert any(f.status == "unknown" and "无法连接" in f.message for f in findings)


def test_dead_entry_fails_and_its_status_is_a_param():
    page = home_ev(entries=[Entry("无障碍浏览", "#wza")], entry_click=ClickResult("无障碍浏览", "#wza"))
    assert [f.status for f in run(accessibility_toolbar, site_with(page))] == ["fail"]
    assert [f.status for f in run(accessibility_toolbar, site_with(page), dead_entry_status="warn")] == ["warn"]
    page.entry_click.mutations = 3
    assert [f.status for f in run(accessibility_toolbar, site_with(page))] == ["pass"]


def test_axe_principles_follow_wcag_numbers():
    assert axe_wcag.principle(["wcag2a", "wcag111"]) == "可感知"
    assert axe_wcag.principle(["wcag2aa", "wcag21aa", "wcag1410"]) == "可感知"
    assert axe_wcag.principle(["wcag244", "wcag412"]) == "可操作/兼容"
    assert axe_wcag.principle(["wcag311"]) == "可理解"
    assert axe_wcag.principle(["best-practice"]) == "其他"
    with pytest.raises(ParamError):
        axe_wcag.validate_params(validate(axe_wcag.PARAMS, {"fail_impacts": ["fatal"]}))


def test_axe_violation_per_page_is_capped():
    pages = []
    for i in range(5):
        p = PageEvidence(url=f"{HOME}p{i}", final_url=f"{HOME}p{i}", status=200, audited=True, axe_version="4",
                         axe=[AxeViolation("label", "critical", "Form elements must have labels", "", ["wcag412"],
                                           [("#q", "<input id=q>", "")], 1)])
        pages.append(p)
    s = make_site({HOME: HOME_HTML})
    s.browser = BrowserEvidence(unit="u", sample=[p.url for p in pages], pages={p.url: p for p in pages})
    findings = run(axe_wcag, s, max_pages_per_rule=2)
    assert [f.status for f in findings] == ["fail", "fail"] and "另有 3 个" in findings[-1].message
    assert findings[0].selector == "#q" and "【兼容】" in findings[0].message


def test_elderly_overlays_bars_and_toolbar_are_left_out():
    bar = Overlay("#top", "导航", 0, 0, 1280, 60, 0.075)
    toolbar = Overlay("#wza", "无障碍 放大 缩小", 0, 700, 300, 100, 0.03)
    piaochuang = Overlay("#float", "二十大专题", 100, 300, 200, 120, 0.023, position="absolute", moving=True)
    page = home_ev(overlays=[bar, toolbar, piaochuang],
                   font_toggle=FontToggle("长者模式", "#elder", 14, 14, via="点击“长者模式”"))
    findings = run(elderly_friendly, site_with(page))
    assert [(f.status, f.selector) for f in findings if f.selector in ("#top", "#wza", "#float")] == [("warn", "#float")]
    assert any(f.status == "fail" and "没有变大" in f.message for f in findings)


def test_missing_elder_mode_status_is_a_param():
    page = home_ev()
    assert [f.status for f in run(elderly_friendly, site_with(page))] == ["pass", "unknown"]
    assert run(elderly_friendly, site_with(page), missing_mode_status="warn")[-1].status == "warn"


@pytest.mark.parametrize("meta, blocked", [
    ("width=device-width, initial-scale=1", False),
    ("width=1200, user-scalable=no", True),
    ("width=device-width,maximum-scale=1.0", True),
    ("width=device-width, maximum-scale=5", False),
    ("", False),
])
def test_scaling_blocked(meta, blocked):
    assert bool(scaling_blocked(meta)) is blocked


def test_render_detection_on_saved_html():
    col = "http://example.gov.cn/wjj/"
    html = fixture("browser", "js_list", "wjj", "index.html")
    s = make_site({HOME: HOME_HTML, col: html})
    assert "ul#list" in render_reason(s, s.get(col))
    assert render_reason(s, s.home) == ""
    assert render_reason(s, s.home, {"render": "js"}) == "单位配置 render: js"
    filled = html.replace('<ul id="list"></ul>', '<ul id="list"><li><a href="/a.html">示例文章标题</a></li></ul>')
    s2 = make_site({HOME: HOME_HTML, col: filled})
    assert render_reason(s2, s2.get(col)) == ""


def test_sample_takes_home_columns_and_one_article_per_column_type():
    pages = {HOME: HOME_HTML}
    for i in range(6):
        pages[f"{HOME}c{i}/"] = f"<html><head><meta name='ColumnName' content='栏目{i}'></head><body>{NAV}</body></html>"
    for i, ctype in enumerate(["通知", "通知", "政策"]):
        pages[f"{HOME}c0/t2022080{i}_{i}.html"] = (
            f"<html><head><meta name='ColumnType' content='{ctype}'><meta name='PubDate' content='2022-08-0{i + 1}'>"
            f"</head><body>{NAV}</body></html>")
    s = make_site(pages)
    sample = choose_sample(s, 6)
    roles = [r for _, r, _ in sample]
    assert sample[0][0] == HOME and roles[0] == "home" and len(sample) == 6
    assert roles.count("article") == 2 and roles.count("column") == 3
    assert len(choose_sample(s, 1)) == 1


def test_find_chromium_follows_the_contract_order(tmp_path):
    assert find_chromium({"ZWGK_CHROMIUM": str(tmp_path / "nope")})[0] is None
    assert "ZWGK_CHROMIUM" in find_chromium({"ZWGK_CHROMIUM": str(tmp_path / "nope")})[1]
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_chromium({"ZWGK_CHROMIUM": str(fake)}) == (str(fake), "")
    path, why = find_chromium({})
    assert (path is None) == bool(why)
    if path is None:
        assert "apt-get install" in why
    else:
        assert os.access(path, os.X_OK)


def test_dead_entry_with_scripts_that_never_arrived_is_unknown():
    """The site's own script, or a toolbar script, failed outright (no HTTP answer): the entry's
    code may be there. An analytics script on another host does not count, nor does a 404."""
    lost = ScriptLoad(HOME + "js/common.js", None, "net::ERR_EMPTY_RESPONSE")
    analytics = ScriptLoad("https://hm.baidu.com/hm.js?1", None, "net::ERR_NAME_NOT_RESOLVED")
    gone = ScriptLoad(HOME + "js/common.js", 404)
    for scripts, status in (([lost], "unknown"), ([analytics], "fail"), ([gone], "fail")):
        page = home_ev(entries=[Entry("无障碍浏览", "#wza")], entry_click=ClickResult("无障碍浏览", "#wza"),
                       scripts=scripts)
        assert [f.status for f in run(accessibility_toolbar, site_with(page))] == [status], scripts
        page.font_toggle = FontToggle("长者模式", "#elder", 14, 14, via="点击“长者模式”")
        font = [f for f in run(elderly_friendly, site_with(page)) if "字号" in f.message]
        assert [f.status for f in font] == [status], scripts
