"""Property-based tests (hypothesis) for the encoding detector (crawler/decoding.py): random
Chinese text through gbk / gb18030 / utf-8, with right, wrong or missing declarations."""
from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zwgk.crawler.decoding import decode_html

FAST = settings(max_examples=150, deadline=None)

# Common CJK ideographs that GBK can encode (GB18030 and UTF-8 encode everything).
cjk_char = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
text = st.text(st.one_of(cjk_char, st.sampled_from(list("，。：、“”（）0123456789 abcXYZ"))), min_size=4, max_size=300)
DECLS = {"none": None, "gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030", "utf-8": "utf-8"}


def page(body: str, meta: str | None) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>标题</title></head><body><p>{body}</p></body></html>"


def _cjk_count(s: str) -> int:
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fa5")


@FAST
@given(text, st.sampled_from(["gbk", "gb18030", "utf-8"]), st.sampled_from(sorted(DECLS)),
       st.sampled_from(sorted(DECLS)), st.booleans())
def test_round_trip_whatever_the_declarations_say(body, actual, header_decl, meta_decl, bom):
    # Enough Chinese that a guess has something to go on (a two-character page is ambiguous).
    assume(_cjk_count(body) >= 4)
    try:
        raw = page(body, DECLS[meta_decl]).encode(actual)
    except UnicodeEncodeError:
        assume(False)
    if bom and actual == "utf-8":
        raw = b"\xef\xbb\xbf" + raw
    header = f"text/html; charset={DECLS[header_decl]}" if DECLS[header_decl] else "text/html"
    decoded = decode_html(raw, header)
    assert body in decoded.text, (actual, header_decl, meta_decl, decoded.encoding, decoded.how)


@FAST
@given(text, st.sampled_from(["iso-8859-1", "latin-1", "windows-1252", "ascii"]))
def test_a_western_server_default_does_not_garble_gbk(body, western):
    assume(_cjk_count(body) >= 4)
    raw = page(body, "gbk").encode("gbk")
    assert body in decode_html(raw, f"text/html; charset={western}").text


@FAST
@given(st.text(cjk_char, min_size=8, max_size=100), st.integers(1, 2))
def test_a_utf8_page_cut_mid_character_stays_utf8(body, cut):
    raw = page(body + "江", None).encode("utf-8")
    decoded = decode_html(raw[: -(len("</p></body></html>") + cut)], "text/html; charset=gbk")
    assert decoded.encoding == "utf-8" and body in decoded.text


@FAST
@given(st.binary(max_size=2000), st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                                  "text/html; charset=gbk", "text/html; charset=bogus"]))
def test_any_bytes_decode_without_raising(raw, ctype):
    decoded = decode_html(raw, ctype)
    assert isinstance(decoded.text, str) and decoded.encoding
