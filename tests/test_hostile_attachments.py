"""Attachments that exhaust memory and time (issue 16, item 2): parsed in bounded workers.

The issue's two zip bombs (a 1.1 MB .docx inflating to 1 GB, which took 2.1 GB of RSS inline, and
a 3.4 MB one inflating to 3 GB, 6.3 GB inline) and a 14 KB PDF that costs pypdf about 5 minutes
(tests/hostile/attachments.py). In the pool: a bomb is refused from its central directory before
anything is inflated, and without that check the worker's memory limit stops it; the slow PDF is
abandoned at its time limit. Then one real audit of two hosts: a hostile county portal whose
annual report is the bomb, among slow PDFs, on an 8 s unit budget, and an innocent portal beside
it. The hostile unit ends within its budget, its report is `unknown` with the reason, the
innocent unit is crawled whole with its PDF read, the reactor never stalls, and neither the
crawl process nor any worker comes near 1 GB.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import pytest

from tests import annual_report_kit as kit
from tests.hostile.attachments import DOCX, bomb_docx, slow_pdf
from tests.hostile.intranet import ROOT, RecordingServer
from tests.hostile.run import HOSTILE_ENV
from zwgk.crawler.attachments import AttachmentPool, Limits, extract_inline

GB_KB = 1024 * 1024
PDF = "application/pdf"
BUDGET = 8


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bombs")
    out = {}
    for name, size in (("1g", 1 << 30), ("3g", 3 << 30)):
        sizes = bomb_docx(root / f"{name}.docx", size)
        out[name] = (root / f"{name}.docx").read_bytes()
        assert sizes["inflated"] > 0.99 * size and sizes["compressed"] < size / 900
    return out


@pytest.fixture(scope="module")
def pool():
    p = AttachmentPool(workers=2, limits=Limits(timeout_s=2, cpu_s=1))
    yield p
    p.shutdown()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_bombs_are_refused_before_anything_is_inflated(pool, bombs):
    for name, body in bombs.items():
        t0 = time.monotonic()
        future = pool.submit(body, DOCX, f"http://x/{name}.docx")
        text, error = future.result()
        assert text == "" and error.endswith("已放弃（疑似压缩炸弹）"), error
        assert time.monotonic() - t0 < 3
        assert future.stats["worker_maxrss_kb"] < 200 * 1024       # inline: 2.1 and 6.3 GB
    assert _peak_mb() < 1024


def test_without_the_precheck_the_workers_memory_limit_stops_a_bomb(pool, bombs):
    no_check = Limits(timeout_s=20, cpu_s=20, max_inflated_mb=1e9, max_part_mb=1e9, max_ratio=1e9)
    future = pool.submit(bombs["1g"], DOCX, "http://x/1g.docx", no_check)
    assert future.result() == ("", "附件解析内存超限（512 MB），已放弃")
    assert future.stats["worker_maxrss_kb"] < 600 * 1024 and _peak_mb() < 1024
    ordinary = kit.docx_bytes("某区人民政府", 2022)      # the worker that ran out of memory is replaced
    assert pool.submit(ordinary, DOCX, "http://x/ok.docx").result() == extract_inline(ordinary, DOCX, "ok.docx")


def test_a_slow_pdf_is_abandoned_at_its_cpu_limit_and_ordinary_files_read_as_before(pool):
    t0 = time.monotonic()
    text, error = pool.submit(slow_pdf(), PDF, "http://x/slow.pdf").result()
    # 1 s of CPU, or 2 s of wall time when a busy machine gives the nice'd worker less
    assert text == "" and error in ("附件解析超时（1 秒），已放弃", "附件解析超时（2 秒），已放弃"), error
    assert time.monotonic() - t0 < 3.5
    body = kit.pdf_bytes(kit.report_lines("某区人民政府", 2022))
    text, error = pool.submit(body, PDF, "http://x/ok.pdf").result()
    assert (text, error) == extract_inline(body, PDF, "http://x/ok.pdf") and "年度报告" in text


# -- one real audit of a hostile and an innocent portal -------------------------------------------
HOSTILE = {"name": "炸弹区人民政府", "type": "county"}
INNOCENT = {"name": "安宁县人民政府", "type": "county"}


def _portal(name: str, report_href: str, files: dict, pages: int) -> dict:
    links = [("政府信息公开年报", "/zwgk/ndbg/")] + [(f"附件{i}", href) for i, href in enumerate(files)]
    links += [(f"工作动态{i}", f"/xwzx/p{i}.html") for i in range(pages)]
    title = f"{name}2022年度政府信息公开工作年度报告"
    routes = {"/": (200, {"Content-Type": "text/html; charset=utf-8"}, kit.home_page(links)),
              "/zwgk/ndbg/": (200, {"Content-Type": "text/html; charset=utf-8"},
                              kit.list_page("政府信息公开年报", [(title, report_href, "2023-02-10")]))}
    for i in range(pages):
        routes[f"/xwzx/p{i}.html"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                      kit.page(f"工作动态{i}", f"<p>第 {i} 条动态</p>", column="工作动态"))
    for href, (ctype, body) in files.items():
        routes[href] = (200, {"Content-Type": ctype}, body)
    return routes


@pytest.fixture(scope="module")
def audit(bombs, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("audit")
    slow = slow_pdf()
    report = "/zwgk/ndbg/202302/P020230210.docx"
    hostile_files = {report: (DOCX, bombs["1g"]), "/files/big.docx": ("application/octet-stream", bombs["3g"]),
                     **{f"/files/slow{i}.pdf": (PDF, slow) for i in range(4)}}
    innocent_report = "/zwgk/ndbg/202302/P020230212.pdf"
    innocent_files = {innocent_report: (PDF, kit.pdf_bytes(kit.report_lines(INNOCENT["name"], 2022)))}
    hostile = RecordingServer("127.0.0.1", _portal(HOSTILE["name"], report, hostile_files, 10))
    innocent = RecordingServer("127.0.0.1", _portal(INNOCENT["name"], innocent_report, innocent_files, 60))
    units = [{**HOSTILE, "url": hostile.base + "/", "time_budget": BUDGET}, {**INNOCENT, "url": innocent.base + "/"}]
    config, result = tmp / "config.json", tmp / "result.json"
    config.write_text(json.dumps({"units": units, "db": str(tmp / "zwgk.db"), "as_of": "2023-03-01",
                                  "max_pages": 200, "result": str(result),
                                  "settings": {"ATTACHMENT_CPU_SECONDS": 3, "ATTACHMENT_WALL_SECONDS": 6,
                                               "ATTACHMENT_STRIKE_CPU_SECONDS": 1, "AUTOTHROTTLE_ENABLED": False}},
                                 ensure_ascii=False), encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "-m", "tests.hostile.audit_run", str(config)], cwd=ROOT,
                              env={**os.environ, **HOSTILE_ENV}, capture_output=True, text=True,
                              timeout=180)
        assert proc.returncode == 0 and result.exists(), proc.stderr[-3000:]
    finally:
        hostile.stop()
        innocent.stop()
    out = json.loads(result.read_text(encoding="utf-8"))
    out["hostile_base"], out["innocent_base"] = hostile.base, innocent.base
    return out


def test_the_hostile_unit_ends_within_its_time_budget(audit):
    unit = audit["units"][HOSTILE["name"]]
    assert unit["seconds"] < BUDGET + 3, unit["seconds"]
    slow = [a["error"] for u, a in unit["attachments"].items() if "/files/slow" in u]
    assert len(slow) == 4, unit["attachments"]
    assert all(e.startswith("附件解析超时") or e == "抓取时间预算已用完，附件解析已取消" for e in slow), slow


def test_both_bombs_are_refused_and_the_report_is_unknown_with_the_reason(audit):
    attachments = audit["units"][HOSTILE["name"]]["attachments"]
    for path in ("/zwgk/ndbg/202302/P020230210.docx", "/files/big.docx"):
        assert "疑似压缩炸弹" in attachments[audit["hostile_base"] + path]["error"], attachments
    content = audit["rules"][HOSTILE["name"]]["annual-report-content"]
    assert content["status"] == "unknown" and any("疑似压缩炸弹" in m for m in content["findings"]), content


def test_the_innocent_unit_is_crawled_whole_and_its_pdf_read(audit):
    unit = audit["units"][INNOCENT["name"]]
    assert unit["close_reason"] == "finished"
    assert len([p for p in unit["pages"] if "/xwzx/p" in p]) == 60
    [(url, pdf)] = unit["attachments"].items()
    assert pdf["error"] == "" and pdf["chars"] > 500, pdf
    assert audit["rules"][INNOCENT["name"]]["annual-report-content"]["status"] != "unknown"


def test_memory_stays_far_below_a_gigabyte_and_the_reactor_never_stalls(audit):
    assert audit["caller_maxrss_kb"] < GB_KB and audit["worker_peak_rss_kb"] < GB_KB, audit["pool"]
    assert audit["max_gap_s"] < 1.0, audit["max_gap_s"]       # inline: minutes per slow PDF
    print(f"\ncaller peak {audit['caller_maxrss_kb'] / 1024:.0f} MB, worker peak "
          f"{audit['worker_peak_rss_kb'] / 1024:.0f} MB, longest reactor stall {audit['max_gap_s'] * 1000:.0f} ms, "
          f"hostile unit {audit['units'][HOSTILE['name']]['seconds']:.1f} s (budget {BUDGET} s), "
          f"audit {audit['seconds']:.1f} s, pool {audit['pool']}")


def test_a_parse_cut_short_is_tried_again_by_the_next_audit(tmp_path):
    """A timeout on a busy night or the unit's budget says nothing lasting about the file: the
    re-audit's cache does not hand back such a parse (a bomb's or a memory refusal it does)."""
    from datetime import datetime, timezone

    from tests.sitekit import snapshot
    from zwgk.crawler import attachments
    from zwgk.page.snapshot import UNFINISHED_PARSE
    from zwgk.storage.database import Store
    from zwgk.storage.snapshot_cache import SnapshotCache
    for reason in (attachments.reason_timeout(20), attachments.REASON_CANCELLED, attachments.REASON_SHUTDOWN,
                   attachments.REASON_CRASHED.format(how="信号 SIGSEGV")):
        assert reason.startswith(UNFINISHED_PARSE), reason
    for reason in (attachments.REASON_MEMORY.format(mb=512), attachments.reason_bomb("解压后共 1.0 GB")):
        assert not reason.startswith(UNFINISHED_PARSE), reason
    store = Store(str(tmp_path / "zwgk.db"))
    run_id = store.start_run("audit", "jiangmen-2022", "2023-03-01")
    store.add_unit(run_id, {"name": "u", "type": "county", "url": "http://x.gov.cn/"})
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    errors = {"slow.pdf": attachments.reason_timeout(20), "late.pdf": attachments.REASON_CANCELLED,
              "bomb.docx": attachments.reason_bomb("解压后共 1.0 GB"), "ok.pdf": ""}
    for name, error in errors.items():
        store.add_page(run_id, "u", snapshot(f"http://x.gov.cn/files/{name}", "", depth=1, fetched_at=now,
                                             content_type=PDF, doc_error=error, doc_text="" if error else "正文"))
    store.flush()
    store.finish_run(run_id, complete=True)
    cache = SnapshotCache(store, "u", run_id, 7)
    reused = {name for name in errors if cache.fresh_article(f"http://x.gov.cn/files/{name}") is not None}
    assert reused == {"bomb.docx", "ok.pdf"}
