"""spam_links (暗链、挂马, item 35) beyond its fixtures: the hiding analysis of
checks/parsers/concealment.py on the cascades real templates use, the dictionary's own
soundness, and the check over several pages of one site."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.sitekit import site
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import ParamError, validate
from zwgk.checks.parsers.concealment import Concealment
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import Rule, load_rulebook
from zwgk.checks import spam_links
from zwgk.page.dom import parse_document

FIXTURES = Path(__file__).parent / "fixtures"


def _hiding(html: str, xpath: str):
    doc = parse_document(html)
    el = doc.xpath(xpath)[0]
    return Concealment(doc).hiding_of(el)


def _page(style: str, body: str) -> str:
    return f"<html><head><style>{style}</style></head><body>{body}</body></html>"


# -- the hiding analysis --------------------------------------------------------------------------
def test_a_later_more_specific_rule_shows_the_active_tab():
    html = _page(".tab-body{display:none} .tab-body.on{display:block}",
                 '<div class="tab-body on"><a id="a" href="/1.html">一</a></div>'
                 '<div class="tab-body"><a id="b" href="/2.html">二</a></div>')
    assert _hiding(html, "//a[@id='a']") is None
    hidden = _hiding(html, "//a[@id='b']")
    assert hidden.kind == "interactive" and "display:none" in hidden.how and ".tab-body" in hidden.how


def test_an_inline_style_and_important_win_the_cascade():
    html = _page("#x{display:block !important} .y{display:none}",
                 '<div id="x" class="y" style="display:none"><a id="a" href="/">一</a></div>'
                 '<div class="z" style="display:none"><a id="b" href="/">二</a></div>')
    assert _hiding(html, "//a[@id='a']") is None          # !important beats the inline style
    assert _hiding(html, "//a[@id='b']").how.endswith("（行内样式）")


def test_offscreen_and_zero_size_are_concealment_a_small_offset_is_not():
    html = _page(".ad{position:absolute;top:-999px}",
                 '<div class="ad"><a id="a" href="http://x.com/">a</a></div>'
                 '<div style="position:relative;left:-9999px"><a id="b" href="http://x.com/">b</a></div>'
                 '<div style="position:absolute;left:-20px"><a id="c" href="http://x.com/">c</a></div>'
                 '<div style="height:0;overflow:hidden"><a id="d" href="http://x.com/">d</a></div>'
                 '<div style="height:0"><a id="e" href="http://x.com/">e</a></div>')
    assert _hiding(html, "//a[@id='a']").kind == "concealed"
    assert _hiding(html, "//a[@id='b']") is None           # left on a relative box moves it, no more
    assert _hiding(html, "//a[@id='c']") is None
    assert _hiding(html, "//a[@id='d']").kind == "concealed"
    assert _hiding(html, "//a[@id='e']") is None           # no overflow:hidden: the text spills out


def test_font_size_zero_is_the_whitespace_trick_when_the_items_size_themselves():
    html = _page("ul.fl{font-size:0} ul.fl li{font-size:14px}",
                 '<ul class="fl"><li><a id="a" href="http://x.com/">a</a></li></ul>'
                 '<div style="font-size:0"><a href="http://b.com/">b</a></div>'
                 '<div style="font-size:0"><a href="http://c.com/"><img src="c.png"></a></div>'
                 '<div style="font-size:0"><a class="more" href="http://d.com/">d</a></div>')
    assert _hiding(html, "//a[@id='a']") is None
    assert _hiding(html, "//a[@href='http://b.com/']").kind == "concealed"
    assert _hiding(html, "//a[@href='http://c.com/']") is None     # an image shows at any font size
    assert _hiding(html, "//a[@href='http://d.com/']") is None     # a linked stylesheet may size .more


def test_text_the_colour_of_its_background():
    html = _page(".w{color:#FFF;background:#ffffff url(x.png)}",
                 '<p class="w"><a id="a" href="http://x.com/">a</a></p>'
                 '<p style="color:rgb(255,255,255);background-color:#00f"><a id="b" href="http://x.com/">b</a></p>')
    assert _hiding(html, "//a[@id='a']").kind == "concealed"
    assert _hiding(html, "//a[@id='b']") is None


def test_print_styles_hover_states_and_small_screens_are_not_the_page_as_loaded():
    html = _page("@media print{.p{display:none}} @media (max-width:600px){.m{display:none}}"
                 " li:hover .h{display:none} .s::before{display:none}",
                 '<div class="p"><a id="a" href="/">a</a></div><div class="m"><a id="b" href="/">b</a></div>'
                 '<ul><li><div class="h"><a id="c" href="/">c</a></div></li></ul><div class="s"><a id="d" href="/">d</a></div>')
    for a in "abcd":
        assert _hiding(html, f"//a[@id='{a}']") is None, a


def test_marquee_tricks():
    html = ('<marquee id="m1" height="1"><a id="a" href="http://x.com/">a</a></marquee>'
            '<marquee scrollamount="3000"><a id="b" href="http://x.com/">b</a></marquee>'
            '<marquee scrollamount="3" direction="up"><a id="c" href="/tzgg/1.html">通知</a></marquee>')
    assert _hiding(html, "//a[@id='a']").kind == "concealed"
    assert _hiding(html, "//a[@id='b']").kind == "concealed"
    assert _hiding(html, "//a[@id='c']") is None           # the scrolling 通知公告 box of old templates


def test_a_stylesheet_that_does_not_parse_hides_nothing():
    html = _page("}}} .x{display:none", '<div class="y"><a id="a" href="/">a</a></div>')
    assert _hiding(html, "//a[@id='a']") is None


# -- the dictionary -------------------------------------------------------------------------------
def test_the_bundled_dictionary_is_valid_and_its_strong_terms_are_in_no_real_government_text():
    spam_links.validate_params({"terms_file": "spam-terms"})
    terms = spam_links.Terms.load("spam-terms")
    assert len(terms.strong) > 50 and len(terms.weak) > 10
    texts = [p for p in (FIXTURES / "corpus").rglob("*") if p.is_file() and p.suffix in (".html", ".htm", ".txt")]
    texts += [p for p in (FIXTURES / "annual_reports").rglob("*") if p.is_file() and p.suffix in (".html", ".txt")]
    assert len(texts) >= 10
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert spam_links.Terms.find(terms.strong, text) is None, path.name


def test_no_strong_term_hides_inside_a_weak_decoy_phrase():
    """Sentences a government site writes (news of a crackdown, an anti-fraud notice) carry no
    strong term: they would make a wrong fail."""
    terms = spam_links.Terms.load("spam-terms")
    for sentence in ("公安局破获一起跨境网络赌博案，查获百家乐赌具、老虎机12台", "警惕刷单返利、网络贷款、冒充客服诈骗",
                     "不要出售、出租银行卡和手机卡", "当事人妻子到场", "60岁以上老年人和成人免费接种",
                     "扫黄打非：整治色情直播和黄色网站", "澳门特区博彩业监管", "一区、二区、三区选民登记",
                     "严厉打击“买球”“网赌”等违法犯罪", "国产精品牌建设", "日韩欧美等国家和地区"):
        assert spam_links.Terms.find(terms.strong, sentence) is None, sentence


def test_a_missing_dictionary_file_is_named_when_the_rulebook_loads():
    with pytest.raises(ParamError, match="no-such-terms"):
        spam_links.validate_params({"terms_file": "no-such-terms"})


def test_spaced_and_full_width_spam_words_match():
    terms = spam_links.Terms.load("spam-terms")
    assert spam_links.Terms.find(terms.strong, "ＢＥＴ３６５ 官网") == ("bet365", "赌博")
    assert spam_links.Terms.find(terms.strong, "澳 门 新 葡 京")[0] == "澳门新葡京"


def test_the_rule_is_in_the_rulebook_as_a_veto_for_every_unit_type():
    book = load_rulebook("jiangmen-2022")
    rule = next(r for r in book.rules if r.check == "spam_links")
    assert rule.item == 35 and rule.veto and rule.params["terms_file"] == "spam-terms"
    assert set(rule.applies_to) == {"city-portal", "county", "department"}


# -- the check over a site ------------------------------------------------------------------------
def _run(pages: dict, **params):
    module = CHECKS["spam_links"]
    rule = Rule(id="no-spam-links", item=35, source="s", title="t", applies_to=("county",),
                check="spam_links", params=validate(module.PARAMS, params))
    start = next(iter(pages))
    return run_rule(rule, site(pages), CheckContext(as_of=date(2023, 3, 1),
                                                    unit={"name": "x", "type": "county", "url": start}))


TEMPLATE = ('<html><head><title>新会区人民政府</title></head><body><div class="nav"><a href="/">首页</a>'
            '<a href="/zwgk/">政务公开</a></div>{body}<div class="footer">{footer}</div></body></html>')


def test_a_link_planted_in_the_template_is_one_finding_naming_how_many_pages_carry_it():
    planted = '<div style="display:none"><a href="http://www.amxpj-yl.com/">澳门新葡京</a></div>'
    pages = {f"http://www.xinhui.gov.cn/{p}": TEMPLATE.format(body=f"<p>{p}</p>", footer=planted)
             for p in ("", "a.html", "b.html")}
    result = _run(pages)
    assert result.status == "fail"
    fails = [f for f in result.findings if f.status == "fail"]
    assert len(fails) == 1 and "共 3 个页面" in fails[0].message
    assert fails[0].url == "http://www.xinhui.gov.cn/" and "display:none" in fails[0].message


def test_a_sub_domain_of_the_site_is_the_site_and_another_government_site_is_no_spam():
    hidden = ('<div style="display:none"><a href="http://zwgk.xinhui.gov.cn/x.html">网上赌博专项整治</a>'
              '<a href="http://www.gdga.gov.cn/jwzx/1.html">网上赌博专项整治</a></div>')
    result = _run({"http://www.xinhui.gov.cn/": TEMPLATE.format(body=hidden, footer="")})
    assert result.status == "pass", [(f.status, f.message) for f in result.findings]


def test_trusted_hosts_and_offscreen_distance_are_params():
    offscreen = '<div style="position:absolute;left:-600px"><a href="http://www.jmrb.com/">江门日报</a></div>'
    page = {"http://www.xinhui.gov.cn/": TEMPLATE.format(body=offscreen, footer="")}
    assert _run(page).status == "warn"
    assert _run(page, offscreen_px=1000).status == "pass"
    trusted = validate(CHECKS["spam_links"].PARAMS, {})["trusted_hosts"] + ["jmrb.com"]
    assert _run(page, trusted_hosts=trusted).status == "pass"
