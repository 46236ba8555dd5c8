"""The item pipeline: where the pages the spider yields leave Scrapy."""
from __future__ import annotations

from zwgk.page.snapshot import PageSnapshot


class SnapshotPipeline:
    """Hands every PageSnapshot the portal spider yields to the crawl's sink (its `on_snapshot`:
    storage, the unit's outcome, progress), in the order the spider yielded them."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, PageSnapshot):
            self.crawler.spider.on_snapshot(item)
        return item
