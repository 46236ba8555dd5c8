"""HTML and XLSX scorecards: files out of results, nothing fetched."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from reports.scorecard import STATUS_ZH

_ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "not_applicable": 4}
_env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]))


def unit_filename(name: str) -> str:
    """A safe file name for a unit page: never a path, never outside --out."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-")[:40] or "unit"
    return f"unit-{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}.html"


def _sorted(results):
    return sorted(results, key=lambda r: (_ORDER[r["status"]], r["item"] or 99))


def render_unit(card: dict, index_link: bool = False) -> str:
    return _env.get_template("unit.html").render(card=card, results=_sorted(card["results"]),
                                                 status_zh=STATUS_ZH, index_link=index_link)


def write_unit(out: Path, card: dict, filename: str = "index.html", index_link: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    path.write_text(render_unit(card, index_link=index_link), encoding="utf-8")
    return path


def safe_cell(value):
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is stored as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_site(out: Path, cards: list[dict], run_id: int, rulebook: str, as_of: str,
               reachable: dict | None = None) -> Path:
    """index.html, one page per unit, scorecards.xlsx."""
    out.mkdir(parents=True, exist_ok=True)
    units = []
    for card in cards:
        page = unit_filename(card["unit"]["name"])
        write_unit(out, card, page, index_link=True)
        units.append({"card": card, "page": page,
                      "reachable": (reachable or {}).get(card["unit"]["name"], True)})
    units.sort(key=lambda u: (u["card"]["score"] is None, u["card"]["score"] or 0))
    (out / "index.html").write_text(
        _env.get_template("index.html").render(units=units, run_id=run_id, rulebook=rulebook, as_of=as_of),
        encoding="utf-8")
    write_xlsx(out / "scorecards.xlsx", cards)
    return out / "index.html"


def write_xlsx(path: Path, cards: list[dict]):
    summary = [{"单位": c["unit"]["name"], "类型": c["unit"]["type"], "得分": c["score"],
                "不通过": c["counts"]["fail"], "警告": c["counts"]["warn"], "无法判断": c["counts"]["unknown"],
                "通过": c["counts"]["pass"], "抓取页面": c["pages"]["crawled"], "网站": c["site"]} for c in cards]
    problems, ledger = [], []
    for c in cards:
        for r in c["results"]:
            ledger.append({"条目": r["item"], "依据": r["source"], "要求": r["title"], "责任单位": c["unit"]["name"],
                           "状态": STATUS_ZH[r["status"]], "规则": r["rule"],
                           "证据": "; ".join(f"{f['message']} {f['url']}" for f in r["findings"][:3]),
                           "检查日期": c["as_of"]})
            for f in r["findings"]:
                if f.get("status") in ("fail", "warn", "unknown"):
                    problems.append({"单位": c["unit"]["name"], "条目": r["item"], "规则": r["rule"],
                                     "状态": STATUS_ZH[f["status"]], "问题": f["message"], "网址": f["url"],
                                     "证据": f.get("evidence", "")})
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, rows in (("总表", summary), ("问题清单", problems), ("任务台账", ledger)):
            df = pd.DataFrame(rows).map(safe_cell) if rows else pd.DataFrame(rows)
            df.to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes = "A2"
            if rows:
                ws.auto_filter.ref = ws.dimensions
            for col in ws.columns:
                longest = max((len(str(c.value)) if c.value is not None else 0) for c in col)
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, longest * 1.6))
