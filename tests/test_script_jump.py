"""A page that only jumps elsewhere by script (old portals' "/" splash, a column's index.html):
page/html.script_jump finds its one target; real pages, cookie challenges, device switches and
pages with content do not jump. The crawl follows a jump like a redirect
(tests/test_start_redirect.py)."""
from pathlib import Path

import pytest

from tests.corpuskit import real_pages
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
    ('<html><body><a href=/a>a</a><a href=/b>b</a><a href=/c>c</a><script>location.href="/x";</script></body></html>', ""),
    ('<html><body><script>if (m) { location.href="/m/"; } else { location.href="/pc/"; }</script></body></html>', ""),
    ('<html><body><script>location.href = "/a?u=" + u;</script></body></html>', ""),      # built, not literal
    ('<html><body><script>setTimeout(function(){location.href="/xxgk/";},2000);</script></body></html>', BASE + "xxgk/"),
    ('<html><body><script>if (/Android|iPhone/i.test(navigator.userAgent)) { location.href="/m/"; }</script></body></html>', ""),
])
def test_script_jumps(html, target):
    assert extract(html, BASE)["jump"] == target


def _block_page(path: Path) -> str:
    raw = path.read_bytes()          # some WAF pages are GBK
    return raw.decode("utf-8") if raw.isascii() or _utf8(raw) else raw.decode("gb18030", "replace")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_no_real_page_and_no_block_page_is_taken_for_a_jump():
    """The corpus's real pages have content; the block and challenge pages are the WAF's
    (crawler/backoff.py marks them, and a jump on one would leave the block unseen)."""
    pages = real_pages() + [(p, _block_page(p)) for p in sorted(BLOCKPAGES.rglob("*.html"))]
    jumps = {p.name: extract(markup, BASE)["jump"] for p, markup in pages}
    assert len(pages) > 100
    assert {name: j for name, j in jumps.items() if j} == {
        "n09_js_redirect.html": BASE + "col/col1234/index.html",
        "n31_jsonp_like_tiny_script.html": BASE + "xxgk/"}     # “页面正在跳转，请稍候”: a real jump
