"""column_present — a column (栏目/专栏) exists, where the rulebook says, and optionally is not empty.

What it checks: a link whose text (or image alt/title) names the column or one of its synonyms,
on the home page (`where: home`, navigation included) or within `max_depth` clicks of it
(`where: anywhere`); a fetched page whose `ColumnName` metadata or title names it counts too
(image banners without alt text). With `require_items: true` the column's page must list
something: a page saying 暂无信息 fails; a page with no list at all is `unknown` (it may be
filled by JavaScript).

Why it matters: the plan requires named columns (营商环境 item 14, 稳经济 item 16, 粤港澳大湾区
item 19, the 重点领域 columns of items 21–23 …). Inspectors look for them first.

Pass: the home page nav has “优化营商环境”, its page lists 12 policies.
Fail: no link or page names 稳经济 anywhere within 3 clicks, and every page within 3 clicks that
could hold it was seen (a link that answers 404 was seen: it is broken); the column page says
“暂无信息” and lists nothing.
Unknown: a page within reach that could hold the column (its link names it, names a hub such as
政务公开 or 专题专栏, says nothing, or sits in the navigation) could not be fetched; the home page is
a script shell; the crawl saw too little (the start page is an article, or most of the home
page's links answer 404). An unfetched article headline does not keep a missing column from
being a fact.

References: 江府办〔2022〕7号 items 14, 16, 19, 21–23, 25; 国办发〔2019〕61号 (empty columns).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import column_items
from zwgk.page.scope import normalise_url
from zwgk.page.text import matches_any, norm

ID = "column_present"
NEEDS = Needs(crawl="lists")
PARAMS = {
    "names": {"type": "list[str]", "required": True},
    "where": {"type": "str", "default": "anywhere", "choices": ["home", "anywhere"]},
    "max_depth": {"type": "int", "default": 3},
    "require_items": {"type": "bool", "default": False},
    "empty_markers": {"type": "list[str]",
                      "default": ["暂无信息", "暂无数据", "暂无内容", "没有记录", "暂无记录", "无相关信息",
                                  "没有找到相关", "暂无文章"]},
    "link_to_hosts": {"type": "list[str]", "default": None},
    "max_extra_chars": {"type": "int", "default": 10},
    # texts that contain a name but are another thing (统计公报 is no 政府公报; 市卫生健康局 is an
    # organisation, not a 卫生健康 column): a link or ColumnName containing one does not count
    "exclude_names": {"type": "list", "default": []},
    # addresses that are no column: a search for the word (热门搜索), a service theme of the
    # province's 政务服务网 (办事 → 医疗卫生)
    "not_column_urls": {"type": "list[str]",
                        "default": ["search", "sousuo", "searchword=", "keyword=", "/portal/personal/theme",
                                    "/portal/legal/theme"]},
    # link texts of hub pages that list columns: an unfetched one could hold the column
    "hub_names": {"type": "list[str]",
                  "default": ["政务公开", "信息公开", "公开目录", "专题专栏", "专题", "专栏", "栏目", "网站地图",
                              "互动交流", "政民互动", "政务服务", "办事服务", "部门", "机构", "走进", "概况"]},
}


def _excluded(text: str, params) -> bool:
    return bool(params["exclude_names"]) and bool(matches_any(text, params["exclude_names"]))


def _is_column_link(hit, params) -> bool:
    """A link that names the column, not a news headline that mentions it (short text: the name
    plus a few characters such as 专栏/信息公开, or placed in the navigation), nor another thing
    that shares a word with it (exclude_names), nor a search or service-theme address."""
    url = hit.link.url.lower()
    if _excluded(hit.link.text, params) or any(w in url for w in params["not_column_urls"]):
        return False
    if hit.link.position in ("nav", "header"):
        return True
    return len(norm(hit.link.text)) <= len(norm(hit.matched)) + params["max_extra_chars"]


def _mentioned_in_scripts(site, pages, names) -> str:
    """The first page near the home page whose inline scripts name the column although no link
    does: a navigation menu built by JavaScript, which a static crawl cannot see."""
    wanted = [norm(n) for n in names if norm(n)]
    for page in pages:
        if page.depth > 1:
            continue
        doc = site.doc(page)
        if doc is None:
            continue
        code = norm(" ".join(doc.xpath("//script[not(@src)]/text()")))
        if any(w in code for w in wanted):
            return page.final_url
    return ""


def _host_ok(url: str, hosts) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def check(site, params, ctx):
    names = params["names"]
    label = "、".join(names[:3])
    home = site.home
    home_only = params["where"] == "home"
    pages = [home] if home_only else [p for p in site.pages if p.depth < params["max_depth"]]
    all_hits = site.find_links(names, pages=pages)
    hits, headlines = [], []
    for h in all_hits:
        # split in one pass: `h not in hits` compared whole snapshots, hit by hit
        (hits if _is_column_link(h, params) else headlines).append(h)
    if params["link_to_hosts"]:
        hosts = params["link_to_hosts"]
        direct = [h for h in hits if _host_ok(h.link.url, hosts)]
        if not direct and hits:
            judged = list(_judge_via_hub(site, hits, hosts))
            # the platform reached from another entry of the same pages (a 我要办 button beside
            # a 政务服务 hub, as on www.gz.gov.cn): the pages do link there
            entry_pages = list({id(h.page): h.page for h in hits}.values())
            other = next(((p, l) for p in entry_pages for l in p.links if _host_ok(l.url, hosts)), None)
            if judged[0].status != "pass" and other is not None:
                page, link = other
                judged = [Finding("pass", f"页面有链接直达 {'、'.join(hosts)}（入口“{link.text or link.url}”）",
                                  url=page.final_url, evidence=f"{link.text} → {link.url}")]
            yield from judged
            return
        hits = direct

    # Pages that name themselves as the column (banner images without alt text link to them).
    if not hits:
        home_targets = {normalise_url(l.url) for l in home.links}
        for page in site.pages:
            if page is home or page.depth > params["max_depth"]:
                continue
            named = next((t for t in (page.meta.get("ColumnName", ""), page.title)
                          if matches_any(t, names) and not _excluded(t, params)), "")
            if named and (not home_only or normalise_url(page.url) in home_targets):
                yield Finding("pass", f"找到栏目页面“{page.title or page.meta.get('ColumnName')}”",
                              url=page.final_url, evidence=f"ColumnName={page.meta.get('ColumnName', '')}")
                if params["require_items"]:
                    yield from _judge_items(site, page, params, names)
                return

    if hits:
        # Prefer a hit whose target was fetched and works.
        hits.sort(key=lambda h: (h.target is None or not h.target.ok, h.page.depth))
        h = hits[0]
        yield Finding("pass", f"在页面找到栏目入口“{h.link.text}”", url=h.page.final_url,
                      evidence=f"{h.link.text} → {h.link.url}")
        if params["require_items"]:
            target = h.target
            if target is None or not target.ok:
                status = target.status if target is not None else None
                if status in (404, 410):
                    yield Finding("fail", f"栏目“{h.link.text}”的链接无法打开（HTTP {status}）",
                                  url=h.link.url, evidence=f"来自 {h.page.final_url}", absence="site")
                else:
                    yield Finding("unknown", f"栏目页面未能抓取，无法判断是否有内容：{site.why_unseen(h.link.url)}",
                                  url=h.link.url)
            elif target.external:
                yield Finding("pass", "栏目链接到外部平台，内容不在本站", url=h.link.url)
            else:
                yield from _judge_items(site, target, params, names)
        return

    where = "首页（含导航）" if home_only else f"首页起 {params['max_depth']} 次点击内的页面"
    if site.looks_script_built(home):
        yield Finding("unknown", f"首页内容可能由脚本生成，静态抓取看不到栏目“{label}”", url=home.final_url)
        return
    if not home_only:
        missing = site.could_hold(params["max_depth"], names, params["hub_names"])
        if missing:
            examples = "；".join(f"{u}（{why}）" for u, why in missing[:3])
            yield Finding("unknown", f"未找到栏目“{label}”，但{where}中有 {len(missing)} 个可能含有该栏目的页面"
                                     "未能抓取，无法断定缺失", url=home.final_url, evidence=examples)
            return
    scripted = _mentioned_in_scripts(site, pages, names) if not headlines else ""
    if scripted:
        yield Finding("unknown", f"页面源码中出现“{label}”字样，但没有对应的栏目链接（导航可能由脚本生成），无法断定缺失",
                      url=scripted)
        return
    searched = 1 if home_only else len(pages)
    evidence = f"查找: {'、'.join(names)}"
    if headlines:
        evidence += f"；仅见新闻标题提及，如“{headlines[0].link.text[:40]}”"
    blocked = [] if home_only else site.robots_blocked_within(params["max_depth"])
    if blocked:
        evidence += f"；另有 {len(blocked)} 个页面被 robots.txt 禁止抓取（如 {blocked[0][0]}）"
    unseen = [] if home_only else site.unfetched_within(params["max_depth"], columns_only=True)
    if unseen:
        evidence += (f"；另有 {len(unseen)} 个页面未能抓取，其链接不在导航中、也不指向栏目或专题页"
                     f"（如 {unseen[0][0]}，{unseen[0][1]}）")
    yield Finding("fail", f"{where}未发现栏目“{label}”（已查看 {searched} 个页面的链接文字、栏目元数据和标题）",
                  url=home.final_url, evidence=evidence, absence="home" if home_only else "site")


def _judge_via_hub(site, hits, hosts):
    """The entry links to a page of the site's own (政务服务 → /zwfw/), which may link on to the
    required platform: one hop is followed. Fail only when every entry's page was seen (a 404 is
    seen: the entry is broken) and none links there; a page not fetched, in scope or not (another
    host of the same government, a path outside the unit's scope), may link on."""
    label = "、".join(hosts)
    unseen, broken = [], []
    for h in hits:
        target = h.target
        if target is None or not target.ok:
            (broken if target is not None and target.status in (404, 410) else unseen).append(h)
            continue
        onward = [l for l in target.links if _host_ok(l.url, hosts)]
        if onward:
            yield Finding("pass", f"栏目“{h.link.text}”经本站页面链接到 {label}", url=target.final_url,
                          evidence=f"{h.link.text} → {h.link.url} → {onward[0].url}")
            return
    if unseen:
        h = unseen[0]
        yield Finding("unknown", f"栏目“{h.link.text}”指向的页面未能抓取，无法判断是否链接到 {label}：{site.why_unseen(h.link.url)}",
                      url=h.link.url)
        return
    h = hits[0]
    if h in broken:
        yield Finding("fail", f"栏目“{h.link.text}”的链接无法打开（HTTP {h.target.status}），未链接到 {label}",
                      url=h.page.final_url, evidence=f"{h.link.text} → {h.link.url}")
        return
    yield Finding("fail", f"栏目“{h.link.text}”未链接到 {label}（入口及其指向的本站页面均未见该链接）",
                  url=h.page.final_url, evidence=f"{h.link.text} → {h.link.url}")


def _judge_items(site, page, params, names):
    rows, marker = column_items(site, page, params["empty_markers"])
    if marker and not rows:
        yield Finding("fail", f"栏目为空：页面显示“{marker}”", url=page.final_url, evidence=marker)
    elif not rows:
        yield Finding("unknown", "栏目页面未见列表条目（可能由脚本加载），无法判断是否为空", url=page.final_url)
    else:
        yield Finding("pass", f"栏目页面列出 {len(rows)} 条内容", url=page.final_url,
                      evidence="；".join(r.title[:30] for r in rows[:3]))
