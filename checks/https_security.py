"""https_security — the site is served over HTTPS without mixed content and sends basic security headers.

What it checks:
- HTTPS available: the unit's URL is https, or a page of the site was fetched over https. A site
  whose https address redirects back to http fails. zwgk fetches only what is linked, so an http
  site with no https page seen is `unknown`, not a fail.
- No mixed content on HTTPS pages: <script src>, <iframe src>, <img src>, <link rel=stylesheet
  href>, <embed>/<video>/<audio>/<source> with an http:// address (warn; scripts, iframes and
  stylesheets are blocked by browsers, images are shown as 不安全).
- Security headers on the home page (and https pages): Strict-Transport-Security (https only),
  X-Content-Type-Options, X-Frame-Options or CSP frame-ancestors — missing ones warn.

Why it matters: plan item 35 — 持续加强政府网站与政务新媒体安全防护，做好日常巡检和监测; plain
http exposes readers to tampering, and mixed content breaks pages in current browsers.

Pass: https://www.xinhui.gov.cn/ sends HSTS, nosniff and X-Frame-Options; no http:// resources.
Fail: https://www.example.gov.cn/ redirects to http://www.example.gov.cn/.
Warn: an https page loads http://www.example.gov.cn/js/jquery.js; X-Frame-Options missing.
Unknown: the unit URL is http and no https page of the site was fetched.

References: 江府办〔2022〕7号 item 35.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError

ID = "https_security"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "aspects": {"type": "list[str]", "default": ["https", "mixed_content", "headers"]},
    "headers": {"type": "list[str]",
                "default": ["strict-transport-security", "x-content-type-options", "x-frame-options"]},
    "max_pages": {"type": "int", "default": 200},
    "max_findings": {"type": "int", "default": 20},
}
_RESOURCES = (("script", "src"), ("iframe", "src"), ("frame", "src"), ("img", "src"), ("embed", "src"),
              ("video", "src"), ("audio", "src"), ("source", "src"), ("link", "href"))
_ACTIVE = {"script", "iframe", "frame", "link", "embed"}


def validate_params(params):
    bad = set(params["aspects"]) - {"https", "mixed_content", "headers"}
    if bad:
        raise ParamError(f"aspects 只能包含 https、mixed_content、headers，实为 {sorted(bad)}")


def _host(url):
    return (urlsplit(url).hostname or "").lower()


def _check_https(site):
    home = site.home
    host = _host(site.start_url)
    if site.start_url.lower().startswith("https://") and home.final_url.lower().startswith("https://"):
        yield Finding("pass", "网站首页通过 HTTPS 访问", url=home.final_url)
        return
    for snap in site.internal:
        chain = (snap.url, *snap.redirects, snap.final_url)
        if any(u.lower().startswith("https://") and _host(u) == host for u in chain[:-1]) \
                and snap.final_url.lower().startswith("http://") and snap.status is not None:
            yield Finding("fail", "HTTPS 地址被重定向回 HTTP，网站未提供 HTTPS 访问", url=snap.url,
                          evidence=" → ".join(dict.fromkeys(chain)))
            return
    https_pages = [s for s in site.pages if s.final_url.lower().startswith("https://") and _host(s.final_url) == host]
    if https_pages:
        yield Finding("pass", f"网站有 {len(https_pages)} 个页面通过 HTTPS 访问", url=https_pages[0].final_url)
        return
    yield Finding("unknown", "单位网址为 HTTP，巡检未见到本站的 HTTPS 页面（zwgk 只抓取链接到的地址），"
                             "无法判断是否提供 HTTPS", url=home.final_url)


def mixed_content(site, page) -> list[tuple[str, str]]:
    """(tag, http URL) of resources an https page loads over plain http."""
    doc = site.doc(page)
    if doc is None:
        return []
    out = []
    for tag, attr in _RESOURCES:
        for el in doc.iter(tag):
            if tag == "link" and "stylesheet" not in (el.get("rel") or "").lower():
                continue
            raw = (el.get(attr) or "").strip()
            if not raw:
                continue
            try:
                url = urljoin(page.final_url, raw)
            except ValueError:
                continue
            if url.lower().startswith("http://"):
                out.append((tag, url))
    return out


def _check_mixed(site, params):
    pages = [p for p in site.pages if p.final_url.lower().startswith("https://")][: params["max_pages"]]
    if not pages:
        if "https" in params["aspects"]:
            return          # the https aspect already says why no https page was seen
        yield Finding("unknown", "未抓取到 HTTPS 页面，无法检查混合内容", url=site.home.final_url)
        return
    bad = 0
    for page in pages:
        found = mixed_content(site, page)
        if not found:
            continue
        bad += 1
        if bad <= params["max_findings"]:
            active = [u for t, u in found if t in _ACTIVE]
            kind = "脚本/框架/样式表" if active else "图片等资源"
            yield Finding("warn", f"HTTPS 页面通过 HTTP 加载{kind}（混合内容），浏览器会拦截或提示不安全",
                          url=page.final_url,
                          evidence="；".join(f"<{t}> {u}" for t, u in found[:5]) +
                                   (f" 等 {len(found)} 处" if len(found) > 5 else ""))
    if not bad:
        yield Finding("pass", f"已检查 {len(pages)} 个 HTTPS 页面，未发现 HTTP 混合内容", url=site.home.final_url)


def _csp_frame_ancestors(headers) -> bool:
    return "frame-ancestors" in (headers.get("content-security-policy") or "").lower()


def _check_headers(site, params):
    home = site.home
    headers = {k.lower(): v for k, v in (home.headers or {}).items()}
    https = home.final_url.lower().startswith("https://")
    missing = []
    for name in params["headers"]:
        name = name.lower()
        if name == "strict-transport-security" and not https:
            continue
        if name == "x-frame-options" and _csp_frame_ancestors(headers):
            continue
        if not headers.get(name):
            missing.append(name)
    if not headers:
        yield Finding("unknown", "首页响应未记录 HTTP 头，无法检查安全响应头", url=home.final_url)
    elif missing:
        pretty = {"strict-transport-security": "Strict-Transport-Security", "x-content-type-options":
                  "X-Content-Type-Options", "x-frame-options": "X-Frame-Options（或 CSP frame-ancestors）"}
        yield Finding("warn", f"首页响应缺少安全响应头：{'、'.join(pretty.get(m, m) for m in missing)}",
                      url=home.final_url,
                      evidence="已有：" + ("、".join(sorted(k for k in headers if k in params["headers"] or
                                                         k == "content-security-policy")) or "无"))
    else:
        yield Finding("pass", "首页响应包含基本安全响应头", url=home.final_url,
                      evidence="；".join(f"{k}: {headers[k]}" for k in params["headers"] if headers.get(k)))


def check(site, params, ctx):
    aspects = params["aspects"]
    if "https" in aspects:
        yield from _check_https(site)
    if "mixed_content" in aspects:
        yield from _check_mixed(site, params)
    if "headers" in aspects:
        yield from _check_headers(site, params)
