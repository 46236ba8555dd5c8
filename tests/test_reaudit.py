"""Re-audits of an unchanged site (issue 7, benchmark 2): an article fetched by an audit less than
ARTICLE_REVALIDATE_DAYS ago is reused with no request at all; home, column and list pages are
always revalidated (a changed list is fetched and its new article crawled); the verdicts are the
first audit's; a changed parser reuses nothing."""
import hashlib
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.services import fresh_postgres
from tests.webkit import zwgk
from zwgk.storage.database import Store

AS_OF = "2023-03-15"
HEAD = '<meta name="SiteName" content="测试门户"><meta name="SiteIDCode" content="4407000001">'


def page(title, body):
    return (f"<html><head><title>{title}</title>{HEAD}</head><body>"
            f'<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a></div>{body}</body></html>')


def article(n):
    return f"/tzgg/202303/t202303{n:02d}_{n}.html"


def list_page(numbers):
    return page("通知公告", "<ul>" + "".join(
        f'<li><a href="{article(n)}">关于第{n}项工作的通知</a><span>2023-03-{n:02d}</span></li>' for n in numbers) + "</ul>")


def site(numbers):
    routes = {"/": page("测试门户", '<a href="/tzgg/">通知公告</a>' + list_page(numbers[:2])),
              "/tzgg/": list_page(numbers)}
    routes.update({article(n): page(f"关于第{n}项工作的通知", f"<h1>关于第{n}项工作的通知</h1><p>发布日期：2023-03-{n:02d}</p>")
                   for n in numbers})
    return routes


class ConditionalServer(ThreadingHTTPServer):
    """Static routes with an ETag; If-None-Match answers 304. Logs (path, status) of every GET."""
    daemon_threads = True

    def __init__(self, routes):
        self.routes, self.log = routes, []
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def requested(self, path):
        return [status for p, status in self.log if p == path]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = self.server.routes.get(self.path)
        if body is None:
            status, data, etag = 404, b"<h1>404</h1>", ""
        else:
            data = body.encode("utf-8")
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
        self.server.log.append((self.path, status))
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 304:
            self.wfile.write(data)


def audit(tmp_path, server, env=None, *options, db=None):
    db = db or f"sqlite:///{tmp_path}/z.db"
    (tmp_path / "units.yaml").write_text(
        f"units:\n  - {{name: 测试单位, type: department, url: '{server.url}'}}\n", encoding="utf-8")
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        proc = zwgk("audit", "--units", str(tmp_path / "units.yaml"), "--as-of", AS_OF, "--no-browser",
                    "--db", db, "--out", str(tmp_path / "out"), *options)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    store = Store(db)
    run_id = store.latest_complete_run("audit")["id"]
    return run_id, store


def verdicts(store, run_id):
    return {r["rule"]: r["status"] for r in store.result_rows(run_id)}


@pytest.fixture
def server():
    s = ConditionalServer(site([1, 2, 3, 4]))
    yield s
    s.shutdown()
    s.server_close()


def test_a_reaudit_reuses_recent_articles_without_a_request_and_revalidates_the_rest(server, tmp_path):
    first, store = audit(tmp_path, server)
    server.log.clear()
    second, store = audit(tmp_path, server)
    for n in (1, 2, 3, 4):
        assert server.requested(article(n)) == []            # younger than ARTICLE_REVALIDATE_DAYS
    assert server.requested("/") == [304] and server.requested("/tzgg/") == [304]
    assert verdicts(store, first) == verdicts(store, second)
    before = {p.url: p for p in store.load_pages(first, "测试单位")}
    for snap in store.load_pages(second, "测试单位"):
        if snap.url.endswith(article(1)):
            # the stored copy, exactly as it was: it ages from the time the server last sent it
            assert snap.to_dict() == before[snap.url].to_dict()
            assert snap.fetched_at == before[snap.url].fetched_at and snap.html == before[snap.url].html
        if snap.url == server.url:
            assert snap.from_cache and snap.links == before[snap.url].links   # 304: the stored parse

    # A list that changed is fetched again, and the article it now lists is crawled.
    server.routes.update(site([1, 2, 3, 4, 5]))
    server.log.clear()
    third, store = audit(tmp_path, server)
    assert server.requested("/tzgg/") == [200] and server.requested(article(5)) == [200]
    assert server.requested(article(1)) == []
    assert any(p.url.endswith(article(5)) for p in store.load_pages(third, "测试单位"))


def test_articles_are_revalidated_when_the_lifetime_is_zero_or_the_parser_changed(server, tmp_path):
    audit(tmp_path, server)
    server.log.clear()
    audit(tmp_path, server, {"ZWGK_ARTICLE_REVALIDATE_DAYS": "0"})
    assert server.requested(article(1)) == [304]
    # pages parsed by another parser (here: another link limit) are not reused, even if recent
    server.log.clear()
    audit(tmp_path, server, {"ZWGK_MAX_LINKS_PER_PAGE": "4000"})
    assert server.requested(article(1)) == [304]
    server.log.clear()
    audit(tmp_path, server, {"ZWGK_MAX_LINKS_PER_PAGE": "4000"})
    assert server.requested(article(1)) == []


def test_304_answers_set_the_pace_of_a_reaudit_as_200_answers_do(server, tmp_path):
    """AutoThrottle (on, as shipped) lowers its start delay as answers come back fast; Scrapy's own
    ignores every answer other than 200, so a re-audit of 304s stayed at the start delay."""
    audit(tmp_path, server)
    server.log.clear()
    audit(tmp_path, server, {"ZWGK_ARTICLE_REVALIDATE_DAYS": "0"})      # every page revalidated
    assert server.requested(article(1)) == [304]
    assert {status for _path, status in server.log} <= {304, 404}        # 404: robots.txt
    log = (tmp_path / "zwgk-logs" / "audit-2.log").read_text(encoding="utf-8")
    start = 1000 * float(re.search(r"'AUTOTHROTTLE_START_DELAY': ([0-9.]+)", log).group(1))
    lowest = int(re.search(r"'autothrottle/min_delay_ms': (\d+)", log).group(1))
    assert lowest < start / 2


def test_a_site_that_went_down_is_not_audited_on_its_cached_pages(tmp_path):
    server = ConditionalServer(site([1, 2]))
    first, store = audit(tmp_path, server)
    server.shutdown()
    server.server_close()                       # now the port refuses connections
    second, store = audit(tmp_path, server)
    [unit] = store.unit_rows(second)
    assert store.unit_rows(first)[0]["status"] == "done"
    assert unit["status"] == "unreachable" and "连接" in unit["error"]



def test_pages_of_older_audits_are_pruned_and_their_results_kept(server, tmp_path):
    """--keep-pages N: once an audit completes, the pages stored by audits older than the newest
    N complete ones are deleted (a nightly database stops growing); results and reports stay."""
    for _ in range(2):
        audit(tmp_path, server, None, "--keep-pages", "2")
    _run, store = audit(tmp_path, server)                                   # the default keeps 3
    assert [len(store.load_pages(r, "测试单位")) > 0 for r in (1, 2, 3)] == [True, True, True]
    before = verdicts(store, 1)
    audit(tmp_path, server, None, "--keep-pages", "2")
    assert [len(store.load_pages(r, "测试单位")) > 0 for r in (1, 2, 3, 4)] == [False, False, True, True]
    assert verdicts(store, 1) == before and len(store.unit_rows(1)) == 1
    report = zwgk("report", "--db", f"sqlite:///{tmp_path}/z.db", "--run", "1", "--out", str(tmp_path / "r1"))
    assert report.returncode == 0, report.stderr[-2000:]
    assert (tmp_path / "r1" / "index.html").exists()
    audit(tmp_path, server, None, "--keep-pages", "0")                 # 0: nothing is deleted
    assert len(store.load_pages(3, "测试单位")) > 0


def test_pruning_works_the_same_on_postgresql(server, tmp_path):
    """The nightly database of a distributed audit is PostgreSQL: the same --keep-pages there."""
    db = fresh_postgres()
    for _ in range(3):
        run, store = audit(tmp_path, server, None, "--keep-pages", "2", db=db)
    assert run == 3 and store.engine.dialect.name == "postgresql"
    assert [len(store.load_pages(r, "测试单位")) > 0 for r in (1, 2, 3)] == [False, True, True]
    assert verdicts(store, 1) == verdicts(store, 3) and len(store.unit_rows(1)) == 1
