"""https_security: HTTPS availability, mixed content, security headers (all need response headers or
https URLs, so they are built here rather than as fixture folders)."""
from tests.contentkit import run
from tests.sitekit import snapshot
from zwgk.checks.site import Site

GOOD_HEADERS = {"strict-transport-security": "max-age=31536000", "x-content-type-options": "nosniff",
                "x-frame-options": "SAMEORIGIN"}
BODY = '<html><body><img src="/images/logo.png"><script src="/js/common.js"></script></body></html>'


def _site(url, html=BODY, headers=None, extra=()):
    return Site(url, [snapshot(url, html, headers=headers or {}), *extra])


def test_https_site_with_headers_and_no_mixed_content_passes():
    result = run("https_security", _site("https://www.xinhui.gov.cn/", headers=GOOD_HEADERS))
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]


def test_mixed_content_warns_and_names_the_resource():
    html = ('<html><body><script src="http://www.xinhui.gov.cn/js/jquery.js"></script>'
            '<link rel="stylesheet" href="http://cdn.example.cn/a.css"><link rel="alternate" href="http://x/rss">'
            '<img src="//www.xinhui.gov.cn/logo.png"></body></html>')
    result = run("https_security", _site("https://www.xinhui.gov.cn/", html, GOOD_HEADERS))
    [warn] = [f for f in result.findings if f.status == "warn"]
    assert "jquery.js" in warn.evidence and "a.css" in warn.evidence
    assert "rss" not in warn.evidence and "logo.png" not in warn.evidence   # protocol-relative is https here


def test_missing_headers_warn_and_csp_frame_ancestors_counts():
    result = run("https_security", _site("https://www.xinhui.gov.cn/", headers={"server": "nginx"}))
    [warn] = [f for f in result.findings if f.status == "warn"]
    assert "Strict-Transport-Security" in warn.message and "X-Frame-Options" in warn.message
    csp = {**GOOD_HEADERS, "content-security-policy": "frame-ancestors 'self'"}
    del csp["x-frame-options"]
    assert run("https_security", _site("https://www.xinhui.gov.cn/", headers=csp)).status == "pass"


def test_http_site_without_any_https_page_is_unknown_not_fail():
    result = run("https_security", _site("http://www.xinhui.gov.cn/", headers=GOOD_HEADERS))
    assert result.status == "unknown"


def test_https_redirected_back_to_http_fails():
    bounced = snapshot("https://www.xinhui.gov.cn/zwgk/", "<html><body>x</body></html>", depth=1,
                       final_url="http://www.xinhui.gov.cn/zwgk/",
                       redirects=("https://www.xinhui.gov.cn/zwgk/",))
    result = run("https_security", _site("http://www.xinhui.gov.cn/", headers=GOOD_HEADERS, extra=[bounced]))
    assert result.status == "fail" and result.findings[0].url == "https://www.xinhui.gov.cn/zwgk/"


def test_http_site_with_an_https_page_seen_passes_https():
    page = snapshot("https://www.xinhui.gov.cn/zwgk/", BODY, depth=1)
    result = run("https_security", _site("http://www.xinhui.gov.cn/", headers=GOOD_HEADERS, extra=[page]),
                 {"aspects": ["https"]})
    assert result.status == "pass"
