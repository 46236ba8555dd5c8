"""Progress through every phase of `check` and `audit` (抓取, 浏览器检查, 规则检查, 生成报告): the
live line under a real pseudo-terminal (the pty module), quiet or one line per unit and phase
without one, an estimate that covers the phases still to come, and page counts that agree
between the progress lines, the summary and the scorecards."""
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from tests.webkit import Routes
from zwgk.crawler.browser import find_chromium
from zwgk.page.snapshot import PageSnapshot
from zwgk.progress import Progress

CHROMIUM, WHY = find_chromium()
LINKS = "".join(f'<a href="/news/{i}.html">新闻{i}</a> ' for i in range(8))
SITE = {"/": f"<html lang='zh-CN'><head><title>测试区人民政府</title></head><body>{LINKS}"
             "<a href='/gone.html'>已删除的页面</a><a href='/gone2.html'>旧通知</a></body></html>"}
SITE.update({f"/news/{i}.html": f"<html><head><title>新闻{i}</title></head><body>发布日期：2023-03-0{i + 1} 正文</body></html>"
             for i in range(8)})


def in_pty(args, cwd, timeout=300) -> tuple[int, str]:
    """Run zwgk with stdout and stderr on a pseudo-terminal; (exit code, everything it drew)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "zwgk", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, close_fds=True)
    os.close(slave)
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:          # the child closed the terminal
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace")


def pieces(drawn: str) -> list[str]:
    """What the terminal showed, one piece per redraw or line."""
    return [p.strip() for p in re.split(r"\r\x1b\[K|\r?\n", drawn) if p.strip()]


def status_lines(drawn: str) -> list[str]:
    return [p for p in pieces(drawn) if re.match(r"\[(抓取|浏览器检查|规则检查|生成报告) \d/\d\]", p)]


def eta_seconds(line: str) -> int | None:
    m = re.search(r"预计剩余 (\d+):(\d\d):(\d\d)$", line)
    return None if m is None else int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def test_check_under_a_terminal_shows_every_phase_and_counts_agree(tmp_path):
    with Routes(SITE) as srv:
        args = ["check", srv.url, "--as-of", "2023-03-15", "--json", str(tmp_path / "card.json"),
                "--out", str(tmp_path / "card"), "--max-pages", "30"]
        if CHROMIUM is None:
            args.append("--no-browser")
        code, drawn = in_pty(args, tmp_path)
    assert code in (0, 1), drawn[-3000:]
    card = json.loads((tmp_path / "card.json").read_text(encoding="utf-8"))
    phases = ["抓取", "规则检查", "生成报告"] if CHROMIUM is None else ["抓取", "浏览器检查", "规则检查", "生成报告"]
    lines = status_lines(drawn)
    seen = [re.match(r"\[(\S+) (\d)/(\d)\]", l).groups() for l in lines]
    order = list(dict.fromkeys(name for name, _n, _t in seen))
    assert order == phases, order
    assert {(name, int(n), int(t)) for name, n, t in seen} == {(p, i, len(phases)) for i, p in enumerate(phases, 1)}
    kept = pieces(drawn)
    for p in phases:
        assert any(k.startswith(f"{p}完成：") for k in kept), p
    # one count of pages everywhere: the unit's line, the crawl's line, the summary, the card
    n, failed = card["pages"]["crawled"], card["pages"]["failed"]
    assert n == 11 and failed == 2                        # home, 8 news, 2 dead links; no probe counted
    [unit_line] = [k for k in kept if k.startswith("[1/1] ")]
    assert f"：抓取 {n} 页（未能抓取 {failed} 页：HTTP 404 ×{failed}）" in unit_line
    assert any(k.startswith(f"抓取完成：1 个单位，页面 {n} 个，其中 {failed} 个未能抓取（错误 {failed}：HTTP 404 ×{failed}）")
               for k in kept)
    crawl = [l for l in lines if l.startswith("[抓取")]
    assert f"页面 {n} · 错误 {failed}" in crawl[-1]
    assert f"抓取页面 {n} 个（失败 {failed} 个：HTTP 404 ×{failed}）" in drawn
    # the estimate covers what is still to come: once the crawl is done, it is not 0 while
    # the later phases remain
    after_crawl = [l for l in crawl if "单位 1/1" in l]
    assert after_crawl and all(eta_seconds(l) for l in after_crawl), after_crawl
    assert "Traceback" not in drawn


def _units(tmp_path, a, b):
    units = tmp_path / "units.yaml"
    units.write_text(f"units:\n  - name: 测试区人民政府\n    type: county\n    url: {a.url}\n"
                     f"  - name: 测试局\n    type: department\n    url: {b.url}\n", encoding="utf-8")
    return units


def test_audit_under_a_terminal_and_under_cron(tmp_path):
    other = {"/": "<html><head><title>测试局</title></head><body><a href='/x.html'>通知</a>"
                  "<a href='/nope.html'>坏链接</a></body></html>",
             "/x.html": "<html><head><title>通知</title></head><body>正文</body></html>"}
    with Routes(SITE) as a, Routes(other) as b:
        units = _units(tmp_path, a, b)
        args = ["audit", "--units", str(units), "--no-browser", "--as-of", "2023-03-15", "--max-pages", "30",
                "--db", f"sqlite:///{tmp_path}/z.db", "--out", str(tmp_path / "out")]
        code, drawn = in_pty(args, tmp_path)
        assert code == 0, drawn[-3000:]
        cron = subprocess.run([sys.executable, "-m", "zwgk", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)
        assert cron.returncode == 0, cron.stderr[-3000:]
    data = json.loads((tmp_path / "out" / "scorecards.json").read_text(encoding="utf-8"))
    pages = {u["unit"]["name"]: u["pages"] for u in data["units"]}
    total = sum(p["crawled"] for p in pages.values())
    errors = sum(p["failed"] for p in pages.values())
    assert errors == 3
    lines = status_lines(drawn)
    order = list(dict.fromkeys(re.match(r"\[(\S+) ", l).group(1) for l in lines))
    assert order == ["抓取", "规则检查", "生成报告"]
    assert all(re.match(r"\[\S+ \d/3\]", l) for l in lines)
    kept = pieces(drawn)
    for name, p in pages.items():
        [line] = [k for k in kept if re.match(rf"\[\d/2\] {name}：", k)]
        assert f"：抓取 {p['crawled']} 页（未能抓取 {p['failed']} 页：HTTP 404 ×{p['failed']}）" in line
        [final] = [k for k in kept if k.startswith(f"{name}：得分")]
        assert f"抓取 {p['crawled']} 页（失败 {p['failed']} 个：HTTP 404 ×{p['failed']}）" in final
    assert f"抓取完成：2 个单位，页面 {total} 个，其中 {errors} 个未能抓取（错误 {errors}：HTTP 404 ×{errors}）" in drawn
    crawl = [l for l in lines if l.startswith("[抓取")]
    assert f"页面 {total} · 错误 {errors}" in crawl[-1]
    assert f"抓取页面 {total} 个（未能抓取 {errors} 个" in drawn
    reports = [l for l in lines if l.startswith("[生成报告")]
    assert re.search(r"文件 (\d+)/\1 ", reports[-1])                  # counted to its end
    # the log has the same lines, each failed page with its URL
    log = (tmp_path / "zwgk-logs" / "audit-1.log").read_text(encoding="utf-8")
    assert f"错误 {errors}：HTTP 404 ×{errors}" in log and "gone.html HTTP 404" in log
    # under cron: a line per unit and per phase, no live line, no escape codes; the estimate
    # of this second run comes from the first run's measured phases
    assert "\r" not in cron.stderr and "\x1b" not in cron.stderr
    cron_lines = cron.stderr.strip().splitlines()
    assert len([l for l in cron_lines if re.match(r"\[\d/2\] ", l)]) == 2
    assert [l.split("：")[0] for l in cron_lines if "完成：" in l] == ["抓取完成", "规则检查完成", "生成报告完成"]
    timings = json.loads((tmp_path / "zwgk-logs" / "timings.json").read_text(encoding="utf-8"))
    assert set(timings["audit"]) == {"crawl", "checks", "reports"}


class _Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _snap(url, status=200):
    return PageSnapshot(url=url, final_url=url, status=status)


def test_estimate_covers_the_phases_to_come():
    clock, out = _Clock(), io.StringIO()
    p = Progress(2, stream=out, live=False, priors={"browser": 20.0, "checks": 1.0, "reports": 0.5}, clock=clock)
    units = [{"name": f"u{i}", "url": f"http://127.0.0.1:{8000 + i}/"} for i in range(2)]
    assert p.eta() == "—"                                   # the crawl's pace is not guessed
    for u in units:
        p.unit_started(u)
        p.page(u, _snap(u["url"]))
        p.page(u, _snap(u["url"] + "gone.html", 404))
        p.page(u, PageSnapshot(url="http://other.example/", final_url="http://other.example/", status=200,
                               external=True))
        p.page(u, PageSnapshot(url=u["url"] + "gkmlpt/index", final_url=u["url"] + "gkmlpt/index",
                               status=404, probe=True))
        clock.t += 30
        p.unit_finished(u, SimpleNamespace(error="", close_reason="finished"))
    assert (p.pages, p.errors) == (4, 2)                   # the external link and the empty probe are no pages
    # the crawl is done, the browser pass (2 × 20 s), checks (2 × 1 s), reports (2 × 0.5 s) remain
    assert p.eta_seconds() == pytest.approx(43.0)
    p.start_phase("browser", 10)
    clock.t += 5
    p.step(5)
    assert p.eta_seconds() == pytest.approx(5.0 + 2.0 + 1.0)   # its own pace, then the priors
    p.start_phase("checks", 2)
    p.start_phase("reports", 4)
    clock.t += 1
    p.step(4)
    p.close()
    text = out.getvalue()
    assert "抓取完成：2 个单位，页面 4 个，其中 2 个未能抓取（错误 2：HTTP 404 ×2），用时 0:01:00" in text
    assert "浏览器检查完成：5 个页面" in text and "生成报告完成：4 个文件" in text
    assert "\r" not in text                                 # no live line without a terminal
    assert p.timings() == {"crawl": 30.0, "browser": 2.5, "checks": 0.0, "reports": 0.5}


def test_quiet_without_a_terminal_writes_nothing():
    out = io.StringIO()
    p = Progress(1, stream=out, quiet=True)
    u = {"name": "u", "url": "http://127.0.0.1:1/"}
    p.unit_started(u)
    p.page(u, _snap(u["url"]))
    p.unit_finished(u, SimpleNamespace(error="", close_reason="finished"))
    p.start_phase("checks", 1)
    p.step()
    p.close()
    assert out.getvalue() == ""
