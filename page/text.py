"""Text helpers of the page model, the one place text is normalised: `fold` for what is shown
(whitespace, full-width spaces and nbsp collapsed), `norm` for what is compared (width folded,
whitespace and quotes/brackets gone); name matching; Chinese date parsing."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

_WS = re.compile(r"[\s\u3000\xa0]+")
_FOLD_WS = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Collapse whitespace (including full-width and nbsp) to single spaces."""
    if not text:
        return ""
    return _FOLD_WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()

_PUNCT = re.compile(r"[“”\"'‘’《》〈〉「」『』【】\[\]()（）·•:：,，、。.!！?？>＞»|/\\-]")


@lru_cache(maxsize=262144)
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _PUNCT.sub("", _WS.sub("", text)).lower()


def norm(text: str | None) -> str:
    """Fold width (NFKC), whitespace and quotes/brackets away: “营商环境” == 营商环境 == 营 商 环 境.
    Memoised for short strings (link texts, names): every rule asks about the same links."""
    if not text:
        return ""
    return _norm(text) if len(text) < 200 else _norm.__wrapped__(text)


@lru_cache(maxsize=4096)
def _normed_names(names: tuple) -> tuple:
    return tuple((name, n) for name in names for n in (norm(name),) if n)


def normed_names(names) -> tuple:
    """(name, normalised name) of each name that normalises to something: what matches_any
    compares; a caller matching many texts against the same names asks for it once."""
    try:
        # a rule's names are asked about for every link text: normalise them once
        return _normed_names(tuple(names))
    except TypeError:
        return _normed_names.__wrapped__(tuple(names))


def matches_any(text: str, names) -> str | None:
    """The first name contained in text (both normalised), or None."""
    t = norm(text)
    if not t:
        return None
    pairs = normed_names(names)
    for name, n in pairs:
        if n in t:
            return name
    return None


# Dates as they appear on portals: 2022-08-25, 2022/8/25, 2022.08.25, 2022年8月25日. Years are
# bounded to plausible publication years.
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?!\d)"),
]
# Day-level dates in URLs: TRS t20220825_123, a date folder /20230331/, gov.cn /2018-12/27/,
# Hanweb /art/2016/11/22/ (month and day may have one digit). A number that only looks like a
# date (t19107548.shtml, a snowflake id 1906985018193408001.html) matches none of them.
_URL_DAY = (
    re.compile(r"(?<![\d])t?((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
)
# A month folder /202305/ or /2023-05/: month precision only.
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})-?(0[1-9]|1[0-2])/")


def _mk(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """All plausible dates in text, in order of appearance."""
    out = []
    if not text:
        return out
    text = unicodedata.normalize("NFKC", text)
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            d = _mk(*m.groups())
            if d:
                out.append(d)
    return out


def parse_date(text: str | None) -> date | None:
    """The first date in text, or None."""
    found = find_dates(text or "")
    return found[0] if found else None


def url_date(url: str) -> date | None:
    """A day-level publication date coded in a URL (t20220825_123, /20230331/, /2018-12/27/,
    /art/2016/11/22/), or None."""
    path = url or ""
    for pat in _URL_DAY:
        for m in pat.finditer(path):
            d = _mk(*m.groups())
            if d:
                return d
    return None


def url_month(url: str) -> tuple[int, int] | None:
    """(year, month) of a month folder in a URL (/202305/, /2023-05/), or None; a month can
    support or contradict a date, never give one."""
    m = _URL_MONTH.search(url or "")
    return (int(m.group(1)), int(m.group(2))) if m else None
