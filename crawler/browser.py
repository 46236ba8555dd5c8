"""The browser pass: after the crawl, Chromium (Playwright) visits a sample of each unit's pages and
renders the pages whose content only appears after JavaScript runs.

- One browser per audit, a fresh context per page, at most `concurrency` pages at once, each
  page within `page_timeout_s` (the pass runs in its own thread with its own asyncio loop, so it
  never meets Scrapy's reactor).
- The browser is found as CONTRACT.md says: env ZWGK_CHROMIUM, then Playwright's own bundled
  Chromium, then /usr/bin/chromium. When none starts, every browser rule says `unknown` with the
  reason.
- Which pages to visit and what to measure on them come in as jobs (UnitJob: the application plans
  them from the checks' declarations, zwgk.checks.needs and zwgk.checks.browser_sample). The pass
  returns what it saw (zwgk.page.browser_evidence) and the rendered snapshots
  (`rendered_snapshots`: rendered HTML in place of the static copy, links and metadata
  re-extracted); it builds no Site. Links that appear only after rendering are counted but not
  crawled further.
- Chromium never reaches an internal address (loopback, private, link-local …) other than the
  unit's own start host and port: each unit's contexts go through a guarding proxy on loopback
  (crawler/browser_netguard.py), which checks every request, redirect hop and resolved address;
  what it refused is noted in the unit's evidence. UnitJob.allow_internal switches it off.
- Screenshots go under `<out>/screenshots/run-<id>/<unit>/` (a temporary directory without --out).

Settings come from the environment: ZWGK_BROWSER_SAMPLE (pages per unit, default 8),
ZWGK_BROWSER_CONCURRENCY (3), ZWGK_BROWSER_PAGE_TIMEOUT (seconds per page, 60),
ZWGK_BROWSER_MAX_RENDER (pages rendered per unit, 40).
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

from zwgk.crawler import browser_js as js
from zwgk.crawler.browser_netguard import PROXY_HEADER, GuardProxy
from zwgk.page.browser_evidence import (
    AxeViolation,
    BrowserEvidence,
    ClickResult,
    Entry,
    FontToggle,
    Overlay,
    PageEvidence,
    ProbeConfig,
    RenderResult,
    ScriptLoad,
    ZoomResult,
)
from zwgk.page.dom import parse_document, visible_text
from zwgk.page.html import extract
from zwgk.page.netaddr import NetPolicy
from zwgk.page.scope import normalise_url

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
SYSTEM_CHROMIUM = "/usr/bin/chromium"
VIEWPORT = (1280, 800)


class BrowserStartError(RuntimeError):
    """The browser could not start; str() is the Chinese reason."""


@dataclass
class BrowserSettings:
    sample_size: int = 8           # pages per unit in the accessibility sample
    concurrency: int = 3           # pages open at once
    page_timeout_s: float = 60.0   # everything done on one page (load, axe, zoom, clicks)
    nav_timeout_ms: int = 20000    # page.goto
    idle_ms: int = 3000            # wait for network idle after load, at most
    click_wait_ms: int = 1500      # after clicking an entry
    max_render: int = 40           # pages rendered per unit
    screenshots: bool = True

    @classmethod
    def from_env(cls, env=None) -> "BrowserSettings":
        env = os.environ if env is None else env
        s = cls()

        def num(name, cast, current):
            raw = env.get(name)
            if not raw:
                return current
            try:
                value = cast(raw)
            except ValueError:
                return current
            return value if value > 0 else current
        s.sample_size = num("ZWGK_BROWSER_SAMPLE", int, s.sample_size)
        s.concurrency = num("ZWGK_BROWSER_CONCURRENCY", int, s.concurrency)
        s.page_timeout_s = num("ZWGK_BROWSER_PAGE_TIMEOUT", float, s.page_timeout_s)
        s.max_render = num("ZWGK_BROWSER_MAX_RENDER", int, s.max_render)
        return s


# -- finding the browser ------------------------------------------------------------------------
def _playwright_chromium() -> str | None:
    """Playwright's own bundled Chromium, if it was downloaded (`playwright install chromium`)."""
    result = {}

    def look():  # in a thread: the sync API must not meet a running event loop
        try:
            from playwright.sync_api import sync_playwright
            with sync_playwright() as p:
                result["path"] = p.chromium.executable_path
        except Exception:  # noqa: BLE001 — no driver, no browser: just not this candidate
            result["path"] = None
    t = threading.Thread(target=look, daemon=True)
    t.start()
    t.join(30)
    path = result.get("path")
    return path if path and os.access(path, os.X_OK) else None


def find_chromium(env=None) -> tuple[str | None, str]:
    """(executable, "") or (None, why not — Chinese)."""
    env = os.environ if env is None else env
    configured = env.get("ZWGK_CHROMIUM")
    if configured:
        path = shutil.which(configured) or configured
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path, ""
        return None, f"环境变量 ZWGK_CHROMIUM 指定的浏览器不存在或不可执行：{configured}"
    bundled = _playwright_chromium()
    if bundled:
        return bundled, ""
    if os.path.isfile(SYSTEM_CHROMIUM) and os.access(SYSTEM_CHROMIUM, os.X_OK):
        return SYSTEM_CHROMIUM, ""
    return None, ("未找到 Chromium 浏览器（可设置 ZWGK_CHROMIUM，或安装：Debian 上 apt-get install -y chromium，"
                  "其他系统 playwright install chromium）")


def axe_source() -> tuple[str, str]:
    """(axe.min.js text, "") from the axe-playwright-python package, or ("", why not)."""
    try:
        from importlib.resources import files
        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8"), ""
    except (ImportError, ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        return "", f"未安装 axe-core（pip install axe-playwright-python）：{exc.__class__.__name__}"


# -- the pool -------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    ascii_part = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40]
    return (ascii_part + "-" if ascii_part else "") + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _first_line(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else exc.__class__.__name__


def _same_page(a: str, b: str) -> bool:
    return urldefrag(a)[0].rstrip("/") == urldefrag(b)[0].rstrip("/")


class BrowserPool:
    """One Chromium for one audit. `run_pass(jobs)` starts it, runs every unit's pages (at most
    `concurrency` at once, each in a fresh context), and closes it."""

    def __init__(self, executable: str, settings: BrowserSettings | None = None, shots_dir: Path | None = None):
        self.executable = executable
        self.settings = settings or BrowserSettings()
        self.shots_dir = Path(shots_dir) if shots_dir else None
        self.version = ""
        self.closed = False
        self.stats = {"pages": 0, "errors": 0, "seconds": 0.0}
        self._on_page = None

    def __repr__(self) -> str:
        return f"BrowserPool({self.executable!r}, version={self.version!r})"

    # Runs the coroutine in a thread of its own: Scrapy's reactor (and any loop of the caller)
    # never sees Playwright's event loop.
    def _in_thread(self, coro_factory):
        box = {}

        def target():
            try:
                box["value"] = asyncio.run(coro_factory())
            except BaseException as exc:  # noqa: BLE001 — re-raised in the caller's thread
                box["error"] = exc
        t = threading.Thread(target=target, name="zwgk-browser", daemon=True)
        t.start()
        t.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    def run_pass(self, jobs: list["UnitJob"], on_page=None) -> None:
        """Visit every job's pages; fills job.evidence and job.rendered_html. BrowserStartError
        when Chromium cannot start. on_page() (optional) is called after each page, from the
        browser's thread (the caller's thread waits meanwhile)."""
        started = time.monotonic()
        self._on_page = on_page
        try:
            self._in_thread(lambda: self._run(jobs))
        finally:
            self.closed = True
            self.stats["seconds"] = round(time.monotonic() - started, 2)

    def fetch_rendered(self, urls: list[str]) -> dict[str, tuple[int | None, str]]:
        """url -> (status, rendered HTML): rendering only (used by the benchmark)."""
        job = UnitJob(unit={"name": "bench", "type": "county", "url": urls[0]}, config=ProbeConfig(),
                      visits=[(u, "rendered", "", False, True) for u in urls])
        self._in_thread(lambda: self._run([job]))
        return {u: (job.evidence.pages[u].status, job.rendered_html.get(u, "")) for u in urls}

    async def _run(self, jobs):
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright
        axe_js, axe_why = axe_source()
        async with async_playwright() as p:
            try:
                browser = await p.chromium.launch(executable_path=self.executable, args=CHROMIUM_FLAGS,
                                                  headless=True, timeout=60000)
            except PlaywrightError as exc:
                raise BrowserStartError(f"浏览器无法启动（{self.executable}）：{_first_line(exc)}") from None
            self.version = browser.version
            sem = asyncio.Semaphore(max(1, self.settings.concurrency))
            proxies = []
            try:
                tasks = []
                for job in jobs:
                    job.evidence.browser_version = browser.version
                    proxy = None if job.net_policy.allow_internal else await GuardProxy(job.net_policy).start()
                    if proxy is not None:
                        proxies.append((job, proxy))
                    visitor = _Visitor(browser, self.settings, job, axe_js, axe_why, self._unit_dir(job), proxy)
                    for visit in job.visits:
                        tasks.append(self._guarded(sem, visitor, *visit))
                await asyncio.gather(*tasks)
            finally:
                await browser.close()
                for job, proxy in proxies:
                    await proxy.close()
                    _note_blocked(job, proxy.blocked)

    def _unit_dir(self, job) -> Path | None:
        if not self.settings.screenshots:
            return None
        if self.shots_dir is None:
            self.shots_dir = Path(tempfile.mkdtemp(prefix="zwgk-screenshots-"))
        d = self.shots_dir / (f"run-{job.run_id}" if job.run_id is not None else "run") / _slug(job.unit["name"])
        d.mkdir(parents=True, exist_ok=True)
        return d

    async def _guarded(self, sem, visitor, url, role, label, audit, render):
        async with sem:
            t0 = time.monotonic()
            ev = PageEvidence(url=url, role=role, label=label)
            try:
                await asyncio.wait_for(visitor.visit(ev, audit, render), self.settings.page_timeout_s)
            except asyncio.TimeoutError:
                ev.error = ev.error or f"浏览器处理页面超时（{self.settings.page_timeout_s:g} 秒）"
            except Exception as exc:  # noqa: BLE001 — one page's trouble is that page's evidence
                ev.error = ev.error or f"浏览器出错：{exc.__class__.__name__}: {_first_line(exc)}"
            if isinstance(ev.scripts, dict):     # cut off while loading: keep what was seen
                ev.scripts = list(ev.scripts.values())
            ev.elapsed_ms = int((time.monotonic() - t0) * 1000)
            self.stats["pages"] += 1
            self.stats["errors"] += bool(ev.error)
            visitor.job.evidence.pages[url] = ev
            if self._on_page is not None:
                self._on_page()


@dataclass
class UnitJob:
    unit: dict
    config: ProbeConfig
    visits: list                                   # [(url, role, label, audit, render)]
    run_id: int | None = None
    evidence: BrowserEvidence = None               # filled in
    rendered_html: dict = dataclasses.field(default_factory=dict)
    render_reasons: dict = dataclasses.field(default_factory=dict)
    allow_internal: bool = False                   # an audit inside a closed network
    allowed_hosts: tuple = ()                      # "host" / "host:port" reachable although internal

    def __post_init__(self):
        if self.evidence is None:
            self.evidence = BrowserEvidence(unit=self.unit["name"])

    @property
    def net_policy(self) -> NetPolicy:
        """What Chromium may reach although it is internal: the unit's start URL and scope."""
        return NetPolicy.of(self.unit["url"], self.unit.get("scope") or "", *self.allowed_hosts,
                            allow_internal=self.allow_internal, label=self.unit["name"])


def _note_blocked(job: UnitJob, blocked: list):
    """The requests the proxy refused, in the unit's evidence (the first few, and how many)."""
    if not blocked:
        return
    first = "；".join(f"{url}（{why}）" for url, why in dict(blocked).items() if url)
    job.evidence.notes.append(f"浏览器访问内网地址的请求 {len(blocked)} 个已被阻止：{first[:600]}")


class _Visitor:
    """Everything done to one unit's pages."""

    def __init__(self, browser, settings: BrowserSettings, job: UnitJob, axe_js: str, axe_why: str,
                 shots: Path | None, proxy: GuardProxy | None = None):
        self.browser, self.settings, self.job = browser, settings, job
        self.proxy = proxy
        self.cfg = job.config
        self.axe_js, self.axe_why = axe_js, axe_why
        self.shots = shots

    def _shot_path(self, ev: PageEvidence, kind: str) -> Path | None:
        if self.shots is None:
            return None
        return self.shots / f"{_slug(ev.url)}-{kind}.png"

    async def _open(self, url: str, ev: PageEvidence | None = None):
        """A fresh context and page, loaded; (context, page, response)."""
        ctx = await self.browser.new_context(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]},
                                             locale="zh-CN", ignore_https_errors=True,
                                             accept_downloads=False,
                                             **({"proxy": {"server": self.proxy.url}} if self.proxy else {}))
        page = await ctx.new_page()
        page.set_default_timeout(self.settings.nav_timeout_ms)
        page.on("dialog", lambda d: asyncio.ensure_future(d.dismiss()))
        if ev is not None:
            scripts: dict[str, ScriptLoad] = {}

            def on_response(resp):
                if resp.request.resource_type == "script":
                    proxy = resp.headers.get(PROXY_HEADER.lower())
                    # the guard proxy's own 502/403: the request never reached the host
                    scripts[resp.url] = (ScriptLoad(resp.url, None, f"巡检网络无法连接该主机（{proxy}）") if proxy
                                         else ScriptLoad(resp.url, resp.status))

            def on_failed(req):
                if req.resource_type == "script" and req.url not in scripts:
                    scripts[req.url] = ScriptLoad(req.url, None, req.failure or "请求失败")
            page.on("response", on_response)
            page.on("requestfailed", on_failed)
            ev.scripts = scripts   # a dict while loading; turned into a list at the end
        try:
            resp = await page.goto(url, wait_until="load", timeout=self.settings.nav_timeout_ms)
        except Exception:
            await ctx.close()
            raise
        await self._settle(page)
        return ctx, page, resp

    async def _settle(self, page):
        try:
            await page.wait_for_load_state("networkidle", timeout=self.settings.idle_ms)
        except Exception:  # noqa: BLE001 — long-polling pages never go idle; load was enough
            pass

    async def visit(self, ev: PageEvidence, audit: bool, render: bool):
        try:
            ctx, page, resp = await self._open(ev.url, ev)
        except Exception as exc:  # noqa: BLE001
            ev.error = f"浏览器无法打开页面：{_first_line(exc)}"
            ev.scripts = list(ev.scripts.values()) if isinstance(ev.scripts, dict) else ev.scripts
            return
        try:
            ev.status = resp.status if resp is not None else None
            ev.final_url = page.url
            if render:
                self.job.rendered_html[ev.url] = await page.content()
                ev.rendered = True
            if audit and ev.ok:
                ev.audited = True
                await self._audit(page, ev)
        finally:
            ev.scripts = list(ev.scripts.values()) if isinstance(ev.scripts, dict) else ev.scripts
            await ctx.close()
        if audit and ev.ok and ev.role == "home":
            await self._click_entry(ev)
            await self._font_toggle(ev)

    # -- measurements on the loaded page ---------------------------------------------------------
    async def _probe(self, page):
        return await page.evaluate(js.PROBE, {"names": self.cfg.entry_names, "globals": list(self.cfg.globals),
                                              "selectors": list(self.cfg.selectors), "maxLen": 12})

    async def _audit(self, page, ev: PageEvidence):
        probe = await self._probe(page)
        ev.title = probe["title"]
        ev.entries = [Entry(e["text"], e["selector"], e["visible"], e["tag"]) for e in probe["entries"]]
        ev.toolbar_globals = probe["globals"]
        ev.toolbar_elements = probe["elements"]
        shot = self._shot_path(ev, "load")
        if shot:
            await page.screenshot(path=str(shot))
            ev.screenshot = str(shot)
        boxes = await page.evaluate(js.OVERLAYS, {"minArea": self.cfg.overlay_min_ratio, "gap": 700})
        ev.viewport = tuple(boxes["viewport"])
        ev.overlays = [Overlay(**b) for b in boxes["boxes"]]
        before = await page.evaluate(js.CLIPPING, {"limit": 200})
        if self.cfg.axe:
            await self._axe(page, ev)
        ev.zoom = await self._zoom(page, ev, probe["viewport"], {tuple(c) for c in before["clipped"]})

    async def _axe(self, page, ev: PageEvidence):
        if not self.axe_js:
            ev.axe_error = self.axe_why
            return
        try:
            await page.evaluate(self.axe_js)
            res = await page.evaluate(js.AXE_RUN, {"tags": list(self.cfg.axe_tags), "maxNodes": self.cfg.max_nodes})
        except Exception as exc:  # noqa: BLE001
            ev.axe_error = f"axe-core 运行出错：{_first_line(exc)}"
            return
        ev.axe_version = res["version"]
        ev.axe_rules_run = res["rulesRun"]
        ev.axe = [AxeViolation(id=v["id"], impact=v["impact"], help=v["help"], help_url=v["helpUrl"],
                               tags=v["tags"], nodes=[tuple(n) for n in v["nodes"]], node_count=v["nodeCount"])
                  for v in res["violations"]]

    async def _zoom(self, page, ev, viewport_meta: str, clipped_before: set) -> ZoomResult:
        z = ZoomResult(viewport_meta=viewport_meta, scaling_blocked=scaling_blocked(viewport_meta))
        try:
            # 200% zoom of a 1280×800 window lays the page out in 640×400 CSS pixels.
            await page.set_viewport_size({"width": VIEWPORT[0] // 2, "height": VIEWPORT[1] // 2})
            await page.wait_for_timeout(300)
            after = await page.evaluate(js.CLIPPING, {"limit": 200})
            z.width_px = after["width"]
            z.overflow_px = after["overflow"]
            z.clipped = [tuple(c) for c in after["clipped"] if tuple(c) not in clipped_before][:20]
            shot = self._shot_path(ev, "zoom200")
            if shot:
                await page.screenshot(path=str(shot))
                z.screenshot = str(shot)
        except Exception as exc:  # noqa: BLE001
            z.error = f"200% 缩放测量出错：{exc.__class__.__name__}"
        return z

    # -- interactions on the home page (each in a fresh context) --------------------------------
    def _pick(self, ev: PageEvidence, names) -> Entry | None:
        for e in ev.entries:
            if e.visible and any(n in e.text.replace(" ", "") for n in names) and not e.text.startswith(("退出", "关闭")):
                return e
        return None

    async def _click_entry(self, ev: PageEvidence):
        entry = self._pick(ev, self.cfg.toolbar_names) or self._pick(ev, self.cfg.large_font_names)
        if entry is None:
            return
        result = ClickResult(entry.text, entry.selector)
        ev.entry_click = result
        try:
            ctx, page, _ = await self._open(ev.url)
        except Exception as exc:  # noqa: BLE001
            result.error = f"重新打开首页失败：{exc.__class__.__name__}"
            return
        try:
            popups, requests = [], []
            ctx.on("page", lambda p: popups.append(p))
            await page.evaluate(js.WATCH_START)
            page.on("request", lambda r: requests.append(r.url))
            start = page.url
            await page.locator(entry.selector).first.click(timeout=5000)
            await page.wait_for_timeout(self.settings.click_wait_ms)
            result.requests = len(requests)
            if popups:
                result.popup = popups[0].url
            if not _same_page(page.url, start):
                result.navigated_to = page.url
            else:
                watch = await page.evaluate(js.WATCH_STOP)
                result.mutations, result.new_visible = watch["mutations"], watch["newVisible"]
        except Exception as exc:  # noqa: BLE001
            result.error = f"点击入口出错：{_first_line(exc, 160)}"
        finally:
            await ctx.close()

    async def _font_toggle(self, ev: PageEvidence):
        entry, via = self._pick(ev, self.cfg.large_font_names), "entry"
        if entry is None:
            entry, via = self._pick(ev, self.cfg.toolbar_names), "toolbar"
        if entry is None:
            return
        toggle = FontToggle(entry.text, entry.selector)
        ev.font_toggle = toggle
        try:
            ctx, page, _ = await self._open(ev.url)
        except Exception as exc:  # noqa: BLE001
            toggle.error = f"重新打开首页失败：{exc.__class__.__name__}"
            return
        try:
            toggle.before_px = await page.evaluate(js.FONT_SIZE)
            popups = []
            ctx.on("page", lambda p: popups.append(p))
            start = page.url
            await page.locator(entry.selector).first.click(timeout=5000)
            await page.wait_for_timeout(self.settings.click_wait_ms)
            target = page
            if popups:
                target = popups[0]
                await target.wait_for_load_state("load")
                toggle.navigated_to = target.url
            elif not _same_page(page.url, start):
                toggle.navigated_to = page.url
            if toggle.navigated_to:
                await self._settle(target)
            toggle.via = f"点击“{entry.text}”"
            if via == "toolbar" and not toggle.navigated_to:
                # The 无障碍 entry opened a toolbar: press its enlarge button.
                probe = await self._probe(target)
                zoom = next((e for e in probe["entries"] if e["visible"]
                             and any(n in e["text"].replace(" ", "") for n in self.cfg.zoom_in_names)), None)
                if zoom is None:
                    toggle.error = "打开无障碍工具条后未找到“放大”按钮"
                    return
                await target.locator(zoom["selector"]).first.click(timeout=5000)
                await target.wait_for_timeout(self.settings.click_wait_ms)
                toggle.via += f"，再点击工具条“{zoom['text']}”"
            toggle.after_px = await target.evaluate(js.FONT_SIZE)
            shot = self._shot_path(ev, "largefont")
            if shot:
                await target.screenshot(path=str(shot))
                toggle.screenshot = str(shot)
        except Exception as exc:  # noqa: BLE001
            toggle.error = f"切换长者模式出错：{_first_line(exc, 160)}"
        finally:
            await ctx.close()


def scaling_blocked(viewport_meta: str) -> str:
    """Why a viewport meta stops users zooming (Chinese), or ""."""
    content = (viewport_meta or "").lower().replace(" ", "")
    parts = dict(p.split("=", 1) for p in re.split(r"[,;]", content) if "=" in p)
    if parts.get("user-scalable") in ("no", "0"):
        return "viewport 设置了 user-scalable=no，禁止缩放"
    try:
        if "maximum-scale" in parts and float(parts["maximum-scale"]) < 2:
            return f"viewport 设置了 maximum-scale={parts['maximum-scale']}，无法放大到 200%"
    except ValueError:
        pass
    return ""


# -- rendered pages back into snapshots ----------------------------------------------------------
def rendered_snapshots(job: UnitJob, snapshots, scope) -> list:
    """The unit's snapshots with each rendered page's HTML, links and metadata in place of the
    static copy (static metadata kept where the rendered page has none); fills the job's
    evidence (what rendering changed, links seen only after rendering). Pages the browser could
    not render keep their static copy, and say why. `scope` tells in-scope links (URL in scope)."""
    evidence, rendered_html, reasons = job.evidence, job.rendered_html, job.render_reasons
    snaps, known = [], {normalise_url(u) for s in snapshots for u in (s.url, s.final_url)}
    unfollowed = set()
    for snap in snapshots:
        html = rendered_html.get(snap.final_url) if snap.ok else None
        if not html:
            snaps.append(snap)
            continue
        parsed = extract(html, snap.final_url)
        meta = {**snap.meta, **parsed["meta"]}
        new = dataclasses.replace(snap, html=html, title=parsed["title"] or snap.title, meta=meta,
                                  links=parsed["links"] or snap.links,
                                  scripts=tuple(dict.fromkeys((*snap.scripts, *parsed["scripts"]))),
                                  crumbs=parsed["crumbs"])      # read from the rendered page
        snaps.append(new)
        for link in parsed["links"]:
            key = normalise_url(link.url)
            if key not in known and link.url in scope:
                unfollowed.add(key)
        evidence.rendered[snap.final_url] = RenderResult(
            url=snap.final_url, reason=reasons.get(snap.final_url, ""), links_before=len(snap.links),
            links_after=len(parsed["links"]), text_before=len(visible_text(parse_document(snap.html))),
            text_after=len(visible_text(parse_document(html))))
    evidence.unfollowed_links = len(unfollowed)
    if unfollowed:
        evidence.notes.append(f"渲染后新出现 {len(unfollowed)} 个本站链接，未继续抓取")
    for url, reason in reasons.items():
        if url not in evidence.rendered:   # the browser could not render it: static copy kept
            ev = evidence.pages.get(url)
            evidence.rendered[url] = RenderResult(url, reason, error=ev.error if ev else "未渲染")
    return snaps
