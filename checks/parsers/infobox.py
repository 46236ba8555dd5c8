"""The 信息公开 info box of a document page: 索引号, 主题分类, 发文机关, 成文日期, 发文字号, 发布日期,
有效性/时效性 …

Portals lay it out as `<li>有&ensp;效&ensp;性：<em>有效</em></li>`, as label/value table cells
(`<td>索引号：</td><td>…</td>`, `<td>成文日期</td><td>2020-12-29</td>` without a colon), as a
header row over a value row (`<td>索取号</td><td>发布时间</td>…` then the values), as labels and
values on lines of their own, or as several pairs on one line (`发文日期: 2019-01-23 生效时间:
2019-01-23`). The parser walks the page's text chunks in order. A known label (rules/vocab/
infobox.yaml, spacing removed) takes the rest of its chunk as its value; when that is empty, the
next chunk if it sits in the same cell, row or line and is not itself a label — a label without a
value is recorded as empty (`box.empty`), so that a check can tell 有效性字段为空 from no 有效性
label at all. A box needs at least two labels and one value, so a stray "发布日期：" in an article
is not a box. 成文日期 (`written`) and 发文日期 (`issued`) are when the document was signed or
issued, never its publication date (`published`).

    box = info_box(site, page)   # InfoBox; box.found, box.validity, box.get("doc_no"), box.empty
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zwgk.checks.parsers.vocab import vocab
from zwgk.page.dom import Chunk, near, text_chunks
from zwgk.page.text import fold, parse_date

LABELS = tuple((kind, tuple(words)) for kind, words in vocab("infobox").items())
_LABEL_KIND = {word: kind for kind, words in LABELS for word in words}
_LABELED = re.compile(r"^\s*((?:[^\s:：]\s*){2,8}?)[:：]\s*(.*)$", re.S)
# the next "xxx：" label inside a value cuts it (a clock time 16:34 is not a label)
_NEXT_LABEL = re.compile(r"\s+(?!\d+[:：]\d)[^\s:：]{2,6}[:：]")
_SPACE = re.compile(r"\s+")
_BULLET = "•·●▪◆■□◇○- \t"
# any short "xxx：" chunk is a label, known or not: never the value of the label before it
_LABEL_LIKE = re.compile(r"^\s*(?:[^\s:：]\s*){2,8}[:：]\s*$")
# a known label with its colon as a whole token inside a chunk: where a chunk holding several
# label:value pairs is cut
_KNOWN_AT = re.compile(
    r"(?:(?<=[\s|,，;；、])|^)(?:" + "|".join(r"\s*".join(map(re.escape, w)) for w in
                                           sorted(_LABEL_KIND, key=len, reverse=True)) + r")\s*[:：]")


@dataclass
class InfoBox:
    fields: dict = field(default_factory=dict)    # kind -> value text
    labels: dict = field(default_factory=dict)    # kind -> the label as the page writes it
    empty: set = field(default_factory=set)       # kinds whose label the page shows without a value

    @property
    def found(self) -> bool:
        return bool(self.fields) and len(self.fields) + len(self.empty) >= 2

    def get(self, kind: str, default: str = "") -> str:
        return self.fields.get(kind, default)

    @property
    def validity(self) -> str:
        return self.fields.get("validity", "") if self.found else ""

    @property
    def published(self) -> date | None:
        return parse_date(self.fields.get("published", ""))

    def describe(self) -> str:
        return "；".join(f"{self.labels.get(k, k)}：{v}" for k, v in self.fields.items())


def _clean(text: str) -> str:
    return text.lstrip(_BULLET)


def _label(text: str):
    """((kind, word), rest, bare) of a chunk that starts with a known label, else (None, "", False).
    bare: the chunk is the label alone, without a colon (a table cell, a line of its own)."""
    text = _clean(text)
    m = _LABELED.match(text)
    if m:
        word = _SPACE.sub("", m.group(1))
        kind = _LABEL_KIND.get(word)
        return ((kind, word), m.group(2).strip(), False) if kind else (None, "", False)
    word = _SPACE.sub("", text)
    kind = _LABEL_KIND.get(word)
    return ((kind, word), "", True) if kind else (None, "", False)


def _is_label(text: str) -> bool:
    return _label(text)[0] is not None or bool(_LABEL_LIKE.match(_clean(text)))


def _split(chunks) -> list[Chunk]:
    """Chunks cut at every known label inside them (several pairs on one line), bullets gone."""
    out = []
    for c in chunks:
        if isinstance(c, str):
            c = Chunk(c)
        text = _clean(c.text)
        cuts = [m.start() for m in _KNOWN_AT.finditer(text)]
        if cuts and cuts[0] > 0:
            cuts.insert(0, 0)
        if len(cuts) < 2:
            if text:
                out.append(Chunk(text, c.el, c.hidden, c.in_link))
            continue
        for a, b in zip(cuts, cuts[1:] + [len(text)]):
            part = _clean(text[a:b].strip())
            if part:
                out.append(Chunk(part, c.el, c.hidden, c.in_link))
    return out


def _cell(el):
    """The table cell an element is (or sits in, two levels up at most), or None."""
    for _ in range(3):
        if el is None or not isinstance(el.tag, str):
            return None
        if el.tag in ("td", "th"):
            return el
        el = el.getparent()
    return None


def _cells(row) -> list:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _is_header_row(row) -> bool:
    """A row of label cells over a row of values: most cells are known labels, none is empty
    (a label beside an empty value cell is a label/value row) and none holds a digit (values do:
    dates, numbers, 文号)."""
    cells = _cells(row)
    texts = [_SPACE.sub("", fold(c.text_content())).rstrip(":：") for c in cells]
    known = sum(1 for t in texts if t in _LABEL_KIND)
    return (known >= 2 and known * 2 >= len(cells) and all(texts)
            and not any(ch.isdigit() for t in texts for ch in t))


def _bare_value(cell) -> str:
    """The value of a label cell without colon: the next cell of its row, or the cell below it
    when the row is a header row."""
    row = cell.getparent()
    if row is None or row.tag != "tr":
        return ""
    if _is_header_row(row):
        table = row.xpath("ancestor::table[1]")
        below = row.xpath("following::tr[1]")
        # one row of values under the labels, in the same table; rows with links under a header
        # are a list's rows
        if (not below or not table or below[0].xpath("ancestor::table[1]") != table
                or below[0].xpath(".//a[@href]") or len(table[0].xpath(".//tr")) > 3):
            return ""
        cells, at = _cells(below[0]), _cells(row).index(cell)
        return fold(cells[at].text_content()) if at < len(cells) else ""
    nxt = cell.getnext()
    while nxt is not None and not (isinstance(nxt.tag, str) and nxt.tag in ("td", "th")):
        nxt = nxt.getnext()
    return fold(nxt.text_content()) if nxt is not None else ""


def _value_after(chunks, i: int, bare: bool) -> str:
    label = chunks[i]
    cell = _cell(label.el) if bare else None
    if cell is not None:
        value = _bare_value(cell)
        return "" if _is_label(value) else value
    if i + 1 >= len(chunks):
        return ""
    nxt = chunks[i + 1]
    if _is_label(nxt.text) or not near(label.el, nxt.el, 2 if bare else 3):
        return ""
    return nxt.text


def parse_labelled(chunks) -> InfoBox:
    """The info box of a page's text chunks (Chunk objects, or plain strings of a text)."""
    chunks = _split(chunks)
    box = InfoBox()
    for i, chunk in enumerate(chunks):
        found, rest, bare = _label(chunk.text)
        if not found:
            continue
        kind, word = found
        if kind in box.labels:
            continue              # the first label of a kind is the box's; later ones are body text
        value = rest or _value_after(chunks, i, bare)
        value = _NEXT_LABEL.split(value, 1)[0].strip() if value else ""
        box.labels[kind] = word
        if value:
            box.fields[kind] = value[:200]
        else:
            box.empty.add(kind)
    return box


def info_box(site, page) -> InfoBox:
    """The page's info box (empty InfoBox when the page has none); cached per page."""
    cache = site.__dict__.setdefault("_zwgk_infobox", {})
    key = page.final_url
    if key not in cache:
        doc = site.doc(page)
        cache[key] = InfoBox() if doc is None else parse_labelled(text_chunks(doc))
    return cache[key]
