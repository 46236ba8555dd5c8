"""Politeness measured on the server's side: a portal never gets more requests at once than
CONCURRENT_REQUESTS_PER_DOMAIN, even with many pages queued (Scrapy 2.19's own downloader gave
10–15 at once with a cap of 4; crawler/downloader.py)."""
import json
import os
import subprocess
import sys

from tests.webkit import Routes
from zwgk.crawler import settings as zwgk_settings


def _portal(pages: int) -> dict:
    links = "".join(f'<a href="/news/{i}.html">新闻{i}</a> ' for i in range(pages))
    routes = {"/": f"<html><head><title>门户</title></head><body>{links}</body></html>"}
    routes.update({f"/news/{i}.html": f"<html><head><title>新闻{i}</title></head><body>正文{i}</body></html>"
                   for i in range(pages)})
    return routes


def _crawl(url: str, **env) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "zwgk", "crawl", url, "--ignore-robots"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ZWGK_AUTOTHROTTLE_ENABLED": "0", **env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()][:-1]


def test_a_host_never_gets_more_requests_at_once_than_the_cap():
    cap = zwgk_settings.CONCURRENT_REQUESTS_PER_DOMAIN
    with Routes(_portal(60), delay=0.05) as server:
        snaps = _crawl(server.url)
        assert len([s for s in snaps if s["status"] == 200]) == 61
        assert server.most_at_once <= cap
        assert server.most_at_once >= 2          # and the cap is used: pages are fetched in parallel


def test_the_cap_follows_the_setting():
    with Routes(_portal(30), delay=0.05) as server:
        _crawl(server.url, ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN="1")
        assert server.most_at_once == 1
