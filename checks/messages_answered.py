"""messages_answered — messages left in the unit's message boxes are answered, and on time.

What it checks: the unit's message boxes (县长/区长/市长/局长信箱, 在线留言, 咨询投诉, 民意征集 …,
found by `names` as columns are) and their lists (the box page itself, the lists its page links to
by `list_names` such as 信件选登, and every page of their pagers). Each listed message is read
from its list row (留言时间, 办理状态, 回复时间 columns, or a status word in the row) and from its
own page (留言时间/来信时间, 办理状态, 回复内容, 回复时间 fields). A message that is older than
`max_unanswered_months` at the audit date and still has no reply fails. A reply that took longer
than the unit's own published commitment (“本信箱来信一般在15个工作日内答复” on the box's page, or a
labelled 办理时限 on the message page) — or, where it states none, longer than `max_reply_days` —
is a warning; so is a message still unanswered past that time but not yet 3 months old.

How it decides, so that a fail rests on the site's own word:
- A reply on the message page (回复内容 with text, or a 回复时间) means answered, whatever the
  status says (办理中 with an interim reply is answered).
- Unanswered needs positive evidence: the list or the page says 未回复/待回复/办理中, or the
  page's reply field says there is none (回复内容：暂无回复). An empty reply field alone is not
  enough (the reply may be an image or an attachment), and a message page that shows neither a
  reply nor a status is unknown, not unanswered. 办理中 on the list alone, with the message page unseen, is
  unknown (the page may hold an interim reply); 未回复 on the list is the site's word, a fail.
- The list says 已回复 but the message page, read, shows no reply: a warning (the reply is not
  published), not a fail — the list says it was answered.
- 留言时间 comes from labelled fields. A list row's unlabelled date (时间, 发布日期, the URL's
  date) is never earlier than the message, so it serves only as a bound: a message listed on a
  date over 3 months ago was left over 3 months ago.
- Rows that are no message (a box's 办理须知, a 征集 notice in 民意征集: no 留言时间, no status)
  are left out.

Why it matters: 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》makes 互动回应差 — messages
left unanswered for more than 3 months — a 单项否决 (veto) indicator; the plan (江府办〔2022〕7号
item 32) asks units to answer messages within the set time limits (按照规定时限做好留言答复).

Pass: 区长信箱 lists 12 messages, each 已回复 within the 15 working days its page promises; one
asked 5 days ago is 办理中.
Fail: a message asked 100 days before the audit date, listed 未回复, whose page shows
回复内容：暂无回复 — the finding names the message page, its 留言时间 and the list.
Warn: a reply 40 days after the message where the box promises 15 working days; a message 2
months old still 办理中; 已回复 on the list, no reply on the page (a message over 3 months old).
Unknown: no box found; the box is on another platform (a provincial 网上信访 site); its list is
filled by scripts and was not rendered; list pages or message pages were not fetched (the crawl
plan, the page budget); a message page shows no reply and no status.

Working days are Monday to Friday less `holidays` (ISO dates); make-up Saturdays are not
counted, which can only make a delay look shorter.

References: 国办秘函〔2019〕19号 附件1 单项否决指标“互动回应差”; 江府办〔2022〕7号 item 32.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from zwgk.checks.browser_sample import unrendered_reason
from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns, visible_marker
from zwgk.checks.parsers.listing import list_key, list_pages, list_rows, pagination
from zwgk.checks.parsers.messages import (
    ANSWERED,
    PENDING,
    UNANSWERED,
    Commitment,
    MessageWords,
    page_message,
    row_message,
    stated_commitment,
    workdays,
)
from zwgk.page.scope import normalise_url
from zwgk.page.text import matches_any, norm

ID = "messages_answered"
NEEDS = Needs(crawl="documents")
PARAMS = {
    # the boxes, found as columns (short link texts, ColumnName); crawled in full (NEEDS)
    "names": {"type": "list[str]", "default": [
        "县长信箱", "区长信箱", "市长信箱", "局长信箱", "书记信箱", "领导信箱", "主任信箱", "镇长信箱",
        "在线留言", "网上留言", "留言板", "留言咨询", "公众留言", "咨询投诉", "投诉咨询", "投诉建议",
        "我要咨询", "我要投诉", "政务咨询", "在线咨询", "民意征集"]},
    # lists a box page links to (its published letters)
    "list_names": {"type": "list[str]", "default": [
        "信件选登", "留言选登", "来信选登", "信件公开", "留言公开", "回复选登", "答复选登", "信件列表",
        "留言列表", "咨询列表", "投诉列表", "办理结果", "处理结果"]},
    "max_unanswered_months": {"type": "int", "default": 3},
    # the reply time judged when the unit publishes none (calendar days)
    "max_reply_days": {"type": "int", "default": 30},
    "use_commitment": {"type": "bool", "default": True},
    # only messages left within this many months before the audit date (None: all)
    "lookback_months": {"type": "int", "default": None},
    "holidays": {"type": "list", "default": []},
    "asked_labels": {"type": "list[str]", "default": [
        "留言时间", "来信时间", "写信时间", "发信时间", "提交时间", "咨询时间", "投诉时间", "提问时间",
        "留言日期", "来信日期", "提交日期", "咨询日期", "投诉日期"]},
    "reply_time_labels": {"type": "list[str]", "default": [
        "回复时间", "答复时间", "回复日期", "答复日期", "办结时间", "办结日期", "反馈时间", "处理时间"]},
    "reply_labels": {"type": "list[str]", "default": [
        "回复内容", "答复内容", "回复意见", "答复意见", "办理结果", "处理结果", "办理意见", "处理意见",
        "回复正文", "答复正文", "领导回复", "部门回复", "单位回复", "官方回复", "回复情况", "答复情况",
        "办理情况", "处理情况", "回复", "答复"]},
    "status_labels": {"type": "list[str]", "default": [
        "办理状态", "处理状态", "回复状态", "答复状态", "信件状态", "留言状态", "状态"]},
    "content_labels": {"type": "list[str]", "default": [
        "留言内容", "来信内容", "信件内容", "咨询内容", "投诉内容", "问题描述", "反映内容", "诉求内容"]},
    "answered_words": {"type": "list[str]", "default": [
        "已回复", "已答复", "已办结", "已处理", "已反馈", "已解答", "已回应"]},
    "pending_words": {"type": "list[str]", "default": [
        "办理中", "处理中", "受理中", "已受理", "转办中", "交办中", "正在办理", "正在处理", "已转办"]},
    "unanswered_words": {"type": "list[str]", "default": [
        "未回复", "未答复", "待回复", "待答复", "未处理", "待处理", "未办结", "尚未回复", "暂未回复",
        "暂无回复", "暂无答复", "未反馈"]},
    # what a reply field shows when there is no reply
    "no_reply_words": {"type": "list[str]", "default": ["暂无", "无", "空", "—", "-", "暂无内容", "待回复"]},
    "commitment_verbs": {"type": "list[str]", "default": ["答复", "回复", "办结", "反馈", "回应", "处理完毕"]},
    "commitment_labels": {"type": "list[str]", "default": ["办理时限", "答复时限", "回复时限", "承诺时限",
                                                            "答复期限", "办理期限"]},
    "empty_markers": {"type": "list[str]", "default": ["暂无信件", "暂无留言", "暂无信息", "暂无数据", "暂无记录"]},
    "max_depth": {"type": "int", "default": 3},
    "max_name_chars": {"type": "int", "default": 12},
    "max_list_pages": {"type": "int", "default": 200},
    "future_tolerance_days": {"type": "int", "default": 1},
    "max_findings": {"type": "int", "default": 20},
}


def _months_before(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


@dataclass
class _Box:
    """What one box showed: its messages' outcomes, and what could not be seen."""
    name: str
    url: str
    judged: int = 0
    answered: int = 0
    late: int = 0
    pending: int = 0
    failed: int = 0
    not_messages: int = 0
    unknown: list = field(default_factory=list)     # (url, why)
    gaps: list = field(default_factory=list)        # (list page url, why)


class _Judge:
    def __init__(self, site, params, ctx):
        self.site, self.params, self.ctx = site, params, ctx
        self.words = MessageWords.from_params(params)
        self.as_of = ctx.as_of
        self.cutoff = _months_before(ctx.as_of, params["max_unanswered_months"])
        months = params["lookback_months"]
        self.since = _months_before(ctx.as_of, months) if months else None
        self.latest = ctx.as_of + timedelta(days=params["future_tolerance_days"])
        self.holidays = [h if isinstance(h, date) else date.fromisoformat(str(h)) for h in params["holidays"]]
        self.seen: set = set()
        self.problems: list[Finding] = []     # fail and warn findings of single messages
        self.judged = 0

    def _problem(self, status, message, url, evidence):
        self.problems.append(Finding(status, message, url=url, evidence=evidence))

    def problem_findings(self):
        """The messages' fails, then their warnings, at most max_findings; a last finding counts
        the rest with the worst status among them."""
        cap = self.params["max_findings"]
        ordered = sorted(self.problems, key=lambda f: f.status != "fail")
        yield from ordered[:cap]
        rest = ordered[cap:]
        if rest:
            worst = "fail" if any(f.status == "fail" for f in rest) else "warn"
            yield Finding(worst, f"另有 {len(rest)} 条留言存在同类问题（只列出前 {cap} 条），如 {rest[0].url}",
                          url=rest[0].url, evidence=rest[0].message[:120])

    # -- boxes -------------------------------------------------------------------------------
    def box(self, col):
        site = self.site
        if col.external:
            host = urlsplit(col.url).hostname or col.url
            where = ("不在本单位的抓取范围内" if host == urlsplit(site.start_url).hostname
                     else f"设在本站以外的平台（{host}）")
            yield Finding("unknown", f"“{col.name}”{where}，未检查其留言答复情况",
                          url=col.url, evidence=f"链接位于 {col.found_on}")
            return
        first = col.page(site)
        if first is None or not first.ok or not first.html:
            yield Finding("unknown", f"“{col.name}”的页面未能抓取，无法检查留言答复情况："
                                     f"{site.why_unseen(col.url) or '页面不是网页'}", url=col.url)
            return
        if first.final_url not in site.scope:
            yield Finding("unknown", f"“{col.name}”跳转到本站以外的平台（{first.final_url}），未检查其留言答复情况",
                          url=col.url)
            return
        box = _Box(col.name, first.final_url)
        promise = stated_commitment(site, first, self.words) if self.params["use_commitment"] else None
        rows, seen_lists = [], set()
        for url in [first.final_url, *self._sublists(first)]:
            key = list_key(url)
            if key in seen_lists:
                continue
            seen_lists.add(key)
            pages = list_pages(site, url, self.params["max_list_pages"])
            if not pages:
                box.gaps.append((url, site.why_unseen(url) or "页面不是网页"))
                continue
            fetched = {list_key(p.final_url) for p in pages}
            for page in pages:
                hidden = unrendered_reason(site, page, self.ctx.unit)
                if hidden:
                    box.gaps.append((page.final_url, f"列表由脚本生成，未经浏览器渲染（{hidden}）"))
                if promise is None and self.params["use_commitment"]:
                    promise = stated_commitment(site, page, self.words)
                rows.extend(r for r in list_rows(site, page) if r.url)
                for nxt in pagination(site, page):
                    if list_key(nxt) not in fetched and list_key(nxt) not in seen_lists:
                        seen_lists.add(list_key(nxt))
                        box.gaps.append((nxt, site.why_unseen(nxt) or f"超出检查的列表页数上限（{len(pages)} 页）"))
        for row in rows:
            key = normalise_url(row.url)
            if key in self.seen or key in seen_lists:
                continue
            self.seen.add(key)
            self.message(box, row, promise)
        yield from self._box_summary(box, first, rows, promise)

    def _sublists(self, page) -> list[str]:
        """The lists a box page links to by name (信件选登 …), within the site."""
        out = []
        for link in page.links:
            if (link.url in self.site.scope and len(norm(link.text)) <= self.params["max_name_chars"]
                    and matches_any(link.text, self.params["list_names"])):
                out.append(link.url)
        return out

    def _box_summary(self, box, first, rows, promise):
        site = self.site
        if box.gaps:
            examples = "；".join(f"{u}（{why}）" for u, why in box.gaps[:3])
            yield Finding("unknown", f"“{box.name}”有 {len(box.gaps)} 个列表页无法完整查看，其中的留言未能检查",
                          url=box.gaps[0][0], evidence=examples)
        if box.unknown:
            examples = "；".join(f"{u}（{why}）" for u, why in box.unknown[:3])
            yield Finding("unknown", f"“{box.name}”有 {len(box.unknown)} 条留言无法判断答复情况",
                          url=box.unknown[0][0], evidence=examples)
        if box.judged and not box.failed:
            promised = f"；按本单位公布的时限（{promise.describe()}）判断答复用时" if promise else ""
            yield Finding("pass", f"“{box.name}”检查留言 {box.judged} 条：已答复 {box.answered} 条"
                                  f"（超时答复 {box.late} 条），尚在办理 {box.pending} 条；未发现超过"
                                  f"{self.params['max_unanswered_months']}个月未答复的留言{promised}",
                          url=box.url, evidence=promise.text if promise else "")
        elif not rows and not box.gaps:
            marker = visible_marker(site, first, self.params["empty_markers"])
            if marker:
                yield Finding("unknown", f"“{box.name}”页面显示“{marker}”，没有公开的留言可供检查答复情况",
                              url=box.url, evidence=marker)
            else:
                yield Finding("unknown", f"“{box.name}”的页面未识别出留言列表，无法检查留言答复情况",
                              url=box.url, evidence=first.title[:80])

    # -- one message -------------------------------------------------------------------------
    def message(self, box, row, promise):
        site, words = self.site, self.words
        listed = row_message(row, words)
        page = site.get(row.url)
        facts, page_why, hidden, page_seen = None, "", "", False
        if page is None or not page.ok:
            page_why = site.why_unseen(row.url) or "未能抓取"
        elif not page.html:
            page_why = "链接到附件，不是网页"
        elif page.final_url not in site.scope:
            page_why = f"跳转到本站以外（{page.final_url}）"
        else:
            page_seen = True
            got = page_message(site, page, words)
            facts = got if got.is_message else None
            hidden = unrendered_reason(site, page, self.ctx.unit) or (
                "页面通过内嵌框架（iframe）显示内容" if "<iframe" in page.html.lower() else "")
        url = page.final_url if page_seen else row.url
        title = row.title[:40]
        if facts is None and not listed.status:
            # no status on the list: the page says what the entry is (a box's 办理须知 is no letter)
            if page_seen and not hidden:
                box.not_messages += 1
                return None
            box.unknown.append((url, f"{page_why or hidden or '页面未识别出留言信息'}，列表未显示办理状态"))
            return None

        asked = facts.asked if facts is not None and facts.asked else listed.asked
        asked_text = (facts.asked_text if facts is not None and facts.asked else listed.asked_text)
        if asked is not None and asked > self.latest:
            asked = None            # a date after the audit date is a typo, not a date
        shown = listed.shown if listed.shown is not None and listed.shown <= self.latest else None
        bound = asked or shown
        replied = facts.replied if facts is not None and facts.replied else listed.replied
        if replied is not None and (replied > self.latest or (bound is not None and replied < bound and asked)):
            replied = None
        if self.since is not None and bound is not None and bound < self.since:
            return None
        when = (f"留言时间 {asked.isoformat()}" if asked else
                f"列表日期 {shown.isoformat()}（留言时间不晚于此日）" if shown else "未显示留言时间")
        statuses = [s for s in (listed.status, facts.status if facts is not None else "") if s]
        can_deny = facts is not None and not hidden     # the page would show a reply if there were one
        evidence = self._evidence(row, listed, facts, page_why, hidden, asked_text)

        if (facts is not None and facts.reply_shown) or (ANSWERED in statuses and not can_deny):
            return self._answered(box, url, title, bound, asked, replied, facts, promise, evidence)
        if ANSWERED in statuses:
            self.judged += 1
            box.judged += 1
            box.answered += 1
            if bound is not None and bound < self.cutoff:
                return self._problem("warn", f"留言“{title}”标注为“{listed.status_text or facts.status_text}”，"
                                             f"但留言页未显示回复内容（{when}）", url, evidence)
            return None
        said_no = any(s in (PENDING, UNANSWERED) for s in statuses)
        # an empty reply field alone is weak (a reply may be an image or an attachment): it counts
        # as no reply with a status that says so, or when it says so itself (暂无回复)
        if not (said_no or (can_deny and facts.no_reply)):
            why = "留言页未识别出回复内容或办理状态" if can_deny else (hidden or page_why)
            box.unknown.append((url, why))
            return None
        if not can_deny and listed.status != UNANSWERED:
            box.unknown.append((url, f"显示“{listed.status_text or (facts.status_text if facts else '')}”，"
                                     f"但留言页无法查看（{hidden or page_why}），无法确认是否已有回复"))
            return None
        if bound is None:
            box.unknown.append((url, "未显示留言时间，无法判断是否超过时限"))
            return None
        self.judged += 1
        box.judged += 1
        elapsed = (self.as_of - bound).days
        if bound < self.cutoff:
            box.failed += 1
            months = self.params["max_unanswered_months"]
            return self._problem("fail", f"留言“{title}”{when}，至检查日 {self.as_of.isoformat()} 已 {elapsed} 天，"
                                         f"超过{months}个月仍未答复（单项否决指标“互动回应差”）", url, evidence)
        box.pending += 1
        limit = self._limit(facts, promise)
        over, took = self._exceeds(bound, self.as_of, limit)
        if over:
            return self._problem("warn", f"留言“{title}”{when}，至检查日已 {took}仍未答复，超过{self._limit_text(limit)}"
                                         f"（尚未满{self.params['max_unanswered_months']}个月）", url, evidence)
        return None

    def _answered(self, box, url, title, bound, asked, replied, facts, promise, evidence):
        self.judged += 1
        box.judged += 1
        box.answered += 1
        if bound is None or replied is None:
            return None
        limit = self._limit(facts, promise)
        over, took = self._exceeds(bound, replied, limit)
        if not over:
            return None
        box.late += 1
        start = f"留言时间 {bound.isoformat()}" if asked else f"列表日期 {bound.isoformat()}"
        return self._problem("warn", f"留言“{title}”{start}，{replied.isoformat()} 才答复，用时 {took}，"
                                     f"超过{self._limit_text(limit)}", url, evidence)

    def _limit(self, facts, promise) -> Commitment:
        if self.params["use_commitment"]:
            if facts is not None and facts.commitment is not None:
                return facts.commitment
            if promise is not None:
                return promise
        return Commitment(self.params["max_reply_days"], "days", "", "")

    @staticmethod
    def _limit_text(limit: Commitment) -> str:
        if limit.url:
            return f"本单位公布的答复时限（{limit.describe()}：“{limit.text[:60]}”）"
        return f"答复时限（{limit.limit}天）"

    def _exceeds(self, start: date, end: date, limit: Commitment) -> tuple[bool, str]:
        if limit.unit == "workdays":
            n = workdays(start, end, self.holidays)
            return n > limit.limit, f"{n} 个工作日"
        n = (end - start).days
        return n > limit.limit, f"{n} 天"

    @staticmethod
    def _evidence(row, listed, facts, page_why, hidden, asked_text) -> str:
        parts = [f"列表 {row.list_url}"]
        if listed.status_text:
            parts.append(f"列表状态：{listed.status_text}")
        if listed.asked_text or listed.shown_text:
            parts.append(f"列表日期：{(listed.asked_text or listed.shown_text)[:30]}")
        if listed.replied_text:
            parts.append(f"列表回复时间：{listed.replied_text[:30]}")
        if facts is not None:
            if asked_text:
                parts.append(f"留言页{facts.asked_label or '留言时间'}：{asked_text[:30]}")
            if facts.status_text:
                parts.append(f"留言页状态：{facts.status_text}")
            if facts.replied_text:
                parts.append(f"回复时间：{facts.replied_text[:30]}")
            parts.append(f"回复内容：{facts.reply[:30]}" if facts.reply else
                         f"回复栏：{facts.no_reply}" if facts.no_reply else
                         ("留言页回复栏为空" if facts.reply_field else "留言页无回复内容"))
            if hidden:
                parts.append(hidden)
        elif page_why:
            parts.append(f"留言页：{page_why}")
        return "；".join(parts)


def check(site, params, ctx):
    home = site.home
    boxes = find_columns(site, params["names"], params["max_depth"], params["max_name_chars"])
    if not boxes:
        yield Finding("unknown", "未找到留言信箱、咨询投诉类栏目，无法检查留言答复情况", url=home.final_url,
                      evidence=f"查找: {'、'.join(params['names'])}")
        return
    judge = _Judge(site, params, ctx)
    for col in boxes:
        yield from judge.box(col)
    yield from judge.problem_findings()
    if not judge.judged:
        yield Finding("unknown", "各留言信箱中未识别出可判断答复情况的留言", url=home.final_url,
                      evidence="、".join(c.name for c in boxes))
