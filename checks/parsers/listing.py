"""List pages: the rows of a column (title, URL, date, status columns) and its pagination.

Structure-tolerant: `<ul><li><a>…</a><span>2022-08-25</span></li>`, tables with a header row
(标题 | 发文字号 | 发布日期 | 有效性), `<dl><dt><a/></dt><dd>date</dd>`, and rows made of divs.
Dates come from the row (its date text, a 发布日期/成文日期 column) or the URL's t20220825_
pattern — never from crawl time. A row from another source (the gkmlpt platform JSON, a row dict
the caller builds) becomes a ListRow through `row_from_mapping`.

    rows = list_rows(site, page)          # the page's list rows (navigation/footers left out)
    urls = pagination(site, page)         # other pages of the same list
    pages = list_pages(site, url)         # the fetched list page and its fetched pagination pages
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from zwgk.page.html import join_base, position_of
from zwgk.page.scope import PAGER_URL, normalise_url
from zwgk.page.text import fold, norm, parse_date, url_date

# Header cells of list tables -> the field they hold. Order matters: 成文日期 before 日期,
# 主题分类 before 主题.
HEADER_KINDS = (
    ("written", ("成文日期", "印发日期", "成文时间", "制发日期")),
    ("status", ("有效性", "时效性", "效力状态", "有效状态", "效力")),
    ("doc_no", ("发文字号", "文号", "文件编号")),
    ("index_no", ("索引号",)),
    ("topic", ("主题分类", "分类")),
    ("issuer", ("发文机关", "发布机构", "发布单位", "发文单位", "来源")),
    ("date", ("发布日期", "发布时间", "公开日期", "公开时间", "日期", "时间")),
    ("title", ("标题", "名称", "文件名称", "题名", "主题")),
)
_ROW_TAGS = ("li", "dd", "dt", "tr", "p")
_PAGER_TEXT = re.compile(r"^(首页|上一页|下一页|尾页|末页|最后一页|第一页|上页|下页|前一页|后一页|\d{1,4}|[<>«»‹›]+|…|\.\.\.)$")
_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,"
                        r"\s*['\"](\w+)['\"]")
_INDEX_FILE = re.compile(r"/(index|default)\.(s?html?|jsp|php|aspx?)$", re.I)
MIN_TITLE_CHARS = 4


@dataclass(frozen=True)
class ListRow:
    """One entry of a list: a document or article as its list shows it."""
    title: str
    url: str
    date: date | None = None
    date_text: str = ""          # the text the date was read from (undated rows: the row's other text)
    date_source: str = ""        # "row", "发布日期", "成文日期", "url", or the source's own name
    status: str = ""             # 有效性/时效性 text as the list shows it ("" when the list has none)
    list_url: str = ""           # the list page that shows the row
    group: int = 0               # which list on the page (a page with several lists is a hub)
    source: str = "list"         # "list", "gkmlpt", ... where the row came from
    fields: tuple = field(default=())   # (header, text) pairs of a table row
    other: str = ""              # the row's text besides its title (a status word, labels), cut short


_YEARLESS = re.compile(r"(?<![\d年/.-])(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?![\d/.-])")


def yearless_date(row: ListRow, as_of: date) -> date | None:
    """For an undated row showing only month and day (08-25, 8月25日): the latest such date not
    after as_of. Only a hint — the year is a guess — so checks use it to hold back a fail, never
    to pass or fail on its own."""
    if row.date is not None:
        return None
    m = _YEARLESS.search(row.date_text or "")
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    for year in (as_of.year, as_of.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        if d <= as_of:
            return d
    return None


def row_from_mapping(d: dict, source: str = "") -> ListRow:
    """A ListRow from a plain dict, e.g. an article of the gkmlpt JSON.

    Understood keys: url, title, date (date or text), status (text), list_url, and the gkmlpt
    flags is_expired / is_abolished (true -> status 失效 / 废止; false -> 有效; None -> no status)
    and is_modified (已修改).
    """
    status = str(d.get("status") or "")
    if not status:
        if d.get("is_abolished"):
            status = "废止"
        elif d.get("is_expired"):
            status = "失效"
        elif d.get("is_modified"):
            status = "已修改"
        elif d.get("is_expired") is False or d.get("is_abolished") is False:
            status = "有效"
    raw_date = d.get("date")
    when = raw_date if isinstance(raw_date, date) else parse_date(str(raw_date or ""))
    return ListRow(title=str(d.get("title") or ""), url=str(d.get("url") or ""), date=when,
                   date_text=str(raw_date or ""), date_source=source or d.get("source") or "",
                   status=status, list_url=str(d.get("list_url") or ""),
                   source=source or str(d.get("source") or "platform"))


# -- rows of a list page ------------------------------------------------------------------------
def _cache(site, name: str) -> dict:
    return site.__dict__.setdefault(f"_zwgk_{name}", {})


def _header_kind(text: str) -> str | None:
    t = norm(text)
    if not t or len(t) > 12:
        return None
    for kind, words in HEADER_KINDS:
        if any(w in t for w in words):
            return kind
    return None


def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _text(el) -> str:
    return fold(el.text_content()) if el is not None else ""


def _anchor_title(a) -> str:
    return _title_of(a, fold(a.text_content()))


def _title_of(a, text: str) -> str:
    """The anchor's title: its text, or its title attribute when that is longer (a cut title)."""
    attr = fold(a.get("title"))
    if attr and (len(attr) > len(text) or text.endswith(("...", "…"))):
        return attr
    return text


def _href(a, base: str) -> str:
    href = (a.get("href") or "").strip()
    return _absolute(join_base(base, href), href)


@lru_cache(maxsize=4096)
def _absolute(base: str, href: str) -> str:
    """The absolute URL of an href, "" for none. Memoised: list parsing asks about the same
    anchor several times (row, row container, title), every page has the same navigation, and
    urljoin is the cost."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return ""
    try:
        url = urljoin(base, href).split("#", 1)[0]
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""


def _base(doc, page) -> str:
    for b in doc.iter("base"):
        if b.get("href"):
            return urljoin(page.final_url, b.get("href").strip())
    return page.final_url


def _date_of(text: str, url: str) -> tuple:
    d = parse_date(text)
    if d:
        return d, text, "row"
    d = url_date(url)
    if d:
        return d, url, "url"
    return None, "", ""


def _table_rows(table, base, page_url, group) -> list[ListRow] | None:
    """Rows of a table with a recognisable header row, or None when it has none."""
    trs = [tr for tr in table.iter("tr")]
    header, start = None, 0
    for i, tr in enumerate(trs[:3]):
        kinds = [_header_kind(_text(c)) for c in _cells(tr)]
        if sum(1 for k in kinds if k) >= 2 and ("title" in kinds or "date" in kinds or "status" in kinds) \
                and not any(True for _ in tr.iter("a")):
            header, start = kinds, i + 1
            names = [_text(c) for c in _cells(tr)]
            break
    if header is None:
        return None
    rows = []
    for tr in trs[start:]:
        cells = _cells(tr)
        by_kind, fields = {}, []
        for i, cell in enumerate(cells):
            if i < len(header):
                fields.append((names[i], _text(cell)))
                if header[i] and header[i] not in by_kind:
                    by_kind[header[i]] = cell
        anchors = list((by_kind.get("title") if "title" in by_kind else tr).iter("a"))
        anchors = [a for a in anchors if _href(a, base) and len(norm(_anchor_title(a))) >= 2]
        if not anchors:
            continue
        a = max(anchors, key=lambda x: len(_anchor_title(x)))
        url = _href(a, base)
        when, when_text, source = None, "", ""
        for kind, label in (("date", "发布日期"), ("written", "成文日期")):
            if kind in by_kind:
                when = parse_date(_text(by_kind[kind]))
                if when:
                    when_text, source = _text(by_kind[kind]), label
                    break
        if when is None:
            rest = " ".join(_text(c) for c in cells if c is not by_kind.get("title"))
            when, when_text, source = _date_of(rest, url)
        rows.append(ListRow(title=_anchor_title(a), url=url, date=when, date_text=when_text,
                            date_source=source, status=_text(by_kind.get("status")),
                            list_url=page_url, group=group, fields=tuple(fields)))
    return rows


def _container(a):
    """The row element around an anchor: the nearest li/dd/dt/tr/p, or a small div."""
    el = a.getparent()
    for _ in range(4):
        if el is None or not isinstance(el.tag, str):
            return None
        if el.tag in ("ul", "ol", "dl", "table", "tbody", "body"):
            return None
        if el.tag == "td":
            tr = el.getparent()
            return tr if tr is not None and tr.tag == "tr" else el
        if el.tag in _ROW_TAGS:
            return el
        if el.tag in ("div", "span"):
            if len(_text(el)) <= len(_text(a)) + 40:
                parent = el.getparent()
                # a div row among sibling div rows
                if parent is not None and sum(1 for c in parent if getattr(c, "tag", None) == el.tag) >= 2:
                    return el
        el = el.getparent()
    return None


class _Anchors:
    """What list parsing asks of each anchor of one page (its URL, title and text), worked out
    once: a row's anchor is looked at again as part of its row, and text_content() is the cost."""

    def __init__(self, base: str):
        self.base = base
        self._seen: dict = {}     # element -> (url, title, text, is_content); keeps the proxies alive

    def facts(self, a) -> tuple:
        got = self._seen.get(a)
        if got is None:
            url = _href(a, self.base)
            text = _text(a)
            title = _title_of(a, text)
            content = bool(url) and len(norm(title)) >= MIN_TITLE_CHARS and not _PAGER_TEXT.match(text)
            got = self._seen[a] = (url, title, text, content)
        return got

    def is_content(self, a) -> bool:
        """A link to a document or article (title-length text), not a pager or a menu entry."""
        return self.facts(a)[3]


def _generic_row(a, row_el, base, page_url, anchors: _Anchors) -> ListRow:
    url, title, a_text, _ = anchors.facts(a)
    outside = _text(row_el).replace(a_text, " ", 1)
    when = parse_date(outside)
    when_text, source = (outside, "row") if when else ("", "")
    if when is None and row_el.tag == "dt":
        nxt = row_el.getnext()
        if nxt is not None and nxt.tag == "dd":
            when = parse_date(_text(nxt))
            when_text, source = (_text(nxt), "row") if when else ("", "")
    if when is None:
        # the date inside the anchor: <a><span>title</span><span>2022-08-25</span></a>
        when = parse_date(a_text)
        if when:
            when_text, source = a_text, "row"
            for child in a.iter():
                ct = _text(child)
                if child is not a and parse_date(ct) and len(ct) <= 20:
                    title = fold(title.replace(ct, " "))
                    break
    if when is None:
        when = url_date(url)
        # no date: keep the row's other text (a date without a year, 08-25, is still a hint)
        when_text, source = (url, "url") if when else (outside.strip(), "")
    return ListRow(title=title, url=url, date=when, date_text=when_text[:200], date_source=source,
                   list_url=page_url, other=fold(outside)[:200])


def list_rows(site, page) -> list[ListRow]:
    """The rows of the lists on a page (navigation, header, footer and pagination left out).

    A table with a header row gives every row; other rows are kept in groups (rows under the same
    parent element) where most rows carry a date, or — undated lists — at least three rows with
    title-length link texts (menus have short entries).
    """
    cache = _cache(site, "rows")
    key = page.final_url
    if key in cache:
        return cache[key]
    doc = site.doc(page)
    rows: list[ListRow] = []
    if doc is None:
        cache[key] = rows
        return rows
    base = _base(doc, page)
    page_key = normalise_url(page.final_url)
    home_key = normalise_url(site.start_url)
    group = 0
    handled = set()
    for table in doc.iter("table"):
        if any(True for _ in table.iterdescendants("table")):
            continue     # layout table: its inner tables are looked at on their own
        got = _table_rows(table, base, page.final_url, group)
        if got is None:
            continue
        handled.add(table)
        if position_of(table) in ("nav", "header", "footer"):
            continue
        rows.extend(got)
        group += 1

    groups: dict = {}
    anchors = _Anchors(base)
    for a in doc.iter("a"):
        if not anchors.is_content(a):
            continue
        if handled and any(anc in handled for anc in a.iterancestors("table")):
            continue
        row_el = _container(a)
        if row_el is None or sum(1 for x in row_el.iter("a") if anchors.is_content(x)) != 1:
            continue
        if position_of(a) in ("nav", "header", "footer"):
            continue
        parent = row_el.getparent()
        groups.setdefault(parent, []).append(_generic_row(a, row_el, base, page.final_url, anchors))
    for members in groups.values():
        dated = sum(1 for r in members if r.date is not None)
        avg = sum(len(norm(r.title)) for r in members) / len(members)
        if dated * 2 >= len(members) or (len(members) >= 3 and avg >= 10):
            rows.extend(replace(r, group=group) for r in members)
            group += 1
    rows = [r for r in rows if normalise_url(r.url) not in (page_key, home_key)]
    cache[key] = rows
    return rows


# -- pagination ---------------------------------------------------------------------------------
def directory_of(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path) + "/"


def is_pager_url(url: str) -> bool:
    """A later page of a list (index_1.html, ?page=2)."""
    return bool(PAGER_URL.search(url))


def list_key(url: str) -> str:
    """One key for a list's first page however it is linked: /tzgg/ == /tzgg/index.html."""
    u = normalise_url(url)
    return _INDEX_FILE.sub("/", u)


def pagination(site, page) -> list[str]:
    """URLs of the other pages of the list shown on page (pager links and TRS createPageHTML)."""
    here = list_key(page.final_url)
    home = list_key(site.start_url)
    dir_ = directory_of(page.final_url)
    host = urlsplit(page.final_url).hostname
    out, seen = [], {here, home}
    for link in page.links:
        if link.position in ("nav", "header", "footer") or urlsplit(link.url).hostname != host:
            continue
        key = list_key(link.url)
        if key in seen:
            continue
        same_dir = directory_of(link.url) == dir_
        if (PAGER_URL.search(link.url) and same_dir) or (_PAGER_TEXT.match(link.text.strip()) and same_dir):
            seen.add(key)
            out.append(link.url)
    m = _TRS_PAGER.search(page.html or "")
    if m:
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
        for i in range(min(count, 50)):
            url = urljoin(page.final_url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}")
            if list_key(url) not in seen:
                seen.add(list_key(url))
                out.append(url)
    return out


def get_page(site, url: str):
    """The snapshot of a list page however it is linked (/tzgg/, /tzgg/index.html), or None."""
    snap = site.get(url)
    if snap is None:
        key = list_key(url)
        for suffix in ("index.html", "index.htm", "index.shtml", ""):
            snap = site.get(key + suffix) if key.endswith("/") else None
            if snap is not None:
                break
    return snap


def list_pages(site, url: str, max_pages: int = 20) -> list:
    """The fetched first page of a list and the fetched pages reachable through its pager."""
    first = get_page(site, url)
    if first is None or not first.ok or not first.html:
        return []
    pages, seen, queue = [], {list_key(first.final_url)}, [first]
    while queue and len(pages) < max_pages:
        page = queue.pop(0)
        pages.append(page)
        for nxt in pagination(site, page):
            key = list_key(nxt)
            if key in seen:
                continue
            seen.add(key)
            snap = site.get(nxt)
            if snap is not None and snap.ok and snap.html and not snap.external:
                queue.append(snap)
    return pages
