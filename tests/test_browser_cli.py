"""`zwgk check` end to end with the browser pass: a real crawl, a real Chromium, the JSON contract.
Also: `--no-browser`, and a browser that cannot start, give `unknown` with the reason."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import FIXTURES
from zwgk.checks.rulebook import RULES_DIR
from zwgk.crawler.browser import find_chromium
from zwgk.sample_portals.server import serve

CHROMIUM, WHY = find_chromium()
BROWSER_RULES = ("accessibility-toolbar-works", "accessibility-wcag-axe", "accessibility-elderly-friendly")
AS_OF = "2022-09-01"


def undated_rulebook(tmp_path) -> Path:
    """The bundled rulebook without the plan's dates: 2022's 稳经济 column (the script-filled list
    of this portal) and the accessibility rules (due by the end of 2022) judged on one date."""
    lines = (RULES_DIR / "jiangmen-2022.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "undated.yaml"
    path.write_text("".join(l for l in lines if not l.lstrip().startswith(("period:", "due:"))), encoding="utf-8")
    return path


def zwgk_check(url, tmp_path, *extra, env=None):
    env = {**os.environ, "ZWGK_BROWSER_SAMPLE": "3", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "zwgk", "check", url, "--json", "-", "--as-of", AS_OF,
                           "--rulebook", str(undated_rulebook(tmp_path)),
                           "--db", f"sqlite:///{tmp_path}/z.db", *extra],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    card = json.loads(proc.stdout)
    return {r["rule"]: r for r in card["results"]}, proc


@pytest.fixture(scope="module")
def js_portal():
    with serve(FIXTURES / "browser" / "js_list") as server:
        yield server.url


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason=f"没有 Chromium 可用：{WHY}")
def test_check_with_browser_end_to_end(js_portal, tmp_path):
    out = tmp_path / "out"
    results, proc = zwgk_check(js_portal, tmp_path, "--out", str(out))
    # The 稳经济 list is filled by fetch(): only the rendered page shows its entries.
    column = results["homepage-column-stabilise-economy"]
    assert column["status"] == "pass", column
    assert any("3 条" in f["message"] for f in column["findings"])
    toolbar = results["accessibility-toolbar-works"]
    assert toolbar["status"] == "fail" and toolbar["item"] == 54
    shot = Path(toolbar["findings"][0]["screenshot"])
    assert shot.is_file() and (out / "screenshots") in shot.parents
    assert results["accessibility-wcag-axe"]["status"] in ("pass", "warn", "fail")
    assert proc.returncode == 1


def test_no_browser_gives_unknown_with_the_reason(js_portal, tmp_path):
    results, _ = zwgk_check(js_portal, tmp_path, "--no-browser")
    for rule in BROWSER_RULES:
        assert results[rule]["status"] == "unknown"
        assert "--no-browser" in results[rule]["findings"][0]["message"]
    # Without rendering the script-filled list cannot be judged: unknown, never a fail.
    assert results["homepage-column-stabilise-economy"]["status"] == "unknown"


@pytest.mark.parametrize("chromium, words", [("/bin/false", "浏览器无法启动"), ("/no/such/chrome", "ZWGK_CHROMIUM")])
def test_browser_that_cannot_start_gives_unknown(js_portal, tmp_path, chromium, words):
    results, _ = zwgk_check(js_portal, tmp_path, env={"ZWGK_CHROMIUM": chromium})
    for rule in BROWSER_RULES:
        assert results[rule]["status"] == "unknown"
        assert words in results[rule]["findings"][0]["message"], results[rule]
