"""Messages (留言, 来信, 咨询) of a unit's message boxes, as a list row and a message's own page
show them: when it was asked (留言时间), its status (已回复/办理中/未回复), whether and when it was
answered (回复内容, 回复时间); and the reply time a box promises (“15个工作日内答复”).

Portals write the fields as label/value table cells (`<td>来信时间</td><td>2023-01-05</td>`),
as label and value in sibling spans (`<span>留言时间：</span><span>2025-04-27</span>`, the nfra
sidebar), or inline (`来信人:张** 来信时间:2023-01-05`). The parser walks a page's text chunks in
order, as the info-box parser does: a chunk that is a known label (with or without a colon) takes
the next chunk as its value; a label followed by a colon inside a chunk takes the text up to the
next known label. Every label and status word comes from the rule's params (MessageWords).

    words = MessageWords.from_params(params)
    facts = row_message(row, words)            # MessageFacts of a list row (listing.ListRow)
    facts = page_message(site, page, words)    # MessageFacts of a message page
    promise = stated_commitment(site, page, words)   # Commitment or None
    workdays(start, end, holidays)             # working days after start, up to end
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from zwgk.page.html import position_within
from zwgk.page.text import fold, norm, parse_date

ANSWERED, PENDING, UNANSWERED = "answered", "pending", "unanswered"


@dataclass(frozen=True)
class MessageWords:
    """The labels and status words a rule reads messages with (all from its params)."""
    asked_labels: tuple
    reply_time_labels: tuple
    reply_labels: tuple
    status_labels: tuple
    content_labels: tuple
    answered_words: tuple
    pending_words: tuple
    unanswered_words: tuple
    no_reply_words: tuple
    commitment_verbs: tuple
    commitment_labels: tuple

    @classmethod
    def from_params(cls, params: dict) -> "MessageWords":
        return cls(**{name: tuple(params[name]) for name in cls.__dataclass_fields__})

    def status_of(self, text: str) -> str:
        """ANSWERED, PENDING, UNANSWERED, or "" for a status text (or a row's text). Pending and
        unanswered both mean no reply yet: together they read as UNANSWERED; a text that says
        answered and also one of them is ambiguous ("")."""
        t = norm(text)
        if not t:
            return ""
        found = {kind for kind, words in ((UNANSWERED, self.unanswered_words), (PENDING, self.pending_words),
                                          (ANSWERED, self.answered_words))
                 if any(norm(w) in t for w in words)}
        if found == {UNANSWERED, PENDING}:
            return UNANSWERED
        return found.pop() if len(found) == 1 else ""

    def is_no_reply(self, value: str) -> bool:
        """A reply field's value that says there is no reply (暂无回复, 无, 办理中 …)."""
        t = norm(value)
        if not t:
            return True
        if t in {norm(w) for w in self.no_reply_words}:
            return True
        return len(t) <= 12 and self.status_of(value) in (PENDING, UNANSWERED)


@dataclass(frozen=True)
class MessageFacts:
    """What a list row or a message page shows about one message ("" / None where it shows nothing)."""
    asked: date | None = None       # 留言时间 (a labelled field)
    asked_text: str = ""
    asked_label: str = ""
    replied: date | None = None     # 回复时间 (a labelled field)
    replied_text: str = ""
    status: str = ""                # ANSWERED / PENDING / UNANSWERED / ""
    status_text: str = ""
    reply: str = ""                 # the start of the reply text shown, "" when none
    reply_field: bool = False       # a reply field (回复内容 …) is there, filled or not
    no_reply: str = ""              # what an unfilled reply field says instead (暂无回复), if anything
    shown: date | None = None       # a list row's unlabelled date: 留言时间 is not after it
    shown_text: str = ""
    is_message: bool = False        # it shows message fields or a message status
    many: bool = False              # a page showing several messages' 留言时间 (a list, a sidebar)
    commitment: "Commitment | None" = None   # a labelled 办理时限 on the message page

    @property
    def reply_shown(self) -> bool:
        return bool(self.reply) or self.replied is not None


@dataclass(frozen=True)
class Commitment:
    """A reply time the unit itself publishes: `limit` working days ("workdays") or days ("days")."""
    limit: int
    unit: str
    text: str
    url: str

    def describe(self) -> str:
        return f"{self.limit}个{'工作日' if self.unit == 'workdays' else '自然日'}"


# -- labelled fields --------------------------------------------------------------------------------
def _spaced(label: str) -> str:
    # labels are spaced out on some portals (留&ensp;言&ensp;时&ensp;间)
    return r"\s*".join(map(re.escape, label))


@lru_cache(maxsize=64)
def _label_patterns(words: MessageWords):
    kinds = {}
    for kind, labels in (("asked", words.asked_labels), ("replied", words.reply_time_labels),
                         ("reply", words.reply_labels), ("status", words.status_labels),
                         ("content", words.content_labels), ("commitment", words.commitment_labels)):
        for label in labels:
            kinds.setdefault(norm(label), kind)
    alternatives = "|".join(_spaced(l) for l in sorted(kinds, key=len, reverse=True))
    # a label inside a chunk: at its start or after a space or punctuation, then a colon
    inline = re.compile(r"(?:^|(?<=[\s，,。；;、|（(【\]】]))(%s)\s*[:：]" % alternatives)
    return kinds, inline


def _kind_of(label_text: str, kinds: dict) -> str | None:
    return kinds.get(norm(label_text))


def labelled_fields(chunks: list[str], words: MessageWords) -> list[tuple[str, str, str]]:
    """(kind, label as written, value) of each known label in the chunks, in order. The value is
    the text after the label up to the next known label in the chunk, or the next chunk when the
    label ends its chunk (and the next chunk is no label); "" when nothing follows."""
    kinds, inline = _label_patterns(words)
    out = []

    def starts_with_label(chunk: str) -> bool:
        bare = chunk.strip().rstrip(":：")
        return _kind_of(bare, kinds) is not None or bool(inline.match(chunk.strip()))

    for i, chunk in enumerate(chunks):
        nxt = chunks[i + 1] if i + 1 < len(chunks) else ""
        follow = "" if not nxt or starts_with_label(nxt) else nxt
        bare = chunk.strip().rstrip(":：").strip()
        kind = _kind_of(bare, kinds)
        if kind is not None:                     # the chunk is the label itself: <th>来信时间</th>
            out.append((kind, bare, follow))
            continue
        matches = list(inline.finditer(chunk))
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(chunk)
            value = chunk[m.end():end].strip()
            if not value and n + 1 == len(matches):
                value = follow
            out.append((_kind_of(m.group(1), kinds), fold(m.group(1)), value))
    return out


def _facts(fields, words: MessageWords, url: str = "") -> dict:
    """The MessageFacts fields the labelled values give (first of each kind; all 留言时间 dates)."""
    got: dict = {}
    asked_dates = set()
    for kind, label, value in fields:
        if kind == "asked":
            d = parse_date(value)
            if d:
                asked_dates.add(d)
            if "asked" not in got and d:
                got.update(asked=d, asked_text=value[:40], asked_label=label)
        elif kind == "replied" and "replied" not in got:
            d = parse_date(value)
            if d:
                got.update(replied=d, replied_text=value[:40])
        elif kind == "reply" and "reply" not in got:
            got["reply_field"] = True
            if not words.is_no_reply(value):
                got["reply"] = fold(value)[:80]
            elif value:
                got["no_reply"] = value[:20]
        elif kind == "status" and "status" not in got:
            status = words.status_of(value)
            if status:
                got.update(status=status, status_text=value[:20])
        elif kind == "content":
            got["content"] = True
        elif kind == "commitment" and "commitment" not in got:
            promise = _commitment_in(f"{label}{value}", words, url, labelled=True)
            if promise:
                got["commitment"] = promise
    got["asked_dates"] = asked_dates
    return got


# -- list rows --------------------------------------------------------------------------------------
_STATUS_CELL_CHARS = 12     # a table cell holding a status
_STATUS_ROW_CHARS = 40      # the text of a list row besides its title, when it holds a status


def row_message(row, words: MessageWords) -> MessageFacts:
    """What a list row shows about its message: labelled 留言时间/回复时间/状态 columns of a table
    (or labels written in the row), a status word in a short cell or a short row outside its title,
    and the row's own date as `shown` (unlabelled: 留言时间 is not after it, whatever the date is;
    a date that is part of the title is none)."""
    kinds, _ = _label_patterns(words)
    if row.fields:
        fields, cells = [], []
        for header, text in row.fields:
            kind = _kind_of(header, kinds) or _header_kind(header, kinds)
            if kind and text != row.title:
                fields.append((kind, fold(header), text))
            if text != row.title and len(norm(text)) <= _STATUS_CELL_CHARS:
                cells.append(text)      # a status cell is short; a summary that says 未回复 is none
        other = " ".join(cells)
    else:
        other = row.other
        fields = labelled_fields([other], words) if other else []
        if len(norm(other)) > _STATUS_ROW_CHARS:
            other = ""                  # a row with a summary: its words are no status
    got = _facts(fields, words)
    if "status" not in got:
        status = words.status_of(other)
        if status:
            got.update(status=status, status_text=_status_word(other, words))
    shown = row.date
    if shown is not None and parse_date(row.title) == shown:
        shown = None                    # the date is the title's (关于2022年10月1日停水的投诉), not the row's
    is_message = bool(got.get("status") or got.get("asked"))
    return MessageFacts(asked=got.get("asked"), asked_text=got.get("asked_text", ""),
                        asked_label=got.get("asked_label", ""), replied=got.get("replied"),
                        replied_text=got.get("replied_text", ""), status=got.get("status", ""),
                        status_text=got.get("status_text", ""), reply=got.get("reply", ""),
                        reply_field=got.get("reply_field", False), shown=shown,
                        shown_text=shown.isoformat() if shown else "", is_message=is_message)


def _header_kind(header: str, kinds: dict) -> str | None:
    """A table header that holds a known label with more around it (信件状态（点击查看）)."""
    h = norm(header)
    if not h or len(h) > 12:
        return None
    return next((kind for label, kind in sorted(kinds.items(), key=lambda kv: -len(kv[0]))
                 if label and label in h), None)


def _status_word(text: str, words: MessageWords) -> str:
    t = norm(text)
    for w in (*words.unanswered_words, *words.pending_words, *words.answered_words):
        if norm(w) in t:
            return w
    return ""


# -- message pages ----------------------------------------------------------------------------------
_SKIP_TAGS = ("script", "style", "noscript", "textarea", "template")


def _runs(doc) -> tuple[list[list[str]], list[list[str]]]:
    """The page's text chunks in order, in runs: (runs of the main content, runs of navigation,
    header and footer). A label's value is looked for within its own run only, so an empty last
    field of the message never takes the footer's text for its value."""
    main, other = [], []
    body = doc.find("body")
    if body is None:
        return main, other
    memo: dict = {}
    last, run = None, None
    for node in body.xpath(".//text()"):
        parent = node.getparent()
        if parent is None or parent.tag in _SKIP_TAGS or any(a.tag in _SKIP_TAGS for a in parent.iterancestors()):
            continue
        text = fold(str(node))
        if not text:
            continue
        owner = parent.getparent() if getattr(node, "is_tail", False) and parent.getparent() is not None else parent
        where = memo.get(owner)
        if where is None:
            where = memo[owner] = position_within(owner) if owner.tag != "body" else "body"
        outside = where in ("nav", "header", "footer")
        if run is None or outside != last:
            run = []
            (other if outside else main).append(run)
            last = outside
        run.append(text)
    return main, other


def _fields_of(runs, words: MessageWords) -> list:
    return [f for run in runs for f in labelled_fields(run, words)]


def page_message(site, page, words: MessageWords) -> MessageFacts:
    """What a message's own page shows. `is_message` when it shows exactly one 留言时间, or a
    message content field with a reply or status field; a page showing several different
    留言时间 is a list or carries a sidebar of messages (`many`), and is no one message's page.
    Fields are read from the main content (not navigation, header or footer: a sidebar of other
    messages is not this one's); a reply found only in a part styled as a footer still counts."""
    cache = site.__dict__.setdefault("_zwgk_message_pages", {})
    key = (page.final_url, words)
    if key in cache:
        return cache[key]
    doc = site.doc(page)
    if doc is None:
        cache[key] = MessageFacts()
        return cache[key]
    main, other = _runs(doc)
    got = _facts(_fields_of(main, words), words, page.final_url)
    many = len(got["asked_dates"]) > 1
    if not (got.get("reply") or got.get("replied")) and other:
        elsewhere = _facts(_fields_of(other, words), words, page.final_url)
        for name in ("reply", "replied", "replied_text"):
            if elsewhere.get(name) and not got.get(name):
                got[name] = elsewhere[name]
    is_message = not many and bool(got.get("asked") or (got.get("content") and (
        got.get("reply_field") or got.get("status"))))
    facts = MessageFacts(asked=got.get("asked") if not many else None, asked_text=got.get("asked_text", ""),
                         asked_label=got.get("asked_label", ""), replied=got.get("replied"),
                         replied_text=got.get("replied_text", ""), status=got.get("status", ""),
                         status_text=got.get("status_text", ""), reply=got.get("reply", ""),
                         reply_field=got.get("reply_field", False), no_reply=got.get("no_reply", ""),
                         is_message=is_message, many=many, commitment=got.get("commitment"))
    cache[key] = facts
    return facts


# -- published commitments --------------------------------------------------------------------------
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_UNIT = r"个?\s*(工作日|自然日|日|天)"


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


@lru_cache(maxsize=64)
def _commitment_patterns(verbs: tuple):
    alt = "|".join(map(re.escape, verbs))
    # "在15个工作日内予以答复" (a number not part of a date: not after 年/月 or a digit)
    forward = re.compile(r"(?<![\d年月.\-/])%s\s*%s\s*(?:之内|以内|内)[^\d。；;！!？?]{0,12}?(?:%s)" % (_NUMBER, _UNIT, alt))
    # "答复时限为15个工作日"
    backward = re.compile(r"(?:%s)[^\d。；;！!？?]{0,8}?(?<![\d年月.\-/])%s\s*%s" % (alt, _NUMBER, _UNIT))
    bare = re.compile(r"(?<![\d年月.\-/])%s\s*%s" % (_NUMBER, _UNIT))
    return forward, backward, bare


def _commitment_in(text: str, words: MessageWords, url: str, labelled: bool = False) -> Commitment | None:
    """The longest reply time the text promises (the lenient reading when it names several)."""
    forward, backward, bare = _commitment_patterns(words.commitment_verbs)
    found = []
    for sentence in re.split(r"[。；;！!？?\n]", text):
        patterns = (bare,) if labelled else (forward, backward)
        for pattern in patterns:
            for m in pattern.finditer(sentence):
                n = _number(m.group(1))
                if n:
                    unit = "workdays" if m.group(2) == "工作日" else "days"
                    found.append(Commitment(n, unit, fold(sentence)[:120], url))
    if not found:
        return None
    # compare as calendar days: a working day is at most 7/5 of a day
    return max(found, key=lambda c: c.limit * (1.4 if c.unit == "workdays" else 1.0))


def stated_commitment(site, page, words: MessageWords) -> Commitment | None:
    """The reply time a box's own page promises (“本信箱来信一般在15个工作日内答复”), read from
    its text outside links (a message title that quotes a time limit is not the unit's promise)."""
    doc = site.doc(page)
    if doc is None:
        return None
    body = doc.find("body")
    if body is None:
        return None
    texts = [fold(str(t)) for t in body.xpath(".//text()[not(ancestor::a) and not(ancestor::script) "
                                              "and not(ancestor::style)]")]
    return _commitment_in("\n".join(t for t in texts if t), words, page.final_url)


# -- working days -----------------------------------------------------------------------------------
def workdays(start: date, end: date, holidays=()) -> int:
    """Working days after start up to and including end (Monday to Friday, less the given
    holidays); 0 when end is not after start. Make-up working Saturdays (调休) are not counted,
    which can only make a delay look shorter."""
    if end <= start:
        return 0
    off = set(holidays)
    full_weeks, rest = divmod((end - start).days, 7)
    days = full_weeks * 5
    d = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        d += timedelta(days=1)
        if d.weekday() < 5:
            days += 1
    if off:
        days -= sum(1 for h in off if start < h <= end and h.weekday() < 5)
    return days
