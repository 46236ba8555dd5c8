"""Bad input from the user: a one-line error naming the problem and the file, exit 2, and
nothing written half-way (no database created, no output directory, the files given untouched).

No crawl happens in any of these: every command must stop before the network, so the CLI runs
in-process (zwgk.cli.main) — no reactor is started."""
from __future__ import annotations

import sqlite3
import subprocess

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
