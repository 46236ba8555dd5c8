"""`zwgk check` end to end on the sample portals over real HTTP, exactly as CONTRACT.md says:
planted problems are found at the right URL, compliant twins have no failure, JSON and exit
codes follow the contract."""
import json
import re
import socket
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from tests.webkit import zwgk
from zwgk.checks.rulebook import load_rulebook
from zwgk.sample_portals import expected_for, serve_all, stop_all
from zwgk.sample_portals.portals import make_site

AS_OF = date(2023, 3, 15)
RULES = {r.id: r for r in load_rulebook().rules}

# planted problem id -> the rule that must fail on it. Rules of other issues add their own rows.
PROBLEM_RULES = {
    "column-missing-wenjingji": "homepage-column-stabilise-economy",
    "column-empty-yingshang": "homepage-column-business-environment",
    "siteidcode-mismatch": "site-identity",
    "conac-identity-missing": "site-identity",
    "accessibility-entry-missing": "accessibility-entry",
    "meta-missing-pubdate": "page-metadata",
    "meta-missing-columnname": "page-metadata",
    "meta-missing-contentsource": "page-metadata",
    "column-missing-gba": "column-greater-bay-area",
    "column-missing-standard-catalog": "column-grassroots-standard-catalogue",
    "policy-interpretation-missing": "policy-interpretation-linked",
    "annual-report-identity-broken": "annual-report-content",
    "rule-of-law-report-missing": "rule-of-law-report-deadline",
    "message-unanswered": "messages-answered",
    # item 41 (issue 17)
    "personal-data-exposed": "personal-data-exposed",
    "personal-data-in-attachment": "personal-data-exposed",
    "serious-wording-error": "serious-wording-errors",
    # issue 17, points 4 and 5
    "spam-link-hidden": "no-spam-links",
    "stale-column-count": "column-update-count",
    # issue 18: items checked in depth
    "consultation-window-short": "public-consultation-notices",
    "consultation-feedback-missing": "public-consultation-notices",
    "interpretation-late": "policy-interpretation-linked",
    "gazette-issue-missing": "gazette-issues-complete",
    "stale-column-agricultural-subsidies": "agricultural-subsidies-updated",
    "subject-list-missing": "public-enterprises-subject-list",
    "map-review-number-missing": "map-images-review-number",
}


@pytest.fixture(scope="module")
def portals(tmp_path_factory):
    servers = serve_all(tmp_path_factory.mktemp("portals"), AS_OF)
    yield servers
    stop_all(servers)


_cards = {}


def check(portals, portal, unit_key):
    """Run zwgk check once per (portal, unit) and cache (exit code, card, stderr)."""
    key = (portal, unit_key)
    if key not in _cards:
        exp = expected_for(portal, AS_OF)["units"][unit_key]
        url = portals[portal].url.rstrip("/") + exp["url"]
        proc = zwgk("check", url, "--unit", exp["name"], "--unit-type", exp["type"], "--as-of", AS_OF.isoformat(),
                    "--json", "-", "--no-browser", "--db", f"sqlite:///{portals[portal].root}/../{portal}-{unit_key}.db")
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
        _cards[key] = (proc.returncode, json.loads(proc.stdout), proc.stderr, exp)
    return _cards[key]


UNITS = [("city-bad", "city"), ("city-bad", "fgj"), ("county-bad", "county"),
         ("city-good", "city"), ("city-good", "fgj"), ("county-good", "county")]


@pytest.mark.parametrize("portal,unit_key", UNITS)
def test_scorecard_json_follows_the_contract(portals, portal, unit_key):
    code, card, _, exp = check(portals, portal, unit_key)
    assert card["schema"] == "zwgk.scorecard/1"
    assert card["unit"] == {"name": exp["name"], "type": exp["type"]}
    assert card["as_of"] == AS_OF.isoformat() and card["rulebook"] == "jiangmen-2022"
    assert card["pages"]["crawled"] > 5 and isinstance(card["pages"]["failed"], int)
    assert card["score"] is None or 0 <= card["score"] <= 100
    applicable = [r.id for r in load_rulebook().applicable(exp["type"], exp["name"])]
    assert sorted(r["rule"] for r in card["results"]) == sorted(applicable)   # every rule, once
    for r in card["results"]:
        assert r["status"] in ("pass", "fail", "warn", "unknown", "not_applicable")
        assert r["item"] is None or 1 <= r["item"] <= 59
        assert r["source"] and r["title"]
        if r["status"] in ("fail", "warn", "unknown"):
            assert any(f["url"] for f in r["findings"]), r
    assert code == (1 if any(r["status"] == "fail" for r in card["results"]) else 0)


@pytest.mark.parametrize("portal,unit_key", [u for u in UNITS if u[0].endswith("-bad")])
def test_planted_problems_are_found_where_they_are(portals, portal, unit_key):
    code, card, _, exp = check(portals, portal, unit_key)
    results = {r["rule"]: r for r in card["results"]}
    checked = 0
    for problem_id, problem in exp["problems"].items():
        rule = PROBLEM_RULES.get(problem_id)
        if rule is None or rule not in results:
            continue
        checked += 1
        r = results[rule]
        if RULES[rule].not_in_force(AS_OF):     # a 2022 topical column, audited in 2023
            assert r["status"] == "not_applicable", (problem_id, r)
            continue
        verdict = problem.get("verdict", "fail")
        assert r["status"] == verdict or (verdict == "warn" and r["status"] == "fail"), (problem_id, r)
        paths = [urlsplit(f["url"]).path for f in r["findings"] if f["status"] == verdict]
        assert any(re.match(problem["url_re"], p) for p in paths), (problem_id, problem["url_re"], paths)
    assert checked, "no planted problem of this unit is covered"
    assert code == 1


@pytest.mark.parametrize("portal,unit_key", [u for u in UNITS if u[0].endswith("-good")])
def test_compliant_twins_have_no_failure(portals, portal, unit_key):
    code, card, stderr, _ = check(portals, portal, unit_key)
    fails = [(r["rule"], [f["message"] for f in r["findings"] if f["status"] == "fail"])
             for r in card["results"] if r["status"] == "fail"]
    assert not fails
    assert code == 0
    mine = {r["rule"]: r["status"] for r in card["results"] if r["rule"] in PROBLEM_RULES.values()}
    assert mine and all(s == ("not_applicable" if RULES[r].not_in_force(AS_OF) else "pass")
                        for r, s in mine.items()), mine


def test_only_the_unanswered_letter_fails_not_its_decoys(portals):
    """Item 32: the 区长信箱 letter 100 days old and 未回复 fails, naming its page and 留言时间;
    the 50-day-old 未回复 letter beside it (not yet 3 months) is only a warn, and the 办理中
    letter with an interim reply is answered; the compliant twin's box passes."""
    _, card, _, exp = check(portals, "county-bad", "county")
    problem = exp["problems"]["message-unanswered"]
    site = make_site("county-bad", AS_OF)
    not_yet_due, interim = (site.article(d).path for d in problem["decoy_doc_ids"])
    [result] = [r for r in card["results"] if r["rule"] == "messages-answered"]
    by_status = {s: [f for f in result["findings"] if f["status"] == s] for s in ("fail", "warn")}
    assert [urlsplit(f["url"]).path for f in by_status["fail"]] == [problem["url"]]
    asked = (AS_OF - timedelta(days=problem["asked_days"])).isoformat()
    assert f"留言时间 {asked}" in by_status["fail"][0]["message"]
    assert [urlsplit(f["url"]).path for f in by_status["warn"]] == [not_yet_due]
    assert interim not in {urlsplit(f["url"]).path for f in result["findings"]}
    assert card["score"] == 0.0                      # a veto indicator
    _, good, _, _ = check(portals, "county-good", "county")
    assert {r["rule"]: r["status"] for r in good["results"]}["messages-answered"] == "pass"


def test_bad_url_exits_2_with_one_line():
    proc = zwgk("check", "not-a-url")
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, words", [
    (["--as-of", "2023-02-30"], "--as-of"),
    (["--rulebook", "no-such-book"], "未知规则集"),
    (["--max-pages", "0"], "--max-pages"),
])
def test_bad_input_exits_2_with_one_line(args, words):
    proc = zwgk("check", "http://127.0.0.1:9/", *args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


def test_closed_port_exits_3(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()                      # nothing listens there now
    proc = zwgk("check", f"http://127.0.0.1:{port}/", "--json", "-", "--no-browser",
                "--db", f"sqlite:///{tmp_path}/z.db", timeout=60)
    assert proc.returncode == 3
    card = json.loads(proc.stdout)
    assert all(r["status"] == ("not_applicable" if RULES[r["rule"]].not_in_force(AS_OF) else "unknown")
               for r in card["results"])
    assert "首页无法访问" in proc.stderr
