"""A hostile portal that tries to lead zwgk into the intranet (issue 16, item 3), crawled for real.

The portal is `http://portal.test:P1/` (the test DNS maps the name to 127.0.0.1, so the site looks
public). Its pages link to intranet stand-ins on 127.0.0.2:P2, 127.0.0.3:P3, 127.0.0.1:P2 (what
`localhost:P2` reaches) and [::1]:P2 in every notation, and to names resolving there; in-site
links redirect there by 302 and by <meta refresh> (query string included); an outside host that
the audit allows answers the HEAD check with a redirect inward. The stand-ins record every
connection they accept. `zwgk check` must reach none of them, record every such link with its
reason, still crawl the site, and fail the no-intranet-links rule naming the page and the target.
The control run with `--allow-internal` shows the stand-ins do see a crawler that reaches them.
The browser pass gets the same treatment with Chromium (sub-resources, redirects, navigation).
"""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.hostile.intranet import RecordingServer, html, ipv6_loopback, redirect, run_guarded, same_port
from zwgk.page.netaddr import REFUSED_PREFIX
from zwgk.storage.database import Store

IPV6 = ipv6_loopback()
UNIT = "内网测试单位"


@pytest.fixture(scope="module")
def net():
    stand = same_port(["127.0.0.2", "127.0.0.1"] + (["::1"] if IPV6 else []))
    s2, s_lo, s6 = stand[0], stand[1], (stand[2] if IPV6 else None)
    s3 = RecordingServer("127.0.0.3")
    p2, p3 = s2.port, s3.port
    site, outside = RecordingServer("127.0.0.1"), RecordingServer("127.0.0.1")
    p1 = site.port
    start = f"http://portal.test:{p1}/"
    links = {
        "literal": f"http://127.0.0.2:{p2}/literal",
        "literal3": f"http://127.0.0.3:{p3}/literal3",
        "localhost": f"http://localhost:{p2}/localhost",
        "integer": f"http://2130706434:{p2}/integer",
        "hex": f"http://0x7f.0.0.2:{p2}/hex",
        "short": f"http://127.2:{p2}/short",
        "octal": f"http://0177.0.0.02:{p2}/octal",
        "mapped": f"http://[::ffff:127.0.0.2]:{p2}/mapped",
        "fullwidth": f"http://１２７。０。０。２:{p2}/fullwidth",
        "trailing_dot": f"http://127.0.0.2.:{p2}/dot",
        "loopback_ip": f"http://127.0.0.1:{p2}/lo",                 # the site's address, another port
        "dns": f"http://intranet.test:{p2}/dns",                    # a name resolving inside
        "site_alias": f"http://site-alias.test:{p1}/alias",         # the site's address, another name
    }
    if IPV6:
        links["ipv6"] = f"http://[::1]:{p2}/ipv6"
        links["dns6"] = f"http://intranet6.test:{p2}/dns6"
    hops = {
        "/redirect-out": f"http://127.0.0.2:{p2}/redirected?token=s3cret&id=7",
        "/redirect-int": f"http://2130706435:{p3}/redirected-int",
        "/redirect-dns": f"http://intranet.test:{p2}/redirected-dns",
        "/refresh": f"http://127.0.0.2:{p2}/refreshed?q=1",
    }
    anchors = "".join(f'<a href="{u}">{k}</a>' for k, u in links.items())
    anchors += "".join(f'<a href="{path}">跳转{i}</a>' for i, path in enumerate(hops))
    anchors += (f'<a href="/page2">第二页</a><a href="/redirect-self">本站跳转</a>'
                f'<a href="{outside.base}/go">外部网站</a><a href="{outside.base}/fine">外部网站2</a>')
    site.routes.update({
        "/": html(f"<title>内网测试门户</title>{anchors}"),
        "/page2": html("<p>本站第二页</p>"),
        "/page3": html("<p>经本站重定向到达</p>"),
        "/redirect-self": redirect(f"{start}page3"),
        "/redirect-out": redirect(hops["/redirect-out"]),
        "/redirect-int": redirect(hops["/redirect-int"]),
        "/redirect-dns": redirect(hops["/redirect-dns"]),
        "/refresh": html(f'<meta http-equiv="refresh" content="0; url={hops["/refresh"]}">'),
    })
    outside.routes.update({"/go": redirect(f"http://127.0.0.2:{p2}/from-outside"), "/fine": html("ok")})
    stand_ins = {"127.0.0.2": s2, "127.0.0.3": s3, f"127.0.0.1:{p2}": s_lo, **({"::1": s6} if s6 else {})}
    dns = {"portal.test": ["127.0.0.1"], "intranet.test": ["127.0.0.2"], "site-alias.test": ["127.0.0.1"],
           "intranet6.test": ["::1"]}
    yield SimpleNamespace(site=site, outside=outside, stand_ins=stand_ins, links=links, hops=hops, dns=dns,
                          start=start, allowed_outside=f"127.0.0.1:{outside.port}")
    for s in [site, outside, s3, *stand]:
        s.stop()


def _check(net, tmp_path, *extra):
    db, card = tmp_path / "zwgk.db", tmp_path / "card.json"
    for s in net.stand_ins.values():
        s.reset()
    proc, seen = run_guarded(tmp_path, ["check", net.start, "--unit", UNIT, "--no-browser", "--max-pages", "40",
                                        "--as-of", "2023-03-01", "--db", str(db), "--json", str(card), *extra],
                             net.dns, env={"ZWGK_NETGUARD_ALLOWED_HOSTS": net.allowed_outside,
                                                      "ZWGK_AUTOTHROTTLE_ENABLED": "0"})
    assert seen["exit"] in (0, 1), proc.stderr[-3000:]
    pages = Store(str(db)).load_pages(1, UNIT)
    rule = next(r for r in json.loads(card.read_text(encoding="utf-8"))["results"] if r["rule"] == "no-intranet-links")
    return SimpleNamespace(seen=seen, pages=pages, rule=rule, log=proc.stderr)


@pytest.fixture(scope="module")
def guarded(net, tmp_path_factory):
    run = _check(net, tmp_path_factory.mktemp("guarded"))
    run.leaked = {name: list(s.connections) for name, s in net.stand_ins.items() if s.connections}
    return run


def _record(run, url):
    """The snapshot of a link (Scrapy and the page model write some hosts canonically)."""
    path = url.rsplit("/", 1)[1]
    return next((p for p in run.pages if p.url == url), None) or next(
        (p for p in run.pages if p.url.endswith("/" + path) and p.error), None)


def test_no_intranet_address_is_contacted(guarded):
    assert guarded.leaked == {}, f"stand-ins reached: {guarded.leaked}\n{guarded.log[-3000:]}"


def test_every_notation_is_recorded_as_a_link_into_the_intranet(net, guarded):
    for name, url in net.links.items():
        rec = _record(guarded, url)
        assert rec is not None, f"{name}: no snapshot of {url}"
        assert rec.status is None and rec.error.startswith(REFUSED_PREFIX), (name, rec.error)
    assert "回环地址" in _record(guarded, net.links["integer"]).error
    assert "解析为 127.0.0.2" in _record(guarded, net.links["dns"]).error     # refused after DNS


def test_redirects_and_meta_refresh_into_the_intranet_are_refused_with_their_target(net, guarded):
    for path, target in net.hops.items():
        rec = next(p for p in guarded.pages if p.url == net.start.rstrip("/") + path)
        assert rec.error.startswith(REFUSED_PREFIX) and "经重定向" in rec.error, rec.error
        assert rec.final_url == target, (path, rec.final_url)
    go = next(p for p in guarded.pages if p.url.endswith("/go"))
    assert go.external and go.error.startswith(REFUSED_PREFIX) and "经重定向" in go.error, go.error
    assert ("HEAD", "/go") in net.outside.requests         # the allowed outside host was checked


def test_the_site_itself_is_still_crawled(net, guarded):
    ok = {p.url for p in guarded.pages if p.status == 200 and not p.external}
    assert {net.start, net.start + "page2", net.start + "redirect-self"} <= ok, ok
    assert {"/", "/page2", "/page3", "/redirect-self", "/robots.txt"} <= net.site.paths()
    assert next(p for p in guarded.pages if p.url.endswith("/fine")).status == 200


def test_the_rule_fails_naming_the_page_and_the_internal_target(net, guarded):
    rule = guarded.rule
    assert rule["status"] == "fail", rule
    fails = [f for f in rule["findings"] if f["status"] == "fail"]
    assert any(f["url"] == net.start and net.links["literal"] in f["message"] for f in fails), fails
    warns = [f for f in rule["findings"] if f["status"] == "warn"]
    assert any(net.links["dns"] in f["message"] and "DNS" in f["message"] for f in warns), warns
    assert any("重定向" in f["message"] and any(t in f["message"] for t in net.hops.values()) for f in warns), warns
    # more targets than the rule lists one by one: none is lost, the rest are named in the last finding
    named = " ".join(f["message"] + " " + f.get("evidence", "") for f in rule["findings"])
    assert all(t in named for t in net.hops.values()), named
    assert all(u in named for u in net.links.values()), named


def test_control_allow_internal_reaches_the_stand_ins(net, guarded, tmp_path):
    run = _check(net, tmp_path, "--allow-internal")
    assert {"/literal", "/integer", "/hex", "/short", "/redirected", "/refreshed"} <= net.stand_ins["127.0.0.2"].paths()
    assert net.stand_ins["127.0.0.3"].connections
    assert not [p for p in run.pages if p.error.startswith(REFUSED_PREFIX)]
    assert run.rule["status"] == "fail"         # the links are still on a public page


# -- the browser pass: Chromium fetches sub-resources and follows redirects itself ------------------
def _browser_pass(start: str, visits: list[str], allow_internal: bool):
    from zwgk.crawler.browser import BrowserPool, BrowserSettings, UnitJob
    from zwgk.page.browser_evidence import ProbeConfig
    job = UnitJob(unit={"name": UNIT, "type": "county", "url": start}, config=ProbeConfig(),
                  visits=[(u, "rendered", "", False, True) for u in visits], allow_internal=allow_internal)
    BrowserPool(CHROMIUM, BrowserSettings(screenshots=False, idle_ms=500)).run_pass([job])
    return job


def _chromium():
    from zwgk.crawler.browser import find_chromium
    return find_chromium()


CHROMIUM, NO_CHROMIUM = _chromium()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason=f"没有 Chromium 可用：{NO_CHROMIUM}")
def test_the_browser_pass_reaches_no_intranet_address():
    stand = same_port(["127.0.0.2", "127.0.0.1"] + (["::1"] if IPV6 else []))
    p2 = stand[0].port
    site = RecordingServer("127.0.0.1")
    start = f"http://127.0.0.1:{site.port}/"
    sub = (f'<img src="http://127.0.0.2:{p2}/img.png"><img src="/ok.png"><script src="/redir.js"></script>'
           f'<iframe src="http://2130706434:{p2}/frame"></iframe>'
           f'<script>fetch("http://localhost:{p2}/fetch").catch(() => 0)</script>'
           + (f'<link rel="stylesheet" href="http://[::1]:{p2}/style.css">' if IPV6 else ""))
    site.routes.update({"/": html(f"<h1>内网测试门户</h1>{sub}"),
                        "/ok.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
                        "/redir.js": redirect(f"http://127.0.0.2:{p2}/evil.js"),
                        "/nav": redirect(f"http://127.0.0.2:{p2}/navigated")})
    try:
        job = _browser_pass(start, [start, start + "nav"], allow_internal=False)
        leaked = {s.host: list(s.connections) for s in stand if s.connections}
        assert leaked == {}, leaked
        home = job.evidence.pages[start]
        assert home.status == 200 and "内网测试门户" in job.rendered_html[start]
        assert "/ok.png" in site.paths()                              # the site's own requests go through
        assert job.evidence.pages[start + "nav"].status == 403         # the redirect hop was refused
        [note] = [n for n in job.evidence.notes if "内网地址" in n]
        assert "127.0.0.2" in note and f"localhost:{p2}" in note
        control = _browser_pass(start, [start, start + "nav"], allow_internal=True)
        assert {"/img.png", "/evil.js", "/navigated"} <= stand[0].paths()   # the stand-in sees a browser
        assert not [n for n in control.evidence.notes if "内网地址" in n]
    finally:
        for s in [site, *stand]:
            s.stop()
