"""Keep the crawl out of the intranet: no request to loopback, private, link-local or reserved
addresses, in any notation, after DNS and after every redirect (Scrapy 2.19, Twisted reactor).
What counts as internal is zwgk.page.netaddr's.

Two layers, each useful alone, used together here (crawler/settings.py plugs them in):

1. `NetGuardMiddleware` (downloader middleware, early: before robots.txt and the page budget)
   refuses, before any connection, every request whose URL names an internal target in any
   notation (zwgk.page.netaddr.classify: 127.0.0.2, 2130706434, 0x7f.0.0.2, [::ffff:127.0.0.2],
   localhost …). Redirects and <meta refresh> come back to the engine as new requests and pass
   through process_request again, so every hop is checked. A refusal raises
   `InternalAddressRefused` (an IgnoreRequest) whose message starts with "链接指向内网地址"; the
   request's errback gets it, so the link is recorded, not dropped.
2. `GuardedResolver` (an IHostnameResolver wrapped around the reactor's resolver) drops every
   internal address from name resolution results, unless the (host, port) is allowed. Twisted's
   HostnameEndpoint connects only to the addresses the resolver hands it, so the address checked
   is the address connected to: no window for DNS rebinding. When nothing is left the connect
   fails with DNSLookupError, which the middleware turns into InternalAddressRefused. It is
   installed either by Scrapy (TWISTED_DNS_RESOLVER / DNS_RESOLVER, CrawlerProcess only) or by
   the middleware itself (CrawlerRunner, which zwgk uses, never installs a resolver).
   One resolver serves every crawler of the reactor (zwgk crawls up to MAX_PARALLEL_HOSTS units
   at once), so it allows the internal (host, port) entries of every unit being crawled — their
   own start hosts — and internal addresses at all only when every running unit allows them.
   Which unit a connection is for cannot be known reliably there: Twisted starts some
   connections (a retry on a stale persistent one) from callbacks that carry another crawler's
   context. Each unit's own, exact policy is the middleware's, on every URL it requests.

Settings:
    NETGUARD_ENABLED          True
    NETGUARD_ALLOW_INTERNAL   False   audits inside a closed network: no refusal at all
    NETGUARD_ALLOWED_HOSTS    []      extra "host" (any port) or "host:port" entries, every unit
    NETGUARD_INNER_RESOLVER   None    resolver class to wrap (e.g. scrapy.resolver.CachingThreadedResolver);
                                      None: whatever the reactor has (Twisted's GAIResolver)
    NETGUARD_PROXY_PRECHECK   True    through an HTTP proxy (which resolves the name itself),
                                      resolve here first and refuse internal answers
    NETGUARD_RESOLVE_NAMES    True    False: look up no host name (IP literals and localhost
                                      only), for machines with no DNS and for the tests
The unit's own start URL (host, port) — and its scope prefix — is always allowed, so a webmaster
can audit a staging copy on 127.0.0.1:8080 (ports 80 and 443 of one host count as one site, as
in zwgk's Scope). A spider may add entries with a `netguard_allowed` attribute (URLs or
host[:port]) and opt in with `netguard_allow_internal = True`.
"""
from __future__ import annotations

import logging
import time
import urllib.request
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet import defer
from twisted.internet._resolver import HostResolution
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from zwgk.page.netaddr import (REFUSED_PREFIX, NetPolicy, canonical_host, classify_host,
                               is_internal_ip, parse_ip, url_hosts)

NetGuardPolicy = NetPolicy          # what one crawler may reach although it is internal

logger = logging.getLogger("zwgk.netguard")

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_REFUSAL_TTL = 600.0          # seconds a host the resolver refused is refused without a lookup


class InternalAddressRefused(IgnoreRequest):
    """A request not sent because its target is inside an intranet (or this machine)."""

    def __init__(self, message: str, url: str = "", reason: str = ""):
        super().__init__(message)
        self.url = url
        self.reason = reason


# -- policy -------------------------------------------------------------------------------------
def _key(host: str, port: int | None) -> tuple[str, int]:
    return canonical_host(host), int(port or 0)


@dataclass
class _Registry:
    """Process-wide state shared by the resolver (one per reactor) and the middlewares (one per
    crawler): the running crawlers' policies, proxies, and the hosts the resolver refused."""
    policies: dict = field(default_factory=dict)          # id(crawler) -> NetGuardPolicy
    extra: set = field(default_factory=set)                # proxies: (host, port)
    refused: OrderedDict = field(default_factory=OrderedDict)   # (host, port) -> (why, when)

    def allows_extra(self, host: str, port: int | None) -> bool:
        h = canonical_host(host)
        return (h, int(port or 0)) in self.extra or (not port and any(a == h for a, _ in self.extra))

    def register(self, crawler, policy: NetGuardPolicy):
        self.policies[id(crawler)] = policy

    def unregister(self, crawler):
        self.policies.pop(id(crawler), None)

    def union(self, allow_internal: bool = False) -> NetGuardPolicy:
        """The resolver's policy: the union of the running crawlers' allowlists; internal
        addresses only if every running crawler allows them (fail closed)."""
        pols = list(self.policies.values())
        allowed = set(self.extra)
        for p in pols:
            allowed |= p.allowed
        every = bool(pols) and all(p.allow_internal for p in pols)
        return NetGuardPolicy(frozenset(allowed), allow_internal or every, "union")

    def record_refusal(self, key, why: str):
        self.refused[key] = (why, time.monotonic())
        self.refused.move_to_end(key)
        while len(self.refused) > 10000:
            self.refused.popitem(last=False)

    def refusal(self, key) -> str:
        hit = self.refused.get(key)
        if not hit:
            return ""
        why, when = hit
        if time.monotonic() - when > _REFUSAL_TTL:
            del self.refused[key]
            return ""
        return why


REGISTRY = _Registry()
_POLICIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()     # crawler -> policy


def policy_for(crawler) -> NetGuardPolicy | None:
    return _POLICIES.get(crawler)


def build_policy(crawler, spider=None) -> NetGuardPolicy:
    """The policy of a crawler: its spider's start URL(s) and scope, spider.netguard_allowed,
    NETGUARD_ALLOWED_HOSTS; allow internal from NETGUARD_ALLOW_INTERNAL or the spider."""
    settings = crawler.settings
    spider = spider if spider is not None else getattr(crawler, "spider", None)
    items: list[str] = list(settings.getlist("NETGUARD_ALLOWED_HOSTS"))
    if spider is not None:
        if getattr(spider, "start_url", None):
            items.append(spider.start_url)
        items.extend(getattr(spider, "start_urls", None) or ())
        scope = getattr(spider, "scope", None)
        if getattr(scope, "prefix_url", None):
            items.append(scope.prefix_url)
        items.extend(getattr(spider, "netguard_allowed", None) or ())
    allow_internal = (settings.getbool("NETGUARD_ALLOW_INTERNAL")
                      or bool(getattr(spider, "netguard_allow_internal", False)))
    return NetPolicy.of(*items, allow_internal=allow_internal, label=getattr(spider, "name", ""))


def refusal_for(crawler, url: str, spider=None) -> str:
    """Why this crawler's guard refuses url, judged from the URL alone (no DNS): for a spider
    that wants to record such a link at once instead of sending a request to be refused."""
    if not crawler.settings.getbool("NETGUARD_ENABLED", True):
        return ""
    policy = policy_for(crawler) or build_policy(crawler, spider)
    return policy.refusal(url)


# -- the resolver -------------------------------------------------------------------------------
@implementer(IResolutionReceiver)
class _FilteringReceiver:
    """Passes on the addresses the policy allows; remembers why the others were dropped."""

    def __init__(self, receiver, host: str, port: int, policy: NetGuardPolicy):
        self._receiver = receiver
        self._host = host
        self._port = port
        self._policy = policy
        self.passed = 0
        self.dropped: list[str] = []

    def resolutionBegan(self, resolution):
        self._receiver.resolutionBegan(resolution)

    def addressResolved(self, address):
        if not isinstance(address, (IPv4Address, IPv6Address)):
            self.dropped.append(f"{self._host} 解析为非 IP 地址 {address!r}")
            return
        ip = parse_ip(address.host)
        why = is_internal_ip(ip) if ip is not None else f"无法识别的地址 {address.host}"
        if why and not (self._policy.allows(self._host, self._port)
                        or REGISTRY.allows_extra(self._host, self._port)):
            self.dropped.append(f"{self._host} 解析为 {ip or address.host}：{why}")
            logger.info("netguard: dropped %s for %s:%s (%s)", address.host, self._host, self._port, why)
            return
        self.passed += 1
        self._receiver.addressResolved(address)

    def resolutionComplete(self):
        if self.dropped and not self.passed:
            REGISTRY.record_refusal(_key(self._host, self._port), "；".join(self.dropped[:3]))
        self._receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """Wraps the reactor's name resolver; drops internal addresses the current policy does not
    allow. Usable as TWISTED_DNS_RESOLVER / DNS_RESOLVER (Scrapy builds it with
    from_crawler(crawler, reactor) and calls install_on_reactor()) or through install_guard()."""

    def __init__(self, reactor, inner=None, allow_internal: bool = False, resolve_names: bool = True):
        self.reactor = reactor
        self._inner_component = inner      # a Scrapy resolver to install first, or None
        self.inner = None                  # the IHostnameResolver that really resolves
        self.allow_internal = allow_internal
        self.resolve_names = resolve_names

    @classmethod
    def from_crawler(cls, crawler, reactor):
        settings = crawler.settings
        inner = None
        path = settings.get("NETGUARD_INNER_RESOLVER")
        if path:
            inner = build_from_crawler(load_object(path), crawler, reactor=reactor)
        return cls(reactor, inner, settings.getbool("NETGUARD_ALLOW_INTERNAL"),
                   settings.getbool("NETGUARD_RESOLVE_NAMES", True))

    def install_on_reactor(self) -> None:
        if self._inner_component is not None:
            self._inner_component.install_on_reactor()
        current = self.reactor.nameResolver
        while isinstance(current, GuardedResolver):        # never guard a guard
            current = current.inner
        self.inner = current
        self.reactor.installNameResolver(self)   # also sets reactor.resolver (connectTCP's path)

    def resolveHostName(self, resolutionReceiver, hostName, portNumber=0, addressTypes=None,
                        transportSemantics="TCP"):
        if not self.resolve_names and not is_literal_host(hostName):
            # no lookup leaves the machine: the connection fails as an unresolved name does
            resolution = HostResolution(hostName)
            resolutionReceiver.resolutionBegan(resolution)
            resolutionReceiver.resolutionComplete()
            return resolution
        policy = REGISTRY.union(self.allow_internal)
        receiver = _FilteringReceiver(resolutionReceiver, hostName, portNumber, policy)
        return self.inner.resolveHostName(receiver, hostName, portNumber, addressTypes,
                                          transportSemantics)

    def resolve_all(self, host: str, port: int = 0) -> defer.Deferred:
        """All addresses the wrapped (unfiltered) resolver gives for host: for the proxy check."""
        d = defer.Deferred()
        found = []

        @implementer(IResolutionReceiver)
        class Collect:
            def resolutionBegan(self, resolution):
                pass

            def addressResolved(self, address):
                found.append(address)

            def resolutionComplete(self):
                d.callback(found)

        if not self.resolve_names and not is_literal_host(host):
            d.callback(found)
            return d
        self.inner.resolveHostName(Collect(), host, port)
        return d


def is_literal_host(host: str) -> bool:
    """An IP address in any notation, or localhost: what is reached without asking DNS (with a
    trailing dot, "127.0.0.1." and "localhost." are names a resolver may look up)."""
    if host.endswith("."):
        return False
    return parse_ip(host.strip("[]")) is not None or host.lower() == "localhost"


def install_guard(crawler=None, reactor=None) -> GuardedResolver:
    """Put a GuardedResolver on the reactor unless one is there (idempotent)."""
    if reactor is None:
        from twisted.internet import reactor
    current = reactor.nameResolver
    if isinstance(current, GuardedResolver):
        return current
    if crawler is not None:
        guard = GuardedResolver.from_crawler(crawler, reactor)
    else:
        guard = GuardedResolver(reactor)
    guard.install_on_reactor()
    logger.debug("netguard: resolver installed around %r", guard.inner)
    return guard


def _handler_classes() -> tuple:
    """The handlers whose connections go through Twisted's HostnameEndpoint (so the resolver)."""
    from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
    classes = [HTTP11DownloadHandler]
    try:
        from scrapy.core.downloader.handlers.http2 import H2DownloadHandler
        classes.append(H2DownloadHandler)
    except ImportError:    # pragma: no cover — no h2 package
        pass
    return tuple(classes)


# -- the downloader middleware -------------------------------------------------------------------
class NetGuardMiddleware:
    """Refuse requests to internal targets before any connection; see the module docstring."""

    DNS_ERRORS: tuple = ()

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.enabled = settings.getbool("NETGUARD_ENABLED", True)
        self.precheck_proxies = settings.getbool("NETGUARD_PROXY_PRECHECK", True)
        # False leaves the URL checks out (the resolver alone decides): for tests of that layer
        self.lexical = settings.getbool("NETGUARD_LEXICAL", True)
        self.guard: GuardedResolver | None = None
        self.env_proxies: dict = {}
        if not self.enabled:
            return
        self._check_handlers(settings)
        self.guard = install_guard(crawler)
        if settings.getbool("HTTPPROXY_ENABLED", True):
            self.env_proxies = {k: v for k, v in urllib.request.getproxies().items()
                                if k in ("http", "https")}
        for proxy in self.env_proxies.values():
            self._allow_proxy(proxy)
        from scrapy.exceptions import CannotResolveHostError
        from twisted.internet.error import DNSLookupError
        self.DNS_ERRORS = (CannotResolveHostError, DNSLookupError)
        self.policy = self._register()

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        if mw.enabled:
            crawler.signals.connect(mw._spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(mw._spider_closed, signal=signals.spider_closed)
        return mw

    @staticmethod
    def _check_handlers(settings):
        """The resolver guard only sees connections made through Twisted's endpoints: refuse to
        run with an HTTP handler that resolves names on its own (aiohttp, httpx …)."""
        if settings.getbool("NETGUARD_ALLOW_UNGUARDED_HANDLERS"):
            return
        handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
        known = _handler_classes()
        for scheme in ("http", "https"):
            path = handlers.get(scheme)
            if not path:
                continue
            cls = load_object(path) if isinstance(path, str) else path
            if not (isinstance(cls, type) and issubclass(cls, known)):
                raise RuntimeError(
                    f"NetGuardMiddleware: DOWNLOAD_HANDLERS[{scheme!r}] = {path} does not connect "
                    "through Twisted's HostnameEndpoint, so the resolver guard would not see its "
                    "connections. Use HTTP11DownloadHandler, or set "
                    "NETGUARD_ALLOW_UNGUARDED_HANDLERS = True knowingly.")

    def _register(self) -> NetGuardPolicy:
        policy = build_policy(self.crawler)
        _POLICIES[self.crawler] = policy
        REGISTRY.register(self.crawler, policy)
        return policy

    def _spider_opened(self, spider):
        self.policy = self._register()       # start_urls may only be known now

    def _spider_closed(self, spider):
        REGISTRY.unregister(self.crawler)

    @staticmethod
    def _allow_proxy(proxy: str):
        if "//" not in proxy:
            proxy = "http://" + proxy
        parts = urlsplit(proxy)
        try:
            port = parts.port
        except ValueError:
            port = None
        REGISTRY.extra.add((canonical_host(parts.hostname or ""),
                            port or (443 if parts.scheme == "https" else 80)))

    # ---------------------------------------------------------------------------------------
    def _refuse(self, request, why: str):
        passed = request.meta.get("redirect_urls") or ()
        if passed:
            message = f"{REFUSED_PREFIX}：{request.url}（{why}；经重定向，原链接 {passed[0]}）"
        else:
            message = f"{REFUSED_PREFIX}：{request.url}（{why}）"
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value("netguard/refused")
        logger.info("netguard: %s", message)
        raise InternalAddressRefused(message, url=request.url, reason=why)

    def _targets(self, request):
        """(readings of the host, port) of a request URL; see zwgk.page.netaddr.url_hosts."""
        url = request.url
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        return url_hosts(url), port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)

    def process_request(self, request, spider=None):
        if not self.enabled:
            return None
        policy = self.policy
        scheme = urlsplit(request.url).scheme.lower()
        if scheme == "file" and not policy.allow_internal:
            self._refuse(request, "file: 链接读取的是本机文件")
        if scheme in ("data",) or policy.allow_internal:
            return None
        proxy = request.meta.get("proxy")
        if proxy:
            self._allow_proxy(proxy)
        hosts, port = self._targets(request)
        for host in hosts:
            if policy.allows(host, port):
                continue
            why = classify_host(host) if self.lexical else ""
            if why:
                self._refuse(request, why)
            why = REGISTRY.refusal(_key(host, port))
            if why:
                self._refuse(request, why)
        if self.precheck_proxies and self._proxied(request, scheme, hosts):
            return self._precheck(request, hosts, port, policy)
        return None

    def _proxied(self, request, scheme: str, hosts) -> bool:
        if "proxy" in request.meta:
            return bool(request.meta["proxy"])
        if scheme not in self.env_proxies:
            return False
        return not any(urllib.request.proxy_bypass_environment(h, self.env_proxies) for h in hosts if h)

    async def _precheck(self, request, hosts, port, policy):
        """Through a proxy the name is resolved by the proxy, never by our resolver: resolve it
        here too and refuse an internal answer (best effort: the proxy may resolve differently;
        its own ACL must keep it out of the intranet)."""
        from scrapy.utils.defer import maybe_deferred_to_future
        for host in hosts:
            if not host or parse_ip(host) is not None or policy.allows(host, port):
                continue
            try:
                addresses = await maybe_deferred_to_future(self.guard.resolve_all(host, port))
            except Exception:  # noqa: BLE001 — cannot resolve here: the proxy may
                continue
            for address in addresses:
                ip = parse_ip(getattr(address, "host", "") or "")
                why = is_internal_ip(ip) if ip is not None else ""
                if why:
                    REGISTRY.record_refusal(_key(host, port), f"{host} 解析为 {ip}：{why}")
                    self._refuse(request, f"{host} 解析为 {ip}：{why}")
        return None

    def process_exception(self, request, exception, spider=None):
        """A DNS failure because the resolver dropped every address: say so, in Chinese."""
        if not self.enabled or not isinstance(exception, self.DNS_ERRORS):
            return None
        hosts, port = self._targets(request)
        for host in hosts:
            why = REGISTRY.refusal(_key(host, port))
            if why:
                self._refuse(request, why)
        return None


class NetGuardErrorMiddleware:
    """The same DNS-failure translation as NetGuardMiddleware.process_exception, for a position
    just above RetryMiddleware (550), e.g. 560: process_exception runs from the highest number
    down, so placed there it turns "no results for hostname lookup" caused by the guard into
    InternalAddressRefused before RetryMiddleware retries it and logs "Gave up retrying"."""

    def __init__(self, crawler):
        self.enabled = crawler.settings.getbool("NETGUARD_ENABLED", True)
        self._mw = NetGuardMiddleware.__new__(NetGuardMiddleware)
        self._mw.crawler = crawler
        self._mw.enabled = self.enabled
        from scrapy.exceptions import CannotResolveHostError
        from twisted.internet.error import DNSLookupError
        self._mw.DNS_ERRORS = (CannotResolveHostError, DNSLookupError)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_exception(self, request, exception, spider=None):
        return self._mw.process_exception(request, exception)


__all__ = ["NetGuardMiddleware", "NetGuardErrorMiddleware", "GuardedResolver",
           "InternalAddressRefused", "NetGuardPolicy", "REFUSED_PREFIX", "REGISTRY",
           "build_policy", "install_guard", "policy_for", "refusal_for"]
