"""Turn decoded HTML into what a PageSnapshot records: title, gov metadata, links, scripts.

Structure-tolerant: real portals nest tables, misspell meta names and put nav in anything from
<nav> to <div id="daohang">, so positions are guessed from tags and id/class words.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from urllib.parse import urljoin, urldefrag, urlsplit

import lxml.html
from lxml import etree

from zwgk.page.snapshot import Link

# 国办发〔2017〕47号 page metadata, plus the common extras; matched case-insensitively.
GOV_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ColumnDescription",
            "ColumnKeywords", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author",
            "Description", "Image", "Url")
_GOV_META_LOWER = {m.lower(): m for m in GOV_META}

_WS = re.compile(r"\s+")
_NAV_WORDS = re.compile(r"(^|[-_ ])(nav|navbar|menu|daohang|dh|lanmu|channel|mainnav|topnav)", re.I)
_HEADER_WORDS = re.compile(r"(^|[-_ ])(header|head|top|banner|toolbar|wza)", re.I)
_FOOTER_WORDS = re.compile(r"(^|[-_ ])(footer|foot|bottom|copyright|dibu|bq|banquan)", re.I)


def fold(text: str | None) -> str:
    """Collapse whitespace (including full-width and nbsp) to single spaces."""
    if not text:
        return ""
    return _WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


# lxml.html's own parser picks each element's class with a Python callback (forms and inputs
# get classes of their own), paid for every element a check touches. Checks use HtmlElement's
# methods (text_content …), not the form classes, so documents get HtmlElement throughout, by
# a lookup done in C. extract() only reads tags, attributes and text: plain lxml elements.
_HTML_PARSER = etree.HTMLParser()
_HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_PLAIN_PARSER = etree.HTMLParser()
_STRING = etree.XPath("string()")     # what lxml.html's text_content() does


def parse_document(html: str, parser=None):
    """An lxml document (HtmlElement elements unless another parser is given), or None for
    text lxml cannot parse."""
    parser = _HTML_PARSER if parser is None else parser
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        try:  # XML declaration with an encoding, or other oddities: parse bytes instead
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
        except (etree.ParserError, ValueError):
            return None


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
    text = fold(_STRING(a))
    if not text:
        text = fold(a.get("title"))
    if not text:
        for img in a.iter("img"):
            text = fold(img.get("alt") or img.get("title"))
            if text:
                break
    return text[:200]


def extract(html: str, base_url: str, max_links: int = 20000) -> dict:
    """title, meta, links, scripts and breadcrumb of a page; never raises on bad markup."""
    doc = parse_document(html, _PLAIN_PARSER)
    out = {"title": "", "meta": {}, "links": (), "scripts": (), "crumbs": ()}
    if doc is None:
        return out
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(base_url, b.get("href").strip())
            break

    titles = [fold(_STRING(t)) for t in doc.iter("title")]
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
    from zwgk.page.breadcrumb import breadcrumb_items     # here: it builds on this module
    # read now, while the page is parsed: checks would otherwise parse every article again for it
    out["crumbs"] = tuple(sys.intern(t) if len(t) <= 32 else t for t in breadcrumb_items(doc))
    return out


# The elements that have a class or an id, in document order. Most elements have neither, and
# libxml2 passes them over faster than a Python loop over every element does.
with_class_or_id = etree.XPath("//*[@class or @id]")


def position_of(el) -> str:
    """Public name: list parsers classify rows with the same nav/footer rule as links."""
    return _position(el)
