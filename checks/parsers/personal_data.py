"""Personal numbers in text: 居民身份证号码 (GB 11643-1999), bank card numbers (Luhn), mobile
numbers, told apart from the other long numbers of government pages (统一社会信用代码 of
GB 32100-2015, 索引号, 文号, order and project numbers), and masked wherever zwgk shows them.

Nothing here keeps a raw number: a `Hit` carries only the masked number and a context in which
every other personal number is masked too. `mask_text` masks what any text shows (the reports'
last pass over evidence).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zwgk.page.text import fold

# GB 11643-1999: weights of the 17 digits; the check character is _ID_CHECK[sum mod 11]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: the 31 characters of a 统一社会信用代码 and the weights of its first 17
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Province-level codes (GB/T 2260) an ID number starts with; 71/81/82/83: 台湾、香港、澳门 and
# the residence permits of their residents.
AREA_CODES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
              "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
              "63", "64", "65", "71", "81", "82", "83"]

# A number is a token of its own: not inside a longer run of letters and digits, not part of a
# URL path, a query or a file name, not one part of a dashed code (2023-440703-…).
_BEFORE = r"(?<![0-9A-Za-z_/=#&?%.\-])"
_AFTER = r"(?![0-9A-Za-z_/%]|[.\-][0-9A-Za-z])"
_ID18 = re.compile(_BEFORE + r"(\d{17}[\dXx])" + _AFTER)
_CARD = re.compile(_BEFORE + r"(\d{16,19}|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]\d{1,3})?)" + _AFTER)
_MOBILE = re.compile(r"(?<![0-9A-Za-z_/=#&?%.\-])(1[3-9]\d(?:[ \-]?\d{4}){2})(?![0-9A-Za-z_/%]|[.\-]\d)")
_SEPARATORS = re.compile(r"[ \-]")
_BREAK = re.compile(r"[。；;！!？?\n]")
_MASKS = "*＊×xX某○〇●"
_HOLDER = re.compile(r"\s*[:：]?\s*([^，,；;。、\s:：]+)")     # the 户名 an account is in


def check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def valid_id(number: str, as_of: date | None = None, areas=AREA_CODES) -> bool:
    """An 18-character 居民身份证号码 whose check character is right, whose birth date is a real
    date not after as_of (nor before 1900), and whose area code starts with a province's code."""
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in areas:
        return False
    if check_char(number[:17]) != number[17].upper():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (as_of or date(2100, 1, 1))


def valid_credit_code(code: str) -> bool:
    """A 统一社会信用代码 whose 18th character is its GB 32100-2015 check code."""
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def mask_id(number: str) -> str:
    return number[:3] + "*" * 13 + number[-2:]


def mask_card(digits: str) -> str:
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_mobile(digits: str) -> str:
    return digits[:3] + "****" + digits[-4:]


def mask_name(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    return name[:1] + "*" * max(1, len(name) - 1)


def is_masked(text: str) -> bool:
    return any(c in text for c in _MASKS)


# full-width digits and Latin letters -> ASCII (the punctuation stays as written)
_WIDE = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}


def normalise(text: str) -> str:
    """Full-width digits and letters folded (４４０７… is 4407…), whitespace collapsed."""
    return fold((text or "").translate(_WIDE))


@dataclass(frozen=True)
class Hit:
    kind: str          # "id" | "card" | "mobile"
    masked: str        # the number, masked
    context: str       # the text around it, every personal number masked


KIND_ZH = {"id": "身份证号", "card": "银行卡号", "mobile": "手机号"}


@dataclass
class Rules:
    """What tells personal numbers from the other numbers of a page (a check's params)."""
    as_of: date | None = None
    areas: tuple = tuple(AREA_CODES)
    card_bins: tuple = ("62",)
    id_labels: tuple = ()
    card_labels: tuple = ()
    other_labels: tuple = ()
    org_words: tuple = ()
    label_window: int = 16
    context_chars: int = 14
    person_headers: tuple = ()
    contact_headers: tuple = ()
    labels: list = field(default_factory=list, repr=False)    # (label, kind), longest first

    def __post_init__(self):
        pairs = [(w, "id") for w in self.id_labels] + [(w, "card") for w in self.card_labels] + \
                [(w, "other") for w in self.other_labels]
        self.labels = sorted(pairs, key=lambda p: -len(p[0]))

    def label_before(self, text: str, start: int) -> tuple[str, str]:
        """(label, kind) written closest before position start on the same line (within
        label_window characters), or ("", "")."""
        window = text[max(0, start - self.label_window):start]
        cut = max((m.end() for m in _BREAK.finditer(window)), default=0)
        window = window[cut:]
        best, where = ("", ""), -1
        for label, kind in self.labels:           # the nearest end wins; at a tie the longest
            at = window.rfind(label)
            if at >= 0 and at + len(label) > where:
                best, where = (label, kind), at + len(label)
        return best

    def org_account(self, text: str, start: int) -> bool:
        """The account number follows 户名 naming a body (…局, …中心, …公司, …财政所): not a
        person's card."""
        window = text[max(0, start - 48):start]
        at = window.rfind("户名")
        holder = _HOLDER.match(window, at + 2) if at >= 0 else None
        return bool(holder) and len(holder.group(1)) >= 4 and holder.group(1).endswith(self.org_words)


_LONG_DIGITS = re.compile(r"\d{11,}")


def _shown_around(segment: str, rules: Rules) -> str:
    """A piece of context as zwgk may show it: personal numbers masked, and any other run of
    11 or more digits too (a mistyped ID number is still someone's)."""
    return _LONG_DIGITS.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 5) + m.group(0)[-2:],
                            mask_text(segment, rules))


def _token(c: str) -> bool:
    return bool(c) and c.isascii() and c.isalnum()


def context(text: str, start: int, end: int, shown: str, n: int = 14, rules: Rules | None = None) -> str:
    """text[start:end] shown as `shown` (a number masked, a word marked) with n characters either
    side, every personal number there masked; the window never cuts a number in two (a cut
    number would escape masking)."""
    rules = rules or _DEFAULT
    left, right = max(0, start - n), min(len(text), end + n)
    while left < start and _token(text[left - 1:left]) and _token(text[left]):
        left += 1
    while right > end and _token(text[right:right + 1]) and _token(text[right - 1]):
        right -= 1
    return (("…" if left > 0 else "") + _shown_around(text[left:start], rules) + shown
            + _shown_around(text[end:right], rules) + ("…" if right < len(text) else ""))


def numbers_in(text: str, rules: Rules, columns: dict | None = None) -> list[Hit]:
    """The ID and bank card numbers text shows unmasked (text already `normalise`d). `columns`:
    raw number -> the kind its table column's header names ("id", "card" or "other": a column
    headed 统一社会信用代码), which counts as its label."""
    columns = columns or {}
    hits, seen = [], set()
    taken = []                                    # spans of ID numbers: never a card as well
    for m in _ID18.finditer(text):
        number = m.group(1)
        if not valid_id(number, rules.as_of, rules.areas):
            continue
        kind = columns.get(number) or rules.label_before(text, m.start())[1]
        if kind in ("other", "card"):
            continue
        if kind != "id" and valid_credit_code(number):
            continue                              # as good a 统一社会信用代码 as an ID: not taken for one
        taken.append(m.span())
        if number not in seen:
            seen.add(number)
            hits.append(Hit("id", mask_id(number), context(text, *m.span(), mask_id(number), rules.context_chars, rules)))
    for m in _CARD.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        digits = _SEPARATORS.sub("", m.group(1))
        if not 16 <= len(digits) <= 19 or not luhn(digits):
            continue
        kind = columns.get(digits) or rules.label_before(text, m.start())[1]
        if kind in ("other", "id"):
            continue
        if kind != "card" and not digits.startswith(rules.card_bins):
            continue
        if rules.org_account(text, m.start()):
            continue
        if digits not in seen:
            seen.add(digits)
            hits.append(Hit("card", mask_card(digits), context(text, *m.span(), mask_card(digits), rules.context_chars, rules)))
    return hits


_CANDIDATE = re.compile(r"\d{11}|\d{3,4}[ \-]\d{4}[ \-]\d{4}")


def may_hold_numbers(text: str) -> bool:
    """Whether text (normalised) has a run of digits long enough for any personal number: pages
    without one need not be parsed into tables."""
    return bool(_CANDIDATE.search(text))


def mobiles_in(cell: str) -> list[str]:
    """The unmasked mobile numbers of a table cell (digits only)."""
    return [_SEPARATORS.sub("", m.group(1)) for m in _MOBILE.finditer(normalise(cell))]


def _key(cell: str) -> str:
    return re.sub(r"[\s:：*＊]", "", normalise(cell))


def looks_like_name(cell: str, rules: Rules | None = None) -> bool:
    """A person's name as a 公示 table shows it: 2–4 Han characters (黄 懿 with a space inside
    too), or a minority name with its ·; never masked (张*, 李某), never a body (财政局)."""
    value = re.sub(r"\s+", "", normalise(cell))
    if not value or is_masked(value) or (rules and value.endswith(rules.org_words)):
        return False
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}[·•][\u4e00-\u9fff]{1,8}", value))


@dataclass
class Table:
    """A table's header (the row naming its columns) and the rows under it, as cell texts."""
    header: list
    rows: list


def tables_in_rows(rows, rules: Rules) -> list[Table]:
    """Split rows (lists of cell texts) into tables at each header row: a row without long
    numbers one of whose cells is a person header (姓名, 户主, 申请人 …) that is not an official
    contact (联系人, 负责人 …), or names a kind of number (身份证号, 银行卡号, 统一社会信用代码 …)."""
    tables, current = [], None
    for cells in rows:
        keys = [_key(c) for c in cells]
        if any(_is_person_header(k, rules) or _is_number_header(k, rules) for k in keys) and not any(
                _LONG_DIGITS.search(_SEPARATORS.sub("", c)) for c in cells):
            current = Table(header=cells, rows=[])
            tables.append(current)
        elif current is not None:
            current.rows.append(cells)
    return tables


def _is_person_header(key: str, rules: Rules) -> bool:
    return (any(key == h or key.endswith(h) for h in rules.person_headers)
            and not any(c in key for c in rules.contact_headers))


def _is_number_header(key: str, rules: Rules) -> bool:
    return any(label in key for label, _kind in rules.labels)


def column_kinds(tables, rules: Rules) -> dict:
    """Raw number -> "id", "card" or "other", for the numbers in table columns whose header names
    their kind (身份证号, 银行卡号, 统一社会信用代码 …): the header is their label. Kept only while a
    page is scanned."""
    out = {}
    for table in tables:
        kinds = {}
        for i, header in enumerate(table.header):
            key = _key(header)
            label = max(((w, k) for w, k in rules.labels if w in key), key=lambda p: len(p[0]), default=None)
            if label:
                kinds[i] = label[1]
        for row in table.rows:
            if len(row) != len(table.header):
                continue
            for i, kind in kinds.items():
                for number in re.findall(r"[0-9A-Za-z]{16,19}", _SEPARATORS.sub("", normalise(row[i]))):
                    out.setdefault(number, kind)
    return out


def mobiles_beside_names(tables, rules: Rules) -> list[Hit]:
    """Mobile numbers in the rows of tables whose person column holds an unmasked name."""
    hits, seen = [], set()
    for table in tables:
        people = [i for i, h in enumerate(table.header) if _is_person_header(_key(h), rules)]
        if not people:
            continue
        for row in table.rows:
            if len(row) != len(table.header):
                continue
            names = [row[i] for i in people if looks_like_name(row[i], rules)]
            if not names:
                continue
            for i, cell in enumerate(row):
                if i in people:
                    continue
                for number in mobiles_in(cell):
                    if number in seen:
                        continue
                    seen.add(number)
                    column = normalise(table.header[i]) or "（无表头）"
                    hits.append(Hit("mobile", mask_mobile(number),
                                    f"{normalise(table.header[people[0]])}：{mask_name(names[0])}，"
                                    f"{column}：{mask_mobile(number)}"))
    return hits


def html_tables(doc) -> list[list[list[str]]]:
    """The rows of each innermost table of a parsed page (layout tables hold others), as cell
    texts, a cell spanning columns repeated once per column."""
    out = []
    if doc is None:
        return out
    for table in doc.xpath("//table[not(.//table)]"):
        rows = []
        for tr in table.xpath(".//tr"):
            cells = []
            for cell in tr.xpath("./td|./th"):
                try:
                    span = max(1, min(int(cell.get("colspan") or 1), 50))
                except ValueError:
                    span = 1
                cells.extend([fold(cell.text_content())] * span)
            if cells:
                rows.append(cells)
        if rows:
            out.append(rows)
    return out


def text_rows(text: str) -> list[list[str]]:
    """The lines of an attachment's text as table rows: cells split at tabs (DOCX tables) or,
    in a line without tabs, at whitespace (PDF text)."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        rows.append([c for c in (line.split("\t") if "\t" in line else line.split()) if c.strip()])
    return rows


_DEFAULT = Rules(card_labels=("银行卡", "卡号", "账号", "帐号"),
                 other_labels=("统一社会信用代码", "信用代码", "索引号", "文号", "订单号", "编号"))


def mask_text(text: str, rules: Rules | None = None) -> str:
    """text with every ID number (valid check character), bank card number (Luhn, with a card
    BIN or label) and mobile number masked — what zwgk may show of any text."""
    if not text or not any(c.isdigit() for c in text):
        return text
    rules = rules or _DEFAULT
    out = _ID18.sub(lambda m: mask_id(m.group(1)) if valid_id(m.group(1), None, rules.areas) else m.group(0), text)

    def card(m):
        digits = _SEPARATORS.sub("", m.group(1))
        if 16 <= len(digits) <= 19 and luhn(digits) and (
                digits.startswith(rules.card_bins) or rules.label_before(out, m.start())[1] == "card"):
            return mask_card(digits)
        return m.group(0)

    out = _CARD.sub(card, out)
    return _MOBILE.sub(lambda m: mask_mobile(_SEPARATORS.sub("", m.group(1))), out)
