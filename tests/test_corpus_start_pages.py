"""Every real HTML page of the shared corpus (26 pages, 26 portals' CMSs) as the start URL of a
unit, served alone on 127.0.0.1 with the rest of its site unreachable, in one `zwgk audit`: a
webmaster who checks an article, or a crawl that got one page. Nothing zwgk did not see may fail.

Before this test, the same run gave 158 fails on these 26 pages, 153 of them false: absence fails
("未发现栏目", "未找到年度报告") on pages that declare themselves articles only by ArticleTitle
metadata or whose every link leads out of the unit's scope, the 首页更新 veto judged on an article's
date, 首页元数据 judged on an article, 滇ICP备 and 粤公网安备号<a>…</a> footers not read, and a 政务服务
entry outside the scope taken as "not linked to the platform". The fails left are facts of the
page itself: an article page that lacks a metadata field (checked here against the page's own
<meta> tags)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.corpuskit import CORPUS
from tests.test_audit import write_units
from tests.webkit import Routes, zwgk
from zwgk.storage.database import Store

AS_OF = "2024-12-01"
REALPAGES = CORPUS / "realpages"
PAGES = [row["file"] for row in csv.DictReader((REALPAGES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
         if not row["file"].endswith(".txt")]
META = re.compile(r"""<meta\s+name\s*=\s*["']?(\w+)["']?\s+content\s*=\s*["']([^"']*)["']""", re.I)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    routes = {"/" + f: (200, {"Content-Type": "text/html; charset=utf-8"}, (REALPAGES / f).read_bytes())
              for f in PAGES}
    with Routes(routes, drop_missing=True) as srv:
        units = [{"name": f"{i:02d} {f.split('/')[0]}", "type": "county", "url": srv.url + f}
                 for i, f in enumerate(PAGES)]
        proc = zwgk("audit", "--units", str(write_units(tmp / "units.yaml", units)), "--as-of", AS_OF,
                    "--no-browser", "--db", f"sqlite:///{tmp}/z.db", "--out", str(tmp / "out"), timeout=600,
                    # 26 units on one loopback host share its politeness slot: no pacing here
                    env={"ZWGK_AUTOTHROTTLE_ENABLED": "0", "ZWGK_CONCURRENT_REQUESTS_PER_DOMAIN": "16"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    store = Store(f"sqlite:///{tmp}/z.db")
    return units, store.result_rows(1)


def test_the_corpus_has_its_26_real_html_pages():
    assert len(PAGES) == 26 and all((REALPAGES / f).is_file() for f in PAGES)


def test_no_fail_on_a_real_page_but_what_the_page_itself_shows(audited):
    units, rows = audited
    by_unit = {u["name"]: u for u in units}
    assert {r["unit_name"] for r in rows} == set(by_unit)
    wrong = []
    for r in rows:
        if r["status"] != "fail":
            continue
        page = (REALPAGES / by_unit[r["unit_name"]]["url"].split("/", 3)[3]).read_text(encoding="utf-8")
        declared = {k.lower(): v.strip() for k, v in META.findall(page)}
        if r["rule"] == "page-metadata":
            # a fact of this page only when every field it names is absent or empty in its <meta>
            named = {f for finding in r["findings"] if finding["status"] == "fail"
                     for f in re.findall(r"[A-Z][A-Za-z]+", finding["message"].split("（")[0])}
            if named and not any(declared.get(f.lower()) for f in named):
                continue
        wrong.append((r["unit_name"], r["rule"], [f["message"][:120] for f in r["findings"]]))
    assert not wrong, wrong


def test_absence_on_a_single_real_page_is_unknown_and_says_why(audited):
    units, rows = audited
    column = [r for r in rows if r["rule"] == "column-grassroots-standard-catalogue"]
    assert len(column) == len(units)
    thin = 0
    for r in column:
        assert r["status"] in ("unknown", "pass"), r
        message = " ".join(f["message"] for f in r["findings"])
        assert message, r
        thin += "是一篇文章" in message or "只看到了这一页" in message
    # the reason is the crawl's: a page that is an article, or links only out of the scope (a
    # few say their navigation may be written by scripts, also true of a lone page)
    assert thin >= 20, thin
    # and the pages were judged, not skipped: what each page shows (its footer, its own links)
    assert sum(r["status"] == "pass" for r in rows if r["rule"] == "site-identity") >= 10
