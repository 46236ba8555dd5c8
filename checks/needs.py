"""What a rulebook's checks need from the crawl and from the browser, from each check's own
declaration (its module's NEEDS, a zwgk.checks.model.Needs).

The crawl plan: a large portal cannot be crawled whole every night (real portals allow a few
requests a second), so the spider follows structure first — home page, navigation, column and hub
pages, the first page of every list — and samples the articles of ordinary lists. Some rules,
though, read every document of the columns they name (the 政策解读 of each 规范性文件, every row of
the 年报 column): checks that declare `crawl="documents"` get those columns crawled in full, all
their list pages and all their articles.

The browser probe: what the browser pass measures on a unit's pages (entry names, toolbar globals
and selectors, axe tags …), merged from the params of the unit's browser rules through each
browser check's `probe`.
"""
from __future__ import annotations

from zwgk.checks.model import Needs
from zwgk.checks.params import validate
from zwgk.checks.registry import CHECKS
from zwgk.page.browser_evidence import ProbeConfig

KEYWORD_PARAMS = ("names", "synonyms", "keywords", "list_names", "title_keywords")


def needs_of(check_id: str) -> Needs:
    return CHECKS[check_id].NEEDS


def rule_keywords(rules) -> list[str]:
    """Every name the rules look for, in rulebook order, once each."""
    words = []
    for rule in rules:
        for key in KEYWORD_PARAMS:
            value = rule.params.get(key)
            if isinstance(value, list):
                words.extend(v for v in value if isinstance(v, str) and v)
    return sorted(set(words), key=words.index)


def document_keywords(rulebook) -> list[str]:
    """Names of the columns (and document titles) whose every page and article a rule reads."""
    return rule_keywords(r for r in rulebook.rules if needs_of(r.check).crawl == "documents")


def plan_settings(rulebook) -> dict:
    """Spider settings carrying the plan (CRAWL_DOCUMENT_KEYWORDS; see zwgk/crawler/settings.py)."""
    return {"CRAWL_DOCUMENT_KEYWORDS": document_keywords(rulebook)}


def probe_config(rules) -> ProbeConfig:
    """What the browser pass must measure for these rules (a unit's applicable rules)."""
    cfg = ProbeConfig()
    merged: dict = {}
    for rule in rules:
        needs = needs_of(rule.check)
        if not needs.browser:
            continue
        cfg.audit = True
        if needs.probe is None:
            continue
        for key, value in needs.probe(validate(CHECKS[rule.check].PARAMS, rule.params)).items():
            if isinstance(value, (list, tuple)):
                merged.setdefault(key, []).extend(value)
            else:
                merged.setdefault(key, value)
    for key, value in merged.items():
        setattr(cfg, key, tuple(dict.fromkeys(value)) if isinstance(value, list) else value)
    return cfg
