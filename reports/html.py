"""HTML, XLSX, CSV and JSON scorecards: files out of results, nothing fetched.

The site (`write_site`): index.html (every unit, sortable and filterable, trends), one page per
unit and one with its score over time (history-*.html), one page per rule, scoring.html,
ledger.html (the 任务台账), scorecards.xlsx (总表, 问题清单, 任务台账), summary.csv, problems.csv,
ledger.csv, scorecards.json; screenshots taken elsewhere are copied under evidence/. `zwgk check
--out` writes one unit page as index.html plus history.html and scoring.html (`write_check`). The
Word circular and notices are reports/circular.py.

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
    history_filename,
    rule_views,
    safe_href,
    sparkline,
    trend_chart,
    unit_view,
    veto_failed,
    worst,
)

_env = Environment(loader=PackageLoader("zwgk.reports", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)

SCHEMA_SITE = "zwgk.scorecards/1"


def unit_filename(name: str) -> str:
    """A safe file name for a unit page: never a path, never outside --out."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-")[:40] or "unit"
    return f"unit-{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}.html"


def render_unit(card: dict, index_link: bool = False, book=None, history=None,
                shots: Screenshots | None = None, rule_links: bool | None = None,
                history_page: str | None = None) -> str:
    v = unit_view(card, book, history, shots)
    return _env.get_template("unit.html").render(
        card=card, v=v, site_nav=index_link, rule_links=index_link if rule_links is None else rule_links,
        type_zh=TYPE_ZH.get(card["unit"]["type"], card["unit"]["type"]), history_page=history_page,
        veto_failed=bool(v["vetoed"]), generated_for=f"检查日期 {card['as_of']}")


def render_history(card: dict, history=None, unit_page: str = "index.html", index_link: bool = False) -> str:
    """A unit's score over its audits: an SVG chart with axes and dates, and the table of runs."""
    name = card["unit"]["name"]
    trend = history.trend.get(name, []) if history else []
    if not trend:   # no database history (a check without one): this run alone
        trend = [{"run": card.get("run_id"), "as_of": card["as_of"], "score": card["score"],
                  "pages": card["pages"]["crawled"], "counts": dict(card["counts"])}]
    rows = []
    for i, t in enumerate(trend):
        before = next((x["score"] for x in reversed(trend[:i]) if x["score"] is not None), None)
        delta = None if before is None or t["score"] is None else round(t["score"] - before, 1)
        rows.append(dict(t, delta=delta))
    return _env.get_template("history.html").render(
        card=card, chart=trend_chart(trend, 720, 260), rows=list(reversed(rows)), unit_page=unit_page,
        site_nav=index_link, type_zh=TYPE_ZH.get(card["unit"]["type"], card["unit"]["type"]),
        generated_for=f"检查日期 {card['as_of']}")


def write_unit(out: Path, card: dict, filename: str = "index.html", index_link: bool = False,
               book=None, history=None, shots: Screenshots | None = None,
               history_page: str | None = None) -> Path:
    """The unit page, and beside it its history page (history_page: its file name; by default
    history-….html beside unit-….html, history.html beside index.html)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    history_page = history_page or history_filename(filename)
    path.write_text(render_unit(card, index_link=index_link, book=book, history=history,
                                shots=shots or Screenshots(out), history_page=history_page), encoding="utf-8")
    (out / history_page).write_text(render_history(card, history, unit_page=filename, index_link=index_link),
                                    encoding="utf-8")
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
    """`zwgk check --out`: the unit page as index.html, history.html and scoring.html."""
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
        trend = history.trend.get(name, []) if history else []
        units.append({"card": card, "page": pages[name], "reachable": reachable.get(name, True),
                      "history_page": history_filename(pages[name]),
                      "vetoed": [r["title"] for r in veto_failed(card, book)] if card["score"] == 0 else [],
                      "span": (trend[0]["as_of"], trend[-1]["as_of"]) if len(trend) > 1 else None,
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


def site_steps(cards: list[dict]) -> int:
    """How many times write_site calls `tick`: once per unit (its page and history page), per
    rule page, and for the overview, the scoring page, the tables and the JSON."""
    return len(cards) + len({r["rule"] for c in cards for r in c["results"]}) + 4


def write_site(out: Path, cards: list[dict], run_id: int, rulebook: str, as_of: str,
               reachable: dict | None = None, book=None, history=None, tick=None,
               documents: dict | None = None) -> Path:
    """The whole scorecard site for one run. book: the Rulebook (plan parts, item texts, veto);
    history: zwgk.storage.history.History of the run (changes, first-seen dates, trends);
    tick() (optional) is called site_steps(cards) times as the files are written (progress);
    documents: the Word files written beside the site (reports/circular.py), linked from the index."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reachable = reachable or {}
    tick = tick or (lambda: None)
    shots = Screenshots(out)
    pages = {c["unit"]["name"]: unit_filename(c["unit"]["name"]) for c in cards}
    for card in cards:
        write_unit(out, card, pages[card["unit"]["name"]], index_link=True, book=book, history=history,
                   shots=shots)
        tick()
    rules = rule_views(cards, pages, book, history)
    rule_tpl = _env.get_template("rule.html")
    for r in rules:
        (out / r["page"]).write_text(rule_tpl.render(r=r, as_of=as_of, site_nav=True,
                                                     generated_for=f"检查日期 {as_of}"), encoding="utf-8")
        tick()
    units, totals, types, item_options = _overview(cards, pages, reachable, history, book)
    previous = history.previous if history else None
    window = max((len(v) for v in history.trend.values()), default=1) if history else 1
    (out / "index.html").write_text(_env.get_template("index.html").render(
        units=units, rules=rules, run_id=run_id, rulebook=rulebook, as_of=as_of, previous=previous,
        totals=totals, types=types, item_options=item_options, window_label=window, site_nav=True,
        documents=documents, generated_for=f"巡检批次 #{run_id}，检查日期 {as_of}"), encoding="utf-8")
    tick()
    (out / "scoring.html").write_text(render_scoring(cards, book, history), encoding="utf-8")
    tick()
    data = tables(cards, book, history, as_of)
    write_ledger(out / "ledger.html", data["ledger"], as_of)
    write_xlsx(out / "scorecards.xlsx", data)
    write_csv(out, data)
    tick()
    write_json(out / "scorecards.json", {
        "schema": SCHEMA_SITE, "run_id": run_id, "rulebook": rulebook, "as_of": as_of,
        "previous_run": previous, "units": [_card_with_history(c, history) for c in cards],
        "tables": data})
    tick()
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


__all__ = ["unit_filename", "render_unit", "render_history", "write_unit", "write_check", "write_site",
           "site_steps", "safe_cell", "render_scoring", "STATUS_ZH", "CLASS_ZH"]
