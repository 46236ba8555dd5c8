"""The layers of DESIGN.md, held: each package imports only the layers below it, the checks and
reports never reach Scrapy, storage or the application, one module makes Sites, and the wheel
installs the one name `zwgk`."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import zipfile
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# folder -> the layers its modules may import (itself included)
LAYERS = {
    "page": {"page"},
    "crawler": {"page", "crawler"},
    "storage": {"page", "storage"},
    "checks": {"page", "checks"},
    "reports": {"page", "checks", "reports"},
    "zwgk": {"page", "crawler", "storage", "checks", "reports", "rules", "zwgk"},
}
MAX_IMPORTS_IN_FUNCTIONS = 10


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "zwgk":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS.keys() | {"rules"} else "zwgk"


def _project_imports():
    """(folder, file, line, imported module, inside a function, source line) of every import of
    a zwgk module in the project's code."""
    for folder in LAYERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            tree = ast.parse(source)
            in_function = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                           for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    modules = [node.module or ""] if node.level == 0 else []
                elif isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                else:
                    continue
                for module in modules:
                    if module.split(".")[0] in ("crawler", "checks", "reports", "rules", "page", "storage"):
                        yield folder, path, node.lineno, "BARE:" + module, id(node) in in_function, lines[node.lineno - 1]
                    elif _layer(module):
                        yield folder, path, node.lineno, module, id(node) in in_function, lines[node.lineno - 1]


def test_every_import_goes_down_the_layers():
    bad = [f"{p.relative_to(ROOT)}:{line} ({folder}) imports {module}"
           for folder, p, line, module, _inside, _src in _project_imports()
           if module.startswith("BARE:") or _layer(module) not in LAYERS[folder]]
    assert not bad, "\n".join(bad)


def test_no_cycle_between_the_top_level_packages():
    graph: dict[str, set] = {folder: set() for folder in LAYERS}
    for folder, _p, _line, module, _inside, _src in _project_imports():
        target = _layer(module.removeprefix("BARE:zwgk.")) if not module.startswith("BARE:") else None
        if target and target != folder and target in graph:
            graph[folder].add(target)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:          # pragma: no cover — the assertion message is the point
        pytest.fail(f"import cycle between packages: {exc.args[1]}")
    assert order.index("page") < order.index("crawler") < order.index("zwgk")


def test_few_imports_inside_functions_and_each_says_why():
    inside = [(p, line, src) for _f, p, line, _m, is_inside, src in _project_imports() if is_inside]
    assert len(inside) <= MAX_IMPORTS_IN_FUNCTIONS, [f"{p.relative_to(ROOT)}:{line}" for p, line, _ in inside]
    for path, line, src in inside:
        before = path.read_text(encoding="utf-8").splitlines()[line - 2]
        assert "#" in src or before.strip().startswith("#"), f"{path.relative_to(ROOT)}:{line} needs a one-line reason"


def test_checks_and_reports_load_no_crawler_storage_or_browser():
    code = ("import sys, json; import zwgk.checks.registry, zwgk.checks.needs, zwgk.checks.rulebook, "
            "zwgk.reports.html, zwgk.reports.tables, zwgk.page.html; "
            "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True, cwd="/").stdout)
    forbidden = ("scrapy", "twisted", "sqlalchemy", "alembic", "playwright", "redis", "psycopg",
                 "zwgk.crawler", "zwgk.storage", "zwgk.audit", "zwgk.cli", "zwgk.commands", "zwgk.cluster")
    reached = [m for m in loaded if m.startswith(forbidden)]
    assert not reached, reached


def test_the_page_model_loads_no_scrapy_sqlalchemy_or_playwright():
    code = ("import sys, json; import zwgk.page.snapshot, zwgk.page.html, zwgk.page.scope, zwgk.page.gkmlpt, "
            "zwgk.page.browser_evidence, zwgk.page.breadcrumb; print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True, cwd="/").stdout)
    assert not [m for m in loaded if m.startswith(("scrapy", "twisted", "sqlalchemy", "playwright", "zwgk.crawler",
                                                   "zwgk.storage", "zwgk.checks"))]


def test_exactly_one_module_constructs_a_site():
    makers = []
    for folder in LAYERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            if path.name != "site.py" and "zwgk.checks.site" not in source:
                continue        # another Site (the sample portals' own model) is not the checks' Site
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "Site"
                                                   or getattr(node.func, "attr", None) == "Site"):
                    makers.append(str(path.relative_to(ROOT)))
    assert makers == ["zwgk/audit.py"], makers


def test_the_wheel_installs_one_top_level_name(tmp_path):
    # built from a copy: setuptools writes build/ into the tree it builds
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__",
                                                            "tests", "bench", "zwgk.db*", "scorecards"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(src)], check=True, capture_output=True, cwd=tmp_path)
    [wheel] = tmp_path.glob("zwgk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"zwgk"}, tops
    for wanted in ("zwgk/cli.py", "zwgk/crawler/spiders/portal.py", "zwgk/checks/site.py", "zwgk/page/snapshot.py",
                   "zwgk/storage/migrations/versions/0001_initial.py", "zwgk/reports/templates/unit.html",
                   "zwgk/rules/jiangmen-2022.yaml", "zwgk/sample_portals/templates/base.html"):
        assert wanted in names, wanted
