"""Pages nest as deep as browsers let them (page/dom.py): libxml2 alone stops at 256 levels and
drops the rest of the page, so a home page opening with 300 unclosed <font> tags showed no link.
In process on a real sample-portal home page (tests/spiderkit.py); over HTTP in
tests/test_hostile_firewall.py."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.spiderkit import file_response, make_spider, parse
from zwgk.page.dom import cap_nesting, parse_document, visible_text
from zwgk.page.html import extract

PAGE = ('<html><head><title>江门市人民政府</title></head><body>{open}<div class="nav"><a href="/zwgk/">政务公开</a></div>'
        '<p>正文 &amp; 说明</p><script>var a = "<b>";</script><div class="footer">网站标识码 4407000001 '
        '<a href="/wzdt.html">网站地图</a></div></body></html>')


@pytest.mark.parametrize("depth", [300, 1000, 3000, 20000])
@pytest.mark.parametrize("tag", ["font", "div", "span"])
def test_links_text_and_positions_survive_deep_nesting(tag, depth):
    html = PAGE.format(open=f"<{tag} class=x>" * depth)
    out = extract(html, "http://www.example.gov.cn/")
    assert [(l.url, l.position) for l in out["links"]] == [
        ("http://www.example.gov.cn/zwgk/", "nav"), ("http://www.example.gov.cn/wzdt.html", "footer")]
    text = visible_text(parse_document(html))
    assert "正文 & 说明" in text and "网站标识码 4407000001" in text and "<b>" not in text


def test_capping_changes_nothing_but_the_depth():
    html = PAGE.format(open="")
    assert cap_nesting(html) == html
    capped = cap_nesting("<div>" * 10 + "<a href='/x'><b>链接</b></a>", cap=3)
    # every div kept (with its attributes), the 4th to 10th as siblings at the third level
    assert capped.startswith("<div><div><div></div><div></div>") and capped.count("<div>") == 10
    assert "<a href='/x'>链接</a>" in capped       # the link keeps its text, not its inner tags


@pytest.fixture(scope="module")
def county_home(tmp_path_factory):
    from zwgk.sample_portals import build_portals
    root = build_portals(tmp_path_factory.mktemp("p"), date(2023, 3, 15), ["county-good"])["county-good"]
    return (root / "index.html").read_bytes()


def test_the_spider_follows_the_links_of_a_home_page_under_300_unclosed_font_tags(county_home):
    body = re.search(rb"<body[^>]*>", county_home)
    deep = county_home[:body.end()] + b"<font size=2>" * 300 + county_home[body.end():]
    url = "http://127.0.0.1:8000/"
    headers = {"Content-Type": "text/html"}      # the county portal's GBK pages, as its server labels them
    plain_snaps, plain_reqs = parse(make_spider(url), file_response(county_home, url, headers=headers))
    deep_snaps, deep_reqs = parse(make_spider(url), file_response(deep, url, headers=headers))
    assert len(plain_reqs) > 20
    assert sorted(r.url for r in deep_reqs) == sorted(r.url for r in plain_reqs)
    assert deep_snaps[0].links == plain_snaps[0].links and deep_snaps[0].ok
