"""Results database: audit runs, page snapshots, rule results, findings (SQLAlchemy Core).

SQLite by default (`sqlite:///zwgk.db`); any SQLAlchemy URL works. One `check` or `audit` is one
run; a run is marked complete only when it finished, so an interrupted run never passes for a
complete one, and earlier runs are never modified.
"""
from __future__ import annotations

import json
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from zwgk.page.snapshot import STORED_BLOB, PageSnapshot

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),          # check | audit
    Column("rulebook", String(200), nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("complete", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False, default="running"),  # running | complete | incomplete
    Column("argv", Text, default=""),
)

run_units = Table(
    "run_units", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False, index=True),
    Column("unit_name", String(200), nullable=False),
    Column("unit_type", String(32), nullable=False),
    Column("site", Text, nullable=False),
    Column("pages_crawled", Integer, default=0),
    Column("pages_failed", Integer, default=0),
    Column("score", Float),
    Column("status", String(16), default="pending"),     # pending | done | unreachable | error
    Column("error", Text, default=""),
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    # Distributed audits: the attempt (claim number) that owns the unit and the worker running it.
    Column("attempt", Integer, nullable=False, server_default="0"),
    Column("worker", String(200), server_default=""),
    # JSON: what a Site needs besides the pages (refused by budget, traps…), see zwgk.audit.crawl_facts
    Column("crawl_facts", Text),
)

pages = Table(
    "pages", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False, index=True),
    Column("unit_name", String(200), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("final_url", Text),
    Column("status", Integer),
    Column("external", Boolean, default=False),
    Column("fetched_at", String(32)),
    Column("data", LargeBinary, nullable=False),         # zlib(JSON of the PageSnapshot)
    Column("attempt", Integer, nullable=False, server_default="0"),
)

results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False, index=True),
    Column("unit_name", String(200), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("item", Integer),
    Column("source", Text),
    Column("title", Text),
    Column("status", String(16), nullable=False),
    Column("severity", String(16)),
    Column("check_id", String(64)),
    Index("ix_results_run_unit", "run_id", "unit_name"),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True),
    Column("result_id", Integer, ForeignKey("results.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("url", Text, default=""),
    Column("message", Text, default=""),
    Column("evidence", Text, default=""),
    Column("selector", Text, default=""),
    Column("screenshot", Text, default=""),
)


class StorageError(RuntimeError):
    """The database cannot be used; str() is the one-line message for the user."""


class StaleAttempt(RuntimeError):
    """A newer attempt owns the unit (this worker was presumed dead and its unit handed on)."""


# The schema is created and upgraded by Alembic (storage/migrations). HEAD is the newest revision;
# a database already there is opened without importing Alembic at all.
SCHEMA_HEAD = "0002"
_MIGRATE_LOCK = 0x7A776D67   # PostgreSQL advisory lock: workers starting together migrate once


def migrate(engine):
    """Create or upgrade the schema to SCHEMA_HEAD. A database made before migrations existed
    (tables, no alembic_version) is stamped with the first revision, then upgraded."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK})
        tables = set(inspect(conn).get_table_names())
        current = None
        if "alembic_version" in tables:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current == SCHEMA_HEAD:
            return
        if not tables:
            # A new database: the tables as the models describe them, stamped at HEAD, without
            # importing Alembic (a quarter of a second of every first audit). test_migrations
            # keeps this schema equal to the one the migrations build.
            metadata.create_all(conn)
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                              "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": SCHEMA_HEAD})
            return
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        cfg.attributes["connection"] = conn
        from alembic.util import CommandError
        try:
            known = current is None or ScriptDirectory.from_config(cfg).get_revision(current) is not None
        except CommandError:
            known = False
        if not known:
            raise StorageError(f"数据库结构版本 {current} 比本程序新，请升级 zwgk")
        if current is None and "runs" in tables:
            command.stamp(cfg, "0001")
        command.upgrade(cfg, "head")


def _writes(method):
    """A database write that fails (locked by another writer, read-only file, disk full) raises
    StorageError with one line for the user, never a traceback."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (OperationalError, DatabaseError) as exc:
            msg = str(getattr(exc, "orig", exc)).splitlines()[0]
            raise StorageError(f"数据库被占用或不可写 {self.url}: {msg}") from None
    return wrapper


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def normalise_db_url(db: str) -> str:
    """A SQLAlchemy URL; a bare file path is taken as a SQLite file."""
    if "://" not in db:
        return f"sqlite:///{db}"
    return db


class Store:
    def __init__(self, db: str = "sqlite:///zwgk.db"):
        url = normalise_db_url(db)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StorageError(f"数据库地址无效: {db}") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            parent = Path(parsed.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StorageError(f"数据库目录不存在: {parent}")
        try:
            # pool_pre_ping: a coordinator waits hours on its workers; a server-side dropped idle
            # connection must be replaced, not fail the end of the audit.
            self.engine = create_engine(url, future=True,
                                        pool_pre_ping=parsed.get_backend_name() != "sqlite")
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise StorageError(f"无法使用数据库 {db}: {exc}") from None
        if parsed.get_backend_name() == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA busy_timeout=10000")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()
        self.url = url
        try:
            migrate(self.engine)
            with self.engine.connect() as conn:
                conn.execute(select(func.count()).select_from(runs)).scalar()
        except (DatabaseError, OperationalError) as exc:
            msg = str(getattr(exc, "orig", exc)).splitlines()[0]
            raise StorageError(f"数据库不可用 {db}: {msg}") from None
        self._page_buffer: list[dict] = []
        self._last_flush = time.monotonic()
        self._attempts: dict[tuple[int, str], int] = {}   # (run, unit) -> attempt its pages carry

    # -- runs -------------------------------------------------------------------------------
    @_writes
    def start_run(self, kind: str, rulebook: str, as_of: str, argv: str = "") -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(runs).values(kind=kind, rulebook=rulebook, as_of=as_of,
                                                    started_at=now(), complete=False, status="running",
                                                    argv=argv)).inserted_primary_key[0]

    @_writes
    def finish_run(self, run_id: int, complete: bool = True):
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(
                finished_at=now(), complete=complete, status="complete" if complete else "incomplete"))

    @_writes
    def mark_interrupted_runs(self, kind: str = "audit") -> list[int]:
        """Runs of this kind still marked running: the process that ran them is gone (the caller
        holds the audit lock), so they are incomplete. Their results stay as they are."""
        with self.engine.begin() as conn:
            ids = [r.id for r in conn.execute(select(runs.c.id).where(runs.c.kind == kind,
                                                                       runs.c.status == "running"))]
            if ids:
                conn.execute(update(runs).where(runs.c.id.in_(ids)).values(status="incomplete", complete=False))
        return ids

    def shared_url(self) -> str:
        """The URL as other processes must use it: a SQLite file by its absolute path."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return url.set(database=str(Path(url.database).expanduser().resolve())).render_as_string(
                hide_password=False)
        return self.url

    def location(self) -> str:
        """Where the results are, for people: a SQLite file's absolute path, else the URL with
        its password hidden."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            if url.database in (None, "", ":memory:"):
                return "内存数据库（不保存）"
            return str(Path(url.database).expanduser().resolve())
        return url.render_as_string(hide_password=True)

    def default_side_dir(self, name: str) -> Path:
        """A folder beside a SQLite database file (zwgk-httpcache, zwgk-logs), else in the cwd."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).expanduser().resolve().parent / f"zwgk-{name}"
        return Path.cwd() / f"zwgk-{name}"

    @_writes
    def add_unit(self, run_id: int, unit: dict) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(run_units).values(
                run_id=run_id, unit_name=unit["name"], unit_type=unit["type"], site=unit["url"],
                status="pending", started_at=now())).inserted_primary_key[0]

    @_writes
    def finish_unit(self, run_unit_id: int, **values):
        with self.engine.begin() as conn:
            conn.execute(update(run_units).where(run_units.c.id == run_unit_id).values(
                finished_at=now(), **values))

    # -- pages ------------------------------------------------------------------------------
    def add_page(self, run_id: int, unit_name: str, snap: PageSnapshot):
        # a page reused exactly as an earlier audit stored it carries those bytes (snapshot_cache);
        # once stored they are let go, not kept with the page until the checks are done
        blob = snap.__dict__.pop(STORED_BLOB, None) or zlib.compress(
            json.dumps(snap.to_dict(), ensure_ascii=False).encode("utf-8"), 6)
        self._page_buffer.append(dict(run_id=run_id, unit_name=unit_name, url=snap.url,
                                      final_url=snap.final_url, status=snap.status,
                                      external=snap.external, fetched_at=snap.fetched_at, data=blob,
                                      attempt=self._attempts.get((run_id, unit_name), 0)))
        # Flush by count or by time: a killed audit loses at most a second of pages.
        if len(self._page_buffer) >= 50 or time.monotonic() - self._last_flush > 1.0:
            self.flush()

    @_writes
    def flush(self):
        self._last_flush = time.monotonic()
        if not self._page_buffer:
            return
        batch, self._page_buffer = self._page_buffer, []
        with self.engine.begin() as conn:
            conn.execute(insert(pages), batch)

    def load_pages(self, run_id: int, unit_name: str) -> list[PageSnapshot]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(pages.c.data).where(pages.c.run_id == run_id,
                                                           pages.c.unit_name == unit_name)
                                .order_by(pages.c.id)).all()
        return [PageSnapshot.from_dict(json.loads(zlib.decompress(r.data))) for r in rows]

    # -- results ----------------------------------------------------------------------------
    @_writes
    def add_results(self, run_id: int, unit_name: str, rule_results):
        with self.engine.begin() as conn:
            self._insert_results(conn, run_id, unit_name, rule_results)

    @staticmethod
    def _insert_results(conn, run_id: int, unit_name: str, rule_results):
        for r in rule_results:
            rid = conn.execute(insert(results).values(
                run_id=run_id, unit_name=unit_name, rule=r.rule, item=r.item, source=r.source,
                title=r.title, status=r.status, severity=r.severity, check_id=r.check)
            ).inserted_primary_key[0]
            if r.findings:
                conn.execute(insert(findings), [dict(result_id=rid, status=f.status, url=f.url,
                                                     message=f.message, evidence=f.evidence,
                                                     selector=f.selector, screenshot=f.screenshot)
                                                for f in r.findings])

    # -- distributed audits (zwgk/cluster.py) ------------------------------------------------
    @_writes
    def begin_attempt(self, run_id: int, run_unit_id: int, unit_name: str, attempt: int,
                      worker: str) -> bool:
        """Take the unit for this attempt: False if it is done or a newer attempt owns it. Pages
        left by earlier attempts (a worker killed mid-unit) are deleted, so none counts twice."""
        with self.engine.begin() as conn:
            taken = conn.execute(update(run_units).where(
                run_units.c.id == run_unit_id, run_units.c.attempt < attempt,
                run_units.c.status.in_(("pending", "running"))).values(
                attempt=attempt, worker=worker, status="running", started_at=now())).rowcount
            if taken:
                conn.execute(delete(pages).where(pages.c.run_id == run_id,
                                                 pages.c.unit_name == unit_name,
                                                 pages.c.attempt != attempt))
        if taken:
            self._attempts[(run_id, unit_name)] = attempt
        return bool(taken)

    @_writes
    def complete_unit(self, run_id: int, run_unit_id: int, unit_name: str, rule_results,
                      attempt: int | None = None, **values):
        """Results and the unit's final state in one transaction. With an attempt, only if that
        attempt still owns the unit (else StaleAttempt, nothing written): a unit is counted once."""
        self.flush()
        with self.engine.begin() as conn:
            if attempt is not None:
                q = select(run_units.c.attempt).where(run_units.c.id == run_unit_id)
                if conn.dialect.name == "postgresql":
                    q = q.with_for_update()
                if conn.execute(q).scalar() != attempt:
                    raise StaleAttempt(unit_name)
                conn.execute(delete(pages).where(pages.c.run_id == run_id,
                                                 pages.c.unit_name == unit_name,
                                                 pages.c.attempt != attempt))
            self._delete_results(conn, run_id, unit_name)
            self._insert_results(conn, run_id, unit_name, rule_results)
            conn.execute(update(run_units).where(run_units.c.id == run_unit_id).values(
                finished_at=now(), **values))

    @_writes
    def fail_unit(self, run_unit_id: int, why: str):
        """A unit no attempt could finish (its worker process kept dying): error, unless done."""
        with self.engine.begin() as conn:
            conn.execute(update(run_units).where(run_units.c.id == run_unit_id,
                                                 run_units.c.status.in_(("pending", "running")))
                         .values(status="error", error=why, finished_at=now()))

    @_writes
    def replace_results(self, run_id: int, unit_name: str, rule_ids, rule_results, **unit_values):
        """Swap the results of some rules of a finished unit (audit-wide rules judged at the end
        of a distributed audit) and update the unit row (its score) in one transaction."""
        with self.engine.begin() as conn:
            self._delete_results(conn, run_id, unit_name, rule_ids)
            self._insert_results(conn, run_id, unit_name, rule_results)
            if unit_values:
                conn.execute(update(run_units).where(run_units.c.run_id == run_id,
                                                     run_units.c.unit_name == unit_name)
                             .values(**unit_values))

    @staticmethod
    def _delete_results(conn, run_id: int, unit_name: str, rule_ids=None):
        q = select(results.c.id).where(results.c.run_id == run_id, results.c.unit_name == unit_name)
        if rule_ids is not None:
            q = q.where(results.c.rule.in_(list(rule_ids)))
        ids = [r.id for r in conn.execute(q)]
        if ids:
            conn.execute(delete(findings).where(findings.c.result_id.in_(ids)))
            conn.execute(delete(results).where(results.c.id.in_(ids)))

    def run_row(self, run_id: int):
        with self.engine.connect() as conn:
            return conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()

    @_writes
    def prune_pages(self, kind: str, keep: int) -> tuple[int, int]:
        """Delete the stored pages of runs of this kind older than its newest `keep` complete runs;
        (runs, pages) deleted. Results, units and runs stay: history, trends and `zwgk report
        --run N` read only those. Pages are what a database grows by (about 10 KB a page, every
        night); the last audits' pages are kept for the next re-audit and for inspection."""
        if keep < 1:
            return 0, 0
        with self.engine.begin() as conn:
            kept = [r.id for r in conn.execute(
                select(runs.c.id).where(runs.c.kind == kind, runs.c.complete.is_(True))
                .order_by(runs.c.id.desc()).limit(keep))]
            if len(kept) < keep:
                return 0, 0
            old = select(runs.c.id).where(runs.c.kind == kind, runs.c.id < min(kept)).scalar_subquery()
            olds = conn.execute(select(func.count(func.distinct(pages.c.run_id)))
                                .where(pages.c.run_id.in_(old))).scalar()
            gone = conn.execute(delete(pages).where(pages.c.run_id.in_(old))).rowcount
        return olds or 0, gone or 0

    def latest_complete_run(self, kind: str | None = None):
        q = select(runs).where(runs.c.complete.is_(True))
        if kind:
            q = q.where(runs.c.kind == kind)
        with self.engine.connect() as conn:
            return conn.execute(q.order_by(runs.c.id.desc())).mappings().first()

    def unit_rows(self, run_id: int):
        with self.engine.connect() as conn:
            return conn.execute(select(run_units).where(run_units.c.run_id == run_id)
                                .order_by(run_units.c.id)).mappings().all()

    def result_rows(self, run_id: int, unit_name: str | None = None):
        """Rule results of a run with their findings: list of dicts."""
        q = select(results).where(results.c.run_id == run_id)
        if unit_name is not None:
            q = q.where(results.c.unit_name == unit_name)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q.order_by(results.c.id)).mappings().all()]
            ids = [r["id"] for r in rows]
            by_result: dict[int, list] = {i: [] for i in ids}
            if ids:
                for f in conn.execute(select(findings).where(findings.c.result_id.in_(ids))
                                      .order_by(findings.c.id)).mappings().all():
                    by_result[f["result_id"]].append(dict(f))
        for r in rows:
            r["findings"] = by_result[r["id"]]
        return rows
