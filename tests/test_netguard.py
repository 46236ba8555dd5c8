"""zwgk.crawler.netguard's resolver guard with a fake reactor: the check is on the addresses handed
to the connector, every time (DNS rebinding), allowing only the running units' own hosts. Nothing here opens a
connection or makes a DNS query; the real crawls are in tests/test_hostile_ssrf.py."""
from __future__ import annotations

import pytest
from twisted.internet.address import IPv4Address, IPv6Address

import zwgk.crawler.netguard as ng
from zwgk.page.netaddr import allow_entries


class FakeInner:
    """A resolver that answers from a list of answers, one per call (DNS rebinding)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None,
                        transportSemantics="TCP"):
        self.calls.append((hostName, portNumber))
        receiver.resolutionBegan(object())
        for ip in self.answers.pop(0):
            cls = IPv6Address if ":" in ip else IPv4Address
            receiver.addressResolved(cls("TCP", ip, portNumber))
        receiver.resolutionComplete()


class FakeReactor:
    def __init__(self, inner):
        self.nameResolver = inner

    def installNameResolver(self, resolver):
        self.nameResolver = resolver


class Collect:
    def __init__(self):
        self.addresses, self.done = [], False

    def resolutionBegan(self, r):
        pass

    def addressResolved(self, a):
        self.addresses.append(a.host)

    def resolutionComplete(self):
        self.done = True


@pytest.fixture
def registry():
    saved = (dict(ng.REGISTRY.policies), set(ng.REGISTRY.extra))
    ng.REGISTRY.policies.clear()
    ng.REGISTRY.refused.clear()
    yield ng.REGISTRY
    ng.REGISTRY.policies.clear()
    ng.REGISTRY.policies.update(saved[0])
    ng.REGISTRY.extra.clear()
    ng.REGISTRY.extra.update(saved[1])
    ng.REGISTRY.refused.clear()


def _guard(answers):
    inner = FakeInner(answers)
    reactor = FakeReactor(inner)
    guard = ng.GuardedResolver(reactor)
    guard.install_on_reactor()
    assert reactor.nameResolver is guard and guard.inner is inner
    return guard, inner


def test_resolver_drops_internal_keeps_public(registry):
    guard, _ = _guard([["8.8.8.8", "10.0.0.5", "::1", "2400:3200::1", "::ffff:127.0.0.1"]])
    got = Collect()
    guard.resolveHostName(got, "mixed.example", 80)
    assert got.done and got.addresses == ["8.8.8.8", "2400:3200::1"]
    assert registry.refusal(("mixed.example", 80)) == ""      # something was left: no refusal


def test_resolver_rebinding_each_answer_is_checked(registry):
    """A name that answers public first and internal next (DNS rebinding): the second answer,
    the one the connection would use, is dropped — the check is on every resolution."""
    guard, inner = _guard([["8.8.8.8"], ["127.0.0.1"], ["10.1.2.3", "169.254.169.254"]])
    for expected in (["8.8.8.8"], [], []):
        got = Collect()
        guard.resolveHostName(got, "rebind.example", 443)
        assert got.addresses == expected
    assert "169.254.169.254" in registry.refusal(("rebind.example", 443)) or \
        "10.1.2.3" in registry.refusal(("rebind.example", 443))
    assert len(inner.calls) == 3


def test_resolver_allows_the_running_units_own_hosts_only(registry):
    guard, _ = _guard([["127.0.0.1"]] * 8)
    registry.policies[1] = ng.NetGuardPolicy(frozenset(allow_entries("http://staging.example:8080/")), False, "u")
    registry.policies[2] = ng.NetGuardPolicy(frozenset(allow_entries("https://www.x.gov.cn/")), False, "v")
    for host, port, expected in (("staging.example", 8080, ["127.0.0.1"]),      # a running unit's start
                                 ("staging.example", 9090, []),                 # another port
                                 ("STAGING.example.", 8080, ["127.0.0.1"]),     # same host, other spelling
                                 ("intranet.example", 80, [])):
        got = Collect()
        guard.resolveHostName(got, host, port)
        assert got.addresses == expected, (host, port)
    registry.policies.clear()
    got = Collect()
    guard.resolveHostName(got, "staging.example", 8080)
    assert got.addresses == []                                 # that unit has ended
    registry.policies[1] = ng.NetGuardPolicy(frozenset(), True, "closed network")
    got = Collect()
    guard.resolveHostName(got, "anything.example", 80)
    assert got.addresses == ["127.0.0.1"]                      # every running unit allows internal
    registry.policies[2] = ng.NetGuardPolicy(frozenset(), False, "strict unit")
    got = Collect()
    guard.resolveHostName(got, "anything.example", 80)
    assert got.addresses == []                                 # one strict unit: fail closed


def test_guard_is_not_stacked(registry):
    inner = FakeInner([])
    reactor = FakeReactor(inner)
    g1 = ng.install_guard(reactor=reactor)
    g2 = ng.install_guard(reactor=reactor)
    assert g1 is g2 and reactor.nameResolver is g1 and g1.inner is inner
    g3 = ng.GuardedResolver(reactor)
    g3.install_on_reactor()                 # installed again explicitly: wraps the inner, not g1
    assert g3.inner is inner


def test_with_names_off_no_name_reaches_the_resolver_and_literals_still_do(registry):
    """NETGUARD_RESOLVE_NAMES=False (the suite's setting, tests/conftest.py; a machine with no
    DNS): a host name is answered "no address" without asking the wrapped resolver, so no DNS
    query leaves the machine; an IP literal and localhost are still resolved."""
    inner = FakeInner([["8.8.8.8"], ["8.8.8.8"]])      # a fake: no query is sent by this test
    reactor = FakeReactor(inner)
    guard = ng.GuardedResolver(reactor, resolve_names=False)
    guard.install_on_reactor()
    for name in ("www.gdzwfw.gov.cn", "127.0.0.1.", "localhost."):
        got = Collect()
        guard.resolveHostName(got, name, 443)
        assert got.done and got.addresses == []
    assert inner.calls == []
    for literal in ("8.8.8.8", "localhost"):
        got = Collect()
        guard.resolveHostName(got, literal, 80)
        assert got.addresses == ["8.8.8.8"]
    assert [name for name, _ in inner.calls] == ["8.8.8.8", "localhost"]


def test_the_suite_runs_with_names_off():
    from zwgk.crawler import settings
    assert settings.NETGUARD_RESOLVE_NAMES is False
