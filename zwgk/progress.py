"""What an audit shows while it runs: a live line on a terminal, one quiet line per unit under
cron (stderr is not a TTY), and everything in the log file."""
from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger("zwgk.audit")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total_units: int, stream=None, live: bool | None = None, parallel: int = 8):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.total = total_units
        self.parallel = max(1, parallel)
        self.started = time.monotonic()
        self.done = 0
        self.pages = 0
        self.errors = 0
        self.unit_pages: dict[str, int] = {}
        self.unit_started_at: dict[str, float] = {}
        self._last_draw = 0.0

    def unit_started(self, unit):
        self.unit_started_at[unit["name"]] = time.monotonic()
        self.unit_pages[unit["name"]] = 0
        log.info("开始抓取 %s %s", unit["name"], unit["url"])

    def page(self, unit, snap):
        if snap.external:
            return
        self.pages += 1
        self.unit_pages[unit["name"]] = self.unit_pages.get(unit["name"], 0) + 1
        if not snap.ok and not snap.probe:
            self.errors += 1
        if self.live and time.monotonic() - self._last_draw > 0.5:
            self._draw()

    def unit_finished(self, unit, outcome):
        self.done += 1
        took = time.monotonic() - self.unit_started_at.get(unit["name"], self.started)
        reason = outcome.error or ("" if outcome.close_reason in ("", "finished") else outcome.close_reason)
        line = (f"[{self.done}/{self.total}] {unit['name']}：抓取 {self.unit_pages.get(unit['name'], 0)} 页，"
                f"用时 {_clock(took)}" + (f"，提前结束：{reason}" if reason else ""))
        log.info(line)
        if self.live:
            self.stream.write("\r\x1b[K" + line + "\n")
            self._draw()
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def eta(self) -> str:
        if not self.done:
            return "—"
        elapsed = time.monotonic() - self.started
        remaining = (self.total - self.done) * elapsed / self.done
        return _clock(remaining)

    def _draw(self):
        self._last_draw = time.monotonic()
        self.stream.write(f"\r\x1b[K单位 {self.done}/{self.total} · 页面 {self.pages} · 错误 {self.errors} · "
                          f"已用 {_clock(time.monotonic() - self.started)} · 预计剩余 {self.eta()}")
        self.stream.flush()

    def close(self):
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
