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
from zwgk.checks.rulebook import DEPTHS, ITEM_GAPS, RULES_DIR, load_rulebook

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


def depth_zh(rule) -> str:
    """A rule's depth as the reports say it (存在性, 内容核验, 时效), or 未声明."""
    return DEPTHS.get(rule.depth, "未声明")


def _by_item(book) -> dict[int, list]:
    by_item: dict[int, list] = {}
    for rule in book.rules:
        if rule.item:
            by_item.setdefault(rule.item, []).append(rule)
    return by_item


def item_gap(item: dict) -> tuple[str, str]:
    """(不可机器检查 or 暂未实现, the reason) of an item without a rule."""
    for key, label in ITEM_GAPS.items():
        if item.get(key):
            return label, item[key]
    return "未设检查规则", "（未说明）"


def _rule_depths(rules) -> str:
    return "、".join(f"`{r.id}`（{depth_zh(r)}）" for r in rules) if rules else "—"


def coverage_lines(book) -> list[str]:
    """The coverage table of a rulebook: per plan item, its rules and their depth (or why none)."""
    by_item = _by_item(book)
    out = ["| 项 | 检查规则（检查深度） | 说明 |", "|---|---|---|"]
    for n in sorted(book.items):
        rules = by_item.get(n, [])
        if rules:
            note = "、".join(dict.fromkeys(depth_zh(r) for r in rules))
        else:
            label, why = item_gap(book.items[n])
            note = f"{label}：{why}"
        out.append(f"| {n} | {_rule_depths(rules)} | {_cell(note)} |")
    others = [r for r in book.rules if not r.item]
    if others:
        out.append(f"| 其他依据 | {_rule_depths(others)} | {_cell('；'.join(dict.fromkeys(r.source for r in others)))} |")
    return out


def _coverage_summary(book) -> str:
    by_item = _by_item(book)
    checked, total = coverage(book)
    depths = {label: sum(1 for n in book.items if any(r.depth == key for r in by_item.get(n, [])))
              for key, label in DEPTHS.items()}
    gaps = {label: sum(1 for n in book.items if n not in by_item and book.items[n].get(key))
            for key, label in ITEM_GAPS.items()}
    return (f"共 {total} 项，其中 {checked} 项有规则检查，{gaps['不可机器检查']} 项网站上不可见或无法机器判断，"
            f"{gaps['暂未实现']} 项网站上可部分看到但暂未实现检查；按检查深度：有存在性检查的 {depths['存在性']} 项、"
            f"有内容核验的 {depths['内容核验']} 项、有时效检查的 {depths['时效']} 项（一项可有多条规则）。")


def render_rulebook(book) -> str:
    by_item = _by_item(book)
    out = [f"# {book.title}（{book.source}）— zwgk 规则集 `{book.id}`", "", GENERATED, ""]
    if book.items:
        out += [f"## {len(book.items)} 项任务的覆盖情况", "",
                "| 项 | 具体要求（摘要） | 责任单位 | 时限（方案） | 检查规则（检查深度） | 说明 |",
                "|---|---|---|---|---|---|"]
        for n in sorted(book.items):
            item = book.items[n]
            rules = by_item.get(n, [])
            note = "可机器检查" if rules else "：".join(item_gap(item))
            out.append(f"| {n} | {_cell(_short(item.get('text', '')))} | {_cell(item.get('responsible', ''))} "
                       f"| {_cell(item.get('deadline', '—'))} | {_rule_depths(rules)} | {_cell(note)} |")
        out += ["", _coverage_summary(book), ""]
    out += ["## 规则", "", "| 规则 | 依据 | 要求 | 适用 | 检查 | 检查深度 | 时限 | 严重程度 |",
            "|---|---|---|---|---|---|---|---|"]
    for r in book.rules:
        applies = "、".join(UNIT_TYPE_ZH.get(a, a) for a in r.applies_to)
        out.append(f"| `{r.id}` | {_cell(r.source)} | {_cell(r.title)} | {applies} | [`{r.check}`](README.md#{r.check}) "
                   f"| {depth_zh(r)} | {_cell(r.dates_text() or '—')} | {r.severity}{'（单项否决）' if r.veto else ''} |")
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
    for book in books:
        if book.items:
            out += ["", f"## 覆盖情况：`{book.id}`", "",
                    "每项任务的检查规则及其检查深度：存在性（栏目、链接存在）、内容核验（内容逐条核对）、时效（按期发布、及时更新）。",
                    "", *coverage_lines(book), "", _coverage_summary(book)]
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
