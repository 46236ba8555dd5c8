"""Parameter schemas of checks, and their validation when a rulebook is loaded."""
from __future__ import annotations

import re
from datetime import date

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class ParamError(ValueError):
    pass


def _check_type(name: str, kind: str, value):
    if kind == "str":
        if not isinstance(value, str):
            raise ParamError(f"参数 {name} 应为字符串 (str), 实为 {value!r}")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParamError(f"参数 {name} 应为整数 (int), 实为 {value!r}")
    elif kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ParamError(f"参数 {name} 应为数字 (float), 实为 {value!r}")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ParamError(f"参数 {name} 应为 true/false, 实为 {value!r}")
    elif kind == "list[str]":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise ParamError(f"参数 {name} 应为非空字符串列表 (list[str]), 实为 {value!r}")
    elif kind == "list":
        if not isinstance(value, list):
            raise ParamError(f"参数 {name} 应为列表, 实为 {value!r}")
    elif kind == "dict":
        if not isinstance(value, dict):
            raise ParamError(f"参数 {name} 应为映射 (dict), 实为 {value!r}")
    elif kind == "month-day":
        m = _MONTH_DAY.match(str(value)) if isinstance(value, str) else None
        try:
            ok = m is not None and date(2000, int(m.group(1)), int(m.group(2)))
        except ValueError:
            ok = False
        if not ok:
            raise ParamError(f"参数 {name} 应为月-日 (如 01-31), 实为 {value!r}")
    elif kind == "datafile":
        # a word list in rules/ (rules/vocab/…): the rulebook loader reads and checks it
        if not (isinstance(value, str) and value.strip() and value.endswith((".yaml", ".yml"))
                and "\n" not in value):
            raise ParamError(f"参数 {name} 应为 YAML 数据文件名（如 vocab/x.yaml）, 实为 {value!r}")
    elif kind == "date":
        if isinstance(value, date):
            return
        try:
            date.fromisoformat(str(value))
        except ValueError:
            raise ParamError(f"参数 {name} 应为日期 YYYY-MM-DD, 实为 {value!r}") from None
    else:  # a schema bug, not a rulebook bug
        raise AssertionError(f"unknown param type {kind}")


def validate(schema: dict, params: dict) -> dict:
    """Params with defaults filled in; ParamError on a missing, unknown or mistyped param."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ParamError(f"params 应为映射, 实为 {params!r}")
    unknown = sorted(set(params) - set(schema))
    if unknown:
        raise ParamError(f"未知参数 {', '.join(unknown)}（可用: {', '.join(sorted(schema))}）")
    out = {}
    for name, spec in schema.items():
        if name in params:
            value = params[name]
            _check_type(name, spec["type"], value)
            choices = spec.get("choices")
            if choices and value not in choices:
                raise ParamError(f"参数 {name} 只能是 {', '.join(map(str, choices))}, 实为 {value!r}")
            out[name] = value
        elif spec.get("required"):
            raise ParamError(f"缺少必填参数 {name}")
        else:
            out[name] = spec.get("default")
    return out


def month_day(value: str, year: int) -> date:
    m = _MONTH_DAY.match(value)
    return date(year, int(m.group(1)), int(m.group(2)))
