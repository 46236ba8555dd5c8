"""Fixtures carry their own expectations (semgrep-rules style).

Each case is a folder tests/fixtures/checks/<check_id>/<case>/ holding the pages of a small site
(index.html is the home page at http://fixture.test/, other files at their relative paths, or
`home: <file>` in expect.yaml) and an expect.yaml:

    status: fail                 # the rule's expected verdict
    params: {names: [营商环境]}   # the rule's params (defaults filled in as the loader does)
    as_of: 2023-03-01            # optional audit date
    url: http://fixture.test/    # optional: a finding with this status names this URL
    message: 未发现              # optional: text one such finding's message contains
    missing: [x.html]            # optional: pages linked that answer 404 (seen: broken links)
    unfetched: [x.html]          # optional: pages linked that could not be fetched (timed out)
    shared: {index.html: corpus/shared/kepu/kepu_content_1755244.html}
                                 # optional: pages taken from a file under tests/fixtures/ (real
                                 # pages used by several cases are stored once)
"""
from collections import deque
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.sitekit import snapshot
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import validate
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import Rule
from zwgk.checks.site import Site
from zwgk.page.scope import normalise_url

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = FIXTURES / "checks"
BASE = "http://fixture.test/"
CASES = sorted(p.parent for p in ROOT.glob("*/*/expect.yaml"))


def build_site(case: Path, expect: dict) -> Site:
    files = {p.relative_to(case).as_posix(): p for p in case.rglob("*")
             if p.is_file() and p.name != "expect.yaml"}
    for rel, shared in (expect.get("shared") or {}).items():
        files[rel] = FIXTURES / shared
    home_file = expect.get("home", "index.html")
    start = BASE if home_file == "index.html" else BASE + home_file
    url_of = lambda rel: BASE if rel == "index.html" else BASE + rel
    by_url = {normalise_url(url_of(rel)): rel for rel in files}
    statuses = {normalise_url(BASE + m): 404 for m in expect.get("missing", [])}
    statuses.update({normalise_url(BASE + m): None for m in expect.get("unfetched", [])})
    snaps, queue, seen = [], deque([(start, 0, "")]), {normalise_url(start)}
    while queue:   # breadth first from the home page, as the spider's depth counts
        url, depth, referer = queue.popleft()
        rel = by_url.get(normalise_url(url))
        if rel is None:
            if normalise_url(url) in statuses:
                status = statuses[normalise_url(url)]
                snaps.append(snapshot(url, "", status=status, depth=depth, referer=referer,
                                      error="" if status else "请求超时"))
            continue
        snap = snapshot(url, files[rel].read_text(encoding="utf-8"), depth=depth, referer=referer)
        snaps.append(snap)
        for link in snap.links:
            key = normalise_url(link.url)
            if key not in seen and link.url.startswith(BASE):
                seen.add(key)
                queue.append((link.url, depth + 1, url))
    return Site(start, snaps)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(case):
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    check_id = case.parent.name
    module = CHECKS[check_id]
    rule = Rule(id=f"fixture-{check_id}", item=None, source="fixture", title=case.name,
                applies_to=("county",), check=check_id,
                params=validate(module.PARAMS, expect.get("params") or {}))
    as_of = expect.get("as_of") or date(2023, 3, 1)
    ctx = CheckContext(as_of=as_of if isinstance(as_of, date) else date.fromisoformat(as_of),
                       unit={"name": "fixture", "type": expect.get("unit_type", "county"), "url": BASE},
                       browser=object())
    result = run_rule(rule, build_site(case, expect), ctx)
    detail = [(f.status, f.message, f.url) for f in result.findings]
    assert result.status == expect["status"], detail
    same = [f for f in result.findings if f.status == expect["status"]]
    if "url" in expect:
        assert any(f.url == expect["url"] for f in same), detail
    if "message" in expect:
        assert any(expect["message"] in f.message for f in same), detail
    if result.status in ("fail", "warn"):
        assert all(f.url for f in same), "every fail/warn names a URL"
