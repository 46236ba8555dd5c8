"""Benchmark 5 (issue 7): requests per verdict. Audit a generated portal with the default page
budget and with no budget; the verdicts must be identical while the budgeted audit fetches a
small share of the pages (target ≤ 20%): the crawl goes where the rules need it.

"No budget" is a budget of twice the portal's pages: the whole site fits, so the crawl plan
(zwgk/checks/needs.py) fetches the articles and list pages it would otherwise skip, and that
audit sees every page — the reference the budgeted verdicts are compared with.

    python bench/budget_bench.py [--pages 5000]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from genportal import generate  # noqa: E402

from zwgk.sample_portals.server import serve  # noqa: E402


def audit(work: Path, units: Path, name: str, *extra) -> tuple[int, dict]:
    env = {**os.environ, "ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
    db = work / f"{name}.db"
    proc = subprocess.run([sys.executable, "-m", "zwgk", "audit", "--units", str(units), "--no-browser",
                           "--no-cache", "--as-of", "2023-03-15", "--db", f"sqlite:///{db}",
                           "--out", str(work / f"out-{name}"), *extra], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    con = sqlite3.connect(db)
    pages = con.execute("select count(*) from pages where external = 0").fetchone()[0]
    verdicts = dict(con.execute("select rule, status from results").fetchall())
    return pages, verdicts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=5000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zwgk-budget-"))
    n = generate(work / "site", args.pages, date(2023, 3, 15))
    server = serve(work / "site")
    units = work / "units.yaml"
    units.write_text(f"units:\n  - {{name: 基准门户, type: county, url: '{server.url}'}}\n", encoding="utf-8")
    try:
        budget_pages, budget_verdicts = audit(work, units, "budget")
        full_pages, full_verdicts = audit(work, units, "full", "--max-pages", str(n * 2))
    finally:
        server.stop()
    differ = {r: (budget_verdicts.get(r), s) for r, s in full_verdicts.items() if budget_verdicts.get(r) != s}
    print(f"portal: {n} pages; no budget fetched {full_pages}; default budget fetched {budget_pages} "
          f"= {budget_pages / full_pages:.0%} of the pages (target <= 20%)")
    print(f"verdicts identical: {not differ}" + (f" — differ: {differ}" if differ else ""))


if __name__ == "__main__":
    main()
