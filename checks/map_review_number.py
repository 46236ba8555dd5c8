"""map_review_number — map images published on the site carry a 审图号 where the page can show it.

What it checks: every image on the fetched pages that the page itself calls a map — its alt or
title, its `<figcaption>`, or a short caption beside it (“图1 江门市行政区划图”, “项目区位示意图”)
names a map by a word of `map_terms` — and looks for its 审图号 in that caption, in the image's
own alt/title, or anywhere in the page's text: GS(2019)1822号, GS京(2022)1061号, 粤S(2021)012号,
粤S〔2020〕01-022号, in full or half width, or a “审图号：” label followed by a number.

Never a map: 站点地图/网站地图 and links to map services (百度地图, 天地图 …: the service prints
its own number), 导览图, 景区图, 街区图, 地铁和公交线路图, 平面图, 流程图, 效果图 (simple maps and
drawings need no review: 《地图审核管理规定》第六条), icons (width or height under `min_px`),
images that link to the site map or a map service, and images in the header, navigation or
footer. An image used on several pages is one finding.

Why only a warn by default: the number is often printed on the map itself, which zwgk cannot
read without OCR; a caption or page without it is a lead for the 自然资源部门's review that plan
item 44 asks for, not proof. An office whose rule is “标注在图片说明中” sets `missing_status: fail`.

Pass: the 2 images captioned as maps carry GS(2019)1822号 and 粤S(2021)012号; or the 240 pages
crawled show no image called a map.
Warn: /zwgk/ghxx/202305/t20230512_1.html: 图片“江门市国土空间总体规划图”未见审图号.
Unknown: no image called a map was seen, and the crawl saw too little to say there is none (the
start page is an article, or none of its links could be followed).

References: 江府办〔2022〕7号 item 44; 《地图管理条例》第十五条、《地图审核管理规定》第六条.
"""
from __future__ import annotations

import re
import unicodedata
from posixpath import basename
from urllib.parse import unquote, urljoin, urlsplit

from zwgk.checks.model import Finding, Needs
from zwgk.page.dom import is_hidden, visible_text
from zwgk.page.html import position_of
from zwgk.page.text import fold, matches_any

ID = "map_review_number"
NEEDS = Needs(crawl="lists")
PARAMS = {
    "map_terms": {"type": "list", "default": [
        "地图", "行政区划图", "区划图", "政区图", "区位图", "区位示意图", "位置示意图", "地理位置图",
        "规划图", "规划示意图", "范围图", "范围示意图", "红线图", "地形图", "影像图"]},
    # simple maps, drawings and map services that need no review, or print their own number
    "exempt_terms": {"type": "list", "default": [
        "站点地图", "网站地图", "地图导航", "电子地图", "百度地图", "高德地图", "腾讯地图", "天地图",
        "导览图", "导游图", "景区图", "街区图", "地铁", "公交", "线路图", "路线图", "交通示意图",
        "平面图", "流程图", "结构图", "架构图", "效果图", "鸟瞰图", "思维导图"]},
    "min_px": {"type": "int", "default": 120},
    "missing_status": {"type": "str", "default": "warn", "choices": ["fail", "warn"]},
    "max_findings": {"type": "int", "default": 20},
}

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# read after NFKC: full-width brackets and digits are half-width by then; 〔〕【】 stay
_NUMBER = re.compile(rf"(?:GS|[{_PROVINCES}]\s*S)\s*[{_PROVINCES}]?\s*[(\[〔【]\s*(?:19|20)\d{{2}}\s*[)\]〕】]"
                     r"\s*\d{1,6}(?:\s*-\s*\d{1,6})?\s*号", re.I)
_LABELLED = re.compile(r"审图号\s*[:：]?\s*\S{0,6}\d")
_CAPTION_CHARS = 60
_SRC_ATTRS = ("data-original", "data-src", "_src", "original", "src")
# an image that links to the site map or to a map service is a button, not a published map
_MAP_BUTTON = re.compile(r"sitemap|wzdt|zddt|map\.baidu\.|amap\.com|map\.qq\.com|tianditu", re.I)


def review_number(text: str) -> str:
    """The 审图号 written in text, or ""."""
    t = unicodedata.normalize("NFKC", text or "")
    m = _NUMBER.search(t) or _LABELLED.search(t)
    return fold(m.group(0)) if m else ""


def _short(el) -> str:
    if el is None or not isinstance(el.tag, str) or el.tag in ("script", "style"):   # comments too
        return ""
    text = fold(el.text_content())
    return text if 0 < len(text) <= _CAPTION_CHARS else ""


def _caption(img) -> list[str]:
    """The texts a reader takes for the image's caption: its figure's figcaption, the short text
    of the block holding it, the short block right after it, and a title just above ending 图."""
    out = []
    figure = next((a for a in img.iterancestors("figure")), None)
    if figure is not None:
        out += [fold(c.text_content()) for c in figure.iter("figcaption")]
    block = img.getparent()
    if block is not None and block.tag in ("a", "span", "strong", "font"):
        block = block.getparent() if block.getparent() is not None else block
    if block is not None and block.tag not in ("body", "html"):
        out.append(_short(block))
        out.append(_short(block.getnext()))
        before = _short(block.getprevious())
        if before.endswith("图"):
            out.append(before)
    nxt = img.getnext()
    if nxt is not None and nxt.tag != "img":
        out.append(_short(nxt))     # a comment or script gives nothing
    return [t for t in out if t]


def _too_small(img, min_px: int) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().lower().removesuffix("px")
        if value.isdigit() and int(value) < min_px:
            return True
    return False


def _file_label(src: str) -> str:
    """A file name that is words (江门市行政区划图.jpg), not a CMS number (W020230512.jpg)."""
    name = unquote(basename(urlsplit(src).path)).rsplit(".", 1)[0]
    return name if re.search(r"[\u4e00-\u9fff]", name) else ""


def _maps_on(page, doc, params):
    """(src, label, number) of each image the page calls a map."""
    page_number = None
    for img in doc.iter("img"):
        # lazy-loading CMSs put a shared placeholder in src and the image in data-original/_src
        raw = next((v.strip() for v in map(img.get, _SRC_ATTRS) if v and v.strip()), "")
        if not raw or raw.startswith("data:"):
            continue
        if _too_small(img, params["min_px"]):
            continue
        src = urljoin(page.final_url, raw)
        own = [fold(img.get("alt") or ""), fold(img.get("title") or ""), _file_label(src)]
        texts = [t for t in own + _caption(img) if t]
        named = next((t for t in texts if matches_any(t, params["map_terms"])), "")
        # most images name no map: the walks up the tree are for the few that do
        if not named or any(matches_any(t, params["exempt_terms"]) for t in texts):
            continue
        if is_hidden(img) or position_of(img) != "body":
            continue
        link = next(img.iterancestors("a"), None)
        if link is not None and _MAP_BUTTON.search(link.get("href") or ""):
            continue
        number = next((n for n in map(review_number, texts) if n), "")
        if not number:
            if page_number is None:
                page_number = review_number(visible_text(doc))
            number = page_number
        yield src, named, number


def check(site, params, ctx):
    found: dict[str, list] = {}             # src -> [label, number, [pages]]
    pages = site.pages
    for page in pages:
        doc = site.doc(page)
        if doc is None:
            continue
        for src, label, number in _maps_on(page, doc, params):
            entry = found.setdefault(src, [label, number, []])
            entry[1] = entry[1] or number
            if page.final_url not in entry[2]:
                entry[2].append(page.final_url)
    if not found:
        thin = site.thin_crawl()
        if thin or not pages:
            yield Finding("unknown", f"未发现标为地图的图片，但抓取到的内容太少，无法确认网站没有地图图片：{thin or '没有可读页面'}",
                          url=site.start_url)
            return
        yield Finding("pass", f"已检查 {len(pages)} 个页面，未发现标为地图的图片", url=site.home.final_url)
        return
    missing = [(src, e) for src, e in found.items() if not e[1]]
    labelled = [(src, e) for src, e in found.items() if e[1]]
    for src, (label, _, where) in missing[: params["max_findings"]]:
        more = f" 等 {len(where)} 个页面" if len(where) > 1 else ""
        yield Finding(params["missing_status"],
                      f"图片“{label[:40]}”标为地图，但图片说明和页面文字中都没有审图号（GS(年份)号、粤S(年份)号等），"
                      f"请核实图面是否印有审图号", url=where[0], evidence=f"图片 {src}，所在页面 {where[0]}{more}")
    if len(missing) > params["max_findings"]:
        rest = missing[params["max_findings"]:]
        yield Finding(params["missing_status"], f"另有 {len(rest)} 张标为地图的图片未见审图号",
                      url=rest[0][1][2][0], evidence="；".join(src for src, _ in rest)[:1500])
    if labelled:
        shown = "；".join(f"“{e[0][:30]}” {e[1]}" for _, e in labelled[:5])
        yield Finding("pass", f"{len(labelled)} 张标为地图的图片标注了审图号：{shown}", url=labelled[0][1][2][0])
