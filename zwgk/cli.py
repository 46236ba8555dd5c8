"""The `zwgk` command line (argparse): its arguments, their checks, and the exit codes. What each
command does is zwgk/commands.py. See docs/CONTRACT.md for the outside contract.

Exit codes: 0 ok (check: no rule failed); 1 check: a rule failed; 2 bad usage or input;
3 check: the start page could not be fetched; 4 audit: another audit holds the lock.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from zwgk import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_LOCKED = 0, 1, 2, 3, 4
# The 整改 reply deadline of the Word notices, in days after the audit date (--reply-days)
REPLY_DAYS = 15

EXIT_CODES_CHECK = ("退出码：0 没有规则不通过；1 至少一条规则不通过；2 用法或输入有误（标准错误输出一行说明）；"
                    "3 首页无法访问")
EXIT_CODES_AUDIT = "退出码：0 巡检已完成（无论发现什么问题）；2 用法或输入有误；4 另一个巡检正在使用同一数据库"


class UsageError(Exception):
    """Bad usage or input: one line on stderr, exit 2."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help in Chinese: 用法, and every option's default appended as （默认：…）."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.default in (None, False, argparse.SUPPRESS) or "默认" in text
                or not (action.option_strings or action.nargs in ("?", "*"))):
            return text
        return text + "（默认：%(default)s）"

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):
        raise UsageError(_in_chinese(message))


# argparse's own messages, said in Chinese (the rest of its words are in the help formatter)
_MESSAGES = (
    (r"the following arguments are required: (.*)", "缺少参数：{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", "参数 {0} 的值 {1} 无效（可选：{2}）"),
    (r"argument (\S+): invalid int value: (.*)", "参数 {0} 须为整数，实为 {1}"),
    (r"argument (\S+): expected one argument", "参数 {0} 需要一个值"),
    (r"ambiguous option: (\S+) could match (.*)", "选项 {0} 不明确，可能是：{1}"),
    (r"argument (\S+): (.*)", "参数 {0}：{1}"),
)


def _in_chinese(message: str) -> str:
    for pattern, text in _MESSAGES:
        m = re.fullmatch(pattern, message)
        if m:
            return text.format(*m.groups())
    return message


def as_of_date(value: str | None, flag: str = "--as-of") -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} 日期无效: {value!r}（应为 YYYY-MM-DD）") from None


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises on a bad port
    except ValueError:
        raise UsageError(f"网址无效: {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"网址无效: {url!r}（须为 http:// 或 https:// 开头的完整网址）")
    return url


def _probe_write(directory: Path):
    """Write a few bytes in directory, leaving no name behind on any path (a full disk, an
    interrupt, a kill): the file is unnamed (O_TMPFILE), or unlinked as soon as it is made."""
    with tempfile.TemporaryFile(dir=directory) as probe:
        probe.write(b"ok")
        probe.flush()           # a full disk answers here (ENOSPC, or EFBIG past a file size limit)


def out_dir(value: str | None) -> Path | None:
    """--out, created and proven writable; on failure the folders it created are removed."""
    if value is None:
        return None
    out = Path(value)
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        _probe_write(out)
    except OSError as exc:
        for folder in created:           # deepest first
            try:
                folder.rmdir()
            except FileNotFoundError:    # mkdir stopped above it
                continue
            except OSError:
                break
        raise UsageError(f"--out 目录不可写: {out} ({exc.strerror or exc})") from None
    return out


def check_out_writable(value: str | None):
    """Refuse an --out that cannot be created or written, without creating it: the probe is
    written in the folder itself, or in the nearest existing one it would be created in."""
    if value is None:
        return
    p = Path(value).resolve()
    while not p.exists():
        p = p.parent
    if not p.is_dir() or not os.access(p, os.W_OK):
        raise UsageError(f"--out 目录不可写: {value}")
    try:
        _probe_write(p)
    except OSError as exc:
        raise UsageError(f"--out 目录不可写: {value} ({exc.strerror or exc})") from None


def max_pages_of(value: int) -> int:
    if value < 1:
        raise UsageError(f"--max-pages 须为正整数: {value}")
    return value


def unit_time_budget_of(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise UsageError(f"--unit-time-budget 须为正整数（秒）: {value}")
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
                    help="保留最近几次完成的巡检所抓取的页面（更早的只保留结果；0 表示全部保留）")
    document_options(sp)


def document_options(sp):
    """The Word 通报 and 整改通知单: who issues them, and the reply deadline."""
    sp.add_argument("--issuer", help="通报和整改通知单的发文单位（默认：留空待填的“（发文单位）”）")
    sp.add_argument("--reply-by", dest="reply_by", metavar="YYYY-MM-DD",
                    help=f"整改通知单的反馈期限（默认：检查日期后 {REPLY_DAYS} 天）")
    sp.add_argument("--reply-days", dest="reply_days", type=int, default=REPLY_DAYS, metavar="N",
                    help="未给 --reply-by 时，反馈期限为检查日期后的天数")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="zwgk", description="zwgk 政务公开合规巡检：抓取政府网站，对照政务公开工作方案逐项检查，生成记分卡和通报草稿。",
                epilog=f"check {EXIT_CODES_CHECK}。\naudit {EXIT_CODES_AUDIT}。\n被中断（Ctrl-C）时退出码为 130。\n"
                       "“zwgk 命令 --help”查看各命令的选项。")
    p.add_argument("--version", action="version", version=f"zwgk {__version__}", help="显示版本号并退出")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="命令")

    def common(sp, default_out=None):
        sp.add_argument("--rulebook", default="jiangmen-2022", help="规则集 id（rules/<id>.yaml）或 YAML 文件路径")
        sp.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="检查日期，期限和更新频率以此为准（默认：今天）")
        sp.add_argument("--db", default="sqlite:///zwgk.db", help="结果数据库，SQLAlchemy URL；直接写路径即 SQLite 文件")
        sp.add_argument("--out", default=default_out, help="HTML 记分卡输出目录")
        sp.add_argument("--max-pages", dest="max_pages", type=int, default=2000, help="每个单位的抓取页数上限")
        sp.add_argument("--no-browser", dest="no_browser", action="store_true", help="不启动浏览器；浏览器检查记为无法判断")
        sp.add_argument("--ignore-robots", dest="ignore_robots", action="store_true",
                        help="不遵守 robots.txt（仅限经授权的巡检）")
        sp.add_argument("--allow-internal", dest="allow_internal", action="store_true",
                        help="允许访问内网地址（回环、私有、链路本地等；仅限在封闭网络内的巡检）")

    c = sub.add_parser("check", help="检查单个网站", description="检查单个网站，在终端输出检查结果。",
                       epilog=EXIT_CODES_CHECK + "。")
    c.add_argument("url", help="网站起始网址（只抓取同一主机、该网址所在目录之下的页面）")
    c.add_argument("--unit", help="单位名称；历史记录按此名称保存（默认：抓取范围的网址，如 https://www.example.gov.cn/）")
    c.add_argument("--unit-type", dest="unit_type", default="county", choices=["city-portal", "county", "department"],
                   help="单位类型，决定适用哪些规则")
    c.add_argument("--json", dest="json", help="把记分卡 JSON 写到文件；- 表示标准输出")
    c.add_argument("--log-dir", dest="log_dir", help="日志目录（默认：数据库旁的 zwgk-logs）")
    common(c)

    a = sub.add_parser("audit", help="巡检单位清单中的全部单位",
                       description="巡检单位清单中的全部单位，生成记分卡网站、通报草稿和整改通知单（Word）。",
                       epilog=EXIT_CODES_AUDIT + "。")
    a.add_argument("--units", help="单位清单 YAML（默认：内置江门市清单 rules/units/jiangmen.yaml）")
    common(a, default_out="scorecards")
    audit_options(a)
    a.add_argument("--redis", help="分布式巡检：把单位放入该 Redis 的共享队列，由 zwgk worker 领取（redis://HOST:PORT/DB）")
    a.add_argument("--workers", type=int, default=0, help="同时在本机启动的工作进程数（配合 --redis）")
    a.add_argument("--visibility-timeout", dest="visibility_timeout", type=int,
                   help="工作进程失联多少秒后其单位交给别的工作进程（默认：60）")

    k = sub.add_parser("worker", help="分布式巡检的工作进程：从 Redis 队列领取单位，抓取并检查")
    k.add_argument("--redis", required=True, help="Redis 地址 redis://HOST:PORT/DB")
    k.add_argument("--db", help="结果数据库（默认：协调进程的 --db）")
    k.add_argument("--slots", type=int, default=1, help="本工作进程同时巡检的主机数")
    k.add_argument("--audit", help="只处理这一个巡检（编号），完成后退出")
    k.add_argument("--exit-when-idle", dest="exit_when_idle", action="store_true",
                   help="没有进行中的巡检时退出（默认：一直等待）")
    k.add_argument("--no-browser", dest="no_browser", action="store_true", help="不启动浏览器")

    t = sub.add_parser("status", help="分布式巡检的状态：队列、工作进程、进度、抓取速度")
    t.add_argument("--redis", required=True, help="Redis 地址 redis://HOST:PORT/DB")
    t.add_argument("--json", dest="json", action="store_true", help="以 JSON 输出")

    d = sub.add_parser("demo", help="在本机启动示例门户网站并巡检，生成记分卡", epilog=EXIT_CODES_AUDIT + "。")
    d.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="检查日期（默认：今天）")
    d.add_argument("--db", default="sqlite:///zwgk.db", help="结果数据库")
    d.add_argument("--out", default="scorecards", help="记分卡输出目录")
    d.add_argument("--no-browser", dest="no_browser", action="store_true", help="不启动浏览器")
    audit_options(d)

    w = sub.add_parser("crawl", help="只抓取，不检查：把抓到的每个页面（快照）按行写成 JSON",
                       description="只抓取，不检查：每个页面快照写成一行 JSON（JSON Lines），最后一行是抓取概况。")
    w.add_argument("url", help="起始网址")
    w.add_argument("--scope", help="抓取范围前缀（默认：起始网址所在目录）")
    w.add_argument("--max-pages", dest="max_pages", type=int, default=2000, help="抓取页数上限")
    w.add_argument("--rulebook", default="jiangmen-2022", help="按该规则集的关键词安排抓取优先级")
    w.add_argument("--jsonl", default="-", help="输出文件；- 表示标准输出")
    w.add_argument("--ignore-robots", dest="ignore_robots", action="store_true", help="不遵守 robots.txt")
    w.add_argument("--allow-internal", dest="allow_internal", action="store_true",
                   help="允许访问内网地址（回环、私有、链路本地等）")

    r = sub.add_parser("report", help="从数据库重新生成记分卡（不抓取）",
                       description="从数据库重新生成记分卡网站（不抓取）；加 --docx 同时生成通报草稿和整改通知单（Word）。")
    r.add_argument("--db", default="sqlite:///zwgk.db", help="结果数据库")
    r.add_argument("--out", default="scorecards", help="记分卡输出目录")
    r.add_argument("--run", type=int, help="巡检批次号（默认：最近一次完成的巡检）")
    r.add_argument("--docx", action="store_true",
                   help="同时生成 Word 通报草稿（circular-run<批次>.docx）和各单位整改通知单（notices/）")
    document_options(r)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    # The commands load Scrapy, SQLAlchemy and Playwright: --help and bad usage answer without them.
    from zwgk import commands
    try:
        return commands.run(args)
    except (UsageError, *commands.ONE_LINE_ERRORS) as exc:
        print(f"zwgk: {' '.join(str(exc).splitlines())}", file=sys.stderr)   # one line, whatever it quotes
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("zwgk: 已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":      # python -m zwgk.cli: the module proper, not a second copy of it
    from zwgk.cli import main as cli_main
    sys.exit(cli_main())
