"""Stand-ins for an intranet, and zwgk run with a tripwire, for the SSRF tests.

`RecordingServer` listens on a loopback address (127.0.0.2, 127.0.0.3, [::1] stand in for the
intranet) and records every TCP connection it accepts before reading a byte, so a test can assert
it got none at all. `run_guarded(argv, dns)` runs the zwgk CLI in a subprocess
(tests/hostile/guarded_run.py) whose every socket connect() outside loopback is refused and
recorded, and whose name resolution is a test double: the names in `dns` get the given loopback
addresses, address literals and `localhost` are read by getaddrinfo (numerically, or from
/etc/hosts), every other name gets no answer — no DNS query ever leaves the machine.
"""
from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.hostile.run import HOSTILE_ENV

ROOT = Path(__file__).resolve().parents[2]


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, host: str, routes: dict | None = None, port: int = 0):
        assert ipaddress.ip_address(host).is_loopback, f"test servers bind to loopback only, not {host}"
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.routes = routes if routes is not None else {}
        self.connections: list = []                     # one peer address per accepted connection
        self.requests: list[tuple[str, str]] = []       # (method, path with query)
        self._lock = threading.Lock()
        super().__init__((host, port), _Handler)
        self.host, self.port = host, self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://{f'[{self.host}]' if ':' in self.host else self.host}:{self.port}"

    def get_request(self):
        conn, addr = super().get_request()
        with self._lock:
            self.connections.append(addr)
        return conn, addr

    def paths(self) -> set[str]:
        with self._lock:
            return {p.split("?", 1)[0] for _, p in self.requests}

    def reset(self):
        with self._lock:
            self.connections.clear()
            self.requests.clear()

    def stop(self):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def _answer(self, body_wanted: bool):
        server = self.server
        with server._lock:
            server.requests.append((self.command, self.path))
        status, headers, body = server.routes.get(self.path.split("?", 1)[0],
                                                  (200, {"Content-Type": "text/plain"}, b"intranet"))
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body_wanted:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


def html(body: str) -> tuple:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{body}</body></html>"


def redirect(location: str, status: int = 302) -> tuple:
    return status, {"Location": location}, b""


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def same_port(hosts: list[str]) -> list[RecordingServer]:
    """Servers on one free port of several loopback addresses (localhost:P and 127.0.0.2:P)."""
    for _ in range(50):
        servers = [RecordingServer(hosts[0])]
        try:
            servers += [RecordingServer(h, port=servers[0].port) for h in hosts[1:]]
        except OSError:
            for s in servers:
                s.stop()
            continue
        return servers
    raise RuntimeError("no free port common to " + ", ".join(hosts))


def run_guarded(tmp_path: Path, argv: list[str], dns: dict, env: dict | None = None,
                timeout: int = 180) -> tuple[subprocess.CompletedProcess, dict]:
    """(the process, what it connected to) for `zwgk *argv` behind the tripwire and test DNS."""
    config, result = tmp_path / f"guarded-{len(list(tmp_path.iterdir()))}.json", tmp_path / "result.json"
    config.write_text(json.dumps({"argv": argv, "dns": dns, "result": str(result)}), encoding="utf-8")
    full_env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    # names are looked up, by guarded_run's test DNS (never the machine's): tests/conftest.py
    # turns lookups off for every other zwgk run
    full_env.update(HOSTILE_ENV, ZWGK_NETGUARD_RESOLVE_NAMES="1", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "tests.hostile.guarded_run", str(config)], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=timeout)
    assert result.exists(), proc.stderr[-3000:]
    seen = json.loads(result.read_text(encoding="utf-8"))
    assert seen["tripwire"] == [], f"connections outside loopback: {seen['tripwire']}"
    return proc, seen
