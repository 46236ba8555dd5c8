"""page_metadata — pages carry the metadata of 国办发〔2017〕47号 (政府网站发展指引, 附件 网页元数据).

What it checks: the home page has `SiteName`, `SiteDomain`, `SiteIDCode`; article pages (URL like
`/t20220825_123.html`, `/content/`, `post_123`, or a page with `ArticleTitle`) also have
`ColumnName`, `ArticleTitle`, `PubDate` and `ContentSource`. Names are matched
case-insensitively (`<meta name="pubdate">` counts).

Why it matters: search engines, the national 政府网站 monitoring platform and the province's
collection system read these tags; a page without `PubDate` cannot be dated by machines.

Pass: every sampled article page has all the fields.
Fail: the home page has no `SiteIDCode`; 12 of 40 article pages lack `PubDate`, more than
`max_missing_ratio` (the first 10 named).
Warn: 1 of 40 article pages lacks `ContentSource`: one page's missing tag is no site-wide failure,
but the page is named.
Unknown: no article page was fetched (the crawl saw only list pages); the home page's fields
are not judged when the start page is an article (it is sampled with the articles instead).

References: 国办发〔2017〕47号 附件2 网页元数据.
"""
from __future__ import annotations

from zwgk.checks.model import Finding, Needs
from zwgk.page.scope import is_article

ID = "page_metadata"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "home_fields": {"type": "list[str]", "default": ["SiteName", "SiteDomain", "SiteIDCode"]},
    "article_fields": {"type": "list[str]",
                       "default": ["SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle",
                                   "PubDate", "ContentSource"]},
    # share of article pages missing a field above which the rule fails (at or below: warn)
    "max_missing_ratio": {"type": "float", "default": 0.2},
    "min_articles": {"type": "int", "default": 1},
}

def _missing(page, fields):
    return [f for f in fields if not page.meta.get(f)]


def check(site, params, ctx):
    home = site.home
    not_home = site.thin_crawl(home_only=True)     # the start page is an article, or frames
    miss = _missing(home, params["home_fields"])
    if not_home:
        yield Finding("unknown", f"未检查首页元数据：{not_home}", url=home.final_url)
    elif miss:
        yield Finding("fail", f"首页缺少网页元数据：{', '.join(miss)}", url=home.final_url,
                      evidence="已有: " + ", ".join(f"{k}={v}" for k, v in home.meta.items() if v)[:300])
    else:
        yield Finding("pass", "首页网页元数据齐全", url=home.final_url,
                      evidence=", ".join(f"{k}={home.meta[k]}" for k in params["home_fields"]))

    articles = [p for p in site.pages if (p is not home or not_home) and is_article(p)]
    if len(articles) < params["min_articles"]:
        yield Finding("unknown", f"未抓取到文章页（{len(articles)} 个），无法检查文章页元数据", url=home.final_url)
        return
    bad = [(p, _missing(p, params["article_fields"])) for p in articles]
    bad = [(p, m) for p, m in bad if m]
    ratio = len(bad) / len(articles)
    if not bad:
        yield Finding("pass", f"检查文章页 {len(articles)} 个，元数据齐全", url=home.final_url)
        return
    status = "fail" if ratio > params["max_missing_ratio"] else "warn"
    share = f"{len(bad)}/{len(articles)} 个文章页（{ratio:.0%}）"
    for p, m in bad[:10]:
        yield Finding(status, f"文章页缺少网页元数据：{', '.join(m)}（共 {share}缺少元数据）", url=p.final_url,
                      evidence=p.title[:100])
    if len(bad) > 10:
        yield Finding(status, f"另有 {len(bad) - 10} 个文章页缺少元数据（共检查 {len(articles)} 个）",
                      url=home.final_url)
