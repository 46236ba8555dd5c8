"""axe_wcag — axe-core's WCAG 2.x A/AA rules, run in Chromium on the sampled pages (browser check).

What it checks: the browser pass injects axe-core (shipped by the `axe-playwright-python`
package) into each rendered sample page (home page, top-level columns, one article per column
type) and runs the rules tagged `tags` (default wcag2a, wcag2aa, wcag21a, wcag21aa). Each
violated rule becomes a finding per page (at most `max_pages_per_rule` pages, the rest counted),
with its impact, the CSS selector of the first offending elements, and the GB/T 37668-2019
principle it belongs to (WCAG success criterion 1.x.x 可感知, 2.x.x 可操作, 3.x.x 可理解,
4.x.x 兼容).

Why it matters: item 54 — the 无障碍 retrofit is judged against GB/T 37668-2019 (信息技术 互联网
内容无障碍可访问性技术要求与测试方法), which follows WCAG 2.0; a toolbar does not fix images
without text alternatives or unlabeled form fields.

Pass: no violation of impact in `fail_impacts`/`warn_impacts` on a sampled page.
Fail: `image-alt` (critical) on the home page: `img:nth-of-type(3)` has no alt text.
Warn: a violation of moderate impact (`warn_impacts`).
Unknown: no browser; axe-core missing or could not run on any sampled page.

References: 江府办〔2022〕7号 item 54; GB/T 37668-2019; WCAG 2.1; axe-core rule descriptions
(https://dequeuniversity.com/rules/axe/).
"""
from __future__ import annotations

import re
from collections import defaultdict

from zwgk.checks.accessibility_toolbar import browser_unknown
from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.page.browser_evidence import evidence_of

ID = "axe_wcag"
IMPACTS = ("critical", "serious", "moderate", "minor")
PARAMS = {
    "tags": {"type": "list[str]", "default": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "fail_impacts": {"type": "list[str]", "default": ["critical", "serious"]},
    "warn_impacts": {"type": "list[str]", "default": ["moderate"]},
    "ignore_rules": {"type": "list", "default": []},
    "max_pages_per_rule": {"type": "int", "default": 3},
    "max_nodes": {"type": "int", "default": 5},
}


def _probe(params) -> dict:
    """axe-core runs on every sampled page, with this check's tags."""
    return {"axe": True, "axe_tags": params["tags"], "max_nodes": params["max_nodes"]}


NEEDS = Needs(crawl="lists", browser=True, probe=_probe)

IMPACT_CN = {"critical": "严重", "serious": "较严重", "moderate": "中等", "minor": "轻微", "": "未注明"}
# GB/T 37668-2019 groups its requirements under WCAG's four principles.
PRINCIPLES = {"1": "可感知", "2": "可操作", "3": "可理解", "4": "兼容"}
_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")


def validate_params(params):
    for key in ("fail_impacts", "warn_impacts"):
        bad = [v for v in params[key] if v not in IMPACTS]
        if bad:
            raise ParamError(f"参数 {key} 只能包含 {', '.join(IMPACTS)}, 实为 {bad!r}")
    if params["max_pages_per_rule"] < 1 or params["max_nodes"] < 1:
        raise ParamError("参数 max_pages_per_rule、max_nodes 须为正整数")


def principle(tags) -> str:
    """The GB/T 37668 principle of an axe rule, from its WCAG success-criterion tags."""
    found = []
    for tag in tags:
        m = _SC_TAG.match(tag)
        if m and PRINCIPLES.get(m.group(1)) not in found:
            found.append(PRINCIPLES.get(m.group(1), "其他"))
    return "/".join(found) if found else "其他"


def criteria(tags) -> str:
    out = []
    for tag in tags:
        m = _SC_TAG.match(tag)
        if m:
            out.append(f"{m.group(1)}.{m.group(2)}.{m.group(3)}")
    return "、".join(out)


def check(site, params, ctx):
    ev = evidence_of(site)
    missing = browser_unknown(site, ev, "网页无障碍（WCAG）情况")
    if missing:
        yield missing
        return
    pages = [p for p in ev.audited_pages() if p.ok and p.audited]
    ran = [p for p in pages if p.axe is not None]
    if not ran:
        why = next((p.axe_error for p in pages if p.axe_error), "") or "样本页面均未能在浏览器中打开"
        yield Finding("unknown", f"axe-core 未能运行，无法判断：{why}", url=site.start_url)
        return
    ignore = set(params["ignore_rules"])
    by_rule = defaultdict(list)           # rule id -> [(page, violation)]
    clean = []
    for page in ran:
        bad = False
        for v in page.axe:
            if v.id in ignore:
                continue
            if v.impact in params["fail_impacts"] or v.impact in params["warn_impacts"]:
                by_rule[v.id].append((page, v))
                bad = True
        if not bad:
            clean.append(page)
    for rule_id, hits in by_rule.items():
        shown = hits[:params["max_pages_per_rule"]]
        for i, (page, v) in enumerate(shown):
            status = "fail" if v.impact in params["fail_impacts"] else "warn"
            more = ""
            if i == len(shown) - 1 and len(hits) > len(shown):
                more = f"；另有 {len(hits) - len(shown)} 个样本页面存在同一问题"
            targets = "；".join(f"{sel} {html}" for sel, html, _ in v.nodes[:3])
            sc = criteria(v.tags)
            yield Finding(status,
                          f"【{principle(v.tags)}】{v.help}（axe 规则 {v.id}，影响程度{IMPACT_CN.get(v.impact, v.impact)}"
                          f"{'，WCAG ' + sc if sc else ''}）：本页 {v.node_count} 处{more}",
                          url=page.final_url, evidence=targets[:600] + (f" 参见 {v.help_url}" if v.help_url else ""),
                          selector=v.nodes[0][0] if v.nodes else "", screenshot=page.screenshot)
    for page in clean:
        minor = sum(1 for v in page.axe if v.id not in ignore)
        note = f"；另有 {minor} 条影响较轻的问题未计入" if minor else ""
        yield Finding("pass", f"axe-core {page.axe_version} 运行 {page.axe_rules_run} 条 WCAG 2.x A/AA 规则，"
                      f"未发现需要处理的问题{note}", url=page.final_url)
    failed = [p for p in ev.audited_pages() if p not in ran]
    if failed and not by_rule:
        yield Finding("pass", f"另有 {len(failed)} 个样本页面未能完成检测（{failed[0].error or failed[0].axe_error}），"
                      "结论基于其余页面", url=failed[0].url)
