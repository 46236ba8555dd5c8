"""Columns (栏目) by name: which list pages of the site a rulebook's column synonyms point to.

A column is found by a short link text naming it (navigation, side menus, hub pages, home-page
blocks) or by a fetched list page whose ColumnName metadata names it. Long link texts are
article titles that merely mention the word (“…要闻…”), so they do not count.
"""
from __future__ import annotations

from dataclasses import dataclass

from zwgk.checks.parsers.listing import get_page, is_pager_url, list_key, list_pages, list_rows
from zwgk.page.scope import normalise_url, url_kind
from zwgk.page.text import matches_any, norm


@dataclass
class ColumnRef:
    name: str          # as the site writes it (link text, or ColumnName)
    url: str           # the list's first page
    matched: str       # the rulebook name that matched
    found_on: str = "" # page the link was found on ("" when found by ColumnName)
    external: bool = False

    def page(self, site):
        return get_page(site, self.url)


def find_columns(site, names, max_depth: int = 3, max_name_chars: int = 12) -> list[ColumnRef]:
    out: dict[str, ColumnRef] = {}
    pages = [p for p in site.pages if p.depth <= max_depth]
    for hit in site.find_links(names, pages=pages):
        text = hit.link.text
        if len(norm(text)) > max_name_chars or url_kind(hit.link.url) == "attachment":
            continue      # an article title, or a file (征求意见稿.pdf): never a column
        key = list_key(hit.link.url)
        if key in out:
            continue
        external = hit.link.url not in site.scope
        out[key] = ColumnRef(name=text, url=hit.link.url, matched=hit.matched,
                             found_on=hit.page.final_url, external=external)
    for page in site.pages_with_column(names):
        key = list_key(page.final_url)
        if key in out or page.depth > max_depth + 1 or is_pager_url(page.final_url):
            continue
        col = page.meta.get("ColumnName", "")
        # an article page carries its column's name too (and may list related articles): only
        # list pages count
        if url_kind(page.final_url) != "article" and len(list_rows(site, page)) >= 2:
            out[key] = ColumnRef(name=col, url=page.final_url, matched=matches_any(col, names) or col)
    return list(out.values())


def column_rows(site, columns) -> tuple[dict, list, list]:
    """The rows of the columns' fetched list pages: ({normalised row URL: (row, its column)} in
    list order, the first list page's URL of each column read, the columns whose list page was not
    fetched)."""
    rows, firsts, unread = {}, [], []
    for col in columns:
        pages = list_pages(site, col.url)
        if not pages:
            unread.append(col)
            continue
        firsts.append(pages[0].final_url)
        for page in pages:
            for row in list_rows(site, page):
                rows.setdefault(normalise_url(row.url), (row, col))
    return rows, firsts, unread


def read_named_columns(site, names, max_depth: int, max_name_chars: int, purpose: str):
    """The rows of the in-scope columns that names name (as column_rows gives them), their first
    list pages, and what could not be read as (url, why, evidence) — the column not found, or a
    column's list page not fetched — for a check to report as unknown; purpose completes
    “无法{purpose}”."""
    columns = [c for c in find_columns(site, names, max_depth, max_name_chars) if not c.external]
    if not columns:
        return {}, [], [(site.home.final_url, f"未找到“{'、'.join(names[:3])}”栏目，无法{purpose}",
                         f"查找: {'、'.join(names)}")]
    rows, firsts, unread = column_rows(site, columns)
    return rows, firsts, [(c.url, f"栏目“{c.name}”的列表页未能抓取：{site.why_unseen(c.url)}", "") for c in unread]


_HIDDEN_CLASSES = {"hide", "hidden", "dn", "none", "d-none", "is-hidden"}


def _hidden(el) -> bool:
    for node in (el, *el.iterancestors()):
        if not isinstance(node.tag, str):
            continue
        if node.tag in ("script", "style", "template", "textarea", "noscript"):
            return True
        style = (node.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style or node.get("hidden") is not None:
            return True
        if _HIDDEN_CLASSES & set((node.get("class") or "").lower().split()):
            return True
    return False


def visible_marker(site, page, markers) -> str | None:
    """The first of markers (暂无信息 …) shown as visible text on the page, or None.

    Markers in scripts, templates or hidden elements (a list filled by JavaScript keeps its
    “暂无数据” placeholder hidden) do not count.
    """
    if site.cannot_show(page, markers):
        return None
    doc = site.doc(page)
    if doc is None:
        return None
    text = site.text(page)
    for marker in markers:
        if marker not in text:
            continue
        for node in doc.xpath("//body//text()"):
            if marker in str(node):
                parent = node.getparent()
                if parent is not None and getattr(node, "is_tail", False):
                    parent = parent.getparent()
                if parent is not None and not _hidden(parent):
                    return marker
    return None


def column_items(site, page, markers) -> tuple[list, str | None]:
    """What a column page lists, as every rule sees it: (its list rows, the empty-list marker it
    shows visibly or None). The column is empty when it shows a marker and lists nothing;
    navigation, footers and template links are never rows (checks/parsers/listing.py)."""
    return list_rows(site, page), visible_marker(site, page, markers)
