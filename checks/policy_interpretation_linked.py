"""policy_interpretation_linked — 规范性文件 are published with their 政策解读 linked (三同步).

What it checks: the documents listed in the 规范性文件/政策文件 column (rows of its fetched list
pages). A document counts as interpreted when its own page links to a 解读 (a body link whose text
contains 解读/图解/问答; a bare “政策解读” link counts only when it leads to an article, not to a
column), when a 解读 list names it (the row title contains the document's 《…》 title or its name
without 关于印发…的通知), or when a fetched 解读 page links to it. Documents that need no
interpretation (titles with 废止/失效/停止执行/更正 …, or listed as 失效/废止) and documents older than `recent_days` are left
out. The rule reports the share of documents without a linked interpretation: above
`fail_missing_ratio` (with at least `min_documents` documents) it fails — but only when the site's
own 政策解读 list was found and read (or `fail_without_interpretation_list: true`), since without one
the interpretations may live outside the crawl (the gkmlpt platform, the city portal); otherwise
any missing one warns.

Why it matters: plan item 26 — 落实政策文件解读工作的“三同步”: interpretation materials are to be
organised, signed off and published together with the document, 做到应解读尽解读.

Pass: each of the 5 recent 规范性文件 pages has a “《…办法》政策解读” link.
Fail: 4 of 5 recent documents have no interpretation linked from their page or named in the 政策解读
list (ratio 80% > 50%).
Warn: 1 of 5 documents has none (it may be one that needs no interpretation).
Unknown: the 规范性文件 column or its documents were not fetched; a 政策解读 list exists but was not
fetched, so a missing link cannot be told from an unseen one.

References: 江府办〔2022〕7号 item 26 (三同步: 同步组织、同步审签、同步部署).
"""
from __future__ import annotations

import re
from datetime import timedelta

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns
from zwgk.checks.parsers.listing import is_pager_url, list_key, list_pages, list_rows
from zwgk.page.scope import normalise_url
from zwgk.page.text import matches_any, norm

ID = "policy_interpretation_linked"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "names": {"type": "list[str]", "required": True},
    "list_names": {"type": "list[str]", "default": ["政策解读", "文件解读", "解读回应"]},
    "interpretation_words": {"type": "list[str]", "default": ["解读", "图解", "问答", "答记者问", "一图读懂"]},
    "generic_link_texts": {"type": "list[str]",
                           "default": ["政策解读", "解读", "图解", "政策问答", "图文解读", "解读回应", "文件解读",
                                       "图解政策", "视频解读", "在线访谈"]},
    "exempt_title_words": {"type": "list[str]",
                           "default": ["废止", "失效", "停止执行", "清理", "更正", "勘误", "有效期"]},
    "recent_days": {"type": "int", "default": 730},
    "fail_missing_ratio": {"type": "float", "default": 0.5},
    "min_documents": {"type": "int", "default": 3},
    "fail_without_interpretation_list": {"type": "bool", "default": False},
    "max_depth": {"type": "int", "default": 4},
    "max_name_chars": {"type": "int", "default": 12},
    "max_findings": {"type": "int", "default": 20},
}
_QUOTED = re.compile(r"《([^》]{4,})》")
_PREFIX = re.compile(r"^.*?关于(?:印发|发布|公布|转发|出台)?")
_SUFFIX = re.compile(r"(?:的)?(?:通知|决定|公告|意见|通告|批复|函|命令)$")


def core_title(title: str) -> str:
    """The name an interpretation quotes: 《X》, or the title without 关于印发…的通知."""
    m = _QUOTED.search(title or "")
    if m:
        return norm(m.group(1))
    t = _SUFFIX.sub("", _PREFIX.sub("", (title or "").strip()))
    return norm(t)


def _is_list_url(url: str) -> bool:
    return list_key(url).endswith("/") or is_pager_url(url)


def _linked_on_page(site, page, params) -> str | None:
    words = params["interpretation_words"]
    generic = {norm(g) for g in params["generic_link_texts"]}
    own = normalise_url(page.final_url)
    for link in page.links:
        if link.position in ("nav", "header", "footer") or normalise_url(link.url) == own:
            continue
        if not matches_any(link.text, words):
            continue
        if norm(link.text) in generic and _is_list_url(link.url):
            continue       # a link to the 政策解读 column, on every page of the template
        return f"{link.text} → {link.url}"
    return None


def check(site, params, ctx):
    home = site.home
    columns = [c for c in find_columns(site, params["names"], params["max_depth"], params["max_name_chars"])
               if not c.external]
    if not columns:
        yield Finding("unknown", f"未找到“{'、'.join(params['names'][:3])}”栏目，无法检查政策解读关联情况",
                      url=home.final_url, evidence=f"查找: {'、'.join(params['names'])}")
        return
    docs, list_urls = {}, []
    for col in columns:
        pages = list_pages(site, col.url)
        if not pages:
            yield Finding("unknown", f"栏目“{col.name}”的列表页未能抓取：{site.why_unseen(col.url)}", url=col.url)
            continue
        list_urls.append(pages[0].final_url)
        for page in pages:
            for row in list_rows(site, page):
                docs.setdefault(normalise_url(row.url), row)
    if not docs:
        if list_urls:
            yield Finding("unknown", "文件列表页未识别出文件条目（可能由脚本加载），无法检查政策解读关联情况",
                          url=list_urls[0])
        return

    # Interpretations found elsewhere: 解读 list rows (by title) and 解读 pages linking to a document.
    interp_titles, pending, interp_lists = [], [], []
    for col in find_columns(site, params["list_names"], params["max_depth"], params["max_name_chars"]):
        pages = [] if col.external else list_pages(site, col.url)
        if not pages:
            pending.append(col.url)
        else:
            interp_lists.append(pages[0].final_url)
        interp_titles += [(norm(r.title), r) for p in pages for r in list_rows(site, p)]

    oldest = ctx.as_of - timedelta(days=params["recent_days"])
    considered, linked, missing, unfetched, exempt = 0, [], [], [], 0
    for key, row in docs.items():
        if matches_any(row.title, params["exempt_title_words"]) or matches_any(row.status, params["exempt_title_words"]):
            exempt += 1
            continue
        if row.date is not None and row.date < oldest:
            continue
        page = site.get(row.url)
        if page is None or not page.ok or not page.html:
            unfetched.append(row)
            continue
        considered += 1
        how = _linked_on_page(site, page, params)
        if not how:
            core = core_title(row.title)
            hit = next((r for t, r in interp_titles if len(core) >= 6 and core in t), None)
            if hit:
                how = f"解读列表条目“{hit.title[:40]}” {hit.url}"
        if not how:
            for src, link in site.linked_from.get(key, ()):
                if matches_any(src.title or src.meta.get("ArticleTitle", ""), params["interpretation_words"]):
                    how = f"解读页面 {src.final_url} 链接到本文件"
                    break
        (linked if how else missing).append((row, how))

    where = list_urls[0] if list_urls else home.final_url
    note = (f"；另有 {len(unfetched)} 个文件页未抓取" if unfetched else "") + \
           (f"；{exempt} 个废止/失效类文件无需解读，未计入" if exempt else "")
    if considered == 0:
        yield Finding("unknown", f"近 {params['recent_days']} 天内的文件页均未抓取或没有，无法检查政策解读关联情况{note}",
                      url=where)
        return
    ratio = len(missing) / considered
    summary = f"{considered} 个文件中 {len(missing)} 个未见关联的政策解读（{ratio:.0%}）{note}"
    if not missing:
        yield Finding("pass", f"{considered} 个文件均关联了政策解读{note}", url=where,
                      evidence="；".join(f"{r.title[:30]}：{h}" for r, h in linked[:3]))
        return
    if pending:
        yield Finding("unknown", f"{summary}；但政策解读栏目未能抓取，无法确认", url=pending[0],
                      evidence=site.why_unseen(pending[0]))
        return
    over = considered >= params["min_documents"] and ratio > params["fail_missing_ratio"]
    if interp_lists:
        looked = f"已查看文件页和政策解读列表 {interp_lists[0]}"
    else:
        looked = "已查看文件页；本站未找到政策解读栏目（解读可能发布在本站抓取范围以外）"
    status = "fail" if over and (interp_lists or params["fail_without_interpretation_list"]) else "warn"
    yield Finding(status, f"政策文件与解读未同步发布：{summary}（判定阈值 {params['fail_missing_ratio']:.0%}；{looked}）",
                  url=where, evidence="；".join(r.url for r, _ in missing[:5]))
    for row, _ in missing[: params["max_findings"]]:
        yield Finding("warn", f"文件“{row.title[:40]}”页面未链接政策解读，解读列表中也未找到", url=row.url,
                      evidence=f"所在列表 {row.list_url}")
