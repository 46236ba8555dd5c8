"""HTTP cache between audits: every cached page is revalidated with a conditional request.

Scrapy's RFC2616 policy may serve a cached page without asking the server (heuristic freshness
from Last-Modified) and serves the old copy when the server now answers 5xx. Both would hide
a change from an audit: a column fixed last night, a site that went down. This policy always
asks (If-None-Match / If-Modified-Since) and reuses the cached copy only on 304 Not Modified, so
a re-audit of an unchanged site transfers little while its verdicts stay exactly the same.
"""
from scrapy.extensions.httpcache import RFC2616Policy


class RevalidateAlwaysPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304
