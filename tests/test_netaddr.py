"""netguard.classify / is_internal_ip / canonical_host, and GuardedResolver with a fake reactor.

Public addresses appear here only as text given to classify() or to a fake resolver: nothing in
this file opens a connection or makes a DNS query.
"""
from __future__ import annotations

import ipaddress

import pytest

from zwgk.page.netaddr import NetPolicy, allow_entries, canonical_host, classify, host_and_port, is_internal_ip, parse_ip

INTERNAL = [
    # loopback, every IPv4 notation inet_aton / browsers accept
    "127.0.0.1", "127.0.0.2", "127.1", "127.0.1", "0x7f.0.0.1", "0x7F.0.0.1", "0x7f000001",
    "0x7f.1", "017700000001", "0177.0.0.1", "0177.0.0.01", "2130706433", "2130706434",
    "127.0.0.1.", "0x7f.0x0.0x0.0x1", "127.000.000.001",
    # the unspecified address, which Linux connects to this machine
    "0", "0.0.0.0", "0x0", "00", "0.0.0.0.",
    "0x", "0x.0x.0x.0x",               # 0 to browsers (WHATWG), invalid to inet_aton: refused
    # private, CGNAT, link-local (cloud metadata), multicast, reserved, broadcast, docs, bench
    "10.0.0.1", "10.1", "167772161", "0xa.0.0.1", "012.0.0.1", "172.16.0.1", "172.31.255.255",
    "192.168.1.1", "192.168.1", "3232235777", "100.64.0.1", "100.127.255.255",
    "169.254.169.254", "169.254.1.1", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "192.0.0.8",
    # IPv6
    "::1", "[::1]", "::", "[::]", "0:0:0:0:0:0:0:1", "fe80::1", "[fe80::1%25eth0]",
    "fe80::1%eth0", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "3fff::1",
    "100::1", "5f00::1",
    # IPv6 with an internal IPv4 inside
    "::ffff:127.0.0.1", "[::ffff:127.0.0.2]", "::ffff:7f00:2", "::ffff:10.0.0.1",
    "::ffff:0:10.0.0.1", "::127.0.0.1", "::10.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b::a00:1",
    "64:ff9b:1::1", "2002:7f00:1::1", "2002:c0a8:101::1", "2001::1", "2001:0:4136:e378::1",
    # names only this machine or an intranet answers
    "localhost", "LOCALHOST", "localhost.", "foo.localhost", "a.b.localhost.",
    "localhost.localdomain", "ip6-localhost", "printer.local", "nas.home.arpa", "db.internal",
    "intranet", "oa",
    # what browsers and w3lib make of Unicode hosts
    "１２７．０．０．１", "１２７。０。０。１", "127。0。0。1", "ＬＯＣＡＬＨＯＳＴ", "ｌｏｃａｌｈｏｓｔ",
    "%31%32%37.0.0.1", "%6c%6f%63%61%6c%68%6f%73%74",
    # ports and userinfo around the host
    "127.0.0.1:8080", "[::1]:8080", "user@127.0.0.1", "",
]

INTERNAL_URLS = [
    "http://127.0.0.2/", "http://127.0.0.2:8080/x", "http://2130706434/", "http://0x7f.0.0.2/",
    "http://017700000002:81/", "http://127.1/", "http://[::1]:8080/", "http://[::ffff:127.0.0.2]/",
    "http://[::ffff:7f00:2]/", "http://[fe80::1%25eth0]/", "http://localhost:8080/",
    "https://foo.localhost/", "http://user:pw@10.0.0.1/", "http://public.example@127.0.0.2/",
    "http://127.0.0.2\\@public.example/", "http://１２７。０。０。２/", "http://0/",
    "http://169.254.169.254/latest/meta-data/", "ftp://192.168.0.10/", "//10.0.0.1/x",
    "http://[::]/", "http://:80/", "http://%31%32%37.0.0.1/",
]

PUBLIC = [
    "8.8.8.8", "1.1.1.1", "114.114.114.114", "223.5.5.5", "134744072", "0x8.0x8.0x8.0x8",
    "0127.0.0.1",                      # octal 0127 = 87: 87.0.0.1 is public (as inet_aton reads it)
    "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.169.0.1",
    "169.253.255.255", "11.0.0.1", "192.31.196.1", "192.175.48.1",
    "2400:3200::1", "240c::6666", "2001:4860:4860::8888", "2620:4f:8000::1",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2001:3::1",
    "www.gov.cn", "WWW.GOV.CN.", "www.beijing.gov.cn", "xn--fiqs8s.cn", "中国.cn", "政府.中国",
    "localhost.example.com", "mylocal.cn", "internal.gov.cn", "127.0.0.1.example.com",
    "1.2.3.4.5",
]
PUBLIC_URLS = ["http://www.gov.cn/", "https://www.gov.cn:8443/a?b#c", "http://[2400:3200::1]/",
               "http://8.8.8.8/", "http://中国.cn/", "http://user@www.gov.cn/"]


@pytest.mark.parametrize("host", INTERNAL)
def test_internal_hosts(host):
    why = classify(host)
    assert why, host
    assert isinstance(why, str)


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_urls(url):
    assert classify(url), url


@pytest.mark.parametrize("host", PUBLIC)
def test_public_hosts(host):
    assert classify(host) == "", (host, classify(host))


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls(url):
    assert classify(url) == "", (url, classify(url))


def test_reasons_name_the_address_and_the_block():
    assert classify("http://2130706434:8080/") == "2130706434（即 127.0.0.2）是回环地址（127.0.0.0/8）"
    assert classify("10.1.2.3") == "10.1.2.3 是私有地址（10.0.0.0/8）"
    assert "100.64.0.0/10" in classify("100.64.1.1")
    assert "169.254.169.254" in classify("169.254.169.254")
    assert "IPv4 映射地址" in classify("[::ffff:10.0.0.1]") and "10.0.0.1" in classify("[::ffff:10.0.0.1]")
    assert "NAT64" in classify("64:ff9b::a00:1")
    assert classify("localhost") == "localhost 是本机主机名（localhost）"


@pytest.mark.parametrize("text, expected", [
    ("127.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"),
    ("0", "0.0.0.0"), ("10.1", "10.0.0.1"), ("192.168.257", "192.168.1.1"),
    ("[::1]", "::1"), ("fe80::1%eth0", "fe80::1"), ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
])
def test_parse_ip_notations(text, expected):
    assert parse_ip(text) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("text", ["256.0.0.1", "1.2.3.4.5", "0x100.0.0.1", "08.0.0.1", "1..1",
                                  "4294967296", "www.gov.cn", "", "1.2.3.-1", "1.256.1", "00x1"])
def test_not_ip(text):
    assert parse_ip(text) is None, text


def test_is_internal_ip_objects():
    assert is_internal_ip(ipaddress.ip_address("127.0.0.1"))
    assert is_internal_ip(ipaddress.ip_address("::ffff:192.168.0.1"))
    assert is_internal_ip(ipaddress.ip_address("fd00::1"))
    assert is_internal_ip(ipaddress.ip_address("8.8.8.8")) == ""
    assert is_internal_ip(ipaddress.ip_address("2400:3200::1")) == ""
    # every address Python itself says is not global is internal here too
    for text in ["0.1.2.3", "192.0.0.1", "2001:10::1", "2001:2::1", "::ffff:0:0"]:
        assert is_internal_ip(ipaddress.ip_address(text)), text


def test_canonical_host():
    assert canonical_host("0x7f.1") == "127.0.0.1"
    assert canonical_host("[::1]") == "::1"
    assert canonical_host("WWW.Gov.CN.") == "www.gov.cn"
    assert canonical_host("中国.cn") == "xn--fiqs8s.cn"
    assert canonical_host("１２７。０。０。１") == "127.0.0.1"
    assert host_and_port("https://x.cn/") == ("x.cn", 443)
    assert host_and_port("http://[::1]:8080/") == ("::1", 8080)


def test_allowlist_entries():
    assert allow_entries("http://127.0.0.1:8080/x") == {("127.0.0.1", 8080)}
    assert allow_entries("https://www.gov.cn/") == {("www.gov.cn", 80), ("www.gov.cn", 443)}
    assert allow_entries("10.0.0.5") == {("10.0.0.5", None)}
    assert allow_entries("[::1]:8080") == {("::1", 8080)}
    assert allow_entries("oa.city.gov.cn:8443") == {("oa.city.gov.cn", 8443)}



def test_policy_allows_the_units_own_site_only():
    policy = NetPolicy.of("http://127.0.0.1:8080/zwgk/", "https://10.0.0.5/")
    assert policy.refusal("http://127.0.0.1:8080/a") == ""
    assert policy.refusal("http://2130706433:8080/a") == ""          # the same address, spelled otherwise
    assert policy.refusal("http://10.0.0.5/") == "" and policy.refusal("https://10.0.0.5/x") == ""
    assert "回环" in policy.refusal("http://127.0.0.1:8081/")           # another port is another server
    assert "本机" in policy.refusal("http://localhost:8080/")            # another name is refused too
    assert policy.refusal("file:///etc/passwd")
    assert policy.refusal("http://www.gov.cn/") == ""
    assert NetPolicy.of(allow_internal=True).refusal("http://10.1.1.1/") == ""
