"""column_name_consistency — an article's column is named the same wherever it shows.

What it checks: for every fetched article page, up to three names of its column — the
`ColumnName` metadata, the last item of its breadcrumb (当前位置：首页 > … > 通知公告), and the
list page it was reached from (that list's ColumnName, breadcrumb or link text; hub pages and the
home page, which mix several columns, are left out). Names agree when one contains the other
(“通知公告” / “通知公告栏目”) or they are listed together in `synonyms`.

Why it matters: plan item 42 — 避免出现栏目名称与发布信息不一致; an article filed under the wrong
column (a 通知 under 政策解读) or a template that stamps every page with one ColumnName misleads
readers and search.

Pass: ColumnName=通知公告, breadcrumb … > 通知公告, listed on the 通知公告 list.
Warn: ColumnName=要闻动态 on an article whose breadcrumb ends in 通知公告 and that sits in the
通知公告 list (the three names are shown). Mismatches repeated across a column are reported once.
Warn (from the list alone): a column whose name says what it holds (`list_kinds`: 规范性文件,
年报, 政策解读 …) lists mostly items of another kind — 8 of the 10 rows of the 规范性文件 list are
news (“市领导调研…”), none a document title (办法、规定、通知、意见、〔2022〕1号 …).
Unknown: no article page with at least two of the three names was fetched, and no typed column
listed enough rows to judge.

References: 江府办〔2022〕7号 item 42; 国办发〔2017〕47号 附件 网页元数据 ColumnName.
"""
from __future__ import annotations

from zwgk.checks.model import Finding, Needs
from zwgk.checks.params import ParamError
from zwgk.checks.parsers.breadcrumb import crumb_column
from zwgk.checks.parsers.columns import find_columns
from zwgk.checks.parsers.listing import list_key, list_rows
from zwgk.page.scope import normalise_url
from zwgk.page.text import matches_any, norm

ID = "column_name_consistency"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "synonyms": {"type": "list", "default": []},
    "ignore_names": {"type": "list[str]", "default": ["更多", "more", "首页", "正文", "详情"]},
    "max_findings": {"type": "int", "default": 20},
    # columns whose name says what their list holds: the words a row's title carries when it is
    # of that kind; a list of at least min_rows rows with fewer than min_share such titles warns
    "list_kinds": {"type": "list", "default": []},
    "min_rows": {"type": "int", "default": 5},
    "min_share": {"type": "float", "default": 0.2},
}


def validate_params(params):
    for group in params["synonyms"]:
        if not isinstance(group, list) or not all(isinstance(x, str) for x in group):
            raise ParamError("synonyms 须为栏目名称同义词组的列表，如 [[通知公告, 通知通告]]")
    for kind in params["list_kinds"]:
        if not (isinstance(kind, dict) and all(isinstance(kind.get(k), list) and kind[k] and
                                               all(isinstance(x, str) for x in kind[k])
                                               for k in ("names", "title_words"))):
            raise ParamError("list_kinds 须为 {names: [栏目名称…], title_words: [标题用词…]} 的列表")


def _agree(a: str, b: str, params) -> bool:
    x, y = norm(a), norm(b)
    if not x or not y or x in y or y in x:
        return True
    return any(any(norm(s) == x for s in g) and any(norm(s) == y for s in g) for g in params["synonyms"])


def _usable(name: str, params) -> str:
    n = norm(name)
    if not n or len(n) > 20 or any(norm(w) == n or n.startswith(norm(w)) for w in params["ignore_names"]):
        return ""
    return name


def _list_name(site, page, params) -> tuple[str, str]:
    """(name, list url) of the single-list page the article was reached from, or ("", "")."""
    ref = site.get(page.referer) if page.referer else None
    if ref is None or not ref.ok or ref is site.home:
        return "", ""
    rows = list_rows(site, ref)
    key = normalise_url(page.url)
    if not any(normalise_url(r.url) == key for r in rows) or len({r.group for r in rows}) != 1:
        return "", ""
    for name in (ref.meta.get("ColumnName", ""), crumb_column(site, ref), ref.link_text):
        if _usable(name, params):
            return name, ref.final_url
    return "", ""


def _list_kinds(site, params):
    """(checked columns, findings) of the typed columns judged from their list rows alone."""
    checked, findings, seen = 0, [], set()
    for kind in params["list_kinds"]:
        for col in find_columns(site, kind["names"], max_depth=3):
            page = col.page(site)
            if col.external or page is None or not page.ok or list_key(col.url) in seen:
                continue
            seen.add(list_key(col.url))
            rows = list_rows(site, page)
            if len(rows) < params["min_rows"]:
                continue
            checked += 1
            typed = [r for r in rows if matches_any(r.title, kind["title_words"])]
            if len(typed) >= params["min_share"] * len(rows):
                continue
            foreign = [r for r in rows if r not in typed]
            findings.append(Finding(
                "warn", f"栏目“{col.name}”所列 {len(rows)} 条信息中只有 {len(typed)} 条像“{kind['names'][0]}”，"
                        f"多为其他类信息，栏目名称与发布信息不一致", url=page.final_url,
                evidence="；".join(f"“{r.title[:30]}”" for r in foreign[:3])
                         + f"（{kind['names'][0]}的标题通常含：{'、'.join(kind['title_words'][:6])}）"))
    return checked, findings


def check(site, params, ctx):
    typed_checked, typed = _list_kinds(site, params)
    yield from typed
    checked = typed_checked
    groups: dict[tuple, list] = {}
    for page in site.pages:
        if page is site.home:
            continue
        title = page.meta.get("ArticleTitle", "") or page.title
        is_article = bool(page.meta.get("ArticleTitle"))
        list_name, list_url = _list_name(site, page, params)
        if not is_article and not list_name:
            continue
        values = {"meta": _usable(page.meta.get("ColumnName", ""), params),
                  "crumb": _usable(crumb_column(site, page, title), params),
                  "list": list_name}
        present = [v for v in values.values() if v]
        if len(present) < 2:
            continue
        checked += 1
        if all(_agree(a, b, params) for i, a in enumerate(present) for b in present[i + 1:]):
            continue
        groups.setdefault((values["meta"], values["crumb"], values["list"]), []).append((page, list_url))
    shown = 0
    for (meta, crumb, lst), pages in groups.items():
        if shown >= params["max_findings"]:
            break
        shown += 1
        page, list_url = pages[0]
        parts = [f"ColumnName 元数据“{meta or '（无）'}”", f"面包屑导航“{crumb or '（无）'}”",
                 f"所在列表“{lst or '（未知）'}”" + (f"（{list_url}）" if list_url else "")]
        others = "；".join(p.final_url for p, _ in pages[1:4])
        more = f"；同样情况另有 {len(pages) - 1} 篇：{others}" if len(pages) > 1 else ""
        yield Finding("warn", f"文章所属栏目名称不一致：{'，'.join(parts)}", url=page.final_url,
                      evidence=f"文章“{(page.meta.get('ArticleTitle') or page.title)[:40]}”{more}")
    if not checked:
        yield Finding("unknown", "未找到可比对栏目名称的文章页面（需 ColumnName、面包屑或所在列表中至少两项），"
                                 "也没有可从列表判断的栏目", url=site.home.final_url)
    elif not groups and not typed:
        yield Finding("pass", f"已比对 {checked} 篇文章的栏目名称（元数据、面包屑、所在列表），均一致",
                      url=site.home.final_url)
