"""broken_links — links and attachments of the site lead somewhere that works.

What it checks: every in-scope URL the crawl followed (pages and attachments) for HTTP 4xx/5xx,
timeouts and connection failures, and for soft 404s (HTTP 200 pages whose title or heading says
页面不存在/已删除/404 and that show little else). External links are checked by the status the
crawl recorded for them. Each finding names the broken URL and the pages that link to it.

Why it matters: plan item 42 asks units to 做好发布信息的正确链接; a list entry that leads to 404
is the commonest defect inspectors find.

Pass: the 312 in-scope links fetched all answered 200 with real content.
Fail: /zwgk/tzgg/202303/t20230310_90104.html answers 404 and is linked from the 通知公告 list page
2; a 政策问答 link answers 200 with “抱歉，您访问的页面不存在或已被删除！”.
Warn: a page answered 500 once (may be transient; `fail_on_5xx: true` makes it a fail), 403,
timeouts; an external link answers 404 or its host does not resolve while other hosts do.
Not counted: pages the host turned the crawler away from (a firewall's block, captcha or
challenge page, 429 Too Many Requests): what came back is not the linked page.
Unknown: external links only, when every external host failed to resolve or connect (the
auditing machine has no outside network): they are not counted as broken.

References: 江府办〔2022〕7号 item 42; 国办秘函〔2019〕19号 检查指标 “链接不可用”.
"""
from __future__ import annotations

import re

from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.page.blockpage import is_pushback
from zwgk.page.dom import with_class_or_id
from zwgk.page.netaddr import REFUSED_PREFIX
from zwgk.page.scope import normalise_url
from zwgk.page.text import fold, norm

ID = "broken_links"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "fail_statuses": {"type": "list", "default": [404, 410]},
    "fail_on_5xx": {"type": "bool", "default": False},
    "soft404_markers": {"type": "list[str]",
                        "default": ["页面不存在", "已被删除", "已删除", "找不到页面", "页面未找到", "404",
                                    "无法找到该页", "信息不存在", "文章不存在", "内容不存在", "页面已失效"]},
    "soft404_max_chars": {"type": "int", "default": 600},
    "network_errors": {"type": "list[str]", "default": ["域名解析失败", "连接被拒绝", "请求超时", "连接中断"]},
    "links": {"type": "str", "default": "internal", "choices": ["internal", "external"]},
    "max_findings": {"type": "int", "default": 50},
}


def validate_params(params):
    if not all(isinstance(s, int) and 400 <= s <= 599 for s in params["fail_statuses"]):
        raise ParamError("fail_statuses 须为 400–599 的 HTTP 状态码列表")


_ERROR_BOX = re.compile(r"(error|404|not-?found|nofound|err-page)", re.I)


def _has_marker(text: str, markers) -> str | None:
    for m in markers:
        if m == "404":
            if re.search(r"(?<!\d)404(?!\d)", text or ""):
                return m
        elif m in (text or ""):
            return m
    return None


def soft_404(site, page, params) -> tuple[str, str] | None:
    """(status, marker) when a 200 page is really a 'page not found' page, else None: a short page
    whose title, a heading or an error box (class/id error/404/notfound) says 页面不存在 …; an
    article that merely mentions 404 in its text is not one."""
    if site.cannot_show(page, params["soft404_markers"]) and not _has_marker(page.title, params["soft404_markers"]):
        return None
    text = site.text(page)
    if len(norm(text)) > params["soft404_max_chars"]:
        return None
    doc = site.doc(page)
    parts = [page.title]
    if doc is not None:
        parts += [fold(h.text_content()) for h in doc.iter("h1", "h2", "h3")]
        parts += [fold(el.text_content()) for el in with_class_or_id(doc)
                  if _ERROR_BOX.search(f"{el.get('class', '')} {el.get('id', '')}")]
    for part in parts:
        marker = _has_marker(part, params["soft404_markers"])
        if marker:
            return "fail", marker
    return None


def _sources(site, snap) -> list:
    pairs, seen = [], set()
    for u in (snap.url, snap.final_url, *snap.redirects):
        for page, link in site.linked_from.get(normalise_url(u), ()):
            if page.final_url not in seen and page is not snap:
                seen.add(page.final_url)
                pairs.append((page.final_url, link.text))
    if not pairs and snap.referer:
        pairs.append((snap.referer, snap.link_text))
    return pairs


def _evidence(site, snap, what) -> str:
    pairs = _sources(site, snap)
    if not pairs:
        return f"{what}；未找到链接到它的页面"
    where = "；".join(f"{p}（链接文字“{t[:30]}”）" for p, t in pairs[:3])
    more = f" 等 {len(pairs)} 个页面" if len(pairs) > 3 else ""
    return f"{what}；链接所在页面：{where}{more}"


def _internal(site, params):
    """(problems, checked): problems as (status, snapshot, message, what)."""
    home = site.home
    checked, problems = 0, []
    for snap in site.internal:
        if snap is home or is_pushback(snap.error):
            continue           # a firewall's or a 429's answer says nothing about the link
        if snap.status is None:
            if any(w in snap.error for w in params["network_errors"]):
                checked += 1
                problems.append(("warn", snap, f"链接无法访问（{snap.error}），可能为临时故障", snap.error))
            continue           # robots.txt, size limit, budget: not a property of the link
        checked += 1
        if snap.status >= 400:
            code = snap.status
            if code in params["fail_statuses"]:
                problems.append(("fail", snap, f"链接失效：返回 HTTP {code}", f"HTTP {code}"))
            elif code >= 500:
                status = "fail" if params["fail_on_5xx"] else "warn"
                problems.append((status, snap, f"链接返回服务器错误 HTTP {code}（可能为临时故障，建议复查）",
                                 f"HTTP {code}"))
            else:
                problems.append(("warn", snap, f"链接返回 HTTP {code}，访问者可能无法打开", f"HTTP {code}"))
        elif snap.ok and snap.html and snap.final_url in site.scope:
            soft = soft_404(site, snap, params)
            if soft:
                status, marker = soft
                problems.append((status, snap, "链接指向的页面返回 HTTP 200，但内容为“页面不存在”类提示（软404）",
                                 f"页面标题“{snap.title[:40]}”，含“{marker}”"))
    return problems, checked


def _external(site, params):
    # links into an intranet were never requested: checks/intranet_links.py reports them
    ext = [s for s in site.external if not s.error.startswith(REFUSED_PREFIX)]
    if not ext:
        yield Finding("unknown", "本次抓取未检查任何外部链接", url=site.home.final_url,
                      evidence=f"跳过的外部链接 {site.external_skipped} 个" if site.external_skipped else "")
        return
    reached = [s for s in ext if s.status is not None]
    net_failed = [s for s in ext if s.status is None and any(w in s.error for w in params["network_errors"])]
    if not reached and net_failed:
        hosts = sorted({(s.final_url.split("/")[2] if "//" in s.final_url else s.final_url) for s in net_failed})
        yield Finding("unknown", f"巡检机器无法访问外网：{len(net_failed)} 个外部链接均无法连接，外部链接是否有效未能检查",
                      url=site.home.final_url, evidence=f"例如 {'、'.join(hosts[:5])}：{net_failed[0].error}")
        return
    failed_ids = {id(s) for s in net_failed}
    bad = 0
    for snap in ext:
        if snap.status in (404, 410):
            bad += 1
            yield Finding("warn", f"外部链接失效：返回 HTTP {snap.status}", url=snap.url,
                          evidence=_evidence(site, snap, f"HTTP {snap.status}"))
        elif id(snap) in failed_ids and "域名解析失败" in snap.error:
            bad += 1
            yield Finding("warn", f"外部链接无法访问：{snap.error}（其他外部网站可以访问）", url=snap.url,
                          evidence=_evidence(site, snap, snap.error))
    if not bad:
        yield Finding("pass", f"已检查 {len(ext)} 个外部链接，未发现失效", url=site.home.final_url)


def check(site, params, ctx):
    if params["links"] == "external":
        yield from _external(site, params)
        return
    problems, checked = _internal(site, params)
    # fails first, then by address: the cap never hides a 404 behind timeouts, and the same
    # problems are listed every night whatever order the crawl fetched them in
    problems.sort(key=lambda p: (p[0] != "fail", p[1].url))
    for status, snap, message, what in problems[:params["max_findings"]]:
        yield Finding(status, message, url=snap.url, evidence=_evidence(site, snap, what))
    extra = problems[params["max_findings"]:]
    if extra:
        worst = "fail" if any(p[0] == "fail" for p in extra) else "warn"
        yield Finding(worst, f"另有 {len(extra)} 个问题链接未逐一列出", url=site.home.final_url,
                      evidence="；".join(p[1].url for p in extra[:10]))
    if not problems:
        yield Finding("pass", f"已检查本站 {checked} 个链接（页面和附件），未发现失效链接",
                      url=site.home.final_url, evidence=site.coverage_note())
