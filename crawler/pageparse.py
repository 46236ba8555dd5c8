"""Turn decoded HTML into what a PageSnapshot records: title, gov metadata, links, scripts.

Structure-tolerant: real portals nest tables, misspell meta names and put nav in anything from
<nav> to <div id="daohang">, so positions are guessed from tags and id/class words.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urldefrag, urlsplit

import lxml.html
from lxml import etree

from crawler.snapshot import Link

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


def parse_document(html: str):
    """An lxml document, or None for text lxml cannot parse."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        try:  # XML declaration with an encoding, or other oddities: parse bytes instead
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            return None


def _position(el) -> str:
    for anc in el.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag == "nav":
            return "nav"
        if tag == "footer":
            return "footer"
        if tag == "header":
            return "header"
        words = f"{anc.get('id', '')} {anc.get('class', '')}"
        if words.strip():
            if _FOOTER_WORDS.search(words):
                return "footer"
            if _NAV_WORDS.search(words):
                return "nav"
            if _HEADER_WORDS.search(words):
                return "header"
    return "body"


def _anchor_text(a) -> str:
    text = fold(a.text_content())
    if not text:
        text = fold(a.get("title"))
    if not text:
        for img in a.iter("img"):
            text = fold(img.get("alt") or img.get("title"))
            if text:
                break
    return text[:200]


def extract(html: str, base_url: str, max_links: int = 20000) -> dict:
    """title, meta, links, scripts of a page; never raises on bad markup."""
    doc = parse_document(html)
    out = {"title": "", "meta": {}, "links": (), "scripts": ()}
    if doc is None:
        return out
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(base_url, b.get("href").strip())
            break

    titles = [fold(t.text_content()) for t in doc.iter("title")]
    out["title"] = next((t for t in titles if t), "")[:500]

    meta = {}
    for m in doc.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip()
        canonical = _GOV_META_LOWER.get(name.lower())
        if canonical and canonical not in meta:
            meta[canonical] = fold(m.get("content"))[:1000]
    out["meta"] = meta

    links, seen = [], set()
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url = urldefrag(urljoin(base, href))[0]
            urlsplit(url).port          # "http://host:abc/" can never be fetched
        except ValueError:
            continue
        if not url.startswith(("http://", "https://")):
            continue
        text = _anchor_text(a)
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        links.append(Link(url=url, text=text, position=_position(a)))
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
    return out


# Public name: list parsers classify rows with the same nav/footer rule as links.
position_of = _position
