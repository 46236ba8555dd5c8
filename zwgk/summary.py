"""The summary of one audit — what got worse, what got better — as JSON, optionally POSTed to
a webhook so the 政务公开 office hears of it in the morning."""
from __future__ import annotations

import json
import urllib.request


def audit_summary(run_id: int, as_of: str, cards: list[dict], history) -> dict:
    worse, better, unstable = [], [], []
    titles = {(c["unit"]["name"], r["rule"]): (r["item"], r["title"], r["status"])
              for c in cards for r in c["results"]}
    for (unit, rule), info in getattr(history, "rules", {}).items():
        item, title, status = titles.get((unit, rule), (None, "", ""))
        row = {"unit": unit, "rule": rule, "item": item, "title": title, "status": status}
        if info.get("class") == "new":
            worse.append(row)
        elif info.get("class") == "unstable":
            unstable.append(row)
    for unit, rows in getattr(history, "fixed", {}).items():
        for r in rows:
            better.append({"unit": unit, "rule": r["rule"], "item": r["item"], "title": r["title"],
                           "status_before": r["status_before"]})
    return {
        "schema": "zwgk.audit-summary/1",
        "run_id": run_id,
        "as_of": as_of,
        "previous_run_id": (getattr(history, "previous", None) or {}).get("id"),
        "units": [{"name": c["unit"]["name"], "type": c["unit"]["type"], "score": c["score"],
                   "fail": c["counts"]["fail"], "warn": c["counts"]["warn"], "unknown": c["counts"]["unknown"]}
                  for c in cards],
        "worse": sorted(worse, key=lambda r: (r["unit"], r["rule"])),
        "better": sorted(better, key=lambda r: (r["unit"], r["rule"])),
        "unstable": sorted(unstable, key=lambda r: (r["unit"], r["rule"])),
    }


def post_webhook(url: str, summary: dict, timeout: float = 10.0) -> str:
    """POST the summary; returns "" on success or the reason it failed (never raises)."""
    data = json.dumps(summary, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "zwgk"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return "" if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    except Exception as exc:  # noqa: BLE001 — a webhook failure must not fail the audit
        return f"{exc.__class__.__name__}: {exc}"
