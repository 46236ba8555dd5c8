"""The 任务台账 says how far a verdict goes, in all three formats (XLSX, CSV, the ledger page):
检查深度 per rule, 时限 (the plan's and the rule's), 暂未实现 apart from 不可机器检查, and the
source of a rule that cites no plan item in place of the item's task."""
import lxml.html
import pandas as pd
import pytest

from tests.reportkit import BOOK, add_run, rr
from zwgk.checks.rulebook import load_rulebook, resolve_rulebook_path
from zwgk.publish import cards_for_run
from zwgk.reports.html import write_site
from zwgk.storage.database import Store
from zwgk.storage.history import build_history

XH = "新会区人民政府"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger")
    store = Store(f"sqlite:///{root}/zwgk.db")
    results = [rr("homepage-column-stabilise-economy", "pass"), rr("column-public-consultation", "pass"),
               rr("public-consultation-notices", "fail"), rr("accessibility-entry", "fail"),
               rr("page-metadata", "pass"), rr("homepage-updated", "pass")]
    run = add_run(store, "2023-03-15", {XH: {"type": "county", "url": "https://www.xinhui.gov.cn/", "results": results}})
    cards, reachable = cards_for_run(store, run)
    out = root / "site"
    write_site(out, cards, run, "jiangmen-2022", "2023-03-15", reachable=reachable, book=BOOK,
               history=build_history(store, run))
    return out


def _html_ledger(site) -> pd.DataFrame:
    doc = lxml.html.fromstring((site / "ledger.html").read_text(encoding="utf-8"))
    table = doc.get_element_by_id("ledger")
    heads = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    rows = [[td.text_content().strip() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    return pd.DataFrame(rows, columns=heads).replace("—", None)


def _formats(site):
    return {"xlsx": pd.read_excel(site / "scorecards.xlsx", sheet_name="任务台账", dtype=str),
            "csv": pd.read_csv(site / "ledger.csv", encoding="utf-8-sig", dtype=str),
            "html": _html_ledger(site)}


def _row(ledger, item, unit=None):
    rows = ledger[ledger["条目"].astype(str).str.replace(r"\.0$", "", regex=True) == str(item)]
    if unit is not None:
        rows = rows[rows["被检查单位"] == unit]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_the_ledger_says_how_deep_and_by_when(site, fmt):
    ledger = _formats(site)[fmt]
    columns = list(ledger.columns)
    assert columns.index("检查深度") == columns.index("规则") + 1
    assert columns.index("时限") == columns.index("责任单位（方案）") + 1
    item28 = _row(ledger, 28, XH)                  # a column rule and the per-notice rule
    assert item28["检查深度"] == "存在性、内容核验" and item28["状态"] == "不通过"
    item16 = _row(ledger, 16, XH)                  # the 2022 topical column: its period is the rule's
    assert item16["检查深度"] == "存在性" and "适用期 2022-01-01 至 2022-12-31" in item16["时限"]
    item54 = _row(ledger, 54, XH)                  # the plan's deadline and the rule's due date
    assert "方案：2023年前完成" in item54["时限"] and "完成期限 2022-12-31" in item54["时限"]
    item58 = _row(ledger, 58)                      # no result for it in this audit: the book's rules say
    assert item58["检查深度"] == "时效" and "1月31日前" in item58["时限"]


def _book_without_the_map_rule(root):
    """The bundled rulebook as it was before item 44 had a rule: the item says 暂未实现 and why
    (every item of the bundled book now has a rule or a reason it has none)."""
    text = resolve_rulebook_path("jiangmen-2022").read_text(encoding="utf-8")
    start = text.index("  - id: map-images-review-number")
    text = text[:start] + text[text.index("  - id:", start + 10):]
    item = "\n  44:\n"
    at = text.index("\n", text.index("    responsible:", text.index(item))) + 1
    text = text[:at] + '    not_implemented: "印在地图图面上的审图号须识别图片文字，尚未实现"\n' + text[at:]
    path = root / "book.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rulebook(str(path))


@pytest.fixture(scope="module")
def site_before_the_map_rule(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger-44")
    store = Store(f"sqlite:///{root}/zwgk.db")
    run = add_run(store, "2023-03-15", {XH: {"type": "county", "url": "https://www.xinhui.gov.cn/",
                                             "results": [rr("page-metadata", "pass")]}})
    cards, reachable = cards_for_run(store, run)
    write_site(root / "site", cards, run, "jiangmen-2022", "2023-03-15", reachable=reachable,
               book=_book_without_the_map_rule(root), history=build_history(store, run))
    return root / "site"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_not_implemented_is_kept_apart_from_not_checkable(site_before_the_map_rule, fmt):
    ledger = _formats(site_before_the_map_rule)[fmt]
    assert _row(ledger, 7)["状态"] == "不可机器检查"
    item44 = _row(ledger, 44)
    assert item44["状态"] == "暂未实现" and "审图号" in item44["证据"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_item_44_has_its_rule_in_the_bundled_book(site, fmt):
    item44 = _row(_formats(site)[fmt], 44)            # no result in this audit: the book says
    assert item44["状态"] == "本次无适用单位" and item44["检查深度"] == "内容核验"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_a_rule_of_another_source_shows_its_source_as_the_task(site, fmt):
    ledger = _formats(site)[fmt]
    other = ledger[ledger["被检查单位"].eq(XH) & ledger["部分"].eq("其他依据")].iloc[0]
    assert "国办发〔2017〕47号" in other["工作任务"] and "国办秘函〔2019〕19号" in other["工作任务"]
    assert other["检查深度"] == "内容核验、时效"


def test_the_overview_links_the_ledger_page(site):
    doc = lxml.html.fromstring((site / "index.html").read_text(encoding="utf-8"))
    assert doc.xpath("//a[@href='ledger.html']")
