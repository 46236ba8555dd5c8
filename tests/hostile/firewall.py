"""A "web application firewall" in front of a portal: a small reverse proxy on 127.0.0.1 that
forwards every request to the real server behind it, except those its policy picks, which it
answers as the firewalls in front of 政府网站 do: 200 with a block page, a captcha page, a
JavaScript cookie challenge or an empty body, or 429 with Retry-After.

    with serve(root) as portal, Firewall(portal.url, policy=after(20)) as waf:
        zwgk("check", waf.url, ...)
        waf.after_first_429        # requests that reached it once it had said 429

Policies take (path, n) — n counts the page requests so far, robots.txt left out — and return
None (forward) or a kind: "block", "captcha", "challenge", "empty", "busy" (429). The hostile
pages are the samples of tests/fixtures/blockpage, served as the vendors serve them.
"""
from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.hostile import HostileServer, send

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "blockpage" / "positive"
# kind -> the sample pages it rotates through (a firewall's vendor changes nothing about the verdict)
PAGES = {
    "block": ["p01_safedog_block.html", "p10_yunaq_block.html", "p30_homegrown_illegal_request_site_header_gbk.html"],
    "captcha": ["p18_360_captcha.html", "p05_aliyun_slider.html"],
    "challenge": ["p04_aliyun_acw_sc_v2.html", "p21_homegrown_cookie_reload.html"],
    "empty": ["p22_empty_body.html"],
}
_META = json.loads((SAMPLES / "meta.json").read_text("utf-8"))


def _sample(name: str) -> tuple[bytes, str]:
    """The sample's bytes and the Content-Type its vendor sends."""
    enc = _META[name].get("encoding", "utf-8")
    return (SAMPLES / name).read_bytes(), "text/html" if enc == "gbk" else "text/html; charset=utf-8"


class Firewall(HostileServer):
    def __init__(self, upstream: str, policy, retry_after: str = "3600"):
        self.upstream = urlsplit(upstream)
        self.policy = policy
        self.retry_after = retry_after
        self.pages = 0                       # page requests seen (robots.txt left out)
        self.log: list[tuple[float, str, str]] = []   # (monotonic time, path, "ok" or the kind)
        self.after_first_429: list[str] = []
        self._said_429 = False
        self._decide_lock = threading.Lock()
        super().__init__({}, default=self._answer)

    def decide(self, path: str) -> str | None:
        with self._decide_lock:
            if self._said_429:
                self.after_first_429.append(path)
            if path == "/robots.txt":
                kind = None
            else:
                self.pages += 1
                kind = self.policy(path, self.pages)
            self.log.append((time.monotonic(), path, kind or "ok"))
            if kind == "busy":
                self._said_429 = True
            return kind

    def count(self, kind: str) -> int:
        return sum(1 for _, _, k in self.log if k == kind)

    def _answer(self, req):
        kind = self.decide(urlsplit(req.path).path)
        if kind is None:
            self._forward(req)
        elif kind == "busy":
            send(req, b"<html><body><h1>429 Too Many Requests</h1></body></html>", status=429,
                 headers={"Retry-After": self.retry_after})
        else:
            names = PAGES[kind]
            name = names[self.pages % len(names)]
            headers = {k: v for k, v in _META[name].get("headers", {}).items() if k.lower() != "content-type"}
            send(req, *_sample(name), headers=headers)

    def _forward(self, req):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=10)
        try:
            headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host", "connection")}
            conn.request("HEAD" if req.head_only else "GET", req.path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        passed = {k: v for k, v in resp.getheaders()
                  if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date",
                                       "content-type")}
        send(req, body, resp.getheader("Content-Type"), status=resp.status, headers=passed)


# -- policies ---------------------------------------------------------------------------------------
KINDS = ("block", "captcha", "challenge")


def _rotating(n: int) -> str:
    return KINDS[n % len(KINDS)]


def home_page(kind: str | None = None):
    """The home page is a block page (every time it is asked for); the rest passes."""
    return lambda path, n: (kind or _rotating(n)) if path in ("/", "/index.html") else None


def after(requests: int, kind: str | None = None):
    """Everything passes until `requests` page requests have gone through, then is blocked."""
    return lambda path, n: (kind or _rotating(n)) if n > requests else None


def column_pages(kind: str | None = None):
    """Column and list pages (a directory or its index.html, the home page apart) are blocked;
    articles, attachments and the home page pass."""
    def policy(path, n):
        is_list = path.endswith("/") or path.endswith("/index.html") or "/index_" in path
        return (kind or _rotating(n)) if is_list and path not in ("/", "/index.html") else None
    return policy
