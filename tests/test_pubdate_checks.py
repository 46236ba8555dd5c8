"""The checks that date pages judge by checks/parsers/pubdate.py and say which signal decided:
content_freshness (an article a home page links to) and report_deadline (an annual report)."""
from datetime import date

from tests import annual_report_kit as kit
from tests.contentkit import run
from tests.corpuskit import corpus_html
from tests.sitekit import site
from tests.test_annual_report_checks import COUNTY, report_url, statuses, unit_site
from tests.test_annual_report_checks import run as run_rule

HOME = "http://x.gov.cn/"
NAV = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(5))
GENERATED = '<meta name="others" content="页面生成时间 {}" />'


def _home(body, head=""):
    return (f"<html><head><title>某区人民政府</title>{head}</head><body><ul class='nav'>{NAV}</ul>"
            f"<div class='main'>{body}</div><p>{'网站说明文字' * 40}</p></body></html>")


def test_a_nine_month_old_article_with_a_regenerated_pubdate_is_not_fresh():
    # 四川省中医药管理局's article (PubDate 2024-04-15 = 页面生成时间, 发布日期：2023-07-19), linked
    # from a home page whose rows show no year: judged by the date it shows, and the finding says so
    rows = "<ul><li><a href='/gddt/1.html'>文化服务月活动在成都举行</a><span>04-15</span></li></ul>"
    s = site({HOME: _home(rows), "http://x.gov.cn/gddt/1.html": corpus_html(
        "realpages/sctcm.sc.gov.cn/inferred/gddt_20240415_wenhuafuwuyue.html")})
    result = run("content_freshness", s, {"target": "home", "max_age_days": 14}, as_of=date(2024, 4, 20))
    assert result.status != "pass", [(f.status, f.message) for f in result.findings]
    assert "发布日期依据：页面“发布日期”标注 2023-07-19（PubDate 2024-04-15 为页面生成时间，未采用）" \
        in result.findings[0].evidence


def test_a_report_whose_pubdate_is_its_generation_time_is_dated_by_what_it_shows():
    pub = date(2023, 2, 10)
    title = "新会区人民政府2022年度政府信息公开工作年度报告"
    html = kit.page(title, kit.report_body(COUNTY["name"], 2022), pubdate="2023-03-20 10:00:00",
                    visible="2023-02-10").replace("</head>", GENERATED.format("2023-03-20 10:00:00") + "</head>")
    s = unit_site(COUNTY, [(2022, pub, {"html": html})])
    result = run_rule("annual-report-deadline", s, COUNTY, date(2023, 3, 25))
    assert statuses(result)[0] == "pass", [(f.status, f.message) for f in result.findings]
    assert "依据页面显示的发布日期" in result.findings[0].message
    assert "PubDate 元数据 2023-03-20（与页面生成时间相同）" in result.findings[1].message
    assert result.findings[1].url == report_url(pub, 100)


def test_a_report_signature_date_is_not_its_publication_date():
    # the 落款 sits in the report body; the report page shows no 发布 date and has no PubDate:
    # the list row dates it, never the signature
    pub = date(2023, 2, 25)
    body = kit.report_body(COUNTY["name"], 2022) + "<p>新会区人民政府</p><p>2023年2月1日</p>"
    html = kit.page("新会区人民政府2022年度政府信息公开工作年度报告", body)
    s = unit_site(COUNTY, [(2022, pub, {"html": html, "url": "https://www.example.gov.cn/zwgk/ndbg/nb2022.html"})])
    result = run_rule("annual-report-deadline", s, COUNTY, date(2023, 3, 25))
    assert result.status == "fail" and "依据列表页日期" in result.findings[0].message
