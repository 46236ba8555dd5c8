"""lapsed_documents_marked — documents the site lists as 失效/废止/已修改 say so on their own page.

What it checks: every list row whose status column (有效性/时效性) — or platform flag (gkmlpt
`is_expired`/`is_abolished`) — says the document has lapsed is compared with the document's own
page. The page marks it when its info box says so (有效性：已废止), or a short stamp/label on the
page does (<span class="stamp">已失效</span>, an image whose alt says 已废止, 【已废止】 in the
title). Words in the body of the text do not count as a mark (a repeal notice is full of 废止).

Why it matters: plan item 42 asks units to mark 已失效、已废止 documents clearly; a reader who
lands on the document page from a search engine never sees the list.

Pass: the 规范性文件 list says 已废止 and the page's info box says 有效性：已废止.
Fail: the list says 已废止 but the page's info box says 有效性：有效; the page shows no status at all.
Warn: the page only mentions 已废止 in its body text, or contradicts itself (info box 有效, stamp 已废止).
Unknown: the document page was not fetched, is an attachment, or is built by JavaScript; no list on
the site shows a status column.

Other row sources (the gkmlpt platform's JSON) feed in through `judge_rows(site, rows, params)`:
rows are ListRow objects or dicts (url, title, status or is_expired/is_abolished, list_url). `check`
includes the rows of `site.gkmlpt_rows()` (the gkmlpt platform's API lists, with their
`is_expired`/`is_abolished` flags) and of `site.platform_rows()` when a Site offers them.

References: 江府办〔2022〕7号 item 42.
"""
from __future__ import annotations

import re
from dataclasses import asdict, is_dataclass

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers.infobox import info_box
from zwgk.checks.parsers.listing import ListRow, list_rows, row_from_mapping
from zwgk.page.dom import is_hidden
from zwgk.page.html import position_of
from zwgk.page.scope import normalise_url
from zwgk.page.text import fold, norm

ID = "lapsed_documents_marked"
NEEDS = Needs(crawl="documents")
PARAMS = {
    "lapsed_words": {"type": "list[str]", "default": ["失效", "废止", "已修改", "已修订", "停止执行", "被修改",
                                                      "已被取代", "已撤销"]},
    "valid_words": {"type": "list[str]", "default": ["有效", "现行", "生效"]},
    "body_phrases": {"type": "list[str]", "default": ["已失效", "已废止", "已修改", "已修订", "停止执行",
                                                      "已被废止"]},
    "stamp_max_chars": {"type": "int", "default": 12},
    "max_findings": {"type": "int", "default": 30},
}


def classify(text: str, params) -> str:
    """'lapsed', 'valid' or '' for a status text (有效性 cell, info box value, platform status)."""
    t = norm(text)
    if not t:
        return ""
    if any(norm(w) in t for w in params["lapsed_words"]):
        return "lapsed"
    if any(norm(w) in t for w in params["valid_words"]):
        return "valid"
    return ""


def _stamp_pattern(params):
    words = "|".join(re.escape(norm(w)) for w in params["lapsed_words"])
    return re.compile(r"^(?:该|此|本)?(?:文件|规章|政策)?(?:状态|有效性|时效性|效力)?"
                      r"(?:已经|已被|已|全部|部分|被)?(?:%s)(?:文件)?$" % words)


def _stamps(site, page, params) -> list[str]:
    """Short visible labels on the page that say the document lapsed: an element (not a link)
    whose whole text is a status (已失效, 【已废止】, 该文件已失效), an image whose alt says so,
    or a bracketed status in the title. Elements hidden by their markup (display:none,
    visibility:hidden, the hidden attribute) and everything inside them do not count."""
    doc = site.doc(page)
    if doc is None:
        return []
    words = params["lapsed_words"]
    stamp = _stamp_pattern(params)
    found = []
    bracketed = re.compile(r"[【\[（(〔]\s*(?:已|全部|部分)?(?:%s)\s*[】\]）)〕]" % "|".join(map(re.escape, words)))
    for title in (page.title, page.meta.get("ArticleTitle", "")):
        m = bracketed.search(title or "")
        if m:
            found.append(f"标题：{m.group(0)}")
    body = doc.find("body")
    if body is None:
        return found
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("a", "script", "style", "noscript", "textarea"):
            continue
        if el.tag == "img":
            alt = fold(el.get("alt") or el.get("title"))
            # a template's stamp kept hidden (display:none) until a document lapses is no mark
            if alt and stamp.match(norm(alt)) and not is_hidden(el):
                found.append(f"图片标识：{alt}")
            continue
        if not any(w in (el.text or "") for w in words):
            continue
        text = fold(el.text_content())
        if len(norm(text)) > params["stamp_max_chars"] or not stamp.match(norm(text)):
            continue
        if any(True for _ in el.iterancestors("a")) or position_of(el) in ("nav", "footer") or is_hidden(el):
            continue
        found.append(f"标识：{text}")
    for h in body.iter("h1", "h2", "h3"):
        m = bracketed.search(fold(h.text_content()))
        if m:
            found.append(f"标题：{m.group(0)}")
    return found


def page_marking(site, page, params) -> tuple[str, str]:
    """How a document page shows its status: (state, evidence); state is one of
    marked / conflict / says_valid / body_only / none."""
    box = info_box(site, page)
    box_cls = classify(box.validity, params)
    label = box.labels.get("validity", "有效性")
    if box_cls == "lapsed":
        return "marked", f"信息框 {label}：{box.validity}"
    stamps = _stamps(site, page, params)
    if stamps and box_cls == "valid":
        return "conflict", f"信息框 {label}：{box.validity}；但页面另有 {stamps[0]}"
    if stamps:
        return "marked", stamps[0]
    if box_cls == "valid":
        return "says_valid", f"信息框 {label}：{box.validity}"
    text = site.text(page)
    phrase = next((w for w in params["body_phrases"] if w in text), None)
    if phrase:
        return "body_only", f"仅正文中出现“{phrase}”"
    return "none", (f"信息框：{box.describe()}" if box.found else "页面无信息框，也无失效/废止标识")


def _as_row(row) -> ListRow:
    if isinstance(row, ListRow):
        return row
    if is_dataclass(row):              # zwgk.page.gkmlpt.Row
        return row_from_mapping(asdict(row), source="gkmlpt")
    return row_from_mapping(row)


_TABLE_TAG = re.compile(r"<table", re.I)


def site_rows(site) -> list[ListRow]:
    """Rows with a status: from every fetched list page, plus the Site's platform rows if any."""
    rows = []
    for page in site.pages:
        # a status (有效性) comes only from a table with a header row: a page without a table
        # has none, and need not be parsed at all
        if _TABLE_TAG.search(page.html):
            rows.extend(r for r in list_rows(site, page) if r.status)
    for hook in ("gkmlpt_rows", "platform_rows"):
        platform = getattr(site, hook, None)
        if callable(platform):
            rows.extend(_as_row(r) for r in platform() or ())
    return rows


def judge_rows(site, rows, params):
    """Findings for rows (ListRow or dicts) that carry a status; the public entry for other sources."""
    lapsed: dict[str, ListRow] = {}
    with_status = 0
    for raw in rows:
        row = _as_row(raw)
        cls = classify(row.status, params)
        if not cls or not row.url:
            continue
        with_status += 1
        if cls == "lapsed":
            lapsed.setdefault(normalise_url(row.url), row)
    if not lapsed:
        if with_status:
            yield Finding("pass", f"列表中标注有效性的 {with_status} 个文件均为有效，无需失效标识",
                          url=site.home.final_url if site.home else site.start_url)
        else:
            yield Finding("unknown", "未找到标注有效性/时效性的文件列表，无法核对失效、废止文件的标识",
                          url=site.home.final_url if site.home else site.start_url)
        return
    counts = {"marked": 0, "bad": 0, "unknown": 0}
    shown = 0
    for row in lapsed.values():
        where = f"列表 {row.list_url or row.source} 标注为“{row.status}”"
        page = site.get(row.url)
        status, message = None, ""
        if page is None or not page.ok:
            status, message = "unknown", f"“{row.title[:40]}”在列表中标注为“{row.status}”，但文件页面未能抓取：" \
                                         f"{site.why_unseen(row.url)}"
        elif not page.html:
            status, message = "unknown", f"“{row.title[:40]}”链接到附件，无法判断页面是否标识“{row.status}”"
        else:
            state, evidence = page_marking(site, page, params)
            if state == "marked":
                counts["marked"] += 1
                continue
            if state == "says_valid":
                status, message = "fail", f"文件“{row.title[:40]}”在列表中标注为“{row.status}”，文件页却显示为有效"
            elif state == "none":
                if site.looks_script_built(page):
                    status, message = "unknown", f"文件“{row.title[:40]}”的页面内容可能由脚本生成，无法判断是否标识“{row.status}”"
                else:
                    status, message = "fail", f"文件“{row.title[:40]}”在列表中标注为“{row.status}”，文件页未作任何失效/废止标识"
            elif state == "conflict":
                status, message = "warn", f"文件“{row.title[:40]}”页面的有效性标识前后矛盾"
            else:
                status, message = "warn", f"文件“{row.title[:40]}”在列表中标注为“{row.status}”，文件页仅在正文提及，未在标题或信息框处明确标识"
            where = f"{where}；{evidence}"
        counts["bad" if status in ("fail", "warn") else "unknown"] += 1
        if shown < params["max_findings"]:
            shown += 1
            yield Finding(status, message, url=row.url, evidence=where)
    total = len(lapsed)
    if counts["marked"]:
        yield Finding("pass", f"列表中标注失效/废止/修改的 {total} 个文件中，{counts['marked']} 个文件页已明确标识",
                      url=site.home.final_url if site.home else site.start_url)


def check(site, params, ctx):
    yield from judge_rows(site, site_rows(site), params)
