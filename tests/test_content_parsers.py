"""The parsers behind Site used by the content checks: list rows, pagination, info box, breadcrumb."""
from datetime import date

from tests.sitekit import fixture, site
from zwgk.checks.parsers.breadcrumb import breadcrumb, crumb_column
from zwgk.checks.parsers.infobox import info_box
from zwgk.checks.parsers.listing import list_pages, list_rows, pagination, row_from_mapping

PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/201610/t20161026_79826.htm"
NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
       '<li><a href="/xwzx/">新闻中心</a></li></ul></div>')


def _one(html, url="http://x.gov.cn/zwgk/tzgg/index.html"):
    s = site({url: f"<html><body>{NAV}{html}</body></html>"})
    return s, s.home


def test_info_box_of_real_pingtan_page():
    s = site({PINGTAN: fixture("corpus", "shared", "pingtan", "gfxwj_doc_79826_youxiao.html")})
    box = info_box(s, s.home)
    assert box.found
    assert box.validity == "有效"
    assert box.get("doc_no") == "岚综管综〔2016〕266号"
    assert box.get("index_no") == "PZ00101-1700-2023-00059"
    assert box.get("written") == "2016-10-26" and box.published == date(2016, 10, 26)
    assert box.labels["validity"] == "有效性"        # &ensp; between the label's characters


def test_info_box_as_label_value_table_cells():
    s, p = _one('<table><tr><td>索引号：</td><td>00705-01</td><td>时效性：</td><td><span>已废止</span></td></tr>'
                '<tr><td>发布日期：</td><td>2022年8月25日</td></tr></table>')
    box = info_box(s, p)
    assert box.validity == "已废止" and box.published == date(2022, 8, 25)


def test_a_lone_label_in_an_article_is_not_an_info_box():
    s, p = _one("<p>有效性：本办法自发布之日起施行</p>")
    assert not info_box(s, p).found and info_box(s, p).validity == ""


def test_table_list_with_status_column():
    html = ('<table><thead><tr><th>标题</th><th>发文字号</th><th>发布日期</th><th>有效性</th></tr></thead><tbody>'
            '<tr><td><a href="202301/t20230114_1.html" title="关于印发宅基地管理暂行办法的通知">关于印发宅基地…</a></td>'
            '<td>新府规〔2023〕1号</td><td>2023-01-14</td><td>已废止</td></tr>'
            '<tr><td><a href="202302/t20230226_2.html">关于印发村级工程管理办法的通知</a></td><td>新府规〔2023〕3号</td>'
            '<td>2023-02-26</td><td>有效</td></tr></tbody></table>')
    s, p = _one(html)
    rows = list_rows(s, p)
    assert [(r.title, r.date, r.status, r.date_source) for r in rows] == [
        ("关于印发宅基地管理暂行办法的通知", date(2023, 1, 14), "已废止", "发布日期"),
        ("关于印发村级工程管理办法的通知", date(2023, 2, 26), "有效", "发布日期")]
    assert rows[0].url == "http://x.gov.cn/zwgk/tzgg/202301/t20230114_1.html"
    assert rows[0].list_url == p.final_url


def test_written_date_column_when_no_publication_date():
    html = ('<table><tr><td>名称</td><td>成文日期</td><td>时效性</td></tr>'
            '<tr><td><a href="/a/1.html">江门市城市道路管理办法</a></td><td>2020年3月1日</td><td>失效</td></tr></table>')
    s, p = _one(html)
    [row] = list_rows(s, p)
    assert row.date == date(2020, 3, 1) and row.date_source == "成文日期" and row.status == "失效"


def test_ul_dl_and_div_rows_and_url_dates():
    html = ('<ul class="list"><li><a href="/a/202208/t20220825_1.html">新会区召开防汛防风工作会议</a>'
            '<span>2022-08-25</span></li><li><a href="/a/202208/t20220820_2.html">新会区开展食品安全专项检查</a>'
            '</li></ul>'
            '<dl><dt><a href="/b/3.html">区人社局举办春季招聘会活动</a></dt><dd>2022/8/3</dd>'
            '<dt><a href="/b/4.html">区卫健局开展义诊进社区活动</a></dt><dd>2022/8/1</dd></dl>'
            '<div class="items"><div class="item"><a href="/c/5.html">司前镇美丽乡村建设见成效</a><i>2022.07.30</i></div>'
            '<div class="item"><a href="/c/6.html">新会区召开民营企业座谈会</a><i>2022.07.29</i></div></div>')
    s, p = _one(html)
    got = {r.url.rsplit("/", 1)[1]: (r.date, r.date_source) for r in list_rows(s, p)}
    assert got["t20220825_1.html"] == (date(2022, 8, 25), "row")
    assert got["t20220820_2.html"] == (date(2022, 8, 20), "url")
    assert got["3.html"] == (date(2022, 8, 3), "row")
    assert got["5.html"] == (date(2022, 7, 30), "row")
    assert len({r.group for r in list_rows(s, p)}) == 3


def test_navigation_and_menus_are_not_rows():
    html = ('<div class="side"><ul><li><a href="/zwgk/zn/">公开指南</a></li><li><a href="/zwgk/ndbg/">公开年报</a></li>'
            '<li><a href="/zwgk/gfxwj/">规范性文件</a></li></ul></div>'
            '<div class="footer"><ul><li><a href="/about.html">关于本网站的说明</a><span>2022-01-01</span></li></ul></div>')
    s, p = _one(html)
    assert list_rows(s, p) == []


def test_pagination_links_and_trs_script():
    html = ('<ul><li><a href="t20220825_1.html">新会区召开防汛防风工作会议</a><span>2022-08-25</span></li></ul>'
            '<div class="page"><a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="index_4.html">尾页</a></div>'
            '<script>createPageHTML(6, 0, "index", "html");</script>')
    s, p = _one(html)
    urls = pagination(s, p)
    assert "http://x.gov.cn/zwgk/tzgg/index_1.html" in urls and "http://x.gov.cn/zwgk/tzgg/index_5.html" in urls
    assert "http://x.gov.cn/zwgk/tzgg/index.html" not in urls
    assert "http://x.gov.cn/" not in urls


def test_list_pages_follow_the_fetched_pager_pages():
    first = ('<ul><li><a href="t20220825_1.html">新会区召开防汛防风工作会议</a><span>2022-08-25</span></li></ul>'
             '<div class="page"><a href="index_1.html">下一页</a></div>')
    second = ('<ul><li><a href="t20220101_2.html">新会区召开民营企业座谈会</a><span>2022-01-01</span></li></ul>'
              '<div class="page"><a href="index.html">上一页</a><a href="index_2.html">下一页</a></div>')
    s = site({"http://x.gov.cn/": "<html><body>home</body></html>",
              "http://x.gov.cn/zwgk/tzgg/index.html": first, "http://x.gov.cn/zwgk/tzgg/index_1.html": second})
    pages = list_pages(s, "http://x.gov.cn/zwgk/tzgg/")       # linked as the directory
    assert [p.final_url.rsplit("/", 1)[1] for p in pages] == ["index.html", "index_1.html"]


def test_row_from_gkmlpt_mapping():
    assert row_from_mapping({"url": "u", "title": "t", "is_abolished": True}).status == "废止"
    assert row_from_mapping({"url": "u", "title": "t", "is_expired": True, "is_abolished": False}).status == "失效"
    assert row_from_mapping({"url": "u", "title": "t", "is_expired": False, "is_abolished": False}).status == "有效"
    assert row_from_mapping({"url": "u", "title": "t", "is_expired": None}).status == ""
    assert row_from_mapping({"url": "u", "title": "t", "date": "2022-08-25 10:00"}).date == date(2022, 8, 25)


def test_breadcrumb_of_real_page_and_of_a_location_bar():
    s = site({PINGTAN: fixture("corpus", "shared", "pingtan", "gfxwj_doc_79826_youxiao.html")})
    assert breadcrumb(s, s.home)[-1] == "行政规范性文件"
    s, p = _one('<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
                '<a href="/zwgk/tzgg/">通知公告</a> &gt; 正文</div>')
    assert breadcrumb(s, p) == ["首页", "政务公开", "通知公告", "正文"]
    assert crumb_column(s, p, "关于做好通知公告工作的通知") == "通知公告"


def test_the_spider_reads_the_breadcrumb_with_the_page_and_older_snapshots_still_get_one():
    """PageSnapshot.crumbs is read by pageparse.extract while the page is parsed, so the checks
    need not parse every article again; a snapshot stored before (crumbs None) is parsed here."""
    from zwgk.page.html import extract
    from zwgk.page.snapshot import PageSnapshot
    html = ('<html><body><div class="nav"><a href="/">首页</a></div><div class="pos">当前位置：'
            '<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a>'
            ' &gt; 正文</div><h1>关于某事的通知</h1></body></html>')
    url = "http://www.example.gov.cn/zwgk/tzgg/202303/t20230301_1.html"
    parsed = extract(html, url)
    assert parsed["crumbs"] == ("首页", "政务公开", "通知公告", "正文")
    fresh = PageSnapshot(url=url, final_url=url, status=200, html=html, crumbs=parsed["crumbs"])
    older = PageSnapshot.from_dict({k: v for k, v in fresh.to_dict().items() if k != "crumbs"})
    assert older.crumbs is None and PageSnapshot.from_dict(fresh.to_dict()).crumbs == parsed["crumbs"]
    from zwgk.checks.site import Site
    for snap in (fresh, older):
        s = Site(url, [snap])
        assert breadcrumb(s, snap) == ["首页", "政务公开", "通知公告", "正文"]
        assert crumb_column(s, snap, "关于某事的通知") == "通知公告"
