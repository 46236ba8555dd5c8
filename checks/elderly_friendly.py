"""elderly_friendly — 适老化 points a browser can measure: no pop-ups, text can be enlarged, and the
large-font / elder mode really enlarges (browser check).

What it checks, on the sampled pages rendered in Chromium (evidence from the browser pass):
- pop-ups and floating windows on load: fixed-position boxes covering ≥ `overlay_fail_ratio` of
  the viewport (fail), 飘窗 that move, or fixed boxes covering ≥ `overlay_warn_ratio` (warn).
  Full-width bars (headers, cookie bars) and the accessibility toolbar itself are left out;
- zoom to 200% (the 1280×800 window laid out at 640×400): a viewport meta with
  `user-scalable=no` or `maximum-scale` < 2 fails; horizontal scrolling wider than
  `overflow_tolerance_px`, or text newly cut off by `overflow: hidden`, gives `overflow_status` /
  `clipped_status`;
- on the home page, the 长者模式/大字版 entry (or the 无障碍 toolbar's 放大 button) is clicked and
  the median font size compared: it must grow by `min_font_ratio`.

Why it matters: item 54 (适老化无障碍改造); 工信部《互联网网站适老化通用设计规范》asks for
adjustable text size, no pop-up ads and no obstruction of content in the elder mode.

Pass: no overlay on load; 200% zoom keeps all text; 长者模式 raises the font from 14px to 20px.
Fail: a 50%-of-screen notice pops up on load; `user-scalable=no`; 长者模式 changes nothing.
Warn: a 飘窗 floats over the home page; the page scrolls sideways at 200%.
Unknown: no browser; the home page could not be opened; no elder-mode entry to try
(`missing_mode_status`); the font did not grow but no toolbar script loaded and some of the
page's own (or toolbar) scripts could not be fetched at all.

References: 江府办〔2022〕7号 item 54; 工信部信管〔2020〕200号; WCAG 2.1 SC 1.4.4, 1.4.10.
"""
from __future__ import annotations

from zwgk.checks.accessibility_entry import TOOLBAR_SCRIPTS
from zwgk.checks.accessibility_toolbar import browser_unknown
from zwgk.checks.model import Finding, Needs
from zwgk.page.browser_evidence import evidence_of

ID = "elderly_friendly"
_STATUS = ["fail", "warn", "unknown"]
PARAMS = {
    "large_font_names": {"type": "list[str]",
                         "default": ["长者模式", "长者版", "关怀版", "关爱版", "适老版", "老年模式", "大字版",
                                     "大字模式", "适老化"]},
    "toolbar_names": {"type": "list[str]", "default": ["无障碍浏览", "无障碍", "辅助浏览"]},
    "zoom_in_names": {"type": "list[str]", "default": ["放大", "文字放大", "字体放大", "大字幕", "大字"]},
    "min_font_ratio": {"type": "float", "default": 1.15},
    "overlay_min_ratio": {"type": "float", "default": 0.01},
    "overlay_warn_ratio": {"type": "float", "default": 0.03},
    "overlay_fail_ratio": {"type": "float", "default": 0.3},
    "bar_max_height_ratio": {"type": "float", "default": 0.2},
    "overflow_tolerance_px": {"type": "int", "default": 16},
    "overflow_status": {"type": "str", "default": "warn", "choices": _STATUS},
    "clipped_status": {"type": "str", "default": "warn", "choices": _STATUS},
    "missing_mode_status": {"type": "str", "default": "unknown", "choices": _STATUS},
}


def _probe(params) -> dict:
    """What the browser pass looks for and measures on the home page for this check."""
    return {"toolbar_names": params["toolbar_names"], "large_font_names": params["large_font_names"],
            "zoom_in_names": params["zoom_in_names"], "overlay_min_ratio": params["overlay_min_ratio"]}


NEEDS = Needs(crawl="lists", browser=True, probe=_probe)


def _is_bar(o, viewport, params) -> bool:
    vw, vh = viewport
    return o.width >= 0.9 * vw and o.height <= params["bar_max_height_ratio"] * vh


def _overlays(page, params, names):
    found = False
    for o in page.overlays:
        if _is_bar(o, page.viewport, params) or any(n in o.text for n in names):
            continue
        pct = f"{o.coverage:.0%}"
        what = f"{o.position} {o.width:.0f}×{o.height:.0f} 位于 ({o.left:.0f},{o.top:.0f})" + \
               (f"，内容“{o.text}”" if o.text else "") + ("，有关闭按钮" if o.closable else "，无关闭按钮")
        if o.coverage >= params["overlay_fail_ratio"]:
            yield Finding("fail", f"页面打开即弹出遮挡内容的窗口，覆盖可视区域 {pct}", url=page.final_url,
                          evidence=what, selector=o.selector, screenshot=page.screenshot)
        elif o.moving:
            yield Finding("warn", f"页面有移动的飘窗（浮动广告/公告），覆盖可视区域 {pct}", url=page.final_url,
                          evidence=what, selector=o.selector, screenshot=page.screenshot)
        elif o.coverage >= params["overlay_warn_ratio"]:
            yield Finding("warn", f"页面有固定悬浮窗，覆盖可视区域 {pct}", url=page.final_url,
                          evidence=what, selector=o.selector, screenshot=page.screenshot)
        else:
            continue
        found = True
    if not found:
        yield Finding("pass", "页面加载时无弹窗、飘窗遮挡内容", url=page.final_url)


def _zoom(page, params):
    z = page.zoom
    if z is None:
        return
    if z.error:
        yield Finding("unknown", f"无法测量 200% 缩放：{z.error}", url=page.final_url)
        return
    if z.scaling_blocked:
        yield Finding("fail", f"页面禁止缩放：{z.scaling_blocked}", url=page.final_url, evidence=z.viewport_meta,
                      selector='meta[name="viewport"]', screenshot=page.screenshot)
    problem = False
    if z.overflow_px > params["overflow_tolerance_px"]:
        problem = True
        yield Finding(params["overflow_status"],
                      f"放大到 200% 时页面比窗口宽 {z.overflow_px} 像素，须左右滚动才能阅读",
                      url=page.final_url, evidence=f"200% 时布局宽度 {z.width_px}px", selector="html",
                      screenshot=z.screenshot)
    if z.clipped:
        problem = True
        sel, text = z.clipped[0]
        yield Finding(params["clipped_status"], f"放大到 200% 时有 {len(z.clipped)} 处文字被截断、显示不全",
                      url=page.final_url, evidence="；".join(f"{s}“{t}”" for s, t in z.clipped[:3]),
                      selector=sel, screenshot=z.screenshot)
    if not problem and not z.scaling_blocked:
        yield Finding("pass", "页面可放大到 200%，无横向滚动、无文字截断", url=page.final_url)


def _font_mode(home, params):
    t = home.font_toggle
    if t is None:
        status = params["missing_mode_status"]
        yield Finding(status, "首页未找到长者模式/大字版入口（或无障碍工具条），未能测试大字模式",
                      url=home.final_url, evidence="查找: " + "、".join(params["large_font_names"][:5]),
                      screenshot=home.screenshot if status in ("fail", "warn") else "")
        return
    if t.error and not t.after_px:
        yield Finding("unknown", f"未能完成长者模式测试：{t.error}", url=home.final_url, selector=t.entry_selector)
        return
    where = t.navigated_to or home.final_url
    # the mode's code may be in a script that never arrived (none of the toolbar's loaded)
    toolbar_loaded = any(s.ok and any(k.lower() in s.url.lower() for k in TOOLBAR_SCRIPTS) for s in home.scripts)
    unloaded = [] if toolbar_loaded else home.unloaded_scripts(TOOLBAR_SCRIPTS)
    detail = f"{t.via}；正文字号中位数 {t.before_px:g}px → {t.after_px:g}px"
    if t.ratio >= params["min_font_ratio"]:
        yield Finding("pass", f"开启长者模式/大字模式后字号变大（×{t.ratio:.2f}）", url=where, evidence=detail,
                      selector=t.entry_selector)
    elif unloaded:
        s = unloaded[0]
        yield Finding("unknown", f"开启“{t.entry_text}”后字号没有变大（×{t.ratio:.2f}），但页面有 {len(unloaded)} "
                                 f"个脚本未能加载（如 {s.url}：{s.describe()}），大字模式可能在其中，无法判断",
                      url=where, evidence=detail, selector=t.entry_selector)
    else:
        yield Finding("fail", f"开启“{t.entry_text}”后页面字号没有变大（×{t.ratio:.2f}，应至少 ×{params['min_font_ratio']:g}）",
                      url=where, evidence=detail, selector=t.entry_selector, screenshot=t.screenshot or home.screenshot)


def check(site, params, ctx):
    ev = evidence_of(site)
    missing = browser_unknown(site, ev, "适老化情况")
    if missing:
        yield missing
        return
    toolbar_words = params["toolbar_names"] + params["large_font_names"]
    for page in ev.audited_pages():
        if not page.ok or not page.audited:
            continue
        yield from _overlays(page, params, toolbar_words)
        yield from _zoom(page, params)
    yield from _font_mode(ev.home, params)
