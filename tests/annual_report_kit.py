"""Build 政府信息公开工作年度报告 pages, lists and attachments for the annual-report tests.

The HTML follows the 国办公开办函〔2021〕30号 format the way TRS portals render it (the
applications table with rowspan/colspan, like tests/fixtures/annual_reports/pingtan_2024_97791.html);
`template="2019"` gives the older format (one （六）其他处理 row, 第二十条 table with 新制作/新公开/
对外公开总数量). Numbers are given, so a test can break exactly one identity.
"""
from __future__ import annotations

import io
from html import escape

from tests.sitekit import snapshot

OUTCOMES_2021 = [
    ("（一）予以公开", None), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("（三）不予公开", ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                   "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]),
    ("（四）无法提供", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]),
    ("（五）不予处理", ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                   "5.要求行政机关确认或重新出具已获取信息"]),
    ("（六）其他处理", ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                   "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]),
]
OUTCOMES_2019 = OUTCOMES_2021[:5] + [("（六）其他处理", None)]
HEADINGS_2021 = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
HEADINGS_2018 = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
                 "五、因政府信息公开申请提起行政复议、行政诉讼的情况", "六、存在的主要问题及改进措施"]


def outcome_labels(template="2021") -> list[str]:
    out = []
    for group, rows in (OUTCOMES_2021 if template == "2021" else OUTCOMES_2019):
        out.extend([group] if rows is None else rows)
    return out


def applications(person_outcomes: dict | None = None, company: int = 1, template="2021", carried_in=0,
                 carried_out=0) -> dict:
    """Consistent numbers: row label -> 7 numbers. person_outcomes: outcome label -> 自然人 count."""
    labels = outcome_labels(template)
    person = {label: 0 for label in labels}
    person.update(person_outcomes or {"（一）予以公开": 40, "1.本机关不掌握相关政府信息": 12, "2.重复申请": 2})
    rows = {}
    for label in labels:
        c = company if label == "（一）予以公开" else 0
        rows[label] = [person[label], c, 0, 0, 0, 0, person[label] + c]
    total_p = sum(person.values())
    total = [total_p, company, 0, 0, 0, 0, total_p + company]
    rows["一、本年新收政府信息公开申请数量"] = [total_p - carried_in + carried_out, company, 0, 0, 0, 0,
                                  total_p - carried_in + carried_out + company]
    rows["二、上年结转政府信息公开申请数量"] = [carried_in, 0, 0, 0, 0, 0, carried_in]
    rows["（七）总计"] = total
    rows["四、结转下年度继续办理"] = [carried_out, 0, 0, 0, 0, 0, carried_out]
    return rows


def _td(text, **attrs) -> str:
    a = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<td style="border: 1px solid windowtext;"{a}>{escape(str(text))}</td>'


def _nums(nums) -> str:
    return "".join(_td(n) for n in nums)


def applications_table(rows: dict, template="2021") -> str:
    groups = OUTCOMES_2021 if template == "2021" else OUTCOMES_2019
    n_outcome_rows = len(outcome_labels(template)) + 1
    h = ['<table border="1" cellspacing="0"><tbody>',
         "<tr>" + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3)
         + _td("申请人情况", colspan=7) + "</tr>",
         "<tr>" + _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2) + "</tr>",
         "<tr>" + "".join(_td(x) for x in ("商业企业", "科研机构", "社会公益 组织", "法律服务 机构", "其他")) + "</tr>",
         "<tr>" + _td("一、本年新收政府信息公开申请数量", colspan=3) + _nums(rows["一、本年新收政府信息公开申请数量"]) + "</tr>",
         "<tr>" + _td("二、上年结转政府信息公开申请数量", colspan=3) + _nums(rows["二、上年结转政府信息公开申请数量"]) + "</tr>"]
    first = True
    for group, subrows in groups:
        lead = _td("三、本年度办 理结果", rowspan=n_outcome_rows) if first else ""
        first = False
        if subrows is None:
            h.append("<tr>" + lead + _td(group, colspan=2) + _nums(rows[group]) + "</tr>")
        else:
            for i, sub in enumerate(subrows):
                g = _td(group, rowspan=len(subrows)) if i == 0 else ""
                h.append("<tr>" + (lead if i == 0 else "") + g + _td(sub) + _nums(rows[sub]) + "</tr>")
    h.append("<tr>" + _td("（七）总计", colspan=2) + _nums(rows["（七）总计"]) + "</tr>")
    h.append("<tr>" + _td("四、结转下年度继续办理", colspan=3) + _nums(rows["四、结转下年度继续办理"]) + "</tr>")
    h.append("</tbody></table>")
    return "\n".join(h)


def regulations_table(regs: dict, template="2021") -> str:
    cols = ("本年制发件数", "本年废止件数", "现行有效件数") if template == "2021" else \
        ("本年新制作数量", "本年新公开数量", "对外公开总数量")
    h = ['<table border="1"><tbody>', "<tr>" + _td("第二十条第（一）项", colspan=4) + "</tr>",
         "<tr>" + _td("信息内容") + "".join(_td(c) for c in cols) + "</tr>"]
    for label in ("规章", "行政规范性文件"):
        h.append("<tr>" + _td(label) + _nums(regs.get(label, (0, 0, 0))) + "</tr>")
    h += ["<tr>" + _td("第二十条第（五）项", colspan=4) + "</tr>",
          "<tr>" + _td("信息内容") + _td("本年处理决定数量", colspan=3) + "</tr>",
          "<tr>" + _td("行政许可") + _td(regs.get("行政许可", 321), colspan=3) + "</tr>",
          "<tr>" + _td("第二十条第（八）项", colspan=4) + "</tr>",
          "<tr>" + _td("信息内容") + _td("本年收费金额（单位：万元）", colspan=3) + "</tr>",
          "<tr>" + _td("行政事业性收费") + _td("12.50", colspan=3) + "</tr>", "</tbody></table>"]
    return "\n".join(h)


def reviews_table(reviews) -> str:
    cols = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return "\n".join([
        '<table border="1"><tbody>',
        "<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>",
        "<tr>" + "".join(_td(c, rowspan=2) for c in cols) + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5) + "</tr>",
        "<tr>" + "".join(_td(c) for c in cols * 2) + "</tr>",
        "<tr>" + _nums(reviews) + "</tr>", "</tbody></table>"])


NARRATIVE = ("{unit}坚持以公开为常态、不公开为例外，围绕优化营商环境和重大项目建设，"
             "推进决策、执行、管理、服务、结果公开，规范政策解读和回应关切。")


def report_body(unit: str, year: int, apps=None, reviews=None, regs=None, template="2021", headings=None,
                narrative: str | None = None) -> str:
    apps = apps or applications(template=template)
    reviews = reviews if reviews is not None else [1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    regs = regs or {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 140)}
    headings = headings or HEADINGS_2021
    text = escape((narrative or NARRATIVE).format(unit=unit, year=year))
    parts = [
        f"<p>本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求编制。本报告共分6个部分："
        f"总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        f"存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。</p>",
        f"<p><strong>{headings[0]}</strong></p><p>{year}年，{text}</p>",
        f"<p><strong>{headings[1]}</strong></p>", regulations_table(regs, template),
        f"<p><strong>{headings[2]}</strong></p>", applications_table(apps, template),
        f"<p><strong>{headings[3]}</strong></p>", reviews_table(reviews),
        f"<p><strong>{headings[4]}</strong></p><p>{year}年，{escape(unit)}政务公开工作仍有不足，下一步将加以改进。</p>",
        f"<p><strong>{headings[5]}</strong></p><p>{year}年，{escape(unit)}未收取信息处理费。</p>",
    ]
    return "\n".join(parts)


def page(title: str, body: str, pubdate: str | None = None, visible: str | None = None,
         column: str = "政府信息公开年报", site_name: str = "") -> str:
    meta = [f'<meta name="SiteName" content="{escape(site_name)}">' if site_name else "",
            f'<meta name="ColumnName" content="{escape(column)}">', f'<meta name="ArticleTitle" content="{escape(title)}">',
            f'<meta name="PubDate" content="{pubdate}">' if pubdate else ""]
    info = f'<div class="info"><span>发布时间：{visible}</span><span>来源：本单位</span></div>' if visible else ""
    nav = "".join(f'<li><a href="/nav{i}/">导航栏目{i}</a></li>' for i in range(6))
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}_{escape(column)}</title>"
            f"{''.join(meta)}</head><body><div class=\"nav\"><ul>{nav}</ul></div>"
            f"<div class=\"main\"><h1>{escape(title)}</h1>{info}<div class=\"TRS_Editor\">{body}</div></div>"
            f"<div class=\"footer\">版权所有 网站标识码4407000001</div></body></html>")


def list_page(column: str, rows, pager: str = "") -> str:
    """rows: (title, href, date text)."""
    items = "".join(f'<li><a href="{h}" title="{escape(t)}">{escape(t)}</a><span>{d}</span></li>' for t, h, d in rows)
    nav = "".join(f'<li><a href="/nav{i}/">导航栏目{i}</a></li>' for i in range(6))
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{column}</title>"
            f'<meta name="ColumnName" content="{column}"></head><body><div class="nav"><ul>{nav}</ul></div>'
            f'<div class="list-title"><h2>{column}</h2></div><ul class="list">{items}</ul>{pager}'
            f'<div class="footer">版权所有</div></body></html>')


def home_page(links, site_name: str = "") -> str:
    """links: (text, href) in the body; plus a nav with a few other columns."""
    nav = "".join(f'<li><a href="/nav{i}/">导航栏目{i}</a></li>' for i in range(6))
    body = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links)
    meta = f'<meta name="SiteName" content="{escape(site_name)}">' if site_name else ""
    filler = "本网站是政府信息公开的第一平台，提供政务公开、政务服务和互动交流。" * 8
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>首页</title>{meta}</head><body>"
            f"<div class=\"nav\"><ul>{nav}</ul></div><div class=\"main\"><p>{filler}</p><ul>{body}</ul></div>"
            f"<div class=\"footer\">版权所有 网站标识码4407000001</div></body></html>")


# -- attachments ----------------------------------------------------------------------------
def report_lines(unit: str, year: int, apps=None, reviews=None, regs=None, template="2021") -> list[str]:
    """A report as the lines a PDF's text extraction gives: headings, then table rows."""
    apps = apps or applications(template=template)
    reviews = reviews if reviews is not None else [1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    regs = regs or {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 140)}
    lines = [f"{unit}{year}年度政府信息公开工作年度报告", f"本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。",
             HEADINGS_2021[0], f"{year}年，{NARRATIVE.format(unit=unit)}", HEADINGS_2021[1], "第二十条第（一）项",
             "信息内容 本年制发件数 本年废止件数 现行有效件数"]
    for label in ("规章", "行政规范性文件"):
        lines.append(f"{label} {' '.join(map(str, regs[label]))}")
    lines += [HEADINGS_2021[2], "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
              "申请人情况 自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    order = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", *outcome_labels(template),
             "（七）总计", "四、结转下年度继续办理"]
    for label in order:
        lines.append(f"{label} {' '.join(map(str, apps[label]))}")
    lines += [HEADINGS_2021[3], "行政复议 行政诉讼", "结果维持 结果纠正 其他结果 尚未审结 总计",
              " ".join(map(str, reviews)), HEADINGS_2021[4], "下一步将加以改进。", HEADINGS_2021[5], "无。"]
    return lines


def pdf_bytes(lines) -> bytes:
    """A real PDF (reportlab, built-in Chinese CID font: no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 800
    for line in lines:
        if y < 50:
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 9)
        c.drawString(30, y, line)
        y -= 14
    c.save()
    return buf.getvalue()


def docx_bytes(unit: str, year: int, apps=None, reviews=None, regs=None) -> bytes:
    """A Word report with real tables (merged header cells, as the format has)."""
    import docx
    apps = apps or applications()
    reviews = reviews if reviews is not None else [1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    regs = regs or {"规章": (0, 0, 0), "行政规范性文件": (12, 3, 140)}
    d = docx.Document()
    d.add_paragraph(f"{unit}{year}年度政府信息公开工作年度报告")
    d.add_paragraph(HEADINGS_2021[0])
    d.add_paragraph(NARRATIVE.format(unit=unit))
    d.add_paragraph(HEADINGS_2021[1])
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（一）项"
    for i, h in enumerate(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")):
        t.cell(1, i).text = h
    for r, label in ((2, "规章"), (3, "行政规范性文件")):
        t.cell(r, 0).text = label
        for i, n in enumerate(regs[label]):
            t.cell(r, i + 1).text = str(n)
    d.add_paragraph(HEADINGS_2021[2])
    order = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", *outcome_labels(),
             "（七）总计", "四、结转下年度继续办理"]
    t = d.add_table(rows=len(order) + 3, cols=10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for i, h in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        t.cell(2, 4 + i).text = h
    for r, label in enumerate(order, start=3):
        cells = t.rows[r].cells            # t.cell() recomputes the whole grid on every call
        cells[0].merge(cells[2]).text = label
        for i, n in enumerate(apps[label]):
            cells[3 + i].text = str(n)
    d.add_paragraph(HEADINGS_2021[3])
    t = d.add_table(rows=2, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    for i, n in enumerate(reviews):
        t.cell(1, i).text = str(n)
    d.add_paragraph(HEADINGS_2021[4])
    d.add_paragraph("下一步将加以改进。")
    d.add_paragraph(HEADINGS_2021[5])
    d.add_paragraph("无。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def attachment(url: str, body: bytes, content_type: str, depth: int = 2, **extra):
    """The snapshot the spider makes of a PDF/DOCX: no html, the extracted text."""
    from zwgk.crawler.attachments import extract_text
    text, error = extract_text(body, content_type, url)
    return snapshot(url, "", depth=depth, content_type=content_type, doc_text=text, doc_error=error,
                    size=len(body), **extra)
