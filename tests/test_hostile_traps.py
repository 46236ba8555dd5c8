"""Crawler traps over real HTTP (tests/hostile/pages.traps): an endless calendar, session ids in
paths and queries, ever-deeper paths, a query-string explosion and self-nesting relative links.
The crawl must end by itself within its budget, skip the traps, record why, and still fetch the
ordinary page beside them."""
import json
from collections import Counter
from urllib.parse import urlsplit

from tests.hostile import HostileServer
from tests.hostile.pages import traps
from tests.hostile.run import zwgk
from zwgk.crawler import settings

MAX_PAGES = 300


def test_traps_are_bounded_skipped_and_recorded(tmp_path):
    out = tmp_path / "crawl.jsonl"
    with HostileServer(traps()) as srv:
        proc = zwgk("crawl", srv.url, "--max-pages", str(MAX_PAGES), "--jsonl", str(out), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    snaps, summary = lines[:-1], lines[-1]
    internal = [s for s in snaps if not s["external"]]
    paths = [urlsplit(s["url"]).path for s in internal]
    assert len(internal) <= MAX_PAGES + 1
    assert "/news.html" in paths                                   # the ordinary page still found
    per_path = Counter(p.split(";")[0] for p in paths)
    assert per_path["/cal/"] <= settings.MAX_QUERY_VARIANTS + 1     # the calendar stopped
    assert per_path["/search/"] <= settings.MAX_QUERY_VARIANTS + 1  # the filter explosion stopped
    assert per_path["/session/list.jsp"] <= settings.MAX_QUERY_VARIANTS + 1
    assert max(s["depth"] for s in internal) <= settings.MAX_DEPTH
    assert not any("/a/a/a/" in p for p in paths)                  # self-nesting relative links
    reasons = Counter(why for _, why in summary["traps"])
    assert any("查询参数" in r for r in reasons), reasons
    assert any("深度" in r for r in reasons), reasons
    assert any("重复" in r for r in reasons), reasons
    # every page the crawl tried is there with a status or a reason
    assert all(s["status"] is not None or s["error"] for s in snaps)
