"""Crawl units with the portal spider: all units in one Twisted reactor, one crawler per unit."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.portal import PortalSpider


@dataclass
class CrawlOutcome:
    unit: dict
    snapshots: list = field(default_factory=list)
    budget_refused: list = field(default_factory=list)
    external_skipped: int = 0
    traps: list = field(default_factory=list)
    error: str = ""


def scrapy_settings(overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def crawl_units(units: list[dict], keywords, max_pages: int, on_snapshot=None,
                settings: dict | None = None) -> dict[str, CrawlOutcome]:
    """Crawl every unit; returns name -> CrawlOutcome. Blocks until all crawls end.

    on_snapshot(unit_name, snapshot) is called for every snapshot as it arrives (storage).
    """
    process = CrawlerProcess(scrapy_settings(settings))
    # Failed fetches are recorded in snapshots and reported as findings; Scrapy's own
    # "Gave up retrying" lines would only bury the summary on stderr. (After CrawlerProcess,
    # which configures logging.)
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    logging.getLogger("scrapy.core.scraper").setLevel(logging.CRITICAL)
    outcomes: dict[str, CrawlOutcome] = {}
    spiders = {}
    for unit in units:
        outcome = CrawlOutcome(unit=unit)
        outcomes[unit["name"]] = outcome

        def sink(snap, _name=unit["name"], _out=outcome):
            _out.snapshots.append(snap)
            if on_snapshot:
                on_snapshot(_name, snap)

        crawler = process.create_crawler(PortalSpider)
        spiders[unit["name"]] = crawler
        process.crawl(crawler, start_url=unit["url"], scope=unit.get("scope"), on_snapshot=sink,
                      max_pages=unit.get("max_pages", max_pages), keywords=keywords,
                      unit_name=unit["name"])
    process.start()
    for name, crawler in spiders.items():
        spider = crawler.spider
        if spider is not None:
            outcomes[name].budget_refused = list(spider.budget.refused)
            outcomes[name].external_skipped = spider.external_skipped
            outcomes[name].traps = list(spider.traps)
    return outcomes
