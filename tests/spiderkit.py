"""The portal spider in process on saved HTML, as city-scrapers test theirs: `file_response` makes
the Response a page would have come back as, and the spider's callback runs on it directly — no
reactor, no server, no subprocess. For what only a real crawl shows (robots.txt, the budget in
the scheduler's order, redirects, the HTTP cache, politeness) tests use tests/webkit.py."""
from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from zwgk.crawler.runner import scrapy_settings
from zwgk.crawler.spiders.portal import PortalSpider
from zwgk.page.snapshot import PageSnapshot

# the shared corpus as the repo keeps it (exact copies, tests/fixtures/corpus/PROVENANCE.md), so a
# clone anywhere tests the same pages
CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus" / "shared"


def make_spider(start_url: str, settings: dict | None = None, **kwargs) -> PortalSpider:
    """A PortalSpider bound to a crawler with zwgk's settings (plus `settings`); kwargs go to the
    spider (scope, max_pages, keywords …). Its snapshots are collected in spider.snapshots."""
    crawler = Crawler(PortalSpider, scrapy_settings(settings))   # never started: no reactor needed
    snapshots: list[PageSnapshot] = []
    spider = PortalSpider.from_crawler(crawler, start_url=start_url, on_snapshot=snapshots.append, **kwargs)
    spider.snapshots = snapshots
    return spider


def file_response(source, url: str, status: int = 200, headers: dict | None = None,
                  depth: int = 0, **meta) -> Response:
    """The response `url` would have given: body from a file (a Path), bytes, or str (UTF-8)."""
    if isinstance(source, Path):
        body = source.read_bytes()
    elif isinstance(source, str):
        body = source.encode("utf-8")
    else:
        body = source
    request = Request(url, meta={"zdepth": depth, "referer": "", "link_text": "", **meta})
    headers = {"Content-Type": "text/html; charset=utf-8"} if headers is None else headers
    return Response(url=url, status=status, headers=headers, body=body, request=request)


def parse(spider: PortalSpider, response: Response) -> tuple[list[PageSnapshot], list[Request]]:
    """What the spider's page callback yields for response: (snapshots, requests)."""
    out = list(spider.parse_page(response))
    return ([o for o in out if isinstance(o, PageSnapshot)], [o for o in out if isinstance(o, Request)])
