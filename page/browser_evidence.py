"""What the browser pass is asked to measure (ProbeConfig) and what it saw: plain data attached
to a Site as `site.browser`.

The browser checks declare what they need measured (zwgk.checks.needs builds a ProbeConfig from
their params); the browser pass (zwgk/crawler/browser.py) fills the evidence in after the crawl;
the checks only read it, so they stay pure. A check reads `evidence_of(site)`: None when the pass
did not run for this unit (then it says `unknown`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit
from typing import Optional


@dataclass
class ProbeConfig:
    """What the pass looks for on a unit's pages: from the params of the unit's browser rules."""
    audit: bool = False            # any accessibility rule applies to the unit
    toolbar_names: tuple = ()
    large_font_names: tuple = ()
    zoom_in_names: tuple = ()
    globals: tuple = ()
    selectors: tuple = ()
    axe: bool = False
    axe_tags: tuple = ()
    max_nodes: int = 5
    overlay_min_ratio: float = 0.01

    @property
    def entry_names(self) -> list:
        return list(dict.fromkeys((*self.toolbar_names, *self.large_font_names, *self.zoom_in_names)))


@dataclass
class ScriptLoad:
    """One script the page requested, and how the request ended."""
    url: str
    status: Optional[int] = None    # HTTP status; None when the request failed outright
    error: str = ""                 # e.g. net::ERR_CONNECTION_REFUSED

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400 and not self.error

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else (self.error or "请求失败")


@dataclass
class Entry:
    """An element whose own short text names an accessibility / elder-mode entry."""
    text: str
    selector: str
    visible: bool = True
    tag: str = ""


@dataclass
class ClickResult:
    """What happened when an entry was clicked: DOM changes, navigation, a new window."""
    text: str
    selector: str
    mutations: int = 0              # DOM mutations (nodes and attributes) within the wait
    new_visible: int = 0            # elements visible after the click that were not before
    navigated_to: str = ""
    popup: str = ""
    requests: int = 0               # requests started by the click
    error: str = ""

    @property
    def had_effect(self) -> bool:
        return bool(self.mutations or self.new_visible or self.navigated_to or self.popup or self.requests)


@dataclass
class FontToggle:
    """Font sizes before and after switching on a large-font / elder mode."""
    entry_text: str
    entry_selector: str
    before_px: float = 0.0          # median computed font size of text elements
    after_px: float = 0.0
    via: str = ""                   # how the mode was switched on ("长者模式" entry, toolbar "放大" …)
    navigated_to: str = ""
    screenshot: str = ""
    error: str = ""

    @property
    def ratio(self) -> float:
        return self.after_px / self.before_px if self.before_px else 0.0


@dataclass
class Overlay:
    """A fixed-position or moving box shown on load (pop-up, 飘窗, floating ad, bar)."""
    selector: str
    text: str
    left: float
    top: float
    width: float
    height: float
    coverage: float                 # fraction of the viewport it covers
    position: str = "fixed"
    moving: bool = False            # it moved between two looks (a 飘窗)
    closable: bool = False


@dataclass
class ZoomResult:
    """The page at 200% zoom (the layout viewport halved)."""
    viewport_meta: str = ""
    scaling_blocked: str = ""       # why the viewport meta stops pinch-zoom, "" if it does not
    width_px: int = 0               # layout viewport width at 200%
    overflow_px: int = 0            # how far the page is wider than that (horizontal scrolling)
    clipped: list = field(default_factory=list)   # [(selector, text)] newly clipped at 200%
    screenshot: str = ""
    error: str = ""


@dataclass
class AxeViolation:
    id: str
    impact: str                     # critical, serious, moderate, minor
    help: str
    help_url: str
    tags: list = field(default_factory=list)
    nodes: list = field(default_factory=list)   # [(css selector, html snippet, failure summary)]
    node_count: int = 0


@dataclass
class PageEvidence:
    url: str
    final_url: str = ""
    role: str = "page"              # home, column, article, rendered
    label: str = ""                 # link text / title it was chosen by
    status: Optional[int] = None
    error: str = ""                 # why the browser has no usable view of it
    title: str = ""
    audited: bool = False           # the accessibility measurements ran on it
    rendered: bool = False          # its rendered HTML replaced the static copy in the Site
    entries: list = field(default_factory=list)          # [Entry]
    scripts: list = field(default_factory=list)          # [ScriptLoad]
    toolbar_globals: list = field(default_factory=list)  # window globals of known toolbars present
    toolbar_elements: list = field(default_factory=list)  # selectors of toolbar elements present
    entry_click: Optional[ClickResult] = None
    axe: Optional[list] = None      # [AxeViolation]; None when axe did not run
    axe_error: str = ""
    axe_version: str = ""
    axe_rules_run: int = 0
    overlays: list = field(default_factory=list)         # [Overlay]
    viewport: tuple = (1280, 800)
    zoom: Optional[ZoomResult] = None
    font_toggle: Optional[FontToggle] = None
    screenshot: str = ""            # the page as loaded
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400 and not self.error

    def unloaded_scripts(self, keys=()) -> list:
        """Scripts of the page's own host, or whose address has one of `keys` (toolbar names),
        whose request failed outright (no HTTP answer: the audit's network, a dropped connection):
        behaviour they would add was not tested. A 404 is the site's own answer; an analytics
        script on another host that the audit cannot reach says nothing of the page."""
        own = urlsplit(self.final_url or self.url).hostname
        return [s for s in self.scripts if s.status is None
                and (urlsplit(s.url).hostname == own or any(k.lower() in s.url.lower() for k in keys))]


@dataclass
class RenderResult:
    url: str
    reason: str                     # why it was rendered (Chinese)
    links_before: int = 0
    links_after: int = 0
    text_before: int = 0
    text_after: int = 0
    error: str = ""


@dataclass
class BrowserEvidence:
    unit: str
    browser_version: str = ""
    sample: list = field(default_factory=list)            # URLs audited, home first
    pages: dict = field(default_factory=dict)             # url -> PageEvidence
    rendered: dict = field(default_factory=dict)          # url -> RenderResult
    unfollowed_links: int = 0       # in-scope links seen only after rendering (not crawled further)
    notes: list = field(default_factory=list)             # Chinese remarks (limits hit, errors)
    skipped: str = ""               # why the pass did nothing for this unit

    def page(self, url: str) -> Optional[PageEvidence]:
        return self.pages.get(url)

    @property
    def home(self) -> Optional[PageEvidence]:
        return self.pages.get(self.sample[0]) if self.sample else None

    def audited_pages(self) -> list:
        return [self.pages[u] for u in self.sample if u in self.pages]


def evidence_of(site) -> Optional[BrowserEvidence]:
    """The browser evidence attached to a Site, or None when the pass did not run for it."""
    return getattr(site, "browser", None)
