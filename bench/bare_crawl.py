"""A bare Scrapy crawl of a site with zwgk's own settings and nothing else: no decoding rules,
no snapshots, no storage, no checks. The baseline the audit is compared against.

    python bench/bare_crawl.py URL
prints the number of pages fetched.
"""
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

from zwgk.crawler.runner import scrapy_settings


class BareSpider(scrapy.Spider):
    name = "bare"
    pages = 0

    def __init__(self, start_url, **kw):
        super().__init__(**kw)
        self.start_urls = [start_url]
        self.host = start_url.split("/")[2]

    def parse(self, response):
        BareSpider.pages += 1
        if not hasattr(response, "text"):
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if url.startswith("http") and url.split("/")[2] == self.host:
                yield scrapy.Request(url, self.parse)


if __name__ == "__main__":
    settings = scrapy_settings({"DOWNLOADER_MIDDLEWARES": {}})
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, start_url=sys.argv[1])
    process.start()
    print(BareSpider.pages)
