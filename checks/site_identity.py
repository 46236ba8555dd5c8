"""site_identity — the site identifies itself: 网站标识码, 党政机关标识, ICP 备案, 公安备案.

What it checks, on the home page: the footer shows 网站标识码 and it equals the `SiteIDCode`
metadata (of the home page and every article sampled); the 党政机关 identity mark (a link to
bszs.conac.cn, the conac image, or its loader script); an ICP 备案 number (粤ICP备…号); a
公安机关备案 number (粤公网安备…号). Which of these are required is a param.

Why it matters: 国办发〔2017〕47号 requires every government website to show them; a wrong
标识码 breaks the national monitoring platform's match.

Pass: “网站标识码：4407000001” in the footer, SiteIDCode 4407000001, conac link, 粤ICP备…号.
Fail: footer says 4407000001 but pages declare SiteIDCode 4407000099; no ICP 备案 number.
Unknown: the home page has no footer text at all (written by a script or an iframe).

References: 国办发〔2017〕47号 (政府网站发展指引) 二(二)、附件; 工信部《互联网信息服务管理办法》.
"""
from __future__ import annotations

import re
from collections import Counter

from zwgk.checks.model import Finding, Needs

ID = "site_identity"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "require": {"type": "list[str]", "default": ["site_id_code", "conac", "icp", "police"]},
}

_CODE = re.compile(r"(?:网站)?标识码\s*[:：]?\s*([A-Za-z]{0,2}\d{8,10})")
# every province's one-character names, the literary ones too (滇ICP备, 黔ICP备, 陇ICP备 …)
_PROVINCES = "京津沪渝冀豫云滇辽黑湘皖鲁新苏浙赣鄂桂甘陇晋蒙陕秦吉闽贵黔粤青藏川蜀宁琼"
_ICP = re.compile(rf"[{_PROVINCES}]\s*ICP\s*备(?:案号?)?\s*[:：]?\s*\d{{6,12}}\s*号(?:\s*-\s*\d+)?", re.I)
# 粤公网安备 44030402003007号, 粤公网安备号44030402003007, 公安机关备案号：…; or the record's own
# link on beian.gov.cn, whose text may be the number alone
_POLICE = re.compile(rf"(?:[{_PROVINCES}]\s*公网安备\s*号?|公安(?:机关)?备案号?)\s*[:：]?\s*[\d-]{{8,20}}\s*号?"
                     r"|beian\.gov\.cn/portal/registerSystemInfo\?recordcode=\d{8,20}")
_CONAC = re.compile(r"conac\.cn|_ideConac|党政机关", re.I)
_FOOTERISH = re.compile(r"标识码|ICP|公网安备|主办单位|版权所有|承办单位|Copyright|©", re.I)
_NAMES = {"site_id_code": "网站标识码", "conac": "党政机关标识", "icp": "ICP备案号", "police": "公安机关备案号"}


def _conac(site, page) -> str:
    for link in page.links:
        if "conac.cn" in link.url or "党政机关" in link.text:
            return f"{link.text or '链接'} → {link.url}"
    for src in page.scripts:
        if "conac.cn" in src:
            return f"脚本 {src}"
    doc = site.doc(page)
    if doc is not None:
        for el in doc.xpath("//*[@id='_ideConac']|//img[contains(@src,'conac')]|//img[contains(@alt,'党政机关')]"):
            return f"元素 <{el.tag} id={el.get('id', '')} src={el.get('src', '')}>"
        for script in doc.xpath("//script[not(@src)]/text()"):
            if "conac" in script:
                return "页面脚本写入 conac 标识"
    return ""


def check(site, params, ctx):
    home = site.home
    text = site.text(home)
    raw = home.html
    if not _FOOTERISH.search(text) and not _CONAC.search(raw):
        yield Finding("unknown", "首页未见页脚信息（可能由脚本或 iframe 加载），无法检查网站标识", url=home.final_url)
        return
    required = params["require"]

    if "site_id_code" in required:
        m = _CODE.search(text)
        meta_code = home.meta.get("SiteIDCode", "")
        if not m:
            yield Finding("fail", "首页页脚未展示网站标识码", url=home.final_url, absence="home", evidence=f"SiteIDCode={meta_code or '无'}")
        else:
            shown = m.group(1)
            declared = Counter(p.meta.get("SiteIDCode") for p in site.pages if p.meta.get("SiteIDCode"))
            wrong = [c for c in declared if c.lower() != shown.lower()]
            if wrong:
                example = next(p for p in site.pages if p.meta.get("SiteIDCode") == wrong[0])
                yield Finding("fail", f"页脚网站标识码 {shown} 与页面元数据 SiteIDCode {wrong[0]} 不一致"
                              f"（{declared[wrong[0]]} 个页面）", url=example.final_url, evidence=m.group(0))
            else:
                yield Finding("pass", f"网站标识码 {shown}" + ("，与 SiteIDCode 一致" if declared else ""),
                              url=home.final_url, evidence=m.group(0))

    checks = {"conac": lambda: _conac(site, home),
              "icp": lambda: (_ICP.search(text) or _ICP.search(raw) or [""])[0],
              "police": lambda: (_POLICE.search(text) or _POLICE.search(raw) or [""])[0]}
    for key in ("conac", "icp", "police"):
        if key not in required:
            continue
        found = checks[key]()
        if found:
            yield Finding("pass", f"已展示{_NAMES[key]}", url=home.final_url, evidence=str(found)[:200])
        else:
            yield Finding("fail", f"首页未展示{_NAMES[key]}", url=home.final_url, absence="home",
                          evidence="页脚文字: " + (_FOOTERISH.search(text).group(0) if _FOOTERISH.search(text) else ""))
