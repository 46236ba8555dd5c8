"""新会区人民政府 (county): an older nested-table template, served as GBK.

The files are GBK while the pages declare charset=gb2312, and the text holds GBK-only characters
(镕, 堃, 喆, 玥) that strict GB2312 cannot decode; the server sends no charset in Content-Type.
`site(as_of)` describes the compliant portal; `PLANTS` turns it into the one with problems.
"""
from __future__ import annotations

import datetime as dt

from .content import (ago, annual_reports, consultation, document, gazette, graphic_interpretation,
                      interpret_all, law_report_year_due, law_reports, new_media_column, news, notice,
                      with_id)
from .messages import add_box, letter
from .model import Article, Attachment, Block, Channel, Column, ReportWording, Site

REPEALED_BUT_VALID = 90201   # 规范性文件 listed as 已废止 whose own page says 有效性：有效
LATE_REPORT = 90202          # the as_of.year-1 annual report, published on March 5 (bad twin)
UNANSWERED_LETTER = 90203    # 区长信箱: a letter 100 days old, 未回复, 暂无回复 (bad twin)
LETTER_NOT_YET_DUE = 90204   # 区长信箱: a letter 50 days old, 未回复: not yet 3 months (bad twin's decoy)
LETTER_INTERIM_REPLY = 90205  # 区长信箱: 办理中 with an interim reply (both twins' decoy)
SUBSIDY_LIST = 90206         # 涉农补贴 公示 with a table of 户主 and a DOCX of payments (personal data)
WORDING_NEWS = 90207         # 部门动态 news that quotes 《中华人民共和国就业促进法》 (bad twin: 共合国)
SITE_CIRCULAR = 90208        # 部门动态 通报 that quotes wording errors found elsewhere (a decoy)
CONSULTATION_FEEDBACK = 90209   # 采纳情况 of the 公交线路调整方案 consultation (missing in the bad twin)
LATE_INTERPRETATION = 90210  # 规范性文件 whose 政策解读 the bad twin publishes 20 days after it
GAZETTE_ISSUE = 90211        # 政府公报 as_of.year-1 年第2期 (missing from the bad twin's list)
SUBJECT_LIST = 90212         # 公共企事业单位信息公开适用主体清单 (missing from the bad twin's column)
MAP_NEWS = 90213             # 新会区行政区划图: its caption's 审图号 (left out by the bad twin)
MAP_NUMBER = "审图号：粤S（2023）012号"

COUNTY = "江门市新会区人民政府"
OFFICE = "江门市新会区人民政府办公室"
NEWS_DAYS = (2, 4, 6, 9, 11, 15, 20, 26, 33, 41, 50, 64)
TZGG_DAYS = (4, 9, 17, 30, 45, 70, 100, 140, 190)

COUNTY_WORDING = ReportWording(
    overview=[
        ("", "{y}年，{unit}坚持把政务公开作为推进基层治理现代化的重要抓手，聚焦乡村振兴、陈皮产业和银湖湾"
             "滨海新区建设，推动基层政务公开标准化规范化向镇（街）、村（居）延伸。"),
        ("（一）基层政务公开。", "11个镇（街）全部建成政务公开专区，按照26个试点领域标准目录梳理公开事项，"
                              "村（居）务公开栏每季度更新。"),
        ("（二）主动公开。", "区政府网站全年发布各类信息{published}条，其中政策文件{made}件、解读材料{interpretations}篇，"
                          "惠民惠农财政补贴资金实现“一卡通”发放信息全公开。"),
        ("（三）依申请公开。", "全年新收申请{requests}件，主要涉及征地拆迁、宅基地审批和农村集体资产处置等事项。"),
    ],
    problems=[
        "存在问题：镇（街）政务公开工作人员多为兼职，流动性大，业务水平参差不齐；部分村（居）务公开栏"
        "更新不及时；涉农补贴信息公开存在格式不统一的情况。",
        "改进措施：{next}年，区政务公开办将对镇（街）工作人员开展轮训，制定涉农补贴公示模板，"
        "把村（居）务公开情况纳入镇（街）年度考评。",
    ],
    other=["{y}年，本机关未收取信息处理费。区政府按要求将政务公开工作要点落实情况纳入本报告。"],
)
COUNTY_LAW_REPORT = [
    "{y}年，{unit}在区委的领导下，以建设法治政府示范区为目标，统筹推进依法行政各项工作。",
    "一、主要成效。镇（街）综合行政执法改革全面落地，区镇两级合法性审查全覆盖；“复议为民”专项行动化解"
    "行政争议，行政机关负责人出庭应诉率达到100%。",
    "二、主要负责人履行第一责任人职责情况。区政府主要负责同志四次主持召开会议研究法治政府建设工作。",
    "三、存在问题。镇（街）法治审核力量不足，村（居）法律顾问作用发挥不够充分。",
    "四、下一步工作。{next}年，将加强镇（街）法制审核队伍建设，深化“一村（居）一法律顾问”制度。",
]


def site(as_of) -> Site:
    s = Site(
        key="county", site_name="江门市新会区人民政府网站", domain="www.xinhui.gov.cn",
        sponsor=OFFICE, organizer="江门市新会区政务服务数据管理局",
        site_id_code="4407050001", footer_id_code="4407050001",
        icp="粤ICP备12071369号", gongan="粤公网安备 44070502000045号",
        conac_id="B2C35F0DA0A84E4AE053012819AC3C2F",
        encoding="gbk", declared_charset="gb2312", header_charset=False, layout="table",
    )
    s.channels = [Channel(
        prefix="/", name="新会区人民政府", unit_type="county",
        top_links=[("江门市人民政府", "http://www.jiangmen.gov.cn/")],
        crumbs=[("首页", "/index.html")],
        nav=[("首页", "/index.html"), ("新会要闻", "/xwzx/xhyw/"), ("政务公开", "/zwgk/"),
             ("政府信息公开", "/zwgk/zfxxgk/"), ("基层政务公开标准目录", "/zwgk/jczwgk/"),
             ("政务服务", "https://www.gdzwfw.gov.cn/"), ("互动交流", "/hdjl/"),
             ("专题专栏", "/ztzl/")],
        blocks=[
            Block("新会要闻", column="/xwzx/xhyw/", count=6, css="box news"),
            Block("通知公告", column="/zwgk/tzgg/", count=5),
            Block("政府信息公开", css="box xxgk", links=[
                ("政府信息公开指南", "/zwgk/zfxxgk/zn/"),
                ("法定主动公开内容", "/zwgk/zfxxgk/fdzdgknr/"),
                ("规范性文件", "/zwgk/zfxxgk/gfxwj/"), ("依申请公开", "/zwgk/zfxxgk/ysqgk/"),
                ("政府信息公开年报", "/zwgk/zfxxgk/ndbg/"),
                ("重点领域信息公开", "/zwgk/zfxxgk/zdly/"),
                ("公共企事业单位信息公开", "/zwgk/zfxxgk/ggqsydw/")]),
            Block("政务公开", css="box zwgk", links=[
                ("政策解读", "/zwgk/zfxxgk/zcjd/"), ("政府公报", "/zwgk/zfgb/"),
                ("行政执法信息公示", "/zwgk/xzzfgs/"),
                ("法治政府建设年度报告", "/zwgk/zfxxgk/fzzfjs/")]),
            Block("基层政务公开", css="box jczwgk", links=[
                ("基层政务公开标准目录", "/zwgk/jczwgk/"), ("惠民惠农", "/zwgk/hmhn/"),
                ("涉农补贴", "/zwgk/hmhn/snbt/")]),
            Block("专题专栏", css="box ztzl", links=[
                ("疫情防控", "/ztzl/yqfk/"), ("营商环境", "/ztzl/yshj/"), ("稳经济", "/ztzl/wjj/")]),
            Block("政务服务", css="box zwfw", links=[
                ("广东政务服务网", "https://www.gdzwfw.gov.cn/"),
                ("政策问答", "/hdjl/zcwd/"), ("意见征集", "/hdjl/yjzj/")]),
        ])]

    # ---- 新闻中心 ---------------------------------------------------------------------------------
    s.add_column(Column("/xwzx/", "新闻中心", style="hub"))
    titles = [
        "区长李镕到崖门镇调研乡村振兴工作",
        "副区长陈堃检查汛期安全生产工作",
        "新会区召开高质量发展大会",
        "区领导黄喆走访慰问困难群众",
        "会城街道玥湖社区开展垃圾分类宣传活动",
        "新会陈皮产业园入选国家现代农业产业园",
        "新会区举办侨乡文化节",
        "银湖湾滨海新区重点项目集中开工",
        "新会区召开防汛防风工作会议",
        "新会区开展食品安全专项检查",
        "司前镇美丽乡村建设见成效",
        "新会区召开民营企业座谈会",
    ]
    s.add_column(Column("/xwzx/xhyw/", "新会要闻", parent="/xwzx/", page_size=6),
                 [news(as_of, d, t, source="新会区融媒体中心") for d, t in zip(NEWS_DAYS, titles)])
    s.add_column(Column("/xwzx/bmdt/", "部门动态", parent="/xwzx/"), [
        news(as_of, 3, "区人社局举办春季招聘会", source="江门市新会区人力资源和社会保障局"),
        news(as_of, 8, "区卫生健康局开展义诊进社区活动", source="江门市新会区卫生健康局"),
        news(as_of, 16, "区农业农村局部署春耕生产工作", source="江门市新会区农业农村局"),
    ])

    # ---- 政务公开 ---------------------------------------------------------------------------------
    s.add_column(Column("/zwgk/", "政务公开", style="hub"))
    tzgg_titles = [
        "关于做好当前安全生产工作的通知",
        "新会区人民政府关于禁止在银湖湾湿地范围内捕捞的通告",
        "关于开展新会区第五次全国经济普查的公告",
        "关于公开招聘镇（街）社区工作人员的公告",
        "关于开展农村自建房安全隐患排查整治的通知",
        "关于公布新会区重点建设项目名单的通知",
        "关于做好耕地地力保护补贴申报工作的通知",
        "关于开展森林防火专项检查的通知",
        "关于调整新会区最低生活保障标准的通知",
    ]
    s.add_column(Column("/zwgk/tzgg/", "通知公告", parent="/zwgk/", page_size=5),
                 [notice(as_of, d, t, OFFICE) for d, t in zip(TZGG_DAYS, tzgg_titles)])
    # every quarterly issue of the last five years, the history digitised (item 45)
    issues = gazette(as_of, "新会区人民政府公报", 4, as_of.year - 4, OFFICE, day=20)
    s.add_column(Column("/zwgk/zfgb/", "政府公报", parent="/zwgk/", intro="江门市新会区人民政府公报"),
                 [with_id(GAZETTE_ISSUE, a) if a.title.endswith(f"{as_of.year - 1}年第2期") else a for a in issues])
    s.add_column(Column("/zwgk/xzzfgs/", "行政执法信息公示", parent="/zwgk/"), [
        news(as_of, 8, "新会区市场监督管理局“双随机一公开”抽查结果公示", source="江门市新会区市场监督管理局"),
        news(as_of, 23, "新会区行政处罚决定书公示（第一批）", source="江门市新会区司法局"),
        news(as_of, 60, "新会区行政执法主体和执法人员名单", source="江门市新会区司法局"),
    ])

    x = "/zwgk/zfxxgk/"
    s.add_column(Column(x, "政府信息公开", parent="/zwgk/", style="hub"))
    s.add_column(Column(x + "zn/", "政府信息公开指南", parent=x), [
        news(as_of, 90, "江门市新会区人民政府信息公开指南", source=OFFICE, body=[
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "受理机构：江门市新会区人民政府办公室，联系人：梁玥。"]),
        news(as_of, 300, "新会区政府信息公开申请表（样表）", source=OFFICE),
        news(as_of, 400, "新会区依申请公开流程图", source=OFFICE),
    ])
    s.add_column(Column(x + "fdzdgknr/", "法定主动公开内容", parent=x,
                        link_text="政府信息主动公开目录"), [
        news(as_of, 15, "新会区人民政府领导分工", source=OFFICE),
        news(as_of, 35, "新会区人民政府机构职能", source=OFFICE),
        news(as_of, 60, "新会区本级财政预算决算", source="江门市新会区财政局"),
        news(as_of, 95, "新会区人民政府工作报告", source=OFFICE),
        with_id(MAP_NEWS, Article(
            title="新会区行政区划图（标准版）", published=ago(as_of, 75), source="江门市新会区自然资源局",
            body=["新会区标准地图由江门市新会区自然资源局编制，供社会公众免费浏览、下载使用。"],
            figures=[("/images/xhq-map.png", "新会区行政区划图", f"新会区行政区划图　{MAP_NUMBER}")])),
    ])
    s.add_column(Column(x + "gfxwj/", "规范性文件", parent=x, style="table", page_size=5), [
        document(as_of, 12, "江门市新会区人民政府关于印发新会区村级工程建设项目管理办法的通知",
                 COUNTY, "新府规〔{y}〕3号", index_prefix="00705"),
        with_id(REPEALED_BUT_VALID, document(
            as_of, 55, "江门市新会区人民政府关于印发新会区农村宅基地管理暂行办法的通知",
            COUNTY, "新府规〔{y}〕1号", index_prefix="00705")),
        with_id(LATE_INTERPRETATION, document(
            as_of, 130, "江门市新会区人民政府办公室关于印发新会区政府投资项目管理办法的通知",
            OFFICE, "新府办规〔{y}〕4号", index_prefix="00705")),
        document(as_of, 260, "江门市新会区人民政府关于印发新会区扶持陈皮产业发展若干措施的通知",
                 COUNTY, "新府〔{y}〕15号", index_prefix="00705"),
        document(as_of, 520, "江门市新会区人民政府关于印发新会区征地补偿办法的通知",
                 COUNTY, "新府〔{y}〕9号", index_prefix="00705", validity="已废止"),
        document(as_of, 900, "江门市新会区人民政府办公室关于印发新会区城市道路管理办法的通知",
                 OFFICE, "新府办〔{y}〕33号", index_prefix="00705", validity="失效"),
    ])
    s.add_column(Column(x + "ysqgk/", "依申请公开", parent=x), [
        news(as_of, 100, "新会区依申请公开办理流程", source=OFFICE),
        news(as_of, 101, "新会区政府信息公开申请受理机构", source=OFFICE),
        news(as_of, 250, "依申请公开答复文书样本", source=OFFICE),
    ])
    s.add_column(Column(x + "zcjd/", "政策解读", parent=x))
    s.add_column(Column(x + "ndbg/", "政府信息公开年报", parent=x),
                 annual_reports(COUNTY, as_of, 2, 10, COUNTY_WORDING, source=OFFICE))
    s.add_column(Column(x + "fzzfjs/", "法治政府建设年度报告", parent=x),
                 law_reports(COUNTY, as_of, 2, 21, COUNTY_LAW_REPORT, source="江门市新会区司法局"))
    s.add_column(Column(x + "zdly/", "重点领域信息公开", parent=x, style="hub"))
    s.add_column(Column(x + "zdly/wjybjy/", "稳就业保就业", parent=x + "zdly/"), [
        news(as_of, 10, "新会区高校毕业生就业补贴申领指南", source="江门市新会区人力资源和社会保障局"),
        news(as_of, 32, "新会区公益性岗位招聘公告", source="江门市新会区人力资源和社会保障局"),
        news(as_of, 61, "新会区创业担保贷款政策解读", source="江门市新会区人力资源和社会保障局"),
    ])
    s.add_column(Column(x + "zdly/jygzlfz/", "教育高质量发展", parent=x + "zdly/"), [
        news(as_of, 14, "新会区义务教育阶段学校招生工作方案", source="江门市新会区教育局"),
        news(as_of, 44, "新会区新建公办学校学位情况", source="江门市新会区教育局"),
        news(as_of, 80, "新会区校外培训机构白名单", source="江门市新会区教育局"),
    ])
    s.add_column(Column(x + "zdly/jkgdjm/", "健康广东（江门）", parent=x + "zdly/"), [
        news(as_of, 7, "新会区医疗卫生机构信息公开目录", source="江门市新会区卫生健康局"),
        news(as_of, 38, "新会区家庭医生签约服务进展", source="江门市新会区卫生健康局"),
        news(as_of, 73, "新会区基本公共卫生服务项目情况", source="江门市新会区卫生健康局"),
    ])
    s.add_column(Column(x + "ggqsydw/", "公共企事业单位信息公开", parent=x), [
        with_id(SUBJECT_LIST, news(as_of, 21, "新会区公共企事业单位信息公开适用主体清单", source=OFFICE)),
        news(as_of, 52, "新会区供水服务信息公开", source="江门市新会区水务局"),
        news(as_of, 99, "新会区公交运营服务信息公开", source="江门市新会区交通运输局"),
    ])

    j = "/zwgk/jczwgk/"
    s.add_column(Column(j, "基层政务公开标准目录", parent="/zwgk/", style="hub",
                        intro="按照国务院有关部门制定的26个试点领域基层政务公开标准指引编制。"))
    s.add_column(Column(j + "zdjsxm/", "重大建设项目", parent=j), [
        news(as_of, 9, "新会区重大建设项目批准和实施信息", source="江门市新会区发展和改革局"),
        news(as_of, 40, "银湖湾滨海新区道路工程招标信息", source="江门市新会区住房和城乡建设局"),
        news(as_of, 75, "新会区重点项目年度计划", source="江门市新会区发展和改革局"),
    ])
    s.add_column(Column(j + "czyjs/", "财政预决算", parent=j), [
        news(as_of, 25, "新会区本级部门预算公开", source="江门市新会区财政局"),
        news(as_of, 85, "新会区本级部门决算公开", source="江门市新会区财政局"),
        news(as_of, 120, "新会区“三公”经费预算情况说明", source="江门市新会区财政局"),
    ])
    s.add_column(Column(j + "ywjy/", "义务教育", parent=j), [
        news(as_of, 13, "新会区义务教育学校划片范围", source="江门市新会区教育局"),
        news(as_of, 47, "新会区学生资助政策", source="江门市新会区教育局"),
        news(as_of, 88, "新会区义务教育学校名录", source="江门市新会区教育局"),
    ])

    h = "/zwgk/hmhn/"
    s.add_column(Column(h, "惠民惠农", parent="/zwgk/", style="hub",
                        link_text="惠民惠农财政补贴资金信息公开"))
    s.add_column(Column(h + "snbt/", "涉农补贴", parent=h), [
        news(as_of, 6, "新会区耕地地力保护补贴发放情况公示", source="江门市新会区农业农村局"),
        news(as_of, 19, "新会区农机购置补贴申报指南", source="江门市新会区农业农村局"),
        news(as_of, 37, "双水镇水稻种植补贴资金发放名单公示", source="江门市新会区农业农村局"),
        news(as_of, 66, "新会区渔业油价补贴资金分配情况", source="江门市新会区农业农村局"),
    ])
    s.add_column(Column(h + "hmzc/", "惠民惠农政策", parent=h), [
        news(as_of, 27, "新会区惠民惠农财政补贴资金政策清单", source="江门市新会区财政局"),
        news(as_of, 58, "新会区城乡居民养老保险补贴标准", source="江门市新会区人力资源和社会保障局"),
        news(as_of, 93, "新会区残疾人两项补贴政策解读", source="江门市新会区民政局"),
    ])

    # ---- 专题专栏 ---------------------------------------------------------------------------------
    s.add_column(Column("/ztzl/", "专题专栏", style="hub"))
    s.add_column(Column("/ztzl/yqfk/", "疫情防控", parent="/ztzl/"), [
        news(as_of, 8, "新会区传染病防控健康提示", source="江门市新会区卫生健康局"),
        news(as_of, 30, "新会区疫苗接种点及服务时间", source="江门市新会区卫生健康局"),
        news(as_of, 77, "新会区发热门诊设置情况", source="江门市新会区卫生健康局"),
    ])
    s.add_column(Column("/ztzl/yshj/", "营商环境", parent="/ztzl/"), [
        news(as_of, 5, "新会区优化营商环境工作要点", source="江门市新会区发展和改革局"),
        news(as_of, 24, "新会区企业开办“一网通办”指引", source="江门市新会区市场监督管理局"),
        news(as_of, 49, "新会区涉企收费目录清单", source="江门市新会区发展和改革局"),
    ])
    s.add_column(Column("/ztzl/wjj/", "稳经济", parent="/ztzl/"), [
        news(as_of, 10, "新会区贯彻落实稳经济一揽子政策措施实施方案", source=OFFICE),
        news(as_of, 34, "新会区小微企业纾困帮扶政策汇编", source="江门市新会区工业和信息化局"),
        news(as_of, 68, "新会区稳经济政策问答", source=OFFICE),
    ])

    # ---- 互动交流 ---------------------------------------------------------------------------------
    s.add_column(Column("/hdjl/", "互动交流", style="hub"))
    # 征求意见 notices with their window, draft, 起草说明 and (once due) 采纳情况 (item 28)
    bus, *bus_feedback = consultation(as_of, 83, "关于征求新会区公交线路调整方案意见的公告",
                                      "新会区公交线路调整方案（征求意见稿）", "江门市新会区交通运输局")
    s.add_column(Column("/hdjl/yjzj/", "意见征集", parent="/hdjl/"), [
        *consultation(as_of, 11, "关于征求《新会区农村人居环境整治方案（征求意见稿）》意见的公告",
                      "新会区农村人居环境整治方案（征求意见稿）", OFFICE),
        *consultation(as_of, 39, "关于征求新会区养老服务设施布局规划意见的公告",
                      "新会区养老服务设施布局规划（征求意见稿）", "江门市新会区民政局"),
        bus, *[with_id(CONSULTATION_FEEDBACK, a) for a in bus_feedback],
    ])
    s.add_column(Column("/hdjl/zcwd/", "政策问答", parent="/hdjl/", column_type="政策咨询"), [
        news(as_of, 5, "陈皮种植户如何申请农业保险补贴？", source="江门市新会区农业农村局"),
        news(as_of, 29, "港澳居民如何在新会办理营业执照？", source="江门市新会区市场监督管理局"),
        news(as_of, 57, "新会区人才公寓如何申请？", source="江门市新会区人力资源和社会保障局"),
    ])

    _message_box(s, as_of)

    # ---- 政策解读: published with each document in force (三同步) --------------------------------
    interpret_all(s, [x + "gfxwj/"], x + "zcjd/", as_of)
    _privacy_and_wording(s, as_of)
    _spam_decoys(s)


    # ---- issue 18: a 解读 in another form than text (item 27), the 政务新媒体 list (item 36) --------
    graphic_interpretation(s, x + "gfxwj/", x + "zcjd/")
    new_media_column(s, "/hdjl/zwxmt/", "/hdjl/", COUNTY, as_of)
    return s


# ---- 区长信箱 (item 32) -----------------------------------------------------------------------------
QZXX = "/hdjl/qzxx/"
QZXX_PROMISE = "区长信箱来信一般在15个工作日内答复；情况复杂需要延长办理期限的，将告知来信人。"


def _message_box(s, as_of):
    """The 区长信箱 under 互动交流: every letter answered within the promised 15 working days, one
    still 办理中 with an interim reply, one asked 3 days ago, and the box's own 办理须知."""
    transport = "江门市新会区交通运输局"
    add_box(s, QZXX, "区长信箱", "/hdjl/", QZXX_PROMISE, [
        letter(as_of, 3, "关于会城街道老旧小区加装电梯补贴的咨询", "梁**",
               "我家小区建于1995年，想了解加装电梯有没有补贴、向哪个部门申请。", "办理中"),
        with_id(LETTER_INTERIM_REPLY, letter(
            as_of, 12, "关于今古洲大道夜间货车噪音扰民的反映", "陈**",
            "今古洲大道每晚十点后大货车很多，噪音很大，希望限行或限速。", "办理中", 4, transport,
            "陈女士：您好！您的来信已收悉并转区交通运输局、区公安分局交警大队研究处理，"
            "现正开展夜间噪音监测，办理结果将另行答复。")),
        letter(as_of, 25, "关于双水镇农村生活垃圾收运的建议", "李**",
               "双水镇部分村的垃圾桶清运间隔太长，夏天气味很大。", "已回复", 5, "江门市新会区双水镇人民政府",
               "李先生：您好！镇政府已将相关村的清运频次由每两天一次调整为每天一次。"),
        letter(as_of, 47, "关于银湖湾湿地公园开放时间的咨询", "黄**",
               "请问银湖湾湿地公园节假日是否延长开放时间？", "已回复", 8, "江门市新会区林业局",
               "黄女士：您好！银湖湾湿地公园每天8:00至18:00开放，节假日延长至19:00。"),
        letter(as_of, 96, "关于司前镇村道硬底化的建议", "吴**",
               "司前镇某村村道仍是泥路，雨天出行困难，建议硬底化。", "已回复", 6, "江门市新会区司前镇人民政府",
               "吴先生：您好！该村道硬底化工程已列入本年度镇村道路建设计划，预计下半年完工。"),
        letter(as_of, 170, "关于会城街道学位申请材料的咨询", "周**",
               "外来务工人员子女申请公办学校学位需要哪些材料？", "已回复", 11, "江门市新会区教育局",
               "周先生：您好！需提供居住证、社保缴纳证明和户口簿，详见区教育局招生公告。"),
        news(as_of, 320, "区长信箱受理范围和办理须知", source=OFFICE, body=[
            "区长信箱受理对区政府工作的意见建议和咨询，不受理已进入诉讼、仲裁等法定程序的事项。",
            QZXX_PROMISE]),
    ], page_size=5)


# ---- item 41 (issue 17): personal data and wording, their decoys on both twins ---------------------
# The bad twin's plants (_unmask_subsidy_row, _unmask_subsidy_card, _misname_country) change these
# pages only. Numbers are made up: the IDs' check characters and the cards' Luhn digits are right.
SUBSIDY_HEADER = ["序号", "户主姓名", "身份证号", "联系电话", "补贴面积（亩）", "补贴金额（元）"]
SUBSIDY_ROWS = [["1", "李*明", "440705********2314", "138****5678", "3.2", "384.00"],
                ["2", "陈*华", "440705********0026", "139****1234", "2.5", "300.00"],
                ["3", "黄*", "440705********0043", "150****0000", "1.8", "216.00"]]
SUBSIDY_ROW_EXPOSED = ["2", "陈国华", "440705196209070026", "13912345678", "2.5", "300.00"]
PAYMENT_HEADER = ["序号", "户主姓名", "银行卡号", "补贴金额（元）"]
PAYMENT_ROWS = [["1", "李*明", "6217 **** **** 3456", "384.00"], ["2", "陈*华", "6217 **** **** 0122", "300.00"],
                ["3", "黄*", "6230 **** **** 4566", "216.00"]]
PAYMENT_CARD_EXPOSED = "6217001234567890122"
COUNTRY = "中华人民共和国"
COUNTRY_MISNAMED = "中华人民共合国"


def _privacy_and_wording(s, as_of):
    when = ago(as_of, 4)
    listing = with_id(SUBSIDY_LIST, Article(
        title=f"双水镇{when.year}年耕地地力保护补贴发放名单公示", published=when,
        source="江门市新会区双水镇人民政府", body=[
            f"根据耕地地力保护补贴政策，现将双水镇{when.year}年耕地地力保护补贴发放名单予以公示，公示期为7个工作日。",
            "公示期间如有异议，请向双水镇农业农村办公室反映，联系电话：0750-6123456，监督电话：0750-12345。",
            "发布单位：江门市新会区双水镇人民政府（统一社会信用代码：114401198411259265）。",
            "（注：名单中第3户的农户档案号440705196209070027已于上期更正。）"],
        tables=[[SUBSIDY_HEADER, *SUBSIDY_ROWS]]))
    listing.attachments.append(Attachment(
        title="双水镇耕地地力保护补贴资金发放明细",
        paragraphs=["补贴资金通过“一卡通”发放至户主本人账户。",
                    "资金拨付账户：户名：江门市新会区双水镇财政所，账号：4405016601234567893。",
                    "网上缴费订单号：6222021003123456785。"],
        tables=[[PAYMENT_HEADER, *PAYMENT_ROWS]]))
    s.add_article("/zwgk/hmhn/snbt/", listing)
    first = ago(as_of, 5)
    s.add_article("/xwzx/bmdt/", with_id(WORDING_NEWS, news(
        as_of, 5, "区人社局开展就业促进法宣传月活动", source="江门市新会区人力资源和社会保障局", body=[
            f"{first.month}月{first.day}日，区人社局在会城开展就业促进法宣传月活动，深入学习贯彻《{COUNTRY}就业促进法》，"
            "现场为群众解答就业创业政策。",
            "区人民检察院、区司法局派员参加。参加后续专场招聘会可咨询：陈老师 13812345678，办公电话 0750-6388888。",
            "区人社局负责同志表示，将深入学习贯彻习近平新时代中国特色社会主义思想，落实国务院办公厅稳就业部署。"])))
    s.add_article("/xwzx/bmdt/", with_id(SITE_CIRCULAR, news(
        as_of, 12, "区政务服务数据管理局通报政府网站检查情况", source="江门市新会区政务服务数据管理局", body=[
            "近日，区政务服务数据管理局对全区政府网站开展检查。检查发现个别单位网站存在严重表述错误，如将"
            "“国务院办公厅”误写为“国务院办工厅”，将“中华人民共和国”误写为“中华人民共合国”，相关单位已整改。",
            "各单位要严格落实“三审三校”制度，严把政治关、文字关。"])))


# ---- the twin with planted problems --------------------------------------------------------------
def _no_standard_catalog(s, as_of):
    s.remove_column("/zwgk/jczwgk/")


def _toolbar_script_404(s, as_of):
    s.toolbar_script_exists = False
    s.notes.append("无障碍/长者模式 links are present but their script /wza/aria.js is missing (404): "
                   "only a browser check (clicking the link does nothing) can see it.")


def _stale_home_news(s, as_of):
    _age(s, "/xwzx/xhyw/", as_of, 40)


def _stale_tzgg(s, as_of):
    _age(s, "/zwgk/tzgg/", as_of, 200)


def _age(s, path, as_of, newest_days):
    column = s.columns[path]
    newest = max(a.published for a in column.articles).date()
    delta = newest - (as_of - dt.timedelta(days=newest_days))
    for article in column.articles:
        article.published -= delta


def _validity_mismatch(s, as_of):
    s.article(REPEALED_BUT_VALID).list_validity = "已废止"


def _late_report(s, as_of):
    """The as_of.year-1 report goes online on March 5, after the February 20 deadline."""
    column = s.columns["/zwgk/zfxxgk/ndbg/"]
    column.articles.clear()
    for article in annual_reports(COUNTY, as_of, 2, 10, COUNTY_WORDING, source=OFFICE, late_year=as_of.year - 1,
                                  late_on=(3, 5), late_doc_id=LATE_REPORT):
        s.add_article(column.path, article)


def _no_law_report(s, as_of):
    """The 法治政府建设年度报告 column is there, but the report now due (and any newer) is not."""
    due = law_report_year_due(as_of)
    for report in list(s.columns["/zwgk/zfxxgk/fzzfjs/"].articles):
        if report.report_year >= due:
            s.remove_article(report)


def _no_security_headers(s, as_of):
    s.security_headers = False


def _unanswered_letter(s, as_of):
    """A 区长信箱 letter 100 days old still 未回复 (回复内容：暂无回复), on the list's second page;
    beside it a 50-day-old 未回复 letter, past the promised 15 working days but not yet 3 months."""
    s.add_article(QZXX, with_id(UNANSWERED_LETTER, letter(
        as_of, 100, "关于罗坑镇自来水水压不足的问题", "莫**",
        "罗坑镇某村自来水水压一直不足，高峰期二楼以上没有水，反映多次未解决。", "未回复")))
    s.add_article(QZXX, with_id(LETTER_NOT_YET_DUE, letter(
        as_of, 50, "关于大泽镇公交班次过少的意见", "谭**",
        "大泽镇往返会城的公交班次太少，建议增加早晚班次。", "未回复")))


def _unmask_subsidy_row(s, as_of):
    """One 户 of the 公示 with its whole 身份证号, name and mobile number."""
    s.article(SUBSIDY_LIST).tables[0][2] = list(SUBSIDY_ROW_EXPOSED)


def _unmask_subsidy_card(s, as_of):
    """The attached payment list shows one 户's whole bank card number."""
    table = s.article(SUBSIDY_LIST).attachments[0].tables[0]
    table[2] = [*table[2][:2], PAYMENT_CARD_EXPOSED, table[2][3]]


def _misname_country(s, as_of):
    article = s.article(WORDING_NEWS)
    article.body = [p.replace(COUNTRY, COUNTRY_MISNAMED) for p in article.body]


# ---- issue 17, points 4 and 5: 暗链 decoys on both twins; a 暗链 and a stale-column count on the bad one
# Links outside the portal reuse the hosts it already links to (the crawl checks outside links), and
# the planted 暗链 points at a loopback address, so no test sends a request (or a DNS query) off this
# machine; no-intranet-links warns on that address too, the price of it.
SPAM_DECOYS = [
    # an off-screen skip link to the page's own content
    '<a href="#main" class="skip-link" style="position:absolute;left:-9999px;top:auto">跳到主要内容</a>',
    # a tab box whose hidden panel holds the site's own columns and the city portal
    '<div class="tab-box"><ul class="tab-head"><li class="on">政策解读</li><li>政府公报</li></ul>'
    '<div class="tab-con on"><a href="/zwgk/zfxxgk/zcjd/">政策解读</a></div>'
    '<div class="tab-con" style="display:none"><a href="/zwgk/zfgb/">政府公报</a> '
    '<a href="http://www.jiangmen.gov.cn/">江门市人民政府</a></div></div>',
    # a dialog waiting for a click, with internal links
    '<div id="hdjl-dialog" class="dialog" style="display:none"><a href="/hdjl/">互动交流</a> '
    '<a href="/hdjl/yjzj/">意见征集</a></div>',
    # a visible 友情链接 list of other government sites
    '<div class="box yqlj"><div class="box-title"><h2>友情链接</h2></div><ul class="links clearfix">'
    '<li><a href="http://www.jiangmen.gov.cn/" target="_blank">江门市人民政府</a></li>'
    '<li><a href="https://www.gdzwfw.gov.cn/" target="_blank">广东政务服务网</a></li></ul></div>',
]
SPAM_LINK = ('<div style="position:absolute;top:-999px;left:-999px"><a href="http://127.0.0.86/amxpj/" '
             'target="_blank">澳门新葡京娱乐场</a> <a href="http://127.0.0.86/amxpj/">真人百家乐</a></div>')
# top-level 动态 and 政策文件 columns that stand still in the bad twin: five, the veto count on their
# own (新会要闻 and 通知公告, planted stale above, make seven)
STALE_COLUMNS = [("/xwzx/gzdt/", "工作动态", 25), ("/xwzx/zwdt/", "政务动态", 33), ("/xwzx/zjdt/", "镇街动态", 48),
                 ("/zwgk/zcwj/", "政策文件", 230)]


def _spam_decoys(s):
    s.channels[0].home_html.extend(SPAM_DECOYS)


def _spam_link(s, as_of):
    s.channels[0].home_html.append(SPAM_LINK)


def _stale_column_count(s, as_of):
    """部门动态 aged past two weeks, and four more stale columns linked from the home page."""
    _age(s, "/xwzx/bmdt/", as_of, 20)
    links = []
    for path, name, days in STALE_COLUMNS:
        parent = "/zwgk/" if path.startswith("/zwgk/") else "/xwzx/"
        make = notice if parent == "/zwgk/" else news
        s.add_column(Column(path, name, parent=parent), [
            make(as_of, days + k * 17, f"{name}：新会区{k + 1}号工作部署会议情况", OFFICE) for k in range(3)])
        links.append((name, path))
    s.channels[0].blocks.append(Block("动态信息", css="box dtxx", links=[("部门动态", "/xwzx/bmdt/"), *links]))


# ---- items 26 and 28 (解读 in time, 征求意见 feedback) ----------------------------------------------
def _consultation_feedback_missing(s, as_of):
    """The 公交线路调整方案 consultation closed weeks ago; its 采纳情况 never came out."""
    if any(a.doc_id == CONSULTATION_FEEDBACK for a in s.articles()):
        s.remove_article(s.article(CONSULTATION_FEEDBACK))


def _interpretation_late(s, as_of):
    """The 政府投资项目管理办法's 解读 goes online 20 days after the document (not 同步)."""
    for _label, interp in s.article(LATE_INTERPRETATION).related:
        interp.published += dt.timedelta(days=20)


def _gazette_issue_missing(s, as_of):
    """Last year's 第2期 of the 政府公报 is not online (the list jumps from 第1期 to 第3期)."""
    s.remove_article(s.article(GAZETTE_ISSUE))


def _stale_subsidies(s, as_of):
    """Nothing new under 惠民惠农 for 250 days (item 5 asks for 及时公开)."""
    _age(s, "/zwgk/hmhn/snbt/", as_of, 250)
    _age(s, "/zwgk/hmhn/hmzc/", as_of, 260)


def _no_subject_list(s, as_of):
    """The 公共企事业单位信息公开 column lists platforms but no 适用主体清单 (item 25)."""
    s.remove_article(s.article(SUBJECT_LIST))


# ---- item 44 (审图号) ---------------------------------------------------------------------------
def _map_number_missing(s, as_of):
    """The 行政区划图 is published with a caption that gives no 审图号."""
    article = s.article(MAP_NEWS)
    article.figures = [(src, alt, caption.replace(MAP_NUMBER, "").strip()) for src, alt, caption in article.figures]


PLANTS = {
    "column-missing-standard-catalog": _no_standard_catalog,
    "accessibility-script-404": _toolbar_script_404,
    "stale-home-news": _stale_home_news,
    "stale-column-tzgg": _stale_tzgg,
    "validity-mismatch": _validity_mismatch,
    "annual-report-late": _late_report,
    "rule-of-law-report-missing": _no_law_report,
    "security-headers-missing": _no_security_headers,
    "message-unanswered": _unanswered_letter,
    # item 41 (issue 17)
    "personal-data-exposed": _unmask_subsidy_row,
    "personal-data-in-attachment": _unmask_subsidy_card,
    "serious-wording-error": _misname_country,
    # issue 17, points 4 and 5
    "spam-link-hidden": _spam_link,
    "stale-column-count": _stale_column_count,
    "consultation-feedback-missing": _consultation_feedback_missing,
    "interpretation-late": _interpretation_late,
    "gazette-issue-missing": _gazette_issue_missing,
    "stale-column-agricultural-subsidies": _stale_subsidies,
    "subject-list-missing": _no_subject_list,
    "map-review-number-missing": _map_number_missing,
}
