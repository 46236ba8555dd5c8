"""`python -m tests.hostile.audit_run CONFIG.json`: one real audit (zwgk.audit.audit_units: every
unit crawled in one reactor, the checks run, results stored) with what the attachment tests
measure: each unit's crawl time, the reactor's longest stall (a 50 ms LoopingCall), this
process's peak RSS and the attachment workers' (the pool's own accounting: their RUSAGE_SELF, or
VmHWM read just before a kill), what each attachment gave, and each unit's rule statuses.
CONFIG: {"units": [...], "settings": {...}, "db": path, "as_of": "YYYY-MM-DD", "max_pages": N,
"result": path}."""
from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date


class Recorder:
    """The audit's progress hooks: unit times and the reactor's heartbeat."""

    def __init__(self):
        self.units: dict = {}
        self.max_gap = 0.0
        self._last = None
        self._beat = None

    def _tick(self):
        now = time.monotonic()
        if self._last is not None:
            self.max_gap = max(self.max_gap, now - self._last)
        self._last = now

    def unit_started(self, unit):
        if self._beat is None:
            from twisted.internet import task
            self._beat = task.LoopingCall(self._tick)
            self._beat.start(0.05)
        self.units[unit["name"]] = {"started": time.monotonic()}

    def unit_finished(self, unit, outcome):
        rec = self.units[unit["name"]]
        rec.update(seconds=time.monotonic() - rec["started"], close_reason=outcome.close_reason,
                   pages=sorted(s.url for s in outcome.snapshots if s.status == 200 and not s.external),
                   attachments={s.url: {"error": s.doc_error, "chars": len(s.doc_text or "")}
                                for s in outcome.snapshots if s.doc_text or s.doc_error})

    def page(self, unit, snap):
        pass


def main(config_path: str) -> None:
    config = json.loads(open(config_path, encoding="utf-8").read())
    from zwgk.audit import audit_units
    from zwgk.checks.rulebook import load_rulebook
    from zwgk.crawler import attachments
    from zwgk.storage.database import Store

    pools = []
    shutdown = attachments.AttachmentPool.shutdown

    def keep_stats(self, *args, **kwargs):
        pools.append(dict(self.stats))
        return shutdown(self, *args, **kwargs)
    attachments.AttachmentPool.shutdown = keep_stats

    store = Store(config["db"])
    book = load_rulebook("jiangmen-2022")
    as_of = date.fromisoformat(config["as_of"])
    run_id = store.start_run("audit", book.id, as_of.isoformat(), "attachment test")
    recorder = Recorder()
    t0 = time.monotonic()
    audit_units(store, run_id, config["units"], book, as_of, config["max_pages"],
                settings=config.get("settings") or {}, progress=recorder)
    store.finish_run(run_id, complete=True)
    rules = {u["name"]: {r["rule"]: {"status": r["status"], "findings": [f["message"] for f in r["findings"]]}
                         for r in store.result_rows(run_id, u["name"])} for u in config["units"]}
    out = {"seconds": time.monotonic() - t0, "units": recorder.units, "max_gap_s": recorder.max_gap,
           "caller_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           "worker_peak_rss_kb": max((p.get("peak_worker_rss_kb", 0) for p in pools), default=0),
           "pool": pools[-1] if pools else {}, "rules": rules}
    with open(config["result"], "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
