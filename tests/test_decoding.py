"""Decoding: header, then meta, then sniffing; the GBK family read as GB18030."""
from zwgk.crawler.decoding import decode_html, meta_charset, normalise

# 镕 and 堃 are GBK-only: not in GB2312. A page declaring gb2312 routinely contains them.
GBK_ONLY = "朱镕基 王堃 江门市新会区人民政府"


def gbk_page(declared="gb2312") -> bytes:
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">' \
           f"<title>{GBK_ONLY}</title></head><body><p>{GBK_ONLY}</p></body></html>"
    return html.encode("gbk")


def test_gbk_page_declared_gb2312_with_gbk_only_characters():
    body = gbk_page("gb2312")
    try:
        body.decode("gb2312")
        raise AssertionError("fixture must not be valid GB2312")
    except UnicodeDecodeError:
        pass
    d = decode_html(body, "text/html")
    assert GBK_ONLY in d.text
    assert d.encoding == "gb18030"
    assert d.declared == "gb2312"
    assert d.how == "meta"


def test_header_charset_wins_over_meta_when_it_decodes():
    body = gbk_page("utf-8")          # the meta lies; the header tells the truth
    d = decode_html(body, "text/html; charset=GBK")
    assert GBK_ONLY in d.text and d.how == "header"


def test_gbk_served_as_utf8_is_not_garbled():
    body = gbk_page("gbk")
    d = decode_html(body, "text/html; charset=utf-8")
    assert GBK_ONLY in d.text


def test_utf8_served_as_gbk_is_read_as_utf8():
    body = f'<html><head><meta charset="gbk"></head><body>{GBK_ONLY}</body></html>'.encode("utf-8")
    d = decode_html(body, "text/html; charset=gbk")
    assert GBK_ONLY in d.text and d.encoding == "utf-8"


def test_undeclared_gbk_is_sniffed():
    body = f"<html><body>{GBK_ONLY * 3}</body></html>".encode("gbk")
    d = decode_html(body, "text/html")
    assert GBK_ONLY in d.text and d.how == "sniffed"


def test_bom_wins():
    body = "\ufeff<html><body>江门</body></html>".encode("utf-8")
    assert decode_html(body, "text/html; charset=gbk").text.startswith("<html>")


def test_stray_meta_in_body_is_ignored():
    html = ('<html><head><meta charset="utf-8"></head><body>'
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">江门</body></html>')
    assert meta_charset(html.encode("utf-8")) == "utf-8"


def test_normalise_aliases():
    assert normalise("GB2312") == "gb18030"
    assert normalise("x-gbk") == "gb18030"
    assert normalise("UTF8") == "utf-8"
    assert normalise("no-such-codec") is None
