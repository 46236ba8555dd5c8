"""storage/history.py: changes between complete audits, first-seen dates, trends — on a real
SQLite database written by zwgk.storage.database.Store."""
import pytest

from tests.reportkit import add_run, rr
from zwgk.checks.model import Finding
from zwgk.publish import cards_for_run
from zwgk.storage.database import Store
from zwgk.storage.history import build_history, classify, previous_complete_run

U = "新会区人民政府"
URL = "https://www.xinhui.gov.cn/"


@pytest.mark.parametrize("seq,expected", [
    (["pass", "pass", "fail"], "new"),
    (["pass", "fail", "fail"], "persistent"),
    (["fail", "fail", "pass"], "fixed"),
    (["pass", "fail", "pass", "fail"], "unstable"),      # alternating: not "new" every night
    (["fail", "pass", "fail"], "unstable"),
    (["pass", "fail", "fail", "fail", "pass"], "fixed"),  # stood three audits, then fixed
    (["pass", "pass", "pass"], None),
    (["fail"], "first"),                                  # no earlier run to compare with
    (["pass"], None),
    (["fail", "unknown"], "unverified"),                  # cannot tell whether it was fixed
    (["fail", "unknown", "fail"], "persistent"),          # unknown carries no information
    (["pass", "unknown", "warn"], "new"),                 # warn is a problem too
    ([None, None, "fail"], "new"),                        # the rule did not run before
    (["not_applicable", "fail"], "new"),
])
def test_classify(seq, expected):
    assert classify(seq) == expected


def _unit(results, reachable=True):
    return {U: {"type": "county", "url": URL, "results": results, "reachable": reachable}}


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/h.db")
    broken = lambda u: Finding("fail", "链接打不开", url=u, evidence="HTTP 404")  # noqa: E731
    a = "https://www.xinhui.gov.cn/a.html"
    b = "https://www.xinhui.gov.cn/b.html"
    # run 1 .. 5; run 4 is interrupted (incomplete) and must be ignored by every comparison
    plan = [
        ("2022-08-01", True, [rr("broken-links", "fail", [broken(a)]), rr("site-identity", "pass"),
                              rr("page-metadata", "fail"), rr("homepage-updated", "pass")]),
        ("2022-08-02", True, [rr("broken-links", "fail", [broken(a)]), rr("site-identity", "fail"),
                              rr("page-metadata", "fail"), rr("homepage-updated", "pass")]),
        ("2022-08-03", True, [rr("broken-links", "fail", [broken(a), broken(b)]), rr("site-identity", "pass"),
                              rr("page-metadata", "fail"), rr("homepage-updated", "pass")]),
        ("2022-08-04", False, [rr("broken-links", "pass"), rr("site-identity", "pass"),
                               rr("page-metadata", "pass"), rr("homepage-updated", "fail")]),
        ("2022-08-05", True, [rr("broken-links", "fail", [broken(b)]), rr("site-identity", "fail"),
                              rr("page-metadata", "pass"), rr("homepage-updated", "fail")]),
    ]
    s.ids = [add_run(s, as_of, _unit(results), complete=complete) for as_of, complete, results in plan]
    return s


def test_previous_complete_run_skips_incomplete_and_other_kinds(store):
    last = store.ids[-1]
    add_run(store, "2022-08-05", _unit([rr("site-identity", "pass")]), kind="check")
    prev = previous_complete_run(store, last)
    assert prev["id"] == store.ids[2] and prev["as_of"] == "2022-08-03"
    assert previous_complete_run(store, store.ids[0]) is None


def test_classes_against_previous_complete_audit(store):
    h = build_history(store, store.ids[-1])
    assert h.previous["id"] == store.ids[2]
    assert [r["as_of"] for r in h.runs] == ["2022-08-01", "2022-08-02", "2022-08-03", "2022-08-05"]
    assert h.rule(U, "homepage-updated")["class"] == "new"        # the incomplete run's fail is ignored
    assert h.rule(U, "page-metadata")["class"] == "fixed"
    assert h.rule(U, "site-identity")["class"] == "unstable"      # pass, fail, pass, fail
    assert h.rule(U, "broken-links")["class"] == "persistent"
    assert h.rule(U, "broken-links")["since"] == "2022-08-01"
    assert h.counts(U) == {"new": 1, "fixed": 1, "unstable": 1, "persistent": 1}
    assert [f["rule"] for f in h.fixed[U]] == ["page-metadata"]


def test_first_seen_per_finding_url(store):
    h = build_history(store, store.ids[-1])
    b = h.finding(U, "broken-links", "https://www.xinhui.gov.cn/b.html")
    assert b["first_seen"] == "2022-08-03" and b["since"] == "2022-08-03"
    # a.html was fixed: it is no problem now, so it has no date to show
    assert h.finding(U, "broken-links", "https://www.xinhui.gov.cn/a.html") == {}
    ident = h.finding(U, "site-identity", "https://example.gov.cn/site-identity/")
    assert ident["first_seen"] == "2022-08-02" and ident["since"] == "2022-08-05"


def test_trend_and_window(store):
    h = build_history(store, store.ids[-1])
    trend = h.trend[U]
    assert [t["as_of"] for t in trend] == ["2022-08-01", "2022-08-02", "2022-08-03", "2022-08-05"]
    assert trend[-1]["score"] == 0.0             # homepage-updated is a veto rule and failed
    assert trend[0]["score"] > trend[1]["score"]
    short = build_history(store, store.ids[-1], window=2)
    assert [t["as_of"] for t in short.trend[U]] == ["2022-08-03", "2022-08-05"]
    assert short.finding(U, "broken-links", "https://www.xinhui.gov.cn/b.html")["bounded"] is True


def test_first_run_has_no_changes(store):
    h = build_history(store, store.ids[0])
    assert h.previous is None
    assert h.rule(U, "broken-links")["class"] == "first"
    assert h.counts(U) == {"new": 0, "fixed": 0, "unstable": 0, "persistent": 0}


def test_check_runs_have_their_own_history(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/c.db")
    r1 = add_run(s, "2022-08-01", _unit([rr("site-identity", "pass")]), kind="check")
    add_run(s, "2022-08-02", {"别的单位": {"type": "county", "url": URL, "results": [rr("site-identity", "fail")]}},
            kind="check")
    r3 = add_run(s, "2022-08-03", _unit([rr("site-identity", "fail")]), kind="check")
    h = build_history(s, r3, units=[U])
    assert h.unit_runs[U] == [r1, r3]
    assert h.rule(U, "site-identity")["class"] == "new"


def test_cards_for_run_rebuilds_contract_cards(store):
    cards, reachable = cards_for_run(store, store.ids[-1])
    [card] = cards
    assert card["schema"] == "zwgk.scorecard/1" and card["unit"] == {"name": U, "type": "county"}
    assert {r["rule"]: r["status"] for r in card["results"]} == {
        "broken-links": "fail", "site-identity": "fail", "page-metadata": "pass", "homepage-updated": "fail"}
    assert card["counts"]["fail"] == 3 and reachable == {U: True}
