"""policy_interpretation_linked — 规范性文件 are published with their 政策解读 linked (三同步).

What it checks: the documents listed in the 规范性文件/政策文件 columns (rows of their fetched list
pages) that need an interpretation: every document of a column named by `normative_names`
(规范性文件, 行政规范性文件); in the other columns (政策文件), only a 行政规范性文件 by its 文号
(`normative_doc_no_words`: Guangdong numbers them 江府规〔2023〕3号, 新府办规〔…〕) or a document the
rulebook names (`required_title_words`) — not every 通知 of a 政策文件 list. A document counts as interpreted when its own page links to a 解读 (a body link whose text
contains 解读/图解/问答; a bare “政策解读” link counts only when it leads to an article, not to a
column), when a 解读 list names it (the row title contains the document's 《…》 title or its name
without 关于印发…的通知), or when a fetched 解读 page links to it. Documents that need no
interpretation (titles with 废止/失效/停止执行/更正 …, or listed as 失效/废止) and documents older than `recent_days` are left
out. In time (同步): with `sync_days` set, an interpretation published more than that many days after
its document (the 解读 page's own publication date, or its list row's; the document's likewise)
is late: a warn naming both dates. The rule reports the share of documents without a linked interpretation: above
`fail_missing_ratio` (with at least `min_documents` documents) it fails — but only when the site's
own 政策解读 list was found and read (or `fail_without_interpretation_list: true`), since without one
the interpretations may live outside the crawl (the gkmlpt platform, the city portal); otherwise
any missing one warns.

Why it matters: plan item 26 — 落实政策文件解读工作的“三同步”: interpretation materials are to be
organised, signed off and published together with the document, 做到应解读尽解读.

Pass: each of the 5 recent 规范性文件 pages has a “《…办法》政策解读” link.
Fail: 4 of 5 recent documents have no interpretation linked from their page or named in the 政策解读
list (ratio 80% > 50%).
Warn: 1 of 5 documents has none (it may be one that needs no interpretation); a document of
2023-02-01 whose 解读 came out on 2023-02-20 (sync_days 5).
Unknown: the 规范性文件 column or its documents were not fetched; a 政策解读 list exists but was not
fetched, so a missing link cannot be told from an unseen one.

References: 江府办〔2022〕7号 item 26 (三同步: 同步组织、同步审签、同步部署).
"""
from __future__ import annotations

import re
from datetime import timedelta

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns, read_named_columns
from zwgk.checks.parsers.infobox import info_box
from zwgk.checks.parsers.pubdate import publication_day
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
    # which documents need an interpretation (item 26: 规范性文件 and what the rulebook names)
    "normative_names": {"type": "list[str]", "default": ["规范性文件", "行政规范性文件"]},
    "normative_doc_no_words": {"type": "list[str]", "default": ["规〔", "规[", "规（", "规(", "规﹝"]},
    "required_title_words": {"type": "list", "default": []},
    # 同步: an interpretation published more than sync_days after its document is late (None: not judged)
    "sync_days": {"type": "int", "default": None},
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


def _linked_on_page(site, page, params) -> tuple[str, str] | None:
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
        return f"{link.text} → {link.url}", link.url
    return None


def _named(title: str, params) -> bool:
    return bool(params["required_title_words"]) and bool(matches_any(title, params["required_title_words"]))


def _needs_interpretation(site, row, page, params) -> bool:
    """A document of a 政策文件 list that item 26 asks a 解读 of: a 行政规范性文件 by its 文号 (the
    list's 发文字号 column, the page's info box or title), or one the rulebook names."""
    if _named(row.title, params):
        return True
    numbers = [text for header, text in row.fields if "文号" in header or "字号" in header]
    numbers += [info_box(site, page).get("doc_no"), row.title, page.meta.get("ArticleTitle", "")]
    return any(w in (n or "") for n in numbers for w in params["normative_doc_no_words"])


def _interpretation_of(site, key, row, page, interp_titles, params):
    """(how the document's 解读 was found, the 解读's publication date) or ("", None)."""
    found = _linked_on_page(site, page, params)
    if found:
        how, url = found
        target = site.get(url)
        return how, (publication_day(site, target) if target is not None and target.ok and target.html else None)
    core = core_title(row.title)
    hit = next((r for t, r in interp_titles if len(core) >= 6 and core in t), None)
    if hit:
        target = site.get(hit.url)
        when = hit.date or (publication_day(site, target) if target is not None and target.ok and target.html else None)
        return f"解读列表条目“{hit.title[:40]}” {hit.url}", when
    for src, _link in site.linked_from.get(key, ()):
        if matches_any(src.title or src.meta.get("ArticleTitle", ""), params["interpretation_words"]):
            return f"解读页面 {src.final_url} 链接到本文件", publication_day(site, src)
    return "", None


def check(site, params, ctx):
    home = site.home
    found, list_urls, unseen = read_named_columns(site, params["names"], params["max_depth"],
                                                  params["max_name_chars"], "检查政策解读关联情况")
    for url, why, evidence in unseen:
        yield Finding("unknown", why, url=url, evidence=evidence)
    docs = {key: row for key, (row, _col) in found.items()}
    normative_rows = {key for key, (_row, col) in found.items() if matches_any(col.name, params["normative_names"])}
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
    considered, linked, missing, unfetched, exempt, ordinary, late = 0, [], [], [], 0, 0, []
    for key, row in docs.items():
        if matches_any(row.title, params["exempt_title_words"]) or matches_any(row.status, params["exempt_title_words"]):
            exempt += 1
            continue
        if row.date is not None and row.date < oldest:
            continue
        page = site.get(row.url)
        if page is None or not page.ok or not page.html:
            if key in normative_rows or _named(row.title, params):
                unfetched.append(row)
            continue
        if key not in normative_rows and not _needs_interpretation(site, row, page, params):
            ordinary += 1        # an ordinary 通知 of a 政策文件 list: item 26 does not ask for a 解读
            continue
        considered += 1
        how, when = _interpretation_of(site, key, row, page, interp_titles, params)
        (linked if how else missing).append((row, how))
        if how and params["sync_days"] is not None:
            published = publication_day(site, page) or row.date
            if published and when and (when - published).days > params["sync_days"]:
                late.append((row, how, published, when))

    where = list_urls[0] if list_urls else home.final_url
    note = (f"；另有 {len(unfetched)} 个文件页未抓取" if unfetched else "") + \
           (f"；{exempt} 个废止/失效类文件无需解读，未计入" if exempt else "") + \
           (f"；{ordinary} 个非规范性文件（一般通知等）未计入" if ordinary else "")
    if considered == 0:
        yield Finding("unknown", f"近 {params['recent_days']} 天内的文件页均未抓取或没有，无法检查政策解读关联情况{note}",
                      url=where)
        return
    ratio = len(missing) / considered
    summary = f"{considered} 个文件中 {len(missing)} 个未见关联的政策解读（{ratio:.0%}）{note}"
    for row, how, published, when in late[: params["max_findings"]]:
        yield Finding("warn", f"文件“{row.title[:40]}”的政策解读未同步发布：文件 {published.isoformat()} 发布，解读 "
                              f"{when.isoformat()} 才发布，晚了 {(when - published).days} 天（同步要求 {params['sync_days']} 天内）",
                      url=row.url, evidence=how)
    if not missing:
        on_time = f"，其中 {len(late)} 个解读晚于文件 {params['sync_days']} 天以上" if late else ""
        yield Finding("pass", f"{considered} 个文件均关联了政策解读{on_time}{note}", url=where,
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
