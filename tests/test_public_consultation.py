"""Item 28 per notice: the window reader on the real wordings of the shared corpus (survey §1.4 and
W-a … W-e; provenance in tests/fixtures/corpus/PROVENANCE.md, "consultation windows"), and the
public_consultation check on real notice and feedback pages. Fixture cases with decoys are in
tests/fixtures/checks/public_consultation/."""
from datetime import date

import pytest

from tests.contentkit import case_statuses, run
from tests.corpuskit import corpus_html, corpus_page, entry
from tests.sitekit import site
from zwgk.checks.parsers.consultation import consultation_window, feedback_in_text
from zwgk.checks.parsers.numerals import number
from zwgk.checks.parsers.pubdate import publication_date
from zwgk.checks.public_consultation import subject

# What each real page's window is, as the survey's table (REPORT.md §1.4) reads them:
# (start, end, open start, malformed). start None: the page does not say and has no date of its own.
REAL_WINDOWS = {
    "sdningjin": (date(2023, 3, 6), date(2023, 4, 5), False, False),     # 一、征求意见的时间 / next line
    "shizhong": (date(2024, 9, 4), date(2024, 9, 27), False, False),     # 征求意见起止时间: (and 开始/结束时间 fields)
    "ahjinzhai": (None, date(2022, 9, 7), True, False),                  # a feedback page: 截止2022年9月7日
    "hanbin": (date(2019, 11, 20), date(2019, 12, 20), True, True),      # 公布之日起 … 截止时间为20191220日
    "jiading": (None, date(2020, 11, 15), True, False),                  # 征集时间:即日起至2020年11月15日止
    "ct.zj": (date(2020, 12, 30), date(2021, 1, 6), False, False),       # 公示时间：<span>20</span><span>20</span>年…
}


def _window(key):
    s, page = corpus_page(key)
    chosen, _ = publication_date(s, page)
    return consultation_window(s.text(page), chosen.date if chosen else None)


@pytest.mark.parametrize("key", sorted(REAL_WINDOWS))
def test_the_window_of_a_real_notice(key):
    start, end, open_start, malformed = REAL_WINDOWS[key]
    w = _window(key)
    assert (w.start, w.end, w.open_start, bool(w.malformed)) == (start, end, open_start, malformed), w


def test_a_registration_window_is_no_consultation_window():
    # wlmq: 报名时间：2024年3月7日-4月26日 and 培训时间 rows, and 截止2024年4月底 (no day)
    assert _window("wlmq") is None


def test_a_yearless_end_takes_the_start_year_and_the_next_one_across_new_year():
    # wlmq's wording of a range (W-b), under a consultation label
    w = consultation_window("征集时间：2024年3月7日-4月26日")
    assert (w.start, w.end, w.yearless_end) == (date(2024, 3, 7), date(2024, 4, 26), True)
    w = consultation_window("征求意见时间：2023年12月20日至1月19日。")
    assert (w.end, w.days) == (date(2024, 1, 19), 30)


def test_a_deadline_sentence_and_separate_fields():
    w = consultation_window("请于2023年4月5日前将意见建议发送至邮箱。", published=date(2023, 3, 6))
    assert (w.start, w.end, w.kind, w.days) == (date(2023, 3, 6), date(2023, 4, 5), "deadline", 30)
    # a 开始时间 right after 报名 is another window's
    assert consultation_window("报名开始时间：2023-03-01 报名结束时间：2023-03-05") is None
    w = consultation_window("征集部门:区政府办公室开始时间:2024-09-04 结束时间:2024-09-27")
    assert (w.start, w.end, w.kind) == (date(2024, 9, 4), date(2024, 9, 27), "fields")


def test_feedback_counts_of_a_real_feedback_page():
    s, page = corpus_page("ahjinzhai")
    fb = feedback_in_text(s.text(page))
    assert (fb.kind, fb.received, fb.adopted) == ("counts", 3, 2)
    # a notice promising feedback reports none; a page saying nobody wrote does
    assert feedback_in_text("我们将在征求意见结束后公布意见采纳情况。") is None
    assert feedback_in_text("征求意见期间未收到意见建议。").kind == "none"


def test_numbers_as_pages_write_them():
    assert [number(t) for t in ("3", "３", "三", "十", "十二", "二十三", "一百零五", "二〇二三", "期")] == \
           [3, 3, 3, 10, 12, 23, 105, 2023, None]


def test_the_subject_feedback_names():
    assert subject("关于征求《江门市养犬管理规定（草案）》意见的公告") == "江门市养犬管理规定"
    assert subject("关于公开征求新会区养老服务设施布局规划意见的公告") == "新会区养老服务设施布局规划"
    assert subject("关于征求政务公开专区建设意见的通知") == "政务公开专区建设"


def _consultation_site(notice_title, notice_html, notice_date, extra=None):
    home = "http://gov.test/"
    col = home + "hdjl/yjzj/"
    url = col + f"{notice_date:%Y%m}/t{notice_date:%Y%m%d}_1.html"
    rows = [(notice_title, url, notice_date)] + [(t, u, d) for t, u, d, _ in (extra or [])]
    lis = "".join(f'<li><a href="{u}">{t}</a><span>{d.isoformat()}</span></li>' for t, u, d in rows)
    pages = {home: '<html><body><div class="nav"><a href="/hdjl/yjzj/">意见征集</a></div></body></html>',
             col: f'<html><head><meta name="ColumnName" content="意见征集"></head><body><ul>{lis}</ul></body></html>',
             url: notice_html.replace("<body>", f"<body><h1>{notice_title}</h1><p>发布时间：{notice_date.isoformat()}</p>", 1)}
    for _t, u, _d, html in extra or ():
        pages[u] = html
    return site(pages), url


def test_a_real_major_decision_notice_with_a_30_day_window():
    # sdningjin: 重大行政决策, 2023年3月6日至2023年4月5日 — 30 days (开始的当日不计入): not short
    s, url = _consultation_site("关于《阳光大街中修道路工程设计方案》公开征求意见的公告",
                                corpus_html(entry("sdningjin")["file"]), date(2023, 3, 6))
    result = run("public_consultation", s, {"names": ["意见征集"]}, as_of=date(2023, 6, 30))
    window_findings = [f for f in result.findings if "期限" in f.message or "期限：" in f.evidence]
    assert not any("期限只有" in f.message for f in result.findings), [f.message for f in result.findings]
    assert any("2023-03-06 至 2023-04-05（30 天）" in f.evidence for f in window_findings)
    # closed on 04-05, feedback due within 45 days, none on the site: one notice is a warn, not a fail
    assert any(f.status == "warn" and "未见意见反馈" in f.message and f.url == url for f in result.findings)


def test_a_real_feedback_page_answers_its_notice():
    notice = ("<html><body><p>现就政务公开专区设计方案（意见征集稿）向广大群众征求意见。</p>"
              "<p>征求意见时间：2022年8月7日至2022年9月7日。</p></body></html>")
    feedback_url = "http://gov.test/hdjl/yjzj/202209/t20220915_2.html"
    feedback = corpus_html(entry("ahjinzhai")["file"]).replace(
        "<body>", "<body><h1>关于政务公开专区建设意见征集结果的公示</h1><p>发布时间：2022-09-15</p>", 1)
    s, _ = _consultation_site("关于征求政务公开专区建设意见的通知", notice, date(2022, 8, 7),
                              extra=[("关于政务公开专区建设意见征集结果的公示", feedback_url, date(2022, 9, 15), feedback)])
    result = run("public_consultation", s, {"names": ["意见征集"]}, as_of=date(2022, 12, 1))
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]
    assert "0 条未见反馈" in result.findings[-1].message and feedback_url in result.findings[-1].evidence


def test_fixture_cases_cover_every_verdict():
    assert {"pass", "fail", "warn", "unknown", "not_applicable"} <= case_statuses("public_consultation")
