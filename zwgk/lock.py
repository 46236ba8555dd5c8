"""One audit at a time per database: a second `zwgk audit` on the same database exits 4.

SQLite: an flock on `<db>.lock` beside the file (the kernel drops it when the process dies, even on
kill -9). PostgreSQL: a session advisory lock. Other databases: no lock.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url


class LockHeld(RuntimeError):
    pass


class AuditLock:
    KEY = 0x7A77676B  # "zwgk"

    def __init__(self, store):
        self.store = store
        self._fd = None
        self._conn = None

    def __enter__(self):
        url = make_url(self.store.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            path = Path(url.database).expanduser().resolve().with_suffix(".lock")
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                self._fd = None
                raise LockHeld(f"另一个巡检正在使用数据库 {url.database}（锁文件 {path}）") from None
            os.ftruncate(self._fd, 0)
            os.write(self._fd, str(os.getpid()).encode())
        elif url.get_backend_name() == "postgresql":
            self._conn = self.store.engine.connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.KEY}).scalar()
            if not got:
                self._conn.close()
                self._conn = None
                raise LockHeld("另一个巡检正在使用该 PostgreSQL 数据库")
        return self

    def __exit__(self, *exc):
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.KEY})
            self._conn.close()
        return False
