"""Rulebooks are validated on load: a typo is an error naming the file, the line and the rule."""
import textwrap

import pytest

from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import RulebookError, load_rulebook, load_units


def write(tmp_path, text, name="book.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


GOOD_RULE = """\
    id: t
    source: 测试
    rules:
      - id: home-column
        item: 14
        title: 首页营商环境专栏
        applies_to: [city-portal]
        check: column_present
        params:
          names: [营商环境]
    items:
      14: {text: 首页开设营商环境专栏}
      15: {text: 另一项}
"""


def test_bundled_rulebook_loads_and_every_rule_names_a_registered_check():
    book = load_rulebook("jiangmen-2022")
    assert book.rules
    for rule in book.rules:
        assert rule.check in CHECKS
        assert rule.item is None or rule.item in book.items
        assert rule.source and rule.title


def test_good_rulebook_fills_defaults(tmp_path):
    book = load_rulebook(str(write(tmp_path, GOOD_RULE)))
    [rule] = book.rules
    assert rule.params["where"] == "anywhere" and rule.params["max_depth"] == 3
    assert rule.source == "测试 第14项"
    assert rule.applies("city-portal") and not rule.applies("county")


@pytest.mark.parametrize("change, message", [
    (("check: column_present", "check: column_presnt"), "未知检查 'column_presnt'"),
    (("names: [营商环境]", "nmes: [营商环境]"), "未知参数 nmes"),
    (("item: 14", "item: 99"), "item 须为规则集 items 中的条目编号（14–15"),
    (("id: home-column", "id: Home_Column"), "kebab-case"),
    (("applies_to: [city-portal]", "applies_to: 3"), "applies_to"),
    (("names: [营商环境]", "names: 营商环境"), "list[str]"),
    (("check: column_present", "check: column_present\n        depth: deep"), "depth 须为 existence/content/timeliness"),
])
def test_typos_are_errors_with_file_line_and_rule(tmp_path, change, message):
    path = write(tmp_path, GOOD_RULE.replace(*change))
    with pytest.raises(RulebookError) as err:
        load_rulebook(str(path))
    text = str(err.value)
    assert message in text
    assert f"{path}:4" in text, text          # the rule's line
    assert "\n" not in text                   # one line for the user


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, GOOD_RULE + "  - id: [unclosed\n")
    with pytest.raises(RulebookError, match=r"book\.yaml:\d+: YAML"):
        load_rulebook(str(path))


def test_unknown_rulebook_id():
    with pytest.raises(RulebookError, match="未知规则集"):
        load_rulebook("no-such-book")


def test_units_file_validation(tmp_path):
    good = write(tmp_path, """\
        units:
          - name: 新会区人民政府
            type: county
            url: https://www.xinhui.gov.cn/
        """, "units.yaml")
    assert load_units(good)[0]["type"] == "county"
    bad = write(tmp_path, """\
        units:
          - name: 新会区人民政府
            type: countyy
            url: https://www.xinhui.gov.cn/
        """, "bad.yaml")
    with pytest.raises(RulebookError, match=r"bad\.yaml:2: 单位 新会区人民政府: 未知类型 'countyy'"):
        load_units(bad)


def test_bundled_units_registry_loads():
    units = load_units()
    names = {u["name"] for u in units}
    assert "江门市人民政府门户网站" in names and "新会区人民政府" in names


def test_every_plan_item_has_a_rule_or_a_reason_why_not():
    book = load_rulebook("jiangmen-2022")
    covered = {r.item for r in book.rules if r.item}
    for n in range(1, 60):
        item = book.items[n]
        assert item["text"] and item["responsible"], n
        has_reason = bool(item.get("not_checkable") or item.get("not_implemented"))
        assert (n in covered) != has_reason, f"item {n}: a rule and a reason, or neither"


def test_every_bundled_rule_says_how_deep_it_looks():
    # the 任务台账 and the rule reference show it: 通过 must say whether a column exists or its
    # content was checked (rules merged without one get 未声明: add `depth:`)
    book = load_rulebook("jiangmen-2022")
    assert [r.id for r in book.rules if not r.depth] == []


def test_an_item_is_either_not_checkable_or_not_implemented(tmp_path):
    both = GOOD_RULE.replace("15: {text: 另一项}", "15: {text: 另一项, not_checkable: 内部工作, not_implemented: 以后}")
    with pytest.raises(RulebookError, match="不能同时写 not_checkable 和 not_implemented"):
        load_rulebook(str(write(tmp_path, both)))
    book = load_rulebook(str(write(tmp_path, GOOD_RULE.replace("15: {text: 另一项}", "15: {text: 另一项, not_implemented: 以后}"))))
    assert book.items[15]["not_implemented"] == "以后" and book.rules[0].depth == ""


def test_rules_readme_is_generated_from_the_rulebook():
    from zwgk.checks.docs import main
    assert main(["--check"]) == 0, "run: python -m zwgk.checks.docs"


def test_a_rulebook_for_another_plan_is_a_yaml_file_only(tmp_path):
    """Nothing assumes 59 items: a plan of 3 items, its rule on item 3, and its docs page."""
    from zwgk.checks.docs import render_rulebook
    path = write(tmp_path, """\
        id: other-2025
        title: 另一份工作要点
        source: 某府办〔2025〕1号
        items:
          1: {text: 第一项, not_checkable: 内部工作}
          2: {text: 第二项, not_checkable: 内部工作}
          3: {text: 首页开设营商环境专栏}
        rules:
          - id: home-column
            item: 3
            title: 首页营商环境专栏
            applies_to: [county]
            check: column_present
            params:
              names: [营商环境]
        """, name="other-2025.yaml")
    book = load_rulebook(str(path))
    assert book.id == "other-2025" and sorted(book.items) == [1, 2, 3]
    assert book.rules[0].source == "某府办〔2025〕1号 第3项"
    page = render_rulebook(book)
    assert "## 3 项任务的覆盖情况" in page and "共 3 项，其中 1 项有规则检查，2 项" in page
    with pytest.raises(RulebookError, match="items 的编号须为正整数"):
        load_rulebook(str(write(tmp_path, "id: x\nitems:\n  a: {text: x}\nrules: []\n", name="bad.yaml")))


def test_every_optional_unit_key_is_kept_when_valid(tmp_path):
    """The keys zwgk reads from a unit (README, "The units file"), the bundled registry's
    operator/confirmed, and an alias sharing one unit's hints with another."""
    path = write(tmp_path, """\
        units:
          - name: 新会区人民政府
            type: county
            url: https://www.xinhui.gov.cn/
            scope: https://www.xinhui.gov.cn/zwgk/
            peer_group: 区县
            render: js
            aliases: [新会区政府, 江门市新会区人民政府]
            time_budget: 600
            max_pages: 300
            hints: &h {render: JS, columns: [https://www.xinhui.gov.cn/zwgk/ndbg/]}
            report_column: https://www.xinhui.gov.cn/zwgk/ndbg/
            operator: 区政府办公室
            confirmed: false
          - {name: 台山市人民政府, type: county, url: "http://www.cnts.gov.cn/", hints: *h}
        """, "units.yaml")
    first, second = load_units(path)
    assert first == {"name": "新会区人民政府", "type": "county", "url": "https://www.xinhui.gov.cn/",
                     "scope": "https://www.xinhui.gov.cn/zwgk/", "peer_group": "区县", "render": "js",
                     "aliases": ["新会区政府", "江门市新会区人民政府"], "time_budget": 600, "max_pages": 300,
                     "hints": {"render": "JS", "columns": ["https://www.xinhui.gov.cn/zwgk/ndbg/"]},
                     "report_column": "https://www.xinhui.gov.cn/zwgk/ndbg/", "operator": "区政府办公室",
                     "confirmed": False}
    assert second["hints"] == first["hints"]


def test_an_empty_units_list_is_an_error(tmp_path):
    with pytest.raises(RulebookError, match=r"units\.yaml: units 列表为空"):
        load_units(write(tmp_path, "units: []\n", "units.yaml"))


@pytest.mark.parametrize("veto", ['"no"', '"false"', "'true'", "1", "[]"])
def test_veto_must_be_a_yaml_boolean(tmp_path, veto):
    path = write(tmp_path, GOOD_RULE.replace("check: column_present", f"check: column_present\n        veto: {veto}"))
    with pytest.raises(RulebookError, match=r"book\.yaml:4: 规则 home-column: veto 须为 true 或 false"):
        load_rulebook(str(path))


@pytest.mark.parametrize("veto, loaded", [("true", True), ("false", False), ("no", False), ("yes", True)])
def test_veto_yaml_booleans_load_as_written(tmp_path, veto, loaded):
    path = write(tmp_path, GOOD_RULE.replace("check: column_present", f"check: column_present\n        veto: {veto}"))
    assert load_rulebook(str(path)).rules[0].veto is loaded


def test_a_rule_id_with_a_line_break_is_refused_on_one_line(tmp_path):
    path = write(tmp_path, GOOD_RULE.replace("id: home-column", 'id: "home-column\\n伪造的第二行"'))
    with pytest.raises(RulebookError) as err:
        load_rulebook(str(path))
    assert "kebab-case" in str(err.value) and "\n" not in str(err.value)


def test_aliases_within_the_bound_still_share_params():
    """The bundled rulebook shares its annual-report params with aliases: bounding their
    expansion must not refuse that."""
    book = load_rulebook("jiangmen-2022")
    shared = [r.params["names"] for r in book.rules if r.check.startswith("annual_report")
              and "names" in r.params]
    assert len(shared) >= 2 and all(names == shared[0] for names in shared)
