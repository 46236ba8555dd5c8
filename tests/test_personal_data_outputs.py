"""Item 41 end to end (issue 17): `zwgk check` and `zwgk audit` over the sample county portals on
127.0.0.1. The bad twin's 公示 shows one 户's whole 身份证号 and mobile number, its DOCX attachment
one whole bank card number, and a news text misnames the country; both twins carry the decoys.
The rules fail on the bad twin where the plants are and pass on the good one; and no output file
of either command — scorecard HTML, XLSX, CSV, JSON, the log, the terminal — nor any finding
stored in the database holds a planted number unmasked."""
from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.webkit import zwgk
from zwgk.sample_portals import expected_for, serve_all, stop_all, unit_entries
from zwgk.storage.database import Store

AS_OF = date(2023, 3, 15)
PLANTS = ("personal-data-exposed", "personal-data-in-attachment")


@pytest.fixture(scope="module")
def portals(tmp_path_factory):
    servers = serve_all(tmp_path_factory.mktemp("portals"), AS_OF, ["county-bad", "county-good"])
    yield servers
    stop_all(servers)


@pytest.fixture(scope="module")
def runs(portals, tmp_path_factory):
    """One `zwgk check` of the bad twin (JSON file, HTML scorecard) and one `zwgk audit` of both
    twins: their folders and what they printed."""
    tmp = tmp_path_factory.mktemp("outputs")
    for folder in ("check", "db-check", "db-audit"):
        (tmp / folder).mkdir()
    bad = portals["county-bad"].url
    check = zwgk("check", bad, "--unit", "新会区人民政府", "--as-of", AS_OF.isoformat(), "--no-browser",
                 "--json", str(tmp / "check" / "card.json"), "--out", str(tmp / "check" / "card"),
                 "--db", f"sqlite:///{tmp}/db-check/z.db")
    assert check.returncode == 1, check.stderr[-3000:]
    units = [{**u, "name": f"{u['name']}（{twin}）"} for twin in ("county-bad", "county-good")
             for u in unit_entries(twin, portals[twin].url)]
    (tmp / "units.yaml").write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    audit = zwgk("audit", "--units", str(tmp / "units.yaml"), "--as-of", AS_OF.isoformat(), "--no-browser",
                 "--db", f"sqlite:///{tmp}/db-audit/z.db", "--out", str(tmp / "audit"), timeout=900)
    assert audit.returncode == 0, audit.stderr[-3000:]
    return tmp, check, audit


def _raw_numbers() -> list[str]:
    problems = expected_for("county-bad", AS_OF)["units"]["county"]["problems"]
    raw = [n for pid in PLANTS for n in problems[pid]["raw"]]
    assert len(raw) == 3
    return raw


def _texts(folder: Path):
    """(name, text) of every file under folder; an XLSX's or DOCX's XML members one by one."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    yield f"{path}!{member}", z.read(member).decode("utf-8", "replace")
        else:
            yield str(path), path.read_bytes().decode("utf-8", "replace")


def _joined(text: str) -> str:
    """Digits written with spaces or dashes between them joined (6217 0012 …, 139-1234-5678)."""
    return re.sub(r"(?<=\d)[ \-\u00a0](?=\d)", "", text)


def test_no_output_holds_a_planted_number_unmasked(runs):
    tmp, check, audit = runs
    raw = _raw_numbers()
    # the crawl's own copies of the site (the database's pages, the HTTP cache) are no outputs;
    # the findings stored in the database are, and are read below
    # (the logs are beside the databases; the audit's --out holds the Word 通报 and notices too)
    outputs = [tmp / "check" / "card.json", tmp / "check" / "card", tmp / "audit", tmp / "db-audit" / "zwgk-logs",
               tmp / "db-check" / "zwgk-logs"]
    assert list((tmp / "audit").glob("circular-run*.docx")) and list((tmp / "audit" / "notices").glob("*.docx"))
    files = 0
    for out in outputs:
        texts = [(str(out), out.read_text(encoding="utf-8"))] if out.is_file() else list(_texts(out))
        assert texts, out
        for name, text in texts:
            files += 1
            for number in raw:
                assert number not in _joined(text), (name, number[:3] + "…")
    assert files > 10
    for name, text in (("check stdout", check.stdout), ("check stderr", check.stderr),
                       ("audit stdout", audit.stdout), ("audit stderr", audit.stderr)):
        for number in raw:
            assert number not in _joined(text), (name, number[:3] + "…")
    for db in ("db-check", "db-audit"):
        store = Store(f"sqlite:///{tmp}/{db}/z.db")
        run = store.latest_complete_run()
        rows = json.dumps(store.result_rows(run["id"]), ensure_ascii=False, default=str)
        assert "personal-data-exposed" in rows
        for number in raw:
            assert number not in _joined(rows), (db, number[:3] + "…")


def test_the_outputs_show_the_masked_numbers(runs):
    """The grep above is no proof unless the findings are there: they are, masked."""
    tmp, _check, _audit = runs
    card = json.loads((tmp / "check" / "card.json").read_text(encoding="utf-8"))
    [rule] = [r for r in card["results"] if r["rule"] == "personal-data-exposed"]
    shown = json.dumps(rule["findings"], ensure_ascii=False)
    for masked in ("440*************26", "139****5678", "6217***********0122"):
        assert masked in shown, masked
    html = "".join(t for _n, t in _texts(tmp / "audit") if _n.endswith(".html"))
    assert "440*************26" in html and "6217***********0122" in html
    xlsx = "".join(t for n, t in _texts(tmp / "audit") if ".xlsx!" in n)
    assert "139****5678" in xlsx


@pytest.mark.parametrize("pid,rule", [("personal-data-exposed", "personal-data-exposed"),
                                      ("personal-data-in-attachment", "personal-data-exposed"),
                                      ("serious-wording-error", "serious-wording-errors")])
def test_plants_fail_where_they_are(runs, pid, rule):
    tmp, _check, _audit = runs
    card = json.loads((tmp / "check" / "card.json").read_text(encoding="utf-8"))
    problem = expected_for("county-bad", AS_OF)["units"]["county"]["problems"][pid]
    [result] = [r for r in card["results"] if r["rule"] == rule]
    assert result["status"] == "fail"
    fails = [f for f in result["findings"] if f["status"] == "fail"]
    assert [f for f in fails if re.match(problem["url_re"], urlsplit(f["url"]).path)], (pid, fails)
    if rule == "serious-wording-errors":
        assert len(fails) == 1          # the 通报 quoting errors elsewhere is no error
        assert f"“{problem['wrong']}”应为“{problem['right']}”" in fails[0]["message"]
        assert "【中华人民共合国】" in fails[0]["evidence"]
        assert card["score"] == 0       # a veto rule


def test_the_good_twin_passes_both_rules(runs):
    tmp, _check, _audit = runs
    data = json.loads((tmp / "audit" / "scorecards.json").read_text(encoding="utf-8"))
    good = [u for u in data["units"] if "county-good" in u["unit"]["name"]]
    assert good
    statuses = {r["rule"]: r["status"] for r in good[0]["results"]}
    assert statuses["personal-data-exposed"] == "pass" and statuses["serious-wording-errors"] == "pass"
    bad = [u for u in data["units"] if "county-bad" in u["unit"]["name"]][0]
    counts = {r["rule"]: len([f for f in r["findings"] if f["status"] == "fail"]) for r in bad["results"]}
    assert counts["personal-data-exposed"] == 2          # the 公示 page and its attachment, nothing else
