"""Which pages the browser pass visits: the accessibility sample, and the pages that need rendering.

Both are chosen from the crawl (a Site), never by crawling further:
- the sample: the home page, the top-level columns linked from its navigation, and one article
  per column type (ColumnType / ColumnName metadata, else the article's directory);
- pages to render: a script shell (Site.looks_script_built), a page with an empty list container
  (id/class says list/news/lb/xxgk …) and scripts that may fill it, or every page of a unit whose registry
  entry says `render: js`.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from zwgk.page.browser_evidence import evidence_of
from zwgk.page.scope import is_article, normalise_url

_LIST_WORDS = re.compile(r"list|news|lb|xxgk|wjlb|items|result|article|data|table|zwgk|^app$|^root$", re.I)
_PLACEHOLDER = re.compile(r"^(加载中|正在加载|数据加载中|loading)[.。…]*$", re.I)


def _article_group(page) -> str:
    meta = page.meta or {}
    for key in ("ColumnType", "ColumnName"):
        if meta.get(key):
            return f"{key}:{meta[key]}"
    path = urlsplit(page.final_url).path
    return "dir:" + path.rsplit("/", 2)[0] if path.count("/") >= 2 else "dir:/"


def choose_sample(site, size: int) -> list[tuple[str, str, str]]:
    """[(url, role, label)] — home first; at most `size` pages, only pages fetched OK in scope."""
    home = site.home
    if home is None or not home.ok or size < 1:
        return []
    chosen, seen = [(home.final_url, "home", home.title or "首页")], {normalise_url(home.final_url)}
    for u in (home.url, *home.redirects):
        seen.add(normalise_url(u))

    columns = []
    for positions in (("nav", "header"), ("body",)):
        for link in home.links:
            if link.position not in positions:
                continue
            target = site.get(link.url)
            if target is None or target not in site.pages or is_article(target):
                continue
            key = normalise_url(target.final_url)
            if key in seen:
                continue
            seen.add(key)
            columns.append((target.final_url, "column", link.text))
        if columns:
            break
    articles, groups = [], set()
    for page in sorted(site.pages, key=lambda p: (p.depth, p.final_url)):
        if not is_article(page) or normalise_url(page.final_url) in seen:
            continue
        group = _article_group(page)
        if group in groups:
            continue
        groups.add(group)
        articles.append((page.final_url, "article", page.title or page.meta.get("ArticleTitle", "")))
    # Half the remaining room for columns, the rest for articles; leftovers go to whichever has more.
    room = size - 1
    n_col = min(len(columns), max(room - len(articles), (room + 1) // 2))
    n_art = min(len(articles), room - n_col)
    n_col = min(len(columns), room - n_art)
    chosen += columns[:n_col] + articles[:n_art]
    return chosen


def render_reason(site, page, unit: dict | None = None) -> str:
    """Why this page must be rendered in the browser (Chinese), or "" when the static copy will do."""
    unit = unit or {}
    hints = unit.get("hints") if isinstance(unit.get("hints"), dict) else {}
    if str(unit.get("render") or hints.get("render") or "").lower() in ("js", "javascript", "browser"):
        return "单位配置 render: js"
    if site.looks_script_built(page):
        return "页面内容主要由脚本生成"
    doc = site.doc(page)
    if doc is None:
        return ""
    inline = " ".join(s.text or "" for s in doc.iter("script"))
    if not inline.strip() and not page.scripts:
        return ""          # nothing could fill an empty container
    for el in doc.iter("ul", "ol", "tbody", "table", "div", "section"):
        tokens = [el.get("id", "")] + (el.get("class") or "").split()
        if not any(t and _LIST_WORDS.search(t) for t in tokens):
            continue
        if any(True for _ in el.iter("a")):
            continue
        text = "".join(t for t in el.xpath(".//text()[not(ancestor::script) and not(ancestor::template)]")).strip()
        if text and not _PLACEHOLDER.match(text):
            continue
        ident = el.tag + (f"#{el.get('id')}" if el.get("id") else f".{el.get('class').split()[0]}")
        return f"列表容器 {ident} 为空，由脚本填充"
    return ""


def pages_to_render(site, unit: dict | None, limit: int) -> list[tuple[str, str]]:
    """[(url, reason)] of in-scope pages that need rendering, shallowest first, at most `limit`."""
    out = []
    for page in sorted(site.pages, key=lambda p: (p.depth, p.final_url)):
        reason = render_reason(site, page, unit)
        if reason:
            out.append((page.final_url, reason))
            if len(out) >= limit:
                break
    return out


def unrendered_reason(site, page, unit: dict | None = None) -> str:
    """Why the page's content is made by scripts that the browser did not run in this audit
    (Chinese), or "" when the static copy will do or the rendered copy replaced it: a check
    that reads a list from such a page cannot take its static rows as the whole list."""
    reason = render_reason(site, page, unit)
    if not reason:
        return ""
    evidence = evidence_of(site)
    rendered = evidence.rendered.get(page.final_url) if evidence is not None else None
    return "" if rendered is not None and not rendered.error else reason
