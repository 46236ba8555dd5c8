"""report_deadline — a yearly report is published, and on time (by the deadline for the unit's type).

What it checks: the unit's report of the year that is due at the audit date (`ctx.as_of`). The
report of year Y is due on the deadline in Y+1 that `deadlines` sets for the unit's type (or
name). Until that day has passed the year before is the one judged, and the newer one is
reported as not yet due (on 2023-01-15 a county's 2022 report, due 2023-02-20, is not yet due:
its 2021 report, due 2022-02-20, is judged). Reports are found through the report column (link
text or ColumnName/ColumnType naming it, its list pages), through any link or page whose title
names a report of this kind (`title_keywords`/`title_patterns`; years as 2022年, ２０２２年度,
二〇二二年), and through PDF/DOCX attachments whose text names one. Reports of other units listed
on the site (a county's column lists its departments' reports) are told apart by the title's
issuer. A unit whose reports sit in a column outside its own site (a department channel's
reports in the city's unified 年报 column) has it named in the registry (`report_column:`): the
crawl fetches that column and its reports too, and a report found only there counts when its
title (the list's or the page's own) names the unit; one whose title names no unit there is
never taken as the unit's. A report is dated from every signal it carries (checks/parsers/pubdate.py) — PubDate
meta, the date the page shows (发布时间/发布日期/日期 near the title, the info box's 发布日期, a date
element), the list row's date, the URL's date (t20220225_, /20230331/, /art/2023/2/15/),
Last-Modified — and judged by the first of `date_signal_order`; a PubDate equal to the page's
generation time (页面生成时间) ranks after all of them, and a 落款 or 成文日期 is never used.
Signals that disagree by more than `date_tolerance_days` are a `warn` of their own. Generic: the 政府信息公开工作年度报告 (items 58, 9)
and the 法治政府建设情况年度报告 (item 59) are two rules of this one check.

Why it matters: inspectors check every spring that each unit's report is up by its deadline
(条例第四十九条; 江府办〔2022〕7号 items 58, 59).

Pass: “新会区2022年政府信息公开工作年度报告” PubDate 2023-02-10, deadline 2023-02-20.
Fail: the 2022 report was published 2023-03-05, 13 days after 2023-02-20 (PubDate); no 2022
report in the 政府信息公开年报 column (its 3 list pages) nor anywhere in the 412 pages crawled.
Warn: PubDate 2023-02-10 but the list row says 2023-03-05 (the signals disagree by 23 days).
Unknown: the column or one of its list pages could not be fetched, the crawl budget ran out
before the report was found, the list is built by script, the reports found cannot be told
apart from other units' reports, or the report found carries no date at all.

References: 中华人民共和国政府信息公开条例 第四十九条; 江府办〔2022〕7号 items 58, 59.
"""
from __future__ import annotations

from datetime import date

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers import annual_report as ar

ID = "report_deadline"
NEEDS = Needs(crawl="documents")
PARAMS = {
    **ar.FIND_PARAMS,
    "report_name": {"type": "str", "default": "政府信息公开工作年度报告"},
    # Without a report column, is "not found anywhere in a complete crawl" a fail? Yes for a
    # report that must have its own column; no for one often published elsewhere (the 法治政府
    # 建设 reports of departments are collected by the 司法局, outside the department's site).
    "missing_without_column": {"type": "str", "default": "fail", "choices": ["fail", "unknown"]},
    # link texts of hub pages: an unfetched one could hold the report column
    "hub_names": {"type": "list[str]",
                  "default": ["政务公开", "信息公开", "公开目录", "专题专栏", "栏目", "网站地图", "部门", "机构"]},
}
validate_params = ar.validate_params


def describe(report, signals) -> str:
    """Title, URL and every date found: the scorecard's line for one report."""
    dates = "；".join(f"{s.describe()}（{s.evidence}）" for s in signals) or "未见任何日期"
    return f"《{report.title}》 {report.url} — 日期：{dates}"


def _unit(site, ctx) -> dict:
    return {**(site.unit or {}), **(ctx.unit or {})}


def check(site, params, ctx):
    spec = ar.ReportSpec.from_params(params)
    unit = _unit(site, ctx)
    name = params["report_name"]
    years = spec.years(unit, ctx.as_of)
    if years is None:
        yield Finding("unknown", f"规则未给出“{unit.get('type', '')}”类单位的{name}发布期限，无法判断",
                      url=site.start_url)
        return
    judged, upcoming = years
    search = ar.find_reports(site, spec, unit)
    yield from judge_year(site, spec, search, unit, judged, ctx, name, params)
    if upcoming is not None:
        deadline = spec.deadline(unit, upcoming)
        own, _ = search.for_year(upcoming)
        if not own:
            yield Finding("not_applicable", f"{upcoming}年度{name}尚未到期（期限 {deadline.isoformat()}，"
                                            f"检查日 {ctx.as_of.isoformat()}），暂不检查",
                          url=site.start_url)
        else:
            for report in own:
                signals = ar.date_signals(site, report, spec)
                chosen, _ = ar.reconcile(signals, spec)
                when = f"于 {chosen.date.isoformat()}（{ar.SIGNAL_NAMES.get(chosen.kind)}）" if chosen else ""
                yield Finding("pass", f"{upcoming}年度{name}已{when}发布，期限 {deadline.isoformat()} 未到",
                              url=report.url, evidence=describe(report, signals))


def _missing(site, search, spec, year, deadline, name, others, spec_missing="fail", hub_names=()):
    """The report was not found: fail when zwgk saw where it should be, unknown otherwise."""
    other_note = ""
    if others:
        other_note = f"（另见其他单位的{year}年度报告 {len(others)} 份，如《{others[0].title}》）"
    if search.unseen:
        examples = "；".join(f"{u}（{why}）" for u, why in search.unseen[:3])
        return Finding("unknown", f"未找到{year}年度{name}，但报告栏目有 {len(search.unseen)} 个页面未能查看，无法断定缺失"
                                  f"{other_note}", url=search.unseen[0][0], evidence=examples)
    if search.columns and search.list_pages:
        return Finding("fail", f"未找到{year}年度{name}（期限 {deadline.isoformat()}）{other_note}",
                       url=search.list_pages[0].final_url, absence="site",
                       evidence=f"查找范围：{search.where_looked()}；查找标题含 {'、'.join(spec.title_keywords[:4])}")
    if search.columns:
        return Finding("unknown", f"未找到{year}年度{name}，报告栏目页面未能解析出列表",
                       url=search.columns[0], evidence=search.where_looked())
    home = site.home
    if site.budget_exhausted:
        return Finding("unknown", f"未找到报告栏目，也未找到{year}年度{name}；但抓取页数预算已用完"
                                  f"（{len(site.budget_refused)} 个链接未抓取），无法断定缺失{other_note}",
                       url=home.final_url, evidence=site.coverage_note())
    if site.looks_script_built(home):
        return Finding("unknown", f"未找到{year}年度{name}；首页内容可能由脚本生成，静态抓取看不到栏目",
                       url=home.final_url)
    missing = site.could_hold(3, [*spec.names, *spec.title_keywords], hub_names)
    if missing:
        examples = "；".join(f"{u}（{why}）" for u, why in missing[:3])
        return Finding("unknown", f"未找到{year}年度{name}，但首页起 3 次点击内有 {len(missing)} 个可能含有该报告的页面"
                                  "未能抓取，无法断定缺失", url=home.final_url, evidence=examples)
    if spec_missing == "unknown":
        return Finding("unknown", f"本单位网站未找到{year}年度{name}，也没有该报告的专门栏目；此类报告也可能集中发布在"
                                  f"其他网站（如司法行政部门的汇总栏目），无法断定未发布{other_note}",
                       url=home.final_url, evidence=f"查找范围：{search.where_looked()}")
    return Finding("fail", f"未找到{year}年度{name}（期限 {deadline.isoformat()}），也未找到报告栏目（{'、'.join(spec.names[:3])}）{other_note}",
                   url=home.final_url, evidence=f"查找范围：{search.where_looked()}", absence="site")


def judge_year(site, spec, search, unit, year, ctx, name, ctx_params=None):
    ctx_params = ctx_params or {}
    deadline = spec.deadline(unit, year)
    own, undecided = search.for_year(year)
    if not own:
        if undecided:
            titles = "；".join(f"《{r.title}》{r.url}" for r in undecided[:4])
            yield Finding("unknown", f"找到 {len(undecided)} 份{year}年度{name}，但无法从标题判断哪份是本单位的"
                                     f"（单位名称未知或不符）", url=undecided[0].url, evidence=titles)
            return
        yield _missing(site, search, spec, year, deadline, name, search.others(year),
                       ctx_params.get("missing_without_column", "fail"), ctx_params.get("hub_names", ()))
        return
    dated = []
    for report in own:
        signals = ar.date_signals(site, report, spec)
        chosen, spread = ar.reconcile(signals, spec)
        dated.append((report, signals, chosen, spread))
    dated.sort(key=lambda x: (x[2] is None, x[2].date if x[2] else date.max))
    primary = dated[0]
    for i, (report, signals, chosen, spread) in enumerate(dated):
        line = describe(report, signals)
        if i > 0:
            yield Finding("pass", f"同一年度的另一份{name}（以最早发布的《{primary[0].title}》为准）",
                          url=report.url, evidence=line)
            continue
        if chosen is None:
            where = report.why_unseen or "页面、列表和网址中均无发布日期"
            yield Finding("unknown", f"找到{year}年度{name}《{report.title}》，但无法确定发布日期（{where}）",
                          url=report.url, evidence=line)
        elif chosen.date <= deadline:
            yield Finding("pass", f"{year}年度{name}按时发布：{chosen.date.isoformat()}"
                                  f"（依据{ar.SIGNAL_NAMES.get(chosen.kind)}），期限 {deadline.isoformat()}",
                          url=report.url, evidence=line)
        elif any(s.date <= deadline for s in spread):
            # the signals straddle the deadline: a CMS that rewrites PubDate on every edit would
            # make a wrong fail, so this is for an inspector to settle
            in_time = "；".join(s.describe() for s in spread if s.date <= deadline)
            yield Finding("warn", f"{year}年度{name}可能逾期：{chosen.describe()} 晚于期限 {deadline.isoformat()} "
                                  f"{(chosen.date - deadline).days} 天，但 {in_time} 在期限内，请人工核实",
                          url=report.url, evidence=line)
            continue
        else:
            late = (chosen.date - deadline).days
            yield Finding("fail", f"{year}年度{name}逾期发布：{chosen.date.isoformat()}"
                                  f"（依据{ar.SIGNAL_NAMES.get(chosen.kind)}），晚于期限 {deadline.isoformat()} 共 {late} 天",
                          url=report.url, evidence=line)
        if chosen is not None and spread:
            diffs = "；".join(f"{s.describe()}（相差 {abs((s.date - chosen.date).days)} 天，{s.where}）" for s in spread)
            yield Finding("warn", f"《{report.title}》的发布日期信号不一致（超过 {spec.date_tolerance_days} 天）："
                                  f"采用 {chosen.describe()}，另有 {diffs}", url=report.url, evidence=line)
