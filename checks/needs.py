"""What the crawl must fetch in full for a rulebook, as Scrapy settings for the portal spider.

A large portal cannot be crawled whole every night (real portals allow a few requests a
second), so the spider follows structure first — home page, navigation, column and hub pages,
the first page of every list — and samples the articles of ordinary lists. Some rules, though,
read every document of the columns they name (the 政策解读 of each 规范性文件, every row of the
年报 column): those columns are crawled in full, all their list pages and all their articles.

Which rules those are is a property of their check: a check module may say so itself with
`CRAWL_READS = "documents"` (or "lists": it reads only list pages and the pages naming a column);
the table below covers the checks that do not say. A check in neither is taken to read documents,
so a new check is never starved of pages by the sampling.
"""
from __future__ import annotations

# Checks that read only the pages naming a column and the first page of its list (the column is
# there, has items, its newest row is recent) — or whose names are not columns at all (the
# accessibility entry words). Their keywords still steer the crawl's priorities.
LIST_ONLY_CHECKS = frozenset({"column_present", "content_freshness", "accessibility_entry",
                              "accessibility_toolbar", "elderly_friendly"})
KEYWORD_PARAMS = ("names", "synonyms", "keywords", "list_names", "title_keywords")


def reads_documents(check_id: str) -> bool:
    from zwgk.checks.registry import CHECKS
    declared = getattr(CHECKS.get(check_id), "CRAWL_READS", None)
    if declared in ("documents", "lists"):
        return declared == "documents"
    return check_id not in LIST_ONLY_CHECKS


def document_keywords(rulebook) -> list[str]:
    """Names of the columns (and document titles) whose every page and article a rule reads."""
    words = []
    for rule in rulebook.rules:
        if not reads_documents(rule.check):
            continue
        for key in KEYWORD_PARAMS:
            value = rule.params.get(key)
            if isinstance(value, list):
                words.extend(v for v in value if isinstance(v, str) and v)
    return sorted(set(words), key=words.index)


def plan_settings(rulebook) -> dict:
    """Spider settings carrying the plan (CRAWL_DOCUMENT_KEYWORDS; see crawler/settings.py)."""
    return {"CRAWL_DOCUMENT_KEYWORDS": document_keywords(rulebook)}
