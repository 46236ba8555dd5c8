"""Build Sites from HTML in tests, the way the spider would (same parser, same snapshot fields)."""
from __future__ import annotations

from pathlib import Path

from zwgk.checks.site import Site
from zwgk.page.html import extract
from zwgk.page.snapshot import PageSnapshot

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(url: str, html: str = "", status: int = 200, depth: int = 0, **extra) -> PageSnapshot:
    parsed = extract(html, url) if html else {"title": "", "meta": {}, "links": (), "scripts": ()}
    fields = dict(url=url, final_url=url, status=status, html=html, title=parsed["title"],
                  meta=parsed["meta"], links=parsed["links"], scripts=parsed["scripts"], depth=depth,
                  content_type="text/html; charset=utf-8" if html else "")
    fields.update(extra)
    return PageSnapshot(**fields)


def site(pages: dict, start: str | None = None, **kwargs) -> Site:
    """pages: url -> html (depth = position order: first is the home page at depth 0, the rest 1),
    or url -> (html, status, depth)."""
    snaps = []
    for i, (url, value) in enumerate(pages.items()):
        if isinstance(value, tuple):
            html, status, depth = value
            snaps.append(snapshot(url, html, status=status, depth=depth))
        else:
            snaps.append(snapshot(url, value, depth=0 if i == 0 else 1))
    return Site(start or next(iter(pages)), snaps, **kwargs)


def fixture(*parts) -> str:
    return (FIXTURES.joinpath(*parts)).read_text(encoding="utf-8")
