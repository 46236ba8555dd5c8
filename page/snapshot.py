"""PageSnapshot: one fetched URL as the crawler saw it. Immutable once stored.

The crawler produces snapshots; checks/ reads them through zwgk.checks.site.Site.
"""
from __future__ import annotations

import sys
import weakref
import zlib
from dataclasses import dataclass, field, fields
from typing import Optional

# Where on the page a link sits; checks use it (a column linked from the nav counts as "on the home page").
POSITIONS = ("nav", "header", "body", "footer")


# Slots: an audit holds every page's links (tens per page, a million on a 20,000-page portal);
# a weakref slot so that Link.shared can hand out one object for all equal links.
@dataclass(frozen=True, slots=True, weakref_slot=True)
class Link:
    url: str            # absolute, fragment removed
    text: str           # anchor text, whitespace folded (falls back to title/alt)
    position: str = "body"   # one of POSITIONS

    def to_dict(self) -> dict:
        return {"url": self.url, "text": self.text, "position": self.position}

    @staticmethod
    def shared(url: str, text: str, position: str = "body") -> "Link":
        """The Link for (url, text, position), the very object every equal link still in use
        is: the navigation, header and footer links repeat on every page of a portal, and an
        audit keeps every page's links until its checks have run."""
        key = (url, text, position)
        link = _LINKS.get(key)
        if link is None:
            link = _LINKS[key] = Link(url, text, position)
        return link


# Weak values: a link that no snapshot holds any more is forgotten.
_LINKS: "weakref.WeakValueDictionary[tuple, Link]" = weakref.WeakValueDictionary()


def _shared(value):
    return sys.intern(value) if type(value) is str and len(value) <= 64 else value


class _Packed:
    """A str field kept zlib-compressed in memory and decompressed on every read.

    An audit keeps every page's snapshot until the checks have run; pages are mostly markup that
    compresses five- to tenfold, and checks read a page's HTML rarely (Site parses and caches
    what they need). Short values are kept as they are: compressing them saves nothing.
    """
    MIN_SIZE = 512

    def __set_name__(self, owner, name):
        self.slot = f"_{name}_packed"

    def __get__(self, obj, objtype=None):
        if obj is None:
            return ""                     # the dataclass field's default
        value = obj.__dict__.get(self.slot, "")
        if type(value) is bytes:
            return zlib.decompress(value).decode("utf-8", "surrogatepass")
        return value

    def __set__(self, obj, value):
        if isinstance(value, str) and len(value) >= self.MIN_SIZE:
            # surrogatepass: decoded pages may carry lone surrogates; they must round-trip
            value = zlib.compress(value.encode("utf-8", "surrogatepass"), 1)
        obj.__dict__[self.slot] = value

    def is_set(self, obj) -> bool:
        return bool(obj.__dict__.get(self.slot))


# Attribute of a snapshot reused exactly as an earlier audit stored it: those stored bytes, so
# Store.add_page writes them again instead of serialising the snapshot anew.
STORED_BLOB = "_stored_blob"
# How an attachment's doc_error starts when its parse was cut short (the time limit on a busy
# machine, the unit's time budget, the worker dying: zwgk.crawler.attachments) and says nothing
# lasting about the file: a re-audit parses it again rather than reuse the stored parse.
UNFINISHED_PARSE = ("附件解析超时", "抓取时间预算已用完", "附件解析服务已关闭", "附件解析进程异常退出")


@dataclass(frozen=True)
class PageSnapshot:
    url: str                         # the URL requested
    final_url: str                   # after redirects
    status: Optional[int]            # HTTP status; None when no response (DNS, refused, timeout)
    headers: dict = field(default_factory=dict)   # lower-case name -> first value
    content_type: str = ""
    html: str = _Packed()            # decoded text for HTML pages, "" otherwise
    encoding: str = ""               # the encoding html was decoded with
    declared_encoding: str = ""      # what header/meta said, for disagreement findings
    title: str = ""
    meta: dict = field(default_factory=dict)      # gov metadata: SiteName, SiteIDCode, PubDate, ...
    links: tuple = ()                # tuple[Link]
    scripts: tuple = ()              # absolute src of <script> elements
    referer: str = ""                # the page it was first linked from
    link_text: str = ""              # the anchor text it was reached by
    depth: int = 0                   # clicks from the start page
    external: bool = False           # outside the unit's scope: only its status was checked
    fetched_at: str = ""             # ISO timestamp of the fetch (never used as a publication date)
    elapsed_ms: int = 0
    redirects: tuple = ()            # URLs passed through on the way to final_url
    error: str = ""                  # why there is no usable response
    size: int = 0                    # body bytes received
    truncated: bool = False          # body cut at the size limit
    doc_text: str = _Packed()        # extracted text of a PDF/DOCX attachment
    body_text: str = _Packed()       # decoded body of a JSON API response (gkmlpt lists)
    from_cache: bool = False         # the server answered 304: the body is the cached copy
    probe: bool = False              # fetched because a platform usually lives there, not linked
    doc_error: str = ""              # why an attachment's text could not be extracted
    crumbs: Optional[tuple] = None   # breadcrumb items (首页 … 通知公告); None: not read (older snapshot)

    def __post_init__(self):
        # Header names, and values such as the server or content type, are the same on every
        # page of a site: one copy each for the whole audit.
        if self.headers:
            object.__setattr__(self, "headers", {_shared(k): _shared(v) for k, v in self.headers.items()})

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error

    @property
    def is_html(self) -> bool:
        return PageSnapshot.__dict__["html"].is_set(self)     # without decompressing the page

    def to_dict(self) -> dict:
        # By hand, not dataclasses.asdict: asdict deep-copies every value and costs more than
        # the page's parsing (every snapshot is serialised once for storage).
        d = {name: getattr(self, name) for name in _FIELD_NAMES}
        d["headers"] = dict(self.headers)
        d["meta"] = dict(self.meta)
        d["links"] = [l.to_dict() if isinstance(l, Link) else l for l in self.links]
        d["scripts"] = list(self.scripts)
        d["redirects"] = list(self.redirects)
        if self.crumbs is not None:
            d["crumbs"] = list(self.crumbs)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PageSnapshot":
        d = dict(d)
        d["links"] = tuple(Link.shared(**l) if isinstance(l, dict) else l for l in d.get("links") or ())
        d["scripts"] = tuple(d.get("scripts") or ())
        d["redirects"] = tuple(d.get("redirects") or ())
        if d.get("crumbs") is not None:
            d["crumbs"] = tuple(d["crumbs"])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


_FIELD_NAMES = tuple(f.name for f in fields(PageSnapshot))
# Fields of a snapshot that come from parsing the body; the rest describe this fetch (a re-audit
# takes these from the stored snapshot of a page the server answered 304 for).
PARSED_FIELDS = ("html", "encoding", "declared_encoding", "title", "meta", "links", "scripts",
                 "doc_text", "doc_error", "body_text", "truncated", "crumbs")


def failure_reason(snap) -> str:
    """Why a fetch gave no usable page, in the words the scorecards use: the crawler's reason
    (Chinese), else the HTTP status."""
    if snap.error:
        return snap.error
    return f"HTTP {snap.status}" if snap.status is not None else "无响应"
