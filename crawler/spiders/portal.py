"""The one generic portal spider: fetch only, never judge.

Configured per unit (start URL, scope, budget, the rulebook's keywords). Every URL it touches
becomes a PageSnapshot, yielded as an item; the item pipeline (zwgk/crawler/pipelines.py) hands it
to the crawl's `on_snapshot`. Links leaving the scope are checked for their status (HEAD, then
GET) within a budget and never followed.

A re-audit reuses the last audit's pages: `previous_pages(unit_name)` (given by the application,
which owns the database) returns the unit's stored snapshots (zwgk.storage.snapshot_cache) or None.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
import scrapy.exceptions as scrapy_exc
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from twisted.internet import error as tx


def _classes(*names):
    """Exception classes by name from Scrapy (2.13+ has its own) and Twisted, whichever exist."""
    return tuple(getattr(mod, n) for n in names for mod in (scrapy_exc, tx) if hasattr(mod, n))


DNS_ERRORS = _classes("CannotResolveHostError", "DNSLookupError")
REFUSED_ERRORS = _classes("DownloadConnectionRefusedError", "ConnectionRefusedError")
TIMEOUT_ERRORS = _classes("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError")
LOST_ERRORS = _classes("ResponseDataLossError", "ConnectionLost", "ConnectionDone")
CANCELLED_ERRORS = _classes("DownloadCancelledError")
FAILED_ERRORS = _classes("DownloadFailedError", "ConnectionAborted", "ConnectError")

# Bodies that are files whatever the Content-Type says (a PDF or DOC served as text/html).
_BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff",
                 b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BM", b"II*\x00", b"MM\x00*", b"RIFF", b"OggS")
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_binary(body: bytes) -> bool:
    """A file, not a page: a known file signature, or many NUL bytes near the start (a stray
    NUL in a badly generated page does not make it a file). Text with a BOM is text."""
    head = body[:1024]
    if head.startswith(_TEXT_BOMS):
        return False
    return head.startswith(_BINARY_MAGIC) or head.count(b"\x00") > len(head) // 10

from zwgk.crawler.attachments import default_pool, extract_text, extract_text_bounded, kind_of, limits_from_settings
from zwgk.crawler.decoding import decode_html
from zwgk.crawler.middlewares import BudgetSpent
from zwgk.crawler.netguard import InternalAddressRefused, refusal_for
from zwgk.page import gkmlpt
from zwgk.page.html import extract
from zwgk.page.netaddr import REFUSED_PREFIX
from zwgk.page.scope import (PLAN_SKIPPED, Scope, is_skippable, looks_like_trap, moved_start, normalise_url,
                              same_site, url_kind)
from zwgk.page.snapshot import PARSED_FIELDS, STORED_BLOB, Link, PageSnapshot

_PAGINATION = re.compile(r"^(下一页|下页|后页|尾页|末页|上一页|首页|\d{1,3}|>|>>|»|next)$", re.I)
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
_NO_TEXT_TYPES = ("image/", "video/", "audio/", "font/")


# Why a link was left for later, and — if the site proved too large to crawl whole — not fetched.
# Both start with PLAN_SKIPPED, which zwgk.checks.site.Site.why_unseen recognises.
SKIP_ARTICLE = f"{PLAN_SKIPPED}（普通列表的文章只抽查前几篇，全站超出页数预算）"
SKIP_PAGER = f"{PLAN_SKIPPED}（普通列表只看第一页，全站超出页数预算）"


@dataclass
class Deferred:
    """A link of an ordinary list, left until the rest of the site has been crawled."""
    link: Link
    depth: int
    referer: str
    why: str


@dataclass
class AttachmentParse:
    """Yielded by parse_page for an attachment: parse_response awaits its text from the worker
    pool and sends (text, error) back, so the reactor goes on while the file is parsed."""
    body: bytes
    content_type: str
    url: str


@dataclass
class Budget:
    max_pages: int
    spent: int = 0
    refused: list = field(default_factory=list)   # URLs not fetched because the budget was spent


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _headers(response) -> dict:
    out = {}
    for k, v in response.headers.items():
        try:
            out[k.decode("latin-1").lower()] = v[0].decode("latin-1") if v else ""
        except (AttributeError, IndexError):
            continue
    return out


def describe_failure(failure) -> str:
    """A short Chinese reason for a request that got no usable response."""
    exc = failure.value
    text = str(exc)
    if isinstance(exc, CANCELLED_ERRORS) or "maxsize" in text.lower() or "Cancelling download" in text:
        return "页面超过大小上限，未读取"
    if isinstance(exc, DNS_ERRORS):
        return "域名解析失败（DNS）"
    if isinstance(exc, REFUSED_ERRORS):
        return "连接被拒绝（服务器未监听该端口）"
    if isinstance(exc, TIMEOUT_ERRORS):
        return "请求超时"
    if isinstance(exc, LOST_ERRORS):
        return "连接中断或响应不完整"
    if isinstance(exc, FAILED_ERRORS):
        return "连接失败或被重置"
    if isinstance(exc, InternalAddressRefused):
        return text[:300]         # 链接指向内网地址：… (the URL may well contain "robots")
    if isinstance(exc, IgnoreRequest):
        if "robots" in text.lower():
            return "robots.txt 禁止抓取"
        if "max redirections" in text.lower():
            return "重定向次数过多（疑似重定向循环）"
        return text[:300] or "请求被忽略"
    return f"{exc.__class__.__name__}: {text}"[:300]


_MAX_JUMPS = 3          # script jumps followed in a row (a loop of them ends here)


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str, on_snapshot, scope: str | None = None,
                 max_pages: int = 2000, keywords=(), external_budget: int = 100,
                 unit_name: str = "", previous_pages=None, report_column: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        # A unit's report column elsewhere (the city's unified 年报 column, units YAML
        # `report_column:`) is crawled as part of the unit: a second start URL and prefix.
        self.report_column = report_column or ""
        self.scope = Scope(start_url, scope, also=(self.report_column,))
        self.scope_given = bool(scope)
        self.moved_to = ""      # where the start URL redirected within the same site (moved_start)
        self.on_snapshot = on_snapshot             # called by the item pipeline, never here
        self._previous_pages = previous_pages
        self.budget = Budget(max_pages=max_pages)
        self.keywords = tuple(k for k in keywords if k)
        self.external_budget = external_budget
        self.external_sent = 0
        self.external_skipped = 0
        self.external_per_host: dict[str, int] = {}
        self.max_external_per_host = 5
        self.intranet_links = 0                    # links into an intranet, recorded unrequested
        self.dead_hosts: dict[str, str] = {}      # host -> why it could not be reached
        self.host_state: dict[str, str] = {}       # host -> probing | alive | dead
        self.host_waiting: dict[str, list] = {}    # host -> links held until its first answer
        self.unit_name = unit_name
        self.seen: set[str] = set()
        self.query_variants: dict[str, int] = {}
        # (url, why) not followed on purpose: crawler traps, and links the crawl plan skipped
        # (they reach the Site as its `traps`, which no unseen-page reason counts)
        self.traps: list[tuple[str, str]] = []
        self.deferred: dict[str, Deferred] = {}    # normalised URL -> link waiting for the end
        self.list_pages = 0                        # pages with article links in their body …
        self.list_articles = 0                     # … and how many: the rows a list page holds

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._attachments_open, signal=signals.spider_opened)
        return spider

    # -- requests ---------------------------------------------------------------------------
    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        url = self.start_url
        self.seen.add(normalise_url(url))
        yield scrapy.Request(url, callback=self.parse_response, errback=self.on_error, priority=10000,
                             meta={"zdepth": 0, "referer": "", "link_text": "",
                                   "max_retry_times": 1},
                             dont_filter=True)
        if self.report_column and normalise_url(self.report_column) not in self.seen:
            self.seen.add(normalise_url(self.report_column))
            yield scrapy.Request(self.report_column, callback=self.parse_page, errback=self.on_error, priority=9000,
                                 meta={"zdepth": 1, "referer": "", "link_text": ""}, dont_filter=True)
        if self.settings.getbool("GKMLPT_PROBE", True):
            probe = gkmlpt.index_url_for(self.scope.prefix_url)
            if normalise_url(probe) not in self.seen:
                self.seen.add(normalise_url(probe))
                yield scrapy.Request(probe, callback=self.parse_response, errback=self.on_error, priority=5000,
                                     meta={"zdepth": 1, "referer": "", "link_text": "", "probe": True,
                                           "max_retry_times": 0})

    @property
    def document_keywords(self) -> tuple:
        """Names of the columns whose every page and article a rule reads (zwgk/checks/needs.py);
        without a plan, every keyword of the rulebook."""
        if not hasattr(self, "_document_keywords"):
            planned = self.settings.get("CRAWL_DOCUMENT_KEYWORDS")
            self._document_keywords = (self.keywords if planned is None
                                       else tuple(k for k in planned if k))
        return self._document_keywords

    def _names_rule_column(self, snapshot: PageSnapshot) -> bool:
        """A page that is itself a column a rule reads in full (reached by its name, or naming
        itself so): its later list pages and all its articles matter as much as its first page."""
        words = self.document_keywords
        if not words:
            return False
        if self.report_column and any(snapshot.final_url in s for s in self.scope.also):
            return True      # the unit's report column: a column the report rules read in full
        labels = (snapshot.link_text, snapshot.meta.get("ColumnName", ""), snapshot.title)
        return any(k in label for label in labels if label for k in words)

    def _why_later(self, link, kind: str, rule_column: bool, articles_before: int, per_list: int) -> str:
        """Why an in-scope link of this page can wait until the rest of the site is crawled
        ("" if it cannot): an article of an ordinary list past the first `per_list`, or a later
        page of an ordinary list. Dates come from the list rows, columns are linked from pages
        of other kinds, and a title a rule looks for is never deferred."""
        if not per_list or rule_column:
            return ""
        if kind == "article":
            if link.position != "body" or articles_before < per_list:
                return ""
            return "" if any(k in link.text for k in self.document_keywords) else SKIP_ARTICLE
        text = link.text.strip()
        if kind == "pager" or (link.position == "body" and text != "首页" and _PAGINATION.match(text)):
            return SKIP_PAGER
        return ""

    def _priority(self, link, depth: int, rule_column: bool = False) -> int:
        text = link.text
        score = 1000 - 50 * depth
        if self.keywords and any(k in text for k in self.keywords):
            score += 400
        if link.position in ("nav", "header"):
            score += 100
        # Structure before content: column and hub pages (where columns are linked from), then
        # later pages of lists, then articles — unless a rule keyword names the article.
        kind = url_kind(link.url)
        if _PAGINATION.match(text.strip()) or kind == "pager":
            score += 400 if rule_column else 60
        elif kind == "page":
            score += 100
        return score

    def _follow(self, snapshot: PageSnapshot):
        """Requests for the links of a page worth following. Articles the last audit fetched
        recently are taken from its stored snapshots right here, without a request or a trip
        through the scheduler, and their own links followed in turn."""
        queue = [snapshot]
        while queue:
            for item in self._follow_page(queue.pop()):
                yield item
                if isinstance(item, PageSnapshot) and item.ok and item.links and item.final_url in self.scope:
                    queue.append(item)

    def _follow_page(self, snapshot: PageSnapshot):
        depth = snapshot.depth + 1
        rule_column = self._names_rule_column(snapshot)
        max_depth = self.settings.getint("MAX_DEPTH", 8)
        max_variants = self.settings.getint("MAX_QUERY_VARIANTS", 30)
        per_list = self.settings.getint("ARTICLES_PER_LIST", 5)
        articles = 0     # article links in this page's body so far (fetched before or not)
        inside = []      # (priority, page order, link) of in-scope links worth a request
        for link in snapshot.links:
            url = link.url
            key = normalise_url(url)
            if url in self.scope:
                # Which articles are "the first few" depends on the page alone, not on what
                # other pages were crawled first: the same sample every night.
                kind = url_kind(url)
                later = self._why_later(link, kind, rule_column, articles, per_list)
                if link.position == "body" and kind == "article":
                    articles += 1
                if key in self.seen or is_skippable(url):
                    continue
                if key in self.deferred:
                    if later:
                        continue
                    del self.deferred[key]     # this page needs what another could leave for later
                else:
                    # Crawler traps (calendars, session ids, self-nesting paths) are skipped and
                    # counted, so a check that needed them can say why it could not see.
                    trap = looks_like_trap(url) or ("超过最大抓取深度" if depth > max_depth else "")
                    path_key = key.split("?", 1)[0]
                    if not trap and "?" in key:
                        self.query_variants[path_key] = self.query_variants.get(path_key, 0) + 1
                        if self.query_variants[path_key] > max_variants:
                            trap = "同一路径的查询参数组合过多（疑似日历或会话陷阱）"
                    if trap:
                        self.seen.add(key)
                        self.traps.append((url, trap))
                        continue
                    if later:
                        self.deferred[key] = Deferred(link, depth, snapshot.final_url, later)
                        continue
                self.seen.add(key)
                inside.append((self._priority(link, depth, rule_column), len(inside), link))
            elif key not in self.seen and not self.scope.same_host(url):
                self.seen.add(key)
                yield from self._check_external(url, snapshot.final_url, link.text, depth)
        if articles:
            self.list_pages += 1
            self.list_articles += articles
        # However the frontier is ordered, no more of this page's links can be fetched than the
        # budget has pages left: the rest are refused now, not queued (a page with 100,000 links
        # would otherwise fill the scheduler with requests that can only be turned away).
        inside.sort(key=lambda t: (-t[0], t[1]))
        left = max(0, self.budget.max_pages - self.budget.spent)
        if self.previous is not None and self.previous.well_within(self.budget.max_pages):
            self.previous.prefetch_fresh(link.url for _, _, link in inside[:left])
        for priority, _, link in inside[:left]:
            reused = self._reuse_fresh_article(link.url)
            yield self._page_request(link, depth, snapshot.final_url, priority) if reused is None else reused
        self.budget.refused.extend(link.url for _, _, link in inside[left:])

    def _reuse_fresh_article(self, url: str) -> PageSnapshot | None:
        """The stored snapshot of an article fetched less than ARTICLE_REVALIDATE_DAYS ago, to
        yield as this audit's page (None: it must be requested). Only while the last audit
        of the unit stayed well inside the page budget: a page taken here is counted when found,
        not in priority order, which would change what a budget that runs out leaves unseen —
        near the limit FreshArticleMiddleware does the same reuse in the scheduler's order."""
        previous = self.previous
        if previous is None or not previous.well_within(self.budget.max_pages):
            return None
        stored = previous.fresh_article(url)
        if stored is None:
            return None
        self.budget.spent += 1
        return self._stored_snapshot(stored)

    def _page_request(self, link, depth: int, referer: str, priority: int):
        return scrapy.Request(
            link.url, callback=self.parse_response, errback=self.on_error, priority=priority,
            meta={"zdepth": depth, "referer": referer, "link_text": link.text},
            # self.seen already keeps URLs unique; Scrapy's duplicate filter would only drop,
            # without a trace, a redirect to a page fetched before (old.html -> new.html).
            dont_filter=True)

    def _on_idle(self):
        """Everything but the deferred links is crawled. If the whole site looks like it fits
        the page budget, fetch them too (then a small site is crawled whole, as without a
        plan); otherwise skip them on purpose, recorded with why, instead of spending the
        budget on the articles of ordinary lists."""
        scheduled = False
        while self.deferred:
            waiting, self.deferred = list(self.deferred.values()), {}
            pagers = sum(1 for d in waiting if d.why == SKIP_PAGER)
            rows_per_list_page = self.list_articles / max(1, self.list_pages)
            # every later list page brings its own rows, which would wait in their turn
            estimate = self.budget.spent + len(waiting) + pagers * rows_per_list_page
            if estimate > self.budget.max_pages:
                self.traps.extend((d.link.url, d.why) for d in waiting)
                self.logger.info("%s: %d links of ordinary lists skipped (site of ~%d pages > budget %d)",
                                 self.unit_name, len(waiting), estimate, self.budget.max_pages)
                break
            for d in waiting:
                # A recently fetched article is reused by FreshArticleMiddleware on its way out
                # of the scheduler (an idle handler has no callback to yield a page from).
                self.seen.add(normalise_url(d.link.url))
                self.crawler.engine.crawl(self._page_request(d.link, d.depth, d.referer,
                                                             self._priority(d.link, d.depth)))
                scheduled = True
        if scheduled:
            raise DontCloseSpider

    def _check_external(self, url, referer, text, depth):
        """Check an outside link's status. One request per host goes first; the host's other
        links wait for its answer, so an unreachable host costs one lookup, not one per link.
        A link into an intranet (an internal address in any notation) gets no request at all:
        it is recorded with the reason, a finding in itself (checks/intranet_links.py)."""
        host = urlsplit(url).hostname or ""
        per_host = self.external_per_host.get(host, 0)
        why = refusal_for(self.crawler, url, self)
        if why:
            if per_host < self.max_external_per_host and self.intranet_links < self.external_budget:
                self.external_per_host[host] = per_host + 1
                self.intranet_links += 1
                yield PageSnapshot(url=url, final_url=url, status=None, referer=referer, link_text=text,
                                   depth=depth, external=True, fetched_at=_now(),
                                   error=f"{REFUSED_PREFIX}：{url}（{why}），未访问")
            else:
                self.external_skipped += 1
            return
        if self.external_sent >= self.external_budget or per_host >= self.max_external_per_host:
            self.external_skipped += 1
            return
        self.external_per_host[host] = per_host + 1
        self.external_sent += 1
        state = self.host_state.get(host)
        if state == "dead":
            yield self._unreachable_snapshot(url, referer, text, depth)
        elif state == "probing":
            self.host_waiting.setdefault(host, []).append((url, referer, text, depth))
        else:
            if state is None:
                self.host_state[host] = "probing"
            yield self._external_request(url, "HEAD", referer, text, depth)

    def _unreachable_snapshot(self, url, referer, text, depth):
        host = urlsplit(url).hostname or ""
        return PageSnapshot(url=url, final_url=url, status=None, referer=referer, link_text=text,
                            depth=depth, external=True, fetched_at=_now(),
                            error=f"主机无法连接（同主机链接已失败：{self.dead_hosts.get(host, '')}）")

    def _host_answered(self, url, alive: bool):
        """The probing request of a host ended: send or settle the links that waited for it."""
        host = urlsplit(url).hostname or ""
        if self.host_state.get(host) != "probing":
            return
        self.host_state[host] = "alive" if alive else "dead"
        for w_url, referer, text, depth in self.host_waiting.pop(host, []):
            if alive:
                yield self._external_request(w_url, "HEAD", referer, text, depth)
            else:
                yield self._unreachable_snapshot(w_url, referer, text, depth)

    def _external_request(self, url, method, referer, text, depth):
        return scrapy.Request(
            url, method=method, callback=self.parse_external, errback=self.on_external_error,
            priority=-1000, dont_filter=True,
            meta={"external": True, "dont_obey_robotstxt": True,
                  "download_timeout": 10, "max_retry_times": 0, "zdepth": depth,
                  "referer": referer, "link_text": text, "method": method})

    # -- responses --------------------------------------------------------------------------
    def _base_snapshot(self, response, **extra) -> dict:
        meta = response.meta
        return dict(
            url=meta.get("redirect_urls", [response.url])[0] if meta.get("redirect_urls") else response.url,
            final_url=response.url, status=response.status, headers=_headers(response),
            content_type=_headers(response).get("content-type", ""),
            referer=meta.get("referer", ""), link_text=meta.get("link_text", ""),
            depth=meta.get("zdepth", 0), fetched_at=_now(),
            elapsed_ms=int(1000 * (meta.get("download_latency") or 0)),
            redirects=tuple(meta.get("redirect_urls", ())), size=len(response.body),
            from_cache="cached" in response.flags, **extra)

    @property
    def previous(self):
        """The last audit's parsed pages of this unit (zwgk.storage.snapshot_cache), or None."""
        if not hasattr(self, "_previous"):
            self._previous = self._previous_pages(self.unit_name) if self._previous_pages else None
        return self._previous

    def closed(self, reason):
        group = getattr(self, "attachment_group", None)
        if group:
            default_pool().cancel(group)     # a close not from the timer: nothing left parsing
        if getattr(self, "_previous", None) is not None:
            self.logger.info("%s: %d pages reused as parsed by audit #%s", self.unit_name,
                             self._previous.reused, self._previous.run_id)
            self._previous.close()

    def _stored_snapshot(self, stored: dict) -> PageSnapshot:
        """An article the last audit fetched recently, reused without a request, exactly as
        stored: its fetched_at stays the time the server last sent or confirmed it (so it ages
        and is asked for again after ARTICLE_REVALIDATE_DAYS), and it keeps the page it was
        reached from then. Which page links to an article first depends on the order pages
        come back in, which a reused article changes; the verdicts must not. Being unchanged, it
        is stored again as the very bytes it was stored as (Store.add_page), not re-serialised."""
        snapshot = PageSnapshot.from_dict(stored)
        if stored.get(STORED_BLOB):
            object.__setattr__(snapshot, STORED_BLOB, stored[STORED_BLOB])
        return snapshot

    # -- attachments: parsed in the bounded worker pool, within the unit's time budget ---------
    def _attachments_open(self, spider):
        """The unit's parses end shortly before its time budget (CLOSESPIDER_TIMEOUT, counted
        from now as CloseSpider does): Scrapy's close waits for running callbacks, so a parse
        still pending would otherwise hold the unit past its budget."""
        budget = self.settings.getfloat("CLOSESPIDER_TIMEOUT")
        self.attachment_deadline = (time.monotonic() + budget - min(1.0, 0.05 * budget)) if budget else None
        self.attachment_group = f"{self.unit_name}#{id(self)}"      # one crawl of one unit
        self.attachment_limits = limits_from_settings(self.settings)

    async def parse_response(self, response):
        """The callback of every page request: parse_page, with the attachments it asks for
        parsed in the worker pool (AttachmentParse) while other responses go on."""
        pages = self.parse_page(response)
        answer = None
        while True:
            try:
                item = pages.send(answer)
            except StopIteration:
                return
            answer = None
            if isinstance(item, AttachmentParse):
                answer = await extract_text_bounded(
                    item.body, item.content_type, item.url, getattr(self, "attachment_limits", None),
                    group=getattr(self, "attachment_group", ""),
                    deadline=getattr(self, "attachment_deadline", None))
            else:
                yield item

    def _attachment_text(self, body: bytes, ctype: str, url: str):
        """(text, error) of an attachment (a sub-generator of parse_page). Under the crawl
        parse_response answers the AttachmentParse; parse_page called directly (tests) gets None
        back and parses here, blocking, still in the bounded pool."""
        answer = yield AttachmentParse(body, ctype, url)
        return answer if answer is not None else extract_text(body, ctype, url,
                                                                getattr(self, "attachment_limits", None))

    def parse_page(self, response):
        stored = response.meta.get("zwgk_stored")
        if response.meta.get("zdepth") == 0:
            self._follow_the_move(stored.final_url if stored is not None else response.url)
        if stored is not None:
            snapshot = self._stored_snapshot(stored)
            yield snapshot
            if snapshot.ok and snapshot.links and snapshot.final_url in self.scope:
                yield from self._follow(snapshot)
            return
        data = self._base_snapshot(response)
        ctype = data["content_type"].lower()
        body = response.body
        in_scope = response.url in self.scope
        looks_html = (any(t in ctype for t in _HTML_TYPES) or
                      (not ctype and body.lstrip()[:200].lower().startswith((b"<!doctype", b"<html", b"<"))))
        # A 304: the body is the cached copy the last audit parsed — take that parse from the
        # database instead of decoding and parsing the same bytes again.
        same = (self.previous.same_body(response.url, response)
                if "cached" in response.flags and self.previous is not None else None)
        jump = ""
        if same is not None:
            data.update({k: same[k] for k in PARSED_FIELDS if k in same})
            data["links"] = tuple(Link(**l) for l in data.get("links") or ())
            data["scripts"] = tuple(data.get("scripts") or ())
            if data.get("crumbs") is not None:
                data["crumbs"] = tuple(data["crumbs"])
        elif gkmlpt.is_api_url(response.url) and ("json" in ctype or body.lstrip()[:1] in (b"{", b"[")):
            data.update(self._gkmlpt_list(response, body, ctype))
        elif looks_html and not any(t in ctype for t in _NO_TEXT_TYPES) and not looks_binary(body):
            # decoded already where HostBackoffMiddleware judged the page (crawler/backoff.py)
            decoded = response.meta.pop("zwgk_decoded", None) or decode_html(body, data["content_type"])
            data.update(html=decoded.text, encoding=decoded.encoding, declared_encoding=decoded.declared)
            parsed = extract(decoded.text, response.url,
                             max_links=self.settings.getint("MAX_LINKS_PER_PAGE", 5000))
            links = parsed["links"]
            if gkmlpt.is_index_url(response.url) and "_CONFIG" in decoded.text:
                links = links + self._gkmlpt_columns(decoded.text, response.url)
            data.update(title=parsed["title"], meta=parsed["meta"], links=links,
                        scripts=parsed["scripts"], crumbs=parsed["crumbs"])
            jump = parsed["jump"]
        elif in_scope and 200 <= response.status < 300 and kind_of(body, ctype, response.url):
            data["doc_text"], data["doc_error"] = yield from self._attachment_text(body, ctype, response.url)
        data["probe"] = bool(response.meta.get("probe"))
        if (data["depth"] == 0 and 200 <= response.status < 300 and not data.get("html", "").strip()
                and not data.get("body_text")):
            # The start page answered but is no page: nothing on it can be judged, so the checks
            # must not read "no column links" into it (they say unknown, with this reason).
            kind = kind_of(body, ctype, response.url)
            data["error"] = ("起始页内容为空" if not body.strip() else
                             f"起始页不是网页，而是 {kind.upper()} 文件" if kind else
                             f"起始页不是网页（Content-Type: {ctype or '未声明'}）")
        self._mark_blocked(data, response)
        snapshot = PageSnapshot(**data)
        hops = response.meta.get("zwgk_jumps", 0)
        if (jump and snapshot.ok and hops < _MAX_JUMPS
                and (snapshot.depth == 0 or (in_scope and same_site(response.url, jump)))):
            # a page that only sends its reader elsewhere (a script jump, one frame): its target
            # stands for it, as after an HTTP redirect (a splash "/" is no home page to judge);
            # deeper in, only within the site (a column framing another system stays itself)
            yield self._jump(response, jump, hops)
            return
        yield snapshot
        # Off-scope redirect targets are recorded but not explored.
        if in_scope and snapshot.ok and snapshot.links:
            yield from self._follow(snapshot)

    def _jump(self, response, target: str, hops: int) -> scrapy.Request:
        meta = response.meta
        self.seen.add(normalise_url(target))
        return scrapy.Request(
            target, callback=self.parse_response, errback=self.on_error, priority=response.request.priority,
            dont_filter=True,
            meta={"zdepth": meta.get("zdepth", 0), "referer": meta.get("referer", ""),
                  "link_text": meta.get("link_text", ""), "probe": meta.get("probe", False),
                  "redirect_urls": [*meta.get("redirect_urls", ()), response.url], "zwgk_jumps": hops + 1})

    def _follow_the_move(self, final_url: str) -> None:
        """The start URL redirected to the same site under another name or path: the unit's
        pages are where the public lands, so the scope moves there (a unit YAML `scope:` is
        kept as written)."""
        if self.scope_given or self.moved_to:
            return
        moved = moved_start(self.start_url, final_url, self.scope)
        if moved:
            self.scope = Scope(moved, None, also=(self.report_column,))
            self.moved_to = self.scope.prefix_url
            self.logger.info("起始网址 %s 重定向到 %s，抓取范围改为 %s", self.start_url, moved, self.moved_to)

    @staticmethod
    def _mark_blocked(data: dict, response) -> None:
        """A block, captcha, challenge or empty page, or a 429 given up on (crawler/backoff.py),
        is a failed fetch with its reason: not the site's page, so nothing on it is judged and
        none of its links is followed. Its title and body stay as evidence."""
        reason = response.meta.get("zwgk_block_reason")
        if reason and not data.get("error"):
            data["error"] = reason
            data["links"] = ()

    # -- gkmlpt: the platform's column tree and JSON lists become ordinary links ------------
    def _gkmlpt_columns(self, html: str, index_url: str) -> tuple:
        sid, categories = gkmlpt.parse_config(html)
        if not sid:
            return ()
        return tuple(Link(url=gkmlpt.api_url(index_url, c.id, sid), text=c.name, position="nav")
                     for c in categories)

    def _gkmlpt_list(self, response, body: bytes, ctype: str) -> dict:
        text = decode_html(body, ctype).text
        rows, total, name = gkmlpt.parse_list(text, response.url)
        links = [Link(url=r.url, text=r.title, position="body") for r in rows]
        page = gkmlpt.page_of(response.url)
        max_pages = self.settings.getint("GKMLPT_MAX_PAGES", 5)
        if rows and total and page * len(rows) < total and page < max_pages:
            links.append(Link(url=gkmlpt.next_page_url(response.url, page + 1), text="下一页", position="body"))
        return {"body_text": text, "links": tuple(links), "title": name or response.meta.get("link_text", "")}

    def parse_external(self, response):
        method = response.meta.get("method", "HEAD")
        if method == "HEAD" and response.status in (400, 403, 404, 405, 406, 429, 500, 501, 502, 503):
            # Many servers answer HEAD wrongly; only a GET tells.
            req = self._external_request(response.meta.get("redirect_urls", [response.url])[0], "GET",
                                         response.meta.get("referer", ""),
                                         response.meta.get("link_text", ""), response.meta.get("zdepth", 1))
            req.meta["download_maxsize"] = 1024 * 1024
            yield req
            return
        yield PageSnapshot(**self._base_snapshot(response, external=True))
        yield from self._host_answered(response.meta.get("redirect_urls", [response.url])[0], alive=True)

    def _error_snapshot(self, failure, external: bool) -> PageSnapshot:
        request = failure.request
        meta = request.meta
        response = getattr(failure.value, "response", None)
        passed = tuple(meta.get("redirect_urls", ()))
        return PageSnapshot(
            url=passed[0] if passed else request.url, final_url=request.url, redirects=passed,
            status=response.status if response is not None else None,
            referer=meta.get("referer", ""), link_text=meta.get("link_text", ""),
            depth=meta.get("zdepth", 0), external=external, fetched_at=_now(),
            error=describe_failure(failure), probe=bool(meta.get("probe")))

    def on_error(self, failure):
        if failure.check(BudgetSpent):
            return None           # counted in self.budget.refused; the Site reports it as unseen
        return [self._error_snapshot(failure, external=False)]

    def on_external_error(self, failure):
        # the link's own host (a redirect may have failed on another): its waiting links go on
        first = (failure.request.meta.get("redirect_urls") or [failure.request.url])[0]
        if failure.check(*DNS_ERRORS, *REFUSED_ERRORS, *TIMEOUT_ERRORS):
            host = urlsplit(failure.request.url).hostname
            if host:
                self.dead_hosts.setdefault(host, describe_failure(failure))
        alive = urlsplit(first).hostname not in self.dead_hosts
        return [self._error_snapshot(failure, external=True), *self._host_answered(first, alive=alive)]
