"""intranet_links — the public site never links into an intranet.

What it checks: every link on the unit's crawled pages whose target is an internal address —
loopback, private (10/8, 172.16/12, 192.168/16), link-local, CGNAT, reserved, in any notation
(`http://10.12.0.5/oa/`, `http://2130706434/`, `http://0xa.0.0.1/`, `http://[::ffff:10.0.0.1]/`,
`http://localhost/`, a single-label name like `http://oa/`) — other than the unit's own address;
in-site links that redirect (HTTP or `<meta refresh>`) to such an address; and outside links whose
name this machine's DNS resolved to one. The crawl never requests any of them (it records why
instead), so the verdict rests on the link itself. Each finding names the page, the link text and
the internal target.

Why it matters: nobody outside the government network can open such a link, so it is broken for
the public; and it shows the layout of the internal network (OA systems, admin consoles, file
servers) to anyone reading the page. Plan item 35 asks units to 持续加强政府网站与政务新媒体安全防护.

Pass: the 312 pages crawled link only to public addresses (a link to `http://0127.0.0.1/`, octal
for the public 87.0.0.1, or to `http://internal.gov.cn/`, is not internal).
Fail: the home page's “内部办公” links to `http://10.12.0.5/oa/`.
Warn: `/zwgk/index.html` redirects to `http://192.168.1.20/login` (a server may redirect only
visitors from inside the government network, as the auditing machine is); an outside link to `http://oa.city.gov.cn/` whose name this machine resolves to 10.x (inside
a government network a public name may resolve internally: split-horizon DNS, to verify); or the
unit's own site is itself on an internal address (a staging copy checked with `zwgk check`, an
audit inside a closed network), so links into other internal addresses may be intended there.
Unknown: no page of the site could be read.

References: 江府办〔2022〕7号 item 35; 国办发〔2019〕61号（政府网站安全防护）.
"""
from __future__ import annotations

import re

from zwgk.checks.model import Finding, Needs
from zwgk.page.netaddr import REFUSED_PREFIX, NetPolicy, classify
from zwgk.page.scope import normalise_url

ID = "intranet_links"
NEEDS = Needs(crawl="lists")
PARAMS = {
    # a link written in a page / where a site's link was redirected / a name DNS resolved inside
    "link_status": {"type": "str", "default": "fail", "choices": ["fail", "warn"]},
    "redirect_status": {"type": "str", "default": "warn", "choices": ["fail", "warn"]},
    "dns_status": {"type": "str", "default": "warn", "choices": ["fail", "warn"]},
    "max_findings": {"type": "int", "default": 20},
}

_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
# how the crawler writes a target that only DNS showed internal (zwgk.crawler.netguard)
_RESOLVED = " 解析为 "


def _origin(url: str) -> str:
    m = _ORIGIN.match(url)
    return m.group(0) + "/" if m else url


class _Judge:
    """Why a URL is internal and not the unit's own, by the URL alone; one answer per origin
    (a portal repeats its navigation's links on every page)."""

    def __init__(self, site):
        self.policy = NetPolicy.of(site.start_url, site.scope.prefix_url)
        self._answers: dict[str, str] = {}

    def __call__(self, url: str) -> str:
        key = _origin(url)
        if key not in self._answers:
            self._answers[key] = self.policy.refusal(key)
        return self._answers[key]


def _targets(site, judge):
    """normalised target -> [why, kind, [(page URL, link text)], target]; kind is "link" (written
    in a page), "redirect" (where a link of the site led) or "dns" (a name resolving inside)."""
    targets: dict[str, list] = {}

    def add(target, why, kind, page_url, text):
        entry = targets.setdefault(normalise_url(target), [why, kind, [], target])
        if len(entry[2]) < 20 and (page_url, text) not in entry[2]:
            entry[2].append((page_url, text))

    for page in site.pages:
        for link in page.links:
            why = judge(link.url)
            if why:
                add(link.url, why, "link", page.final_url, link.text)
    for snap in site.snapshots:
        if not snap.error.startswith(REFUSED_PREFIX) or normalise_url(snap.final_url) in targets:
            continue
        target = snap.final_url
        why = judge(target)
        if snap.redirects:
            kind = "redirect"
        elif why:
            kind = "link"
        elif _RESOLVED in snap.error:
            kind = "dns"
        else:
            continue       # file: links and the like: not an address on a network
        why = why or _reason(snap.error)
        pages = [(p.final_url, link.text) for p, link in site.linked_from.get(normalise_url(snap.url), ())][:3]
        for page_url, text in pages or [(snap.referer or snap.url, snap.link_text)]:
            add(target, why, kind, page_url, text)
        targets[normalise_url(target)].append(snap.url)
    return targets


def _reason(error: str) -> str:
    """The reason inside 链接指向内网地址：URL（reason）."""
    start = error.find("（")
    return error[start + 1:].rsplit("）", 1)[0] if start >= 0 else error


_NOTES = {"link": "公众无法访问，且暴露内部网络",
          "redirect": "服务器把对本站链接的访问重定向到内网地址（若公众访问时同样如此，则公众无法打开，请核实）",
          "dns": "本机 DNS 将该域名解析为内网地址（可能是内外网解析不同，请核实）"}


def check(site, params, ctx):
    if not site.pages:
        yield Finding("unknown", "未能读取本站任何页面，无法检查是否链接内网地址", url=site.start_url)
        return
    judge = _Judge(site)
    own = classify(site.start_url)
    targets = _targets(site, judge)
    links = sum(len(p.links) for p in site.pages)
    if not targets:
        yield Finding("pass", f"已检查 {len(site.pages)} 个页面上的 {links} 个链接，未发现指向内网地址的链接",
                      url=site.home.final_url)
        return
    findings = []
    for why, kind, places, target, *origin in targets.values():
        status, note = params[f"{kind}_status"], _NOTES[kind]
        if own:
            status = "warn"
            note = f"本站自身位于内网地址（{own}），可能是测试副本或在内网巡检，请核实公开版本"
        how = f"链接 {origin[0]} 重定向到" if kind == "redirect" else "链接指向"
        where = "；".join(f"{p}（链接文字“{t[:30]}”）" for p, t in places[:3])
        more = f" 等 {len(places)} 处" if len(places) > 3 else ""
        finding = Finding(status, f"页面{how}内网地址 {target}（{why}）：{note}", url=places[0][0],
                          evidence=f"链接所在页面：{where}{more}")
        findings.append(((status != "fail", _KINDS.index(kind), target), finding, target))
    shown, rest = _within_cap(sorted(findings, key=lambda f: f[0]), params["max_findings"])
    yield from (f for _, f, _ in shown)
    if rest:
        yield Finding("fail" if any(f.status == "fail" for _, f, _ in rest) else "warn",
                      f"另有 {len(rest)} 个内网地址链接未逐一列出", url=site.home.final_url,
                      evidence="未列出的地址：" + "；".join(t for _, _, t in rest)[:1500])


_KINDS = ["link", "redirect", "dns"]


def _within_cap(findings: list, cap: int) -> tuple[list, list]:
    """(shown, not shown): fails first, but every (status, kind) group keeps at least one place
    within the cap, so a page full of written links does not hide the redirects; the order is the
    same every night, not the crawl's."""
    if len(findings) <= cap:
        return findings, []
    heads = [i for i, ((status, kind, _), *_) in enumerate(findings)
             if i == 0 or findings[i - 1][0][:2] != (status, kind)]
    keep = set(heads[:cap])
    for i in range(len(findings)):
        if len(keep) >= cap:
            break
        keep.add(i)
    return [f for i, f in enumerate(findings) if i in keep], [f for i, f in enumerate(findings) if i not in keep]
