"""personal_data_exposed (issue 17, item 41): what is a personal number and what is not, masking,
attachments read by the spider, and the reports' last masking pass. The fixtures under
tests/fixtures/checks/personal_data_exposed/ hold the small sites with their decoys."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import yaml

from tests.annual_report_kit import pdf_bytes
from tests.sitekit import snapshot
from tests.spiderkit import file_response, make_spider, parse
from tests.test_check_fixtures import ROOT, build_site
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import validate
from zwgk.checks.parsers import personal_data as pd
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import Rule, load_rulebook
from zwgk.checks.site import Site
from zwgk.reports.scorecard import scorecard
from zwgk.reports.terminal import summary

AS_OF = date(2023, 3, 15)
MODULE = CHECKS["personal_data_exposed"]
PARAMS = validate(MODULE.PARAMS, {})
RULES = MODULE._rules(PARAMS, AS_OF)

ID_VALID = "440705196209070026"
ID_BAD_CHECK = "440705196209070027"
CREDIT_AND_ID = "114401198411259265"     # a valid 统一社会信用代码 whose digits also make a valid ID
CARD = "6217001234567890122"             # Luhn right, 银联 62
CARD_BAD_LUHN = "6217001234567890123"
CORPORATE = "4405016601234567893"        # Luhn right, no card BIN


def kinds(text: str) -> list[str]:
    return [h.kind for h in pd.numbers_in(pd.normalise(text), RULES)]


# ---- the numbers themselves ------------------------------------------------------------------------
def test_gb11643_check_character():
    assert pd.valid_id("11010519491231002X")          # the standard's own example
    assert pd.valid_id("11010519491231002x")
    assert pd.valid_id(ID_VALID, AS_OF)
    # any one digit changed breaks the check character (weights 1–10, 11 prime)
    for i in range(17):
        for d in "0123456789":
            if d != ID_VALID[i]:
                assert not pd.valid_id(ID_VALID[:i] + d + ID_VALID[i + 1:]), (i, d)


@pytest.mark.parametrize("first17, why", [
    ("44070519850230001", "no February 30"),
    ("44070520240101001", "born after the audit date"),
    ("44070518891231001", "born before 1900"),
    ("99070519850312001", "no province 99"),
    ("00070519850312001", "no province 00"),
])
def test_id_numbers_need_a_real_date_and_area(first17, why):
    number = first17 + pd.check_char(first17)
    assert not pd.valid_id(number, AS_OF), why


def test_credit_code_and_luhn():
    assert pd.valid_credit_code("91350100M000100Y43")
    assert not pd.valid_credit_code("91350100M000100Y44")
    assert pd.valid_credit_code(CREDIT_AND_ID) and pd.valid_id(CREDIT_AND_ID, AS_OF)
    assert pd.luhn("4111111111111111") and pd.luhn(CARD) and pd.luhn(CORPORATE)
    assert not pd.luhn(CARD_BAD_LUHN)


@pytest.mark.parametrize("text, expected", [
    (f"身份证号：{ID_VALID}", ["id"]),
    (f"户主陈国华 {ID_VALID} 双水镇", ["id"]),                          # no label needed
    ("身份证号：４４０７０５１９６２０９０７００２６", ["id"]),          # full-width digits
    (f"身份证号：{ID_BAD_CHECK}", []),
    (f"身份证号：{ID_VALID[:6]}********{ID_VALID[-4:]}", []),           # masked
    (f"统一社会信用代码：{CREDIT_AND_ID}", []),
    (f"发布单位（{CREDIT_AND_ID}）", []),                              # as good a credit code: not an ID
    (f"公民身份号码：{CREDIT_AND_ID}", ["id"]),                         # ... unless labelled as an ID
    (f"网上缴费订单号：{ID_VALID}", []),
    (f"业务流水号 {ID_VALID}", []),
    (f"索引号：11440700MB2C1234XX/2023-00012", []),
    ("索引号 11370322004222241/2024-00307", []),
    (f"项目代码：2020-{ID_VALID[:6]}-48-01-012345", []),
    (f"原文：http://www.xinhui.gov.cn/attachment/0/{ID_VALID}.pdf", []),
    (f"编号{ID_VALID}1，共19位", []),
    (f"银行卡号：{CARD}", ["card"]),
    (f"受助人王* {CARD}", ["card"]),                                   # BIN 62 without a label
    ("银行卡号：6217 0012 3456 7890 122", ["card"]),                   # written in groups
    (f"银行卡号：{CARD_BAD_LUHN}", []),
    (f"银行卡号：{CARD[:4]} **** **** {CARD[-4:]}", []),
    (f"收款 {CORPORATE}", []),                                        # no BIN, no label
    (f"开户账号：{CORPORATE}", ["card"]),
    (f"户名：江门市新会区双水镇财政所，账号：{CORPORATE}", []),           # a body's account
    (f"户名：梁国强，账号：{CORPORATE}", ["card"]),                      # a person's
    (f"订单号：{CARD}", []),
    ("监督电话：0750-6123456，0750-12345，12345", []),
    (f"身份证号：{ID_VALID}；银行卡号：{CARD}", ["id", "card"]),
])
def test_what_is_and_is_not_a_personal_number(text, expected):
    assert kinds(text) == expected


def test_hits_show_only_masked_numbers():
    text = pd.normalise(f"户主陈国华，身份证号{ID_VALID}，档案号{ID_BAD_CHECK}，银行卡号 {CARD}，手机13912345678。")
    hits = pd.numbers_in(text, RULES)
    assert [h.masked for h in hits] == ["440*************26", "6217***********0122"]
    for h in hits:
        shown = h.masked + h.context
        for raw in (ID_VALID, ID_BAD_CHECK, CARD, "13912345678"):
            assert raw not in shown, (raw, shown)
    assert "139****5678" in hits[0].context + hits[1].context


def test_context_never_cuts_a_number_open():
    """A context window ending inside another long number drops that piece: a cut number would
    not be recognised, and so not masked."""
    text = pd.normalise("甲" * 3 + f"身份证号{ID_VALID}" + "乙" * 12 + "4407051985031200119")
    [hit] = pd.numbers_in(text, RULES)
    assert not re.search(r"\d", hit.context.replace(hit.masked, "")), hit.context


def test_mobile_numbers_only_beside_names_in_a_person_table():
    rows = [["序号", "户主姓名", "联系电话"], ["1", "梁国强", "13912345678"], ["2", "陈*", "13812345678"],
            ["3", "黄某", "150 1234 5678"], ["4", "江门市新会区财政局", "13712345678"]]
    tables = pd.tables_in_rows(rows, RULES)
    assert [h.masked for h in pd.mobiles_beside_names(tables, RULES)] == ["139****5678"]
    contacts = [["社区", "责任人", "手机"], ["玥湖社区", "李志坚", "18612345678"]]
    assert pd.mobiles_beside_names(pd.tables_in_rows(contacts, RULES), RULES) == []
    contacts = [["单位", "联系人姓名", "手机"], ["区应急局", "李志坚", "18612345678"]]
    assert pd.mobiles_beside_names(pd.tables_in_rows(contacts, RULES), RULES) == []


def test_mask_text_masks_what_any_check_might_show():
    text = f"身份证{ID_VALID}，卡号 {CARD}，手机13912345678，电话0750-6388888，索引号11370322004222241/2024-00307"
    masked = pd.mask_text(text)
    assert masked == ("身份证440*************26，卡号 6217***********0122，手机139****5678，电话0750-6388888，"
                      "索引号11370322004222241/2024-00307")


# ---- the check over a Site -------------------------------------------------------------------------
def run(site, params=None):
    rule = Rule(id="personal-data-exposed", item=41, source="x", title="x", applies_to=("county",),
                check=MODULE.ID, params=validate(MODULE.PARAMS, params or {}))
    return run_rule(rule, site, CheckContext(as_of=AS_OF, unit={"name": "x", "type": "county", "url": ""}))


HOME = ('<html><head><title>江门市新会区人民政府网站</title></head><body><a href="/gs.html">公示</a>'
        '<a href="/zwgk/">政务公开</a></body></html>')


def docx_bytes(rows) -> bytes:
    import docx        # python-docx: a real Word file with a real table
    d = docx.Document()
    d.add_paragraph("双水镇低保对象名单")
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, row in zip(rows, table.rows):
        for text, cell in zip(cells, row.cells):
            cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def attachment_site(body: bytes, url: str, ctype: str) -> Site:
    """A home page linking to a 公示 that links to the attachment, the attachment read by the
    spider from its bytes (crawler/attachments.py, as in a crawl)."""
    base = "http://x.gov.cn/"
    spider = make_spider(base)
    [att], _ = parse(spider, file_response(body, url, headers={"Content-Type": ctype}, depth=2))
    att = type(att).from_dict({**att.to_dict(), "referer": base + "gs.html"})
    gs = snapshot(base + "gs.html", f'<html><head><title>公示</title></head><body><a href="{url}">名单</a></body></html>',
                  depth=1)
    return Site(base, [snapshot(base, HOME), gs, att])


def test_a_docx_attachment_is_read():
    rows = [["序号", "姓名", "身份证号", "手机号码"], ["1", "梁国强", ID_VALID, "13912345678"],
            ["2", "陈*", "440705********0043", "138****5678"]]
    url = "http://x.gov.cn/zwgk/202303/P020230310_1.docx"
    site = attachment_site(docx_bytes(rows), url,
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    result = run(site)
    assert result.status == "fail"
    [f] = [f for f in result.findings if f.status == "fail"]
    assert f.url == url and "附件公开了未脱敏的个人信息（身份证号 1 个、手机号 1 个）" in f.message
    assert "http://x.gov.cn/gs.html" in f.message          # where the attachment is linked
    assert ID_VALID not in f.evidence and "13912345678" not in f.evidence


def test_a_pdf_attachment_is_read():
    url = "http://x.gov.cn/zwgk/202303/P020230310_2.pdf"
    site = attachment_site(pdf_bytes(["临时救助资金发放情况", f"受助人王*  银行卡号：{CARD}"]), url, "application/pdf")
    assert site.get(url).doc_text
    result = run(site)
    assert result.status == "fail"
    assert [f.url for f in result.findings if f.status == "fail"] == [url]


def test_a_masked_attachment_passes_and_says_what_was_read():
    rows = [["序号", "姓名", "身份证号", "手机号码"], ["1", "梁*", "440705********0026", "139****5678"]]
    site = attachment_site(docx_bytes(rows), "http://x.gov.cn/a.docx",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    result = run(site)
    assert result.status == "pass" and "附件 1 个" in result.findings[0].message


def test_no_fixture_finding_shows_a_raw_number():
    """Over every fixture case of the check: the numbers its pages hold unmasked (valid IDs, Luhn
    cards, mobiles) never appear in a finding."""
    number = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dX]|\d{16,19}|1[3-9]\d{9})(?![0-9A-Za-z])")
    checked = 0
    for case in sorted((ROOT / "personal_data_exposed").iterdir()):
        expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
        site = build_site(case, expect)
        raws = {m.group(1) for s in site.snapshots for m in number.finditer(s.html)}
        raws = {r for r in raws if pd.valid_id(r) or pd.luhn(r) or len(r) == 11}
        result = run(site, expect.get("params"))
        shown = " ".join(f.message + " " + f.evidence for f in result.findings)
        leaked = [r for r in raws if r in shown]
        assert not leaked, (case.name, leaked)
        checked += bool(raws)
    assert checked >= 4


def test_the_reports_mask_evidence_of_any_check():
    """The scorecard every output is made from masks a number another check's evidence carries."""
    results = [{"rule": "page-metadata", "item": None, "source": "x", "title": "x", "status": "warn",
                "severity": "minor", "findings": [{"url": "http://x/", "status": "warn",
                                                    "message": f"联系人手机 13912345678",
                                                    "evidence": f"正文：身份证号{ID_VALID}，卡号{CARD}"}]}]
    card = scorecard({"name": "x", "type": "county"}, "http://x/", "2023-03-15", "jiangmen-2022", 1, 0, 50.0,
                     results)
    f = card["results"][0]["findings"][0]
    assert f["message"] == "联系人手机 139****5678"
    assert f["evidence"] == "正文：身份证号440*************26，卡号6217***********0122"
    assert "13912345678" not in summary(card)


def test_the_rule_is_in_the_rulebook_for_every_unit_type():
    book = load_rulebook()
    [rule] = [r for r in book.rules if r.id == "personal-data-exposed"]
    assert rule.item == 41 and rule.severity == "critical" and not rule.veto
    assert set(rule.applies_to) == {"city-portal", "county", "department"}
