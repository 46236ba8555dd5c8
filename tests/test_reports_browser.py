"""Our own scorecards in a real Chromium (Playwright), opened from file:// with no network:
sort and filter the overview, follow a unit to its evidence and its score history, run axe-core
on every kind of page (no serious or critical violation), no script from page content runs,
print layout, screenshots.

Set ZWGK_REPORT_SHOTS=DIR to keep the screenshots for a look."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.reportkit import add_run, applicable, rr
from tests.webkit import Routes
from zwgk.checks.model import Finding
from zwgk.checks.rulebook import load_rulebook
from zwgk.crawler.browser import CHROMIUM_FLAGS, axe_source, find_chromium
from zwgk.publish import cards_for_run
from zwgk.reports.html import unit_filename, write_site
from zwgk.reports.view import history_filename, rule_filename
from zwgk.storage.database import Store
from zwgk.storage.history import build_history

CHROMIUM, WHY = find_chromium()
AXE_JS, AXE_WHY = axe_source()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=f"没有 Chromium 可用：{WHY}")]
BOOK = load_rulebook("jiangmen-2022")
TYPES = ["city-portal", "county", "county", "department", "department", "department"]
NAMES = ["江门市人民政府", "新会区人民政府", "台山市人民政府", "江门市发展和改革局", "江门市教育局", "江门市财政局"]
# What a hostile page could put into a finding: it must show as text and never run
EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><svg onload="window.__pwned=1">'


@pytest.fixture(scope="module")
def evidence_server():
    with Routes({"/evidence.html": "<!doctype html><html lang='zh-CN'><title>证据</title><h1>证据页面</h1></html>"}) as srv:
        yield srv


@pytest.fixture(scope="module")
def site(tmp_path_factory, evidence_server):
    root = tmp_path_factory.mktemp("browser-site")
    store = Store(f"sqlite:///{root}/zwgk.db")
    shot = root / "home.png"
    shot.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                   "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d6d4b50000000049454e44ae426082"))
    for day in range(1, 5):
        units = {}
        for i, (name, utype) in enumerate(zip(NAMES, TYPES)):
            results = []
            for k, rule in enumerate(applicable(utype)):
                status = ("fail", "pass", "warn", "pass", "unknown", "pass")[(i + k + (day if k % 7 == 0 else 0)) % 6]
                if rule.veto:
                    status = "pass"
                url = (evidence_server.url + "evidence.html" if name == "新会区人民政府" and status == "fail"
                       else f"https://u{i}.example.gov.cn/{rule.id}.html")
                message = f"{rule.title[:14]}：示例发现 <b>{i}</b>" + EVIL
                results.append(rr(rule.id, status, [Finding(status, message, url=url, evidence="查找: 示例" + EVIL,
                                                            screenshot=str(shot) if k == 0 else "")]))
            units[name] = {"type": utype, "url": f"https://u{i}.example.gov.cn/", "results": results,
                           "reachable": i != 5}
        last = add_run(store, f"2022-09-0{day}", units)
    cards, reachable = cards_for_run(store, last)
    out = root / "site"
    write_site(out, cards, last, "jiangmen-2022", "2022-09-04", reachable=reachable, book=BOOK,
               history=build_history(store, last))
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests = []
    ctx.on("request", lambda r: requests.append(r.url))
    pg = ctx.new_page()
    pg.requests = requests
    yield pg
    ctx.close()


def _shot(page, tmp_path, name):
    keep = os.environ.get("ZWGK_REPORT_SHOTS")
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 1000
    return path


def _names(page):
    return page.eval_on_selector_all("#units tbody tr:not([hidden]) th a", "els => els.map(e => e.textContent)")


def _scores(page):
    return page.eval_on_selector_all("#units tbody tr:not([hidden]) td:nth-of-type(2)",
                                     "els => els.map(e => e.getAttribute('data-sort'))")


def test_overview_sort_filter(page, site, tmp_path):
    page.goto((site / "index.html").as_uri())
    assert page.title().startswith("总览")
    assert len(_names(page)) == 6
    first = [float(s) for s in _scores(page) if s]
    assert first == sorted(first)                                  # worst first by default
    page.click("#units thead button:text-is('得分')")
    desc = [float(s) for s in _scores(page) if s]
    assert desc == sorted(desc, reverse=True)
    assert page.get_attribute("#units thead th:nth-of-type(3)", "aria-sort") == "descending"
    page.click("#units thead button:text-is('不通过')")
    fails = page.eval_on_selector_all("#units tbody tr td:nth-of-type(4)", "els => els.map(e => +e.dataset.sort)")
    assert fails == sorted(fails)
    page.select_option("#f-type", "department")
    assert sorted(_names(page)) == sorted(NAMES[3:])
    assert page.inner_text("#f-count") == "显示 3 个单位"
    page.select_option("#f-type", "")
    page.select_option("#f-item", "54")                            # 适老化: not for departments
    assert sorted(_names(page)) == sorted(NAMES[:3])
    assert page.is_visible("#units thead th.col-item")
    statuses = page.eval_on_selector_all("#units tbody tr:not([hidden]) td.col-item", "els => els.map(e => e.textContent)")
    assert statuses and set(statuses) <= {"通过", "不通过", "警告", "无法判断"}
    page.check("#f-problem")
    assert set(page.eval_on_selector_all("#units tbody tr:not([hidden]) td.col-item",
                                         "els => els.map(e => e.textContent)")) <= {"不通过", "警告"}
    _shot(page, tmp_path, "overview-filtered")
    assert all(u.startswith("file://") for u in page.requests), page.requests


def test_unit_link_to_evidence(page, site, tmp_path, evidence_server):
    page.goto((site / "index.html").as_uri())
    page.click("#units tbody th a:text-is('新会区人民政府')")
    page.wait_for_load_state()
    assert unquote(page.url).endswith(unit_filename("新会区人民政府"))
    assert page.inner_text("h1") == "新会区人民政府"
    assert "<b>" in page.inner_text("main")                        # crawled text shown as text
    _shot(page, tmp_path, "unit")
    link = page.locator(f"a[href='{evidence_server.url}evidence.html']").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_load_state()
    assert page.inner_text("h1") == "证据页面"


def test_screenshot_link_opens_copied_file(page, site):
    page.goto((site / unit_filename("江门市教育局")).as_uri())
    href = page.get_attribute("a:text-is('查看截图')", "href")
    assert href.startswith("evidence/") and (site / href).is_file()


@pytest.mark.skipif(not AXE_JS, reason=f"axe-core 不可用：{AXE_WHY}")
@pytest.mark.parametrize("name", ["index.html", "unit", "history", "rule", "scoring.html", "ledger.html"])
def test_axe_no_serious_or_critical(page, site, tmp_path, name):
    target = {"unit": unit_filename("新会区人民政府"), "rule": rule_filename("broken-links"),
              "history": history_filename(unit_filename("新会区人民政府"))}.get(name, name)
    page.goto((site / target).as_uri())
    page.evaluate(AXE_JS)
    res = page.evaluate("async () => { const r = await axe.run(document); "
                        "return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, "
                        "html: v.nodes.slice(0, 2).map(n => n.html)})); }")
    bad = [v for v in res if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    if name == "rule":
        _shot(page, tmp_path, "rule")


PAGES = {"index": "index.html", "unit": unit_filename("新会区人民政府"),
         "history": history_filename(unit_filename("新会区人民政府")), "rule": rule_filename("broken-links"),
         "scoring": "scoring.html"}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_script_from_page_content_runs(page, site, name):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / PAGES[name]).as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None
    # only the scorecards' own scripts are on the page: none carries crawled text
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    assert len(scripts) <= 2 and not any("__pwned" in s for s in scripts)
    assert not page.eval_on_selector_all("[onerror], [onload]", "els => els.length")
    if name in ("unit", "rule"):
        assert "window.__pwned=1" in page.inner_text("main")            # shown as text
    assert not errors, errors
    assert all(u.startswith("file://") for u in page.requests), page.requests


def test_history_page_chart_has_axes_and_dates(page, site, tmp_path):
    page.goto((site / "index.html").as_uri())
    page.click("#units tbody tr:has(th a:text-is('新会区人民政府')) td:nth-of-type(3) a")
    page.wait_for_load_state()
    assert unquote(page.url).endswith(history_filename(unit_filename("新会区人民政府")))
    assert page.inner_text("h1") == "新会区人民政府 · 得分变化"
    labels = page.eval_on_selector_all("svg.chart text", "els => els.map(e => e.textContent)")
    assert {"0", "20", "40", "60", "80", "100", "得分", "检查日期"} <= set(labels)
    assert {f"2022-09-0{d}" for d in range(1, 5)} <= set(labels)          # every audit's date
    assert page.eval_on_selector_all("svg.chart circle", "els => els.length") == 4
    rows = page.eval_on_selector_all("table tbody tr th", "els => els.map(e => e.textContent)")
    assert rows == [f"2022-09-0{d}" for d in (4, 3, 2, 1)]
    box = page.eval_on_selector("svg.chart", "e => e.getBoundingClientRect().width")
    assert 300 < box <= 1280
    _shot(page, tmp_path, "history")
    page.click("a:text-is('新会区人民政府 本次检查结果')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "新会区人民政府"
    assert page.eval_on_selector_all("figure.trend svg.chart circle", "els => els.length") == 4


def test_print_layout_hides_controls(page, site, tmp_path):
    page.goto((site / "index.html").as_uri())
    page.emulate_media(media="print")
    assert not page.is_visible(".filters")
    assert not page.is_visible("header.top nav")
    assert page.is_visible("#units")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10000
    page.goto((site / unit_filename("新会区人民政府")).as_uri())
    page.emulate_media(media="print")
    _shot(page, tmp_path, "unit-print")
