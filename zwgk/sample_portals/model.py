"""The small site model that portal descriptions fill in and `build.py` renders.

A `Site` is one portal served on its own port. It holds one or more `Channel`s (the portal itself
at "/", and e.g. a department channel at "/bmpd/fgj/" that shares the portal's header and footer)
and a flat map of `Column`s keyed by their path. Columns are lists (`list`/`table` style) of
`Article`s, or hubs (`hub` style) that show their child columns. Links in navigation bars and
home-page blocks name columns by path, so removing a column (a planted problem) also removes every
link to it.

Nothing here knows about HTML; everything here is plain data plus a few lookups.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The meta tags gov CMSs (TRS, 拓尔思; 广东 gkmlpt) put on article pages, in their usual order.
ARTICLE_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType",
                "ArticleTitle", "PubDate", "ContentSource")


@dataclass
class DocInfo:
    """The 信息公开 info box on a 规范性文件/政策文件 page (索引号, 发文机关, ...)."""
    index_no: str            # 索引号
    issuer: str              # 发文机关
    doc_no: str              # 发文字号
    validity: str = "有效"    # 有效性 as the document's own page shows it
    topic: str = "综合政务"   # 主题分类
    written: dt.date | None = None   # 成文日期; defaults to three days before publication


@dataclass
class ReportStats:
    """Numbers for the tables of a 政府信息公开工作年度报告 (国办公开办函〔2021〕30号 format).

    现行有效 follows from year to year: in_force(Y) = in_force(Y-1) + made(Y) - repealed(Y), for
    行政规范性文件 and 规章 alike (content.report_stats builds the chain).
    """
    made: int                 # 行政规范性文件 本年制发件数
    repealed: int             # 本年废止件数
    in_force: int             # 现行有效件数
    licences: int             # 行政许可 本年处理决定数量
    penalties: int            # 行政处罚
    coercions: int            # 行政强制
    fees: str                 # 行政事业性收费 (万元)
    requests_person: int      # 本年新收申请: 自然人
    requests_company: int     # 本年新收申请: 商业企业
    outcomes: dict = field(default_factory=dict)   # row label -> count (natural persons only)
    reviews: tuple = (0, 0, 0, 0)                  # 行政复议: 维持, 纠正, 其他, 尚未审结
    rules: tuple = (0, 0, 0)                       # 规章: 本年制发, 本年废止, 现行有效
    misprints: dict = field(default_factory=dict)  # outcome row -> the wrong count the table shows

    def shown(self, row: str) -> int:
        """The 自然人 count a row of the applications table shows (a misprint, if one is planted)."""
        return self.misprints.get(row, self.outcomes[row])


@dataclass
class ReportWording:
    """What a unit writes in its own words in a 政府信息公开工作年度报告 (besides the tables).

    Each text is a str.format template; fields: {y} (report year), {next} (y + 1), {unit}, and the
    numbers {published} (items published), {interpretations}, {requests}, {made}.
    `overview` is the 一、总体情况 part: (sub-heading or "", text) pairs.
    """
    overview: list
    problems: list            # 五、存在的主要问题及改进情况: paragraphs
    other: list               # 六、其他需要报告的事项: paragraphs


# ---- message boxes (信箱, 留言; plan item 32) -------------------------------------------------------
@dataclass
class Message:
    """A letter to a message box: an Article of kind "message" whose `published` is its 留言时间."""
    asker: str                      # 来信人, masked as portals print it (梁**)
    content: str                    # 留言内容
    status: str                     # 办理状态 on the list and the page: 已回复 | 办理中 | 未回复
    replied: dt.datetime | None = None
    replier: str = ""               # 回复单位
    reply: str = ""                 # 回复内容; "" shows 暂无回复


@dataclass
class Attachment:
    """A Word file attached to an article (附件): paragraphs, then tables (first row: the header)."""
    title: str
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)


@dataclass
class Article:
    title: str
    published: dt.datetime
    doc_id: int = 0                 # 0: assigned when added to the site
    source: str = ""                # 来源 / ContentSource; defaults to the unit
    body: list = field(default_factory=list)   # paragraphs (plain text)
    kind: str = "article"           # article | document | interpretation | annual_report | law_report | soft404 | message
    doc: DocInfo | None = None
    list_validity: str | None = None   # 有效性 shown in the list table; None: doc.validity
    omit_meta: set = field(default_factory=set)   # meta tag names left out of the page
    missing: bool = False           # listed, but its page is never written (a broken link)
    # files attached under the body: (label, link text, file name beside the article, its text);
    # a consultation's 征求意见稿 and 起草说明 (written as small PDFs)
    pdf_files: list = field(default_factory=list)
    report_year: int | None = None
    report_stats: ReportStats | None = None
    report_text: dict | None = None  # annual report wording, formatted: overview/problems/other
    message: Message | None = None   # a letter in a message box (kind "message")
    related: list = field(default_factory=list, repr=False)   # (label, Article) under the body
    tables: list = field(default_factory=list)        # tables under the body: rows, the first the header
    figures: list = field(default_factory=list)       # images in the body: (image path, alt, caption)
    attachments: list = field(default_factory=list)   # Attachment files linked under the body
    column: "Column | None" = field(default=None, repr=False)

    @property
    def path(self) -> str:
        """TRS-style dated URL: /zwgk/tzgg/202303/t20230310_12345.html"""
        d = self.published
        return f"{self.column.path}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"

    def attachment_path(self, number: int) -> str:
        """TRS-style attachment URL beside the article: /zwgk/tzgg/202303/P020230310_12345_1.docx"""
        d = self.published
        return f"{self.column.path}{d:%Y%m}/P0{d:%Y%m%d}_{self.doc_id}_{number}.docx"

    @property
    def validity_in_list(self) -> str:
        if self.list_validity is not None:
            return self.list_validity
        return self.doc.validity if self.doc else ""


@dataclass
class Column:
    path: str                       # "/zwgk/tzgg/" (always ends with "/")
    name: str                       # ColumnName, list heading, breadcrumb text
    parent: str | None = None       # parent column's path; None: directly under the channel home
    style: str = "list"             # list (ul/li) | table (标题|发文字号|发布日期|有效性) | hub
                                    # | messages (a message box: 留言时间, 办理状态, 回复时间)
    page_size: int = 8
    link_text: str | None = None    # text used when other pages link here (default: name)
    column_type: str | None = None  # ColumnType meta (default: name)
    intro: str = ""                 # a line of text above the list
    links: list = field(default_factory=list)    # extra (text, href) links shown on hub pages
    articles: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.link_text or self.name

    def newest_first(self) -> list:
        return sorted(self.articles, key=lambda a: (a.published, a.doc_id), reverse=True)


@dataclass
class Block:
    """A box on a channel's home page: the newest items of a column, or a set of links.

    `links` entries are (text, target); a target starting with "/" that names a column path is
    dropped when that column does not exist, so planted "missing column" problems stay consistent.
    """
    title: str
    column: str | None = None
    count: int = 6
    links: list = field(default_factory=list)
    css: str = "box"


@dataclass
class Channel:
    prefix: str                     # "/" or "/bmpd/fgj/"
    name: str                       # shown in the header (the unit's name)
    unit_type: str                  # city-portal | county | department
    nav: list = field(default_factory=list)        # (text, target) in <div class="nav">
    blocks: list = field(default_factory=list)     # home-page Blocks
    crumbs: list = field(default_factory=list)     # (text, href) root of every breadcrumb
    top_links: list = field(default_factory=list)  # (text, href) in the header's top bar
    home_html: list = field(default_factory=list)  # raw HTML snippets at the end of the home page's main part

    @property
    def home(self) -> str:
        return self.prefix + "index.html"


@dataclass
class Site:
    key: str                        # "city-good"
    site_name: str                  # SiteName meta, <title> suffix
    domain: str                     # SiteDomain meta
    sponsor: str                    # 主办单位
    organizer: str                  # 承办单位
    site_id_code: str               # SiteIDCode meta
    footer_id_code: str             # 网站标识码 in the footer (the same on a compliant site)
    icp: str                        # 粤ICP备05090288号
    gongan: str                     # 粤公网安备 44070302000123号
    conac_id: str | None            # 党政机关 identity (bszs.conac.cn id); None: no badge
    encoding: str = "utf-8"         # how files are encoded on disk
    declared_charset: str = "utf-8" # what <meta http-equiv=Content-Type> says
    header_charset: bool = True     # whether the server's Content-Type carries the charset
    layout: str = "div"             # div (modern) | table (older nested-table templates)
    toolbar: bool = True            # 无障碍/长者模式 links in the header
    toolbar_script: str | None = "/wza/aria.js"   # the toolbar's script, referenced on every page
    toolbar_script_exists: bool = True            # False: the script 404s
    private_link_on: str = "/index.html"          # the one page linking to /private/
    security_headers: bool = True                 # server sends X-Content-Type-Options, X-Frame-Options
    channels: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)     # free text for humans (written to _portal.json)
    _next_id: int = 10001

    # -- building -----------------------------------------------------------------------------
    def add_column(self, column: Column, articles=()) -> Column:
        if not column.path.startswith("/") or not column.path.endswith("/"):
            raise ValueError(f"column path must start and end with '/': {column.path!r}")
        self.columns[column.path] = column
        for article in articles:
            self.add_article(column.path, article)
        return column

    def add_article(self, column_path: str, article: Article) -> Article:
        column = self.columns[column_path]
        if not article.doc_id:
            article.doc_id = self._next_id
            self._next_id += 1
        article.column = column
        column.articles.append(article)
        return article

    # -- planting problems ----------------------------------------------------------------------
    def remove_column(self, path: str) -> None:
        """Remove a column, its sub-columns and their articles."""
        for p in [p for p in self.columns if p.startswith(path)]:
            del self.columns[p]

    def remove_article(self, article: Article) -> None:
        """Take an article off its column, and every link other articles have to it."""
        article.column.articles.remove(article)
        for other in self.articles():
            other.related = [(label, a) for label, a in other.related if a is not article]

    def article(self, doc_id: int) -> Article:
        for column in self.columns.values():
            for article in column.articles:
                if article.doc_id == doc_id:
                    return article
        raise KeyError(doc_id)

    # -- lookups used when rendering --------------------------------------------------------------
    def channel_of(self, path: str) -> Channel:
        return max((c for c in self.channels if path.startswith(c.prefix)),
                   key=lambda c: len(c.prefix))

    def children(self, column: Column) -> list:
        return [c for c in self.columns.values() if c.parent == column.path]

    def ancestors(self, column: Column) -> list:
        chain = []
        parent = column.parent
        while parent is not None and parent in self.columns:
            chain.insert(0, self.columns[parent])
            parent = self.columns[parent].parent
        return chain

    def resolve(self, target: str) -> str | None:
        """A link target as written in a description -> href, or None if it names a missing column.

        Targets are absolute paths ("/zwgk/tzgg/"), full URLs, or "javascript:..." links.
        """
        if not target.startswith("/"):
            return target
        if target.endswith("/") and target != "/" and target not in self.columns:
            if not any(c.prefix == target for c in self.channels):
                return None
        return target

    def articles(self):
        for column in self.columns.values():
            yield from column.articles



def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))
