"""content_freshness — the home page and named columns are updated in time; no column is empty.

What it checks (one of three `target`s per rule):
- `home`: the newest dated item the home page shows or links to (list rows with a date, in-scope
  links with a date in their URL — t20220825_, /20230331/, /art/2016/11/22/ —, linked article
  pages' own publication date) is no older than `max_age_days`/`max_age_months` before the audit
  date. A fail (a veto) rests only on dates the home page itself shows; a list filled by script
  must have been rendered, else unknown.
- `columns`: every column named by `names` (link text or ColumnName) has a newest list row no
  older than the threshold (older: `stale_status`, a fail unless the rule says warn); an empty
  column of that kind fails too. The plan's columns that it asks to keep up to date (items 1–5,
  17, 19, 21–23, 39) are rules of this kind, each with the period of its class of column.
- `empty`: no fetched column/list page shows an empty-list marker (暂无信息 …) without any rows.
Dates come from content only, never from the crawl time; dates after the audit date are ignored
as typos. An article page's date is read from every signal it carries (checks/parsers/pubdate.py:
PubDate, the 发布日期/日期 it shows, its info box, date elements, its list row, its URL), and the
finding says which one decided: a PubDate that is only the page's generation time loses to the
date the page shows (发布日期依据：页面“发布日期”标注 2023-07-19（PubDate 2024-04-15 为页面生成时间，
未采用）); a 落款 or 成文日期 is never a publication date.

Why it matters: 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》: a home page not updated for two
weeks is a 单项否决 item (网站不更新); 动态/要闻 columns must be updated within two weeks,
通知公告/政策文件 columns within six months; 空白栏目 lose points. The Jiangmen plan (items 35, 39)
asks for daily maintenance of the site and its columns.

Pass: the home page's newest 要闻 is dated 3 days before the audit date; 通知公告's newest row is
from last month.
Fail: the newest dated item on the home page is 40 days old; 通知公告's newest row is 200 days
old; the 营商环境 list page says 暂无信息 and lists nothing.
Unknown: no dated item found (dates shown as 08-25 without a year, a list built by JavaScript);
the column page could not be fetched; no column of that name was found; the start page is an
article, not the home page.

References: 国办秘函〔2019〕19号 附件1 单项否决指标 2–3、扣分指标 栏目不更新/空白栏目; 江府办〔2022〕7号
items 35, 39.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zwgk.checks.browser_sample import render_reason
from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.checks.parsers.columns import find_columns, visible_marker
from zwgk.checks.parsers.listing import is_pager_url, list_key, list_pages, list_rows, yearless_date
from zwgk.page.browser_evidence import evidence_of
from zwgk.checks.parsers.pubdate import explain, publication_date
from zwgk.page.scope import url_kind
from zwgk.page.text import url_date

ID = "content_freshness"
NEEDS = Needs(crawl="lists")
PARAMS = {
    "target": {"type": "str", "required": True, "choices": ["home", "columns", "empty"]},
    "names": {"type": "list[str]", "default": None},
    "max_age_days": {"type": "int", "default": None},
    "max_age_months": {"type": "int", "default": None},
    "max_depth": {"type": "int", "default": 3},
    "max_name_chars": {"type": "int", "default": 12},
    "empty_markers": {"type": "list[str]",
                      "default": ["暂无信息", "暂无数据", "暂无内容", "没有记录", "暂无记录", "无相关信息",
                                  "暂无文章", "暂无相关信息"]},
    "skip_url_words": {"type": "list[str]", "default": ["search", "sousuo", "query", "jsearch"]},
    "future_tolerance_days": {"type": "int", "default": 1},
    # columns: only the site's own top-level columns (linked from the home page or a page one
    # click away), not those of a 专题 (an archived special topic keeps its 工作动态 as it was)
    "top_level_only": {"type": "bool", "default": False},
    "topic_words": {"type": "list[str]", "default": ["专题", "专栏"]},
    "topic_url_parts": {"type": "list[str]", "default": ["/zt/", "/ztzl/", "/zhuanti/", "/special/", "/topic/"]},
    # columns: what a column older than the threshold gets — warn where a quiet period is not by
    # itself a breach (a 规章库 when no 规章 was made that year)
    "stale_status": {"type": "str", "default": "fail", "choices": ["fail", "warn"]},
}


def validate_params(params: dict) -> None:
    target = params.get("target")
    if target in ("home", "columns"):
        if (params.get("max_age_days") is None) == (params.get("max_age_months") is None):
            raise ParamError(f"target={target} 须给出 max_age_days 或 max_age_months 之一")
    if target == "columns" and not params.get("names"):
        raise ParamError("target=columns 须给出栏目名称 names")


def _months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    month = m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _cutoff(params, as_of: date) -> tuple[date, str]:
    if params.get("max_age_months") is not None:
        n = params["max_age_months"]
        return _months_before(as_of, n), f"{n}个月"
    n = params["max_age_days"]
    label = f"{n // 7}周" if n % 7 == 0 else f"{n}天"
    return as_of - timedelta(days=n), label


def _latest(candidates, as_of, params):
    """(date, title, url, source) of the newest candidate not after the audit date (+ tolerance)."""
    limit = as_of + timedelta(days=params["future_tolerance_days"])
    ok = [c for c in candidates if c[0] is not None and c[0] <= limit]
    return max(ok, key=lambda c: c[0]) if ok else None


def _page_date(site, snap):
    """A fetched article page's own publication date, from every signal it carries
    (checks/parsers/pubdate.py), and the words saying which signal decided."""
    chosen, disagreeing = publication_date(site, snap)
    return (chosen.date, explain(chosen, disagreeing)) if chosen else (None, "")


def _linked_page_dates(site, urls):
    out = []
    for url in urls:
        snap = site.get(url)
        if snap is None or not snap.ok or not snap.html or snap.external:
            continue
        d, source = _page_date(site, snap)
        if d:
            out.append((d, snap.title or snap.meta.get("ArticleTitle", ""), snap.final_url, source))
    return out


def _yearless_hint(rows, as_of, cutoff):
    """An undated row whose month-day, read in the latest possible year, is within the window."""
    for row in rows:
        d = yearless_date(row, as_of)
        if d is not None and d >= cutoff:
            return row
    return None


def _describe(newest) -> str:
    d, title, url, source = newest
    if source.startswith("发布日期依据"):        # an article page's own date: say which signal decided
        return f"{d.isoformat()}“{title[:40]}” {url}；{source}"
    where = {"row": "列表日期", "url": "链接地址中的日期", "发布日期": "列表发布日期",
             "成文日期": "列表成文日期"}.get(source, source)
    return f"{d.isoformat()}（{where}）“{title[:40]}” {url}"


# -- home ---------------------------------------------------------------------------------------
def _check_home(site, params, ctx):
    """The veto rule: a fail rests only on dates the home page itself shows (its list rows, the
    dates in its links); the articles it links to may show it fresh, never stale on their own;
    the home page's own PubDate (often the template's date) is no item at all."""
    home = site.home
    not_home = site.thin_crawl(home_only=True)     # an article's dates say nothing of the home page
    if not_home:
        yield Finding("unknown", f"无法检查首页更新情况：{not_home}", url=home.final_url)
        return
    cutoff, label = _cutoff(params, ctx.as_of)
    on_page, rows = [], [r for r in list_rows(site, home) if r.url in site.scope]
    for row in rows:
        on_page.append((row.date, row.title, row.url, row.date_source))
    body_links = [l for l in home.links if l.position == "body" and l.url in site.scope]
    for link in body_links:
        d = url_date(link.url)
        if d:
            on_page.append((d, link.text, link.url, "url"))
    linked = _linked_page_dates(site, [l.url for l in body_links])
    newest = _latest(on_page + linked, ctx.as_of, params)
    if newest is None:
        why = "（首页内容可能由脚本生成）" if site.looks_script_built(home) else ""
        yield Finding("unknown", f"首页未找到带日期的信息条目，无法判断首页更新情况{why}", url=home.final_url)
        return
    age = (ctx.as_of - newest[0]).days
    if newest[0] >= cutoff:
        yield Finding("pass", f"首页最新信息发布于 {newest[0].isoformat()}（{age} 天前），在{label}内",
                      url=home.final_url, evidence=f"最新条目：{_describe(newest)}")
        return
    hint = _yearless_hint(rows, ctx.as_of, cutoff)
    scripted = _unrendered_script_list(site, home, ctx)
    if hint:
        yield Finding("unknown", f"首页带年份的最新信息发布于 {newest[0].isoformat()}，但另有只标月日的条目"
                                 f"“{hint.title[:30]}”（{hint.date_text[:20]}）可能是近期发布，无法断定超过{label}未更新",
                      url=home.final_url, evidence=f"最新条目：{_describe(newest)}")
    elif not _latest(on_page, ctx.as_of, params):
        yield Finding("unknown", f"首页条目未显示日期；所链接文章最新发布于 {newest[0].isoformat()}，但首页本身没有带日期的"
                                 "条目，无法断定首页超过" + label + "未更新", url=home.final_url,
                      evidence=f"最新条目：{_describe(newest)}")
    elif scripted:
        yield Finding("unknown", f"首页带日期的最新信息发布于 {newest[0].isoformat()}，但首页有由脚本填充的列表"
                                 f"（{scripted}），未经浏览器渲染，无法断定超过{label}未更新", url=home.final_url,
                      evidence=f"最新条目：{_describe(newest)}")
    else:
        yield Finding("fail", f"首页最新信息发布于 {newest[0].isoformat()}，距检查日 {age} 天，"
                              f"超过{label}未更新（单项否决指标）",
                      url=home.final_url, evidence=f"最新条目：{_describe(newest)}")


def _unrendered_script_list(site, page, ctx) -> str:
    """Why the page has a list that only a browser fills (and the browser did not render it),
    or "" — its static rows may be stale placeholders."""
    reason = render_reason(site, page, ctx.unit)
    if not reason:
        return ""
    evidence = evidence_of(site)
    rendered = evidence.rendered.get(page.final_url) if evidence is not None else None
    return "" if rendered is not None and not rendered.error else reason


# -- columns ------------------------------------------------------------------------------------
def _in_a_topic(site, col, params, deep_counts: bool = True) -> bool:
    """A column of a 专题 (special topic) or (deep_counts) one reached only deeper than a click
    from the home page: not one of the site's own top-level columns."""
    path = col.url.lower()
    if any(part in path for part in params["topic_url_parts"]):
        return True
    if not col.found_on:
        return False
    page = site.get(col.found_on)
    if page is None:
        return False
    labels = (page.title, page.meta.get("ColumnName", ""), page.link_text)
    return (deep_counts and page.depth > 1) or (
        page is not site.home and any(w in l for l in labels if l for w in params["topic_words"]))


def rule_columns(site, params, keep_deep: bool = False) -> list:
    """The columns a `columns` rule judges: those its names name, less (top_level_only) the
    columns of a 专题 and, unless keep_deep, those deeper than a click from the home page
    (zwgk.checks.column_update_count counts over the same selection)."""
    columns = find_columns(site, params["names"], params["max_depth"], params["max_name_chars"])
    if params["top_level_only"]:
        columns = [c for c in columns if not _in_a_topic(site, c, params, deep_counts=not keep_deep)]
    return columns


def _check_columns(site, params, ctx):
    names = params["names"]
    columns = rule_columns(site, params)
    if not columns:
        yield Finding("unknown", f"未找到“{'、'.join(names[:4])}”类栏目，无法检查其更新情况",
                      url=site.home.final_url, evidence=f"查找: {'、'.join(names)}")
        return
    for col in columns:
        yield judge_column(site, col, params, ctx).finding


@dataclass
class ColumnVerdict:
    """One column judged against a rule's threshold: `kind` is stale, fresh, empty, or why it
    could not be judged (external, unfetched, unreadable, undated, yearless); `newest` is the
    date of its newest item when one was read."""
    kind: str
    finding: Finding
    newest: date | None = None


def judge_column(site, col, params, ctx) -> ColumnVerdict:
    cutoff, label = _cutoff(params, ctx.as_of)
    if col.external:
        return ColumnVerdict("external", Finding("unknown", f"栏目“{col.name}”链接到本站以外的平台，未检查其更新情况",
                                                 url=col.url, evidence=f"链接位于 {col.found_on}"))
    pages = list_pages(site, col.url)
    if not pages:
        return ColumnVerdict("unfetched", Finding("unknown", f"栏目“{col.name}”的列表页未能抓取，无法判断更新情况："
                                                             f"{site.why_unseen(col.url)}", url=col.url))
    first = pages[0]
    rows = [r for p in pages for r in list_rows(site, p)]
    if not rows:
        marker = visible_marker(site, first, params["empty_markers"])
        if marker and not site.looks_script_built(first):
            return ColumnVerdict("empty", Finding("fail", f"栏目“{col.name}”为空：列表页显示“{marker}”，没有任何信息",
                                                  url=first.final_url, evidence=marker))
        return ColumnVerdict("unreadable", Finding("unknown", f"栏目“{col.name}”的列表页未识别出信息条目（可能由脚本加载），"
                                                              "无法判断更新情况", url=first.final_url))
    candidates = [(r.date, r.title, r.url, r.date_source) for r in rows]
    newest = _latest(candidates, ctx.as_of, params)
    if newest is None:
        newest = _latest(_linked_page_dates(site, [r.url for r in rows]), ctx.as_of, params)
    if newest is None:
        return ColumnVerdict("undated", Finding("unknown", f"栏目“{col.name}”的 {len(rows)} 条信息均未显示日期，无法判断更新情况",
                                                url=first.final_url))
    age = (ctx.as_of - newest[0]).days
    hint = _yearless_hint(rows, ctx.as_of, cutoff) if newest[0] < cutoff else None
    if hint:
        return ColumnVerdict("yearless", Finding(
            "unknown", f"栏目“{col.name}”带年份的最新信息发布于 {newest[0].isoformat()}，但另有只标月日的条目"
                       f"“{hint.title[:30]}”可能是近期发布，无法断定超过{label}未更新",
            url=first.final_url, evidence=f"最新条目：{_describe(newest)}"), newest[0])
    if newest[0] < cutoff:
        return ColumnVerdict("stale", Finding(params["stale_status"], f"栏目“{col.name}”最新信息发布于 {newest[0].isoformat()}，距检查日 {age} 天，"
                                                      f"超过{label}未更新", url=first.final_url,
                                              evidence=f"最新条目：{_describe(newest)}"), newest[0])
    return ColumnVerdict("fresh", Finding("pass", f"栏目“{col.name}”最新信息发布于 {newest[0].isoformat()}（{age} 天前），"
                                                  f"在{label}内", url=first.final_url,
                                          evidence=f"最新条目：{_describe(newest)}"), newest[0])


# -- empty columns ------------------------------------------------------------------------------
def _column_name(page) -> str:
    return page.meta.get("ColumnName") or page.link_text or page.title


def _check_empty(site, params, ctx):
    home = site.home
    checked, empty, seen = 0, 0, set()
    for page in site.pages:
        if page is home or is_pager_url(page.final_url) or list_key(page.final_url) in seen:
            continue
        seen.add(list_key(page.final_url))
        if any(w in page.final_url.lower() for w in params["skip_url_words"]):
            continue
        if url_kind(page.final_url) == "article":
            # An article is not a column, and most pages are articles: it is looked at only when
            # it shows an "empty" marker (a column at an article-like address), and is not
            # counted among the list pages checked (its "related articles" are not a column).
            marker = visible_marker(site, page, params["empty_markers"])
            if not marker or list_rows(site, page):
                continue
        else:
            if list_rows(site, page):
                checked += 1
                continue
            marker = visible_marker(site, page, params["empty_markers"])
            if not marker:
                continue
        checked += 1
        name = _column_name(page)
        if site.looks_script_built(page):
            yield Finding("unknown", f"页面“{name}”显示“{marker}”，但页面内容可能由脚本生成，无法断定栏目为空",
                          url=page.final_url, evidence=marker)
            continue
        empty += 1
        via = f"；从 {page.referer} 的链接“{page.link_text}”进入" if page.referer else ""
        yield Finding("fail", f"空白栏目：“{name}”页面显示“{marker}”，没有任何信息", url=page.final_url,
                      evidence=f"{marker}{via}")
    if empty:
        return
    if not checked:
        yield Finding("unknown", "未抓取到任何可判断的列表页，无法断定有没有空白栏目", url=home.final_url,
                      evidence=site.coverage_note())
        return
    # robots.txt-disallowed pages are the site's own choice, not a gap in what zwgk could see,
    # and only column-like addresses (a directory or its index page) matter: unfetched articles do not
    missing = [(u, why) for u, why in site.unfetched_within(2)
               if "robots" not in why and list_key(u).endswith("/")]
    if missing:
        examples = "；".join(f"{u}（{why}）" for u, why in missing[:3])
        yield Finding("unknown", f"已抓取的 {checked} 个列表页均有内容，但首页起 2 次点击内有 {len(missing)} 个页面"
                                 "未能抓取，无法断定没有空白栏目", url=home.final_url, evidence=examples)
        return
    yield Finding("pass", f"已抓取的 {checked} 个列表页均有内容，未发现空白栏目", url=home.final_url,
                  evidence=site.coverage_note())


def check(site, params, ctx):
    target = params["target"]
    if target == "home":
        yield from _check_home(site, params, ctx)
    elif target == "columns":
        yield from _check_columns(site, params, ctx)
    else:
        yield from _check_empty(site, params, ctx)
