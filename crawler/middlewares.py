"""Downloader middlewares of the portal spider."""
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from zwgk.page.scope import normalise_url


class BudgetSpent(IgnoreRequest):
    """A request not sent because the unit's page budget is spent."""


class _CrawlerMiddleware:
    """A downloader middleware that reaches the spider through its crawler (Scrapy 2.13+ no
    longer passes the spider to process_request)."""

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class PageBudgetMiddleware(_CrawlerMiddleware):
    """Spend the page budget at download time, not at discovery time.

    Requests leave the scheduler highest priority first, so counting here gives the budget to
    what the rulebook needs (home, matching columns, pagination) rather than to whatever link
    happened to be found first. Outside-link checks have their own budget in the spider.
    """

    def process_request(self, request, spider=None):
        spider = spider or (self.crawler.spider if self.crawler else None)
        if request.meta.get("external"):
            return None
        budget = getattr(spider, "budget", None)
        if budget is None or request.meta.get("budget_free") or request.meta.get("budget_counted"):
            return None          # a retry or redirect of a request already paid for
        if budget.spent >= budget.max_pages:
            budget.refused.append(request.url)
            raise BudgetSpent(f"page budget of {budget.max_pages} spent")
        budget.spent += 1
        request.meta["budget_counted"] = True
        return None


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already passed on the way: the page can never be reached."""

    def __init__(self, message: str, response=None):
        super().__init__(message)
        self.response = response


class RedirectLoopMiddleware:
    """Stop a redirect chain that comes back to where it has been (a -> b -> a, a -> a).

    Sits just outside Scrapy's RedirectMiddleware so it sees the 3xx first. Without it a loop
    either runs to REDIRECT_MAX_TIMES or, worse, vanishes in the duplicate filter with no trace,
    and the link that led there would have no snapshot to say why it could not be seen.
    """

    def process_response(self, request, response, spider=None):
        if not (300 <= response.status < 400) or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        try:
            target = normalise_url(urljoin(response.url, location.decode("latin-1").strip()))
        except ValueError:
            return response
        passed = {normalise_url(u) for u in request.meta.get("redirect_urls", ())}
        passed.add(normalise_url(request.url))
        if target in passed:
            raise RedirectLoop(f"重定向循环：{request.url} 又跳转回 {target}", response=response)
        return response


class FreshArticleMiddleware(_CrawlerMiddleware):
    """Answer a request for an article the last audit fetched less than ARTICLE_REVALIDATE_DAYS
    ago from the stored snapshot, without a request to the server (storage/snapshot_cache.py).

    Sits after the budget (a reused page is a page of the audit, counted like any other, so a
    re-audit sees the same pages as the audit before) and before the HTTP cache, which must not
    store the empty stand-in response. Home, navigation, column and list pages never qualify:
    they are always revalidated.
    """

    def process_request(self, request, spider=None):
        spider = spider or (self.crawler.spider if self.crawler else None)
        meta = request.meta
        if meta.get("external") or meta.get("probe") or request.method != "GET" or "zdepth" not in meta:
            return None
        cache = getattr(spider, "previous", None)
        stored = cache.fresh_article(request.url) if cache is not None else None
        if stored is None:
            return None
        meta["zwgk_stored"] = stored
        meta["dont_cache"] = True
        return Response(request.url, status=200, request=request, flags=["snapshot"])
