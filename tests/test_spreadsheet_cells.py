"""Formula cells (issue 16, item 7): a unit name, finding or evidence that a spreadsheet could take
for a formula reaches the CSV and XLSX files as text, whatever comes before its `=`.

Every value goes through the real writers (tables() rows, write_csv, write_xlsx) and the files
are read back."""
from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from zwgk.reports.tables import safe_cell, tables, write_csv, write_xlsx

FORMULA = '=HYPERLINK("http://evil.example/","点我")'
GUARDED = [
    FORMULA, "+1+1", "-1+1", "@SUM(A1:A9)", "|calc", "%0A=1",
    # full-width and small forms (NFKC folds them to = + - @ % |)
    "＝HYPERLINK(\"http://evil.example/\")", "＋1", "－1", "＠SUM(A1)", "％0A", "｜calc", "﹦1+1", "﹢1",
    # what a spreadsheet skips before the formula: spaces of every kind, line breaks, zero-width marks
    " " + FORMULA, "  " + FORMULA, "\n" + FORMULA, "\r\n" + FORMULA, "\u3000" + FORMULA, "\u00a0" + FORMULA,
    "\u2007=1", "\u202f=1", "\u200b=1", "\ufeff=1", "\u2028=1", "\x0b=1", " \u3000\u00a0\t＝1",
    # OWASP: a cell starting with tab or carriage return, whatever follows
    "\tplain", "\rplain",
]
PLAIN = ["新会区人民政府", " 新会区人民政府", "\u3000江门市（合规样例）", "'=已是文本", "2022-09-01",
         "http://127.0.0.1/a?x=1", "—", "1+1=2", "江门 = 侨乡"]


def _card(i: int, text: str) -> dict:
    return {"unit": {"name": text, "type": "county"}, "site": f"http://127.0.0.{i + 1}/", "as_of": "2022-09-01",
            "score": 50.0, "pages": {"crawled": 3, "failed": 0},
            "counts": {"fail": 1, "warn": 0, "unknown": 0, "pass": 1, "not_applicable": 0},
            "results": [{"rule": "home-column", "item": 14, "source": "测试", "title": "专栏", "status": "fail",
                         "findings": [{"status": "fail", "url": f"http://127.0.0.{i + 1}/", "message": text,
                                       "evidence": text}]}]}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    data = tables([_card(i, v) for i, v in enumerate(GUARDED + PLAIN)], as_of="2022-09-01")
    write_csv(out, data)
    write_xlsx(out / "scorecards.xlsx", data)
    return out


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("table, columns", [("summary", ["单位"]), ("problems", ["单位", "问题", "证据"]),
                                            ("ledger", ["被检查单位"])])
def test_every_formula_form_is_text_in_the_csv(written, table, columns):
    rows = _csv(written / f"{table}.csv")
    assert len(rows) == len(GUARDED) + len(PLAIN)
    for row, value in zip(rows, GUARDED + PLAIN):
        for column in columns:
            expected = "'" + value if value in GUARDED else value
            assert row[column] == expected, (table, column, value)


def test_ledger_evidence_starting_with_a_formula_is_text(written):
    rows = _csv(written / "ledger.csv")
    for row, value in zip(rows, GUARDED):
        assert row["证据"].startswith("'" + value), value


def test_xlsx_holds_them_as_text_never_as_formulas(written):
    wb = openpyxl.load_workbook(written / "scorecards.xlsx")
    # XlsxWriter stores CR and other controls as OOXML escapes (_x000D_), which Excel reads back as
    # the character (openpyxl does not)
    names = [re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), c.value)
             for c in wb["总表"]["A"][1:]]
    assert len(names) == len(GUARDED) + len(PLAIN)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    for name, value in zip(names, GUARDED + PLAIN):
        assert name == ("'" + value if value in GUARDED else value), value


def test_numbers_and_empty_cells_are_left_alone():
    assert safe_cell(-5) == -5 and safe_cell(-0.5) == -0.5 and safe_cell(None) is None
    assert safe_cell("") == "" and safe_cell(" \u3000") == " \u3000"
