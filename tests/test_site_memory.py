"""What keeps a large audit small and fast must not change what the checks see: compressed
snapshot HTML, shared Link objects, bounded document caches, the link-text index behind
find_links and the compact backlinks behind linked_from."""
from __future__ import annotations

import pickle
from urllib.parse import urldefrag, urljoin

from tests.sitekit import site, snapshot
from zwgk.checks.site import LRUCache, Site
from zwgk.page.html import extract, join_base
from zwgk.page.snapshot import Link, PageSnapshot
from zwgk.page.text import matches_any

NAV = '<div class="nav"><a href="/zwgk/">政务公开</a><a href="/yshj/">优化营商环境</a></div>'


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{NAV}<div class='main'>{body}</div>" \
           f"<div class='footer'><a href='/about.html'>关于我们</a></div></body></html>"


def test_snapshot_html_is_stored_compressed_and_reads_back_the_same():
    html = page("<p>正文内容</p>" * 300) + "\ud800"        # a lone surrogate from a bad page
    snap = snapshot("http://a.gov.cn/", html)
    assert snap.html == html
    assert snap.is_html
    stored = snap.__dict__["_html_packed"]
    assert isinstance(stored, bytes) and len(stored) < len(html) // 4
    assert PageSnapshot.from_dict(snap.to_dict()) == snap
    assert pickle.loads(pickle.dumps(snap)).html == html
    empty = PageSnapshot(url="http://a.gov.cn/x.pdf", final_url="http://a.gov.cn/x.pdf", status=200)
    assert empty.html == "" and not empty.is_html


def test_to_dict_copies_what_it_returns():
    snap = snapshot("http://a.gov.cn/", page("x"))
    d = snap.to_dict()
    d["meta"]["SiteName"] = "changed"
    d["links"][0]["text"] = "changed"
    assert "SiteName" not in snap.meta and snap.links[0].text != "changed"
    assert list(d) == list(PageSnapshot.__dataclass_fields__)


def test_equal_links_of_different_pages_are_one_object():
    a = extract(page('<a href="/x/1.html">一</a>'), "http://a.gov.cn/x/")["links"]
    b = extract(page('<a href="/x/2.html">二</a>'), "http://a.gov.cn/y/index.html")["links"]
    nav_a = [l for l in a if l.position == "nav"]
    nav_b = [l for l in b if l.position == "nav"]
    assert nav_a == nav_b and all(x is y for x, y in zip(nav_a, nav_b))
    assert a[-2] != b[-2]                                # the list entries differ
    stored = PageSnapshot.from_dict(snapshot("http://a.gov.cn/x/", page("")).to_dict())
    assert stored.links[0] is nav_a[0]
    assert Link("http://a.gov.cn/zwgk/", "政务公开", "nav") == nav_a[0]


def test_join_base_keeps_urljoin_results():
    bases = ["http://a.gov.cn/zwgk/tzgg/index.html?page=2", "https://a.gov.cn:8443/x/y/", "http://a.gov.cn",
             "http://a.gov.cn?q=/x"]
    hrefs = ["/a/b.html", "/a/../c.html", "/a/./d.html?x=1#f", "//other.cn/p", "/", "/?q=1", "x.html",
             "../up.html", "?page=3", "http://b.cn/z", "http:rel.html", "/a;p=1/b"]
    for base in bases:
        for href in hrefs:
            assert urljoin(join_base(base, href), href) == urljoin(base, href), (base, href)
            assert urldefrag(urljoin(join_base(base, href), href))[0] == urldefrag(urljoin(base, href))[0]


def test_lru_cache_keeps_the_newest_within_its_size():
    cache = LRUCache(10)
    for i in range(5):
        cache.put(i, f"v{i}", 3)
    assert len(cache) == 3 and cache.size == 9           # 2, 3, 4 kept
    assert cache.get(0) is None and cache.get(2) == "v2"
    cache.put(5, "v5", 3)                                 # 3 is now the oldest: dropped
    assert 3 not in cache and 2 in cache
    cache.put(6, "big", 50)                               # larger than the bound: kept alone
    assert len(cache) == 1 and cache.get(6) == "big"


def test_documents_are_parsed_again_after_eviction_with_the_same_answers(monkeypatch):
    monkeypatch.setattr(Site, "DOC_CACHE_CHARS", 1)      # keep one document at a time
    pages = {f"http://a.gov.cn/p{i}.html": page(f"<p>第{i}页 暂无信息</p>") for i in range(5)}
    s = site(pages)
    first = [s.text(p) for p in s.pages]
    assert len(s._docs) == 1
    again = [s.text(p) for p in s.pages]
    assert first == again and "第3页" in first[3]
    doc = s.doc(s.pages[0])
    assert doc.xpath("//title")[0].text_content() == "t"   # lxml.html elements still
    assert len(s._docs) == 1


def _naive_find(site_, names, pages=None, positions=None, max_depth=None):
    pages = site_.pages if pages is None else pages
    out = []
    for p in pages:
        if max_depth is not None and p.depth > max_depth:
            continue
        for link in p.links:
            if positions is None or link.position in positions:
                m = matches_any(link.text, names)
                if m:
                    out.append((p.final_url, link, m))
    return out


def test_find_links_answers_as_a_scan_of_every_page_would():
    pages = {
        "http://a.gov.cn/": (page('<a href="/yshj/">营商环境专栏</a><a href="/n/1.html">关于优化营商环境的通知</a>'), 200, 0),
        "http://a.gov.cn/zwgk/": (page('<a href="/n/2.html">政务公开目录</a>'), 200, 1),
        "http://a.gov.cn/yshj/": (page('<a href="/n/3.html">营商环境政策</a>'), 200, 2),
    }
    s = site(pages)
    names = ["营商环境", "政务公开"]
    hits = lambda **kw: [(h.page.final_url, h.link, h.matched) for h in s.find_links(names, **kw)]
    assert hits() == _naive_find(s, names)
    assert hits(positions=("nav",)) == _naive_find(s, names, positions=("nav",))
    assert hits(max_depth=1) == _naive_find(s, names, max_depth=1)
    reordered = list(reversed(s.pages))
    assert hits(pages=reordered) == _naive_find(s, names, pages=reordered)
    stranger = snapshot("http://a.gov.cn/other/", page('<a href="/z/">营商环境</a>'), depth=1)
    assert hits(pages=[stranger, s.home]) == _naive_find(s, names, pages=[stranger, s.home])


def test_linked_from_lists_every_link_to_a_page():
    pages = {"http://a.gov.cn/": page('<a href="/n/1.html">一</a>'),
             "http://a.gov.cn/zwgk/": page('<a href="/n/1.html#top">一（又）</a>')}
    s = site(pages)
    got = s.linked_from.get("http://a.gov.cn/n/1.html", ())
    assert [(p.final_url, l.text) for p, l in got] == [("http://a.gov.cn/", "一"), ("http://a.gov.cn/zwgk/", "一（又）")]
    assert len(s.linked_from["http://a.gov.cn/zwgk/"]) == 2          # the nav link on both pages
    assert s.linked_from.get("http://a.gov.cn/none", ()) == () and s.linked_from["http://a.gov.cn/none"] == []
    assert "http://a.gov.cn/about.html" in s.linked_from
