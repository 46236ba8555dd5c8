"""Decode portal pages correctly.

Order of trust: a BOM, then the HTTP header charset, then the first <meta charset>/http-equiv in
the document head, then sniffing (charset-normalizer). gb2312 and gbk are read as GB18030, their
superset: pages declared gb2312 routinely contain GBK-only characters (e.g. 镕, 堃).

Declarations are often wrong on these portals (GBK served as UTF-8 and the reverse), so a
declared encoding is used only if the bytes decode under it without error; bytes that are valid
UTF-8 and contain multi-byte sequences are UTF-8 whatever the declaration says, since GBK text is
almost never valid UTF-8 by accident; so are bytes nine tenths of whose non-ASCII bytes form
valid UTF-8 (a GBK fragment in a UTF-8 page becomes a few U+FFFD, not a garbled page).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Read these as their superset.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
    "cp936": "gb18030", "ms936": "gb18030", "euc-cn": "gb18030", "csgb2312": "gb18030",
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8",
    "big5": "big5hkscs",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-:.]+)", re.I)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str        # what the text was decoded with
    declared: str        # what the header/meta declared ("" if nothing)
    how: str             # "bom" | "utf-8-valid" | "utf-8-mostly" | "header" | "meta" | "sniffed" | "fallback"


def normalise(name: str | None) -> str | None:
    """A codec name Python knows, with the GBK family mapped to GB18030; None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    """The first charset declared in the document head (a stray one in the body is ignored)."""
    head = body[:16384]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.start()]
    m = _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 with a few bad bytes (a GBK fragment pasted in, a character cut at the end).

    GBK text is almost never valid UTF-8 by accident, so when nine in ten high bytes belong to
    well-formed UTF-8 sequences the page is UTF-8: decoding it all as GB18030 would garble
    every character to save a handful."""
    sample = body[:400000]
    high = len(_HIGH.findall(sample))
    if high < 24:
        return False
    in_utf8 = sum(len(m) for m in _UTF8_CHAR.findall(sample))
    return in_utf8 >= 0.9 * high


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    hdr = header_charset(content_type)
    meta = meta_charset(body)
    declared = (hdr or meta or "").lower()

    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(enc, "replace"), enc, declared, "bom")

    if any(b > 0x7F for b in body[:65536]) or len(body) > 65536:
        text = _strict(body, "utf-8")
        if text is not None and any(ord(c) > 0x7F for c in text[:200000]):
            return Decoded(text, "utf-8", declared, "utf-8-valid")
        if text is None and _mostly_utf8(body):
            return Decoded(body.decode("utf-8", "replace"), "utf-8", declared, "utf-8-mostly")

    for name, how in ((hdr, "header"), (meta, "meta")):
        enc = normalise(name)
        if enc == "cp1252" and how == "header":
            # A server's default label (Apache, Tomcat), not the page's: Western single-byte
            # codecs decode GBK bytes without error into nonsense.
            continue
        if enc:
            text = _strict(body, enc)
            if text is not None:
                return Decoded(text, enc, declared, how)

    if not any(b > 0x7F for b in body):
        return Decoded(body.decode("ascii"), "utf-8", declared, "sniffed")

    # Chinese portals: GB18030 is the most likely non-UTF-8 encoding; try it before a generic guess.
    text = _strict(body, "gb18030")
    if text is not None:
        return Decoded(text, "gb18030", declared, "sniffed")

    best = charset_normalizer.from_bytes(body[:200000]).best()
    if best is not None:
        enc = normalise(best.encoding) or best.encoding
        return Decoded(body.decode(enc, "replace"), enc, declared, "sniffed")

    enc = normalise(hdr) or normalise(meta) or "utf-8"
    return Decoded(body.decode(enc, "replace"), enc, declared, "fallback")
