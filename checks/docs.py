"""Generate the rule reference from the rulebooks and the check docstrings.

    python -m zwgk.checks.docs [--check]

Writes, for every rulebook in rules/ (rules/<id>.yaml), rules/<id>.md (the plan's items and
which rules check them, the rules), and rules/README.md (the rulebooks, and every check module's
documentation from its docstring and parameter schema). --check exits 1 when a file on disk is
out of date (tests use it).
"""
from __future__ import annotations

import inspect
import sys

from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import RULES_DIR, load_rulebook

UNIT_TYPE_ZH = {"city-portal": "市政府门户网站", "county": "县（市、区）政府", "department": "市直部门"}
GENERATED = "本文件由 `python -m zwgk.checks.docs` 根据规则集和各检查模块的说明自动生成，请勿手工编辑。"


def _cell(text: str) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def coverage(book) -> tuple[int, int]:
    """(items with a rule, items in the plan) of a rulebook."""
    checked = {r.item for r in book.rules if r.item}
    return len(checked & set(book.items)), len(book.items)


def render_rulebook(book) -> str:
    by_item: dict[int, list] = {}
    for rule in book.rules:
        if rule.item:
            by_item.setdefault(rule.item, []).append(rule)
    out = [f"# {book.title}（{book.source}）— zwgk 规则集 `{book.id}`", "", GENERATED, ""]
    if book.items:
        checked, total = coverage(book)
        out += [f"## {total} 项任务的覆盖情况", "",
                "| 项 | 具体要求（摘要） | 责任单位 | 检查规则 | 说明 |", "|---|---|---|---|---|"]
        for n in sorted(book.items):
            item = book.items[n]
            rules = by_item.get(n, [])
            how = "、".join(f"`{r.id}`" for r in rules) if rules else "—"
            note = "可机器检查" if rules else "不可机器检查：" + item.get("not_checkable", "（未说明）")
            out.append(f"| {n} | {_cell(_short(item.get('text', '')))} | {_cell(item.get('responsible', ''))} "
                       f"| {how} | {_cell(note)} |")
        out += ["", f"共 {total} 项，其中 {checked} 项有规则检查，{total - checked} 项网站上不可见或无法机器判断。", ""]
    out += ["## 规则", "", "| 规则 | 依据 | 要求 | 适用 | 检查 | 严重程度 |", "|---|---|---|---|---|---|"]
    for r in book.rules:
        applies = "、".join(UNIT_TYPE_ZH.get(a, a) for a in r.applies_to)
        out.append(f"| `{r.id}` | {_cell(r.source)} | {_cell(r.title)} | {applies} | [`{r.check}`](README.md#{r.check}) "
                   f"| {r.severity}{'（单项否决）' if r.veto else ''} |")
    return "\n".join(out).rstrip() + "\n"


def render_index(books) -> str:
    out = ["# zwgk 规则参考", "", GENERATED, "",
           "规则集（`rules/<id>.yaml`，用 `--rulebook <id>` 选用）：", "",
           "| 规则集 | 名称 | 依据 | 规则数 | 有规则检查的任务 |", "|---|---|---|---|---|"]
    for book in books:
        checked, total = coverage(book)
        items = f"{checked} / {total}" if total else "—"
        out.append(f"| [`{book.id}`]({book.id}.md) | {_cell(book.title)} | {_cell(book.source)} "
                   f"| {len(book.rules)} | {items} |")
    out += ["", "## 检查模块", "", "每条规则由一个检查模块判定；以下说明取自各模块的文档字符串。", ""]
    for check_id in sorted(CHECKS):
        module = CHECKS[check_id]
        needs = module.NEEDS
        wants = ["浏览器" if needs.browser else "", "全部单位（跨单位比对）" if needs.peers else "",
                 "所指栏目的全部列表页和文章" if needs.crawl == "documents" else "栏目页和列表第一页"]
        out += [f'<a id="{check_id}"></a>', "", f"### `{check_id}`", "",
                f"需要：{'、'.join(w for w in wants if w)}", "", inspect.getdoc(module) or "", ""]
        params = getattr(module, "PARAMS", {})
        if params:
            out += ["| 参数 | 类型 | 默认值 |", "|---|---|---|"]
            for name, spec in params.items():
                default = "（必填）" if spec.get("required") else _cell(_short(repr(spec.get("default")), 80))
                out.append(f"| `{name}` | {spec['type']} | {default} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def documents() -> dict:
    """path -> text of every generated file."""
    books = [load_rulebook(str(path)) for path in sorted(RULES_DIR.glob("*.yaml"))]
    files = {RULES_DIR / f"{book.id}.md": render_rulebook(book) for book in books}
    files[RULES_DIR / "README.md"] = render_index(books)
    return files


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stale = []
    for path, text in documents().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if "--check" in argv:
            stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    for path in stale:
        print(f"{path} is out of date: run python -m zwgk.checks.docs", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
