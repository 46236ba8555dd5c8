"""The crawl plan (issue 7, benchmark 5): on a site larger than the page budget, the crawl
follows structure, the columns the rules read in full and a few articles of every ordinary list
— and no more — while the verdicts stay those of a full crawl. A page skipped on purpose is no
gap that makes a missing column unknown, but a check that needs that very page says unknown."""
import json

import pytest

from tests.webkit import Routes, zwgk
from zwgk.checks.needs import document_keywords
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site
from zwgk.page.scope import PLAN_SKIPPED
from zwgk.page.snapshot import Link, PageSnapshot
from zwgk.storage.database import Store

AS_OF = "2023-03-15"
PER_PAGE, LIST_PAGES = 10, 3
LAPSED_ROW = 8          # the row of the 部门信息 list marked 已废止: past the first few articles
HEAD = ('<meta name="SiteName" content="测试门户"><meta name="SiteDomain" content="test.gov.cn">'
        '<meta name="SiteIDCode" content="4407000001">')
NAV = ('<div class="nav"><a href="/">首页</a> <a href="/gfxwj/">规范性文件</a> '
       '<a href="/bmxx/">部门信息</a> <a href="/tpxw/">图片新闻</a></div>')


def page(title, body, meta=""):
    return f"<html><head><title>{title}</title>{HEAD}{meta}</head><body>{NAV}{body}</body></html>"


def article(column, n, day):
    return (f"/{column}/202303/t202303{day:02d}_{n}.html",
            f"{column}第{n}号文件关于做好有关工作的通知", f"2023-03-{day:02d}")


def article_page(path, title, date, column_name, extra=""):
    meta = (f'<meta name="ColumnName" content="{column_name}"><meta name="ArticleTitle" content="{title}">'
            f'<meta name="PubDate" content="{date} 09:00"><meta name="ContentSource" content="测试单位">')
    return page(title, f"<h1>{title}</h1><p>发布日期：{date}</p>{extra}<p>正文。</p>", meta)


def list_name(k):
    return "index.html" if k == 0 else f"index_{k}.html"


def portal():
    routes = {"/": page("测试门户", "<ul>" + "".join(
        f'<li><a href="/{c}/">{n}</a></li>' for c, n in (("gfxwj", "规范性文件"), ("bmxx", "部门信息"),
                                                         ("tpxw", "图片新闻"))) + "</ul>")}
    docs = [article("gfxwj", 100 + i, 10 - i) for i in range(4)]
    routes["/gfxwj/"] = page("规范性文件", "<ul>" + "".join(
        f'<li><a href="{p}">{t}</a><span>{d}</span></li>' for p, t, d in docs) + "</ul>",
        '<meta name="ColumnName" content="规范性文件">')
    routes.update({p: article_page(p, t, d, "规范性文件") for p, t, d in docs})
    for column, name in (("bmxx", "部门信息"), ("tpxw", "图片新闻")):
        items = [article(column, 1000 * (column == "bmxx") + 200 + i, 14 - i // 3)
                 for i in range(PER_PAGE * LIST_PAGES)]
        pager = "".join(f'<a href="/{column}/{list_name(k)}">{k + 1}</a> ' for k in range(LIST_PAGES))
        for k in range(LIST_PAGES):
            chunk = items[k * PER_PAGE:(k + 1) * PER_PAGE]
            if column == "bmxx":   # a document table with 有效性: one row says 已废止
                rows = "".join(f'<tr><td><a href="{p}">{t}</a></td><td>{d}</td>'
                               f'<td>{"已废止" if k == 0 and i == LAPSED_ROW else "有效"}</td></tr>'
                               for i, (p, t, d) in enumerate(chunk))
                body = f"<table><tr><th>标题</th><th>发布日期</th><th>有效性</th></tr>{rows}</table>"
            else:
                body = "<ul>" + "".join(f'<li><a href="{p}">{t}</a><span>{d}</span></li>' for p, t, d in chunk) + "</ul>"
            html = page(name, f'{body}<div class="page">{pager}</div>', f'<meta name="ColumnName" content="{name}">')
            routes[f"/{column}/{list_name(k)}"] = html
            if k == 0:
                routes[f"/{column}/"] = html
        routes.update({p: article_page(p, t, d, name) for p, t, d in items})
    lapsed = items_of(routes, "bmxx")[LAPSED_ROW]
    return routes, lapsed


def items_of(routes, column):
    return sorted((p for p in routes if p.startswith(f"/{column}/2023")),
                  key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))


def run_check(server, tmp_path, name, max_pages):
    db = f"sqlite:///{tmp_path}/{name}.db"
    proc = zwgk("check", server.url, "--unit", "测试单位", "--unit-type", "department", "--as-of", AS_OF,
                "--json", "-", "--no-browser", "--db", db, "--max-pages", str(max_pages))
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    card = json.loads(proc.stdout)
    fetched = {s.final_url.replace(server.url.rstrip("/"), "") for s in Store(db).load_pages(1, "测试单位")
               if not s.external and s.ok}
    return card, fetched


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    routes, lapsed = portal()
    tmp = tmp_path_factory.mktemp("plan")
    with Routes(routes) as server:
        full = run_check(server, tmp, "full", 1000)
        budgeted = run_check(server, tmp, "budget", 40)
    return routes, lapsed, full, budgeted


def test_a_site_within_the_budget_is_crawled_whole(runs):
    routes, _, (_, fetched), _ = runs
    pages = {p for p in routes if not p.endswith("/") or p == "/"}
    assert pages <= fetched | {"/gfxwj/", "/bmxx/", "/tpxw/"}


def test_a_site_over_the_budget_gets_structure_documents_and_a_sample_of_ordinary_articles(runs):
    routes, lapsed, (_, full), (_, fetched) = runs
    assert len(fetched) < len(full) - 20
    assert set(items_of(routes, "gfxwj")) <= fetched            # a column a rule reads in full
    for column in ("bmxx", "tpxw"):
        first_page = items_of(routes, column)[:PER_PAGE]
        assert set(first_page[:5]) <= fetched                   # the sample, the same every night
        assert not set(first_page[5:]) & fetched                # the rest skipped on purpose …
        assert not {f"/{column}/index_1.html", f"/{column}/index_2.html"} & fetched   # … and later pages
    assert lapsed not in fetched


def test_skipped_pages_change_no_verdict_but_a_check_that_needs_one_says_unknown(runs):
    _, _, (full_card, _), (card, _) = runs
    verdicts = lambda c: {r["rule"]: r["status"] for r in c["results"]}
    full, budgeted = verdicts(full_card), verdicts(card)
    # the lapsed document's page has no 已废止 mark: a full crawl fails the rule; the budgeted crawl
    # skipped that page, so the rule cannot tell — unknown with the plan's reason, never pass or fail
    assert full.pop("lapsed-documents-marked") == "fail"
    assert budgeted.pop("lapsed-documents-marked") == "unknown"
    [lapsed] = [r for r in card["results"] if r["rule"] == "lapsed-documents-marked"]
    assert any(PLAN_SKIPPED in f["message"] for f in lapsed["findings"])
    assert full == budgeted


def _snap(url, links=(), **kw):
    return PageSnapshot(url=url, final_url=url, status=200, html="<html><body>x</body></html>",
                        links=tuple(Link(u, t) for u, t in links), **kw)


def test_plan_skipped_links_are_no_gap_but_still_named_unseen():
    home = "http://t.gov.cn/"
    skipped = f"{home}news/202303/t20230301_9.html"
    refused = f"{home}other/"
    site = Site(home, [_snap(home, [(skipped, "某条新闻"), (refused, "其他栏目")])],
                traps=[(skipped, f"{PLAN_SKIPPED}（普通列表的文章只抽查前几篇）")], budget_refused=[refused])
    assert [u for u, _ in site.unfetched_within(3)] == [refused]     # only the real gap
    assert site.why_unseen(skipped).startswith(PLAN_SKIPPED)
    assert site.why_unseen(refused) == "抓取页数预算已用完，未抓取"


def test_the_plan_reads_in_full_the_columns_of_document_rules_only():
    words = document_keywords(load_rulebook("jiangmen-2022"))
    assert "规范性文件" in words and "政府信息公开年报" in words     # documents and reports
    assert "工作动态" not in words and "营商环境" not in words       # freshness and column rules: first page
