"""A page that only sends its reader elsewhere (old portals' "/" splash, a column's index.html, a
domain framed onto its site): page/html.page_jump finds its one target; real pages, cookie
challenges, device switches and pages with content do not jump. The crawl follows a jump like a
redirect (tests/test_start_redirect.py)."""
import json
from pathlib import Path

import pytest

from tests.corpuskit import real_pages
from zwgk.crawler.decoding import decode_html
from zwgk.page.blockpage import block_reason
from zwgk.page.html import extract

BASE = "http://x.gov.cn/"
BLOCKPAGES = Path(__file__).parent / "fixtures" / "blockpage"


@pytest.mark.parametrize("html,target", [
    ('<html><head><title>某某县人民政府</title></head><body><script type="text/javascript">'
     'window.location.href="/col/col1234/index.html";</script></body></html>', BASE + "col/col1234/index.html"),
    ("<html><body><script>location.replace('index.shtml')</script>"
     "<a href='index.shtml'>如果没有自动跳转，请点击这里</a></body></html>", BASE + "index.shtml"),
    ('<html><body><script>top.location = "http://www.x.gov.cn/main/";</script></body></html>',
     "http://www.x.gov.cn/main/"),
    ('<html><body><script>document.cookie="a=1";location.href="/";</script></body></html>', ""),   # a challenge
    ('<html><body><script>location.href="http://x.gov.cn/";</script></body></html>', ""),          # itself
    ('<html><body>' + "<p>正文内容很长</p>" * 100 + '<script>location.href="/search";</script></body></html>', ""),
    ('<html><body><a href=/a>a</a><a href=/b>b</a><a href=/c>c</a>'
     '<script>location.href="/x";</script></body></html>', ""),
    ('<html><body><script>if (m) { location.href="/m/"; } else { location.href="/pc/"; }</script></body></html>', ""),
    ('<html><body><script>location.href = "/a?u=" + u;</script></body></html>', ""),      # built, not literal
    ('<html><body><script>setTimeout(function(){location.href="/xxgk/";},2000);</script></body></html>',
     BASE + "xxgk/"),
    ('<html><frameset rows="100%,*" frameborder="no"><frame src="http://www.x.gov.cn/index.html">'
     '<frame src="about:blank"></frameset></html>', "http://www.x.gov.cn/index.html"),      # a masked domain
    ('<html><frameset rows="100,*"><frame src="top.html"><frame src="main.html"></frameset></html>', ""),
    ('<html><body><iframe src="/portal/" width="100%" height="100%"></iframe></body></html>', BASE + "portal/"),
    ('<html><body><h1>标题</h1>' + "<p>正文</p>" * 80 + '<iframe src="https://v.qq.com/x"></iframe></body></html>', ""),
    ('<html><body><script>if (/Android|iPhone/i.test(navigator.userAgent)) { location.href="/m/"; }'
     '</script></body></html>', ""),
])
def test_jumps(html, target):
    assert extract(html, BASE)["jump"] == target


def _samples(kind: str):
    meta = json.loads((BLOCKPAGES / kind / "meta.json").read_text("utf-8"))
    return [(name, decode_html((BLOCKPAGES / kind / name).read_bytes()).text, m) for name, m in sorted(meta.items())]


def test_no_real_page_and_no_look_alike_is_taken_for_a_jump_but_the_real_jumps():
    """The corpus's real pages have content. Of the block pages' look-alikes, three do only send
    the reader on: a script jump, “页面正在跳转，请稍候……” with a delayed one, and a full-page
    iframe of the 12345 hotline's system."""
    jumps = {p.name: extract(markup, BASE)["jump"] for p, markup in real_pages()}
    jumps.update((name, extract(markup, BASE)["jump"]) for name, markup, _ in _samples("negative"))
    assert len(jumps) > 60
    assert {name: j for name, j in jumps.items() if j} == {
        "n09_js_redirect.html": BASE + "col/col1234/index.html",
        "n31_jsonp_like_tiny_script.html": BASE + "xxgk/",
        "k01_iframe_wrapper.html": "https://12345.example.gov.cn/portal/"}


def test_a_block_page_that_looks_like_a_jump_is_a_block_page_first():
    """The crawl never follows a jump on a page the WAF answered (crawler/backoff.py marks it)."""
    for name, markup, m in _samples("positive"):
        if extract(markup, BASE)["jump"]:
            assert block_reason(m.get("status", 200), m.get("headers") or {}, markup, m.get("url", BASE)), name
