"""serious_wording_errors (issue 17, item 41 文字关): the dictionary in rules/ as data — found
beside a rulebook, checked when the rulebook loads (file and line named) — its entries never
firing on correct text, quoted mentions, attachments, and masked context. The fixtures under
tests/fixtures/checks/serious_wording_errors/ hold the small sites with their decoys."""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from tests.sitekit import snapshot
from zwgk.checks.engine import CheckContext, run_rule
from zwgk.checks.params import validate
from zwgk.checks.registry import CHECKS
from zwgk.checks.rulebook import RULES_DIR, Rule, RulebookError, load_rulebook, load_yaml
from zwgk.checks.site import Site

MODULE = CHECKS["serious_wording_errors"]
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2023, 3, 15)


def bundled():
    [rule] = [r for r in load_rulebook().rules if r.id == "serious-wording-errors"]
    return rule


def matcher(entries=None):
    entries = bundled().params["dictionary"] if entries is None else entries
    return MODULE._Matcher(entries, 40, 18)


def errors(text: str, entries=None) -> list[str]:
    return [e.wrong for e, _ in matcher(entries).errors(MODULE._squeeze(text))]


def run(pages: dict, params=None):
    base = "http://x.gov.cn/"
    snaps = [snapshot(base, '<html><head><title>首页</title></head><body>'
                      + "".join(f'<a href="{u}">{u}</a>' for u in pages) + "</body></html>")]
    snaps += [snapshot(base + u, html, depth=1) if isinstance(html, str) else html(base + u)
              for u, html in pages.items()]
    rule = Rule(id="serious-wording-errors", item=41, source="x", title="x", applies_to=("county",),
                check=MODULE.ID, params=validate(MODULE.PARAMS, params or {}))
    return run_rule(rule, Site(base, snaps), CheckContext(as_of=AS_OF, unit={"name": "x", "type": "county"}))


def page(body: str, title: str = "文章") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"


# ---- the dictionary ---------------------------------------------------------------------------------
def test_the_bundled_rule_reads_the_bundled_dictionary():
    rule = bundled()
    assert rule.item == 41 and rule.veto and rule.severity == "critical"
    entries = rule.params["dictionary"]
    raw = load_yaml(RULES_DIR / "vocab" / "wording-errors.yaml")["entries"]
    assert len(entries) == len(raw) >= 20
    assert {e.category for e in entries} == {"国家名称", "国家机关名称", "党的名称", "领导职务", "政治术语"}


def test_every_wrong_form_is_found_and_no_correct_form_is():
    entries = bundled().params["dictionary"]
    for e in entries:
        assert errors(f"……{e.wrong}……") == [e.wrong], e
        assert errors(f"……{e.right}……") == [], e          # no entry fires on another's correct form
        for longer in e.not_in:
            assert errors(longer) == [], (e, longer)


def test_no_entry_fires_on_real_government_text():
    """Every real page and 年报 text kept under tests/fixtures (13 portals' pages): none holds a
    dictionary error, so none may be reported."""
    texts = [p.read_text(encoding="utf-8") for p in (FIXTURES / "corpus").rglob("*")
             if p.suffix in (".html", ".txt")]
    texts += [p.read_text(encoding="utf-8") for p in (FIXTURES / "annual_reports").rglob("*")
              if p.suffix in (".html", ".txt")]
    assert len(texts) >= 10
    for text in texts:
        assert errors(text) == []


def write(tmp: Path, words: str, dictionary: str = "my-words.yaml") -> Path:
    (tmp / "my-words.yaml").write_text(textwrap.dedent(words), encoding="utf-8")
    book = tmp / "book.yaml"
    book.write_text(textwrap.dedent(f"""\
        id: book
        title: 测试规则集
        source: 测试〔2025〕1号
        rules:
          - id: serious-wording-errors
            source: 测试
            title: 无严重表述错误
            applies_to: [county]
            check: serious_wording_errors
            params: {{dictionary: {dictionary}}}
        """), encoding="utf-8")
    return book


def test_a_rulebook_finds_its_own_dictionary_beside_it(tmp_path):
    book = write(tmp_path, """\
        entries:
          - {wrong: 新会区人民正府, right: 新会区人民政府, category: 国家机关名称}
        """)
    [rule] = load_rulebook(str(book)).rules
    assert [e.wrong for e in rule.params["dictionary"]] == ["新会区人民正府"]


@pytest.mark.parametrize("words, line, says", [
    ("entries:\n  - {wrong: 国务院办公, right: 国务院办公厅, category: 国家机关名称}\n", 2, "是正确写法“国务院办公厅”的一部分"),
    ("entries:\n  - {wrong: 国务院办工厅, right: 国务院办公厅, category: 国家机关名称}\n"
     "  - {wrong: 中华人民共合国, category: 国家名称}\n", 3, "缺少 right"),
    ("entries:\n  - {wrong: 国务院办工厅, right: 国务院办公厅, category: 机关}\n"
     "  - {wrong: 国务院办工厅, right: 国务院办公厅, category: 机关}\n", 3, "重复"),
    ("entries:\n  - {wrong: 检查院, right: 检察院, category: 机关, not_in: [检察院内]}\n", 2, "不含错误写法"),
    ("entries:\n  - {wrong: 检查院, right: 检察院, category: 机关, note: x}\n", 2, "未知字段"),
])
def test_a_mistake_in_the_dictionary_names_its_file_and_line(tmp_path, words, line, says):
    book = write(tmp_path, words)
    with pytest.raises(RulebookError) as info:
        load_rulebook(str(book))
    message = str(info.value)
    assert f"my-words.yaml:{line}" in message and says in message, message
    assert "book.yaml" in message and "serious-wording-errors" in message     # and the rule that reads it


def test_a_missing_or_empty_dictionary_is_an_error(tmp_path):
    with pytest.raises(RulebookError, match="no-such.yaml.*文件不存在"):
        load_rulebook(str(write(tmp_path, "entries: []\n", dictionary="no-such.yaml")))
    with pytest.raises(RulebookError, match="词典须为含 entries 列表"):
        load_rulebook(str(write(tmp_path, "entries: []\n")))
    with pytest.raises(RulebookError, match="数据文件名"):
        load_rulebook(str(write(tmp_path, "entries: []\n", dictionary="words.txt")))


# ---- matching -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, found", [
    ("贯彻落实《中华人民共合国就业促进法》", ["中华人民共合国"]),              # 书名号 are no quotation
    ("他说“中华人民共合国”。", ["中华人民共合国"]),                             # quoted, but no correction
    ("将“中华人民共和国”误写为“中华人民共合国”", []),                          # a 通报's mention
    ("“十九届四种全会”应为“十九届四中全会”", []),                              # an 更正, quoted words longer
    ("原文中中华人民共合国应为中华人民共和国", ["中华人民共合国"]),             # unquoted: still the error
    ("中华人民共合\n 国", ["中华人民共合国"]),                                  # whitespace inside
    ("中华人民共和国国务院办公厅人民检察院", []),
])
def test_mentions_and_errors(text, found):
    assert errors(text) == found


def test_an_error_in_an_attachment_and_the_context_masked():
    def attachment(url):
        return snapshot(url, "", content_type="application/pdf", depth=2,
                        doc_text="会议强调，要学习贯彻《中华人民共合国\n预算法》，陈某13912345678。后文很长很长很长。")
    result = run({"a.html": page("正文"), "p.pdf": attachment})
    [f] = [f for f in result.findings if f.status == "fail"]
    assert f.url == "http://x.gov.cn/p.pdf" and f.message.startswith("附件出现严重表述错误")
    assert "【中华人民共合国】" in f.evidence and "139****5678" in f.evidence and "13912345678" not in f.evidence


def test_one_finding_per_page_and_error_with_its_count():
    result = run({"a.html": page("中华人民共合国宪法。中华人民共合国民法典。国务院办工厅。", title="学习宪法")})
    fails = sorted(f.message for f in result.findings if f.status == "fail")
    assert fails == ["正文出现严重表述错误：“中华人民共合国”应为“中华人民共和国”（国家名称），共 2 处",
                     "正文出现严重表述错误：“国务院办工厅”应为“国务院办公厅”（国家机关名称）"]


def test_a_clean_site_passes_and_says_what_it_read():
    result = run({"a.html": page("深入学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神。")})
    assert result.status == "pass"
    assert "检查页面 2 个、附件 0 个，词典" in result.findings[0].message


def test_the_veto_zeroes_the_score():
    from zwgk.checks.engine import score
    rule = bundled()
    result = run({"a.html": page("中国共铲党")})
    result.rule = rule.id
    assert score([result], [rule]) == 0.0
