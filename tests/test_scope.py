"""Scope: a department channel under a path prefix never crawls its parent portal."""
import pytest

from zwgk.page.scope import Scope, moved_start, normalise_url


def test_department_prefix_excludes_parent_portal():
    s = Scope("http://127.0.0.1:8000/bmpd/fgj/index.html")
    assert "http://127.0.0.1:8000/bmpd/fgj/tzgg/t20230310_1.html" in s
    assert "http://127.0.0.1:8000/bmpd/fgj/" in s
    assert "http://127.0.0.1:8000/index.html" not in s
    assert "http://127.0.0.1:8000/bmpd/fgjx/index.html" not in s
    assert "http://127.0.0.1:8000/zwgk/" not in s
    assert "http://127.0.0.1:8001/bmpd/fgj/a.html" not in s   # another port is another site


def test_explicit_scope_prefix_overrides():
    s = Scope("https://www.jiangmen.gov.cn/bmpd/fgj/index.html", "https://www.jiangmen.gov.cn/bmpd/")
    assert "https://www.jiangmen.gov.cn/bmpd/jyj/index.html" in s


def test_http_and_https_are_one_site_and_hosts_are_exact():
    s = Scope("https://www.xinhui.gov.cn/")
    assert "http://www.xinhui.gov.cn/zwgk/" in s
    assert "https://xinhui.gov.cn/" not in s
    assert "https://www.xinhui.gov.cn.evil.cn/" not in s
    assert "ftp://www.xinhui.gov.cn/" not in s


def test_normalise_url_drops_sessions_and_fragments():
    assert normalise_url("HTTP://WWW.A.cn:80/x/y.html;jsessionid=AB12?id=3&PHPSESSID=9#top") == \
        "http://www.a.cn/x/y.html?id=3"
    assert normalise_url("https://a.cn") == "https://a.cn/"


@pytest.mark.parametrize("start,final,moved", [
    ("http://xinhui.gov.cn/", "http://www.xinhui.gov.cn/", "http://www.xinhui.gov.cn/"),
    ("http://www.xinhui.gov.cn/", "https://xinhui.gov.cn/index.html", "https://xinhui.gov.cn/index.html"),
    ("http://fgj.jiangmen.gov.cn/", "http://www.jiangmen.gov.cn/bmpd/fgj/", "http://www.jiangmen.gov.cn/bmpd/fgj/"),
    ("http://www.jiangmen.gov.cn/", "http://www.jiangmen.gov.cn/zwgk/", ""),            # still in scope
    ("http://www.xinhui.gov.cn/", "http://www.jiangmen.gov.cn/", ""),                  # another unit
    ("http://www.xinhui.gov.cn/", "http://www.xinhui.com/", ""),                       # another domain
    ("http://www.xinhui.gov.cn/", "http://sso.xinhui.gov.cn/login?service=x", ""),     # a login
    ("http://www.xinhui.gov.cn/", "http://xinhui.gov.cn/cas/login", ""),
    ("http://www.xinhui.gov.cn/", "http://xinhui.gov.cn/zwgk/202303/t20230301_1.html", ""),   # an article
    ("http://10.0.0.5/", "http://10.0.0.6/", ""),                                       # two addresses
    ("http://www.jiangmen.gov.cn/bmpd/fgj/", "http://www.jiangmen.gov.cn/", ""),         # a channel gone
    ("http://www.jiangmen.gov.cn/bmpd/fgj/", "https://jiangmen.gov.cn/index.html", ""),
    ("http://www.jiangmen.gov.cn/bmpd/fgj/", "http://www.jiangmen.gov.cn/bmpd/fgw/",
     "http://www.jiangmen.gov.cn/bmpd/fgw/"),                                            # renamed
])
def test_a_start_url_moves_only_to_a_home_page_of_the_same_site(start, final, moved):
    assert moved_start(start, final, Scope(start)) == moved
