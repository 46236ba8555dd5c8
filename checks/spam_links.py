"""spam_links — no hidden links to outside sites (暗链) and no gambling, porn or fraud spam.

What it checks, on every fetched page of the site:
- links hidden from view that point outside the site: display:none, visibility:hidden,
  off-screen positioning (position:absolute; left:-9999px), zero size with overflow hidden,
  font-size 0, text the colour of its background, a marquee one pixel high or scrolling too
  fast to read, an element hidden by a class rule of the page's own `<style>`
  (checks/parsers/concealment.py reads inline styles and the page's own rules; linked
  stylesheets are not fetched);
- the words of the dictionary `rules/vocab/<terms_file>.yaml` (data the office extends):
  `strong` terms (brand names of gambling sites, porn video phrases) wherever they stand —
  link text or title, page title or keywords, hidden or visible text, inline scripts;
  `weak` terms (赌博, 色情, 刷单 …, which news reports and anti-fraud notices use too) only in a
  hidden link to an outside site; `hosts` fragments in an outside link's address.
Where the browser pass rendered a page, its rendered HTML is what is read, so links written by
scripts (document.write, the usual 挂马) are seen there; the rule never needs the browser.
Outside: another host than the site's (a www. or sub-domain of the site's own domain is the
site). Government hosts (`gov_suffixes`) and `trusted_hosts` (central media, the 党政机关 badge,
statistics counters) are never 暗链 without a spam word.

Not 暗链 (the decoys a sloppy check fails): tab panels, drop-down menus and dialogs hidden
until clicked (display:none with a class or id, the site's own links or other government
sites); an off-screen skip link “跳到主要内容” to #main; screen-reader text; a visible
友情链接 list of other government sites; a news headline about a crackdown (打击跨境赌博).

Why it matters: a hacked site carries hidden links to gambling and porn sites (暗链, planted
for search engines) and scripts that send readers there (挂马); 国办秘函〔2019〕19号
《政府网站与政务新媒体检查指标》 makes 发布或链接反动、暴力、色情等内容 and a security attack left
unhandled (页面被挂马、内容被篡改) a 单项否决 item. The Jiangmen plan (item 35) asks units to
strengthen the security protection of their sites with daily inspection and monitoring.

Pass: the 120 pages fetched hold no hidden outside link and no word of the dictionary; the
hidden 无障碍 toolbar and the 首页 tab panels hold only the site's own links.
Fail: `<div style="position:absolute;top:-999px"><a href="http://www.amjs-casino.com/">澳门新葡京
娱乐场</a></div>` on the home page; an outside link titled 真人百家乐; a hidden link “网上赌博”
to a non-government host.
Warn: an off-screen (or zero-size, font-size 0, marquee) link to an outside non-government host
without any spam word, an invisible frame loading an outside page, text concealed off-screen
that carries a weak term: a person should look at it. A weak term in visible text or a visible
link is no finding (a local paper's report 江门警方打击赌博 is news).
Unknown: the home page is built by scripts and was not rendered (links written by scripts are
not seen).

References: 江府办〔2022〕7号 item 35; 国办秘函〔2019〕19号 附件1 单项否决指标“安全、泄密事故等严重问题”
（发布或链接反动、暴力、色情等内容；页面被挂马、内容被篡改）.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from zwgk.checks.browser_sample import render_reason
from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.checks.parsers.concealment import Concealment, Config, selector_of
from zwgk.checks.parsers.listing import list_key
from zwgk.checks.parsers.vocab import vocab
from zwgk.page.browser_evidence import evidence_of
from zwgk.page.dom import string_of
from zwgk.page.html import join_base
from zwgk.page.text import fold, norm

ID = "spam_links"
NEEDS = Needs(crawl="lists")
PARAMS = {
    # rules/vocab/<terms_file>.yaml: strong/weak terms by topic, and host fragments
    "terms_file": {"type": "str", "default": "spam-terms"},
    "gov_suffixes": {"type": "list[str]", "default": [".gov.cn", ".gov", ".mil.cn", ".gov.hk", ".gov.mo"]},
    # hosts that are no 暗链 without a spam word: central media, the 党政机关 badge, counters, shares
    "trusted_hosts": {"type": "list[str]",
                      "default": ["conac.cn", "12377.cn", "cyberpolice.cn", "beian.gov.cn", "cnzz.com",
                                  "51.la", "baidu.com", "weibo.com", "qq.com", "xinhuanet.com", "news.cn",
                                  "people.com.cn", "cctv.com", "cctv.cn", "cnr.cn", "chinadaily.com.cn",
                                  "gmw.cn", "chinanews.com.cn", "chinanews.com", "ce.cn", "youth.cn",
                                  "china.com.cn", "cntv.cn", "southcn.com", "nfnews.com", "ucap.com.cn",
                                  "kaipuyun.cn", "hanweb.com", "trs.com.cn", "bshare.cn", "jiathis.com"]},
    "offscreen_px": {"type": "int", "default": 500},
    "tiny_px": {"type": "int", "default": 1},
    "marquee_max_scrollamount": {"type": "int", "default": 100},
    "max_pages": {"type": "int", "default": 2000},
    "max_findings": {"type": "int", "default": 30},
}
_TIERS = ("strong", "weak")


def validate_params(params):
    try:
        data = vocab(params["terms_file"])
    except (OSError, ValueError) as exc:     # a missing file, or YAML that does not parse
        raise ParamError(f"terms_file {params['terms_file']!r}：无法读取 rules/vocab/{params['terms_file']}.yaml"
                         f"（{exc.__class__.__name__}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("strong"), dict):
        raise ParamError(f"rules/vocab/{params['terms_file']}.yaml 须含 strong: {{类别: [词, …]}}")
    for tier in _TIERS:
        for topic, words in (data.get(tier) or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise ParamError(f"rules/vocab/{params['terms_file']}.yaml 的 {tier}.{topic} 须为非空字符串列表")
    if not all(isinstance(h, str) and h for h in data.get("hosts") or []):
        raise ParamError(f"rules/vocab/{params['terms_file']}.yaml 的 hosts 须为字符串列表")


_TOPIC = {"gambling": "赌博", "porn": "色情", "fraud": "诈骗"}


@dataclass
class Terms:
    strong: tuple      # (normalised term, term, topic)
    weak: tuple
    hosts: tuple

    @classmethod
    def load(cls, name: str) -> "Terms":
        data = vocab(name)

        def tier(key):
            return tuple((norm(w), w, _TOPIC.get(t, t)) for t, words in (data.get(key) or {}).items()
                         for w in words if norm(w))
        return cls(tier("strong"), tier("weak"), tuple(h.lower() for h in data.get("hosts") or ()))

    @staticmethod
    def find(tier, text: str):
        """The first (term, topic) of a tier in text, or None."""
        t = norm(text)
        if not t:
            return None
        for n, word, topic in tier:
            if n in t:
                return word, topic
        return None

    def in_url(self, url: str):
        low = url.lower()
        parts = urlsplit(low)
        where = (parts.hostname or "") + parts.path
        return next((h for h in self.hosts if h in where), None)


# -- where a link goes ----------------------------------------------------------------------------
def _site_domain(site) -> str:
    host = (urlsplit(site.start_url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _outside(host: str, domain: str) -> bool:
    return bool(host) and host != domain and not host.endswith("." + domain)


def _trusted(host: str, params) -> bool:
    return (any(host.endswith(s) or host == s.lstrip(".") for s in params["gov_suffixes"])
            or any(host == t or host.endswith("." + t) for t in params["trusted_hosts"]))


def _href(a, base: str) -> str:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return ""
    return _join(join_base(base, href), href)


@lru_cache(maxsize=8192)
def _join(base: str, href: str) -> str:
    """Memoised: the navigation and footer hrefs are the same on every page."""
    try:
        url = urljoin(base, href)
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""


def _label(a) -> str:
    """What a link says: its text, its title attribute, the alt of its image."""
    parts = [fold(string_of(a)), fold(a.get("title"))]
    parts += [fold(img.get("alt")) for img in a.iter("img")]
    return " ".join(p for p in parts if p)[:300]


def _snippet(el, limit: int = 240) -> str:
    try:
        html = etree.tostring(el, encoding="unicode", with_tail=False)
    except (TypeError, ValueError):
        return ""
    return fold(html)[:limit]


class _Lazy:
    """Evidence made only when a finding is kept (most links need none)."""

    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __str__(self):
        return self.fn(self.arg)


# -- findings, grouped ----------------------------------------------------------------------------
class _Findings:
    """One finding per problem (kind, target or term), however many pages repeat it (a planted
    暗链 sits in the template of every page): the first page is named, the others counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.items: dict = {}

    def add(self, key, status, message, url, evidence="", selector=""):
        item = self.items.get(key)
        if item is None:
            evidence, selector = str(evidence), str(selector)
            self.items[key] = [Finding(status, message, url=url, evidence=evidence[:500], selector=selector), 1]
        elif list_key(item[0].url) != list_key(url):     # / and /index.html are one page
            item[1] += 1

    def findings(self):
        ordered = sorted(self.items.values(), key=lambda i: {"fail": 0, "warn": 1}.get(i[0].status, 2))
        out = []
        for f, pages in ordered[: self.limit]:
            if pages > 1:
                f.message += f"（共 {pages} 个页面有此问题）"
            out.append(f)
        if len(ordered) > self.limit:
            rest = ordered[self.limit:]
            worst = "fail" if any(i[0].status == "fail" for i in rest) else rest[0][0].status
            out.append(Finding(worst, f"另有 {len(rest)} 处同类问题未逐一列出", url=rest[0][0].url))
        return out


def check(site, params, ctx):
    terms = Terms.load(params["terms_file"])
    cfg = Config(offscreen_px=params["offscreen_px"], tiny_px=params["tiny_px"],
                 marquee_max_scrollamount=params["marquee_max_scrollamount"])
    domain = _site_domain(site)
    found = _Findings(params["max_findings"])
    pages = site.pages[: params["max_pages"]]
    seen = {"hidden_menu": 0, "links": 0}
    for page in pages:
        doc = site.doc(page)
        if doc is None:
            continue
        _page(site, page, doc, terms, cfg, domain, params, found, seen)
    out = found.findings()
    yield from out
    if any(f.status in ("fail", "warn") for f in out):
        return
    home = site.home
    scripted = _unrendered(site, home, ctx)
    if scripted:
        yield Finding("unknown", f"首页内容由脚本生成（{scripted}），未经浏览器渲染，脚本写入的链接和文字无法检查",
                      url=home.final_url)
        return
    yield Finding("pass", f"检查 {len(pages)} 个页面的 {seen['links']} 个链接，未发现隐藏的站外链接（暗链）或赌博、"
                          "色情、诈骗类违规词",
                  url=home.final_url,
                  evidence=f"菜单、标签页或弹窗中隐藏的非政府网站链接 {seen['hidden_menu']} 个（等待点击显示，不算暗链）；"
                           "隐藏的本站链接和政府网站链接不算暗链")


def _unrendered(site, page, ctx) -> str:
    if not site.looks_script_built(page):
        return ""
    evidence = evidence_of(site)
    rendered = evidence.rendered.get(page.final_url) if evidence is not None else None
    if rendered is not None and not rendered.error:
        return ""
    return render_reason(site, page, ctx.unit) or "页面内容很少，链接可能由脚本写入"


def _page(site, page, doc, terms, cfg, domain, params, found, seen):
    url = page.final_url
    # the page's own title and keywords: where search-engine hijacking writes
    head = " ".join(filter(None, (page.title, page.meta.get("Keywords", ""), page.meta.get("Description", ""))))
    hit = Terms.find(terms.strong, head)
    if hit:
        found.add(("head", hit[0], url), "fail", f"页面标题或关键词含{hit[1]}类违规词“{hit[0]}”（疑似网页被篡改）",
                  url, evidence=head[:300])
    conceal = _Once(lambda: Concealment(doc, cfg))      # only a page with a suspect link pays for its styles
    base = url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(url, b.get("href").strip())
            break
    reported_roots, page_terms = set(), set()
    if hit:
        page_terms.add(hit[0])
    # one look for any term in the page's text and link titles spares a look per link
    labels_extra = " ".join(doc.xpath("//a/@title | //area/@alt | //a//img/@alt"))
    worded = Terms.find(terms.strong + terms.weak, site.text(page) + " " + labels_extra) is not None
    for a in doc.iter("a", "area"):
        target = _href(a, base)
        if not target:
            continue
        seen["links"] += 1
        host = _host(target)
        outside = _outside(host, domain)
        label = _label(a) if worded or outside else ""
        strong = Terms.find(terms.strong, label) if worded else None
        if not strong and not outside:
            continue
        spam_host = None if strong else terms.in_url(target)
        if not strong and not spam_host and _trusted(host, params):
            continue
        hiding = conceal().hiding_of(a)
        where = "隐藏链接" if hiding else "链接"
        how = f"，隐藏方式：{hiding.how}" if hiding else ""
        shown = hiding.element if hiding is not None and len(hiding.element) < 40 else a
        evidence, selector = _Lazy(_snippet, shown), _Lazy(selector_of, hiding.element if hiding else a)
        if strong:
            found.add(("strong", strong[0], target), "fail",
                      f"{where}“{label[:40]}”含{strong[1]}类违规词“{strong[0]}”，指向 {target}{how}",
                      url, evidence, selector)
            page_terms.add(strong[0])
        elif spam_host:
            found.add(("host", host), "fail", f"{where}指向违规网站 {target}（地址含“{spam_host}”）{how}",
                      url, evidence, selector)
        elif hiding and worded and Terms.find(terms.weak, label):
            weak = Terms.find(terms.weak, label)
            found.add(("weak-hidden", target), "fail",
                      f"暗链：隐藏的站外链接“{label[:40]}”含{weak[1]}类词“{weak[0]}”，指向 {target}{how}",
                      url, evidence, selector)
        elif hiding and hiding.kind == "concealed":
            found.add(("hidden", host), "warn",
                      f"疑似暗链：站外链接“{label[:40] or '（无文字）'}”对读者不可见，指向非政府网站 {target}"
                      f"{how}，请人工核实", url, evidence, selector)
        elif hiding:
            seen["hidden_menu"] += 1
            continue
        else:
            continue
        if hiding:
            reported_roots.add(hiding.element)
    _frames(doc, base, conceal, terms, domain, params, found, url)
    _text(site, page, doc, conceal, terms, found, reported_roots, page_terms, worded)


class _Once:
    """A value made on first use, then kept."""

    def __init__(self, make):
        self.make, self.value = make, None

    def __call__(self):
        if self.value is None:
            self.value = self.make()
        return self.value


@lru_cache(maxsize=8192)
def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _frames(doc, base, conceal, terms, domain, params, found, url):
    """An invisible frame that loads an outside page (挂马's oldest trick: width=0 height=0)."""
    for frame in doc.iter("iframe", "frame"):
        raw = (frame.get("src") or "").strip()
        try:
            src = urljoin(base, raw) if raw and not raw.startswith(("javascript:", "about:", "data:")) else ""
        except ValueError:
            src = ""
        host = (urlsplit(src).hostname or "").lower() if src.startswith(("http://", "https://")) else ""
        if not host or not _outside(host, domain):
            continue
        spam_host = terms.in_url(src)
        tiny = any((frame.get(a) or "").strip() in ("0", "1", "0px", "1px") for a in ("width", "height"))
        hiding = conceal().hiding_of(frame)
        if hiding is not None and hiding.kind != "concealed":
            hiding = None         # a share or statistics frame waiting in a closed box
        if spam_host:
            found.add(("frame", host), "fail", f"页面嵌入违规网站的框架 {src}（地址含“{spam_host}”，疑似被挂马）",
                      url, _snippet(frame), selector_of(frame))
        elif (tiny or hiding) and not _trusted(host, params):
            how = hiding.how if hiding else "宽或高为 0"
            found.add(("frame", host), "warn", f"疑似挂马：页面嵌入对读者不可见的站外框架 {src}（{how}），请人工核实",
                      url, _snippet(frame), selector_of(frame))


def _text(site, page, doc, conceal, terms, found, reported_roots, page_terms, worded):
    """Words of the dictionary in the page's text: strong terms anywhere (hidden text, visible
    text, inline scripts); weak terms only in concealed text, as a warn."""
    url = page.final_url
    text = site.text(page)              # every text node, hidden ones too (not scripts)
    if worded:
        _hidden_text(doc, conceal(), terms, found, reported_roots, page_terms, url)
    hit = Terms.find(terms.strong, text)
    if hit and hit[0] not in page_terms:
        at = text.find(hit[0])
        around = text[max(0, at - 40): at + 60] if at >= 0 else hit[0]
        found.add(("strong-body", hit[0], url), "fail", f"页面正文含{hit[1]}类违规词“{hit[0]}”", url, around)
    for script in doc.iter("script"):
        code = script.text or ""
        if not code.strip():
            continue
        hit = Terms.find(terms.strong, code)
        if hit:
            found.add(("strong-script", hit[0], url), "fail",
                      f"页面脚本中含{hit[1]}类违规词“{hit[0]}”（疑似被挂马：脚本写入违规链接或跳转）", url,
                      fold(code)[:300])


def _hidden_text(doc, conceal, terms, found, reported_roots, page_terms, url):
    for h in conceal.roots(doc):
        if h.element in reported_roots:
            continue
        text = fold(string_of(h.element))
        hit = Terms.find(terms.strong, text)
        if hit:
            found.add(("strong-text", hit[0], url), "fail",
                      f"隐藏文字含{hit[1]}类违规词“{hit[0]}”，隐藏方式：{h.how}", url, _snippet(h.element),
                      selector_of(h.element))
            reported_roots.add(h.element)
            page_terms.add(hit[0])
            continue
        weak = Terms.find(terms.weak, text) if h.kind == "concealed" else None
        if weak:
            found.add(("weak-text", weak[0], url), "warn",
                      f"页面中对读者不可见的文字含{weak[1]}类词“{weak[0]}”，隐藏方式：{h.how}，请人工核实",
                      url, _snippet(h.element), selector_of(h.element))
