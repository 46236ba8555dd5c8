"""Is a fetched page the site's own page, or what a WAF / anti-bot service answered instead?

    block_reason(status, headers, html, url, site_profile=None) -> str

"" for an ordinary page (including small pages, login/留言 forms, soft 404s, script shells), or a
short Chinese reason, which the crawler records as the snapshot's `error` (the page then counts
as not seen: `PageSnapshot.ok` is False and every check that needed it says unknown):

    被网站防护拦截（<vendor or cue>）   a WAF / 防火墙 block page (安全狗, 云锁, 阿里云盾 …, or a home-grown one)
    验证码页面                          a captcha / slider / 人机验证 page standing in for the page
    脚本验证（反爬虫挑战）              a JavaScript cookie challenge (acw_sc__v2, jsl_clearance, WZWS,
                                        云锁, 瑞数 $_ts, Cloudflare …) or document.cookie=…; reload()
    空白页面                            an empty answer (no text, no links, no scripts, nothing)

`analyse()` gives the same verdict with the signals that led to it (for logs and tests); its
kind "shell" (reason "") is a Vue/React app shell: it needs rendering, it is not a block.
`TemplateProfile` learns a site's template from its first good pages and, given to
block_reason, flags a later page that suddenly shares nothing with the template, is small, and
carries (even weak) block cues: the WAF that starts answering mid-crawl.

Principle: a verdict needs BOTH a page that is structurally not a portal page (little text outside
links and header/nav/footer, few links, no forms of its own) AND content cues that say "you are
blocked / prove you are human / wait while we check you". Vendor names and vendor headers only
name the vendor and add weight; alone they never decide (real portals carry 安全狗/创宇盾 badges,
and every page behind 加速乐, 阿里云 or 瑞数 carries their cookies or scripts).

Pure Python + lxml: no Scrapy, no network (crawler/backoff.py runs it on every answer). The
signals, their weights and the false-positive risks they guard against are described in
tests/fixtures/blockpage/README.md, beside the sample pages the tests run it on.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from zwgk.page.text import fold

__all__ = ["block_reason", "analyse", "Verdict", "TemplateProfile", "is_pushback",
           "REASON_EMPTY", "REASON_CAPTCHA", "REASON_CHALLENGE", "REASON_BUSY", "block_reason_text"]

REASON_EMPTY = "空白页面"
REASON_CAPTCHA = "验证码页面"
REASON_CHALLENGE = "脚本验证（反爬虫挑战）"


REASON_BUSY = "服务器要求暂停访问"      # 429 / Retry-After (crawler/backoff.py) starts with this
_BLOCK_PREFIX = "被网站防护拦截"


def block_reason_text(cue: str) -> str:
    return f"{_BLOCK_PREFIX}（{cue}）"


def is_pushback(error: str) -> bool:
    """A snapshot's error that says the host turned the crawler away (a block, captcha,
    challenge or empty page, a 429): what was answered is not the page, whatever its status."""
    return bool(error) and error.startswith((_BLOCK_PREFIX, REASON_CAPTCHA, REASON_CHALLENGE, REASON_EMPTY,
                                             REASON_BUSY))


# ---- limits ---------------------------------------------------------------------------------------
MAX_ANALYSED_CHARS = 600_000   # a block/challenge page is a few KB (瑞数/Cloudflare: tens of KB)
MAX_ANCHORS = 200              # a page with more <a> than this is a portal page, never a block page
TINY_TEXT = 200                # challenge pages: visible text (noscript left out) at most this
TINY_LINKS = 3
SMALL_CONTENT = 300            # block/captcha pages: text outside links and page chrome
SMALL_TEXT = 900               # …and all non-link text (chrome included)
# Status codes WAFs answer with and ordinary servers rarely do (403/503 are everybody's: no bonus)
WAF_STATUSES = {405, 406, 412, 418, 429, 468, 493, 514, 521, 555, 566, 567}

# ---- page structure -------------------------------------------------------------------------------
_WS = re.compile(r"\s+")
_NAV_WORDS = re.compile(r"(^|[-_ ])(nav|navbar|menu|daohang|dh|lanmu|channel|mainnav|topnav)", re.I)
_HEADER_WORDS = re.compile(r"(^|[-_ ])(header|head|top|banner|toolbar|wza|logo)", re.I)
_FOOTER_WORDS = re.compile(r"(^|[-_ ])(footer|foot|bottom|copyright|dibu|bq|banquan)", re.I)
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "svg", "textarea",
              "select", "option", "iframe", "object"}
# The footer of a Chinese government site (and of most Chinese sites): never on a WAF page
# except when the WAF keeps the site's template, so it only raises the bar.
_FOOTER_MARKERS = re.compile(
    r"网站标识码|ICP\s*备|ICP\s*证|公网安备|主办单位|主办[:：]|承办单位|承办[:：]|版权所有|"
    r"政府网站找错|党政机关|技术支持[:：]|维护单位|联系我们|网站地图")


_STRING = etree.XPath("string()")
# Comments left out (a challenge hides nothing there that matters, a portal's are noise); deep
# trees kept whole, as page.dom parses them (300 unclosed <font> must not end the page early).
_PARSER = etree.HTMLParser(remove_comments=True, huge_tree=True)


_INVISIBLE = " \t\r\n\f\v\x00\ufeff\u200b\u3000\xa0"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def weighed(text: str) -> float:
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk) / 4


def _parse(html: str):
    if not html or not html.strip(_INVISIBLE):
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
        except (etree.ParserError, ValueError):
            return None


def _chrome_of(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("nav", "header", "footer"):
        return True
    words = f"{el.get('id', '')} {el.get('class', '')}"
    if not words.strip():
        return False
    return bool(_FOOTER_WORDS.search(words) or _NAV_WORDS.search(words) or _HEADER_WORDS.search(words))


class _Page:
    """What the verdict needs from a parsed page."""

    def __init__(self, html: str, url: str = ""):
        self.url = url or ""
        self.raw = html
        self.raw_lower = html.lower()
        self.doc = _parse(html)
        self.title = ""
        self.text_all = ""      # visible text (noscript left out), link text included
        self.text_plain = ""    # visible text outside <a>
        self.content = ""       # visible text outside <a> and outside nav/header/footer containers
        self.noscript = ""
        self.n_links = 0        # <a>/<area> with a real href
        self.n_anchors = 0
        self.n_img = self.n_frames = 0
        self.n_password = self.n_textarea = self.n_text_inputs = self.n_forms = 0
        self.n_onclick = 0      # elements with onclick, buttons, clickable inputs
        self.n_named_meta = 0   # <meta name=…>: a page of a site, even if cut off before its body
        self.meta_refresh = ""
        self.inline_scripts: list[str] = []
        self.script_srcs: list[str] = []
        self.stylesheets: list[str] = []
        self.attrs = ""          # ids, classes, names, srcs, actions (lower case) for widget names
        self.app_root = False
        self.meta: dict[str, str] = {}
        self.chrome_links: list[tuple[str, str]] = []   # (href, text) of links in nav/header/footer
        if self.doc is not None:
            self._walk()

    def _walk(self):
        doc = self.doc
        titles = [fold(_STRING(t)) for t in doc.iter("title")]
        self.title = next((t for t in titles if t), "")[:300]
        all_parts, plain_parts, content_parts, nos_parts, attrs = [], [], [], [], []
        # stack entries: (skip, in_anchor, in_chrome, in_noscript)
        stack = [(False, False, False, False)]
        for event, el in etree.iterwalk(doc, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                skip, anchor, chrome, nos = stack[-1]
                t = tag.lower()
                if t == "noscript":
                    nos = True
                elif t in _SKIP_TAGS or not tag:
                    skip = True
                if t in ("a", "area"):
                    anchor = True
                    self.n_anchors += 1
                    href = (el.get("href") or "").strip()
                    if href and not href.lower().startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
                        self.n_links += 1
                        if chrome:
                            self.chrome_links.append((href, fold(_STRING(el))[:40]))
                if not chrome and _chrome_of(el):
                    chrome = True
                self._element(t, el, attrs, chrome)
                stack.append((skip, anchor, chrome, nos))
                if el.text:
                    self._text(el.text, stack[-1], all_parts, plain_parts, content_parts, nos_parts)
            else:
                stack.pop()
                if el.tail:
                    self._text(el.tail, stack[-1], all_parts, plain_parts, content_parts, nos_parts)
        self.text_all = fold(" ".join(all_parts))
        self.text_plain = fold(" ".join(plain_parts))
        self.content = fold(" ".join(content_parts))
        self.noscript = fold(" ".join(nos_parts))
        self.attrs = " ".join(attrs).lower()

    @staticmethod
    def _text(text, ctx, all_parts, plain_parts, content_parts, nos_parts):
        skip, anchor, chrome, nos = ctx
        if skip:
            return
        if nos:
            nos_parts.append(text)
            return
        all_parts.append(text)
        if not anchor:
            plain_parts.append(text)
            if not chrome:
                content_parts.append(text)

    def _element(self, t, el, attrs, chrome):
        if el.get("onclick") or t == "button" or (t == "input" and (el.get("type") or "").lower() in ("button", "submit", "image")):
            self.n_onclick += 1
        for name in ("id", "class", "name", "src", "action", "data-sitekey"):
            v = el.get(name)
            if v:
                attrs.append(v[:200])
        if t == "script":
            src = (el.get("src") or "").strip()
            if src:
                self.script_srcs.append(src)
            else:
                typ = (el.get("type") or "").lower()
                if not typ or "javascript" in typ or typ == "module":
                    self.inline_scripts.append(el.text or "")
        elif t == "img":
            self.n_img += 1
        elif t in ("iframe", "frame", "frameset", "embed", "object"):
            self.n_frames += 1
        elif t == "form":
            self.n_forms += 1
        elif t == "textarea":
            self.n_textarea += 1
        elif t == "input":
            typ = (el.get("type") or "text").lower()
            if typ == "password":
                self.n_password += 1
            elif typ in ("text", "email", "tel", "number", "search", ""):
                self.n_text_inputs += 1
        elif t == "meta":
            if el.get("name") or el.get("property"):
                self.n_named_meta += 1
            if (el.get("http-equiv") or "").lower() == "refresh":
                self.meta_refresh = el.get("content") or "refresh"
            name = (el.get("name") or "").strip().lower()
            if name in ("sitename", "siteidcode", "sitedomain"):
                self.meta[name] = fold(el.get("content"))[:100]
        elif t in ("link", "base"):
            self.n_named_meta += 1
            if "stylesheet" in (el.get("rel") or "").lower() and el.get("href"):
                self.stylesheets.append(el.get("href").strip())
        if el.get("id") in ("app", "root", "__nuxt", "__next", "q-app") or el.get("data-v-app") is not None:
            self.app_root = True

    # -- derived --
    @property
    def scripts_text(self) -> str:
        return "\n".join(self.inline_scripts)

    @property
    def footer_markers(self) -> int:
        return len(set(m.group(0) for m in _FOOTER_MARKERS.finditer(self.text_all)))

    @property
    def blank(self) -> bool:
        return not (self.text_all or self.title or self.noscript or self.n_anchors or self.n_img
                    or self.n_frames or self.n_forms or self.meta_refresh or self.script_srcs
                    or any(s.strip() for s in self.inline_scripts) or self.stylesheets or self.n_named_meta)

    @property
    def tiny(self) -> bool:
        """Almost nothing to read: what a script challenge or a bare block page looks like."""
        return len(self.text_all) <= TINY_TEXT and self.n_links <= TINY_LINKS and self.footer_markers == 0

    @property
    def small(self) -> bool:
        """Little of its own to say (the header/nav/footer of a kept site template left out).
        Measured in reading weight: a CJK character 1, anything else 1/4 (a block page's request
        id, URL and User-Agent, or Cloudflare's English paragraph, are not content)."""
        return weighed(self.content) <= SMALL_CONTENT and weighed(self.text_plain) <= SMALL_TEXT

    @property
    def form_labels(self) -> bool:
        """Labels of a form the site itself runs (login, 查询, 留言, 申请)."""
        return bool(_FORM_LABELS.search(self.text_plain))

    @property
    def article_like(self) -> bool:
        return bool(_ARTICLE_MARKERS.search(self.text_all))

    @property
    def has_site_chrome(self) -> bool:
        return self.n_links >= 15 and self.footer_markers >= 1

    @property
    def own_form(self) -> bool:
        """A login, 留言, 依申请 or search form: 验证码 there is a form field, not a gate."""
        return self.n_password > 0 or self.n_textarea > 0 or self.n_text_inputs > 3


# ---- cues -----------------------------------------------------------------------------------------
def _rx(p: str):
    return re.compile(p, re.I)


_V = r"(?:拦截|阻断|阻止|拒绝|禁止|屏蔽|封禁|封锁|限制|冻结|拉黑)"
# (weight, family, label, regex) over title + non-link text (quoted mentions left out). Within a
# family only the heaviest hit counts ("您的访问已被拦截" is one cue, not three). Weight 3 decides
# on a small page by itself; 2 needs company; 1 only supports.
BLOCK_CUES = [
    (3, "intercept", "已被网站管理员设置拦截", _rx(r"(?:网站)?管理员设置(?:为|了)?拦截|设置为拦截|设置拦截")),
    (3, "attack", "请求带有不合法参数", _rx(r"不合法参数|危险的攻击请求|攻击请求")),
    (3, "threat", "可能对网站造成安全威胁", _rx(r"(?:可能|疑似|会)对(?:本)?网站造成.{0,4}威胁|对网站造成(?:安全)?威胁")),
    (3, "attack", "疑似攻击", _rx(r"疑似(?:黑客|网络)?攻击|识别为(?:攻击|恶意|爬虫|机器人)|请求存在(?:安全)?威胁|存在(?:安全)?威胁[，,。！!]")),
    (3, "intercept", "您的访问被拦截", _rx(r"(?:您|你)(?:的|当前的?|本次)?(?:访问|请求|IP|浏览|操作|行为|连接|网络)"
                              r"[^。！!？?\n]{0,24}?(?:已被|被|遭到|已经被|暂时被|已)[^。！!？?\n]{0,16}?" + _V)),
    (3, "intercept", "访问被拦截", _rx(r"(?:访问|请求|连接|浏览)(?:已|已经|暂时)?(?:被|遭)(?:暂时)?(?:拦截|阻断|屏蔽|封禁|封锁|拉黑)")),
    (3, "rate", "访问过于频繁", _rx(r"(?:访问|请求|操作|刷新)(?:过于|太过|太|较为|过度|非常|次数过多|过多)频繁|频繁(?:访问|请求|操作|刷新)|"
                               r"(?:访问|请求)(?:频率|速度|次数|量)(?:过快|过高|太快|太高|超[过出]|异常)")),
    (3, "ipban", "IP被封禁", _rx(r"IP(?:地址)?[^。！!\n]{0,24}?(?:已被|被|已经被)[^。！!\n]{0,6}?(?:封禁|禁止|限制|拉黑|屏蔽|封锁|冻结|拦截)")),
    (3, "intercept", "被防火墙拦截", _rx(r"(?:已被|被|遭到)[^。！!\n]{0,12}?(?:防火墙|WAF|安全防护|防护系统|安全系统|云防护|云安全|云盾|安全网关|防护)[^。！!\n]{0,8}?(?:拦截|阻断|阻止)")),
    (3, "deny", "You have been blocked", _rx(r"you (?:have been|are|were) blocked|the requested url was rejected|your support id is|"
                                     r"request (?:was |has been )?(?:blocked|rejected|denied)|access (?:to this (?:page|site|resource) )?"
                                     r"(?:is |has been |was )?denied|blocked by (?:the )?(?:web application )?firewall|"
                                     r"web application firewall|your (?:ip|request|access) (?:has been |is |was )?(?:blocked|banned|denied)|request unsuccessful")),
    (3, "intercept", "拦截提示", _rx(r"拦截提示|安全拦截|拦截页面|访问拦截|拦截通知|拦截信息|入侵防护|防护提示")),
    (2, "illegal", "非法请求", _rx(r"非法(?:请求|访问|操作|参数|字符|提交|入侵)|含有(?:非法|危险|敏感)(?:字符|内容|参数|关键)|(?:恶意|异常)(?:请求|访问|爬虫|抓取)")),
    (2, "limit", "访问受限", _rx(r"访问受限|访问被限制|限制(?:您的)?访问|已被限制|受到限制")),
    (2, "deny", "拒绝访问", _rx(r"拒绝访问|禁止访问|无法继续访问|不允许访问|Access Denied|(?:访问|请求)(?:已|已经)?被(?:拒绝|禁止|阻止|限制)")),
    (2, "intercept", "已被拦截", _rx(r"(?:已被|被)(?:系统)?拦截|已拦截")),
    (2, "threat", "安全威胁", _rx(r"安全威胁|攻击(?:行为|特征)|恶意行为|安全风险")),
    (2, "abnormal", "访问异常", _rx(r"(?:访问|请求|行为|流量|网络|环境)[^。！!，,\n]{0,4}?(?:存在|出现|疑似|检测到)?异常|异常(?:访问|请求|流量|行为)")),
    (2, "waf", "网站防火墙", _rx(r"(?:网站|web|应用|云|网络)\s*(?:应用)?防火墙|\bWAF\b|安全防护系统|网站防护|安全网关|云防护")),
    (1, "intercept", "拦截", _rx(r"拦截|阻断")),
    (1, "deny", "Forbidden", _rx(r"\bForbidden\b")),
    (1, "id", "事件ID", _rx(r"(?:事件|请求|拦截|会话|追踪|跟踪|错误)\s*(?:ID|编号|号|码)|\b(?:event|request|ray|support|incident|trace|block)\s*[-_]?id\b|\bUUID\b")),
    (1, "ip", "您的IP", _rx(r"(?:您|你)的\s*IP|客户端\s*IP|访问\s*IP|当前\s*IP|来源\s*IP|IP\s*地址\s*[:：]|\bIP\s*[:：]\s*\d|拦截时间|当前网址|请求地址|请求URL|访问URL")),
    (1, "why", "可能原因", _rx(r"可能原因|如何解决|解决(?:办法|方法)|原因[:：]")),
    (1, "admin", "联系管理员", _rx(r"(?:联系|告知|通知)(?:本?网站|本站|系统)?(?:的)?(?:管理员|站长|客服|网管)|网站管理员|误拦截|误报")),
    (1, "later", "稍后再试", _rx(r"稍后(?:再|重新)?(?:试|访问|尝试)|请稍候|try again later")),
]
# Mentions, not messages: “您的IP已被限制访问”怎么办？ A block page does not quote itself.
_QUOTED = re.compile(r"“[^”]{1,40}”|「[^」]{1,40}」|『[^』]{1,40}』|‘[^’]{1,40}’|\"[^\"\n]{1,40}\"")
# What articles, notices and 问答 have and WAF pages never do.
_ARTICLE_MARKERS = re.compile(r"发布时间|发布日期|发文字号|索引号|浏览次数|阅读次数|点击数|信息来源|来源[:：]|"
                              r"问[:：].{0,80}答[:：]|【字体|字号[:：]|打印本页|关闭窗口|分享到")
_FORM_LABELS = re.compile(r"(?:用户名|账号|帐号|密码|手机号?|身份证|姓名|查询码|受理编号|申请编号|邮箱|信件|留言内容|标题)\s*[:：]|"
                          r"(?:验证码|验证)[^。！\n]{0,12}(?:查询|提交|登录|注册|办理|申请|下载|投票|留言|评论|发送)")
# Default error pages of the web servers themselves: an HTTP error, not a WAF
_SERVER_ERROR_PAGE = re.compile(r"您无权使用所提供的凭据|Internet Information Services|<center>\s*nginx[^<]{0,20}</center>|"
                                r"You don't have permission to access this resource|Apache Tomcat|HTTP Status \d{3}|"
                                r"<address>Apache/", re.I)
# A title that is a WAF page's own (short, a block word, no unit name in it)
_UNIT_WORDS = re.compile(r"政府|人民|委员会|办公室|局|厅|中心|门户|街道|乡|镇|村|学校|医院|公司")

CAPTCHA_STRONG = _rx(
    r"人机(?:身份)?(?:验证|校验|识别)|滑动验证|滑块验证|拖动(?:下方|下面|左边)?的?滑块|(?:向右|往右|从左向右)(?:拖动|滑动)|按住(?:左边)?滑块|"
    r"拖动到最右|拼图验证|请完成(?:下方|以下|下列|下面)?的?(?:安全|身份|人机|访问)?(?:验证|校验)|安全验证|访问验证|验证身份|身份验证后访问|"
    r"(?:验证|校验)(?:后|通过后|成功后)(?:即可|方可|才能|才可以|可|再|以)?(?:继续|正常)?(?:访问|浏览|操作|使用)|"
    r"(?:输入|填写)(?:正确的|下方的|图片中的)?(?:验证码|校验码)(?:后|以)?(?:即可|方可|才能|才可以|再|以)?(?:继续|正常)?(?:访问|浏览)|"
    r"(?:输入|填写|选择|点击)[^。！!\n]{0,12}(?:字符|数字|字母|答案|结果|图中|图片|文字)[^。！!\n]{0,10}(?:以|后|即可|方可|才能|再)?(?:继续|正常)(?:访问|浏览)|"
    r"证明(?:你|您)(?:是|不是)(?:真人|机器人)|不是机器人|是否(?:为|是)?真人|真人验证|智能验证|行为验证|无感验证|"
    r"点击(?:按钮|下方按钮)?(?:开始|进行|完成)?验证|请依次点击|点击(?:完成)?验证|请完成验证|"
    r"i'?m not a robot|verify (?:that )?you are (?:a )?human|verifying you are human|human verification|"
    r"are you a robot|prove you(?:'re| are) (?:a )?human|complete the security check|security check to access")
CAPTCHA_WEAK = _rx(r"验证码|校验码|captcha|verification code|check ?code")
CAPTCHA_WIDGET = _rx(
    r"tcaptcha|captcha\.qq\.com|turing\.captcha|captcha\.qcloud|geetest|initgeetest|\bgt\.js|/nc\.js|nocaptcha|nc_1_|"
    r"awsc\.js|aliyuncaptcha|yidun|necaptcha|hcaptcha|recaptcha|cf-turnstile|turnstile|vaptcha|"
    r"captcha[-_]?(?:box|container|wrap|img|image|code|slider)|slide[-_]?verify|slider[-_]?(?:verify|captcha|track|btn)|verify[-_]?(?:bar|slider|box|code)")

CHECK_WORDS = _rx(
    r"安全检测|安全检查|浏览器(?:安全)?(?:检查|检测|验证)|正在(?:检查|检测|验证|进行安全)|环境(?:检测|检查|异常)|"
    r"请(?:开启|启用|打开|允许)(?:浏览器的?)?\s*(?:JavaScript|JS|cookie)|(?:JavaScript|cookie)\s*(?:已被?禁用|未启用|被禁止)|"
    r"浏览器(?:不支持|禁用了?)\s*(?:JavaScript|cookie)|checking your browser|just a moment|checking if the site connection is secure|"
    r"enable javascript and cookies|please (?:enable|turn on) (?:javascript|cookies)|ddos protection|"
    r"please wait while we check|one more step|attention required|验证中|正在验证")

# Names only anti-bot challenges use. Pages BEHIND these services also carry some of them
# (瑞数 $_ts on every page, Cloudflare's challenge-platform script, __jsluid cookies): a name
# decides only on a tiny page.
KNOWN_CHALLENGE = [
    ("阿里云WAF", _rx(r"acw_sc__v2|acw_sc__v3|var\s+arg1\s*=\s*['\"][0-9a-f]{24,}['\"]|_waf_[a-z0-9]{6,}")),
    ("加速乐", _rx(r"__jsl_clearance|jsl_clearance|__jsluid|go\(\s*\{\s*[\"']bts[\"']|\(['\"]_['\"]\)\+\(['\"]_['\"]\)\+\(['\"]j['\"]\)")),
    ("WZWS", _rx(r"wzwschallenge|wzwstemplate|wzwsquestion|wzwsfactor|wzwsmethod|WZWSREL|wzws_cid")),
    ("云锁", _rx(r"security_verify_(?:data|img|jsonp)|YunSuoAutoJump|yunsuo_session|security_session_verify|security_session_mid_verify")),
    ("瑞数", _rx(r"\$_ts\s*=\s*window\[|\$_ts\.(?:nsd|cd|scj|lcd)\b|\$_ts\s*=\s*\{")),
    ("Cloudflare", _rx(r"_cf_chl_opt|cdn-cgi/challenge-platform/h/|cf_chl_|jschl[-_]vc|jschl[-_]answer|chk_jschl|cf-browser-verification|__cf_chl")),
    ("网站安全狗", _rx(r"safedog-flow-item|sdwaf-|safedog_|WebShield(?:DR)?SessionVerify")),
    ("长亭雷池", _rx(r"sl-session|safeline[-_](?:challenge|captcha|verify)")),
    ("", _rx(r"__tst_status|_guard_auto|guardret|__waf_|waf_cookie|anti[-_]?bot|antibot|challenge[-_]?(?:form|token|id)\b|ddos[-_]?guard")),
]

_SETS_COOKIE = _rx(r"document\s*\.\s*cookie\s*=(?!=)|document\s*\[\s*['\"]cookie['\"]\s*\]\s*=(?!=)|cookieStore\.set")
_SELF_RELOAD = _rx(
    r"location\s*\.\s*reload\s*\(|history\.go\(\s*0?\s*\)|"
    r"location(?:\.href)?\s*=\s*(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*[;}\n]|"
    r"location(?:\.href)?\s*=\s*(?:window\.|document\.|self\.)?location\.pathname|"
    r"location\.(?:replace|assign)\(\s*(?:window\.|document\.|self\.)?location(?:\.href|\.pathname)?\s*[\)\+]|"
    r"location(?:\.href)?\s*=\s*(?:window\.|document\.)?location\.href\s*\+|"
    r"location(?:\.href)?\s*=\s*(?:window\.)?document\.URL")
_REDIRECT = _rx(r"location(?:\.href)?\s*=(?!=)|location\.(?:replace|assign)\s*\(|\.submit\s*\(\s*\)")
_OBFUSCATED = _rx(r"_0x[0-9a-f]{4,}|(?:\\x[0-9a-f]{2}){8,}|\beval\s*\(|String\.fromCharCode|\batob\s*\(|[0-9a-f]{40,}|"
                  r"(?:\(['\"][^'\"]{1,2}['\"]\)\+){5,}|\[\]\+|!!\[\]|-~\[\]|"
                  r"\w\[\s*[\w$]+\[\d+\]\s*\]\s*\[\s*[\w$]+\[\d+\]\s*\]")
_COOKIE_WORD = _rx(r"['\"]cookie['\"]|\\x63\\x6f\\x6f\\x6b\\x69\\x65")
_RELOAD_WORD = _rx(r"['\"](?:reload|replace|href)['\"]|\.reload\(|\\x72\\x65\\x6c\\x6f\\x61\\x64")
_LITERAL_REDIRECT = _rx(r"location(?:\.href)?\s*=\s*['\"][^'\"]*['\"]\s*[;}\n]|location\.(?:replace|assign)\(\s*['\"][^'\"]*['\"]\s*\)")
_AUTOSUBMIT = _rx(r"\.submit\s*\(\s*\)")

# vendor names in page text or markup (identify the vendor; never decide alone)
VENDORS = [
    ("网站安全狗", _rx(r"安全狗|safedog")),
    ("D盾", _rx(r"d盾|d_safe|dsafe\b")),
    ("云锁", _rx(r"云锁|yunsuo")),
    ("加速乐", _rx(r"加速乐|jiasule")),
    ("创宇盾", _rx(r"创宇盾|知道创宇|yunaq|365cyd|knownsec|创宇云")),
    ("阿里云WAF", _rx(r"阿里云盾|阿里云\s*(?:web\s*应用)?(?:防火墙|waf|安全)|aliyun\s*waf|errors\.aliyun\.com|aliyundun|\byundun\b")),
    ("360网站卫士", _rx(r"360\s*网站卫士|360wzb|360wzws|wangzhan\.360|360\s*主机卫士|zhuji\.360")),
    ("奇安信网站卫士", _rx(r"奇安信|qianxin|网站卫士")),
    ("腾讯云WAF", _rx(r"腾讯云\s*(?:web\s*应用)?(?:防火墙|waf|安全)|tencent\s*cloud\s*(?:waf|web application firewall)|waf\.tencent|t-sec")),
    ("华为云WAF", _rx(r"华为云\s*(?:web\s*应用)?(?:防火墙|waf|安全)|huawei\s*cloud\s*waf|hwwaf")),
    ("百度云加速", _rx(r"百度云加速|百度云防护|yunjiasu")),
    ("安恒玄武盾", _rx(r"玄武盾|安恒|dbappsecurity")),
    ("长亭雷池", _rx(r"雷池|safeline|长亭|chaitin")),
    ("护卫神", _rx(r"护卫神|huweishen")),
    ("Cloudflare", _rx(r"(?<!cdnjs\.)(?<!ajax\.)cloudflare(?!-static|insights)")),
    ("瑞数", _rx(r"瑞数|riversecurity")),
    ("WZWS", _rx(r"wzws")),
    ("安全宝", _rx(r"安全宝|anquanbao")),
    ("F5", _rx(r"big-?ip|f5 networks")),
    ("绿盟WAF", _rx(r"绿盟|nsfocus")),
    ("深信服", _rx(r"深信服|sangfor")),
    ("网宿", _rx(r"网宿|wangsu|chinanetcenter")),
    ("天融信", _rx(r"天融信|topsec")),
    ("启明星辰", _rx(r"启明星辰|venustech")),
    ("盛邦WAF", _rx(r"盛邦|raywaf|webray")),
    ("Incapsula", _rx(r"incapsula|imperva")),
]
# Markup only a vendor's block page has (in a tiny page: a block by itself)
KNOWN_BLOCK_MARKUP = [
    ("Incapsula", _rx(r"/_Incapsula_Resource\?")),
]

# headers: (vendor, header name, value regex or None)
HEADER_VENDORS = [
    ("安全宝", "x-powered-by-anquanbao", None),
    ("360网站卫士", "x-powered-by-360wzb", None),
    ("360主机卫士", "x-safe-firewall", None),
    ("加速乐", "x-via-jsl", None),
    ("WZWS", "wzws-ray", None),
    ("Cloudflare", "cf-ray", None),
    ("Cloudflare", "cf-mitigated", None),
    ("网站安全狗", "server", _rx(r"safedog")),
    ("百度云加速", "server", _rx(r"yunjiasu")),
    ("WZWS", "server", _rx(r"wzws")),
    ("360网站卫士", "server", _rx(r"360wzws|360wzb")),
    ("Cloudflare", "server", _rx(r"cloudflare")),
    ("加速乐", "server", _rx(r"jiasule|__jsluid")),
    ("阿里云WAF", "server", _rx(r"yundun|aliyun\s*waf")),
    ("长亭雷池", "server", _rx(r"safeline|chaitin")),
    ("网站安全狗", "x-powered-by", _rx(r"safedog|^waf/")),
    ("", "x-powered-by", _rx(r"\bwaf\b|firewall")),
    ("网站安全狗", "set-cookie", _rx(r"safedog-flow-item|sdwaf")),
    ("云锁", "set-cookie", _rx(r"yunsuo_session_verify|security_session_verify|security_session_mid_verify")),
    ("WZWS", "set-cookie", _rx(r"wzws_cid|wzws_sessionid")),
    ("加速乐", "set-cookie", _rx(r"__jsluid|__jsl_clearance")),
    ("阿里云WAF", "set-cookie", _rx(r"acw_tc|acw_sc__v2|aliyungf_tc")),
    ("华为云WAF", "set-cookie", _rx(r"hwwafsesid|hwwafsestime")),
    ("长亭雷池", "set-cookie", _rx(r"sl-session|sl_jwt")),
    ("Cloudflare", "set-cookie", _rx(r"__cf_bm|cf_clearance")),
    ("Incapsula", "x-cdn", _rx(r"incapsula|imperva")),
    ("Incapsula", "set-cookie", _rx(r"visid_incap_|incap_ses_")),
]


def _norm_headers(headers) -> dict[str, str]:
    out: dict[str, str] = {}
    if not headers:
        return out
    try:
        items = list(headers.items())
    except AttributeError:
        items = list(headers)
    for k, v in items:
        if isinstance(k, bytes):
            k = k.decode("latin-1", "replace")
        if isinstance(v, (list, tuple)):
            v = "; ".join(x.decode("latin-1", "replace") if isinstance(x, bytes) else str(x) for x in v)
        elif isinstance(v, bytes):
            v = v.decode("latin-1", "replace")
        k = str(k).strip().lower()
        out[k] = (out[k] + "; " + str(v)) if k in out else str(v)
    return out


def _header_vendor(hdr: dict[str, str]) -> tuple[str, list[str]]:
    found, signals = "", []
    for vendor, name, rx in HEADER_VENDORS:
        v = hdr.get(name)
        if v is None:
            continue
        if rx is None or rx.search(v):
            signals.append(f"header:{name}")
            if vendor and not found:
                found = vendor
    for name in hdr:
        if ("waf" in name or "firewall" in name) and f"header:{name}" not in signals:
            signals.append(f"header:{name}")
            found = found or ""
    return found, signals


@dataclass
class Verdict:
    kind: str = ""          # "" | "block" | "captcha" | "challenge" | "empty"; "shell" = "" but needs rendering
    reason: str = ""        # what block_reason returns
    vendor: str = ""
    score: int = 0
    signals: list = field(default_factory=list)
    page: object = field(default=None, repr=False, compare=False)   # the parse, for TemplateProfile.learn

    def __bool__(self):
        return bool(self.reason)


def _vendor_matters(page: _Page) -> bool:
    """Whether a vendor named in the page could change the verdict: on a tiny page, or a small
    one with some block, captcha or check cue. Looking for 26 vendors in the markup is most of
    the detector's cost, and an ordinary small page (an article) has none of these cues."""
    if page.tiny:
        return True
    if not page.small:
        return False
    text = page.title + " \n " + page.text_plain
    return bool(_block_cues(text) or CAPTCHA_STRONG.search(text) or CAPTCHA_WEAK.search(text)
                or CHECK_WORDS.search(text + " " + page.noscript)
                or CAPTCHA_WIDGET.search(page.attrs + " " + " ".join(page.script_srcs) + " " + page.scripts_text[:20000]))


def _vendor_in_page(page: _Page) -> str:
    hay = page.title + " " + page.text_all + " " + page.noscript + " " + page.attrs + " " + page.raw_lower[:20000]
    for vendor, rx in VENDORS:
        if rx.search(hay):
            return vendor
    return ""


def _block_cues(text: str) -> list[tuple[int, str, str]]:
    """(weight, label, matched text), the heaviest hit of each family."""
    text = _QUOTED.sub(" ", text)
    best: dict[str, tuple[int, str, str]] = {}
    for weight, family, label, rx in BLOCK_CUES:
        if family in best and best[family][0] >= weight:
            continue
        m = rx.search(text)
        if m:
            best[family] = (weight, label, m.group(0))
    return list(best.values())


def _waf_title(title: str) -> bool:
    if not title or len(title) > 16 or _UNIT_WORDS.search(title):
        return False
    return any(w >= 2 for w, _, _ in _block_cues(title)) or bool(CAPTCHA_STRONG.search(title))


def _short(s: str, n: int = 18) -> str:
    s = fold(s)
    return s if len(s) <= n else s[:n] + "…"


# ---- the verdict ----------------------------------------------------------------------------------
def analyse(status, headers, html, url="", site_profile=None) -> Verdict:
    status = int(status) if status is not None else None
    signals: list[str] = []
    if status in (404, 410):
        return Verdict(signals=[f"status:{status} (broken link, not a block)"])
    if status is not None and 300 <= status < 400:
        return Verdict(signals=[f"status:{status}"])
    ok_status = status is None or 200 <= status < 300
    hdr = _norm_headers(headers)
    hvendor, hsignals = _header_vendor(hdr)
    signals += hsignals
    if "challenge" in hdr.get("cf-mitigated", "").lower():
        return Verdict("challenge", REASON_CHALLENGE, "Cloudflare", 9, signals + ["cf-mitigated"])

    html = html or ""
    if not html.strip(_INVISIBLE):
        if ok_status:
            return Verdict("empty", REASON_EMPTY, hvendor, 0, signals + ["empty body"])
        if status == 429:
            return Verdict("block", block_reason_text(hvendor or "HTTP 429 请求过多"), hvendor, 3, signals + ["status:429"])
        return Verdict(signals=signals + ["empty body, HTTP error"])
    if len(html) > MAX_ANALYSED_CHARS:
        return Verdict(signals=signals + ["large page"])
    low = html[:MAX_ANALYSED_CHARS].lower()
    if low.count("<a ") + low.count("<a\n") > MAX_ANCHORS:
        return Verdict(signals=signals + ["many links"])

    page = _Page(html, url)
    if page.doc is None:
        return Verdict(signals=signals + ["unparsable"])
    if page.blank and not html.rstrip(_INVISIBLE).endswith(">"):
        # cut off mid-tag: a truncated download (the crawler's own error), not an empty answer
        return Verdict(signals=signals + ["truncated, no content yet"])
    if page.blank:
        if ok_status:
            return Verdict("empty", REASON_EMPTY, hvendor, 0, signals + ["no text, links or scripts"])
        if status == 429:
            return Verdict("block", block_reason_text(hvendor or "HTTP 429 请求过多"), hvendor, 3, signals + ["status:429"])
        return Verdict(signals=signals)

    pvendor = _vendor_in_page(page) if _vendor_matters(page) else ""
    vendor = pvendor or hvendor
    waf_status = status in WAF_STATUSES

    v = _captcha(page, vendor, pvendor, signals)
    if v:
        return v
    v = _challenge(page, vendor, signals, waf_status, bool(hdr.get("set-cookie")))
    if v:
        return v
    v = _block(page, vendor, pvendor, hvendor, signals, waf_status)
    if v:
        return v
    if page.tiny:
        for name, rx in KNOWN_BLOCK_MARKUP:
            if rx.search(page.raw[:20000]):
                return Verdict("block", block_reason_text(name), name, 5, signals + [f"known-block-markup:{name}"])
    if site_profile is not None and getattr(site_profile, "ready", False):
        v = site_profile.judge_change(page, vendor, signals, waf_status)
        if v:
            return v
    if status == 429:
        return Verdict("block", block_reason_text(vendor or "HTTP 429 请求过多"), vendor, 3, signals + ["status:429"])
    if page.tiny and (page.script_srcs or page.app_root):
        return Verdict("shell", "", "", 0, signals + ["script shell: needs rendering"], page=page)
    return Verdict(signals=signals, page=page)


_CHALLENGE_SRC = _rx(r"waf|verify|challenge|guard|captcha|secur|shield|anti|check|/cdn-cgi/")


def _challenge(page: _Page, vendor: str, signals: list, waf_status: bool, header_cookie: bool = False) -> Verdict | None:
    scripts = page.scripts_text
    hay = scripts + "\n" + " ".join(page.script_srcs) + "\n" + page.attrs
    known = ""
    known_hit = False
    for name, rx in KNOWN_CHALLENGE:
        if rx.search(hay):
            known_hit, known = True, name
            break
    sets_cookie = bool(_SETS_COOKIE.search(scripts))
    self_reload = bool(_SELF_RELOAD.search(scripts)) or _meta_self_refresh(page.meta_refresh)
    redirect = bool(_REDIRECT.search(scripts)) or bool(page.meta_refresh)
    # location.href="https://new.example.gov.cn/": an ordinary redirect, whatever it sets first
    literal_only = redirect and not self_reload and len(_REDIRECT.findall(scripts)) <= len(_LITERAL_REDIRECT.findall(scripts))
    obfuscated = bool(_OBFUSCATED.search(scripts))
    check_words = bool(CHECK_WORDS.search(page.title + " " + page.text_all + " " + page.noscript))
    autosubmit = bool(_AUTOSUBMIT.search(scripts)) and page.n_forms > 0
    # Nothing to click: a challenge runs by itself. A page whose cookie+reload code sits behind a
    # link or button (简/繁 or 长者模式 switch, a language splash page) is the site's own.
    hands_off = page.n_links <= 1 and page.n_onclick == 0
    # A page that loads an app bundle is a script shell (needs rendering), unless what it loads
    # is a challenge script or its inline code looks like one.
    shell_like = page.app_root or any(not _CHALLENGE_SRC.search(src) for src in page.script_srcs)
    sig = [s for s, on in (("known:" + (known or "generic"), known_hit), ("sets-cookie", sets_cookie),
                           ("self-reload", self_reload), ("redirect", redirect), ("obfuscated", obfuscated),
                           ("check-words", check_words), ("autosubmit", autosubmit),
                           ("hands-off", hands_off), ("shell-like", shell_like)) if on]
    decided = False
    if page.own_form:
        return None
    if page.tiny:
        if known_hit:
            decided = True
        elif hands_off and not shell_like:
            if sets_cookie and (self_reload or (redirect and not literal_only and (obfuscated or check_words or waf_status))):
                decided = True
            elif check_words and (self_reload or autosubmit):
                decided = True
        if (not decided and not shell_like and not page.text_all and not page.n_anchors and obfuscated
                and _COOKIE_WORD.search(scripts) and _RELOAD_WORD.search(scripts)):
            # the names hidden in a string table: ['cookie','location','reload'] … w[a[1]][a[2]]()
            decided = True
            sig.append("string-table cookie+reload")
        if (not decided and header_cookie and _meta_self_refresh(page.meta_refresh) and not page.text_all
                and not page.n_anchors and not page.script_srcs):
            # nothing but <meta refresh> to itself, after the server set a cookie: the cookie is the pass
            decided = True
            sig.append("header-cookie+self-refresh")
    elif page.n_links <= 6 and page.footer_markers == 0 and page.small:
        # Cloudflare-style interstitials carry a paragraph of text and a link or two
        if known_hit and (sets_cookie or check_words or obfuscated or autosubmit):
            decided = True
        elif check_words and sets_cookie and (self_reload or redirect) and page.n_onclick == 0:
            decided = True
    if not decided:
        return None
    return Verdict("challenge", REASON_CHALLENGE, known or vendor, 5, signals + sig)


def _meta_self_refresh(content: str) -> bool:
    if not content:
        return False
    return "url" not in content.lower()      # <meta http-equiv=refresh content="3">: reload itself


def _captcha(page: _Page, vendor, pvendor, signals) -> Verdict | None:
    """A captcha standing in for the page: it asks the visitor to prove they are human in order
    to go on, and has no form of its own (a login, 留言 or 查询 form's 验证码 is a field)."""
    if not page.small or page.own_form or page.article_like or page.form_labels:
        return None
    text = page.title + " \n " + page.text_plain
    hits = _block_cues(text)
    strong = CAPTCHA_STRONG.search(_QUOTED.sub(" ", text)) or CAPTCHA_STRONG.search(page.noscript)
    weak = CAPTCHA_WEAK.search(text) or CAPTCHA_WEAK.search(page.attrs)
    widget = CAPTCHA_WIDGET.search(page.attrs + " " + " ".join(page.script_srcs) + " " + page.scripts_text[:20000])
    heavy_block = any(w >= 3 for w, _, _ in hits)
    cscore = (3 if strong else 0) + (2 if widget else 0) + (1 if weak else 0)
    cscore += 1 if heavy_block else 0      # 访问过于频繁，请输入验证码…
    cscore += 1 if pvendor else 0
    dom_widget = CAPTCHA_WIDGET.search(page.attrs)
    bare_widget = (page.tiny and not page.app_root and dom_widget
                   and (re.search(r"验证|verify|captcha", page.title, re.I) or _SETS_COOKIE.search(page.scripts_text)))
    if bare_widget:
        cscore += 2
    if not (strong or (widget and (weak or hits)) or bare_widget):
        return None
    if page.has_site_chrome:
        # inside the site's own template a captcha must say why it stands there
        if not (strong and (heavy_block or pvendor)):
            return None
    if cscore < 3:
        return None
    sig = [f"captcha:{(strong or weak or widget).group(0)}", f"cscore:{cscore}"]
    return Verdict("captcha", REASON_CAPTCHA, vendor, cscore, signals + sig)


_ADDRESS = _rx(r"您|你|\byou(?:r)?\b")


def _block(page: _Page, vendor, pvendor, hvendor, signals, waf_status) -> Verdict | None:
    if not page.small or page.article_like:
        return None
    if _SERVER_ERROR_PAGE.search(page.raw[:20000]) and not pvendor:
        return None
    text = page.title + " \n " + page.text_plain
    hits = _block_cues(text)
    heavy = [h for h in hits if h[0] >= 2]
    if not heavy:
        return None
    decisive = any(w >= 3 for w, _, _ in hits)
    if page.has_site_chrome and not (decisive and (_ADDRESS.search(_QUOTED.sub(" ", page.text_plain)) or pvendor)):
        return None           # the site's own template around a mild or third-person word: not a WAF page
    score = sum(w for w, _, _ in hits)
    score += 2 if pvendor else (1 if hvendor else 0)
    score += 1 if waf_status else 0
    score += 1 if _waf_title(page.title) else 0
    need = 3 if page.n_links <= 10 else 4 if page.n_links <= 60 else 5
    if page.own_form:
        need += 2
    if score < need:
        return None
    best = max(hits, key=lambda h: h[0])
    cue = vendor or f"“{_short(best[2])}”"
    sig = [f"cue:{label}={w}" for w, label, _ in hits] + [f"score:{score}/{need}"]
    if pvendor:
        sig.append(f"vendor:{pvendor}")
    return Verdict("block", block_reason_text(cue), vendor, score, signals + sig)


def block_reason(status, headers, html, url="", site_profile=None) -> str:
    """"" for an ordinary page, else why the page is a WAF/anti-bot answer (see module doc)."""
    return analyse(status, headers, html, url, site_profile).reason


# ---- template profile -----------------------------------------------------------------------------
_SITE_ID = re.compile(r"网站标识码\s*[:：]?\s*([0-9A-Za-z]{6,})")
_ICP = re.compile(r"([\u4e00-\u9fff]ICP\s*[备证]\s*[0-9]{5,}\s*号?(?:-\d+)?)", re.I)
_GONGAN = re.compile(r"公网安备\s*([0-9]{8,})")
_HOST = re.compile(r"主办(?:单位)?\s*[:：]\s*([\u4e00-\u9fffA-Za-z0-9（）()]{3,30})")
_TITLE_SEP = re.compile(r"\s*(?:[-_|—–·•]+|\s{2,})\s*")


def _abs(base: str, href: str) -> str:
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return href


def _title_tail(title: str) -> str:
    parts = [p for p in _TITLE_SEP.split(title) if p]
    return parts[-1] if len(parts) >= 2 else ""


class TemplateProfile:
    """A site's template, learnt from its first good pages.

        profile = TemplateProfile()
        for each fetched page:  reason = block_reason(status, headers, html, url, site_profile=profile)
                                if not reason: profile.learn(html, url)

    After `min_pages` good pages it is `ready`; block_reason then also flags a page that is tiny
    next to the site's pages, shares nothing with the template (no title suffix, no 网站标识码 /
    ICP / 主办单位, no nav link, no stylesheet, no SiteName) AND carries block cues — with a lower
    bar than a page judged on its own. A page that shares anything with the template is judged
    by the ordinary rules only.
    """

    def __init__(self, min_pages: int = 3, max_pages: int = 20):
        self.min_pages = min_pages
        self.max_pages = max_pages
        self.pages = 0
        self.link_counts: list[int] = []
        self.tails: Counter = Counter()
        self.markers: Counter = Counter()      # site id, ICP, 公网安备, 主办, SiteName …
        self.chrome_links: Counter = Counter()
        self.assets: Counter = Counter()       # stylesheet and script paths

    @property
    def ready(self) -> bool:
        return self.pages >= self.min_pages

    @staticmethod
    def _features(page: _Page) -> dict:
        text = page.text_all
        markers = set()
        for rx, tag in ((_SITE_ID, "id"), (_ICP, "icp"), (_GONGAN, "ga"), (_HOST, "host")):
            for m in rx.finditer(text):
                markers.add(f"{tag}:{_WS.sub('', m.group(1))}")
        for k, v in page.meta.items():
            if v:
                markers.add(f"meta:{k}:{v}")
        chrome = {_abs(page.url, h) for h, _ in page.chrome_links if h}
        assets = {_abs(page.url, a).split("?")[0] for a in page.stylesheets + page.script_srcs}
        return {"tail": _title_tail(page.title), "markers": markers, "chrome": chrome, "assets": assets,
                "links": page.n_links}

    def learn(self, html: str, url: str = "", status: int | None = 200, headers=None,
              verdict: Verdict | None = None) -> bool:
        """Add a page to the profile if it is a good, ordinary portal page; True if used.
        verdict: what analyse() said of this very page, if the caller has it (saves a parse)."""
        if self.pages >= self.max_pages:
            return False
        if status is not None and not 200 <= int(status) < 300:
            return False
        if not html or len(html) > MAX_ANALYSED_CHARS:
            return False
        if verdict is None:
            verdict = analyse(status, headers or {}, html, url)
        if verdict.kind:
            return False
        page = verdict.page if isinstance(verdict.page, _Page) else _Page(html, url)
        if page.doc is None or page.n_links < 10:
            return False
        f = self._features(page)
        self.pages += 1
        self.link_counts.append(f["links"])
        if f["tail"]:
            self.tails[f["tail"]] += 1
        self.markers.update(f["markers"])
        self.chrome_links.update(f["chrome"])
        self.assets.update(f["assets"])
        return True

    def _common(self, counter: Counter) -> set:
        need = max(2, self.pages // 2) if self.pages >= 2 else 1
        return {k for k, n in counter.items() if n >= need}

    def shared_with(self, page: _Page) -> list[str]:
        f = self._features(page)
        shared = []
        if f["tail"] and f["tail"] in self._common(self.tails):
            shared.append("title:" + f["tail"])
        shared += sorted(f["markers"] & self._common(self.markers))[:3]
        common_links = f["chrome"] & self._common(self.chrome_links)
        if common_links:
            shared.append(f"nav-links:{len(common_links)}")
        common_assets = f["assets"] & self._common(self.assets)
        if common_assets:
            shared.append(f"assets:{len(common_assets)}")
        return shared

    def shared_with_html(self, html: str, url: str = "") -> list[str]:
        return self.shared_with(_Page(html, url))

    def typical_links(self) -> float:
        return statistics.median(self.link_counts) if self.link_counts else 0

    def judge_change(self, page: _Page, vendor: str, signals: list, waf_status: bool) -> Verdict | None:
        """The lowered bar for a page that has suddenly lost the site's template."""
        if not self.ready:
            return None
        typical = self.typical_links()
        if typical < 15:
            return None                          # the site's own pages are small: nothing to compare
        if page.n_links > max(5, 0.2 * typical) or not page.small:
            return None
        if self.shared_with(page):
            return None
        text = page.title + " \n " + page.text_plain
        hits = _block_cues(text)
        heavy = [h for h in hits if h[0] >= 2]
        captcha = CAPTCHA_WEAK.search(text) or CAPTCHA_WIDGET.search(page.attrs + " ".join(page.script_srcs))
        checks = CHECK_WORDS.search(text + " " + page.noscript)
        sig = signals + ["template-change"]
        if captcha and not page.own_form and (CAPTCHA_STRONG.search(text) or hits or checks or vendor):
            return Verdict("captcha", REASON_CAPTCHA, vendor, 2, sig + ["captcha-cue"])
        if captcha and not page.own_form and page.tiny:
            return Verdict("captcha", REASON_CAPTCHA, vendor, 2, sig + ["captcha-cue"])
        if checks and (page.inline_scripts or page.script_srcs) and page.tiny and not page.own_form:
            return Verdict("challenge", REASON_CHALLENGE, vendor, 2, sig + ["check-words"])
        score = sum(w for w, _, _ in hits) + (2 if vendor else 0) + (1 if waf_status else 0)
        if heavy or (vendor and hits) or (score >= 2 and page.tiny):
            if score >= 2:
                best = max(hits, key=lambda h: h[0]) if hits else None
                cue = vendor or (f"“{_short(best[2])}”" if best else "页面模板突变")
                return Verdict("block", block_reason_text(cue), vendor, score, sig + [f"score:{score}"])
        return None
