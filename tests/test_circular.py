"""The Word 通报 draft and the 整改通知单 (reports/circular.py), written by `zwgk report --docx`
from a real results database with two audits, read back with python-docx and checked against
the database: the table of units by score, the problems by plan item with their units, what
improved since the previous audit, every evidence URL and the reply deadline."""
import re
from collections import defaultdict

import docx
import lxml.html
import pytest

from tests.reportkit import add_run, rr
from zwgk.checks.model import Finding
from zwgk.checks.rulebook import load_rulebook
from zwgk.cli import main
from zwgk.publish import cards_for_run
from zwgk.reports.circular import MAX_FINDINGS, notice_filename, zh_date, zh_number
from zwgk.storage.database import Store
from zwgk.storage.history import build_history

BOOK = load_rulebook("jiangmen-2022")
RULES = {r.id: r for r in BOOK.rules}
XH, TS, PA, FGJ, DOWN = "新会区人民政府", "台山市人民政府", "江门市人民政府", "江门市发展和改革局", "关闭的网站"
REPLY = "2022-09-20"


def _units(day: int) -> dict:
    many = [Finding("fail", f"链接打不开 {k}", url=f"https://www.xinhui.gov.cn/bad/{k}.html", evidence="HTTP 404")
            for k in range(MAX_FINDINGS + 5)]
    xh = [rr("broken-links", "fail", many),
          rr("page-metadata", "fail" if day == 1 else "pass"),            # fixed on day 2
          rr("accessibility-entry", "fail"),
          rr("column-normative-documents", "warn" if day == 2 else "pass"),
          rr("site-identity", "unknown")]
    ts = [rr("broken-links", "fail"), rr("accessibility-entry", "pass"), rr("page-metadata", "fail"),
          rr("column-normative-documents", "pass")]
    pa = [rr("broken-links", "pass"), rr("page-metadata", "pass"), rr("homepage-column-business-environment", "pass")]
    fgj = [rr("broken-links", "warn"), rr("homepage-updated", "fail" if day == 2 else "pass"),   # the veto
           rr("page-metadata", "pass")]
    down = [rr("broken-links", "unknown"), rr("page-metadata", "unknown")]
    return {XH: {"type": "county", "url": "https://www.xinhui.gov.cn/", "results": xh},
            TS: {"type": "county", "url": "https://www.cnts.gov.cn/", "results": ts},
            PA: {"type": "city-portal", "url": "https://www.jiangmen.gov.cn/", "results": pa},
            FGJ: {"type": "department", "url": "http://fgj.jiangmen.gov.cn/", "results": fgj},
            DOWN: {"type": "department", "url": "http://127.0.0.1:9/", "results": down, "reachable": False}}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("circular")
    db = f"sqlite:///{root}/zwgk.db"
    store = Store(db)
    first = add_run(store, "2022-09-01", _units(1))
    last = add_run(store, "2022-09-05", _units(2))
    out = root / "site"
    assert main(["report", "--db", db, "--out", str(out), "--docx", "--reply-by", REPLY,
                 "--issuer", "江门市政务公开办公室"]) == 0
    return store, first, last, out


def _paragraphs(path):
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def _section(paras, start: str, end: str | None):
    """The paragraphs between the first-level headings start and end."""
    texts = [t for _s, t in paras]
    a = texts.index(start)
    b = texts.index(end) if end else len(texts)
    return paras[a + 1:b]


def test_the_ranking_table_is_the_database(written):
    store, _first, last, out = written
    doc = docx.Document(str(out / f"circular-run{last}.docx"))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "单位", "类型", "得分", "不通过", "警告", "无法判断", "备注"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    units = {u["unit_name"]: u for u in store.unit_rows(last)}
    assert [r[1] for r in rows] and {r[1] for r in rows} == set(units)
    fails = defaultdict(int)
    for r in store.result_rows(last):
        fails[r["unit_name"]] += r["status"] == "fail"
    for number, name, _type, score, fail, _warn, _unknown, note in rows:
        u = units[name]
        assert score == ("—" if u["score"] is None else f"{u['score']:.1f}")
        assert int(fail) == fails[name]
    scores = [units[r[1]]["score"] for r in rows]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True) and scores[-1] is None     # best first, unscored last
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    notes = {r[1]: r[7] for r in rows}
    assert notes[FGJ].startswith("单项否决：" + RULES["homepage-updated"].title)
    assert "首页无法访问" in notes[DOWN]


def test_problems_by_plan_item_name_every_unit_that_has_them(written):
    store, _first, last, out = written
    paras = _paragraphs(out / f"circular-run{last}.docx")
    assert [t for s, t in paras if s == "一级标题"] == ["一、总体情况", "二、存在的主要问题", "三、整改情况", "四、工作要求"]
    problems = _section(paras, "二、存在的主要问题", "三、整改情况")
    expected = defaultdict(lambda: defaultdict(set))     # rule -> status -> units, from the database
    for r in store.result_rows(last):
        if r["status"] in ("fail", "warn"):
            expected[r["rule"]][r["status"]].add(r["unit_name"])
    # the headings follow the plan's items in order, 其他依据 last, numbered （一）（二）…
    headings = [t for s, t in problems if s == "二级标题"]
    items = sorted({RULES[r].item for r in expected if RULES[r].item is not None})
    assert len(headings) == len(items) + 1
    for k, (head, n) in enumerate(zip(headings, items), 1):
        assert head.startswith(f"（{zh_number(k)}）方案第{n}项：")
        assert BOOK.items[n]["text"][:20] in head
    assert headings[-1].startswith(f"（{zh_number(len(items) + 1)}）其他依据")
    bodies = [t for s, t in problems if s == "通报正文"]
    for rule, by_status in expected.items():
        [text] = [t for t in bodies if t.startswith(RULES[rule].title)]
        for status, word in (("fail", "不通过的单位"), ("warn", "存在警告的单位")):
            m = re.search(word + r"（(\d+)个）：([^。]+)。", text)
            if by_status.get(status):
                assert m and int(m.group(1)) == len(by_status[status])
                assert set(m.group(2).split("、")) == by_status[status]
            else:
                assert m is None
    overall = " ".join(t for _s, t in _section(paras, "一、总体情况", "二、存在的主要问题"))
    n_fail = sum(r["status"] == "fail" for r in store.result_rows(last))
    n_warn = sum(r["status"] == "warn" for r in store.result_rows(last))
    assert f"共发现不通过问题{n_fail}项、警告{n_warn}项" in overall
    assert f"对{len(store.unit_rows(last))}个单位的政府网站开展了检查" in " ".join(t for _s, t in paras)


def test_what_improved_since_the_previous_audit(written):
    store, first, last, out = written
    history = build_history(store, last)
    paras = _paragraphs(out / f"circular-run{last}.docx")
    section = _section(paras, "三、整改情况", "四、工作要求")
    text = " ".join(t for _s, t in section)
    assert f"与上次检查（{zh_date('2022-09-01')}，巡检批次 #{first}）相比" in text
    fixed = {(u, r["rule"]) for u, rows in history.fixed.items() for r in rows}
    assert fixed == {(XH, "page-metadata")}
    assert f"整改问题{len(fixed)}项" in text
    assert f"{XH}：“{RULES['page-metadata'].title}”" in text
    # score changes against the database's previous scores
    before = {u["unit_name"]: u["score"] for u in store.unit_rows(first)}
    now = {u["unit_name"]: u["score"] for u in store.unit_rows(last)}
    down = [u for u in now if before[u] is not None and now[u] is not None and now[u] < before[u]]
    assert down and f"{len(down)}个单位得分下降" in text
    for u in down:
        assert f"{u}由{before[u]:.1f}分下降到{now[u]:.1f}分" in text


def test_styles_are_those_of_a_circular(written):
    _store, _first, last, out = written
    doc = docx.Document(str(out / f"circular-run{last}.docx"))
    east = lambda style: style.element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east(doc.styles["通报正文"]) == "仿宋_GB2312" and east(doc.styles["一级标题"]) == "黑体"
    assert east(doc.styles["二级标题"]) == "楷体_GB2312" and east(doc.styles["通报标题"]) == "方正小标宋简体"
    assert doc.styles["通报正文"].font.size.pt == 16
    title = doc.paragraphs[0]
    assert title.style.name == "通报标题" and title.text.endswith("检查情况的通报")
    assert "草稿" in doc.paragraphs[1].text
    assert doc.paragraphs[-2].text == "江门市政务公开办公室" and doc.paragraphs[-1].text == zh_date("2022-09-05")
    assert any(REPLY[:4] + "年9月20日前" in p.text for p in doc.paragraphs)


def test_one_notice_per_unit_with_a_problem_with_its_evidence_and_deadline(written):
    store, _first, last, out = written
    cards, _ = cards_for_run(store, last)
    problems = defaultdict(list)
    for r in store.result_rows(last):
        if r["status"] in ("fail", "warn"):
            problems[r["unit_name"]].append(r)
    files = sorted(p.name for p in (out / "notices").iterdir())
    assert files == sorted(notice_filename(u) for u in problems)          # and none for PA or DOWN
    for unit, rows in problems.items():
        doc = docx.Document(str(out / "notices" / notice_filename(unit)))
        text = "\n".join(p.text for p in doc.paragraphs)
        info = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows[1:]}
        assert info["单位名称"] == unit and info["反馈期限"] == zh_date(REPLY)
        assert f"于{zh_date(REPLY)}前完成" in text
        assert f"发现以下{len(rows)}项问题" in text
        for r in rows:
            assert r["title"] in text
            if r["item"] is not None:
                assert "方案要求：" + BOOK.items[r["item"]]["text"] in text
            urls = [f["url"] for f in r["findings"] if f["status"] == r["status"]]
            for url in urls[:MAX_FINDINGS]:
                assert f"网址：{url}。" in text
            if len(urls) > MAX_FINDINGS:
                assert f"另有{len(urls) - MAX_FINDINGS}处同类问题未逐一列出" in text
                assert f"网址：{urls[MAX_FINDINGS]}。" not in text
        reply = doc.tables[1]
        assert [c.text for c in reply.rows[0].cells] == ["序号", "问题", "整改措施及完成情况", "完成时间"]
        assert len(reply.rows) == len(rows) + 1
    card = next(c for c in cards if c["unit"]["name"] == FGJ)
    info = {r.cells[0].text: r.cells[1].text for r in docx.Document(str(out / "notices" / notice_filename(FGJ))).tables[0].rows}
    assert card["score"] == 0 and "单项否决" in info["得分"]


def test_the_index_links_the_documents(written):
    _store, _first, last, out = written
    doc = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    hrefs = {a.get("href") for a in doc.iter("a")}
    assert f"circular-run{last}.docx" in hrefs
    notices = {h for h in hrefs if h and h.startswith("notices/")}
    assert notices == {f"notices/{p.name}" for p in (out / "notices").iterdir()}
    assert all((out / h).is_file() for h in notices)


def test_a_report_without_docx_writes_no_documents(written, tmp_path):
    store, _first, _last, _out = written
    out = tmp_path / "plain"
    assert main(["report", "--db", store.shared_url(), "--out", str(out)]) == 0
    assert not list(out.glob("*.docx")) and not (out / "notices").exists()


def test_a_bad_reply_date_is_refused_with_one_line(written, tmp_path, capsys):
    store, *_ = written
    assert main(["report", "--db", store.shared_url(), "--out", str(tmp_path / "x"), "--docx",
                 "--reply-by", "2022-02-30"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--reply-by" in err[0]


def test_first_audit_says_there_is_nothing_to_compare(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/z.db")
    add_run(store, "2022-09-01", _units(1))
    out = tmp_path / "site"
    assert main(["report", "--db", store.shared_url(), "--out", str(out), "--docx"]) == 0
    paras = _paragraphs(out / "circular-run1.docx")
    text = " ".join(t for _s, t in _section(paras, "三、整改情况", "四、工作要求"))
    assert "首次完整检查" in text and "整改问题" not in text
    # the deadline defaults to 15 days after the audit date
    assert any(f"于{zh_date('2022-09-16')}前" in t for _s, t in paras)
