"""What a reader of a page cannot see, and how it is hidden: the elements a page's own markup
and styles hide (checks/spam_links.py judges the links and words inside them).

Static analysis of one page, as the crawl saved it (or as the browser rendered it, when the
browser pass replaced the page's HTML): its inline `style` attributes, its own `<style>` rules
(parsed with tinycss2, their selectors matched with lxml.cssselect, the cascade by specificity
and order), the `hidden` attribute, the usual hiding class names, and `<marquee>` tricks.
Stylesheets the page links to are not fetched, so what they hide is not seen; a class name like
`hide` or `sr-only` stands for them.

Two kinds of hiding, because they mean different things:
- `interactive`: display:none, visibility:hidden, opacity:0, the `hidden` attribute, a hiding
  class — how tab panels, drop-down menus and dialogs wait for a click;
- `concealed`: off-screen positioning (left/top/margin/text-indent past `offscreen_px`), zero
  size with overflow hidden, font-size 0, text the colour of its own background, clip, a
  marquee one pixel high or scrolling too fast to read — hiding with no interaction purpose
  (skip links and screen-reader text use it too, and hold the site's own links and words).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cssselect
import tinycss2
from lxml.cssselect import CSSSelector

from zwgk.page.dom import with_class_or_id

# What a rule or style attribute must declare to matter here (everything else is skipped).
_PROPS = {"display", "visibility", "opacity", "position", "left", "top", "right", "bottom",
          "margin-left", "margin-top", "text-indent", "font-size", "width", "height", "max-height",
          "overflow", "overflow-x", "overflow-y", "clip", "clip-path", "color", "background",
          "background-color"}
_INLINE = (1, 0, 0, 0)          # an inline style beats every selector
_LENGTH = re.compile(r"^([-+]?\d*\.?\d+)(px|pt|em|rem|%|vw|vh)?$")
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})\b")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
_NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff",
          "green": "#008000", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0"}


@dataclass(frozen=True)
class Config:
    offscreen_px: float = 500          # left/top/margin/text-indent at or past -N px: off-screen
    tiny_px: float = 1                 # width/height/font-size at or below: no room to read
    marquee_max_scrollamount: int = 100
    marquee_max_scrolldelay: int = 10000
    hidden_classes: tuple = ("hide", "hidden", "dn", "none", "d-none", "is-hidden", "display-none", "hid")
    concealed_classes: tuple = ("sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
                                "element-invisible", "offscreen")


@dataclass(frozen=True)
class Hiding:
    kind: str          # "interactive" | "concealed"
    how: str           # what hides it, for the finding: "position:absolute; left:-9999px（页面样式 .ad）"
    element: object    # the element that carries it
    text_only: bool = False   # hides text but not images (font-size 0, colour of the background)


# -- styles ---------------------------------------------------------------------------------------
def _declarations(tokens_or_text) -> dict:
    """property -> (value text, important) of a declaration block, only the properties above."""
    out = {}
    for d in tinycss2.parse_blocks_contents(tokens_or_text, skip_whitespace=True, skip_comments=True):
        if d.type == "declaration" and d.lower_name in _PROPS:
            out[d.lower_name] = (tinycss2.serialize(d.value).strip().lower(), d.important)
    return out


@lru_cache(maxsize=256)
def _page_rules(css: str, offscreen_px: float, tiny_px: float) -> tuple:
    """(selector text, compiled selector, specificity, declarations) of a <style> block's rules
    that take part in hiding: those declaring display or visibility (they hide or show again),
    and those declaring a property that some rule of the block sets to a hiding value (left:-9999px,
    height:0 …) — a layout rule's width:300px matters only where another rule hides by width.
    At-rules other than @media screen/all are left out (print styles and small-screen layouts are
    not what a desktop reader sees); selectors with pseudo classes or elements (:hover, ::before)
    describe a state, not the page as loaded."""
    rules = []
    for rule in _flatten(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        decls = _declarations(rule.content)
        if decls:
            rules.append((rule, decls))
    hiding = {"display", "visibility", "opacity"}
    for _rule, decls in rules:
        hiding |= _hiding_props(decls, offscreen_px, tiny_px)
    out = []
    for rule, decls in rules:
        if not hiding & decls.keys():
            continue
        for sel in tinycss2.serialize(rule.prelude).split(","):
            sel = sel.strip()
            if not sel or ":" in sel or "@" in sel:
                continue
            compiled = _compile(sel)
            if compiled is not None:
                names = frozenset(_NAMES.findall(sel))
                out.append((sel, compiled[0], compiled[1], decls, names))
    return tuple(out)


_NAMES = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")   # the classes and ids a selector needs
_OFFSETS = ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent")
_SIZES = ("width", "height", "max-height", "font-size")


def _hiding_props(decls: dict, offscreen_px: float, tiny_px: float) -> set:
    """The properties of one declaration block that hide, with the ones they need beside them."""
    out = set()
    for p in _OFFSETS:
        n = _px(decls[p][0]) if p in decls else None
        if n is not None and n <= -offscreen_px:
            out |= {p, "position"}
    for p in _SIZES:
        n = _px(decls[p][0]) if p in decls else None
        if n is not None and n <= tiny_px:
            out |= {p, "overflow", "overflow-x", "overflow-y"}
    if "clip" in decls or "clip-path" in decls:
        out |= {"clip", "clip-path", "position"}
    if "color" in decls and ("background" in decls or "background-color" in decls):
        out |= {"color", "background", "background-color"}
    return out


def _flatten(rules):
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            media = tinycss2.serialize(rule.prelude).strip().lower()
            if media in ("screen", "all", ""):
                yield from _flatten(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                             skip_whitespace=True))


@lru_cache(maxsize=4096)
def _compile(sel: str):
    try:
        parsed = cssselect.parse(sel)
        return CSSSelector(sel, translator="html"), parsed[0].specificity() if parsed else (0, 0, 0)
    except (cssselect.SelectorError, cssselect.ExpressionError, ValueError):
        return None


def styles_of(doc, cfg: "Config | None" = None) -> dict:
    """element -> property -> (value, origin text) after the cascade of the page's own <style>
    rules and inline styles (only elements some relevant declaration reaches)."""
    cfg = cfg or Config()
    won: dict = {}                      # element -> prop -> (rank, value, origin)
    order = 0
    present = None                      # the page's classes and ids: a rule naming another matches nothing
    for style in doc.iter("style"):
        css = style.text or ""
        if not css.strip():
            continue
        for sel, compiled, spec, decls, names in _page_rules(css, cfg.offscreen_px, cfg.tiny_px):
            order += 1
            if present is None:
                present = {w for el in with_class_or_id(doc)
                           for w in (*(el.get("class") or "").split(), (el.get("id") or "").strip()) if w}
            if not names <= present:
                continue
            try:
                matched = compiled(doc)
            except Exception:  # noqa: BLE001 — an exotic selector lxml cannot run is no hiding
                continue
            for el in matched:
                _apply(won, el, decls, (0, *spec), order, f"页面样式 {sel[:60]}")
    for el in doc.xpath("//*[@style]"):
        order += 1
        try:
            decls = _declarations(el.get("style") or "")
        except Exception:  # noqa: BLE001 — tinycss2 tolerates almost anything; be sure
            continue
        _apply(won, el, decls, _INLINE, order, "行内样式")
    return {el: {p: (v, origin) for p, (_rank, v, origin) in props.items()} for el, props in won.items()}


def _apply(won, el, decls, spec, order, origin):
    props = won.setdefault(el, {})
    for prop, (value, important) in decls.items():
        rank = (important, spec, order)
        if prop not in props or rank >= props[prop][0]:
            props[prop] = (rank, value, origin)


# -- hiding ---------------------------------------------------------------------------------------
def _px(value: str) -> float | None:
    """A length in px (em and rem as 16px), or None for anything else (auto, calc(), 50%)."""
    m = _LENGTH.match(value.split()[0]) if value else None
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2) or "px"
    if unit == "px" or n == 0:
        return n
    return {"pt": n * 4 / 3, "em": n * 16, "rem": n * 16}.get(unit)


def _colour(value: str) -> str | None:
    if not value:
        return None
    m = _HEX.search(value)
    if m:
        h = m.group(1)
        return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)
    m = _RGB.search(value)
    if m:
        if m.group(4) is not None and float(m.group(4)) < 1:
            return None            # a translucent colour: its look depends on what is beneath
        return "#" + "".join(f"{int(x):02x}" for x in m.groups()[:3])
    for word in value.split():
        if word in _NAMED:
            return _NAMED[word]
    return None


def _own_hiding(el, props: dict, cfg: Config) -> Hiding | None:
    """How an element hides itself (with what its own styles declare), or None."""
    def val(p):
        return props.get(p, ("", ""))[0]

    def origin(*ps):
        return next((props[p][1] for p in ps if p in props), "")

    if val("display") == "none":
        return Hiding("interactive", f"display:none（{origin('display')}）", el)
    if val("visibility") in ("hidden", "collapse"):
        return Hiding("interactive", f"visibility:{val('visibility')}（{origin('visibility')}）", el)
    opacity = val("opacity")
    if opacity and _px(opacity) is not None and _px(opacity) <= 0.01:
        return Hiding("interactive", f"opacity:{opacity}（{origin('opacity')}）", el)
    if val("position") in ("absolute", "fixed"):
        for p in ("left", "top", "right", "bottom"):
            n = _px(val(p))
            if n is not None and n <= -cfg.offscreen_px:
                return Hiding("concealed", f"position:{val('position')}; {p}:{val(p)}（{origin(p)}）", el)
        clip = val("clip").replace(" ", "")
        if clip.startswith("rect(") and _tiny_rect(clip, cfg):
            return Hiding("concealed", f"clip:{val('clip')}（{origin('clip')}）", el)
    for p in ("margin-left", "margin-top", "text-indent"):
        n = _px(val(p))
        if n is not None and n <= -cfg.offscreen_px:
            return Hiding("concealed", f"{p}:{val(p)}（{origin(p)}）", el)
    clip_path = val("clip-path").replace(" ", "")
    if clip_path in ("inset(50%)", "inset(100%)", "circle(0)", "circle(0px)"):
        return Hiding("concealed", f"clip-path:{val('clip-path')}（{origin('clip-path')}）", el)
    overflow = {val(p) for p in ("overflow", "overflow-x", "overflow-y")}
    if "hidden" in overflow:
        for p in ("width", "height", "max-height"):
            n = _px(val(p))
            if n is not None and n <= cfg.tiny_px:
                return Hiding("concealed", f"{p}:{val(p)}; overflow:hidden（{origin(p)}）", el)
    fg = _colour(val("color"))
    bg = _colour(val("background-color")) or _colour(val("background"))
    if fg and bg and fg == bg:
        return Hiding("concealed", f"color:{val('color')} 与背景色相同（{origin('color')}）", el, text_only=True)
    return None


def _tiny_rect(clip: str, cfg: Config) -> bool:
    parts = [p for p in re.split(r"[,\s]+", clip[5:].rstrip(")")) if p]
    nums = [_px(p) for p in parts]
    if len(nums) != 4 or any(n is None for n in nums):
        return False
    top, right, bottom, left = nums
    return abs(bottom - top) <= cfg.tiny_px or abs(right - left) <= cfg.tiny_px


def _marquee_hiding(el, cfg: Config) -> Hiding | None:
    for attr in ("height", "width"):
        n = _px((el.get(attr) or "").strip().lower())
        if n is not None and n <= cfg.tiny_px:
            return Hiding("concealed", f"<marquee {attr}={el.get(attr)}>（滚动框不可见）", el)
    for attr, limit in (("scrollamount", cfg.marquee_max_scrollamount),
                        ("scrolldelay", cfg.marquee_max_scrolldelay)):
        raw = (el.get(attr) or "").strip()
        if raw.isdigit() and int(raw) >= limit:
            return Hiding("concealed", f"<marquee {attr}={raw}>（滚动过快或过慢，无法阅读）", el)
    return None


def _class_hiding(el, cfg: Config) -> Hiding | None:
    classes = set((el.get("class") or "").lower().split())
    hidden = classes & set(cfg.hidden_classes)
    if hidden:
        return Hiding("interactive", f"class=\"{sorted(hidden)[0]}\"（隐藏类名）", el)
    concealed = classes & set(cfg.concealed_classes)
    if concealed:
        return Hiding("concealed", f"class=\"{sorted(concealed)[0]}\"（屏幕阅读器专用类名）", el)
    return None


class Concealment:
    """The hiding of every element of one parsed page, asked per element (memoised)."""

    def __init__(self, doc, cfg: Config | None = None):
        self.cfg = cfg or Config()
        self.styles = styles_of(doc, self.cfg) if doc is not None else {}
        self._memo: dict = {}
        # only these elements can hide themselves: the others are answered without a look
        self._candidates = set(self.styles)
        if doc is not None:
            self._candidates.update(doc.xpath("//*[@class or @hidden] | //marquee"))

    def own(self, el) -> Hiding | None:
        if el not in self._candidates:
            return None
        if el in self._memo:
            return self._memo[el]
        found = None
        tag = el.tag if isinstance(el.tag, str) else ""
        if el.get("hidden") is not None:
            found = Hiding("interactive", "hidden 属性", el)
        elif tag == "marquee":
            found = _marquee_hiding(el, self.cfg)
        if found is None and el in self.styles:
            found = _own_hiding(el, self.styles[el], self.cfg)    # font-size 0: see _font_zero
        if found is None:
            found = _class_hiding(el, self.cfg)
        self._memo[el] = found
        return found

    def hiding_of(self, el) -> Hiding | None:
        """How el is hidden by itself or an ancestor: a concealment wins over an interactive
        hiding (a display:none block inside an off-screen one is concealed). A link showing an
        image is not hidden by font-size 0 or a text colour (the image stays in view)."""
        interactive = None
        chain = [el, *el.iterancestors()]
        pictured = None
        for i, node in enumerate(chain):
            if not isinstance(node.tag, str):
                continue
            found = self.own(node) or self._font_zero(chain, i)
            if found is not None and found.text_only:
                if pictured is None:
                    pictured = el.tag in ("img", "svg") or next(el.iter("img", "svg", "input"), None) is not None
                if pictured:
                    found = None
            if found is None:
                continue
            if found.kind == "concealed":
                return found
            interactive = interactive or found
        return interactive

    def _font_zero(self, chain, i) -> Hiding | None:
        """font-size 0 on chain[i] hides chain[0] only when nothing between them may set a size
        of its own: no declared font-size, and no class or id a linked stylesheet could size
        (`ul{font-size:0} li{font-size:14px}` is a layout trick, not hiding)."""
        node = chain[i]
        props = self.styles.get(node)
        if not props or "font-size" not in props:
            return None
        size = _px(props["font-size"][0])
        if size is None or size > self.cfg.tiny_px:
            return None
        for between in chain[:i]:
            if not isinstance(between.tag, str):
                continue
            if "font-size" in self.styles.get(between, {}) or between.get("class") or between.get("id"):
                return None
        return Hiding("concealed", f"font-size:{props['font-size'][0]}（{props['font-size'][1]}）", node,
                      text_only=True)

    def _font_zero_block(self, el) -> Hiding | None:
        """font-size 0 on an element none of whose descendants may size itself again."""
        if self._font_zero([el], 0) is None:
            return None
        for d in el.iterdescendants():
            if isinstance(d.tag, str) and (d.get("class") or d.get("id") or "font-size" in self.styles.get(d, {})):
                return None
        return self._font_zero([el], 0)

    def roots(self, doc) -> list:
        """The outermost hidden elements of the page (their hiding), in document order; one walk
        that does not enter what it has found hidden."""
        out, stack = [], [doc]
        while stack:
            el = stack.pop()
            if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template", "head"):
                continue
            h = self.own(el) or self._font_zero_block(el)
            if h is not None:
                out.append(h)
                continue
            stack.extend(reversed(el))
        return out


def selector_of(el) -> str:
    """A short CSS path of an element for inspectors: up to three ancestors, ids and classes."""
    parts = []
    for node in [el, *el.iterancestors()][:4]:
        if not isinstance(node.tag, str) or node.tag in ("html", "body"):
            break
        part = node.tag
        if node.get("id"):
            part += f"#{node.get('id').strip()}"
        elif node.get("class"):
            part += "".join(f".{c}" for c in node.get("class").split()[:2])
        parts.insert(0, part)
    return " > ".join(parts)
