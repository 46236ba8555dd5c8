"""Scrapy's downloader with its per-host concurrency cap actually enforced.

With the asyncio reactor, Scrapy 2.19's Downloader starts each download as an asyncio task and
adds the request to the slot's `transferring` set only when that task first runs. Its queue loop
checks the free transfer slots before any task has run, so it hands out every queued request at
once: measured against a counting server, 10–15 requests at a time on one host with
CONCURRENT_REQUESTS_PER_DOMAIN = 4. For a crawler of government portals that promises to be
polite, the cap must hold: here a request counts as transferring from the moment it leaves the
queue (`_download` adds it again, harmlessly, and removes it when done).
tests/test_politeness.py measures it on the server side.
"""
from __future__ import annotations

from scrapy.core.downloader import Downloader


class PoliteDownloader(Downloader):
    def _wait_for_download(self, slot, request, queue_dfd):
        # Not a coroutine on purpose: this line runs when the queue loop creates the task.
        slot.transferring.add(request)
        return super()._wait_for_download(slot, request, queue_dfd)
