"""checks/parsers/annual_report.py: titles and years, finding, dating, tables and identities."""
from datetime import date
from functools import lru_cache

import pytest

from tests import annual_report_kit as kit
from tests.sitekit import fixture, snapshot
from tests.sitekit import site as make_site
from zwgk.checks.params import ParamError
from zwgk.checks.parsers import annual_report as ar
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site

BASE = "https://www.xinhui.gov.cn/"
PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"


@lru_cache(maxsize=None)
def _rule_params(rule_id="annual-report-content"):
    return next(r for r in load_rulebook().rules if r.id == rule_id).params


def spec(**over):
    return ar.ReportSpec.from_params({**_rule_params(), **over})


def report_of(site, unit=None, sp=None):
    search = ar.find_reports(site, sp or spec(), unit or {"name": "新会区人民政府", "type": "county"})
    assert search.reports, "no report found"
    return search.reports[0]


# -- titles -------------------------------------------------------------------------------------
@pytest.mark.parametrize("title, year, issuer", [
    ("江门市新会区人民政府2022年度政府信息公开工作年度报告", 2022, "江门市新会区人民政府"),
    ("２０２２年政府信息公开工作年度报告", 2022, ""),
    ("新会区二〇二二年政府信息公开年度报告", 2022, "新会区"),
    ("江门市发展和改革局二○二一年度政府信息公开工作年报", 2021, "江门市发展和改革局"),
    ("江门市司法局二零二三年政府信息公开年报", 2023, "江门市司法局"),
    ("【年报】2020 年 政府信息公开 工作年度报告", 2020, "年报"),
])
def test_title_years_and_issuers(title, year, issuer):
    m = ar.match_title(title, spec())
    assert m is not None and m.year == year and m.issuer == issuer


@pytest.mark.parametrize("title", [
    "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知",
    "《2022年政府信息公开工作年度报告》解读",
    "2022年政府信息公开工作要点",
    "政务公开专栏",
])
def test_titles_that_are_not_reports(title):
    m = ar.match_title(title, spec())
    assert m is None or m.year is None


def test_rule_of_law_titles_by_pattern():
    sp = ar.ReportSpec.from_params(_rule_params("rule-of-law-report-deadline"))
    assert ar.match_title("江门市人民政府关于2022年度法治政府建设工作情况的报告", sp).year == 2022
    assert ar.match_title("江门市人民政府关于2022年度法治政府建设工作情况的报告", sp).issuer == "江门市人民政府"
    assert ar.match_title("2023年江门市法治政府建设工作要点", sp) is None


@pytest.mark.parametrize("issuer, names, own", [
    ("新会区", ["新会区人民政府"], True),
    ("江门市新会区", ["新会区人民政府"], True),
    ("新会区司法局", ["新会区人民政府"], False),
    ("市发展改革局", ["江门市发展和改革局"], True),
    ("江门市", ["新会区人民政府"], False),
    ("", ["新会区人民政府"], True),
    ("新会区司法局", ["127.0.0.1"], None),
])
def test_issuer_is_own(issuer, names, own):
    assert ar.is_own(issuer, names, ["广东省", "江门市"]) is own


# -- years judged ---------------------------------------------------------------------------------
@pytest.mark.parametrize("utype, as_of, expected", [
    ("county", date(2023, 1, 15), (2021, 2022)),     # the brief's example: 2022 not yet due
    ("county", date(2023, 2, 20), (2021, 2022)),     # the deadline day itself is still in time
    ("county", date(2023, 2, 21), (2022, None)),
    ("department", date(2023, 1, 31), (2021, 2022)),
    ("department", date(2023, 2, 1), (2022, None)),
    ("city-portal", date(2023, 3, 15), (2021, 2022)),
    ("city-portal", date(2023, 4, 1), (2022, None)),
])
def test_judged_year_follows_the_unit_types_deadline(utype, as_of, expected):
    assert spec().years({"type": utype}, as_of) == expected


def test_deadline_params_are_validated():
    for bad in ({"county": "02-30"}, {"county": 220}, {}):
        with pytest.raises(ParamError):
            ar.validate_params({**_rule_params(), "deadlines": bad,
                                "date_signal_order": ["pubdate"], "headings": ["一、总体情况"]})
    with pytest.raises(ParamError):
        ar.validate_params({"deadlines": {"county": "02-20"}, "date_signal_order": ["crawl_time"]})


# -- tables and identities ------------------------------------------------------------------------
def test_real_2024_report_parses_and_its_numbers_add_up():
    s = make_site({PINGTAN: fixture("annual_reports", "pingtan_2024_97791.html")}, start="https://www.pingtan.gov.cn/")
    rep = report_of(s, {"name": "平潭综合实验区", "type": "county"})
    assert (rep.year, rep.own) == (2024, True)
    c = ar.parse_content(s, rep, spec())
    assert c.source == "html" and c.template == "2021"
    assert c.headings_missing == [] and len(c.headings_found) == 6
    assert c.regulations == {"规章": (0, 0, 0), "行政规范性文件": (62, 33, 440)} and c.regulations_kind == "2021"
    a = c.applications
    assert a.new == [217, 1, 0, 0, 0, 0, 218] and a.total == [217, 1, 0, 0, 0, 0, 218]
    assert a.carried_in == [0] * 7 and a.carried_out == [0] * 7
    assert len(a.outcomes) == 21
    assert dict((label.split(" ")[-1], n) for label, n in a.outcomes)["1.本机关不掌握相关政府信息"] == [75, 0, 0, 0, 0, 0, 75]
    assert c.reviews == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]
    assert ar.identities(c) == []


def test_table_grid_expands_rowspan_and_colspan():
    import lxml.html
    t = lxml.html.fromstring('<table><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
                             '<tr><td>1</td><td>2</td></tr></table>')
    assert ar.table_grid(t) == [["A", "B", "B"], ["A", "1", "2"]]


def _content(html, year=2022):
    url = BASE + f"zwgk/ndbg/{year + 1}02/t{year + 1}0210_1.html"
    s = make_site({BASE: kit.home_page([]), url: html})
    return ar.parse_content(s, report_of(s), spec())


def test_consistent_synthetic_report_has_no_broken_identity():
    c = _content(fixture("annual_reports", "report_2022_ok.html"))
    assert c.headings_missing == [] and c.applications and c.reviews and c.regulations
    assert ar.identities(c) == []


def test_each_broken_identity_is_reported_with_its_numbers():
    c = _content(fixture("annual_reports", "report_2022_broken.html"))
    broken = ar.identities(c)
    kinds = {b.identity for b in broken}
    assert kinds == {"carry", "outcomes", "applicants", "reviews"}
    msgs = "\n".join(b.message for b in broken)
    assert "“自然人”列：一、本年新收 59 + 二、上年结转 0 = 59，但三、（七）总计 54 + 四、结转下年度 0 = 54" in msgs
    assert "申请情况表“（五）不予处理 2.重复申请”行" in msgs and "2+0+0+0+0+0 = 2 ≠ 总计 5" in msgs
    assert "行政复议：结果维持/纠正/其他/尚未审结 1+0+1+0 = 2 ≠ 总计 3" in msgs
    assert any(b.identity == "outcomes" and "“总计”列" in b.message for b in broken)   # 54 outcomes + 5 = 60 vs 55


def test_carried_over_requests_balance():
    apps = kit.applications(carried_in=4, carried_out=6)
    c = _content(kit.page("2022年度政府信息公开工作年度报告", kit.report_body("新会区", 2022, apps=apps)))
    assert c.applications.carried_in[0] == 4 and ar.identities(c) == []
    apps["四、结转下年度继续办理"] = [7, 0, 0, 0, 0, 0, 7]
    c = _content(kit.page("2022年度政府信息公开工作年度报告", kit.report_body("新会区", 2022, apps=apps)))
    assert [b.identity for b in ar.identities(c)] == ["carry", "carry"]     # 自然人 and 总计


def test_cross_year_in_force_identity():
    older = _content(kit.page("2021年度政府信息公开工作年度报告", kit.report_body(
        "新会区", 2021, regs={"规章": (0, 0, 2), "行政规范性文件": (10, 2, 130)})), 2021)
    newer_ok = _content(kit.page("2022年度政府信息公开工作年度报告", kit.report_body(
        "新会区", 2022, regs={"规章": (1, 0, 3), "行政规范性文件": (12, 3, 139)})))
    assert ar.cross_year(newer_ok, 2022, older, 2021) == []
    newer_bad = _content(kit.page("2022年度政府信息公开工作年度报告", kit.report_body(
        "新会区", 2022, regs={"规章": (1, 0, 3), "行政规范性文件": (12, 3, 140)})))
    [b] = ar.cross_year(newer_bad, 2022, older, 2021)
    assert "130 + 2022年制发 12 − 废止 3 = 139，但2022年报告现行有效 140" in b.message


def test_older_template_is_recognised_and_its_tables_still_checked():
    c = _content(fixture("annual_reports", "report_2019_old_template.html"), 2019)
    assert c.template == "2019"
    assert c.regulations_kind == "2019"                    # 对外公开总数量: not comparable across years
    assert len(c.applications.outcomes) == 19              # one （六）其他处理 row
    assert ar.identities(c) == []


# -- attachments ----------------------------------------------------------------------------------
def _attachment_site(att, link_text="附件：2022年报.pdf"):
    home = BASE
    lst = BASE + "zwgk/ndbg/"
    return Site(home, [
        snapshot(home, kit.home_page([("政府信息公开年报", lst)])),
        snapshot(lst, kit.list_page("政府信息公开年报", [(link_text, att.url, "2023-02-08")]), depth=1),
        att])


def test_pdf_only_report_is_found_dated_and_read():
    apps = kit.applications()
    apps["（一）予以公开"] = [41, 1, 0, 0, 0, 0, 42]            # outcome sum 55 ≠ 总计 54 (自然人)
    body = kit.pdf_bytes(kit.report_lines("新会区人民政府", 2022, apps=apps))
    att = kit.attachment(BASE + "zwgk/ndbg/202302/P020230208_ndbg.pdf", body, "application/pdf")
    assert "政府信息公开工作年度报告" in att.doc_text
    s = _attachment_site(att)
    rep = report_of(s)
    assert rep.year == 2022 and rep.title.startswith("新会区人民政府2022年度")   # named by its own text
    sig = ar.date_signals(s, rep, spec())
    assert [(x.kind, x.date) for x in sig] == [("list", date(2023, 2, 8))]
    c = ar.parse_content(s, rep, spec())
    assert c.source == "pdf" and c.headings_missing == []
    assert c.regulations["行政规范性文件"] == (12, 3, 140) and c.reviews[4] == 2
    broken = ar.identities(c)
    assert [b.identity for b in broken] == ["outcomes", "outcomes"]       # 自然人 and 总计 columns
    assert "各办理结果之和 55" in broken[0].message and "总计 54" in broken[0].message


def test_docx_report_tables_are_read_in_document_order():
    body = kit.docx_bytes("新会区人民政府", 2022)
    att = kit.attachment(BASE + "zwgk/ndbg/2022nb.docx", body,
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert att.doc_error == ""
    s = _attachment_site(att, link_text="新会区人民政府2022年政府信息公开工作年度报告（Word版）")
    rep = report_of(s)
    c = ar.parse_content(s, rep, spec())
    assert c.source == "docx" and c.headings_missing == []
    assert c.applications.new == [54, 1, 0, 0, 0, 0, 55] and c.reviews[:5] == [1, 0, 1, 0, 2]
    assert ar.identities(c) == []


def test_html_page_that_only_links_its_pdf_is_read_from_the_pdf():
    pdf = kit.attachment(BASE + "zwgk/ndbg/202302/W020230210.pdf",
                         kit.pdf_bytes(kit.report_lines("新会区人民政府", 2022)), "application/pdf")
    url = BASE + "zwgk/ndbg/202302/t20230210_9.html"
    html = kit.page("新会区人民政府2022年度政府信息公开工作年度报告",
                    f'<p>详见附件：<a href="{pdf.url}">新会区2022年年报.pdf</a></p>', pubdate="2023-02-10 10:00")
    s = Site(BASE, [snapshot(BASE, kit.home_page([("年报", url)])), snapshot(url, html, depth=1), pdf])
    search = ar.find_reports(s, spec(), {"name": "新会区人民政府", "type": "county"})
    assert len(search.reports) == 1 and search.reports[0].attachments == [pdf]   # one report, not two
    c = ar.parse_content(s, search.reports[0], spec())
    assert c.source == "pdf" and c.applications is not None and ar.identities(c) == []


# -- dating -------------------------------------------------------------------------------------
def test_every_date_signal_is_read_and_content_signals_win():
    url = BASE + "zwgk/ndbg/202302/t20230215_77.html"
    lst = BASE + "zwgk/ndbg/"
    title = "新会区人民政府2022年度政府信息公开工作年度报告"
    s = Site(BASE, [
        snapshot(BASE, kit.home_page([("政府信息公开年报", lst)])),
        snapshot(lst, kit.list_page("政府信息公开年报", [(title, url, "2023-02-16")]), depth=1),
        snapshot(url, kit.page(title, kit.report_body("新会区", 2022), pubdate="2023-02-14 09:00",
                               visible="2023年2月13日"), depth=2,
                 headers={"last-modified": "Mon, 20 Mar 2023 08:00:00 GMT"}),
    ])
    rep = report_of(s)
    sig = {x.kind: x.date for x in ar.date_signals(s, rep, spec())}
    assert sig == {"pubdate": date(2023, 2, 14), "visible": date(2023, 2, 13), "list": date(2023, 2, 16),
                   "url": date(2023, 2, 15), "last_modified": date(2023, 3, 20)}
    chosen, spread = ar.reconcile(ar.date_signals(s, rep, spec()), spec())
    assert chosen.kind == "pubdate" and spread == []          # Last-Modified is not compared by default
    chosen, spread = ar.reconcile(ar.date_signals(s, rep, spec(compare_last_modified=True)),
                                  spec(compare_last_modified=True))
    assert [x.kind for x in spread] == ["last_modified"]
    chosen, spread = ar.reconcile(ar.date_signals(s, rep, spec()), spec(date_tolerance_days=0))
    assert sorted(x.kind for x in spread) == ["list", "url", "visible"]


def test_dates_fall_back_in_order_and_never_use_crawl_time():
    url = BASE + "zwgk/ndbg/202302/t20230215_77.html"
    title = "新会区人民政府2022年度政府信息公开工作年度报告"
    page = kit.page(title, kit.report_body("新会区", 2022))        # no PubDate, no visible date
    s = Site(BASE, [snapshot(BASE, kit.home_page([(title, url)])),
                    snapshot(url, page, depth=1, fetched_at="2024-06-01T00:00:00+00:00")])
    chosen, _ = ar.reconcile(ar.date_signals(s, report_of(s), spec()), spec())
    assert (chosen.kind, chosen.date) == ("url", date(2023, 2, 15))
    undated = BASE + "zwgk/ndbg/report.html"
    s = Site(BASE, [snapshot(BASE, kit.home_page([(title, undated)])),
                    snapshot(undated, page, depth=1, fetched_at="2023-01-01T00:00:00+00:00")])
    assert ar.date_signals(s, report_of(s), spec()) == []


def test_visible_date_ignores_written_date():
    text = "成文日期：2023-01-05 发布日期：2023-02-01"
    assert ar._visible_date(text, ["发布日期", "日期"])[0] == date(2023, 2, 1)
    assert ar._visible_date("成文日期：2023-01-05", ["日期"]) is None
