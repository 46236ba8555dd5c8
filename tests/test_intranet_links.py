"""intranet_links: links into an intranet are fails when written in a public page, warns where
the auditing machine's network may be why (DNS, redirects) or the site itself is internal.
Fixture cases (a private address, an integer notation in an article, a real page whose script
names 127.0.0.1, public hosts that look internal) in tests/fixtures/checks/intranet_links/."""
from tests.contentkit import case_statuses, run
from tests.sitekit import snapshot
from zwgk.checks.site import Site

HOME = "http://www.x.gov.cn/"
REFUSED = "链接指向内网地址"


def _home(*links):
    return snapshot(HOME, "<html><body>" + "".join(f'<a href="{u}">{t}</a>' for u, t in links) + "</body></html>")


def test_fixture_cases_cover_pass_and_fail():
    assert {"pass", "fail"} <= case_statuses("intranet_links")


def test_a_name_only_dns_showed_internal_is_a_warn_naming_page_and_target():
    oa = "http://oa.city.gov.cn/login"
    refused = snapshot(oa, "", status=None, depth=1, external=True, referer=HOME, link_text="协同办公",
                       error=f"{REFUSED}：{oa}（oa.city.gov.cn 解析为 10.3.4.5：私有地址（10.0.0.0/8））")
    result = run("intranet_links", Site(HOME, [_home((oa, "协同办公"), ("https://www.gd.gov.cn/", "省政府")), refused]))
    assert result.status == "warn", result.findings
    [f] = [f for f in result.findings if f.status == "warn"]
    assert f.url == HOME and oa in f.message and "10.3.4.5" in f.message and "协同办公" in f.evidence


def test_an_in_site_link_redirected_into_the_intranet_is_a_warn():
    start, target = HOME + "zwgk/index.html", "http://192.168.1.20/login?next=/zwgk"
    refused = snapshot(start, "", status=None, depth=1, referer=HOME, final_url=target, redirects=(start,),
                       error=f"{REFUSED}：{target}（192.168.1.20 是私有地址（192.168.0.0/16）；经重定向，原链接 {start}）")
    result = run("intranet_links", Site(HOME, [_home((start, "政务公开")), refused]))
    assert result.status == "warn", result.findings
    assert any("重定向" in f.message and target in f.message and start in f.message for f in result.findings)


def test_a_site_on_an_internal_address_warns_and_its_own_address_is_no_finding():
    home = "http://127.0.0.1:8080/"
    page = snapshot(home, f'<html><body><a href="{home}zwgk/">政务公开</a><a href="http://2130706433:8080/a">同址另一写法</a>'
                          '<a href="http://10.0.0.9/oa/">内部办公</a></body></html>')
    result = run("intranet_links", Site(home, [page]))
    assert result.status == "warn", result.findings
    assert [f.message for f in result.findings if "10.0.0.9" in f.message]
    assert not [f for f in result.findings if "2130706433" in f.message or "/zwgk/" in f.message]


def test_a_public_page_linking_into_the_intranet_fails_and_findings_are_capped():
    links = [(f"http://10.0.{i}.1/", f"系统{i}") for i in range(30)]
    result = run("intranet_links", Site(HOME, [_home(*links)]), {"max_findings": 5})
    assert result.status == "fail"
    assert len(result.findings) == 6 and "另有 25 个" in result.findings[-1].message
    assert all(f.url == HOME for f in result.findings)
    assert "10.0.29.1" in result.findings[-1].evidence          # the unlisted ones are still named


def test_the_cap_keeps_a_redirect_among_many_written_links_in_an_order_not_the_crawls():
    start, target = HOME + "zwgk/index.html", "http://192.168.1.20/login"
    refused = snapshot(start, "", status=None, depth=1, referer=HOME, final_url=target, redirects=(start,),
                       error=f"{REFUSED}：{target}（192.168.1.20 是私有地址（192.168.0.0/16）；经重定向，原链接 {start}）")
    links = [(f"http://10.0.{i}.1/", f"系统{i}") for i in range(30)]
    verdicts = [run("intranet_links", Site(HOME, [_home(*order, (start, "政务公开")), refused]), {"max_findings": 5})
                for order in (links, links[::-1])]
    for result in verdicts:
        assert result.status == "fail" and len(result.findings) == 6, result.findings
        assert any(f.status == "warn" and target in f.message for f in result.findings[:5]), result.findings
    assert [f.message for f in verdicts[0].findings] == [f.message for f in verdicts[1].findings]
