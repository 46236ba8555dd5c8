"""What the sample portals contain: units, and the problems planted in the ``-bad`` twins.

``EXPECTED[portal]["units"][key]`` is one auditable unit of that portal:

    name, type            as in the unit registry (city-portal | county | department)
    url, scope            paths relative to the portal's base URL: where a crawl starts and the
                          prefix it must stay under (the department channel lives inside the city
                          portal, so a crawl of it must not follow links up to "/" or "/zwgk/")
    annual_report_deadline   "MM-DD" of the year after the report year, where the plan sets one
    problems              problem id -> where it sits; empty for the compliant twins

``expected_for`` adds ``columns`` (name -> path), ``annual_reports`` (政府信息公开工作年度报告) and
``law_reports`` (法治政府建设年度报告): year, title, url, published.

A problem's ``url`` is the path of the page a check should name: the page with the problem, or
the page where the missing thing should have been. Problems on articles carry ``doc_id`` instead,
because article URLs are dated (``/zwgk/tzgg/202303/t20230310_90101.html``) and so move with
``as_of``; every problem has ``url_re``, a regex the page's path matches for any as_of. Use
``expected_for(portal, as_of)`` for a copy with every ``url`` filled in for that date, plus each
unit's columns (name -> path) and annual reports.

Portal-wide problems (they are in the shared header/footer, or in the server's headers) are
listed under every unit of the portal, each with the unit's own start page as ``url``.

A problem whose rule can only say ``warn`` (a judgement, or a finding that is not a failure by
itself) carries ``"verdict": "warn"``; every other problem is a ``fail`` of its rule.

Every problem id of a ``-bad`` portal is a key of that portal description's PLANTS.
"""
from __future__ import annotations

import copy
import datetime as dt
import re

from . import jiangmen as _city
from . import xinhui as _county
from .portals import make_site

PRIVATE = {"robots_disallow": ["/private/"], "never_fetch": ["/private/admin.html"]}


def _city_wide(url: str) -> dict:
    return {
        "siteidcode-mismatch": {
            "url": url, "footer": "4407000001", "meta": "4407000099",
            "detail": "页脚网站标识码为4407000001，全站页面 meta SiteIDCode 却为4407000099"},
        "conac-identity-missing": {
            "url": url, "detail": "页脚没有党政机关网站标识（bszs.conac.cn 开办者标识）"},
        "accessibility-entry-missing": {
            "url": url, "detail": "页面头部没有“无障碍”“长者模式”入口，也没有加载辅助工具条脚本"},
        **_no_security_headers(url),
    }


def _no_security_headers(url: str) -> dict:
    return {"security-headers-missing": {
        "url": url, "verdict": "warn", "headers": ["X-Content-Type-Options", "X-Frame-Options"],
        "detail": "服务器响应没有 X-Content-Type-Options、X-Frame-Options 安全响应头（合规样例发送 nosniff、SAMEORIGIN）"}}


def _city_units(bad: bool) -> dict:
    return {
        "city": {
            "name": "江门市人民政府", "type": "city-portal", "url": "/", "scope": "/",
            "annual_report_deadline": None,
            "problems": {} if not bad else {
                "column-missing-wenjingji": {
                    "url": "/", "detail": "首页（及全站）没有“稳经济”专栏"},
                "column-empty-yingshang": {
                    "url": "/ztzl/yshj/", "detail": "“营商环境”专栏存在，但列表页只有“暂无信息”"},
                **_city_wide("/"),
                **_city_depth_problems(),
                "annual-report-copied": {
                    "url": "/zwgk/zfxxgk/ndbg/", "verdict": "warn", "copy_of": "/bmpd/fgj/ndbg/",
                    "url_re": r"^/(zwgk/zfxxgk|bmpd/fgj)/ndbg/(index\.html|\d{6}/t\d{8}_\d+\.html)?$",
                    "detail": "发改局的政府信息公开年报照抄市政府年报的文字（只换了单位名称），市政府作为主管部门应发现雷同"},
                "meta-missing-pubdate": {
                    "doc_id": _city.NO_PUBDATE, "column": "/zwgk/tzgg/",
                    "detail": "文章页缺少 <meta name=\"PubDate\">", "verdict": "warn"},
                "meta-missing-columnname": {
                    "doc_id": _city.NO_COLUMNNAME, "column": "/zwdt/",
                    "detail": "文章页缺少 <meta name=\"ColumnName\">", "verdict": "warn"},
                "meta-missing-contentsource": {
                    "doc_id": _city.NO_CONTENTSOURCE, "column": "/hdjl/yjzj/",
                    "detail": "文章页缺少 <meta name=\"ContentSource\">", "verdict": "warn"},
                "broken-link": {
                    "doc_id": _city.BROKEN, "column": "/zwgk/tzgg/", "status": 404,
                    "found_on": "/zwgk/tzgg/index_1.html",
                    "detail": "通知公告列表第2页的一条链接指向已不存在的页面（HTTP 404）"},
                "soft-404": {
                    "doc_id": _city.SOFT_404, "column": "/hdjl/zcwd/", "status": 200,
                    "found_on": "/hdjl/zcwd/index.html",
                    "detail": "政策问答中的一条链接返回 HTTP 200，但页面内容为“页面不存在或已被删除”"},
            },
        },
        "fgj": {
            "name": "江门市发展和改革局", "type": "department",
            "url": "/bmpd/fgj/", "scope": "/bmpd/fgj/", "annual_report_deadline": "01-31",
            "problems": {} if not bad else {
                "column-missing-gba": {
                    "url": "/bmpd/fgj/", "detail": "部门频道没有“粤港澳大湾区”专栏"},
                "policy-interpretation-missing": {
                    "url": "/bmpd/fgj/zcwj/", "doc_ids": [_city.FGJ_DOC_PROJECTS, _city.FGJ_DOC_PRICING],
                    "interpretations": "/bmpd/fgj/zcjd/",
                    "detail": "近期3件政策文件中2件没有发布政策解读（文件页无解读链接，政策解读栏目也没有），超过一半"},
                "annual-report-identity-broken": {
                    "doc_id": _city.FGJ_REPORT_TYPO, "column": "/bmpd/fgj/ndbg/",
                    "report_year": "as_of.year - 1", "row": "（一）予以公开", "misprint": 5,
                    "detail": "上一年度政府信息公开工作年度报告申请情况表“（一）予以公开”自然人一栏多填5件，"
                              "各办理结果之和不等于（七）总计"},
                **_city_wide("/bmpd/fgj/"),
            },
        },
    }


def _county_units(bad: bool) -> dict:
    return {
        "county": {
            "name": "新会区人民政府", "type": "county", "url": "/", "scope": "/",
            "annual_report_deadline": "02-20",
            "problems": {} if not bad else {
                "column-missing-standard-catalog": {
                    "url": "/", "detail": "全站没有“基层政务公开标准目录”栏目"},
                "accessibility-script-404": {
                    "url": "/", "target": "/wza/aria.js", "status": 404, "needs_browser": True,
                    "detail": "有“无障碍浏览”入口，但工具条脚本 /wza/aria.js 返回404，点击无效"},
                "stale-home-news": {
                    "url": "/", "column": "/xwzx/xhyw/", "newest_days": 40,
                    "detail": "首页“新会要闻”最新一条是40天前发布的"},
                "stale-column-tzgg": {
                    "url": "/zwgk/tzgg/", "newest_days": 200,
                    "detail": "“通知公告”栏目最新一条已超过6个月（200天前）"},
                "validity-mismatch": {
                    "doc_id": _county.REPEALED_BUT_VALID, "column": "/zwgk/zfxxgk/gfxwj/",
                    "found_on": "/zwgk/zfxxgk/gfxwj/index.html",
                    "list_says": "已废止", "page_says": "有效",
                    "detail": "规范性文件列表中标注“已废止”，文件页信息框却仍写“有效性：有效”"},
                "annual-report-late": {
                    "doc_id": _county.LATE_REPORT, "column": "/zwgk/zfxxgk/ndbg/",
                    "report_year": "as_of.year - 1", "published": "03-05", "deadline": "02-20",
                    "detail": "上一年度政府信息公开工作年度报告3月5日才发布，晚于2月20日的期限"},
                "rule-of-law-report-missing": {
                    "url": "/zwgk/zfxxgk/fzzfjs/", "deadline": "03-01",
                    "detail": "“法治政府建设年度报告”栏目存在，但没有应于3月1日前发布的上年度报告（只有更早年度的）"},
                "message-unanswered": {
                    "doc_id": _county.UNANSWERED_LETTER, "column": "/hdjl/qzxx/", "asked_days": 100,
                    "found_on": "/hdjl/qzxx/index_1.html",
                    # beside it: 50 days 未回复 (a warn, no fail) and 办理中 with an interim reply (answered)
                    "decoy_doc_ids": [_county.LETTER_NOT_YET_DUE, _county.LETTER_INTERIM_REPLY],
                    "detail": "区长信箱一封100天前的来信仍为“未回复”（回复内容：暂无回复），超过3个月未答复"},
                **_no_security_headers("/"),
                **_county_item41(),
                **_spam_and_stale_count(),
                **_county_depth_problems(),
            },
        },
    }


def _county_item41() -> dict:
    """Item 41 (issue 17): personal data in a 公示 and its attachment, a serious wording error.
    Both twins carry the decoys (masked rows, a 统一社会信用代码, office phones, a mobile in a news
    text, a 通报 quoting errors); only the bad twin has these."""
    return {
        "personal-data-exposed": {
            "doc_id": _county.SUBSIDY_LIST, "column": "/zwgk/hmhn/snbt/",
            "raw": [_county.SUBSIDY_ROW_EXPOSED[2], _county.SUBSIDY_ROW_EXPOSED[3]],
            "detail": "涉农补贴发放名单公示中一户的身份证号和手机号（与姓名同列）未脱敏，其余各户已脱敏"},
        "personal-data-in-attachment": {
            "doc_id": _county.SUBSIDY_LIST, "column": "/zwgk/hmhn/snbt/", "attachment": 1,
            "raw": [_county.PAYMENT_CARD_EXPOSED],
            "detail": "公示所附的资金发放明细（DOCX）列出一户完整的银行卡号"},
        "serious-wording-error": {
            "doc_id": _county.WORDING_NEWS, "column": "/xwzx/bmdt/",
            "wrong": _county.COUNTRY_MISNAMED, "right": _county.COUNTRY,
            "detail": "部门动态一文把“中华人民共和国”写成“中华人民共合国”（严重表述错误，单项否决）"},
    }


def _spam_and_stale_count() -> dict:
    """Issue 17, points 4 and 5 (checks/spam_links.py, checks/column_update_count.py)."""
    return {
        "spam-link-hidden": {
            "url": "/", "target": "http://127.0.0.86/amxpj/",
            "detail": "首页有一个移到屏幕外的区块（position:absolute; top:-999px），内有指向站外赌博网站的链接"
                      "“澳门新葡京娱乐场”“真人百家乐”（暗链）；同页的隐藏标签页、弹窗、跳转链接和友情链接都不是暗链"},
        "stale-column-count": {
            "url": "/", "columns": ["/xwzx/bmdt/", *(path for path, _n, _d in _county.STALE_COLUMNS)],
            "detail": "部门动态、工作动态、政务动态、镇街动态超过2周、政策文件超过6个月未更新，连同新会要闻、通知公告"
                      "共7个一级栏目未更新，达到“栏目不更新”单项否决标准（5个）"},
    }


# ---- issue 18: items checked in depth (征求意见, 解读 in time, gazette issues, column freshness) -------
def _city_depth_problems() -> dict:
    return {
        "consultation-window-short": {
            "doc_id": _city.SHORT_WINDOW, "column": "/hdjl/yjzj/", "window_days": 15,
            "detail": "《江门市电动自行车管理规定（草案）》征求意见期限只有15天，少于30天，且未说明缩短期限的原因"},
    }


def _county_depth_problems() -> dict:
    return {
        "consultation-feedback-missing": {
            "url": "/hdjl/yjzj/", "verdict": "warn",
            "detail": "《新会区公交线路调整方案（征求意见稿）》征求意见已结束50多天，仍未公布意见采纳情况"},
        "interpretation-late": {
            "doc_id": _county.LATE_INTERPRETATION, "column": "/zwgk/zfxxgk/gfxwj/", "verdict": "warn",
            "late_days": 20, "detail": "规范性文件《新会区政府投资项目管理办法》的政策解读晚于文件20天才发布（未同步）"},
        "gazette-issue-missing": {
            "url": "/zwgk/zfgb/", "year": "as_of.year - 1", "issue": 2,
            "detail": "政府公报栏目缺少上一年第2期（列表从第1期跳到第3期）"},
        "stale-column-agricultural-subsidies": {
            "url": "/zwgk/hmhn/snbt/", "newest_days": 250,
            "url_re": r"^/zwgk/hmhn/((snbt|hmzc)/)?(index\.html)?$",
            "detail": "“惠民惠农”各栏目（涉农补贴、惠民惠农政策）最新一条已是250天前，超过6个月未更新"},
        "subject-list-missing": {
            "url": "/zwgk/zfxxgk/ggqsydw/",
            "detail": "公共企事业单位信息公开专栏没有适用主体清单（只有各企业的信息公开条目）"},
        "map-review-number-missing": {
            "doc_id": _county.MAP_NEWS, "column": "/zwgk/zfxxgk/fdzdgknr/", "verdict": "warn",
            "detail": "法定主动公开内容中的《新会区行政区划图》图片说明没有审图号"},
    }


EXPECTED = {
    "city-good": {"site_name": "江门市人民政府门户网站", "encoding": "utf-8",
                  "declared_charset": "utf-8", "charset_in_header": True,
                  **PRIVATE, "units": _city_units(bad=False)},
    "city-bad": {"site_name": "江门市人民政府门户网站", "encoding": "utf-8",
                 "declared_charset": "utf-8", "charset_in_header": True,
                 **PRIVATE, "units": _city_units(bad=True)},
    "county-good": {"site_name": "江门市新会区人民政府网站", "encoding": "gbk",
                    "declared_charset": "gb2312", "charset_in_header": False,
                    "gbk_only_chars": "镕堃喆玥", **PRIVATE, "units": _county_units(bad=False)},
    "county-bad": {"site_name": "江门市新会区人民政府网站", "encoding": "gbk",
                   "declared_charset": "gb2312", "charset_in_header": False,
                   "gbk_only_chars": "镕堃喆玥", **PRIVATE, "units": _county_units(bad=True)},
}


def _add_url_patterns() -> None:
    for portal in EXPECTED.values():
        for unit in portal["units"].values():
            for problem in unit["problems"].values():
                if "attachment" in problem:     # a file attached to the article (Article.attachment_path)
                    problem["url_re"] = (rf"^{re.escape(problem['column'])}\d{{6}}/"
                                         rf"P0\d{{8}}_{problem['doc_id']}_{problem['attachment']}\.docx$")
                elif "doc_id" in problem:
                    problem["url_re"] = (rf"^{re.escape(problem['column'])}\d{{6}}/"
                                         rf"t\d{{8}}_{problem['doc_id']}\.html$")
                else:
                    problem.setdefault("url_re", rf"^{re.escape(problem['url'])}(index\.html)?$")


_add_url_patterns()


def expected_for(portal: str, as_of: dt.date) -> dict:
    """EXPECTED[portal] for one as_of: dated `url`s filled in, plus columns and annual reports."""
    site = make_site(portal, as_of)
    result = copy.deepcopy(EXPECTED[portal])
    for unit in result["units"].values():
        channel = site.channel_of(unit["scope"])
        in_unit = [c for c in site.columns.values() if site.channel_of(c.path) is channel]
        unit["columns"] = {c.name: c.path for c in in_unit}
        for field, kind in (("annual_reports", "annual_report"), ("law_reports", "law_report")):
            unit[field] = [
                {"year": a.report_year, "title": a.title, "url": a.path,
                 "published": a.published.isoformat(sep=" ", timespec="minutes")}
                for c in in_unit for a in c.newest_first() if a.kind == kind]
        for pid, problem in list(unit["problems"].items()):
            if "doc_id" not in problem:
                continue
            try:
                article = site.article(problem["doc_id"])
                problem["url"] = (article.attachment_path(problem["attachment"]) if "attachment" in problem
                                  else article.path)
            except KeyError:
                # Only the late annual report can be absent: before March 5 it is not online yet.
                # After the deadline that is itself the problem (seen on the reports list).
                deadline = dt.date(as_of.year, 2, 20)
                if pid == "annual-report-late" and as_of > deadline:
                    problem.update(url=problem["column"], url_re=rf"^{re.escape(problem['column'])}"
                                   r"(index\.html)?$", not_published_yet=True,
                                   detail="上一年度政府信息公开工作年度报告已过2月20日期限仍未发布")
                else:
                    del unit["problems"][pid]
    return result


def unit_entries(portal: str, base_url: str) -> list:
    """Unit registry entries (CONTRACT.md `--units` format) for a portal served at base_url."""
    base = base_url.rstrip("/")
    return [{"name": u["name"], "type": u["type"], "url": base + u["url"], "scope": base + u["scope"]}
            for u in EXPECTED[portal]["units"].values()]


_TWIN_LABELS = {"good": "合规样例", "bad": "问题样例"}


def demo_units(servers: dict) -> list:
    """Unit entries for every served portal ({name: SampleServer}), with names made unique.

    Both twins hold the same units, so each name gets the twin's label:
    "江门市人民政府（合规样例）", "江门市人民政府（问题样例）".
    """
    units = []
    for portal, server in servers.items():
        label = _TWIN_LABELS[portal.rsplit("-", 1)[-1]]
        for entry in unit_entries(portal, server.url):
            units.append({**entry, "name": f"{entry['name']}（{label}）", "peer_group": label})
    return units
