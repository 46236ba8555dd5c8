"""HTTP cache between audits: every cached page is revalidated with a conditional request.

Scrapy's RFC2616 policy may serve a cached page without asking the server (heuristic freshness
from Last-Modified) and serves the old copy when the server now answers 5xx. Both would hide
a change from an audit: a column fixed last night, a site that went down. This policy always
asks (If-None-Match / If-Modified-Since) and reuses the cached copy only on 304 Not Modified, so
a re-audit of an unchanged site transfers little while its verdicts stay exactly the same.

Scrapy's cache middleware also answers with the cached copy when the request fails (timeout,
connection refused): a portal that went down would pass the re-audit on last night's pages.
NoStaleCacheMiddleware lets the failure through, to the retries and then to the audit.
(storage/snapshot_cache.py goes further for articles: see there.)
"""
import logging
import time
from pathlib import Path

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import DbmCacheStorage, RFC2616Policy

logger = logging.getLogger(__name__)


class RevalidateAlwaysPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


class NoStaleCacheMiddleware(HttpCacheMiddleware):
    def process_exception(self, request, exception, spider=None):
        request.meta.pop("cached_response", None)
        return None


class UnitDbmCacheStorage(DbmCacheStorage):
    """The cache kept as one DBM file per unit.

    Scrapy's FilesystemCacheStorage writes seven files per response: about 18% of an audit's time
    on the benchmark portal, and 70 million small files for 20,000 sites of 500 pages. Scrapy's
    DbmCacheStorage keeps one file per spider name, and every unit's spider is "portal": units
    crawled at once in one process would open the same file. So the file is named after the
    unit's scope. A unit is crawled by one process at a time (units on one host go in turn, and in
    a distributed audit a host belongs to one worker at a time). A file that cannot be opened
    (damaged by a kill, or locked by a stray process) is set aside and a fresh one started: the
    cache only saves work, so losing it costs one full fetch.
    """

    def open_spider(self, spider):
        import hashlib
        scope = getattr(getattr(spider, "scope", None), "prefix_url", "") or spider.name
        path = Path(self.cachedir) / f"unit-{hashlib.sha1(scope.encode('utf-8')).hexdigest()[:16]}.db"
        try:
            self.db = self.dbmodule.open(str(path), "c")
        except Exception as exc:  # noqa: BLE001 — dbm modules raise their own error types
            # (dbm.dumb, the module a Python without gdbm falls back to, keeps .dat/.dir/.bak files)
            stamp = int(time.time())
            logger.warning("HTTP cache %s unusable (%s); set aside", path, exc)
            try:
                for part in path.parent.glob(path.name + "*"):
                    part.rename(part.with_name(f"{part.name}.unusable-{stamp}"))
                self.db = self.dbmodule.open(str(path), "c")
            except Exception:  # noqa: BLE001 — still unusable: this crawl keeps its cache in memory
                self.db = {}
        self._fingerprinter = spider.crawler.request_fingerprinter

    def close_spider(self, spider):
        if hasattr(self.db, "close"):
            self.db.close()
