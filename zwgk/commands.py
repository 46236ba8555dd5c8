"""What each `zwgk` command does, once zwgk/cli.py has parsed its arguments."""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from zwgk.audit import audit_units
from zwgk.checks.rulebook import RulebookError, load_rulebook, load_units, resolve_rulebook_path
from zwgk.cli import (
    EXIT_FAIL,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    KEEP_PAGES,
    REPLY_DAYS,
    UsageError,
    as_of_date,
    check_out_writable,
    check_url,
    max_pages_of,
    out_dir,
    unit_time_budget_of,
)
from zwgk.cluster import DEFAULT_VISIBILITY, ClusterError, Worker, connect, coordinate, format_status, status
from zwgk.crawler.browser import BrowserPool, BrowserSettings, find_chromium
from zwgk.crawler.runner import crawl_units
from zwgk.lock import AuditLock, LockHeld
from zwgk.page.scope import Scope
from zwgk.progress import PHASES, Progress
from zwgk.publish import build_site, cards_for_run, publish_audit, report_steps
from zwgk.reports.html import write_check
from zwgk.reports.terminal import failed_text, score_text, summary
from zwgk.sample_portals import demo_units, serve_all
from zwgk.storage.database import StorageError, Store
from zwgk.storage.history import build_history

# Errors that end a command with their one line (exit 2), never a traceback.
ONE_LINE_ERRORS = (StorageError, ClusterError)


def run(args) -> int:
    handler = {"check": cmd_check, "audit": cmd_audit, "demo": cmd_demo, "report": cmd_report,
               "crawl": cmd_crawl, "worker": cmd_worker, "status": cmd_status}[args.command]
    return handler(args)


def _settings(args) -> dict:
    settings = {"ROBOTSTXT_OBEY": False} if getattr(args, "ignore_robots", False) else {}
    if getattr(args, "allow_internal", False):      # an audit inside a closed network
        settings["NETGUARD_ALLOW_INTERNAL"] = True
    return settings


def _open_store(db: str):
    try:
        return Store(db)
    except StorageError as exc:
        raise UsageError(str(exc)) from None


def _load_rulebook(ref: str):
    try:
        return load_rulebook(ref)
    except RulebookError as exc:
        raise UsageError(str(exc)) from None


def _browser(args):
    """(browser pool or None, why not). The pool starts Chromium only for the browser pass after
    the crawl; if it cannot start there, the browser rules say unknown with the reason."""
    if args.no_browser:
        return None, "已指定 --no-browser"
    executable, why = find_chromium()
    if executable is None:
        return None, why
    out = getattr(args, "out", None)
    return BrowserPool(executable, BrowserSettings.from_env(), Path(out) / "screenshots" if out else None), ""


def check_unit_name(url: str) -> str:
    """A `check` unit's identity when --unit does not name it: the URL of the scope it crawls
    (two sites on one host, or two ports, never share a history)."""
    return Scope(url).prefix_url


def _phases(browser) -> tuple:
    return tuple(p for p in PHASES if p != "browser" or browser is not None)


# -- the log and the timings beside the database ------------------------------------------------------
def _log_to_file(args, store, run_id: int, kind: str = "audit"):
    """Log everything of this run (Scrapy's errors with their tracebacks included) to
    <log dir>/<kind>-<run>.log; nothing of it reaches the terminal. Returns (path, handler)."""
    log_dir = Path(getattr(args, "log_dir", None) or store.default_side_dir("logs"))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_dir / f"{kind}-{run_id}.log", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"日志目录不可写: {log_dir} ({exc.strerror or exc})") from None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return Path(handler.baseFilename), handler


def _stop_logging(handler):
    logging.getLogger().removeHandler(handler)
    handler.close()


# Scrapy installs no log handler of its own: the run's log file has everything, and the
# terminal shows zwgk's own lines (a traceback there would bury the one line that matters)
_QUIET_SCRAPY = {"LOG_INSTALL_ROOT_HANDLER": False}
_TIMINGS = "timings.json"


def _read_timings(log_dir: Path, kind: str) -> dict:
    """The seconds per unit of each phase measured by the last run of this kind (the estimate
    of phases that have not begun)."""
    try:
        data = json.loads((log_dir / _TIMINGS).read_text(encoding="utf-8"))
        return dict(data.get(kind) or {}) if isinstance(data, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_timings(log_dir: Path, kind: str, timings: dict):
    path = log_dir / _TIMINGS
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = data if isinstance(data, dict) else {}
        data[kind] = {**(data.get(kind) or {}), **timings}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except (OSError, ValueError, AttributeError):
        pass          # only an estimate for next time


def _reply_by(args, as_of: str) -> str:
    """The 整改 reply deadline: --reply-by, else --reply-days after the audit date."""
    if getattr(args, "reply_by", None):
        return as_of_date(args.reply_by, "--reply-by").isoformat()
    days = getattr(args, "reply_days", None) or REPLY_DAYS
    return (date.fromisoformat(as_of) + timedelta(days=days)).isoformat()


def _documents_line(out: Path, run_id: int, notices: int) -> str:
    line = f"通报草稿：{(out / f'circular-run{run_id}.docx').resolve()}"
    if notices:
        line += f"（整改通知单 {notices} 份：{(out / 'notices').resolve()}）"
    return line


def _documents(args, as_of: str) -> dict:
    return {"issuer": getattr(args, "issuer", None) or "", "reply_by": _reply_by(args, as_of)}


# -- check ----------------------------------------------------------------------------------------
def cmd_check(args) -> int:
    url = check_url(args.url)
    as_of = as_of_date(args.as_of)
    max_pages = max_pages_of(args.max_pages)
    rulebook = _load_rulebook(args.rulebook)
    if args.json and args.json != "-":
        json_parent = Path(args.json).resolve().parent
        if not json_parent.is_dir() or not os.access(json_parent, os.W_OK):
            raise UsageError(f"--json 文件无法写入: {args.json}")
    check_out_writable(args.out)
    store = _open_store(args.db)
    out = out_dir(args.out)     # created only once the input is known to be good
    unit = {"name": args.unit or check_unit_name(url), "type": args.unit_type, "url": url}
    browser, why = _browser(args)
    run_id = store.start_run("check", rulebook.id, as_of.isoformat(), " ".join(sys.argv[1:]))
    log_path, handler = _log_to_file(args, store, run_id, "check")
    # on a terminal, the phases as they go; otherwise quiet: the summary is the output
    progress = Progress(1, parallel=1, quiet=True, phases=_phases(browser),
                        priors=_read_timings(log_path.parent, "check"))
    try:
        [result] = audit_units(store, run_id, [unit], rulebook, as_of, max_pages, browser=browser,
                               browser_missing=why, settings={**_settings(args), **_QUIET_SCRAPY},
                               progress=progress)
        store.finish_run(run_id, complete=True)
        [card], _ = cards_for_run(store, run_id)
        progress.start_phase("reports", 1 + bool(args.json and args.json != "-") + bool(out))
        text = summary(card, rulebook)
        progress.step()
        if args.json and args.json != "-":
            Path(args.json).write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
            progress.step()
        path = None
        if out:
            path = write_check(out, card, book=rulebook,
                               history=build_history(store, run_id, units=[unit["name"]]))
            progress.step()
    finally:
        progress.close()
        _write_timings(log_path.parent, "check", progress.timings())
        _stop_logging(handler)
    info = sys.stderr if args.json == "-" else sys.stdout
    if args.json == "-":
        sys.stdout.write(json.dumps(card, ensure_ascii=False, indent=2) + "\n")
    print(text, file=info)
    print("", file=info)
    if path:
        print(f"HTML 记分卡：{path}", file=info)
    print(f"结果已存入数据库：{store.location()}（批次 #{run_id}，单位“{unit['name']}”的历史按此名称记录）", file=info)
    print(f"日志：{log_path}", file=info)
    if not result.reachable:      # last: the one line that matters, at the bottom of the screen
        print(f"zwgk: 首页无法访问: {url} ({result.site.why_unseen(url)})；详情见日志 {log_path}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_FAIL if any(r["status"] == "fail" for r in card["results"]) else EXIT_OK


# -- audit ----------------------------------------------------------------------------------------
def _audit_settings(args, store) -> dict:
    """Scrapy settings of an audit: the HTTP cache beside the database (conditional requests
    make a re-audit of an unchanged site cheap), the unit time budget."""
    settings = {**_settings(args), **_QUIET_SCRAPY}
    if not getattr(args, "no_cache", False):
        cache_dir = getattr(args, "cache_dir", None) or str(store.default_side_dir("httpcache"))
        settings.update(HTTPCACHE_ENABLED=True, HTTPCACHE_DIR=str(Path(cache_dir).resolve()))
    if getattr(args, "unit_time_budget", None):
        settings["UNIT_TIME_BUDGET"] = args.unit_time_budget
    return settings


def run_units_audit(args, units, store) -> int:
    as_of = as_of_date(args.as_of)
    rulebook = getattr(args, "loaded_rulebook", None) or _load_rulebook(getattr(args, "rulebook", "jiangmen-2022"))
    max_pages = max_pages_of(getattr(args, "max_pages", 2000))
    out = out_dir(args.out)
    redis_url = getattr(args, "redis", None)
    try:
        lock = AuditLock(store).__enter__()
    except LockHeld as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    run_id = handler = progress = None
    try:
        stale = store.mark_interrupted_runs(kind="audit")   # killed earlier: never complete
        browser, why = _browser(args)
        run_id = store.start_run("audit", rulebook.id, as_of.isoformat(), " ".join(sys.argv[1:]))
        log_path, handler = _log_to_file(args, store, run_id)
        if stale:
            print(f"上次巡检批次 #{', #'.join(map(str, stale))} 未完成，已标记为不完整", file=sys.stderr)
        settings = _audit_settings(args, store)
        if redis_url:
            _run_distributed(args, store, run_id, units, rulebook, as_of, max_pages, settings,
                             browser, why, out)
        else:
            progress = Progress(len(units), parallel=settings.get("MAX_PARALLEL_HOSTS", 8),
                                phases=_phases(browser), priors=_read_timings(log_path.parent, "audit"))
            audit_units(store, run_id, units, rulebook, as_of, max_pages, browser=browser,
                        browser_missing=why, settings=settings, progress=progress)
        store.finish_run(run_id, complete=True)
        _prune_pages(args, store)
    except BaseException:
        if progress is not None:
            progress.close()
        if redis_url and run_id is not None:   # workers may outlive us: say now it is incomplete
            try:
                store.finish_run(run_id, complete=False)
            except StorageError:
                pass
        if handler is not None:
            _stop_logging(handler)
        raise
    finally:
        lock.__exit__(None, None, None)
    try:
        _publish(args, store, run_id, rulebook, out, log_path, progress)
    finally:
        _stop_logging(handler)
    return EXIT_OK


def _prune_pages(args, store):
    keep = getattr(args, "keep_pages", KEEP_PAGES)
    if keep is None or keep < 1:
        return
    try:
        old_runs, old_pages = store.prune_pages("audit", keep)
    except StorageError as exc:     # the audit is complete and stored; pruning waits for the next one
        print(f"zwgk: 未能删除较早巡检的页面: {exc}", file=sys.stderr)
        return
    if old_pages:
        print(f"已删除 {old_runs} 次较早巡检保存的 {old_pages} 个页面（保留最近 {keep} 次；结果不受影响）",
              file=sys.stderr)


def _run_distributed(args, store, run_id, units, rulebook, as_of, max_pages, settings, browser, why, out):
    """The coordinator of `zwgk audit --redis`: units go on the shared queue, workers crawl and
    judge them, this process waits and judges the audit-wide rules (zwgk/cluster.py)."""
    if store.engine.dialect.name == "sqlite":
        print(f"zwgk: 结果库是 SQLite 文件 {store.shared_url()}：只有本机的工作进程能写入；"
              "多台机器请用 --db postgresql://…", file=sys.stderr)
    unit_ids = {u["name"]: store.add_unit(run_id, u) for u in units}
    counters = coordinate(args.redis, store, run_id, units, unit_ids, rulebook,
                          resolve_rulebook_path(getattr(args, "rulebook", "jiangmen-2022")), as_of,
                          max_pages, settings, browser=browser is not None, browser_missing=why,
                          screenshots=str((out / "screenshots").resolve()) if browser is not None else "",
                          visibility=getattr(args, "visibility_timeout", None) or DEFAULT_VISIBILITY,
                          local_workers=getattr(args, "workers", 0) or 0,
                          log=lambda line: print(line, file=sys.stderr))
    if counters["failed"]:
        print(f"zwgk: {counters['failed']} 组单位多次导致工作进程异常退出，已记为错误", file=sys.stderr)


def _publish(args, store, run_id, rulebook, out, log_path, progress=None):
    """Scorecards, Word documents, summary, webhook and the terminal lines of a finished audit."""
    webhook = getattr(args, "webhook", None)
    documents = _documents(args, store.run_row(run_id)["as_of"])
    try:
        cards, reachable, summary_, index, failed = publish_audit(store, run_id, rulebook, out, webhook,
                                                                  documents=documents, progress=progress)
    finally:
        if progress is not None:
            progress.close()
            _write_timings(log_path.parent, "audit", progress.timings())
    if failed:
        print(f"zwgk: 通知未送达 {webhook}: {failed}", file=sys.stderr)
    lines = []
    for card in cards:
        c = card["counts"]
        state = "" if reachable.get(card["unit"]["name"], True) else "（首页无法访问）"
        lines.append(f"{card['unit']['name']}{state}：得分 {score_text(card, rulebook)}，不通过 {c['fail']}，"
                     f"警告 {c['warn']}，无法判断 {c['unknown']}，抓取 {card['pages']['crawled']} 页"
                     f"（{failed_text(card['pages'])}）")
    crawled = sum(c["pages"]["crawled"] for c in cards)
    failed_pages = sum(c["pages"]["failed"] for c in cards)
    notices = sum(1 for c in cards if c["counts"]["fail"] or c["counts"]["warn"])
    lines.append(f"巡检批次 #{run_id} 完成，共 {len(cards)} 个单位，抓取页面 {crawled} 个（未能抓取 {failed_pages} 个，"
                 f"各单位的原因见上）；变差 {len(summary_['worse'])} 项，改善 {len(summary_['better'])} 项。")
    lines.append(f"记分卡：{index.resolve()}  " + _documents_line(out, run_id, notices))
    lines.append(f"数据库：{store.location()}  日志：{log_path}")
    for line in lines:
        logging.getLogger("zwgk.audit").info(line)
        print(line)


def cmd_audit(args) -> int:
    try:
        units = load_units(args.units)
    except RulebookError as exc:
        raise UsageError(str(exc)) from None
    # Bad input is refused before anything is created: no database, no output folder.
    as_of_date(args.as_of)
    args.loaded_rulebook = _load_rulebook(args.rulebook)
    max_pages_of(args.max_pages)
    unit_time_budget_of(args.unit_time_budget)
    check_out_writable(args.out)
    if getattr(args, "redis", None):
        try:
            connect(args.redis)
        except ClusterError as exc:
            raise UsageError(str(exc)) from None
    store = _open_store(args.db)
    return run_units_audit(args, units, store)


def cmd_demo(args) -> int:
    as_of = as_of_date(args.as_of)
    unit_time_budget_of(args.unit_time_budget)
    check_out_writable(args.out)
    store = _open_store(args.db)
    with tempfile.TemporaryDirectory(prefix="zwgk-demo-") as tmp:
        servers = serve_all(Path(tmp), as_of)
        try:
            units = demo_units(servers)
            print(f"示例门户已在本机启动：{len(servers)} 个网站，{len(units)} 个单位", file=sys.stderr)
            args.rulebook, args.max_pages = "jiangmen-2022", 2000
            args.as_of = as_of.isoformat()
            return run_units_audit(args, units, store)
        finally:
            for s in servers.values():
                s.stop()


class _OneLine(logging.Formatter):
    """A log record as one line: no traceback on the terminal."""

    def format(self, record):
        return f"zwgk: {record.getMessage().splitlines()[0] if record.getMessage() else record.levelname}"


def cmd_crawl(args) -> int:
    url = check_url(args.url)
    max_pages = max_pages_of(args.max_pages)
    rulebook = _load_rulebook(args.rulebook)
    # no database, so no log file: warnings reach stderr, each as one line
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(_OneLine())
    logging.getLogger().addHandler(stderr)
    unit = {"name": check_unit_name(url), "type": "county", "url": url, "scope": args.scope}
    out = sys.stdout if args.jsonl == "-" else open(args.jsonl, "w", encoding="utf-8")
    try:
        def write(_name, snap):
            out.write(json.dumps(snap.to_dict(), ensure_ascii=False) + "\n")
        outcome = crawl_units([unit], rulebook.keywords(), max_pages, on_snapshot=write,
                              settings={**_settings(args), **_QUIET_SCRAPY})[unit["name"]]
        out.write(json.dumps({"budget_refused": outcome.budget_refused, "traps": outcome.traps,
                              "external_skipped": outcome.external_skipped}, ensure_ascii=False) + "\n")
    finally:
        _stop_logging(stderr)
        if out is not sys.stdout:
            out.close()
    return EXIT_OK


def cmd_report(args) -> int:
    if getattr(args, "reply_by", None):
        as_of_date(args.reply_by, "--reply-by")
    check_out_writable(args.out)
    store = _open_store(args.db)
    out = out_dir(args.out)
    run = store.run_row(args.run) if args.run else store.latest_complete_run()
    if run is None:
        raise UsageError(f"数据库中没有巡检批次 #{args.run}" if args.run else "数据库中没有已完成的巡检批次")
    cards, reachable = cards_for_run(store, run["id"])
    try:
        book = load_rulebook(run["rulebook"])
    except RulebookError as exc:   # the rulebook file is gone: pages without plan texts, say so
        print(f"zwgk: 规则集 {run['rulebook']} 无法加载，记分卡中不含方案原文：{exc}", file=sys.stderr)
        book = None
    documents = _documents(args, run["as_of"]) if args.docx else None
    progress = Progress(1, quiet=True, phases=("reports",))
    progress.start_phase("reports", report_steps(cards, documents is not None))
    try:
        index = build_site(out, cards, reachable, run, run["rulebook"], book, build_history(store, run["id"]),
                           documents, tick=progress.step)
    finally:
        progress.close()
    print(f"记分卡：{index.resolve()}")
    if documents is not None:
        print(_documents_line(out, run["id"], sum(1 for c in cards if c["counts"]["fail"] or c["counts"]["warn"])))
    return EXIT_OK


def cmd_worker(args) -> int:
    if args.slots < 1:
        raise UsageError(f"--slots 须为正整数: {args.slots}")
    if args.db:
        _open_store(args.db)      # a bad --db is refused now, not in every claimed unit
    try:
        worker = Worker(args.redis, slots=args.slots, db=args.db, audit=args.audit,
                        exit_when_idle=args.exit_when_idle, browser=not args.no_browser,
                        log=lambda line: print(line, file=sys.stderr, flush=True))
    except ClusterError as exc:
        raise UsageError(str(exc)) from None
    return worker.run()


def cmd_status(args) -> int:
    try:
        info = status(args.redis)
    except ClusterError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.json else format_status(info))
    return EXIT_OK
