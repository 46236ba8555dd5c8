"""Distributed audits (issue 9): one coordinator, any number of workers, Redis between them and
one shared results database (PostgreSQL; SQLite only when every worker is on one machine).

    zwgk audit  --redis redis://R:6379/0 --db postgresql://…   # coordinator: queues, waits, finishes
    zwgk worker --redis redis://R:6379/0                       # on every crawling machine
    zwgk status --redis redis://R:6379/0                       # queue depth, workers, pages/s

What goes on the queue: the audit's units grouped by host (runner.host_groups), one group per
entry. A host is crawled by one worker at a time, units of a host one after another, so the
per-host politeness of a single machine holds for the whole cluster: ten workers never hit one
portal ten times harder. Within a unit the crawl frontier is scrapy-redis's priority queue (and
its duplicate filter) under the unit's own keys, so a worker's memory does not grow with the
frontier and `zwgk status` can show it.

Claims and crash recovery (a reliable queue, all steps atomic Lua on Redis):
- claim: LMOVE pending -> processing, bump the group's attempt number, set a lease key that
  expires after the visibility timeout; the worker renews the lease while it works;
- a worker killed (even SIGKILL) stops renewing; whoever next sweeps (workers, the coordinator)
  finds the lease gone and moves the group back to pending; the next worker's attempt deletes the
  pages the dead attempt stored and crawls the unit again;
- the database fences attempts: a unit's results and final state are written in one transaction
  only if the attempt still owns the unit (Store.complete_unit), so no unit is counted twice even
  if a worker presumed dead comes back.

Audit-wide rules (item 10, near-copy annual reports across units) need every unit's pages; the
workers leave them out and the coordinator judges them at the end (zwgk.audit.judge_peer_rules).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from zwgk.audit import audit_units, judge_peer_rules
from zwgk.checks.rulebook import load_rulebook
from zwgk.crawler.browser import BrowserPool, BrowserSettings, find_chromium
from zwgk.crawler.runner import host_groups
from zwgk.storage.database import StaleAttempt, Store

AUDITS = "zwgk:audits"                  # set of active audit tokens
WORKER_PREFIX = "zwgk:worker:"          # zwgk:worker:<id> -> JSON, expires unless renewed
MAX_ATTEMPTS = 3                        # a group whose worker process dies this often is failed
DEFAULT_VISIBILITY = 60                 # seconds a claim lives without renewal
REDIS_OUTAGE_LIMIT = 600                # seconds the coordinator waits for Redis to come back


class ClusterError(RuntimeError):
    """Redis cannot be used; str() is the one-line message for the user."""


def connect(url: str):
    import redis
    try:
        client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5,
                                      socket_timeout=30, health_check_interval=30)
        client.ping()
    except (ValueError, redis.RedisError) as exc:
        raise ClusterError(f"无法连接 Redis {url}: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}") from None
    return client


class Keys:
    def __init__(self, audit: str):
        base = f"zwgk:audit:{audit}"
        self.audit = audit
        self.meta = base                       # hash: run_id, db, as_of, rulebook text …
        self.alive = base + ":alive"           # the coordinator's heartbeat
        self.groups = base + ":groups"         # hash: group id -> JSON list of units
        self.pending = base + ":pending"       # list of group ids
        self.processing = base + ":processing"
        self.attempts = base + ":attempts"     # hash: group id -> claims so far
        self.done = base + ":done"             # set of group ids finished
        self.failed = base + ":failed"         # set of group ids given up on
        self.units_done = base + ":units_done"
        self.pages = base + ":pages"
        self.lease_prefix = base + ":lease:"

    def lease(self, group: str) -> str:
        return self.lease_prefix + group

    def unit(self, run_unit_id: int) -> str:
        return f"zwgk:audit:{self.audit}:u{run_unit_id}"

    def all(self) -> list[str]:
        return [self.meta, self.alive, self.groups, self.pending, self.processing, self.attempts,
                self.done, self.failed, self.units_done, self.pages]


# KEYS: pending, processing, attempts   ARGV: lease prefix, worker id, lease ms
_CLAIM = """
local g = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
if not g then return false end
local attempt = redis.call('HINCRBY', KEYS[3], g, 1)
redis.call('SET', ARGV[1] .. g, ARGV[2] .. '|' .. attempt, 'PX', ARGV[3])
return {g, attempt}
"""
# KEYS: lease   ARGV: owner token, lease ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: processing, pending   ARGV: lease prefix. Groups whose lease expired go back to pending.
_REAP = """
local back = 0
for _, g in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. g) == 0 then
    redis.call('LREM', KEYS[1], 1, g)
    redis.call('LPUSH', KEYS[2], g)
    back = back + 1
  end
end
return back
"""
# KEYS: lease, processing, done-or-pending   ARGV: owner token, group, 'done'|'retry'|'failed',
#       units in the group, units_done key, failed key
_SETTLE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('LREM', KEYS[2], 1, ARGV[2])
if ARGV[3] == 'retry' then
  redis.call('RPUSH', KEYS[3], ARGV[2])
else
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('INCRBY', ARGV[5], ARGV[4])
  if ARGV[3] == 'failed' then redis.call('SADD', ARGV[6], ARGV[2]) end
end
return 1
"""


@dataclass
class Claim:
    audit: str
    group: str
    attempt: int
    token: str
    units: list


class Queue:
    """The audit queue on Redis: what the coordinator, workers and `zwgk status` share."""

    def __init__(self, client):
        self.r = client
        self._claim = client.register_script(_CLAIM)
        self._renew = client.register_script(_RENEW)
        self._reap = client.register_script(_REAP)
        self._settle = client.register_script(_SETTLE)

    # -- coordinator ----------------------------------------------------------------------------
    def publish(self, meta: dict, groups: list[list[dict]]) -> Keys:
        keys = Keys(uuid.uuid4().hex[:12])
        pipe = self.r.pipeline()
        pipe.hset(keys.meta, mapping={k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                                      for k, v in meta.items()})
        pipe.hset(keys.meta, "groups_total", len(groups))
        pipe.hset(keys.meta, "units_total", sum(len(g) for g in groups))
        pipe.hset(keys.meta, "started", time.time())
        for i, group in enumerate(groups):
            pipe.hset(keys.groups, str(i), json.dumps(group, ensure_ascii=False))
        if groups:
            pipe.rpush(keys.pending, *[str(i) for i in range(len(groups))])
        pipe.set(keys.alive, "1", ex=max(30, int(meta.get("visibility", DEFAULT_VISIBILITY))))
        pipe.sadd(AUDITS, keys.audit)
        pipe.execute()
        return keys

    def heartbeat(self, keys: Keys, visibility: int):
        self.r.set(keys.alive, "1", ex=max(30, visibility))

    def retire(self, keys: Keys, keep_seconds: int = 86400):
        """The audit is over (finished or given up): no more claims; its counters stay a day
        for `zwgk status`."""
        pipe = self.r.pipeline()
        pipe.srem(AUDITS, keys.audit)
        pipe.delete(keys.pending, keys.alive)
        for key in keys.all():
            pipe.expire(key, keep_seconds)
        pipe.execute()

    # -- everyone --------------------------------------------------------------------------------
    def active(self) -> list[str]:
        return sorted(self.r.smembers(AUDITS))

    def meta(self, audit: str) -> dict:
        return self.r.hgetall(Keys(audit).meta)

    def reap(self, audit: str) -> int:
        keys = Keys(audit)
        return int(self._reap(keys=[keys.processing, keys.pending], args=[keys.lease_prefix]))

    # -- workers ---------------------------------------------------------------------------------
    def claim(self, audit: str, worker: str, visibility: int) -> Claim | None:
        keys = Keys(audit)
        if not self.r.exists(keys.alive):        # no coordinator waits for it any more
            return None
        got = self._claim(keys=[keys.pending, keys.processing, keys.attempts],
                          args=[keys.lease_prefix, worker, int(visibility * 1000)])
        if not got:
            return None
        group, attempt = got[0], int(got[1])
        units = json.loads(self.r.hget(keys.groups, group) or "[]")
        return Claim(audit, group, attempt, f"{worker}|{attempt}", units)

    def renew(self, claim: Claim, visibility: int) -> bool:
        keys = Keys(claim.audit)
        return bool(self._renew(keys=[keys.lease(claim.group)], args=[claim.token, int(visibility * 1000)]))

    def settle(self, claim: Claim, outcome: str) -> bool:
        """outcome: done | retry | failed. False if the claim was lost meanwhile (the group was
        handed to another worker, which settles it)."""
        keys = Keys(claim.audit)
        target = keys.pending if outcome == "retry" else keys.done
        return bool(self._settle(keys=[keys.lease(claim.group), keys.processing, target],
                                 args=[claim.token, claim.group, outcome, len(claim.units),
                                       keys.units_done, keys.failed]))


def unit_scrapy_settings(redis_url: str, keys: Keys, run_unit_id: int) -> dict:
    """scrapy-redis as the unit's scheduler: its frontier and duplicate filter live in Redis under
    the unit's keys. Flushed at the start: a unit taken over after a crash is crawled again from
    its start page, so its verdicts are those of one whole crawl."""
    base = keys.unit(run_unit_id)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": base + ":requests",
        "SCHEDULER_DUPEFILTER_KEY": base + ":dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_FLUSH_ON_START": True,
        "SCHEDULER_PERSIST": False,
        "REDIS_URL": redis_url,
    }


def mask_url(url: str) -> str:
    """A database or Redis URL without its password, for logs and `zwgk status`."""
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — a URL we cannot parse is shown as it is, minus userinfo
        return url.split("@")[-1]


# -- the worker's child: one claimed group, crawled and judged in a fresh process -------------------
def _die_with_parent():
    """SIGKILL this child when its worker dies: a killed worker leaves no orphan crawling a unit
    that another worker is about to take over."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _PageCounter:
    """Progress hook of the crawl: pages counted on Redis, for `zwgk status`."""

    def __init__(self, client, keys: Keys, worker: str):
        self.r, self.keys, self.worker = client, keys, worker
        self._pending, self._last = 0, time.monotonic()

    def unit_started(self, unit):
        pass

    def unit_finished(self, unit, outcome):
        self._push()

    def page(self, unit, snap):
        self._pending += 1
        if time.monotonic() - self._last > 1.0:
            self._push()

    def _push(self):
        if self._pending:
            pipe = self.r.pipeline()
            pipe.incrby(self.keys.pages, self._pending)
            pipe.incrby(WORKER_PREFIX + self.worker + ":pages", self._pending)
            pipe.execute()
        self._pending, self._last = 0, time.monotonic()


def _worker_cache_dir(coordinators: str) -> str:
    """The HTTP cache a worker keeps between audits: ZWGK_WORKER_CACHE_DIR, else the coordinator's
    folder when this machine can use it (workers beside the coordinator share its cache), else
    ~/.cache/zwgk-httpcache."""
    for candidate in (os.environ.get("ZWGK_WORKER_CACHE_DIR"), coordinators):
        if candidate:
            try:
                Path(candidate).mkdir(parents=True, exist_ok=True)
                if os.access(candidate, os.W_OK):
                    return candidate
            except OSError:
                continue
    return str(Path.home() / ".cache" / "zwgk-httpcache")


def run_claim(redis_url: str, claim: Claim, worker: str, db_override: str | None,
              browser_enabled: bool) -> int:
    """Crawl and judge the claimed units (the child process). Exit status: 0 done, 3 the claim
    was lost to a newer attempt."""
    import warnings

    from scrapy.exceptions import ScrapyDeprecationWarning
    # scrapy-redis 0.9 still passes spider= to the stats collector: noise, once per request.
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning)

    client = connect(redis_url)
    keys = Keys(claim.audit)
    meta = client.hgetall(keys.meta)
    store = Store(db_override or meta["db"])
    run_id = int(meta["run_id"])
    with TemporaryDirectory() as tmp:
        book_path = Path(tmp) / meta["rulebook_file"]
        book_path.write_text(meta["rulebook_text"], encoding="utf-8")
        rulebook = load_rulebook(str(book_path))
    as_of = date.fromisoformat(meta["as_of"])
    units = [u for u in claim.units
             if store.begin_attempt(run_id, u["run_unit_id"], u["name"], claim.attempt, worker)]
    if not units:
        return 0
    for u in units:
        u["scrapy_settings"] = unit_scrapy_settings(redis_url, keys, u["run_unit_id"])
    settings = json.loads(meta.get("settings") or "{}")
    if settings.get("HTTPCACHE_ENABLED"):
        settings["HTTPCACHE_DIR"] = _worker_cache_dir(settings.get("HTTPCACHE_DIR", ""))
    browser, why = None, meta.get("browser_missing") or "已指定 --no-browser"
    if browser_enabled and meta.get("browser") == "1":
        executable, why = find_chromium()
        if executable is not None:
            shots = meta.get("screenshots") or ""
            browser = BrowserPool(executable, BrowserSettings.from_env(), Path(shots) if shots else None)
    try:
        # exactly as on one machine, less the audit-wide rules (the coordinator judges those)
        audit_units(store, run_id, units, rulebook, as_of, int(meta["max_pages"]),
                    unit_ids={u["name"]: u["run_unit_id"] for u in units}, browser=browser,
                    browser_missing=why, settings=settings, progress=_PageCounter(client, keys, worker),
                    attempts={u["name"]: claim.attempt for u in units}, peers=False)
    except StaleAttempt:
        return 3
    return 0


def _child_main(redis_url, claim, worker, db_override, browser_enabled):
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import logging
    try:
        code = run_claim(redis_url, claim, worker, db_override, browser_enabled)
    except Exception:  # noqa: BLE001 — reported to the parent as a failed attempt
        logging.getLogger("zwgk").exception("worker %s: group %s of audit %s failed", worker,
                                            claim.group, claim.audit)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# -- the worker --------------------------------------------------------------------------------------
class Worker:
    """Takes groups from every active audit (or one, `--audit`), each in a fresh child process
    (a Twisted reactor cannot be restarted, and a unit that brings its process down must not take
    the worker with it), `slots` at a time."""

    def __init__(self, redis_url: str, slots: int = 1, db: str | None = None, audit: str | None = None,
                 exit_when_idle: bool = False, browser: bool = True, log=print):
        self.redis_url = redis_url
        self.client = connect(redis_url)
        self.queue = Queue(self.client)
        self.slots = max(1, slots)
        self.db = db
        self.only = audit
        self.exit_when_idle = exit_when_idle
        self.browser = browser
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.log = log
        self.children: dict = {}          # pid -> (process, claim)
        self.stopping = False
        self._rate = (time.monotonic(), 0)
        self._visibilities: dict[str, int] = {}

    def _audits(self) -> list[str]:
        active = self.queue.active()
        return [a for a in active if a == self.only] if self.only else active

    def _announce(self):
        now = time.monotonic()
        pages = int(self.client.get(WORKER_PREFIX + self.id + ":pages") or 0)
        last_t, last_pages = self._rate
        rate = (pages - last_pages) / (now - last_t) if now > last_t else 0.0
        self._rate = (now, pages)
        info = {"id": self.id, "host": socket.gethostname(), "pid": os.getpid(), "slots": self.slots,
                "busy": [u["name"] for _, c in self.children.values() for u in c.units],
                "pages": pages, "pages_per_s": round(rate, 1), "seen": time.time()}
        pipe = self.client.pipeline()
        pipe.set(WORKER_PREFIX + self.id, json.dumps(info, ensure_ascii=False), ex=15)
        pipe.expire(WORKER_PREFIX + self.id + ":pages", 86400)
        pipe.execute()

    def _visibility(self, audit: str) -> int:
        if audit not in self._visibilities:
            value = self.client.hget(Keys(audit).meta, "visibility")
            self._visibilities[audit] = int(value or DEFAULT_VISIBILITY)
        return self._visibilities[audit]

    def _start(self, claim: Claim):
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        proc = ctx.Process(target=_child_main, args=(self.redis_url, claim, self.id, self.db, self.browser),
                           name=f"zwgk-{claim.audit}-{claim.group}", daemon=False)
        proc.start()
        self.children[proc.pid] = (proc, claim)
        names = "、".join(u["name"] for u in claim.units)
        self.log(f"[{self.id}] 领取 {names}（第 {claim.attempt} 次尝试）")

    def _reap_children(self):
        for pid, (proc, claim) in list(self.children.items()):
            if proc.is_alive():
                continue
            proc.join()
            del self.children[pid]
            names = "、".join(u["name"] for u in claim.units)
            code = proc.exitcode
            if code == 0:
                self.queue.settle(claim, "done")
                self.log(f"[{self.id}] 完成 {names}")
            elif code == 3:
                self.log(f"[{self.id}] {names} 已由其他工作进程接手，本次结果丢弃")
            elif claim.attempt >= MAX_ATTEMPTS:
                self._give_up(claim, f"工作进程异常退出（退出码 {code}），已重试 {claim.attempt} 次")
            else:
                self.queue.settle(claim, "retry")
                self.log(f"[{self.id}] {names} 异常退出（退出码 {code}），放回队列重试")

    def _give_up(self, claim: Claim, why: str):
        store = Store(self.db or self.queue.meta(claim.audit)["db"])
        for u in claim.units:
            store.fail_unit(u["run_unit_id"], why)
        self.queue.settle(claim, "failed")
        self.log(f"[{self.id}] 放弃 {'、'.join(u['name'] for u in claim.units)}：{why}")

    def _hand_back(self):
        """Stopping (SIGTERM, Ctrl-C): the units in hand go straight back on the queue for another
        worker, instead of waiting out the visibility timeout."""
        # SIGKILL, not SIGTERM: Twisted would take SIGTERM as "finish gracefully" and the child
        # would go on to judge and store a half-crawled unit.
        for proc, claim in self.children.values():
            proc.kill()
            proc.join()
            self.queue.settle(claim, "retry")
            self.log(f"[{self.id}] 已把 {'、'.join(u['name'] for u in claim.units)} 放回队列")
        self.children.clear()

    def _tick(self, state: dict) -> bool:
        """One round of the loop; False when the worker should exit."""
        self._reap_children()
        if self.stopping:
            self._hand_back()
            return False
        now = time.monotonic()
        audits = self._audits()
        state["seen"] = state["seen"] or bool(audits)
        if now - state["swept"] >= 1.0:
            self._announce()
            for proc, claim in list(self.children.values()):
                if not self.queue.renew(claim, self._visibility(claim.audit)):
                    # Presumed dead and handed on: stop crawling what another worker now owns.
                    self.log(f"[{self.id}] 租约已失效，停止第 {claim.attempt} 次尝试")
                    proc.kill()
            for audit in audits:
                self.queue.reap(audit)
            state["swept"] = now
        while len(self.children) < self.slots:
            claim = next((c for c in (self.queue.claim(a, self.id, self._visibility(a)) for a in audits)
                          if c is not None), None)
            if claim is None:
                break
            self._start(claim)
        if self.children:
            state["idle_since"] = now
        elif self.exit_when_idle and not audits and (state["seen"] or now - state["idle_since"] > 30):
            return False
        return True

    def run(self) -> int:
        import redis

        def stop(signum, _frame):
            self.stopping = True
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        state = {"swept": 0.0, "idle_since": time.monotonic(), "seen": False}
        self.log(f"[{self.id}] 工作进程已启动，Redis {mask_url(self.redis_url)}，并行 {self.slots}")
        while True:
            try:
                if not self._tick(state):
                    break
            except redis.RedisError as exc:
                # Redis restarting or the network blinking: the children go on crawling; claims
                # are renewed once it answers again (or handed on if it stays away too long).
                self.log(f"[{self.id}] Redis 暂时不可用（{exc.__class__.__name__}），5 秒后重试")
                time.sleep(5)
                continue
            time.sleep(0.2)
        try:
            self.client.delete(WORKER_PREFIX + self.id)
        except redis.RedisError:
            pass
        self.log(f"[{self.id}] 工作进程退出")
        return 0


# -- the coordinator ---------------------------------------------------------------------------------
def coordinate(redis_url: str, store, run_id: int, units: list[dict], unit_ids: dict, rulebook,
               rulebook_path, as_of, max_pages: int, settings: dict, browser: bool,
               browser_missing: str, screenshots: str, visibility: int = DEFAULT_VISIBILITY,
               local_workers: int = 0, log=print) -> dict:
    """Queue the audit's units, wait until every group is done by some worker (sweeping expired
    claims back to the queue meanwhile), then judge the audit-wide rules. Returns counters."""
    import subprocess

    client = connect(redis_url)
    queue = Queue(client)
    for audit in queue.active():         # coordinators killed earlier: their audits end here
        if not client.exists(Keys(audit).alive):
            queue.retire(Keys(audit))
    groups = [[dict(u, run_unit_id=unit_ids[u["name"]]) for u in g] for g in host_groups(units)]
    book = Path(rulebook_path)
    meta = {"run_id": str(run_id), "db": store.shared_url(), "as_of": as_of.isoformat(),
            "rulebook_file": book.name, "rulebook_text": book.read_text(encoding="utf-8"),
            "max_pages": str(max_pages), "settings": settings, "visibility": str(visibility),
            "browser": "1" if browser else "0", "browser_missing": browser_missing,
            "screenshots": screenshots or ""}
    keys = queue.publish(meta, groups)
    log(f"巡检批次 #{run_id} 已排队：{len(units)} 个单位，{len(groups)} 组（按主机），"
        f"Redis {mask_url(redis_url)}，审计编号 {keys.audit}")
    spawned = [subprocess.Popen([sys.executable, "-m", "zwgk", "worker", "--redis", redis_url,
                                 "--audit", keys.audit, "--exit-when-idle"]
                                + ([] if browser else ["--no-browser"]))
               for _ in range(local_workers)]
    total = len(groups)
    last_line = 0.0
    import redis
    outage_since = None
    try:
        while True:
            try:
                queue.heartbeat(keys, visibility)
                queue.reap(keys.audit)
                if client.scard(keys.done) >= total:
                    break
                now = time.monotonic()
                if now - last_line > 10:
                    workers = len([k for k in client.scan_iter(WORKER_PREFIX + "*", count=500)
                                   if not k.endswith(":pages")])
                    log(f"进度：{client.get(keys.units_done) or 0}/{len(units)} 个单位完成，"
                        f"已抓取 {client.get(keys.pages) or 0} 页，工作进程 {workers} 个")
                    last_line = now
                outage_since = None
            except redis.RedisError as exc:
                # A short Redis outage is waited out; a long one ends the audit as incomplete.
                outage_since = outage_since or time.monotonic()
                if time.monotonic() - outage_since > REDIS_OUTAGE_LIMIT:
                    raise ClusterError(f"Redis 超过 {REDIS_OUTAGE_LIMIT} 秒不可用：{exc}") from None
                time.sleep(5)
            time.sleep(0.5)
    finally:
        try:
            queue.retire(keys)
        except redis.RedisError:
            pass
        for proc in spawned:
            if proc.poll() is None:
                proc.terminate()
        for proc in spawned:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    written = judge_peer_rules(store, run_id, units, rulebook, as_of)
    return {"audit": keys.audit, "groups": total, "failed": client.scard(keys.failed),
            "peer_results": written}


# -- zwgk status ---------------------------------------------------------------------------------------
def status(redis_url: str) -> dict:
    client = connect(redis_url)
    queue = Queue(client)
    workers = []
    for key in client.scan_iter(WORKER_PREFIX + "*", count=500):
        if key.endswith(":pages"):
            continue
        raw = client.get(key)
        if raw:
            workers.append(json.loads(raw))
    audits = []
    for audit in queue.active():
        keys = Keys(audit)
        meta = client.hgetall(keys.meta)
        started = float(meta.get("started") or time.time())
        pages = int(client.get(keys.pages) or 0)
        elapsed = max(0.001, time.time() - started)
        running_units = [u for g in client.lrange(keys.processing, 0, -1)
                         for u in json.loads(client.hget(keys.groups, g) or "[]")]
        requests = sum(client.zcard(keys.unit(u["run_unit_id"]) + ":requests") for u in running_units)
        audits.append({
            "audit": audit, "run_id": int(meta.get("run_id") or 0), "db": mask_url(meta.get("db", "")),
            "as_of": meta.get("as_of"), "units_total": int(meta.get("units_total") or 0),
            "units_done": int(client.get(keys.units_done) or 0),
            "groups_total": int(meta.get("groups_total") or 0),
            "groups_pending": client.llen(keys.pending), "groups_running": client.llen(keys.processing),
            "groups_done": client.scard(keys.done), "groups_failed": client.scard(keys.failed),
            "requests_queued": requests, "pages": pages, "pages_per_s": round(pages / elapsed, 1),
            "elapsed_s": round(elapsed), "coordinator_alive": bool(client.exists(keys.alive)),
        })
    return {"redis": mask_url(redis_url), "workers": sorted(workers, key=lambda w: w["id"]),
            "audits": audits}


def format_status(info: dict) -> str:
    lines = [f"Redis {info['redis']}"]
    lines.append(f"工作进程 {len(info['workers'])} 个在线" + ("：" if info["workers"] else ""))
    for w in info["workers"]:
        busy = "、".join(w["busy"]) or "空闲"
        lines.append(f"  {w['id']}  并行 {w['slots']}  {busy}  {w['pages_per_s']} 页/秒")
    if not info["audits"]:
        lines.append("没有进行中的巡检")
    for a in info["audits"]:
        minutes, seconds = divmod(a["elapsed_s"], 60)
        lines.append(f"巡检批次 #{a['run_id']}（{a['db']}，检查日期 {a['as_of']}，编号 {a['audit']}）"
                     + ("" if a["coordinator_alive"] else "  ⚠ 协调进程已失联"))
        lines.append(f"  单位：完成 {a['units_done']} / 共 {a['units_total']}；"
                     f"按主机分组：排队 {a['groups_pending']}，进行中 {a['groups_running']}，"
                     f"完成 {a['groups_done']}，失败 {a['groups_failed']}")
        lines.append(f"  待抓取请求 {a['requests_queued']} 个；已抓取 {a['pages']} 页，"
                     f"平均 {a['pages_per_s']} 页/秒，已用时 {minutes}分{seconds:02d}秒")
    return "\n".join(lines)
