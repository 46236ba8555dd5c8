"""The six parts of the 2021 年报 template, matched by meaning on real reports (issue 15, class 3).

Real material only: the corpus's nine 年报 texts (listed in tests/fixtures/corpus/annual_reports, with the
parts each holds written down before the matcher ran: expected.yaml), and 平潭综合实验区's full
2024 report (www.pingtan.gov.cn) with one of its headings reworded, renumbered or cut out in the
wordings other real reports use (61.150.65.235's 存在问题及改进情况, shanghai.gov.cn's
因政府信息公开工作被申请行政复议和提起行政诉讼情况).
"""
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tests.sitekit import fixture
from tests.sitekit import site as make_site
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import ParamError
from zwgk.checks.parsers import annual_report as ar
from zwgk.checks.rulebook import load_rulebook

CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "annual_reports"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))["reports"]
PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
PINGTAN_UNIT = {"name": "平潭综合实验区", "type": "county", "url": "https://www.pingtan.gov.cn/"}
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


@lru_cache(maxsize=None)
def rule():
    return next(r for r in load_rulebook().rules if r.id == "annual-report-content")


def spec():
    return ar.ReportSpec.from_params(rule().params)


def parts_of(text):
    return {p.numeral: p for p in ar.find_parts(ar._nfkc(text), spec())}


# -- the corpus's nine real reports ---------------------------------------------------------------
def _text(entry):
    path = (CORPUS / entry["file"]).resolve()
    if path.suffix == ".html":      # the HTML report is read as the parser reads a page: by blocks
        s = make_site({entry["url"]: path.read_text(encoding="utf-8")})
        return ar.parse_content(s, ar.Report(url=entry["url"], title="", year=2024, page=s.get(entry["url"])),
                                spec()).text
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["portal"].split(" ")[-1].strip("()") for e in EXPECTED])
def test_parts_found_are_the_parts_present(entry):
    parts = parts_of(_text(entry))
    found = {n: p.heading for n, p in parts.items() if p.found}
    assert sorted(found) == sorted(entry["parts"]), (entry["portal"], found)
    for numeral, heading in entry["parts"].items():       # taken from the right line, no warn
        assert ar._key(heading) in ar._key(found[numeral]) and not parts[numeral].variant, found
    for decoy in entry["decoys"]:
        assert not any(ar._key(decoy) in ar._key(h) for h in found.values()), (decoy, found)


# -- 平潭's full report, reworded the way other real reports word their parts ----------------------
def pingtan(**edits):
    """The real report with headings replaced (index -> new heading, "" cuts the heading line)
    or whole parts cut out (cut=index: from the part's heading to the next part's)."""
    html = fixture("annual_reports", "pingtan_2024_97791.html")
    cut = edits.pop("cut", None)
    if cut is not None:
        start = html.rindex("<p", 0, html.index(f">{HEADINGS[cut]}"))
        end = html.rindex("<p", 0, html.index(f">{HEADINGS[cut + 1]}"))
        html = html[:start] + html[end:]
    for index, new in edits.items():
        old = HEADINGS[int(index.lstrip("h"))]
        assert html.count(f">{old}") == 1
        html = html.replace(f">{old}", f">{new}")
    return html


def content_and_verdict(html):
    s = make_site({"https://www.pingtan.gov.cn/": '<a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a>',
                   PINGTAN: html}, unit=PINGTAN_UNIT)
    search = ar.find_reports(s, spec(), PINGTAN_UNIT)
    content = ar.parse_content(s, search.for_year(2024)[0][0], spec())
    result = run_rule(rule(), s, CheckContext(as_of=date(2025, 4, 1), unit=PINGTAN_UNIT))
    return content, result


def test_the_real_report_passes_with_every_heading_named():
    content, result = content_and_verdict(pingtan())
    assert result.status == "pass", result.findings
    assert [p.how for p in content.parts] == ["template"] * 6
    evidence = result.findings[0].evidence
    assert "一←“一、总体情况”（格式原文）" in evidence and "六←“六、其他需要报告的事项”（格式原文）" in evidence


@pytest.mark.parametrize("edits", [
    {"h4": "五、存在问题及改进情况"},                                        # 61.150.65.235's wording
    {"h3": "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"},          # shanghai.gov.cn's wording
    {"h5": "六、以及其他需要报告的事项"},                                    # chuanshan/xyq's 以及
    {"h4": "五、存在问题和改进措施", "h3": "四、政府信息公开行政复议和行政诉讼情况"},
    {"h4": "五、存在的主要问题和下一步工作打算"},
    {"h0": "一．总体情况", "h1": "二 主动公开政府信息情况"},                  # full-width dot, a space
], ids=["61.150", "shanghai", "yiji", "cuoshi-he", "xiayibu", "numbering"])
def test_ordinary_variants_of_the_template_words_pass(edits):
    content, result = content_and_verdict(pingtan(**edits))
    assert content.headings_missing == [] and not any(p.variant for p in content.parts), content.parts
    assert result.status == "pass", result.findings
    for new in edits.values():      # the finding says which heading was taken (as NFKC text)
        assert f"←“{ar._nfkc(new)}”" in result.findings[0].evidence


@pytest.mark.parametrize("style", ["第{n}部分 ", "第{n}部分：", "（{n}）", "{a}."])
def test_the_parts_numbered_another_way_are_all_found(style):
    # pingtan's sub-headings are （一）主动公开方面 …: with the parts also numbered （一）…（六）,
    # the sub-headings must still not be taken for parts
    edits = {f"h{i}": style.format(n="一二三四五六"[i], a=i + 1) + h.split("、", 1)[1] for i, h in enumerate(HEADINGS)}
    content, result = content_and_verdict(pingtan(**edits))
    assert [p.heading for p in content.parts] == [ar._nfkc(h) for h in edits.values()]
    assert result.status == "pass", result.findings


def test_a_reworded_heading_run_into_its_paragraph_is_found():
    # <p><span>五、存在问题及改进情况</span>2024年，实验区…</p>: heading and text on one line
    html = pingtan().replace('五、存在的主要问题及改进情况</span></p><p style="text-indent: 2em;">2024年',
                             '五、存在问题及改进情况</span>2024年')
    content, result = content_and_verdict(html)
    parts = {p.numeral: p for p in content.parts}
    assert (parts["五"].how, parts["五"].heading) == ("terms", "五、存在问题及改进情况")
    assert result.status == "pass", result.findings


def test_a_heading_that_only_resembles_the_part_is_a_warn_naming_it():
    content, result = content_and_verdict(pingtan(h4="五、下一步工作打算"))
    assert content.headings_missing == []
    assert result.status == "warn", result.findings
    msg = result.findings[0].message
    assert "第五部分取标题“五、下一步工作打算”" in msg and "五、存在的主要问题及改进情况" in msg


@pytest.mark.parametrize("cut, label", [(4, "五、存在的主要问题及改进情况"), (3, "四、政府信息公开行政复议、行政诉讼情况"),
                                        (1, "二、主动公开政府信息情况")])
def test_a_report_with_one_part_cut_out_still_fails(cut, label):
    # the intro sentence (本报告共分6个部分：…存在的主要问题及改进情况…) still names the part
    content, result = content_and_verdict(pingtan(cut=cut))
    assert content.headings_missing == [label]
    assert result.status == "fail"
    [f] = [f for f in result.findings if f.status == "fail"]
    assert f"缺少格式标题：{label}" in f.message and f.url == PINGTAN
    assert f"{label[0]}←（未找到）" in f.evidence


def test_the_applications_heading_cut_is_not_rescued_by_the_table_rows():
    # 一、本年新收政府信息公开申请数量 / 二、上年结转… / 三、本年度办理结果 stay in the table
    content, result = content_and_verdict(pingtan(h2=""))
    assert content.headings_missing == ["三、收到和处理政府信息公开申请情况"]
    assert result.status == "fail"


def test_parts_numbered_one_short_fail_the_missing_part_and_warn_the_renumbered():
    html = pingtan(cut=3)       # no 四; then 五 and 六 numbered 四 and 五, as a five-part report would
    html = html.replace(">五、存在的主要问题及改进情况", ">四、存在的主要问题及改进情况").replace(
        ">六、其他需要报告的事项", ">五、其他需要报告的事项")
    content, result = content_and_verdict(html)
    parts = {p.numeral: p for p in content.parts}
    assert content.headings_missing == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert (parts["五"].how, parts["五"].heading) == ("misnumbered", "四、存在的主要问题及改进情况")
    assert (parts["六"].how, parts["六"].heading) == ("misnumbered", "五、其他需要报告的事项")
    assert result.status == "fail"
    details = result.findings[0].evidence
    assert "第五部分取标题“四、存在的主要问题及改进情况”：编号不符" in details


# -- params ---------------------------------------------------------------------------------------
def test_heading_terms_are_validated():
    base = {**rule().params}
    for bad in ({"七": {"terms": [["x"]]}}, {"五": {"terms": ["问题"]}}, {"五": {"words": ["问题"]}},
                {"五": {"hints": "问题"}}):
        with pytest.raises(ParamError):
            ar.validate_params({**base, "heading_terms": bad})


def test_without_heading_terms_only_the_template_words_count():
    sp = ar.ReportSpec.from_params({**rule().params, "heading_terms": {}})
    parts = {p.numeral: p.how for p in ar.find_parts("一、总体情况\n五、存在问题和改进措施\n", sp)}
    assert parts["一"] == "template" and parts["五"] == "missing"


# -- the issuer of a title whose year comes last (survey F4) --------------------------------------
@pytest.mark.parametrize("title, names, own", [
    ("洪山区人民政府信息公开工作年度报告(2023年度)", ["洪山区人民政府", "武汉市洪山区人民政府"], True),  # hongshan.gov.cn
    ("区统计局2023年政府信息公开工作年度报告", ["洪山区人民政府"], False),                            # 61.150.65.235
    ("2022年上海市政府信息公开工作年度报告", ["上海市人民政府"], True),                                # shanghai.gov.cn
    ("2022年上海市政府信息公开工作年度报告", ["浦东新区人民政府"], False),
])
def test_title_issuer_wherever_the_year_stands(title, names, own):
    m = ar.match_title(title, spec())
    assert m.year == int(re.search(r"20\d\d", title).group()) and ar.is_own(m.issuer, names, ["湖北省", "武汉市"]) is own


def test_a_part_heading_without_its_number_is_a_warn():
    content, result = content_and_verdict(pingtan(h2="收到和处理政府信息公开申请情况"))
    parts = {p.numeral: p for p in content.parts}
    assert parts["三"].how == "misnumbered" and "未编号" in parts["三"].note
    assert result.status == "warn", result.findings
