"""accessibility_entry — the home page offers the 适老化/无障碍 retrofit (static check).

What it checks: an element on the home page whose own text is an accessibility entry (无障碍,
长者模式, 关怀版, 适老化, 大字版, 读屏 …, usually a `javascript:` link or a button), or a known
toolbar script referenced by the page (`cniil_wza`, govwza.cn `aria.js`, `barrier.free`,
`jdaToolbar`, …). It does not prove the toolbar works: the browser check
(`accessibility_toolbar`) loads it in Chromium.

Why it matters: item 54 — 县级政府门户网站 finish the 适老化无障碍 retrofit before 2023 (工信部
《互联网网站适老化通用设计规范》).

Pass: `<a id="toolbarSwitch" href="javascript:void(0)">无障碍浏览</a>`; `<script src="/wza/aria.js">`.
Fail: neither an entry nor a toolbar script on the home page.
Unknown: the home page is a script shell (its header is built by JavaScript).

References: 江府办〔2022〕7号 item 54; 工信部信管〔2020〕200号; GB/T 37668-2019.
"""
from __future__ import annotations

from zwgk.checks.model import Finding, Needs
from zwgk.page.text import norm

ID = "accessibility_entry"
NEEDS = Needs(crawl="lists")
# Shared with the browser check (accessibility_toolbar): the words of an entry, and the toolbar
# scripts of the vendors portals use.
ENTRY_NAMES = ["无障碍", "长者模式", "长者版", "关怀版", "关爱版", "适老化", "适老版", "老年模式",
               "大字版", "读屏", "辅助浏览", "盲人模式", "无障碍浏览", "智能导盲"]
TOOLBAR_SCRIPTS = ["cniil_wza", "govwza", "aria.js", "barrier.free", "barrierfree", "jdatoolbar",
                   "wza.js", "wza.min.js", "/wza/", "assist.js", "slb.js", "toolbar.js"]
PARAMS = {
    "names": {"type": "list[str]", "default": ENTRY_NAMES},
    "scripts": {"type": "list[str]", "default": TOOLBAR_SCRIPTS},
}


def find_entries(site, page, names):
    """(selector-ish description, text) of elements whose own short text names an entry."""
    doc = site.doc(page)
    if doc is None:
        return []
    wanted = [norm(n) for n in names]
    out = []
    for el in doc.iter("a", "button", "span", "li", "div", "font", "em", "i", "b", "p", "img"):
        text = el.text_content() if el.tag != "img" else (el.get("alt") or el.get("title") or "")
        t = norm(text)
        if not t or len(t) > 12:
            continue
        if any(w in t for w in wanted):
            ident = f"{el.tag}" + (f"#{el.get('id')}" if el.get("id") else "") + \
                    (f".{el.get('class').split()[0]}" if el.get("class") else "")
            out.append((ident, text.strip()))
    return out


def check(site, params, ctx):
    home = site.home
    entries = find_entries(site, home, params["names"])
    scripts = [s for s in home.scripts if any(k in s.lower() for k in params["scripts"])]
    if entries:
        ident, text = entries[0]
        yield Finding("pass", f"首页有无障碍/适老化入口“{text}”", url=home.final_url, evidence=ident,
                      selector=ident)
    if scripts:
        yield Finding("pass", "首页引用了无障碍工具条脚本", url=home.final_url, evidence=scripts[0])
    if entries or scripts:
        return
    if site.looks_script_built(home):
        yield Finding("unknown", "首页内容可能由脚本生成，静态抓取看不到无障碍入口", url=home.final_url)
        return
    yield Finding("fail", "首页未发现无障碍/长者模式入口，也未引用无障碍工具条脚本", url=home.final_url, absence="home",
                  evidence="查找: " + "、".join(params["names"][:6]))
