"""Hosts that push back: block and challenge pages, 429 and Retry-After.

Portals sit behind web application firewalls and anti-bot services. When those turn a crawler
away they often answer 200 with a block page, a captcha, a JavaScript cookie challenge or an
empty body, or 429 Too Many Requests with a Retry-After. Judged as the site, such a page makes
false fails ("no column links on the home page"). HostBackoffMiddleware, a downloader middleware
between decompression (590) and MetaRefresh (580, which would follow a challenge's self-refresh)
and before RetryMiddleware (550, which would ask again at once), looks at every answer to a page
request of the spider:

- a block, captcha, challenge or empty page (zwgk.page.blockpage, with a TemplateProfile of the
  host learnt from its good pages, so a sudden change of template mid-crawl is noticed) is
  marked `zwgk_block_reason` for the spider, which records it as a failed fetch with that reason
  (the checks then say unknown). The host is paused (BLOCK_BACKOFF_START
  seconds, doubling up to BLOCK_BACKOFF_MAX) and the page asked for once more after the pause
  while the host's blocks in a row are few (rate limits lift). After BLOCK_MAX_CONSECUTIVE
  blocks in a row the host is stopped: every further request of it ends as a failed fetch
  with the reason, and nothing more reaches the firewall.
- a 429 (or a 503 with Retry-After) pauses the host for what Retry-After asks (seconds or an
  HTTP date; RETRY_AFTER_DEFAULT doubling when it says nothing) and asks for the page again
  after the pause, never at once (429 is not among Scrapy's RETRY_HTTP_CODES here). When the
  wait (plus RETRY_AFTER_MARGIN to crawl in afterwards) is longer than the unit has left of its
  time budget (CLOSESPIDER_TIMEOUT, set from UNIT_TIME_BUDGET or the unit's time_budget), the
  host is stopped with that reason instead.

The pause and the stop hold in the downloader (crawler/downloader.py): requests already queued
for the host wait too, or fail with the reason, instead of slipping out during the pause.
The unit's host stop reaches the Site as the crawl's early end (stats `zwgk/host_stopped`).
"""
from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from zwgk.crawler.decoding import decode_html
from zwgk.crawler.spiders.portal import looks_binary
from zwgk.page.blockpage import REASON_BUSY, REASON_EMPTY, TemplateProfile, analyse

logger = logging.getLogger(__name__)

BLOCK_REASON = "zwgk_block_reason"      # request.meta: why the answer is not the page
DECODED = "zwgk_decoded"                # request.meta: the decoded body, for the spider to reuse
_JUDGED_TYPES = ("text/html", "application/xhtml", "text/plain")


class HostStopped(IgnoreRequest):
    """A request not sent because its host was stopped (blocked, or asked us to wait too long)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def retry_after_seconds(value, now: float | None = None, date=None) -> float | None:
    """Seconds a Retry-After header asks to wait: delta-seconds or an HTTP date (measured from
    the response's Date header when there is one, the server's clock being what the date is
    written in). None when absent or unreadable; never negative."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    base = now if now is not None else time.time()
    if date:
        try:
            base = parsedate_to_datetime(date.decode("latin-1") if isinstance(date, bytes) else date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return max(0.0, when - base)


def _all_headers(response) -> dict[str, str]:
    """Every header, repeated ones (Set-Cookie) joined: vendors show in their cookies."""
    return {k.decode("latin-1").lower(): "; ".join(v.decode("latin-1", "replace") for v in values)
            for k, values in response.headers.items()}


def _seconds(s: float) -> str:
    return f"{s:.0f}" if s >= 10 else f"{s:.1f}".rstrip("0").rstrip(".")


class HostBackoffMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        s = crawler.settings
        self.backoff_start = s.getfloat("BLOCK_BACKOFF_START", 5.0)
        self.backoff_max = s.getfloat("BLOCK_BACKOFF_MAX", 60.0)
        self.max_consecutive = s.getint("BLOCK_MAX_CONSECUTIVE", 5)
        self.retry_after_default = s.getfloat("RETRY_AFTER_DEFAULT", 60.0)
        self.retry_after_times = s.getint("RETRY_AFTER_TIMES", 1)
        self.retry_after_max = s.getfloat("RETRY_AFTER_MAX", 900.0)   # without a time budget
        self.retry_after_margin = s.getfloat("RETRY_AFTER_MARGIN", 60.0)
        self.time_budget = s.getfloat("CLOSESPIDER_TIMEOUT", 0)
        self.started = time.monotonic()
        self.profiles: dict[str, TemplateProfile] = {}
        self.blocks_in_a_row: dict[str, int] = {}
        self.busy_in_a_row: dict[str, int] = {}      # 429s in a row, for the default wait
        crawler.signals.connect(self._opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _opened(self, spider=None):
        self.started = time.monotonic()

    # -- the downloader's hold on a host -------------------------------------------------------
    @property
    def _downloader(self):
        engine = getattr(self.crawler, "engine", None)
        return getattr(engine, "downloader", None)

    def _key(self, request) -> str:
        d = self._downloader
        return d.get_slot_key(request) if d is not None else (urlsplit(request.url).hostname or "")

    def _pause(self, key: str, seconds: float):
        d = self._downloader
        if hasattr(d, "pause_host"):
            d.pause_host(key, seconds)

    def _stop(self, key: str, reason: str):
        d = self._downloader
        if hasattr(d, "stop_host"):
            d.stop_host(key, reason)
        if self.crawler.stats.get_value("zwgk/host_stopped") is None:
            self.crawler.stats.set_value("zwgk/host_stopped", reason)
        logger.warning("%s: %s", key, reason)

    def _stopped(self, key: str) -> str:
        return getattr(self._downloader, "stopped_hosts", {}).get(key, "")

    def time_left(self) -> float:
        """Seconds the unit has left of its time budget (RETRY_AFTER_MAX without a budget)."""
        if self.time_budget <= 0:
            return self.retry_after_max
        return self.time_budget - (time.monotonic() - self.started)

    # -- requests and answers -----------------------------------------------------------------
    def process_request(self, request, spider=None):
        if request.meta.get("external"):
            return None
        reason = self._stopped(self._key(request))
        if reason:
            raise HostStopped(reason)
        return None

    def process_response(self, request, response, spider=None):
        meta = request.meta
        if meta.get("external") or "zdepth" not in meta or request.method != "GET":
            return response       # robots.txt, outside-link checks: not the unit's pages
        if response.status == 429 or (response.status == 503 and response.headers.get(b"Retry-After")):
            return self._busy(request, response)
        key = self._key(request)
        self.busy_in_a_row[key] = 0
        text = self._page_text(request, response)
        if text is None:
            return response
        profile = self.profiles.setdefault(key, TemplateProfile())
        verdict = analyse(response.status, _all_headers(response), text, response.url, site_profile=profile)
        if not verdict.reason:
            self.blocks_in_a_row[key] = 0
            if 200 <= response.status < 300:
                profile.learn(text, response.url, response.status, verdict=verdict)
            return response
        return self._blocked(request, response, key, verdict)

    def _page_text(self, request, response) -> str | None:
        """The decoded page of an answer worth judging, or None (a file, a redirect, a 404). The
        cached copy a 304 brings back is judged again: a firewall may answer 304 too."""
        status = response.status
        if "snapshot" in response.flags:
            return None           # the stored article FreshArticleMiddleware stands in with
        if 300 <= status < 400 or status in (404, 410):
            return None
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        body = response.body
        if ctype and not any(t in ctype for t in _JUDGED_TYPES):
            return None
        if body and (looks_binary(body) or (not ctype and not body.lstrip()[:1] == b"<")):
            return None
        decoded = decode_html(body, ctype)
        request.meta[DECODED] = decoded
        return decoded.text

    def _blocked(self, request, response, key: str, verdict):
        meta = request.meta
        meta[BLOCK_REASON] = verdict.reason
        stats = self.crawler.stats
        stats.inc_value(f"zwgk/blocked/{verdict.kind}")
        n = self.blocks_in_a_row[key] = self.blocks_in_a_row.get(key, 0) + 1
        if n >= self.max_consecutive:
            self._stop(key, f"{verdict.reason}；连续 {n} 个页面被拦截，已停止抓取该主机")
            return response
        if verdict.reason == REASON_EMPTY and n == 1:
            return response                    # one empty page is a page, not yet a firewall
        # AutoThrottle would speed up on the quick, tiny answers of a firewall: pause instead.
        self._pause(key, min(self.backoff_max, self.backoff_start * 2 ** (n - 1)))
        if n <= 2 and not meta.get("zwgk_block_retried"):
            return self._again(request, zwgk_block_retried=True)
        return response

    def _busy(self, request, response):
        """429 (or 503 with Retry-After): pause the host as asked, or stop it past the budget."""
        key = self._key(request)
        meta = request.meta
        meta["dont_retry"] = True              # RetryMiddleware would ask again at once
        self.crawler.stats.inc_value(f"zwgk/busy/{response.status}")
        asked = retry_after_seconds(response.headers.get(b"Retry-After"), date=response.headers.get(b"Date"))
        n = self.busy_in_a_row[key] = self.busy_in_a_row.get(key, 0) + 1
        wait = asked if asked is not None else self.retry_after_default * 2 ** (n - 1)
        said = f"Retry-After {_seconds(wait)} 秒" if asked is not None else f"未给出 Retry-After，按 {_seconds(wait)} 秒计"
        what = f"{REASON_BUSY}（HTTP {response.status}，{said}）"
        left = self.time_left()
        if wait + self.retry_after_margin > left:    # a pause that leaves no time to crawl after it
            reason = f"{what}，超过本单位剩余抓取时间（{_seconds(max(0.0, left))} 秒），已停止抓取该主机"
            meta[BLOCK_REASON] = reason
            self._stop(key, reason)
            return response
        self._pause(key, wait)
        tries = meta.get("zwgk_busy_retries", 0)
        if tries < self.retry_after_times:
            return self._again(request, zwgk_busy_retries=tries + 1)
        meta[BLOCK_REASON] = f"{what}，暂停后再次请求仍被拒绝"
        return response

    @staticmethod
    def _again(request, **flags):
        """The same request once more: it waits in the downloader for the host's pause."""
        retry = request.replace(dont_filter=True)
        for key in (BLOCK_REASON, DECODED, "dont_retry"):
            retry.meta.pop(key, None)
        retry.meta.update(flags)
        retry.priority = request.priority + 1
        return retry

