"""PageSnapshot: one fetched URL as the crawler saw it. Immutable once stored.

The crawler produces snapshots; checks/ reads them through checks.site.Site.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Optional

# Where on the page a link sits; checks use it (a column linked from the nav counts as "on the home page").
POSITIONS = ("nav", "header", "body", "footer")


@dataclass(frozen=True)
class Link:
    url: str            # absolute, fragment removed
    text: str           # anchor text, whitespace folded (falls back to title/alt)
    position: str = "body"   # one of POSITIONS

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PageSnapshot:
    url: str                         # the URL requested
    final_url: str                   # after redirects
    status: Optional[int]            # HTTP status; None when no response (DNS, refused, timeout)
    headers: dict = field(default_factory=dict)   # lower-case name -> first value
    content_type: str = ""
    html: str = ""                   # decoded text for HTML pages, "" otherwise
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
    doc_text: str = ""               # extracted text of a PDF/DOCX attachment
    body_text: str = ""              # decoded body of a JSON API response (gkmlpt lists)
    from_cache: bool = False         # the server answered 304: the body is the cached copy
    probe: bool = False              # fetched because a platform usually lives there, not linked
    doc_error: str = ""              # why an attachment's text could not be extracted

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error

    @property
    def is_html(self) -> bool:
        return bool(self.html)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["links"] = [l.to_dict() if isinstance(l, Link) else l for l in self.links]
        d["scripts"] = list(self.scripts)
        d["redirects"] = list(self.redirects)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PageSnapshot":
        d = dict(d)
        d["links"] = tuple(Link(**l) if isinstance(l, dict) else l for l in d.get("links") or ())
        d["scripts"] = tuple(d.get("scripts") or ())
        d["redirects"] = tuple(d.get("redirects") or ())
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})
