"""checks/parsers/pubdate.py: every publication-date signal, each on the real page it comes from
(tests/fixtures/corpus/shared/, the portal named in the test), and on a small fixture where the
corpus has no example (said so in the test). The corpus-wide accuracy is tests/test_pubdate_corpus.py."""
from datetime import date

from tests.corpuskit import corpus_html, corpus_page
from tests.sitekit import site
from zwgk.checks.parsers.pubdate import date_signals, explain, publication_date
from zwgk.page.text import url_date, url_month


def kinds(s, page):
    return {(x.kind, x.date) for x in date_signals(s, page)}


def decided(s, page):
    chosen, _ = publication_date(s, page)
    return (chosen.kind, chosen.date) if chosen else None


def _page(body, head="", title="关于开展春季植树活动的通知"):
    return (f"<html><head><meta charset='utf-8'><title>{title}_某区人民政府</title>{head}</head>"
            f"<body><div class='nav'><a href='/'>首页</a></div><h1>{title}</h1>{body}"
            f"<p>{'正文内容' * 30}</p></body></html>")


def _one(body, head="", url="http://x.gov.cn/tzgg/article.html"):
    s = site({url: _page(body, head)})
    return s, s.home


# -- meta -----------------------------------------------------------------------------------------
def test_pubdate_meta_in_any_case_and_attribute_order():
    s, p = corpus_page("qingdao.gov.cn")        # 青岛市: <meta content="…" name="PubDate" />
    assert decided(s, p) == ("meta", date(2022, 12, 6))
    s, p = corpus_page("yn.gov.cn")             # 云南省: <meta name="pubdate" …>
    assert decided(s, p) == ("meta", date(2016, 8, 11))


def test_firstpublishedtime_when_there_is_no_pubdate():
    s, p = corpus_page("gongbao")               # 国务院公报: content="2007-08-20-23:59:59"
    chosen, _ = publication_date(s, p)
    assert (chosen.kind, chosen.label, chosen.date) == ("meta", "firstpublishedtime", date(2007, 8, 20))
    assert ("generated", date(2023, 10, 23)) in kinds(s, p)        # 页面生成时间, never chosen


def test_pubdate_equal_to_the_generation_stamp_loses_to_the_date_the_page_shows():
    # 四川省中医药管理局: PubDate 2024-04-15 14:53:51 = <meta name="others" content="页面生成时间 …">
    s, p = corpus_page("sctcm.sc.gov.cn")
    chosen, disagreeing = publication_date(s, p)
    assert (chosen.kind, chosen.label, chosen.date) == ("label", "发布日期", date(2023, 7, 19))
    assert [(x.kind, x.generation, x.date) for x in disagreeing] == [("meta", True, date(2024, 4, 15))]
    assert explain(chosen, disagreeing) == \
        "发布日期依据：页面“发布日期”标注 2023-07-19（PubDate 2024-04-15 为页面生成时间，未采用）"
    # 北京市丰台区: the same template, 日期：2024-05-30 against PubDate 2024-06-03 14:25:31
    s, p = corpus_page("bjft.gov.cn")
    chosen, disagreeing = publication_date(s, p)
    assert (chosen.kind, chosen.date) == ("label", date(2024, 5, 30))
    assert "PubDate 2024-06-03 为页面生成时间，未采用" in explain(chosen, disagreeing)


def test_a_pubdate_is_a_generation_stamp_only_to_the_minute():
    # 北京市大兴区: PubDate 2024-09-27 has no time; createDate 2024-09-27 15:29:53 cannot equal it
    s, p = corpus_page("bjdx.gov.cn")
    chosen, _ = publication_date(s, p)
    assert chosen.kind == "meta" and not chosen.generation
    # 浙江省发展和改革委员会: Maketime 2019-03-22 is another time: PubDate stands
    s, p = corpus_page("fgw.zj.gov.cn")
    assert decided(s, p) == ("meta", date(2016, 11, 22)) and ("generated", date(2019, 3, 22)) in kinds(s, p)


def test_a_generation_stamp_pubdate_alone_still_dates_the_page_and_says_so():
    # fixture: sctcm's two meta lines on a page that shows no date (the corpus has none such)
    s, p = _one("", head='<meta name="PubDate" content="2024-04-15 14:53:51"/>'
                         '<meta name="others" content="页面生成时间 2024-04-15 14:53:51" />')
    chosen, disagreeing = publication_date(s, p)
    assert chosen.generation and chosen.date == date(2024, 4, 15)
    assert "与页面生成时间相同" in explain(chosen, disagreeing)


# -- labels ---------------------------------------------------------------------------------------
def test_a_label_is_a_whole_token():
    # 乌鲁木齐市: 报名时间：2024年3月7日-4月26日 / 培训时间 are not 时间 labels
    s, p = corpus_page("wlmq.gov.cn")
    assert not [x for x in date_signals(s, p) if x.kind == "label"]
    assert decided(s, p) == ("meta", date(2024, 3, 3))
    # 济南市市中区: 开始时间:2024-09-04 is the window's start; the URL dates the page
    s, p = corpus_page("shizhong.gov.cn")
    assert decided(s, p) == ("url", date(2024, 9, 30))
    # 国家金融监督管理总局: the sidebar's 留言时间： 2025-04-27 is not read
    s, p = corpus_page("nfra/page_source_debug")
    assert {x.date for x in date_signals(s, p) if x.kind == "label"} == {date(2024, 7, 12)}


def test_labels_anywhere_in_a_chunk():
    cases = {"sctcm.sc.gov.cn": date(2023, 7, 19),       # 【来源： 综合自…】 发布日期：2023-07-19
             "suibin.gov.cn": date(2024, 7, 5),          # 信息来源: 发布日期：2024-07-05 13:57
             "hanbin.gov.cn": date(2019, 11, 20)}        # 作者: 来源: 发布时间:2019-11-20 11:34
    for host, when in cases.items():
        s, p = corpus_page(host)
        assert ("label", when) in kinds(s, p), host


def test_tier_one_labels_come_before_tier_two():
    # fixture: both tiers on one page (the corpus pages carry one or the other)
    s, p = _one("<p>日期：2023-01-05</p><p>发布日期：2023-02-02</p>")
    assert decided(s, p) == ("label", date(2023, 2, 2))
    # tier two on real pages: 天津市静海区 更新时间:2021/03/29, 安庆市太湖县 生成日期: 2019-01-23
    s, p = corpus_page("t20210329_5396867")
    assert decided(s, p) == ("label", date(2021, 3, 29))
    s, p = corpus_page("zwgkw.thx.gov.cn")
    chosen, _ = publication_date(s, p)
    assert (chosen.kind, chosen.label, chosen.tier) == ("label", "生成日期", 2)


def test_a_generic_label_counts_only_in_the_articles_head():
    # fixture: an event notice whose body says when the event is (一、时间：…); no corpus page has
    # a 时间 token in its body, the shape is common in 通知 pages
    body = f"<p>{'为做好春季植树工作，现将有关事项通知如下。' * 4}</p><p>一、时间：2024年6月1日上午9时</p>"
    s, p = _one(body)
    assert decided(s, p) is None
    s, p = _one("<p>时间：2024-05-20 10:00 来源：区政府办</p>" + body)      # the head's own 时间
    assert decided(s, p) == ("label", date(2024, 5, 20))


def test_label_in_a_sibling_element_or_an_image_title():
    s, p = corpus_page("gz.gov.cn")             # 广州市: <img title="发布时间"></i><span>2023-12-05</span>
    assert [(x.label, x.date) for x in date_signals(s, p) if x.kind == "label"] == [("发布时间", date(2023, 12, 5))]
    s, p = corpus_page("whlyw.cq.gov.cn")       # 重庆市文旅委: <span>日期：</span><span>2021-07-13</span>
    assert ("label", date(2021, 7, 13)) in kinds(s, p)
    s, p = corpus_page("shanxi.gov.cn")         # 山西省: <span alt="时间：2017-11-08 20:26"> is not text
    assert date(2017, 11, 8) not in {x.date for x in date_signals(s, p)}


def test_label_value_table_cells_with_and_without_colon():
    # 中国政府网: <td><b>发布日期：</b></td><td>2018年12月27日</td>, 成文日期 2018-12-07 beside it
    s, p = corpus_page("content_5352666")
    assert decided(s, p) == ("infobox", date(2018, 12, 27))
    assert ("issued", date(2018, 12, 7)) in kinds(s, p)
    # 浙江省文化和旅游厅: <td>成文日期</td><td>2020-12-29</td> without a colon
    s, p = corpus_page("ct.zj.gov.cn")
    issued = [x for x in date_signals(s, p) if x.kind == "issued"]
    assert [(x.label, x.date) for x in issued] == [("成文日期", date(2020, 12, 29))]


# -- dedicated elements ---------------------------------------------------------------------------
def test_hidden_news_article_pub_day():
    for host, when in (("whlyw.cq.gov.cn", date(2021, 7, 13)), ("wuhan.gov.cn", date(2023, 11, 6)),
                       ("hsyw/202306", date(2023, 6, 8))):     # 重庆市文旅委, 武汉市, 武汉市洪山区
        s, p = corpus_page(host)
        element = [x for x in date_signals(s, p) if x.kind == "element"]
        assert [(x.label, x.date) for x in element] == [('id="NewsArticlePubDay"', when)], host


def test_date_elements_named_by_class_or_id():
    s, p = corpus_page("cmse.gov.cn")           # 中国载人航天: <div class="pubDate">发布日期: <span>…
    assert ("element", date(2012, 6, 24)) in kinds(s, p)
    s, p = corpus_page("foshan.gov.cn")         # 佛山市: <em id="pubTime">2024-06-25 10:03:27</em>
    assert ("element", date(2024, 6, 25)) in kinds(s, p)


def test_time_publishtime_and_data_attributes():
    # fixture: the corpus has no <time>, <publishtime> or data-* date (REPORT.md §1.2)
    for body in ('<p><time datetime="2023-05-12T09:30:00+08:00">5月12日</time></p>',
                 "<p><publishtime>2023-05-12 09:30</publishtime></p>",
                 '<div class="meta" data-publish-date="2023-05-12"></div>'):
        s, p = _one(body)
        assert decided(s, p) == ("element", date(2023, 5, 12)), body
    # a pubdate-classed date in a related-articles list is that article's, not this page's
    s, p = _one('<ul class="related"><li><a href="/a/2.html">另一篇文章的标题很长</a>'
                '<span class="pubdate">2021-01-01</span></li></ul>')
    assert decided(s, p) is None


# -- info boxes, list rows, URLs ------------------------------------------------------------------
def test_issued_dates_never_decide():
    s, p = corpus_page("tongchuan.gov.cn")      # 铜川市: 发文日期 2020-09-28, 发布日期 2020-09-30
    assert decided(s, p) == ("infobox", date(2020, 9, 30)) and ("issued", date(2020, 9, 28)) in kinds(s, p)
    s, p = corpus_page("gaoqing.gov.cn")        # 淄博市高青县: only 成文日期/发文日期 (and the 落款)
    chosen, disagreeing = publication_date(s, p)
    assert chosen is None and ("issued", date(2021, 3, 26)) in kinds(s, p)
    assert explain(chosen, disagreeing, date_signals(s, p)).startswith("未见发布日期（仅有成文日期 2021-03-26")


def test_the_list_row_of_the_page_dates_it():
    # fixture: the corpus has no crawled static list (REPORT.md §1.2)
    art = "http://x.gov.cn/tzgg/article.html"
    lst = "http://x.gov.cn/tzgg/"
    rows = "".join(f'<li><a href="/tzgg/{i}.html">第{i}条通知公告的标题文字</a><span>2023-0{i}-01</span></li>'
                   for i in range(1, 4))
    listing = (f"<html><body><ul class='list'>{rows}<li><a href='/tzgg/article.html'>关于开展春季植树"
               f"活动的通知</a><span>2023-03-08</span></li></ul></body></html>")
    s = site({lst: listing, art: _page("")})
    chosen, _ = publication_date(s, s.get(art))
    assert (chosen.kind, chosen.date, chosen.where) == ("listrow", date(2023, 3, 8), lst)
    # a list's 成文日期 column is when the document was signed: listed, never deciding
    table = ("<html><body><table><tr><th>标题</th><th>成文日期</th></tr><tr><td><a href='/tzgg/article.html'>"
             "关于开展春季植树活动的通知</a></td><td>2023-03-01</td></tr></table></body></html>")
    s = site({lst: table, art: _page("")})
    assert publication_date(s, s.get(art))[0] is None and ("issued", date(2023, 3, 1)) in kinds(s, s.get(art))


def test_url_dates_of_real_portals():
    assert url_date("http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html") == date(2012, 6, 24)
    assert url_date("https://shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html") == date(2023, 3, 31)
    assert url_date("http://www.gov.cn/zhengce/content/2018-12/27/content_5352666.htm") == date(2018, 12, 27)
    assert url_date("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html") == date(2016, 11, 22)
    assert url_date("http://www.shizhong.gov.cn/art/2024/9/30/art_116946_3021.html") == date(2024, 9, 30)
    # ids that only look like dates give nothing: 广西 t19107548, a snowflake id, 2018-12/27's content id
    assert url_date("http://www.gxzf.gov.cn/zzqzyxx/t19107548.shtml") is None
    assert url_date("http://61.150.65.235/zfxxgk/zfxxgknb/bmxxgknb/1906985018193408001.html") is None
    assert url_date("http://x.gov.cn/a/content_20231399_1.html") is None            # no 13th month
    # a month folder is a month: 铜川市 /202009/
    tongchuan = "http://www.tongchuan.gov.cn/resources/site/1/html/zcwj/tcszfwj/tzf/202009/302934.html"
    assert url_date(tongchuan) is None and url_month(tongchuan) == (2020, 9)


def test_a_month_folder_supports_or_contradicts_but_never_decides():
    s, p = corpus_page("xyq.gov.cn")            # 佳木斯市向阳区: /202401/ only
    assert decided(s, p) is None and [x.precision for x in date_signals(s, p)] == ["month"]
    s, p = corpus_page("zb.gov.cn")             # 镇巴县: /202404/ and 发布日期 2024-04-06: they agree
    assert publication_date(s, p)[1] == []
    # fixture: a 发布日期 outside its URL's month is a disagreement
    s, p = _one("<p>发布日期：2023-07-19</p>", url="http://x.gov.cn/tzgg/202305/abc.html")
    chosen, disagreeing = publication_date(s, p)
    assert chosen.date == date(2023, 7, 19) and [(x.kind, x.precision) for x in disagreeing] == [("url", "month")]
    assert "网址中的月份 2023-05 与之不一致" in explain(chosen, disagreeing)


# -- the unlabelled fallback and what is never read ----------------------------------------------
def test_an_unlabelled_date_under_the_title_only_when_nothing_is_labelled():
    # 中国科普网: <li>来源：新华社</li><li>作者：</li><li>2023-12-01 14:43</li>, no PubDate; served at
    # an address without a date it is the only date
    s, p = corpus_page("kepu", url="http://www.kepu.gov.cn/politics/content_1755244.html")
    assert decided(s, p) == ("unlabelled", date(2023, 12, 1))
    s, p = corpus_page("kepu")                  # at its real address the URL agrees, and ranks first
    chosen, disagreeing = publication_date(s, p)
    assert chosen.kind == "url" and disagreeing == [] and ("unlabelled", date(2023, 12, 1)) in kinds(s, p)
    # fixture: the same page with a 发布日期 label has no unlabelled reading
    html = corpus_html("kepu/kepu_content_1755244.html").replace("<li>作者：</li>", "<li>发布日期：2023-12-02</li>")
    s = site({"http://www.kepu.gov.cn/politics/content_1755244.html": html})
    assert decided(s, s.home) == ("label", date(2023, 12, 2))
    assert "unlabelled" not in {x.kind for x in date_signals(s, s.home)}


def test_calendar_widgets_are_never_read():
    s, p = corpus_page("t20210329_5396867")     # 天津市静海区: 今天是:2019年10月31日 星期三
    s2, p2 = corpus_page("t20240328_6583952")   # 天津市静海区: 天津市静海区人民政府 2019年12月3日星期二
    s3, p3 = corpus_page("gxzf.gov.cn")         # 广西: <span class="site-date">2023年9月9日 </span>
    assert date(2019, 10, 31) not in {x.date for x in date_signals(s, p)}
    assert date(2019, 12, 3) not in {x.date for x in date_signals(s2, p2)}
    assert date(2023, 9, 9) not in {x.date for x in date_signals(s3, p3)}
    # fixture: a labelled date that is today's calendar
    s, p = _one("<div class='top'>更新时间：2023年5月1日 星期一</div>")
    assert decided(s, p) is None


def test_the_signature_date_is_never_the_publication_date():
    for host, signed, published in (
            ("content_5352666", date(2018, 12, 7), date(2018, 12, 27)),      # 国务院办公厅 2018年12月7日
            ("content_5353307", date(2018, 12, 21), date(2018, 12, 29)),     # 国务院 2018年12月21日
            ("wsjkw.sh.gov.cn", date(2024, 5, 10), date(2024, 5, 11)),       # Word-pasted 2024|年5月10日
            ("tongchuan.gov.cn", date(2020, 9, 28), date(2020, 9, 30)),
            ("zwgkw.thx.gov.cn", date(2019, 1, 17), date(2019, 1, 23)),
            ("wlmq.gov.cn", date(2024, 3, 1), date(2024, 3, 3))):            # 新疆文化艺术学校 2024年3月1日
        s, p = corpus_page(host)
        assert ("signature", signed) in kinds(s, p), host
        assert publication_date(s, p)[0].date == published, host
    s, p = corpus_page("dachuan.gov.cn")        # 达州市达川区: the 落款 is the only date
    assert publication_date(s, p)[0] is None and ("signature", date(2019, 1, 25)) in kinds(s, p)
