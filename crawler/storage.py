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

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String,
                        Table, Text, create_engine, event, select, update, insert, func)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, NoSuchModuleError

from crawler.snapshot import PageSnapshot

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
            self.engine = create_engine(url, future=True)
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
            metadata.create_all(self.engine)
            with self.engine.connect() as conn:
                conn.execute(select(func.count()).select_from(runs)).scalar()
        except (DatabaseError, OperationalError) as exc:
            msg = str(getattr(exc, "orig", exc)).splitlines()[0]
            raise StorageError(f"数据库不可用 {db}: {msg}") from None
        self._page_buffer: list[dict] = []
        self._last_flush = time.monotonic()

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
        blob = zlib.compress(json.dumps(snap.to_dict(), ensure_ascii=False).encode("utf-8"), 6)
        self._page_buffer.append(dict(run_id=run_id, unit_name=unit_name, url=snap.url,
                                      final_url=snap.final_url, status=snap.status,
                                      external=snap.external, fetched_at=snap.fetched_at, data=blob))
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

    def run_row(self, run_id: int):
        with self.engine.connect() as conn:
            return conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()

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
