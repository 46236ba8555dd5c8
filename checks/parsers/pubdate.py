"""A page's publication date, read from every signal the page carries, reconciled, with the
signal that decided it.

Real CMSs write the date in many places at once, and some of them lie:
- `meta`: `<meta name="PubDate">` (any case, any attribute order), else `firstpublishedtime`
  and the other names of rules/vocab/dates.yaml. A PubDate equal to the minute to a
  page-generation stamp (`<meta name="others" content="页面生成时间 …">`, createDate, Maketime:
  kind `generated`) is the time the page file was last written; it is marked `generation` and
  loses to every date the page shows (sctcm.sc.gov.cn, bjft.gov.cn).
- `label`: a date after a label anywhere in a text chunk — the label a whole token (时间 never
  matches 报名时间/开始时间/留言时间, 日期 never 成文日期), with or without a colon when the label
  is a chunk of its own (a table cell, an `<img title="发布时间">`), the value in the same chunk
  or the next one when that sits in the same cell, row or line. Tier 1 (发布日期, 发布时间,
  公开日期, 公布日期 …) comes before tier 2 (日期, 时间, 更新时间, 生成日期 …), which counts only in
  the article's head (between the title and the body's first paragraph), and never in a row of
  a list of other pages.
- `infobox`: the 发布日期 of the 索引号 box (checks/parsers/infobox.py). Its 成文日期/发文日期
  are `issued`: when the document was signed or issued, never its publication date.
- `element`: a dedicated element: `<div id="NewsArticlePubDay">` (hidden), `<time datetime>`,
  `<publishtime>`-like tags, `data-pubdate`-like attributes, `class="pubDate"`/`id="pubTime"`.
- `listrow`: the date of the page's row in a list page that links it (when the list was crawled);
  a list's 成文日期 column is `issued`.
- `url`: t20230512_1, /20230331/, /2018-12/27/, Hanweb /art/2016/11/22/ (day); a month folder
  /202305/ has month precision and can only support or contradict. Ids (t19107548, snowflake
  numbers) give nothing.
- `unlabelled`: a date with a clock time within a few chunks after the article title, read only
  when the page has no labelled date at all (kepu.gov.cn).
- `signature`: the 落款, a date alone after an issuer line: never the publication date.
- `last_modified`: the HTTP header, listed, never deciding.
Calendar widgets (今天是…, a date followed by 星期) are never read.

Deciding order: meta (not a generation stamp) > tier-1 label = info box > element > tier-2 label
> list row > URL > unlabelled > a PubDate that is a generation stamp. Signals that disagree with
the decision beyond the tolerance are returned beside it, and `explain` says which signal decided
and why the others were not used, e.g. "发布日期依据：页面“发布时间”标注 2023-07-19（PubDate
2024-04-15 为页面生成时间，未采用）".

    signals = date_signals(site, page)              # [Signal], every date the page carries
    chosen, disagreeing = publication_date(site, page)
    text = explain(chosen, disagreeing)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

from zwgk.checks.parsers.infobox import info_box
from zwgk.checks.parsers.listing import list_rows
from zwgk.checks.parsers.vocab import vocab
from zwgk.page.dom import Chunk, is_hidden, near, text_chunks
from zwgk.page.scope import normalise_url
from zwgk.page.text import fold, norm, parse_date, url_date, url_month

KIND_NAMES = {
    "meta": "元数据", "label": "页面标注", "infobox": "信息框", "element": "页面日期元素",
    "listrow": "列表页日期", "url": "网址中的日期", "unlabelled": "标题下的日期", "issued": "成文/发文日期",
    "signature": "落款日期", "generated": "页面生成时间", "last_modified": "HTTP Last-Modified",
}
DEFAULT_TOLERANCE_DAYS = 3


@dataclass(frozen=True)
class Signal:
    kind: str                 # one of KIND_NAMES
    date: date                # for month precision: the first of the month
    evidence: str             # what the page shows, as read
    where: str = ""           # the URL it was read on
    precision: str = "day"    # "day" or "month"
    label: str = ""           # the label, meta name or element as the page writes it
    tier: int = 0             # labels: 1 (发布日期 …) or 2 (日期 …)
    moment: str = ""          # "YYYY-MM-DD HH:MM" when the source gives a clock time
    generation: bool = False  # a meta date equal to a page-generation stamp

    @property
    def shown(self) -> str:
        return self.date.isoformat()[:7] if self.precision == "month" else self.date.isoformat()

    def describe(self) -> str:
        d = self.shown
        if self.kind == "meta":
            return f"{self.label} 元数据 {d}"
        if self.kind == "label":
            return f"页面“{self.label}”标注 {d}"
        if self.kind == "infobox":
            return f"信息框“{self.label}” {d}"
        if self.kind == "element":
            return f"页面日期元素 {self.label} {d}"
        if self.kind == "url":
            return f"网址中的{'月份' if self.precision == 'month' else '日期'} {d}"
        if self.kind == "issued":
            return f"{self.label or '成文/发文日期'} {d}"
        return f"{KIND_NAMES.get(self.kind, self.kind)} {d}"


# -- reading -----------------------------------------------------------------------------------
_V = vocab("dates")
_TIERS = {**{w: 2 for w in _V["labels"]["tier2"]}, **{w: 1 for w in _V["labels"]["tier1"]}}
_BOUND = r"(?:^|(?<=[\s:,;、|/【】\[\]()<>《》·•]))"
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_CLOCK = r"(?:[\sT-]*(\d{1,2})[:时](\d{2}))?"
_DATE_AT = re.compile(r"^\s*[(\[【]?\s*" + _DATE + r"(?!\d)" + _CLOCK)
_DATE_ANY = re.compile(r"(?<!\d)" + _DATE + r"(?!\d)" + _CLOCK)
_DATE_CLOCK = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\s+(\d{1,2}):(\d{2})")
_CN_DATE = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_ALONE = re.compile(r"^\s*" + _CN_DATE + r"\s*$")
_ORG_DATE = re.compile(r"^\s*(\S.{1,30}?)\s+" + _CN_DATE + r"\s*$")
_WIDGET_AFTER = re.compile(_V["widget_after_pattern"])
_ELEMENT_NAME = re.compile(_V["element_name_pattern"], re.I)
_ELEMENT_IDS = {x.lower() for x in _V["element_ids"]}
_SUFFIXES = tuple(sorted(_V["issuer_suffixes"], key=len, reverse=True))
_LEADING_LABEL = re.compile(r"^\s*[^\d\s:]{1,8}\s*:\s*")
_CANDIDATES = "//body//*[@id or @class or @datetime or self::time or contains(local-name(), 'pub') " \
              "or @*[starts-with(name(), 'data-')]]"


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def _mk(y, m, d):
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _moment(d: date, hh, mm) -> str:
    return f"{d.isoformat()} {int(hh):02d}:{mm}" if hh is not None else ""


def _read(match) -> tuple[date | None, str]:
    d = _mk(*match.group(1, 2, 3))
    return d, (_moment(d, match.group(4), match.group(5)) if d else "")


@lru_cache(maxsize=64)
def _compiled(words: tuple):
    alts = "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))
    return re.compile(_BOUND + "(" + alts + r")(\s*:)?")


def _label_re(words):
    return _compiled(tuple(sorted(set(words))))


# 成文/发文 labels (the info box's): never publication labels, even when a rulebook lists them
_ISSUED = {w for kind in ("written", "issued") for w in vocab("infobox")[kind]}


def _widget(before: str, after: str) -> bool:
    """Today's date as a template's calendar shows it (今天是 2019年10月31日 星期三)."""
    return bool(_WIDGET_AFTER.match(after)) or any(w in before[-8:] for w in _V["widget_before"])


def _in_list_row(el) -> bool:
    """Inside a row of a list of other pages (a related-articles sidebar): its date is theirs."""
    if el is None:
        return False
    for anc in (el, *list(el.iterancestors())[:3]):
        if anc.tag in ("li", "tr", "dd", "dt"):
            return any(len(fold(a.text_content())) >= 4 for a in anc.iter("a"))
    return False


@dataclass
class _Hit:
    at: int
    label: str
    date: date
    moment: str
    evidence: str


def _label_hits(chunks, rx, tiers, texts=None) -> list[tuple[int, _Hit]]:
    """(tier, hit) of every labelled date in the chunks, in document order."""
    texts = texts or [_nfkc(c.text) for c in chunks]
    out = []
    rows: dict = {}
    for i, c in enumerate(chunks):
        if c.hidden:
            continue
        t = texts[i]
        for m in rx.finditer(t):
            if c.el not in rows:
                rows[c.el] = _in_list_row(c.el)
            if rows[c.el]:
                break             # a row of a list of other pages: its date is that page's
            label = re.sub(r"\s+", "", m.group(1))
            tail = t[m.end():]
            if m.group(2) is None and (tail.strip() or t[:m.start()].strip()):
                continue          # without a colon, the label must be a chunk of its own
            value = tail
            if not value.strip():
                if i + 1 >= len(chunks) or chunks[i + 1].hidden or not near(c.el, chunks[i + 1].el, 3):
                    continue
                value = texts[i + 1]
            dm = _DATE_AT.match(value)
            if not dm or _widget(t[:m.start()], value[dm.end():]):
                continue
            d, moment = _read(dm)
            if d:
                shown = fold(dm.group(0)).strip("([【 ")
                out.append((tiers.get(label, 2), _Hit(i, label, d, moment, f"{label}：{shown}")))
    return out


def labelled_date(text: str, labels) -> tuple[date, str] | None:
    """The first date of text after one of labels (whole tokens), with the text read: for callers
    that have a text rather than a page."""
    hits = _label_hits([Chunk(text)], _label_re(labels), {})
    return (hits[0][1].date, hits[0][1].evidence) if hits else None


def _in_head(at: int, titles, texts) -> bool:
    """A chunk in the article's head: between the title (or the page's start when there is no
    title) and the first paragraph of the body, or in the lines just before the title. Where a
    generic 日期/时间 label counts: further down, 时间：… is when something happens."""
    longest = int(_V["head_max_chars"])
    if not titles:
        return all(len(t) <= longest for t in texts[:at])
    before = [t for t in titles if t <= at]
    if before:
        return all(len(t) <= longest for t in texts[before[-1] + 1:at])
    first = titles[0]
    return first - at <= int(_V["head_before_title"]) and all(len(t) <= longest for t in texts[at + 1:first])


def _title_positions(site, page, doc, chunks, texts) -> list[int]:
    """Chunks that hold the article title (ArticleTitle meta, <h1>, <title> before its site name),
    links left out (the title repeats in related lists)."""
    title = page.meta.get("ArticleTitle") or ""
    if not title and doc is not None:
        h1 = next((fold(h.text_content()) for h in doc.iter("h1") if fold(h.text_content())), "")
        title = h1
    if not title:
        title = re.split(r"\s*[_|｜]\s*|\s*-\s*", page.title or "")[0]
    key = norm(title)[:12]
    if len(key) < 4:
        return []
    return [i for i, c in enumerate(chunks) if not c.in_link and key in norm(texts[i])]


def _meta_signals(page, doc, where) -> list[Signal]:
    metas: dict[str, str] = {}
    if doc is not None:
        for m in doc.iter("meta"):
            name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
            if name and name not in metas:
                metas[name] = fold(m.get("content"))
    if "pubdate" not in metas and page.meta.get("PubDate"):
        metas["pubdate"] = page.meta["PubDate"]
    out, stamps = [], set()
    generation = {n.lower(): n for n in _V["meta_generation"]}
    for name, content in metas.items():
        if name in generation or (name == "others" and any(w in content for w in _V["meta_generation_words"])):
            m = _DATE_ANY.search(_nfkc(content))
            d, moment = _read(m) if m else (None, "")
            if d:
                stamps.add(moment)
                out.append(Signal("generated", d, f"{generation.get(name, name)}={content}", where,
                                  label=generation.get(name, name), moment=moment))
    for name in _V["meta_publication"]:
        content = metas.get(name.lower())
        if not content:
            continue
        m = _DATE_ANY.search(_nfkc(content))
        d, moment = _read(m) if m else (None, "")
        if d:
            out.insert(0, Signal("meta", d, f"{name}={content}", where, label=name, moment=moment,
                                 generation=bool(moment) and moment in stamps))
            break
    return out


def _element_signal(doc, where) -> Signal | None:
    for el in doc.xpath(_CANDIDATES):
        if not isinstance(el.tag, str):
            continue
        how, value = "", ""
        if el.tag == "time":
            how, value = "<time>", el.get("datetime") or ""
        elif (el.get("id") or "").lower() in _ELEMENT_IDS:
            how = f'id="{el.get("id")}"'
        elif _ELEMENT_NAME.search(el.tag):
            how = f"<{el.tag}>"
        else:
            for attr, val in el.attrib.items():
                if attr.startswith("data-") and _ELEMENT_NAME.search(attr[5:]):
                    how, value = attr, val
                    break
            if not how:
                for attr in ("id", "class"):
                    if _ELEMENT_NAME.search(el.get(attr) or ""):
                        how = f'{attr}="{el.get(attr)}"'
                        break
        if not how or _in_list_row(el):
            continue
        text = _nfkc(value or fold(el.text_content()))
        text = _LEADING_LABEL.sub("", text)
        if len(text) > 40:
            continue
        dm = _DATE_AT.match(text)
        if dm:
            d, moment = _read(dm)
            if d:
                return Signal("element", d, f"{how} {fold(dm.group(0))}", where, label=how, moment=moment)
    return None


def _unlabelled(chunks, texts, titles, where) -> Signal | None:
    window = int(_V["unlabelled_window"])
    for at in titles:
        for i in range(at + 1, min(at + 1 + window, len(chunks))):
            if chunks[i].hidden or chunks[i].in_link or _in_list_row(chunks[i].el):
                continue
            t = texts[i]
            for m in _DATE_CLOCK.finditer(t):
                before = t[:m.start()].rstrip()
                if before.endswith(":") or _widget(before, t[m.end():]):
                    continue
                d, moment = _read(m)
                if d:
                    return Signal("unlabelled", d, fold(m.group(0)), where, moment=moment)
    return None


_BLOCKS = "//body//*[self::p or self::div or self::td or self::li or self::dd or self::center or " \
          "self::h1 or self::h2 or self::h3 or self::h4][not(.//p or .//div or .//td or .//li or .//table)]"


def _signature(doc, where) -> Signal | None:
    """The 落款: the last date standing alone in a block after an issuer's block, or at the end
    of one. Read by blocks, not text nodes: pasted Word text splits 2024|年5月10日 over spans."""
    found, prev = None, ""
    for el in doc.xpath(_BLOCKS):
        t = _nfkc(fold(el.text_content()))
        if not t or is_hidden(el):
            continue
        m = _ALONE.match(t)
        issuer = prev if m and len(prev) <= 30 and prev.endswith(_SUFFIXES) else ""
        if not m:
            m = _ORG_DATE.match(t)
            issuer = m.group(1).strip() if m and m.group(1).strip().endswith(_SUFFIXES) else ""
        prev = t
        d = _mk(*m.groups()[-3:]) if m and issuer else None
        if d:
            found = Signal("signature", d, f"{issuer} {re.search(_CN_DATE, t).group(0)}", where, label=issuer)
    return found


def _list_signals(site, page) -> list[Signal]:
    keys = {normalise_url(u) for u in (page.url, page.final_url, *page.redirects)}
    seen, by_date = set(), {}
    for key in keys:
        for lp, _link in site.linked_from.get(key, ()):
            if lp is page or lp.final_url in seen or lp.external or not lp.ok or not lp.html:
                continue
            seen.add(lp.final_url)
            for row in list_rows(site, lp):
                if not row.date or row.date_source == "url" or normalise_url(row.url) not in keys:
                    continue
                kind = "issued" if row.date_source == "成文日期" else "listrow"
                by_date.setdefault((kind, row.date), (row, lp))
    out = []
    for (kind, when), (row, lp) in sorted(by_date.items(), key=lambda x: (x[0][0], x[0][1])):
        out.append(Signal(kind, when, f"{fold(row.date_text)[:40]}（列表 {lp.final_url}）", lp.final_url,
                          label="列表成文日期" if kind == "issued" else ""))
    return out


def _url_signals(page) -> list[Signal]:
    urls = [u for u in (page.final_url, page.url, *page.redirects) if u]
    for u in urls:
        d = url_date(u)
        if d:
            return [Signal("url", d, u, u)]
    for u in urls:
        ym = url_month(u)
        if ym:
            return [Signal("url", date(ym[0], ym[1], 1), u, u, precision="month")]
    return []


def last_modified(page) -> Signal | None:
    """The HTTP Last-Modified of a fetch: when the server last wrote the file, listed beside the
    page's dates, never deciding."""
    lm = (page.headers or {}).get("last-modified", "")
    try:
        when = parsedate_to_datetime(lm) if lm else None
    except (TypeError, ValueError):
        when = None
    return Signal("last_modified", when.date(), f"Last-Modified: {lm}", page.final_url) if when else None


def _read_page(site, page, extra_labels: tuple, lists: bool) -> list[Signal]:
    where = page.final_url
    doc = site.doc(page) if page.html else None
    out = _meta_signals(page, doc, where)
    chunks = text_chunks(doc)
    texts = [_nfkc(c.text) for c in chunks]
    box = info_box(site, page)
    visible = []
    if box.found:
        for kind, field in (("infobox", "published"), ("issued", "written"), ("issued", "issued")):
            d = parse_date(box.get(field))
            if d:
                m = _DATE_ANY.search(_nfkc(box.get(field)))
                visible.append(Signal(kind, d, f"{box.labels.get(field, field)}：{box.get(field)}", where,
                                      label=box.labels.get(field, field), tier=1,
                                      moment=_read(m)[1] if m else ""))
    tiers = {**{w: 2 for w in (re.sub(r"\s+", "", x) for x in extra_labels) if w not in _ISSUED}, **_TIERS}
    rx = _label_re(tiers)
    hits = _label_hits(chunks, rx, tiers, texts)
    titles = _title_positions(site, page, doc, chunks, texts) if chunks else []
    start = titles[0] if titles else 0
    for tier in (1, 2):
        of_tier = [h for t, h in hits if t == tier and (tier == 1 or _in_head(h.at, titles, texts))]
        best = next((h for h in of_tier if h.at >= start), of_tier[0] if of_tier else None)
        if best:
            visible.append(Signal("label", best.date, best.evidence, where, label=best.label, tier=tier,
                                  moment=best.moment))
    element = _element_signal(doc, where) if doc is not None else None
    if element:
        visible.append(element)
    out += visible
    if not any(s.kind in ("label", "infobox", "element") for s in visible):
        loose = _unlabelled(chunks, texts, titles, where)
        if loose:
            out.append(loose)
    sig = _signature(doc, where) if doc is not None else None
    if sig:
        out.append(sig)
    if lists:
        out += _list_signals(site, page)
    out += _url_signals(page)
    lm = last_modified(page)
    return out + ([lm] if lm else [])


def date_signals(site, page, extra_labels=(), lists: bool = True) -> list[Signal]:
    """Every date the page carries (see the module's docstring), never the crawl time; cached per
    page. extra_labels: more tier-2 labels (a rulebook's own); lists: also the dates of the page's
    rows in the crawled list pages that link it."""
    cache = site.__dict__.setdefault("_zwgk_pubdate", {})
    key = (page.final_url, tuple(extra_labels), lists)
    if key not in cache:
        cache[key] = _read_page(site, page, tuple(extra_labels), lists)
    return list(cache[key])


# -- reconciling -------------------------------------------------------------------------------
def rank(s: Signal) -> int | None:
    """Where a signal stands in deciding (lower first); None: it never decides."""
    if s.precision != "day":
        return None
    if s.kind == "meta":
        return 7 if s.generation else 0
    if s.kind == "label":
        return 1 if s.tier == 1 else 3
    return {"infobox": 1, "element": 2, "listrow": 4, "url": 5, "unlabelled": 6}.get(s.kind)


def _disagrees(s: Signal, chosen: Signal, tolerance: int) -> bool:
    if s.precision == "month":
        first = s.date
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return not (first - timedelta(days=tolerance) <= chosen.date <= last + timedelta(days=tolerance))
    return abs((s.date - chosen.date).days) > tolerance


def reconcile(signals, tolerance_days: int = DEFAULT_TOLERANCE_DAYS) -> tuple[Signal | None, list]:
    """(the signal that decides, the deciding-capable signals that disagree with it by more than
    tolerance_days — a month-only URL disagrees when the date falls outside its month)."""
    usable = [s for s in signals if rank(s) is not None]
    if not usable:
        return None, []
    chosen = min(usable, key=rank)            # first of the best rank: document order
    others = [s for s in signals if s is not chosen and (rank(s) is not None or s.kind == "url")]
    return chosen, [s for s in others if _disagrees(s, chosen, tolerance_days)]


def publication_date(site, page, tolerance_days: int = DEFAULT_TOLERANCE_DAYS, extra_labels=(),
                     lists: bool = True) -> tuple[Signal | None, list]:
    """(the page's publication date as the signal that decided it, or None; the signals that
    disagree with it)."""
    return reconcile(date_signals(site, page, extra_labels, lists), tolerance_days)


def publication_day(site, page) -> date | None:
    """The page's publication date alone (None when no signal decides it)."""
    chosen, _ = publication_date(site, page)
    return chosen.date if chosen else None


def explain(chosen: Signal | None, disagreeing=(), signals=()) -> str:
    """The finding's words: which signal decided, and why the disagreeing ones were not used.
    signals (optional, all of the page's): names the 落款/成文 dates when nothing decided."""
    if chosen is None:
        kept = [s.describe() for s in signals if s.kind in ("signature", "issued", "generated")]
        return "未见发布日期" + (f"（仅有{'、'.join(kept)}，均不是发布日期）" if kept else "")
    text = f"发布日期依据：{chosen.describe()}"
    if chosen.kind == "meta" and chosen.generation:
        text += "（与页面生成时间相同，页面上没有其他日期）"
    notes = []
    for s in disagreeing:
        if s.kind == "meta" and s.generation:
            notes.append(f"{s.label} {s.shown} 为页面生成时间，未采用")
        else:
            notes.append(f"{s.describe()} 与之不一致，未采用")
    return text + (f"（{'；'.join(notes)}）" if notes else "")
