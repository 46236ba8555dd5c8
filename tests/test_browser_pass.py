"""The browser pass with a real Chromium over real HTTP (no mocks): toolbar that works / is missing /
whose script is 404, a list filled by fetch(), axe findings with selectors, 适老化 measurements,
screenshots. One pass over four test portals (tests/fixtures/browser/) serves every test here."""
from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from tests.sitekit import FIXTURES, snapshot
from zwgk.audit import browser_pass
from zwgk.checks import accessibility_toolbar, axe_wcag, column_present, elderly_friendly
from zwgk.checks.engine import CheckContext
from zwgk.checks.params import validate
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site
from zwgk.crawler.browser import BrowserPool, BrowserSettings, find_chromium
from zwgk.sample_portals.server import serve

CHROMIUM, WHY = find_chromium()
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason=f"没有 Chromium 可用：{WHY}")]
PORTALS = ("toolbar_ok", "no_toolbar", "toolbar_404", "js_list")
AS_OF = date(2022, 9, 1)


def fetch_site(start: str, unit: dict, limit: int = 12) -> Site:
    """A small breadth-first crawl with urllib (the Scrapy reactor cannot restart in-process)."""
    queue, seen, snaps = [(start, 0)], {start}, []
    while queue and len(snaps) < limit:
        url, depth = queue.pop(0)
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                html, status = resp.read().decode("utf-8", "replace"), resp.status
        except urllib.error.HTTPError as exc:
            snaps.append(snapshot(url, "", status=exc.code, depth=depth))
            continue
        snap = snapshot(url, html, status=status, depth=depth)
        snaps.append(snap)
        for link in snap.links:
            if link.url.startswith(start) and link.url not in seen and depth < 2:
                seen.add(link.url)
                queue.append((link.url, depth + 1))
    return Site(start, snaps, unit=unit)


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    """name -> (static Site, browser Site, server url, browser pool)."""
    # toolbar_404 is the real pingtan report page the annual-report tests use, served alone
    # (without its /images/ assets): copied here rather than kept twice in tests/fixtures
    toolbar_404 = tmp_path_factory.mktemp("toolbar_404")
    shutil.copy(FIXTURES / "annual_reports" / "pingtan_2024_97791.html", toolbar_404 / "index.html")
    roots = {name: FIXTURES / "browser" / name for name in PORTALS}
    roots["toolbar_404"] = toolbar_404
    servers = {name: serve(root) for name, root in roots.items()}
    try:
        units = [{"name": name, "type": "county", "url": servers[name].url} for name in PORTALS]
        sites = {u["name"]: fetch_site(u["url"], u) for u in units}
        static = dict(sites)
        pool = BrowserPool(CHROMIUM, BrowserSettings(sample_size=4), tmp_path_factory.mktemp("shots"))
        browser, why = browser_pass(pool, "", units, sites, {u["name"]: {} for u in units},
                                   load_rulebook("jiangmen-2022"), run_id=7)
        assert browser is pool and why == "", why
        yield {name: (static[name], sites[name], servers[name].url, pool) for name in PORTALS}
    finally:
        for s in servers.values():
            s.stop()


def run(module, site, **params):
    ctx = CheckContext(as_of=AS_OF, unit=site.unit, browser=object())
    return list(module.check(site, validate(module.PARAMS, params), ctx))


def statuses(findings):
    return {f.status for f in findings}


def test_working_toolbar_passes(audit):
    _, site, url, _ = audit["toolbar_ok"]
    findings = run(accessibility_toolbar, site)
    assert statuses(findings) == {"pass"}, [f.message for f in findings]
    home = site.browser.home
    assert [(s.url, s.status) for s in home.scripts if "aria.js" in s.url] == [(url + "wza/aria.js", 200)]
    assert "ariaTools" in home.toolbar_globals
    assert home.entry_click.selector == "#barrierFreeBtn" and home.entry_click.new_visible > 0


def test_portal_without_toolbar_fails(audit):
    _, site, url, _ = audit["no_toolbar"]
    findings = run(accessibility_toolbar, site)
    fail = [f for f in findings if f.status == "fail"]
    assert fail and fail[0].url == url and "未发现" in fail[0].message
    assert Path(fail[0].screenshot).is_file()


def test_toolbar_script_404_fails_on_the_real_page(audit):
    static, site, url, _ = audit["toolbar_404"]
    # The static check is satisfied by the mere reference; the browser sees the 404.
    assert {f.status for f in run_static(static)} == {"pass"}
    findings = run(accessibility_toolbar, site)
    broken = [f for f in findings if f.status == "fail" and "加载失败" in f.message]
    assert broken, [f.message for f in findings]
    assert broken[0].selector == 'script[src*="barrier.free.min.js"]'
    assert broken[0].evidence == url + "images/barrier.free.min.js" and "HTTP 404" in broken[0].message


def run_static(site):
    from zwgk.checks import accessibility_entry
    return list(accessibility_entry.check(site, validate(accessibility_entry.PARAMS, {}), None))


def test_js_filled_list_is_read_after_rendering(audit):
    static, site, url, _ = audit["js_list"]
    column = url + "wjj/"
    rendered = site.browser.rendered[column]
    assert "ul#list" in rendered.reason and rendered.links_after == rendered.links_before + 3
    titles = {link.text for link in site.get(column).links}
    assert "示例区助企纾困十条措施解读" in titles
    assert "示例区助企纾困十条措施解读" not in {link.text for link in static.get(column).links}
    params = {"names": ["稳经济"], "where": "home", "require_items": True}
    assert [f.status for f in run(column_present, static, **params)] == ["pass", "unknown"]
    after = run(column_present, site, **params)
    assert [f.status for f in after] == ["pass", "pass"] and "3 条" in after[1].message
    assert site.browser.unfollowed_links >= 1      # articles linked only from the rendered list


def test_axe_findings_name_rule_element_and_principle(audit):
    _, site, url, _ = audit["toolbar_ok"]
    findings = run(axe_wcag, site)
    alt = [f for f in findings if "image-alt" in f.message]
    assert len(alt) == 1 and alt[0].status == "fail" and alt[0].url == url
    assert alt[0].selector == "img" and "【可感知】" in alt[0].message and "banner.png" in alt[0].evidence
    # Other sampled pages of the same portal have no such problem and pass.
    assert any(f.status == "pass" and f.url != url for f in findings)
    # On the real page many rules fail, each with a CSS selector.
    real = [f for f in run(axe_wcag, audit["toolbar_404"][1]) if f.status == "fail"]
    assert len(real) >= 3 and all(f.selector for f in real)
    assert any("【兼容】" in f.message for f in real)


def test_axe_thresholds_come_from_params(audit):
    _, site, _, _ = audit["toolbar_ok"]
    relaxed = run(axe_wcag, site, fail_impacts=["serious"], warn_impacts=["critical"])
    assert [f.status for f in relaxed if "image-alt" in f.message] == ["warn"]
    ignored = run(axe_wcag, site, ignore_rules=["image-alt"])
    assert statuses(ignored) == {"pass"}


def test_elderly_friendly_on_a_good_portal(audit):
    _, site, _, _ = audit["toolbar_ok"]
    findings = run(elderly_friendly, site)
    assert statuses(findings) == {"pass"}, [f.message for f in findings]
    toggle = site.browser.home.font_toggle
    assert toggle.before_px == 14 and toggle.after_px == 20


def test_popup_and_zoom_block_fail_with_screenshots(audit):
    _, site, url, _ = audit["no_toolbar"]
    findings = run(elderly_friendly, site)
    popup = [f for f in findings if f.status == "fail" and "弹出" in f.message]
    assert popup and popup[0].selector == "#notice" and "36%" in popup[0].message
    zoom = [f for f in findings if f.status == "fail" and "user-scalable=no" in f.message]
    assert zoom and zoom[0].selector == 'meta[name="viewport"]'
    overflow = [f for f in findings if "横向" in f.message or "左右滚动" in f.message]
    assert overflow and overflow[0].status == "warn"
    for f in popup + zoom:
        assert Path(f.screenshot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_broken_elder_mode_fails(audit):
    _, site, _, _ = audit["toolbar_404"]
    findings = run(elderly_friendly, site)
    font = [f for f in findings if "字号" in f.message]
    assert font and font[0].status == "fail" and "长者模式" in font[0].message


def test_screenshots_live_under_the_run_and_unit(audit):
    _, site, _, pool = audit["toolbar_ok"]
    shot = Path(site.browser.home.screenshot)
    assert shot.is_file() and shot.parent.parent.name == "run-7"
    assert pool.shots_dir in shot.parents


def test_rendering_keeps_the_sites_traps_and_plan_skipped_links(tmp_path):
    """The Site rebuilt after rendering knows what the crawl skipped on purpose, as the one
    before it did: a rendered page must not turn a trap or a plan-skipped link into "not
    fetched" (which makes column rules unknown instead of fail)."""
    from zwgk.audit import build_site
    from zwgk.page.scope import PLAN_SKIPPED
    server = serve(FIXTURES / "browser" / "js_list")
    try:
        unit = {"name": "js_list", "type": "county", "url": server.url}
        crawled = fetch_site(server.url, unit)
        trap, skipped = server.url + "cal?d=1", server.url + "wjj/t20220101_9.html"
        facts = {"traps": [[trap, "同一路径的查询参数组合过多"], [skipped, f"{PLAN_SKIPPED}（普通列表的文章只抽查前几篇）"]],
                 "budget_refused": [server.url + "refused.html"], "crawl_incomplete": ""}
        sites = {"js_list": build_site(unit, crawled.snapshots, facts)}
        before = sites["js_list"]
        pool = BrowserPool(CHROMIUM, BrowserSettings(sample_size=2), tmp_path)
        browser, why = browser_pass(pool, "", [unit], sites, {"js_list": facts},
                                    load_rulebook("jiangmen-2022"), run_id=1)
        assert browser is pool, why
        after = sites["js_list"]
        assert after is not before and after.browser.rendered, "a page of this portal needs rendering"
        assert after.traps == before.traps and after.budget_refused == before.budget_refused
        assert after.why_unseen(skipped).startswith(PLAN_SKIPPED)
        assert "陷阱" in after.why_unseen(trap)
        assert after.why_unseen(server.url + "refused.html") == before.why_unseen(server.url + "refused.html")
    finally:
        server.stop()


def test_an_entry_whose_scripts_never_arrived_is_unknown_not_dead(tmp_path):
    """A 无障碍 entry whose code is in a script the audit could not fetch: the site's own
    /js/wza.js drops the connection, and the toolbar script on a host the audit's network cannot
    reach (no DNS in the suite) gets the guard proxy's own 502. Neither is the site answering:
    the toolbar is unknown, never "dead" or "加载失败（HTTP 502）"; a 404 would still be the site's."""
    from tests.webkit import Routes
    home = ("<html lang='zh-CN'><head><meta charset='utf-8'><title>某区人民政府</title>"
            "<script src='/js/wza.js'></script>"
            "<script src='http://wza.unreachable.gov.cn/cniil_wza/aria.js'></script></head><body>"
            "<div class='header'><a id='wza' href='javascript:void(0)' onclick='window.wzaOpen && wzaOpen()'>无障碍浏览</a>"
            "<a id='elder' href='javascript:void(0)' onclick='window.elderMode && elderMode()'>长者模式</a></div>"
            + "<p>政务公开信息。</p>" * 40 + "</body></html>")
    with Routes({"/": home}, drop_missing=True) as srv:
        unit = {"name": "dropped", "type": "county", "url": srv.url}
        sites = {"dropped": fetch_site(srv.url, unit)}
        pool = BrowserPool(CHROMIUM, BrowserSettings(sample_size=1), tmp_path)
        browser, why = browser_pass(pool, "", [unit], sites, {"dropped": {}}, load_rulebook("jiangmen-2022"), run_id=1)
        assert browser is pool, why
    site = sites["dropped"]
    scripts = {s.url: s for s in site.browser.home.scripts}
    toolbar = scripts["http://wza.unreachable.gov.cn/cniil_wza/aria.js"]
    assert toolbar.status is None and "巡检网络无法连接" in toolbar.error, toolbar
    assert scripts[srv.url + "js/wza.js"].status is None
    findings = run(accessibility_toolbar, site)
    assert "fail" not in statuses(findings), [(f.status, f.message) for f in findings]
    assert any(f.status == "unknown" and "未能加载" in f.message for f in findings)
    font = [f for f in run(elderly_friendly, site) if "字号" in f.message]
    assert not font or font[0].status == "unknown", [(f.status, f.message) for f in font]
