"""A static server for benchmarks that is never the bottleneck: nginx (Debian package `nginx`)
serving a folder on 127.0.0.1, with ETag/Last-Modified and 304s as any static server sends.

    server = start_nginx(root)      # None when nginx is not installed
    server.url ... server.stop()

The Python threaded server shares its process's GIL between its threads, so on a 2-core machine
it can fall behind a fast client and make both sides of a ratio wait on it.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_CONF = """
worker_processes 1;
daemon off;
user root;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ text/html html htm shtml; text/css css; application/javascript js; text/plain txt;
            application/pdf pdf; image/png png; image/jpeg jpg jpeg; image/gif gif;
            application/json json; application/xml xml; }}
    default_type application/octet-stream;
    charset utf-8;
    client_body_temp_path {run}/body; proxy_temp_path {run}/proxy; fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi; scgi_temp_path {run}/scgi;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


class Nginx:
    def __init__(self, proc, run: Path, port: int):
        self.proc, self.run, self.port = proc, run, port
        self.url = f"http://127.0.0.1:{port}/"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.run, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(root: Path) -> Nginx | None:
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if exe is None:
        return None
    run = Path(tempfile.mkdtemp(prefix="zwgk-nginx-"))
    port = _free_port()
    conf = run / "nginx.conf"
    conf.write_text(_CONF.format(run=run, port=port, root=Path(root).resolve()), encoding="utf-8")
    proc = subprocess.Popen([exe, "-c", str(conf), "-p", str(run)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return Nginx(proc, run, port)
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"nginx did not start: {proc.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("nginx did not start listening")
