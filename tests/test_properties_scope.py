"""Property-based tests (hypothesis) for URL normalisation and scope decisions (page/scope.py)."""
from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from zwgk.page.html import extract
from zwgk.page.scope import Scope, looks_like_trap, normalise_url

FAST = settings(max_examples=150, deadline=None)

label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
host = st.one_of(st.lists(label, min_size=2, max_size=4).map(".".join),
                 st.sampled_from(["127.0.0.1", "[::1]", "[2001:db8::1]", "XINHUI.GOV.CN"]))
segment = st.text(string.ascii_letters + string.digits + "-_.~%中文", min_size=1, max_size=10).filter(
    lambda s: s not in (".", ".."))
path = st.lists(segment, max_size=6).map(lambda segs: "/" + "/".join(segs))
query_pair = st.tuples(st.text(string.ascii_letters + "_", min_size=1, max_size=8),
                       st.text(string.printable.strip() + "中文 ", max_size=8))
query = st.lists(query_pair, max_size=4).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
port = st.one_of(st.none(), st.sampled_from([80, 443, 8080, 65535]))


@st.composite
def urls(draw, host_strategy=host):
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    h = draw(host_strategy)
    p = draw(port)
    q = draw(query)
    frag = draw(st.sampled_from(["", "#top", "#中文"]))
    return f"{scheme}://{h}{'' if p is None else f':{p}'}{draw(path)}{'?' + q if q else ''}{frag}"


@FAST
@given(urls())
def test_normalise_is_idempotent(url):
    once = normalise_url(url)
    assert normalise_url(once) == once


@FAST
@given(st.text(max_size=200))
def test_normalise_scope_and_trap_never_raise_on_any_text(text):
    normalise_url(text)
    looks_like_trap(text)
    scope = Scope("http://www.jiangmen.gov.cn/bmpd/")
    assert isinstance(text in scope, bool)


@FAST
@given(urls(), st.sampled_from(["jsessionid", "PHPSESSID", "utm_source", "_t", "timestamp"]),
       st.text(string.ascii_letters + string.digits, min_size=1, max_size=12))
def test_session_and_tracking_keys_do_not_make_new_urls(url, key, value):
    base = url.split("#", 1)[0]
    sep = "&" if "?" in base else "?"
    assert normalise_url(f"{base}{sep}{key}={value}") == normalise_url(base)


@FAST
@given(urls(), path)
def test_a_url_below_the_start_directory_is_in_scope(start, sub):
    scope = Scope(start)
    prefix = scope.prefix_url.rstrip("/")
    assert prefix + "/" + sub.lstrip("/") in scope
    # the same page over the other default-port scheme is the same site
    other = scope.prefix_url.replace("http://", "https://", 1) if scope.prefix_url.startswith("http://") \
        else scope.prefix_url.replace("https://", "http://", 1)
    if scope.port in (80, 443):
        assert other + "x.html" in scope


@FAST
@given(urls(), host)
def test_another_host_is_never_in_scope(start, other_host):
    scope = Scope(start)
    if other_host.lower().strip("[]") == scope.host.strip("[]"):
        return
    assert f"http://{other_host}{scope.path}x.html" not in scope
    assert not scope.same_host(f"http://{other_host}/")


@FAST
@given(urls(), segment)
def test_a_sibling_directory_sharing_a_prefix_is_out_of_scope(start, extra):
    scope = Scope(start)
    if scope.path == "/":
        return
    sibling = scope.prefix_url.rstrip("/") + extra.replace("/", "") + "/page.html"
    assert sibling not in scope


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3), st.integers(3, 6))
def test_self_repeating_paths_are_traps(cycle, times):
    assert looks_like_trap("http://x.gov.cn/" + "/".join(cycle * times) + "/")


@FAST
@given(st.text(max_size=60))
def test_extracted_links_are_always_fetchable_urls(href):
    html = f'<html><body><a href="{href.replace(chr(34), "")}">x</a></body></html>'
    for link in extract(html, "http://www.jiangmen.gov.cn/zwgk/")["links"]:
        assert link.url.startswith(("http://", "https://"))
        normalise_url(link.url)
        assert isinstance(link.url in Scope("http://www.jiangmen.gov.cn/"), bool)


def test_regressions_found_by_these_properties():
    # a start page at the root (…/index.html) scoped to "//": nothing but the start page was crawled
    assert "http://www.xinhui.gov.cn/zwgk/tzgg/" in Scope("http://www.xinhui.gov.cn/index.html")
    # IPv6 literals lost their brackets, so the normalised URL had an unreadable port
    assert normalise_url("http://[::1]:8080/a") == "http://[::1]:8080/a"
    # a non-numeric port in a hostile href raised inside the spider and lost the page's other links
    assert normalise_url("http://a.gov.cn:abc/x") == "http://a.gov.cn:abc/x"
    links = extract('<a href="http://a.gov.cn:abc/x">坏</a><a href="/ok.html">好</a>', "http://a.gov.cn/")["links"]
    assert [l.url for l in links] == ["http://a.gov.cn/ok.html"]
