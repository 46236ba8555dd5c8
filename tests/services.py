"""The real Redis and PostgreSQL the scale-out tests (issue 9) run against.

`.ci/run` starts both (`.ci/services.sh`) and exports ZWGK_TEST_REDIS_URL and
ZWGK_TEST_POSTGRES_URL (and ZWGK_REQUIRE_SERVICES=1). Elsewhere, run `eval "$(.ci/services.sh)"`
first; without them these tests are skipped, except under CI or ZWGK_REQUIRE_SERVICES, where a
missing service is a failure, not a skip.
"""
from __future__ import annotations

import os
import uuid

import pytest


def _need(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        message = f"{var} is not set: start the services with eval \"$(.ci/services.sh)\""
        if os.environ.get("CI") or os.environ.get("ZWGK_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    return value


def redis_url(db: int = 7) -> str:
    """A Redis database of its own, emptied: the tests never see a developer's keys."""
    import redis
    base = _need("ZWGK_TEST_REDIS_URL").rsplit("/", 1)[0]
    url = f"{base}/{db}"
    redis.Redis.from_url(url).flushdb()
    return url


def fresh_postgres() -> str:
    """A new, empty PostgreSQL database; its URL."""
    import sqlalchemy as sa
    admin = _need("ZWGK_TEST_POSTGRES_URL")
    name = f"zwgk_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + f"/{name}"
