"""A real threaded HTTP server on 127.0.0.1 serving a dict of routes, for spider tests."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Routes(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: dict, delay: float = 0.0, drop_missing: bool = False):
        """routes: "/path?query" or "/path" -> body (str: UTF-8 html) or (status, headers, bytes).
        delay: seconds every answer waits (a slow portal). drop_missing: a path with no route is
        answered by closing the connection (a page that could not be fetched), not by a 404 (a
        page seen, and broken)."""
        self.routes = routes
        self.delay = delay
        self.drop_missing = drop_missing
        self.hits: list[str] = []
        self.in_flight = 0
        self.most_at_once = 0          # the most requests this server was answering at one time
        self._count_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def stop(self):
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, head_only: bool):
        server = self.server
        with server._count_lock:
            server.in_flight += 1
            server.most_at_once = max(server.most_at_once, server.in_flight)
        try:
            self._respond(head_only)
        finally:
            with server._count_lock:
                server.in_flight -= 1

    def _respond(self, head_only: bool):
        self.server.hits.append(self.path)
        if self.server.delay:
            import time
            time.sleep(self.server.delay)
        route = self.server.routes.get(self.path) or self.server.routes.get(self.path.split("?", 1)[0])
        if route is None and self.server.drop_missing:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/html; charset=utf-8"}, "<h1>404</h1>".encode()
        elif isinstance(route, str):
            status, headers, body = 200, {"Content-Type": "text/html; charset=utf-8"}, route.encode("utf-8")
        else:
            status, headers, body = route
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(False)

    def do_HEAD(self):
        self._answer(True)


def crawl(url: str, *args: str) -> tuple[list[dict], dict]:
    """Run `zwgk crawl` in a subprocess (a Twisted reactor cannot restart in one process);
    returns (snapshots as dicts, the closing summary line)."""
    proc = subprocess.run([sys.executable, "-m", "zwgk", "crawl", url, *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    return lines[:-1], lines[-1]


def zwgk(*args: str, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run zwgk in a subprocess; env: variables added to this process's environment."""
    return subprocess.run([sys.executable, "-m", "zwgk", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **env} if env else None)


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (an unreachable site)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
