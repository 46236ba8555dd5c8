"""Text of attachments (PDF, DOCX) so reports published only as files can be read — parsed in a
bounded worker process, so a hostile or broken file costs the crawl one worker, never the
reactor's time or the crawl process's memory.

Uses maintained libraries (pypdf, python-docx); a file they cannot read yields "" and the
reason, never an exception into the crawl. DOCX text keeps the document order, tables included
(one line per row, cells tab-separated), so a report's tables stay under their headings.

Limits per document (`Limits`, from the ATTACHMENT_* settings: `limits_from_settings`):
- CPU time: RLIMIT_CPU in the worker (SIGXCPU -> the parse is abandoned there);
- wall time: the supervisor kills the worker when it is over (set above the CPU limit: a nice'd
  worker on a busy machine gets less than a CPU-second per second);
- memory: RLIMIT_AS in the worker -> MemoryError -> abandoned, worker recycled;
- DOCX/ZIP: before anything is inflated, the central directory's declared sizes are checked
  (entries, total uncompressed bytes, word/document.xml's size, compression ratio). Python's
  zipfile never inflates more than an entry's declared size (it truncates and fails the CRC),
  so the declared sizes bound what python-docx can read (zip bombs);
- PDF: at most Limits.max_pages pages, Limits.max_chars characters.

A parse over a limit returns ("", the reason in Chinese); the checks then say `unknown` for what
the document should have shown. A killed worker is replaced on the next document.

APIs (all return (text, error); error is "" on success):
- ``await extract_text_bounded(body, ctype, url, limits, group=..., deadline=...)`` — for the
  spider under the asyncio reactor (never blocks the event loop); a parse still pending at the
  deadline (the unit's time budget) is abandoned;
- ``extract_text(...)`` — blocking, for scripts and tests (not in the reactor thread);
- ``default_pool().cancel(group)`` — abandon a unit's queued and running parses;
  ``shutdown_default_pool()`` at the end of a crawl (crawler/runner.py).

Workers are started with the 'forkserver' context, not 'fork': a fork of the crawl process would
copy its reactor, threads (a logging lock held at the fork deadlocks the child) and every open
socket and epoll fd. The fork server is a fresh single-threaded interpreter with pypdf and
python-docx preloaded; each worker is a fork of it (~20 ms). Not ProcessPoolExecutor: it cannot
stop one task (killing a worker breaks the whole executor and fails every pending future).
"""
from __future__ import annotations

import asyncio
import atexit
import collections
import concurrent.futures
import dataclasses
import io
import itertools
import logging
import math
import multiprocessing
import os
import signal
import struct
import threading
import time
import zipfile

try:
    import resource
except ImportError:  # pragma: no cover — not POSIX: no rlimits, the wall-time kill still holds
    resource = None

log = logging.getLogger("zwgk.attachments")

MAX_PDF_PAGES = 80
MAX_CHARS = 400_000
MB = 1024 * 1024

REASON_MEMORY = "附件解析内存超限（{mb} MB），已放弃"
REASON_CANCELLED = "抓取时间预算已用完，附件解析已取消"
REASON_SHUTDOWN = "附件解析服务已关闭，附件未解析"
REASON_CRASHED = "附件解析进程异常退出（{how}），已放弃"
REASON_TOO_LARGE = "附件过大（{size}，上限 {limit}），未解析"


def reason_timeout(seconds: float) -> str:
    return f"附件解析超时（{seconds:g} 秒），已放弃"


def reason_bomb(detail: str) -> str:
    return f"附件解压后过大（{detail}），已放弃（疑似压缩炸弹）"


def _size(n: float) -> str:
    if n >= 1024 * MB:
        return f"{n / (1024 * MB):.1f} GB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n / 1024:.0f} KB"


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one document may cost. Picklable: sent to the worker with each document."""
    timeout_s: float = 20.0          # wall time of the parse in the worker; then it is killed
    cpu_s: float | None = None       # CPU seconds (RLIMIT_CPU); None: the same as timeout_s
    memory_mb: int = 512             # RLIMIT_AS of the worker while it parses
    max_pages: int = MAX_PDF_PAGES
    max_chars: int = MAX_CHARS
    max_body_mb: float = 64          # the file itself (Scrapy's DOWNLOAD_MAXSIZE is 20 MB)
    max_inflated_mb: float = 256     # ZIP: all entries' declared uncompressed sizes together
    max_part_mb: float = 32          # ZIP: word/document.xml's declared uncompressed size
    #                                  (python-docx: ~11 MB RSS per MB of XML; 32 MB -> ~380 MB)
    max_ratio: float = 100.0         # ZIP: uncompressed/compressed, for entries over ratio_floor
    ratio_floor_mb: float = 2.0
    max_entries: int = 10_000        # ZIP: entries in the central directory


DEFAULT_LIMITS = Limits()


def limits_from_settings(settings) -> Limits:
    """The Limits of the ATTACHMENT_* settings (crawler/settings.py; ZWGK_ATTACHMENT_* from the
    environment)."""
    cpu = settings.getfloat("ATTACHMENT_CPU_SECONDS", 20)
    return Limits(timeout_s=max(cpu, settings.getfloat("ATTACHMENT_WALL_SECONDS", 2 * cpu)), cpu_s=cpu,
                  memory_mb=settings.getint("ATTACHMENT_MEMORY_MB", 512),
                  max_pages=settings.getint("ATTACHMENT_MAX_PAGES", MAX_PDF_PAGES),
                  max_inflated_mb=settings.getfloat("ATTACHMENT_MAX_INFLATED_MB", 256),
                  max_part_mb=settings.getfloat("ATTACHMENT_MAX_PART_MB", 32))


# -- the extraction itself (as crawler/attachments.py; runs in the worker) --------------------

def kind_of(body: bytes, content_type: str, url: str) -> str:
    ctype = (content_type or "").lower()
    path = url.lower().split("?", 1)[0]
    if body.startswith(b"%PDF") or "pdf" in ctype:
        return "pdf"
    if body.startswith(b"PK") and ("wordprocessingml" in ctype or path.endswith(".docx")):
        return "docx"
    if body.startswith(b"PK") and path.endswith(".docx"):
        return "docx"
    if body.startswith(b"PK\x03\x04") and b"word/" in body[:65536]:
        return "docx"            # a .docx served under another name or type (report.html)
    if path.endswith(".doc") or "msword" in ctype or body.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"             # the last: the OLE2 signature of a legacy .doc
    return ""


def _docx_lines(document):
    """Paragraphs and table rows in document order (a report's tables sit between its headings).

    A table row is its cells joined by tabs, each merged cell once (python-docx repeats a cell
    for every grid column it spans)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.replace("\n", " "))
                yield "\t".join(cells)


def _directory_size(body: bytes) -> tuple[int, int]:
    """(entries, central directory bytes) as the end records declare them, (0, 0) if there are
    none: read before zipfile parses a directory that could hold millions of entries."""
    end = body.rfind(b"PK\x05\x06", max(0, len(body) - 65557))
    if end < 0 or end + 22 > len(body):
        return 0, 0
    entries, size = struct.unpack_from("<HI", body, end + 10)
    locator = end - 20
    if (entries == 0xFFFF or size == 0xFFFFFFFF) and locator >= 0 and body[locator:locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", body, locator + 8)
        if body[record:record + 4] == b"PK\x06\x06" and record + 48 <= len(body):
            entries, size = struct.unpack_from("<QQ", body, record + 32)
    return entries, size


def check_zip(body: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """A reason if the ZIP's central directory promises more than the limits allow, else "".

    Reads only the central directory, and its size from the end records first: nothing is
    inflated, and a directory over the entry limit is not even parsed (milliseconds, so the
    crawl process itself can ask). A file zipfile cannot open at all gives "" here and is left
    to python-docx, which then fails with its own reason."""
    entries, size = _directory_size(body)
    if entries > limits.max_entries:
        return reason_bomb(f"{entries} 个压缩条目，上限 {limits.max_entries}")
    if size > limits.max_entries * 1024:
        return reason_bomb(f"压缩目录 {_size(size)}，上限 {_size(limits.max_entries * 1024)}")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return ""
    if len(infos) > limits.max_entries:
        return reason_bomb(f"{len(infos)} 个压缩条目，上限 {limits.max_entries}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_inflated_mb * MB:
        return reason_bomb(f"解压后共 {_size(total)}，上限 {_size(limits.max_inflated_mb * MB)}")
    for info in infos:
        if info.filename == "word/document.xml" and info.file_size > limits.max_part_mb * MB:
            return reason_bomb(f"word/document.xml 解压后 {_size(info.file_size)}，"
                               f"上限 {_size(limits.max_part_mb * MB)}")
        if (info.file_size > limits.ratio_floor_mb * MB
                and info.file_size > limits.max_ratio * max(1, info.compress_size)):
            ratio = info.file_size / max(1, info.compress_size)
            return reason_bomb(f"{info.filename} 压缩比 {ratio:.0f}:1，解压后 {_size(info.file_size)}")
    return ""


class _CpuExceeded(BaseException):
    """Raised by the SIGXCPU handler. A BaseException, so parsers' `except Exception` let it by."""


def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    # libxml2 reports a failed malloc as a parse error ("Memory allocation failed")
    return exc.__class__.__name__ in ("XMLSyntaxError", "ParserError") and "memory" in str(exc).lower()


def extract_inline(body: bytes, content_type: str = "", url: str = "",
                   limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """Today's extract_text with the size checks, run in the calling process (the worker).

    MemoryError and _CpuExceeded propagate: the worker turns them into reasons."""
    kind = kind_of(body, content_type, url)
    if kind in ("pdf", "docx") and len(body) > limits.max_body_mb * MB:
        return "", REASON_TOO_LARGE.format(size=_size(len(body)), limit=_size(limits.max_body_mb * MB))
    try:
        if kind == "pdf":
            from pypdf import PdfReader
            reader = PdfReader(io.BytesIO(body))
            parts = []
            for page in reader.pages[:limits.max_pages]:
                parts.append(page.extract_text() or "")
                if sum(map(len, parts)) > limits.max_chars:
                    break
            text = "\n".join(parts)[:limits.max_chars]
            return text, "" if text.strip() else "PDF 无可提取文字（可能为扫描件）"
        if kind == "docx":
            too_big = check_zip(body, limits)
            if too_big:
                return "", too_big
            import docx
            document = docx.Document(io.BytesIO(body))
            return "\n".join(_docx_lines(document))[:limits.max_chars], ""
        if kind == "doc":
            return "", "旧版 Word (.doc) 文件，未提取文字"
    except _CpuExceeded:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return "", f"附件无法解析：{exc.__class__.__name__}"
    except Exception as exc:  # noqa: BLE001 — third-party parsers raise anything on bad files
        if _is_memory_error(exc):
            raise MemoryError(str(exc)) from exc
        return "", f"附件无法解析：{exc.__class__.__name__}: {exc}"[:200]
    return "", ""


# -- the worker process ----------------------------------------------------------------------

_in_job = False


def _on_sigxcpu(signum, frame):
    if _in_job:
        raise _CpuExceeded()


def _worker_setup(nice: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the crawl's Ctrl-C is the parent's to handle
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    if nice:
        try:
            os.nice(nice)                               # the reactor's process comes first
        except OSError:
            pass
    try:                                                # die with the forkserver (so with the crawl)
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 — not Linux: idle workers still exit on the pipe's EOF
        pass
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-file warnings, per object


def _vm_peak_kb() -> int:
    """VmPeak of this process (Linux), 0 if unknown: how close it came to RLIMIT_AS."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_used() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _run_job(body, ctype, url, limits: Limits) -> tuple[str, str, bool]:
    """(text, error, recycle): recycle when the worker should not take another document."""
    global _in_job
    cpu_s = limits.timeout_s if limits.cpu_s is None else limits.cpu_s
    if resource is not None:
        _, as_hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (int(limits.memory_mb * MB), as_hard))
        _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = math.ceil(_cpu_used() + cpu_s)
        if cpu_hard != resource.RLIM_INFINITY:
            soft = min(soft, cpu_hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_hard))
    _in_job = True
    limit_kb = limits.memory_mb * 1024
    try:
        text, error = extract_inline(body, ctype, url, limits)
        peak = _vm_peak_kb()
        if error.startswith("附件无法解析") and peak >= 0.9 * limit_kb:
            # libxml2 and pypdf do not always say a failed allocation was one ("unknown error")
            return "", REASON_MEMORY.format(mb=limits.memory_mb), True
        # a worker that came near the limit starts the next document afresh (VmPeak stays)
        return text, error, peak >= 0.75 * limit_kb
    except _CpuExceeded:
        return "", reason_timeout(cpu_s), True
    except MemoryError:
        return "", REASON_MEMORY.format(mb=limits.memory_mb), True
    except BaseException as exc:  # noqa: BLE001 — the worker answers, whatever happened
        return "", f"附件无法解析：{exc.__class__.__name__}: {exc}"[:200], True
    finally:
        _in_job = False
        if resource is not None:
            _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_hard, cpu_hard))


def _worker_main(conn, nice: int = 10) -> None:
    _worker_setup(nice)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return                                      # the pool is gone
        if msg is None:
            return
        job_id, body, ctype, url, limits = msg
        wall = time.monotonic()
        cpu = _cpu_used()
        text, error, recycle = _run_job(body, ctype, url, limits)
        del body
        stats = {"wall_s": time.monotonic() - wall, "cpu_s": _cpu_used() - cpu,
                 "worker_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                 "worker_pid": os.getpid(), "recycled": recycle}
        try:
            conn.send((job_id, text, error, stats))
        except (OSError, ValueError, MemoryError):
            return
        if recycle:
            return                                      # a fresh worker for the next document


# -- the pool (in the crawl process) ---------------------------------------------------------

def _peak_rss_kb(pid: int) -> int:
    """VmHWM of a live process (Linux), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _resolve(future: concurrent.futures.Future, value) -> None:
    try:
        if not future.done():
            future.set_result(value)
    except concurrent.futures.InvalidStateError:
        pass                                            # cancelled meanwhile by its caller


class _Job:
    __slots__ = ("id", "body", "ctype", "url", "limits", "group", "future", "abandon_reason",
                 "started")

    def __init__(self, job_id, body, ctype, url, limits, group):
        self.id, self.body, self.ctype, self.url = job_id, body, ctype, url
        self.limits, self.group = limits, group
        self.future: concurrent.futures.Future = concurrent.futures.Future()
        self.future.stats = {}
        self.abandon_reason = ""
        self.started = 0.0


class _Slot:
    def __init__(self, index: int):
        self.index = index
        self.proc = None
        self.conn = None
        self.job: _Job | None = None
        self.thread: threading.Thread | None = None


class AttachmentPool:
    """1–2 worker processes, one document at a time each, each watched by a supervisor thread.

    Not concurrent.futures.ProcessPoolExecutor: it cannot stop one task (a killed worker breaks
    the whole executor and fails every other pending future with BrokenProcessPool), and a
    timed-out future leaves its worker spinning. Here a slot's worker is killed and replaced
    alone; the other slot's document goes on."""

    def __init__(self, workers: int = 2, limits: Limits = DEFAULT_LIMITS,
                 context: str = "forkserver", nice: int = 10, max_per_group: int = 0,
                 strikes: int = 0, strike_cpu_s: float = 5.0):
        if context not in multiprocessing.get_all_start_methods():
            context = "spawn"
        self._ctx = multiprocessing.get_context(context)
        if context == "forkserver":
            # The fork server imports these once; every worker is a fork of it (~10 ms) instead
            # of a fresh interpreter importing pypdf, python-docx and lxml (~0.5 s).
            self._ctx.set_forkserver_preload([__name__, "pypdf", "docx"])
        self.context = context
        self.limits = limits
        self.nice = nice
        self.max_per_group = max_per_group              # 0: a group may use every worker
        # Within a group documents go first come, first served: once `strikes` of a group's
        # documents ran out of time, its later ones get `strike_cpu_s`, so a unit's pile of
        # hostile files does not spend its whole budget before its ordinary ones are read.
        self.strikes = strikes
        self.strike_cpu_s = strike_cpu_s
        self._timeouts: collections.Counter = collections.Counter()
        self.pid = os.getpid()
        self._cond = threading.Condition()
        self._queue: collections.deque[_Job] = collections.deque()
        self._slots = [_Slot(i) for i in range(max(1, workers))]
        self._ids = itertools.count(1)
        self._closed = False
        self.stats = collections.Counter()
        self.stats["peak_worker_rss_kb"] = 0

    # public ----------------------------------------------------------------------------------
    def submit(self, body: bytes, content_type: str = "", url: str = "",
               limits: Limits | None = None, group: str = "") -> concurrent.futures.Future:
        """A Future of (text, error). It always gets a result (never an exception)."""
        job = _Job(next(self._ids), bytes(body), content_type or "", url or "",
                   limits or self.limits, group)
        with self._cond:
            if self._closed:
                _resolve(job.future, ("", REASON_SHUTDOWN))
                return job.future
            self._queue.append(job)
            self._start_threads()
            self._cond.notify()
        return job.future

    def warm_up(self) -> None:
        """Start the supervisor threads, which start their workers now (not on the first file)."""
        with self._cond:
            self._start_threads()

    def cancel(self, group: str | None = None, running: bool = True,
               reason: str = REASON_CANCELLED) -> int:
        """Abandon the queued (and, if running, the running) parses of a group (None: all).
        Each gets ("", reason) at once; a running one's worker is killed. Returns how many."""
        n = 0
        with self._cond:
            keep = collections.deque()
            for job in self._queue:
                if group is None or job.group == group:
                    _resolve(job.future, ("", reason))
                    n += 1
                else:
                    keep.append(job)
            self._queue = keep
            if running:
                for slot in self._slots:
                    job = slot.job
                    if (job is not None and not job.abandon_reason
                            and (group is None or job.group == group)):
                        self._abandon_running(slot, job, reason)
                        n += 1
        self.stats["cancelled"] += n
        return n

    def abandon(self, future: concurrent.futures.Future, reason: str = REASON_CANCELLED) -> bool:
        """Abandon one parse (its caller stopped waiting): dequeue it or kill its worker."""
        with self._cond:
            for job in self._queue:
                if job.future is future:
                    self._queue.remove(job)
                    _resolve(job.future, ("", reason))
                    self.stats["cancelled"] += 1
                    return True
            for slot in self._slots:
                if (slot.job is not None and slot.job.future is future
                        and not slot.job.abandon_reason):
                    self._abandon_running(slot, slot.job, reason)
                    self.stats["cancelled"] += 1
                    return True
        return False

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + sum(1 for s in self._slots if s.job is not None)

    def shutdown(self, wait: bool = True, timeout: float = 5.0) -> None:
        """Abandon everything pending, stop the workers and their threads. Idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        self.cancel(None, running=True, reason=REASON_SHUTDOWN)
        if wait:
            end = time.monotonic() + timeout
            for slot in self._slots:
                if slot.thread is not None:
                    slot.thread.join(max(0.0, end - time.monotonic()))
        for slot in self._slots:                        # threads that did not end in time
            self._stop_worker(slot, kill=True)

    # supervisor ------------------------------------------------------------------------------
    def _start_threads(self) -> None:
        for slot in self._slots:
            if slot.thread is None or not slot.thread.is_alive():
                slot.thread = threading.Thread(target=self._supervise, args=(slot,), daemon=True,
                                               name=f"zwgk-attachments-{slot.index}")
                slot.thread.start()

    def _abandon_running(self, slot: _Slot, job: _Job, reason: str) -> None:
        """Under self._cond. The supervisor sees the worker die and answers with the reason."""
        if not job.abandon_reason:
            job.abandon_reason = reason
            self._kill(slot)

    def _kill(self, slot: _Slot) -> None:
        proc = slot.proc
        if proc is not None and proc.is_alive():
            rss = _peak_rss_kb(proc.pid)
            self.stats["peak_worker_rss_kb"] = max(self.stats["peak_worker_rss_kb"], rss)
            try:
                proc.kill()
            except OSError:
                pass
            self.stats["killed"] += 1

    def _start_worker(self, slot: _Slot) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_worker_main, args=(child, self.nice), daemon=True,
                                 name=f"zwgk-attachment-worker-{slot.index}")
        proc.start()
        child.close()
        slot.proc, slot.conn = proc, parent
        self.stats["started"] += 1

    def _stop_worker(self, slot: _Slot, kill: bool = False) -> None:
        proc, conn = slot.proc, slot.conn
        slot.proc = slot.conn = None
        if conn is not None:
            try:
                if not kill and proc is not None and proc.is_alive():
                    conn.send(None)
            except (OSError, ValueError):
                pass
        if proc is not None:
            if kill and proc.is_alive():
                proc.kill()
            proc.join(2.0)
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)
        if conn is not None:
            conn.close()

    def _next_job(self, slot: _Slot) -> _Job | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                while True:
                    job = self._pick()
                    if job is None:
                        break
                    if job.future.set_running_or_notify_cancel():
                        if self.strikes and self._timeouts[job.group] >= self.strikes:
                            job.limits = self._struck(job.limits)
                        job.started = time.monotonic()
                        slot.job = job
                        return job
                self._cond.wait()

    def _struck(self, limits: Limits) -> Limits:
        cpu = limits.timeout_s if limits.cpu_s is None else limits.cpu_s
        if cpu <= self.strike_cpu_s:
            return limits
        return dataclasses.replace(limits, cpu_s=self.strike_cpu_s,
                                   timeout_s=min(limits.timeout_s, 2 * self.strike_cpu_s))

    def _pick(self) -> _Job | None:
        """Under self._cond. The oldest document of a group (unit) with the fewest running,
        among the groups under max_per_group; None if there is none to take now. With
        max_per_group=1 and 2 workers, one unit's pile of slow files holds one worker at most
        while the other units' attachments go through the other."""
        running = collections.Counter(s.job.group for s in self._slots if s.job is not None)
        best = None
        for job in self._queue:
            n = running[job.group]
            if self.max_per_group and n >= self.max_per_group:
                continue
            if best is None or n < running[best.group]:
                best = job
                if n == 0:
                    break
        if best is not None:
            self._queue.remove(best)
        return best

    def _supervise(self, slot: _Slot) -> None:
        try:
            while True:
                if slot.proc is None or not slot.proc.is_alive():
                    if slot.proc is not None:
                        self._stop_worker(slot)
                    with self._cond:
                        if self._closed:
                            return
                    try:
                        self._start_worker(slot)
                    except Exception as exc:  # noqa: BLE001 — no worker: documents get a reason
                        log.warning("attachment worker not started: %s", exc)
                        slot.proc = slot.conn = None
                        job = self._next_job(slot)
                        if job is None:
                            return
                        self._finish(slot, job, ("", REASON_CRASHED.format(how=f"未能启动：{exc}")[:200]))
                        time.sleep(1.0)
                        continue
                job = self._next_job(slot)
                if job is None:
                    return
                try:
                    result = self._run(slot, job)
                except Exception as exc:  # noqa: BLE001 — the job gets an answer, the slot goes on
                    log.warning("attachment parse failed in the pool: %r", exc)
                    self._stop_worker(slot, kill=True)
                    result = "", job.abandon_reason or REASON_CRASHED.format(
                        how=f"{exc.__class__.__name__}: {exc}")[:200]
                self._finish(slot, job, result)
        finally:
            self._stop_worker(slot, kill=self._closed)

    def _run(self, slot: _Slot, job: _Job) -> tuple[str, str]:
        limits = job.limits
        for attempt in (1, 2):                          # a worker that died idle: start another
            try:
                slot.conn.send((job.id, job.body, job.ctype, job.url, limits))
                break
            except (OSError, ValueError, AttributeError) as exc:
                self._stop_worker(slot, kill=True)
                if attempt == 2 or job.abandon_reason:
                    return "", job.abandon_reason or REASON_CRASHED.format(
                        how=f"发送失败：{exc.__class__.__name__}")
                self._start_worker(slot)
        job.body = b""                                  # the worker has it; let go of our copy
        deadline = job.started + limits.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                with self._cond:
                    if not job.abandon_reason:
                        job.abandon_reason = reason_timeout(limits.timeout_s)
                        self.stats["timeouts"] += 1
                    self._kill(slot)
                self._stop_worker(slot, kill=True)
                return "", job.abandon_reason
            try:
                ready = slot.conn.poll(remaining)
            except (OSError, EOFError):
                ready = True
            if not ready:
                continue
            try:
                job_id, text, error, stats = slot.conn.recv()
            except (EOFError, OSError):
                proc = slot.proc
                if proc is not None:
                    proc.join(2.0)
                code = proc.exitcode if proc is not None else None
                self._stop_worker(slot, kill=True)
                if job.abandon_reason:
                    return "", job.abandon_reason
                self.stats["crashed"] += 1
                return "", self._death_reason(code, limits)
            if job_id != job.id:                        # cannot happen: one document at a time
                continue
            job.future.stats = stats
            self.stats["peak_worker_rss_kb"] = max(self.stats["peak_worker_rss_kb"],
                                                   stats.get("worker_maxrss_kb", 0))
            if stats.get("recycled"):                   # it exits after this answer
                self.stats["recycled"] += 1
                self._stop_worker(slot)
            if error.startswith("附件解析内存超限"):
                self.stats["memory"] += 1
            elif error.startswith("附件解析超时"):
                self.stats["timeouts"] += 1
            elif error.startswith("附件解压后过大"):
                self.stats["bombs"] += 1
            return text, error

    @staticmethod
    def _death_reason(code, limits: Limits) -> str:
        if code is not None and code < 0:
            sig = -code
            if sig == signal.SIGXCPU:
                return reason_timeout(limits.cpu_s if limits.cpu_s is not None else limits.timeout_s)
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            if sig == signal.SIGKILL:                   # not ours: the kernel's OOM killer, most likely
                return REASON_MEMORY.format(mb=limits.memory_mb)
            return REASON_CRASHED.format(how=f"信号 {name}")
        return REASON_CRASHED.format(how=f"退出码 {code}")

    def _finish(self, slot: _Slot, job: _Job, result: tuple[str, str]) -> None:
        with self._cond:
            slot.job = None
            if result[1].startswith("附件解析超时"):
                self._timeouts[job.group] += 1
            self._cond.notify_all()                     # a group under max_per_group again
        job.body = b""
        job.future.stats = dict(job.future.stats or {}, total_s=time.monotonic() - job.started)
        self.stats["done"] += 1
        _resolve(job.future, result)


# -- the process's pool and the three APIs -----------------------------------------------------

_default: AttachmentPool | None = None
_default_lock = threading.Lock()


def default_pool(workers: int = 2, limits: Limits = DEFAULT_LIMITS, **kwargs) -> AttachmentPool:
    """The pool of this process (made on first use; a forked child makes its own)."""
    global _default
    with _default_lock:
        if _default is None or _default.pid != os.getpid() or _default._closed:
            _default = AttachmentPool(workers=workers, limits=limits, **kwargs)
        return _default


def shutdown_default_pool(wait: bool = True) -> None:
    global _default
    with _default_lock:
        pool, _default = _default, None
    if pool is not None and pool.pid == os.getpid():
        pool.shutdown(wait=wait)


atexit.register(shutdown_default_pool, False)


def _quick(body: bytes, content_type: str, url: str, limits: Limits) -> tuple[str, str] | None:
    """The answers that need no parser: not an attachment, a legacy .doc, and a zip bomb (its
    central directory is enough, so a bomb never waits in the queue behind slow files)."""
    kind = kind_of(body, content_type, url)
    if kind == "":
        return "", ""
    if kind == "doc":
        return "", "旧版 Word (.doc) 文件，未提取文字"
    if kind == "docx":
        too_big = check_zip(body, limits)
        if too_big:
            return "", too_big
    return None


async def extract_text_bounded(body: bytes, content_type: str = "", url: str = "",
                               limits: Limits | None = None, *, group: str = "",
                               deadline: float | None = None,
                               pool: AttachmentPool | None = None) -> tuple[str, str]:
    """(text, error) without blocking the event loop (asyncio, or Scrapy's asyncio reactor).

    deadline: a time.monotonic() instant (the unit's time budget); a parse still queued or
    running then is abandoned with REASON_CANCELLED. If the awaiting task is cancelled, its
    parse is abandoned too (the worker is killed if it had started)."""
    pool = pool or default_pool()
    quick = _quick(body, content_type, url, limits or pool.limits)
    if quick is not None:
        return quick
    future = pool.submit(body, content_type, url, limits, group)
    waiter = asyncio.wrap_future(future)
    try:
        if deadline is None:
            return await waiter
        return await asyncio.wait_for(waiter, max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        pool.abandon(future, REASON_CANCELLED)
        return "", REASON_CANCELLED
    except asyncio.CancelledError:
        pool.abandon(future, REASON_CANCELLED)
        raise


def extract_text(body: bytes, content_type: str = "", url: str = "",
                 limits: Limits | None = None, *, group: str = "",
                 pool: AttachmentPool | None = None) -> tuple[str, str]:
    """Blocking (text, error), parsed in the worker. Not for the reactor thread."""
    pool = pool or default_pool()
    quick = _quick(body, content_type, url, limits or pool.limits)
    if quick is not None:
        return quick
    future = pool.submit(body, content_type, url, limits, group)
    try:
        return future.result()
    except concurrent.futures.CancelledError:
        return "", REASON_CANCELLED

