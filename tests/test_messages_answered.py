"""Item 32 (互动回应): the message parser on label layouts real portals use, the real nfra and gzns
pages, what a crawl that skipped pages or did not render a script-built box makes of the rule,
and a real crawl over the page budget that still reads every letter of the box (NEEDS documents).
The semgrep-style cases with their decoys are in tests/fixtures/checks/messages_answered/."""
import json
from datetime import date

import pytest

from tests.sitekit import fixture, site, snapshot
from tests.webkit import Routes, zwgk
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.messages_answered import PARAMS
from zwgk.checks.params import validate
from zwgk.checks.parsers.listing import list_rows
from zwgk.checks.parsers.messages import (
    ANSWERED,
    PENDING,
    UNANSWERED,
    MessageWords,
    labelled_fields,
    page_message,
    stated_commitment,
    workdays,
)
from zwgk.checks.rulebook import load_rulebook
from zwgk.checks.site import Site
from zwgk.page.browser_evidence import BrowserEvidence, RenderResult
from zwgk.page.scope import PLAN_SKIPPED
from zwgk.storage.database import Store

AS_OF = date(2023, 3, 15)
WORDS = MessageWords.from_params(validate(PARAMS, {}))
RULE = next(r for r in load_rulebook("jiangmen-2022").rules if r.id == "messages-answered")


def judge(s, unit=None):
    ctx = CheckContext(as_of=AS_OF, unit=unit or {"name": "测试县", "type": "county", "url": s.start_url})
    return run_rule(RULE, s, ctx)


def page(title, body, column="区长信箱"):
    return (f'<html><head><meta charset="utf-8"><title>{title}</title><meta name="ColumnName" content="{column}">'
            f'</head><body><div class="nav"><a href="/">首页</a><a href="/hdjl/">互动交流</a>'
            f'<a href="/hdjl/qzxx/">区长信箱</a></div><div class="main">{body}</div>'
            f'<div class="footer">主办单位：测试县人民政府办公室</div></body></html>')


def letter_page(title, asked, status, reply="", replied=""):
    return page(title, f"<h1>{title}</h1><table><tr><th>留言时间</th><td>{asked}</td></tr>"
                       f"<tr><th>留言内容</th><td>反映的问题。</td></tr><tr><th>办理状态</th><td>{status}</td></tr>"
                       f"<tr><th>回复时间</th><td>{replied}</td></tr><tr><th>回复内容</th><td>{reply}</td></tr></table>")


def box_list(rows, intro=""):
    trs = "".join(f'<tr><td><a href="{u}">{t}</a></td><td>{a}</td><td>{s}</td><td>{r}</td></tr>'
                  for u, t, a, s, r in rows)
    return page("区长信箱", f"<p>{intro}</p><table><tr><th>信件标题</th><th>留言时间</th><th>办理状态</th>"
                         f"<th>回复时间</th></tr>{trs}</table>")


HOME = "http://county.test/"
BOX = HOME + "hdjl/qzxx/"
OLD = BOX + "202211/t20221102_1.html"


# -- the parser ----------------------------------------------------------------------------------
@pytest.mark.parametrize("chunks, expected", [
    # inline, several fields in one chunk (a list row printed by script templates)
    (["来信人:张** 来信时间:2023-01-05 来源:市民"], [("asked", "来信时间", "2023-01-05 来源:市民")]),
    # label and value in sibling elements, the label spaced out with &ensp;
    (["留 言 时 间：", "2023年1月5日"], [("asked", "留 言 时 间", "2023年1月5日")]),
    # a header cell without a colon, then its value cell; an empty field before the next label
    (["回复内容", "回复时间", "2023-01-12"], [("reply", "回复内容", ""), ("replied", "回复时间", "2023-01-12")]),
    # words that only contain a label are no label: 已回复 is a status word, 回复单位 another field
    (["已回复", "回复单位", "区住建局"], []),
])
def test_labelled_fields(chunks, expected):
    assert labelled_fields(chunks, WORDS) == expected


@pytest.mark.parametrize("text, status", [
    ("已回复", ANSWERED), ("已办结", ANSWERED), ("办理中", PENDING), ("已受理", PENDING),
    ("未回复", UNANSWERED), ("暂未回复", UNANSWERED), ("未办结", UNANSWERED),
    ("办理中 待回复", UNANSWERED),       # both say there is no reply yet
    ("已受理 已回复", ""),               # a timeline: ambiguous, read as no status
    ("已公开", ""), ("", ""),
])
def test_status_words(text, status):
    assert WORDS.status_of(text) == status


@pytest.mark.parametrize("text, promise", [
    ("区长信箱来信一般在15个工作日内答复。", (15, "workdays")),
    ("来信2个工作日内受理，15个工作日内答复。", (15, "workdays")),   # 受理 is no reply
    ("答复时限为十五个工作日。", (15, "workdays")),
    ("我们将在收到来信之日起30日内办结并回复。", (30, "days")),
    ("2023年1月5日答复了来信人。", None),                          # a date, not a time limit
    ("每月15日前公布办理情况。", None),
])
def test_published_commitment(text, promise):
    s = site({HOME: page("区长信箱", f"<p>{text}</p>")})
    found = stated_commitment(s, s.home, WORDS)
    assert (found and (found.limit, found.unit)) == promise


def test_a_title_quoting_a_time_limit_is_no_commitment():
    s = site({HOME: box_list([(OLD, "为何过了15个工作日内答复的期限还没有回复？", "2022-11-2", "已回复", "2022-11-9")])})
    assert stated_commitment(s, s.home, WORDS) is None


def test_working_days():
    assert workdays(date(2023, 3, 10), date(2023, 3, 13)) == 1          # Friday to Monday
    assert workdays(date(2023, 3, 13), date(2023, 3, 27)) == 10
    assert workdays(date(2023, 3, 13), date(2023, 3, 27), [date(2023, 3, 20)]) == 9
    assert workdays(date(2023, 3, 13), date(2023, 3, 13)) == 0


def test_an_empty_last_field_never_takes_the_footer_for_its_reply():
    s = site({HOME: page("信件", "<table><tr><th>留言时间</th><td>2022-11-02</td></tr>"
                                 "<tr><th>办理状态</th><td>办理中</td></tr><tr><th>回复内容</th><td></td></tr></table>")})
    facts = page_message(s, s.home, WORDS)
    assert facts.is_message and facts.reply_field and not facts.reply and facts.status == PENDING


# -- real pages ----------------------------------------------------------------------------------
NFRA = "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1170162&itemId=4113&generaltype=9"


def test_real_nfra_page_its_sidebar_of_messages_is_no_message_and_no_list_of_rows():
    """The nfra page (rendered by AngularJS) shows four 政务咨询 messages in its navigation
    panel: 留言时间 in sibling spans, no link, no status. They are neither this page's message
    nor list rows, and the box its 政务咨询 tab links to was not fetched: unknown, never fail."""
    s = Site(NFRA, [snapshot(NFRA, fixture("corpus", "shared", "nfra", "page_source_debug.html"))])
    facts = page_message(s, s.home, WORDS)
    assert not facts.is_message and facts.asked is None
    assert not any("请问" in r.title for r in list_rows(s, s.home))
    result = judge(s)
    assert result.status == "unknown", [(f.status, f.message) for f in result.findings]
    assert any("政务咨询" in f.message and "未能抓取" in f.message for f in result.findings)


GZNS = "http://www.gzns.gov.cn/"


def test_real_gzns_page_a_box_on_the_provincial_platform_is_unknown():
    """广州市南沙区's page links 区长信箱 to the provincial 网上信访 platform (ts.gdwsxf.gd.gov.cn),
    as Guangdong districts do, and 民意征集 to its own site (not fetched here)."""
    html = fixture("corpus", "shared", "realpages", "www.gzns.gov.cn", "inferred", "zwdt_20240605_tongjiju_peixun.html")
    s = Site(GZNS, [snapshot(GZNS, html)])
    result = judge(s)
    messages = [f.message for f in result.findings]
    assert result.status == "unknown", messages
    assert any("区长信箱" in m and "ts.gdwsxf.gd.gov.cn" in m for m in messages), messages
    assert any("民意征集" in m and "未能抓取" in m for m in messages), messages


# -- what the crawl did not see ------------------------------------------------------------------
def _box_site(letter_fetched: bool, **kwargs):
    pages = [snapshot(HOME, page("测试县人民政府", '<a href="/hdjl/qzxx/">区长信箱</a>' + "<p>首页内容</p>" * 20)),
             snapshot(BOX, box_list([(OLD, "关于某小区路灯长期不亮的问题", "2022-11-2", "办理中", "")]), depth=1,
                      link_text="区长信箱")]
    if letter_fetched:
        pages.append(snapshot(OLD, letter_page("关于某小区路灯长期不亮的问题", "2022-11-02", "办理中",
                                               reply="暂无回复"), depth=2))
    return Site(HOME, pages, **kwargs)


def test_a_letter_the_crawl_plan_skipped_is_unknown_with_the_plans_reason():
    skipped = _box_site(False, traps=[(OLD, f"{PLAN_SKIPPED}（普通列表的文章只抽查前几篇，全站超出页数预算）")])
    result = judge(skipped)
    assert result.status == "unknown"
    assert any(PLAN_SKIPPED in f.evidence for f in result.findings), [(f.message, f.evidence) for f in result.findings]
    assert judge(_box_site(True)).status == "fail"        # the same letter, seen: 办理中, 暂无回复, 133 days


def test_a_unit_rendered_by_script_is_judged_only_on_what_the_browser_rendered():
    unit = {"name": "测试县", "type": "county", "url": HOME, "render": "js"}
    s = _box_site(True)
    result = judge(s, unit)
    assert result.status == "unknown"                    # nothing was rendered: the static copy may be stale
    evidence = BrowserEvidence(unit="测试县")
    evidence.rendered = {u: RenderResult(u, "单位配置 render: js") for u in (HOME, BOX, OLD)}
    s.browser = evidence
    result = judge(s, unit)
    assert result.status == "fail" and result.findings[0].url == OLD


# -- a real crawl over the page budget -----------------------------------------------------------
PER_PAGE, LIST_PAGES = 10, 3


def _portal():
    nav = '<a href="/">首页</a> <a href="/hdjl/qzxx/">区长信箱</a> <a href="/tpxw/">图片新闻</a>'
    head = ('<meta name="SiteName" content="测试县人民政府网站"><meta name="SiteIDCode" content="4407050009">')

    def html(title, body, column=""):
        meta = f'<meta name="ColumnName" content="{column}">' if column else ""
        return f"<html><head><title>{title}</title>{head}{meta}</head><body><div class=\"nav\">{nav}</div>{body}</body></html>"

    routes = {"/": html("测试县人民政府", "<p>欢迎访问</p>" * 10 + '<ul><li><a href="/hdjl/qzxx/">区长信箱</a></li>'
                                         '<li><a href="/tpxw/">图片新闻</a></li></ul>')}
    letters = []
    for n in range(PER_PAGE * LIST_PAGES):       # newest first, one every 5 days back from 2023-03-10
        asked = date.fromordinal(date(2023, 3, 10).toordinal() - 5 * n)
        unanswered = n == PER_PAGE * LIST_PAGES - 3      # on the last list page: 2022-10-23, 143 days
        replied = "" if unanswered else date.fromordinal(asked.toordinal() + 2).isoformat()
        path = f"/hdjl/qzxx/{asked:%Y%m}/t{asked:%Y%m%d}_{500 + n}.html"
        letters.append((path, f"关于第{n}号群众来信反映问题的办理", asked.isoformat(),
                        "未回复" if unanswered else "已回复", replied))
        routes[path] = html(letters[-1][1], f"<table><tr><th>留言时间</th><td>{asked.isoformat()}</td></tr>"
                                            f"<tr><th>办理状态</th><td>{letters[-1][3]}</td></tr>"
                                            f"<tr><th>回复时间</th><td>{replied}</td></tr><tr><th>回复内容</th>"
                                            f"<td>{'暂无回复' if unanswered else '您好！问题已解决。'}</td></tr></table>",
                            "区长信箱")
    pager = " ".join(f'<a href="/hdjl/qzxx/{"index.html" if k == 0 else f"index_{k}.html"}">{k + 1}</a>'
                     for k in range(LIST_PAGES))
    for k in range(LIST_PAGES):
        rows = "".join(f'<tr><td><a href="{p}">{t}</a></td><td>{a}</td><td>{s}</td><td>{r}</td></tr>'
                       for p, t, a, s, r in letters[k * PER_PAGE:(k + 1) * PER_PAGE])
        body = (f"<table><tr><th>信件标题</th><th>留言时间</th><th>办理状态</th><th>回复时间</th></tr>{rows}</table>"
                f'<div class="page">{pager}</div>')
        routes["/hdjl/qzxx/" + ("index.html" if k == 0 else f"index_{k}.html")] = html("区长信箱", body, "区长信箱")
        if k == 0:
            routes["/hdjl/qzxx/"] = routes["/hdjl/qzxx/index.html"]
    news = [(f"/tpxw/202303/t202303{1 + n // 3:02d}_{900 + n}.html", f"测试县第{n}期图片新闻报道") for n in range(30)]
    for k in range(LIST_PAGES):
        items = "".join(f'<li><a href="{p}">{t}</a><span>2023-03-{1 + int(p[-8:-5]) % 9:02d}</span></li>'
                        for p, t in news[k * PER_PAGE:(k + 1) * PER_PAGE])
        routes["/tpxw/" + ("" if k == 0 else f"index_{k}.html")] = html(
            "图片新闻", f'<ul>{items}</ul><div class="page">{pager.replace("/hdjl/qzxx/", "/tpxw/")}</div>', "图片新闻")
    routes.update({p: html(t, f"<h1>{t}</h1><p>发布日期：2023-03-01</p>", "图片新闻") for p, t in news})
    return routes, letters[PER_PAGE * LIST_PAGES - 3][0], [p for p, *_ in letters]


def _check(server, tmp_path, name, max_pages):
    db = f"sqlite:///{tmp_path}/{name}.db"
    proc = zwgk("check", server.url, "--unit", "测试县", "--unit-type", "county", "--as-of", AS_OF.isoformat(),
                "--json", "-", "--no-browser", "--db", db, "--max-pages", str(max_pages))
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    fetched = {s.final_url.replace(server.url.rstrip("/"), "") for s in Store(db).load_pages(1, "测试县")
               if not s.external and s.ok}
    [result] = [r for r in json.loads(proc.stdout)["results"] if r["rule"] == "messages-answered"]
    return result, fetched


def test_a_budgeted_crawl_reads_every_letter_of_the_box_and_fails_the_same_one(tmp_path):
    routes, unanswered, letters = _portal()
    with Routes(routes) as server:
        full, _ = _check(server, tmp_path, "full", 1000)
        budgeted, fetched = _check(server, tmp_path, "budget", 45)
    assert set(letters) <= fetched                                    # the box: every list page, every letter
    assert "/tpxw/index_2.html" not in fetched and len(fetched) < len(routes) - 10   # an ordinary list: sampled
    for result in (full, budgeted):
        fails = [f for f in result["findings"] if f["status"] == "fail"]
        assert result["status"] == "fail" and [f["url"].endswith(unanswered) for f in fails] == [True], result
