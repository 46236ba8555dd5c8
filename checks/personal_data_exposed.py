"""personal_data_exposed — pages and attachments publish no unmasked personal numbers.

What it checks: the text of every page fetched (title included) and of every PDF/DOCX attachment
read, for
- 居民身份证号码: 18 characters whose GB 11643-1999 check character is right, whose birth date is
  a real date not after the audit date, and whose first two digits are a province's code;
- bank card numbers: 16–19 digits that pass the Luhn check and either start with a card BIN
  (`card_bins`: 62, 银联) or follow a label (银行卡号, 账号 …) — not an account whose 户名 is a
  body (…局, …中心, …公司);
- mobile numbers (1[3-9] and 9 more digits) in the rows of a table whose person column (姓名,
  户主, 申请人 …; not 联系人 or 负责人, the office's contacts) holds an unmasked name: a 公示 list.
Masked forms pass: 440705********1234, 138****5678, 6217 **** **** 1234, 张*, 李某. Never taken
for an ID number: a 统一社会信用代码 (its own GB 32100 check code, or a label or column naming
it), 索引号, 文号, order, project and certificate numbers (`other_number_labels` just before the
number or heading its column), numbers inside a URL or a dashed code, a number one digit longer
or shorter. Office telephones (0750-6388888) are no mobile numbers; a mobile number in running
text (报名咨询：陈老师 138…) is a contact the unit chose to give, not a 公示 of persons.

What zwgk shows of what it found is masked (440*************34, 6217***********1234,
138****5678, 张*): findings carry only masked numbers, so no scorecard, spreadsheet, CSV, JSON or
terminal output republishes the data.

Why it matters: plan item 41 (保密审查, 严把保密关) and item 13 (保护个人隐私), with item 43
(公开方式); 《个人信息保护法》. The quarterly 政府网站检查情况通报 written under 国办秘函〔2019〕19号
name 公示 whose 身份证号、手机号、银行卡号 are not masked among the problems a unit must correct.

Pass: a 补贴发放名单公示 shows 户主 李*明, 身份证号 440705********2314, 联系电话 138****5678.
Fail: the same list shows a whole 身份证号 (18 digits, its check character right) and a 户主 张三
with his whole mobile number; a DOCX attached to a 公示 lists whole 银行卡号. The finding names the
page or the attachment and the masked numbers.
Unknown: the crawl saw too little to say (the start page is an article, a frameset, or its
links could not be followed).

References: 江府办〔2022〕7号 items 13, 41, 43; 国办秘函〔2019〕19号 (政府网站与政务新媒体检查指标);
GB 11643-1999 公民身份号码; GB 32100-2015 统一社会信用代码; ISO/IEC 7812 (Luhn).
"""
from __future__ import annotations

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers import personal_data as pd

ID = "personal_data_exposed"
NEEDS = Needs(crawl="lists")
PARAMS = {
    "id_area_codes": {"type": "list[str]", "default": pd.AREA_CODES},
    # prefixes of personal bank cards taken without a label (62: 银联)
    "card_bins": {"type": "list[str]", "default": ["62"]},
    "id_labels": {"type": "list[str]",
                  "default": ["身份证号码", "身份证号", "身份证编号", "身份证", "公民身份号码", "证件号码", "证件号"]},
    "card_labels": {"type": "list[str]",
                    "default": ["银行卡号", "银行卡", "卡号", "银行账号", "银行帐号", "账号", "帐号", "收款账户",
                                "开户账号", "社保卡号", "存折号", "一卡通账号"]},
    # long numbers that are not personal: written just before the number, or heading its column
    "other_number_labels": {"type": "list[str]",
                            "default": ["统一社会信用代码", "社会信用代码", "信用代码", "组织机构代码", "纳税人识别号",
                                        "税号", "注册号", "索引号", "文号", "发文字号", "订单号", "单号", "流水号",
                                        "编号", "项目代码", "批次号", "证书号", "证号", "许可证", "登记号", "备案号",
                                        "合同号", "案号", "受理号", "条形码", "标识码", "识别码", "代码"]},
    # an account whose 户名 (4 characters or more) ends like a body's name is the body's
    # (对公账户), not a person's card
    "org_account_words": {"type": "list[str]",
                          "default": ["局", "中心", "公司", "会", "政府", "办公室", "处", "所", "银行", "学校",
                                      "医院", "社", "站", "院", "馆", "厅", "委", "队", "村", "社区", "部", "室",
                                      "基金", "专户", "账户", "企业"]},
    "label_window": {"type": "int", "default": 16},
    # the column of a 公示 table that names persons; 联系人/负责人 columns are the office's contacts
    "person_headers": {"type": "list[str]",
                       "default": ["姓名", "户主", "申请人", "受助人", "救助对象", "补贴对象", "发放对象", "领取人",
                                   "参保人", "困难群众", "当事人", "被处罚人", "学生", "家长", "患者", "承包人", "户名"]},
    "contact_headers": {"type": "list[str]",
                        "default": ["联系人", "负责人", "责任人", "经办人", "联络员", "值班", "包保", "审核人",
                                    "填报人", "监督"]},
    "examples": {"type": "int", "default": 3},        # masked examples shown per page
    "max_pages": {"type": "int", "default": 20},      # pages named one by one; the rest counted
}


def _rules(params, as_of) -> pd.Rules:
    return pd.Rules(
        as_of=as_of, areas=tuple(params["id_area_codes"]), card_bins=tuple(params["card_bins"]),
        id_labels=tuple(params["id_labels"]), card_labels=tuple(params["card_labels"]),
        other_labels=tuple(params["other_number_labels"]), org_words=tuple(params["org_account_words"]),
        label_window=params["label_window"], person_headers=tuple(params["person_headers"]),
        contact_headers=tuple(params["contact_headers"]))


def _page_hits(site, page, rules) -> list:
    text = pd.normalise(site.text(page))
    if not pd.may_hold_numbers(text):
        return []
    tables = []
    for rows in pd.html_tables(site.doc(page)):
        tables.extend(pd.tables_in_rows(rows, rules))
    return (pd.numbers_in(text, rules, pd.column_kinds(tables, rules))
            + pd.mobiles_beside_names(tables, rules))


def _attachment_hits(snap, rules) -> list:
    text = snap.doc_text
    tables = pd.tables_in_rows(pd.text_rows(text), rules)
    return (pd.numbers_in(pd.normalise(text), rules, pd.column_kinds(tables, rules))
            + pd.mobiles_beside_names(tables, rules))


def _counts(hits) -> str:
    kinds = [k for k in pd.KIND_ZH if any(h.kind == k for h in hits)]
    return "、".join(f"{pd.KIND_ZH[k]} {sum(h.kind == k for h in hits)} 个" for k in kinds)


def check(site, params, ctx):
    thin = site.thin_crawl()
    if thin:
        yield Finding("unknown", f"抓取到的内容太少，无法检查个人信息：{thin}", url=site.start_url)
        return
    rules = _rules(params, ctx.as_of)
    pages = site.pages
    attachments = [s for s in site.snapshots if not s.external and s.ok and s.doc_text
                   and s.final_url in site.scope]
    unreadable = sum(1 for s in site.snapshots if not s.external and s.ok and s.doc_error and not s.doc_text)
    found = []                                    # (snapshot, hits, is attachment)
    for page in pages:
        hits = _page_hits(site, page, rules)
        if hits:
            found.append((page, hits, False))
    for snap in attachments:
        hits = _attachment_hits(snap, rules)
        if hits:
            found.append((snap, hits, True))
    seen = f"检查页面 {len(pages)} 个、附件 {len(attachments)} 个" + (
        f"（另有 {unreadable} 个附件无法提取文字，如扫描件，未检查）" if unreadable else "")
    if not found:
        yield Finding("pass", f"{seen}，未发现未脱敏的身份证号、银行卡号或公示名单中的手机号",
                      url=site.start_url, evidence=site.coverage_note())
        return
    for snap, hits, attachment in found[:params["max_pages"]]:
        where = "附件" if attachment else "页面"
        linked = f"（附件链接所在页面：{snap.referer}）" if attachment and snap.referer else ""
        yield Finding("fail", f"{where}公开了未脱敏的个人信息（{_counts(hits)}）{linked}", url=snap.final_url,
                      evidence="；".join(f"{pd.KIND_ZH[h.kind]} {h.masked}：{h.context}"
                                        for h in hits[:params["examples"]]))
    if len(found) > params["max_pages"]:
        yield Finding("fail", f"另有 {len(found) - params['max_pages']} 个页面或附件公开了未脱敏的个人信息（{seen}）",
                      url=site.start_url)
