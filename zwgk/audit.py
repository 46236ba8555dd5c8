"""The audit: crawl units, build each unit's one Site, render what needs the browser, run the
rulebook, store, score. `zwgk check`, `zwgk audit` and the cluster workers all call
`audit_units`; `build_site` is the one place a Site is made.

Two phases: every unit's Site is built before any rule runs, so audit-wide checks (item 10:
near-copy annual reports across units) can compare a unit with its peers via ctx.extras["peers"].
A distributed audit (zwgk/cluster.py) judges each unit on the worker that crawled it, without
those audit-wide rules (peers=False); the coordinator judges them at the end from the stored
pages (judge_peer_rules), so both ways give the same verdicts.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from zwgk.checks.browser_sample import choose_sample, pages_to_render
from zwgk.checks.engine import CheckContext, run_rules, score, veto_failed
from zwgk.checks.needs import needs_of, plan_settings, probe_config
from zwgk.checks.site import Site
from zwgk.crawler.browser import BrowserStartError, UnitJob, rendered_snapshots
from zwgk.crawler.runner import crawl_units, scrapy_settings
from zwgk.page.browser_evidence import BrowserEvidence
from zwgk.page.snapshot import failure_reason
from zwgk.storage.snapshot_cache import previous_pages, remember_parser


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
    if outcome.host_stopped:
        return outcome.host_stopped      # blocked or told to wait: what was not reached is unseen
    reason = outcome.close_reason
    return "" if reason in ("", "finished") else _CLOSE_REASONS.get(reason, reason)


def crawl_facts(outcome) -> dict:
    """What a Site needs besides the pages (stored with the unit, so a Site can be rebuilt from
    the database: the end of a distributed audit)."""
    return {"budget_refused": list(outcome.budget_refused), "external_skipped": outcome.external_skipped,
            "traps": [list(t) for t in outcome.traps], "crawl_incomplete": _incomplete(outcome),
            "moved_to": outcome.moved_to}


def build_site(unit: dict, snapshots, facts: dict) -> Site:
    """A unit's Site from its snapshots and its crawl facts: made here and nowhere else, so
    every Site of a unit — after the crawl, after rendering, rebuilt from the database — knows
    the same traps, refused links and reason the crawl ended."""
    # a start URL that redirected within the same site moved the crawl's scope (moved_start)
    return Site(unit["url"], snapshots, scope=unit.get("scope") or facts.get("moved_to") or None,
                budget_refused=facts.get("budget_refused", []),
                external_skipped=facts.get("external_skipped", 0), unit=unit,
                traps=[tuple(t) for t in facts.get("traps", [])],
                crawl_incomplete=facts.get("crawl_incomplete", ""))


def audit_units(store, run_id: int, units: list[dict], rulebook, as_of: date, max_pages: int, *,
                unit_ids: dict | None = None, browser=None, browser_missing: str = "",
                settings: dict | None = None, progress=None, attempts: dict | None = None,
                peers: bool = True) -> list[UnitResult]:
    """Audit units end to end and store each unit's results with its state.

    unit_ids: unit name -> its row of the run (added here when not given); settings: Scrapy
    settings over the shipped ones; attempts (distributed audits): unit name -> the attempt that
    owns it; peers=False leaves the audit-wide rules to judge_peer_rules."""
    if unit_ids is None:
        unit_ids = {u["name"]: store.add_unit(run_id, u) for u in units}
    overrides = {**plan_settings(rulebook), **(settings or {})}   # the plan: columns read in full
    crawl_settings = scrapy_settings(overrides)
    outcomes = crawl_units(units, rulebook.keywords(), max_pages,
                           on_snapshot=lambda name, snap: store.add_page(run_id, name, snap),
                           settings=overrides, progress=progress,
                           previous_pages=previous_pages(store, crawl_settings))
    store.flush()
    run = store.run_row(run_id)
    if run is not None and run["kind"] == "audit":
        remember_parser(store, crawl_settings, run_id)   # the next audit may reuse these pages
    facts = {u["name"]: crawl_facts(outcomes[u["name"]]) for u in units}
    sites = {u["name"]: build_site(u, outcomes[u["name"]].snapshots, facts[u["name"]]) for u in units}
    browser, browser_missing = browser_pass(browser, browser_missing, units, sites, facts, rulebook, run_id,
                                            net=crawl_settings, progress=progress)
    return judge_units(store, run_id, units, sites, unit_ids, rulebook, as_of, browser=browser,
                       browser_missing=browser_missing, attempts=attempts, peers=peers, facts=facts,
                       progress=progress)


def _phase(progress, phase: str, total: int):
    """Tell the progress display a phase begins (the cluster's page counter has no phases)."""
    start = getattr(progress, "start_phase", None)
    if start is not None:
        start(phase, total)


def _stepper(progress):
    return getattr(progress, "step", None)


# -- the browser pass ------------------------------------------------------------------------------
def _browser_job(unit: dict, site: Site, rulebook, browser_settings, run_id, net=None) -> UnitJob | None:
    """The pages Chromium visits for one unit and what it measures there, or None."""
    home = site.home
    if home is None or not home.ok:
        return None
    cfg = probe_config(rulebook.applicable(unit["type"], unit["name"]))
    visits: dict[str, list] = {}
    if cfg.audit:
        for url, role, label in choose_sample(site, browser_settings.sample_size):
            visits[url] = [url, role, label, True, False]
    reasons = {}
    for url, reason in pages_to_render(site, unit, browser_settings.max_render):
        reasons[url] = reason
        if url in visits:
            visits[url][4] = True
        else:
            visits[url] = [url, "rendered", reason, False, True]
    if not visits:
        return None
    job = UnitJob(unit=unit, config=cfg, visits=[tuple(v) for v in visits.values()], run_id=run_id,
                  render_reasons=reasons)
    if net is not None:       # the crawl's own guard settings hold for Chromium too
        job.allow_internal = (net.getbool("NETGUARD_ALLOW_INTERNAL") or not net.getbool("NETGUARD_ENABLED", True))
        job.allowed_hosts = tuple(net.getlist("NETGUARD_ALLOWED_HOSTS"))
    job.evidence.sample = [u for u, v in visits.items() if v[3]]
    return job


def browser_pass(browser, browser_missing: str, units, sites: dict, facts: dict, rulebook, run_id=None,
                 net=None, progress=None):
    """Chromium visits each unit's sample and renders the pages that need it. A unit with
    rendered pages gets a new Site (build_site, with the same crawl facts: only the rendered
    pages change); every unit's Site gets `site.browser`, the evidence. Returns (browser,
    browser_missing) for the CheckContext: (None, reason) when there is no browser or it could
    not start. net: the crawl's Scrapy settings, whose NETGUARD_* hold for Chromium too."""
    if browser is None:
        return None, browser_missing
    jobs = {}
    for unit in units:
        job = _browser_job(unit, sites[unit["name"]], rulebook, browser.settings, run_id, net)
        if job is not None:
            jobs[unit["name"]] = job
    _phase(progress, "browser", sum(len(j.visits) for j in jobs.values()))
    if jobs:
        try:
            browser.run_pass(list(jobs.values()), on_page=_stepper(progress))
        except BrowserStartError as exc:
            return None, str(exc)
    for unit in units:
        name = unit["name"]
        site, job = sites[name], jobs.get(name)
        if job is None:
            evidence = BrowserEvidence(unit=name, browser_version=browser.version,
                                       skipped="首页未能抓取，未进行浏览器检查" if site.home is None or not site.home.ok
                                       else "没有需要浏览器检查的页面")
        else:
            evidence = job.evidence
            if job.render_reasons:
                snapshots = rendered_snapshots(job, site.snapshots, site.scope)
                if job.rendered_html:
                    site = sites[name] = build_site(unit, snapshots, facts[name])
        site.browser = evidence
    return browser, ""


# -- judging -------------------------------------------------------------------------------------
def unit_score(results, rules, site) -> tuple[float | None, str]:
    """(score, why there is none): score(), except that a crawl that saw too little gets no score
    unless a veto rule failed on what it saw. A login page or one article passing the few rules
    it can is no 100 分 at the top of the circular's table."""
    thin = site.thin_crawl()
    if thin and not veto_failed(results, rules):
        return None, f"抓取到的内容太少，未评分：{thin}"
    return score(results, rules), ""


def judge_units(store, run_id: int, units, sites: dict, unit_ids: dict, rulebook, as_of: date,
                browser=None, browser_missing: str = "", attempts: dict | None = None,
                peers: bool = True, facts: dict | None = None, progress=None) -> list[UnitResult]:
    """Run the rulebook on each unit's Site; store results and the unit's state together."""
    out = []
    _phase(progress, "checks", len(units))
    step = _stepper(progress)
    for unit in units:
        site = sites[unit["name"]]
        rules = [r for r in rulebook.applicable(unit["type"], unit["name"]) if peers or not needs_of(r.check).peers]
        ctx = CheckContext(as_of=as_of, unit=unit, browser=browser, browser_missing=browser_missing,
                           extras={"peers": sites})
        results = run_rules(rules, site, ctx)
        score_, unscored = unit_score(results, rules, site)
        internal = site.internal
        failed = sum(1 for s in internal if not s.ok)
        reachable = site.home is not None and site.home.ok
        extra = {}
        if facts is not None:
            # why pages failed, stored with the count: every "失败 N" can say what the N were
            reasons = Counter(failure_reason(s) for s in internal if not s.ok)
            extra["crawl_facts"] = json.dumps({**facts[unit["name"]], "failed_reasons": dict(reasons),
                                               "unscored": unscored}, ensure_ascii=False)
        store.complete_unit(run_id, unit_ids[unit["name"]], unit["name"], results,
                            attempt=(attempts or {}).get(unit["name"]),
                            pages_crawled=len(internal), pages_failed=failed,
                            score=score_, status="done" if reachable else "unreachable",
                            error="" if reachable else site.why_unseen(site.start_url), **extra)
        out.append(UnitResult(unit=unit, site=site, results=results, score=score_,
                              pages_crawled=len(internal), pages_failed=failed, reachable=reachable,
                              rules=rules))
        if step is not None:
            step()
    return out


def judge_peer_rules(store, run_id: int, units: list[dict], rulebook, as_of: date) -> int:
    """The audit-wide rules of a distributed audit, judged once every unit is done: each unit's
    Site is rebuilt from its stored pages and crawl facts, the rules run with every Site as
    peers, their results replace any earlier ones and the unit's score is recomputed from all
    its results. Returns the number of results written."""
    from types import SimpleNamespace
    peer_rules = {u["name"]: [r for r in rulebook.applicable(u["type"], u["name"]) if needs_of(r.check).peers]
                  for u in units}
    if not any(peer_rules.values()):
        return 0
    rows = {r["unit_name"]: r for r in store.unit_rows(run_id)}
    sites = {u["name"]: build_site(u, store.load_pages(run_id, u["name"]),
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
                              score=unit_score(others + results, rulebook.applicable(unit["type"], unit["name"]),
                                               sites[unit["name"]])[0])
        written += len(results)
    return written
