"""accessibility_toolbar — the 无障碍/长者模式 retrofit is on the home page AND works (browser check).

What it checks: in Chromium (evidence from the browser pass, never fetched here): a *visible*
element whose own text is an entry (无障碍浏览, 长者模式, 关怀版 …), and the toolbar scripts the
page requests (URL contains `cniil_wza`, `aria.js`, `barrier.free`, `jdaToolbar` …) and how those
requests ended. Clicking the entry must do something (DOM change, a toolbar shown, a new page).
Toolbar objects (`globals`) or elements (`toolbar_selectors`) that appear after load are reported.
The other sampled pages are checked for broken toolbar scripts too.

Why it matters: item 54 — finish the 适老化无障碍 retrofit before 2023. A toolbar whose script is
gone (404) shows an entry that does nothing: the retrofit is there on paper only.

Pass: `<a id="barrierFreeBtn">无障碍浏览</a>` visible, `/wza/aria.js` loaded (HTTP 200), a click
toggles the toolbar.
Fail: `barrier.free.min.js` answers HTTP 404; no visible entry and no toolbar script at all; a
visible entry whose click changes nothing and no toolbar script loaded (`dead_entry_status`).
Warn: the entry exists but is hidden; a toolbar script loaded but no entry is visible.
Unknown: no browser (`--no-browser`, none installed); the browser could not open the home page;
the toolbar script is on a host the audit cannot reach (connection error, not an HTTP answer, nor
the guard proxy's own 502); a click that changed nothing on a page some of whose scripts could not
be fetched at all (the entry's code may be in them).

References: 江府办〔2022〕7号 item 54; 工信部信管〔2020〕200号《互联网网站适老化通用设计规范》;
GB/T 37668-2019.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from zwgk.checks.accessibility_entry import ENTRY_NAMES, TOOLBAR_SCRIPTS
from zwgk.checks.model import Finding, Needs
from zwgk.page.browser_evidence import evidence_of

ID = "accessibility_toolbar"
PARAMS = {
    "names": {"type": "list[str]", "default": ENTRY_NAMES},
    "scripts": {"type": "list[str]", "default": TOOLBAR_SCRIPTS},
    "globals": {"type": "list[str]",
                "default": ["cniil_wza", "ariaTools", "aria", "jdaToolbar", "barrierFree", "BarrierFree",
                            "wzaToolbar", "wza", "Wza"]},
    "toolbar_selectors": {"type": "list[str]",
                          "default": ["[data-toolbar]", "#cniil_wza", "[id^='cniil_wza']", "#ariaTool",
                                      "[id*='toolbar' i]", "[class*='wza-toolbar' i]", "#jdaToolbar",
                                      "[id*='barrierfree' i]"]},
    "dead_entry_status": {"type": "str", "default": "fail", "choices": ["fail", "warn", "unknown"]},
}


def _probe(params) -> dict:
    """What the browser pass looks for on the sampled pages for this check."""
    return {"toolbar_names": params["names"], "globals": params["globals"],
            "selectors": params["toolbar_selectors"]}


NEEDS = Needs(crawl="lists", browser=True, probe=_probe)


def browser_unknown(site, ev, what: str):
    """The `unknown` finding when the browser pass has nothing for this site, or None."""
    if ev is None:
        return Finding("unknown", f"未进行浏览器检查，无法判断{what}", url=site.start_url)
    if ev.skipped:
        return Finding("unknown", f"浏览器检查未进行：{ev.skipped}", url=site.start_url)
    home = ev.home
    if home is None or not home.ok:
        why = (home.error or f"HTTP {home.status}") if home is not None else "首页不在浏览器样本中"
        return Finding("unknown", f"浏览器未能打开首页，无法判断{what}：{why}", url=site.start_url)
    return None


def _script_selector(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1] or url
    return f'script[src*="{name}"]'


def _toolbar_scripts(page, keys):
    return [s for s in page.scripts if any(k.lower() in s.url.lower() for k in keys)]


def check(site, params, ctx):
    ev = evidence_of(site)
    missing = browser_unknown(site, ev, "无障碍工具条是否可用")
    if missing:
        yield missing
        return
    home = ev.home
    names, keys = params["names"], params["scripts"]
    matching = [e for e in home.entries if any(n in e.text.replace(" ", "") for n in names)
                and not e.text.startswith(("退出", "关闭"))]
    visible = [e for e in matching if e.visible]
    scripts = _toolbar_scripts(home, keys)
    broken = [s for s in scripts if s.status is not None and s.status >= 400]
    loaded = [s for s in scripts if s.ok]
    unreachable = [s for s in scripts if s.status is None]
    shot = home.screenshot

    for s in broken:
        yield Finding("fail", f"首页引用的无障碍工具条脚本加载失败（{s.describe()}），工具条无法使用",
                      url=home.final_url, evidence=s.url, selector=_script_selector(s.url), screenshot=shot)
    for page in ev.audited_pages()[1:]:
        for s in _toolbar_scripts(page, keys):
            if s.status is not None and s.status >= 400:
                yield Finding("fail", f"页面引用的无障碍工具条脚本加载失败（{s.describe()}）", url=page.final_url,
                              evidence=s.url, selector=_script_selector(s.url), screenshot=page.screenshot)
    if loaded:
        extra = []
        if home.toolbar_globals:
            extra.append("脚本对象 " + "、".join(home.toolbar_globals))
        if home.toolbar_elements:
            extra.append("工具条元素 " + "、".join(home.toolbar_elements))
        yield Finding("pass", f"无障碍工具条脚本已加载（{loaded[0].describe()}）"
                      + (f"，页面出现{'；'.join(extra)}" if extra else ""),
                      url=home.final_url, evidence=loaded[0].url, selector=_script_selector(loaded[0].url))
    if unreachable and not loaded and not broken:
        s = unreachable[0]
        yield Finding("unknown", f"无障碍工具条脚本无法连接（{s.describe()}），可能是巡检网络所限，无法判断是否可用",
                      url=home.final_url, evidence=s.url, selector=_script_selector(s.url))

    click = home.entry_click
    if visible:
        e = visible[0]
        if click is not None and click.selector == e.selector and click.error:
            yield Finding("unknown", f"点击入口“{e.text}”测试未完成：{click.error}", url=home.final_url,
                          selector=e.selector)
        elif click is not None and click.selector == e.selector and not click.had_effect and not loaded \
                and home.unloaded_scripts(keys):
            unloaded = home.unloaded_scripts(keys)
            s = unloaded[0]
            yield Finding("unknown", f"首页入口“{e.text}”点击后没有变化，但页面有 {len(unloaded)} 个脚本未能加载"
                                     f"（如 {s.url}：{s.describe()}），入口的功能可能在其中，无法判断是否可用",
                          url=home.final_url, evidence=f"{e.tag} “{e.text}”", selector=e.selector)
        elif click is not None and click.selector == e.selector and not click.had_effect:
            status = params["dead_entry_status"] if not loaded else "warn"
            yield Finding(status, f"首页入口“{e.text}”可见，但点击后页面没有任何变化（未打开工具条、未跳转）",
                          url=home.final_url, evidence=f"{e.tag} “{e.text}”", selector=e.selector, screenshot=shot)
        else:
            how = ""
            if click is not None and click.selector == e.selector:
                how = (f"，点击后跳转到 {click.navigated_to or click.popup}" if click.navigated_to or click.popup
                       else f"，点击后页面发生变化（{click.mutations} 处改动，新增可见元素 {click.new_visible} 个）")
            yield Finding("pass", f"首页有可见的无障碍/适老化入口“{e.text}”{how}", url=home.final_url,
                          evidence=f"{e.tag} “{e.text}”", selector=e.selector)
        return
    if matching:
        e = matching[0]
        yield Finding("warn", f"首页有入口“{e.text}”，但浏览器中不可见（被隐藏）", url=home.final_url,
                      evidence=f"{e.tag} “{e.text}”", selector=e.selector, screenshot=shot)
        return
    if loaded:
        yield Finding("warn", "无障碍工具条脚本已加载，但首页上看不到无障碍/长者模式入口", url=home.final_url,
                      evidence="查找: " + "、".join(names[:6]), screenshot=shot)
        return
    if not scripts:
        yield Finding("fail", "首页（浏览器渲染后）未发现可见的无障碍/长者模式入口，也未加载无障碍工具条脚本",
                      url=home.final_url, absence="home", evidence="查找: " + "、".join(names[:6]), screenshot=shot)
