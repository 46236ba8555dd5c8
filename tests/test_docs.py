"""The documents a new user reads: the contract in the repo is the team's contract (identical,
only extended) and the CLI still offers everything it promises; the README's and guides' links
lead to files; the README documents what it must; the rulebook template loads and runs."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.webkit import Routes
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import load_rulebook
from zwgk.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "CONTRACT.md"
# The team's copy: ../shared/CONTRACT.md beside the repository (ZWGK_SHARED_CONTRACT elsewhere)
SHARED = Path(os.environ.get("ZWGK_SHARED_CONTRACT") or ROOT.parent / "shared" / "CONTRACT.md")


@pytest.mark.skipif(not SHARED.is_file(), reason=f"{SHARED} 不存在（只在团队的检出目录旁才有）")
def test_contract_is_the_teams_contract():
    assert CONTRACT.read_bytes() == SHARED.read_bytes(), (
        f"docs/CONTRACT.md 与 {SHARED} 不一致：契约只在团队的 CONTRACT.md 中扩展，再原样复制到 docs/")


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


@pytest.mark.parametrize("command", ["check", "audit"])
def test_every_flag_of_the_contract_is_offered(command):
    text = CONTRACT.read_text(encoding="utf-8")
    block = re.search(rf"```\nzwgk {command} (.*?)```", text, re.S).group(1)
    promised = set(re.findall(r"--[a-z][a-z-]*", block))
    assert promised, block
    offered = {s for a in _subcommands()[command]._actions for s in a.option_strings}
    assert promised <= offered, promised - offered
    # and the defaults the contract names
    defaults = {s: a.default for a in _subcommands()[command]._actions for s in a.option_strings}
    assert defaults["--rulebook"] == "jiangmen-2022" and defaults["--db"] == "sqlite:///zwgk.db"
    if command == "check":
        assert defaults["--unit-type"] == "county"
    else:
        assert defaults["--out"] == "scorecards"


def test_exit_codes_are_the_contracts():
    from zwgk import cli
    assert (cli.EXIT_OK, cli.EXIT_FAIL, cli.EXIT_USAGE, cli.EXIT_UNREACHABLE, cli.EXIT_LOCKED) == (0, 1, 2, 3, 4)


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md", "docs/RULEBOOK.md"])
def test_relative_links_lead_to_files(doc):
    path = ROOT / doc
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))
    local = [l for l in links if not re.match(r"[a-z]+:", l)]
    assert local
    missing = [l for l in local if not (path.parent / l).exists()]
    assert not missing, missing


def test_readme_documents_what_a_new_user_needs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for link in ("(rules/README.md)", "(docs/CONTRACT.md)", "(docs/RULEBOOK.md)"):
        assert link in text, link
    assert "../shared/CONTRACT.md" not in text.split("## Layout")[0]      # a clone has no ../shared
    assert re.search(r"^zwgk crawl ", text, re.M) and "python -m zwgk.sample_portals" in text
    assert "zwgk report" in text and "--docx" in text and "zwgk --version" in text
    # every subcommand the CLI has is named in the README
    for command in _subcommands():
        assert f"zwgk {command}" in text, command
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "docs/RULEBOOK.md" in contributing and "docs/rulebook-template.yaml" in contributing


def test_the_rulebook_template_loads_and_runs(tmp_path):
    book = load_rulebook(str(ROOT / "docs" / "rulebook-template.yaml"))
    assert book.id == "example-2024" and len(book.rules) == 3
    assert any(r.veto for r in book.rules) and any(r.item is None for r in book.rules)
    assert any(item.get("not_checkable") for item in book.items.values())
    guide = (ROOT / "docs" / "RULEBOOK.md").read_text(encoding="utf-8")
    # the guide's table of checks names only checks there are (rules/README.md lists them all)
    named = set(re.findall(r"`([a-z_]+)`", guide.split("The checks and what they decide")[1].split("Writing params")[0]))
    assert len(named) >= 10 and named <= set(CHECKS), named - set(CHECKS)
    # its optional keys, each with the value it shows, load
    optional = guide.split("Optional keys:")[1].split("The checks and")[0]
    keys = re.findall(r"^\| `(\w+)", optional, re.M)
    assert keys == ["veto", "responsible", "note", "period", "due"]
    text = (ROOT / "docs" / "rulebook-template.yaml").read_text(encoding="utf-8").replace(
        "    check: column_present\n", "    check: column_present\n    veto: true\n    responsible: 市司法局\n"
        "    note: 示例\n    period: {from: 2024-01-01, until: 2024-12-31}\n    due: 2024-12-31\n", 1)
    (tmp_path / "all-keys.yaml").write_text(text, encoding="utf-8")
    rule = load_rulebook(str(tmp_path / "all-keys.yaml")).rules[0]
    assert rule.veto and rule.responsible == "市司法局" and str(rule.due) == "2024-12-31"
    site = {"/": "<html><head><title>示例区人民政府</title></head><body><a href='/gfxwj/'>规范性文件</a></body></html>",
            "/gfxwj/": "<html><head><title>规范性文件</title></head><body><ul><li><a href='/gfxwj/1.html'>"
                       "关于印发某办法的通知</a> 2024-03-01</li></ul></body></html>",
            "/gfxwj/1.html": "<html><head><title>关于印发某办法的通知</title></head><body>发布日期：2024-03-01</body></html>"}
    with Routes(site) as srv:
        proc = subprocess.run([sys.executable, "-m", "zwgk", "check", srv.url, "--rulebook",
                               str(ROOT / "docs" / "rulebook-template.yaml"), "--no-browser", "--as-of",
                               "2024-03-10", "--json", "-", "--db", f"sqlite:///{tmp_path}/z.db"],
                              capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    card = json.loads(proc.stdout)
    assert card["rulebook"] == "example-2024"
    results = {r["rule"]: r["status"] for r in card["results"]}
    assert set(results) == {r.id for r in book.applicable("county")}
    assert results["column-normative-documents"] == "pass"
