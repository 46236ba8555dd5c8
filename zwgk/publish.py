"""What an audit leaves for people: the scorecards (read back from the database, the one way a
scorecard is assembled), the Word 通报 and 整改通知单, the scorecard site swapped in whole, the
summary and its webhook."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from zwgk.reports.circular import DEFAULT_ISSUER, document_steps, write_documents
from zwgk.reports.html import site_steps, write_site
from zwgk.reports.scorecard import cards_of_run
from zwgk.storage.history import build_history
from zwgk.summary import audit_summary, post_webhook


def cards_for_run(store, run_id: int) -> tuple[list[dict], dict]:
    """(scorecards of every unit of a run, {unit: reachable}), from the database."""
    run = store.run_row(run_id)
    if run is None:
        raise ValueError(f"no run {run_id}")
    return cards_of_run(run, store.unit_rows(run_id), store.result_rows(run_id))


def publish_site(out: Path, build) -> Path:
    """Write the scorecard site into a fresh folder beside `out`, then swap it in: the last
    complete audit's scorecards stay untouched until the new ones are whole."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        index = build(tmp)
        old = out.parent / f".{out.name}.old-{tmp.name.rsplit('-', 1)[-1]}"
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / Path(index).relative_to(tmp)


def report_steps(cards: list[dict], documents: bool = True) -> int:
    """The steps of the reports phase (progress): the site's files, then the Word documents."""
    return site_steps(cards) + (document_steps(cards) if documents else 0)


def build_site(target: Path, cards, reachable, run: dict, rulebook_id: str, book, history, documents=None,
               tick=None) -> Path:
    """The scorecard site of a run in target, with the Word documents when `documents` holds
    their options ({"issuer", "reply_by"}); the index links them."""
    written = None
    if documents is not None:
        written = write_documents(target, cards, run["id"], run["as_of"], reachable, book, history,
                                  issuer=documents.get("issuer") or DEFAULT_ISSUER,
                                  reply_by=documents.get("reply_by"), tick=tick)
    return write_site(target, cards, run["id"], rulebook_id, run["as_of"], reachable=reachable, book=book,
                      history=history, tick=tick, documents=written)


def publish_audit(store, run_id: int, rulebook, out: Path, webhook: str | None = None,
                  documents: dict | None = None, progress=None):
    """The scorecard site, the Word documents and summary.json of a finished audit, and the
    webhook's POST. documents: the Word documents' options ({"issuer", "reply_by"}; None: no
    documents). Returns (cards, reachable, summary, index path, webhook failure or "")."""
    run = store.run_row(run_id)
    cards, reachable = cards_for_run(store, run_id)
    history = build_history(store, run_id)
    tick = None
    if progress is not None:
        progress.start_phase("reports", report_steps(cards, documents is not None))
        tick = progress.step
    index = publish_site(out, lambda target: build_site(target, cards, reachable, run, rulebook.id, rulebook,
                                                        history, documents, tick))
    summary = audit_summary(run_id, run["as_of"], cards, history)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    failed = post_webhook(webhook, summary) if webhook else ""
    return cards, reachable, summary, index, failed
