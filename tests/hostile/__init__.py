"""A hostile web server for robustness tests: real HTTP on 127.0.0.1, threaded, every endless
behaviour bounded so the server stops by itself (a slow drip ends after a few seconds, a calendar
trap is infinite only in the links it offers).

    with HostileServer(portal()) as srv:
        zwgk("check", srv.url, ...)

Routes map a path (query ignored) to a handler `fn(request) -> None` that writes the whole answer
through the BaseHTTPRequestHandler it gets. tests/hostile/pages.py builds the hostile pages.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_DRIP_SECONDS = 6.0       # the longest any handler keeps a connection open


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64

    def __init__(self, routes: dict, default=None):
        self.routes = routes
        self.default = default
        self.hits: list[str] = []
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def count(self, path: str) -> int:
        with self._lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            self.hits.append(path)
            return self.counts[path]

    def stop(self):
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def handle_error(self, request, client_address):
        pass     # clients hanging up on a drip or a bomb is the point, not an error


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    @property
    def query(self) -> dict:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _dispatch(self):
        path = urlsplit(self.path).path
        self.nth = self.server.count(self.path)
        handler = self.server.routes.get(path)
        if handler is None:
            for prefix, fn in self.server.routes.items():
                if prefix.endswith("*") and path.startswith(prefix[:-1]):
                    handler = fn
                    break
        handler = handler or self.server.default or not_found
        try:
            handler(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            pass

    do_GET = _dispatch

    def do_HEAD(self):
        self.head_only = True
        self._dispatch()

    head_only = False


# -- building blocks for handlers -----------------------------------------------------------------
def send(req, body: bytes, ctype="text/html; charset=utf-8", status=200, headers=None, length=True):
    req.send_response(status)
    if ctype:
        req.send_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        req.send_header(k, v)
    if length:
        req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    if not req.head_only:
        req.wfile.write(body)


def respond(body: bytes | str, ctype="text/html; charset=utf-8", status=200, headers=None, length=True):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda req: send(req, data, ctype, status, headers, length)


def not_found(req):
    send(req, "<html><head><title>404</title></head><body>404 Not Found</body></html>".encode(), status=404)


def reset(req):
    """Abort the connection with a TCP RST before any answer."""
    req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    req.connection.close()
    req.close_connection = True


def sleep_then(seconds: float, inner):
    def handler(req):
        time.sleep(min(seconds, MAX_DRIP_SECONDS))
        inner(req)
    return handler


def drip(req, first: bytes = b"<html><head><title>\xe6\x85\xa2</title></head><body>", every=0.25):
    """Headers at once, then one byte every `every` seconds until MAX_DRIP_SECONDS or hang-up."""
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.end_headers()
    req.wfile.write(first)
    req.wfile.flush()
    end = time.monotonic() + MAX_DRIP_SECONDS
    while time.monotonic() < end:
        time.sleep(every)
        req.wfile.write(b"x")
        req.wfile.flush()


def stream(req, total: int, chunk: bytes, declare_length: bool, ctype="text/html; charset=utf-8"):
    """`total` bytes of `chunk` repeated, stopping when the client hangs up."""
    req.send_response(200)
    req.send_header("Content-Type", ctype)
    if declare_length:
        req.send_header("Content-Length", str(total))
    req.end_headers()
    if req.head_only:
        return
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        req.wfile.write(piece)
        sent += len(piece)


def truncated(req, body: bytes, claimed: int):
    """Promise `claimed` bytes, send `body`, hang up."""
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.send_header("Content-Length", str(claimed))
    req.end_headers()
    req.wfile.write(body)
    req.wfile.flush()
    req.close_connection = True


def flaky(fail_times: int, status: int, then):
    """`status` for the first `fail_times` requests of each distinct path+query, then `then`."""
    def handler(req):
        if req.nth <= fail_times:
            send(req, f"<html><body>{status}</body></html>".encode(), status=status)
        else:
            then(req)
    return handler


def redirect(location_of, status=302):
    def handler(req):
        send(req, b"", ctype="text/html", status=status, headers={"Location": location_of(req)})
    return handler
