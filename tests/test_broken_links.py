"""broken_links: statuses, soft 404s, and external links when the machine has no outside network.
Fixture cases (404 from a list, soft 404, an article mentioning 404) in
tests/fixtures/checks/broken_links/."""
from tests.contentkit import case_statuses, run
from tests.sitekit import snapshot
from zwgk.checks.site import Site

HOME = "http://x.gov.cn/"
LIST = "http://x.gov.cn/tzgg/index.html"
DEAD = "http://x.gov.cn/tzgg/t20230105_3.html"


def _site(target_status=200, error="", externals=()):
    home = snapshot(HOME, f'<html><body><a href="{LIST}">通知公告</a>'
                          '<a href="http://www.gd.gov.cn/">广东省人民政府</a>'
                          '<a href="https://www.gdzwfw.gov.cn/">广东政务服务网</a></body></html>')
    lst = snapshot(LIST, f'<html><body><ul><li><a href="{DEAD}">关于印发城市道路管理办法的通知</a></li></ul></body></html>',
                   depth=1)
    dead = snapshot(DEAD, "<html><body>ok</body></html>" if target_status == 200 and not error else "",
                    status=None if error else target_status, depth=2, error=error, referer=LIST)
    ext = [snapshot(u, "", status=st, depth=1, external=True, error=err, referer=HOME) for u, st, err in externals]
    return Site(HOME, [home, lst, dead, *ext])


def test_fixture_cases_cover_pass_and_fail():
    assert {"pass", "fail"} <= case_statuses("broken_links")


def test_404_names_the_broken_url_and_the_page_linking_to_it():
    result = run("broken_links", _site(404))
    assert result.status == "fail"
    [f] = [f for f in result.findings if f.status == "fail"]
    assert f.url == DEAD and LIST in f.evidence and "关于印发城市道路管理办法的通知" in f.evidence


def test_5xx_warns_unless_the_rulebook_says_fail():
    assert run("broken_links", _site(503)).status == "warn"
    assert run("broken_links", _site(503), {"fail_on_5xx": True}).status == "fail"


def test_the_cap_lists_the_404s_before_the_timeouts_in_any_crawl_order():
    pages = [f"{HOME}p{i}.html" for i in range(8)]
    home = snapshot(HOME, "<html><body>" + "".join(f'<a href="{u}">第{i}篇</a>' for i, u in enumerate(pages))
                    + "</body></html>")
    snaps = [snapshot(u, "", status=None if i < 6 else 404, depth=1, referer=HOME,
                      error="请求超时" if i < 6 else "") for i, u in enumerate(pages)]
    results = [run("broken_links", Site(HOME, [home, *order]), {"max_findings": 3}) for order in (snaps, snaps[::-1])]
    for result in results:
        assert [f.status for f in result.findings[:3]] == ["fail", "fail", "warn"], result.findings
        assert result.findings[3].message.startswith("另有 5 个")
    assert [f.url for f in results[0].findings] == [f.url for f in results[1].findings]


def test_timeouts_warn_and_robots_refusals_are_not_broken():
    assert run("broken_links", _site(error="请求超时")).status == "warn"
    assert run("broken_links", _site(error="robots.txt 禁止抓取")).status == "pass"


def test_no_outside_network_makes_external_links_unknown_not_broken():
    dns = "域名解析失败（DNS）"
    s = _site(externals=[("http://www.gd.gov.cn/", None, dns), ("https://www.gdzwfw.gov.cn/", None, dns)])
    result = run("broken_links", s, {"links": "external"})
    assert result.status == "unknown" and "无法访问外网" in result.findings[0].message
    assert run("broken_links", s).status == "pass"          # the internal rule is not affected


def test_external_404_and_dead_host_warn_when_other_hosts_answer():
    s = _site(externals=[("http://www.gd.gov.cn/", 404, ""),
                         ("https://www.gdzwfw.gov.cn/", None, "域名解析失败（DNS）"),
                         ("https://www.gov.cn/", 200, "")])
    result = run("broken_links", s, {"links": "external"})
    assert result.status == "warn"
    assert {f.url for f in result.findings if f.status == "warn"} == {"http://www.gd.gov.cn/", "https://www.gdzwfw.gov.cn/"}


def test_external_links_all_fine_pass():
    s = _site(externals=[("http://www.gd.gov.cn/", 200, "")])
    assert run("broken_links", s, {"links": "external"}).status == "pass"
