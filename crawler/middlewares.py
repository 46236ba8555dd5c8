"""Downloader middlewares of the portal spider."""
from scrapy.exceptions import IgnoreRequest


class BudgetSpent(IgnoreRequest):
    """A request not sent because the unit's page budget is spent."""


class PageBudgetMiddleware:
    """Spend the page budget at download time, not at discovery time.

    Requests leave the scheduler highest priority first, so counting here gives the budget to
    what the rulebook needs (home, matching columns, pagination) rather than to whatever link
    happened to be found first. Outside-link checks have their own budget in the spider.
    """

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

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
