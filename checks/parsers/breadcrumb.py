"""The breadcrumb of a page (当前位置：首页 > 政务公开 > 通知公告) and the column it ends in."""
from __future__ import annotations

import re

from lxml import etree

from crawler.pageparse import fold, with_class_or_id
from checks.text import norm

_LEAD_WORDS = ("当前位置", "您的位置", "您现在的位置", "所在位置", "现在位置", "当前栏目")
_LEAD = re.compile("(" + "|".join(_LEAD_WORDS) + r")\s*[:：]?")
_CLASS = re.compile(r"(location|breadcrumb|crumb|position|dqwz|weizhi|curpos|currentpos|bread)", re.I)
_SEP = re.compile(r"\s*(?:>|＞|›|»|→|/|\\|>>|&gt;)\s*")
IGNORE = ("正文", "详情", "内容", "详细信息", "文章", "浏览文章", "查看详情", "文章详情", "信息详情", "阅读")


# The text nodes _LEAD finds (one of its words: what follows them is optional), selected by
# libxml2 rather than by making every text node of the page a Python string.
_LEAD_NODES = etree.XPath("//body//text()[{}][not(ancestor::script) and not(ancestor::style)]".format(
    " or ".join(f"contains(., '{w}')" for w in _LEAD_WORDS)))      # the cheap test first


def _container(doc):
    for node in _LEAD_NODES(doc):
        if _LEAD.search(str(node)):
            el = node.getparent()
            if el is not None and getattr(node, "is_tail", False):
                el = el.getparent()
            for _ in range(3):
                if el is None:
                    break
                if any(True for _ in el.iter("a")):
                    return el
                el = el.getparent()
    for el in with_class_or_id(doc):
        if _CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            if any(True for _ in el.iter("a")) and len(fold(el.text_content())) < 200:
                return el
    return None


def breadcrumb(site, page) -> list[str]:
    """The breadcrumb's items, first (首页) to last; [] when the page has none. Cached per page."""
    cache = site.__dict__.setdefault("_zwgk_crumbs", {})
    key = page.final_url
    if key in cache:
        return cache[key]
    doc = site.doc(page)
    items: list[str] = []
    el = _container(doc) if doc is not None else None
    if el is not None:
        # the links in order (items may be <li>s with no separator between them), then what
        # follows the last link (“> 正文”, an unlinked current column)
        text = fold(el.text_content())
        anchors = [t for t in (fold(a.text_content()) for a in el.iter("a")) if t]
        items = [t for t in anchors if not _LEAD.fullmatch(t)]
        trailing = text[text.rfind(anchors[-1]) + len(anchors[-1]):] if anchors else text
        m = _LEAD.search(trailing)
        if m:
            trailing = trailing[m.end():]
        items += [t.strip() for t in _SEP.split(trailing) if t and t.strip()]
    cache[key] = items
    return items


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
