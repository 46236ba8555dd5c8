"""The scorecard of one unit as data: the `zwgk.scorecard/1` JSON of CONTRACT.md."""
from __future__ import annotations

SCHEMA = "zwgk.scorecard/1"
STATUS_ZH = {"pass": "通过", "fail": "不通过", "warn": "警告", "unknown": "无法判断", "not_applicable": "不适用"}


def scorecard(unit: dict, site_url: str, as_of: str, rulebook_id: str, pages_crawled: int,
              pages_failed: int, score, results) -> dict:
    """results: RuleResult objects or result dicts from the database."""
    rows = [r.to_dict() if hasattr(r, "to_dict") else _row(r) for r in results]
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


def _row(r: dict) -> dict:
    return {"rule": r["rule"], "item": r["item"], "source": r["source"], "title": r["title"],
            "status": r["status"], "severity": r.get("severity"),
            "findings": [{k: f.get(k, "") for k in ("url", "message", "evidence", "status", "selector", "screenshot")
                          if f.get(k) or k in ("url", "message", "evidence", "status")}
                         for f in r.get("findings", [])]}
