"""Benchmarks of the nightly audit (issue 7), as ratios measured in one process tree.

    python bench/audit_bench.py [--pages 2000]

1. full audit vs a bare Scrapy crawl of the same pages with the same settings (target ≤ 1.3×)
2. re-audit of the unchanged site with the HTTP cache vs the first audit (target ≤ 0.25×)
3. peak memory (max RSS) of the audit process
Every run fetches the same generated portal from a threaded static server on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from genportal import generate  # noqa: E402
from crawler.sample_portals.server import serve  # noqa: E402


def run(cmd, env=None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of this child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    n = generate(work / "site", args.pages, __import__("datetime").date(2023, 3, 15))
    server = serve(work / "site")
    url = server.url
    units = work / "units.yaml"
    units.write_text(f"units:\n  - name: 基准门户\n    type: county\n    url: {url}\n", encoding="utf-8")
    fast = {"ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
    audit = [sys.executable, "-m", "crawler.cli", "audit", "--units", str(units), "--no-browser",
             "--max-pages", str(n * 2), "--as-of", "2023-03-15"]
    try:
        bare_s, bare_mb, out = run([sys.executable, str(HERE / "bare_crawl.py"), url], fast)
        bare_pages = int(out.strip().splitlines()[-1])
        cache = {**fast, "ZWGK_HTTPCACHE_ENABLED": "1", "ZWGK_HTTPCACHE_DIR": str(work / "cache")}
        first_s, first_mb, _ = run(audit + ["--db", f"sqlite:///{work}/a.db", "--out", str(work / "out1")], cache)
        second_s, _, _ = run(audit + ["--db", f"sqlite:///{work}/a.db", "--out", str(work / "out2")], cache)
    finally:
        server.stop()
    print(f"portal: {n} pages generated; bare crawl fetched {bare_pages}")
    print(f"1. full audit / bare crawl      = {first_s:.1f}s / {bare_s:.1f}s = {first_s / bare_s:.2f}x  (target <= 1.3x)")
    print(f"2. cached re-audit / first audit = {second_s:.1f}s / {first_s:.1f}s = {second_s / first_s:.2f}x  (target <= 0.25x)")
    print(f"3. peak RSS: audit {first_mb:.0f} MB (bare crawl {bare_mb:.0f} MB)")


if __name__ == "__main__":
    main()
