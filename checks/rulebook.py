"""Rulebooks and unit registries: YAML policy data, validated on load.

A typo in a rulebook is an error naming the file, the line and the rule — never a silent pass.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent

from zwgk.checks.needs import rule_keywords
from zwgk.checks.params import ParamError, validate
from zwgk.checks.registry import CHECKS

RULES_DIR = Path(str(files("zwgk.rules")))      # the bundled rulebooks and unit registries
UNIT_TYPES = ("city-portal", "county", "department")
SEVERITIES = ("critical", "major", "minor")
_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RulebookError(ValueError):
    """A problem in a rulebook or units file; str() is the one-line message for the user."""


# libyaml's parser when PyYAML was built with it: ten times faster on the 50 KB rulebook
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Bounds on every YAML file zwgk reads (rulebooks, units files). Aliases stay allowed (the bundled
# rulebook shares its annual-report params with them), but what they expand to is counted: a
# "billion laughs" file is refused at half a million nodes, before any value is built.
MAX_YAML_BYTES = 16 * 1024 * 1024     # a 20,000-unit registry is about 3 MB
MAX_YAML_NODES = 500_000              # once every alias is expanded; 20,000 units are 180,000
MAX_YAML_DEPTH = 100                  # libyaml's own composer overflows the C stack on deep nesting


class _Refused(Exception):
    """A YAML document past the bounds above, or a value that cannot be built; at a line."""

    def __init__(self, mark, problem: str):
        super().__init__(problem)
        self.line, self.problem = (mark.line + 1 if mark else None), problem


class _LineLoader(Composer, _SafeLoader):
    """libyaml's events, PyYAML's (Python) composer that counts expanded nodes and depth, and a
    SafeLoader that remembers the line of every mapping as key '__line__'."""

    def __init__(self, stream):
        _SafeLoader.__init__(self, stream)
        self.anchors = {}
        self._sizes = {}      # anchor -> nodes under it, expanded; None while it is being composed
        self._nodes = 0
        self._depth = 0

    def _count(self, n: int, mark):
        self._nodes += n
        if self._nodes > MAX_YAML_NODES:
            raise _Refused(mark, f"YAML 文档展开后超过 {MAX_YAML_NODES} 个节点（别名 * 引用过多或文件过大），已拒绝")

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self.anchors and self._sizes.get(event.anchor) is None:
                raise _Refused(event.start_mark, f"YAML 别名 *{event.anchor} 引用了包含它自身的节点，已拒绝")
            self._count(self._sizes.get(event.anchor) or 0, event.start_mark)
            return super().compose_node(parent, index)
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(event.start_mark, f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层，已拒绝")
        start = self._nodes
        self._count(1, event.start_mark)
        if event.anchor is not None and event.anchor not in self.anchors:
            self._sizes[event.anchor] = None
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if event.anchor is not None:
            self._sizes[event.anchor] = self._nodes - start
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:     # 2022-13-45, a 5000-digit integer
            raise _Refused(node.start_mark, f"YAML 值无效: {exc}") from None


def _construct_mapping(loader, node, deep=False):
    mapping = _SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def load_yaml(path: Path):
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_YAML_BYTES + 1)    # not read_text: /dev/zero or a 4 GB file is refused
    except FileNotFoundError:
        raise RulebookError(f"{path}: 文件不存在") from None
    except OSError as exc:
        raise RulebookError(f"{path}: 无法读取 ({exc.__class__.__name__}: {exc.strerror or exc})") from None
    if len(raw) > MAX_YAML_BYTES:
        raise RulebookError(f"{path}: 文件超过 {MAX_YAML_BYTES // 2**20} MB，不像是规则集或单位清单，已拒绝")
    try:
        text = raw.decode("utf-8-sig")     # a BOM from Notepad is not an error
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise RulebookError(f"{path}:{line}: 不是 UTF-8 编码的文本") from None
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise RulebookError(f"{path}{f':{exc.line}' if exc.line else ''}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        # "while parsing a block mapping" + "expected <block end>…", or the first line of the text
        problem = " ".join(filter(None, (getattr(exc, "context", None), getattr(exc, "problem", None))))
        raise RulebookError(f"{path}{where}: YAML 语法错误: {problem or str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Rule:
    id: str
    item: Optional[int]
    source: str
    title: str
    applies_to: tuple
    check: str
    params: dict
    severity: str = "major"
    veto: bool = False
    responsible: str = ""
    line: int = 0
    # The plan's dates: the rule applies to audits within [period_from, period_until] (a year's
    # topical column), and is not due before `due` (a 2022年底前 deadline). None: always.
    period_from: Optional[date] = None
    period_until: Optional[date] = None
    due: Optional[date] = None

    def not_in_force(self, as_of: date) -> str:
        """Why the rule does not apply on as_of (Chinese), or "" when it does."""
        if self.period_from and as_of < self.period_from or self.period_until and as_of > self.period_until:
            span = f"{self.period_from or '…'} 至 {self.period_until or '…'}"
            return f"此项要求适用于 {span}，检查日 {as_of.isoformat()} 不在其内，不适用"
        if self.due and as_of <= self.due:
            return f"此项任务的完成期限为 {self.due.isoformat()}，检查日 {as_of.isoformat()} 尚未到期，暂不检查"
        return ""

    def applies(self, unit_type: str, unit_name: str = "") -> bool:
        for target in self.applies_to:
            if target == unit_type or target == "all":
                return True
            if unit_name and target not in UNIT_TYPES and (target == unit_name or target in unit_name):
                return True
        return False


@dataclass(frozen=True)
class Rulebook:
    id: str
    title: str
    source: str
    rules: tuple
    path: str = ""
    items: dict = field(default_factory=dict)   # plan item number -> its text and 责任单位

    def applicable(self, unit_type: str, unit_name: str = ""):
        return [r for r in self.rules if r.applies(unit_type, unit_name)]

    def keywords(self) -> list[str]:
        """Every name a rule looks for: the spider spends its budget on links that match."""
        return rule_keywords(self.rules)


def resolve_rulebook_path(id_or_path: str) -> Path:
    p = Path(id_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    if not re.match(r"^[A-Za-z0-9_.-]+$", id_or_path):
        raise RulebookError(f"{id_or_path}: 未知规则集")
    candidate = RULES_DIR / f"{id_or_path}.yaml"
    if not candidate.exists():
        known = ", ".join(sorted(x.stem for x in RULES_DIR.glob("*.yaml")))
        raise RulebookError(f"{id_or_path}: 未知规则集（可用: {known}）")
    return candidate


def _date(value, what: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RulebookError(f"{label}: {what} 须为日期 YYYY-MM-DD，实为 {value!r}") from None


def _dates(raw: dict, label: str) -> dict:
    """period: {from, until} and due of a rule, as dates."""
    out = {}
    period = raw.get("period")
    if period is not None:
        if not isinstance(period, dict) or not set(period) - {"__line__"} <= {"from", "until"}:
            raise RulebookError(f"{label}: period 须为 {{from: YYYY-MM-DD, until: YYYY-MM-DD}}")
        if period.get("from") is not None:
            out["period_from"] = _date(period["from"], "period.from", label)
        if period.get("until") is not None:
            out["period_until"] = _date(period["until"], "period.until", label)
    if raw.get("due") is not None:
        out["due"] = _date(raw["due"], "due", label)
    return out


def _plan_items(path, raw) -> dict:
    """The plan's numbered items (number -> text, 责任单位, part, why not checkable), as the
    rulebook lists them; {} when it lists none (then any positive item number is accepted)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RulebookError(f"{path}: items 须为“编号: 内容”的映射")
    items = {}
    for key, value in _strip_lines(raw).items():
        if isinstance(key, bool) or not isinstance(key, int) or key < 1:
            raise RulebookError(f"{path}: items 的编号须为正整数，实为 {key!r}")
        if not isinstance(value, dict):
            raise RulebookError(f"{path}: items 第{key}项须为映射（text、responsible …）")
        items[key] = value
    return items


def load_rulebook(id_or_path: str = "jiangmen-2022") -> Rulebook:
    path = resolve_rulebook_path(id_or_path)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulebookError(f"{path}: 规则集须是含 rules 列表的映射")
    book_id = data.get("id") or path.stem
    book_source = str(data.get("source") or "")
    items = _plan_items(path, data.get("items"))
    rules, ids = [], set()
    for raw in data["rules"]:
        line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
        where = f"{path}:{line}"
        if not isinstance(raw, dict):
            raise RulebookError(f"{where}: 规则须是映射")
        rid = raw.get("id")
        label = f"{where}: 规则 {rid if _one_line(rid) else '(无 id)'}"
        if not isinstance(rid, str) or not _RULE_ID.fullmatch(rid):     # match() lets "a\n" through
            raise RulebookError(f"{label}: id 须为 kebab-case 字符串")
        if rid in ids:
            raise RulebookError(f"{label}: id 重复")
        ids.add(rid)
        unknown = set(raw) - {"id", "item", "source", "title", "applies_to", "check", "params",
                              "severity", "veto", "responsible", "note", "period", "due", "__line__"}
        if unknown:
            raise RulebookError(f"{label}: 未知字段 {', '.join(sorted(map(_shown, unknown)))}")
        item = raw.get("item")
        if item is not None and (not isinstance(item, int) or isinstance(item, bool) or item < 1
                                 or (items and item not in items)):
            span = f"{min(items)}–{max(items)}" if items else "正"
            raise RulebookError(f"{label}: item 须为规则集 items 中的条目编号（{span}整数）或 null")
        source = raw.get("source") or (f"{book_source} 第{item}项" if item else "")
        if source and not _one_line(source):
            raise RulebookError(f"{label}: source 须为单行字符串，实为 {_shown(source)}")
        if not source:
            raise RulebookError(f"{label}: item 为空时须给出 source")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise RulebookError(f"{label}: 缺少 title")
        applies = raw.get("applies_to")
        if isinstance(applies, str):
            applies = [applies]
        if not isinstance(applies, list) or not applies or not all(isinstance(a, str) for a in applies):
            raise RulebookError(f"{label}: applies_to 须为单位类型或单位名称的列表")
        check_id = raw.get("check")
        if not isinstance(check_id, str) or check_id not in CHECKS:
            raise RulebookError(f"{label}: 未知检查 {_shown(check_id)}（可用: {', '.join(sorted(CHECKS))}）")
        veto = raw.get("veto", False)
        if not isinstance(veto, bool):      # "no" in quotes is a string, and a string is true
            raise RulebookError(f"{label}: veto 须为 true 或 false（不加引号），实为 {_shown(veto)}")
        responsible = raw.get("responsible") or ""
        if not isinstance(responsible, str):
            raise RulebookError(f"{label}: responsible 须为字符串，实为 {_shown(responsible)}")
        severity = raw.get("severity", "major")
        if severity not in SEVERITIES:
            raise RulebookError(f"{label}: severity 须为 {'/'.join(SEVERITIES)}")
        try:
            params = validate(CHECKS[check_id].PARAMS, _strip_lines(raw.get("params") or {}))
            extra = getattr(CHECKS[check_id], "validate_params", None)
            if extra:
                extra(params)    # nested params (e.g. deadlines per unit type) check themselves
        except ParamError as exc:
            raise RulebookError(f"{label}: {exc}") from None
        params = read_datafiles(CHECKS[check_id], params, path.parent, label)
        rules.append(Rule(id=rid, item=item, source=source, title=title.strip(),
                          applies_to=tuple(applies), check=check_id, params=params,
                          **_dates(raw, label),
                          severity=severity, veto=veto, responsible=responsible, line=line))
    return Rulebook(id=str(book_id), title=str(data.get("title") or book_id), source=book_source,
                    rules=tuple(rules), path=str(path), items=items)


def read_datafiles(module, params: dict, base: Path | None = None, label: str = "") -> dict:
    """params with each `datafile` param (a word list such as rules/vocab/wording-errors.yaml)
    replaced by its content: the file is looked for beside the rulebook (base), then among the
    bundled rules; read with the same bounds as a rulebook, and checked by the check's own
    read_datafile(name, data, where) — a mistake names the file and the line."""
    out = dict(params)
    for name, spec in module.PARAMS.items():
        value = out.get(name)
        if spec["type"] != "datafile" or not isinstance(value, str):
            continue
        path = Path(value)
        if not path.is_absolute():
            beside = base / path if base is not None else None
            path = beside if beside is not None and beside.exists() else RULES_DIR / path
        try:
            data = load_yaml(path)
        except RulebookError as exc:
            raise RulebookError(f"{label + ': ' if label else ''}参数 {name} 的数据文件 {exc}") from None
        try:
            out[name] = module.read_datafile(name, data, str(path))
        except ParamError as exc:
            raise RulebookError(f"{label + ': ' if label else ''}{exc}") from None
    return out


def _one_line(value) -> bool:
    """A non-empty string that stays on one line in an error message or a terminal."""
    return (isinstance(value, str) and bool(value.strip())
            and not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value))


def _http_url(value) -> bool:
    if not _one_line(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port              # raises on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# What render: may say, as checks/browser_sample.py reads it
RENDER_MODES = ("js", "javascript", "browser")


def _render(value) -> bool:
    return isinstance(value, str) and value.lower() in RENDER_MODES


def _hints(value) -> bool:
    return (isinstance(value, dict) and all(isinstance(k, str) for k in value)
            and ("render" not in value or _render(value["render"])))


# The optional keys of a unit (name, type and url are required): key -> (is it valid, what it must be)
UNIT_KEYS = {
    "scope": (_http_url, "http(s) 地址前缀"),
    "peer_group": (_one_line, "单行字符串（同组单位互相比较年报）"),
    "render": (_render, f"{' / '.join(RENDER_MODES)} 之一"),
    "aliases": (lambda v: isinstance(v, list) and all(_one_line(a) for a in v), "单行字符串的列表"),
    "time_budget": (_positive_int, "正整数（秒）"),
    "max_pages": (_positive_int, "正整数"),
    "hints": (_hints, f"映射（render 须为 {' / '.join(RENDER_MODES)} 之一）"),
    "report_column": (_http_url, "http(s) 地址"),
    "operator": (_one_line, "单行字符串"),
    "confirmed": (lambda v: isinstance(v, bool), "true 或 false"),
}


def _shown(value, limit: int = 60) -> str:
    """A value quoted for a one-line message, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def load_units(path: str | Path | None = None) -> list[dict]:
    """The unit registry: name, type, url, and the optional keys of UNIT_KEYS."""
    path = Path(path) if path else RULES_DIR / "units" / "jiangmen.yaml"
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise RulebookError(f"{path}: 须是含 units 列表的映射")
    if not data["units"]:
        raise RulebookError(f"{path}: units 列表为空")
    units, names = [], set()
    for raw in data["units"]:
        line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
        where = f"{path}:{line}"
        if not isinstance(raw, dict):
            raise RulebookError(f"{where}: 单位须是映射")
        name = raw.get("name")
        if not _one_line(name):
            raise RulebookError(f"{where}: 单位缺少 name（须为单行字符串）")
        if name in names:
            raise RulebookError(f"{where}: 单位 {name} 重复")
        names.add(name)
        utype = raw.get("type")
        if utype not in UNIT_TYPES:
            raise RulebookError(f"{where}: 单位 {name}: 未知类型 {_shown(utype)}（可用: {', '.join(UNIT_TYPES)}）")
        url = raw.get("url")
        if not _http_url(url):
            raise RulebookError(f"{where}: 单位 {name}: url 须为 http(s) 地址, 实为 {_shown(url)}")
        unknown = [k for k in raw if k not in UNIT_KEYS and k not in ("name", "type", "url", "__line__")]
        if unknown:
            raise RulebookError(f"{where}: 单位 {name}: 未知字段 {', '.join(sorted(map(_shown, unknown)))}"
                                f"（可用: name, type, url, {', '.join(UNIT_KEYS)}）")
        for key, (valid, what) in UNIT_KEYS.items():
            if key in raw and not valid(raw[key]):
                space = " " if what[0].isascii() else ""
                raise RulebookError(f"{where}: 单位 {name}: {key} 须为{space}{what}，实为 {_shown(raw[key])}")
        units.append(_strip_lines(raw))
    return units
