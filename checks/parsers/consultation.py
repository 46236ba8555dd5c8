"""A 征求意见/意见征集 notice's window (起止日期) and the feedback (反馈/采纳情况) a page reports.

Real notices write the window in many ways (tests/fixtures/corpus/PROVENANCE.md, "consultation
windows"); the words are data in rules/vocab/consultation.yaml:
- W-a a window label, then a range, on the same line or the next one: `一、征求意见的时间` /
  `2023年3月6日至2023年4月5日`; `公示时间：2020年12月30日—2021年1月6日`; separate start and end
  fields `开始时间:2024-09-04 结束时间:2024-09-27`; a deadline alone `截止时间为…`, or in a sentence
  asking for opinions `请于2023年4月5日前将意见反馈至…`. Joiners 至, 到, —, -, ～.
- W-b a yearless end (`2024年3月7日-4月26日`) inherits the start's year, and the year after when
  it would fall before the start.
- W-c an open start (`即日起至…`, `请在启事公布之日起`) is the notice's publication date; so is a
  missing start when only a deadline is given (`start_from_publication`).
- W-d an 8-digit date followed by 日 (`20191220日`) is read, and flagged as malformed.
- Labels of other windows never count: `报名时间`, `培训时间` (a range label must be one of the
  vocabulary's, and a start/end label right after 报名/培训/活动… is another window's).
- W-e feedback: a table whose header holds 是否采纳/采纳情况/采纳理由…, the counts phrase
  `共征集意见3条,采纳2条,未采纳1条`, or a statement that none was received (未收到意见).

Dates split by inline markup (`公示时间：<span>20</span><span>20</span>年…`, read as "20 20 年")
are joined before reading.

    w = consultation_window(text, published=date(2023, 3, 6))   # Window or None
    w.start, w.end, w.days, w.evidence, w.open_start, w.malformed
    fb = feedback_in_text(text)                                  # Feedback or None
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from zwgk.checks.parsers.numerals import number
from zwgk.checks.parsers.vocab import vocab

_V = vocab("consultation")
_FULL = r"(?:19|20)\d{2}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*\d{1,2}\s*(?:日|号)?"
_COMPACT = r"(?:19|20)\d{2}[01]\d[0-3]\d(?=\s*日)\s*日"
_YEARLESS = r"\d{1,2}\s*月\s*\d{1,2}\s*(?:日|号)"
_POINT = rf"(?:{_COMPACT}|{_FULL}|{_YEARLESS})"
# a clock time or a weekday after a date is part of it: 2024-09-04 09:00, 4月5日（星期三）
_TAIL = r"(?:\s*\d{1,2}\s*[:：时]\s*\d{2}(?:\s*[:：分]\s*\d{2})?\s*秒?)?(?:\s*[（(]\s*(?:星期|周)[一二三四五六日天]\s*[)）])?"
_SPLIT_YEAR = re.compile(r"(?<!\d)(\d{1,3})\s+(\d{1,3})(?=\s*年)")
_DATE_PARTS = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*)?(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})")
_COMPACT_PARTS = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})")


@dataclass(frozen=True)
class Window:
    start: date | None          # None: not written (the check takes the publication date)
    end: date | None
    label: str                  # the label as the page writes it ("" for a deadline sentence)
    evidence: str               # the text the window was read from
    open_start: bool = False    # 即日起/公布之日起, or only a deadline: the start is the publication
    yearless_end: bool = False  # the end was written without its year (W-b)
    malformed: str = ""         # what was odd in the writing (an 8-digit date)
    kind: str = "range"         # "range", "fields" (start and end labels), "deadline"

    @property
    def days(self) -> int | None:
        """The window's length in days (开始的当日不计入: 3月6日至4月5日 is 30 days)."""
        return (self.end - self.start).days if self.start and self.end else None

    def with_start(self, start: date) -> "Window":
        return Window(start, self.end, self.label, self.evidence, True, self.yearless_end,
                      self.malformed, self.kind)

    def describe(self) -> str:
        s = self.start.isoformat() if self.start else "（发布之日）"
        e = self.end.isoformat() if self.end else "（未写明）"
        return f"{s} 至 {e}" + (f"（{self.days} 天）" if self.days is not None else "")


@dataclass(frozen=True)
class Feedback:
    kind: str                   # "table", "counts" or "none" (nobody sent an opinion)
    evidence: str
    received: int | None = None
    adopted: int | None = None


def prepare(text: str) -> str:
    """The text as the window reader reads it: width folded, a year split by inline markup
    ("20 20 年") joined."""
    t = unicodedata.normalize("NFKC", text or "")
    return _SPLIT_YEAR.sub(lambda m: m[1] + m[2] if len(m[1] + m[2]) == 4 else m[0], t)


def _words_re(words) -> str:
    return "|".join(r"\s*".join(map(re.escape, unicodedata.normalize("NFKC", w)))
                    for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns():
    join = _words_re(_V["joiners"])
    opens = _words_re(_V["open_starts"])
    point = rf"({_POINT}){_TAIL}"
    return {
        "range": re.compile(rf"{point}\s*(?:{join})\s*{point}\s*止?"),
        "open": re.compile(rf"(?:{opens})\s*(?:起)?\s*(?:{join})\s*{point}\s*止?"),
        "point": re.compile(point),
        "range_label": re.compile(_words_re(_V["range_labels"])),
        "start_label": re.compile(_words_re(_V["start_labels"])),
        "end_label": re.compile(_words_re(_V["end_labels"])),
        "foreign": re.compile(rf"(?:{_words_re(_V['foreign_before'])})\s*$"),
        "deadline": re.compile(_V["deadline_pattern"].replace("{date}", rf"({_POINT})")),
        "opens": re.compile(opens),
    }


def _read_point(text: str, year_hint: int | None = None) -> tuple[date | None, bool, str]:
    """(date, written with its year, malformed note) of one date as written."""
    t = re.sub(r"\s+", "", text)
    m = _COMPACT_PARTS.match(t)
    if m and re.match(r"^\d{8}日", t):
        return _mk(m[1], m[2], m[3]), True, f"日期“{text.strip()}”未用年月日分隔"
    m = _DATE_PARTS.search(t)
    if not m:
        return None, False, ""
    year = m["y"] or year_hint
    if year is None:
        return None, False, ""
    return _mk(year, m["m"], m["d"]), m["y"] is not None, ""


def _mk(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _range(match, published: date | None) -> tuple[date | None, date | None, bool, str]:
    start, start_year, odd1 = _read_point(match.group(1), published.year if published else None)
    end, end_year, odd2 = _read_point(match.group(2), start.year if start else None)
    yearless = not end_year and end is not None
    if yearless and start and end < start:       # 12月20日至1月10日: the end is in the next year
        end = _mk(start.year + 1, end.month, end.day)
    return start, end, yearless, odd1 or odd2


def _after(rx, text: str, at: int, reach: int):
    """rx's first match starting within reach characters after position at."""
    m = rx.search(text, at, at + reach + 80)
    return m if m and m.start() - at <= reach else None


def _foreign(text: str, at: int) -> bool:
    return bool(_patterns()["foreign"].search(text[max(0, at - 6):at]))


def consultation_window(text: str, published: date | None = None) -> Window | None:
    """The window a notice's text states, or None. A labelled range with both ends wins over start
    and end fields, which win over an open start (即日起至…) and over a deadline alone; the first
    of the best kind in the text is taken."""
    t = prepare(text)
    p = _patterns()
    reach = int(_V["label_reach"])
    found: list[tuple[int, int, Window]] = []       # (rank, position, window)

    for lm in p["range_label"].finditer(t):
        if _foreign(t, lm.start()):
            continue
        label = lm.group(0)
        m = _after(p["range"], t, lm.end(), reach)
        if m:
            start, end, yearless, odd = _range(m, published)
            if start and end:
                found.append((0, lm.start(), Window(start, end, label, t[lm.start():m.end()].strip(),
                                                    yearless_end=yearless, malformed=odd)))
                continue
        m = _after(p["open"], t, lm.end(), reach)
        if m:
            end, has_year, odd = _read_point(m.group(1), published.year if published else None)
            if end:
                found.append((2, lm.start(), Window(published, end, label, t[lm.start():m.end()].strip(),
                                                    open_start=True, yearless_end=not has_year,
                                                    malformed=odd)))

    start_field = end_field = None
    for lm in p["start_label"].finditer(t):
        if not _foreign(t, lm.start()):
            m = _after(p["point"], t, lm.end(), reach)
            if m:
                d, _has_year, odd = _read_point(m.group(1), published.year if published else None)
                if d:
                    start_field = (lm, m, d, odd)
                    break
    for lm in p["end_label"].finditer(t):
        if _foreign(t, lm.start()):
            continue
        m = _after(p["point"], t, lm.end(), reach)
        if not m:
            continue
        hint = start_field[2].year if start_field else (published.year if published else None)
        d, has_year, odd = _read_point(m.group(1), hint)
        if d:
            end_field = (lm, m, d, odd, has_year)
            break
    if start_field and end_field and end_field[2] >= start_field[2]:
        (slm, sm, sd, sodd), (elm, em, ed, eodd, has_year) = start_field, end_field
        evidence = f"{t[slm.start():sm.end()].strip()} {t[elm.start():em.end()].strip()}"
        found.append((1, slm.start(), Window(sd, ed, f"{slm.group(0)}/{elm.group(0)}", evidence,
                                             yearless_end=not has_year, malformed=sodd or eodd,
                                             kind="fields")))
    elif end_field:
        elm, em, ed, eodd, has_year = end_field
        found.append((3, elm.start(), Window(published, ed, elm.group(0), t[elm.start():em.end()].strip(),
                                             open_start=True, yearless_end=not has_year, malformed=eodd,
                                             kind="deadline")))

    for m in p["deadline"].finditer(t):
        sentence = _sentence(t, m.start(), m.end())
        if not any(w in sentence for w in _V["deadline_context"]):
            continue
        d, has_year, odd = _read_point(m.group(1), published.year if published else None)
        if d:
            found.append((4, m.start(), Window(published, d, "", sentence.strip()[:120], open_start=True,
                                               yearless_end=not has_year, malformed=odd, kind="deadline")))
            break
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in "。；;!！\n")
    rights = [i for i in (text.find(ch, end) for ch in "。；;!！\n") if i >= 0]
    return text[left + 1: min(rights) if rights else len(text)]


def feedback_in_text(text: str) -> Feedback | None:
    """The feedback on a consultation that a page's text reports (W-e), or None."""
    t = prepare(text)
    header = next((h for h in _V["feedback_table_headers"] if h in t), None)
    counts = re.search(_V["feedback_count_pattern"], t)
    adopted = re.search(_V["feedback_adopted_pattern"], t)
    received = number(counts.group(1)) if counts else None
    taken = number(adopted.group(1)) if adopted else None
    if counts:
        end = max(counts.end(), adopted.end() if adopted else 0)
        return Feedback("counts", t[counts.start():min(end + 20, len(t))].strip(), received, taken)
    if header:
        i = t.find(header)
        return Feedback("table", t[max(0, i - 30):i + 40].strip(), None, taken)
    none = next((w for w in _V["feedback_none_phrases"] if w in t), None)
    if none:
        i = t.find(none)
        return Feedback("none", t[max(0, i - 30):i + 30].strip(), 0, 0)
    return None


__all__ = ["Feedback", "Window", "consultation_window", "feedback_in_text", "prepare"]
