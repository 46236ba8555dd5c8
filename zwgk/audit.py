"""One audit run end to end: crawl units, build Sites, (browser pass), run the rulebook, store.

Two phases: every unit's Site is built before any rule runs, so audit-wide checks (item 10:
near-copy annual reports across units) can compare a unit with its peers via ctx.extras["peers"].
A distributed audit (crawler/cluster.py) judges each unit on the worker that crawled it, without
those audit-wide rules; the coordinator judges them at the end from the stored pages
(judge_peer_rules), so both ways give the same verdicts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from zwgk.checks.engine import CheckContext, run_rules, score
from zwgk.checks.registry import CHECKS
from zwgk.checks.site import Site
from zwgk.crawler.browser import browser_pass
from zwgk.crawler.runner import crawl_units


@dataclass
class UnitResult:
    unit: dict
    site: Site
    results: list
    score: float | None
    pages_crawled: int
    pages_failed: int
    reachable: bool
    rules: list = field(default_factory=list)


_CLOSE_REASONS = {"closespider_timeout": "单位抓取时间预算用完", "shutdown": "巡检被中断",
                  "cancelled": "抓取被取消"}


def _incomplete(outcome) -> str:
    if outcome.error:
        return outcome.error
    reason = outcome.close_reason
    return "" if reason in ("", "finished") else _CLOSE_REASONS.get(reason, reason)


def crawl_facts(outcome) -> dict:
    """What a Site needs besides the pages (stored with the unit, so a Site can be rebuilt from
    the database: the end of a distributed audit)."""
    return {"budget_refused": list(outcome.budget_refused), "external_skipped": outcome.external_skipped,
            "traps": [list(t) for t in outcome.traps], "crawl_incomplete": _incomplete(outcome)}


def site_from(unit: dict, snapshots, facts: dict) -> Site:
    return Site(unit["url"], snapshots, scope=unit.get("scope"),
                budget_refused=facts.get("budget_refused", []),
                external_skipped=facts.get("external_skipped", 0), unit=unit,
                traps=[tuple(t) for t in facts.get("traps", [])],
                crawl_incomplete=facts.get("crawl_incomplete", ""))


def build_sites(units, outcomes) -> dict[str, Site]:
    return {u["name"]: site_from(u, outcomes[u["name"]].snapshots, crawl_facts(outcomes[u["name"]]))
            for u in units}


def needs_peers(rule) -> bool:
    """A rule whose check reads the other audited units' Sites (ctx.extras["peers"])."""
    return getattr(CHECKS[rule.check], "NEEDS_PEERS", False)


def unit_score(results, rules) -> float | None:
    """score() of the results, capped at 0 when a veto rule (单项否决) among rules failed."""
    veto = {rule.id for rule in rules if rule.veto}
    return 0.0 if any(r.status == "fail" and r.rule in veto for r in results) else score(results)


def judge_units(store, run_id: int, units, sites: dict, unit_ids: dict, rulebook, as_of: date,
                browser=None, browser_missing: str = "", attempts: dict | None = None,
                with_peer_rules: bool = True, facts: dict | None = None) -> list[UnitResult]:
    """Run the rulebook on each unit's Site and store results and the unit's state together.
    attempts (distributed audits): unit name -> the attempt that owns it (StaleAttempt if not);
    with_peer_rules=False leaves the audit-wide rules to judge_peer_rules."""
    out = []
    for unit in units:
        site = sites[unit["name"]]
        rules = [r for r in rulebook.applicable(unit["type"], unit["name"])
                 if with_peer_rules or not needs_peers(r)]
        ctx = CheckContext(as_of=as_of, unit=unit, browser=browser, browser_missing=browser_missing,
                           extras={"peers": sites})
        results = run_rules(rules, site, ctx)
        score_ = unit_score(results, rules)
        internal = site.internal
        failed = sum(1 for s in internal if not s.ok)
        reachable = site.home is not None and site.home.ok
        extra = {}
        if facts is not None:
            extra["crawl_facts"] = json.dumps(facts[unit["name"]], ensure_ascii=False)
        store.complete_unit(run_id, unit_ids[unit["name"]], unit["name"], results,
                            attempt=(attempts or {}).get(unit["name"]),
                            pages_crawled=len(internal), pages_failed=failed,
                            score=score_, status="done" if reachable else "unreachable",
                            error="" if reachable else site.why_unseen(site.start_url), **extra)
        out.append(UnitResult(unit=unit, site=site, results=results, score=score_,
                              pages_crawled=len(internal), pages_failed=failed, reachable=reachable,
                              rules=rules))
    return out


def run_audit(store, run_id: int, units: list[dict], rulebook, as_of: date, max_pages: int,
              browser=None, browser_missing: str = "", settings: dict | None = None,
              progress=None) -> list[UnitResult]:
    unit_ids = {u["name"]: store.add_unit(run_id, u) for u in units}
    from zwgk.checks.needs import plan_settings     # which columns the rules read in full
    # SNAPSHOT_CACHE_DB: a re-audit reuses the last audit's parsed pages (crawler/snapshot_cache.py)
    plan = {**plan_settings(rulebook), "SNAPSHOT_CACHE_DB": store.url}
    outcomes = crawl_units(units, rulebook.keywords(), max_pages,
                           on_snapshot=lambda name, snap: store.add_page(run_id, name, snap),
                           settings={**plan, **(settings or {})}, progress=progress)
    store.flush()
    sites = build_sites(units, outcomes)
    browser, browser_missing = browser_pass(browser, browser_missing, units, sites, rulebook, run_id)
    return judge_units(store, run_id, units, sites, unit_ids, rulebook, as_of,
                       browser=browser, browser_missing=browser_missing,
                       facts={u["name"]: crawl_facts(outcomes[u["name"]]) for u in units})


def judge_peer_rules(store, run_id: int, units: list[dict], rulebook, as_of: date) -> int:
    """The audit-wide rules of a distributed audit, judged once every unit is done: each unit's
    Site is rebuilt from its stored pages and crawl facts, the rules run with every Site as
    peers, their results replace any earlier ones and the unit's score is recomputed from all
    its results. Returns the number of results written."""
    from types import SimpleNamespace
    peer_rules = {u["name"]: [r for r in rulebook.applicable(u["type"], u["name"]) if needs_peers(r)]
                  for u in units}
    if not any(peer_rules.values()):
        return 0
    rows = {r["unit_name"]: r for r in store.unit_rows(run_id)}
    sites = {u["name"]: site_from(u, store.load_pages(run_id, u["name"]),
                                  json.loads(rows[u["name"]].get("crawl_facts") or "{}"))
             for u in units}
    written = 0
    for unit in units:
        rules = peer_rules[unit["name"]]
        if not rules:
            continue
        ctx = CheckContext(as_of=as_of, unit=unit, extras={"peers": sites})
        results = run_rules(rules, sites[unit["name"]], ctx)
        judged = {r.rule for r in results}
        others = [SimpleNamespace(rule=r["rule"], status=r["status"], severity=r["severity"])
                  for r in store.result_rows(run_id, unit["name"]) if r["rule"] not in judged]
        store.replace_results(run_id, unit["name"], judged, results,
                              score=unit_score(others + results,
                                               rulebook.applicable(unit["type"], unit["name"])))
        written += len(results)
    return written
