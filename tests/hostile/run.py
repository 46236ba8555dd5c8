"""Run the zwgk CLI against hostile servers with small, test-sized limits."""
from __future__ import annotations

import os
import subprocess
import sys

# Timeouts small so slow and dripping pages cost seconds, not minutes; retries as shipped
# (a 503 burst of two is survived by the third try).
HOSTILE_ENV = {"ZWGK_DOWNLOAD_TIMEOUT": "2", "ZWGK_DNS_TIMEOUT": "2", "ZWGK_AUTOTHROTTLE_MAX_DELAY": "1"}


def zwgk(*args: str, timeout: int = 240, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **HOSTILE_ENV, **(env or {}))
    return subprocess.run([sys.executable, "-m", "zwgk", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The stderr of a refused command: exactly one non-empty line, no traceback."""
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert len(lines) == 1, proc.stderr[-2000:]
    return lines[0]
