"""Sample government portals for end-to-end tests and demos.

Four static sites, each served on its own port by a real HTTP server on 127.0.0.1:

- ``city-good`` / ``city-bad``: 江门市人民政府门户网站 (city-portal), with the 江门市发展和改革局
  channel under ``/bmpd/fgj/`` (department);
- ``county-good`` / ``county-bad``: 新会区人民政府 (county), GBK files declared as gb2312.

The ``-good`` twins comply with every rule a crawl over http can judge: each 规范性文件 in force
links its 政策解读 (and back), every unit publishes its 政府信息公开工作年度报告 in its own words with
numbers that agree across years, and its 法治政府建设年度报告 by 03-01; the server sends
X-Content-Type-Options/X-Frame-Options. The ``-bad`` twins carry the planted problems listed in
``expected.EXPECTED`` (those marked ``"verdict": "warn"`` are warnings of their rule, the rest
failures). All dates are relative to the ``as_of`` date the portals are built for.

    from zwgk.sample_portals import build_portals, serve, serve_all, EXPECTED

Layout of this package:

- ``model.py``      Site / Channel / Column / Article: plain data, no HTML.
- ``content.py``    article factories (news, notice, document, interpretation, annual and 法治政府建设
  reports; report numbers chained from year to year), dates relative to as_of.
- ``messages.py``   message boxes (区长信箱, 市长信箱): letters with 留言时间, 办理状态 and reply.
- ``jiangmen.py``, ``xinhui.py``   one description per portal: ``site(as_of)`` builds the compliant
  twin; ``PLANTS`` (problem id -> function) turns it into the flawed twin.
- ``portals.py``    the registry: portal name -> description (+ plants).
- ``build.py``      renders a Site with the jinja2 templates in ``templates/`` (autoescape on).
- ``server.py``     serves a built portal on 127.0.0.1; ``__main__.py`` serves them all.
- ``expected.py``   EXPECTED: units and planted problems, for tests.

To add a page, add an article or a Column to a description. To plant a problem, write a small
function in that description's PLANTS (give the article it touches a fixed doc id with
``with_id``) and list the same problem id in ``expected.py``; ``tests/test_sample_portals.py``
checks that the two agree.
"""
from .build import build_portal, build_portals
from .expected import EXPECTED, demo_units, expected_for, unit_entries
from .portals import PORTALS
from .server import SampleServer, serve, serve_all, stop_all

PORTAL_NAMES = tuple(PORTALS)

__all__ = ["EXPECTED", "PORTAL_NAMES", "SampleServer", "build_portal", "build_portals",
           "demo_units", "expected_for", "serve", "serve_all", "stop_all", "unit_entries"]
