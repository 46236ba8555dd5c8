"""The portal spider in process, on saved HTML (tests/spiderkit.py): what it records of a page and
which links it follows. What only a real crawl shows is in test_spider.py."""
import json

from tests.sitekit import FIXTURES
from tests.spiderkit import file_response, make_spider, parse

BASE = "http://127.0.0.1:9/"
HTML = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def page(title, *links):
    return HTML.format(title=title, body="".join(f'<a href="{h}">{t}</a> ' for t, h in links))


def test_department_prefix_never_requests_the_parent_portal():
    start = BASE + "bmpd/fgj/index.html"
    spider = make_spider(start)
    html = page("发改局", ("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("市政府", "/"),
                ("通知公告", "/bmpd/fgj/tzgg/index.html"))
    [snap], requests = parse(spider, file_response(html, start))
    assert snap.title == "发改局" and snap.ok
    assert [r.url for r in requests] == [BASE + "bmpd/fgj/tzgg/index.html"]


def test_gbk_page_declared_gb2312_is_decoded_as_gb18030():
    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<title>新会区人民政府 王堃 朱镕基</title></head><body>堃</body></html>').encode("gbk")
    [snap], _ = parse(make_spider(BASE), file_response(body, BASE, headers={"Content-Type": "text/html"}))
    assert snap.title == "新会区人民政府 王堃 朱镕基"
    assert snap.encoding == "gb18030" and snap.declared_encoding == "gb2312"


def test_real_document_page_records_metadata_links_and_their_positions():
    # pingtan.gov.cn 行政规范性文件 page (tests/fixtures/corpus/PROVENANCE.md)
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/201610/t20161026_79826.htm"
    spider = make_spider("https://www.pingtan.gov.cn/")
    [snap], requests = parse(spider, file_response(FIXTURES / "corpus" / "shared" / "pingtan" / "gfxwj_doc_79826_youxiao.html", url, depth=2))
    assert snap.meta["PubDate"] == "2016-10-26 17:06" and snap.meta["ColumnName"]
    positions = {link.position for link in snap.links}
    assert {"nav", "footer", "body"} <= positions, positions
    assert requests and all(r.url.startswith(("https://www.pingtan.gov.cn/", "http")) for r in requests)


def test_crawler_traps_are_skipped_with_their_reason():
    cal = "".join(f'<a href="/cal?d={d}">{d}</a>' for d in range(100))
    nested = BASE + "a/a/a/"
    spider = make_spider(BASE)
    _, home = parse(spider, file_response(HTML.format(title="首页", body=cal + '<a href="/news.html">新闻</a>'), BASE))
    _, deeper = parse(spider, file_response(HTML.format(title="循环", body='<a href="a/">更深</a>'), nested, depth=3))
    # what was requested, and what the crawl plan left for later (numbered links read as a pager)
    urls = [r.url for r in home + deeper] + list(spider.deferred)
    assert sum("/cal?" in u for u in urls) == 30 and BASE + "news.html" in urls
    assert not any("/a/a/a/a/" in u for u in urls)
    reasons = {why for _, why in spider.traps}
    assert any("查询参数" in r for r in reasons) and any("重复" in r for r in reasons)


def test_gkmlpt_column_tree_and_api_lists_become_links():
    # the first API page of each category is the list itself (?page=1), never left for later;
    # the 规范性文件 list is one a rule reads in full, so its next page is followed at once
    config = ("<html><head><title>政府信息公开</title></head><body><div id='app'></div><script>"
              "window._CONFIG = {SID: '750001', TREE: [{id: 2, name: '法定主动公开内容', children: ["
              "{id: 21, name: '规范性文件', children: []}, {id: 22, name: '政府信息公开年报'}]}]};"
              "</script></body></html>")
    spider = make_spider(BASE, {"CRAWL_DOCUMENT_KEYWORDS": ["规范性文件"]})
    [index], requests = parse(spider, file_response(config, BASE + "gkmlpt/index", depth=1))
    api = BASE + "gkmlpt/api/all/21?page=1&sid=750001"
    assert {link.text for link in index.links} >= {"规范性文件", "政府信息公开年报"}
    assert api in [r.url for r in requests]
    data = {"classify": {"name": "规范性文件", "post_count": 3},
            "articles": [{"title": t, "url": BASE + u, "date": 1661400000, "document_number": "江府规〔2022〕1号",
                          "is_expired": 0, "is_abolished": 0} for t, u in
                         (("关于A的通知", "gkmlpt/content/1/1/post_1.html"), ("关于B的通知", "gkmlpt/content/1/1/post_2.html"))]}
    [listing], requests = parse(spider, file_response(json.dumps(data, ensure_ascii=False), api, depth=2,
                                                      link_text="规范性文件",
                                                      headers={"Content-Type": "application/json"}))
    assert listing.title == "规范性文件" and listing.body_text
    urls = [r.url for r in requests]
    assert BASE + "gkmlpt/api/all/21?page=2&sid=750001" in urls        # the next page of the list
    assert BASE + "gkmlpt/content/1/1/post_1.html" in urls


def test_a_start_page_that_is_a_file_is_no_page():
    [snap], requests = parse(make_spider(BASE), file_response(b"%PDF-1.4\n%%EOF", BASE,
                                                              headers={"Content-Type": "application/pdf"}))
    assert not snap.ok and "PDF" in snap.error and not requests


def test_outside_links_are_checked_with_head_within_a_cap_per_host():
    links = [(f"外链{i}", f"http://other.example/p{i}") for i in range(8)]
    spider = make_spider(BASE)
    _, requests = parse(spider, file_response(page("首页", *links), BASE))
    heads = [r for r in requests if r.method == "HEAD"]
    assert len(heads) == 1                     # the host's first link goes first; the rest wait
    assert heads[0].meta["external"] and heads[0].meta["dont_obey_robotstxt"]
    assert spider.external_skipped == 3        # 5 per host at most
