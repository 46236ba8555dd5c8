"""The breadcrumb of a page (当前位置：首页 > 政务公开 > 通知公告): its items, first to last.

The spider reads it while it has the page parsed (PageSnapshot.crumbs), so the checks do not
parse every article again for it; checks/parsers/breadcrumb.py reads it from a document for a
page stored before snapshots carried it.
"""
from __future__ import annotations

import re

from lxml import etree

from zwgk.page.dom import string_of, with_class_or_id
from zwgk.page.text import fold

_LEAD_WORDS = ("当前位置", "您的位置", "您现在的位置", "所在位置", "现在位置", "当前栏目")
_LEAD = re.compile("(" + "|".join(_LEAD_WORDS) + r")\s*[:：]?")
_CLASS = re.compile(r"(location|breadcrumb|crumb|position|dqwz|weizhi|curpos|currentpos|bread)", re.I)
_SEP = re.compile(r"\s*(?:>|＞|›|»|→|/|\\|>>|&gt;)\s*")

# The text nodes _LEAD finds (one of its words: what follows them is optional), selected by
# libxml2 rather than by making every text node of the page a Python string.
_LEAD_NODES = etree.XPath("//body//text()[{}][not(ancestor::script) and not(ancestor::style)]".format(
    " or ".join(f"contains(., '{w}')" for w in _LEAD_WORDS)))      # the cheap test first


def _text(el) -> str:
    return fold(string_of(el))


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
            if any(True for _ in el.iter("a")) and len(_text(el)) < 200:
                return el
    return None


def breadcrumb_items(doc) -> list[str]:
    """The breadcrumb's items, first (首页) to last; [] when the page has none."""
    el = _container(doc) if doc is not None else None
    if el is None:
        return []
    # the links in order (items may be <li>s with no separator between them), then what
    # follows the last link (“> 正文”, an unlinked current column)
    text = _text(el)
    anchors = [t for t in (_text(a) for a in el.iter("a")) if t]
    items = [t for t in anchors if not _LEAD.fullmatch(t)]
    trailing = text[text.rfind(anchors[-1]) + len(anchors[-1]):] if anchors else text
    m = _LEAD.search(trailing)
    if m:
        trailing = trailing[m.end():]
    return items + [t.strip() for t in _SEP.split(trailing) if t and t.strip()]
