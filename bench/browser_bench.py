"""Browser pass speed and memory, against a plain HTTP fetch of the same pages.

    python bench/browser_bench.py [--pages-per-unit 8] [--concurrency 3] [--repeat 1]

Serves the four sample portals (zwgk.sample_portals) on 127.0.0.1, collects their pages with a
small urllib crawl, then measures on the same pages:
- plain HTTP fetch (urllib, sequential): pages per minute;
- rendering only (browser pass, `render` visits: load, network idle, page.content());
- the accessibility sample (browser pass as `zwgk` runs it: load, probe, screenshot, overlays,
  axe-core, 200% zoom, and on home pages the entry click and elder-mode tests);
and prints pages/minute, the browser/plain ratios, and the peak memory of the browser pool (PSS
of Playwright's driver and every Chromium process, summed, sampled every 100 ms).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zwgk.audit import browser_pass
from zwgk.checks.rulebook import load_rulebook  # noqa: E402
from zwgk.checks.site import Site  # noqa: E402
from zwgk.crawler.browser import BrowserPool, BrowserSettings, find_chromium  # noqa: E402
from zwgk.crawler.decoding import decode_html  # noqa: E402
from zwgk.page.html import extract  # noqa: E402
from zwgk.page.snapshot import PageSnapshot  # noqa: E402
from zwgk.sample_portals import serve_all, stop_all  # noqa: E402


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=15) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def crawl(start: str, limit: int) -> list[PageSnapshot]:
    queue, seen, snaps = [(start, 0)], {start}, []
    while queue and len(snaps) < limit:
        url, depth = queue.pop(0)
        status, body, ctype = fetch(url)
        if status != 200 or "html" not in ctype:
            continue
        html = decode_html(body, ctype).text
        x = extract(html, url)
        snaps.append(PageSnapshot(url=url, final_url=url, status=status, html=html, title=x["title"],
                                  meta=x["meta"], links=x["links"], scripts=x["scripts"], depth=depth))
        for link in x["links"]:
            if link.url.startswith(start) and link.url not in seen and not link.url.endswith((".pdf", ".doc", ".docx")):
                seen.add(link.url)
                queue.append((link.url, depth + 1))
    return snaps


class MemoryWatch:
    """Peak summed PSS (MiB) of this process's descendants (Playwright driver + Chromium)."""

    def __init__(self):
        self.peak_mb = 0.0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()

    @staticmethod
    def _descendants(root: int) -> list[int]:
        parent = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = Path(f"/proc/{d}/stat").read_text()
                    parent[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    pass
        out, frontier = [], [root]
        while frontier:
            p = frontier.pop()
            kids = [c for c, pp in parent.items() if pp == p]
            out += kids
            frontier += kids
        return out

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _loop(self):
        me = os.getpid()
        while not self._stop.is_set():
            pids = self._descendants(me)
            total = sum(self._pss_kb(p) for p in pids) / 1024
            if total > self.peak_mb:
                self.peak_mb, self.peak_procs = total, len(pids)
            self._stop.wait(0.1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages-per-unit", type=int, default=8)
    ap.add_argument("--concurrency", type=int, default=3)
    ap.add_argument("--crawl-limit", type=int, default=40, help="pages collected per portal")
    args = ap.parse_args(argv)
    exe, why = find_chromium()
    if exe is None:
        print(f"no browser: {why}")
        return 1
    rulebook = load_rulebook("jiangmen-2022")
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-") as tmp:
        servers = serve_all(Path(tmp) / "portals", date(2023, 3, 15))
        try:
            units, sites = [], {}
            for name, server in servers.items():
                unit = {"name": name, "type": "county", "url": server.url}
                units.append(unit)
                sites[name] = Site(server.url, crawl(server.url, args.crawl_limit), unit=unit)
            settings = BrowserSettings(sample_size=args.pages_per_unit, concurrency=args.concurrency)

            # The accessibility sample, as the pass runs it.
            pool = BrowserPool(exe, settings, Path(tmp) / "shots")
            with MemoryWatch() as mem:
                t0 = time.monotonic()
                browser, reason = browser_pass(pool, "", units, sites, {u["name"]: {} for u in units}, rulebook, run_id=1)
                audit_s = time.monotonic() - t0
            assert browser is not None, reason
            sample = [u for s in sites.values() for u in s.browser.sample]
            errors = sum(1 for s in sites.values() for p in s.browser.pages.values() if p.error)
            launch_free = audit_s  # includes one browser launch, as in a real audit

            # Rendering only, the same pages.
            pool2 = BrowserPool(exe, settings, None)
            t0 = time.monotonic()
            rendered = pool2.fetch_rendered(sample)
            render_s = time.monotonic() - t0
            # Plain HTTP fetch of the same pages (sequential, like one Scrapy slot per host).
            t0 = time.monotonic()
            for url in sample:
                fetch(url)
            plain_s = time.monotonic() - t0
        finally:
            stop_all(servers)

    n = len(sample)
    ppm = lambda secs: n / secs * 60  # noqa: E731
    print(f"pages: {n} (sample of {len(units)} portals, ≤{args.pages_per_unit} per portal), "
          f"concurrency {args.concurrency}, Chromium {pool.version}")
    print(f"plain HTTP fetch      : {plain_s:7.2f} s  {ppm(plain_s):9.0f} pages/min")
    print(f"browser render only   : {render_s:7.2f} s  {ppm(render_s):9.1f} pages/min  "
          f"ratio plain/render {render_s / plain_s:6.0f}×  ({sum(1 for s, h in rendered.values() if h)} rendered)")
    print(f"accessibility sample  : {launch_free:7.2f} s  {ppm(audit_s):9.1f} pages/min  "
          f"ratio plain/a11y {audit_s / plain_s:6.0f}×  ({errors} page errors)")
    print(f"peak memory of browser pool: {mem.peak_mb:.0f} MiB PSS over {mem.peak_procs} processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
