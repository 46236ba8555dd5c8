"""Benchmarks of the nightly audit (issue 7), as ratios measured in one process tree.

    python bench/audit_bench.py [--pages 2000]
    python bench/audit_bench.py --pages 20000 --memory-only     # benchmark 3 alone
    python bench/audit_bench.py --pages 1000 --polite 0.15       # benchmark 2 as a portal sees it

1. full audit vs a bare Scrapy crawl of the same pages with the same settings (target ≤ 1.3×)
2. re-audit of the unchanged site with the HTTP cache vs the first audit (target ≤ 0.25×);
   with --polite SECONDS, measured the way a real portal sets the pace: zwgk's shipped politeness
   (AutoThrottle on, 4 requests at once per host) against a server that takes SECONDS to answer
3. peak memory (max RSS) of the audit process (target ≤ 400 MB at 20,000 pages); with
   --memory-only, one audit and nothing else (a 20,000-page audit takes minutes)
Every run fetches the same generated portal from a threaded static server on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from genportal import generate  # noqa: E402
from nginx import Nginx, start_nginx  # noqa: E402

from zwgk.sample_portals.server import serve  # noqa: E402

CPU: list = []     # CPU seconds (user + system) of each run() child, in order


def run(cmd, env=None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of this child, stdout); its CPU seconds are appended to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed, max(after.ru_maxrss, before.ru_maxrss) / 1024, proc.stdout


def crawl_stats(log: Path) -> tuple[float, int]:
    """(seconds the crawl took, requests sent) from Scrapy's stats in an audit's log file: the
    crawl part of an audit, apart from the checks and storage."""
    text = log.read_text(encoding="utf-8", errors="replace")
    seconds = sum(float(x) for x in re.findall(r"'elapsed_time_seconds': ([0-9.]+)", text))
    requests = sum(int(x) for x in re.findall(r"'downloader/request_count': (\d+)", text))
    return seconds, requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3, help="benchmarks 1 and 2: rounds whose medians are reported")
    ap.add_argument("--server", choices=("auto", "nginx", "python"), default="auto",
                    help="the static server: nginx when installed (auto), or the Python threaded one")
    ap.add_argument("--memory-only", action="store_true", help="only benchmark 3: one audit, its peak RSS")
    ap.add_argument("--polite", type=float, metavar="SECONDS",
                    help="only benchmark 2, with the shipped politeness, the server answering after SECONDS")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    try:
        measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_polite(args, work: Path):
    """Benchmark 2 with the settings zwgk ships (AutoThrottle, per-host cap) against a server
    with a realistic answer time: the pace a real portal allows, which is what a re-audit saves."""
    from cluster_bench import CountingServer  # threaded static server with a delay (304s included)
    n = generate(work / "site", args.pages, __import__("datetime").date(2023, 3, 15))
    server = CountingServer(work / "site", "127.0.0.1", args.polite)
    units = work / "units.yaml"
    units.write_text(f"units:\n  - name: 基准门户\n    type: county\n    url: {server.url}\n", encoding="utf-8")
    audit = [sys.executable, "-m", "zwgk", "audit", "--units", str(units), "--no-browser",
             "--max-pages", str(n * 2), "--as-of", "2023-03-15", "--db", f"sqlite:///{work}/a.db"]
    env = {"ZWGK_HTTPCACHE_DIR": str(work / "cache")}
    try:
        first_s, _, _ = run(audit + ["--out", str(work / "out1")], env)
        first_requests = server.requests
        second_s, _, _ = run(audit + ["--out", str(work / "out2")], env)
    finally:
        server.shutdown()
    print(f"portal: {n} pages; server answers after {1000 * args.polite:.0f} ms; shipped politeness")
    print(f"2. cached re-audit / first audit = {second_s:.1f}s / {first_s:.1f}s = {second_s / first_s:.2f}x  "
          f"(target <= 0.25x); requests {server.requests - first_requests} / {first_requests}")


def measure(args, work: Path):
    if args.polite is not None:
        return measure_polite(args, work)
    n = generate(work / "site", args.pages, __import__("datetime").date(2023, 3, 15))
    server = start_nginx(work / "site") if args.server != "python" else None
    if server is None:
        if args.server == "nginx":
            raise SystemExit("nginx is not installed (apt-get install -y nginx)")
        server = serve(work / "site")
    print(f"server: {'nginx' if isinstance(server, Nginx) else 'Python threaded server'}", flush=True)
    url = server.url
    units = work / "units.yaml"
    units.write_text(f"units:\n  - name: 基准门户\n    type: county\n    url: {url}\n", encoding="utf-8")
    fast = {"ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
    audit = [sys.executable, "-m", "zwgk", "audit", "--units", str(units), "--no-browser",
             "--max-pages", str(n * 2), "--as-of", "2023-03-15"]
    cache = {**fast, "ZWGK_HTTPCACHE_ENABLED": "1", "ZWGK_HTTPCACHE_DIR": str(work / "cache")}
    if args.memory_only:
        try:
            first_s, first_mb, out = run(audit + ["--db", f"sqlite:///{work}/a.db", "--out", str(work / "out1")], cache)
        finally:
            server.stop()
        crawled = re.search(r"抓取 (\d+) 页", out)
        print(f"portal: {n} pages generated; audit crawled {crawled.group(1) if crawled else '?'} in {first_s:.0f}s")
        print(f"3. peak RSS: audit {first_mb:.0f} MB  (target <= 400 MB at 20,000 pages)")
        return
    rounds = []
    try:
        # Rounds of the four runs, interleaved, so a burst of load from another process hits one
        # round rather than one side of a ratio; the medians are reported.
        for i in range(args.rounds):
            bare_s, bare_mb, out = run([sys.executable, str(HERE / "bare_crawl.py"), url], fast)
            bare_pages = int(out.strip().splitlines()[-1])
            # "same settings": the audit keeps an HTTP cache (on by default), so the bare crawl also
            # writes one, into an empty folder as the first audit does
            bare_cache_s, _, _ = run([sys.executable, str(HERE / "bare_crawl.py"), url],
                                     {**fast, "ZWGK_HTTPCACHE_ENABLED": "1",
                                      "ZWGK_HTTPCACHE_DIR": str(work / f"bare-cache-{i}")})
            here = work / f"round-{i}"          # its own database, HTTP cache and logs
            here.mkdir()
            db = f"sqlite:///{here}/a.db"
            cache_i = {**cache, "ZWGK_HTTPCACHE_DIR": str(here / "cache")}
            first_s, first_mb, _ = run(audit + ["--db", db, "--out", str(work / f"out{i}-1")], cache_i)
            second_s, _, _ = run(audit + ["--db", db, "--out", str(work / f"out{i}-2")], cache_i)
            (c1, r1), (c2, r2) = (crawl_stats(here / "zwgk-logs" / "audit-1.log"),
                                  crawl_stats(here / "zwgk-logs" / "audit-2.log"))
            cpu = dict(zip(("bare", "bare_cache", "first", "second"), CPU[-4:]))
            rounds.append(dict(bare=bare_s, bare_cache=bare_cache_s, first=first_s, second=second_s,
                               crawl1=c1, crawl2=c2, req1=r1, req2=r2, first_mb=first_mb, bare_mb=bare_mb,
                               cpu=cpu))
            print(f"round {i + 1}: bare {bare_s:.1f}s, bare+cache {bare_cache_s:.1f}s, audit {first_s:.1f}s, "
                  f"re-audit {second_s:.1f}s (crawl parts {c1:.1f}s, {c2:.1f}s); CPU seconds "
                  + ", ".join(f"{v:.1f}" for v in cpu.values()), flush=True)
    finally:
        server.stop()

    def med(f):
        return statistics.median(f(r) for r in rounds)
    print(f"portal: {n} pages generated; bare crawl fetched {bare_pages}; medians of {len(rounds)} rounds")
    # CPU seconds of the process (the server runs in this one): steadier than wall time on a
    # shared machine, and on loopback with politeness off the crawl is bound by the CPU
    print(f"1. full audit / bare crawl      = {med(lambda r: r['first'] / r['bare']):.2f}x  (target <= 1.3x); "
          f"CPU {med(lambda r: r['cpu']['first'] / r['cpu']['bare']):.2f}x")
    print(f"   with the same HTTP cache on both sides: {med(lambda r: r['first'] / r['bare_cache']):.2f}x; "
          f"CPU {med(lambda r: r['cpu']['first'] / r['cpu']['bare_cache']):.2f}x")
    print(f"2. cached re-audit / first audit = {med(lambda r: r['second'] / r['first']):.2f}x  (target <= 0.25x); "
          f"CPU {med(lambda r: r['cpu']['second'] / r['cpu']['first']):.2f}x")
    if rounds[0]["crawl1"]:
        print(f"   crawl part: re-audit / first = {med(lambda r: r['crawl2'] / r['crawl1']):.2f}x; "
              f"requests sent {rounds[0]['req2']} / {rounds[0]['req1']}")
    print(f"3. peak RSS: audit {max(r['first_mb'] for r in rounds):.0f} MB "
          f"(bare crawl {max(r['bare_mb'] for r in rounds):.0f} MB)")


if __name__ == "__main__":
    main()
