"""content_freshness: home page and column updates, empty columns. Fixture cases in
tests/fixtures/checks/content_freshness/ run through tests/test_check_fixtures.py; these tests add
what a fixture folder cannot say."""
from dataclasses import replace
from datetime import date

import pytest

from tests.contentkit import case_statuses, run
from tests.sitekit import site
from zwgk.checks.content_freshness import PARAMS, _months_before, validate_params
from zwgk.checks.params import ParamError, validate
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site

HOME = "http://x.gov.cn/"
NAV = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(5))


def _home(rows_html, meta=""):
    return (f"<html><head><title>新会区</title>{meta}</head><body><ul class='nav'>{NAV}</ul>"
            f"<div class='main'>{rows_html}</div><p>{'网站说明文字' * 40}</p></body></html>")


def test_fixture_cases_cover_pass_fail_unknown():
    assert {"pass", "fail", "unknown"} <= case_statuses("content_freshness")


def test_rulebook_marks_the_home_page_rule_as_veto():
    book = load_rulebook()
    rules = {r.id: r for r in book.rules}
    assert rules["homepage-updated"].veto and rules["homepage-updated"].params["max_age_days"] == 14
    assert rules["notice-columns-updated"].params["max_age_months"] == 6
    assert not rules["news-columns-updated"].veto


@pytest.mark.parametrize("params", [{"target": "home"}, {"target": "columns", "max_age_days": 14},
                                    {"target": "home", "max_age_days": 14, "max_age_months": 6}])
def test_incomplete_params_are_rejected(params):
    with pytest.raises(ParamError):
        validate_params(validate(PARAMS, params))


def test_six_months_before_end_of_month():
    assert _months_before(date(2023, 8, 31), 6) == date(2023, 2, 28)
    assert _months_before(date(2023, 3, 1), 6) == date(2022, 9, 1)


def test_dates_after_the_audit_date_are_ignored():
    rows = ("<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>2029-02-25</span></li>"
            "<li><a href='/a/2.html'>区领导走访慰问困难群众</a><span>2023-01-02</span></li></ul>")
    result = run("content_freshness", site({HOME: _home(rows)}), {"target": "home", "max_age_days": 14})
    assert result.status == "fail"
    assert "2023-01-02" in result.findings[0].message


def test_home_uses_linked_article_pubdate_when_rows_have_no_year():
    rows = "<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>02-25</span></li></ul>"
    article = "<html><head><meta name='PubDate' content='2023-02-25 09:30'></head><body>正文</body></html>"
    s = site({HOME: _home(rows), "http://x.gov.cn/a/1.html": article})
    result = run("content_freshness", s, {"target": "home", "max_age_days": 14})
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]
    assert "PubDate" in result.findings[0].evidence


def test_crawl_time_is_never_a_publication_date():
    rows = "<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>02-25</span></li></ul>"
    s = site({HOME: _home(rows)})
    # fetched yesterday: a check that took the crawl time for a publication date would pass
    fresh = Site(HOME, [replace(s.home, fetched_at="2023-02-28T08:00:00")])
    assert run("content_freshness", fresh, {"target": "home", "max_age_days": 14}).status == "unknown"


def test_column_on_an_external_platform_is_unknown():
    home = _home("<a href='http://gkmlpt.example.cn/tzgg/'>通知公告</a>")
    result = run("content_freshness", site({HOME: home}),
                 {"target": "columns", "names": ["通知公告"], "max_age_months": 6})
    assert result.status == "unknown" and "本站以外" in result.findings[0].message


def test_long_link_texts_are_articles_not_columns():
    home = _home("<ul><li><a href='/a/t20220101_1.html'>关于做好2023年通知公告发布工作的通知</a>"
                 "<span>2022-01-01</span></li></ul>")
    result = run("content_freshness", site({HOME: home}),
                 {"target": "columns", "names": ["通知公告"], "max_age_months": 6})
    assert result.status == "unknown" and "未找到" in result.findings[0].message


def test_month_day_dates_hold_back_a_fail_but_never_pass():
    recent_md = ("<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>02-27</span></li>"
                 "<li><a href='/a/2.html'>区领导走访慰问困难群众</a><span>2022-12-01</span></li></ul>")
    result = run("content_freshness", site({HOME: _home(recent_md)}), {"target": "home", "max_age_days": 14})
    assert result.status == "unknown" and "只标月日" in result.findings[0].message
    old_md = recent_md.replace("02-27", "08-25")        # 2022-08-25 at best: older than the dated row
    result = run("content_freshness", site({HOME: _home(old_md)}), {"target": "home", "max_age_days": 14})
    assert result.status == "fail" and "2022-12-01" in result.findings[0].message


# -- the veto rule fails only on dates the home page itself shows (issue 15, class 7) ------------
def test_stale_linked_articles_alone_do_not_fail_the_home_page():
    rows = "<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a></li></ul>"      # no date on the home page
    article = "<html><head><meta name='PubDate' content='2022-10-01 09:30'></head><body>正文</body></html>"
    s = site({HOME: _home(rows), "http://x.gov.cn/a/1.html": article})
    result = run("content_freshness", s, {"target": "home", "max_age_days": 14})
    assert result.status == "unknown" and "首页本身没有带日期的条目" in result.findings[0].message


def test_the_home_pages_own_pubdate_is_no_dated_item():
    rows = ("<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>2022-11-02</span></li></ul>")
    # a template that stamps the home page with today's date must not make a stale page pass
    fresh_meta = "<meta name='PubDate' content='2023-02-28 00:00'>"
    result = run("content_freshness", site({HOME: _home(rows, meta=fresh_meta)}), {"target": "home", "max_age_days": 14})
    assert result.status == "fail" and "2022-11-02" in result.findings[0].message


def test_a_stale_home_page_whose_list_is_filled_by_script_is_unknown_unless_rendered():
    rows = ("<ul><li><a href='/a/1.html'>新会区召开高质量发展大会</a><span>2022-11-02</span></li></ul>"
            "<ul id='newsList'></ul><script>fetch('/api/news').then(r => r.json())</script>")
    result = run("content_freshness", site({HOME: _home(rows)}), {"target": "home", "max_age_days": 14})
    assert result.status == "unknown" and "未经浏览器渲染" in result.findings[0].message


def test_news_columns_of_a_special_topic_are_not_judged_as_top_level_columns():
    topic = ("<html><head><title>疫情防控专题</title></head><body><a href='/ztzl/yqfk/gzdt/'>工作动态</a>"
             "</body></html>")
    stale = "<ul><li><a href='/ztzl/yqfk/gzdt/t20220101_1.html'>防控工作部署会召开</a><span>2022-01-01</span></li></ul>"
    s = site({HOME: _home("<a href='/ztzl/yqfk/'>疫情防控专题</a>"), "http://x.gov.cn/ztzl/yqfk/": topic,
              "http://x.gov.cn/ztzl/yqfk/gzdt/": (_home(stale), 200, 2)})
    params = {"target": "columns", "names": ["工作动态"], "max_age_days": 14}
    assert run("content_freshness", s, params).status == "fail"         # any column, as before
    result = run("content_freshness", s, {**params, "top_level_only": True})
    assert result.status == "unknown" and "未找到" in result.findings[0].message
