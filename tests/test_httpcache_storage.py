"""The HTTP cache between audits is one DBM file per unit (crawler/httpcache.py)."""
from pathlib import Path
from types import SimpleNamespace

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from zwgk.crawler.httpcache import UnitDbmCacheStorage
from zwgk.crawler.runner import scrapy_settings


def _spider(scope: str):
    crawler = get_crawler(settings_dict={"REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7"})
    return SimpleNamespace(name="portal", scope=SimpleNamespace(prefix_url=scope), crawler=crawler)


def _storage(tmp_path):
    return UnitDbmCacheStorage(scrapy_settings({"HTTPCACHE_DIR": str(tmp_path)}))


def test_each_unit_has_its_own_file_and_a_page_comes_back(tmp_path):
    stores = []
    for scope in ("http://a.example/", "http://a.example/bmpd/fgj/"):
        spider = _spider(scope)
        storage = _storage(tmp_path)
        storage.open_spider(spider)
        request = Request(scope + "index.html")
        storage.store_response(spider, request, HtmlResponse(request.url, body="<p>栏目</p>".encode(),
                                                             encoding="utf-8"))
        stores.append((storage, spider, request))
    # both open at once (two units crawled in parallel in one process): two files
    assert len(list(Path(tmp_path).glob("unit-*.db*"))) >= 2
    for storage, spider, request in stores:
        storage.close_spider(spider)
    storage = _storage(tmp_path)
    spider = _spider("http://a.example/")
    storage.open_spider(spider)
    cached = storage.retrieve_response(spider, Request("http://a.example/index.html"))
    assert cached is not None and "栏目" in cached.text
    storage.close_spider(spider)


def test_a_damaged_file_is_set_aside_and_a_fresh_one_started(tmp_path):
    storage = _storage(tmp_path)
    spider = _spider("http://b.example/")
    storage.open_spider(spider)
    storage.close_spider(spider)
    files = list(Path(tmp_path).glob("unit-*.db*"))          # .db (gdbm) or .db.dat/.dir (dbm.dumb)
    assert files
    for path in files:
        path.write_bytes(b"\x00garbage, not a dbm file\n" * 100)
    storage = _storage(tmp_path)
    storage.open_spider(spider)
    assert storage.retrieve_response(spider, Request("http://b.example/x.html")) is None
    storage.close_spider(spider)
    assert list(Path(tmp_path).glob("unit-*.unusable-*"))
    # the fresh file works
    request = Request("http://b.example/y.html")
    storage = _storage(tmp_path)
    storage.open_spider(spider)
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<p>ok</p>"))
    assert storage.retrieve_response(spider, request) is not None
    storage.close_spider(spider)
