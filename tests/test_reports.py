"""The scorecard site rendered from a real results database with several audit runs: overview,
unit pages, rule pages, scoring page, XLSX/CSV/JSON — and the safety of what crawled pages put
into them (escaping, no javascript: links, no spreadsheet formulas, no network)."""
import json
import re
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import openpyxl
import pandas as pd
import pytest

from tests.reportkit import add_run, rr
from zwgk.checks.model import Finding
from zwgk.checks.rulebook import load_rulebook
from zwgk.cli import main
from zwgk.publish import cards_for_run
from zwgk.reports.html import unit_filename, write_check, write_site
from zwgk.reports.view import history_filename, rule_filename, safe_href
from zwgk.storage.database import Store
from zwgk.storage.history import build_history

BOOK = load_rulebook("jiangmen-2022")
BOOK_RULES = {r.id: r for r in BOOK.rules}
XH, PA, FGJ = "新会区人民政府", "江门市人民政府", "江门市发展和改革局"
EVIL_MSG = '<script>alert("x")</script>栏目缺失'
EVIL_URL = "javascript:alert(document.cookie)"
FORMULA = '=HYPERLINK("http://evil.example/","点我")'


def _units(day: int, shot: str, missing_shot: str) -> dict:
    """Day 1..3 of a small audit: 新会区 gets a new problem on day 3, fixes one, keeps one."""
    xh = [
        rr("homepage-column-stabilise-economy", "fail" if day == 3 else "pass",
           [Finding("fail" if day == 3 else "pass", EVIL_MSG if day == 3 else "找到“稳经济”专栏",
                    url="https://www.xinhui.gov.cn/", evidence=FORMULA if day == 3 else "稳经济")]),
        rr("broken-links", "fail", [Finding("fail", "链接打不开", url="https://www.xinhui.gov.cn/x.html",
                                            evidence="HTTP 404")]),
        rr("page-metadata", "fail" if day < 3 else "pass"),
        rr("accessibility-entry", "fail", [Finding("fail", "未找到无障碍入口", url="https://www.xinhui.gov.cn/",
                                                   evidence="查找: 无障碍", screenshot=shot),
                                           Finding("fail", "长者模式入口无效", url=EVIL_URL,
                                                   evidence="-1+1", screenshot=missing_shot)]),
        rr("site-identity", "unknown", [Finding("unknown", "首页未抓取到：连接超时", url="https://www.xinhui.gov.cn/")]),
    ]
    pa = [rr("homepage-column-stabilise-economy", "pass"), rr("broken-links", "pass"),
          rr("page-metadata", "pass"), rr("site-identity", "pass" if day != 2 else "fail")]
    fgj = [rr("broken-links", "warn"), rr("page-metadata", "pass"), rr("homepage-updated", "fail" if day == 3 else "pass")]
    return {XH: {"type": "county", "url": "https://www.xinhui.gov.cn/", "results": xh},
            PA: {"type": "city-portal", "url": "https://www.jiangmen.gov.cn/", "results": pa},
            FGJ: {"type": "department", "url": "http://fgj.jiangmen.gov.cn/", "results": fgj}}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    shot = root / "shots" / "home.png"
    shot.parent.mkdir()
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    store = Store(f"sqlite:///{root}/zwgk.db")
    ids = [add_run(store, f"2022-09-0{d}", _units(d, str(shot), str(root / "gone.png"))) for d in (1, 2, 3)]
    return root, store, ids


@pytest.fixture(scope="module")
def site(db):
    root, store, ids = db
    cards, reachable = cards_for_run(store, ids[-1])
    out = root / "site"
    write_site(out, cards, ids[-1], "jiangmen-2022", "2022-09-03", reachable=reachable, book=BOOK,
               history=build_history(store, ids[-1]))
    return out


def _doc(path: Path):
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def _text(doc) -> str:
    return re.sub(r"\s+", " ", doc.text_content())


def test_site_files(site):
    names = {p.name for p in site.iterdir()}
    assert {"index.html", "scoring.html", "scorecards.xlsx", "summary.csv", "problems.csv", "ledger.csv",
            "scorecards.json", unit_filename(XH), unit_filename(PA), unit_filename(FGJ),
            rule_filename("broken-links")} <= names
    # each unit has its history page, linked from its unit page and from the index's trend
    index_links = {a.get("href") for a in _doc(site / "index.html").iter("a")}
    for name in (XH, PA, FGJ):
        history = history_filename(unit_filename(name))
        assert history in names and history in index_links
        assert history in {a.get("href") for a in _doc(site / unit_filename(name)).iter("a")}
        text = _text(_doc(site / history))
        assert "2022-09-01" in text and "2022-09-03" in text and "检查日期" in text


def test_overview_lists_units_worst_first_with_changes(site):
    doc = _doc(site / "index.html")
    rows = doc.xpath('//table[@id="units"]/tbody/tr')
    names = [r.xpath("./th//a/text()")[0] for r in rows]
    assert set(names) == {XH, PA, FGJ}
    scores = [r.xpath("./td")[1].get("data-sort") for r in rows]
    numeric = [float(s) for s in scores if s]
    assert numeric == sorted(numeric)
    fgj = rows[names.index(FGJ)]
    score = fgj.xpath("./td")[1]
    assert score.text.strip() == "0.0"                                  # veto rule failed
    # ... and the index says which veto did it
    assert score.xpath("./span[@class='veto']")[0].text_content() == "单项否决：" + BOOK_RULES["homepage-updated"].title
    assert not rows[names.index(XH)].xpath("./td")[1].xpath("./span[@class='veto']")
    xh = rows[names.index(XH)]
    cells = [c.text_content().strip() for c in xh.xpath("./td")]
    # columns: type, score, trend, fail, warn, unknown, new, fixed, unstable, pages
    assert cells[3] == "3" and cells[5] == "1"
    assert cells[6] == "1" and cells[7] == "1"                        # new: 稳经济; fixed: metadata
    assert xh.get("data-type") == "county" and "16:fail" in xh.get("data-items").split()
    assert xh.xpath(".//svg[@role='img']/polyline")                   # trend sparkline
    text = _text(doc)
    assert "与上次完整巡检（批次 #2，2022-09-02）相比" in text
    assert doc.xpath("//a[@href='%s']" % rule_filename("broken-links"))


def test_unit_page_parts_items_dates_and_unknown_reasons(site):
    doc = _doc(site / unit_filename(XH))
    parts = [h.text_content().strip() for h in doc.xpath("//h2")]
    plan_parts = [p for p in parts if re.match("^[一二三四五]、", p)]
    assert len(plan_parts) >= 2
    assert plan_parts == sorted(plan_parts, key=lambda p: "一二三四五".index(p[0]))  # the plan's order
    assert parts[-1] == "其他依据"                                    # item null rules last
    sec = doc.get_element_by_id("r-homepage-column-stabilise-economy")
    text = _text(sec)
    assert BOOK.items[16]["text"][:20] in text and BOOK.items[16]["responsible"] in text
    assert "新发现" in text
    links = _text(doc.get_element_by_id("r-broken-links"))
    assert "首次发现 2022-09-01" in links and "持续存在" in links
    assert "https://www.xinhui.gov.cn/x.html" in [a.get("href") for a in doc.get_element_by_id("r-broken-links").iter("a")]
    assert "连接超时" in _text(doc.get_element_by_id("unknowns").getnext().getnext())
    other = doc.get_element_by_id("r-site-identity")
    assert other.xpath("preceding::h2[1]")[0].text_content() == "其他依据"
    assert "已整改" in _text(doc) and BOOK.rules[[r.id for r in BOOK.rules].index("page-metadata")].title in _text(doc)


def test_crawled_text_is_escaped_and_only_http_urls_are_links(site):
    raw = (site / unit_filename(XH)).read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in raw
    doc = lxml.html.fromstring(raw)
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert EVIL_URL in _text(doc) and "不设链接" in _text(doc)


def test_no_network_resources(site):
    for page in site.glob("*.html"):
        doc = _doc(page)
        for el in doc.xpath("//script[@src]|//link[@href]|//img[@src]|//iframe|//object|//embed"):
            pytest.fail(f"{page.name}: external resource {lxml.html.tostring(el)[:120]}")
        assert "@import" not in page.read_text(encoding="utf-8")
        evidence_urls = set()
        for a in doc.iter("a"):
            href = a.get("href") or ""
            if href.startswith(("http://", "https://")):
                evidence_urls.add(href)
                assert "url" in (a.get("class") or ""), (page.name, href)   # only evidence links
            else:
                assert not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I), (page.name, href)
                target = unquote(href.split("#", 1)[0])
                assert not target or (site / target).exists(), (page.name, href)


def test_screenshots_copied_or_reported_missing(site):
    doc = _doc(site / unit_filename(XH))
    shots = [a.get("href") for a in doc.iter("a") if a.text_content() == "查看截图"]
    assert shots and all((site / s).is_file() for s in shots)
    assert shots[0].startswith("evidence/")
    assert "截图文件已不存在" in _text(doc)


def test_rule_page_lists_passing_and_failing_units(site):
    doc = _doc(site / rule_filename("broken-links"))
    rows = doc.xpath("//tbody/tr")
    got = {r.xpath("./th//a/text()")[0]: r.xpath("./td")[0].text_content().strip() for r in rows}
    assert got == {XH: "不通过", FGJ: "警告", PA: "通过"}
    assert [r.xpath("./th//a/text()")[0] for r in rows][0] == XH       # problems first
    assert rows[0].xpath("./th//a/@href")[0] == unit_filename(XH) + "#r-broken-links"
    assert "不通过 1 个单位" in _text(doc)


def test_scoring_page_documents_weights_and_veto(site):
    text = _text(_doc(site / "scoring.html"))
    assert "重大（critical）3.0 分" in text and "一般（minor）1.0 分" in text
    assert "既不加分也不扣分" in text and "单项否决" in text
    assert "homepage-updated" in text and "时好时坏" in text


def test_xlsx_three_sheets_frozen_filtered_and_formula_safe(site):
    sheets = pd.read_excel(site / "scorecards.xlsx", sheet_name=None)
    assert list(sheets) == ["总表", "问题清单", "任务台账"]
    summary, problems, ledger = sheets["总表"], sheets["问题清单"], sheets["任务台账"]
    assert set(summary["单位"]) == {XH, PA, FGJ}
    assert summary.set_index("单位").loc[XH, "新发现"] == 1
    xh_new = problems[(problems["单位"] == XH) & (problems["规则"] == "homepage-column-stabilise-economy")]
    assert xh_new.iloc[0]["首次发现"] == "2022-09-03" and xh_new.iloc[0]["变化"] == "新发现"
    assert xh_new.iloc[0]["证据"].startswith("'=")                    # stored as text, not a formula
    assert problems[problems["规则"] == "broken-links"].iloc[0]["首次发现"] == "2022-09-01"
    assert set(range(1, 60)) <= {int(x) for x in ledger["条目"] if x != "—"}   # every plan item
    # rules from other sources (其他依据) say '—' for the item: never an empty cell read as NaN
    other = ledger[ledger["部分"] == "其他依据"]
    assert len(other) and set(other["条目"]) == {"—"} and not ledger["条目"].isna().any()
    assert set(problems[problems["依据"].str.startswith("国办")]["条目"]) == {"—"}
    item7 = ledger[ledger["条目"] == 7].iloc[0]
    assert item7["状态"] == "不可机器检查" and "内部监督" in item7["证据"]
    assert item7["责任单位（方案）"] == BOOK.items[7]["responsible"]
    row16 = ledger[(ledger["条目"] == 16) & (ledger["被检查单位"] == XH)].iloc[0]
    assert row16["状态"] == "不通过" and row16["检查日期"] == "2022-09-03"
    wb = openpyxl.load_workbook(site / "scorecards.xlsx")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        assert 8 <= ws.column_dimensions["A"].width <= 60


def test_csv_and_json_hold_the_same_tables(site):
    problems = pd.read_csv(site / "problems.csv", encoding="utf-8-sig")
    xlsx = pd.read_excel(site / "scorecards.xlsx", sheet_name="问题清单")
    assert len(problems) == len(xlsx) and list(problems.columns) == list(xlsx.columns)
    data = json.loads((site / "scorecards.json").read_text(encoding="utf-8"))
    assert data["schema"] == "zwgk.scorecards/1" and data["previous_run"]["as_of"] == "2022-09-02"
    ledger = pd.read_csv(site / "ledger.csv", encoding="utf-8-sig")
    assert len(data["tables"]["ledger"]) == len(ledger)
    assert ledger["条目"].dtype != float and not ledger["条目"].isna().any()
    assert set(ledger[ledger["部分"] == "其他依据"]["条目"]) == {"—"}
    xh = next(u for u in data["units"] if u["unit"]["name"] == XH)
    assert xh["schema"] == "zwgk.scorecard/1" and {"rule", "item", "source", "title", "status", "findings"} <= set(xh["results"][0])
    by_rule = {r["rule"]: r for r in xh["results"]}
    assert by_rule["homepage-column-stabilise-economy"]["change"] == "new"
    assert [t["as_of"] for t in xh["history"]["trend"]] == ["2022-09-01", "2022-09-02", "2022-09-03"]


def test_report_command_rebuilds_the_site(db, tmp_path, capsys):
    root, _store, ids = db
    out = tmp_path / "rebuilt"
    assert main(["report", "--db", f"sqlite:///{root}/zwgk.db", "--out", str(out)]) == 0
    doc = _doc(out / "index.html")
    assert "巡检批次 #%d" % ids[-1] in _text(doc)
    assert (out / "scorecards.xlsx").exists() and (out / unit_filename(XH)).exists()
    old = tmp_path / "old"
    assert main(["report", "--db", f"sqlite:///{root}/zwgk.db", "--out", str(old), "--run", str(ids[0])]) == 0
    text = _text(_doc(old / "index.html"))
    assert "2022-09-01" in text and "首次完整巡检" in text
    assert main(["report", "--db", f"sqlite:///{root}/zwgk.db", "--out", str(old), "--run", "999"]) == 2


def test_check_page_is_a_single_unit_page(db, tmp_path):
    root, store, ids = db
    cards, _ = cards_for_run(store, ids[-1])
    card = next(c for c in cards if c["unit"]["name"] == XH)
    path = write_check(tmp_path, card, book=BOOK, history=build_history(store, ids[-1], units=[XH]))
    doc = _doc(path)
    assert path.name == "index.html" and (tmp_path / "scoring.html").exists()
    assert not doc.xpath("//a[@href='index.html']")                    # no overview in check mode
    assert not [a for a in doc.iter("a") if (a.get("href") or "").startswith("rule-")]
    assert "新发现" in _text(doc)


def test_pages_without_rulebook_or_history(tmp_path):
    card = {"schema": "zwgk.scorecard/1", "unit": {"name": "某单位", "type": "county"}, "site": "javascript:x",
            "as_of": "2022-09-01", "rulebook": "gone", "pages": {"crawled": 0, "failed": 0}, "score": None,
            "counts": {"pass": 0, "fail": 0, "warn": 0, "unknown": 1, "not_applicable": 0},
            "results": [{"rule": "r1", "item": 3, "source": "x", "title": "t", "status": "unknown",
                         "severity": "major", "findings": [{"url": "", "message": "首页无法访问", "evidence": "",
                                                            "status": "unknown"}]}]}
    write_site(tmp_path, [card], 1, "gone", "2022-09-01")
    text = _text(_doc(tmp_path / unit_filename("某单位")))
    assert "首页无法访问" in text and "其他依据" in text
    assert not [a for a in _doc(tmp_path / unit_filename("某单位")).iter("a") if a.get("href") == "javascript:x"]
    assert len(pd.read_excel(tmp_path / "scorecards.xlsx", sheet_name="任务台账")) == 1


@pytest.mark.parametrize("url,ok", [("https://a.gov.cn/x?y=1", True), ("http://a.gov.cn", True),
                                    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False),
                                    ("data:text/html,x", False), ("//a.gov.cn/x", False), ("", False),
                                    ("https://a.gov.cn/\nx", False), (None, False), ("ftp://a.gov.cn/", False)])
def test_safe_href(url, ok):
    assert (safe_href(url) is not None) == ok


def test_many_findings_fold_and_print_opens_them(tmp_path):
    findings = [{"url": f"https://a.gov.cn/{i}.html", "message": f"坏链 {i}", "evidence": "HTTP 404", "status": "fail"}
                for i in range(15)] + [{"url": "https://a.gov.cn/", "message": "其余正常", "evidence": "", "status": "pass"}]
    card = {"schema": "zwgk.scorecard/1", "unit": {"name": "某单位", "type": "county"}, "site": "https://a.gov.cn/",
            "as_of": "2022-09-01", "rulebook": "jiangmen-2022", "pages": {"crawled": 9, "failed": 0}, "score": 50.0,
            "counts": {"pass": 0, "fail": 1, "warn": 0, "unknown": 0, "not_applicable": 0},
            "results": [{"rule": "broken-links", "item": 42, "source": "x", "title": "t", "status": "fail",
                         "severity": "major", "findings": findings}]}
    doc = _doc(write_check(tmp_path, card, book=BOOK))
    sec = doc.get_element_by_id("r-broken-links")
    assert len(sec.xpath("./ul[@class='findings']/li")) == 10
    assert "另有 6 条记录（其中通过 1 条）" in _text(sec.xpath(".//details/summary")[0])
    assert len(sec.xpath(".//details//li")) == 6
    assert "beforeprint" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_terminal_summary_says_which_veto_zeroed_the_score_and_groups_one_cause(db):
    from zwgk.reports.terminal import summary
    _root, store, ids = db
    cards, _ = cards_for_run(store, ids[-1])
    fgj = next(c for c in cards if c["unit"]["name"] == FGJ)
    text = summary(fgj, BOOK)
    assert f"得分 0.0（单项否决：{BOOK_RULES['homepage-updated'].title} 不通过，得分计为 0）" in text
    assert "得分 0.0（" not in summary(fgj)                 # without the rulebook, nothing is claimed
    xh = next(c for c in cards if c["unit"]["name"] == XH)
    assert "得分计为 0" not in summary(xh, BOOK)
    # two rules that say the very same thing are one block; a rule with its own cause stays alone
    same = [dict(r, status="unknown", findings=[{"status": "unknown", "message": "首页无法访问，无法检查：连接超时",
                                                 "url": "https://www.xinhui.gov.cn/", "evidence": ""}])
            for r in xh["results"][:2]]
    card = dict(xh, results=same + xh["results"][2:])
    text = summary(card, BOOK)
    assert "[无法判断] 2 条规则，原因相同：" in text and text.count("首页无法访问，无法检查：连接超时") == 1
    failing = next(r["rule"] for r in xh["results"][2:] if r["status"] == "fail")
    assert f"[不通过] {failing}（" in text
