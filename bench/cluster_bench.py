"""Issue 9 benchmark: one worker vs two workers on this machine, against a generated multi-host
portal set, with the per-host cap checked on the servers' side.

    eval "$(.ci/services.sh)"          # a real Redis and PostgreSQL on loopback
    python bench/cluster_bench.py [--hosts 8] [--pages 150] [--delay 0.02]

Each host is the same generated portal (bench/genportal.py) served on its own loopback address
(127.0.0.N) by a threaded static server that answers after `--delay` seconds (a real server is
not instant, and without a delay requests never overlap, so the cap could not be seen) and
records the most requests it was ever serving at once. Both runs are `zwgk audit --redis …
--workers W` (AutoThrottle off, HTTP cache off, no browser) on a fresh PostgreSQL database.

Prints wall time, pages, pages/s, CPU seconds per page of the whole process tree, the speed-up
of two workers over one, and per host the most concurrent requests seen against the cap
(CONCURRENT_REQUESTS_PER_DOMAIN): the cap must hold with two workers as with one.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from genportal import generate  # noqa: E402

CAP = 4      # CONCURRENT_REQUESTS_PER_DOMAIN, set explicitly for both runs


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str, delay: float):
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.requests = 0
        super().__init__((host, 0), partial(_Handler, directory=str(root)))
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def reset(self):
        with self.lock:
            self.in_flight = self.most = self.requests = 0


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _counted(self, method):
        server = self.server
        with server.lock:
            server.in_flight += 1
            server.requests += 1
            server.most = max(server.most, server.in_flight)
        try:
            time.sleep(server.delay)
            method()
        finally:
            with server.lock:
                server.in_flight -= 1

    def do_GET(self):
        self._counted(super().do_GET)

    def do_HEAD(self):
        self._counted(super().do_HEAD)


def fresh_postgres(admin: str) -> str:
    import uuid

    import sqlalchemy as sa
    name = f"zwgk_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + f"/{name}"


def run(workers: int, units: Path, work: Path, redis: str, admin_pg: str, pages: int) -> dict:
    import redis as redis_lib
    import sqlalchemy as sa
    redis_lib.Redis.from_url(redis).flushdb()
    db = fresh_postgres(admin_pg)
    env = {**os.environ, "ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_ROBOTSTXT_OBEY": "0",
           "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": str(CAP), "ZWGK_CONCURRENT_REQUESTS": "32"}
    cmd = [sys.executable, "-m", "zwgk", "audit", "--units", str(units), "--no-browser", "--no-cache",
           "--as-of", "2023-03-15", "--db", db, "--out", str(work / f"out{workers}"),
           "--max-pages", str(pages * 2), "--redis", redis, "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    engine = sa.create_engine(db)
    with engine.connect() as conn:
        fetched = conn.execute(sa.text("select count(*) from pages where external = false")).scalar()
    engine.dispose()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"workers": workers, "seconds": elapsed, "pages": fetched, "cpu": cpu}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--delay", type=float, default=0.02)
    args = ap.parse_args()
    redis = os.environ.get("ZWGK_TEST_REDIS_URL")
    admin_pg = os.environ.get("ZWGK_TEST_POSTGRES_URL")
    if not redis or not admin_pg:
        raise SystemExit('start the services first: eval "$(.ci/services.sh)"')
    redis = redis.rsplit("/", 1)[0] + "/8"
    work = Path(tempfile.mkdtemp(prefix="zwgk-cluster-"))
    generate(work / "site", args.pages, date(2023, 3, 15))
    servers = [CountingServer(work / "site", f"127.0.0.{i + 2}", args.delay) for i in range(args.hosts)]
    units = work / "units.yaml"
    units.write_text("units:\n" + "".join(
        f"  - {{name: 单位{i:03d}, type: county, url: '{s.url}'}}\n" for i, s in enumerate(servers)),
        encoding="utf-8")
    results = []
    for workers in (1, 2):
        for s in servers:
            s.reset()
        r = run(workers, units, work, redis, admin_pg, args.pages)
        r["most"] = max(s.most for s in servers)
        results.append(r)
        print(f"{workers} worker(s): {r['pages']} pages in {r['seconds']:.1f}s = {r['pages'] / r['seconds']:.1f} pages/s; "
              f"CPU {r['cpu']:.1f}s = {1000 * r['cpu'] / max(1, r['pages']):.1f} ms/page; "
              f"most concurrent requests on one host: {r['most']} (cap {CAP})")
    one, two = results
    print(f"speed-up of 2 workers over 1: {one['seconds'] / two['seconds']:.2f}x "
          f"(machine: {os.cpu_count()} CPUs)")
    held = all(r["most"] <= CAP for r in results)
    print(f"per-host cap held in both runs: {'yes' if held else 'NO'}")
    for s in servers:
        s.shutdown()
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()
