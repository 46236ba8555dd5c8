"""An --out that cannot take a byte (issue 16, item 8): a full disk, a file size limit, a folder
whose files cannot be deleted, an interrupt. The command exits 2 with one line (130 when
interrupted), and the write probe leaves nothing behind: it once left an empty
`.zwgk-write-test` in --out.

The full disk is real: a 64 KB tmpfs, filled (root only; skipped otherwise). The file size limit
(RLIMIT_FSIZE: writes fail with EFBIG) needs no root."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile

import pytest

from tests.hostile.run import one_line_error
from zwgk.cli import UsageError, main, out_dir

URL = "http://127.0.0.1:9/"          # never contacted: every command here stops before


def _entries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def zwgk(capsys):
    def run(*argv):
        code = main(list(argv))
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(argv, code, captured.out, captured.err)
    return run


@pytest.fixture
def full_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        with open(disk / "fill", "wb") as f:
            try:
                f.write(b"x" * (1 << 20))
                f.flush()
            except OSError:
                pass                     # the disk is full: that is the point
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text(f"units:\n  - name: 甲\n    type: county\n    url: {URL}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["check", "audit", "report"])
def test_full_disk_is_one_line_exit_2_and_leaves_nothing(tmp_path, full_disk, units, zwgk, command):
    argv = {"check": ["check", URL, "--no-browser"], "audit": ["audit", "--units", str(units), "--no-browser"],
            "report": ["report"]}[command]
    proc = zwgk(*argv, "--db", str(tmp_path / "z.db"), "--out", str(full_disk / "out"))
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "--out" in line and "No space left on device" in line, line
    assert _entries(full_disk) == ["fill"]                         # no probe, no out folder
    assert _entries(tmp_path) == ["disk", "units.yaml"]            # and no database


def test_out_dir_removes_the_folders_it_made_when_the_disk_is_full(full_disk):
    with pytest.raises(UsageError, match="No space left on device"):
        out_dir(str(full_disk / "a" / "b" / "out"))
    assert _entries(full_disk) == ["fill"]


def _fsize_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


@pytest.mark.parametrize("command", ["check", "audit"])
def test_file_size_limit_is_one_line_exit_2_and_leaves_nothing(tmp_path, units, command):
    """Under RLIMIT_FSIZE of one byte the probe's two bytes fail with EFBIG: refused before the
    database is opened, so nothing is written at all."""
    argv = ["check", URL] if command == "check" else ["audit", "--units", str(units)]
    proc = subprocess.run([sys.executable, "-m", "zwgk", *argv, "--no-browser", "--db", str(tmp_path / "z.db"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                          preexec_fn=_fsize_limit)
    assert proc.returncode == 2, proc.stderr[-2000:]
    line = one_line_error(proc)
    assert "--out" in line and "File too large" in line, line
    assert _entries(tmp_path) == ["units.yaml"]


def test_a_folder_where_files_cannot_be_deleted_keeps_no_probe(tmp_path, zwgk):
    """An append-only folder (chattr +a): files can be made but not unlinked. The old probe was
    left there with a wrong "not writable"; an unnamed probe has nothing to delete."""
    out = tmp_path / "out"
    out.mkdir()
    if subprocess.run(["chattr", "+a", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +a needs root and a file system that has it")
    try:
        proc = zwgk("report", "--db", str(tmp_path / "z.db"), "--out", str(out))
        assert _entries(out) == []
    finally:
        subprocess.run(["chattr", "-a", str(out)], check=True)
    assert proc.returncode == 2
    assert "没有已完成的巡检批次" in one_line_error(proc)          # got past --out: it is writable


def test_interrupt_during_the_probe_is_130_and_leaves_nothing(tmp_path, zwgk, monkeypatch):
    """A real SIGINT while the probe file is open."""
    real = tempfile.TemporaryFile
    hits = []

    def interrupted(*args, **kwargs):
        probe = real(*args, **kwargs)
        hits.append(probe)
        os.kill(os.getpid(), signal.SIGINT)
        return probe
    monkeypatch.setattr(tempfile, "TemporaryFile", interrupted)
    proc = zwgk("check", URL, "--no-browser", "--db", str(tmp_path / "z.db"), "--out", str(tmp_path / "out"))
    assert hits, "the probe was not made with tempfile.TemporaryFile: revisit this test"
    assert proc.returncode == 130 and one_line_error(proc) == "zwgk: 已中断"
    assert _entries(tmp_path) == []


def test_kill_during_the_probe_leaves_nothing(tmp_path):
    """SIGKILL (no cleanup code runs) right after the probe file is made: it has no name, so
    there is nothing to leave behind."""
    code = ("import os, signal, sys, tempfile\n"
            "real = tempfile.TemporaryFile\n"
            "def killed(*a, **k):\n"
            "    probe = real(*a, **k); probe.write(b'ok'); probe.flush()\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "tempfile.TemporaryFile = killed\n"
            "from zwgk.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", code, "report", "--db", str(tmp_path / "z.db"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert _entries(out) == [] and _entries(tmp_path) == ["out"]
