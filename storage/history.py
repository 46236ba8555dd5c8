"""Read-only questions across audit runs, answered from the results database.

- the previous complete audit of a run (same kind, same rulebook);
- per unit, its sequence of complete runs (the window of the last N);
- per (unit, rule): the statuses along that sequence and a class —
  new (新发现), fixed (已整改), persistent (持续存在), unstable (时好时坏), unverified
  (上次有问题、本次无法判断), first (首次巡检即发现);
- per (unit, rule, finding url): when the problem was first seen and since when it has stood;
- per unit: the score trend over the window, each run with its counts of statuses and pages;
- per unit: the score of the previous complete run, to say what improved (`previous_score`).

Nothing here writes. The result is a plain dict (`History`) handed to reports/, which stays pure.

How a change is classed (documented in the README and on scoring.html):
- only `fail` and `warn` are problems; `unknown`, `not_applicable` and a rule that did not run
  carry no information, so a status is compared with the last *decided* (pass/fail/warn) status
  of the same rule for the same unit in an earlier complete run;
- a rule whose decided statuses changed between problem and no-problem at least
  `UNSTABLE_FLIPS` times among its last `UNSTABLE_WINDOW` decided statuses (the current one
  included) is `unstable` — it is not reported as new or fixed every night.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from zwgk.storage.database import findings, results, run_units, runs

PROBLEM = ("fail", "warn")
DECIDED = ("pass", "fail", "warn")
UNSTABLE_WINDOW = 4     # decided statuses looked at (the current one included)
UNSTABLE_FLIPS = 2      # problem <-> no-problem changes among them that make a rule unstable
DEFAULT_WINDOW = 30     # complete runs of history per unit



@dataclass
class History:
    run: dict                                     # {"id", "as_of", "kind", "rulebook"}
    previous: dict | None                         # the previous complete run of the same kind
    runs: list = field(default_factory=list)      # window of runs (all units), oldest first
    unit_runs: dict = field(default_factory=dict)  # unit -> [run id] oldest first, current last
    trend: dict = field(default_factory=dict)     # unit -> [{"run", "as_of", "score", "pages", "counts"}] oldest first
    rules: dict = field(default_factory=dict)     # (unit, rule) -> {"class", "statuses", "since"}
    finding_dates: dict = field(default_factory=dict)  # (unit, rule, url) -> {"first_seen", "since"}
    fixed: dict = field(default_factory=dict)     # unit -> [{"rule","item","title","status_before"}]
    window: int = DEFAULT_WINDOW
    unstable_window: int = UNSTABLE_WINDOW
    unstable_flips: int = UNSTABLE_FLIPS
    _counts: dict | None = field(default=None, repr=False)

    def rule(self, unit: str, rule: str) -> dict:
        return self.rules.get((unit, rule), {})

    def finding(self, unit: str, rule: str, url: str) -> dict:
        return self.finding_dates.get((unit, rule, url or ""), {})

    def previous_score(self, unit: str) -> tuple[bool, float | None]:
        """(the unit took part in an earlier complete run, its score there)."""
        trend = self.trend.get(unit, [])
        return (True, trend[-2]["score"]) if len(trend) > 1 else (False, None)

    def counts(self, unit: str) -> dict:
        """{"new": n, "fixed": n, "unstable": n, "persistent": n} for one unit."""
        if self._counts is None:
            self._counts = {}
            for (u, _rule), info in self.rules.items():
                c = self._counts.setdefault(u, {"new": 0, "fixed": 0, "unstable": 0, "persistent": 0})
                if info.get("class") in c:
                    c[info["class"]] += 1
        return dict(self._counts.get(unit) or {"new": 0, "fixed": 0, "unstable": 0, "persistent": 0})


def is_problem(status) -> bool:
    return status in PROBLEM


def classify(statuses: list, window: int = UNSTABLE_WINDOW, flips: int = UNSTABLE_FLIPS) -> str | None:
    """The class of the last status of a (unit, rule) sequence, oldest first.

    None entries (rule not run for the unit) and unknown/not_applicable are not decided."""
    if not statuses:
        return None
    current, earlier = statuses[-1], statuses[:-1]
    decided_before = [s for s in earlier if s in DECIDED]
    prev = decided_before[-1] if decided_before else None
    if current not in DECIDED:
        return "unverified" if is_problem(prev) else None
    if not earlier:                       # the unit's first complete run: nothing to compare with
        return "first" if is_problem(current) else None
    recent = [is_problem(s) for s in (decided_before + [current])[-window:]]
    changes = sum(1 for a, b in zip(recent, recent[1:]) if a != b)
    if changes >= flips and (is_problem(current) or is_problem(prev)):
        return "unstable"
    if is_problem(current):
        return "persistent" if is_problem(prev) else "new"
    return "fixed" if is_problem(prev) else None


def previous_complete_run(store, run_id: int, kind: str | None = None, rulebook: str | None = None):
    """The latest complete run before run_id (same kind and rulebook as run_id unless given)."""
    with store.engine.connect() as conn:
        cur = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if cur is None:
            return None
        q = select(runs).where(runs.c.complete.is_(True), runs.c.id < run_id,
                               runs.c.kind == (kind or cur["kind"]),
                               runs.c.rulebook == (rulebook or cur["rulebook"]))
        row = conn.execute(q.order_by(runs.c.id.desc())).mappings().first()
    return dict(row) if row else None


def _unit_sequences(conn, run: dict, units: list[str] | None, window: int):
    """unit -> [(run_id, as_of, score)] of complete runs (plus the current one), oldest first.

    For an audit: earlier complete audits; for a check: earlier complete runs of any kind. Always
    the same rulebook, and only runs the unit took part in."""
    q = (select(run_units.c.run_id, run_units.c.unit_name, run_units.c.score, runs.c.as_of,
                run_units.c.pages_crawled)
         .join(runs, runs.c.id == run_units.c.run_id)
         .where(runs.c.rulebook == run["rulebook"], runs.c.id <= run["id"])
         .where((runs.c.complete.is_(True)) | (runs.c.id == run["id"])))
    if run["kind"] == "audit":
        q = q.where(runs.c.kind == "audit")
    if units is not None:
        q = q.where(run_units.c.unit_name.in_(units))
    seqs: dict[str, list] = defaultdict(list)
    for r in conn.execute(q.order_by(run_units.c.run_id)).all():
        seqs[r.unit_name].append((r.run_id, r.as_of, r.score, r.pages_crawled))
    current_units = set(units) if units is not None else {
        u for u, seq in seqs.items() if seq and seq[-1][0] == run["id"]}
    return {u: seq[-window:] for u, seq in seqs.items()
            if u in current_units and seq and seq[-1][0] == run["id"]}


def build_history(store, run_id: int, units: list[str] | None = None,
                  window: int = DEFAULT_WINDOW) -> History:
    """Everything the reports need to know about earlier runs, for the units of run_id."""
    with store.engine.connect() as conn:
        run = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if run is None:
            raise ValueError(f"no run {run_id}")
        run = dict(run)
        seqs = _unit_sequences(conn, run, units, window)
        run_ids = sorted({rid for seq in seqs.values() for rid, *_ in seq})
        as_of = {rid: a for seq in seqs.values() for rid, a, *_ in seq}
        statuses: dict[tuple, dict] = defaultdict(dict)     # (unit, rule) -> {run: status}
        titles: dict[tuple, tuple] = {}
        problems: dict[tuple, set] = defaultdict(set)       # (unit, rule, url) -> {run}
        if run_ids:
            names = list(seqs)
            rq = (select(results.c.id, results.c.run_id, results.c.unit_name, results.c.rule,
                         results.c.status, results.c.item, results.c.title)
                  .where(results.c.run_id.in_(run_ids), results.c.unit_name.in_(names)))
            for r in conn.execute(rq).all():
                statuses[(r.unit_name, r.rule)][r.run_id] = r.status
                if r.run_id == run_id or (r.unit_name, r.rule) not in titles:
                    titles[(r.unit_name, r.rule)] = (r.item, r.title)
            fq = (select(results.c.run_id, results.c.unit_name, results.c.rule, findings.c.url)
                  .join(results, results.c.id == findings.c.result_id)
                  .where(results.c.run_id.in_(run_ids), results.c.unit_name.in_(names),
                         findings.c.status.in_(PROBLEM)))
            for r in conn.execute(fq).all():
                problems[(r.unit_name, r.rule, r.url or "")].add(r.run_id)

    prev = previous_complete_run(store, run_id)
    hist = History(run={k: run[k] for k in ("id", "as_of", "kind", "rulebook")},
                   previous={k: prev[k] for k in ("id", "as_of", "kind")} if prev else None,
                   runs=[{"id": rid, "as_of": as_of[rid]} for rid in run_ids], window=window)
    tallies: dict[tuple, Counter] = defaultdict(Counter)   # (unit, run) -> {status: rules}
    for (unit, _rule), by_run in statuses.items():
        for rid, status in by_run.items():
            tallies[(unit, rid)][status] += 1
    for unit, seq in seqs.items():
        hist.unit_runs[unit] = [rid for rid, *_ in seq]
        hist.trend[unit] = [{"run": rid, "as_of": a, "score": s, "pages": pages or 0,
                             "counts": {k: tallies[(unit, rid)].get(k, 0) for k in ("fail", "warn", "unknown", "pass")}}
                            for rid, a, s, pages in seq]
    for (unit, rule), by_run in statuses.items():
        seq_ids = hist.unit_runs.get(unit, [])
        line = [by_run.get(rid) for rid in seq_ids]
        if not line or line[-1] is None:          # the rule did not run for the unit this time
            continue
        cls = classify(line)
        hist.rules[(unit, rule)] = {"class": cls, "statuses": line,
                                    "since": _since(seq_ids, line, as_of, lambda s: is_problem(s))}
        if cls == "fixed":
            item, title = titles[(unit, rule)]
            before = next(s for s in reversed(line[:-1]) if s in DECIDED)
            hist.fixed.setdefault(unit, []).append({"rule": rule, "item": item, "title": title,
                                                    "status_before": before})
    for (unit, rule, url), seen in problems.items():
        seq_ids = hist.unit_runs.get(unit, [])
        if not seq_ids or seq_ids[-1] not in seen:
            continue                                 # not a problem now: no date to show
        line = statuses.get((unit, rule), {})
        first = min(seen)
        since = seq_ids[-1]
        for rid in reversed(seq_ids):
            if rid in seen:
                since = rid
            elif line.get(rid) in DECIDED:
                break                                # decided without this problem: streak ends
        hist.finding_dates[(unit, rule, url)] = {
            "first_seen": as_of[first], "since": as_of[since],
            "bounded": first == seq_ids[0] and len(seq_ids) >= window}
    return hist


def _since(seq_ids, line, as_of, pred):
    """as_of of the start of the current streak where pred(status) held (undecided runs skipped)."""
    if not line or not pred(line[-1]):
        return None
    since = seq_ids[-1]
    for rid, s in zip(reversed(seq_ids), reversed(line)):
        if pred(s):
            since = rid
        elif s in DECIDED:
            break
    return as_of[since]
