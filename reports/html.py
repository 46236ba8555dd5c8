"""HTML, XLSX, CSV and JSON scorecards: files out of results, nothing fetched.

The site (`write_site`): index.html (every unit, sortable and filterable, trends), one page per
unit, one page per rule, scoring.html, ledger.html (the 任务台账), scorecards.xlsx (总表, 问题清单,
任务台账), summary.csv, problems.csv, ledger.csv, scorecards.json; screenshots taken elsewhere are copied under evidence/.
`zwgk check --out` writes one unit page as index.html plus scoring.html (`write_check`).

Every page works from file:// with no network: CSS and the small sorting/filtering script are
inline. Text from crawled pages goes through jinja2 autoescape; only http(s) URLs become links.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from zwgk.checks.engine import SEVERITY_WEIGHTS
from zwgk.reports.scorecard import STATUS_ZH
from zwgk.reports.tables import safe_cell, tables, write_csv, write_json, write_xlsx  # noqa: F401 (safe_cell re-exported)
from zwgk.reports.view import (
    CLASS_ZH,
    SEVERITY_ZH,
    TYPE_ZH,
    Screenshots,
    book_items,
    book_rules,
    rule_views,
    safe_href,
    sparkline,
    unit_view,
    worst,
)

_env = Environment(loader=PackageLoader("zwgk.reports", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)

SCHEMA_SITE = "zwgk.scorecards/1"


def unit_filename(name: str) -> str:
    """A safe file name for a unit page: never a path, never outside --out."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-")[:40] or "unit"
    return f"unit-{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}.html"


def _veto_failed(card, book) -> bool:
    rules = book_rules(book)
    return any(r["status"] == "fail" and getattr(rules.get(r["rule"]), "veto", False) for r in card["results"])


def render_unit(card: dict, index_link: bool = False, book=None, history=None,
                shots: Screenshots | None = None, rule_links: bool | None = None) -> str:
    v = unit_view(card, book, history, shots)
    return _env.get_template("unit.html").render(
        card=card, v=v, site_nav=index_link, rule_links=index_link if rule_links is None else rule_links,
        type_zh=TYPE_ZH.get(card["unit"]["type"], card["unit"]["type"]),
        veto_failed=_veto_failed(card, book), generated_for=f"检查日期 {card['as_of']}")


def write_unit(out: Path, card: dict, filename: str = "index.html", index_link: bool = False,
               book=None, history=None, shots: Screenshots | None = None) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    path.write_text(render_unit(card, index_link=index_link, book=book, history=history,
                                shots=shots or Screenshots(out)), encoding="utf-8")
    return path


def render_scoring(cards: list, book=None, history=None, site_nav: bool = True) -> str:
    rules = []
    if book is not None and getattr(book, "rules", None):
        for r in book.rules:
            rules.append({"id": r.id, "item": r.item, "source": r.source, "title": r.title,
                          "severity": r.severity, "veto": r.veto})
    else:   # the rulebook is gone: what the stored results say
        seen = {}
        for c in cards:
            for r in c["results"]:
                seen.setdefault(r["rule"], {"id": r["rule"], "item": r["item"], "source": r.get("source", ""),
                                            "title": r.get("title", ""), "severity": r.get("severity"),
                                            "veto": False})
        rules = list(seen.values())
    for r in rules:
        r["weight"] = SEVERITY_WEIGHTS.get(r["severity"], 2.0)
        r["severity_zh"] = SEVERITY_ZH.get(r["severity"], r["severity"] or "")
    severities = [{"id": s, "zh": SEVERITY_ZH.get(s, s), "weight": w} for s, w in SEVERITY_WEIGHTS.items()]
    return _env.get_template("scoring.html").render(
        rules=rules, vetoes=[r for r in rules if r["veto"]], severities=severities, site_nav=site_nav,
        unstable_window=getattr(history, "unstable_window", 4), unstable_flips=getattr(history, "unstable_flips", 2),
        window=getattr(history, "window", 30))


def write_check(out: Path, card: dict, book=None, history=None) -> Path:
    """`zwgk check --out`: the unit page as index.html, and scoring.html."""
    out = Path(out)
    path = write_unit(out, card, "index.html", index_link=False, book=book, history=history)
    (out / "scoring.html").write_text(render_scoring([card], book, history, site_nav=False), encoding="utf-8")
    return path


def _overview(cards, pages, reachable, history, book):
    items = book_items(book)
    units, totals = [], {k: 0 for k in ("new", "fixed", "unstable", "persistent", "fail", "warn", "unknown")}
    present_items = set()
    for card in cards:
        name = card["unit"]["name"]
        by_item: dict = {}
        for r in card["results"]:
            if r["item"] is not None:
                by_item.setdefault(r["item"], []).append(r["status"])
        present_items |= set(by_item)
        changes = history.counts(name) if history else {}
        has_prev = bool(history and len(history.unit_runs.get(name, [])) > 1)
        for k in ("new", "fixed", "unstable", "persistent"):
            totals[k] += changes.get(k, 0) if has_prev else 0
        for k in ("fail", "warn", "unknown"):
            totals[k] += card["counts"][k]
        units.append({"card": card, "page": pages[name], "reachable": reachable.get(name, True),
                      "type": card["unit"]["type"], "type_zh": TYPE_ZH.get(card["unit"]["type"], card["unit"]["type"]),
                      "item_status": " ".join(f"{n}:{worst(s)}" for n, s in sorted(by_item.items())),
                      "changes": changes, "has_prev": has_prev,
                      "spark": sparkline(history.trend.get(name, [])) if history else None})
    units.sort(key=lambda u: (u["card"]["score"] is None, u["card"]["score"] or 0, u["card"]["unit"]["name"]))
    types = sorted({u["type"] for u in units})
    item_options = [(n, f"第{n}项 " + _short((items.get(n) or {}).get("text", ""), 24)) for n in sorted(present_items)]
    return units, totals, [(t, TYPE_ZH.get(t, t)) for t in types], item_options


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def write_site(out: Path, cards: list[dict], run_id: int, rulebook: str, as_of: str,
               reachable: dict | None = None, book=None, history=None) -> Path:
    """The whole scorecard site for one run. book: the Rulebook (plan parts, item texts, veto);
    history: zwgk.storage.history.History of the run (changes, first-seen dates, trends)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reachable = reachable or {}
    shots = Screenshots(out)
    pages = {c["unit"]["name"]: unit_filename(c["unit"]["name"]) for c in cards}
    for card in cards:
        write_unit(out, card, pages[card["unit"]["name"]], index_link=True, book=book, history=history,
                   shots=shots)
    rules = rule_views(cards, pages, book, history)
    rule_tpl = _env.get_template("rule.html")
    for r in rules:
        (out / r["page"]).write_text(rule_tpl.render(r=r, as_of=as_of, site_nav=True,
                                                     generated_for=f"检查日期 {as_of}"), encoding="utf-8")
    units, totals, types, item_options = _overview(cards, pages, reachable, history, book)
    previous = history.previous if history else None
    window = max((len(v) for v in history.trend.values()), default=1) if history else 1
    (out / "index.html").write_text(_env.get_template("index.html").render(
        units=units, rules=rules, run_id=run_id, rulebook=rulebook, as_of=as_of, previous=previous,
        totals=totals, types=types, item_options=item_options, window_label=window, site_nav=True,
        generated_for=f"巡检批次 #{run_id}，检查日期 {as_of}"), encoding="utf-8")
    (out / "scoring.html").write_text(render_scoring(cards, book, history), encoding="utf-8")
    data = tables(cards, book, history, as_of)
    write_ledger(out / "ledger.html", data["ledger"], as_of)
    write_xlsx(out / "scorecards.xlsx", data)
    write_csv(out, data)
    write_json(out / "scorecards.json", {
        "schema": SCHEMA_SITE, "run_id": run_id, "rulebook": rulebook, "as_of": as_of,
        "previous_run": previous, "units": [_card_with_history(c, history) for c in cards],
        "tables": data})
    return out / "index.html"


def write_ledger(path: Path, rows: list[dict], as_of: str) -> None:
    """The 任务台账 as a page: the same rows and columns as its sheet and ledger.csv."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    path.write_text(_env.get_template("ledger.html").render(
        rows=rows, columns=columns, as_of=as_of, site_nav=True, href=safe_href,
        status_of={zh: status for status, zh in STATUS_ZH.items()},
        generated_for=f"检查日期 {as_of}"), encoding="utf-8")


def _card_with_history(card: dict, history) -> dict:
    """The contract scorecard plus a `history` block and per-result `change` (added fields only)."""
    if history is None:
        return card
    name = card["unit"]["name"]
    out = dict(card)
    out["history"] = {"trend": history.trend.get(name, []), "changes": history.counts(name),
                      "fixed": history.fixed.get(name, [])}
    rows = []
    for r in card["results"]:
        h = history.rule(name, r["rule"])
        row = dict(r, change=h.get("class"), problem_since=h.get("since"))
        row["findings"] = [dict(f, first_seen=history.finding(name, r["rule"], f.get("url", "")).get("first_seen"))
                           if f.get("status") in ("fail", "warn") else f for f in r["findings"]]
        rows.append(row)
    out["results"] = rows
    return out


__all__ = ["unit_filename", "render_unit", "write_unit", "write_check", "write_site", "safe_cell",
           "render_scoring", "STATUS_ZH", "CLASS_ZH"]
