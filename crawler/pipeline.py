"""One audit run end to end: crawl units, build Sites, (browser pass), run the rulebook, store.

Two phases: every unit's Site is built before any rule runs, so audit-wide checks (item 10:
near-copy annual reports across units) can compare a unit with its peers via ctx.extras["peers"].
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from checks.engine import CheckContext, run_rules, score
from checks.site import Site
from crawler.browser import browser_pass
from crawler.runner import crawl_units


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


def build_sites(units, outcomes) -> dict[str, Site]:
    sites = {}
    for unit in units:
        outcome = outcomes[unit["name"]]
        sites[unit["name"]] = Site(unit["url"], outcome.snapshots, scope=unit.get("scope"),
                                   budget_refused=outcome.budget_refused,
                                   external_skipped=outcome.external_skipped, unit=unit,
                                   traps=outcome.traps, crawl_incomplete=_incomplete(outcome))
    return sites


def judge_units(store, run_id: int, units, sites: dict, unit_ids: dict, rulebook, as_of: date,
                browser=None, browser_missing: str = "") -> list[UnitResult]:
    out = []
    for unit in units:
        site = sites[unit["name"]]
        rules = rulebook.applicable(unit["type"], unit["name"])
        ctx = CheckContext(as_of=as_of, unit=unit, browser=browser, browser_missing=browser_missing,
                           extras={"peers": sites})
        results = run_rules(rules, site, ctx)
        veto_failed = any(r.status == "fail" and rule.veto for r, rule in zip(results, rules))
        unit_score = 0.0 if veto_failed else score(results)
        internal = site.internal
        failed = sum(1 for s in internal if not s.ok)
        reachable = site.home is not None and site.home.ok
        store.add_results(run_id, unit["name"], results)
        store.finish_unit(unit_ids[unit["name"]], pages_crawled=len(internal), pages_failed=failed,
                          score=unit_score, status="done" if reachable else "unreachable",
                          error="" if reachable else site.why_unseen(site.start_url))
        out.append(UnitResult(unit=unit, site=site, results=results, score=unit_score,
                              pages_crawled=len(internal), pages_failed=failed, reachable=reachable,
                              rules=rules))
    return out


def run_audit(store, run_id: int, units: list[dict], rulebook, as_of: date, max_pages: int,
              browser=None, browser_missing: str = "", settings: dict | None = None,
              progress=None) -> list[UnitResult]:
    unit_ids = {u["name"]: store.add_unit(run_id, u) for u in units}
    outcomes = crawl_units(units, rulebook.keywords(), max_pages,
                           on_snapshot=lambda name, snap: store.add_page(run_id, name, snap),
                           settings=settings, progress=progress)
    store.flush()
    sites = build_sites(units, outcomes)
    browser, browser_missing = browser_pass(browser, browser_missing, units, sites, rulebook, run_id)
    return judge_units(store, run_id, units, sites, unit_ids, rulebook, as_of,
                       browser=browser, browser_missing=browser_missing)
