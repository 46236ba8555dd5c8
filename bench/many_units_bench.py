"""Benchmark 4 (issue 7): many units with politeness off — pages per second, and where the time
goes (cProfile of the audit process, top functions by cumulative time).

    python bench/many_units_bench.py [--units 100] [--pages 200] [--profile]

Each unit is its own generated portal on its own loopback address (127.0.0.N), so units run in
parallel as separate hosts would.
"""
from __future__ import annotations

import argparse
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from genportal import generate  # noqa: E402

from zwgk.sample_portals.server import SampleServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zwgk-many-"))
    generate(work / "site", args.pages, date(2023, 3, 15))
    servers = [SampleServer(work / "site", host=f"127.0.0.{i + 2}") for i in range(args.units)]
    units = work / "units.yaml"
    units.write_text("units:\n" + "".join(
        f"  - {{name: 单位{i:03d}, type: county, url: '{s.url}'}}\n" for i, s in enumerate(servers)), encoding="utf-8")
    env = {"ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
           "ZWGK_CONCURRENT_REQUESTS": "64", "ZWGK_MAX_PARALLEL_HOSTS": "16", "ZWGK_ROBOTSTXT_OBEY": "0"}
    cmd = [sys.executable] + (["-m", "cProfile", "-o", str(work / "prof.out")] if args.profile else []) + [
        "-m", "zwgk", "audit", "--units", str(units), "--no-browser", "--no-cache", "--as-of", "2023-03-15",
        "--db", f"sqlite:///{work}/z.db", "--out", str(work / "out"), "--max-pages", str(args.pages * 2)]
    import os
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env})
    elapsed = time.perf_counter() - t
    for s in servers:
        s.stop()
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    import sqlite3
    pages = sqlite3.connect(f"{work}/z.db").execute("select count(*) from pages where external = 0").fetchone()[0]
    print(f"{args.units} units x ~{args.pages} pages: {pages} pages in {elapsed:.1f}s = {pages / elapsed:.1f} pages/s")
    if args.profile:
        stats = pstats.Stats(str(work / "prof.out"))
        total = stats.total_tt
        print("where the time goes (cumulative, share of the audit):")
        rows = sorted(((v[3], f"{k[0].rsplit('/', 2)[-1]}:{k[2]}") for k, v in stats.stats.items()
                       if "/work/" in k[0] or "crawler" in k[0] or "checks" in k[0]), reverse=True)
        for cum, name in rows[:15]:
            print(f"  {cum / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
