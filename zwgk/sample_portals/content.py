"""Helpers shared by the portal descriptions: relative dates, article factories, report numbers.

Every date is computed from `as_of`, so a demo run today and a test frozen on an old date both see
fresh compliant portals.
"""
from __future__ import annotations

import datetime as dt
import random

from .model import Article, Column, DocInfo, ReportStats, ReportWording, at

# Rows of table 三 (收到和处理政府信息公开申请情况) below 三、本年度办理结果, as in the 2021 format:
# (group label, group rowspan, row label). A group label of None continues the previous group.
OUTCOME_ROWS = [
    ("（一）予以公开", 0, None),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0, None),
    ("（三）不予公开", 8, "1.属于国家秘密"),
    (None, 0, "2.其他法律行政法规禁止公开"),
    (None, 0, "3.危及“三安全一稳定”"),
    (None, 0, "4.保护第三方合法权益"),
    (None, 0, "5.属于三类内部事务信息"),
    (None, 0, "6.属于四类过程性信息"),
    (None, 0, "7.属于行政执法案卷"),
    (None, 0, "8.属于行政查询事项"),
    ("（四）无法提供", 3, "1.本机关不掌握相关政府信息"),
    (None, 0, "2.没有现成信息需要另行制作"),
    (None, 0, "3.补正后申请内容仍不明确"),
    ("（五）不予处理", 5, "1.信访举报投诉类申请"),
    (None, 0, "2.重复申请"),
    (None, 0, "3.要求提供公开出版物"),
    (None, 0, "4.无正当理由大量反复申请"),
    (None, 0, "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", 3, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (None, 0, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (None, 0, "3.其他"),
]


def ago(as_of: dt.date, days: int) -> dt.datetime:
    """`days` before as_of, at a plausible office hour that varies from item to item."""
    return at(as_of - dt.timedelta(days=days), 8 + days % 9, (days * 13 + 7) % 60)


def news(as_of, days, title, source="", body=None) -> Article:
    when = ago(as_of, days)
    paragraphs = body or [
        f"{when.month}月{when.day}日，{title}。",
        "会议强调，要坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，压实工作责任，"
        "细化工作措施，确保各项任务落地见效。",
        "相关单位负责同志参加活动。",
    ]
    return Article(title=title, published=when, source=source, body=paragraphs)


def notice(as_of, days, title, issuer, source="") -> Article:
    when = ago(as_of, days)
    return Article(
        title=title, published=when, source=source or issuer,
        body=[
            "各有关单位：",
            f"现将{title.removeprefix(issuer).removeprefix('关于')}有关事项通知如下，请认真贯彻落实。",
            "一、高度重视，加强组织领导。各单位要明确分管领导和具体联系人，确保工作有序推进。",
            "二、突出重点，抓好任务落实。要对照工作要求，逐项细化分解，按时报送工作进展情况。",
            "三、强化督导，确保取得实效。对工作推进不力的，将予以通报。",
            issuer,
            f"{when.year}年{when.month}月{when.day}日",
        ])


def document(as_of, days, title, issuer, doc_no, validity="有效", index_prefix="007",
             topic="综合政务", list_validity=None, source="") -> Article:
    """A 规范性文件/政策文件 page with the 索引号/发文机关/成文日期/发文字号/有效性 info box.

    `doc_no` may contain "{y}", replaced with the publication year (江府〔2023〕12号).
    """
    when = ago(as_of, days)
    number = doc_no.format(y=when.year)
    return Article(
        title=title, published=when, source=source or issuer, kind="document",
        doc=DocInfo(index_no=f"{index_prefix}-{when.year}-{days % 97 + 1:04d}", issuer=issuer,
                    doc_no=number, validity=validity, topic=topic,
                    written=(when - dt.timedelta(days=3)).date()),
        list_validity=list_validity,
        body=[
            "各县（市、区）人民政府，市政府各部门、各直属机构：",
            f"现将《{title.split('印发')[-1].removesuffix('的通知')}》印发给你们，"
            "请认真贯彻执行。执行中遇到的问题，请径向有关部门反映。",
            issuer,
            f"{when.year}年{when.month}月{when.day}日",
        ])


def report_published(as_of: dt.date, year: int, month: int, day: int, hour: int = 10,
                     on_time: bool = True) -> dt.datetime | None:
    """When the `year` annual report goes online (planned for month/day of year+1), or None.

    A report is never dated after as_of: a compliant unit whose planned date has not come yet
    published it the day before as_of (if that is already in year+1); a late one (on_time=False)
    simply is not online yet.
    """
    planned = dt.date(year + 1, month, day)
    if planned < as_of:
        return at(planned, hour, 30)
    if on_time and as_of - dt.timedelta(days=1) > dt.date(year + 1, 1, 1):
        return at(as_of - dt.timedelta(days=1), hour, 30)
    return None


FIRST_REPORT_YEAR = 2008      # the 条例 took effect in 2008: the 现行有效 chain starts there


def _yearly_flow(unit: str, year: int, rules: bool) -> tuple:
    """(made, repealed) of 行政规范性文件 (or, with rules=True, of 规章) in one year."""
    rng = random.Random(f"{unit}/{year}/{'rules' if rules else 'documents'}")
    made = rng.randint(0, 2) if rules else rng.randint(5, 40)
    return made, rng.randint(0, min(made, 1 if rules else 10))      # the stock never shrinks


def _in_force(unit: str, year: int, rules: bool) -> int:
    """现行有效 at the end of `year`: a unit's stock in 2007 plus every year's made − repealed."""
    base = random.Random(f"{unit}/stock/{rules}")
    count = base.randint(3, 8) if rules else base.randint(80, 200)
    for y in range(FIRST_REPORT_YEAR, year + 1):
        made, repealed = _yearly_flow(unit, y, rules)
        count += made - repealed
    return count


def report_stats(unit: str, year: int, issues_rules: bool = False) -> ReportStats:
    """Deterministic, internally consistent numbers (勾稽关系 holds) for one unit and year.

    现行有效 follows from the previous year's report (现行有效 + 本年制发 − 本年废止), so two
    consecutive reports of a unit agree. Only a government that issues 规章 (the city) has a
    规章 row other than 0/0/0.
    """
    rng = random.Random(f"{unit}/{year}")
    outcomes = {}
    for group, _span, row in OUTCOME_ROWS:
        outcomes[row or group] = 0
    outcomes["（一）予以公开"] = rng.randint(20, 80)
    outcomes["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"] = rng.randint(2, 15)
    outcomes["5.属于三类内部事务信息"] = rng.randint(0, 5)
    outcomes["1.本机关不掌握相关政府信息"] = rng.randint(5, 30)
    outcomes["2.重复申请"] = rng.randint(0, 3)
    person = sum(outcomes.values())
    made, repealed = _yearly_flow(unit, year, rules=False)
    rules = (0, 0, 0)
    if issues_rules:
        rules = (*_yearly_flow(unit, year, rules=True), _in_force(unit, year, rules=True))
    return ReportStats(
        made=made, repealed=repealed, in_force=_in_force(unit, year, rules=False),
        licences=rng.randint(500, 5000), penalties=rng.randint(50, 1500),
        coercions=rng.randint(0, 80), fees=f"{rng.randint(100, 20000)}.{rng.randint(0, 99):02d}",
        requests_person=person, requests_company=rng.randint(0, 3), outcomes=outcomes,
        reviews=(rng.randint(0, 3), rng.randint(0, 1), 0, rng.randint(0, 1)), rules=rules)


def report_text(wording: ReportWording, unit: str, year: int, stats: ReportStats) -> dict:
    """A unit's wording filled in for one report: {"overview": [(label, text)], "problems": [...], ...}."""
    fields = {"y": year, "next": year + 1, "unit": unit, "made": stats.made,
              "published": stats.licences // 3 + stats.made * 10, "interpretations": stats.made * 2,
              "requests": stats.requests_person + stats.requests_company}
    return {"overview": [(label, text.format(**fields)) for label, text in wording.overview],
            "problems": [text.format(**fields) for text in wording.problems],
            "other": [text.format(**fields) for text in wording.other]}


def annual_report(unit: str, year: int, published: dt.datetime, wording: ReportWording, source: str = "",
                  doc_id: int = 0, issues_rules: bool = False) -> Article:
    stats = report_stats(unit, year, issues_rules)
    return Article(
        title=f"{unit}{year}年度政府信息公开工作年度报告", published=published,
        source=source or unit, kind="annual_report", report_year=year,
        report_stats=stats, report_text=report_text(wording, unit, year, stats), doc_id=doc_id)


def annual_reports(unit, as_of, month, day, wording, source="", late_year=None, late_on=(3, 5),
                   late_doc_id=0, issues_rules=False) -> list:
    """Reports for as_of.year-1 and as_of.year-2 (those already online as of as_of).

    `late_year`: that year's report goes online on `late_on` (month, day) instead — too late.
    """
    reports = []
    for year in (as_of.year - 1, as_of.year - 2):
        if year == late_year:
            when = report_published(as_of, year, *late_on, on_time=False)
            doc_id = late_doc_id
        else:
            when = report_published(as_of, year, month, day)
            doc_id = 0
        if when is not None:
            reports.append(annual_report(unit, year, when, wording, source, doc_id, issues_rules))
    return reports


def law_reports(unit, as_of, month, day, body, source="", years=3) -> list:
    """《法治政府建设年度报告》 of the last `years` years that are online as of as_of (due 03-01).

    `body` holds the unit's own paragraphs as str.format templates ({y}, {next}, {unit}).
    """
    reports = []
    for year in range(as_of.year - 1, as_of.year - 1 - years, -1):
        when = report_published(as_of, year, month, day, hour=15)
        if when is not None:
            reports.append(Article(
                title=f"{unit}{year}年法治政府建设年度报告", published=when, source=source or unit,
                kind="law_report", report_year=year,
                body=[p.format(y=year, next=year + 1, unit=unit) for p in body]))
    return reports


def law_report_year_due(as_of: dt.date, month: int = 3, day: int = 1) -> int:
    """The year whose 法治政府建设年度报告 is judged on as_of: last year's once its deadline has passed."""
    return as_of.year - 1 if as_of > dt.date(as_of.year, month, day) else as_of.year - 2


def document_name(title: str) -> str:
    """What a 解读 calls a document: the 《…》 it prints (印发《X》的通知 -> X), else the whole title."""
    if "印发" in title:
        return title.split("印发", 1)[1].removesuffix("的通知")
    return title


def interpretation(doc: Article, body=None, source: str = "") -> Article:
    """The 政策解读 of a document, published with it (三同步), each linking to the other."""
    name = document_name(doc.title)
    issuer = doc.doc.issuer if doc.doc else doc.source
    article = Article(
        title=f"《{name}》政策解读", published=doc.published + dt.timedelta(minutes=30),
        source=source or issuer, kind="interpretation",
        body=body or [
            f"近日，{issuer}印发《{name}》（{doc.doc.doc_no if doc.doc else ''}）。现就有关内容解读如下。",
            "一、制定背景。为贯彻落实上级有关决策部署，结合本地实际，制定本文件。",
            "二、主要内容。文件明确了适用范围、职责分工、工作措施和保障要求，对申请条件、办理流程和监督管理作出规定。",
            "三、与原有政策相比的主要变化。进一步简化办事材料，压缩办理时限，明确执行标准。",
            f"四、解读机关及联系方式。解读机关：{issuer}。"])
    article.related.append(("原文链接", doc))
    doc.related.append(("相关解读", article))
    return article


def interpret_all(site, doc_columns, target: str, as_of: dt.date, recent_days: int = 730) -> list:
    """Add a 政策解读 to `target` for every document in `doc_columns` that is in force and recent."""
    made = []
    for path in doc_columns:
        for doc in list(site.columns[path].articles):
            if doc.kind != "document" or doc.doc.validity != "有效":
                continue
            if (as_of - doc.published.date()).days > recent_days:
                continue
            made.append(site.add_article(target, interpretation(doc)))
    return made


def with_id(doc_id: int, article: Article) -> Article:
    """Give an article a fixed doc id (for articles that planted problems refer to)."""
    article.doc_id = doc_id
    return article


# ---- 征求意见 (plan item 28): notices with their window, draft and 起草说明, and their feedback ------
def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def consultation(as_of, days, title, name, issuer, window_days=30, major=False, reason="",
                 feedback_after=10, received=3, adopted=2, source="") -> list:
    """A 征求意见 notice published `days` before as_of — its window (征求意见的时间, `window_days`
    long), the draft 《name》 and its 起草说明 attached as PDFs, the ways to send opinions — and,
    once `feedback_after` days have passed since the window closed, its 采纳情况 (a second
    Article; none while the window is open or the feedback is not out yet)."""
    when = ago(as_of, days)
    start = when.date()
    end = start + dt.timedelta(days=window_days)
    why = "根据《重大行政决策程序暂行条例》《广东省重大行政决策程序规定》，" if major else ""
    notice = Article(
        title=title, published=when, source=source or issuer,
        body=[f"为广泛听取社会公众意见，提高决策的科学性和透明度，{why}{issuer}起草了《{name}》，现向社会公开征求意见。",
              "一、征求意见的时间", f"{cn_date(start)}至{cn_date(end)}。", *([reason] if reason else []),
              "二、意见反馈的途径",
              "（一）电子邮件：请将意见发送至 zwgk@example.gov.cn，邮件主题注明“意见征集”。",
              f"（二）信函：请寄至{issuer}（信封上注明“意见征集”）。",
              "三、对公众提出的意见建议，我们将认真研究，在征求意见结束后公布意见采纳情况。"],
        pdf_files=[("附件1：", f"{name}", f"draft_{start:%Y%m%d}.pdf", "Draft for public consultation"),
                     ("附件2：", f"关于《{name}》的起草说明", f"explain_{start:%Y%m%d}.pdf", "Explanatory note")])
    out = [notice]
    answered = end + dt.timedelta(days=feedback_after)
    if answered < as_of:
        out.append(Article(
            title=f"关于《{name}》征求意见采纳情况的说明", published=at(answered, 16, 0), source=source or issuer,
            body=[f"{issuer}于{cn_date(start)}至{cn_date(end)}就《{name}》向社会公开征求意见，"
                  f"共收到意见{received}条，采纳{adopted}条，未采纳{received - adopted}条。",
                  "未采纳的意见主要涉及上位法已有规定的事项，已在修改说明中逐条说明理由。感谢社会各界的关心和支持。"]))
    return out


# ---- 政府公报 (plan item 45): every issue of every year -----------------------------------------------
def gazette(as_of, name, per_year, first_year, source, day=10) -> list:
    """The issues of a 政府公报 from first_year on, `per_year` a year (12 monthly, 4 quarterly):
    issue k of a year is published on `day` of month k × 12 / per_year; none on or after as_of."""
    step = 12 // per_year
    issues = []
    for year in range(first_year, as_of.year + 1):
        for k in range(1, per_year + 1):
            when = dt.date(year, k * step, day)
            if when >= as_of:
                return issues
            issues.append(Article(
                title=f"{name}{year}年第{k}期", published=at(when, 9, 0), source=source,
                body=[f"《{name}》{year}年第{k}期目录。", "【政府文件】", "【政府办公室文件】", "【部门规范性文件】"]))
    return issues


# ---- 解读 in other forms (item 27) and the 政务新媒体 list (item 36) ------------------------------------
def graphic_interpretation(site, doc_column: str, target: str) -> Article | None:
    """An “一图读懂《…》” beside the text interpretation of the column's newest document in force."""
    docs = [a for a in site.columns[doc_column].newest_first() if a.kind == "document" and a.doc.validity == "有效"]
    if not docs:
        return None
    doc = docs[0]
    name = document_name(doc.title)
    article = Article(title=f"一图读懂《{name}》", published=doc.published + dt.timedelta(hours=2),
                      source=doc.doc.issuer, kind="interpretation",
                      body=[f"【图解】《{name}》的适用范围、主要措施和办理流程（长图）。"])
    article.related.append(("原文链接", doc))
    doc.related.append(("图解", article))
    return site.add_article(target, article)


def new_media_column(site, path: str, parent: str, unit: str, as_of) -> None:
    """The 政务新媒体 column: the unit's accounts (公众号, 视频号, 微博), as its matrix lists them."""
    site.add_column(Column(path, "政务新媒体", parent=parent), [
        Article(title=f"{unit}政务新媒体矩阵（账号清单）", published=ago(as_of, 40), source=unit,
                body=[f"{unit}政务新媒体账号：微信公众号、视频号、微博，每季度更新一次清单。"]),
        Article(title=f"“{unit}”微信公众号", published=ago(as_of, 120), source=unit,
                body=["扫描二维码关注。"]),
    ])
