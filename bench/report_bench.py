"""How the scorecard site scales with history: a synthetic results database of 60 units × 30
complete audits (real zwgk.storage.database.Store, real rulebook), then `zwgk report`'s work — history
queries, cards, the whole site — compared with the same units after a single audit.

    python bench/report_bench.py [--units 60] [--audits 30] [--keep DIR]

Prints times and ratios; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reportkit import synthetic_db  # noqa: E402
from zwgk.checks.rulebook import load_rulebook  # noqa: E402
from zwgk.publish import cards_for_run  # noqa: E402
from zwgk.reports.html import write_site  # noqa: E402
from zwgk.storage.history import build_history  # noqa: E402


def timed(fn, *args, **kw):
    t = time.perf_counter()
    value = fn(*args, **kw)
    return value, time.perf_counter() - t


def report(store, book, out: Path) -> dict:
    run = store.latest_complete_run()
    hist, t_hist = timed(build_history, store, run["id"])
    (cards, reachable), t_cards = timed(cards_for_run, store, run["id"])
    _, t_site = timed(write_site, out, cards, run["id"], run["rulebook"], run["as_of"],
                      reachable=reachable, book=book, history=hist)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    findings = sum(len(r["findings"]) for c in cards for r in c["results"])
    return {"history": t_hist, "cards": t_cards, "site": t_site, "total": t_hist + t_cards + t_site,
            "files": sum(1 for _ in out.iterdir()), "bytes": size, "findings": findings,
            "index_bytes": (out / "index.html").stat().st_size}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--audits", type=int, default=30)
    ap.add_argument("--keep", help="keep the databases and sites here")
    args = ap.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    book = load_rulebook("jiangmen-2022")

    one, t_one = timed(synthetic_db, f"sqlite:///{root}/one.db", args.units, 1)
    many, t_many = timed(synthetic_db, f"sqlite:///{root}/many.db", args.units, args.audits)
    print(f"synthetic databases: {args.units} units × 1 audit in {t_one:.1f} s, "
          f"× {args.audits} audits in {t_many:.1f} s  ({root})")
    base = report(one, book, root / "site-one")
    full = report(many, book, root / "site-many")
    print(f"{'step':<10}{'1 audit':>12}{f'{args.audits} audits':>14}{'ratio':>8}")
    for key in ("history", "cards", "site", "total"):
        ratio = full[key] / base[key] if base[key] else float("nan")
        print(f"{key:<10}{base[key]:>11.2f}s{full[key]:>13.2f}s{ratio:>8.2f}")
    print(f"site: {full['files']} files, {full['bytes'] / 1e6:.1f} MB, index.html {full['index_bytes'] / 1e3:.0f} kB, "
          f"{full['findings']} findings on the current audit")
    print(f"history share of the report with {args.audits} audits: {full['history'] / full['total']:.0%}; "
          f"per unit page and its share of tables: {full['total'] / args.units * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
