"""Word lists the page parsers read (date labels, info-box labels, …): data in
rules/vocab/<name>.yaml, not constants in code. Loaded once; callers must not change them."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml


@lru_cache(maxsize=None)
def vocab(name: str) -> dict:
    path = files("zwgk.rules") / "vocab" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))
