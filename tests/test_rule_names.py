"""The names of required columns as real portals write them, per rule, and the decoys that share a
word with them (issue 15, class 8). Each row names the portal of /work/shared/corpus/realpages/
(MANIFEST.tsv) where the wording was seen; the links are put on an otherwise identical small
portal and the rule judged with its bundled params."""
from datetime import date

import pytest

from tests.sitekit import site
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.rulebook import load_rulebook

RULES = {r.id: r for r in load_rulebook().rules}
BASE = "http://portal.test/"
LIST = "".join(f'<li><a href="/col/202303/t2023031{i}_{i}.html">关于做好第{i}项重点工作的通知</a><span>2023-03-1{i}</span></li>'
               for i in range(1, 4))

# (rule, link text, link target, portal where the wording was seen)
SEEN = [
    ("column-rules-library", "国家金融监督管理总局规章", "/col/", "nfra"),
    ("column-rules-library", "现行有效规章", "/col/", "the issue's real portals"),
    ("column-normative-documents", "行政规范性文件", "/col/", "pingtan"),
    ("column-government-gazette", "政府公报", "/col/", "bjshy, gxzf"),
    ("column-government-gazette", "省政府公报", "/col/", "yn"),
    ("homepage-column-business-environment", "改革开放和营商环境", "/col/", "fgw.zj"),
    ("homepage-column-business-environment", "营商环境", "/col/", "gz"),
    ("column-public-consultation", "民意征集", "/col/", "pingtan, gzns"),
    ("column-public-consultation", "调查征集", "/col/", "gxzf, shizhong"),
    ("column-public-consultation", "政策性文件意见征集", "/col/", "bjft, bjshy"),
    ("key-areas-stable-employment", "就业创业", "/col/", "the issue's real portals"),
    ("key-areas-healthy-guangdong", "卫生健康", "/col/", "the issue's real portals"),
    ("column-grassroots-standard-catalogue", "政务公开标准化规范化", "/col/", "the issue's real portals"),
]
# (rule, link text, link target, portal) that must NOT count as the column
DECOYS = [
    ("column-government-gazette", "统计公报", "/sj/tjgb/", "shanxi"),
    ("homepage-column-business-environment", "营商环境", "/sxsearch/search.html?searchWord=营商环境", "shaanxi (热门搜索)"),
    ("key-areas-healthy-guangdong", "医疗卫生",
     "http://www.gdzwfw.gov.cn/portal/personal/theme?region=440115&theme=yl", "gzns (办事主题)"),
    ("key-areas-healthy-guangdong", "国家卫生健康委员会", "http://www.nhc.gov.cn/", "9 portals (friend links)"),
    ("key-areas-healthy-guangdong", "市卫生健康局", "/wjj/", "friend links"),
    ("column-rules-library", "规章制度", "/gzzd/", "an internal 规章制度 column"),
]


def portal(text, href, rule):
    nav = f'<li><a href="{href}">{text}</a></li>'
    home = (f'<html><head><meta charset="utf-8"><title>门户网站首页</title></head><body><div class="nav"><ul>'
            f'<li><a href="/">首页</a></li>{nav}</ul></div><div class="main">{"<p>欢迎访问</p>" * 20}</div></body></html>')
    pages = {BASE: home}
    if href.startswith("/"):
        target = BASE + href.lstrip("/")
        pages[target] = (f'<html><head><title>{text}</title></head><body><ul class="list">{LIST}</ul></body></html>'
                         if href == "/col/" else f"<html><head><title>{text}</title></head><body><p>{text}</p></body></html>")
    return site(pages)


def judge(rule_id, s):
    rule = RULES[rule_id]
    unit_type = next(a for a in rule.applies_to if a in ("city-portal", "county", "department"))
    as_of = rule.period_until or date(2023, 3, 15)
    return run_rule(rule, s, CheckContext(as_of=as_of, unit={"name": "测试单位", "type": unit_type, "url": BASE}))


@pytest.mark.parametrize("rule_id,text,href,where", SEEN, ids=[f"{r}:{t}" for r, t, _, _ in SEEN])
def test_real_wordings_count_as_the_column(rule_id, text, href, where):
    result = judge(rule_id, portal(text, href, rule_id))
    assert result.status == "pass", (where, [(f.status, f.message) for f in result.findings])


@pytest.mark.parametrize("rule_id,text,href,where", DECOYS, ids=[f"{r}:{t}" for r, t, _, _ in DECOYS])
def test_decoys_that_share_a_word_do_not(rule_id, text, href, where):
    result = judge(rule_id, portal(text, href, rule_id))
    assert result.status != "pass", (where, [(f.status, f.message) for f in result.findings])
