"""`zwgk audit --out` and `zwgk check --out` write the scorecards, end to end over real HTTP
(two small portals on 127.0.0.1, no browser); a second audit is compared with the first."""
import re

import lxml.html
import pandas as pd

from tests.webkit import Routes, zwgk
from zwgk.cli import main
from zwgk.reports.html import unit_filename

HOME = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title>
<meta name="SiteName" content="{name}"><meta name="SiteIDCode" content="4407000001"></head><body>
<div class="nav"><a href="/zwgk/">政务公开</a> <a href="/xxgk/">信息公开</a> <a href="/{col}/">{colname}</a></div>
<div class="main"><h1>{name}</h1><ul><li><a href="/zwgk/1.html">工作动态 2022-08-30</a></li></ul></div>
<div class="footer">主办：{name} 网站标识码 4407000001</div></body></html>"""
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{t}</title></head>
<body><h1>{t}</h1><p>发布日期：2022-08-30</p></body></html>"""


def routes(name, col, colname):
    return {"/": HOME.format(name=name, col=col, colname=colname), "/zwgk/": PAGE.format(t="政务公开"),
            "/zwgk/1.html": PAGE.format(t="工作动态"), "/xxgk/": PAGE.format(t="信息公开"),
            f"/{col}/": PAGE.format(t=colname)}


def _text(path):
    return re.sub(r"\s+", " ", lxml.html.fromstring(path.read_text(encoding="utf-8")).text_content())


def test_audit_twice_then_report_and_check(tmp_path):
    with Routes(routes("测试区人民政府", "wjj", "稳经济")) as a, Routes(routes("测试局", "yshj", "营商环境")) as b:
        units = tmp_path / "units.yaml"
        units.write_text(f"units:\n  - name: 测试区人民政府\n    type: county\n    url: {a.url}\n"
                         f"  - name: 测试局\n    type: department\n    url: {b.url}\n", encoding="utf-8")
        db, out = f"sqlite:///{tmp_path}/zwgk.db", tmp_path / "site"
        for as_of in ("2022-09-01", "2022-09-02"):
            proc = zwgk("audit", "--units", str(units), "--db", db, "--out", str(out), "--as-of", as_of,
                        "--no-browser", "--max-pages", "20")
            assert proc.returncode == 0, proc.stderr[-3000:]
        index = _text(out / "index.html")
        assert "检查日期 2022-09-02" in index and "与上次完整巡检（批次 #1，2022-09-01）相比" in index
        for name in ("测试区人民政府", "测试局"):
            page = _text(out / unit_filename(name))
            assert name in page and "最近 2 次巡检" in page
        sheets = pd.read_excel(out / "scorecards.xlsx", sheet_name=None)
        assert list(sheets) == ["总表", "问题清单", "任务台账"]
        assert set(sheets["总表"]["单位"]) == {"测试区人民政府", "测试局"}
        assert (out / "scoring.html").exists() and (out / "ledger.csv").exists()
        # every audit writes the Word 通报 draft, comparing with the audit before
        import docx
        circular = [p.text for p in docx.Document(str(out / "circular-run2.docx")).paragraphs]
        assert "三、整改情况" in circular and any("与上次检查（2022年9月1日，巡检批次 #1）相比" in t for t in circular)
        assert {p.name for p in (out / "notices").glob("*.docx")} and "circular-run2.docx" in proc.stdout

        rebuilt = tmp_path / "rebuilt"
        assert main(["report", "--db", db, "--out", str(rebuilt)]) == 0
        assert (rebuilt / "index.html").read_text(encoding="utf-8").count("<tr data-type") == 2

        card_dir = tmp_path / "card"
        proc = zwgk("check", a.url, "--unit", "测试区人民政府", "--as-of", "2022-09-03", "--db", db,
                    "--out", str(card_dir), "--no-browser", "--max-pages", "20")
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
        page = _text(card_dir / "index.html")
        assert "测试区人民政府" in page and "检查日期 2022-09-03" in page
        assert (card_dir / "scoring.html").exists()
