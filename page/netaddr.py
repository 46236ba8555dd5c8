"""Is a host, a URL or an address inside an intranet (or this machine)? Pure: no DNS, no Scrapy.

zwgk runs inside government networks, so the crawler must never be led by a hostile page into
them (zwgk.crawler.netguard refuses such requests), and a public page that links into an
intranet is a finding of its own (checks/intranet_links.py). Both ask this module.

    classify("http://2130706434:8080/")  ->  "2130706434（即 127.0.0.2）是回环地址（127.0.0.0/8）"
    classify("https://www.gov.cn/")      ->  ""      (the text alone: no DNS lookup is made)
    is_internal_ip("::ffff:10.0.0.1")    ->  "IPv4 映射地址，内嵌 10.0.0.1：私有地址（10.0.0.0/8）"

Hosts are read the way the programs that would connect read them:
- IPv4 in every inet_aton / WHATWG form: 127.1, 0x7f.1, 0x7f000001, 017700000001, 2130706433,
  0177.0.0.1, mixed (0x7f.0.1), one trailing dot (127.0.0.1.), a lone 0 (= 0.0.0.0);
- IPv6 with or without brackets, zone ids (fe80::1%eth0, %25eth0), IPv4-mapped (::ffff:a.b.c.d),
  SIIT-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96 and the
  local-use 64:ff9b:1::/48), 6to4 (2002::/16), Teredo;
- Unicode hosts mapped as browsers and w3lib do (UTS #46 / IDNA 2003 nameprep): fullwidth digits
  and letters, the ideographic full stop 。 (１２７。０。０。１ is 127.0.0.1), percent-encoded
  hosts (%31%32%37.0.0.1), userinfo (a@127.0.0.1), trailing dots;
- names that only an intranet or the machine itself answers: localhost and *.localhost (RFC 6761),
  *.local (mDNS), *.home.arpa, *.internal, single-label names (resolved through the resolv.conf
  search list, i.e. inside the organisation).

Blocks come from the IANA special-purpose registries, not from Python's `is_private`/`is_global`
(on 3.11 those call ::127.0.0.1 and 64:ff9b::7f00:1 global). A name that only DNS can tell (a
public-looking name resolving to 10.x) is not decided here: the crawler's resolver guard checks
the addresses it is about to connect to.
"""
from __future__ import annotations

import encodings.idna as idna2003
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

try:
    import idna                     # UTS #46 as browsers map hosts (a dependency of Scrapy's)
except ImportError:                 # pragma: no cover — IDNA 2003 nameprep still applies
    idna = None

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# How a link the crawler refused is recorded (the snapshot's error starts with it), so the checks
# can tell a link into an intranet from one that merely failed.
REFUSED_PREFIX = "链接指向内网地址"

__all__ = ["REFUSED_PREFIX", "NetPolicy", "allow_entries", "canonical_host", "classify", "classify_host",
           "host_and_port", "is_internal_ip", "parse_ip", "url_hosts"]

_N4 = ipaddress.IPv4Network
_N6 = ipaddress.IPv6Network

# IANA IPv4 Special-Purpose Address Registry, the blocks that are not globally reachable
# (plus 0.0.0.0/8, which Linux connects to the local machine). The most specific block wins.
_V4_BLOCKS: list[tuple[ipaddress.IPv4Network, str]] = [
    (_N4("0.0.0.0/32"), "未指定地址（0.0.0.0，连接时即本机）"),
    (_N4("0.0.0.0/8"), "“本网络”地址（0.0.0.0/8）"),
    (_N4("10.0.0.0/8"), "私有地址（10.0.0.0/8）"),
    (_N4("100.64.0.0/10"), "运营商级 NAT 共享地址（100.64.0.0/10）"),
    (_N4("127.0.0.0/8"), "回环地址（127.0.0.0/8）"),
    (_N4("169.254.169.254/32"), "云平台元数据地址（链路本地 169.254.169.254）"),
    (_N4("169.254.0.0/16"), "链路本地地址（169.254.0.0/16）"),
    (_N4("172.16.0.0/12"), "私有地址（172.16.0.0/12）"),
    (_N4("192.0.0.0/24"), "IETF 协议分配地址（192.0.0.0/24）"),
    (_N4("192.0.2.0/24"), "文档示例地址（192.0.2.0/24）"),
    (_N4("192.88.99.0/24"), "已废弃的 6to4 中继任播地址（192.88.99.0/24）"),
    (_N4("192.168.0.0/16"), "私有地址（192.168.0.0/16）"),
    (_N4("198.18.0.0/15"), "网络基准测试地址（198.18.0.0/15）"),
    (_N4("198.51.100.0/24"), "文档示例地址（198.51.100.0/24）"),
    (_N4("203.0.113.0/24"), "文档示例地址（203.0.113.0/24）"),
    (_N4("224.0.0.0/4"), "组播地址（224.0.0.0/4）"),
    (_N4("255.255.255.255/32"), "广播地址（255.255.255.255）"),
    (_N4("240.0.0.0/4"), "保留地址（240.0.0.0/4）"),
]

# IANA IPv6 Special-Purpose Address Registry. Anything outside 2000::/3 (global unicast) is not
# reachable on the Internet today; the blocks with an IPv4 address inside are decoded first.
_V6_BLOCKS: list[tuple[ipaddress.IPv6Network, str]] = [
    (_N6("::/128"), "未指定地址（::，连接时即本机）"),
    (_N6("::1/128"), "回环地址（::1）"),
    (_N6("64:ff9b:1::/48"), "本地 NAT64 前缀（64:ff9b:1::/48）"),
    (_N6("100::/64"), "丢弃地址（100::/64）"),
    (_N6("2001::/23"), "IETF 协议分配地址（2001::/23，含 Teredo、基准测试）"),
    (_N6("2001:db8::/32"), "文档示例地址（2001:db8::/32）"),
    (_N6("3fff::/20"), "文档示例地址（3fff::/20）"),
    (_N6("fc00::/7"), "唯一本地地址（fc00::/7，IPv6 内网）"),
    (_N6("fe80::/10"), "链路本地地址（fe80::/10）"),
    (_N6("fec0::/10"), "已废弃的站点本地地址（fec0::/10）"),
    (_N6("ff00::/8"), "组播地址（ff00::/8）"),
]
# Inside 2001::/23, the few blocks IANA lists as globally reachable.
_V6_GLOBAL_EXCEPTIONS = [_N6(n) for n in ("2001:1::1/128", "2001:1::2/128", "2001:1::3/128",
                                          "2001:3::/32", "2001:4:112::/48", "2001:20::/28",
                                          "2001:30::/28")]
_GLOBAL_UNICAST = _N6("2000::/3")
_MAPPED = _N6("::ffff:0:0/96")
_TRANSLATED = _N6("::ffff:0:0:0/96")
_COMPAT = _N6("::/96")
_NAT64 = _N6("64:ff9b::/96")
_6TO4 = _N6("2002::/16")


def _v4_reason(ip: ipaddress.IPv4Address) -> str:
    best = None
    for net, label in _V4_BLOCKS:
        if ip in net and (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, label)
    if best:
        return best[1]
    if not ip.is_global:                      # a block added to Python's table after this one
        return "非公网地址"
    return ""


def is_internal_ip(ip: IPAddress | str) -> str:
    """Why connecting to this address would reach an intranet or the machine itself, or "" for
    an address on the public Internet. Accepts an ipaddress object (or its text)."""
    if isinstance(ip, str):
        parsed = parse_ip(ip)
        if parsed is None:
            return f"无法识别的地址 {ip}"
        ip = parsed
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_reason(ip)
    if ip.scope_id:
        ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
    # An IPv6 address that carries an IPv4 one: what it reaches is decided by the IPv4 address.
    if ip in _MAPPED or ip in _TRANSLATED or ip in _NAT64:
        kind = ("IPv4 映射地址" if ip in _MAPPED else
                "IPv4 转换地址（SIIT）" if ip in _TRANSLATED else "NAT64 地址")
        inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        why = _v4_reason(inner)
        return f"{kind}，内嵌 {inner}：{why}" if why else ""
    if ip in _COMPAT and int(ip) > 1:           # ::a.b.c.d (deprecated); :: and ::1 below
        inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        why = _v4_reason(inner)
        return f"已废弃的 IPv4 兼容地址（::/96），内嵌 {inner}" + (f"：{why}" if why else "")
    if ip in _6TO4:
        inner = ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
        why = _v4_reason(inner)
        return f"6to4 地址，内嵌 {inner}：{why}" if why else ""
    best = None
    for net, label in _V6_BLOCKS:
        if ip in net and (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, label)
    if best and not any(ip in n for n in _V6_GLOBAL_EXCEPTIONS):
        return best[1]
    if ip not in _GLOBAL_UNICAST:
        return "保留地址（不在全球单播 2000::/3 内）"
    if not ip.is_global and not any(ip in n for n in _V6_GLOBAL_EXCEPTIONS):
        return "非公网地址"
    return ""


# -- parsing hosts ------------------------------------------------------------------------------
_V4_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def _parse_v4_number(part: str) -> int | None:
    if not _V4_PART.match(part):
        return None
    if part[:2] in ("0x", "0X"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part[0] == "0":
        return int(part, 8)
    return int(part)


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any form inet_aton(3) (so getaddrinfo, curl) or the WHATWG URL
    standard (so browsers) accepts: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x),
    the last part filling the remaining bytes; one trailing dot allowed."""
    if host.endswith("."):
        host = host[:-1]
    parts = host.split(".")
    if not host or len(parts) > 4:
        return None
    numbers = []
    for part in parts:
        n = _parse_v4_number(part)
        if n is None:
            return None
        numbers.append(n)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The address a host string stands for, if it is an address literal in any notation
    (brackets, zone ids and loose IPv4 forms included), else None."""
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        h = h.split("%", 1)[0]                  # zone id: fe80::1%eth0, fe80::1%25eth0
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            return None
    try:
        return ipaddress.IPv4Address(h)
    except ValueError:
        return parse_ipv4_loose(h)


_DOTS = re.compile("[\u3002\uff0e\uff61]")     # 。 ． ｡ : label separators for IDNA


def _host_forms(host: str) -> list[str]:
    """The ways the programs on the path may read a host: as written; without userinfo;
    percent-decoded; UTS #46-mapped (browsers); IDNA 2003 nameprep (w3lib, Python's codec);
    lower-cased. The guard refuses when any reading is internal."""
    forms: list[str] = []

    def add(h: str):
        h = h.strip()
        if h not in forms:
            forms.append(h)

    add(host)
    if "@" in host:
        add(host.rsplit("@", 1)[1])
    for h in list(forms):
        if "%" in h and not (":" in h and "[" in h):
            add(unquote(h))
    for h in list(forms):
        if not h.isascii() or _DOTS.search(h):
            try:
                if idna is not None:
                    add(idna.uts46_remap(h, std3_rules=False, transitional=False))
            except Exception:  # noqa: BLE001 — a host idna refuses is read the other ways
                pass
            try:
                labels = _DOTS.sub(".", h).split(".")
                add(".".join(idna2003.ToASCII(lab).decode("ascii") if lab else "" for lab in labels))
            except Exception:  # noqa: BLE001
                pass
    return [f.lower() for f in forms]


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "localdomain", "ip6-localhost",
                "ip6-loopback", "localhost6", "localhost6.localdomain6", "broadcasthost"}
_LOCAL_SUFFIXES = ((".localhost", "本机主机名（*.localhost，RFC 6761）"),
                   (".local", "局域网 mDNS 名称（*.local）"),
                   (".home.arpa", "家庭网络保留域名（*.home.arpa）"),
                   (".internal", "内网保留域名（*.internal）"),
                   (".localdomain", "本机域名（*.localdomain）"))


def _name_reason(name: str) -> str:
    name = name.rstrip(".")
    if not name:
        return "空主机名（连接时即本机 0.0.0.0）"
    if name in _LOCAL_NAMES:
        return f"本机主机名（{name}）"
    for suffix, why in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            return why
    if "." not in name and ":" not in name:
        return "单标签主机名（按 DNS 搜索域在内网解析）"
    return ""


def classify_host(host: str) -> str:
    """Why this host (no scheme, no port) is internal, or ""."""
    if not host.strip():
        return "空主机名（连接时即本机 0.0.0.0）"
    forms = _host_forms(host)
    shown_host = host
    names = []
    for form in forms:
        ip = parse_ip(form)
        if ip is None:
            if form.isascii():
                names.append(form)
            continue
        why = is_internal_ip(ip)
        if why:
            return (f"{shown_host} 是{why}" if _plain_notation(host.lower(), ip)
                    else f"{shown_host}（即 {ip}）是{why}")
    for form in names:
        why = _name_reason(form)
        if why:
            return f"{shown_host} 是{why}"
    return ""


def _plain_notation(written: str, ip: IPAddress) -> bool:
    """Written the usual way (a dotted quad, or any standard IPv6 text): no "（即 …）" needed."""
    w = written.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(w) == ip
    except ValueError:
        return False


def url_hosts(url: str) -> list[str]:
    """Every host a URL may be read to have: urllib's, Twisted's (what Scrapy's HTTP handler
    connects to: the netloc up to the last colon, userinfo kept) and the WHATWG one (a backslash
    ends the authority, the last @ starts the host)."""
    hosts = []
    try:
        parts = urlsplit(url)
        if parts.hostname is not None:
            hosts.append(parts.hostname)
        netloc = parts.netloc
    except ValueError:
        netloc = ""
    if not netloc and "//" in url:
        netloc = url.split("//", 1)[1]
    rest = url.split("//", 1)[1] if "//" in url else netloc
    whatwg = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    for authority in (netloc, whatwg):
        host = authority.rsplit("@", 1)[-1]
        if host.startswith("["):
            host = host[: host.find("]") + 1] if "]" in host else host
        elif ":" in host:
            host = host.rsplit(":", 1)[0]
        hosts.append(host)
        if ":" in authority and not authority.endswith("]"):
            hosts.append(authority.rsplit(":", 1)[0])      # Twisted: userinfo stays in the host
    out = []
    for h in hosts:
        if h not in out:
            out.append(h)
    return out


def classify(host_or_url: str) -> str:
    """Why connecting to this URL or host would reach an intranet or this machine (a reason in
    Chinese, for the audit record), or "" when nothing in the text says so."""
    text = (host_or_url or "").strip()
    if "//" in text:
        for host in url_hosts(text):
            why = classify_host(host)
            if why:
                return why
        return ""
    host = text
    if not host.startswith("[") and host.count(":") == 1:
        name, _, port = host.partition(":")
        if port.isdigit() or not port:
            host = name
    elif host.startswith("[") and "]:" in host:
        host = host[: host.index("]") + 1]
    return classify_host(host)


def canonical_host(host: str) -> str:
    """One spelling per host, for allowlists: an address literal as its canonical address text
    (0x7f.1 -> 127.0.0.1, [::1] -> ::1), a name lower-cased, IDNA-encoded, without trailing dot."""
    h = (host or "").strip()
    ip = parse_ip(h)
    if ip is None:
        forms = _host_forms(h)
        h = forms[-1] if len(forms) > 1 and forms[-1].isascii() else forms[0]
        ip = parse_ip(h)
    if ip is not None:
        if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
            ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
        return str(ip)
    h = h.rstrip(".")
    if not h.isascii():
        try:
            h = idna.encode(h, uts46=True).decode("ascii") if idna is not None else h.encode("idna").decode("ascii")
        except Exception:  # noqa: BLE001 — kept as written; it is a name, not an address
            pass
    return h.lower()


_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}


def host_and_port(url: str) -> tuple[str, int | None]:
    """(canonical host, port) of a URL; the scheme's default port when none is written."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = _DEFAULT_PORTS.get(parts.scheme.lower())
    return canonical_host(parts.hostname or ""), port


def allow_entries(item: str) -> set[tuple[str, int | None]]:
    """Allowlist entries from a URL, "host:port" or "host" (any port). Ports 80 and 443 of a
    host go together, as in zwgk's Scope (http and https on their default ports are one site)."""
    item = (item or "").strip()
    if not item:
        return set()
    if "//" in item:
        parts = urlsplit(item)
        try:
            port = parts.port
        except ValueError:
            port = None
        port = port or _DEFAULT_PORTS.get(parts.scheme.lower())
        host = parts.hostname or ""
    elif item.startswith("[") and "]" in item:
        host, _, rest = item[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    elif item.count(":") == 1 and item.rsplit(":", 1)[1].isdigit():
        host, port = item.rsplit(":", 1)[0], int(item.rsplit(":", 1)[1])
    else:
        host, port = item, None
    host = canonical_host(host)
    if port in (80, 443):
        return {(host, 80), (host, 443)}
    return {(host, port)}


@dataclass(frozen=True)
class NetPolicy:
    """What one crawl (a unit) may reach although it is internal: its own start URL's host and
    port (a staging copy on 127.0.0.1:8080), what an option adds, or everything (allow_internal,
    an audit inside a closed network)."""
    allowed: frozenset = frozenset()      # {(canonical host, port or None for any port)}
    allow_internal: bool = False
    label: str = ""

    @classmethod
    def of(cls, *items: str, allow_internal: bool = False, label: str = "") -> "NetPolicy":
        allowed: set = set()
        for item in items:
            if isinstance(item, str):
                allowed |= allow_entries(item)
        return cls(frozenset(allowed), allow_internal, label)

    def allows(self, host: str, port: int | None) -> bool:
        if self.allow_internal:
            return True
        h = canonical_host(host)
        if (h, None) in self.allowed:
            return True
        if not port:     # Twisted's connectTCP path resolves without the port: host level
            return any(a == h for a, _ in self.allowed)
        return (h, int(port)) in self.allowed

    def refusal(self, url: str) -> str:
        """Why a request to url must not be sent, judged from the URL alone (no DNS), or ""."""
        if self.allow_internal:
            return ""
        parts = urlsplit(url)
        if parts.scheme.lower() == "file":
            return "file: 链接读取的是本机文件"
        try:
            port = parts.port
        except ValueError:
            port = None
        port = port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
        for host in url_hosts(url):
            if not self.allows(host, port):
                why = classify_host(host)
                if why:
                    return why
        return ""
