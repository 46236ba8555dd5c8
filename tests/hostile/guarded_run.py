"""`python -m tests.hostile.guarded_run CONFIG.json`: the zwgk CLI in this process, behind a
tripwire and a test double for DNS (tests/hostile/intranet.py says why). CONFIG: {"argv": [...],
"dns": {name: [loopback addresses]}, "result": path}; the result file gets the exit code, every
connect() made, the refused ones (outside loopback) and the names asked for."""
from __future__ import annotations

import errno
import ipaddress
import json
import socket
import sys

CONNECTS: list = []
TRIPWIRE: list = []
RESOLVED: list = []


def _loopback(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return (ip.ipv4_mapped or ip).is_loopback if ip.version == 6 else ip.is_loopback


def _install_tripwire():
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def allowed(address) -> bool:
        if isinstance(address, tuple):
            CONNECTS.append([str(address[0]), int(address[1])])
            if not _loopback(str(address[0])):
                TRIPWIRE.append([str(address[0]), int(address[1])])
                return False
        return True

    def guarded_connect(self, address):
        if not allowed(address):
            raise OSError(errno.ENETUNREACH, "tripwire: not loopback")
        return connect(self, address)

    def guarded_connect_ex(self, address):
        return connect_ex(self, address) if allowed(address) else errno.ENETUNREACH

    socket.socket.connect, socket.socket.connect_ex = guarded_connect, guarded_connect_ex


def _install_dns(mapping: dict):
    from twisted.internet import reactor
    from twisted.internet._resolver import GAIResolver, HostResolution
    from twisted.internet.address import IPv4Address, IPv6Address
    from twisted.internet.interfaces import IHostnameResolver
    from zope.interface import implementer

    from zwgk.page.netaddr import parse_ip

    @implementer(IHostnameResolver)
    class MappingResolver:
        gai = GAIResolver(reactor, reactor.getThreadPool)

        def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None,
                            transportSemantics="TCP"):
            RESOLVED.append(hostName)
            if hostName.lower() == "localhost" or (parse_ip(hostName) is not None and not hostName.endswith(".")):
                return self.gai.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)
            resolution = HostResolution(hostName)
            receiver.resolutionBegan(resolution)
            for ip in mapping.get(hostName.lower().rstrip("."), ()):
                receiver.addressResolved((IPv6Address if ":" in ip else IPv4Address)("TCP", ip, portNumber))
            receiver.resolutionComplete()
            return resolution

    reactor.installNameResolver(MappingResolver())


def main(config_path: str) -> None:
    config = json.loads(open(config_path, encoding="utf-8").read())
    _install_tripwire()
    from scrapy.utils.reactor import install_reactor

    from zwgk.crawler.runner import REACTOR
    install_reactor(REACTOR)
    _install_dns(config.get("dns") or {})
    from zwgk.cli import main as zwgk_main
    code = zwgk_main(config["argv"])
    with open(config["result"], "w", encoding="utf-8") as f:
        json.dump({"exit": code, "connects": CONNECTS, "tripwire": TRIPWIRE, "resolved": RESOLVED}, f)
    sys.exit(code)


if __name__ == "__main__":
    main(sys.argv[1])
