"""column_contents — a named column lists what the plan says it must hold: a given document, kinds
of entries, links to given platforms.

What it checks: the column(s) named by `names` (less `exclude_names`), all their fetched list
pages: at least `min_matches` of their rows have a title containing one of `row_words` — with
`count_links: true`, any body link on those pages counts as well (a column that links to the
platforms it gathers rather than listing them). `recent_days` keeps only rows dated within that
many days of the audit (undated rows count). The finding says how many rows matched each word.

Examples of use: item 25, the 公共企事业单位信息公开 column lists the 适用主体清单 and gathers the
enterprises' platforms (供水, 供电, 燃气, 公交 …); item 27, the 政策解读 column holds interpretations
in other forms than text (图解, 视频, 动漫, 访谈).

Pass: “新会区公共企事业单位信息公开适用主体清单” among the column's 3 rows.
Fail (or `missing_status: warn`): 12 rows read, none names a 主体清单.
Unknown: no such column (whether it exists is another rule's verdict); its page not fetched; the
page shows no list rows (a list filled by script).

References: 江府办〔2022〕7号 items 25, 27; 国办发〔2020〕50号.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.columns import find_columns
from zwgk.checks.parsers.listing import list_pages, list_rows
from zwgk.page.text import matches_any

ID = "column_contents"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "names": {"type": "list[str]", "required": True},
    "exclude_names": {"type": "list", "default": []},
    "row_words": {"type": "list[str]", "required": True},
    "min_matches": {"type": "int", "default": 1},
    "count_links": {"type": "bool", "default": False},
    "recent_days": {"type": "int", "default": None},
    "missing_status": {"type": "str", "default": "fail", "choices": ["fail", "warn"]},
    "what": {"type": "str", "default": ""},          # what the rows stand for, in the findings (主体清单)
    "max_depth": {"type": "int", "default": 4},
    "max_name_chars": {"type": "int", "default": 14},
}


def check(site, params, ctx):
    home = site.home
    excluded = params["exclude_names"]
    columns = [c for c in find_columns(site, params["names"], params["max_depth"], params["max_name_chars"])
               if not c.external and not (excluded and matches_any(c.name, excluded))]
    label = "、".join(params["names"][:3])
    what = params["what"] or "、".join(params["row_words"][:4])
    if not columns:
        yield Finding("unknown", f"未找到“{label}”栏目，无法检查其中是否有{what}", url=home.final_url,
                      evidence=f"查找: {'、'.join(params['names'])}")
        return
    oldest = ctx.as_of - timedelta(days=params["recent_days"]) if params["recent_days"] else None
    words = params["row_words"]
    counts, examples, rows_read, where = Counter(), [], 0, None
    for col in columns:
        pages = list_pages(site, col.url)
        if not pages:
            yield Finding("unknown", f"栏目“{col.name}”的页面未能抓取：{site.why_unseen(col.url)}", url=col.url)
            continue
        where = where or pages[0].final_url
        texts = []
        for page in pages:
            for row in list_rows(site, page):
                if oldest and row.date is not None and row.date < oldest:
                    continue
                rows_read += 1
                texts.append((row.title, row.url))
            if params["count_links"]:
                texts += [(l.text, l.url) for l in page.links if l.position == "body"]
        seen = set()
        for text, url in texts:
            word = matches_any(text, words)
            if word and url not in seen:
                seen.add(url)
                counts[word] += 1
                examples.append(f"“{text[:30]}” {url}")
    if where is None:
        return
    found = sum(counts.values())
    tally = "、".join(f"{w} {n} 条" for w, n in counts.most_common())
    if found >= params["min_matches"]:
        yield Finding("pass", f"栏目中有{what} {found} 条（{tally}）", url=where, evidence="；".join(examples[:3]))
    elif rows_read == 0 and not params["count_links"]:
        yield Finding("unknown", f"栏目页面未识别出列表条目（可能由脚本加载），无法检查其中是否有{what}", url=where)
    else:
        need = f"至少 {params['min_matches']} 条" if params["min_matches"] > 1 else ""
        yield Finding(params["missing_status"],
                      f"栏目“{columns[0].name}”中未见{need}{what}（已查看 {rows_read} 条信息"
                      f"{'和页面上的链接' if params['count_links'] else ''}，查找: {'、'.join(words)}）"
                      + (f"；只见 {tally}" if found else ""), url=where)
