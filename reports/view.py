"""What the pages show, computed from results: plan parts, item texts, history marks, safe links,
screenshot copies, sparklines. Pure apart from copying screenshot files into the output folder.

`book` is a zwgk.checks.rulebook.Rulebook (or None when the rulebook cannot be loaded any more);
`history` is a zwgk.storage.history.History (or None: no database, or no history wanted).
"""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from zwgk.reports.scorecard import STATUS_ZH

ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "not_applicable": 4}
RANK = {"fail": 4, "warn": 3, "unknown": 2, "pass": 1, "not_applicable": 0}
PART_OTHER = "其他依据"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MAX_SHOWN = 10          # findings shown open per rule; the rest fold into <details>
SEVERITY_ZH = {"critical": "重大", "major": "重要", "minor": "一般"}
TYPE_ZH = {"city-portal": "市政府门户", "county": "县（市、区）", "department": "市直部门"}
CLASS_ZH = {"new": "新发现", "fixed": "已整改", "persistent": "持续存在", "unstable": "时好时坏",
            "unverified": "本次无法复核", "first": "首次巡检"}


def safe_href(url) -> str | None:
    """The URL when it may become a link: only absolute http(s) URLs (never javascript:, data:…)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c in url for c in "\r\n\t\x00"):
        return None
    return url


def rule_filename(rule_id: str) -> str:
    slug = re.sub(r"[^0-9a-z-]+", "-", str(rule_id).lower()).strip("-")[:60] or "rule"
    if slug != rule_id:
        slug += "-" + hashlib.sha1(str(rule_id).encode("utf-8")).hexdigest()[:6]
    return f"rule-{slug}.html"


def worst(statuses) -> str:
    statuses = list(statuses)
    return max(statuses, key=RANK.__getitem__) if statuses else "unknown"


# -- the rulebook, tolerant of its absence ---------------------------------------------------------
def book_items(book) -> dict:
    items = getattr(book, "items", None) or {}
    return {int(k): v for k, v in items.items() if str(k).isdigit()}


def book_rules(book) -> dict:
    return {r.id: r for r in getattr(book, "rules", ())}


def part_of(item, items: dict) -> str:
    if item is None:
        return PART_OTHER
    return (items.get(item) or {}).get("part") or PART_OTHER


def part_order(items: dict) -> dict:
    """part title -> position (order of the first item of the part); 其他依据 last."""
    order = {}
    for n in sorted(items):
        part = items[n].get("part")
        if part and part not in order:
            order[part] = len(order)
    order[PART_OTHER] = len(order) + 100
    return order


# -- screenshots -----------------------------------------------------------------------------------
class Screenshots:
    """Links screenshots relatively from the output folder; copies those that live elsewhere."""

    def __init__(self, out: Path):
        self.out = Path(out).resolve()
        self._done: dict[str, tuple] = {}

    def link(self, path: str) -> tuple[str | None, str]:
        """(relative href, "") or (None, why the screenshot cannot be shown)."""
        if not path:
            return None, ""
        if path in self._done:
            return self._done[path]
        src = Path(path).expanduser()
        try:
            src = src.resolve()
            exists = src.is_file()
        except OSError:
            exists = False
        if not exists:
            answer = (None, f"截图文件已不存在：{path}")
        elif src.suffix.lower() not in IMAGE_SUFFIXES:
            answer = (None, f"不是截图文件，未复制：{path}")
        else:
            try:
                answer = (src.relative_to(self.out).as_posix(), "")
            except ValueError:
                name = hashlib.sha1(str(src).encode("utf-8")).hexdigest()[:16] + (src.suffix.lower() or ".png")
                dest = self.out / "evidence" / name
                try:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    if not dest.exists():
                        shutil.copyfile(src, dest)
                    answer = (f"evidence/{name}", "")
                except OSError as exc:
                    answer = (None, f"截图无法复制：{path}（{exc.strerror or exc}）")
        self._done[path] = answer
        return answer


# -- sparkline -------------------------------------------------------------------------------------
def sparkline(trend: list, width: int = 96, height: int = 24) -> dict | None:
    """An inline SVG polyline of scores 0–100 over the runs (None scores are skipped)."""
    if not trend:
        return None
    n = len(trend)
    step = (width - 4) / max(1, n - 1)
    pts, labels = [], []
    for i, t in enumerate(trend):
        labels.append(f"{t['as_of']} {'—' if t['score'] is None else format(t['score'], '.1f')}")
        if t["score"] is None:
            continue
        x = 2 + i * step
        y = 2 + (height - 4) * (1 - max(0.0, min(100.0, float(t["score"]))) / 100.0)
        pts.append((round(x, 1), round(y, 1)))
    scores = [t["score"] for t in trend if t["score"] is not None]
    desc = (f"最近 {n} 次巡检得分：从 {scores[0]:.1f} 到 {scores[-1]:.1f}" if scores
            else f"最近 {n} 次巡检均无得分")
    return {"width": width, "height": height, "points": " ".join(f"{x},{y}" for x, y in pts),
            "last": pts[-1] if pts else None, "label": desc, "detail": "；".join(labels[-12:]),
            "single": len(pts) == 1}


def trend_chart(trend: list, width: int = 640, height: int = 220) -> dict | None:
    """An inline SVG line chart of a unit's score over its audits, with axes: score 0–100 up the
    side, the audit dates along the bottom (at most 8 labels, the first and last always), a dot
    per audit with its date and score. Audits without a score break the line."""
    if not trend:
        return None
    left, right, top, bottom = 44, 16, 12, 44
    pw, ph = width - left - right, height - top - bottom
    n = len(trend)
    xs = [left + (pw * i / (n - 1) if n > 1 else pw / 2) for i in range(n)]

    def y_of(score) -> float:
        return top + ph * (1 - max(0.0, min(100.0, float(score))) / 100.0)
    segments, line, dots = [], [], []
    for x, t in zip(xs, trend):
        if t["score"] is None:
            if line:
                segments.append(line)
            line = []
            continue
        y = y_of(t["score"])
        line.append(f"{x:.1f},{y:.1f}")
        dots.append({"x": round(x, 1), "y": round(y, 1), "title": f"{t['as_of']}：{t['score']:.1f} 分"})
    if line:
        segments.append(line)
    shown = sorted({0, n - 1, *(round(i * (n - 1) / 7) for i in range(8))}) if n > 1 else [0]
    # the first and last dates sit inside the chart: anchored at their start and end
    xticks = [{"x": round(xs[i], 1), "label": trend[i]["as_of"],
               "anchor": "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")} for i in shown]
    yticks = [{"y": round(y_of(v), 1), "label": str(v)} for v in (0, 20, 40, 60, 80, 100)]
    scores = [t for t in trend if t["score"] is not None]
    label = (f"得分变化图：共 {n} 次巡检，{scores[0]['as_of']} 为 {scores[0]['score']:.1f} 分，"
             f"{scores[-1]['as_of']} 为 {scores[-1]['score']:.1f} 分" if scores else f"共 {n} 次巡检，均无得分")
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "base": top + ph, "segments": [" ".join(seg) for seg in segments], "dots": dots,
            "xticks": xticks, "yticks": yticks, "label": label, "mid_y": round(top + ph / 2, 1),
            "x_title_y": height - 6, "x_mid": round(left + pw / 2, 1)}


def history_filename(unit_page: str) -> str:
    """The history page beside a unit page: unit-….html -> history-….html."""
    return "history-" + unit_page.removeprefix("unit-") if unit_page.startswith("unit-") else "history.html"


def veto_failed(card: dict, book) -> list[dict]:
    """The failed results of the rulebook's 单项否决 rules: what set the unit's score to 0."""
    rules = book_rules(book)
    return [r for r in card["results"] if r["status"] == "fail" and getattr(rules.get(r["rule"]), "veto", False)]


def failed_reasons_text(pages: dict, limit: int = 4) -> str:
    """'HTTP 404 ×2、连接超时 ×1' from a card's pages block ("" when it has no reasons)."""
    reasons = list((pages.get("failed_reasons") or {}).items())
    text = "、".join(f"{why} ×{n}" for why, n in reasons[:limit])
    return text + ("等" if len(reasons) > limit else "")


# -- one unit --------------------------------------------------------------------------------------
def finding_view(f: dict, unit: str, rule: str, history, shots: Screenshots | None) -> dict:
    v = dict(f)
    v["href"] = safe_href(f.get("url"))
    v["status_zh"] = STATUS_ZH.get(f.get("status"), f.get("status") or "")
    dates = history.finding(unit, rule, f.get("url") or "") if history and f.get("status") in ("fail", "warn") else {}
    v["first_seen"] = dates.get("first_seen")
    v["since"] = dates.get("since")
    v["bounded"] = dates.get("bounded", False)
    v["shot_href"], v["shot_missing"] = (shots.link(f["screenshot"]) if shots and f.get("screenshot")
                                         else (None, ""))
    return v


def result_view(r: dict, unit: str, items: dict, rules: dict, history, shots) -> dict:
    v = dict(r)
    rule = rules.get(r["rule"])
    item = items.get(r["item"]) if r.get("item") is not None else None
    v["status_zh"] = STATUS_ZH.get(r["status"], r["status"])
    v["part"] = part_of(r.get("item"), items)
    v["item_text"] = (item or {}).get("text", "")
    v["item_responsible"] = (item or {}).get("responsible", "")
    v["rule_responsible"] = getattr(rule, "responsible", "") if rule else ""
    v["severity"] = r.get("severity") or (rule.severity if rule else None)
    v["severity_zh"] = SEVERITY_ZH.get(v["severity"], v["severity"] or "")
    v["veto"] = bool(getattr(rule, "veto", False))
    h = history.rule(unit, r["rule"]) if history else {}
    v["cls"] = h.get("class")
    v["cls_zh"] = CLASS_ZH.get(v["cls"], "")
    v["since"] = h.get("since")
    v["statuses"] = h.get("statuses") or []
    v["page"] = rule_filename(r["rule"])
    fs = [finding_view(f, unit, r["rule"], history, shots) for f in r.get("findings", [])]
    fs.sort(key=lambda f: ORDER.get(f.get("status"), 5))
    v["findings"] = fs
    problems = [f for f in fs if f.get("status") != "pass"]
    v["main_findings"] = problems[:MAX_SHOWN] if problems else fs[:3]
    shown = {id(f) for f in v["main_findings"]}
    v["other_findings"] = [f for f in fs if id(f) not in shown]
    v["other_passes"] = sum(1 for f in v["other_findings"] if f.get("status") == "pass")
    v["why_unknown"] = [f["message"] for f in fs if f.get("status") == "unknown"][:3]
    return v


def unit_view(card: dict, book, history, shots: Screenshots | None) -> dict:
    items, rules = book_items(book), book_rules(book)
    unit = card["unit"]["name"]
    rows = [result_view(r, unit, items, rules, history, shots) for r in card["results"]]
    order = part_order(items)
    parts: dict[str, list] = {}
    for v in sorted(rows, key=lambda v: (order.get(v["part"], 50), v.get("item") or 999, v["rule"])):
        parts.setdefault(v["part"], []).append(v)
    trend = history.trend.get(unit, []) if history else []
    counts = history.counts(unit) if history else {}
    fixed = history.fixed.get(unit, []) if history else []
    has_prev = bool(history and len(history.unit_runs.get(unit, [])) > 1)
    problems = sorted([v for v in rows if v["status"] in ("fail", "warn")],
                      key=lambda v: (ORDER[v["status"]], v.get("item") or 999))
    return {"card": card, "parts": list(parts.items()), "problems": problems,
            "unknowns": [v for v in rows if v["status"] == "unknown"],
            "trend": trend, "spark": sparkline(trend, 160, 36), "chart": trend_chart(trend, 560, 200),
            "changes": counts, "fixed": fixed, "vetoed": veto_failed(card, book),
            "failed_reasons": failed_reasons_text(card["pages"]),
            "has_prev": has_prev, "site_href": safe_href(card.get("site")),
            "by_item": {v["item"]: worst(x["status"] for x in rows if x["item"] == v["item"])
                        for v in rows if v.get("item") is not None}}


# -- one rule across units -------------------------------------------------------------------------
def rule_views(cards: list, pages: dict, book, history) -> list[dict]:
    """Per rule: the units and their status for it, worst first."""
    items, rules = book_items(book), book_rules(book)
    by_rule: dict[str, dict] = {}
    for card in cards:
        unit = card["unit"]["name"]
        for r in card["results"]:
            entry = by_rule.setdefault(r["rule"], {
                "rule": r["rule"], "item": r.get("item"), "source": r.get("source", ""),
                "title": r.get("title", ""), "units": [], "page": rule_filename(r["rule"])})
            h = history.rule(unit, r["rule"]) if history else {}
            shown = [dict(f, href=safe_href(f.get("url")),
                          status_zh=STATUS_ZH.get(f.get("status"), ""))
                     for f in r.get("findings", []) if f.get("status") == r["status"]][:3]
            entry["units"].append({"name": unit, "type": card["unit"]["type"], "status": r["status"],
                                   "status_zh": STATUS_ZH.get(r["status"], r["status"]),
                                   "page": pages.get(unit), "findings": shown,
                                   "more": max(0, sum(1 for f in r.get("findings", [])
                                                      if f.get("status") == r["status"]) - 3),
                                   "cls": h.get("class"), "cls_zh": CLASS_ZH.get(h.get("class"), ""),
                                   "since": h.get("since")})
    out = []
    for rid, e in by_rule.items():
        rule = rules.get(rid)
        item = items.get(e["item"]) if e["item"] is not None else None
        e["units"].sort(key=lambda u: (ORDER.get(u["status"], 5), u["name"]))
        e["counts"] = {s: sum(1 for u in e["units"] if u["status"] == s) for s in STATUS_ZH}
        e["severity"] = getattr(rule, "severity", None)
        e["severity_zh"] = SEVERITY_ZH.get(e["severity"], "")
        e["veto"] = bool(getattr(rule, "veto", False))
        e["rule_responsible"] = getattr(rule, "responsible", "") if rule else ""
        e["item_text"] = (item or {}).get("text", "")
        e["item_responsible"] = (item or {}).get("responsible", "")
        e["part"] = part_of(e["item"], items)
        out.append(e)
    out.sort(key=lambda e: (e["item"] is None, e["item"] or 0, e["rule"]))
    return out
