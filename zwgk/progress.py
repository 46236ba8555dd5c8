"""What `zwgk check` and `zwgk audit` show while they run, phase by phase — 抓取 (crawl),
浏览器检查 (browser pass), 规则检查 (checks), 生成报告 (reports):

- on a terminal, a live line: the phase, its progress, the pages and failed pages (错误), the
  time taken and an estimate of the time left for the whole run, the phases still to come
  included; a line is kept as each unit's crawl and each phase ends;
- without a terminal (cron), `audit` writes one line per unit and one per phase, and `check`
  (quiet) writes nothing: its summary is what it prints;
- everything goes to the log too.

The estimate of a phase that has not begun comes from the same phase of the previous run on
the same database (per unit, `timings()` → the log folder's timings.json), else from the rough
defaults below. Page counts follow zwgk.page.scope.UnitPages, exactly as the scorecards count.
"""
from __future__ import annotations

import logging
import sys
import time
from collections import Counter

from zwgk.page.scope import UnitPages
from zwgk.page.snapshot import failure_reason

log = logging.getLogger("zwgk.audit")

PHASES = {"crawl": "抓取", "browser": "浏览器检查", "checks": "规则检查", "reports": "生成报告"}
# What a phase counts, for the live line
STEP_NOUN = {"crawl": "单位", "browser": "页面", "checks": "单位", "reports": "文件"}
# Rough seconds per unit of the phases after the crawl, until a run on this database has measured
# its own (the crawl's is never guessed: "—" until a unit is done or a run has measured it)
DEFAULT_SECONDS_PER_UNIT = {"browser": 10.0, "checks": 0.5, "reports": 0.3}


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def reasons_text(reasons: Counter | dict, limit: int = 4) -> str:
    """'HTTP 404 ×3、连接超时 ×1…' — why pages could not be fetched, most frequent first."""
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    text = "、".join(f"{why} ×{n}" for why, n in ordered[:limit])
    return text + (f" 等 {len(ordered)} 种原因" if len(ordered) > limit else "")


class Progress:
    def __init__(self, total_units: int, stream=None, live: bool | None = None, parallel: int = 8,
                 phases=tuple(PHASES), quiet: bool = False, priors: dict | None = None, clock=None):
        """phases: the phases this run will go through, in order; quiet: no output at all
        unless live; priors: {phase: seconds per unit} measured by an earlier run."""
        self.stream = stream or sys.stderr
        try:
            tty = self.stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.live = tty if live is None else live
        self.quiet = quiet and not self.live
        self.total = total_units
        self.parallel = max(1, parallel)
        self.phases = [p for p in PHASES if p in phases]
        self.priors = {**DEFAULT_SECONDS_PER_UNIT, **{k: float(v) for k, v in (priors or {}).items()
                                                      if k in PHASES and isinstance(v, (int, float)) and v >= 0}}
        self._now = clock or time.monotonic
        self.started = self._now()
        # the phase under way; a run without a crawl (report) has none until its first begins
        self.phase = "crawl" if "crawl" in self.phases else None
        self.phase_started = self.started
        self.phase_total = total_units
        self.phase_done = 0
        self.took: dict[str, float] = {}
        self.done = 0
        self.pages = 0
        self.errors = 0
        self.reasons: Counter = Counter()
        self.unit_pages: dict[str, int] = {}
        self.unit_errors: dict[str, Counter] = {}
        self.unit_started_at: dict[str, float] = {}
        self._own: dict[str, UnitPages] = {}
        self._last_draw = 0.0
        self._closed = False

    # -- the crawl -------------------------------------------------------------------------------
    def unit_started(self, unit):
        name = unit["name"]
        self.unit_started_at[name] = self._now()
        self.unit_pages[name] = 0
        self.unit_errors[name] = Counter()
        self._own[name] = UnitPages.of_unit(unit)
        log.info("开始抓取 %s %s", name, unit["url"])

    def page(self, unit, snap):
        name = unit["name"]
        own = self._own.get(name) or self._own.setdefault(name, UnitPages.of_unit(unit))
        if not own.counts(snap):
            return
        self.pages += 1
        self.unit_pages[name] = self.unit_pages.get(name, 0) + 1
        if not snap.ok:
            self.errors += 1
            why = failure_reason(snap)
            self.reasons[why] += 1
            self.unit_errors.setdefault(name, Counter())[why] += 1
            log.info("页面未能抓取（%s）：%s %s", name, snap.url, why)
        self._maybe_draw()

    def unit_finished(self, unit, outcome):
        name = unit["name"]
        self.done += 1
        self.phase_done = self.done
        took = self._now() - self.unit_started_at.get(name, self.started)
        reason = outcome.error or ("" if outcome.close_reason in ("", "finished") else outcome.close_reason)
        failed = self.unit_errors.get(name) or Counter()
        line = (f"[{self.done}/{self.total}] {name}：抓取 {self.unit_pages.get(name, 0)} 页"
                + (f"（未能抓取 {sum(failed.values())} 页：{reasons_text(failed)}）" if failed else "")
                + f"，用时 {_clock(took)}" + (f"，提前结束：{reason}" if reason else ""))
        self._keep(line)

    # -- the phases ------------------------------------------------------------------------------
    def start_phase(self, phase: str, total: int):
        """Begin a phase of `total` steps (browser: pages to visit; checks: units; reports: files)."""
        self._end_phase()
        self.phase = phase
        self.phase_started = self._now()
        self.phase_total = max(0, int(total))
        self.phase_done = 0
        log.info("%s：开始（%d 个%s）", PHASES[phase], self.phase_total, STEP_NOUN[phase])
        if self.live:
            self._draw()

    def step(self, n: int = 1):
        self.phase_done = min(self.phase_total, self.phase_done + n) if self.phase_total else self.phase_done + n
        self._maybe_draw()

    def _end_phase(self):
        phase = self.phase
        if phase is None or phase in self.took:
            return
        took = self._now() - self.phase_started
        self.took[phase] = took
        if phase == "crawl":
            line = f"抓取完成：{self.done} 个单位，页面 {self.pages} 个"
            if self.errors:
                line += f"，其中 {self.errors} 个未能抓取（错误 {self.errors}：{reasons_text(self.reasons)}）"
        else:
            line = f"{PHASES[phase]}完成：{self.phase_done} 个{STEP_NOUN[phase]}"
        self._keep(line + f"，用时 {_clock(took)}")

    # -- the estimate ------------------------------------------------------------------------------
    def _phase_left(self, phase: str) -> float | None:
        """Seconds left in the current phase, from its own pace once it has one."""
        if phase == "crawl":
            if self.done:
                elapsed = self._now() - self.phase_started
                return (self.total - self.done) * elapsed / self.done
            return None if "crawl" not in self.priors else self.priors["crawl"] * self.total
        elapsed = self._now() - self.phase_started
        if self.phase_done and self.phase_total:
            return (self.phase_total - self.phase_done) * elapsed / self.phase_done
        return max(0.0, self.priors.get(phase, 0.0) * self.total - elapsed)

    def eta_seconds(self) -> float | None:
        if self.phase is None:
            return None
        left = self._phase_left(self.phase)
        if left is None:
            return None
        later = self.phases[self.phases.index(self.phase) + 1:] if self.phase in self.phases else []
        return left + sum(self.priors.get(p, 0.0) * self.total for p in later)

    def eta(self) -> str:
        seconds = self.eta_seconds()
        return "—" if seconds is None else _clock(seconds)

    def timings(self) -> dict:
        """{phase: seconds per unit} of this run, for the next run's estimate."""
        units = max(1, self.total)
        return {p: round(t / units, 3) for p, t in self.took.items()}

    # -- drawing -----------------------------------------------------------------------------------
    def status_line(self) -> str:
        if self.phase is None:
            return f"已用 {_clock(self._now() - self.started)}"
        n = self.phases.index(self.phase) + 1 if self.phase in self.phases else 1
        head = f"[{PHASES[self.phase]} {n}/{len(self.phases)}]"
        if self.phase == "crawl":
            body = f"单位 {self.done}/{self.total} · 页面 {self.pages} · 错误 {self.errors}"
        else:
            body = f"{STEP_NOUN[self.phase]} {self.phase_done}/{self.phase_total}"
        return (f"{head} {body} · 已用 {_clock(self._now() - self.started)} · 预计剩余 {self.eta()}")

    def _maybe_draw(self):
        if self.live and self._now() - self._last_draw > 0.5:
            self._draw()

    def _draw(self):
        self._last_draw = self._now()
        self.stream.write("\r\x1b[K" + self.status_line())
        self.stream.flush()

    def _keep(self, line: str):
        """A line that stays: in the log, and on the terminal or (not quiet) under cron."""
        log.info(line)
        if self.live:
            self.stream.write("\r\x1b[K" + line + "\n")
            self._draw()
        elif not self.quiet:
            self.stream.write(line + "\n")
        else:
            return
        self.stream.flush()

    def close(self):
        if self._closed:
            return
        self._closed = True
        self._end_phase()
        total = f"全部完成，用时 {_clock(self._now() - self.started)}"
        log.info(total)
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
