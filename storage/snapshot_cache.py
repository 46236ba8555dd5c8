"""The previous audit's parsed pages, reused by the next audit of an unchanged site.

The HTTP cache (zwgk/crawler/httpcache.py) spares the transfer of an unchanged page (304), but the
page would still be decoded and parsed again. Every page of an audit is already stored, parsed,
in the results database (zwgk/storage/database.py: zlib JSON of PageSnapshot.to_dict); this module
reads them back, so a re-audit can

- reuse the stored snapshot of a page the server answered 304 for (same body: same parse), and
- reuse an article or attachment that a previous audit fetched less than ARTICLE_REVALIDATE_DAYS
  ago without asking the server at all. Published articles rarely change, and a portal allows a
  few requests a second; home, navigation, column and list pages — what changes — are always
  revalidated. A deleted or edited article is seen at the latest that many days later (and a
  robots.txt that newly forbids it, too). Set ARTICLE_REVALIDATE_DAYS=0 to ask for every page;
  `zwgk audit --no-cache` reuses nothing.

Only pages parsed by this very parser are reused: a fingerprint of the parsing code is kept in
the HTTP cache directory with the first audit run that parsed with it, and only that run and later
ones are read. After an upgrade of zwgk the first audit parses everything again.

The checks always run again, with the new audit date: judgments that depend on the date are
recomputed every time.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import and_, bindparam, select

from zwgk.page.scope import normalise_url, url_kind
from zwgk.page.snapshot import STORED_BLOB, UNFINISHED_PARSE
from zwgk.storage.database import pages, runs

log = logging.getLogger(__name__)

# Whatever turns a response into a snapshot: a change in any of these makes stored snapshots stale.
_PARSER_SOURCES = ("zwgk.page.html", "zwgk.page.dom", "zwgk.page.text", "zwgk.page.breadcrumb",
                   "zwgk.page.gkmlpt", "zwgk.page.snapshot",
                   "zwgk.page.scope", "zwgk.crawler.decoding", "zwgk.crawler.attachments",
                   "zwgk.crawler.spiders.portal", "zwgk.page.blockpage", "zwgk.crawler.backoff")
_PARSER_SETTINGS = ("MAX_LINKS_PER_PAGE", "GKMLPT_MAX_PAGES", "DOWNLOAD_MAXSIZE")
SIDECAR = "zwgk-parser.json"


def parser_fingerprint(settings) -> str:
    h = hashlib.sha256()
    for name in _PARSER_SOURCES:
        try:     # the source files, found without importing them
            h.update(Path(importlib.util.find_spec(name).origin).read_bytes())
        except (OSError, AttributeError, ImportError, TypeError):
            h.update(name.encode())
    for key in _PARSER_SETTINGS:
        h.update(f"{key}={settings.get(key)}".encode())
    return h.hexdigest()[:16]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _parse_time(value: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _sidecar(settings) -> dict:
    """database URL -> {"fingerprint", "first_run"}: one cache directory may serve several."""
    try:
        known = json.loads((Path(settings.get("HTTPCACHE_DIR")) / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return {}
    return known if isinstance(known, dict) else {}


def first_run_parsed_so(store, settings) -> int | None:
    """The first audit run of this database whose pages were parsed by this parser (None: not
    known yet)."""
    mine = _sidecar(settings).get(store.url)
    try:
        if mine.get("fingerprint") == parser_fingerprint(settings):
            return int(mine["first_run"])
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    return None


def remember_parser(store, settings, run_id: int):
    """At the end of an audit's crawl: record that run_id parsed with this parser, unless an
    earlier run already did. Written only where the HTTP cache already lives (nothing cached,
    nothing to reuse, and no file left behind)."""
    cache_dir = Path(settings.get("HTTPCACHE_DIR") or "")
    if not (settings.getbool("HTTPCACHE_ENABLED") and cache_dir.is_dir()):
        return
    if first_run_parsed_so(store, settings) is not None:
        return
    known = _sidecar(settings)
    known[store.url] = {"fingerprint": parser_fingerprint(settings), "first_run": run_id}
    try:
        (cache_dir / SIDECAR).write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        log.warning("cannot record the parser fingerprint in %s: %s", cache_dir, exc)


def previous_pages(store, settings):
    """What the spider asks for a re-audit's reuse: unit name -> SnapshotCache of that unit's
    pages in the last complete audit, or None. None instead of a function when nothing can be
    reused (no HTTP cache, reuse switched off, no audit parsed by this parser yet)."""
    if not (settings.getbool("HTTPCACHE_ENABLED") and settings.getbool("SNAPSHOT_REUSE", True)):
        return None
    first_run = first_run_parsed_so(store, settings)
    if first_run is None:
        return None
    days = settings.getfloat("ARTICLE_REVALIDATE_DAYS", 7)

    def for_unit(unit_name: str):
        if not unit_name:
            return None
        try:
            cache = SnapshotCache(store, unit_name, first_run, days)
        except Exception as exc:  # noqa: BLE001 — without the cache the audit just parses again
            log.warning("previous snapshots of %s not available: %s", unit_name, exc)
            return None
        return cache if cache.index else None
    return for_unit


class SnapshotCache:
    """One unit's pages of the last complete audit (parsed with this parser): an index of
    URL -> page row in memory, each snapshot read from the database only when reused."""

    def __init__(self, store, unit_name: str, first_run: int, revalidate_days: float):
        self.engine = store.engine
        self.revalidate = timedelta(days=revalidate_days)
        self.index: dict[str, tuple[int, str]] = {}     # normalised URL -> (page id, fetched_at)
        self.run_id = None
        self.reused = 0                                  # snapshots served from here
        self._by_ids = select(pages.c.id, pages.c.data).where(
            pages.c.id.in_(bindparam("ids", expanding=True)))
        self._ahead: dict[int, bytes] = {}    # blobs read ahead of their turn (prefetch_fresh)
        self._conn = None
        with self.engine.connect() as conn:
            candidates = conn.execute(
                select(runs.c.id).where(runs.c.complete.is_(True), runs.c.kind == "audit",
                                        runs.c.id >= first_run)
                .order_by(runs.c.id.desc())).scalars().all()
            for run_id in candidates:
                rows = conn.execute(
                    select(pages.c.id, pages.c.url, pages.c.fetched_at)
                    .where(and_(pages.c.run_id == run_id, pages.c.unit_name == unit_name,
                                pages.c.external.is_(False)))
                    .order_by(pages.c.id)).all()
                if rows:
                    self.run_id = run_id
                    for row in rows:
                        self.index.setdefault(normalise_url(row.url), (row.id, row.fetched_at or ""))
                    break

    def well_within(self, max_pages: int) -> bool:
        """The last audit of the unit fetched clearly fewer pages than the budget allows."""
        return len(self.index) < 0.9 * max_pages

    def load(self, url: str) -> dict | None:
        """The stored snapshot (a dict, as PageSnapshot.to_dict) of url, or None."""
        entry = self.index.get(normalise_url(url))
        if entry is None:
            return None
        if entry[0] not in self._ahead:
            self._read([entry[0]])           # not prefetched (a list or home page, on a 304)
        blob = self._ahead.pop(entry[0], None)
        if blob is None:
            return None
        try:
            stored = json.loads(zlib.decompress(blob))
        except (zlib.error, ValueError):
            return None
        stored[STORED_BLOB] = blob       # a page reused as it is is stored again as these bytes
        return stored

    def _read(self, page_ids) -> None:
        """Read the blobs of page_ids into _ahead, in one query per 500."""
        if self._conn is None:
            self._conn = self.engine.connect()     # one connection for the many reads
        if len(self._ahead) > 2000:
            self._ahead.clear()                    # read for links that were not reused after all
        ids = list(page_ids)
        for at in range(0, len(ids), 500):
            rows = self._conn.execute(self._by_ids, {"ids": ids[at:at + 500]}).all()
            self._ahead.update((r.id, r.data) for r in rows)
        self._conn.rollback()      # hold no transaction open between reads (PostgreSQL)

    def prefetch_fresh(self, urls) -> None:
        """Read at once the stored articles among urls that fresh_article would reuse (by what
        the index says): the links of one page, one query instead of one per article."""
        ids = []
        for url in urls:
            entry = self._fresh_entry(url)
            if entry is not None and entry[0] not in self._ahead:
                ids.append(entry[0])
        if len(ids) > 1:
            self._read(ids)

    def _fresh_entry(self, url: str):
        if self.revalidate <= timedelta(0) or url_kind(url) not in ("article", "attachment"):
            return None
        entry = self.index.get(normalise_url(url))
        if entry is None:
            return None
        fetched = _parse_time(entry[1])
        if fetched is None or _now() - fetched >= self.revalidate:
            return None
        return entry

    def fresh_article(self, url: str) -> dict | None:
        """A stored article or attachment fetched (or revalidated) less than ARTICLE_REVALIDATE_DAYS
        ago, fetched fine and under the same address: reused with no request at all."""
        if self._fresh_entry(url) is None:
            return None
        stored = self.load(url)
        if not stored or stored.get("error") or not (200 <= (stored.get("status") or 0) < 300):
            return None
        if stored.get("redirects") or normalise_url(stored.get("final_url", "")) != normalise_url(url):
            return None          # a moved page: ask again where it went
        if (stored.get("doc_error") or "").startswith(UNFINISHED_PARSE):
            return None          # its parse was cut short: try the file again
        self.reused += 1
        return stored

    def same_body(self, url: str, response) -> dict | None:
        """The stored snapshot of a page whose cached body (served on 304) it was parsed from:
        same address, length, type and validators. None if anything differs."""
        stored = self.load(url)
        if not stored or stored.get("final_url") != response.url:
            return None
        headers = stored.get("headers") or {}
        now = {k.decode("latin-1").lower(): v[0].decode("latin-1") if v else ""
               for k, v in response.headers.items()}
        if stored.get("size") != len(response.body) or (stored.get("doc_error") or "").startswith(UNFINISHED_PARSE):
            return None
        for key in ("etag", "last-modified", "content-type", "content-encoding"):
            if headers.get(key, "") != now.get(key, ""):
                return None
        self.reused += 1
        return stored

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
