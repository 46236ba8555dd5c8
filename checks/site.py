"""Site: one unit's snapshots joined into something checks can ask questions of.

Built once per audit; parses pages on demand and keeps the recently used documents and texts
(bounded, so a 20,000-page portal fits in memory); checks never fetch and never parse raw HTML
themselves. Everything a check needs to say `unknown` honestly (what was not fetched, and why) is
answered here too.
"""
from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from zwgk.page import gkmlpt
from zwgk.page.dom import parse_document, visible_text
from zwgk.page.scope import PLAN_SKIPPED, UnitPages, is_skippable, normalise_url, url_kind
from zwgk.page.snapshot import Link, PageSnapshot
from zwgk.page.text import matches_any, norm, normed_names

_MISSING = object()


class LRUCache:
    """A mapping that keeps its most recently used entries up to a total size (each entry's
    size given by the caller), dropping the least recently used first; the newest entry is
    always kept, however large."""

    def __init__(self, max_size: int):
        self.max_size = max_size
        self.size = 0
        self._items: OrderedDict = OrderedDict()      # key -> (value, size)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key) -> bool:
        return key in self._items

    def get(self, key, default=None):
        item = self._items.get(key)
        if item is None:
            return default
        self._items.move_to_end(key)
        return item[0]

    def put(self, key, value, size: int = 1):
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= old[1]
        self._items[key] = (value, size)
        self.size += size
        while self.size > self.max_size and len(self._items) > 1:
            _, (_, dropped) = self._items.popitem(last=False)
            self.size -= dropped


class _Backlinks(Mapping):
    """The links to each URL, as (page, link) pairs, looked up by normalised URL.

    Stored as (snapshot number, link number) pairs in an array per target: a large portal
    has a million links (its navigation on every page), and a tuple per link costs ten times
    that. A missing URL reads as no links, like the defaultdict this replaces."""

    def __init__(self, snapshots):
        self._snapshots = snapshots
        self._places: dict[str, array] = {}
        for i, snap in enumerate(snapshots):
            for n, link in enumerate(snap.links):
                key = normalise_url(link.url)
                places = self._places.get(key)
                if places is None:
                    places = self._places[key] = array("I")
                places.append(i)
                places.append(n)

    def __getitem__(self, key: str) -> list:
        places = self._places.get(key)
        if places is None:
            return []
        snaps = self._snapshots
        return [(snaps[i], snaps[i].links[n]) for i, n in zip(places[::2], places[1::2])]

    def get(self, key, default=None):
        return self[key] if key in self._places else default

    def __contains__(self, key) -> bool:
        return key in self._places

    def __iter__(self):
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


@dataclass(frozen=True)
class LinkHit:
    """A link found on a page: where it sits, and the snapshot of its target if fetched."""
    page: PageSnapshot
    link: Link
    target: PageSnapshot | None
    matched: str


class Site:
    # Bounds of the per-page caches, in characters of HTML (documents) and of text. Checks go
    # over the pages one at a time and ask several questions of each, so a window serves them;
    # a small site stays whole in the cache. 2M characters of HTML parse into 12-30 MB.
    DOC_CACHE_CHARS = 2_000_000
    TEXT_CACHE_CHARS = 8_000_000

    def __init__(self, start_url: str, snapshots, scope: str | None = None,
                 budget_refused=(), external_skipped: int = 0, unit: dict | None = None,
                 traps=(), crawl_incomplete: str = ""):
        self.start_url = start_url
        self.unit = unit or {}
        # the unit's report column outside its scope (units YAML `report_column:`): crawled with
        # the unit, read by the report checks only (its pages are the city portal's, not the unit's)
        self.own_pages = UnitPages(start_url, scope, self.unit.get("report_column"))
        self.scope = self.own_pages.scope   # remembers its answers per URL
        self.report_column = self.own_pages.report_column
        self.snapshots: list[PageSnapshot] = list(snapshots)
        self.budget_refused = [normalise_url(u) for u in budget_refused]
        self._refused = set(self.budget_refused)
        self.budget_exhausted = bool(self.budget_refused)
        self.external_skipped = external_skipped
        # URLs the spider skipped as crawler traps: endless calendars and query explosions are
        # not where a required column hides, so they do not make a missing column `unknown`.
        self.traps = {normalise_url(u): why for u, why in traps}
        self.crawl_incomplete = crawl_incomplete   # why the crawl ended early ("" if it finished)
        self._by_url: dict[str, PageSnapshot] = {}
        for s in self.snapshots:
            for u in (s.url, s.final_url, *s.redirects):
                self._by_url.setdefault(normalise_url(u), s)
        self._pages: list[PageSnapshot] | None = None
        self._link_index: dict[str, array] | None = None
        self._normed_texts: list | None = None     # [(normalised text, places)] of _link_index
        self._numbers: dict[int, int] | None = None     # id(snapshot) -> its place in snapshots
        self._docs = LRUCache(self.DOC_CACHE_CHARS)
        self._texts = LRUCache(self.TEXT_CACHE_CHARS)
        self._unfetched: dict[int, tuple[list, list]] = {}
        self._thin: tuple[str, str] | None = None     # (the start page's reason, the site's)
        self._linked_from: _Backlinks | None = None

    @property
    def linked_from(self) -> "_Backlinks":
        """normalised target URL -> [(page, link)] of every link to it, in page order."""
        if self._linked_from is None:
            self._linked_from = _Backlinks(self.snapshots)
        return self._linked_from

    # -- pages ------------------------------------------------------------------------------
    def get(self, url: str) -> PageSnapshot | None:
        return self._by_url.get(normalise_url(url))

    @property
    def home(self) -> PageSnapshot | None:
        return self.get(self.start_url)

    @property
    def pages(self) -> list[PageSnapshot]:
        """In-scope HTML pages fetched successfully (a fresh list; the snapshots never change,
        so the selection is made once)."""
        if self._pages is None:
            self._pages = [s for s in self.snapshots if not s.external and s.ok and s.html
                           and s.final_url in self.scope]
        return list(self._pages)

    @property
    def internal(self) -> list[PageSnapshot]:
        """Every in-scope fetch, except a platform probe that found nothing (nobody linked it),
        and the pages fetched only for the report column."""
        return [s for s in self.snapshots if self.own_pages.counts(s)]

    def in_report_column_only(self, snap: PageSnapshot) -> bool:
        """Fetched for the unit's report column outside its own scope (units YAML report_column)."""
        return self.own_pages.in_report_column_only(snap)

    @property
    def report_column_snapshots(self) -> list[PageSnapshot]:
        """The fetches of the unit's report column outside its scope: its pages and reports."""
        return [s for s in self.snapshots if self.in_report_column_only(s)]

    def gkmlpt_rows(self):
        """Articles listed by the gkmlpt platform's API (zwgk.page.gkmlpt.Row), with their
        `is_expired`/`is_abolished` flags: the site's own word on a document's validity."""
        rows = []
        for snap in self.snapshots:
            if snap.body_text and snap.ok and gkmlpt.is_api_url(snap.final_url):
                rows.extend(gkmlpt.parse_list(snap.body_text, snap.final_url)[0])
        return rows

    @property
    def external(self) -> list[PageSnapshot]:
        return [s for s in self.snapshots if s.external]

    def doc(self, page: PageSnapshot):
        """The lxml document of a page (do not mutate it). Recently used documents are kept
        (see DOC_CACHE_CHARS); an older one is parsed again when asked for: a parsed page costs
        6-15 times its HTML in memory, and a large portal has tens of thousands of pages."""
        key = page.final_url
        doc = self._docs.get(key, _MISSING)
        if doc is _MISSING:
            html = page.html
            doc = parse_document(html)
            self._docs.put(key, doc, len(html))
        return doc

    @staticmethod
    def cannot_show(page: PageSnapshot, words) -> bool:
        """True when none of words can be text of the page: none is in its HTML source, and the
        source has no character reference (&#...;) that could spell one. A check that looks for
        words (暂无信息, 页面不存在 …) then need not parse the page at all."""
        html = page.html
        return "&#" not in html and not any(w in html for w in words)

    def text(self, page: PageSnapshot) -> str:
        """Visible text of a page (scripts and styles left out), folded; recently used texts
        are kept (TEXT_CACHE_CHARS)."""
        key = page.final_url
        text = self._texts.get(key, _MISSING)
        if text is _MISSING:
            text = visible_text(self.doc(page))
            self._texts.put(key, text, len(text))
        return text

    def was_refused(self, url: str) -> bool:
        return normalise_url(url) in self._refused

    def why_unseen(self, url: str) -> str:
        """Why zwgk has no usable copy of url (Chinese), or "" if it has one."""
        snap = self.get(url)
        if snap is not None:
            if snap.ok:
                return ""
            return snap.error or f"HTTP {snap.status}"
        if self.was_refused(url):
            return "抓取页数预算已用完，未抓取"
        skipped = self.traps.get(normalise_url(url))
        if skipped:
            # The crawl plan's own reason says what was skipped and why; a check that needs
            # this very page says unknown with it.
            return skipped if skipped.startswith(PLAN_SKIPPED) else f"疑似爬虫陷阱，未抓取（{skipped}）"
        if url not in self.scope:
            return "不在本单位抓取范围内"
        if self.crawl_incomplete:
            return f"抓取提前结束（{self.crawl_incomplete}），未抓取"
        return "未抓取（未在已抓取页面中发现该链接）"

    # -- navigation and columns ------------------------------------------------------------
    def _links_by_text(self) -> dict[str, array]:
        """Anchor text -> (snapshot number, link number) pairs of every link with that text,
        built once.

        Every column rule asks find_links about its names; the navigation and list links repeat
        on every page, so matching each distinct text once instead of every link of every page
        is what keeps twenty column rules cheap on a large site (and pairs in an array, not a
        tuple per link, keep the index small)."""
        if self._link_index is None:
            index: dict[str, array] = {}
            for i, snap in enumerate(self.snapshots):
                for n, link in enumerate(snap.links):
                    places = index.get(link.text)
                    if places is None:
                        places = index[link.text] = array("I")
                    places.append(i)
                    places.append(n)
            self._link_index = index
        return self._link_index

    def find_links(self, names, pages=None, positions=None, max_depth: int | None = None):
        """Links whose anchor text contains one of names, on the given pages (default: all),
        in page order, then in the order of the links on each page."""
        pages = self.pages if pages is None else pages
        if self._numbers is None:
            self._numbers = {id(snap): i for i, snap in enumerate(self.snapshots)}
        number = self._numbers
        order: dict[int, int] = {}      # snapshot number -> its place in pages
        unindexed = []                  # (place, page) of pages that are not this Site's
        for place, page in enumerate(pages):
            if max_depth is not None and page.depth > max_depth:
                continue
            i = number.get(id(page))
            if i is None:
                unindexed.append((place, page))
            else:
                order.setdefault(i, place)
        found = []                      # (place, link number, page, link, matched name)
        snaps = self.snapshots
        pairs = normed_names(names)
        if self._normed_texts is None:  # the index's texts, normalised once per Site
            self._normed_texts = [(norm(text), places) for text, places in self._links_by_text().items()]
        for t, places in self._normed_texts:
            m = next((name for name, n in pairs if n in t), None) if t else None
            if not m:
                continue
            for i, n in zip(places[::2], places[1::2]):
                if i in order:
                    link = snaps[i].links[n]
                    if positions is None or link.position in positions:
                        found.append((order[i], n, snaps[i], link, m))
        for place, page in unindexed:
            for n, link in enumerate(page.links):
                m = matches_any(link.text, names)
                if m and (positions is None or link.position in positions):
                    found.append((place, n, page, link, m))
        found.sort(key=lambda t: (t[0], t[1]))
        return [LinkHit(page, link, self.get(link.url), m) for _, _, page, link, m in found]

    def pages_with_column(self, names):
        """Pages whose ColumnName metadata or title names the column."""
        out = []
        for page in self.pages:
            col = page.meta.get("ColumnName", "")
            if col and matches_any(col, names):
                out.append(page)
        return out

    def unfetched_within(self, depth: int, columns_only: bool = False) -> list[tuple[str, str]]:
        """In-scope links found on pages shallower than depth that zwgk has no copy of, with why.

        A link that answered 404 or 410 was seen: it is a broken link (item 42), not a gap in the
        crawl, so it is not listed. Pages robots.txt forbids are left out too (the site owner keeps
        them from every crawler; `robots_blocked_within` counts them), and so are crawler traps and
        the links the crawl plan skipped on purpose (articles of ordinary lists past the first few,
        their later list pages: no column is linked only from there; why_unseen still names them
        to a check that needs one). Cached per depth: many checks ask.

        columns_only: only pages that can hold a column link count (home, columns, hubs), not
        articles, attachments or later pages of a list — a column is not linked from inside an
        article list, so a budget spent before the articles does not hide a missing column.
        """
        return [(u, why) for u, why, _text, _pos in self._unseen(depth)
                if not columns_only or url_kind(u) == "page"]

    def _unseen(self, depth: int) -> list[tuple[str, str, str, str]]:
        """(url, why, link text, link position) of each unseen in-scope link within depth."""
        if depth not in self._unfetched:
            missing, blocked, seen = [], [], set()
            for page in self.internal:
                if page.depth >= depth or not page.ok:
                    continue
                for link in page.links:
                    key = normalise_url(link.url)
                    if key in seen or link.url not in self.scope:
                        continue
                    seen.add(key)
                    why = self.why_unseen(link.url)
                    if not why or self._is_asset(link.url) or key in self.traps or self.is_broken(link.url):
                        continue
                    if "robots" in why:
                        blocked.append((link.url, why))
                    else:
                        missing.append((link.url, why, link.text, link.position))
            self._unfetched[depth] = (missing, blocked)
        return list(self._unfetched[depth][0])

    def robots_blocked_within(self, depth: int) -> list[tuple[str, str]]:
        """In-scope links within depth that robots.txt kept zwgk from fetching."""
        self._unseen(depth)
        return list(self._unfetched[depth][1])

    def is_broken(self, url: str) -> bool:
        """The server answered that url does not exist (404, 410): seen, and broken."""
        snap = self.get(url)
        return snap is not None and snap.status in (404, 410) and not snap.external

    def could_hold(self, depth: int, names, hub_names=()) -> list[tuple[str, str]]:
        """The unseen pages within depth that could hold what a check looked for and did not
        find — the pages that keep its absence from being a fact. A page could hold it when the
        link to it names it (names), names a hub that lists such things (hub_names: 政务公开,
        专题专栏 …), says nothing (更多, an image), or sits in the site's navigation. An article
        headline or an unrelated body link (联系我们) that could not be fetched does not."""
        out = []
        for url, why, text, position in self._unseen(depth):
            if url_kind(url) != "page":
                continue
            label = norm(text)
            if (position in ("nav", "header") or len(label) <= 2 or matches_any(text, names)
                    or matches_any(text, hub_names)):
                out.append((url, why))
        return out

    def thin_crawl(self, home_only: bool = False) -> str:
        """Why this crawl saw too little for an absence to be a fact (Chinese), or "": the start
        page is an article rather than a home page (by its address or its ArticleTitle), the start
        URL redirected out of the unit's site, or its content is in frames or made by scripts;
        and, for what should be somewhere on the site (not home_only), the home page links to
        nothing zwgk could follow (no link, or every link outside the unit's scope), none of its
        own links was fetched, or most of them answered 404 or were forbidden by robots.txt."""
        if self._thin is None:
            self._thin = (self._home_reason(), self._site_reason())
        home, site = self._thin
        return home or ("" if home_only else site)

    def _home_reason(self) -> str:
        home = self.home
        if home is None or not home.ok:
            return self.why_unseen(self.start_url) or "首页无法访问"
        if home.redirects and home.final_url not in self.scope:
            # a login, another unit's portal: what answered is not this unit's home page
            return f"起始网址重定向到本单位网站以外的 {home.final_url}，看到的不是本单位首页"
        if url_kind(home.final_url) in ("article", "attachment") or self._titled_article(home):
            return f"起始页 {home.final_url} 是一篇文章，不是网站首页"
        doc = self.doc(home)
        if doc is not None and doc.xpath("//frameset|//frame") and len(home.links) < 5:
            return "首页由框架（frameset）组成，内容在框架页中"
        return ""

    @staticmethod
    def _titled_article(page) -> bool:
        """The page declares itself one document (ArticleTitle metadata naming something other
        than the site or its home page), whatever its address: site-copies and CMSs with plain
        addresses (/2188837/index.html, /tzgg/562718.htm) still say so."""
        title = norm(page.meta.get("ArticleTitle", ""))
        if not title or title.endswith(("首页", "主页")):
            return False
        site = norm(page.meta.get("SiteName", ""))
        # a home page that fills ArticleTitle with the site's name (江门市人民政府门户网站, …网站)
        return not (site and (title == site or (title.startswith(site) and len(title) - len(site) <= 4)
                              or (site.startswith(title) and len(site) - len(title) <= 4)))

    def _site_reason(self) -> str:
        home = self.home
        links = {}
        for link in home.links:
            if link.url in self.scope and not self._is_asset(link.url):
                key = normalise_url(link.url)
                if key != normalise_url(home.final_url) and key not in self.traps:
                    links.setdefault(key, link.url)
        if not links:
            doc = self.doc(home)
            framed = doc is not None and bool(doc.xpath("//frame|//iframe"))
            if framed or self.looks_script_built(home):
                return "首页没有可跟随的本站链接（内容在框架中或由脚本生成）"
            # every link leads out of the unit's scope (absolute addresses on another host name,
            # a start page deep in the tree): only this one page of the site was seen
            if not home.links:
                return "起始页没有任何链接，只看到了这一页"
            return f"起始页的 {len(home.links)} 个链接都不在本单位抓取范围内，只看到了这一页"
        ok = broken = robots = 0
        for url in links.values():
            why = self.why_unseen(url)
            if not why:
                ok += 1
            elif self.is_broken(url):
                broken += 1
            elif "robots" in why:
                robots += 1
        if ok == 0 and broken + robots == len(links):
            return f"首页的 {len(links)} 个本站链接都打不开（{broken} 个不存在，{robots} 个被 robots.txt 禁止）"
        if ok == 0:
            # nothing beyond the start page was seen, whatever stopped it (timeouts, refused
            # connections, the budget): the rest of the site is unknown, not absent
            other = len(links) - broken - robots
            return (f"首页的 {len(links)} 个本站链接一个也没有抓取到（{broken} 个不存在，{robots} 个被 robots.txt 禁止，"
                    f"{other} 个未能抓取），只看到了首页")
        if (broken + robots) >= max(2, 0.5 * len(links)) and ok < 0.5 * len(links):
            return (f"首页的 {len(links)} 个本站链接中 {broken + robots} 个打不开（{broken} 个不存在，"
                    f"{robots} 个被 robots.txt 禁止），网站大部分页面看不到")
        return ""

    @staticmethod
    def _is_asset(url: str) -> bool:
        return is_skippable(url)

    def coverage_note(self) -> str:
        n = len(self.internal)
        note = f"共抓取本站页面 {n} 个"
        if self.budget_exhausted:
            note += f"；页数预算用完，另有 {len(self.budget_refused)} 个链接未抓取"
        return note

    def looks_script_built(self, page: PageSnapshot) -> bool:
        """A page whose visible content is mostly made by JavaScript (a Vue/React shell, a
        footer written by document.write): its absence of something proves nothing."""
        text = self.text(page)
        thin = len(page.links) < 5 or len(text) < 100
        if not thin:
            return False
        doc = self.doc(page)
        empty_app = doc is not None and bool(doc.xpath(
            "//*[@id='app' or @id='root' or @id='__nuxt' or @id='__next'][not(*)]"))
        return bool(page.scripts) or empty_app or "<script" in page.html.lower()
