"""What an audit leaves for people: the scorecards (read back from the database, the one way a
scorecard is assembled), the scorecard site swapped in whole, the summary and its webhook."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from zwgk.reports.html import write_site
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


def publish_audit(store, run_id: int, rulebook, out: Path, webhook: str | None = None):
    """The scorecard site and summary.json of a finished audit, and the webhook's POST.
    Returns (cards, reachable, summary, index path, webhook failure or "")."""
    run = store.run_row(run_id)
    cards, reachable = cards_for_run(store, run_id)
    history = build_history(store, run_id)
    index = publish_site(out, lambda target: write_site(
        target, cards, run_id, rulebook.id, run["as_of"], reachable=reachable, book=rulebook,
        history=history))
    summary = audit_summary(run_id, run["as_of"], cards, history)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    failed = post_webhook(webhook, summary) if webhook else ""
    return cards, reachable, summary, index, failed
