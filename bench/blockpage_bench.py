"""What judging every page for block, captcha, challenge and empty answers costs
(page/blockpage.py, run by crawler/backoff.py on every page the spider fetches), next to what the
spider already spends on the page (page/html.py extract: parse, links, metadata).

    python bench/blockpage_bench.py [--rounds 3]

Pages: the real portal pages of ../shared/corpus and every page of the four sample portals
(built into a temporary folder), each decoded as the crawler decodes it. Prints the time per
page of extract() and analyse(), their ratio, and how many pages took the cheap early exit
(more than 200 links: never a block page).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.spiderkit import CORPUS  # noqa: E402
from zwgk.crawler.decoding import decode_html  # noqa: E402
from zwgk.page.blockpage import TemplateProfile, analyse  # noqa: E402
from zwgk.page.html import extract  # noqa: E402
from zwgk.sample_portals import build_portals  # noqa: E402


def pages(root: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".html", ".htm", ".shtml"):
            out.append(("http://127.0.0.1/" + path.relative_to(root).as_posix(), decode_html(path.read_bytes()).text))
    return out


def timed(fn, items, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for url, html in items:
            fn(url, html)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        built = build_portals(Path(tmp), date(2023, 3, 15))
        sets = {"corpus (real portals)": pages(CORPUS / "realpages"),
                "sample portals": [p for root in built.values() for p in pages(root)]}
        for label, items in sets.items():
            parse = timed(lambda u, h: extract(h, u), items, args.rounds)
            judge = timed(lambda u, h: analyse(200, {}, h, u), items, args.rounds)
            profile = TemplateProfile()
            for url, html in items[:20]:
                profile.learn(html, url)
            judged = timed(lambda u, h: analyse(200, {}, h, u, site_profile=profile), items, args.rounds)
            early = sum(1 for u, h in items if "many links" in analyse(200, {}, h, u).signals)
            n = len(items)
            print(f"{label}: {n} pages, {sum(len(h) for _, h in items) / n / 1024:.0f} KB average; "
                  f"extract {parse / n * 1000:.2f} ms/page, analyse {judge / n * 1000:.2f} ms/page "
                  f"({judge / parse:.2f}× extract), with a learnt profile {judged / n * 1000:.2f} ms/page; "
                  f"{early} pages took the >200-links exit")


if __name__ == "__main__":
    main()
