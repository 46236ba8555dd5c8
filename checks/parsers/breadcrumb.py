"""The breadcrumb of a page (当前位置：首页 > 政务公开 > 通知公告) and the column it ends in."""
from __future__ import annotations

from zwgk.page.breadcrumb import breadcrumb_items
from zwgk.page.text import norm

IGNORE = ("正文", "详情", "内容", "详细信息", "文章", "浏览文章", "查看详情", "文章详情", "信息详情", "阅读")


def breadcrumb(site, page) -> list[str]:
    """The breadcrumb's items, first (首页) to last; [] when the page has none. Read by the
    spider with the page (crumbs); parsed here only for a page stored before that."""
    if page.crumbs is not None:
        return list(page.crumbs)
    cache = site.__dict__.setdefault("_zwgk_crumbs", {})
    key = page.final_url
    if key not in cache:
        cache[key] = breadcrumb_items(site.doc(page))
    return cache[key]


def crumb_column(site, page, article_title: str = "") -> str:
    """The column the breadcrumb ends in: its last item that is not 正文/详情 or the title."""
    title = norm(article_title)
    for item in reversed(breadcrumb(site, page)):
        n = norm(item)
        if not n or item in IGNORE or n in (norm(i) for i in IGNORE) or len(n) > 20:
            continue
        if title and len(n) >= 8 and (title in n or (n in title and len(n) >= 0.8 * len(title))):
            continue
        return item
    return ""
