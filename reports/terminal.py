"""The short Chinese terminal summary of `zwgk check` and `zwgk audit`."""
from __future__ import annotations

import unicodedata

from zwgk.reports.scorecard import STATUS_ZH
from zwgk.reports.view import failed_reasons_text, veto_failed

_ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "not_applicable": 4}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def clip(text: str, n: int) -> str:
    out, w = "", 0
    for c in text:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > n - 1:
            return out + "…"
        out += c
        w += cw
    return out


def failed_text(pages: dict) -> str:
    """'失败 3 个：HTTP 404 ×2、连接超时 ×1' — the failed pages and why (stored with the card)."""
    reasons = failed_reasons_text(pages)
    return f"失败 {pages['failed']} 个" + (f"：{reasons}" if pages["failed"] and reasons else "")


def score_text(card: dict, book=None) -> str:
    score = "—" if card["score"] is None else f"{card['score']:.1f}"
    if card.get("unscored"):
        score += f"（{card['unscored']}）"
    vetoed = veto_failed(card, book)
    if vetoed and card["score"] == 0:
        score += "（单项否决：" + "、".join(r["title"] for r in vetoed) + " 不通过，得分计为 0）"
    return score


def _item(r: dict) -> str:
    return f"第{r['item']}项" if r["item"] else (r.get("source") or "其他依据")


def _wrap(words: list[str], first: str, rest: str, limit: int = 100) -> list[str]:
    """words joined with 、 in lines of at most `limit` columns, the first after `first`."""
    lines, line = [], first
    for w in words:
        if line not in (first, rest) and width(line) + width(w) + 1 > limit:
            lines.append(line.rstrip("、"))
            line = rest
        line += w + "、"
    lines.append(line.rstrip("、"))
    return lines


def summary(card: dict, book=None) -> str:
    lines = []
    pages = card["pages"]
    lines.append(f"zwgk 检查结果：{card['unit']['name']}（{card['unit']['type']}） {card['site']}")
    lines.append(f"规则集 {card['rulebook']} · 检查日期 {card['as_of']} · 抓取页面 {pages['crawled']} 个"
                 f"（{failed_text(pages)}） · 得分 {score_text(card, book)}")
    lines.append("")
    lines.append(pad("状态", 10) + pad("条目", 6) + pad("规则", 40) + "标题")
    for r in sorted(card["results"], key=lambda r: (_ORDER[r["status"]], r["item"] or 99)):
        item = str(r["item"]) if r["item"] is not None else "-"
        lines.append(pad(STATUS_ZH[r["status"]], 10) + pad(item, 6) + pad(clip(r["rule"], 39), 40)
                     + clip(r["title"], 60))
    problems = [r for r in card["results"] if r["status"] in ("fail", "warn", "unknown")]
    if problems:
        lines.append("")
        lines.append("问题与无法判断的原因：")
        # Rules that say the very same thing (all the unknowns of an unreachable site) are one block
        groups: dict[tuple, list] = {}
        for r in sorted(problems, key=lambda r: _ORDER[r["status"]]):
            shown = [f for f in r["findings"] if f.get("status") == r["status"]] or r["findings"]
            key = (r["status"], tuple((f.get("message", ""), f.get("url", "")) for f in shown))
            groups.setdefault(key, []).append((r, shown))
        for (status, _key), members in groups.items():
            r, shown = members[0]
            if len(members) == 1:
                lines.append(f"  [{STATUS_ZH[status]}] {r['rule']}（{_item(r)}）")
            else:
                lines.append(f"  [{STATUS_ZH[status]}] {len(members)} 条规则，原因相同：")
            for f in shown[:5]:
                lines.append(f"      - {f['message']}")
                if f.get("url"):
                    lines.append(f"        {f['url']}")
            if len(shown) > 5:
                lines.append(f"      …另有 {len(shown) - 5} 条")
            if len(members) > 1:
                lines.extend(_wrap([m["rule"] + (f"（第{m['item']}项）" if m["item"] else "") for m, _s in members],
                                   "      规则：", " " * 12))
    c = card["counts"]
    lines.append("")
    lines.append(f"合计：通过 {c['pass']} · 不通过 {c['fail']} · 警告 {c['warn']} · 无法判断 {c['unknown']}"
                 f" · 不适用 {c['not_applicable']}")
    return "\n".join(lines)
