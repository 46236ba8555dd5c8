"""Generate rules/README.md from the rulebook and the check docstrings.

    python -m zwgk.checks.docs [RULEBOOK] [--check]

--check exits 1 when the file on disk is out of date (CI and tests use it).
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import RULES_DIR, load_rulebook

UNIT_TYPE_ZH = {"city-portal": "市政府门户网站", "county": "县（市、区）政府", "department": "市直部门"}


def _cell(text: str) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render(book) -> str:
    by_item: dict[int, list] = {}
    for rule in book.rules:
        if rule.item:
            by_item.setdefault(rule.item, []).append(rule)
    out = [f"# {book.title}（{book.source}）— zwgk 规则集 `{book.id}`", "",
           "本文件由 `python -m zwgk.checks.docs` 根据规则集和各检查模块的说明自动生成，请勿手工编辑。", "",
           "## 59 项任务的覆盖情况", "",
           "| 项 | 具体要求（摘要） | 责任单位 | 检查规则 | 说明 |", "|---|---|---|---|---|"]
    checked = 0
    for n in range(1, 60):
        item = book.items.get(n) or book.items.get(str(n)) or {}
        rules = by_item.get(n, [])
        if rules:
            checked += 1
            how = "、".join(f"`{r.id}`" for r in rules)
            note = "可机器检查"
        else:
            how = "—"
            note = "不可机器检查：" + item.get("not_checkable", "（未说明）")
        out.append(f"| {n} | {_cell(_short(item.get('text', '')))} | {_cell(item.get('responsible', ''))} | {how} | {_cell(note)} |")
    out += ["", f"共 59 项，其中 {checked} 项有规则检查，{59 - checked} 项网站上不可见或无法机器判断。", ""]

    out += ["## 规则", "", "| 规则 | 依据 | 要求 | 适用 | 检查 | 严重程度 |", "|---|---|---|---|---|---|"]
    for r in book.rules:
        applies = "、".join(UNIT_TYPE_ZH.get(a, a) for a in r.applies_to)
        out.append(f"| `{r.id}` | {_cell(r.source)} | {_cell(r.title)} | {applies} | `{r.check}` | {r.severity}"
                   f"{'（单项否决）' if r.veto else ''} |")
    out += ["", "## 检查模块", ""]
    for check_id in sorted(CHECKS):
        module = CHECKS[check_id]
        doc = inspect.getdoc(module) or ""
        out += [f"### `{check_id}`", "", doc, ""]
        params = getattr(module, "PARAMS", {})
        if params:
            out += ["| 参数 | 类型 | 默认值 |", "|---|---|---|"]
            for name, spec in params.items():
                default = "（必填）" if spec.get("required") else _cell(_short(repr(spec.get("default")), 80))
                out.append(f"| `{name}` | {spec['type']} | {default} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    check_only = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    book = load_rulebook(argv[0] if argv else "jiangmen-2022")
    text = render(book)
    path = RULES_DIR / "README.md"
    if check_only:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m zwgk.checks.docs", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
