"""The three tables inspectors hand on — 总表, 问题清单, 任务台账 (plan item 57) — as rows, and
written as XLSX (frozen header, filters, column widths), CSV (UTF-8 with BOM, opens in Excel) and
JSON. Every text cell that a spreadsheet could take for a formula (= + - @ | %, in ASCII or full
width, even after leading spaces) is stored as text (safe_cell)."""
from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

from zwgk.checks.rulebook import DEPTHS, ITEM_GAPS
from zwgk.reports.scorecard import STATUS_ZH
from zwgk.reports.view import CLASS_ZH, TYPE_ZH, book_items, book_rules, part_of, worst

SHEETS = (("总表", "summary"), ("问题清单", "problems"), ("任务台账", "ledger"))
# The 条目 of a rule from another source (其他依据): a text mark, never an empty cell, so that
# the column reads as one kind of value (pandas took the empty cells for NaN, the column for float)
NO_ITEM = "—"


# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"), compared after
# NFKC folding, so that full-width ＝＋－＠％｜ and the small forms count as well
_FORMULA_STARTS = frozenset("=+-@|%")
# What a spreadsheet may pass over before it: spaces of every kind (U+3000, NBSP…), line breaks,
# controls, zero-width and other format marks
_SKIPPED = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf"))


def safe_cell(value):
    """Neutralise spreadsheet formulas: a text cell that starts with tab or CR, or whose first
    visible character could start a formula, gets a leading ' (as OWASP recommends) and is text."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("\t", "\r"):
        return "'" + value
    first = next((ch for ch in value if unicodedata.category(ch) not in _SKIPPED), "")
    if first and unicodedata.normalize("NFKC", first)[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def _history_counts(history, unit):
    return history.counts(unit) if history else {}


def summary_rows(cards: list, history=None) -> list[dict]:
    rows = []
    for c in cards:
        name = c["unit"]["name"]
        ch = _history_counts(history, name)
        prev = bool(history and len(history.unit_runs.get(name, [])) > 1)
        rows.append({"单位": name, "类型": TYPE_ZH.get(c["unit"]["type"], c["unit"]["type"]),
                     "得分": c["score"], "不通过": c["counts"]["fail"], "警告": c["counts"]["warn"],
                     "无法判断": c["counts"]["unknown"], "通过": c["counts"]["pass"],
                     "不适用": c["counts"]["not_applicable"],
                     "新发现": ch.get("new") if prev else None,
                     "已整改": ch.get("fixed") if prev else None,
                     "时好时坏": ch.get("unstable") if prev else None,
                     "抓取页面": c["pages"]["crawled"], "失败页面": c["pages"]["failed"],
                     "网站": c["site"], "检查日期": c["as_of"]})
    return rows


def problem_rows(cards: list, history=None) -> list[dict]:
    """Every finding of a rule that did not pass: fail/warn/unknown findings, with first-seen dates."""
    rows = []
    for c in cards:
        name = c["unit"]["name"]
        for r in c["results"]:
            if r["status"] not in ("fail", "warn", "unknown"):
                continue
            h = history.rule(name, r["rule"]) if history else {}
            for f in r.get("findings", []):
                if f.get("status") not in ("fail", "warn", "unknown"):
                    continue
                d = history.finding(name, r["rule"], f.get("url", "")) if history and f.get("status") in ("fail", "warn") else {}
                rows.append({"单位": name, "条目": NO_ITEM if r["item"] is None else r["item"],
                             "依据": r.get("source", ""), "规则": r["rule"],
                             "要求": r.get("title", ""), "规则状态": STATUS_ZH[r["status"]],
                             "发现状态": STATUS_ZH.get(f["status"], f["status"]),
                             "变化": CLASS_ZH.get(h.get("class"), ""),
                             "问题": f.get("message", ""), "网址": f.get("url", ""),
                             "证据": f.get("evidence", ""), "首次发现": d.get("first_seen"),
                             "持续自": d.get("since"), "检查日期": c["as_of"]})
    return rows


def ledger_rows(cards: list, book=None, history=None, as_of: str = "") -> list[dict]:
    """任务台账 (plan item 57): each plan item × each unit it was checked for, with status,
    evidence and date; items no machine can check (or without a rule yet) get one row saying so."""
    items, rules = book_items(book), book_rules(book)
    rule_items = {r.id: r.item for r in rules.values()}
    by_item: dict = {}
    for c in cards:
        for r in c["results"]:
            by_item.setdefault(r["item"], {}).setdefault(c["unit"]["name"], (c, []))[1].append(r)
    numbers = sorted(set(items) | {n for n in by_item if n is not None})
    rows = []
    for n in numbers + ([None] if None in by_item else []):
        item = items.get(n, {}) if n is not None else {}
        base = {"条目": NO_ITEM if n is None else n, "部分": part_of(n, items), "工作任务": item.get("text", ""),
                "责任单位（方案）": item.get("responsible", "")}
        units = by_item.get(n, {})
        if not units:
            if item.get("not_checkable"):
                state, why = "不可机器检查", item["not_checkable"]
            elif n in rule_items.values():
                state, why = "本次无适用单位", "规则集有此项的检查规则，但不适用于本次巡检的单位"
            else:
                state, why = "未设检查规则", "规则集中尚无此项的检查规则，需人工核查"
            rows.append({**base, "被检查单位": "", "状态": state, "规则": "", "证据": why, "网址": "",
                         "首次发现": None, "检查日期": as_of})
            continue
        for name, (c, rs) in units.items():
            status = worst(r["status"] for r in rs)
            shown = [(r, f) for r in rs for f in r.get("findings", []) if f.get("status") == status][:3]
            evidence = "；".join(f"{f.get('message', '')}" + (f"（{f['evidence']}）" if f.get("evidence") else "")
                                for _r, f in shown)
            firsts = [history.finding(name, r["rule"], f.get("url", "")).get("first_seen")
                      for r, f in shown] if history else []
            firsts = [d for d in firsts if d]
            rows.append({**base, "被检查单位": name, "状态": STATUS_ZH[status],
                         "规则": "、".join(r["rule"] for r in rs), "证据": evidence,
                         "网址": shown[0][1].get("url", "") if shown else c["site"],
                         "首次发现": min(firsts) if firsts else None, "检查日期": c["as_of"]})
        if n is None:
            for row in rows[-len(units):]:
                row["部分"] = "其他依据"
    return ledger_depth_columns(rows, book)


def ledger_depth_columns(rows: list[dict], book=None) -> list[dict]:
    """The ledger's rows with what says how far a 通过 goes: 检查深度 after 规则 (存在性, 内容核验,
    时效, from each rule's `depth`), 时限 after 责任单位 (the plan's deadline of the item and the
    rules' own period and due date), 暂未实现 kept apart from 不可机器检查 (items `not_implemented:`),
    and for rules of no plan item (the national indicators, 47号 metadata) their source as the task."""
    items, rules = book_items(book), book_rules(book)
    of_item: dict = {}
    for rule in rules.values():
        of_item.setdefault(rule.item, []).append(rule)
    out = []
    for row in rows:
        n = row.get("条目") if isinstance(row.get("条目"), int) else None
        ids = [i for i in str(row.get("规则") or "").split("、") if i]
        mine = [rules[i] for i in ids if i in rules] or (of_item.get(n, []) if n is not None else [])
        item = items.get(n, {}) if n is not None else {}
        dates = [f"方案：{item['deadline']}"] if item.get("deadline") else []
        dates += [f"{r.id}：{r.dates_text()}" for r in mine if r.dates_text()]
        shown = {}
        for key, value in row.items():
            if key == "工作任务" and n is None and not value:
                value = "；".join(dict.fromkeys(r.source for r in mine if r.source))
            shown[key] = value
            if key == "责任单位（方案）":
                shown["时限"] = "；".join(dates)
            elif key == "规则":
                shown["检查深度"] = "、".join(dict.fromkeys(DEPTHS.get(r.depth, "未声明") for r in mine))
        if item.get("not_implemented") and not ids:
            shown.update({"状态": ITEM_GAPS["not_implemented"], "证据": item["not_implemented"]})
        out.append(shown)
    return out


def tables(cards, book=None, history=None, as_of="") -> dict:
    return {"summary": summary_rows(cards, history), "problems": problem_rows(cards, history),
            "ledger": ledger_rows(cards, book, history, as_of)}


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[:200])


def _columns(rows, key) -> list[str]:
    """Every key of the rows, in order of first appearance (the empty table keeps its headers)."""
    if not rows:
        return _EMPTY_COLUMNS[key]
    return list(dict.fromkeys(k for row in rows for k in row))


def _cells(rows, columns):
    for row in rows:
        yield [safe_cell(row.get(c)) for c in columns]


def write_xlsx(path: Path, data: dict):
    # XlsxWriter: it only writes, and imports in a fifth of openpyxl's time (which pulls in numpy);
    # pandas was a detour for a few lists of dicts and cost half a second of every audit.
    # Every cell is written by its type: a string is never taken for a formula or a URL.
    import xlsxwriter
    with xlsxwriter.Workbook(str(path)) as wb:
        bold = wb.add_format({"bold": True})
        for sheet, key in SHEETS:
            rows = data[key]
            columns = _columns(rows, key)
            ws = wb.add_worksheet(sheet)
            for col, name in enumerate(columns):
                ws.write_string(0, col, name, bold)
                sample = [name] + [r.get(name) for r in rows[:300]]
                ws.set_column(col, col, min(60, max(8, max(_display_width(v) for v in sample) + 2)))
            for r, values in enumerate(_cells(rows, columns), start=1):
                for col, value in enumerate(values):
                    if value is None:
                        continue
                    if isinstance(value, bool):
                        ws.write_boolean(r, col, value)
                    elif isinstance(value, (int, float)):
                        ws.write_number(r, col, value)
                    else:
                        ws.write_string(r, col, str(value))
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, len(rows), len(columns) - 1)


_EMPTY_COLUMNS = {"summary": ["单位", "得分"], "problems": ["单位", "条目", "规则", "问题", "网址"],
                  "ledger": ["条目", "工作任务", "被检查单位", "状态"]}


def write_csv(out: Path, data: dict) -> list[Path]:
    paths = []
    for _sheet, key in SHEETS:
        path = out / f"{key}.csv"
        rows = data[key]
        columns = _columns(rows, key)
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows(["" if v is None else v for v in values] for values in _cells(rows, columns))
        paths.append(path)
    return paths


def write_json(path: Path, payload: dict):
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str), encoding="utf-8")


__all__ = ["safe_cell", "summary_rows", "problem_rows", "ledger_rows", "tables", "write_xlsx",
           "write_csv", "write_json"]
