"""Which URLs belong to a unit's crawl, and URL normalisation for the frontier."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Files worth fetching for their content or their status; everything else binary is skipped.
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".txt")
SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js",
                   ".mp4", ".mp3", ".avi", ".flv", ".wmv", ".mov", ".swf", ".zip", ".rar", ".7z",
                   ".gz", ".tar", ".exe", ".apk", ".iso", ".woff", ".woff2", ".ttf", ".eot")
# Query keys that only track sessions or visits: dropping them stops query-string explosions.
_SESSION_KEYS = {"jsessionid", "phpsessid", "sid_", "sessionid", "utm_source", "utm_medium",
                 "utm_campaign", "_t", "timestamp", "random", "rnd"}


def default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


@lru_cache(maxsize=262144)
def normalise_url(url: str) -> str:
    """Lower-case scheme/host, drop default port, fragment, session keys; keep path case.
    Never raises: a key for the frontier, not a promise that the URL can be fetched."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"           # IPv6 literal: keep its brackets or the port is unreadable
    try:
        port = parts.port
    except ValueError:               # a port that is no number (hostile href): keep it as written
        netloc = parts.netloc.rsplit("@", 1)[-1].lower()
    else:
        netloc = host if port in (None, default_port(scheme)) else f"{host}:{port}"
    path = parts.path or "/"
    if ";jsessionid=" in path.lower():
        path = path[: path.lower().index(";jsessionid=")]
    query = urlencode([(k.strip(), v.strip()) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k.strip().lower() not in _SESSION_KEYS])
    return urlunsplit((scheme, netloc, path, query, ""))


class Scope:
    """Same scheme-agnostic host and port as the start URL, under its path prefix.

    `https://city.gov.cn/bmpd/fgj/index.html` scopes to `city.gov.cn` + `/bmpd/fgj/`; a bare
    host scopes to the whole host. An explicit scope prefix (units YAML `scope:`) overrides.
    `also`: further URL prefixes the crawl may enter (a unit's report column on the city
    portal, units YAML `report_column:`), each scoped the same way.
    """

    def __init__(self, start_url: str, prefix: str | None = None, also=()):
        base = urlsplit(normalise_url(prefix or start_url))
        self.host = base.hostname or ""
        self.port = base.port or default_port(base.scheme)
        path = base.path or "/"
        if not path.endswith("/"):
            path = posixpath.dirname(path).rstrip("/") + "/"    # /index.html -> / (not //)
        self.path = path
        self.prefix_url = f"{base.scheme}://{base.netloc}{path}"
        self.also = tuple(Scope(u) for u in also if u)
        self._answers: dict[str, bool] = {}

    def __contains__(self, url: str) -> bool:
        # every page repeats the navigation and footer, and checks ask about the same links on
        # every page: each URL is worked out once
        try:
            return self._answers[url]
        except KeyError:
            if len(self._answers) >= 65536:
                self._answers.clear()
            inside = self._answers[url] = self._contains(url)
            return inside
        except TypeError:            # not a string: decide, without remembering
            return self._contains(url)

    def _contains(self, url: str) -> bool:
        return self._own(url) or any(url in s for s in self.also)

    def _own(self, url: str) -> bool:
        try:
            p = urlsplit(url)
            port = p.port or default_port(p.scheme)
        except ValueError:
            return False
        if p.scheme not in ("http", "https") or (p.hostname or "").lower() != self.host:
            return False
        # http and https on their default ports are the same site (portals mix both in links)
        if port != self.port and not {port, self.port} <= {80, 443}:
            return False
        path = p.path or "/"
        return path.startswith(self.path) or path + "/" == self.path

    def same_host(self, url: str) -> bool:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return False
        return host == self.host or any(host == s.host for s in self.also)

    def describe(self) -> str:
        return " + ".join([f"{self.host}:{self.port}{self.path}", *(s.describe() for s in self.also)])



# Second-level suffixes under which a registrable domain has three labels (jiangmen.gov.cn).
_SECOND_LEVEL = {"gov.cn", "com.cn", "org.cn", "net.cn", "edu.cn", "ac.cn"}
_HOME_FILE = re.compile(r"^(?:index|default|main|home|portal)\.[a-z]{2,5}$", re.I)


def _site_name(host: str) -> str:
    """The registrable part of a host name (jiangmen.gov.cn of www.jiangmen.gov.cn); an address
    literal is its own."""
    host = host.lower().rstrip(".")
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return host
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def same_site(a: str, b: str) -> bool:
    """Two URLs of one registrable domain (www.xinhui.gov.cn and xinhui.gov.cn; one address)."""
    try:
        return _site_name(urlsplit(a).hostname or "") == _site_name(urlsplit(b).hostname or "")
    except ValueError:
        return False


def moved_start(start_url: str, final_url: str, scope: "Scope") -> str:
    """The URL the unit's site now starts at, when its start URL redirected out of its scope to
    a home page of the same site under another name (jiangmen.gov.cn → www.jiangmen.gov.cn,
    /index.html on another port, a new path for the same portal), else "". A redirect to
    another site, or to a page that is no home page (a login, an SSO ticket, an article), moves
    nothing: what is there is not the unit's site, and the thin crawl says so; so does a
    department channel sent up to its portal's home (the channel is gone)."""
    if not final_url or final_url in scope:
        return ""
    try:
        final = urlsplit(final_url)
    except ValueError:
        return ""
    if final.scheme not in ("http", "https") or final.query or not same_site(start_url, final_url):
        return ""
    name = posixpath.basename(final.path or "/")
    if name and not _HOME_FILE.match(name):
        return ""
    new_dir = posixpath.dirname(final.path or "/").rstrip("/") + "/"
    if scope.path != "/" and scope.path.startswith(new_dir) and new_dir != scope.path:
        return ""       # a channel sent up to its portal's home: the channel is gone, not moved
    return final_url


class UnitPages:
    """Which fetches are a unit's own pages: what every page count shows (the progress line,
    the terminal summary, the scorecards), so that they agree. Every fetch in scope, except a
    platform probe that found nothing (nobody linked it) and the pages fetched only for the
    unit's report column outside its scope (units YAML `report_column:`)."""

    def __init__(self, start_url: str, scope: str | None = None, report_column: str | None = None):
        self.scope = Scope(start_url, scope)
        self.report_column = Scope(report_column) if report_column else None

    @classmethod
    def of_unit(cls, unit: dict) -> "UnitPages":
        return cls(unit["url"], unit.get("scope"), unit.get("report_column"))

    def in_report_column_only(self, snap) -> bool:
        return (self.report_column is not None and not snap.external and snap.url not in self.scope
                and snap.url in self.report_column)

    def counts(self, snap) -> bool:
        return not snap.external and not (snap.probe and not snap.ok) and not self.in_report_column_only(snap)

def extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    _, ext = posixpath.splitext(path)
    return ext


def is_skippable(url: str) -> bool:
    return extension(url) in SKIP_EXTENSIONS


def is_document(url: str) -> bool:
    return extension(url) in DOCUMENT_EXTENSIONS


MAX_URL_LENGTH = 512
# The start of the reason for a link the crawl plan chose not to follow (an article of an
# ordinary list past the first few, a later page of such a list, on a site too large to crawl
# whole). Such links are not gaps in the crawl; a check that needs one of them still says unknown.
PLAN_SKIPPED = "按抓取计划未抓取"


def looks_like_trap(url: str) -> str:
    """Why a URL looks like a crawler trap ("" if it does not): overlong, or a path that keeps
    repeating a segment (/a/b/a/b/a/b/ — relative links resolved against themselves)."""
    if len(url) > MAX_URL_LENGTH:
        return "网址过长"
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    if len(segments) > 12:
        return "路径层级过深"
    counts: dict[str, int] = {}
    for seg in segments:
        counts[seg] = counts.get(seg, 0) + 1
        if counts[seg] >= 3:
            return "路径重复（疑似循环链接）"
    return ""


# The one notion of an article's address: TRS t20220825_123, /content/…, post_123, Hanweb
# /art/2022/…, content_123, and a month folder holding a numbered or hashed page (/202208/123.html).
_ARTICLE_URL = re.compile(r"/t\d{8}_\d+|/content/|post_\d+|/art/\d{4}/|content_\d+|/\d{6}/[0-9a-f]{16,}"
                          r"|/\d{6}/[a-z0-9_]*\d+\.s?html?$", re.I)
# A page of a list other than its first: TRS index_1.html (the second page), ?page=2 …
PAGER_URL = re.compile(r"(?:index|list|default|more)[_-]\d+\.s?html?$|[?&](?:page|pageno|pageindex|pagenum|"
                       r"curpage|currpage|p|pn)=(\d+)", re.I)


@lru_cache(maxsize=65536)
def url_kind(url: str) -> str:
    """"article" (a dated document page), "attachment", "pager" (a later page of a list) or
    "page" (anything else: home, columns, hubs). Columns are linked from pages of the last kind."""
    if is_document(url):
        return "attachment"
    if _ARTICLE_URL.search(url):
        return "article"
    m = PAGER_URL.search(url)
    if m and not (m.group(1) is not None and int(m.group(1)) < 2):   # ?page=1 is the list itself
        return "pager"
    return "page"


def is_article(page) -> bool:
    """A page that is one document (an article), by its address or its ArticleTitle metadata."""
    return url_kind(page.final_url) == "article" or bool(page.meta.get("ArticleTitle"))
