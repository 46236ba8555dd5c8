"""The scorecard of one unit as data: the `zwgk.scorecard/1` JSON of CONTRACT.md."""
from __future__ import annotations

import json

from zwgk.checks.parsers.personal_data import mask_text

SCHEMA = "zwgk.scorecard/1"
STATUS_ZH = {"pass": "通过", "fail": "不通过", "warn": "警告", "unknown": "无法判断", "not_applicable": "不适用"}


def scorecard(unit: dict, site_url: str, as_of: str, rulebook_id: str, pages_crawled: int,
              pages_failed: int, score, results) -> dict:
    """results: RuleResult objects or result dicts from the database."""
    rows = [_masked(r.to_dict() if hasattr(r, "to_dict") else _row(r)) for r in results]
    return {
        "schema": SCHEMA,
        "unit": {"name": unit["name"], "type": unit["type"]},
        "site": site_url,
        "as_of": as_of,
        "rulebook": rulebook_id,
        "pages": {"crawled": pages_crawled, "failed": pages_failed},
        "score": score,
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_ZH},
        "results": rows,
    }


def cards_of_run(run: dict, unit_rows, result_rows) -> tuple[list[dict], dict]:
    """(the scorecard of every unit of a run, {unit: reachable}) from its stored rows: the run,
    its units in order, and its results with their findings."""
    by_unit: dict[str, list] = {}
    for r in result_rows:
        by_unit.setdefault(r["unit_name"], []).append(r)
    cards, reachable = [], {}
    for u in unit_rows:
        unit = {"name": u["unit_name"], "type": u["unit_type"], "url": u["site"]}
        card = scorecard(unit, u["site"], run["as_of"], run["rulebook"], u["pages_crawled"] or 0,
                         u["pages_failed"] or 0, u["score"], by_unit.get(u["unit_name"], []))
        card["run_id"] = run["id"]
        reasons = _failed_reasons(u.get("crawl_facts"))
        if reasons:
            card["pages"]["failed_reasons"] = reasons     # why the `failed` pages failed (added field)
        unscored = _fact(u.get("crawl_facts"), "unscored")
        if unscored and card["score"] is None and u["status"] != "unreachable":
            card["unscored"] = unscored                   # why there is no score (added field)
        cards.append(card)
        reachable[u["unit_name"]] = u["status"] != "unreachable"
    return cards, reachable


def _fact(facts, key: str) -> str:
    try:
        return str(json.loads(facts or "{}").get(key) or "")
    except (ValueError, AttributeError):
        return ""


def _failed_reasons(facts) -> dict:
    """{reason: pages} from a unit's stored crawl facts (JSON), most frequent first."""
    try:
        reasons = json.loads(facts or "{}").get("failed_reasons") or {}
    except (ValueError, AttributeError):
        return {}
    return dict(sorted(((str(k), int(v)) for k, v in reasons.items()), key=lambda kv: (-kv[1], kv[0])))


def _row(r: dict) -> dict:
    return {"rule": r["rule"], "item": r["item"], "source": r["source"], "title": r["title"],
            "status": r["status"], "severity": r.get("severity"),
            "findings": [{k: f.get(k, "") for k in ("url", "message", "evidence", "status", "selector", "screenshot")
                          if f.get(k) or k in ("url", "message", "evidence", "status")}
                         for f in r.get("findings", [])]}


def _masked(row: dict) -> dict:
    """A result whose findings show no personal number unmasked, whatever check wrote them: every
    output (HTML, XLSX, CSV, JSON, terminal) is made from this card (checks mask their own
    evidence already; this is the last pass)."""
    for f in row["findings"]:
        for key in ("message", "evidence"):
            if f.get(key):
                f[key] = mask_text(f[key])
    return row
