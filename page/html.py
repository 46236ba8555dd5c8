"""Turn decoded HTML into what a PageSnapshot records: title, gov metadata, links, scripts.

Structure-tolerant: real portals nest tables, misspell meta names and put nav in anything from
<nav> to <div id="daohang">, so positions are guessed from tags and id/class words.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from zwgk.page.breadcrumb import breadcrumb_items
from zwgk.page.dom import PLAIN_PARSER, parse_document, string_of, visible_text
from zwgk.page.snapshot import Link
from zwgk.page.text import fold

# 国办发〔2017〕47号 page metadata, plus the common extras; matched case-insensitively.
GOV_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ColumnDescription",
            "ColumnKeywords", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author",
            "Description", "Image", "Url")
_GOV_META_LOWER = {m.lower(): m for m in GOV_META}

_NAV_WORDS = re.compile(r"(^|[-_ ])(nav|navbar|menu|daohang|dh|lanmu|channel|mainnav|topnav)", re.I)
_HEADER_WORDS = re.compile(r"(^|[-_ ])(header|head|top|banner|toolbar|wza)", re.I)
_FOOTER_WORDS = re.compile(r"(^|[-_ ])(footer|foot|bottom|copyright|dibu|bq|banquan)", re.I)


def _own_position(el) -> str:
    """The position an element gives the links inside it by its own tag or id/class, or ""."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "nav":
        return "nav"
    if tag == "footer":
        return "footer"
    if tag == "header":
        return "header"
    words = f"{el.get('id', '')} {el.get('class', '')}"
    if words.strip():
        if _FOOTER_WORDS.search(words):
            return "footer"
        if _NAV_WORDS.search(words):
            return "nav"
        if _HEADER_WORDS.search(words):
            return "header"
    return ""


def _position(el, memo: dict | None = None) -> str:
    """nav/header/footer/body: decided by the nearest ancestor that says so.

    memo (element -> answer for the links below it) lets the links of one page share the walk:
    they sit in the same few containers."""
    walked, found = [], "body"
    for anc in el.iterancestors():
        if memo is not None and anc in memo:
            found = memo[anc]
            break
        walked.append(anc)
        own = _own_position(anc)
        if own:
            found = own
            break
    if memo is not None:
        for anc in walked:
            memo[anc] = found
    return found


_JOINABLE = ("http://", "https://")


@lru_cache(maxsize=8192)
def _resolve(base: str, href: str) -> str:
    """The absolute, fragment-free http(s) URL an href points to, or "" when it has none.
    Memoised (the hrefs every page repeats stay in; see join_base)."""
    try:
        url = urldefrag(urljoin(base, href))[0]
        urlsplit(url).port          # "http://host:abc/" can never be fetched
    except ValueError:
        return ""
    return url if url.startswith(_JOINABLE) else ""


def join_base(base: str, href: str) -> str:
    """The part of base that urljoin(base, href) depends on, so that _resolve's memo serves
    every page: the site's navigation and footer hrefs are the same on each of them. A
    root-relative or protocol-relative href ("/a", "//host/a") needs only the base's scheme and
    host; any other href the whole base."""
    if href.startswith("/") and base.startswith(_JOINABLE):
        end = base.find("/", base.index(":") + 3)
        return base if end < 0 else base[:end + 1]              # "https://host:port/"
    return base


def _anchor_text(a) -> str:
    text = fold(string_of(a))
    if not text:
        text = fold(a.get("title"))
    if not text:
        for img in a.iter("img"):
            text = fold(img.get("alt") or img.get("title"))
            if text:
                break
    return text[:200]


# A page that only jumps elsewhere by script: window.location.href = "/col/col1234/index.html",
# location.replace('index.shtml'), top.location = "…". Old portals put such a page at "/".
_JUMP = re.compile(r"""(?:\b(?:window|self|top|parent|document)\s*\.\s*)?\blocation(?:\s*\.\s*href)?\s*=\s*"""
                   r"""(["'])([^"'+]+)\1(?=\s*(?:[;})]|$))"""
                   r"""|\blocation\s*\.\s*(?:replace|assign)\s*\(\s*(["'])([^"'+]+)\3\s*\)""")   # literal targets only
_JUMP_MAX_TEXT = 200          # characters a reader sees on a page that only jumps
_JUMP_MAX_LINKS = 2           # "如果没有自动跳转，请点击这里"


def _script_target(doc) -> str:
    """The one literal target an inline script sends the reader to, or "": no cookie set first
    (a cookie challenge is a block page, crawler/backoff.py) and no device test (a jump that
    asks navigator/userAgent/screen switches phones to the mobile site)."""
    code = " ".join(s.text or "" for s in doc.iter("script") if not s.get("src"))
    low = code.lower()
    if "location" not in low or any(w in low for w in ("cookie", "navigator", "useragent", "screen.width")):
        return ""
    targets = {(m.group(2) or m.group(4)).strip() for m in _JUMP.finditer(code)}
    return targets.pop() if len(targets) == 1 else ""


def _frame_target(doc) -> str:
    """The one real frame of a frameset or full-page iframe (the others blank), or "": how a
    domain is masked onto a site, or an old "/" frames its main.html. A frameset of several
    real frames (top.html + main.html) is no jump: the Site calls it a frameset (checks/site.py)."""
    srcs = {(f.get("src") or "").strip() for f in doc.iter("frame", "iframe")}
    real = {s for s in srcs if s and s.lower() != "about:blank" and not s.startswith(("javascript:", "#"))}
    return real.pop() if len(real) == 1 else ""


def page_jump(doc, base: str, links) -> str:
    """The absolute URL a page only sends its reader to (by script, else by its one frame), when
    that is all the page does (little text, at most two links), else ""."""
    if len(links) > _JUMP_MAX_LINKS:
        return ""
    for target in (_script_target(doc), _frame_target(doc)):
        if not target or target.startswith(("#", "javascript:")):
            continue
        url = _resolve(join_base(base, target), target)
        if url and url.split("#", 1)[0] != base.split("#", 1)[0]:
            return url if len(visible_text(doc)) <= _JUMP_MAX_TEXT else ""
    return ""


def extract(html: str, base_url: str, max_links: int = 20000) -> dict:
    """title, meta, links, scripts, breadcrumb and jump (page_jump) of a page; never raises on
    bad markup."""
    doc = parse_document(html, PLAIN_PARSER)
    out = {"title": "", "meta": {}, "links": (), "scripts": (), "crumbs": (), "jump": ""}
    if doc is None:
        return out
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(base_url, b.get("href").strip())
            break

    titles = [fold(string_of(t)) for t in doc.iter("title")]
    out["title"] = next((t for t in titles if t), "")[:500]

    meta = {}
    for m in doc.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip()
        canonical = _GOV_META_LOWER.get(name.lower())
        if canonical and canonical not in meta:
            value = fold(m.get("content"))[:1000]
            # SiteName, SiteIDCode, ColumnName … repeat on every page of a site: one copy
            meta[canonical] = sys.intern(value) if len(value) <= 64 else value
    out["meta"] = meta

    links, seen, positions = [], set(), {}
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = _resolve(join_base(base, href), href)
        if not url:
            continue
        text = _anchor_text(a)
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        links.append(Link.shared(url, text, _position(a, positions)))
        if len(links) >= max_links:
            break
    out["links"] = tuple(links)

    scripts = []
    for s in doc.iter("script"):
        src = (s.get("src") or "").strip()
        if src:
            try:
                scripts.append(urljoin(base, src))
            except ValueError:
                pass
    out["scripts"] = tuple(scripts[:500])
    # read now, while the page is parsed: checks would otherwise parse every article again for it
    out["crumbs"] = tuple(sys.intern(t) if len(t) <= 32 else t for t in breadcrumb_items(doc))
    out["jump"] = page_jump(doc, base, out["links"])
    return out


def position_of(el) -> str:
    """Public name: list parsers classify rows with the same nav/footer rule as links."""
    return _position(el)


def position_within(el) -> str:
    """The position of what an element holds (its own text): its own tag or id/class first, then
    its ancestors' — text directly inside <div class="footer"> is footer text."""
    return _own_position(el) or _position(el)
