"""A compliant portal behind a "firewall" (tests/hostile/firewall.py, a proxy on 127.0.0.1) that
answers 200 with block, captcha, challenge and empty pages — on the home page, after 20
requests, on column pages only — or 429 with Retry-After; and the same portal with a home page
that opens with 300 unclosed <font> tags. Each `zwgk check` is compared with the unblocked
portal's verdicts: not one rule may fail that did not fail there (a wrong fail is the worst
bug); the rules that needed the blocked pages say unknown, with the reason. A blocked home page
is exit 3, like an unreachable one. After a 429 with Retry-After only the requests already on
their way reach the host. A clean audit followed by a blocked one reports nothing as worse."""
from __future__ import annotations

import json
import re
import time
from datetime import date
from email.utils import formatdate

import pytest
import yaml

from tests.hostile.firewall import Firewall, after, column_pages, home_page
from tests.hostile.run import zwgk
from zwgk.crawler import settings
from zwgk.crawler.backoff import retry_after_seconds
from zwgk.sample_portals import build_portals, serve

AS_OF = date(2023, 3, 15)
UNIT = "新会区人民政府"
# short pauses, so a blocked crawl costs seconds; the number of blocks before a stop as shipped
ENV = {"ZWGK_BLOCK_BACKOFF_START": "0.2", "ZWGK_BLOCK_BACKOFF_MAX": "1"}
REASONS = re.compile(r"被网站防护拦截|验证码页面|脚本验证|空白页面|内容为空|服务器要求暂停访问")


def _check(url: str, db, env=None):
    proc = zwgk("check", url, "--unit", UNIT, "--unit-type", "county", "--as-of", AS_OF.isoformat(),
                "--json", "-", "--no-browser", "--db", f"sqlite:///{db}", env={**ENV, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    card = json.loads(proc.stdout) if proc.stdout.strip() else None
    return proc, card


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("firewall")
    built = build_portals(root / "portals", AS_OF, ["county-good"])["county-good"]
    with serve(built) as portal:
        proc, card = _check(portal.url, root / "base.db")
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield portal, root, {r["rule"]: r["status"] for r in card["results"]}


def _statuses(card) -> dict:
    return {r["rule"]: r["status"] for r in card["results"]}


def _added_fails(base: dict, card) -> list:
    return [rule for rule, status in _statuses(card).items() if status == "fail" and base[rule] != "fail"]


def _assert_only_unknown_added(base: dict, card):
    """No new fail, and every rule whose verdict changed says unknown, with a reason."""
    assert _added_fails(base, card) == []
    changed = {r["rule"]: r for r in card["results"] if r["status"] != base[r["rule"]]}
    assert changed, "the blocked pages made no difference: the test could not fail"
    assert {r["status"] for r in changed.values()} == {"unknown"}
    for r in changed.values():
        assert r["findings"] and all(f["message"] for f in r["findings"]), r
    return changed


def test_the_unblocked_portal_passes(county):
    _, _, base = county
    assert "fail" not in base.values() and list(base.values()).count("pass") >= 25


@pytest.mark.parametrize("kind", ["block", "captcha", "challenge", "empty"])
def test_a_blocked_home_page_is_exit_3_and_no_rule_fails(county, kind, tmp_path):
    portal, _, base = county
    with Firewall(portal.url, home_page(kind)) as waf:
        proc, card = _check(waf.url, tmp_path / "z.db")
    assert proc.returncode == 3, proc.stderr[-2000:]
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("zwgk: 首页无法访问") and REASONS.search(line), line
    assert set(_statuses(card).values()) <= {"unknown", "not_applicable"}
    assert waf.count(kind) <= 2                     # asked once more after a pause, then given up


@pytest.mark.parametrize("label,policy", [
    ("blocked after 20 requests", after(20)),
    ("column pages blocked", column_pages()),
    ("column pages empty", column_pages("empty")),
])
def test_blocked_pages_mid_crawl_add_no_fail(county, label, policy, tmp_path):
    portal, _, base = county
    with Firewall(portal.url, policy) as waf:
        proc, card = _check(waf.url, tmp_path / "z.db")
    assert proc.returncode == 0, proc.stderr[-2000:]
    changed = _assert_only_unknown_added(base, card)
    said = " ".join(f["message"] + " " + (f.get("evidence") or "") for r in changed.values() for f in r["findings"])
    assert REASONS.search(said), said[:2000]
    # the host was stopped after BLOCK_MAX_CONSECUTIVE blocks in a row: nothing more fed the firewall
    blocked = sum(1 for _, _, k in waf.log if k != "ok")
    assert blocked <= settings.BLOCK_MAX_CONSECUTIVE + settings.CONCURRENT_REQUESTS_PER_DOMAIN + 2, waf.log[-20:]
    if label == "column pages blocked":
        # both annual-report deadlines live in column pages: unknown, never a fail
        assert _statuses(card)["annual-report-deadline"] == "unknown"
        assert _statuses(card)["rule-of-law-report-deadline"] == "unknown"


def test_a_blocked_night_after_a_clean_one_is_not_worse(county, tmp_path):
    """The nightly audit: clean, then blocked after 20 requests. summary.json lists nothing as
    worse (unknown is not worse than pass) and the webhook would post no 变差."""
    portal, _, base = county
    db = tmp_path / "zwgk.db"
    with Firewall(portal.url, lambda path, n: None) as waf:
        units = tmp_path / "units.yaml"
        units.write_text(yaml.safe_dump({"units": [{"name": UNIT, "type": "county", "url": waf.url}]},
                                        allow_unicode=True), encoding="utf-8")
        summaries = []
        for night, policy in ((AS_OF, lambda path, n: None), (date(2023, 3, 16), after(20))):
            waf.policy, waf.pages = policy, 0
            out = tmp_path / f"out-{night}"
            proc = zwgk("audit", "--units", str(units), "--no-browser", "--as-of", night.isoformat(),
                        "--db", str(db), "--out", str(out), env=ENV)
            assert proc.returncode == 0, proc.stderr[-3000:]
            summaries.append(json.loads((out / "summary.json").read_text(encoding="utf-8")))
            said = proc.stdout + proc.stderr
        assert any(k != "ok" for _, _, k in waf.log)     # the second night was blocked
    clean, blocked = summaries
    assert blocked["previous_run_id"] == clean["run_id"]
    assert blocked["worse"] == [], blocked["worse"]
    assert "变差 0 项" in said, said[-2000:]
    assert blocked["units"][0]["fail"] == 0 and blocked["units"][0]["unknown"] > clean["units"][0]["unknown"]


# -- 429 and Retry-After -----------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_with_a_long_retry_after_stops_the_host_at_once(county, form, tmp_path):
    portal, _, base = county
    retry_after = "3600" if form == "seconds" else formatdate(time.time() + 3600, usegmt=True)
    env = {} if form == "seconds" else {"ZWGK_UNIT_TIME_BUDGET": "300"}
    started = time.monotonic()
    with Firewall(portal.url, lambda path, n: "busy" if n > 20 else None, retry_after=retry_after) as waf:
        proc, card = _check(waf.url, tmp_path / "z.db", env)
        late = list(waf.after_first_429)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert time.monotonic() - started < 120              # it did not sit out the hour either
    # only requests already on their way when the 429 came (at most the per-host concurrency)
    assert len(late) < settings.CONCURRENT_REQUESTS_PER_DOMAIN, late
    changed = _assert_only_unknown_added(base, card)
    said = " ".join(f["message"] + " " + (f.get("evidence") or "") for r in changed.values() for f in r["findings"])
    assert "服务器要求暂停访问（HTTP 429" in said and "已停止抓取该主机" in said, said[:2000]


def test_429_with_a_short_retry_after_pauses_the_host_then_goes_on(county, tmp_path):
    portal, _, base = county
    with Firewall(portal.url, lambda path, n: "busy" if n == 21 else None, retry_after="2") as waf:
        proc, card = _check(waf.url, tmp_path / "z.db")
        log = list(waf.log)
    assert proc.returncode == 0, proc.stderr[-2000:]
    t429, path429 = next((t, p) for t, p, k in log if k == "busy")
    during = [p for t, p, _ in log if t429 < t < t429 + 1.9]
    assert len(during) < settings.CONCURRENT_REQUESTS_PER_DOMAIN, during       # in flight only
    again = [t for t, p, k in log if p == path429 and t > t429]
    assert again and again[0] - t429 >= 1.9                    # asked again after the pause, never at once
    assert _statuses(card) == base                              # and the crawl went on to the end


def test_retry_after_values():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(b" 3600 ") == 3600
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    date_ = "Wed, 15 Mar 2023 10:00:00 GMT"
    assert retry_after_seconds("Wed, 15 Mar 2023 11:00:00 GMT", date=date_) == 3600   # the server's clock
    assert retry_after_seconds("Wed, 15 Mar 2023 09:00:00 GMT", date=date_) == 0      # in the past: no wait
    assert abs(retry_after_seconds(formatdate(time.time() + 60, usegmt=True)) - 60) < 2


# -- deep nesting ------------------------------------------------------------------------------------
def test_a_home_page_opening_with_300_unclosed_font_tags_is_read_whole(county, tmp_path):
    portal, _, base = county
    built = build_portals(tmp_path / "portals", AS_OF, ["county-good"])["county-good"]
    home = built / "index.html"
    raw = home.read_bytes()
    body = re.search(rb"<body[^>]*>", raw)
    home.write_bytes(raw[:body.end()] + b"<font size=2>" * 300 + raw[body.end():])
    with serve(built) as deep:
        proc, card = _check(deep.url, tmp_path / "z.db")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert card["pages"]["crawled"] > 100                 # its links were found and followed
    assert _statuses(card) == base                        # site identity included


# -- the crawler's own record ------------------------------------------------------------------------
def test_the_crawl_records_why_and_keeps_a_script_shell_apart(tmp_path):
    """`zwgk crawl` of a small portal over HTTP: a block page and a captcha are failed fetches
    with their reason and none of their links is followed; a Vue shell is an ordinary page (the
    browser pass renders it); an empty robots.txt is no firewall."""
    from tests.hostile import HostileServer, respond
    from tests.hostile.firewall import SAMPLES, _sample
    shell = (SAMPLES.parent / "negative" / "n07_vue_shell.html").read_bytes()
    safedog, gbk = _sample("p01_safedog_block.html")
    captcha, utf8 = _sample("p18_360_captcha.html")
    nav = "".join(f'<a href="/c{i}.html">栏目{i}</a>' for i in range(20))
    home = (f"<html><head><meta charset='utf-8'><title>江门市人民政府</title></head><body><div class='nav'>{nav}"
            "<a href='/app/'>政务服务</a><a href='/zwgk/'>政务公开</a><a href='/hd/'>互动交流</a></div>"
            "<div class='footer'>主办单位：江门市人民政府 网站标识码 4407000001</div></body></html>")
    routes = {"/": respond(home), "/robots.txt": respond(b"", ctype="text/plain"), "/app/": respond(shell),
              "/zwgk/": respond(safedog, ctype=gbk), "/hd/": respond(captcha, ctype=utf8),
              **{f"/c{i}.html": respond(home.replace("江门市人民政府</title>", f"栏目{i}_江门市人民政府</title>"))
                 for i in range(20)}}
    out = tmp_path / "crawl.jsonl"
    with HostileServer(routes) as srv:
        proc = zwgk("crawl", srv.url, "--jsonl", str(out), env=ENV)
        hits = list(srv.hits)
    assert proc.returncode == 0, proc.stderr[-2000:]
    snaps = {s["url"].replace(srv.url, "/"): s for s in map(json.loads, out.read_text("utf-8").splitlines()[:-1])}
    assert snaps["/zwgk/"]["error"] == "被网站防护拦截（网站安全狗）" and snaps["/zwgk/"]["status"] == 200
    assert snaps["/hd/"]["error"] == "验证码页面" and not snaps["/hd/"]["links"]
    assert snaps["/app/"]["error"] == "" and snaps["/"]["error"] == ""
    assert all(snaps[f"/c{i}.html"]["error"] == "" for i in range(20))
    assert hits.count("/zwgk/") == 2 and hits.count("/hd/") == 2     # asked once more after a pause
