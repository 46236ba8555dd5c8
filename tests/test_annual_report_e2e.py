"""`zwgk check` end to end on real HTTP: annual reports found, dated and judged by the crawl.

The sample portals (zwgk/sample_portals) plant a late county report; a small static portal of
our own (tests/fixtures/annual_reports/site_pdf_only) publishes its report only as a PDF.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import annual_report_kit as kit
from zwgk.sample_portals import build_portals, expected_for, serve

# 127.0.0.1 test servers need no politeness: AutoThrottle off keeps each crawl to seconds.
ENV = {**os.environ, "ZWGK_AUTOTHROTTLE_ENABLED": "0"}

SITE = Path(__file__).parent / "fixtures" / "annual_reports" / "site_pdf_only"


def results(url, tmp_path, as_of, unit_type="county", unit=None):
    args = ["check", url, "--unit-type", unit_type, "--as-of", as_of.isoformat(), "--json", "-",
            "--no-browser", "--db", f"sqlite:///{tmp_path}/z-{as_of}.db"]
    if unit:
        args += ["--unit", unit]
    proc = subprocess.run([sys.executable, "-m", "zwgk", *args], capture_output=True, text=True,
                          timeout=300, env=ENV)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {r["rule"]: r for r in json.loads(proc.stdout)["results"]}


@pytest.fixture(scope="module")
def pdf_portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("site") / "site"
    shutil.copytree(SITE, root)
    unit = "江门市恩平市人民政府"
    regs = {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 149)}      # 2021 report: 140 in force
    (root / "zwgk/ndbg/P020230215_2022nb.pdf").write_bytes(kit.pdf_bytes(kit.report_lines(unit, 2022, regs=regs)))
    with serve(root) as server:
        yield server


def test_pdf_only_report_is_judged_through_the_crawl(pdf_portal, tmp_path):
    r = results(pdf_portal.url, tmp_path, date(2023, 3, 1), unit="恩平市人民政府")
    deadline = r["annual-report-deadline"]
    assert deadline["status"] == "pass", deadline
    [f] = deadline["findings"]
    assert f["url"].endswith("/zwgk/ndbg/P020230215_2022nb.pdf")
    assert "2023-02-15（依据列表页日期）" in f["message"] and "期限 2023-02-20" in f["message"]
    content = r["annual-report-content"]
    assert content["status"] == "pass", content
    assert "PDF 附件" in content["findings"][0]["evidence"]


def test_missing_report_fails_naming_the_column(pdf_portal, tmp_path):
    r = results(pdf_portal.url, tmp_path, date(2024, 3, 1), unit="恩平市人民政府")
    deadline = r["annual-report-deadline"]
    assert deadline["status"] == "fail"
    [f] = deadline["findings"]
    assert "未找到2023年度" in f["message"] and urlsplit(f["url"]).path in ("/zwgk/ndbg/", "/zwgk/ndbg/index.html")


@pytest.mark.parametrize("portal, status", [("county-bad", "fail"), ("county-good", "pass")])
def test_sample_portal_late_report(portal, status, tmp_path):
    as_of = date(2023, 3, 10)
    root = build_portals(tmp_path / "portals", as_of, [portal])[portal]
    exp = expected_for(portal, as_of)["units"]["county"]
    with serve(root) as server:
        r = results(server.url, tmp_path, as_of, unit=exp["name"])
    deadline = r["annual-report-deadline"]
    assert deadline["status"] == status, deadline
    if status == "fail":
        problem = exp["problems"]["annual-report-late"]
        paths = [urlsplit(f["url"]).path for f in deadline["findings"] if f["status"] == "fail"]
        assert any(re.match(problem["url_re"], p) for p in paths), (problem["url_re"], paths)
        assert any("共 13 天" in f["message"] for f in deadline["findings"])


# A department (deadline 01-31) on the sample city portal's 发改局 channel, built for 2023-03-15:
# its reports for 2022 (published 2023-01-25) and 2021 are online, nothing for 2023.
@pytest.mark.parametrize("as_of, status, words", [
    (date(2023, 3, 15), "pass", "2022"),        # on time: the 2022 report, before 01-31
    (date(2023, 1, 20), "pass", "未到"),         # the 2022 report is not yet due; 2021 is judged
    (date(2024, 3, 1), "fail", "2023"),          # the 2023 report is due and missing
])
def test_department_report_on_time_not_yet_due_and_missing(as_of, status, words, tmp_path):
    from zwgk.sample_portals import serve_all, stop_all
    servers = serve_all(tmp_path / "portals", date(2023, 3, 15), names=["city-good"])
    try:
        exp = expected_for("city-good", date(2023, 3, 15))["units"]["fgj"]
        url = servers["city-good"].url.rstrip("/") + exp["url"]
        r = results(url, tmp_path, as_of, unit_type="department", unit=exp["name"])["annual-report-deadline"]
    finally:
        stop_all(servers)
    assert r["status"] == status, r
    assert any(words in f["message"] for f in r["findings"]), r["findings"]
    if status == "fail":
        assert any("/bmpd/fgj/" in f["url"] for f in r["findings"] if f["status"] == "fail")
