"""Annual reports behind Site: find a unit's yearly reports, date them, parse their content.

Serves the 政府信息公开工作年度报告 (江府办〔2022〕7号 items 9, 10, 58) and the 法治政府建设情况
年度报告 (item 59) checks. Everything that is policy (title keywords, column names, deadlines,
tolerances) comes in through a ReportSpec built from the rule's params; what is here is the shape
of the documents themselves (the 国办公开办函〔2021〕30号 table layout).

    spec = ReportSpec.from_params(params)
    search = find_reports(site, spec, unit)           # cached per Site and spec
    reports = search.for_year(2022)                   # this unit's reports of 2022 (own first)
    signals = date_signals(site, report, spec)        # every date the report carries
    chosen, spread = reconcile(signals, spec)
    content = parse_content(site, report, spec)       # headings, tables
    broken = identities(content)                      # 勾稽关系 that do not hold
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin

from zwgk.checks.params import ParamError, month_day
from zwgk.checks.parsers import pubdate
from zwgk.checks.parsers.listing import directory_of, list_key, list_pages, list_rows, pagination
from zwgk.page.scope import is_document, normalise_url
from zwgk.page.text import fold, norm, url_date

# --------------------------------------------------------------------------------------------
# The template (国办公开办函〔2021〕30号): what the tables look like. Not policy: the format itself.
APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# Rows of the applications table below 二、上年结转, as text extraction sees them (one row each).
OUTCOME_ROWS_2021 = (
    "（一）予以公开", "（二）部分公开", "（三）不予公开 1.属于国家秘密", "（三）不予公开 2.其他法律行政法规禁止公开",
    "（三）不予公开 3.危及“三安全一稳定”", "（三）不予公开 4.保护第三方合法权益", "（三）不予公开 5.属于三类内部事务信息",
    "（三）不予公开 6.属于四类过程性信息", "（三）不予公开 7.属于行政执法案卷", "（三）不予公开 8.属于行政查询事项",
    "（四）无法提供 1.本机关不掌握相关政府信息", "（四）无法提供 2.没有现成信息需要另行制作",
    "（四）无法提供 3.补正后申请内容仍不明确", "（五）不予处理 1.信访举报投诉类申请", "（五）不予处理 2.重复申请",
    "（五）不予处理 3.要求提供公开出版物", "（五）不予处理 4.无正当理由大量反复申请",
    "（五）不予处理 5.要求行政机关确认或重新出具已获取信息", "（六）其他处理 1.申请人无正当理由逾期不补正",
    "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用", "（六）其他处理 3.其他")
# The 2019 format (reports of 2019 and 2020): the same table with one （六）其他处理 row.
OUTCOME_ROWS_2019 = OUTCOME_ROWS_2021[:18] + ("（六）其他处理",)
# Words of the template itself (headings, table labels, stock phrases): left out before two
# reports are compared for near-copies (item 10), so that the format does not make them alike.
TEMPLATE_WORDS = (
    "本报告根据", "中华人民共和国政府信息公开条例", "国务院令第711号", "国务院办公厅政府信息与政务公开办公室",
    "关于印发", "中华人民共和国政府信息公开工作年度报告格式", "的通知", "国办公开办函", "要求编制", "等文件要求编制",
    "本报告共分6个部分", "本报告共分六个部分", "本报告所列数据统计期限为", "年1月1日至", "年12月31日",
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议", "行政诉讼情况",
    "存在的主要问题及改进情况", "其他需要报告的事项", "第二十条第", "信息内容", "本年制发件数", "本年废止件数",
    "现行有效件数", "规章", "行政规范性文件", "本年处理决定数量", "行政许可", "行政处罚", "行政强制",
    "本年收费金额", "单位", "万元", "行政事业性收费", "本列数据的勾稽关系为", "第一项加第二项之和",
    "等于第三项加第四项之和", "申请人情况", "法人或其他组织", "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量", "本年度办理结果", "结转下年度继续办理", "区分处理的", "只计这一情形",
    "不计其他情形", "申请人无正当理由逾期不补正", "行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉",
    "复议后起诉", *APPLICANT_COLUMNS, *(r.split(" ")[-1].lstrip("（一二三四五六）.123456789") for r in OUTCOME_ROWS_2021),
    "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理",
)

# --------------------------------------------------------------------------------------------
# Params shared by every annual-report check (each check adds its own).
FIND_PARAMS = {
    "names": {"type": "list[str]", "required": True},           # the report column (link text, ColumnName)
    # a column whose name contains one of these is another report's (法治政府建设年度报告 vs 年报)
    "column_exclude": {"type": "list[str]", "default": []},
    "title_keywords": {"type": "list[str]", "required": True},  # a report title contains one of them
    "title_patterns": {"type": "list[str]", "default": []},     # ... or matches one of these regexes
    "exclude_keywords": {"type": "list[str]", "default": ["通知", "印发", "解读", "图解", "格式", "模板", "要点",
                                                           "征求意见", "培训", "部署", "报送"]},
    "deadlines": {"type": "dict", "required": True},             # unit type or unit name -> "MM-DD"
    "region_prefixes": {"type": "list[str]", "default": ["广东省", "江门市"]},
    "visible_date_labels": {"type": "list[str]", "default": ["发布时间", "发布日期", "公开日期", "发文日期", "日期", "时间"]},
    "date_signal_order": {"type": "list[str]", "default": ["pubdate", "visible", "list", "url", "last_modified"]},
    "date_tolerance_days": {"type": "int", "default": 3},
    "compare_last_modified": {"type": "bool", "default": False},
    "template_year": {"type": "int", "default": 2021},           # first report year of the 2021 format
    "headings": {"type": "list", "default": [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]},
    # the meaning of each part beyond the template's words, by its numeral: `terms` (groups
    # of words, one of each group in order: the part under another wording), `hints` (a
    # heading with one of these resembles the part: a warn, not a fail), `exclude` (words of
    # the lines that look like the part's heading but are not, such as the table's row labels)
    "heading_terms": {"type": "dict", "default": {}},
    "max_heading_chars": {"type": "int", "default": 40},     # a heading line is short
    "max_list_pages": {"type": "int", "default": 20},
}
SIGNALS = ("pubdate", "visible", "list", "url", "last_modified")
SIGNAL_NAMES = {"pubdate": "PubDate 元数据", "visible": "页面显示的发布日期", "list": "列表页日期",
                "url": "网址中的日期", "last_modified": "HTTP Last-Modified", "gkmlpt": "信息公开平台列表日期"}


def validate_params(params: dict) -> None:
    """Nested params: deadlines per unit type/name, date signal names, heading entries, regexes."""
    deadlines = params.get("deadlines") or {}
    if not deadlines:
        raise ParamError("参数 deadlines 不能为空（单位类型或名称 -> 月-日）")
    for key, value in deadlines.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ParamError(f"参数 deadlines 的条目应为 单位类型: \"MM-DD\"，实为 {key!r}: {value!r}")
        try:
            month_day(value, 2001)
        except (AttributeError, ValueError):
            raise ParamError(f"参数 deadlines.{key} 应为月-日 (如 01-31)，实为 {value!r}") from None
    bad = [s for s in params.get("date_signal_order") or [] if s not in SIGNALS]
    if bad:
        raise ParamError(f"参数 date_signal_order 含未知日期来源 {bad}（可用: {', '.join(SIGNALS)}）")
    for h in params.get("headings") or []:
        alts = h if isinstance(h, list) else [h]
        if not alts or not all(isinstance(a, str) and _HEADING.match(unicodedata.normalize("NFKC", a)) for a in alts):
            raise ParamError(f"参数 headings 的条目应为“一、总体情况”式的标题或其同义标题列表，实为 {h!r}")
    numerals = {_HEADING.match(unicodedata.normalize("NFKC", h if isinstance(h, str) else h[0])).group(1)
                for h in params.get("headings") or FIND_PARAMS["headings"]["default"]}
    for numeral, entry in (params.get("heading_terms") or {}).items():
        where = f"参数 heading_terms.{numeral}"
        if numeral not in numerals:
            raise ParamError(f"{where}：headings 中没有编号为“{numeral}”的部分（可用: {'、'.join(sorted(numerals))}）")
        if not isinstance(entry, dict) or set(entry) - {"terms", "hints", "exclude"}:
            raise ParamError(f"{where} 应为含 terms/hints/exclude 的映射，实为 {entry!r}")
        groups = entry.get("terms") or []
        if not isinstance(groups, list) or not all(
                isinstance(g, list) and g and all(isinstance(w, str) and _key(w) for w in g) for g in groups):
            raise ParamError(f"{where}.terms 应为词组列表（每组为非空词列表，依次出现），实为 {groups!r}")
        for k in ("hints", "exclude"):
            words = entry.get(k) or []
            if not isinstance(words, list) or not all(isinstance(w, str) and _key(w) for w in words):
                raise ParamError(f"{where}.{k} 应为词列表，实为 {words!r}")
    for p in params.get("title_patterns") or []:
        try:
            re.compile(p)
        except re.error as exc:
            raise ParamError(f"参数 title_patterns 含无效正则 {p!r}: {exc}") from None


@dataclass(frozen=True)
class ReportSpec:
    names: tuple
    title_keywords: tuple
    title_patterns: tuple
    exclude_keywords: tuple
    deadlines: tuple            # ((unit type or name, "MM-DD"), ...)
    region_prefixes: tuple
    visible_date_labels: tuple
    date_signal_order: tuple
    date_tolerance_days: int
    compare_last_modified: bool
    template_year: int
    headings: tuple             # ((numeral, (body, alt body, ...)), ...)
    max_list_pages: int
    column_exclude: tuple = ()
    # numeral -> (term groups, hints, excludes), all keyed (_key); see FIND_PARAMS heading_terms
    heading_terms: tuple = ()
    max_heading_chars: int = 40
    norm_keywords: tuple = ()   # title_keywords and exclude_keywords, normalised once
    norm_excludes: tuple = ()

    @classmethod
    def from_params(cls, params: dict) -> "ReportSpec":
        headings = []
        for h in params.get("headings") or FIND_PARAMS["headings"]["default"]:
            alts = h if isinstance(h, list) else [h]
            numeral, bodies = None, []
            for a in alts:
                m = _HEADING.match(unicodedata.normalize("NFKC", a))
                numeral = numeral or m.group(1)
                bodies.append(_key(m.group(2)))
            headings.append((numeral, tuple(bodies), alts[0]))
        get = lambda k: params.get(k, FIND_PARAMS[k].get("default"))  # noqa: E731
        return cls(
            names=tuple(params["names"]), title_keywords=tuple(params["title_keywords"]),
            title_patterns=tuple(get("title_patterns") or ()), exclude_keywords=tuple(get("exclude_keywords") or ()),
            deadlines=tuple(sorted((params.get("deadlines") or {}).items())),
            region_prefixes=tuple(get("region_prefixes") or ()),
            visible_date_labels=tuple(get("visible_date_labels")), date_signal_order=tuple(get("date_signal_order")),
            date_tolerance_days=int(get("date_tolerance_days")), compare_last_modified=bool(get("compare_last_modified")),
            template_year=int(get("template_year")), headings=tuple(headings), max_list_pages=int(get("max_list_pages")),
            column_exclude=tuple(k for k in (norm(x) for x in get("column_exclude") or ()) if k),
            heading_terms=tuple(sorted(
                (numeral, (tuple(tuple(_key(w) for w in g) for g in entry.get("terms") or ()),
                           tuple(_key(w) for w in entry.get("hints") or ()),
                           tuple(_key(w) for w in entry.get("exclude") or ())))
                for numeral, entry in (get("heading_terms") or {}).items())),
            max_heading_chars=int(get("max_heading_chars")),
            norm_keywords=tuple(k for k in (norm(x) for x in params["title_keywords"]) if k),
            norm_excludes=tuple(k for k in (norm(x) for x in get("exclude_keywords") or ()) if k))

    def deadline_md(self, unit: dict) -> str | None:
        table = dict(self.deadlines)
        return table.get(unit.get("name", "")) or table.get(unit.get("type", ""))

    def deadline(self, unit: dict, report_year: int) -> date | None:
        md = self.deadline_md(unit)
        return month_day(md, report_year + 1) if md else None

    def years(self, unit: dict, as_of: date) -> tuple[int, int | None] | None:
        """(judged year, the newer year that is not yet due or None), or None without a deadline.

        The report of year Y is due on the unit's deadline in Y+1. Until that day has passed the
        year before is the one judged: on 2023-01-15 a county's 2022 report (due 2023-02-20) is
        not yet due, so its 2021 report is judged.
        """
        md = self.deadline_md(unit)
        if not md:
            return None
        latest = as_of.year - 1
        if as_of > month_day(md, latest + 1):
            return latest, None
        return latest - 1, latest


_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.,]?\s*(.+?)\s*$")

# --------------------------------------------------------------------------------------------
# Years in titles: 2022年, ２０２２年度, 二〇二二年 / 二○二二年 / 二零二二年.
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"((?:19|20)\d{2}|[一二][〇○零Oo0一二三四五六七八九]{3})年")


def years_in(text: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of every year written before 年 in text (already NFKC-folded)."""
    out = []
    for m in _YEAR.finditer(text):
        raw = m.group(1)
        if raw.isdigit():
            year = int(raw)
        else:
            year = int("".join(str(_CN_DIGIT[c]) for c in raw))
        if 1990 <= year <= 2100:
            out.append((m.start(), m.end(), year))
    return out


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


@dataclass(frozen=True)
class TitleMatch:
    year: int | None
    issuer: str         # what the title says before the year: the publishing unit, or ""


_norm = lru_cache(maxsize=100_000)(norm)     # link texts repeat on every page (navigation)


def match_title(title: str, spec: ReportSpec) -> TitleMatch | None:
    """Does title name a report of this kind? With the year it reports on and its issuer."""
    return _match_title(title, spec.norm_keywords, spec.title_patterns, spec.norm_excludes)


@lru_cache(maxsize=100_000)
def _match_title(title, keywords, patterns, excludes) -> TitleMatch | None:
    t = _norm(title)
    if not t:
        return None
    pos = None
    for k in keywords:
        if k and k in t:
            pos = t.index(k) if pos is None else min(pos, t.index(k))
    for pat in patterns:
        m = re.search(pat, t)
        if m:
            pos = m.start() if pos is None else min(pos, m.start())
    if pos is None:
        return None
    if any(x and x in t for x in excludes):
        return None
    found = years_in(t)
    before = [y for y in found if y[0] <= pos]
    chosen = before[-1] if before else (found[0] if found else None)
    if chosen is None:
        return TitleMatch(None, "")
    # the issuer comes before the year (新会区2022年…), between the year and the report's name
    # (2022年上海市政府信息公开…), or before the name when the year follows it
    # (洪山区人民政府信息公开工作年度报告(2023年度))
    if chosen[0] <= pos:
        issuer = t[:chosen[0]] or re.sub(r"^度", "", t[chosen[1]:pos])
    else:
        issuer = t[:pos]
    issuer = re.sub(r"(关于|的|对)$", "", issuer)
    return TitleMatch(chosen[2], issuer)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def is_own(issuer: str, unit_names, region_prefixes) -> bool | None:
    """Is the issuer of a title this unit? True/False, or None when the unit has no usable name.

    “市发展改革局” is 江门市发展和改革局 (its characters in order); “新会区司法局” is not 新会区人民政府.
    A bare region name (“江门市”) is that region's government, not a unit inside it.
    """
    if not issuer:
        return True
    names = [norm(n) for n in unit_names if n and re.search(r"[\u4e00-\u9fff]", n)]
    if not names:
        return None
    region = re.sub(r"(人民政府|政府)$", "", issuer)
    if region in {norm(p) for p in region_prefixes if norm(p)}:
        # the region's own government: not the 江门市发展和改革局 whose name starts with it
        return any(n == region or re.match(r"(人民政府|政府)", n[len(region):]) for n in names if n.startswith(region))
    forms = [issuer]
    stripped = issuer
    for prefix in region_prefixes:
        p = norm(prefix)
        if p and stripped.startswith(p) and len(stripped) > len(p):
            stripped = stripped[len(p):]
            forms.append(stripped)
    return any(_subsequence(f, n) for f in forms for n in names)


def unit_names(site, unit: dict) -> list[str]:
    """Names a unit's own reports may carry: registry name, aliases, the home page's SiteName."""
    names = [unit.get("name", "")] + list(unit.get("aliases") or [])
    home = site.home
    if home is not None and home.meta.get("SiteName"):
        names.append(re.sub(r"(门户网站|网站|门户)$", "", home.meta["SiteName"]))
    return [n for n in names if n]


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Listing:
    """The report as a list shows it: the page, the title there, and the row's date."""
    page_url: str
    title: str
    date: date | None
    date_text: str
    in_column: bool


@dataclass
class Report:
    url: str
    title: str
    year: int
    issuer: str = ""
    own: bool | None = True
    page: object = None                 # PageSnapshot of url, when fetched usably
    why_unseen: str = ""                # why there is no usable copy of url
    listings: list = field(default_factory=list)     # [Listing]
    attachments: list = field(default_factory=list)  # PageSnapshots of PDF/DOCX linked from page
    via: list = field(default_factory=list)          # how it was found (Chinese)
    gkmlpt_date: date | None = None
    # found only in the unit's report column outside its scope (units YAML report_column): the
    # city's unified column lists every unit's reports, so only a title naming the unit counts
    outside: bool = False

    @property
    def kind(self) -> str:
        if self.page is not None and self.page.html:
            return "html"
        if self.page is not None and (self.page.doc_text or self.page.doc_error):
            return "attachment"
        return "unseen"


@dataclass
class ReportSearch:
    reports: list                     # every report of this kind found, all years, all issuers
    columns: list                     # column entry URLs (the report column's first pages)
    list_pages: list                  # fetched list pages of those columns
    unseen: list                      # [(url, why)] column/list pages that could not be seen
    pages_scanned: int = 0
    budget_exhausted: bool = False

    def for_year(self, year: int) -> tuple[list, list]:
        """(this unit's reports of year, reports of year whose issuer could not be told apart).

        Reports of other units (a county's column lists its departments' reports too) are left
        out. When the unit's name is unknown and every candidate has the same issuer, they count.
        """
        of_year = [r for r in self.reports if r.year == year]
        own = [r for r in of_year if r.own]
        if own:
            return own, []
        undecided = [r for r in of_year if r.own is None]
        mine = [r for r in undecided if not r.outside]
        if mine and len(mine) == len(undecided) and len({r.issuer for r in mine}) == 1:
            return mine, []
        return [], undecided

    def others(self, year: int) -> list:
        return [r for r in self.reports if r.year == year and r.own is False]

    def where_looked(self) -> str:
        parts = []
        if self.columns:
            parts.append(f"报告栏目 {'、'.join(self.columns[:3])}（列表页 {len(self.list_pages)} 页）")
        else:
            parts.append("未发现报告栏目")
        parts.append(f"全站已抓取的 {self.pages_scanned} 个页面的链接文字与标题")
        return "；".join(parts)


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def find_reports(site, spec: ReportSpec, unit: dict) -> ReportSearch:
    """Every report of spec's kind the crawl saw on site (cached per site, spec and unit name)."""
    per_site = _CACHE.setdefault(site, {})
    # only what finding depends on: the rules of one report kind share the search
    key = (spec.names, spec.column_exclude, spec.title_keywords, spec.title_patterns, spec.exclude_keywords, spec.region_prefixes,
           spec.max_list_pages, unit.get("name", ""), tuple(unit.get("aliases") or ()), unit.get("report_column"))
    if key not in per_site:
        per_site[key] = _find_reports(site, spec, unit)
    return per_site[key]


def _anchor_titles(site, page) -> dict:
    """url -> the longest title its anchors on page show (title attribute of truncated links)."""
    out = {}
    for link in page.links:
        text = link.text
        if text.endswith(("...", "…")) or "..." in text:
            doc = site.doc(page)
            if doc is not None:
                for a in doc.iter("a"):
                    href = (a.get("href") or "").strip()
                    if not href:
                        continue
                    try:
                        url = urljoin(page.final_url, href).split("#", 1)[0]
                    except ValueError:
                        continue
                    attr = fold(a.get("title"))
                    if attr and len(attr) > len(out.get(normalise_url(url), "")):
                        out[normalise_url(url)] = attr
            break
    return out


def _page_title(page) -> str:
    t = page.meta.get("ArticleTitle") or ""
    if not t and page.title:
        t = re.split(r"\s*[_|｜]\s*|\s+-\s+", page.title)[0]
    return t


def _find_reports(site, spec: ReportSpec, unit: dict) -> ReportSearch:
    names = unit_names(site, unit)
    columns, unseen, col_pages = [], [], []
    # 1. the report column: short link texts naming it, and list pages whose metadata names it
    seen_cols = set()
    col_names = [n for n in (_norm(x) for x in spec.names) if n]
    names_column: dict[str, bool] = {}    # link text -> names the column: decided once per text
    for link in (lk for p in site.pages for lk in p.links):
        ok = names_column.get(link.text)
        if ok is None:
            text = _norm(link.text)
            ok = (bool(text) and len(text) <= 16 and any(n in text for n in col_names)
                  and not any(x in text for x in spec.column_exclude))
            if ok:
                tm = match_title(link.text, spec)
                ok = not (tm and tm.year)     # a report's own link, not the column
            names_column[link.text] = ok
        if not ok:
            continue
        k = list_key(link.url)
        if k in seen_cols:
            continue
        seen_cols.add(k)
        columns.append(link.url)
        why = site.why_unseen(link.url)
        if link.url not in site.scope and not (site.report_column is not None and link.url in site.report_column):
            unseen.append((link.url, "栏目链接指向本单位抓取范围以外" + (f"（{why}）" if why else "")))
            continue
        pages = list_pages(site, link.url, max_pages=spec.max_list_pages)
        if not pages:
            unseen.append((link.url, why or "栏目页面不是可解析的网页"))
        col_pages.extend(pages)
    # the unit's report column named by the registry, wherever it is (the city's 年报 column)
    registered = unit.get("report_column")
    if registered and list_key(registered) not in seen_cols:
        seen_cols.add(list_key(registered))
        columns.append(registered)
        pages = list_pages(site, registered, max_pages=spec.max_list_pages)
        if not pages:
            unseen.append((registered, site.why_unseen(registered) or "栏目页面不是可解析的网页"))
        col_pages.extend(pages)
    column_only = [s for s in site.report_column_snapshots if s.ok] if site.report_column is not None else []
    spec_names = [m for m in (norm(n) for n in spec.names) if m]
    for page in site.pages:
        col = norm(f"{page.meta.get('ColumnName', '')} {page.meta.get('ColumnType', '')}")
        if not any(n in col for n in spec_names):
            continue
        if any(x in col for x in spec.column_exclude):
            continue
        tm = match_title(_page_title(page), spec)
        if tm and tm.year:
            continue                      # a report page carries its column's name too
        k = list_key(page.final_url)
        if k in seen_cols:
            continue
        seen_cols.add(k)
        columns.append(page.final_url)
        col_pages.extend(list_pages(site, page.final_url, max_pages=spec.max_list_pages))
    # pager pages of the column that were not fetched
    col_keys = {list_key(p.final_url) for p in col_pages}
    col_dirs = None
    for page in list(col_pages):
        for nxt in pagination(site, page):
            if list_key(nxt) in col_keys:
                continue
            snap = site.get(nxt)
            if snap is None or not snap.ok:
                col_keys.add(list_key(nxt))
                unseen.append((nxt, site.why_unseen(nxt) or "未抓取"))
        if site.looks_script_built(page) and not list_rows(site, page):
            unseen.append((page.final_url, "栏目列表可能由脚本生成，静态抓取看不到条目"))
        total = re.search(r"共\s*(\d+)\s*页", site.text(page))
        if total is None:
            continue
        if col_dirs is None:     # pages fetched per list folder, counted once (not per page)
            col_dirs = Counter(directory_of(p.final_url) for p in col_pages)
        fetched = col_dirs[directory_of(page.final_url)]
        if int(total.group(1)) > fetched and not pagination(site, page):
            unseen.append((page.final_url, f"栏目共 {total.group(1)} 页，翻页链接由脚本生成，只看到 {fetched} 页"))

    # 2. candidates: every link or page whose title names a report of this kind
    found: dict[str, Report] = {}
    col_list_keys = {list_key(p.final_url) for p in col_pages}

    def add(url, title, tm, via, outside=False):
        k = normalise_url(url)
        snap = site.get(url)
        if snap is not None:
            k = normalise_url(snap.final_url)
        rep = found.get(k)
        if rep is None:
            usable = snap is not None and snap.ok and not snap.external and (snap.html or snap.doc_text or snap.doc_error)
            rep = found[k] = Report(url=snap.final_url if snap is not None else url, title=title, year=tm.year,
                                    issuer=tm.issuer, own=is_own(tm.issuer, names, spec.region_prefixes),
                                    page=snap if usable else None,
                                    why_unseen="" if usable else (site.why_unseen(url) or "不是可读的网页或附件"),
                                    outside=outside)
        elif rep.outside and outside and tm.issuer and not rep.issuer:
            rep.title, rep.issuer = title, tm.issuer        # the report's own title names its unit
        rep.outside = rep.outside and outside
        if via not in rep.via:
            rep.via.append(via)
        return rep

    scanned = 0
    column_only_keys = {normalise_url(p.final_url) for p in column_only}
    for page in site.pages + [p for p in column_only if p.html]:
        scanned += 1
        outside = normalise_url(page.final_url) in column_only_keys
        truncated = None
        in_col = list_key(page.final_url) in col_list_keys
        for link in page.links:
            text = link.text
            if text.endswith(("...", "…")) or "..." in text:
                truncated = truncated if truncated is not None else _anchor_titles(site, page)
                text = truncated.get(normalise_url(link.url), text)
            tm = match_title(text, spec)
            if tm is None or tm.year is None:
                continue
            via = f"栏目列表 {page.final_url}" if in_col else f"页面 {page.final_url} 上的链接"
            add(link.url, text, tm, via, outside)
        # the page itself is a report (reached through a link that did not name it)
        tm = match_title(_page_title(page), spec)
        if tm and tm.year:
            add(page.final_url, _page_title(page), tm, "页面标题/元数据", outside)
    # attachments reached by a link that did not name them (附件1.pdf): their text names them
    for snap in site.internal + column_only:
        if not snap.ok or not snap.doc_text or normalise_url(snap.final_url) in found:
            continue
        head = _nfkc(snap.doc_text[:400])
        for line in [fold(x) for x in head.splitlines() if x.strip()][:6]:
            tm = match_title(line, spec)
            if tm and tm.year:
                add(snap.final_url, line, tm, "附件正文标题", normalise_url(snap.final_url) in column_only_keys)
                break
    # the gkmlpt platform's lists (Guangdong): rows with their own dates
    rows_fn = getattr(site, "gkmlpt_rows", None)
    for row in (rows_fn() if rows_fn else []):
        tm = match_title(row.title, spec)
        if tm and tm.year:
            rep = add(row.url, row.title, tm, f"信息公开平台列表 {row.list_url}")
            rep.gkmlpt_date = rep.gkmlpt_date or row.date

    # outside the unit's scope only a title naming the unit makes a report its own
    for rep in found.values():
        if rep.outside:
            rep.own = is_own(rep.issuer, names, spec.region_prefixes) if rep.issuer else None

    # 3. every list row that links a report, with the row's date (whatever its link text says)
    pages_ok = {normalise_url(p.final_url) for p in site.pages} | column_only_keys
    for rep in found.values():
        keys = {normalise_url(rep.url)} | ({normalise_url(rep.page.url)} if rep.page is not None else set())
        for key in keys:
            for page, link in site.linked_from.get(key, ()):
                if normalise_url(page.final_url) not in pages_ok:
                    continue
                rows = {normalise_url(r.url): r for r in list_rows(site, page)}
                row = rows.get(key)
                row_date = row.date if row is not None and row.date_source != "url" else None
                listing = Listing(page.final_url, link.text, row_date, row.date_text if row_date else "",
                                  list_key(page.final_url) in col_list_keys)
                if listing not in rep.listings:
                    rep.listings.append(listing)

    # 4. a report page's PDF/DOCX is part of it, not another report
    reports = list(found.values())
    attached = set()
    for rep in reports:
        if rep.page is None or not rep.page.html:
            continue
        for link in rep.page.links:
            if link.position != "body":
                continue
            snap = site.get(link.url)
            if snap is not None and snap.ok and (snap.doc_text or snap.doc_error or is_document(link.url)) \
                    and not snap.html:
                rep.attachments.append(snap)
                attached.add(normalise_url(snap.final_url))
    reports = [r for r in reports if normalise_url(r.url) not in attached or r.page is None or r.page.html]
    reports.sort(key=lambda r: (-r.year, r.url))
    return ReportSearch(reports=reports, columns=columns, list_pages=col_pages, unseen=unseen,
                        pages_scanned=scanned, budget_exhausted=site.budget_exhausted)


# --------------------------------------------------------------------------------------------
# Dating
@dataclass(frozen=True)
class DateSignal:
    """One of the report's dates, by the kinds `date_signal_order` ranks (SIGNALS): the page's
    own signals come from checks/parsers/pubdate.py, which read them."""
    kind: str          # one of SIGNALS (or "gkmlpt", ranked with "list")
    date: date
    where: str         # the URL the date was read on
    evidence: str
    fallback: str = ""  # why the date ranks after every listed kind (a PubDate equal to the page's
                        # generation time, an unlabelled date), "" for a date that ranks by its kind

    def describe(self) -> str:
        note = f"（{self.fallback}）" if self.fallback else ""
        return f"{SIGNAL_NAMES.get(self.kind, self.kind)} {self.date.isoformat()}{note}"


def _visible_date(text: str, labels) -> tuple[date, str] | None:
    """The first date after one of labels in text (labels as whole tokens)."""
    return pubdate.labelled_date(_nfkc(text), labels)


# the page's own signals, by report kind: which of pubdate.py's kinds stand for which SIGNAL
_VISIBLE_KINDS = ("infobox", "label", "element")


def date_signals(site, report: Report, spec: ReportSpec) -> list[DateSignal]:
    """Every date the report carries, from its content to its headers; never the crawl time."""
    out = []
    page = report.page
    if page is not None and page.html:
        # the rulebook's visible_date_labels add to the reader's labels; 成文/发文 dates never count
        read = pubdate.date_signals(site, page, extra_labels=spec.visible_date_labels, lists=False)
        meta = next((s for s in read if s.kind == "meta"), None)
        if meta:
            out.append(DateSignal("pubdate", meta.date, page.final_url, meta.evidence,
                                  "与页面生成时间相同" if meta.generation else ""))
        shown = [s for s in read if s.kind in _VISIBLE_KINDS]
        loose = next((s for s in read if s.kind == "unlabelled"), None)
        if shown:
            best = min(shown, key=pubdate.rank)
            out.append(DateSignal("visible", best.date, page.final_url, best.evidence))
        elif loose:
            out.append(DateSignal("visible", loose.date, page.final_url, loose.evidence, "标题下未标注的日期"))
    by_date: dict = {}
    for listing in report.listings:
        if listing.date:
            by_date.setdefault(listing.date, []).append(listing)
    for when, listings in sorted(by_date.items()):
        first = sorted(listings, key=lambda x: not x.in_column)[0]
        more = f"，共 {len(listings)} 个列表页" if len(listings) > 1 else ""
        out.append(DateSignal("list", when, first.page_url, f"{fold(first.date_text)[:40]}，{first.page_url}{more}"))
    if report.gkmlpt_date:
        out.append(DateSignal("gkmlpt", report.gkmlpt_date, report.url, "信息公开平台列表"))
    urls = {report.url} | ({page.final_url, page.url} if page is not None else set())
    for u in sorted(urls):
        d = url_date(u)
        if d:
            out.append(DateSignal("url", d, u, u))
            break
    if page is not None:
        lm = pubdate.last_modified(page)
        if lm:
            out.append(DateSignal("last_modified", lm.date, page.final_url, lm.evidence))
    return out


def _rank(signal: DateSignal, order) -> tuple | None:
    kind = "list" if signal.kind == "gkmlpt" else signal.kind
    if kind not in order:
        return None
    return (1 if signal.fallback else 0, order.index(kind))


def reconcile(signals, spec: ReportSpec) -> tuple[DateSignal | None, list]:
    """(the date to judge by, the signals that disagree with it beyond the tolerance).

    Content signals come first (PubDate, the visible 发布日期), then the list row, the URL, and
    Last-Modified last; a static server's Last-Modified is the time a CMS last wrote the file,
    so it takes part in the disagreement only when the rulebook asks. A PubDate equal to the
    page's generation time, and a date shown under the title without a label, rank after every
    other signal the order lists.
    """
    usable = [s for s in signals if _rank(s, spec.date_signal_order) is not None]
    if not usable:
        return None, []
    usable.sort(key=lambda s: (_rank(s, spec.date_signal_order), s.date))
    chosen = usable[0]
    compared = [s for s in usable if s.kind != "last_modified" or spec.compare_last_modified]
    spread = [s for s in compared if abs((s.date - chosen.date).days) > spec.date_tolerance_days]
    return chosen, spread


# --------------------------------------------------------------------------------------------
# Content: headings and tables
_DROP = set(" \t\r\n\u3000\xa0、，,.．：:;；“”\"'‘’（）()《》〈〉<>和及与")


def _key(text: str) -> str:
    return "".join(ch for ch in _nfkc(text) if ch not in _DROP)


def _keyed(text: str) -> tuple[str, list]:
    chars, pos = [], []
    for i, ch in enumerate(text):
        if ch not in _DROP:
            chars.append(ch)
            pos.append(i)
    return "".join(chars), pos


@dataclass
class Applications:
    """The 收到和处理政府信息公开申请情况 table: each row's 7 numbers (APPLICANT_COLUMNS)."""
    new: list
    carried_in: list
    outcomes: list          # [(label, numbers)]
    total: list
    carried_out: list


@dataclass
class ReportContent:
    source: str                 # "html", "pdf", "docx", ...
    source_url: str
    text: str                   # the report's own text (main content, NFKC)
    template: str               # "2021" or "2019" (expected by the report year)
    headings_found: list
    headings_missing: list
    regulations: dict = field(default_factory=dict)  # "规章"/"行政规范性文件" -> (制发, 废止, 现行有效)
    regulations_kind: str = ""  # "2021" (现行有效件数) or "2019" (对外公开总数量) or ""
    applications: Applications | None = None
    applications_problem: str = ""
    reviews: list | None = None
    reviews_problem: str = ""
    problem: str = ""           # why the content could not be read at all
    parts: list = field(default_factory=list)   # [PartMatch]: which heading was taken for each part


def _cell_text(el) -> str:
    return fold(el.text_content())


def table_grid(table) -> list[list[str]]:
    """A table's rows with rowspan/colspan expanded (a spanned cell's text repeated)."""
    rows = [tr for tr in table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")]
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}      # column -> (text, rows left)
    for tr in rows:
        row: list[str] = []
        col = 0
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]

        def fill():
            nonlocal col
            while col in pending:
                text, left = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (text, left - 1)
                col += 1
        for cell in cells:
            fill()
            text = _cell_text(cell)
            try:
                cs = max(1, min(int(cell.get("colspan") or 1), 50))
                rs = max(1, min(int(cell.get("rowspan") or 1), 200))
            except ValueError:
                cs, rs = 1, 1
            for _ in range(cs):
                row.append(text)
                if rs > 1:
                    pending[col] = (text, rs - 1)
                col += 1
        fill()
        grid.append(row)
    return grid


_NUM = re.compile(r"^\d+(?:\.\d+)?$")
_ZERO_MARKS = {"", "-", "—", "–", "/", "无", "－", "——"}


def _split_row(row: list[str]) -> tuple[str, list]:
    """(label, trailing numbers) of a grid row; numbers stop at the first non-number from the end."""
    nums = []
    i = len(row)
    while i > 0:
        cell = _nfkc(row[i - 1]).replace(" ", "").replace(",", "")
        if _NUM.match(cell):
            nums.append(float(cell) if "." in cell else int(cell))
        elif cell in _ZERO_MARKS and nums:
            nums.append(0)
        else:
            break
        i -= 1
    nums.reverse()
    label_cells = []
    for c in row[:i]:
        if not label_cells or label_cells[-1] != c:
            label_cells.append(c)
    return " ".join(label_cells), nums


def _applications_from_grid(grid) -> tuple[Applications | None, str]:
    rows = [_split_row(r) for r in grid]
    start = next((i for i, (lab, nums) in enumerate(rows) if "本年新收" in _key(lab)), None)
    if start is None:
        return None, ""
    new = rows[start]
    if len(new[1]) != 7:
        return None, f"“本年新收”行应有 7 个数字，实有 {len(new[1])} 个"
    parsed = {"new": new[1]}
    outcomes, total, carried_in, carried_out = [], None, None, None
    for lab, nums in rows[start + 1:]:
        k = _key(lab)
        if not nums:
            continue
        if len(nums) != 7:
            return None, f"“{lab[:30]}”行应有 7 个数字，实有 {len(nums)} 个"
        if "上年结转" in k:
            carried_in = nums
        elif "结转下年度" in k:
            carried_out = nums
            break
        elif "总计" in k.replace("本年度办理结果", ""):
            total = nums
        elif total is None:
            outcomes.append((re.sub(r"^三\s*、?\s*本\s*年\s*度\s*办\s*理\s*结\s*果\s*", "", lab), nums))
    missing = [n for n, v in (("二、上年结转", carried_in), ("（七）总计", total), ("四、结转下年度继续办理", carried_out))
               if v is None]
    if missing:
        return None, f"申请情况表缺少 {'、'.join(missing)} 行"
    if not outcomes:
        return None, "申请情况表没有办理结果行"
    return Applications(parsed["new"], carried_in, outcomes, total, carried_out), ""


def _reviews_from_grid(grid) -> tuple[list | None, str]:
    text = _key(" ".join(" ".join(r) for r in grid[:3]))
    if "行政复议" not in text or "行政诉讼" not in text:
        return None, ""
    for row in grid:
        label, nums = _split_row(row)
        if len(nums) >= 15 and not label.strip():
            return [int(n) for n in nums[-15:]], ""
        if len(nums) >= 15:
            return [int(n) for n in nums[-15:]], ""
    return None, "行政复议/行政诉讼表中未找到 15 个数字的数据行"


def _regulations_from_grid(grid) -> tuple[dict, str]:
    text = _key(" ".join(" ".join(r) for r in grid))
    kind = "2021" if "现行有效" in text else ("2019" if "对外公开总数量" in text else "")
    out = {}
    for row in grid:
        label, nums = _split_row(row)
        k = _key(label)
        if len(nums) == 3 and k in ("规章", "行政规范性文件", "规范性文件"):
            out["规章" if k == "规章" else "行政规范性文件"] = tuple(int(n) for n in nums)
    return out, kind if out else ""


def _main_element(doc, spec):
    """The element that holds the report: the smallest one containing the first and last heading
    found, else a usual content container, else the body."""
    bodies = doc.xpath("//body")
    if bodies:
        want = len(_find_headings(_nfkc(_visible_lines(bodies[0])), spec)[0])
        if want >= 2:
            # the intro sentence (本报告共分6个部分：总体情况、…) names every part too, so the
            # element must hold as many numbered headings as the whole page does
            els = doc.xpath("//body//*[contains(., '总体情况') or contains(., '主动公开')]"
                            "[not(self::script) and not(self::style)]")
            for el in sorted(els, key=lambda e: len(e.text_content())):
                if len(_find_headings(_nfkc(_visible_lines(el)), spec)[0]) >= want:
                    return el
    for xp in ("//*[@id='zoom']", "//*[contains(@class,'TRS_Editor')]", "//*[contains(@class,'article-content')]",
               "//*[contains(@class,'content')]", "//article", "//body"):
        els = doc.xpath(xp)
        if els:
            return max(els, key=lambda e: len(e.text_content()))
    return doc


# Elements that start a line of their own: a heading is a line, however the page styles it.
_BLOCK_TAGS = frozenset("p div br li ul ol dl dt dd table tr td th thead tbody tfoot caption h1 h2 h3 h4 h5 "
                        "h6 section article header footer aside nav blockquote pre center form hr address "
                        "figure figcaption main".split())


def _visible_lines(el) -> str:
    """The visible text of el (scripts and styles left out), one line per block (paragraph,
    cell, <br>), each line folded: the page's words and numbers, with its line breaks."""
    pieces: list = []       # strings, and None for a line break
    stack = [(el, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else None
        if closing:
            if tag in _BLOCK_TAGS:
                pieces.append(None)
            if node is not el and node.tail:
                pieces.append(node.tail)
            continue
        if tag is None or tag in ("script", "style", "template"):
            if node is not el and node.tail:     # a comment's or a script's tail is page text
                pieces.append(node.tail)
            continue
        if tag in _BLOCK_TAGS:
            pieces.append(None)
        if node.text:
            pieces.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    lines, current = [], []
    for piece in pieces + [None]:
        if piece is None:
            line = fold(" ".join(current))
            if line:
                lines.append(line)
            current = []
        else:
            current.append(piece)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Headings: the six parts of the template, matched by meaning on short numbered lines.
# Numbering at the start of a line (NFKC-folded): 第一部分 / 一、 一. 一 / 1. 1、 / (一).
_NUMBERING = (
    ("part", re.compile(r"第\s*([一二三四五六七八九十]{1,3})\s*部\s*分\s*[、.,:]?\s*")),
    ("cn", re.compile(r"([一二三四五六七八九十]{1,3})\s*(?:[、.,:]\s*|\s+)")),
    ("arabic", re.compile(r"(\d{1,2})\s*[.、](?!\d)\s*")),
    ("paren", re.compile(r"\(\s*([一二三四五六七八九十]{1,3})\s*\)\s*")),
)
_STYLE_NAMES = {"part": "第一部分", "cn": "一、", "arabic": "1.", "paren": "(一)", "": "无编号"}
_SENTENCE_END = re.compile(r"[。;!?]")
_RUN_IN_END = re.compile(r"[\s,:。;!?]")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _numeral_value(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    if len(raw) == 1:
        return _CN_NUM.get(raw)
    if len(raw) == 2 and raw[0] == "十":
        return 10 + _CN_NUM.get(raw[1], 0)
    if len(raw) == 2 and raw[1] == "十":
        return 10 * _CN_NUM.get(raw[0], 0)
    return None


@dataclass(frozen=True)
class PartMatch:
    """Which heading of the report was taken for one part of the template, and how it matched.

    how: "template" (the template's words), "terms" (the part's key words in another wording),
    "inline" (the template's words inside a longer line, not on a line of their own),
    "hint" (resembles the part, but departs from its words), "misnumbered" (the part's words
    under another number or none), "missing" (nothing resembling the part)."""
    numeral: str
    label: str              # the template's heading of the part
    how: str
    heading: str = ""       # the line taken, as the report writes it
    position: int = -1      # where it starts in the text
    note: str = ""          # for a warn: in what it departs from the template (Chinese)

    @property
    def found(self) -> bool:
        return self.how != "missing"

    @property
    def variant(self) -> bool:
        return self.how in ("hint", "misnumbered")


@dataclass(frozen=True)
class _Line:
    style: str              # a key of _NUMBERING, or "" for a line without numbering
    number: int | None
    body: str               # the heading's words, keyed (_key), up to the first sentence end
    text: str               # the line as written (folded)
    position: int


def _heading_lines(text: str, max_chars: int) -> list[_Line]:
    out = []
    lines = text.split("\n")
    offsets, at = [], 0
    for raw in lines:
        offsets.append(at)
        at += len(raw) + 1
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        style, number, rest = "", None, line
        for name, pat in _NUMBERING:
            m = pat.match(line)
            if m:
                style, number, rest = name, _numeral_value(m.group(1)), line[m.end():]
                break
        head = _SENTENCE_END.split(rest, 1)[0]
        if not _key(head) and style:
            # the numbering alone on its line (a centred 第一部分), its words on the next line
            following = next((x.strip() for x in lines[i + 1:i + 3] if x.strip()), "")
            head = _SENTENCE_END.split(following, 1)[0]
        numbering = len(_key(line[:len(line) - len(rest)]))
        body = _key(head)
        shown = line if len(line) <= max_chars + 10 else line[:max_chars] + "…"
        if style and numbering + len(body) > max_chars:
            # a heading run into its paragraph (<p><b>五、存在问题及改进情况</b>2023年，…</p>):
            # the heading is the line up to its first break
            head = _RUN_IN_END.split(rest.strip(), 1)[0]
            body, shown = _key(head), line[:len(line) - len(rest)] + head
        if not body or numbering + len(body) > max_chars:
            continue
        out.append(_Line(style, number, body, shown, offsets[i] + (len(raw) - len(raw.lstrip()))))
    return out


def _in_order(body: str, groups) -> bool:
    at = 0
    for group in groups:
        hits = [(body.find(w, at), w) for w in group if body.find(w, at) >= 0]
        if not hits:
            return False
        i, w = min(hits)
        at = i + len(w)
    return True


_LEVELS = ("template", "terms", "hint")


def _level(body: str, bodies, terms) -> str | None:
    """How a heading's words match one part: "template", "terms", "hint" or None."""
    groups, hints, exclude = terms
    if any(x and x in body for x in exclude):
        return None
    if any(b and b in body for b in bodies):
        return "template"
    if groups and _in_order(body, groups):
        return "terms"
    if any(h and h in body for h in hints):
        return "hint"
    return None


def find_parts(text: str, spec) -> list[PartMatch]:
    """The heading taken for each part of the template (spec.headings), in the template's order.

    Headings are short lines (spec.max_heading_chars) that start with a numbering; the report's
    own numbering of its parts (一、, 第一部分, 1., or (一) when nothing else numbers them) is the
    one that names the most parts, so that sub-headings ((一)主动公开政府信息情况 under 一、) are
    never taken for parts. A part is matched by the template's words, then by its key words in
    order (spec.heading_terms), then by a hint (a warn); a line already taken is not taken twice.
    A part still missing may be found under another number or none (a warn), or inside a longer
    line in the template's words (as before headings were read as lines). Else it is missing."""
    terms_of = dict(spec.heading_terms)
    parts = [(numeral, bodies, label, _numeral_value(numeral), terms_of.get(numeral, ((), (), ())))
             for numeral, bodies, label in spec.headings]
    lines = _heading_lines(text, spec.max_heading_chars)
    levels = {}             # (line index, part index) -> level
    for li, line in enumerate(lines):
        for pi, (_, bodies, _, _, terms) in enumerate(parts):
            lv = _level(line.body, bodies, terms)
            if lv:
                levels[li, pi] = lv

    def score(style):
        return len({pi for (li, pi), lv in levels.items() if lines[li].style == style
                    and lines[li].number == parts[pi][3] and lv != "hint"})
    scores = {name: score(name) for name, _ in _NUMBERING}
    style = max(scores, key=lambda n: (scores[n], n == "cn"))     # the template's 一、 on a tie
    taken, out, keyed = set(), [None] * len(parts), None
    for pi, (numeral, bodies, label, number, _) in enumerate(parts):
        own = [(_LEVELS.index(lv), lines[li].position, li) for (li, p), lv in levels.items()
               if p == pi and lines[li].style == style and lines[li].number == number]
        if own:
            rank, _, li = min(own)
            taken.add(li)
            how = _LEVELS[rank]
            note = f"用语与格式“{label}”不同" if how == "hint" else ""
            out[pi] = PartMatch(numeral, label, how, lines[li].text, lines[li].position, note)
    for pi, (numeral, bodies, label, number, _) in enumerate(parts):
        if out[pi] is not None:
            continue
        other = [(lines[li].position, li) for (li, p), lv in levels.items()
                 if p == pi and li not in taken and lv != "hint"
                 and (lines[li].style == style or (lines[li].style == "" and lines[li].body in bodies))]
        if other:
            _, li = min(other)
            taken.add(li)
            line = lines[li]
            why = f"编号不符（格式中为第{numeral}部分）" if line.style else "未编号"
            out[pi] = PartMatch(numeral, label, "misnumbered", line.text, line.position,
                                f"{why}，内容对应格式“{label}”")
            continue
        if keyed is None:
            keyed, pos = _keyed(text)
        hits = [keyed.find(numeral + b) for b in bodies if b]
        hits = [h for h in hits if h >= 0]
        if hits:
            at = pos[min(hits)]
            out[pi] = PartMatch(numeral, label, "inline", fold(text[at:at + len(label) + 4]), at)
            continue
        out[pi] = PartMatch(numeral, label, "missing")
    return out


def _find_headings(text: str, spec) -> tuple[list, list, dict]:
    """(labels of the parts found, labels of the parts missing, label -> position)."""
    parts = find_parts(text, spec)
    return ([p.label for p in parts if p.found], [p.label for p in parts if not p.found],
            {p.label: p.position for p in parts if p.found})


_PAGE_NOISE = re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|[-—]\s*\d+\s*[-—]|Page\s*\d+(\s*of\s*\d+)?", re.I)
_ITEM_NO = re.compile(r"(?<![\d.])\d{1,2}\s*[.、](?!\d)")
_INT = re.compile(r"(?<![\d.])\d+(?![\d.])")


def _numbers(text: str) -> list[int]:
    text = _PAGE_NOISE.sub(" ", _ITEM_NO.sub(" ", text))
    return [int(x) for x in _INT.findall(text)]


def _sections(text: str, positions: dict, spec) -> dict:
    """numeral -> the text of that section (from its heading to the next heading found)."""
    order = sorted((p, label) for label, p in positions.items())
    out = {}
    for i, (p, label) in enumerate(order):
        end = order[i + 1][0] if i + 1 < len(order) else len(text)
        numeral = _HEADING.match(_nfkc(label)).group(1)
        out[numeral] = text[p:end]
    return out


def _tables_from_text(content: ReportContent, positions: dict, spec) -> None:
    """PDF/DOCX text: the tables are read as the template's sequence of numbers."""
    sec = _sections(content.text, positions, spec)
    s2, s3, s4 = sec.get("二"), sec.get("三"), sec.get("四")
    if s2:
        for label, pat in (("规章", r"(?<!规范性文件)规\s*章"), ("行政规范性文件", r"规\s*范\s*性\s*文\s*件")):
            m = re.search(pat + r"\s*(\d+)\s+(\d+)\s+(\d+)(?!\d)", s2)
            if m:
                content.regulations[label] = tuple(int(g) for g in m.groups())
        if content.regulations:
            content.regulations_kind = "2021" if "现行有效" in _key(s2) else ("2019" if "对外公开总数量" in _key(s2) else "")
    if s3:
        body = s3
        k = body.find("本年新收")
        nums = _numbers(body[k:] if k >= 0 else body)
        layouts = {7 * (len(OUTCOME_ROWS_2021) + 4): OUTCOME_ROWS_2021, 7 * (len(OUTCOME_ROWS_2019) + 4): OUTCOME_ROWS_2019}
        rows = layouts.get(len(nums))
        if rows is None:
            content.applications_problem = (f"附件文字中申请情况表的数字个数为 {len(nums)}，与年报格式（"
                                            f"{'或'.join(str(n) for n in layouts)} 个）不符，无法逐行对应")
        else:
            r = [nums[i:i + 7] for i in range(0, len(nums), 7)]
            content.applications = Applications(r[0], r[1], list(zip(rows, r[2:-2])), r[-2], r[-1])
    if s4:
        nums = _numbers(s4)
        if len(nums) == 15:
            content.reviews = nums
        else:
            content.reviews_problem = f"附件文字中行政复议/诉讼表的数字个数为 {len(nums)}，应为 15"


def parse_content(site, report: Report, spec: ReportSpec) -> ReportContent:
    """The report's headings and tables, from its HTML page or its PDF/DOCX text (cached per site:
    every unit's near-copy check reads its peers' reports)."""
    per_site = _CACHE.setdefault(site, {})
    key = ("content", report.url, report.year, spec.headings, spec.heading_terms, spec.max_heading_chars,
           spec.template_year)
    if key not in per_site:
        per_site[key] = _parse_content(site, report, spec)
    return per_site[key]


def _parse_content(site, report: Report, spec: ReportSpec) -> ReportContent:
    template = "2021" if report.year >= spec.template_year else "2019"
    page = report.page
    sources = []
    if page is not None and page.html:
        doc = site.doc(page)
        if doc is not None:
            main = _main_element(doc, spec)
            text = _nfkc(_visible_lines(main))
            parts = find_parts(text, spec)
            sources.append(("html", page.final_url, text, parts, main))
    atts = list(report.attachments)
    if page is not None and not page.html:
        atts.insert(0, page)
    for att in atts:
        if att.doc_text:
            text = _nfkc(att.doc_text)
            kind = "pdf" if att.doc_text and ("pdf" in (att.content_type or "").lower()
                                              or att.final_url.lower().endswith(".pdf")) else "docx"
            sources.append((kind, att.final_url, text, find_parts(text, spec), None))
    if not sources:
        why = report.why_unseen or next((a.doc_error for a in atts if a.doc_error), "") or "无可读取的正文"
        return ReportContent("", report.url, "", template, [], [], problem=why)
    # the source with the most headings (an HTML page that only links the PDF has none)
    kind, url, text, parts, main = max(sources, key=lambda s: (sum(p.found for p in s[3]), s[0] == "html"))
    positions = {p.label: p.position for p in parts if p.found}
    content = ReportContent(kind, url, text, template, [p.label for p in parts if p.found],
                            [p.label for p in parts if not p.found], parts=parts)
    if main is not None:
        for table in main.iter("table"):
            if table.xpath(".//table"):
                continue
            grid = table_grid(table)
            if content.applications is None:
                apps, why = _applications_from_grid(grid)
                if apps is not None:
                    content.applications, content.applications_problem = apps, ""
                elif why:
                    content.applications_problem = why
            if content.reviews is None:
                rev, why = _reviews_from_grid(grid)
                if rev is not None:
                    content.reviews, content.reviews_problem = rev, ""
                elif why:
                    content.reviews_problem = why
            if not content.regulations:
                content.regulations, content.regulations_kind = _regulations_from_grid(grid)
        if content.applications is None and not content.applications_problem and "本年新收" in _key(text):
            _tables_from_text(content, positions, spec)    # the tables are plain text in the page
    else:
        _tables_from_text(content, positions, spec)
    return content


# --------------------------------------------------------------------------------------------
# Identities (勾稽关系)
@dataclass(frozen=True)
class Broken:
    identity: str       # which identity
    message: str        # Chinese, with the numbers


def _fmt(nums) -> str:
    return "+".join(str(n) for n in nums)


def identities(content: ReportContent) -> list[Broken]:
    """Every 勾稽关系 of the tables that does not hold, with the numbers."""
    out = []
    a = content.applications
    if a is not None:
        for c, name in enumerate(APPLICANT_COLUMNS):
            left = a.new[c] + a.carried_in[c]
            right = a.total[c] + a.carried_out[c]
            if left != right:
                out.append(Broken("carry", f"申请情况表“{name}”列：一、本年新收 {a.new[c]} + 二、上年结转 {a.carried_in[c]} = {left}，"
                                           f"但三、（七）总计 {a.total[c]} + 四、结转下年度 {a.carried_out[c]} = {right}"))
            s = sum(nums[c] for _, nums in a.outcomes)
            if s != a.total[c]:
                out.append(Broken("outcomes", f"申请情况表“{name}”列：各办理结果之和 {s}"
                                              f"（{_fmt(nums[c] for _, nums in a.outcomes)}）≠（七）总计 {a.total[c]}"))
        named = [("一、本年新收", a.new), ("二、上年结转", a.carried_in), *a.outcomes, ("（七）总计", a.total),
                 ("四、结转下年度继续办理", a.carried_out)]
        for label, nums in named:
            if sum(nums[:6]) != nums[6]:
                out.append(Broken("applicants", f"申请情况表“{fold(label)[:40]}”行：各类申请人之和 "
                                                f"{_fmt(nums[:6])} = {sum(nums[:6])} ≠ 总计 {nums[6]}"))
    r = content.reviews
    if r is not None:
        for b, block in enumerate(("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")):
            part = r[5 * b:5 * b + 4]
            if sum(part) != r[5 * b + 4]:
                out.append(Broken("reviews", f"{block}：结果维持/纠正/其他/尚未审结 {_fmt(part)} = {sum(part)} "
                                             f"≠ 总计 {r[5 * b + 4]}"))
    return out


def cross_year(newer: ReportContent, newer_year: int, older: ReportContent, older_year: int) -> list[Broken]:
    """现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y), for 规章 and 行政规范性文件."""
    out = []
    if newer.regulations_kind != "2021" or older.regulations_kind != "2021":
        return out
    for label in ("规章", "行政规范性文件"):
        if label in newer.regulations and label in older.regulations:
            made, repealed, in_force = newer.regulations[label]
            before = older.regulations[label][2]
            expected = before + made - repealed
            if expected != in_force:
                out.append(Broken("cross_year", f"{label}：{older_year}年现行有效 {before} + {newer_year}年制发 {made} − "
                                                f"废止 {repealed} = {expected}，但{newer_year}年报告现行有效 {in_force}"))
    return out


# --------------------------------------------------------------------------------------------
# Near-copies (item 10)
def residual_text(content: ReportContent, strip_names=()) -> str:
    """The report's own words: text without the template's wording, numbers, dates and names."""
    text = content.text
    for name in sorted({n for n in strip_names if n}, key=len, reverse=True):
        text = text.replace(_nfkc(name), " ")
    for word in sorted(set(TEMPLATE_WORDS), key=len, reverse=True):
        text = text.replace(_nfkc(word), " ")
    text = re.sub(r"[0-9〇○零一二三四五六七八九十百千万]+(?=[年月日件条篇期个次项%])", " ", text)
    text = re.sub(r"\d+(\.\d+)?", " ", text)
    return _key(re.sub(r"[^\w\u4e00-\u9fff]", "", text))


def shingles(text: str, n: int = 5) -> set:
    return {text[i:i + n] for i in range(max(0, len(text) - n + 1))}


def similarity(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
