"""The one generic portal spider: fetch only, never judge.

Configured per unit (start URL, scope, budget, the rulebook's keywords). Every URL it touches
becomes a PageSnapshot handed to `on_snapshot`; links leaving the scope are checked for their
status (HEAD, then GET) within a budget and never followed.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from datetime import datetime, timezone

import scrapy
from scrapy.exceptions import IgnoreRequest
import scrapy.exceptions as scrapy_exc
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

from crawler.attachments import extract_text, kind_of
from crawler.decoding import decode_html
from crawler.middlewares import BudgetSpent
from crawler.pageparse import extract, fold
from crawler.scope import Scope, normalise_url, is_skippable, is_document, looks_like_trap, url_kind
from crawler import gkmlpt
from crawler.snapshot import Link, PageSnapshot

_PAGINATION = re.compile(r"^(下一页|下页|后页|尾页|末页|上一页|首页|\d{1,3}|>|>>|»|next)$", re.I)
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
_NO_TEXT_TYPES = ("image/", "video/", "audio/", "font/")


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
    if isinstance(exc, IgnoreRequest):
        if "robots" in text.lower():
            return "robots.txt 禁止抓取"
        if "max redirections" in text.lower():
            return "重定向次数过多（疑似重定向循环）"
        return text[:300] or "请求被忽略"
    return f"{exc.__class__.__name__}: {text}"[:300]


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str, on_snapshot, scope: str | None = None,
                 max_pages: int = 2000, keywords=(), external_budget: int = 100,
                 unit_name: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.scope = Scope(start_url, scope)
        self.on_snapshot = on_snapshot
        self.budget = Budget(max_pages=max_pages)
        self.keywords = tuple(k for k in keywords if k)
        self.external_budget = external_budget
        self.external_sent = 0
        self.external_skipped = 0
        self.external_per_host: dict[str, int] = {}
        self.max_external_per_host = 5
        self.dead_hosts: dict[str, str] = {}      # host -> why it could not be reached
        self.host_state: dict[str, str] = {}       # host -> probing | alive | dead
        self.host_waiting: dict[str, list] = {}    # host -> links held until its first answer
        self.unit_name = unit_name
        self.seen: set[str] = set()
        self.query_variants: dict[str, int] = {}
        self.traps: list[tuple[str, str]] = []     # (url, why) skipped as crawler traps
        self.stats_pages = 0
        self.stats_failed = 0

    # -- requests ---------------------------------------------------------------------------
    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        url = self.start_url
        self.seen.add(normalise_url(url))
        yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, priority=10000,
                             meta={"zdepth": 0, "referer": "", "link_text": "",
                                   "max_retry_times": 1},
                             dont_filter=True)
        if self.settings.getbool("GKMLPT_PROBE", True):
            probe = gkmlpt.index_url_for(self.scope.prefix_url)
            if normalise_url(probe) not in self.seen:
                self.seen.add(normalise_url(probe))
                yield scrapy.Request(probe, callback=self.parse_page, errback=self.on_error, priority=5000,
                                     meta={"zdepth": 1, "referer": "", "link_text": "", "probe": True,
                                           "max_retry_times": 0})

    def _names_rule_column(self, snapshot: PageSnapshot) -> bool:
        """A page that is itself a column the rulebook asks about (reached by its name, or
        naming itself so): its later list pages matter as much as its first."""
        if not self.keywords:
            return False
        labels = (snapshot.link_text, snapshot.meta.get("ColumnName", ""), snapshot.title)
        return any(k in label for label in labels if label for k in self.keywords)

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
        depth = snapshot.depth + 1
        rule_column = self._names_rule_column(snapshot)
        max_depth = self.settings.getint("MAX_DEPTH", 8)
        max_variants = self.settings.getint("MAX_QUERY_VARIANTS", 30)
        inside = []      # (priority, page order, link) of in-scope links worth a request
        for link in snapshot.links:
            url = link.url
            key = normalise_url(url)
            if key in self.seen:
                continue
            if url in self.scope:
                if is_skippable(url):
                    continue
                self.seen.add(key)
                # Crawler traps (calendars, session ids, self-nesting paths) are skipped and
                # counted, so a check that needed them can say why it could not see.
                trap = looks_like_trap(url) or ("超过最大抓取深度" if depth > max_depth else "")
                path_key = key.split("?", 1)[0]
                if not trap and "?" in key:
                    self.query_variants[path_key] = self.query_variants.get(path_key, 0) + 1
                    if self.query_variants[path_key] > max_variants:
                        trap = "同一路径的查询参数组合过多（疑似日历或会话陷阱）"
                if trap:
                    self.traps.append((url, trap))
                    continue
                inside.append((self._priority(link, depth, rule_column), len(inside), link))
            elif not self.scope.same_host(url):
                self.seen.add(key)
                yield from self._check_external(url, snapshot.final_url, link.text, depth)
        # However the frontier is ordered, no more of this page's links can be fetched than the
        # budget has pages left: the rest are refused now, not queued (a page with 100,000 links
        # would otherwise fill the scheduler with requests that can only be turned away).
        inside.sort(key=lambda t: (-t[0], t[1]))
        left = max(0, self.budget.max_pages - self.budget.spent)
        for priority, _, link in inside[:left]:
            yield scrapy.Request(
                link.url, callback=self.parse_page, errback=self.on_error, priority=priority,
                meta={"zdepth": depth, "referer": snapshot.final_url, "link_text": link.text},
                # self.seen already keeps URLs unique; Scrapy's duplicate filter would only drop,
                # without a trace, a redirect to a page fetched before (old.html -> new.html).
                dont_filter=True)
        self.budget.refused.extend(link.url for _, _, link in inside[left:])

    def _check_external(self, url, referer, text, depth):
        """Check an outside link's status. One request per host goes first; the host's other
        links wait for its answer, so an unreachable host costs one lookup, not one per link."""
        host = urlsplit(url).hostname or ""
        per_host = self.external_per_host.get(host, 0)
        if self.external_sent >= self.external_budget or per_host >= self.max_external_per_host:
            self.external_skipped += 1
            return
        self.external_per_host[host] = per_host + 1
        self.external_sent += 1
        state = self.host_state.get(host)
        if state == "dead":
            self.on_snapshot(self._unreachable_snapshot(url, referer, text, depth))
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
                self.on_snapshot(self._unreachable_snapshot(w_url, referer, text, depth))

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

    def parse_page(self, response):
        data = self._base_snapshot(response)
        ctype = data["content_type"].lower()
        body = response.body
        in_scope = response.url in self.scope
        looks_html = (any(t in ctype for t in _HTML_TYPES) or
                      (not ctype and body.lstrip()[:200].lower().startswith((b"<!doctype", b"<html", b"<"))))
        if gkmlpt.is_api_url(response.url) and ("json" in ctype or body.lstrip()[:1] in (b"{", b"[")):
            data.update(self._gkmlpt_list(response, body, ctype))
        elif looks_html and not any(t in ctype for t in _NO_TEXT_TYPES) and not looks_binary(body):
            decoded = decode_html(body, data["content_type"])
            data.update(html=decoded.text, encoding=decoded.encoding, declared_encoding=decoded.declared)
            parsed = extract(decoded.text, response.url,
                             max_links=self.settings.getint("MAX_LINKS_PER_PAGE", 5000))
            links = parsed["links"]
            if gkmlpt.is_index_url(response.url) and "_CONFIG" in decoded.text:
                links = links + self._gkmlpt_columns(decoded.text, response.url)
            data.update(title=parsed["title"], meta=parsed["meta"], links=links,
                        scripts=parsed["scripts"])
        elif in_scope and 200 <= response.status < 300 and kind_of(body, ctype, response.url):
            data["doc_text"], data["doc_error"] = extract_text(body, ctype, response.url)
        data["probe"] = bool(response.meta.get("probe"))
        if (data["depth"] == 0 and 200 <= response.status < 300 and not data.get("html", "").strip()
                and not data.get("body_text")):
            # The start page answered but is no page: nothing on it can be judged, so the checks
            # must not read "no column links" into it (they say unknown, with this reason).
            kind = kind_of(body, ctype, response.url)
            data["error"] = ("起始页内容为空" if not body.strip() else
                             f"起始页不是网页，而是 {kind.upper()} 文件" if kind else
                             f"起始页不是网页（Content-Type: {ctype or '未声明'}）")
        snapshot = PageSnapshot(**data)
        self.stats_pages += 1
        if not snapshot.ok:
            self.stats_failed += 1
        self.on_snapshot(snapshot)
        # Off-scope redirect targets are recorded but not explored.
        if in_scope and snapshot.ok and snapshot.links:
            yield from self._follow(snapshot)

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
        data = self._base_snapshot(response, external=True)
        self.on_snapshot(PageSnapshot(**data))
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
            error=describe_failure(failure))

    def on_error(self, failure):
        if failure.check(BudgetSpent):
            return None           # counted in self.budget.refused; the Site reports it as unseen
        snapshot = self._error_snapshot(failure, external=False)
        self.stats_pages += 1
        self.stats_failed += 1
        self.on_snapshot(snapshot)
        return None

    def on_external_error(self, failure):
        if failure.check(*DNS_ERRORS, *REFUSED_ERRORS, *TIMEOUT_ERRORS):
            host = urlsplit(failure.request.url).hostname
            if host:
                self.dead_hosts.setdefault(host, describe_failure(failure))
        self.on_snapshot(self._error_snapshot(failure, external=True))
        alive = urlsplit(failure.request.url).hostname not in self.dead_hosts
        return list(self._host_answered(failure.request.url, alive=alive))
