"""The bundled sample portals: built for a frozen as_of, served over real HTTP on 127.0.0.1.

These tests pin down what end-to-end tests of the crawler and checks rely on: encodings and
headers, status codes, the department channel's prefix, dates relative to as_of, and that every
problem listed in EXPECTED is really planted where it says (and nowhere in the good twins).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests import sitekit
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.rulebook import load_rulebook
from zwgk.sample_portals import (
    EXPECTED,
    PORTAL_NAMES,
    build_portal,
    build_portals,
    demo_units,
    expected_for,
    serve,
    serve_all,
    stop_all,
    unit_entries,
)
from zwgk.sample_portals.content import law_report_year_due
from zwgk.sample_portals.model import ARTICLE_META
from zwgk.sample_portals.portals import PORTALS, make_site
from zwgk.sample_portals.server import SECURITY_HEADERS

AS_OF = dt.date(2024, 9, 1)
HREF = re.compile(r'<a\b[^>]*?\shref="([^"]+)"', re.I)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url, method="GET", headers=None):
    """(status, headers, body bytes) without raising on 3xx/4xx."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = serve_all(tmp_path_factory.mktemp("portals"), AS_OF)
    yield running
    stop_all(running)


def text(portal, body: bytes) -> str:
    if body.startswith(b"PK\x03\x04"):      # a DOCX attachment: no page text
        return ""
    return body.decode("gb18030" if EXPECTED[portal]["encoding"] == "gbk" else "utf-8")


def crawl(server, portal, start="/", scope="/"):
    """Follow every in-scope <a href> from start (skipping robots-disallowed /private/).

    Returns {path: (status, decoded body)}.
    """
    base = server.url.rstrip("/")
    seen, queue = {}, deque([start])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        status, _headers, body = fetch(base + path)
        page = text(portal, body)
        seen[path] = (status, page)
        if status != 200 or not path.endswith((".html", "/")):
            continue
        for href in HREF.findall(page):
            url = urljoin(base + path, href.replace("&amp;", "&"))
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(base).netloc:
                continue
            target = parts.path
            if target.startswith(scope) and not target.startswith("/private/"):
                queue.append(target)
    return seen


def meta(page: str, name: str):
    found = re.search(rf'<meta name="{name}" content="([^"]*)"', page)
    return found.group(1) if found else None


# ---- HTTP behaviour ------------------------------------------------------------------------------
def test_each_portal_on_its_own_port(servers):
    assert set(servers) == set(PORTAL_NAMES) == set(EXPECTED)
    assert len({s.port for s in servers.values()}) == len(servers)
    for name, server in servers.items():
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
        status, headers, body = fetch(server.url)
        assert status == 200, name
        assert EXPECTED[name]["site_name"] in text(name, body)


def test_utf8_portals_declare_charset_in_header(servers):
    for name in ("city-good", "city-bad"):
        _, headers, body = fetch(servers[name].url + "index.html")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        body.decode("utf-8")


def test_gbk_portal_bytes_and_headers(servers):
    for name in ("county-good", "county-bad"):
        status, headers, body = fetch(servers[name].url)
        assert status == 200
        assert headers["Content-Type"] == "text/html"            # no charset, like many servers
        assert b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' in body
        assert "镕".encode("gbk") in body
        decoded = body.decode("gb18030")
        for char in EXPECTED[name]["gbk_only_chars"]:             # staff and place names
            assert char in decoded, char
        with pytest.raises(UnicodeDecodeError):
            body.decode("gb2312")
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")


def test_missing_page_is_a_real_404(servers):
    for name, server in servers.items():
        status, headers, body = fetch(server.url + "zwgk/no-such-page.html")
        assert status == 404
        assert "页面不存在或已被删除" in text(name, body)
        assert fetch(server.url + "no/such/dir/")[0] == 404


def test_head(servers):
    url = servers["city-good"].url + "zwgk/tzgg/index.html"
    _, get_headers, body = fetch(url)
    status, headers, head_body = fetch(url, method="HEAD")
    assert status == 200 and head_body == b""
    assert int(headers["Content-Length"]) == len(body)
    assert headers["Last-Modified"] == get_headers["Last-Modified"]
    assert fetch(servers["city-good"].url + "missing.html", method="HEAD")[0] == 404


def test_if_modified_since(servers):
    url = servers["county-good"].url + "index.html"
    status, headers, _ = fetch(url)
    last_modified = headers["Last-Modified"]
    assert status == 200 and last_modified
    assert fetch(url, headers={"If-Modified-Since": last_modified})[0] == 304
    earlier = email.utils.parsedate_to_datetime(last_modified) - dt.timedelta(days=1)
    assert fetch(url, headers={"If-Modified-Since": email.utils.format_datetime(earlier, usegmt=True)})[0] == 200


def test_last_modified_follows_content_dates(servers):
    """Article pages are stamped with their publication time, the home page with its newest item."""
    _, headers, _ = fetch(servers["county-bad"].url)
    home = email.utils.parsedate_to_datetime(headers["Last-Modified"]).date()
    assert (AS_OF - home).days in (39, 40, 41)      # stale home news (timezone slack)


def test_directories_and_hidden_files(servers):
    server = servers["city-good"]
    status, headers, _ = fetch(server.url + "bmpd/fgj")
    assert status == 301 and headers["Location"].endswith("/bmpd/fgj/")
    assert fetch(server.url + "images/")[0] == 404                # no directory listings
    assert fetch(server.url + "_portal.json")[0] == 404
    _, headers, _ = fetch(server.url + "images/red.png")
    assert headers["Content-Type"] == "image/png"
    _, headers, _ = fetch(server.url + "wza/aria.js")
    assert headers["Content-Type"].startswith("application/javascript")


def test_robots_and_private_page(servers):
    for name, server in servers.items():
        status, headers, body = fetch(server.url + "robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert b"Disallow: /private/" in body
        assert fetch(server.url + EXPECTED[name]["never_fetch"][0].lstrip("/"))[0] == 200
        linking = [p for p, (_, page) in crawl(server, name).items() if "/private/admin.html" in page]
        assert linking and set(linking) <= {"/", "/index.html"}, name     # the home page only


def test_serve_context_manager_and_stop(tmp_path):
    root = build_portal("city-good", tmp_path / "city-good", AS_OF)
    with serve(root) as server:
        assert fetch(server.url)[0] == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url, timeout=2)


def test_module_entry_point_help():
    result = subprocess.run([sys.executable, "-m", "zwgk.sample_portals", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--as-of" in result.stdout


# ---- markup ------------------------------------------------------------------------------------
def test_realistic_markup(servers):
    server = servers["city-good"]
    home = text("city-good", fetch(server.url)[2])
    assert '<div class="nav">' in home and "<ul" in home
    assert 'alt="党政机关"' in home and "bszs.conac.cn/sitename?method=show&amp;id=" in home
    assert "网站标识码：4407000001" in home and "粤ICP备05090288号" in home
    assert "粤公网安备 44070302000123号" in home
    assert "无障碍" in home and "长者模式" in home and 'src="/wza/aria.js"' in home

    page = text("city-good", fetch(server.url + "zwgk/tzgg/index.html")[2])
    assert re.search(r"当前位置：.*首页</a> &gt; .*政务公开</a> &gt; .*通知公告</a>", page)
    assert re.search(r'<li><a href="\./\d{6}/t\d{8}_\d+\.html"[^>]*>[^<]+</a><span>\d{4}-\d\d-\d\d</span></li>', page)
    for label in ("首页", "下一页", "尾页"):
        assert f">{label}</a>" in page
    assert 'href="index_2.html">尾页' in page
    assert fetch(server.url + "zwgk/tzgg/index_2.html")[0] == 200

    table = text("city-good", fetch(server.url + "zwgk/zfxxgk/gfxwj/")[2])
    assert re.search(r"<th[^>]*>标题</th><th[^>]*>发文字号</th><th[^>]*>发布日期</th><th[^>]*>有效性</th>", table)
    doc_href = re.search(r'href="(\./\d{6}/t\d{8}_\d+\.html)"', table).group(1)
    doc = text("city-good", fetch(urljoin(server.url + "zwgk/zfxxgk/gfxwj/", doc_href))[2])
    for label in ("索引号", "发文机关", "成文日期", "发文字号", "有效性"):
        assert label in doc
    for name in ARTICLE_META:
        assert meta(doc, name), name


def test_external_links_are_few(servers):
    for name, server in servers.items():
        external = set()
        for _, page in crawl(server, name).values():
            external |= {h for h in HREF.findall(page) if h.startswith("http")}
        assert 1 <= len(external) <= 3, (name, external)


# ---- units and the department channel ------------------------------------------------------------
def test_department_channel_under_prefix(servers):
    for name in ("city-good", "city-bad"):
        server, unit = servers[name], EXPECTED[name]["units"]["fgj"]
        assert unit["scope"] == "/bmpd/fgj/" and unit["type"] == "department"
        status, _, body = fetch(server.url + "bmpd/fgj/index.html")
        assert status == 200
        home = body.decode("utf-8")
        assert "江门市发展和改革局" in home
        assert 'href="/index.html"' in home and 'href="/zwgk/"' in home    # links up, out of scope
        pages = crawl(server, name, start=unit["url"], scope=unit["scope"])
        assert all(p.startswith("/bmpd/fgj/") for p in pages)
        assert all(status == 200 for status, _ in pages.values())
        titles = {m for _, page in pages.values() for m in re.findall(r"<h2>([^<]+)</h2>", page)}
        assert {"通知公告", "政策文件", "政府信息公开年报"} <= titles
        assert ("粤港澳大湾区" in titles) == (name == "city-good")


def test_unit_entries():
    entries = unit_entries("city-good", "http://127.0.0.1:8123/")
    assert entries == [
        {"name": "江门市人民政府", "type": "city-portal",
         "url": "http://127.0.0.1:8123/", "scope": "http://127.0.0.1:8123/"},
        {"name": "江门市发展和改革局", "type": "department",
         "url": "http://127.0.0.1:8123/bmpd/fgj/", "scope": "http://127.0.0.1:8123/bmpd/fgj/"},
    ]


def test_demo_units(servers):
    units = demo_units(servers)
    assert len(units) == 6 and len({u["name"] for u in units}) == 6
    assert {"name": "江门市发展和改革局（问题样例）", "type": "department",
            "url": servers["city-bad"].url + "bmpd/fgj/",
            "scope": servers["city-bad"].url + "bmpd/fgj/", "peer_group": "问题样例"} in units
    for unit in units:
        assert fetch(unit["url"])[0] == 200


# ---- dates relative to as_of ---------------------------------------------------------------------
@pytest.mark.parametrize("as_of", [dt.date(2023, 3, 10), dt.date(2026, 11, 27)])
def test_dates_shift_with_as_of(tmp_path, as_of):
    roots = build_portals(tmp_path, as_of, names=["city-good", "county-bad"])
    home = (roots["city-good"] / "index.html").read_text(encoding="utf-8")
    newest = max(re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", home))
    assert newest == (as_of - dt.timedelta(days=2)).isoformat()
    stamp = f"{as_of - dt.timedelta(days=2):%Y%m}/t{as_of - dt.timedelta(days=2):%Y%m%d}_"
    assert f'href="/zwdt/{stamp}' in home
    bad_home = (roots["county-bad"] / "index.html").read_bytes().decode("gb18030")
    bad_news = re.search(r'<div class="box news">.*?</div>\s*</td>', bad_home, re.S).group(0)
    assert max(re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", bad_news)) == \
        (as_of - dt.timedelta(days=40)).isoformat()
    reports = expected_for("city-good", as_of)["units"]["fgj"]["annual_reports"]
    assert {r["year"] for r in reports} == {as_of.year - 1, as_of.year - 2}


def test_annual_reports_early_in_the_year(tmp_path):
    """Before the deadline a compliant unit's latest report is dated no later than the day before."""
    as_of = dt.date(2025, 1, 10)
    county = expected_for("county-good", as_of)["units"]["county"]["annual_reports"]
    assert [r["year"] for r in county] == [2024, 2023]
    assert county[0]["published"].startswith("2025-01-09")
    bad = expected_for("county-bad", as_of)["units"]["county"]
    assert [r["year"] for r in bad["annual_reports"]] == [2023]       # 2024's is not out yet
    assert "annual-report-late" not in bad["problems"]                # ... nor due yet
    after_deadline = expected_for("county-bad", dt.date(2025, 3, 1))["units"]["county"]["problems"]
    assert after_deadline["annual-report-late"]["url"] == "/zwgk/zfxxgk/ndbg/"


def test_annual_reports_online_and_on_time(servers):
    deadlines = {"department": (1, 31), "county": (2, 20), "city-portal": (1, 31)}
    for name, server in servers.items():
        for unit in expected_for(name, AS_OF)["units"].values():
            reports = unit["annual_reports"]
            assert [r["year"] for r in reports] == [AS_OF.year - 1, AS_OF.year - 2], name
            for report in reports:
                assert re.fullmatch(r"/.+/\d{6}/t\d{8}_\d+\.html", report["url"])
                assert re.fullmatch(rf".+{report['year']}年度政府信息公开工作年度报告", report["title"])
                status, _, body = fetch(server.url.rstrip("/") + report["url"])
                page = text(name, body)
                assert status == 200
                assert meta(page, "PubDate") == report["published"]
                assert f"发布时间：{report['published']}" in page
                for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                "六、其他需要报告的事项"):
                    assert heading in page
                published = dt.date.fromisoformat(report["published"][:10])
                deadline = dt.date(report["year"] + 1, *deadlines[unit["type"]])
                late = "annual-report-late" in unit["problems"] and report["year"] == AS_OF.year - 1
                assert (published > deadline) == late, (name, report)


# ---- the manifest and the planted problems -------------------------------------------------------
def test_expected_lists_exactly_the_plants():
    for name, portal in PORTALS.items():
        ids = {pid for unit in EXPECTED[name]["units"].values() for pid in unit["problems"]}
        assert ids == set(portal.plants), name
        for unit in EXPECTED[name]["units"].values():
            for problem in unit["problems"].values():
                assert problem["detail"] and problem["url_re"]


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2025, 3, 20), dt.date(2026, 11, 27)])
def test_expected_urls_point_at_built_pages(tmp_path, as_of):
    roots = build_portals(tmp_path, as_of)
    for name, root in roots.items():
        for unit in expected_for(name, as_of)["units"].values():
            for pid, problem in unit["problems"].items():
                url = problem["url"]
                assert re.search(problem["url_re"], url), (name, pid, url)
                file = root / url.lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                assert file.exists() == (pid != "broken-link"), (name, pid, url)
                if "found_on" in problem:
                    page = (root / problem["found_on"].lstrip("/")).read_bytes()
                    assert url.rsplit("/", 1)[-1].encode() in page, (name, pid)


def test_good_twins_are_clean(servers):
    for name in ("city-good", "county-good"):
        pages = crawl(servers[name], name)
        assert len(pages) > 80
        for path, (status, page) in pages.items():
            assert status == 200, (name, path)
            assert "页面不存在或已被删除" not in page, (name, path)
            if path.endswith(".html"):
                assert meta(page, "SiteIDCode") == re.search(r"网站标识码：(\w+)", page).group(1)
                assert 'alt="党政机关"' in page and "无障碍" in page
            if re.search(r"/t\d{8}_\d+\.html$", path):
                assert all(meta(page, m) for m in ARTICLE_META), (name, path)
        assert fetch(servers[name].url + "wza/aria.js")[0] == 200


def test_city_bad_problems(servers):
    name, server = "city-bad", servers["city-bad"]
    problems = expected_for(name, AS_OF)["units"]["city"]["problems"]
    pages = crawl(server, name)
    everything = "".join(page for _, page in pages.values())
    assert "稳经济" not in everything
    assert "无障碍" not in everything and "长者模式" not in everything and "aria.js" not in everything
    assert "bszs.conac.cn" not in everything and "党政机关" not in everything
    home = pages["/"][1]
    assert meta(home, "SiteIDCode") == "4407000099" and "网站标识码：4407000001" in home
    assert "营商环境" in home
    assert "暂无信息" in pages["/ztzl/yshj/"][1]

    broken = [p for p, (status, _) in pages.items() if status == 404]
    assert broken == [problems["broken-link"]["url"]]
    soft = [p for p, (status, page) in pages.items() if status == 200 and "页面不存在或已被删除" in page]
    assert soft == [problems["soft-404"]["url"]]
    for pid, tag in [("meta-missing-pubdate", "PubDate"), ("meta-missing-columnname", "ColumnName"),
                     ("meta-missing-contentsource", "ContentSource")]:
        page = pages[problems[pid]["url"]][1]
        assert meta(page, tag) is None, pid
        assert all(meta(page, m) for m in ARTICLE_META if m != tag), pid
    articles = [p for p in pages if re.search(r"/t\d{8}_\d+\.html$", p) and pages[p][0] == 200
                and p != problems["soft-404"]["url"]]
    incomplete = {p for p in articles if not all(meta(pages[p][1], m) for m in ARTICLE_META)}
    assert incomplete == {problems[pid]["url"] for pid in
                          ("meta-missing-pubdate", "meta-missing-columnname", "meta-missing-contentsource")}


def test_county_bad_problems(servers):
    name, server = "county-bad", servers["county-bad"]
    problems = expected_for(name, AS_OF)["units"]["county"]["problems"]
    pages = crawl(server, name)
    assert all(status == 200 for status, _ in pages.values())
    everything = "".join(page for _, page in pages.values())
    assert "基层政务公开标准目录" not in everything
    home = pages["/"][1]
    assert "无障碍" in home and 'src="/wza/aria.js"' in home
    assert fetch(server.url + "wza/aria.js")[0] == 404

    news_dates = re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", pages["/xwzx/xhyw/"][1])
    assert max(news_dates) == (AS_OF - dt.timedelta(days=40)).isoformat()
    tzgg_dates = re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", pages["/zwgk/tzgg/"][1])
    assert max(tzgg_dates) == (AS_OF - dt.timedelta(days=200)).isoformat()

    mismatch = problems["validity-mismatch"]
    listing = pages["/zwgk/zfxxgk/gfxwj/"][1]
    row = re.search(rf'{re.escape(mismatch["url"].rsplit("/", 1)[-1])}.*?</tr>', listing, re.S).group(0)
    assert '<td class="yxx">已废止</td>' in row
    assert '有&ensp;效&ensp;性：<em class="red_base">有效</em>' in pages[mismatch["url"]][1]

    late = pages[problems["annual-report-late"]["url"]][1]
    assert meta(late, "PubDate").startswith(f"{AS_OF.year}-03-05")
    assert f"{AS_OF.year - 1}年度政府信息公开工作年度报告" in late


def test_county_good_has_what_bad_lacks(servers):
    pages = crawl(servers["county-good"], "county-good")
    home = pages["/"][1]
    for label in ("基层政务公开标准目录", "惠民惠农", "涉农补贴", "疫情防控", "营商环境", "稳经济"):
        assert label in home, label
    tzgg_dates = re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", pages["/zwgk/tzgg/"][1])
    assert (AS_OF - dt.date.fromisoformat(max(tzgg_dates))).days < 30


def test_city_good_columns(servers):
    pages = crawl(servers["city-good"], "city-good")
    headings = {m for _, page in pages.values() for m in re.findall(r"<h2>([^<]+)</h2>", page)}
    for column in ("营商环境", "稳经济", "粤港澳大湾区", "政府信息公开", "政府信息公开指南", "法定主动公开内容",
                   "规范性文件", "行政规章库", "依申请公开", "政府信息公开年报", "重点领域信息公开",
                   "稳就业保就业", "教育高质量发展", "健康广东（江门）", "公共企事业单位信息公开",
                   "政府公报", "意见征集", "政策问答", "通知公告", "要闻动态", "疫情防控", "政策解读",
                   "法治政府建设年度报告", "工作动态"):
        assert column in headings, column
    home = pages["/"][1]
    assert 'href="https://www.gdzwfw.gov.cn/"' in home
    site = make_site("city-good", AS_OF)
    for column in site.columns.values():           # no list column is (nearly) empty
        if column.style == "hub":
            continue
        status, page = pages[column.path]
        items = re.findall(r'<a href="\./\d{6}/t\d{8}_\d+\.html"', page)
        assert status == 200 and len(items) >= 2, column.path
        assert len(items) == min(len(column.articles), column.page_size), column.path


# ---- the rules added later: 政策解读, 法治政府建设年度报告, report numbers and wording, headers ----
def test_security_headers_on_good_twins_only(servers):
    for name, server in servers.items():
        for path, method in (("", "GET"), ("zwgk/zfxxgk/", "HEAD"), ("no-such-page.html", "GET")):
            _, headers, _ = fetch(server.url + path, method=method)
            sent = {h: headers.get(h) for h, _ in SECURITY_HEADERS}
            if name.endswith("-good"):
                assert sent == dict(SECURITY_HEADERS), (name, path)
            else:
                assert sent == {h: None for h, _ in SECURITY_HEADERS}, (name, path)
                assert "security-headers-missing" in expected_for(name, AS_OF)["units"][
                    "city" if name.startswith("city") else "county"]["problems"]


def _documents(site, paths):
    return [a for p in paths for a in site.columns[p].articles if a.kind == "document"]


DOC_COLUMNS = {"city": ["/zwgk/zfxxgk/gfxwj/", "/bmpd/fgj/zcwj/"], "county": ["/zwgk/zfxxgk/gfxwj/"]}


@pytest.mark.parametrize("name", ["city-good", "city-bad", "county-good"])
def test_documents_link_their_interpretation_and_back(servers, name):
    """三同步: each document in force links its 解读, the 解读 links back and is listed in 政策解读."""
    server, site = servers[name], make_site(name, AS_OF)
    missing = set()
    if name == "city-bad":
        missing = set(expected_for(name, AS_OF)["units"]["fgj"]["problems"]["policy-interpretation-missing"]["doc_ids"])
    base = server.url.rstrip("/")
    seen_without = set()
    for doc in _documents(site, DOC_COLUMNS[name.split("-")[0]]):
        page = text(name, fetch(base + doc.path)[2])
        found = re.search(r'相关解读：<a href="([^"]+)"[^>]*>([^<]+)</a>', page)
        if doc.doc.validity != "有效":
            assert found is None, doc.path
            continue
        if found is None:
            seen_without.add(doc.doc_id)
            continue
        assert "解读" in found.group(2) and "》" in found.group(2)
        interp_url = urljoin(base + doc.path, found.group(1))
        status, _, body = fetch(interp_url)
        interp = text(name, body)
        assert status == 200 and meta(interp, "ColumnName") == "政策解读"
        back = re.search(r'原文链接：<a href="([^"]+)"', interp).group(1)
        assert urlsplit(urljoin(interp_url, back)).path == doc.path
        listing = text(name, fetch(urljoin(interp_url, "../index.html"))[2])
        assert urlsplit(interp_url).path.rsplit("/", 1)[-1] in listing
        assert meta(interp, "PubDate")[:10] == meta(page, "PubDate")[:10]       # published together
    assert seen_without == missing


def _regulation_row(page: str) -> tuple:
    row = re.search(r"行政规范性文件</td>((?:<td[^>]*>\d+</td>){3})", page).group(1)
    return tuple(int(n) for n in re.findall(r">(\d+)<", row))


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2026, 4, 2)])
def test_annual_report_numbers_agree_across_years(tmp_path, as_of):
    """现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y), as the pages print it."""
    roots = build_portals(tmp_path, as_of, names=["city-good", "county-good"])
    for name, root in roots.items():
        for unit in expected_for(name, as_of)["units"].values():
            newer, older = unit["annual_reports"]
            made, repealed, in_force = _regulation_row(_read(root, newer["url"], name))
            assert in_force == _regulation_row(_read(root, older["url"], name))[2] + made - repealed, unit["name"]


def _read(root, path, name):
    return text(name, (root / path.lstrip("/")).read_bytes())


def test_annual_report_tables_add_up_except_the_misprint():
    for name in PORTAL_NAMES:
        site = make_site(name, AS_OF)
        for report in (a for a in site.articles() if a.kind == "annual_report"):
            st = report.report_stats
            shown = sum(st.shown(row) for row in st.outcomes)
            assert sum(st.outcomes.values()) == st.requests_person
            typo = report.doc_id == EXPECTED["city-bad"]["units"]["fgj"]["problems"][
                "annual-report-identity-broken"]["doc_id"]
            assert (shown != st.requests_person) == typo, (name, report.title)
    problem = expected_for("city-bad", AS_OF)["units"]["fgj"]["problems"]["annual-report-identity-broken"]
    assert re.search(r"\d{6}/t" + str(AS_OF.year) + r"\d{4}_", problem["url"])       # last year's report


def _shingles(text, n=5):
    text = re.sub(r"[\d\s]", "", text)
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def test_units_word_their_reports_differently():
    reports = {}
    for name in ("city-good", "county-good"):
        for report in (a for a in make_site(name, AS_OF).articles() if a.kind == "annual_report"):
            words = report.report_text
            body = "".join(t for _, t in words["overview"]) + "".join(words["problems"] + words["other"])
            unit = re.sub(r"\d{4}年度政府信息公开工作年度报告$", "", report.title)
            reports[(unit, report.report_year)] = _shingles(body.replace(unit, ""))
    for (unit_a, year_a), a in reports.items():
        for (unit_b, year_b), b in reports.items():
            if year_a == year_b and unit_a < unit_b:
                assert len(a & b) / len(a | b) < 0.3, (unit_a, unit_b, year_a)


@pytest.mark.parametrize("as_of", [dt.date(2023, 2, 10), dt.date(2023, 3, 15), AS_OF])
def test_law_reports(as_of):
    """Each unit's 法治政府建设年度报告 of the year due (deadline 03-01) is online in time;
    county-bad's column holds only older ones."""
    due = law_report_year_due(as_of)
    for name in PORTAL_NAMES:
        for key, unit in expected_for(name, as_of)["units"].items():
            reports = unit["law_reports"]
            assert reports and all(r["title"].endswith(f"{r['year']}年法治政府建设年度报告") for r in reports)
            assert all(r["url"].startswith(unit["columns"]["法治政府建设年度报告"]) for r in reports)
            years = {r["year"]: r for r in reports}
            if "rule-of-law-report-missing" in unit["problems"]:
                assert max(years) < due
                continue
            assert due in years, (name, key)
            published = dt.date.fromisoformat(years[due]["published"][:10])
            assert published <= dt.date(due + 1, 3, 1) and published < as_of


def _served_site(server, name, unit_key):
    """A Site of one unit from a plain crawl of the served portal (no spider: fast)."""
    unit = EXPECTED[name]["units"][unit_key]
    base = server.url.rstrip("/")
    pages = crawl(server, name, start=unit["url"], scope=unit["scope"])
    snaps = []
    for path, (status, page) in pages.items():
        headers = dict(fetch(base + path, method="HEAD")[1]) if path == unit["url"] else {}
        snaps.append(sitekit.snapshot(base + path, page if status == 200 else "", status=status,
                                      depth=0 if path == unit["url"] else 1, headers=headers))
    return sitekit.Site(base + unit["url"], snaps, scope=base + unit["scope"],
                        unit={"name": unit["name"], "type": unit["type"]}), unit


@pytest.mark.parametrize("name", ["city-good", "city-bad"])
def test_warn_level_plants_are_what_their_rules_see(servers, name):
    """Problems marked "verdict": "warn" (near-copied reports, missing security headers) make their
    rule warn at the listed URL on the bad twin, and the good twin is clean of them."""
    site, unit = _served_site(servers[name], name, "city")
    rules = {r.id: r for r in load_rulebook().applicable(unit["type"], unit["name"])}
    ctx = CheckContext(as_of=AS_OF, unit={"name": unit["name"], "type": unit["type"], "url": site.start_url})
    checks = {"annual-report-copied": "annual-report-similarity", "security-headers-missing": "https-security"}
    problems = expected_for(name, AS_OF)["units"]["city"]["problems"]
    for pid, rule_id in checks.items():
        result = run_rule(rules[rule_id], site, ctx)
        if name == "city-good":
            assert result.status in ("pass", "unknown"), (rule_id, result)
            assert not any(f.status in ("warn", "fail") for f in result.findings)
            continue
        problem = problems[pid]
        assert problem["verdict"] == "warn" and result.status == "warn", (pid, result)
        urls = [urlsplit(f.url).path for f in result.findings if f.status == "warn"]
        assert any(re.match(problem["url_re"], u) for u in urls), (pid, urls)
