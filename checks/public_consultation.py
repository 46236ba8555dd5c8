"""public_consultation — each 征求意见/意见征集 notice states its window, publishes the draft with its
说明, and its feedback follows once the window has closed.

What it checks, for every notice listed in the consultation columns (`names`; a row whose title
asks for opinions, `notice_patterns`, and is no feedback, `feedback_words`) published within
`recent_days`:
- the window (起止日期), read from the notice's text and info box (checks/parsers/consultation.py:
  `征求意见时间：2023年3月6日至2023年4月5日`, `开始时间/结束时间` fields, `即日起至…`, a deadline
  alone, `请于…前`); an open or missing start is the notice's publication date
  (checks/parsers/pubdate.py). A notice on a 重大行政决策 or a normative document
  (`major_text_words` in its text, `major_title_words` — 办法, 规定, 条例… — in its title) must
  give at least `min_days` days (开始的当日不计入) unless it says why (`short_reason_words`);
- for a major notice, the draft (`draft_words` in a link's text or address, an attachment other
  than a form, or the draft's text on the page itself) and its 起草说明 (`explanation_words`,
  linked or in the text); a call for suggestions (民生实事, 活动建议) has no draft to publish;
- the feedback (反馈/采纳情况), once the window has closed: a row of the consultation or feedback
  columns (`list_names`), a link from the notice, or any fetched page whose title marks feedback
  and names the notice's subject (the 《…》 it consults on, or the title without 关于征求…意见的
  公告), or the notice page itself reporting the opinions received (是否采纳 table, 共征集意见3条).
  It is due `feedback_days` after the window closed; published later, it is late. Notices still
  open, and closed ones whose feedback is not due yet, are not judged for feedback.

Verdicts: a short window on a major notice without a reason, or a major notice without any
draft, fails (the notice's URL named). A notice without a readable window, without its 说明, or
with late feedback warns. Missing feedback warns per notice; the rule fails when more than
`fail_missing_ratio` of at least `min_notices` notices due for feedback have none.

Why it matters: plan item 28 — 重大行政决策事项公开征求意见的，应当公布决策草案及其说明材料，明确提出
意见的方式和期限；对公众提出的意见建议不予采纳的，应当及时反馈. 《重大行政决策程序暂行条例》第十四条:
征求意见期限一般不少于30日; 因情况紧急等原因需要缩短期限的，应当予以说明.

Pass: 《江门市养犬管理规定（草案）》 consulted 2023-01-10 to 2023-02-10 (31 days), the draft and
its 起草说明 attached, and “《…》征求意见采纳情况的说明” published on 2023-02-20.
Fail: a 规定 consulted for 15 days without a word on why; four of five closed consultations have no
feedback anywhere on the site.
Warn: a notice that names no deadline; a feedback published 90 days after the window closed.
Unknown: no consultation column; notice pages not fetched; a feedback column that could not be
fetched, so missing feedback cannot be told from unseen feedback.

References: 江府办〔2022〕7号 item 28; 《重大行政决策程序暂行条例》(国务院令第713号) 第十四条、第十五条.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns, read_named_columns
from zwgk.checks.parsers.consultation import Window, consultation_window, feedback_in_text
from zwgk.checks.parsers.listing import is_pager_url, list_key, list_pages, list_rows
from zwgk.checks.parsers.pubdate import publication_day
from zwgk.page.scope import normalise_url, url_kind
from zwgk.page.text import matches_any, norm

ID = "public_consultation"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "names": {"type": "list[str]", "required": True},
    # columns where feedback is published apart from the notices (crawled in full too)
    "list_names": {"type": "list[str]",
                   "default": ["意见反馈", "结果反馈", "征集结果", "采纳情况", "反馈情况", "意见采纳", "征集反馈"]},
    # a title that asks for opinions: 关于征求《…》意见的公告, 关于征集…意见建议的公告, 意见征集
    "notice_patterns": {"type": "list[str]",
                        "default": ["征求.{0,60}(?:意见|建议)", "征集.{0,60}(?:意见|建议)", "征询.{0,60}意见",
                                    "意见征集", "意见建议征集"]},
    "feedback_words": {"type": "list[str]",
                       "default": ["采纳情况", "采纳意见", "意见采纳", "反馈", "征集结果", "征求意见情况", "征集情况",
                                   "收集情况", "意见处理", "处理情况", "结果公示", "结果公告", "结果的公告",
                                   "吸纳情况"]},
    "major_text_words": {"type": "list[str]", "default": ["重大行政决策", "行政规范性文件"]},
    "major_title_words": {"type": "list[str]",
                          "default": ["办法", "规定", "条例", "细则", "规则", "实施意见", "若干措施", "若干意见",
                                      "总体规划", "规范性文件"]},
    "min_days": {"type": "int", "default": 30},
    "short_reason_words": {"type": "list[str]",
                           "default": ["情况紧急", "紧急情况", "时间紧迫", "时间紧", "缩短", "特殊情况", "少于30日",
                                       "少于三十日", "应急", "时限要求"]},
    "draft_words": {"type": "list[str]",
                    "default": ["征求意见稿", "草案", "送审稿", "讨论稿", "修订稿", "初稿", "征求意见文本", "意见稿"]},
    "explanation_words": {"type": "list[str]",
                          "default": ["起草说明", "编制说明", "说明材料", "制定说明", "修订说明", "起草情况", "政策解读",
                                      "解读", "有关情况的说明", "的说明"]},
    # attachments that are forms for the reply, not the draft
    "form_words": {"type": "list[str]", "default": ["反馈表", "意见表", "回执", "登记表", "建议表", "报名表", "表格"]},
    "inline_draft_chars": {"type": "int", "default": 1500},
    "feedback_days": {"type": "int", "default": 45},
    "recent_days": {"type": "int", "default": 730},
    "fail_missing_ratio": {"type": "float", "default": 0.5},
    "min_notices": {"type": "int", "default": 3},
    "date_tolerance_days": {"type": "int", "default": 1},
    "max_depth": {"type": "int", "default": 4},
    "max_name_chars": {"type": "int", "default": 12},
    "max_findings": {"type": "int", "default": 20},
}

_NO_FEEDBACK = "未见意见反馈"
_QUOTED = re.compile(r"《([^》]{4,})》")
_DRAFT_NOTE = re.compile(r"[（(][^（）()]*(?:征求意见|草案|送审|修订|讨论|初稿|试行)[^（）()]*[）)]")
_PREFIX = re.compile(r"^(?:关于|对|就)?(?:公开|向社会|面向社会)?(?:公开)?(?:征求|征集|征询)(?:社会各界|公众|社会)?(?:对)?")
_SUFFIX = re.compile(r"(?:征求意见|意见建议|意见和建议|建议和意见|意见|建议)?(?:的)?(?:公告|通知|公示|通告|启事|函)?$")


def subject(title: str) -> str:
    """What a notice consults on, as feedback on it names it: the 《…》 it quotes without
    （征求意见稿）, or its title without 关于征求…意见的公告."""
    m = _QUOTED.search(title or "")
    text = m.group(1) if m else (title or "").strip()
    text = _DRAFT_NOTE.sub("", text)
    if not m:
        text = _SUFFIX.sub("", _PREFIX.sub("", text))
    return norm(text)


@dataclass
class _Notice:
    row: object
    page: object
    published: date | None
    window: Window | None
    major: bool
    issues: list = field(default_factory=list)     # (status, message)
    feedback: str = ""                             # how its feedback was found
    feedback_date: date | None = None
    feedback_state: str = ""                       # open | pending | ok | late | missing | unknown_window


def _is_notice(title: str, params) -> bool:
    t = norm(title)
    return any(re.search(p, t) for p in params["notice_patterns"]) and not matches_any(title, params["feedback_words"])


def _is_feedback(title: str, params) -> bool:
    return bool(matches_any(title, params["feedback_words"]))


def _body_links(page):
    own = normalise_url(page.final_url)
    return [l for l in page.links if l.position not in ("nav", "header", "footer") and normalise_url(l.url) != own]


def _draft(site, page, params) -> str:
    """How the draft is published with the notice ("" when it is not)."""
    for link in _body_links(page):
        label = f"{link.text} {link.url}"
        if matches_any(link.text, params["draft_words"]):
            return f"链接“{link.text}” {link.url}"
        if url_kind(link.url) == "attachment" and not matches_any(label, params["form_words"]):
            return f"附件“{link.text or link.url}” {link.url}"
    text = site.text(page)
    if len(text) >= params["inline_draft_chars"] and (matches_any(text, params["draft_words"]) or "第一条" in text):
        return f"草案全文在公告页内（{len(text)} 字）"
    return ""


def _explanation(site, page, params) -> str:
    for link in _body_links(page):
        if matches_any(link.text, params["explanation_words"]):
            return f"链接“{link.text}” {link.url}"
    word = matches_any(site.text(page), params["explanation_words"][:6])    # the headings, not 解读 in passing
    return f"公告页内有“{word}”" if word else ""


def check(site, params, ctx):
    home = site.home
    found, list_urls, unseen = read_named_columns(site, params["names"], params["max_depth"],
                                                  params["max_name_chars"], "逐条检查征求意见公告")
    for url, why, evidence in unseen:
        yield Finding("unknown", why, url=url, evidence=evidence)
    if not list_urls:
        return
    rows = {key: row for key, (row, _col) in found.items()}
    feedback_rows, pending_lists = [r for r in rows.values() if _is_feedback(r.title, params)], []
    for col in find_columns(site, params["list_names"], params["max_depth"], params["max_name_chars"]):
        pages = [] if col.external else list_pages(site, col.url)
        if not pages:
            pending_lists.append(col.url)
        feedback_rows += [r for p in pages for r in list_rows(site, p)]
    where = list_urls[0] if list_urls else home.final_url
    notices = [r for r in rows.values() if _is_notice(r.title, params)]
    if not notices:
        if list_urls:
            yield Finding("unknown", f"征求意见栏目中未识别出征求意见公告（共 {len(rows)} 条信息），无法逐条检查",
                          url=where, evidence="；".join(r.title[:30] for r in list(rows.values())[:3]))
        return

    # pages anywhere on the site whose title marks feedback: one may answer any notice
    feedback_pages = [(norm(t), t, p) for p in site.pages
                      for t in (p.meta.get("ArticleTitle") or p.title or "",) if _is_feedback(t, params)]
    oldest = ctx.as_of - timedelta(days=params["recent_days"])
    judged, unfetched, older = [], [], 0
    for row in notices:
        page = site.get(row.url)
        if page is None or not page.ok or not page.html:
            if row.date is None or row.date >= oldest:
                unfetched.append(row)
            continue
        published = publication_day(site, page) or row.date
        if published is not None and published < oldest:
            older += 1
            continue
        judged.append(_judge_notice(site, row, page, published, params, ctx, (feedback_rows, feedback_pages)))

    note = (f"；另有 {len(unfetched)} 条公告页未抓取" if unfetched else "") + \
           (f"；{older} 条早于 {params['recent_days']} 天，未检查" if older else "")
    if not judged:
        if unfetched:
            yield Finding("unknown", f"{len(unfetched)} 条征求意见公告的页面均未抓取，无法检查", url=unfetched[0].url,
                          evidence=site.why_unseen(unfetched[0].url))
        else:
            yield Finding("not_applicable", f"近 {params['recent_days']} 天内没有征求意见公告{note}", url=where)
        return

    shown = 0
    for n in judged:
        for status, message in n.issues:
            if pending_lists and message.startswith(_NO_FEEDBACK):
                continue        # the feedback column was not seen: said once below, as unknown
            if status == "fail" or shown < params["max_findings"]:
                shown += status != "fail"
                yield Finding(status, message, url=n.page.final_url,
                              evidence=f"“{n.row.title[:40]}”；期限：{n.window.describe() if n.window else '未识别'}")
    for row in unfetched[:3]:
        yield Finding("unknown", f"征求意见公告“{row.title[:40]}”的页面未能抓取，无法检查", url=row.url,
                      evidence=site.why_unseen(row.url))

    due = [n for n in judged if n.feedback_state in ("ok", "late", "missing")]
    missing = [n for n in due if n.feedback_state == "missing"]
    summary = (f"检查 {len(judged)} 条征求意见公告：{sum(1 for n in judged if n.window)} 条写明期限，"
               f"{len(due)} 条已到反馈时限，其中 {len(missing)} 条未见反馈"
               f"（{sum(1 for n in judged if n.feedback_state == 'open')} 条尚在征求意见期内，"
               f"{sum(1 for n in judged if n.feedback_state == 'pending')} 条反馈尚未到期）{note}")
    if missing:
        if pending_lists:
            yield Finding("unknown", f"{summary}；但意见反馈栏目未能抓取，无法确认反馈缺失", url=pending_lists[0],
                          evidence=site.why_unseen(pending_lists[0]))
        else:
            ratio = len(missing) / len(due)
            over = len(due) >= params["min_notices"] and ratio > params["fail_missing_ratio"]
            yield Finding("fail" if over else "warn",
                          f"征求意见结束后未公布意见反馈/采纳情况：{summary}（{ratio:.0%}，判定阈值 "
                          f"{params['fail_missing_ratio']:.0%}，至少 {params['min_notices']} 条）",
                          url=where, evidence="；".join(n.page.final_url for n in missing[:5]))
        return
    yield Finding("pass", summary, url=where,
                  evidence="；".join(f"“{n.row.title[:24]}” {n.window.describe() if n.window else ''}"
                                    f"{('，' + n.feedback) if n.feedback else ''}" for n in judged[:3]))


def _judge_notice(site, row, page, published, params, ctx, feedback) -> _Notice:
    text = site.text(page)
    window = consultation_window(text, published)
    if window is not None and window.start is None and published is not None:
        window = window.with_start(published)
    major = bool(matches_any(text, params["major_text_words"]) or matches_any(row.title, params["major_title_words"]))
    n = _Notice(row, page, published, window, major)
    kind = "重大行政决策/规范性文件" if major else "征求意见"
    if window is None or window.end is None:
        n.issues.append(("warn", f"{kind}公告未写明征求意见的起止日期（或 zwgk 未能识别）"))
    else:
        if window.malformed:
            n.issues.append(("warn", f"征求意见期限的日期写法不规范：{window.malformed}"))
        days = window.days
        if days is not None and days < params["min_days"] and major:
            reason = matches_any(text, params["short_reason_words"])
            if reason:
                n.issues.append(("pass", f"征求意见期限 {days} 天，少于 {params['min_days']} 天，公告说明了原因（“{reason}”）"))
            else:
                n.issues.append(("fail", f"{kind}征求意见期限只有 {days} 天（{window.describe()}），少于 "
                                         f"{params['min_days']} 天，且公告未说明缩短期限的原因"))
    # only a decision has a draft to publish: a call for suggestions (民生实事, 活动建议) has none
    draft = _draft(site, page, params) if major else ""
    if major and not draft:
        n.issues.append(("fail", f"{kind}公告未公布决策草案（征求意见稿）：公告页没有草案链接、附件或草案全文"))
    elif major and not _explanation(site, page, params):
        n.issues.append(("warn", f"{kind}公告附了草案（{draft}），但未见起草说明等说明材料"))
    _judge_feedback(site, n, params, ctx, feedback)
    return n


def _judge_feedback(site, n: _Notice, params, ctx, feedback) -> None:
    w = n.window
    end = w.end if w else None
    if end is not None and end >= ctx.as_of:
        n.feedback_state = "open"            # still open: feedback is not judged
        return
    n.feedback, n.feedback_date = _find_feedback(site, n, params, *feedback)
    if end is None:
        n.feedback_state = "ok" if n.feedback else "unknown_window"
        return
    due = end + timedelta(days=params["feedback_days"])
    tolerance = timedelta(days=params["date_tolerance_days"])
    if n.feedback:
        late = n.feedback_date is not None and n.feedback_date > due + tolerance
        n.feedback_state = "late" if late else "ok"
        if late:
            n.issues.append(("warn", f"意见反馈晚于征求意见结束后 {params['feedback_days']} 天：征求意见 {end.isoformat()} "
                                     f"结束，反馈 {n.feedback_date.isoformat()} 才发布（{n.feedback}）"))
    elif ctx.as_of > due:
        n.feedback_state = "missing"
        n.issues.append(("warn", f"{_NO_FEEDBACK}：征求意见已于 {end.isoformat()} 结束，超过 {params['feedback_days']} 天仍未公布意见反馈/采纳情况"
                                 "（已查看公告页、征求意见和意见反馈栏目、本站其他页面的标题）"))
    else:
        n.feedback_state = "pending"


def _find_feedback(site, n: _Notice, params, feedback_rows, feedback_pages) -> tuple[str, date | None]:
    """(how the notice's feedback was found, its date) or ("", None)."""
    own = feedback_in_text(site.text(n.page))
    if own is not None and own.kind in ("counts", "table", "none"):
        return f"公告页公布了意见情况“{own.evidence[:40]}”", publication_day(site, n.page)
    core = subject(n.row.title)
    if len(core) < 4:
        return "", None
    for row in feedback_rows:
        if core in norm(row.title) and normalise_url(row.url) != normalise_url(n.page.final_url):
            target = site.get(row.url)
            when = row.date or (publication_day(site, target) if target is not None and target.ok and target.html else None)
            return f"反馈“{row.title[:40]}” {row.url}", when
    for link in _body_links(n.page):
        if (matches_any(link.text, params["feedback_words"]) and url_kind(link.url) != "attachment"
                and not (list_key(link.url).endswith("/") or is_pager_url(link.url))):
            target = site.get(link.url)
            if target is not None and target.ok and target.html:
                return f"公告页链接“{link.text}” {link.url}", publication_day(site, target)
    for normed, title, page in feedback_pages:
        if page is not n.page and core in normed:
            return f"反馈页面“{title[:40]}” {page.final_url}", publication_day(site, page)
    return "", None
