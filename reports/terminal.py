"""The short Chinese terminal summary of `zwgk check` and `zwgk audit`."""
from __future__ import annotations

import unicodedata

from zwgk.reports.scorecard import STATUS_ZH

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


def summary(card: dict) -> str:
    lines = []
    pages = card["pages"]
    score = "—" if card["score"] is None else f"{card['score']:.1f}"
    lines.append(f"zwgk 检查结果：{card['unit']['name']}（{card['unit']['type']}） {card['site']}")
    lines.append(f"规则集 {card['rulebook']} · 检查日期 {card['as_of']} · 抓取页面 {pages['crawled']} 个"
                 f"（失败 {pages['failed']} 个） · 得分 {score}")
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
        for r in sorted(problems, key=lambda r: _ORDER[r["status"]]):
            item = f"第{r['item']}项" if r["item"] else r["source"]
            lines.append(f"  [{STATUS_ZH[r['status']]}] {r['rule']}（{item}）")
            shown = [f for f in r["findings"] if f.get("status") == r["status"]] or r["findings"]
            for f in shown[:5]:
                lines.append(f"      - {f['message']}")
                if f.get("url"):
                    lines.append(f"        {f['url']}")
            if len(shown) > 5:
                lines.append(f"      …另有 {len(shown) - 5} 条")
    c = card["counts"]
    lines.append("")
    lines.append(f"合计：通过 {c['pass']} · 不通过 {c['fail']} · 警告 {c['warn']} · 无法判断 {c['unknown']}"
                 f" · 不适用 {c['not_applicable']}")
    return "\n".join(lines)
