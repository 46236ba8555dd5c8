"""The Word drafts inspectors send out (python-docx), from the same cards and history as the
scorecards: results in, files out.

- the 通报 of an audit (plan item 56): 一、总体情况 with a table of the units by score; 二、存在的
  主要问题, plan item by plan item, with the units that have each problem; 三、整改情况, what
  improved since the previous complete audit (storage/history.py); 四、工作要求, with the reply
  deadline;
- one 整改通知单 per unit with a problem (item 57's 回头看): each problem with the plan's text,
  the evidence URLs and since when it stands, the deadline, and a reply form to fill in.

Set in the manner of a government circular (GB/T 9704): A4, title in 方正小标宋 二号, body in
仿宋_GB2312 三号 at a fixed line spacing, first-level headings 一、 in 黑体, second-level （一）
in 楷体_GB2312, tables in 仿宋 with 黑体 headers. A draft: it says so in its title, and is meant
to be checked and edited before it is issued.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zwgk.reports.html import unit_filename
from zwgk.reports.scorecard import STATUS_ZH
from zwgk.reports.view import PART_OTHER, TYPE_ZH, book_items, book_rules, part_order, veto_failed

FANGSONG, HEITI, KAITI, XIAOBIAOSONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
BODY_PT, TABLE_PT = 16, 10.5          # 三号, 五号
DEFAULT_ISSUER = "（发文单位）"         # a draft: the office fills in its own name
MAX_FINDINGS = 20                     # per problem in a notice; the rest are on the scorecard
PROBLEM = ("fail", "warn")
_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (the numbering of 一、 and （一）)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def zh_date(value) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{d.year}年{d.month}月{d.day}日"


def _score(s) -> str:
    return "—" if s is None else f"{s:.1f}"


def _names(names: list[str]) -> str:
    return "、".join(names)


# -- the page and its styles ---------------------------------------------------------------------
def _fonts(target, face: str, size: float | None = None, bold: bool | None = None):
    """Set a run's or a style's font, the East Asian face included (python-docx sets only the
    Latin one)."""
    font = target.font
    font.name = face
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), face)


def _style(doc, name: str, face: str, size: float, bold=False, align=None, indent=False, spacing=28.0):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _fonts(style, face, size, bold)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(spacing)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if align is not None:
        pf.alignment = align
    return style


def _document(title_size: float = 22):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _fonts(normal, FANGSONG, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    _style(doc, "通报标题", XIAOBIAOSONG, title_size, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=36)
    _style(doc, "通报副题", KAITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "通报正文", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _style(doc, "通报主送", FANGSONG, BODY_PT)
    _style(doc, "一级标题", HEITI, BODY_PT, indent=True)
    _style(doc, "二级标题", KAITI, BODY_PT, indent=True)
    _style(doc, "通报落款", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "表格文字", FANGSONG, TABLE_PT, spacing=16)
    _style(doc, "表格表头", HEITI, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=16)
    _style(doc, "表题", HEITI, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    return doc


def _para(doc, text: str, style: str = "通报正文"):
    return doc.add_paragraph(text, style=style)


def _blank(doc):
    return doc.add_paragraph("", style="通报主送")


def _table(doc, header: list[str], rows: list[list], widths_mm: list[float] | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = doc.styles["表格表头"]
    # the header row repeats on every page of a long table
    trpr = table.rows[0]._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    trpr.append(mark)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.paragraphs[0].text = "" if value is None else str(value)
            cell.paragraphs[0].style = doc.styles["表格文字"]
    if widths_mm:
        for row in table.rows:
            for cell, w in zip(row.cells, widths_mm):
                cell.width = Mm(w)
    return table


# -- what the documents say, as data -----------------------------------------------------------------
def _rule_order(book) -> dict:
    return {r.id: i for i, r in enumerate(getattr(book, "rules", ()))}


def problems_by_item(cards: list[dict], book=None) -> list[dict]:
    """The problems of an audit by plan item, in the plan's order (其他依据 last): per item its
    text, and per rule the units that fail it and the units with a warning, with an example."""
    items, order = book_items(book), _rule_order(book)
    by_item: dict = {}
    for card in cards:
        name = card["unit"]["name"]
        for r in card["results"]:
            if r["status"] not in PROBLEM:
                continue
            entry = by_item.setdefault(r["item"], {"item": r["item"], "rules": {}})
            rule = entry["rules"].setdefault(r["rule"], {
                "rule": r["rule"], "title": r.get("title", ""), "source": r.get("source", ""),
                "fail": [], "warn": [], "example": None})
            rule[r["status"]].append(name)
            if rule["example"] is None or (r["status"] == "fail" and rule["example"]["status"] != "fail"):
                f = next((f for f in r.get("findings", []) if f.get("status") == r["status"]), None)
                if f is not None:
                    rule["example"] = {"unit": name, "status": r["status"], "message": f.get("message", ""),
                                       "url": f.get("url", "")}
    out = []
    for n in sorted(by_item, key=lambda n: (n is None, n or 0)):
        entry = by_item[n]
        item = items.get(n, {}) if n is not None else {}
        rules = sorted(entry["rules"].values(), key=lambda r: (order.get(r["rule"], 10**6), r["rule"]))
        out.append({"item": n, "text": item.get("text", ""), "part": item.get("part") or PART_OTHER,
                    "rules": rules, "units": sorted({u for r in rules for u in r["fail"] + r["warn"]})})
    return out


def ranking(cards: list[dict], reachable: dict | None = None, book=None, history=None) -> list[dict]:
    """The units by score, best first (units without a score last), with what explains a score."""
    reachable = reachable or {}
    rows = []
    for card in cards:
        name = card["unit"]["name"]
        notes = []
        if not reachable.get(name, True):
            notes.append("首页无法访问，未评分")
        elif card.get("unscored"):
            notes.append(card["unscored"])
        vetoed = veto_failed(card, book) if card["score"] == 0 else []
        if vetoed:
            notes.append("单项否决：" + "、".join(r["title"] for r in vetoed))
        had, before = history.previous_score(name) if history else (False, None)
        if had and before is not None and card["score"] is not None and round(card["score"] - before, 1):
            notes.append(f"较上次{'提高' if card['score'] > before else '下降'} {abs(card['score'] - before):.1f} 分")
        rows.append({"unit": name, "type": TYPE_ZH.get(card["unit"]["type"], card["unit"]["type"]),
                     "score": card["score"], "fail": card["counts"]["fail"], "warn": card["counts"]["warn"],
                     "unknown": card["counts"]["unknown"], "note": "；".join(notes)})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["unit"]))
    return rows


def improvements(cards: list[dict], history) -> dict | None:
    """What changed since the previous complete audit, or None when there is none to compare."""
    if history is None or history.previous is None:
        return None
    fixed, up, down, new = [], [], [], 0
    for card in cards:
        name = card["unit"]["name"]
        had, before = history.previous_score(name)
        if not had:
            continue
        if history.fixed.get(name):
            fixed.append({"unit": name, "rules": list(history.fixed[name])})
        new += history.counts(name).get("new", 0)
        if before is not None and card["score"] is not None:
            delta = round(card["score"] - before, 1)
            if delta > 0:
                up.append({"unit": name, "before": before, "now": card["score"]})
            elif delta < 0:
                down.append({"unit": name, "before": before, "now": card["score"]})
    return {"previous": history.previous, "fixed": fixed, "fixed_count": sum(len(f["rules"]) for f in fixed),
            "new_count": new, "up": sorted(up, key=lambda x: x["before"] - x["now"]),
            "down": sorted(down, key=lambda x: x["now"] - x["before"])}


def _addressees(cards) -> str:
    types = {c["unit"]["type"] for c in cards}
    parts = []
    if "county" in types:
        parts.append("各县（市、区）人民政府")
    if types & {"department", "city-portal"}:
        parts.append("市政府各部门、各直属机构")
    return "，".join(parts or ["各有关单位"]) + "："


def _item_label(n) -> str:
    return f"方案第{n}项" if n is not None else PART_OTHER


# -- the 通报 ---------------------------------------------------------------------------------------------
def circular_title(as_of: str) -> str:
    d = date.fromisoformat(as_of)
    return f"关于{d.year}年{d.month}月政府网站政务公开工作检查情况的通报"


def write_circular(path: Path, cards: list[dict], run_id: int, as_of: str, reachable: dict | None = None,
                   book=None, history=None, issuer: str = DEFAULT_ISSUER, reply_by: str | None = None) -> Path:
    """The draft 通报 of one audit run."""
    doc = _document()
    reachable = reachable or {}
    plan = f"《{book.title}》（{book.source}）" if book is not None and getattr(book, "title", "") else "政务公开工作要点"
    _para(doc, circular_title(as_of), "通报标题")
    _para(doc, f"（草稿：由 zwgk 根据巡检批次 #{run_id} 的结果生成，印发前请核实）", "通报副题")
    _blank(doc)
    _para(doc, _addressees(cards), "通报主送")
    applied = sorted({r["rule"] for c in cards for r in c["results"] if r["status"] != "not_applicable"})
    items = sorted({r["item"] for c in cards for r in c["results"]
                    if r["item"] is not None and r["status"] != "not_applicable"})
    _para(doc, f"为贯彻落实{plan}，持续提升政府网站政务公开工作质量，{issuer}于{zh_date(as_of)}对"
               f"{len(cards)}个单位的政府网站开展了检查。本次检查对照方案中可通过网站核查的{len(items)}项工作任务"
               f"及国家有关规定，共设{len(applied)}项检查指标，逐项记录问题网址和证据。现将检查情况通报如下：")

    # 一、总体情况
    _para(doc, "一、总体情况", "一级标题")
    rank = ranking(cards, reachable, book, history)
    scored = [r for r in rank if r["score"] is not None]
    counts = {k: sum(c["counts"][k] for c in cards) for k in ("fail", "warn", "unknown")}
    by_type: dict[str, int] = {}
    for c in cards:
        label = TYPE_ZH.get(c["unit"]["type"], c["unit"]["type"])
        by_type[label] = by_type.get(label, 0) + 1
    text = (f"本次共检查{len(cards)}个单位（" + "、".join(f"{t}{n}个" for t, n in by_type.items()) + "）。")
    if scored:
        avg = sum(r["score"] for r in scored) / len(scored)
        text += (f"{len(scored)}个单位获得评分，平均得分{avg:.1f}分；最高为{scored[0]['unit']}（{_score(scored[0]['score'])}分），"
                 f"最低为{scored[-1]['unit']}（{_score(scored[-1]['score'])}分）。")
    vetoed = [r for r in rank if "单项否决" in r["note"]]
    if vetoed:
        text += f"其中{_names([r['unit'] for r in vetoed])}因单项否决指标不通过，得分计为0分。"
    unreachable = [r["unit"] for r in rank if r["score"] is None]
    if unreachable:
        text += f"{_names(unreachable)}未获评分（首页无法访问、抓取到的内容太少或无可判定的指标）。"
    text += (f"共发现不通过问题{counts['fail']}项、警告{counts['warn']}项；另有{counts['unknown']}项指标因页面无法访问、"
             f"内容未能抓取等原因无法判断，不计入失分。各单位得分情况见表1。")
    _para(doc, text)
    _para(doc, "表1  各单位得分情况", "表题")
    _table(doc, ["序号", "单位", "类型", "得分", "不通过", "警告", "无法判断", "备注"],
           [[i, r["unit"], r["type"], _score(r["score"]), r["fail"], r["warn"], r["unknown"], r["note"]]
            for i, r in enumerate(rank, 1)],
           [12, 44, 22, 14, 14, 12, 16, 26])

    # 二、存在的主要问题
    _para(doc, "二、存在的主要问题", "一级标题")
    problems = problems_by_item(cards, book)
    if not problems:
        _para(doc, "本次检查未发现不通过或警告的问题。")
    for k, entry in enumerate(problems, 1):
        label = _item_label(entry["item"])
        text = entry["text"]
        head = f"（{zh_number(k)}）{label}" + (f"：{_clip(text, 60)}" if text else "（国家有关规定）")
        _para(doc, head, "二级标题")
        for rule in entry["rules"]:
            parts = [f"{rule['title']}" + ("" if entry["item"] is not None else f"（依据{rule['source']}）") + "。"]
            if rule["fail"]:
                parts.append(f"不通过的单位（{len(rule['fail'])}个）：{_names(rule['fail'])}。")
            if rule["warn"]:
                parts.append(f"存在警告的单位（{len(rule['warn'])}个）：{_names(rule['warn'])}。")
            ex = rule["example"]
            if ex:
                parts.append(f"如{ex['unit']}：{ex['message'].rstrip('。')}" + (f"（{ex['url']}）" if ex["url"] else "") + "。")
            _para(doc, "".join(parts))

    # 三、整改情况
    _para(doc, "三、整改情况", "一级标题")
    imp = improvements(cards, history)
    if imp is None:
        _para(doc, "本次为该规则集的首次完整检查（或此前的检查未完成），暂无可对比的数据，下次检查将据此复核整改情况。")
    else:
        prev = imp["previous"]
        _para(doc, f"与上次检查（{zh_date(prev['as_of'])}，巡检批次 #{prev['id']}）相比，{len(imp['up'])}个单位得分提高，"
                   f"{len(imp['down'])}个单位得分下降；{len(imp['fixed'])}个单位整改问题{imp['fixed_count']}项，"
                   f"新发现问题{imp['new_count']}项。")
        sub = 0
        if imp["fixed"]:
            sub += 1
            _para(doc, f"（{zh_number(sub)}）已整改的问题", "二级标题")
            for f in imp["fixed"]:
                done = "、".join(f"“{r['title']}”" + (f"（第{r['item']}项）" if r.get("item") else "") for r in f["rules"])
                _para(doc, f"{f['unit']}：{done}。")
        if imp["up"] or imp["down"]:
            sub += 1
            _para(doc, f"（{zh_number(sub)}）得分变化", "二级标题")
            if imp["up"]:
                _para(doc, "得分提高的单位：" + "；".join(f"{x['unit']}由{_score(x['before'])}分提高到{_score(x['now'])}分"
                                                  for x in imp["up"]) + "。")
            if imp["down"]:
                _para(doc, "得分下降的单位：" + "；".join(f"{x['unit']}由{_score(x['before'])}分下降到{_score(x['now'])}分"
                                                  for x in imp["down"]) + "。")

    # 四、工作要求
    _para(doc, "四、工作要求", "一级标题")
    deadline = zh_date(reply_by) if reply_by else "规定时限"
    _para(doc, "（一）抓紧整改到位。", "二级标题")
    _para(doc, f"存在问题的单位要对照本通报和整改通知单逐项整改，于{deadline}前将整改情况书面报送{issuer}。"
               f"整改期满后将开展复查（“回头看”），对整改不到位的再次通报。")
    _para(doc, "（二）举一反三自查。", "二级标题")
    _para(doc, "各单位要对照检查指标全面自查本单位网站，对本通报未列出但同样存在的问题一并整改，"
               "确保政务公开栏目设置规范、内容更新及时、链接准确可用。")
    _para(doc, "（三）健全长效机制。", "二级标题")
    _para(doc, "各单位要落实网站内容保障和日常监测责任，明确专人负责，常态化开展自查，"
               "持续提升政府网站政务公开工作水平。")
    _blank(doc)
    _para(doc, "特此通报。")
    _blank(doc)
    _para(doc, issuer, "通报落款")
    _para(doc, zh_date(as_of), "通报落款")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _clip(text: str, n: int) -> str:
    text = text.rstrip("。；;，, ")
    return text if len(text) <= n else text[: n - 1] + "…"


# -- the 整改通知单 -------------------------------------------------------------------------------
def notice_filename(unit: str) -> str:
    return "notice-" + unit_filename(unit).removeprefix("unit-").removesuffix(".html") + ".docx"


def unit_problems(card: dict, book=None) -> list[dict]:
    """A unit's results with a problem (fail, then warn), in the plan's order."""
    items, order = book_items(book), _rule_order(book)
    parts = part_order(items)
    rows = [r for r in card["results"] if r["status"] in PROBLEM]
    rows.sort(key=lambda r: (r["item"] is None, parts.get((items.get(r["item"]) or {}).get("part"), 50),
                             r["item"] or 0, order.get(r["rule"], 10**6), r["rule"]))
    return rows


def write_notice(path: Path, card: dict, number: str, book=None, history=None, issuer: str = DEFAULT_ISSUER,
                 reply_by: str | None = None) -> Path:
    doc = _document(title_size=20)
    items, rules = book_items(book), book_rules(book)
    name = card["unit"]["name"]
    problems = unit_problems(card, book)
    deadline = zh_date(reply_by) if reply_by else "规定时限"
    _para(doc, "政府网站政务公开问题整改通知单", "通报标题")
    _para(doc, f"（草稿）编号：{number}", "通报副题")
    _blank(doc)
    _table(doc, ["项目", "内容"], [
        ["单位名称", name],
        ["网站", card.get("site", "")],
        ["检查日期", zh_date(card["as_of"])],
        ["得分", _score(card["score"]) + ("（单项否决指标不通过，计为0分）" if card["score"] == 0 and veto_failed(card, book) else "")],
        ["问题数", f"不通过{card['counts']['fail']}项，警告{card['counts']['warn']}项"],
        ["反馈期限", deadline],
    ], [36, 122])
    _blank(doc)
    _para(doc, f"{name}：", "通报主送")
    _para(doc, f"{issuer}于{zh_date(card['as_of'])}对你单位政府网站进行了检查，发现以下{len(problems)}项问题，"
               f"现通知你单位限期整改。问题网址和证据如下：")
    _para(doc, "一、存在的问题", "一级标题")
    for k, r in enumerate(problems, 1):
        rule = rules.get(r["rule"])
        item = items.get(r["item"]) if r["item"] is not None else None
        _para(doc, f"（{zh_number(k)}）{_item_label(r['item'])}：{r['title']}（{STATUS_ZH[r['status']]}）",
              "二级标题")
        if item and item.get("text"):
            _para(doc, f"方案要求：{item['text']}")
        _para(doc, f"依据：{r.get('source') or (getattr(rule, 'source', '') if rule else '')}")
        h = history.rule(name, r["rule"]) if history else {}
        if h.get("since"):
            _para(doc, f"问题存在自：{zh_date(h['since'])}")
        shown = [f for f in r.get("findings", []) if f.get("status") == r["status"]]
        for i, f in enumerate(shown[:MAX_FINDINGS], 1):
            text = f"{i}. {f.get('message', '').rstrip('。')}。"
            if f.get("url"):
                text += f"网址：{f['url']}。"
            if f.get("evidence"):
                text += f"证据：{f['evidence']}。"
            first = history.finding(name, r["rule"], f.get("url", "")).get("first_seen") if history else None
            if first:
                text += f"首次发现：{zh_date(first)}。"
            _para(doc, text)
        if len(shown) > MAX_FINDINGS:
            _para(doc, f"另有{len(shown) - MAX_FINDINGS}处同类问题未逐一列出，详见该单位记分卡。")
    _para(doc, "二、整改要求", "一级标题")
    _para(doc, f"请你单位对照上述问题逐项整改，于{deadline}前完成，并填写下表，"
               f"连同整改前后的页面网址报送{issuer}。整改期满后将进行复查（“回头看”）。")
    _para(doc, "三、整改情况反馈", "一级标题")
    _table(doc, ["序号", "问题", "整改措施及完成情况", "完成时间"],
           [[k, f"{_item_label(r['item'])}：{r['title']}", "", ""]
            for k, r in enumerate(problems, 1)], [12, 66, 56, 24])
    _blank(doc)
    _para(doc, "联系人：　　　　　　联系电话：　　　　　　（单位盖章）", "通报主送")
    _blank(doc)
    _para(doc, issuer, "通报落款")
    _para(doc, zh_date(card["as_of"]), "通报落款")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_documents(out: Path, cards: list[dict], run_id: int, as_of: str, reachable: dict | None = None,
                    book=None, history=None, issuer: str = DEFAULT_ISSUER, reply_by: str | None = None,
                    tick=None) -> dict:
    """The 通报 and every unit's 整改通知单 under out; returns what was written, relative to out:
    {"circular": "circular-run<N>.docx", "notices": [{"unit", "file"}]}. tick() (optional) is
    called after each file: document_steps(cards) times."""
    out = Path(out)
    tick = tick or (lambda: None)
    circular = f"circular-run{run_id}.docx"
    write_circular(out / circular, cards, run_id, as_of, reachable, book, history, issuer, reply_by)
    tick()
    notices = []
    for card in cards:
        if not any(r["status"] in PROBLEM for r in card["results"]):
            continue
        file = f"notices/{notice_filename(card['unit']['name'])}"
        write_notice(out / file, card, f"ZWGK-{run_id}-{len(notices) + 1:03d}", book, history, issuer, reply_by)
        notices.append({"unit": card["unit"]["name"], "file": file})
        tick()
    return {"circular": circular, "notices": notices}


def document_steps(cards: list[dict]) -> int:
    """How many files write_documents writes (for progress)."""
    return 1 + sum(1 for c in cards if any(r["status"] in PROBLEM for r in c["results"]))


__all__ = ["write_circular", "write_notice", "write_documents", "document_steps", "problems_by_item",
           "ranking", "improvements", "notice_filename", "circular_title", "zh_number", "zh_date"]
