"""The annual-report rules (items 9, 10, 58, 59) on small sites built from report pages."""
from datetime import date
from functools import lru_cache

import pytest

from tests import annual_report_kit as kit
from tests.sitekit import fixture, snapshot
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site

BASE = "https://www.example.gov.cn/"
LIST = BASE + "zwgk/ndbg/"
COUNTY = {"name": "新会区人民政府", "type": "county", "url": BASE}
DEPT = {"name": "江门市发展和改革局", "type": "department", "url": BASE}


@lru_cache(maxsize=None)
def rule(rule_id):
    return next(r for r in load_rulebook().rules if r.id == rule_id)


def report_url(pub: date, doc_id: int) -> str:
    return f"{LIST}{pub:%Y%m}/t{pub:%Y%m%d}_{doc_id}.html"


def unit_site(unit, reports=(), column=True, pager_missing=False, budget_refused=(), home_links=(),
              extra=(), list_link_text=None):
    """reports: (year, published date, dict of options: html, title, list_date, pubdate, visible)."""
    snaps, rows = [], []
    for i, (year, pub, opts) in enumerate(reports):
        title = opts.get("title") or f"{unit['name']}{year}年度政府信息公开工作年度报告"
        url = opts.get("url") or report_url(pub, 100 + i)
        pubdate = opts.get("pubdate", pub.isoformat() + " 10:00")
        html = opts.get("html") or kit.page(title, kit.report_body(unit["name"], year, **opts.get("body", {})),
                                            pubdate=pubdate, visible=opts.get("visible", pubdate))
        rows.append((list_link_text or title, url, opts.get("list_date", pub.isoformat())))
        if not opts.get("unfetched"):
            snaps.append(snapshot(url, html, depth=2))
    links = list(home_links)
    if column:
        links.append(("政府信息公开年报", LIST))
        pager = '<div class="page"><a href="index_1.html">下一页</a></div>' if pager_missing else ""
        snaps.insert(0, snapshot(LIST, kit.list_page("政府信息公开年报", rows, pager), depth=1))
    home = snapshot(BASE, kit.home_page(links + ([] if column else [(t, u) for t, u, _ in rows])))
    navs = [snapshot(f"{BASE}nav{i}/", kit.list_page(f"导航栏目{i}", []), depth=1) for i in range(6)]
    return Site(BASE, [home, *snaps, *navs, *extra], budget_refused=budget_refused, unit=unit)


def run(rule_id, site, unit, as_of, **extras):
    ctx = CheckContext(as_of=as_of, unit=unit, extras=extras)
    return run_rule(rule(rule_id), site, ctx)


def statuses(result):
    return [f.status for f in result.findings]


# -- item 58: deadlines ---------------------------------------------------------------------------
@pytest.mark.parametrize("unit, as_of, pub, status, words", [
    (DEPT, date(2023, 3, 1), date(2023, 1, 20), "pass", "按时发布：2023-01-20"),
    (DEPT, date(2023, 3, 1), date(2023, 1, 31), "pass", "期限 2023-01-31"),
    (DEPT, date(2023, 3, 1), date(2023, 2, 5), "fail", "晚于期限 2023-01-31 共 5 天"),
    (COUNTY, date(2023, 3, 1), date(2023, 2, 20), "pass", "按时发布：2023-02-20"),
    (COUNTY, date(2023, 3, 10), date(2023, 3, 5), "fail", "晚于期限 2023-02-20 共 13 天"),
])
def test_deadline_on_time_and_late(unit, as_of, pub, status, words):
    site = unit_site(unit, [(2022, pub, {}), (2021, date(2022, 1, 10), {})])
    result = run("annual-report-deadline", site, unit, as_of)
    assert result.status == status
    judged = [f for f in result.findings if f.status == status][0]
    assert words in judged.message and "PubDate" in judged.message
    assert judged.url == report_url(pub, 100)
    assert f"{unit['name']}2022年度政府信息公开工作年度报告" in judged.evidence     # title and dates in the finding
    assert "列表页日期" in judged.evidence and "网址中的日期" in judged.evidence


@pytest.mark.parametrize("unit, as_of, judged, upcoming_deadline", [
    (COUNTY, date(2023, 1, 15), 2021, "2023-02-20"),
    (DEPT, date(2023, 1, 15), 2021, "2023-01-31"),
])
def test_before_the_deadline_the_year_before_is_judged(unit, as_of, judged, upcoming_deadline):
    site = unit_site(unit, [(2021, date(2022, 1, 20), {})])
    result = run("annual-report-deadline", site, unit, as_of)
    assert result.status == "pass"
    passed = [f for f in result.findings if f.status == "pass"][0]
    assert f"{judged}年度" in passed.message
    na = [f for f in result.findings if f.status == "not_applicable"][0]
    assert "2022年度" in na.message and "尚未到期" in na.message and upcoming_deadline in na.message


def test_not_yet_due_report_already_published_is_shown():
    site = unit_site(COUNTY, [(2022, date(2023, 1, 10), {}), (2021, date(2022, 2, 1), {})])
    result = run("annual-report-deadline", site, COUNTY, date(2023, 1, 15))
    assert statuses(result) == ["pass", "pass"]
    assert "期限 2023-02-20 未到" in result.findings[1].message


@pytest.mark.parametrize("unit, as_of", [(DEPT, date(2023, 2, 10)), (COUNTY, date(2023, 3, 1))])
def test_missing_report_fails_naming_where_zwgk_looked(unit, as_of):
    site = unit_site(unit, [(2021, date(2022, 1, 20), {})])
    result = run("annual-report-deadline", site, unit, as_of)
    assert result.status == "fail"
    [f] = result.findings
    assert "未找到2022年度政府信息公开工作年度报告" in f.message
    assert f.url == LIST and "报告栏目 " + LIST in f.evidence and "列表页 1 页" in f.evidence


def test_missing_is_unknown_when_a_list_page_was_not_fetched():
    site = unit_site(COUNTY, [(2021, date(2022, 1, 20), {})], pager_missing=True)
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 1))
    assert result.status == "unknown"
    assert LIST + "index_1.html" in result.findings[0].evidence


def test_missing_is_unknown_when_the_column_was_not_fetched():
    home = snapshot(BASE, kit.home_page([("政府信息公开年报", LIST)]))
    site = Site(BASE, [home, snapshot(LIST, "", status=503, depth=1)], unit=COUNTY)
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 1))
    assert result.status == "unknown" and "HTTP 503" in result.findings[0].evidence


def test_missing_is_unknown_when_the_budget_ran_out_before_a_column_was_found():
    site = unit_site(COUNTY, [], column=False, budget_refused=[BASE + "more/"])
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 1))
    assert result.status == "unknown" and "预算" in result.findings[0].message
    complete = unit_site(COUNTY, [], column=False)
    assert run("annual-report-deadline", complete, COUNTY, date(2023, 3, 1)).status == "fail"


def test_other_units_reports_on_a_county_column_do_not_count():
    other = {"title": "新会区司法局2022年度政府信息公开工作年度报告"}
    site = unit_site(COUNTY, [(2022, date(2023, 2, 1), other), (2021, date(2022, 2, 1), {})])
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 1))
    assert result.status == "fail" and "另见其他单位" in result.findings[0].message


def test_undecidable_issuer_is_unknown():
    unit = {"name": "127.0.0.1", "type": "county", "url": BASE}
    a = {"title": "新会区司法局2022年度政府信息公开工作年度报告"}
    b = {"title": "新会区民政局2022年度政府信息公开工作年度报告"}
    site = unit_site(unit, [(2022, date(2023, 2, 1), a), (2022, date(2023, 2, 2), b)])
    result = run("annual-report-deadline", site, unit, date(2023, 3, 1))
    assert result.status == "unknown" and "无法从标题判断" in result.findings[0].message


def test_disagreeing_date_signals_warn():
    opts = {"list_date": "2023-03-05"}
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), opts)])
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 10))
    assert statuses(result) == ["pass", "warn"] and result.status == "warn"
    assert "列表页日期 2023-03-05（相差 23 天" in result.findings[1].message


def test_list_row_date_used_when_the_report_page_was_not_fetched():
    site = unit_site(COUNTY, [(2022, date(2023, 2, 25), {"unfetched": True})])
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 10))
    assert result.status == "fail" and "依据列表页日期" in result.findings[0].message


# -- item 59: the 法治政府建设 report ---------------------------------------------------------------
def test_rule_of_law_report_found_on_a_notice_list():
    title = "江门市发展和改革局关于2022年度法治政府建设工作情况的报告"
    notice_list = BASE + "zwgk/tzgg/"
    url = BASE + "zwgk/tzgg/202302/t20230228_5.html"
    site = Site(BASE, [
        snapshot(BASE, kit.home_page([("通知公告", notice_list)])),
        snapshot(notice_list, kit.list_page("通知公告", [(title, url, "2023-02-28"), ("其他通知", BASE + "x.html", "2023-02-01")]), depth=1),
        snapshot(url, kit.page(title, "<p>一、2022年推进法治政府建设的主要举措和成效……</p>", pubdate="2023-02-28 09:00",
                               column="通知公告"), depth=2)], unit=DEPT)
    result = run("rule-of-law-report-deadline", site, DEPT, date(2023, 3, 10))
    assert result.status == "pass" and "2023-03-01" in result.findings[0].message
    assert result.findings[0].url == url


def test_rule_of_law_report_missing_without_a_column_is_unknown():
    site = unit_site(DEPT, [(2022, date(2023, 1, 20), {})])
    result = run("rule-of-law-report-deadline", site, DEPT, date(2023, 3, 10))
    assert result.status == "unknown" and "其他网站" in result.findings[0].message


@pytest.mark.parametrize("file, title, as_of, words", [
    # 静海区 (www.tjjh.gov.cn, realpages excerpts): 发布时间 2024-03-28 under a header that still shows
    # “2019年12月3日星期二”, and 更新时间 2021/03/29 under “2019年10月31日 星期三”
    ("jhqzf/zwgk_28985/zfxxgk_qzf1/qzf1/fdzdgknr2/qtfdgkxx2/202403/t20240328_6583952.html",
     "静海区2023年度法治政府建设情况报告", date(2024, 4, 15), "2024-03-28（依据页面显示的发布日期），晚于期限 2024-03-01 共 27 天"),
    ("jhqzf/zwgk_28985/gzbg/202103/t20210329_5396867.html",
     "静海区2020年法治政府建设情况报告", date(2021, 4, 15), "2021-03-29（依据页面显示的发布日期），晚于期限 2021-03-01 共 28 天"),
])
def test_rule_of_law_report_of_a_real_portal_is_dated_by_its_publication_not_its_stale_header(file, title, as_of, words):
    from tests.corpuskit import corpus_html
    home_url = "https://www.tjjh.gov.cn/"
    url = home_url + file
    county = {"name": "静海区人民政府", "type": "county", "url": home_url}
    site = Site(home_url, [
        snapshot(home_url, kit.home_page([(title, url)])),
        snapshot(url, corpus_html("realpages/www.tjjh.gov.cn/" + file + ".excerpt.txt"), depth=1)], unit=county)
    result = run("rule-of-law-report-deadline", site, county, as_of)
    assert result.status == "fail" and words in result.findings[0].message, result.findings
    assert result.findings[0].url == url


# -- item 9: content ------------------------------------------------------------------------------
def test_content_pass_on_a_consistent_report():
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"html": fixture("annual_reports", "report_2022_ok.html")})])
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == "pass", result.findings
    assert "格式标题 6/6" in result.findings[0].message and "已核对申请情况表、复议诉讼表、第二十条表" in result.findings[0].message


def test_content_fail_lists_every_broken_identity():
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"html": fixture("annual_reports", "report_2022_broken.html")})])
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == "fail"
    [f] = result.findings
    assert "勾稽关系/格式问题 5 处" in f.message      # 自然人 and 总计 columns, 总计 outcomes, one row, 复议
    assert "一、本年新收 59" in f.evidence and "≠ 总计 5" in f.evidence and "1+0+1+0 = 2 ≠ 总计 3" in f.evidence
    assert f.url == report_url(date(2023, 2, 10), 100)


@pytest.mark.parametrize("heading, status, words", [
    ("", "fail", "缺少格式标题：五、存在的主要问题及改进情况"),          # nothing resembles part 五
    ("五、下一步工作打算", "warn", "第五部分取标题“五、下一步工作打算”"),   # resembles it, without 问题
    ("五、存在问题和改进措施", "pass", "格式标题 6/6"),                    # the part in other words
])
def test_content_heading_missing_resembling_or_reworded(heading, status, words):
    headings = list(kit.HEADINGS_2021)
    headings[4] = heading
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"body": {"headings": headings}})])
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == status and words in result.findings[0].message, result.findings
    assert f"五←“{heading}”" in result.findings[0].evidence if heading else "五←（未找到）" in result.findings[0].evidence


def test_older_template_is_not_failed_on_the_new_headings():
    site = unit_site(COUNTY, [(2019, date(2020, 2, 18), {"html": fixture("annual_reports", "report_2019_old_template.html")})])
    result = run("annual-report-content", site, COUNTY, date(2020, 3, 1))
    assert result.status == "pass", result.findings
    assert "旧格式" in result.findings[0].message


def test_cross_year_in_force_is_a_warning():
    regs21 = {"规章": (0, 0, 0), "行政规范性文件": (10, 2, 130)}
    regs22 = {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 150)}
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"body": {"regs": regs22}}),
                              (2021, date(2022, 2, 10), {"body": {"regs": regs21}})])
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == "warn"
    assert "130 + 2022年制发 12 − 废止 3 = 139，但2022年报告现行有效 150" in result.findings[0].message


def test_pdf_only_report_content():
    body = kit.pdf_bytes(kit.report_lines(COUNTY["name"], 2022))
    pdf_url = LIST + "202302/P020230210.pdf"
    att = kit.attachment(pdf_url, body, "application/pdf")
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"url": pdf_url, "unfetched": True})], extra=[att])
    deadline = run("annual-report-deadline", site, COUNTY, date(2023, 3, 1))
    assert deadline.status == "pass" and deadline.findings[0].url == pdf_url
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == "pass", result.findings
    assert "PDF 附件" in result.findings[0].evidence


def test_scanned_pdf_is_unknown():
    pdf_url = LIST + "202302/P020230210.pdf"
    att = snapshot(pdf_url, "", depth=2, content_type="application/pdf", doc_error="PDF 无可提取文字（可能为扫描件）")
    site = unit_site(COUNTY, [(2022, date(2023, 2, 10), {"url": pdf_url, "unfetched": True})], extra=[att])
    result = run("annual-report-content", site, COUNTY, date(2023, 3, 1))
    assert result.status == "unknown" and "扫描件" in result.findings[0].message


def test_content_of_a_missing_report_is_unknown_not_fail():
    site = unit_site(COUNTY, [])
    assert run("annual-report-content", site, COUNTY, date(2023, 3, 1)).status == "unknown"


# -- item 10: near-copies ---------------------------------------------------------------------------
NARRATIVE_A = ("{unit}围绕优化营商环境推进重点领域信息公开，全年组织政策吹风会三场，开设“企业服务直通车”专栏，"
               "在镇街便民服务中心设置政务公开专区十二个，邀请人大代表和企业家代表参与重大决策听证，"
               "对涉企政策实行“一文一解读”，并在新媒体平台同步推送图解和短视频，回应群众关切的热点问题。")
NARRATIVE_B = ("{unit}着力推进基层政务公开标准化规范化，编制完成二十六个试点领域的公开事项目录，"
               "以村居公开栏为阵地推动涉农补贴、低保救助等信息公开到户，依托网格员开展入户宣讲，"
               "同时对历年公开的规范性文件开展清理，建立动态更新机制，确保公开内容准确、完整、可查。")


def peer_site(unit, narrative, host):
    base = f"https://{host}/"
    url = f"{base}zwgk/ndbg/202302/t20230210_1.html"
    title = f"{unit['name']}2022年度政府信息公开工作年度报告"
    html = kit.page(title, kit.report_body(unit["name"], 2022, narrative=narrative), pubdate="2023-02-10 10:00")
    return Site(base, [snapshot(base, kit.home_page([(title, url)])), snapshot(url, html, depth=1)],
                unit={**unit, "url": base})


def test_near_copy_reports_of_two_units_are_flagged():
    a = peer_site({"name": "新会区人民政府", "type": "county"}, NARRATIVE_A, "www.xinhui.gov.cn")
    b = peer_site({"name": "台山市人民政府", "type": "county"}, NARRATIVE_A, "www.cnts.gov.cn")
    c = peer_site({"name": "开平市人民政府", "type": "county"}, NARRATIVE_B, "www.kaiping.gov.cn")
    peers = {"新会区人民政府": a, "台山市人民政府": b, "开平市人民政府": c}
    result = run("annual-report-similarity", a, a.unit, date(2023, 3, 1), peers=peers)
    assert result.status == "warn"
    [f] = result.findings
    assert "新会区人民政府2022年度" in f.message and "台山市人民政府2022年度" in f.message and "相似度 100%" in f.message
    assert "开平市" not in f.message
    other = run("annual-report-similarity", c, c.unit, date(2023, 3, 1), peers=peers)
    assert other.status == "pass" and "比较了 2 对" in other.findings[0].message


def test_template_wording_alone_does_not_make_reports_alike():
    a = peer_site({"name": "新会区人民政府", "type": "county"}, NARRATIVE_A, "www.xinhui.gov.cn")
    c = peer_site({"name": "开平市人民政府", "type": "county"}, NARRATIVE_B, "www.kaiping.gov.cn")
    result = run("annual-report-similarity", a, a.unit, date(2023, 3, 1), peers={"a": a, "c": c})
    assert result.status == "pass"


def test_single_unit_check_is_not_applicable():
    a = peer_site({"name": "新会区人民政府", "type": "county"}, NARRATIVE_A, "www.xinhui.gov.cn")
    result = run("annual-report-similarity", a, a.unit, date(2023, 3, 1), peers={"新会区人民政府": a})
    assert result.status == "not_applicable"


def test_signals_straddling_the_deadline_warn_instead_of_failing():
    opts = {"pubdate": "2023-03-02 10:00", "visible": "2023-03-02 10:00", "list_date": "2023-02-15"}
    site = unit_site(COUNTY, [(2022, date(2023, 2, 15), opts)])      # URL t20230215, list 02-15
    result = run("annual-report-deadline", site, COUNTY, date(2023, 3, 10))
    assert result.status == "warn" and statuses(result) == ["warn"]
    assert "可能逾期" in result.findings[0].message and "列表页日期 2023-02-15" in result.findings[0].message
