"""zwgk against a hostile portal (tests/hostile): broken encodings, truncated and malformed HTML,
a 50 MB page, a gzip bomb, redirect loops and off-site redirects, slow and dripping answers,
5xx bursts, connection resets, files under HTML names, 100,000 links, soft 404s, injection.

One `zwgk check` of the hostile portal, then one `zwgk audit` on the same database of portals
whose start page cannot be read at all plus a portal made of injection. The audit must finish,
record every page it tried with the reason it failed, never turn "could not see" into `fail`,
keep memory bounded, and leave the first run's rows exactly as they were.
"""
from __future__ import annotations

import json
import resource
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml

from tests.hostile import HostileServer
from tests.hostile.pages import blind_homes, gzip_bomb, injection_portal, offsite, portal
from tests.hostile.run import zwgk
from zwgk.checks.rulebook import load_rulebook
from zwgk.storage.database import Store

AS_OF = "2022-09-01"
MAX_PAGES = 120
CHECK_UNIT = "../../evil<script>window.__pwned=9</script>"
FORMULA_UNIT = '=HYPERLINK("http://evil.invalid","江门")'
TRAVERSAL_UNIT = "../../evil"
BOOK = load_rulebook("jiangmen-2022")


def _rows(db: Path, run_id: int) -> dict:
    """Everything stored for one run, for before/after comparison."""
    store = Store(str(db))
    units = [dict(r) for r in store.unit_rows(run_id)]
    return {"run": dict(store.run_row(run_id)), "units": units,
            "results": store.result_rows(run_id),
            "pages": {u["unit_name"]: [p.to_dict() for p in store.load_pages(run_id, u["unit_name"])]
                      for u in units}}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    gzip_bomb()                     # built before the server answers, not while Scrapy waits
    db = root / "zwgk.db"
    out_parent = root / "a" / "b"
    with ExitStack() as stack:
        off = stack.enter_context(HostileServer(offsite()))
        srv = stack.enter_context(HostileServer(portal(off.url)))
        check = zwgk("check", srv.url, "--unit", CHECK_UNIT, "--max-pages", str(MAX_PAGES), "--json", "-",
                     "--no-browser", "--as-of", AS_OF, "--db", str(db), "--out", str(out_parent / "check"))
        first_before = _rows(db, 1)

        blind = {name: stack.enter_context(HostileServer(routes)) for name, routes in blind_homes().items()}
        inj = stack.enter_context(HostileServer(injection_portal()))
        units = [{"name": name, "type": "county", "url": s.url} for name, s in blind.items()]
        units[0]["name"] = TRAVERSAL_UNIT
        units.append({"name": FORMULA_UNIT, "type": "department", "url": inj.url})
        units_file = root / "units.yaml"
        units_file.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
        audit = zwgk("audit", "--units", str(units_file), "--max-pages", "30", "--no-browser",
                     "--as-of", AS_OF, "--db", str(db), "--out", str(out_parent / "audit"))
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        off_hits = list(off.hits)
    store = Store(str(db))
    card = json.loads(check.stdout) if check.stdout.strip() else None
    return SimpleNamespace(root=root, db=db, store=store, check=check, card=card, audit=audit,
                           units=units, first_before=first_before, rss_kb=rss_kb, off_hits=off_hits,
                           portal_url=srv.url, out_parent=out_parent,
                           pages={p.url: p for p in store.load_pages(1, CHECK_UNIT)})


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_check_finishes_with_a_verdict_for_every_rule(hostile):
    assert hostile.check.returncode in (0, 1), hostile.check.stderr[-3000:]
    assert "Traceback" not in hostile.check.stderr
    card = hostile.card
    expected = [r.id for r in BOOK.applicable("county", CHECK_UNIT)]
    assert [r["rule"] for r in card["results"]] == expected
    assert card["pages"]["crawled"] <= MAX_PAGES + 1          # the budget held (+ the gkmlpt probe)


def test_no_rule_fails_on_what_zwgk_could_not_see(hostile):
    """A `fail` must rest on a page zwgk really received: never on a timeout, a reset, a page
    cut at the size limit, a redirect loop or a page it never fetched."""
    pages = hostile.pages
    by_final = {p.final_url: p for p in pages.values()}
    for r in hostile.card["results"]:
        fails = [f for f in r["findings"] if f.get("status") == "fail"]
        if r["status"] == "fail":
            assert fails and all(f["url"] for f in fails), r
        for f in fails:
            snap = pages.get(f["url"]) or by_final.get(f["url"])
            assert snap is not None, f"{r['rule']} fails on {f['url']}, a page zwgk never fetched: {f['message']}"
            assert snap.status is not None, (
                f"{r['rule']} fails on {f['url']} which could not be fetched ({snap.error}): {f['message']}")


def test_every_hostile_page_is_recorded_with_why(hostile):
    p = {_path(s.url): s for s in hostile.pages.values()}
    too_big = "页面超过大小上限"
    assert too_big in p["/big.html"].error                    # Content-Length says 50 MB
    assert too_big in p["/big-stream.html"].error             # no length: cut while streaming
    assert too_big in p["/bomb.html"].error                   # 400 MB of gzip: cut while inflating
    assert "超时" in p["/slow.html"].error and "超时" in p["/drip.html"].error
    assert "连接" in p["/reset.html"].error and "连接" in p["/truncated.html"].error
    assert "重定向循环" in p["/loop/a.html"].error and p["/loop/a.html"].status == 302
    assert "重定向次数过多" in p["/loop/inc.html"].error
    assert p["/always502.html"].status == 502 and p["/always500.html"].status == 500
    assert p["/flaky503.html"].status == 200 and p["/flaky503.html"].title == "第三次才成功"
    # every failure speaks Chinese, not a Python repr
    for s in hostile.pages.values():
        assert "Failure" not in s.error and "<twisted" not in s.error, (s.url, s.error)


def test_charsets_that_lie_are_decoded_right(hostile):
    p = {_path(s.url): s for s in hostile.pages.values()}
    assert p["/gbk-as-utf8.html"].title == "GBK页面 朱镕基"      # GBK bytes, header says UTF-8
    assert p["/utf8-as-gbk.html"].title == "UTF8页面 王堃"       # UTF-8 bytes, header says GBK
    assert p["/mixed.html"].title == "混合编码 江门"               # UTF-8 with a GBK paragraph
    assert "江门市人民政府办公室" in p["/mixed.html"].html
    assert p["/bom.html"].title == "BOM页面 江门"                 # BOM beats a wrong declaration
    assert p["/utf16.html"].title == "UTF16页面"
    assert p["/malformed.html"].title.startswith("坏页面")        # malformed markup: still parsed


def test_files_under_html_names_are_not_read_as_pages(hostile):
    p = {_path(s.url): s for s in hostile.pages.values()}
    for path in ("/report.html", "/doc.htm", "/image.html", "/binary.shtml"):
        assert p[path].html == "" and not p[path].links, path
    assert p["/report.html"].doc_error                          # tried as the PDF it is
    assert "Word" in p["/doc.htm"].doc_error


def test_huge_link_counts_are_capped_and_the_budget_holds(hostile):
    p = {_path(s.url): s for s in hostile.pages.values()}
    from zwgk.crawler import settings
    assert len(p["/many.html"].links) == settings.MAX_LINKS_PER_PAGE
    fetched = sum(1 for s in hostile.pages.values() if not s.external)
    assert fetched <= MAX_PAGES + 1


def test_off_site_redirect_is_recorded_not_explored(hostile):
    away = next(s for s in hostile.pages.values() if _path(s.url) == "/away.html")
    assert urlsplit(away.final_url).port != urlsplit(hostile.portal_url).port
    assert set(hostile.off_hits) <= {"/moved.html", "/robots.txt"}, hostile.off_hits


def test_memory_stays_bounded(hostile):
    # Linux reports ru_maxrss in KiB. A safety bound, not a benchmark.
    assert hostile.rss_kb < 1.5 * 1024 * 1024, f"peak RSS {hostile.rss_kb / 1024:.0f} MB"


def test_audit_of_unreadable_portals_says_unknown_never_fail(hostile):
    assert hostile.audit.returncode == 0, hostile.audit.stderr[-3000:]
    store = hostile.store
    run = store.latest_complete_run("audit")
    assert run is not None and run["status"] == "complete"
    units = {u["unit_name"]: u for u in store.unit_rows(run["id"])}
    blind = [u["name"] for u in hostile.units if u["name"] != FORMULA_UNIT]
    for name in blind:
        assert units[name]["status"] == "unreachable" and units[name]["error"], units[name]
        results = store.result_rows(run["id"], name)
        statuses = Counter(r["status"] for r in results)
        assert set(statuses) <= {"unknown", "not_applicable"}, (name, statuses)
        assert all(r["findings"] and r["findings"][0]["message"] for r in results if r["status"] == "unknown")
    assert "robots" in units[blind[0]]["error"]                 # robots-all: said why


def test_database_consistent_and_earlier_run_untouched(hostile):
    store = hostile.store
    with store.engine.connect() as conn:
        from sqlalchemy import text
        runs = conn.execute(text("select id, status, complete from runs order by id")).all()
    assert [(r.id, r.status, bool(r.complete)) for r in runs] == [(1, "complete", True), (2, "complete", True)]
    for run_id in (1, 2):
        for unit in store.unit_rows(run_id):
            rules = [r["rule"] for r in store.result_rows(run_id, unit["unit_name"])]
            assert rules == [r.id for r in BOOK.applicable(unit["unit_type"], unit["unit_name"])], unit["unit_name"]
    assert _rows(hostile.db, 1) == hostile.first_before


def test_unit_names_cannot_write_outside_out(hostile):
    root = hostile.root
    for path in root.rglob("*"):
        beside_db = path.parent == root and path.name.startswith("zwgk")      # db, lock, logs
        # the logs and the HTTP cache live beside the database, under names zwgk chooses
        # (audit-<run>.log, unit-<hash of the scope>.db): never a unit's name
        side_dirs = (root / "zwgk-logs", root / "zwgk-httpcache")
        if path.is_file() and path.name != "units.yaml" and not beside_db and \
                not any(d in path.parents for d in side_dirs):
            assert hostile.out_parent in path.parents, f"written outside --out: {path}"
    assert not list(root.parent.glob("evil*")) and not list(root.glob("evil*"))
    assert all(p.name.startswith("unit-") for p in (root / "zwgk-httpcache").glob("*.db*"))
    assert (hostile.out_parent / "check" / "index.html").exists()


def test_spreadsheets_store_formulas_as_text(hostile):
    from openpyxl import load_workbook
    out = hostile.out_parent / "audit"
    wb = load_workbook(out / "scorecards.xlsx")
    seen_formula_text = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in ("=", "+", "-", "@"), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                    seen_formula_text |= "HYPERLINK" in cell.value
    assert seen_formula_text, "the formula unit name should be in the workbook (as text)"
    for csv in out.glob("*.csv"):
        for line in csv.read_text(encoding="utf-8-sig").splitlines():
            for cell in line.split(","):
                assert cell.strip('"')[:1] not in ("=", "+", "@"), (csv.name, cell)


def test_html_scorecards_escape_crawled_text(hostile):
    """Text from the portal reaches the scorecard only escaped (the browser test runs it)."""
    pages = list((hostile.out_parent / "check").glob("*.html")) + list((hostile.out_parent / "audit").glob("*.html"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "&lt;script&gt;window.__pwned" in text                   # it is there, escaped
    for raw in ("<script>window.__pwned", "<img src=x onerror", "<svg onload"):
        assert raw not in text, raw


@pytest.mark.browser
def test_scorecards_run_no_script_and_fetch_nothing_in_chromium(hostile):
    """Open the scorecards made from the injection portals in real Chromium: no injected script
    or handler runs, and the pages ask the network for nothing (file:// only)."""
    from zwgk.crawler.browser import find_chromium
    executable, why = find_chromium()
    if executable is None:
        pytest.skip(f"没有 Chromium 可用：{why}")
    from playwright.sync_api import sync_playwright
    pages = [hostile.out_parent / "check" / "index.html", hostile.out_parent / "audit" / "index.html"]
    pages += sorted((hostile.out_parent / "audit").glob("unit-*.html"))
    pages += [hostile.out_parent / "audit" / "rule-broken-links.html"]
    requests, shown = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update"])
        try:
            context = browser.new_context()

            def route(r):
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    requests.append(r.request.url)
                    r.abort()
            context.route("**/*", route)
            page = context.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for path in pages:
                assert path.exists(), path
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                page.wait_for_timeout(50)
                assert page.evaluate("typeof window.__pwned") == "undefined", f"script ran in {path.name}"
                shown.append(page.evaluate("document.body.innerText"))
            assert not dialogs, dialogs
        finally:
            browser.close()
    assert not requests, f"scorecards fetched from the network: {requests[:5]}"
    text = "\n".join(shown)
    assert "<script>window.__pwned" in text          # shown as text, so the test could fail
    assert "<img src=x onerror=" in text
