"""Build real results databases (zwgk.storage.database.Store) with several audit runs, for the report
and history tests and for bench/report_bench.py."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from zwgk.checks.engine import score
from zwgk.checks.model import Finding, RuleResult
from zwgk.checks.rulebook import load_rulebook
from zwgk.storage.database import Store

BOOK = load_rulebook("jiangmen-2022")
RULES = {r.id: r for r in BOOK.rules}


def rr(rule_id: str, status: str, findings=None, url: str = "") -> RuleResult:
    """A RuleResult of a real rule; a default finding of the rule's status when none is given."""
    rule = RULES[rule_id]
    if findings is None:
        msg = {"pass": "符合要求", "fail": "未找到要求的内容", "warn": "内容不完整",
               "unknown": "页面未抓取到，无法判断", "not_applicable": "不适用"}[status]
        findings = [Finding(status, msg, url=url or f"https://example.gov.cn/{rule_id}/", evidence=f"查找: {rule.title[:10]}")]
    return RuleResult(rule=rule.id, item=rule.item, source=rule.source, title=rule.title, status=status,
                      severity=rule.severity, check=rule.check, findings=list(findings))


def unit_score(results) -> float | None:
    return score(results, [RULES[r.rule] for r in results if r.rule in RULES])


def add_run(store: Store, as_of: str, units: dict, complete: bool = True, kind: str = "audit",
            rulebook: str = "jiangmen-2022") -> int:
    """units: {name: {"type":..., "url":..., "results": [RuleResult], "reachable": bool}}."""
    run_id = store.start_run(kind, rulebook, as_of)
    for name, u in units.items():
        uid = store.add_unit(run_id, {"name": name, "type": u["type"], "url": u["url"]})
        store.add_results(run_id, name, u["results"])
        reachable = u.get("reachable", True)
        store.finish_unit(uid, pages_crawled=u.get("pages", 25), pages_failed=u.get("failed", 1),
                          score=unit_score(u["results"]), status="done" if reachable else "unreachable")
    if complete:
        store.finish_run(run_id, complete=True)
    return run_id


def applicable(unit_type: str) -> list:
    return [r for r in BOOK.rules if unit_type in r.applies_to or "all" in r.applies_to]


def synthetic_db(db_url: str, n_units: int = 60, n_audits: int = 30, start: str = "2022-08-01",
                 findings_per_rule: int = 3) -> Store:
    """n_units × n_audits complete audits with deterministic, realistic-looking churn."""
    store = Store(db_url)
    types = ["county"] * 7 + ["department"] * 52 + ["city-portal"]
    day0 = date.fromisoformat(start)
    names = [f"江门市第{i + 1}单位" if i else "江门市人民政府" for i in range(n_units)]
    for a in range(n_audits):
        units = {}
        for i, name in enumerate(names):
            utype = types[i % len(types)]
            results = []
            for rule in applicable(utype):
                h = int(hashlib.md5(f"{name}|{rule.id}".encode()).hexdigest()[:8], 16)
                kind = h % 10
                if kind < 5:
                    status = "pass"
                elif kind < 7:
                    status = "fail"                                  # persistent
                elif kind == 7:
                    status = "fail" if a >= (h >> 8) % n_audits else "pass"   # appears once
                elif kind == 8:
                    status = "fail" if (a + h) % 2 else "pass"      # flapping
                else:
                    status = "unknown"
                fs = [Finding(status, f"第{k + 1}处：{rule.title[:12]}",
                              url=f"https://u{i}.example.gov.cn/{rule.id}/{k}.html", evidence="示例证据")
                      for k in range(findings_per_rule if status != "pass" else 1)]
                results.append(rr(rule.id, status, fs))
            units[name] = {"type": utype, "url": f"https://u{i}.example.gov.cn/", "results": results}
        add_run(store, (day0 + timedelta(days=a)).isoformat(), units)
    return store
