"""serious_wording_errors — no serious wording errors (严重表述错误) in page text and titles.

What it checks: the title and text of every page fetched, and the text of every PDF/DOCX
attachment read, against a dictionary of serious errors kept in rules/ (`dictionary`, by default
rules/vocab/wording-errors.yaml; `extra_entries` adds a rulebook's own): misnamed country,
state organs and the Party (中华人民共合国, 国务院办工厅, 人民检查院), leaders' titles
(习近平总书纪, 国家主习) and political terms (十九届四种全会, 中国特色社会主意). Each entry is a
wrong form, its correct form and a category; the office extends the file, no code changes. Text
is compared with whitespace removed (中华人民共合 国 split by markup still counts). No guessing,
no model: only the literal wrong forms of the dictionary.

Never an error: the correct form (中华人民共和国, 国务院办公厅), whatever characters it shares
with a wrong one; a longer correct text an entry lists in its `not_in` (检查院内 for an office's
own entry 检查院); and a wrong form quoted beside its correct form — a 通报 or 更正 that says 将
“国务院办工厅”更正为“国务院办公厅” mentions the error, it does not make it.

Each finding names the page (or attachment), the wrong form, the correct form and its category,
and shows the text around the error (…贯彻落实《【中华人民共合国】就业促进法》…).

Why it matters: plan item 41 asks for 三审三校 and 严把政治关、文字关; the national indicators
(国办秘函〔2019〕19号) count 出现严重表述错误 among the 单项否决 problems: one such error fails
the whole website.

Pass: 180 pages and 12 attachments checked, none shows a dictionary error.
Fail: /xwzx/bmdt/202303/t20230312_90204.html: “中华人民共合国”应为“中华人民共和国”（国家名称）.
Unknown: the crawl saw too little to say (the start page is an article or a frameset, its links
could not be followed).

References: 江府办〔2022〕7号 item 41 (文字关); 国办秘函〔2019〕19号 政府网站与政务新媒体检查指标
单项否决 (严重表述错误).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.checks.parsers.personal_data import context

ID = "serious_wording_errors"
NEEDS = Needs(crawl="lists")
PARAMS = {
    "dictionary": {"type": "datafile", "default": "vocab/wording-errors.yaml"},
    # the rulebook's own entries, in the dictionary's format ({wrong, right, category, not_in})
    "extra_entries": {"type": "list", "default": []},
    # a quoted wrong form is a mention when its correct form is this close (a 通报, an 更正)
    "mention_window": {"type": "int", "default": 40},
    "context_chars": {"type": "int", "default": 18},
    "max_findings": {"type": "int", "default": 30},
}

# quotation marks (not 书名号: 《中华人民共合国就业促进法》 is the error itself, not a mention)
_OPEN = "“‘「『\"'"
_CLOSE = "”’」』\"'"
_QUOTE_REACH = 24          # characters from a quoted word to its quotation marks
_SPACE = re.compile(r"[\s\u3000\xa0]+")


@dataclass(frozen=True)
class Entry:
    wrong: str
    right: str
    category: str
    not_in: tuple = ()


def _entry(raw, where: str) -> Entry:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    at = f"{where}:{line}" if line else where
    if not isinstance(raw, dict):
        raise ParamError(f"{at}: 词条须为映射（wrong、right、category）")
    unknown = set(raw) - {"wrong", "right", "category", "not_in", "__line__"}
    if unknown:
        raise ParamError(f"{at}: 词条有未知字段 {', '.join(sorted(map(str, unknown)))}")
    values = {}
    for key in ("wrong", "right", "category"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise ParamError(f"{at}: 词条缺少 {key}（须为单行文字）")
        values[key] = _SPACE.sub("", value) if key != "category" else value.strip()
    wrong, right = values["wrong"], values["right"]
    if wrong == right or wrong in right:
        raise ParamError(f"{at}: 错误写法“{wrong}”是正确写法“{right}”的一部分，会把正确写法当成错误")
    not_in = raw.get("not_in") or []
    if not isinstance(not_in, list) or not all(isinstance(w, str) and _SPACE.sub("", w) for w in not_in):
        raise ParamError(f"{at}: not_in 须为文字列表")
    not_in = tuple(_SPACE.sub("", w) for w in not_in)
    for longer in not_in:
        if wrong not in longer:
            raise ParamError(f"{at}: not_in 中的“{longer}”不含错误写法“{wrong}”")
    return Entry(wrong, right, values["category"], not_in)


def _entries(raw_list, where: str) -> tuple:
    entries, seen = [], {}
    for raw in raw_list:
        entry = _entry(raw, where)
        if entry.wrong in seen:
            raise ParamError(f"{where}:{raw.get('__line__', '?')}: 错误写法“{entry.wrong}”重复"
                             f"（已见于第 {seen[entry.wrong]} 行）")
        seen[entry.wrong] = raw.get("__line__", "?")
        entries.append(entry)
    return tuple(entries)


def read_datafile(name: str, data, where: str) -> tuple:
    """The dictionary file's entries, checked (the rulebook loader calls this)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list) or not data["entries"]:
        raise ParamError(f"{where}: 词典须为含 entries 列表（wrong、right、category）的映射")
    return _entries(data["entries"], where)


def validate_params(params: dict) -> None:
    _entries(params["extra_entries"], "extra_entries")


def _dictionary(params) -> tuple:
    entries = params["dictionary"]
    if isinstance(entries, str):      # params not read through the rulebook loader (a test, a script)
        # the loader imports the registry, which imports this module
        from zwgk.checks.rulebook import read_datafiles
        entries = read_datafiles(sys.modules[__name__], params)["dictionary"]
    return tuple(entries) + _entries(params["extra_entries"], "extra_entries")


class _Matcher:
    def __init__(self, entries, window: int, context: int):
        self.by_wrong = {e.wrong: e for e in entries}
        # longest first: at one place the longer wrong form is the one reported
        words = sorted(self.by_wrong, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words))) if words else None
        self.window, self.context = window, context

    def errors(self, text: str):
        """(entry, context) of each error in text, text with its whitespace removed."""
        if self.pattern is None or not text:
            return
        for m in self.pattern.finditer(text):
            entry = self.by_wrong[m.group(0)]
            start, end = m.span()
            if self._inside_correct(text, start, entry) or self._mention(text, start, end, entry):
                continue
            yield entry, self._shown(text, start, end)

    @staticmethod
    def _inside_correct(text: str, start: int, entry: Entry) -> bool:
        for longer in entry.not_in:
            offset = longer.find(entry.wrong)
            while offset >= 0:
                if start - offset >= 0 and text.startswith(longer, start - offset):
                    return True
                offset = longer.find(entry.wrong, offset + 1)
        return False

    def _mention(self, text: str, start: int, end: int, entry: Entry) -> bool:
        """The wrong form in quotation marks with its correct form, quoted too, close by: a 通报
        or an 更正 (将“国务院办公厅”误写为“国务院办工厅”) names the error, it does not make it."""
        if not _quoted(text, start, end):
            return False
        lo = max(0, start - self.window)
        at = text.find(entry.right, lo, end + self.window)
        while at >= 0:
            if _quoted(text, at, at + len(entry.right)):
                return True
            at = text.find(entry.right, at + 1, end + self.window)
        return False

    def _shown(self, text: str, start: int, end: int) -> str:
        return context(text, start, end, "【" + text[start:end] + "】", self.context)


def _quoted(text: str, start: int, end: int) -> bool:
    """text[start:end] sits inside quotation marks (“…十九届四种全会…”)."""
    left = text[max(0, start - _QUOTE_REACH):start]
    right = text[end:end + _QUOTE_REACH]
    opened = max((left.rfind(q) for q in _OPEN), default=-1)
    if opened < 0 or any(q in left[opened + 1:] for q in _CLOSE if q not in _OPEN):
        return False
    closes = [i for i in (right.find(q) for q in _CLOSE) if i >= 0]
    if not closes:
        return False
    return not any(q in right[:min(closes)] for q in _OPEN if q not in _CLOSE)


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text or "")


def check(site, params, ctx):
    thin = site.thin_crawl()
    if thin:
        yield Finding("unknown", f"抓取到的内容太少，无法检查严重表述错误：{thin}", url=site.start_url)
        return
    matcher = _Matcher(_dictionary(params), params["mention_window"], params["context_chars"])
    pages = site.pages
    attachments = [s for s in site.snapshots if not s.external and s.ok and s.doc_text
                   and s.final_url in site.scope]
    found = []                         # [snapshot, where, entry, context, count]
    for snap, text, title in ([(p, site.text(p), p.title) for p in pages]
                              + [(a, a.doc_text, "") for a in attachments]):
        per_page: dict = {}
        title = _squeeze(title)
        for entry, shown in matcher.errors(_squeeze(text)):   # a page's text holds its <title>
            if entry.wrong in per_page:
                per_page[entry.wrong][4] += 1
                continue
            where = "附件" if snap.doc_text else "标题" if entry.wrong in title else "正文"
            per_page[entry.wrong] = [snap, where, entry, shown, 1]
        found.extend(per_page.values())
    seen = f"检查页面 {len(pages)} 个、附件 {len(attachments)} 个，词典 {len(matcher.by_wrong)} 条"
    if not found:
        yield Finding("pass", f"{seen}，未发现严重表述错误", url=site.start_url, evidence=site.coverage_note())
        return
    for snap, where, entry, shown, count in found[:params["max_findings"]]:
        times = f"，共 {count} 处" if count > 1 else ""
        yield Finding("fail", f"{where}出现严重表述错误：“{entry.wrong}”应为“{entry.right}”（{entry.category}）{times}",
                      url=snap.final_url, evidence=shown)
    if len(found) > params["max_findings"]:
        yield Finding("fail", f"另有 {len(found) - params['max_findings']} 处严重表述错误未逐条列出（{seen}）",
                      url=site.start_url)
