"""Crawl units with the portal spider: all units in one Twisted reactor, one crawler per unit.

Scheduling (the nightly audit crawls ~60 units, most department channels on the city portal):
- units on the same host are crawled one after another, so the per-host concurrency cap holds
  for the host as a whole, not per unit: ten channels never hit one portal ten times harder;
- at most MAX_PARALLEL_HOSTS hosts are crawled at once (the global cap);
- each unit has a time budget (UNIT_TIME_BUDGET seconds, CLOSESPIDER_TIMEOUT); a unit that
  fails or hangs ends as an outcome with its reason and never stops the others;
- attachments are parsed in one pool of worker processes (crawler/attachments.py) for the whole
  crawl; with several hosts, one unit's parses hold at most one worker at a time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.log import configure_logging
from scrapy.utils.reactor import install_reactor

from zwgk.crawler.attachments import default_pool, limits_from_settings, shutdown_default_pool
from zwgk.crawler.spiders.portal import PortalSpider

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass
class CrawlOutcome:
    unit: dict
    snapshots: list = field(default_factory=list)
    budget_refused: list = field(default_factory=list)
    external_skipped: int = 0
    traps: list = field(default_factory=list)
    close_reason: str = ""       # Scrapy's: finished, closespider_timeout, shutdown …
    error: str = ""              # why the crawl itself failed (Chinese), "" if it ran
    host_stopped: str = ""       # why the unit's host was stopped mid-crawl (crawler/backoff.py)
    moved_to: str = ""           # the scope the start URL's redirect moved the crawl to, or ""


def scrapy_settings(overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("zwgk.crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def _quiet_logs():
    # Failed fetches are recorded in snapshots and reported as findings; Scrapy's own
    # "Gave up retrying" lines would only bury the summary on stderr.
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    logging.getLogger("scrapy.core.scraper").setLevel(logging.CRITICAL)


def host_key(url: str) -> str:
    """The server a unit lives on: host name, plus the port when it is not a default one (two
    ports are two servers; http and https on their default ports are one site)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def host_groups(units: list[dict]) -> list[list[dict]]:
    """Units grouped by host, in registry order."""
    groups: dict[str, list] = {}
    for unit in units:
        groups.setdefault(host_key(unit["url"]), []).append(unit)
    return list(groups.values())


def crawl_units(units: list[dict], keywords, max_pages: int, on_snapshot=None,
                settings: dict | None = None, progress=None,
                previous_pages=None) -> dict[str, CrawlOutcome]:
    """Crawl every unit; returns name -> CrawlOutcome. Blocks until all crawls end.

    on_snapshot(unit_name, snapshot) is called for every snapshot as it arrives (storage);
    progress (optional) gets unit_started(unit) / unit_finished(unit, outcome) / page(unit, snap);
    previous_pages(unit_name) (optional) gives the last audit's stored pages of a unit, for a
    re-audit to reuse (zwgk.storage.snapshot_cache), or None.
    """
    install_reactor(REACTOR)
    from twisted.internet import defer, reactor

    base = scrapy_settings(settings)
    configure_logging(base)
    _quiet_logs()
    runner = CrawlerRunner(base)
    outcomes = {u["name"]: CrawlOutcome(unit=u) for u in units}

    def sink(unit, snap):
        outcomes[unit["name"]].snapshots.append(snap)
        if on_snapshot:
            on_snapshot(unit["name"], snap)
        if progress:
            progress.page(unit, snap)

    @defer.inlineCallbacks
    def crawl_one(unit):
        outcome = outcomes[unit["name"]]
        unit_settings = base.copy()
        unit_settings.set("CLOSESPIDER_TIMEOUT", unit.get("time_budget", base.getint("UNIT_TIME_BUDGET")),
                          priority="cmdline")
        # A distributed audit gives each unit its own scrapy-redis queue keys (zwgk/cluster.py).
        for key, value in (unit.get("scrapy_settings") or {}).items():
            unit_settings.set(key, value, priority="cmdline")
        crawler = Crawler(PortalSpider, unit_settings)

        def closed(spider, reason):
            outcome.close_reason = reason
        crawler.signals.connect(closed, signal=signals.spider_closed)
        if progress:
            progress.unit_started(unit)
        try:
            yield runner.crawl(crawler, start_url=unit["url"], scope=unit.get("scope"),
                               on_snapshot=lambda snap, _u=unit: sink(_u, snap),
                               max_pages=unit.get("max_pages", max_pages), keywords=keywords,
                               unit_name=unit["name"], previous_pages=previous_pages,
                               report_column=unit.get("report_column"))
        except Exception as exc:  # noqa: BLE001 — one unit's failure must not stop the audit
            outcome.error = f"抓取失败：{exc.__class__.__name__}: {exc}"[:300]
            logging.getLogger("zwgk").exception("crawl of %s failed", unit["name"])
        spider = crawler.spider
        if spider is not None:
            outcome.budget_refused = list(spider.budget.refused)
            outcome.external_skipped = spider.external_skipped
            outcome.traps = list(getattr(spider, "traps", []))
            outcome.moved_to = getattr(spider, "moved_to", "")
        if crawler.stats is not None:
            outcome.host_stopped = crawler.stats.get_value("zwgk/host_stopped") or ""
        if progress:
            progress.unit_finished(unit, outcome)

    @defer.inlineCallbacks
    def crawl_group(group):
        for unit in group:
            yield crawl_one(unit)

    groups = host_groups(units)
    # Made here, in the crawl process (a cluster child makes its own); workers start on the
    # first attachment and go when the reactor stops (also on Ctrl-C).
    default_pool(workers=base.getint("ATTACHMENT_WORKERS", 2), limits=limits_from_settings(base),
                 max_per_group=1 if len(groups) > 1 else 0, strikes=base.getint("ATTACHMENT_STRIKES", 2),
                 strike_cpu_s=base.getfloat("ATTACHMENT_STRIKE_CPU_SECONDS", 5))
    reactor.addSystemEventTrigger("before", "shutdown", shutdown_default_pool)
    limit = defer.DeferredSemaphore(max(1, base.getint("MAX_PARALLEL_HOSTS", 8)))
    done = defer.DeferredList([limit.run(crawl_group, g) for g in groups], consumeErrors=True)
    done.addBoth(lambda _: reactor.callLater(0, reactor.stop))
    reactor.run(installSignalHandlers=True)
    return outcomes
