"""Site: one unit's snapshots joined into something checks can ask questions of.

Built once per audit; parses each page at most once (lxml documents are cached); checks never
fetch and never re-parse raw HTML themselves. Everything a check needs to say `unknown` honestly
(what was not fetched, and why) is answered here too.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from crawler.pageparse import parse_document, fold
from crawler.scope import Scope, normalise_url
from crawler.snapshot import PageSnapshot, Link
from checks.text import matches_any, norm

NAV_POSITIONS = ("nav", "header")


@dataclass(frozen=True)
class LinkHit:
    """A link found on a page: where it sits, and the snapshot of its target if fetched."""
    page: PageSnapshot
    link: Link
    target: PageSnapshot | None
    matched: str


class Site:
    def __init__(self, start_url: str, snapshots, scope: str | None = None,
                 budget_refused=(), external_skipped: int = 0, unit: dict | None = None,
                 traps=(), crawl_incomplete: str = ""):
        self.start_url = start_url
        self.scope = Scope(start_url, scope)
        self.unit = unit or {}
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
        self._docs: dict[str, object] = {}
        self._texts: dict[str, str] = {}
        self._unfetched: dict[int, tuple[list, list]] = {}
        self.linked_from: dict[str, list] = defaultdict(list)   # target -> [(page, link)]
        for s in self.snapshots:
            for link in s.links:
                self.linked_from[normalise_url(link.url)].append((s, link))

    # -- pages ------------------------------------------------------------------------------
    def get(self, url: str) -> PageSnapshot | None:
        return self._by_url.get(normalise_url(url))

    @property
    def home(self) -> PageSnapshot | None:
        return self.get(self.start_url)

    @property
    def pages(self) -> list[PageSnapshot]:
        """In-scope HTML pages fetched successfully."""
        return [s for s in self.snapshots if not s.external and s.ok and s.html
                and s.final_url in self.scope]

    @property
    def internal(self) -> list[PageSnapshot]:
        """Every in-scope fetch, except a platform probe that found nothing (nobody linked it)."""
        return [s for s in self.snapshots if not s.external and not (s.probe and not s.ok)]

    def gkmlpt_rows(self):
        """Articles listed by the gkmlpt platform's API (crawler.gkmlpt.Row), with their
        `is_expired`/`is_abolished` flags: the site's own word on a document's validity."""
        from crawler import gkmlpt
        rows = []
        for snap in self.snapshots:
            if snap.body_text and snap.ok and gkmlpt.is_api_url(snap.final_url):
                rows.extend(gkmlpt.parse_list(snap.body_text, snap.final_url)[0])
        return rows

    @property
    def external(self) -> list[PageSnapshot]:
        return [s for s in self.snapshots if s.external]

    def doc(self, page: PageSnapshot):
        """The lxml document of a page, parsed once."""
        key = page.final_url
        if key not in self._docs:
            self._docs[key] = parse_document(page.html)
        return self._docs[key]

    def text(self, page: PageSnapshot) -> str:
        """Visible text of a page (scripts and styles left out), folded; cached."""
        key = page.final_url
        if key not in self._texts:
            doc = self.doc(page)
            parts = [] if doc is None else doc.xpath(
                "//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
            self._texts[key] = fold(" ".join(parts))
        return self._texts[key]

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
        if normalise_url(url) in self.traps:
            return f"疑似爬虫陷阱，未抓取（{self.traps[normalise_url(url)]}）"
        if url not in self.scope:
            return "不在本单位抓取范围内"
        if self.crawl_incomplete:
            return f"抓取提前结束（{self.crawl_incomplete}），未抓取"
        return "未抓取（未在已抓取页面中发现该链接）"

    # -- navigation and columns ------------------------------------------------------------
    def links_on(self, page: PageSnapshot, positions=None):
        for link in page.links:
            if positions is None or link.position in positions:
                yield link

    def find_links(self, names, pages=None, positions=None, max_depth: int | None = None):
        """Links whose anchor text contains one of names, on the given pages (default: all)."""
        pages = self.pages if pages is None else pages
        hits = []
        for page in pages:
            if max_depth is not None and page.depth > max_depth:
                continue
            for link in self.links_on(page, positions):
                m = matches_any(link.text, names)
                if m:
                    hits.append(LinkHit(page, link, self.get(link.url), m))
        return hits

    def pages_with_column(self, names):
        """Pages whose ColumnName metadata or title names the column."""
        out = []
        for page in self.pages:
            col = page.meta.get("ColumnName", "")
            if col and matches_any(col, names):
                out.append(page)
        return out

    def unfetched_within(self, depth: int, columns_only: bool = False) -> list[tuple[str, str]]:
        """In-scope links found on pages shallower than depth that have no usable copy, with why.

        When this is empty, everything within `depth` clicks of the start page was seen, so the
        absence of a column there is a fact, not a gap in the crawl. Pages robots.txt forbids are
        left out (the site owner keeps them from every crawler; `robots_blocked_within` counts
        them) and so are crawler traps. Cached per depth: many checks ask.

        columns_only: only pages that can hold a column link count (home, columns, hubs), not
        articles, attachments or later pages of a list — a column is not linked from inside an
        article list, so a budget spent before the articles does not hide a missing column.
        """
        if columns_only:
            from crawler.scope import url_kind
            return [(u, why) for u, why in self.unfetched_within(depth) if url_kind(u) == "page"]
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
                    if not why or self._is_asset(link.url) or key in self.traps:
                        continue
                    (blocked if "robots" in why else missing).append((link.url, why))
            self._unfetched[depth] = (missing, blocked)
        return list(self._unfetched[depth][0])

    def robots_blocked_within(self, depth: int) -> list[tuple[str, str]]:
        """In-scope links within depth that robots.txt kept zwgk from fetching."""
        self.unfetched_within(depth)
        return list(self._unfetched[depth][1])

    @staticmethod
    def _is_asset(url: str) -> bool:
        from crawler.scope import is_skippable
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
