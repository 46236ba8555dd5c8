"""Generate a large static portal for benchmarks: N pages in columns with paginated lists.

    python bench/genportal.py DEST --pages 5000 [--as-of 2023-03-15]

The home page links the columns the rulebook looks for (营商环境, 稳经济, 规范性文件 …) and a
number of ordinary news columns; each column is a paginated list (20 items a page) of dated
articles with 国办发〔2017〕47号 metadata and a standard footer, like a TRS-built portal.
"""
from __future__ import annotations

import argparse
import html
from datetime import date, timedelta
from pathlib import Path

RULE_COLUMNS = ["营商环境", "稳经济", "粤港澳大湾区", "规范性文件", "行政规章库", "政府信息主动公开目录",
                "依申请公开", "疫情防控", "政府公报", "意见征集", "政策问答", "政府信息公开年报",
                "通知公告", "要闻动态", "公共企事业单位信息公开", "基层政务公开标准目录"]
FILLER_COLUMNS = [f"工作动态{i}" for i in range(1, 25)]
PER_LIST = 20
META = ('<meta name="SiteName" content="江门市测试门户"><meta name="SiteDomain" content="bench.test">'
        '<meta name="SiteIDCode" content="4407000001">')
FOOTER = ('<div class="footer">主办单位：江门市人民政府办公室 网站标识码：4407000001 '
          '<a href="https://beian.miit.gov.cn/">粤ICP备05090288号</a> 粤公网安备 44070302000123号 '
          '<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/red.png" alt="党政机关"></a></div>')


def page(title: str, body: str, meta: str = "") -> str:
    nav = "".join(f'<li><a href="/col{i}/index.html">{html.escape(c)}</a></li>'
                  for i, c in enumerate(RULE_COLUMNS[:8]))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>{META}{meta}'
            f'</head><body><div class="header"><a href="javascript:void(0)">无障碍浏览</a> <a href="/">首页</a></div>'
            f'<div class="nav"><ul>{nav}</ul></div><div class="main">{body}</div>{FOOTER}</body></html>')


def generate(dest: Path, pages: int, as_of: date) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    columns = RULE_COLUMNS + FILLER_COLUMNS
    per_column = max(1, (pages - 1 - len(columns)) // len(columns))
    written = 0
    home_items = []
    for ci, name in enumerate(columns):
        col = dest / f"col{ci}"
        col.mkdir(exist_ok=True)
        articles = []
        for ai in range(per_column):
            day = as_of - timedelta(days=ai // 3 + 1)
            doc_id = ci * 100000 + ai
            path = f"/col{ci}/{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.html"
            title = f"{name}第{ai + 1}条信息：关于做好有关工作的通知"
            meta = (f'<meta name="ColumnName" content="{name}"><meta name="ArticleTitle" content="{title}">'
                    f'<meta name="PubDate" content="{day} 09:30"><meta name="ContentSource" content="江门市人民政府办公室">')
            body = f'<h1>{title}</h1><p>发布日期：{day}</p>' + "<p>正文内容。</p>" * 20
            f = dest / path.lstrip("/")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(page(title, body, meta), encoding="utf-8")
            articles.append((title, path, day))
            written += 1
        n_lists = max(1, -(-len(articles) // PER_LIST))
        for li in range(n_lists):
            chunk = articles[li * PER_LIST:(li + 1) * PER_LIST]
            rows = "".join(f'<li><a href="{p}">{html.escape(t)}</a><span>{d}</span></li>' for t, p, d in chunk)
            pager = "".join(f'<a href="/col{ci}/{"index" if k == 0 else f"index_{k}"}.html">{k + 1}</a> '
                            for k in range(n_lists))
            if li + 1 < n_lists:
                pager += f'<a href="/col{ci}/index_{li + 1}.html">下一页</a>'
            name_file = "index.html" if li == 0 else f"index_{li}.html"
            (col / name_file).write_text(page(name, f'<ul class="list">{rows}</ul><div class="page">{pager}</div>',
                                              f'<meta name="ColumnName" content="{name}">'), encoding="utf-8")
            written += 1
        home_items.append(f'<li><a href="/col{ci}/index.html">{html.escape(name)}</a></li>')
    news = "".join(f'<li><a href="{p}">{html.escape(t)}</a><span>{d}</span></li>'
                   for t, p, d in articles[:10])
    (dest / "index.html").write_text(page("江门市测试门户", f'<ul>{"".join(home_items)}</ul><ul class="news">{news}</ul>'),
                                     encoding="utf-8")
    (dest / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return written + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest", type=Path)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--as-of", default="2023-03-15")
    args = ap.parse_args()
    n = generate(args.dest, args.pages, date.fromisoformat(args.as_of))
    print(f"{n} pages in {args.dest}")


if __name__ == "__main__":
    main()
