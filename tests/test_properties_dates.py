"""Property-based tests (hypothesis) for dates read from Chinese text and URLs (page/text.py)."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from zwgk.page.text import find_dates, parse_date, url_date

FAST = settings(max_examples=200, deadline=None)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
# Surrounding text: CJK ideographs and punctuation, no digits (nor anything NFKC turns into one).
cjk = st.text(st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                        st.sampled_from(list("：，。（）【】 \u3000\xa0"))), max_size=12)
FULLWIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


def formats(d: date) -> list[str]:
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month:02d}月{d.day:02d}日",
            f"{d:%Y-%m-%d}", f"{d.year}-{d.month}-{d.day}", f"{d:%Y/%m/%d}", f"{d.year}/{d.month}/{d.day}",
            f"{d:%Y.%m.%d}", f"{d.year} 年 {d.month} 月 {d.day} 日", f"{d:%Y-%m-%d} 14:30:00"]


@FAST
@given(dates, st.integers(0, 8), cjk, cjk, st.booleans())
def test_a_written_date_is_read_back(d, which, before, after, fullwidth):
    written = formats(d)[which]
    if fullwidth:
        written = written.translate(FULLWIDTH)
    assert parse_date(f"{before}发布日期：{written}{after}") == d


@FAST
@given(dates, dates, cjk)
def test_dates_found_in_order(a, b, sep):
    assert find_dates(f"{a:%Y-%m-%d}{sep}至{b.year}年{b.month}月{b.day}日") == [a, b]


@FAST
@given(st.text(max_size=300))
def test_any_text_gives_real_dates_or_none(text):
    for d in find_dates(text):
        assert 1900 <= d.year <= 2099
    parse_date(text)
    url_date(text)


@FAST
@given(st.integers(1900, 2099), st.integers(0, 99), st.integers(0, 99))
def test_impossible_dates_are_not_dates(y, m, d):
    try:
        real = date(y, m, d)
    except ValueError:
        real = None
    assert parse_date(f"{y}年{m}月{d}日") == real


@FAST
@given(dates, st.integers(0, 10 ** 9), st.sampled_from(["/zwgk/tzgg/{ym}/t{ymd}_{n}.html",
                                                         "http://www.jiangmen.gov.cn/{ym}/t{ymd}_{n}.shtml"]))
def test_trs_url_dates(d, n, pattern):
    url = pattern.format(ym=f"{d:%Y%m}", ymd=f"{d:%Y%m%d}", n=n)
    assert url_date(url) == d


@FAST
@given(st.integers(10 ** 7, 10 ** 9), cjk)
def test_digits_alone_are_not_a_date(n, text):
    # an article id or phone number is no date unless it has a date's separators
    assert parse_date(f"{text}编号{n}") is None
