"""annual_report_content — the 政府信息公开工作年度报告 follows the 2021 format and its numbers add up.

What it checks, for the unit's report of the year judged at the audit date (and the newer one
when it is already out; years as in report_deadline): the six parts of the format
(一、总体情况 … 六、其他需要报告的事项), and the tables — the
第二十条 table (规章/行政规范性文件: 本年制发, 本年废止, 现行有效), the applications table (columns
自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计; rows 一、本年新收 … 四、结转下年度
继续办理) and the 行政复议/行政诉讼 table (15 columns). Tables are read from HTML with rowspan/
colspan expanded, or from a PDF/DOCX attachment's text as the format's sequence of numbers.
Identities (勾稽关系) checked, each broken one reported with its numbers:
- every column: 一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理;
- every column: the outcome rows (（一）予以公开 … （六）其他处理) add up to （七）总计;
- every row: the six applicant columns add up to 总计;
- each 复议/诉讼 block: 维持 + 纠正 + 其他 + 尚未审结 = 总计;
- across years, when both reports are found: 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y)
  (a `warn` by default, `cross_year_status`: documents also lapse when their 有效期 ends).
Parts are matched by meaning on the report's short numbered lines (`max_heading_chars`): the
numbering is normalised (一、/一./第一部分/1./(一), full- or half-width; the report's own numbering
of its parts is the one that names the most of them, so a sub-heading (一)主动公开政府信息情况
under 一、 is never part 二), then each part is matched by the template's words (`headings`, with
alternatives; 和/及/与 and punctuation ignored), else by its key words in order
(`heading_terms`: 五 = 问题 + 改进/措施/下一步…, so 存在问题和改进措施 passes). A heading that only
resembles a part (`hints`: 五、下一步工作打算) or carries the part's words under another number
or none is a `warn`; a part fails only when nothing resembling it is there. The finding's
evidence says which heading was taken for which part.
Reports of years before `template_year` (2021) used the 2019 format: their headings are not held
against the 2021 format, only the identities their tables share with it.

Why it matters: item 9 asks for reports in the format with accurate numbers (数据准确性);
inspectors recompute these sums by hand every spring.

Pass: all six headings; every identity holds (as in 平潭综合实验区's 2024 report: 217+1 = 218).
Fail: “自然人” column: 本年新收 120 + 上年结转 3 = 123, but 总计 118 + 结转下年度 2 = 120; the report
has no heading resembling “五、存在的主要问题及改进情况”.
Warn: part 五 is headed “五、下一步工作打算” (no 问题); the parts are numbered 一 to 五, part 四 missing
(四 then fails) and 五 and 六 carried as 四 and 五.
Unknown: the report was not found or not fetched; it is a scanned PDF or its tables are images;
the tables do not have the format's shape (the numbers cannot be matched to rows).

References: 国办公开办函〔2021〕30号 (年度报告格式); 条例第五十条; 江府办〔2022〕7号 item 9.
"""
from __future__ import annotations

from zwgk.checks.model import _RANK, Finding, Needs
from zwgk.checks.parsers import annual_report as ar
from zwgk.checks.report_deadline import describe

ID = "annual_report_content"
NEEDS = Needs(crawl="documents")
PARAMS = {
    **ar.FIND_PARAMS,
    "min_headings": {"type": "int", "default": 3},
    "cross_year_status": {"type": "str", "default": "warn", "choices": ["warn", "fail", "pass"]},
}
validate_params = ar.validate_params


def _worst(statuses) -> str:
    return max(statuses, key=_RANK.__getitem__) if statuses else "pass"


_HOW = {"template": "格式原文", "terms": "同义表述", "inline": "格式原文，不在行首", "hint": "相近，用语不同",
        "misnumbered": "内容相符，编号不符"}


def _taken(part) -> str:
    """Which heading of the report was taken for one part of the template."""
    if not part.found:
        return f"{part.numeral}←（未找到）"
    return f"{part.numeral}←“{part.heading}”（{_HOW.get(part.how, part.how)}）"


def judge_content(content, report, spec, params, older=None):
    """(status, summary, details) of one report's content."""
    problems = []          # (status, text)
    if content.problem:
        return "unknown", f"无法读取报告正文：{content.problem}", []
    if content.template == "2021":
        tables_seen = content.applications is not None or content.reviews is not None
        if len(content.headings_found) < params["min_headings"] and not tables_seen:
            return "unknown", (f"未能识别报告结构（只找到 {len(content.headings_found)} 个格式标题，未找到表格；"
                               f"可能为图片或扫描件）"), []
        if content.headings_missing:
            problems.append(("fail", f"缺少格式标题：{'、'.join(content.headings_missing)}"
                                     f"（全文未见与之相近的标题）"))
        for part in content.parts:
            if part.variant:
                problems.append(("warn", f"第{part.numeral}部分取标题“{part.heading}”：{part.note}，请人工核对"))
        if content.applications is None:
            problems.append(("unknown", f"未能读取申请情况表（{content.applications_problem or '未找到，可能为图片'}）"))
        if content.reviews is None:
            problems.append(("unknown", f"未能读取行政复议/诉讼表（{content.reviews_problem or '未找到，可能为图片'}）"))
        if not content.regulations:
            problems.append(("unknown", "未能读取第二十条第（一）项表（规章、行政规范性文件）"))
    for broken in ar.identities(content):
        problems.append(("fail", broken.message))
    if older is not None:
        for broken in ar.cross_year(content, report.year, older[1], older[0].year):
            problems.append((params["cross_year_status"], f"跨年度：{broken.message}"))
    status = _worst([s for s, _ in problems])
    parts = []
    if content.template == "2021":
        variants = sum(p.variant for p in content.parts)
        parts.append(f"格式标题 {len(content.headings_found)}/{len(spec.headings)}"
                     + (f"（其中 {variants} 个用语或编号与格式不同）" if variants else ""))
    else:
        parts.append(f"{report.year}年度报告适用2021年以前的旧格式，不按新格式标题检查")
    checked = [n for n, v in (("申请情况表", content.applications), ("复议诉讼表", content.reviews),
                             ("第二十条表", content.regulations or None)) if v is not None]
    if checked:
        parts.append(f"已核对{'、'.join(checked)}")
    nbroken = sum(1 for s, _ in problems if s in ("fail", "warn"))
    parts.append(f"勾稽关系/格式问题 {nbroken} 处" if nbroken else "未发现勾稽关系问题")
    return status, "，".join(parts), problems


def check(site, params, ctx):
    spec = ar.ReportSpec.from_params(params)
    unit = {**(site.unit or {}), **(ctx.unit or {})}
    years = spec.years(unit, ctx.as_of)
    if years is None:
        yield Finding("unknown", f"规则未给出“{unit.get('type', '')}”类单位的年报发布期限，无法确定应检查的年度",
                      url=site.start_url)
        return
    judged, upcoming = years
    search = ar.find_reports(site, spec, unit)
    targets = [judged] + ([upcoming] if upcoming is not None and search.for_year(upcoming)[0] else [])
    for year in targets:
        own, undecided = search.for_year(year)
        if not own:
            why = "无法判断哪份是本单位的" if undecided else "未找到"
            yield Finding("unknown", f"{year}年度政府信息公开工作年度报告{why}，内容无从检查（发布情况见年报发布期限规则）",
                          url=(undecided[0].url if undecided else site.start_url))
            continue
        older_reports = search.for_year(year - 1)[0]
        older = None
        if older_reports:
            older = (older_reports[0], ar.parse_content(site, older_reports[0], spec))
            if older[1].problem:
                older = None
        for report in own:
            content = ar.parse_content(site, report, spec)
            status, summary, details = judge_content(content, report, spec, params, older)
            signals = ar.date_signals(site, report, spec)
            source = {"html": "网页", "pdf": "PDF 附件", "docx": "Word 附件"}.get(content.source, content.source or "无")
            evidence = describe(report, signals) + f"；正文来源：{source} {content.source_url}"
            if content.parts and content.template == "2021":
                evidence += "；标题对应：" + "；".join(_taken(p) for p in content.parts)
            if details:
                evidence += "；问题：" + "；".join(t for _, t in details)
            first = next((t for s, t in details if s == status), "")
            yield Finding(status, f"{year}年度报告《{report.title}》：{summary}" +
                          (f"——{first}" if first and status in ("fail", "warn") else ""),
                          url=content.source_url or report.url, evidence=evidence)
