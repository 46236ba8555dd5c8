"""lxml helpers shared by the page model's parsers and the checks: parsing a page, the text of
an element, the text a reader sees."""
from __future__ import annotations

import lxml.html
from lxml import etree

from zwgk.page.text import fold

# lxml.html's own parser picks each element's class with a Python callback (forms and inputs
# get classes of their own), paid for every element a check touches. Checks use HtmlElement's
# methods (text_content …), not the form classes, so documents get HtmlElement throughout, by
# a lookup done in C. extract() only reads tags, attributes and text: plain lxml elements.
_HTML_PARSER = etree.HTMLParser()
_HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
PLAIN_PARSER = etree.HTMLParser()
# text_content(), for plain and lxml.html elements alike
string_of = etree.XPath("string()")


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


_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")


def visible_text(doc) -> str:
    """The text a reader sees of a parsed page (scripts and styles left out), folded."""
    return "" if doc is None else fold(" ".join(_VISIBLE_TEXT(doc)))


# The elements that have a class or an id, in document order. Most elements have neither, and
# libxml2 passes them over faster than a Python loop over every element does.
with_class_or_id = etree.XPath("//*[@class or @id]")


