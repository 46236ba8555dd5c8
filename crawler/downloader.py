"""Scrapy's downloader with its per-host concurrency cap actually enforced.

With the asyncio reactor, Scrapy 2.19's Downloader starts each download as an asyncio task and
adds the request to the slot's `transferring` set only when that task first runs. Its queue loop
checks the free transfer slots before any task has run, so it hands out every queued request at
once: measured against a counting server, 10–15 requests at a time on one host with
CONCURRENT_REQUESTS_PER_DOMAIN = 4. For a crawler of government portals that promises to be
polite, the cap must hold: here a request counts as transferring from the moment it leaves the
queue (`_download` adds it again, harmlessly, and removes it when done).
tests/test_politeness.py measures it on the server side.

A host can also be held (crawler/backoff.py): paused until a time (429 Retry-After, a firewall's
block pages) or stopped with a reason. The hold is kept here, where a request leaves the host's
queue, so the requests already waiting in that queue wait too (or fail with the reason) instead
of reaching the host during the pause.
"""
from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader
from scrapy.utils.asyncio import call_later
from twisted.python.failure import Failure

from zwgk.crawler.backoff import HostStopped


class PoliteDownloader(Downloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.paused_until: dict[str, float] = {}   # slot key -> monotonic time the pause ends
        self.stopped_hosts: dict[str, str] = {}    # slot key -> why nothing more is sent to it

    def pause_host(self, key: str, seconds: float) -> None:
        until = monotonic() + max(0.0, seconds)
        if until > self.paused_until.get(key, 0.0):
            self.paused_until[key] = until

    def stop_host(self, key: str, reason: str) -> None:
        self.stopped_hosts.setdefault(key, reason)
        slot = self.slots.get(key)
        if slot is not None:
            self._process_queue(slot)

    def _wait_for_download(self, slot, request, queue_dfd):
        # Not a coroutine on purpose: this line runs when the queue loop creates the task.
        slot.transferring.add(request)
        return super()._wait_for_download(slot, request, queue_dfd)

    def _process_queue(self, slot) -> None:
        key = next((k for k, s in self.slots.items() if s is slot), None)
        reason = self.stopped_hosts.get(key)
        if reason:
            while slot.queue:
                _, queue_dfd = slot.queue.popleft()
                queue_dfd.errback(Failure(HostStopped(reason)))
            return
        wait = self.paused_until.get(key, 0.0) - monotonic()
        if wait > 0:
            if slot.latercall is None:
                slot.latercall = call_later(wait, self._latercall, slot)
            return
        super()._process_queue(slot)
