"""python -m zwgk.sample_portals [--as-of YYYY-MM-DD] [--dest DIR] [--only NAME ...]

Builds the sample portals and serves each on its own 127.0.0.1 port until Ctrl-C.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from .expected import EXPECTED
from .portals import PORTALS
from .server import serve_all, stop_all


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zwgk.sample_portals", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="date the content is made fresh for (default: today)")
    parser.add_argument("--dest", type=Path, help="where to write the sites (default: a temp dir)")
    parser.add_argument("--only", nargs="+", choices=list(PORTALS), help="serve only these portals")
    args = parser.parse_args(argv)

    dest = args.dest or Path(tempfile.mkdtemp(prefix="zwgk-sample-portals-"))
    servers = serve_all(dest, args.as_of, args.only)
    print(f"sample portals as of {args.as_of}, files in {dest}")
    for name, server in servers.items():
        for key, unit in EXPECTED[name]["units"].items():
            problems = len(unit["problems"])
            print(f"  {name:12} {unit['type']:12} {server.url.rstrip('/')}{unit['url']}"
                  f"  {unit['name']} ({problems} planted problems)")
    print("Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all(servers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
