"""What a new user meets at the command line (issue 19), run as subprocesses like a user would:
an unreachable site gives one line and no traceback (the log keeps the detail), unknowns with
one cause collapse into one, a `check` unit is its scope URL unless --unit names it, the
database's place is said, the runtime files stay out of git, and --help/--version speak Chinese
with defaults and exit codes."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.webkit import Routes, free_port
from zwgk import __version__
from zwgk.storage.database import Store
from zwgk.storage.history import build_history

ROOT = Path(__file__).resolve().parents[1]
SITE = {"/index.html": "<html><head><title>测试网站</title></head><body><a href='/a.html'>新闻</a></body></html>",
        "/": "<html><head><title>测试网站</title></head><body><a href='/a.html'>新闻</a>"
             "<a href='/gone.html'>旧链接</a></body></html>",
        "/a.html": "<html><head><title>新闻</title></head><body>发布日期：2023-03-01 正文</body></html>"}


def run(cwd, *args, timeout=180):
    return subprocess.run([sys.executable, "-m", "zwgk", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def test_unreachable_check_one_line_no_traceback_log_keeps_detail(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    proc = run(tmp_path, "check", url, "--no-browser", "--as-of", "2023-03-15", "--json", str(tmp_path / "c.json"))
    assert proc.returncode == 3
    err = proc.stderr.strip().splitlines()
    assert 1 <= len(err) <= 3, proc.stderr
    assert "Traceback" not in proc.stderr and "scrapy" not in proc.stderr.lower()
    assert err[0].startswith("zwgk: 首页无法访问") and url in err[0] and "连接被拒绝" in err[0]
    # the log beside the database has what the terminal left out
    [log] = (tmp_path / "zwgk-logs").glob("check-*.log")
    assert str(log) in err[0]
    detail = log.read_text(encoding="utf-8")
    assert "Traceback" in detail and "ConnectionRefused" in detail
    # the 34 unknowns of one cause are one block, naming every rule
    card = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    unknown = [r["rule"] for r in card["results"] if r["status"] == "unknown"]
    assert len(unknown) > 10
    out = proc.stdout
    assert f"[无法判断] {len(unknown)} 条规则，原因相同：" in out
    assert out.count("首页无法访问，无法检查") == 1
    assert all(rule in out.split("原因相同", 1)[1] for rule in unknown)
    # the failed page is counted once, with its reason (the platform probe that found nothing is no page)
    assert card["pages"] == {"crawled": 1, "failed": 1, "failed_reasons": {"连接被拒绝（服务器未监听该端口）": 1}}
    assert "抓取页面 1 个（失败 1 个：连接被拒绝（服务器未监听该端口） ×1）" in out
    # where the results are
    assert f"结果已存入数据库：{tmp_path / 'zwgk.db'}" in out


def test_check_identity_is_the_scope_url_unless_unit_names_it(tmp_path):
    with Routes(SITE) as a, Routes(SITE) as b:
        for srv in (a, b, a):
            proc = run(tmp_path, "check", srv.url + "index.html", "--no-browser", "--as-of", "2023-03-15",
                       "--max-pages", "10")
            assert proc.returncode in (0, 1), proc.stderr
            assert proc.stderr == ""                     # no terminal: quiet, the summary is the output
            assert f"单位“{srv.url}”的历史按此名称记录" in proc.stdout
            assert f"结果已存入数据库：{tmp_path / 'zwgk.db'}" in proc.stdout
        proc = run(tmp_path, "check", a.url, "--unit", "测试单位", "--no-browser", "--as-of", "2023-03-15",
                   "--max-pages", "10")
        assert proc.returncode in (0, 1), proc.stderr
    store = Store(f"sqlite:///{tmp_path}/zwgk.db")
    names = [store.unit_rows(i)[0]["unit_name"] for i in (1, 2, 3, 4)]
    assert names == [a.url, b.url, a.url, "测试单位"]      # one host, two ports: two units
    # the third run is compared with the first (same site), never with the other port's
    history = build_history(store, 3, units=[a.url])
    assert history.unit_runs[a.url] == [1, 3]
    assert build_history(store, 2, units=[b.url]).unit_runs[b.url] == [2]


def test_runtime_files_are_ignored_by_git(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git 不可用")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    units = tmp_path / "units.yaml"
    with Routes(SITE) as srv:
        units.write_text(f"units:\n  - name: 测试区人民政府\n    type: county\n    url: {srv.url}\n", encoding="utf-8")
        # every default: ./zwgk.db, zwgk.lock, zwgk-logs/, zwgk-httpcache/, ./scorecards
        proc = run(repo, "audit", "--units", str(units), "--no-browser", "--as-of", "2023-03-15", "--max-pages", "10")
        assert proc.returncode == 0, proc.stderr[-2000:]
        proc = run(repo, "check", srv.url, "--no-browser", "--as-of", "2023-03-15", "--max-pages", "10")
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
    made = {p.name for p in repo.iterdir()}
    assert {"zwgk.db", "zwgk.lock", "zwgk-logs", "zwgk-httpcache", "scorecards"} <= made
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                            capture_output=True, text=True, check=True).stdout
    assert status.splitlines() == ["?? .gitignore"], status
    # SQLite's side files, which exist only while a database is open
    names = ["zwgk.db-wal", "zwgk.db-shm", "zwgk.db-journal", "sub/other.db", "x.lock", "zwgk-logs/timings.json"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=repo, capture_output=True,
                             text=True).stdout.split()
    assert ignored == names
    # and nothing of the project's own is hidden by them
    tracked = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True,
                             text=True).stdout
    assert tracked == ""


def test_version():
    proc = run(ROOT, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"zwgk {__version__}"
    import tomllib
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"] == __version__


@pytest.mark.parametrize("command", [None, "check", "audit", "report", "crawl", "demo", "worker", "status"])
def test_help_is_chinese_with_defaults_and_exit_codes(command):
    proc = run(ROOT, *([command] if command else []), "--help")
    assert proc.returncode == 0
    text = proc.stdout
    assert text.startswith("用法：") and "显示本帮助并退出" in text
    for english in ("usage:", "show this help", "options:", "positional arguments", "default:", "(default"):
        assert english not in text, english
    # every option's help is Chinese (a CJK character), and each default is shown
    helps = re.findall(r"^  (-[^\n]*?)(?:\n {20,}|  +)(\S[^\n]*)$", text, re.M)
    assert helps and all(re.search(r"[\u4e00-\u9fff]", h) for _o, h in helps), helps
    if command in ("check", "audit"):
        assert "（默认：jiangmen-2022）" in text and "（默认：2000）" in text and "（默认：sqlite:///zwgk.db）" in text
        codes = {"check": ["0 没有规则不通过", "1 至少一条规则不通过", "2 用法或输入有误", "3 首页无法访问"],
                 "audit": ["0 巡检已完成", "2 用法或输入有误", "4 另一个巡检正在使用同一数据库"]}[command]
        assert "退出码" in text and all(c in text for c in codes)
    if command is None:
        assert "check 退出码" in text and "audit 退出码" in text and "130" in text
    if command == "report":
        assert "--docx" in text and "--reply-by" in text


@pytest.mark.parametrize("args, said", [
    (["check"], "zwgk: 缺少参数：url"),
    (["check", "http://127.0.0.1:9/", "--bogus"], "zwgk: 无法识别的参数：--bogus"),
    (["check", "http://127.0.0.1:9/", "--unit-type", "town"], "zwgk: 参数 --unit-type 的值 'town' 无效"),
    (["check", "http://127.0.0.1:9/", "--max-pages", "many"], "zwgk: 参数 --max-pages 须为整数，实为 'many'"),
])
def test_usage_errors_are_one_chinese_line(tmp_path, args, said):
    proc = run(tmp_path, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(said), line
    assert not list(tmp_path.iterdir())                     # bad usage writes nothing
