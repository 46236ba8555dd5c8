"""A department channel whose 年报 sit in the city's unified report column (issue 15, class 9).

The layout is real: 江门市's departments have channels on the city portal (/bmpd/…, see
rules/units/jiangmen.yaml), and many portals list every department's report in one column of
their own (61.150.65.235's /zfxxgk/zfxxgknb/bmxxgknb/ holds 区统计局's 2023 report; qiaokou.gov.cn's
/xxgk/zfxxgknb/bmjdhz/ its offices'). Here the city portal on 127.0.0.1 has the 发改局 channel
/bmpd/fgj/, which links no report column, and /zwgk/ndbg/, listing the reports of 发改局, 司法局 and
the city itself. `zwgk audit` with the registry's `report_column:` must find 发改局's report there,
and only its own: the city's and 司法局's reports in the same column, a 404 of 财政局's report,
and the column pages' city navigation must not count for or against the department.
"""
import json
import os
import subprocess
import sys
from datetime import date
from html import escape

import pytest
import yaml

from tests import annual_report_kit as kit
from tests.sitekit import fixture, snapshot
from tests.webkit import Routes
from zwgk.checks.parsers import annual_report as ar
from zwgk.checks.rulebook import RulebookError, load_rulebook, load_units
from zwgk.checks.site import Site

ENV = {**os.environ, "ZWGK_AUTOTHROTTLE_ENABLED": "0"}
FGJ = "江门市发展和改革局"
REPORT_RULES = {"annual-report-deadline", "annual-report-content", "rule-of-law-report-deadline"}


def city_page(title, body):
    # the city portal's own navigation on every page of the column: columns a department is
    # checked for (政策文件, 通知公告, 依申请公开 …) that are not the department's
    nav = "".join(f'<li><a href="/zwgk/{p}/">{t}</a></li>' for p, t in (
        ("zcwj", "政策文件"), ("tzgg", "通知公告"), ("ysqgk", "依申请公开"), ("zdgkml", "政府信息主动公开目录"),
        ("wqjs", "粤港澳大湾区"), ("zwdt", "政务动态")))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}_江门市人民政府</title>'
            f'<meta name="SiteName" content="江门市人民政府门户网站"></head><body><ul class="nav">{nav}</ul>'
            f'<div class="main">{body}</div><div class="footer">江门市人民政府 网站标识码4407000001</div></body></html>')


def report(unit, year, pub):
    title = f"{unit}{year}年度政府信息公开工作年度报告"
    regs = {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 140) if year == 2022 else (10, 2, 131)}   # 131+12−3 = 140
    return title, kit.page(title, kit.report_body(unit, year, regs=regs), pubdate=f"{pub} 10:00", visible=pub)


def portal_routes():
    reports = {   # path -> (title, html, list date)
        "/zwgk/ndbg/202303/t20230320_31.html": (*report("江门市", 2022, "2023-03-20"), "2023-03-20"),
        "/zwgk/ndbg/202301/t20230128_22.html": (*report("江门市司法局", 2022, "2023-01-28"), "2023-01-28"),
        "/zwgk/ndbg/202301/t20230120_21.html": (*report(FGJ, 2022, "2023-01-20"), "2023-01-20"),
        "/zwgk/ndbg/202301/t20230126_23.html": ("江门市财政局2022年度政府信息公开工作年度报告", None, "2023-01-26"),
        "/zwgk/ndbg/202203/t20220318_11.html": (*report("江门市", 2021, "2022-03-18"), "2022-03-18"),
        "/zwgk/ndbg/202201/t20220125_12.html": (*report(FGJ, 2021, "2022-01-25"), "2022-01-25"),
    }
    paths = list(reports)

    def rows(ps):
        return "".join(f'<li><a href="{p}">{escape(reports[p][0])}</a><span>{reports[p][2]}</span></li>' for p in ps)
    routes = {p: html for p, (_, html, _) in reports.items() if html}
    routes["/zwgk/ndbg/"] = city_page("政府信息公开年报", f'<h2>政府信息公开年报</h2><ul class="list">{rows(paths[:4])}</ul>'
                                                       f'<div class="page"><a href="/zwgk/ndbg/index_1.html">下一页</a></div>')
    routes["/zwgk/ndbg/index_1.html"] = city_page("政府信息公开年报", f'<h2>政府信息公开年报</h2><ul class="list">{rows(paths[4:])}</ul>'
                                                                   f'<div class="page"><a href="/zwgk/ndbg/">上一页</a></div>')
    routes["/"] = city_page("首页", '<a href="/bmpd/fgj/">市发展改革局</a><a href="/zwgk/ndbg/">政府信息公开年报</a>')
    # the department's channel: its own columns, no report column, a link back to the city
    tz = [("关于开展2023年价格监测工作的通知", "/bmpd/fgj/tzgg/202302/t20230210_5.html", "2023-02-10"),
          ("关于公布江门市2022年重点项目的通知", "/bmpd/fgj/tzgg/202301/t20230105_4.html", "2023-01-05")]
    routes["/bmpd/fgj/"] = kit.home_page([("通知公告", "/bmpd/fgj/tzgg/"), ("机构概况", "/bmpd/fgj/jggk/"),
                                          ("江门市人民政府", "/")], site_name=f"{FGJ}")
    routes["/bmpd/fgj/tzgg/"] = kit.list_page("通知公告", tz)
    routes["/bmpd/fgj/jggk/"] = kit.page("机构概况", "<p>江门市发展和改革局是市政府工作部门。</p>", column="机构概况")
    for t, href, d in tz:
        routes[href] = kit.page(t, f"<p>{t}。</p>", pubdate=f"{d} 09:00", column="通知公告")
    for i in range(6):
        routes[f"/nav{i}/"] = kit.list_page(f"导航栏目{i}", [])
    return routes


@pytest.fixture(scope="module")
def portal():
    with Routes(portal_routes()) as server:
        yield server


def audit(tmp_path, units, as_of):
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "zwgk", "audit", "--units", str(path), "--as-of", as_of,
                           "--no-browser", "--db", f"sqlite:///{tmp_path}/z.db", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, env=ENV)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from zwgk.storage.database import Store
    store = Store(f"sqlite:///{tmp_path}/z.db")
    return {(r["unit_name"], r["rule"]): r for r in store.result_rows(1)}


def units(base):
    channel = {"type": "department", "url": base + "bmpd/fgj/"}
    return [{"name": FGJ, **channel, "report_column": base + "zwgk/ndbg/"},
            {"name": FGJ + "（不登记年报栏目）", **channel}]


def test_department_report_found_in_the_city_column(portal, tmp_path):
    r = audit(tmp_path, units(portal.url), "2023-03-01")
    deadline = r[FGJ, "annual-report-deadline"]
    assert deadline["status"] == "pass", deadline["findings"]
    [f] = [f for f in deadline["findings"] if f["status"] == "pass"]
    assert f["url"].endswith("/zwgk/ndbg/202301/t20230120_21.html")           # 发改局's, not 司法局's
    assert "按时发布：2023-01-20" in f["message"] and "期限 2023-01-31" in f["message"]
    content = r[FGJ, "annual-report-content"]
    assert content["status"] == "pass", content["findings"]
    assert content["findings"][0]["url"].endswith("/zwgk/ndbg/202301/t20230120_21.html")
    # without the registry's column the same channel has no report anywhere in its scope
    control = r[FGJ + "（不登记年报栏目）", "annual-report-deadline"]
    assert control["status"] == "fail" and "也未找到报告栏目" in control["findings"][0]["message"]
    # the column's pages are the city's: its navigation, its 404 and its other reports change
    # nothing else in the department's verdicts
    others = {rule: row["status"] for (unit, rule), row in r.items() if unit == FGJ and rule not in REPORT_RULES}
    control_others = {rule: row["status"] for (unit, rule), row in r.items()
                      if unit != FGJ and rule not in REPORT_RULES}
    assert others == control_others
    broken = r[FGJ, "broken-links"]
    assert not any("t20230126_23" in (f["url"] or "") + (f["evidence"] or "") for f in broken["findings"])


def test_only_other_units_reports_in_the_column_is_a_fail_naming_the_column(portal, tmp_path):
    # on 2024-03-01 the 2023 report is due: the column has none of 发改局's (the city's 2022
    # report and 司法局's are there, and are not taken for it)
    r = audit(tmp_path, units(portal.url)[:1], "2024-03-01")
    deadline = r[FGJ, "annual-report-deadline"]
    assert deadline["status"] == "fail", deadline["findings"]
    [f] = deadline["findings"]
    assert "未找到2023年度政府信息公开工作年度报告" in f["message"] and f["url"] == portal.url + "zwgk/ndbg/"
    assert "报告栏目 " + portal.url + "zwgk/ndbg/" in f["evidence"]


# -- in process, on 61.150.65.235's real unified column ------------------------------------------
BMXXGKNB = "http://61.150.65.235/zfxxgk/zfxxgknb/bmxxgknb/"
TJJ_REPORT = BMXXGKNB + "1906985018193408001.html"


def _tjj_site(unit, list_title):
    text = fixture("corpus", "shared", "realpages", "61.150.65.235", "zfxxgk", "zfxxgknb", "bmxxgknb",
                   "1906985018193408001.html.excerpt.txt")
    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    channel = "http://61.150.65.235/bmpd/tjj/"
    snaps = [snapshot(channel, kit.home_page([("通知公告", channel + "tzgg/")])),
             snapshot(BMXXGKNB, kit.list_page("部门信息公开年报", [
                 (list_title, TJJ_REPORT, "2024-01-20"),
                 ("区司法局2023年政府信息公开工作年度报告", BMXXGKNB + "1906985018193408002.html", "2024-01-22"),
                 ("2023年政府信息公开工作年度报告", BMXXGKNB + "1906985018193408003.html", "2024-01-25")]), depth=1),
             snapshot(TJJ_REPORT, kit.page("区统计局2023年政府信息公开工作年度报告", body, column="部门信息公开年报"), depth=2)]
    return Site(channel, snaps, unit=unit)


@pytest.mark.parametrize("list_title", ["区统计局2023年政府信息公开工作年度报告", "2023年政府信息公开工作年度报告"])
def test_real_unified_column_report_counts_when_its_title_names_the_unit(list_title):
    unit = {"name": "区统计局", "type": "department", "url": "http://61.150.65.235/bmpd/tjj/",
            "report_column": BMXXGKNB}
    site = _tjj_site(unit, list_title)
    spec = ar.ReportSpec.from_params(next(r for r in load_rulebook().rules if r.id == "annual-report-deadline").params)
    search = ar.find_reports(site, spec, unit)
    own, undecided = search.for_year(2023)
    # named in the list row, or only by the report page's own title: 区统计局's report, found outside
    assert [r.url for r in own] == [TJJ_REPORT] and own[0].outside
    # 区司法局's is another unit's; the untitled one cannot be told apart (never taken as own)
    assert [r.url for r in search.others(2023)] == [BMXXGKNB + "1906985018193408002.html"]
    assert BMXXGKNB in search.columns and not search.unseen
    # the column's pages are not the unit's pages
    assert [p.final_url for p in site.pages] == ["http://61.150.65.235/bmpd/tjj/"]
    assert TJJ_REPORT not in {s.final_url for s in site.internal}


def test_an_issuerless_report_in_the_column_is_undecided_not_own():
    unit = {"name": "区统计局", "type": "department", "url": "http://61.150.65.235/bmpd/tjj/",
            "report_column": BMXXGKNB}
    site = _tjj_site(unit, "区统计局2023年政府信息公开工作年度报告")
    spec = ar.ReportSpec.from_params(next(r for r in load_rulebook().rules if r.id == "annual-report-deadline").params)
    reports = {r.url: r for r in ar.find_reports(site, spec, unit).reports}
    untitled = reports[BMXXGKNB + "1906985018193408003.html"]
    assert untitled.outside and untitled.own is None


def test_report_column_must_be_a_url(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text("units:\n  - {name: 江门市发展和改革局, type: department, url: 'http://a.gov.cn/bmpd/fgj/',"
                    " report_column: /zwgk/ndbg/}\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="report_column"):
        load_units(path)
    path.write_text("units:\n  - {name: 江门市发展和改革局, type: department, url: 'http://a.gov.cn/bmpd/fgj/',"
                    " report_column: 'http://a.gov.cn/zwgk/ndbg/'}\n", encoding="utf-8")
    assert load_units(path)[0]["report_column"] == "http://a.gov.cn/zwgk/ndbg/"


def test_bare_region_issuer_is_not_a_department_of_it():
    assert ar.is_own("江门市", ["江门市发展和改革局"], ["广东省", "江门市"]) is False
    assert ar.is_own("江门市", ["江门市人民政府门户网站"], ["广东省", "江门市"]) is True
    assert ar.is_own("江门市人民政府", ["江门市人民政府"], ["广东省", "江门市"]) is True


def test_spider_starts_at_the_report_column_and_stays_in_it():
    from tests.spiderkit import file_response, make_spider, parse
    base = "http://127.0.0.1:8000/"
    spider = make_spider(base + "bmpd/fgj/", report_column=base + "zwgk/ndbg/", settings={"GKMLPT_PROBE": False},
                         keywords=("政府信息公开年报",))
    starts = [r.url for r in spider.start_requests()]
    assert starts == [base + "bmpd/fgj/", base + "zwgk/ndbg/"]
    routes = portal_routes()
    [snap], requests = parse(spider, file_response(routes["/zwgk/ndbg/"], base + "zwgk/ndbg/", depth=1))
    wanted = {r.url for r in requests}
    # every report and the next list page of the column; not the city's other columns
    assert {base + p.lstrip("/") for p in ("/zwgk/ndbg/202303/t20230320_31.html", "/zwgk/ndbg/202301/t20230120_21.html",
                                           "/zwgk/ndbg/202301/t20230126_23.html", "/zwgk/ndbg/index_1.html")} <= wanted
    assert not any("/zwgk/zcwj/" in u or "/zwgk/tzgg/" in u for u in wanted)
