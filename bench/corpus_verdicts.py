"""Verdicts on real pages: `zwgk check` on every real HTML page of the shared corpus, each served
alone on 127.0.0.1 as its unit's start URL with the rest of its site unreachable (the connection
is dropped), and every fail and warn listed for a reader to judge. tests/test_corpus_start_pages.py
asserts the result without the browser; this prints it, with Chromium too.

    unshare -n sh -c 'ip link set lo up; python bench/corpus_verdicts.py [--browser] [HOST …]'

Run it in a network namespace with only loopback (as root, `unshare -n`): the real pages link to
real hosts, and nothing may be sent beyond 127.0.0.0/8. ZWGK_NETGUARD_RESOLVE_NAMES=0 is set too.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REALPAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "shared" / "realpages"


def serve(root: Path) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = root / self.path.split("?")[0].lstrip("/")
            if self.path == "/robots.txt":
                self.send_response(404)
                self.end_headers()
            elif not path.is_file():          # the rest of the site: could not be fetched
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            else:
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_HEAD = do_GET

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--browser", action="store_true", help="run the browser checks too (Chromium)")
    ap.add_argument("hosts", nargs="*", help="only pages whose path contains one of these")
    args = ap.parse_args()
    rows = csv.DictReader((REALPAGES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
    pages = [r["file"] for r in rows if not r["file"].endswith(".txt")
             and (not args.hosts or any(h in r["file"] for h in args.hosts))]
    env = {**os.environ, "ZWGK_NETGUARD_RESOLVE_NAMES": "0"}
    out, tally = Path(tempfile.mkdtemp()), Counter()
    for i, file in enumerate(pages):
        host, path = file.split("/", 1)
        srv = serve(REALPAGES / host)
        url = f"http://127.0.0.1:{srv.server_address[1]}/{path}"
        proc = subprocess.run([sys.executable, "-m", "zwgk", "check", url, "--json", "-", "--unit", host,
                               "--db", f"sqlite:///{out}/{i}.db", "--out", str(out / f"o{i}"),
                               *([] if args.browser else ["--no-browser"])],
                              capture_output=True, text=True, timeout=900, env=env)
        srv.shutdown()
        try:
            card = json.loads(proc.stdout)
        except ValueError:
            print(f"!! {file}: exit {proc.returncode} {proc.stderr.strip()[-300:]}")
            continue
        counts = Counter(r["status"] for r in card["results"])
        tally.update(counts)
        print(f"== {file} exit {proc.returncode} {dict(counts)}")
        for r in card["results"]:
            if r["status"] in ("fail", "warn"):
                said = "; ".join(f["message"][:160] for f in r["findings"] if f["status"] == r["status"])
                print(f"   {r['status']:4} {r['rule']}: {said}")
    print("TOTAL", dict(tally))


if __name__ == "__main__":
    main()
