"""The portal spider over real HTTP, where the network is what is tested: robots.txt, the budget in
the scheduler's order, redirects, dead outside hosts, gkmlpt pagination, the HTTP cache. What it
records of a page and which links it follows: test_spider_parse.py (in process)."""
import json

from tests.webkit import Routes, crawl

HTML = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def page(title, *links):
    return HTML.format(title=title, body="".join(f'<a href="{h}">{t}</a> ' for t, h in links))


def by_path(snaps):
    from urllib.parse import urlsplit
    return {urlsplit(s["url"]).path + (("?" + urlsplit(s["url"]).query) if urlsplit(s["url"]).query else ""): s
            for s in snaps if not s["external"]}


def test_robots_obeyed_by_default_and_switch_for_authorised_audit():
    routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/": page("首页", ("内部", "/private/admin.html"), ("公开", "/open.html")),
        "/open.html": page("公开"),
        "/private/admin.html": page("内部"),
    }
    with Routes(routes) as srv:
        crawl(srv.url)
        assert "/private/admin.html" not in srv.hits and "/open.html" in srv.hits
        srv.hits.clear()
        crawl(srv.url, "--ignore-robots")
        assert "/private/admin.html" in srv.hits


def test_budget_goes_to_rule_keywords_first_and_refusals_are_recorded():
    links = [(f"新闻{i}", f"/news/{i}.html") for i in range(30)] + [("稳经济专栏", "/ztzl/wjj/index.html")]
    routes = {"/": page("首页", *links), "/ztzl/wjj/index.html": page("稳经济")}
    routes.update({f"/news/{i}.html": page(f"新闻{i}") for i in range(30)})
    with Routes(routes) as srv:
        snaps, summary = crawl(srv.url, "--max-pages", "4")
    paths = by_path(snaps)
    assert "/ztzl/wjj/index.html" in paths          # the keyword link won the budget
    assert len([p for p in paths if p != "/gkmlpt/index"]) <= 4
    assert summary["budget_refused"], "links left unfetched must be recorded as such"


def test_redirects_recorded_and_external_dead_host_tried_once():
    routes = {
        "/": page("首页", ("旧栏目", "/old.html"), *[(f"外链{i}", f"http://no-such-host.invalid/p{i}") for i in range(8)]),
        "/old.html": (301, {"Location": "/new.html"}, b""),
        "/new.html": page("新栏目"),
    }
    with Routes(routes) as srv:
        snaps, _ = crawl(srv.url)
    new = [s for s in snaps if s["final_url"].endswith("/new.html")][0]
    assert new["url"].endswith("/old.html") and new["redirects"]
    external = [s for s in snaps if s["external"]]
    assert 1 <= len(external) <= 5                    # per-host cap
    assert all(s["status"] is None and s["error"] for s in external)
    assert sum(1 for s in external if "同主机" not in s["error"]) == 1   # one real lookup


def _gkmlpt_routes():
    config = ("<html><head><title>政府信息公开</title></head><body><div id='app'></div><script>"
              "window._CONFIG = {SID: '750001', TREE: [{id: 2, name: '法定主动公开内容', children: ["
              "{id: 21, name: '规范性文件', children: []}, {id: 22, name: '政府信息公开年报'}]}]};"
              "</script><script src='/gkmlpt/js/app.js'></script></body></html>")

    def api(page_no, arts, total):
        data = {"classify": {"name": "规范性文件", "post_count": total},
                "articles": [{"title": t, "url": u, "date": 1661400000, "document_number": "江府规〔2022〕1号",
                              "is_expired": 0, "is_abolished": ab} for t, u, ab in arts]}
        return (200, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False).encode())

    return {
        "/": page("首页", ("政府信息公开", "/gkmlpt/index")),
        "/gkmlpt/index": config,
        "/gkmlpt/api/all/21?page=1&sid=750001": api(1, [("关于A的通知", "/gkmlpt/content/1/1/post_1.html", 0),
                                                       ("关于B的通知", "/gkmlpt/content/1/1/post_2.html", 1)], 3),
        "/gkmlpt/api/all/21?page=2&sid=750001": api(2, [("关于C的通知", "/gkmlpt/content/1/1/post_3.html", 0)], 3),
        "/gkmlpt/content/1/1/post_1.html": page("关于A的通知"),
        "/gkmlpt/content/1/1/post_2.html": page("关于B的通知"),
        "/gkmlpt/content/1/1/post_3.html": page("关于C的通知"),
    }


def test_gkmlpt_read_through_its_api():
    with Routes(_gkmlpt_routes()) as srv:
        snaps, _ = crawl(srv.url)
    paths = by_path(snaps)
    assert "/gkmlpt/api/all/21?page=1&sid=750001" in paths
    assert "/gkmlpt/api/all/21?page=2&sid=750001" in paths      # pagination followed
    assert "/gkmlpt/content/1/1/post_3.html" in paths            # articles followed

    from zwgk.checks.site import Site
    from zwgk.page.snapshot import PageSnapshot
    site = Site(srv.url, [PageSnapshot.from_dict(s) for s in snaps])
    rows = {r.title: r for r in site.gkmlpt_rows()}
    assert set(rows) == {"关于A的通知", "关于B的通知", "关于C的通知"}
    assert rows["关于B的通知"].is_abolished is True and rows["关于A的通知"].is_abolished is False
    assert rows["关于A的通知"].date.isoformat() == "2022-08-25"
    # the platform's columns are findable like any column link
    assert site.find_links(["政府信息公开年报"])


def test_http_cache_revalidates_and_reuses_unchanged_pages(tmp_path):
    from datetime import date

    from zwgk.sample_portals import serve_all, stop_all
    servers = serve_all(tmp_path / "portals", date(2023, 3, 15), names=["county-good"])
    srv = servers["county-good"]
    env_cache = ["--scope", srv.url]
    try:
        import os
        os.environ["ZWGK_HTTPCACHE_ENABLED"] = "1"
        os.environ["ZWGK_HTTPCACHE_DIR"] = str(tmp_path / "cache")
        first, _ = crawl(srv.url, "--max-pages", "1000", *env_cache)
        second, _ = crawl(srv.url, "--max-pages", "1000", *env_cache)
    finally:
        os.environ.pop("ZWGK_HTTPCACHE_ENABLED", None)
        os.environ.pop("ZWGK_HTTPCACHE_DIR", None)
        stop_all(servers)
    internal = lambda snaps: {s["url"]: s for s in snaps if not s["external"] and s["status"] == 200}
    a, b = internal(first), internal(second)
    assert a.keys() == b.keys()
    assert not any(s["from_cache"] for s in a.values())
    assert sum(s["from_cache"] for s in b.values()) >= 0.9 * len(b)      # answered 304
    assert all(a[u]["html"] == b[u]["html"] and a[u]["links"] == b[u]["links"] for u in a)
