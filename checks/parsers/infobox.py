"""The 信息公开 info box of a document page: 索引号, 主题分类, 发文机关, 成文日期, 发文字号, 发布日期,
有效性/时效性 …

Portals lay it out as `<li>有&ensp;效&ensp;性：<em>有效</em></li>`, as label/value table cells
(`<td>索引号：</td><td>…</td>`) or as one line of text; labels are spaced out with &ensp; or
full-width spaces. The parser walks the page's text chunks in order: a chunk that is a known label
followed by a colon takes the rest of the chunk as its value, or the next chunk when the rest is
empty. A box needs at least two labels, so a stray "发布日期：" in an article is not a box.

    box = info_box(site, page)   # InfoBox; box.found, box.validity, box.get("doc_no")
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zwgk.page.text import fold, parse_date

LABELS = (
    ("index_no", ("索引号",)),
    ("topic", ("主题分类", "主题词", "分类")),
    ("issuer", ("发文机关", "发布机构", "发文单位", "制发机关")),
    ("written", ("成文日期", "成文时间")),
    ("title", ("标题", "名称", "文件名称")),
    ("doc_no", ("发文字号", "文号")),
    ("published", ("发布日期", "发布时间", "公开日期")),
    ("validity", ("有效性", "时效性", "效力状态", "有效状态", "效力")),
    ("effective", ("生效日期", "实施日期", "施行日期")),
    ("expiry", ("废止日期", "失效日期", "失效时间")),
)
_LABEL_KIND = {word: kind for kind, words in LABELS for word in words}
_LABELED = re.compile(r"^\s*((?:[^\s:：]\s*){2,8}?)[:：]\s*(.*)$", re.S)
_NEXT_LABEL = re.compile(r"\s+[^\s:：]{2,6}[:：]")
_SPACE = re.compile(r"\s+")


@dataclass
class InfoBox:
    fields: dict = field(default_factory=dict)    # kind -> value text
    labels: dict = field(default_factory=dict)    # kind -> the label as the page writes it

    @property
    def found(self) -> bool:
        return len(self.fields) >= 2

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


def _chunks(doc) -> list[str]:
    nodes = doc.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) "
                      "and not(ancestor::noscript) and not(ancestor::textarea)]")
    return [c for c in (fold(str(n)) for n in nodes) if c]


def _label(chunk: str):
    m = _LABELED.match(chunk)
    if not m:
        return None, ""
    word = _SPACE.sub("", m.group(1))
    kind = _LABEL_KIND.get(word)
    if kind is None:
        return None, ""
    return (kind, word), m.group(2).strip()


def parse_labelled(chunks) -> InfoBox:
    box = InfoBox()
    for i, chunk in enumerate(chunks):
        found, rest = _label(chunk)
        if not found:
            continue
        kind, word = found
        if kind in box.fields:
            continue
        value = rest
        if not value and i + 1 < len(chunks):
            nxt = chunks[i + 1]
            if not _label(nxt)[0]:
                value = nxt
        value = _NEXT_LABEL.split(value, 1)[0].strip() if value else ""
        if value:
            box.fields[kind] = value[:200]
            box.labels[kind] = word
    return box


def info_box(site, page) -> InfoBox:
    """The page's info box (empty InfoBox when the page has none); cached per page."""
    cache = site.__dict__.setdefault("_zwgk_infobox", {})
    key = page.final_url
    if key not in cache:
        doc = site.doc(page)
        cache[key] = InfoBox() if doc is None else parse_labelled(_chunks(doc))
    return cache[key]


def visible_pubdate(site, page) -> date | None:
    """The publication date a document page shows (info box 发布日期 or a lone 发布时间：…)."""
    box = info_box(site, page)
    return parse_date(box.fields.get("published", "")) if box.fields else None
