"""The nouns checks speak: Finding, RuleResult, how a rule's status follows from its findings,
and Needs — what a check declares it needs from the crawl and the browser."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

STATUSES = ("pass", "fail", "warn", "unknown", "not_applicable")

# A rule's status is its most serious finding. `fail`/`warn` rest on evidence zwgk saw, so they
# outrank `unknown`; `unknown` outranks `pass` (one unseen part keeps the rule from passing).
_RANK = {"fail": 4, "warn": 3, "unknown": 2, "pass": 1, "not_applicable": 0}


@dataclass
class Finding:
    status: str            # the verdict this observation supports
    message: str           # Chinese, for inspectors
    url: str = ""          # where the problem is, or where the missing thing was looked for
    evidence: str = ""     # a snippet of what was found
    selector: str = ""     # CSS selector of the element, when there is one
    screenshot: str = ""   # path of a screenshot, when the browser took one
    # A fail that rests on not finding something — "home": on the start page, "site": anywhere on
    # the site. The engine makes it unknown when the crawl saw too little for that absence to be
    # a fact (Site.thin_crawl). Not stored: the status says it.
    absence: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"bad finding status {self.status!r}")

    def to_dict(self) -> dict:
        d = {"url": self.url, "message": self.message, "evidence": self.evidence, "status": self.status}
        if self.selector:
            d["selector"] = self.selector
        if self.screenshot:
            d["screenshot"] = self.screenshot
        return d


def status_from_findings(findings: list) -> str:
    """Worst status among the findings; no findings at all means the check could not decide."""
    if not findings:
        return "unknown"
    return max((f.status for f in findings), key=_RANK.__getitem__)


@dataclass
class RuleResult:
    rule: str
    item: Optional[int]
    source: str
    title: str
    status: str
    severity: str = "major"
    check: str = ""
    findings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "item": self.item,
            "source": self.source,
            "title": self.title,
            "status": self.status,
            "severity": self.severity,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Needs:
    """What a check needs, declared beside its code (a check module's NEEDS), as a yamllint rule
    declares its TYPE and CONF. zwgk.checks.needs turns the declarations of a rulebook's checks
    into the crawl plan and the browser pass's probe; the engine reads `browser` and `peers`.

    crawl:   "documents" — the check reads every list page and article of the columns its names
             (names/synonyms/keywords/list_names/title_keywords params) name: those columns are
             crawled in full; "lists" — it reads only the pages naming a column and the first
             page of its list (or its names are no columns at all), so ordinary sampling will do.
    browser: it judges what Chromium saw (site.browser); without a browser its rules are unknown.
    probe:   params -> the ProbeConfig fields (zwgk.page.browser_evidence) the browser pass must
             measure for it; list values of several rules are merged.
    peers:   it compares the unit with the other audited units (ctx.extras["peers"]); a
             distributed audit judges it once every unit is in.
    """
    crawl: str = "documents"
    browser: bool = False
    probe: Optional[Callable[[dict], dict]] = None
    peers: bool = False

    def __post_init__(self):
        if self.crawl not in ("documents", "lists"):
            raise ValueError(f"Needs.crawl must be 'documents' or 'lists', not {self.crawl!r}")
