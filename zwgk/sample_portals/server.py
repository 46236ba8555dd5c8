"""Serve a built sample portal over real HTTP on 127.0.0.1 (one portal per port).

    with serve(root) as server:
        urllib.request.urlopen(server.url + "zwgk/tzgg/")

Like the web servers in front of real 政府网站: a directory serves its index.html, a missing file is
a real 404 with the portal's own 404.html, HEAD works, Last-Modified is sent and If-Modified-Since
answers 304. HTML of a UTF-8 portal is labelled `text/html; charset=utf-8`; a GBK portal's HTML is
labelled plain `text/html` (no charset, as many real servers do), leaving the page's own
<meta charset=gb2312> to the client. A portal marked `security_headers` (the compliant twins) gets
X-Content-Type-Options: nosniff and X-Frame-Options: SAMEORIGIN on every response, as a hardened
real server would; the flawed twins send neither. Which is which comes from the portal's
`_portal.json`.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import MARKER, build_portals

_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css",
    ".js": "application/javascript", ".txt": "text/plain", ".json": "application/json",
    ".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".ico": "image/x-icon",
    ".pdf": "application/pdf", ".xml": "application/xml",
}
_TEXT = {"text/html", "text/css", "application/javascript", "text/plain"}
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"))


class _Handler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler (HEAD, Last-Modified, If-Modified-Since -> 304, directory ->
    index.html, /dir -> 301 /dir/) with per-portal Content-Type, real 404 pages, no directory
    listings, hidden marker files and no logging."""

    server_version = "zwgk-sample-portal"
    charset: str | None = None           # set per portal via functools.partial
    security_headers: bool = False

    def __init__(self, *args, charset=None, security_headers=False, **kwargs):
        self.charset = charset
        self.security_headers = security_headers
        super().__init__(*args, **kwargs)

    def end_headers(self):
        if self.security_headers:
            for name, value in SECURITY_HEADERS:
                self.send_header(name, value)
        super().end_headers()

    def guess_type(self, path):
        suffix = Path(str(path)).suffix.lower()
        ctype = _TYPES.get(suffix, "application/octet-stream")
        if self.charset and ctype in _TEXT:
            ctype += f"; charset={self.charset}"
        return ctype

    def send_head(self):
        # Marker and other underscore files belong to the build, not to the portal.
        if any(part.startswith("_") for part in self.path.split("?")[0].split("/")):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", self.guess_type(page))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        pass


class SampleServer:
    """One portal served by a ThreadingHTTPServer in a daemon thread; a context manager."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root)
        info = _portal_info(self.root)
        self.name = info.get("name", self.root.name)
        self.info = info
        charset = "utf-8" if info.get("charset_in_header", True) else None
        handler = partial(_Handler, directory=str(self.root), charset=charset,
                          security_headers=bool(info.get("security_headers", False)))
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"sample-portal-{self.name}",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> "SampleServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SampleServer({self.name!r}, {self.url!r})"


def _portal_info(root: Path) -> dict:
    marker = root / MARKER
    if marker.is_file():
        return json.loads(marker.read_text(encoding="utf-8"))
    return {}


def serve(root: Path, port: int = 0) -> SampleServer:
    """Start serving one built portal on 127.0.0.1 (port 0: any free port)."""
    return SampleServer(root, port=port)


def serve_all(dest: Path, as_of: dt.date, names=None) -> dict[str, SampleServer]:
    """Build every sample portal under dest and serve each on its own port."""
    servers = {}
    try:
        for name, root in build_portals(dest, as_of, names).items():
            servers[name] = serve(root)
    except BaseException:
        stop_all(servers)
        raise
    return servers


def stop_all(servers: dict) -> None:
    for server in servers.values():
        server.stop()
