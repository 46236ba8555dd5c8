"""AutoThrottle that learns a portal's pace from 304 answers too.

Scrapy's AutoThrottle never lowers its delay on an answer other than 200: small error pages and
redirects answer fast and would otherwise talk it into hammering a failing server. A 304 Not
Modified is neither: it is the portal confirming our cached copy, and what a re-audit of an
unchanged site gets back for nearly every page it asks for. Ignoring them kept a re-audit at
AUTOTHROTTLE_START_DELAY (one request every 0.25 s) however quickly the portal answered, so
revalidating 100 pages took longer than fetching 1,000 had. The delay still follows the latency
(latency / AUTOTHROTTLE_TARGET_CONCURRENCY), and the per-host concurrency cap is unchanged.
"""
from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class RevalidationAwareAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot, latency, response):
        if response.status == 304:
            response = response.replace(status=200)   # only the status is read
        super()._adjust_delay(slot, latency, response)
        # in the audit log's stats: how far the pace came down (AUTOTHROTTLE_DEBUG logs every step)
        self.crawler.stats.min_value("autothrottle/min_delay_ms", round(slot.delay * 1000))
