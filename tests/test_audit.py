"""`zwgk audit` end to end (issue 7): several portals at once, one down and one slow; a re-run
answered by conditional requests with the same verdicts; kill -9 then re-run; the lock."""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from tests.webkit import Routes, free_port, zwgk
from zwgk.sample_portals import serve_all, stop_all, unit_entries
from zwgk.storage.database import Store

AS_OF = "2023-03-15"


def slow_portal(delay=0.3, pages=12):
    links = "".join(f'<a href="/news/{i}.html">新闻{i}</a> ' for i in range(pages))
    routes = {"/": f"<html><head><title>慢网站</title></head><body>{links}</body></html>"}
    routes.update({f"/news/{i}.html": f"<html><head><title>新闻{i}</title></head><body>正文</body></html>"
                   for i in range(pages)})
    return Routes(routes, delay=delay)


def write_units(path, units):
    import yaml
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def portals(tmp_path_factory):
    servers = serve_all(tmp_path_factory.mktemp("portals"), date(2023, 3, 15), names=["county-good", "city-bad"])
    yield servers
    stop_all(servers)


def audit(tmp_path, units_file, *extra, timeout=600):
    return zwgk("audit", "--units", str(units_file), "--as-of", AS_OF, "--no-browser",
                "--db", f"sqlite:///{tmp_path}/z.db", "--out", str(tmp_path / "out"), *extra, timeout=timeout)


def test_audit_of_several_units_with_one_down_and_one_slow_then_a_cached_rerun(portals, tmp_path):
    with slow_portal() as slow:
        units = (unit_entries("county-good", portals["county-good"].url)
                 + unit_entries("city-bad", portals["city-bad"].url)
                 + [{"name": "关闭的网站", "type": "county", "url": f"http://127.0.0.1:{free_port()}/"},
                    {"name": "很慢的网站", "type": "department", "url": slow.url}])
        units_file = write_units(tmp_path / "units.yaml", units)
        first = audit(tmp_path, units_file)
        assert first.returncode == 0, first.stderr[-3000:]
        hits_before = len(slow.hits)
        second = audit(tmp_path, units_file)
        assert second.returncode == 0, second.stderr[-3000:]

    store = Store(f"sqlite:///{tmp_path}/z.db")
    for run_id in (1, 2):
        run = store.run_row(run_id)
        assert run["complete"] and run["status"] == "complete"
        rows = {u["unit_name"]: u for u in store.unit_rows(run_id)}
        assert set(rows) == {u["name"] for u in units}
        assert rows["关闭的网站"]["status"] == "unreachable"
        assert rows["很慢的网站"]["status"] == "done" and rows["很慢的网站"]["pages_crawled"] >= 10
    # every unit has a result for every applicable rule, and the re-run's verdicts are the same
    verdicts = lambda run_id: {(r["unit_name"], r["rule"]): r["status"] for r in store.result_rows(run_id)}
    assert verdicts(1) == verdicts(2)
    closed = [r for r in store.result_rows(1, "关闭的网站")]
    # unknown: the site could not be seen (a rule outside the plan's dates does not apply at all)
    assert closed and all(r["status"] in ("unknown", "not_applicable") for r in closed)
    assert any(r["status"] == "unknown" for r in closed)
    # the second audit revalidated unchanged pages (304) or reused recent articles as stored,
    # instead of downloading them again
    pages1 = {p.url: p for p in store.load_pages(1, units[0]["name"])}
    pages2 = [p for p in store.load_pages(2, units[0]["name"]) if p.status == 200]
    assert sum(p.from_cache or p.fetched_at == pages1[p.url].fetched_at for p in pages2) >= 0.9 * len(pages2)
    # articles the first audit fetched were reused without a request (they keep its fetch time,
    # so they age towards ARTICLE_REVALIDATE_DAYS); the home page was asked for again
    from zwgk.page.scope import url_kind
    articles = [p for p in pages2 if url_kind(p.url) == "article"]
    assert articles and all(p.fetched_at == pages1[p.url].fetched_at for p in articles)
    home = next(p for p in pages2 if p.depth == 0)
    assert home.from_cache and home.fetched_at > pages1[home.url].fetched_at
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["run_id"] == 2 and summary["previous_run_id"] == 1 and summary["worse"] == []
    log = (tmp_path / "zwgk-logs" / "audit-2.log").read_text(encoding="utf-8")
    # no Scrapy console (telnet, or 2.19's HTTP RemoteControl that runs code sent to it) listens
    assert "Enabled extensions" in log and "RemoteControl" not in log and "TelnetConsole" not in log
    assert "[" in first.stderr and "很慢的网站" in first.stderr        # a line per unit (not a TTY)


def _start_audit(tmp_path, units_file):
    return subprocess.Popen([sys.executable, "-m", "zwgk", "audit", "--units", str(units_file),
                             "--as-of", AS_OF, "--no-browser", "--db", f"sqlite:///{tmp_path}/z.db",
                             "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_pages(tmp_path, n, proc, limit=60):
    import sqlite3
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            con = sqlite3.connect(f"{tmp_path}/z.db")
            count = con.execute("select count(*) from pages").fetchone()[0]
            con.close()
            if count >= n:
                return True
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    return False


def test_kill_9_mid_audit_then_rerun_recovers_and_lock_exits_4(tmp_path):
    with slow_portal(delay=0.4, pages=40) as slow:
        units_file = write_units(tmp_path / "units.yaml", [{"name": "很慢的网站", "type": "county", "url": slow.url}])
        out = tmp_path / "out"
        out.mkdir()
        (out / "index.html").write_text("上一次完整巡检的记分卡", encoding="utf-8")

        proc = _start_audit(tmp_path, units_file)
        try:
            assert _wait_for_pages(tmp_path, 3, proc), "the audit never stored a page"
            # a second audit on the same database while the first runs: exit 4, clear message
            other = audit(tmp_path, units_file, timeout=120)
            assert other.returncode == 4
            assert "另一个巡检" in other.stderr and len(other.stderr.strip().splitlines()) == 1
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
        # the killed run is not complete and the last complete scorecards are untouched
        assert (out / "index.html").read_text(encoding="utf-8") == "上一次完整巡检的记分卡"
        store = Store(f"sqlite:///{tmp_path}/z.db")
        assert store.run_row(1)["complete"] is False or store.run_row(1)["complete"] == 0
        pages_of_run1 = len(store.load_pages(1, "很慢的网站"))

        rerun = audit(tmp_path, units_file)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "#1" in rerun.stderr and "不完整" in rerun.stderr
    assert store.run_row(1)["status"] == "incomplete"
    assert store.run_row(2)["status"] == "complete"
    assert len(store.load_pages(1, "很慢的网站")) == pages_of_run1     # earlier results not altered
    assert "很慢的网站" in (out / "index.html").read_text(encoding="utf-8")
    assert store.latest_complete_run()["id"] == 2
