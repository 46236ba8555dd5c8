"""Publication dates of every real page of the shared corpus (53 files, 44 portals), against the
expectations written before checks/parsers/pubdate.py was run on them
(tests/fixtures/corpus/pubdate_expectations.yaml): the date chosen, the kind of signal that
chose it, the signals read, and the dates that must never be chosen (落款, 成文/发文, windows,
calendar widgets, sidebars)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpuskit import CORPUS, EXPECTATIONS, corpus_page
from zwgk.checks.parsers.pubdate import date_signals, publication_date


def _shown(signal) -> str:
    return signal.date.isoformat()[:7] if signal.precision == "month" else signal.date.isoformat()


def _id(entry) -> str:
    return entry["portal"].split()[-1] + ":" + Path(entry["file"]).name[:24]


@pytest.mark.parametrize("entry", EXPECTATIONS, ids=_id)
def test_corpus_page_yields_its_publication_date(entry):
    s, page = corpus_page(entry)
    signals = date_signals(s, page)
    chosen, _ = publication_date(s, page)
    got = chosen.date if chosen else None
    assert got == entry["date"], f"{entry['portal']}: {[(x.kind, x.shown, x.evidence[:40]) for x in signals]}"
    if entry["date"] is not None:
        assert chosen.kind == entry["by"], chosen
    read = {f"{x.kind} {_shown(x)}" for x in signals}
    missing = [r for r in entry.get("reads", []) if r not in read]
    assert not missing, f"{entry['portal']}: not read {missing}; read {sorted(read)}"
    for wrong in entry.get("not", []):
        assert got != wrong


def test_every_corpus_file_has_an_expectation():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
             if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md", "SHA256SUMS")}
    assert files == {e["file"] for e in EXPECTATIONS} and len(files) == 53
