"""page/blockpage.py: no real page is ever called a block page, and the block, captcha,
challenge and empty pages of tests/fixtures/blockpage are recognised (README.md there says what
they are and where they come from); the TemplateProfile's sudden-change rule; status and
headers. False positives are the costly error (a blocked page is only unseen, a real page called
blocked hides the site), so every real page we have is run at status 200 and with no status."""
from __future__ import annotations

import datetime as dt
import json
import re
from html import escape
from pathlib import Path

import lxml.html
import pytest

from tests.spiderkit import CORPUS
from zwgk.crawler.decoding import decode_html
from zwgk.page.blockpage import (REASON_CAPTCHA, REASON_CHALLENGE, REASON_EMPTY, TemplateProfile, analyse,
                                 block_reason)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "blockpage"
HTML_EXT = (".html", ".htm", ".shtml", ".jhtml", ".xhtml")


def _decode(path: Path) -> str:
    return decode_html(path.read_bytes()).text


def _real_pages():
    """(label, html, url) of every ordinary page we have: the shared corpus (HTML pages, and
    text excerpts as pages of text) and every HTML fixture but the block samples."""
    out = []
    for root in (CORPUS, FIXTURES):
        for path in sorted(root.rglob("*")):
            if not path.is_file() or SAMPLES in path.parents:
                continue
            name = path.name.lower()
            if name.endswith(HTML_EXT):
                html = _decode(path)
            elif name.endswith(".excerpt.txt") and root == CORPUS:
                html = "<html><body><pre>" + escape(path.read_text("utf-8", "replace")) + "</pre></body></html>"
            else:
                continue
            rel = path.relative_to(root).as_posix()
            out.append((f"{root.name}/{rel}", html, f"http://{root.name}.test/{rel}"))
    return out


REAL = _real_pages()


def _samples(kind: str):
    meta = json.loads((SAMPLES / kind / "meta.json").read_text("utf-8"))
    return [(name, _decode(SAMPLES / kind / name), m) for name, m in sorted(meta.items())]


POSITIVE = _samples("positive")
NEGATIVE = _samples("negative")
EXPECT_REASON = {"captcha": REASON_CAPTCHA, "challenge": REASON_CHALLENGE, "empty": REASON_EMPTY}


# ---- real pages: zero false positives ------------------------------------------------------------
def test_real_page_inventory():
    assert sum(1 for l, _, _ in REAL if l.startswith(CORPUS.name)) >= 50
    assert sum(1 for l, _, _ in REAL if l.startswith("fixtures")) >= 190


@pytest.mark.parametrize("status", [200, None])
def test_no_real_page_is_a_block_page(status):
    flagged = [(label, v.reason, v.signals) for label, html, url in REAL
               for v in [analyse(status, {}, html, url)] if v.reason]
    assert flagged == []


def test_truncated_real_pages_are_not_flagged():
    flagged = [(label, cut, v.reason) for label, html, url in REAL for cut in (100, 300, 1000, 3000, 10000)
               for v in [analyse(200, {}, html[:cut], url)] if v.reason]
    assert flagged == []


@pytest.fixture(scope="module")
def rendered_portals(tmp_path_factory):
    from zwgk.sample_portals import build_portals
    dest = tmp_path_factory.mktemp("portals")
    build_portals(dest, dt.date(2022, 9, 1))
    return dest


def test_sample_portals_are_not_blocks_even_with_a_learnt_profile(rendered_portals):
    """Every page of the four sample portals, alone and against a profile learnt on one of them."""
    profile = TemplateProfile()
    city = rendered_portals / "city-good"
    for f in [city / "index.html"] + sorted(city.rglob("*.html"))[:10]:
        profile.learn(_decode(f), "http://127.0.0.1/" + f.relative_to(city).as_posix())
    assert profile.ready
    pages = 0
    for portal in sorted(p for p in rendered_portals.iterdir() if p.is_dir()):
        for f in sorted(portal.rglob("*.html")):
            url = "http://127.0.0.1/" + f.relative_to(portal).as_posix()
            html = _decode(f)
            assert block_reason(200, {}, html, url) == "", f
            assert block_reason(200, {}, html, url, site_profile=profile) == "", f
            pages += 1
    assert pages > 500


# ---- samples -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,html,meta", POSITIVE, ids=[n for n, _, _ in POSITIVE])
def test_block_samples_are_recognised(name, html, meta):
    v = analyse(meta["status"], meta["headers"], html, meta["url"])
    assert v.kind == meta["expect"], (v.reason, v.signals)
    if meta["expect"] == "block":
        assert re.fullmatch(r"被网站防护拦截（.+）", v.reason)
    else:
        assert v.reason == EXPECT_REASON[meta["expect"]]


def test_samples_are_varied():
    kinds = {m["expect"] for _, _, m in POSITIVE}
    assert kinds == {"block", "captcha", "challenge", "empty"}
    assert sum(1 for _, _, m in POSITIVE if m["encoding"] == "gbk") >= 4
    assert sum(1 for _, _, m in POSITIVE if "held_out" in m) >= 19
    assert len(NEGATIVE) >= 45


@pytest.mark.parametrize("name,html,meta", NEGATIVE, ids=[n for n, _, _ in NEGATIVE])
def test_lookalikes_are_not_blocks(name, html, meta):
    v = analyse(meta["status"], meta["headers"], html, meta["url"])
    assert v.reason == "", (meta["note"], v.reason, v.signals)


def test_vue_shell_needs_rendering_not_a_block_verdict():
    html = next(h for n, h, _ in NEGATIVE if n == "n07_vue_shell.html")
    v = analyse(200, {}, html, "http://x/")
    assert v.kind == "shell" and v.reason == ""


# ---- a block message inside the real pages' own templates ----------------------------------------
BLOCK_MESSAGES = {
    "block": ["您的访问请求可能对网站造成安全威胁，已被拦截。",
              "对不起，您的IP访问过于频繁，已被暂时限制访问，请稍后再试。",
              "您的请求带有不合法参数，已被网站管理员设置拦截！"],
    "captcha": ['系统检测到您的访问过于频繁，请输入验证码后继续访问。<img src="/verify/code.jpg">'
                '<input name="c"><button>确定</button>'],
}
HARMLESS = ["本栏目暂无信息。", "抱歉，您访问的页面不存在或已被删除！", "系统维护中，请稍后访问。",
            "本栏目信息正在整理中，敬请期待。", "请输入关键词进行检索。<input name='q'><button>检索</button>"]
_FOOTER = re.compile(r"[^。]{0,60}(?:网站标识码|ICP备|主办单位|主办：|版权所有)[^。]{0,80}")


def _templates():
    """Each corpus page's <head>, first ten nav links and footer around a message."""
    for label, html, url in REAL:
        if not label.startswith(CORPUS.name) or not label.endswith(HTML_EXT):
            continue
        doc = lxml.html.document_fromstring(html)
        low = html.lower()
        head = html[:low.find("<body")] if "<body" in low else "<html><head></head>"
        links = [a for a in doc.iter("a") if a.get("href") and not a.get("href").startswith("javascript")
                 and (a.text_content() or "").strip()][:10]
        nav = "".join(f'<a href="{escape(a.get("href"))}">{escape(a.text_content().strip()[:12])}</a>' for a in links)
        m = _FOOTER.search(" ".join(doc.itertext()))
        foot = escape(m.group(0).strip()) if m else ""
        yield label, url, (lambda msg, head=head, nav=nav, foot=foot:
                           f"{head}<body><div class='header'>{nav}</div><div class='main'><p>{msg}</p></div>"
                           f"<div class='footer'>{foot}</div></body></html>")


def test_block_message_in_a_real_template_is_caught_and_a_harmless_one_is_not():
    missed, flagged, n = [], [], 0
    for label, url, make in _templates():
        n += 1
        for kind, msgs in BLOCK_MESSAGES.items():
            missed += [(label, msg) for msg in msgs if analyse(200, {}, make(msg), url).kind != kind]
        flagged += [(label, msg) for msg in HARMLESS if analyse(200, {}, make(msg), url).reason]
    assert n >= 25
    assert flagged == [] and missed == []


# ---- status and headers ---------------------------------------------------------------------------
SAFEDOG = next(h for n, h, _ in POSITIVE if n == "p01_safedog_block.html")
REAL_PAGE = next(h for l, h, _ in REAL if l.endswith("www.gz.gov.cn/ysgz/xwdt/ysdt/content/post_9360641.html"))


def test_404_and_redirects_are_not_judged():
    assert block_reason(404, {}, SAFEDOG, "http://x/") == ""       # a broken link, not a block
    assert block_reason(410, {}, "", "http://x/") == ""
    assert block_reason(302, {"Location": "/waf/captcha"}, "", "http://x/") == ""
    assert block_reason(304, {}, "", "http://x/") == ""


def test_empty_answers():
    for body in ("", "   \r\n", "\ufeff", None, "<html><head></head><body> </body></html>"):
        assert block_reason(200, {}, body, "http://x/") == REASON_EMPTY, repr(body)
    assert block_reason(None, {}, "", "http://x/") == REASON_EMPTY
    assert block_reason(500, {}, "", "http://x/") == ""        # an HTTP error: the crawler's own failure
    assert block_reason(429, {}, "", "http://x/").startswith("被网站防护拦截（")
    # a title is something; a body cut mid-tag is a truncated download, not a blank page
    assert block_reason(200, {}, "<html><head><title>新闻</title></head><body></body></html>", "http://x/") == ""
    assert block_reason(200, {}, "<html><head><meta charset='utf-8'><lin", "http://x/") == ""


def test_vendor_headers_and_cookies_alone_never_decide():
    for headers in ({"Server": "Safedog"}, {"Server": "yunjiasu-nginx"}, {"Server": "wzws"},
                    {"X-Safe-Firewall": "zhuji.360.cn 1.0.9.47 F1W1"}, {"Set-Cookie": "__jsluid_s=abc; path=/"},
                    {"Set-Cookie": "acw_tc=abc; path=/"}, {"Server": "cloudflare", "CF-RAY": "abc-HKG"}):
        assert block_reason(200, headers, REAL_PAGE, "http://www.gz.gov.cn/") == "", headers


def test_headers_in_scrapy_shapes_and_cf_mitigated():
    h = {b"Server": [b"nginx"], b"Set-Cookie": [b"__jsluid_s=1; path=/", b"a=b"]}
    stage1 = next(x for n, x, _ in POSITIVE if n == "p06_jiasule_521_stage1.html")
    v = analyse(521, h, stage1, "http://x/")
    assert v.kind == "challenge" and "header:set-cookie" in v.signals
    assert block_reason(403, {"cf-mitigated": "challenge"}, "<html></html>", "http://x/") == REASON_CHALLENGE


def test_block_page_at_200_and_403_alike_but_a_server_403_is_not_a_waf():
    assert block_reason(200, {}, SAFEDOG, "http://x/") == "被网站防护拦截（网站安全狗）"
    assert block_reason(403, {}, SAFEDOG, "http://x/") == "被网站防护拦截（网站安全狗）"
    nginx = ("<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center>"
             "<hr><center>nginx</center></body></html>")
    assert block_reason(403, {"Server": "nginx"}, nginx, "http://x/static/") == ""


def test_block_words_inside_a_real_page_do_not_count():
    words = "您的请求带有不合法参数，已被网站管理员设置拦截！访问过于频繁，请输入验证码后继续访问。"
    assert block_reason(200, {}, REAL_PAGE.replace("</body>", f"<p>{words}</p></body>"), "http://www.gz.gov.cn/") == ""


def test_tiny_cookie_and_reload_page_is_a_challenge_but_a_redirect_elsewhere_is_not():
    challenge = "<html><body><script>document.cookie='t=1';location.reload();</script></body></html>"
    chooser = "<html><body><script>document.cookie='v=pc';location.href='/pc/';</script></body></html>"
    assert block_reason(200, {}, challenge, "http://x/") == REASON_CHALLENGE
    assert block_reason(200, {}, chooser, "http://x/") == ""


def test_deeply_nested_block_page_is_still_read():
    """300 unclosed <font> before the message: the detector reads the whole tree too."""
    html = "<html><head><title>提示</title></head><body>" + "<font>" * 300 + "您的请求带有不合法参数，已被网站管理员设置拦截！</body></html>"
    assert block_reason(200, {}, html, "http://x/").startswith("被网站防护拦截（")


# ---- TemplateProfile: the template that changes mid-crawl ----------------------------------------
def _gov_profile():
    profile = TemplateProfile(min_pages=3)
    for _ in range(3):     # the real gz.gov.cn page stands for the first good pages of that site
        assert profile.learn(REAL_PAGE, "http://www.gz.gov.cn/ysgz/xwdt/ysdt/content/post_9360641.html")
    return profile


WEAK = {
    "访问受限": "<html><head><meta charset='utf-8'><title>提示</title></head><body><p>访问受限</p></body></html>",
    "访问异常": "<html><head><meta charset='utf-8'><title>提示</title></head><body><h3>系统检测到访问异常</h3></body></html>",
    "验证码": ("<html><head><meta charset='utf-8'><title>请输入验证码</title></head><body><form method='post'>"
               "<img src='/code.jpg'><input name='c'><input type='submit' value='确定'></form></body></html>"),
    "安全检测": "<html><head><meta charset='utf-8'></head><body><p>安全检测中</p><script src='/x.js'></script></body></html>",
}


@pytest.mark.parametrize("cue", list(WEAK))
def test_profile_flags_a_sudden_small_page_with_weak_cues(cue):
    assert block_reason(200, {}, WEAK[cue], "http://www.gz.gov.cn/x.html") == ""          # alone: too weak
    assert block_reason(200, {}, WEAK[cue], "http://www.gz.gov.cn/x.html", site_profile=_gov_profile()) != ""


@pytest.mark.parametrize("html", [
    "<html><head><meta charset='utf-8'><title>信箱</title></head><body><p>市长信箱系统</p><a href='/x'>进入</a></body></html>",
    "<html><head><meta charset='utf-8'></head><body><script>location.href='/a/'</script></body></html>",
    "<html><head><meta charset='utf-8'><title>页面不存在</title></head><body><h2>抱歉，您访问的页面不存在或已被删除！</h2></body></html>",
    "<html><head><meta charset='utf-8'><title>系统维护</title></head><body><p>系统维护中，暂停访问，请稍后再试。</p></body></html>",
])
def test_profile_leaves_a_different_page_without_cues_alone(html):
    assert block_reason(200, {}, html, "http://www.gz.gov.cn/x.html", site_profile=_gov_profile()) == ""


def test_profile_leaves_the_sites_own_small_page_alone():
    profile = _gov_profile()
    head = REAL_PAGE[:REAL_PAGE.find("<body")]
    html = head + "<body><div class='main'><p>本栏目访问受限。</p></div></body></html>"
    assert profile.shared_with_html(html, "http://www.gz.gov.cn/x.html")
    assert block_reason(200, {}, html, "http://www.gz.gov.cn/x.html", site_profile=profile) == ""


def test_profile_learns_only_good_pages():
    profile = TemplateProfile()
    assert not profile.learn(SAFEDOG, "http://x/")
    assert not profile.learn("", "http://x/")
    assert not profile.learn(REAL_PAGE, "http://x/", status=500)
    assert profile.learn(REAL_PAGE, "http://www.gz.gov.cn/", verdict=analyse(200, {}, REAL_PAGE, "http://www.gz.gov.cn/"))
    assert not profile.ready
