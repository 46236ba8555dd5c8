"""The portal descriptions and the registry of sample portals (a compliant and a flawed twin each).

A flawed twin is its compliant twin plus every function in the description's PLANTS, applied in
order; each PLANTS key is the problem id that `expected.py` lists for that portal.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from . import jiangmen, xinhui
from .model import Site


@dataclass(frozen=True)
class Portal:
    describe: Callable[[dt.date], Site]
    plants: dict = field(default_factory=dict)


PORTALS = {
    "city-good": Portal(jiangmen.site),
    "city-bad": Portal(jiangmen.site, jiangmen.PLANTS),
    "county-good": Portal(xinhui.site),
    "county-bad": Portal(xinhui.site, xinhui.PLANTS),
}


def make_site(name: str, as_of: dt.date) -> Site:
    """The site model of one sample portal as of a date (nothing written to disk)."""
    portal = PORTALS[name]
    site = portal.describe(as_of)
    site.key = name
    for plant in portal.plants.values():
        plant(site, as_of)
    return site
