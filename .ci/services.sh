#!/usr/bin/env bash
# Start a throw-away Redis and PostgreSQL on loopback for the scale-out tests (issue 9) and print
# the variables that point the tests at them:  eval "$(.ci/services.sh)"
# Data lives under ${ZWGK_SERVICES_DIR:-/tmp/zwgk-services}; running it again reuses what runs.
set -euo pipefail
dir=${ZWGK_SERVICES_DIR:-/tmp/zwgk-services}
redis_port=${ZWGK_REDIS_PORT:-56379}
pg_port=${ZWGK_PG_PORT:-55432}
mkdir -p "$dir"

if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --logfile "$dir/redis.log" --dir "$dir" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! "$pgbin/pg_isready" -h 127.0.0.1 -p "$pg_port" -q 2>/dev/null; then
  pgdata="$dir/pg"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    [ "$(id -u)" = 0 ] && chown postgres "$dir" "$pgdata"
    as_pg "$pgbin/initdb" -D "$pgdata" -U zwgk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$dir/pg.log" -w \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pgdata -c fsync=off" start >/dev/null
fi

echo "export ZWGK_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
echo "export ZWGK_TEST_POSTGRES_URL=postgresql://zwgk@127.0.0.1:$pg_port/postgres"
