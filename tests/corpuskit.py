"""The shared corpus's real pages as Sites: tests/fixtures/corpus/shared/ (exact copies of
../shared/corpus, provenance in tests/fixtures/corpus/PROVENANCE.md) and the publication-date
expectations written for them before the date reader ran (pubdate_expectations.yaml)."""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import yaml

from tests.sitekit import FIXTURES, site

CORPUS = FIXTURES / "corpus" / "shared"
EXPECTATIONS = yaml.safe_load((FIXTURES / "corpus" / "pubdate_expectations.yaml").read_text(encoding="utf-8"))


def excerpt_html(text: str) -> str:
    """A plain-text excerpt as the markup it came from: a line is a paragraph, a line of
    "a | b |" cells a table row."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append("<table><tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr></table>")
        else:
            rows.append(f"<p>{html.escape(line)}</p>")
    return "<html><head><meta charset='utf-8'></head><body>" + "".join(rows) + "</body></html>"


@lru_cache(maxsize=None)
def corpus_html(file: str) -> str:
    path: Path = CORPUS / file
    text = path.read_text(encoding="utf-8")
    return excerpt_html(text) if path.name.endswith(".excerpt.txt") else text


def real_pages() -> list[tuple[Path, str]]:
    """(path, markup) of every real HTML page of the corpus (not the plain-text excerpts)."""
    return [(p, corpus_html(p.relative_to(CORPUS).as_posix())) for p in sorted(CORPUS.rglob("*.htm*"))
            if not p.name.endswith(".excerpt.txt")]


def entry(host_or_file: str) -> dict:
    """The expectation of the one corpus file whose path contains host_or_file."""
    found = [e for e in EXPECTATIONS if host_or_file in e["file"]]
    assert len(found) == 1, (host_or_file, [e["file"] for e in found])
    return found[0]


def corpus_page(e: dict | str, url: str | None = None):
    """(site, page) of a corpus file (an expectation or part of its path) at the expectation's
    URL, or at url."""
    e = entry(e) if isinstance(e, str) else e
    s = site({url or e["url"]: corpus_html(e["file"])})
    return s, s.home
