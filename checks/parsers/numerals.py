"""Numbers as pages write them: 3, ３, 三, 十二, 二十三, 一百零五 (gazette issues 第十二期, counts 征集意见三条)."""
from __future__ import annotations

import unicodedata

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def number(text: str) -> int | None:
    """The integer a numeral writes (arabic, full-width, or Chinese up to the thousands), or None."""
    t = unicodedata.normalize("NFKC", (text or "").strip())
    if not t:
        return None
    if t.isdigit():
        return int(t)
    if any(ch not in _DIGITS and ch not in _UNITS for ch in t):
        return None
    if all(ch in _DIGITS for ch in t) and len(t) > 1:       # 二〇二三: digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in t))
    total, digit = 0, None
    for ch in t:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]   # 十二: the 十 alone is 10
            digit = None
    return total + (digit or 0)
