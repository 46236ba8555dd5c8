"""Bad input from the user: a one-line error naming the problem and the file, exit 2, and
nothing written half-way (no database created, no output directory, the files given untouched).

No crawl happens in any of these: every command must stop before the network, so the CLI runs
in-process (zwgk.cli.main) — no reactor is started."""
from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys

import pytest

from tests.hostile.run import one_line_error
from zwgk.cli import main


@pytest.fixture
def zwgk(capsys):
    def run(*argv, timeout=None):
        code = main(list(argv))
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(argv, code, captured.out, captured.err)
    return run

URL = "http://127.0.0.1:9/"          # never contacted: every command here must stop before


def _units(tmp_path, text: str):
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _nothing_written(tmp_path, *names):
    for name in names:
        assert not (tmp_path / name).exists(), f"{name} was written although the command was refused"


def test_malformed_units_yaml(tmp_path, zwgk):
    units = _units(tmp_path, "units:\n  - name: 甲\n    type: county\n    url: [http://x\n")
    proc = zwgk("audit", "--units", str(units), "--db", str(tmp_path / "z.db"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "units.yaml" in line and "YAML" in line
    _nothing_written(tmp_path, "z.db", "out")


def test_unknown_unit_type(tmp_path, zwgk):
    units = _units(tmp_path, "units:\n  - name: 甲\n    type: village\n    url: http://127.0.0.1:9/\n")
    proc = zwgk("audit", "--units", str(units), "--db", str(tmp_path / "z.db"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "units.yaml:2" in line and "village" in line
    _nothing_written(tmp_path, "z.db", "out")


def test_malformed_rulebook_yaml(tmp_path, zwgk):
    book = tmp_path / "book.yaml"
    book.write_text("id: x\nrules:\n  - id: a\n    check: column_present\n   bad: indent\n", encoding="utf-8")
    proc = zwgk("check", URL, "--rulebook", str(book), "--db", str(tmp_path / "z.db"),
                "--out", str(tmp_path / "out"), "--no-browser")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "book.yaml:5" in line
    _nothing_written(tmp_path, "z.db", "out")


@pytest.mark.parametrize("as_of", ["2022-13-45", "yesterday", "2022/09/01"])
def test_bad_as_of_for_check(tmp_path, as_of, zwgk):
    proc = zwgk("check", URL, "--as-of", as_of, "--db", str(tmp_path / "z.db"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert as_of in one_line_error(proc)
    _nothing_written(tmp_path, "z.db", "out")


def test_bad_as_of_for_audit_writes_no_database(tmp_path, zwgk):
    units = _units(tmp_path, "units:\n  - name: 甲\n    type: county\n    url: http://127.0.0.1:9/\n")
    proc = zwgk("audit", "--units", str(units), "--as-of", "yesterday", "--db", str(tmp_path / "z.db"),
                "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "yesterday" in one_line_error(proc)
    _nothing_written(tmp_path, "z.db", "out")


def test_unwritable_out(tmp_path, zwgk):
    (tmp_path / "a-file").write_text("x")
    proc = zwgk("check", URL, "--out", str(tmp_path / "a-file" / "out"), "--db", str(tmp_path / "z.db"),
                "--no-browser")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "--out" in line and "a-file" in line
    _nothing_written(tmp_path, "z.db")


def test_corrupt_database_is_refused_and_left_alone(tmp_path, zwgk):
    db = tmp_path / "z.db"
    garbage = bytes(range(256)) * 16
    db.write_bytes(garbage)
    proc = zwgk("check", URL, "--db", str(db), "--no-browser")
    assert proc.returncode == 2
    assert "z.db" in one_line_error(proc)
    assert db.read_bytes() == garbage


def test_corrupt_database_leaves_no_output_directory(tmp_path, zwgk):
    db = tmp_path / "z.db"
    db.write_bytes(b"not a database" * 100)
    proc = zwgk("check", URL, "--db", str(db), "--out", str(tmp_path / "out"), "--no-browser")
    assert proc.returncode == 2
    _nothing_written(tmp_path, "out")


def test_database_locked_by_another_writer(tmp_path, zwgk):
    from zwgk.storage.database import Store
    db = tmp_path / "z.db"
    Store(str(db))                                    # a zwgk database (WAL) ...
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")                    # ... that another writer holds
    try:
        proc = zwgk("check", URL, "--db", str(db), "--no-browser", timeout=60)
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "z.db" in line and "lock" in line.lower()


# --- bad input files (issue 16, item 6) ---

def _only(folder, *names):
    """folder holds exactly these entries: no database, no --out, no log or cache folder beside."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


LAUGHS = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n" for b, a in zip("abcdefgh", "bcdefghi"))
HOSTILE_YAML = {
    # 9^9 "lol"s from 90 lines: 4 GB and a hang before aliases were bounded
    "billion-laughs": ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + LAUGHS
                       + "units:\n  - {name: 甲, type: county, url: 'http://127.0.0.1:9/', hints: {x: *i}}\n",
                       "别名"),
    "recursive-alias": "units: &u\n  - name: 甲\n    type: county\n    url: http://127.0.0.1:9/\n    hints: {x: *u}\n",
    # libyaml's C composer overflowed the stack here: a segmentation fault, no message at all
    "deep-nesting": "units:\n  - name: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "impossible-date": "units:\n  - name: 甲\n    type: county\n    url: http://127.0.0.1:9/\n    since: 2022-13-45\n",
    "5000-digit-integer": "units:\n  - name: 甲\n    type: county\n    url: http://127.0.0.1:9/\n    max_pages: "
                          + "9" * 5000 + "\n",
    "not-utf8": None,
    "huge-file": "units: []\n" + "#" * (17 * 2**20) + "\n",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
@pytest.mark.parametrize("as_what", ["units", "rulebook"])
def test_hostile_yaml_is_refused_fast_with_one_line(tmp_path, case, as_what):
    """Run as a subprocess under a 1 GB address-space limit and a timeout: the old loader hung
    or died (MemoryError traceback, segfault) on these; now each is one line and exit 2."""
    text = HOSTILE_YAML[case]
    text = text[0] if isinstance(text, tuple) else text
    path = tmp_path / "input.yaml"
    if text is None:
        path.write_bytes("units:\n  - name: 甲\n".encode() + "    type: 区县\n".encode("gb18030"))
    else:
        path.write_text(text if as_what == "units" else text.replace("units:", "rules:", 1), encoding="utf-8")
    args = (["audit", "--units", str(path)] if as_what == "units" else
            ["check", URL, "--rulebook", str(path), "--no-browser"])

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
    proc = subprocess.run([sys.executable, "-m", "zwgk", *args, "--db", str(tmp_path / "z.db"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    line = one_line_error(proc)
    assert "input.yaml" in line
    if isinstance(HOSTILE_YAML[case], tuple):
        assert HOSTILE_YAML[case][1] in line
    _only(tmp_path, "input.yaml")


BAD_UNIT_KEYS = [
    ("time_budget", '"abc"'), ("time_budget", "0"), ("time_budget", "-5"), ("time_budget", "true"),
    ("max_pages", "-5"), ("max_pages", '"100"'), ("max_pages", "1.5"),
    ("render", "yes"), ("render", "true"), ("aliases", "甲局"), ("aliases", "[甲局, 3]"),
    ("peer_group", "2022"), ("peer_group", '"一组\\n二组"'), ("hints", "js"), ("hints", "{render: flash}"),
    ("scope", "www.xinhui.gov.cn"), ("report_column", "ftp://127.0.0.1/ndbg/"), ("confirmed", '"no"'),
    ("scrapy_settings", "{DOWNLOADER_MIDDLEWARES: {evil.Middleware: 1}}"), ("sope", "http://127.0.0.1:9/"),
]


@pytest.mark.parametrize("key, value", BAD_UNIT_KEYS)
def test_bad_optional_unit_key_is_one_line_exit_2_and_nothing_written(tmp_path, zwgk, key, value,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)                     # the defaults (zwgk.db, scorecards/) land here
    units = _units(tmp_path, f"units:\n  - name: 乙\n    type: county\n    url: {URL}\n"
                             f"  - name: 甲\n    type: county\n    url: {URL}\n    {key}: {value}\n")
    proc = zwgk("audit", "--units", str(units), "--no-browser")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "units.yaml:5" in line and "甲" in line and key in line, line
    _only(tmp_path, "units.yaml")


@pytest.mark.parametrize("name, url", [('"甲\\n乙"', URL), ("甲", "http://127.0.0.1:99999/"),
                                       ("甲", "http://[::1/")])
def test_bad_name_or_url_is_one_line(tmp_path, zwgk, name, url):
    units = _units(tmp_path, f"units:\n  - name: {name}\n    type: county\n    url: '{url}'\n")
    proc = zwgk("audit", "--units", str(units), "--db", str(tmp_path / "z.db"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "units.yaml:2" in one_line_error(proc)
    _only(tmp_path, "units.yaml")


def test_rulebook_veto_as_a_string_is_refused(tmp_path, zwgk):
    """veto: "no" was loaded as true (bool("no")): one failed rule would zero the unit's score."""
    book = tmp_path / "book.yaml"
    book.write_text("id: t\nsource: 测试\nrules:\n  - id: home-column\n    source: 测试\n    title: 专栏\n"
                    "    applies_to: [county]\n    check: column_present\n    params: {names: [营商环境]}\n"
                    '    veto: "no"\n', encoding="utf-8")
    proc = zwgk("check", URL, "--rulebook", str(book), "--db", str(tmp_path / "z.db"),
                "--out", str(tmp_path / "out"), "--no-browser")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "book.yaml:4" in line and "veto" in line and "'no'" in line
    _only(tmp_path, "book.yaml")


def test_negative_unit_time_budget_is_refused(tmp_path, zwgk):
    units = _units(tmp_path, f"units:\n  - name: 甲\n    type: county\n    url: {URL}\n")
    proc = zwgk("audit", "--units", str(units), "--unit-time-budget", "-5", "--db", str(tmp_path / "z.db"),
                "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "--unit-time-budget" in one_line_error(proc)
    _only(tmp_path, "units.yaml")
