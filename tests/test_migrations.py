"""The schema is created and upgraded by Alembic (storage/migrations): a new database, a database
made before migrations existed, one from a newer zwgk, and PostgreSQL."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.services import fresh_postgres
from zwgk.storage.database import SCHEMA_HEAD, StorageError, Store, metadata


def _version(path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("select version_num from alembic_version").fetchone()[0]
    finally:
        con.close()


def _columns(engine, table) -> set:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_a_new_database_is_created_at_the_newest_revision(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/new.db")
    assert _version(tmp_path / "new.db") == SCHEMA_HEAD
    assert {"attempt", "worker", "crawl_facts"} <= _columns(store.engine, "run_units")
    assert "attempt" in _columns(store.engine, "pages")


def _schema(engine) -> dict:
    insp = sa.inspect(engine)
    return {t: ({c["name"]: (str(c["type"]), c["nullable"], str(c["default"]).strip("'\"") if c["default"] else None,
                             c.get("primary_key", 0))
                 for c in insp.get_columns(t)},
                sorted((tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(t)),
                sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in insp.get_foreign_keys(t)))
            for t in insp.get_table_names()}


def test_a_new_database_has_the_schema_the_migrations_build(tmp_path):
    """Store() creates a new database from the models (no Alembic import); the migrations upgrade
    old ones. Both must give the same tables, columns, defaults, indexes and keys."""
    from alembic import command
    from alembic.config import Config

    from zwgk.storage import database as storage
    Store(f"sqlite:///{tmp_path}/models.db")
    migrated = sa.create_engine(f"sqlite:///{tmp_path}/migrated.db")
    with migrated.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(storage.Path(storage.__file__).parent / "migrations"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    models = sa.create_engine(f"sqlite:///{tmp_path}/models.db")
    assert _schema(models) == _schema(migrated)
    assert _version(tmp_path / "models.db") == _version(tmp_path / "migrated.db") == SCHEMA_HEAD


def test_a_database_from_before_migrations_is_upgraded_and_keeps_its_runs(tmp_path):
    # the session-1 schema: today's tables without the columns migration 0002 added
    engine = sa.create_engine(f"sqlite:///{tmp_path}/old.db")
    old = sa.MetaData()
    added = {("run_units", "attempt"), ("run_units", "worker"), ("run_units", "crawl_facts"),
             ("pages", "attempt")}
    for name, table in metadata.tables.items():
        sa.Table(name, old, *[sa.Column(c.name, c.type, primary_key=c.primary_key)
                              for c in table.columns if (name, c.name) not in added])
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("insert into runs (kind, rulebook, as_of, started_at, complete, status) "
                             "values ('audit', 'jiangmen-2022', '2023-03-15', 'then', 1, 'complete')"))
        conn.execute(sa.text("insert into run_units (run_id, unit_name, unit_type, site, status) "
                             "values (1, '甲', 'county', 'http://a/', 'done')"))
    engine.dispose()

    store = Store(f"sqlite:///{tmp_path}/old.db")
    assert _version(tmp_path / "old.db") == SCHEMA_HEAD
    assert store.latest_complete_run()["id"] == 1
    [unit] = store.unit_rows(1)
    assert unit["unit_name"] == "甲" and unit["attempt"] == 0
    # and it keeps working: a new run on the upgraded database
    run = store.start_run("audit", "jiangmen-2022", "2023-03-16")
    assert run == 2


def test_a_database_from_a_newer_zwgk_is_refused_in_one_line(tmp_path):
    Store(f"sqlite:///{tmp_path}/z.db")
    con = sqlite3.connect(tmp_path / "z.db")
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="比本程序新"):
        Store(f"sqlite:///{tmp_path}/z.db")
    result = subprocess.run([sys.executable, "-m", "zwgk", "report", "--db", f"sqlite:///{tmp_path}/z.db",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_postgresql_is_migrated_once_when_workers_start_together():
    url = fresh_postgres()
    code = f"from zwgk.storage.database import Store; Store({url!r})"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalars().all() == [SCHEMA_HEAD]
    assert {"runs", "run_units", "pages", "results", "findings"} <= set(sa.inspect(engine).get_table_names())
    engine.dispose()
