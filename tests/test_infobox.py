"""The info box on real pages (tests/fixtures/corpus/shared/, the portal named in each test): labels
without colons, empty values, several pairs on one line, the 公文时效/生效时间/废止时间 synonyms,
and hidden lapse stamps (REPORT.md §3, B1–B5)."""
from datetime import date

from tests.corpuskit import corpus_page
from tests.sitekit import site
from zwgk.checks.lapsed_documents_marked import PARAMS, page_marking
from zwgk.checks.params import validate
from zwgk.checks.parsers.infobox import info_box, parse_labelled


def box(host):
    s, p = corpus_page(host)
    return info_box(s, p)


def test_labels_without_colon_take_the_next_line_or_cell():
    b = box("gaoqing.gov.cn")                   # 淄博市高青县: 有效性 / 有效 on lines of their own
    assert b.found and b.validity == "有效"
    assert b.get("written") == "2021-03-26" and b.get("issued") == "2021-03-26"
    assert b.get("doc_no") == "高政发〔2021〕1号"
    b = box("ct.zj.gov.cn")                     # 浙江省文化和旅游厅: <td>成文日期</td><td>2020-12-29</td>
    assert b.get("written") == "2020-12-29" and b.get("issuer") == "省文化和旅游厅"
    # 文　　号 and 主题词 have empty cells: they stay empty, never take the title below the table
    assert {"doc_no", "topic"} <= b.empty and "doc_no" not in b.fields and "topic" not in b.fields


def test_a_header_row_over_one_row_of_values():
    b = box("wsjkw.sh.gov.cn")                  # 上海市卫健委: 索取号 | 发布时间 | 发布机构 … over the values
    assert b.get("index_no") == "076478684Q/2024-00112" and b.get("issuer") == "上海市卫生健康委员会"
    assert "published" in b.empty and b.published is None


def test_an_empty_value_never_takes_the_next_label():
    b = box("zb.gov.cn")                        # 镇巴县: • 有效性: then • 发布日期:
    assert "validity" in b.empty and b.validity == "" and b.labels["validity"] == "有效性"
    assert b.published == date(2024, 4, 6) and b.get("published") == "2024年04月06日 16:34"
    b = box("nfra/merged_cells")                # nfra 浙江监管局: an empty label before 办文部门：
    assert not b.get("topic").endswith("：")


def test_several_pairs_in_one_line_and_the_validity_synonyms():
    b = box("zwgkw.thx.gov.cn")                 # 太湖县: 发文日期: 2019-01-23 生效时间: 2019-01-23 / 废止时间: …
    assert (b.get("issued"), b.get("effective"), b.get("expiry")) == ("2019-01-23", "2019-01-23", "2020-01-23")
    assert b.get("index_no") == "003129766/201901-00336"           # the unknown 组配分类: is cut off
    assert b.get("title").startswith("太湖县人民政府关于印发")
    b = box("tongchuan.gov.cn")                 # 铜川市: 公文时效: | 有效 |
    assert b.validity == "有效" and b.get("issued") == "2020年09月28日"
    assert b.get("published") == "2020-09-30 15:34"                # a clock time is not a label


def test_plain_strings_still_parse():
    b = parse_labelled(["索引号：001", "有效性：", "发布日期：2023-01-01"])
    assert b.found and b.empty == {"validity"} and b.published == date(2023, 1, 1)


def test_a_hidden_lapse_stamp_is_no_mark():
    # 佛山市: the template keeps <img style="display:none" alt="文件已废止"> on every article
    s, p = corpus_page("foshan.gov.cn")
    state, evidence = page_marking(s, p, validate(PARAMS, {}))
    assert state != "marked" and "文件已废止" not in evidence
    # the same stamp shown is a mark
    html = s.home.html.replace('style="display:none;', 'style="')
    s = site({p.final_url: html})
    assert page_marking(s, s.home, validate(PARAMS, {}))[0] == "marked"
