"""Absence judged against coverage, end to end (`zwgk check` over real HTTP on 127.0.0.1):

- a 404 elsewhere on the site is a page seen (a broken link), so a missing column still fails;
- a crawl that saw too little never gives an absence fail: the start page is an article, or the
  site answers its home page and 404 for everything else.
"""
import json
from datetime import date

import pytest

from tests.webkit import Routes, zwgk
from zwgk.sample_portals import build_portals, serve

AS_OF = date(2023, 3, 15)
# the rules of county-bad whose fails rest on not finding something
ABSENCE_RULES = ("column-grassroots-standard-catalogue", "accessibility-entry", "site-identity",
                 "column-greater-bay-area", "annual-report-deadline", "rule-of-law-report-deadline",
                 "column-normative-documents", "column-public-consultation")


def check(url, *args):
    proc = zwgk("check", url, "--json", "-", "--no-browser", "--as-of", AS_OF.isoformat(), *args)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {r["rule"]: r for r in json.loads(proc.stdout)["results"]}


@pytest.fixture(scope="module")
def county_bad(tmp_path_factory):
    return build_portals(tmp_path_factory.mktemp("portals"), AS_OF, ["county-bad"])["county-bad"]


def test_a_dead_link_in_the_navigation_does_not_hide_a_missing_column(county_bad, tmp_path):
    home = county_bad / "index.html"
    html = home.read_bytes()          # the county portal is GBK
    # a navigation entry whose page no longer exists (HTTP 404), within one click of the home page
    home.write_bytes(html.replace(b"</ul>", '<li><a href="/jgzn/index.html">机构职能</a></li></ul>'.encode("gbk"), 1))
    server = serve(county_bad)
    try:
        results = check(server.url)
    finally:
        server.stop()
        home.write_bytes(html)
    column = results["column-grassroots-standard-catalogue"]
    assert column["status"] == "fail", column["findings"]
    assert "未发现栏目" in column["findings"][0]["message"]


def test_a_crawl_started_at_an_article_gives_no_absence_fail(county_bad):
    article = sorted((county_bad / "xwzx" / "xhyw").rglob("t*.html"))[0]
    server = serve(county_bad)
    try:
        url = server.url + article.relative_to(county_bad).as_posix()
        results = check(url)
    finally:
        server.stop()
    for rule in ABSENCE_RULES:
        if rule in results:
            assert results[rule]["status"] != "fail", (rule, results[rule]["findings"])
    unknown = [r for r in ABSENCE_RULES if results.get(r, {}).get("status") == "unknown"]
    assert "column-grassroots-standard-catalogue" in unknown
    message = results["column-grassroots-standard-catalogue"]["findings"][0]["message"]
    assert "是一篇文章" in message


def test_a_site_that_answers_only_its_home_page_gives_no_absence_fail(county_bad):
    home = (county_bad / "index.html").read_bytes()
    with Routes({"/": (200, {"Content-Type": "text/html"}, home)}) as srv:     # every other path: 404
        results = check(srv.url)
    fails = [r for r in ABSENCE_RULES if results.get(r, {}).get("status") == "fail"]
    assert not fails, [(r, results[r]["findings"][0]["message"]) for r in fails]
    column = results["column-grassroots-standard-catalogue"]
    assert column["status"] == "unknown" and "打不开" in column["findings"][0]["message"]


def test_what_belongs_on_the_home_page_is_judged_there_however_little_else_answered():
    """The home page was seen whole: its missing 无障碍 entry is a fact even when the rest of the
    site answers 404; a column that should be anywhere on the site is not."""
    from tests.contentkit import run
    from tests.sitekit import site
    nav = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(6))
    home = f"<html><head><title>某区人民政府</title></head><body><ul class='nav'>{nav}</ul>{'<p>正文</p>' * 30}</body></html>"
    pages = {"http://x.gov.cn/": home, **{f"http://x.gov.cn/c{i}/": ("", 404, 1) for i in range(6)}}
    assert run("accessibility_entry", site(pages)).status == "fail"
    column = run("column_present", site(pages), {"names": ["营商环境"]})
    assert column.status == "unknown" and "打不开" in column.findings[0].message


def test_a_real_document_page_taken_as_the_start_is_no_home_page_to_judge_absence_on():
    """pingtan.gov.cn's 行政规范性文件 page (tests/fixtures/corpus/PROVENANCE.md) as the start URL:
    a webmaster's `zwgk check` of an article says unknown for a missing column, never fail."""
    from tests.contentkit import run
    from tests.sitekit import FIXTURES, snapshot
    from zwgk.checks.site import Site
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/201610/t20161026_79826.htm"
    html = (FIXTURES / "corpus" / "shared" / "pingtan" / "gfxwj_doc_79826_youxiao.html").read_text(encoding="utf-8")
    s = Site(url, [snapshot(url, html)])
    result = run("column_present", s, {"names": ["粤港澳大湾区"], "where": "home"})
    assert result.status == "unknown" and "是一篇文章" in result.findings[0].message


def test_a_start_page_whose_every_link_leaves_the_scope_gives_no_site_wide_absence_fail():
    """A start URL deep in the tree (scope: its folder) whose links all lead above it, as on
    www.bjdx.gov.cn's /bjsdxqrmzf/zhyw/zjdt/2188837/index.html: only that page was seen."""
    from tests.contentkit import run
    from tests.sitekit import site
    start = "https://www.bjdx.gov.cn/bjsdxqrmzf/zhyw/zjdt/2188837/index.html"
    nav = "".join(f'<li><a href="/bjsdxqrmzf/c{i}/">栏目{i}</a></li>' for i in range(8))
    page = f"<html><head><title>镇街动态</title></head><body><ul class='nav'>{nav}</ul>{'<p>正文</p>' * 30}</body></html>"
    column = run("column_present", site({start: page}), {"names": ["营商环境"]})
    assert column.status == "unknown" and "都不在本单位抓取范围内" in column.findings[0].message
    bare = run("column_present", site({start: "<html><body><p>正文</p></body></html>"}), {"names": ["营商环境"]})
    assert bare.status == "unknown" and "没有任何链接" in bare.findings[0].message


@pytest.mark.parametrize("article_title, status", [
    ("关于举办2024年度继续教育培训班的通知", "unknown"),   # www.wlmq.gov.cn/fjbm/llj/tzgg/562718.htm
    ("某区人民政府", "fail"),                          # the site's own name: still the home page
    ("某区人民政府门户网站", "fail"),
    ("某区人民政府网站首页", "fail"),
    ("首页", "fail"),
    ("某区人民政府关于印发2024年政务公开工作要点的通知", "unknown"),   # names the site, and is a document
])
def test_a_start_page_that_names_itself_an_article_in_its_metadata_is_no_home_page(article_title, status):
    from tests.contentkit import run
    from tests.sitekit import site
    url = "https://www.example.gov.cn/fjbm/llj/tzgg/562718.htm"
    html = (f"<html><head><title>{article_title}</title><meta name='SiteName' content='某区人民政府'>"
            f"<meta name='ArticleTitle' content='{article_title}'></head><body>"
            f"<ul class='nav'><li><a href='/a/'>要闻</a></li></ul>{'<p>正文</p>' * 30}</body></html>")
    result = run("column_present", site({url: html}), {"names": ["粤港澳大湾区"], "where": "home"})
    assert result.status == status, result.findings
    if status == "unknown":
        assert "是一篇文章" in result.findings[0].message


def test_a_home_page_whose_every_link_failed_to_fetch_gives_no_site_wide_absence_fail():
    """Timeouts and dropped connections on every link of the home page (not 404s: nothing was
    answered): nothing beyond the home page was seen. What belongs on the home page is still
    judged there."""
    from tests.contentkit import run
    from tests.sitekit import site, snapshot
    from zwgk.checks.site import Site
    nav = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(6))
    home = f"<html><head><title>某区人民政府</title></head><body><ul class='nav'>{nav}</ul>{'<p>正文</p>' * 30}</body></html>"
    snaps = [snapshot("http://x.gov.cn/", home)] + [
        snapshot(f"http://x.gov.cn/c{i}/", "", status=None, depth=1, error="连接被重置") for i in range(6)]
    s = Site("http://x.gov.cn/", snaps)
    column = run("column_present", s, {"names": ["营商环境"]})
    assert column.status == "unknown", column.findings
    assert "一个也没有抓取到" in column.findings[0].message or "未能抓取" in column.findings[0].message
    assert s.thin_crawl() and "一个也没有抓取到" in s.thin_crawl()
    assert run("accessibility_entry", site({"http://x.gov.cn/": home})).status == "fail"
