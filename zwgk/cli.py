"""The `zwgk` command: check, audit, demo, report. See CONTRACT.md for the outside contract.

Exit codes: 0 ok (check: no rule failed); 1 check: a rule failed; 2 bad usage or input;
3 check: the start page could not be fetched; 4 audit: another audit holds the lock.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_LOCKED = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Bad usage or input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of 日期无效: {value!r}（应为 YYYY-MM-DD）") from None


def _check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises on a bad port
    except ValueError:
        raise UsageError(f"网址无效: {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"网址无效: {url!r}（须为 http:// 或 https:// 开头的完整网址）")
    return url


def _out_dir(value: str | None) -> Path | None:
    if value is None:
        return None
    out = Path(value)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".zwgk-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out 目录不可写: {out} ({exc.strerror or exc})") from None
    return out


def _check_out_writable(value: str | None):
    """Refuse an --out that cannot be created or written, without creating it."""
    if value is None:
        return
    p = Path(value).resolve()
    while not p.exists():
        p = p.parent
    if not p.is_dir() or not os.access(p, os.W_OK):
        raise UsageError(f"--out 目录不可写: {value}")


def _max_pages(value: int) -> int:
    if value < 1:
        raise UsageError(f"--max-pages 须为正整数: {value}")
    return value


# Stored pages of older audits are deleted once an audit completes (results are kept forever):
# the database stops growing by every night's pages. 0 keeps everything.
KEEP_PAGES = 3


def audit_options(sp):
    sp.add_argument("--cache-dir", dest="cache_dir", help="HTTP 缓存目录（默认：数据库旁的 zwgk-httpcache）")
    sp.add_argument("--no-cache", dest="no_cache", action="store_true", help="不使用 HTTP 缓存")
    sp.add_argument("--log-dir", dest="log_dir", help="巡检日志目录（默认：数据库旁的 zwgk-logs）")
    sp.add_argument("--webhook", help="巡检完成后把摘要 JSON 以 POST 发送到此网址")
    sp.add_argument("--unit-time-budget", dest="unit_time_budget", type=int,
                    help="每个单位的抓取时间上限（秒，默认 3600）")
    sp.add_argument("--keep-pages", dest="keep_pages", type=int, default=KEEP_PAGES,
                    help=f"保留最近几次完成的巡检所抓取的页面（默认 {KEEP_PAGES}；更早的只保留结果；0 表示全部保留）")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="zwgk", description="政务公开合规巡检 — compliance audits of government portals")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def common(sp, default_out=None):
        sp.add_argument("--rulebook", default="jiangmen-2022", help="规则集 id 或 YAML 文件路径")
        sp.add_argument("--as-of", dest="as_of", help="检查日期 YYYY-MM-DD（默认今天）")
        sp.add_argument("--db", default="sqlite:///zwgk.db", help="结果数据库（SQLAlchemy URL）")
        sp.add_argument("--out", default=default_out, help="HTML 记分卡输出目录")
        sp.add_argument("--max-pages", dest="max_pages", type=int, default=2000, help="每个单位的抓取页数上限")
        sp.add_argument("--no-browser", dest="no_browser", action="store_true", help="不启动浏览器；浏览器检查记为无法判断")
        sp.add_argument("--ignore-robots", dest="ignore_robots", action="store_true",
                        help="不遵守 robots.txt（仅限经授权的巡检）")

    c = sub.add_parser("check", help="检查单个网站")
    c.add_argument("url")
    c.add_argument("--unit", help="单位名称")
    c.add_argument("--unit-type", dest="unit_type", default="county", choices=["city-portal", "county", "department"])
    c.add_argument("--json", dest="json", help="把记分卡 JSON 写到文件；- 表示标准输出")
    common(c)

    a = sub.add_parser("audit", help="巡检单位清单中的全部单位")
    a.add_argument("--units", help="单位清单 YAML（默认：内置江门市清单）")
    common(a, default_out="scorecards")
    audit_options(a)
    a.add_argument("--redis", help="分布式巡检：把单位放入该 Redis 的共享队列，由 zwgk worker 领取（redis://HOST:PORT/DB）")
    a.add_argument("--workers", type=int, default=0, help="同时在本机启动的工作进程数（配合 --redis）")
    a.add_argument("--visibility-timeout", dest="visibility_timeout", type=int,
                   help="工作进程失联多少秒后其单位交给别的工作进程（默认 60）")

    k = sub.add_parser("worker", help="分布式巡检的工作进程：从 Redis 队列领取单位，抓取并检查")
    k.add_argument("--redis", required=True, help="Redis 地址 redis://HOST:PORT/DB")
    k.add_argument("--db", help="结果数据库（默认：协调进程的 --db）")
    k.add_argument("--slots", type=int, default=1, help="本工作进程同时巡检的主机数（默认 1）")
    k.add_argument("--audit", help="只处理这一个巡检（编号），完成后退出")
    k.add_argument("--exit-when-idle", dest="exit_when_idle", action="store_true",
                   help="没有进行中的巡检时退出（默认一直等待）")
    k.add_argument("--no-browser", dest="no_browser", action="store_true")

    t = sub.add_parser("status", help="分布式巡检的状态：队列、工作进程、进度、抓取速度")
    t.add_argument("--redis", required=True, help="Redis 地址 redis://HOST:PORT/DB")
    t.add_argument("--json", dest="json", action="store_true", help="以 JSON 输出")

    d = sub.add_parser("demo", help="在本机启动示例门户网站并巡检，生成记分卡")
    d.add_argument("--as-of", dest="as_of", help="检查日期 YYYY-MM-DD（默认今天）")
    d.add_argument("--db", default="sqlite:///zwgk.db")
    d.add_argument("--out", default="scorecards")
    d.add_argument("--no-browser", dest="no_browser", action="store_true")
    audit_options(d)

    w = sub.add_parser("crawl", help="只抓取，不检查：把抓到的每个页面（快照）按行写成 JSON")
    w.add_argument("url")
    w.add_argument("--scope", help="抓取范围前缀（默认：起始网址所在目录）")
    w.add_argument("--max-pages", dest="max_pages", type=int, default=2000)
    w.add_argument("--rulebook", default="jiangmen-2022", help="按该规则集的关键词安排抓取优先级")
    w.add_argument("--jsonl", default="-", help="输出文件；- 表示标准输出")
    w.add_argument("--ignore-robots", dest="ignore_robots", action="store_true")

    r = sub.add_parser("report", help="从数据库重新生成记分卡（不抓取）")
    r.add_argument("--db", default="sqlite:///zwgk.db")
    r.add_argument("--out", default="scorecards")
    r.add_argument("--run", type=int, help="巡检批次号（默认：最近一次完成的巡检）")
    return p


def _settings(args) -> dict:
    return {"ROBOTSTXT_OBEY": False} if getattr(args, "ignore_robots", False) else {}


def _open_store(db: str):
    from zwgk.storage.database import Store, StorageError
    try:
        return Store(db)
    except StorageError as exc:
        raise UsageError(str(exc)) from None


def _load_rulebook(ref: str):
    from zwgk.checks.rulebook import load_rulebook, RulebookError
    try:
        return load_rulebook(ref)
    except RulebookError as exc:
        raise UsageError(str(exc)) from None


def _browser(args):
    """(browser pool or None, why not). The pool starts Chromium only for the browser pass after
    the crawl; if it cannot start there, the browser rules say unknown with the reason."""
    if args.no_browser:
        return None, "已指定 --no-browser"
    from zwgk.crawler.browser import BrowserPool, BrowserSettings, find_chromium
    executable, why = find_chromium()
    if executable is None:
        return None, why
    out = getattr(args, "out", None)
    return BrowserPool(executable, BrowserSettings.from_env(), Path(out) / "screenshots" if out else None), ""


def cmd_check(args) -> int:
    from zwgk.audit import run_audit
    from zwgk.reports.scorecard import scorecard
    from zwgk.reports.terminal import summary
    from zwgk.reports.html import write_unit

    url = _check_url(args.url)
    as_of = _as_of(args.as_of)
    max_pages = _max_pages(args.max_pages)
    rulebook = _load_rulebook(args.rulebook)
    if args.json and args.json != "-":
        json_parent = Path(args.json).resolve().parent
        if not json_parent.is_dir() or not os.access(json_parent, os.W_OK):
            raise UsageError(f"--json 文件无法写入: {args.json}")
    _check_out_writable(args.out)
    store = _open_store(args.db)
    out = _out_dir(args.out)     # created only once the input is known to be good
    host = urlsplit(url).hostname
    unit = {"name": args.unit or host, "type": args.unit_type, "url": url}
    browser, why = _browser(args)
    run_id = store.start_run("check", rulebook.id, as_of.isoformat(), " ".join(sys.argv[1:]))
    [result] = run_audit(store, run_id, [unit], rulebook, as_of, max_pages, browser=browser,
                         browser_missing=why, settings=_settings(args))
    store.finish_run(run_id, complete=True)
    card = scorecard(unit, url, as_of.isoformat(), rulebook.id, result.pages_crawled, result.pages_failed,
                     result.score, result.results)
    card["run_id"] = run_id
    text = summary(card)
    if args.json == "-":
        sys.stdout.write(json.dumps(card, ensure_ascii=False, indent=2) + "\n")
        print(text, file=sys.stderr)
    else:
        print(text)
        if args.json:
            Path(args.json).write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    if out:
        from zwgk.storage.history import build_history
        from zwgk.reports.html import write_check
        path = write_check(out, card, book=rulebook, history=build_history(store, run_id, units=[unit["name"]]))
        print(f"HTML 记分卡：{path}", file=sys.stderr if args.json == "-" else sys.stdout)
    if not result.reachable:
        print(f"zwgk: 首页无法访问: {url} ({result.site.why_unseen(url)})", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_FAIL if any(r.status == "fail" for r in result.results) else EXIT_OK


def _audit_settings(args, store) -> dict:
    """Scrapy settings of an audit: the HTTP cache beside the database (conditional requests
    make a re-audit of an unchanged site cheap), the unit time budget."""
    settings = _settings(args)
    if not getattr(args, "no_cache", False):
        cache_dir = getattr(args, "cache_dir", None) or str(store.default_side_dir("httpcache"))
        settings.update(HTTPCACHE_ENABLED=True, HTTPCACHE_DIR=str(Path(cache_dir).resolve()))
    if getattr(args, "unit_time_budget", None):
        settings["UNIT_TIME_BUDGET"] = args.unit_time_budget
    return settings


def _log_to_file(args, store, run_id: int):
    import logging
    log_dir = Path(getattr(args, "log_dir", None) or store.default_side_dir("logs"))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"日志目录不可写: {log_dir} ({exc.strerror or exc})") from None
    path = log_dir / f"audit-{run_id}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def _publish_site(out: Path, build) -> Path:
    """Write the scorecard site into a fresh folder beside `out`, then swap it in: the last
    complete audit's scorecards stay untouched until the new ones are whole."""
    import shutil
    import tempfile
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        index = build(tmp)
        old = out.parent / f".{out.name}.old-{tmp.name.rsplit('-', 1)[-1]}"
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / Path(index).relative_to(tmp)


def run_units_audit(args, units, store) -> int:
    from zwgk.lock import AuditLock, LockHeld
    from zwgk.audit import run_audit
    from zwgk.progress import Progress
    from zwgk.storage.database import StorageError

    as_of = _as_of(args.as_of)
    rulebook = getattr(args, "loaded_rulebook", None) or _load_rulebook(getattr(args, "rulebook", "jiangmen-2022"))
    max_pages = _max_pages(getattr(args, "max_pages", 2000))
    out = _out_dir(args.out)
    redis_url = getattr(args, "redis", None)
    try:
        lock = AuditLock(store).__enter__()
    except LockHeld as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    run_id = None
    try:
        stale = store.mark_interrupted_runs(kind="audit")   # killed earlier: never complete
        browser, why = _browser(args)
        run_id = store.start_run("audit", rulebook.id, as_of.isoformat(), " ".join(sys.argv[1:]))
        log_path = _log_to_file(args, store, run_id)
        if stale:
            print(f"上次巡检批次 #{', #'.join(map(str, stale))} 未完成，已标记为不完整", file=sys.stderr)
        settings = _audit_settings(args, store)
        if redis_url:
            _run_distributed(args, store, run_id, units, rulebook, as_of, max_pages, settings,
                             browser, why, out)
            cards, reachable = None, None
        else:
            progress = Progress(len(units), parallel=settings.get("MAX_PARALLEL_HOSTS", 8))
            results = run_audit(store, run_id, units, rulebook, as_of, max_pages, browser=browser,
                                browser_missing=why, settings=settings, progress=progress)
            progress.close()
            from zwgk.reports.scorecard import scorecard
            cards = [scorecard(r.unit, r.unit["url"], as_of.isoformat(), rulebook.id, r.pages_crawled,
                               r.pages_failed, r.score, r.results) for r in results]
            reachable = {r.unit["name"]: r.reachable for r in results}
            results = None      # the Sites (every page) are not needed for the reports: free them
        store.finish_run(run_id, complete=True)
        _prune_pages(args, store)
    except BaseException:
        if redis_url and run_id is not None:   # workers may outlive us: say now it is incomplete
            try:
                store.finish_run(run_id, complete=False)
            except StorageError:
                pass
        raise
    finally:
        lock.__exit__(None, None, None)
    if cards is None:
        from zwgk.storage.history import cards_for_run
        cards, reachable = cards_for_run(store, run_id)
    _publish_audit(args, store, run_id, as_of, rulebook, cards, reachable, out, log_path)
    return EXIT_OK


def _prune_pages(args, store):
    keep = getattr(args, "keep_pages", KEEP_PAGES)
    if keep is None or keep < 1:
        return
    from zwgk.storage.database import StorageError
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
    judge them, this process waits and judges the audit-wide rules (crawler/cluster.py)."""
    from zwgk.checks.rulebook import resolve_rulebook_path
    from zwgk.cluster import DEFAULT_VISIBILITY, coordinate
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


def _publish_audit(args, store, run_id, as_of, rulebook, cards, reachable, out, log_path):
    """Scorecards, summary, webhook and the terminal lines of a finished audit."""
    from zwgk.storage.history import build_history
    from zwgk.summary import audit_summary, post_webhook
    from zwgk.reports.html import write_site
    history = build_history(store, run_id)
    index = _publish_site(out, lambda target: write_site(
        target, cards, run_id, rulebook.id, as_of.isoformat(),
        reachable=reachable, book=rulebook, history=history))
    summary = audit_summary(run_id, as_of.isoformat(), cards, history)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if getattr(args, "webhook", None):
        failed = post_webhook(args.webhook, summary)
        if failed:
            print(f"zwgk: 通知未送达 {args.webhook}: {failed}", file=sys.stderr)
    for card in cards:
        c = card["counts"]
        score = "—" if card["score"] is None else f"{card['score']:.1f}"
        state = "" if reachable.get(card["unit"]["name"], True) else "（首页无法访问）"
        print(f"{card['unit']['name']}{state}：得分 {score}，不通过 {c['fail']}，警告 {c['warn']}，"
              f"无法判断 {c['unknown']}，抓取 {card['pages']['crawled']} 页")
    print(f"巡检批次 #{run_id} 完成，共 {len(cards)} 个单位；变差 {len(summary['worse'])} 项，"
          f"改善 {len(summary['better'])} 项。记分卡：{index.resolve()}  日志：{log_path}")


def cmd_audit(args) -> int:
    from zwgk.checks.rulebook import load_units, RulebookError
    try:
        units = load_units(args.units)
    except RulebookError as exc:
        raise UsageError(str(exc)) from None
    # Bad input is refused before anything is created: no database, no output folder.
    _as_of(args.as_of)
    args.loaded_rulebook = _load_rulebook(args.rulebook)
    _max_pages(args.max_pages)
    _check_out_writable(args.out)
    if getattr(args, "redis", None):
        from zwgk.cluster import ClusterError, connect
        try:
            connect(args.redis)
        except ClusterError as exc:
            raise UsageError(str(exc)) from None
    store = _open_store(args.db)
    return run_units_audit(args, units, store)


def cmd_demo(args) -> int:
    import tempfile
    from zwgk.sample_portals import demo_units, serve_all

    as_of = _as_of(args.as_of)
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


def cmd_crawl(args) -> int:
    from zwgk.crawler.runner import crawl_units
    url = _check_url(args.url)
    max_pages = _max_pages(args.max_pages)
    rulebook = _load_rulebook(args.rulebook)
    unit = {"name": urlsplit(url).hostname, "type": "county", "url": url, "scope": args.scope}
    out = sys.stdout if args.jsonl == "-" else open(args.jsonl, "w", encoding="utf-8")
    try:
        def write(_name, snap):
            out.write(json.dumps(snap.to_dict(), ensure_ascii=False) + "\n")
        outcome = crawl_units([unit], rulebook.keywords(), max_pages, on_snapshot=write,
                              settings=_settings(args))[unit["name"]]
        out.write(json.dumps({"budget_refused": outcome.budget_refused, "traps": outcome.traps,
                              "external_skipped": outcome.external_skipped}, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_OK


def cmd_report(args) -> int:
    from zwgk.checks.rulebook import RulebookError, load_rulebook
    from zwgk.storage.history import build_history, cards_for_run
    from zwgk.reports.html import write_site
    store = _open_store(args.db)
    out = _out_dir(args.out)
    run = store.run_row(args.run) if args.run else store.latest_complete_run()
    if run is None:
        raise UsageError(f"数据库中没有巡检批次 #{args.run}" if args.run else "数据库中没有已完成的巡检批次")
    cards, reachable = cards_for_run(store, run["id"])
    try:
        book = load_rulebook(run["rulebook"])
    except RulebookError as exc:   # the rulebook file is gone: pages without plan texts, say so
        print(f"zwgk: 规则集 {run['rulebook']} 无法加载，记分卡中不含方案原文：{exc}", file=sys.stderr)
        book = None
    index = write_site(out, cards, run["id"], run["rulebook"], run["as_of"], reachable=reachable,
                       book=book, history=build_history(store, run["id"]))
    print(f"记分卡：{index.resolve()}")
    return EXIT_OK


def cmd_worker(args) -> int:
    from zwgk.cluster import ClusterError, Worker
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
    from zwgk.cluster import ClusterError, format_status, status
    try:
        info = status(args.redis)
    except ClusterError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.json else format_status(info))
    return EXIT_OK


def main(argv=None) -> int:
    from zwgk.storage.database import StorageError
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_USAGE
        handler = {"check": cmd_check, "audit": cmd_audit, "demo": cmd_demo, "report": cmd_report,
                   "crawl": cmd_crawl, "worker": cmd_worker, "status": cmd_status}[args.command]
        return handler(args)
    except (UsageError, StorageError) as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 — Redis lost for good mid-audit: one line, not a traceback
        from zwgk.cluster import ClusterError
        if not isinstance(exc, ClusterError):
            raise
        print(f"zwgk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("zwgk: 已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
