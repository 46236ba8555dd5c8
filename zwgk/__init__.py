"""zwgk — 政务公开合规巡检.

The application layer: the CLI (argparse), the audit (one function builds each unit's Site, runs
the checks, stores, scores and publishes; used by `check`, `audit` and cluster workers alike),
scheduling, the cluster, progress, summary, lock, and the demo with its sample portals.

The other layers are subpackages mapped from the repository's top-level folders (see
pyproject.toml's package-dir), each importing only those listed before it:
zwgk.page → zwgk.crawler → zwgk.storage → zwgk.checks → zwgk.reports → zwgk (this package).
"""
__version__ = "0.2.0"
