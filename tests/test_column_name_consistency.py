"""column_name_consistency: ColumnName vs breadcrumb vs the list. Fixture cases in
tests/fixtures/checks/column_name_consistency/."""
from tests.contentkit import case_statuses, run
from tests.sitekit import snapshot
from zwgk.checks.site import Site

HOME = "http://x.gov.cn/"
CRUMB = '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">{}</a></div>'


def _article(url, column, crumb, referer):
    html = (f'<html><head><meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="关于开展检查的通知">'
            f'</head><body>{CRUMB.format(crumb)}<h1>关于开展检查的通知</h1></body></html>')
    return snapshot(url, html, depth=2, referer=referer)


def _list(url, column, urls):
    rows = "".join(f'<li><a href="{u}">关于开展专项检查工作的通知{i}</a><span>2023-02-0{i + 1}</span></li>'
                   for i, u in enumerate(urls))
    return snapshot(url, f'<html><head><meta name="ColumnName" content="{column}"></head><body><ul>{rows}</ul></body></html>',
                    depth=1, link_text=column)


def test_fixture_cases_cover_pass_warn_unknown():
    assert {"pass", "warn", "unknown"} <= case_statuses("column_name_consistency")


def test_same_mismatch_across_a_column_is_reported_once_with_the_three_values():
    urls = [f"http://x.gov.cn/tzgg/t2023020{i}_{i}.html" for i in range(1, 4)]
    snaps = [snapshot(HOME, "<html><body>home</body></html>"), _list("http://x.gov.cn/tzgg/", "通知公告", urls)]
    snaps += [_article(u, "要闻动态", "通知公告", "http://x.gov.cn/tzgg/") for u in urls]
    result = run("column_name_consistency", Site(HOME, snaps))
    warns = [f for f in result.findings if f.status == "warn"]
    assert result.status == "warn" and len(warns) == 1
    assert all(v in warns[0].message for v in ("要闻动态", "通知公告", "面包屑"))
    assert "另有 2 篇" in warns[0].evidence


def test_synonyms_agree():
    url = "http://x.gov.cn/tzgg/t20230201_1.html"
    snaps = [snapshot(HOME, "<html><body>home</body></html>"), _list("http://x.gov.cn/tzgg/", "通知公告", [url]),
             _article(url, "通知通告", "通知公告", "http://x.gov.cn/tzgg/")]
    assert run("column_name_consistency", Site(HOME, snaps)).status == "warn"
    result = run("column_name_consistency", Site(HOME, snaps), {"synonyms": [["通知公告", "通知通告"]]})
    assert result.status == "pass"


def test_hub_pages_mixing_columns_are_not_the_articles_list():
    url = "http://x.gov.cn/tzgg/t20230201_1.html"
    hub = snapshot("http://x.gov.cn/zwgk/", '<html><head><meta name="ColumnName" content="政务公开"></head><body>'
                   f'<div><h3>通知公告</h3><ul><li><a href="{url}">关于开展专项检查工作的通知</a><span>2023-02-01</span></li></ul></div>'
                   '<div><h3>政策解读</h3><ul><li><a href="/zcjd/t20230202_2.html">一图读懂专项检查工作方案</a>'
                   '<span>2023-02-02</span></li></ul></div></body></html>', depth=1)
    snaps = [snapshot(HOME, "<html><body>home</body></html>"), hub, _article(url, "通知公告", "通知公告", hub.url)]
    assert run("column_name_consistency", Site(HOME, snaps)).status == "pass"


# -- a typed column judged from its list alone (issue 15, class 5) --------------------------------
from zwgk.checks.rulebook import load_rulebook  # noqa: E402

KINDS = next(r for r in load_rulebook().rules if r.id == "column-name-consistency").params["list_kinds"]
NEWS = ["市领导调研重点项目建设", "全区安全生产工作会议召开", "区政府召开常务会议", "志愿服务活动走进社区",
        "我区举办招商推介会", "春耕备耕工作有序推进"]
DOCS = ["江门市新会区人民政府关于印发《新会区促进就业若干措施》的通知", "新会区城市管理办法",
        "关于进一步规范行政执法的实施意见", "新会区政府投资项目管理规定", "新府规〔2022〕3号 关于调整补贴标准的决定",
        "新会区住房保障实施细则"]


def _typed_site(titles):
    home = snapshot(HOME, '<html><body><ul class="nav"><li><a href="/gfxwj/">规范性文件</a></li></ul></body></html>')
    rows = "".join(f'<li><a href="/gfxwj/202301/t2023010{i}_{i}.html">{t}</a><span>2023-01-0{i + 1}</span></li>'
                   for i, t in enumerate(titles))
    column = snapshot(HOME + "gfxwj/", f'<html><head><title>规范性文件</title></head><body><ul class="list">{rows}</ul></body></html>',
                      depth=1, link_text="规范性文件")
    return Site(HOME, [home, column])


def test_a_normative_documents_column_listing_news_warns_from_the_list_alone():
    result = run("column_name_consistency", _typed_site(NEWS), {"list_kinds": KINDS})
    assert result.status == "warn", [(f.status, f.message) for f in result.findings]
    assert "规范性文件" in result.findings[0].message and "市领导调研" in result.findings[0].evidence


def test_a_normative_documents_column_listing_documents_passes():
    result = run("column_name_consistency", _typed_site(DOCS), {"list_kinds": KINDS})
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]


def test_a_short_list_is_not_judged_by_its_titles():
    result = run("column_name_consistency", _typed_site(NEWS[:3]), {"list_kinds": KINDS})
    assert result.status == "unknown"
