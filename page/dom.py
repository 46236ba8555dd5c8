"""lxml helpers shared by the page model's parsers and the checks: parsing a page, the text of
an element, the text a reader sees.

Pages are parsed as browsers parse them, however deep the markup nests. libxml2 stops a document
at 256 levels (2,048 with `huge_tree`) and drops the rest, so a home page that opens with 300
unclosed <font> tags would show no link at all. The parsers here are huge_tree ones, and a page
deeper still is parsed again with its nesting capped the way Chromium caps it (elements past
BROWSER_MAX_DEPTH open no new level; their text and links stay)."""
from __future__ import annotations

from html.parser import HTMLParser

import lxml.html
from lxml import etree

from zwgk.page.text import fold

# lxml.html's own parser picks each element's class with a Python callback (forms and inputs
# get classes of their own), paid for every element a check touches. Checks use HtmlElement's
# methods (text_content …), not the form classes, so documents get HtmlElement throughout, by
# a lookup done in C. extract() only reads tags, attributes and text: plain lxml elements.
_HTML_PARSER = etree.HTMLParser(huge_tree=True)
_HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
PLAIN_PARSER = etree.HTMLParser(huge_tree=True)
# text_content(), for plain and lxml.html elements alike
string_of = etree.XPath("string()")


# Chromium's HTML parser nests no deeper than this (kMaximumHTMLParserDOMTreeDepth).
BROWSER_MAX_DEPTH = 512
# libxml2 with huge_tree stops at 2,048 levels: a tree whose last branch gets near it was cut.
_LIBXML_CUT_DEPTH = 2000


def parse_document(html: str, parser=None):
    """An lxml document (HtmlElement elements unless another parser is given), or None for
    text lxml cannot parse."""
    parser = _HTML_PARSER if parser is None else parser
    if not html or not html.strip():
        return None
    doc = _parse(html, parser)
    if doc is not None and _last_branch_depth(doc) >= _LIBXML_CUT_DEPTH:
        capped = _parse(cap_nesting(html), parser)
        doc = doc if capped is None else capped
    return doc


def _parse(html: str, parser):
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        try:  # XML declaration with an encoding, or other oddities: parse bytes instead
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
        except (etree.ParserError, ValueError):
            return None


def _last_branch_depth(doc) -> int:
    """Depth of the document's last element. libxml2 gives up at its depth limit and keeps
    nothing after, so a cut document ends that deep; walking its last children costs nothing."""
    depth, el = 0, doc
    while len(el):
        el, depth = el[-1], depth + 1
    return depth


_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen"))


class _NestingCap(HTMLParser):
    """Re-emits a page unchanged except that at `cap` open elements a new element becomes the
    sibling of the deepest one instead of its child (the deepest is closed first), so it keeps
    its attributes (a footer's class) and the tree grows no deeper. Inside a link at the cap,
    other start tags are left out, so the link keeps its text."""

    def __init__(self, cap: int):
        super().__init__(convert_charrefs=False)
        self.cap, self.out, self.open = cap, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            if len(self.open) >= self.cap and tag not in ("a", "area"):
                if self.open[-1] in ("a", "area"):
                    return
                self.out.append(f"</{self.open.pop()}>")
            self.open.append(tag)
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


def cap_nesting(html: str, cap: int = BROWSER_MAX_DEPTH) -> str:
    """html with its nesting capped at `cap` levels, as a browser builds the tree."""
    capper = _NestingCap(cap)
    capper.feed(html)
    capper.close()
    return "".join(capper.out)


_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")


def visible_text(doc) -> str:
    """The text a reader sees of a parsed page (scripts and styles left out), folded."""
    return "" if doc is None else fold(" ".join(_VISIBLE_TEXT(doc)))


# The elements that have a class or an id, in document order. Most elements have neither, and
# libxml2 passes them over faster than a Python loop over every element does.
with_class_or_id = etree.XPath("//*[@class or @id]")




def _hides(el) -> bool:
    if el.get("hidden") is not None:
        return True
    if el.tag == "input" and (el.get("type") or "").strip().lower() == "hidden":
        return True
    style = el.get("style")
    if style:
        s = style.replace(" ", "").lower()
        return "display:none" in s or "visibility:hidden" in s
    return False


def is_hidden(el) -> bool:
    """True when el or an ancestor is hidden by its own markup: the `hidden` attribute, an
    `<input type=hidden>`, or an inline style display:none / visibility:hidden. (Stylesheets
    are not read: what they hide only the browser pass can tell.)"""
    while el is not None:
        if isinstance(el.tag, str) and _hides(el):
            return True
        el = el.getparent()
    return False


class Chunk:
    """One piece of text a reader sees, in document order: a text node (folded) or an image's
    title/alt, with the element it sits in and whether markup hides it."""
    __slots__ = ("text", "el", "hidden", "in_link")

    def __init__(self, text: str, el=None, hidden: bool = False, in_link: bool = False):
        self.text, self.el, self.hidden, self.in_link = text, el, hidden, in_link

    def __repr__(self) -> str:
        return f"Chunk({self.text!r})"


_CHUNK_NODES = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript) "
    "and not(ancestor::textarea)] | //body//img[@title or @alt]")


def text_chunks(doc) -> list[Chunk]:
    """The page's text chunks in document order; an <img title="发布时间"> is a chunk too (some
    portals label a date with an icon). Comments are not text."""
    if doc is None:
        return []
    out, hidden_memo, link_memo = [], {}, {}
    for node in _CHUNK_NODES(doc):
        if isinstance(node, str):
            text = fold(str(node))
            parent = node.getparent()
            el = parent.getparent() if node.is_tail and parent is not None else parent
        else:
            text = fold(node.get("title") or node.get("alt"))
            el = node
        if not text or el is None:
            continue
        if el not in hidden_memo:
            hidden_memo[el] = is_hidden(el)
            link_memo[el] = el.tag == "a" or any(True for _ in el.iterancestors("a"))
        out.append(Chunk(text, el, hidden_memo[el], link_memo[el]))
    return out


def near(a, b, levels: int) -> bool:
    """True when b lies inside a or inside one of a's `levels` nearest ancestors: a label and
    its value share a cell, a row or a line."""
    if a is None or b is None:
        return True                   # plain text: no structure to hold them apart
    up = {b, *b.iterancestors()}
    el = a
    for _ in range(levels + 1):
        if el is None:
            return False
        if el in up:
            return True
        el = el.getparent()
    return False
