"""Keep Chromium out of the intranet during the browser pass: a guarding HTTP proxy on loopback.

Chromium fetches a page's sub-resources, scripts' requests, frames and redirects itself, so the
crawler's guard (crawler/netguard.py) never sees them, and Playwright's route() is not enough: it
is not called for redirect hops (a 302 to http://127.0.0.2/ is followed unrouted). Every request
of a unit's browser contexts therefore goes through this proxy (Playwright sends loopback through
a context's proxy too). For each one it judges the target as the crawler does (zwgk.page.netaddr,
every notation), resolves the name itself and connects only to an address it checked — so a
redirect into the intranet, a name resolving to 10.x, an <img src="http://2130706434/"> are all
answered 403 without a connection. The unit's own start URL's host and port are allowed (a staging
copy on 127.0.0.1); NetPolicy.allow_internal (an audit inside a closed network) needs no proxy.

Plain HTTP requests are forwarded one per connection (Connection: close upstream); HTTPS and
WebSockets go through CONNECT tunnels to a checked address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from zwgk.crawler import settings
from zwgk.crawler.netguard import is_literal_host
from zwgk.page.netaddr import NetPolicy, is_internal_ip

MAX_HEAD = 64 * 1024
CONNECT_TIMEOUT_S = 10.0
_HOP_HEADERS = (b"proxy-connection", b"proxy-authorization", b"connection", b"keep-alive")


class Refused(Exception):
    """The target is internal (str: the reason, Chinese)."""


class GuardProxy:
    """One unit's proxy: `await start()`, give `url` to the browser context, `await close()`.
    `blocked` lists (url, reason) of every request it refused."""

    def __init__(self, policy: NetPolicy):
        self.policy = policy
        self.blocked: list[tuple[str, str]] = []
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set = set()

    async def start(self) -> "GuardProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def close(self):
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()

    # -- judging and connecting -------------------------------------------------------------
    async def _open(self, url: str, host: str, port: int):
        """A connection to a checked address of host:port, or Refused."""
        why = self.policy.refusal(url)
        if why:
            raise Refused(why)
        allowed = self.policy.allows(host, port)
        literal = host.strip("[]")
        if not settings.NETGUARD_RESOLVE_NAMES and not is_literal_host(host):
            raise ConnectionError(f"未解析域名 {host}（NETGUARD_RESOLVE_NAMES 关闭，不查询 DNS）")
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(literal, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ConnectionError(f"域名解析失败：{exc}") from None
        dropped = []
        for family, _type, proto, _name, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
            why = "" if allowed else is_internal_ip(ip)
            if why:
                dropped.append(f"{host} 解析为 {ip}：{why}")
                continue
            try:
                return await asyncio.wait_for(asyncio.open_connection(sockaddr[0], sockaddr[1]),
                                              CONNECT_TIMEOUT_S)
            except (OSError, asyncio.TimeoutError):
                continue
        if dropped:
            raise Refused(dropped[0])
        raise ConnectionError(f"无法连接 {host}:{port}")

    # -- the proxy --------------------------------------------------------------------------
    async def _serve(self, reader, writer):
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await self._one(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _one(self, reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            return
        line, *headers = head[:-4].split(b"\r\n")
        method, target, version = line.decode("latin-1").split(" ", 2)
        if method.upper() == "CONNECT":
            host, _, port = target.rpartition(":")
            url = f"https://{target}/"
            upstream = await self._upstream(writer, url, host, int(port))
            if upstream is None:
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await _pipe_both(reader, writer, *upstream)
            return
        parts = urlsplit(target)
        if parts.scheme not in ("http", "ws") or not parts.hostname:
            await _answer(writer, 400, "只接受 http 代理请求")
            return
        upstream = await self._upstream(writer, target, parts.hostname, parts.port or 80)
        if upstream is None:
            return
        up_reader, up_writer = upstream
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        kept = [h for h in headers if h.split(b":", 1)[0].strip().lower() not in _HOP_HEADERS]
        up_writer.write(f"{method} {path} {version}\r\n".encode("latin-1") + b"\r\n".join(kept)
                        + b"\r\nConnection: close\r\n\r\n")
        length = next((int(h.split(b":", 1)[1]) for h in kept
                       if h.split(b":", 1)[0].strip().lower() == b"content-length"), 0)
        if length:
            up_writer.write(await reader.readexactly(length))
        await up_writer.drain()
        try:
            await _copy(up_reader, writer)          # the answer; then this connection is done
        finally:
            up_writer.close()

    async def _upstream(self, writer, url: str, host: str, port: int):
        try:
            return await self._open(url, host, port)
        except Refused as why:
            self.blocked.append((url, str(why)))
            await _answer(writer, 403, f"zwgk 已阻止访问内网地址：{url}（{why}）")
        except ConnectionError as exc:
            await _answer(writer, 502, str(exc))
        return None


# the header on every answer the proxy makes itself: a 502 from here is the audit's network failing
# to reach the host, not the host answering 502 (crawler/browser.py records it as a failed request)
PROXY_HEADER = "X-Zwgk-Proxy"


async def _answer(writer, status: int, text: str):
    body = text.encode("utf-8")
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}[status]
    kind = {403: "refused", 502: "unreachable"}.get(status, "bad-request")
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 f"{PROXY_HEADER}: {kind}\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await writer.drain()


async def _copy(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()


async def _pipe_both(reader, writer, up_reader, up_writer):
    """A tunnel: bytes both ways until either side closes."""
    tasks = [asyncio.ensure_future(_copy(reader, up_writer)), asyncio.ensure_future(_copy(up_reader, writer))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        up_writer.close()
