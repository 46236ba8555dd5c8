"""column_update_count — fewer stale and empty columns than the national veto counts.

What it checks: it counts, across the site, the columns as 国办秘函〔2019〕19号 counts them for
its 单项否决 item 栏目不更新, and fails (a veto: `veto: true` in the rulebook, the unit's score is
0) when any count reaches its threshold:
- stale columns (`stale_veto`, 5): top-level 动态/要闻 columns (`news_names`) with nothing new in
  `news_max_age_days` (2 weeks), and top-level 通知公告/政策文件 columns (`notice_names`) with
  nothing new in `notice_max_age_months` (6 months) — 指标: “监测时间点前2周内的动态、要闻类栏目，
  以及监测时间点前6个月内的通知公告、政策文件类一级栏目，累计超过（含）5个未更新”;
- long-stale columns (`long_stale_veto`, 10): columns that should be updated (`names`: the two
  kinds above at any depth, and 人事/规划计划 columns) with nothing new in `long_stale_months`
  (12), and the empty columns — 指标: “应更新但长期未更新的栏目数量超过（含）10个”. The indicator
  does not say how long “长期” is. 12 months is the longest update period the indicators set
  for any kind of column (人事、规划计划类 within a year), and the explanation of the first
  national 普查 (2015) names 空白栏目 as one form of 应更新但长期不更新的栏目;
- empty columns (`empty_veto`, 5): list pages that say 暂无信息 and list nothing — 指标: “空白栏目
  数量超过（含）5个”.
Each column is judged by content_freshness (`judge_column`, its `empty` target): the same
selection of columns (`top_level_only`, `topic_words`: a 专题's archived 动态 is not counted,
“历史性工作专题栏目除外”), the same dates, the same 暂无信息 markers.

How it relates to the per-column rules (news-columns-updated, notice-columns-updated,
no-empty-columns): they are the indicators' 扣分 part (a stale or empty column loses points);
this rule is the 单项否决 part. Below the thresholds it adds no deduction for a column those
rules already judge, so no column is penalised twice; it warns only for the long-stale columns
no other rule looks at (a 人事 column, a 动态 column deeper in the site), one finding each.

Why it matters: a site whose columns stand still is a 僵尸网站; the indicators make it a veto.
The Jiangmen plan (items 35, 39) asks for daily maintenance of the site and its columns.

Pass: 2 stale columns, 1 empty column, 3 long-stale: below every threshold (the stale and empty
ones already lose points under their own rules).
Fail: 5 top-level 动态/通知公告 columns without an update in their period; 5 empty columns.
Warn: a 人事信息 column whose newest item is 14 months old, and nothing reaches a threshold.
Unknown: the counts are below a threshold, but enough columns could not be judged (list pages not
fetched, undated, filled by script) to reach it.

References: 国办秘函〔2019〕19号 附件1 单项否决指标“栏目不更新”、扣分指标“栏目更新”“空白栏目”;
江府办〔2022〕7号 items 35, 39.
"""
from __future__ import annotations

from zwgk.checks import content_freshness
from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import validate
from zwgk.checks.parsers.listing import list_key
from zwgk.page.scope import url_kind

ID = "column_update_count"
NEEDS = Needs(crawl="lists")
# content_freshness's own params, passed on to it unchanged
_SHARED = ("max_depth", "max_name_chars", "empty_markers", "skip_url_words", "future_tolerance_days",
           "topic_words", "topic_url_parts")
PARAMS = {
    # every kind of column that should be updated (the long-stale count), and the crawl's keywords
    "names": {"type": "list[str]",
              "default": ["要闻", "动态", "工作动态", "政务动态", "部门动态", "镇街动态", "通知公告", "通知通告",
                          "公示公告", "公告公示", "政策文件", "政府文件", "人事信息", "人事任免", "人事工作",
                          "规划计划", "规划信息", "发展规划", "计划总结"]},
    "news_names": {"type": "list[str]", "default": ["要闻", "动态", "工作动态", "政务动态", "部门动态", "镇街动态"]},
    "news_max_age_days": {"type": "int", "default": 14},
    "notice_names": {"type": "list[str]", "default": ["通知公告", "通知通告", "公示公告", "公告公示", "政策文件", "政府文件"]},
    "notice_max_age_months": {"type": "int", "default": 6},
    "long_stale_months": {"type": "int", "default": 12},
    "long_stale_includes_empty": {"type": "bool", "default": True},
    "stale_veto": {"type": "int", "default": 5},
    "long_stale_veto": {"type": "int", "default": 10},
    "empty_veto": {"type": "int", "default": 5},
    **{name: content_freshness.PARAMS[name] for name in _SHARED},
}
# verdicts of judge_column that leave a column's staleness open
_UNDECIDED = ("unfetched", "unreadable", "undated", "yearless")


def _judged(site, params, ctx, names, keep_deep=False, **age):
    p = validate(content_freshness.PARAMS, {**{k: params[k] for k in _SHARED}, "target": "columns",
                                            "names": names, "top_level_only": True, **age})
    # a short headline naming the kind (“2023年工作动态”) is an article, not a column to count
    return [(col, content_freshness.judge_column(site, col, p, ctx))
            for col in content_freshness.rule_columns(site, p, keep_deep=keep_deep)
            if url_kind(col.url) != "article"]


def _key(col, verdict) -> str:
    return list_key(verdict.finding.url or col.url)


def _page_name(site, url: str) -> str:
    page = site.get(url)
    return (page.meta.get("ColumnName") or page.link_text or page.title) if page is not None else url


def _listing(found: dict, limit: int = 12) -> str:
    items = [f"“{name}” {url}" for url, name in list(found.items())[:limit]]
    more = f" 等 {len(found)} 个" if len(found) > limit else ""
    return "；".join(items) + more


def check(site, params, ctx):
    news = _judged(site, params, ctx, params["news_names"], max_age_days=params["news_max_age_days"])
    notice = _judged(site, params, ctx, params["notice_names"], max_age_months=params["notice_max_age_months"])
    long = _judged(site, params, ctx, params["names"], keep_deep=True, max_age_months=params["long_stale_months"])
    empty_params = validate(content_freshness.PARAMS, {**{k: params[k] for k in _SHARED}, "target": "empty"})
    empty_findings = list(content_freshness.check(site, empty_params, ctx))

    stale, stale_open, judged_by_others = {}, {}, set()
    for col, v in news + notice:
        key = _key(col, v)
        judged_by_others.add(key)
        if v.kind == "stale":
            stale.setdefault(key, col.name)
        elif v.kind in _UNDECIDED:
            stale_open.setdefault(key, col.name)
    empty = {list_key(f.url): _page_name(site, f.url) for f in empty_findings if f.status == "fail"}
    for col, v in news + notice + long:
        if v.kind == "empty":
            empty.setdefault(_key(col, v), col.name)
    empty_open = {list_key(f.url): f.message for f in empty_findings if f.status == "unknown"
                  and list_key(f.url) != list_key(site.home.final_url)}
    # a column-like page within two clicks that was not fetched may be an empty column
    empty_open.update({list_key(u): why for u, why in site.unfetched_within(2, columns_only=True)
                       if "robots" not in why})
    long_stale, long_open = {}, {}
    for col, v in long:
        key = _key(col, v)
        if v.kind == "stale":
            long_stale.setdefault(key, col.name)
        elif v.kind in _UNDECIDED:
            long_open.setdefault(key, col.name)
    if params["long_stale_includes_empty"]:
        for key, name in empty.items():
            long_stale.setdefault(key, name)
    for key in stale:          # a stale column is no empty one, whatever a marker elsewhere says
        empty.pop(key, None)

    counts = [
        ("栏目不更新", stale, stale_open, params["stale_veto"],
         f"动态、要闻类一级栏目{params['news_max_age_days']}天内、通知公告、政策文件类一级栏目"
         f"{params['notice_max_age_months']}个月内未更新"),
        ("长期未更新栏目", long_stale, long_open, params["long_stale_veto"],
         f"应更新的栏目{params['long_stale_months']}个月以上未更新" + ("（含空白栏目）" if params["long_stale_includes_empty"] else "")),
        ("空白栏目", empty, empty_open, params["empty_veto"], "栏目页显示“暂无信息”等而没有任何信息"),
    ]
    home = site.home.final_url
    summary = "；".join(f"{label} {len(found)} 个（否决标准 {limit} 个）" for label, found, _o, limit, _w in counts)
    vetoed = [(label, found, limit, what) for label, found, _open, limit, what in counts if len(found) >= limit]
    if vetoed:
        for label, found, limit, what in vetoed:
            yield Finding("fail", f"{label} {len(found)} 个，达到单项否决标准（{limit} 个）：{what}", url=home,
                          evidence=_listing(found))
            for url, name in list(found.items())[:limit * 2]:
                yield Finding("fail", f"计入“{label}”的栏目：{name}", url=url)
        return
    if not news and not notice and not long and not any(f.status in ("pass", "fail") for f in empty_findings):
        yield Finding("unknown", "未找到动态、通知公告等应更新的栏目，也未能判断空白栏目，无法计数", url=home,
                      evidence=site.coverage_note())
        return
    for label, found, open_, limit, what in counts:
        if open_ and len(found) + len(open_) >= limit:
            yield Finding("unknown", f"{label}已计 {len(found)} 个，另有 {len(open_)} 个栏目无法判断，可能达到单项否决标准"
                                     f"（{limit} 个）", url=home, evidence=_listing(open_))
    # below every threshold: the columns the per-column rules do not judge are this rule's deduction
    only_here = {k: n for k, n in long_stale.items() if k not in judged_by_others and k not in empty}
    for url, name in only_here.items():
        yield Finding("warn", f"栏目“{name}”超过{params['long_stale_months']}个月未更新（应更新但长期未更新的栏目，"
                              "未达单项否决标准）", url=url)
    yield Finding("pass", f"未达栏目不更新、空白栏目的单项否决标准：{summary}；一级栏目的逐个扣分见栏目更新、空白栏目规则",
                  url=home, evidence=_listing({**stale, **empty}) if stale or empty else site.coverage_note())
