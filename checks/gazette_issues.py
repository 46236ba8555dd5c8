"""gazette_issues — every issue of the 政府公报 is online: no 第N期 missing, each one opens, and
how far back the digitised issues go.

What it checks: the rows of the gazette columns (`names`, less `exclude_names`: 统计公报 is no
政府公报, and a 公报解读 row is no issue), their list pages and the year lists they link to (links named 2023年, 2022年度 …).
A row is an issue when its title gives its number (`第3期`, `第十二期`; a 总第120期 is the running
count, not the number); its year is the title's (2023年第3期), else the year list's it came from,
else — a guess — its publication date's. For each year the issues 1 … the latest must all be
there (a year of `issues_per_year` issues, when the rulebook says how many, must have them all
once it is over); in the earliest year only the gaps after its first issue count, since an
earlier start is the history the site has not (yet) digitised. Each issue's own page or PDF
must open. The earliest issue's year is reported; with `history_from` set, a unit whose
issues start later than that year gets `history_status` (a warn by default).

Why it matters: plan item 45 — 进一步完善政府公报数据库 … 各县（市、区）需在2022年底前完成历史公报
数字化工作; an issue missing from the list, or listed and broken, is a hole in that database.

Pass: 2022年第1–12期 and 2023年第1–3期 listed, each page opens; earliest issue 2019年第1期.
Fail: 2022年第1、2、4期 listed but no 第3期 (the years come from the titles); 2023年第2期's link
answers 404.
Warn: a gap when the years are only guessed from publication dates (第十二期 of one year is often
published in January of the next); issues only from 2021 on while the rulebook asks for 2015.
Unknown: no gazette column; its list could not be fetched; no row gives an issue number (the
column lists documents, not issues); issue pages not fetched.

References: 江府办〔2022〕7号 item 45.
"""
from __future__ import annotations

import re
from collections import defaultdict

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns
from zwgk.checks.parsers.listing import list_key, list_pages, list_rows
from zwgk.checks.parsers.numerals import number
from zwgk.page.scope import normalise_url
from zwgk.page.text import matches_any

ID = "gazette_issues"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "names": {"type": "list[str]", "required": True},
    "exclude_names": {"type": "list", "default": ["统计公报", "公报解读", "统计年鉴"]},
    # the issue's number in a title (not 总第N期), and a year
    "issue_pattern": {"type": "str", "default": r"(?<!总)第\s*([0-9０-９〇零一二两三四五六七八九十百]+)\s*期"},
    "year_pattern": {"type": "str", "default": r"((?:19|20)\d{2})\s*年"},
    # a link to a year's list of issues (2023年, 2022年度, 2021年公报)
    "year_link_pattern": {"type": "str", "default": r"^\s*((?:19|20)\d{2})\s*年?\s*(?:度)?\s*(?:政府)?(?:公报)?\s*$"},
    "max_year_links": {"type": "int", "default": 40},
    "issues_per_year": {"type": "int", "default": None},
    "history_from": {"type": "int", "default": None},
    "history_status": {"type": "str", "default": "warn", "choices": ["warn", "fail"]},
    "max_depth": {"type": "int", "default": 4},
    "max_name_chars": {"type": "int", "default": 12},
    "max_findings": {"type": "int", "default": 20},
}


def _issue(title: str, params) -> int | None:
    m = re.search(params["issue_pattern"], title or "")
    return number(m.group(1)) if m else None


def _columns(site, params):
    cols = find_columns(site, params["names"], params["max_depth"], params["max_name_chars"])
    excluded = params["exclude_names"]
    return [c for c in cols if not c.external and not (excluded and matches_any(c.name, excluded))]


def _rows(site, col, params):
    """(row, year from its year list or None) of the column, its pages and its year lists; and the
    year lists that could not be fetched."""
    pages = list_pages(site, col.url)
    out, unseen, seen = [], [], {list_key(col.url)}
    for page in pages:
        out += [(r, None) for r in list_rows(site, page)]
    years = []
    for page in pages:
        for link in page.links:
            m = re.match(params["year_link_pattern"], link.text or "")
            if m and link.url in site.scope and list_key(link.url) not in seen:
                seen.add(list_key(link.url))
                years.append((int(m.group(1)), link.url))
    for year, url in years[: params["max_year_links"]]:
        year_pages = list_pages(site, url)
        if not year_pages:
            unseen.append(url)
        out += [(r, year) for p in year_pages for r in list_rows(site, p)]
    return pages, out, unseen


def check(site, params, ctx):
    home = site.home
    columns = _columns(site, params)
    if not columns:
        yield Finding("unknown", f"未找到“{'、'.join(params['names'][:3])}”栏目，无法检查公报期数",
                      url=home.final_url, evidence=f"查找: {'、'.join(params['names'])}")
        return
    issues: dict = defaultdict(dict)         # year -> number -> row
    guessed: set = set()                     # years read from publication dates only
    others, where, unseen_years, seen_rows = [], None, [], set()
    for col in columns:
        pages, rows, unseen = _rows(site, col, params)
        if not pages:
            yield Finding("unknown", f"公报栏目“{col.name}”的列表页未能抓取：{site.why_unseen(col.url)}", url=col.url)
            continue
        where = where or pages[0].final_url
        unseen_years += unseen
        for row, list_year in rows:
            key = normalise_url(row.url)
            if key in seen_rows:
                continue
            seen_rows.add(key)
            n = _issue(row.title, params)
            if n is None or n < 1 or (params["exclude_names"] and matches_any(row.title, params["exclude_names"])):
                others.append(row)
                continue
            m = re.search(params["year_pattern"], row.title)
            year = int(m.group(1)) if m else list_year
            if year is None and row.date is not None:
                year = row.date.year
                guessed.add(year)
            if year is None:
                others.append(row)
                continue
            issues[year].setdefault(n, row)
    if where is None:
        return
    if not issues:
        sample = "；".join(r.title[:30] for r in others[:3])
        yield Finding("unknown", f"公报栏目中未识别出带期数（第N期）的公报条目（共 {len(others)} 条），无法核对期数",
                      url=where, evidence=sample)
        return

    years = sorted(issues)
    earliest = years[0]
    first_no = min(issues[earliest])
    total = sum(len(v) for v in issues.values())
    history = f"最早一期为 {earliest} 年第{first_no}期"
    reached, broken, unfetched = 0, [], []
    for year in years:
        for n, row in sorted(issues[year].items()):
            snap = site.get(row.url)
            if snap is not None and snap.ok:
                reached += 1
            elif site.is_broken(row.url):
                broken.append((year, n, row))
            else:
                unfetched.append((year, n, row))

    gaps = []
    for year in years:
        have = set(issues[year])
        last = max(have)
        if params["issues_per_year"] and year < ctx.as_of.year:
            last = max(last, params["issues_per_year"])
        low = min(have) if year == earliest else 1
        missing = [k for k in range(low, last + 1) if k not in have]
        if missing:
            gaps.append((year, missing))

    shown = 0
    for year, missing in gaps:
        numbers = "、".join(f"第{k}期" for k in missing[:12]) + ("等" if len(missing) > 12 else "")
        guess = year in guessed
        status = "warn" if guess else "fail"
        why = "（年份按发布日期推断，跨年发布的公报可能被归错年份）" if guess else ""
        yield Finding(status, f"{year} 年政府公报缺少 {numbers}（已列出 {len(issues[year])} 期，最新为第"
                              f"{max(issues[year])}期）{why}", url=where,
                      evidence="已列出：" + "、".join(f"第{k}期" for k in sorted(issues[year])))
        shown += 1
    for year, n, row in broken[: params["max_findings"]]:
        yield Finding("fail", f"{year} 年第{n}期政府公报无法打开（HTTP {site.get(row.url).status}）", url=row.url,
                      evidence=f"“{row.title[:40]}”，列于 {row.list_url}")
    if unfetched:
        year, n, row = unfetched[0]
        yield Finding("unknown", f"{len(unfetched)} 期公报的页面未抓取，无法确认能否打开（如 {year} 年第{n}期）",
                      url=row.url, evidence=site.why_unseen(row.url))
    if unseen_years:
        yield Finding("unknown", f"{len(unseen_years)} 个年度公报列表未能抓取，其中的期数未核对", url=unseen_years[0],
                      evidence=site.why_unseen(unseen_years[0]))
    if params["history_from"] and earliest > params["history_from"]:
        yield Finding(params["history_status"], f"历史公报数字化不完整：网站上的公报{history}，早于 {earliest} 年"
                                                f"（规则要求自 {params['history_from']} 年起）的公报未见", url=where)
    if not gaps and not broken:
        span = f"{earliest}–{years[-1]} 年" if earliest != years[-1] else f"{earliest} 年"
        yield Finding("pass", f"政府公报 {span}共 {total} 期，各年期数连续，{reached} 期可以打开；{history}",
                      url=where, evidence="；".join(f"{y}年：第{min(issues[y])}–{max(issues[y])}期" for y in years[-4:]))
