"""lapsed_documents_marked: list status vs the document page. Fixture cases (incl. the real
pingtan page listed as 已废止) in tests/fixtures/checks/lapsed_documents_marked/."""
from datetime import date

from tests.contentkit import case_statuses, run
from tests.sitekit import fixture, site
from zwgk.checks.lapsed_documents_marked import PARAMS, judge_rows, page_marking
from zwgk.checks.params import validate
from zwgk.page.gkmlpt import Row

P = validate(PARAMS, {})
HOME = "http://x.gov.cn/"
DOC = "http://x.gov.cn/gkmlpt/content/1/1001/post_1001.html"
PINGTAN = "http://x.gov.cn/zwgk/t20161026_79826.htm"
FILLER = "".join(f'<a href="/c{i}/">栏目{i}</a>' for i in range(6)) + "<p>" + "正文内容" * 80 + "</p>"


def _page(extra):
    return f"<html><head><title>关于印发某办法的通知</title></head><body>{FILLER}{extra}</body></html>"


def test_fixture_cases_cover_pass_fail_unknown():
    assert {"pass", "fail", "unknown"} <= case_statuses("lapsed_documents_marked")


def test_real_repeal_notice_body_is_not_a_lapsed_mark():
    s = site({PINGTAN: fixture("corpus", "shared", "pingtan", "gfxwj_doc_79826_youxiao.html")})
    state, evidence = page_marking(s, s.home, P)
    assert state == "says_valid" and "有效" in evidence


def test_gkmlpt_rows_feed_in_with_their_flags():
    s = site({HOME: _page(""), DOC: _page("<div>有效性：有效</div><div>发布日期：2022-01-01</div>")})
    rows = [Row(title="关于印发某办法的通知", url=DOC, date=date(2022, 1, 1), document_number="",
                identifier="", is_expired=True, is_abolished=False, list_url="http://x.gov.cn/gkmlpt/api/all/1")]
    findings = list(judge_rows(s, rows, P))
    assert [f.status for f in findings] == ["fail"]
    assert findings[0].url == DOC and "gkmlpt/api" in findings[0].evidence and "失效" in findings[0].evidence


def test_dict_rows_and_site_hook():
    s = site({HOME: _page(""), DOC: _page("<h1>【已废止】关于印发某办法的通知</h1>")})
    findings = list(judge_rows(s, [{"url": DOC, "title": "某办法", "is_abolished": True}], P))
    assert [f.status for f in findings] == ["pass"]
    s.platform_rows = lambda: [{"url": DOC, "title": "某办法", "status": "废止", "list_url": HOME}]
    assert run("lapsed_documents_marked", s).status == "pass"


def test_self_contradicting_page_warns():
    s = site({HOME: _page(""), DOC: _page('<div>有效性：有效</div><div>索引号：001</div>'
                                          '<span class="stamp">已失效</span>')})
    findings = list(judge_rows(s, [{"url": DOC, "title": "某办法", "status": "失效", "list_url": HOME}], P))
    assert [f.status for f in findings] == ["warn"]


def test_mention_only_in_the_body_warns():
    s = site({HOME: _page(""), DOC: _page("<p>本办法自2022年起已废止，请以新办法为准，具体内容详见附件。</p>")})
    findings = list(judge_rows(s, [{"url": DOC, "title": "某办法", "status": "已废止", "list_url": HOME}], P))
    assert [f.status for f in findings] == ["warn"]


def test_valid_rows_only_pass():
    s = site({HOME: _page("")})
    findings = list(judge_rows(s, [{"url": DOC, "title": "某办法", "status": "有效"}], P))
    assert [f.status for f in findings] == ["pass"]
