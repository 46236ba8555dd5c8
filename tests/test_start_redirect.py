"""A unit's URL that redirects to the same site under another name (xinhui.gov.cn →
www.xinhui.gov.cn: the registry is written once, portals move) is audited where the public lands;
one that redirects to another site or to a login page is not taken for the unit's site.

The county's compliant sample portal is served on 127.0.0.1 as `www.xinhui.test`; a redirecting
server on another port stands for the old names (the test DNS of tests/hostile/guarded_run maps
every name to 127.0.0.1, and --allow-internal lets the crawl reach its own loopback names: the
guard against internal addresses is tested in test_hostile_ssrf)."""
from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest

from tests.hostile.intranet import RecordingServer, html, redirect, run_guarded
from zwgk.sample_portals import serve_all, stop_all

AS_OF = date(2023, 3, 15)
UNIT = "江门市新会区人民政府"
NAMES = ["www.xinhui.test", "xinhui.test", "sso.xinhui.test", "m.xinhui.test", "other.test"]


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    portals = serve_all(tmp_path_factory.mktemp("portals"), AS_OF, ["county-good"])
    port = portals["county-good"].port
    home = f"http://www.xinhui.test:{port}/"
    old = RecordingServer("127.0.0.1", {"/": redirect(home)})
    login = ('<title>统一身份认证平台</title><form action="/login" method="post"><input name="u"><input name="p" '
             f'type="password"></form><a href="/register">注册</a><a href="/forgot">忘记密码</a><a href="{home}">返回首页</a>')
    sso = RecordingServer("127.0.0.1")
    sso.routes.update({"/": redirect(f"http://sso.xinhui.test:{sso.port}/login?service={home}"), "/login": html(login)})
    # an old portal's "/" that only jumps by script, and one that only switches phones to m.
    splash = RecordingServer("127.0.0.1", {
        "/": html(f'<title>新会区人民政府</title><script>window.location.href="{home}";</script>'),
        "/frame": (200, {"Content-Type": "text/html; charset=utf-8"},
                   f'<html><head><title>新会区人民政府</title></head><frameset rows="100%,*" frameborder="no">'
                   f'<frame src="{home}"><frame src="about:blank"></frameset></html>'),
        "/device": html('<title>新会区人民政府</title><script>if (/iPhone|Android/i.test(navigator.userAgent))'
                        f' {{ location.href = "http://m.xinhui.test:{port}/"; }}</script>')})
    yield SimpleNamespace(home=home, old=f"http://xinhui.test:{old.port}/", sso=f"http://xinhui.test:{sso.port}/",
                          other=f"http://other.test:{old.port}/", splash=f"http://xinhui.test:{splash.port}/",
                          device=f"http://xinhui.test:{splash.port}/device",
                          frame=f"http://xinhui.test:{splash.port}/frame")
    for s in (old, sso, splash):
        s.stop()
    stop_all(portals)


def _check(tmp_path, url):
    card = tmp_path / "card.json"
    proc, _seen = run_guarded(tmp_path, ["check", url, "--unit", UNIT, "--unit-type", "county", "--no-browser",
                                         "--allow-internal", "--as-of", AS_OF.isoformat(),
                                         "--db", str(tmp_path / "zwgk.db"), "--json", str(card)],
                              {name: ["127.0.0.1"] for name in NAMES}, env={"ZWGK_AUTOTHROTTLE_ENABLED": "0"})
    assert proc.returncode in (0, 1, 3), proc.stderr[-3000:]
    data = json.loads(card.read_text(encoding="utf-8"))
    return SimpleNamespace(pages=data["pages"]["crawled"], score=data["score"], log=proc.stderr,
                           statuses={r["rule"]: r["status"] for r in data["results"]},
                           unscored=data.get("unscored", ""), out=proc.stdout)


@pytest.fixture(scope="module")
def direct(net, tmp_path_factory):
    return _check(tmp_path_factory.mktemp("direct"), net.home)


def test_a_start_url_moved_to_www_is_audited_as_the_site_it_moved_to(net, direct, tmp_path):
    moved = _check(tmp_path, net.old)
    assert direct.pages > 100 and moved.pages >= direct.pages, (moved.pages, direct.pages)
    assert moved.statuses == direct.statuses
    assert moved.score == direct.score


@pytest.mark.parametrize("how", ["splash", "frame"])
def test_a_start_page_that_only_jumps_or_frames_the_site_is_followed_like_a_redirect(net, direct, tmp_path, how):
    jumped = _check(tmp_path, getattr(net, how))
    assert jumped.pages >= direct.pages, (jumped.pages, direct.pages)
    assert jumped.statuses == direct.statuses and jumped.score == direct.score


def test_a_page_that_only_switches_phones_to_the_mobile_site_is_not_followed(net, tmp_path):
    run = _check(tmp_path, net.device)
    assert run.pages <= 2, run.pages
    # what a desktop visitor gets is an empty page without metadata: true of it, and the only fail
    assert {k for k, v in run.statuses.items() if v == "fail"} <= {"page-metadata"}, run.statuses
    assert run.score is None


def test_a_redirect_to_another_site_moves_nothing_fails_nothing_and_is_not_scored(net, tmp_path):
    """other.test lands on the county's home page: not the unit's site, so one page is seen,
    every absence rule says unknown, and the few rules that page passes make no 100 分."""
    run = _check(tmp_path, net.other)
    assert run.pages <= 2, run.pages
    assert "fail" not in run.statuses.values(), run.statuses
    assert "pass" in run.statuses.values(), run.statuses
    assert run.score is None and run.unscored.startswith("抓取到的内容太少，未评分"), (run.score, run.unscored)
    assert "未评分" in run.out                         # the terminal line says so too


def test_a_redirect_to_a_login_page_moves_nothing_and_fails_nothing(net, tmp_path):
    run = _check(tmp_path, net.sso)
    assert run.pages <= 3, run.pages
    assert "fail" not in run.statuses.values(), run.statuses
    assert run.score is None
