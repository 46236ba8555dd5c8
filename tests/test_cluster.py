"""Scale-out (issue 9): `zwgk audit --redis` with `zwgk worker` processes on a real Redis and a real
PostgreSQL. Two workers audit sample portals; one is SIGKILLed in the middle of a unit and the
other finishes it; every unit is judged exactly once, with the verdicts of a single-machine audit."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from tests.services import fresh_postgres, redis_url
from tests.test_audit import slow_portal, write_units
from tests.webkit import zwgk
from zwgk.sample_portals import serve_all, stop_all, unit_entries
from zwgk.storage.database import StaleAttempt, Store

AS_OF = "2023-03-15"
SLOW = "很慢的网站"


def _popen(*args, cwd):
    return subprocess.Popen([sys.executable, "-m", "zwgk", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _pages_of(db: str, unit: str) -> int:
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("select count(*) from pages where unit_name = :u"), {"u": unit}).scalar()
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _wait(predicate, limit: float, what: str):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _verdicts(store: Store, run_id: int) -> dict:
    return {(r["unit_name"], r["rule"]): r["status"] for r in store.result_rows(run_id)}


@pytest.fixture(scope="module")
def portals(tmp_path_factory):
    servers = serve_all(tmp_path_factory.mktemp("portals"), date(2023, 3, 15), names=["county-good", "city-bad"])
    yield servers
    stop_all(servers)


def test_two_workers_one_killed_mid_unit_give_the_single_machine_verdicts(portals, tmp_path):
    redis = redis_url()
    pg = fresh_postgres()
    with slow_portal(delay=0.5, pages=80) as slow:
        units = ([{"name": SLOW, "type": "county", "url": slow.url}]
                 + unit_entries("county-good", portals["county-good"].url)
                 + unit_entries("city-bad", portals["city-bad"].url))
        units_file = write_units(tmp_path / "units.yaml", units)
        common = ["--units", str(units_file), "--as-of", AS_OF, "--no-browser", "--no-cache"]

        single = zwgk("audit", *common, "--db", f"sqlite:///{tmp_path}/single.db",
                      "--out", str(tmp_path / "single"), timeout=900)
        assert single.returncode == 0, single.stderr[-3000:]

        coordinator = _popen("audit", *common, "--db", pg, "--out", str(tmp_path / "out"),
                             "--redis", redis, "--visibility-timeout", "4", cwd=tmp_path)
        first = _popen("worker", "--redis", redis, "--exit-when-idle", "--no-browser", cwd=tmp_path)
        second = None
        try:
            # the first worker takes the slow portal (first in the queue) and is killed mid-unit
            _wait(lambda: _pages_of(pg, SLOW) >= 3, 120, "the first worker to store pages")
            second = _popen("worker", "--redis", redis, "--exit-when-idle", "--no-browser", cwd=tmp_path)
            _wait(lambda: len(json.loads(zwgk("status", "--redis", redis, "--json").stdout)["workers"]) == 2,
                  60, "both workers to report")
            status = json.loads(zwgk("status", "--redis", redis, "--json").stdout)
            [audit] = status["audits"]
            assert audit["units_total"] == len(units) and audit["groups_running"] >= 1
            assert any(SLOW in w["busy"] for w in status["workers"])
            text = zwgk("status", "--redis", redis).stdout
            assert "工作进程 2 个在线" in text and "单位：完成" in text
            first.send_signal(signal.SIGKILL)
            first.wait()
            out, err = coordinator.communicate(timeout=900)
            assert coordinator.returncode == 0, err[-3000:]
            second.wait(timeout=120)
        finally:
            for proc in (coordinator, first, second):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
        assert "巡检批次 #1 完成" in out

    store = Store(pg)
    run = store.run_row(1)
    assert run["complete"] and run["status"] == "complete"
    rows = {u["unit_name"]: u for u in store.unit_rows(1)}
    assert sorted(rows) == sorted(u["name"] for u in units) and len(store.unit_rows(1)) == len(units)
    assert all(r["status"] == "done" for r in rows.values())
    # the killed worker's unit was finished by the other worker, in a later attempt
    assert rows[SLOW]["attempt"] >= 2
    assert rows[SLOW]["worker"].endswith(f":{second.pid}")
    # exactly once: one result per unit and rule, one stored copy per page
    results = store.result_rows(1)
    assert max(Counter((r["unit_name"], r["rule"]) for r in results).values()) == 1
    urls = [p.url for p in store.load_pages(1, SLOW)]
    assert len(urls) == len(set(urls))
    # the same verdicts, pages and scores as the single-machine audit
    local = Store(f"sqlite:///{tmp_path}/single.db")
    assert _verdicts(store, 1) == _verdicts(local, 1)
    assert sorted(urls) == sorted(p.url for p in local.load_pages(1, SLOW))
    assert {u: r["score"] for u, r in rows.items()} == {u["unit_name"]: u["score"] for u in local.unit_rows(1)}
    # the two units on the city portal's host were one claim: one worker, in turn (per-host cap)
    city = [u["name"] for u in unit_entries("city-bad", portals["city-bad"].url)]
    assert len(city) == 2
    assert rows[city[0]]["worker"] == rows[city[1]]["worker"]
    assert rows[city[0]]["attempt"] == rows[city[1]]["attempt"]
    assert city[0] in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    # once the audit is over, nothing is left running
    assert "没有进行中的巡检" in zwgk("status", "--redis", redis).stdout


def test_a_newer_attempt_fences_out_the_older_one(tmp_path):
    store = Store(fresh_postgres())
    run = store.start_run("audit", "jiangmen-2022", AS_OF)
    unit = store.add_unit(run, {"name": "甲", "type": "county", "url": "http://a.example/"})
    assert store.begin_attempt(run, unit, "甲", 1, "w1")
    assert not store.begin_attempt(run, unit, "甲", 1, "w2")      # the same claim number twice
    assert store.begin_attempt(run, unit, "甲", 2, "w2")          # w1 presumed dead, handed on
    with pytest.raises(StaleAttempt):
        store.complete_unit(run, unit, "甲", [], attempt=1, status="done")
    store.complete_unit(run, unit, "甲", [], attempt=2, status="done")
    assert not store.begin_attempt(run, unit, "甲", 3, "w3")      # done is done
    [row] = store.unit_rows(run)
    assert (row["status"], row["attempt"], row["worker"]) == ("done", 2, "w2")


def test_redis_that_cannot_be_reached_is_one_line_and_exit_2(tmp_path):
    dead = "redis://127.0.0.1:1/0"
    audit = zwgk("audit", "--redis", dead, "--no-browser", "--db", f"sqlite:///{tmp_path}/z.db",
                 "--out", str(tmp_path / "out"))
    assert audit.returncode == 2 and "无法连接 Redis" in audit.stderr
    assert len(audit.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "z.db").exists()                       # nothing created
    for command in (("worker", "--redis", dead), ("status", "--redis", dead)):
        result = zwgk(*command)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_worker_stopped_with_sigterm_hands_its_unit_back_at_once(tmp_path):
    redis = redis_url()
    pg = fresh_postgres()
    with slow_portal(delay=0.5, pages=60) as slow:
        units_file = write_units(tmp_path / "units.yaml", [{"name": SLOW, "type": "county", "url": slow.url}])
        # a visibility timeout far longer than the test: only the hand-back can free the unit
        coordinator = _popen("audit", "--units", str(units_file), "--as-of", AS_OF, "--no-browser",
                             "--no-cache", "--db", pg, "--out", str(tmp_path / "out"), "--redis", redis,
                             "--visibility-timeout", "3600", cwd=tmp_path)
        stopped = _popen("worker", "--redis", redis, "--no-browser", cwd=tmp_path)
        taker = None
        try:
            _wait(lambda: _pages_of(pg, SLOW) >= 3, 120, "the first worker to store pages")
            stopped.send_signal(signal.SIGTERM)
            _, log = stopped.communicate(timeout=60)
            assert stopped.returncode == 0 and "放回队列" in log, log[-2000:]
            taker = _popen("worker", "--redis", redis, "--exit-when-idle", "--no-browser", cwd=tmp_path)
            out, err = coordinator.communicate(timeout=600)
            assert coordinator.returncode == 0, err[-3000:]
        finally:
            for proc in (coordinator, stopped, taker):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
    [row] = Store(pg).unit_rows(1)
    assert row["status"] == "done" and row["attempt"] == 2 and row["worker"].endswith(f":{taker.pid}")


def test_one_big_machine_two_local_workers_on_a_sqlite_file(portals, tmp_path):
    redis = redis_url()
    units = (unit_entries("county-good", portals["county-good"].url)
             + unit_entries("city-bad", portals["city-bad"].url))
    units_file = write_units(tmp_path / "units.yaml", units)
    result = zwgk("audit", "--units", str(units_file), "--as-of", AS_OF, "--no-browser", "--no-cache",
                  "--db", f"sqlite:///{tmp_path}/z.db", "--out", str(tmp_path / "out"),
                  "--redis", redis, "--workers", "2", timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "只有本机的工作进程" in result.stderr
    store = Store(f"sqlite:///{tmp_path}/z.db")
    assert store.run_row(1)["status"] == "complete"
    rows = store.unit_rows(1)
    assert sorted(r["unit_name"] for r in rows) == sorted(u["name"] for u in units)
    assert all(r["status"] == "done" and r["attempt"] == 1 for r in rows)
    # two host groups, one per local worker process
    assert len({r["worker"] for r in rows}) == 2
    assert {r["unit_name"] for r in store.result_rows(1)} == {u["name"] for u in units}
