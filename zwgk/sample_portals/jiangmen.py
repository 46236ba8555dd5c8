"""江门市人民政府门户网站 (city-portal), with the 江门市发展和改革局 channel under /bmpd/fgj/.

`site(as_of)` describes the compliant portal; `PLANTS` turns it into the one with problems.
Planted problems sit on articles with fixed doc ids (below), so `expected.py` can name them.
"""
from __future__ import annotations

from .content import annual_reports, document, interpret_all, law_reports, news, notice, report_text, with_id
from .messages import add_box, letter
from .model import Block, Channel, Column, ReportWording, Site

# Articles that planted problems are attached to (present and fine in the compliant twin).
NO_PUBDATE = 90101        # 通知公告 article whose page lacks <meta name="PubDate">
NO_COLUMNNAME = 90102     # 要闻动态 article without <meta name="ColumnName">
NO_CONTENTSOURCE = 90103  # 意见征集 article without <meta name="ContentSource">
BROKEN = 90104            # 通知公告 item still listed whose page is gone (404)
SOFT_404 = 90105          # 政策问答 item whose page says 页面不存在或已被删除 with HTTP 200
FGJ_DOC_PROJECTS = 90106  # 发改局 政策文件 whose 解读 the flawed twin never published
FGJ_DOC_PRICING = 90107   # another one
FGJ_REPORT_TYPO = 90108   # 发改局's as_of.year-1 annual report: one table row misprinted (bad twin)

CITY = "江门市人民政府"
OFFICE = "江门市人民政府办公室"
FGJ = "江门市发展和改革局"

# How each unit words its 政府信息公开工作年度报告 (units write differently: item 10 flags near-copies).
CITY_WORDING = ReportWording(
    overview=[
        ("", "{y}年，在市委、市政府的坚强领导下，{unit}以建设人民满意的服务型政府为目标，统筹推进政府信息"
             "公开、政策解读回应和政务公开平台建设，全市政务公开工作水平稳步提升，在全省政务公开第三方评估中位居前列。"),
        ("（一）主动公开。", "围绕“工业振兴、港湾崛起、侨都赋能”等中心工作，依托市政府门户网站、“江门发布”政务新媒体和"
                          "政务公开专区，全年主动公开政府信息{published}条，集中发布市政府规章和行政规范性文件。"),
        ("（二）依申请公开。", "全面使用全省依申请公开系统，全年受理政府信息公开申请{requests}件，均在法定期限内答复，"
                            "未发生因答复不规范被纠错的情形。"),
        ("（三）政府信息管理。", "组织开展全市行政规范性文件清理，对照“立改废释”情况动态更新规章库和文件库，"
                              "落实公开属性源头认定和保密审查制度。"),
        ("（四）政府信息公开平台建设。", "推进市、县两级政府网站集约化，优化政府信息公开专栏和政策文件库检索功能，"
                                      "提升移动端访问体验。"),
        ("（五）监督保障。", "市政务公开领导小组召开专题会议研究部署年度重点任务，将政务公开纳入市直单位和各县（市、区）"
                          "绩效考核，组织业务培训两期，按季度通报网站检查结果。"),
    ],
    problems=[
        "对照新形势新要求，我市政务公开工作仍有短板：一是重点领域信息公开的深度和广度不够均衡，部分县（市、区）"
        "专栏内容偏少；二是政策解读以文字解读为主，图解、视频、在线访谈等形式运用较少；三是基层政务公开专区的"
        "咨询服务功能有待加强。",
        "{next}年，我市将加强对县（市、区）和市直部门的业务指导和督促检查，推动重点领域专栏标准化建设，"
        "丰富多元化解读形式，提升基层政务公开专区的服务能力。",
    ],
    other=["依据《政府信息公开信息处理费管理办法》，{y}年{unit}未收取信息处理费。"
           "全市各级行政机关政务公开工作要点落实情况已纳入年度考核。"],
)
FGJ_WORDING = ReportWording(
    overview=[
        ("", "{y}年，{unit}紧扣发展改革中心任务，把信息公开作为推进重大项目建设、价格监管和营商环境改革的重要抓手，"
             "规划计划、项目审批、价格收费等信息应公开尽公开。"),
        ("（一）规划和项目信息。", "及时发布国民经济和社会发展计划执行情况、市重点建设项目计划及进展，"
                                "全年在部门频道更新信息{published}条。"),
        ("（二）价格收费信息。", "按月发布重要民生商品价格监测数据，公开涉企收费目录清单和政府定价成本监审结论。"),
        ("（三）政策文件及解读。", "全年印发行政规范性文件{made}件，坚持解读材料与文件同步起草、同步报批、同步发布，"
                                "发布解读材料{interpretations}篇。"),
        ("（四）依申请公开办理。", "指定专人负责依申请公开工作，全年办理申请{requests}件，答复文书经法制审核后送达。"),
    ],
    problems=[
        "工作中还存在以下不足：项目审批结果信息公开的及时性有待提高；价格监测数据以表格形式发布，"
        "可读性不强；个别业务科室对公开属性认定把握不准。",
        "下一步，我局将建立重大项目信息公开台账，对价格监测数据增加图表分析，并在{next}年组织全局业务科室"
        "开展公开属性认定专题培训。",
    ],
    other=["{y}年，{unit}没有收取信息处理费，未发生因政府信息公开引起的行政复议被纠错案件。"],
)
CITY_LAW_REPORT = [
    "{y}年，{unit}深入学习贯彻习近平法治思想，全面落实《法治政府建设实施纲要（2021—2025年）》，"
    "法治政府建设各项任务取得新进展。现将有关情况报告如下。",
    "一、推进法治政府建设的主要举措和成效。健全依法决策机制，重大行政决策严格履行公众参与、专家论证、"
    "风险评估、合法性审查和集体讨论决定程序；深化“放管服”改革，推进行政执法“三项制度”全覆盖。",
    "二、党政主要负责人履行推进法治建设第一责任人职责情况。市政府常务会议专题学法，研究部署法治政府建设重点任务。",
    "三、存在的不足和原因。行政执法规范化水平仍需提升，基层法治力量较为薄弱。",
    "四、{next}年推进法治政府建设的主要安排。加强行政规范性文件合法性审核，推进综合行政执法改革。",
]
FGJ_LAW_REPORT = [
    "{y}年，{unit}认真贯彻落实市委、市政府关于法治政府建设的部署要求，把法治要求贯穿发展改革工作全过程。",
    "一、主要举措。落实重大行政决策程序，对价格、收费、项目管理等规范性文件全部进行合法性审核；"
    "开展“双随机、一公开”价格监督检查；落实“谁执法谁普法”责任制，组织全局干部旁听庭审。",
    "二、主要负责人履行推进法治建设第一责任人职责情况。局党组会议听取法治建设工作汇报，研究解决重点问题。",
    "三、存在的不足。部分干部运用法治思维推动改革发展的能力有待提高。",
    "四、下一年度工作安排。{next}年，我局将健全合法性审核机制，加强行政执法人员培训。",
]


def site(as_of) -> Site:
    s = Site(
        key="city", site_name="江门市人民政府门户网站", domain="www.jiangmen.gov.cn",
        sponsor=OFFICE, organizer="江门市政务服务数据管理局",
        site_id_code="4407000001", footer_id_code="4407000001",
        icp="粤ICP备05090288号", gongan="粤公网安备 44070302000123号",
        conac_id="AC1FD4DF3B5A5C41E053022819AC8A71",
    )
    s.channels = [
        Channel(
            prefix="/", name="江门市人民政府门户网站", unit_type="city-portal",
            top_links=[("广东省人民政府", "http://www.gd.gov.cn/")],
            crumbs=[("首页", "/index.html")],
            nav=[("首页", "/index.html"), ("要闻动态", "/zwdt/"), ("政务公开", "/zwgk/"),
                 ("政府信息公开", "/zwgk/zfxxgk/"), ("政务服务", "https://www.gdzwfw.gov.cn/"),
                 ("互动交流", "/hdjl/"), ("专题专栏", "/ztzl/"), ("部门频道", "/bmpd/")],
            blocks=[
                Block("要闻动态", column="/zwdt/", count=6, css="box news"),
                Block("通知公告", column="/zwgk/tzgg/", count=5),
                Block("专题专栏", css="box ztzl", links=[
                    ("营商环境", "/ztzl/yshj/"), ("稳经济", "/ztzl/wjj/"),
                    ("粤港澳大湾区", "/ztzl/ygadwq/"), ("疫情防控", "/ztzl/yqfk/")]),
                Block("政府信息公开", css="box xxgk", links=[
                    ("政府信息公开指南", "/zwgk/zfxxgk/zn/"),
                    ("政府信息主动公开目录", "/zwgk/zfxxgk/fdzdgknr/"),
                    ("规范性文件", "/zwgk/zfxxgk/gfxwj/"), ("政策解读", "/zwgk/zfxxgk/zcjd/"),
                    ("行政规章库", "/zwgk/zfxxgk/xzgzk/"),
                    ("依申请公开", "/zwgk/zfxxgk/ysqgk/"), ("政府信息公开年报", "/zwgk/zfxxgk/ndbg/"),
                    ("法治政府建设年度报告", "/zwgk/zfxxgk/fzzfjs/"),
                    ("重点领域信息公开", "/zwgk/zfxxgk/zdly/"),
                    ("公共企事业单位信息公开", "/zwgk/zfxxgk/ggqsydw/"),
                    ("政府公报", "/zwgk/zfgb/")]),
                Block("政务服务", css="box zwfw", links=[
                    ("广东政务服务网", "https://www.gdzwfw.gov.cn/"),
                    ("政策问答", "/hdjl/zcwd/"), ("意见征集", "/hdjl/yjzj/")]),
                Block("部门频道", css="box bmpd", links=[(FGJ, "/bmpd/fgj/index.html")]),
            ]),
        Channel(
            prefix="/bmpd/fgj/", name=FGJ, unit_type="department",
            top_links=[("江门市人民政府", "/index.html"), ("政务公开", "/zwgk/")],
            crumbs=[("首页", "/index.html"), ("部门频道", "/bmpd/"), (FGJ, "/bmpd/fgj/index.html")],
            nav=[("首页", "/bmpd/fgj/index.html"), ("工作动态", "/bmpd/fgj/gzdt/"),
                 ("通知公告", "/bmpd/fgj/tzgg/"), ("政策文件", "/bmpd/fgj/zcwj/"),
                 ("政策解读", "/bmpd/fgj/zcjd/"), ("政府信息公开", "/bmpd/fgj/zfxxgk/"),
                 ("政府信息公开年报", "/bmpd/fgj/ndbg/"), ("粤港澳大湾区", "/bmpd/fgj/ygadwq/")],
            blocks=[
                Block("工作动态", column="/bmpd/fgj/gzdt/", count=5, css="box news"),
                Block("通知公告", column="/bmpd/fgj/tzgg/", count=5),
                Block("政策文件", column="/bmpd/fgj/zcwj/", count=5),
                Block("政策解读", column="/bmpd/fgj/zcjd/", count=4),
                Block("粤港澳大湾区", column="/bmpd/fgj/ygadwq/", count=4),
                Block("政府信息公开", links=[
                    ("政府信息公开指南", "/bmpd/fgj/zfxxgk/zn/"),
                    ("政府信息主动公开目录", "/bmpd/fgj/zfxxgk/fdzdgknr/"),
                    ("依申请公开", "/bmpd/fgj/zfxxgk/ysqgk/"),
                    ("政府信息公开年报", "/bmpd/fgj/ndbg/"),
                    ("法治政府建设年度报告", "/bmpd/fgj/zfxxgk/fzzfjs/"),
                    ("市政府信息公开", "/zwgk/zfxxgk/")]),
            ]),
    ]

    # ---- 要闻动态 ---------------------------------------------------------------------------------
    s.add_column(Column("/zwdt/", "要闻动态", page_size=6), [
        news(as_of, 2, "江门市召开全市高质量发展大会"),
        news(as_of, 3, "市政府常务会议研究部署防汛防旱防风工作"),
        news(as_of, 5, "江门市2个项目入选省重点建设项目名单"),
        news(as_of, 7, "江门市举办侨都人才交流大会"),
        news(as_of, 9, "市领导调研港口物流发展情况"),
        news(as_of, 12, "江门市推进“百县千镇万村高质量发展工程”现场会召开"),
        news(as_of, 15, "全市安全生产工作会议召开"),
        news(as_of, 19, "江门市启动全民健身运动会"),
        news(as_of, 24, "江门市开展防汛防风应急演练"),
        with_id(NO_COLUMNNAME, news(as_of, 10, "江门市召开全市民营经济发展大会")),
    ])

    # ---- 政务公开 ---------------------------------------------------------------------------------
    s.add_column(Column("/zwgk/", "政务公开", style="hub",
                        links=[("政务服务", "https://www.gdzwfw.gov.cn/")]))
    s.add_column(Column("/zwgk/tzgg/", "通知公告", parent="/zwgk/", page_size=5), [
        notice(as_of, 5, "关于开展全市消防安全大检查的通知", OFFICE),
        notice(as_of, 8, "江门市人民政府办公室关于调整部分节假日期间工作安排的通知", OFFICE),
        notice(as_of, 13, "关于公布江门市第三批市级非物质文化遗产代表性项目名录的通告", CITY),
        notice(as_of, 20, "关于征集重点民生实事项目的公告", OFFICE),
        notice(as_of, 27, "江门市人民政府关于划定禁止燃放烟花爆竹区域的通告", CITY),
        notice(as_of, 44, "江门市住房公积金管理委员会关于调整住房公积金缴存基数的通知", OFFICE),
        notice(as_of, 58, "关于做好防御台风工作的紧急通知", OFFICE),
        notice(as_of, 71, "关于公开招聘市直机关事业单位工作人员的公告", OFFICE),
        notice(as_of, 90, "关于举办江门市创新创业大赛的通知", OFFICE),
        notice(as_of, 150, "关于开展全市第五次全国经济普查的公告", CITY),
        with_id(NO_PUBDATE, notice(as_of, 16, "关于开展城镇燃气安全专项整治的通知", OFFICE)),
        with_id(BROKEN, notice(as_of, 35, "关于印发江门市城市道路井盖设施管理办法的通知", OFFICE)),
    ])
    s.add_column(Column("/zwgk/zfgb/", "政府公报", parent="/zwgk/", intro="江门市人民政府公报"), [
        news(as_of, 10 + 30 * i, f"江门市人民政府公报（第{12 - i}期）", source=OFFICE,
             body=[f"《江门市人民政府公报》第{12 - i}期目录。", "【市政府文件】", "【市政府办公室文件】",
                   "【部门规范性文件】"])
        for i in range(3)
    ])

    # ---- 政府信息公开 ----------------------------------------------------------------------------
    x = "/zwgk/zfxxgk/"
    s.add_column(Column(x, "政府信息公开", parent="/zwgk/", style="hub"))
    s.add_column(Column(x + "zn/", "政府信息公开指南", parent=x), [
        news(as_of, 60, "江门市人民政府政府信息公开指南", source=OFFICE, body=[
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "一、主动公开。二、依申请公开。三、收费标准。四、监督和救济。"]),
        news(as_of, 200, "江门市人民政府办公室政府信息公开指南（修订）", source=OFFICE),
        news(as_of, 400, "政府信息公开申请表（样表）", source=OFFICE),
    ])
    s.add_column(Column(x + "fdzdgknr/", "法定主动公开内容", parent=x, link_text="政府信息主动公开目录"), [
        news(as_of, 20, "江门市人民政府领导分工", source=OFFICE),
        news(as_of, 30, "江门市人民政府机构职能", source=OFFICE),
        news(as_of, 45, "江门市本级财政预算决算", source="江门市财政局"),
        news(as_of, 60, "江门市人民政府工作报告", source=OFFICE),
        news(as_of, 90, "江门市国民经济和社会发展统计公报", source="江门市统计局"),
    ])
    s.add_column(Column(x + "gfxwj/", "规范性文件", parent=x, style="table", page_size=5), [
        document(as_of, 15, "江门市人民政府关于印发江门市促进民营经济高质量发展若干措施的通知",
                 CITY, "江府〔{y}〕12号"),
        document(as_of, 40, "江门市人民政府办公室关于印发江门市城市道路占用挖掘管理办法的通知",
                 OFFICE, "江府办〔{y}〕8号"),
        document(as_of, 70, "江门市人民政府关于印发江门市生活垃圾分类管理办法的通知",
                 CITY, "江府规〔{y}〕3号"),
        document(as_of, 110, "江门市人民政府办公室关于印发江门市公共租赁住房管理办法的通知",
                 OFFICE, "江府办规〔{y}〕5号"),
        document(as_of, 160, "江门市人民政府关于印发江门市城乡居民基本医疗保险实施办法的通知",
                 CITY, "江府规〔{y}〕2号"),
        document(as_of, 400, "江门市人民政府关于印发江门市扶持企业上市若干措施的通知",
                 CITY, "江府〔{y}〕30号", validity="已废止"),
        document(as_of, 700, "江门市人民政府办公室关于印发江门市户籍管理规定的通知",
                 OFFICE, "江府办〔{y}〕21号", validity="失效"),
    ])
    s.add_column(Column(x + "xzgzk/", "行政规章库", parent=x), [
        document(as_of, 300 + 250 * i, title, CITY, f"江门市人民政府令第{n}号", topic="政府规章")
        for i, (n, title) in enumerate([
            (9, "江门市城市市容和环境卫生管理规定"), (8, "江门市扬尘污染防治管理办法"),
            (7, "江门市生活饮用水水源保护规定")])
    ])
    s.add_column(Column(x + "ysqgk/", "依申请公开", parent=x), [
        news(as_of, 120, "江门市人民政府依申请公开办理流程", source=OFFICE),
        news(as_of, 121, "政府信息公开申请受理机构及联系方式", source=OFFICE),
        news(as_of, 200, "依申请公开答复文书样本", source=OFFICE),
    ])
    s.add_column(Column(x + "zcjd/", "政策解读", parent=x, page_size=6))
    s.add_column(Column(x + "ndbg/", "政府信息公开年报", parent=x),
                 annual_reports(CITY, as_of, 1, 20, CITY_WORDING, source=OFFICE, issues_rules=True))
    s.add_column(Column(x + "fzzfjs/", "法治政府建设年度报告", parent=x),
                 law_reports(CITY, as_of, 2, 24, CITY_LAW_REPORT, source="江门市司法局"))
    s.add_column(Column(x + "zdly/", "重点领域信息公开", parent=x, style="hub"))
    s.add_column(Column(x + "zdly/wjybjy/", "稳就业保就业", parent=x + "zdly/"), [
        news(as_of, 6, "江门市高校毕业生就业创业政策汇编", source="江门市人力资源和社会保障局"),
        news(as_of, 21, "江门市开展“春风行动”专场招聘会", source="江门市人力资源和社会保障局"),
        news(as_of, 50, "江门市退役军人就业创业扶持政策解读", source="江门市退役军人事务局"),
    ])
    s.add_column(Column(x + "zdly/jygzlfz/", "教育高质量发展", parent=x + "zdly/"), [
        news(as_of, 9, "江门市新增公办优质学位建设进展情况", source="江门市教育局"),
        news(as_of, 33, "江门市校外培训机构白名单公示", source="江门市教育局"),
        news(as_of, 66, "江门市普惠性幼儿园认定结果公布", source="江门市教育局"),
    ])
    s.add_column(Column(x + "zdly/jkgdjm/", "健康广东（江门）", parent=x + "zdly/"), [
        news(as_of, 4, "江门市医疗卫生机构信息公开基本目录", source="江门市卫生健康局"),
        news(as_of, 28, "江门市家庭医生签约服务工作进展", source="江门市卫生健康局"),
        news(as_of, 55, "江门市基本公共卫生服务项目实施情况", source="江门市卫生健康局"),
    ])
    s.add_column(Column(x + "ggqsydw/", "公共企事业单位信息公开", parent=x), [
        news(as_of, 14, "江门市公共企事业单位信息公开适用主体清单", source=OFFICE),
        news(as_of, 40, "江门市供水企业服务信息公开", source="江门市水务局"),
        news(as_of, 80, "江门市公交企业运营信息公开", source="江门市交通运输局"),
    ])

    # ---- 专题专栏 ---------------------------------------------------------------------------------
    s.add_column(Column("/ztzl/", "专题专栏", style="hub"))
    s.add_column(Column("/ztzl/yshj/", "营商环境", parent="/ztzl/"), [
        document(as_of, 6, "江门市人民政府关于印发江门市优化营商环境三年行动方案的通知",
                 CITY, "江府〔{y}〕20号"),
        news(as_of, 11, "江门市推行“一照多址”改革 便利企业经营", source="江门市市场监督管理局"),
        news(as_of, 25, "江门市工程建设项目审批制度改革实施情况", source="江门市住房和城乡建设局"),
        news(as_of, 39, "江门市涉企收费清单公示", source="江门市发展和改革局"),
    ])
    s.add_column(Column("/ztzl/wjj/", "稳经济", parent="/ztzl/"), [
        document(as_of, 8, "江门市人民政府关于印发江门市贯彻落实稳经济一揽子政策措施实施方案的通知",
                 CITY, "江府〔{y}〕25号"),
        news(as_of, 18, "江门市餐饮住宿零售行业纾困帮扶政策汇编", source="江门市商务局"),
        news(as_of, 31, "江门市中小微企业贷款贴息申报指引", source="江门市财政局"),
        news(as_of, 47, "江门市助企纾困政策问答", source="江门市工业和信息化局"),
    ])
    s.add_column(Column("/ztzl/ygadwq/", "粤港澳大湾区", parent="/ztzl/"), [
        news(as_of, 3, "江门市深度参与粤港澳大湾区建设工作要点", source=FGJ),
        news(as_of, 17, "大广海湾经济区建设进展情况", source=FGJ),
        news(as_of, 29, "江门市与港澳青年创新创业基地合作签约", source="江门市科学技术局"),
        news(as_of, 52, "粤港澳大湾区“湾区通”工程江门实施清单", source=FGJ),
    ])

    s.add_column(Column("/ztzl/yqfk/", "疫情防控", parent="/ztzl/"), [
        news(as_of, 6, "江门市疫苗接种点及服务时间安排", source="江门市卫生健康局"),
        news(as_of, 20, "江门市发热门诊和发热诊室设置情况", source="江门市卫生健康局"),
        news(as_of, 41, "江门市传染病防控健康提示", source="江门市疾病预防控制中心"),
    ])

    # ---- 互动交流 ---------------------------------------------------------------------------------
    s.add_column(Column("/hdjl/", "互动交流", style="hub"))
    s.add_column(Column("/hdjl/yjzj/", "意见征集", parent="/hdjl/"), [
        news(as_of, 7, "关于征求《江门市城市绿化条例（修订草案征求意见稿）》意见的公告", source="江门市司法局"),
        news(as_of, 19, "关于征求《江门市养犬管理规定（草案）》意见的公告", source="江门市司法局"),
        news(as_of, 43, "关于征求江门市国土空间总体规划意见的公告", source="江门市自然资源局"),
        news(as_of, 88, "关于征求《江门市电动自行车管理规定（草案）》意见的公告", source="江门市司法局"),
        with_id(NO_CONTENTSOURCE, news(as_of, 26, "关于征求江门市公交线网优化方案意见的公告",
                                       source="江门市交通运输局")),
    ])
    s.add_column(Column("/hdjl/zcwd/", "政策问答", parent="/hdjl/", link_text="政策问答",
                        column_type="政策咨询"), [
        news(as_of, 4, "新市民如何申请公共租赁住房？", source="江门市住房和城乡建设局"),
        news(as_of, 12, "高校毕业生来江门就业有哪些补贴？", source="江门市人力资源和社会保障局"),
        news(as_of, 36, "个体工商户如何办理简易注销？", source="江门市市场监督管理局"),
        news(as_of, 60, "城乡居民医保如何办理异地就医备案？", source="江门市医疗保障局"),
        with_id(SOFT_404, news(as_of, 22, "企业如何申请技术改造资金补助？",
                               source="江门市工业和信息化局")),
    ])

    # ---- 部门频道 ---------------------------------------------------------------------------------
    s.add_column(Column("/bmpd/", "部门频道", style="hub", links=[(FGJ, "/bmpd/fgj/index.html")]))

    # ---- 江门市发展和改革局 channel ----------------------------------------------------------------
    f = "/bmpd/fgj/"
    s.add_column(Column(f + "gzdt/", "工作动态", page_size=6), [
        news(as_of, 1, "市发展改革局召开重点项目建设推进会", source=FGJ),
        news(as_of, 6, "市发展改革局开展春节前重要民生商品价格巡查", source=FGJ),
        news(as_of, 13, "市发展改革局赴银湖湾滨海新区调研重大平台建设", source=FGJ),
        news(as_of, 27, "市发展改革局举办社会信用体系建设培训班", source=FGJ),
    ])
    s.add_column(Column(f + "tzgg/", "通知公告", page_size=5), [
        notice(as_of, 3, "关于组织申报省级服务业发展引导专项资金的通知", FGJ),
        notice(as_of, 10, "关于开展价格监测工作的通知", FGJ),
        notice(as_of, 23, "关于公布江门市重点建设项目计划的通知", FGJ),
        notice(as_of, 41, "关于做好迎峰度夏电力保供工作的通知", FGJ),
        notice(as_of, 62, "关于开展粮食安全责任制考核工作的通知", FGJ),
    ])
    s.add_column(Column(f + "zcwj/", "政策文件", style="table"), [
        with_id(FGJ_DOC_PROJECTS, document(
            as_of, 12, "江门市发展和改革局关于印发江门市重点项目管理办法的通知",
            FGJ, "江发改规〔{y}〕2号", index_prefix="00719")),
        with_id(FGJ_DOC_PRICING, document(
            as_of, 48, "江门市发展和改革局关于规范定价成本监审工作的通知",
            FGJ, "江发改〔{y}〕56号", index_prefix="00719")),
        document(as_of, 130, "江门市发展和改革局关于印发江门市政府投资项目管理办法实施细则的通知",
                 FGJ, "江发改规〔{y}〕1号", index_prefix="00719"),
        document(as_of, 520, "江门市发展和改革局关于印发江门市定价目录的通知",
                 FGJ, "江发改规〔{y}〕4号", index_prefix="00719", validity="已废止"),
    ])
    s.add_column(Column(f + "zcjd/", "政策解读"))
    s.add_column(Column(f + "zfxxgk/", "政府信息公开", style="hub"))
    s.add_column(Column(f + "zfxxgk/zn/", "政府信息公开指南", parent=f + "zfxxgk/"), [
        news(as_of, 75, "江门市发展和改革局政府信息公开指南", source=FGJ, body=[
            "根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "一、主动公开。二、依申请公开。三、监督和救济。受理机构：江门市发展和改革局办公室。"]),
        news(as_of, 380, "江门市发展和改革局政府信息公开申请表", source=FGJ),
    ])
    s.add_column(Column(f + "zfxxgk/fdzdgknr/", "法定主动公开内容", parent=f + "zfxxgk/",
                        link_text="政府信息主动公开目录"), [
        news(as_of, 30, "江门市发展和改革局机构职能", source=FGJ),
        news(as_of, 58, "江门市发展和改革局部门预算", source=FGJ),
    ])
    s.add_column(Column(f + "zfxxgk/ysqgk/", "依申请公开", parent=f + "zfxxgk/"), [
        news(as_of, 140, "江门市发展和改革局依申请公开办理流程", source=FGJ),
        news(as_of, 141, "江门市发展和改革局政府信息公开申请受理渠道", source=FGJ),
    ])
    s.add_column(Column(f + "zfxxgk/fzzfjs/", "法治政府建设年度报告", parent=f + "zfxxgk/"),
                 law_reports(FGJ, as_of, 2, 17, FGJ_LAW_REPORT, years=2))
    s.add_column(Column(f + "ndbg/", "政府信息公开年报"),
                 annual_reports(FGJ, as_of, 1, 25, FGJ_WORDING))
    s.add_column(Column(f + "ygadwq/", "粤港澳大湾区"), [
        news(as_of, 5, "江门市推进粤港澳大湾区重大平台建设情况", source=FGJ),
        news(as_of, 26, "江门市参与大湾区国际科技创新中心建设进展", source=FGJ),
        news(as_of, 57, "深江铁路江门段建设进展", source=FGJ),
        news(as_of, 91, "大湾区“轨道上的城市群”江门项目清单", source=FGJ),
    ])

    _message_box(s, as_of)

    # ---- 政策解读: published with each document in force (三同步) --------------------------------
    interpret_all(s, [x + "gfxwj/"], x + "zcjd/", as_of)
    interpret_all(s, [f + "zcwj/"], f + "zcjd/", as_of)
    return s


# ---- 市长信箱 (item 32) -----------------------------------------------------------------------------
def _message_box(s, as_of):
    """The 市长信箱 under 互动交流, compliant in both twins: every letter answered within the
    promised 10 working days, the newest (2 days old) still 办理中."""
    add_box(s, "/hdjl/szxx/", "市长信箱", "/hdjl/", "市长信箱来信将在10个工作日内予以答复。", [
        letter(as_of, 2, "关于蓬江区某路段交通信号灯配时的建议", "林**",
               "建设路与港口路交叉口早高峰左转绿灯时间太短，建议延长。", "办理中"),
        letter(as_of, 9, "关于江门市人才安居补贴申领条件的咨询", "冯**",
               "硕士研究生来江门工作，申请人才安居补贴需要满足什么条件？", "已回复", 3,
               "江门市人力资源和社会保障局", "冯先生：您好！在我市就业并缴纳社保满6个月即可申请，详见市人社局网站办事指南。"),
        letter(as_of, 30, "关于潮连岛轮渡班次调整的意见", "区**",
               "潮连岛轮渡晚上最后一班太早，建议延长到22点。", "已回复", 7,
               "江门市交通运输局", "您好！经与运营单位研究，自下月起末班船延长至21:30。"),
        letter(as_of, 61, "关于新建住宅小区配套幼儿园移交的咨询", "赵**",
               "我们小区配套幼儿园建好两年一直没有开办，请问何时移交教育部门？", "已回复", 10,
               "江门市教育局", "赵女士：您好！该幼儿园已完成移交手续，将于今年秋季学期开园招生。"),
        letter(as_of, 130, "关于市区共享单车乱停放的投诉", "何**",
               "东华路一带共享单车堆放占用人行道。", "已回复", 4,
               "江门市城市管理和综合执法局", "何先生：您好！已督促运营企业清理并增设停放区。"),
    ])


# ---- the twin with planted problems --------------------------------------------------------------
def _no_wenjingji(s, as_of):
    s.remove_column("/ztzl/wjj/")


def _empty_yingshang(s, as_of):
    s.columns["/ztzl/yshj/"].articles.clear()


def _siteidcode_mismatch(s, as_of):
    s.site_id_code = "4407000099"


def _no_conac(s, as_of):
    s.conac_id = None


def _no_accessibility(s, as_of):
    s.toolbar = False
    s.toolbar_script = None


def _omit(doc_id, name):
    def plant(s, as_of):
        s.article(doc_id).omit_meta.add(name)
    return plant


def _broken_link(s, as_of):
    s.article(BROKEN).missing = True


def _soft_404(s, as_of):
    s.article(SOFT_404).kind = "soft404"


def _fgj_no_gba(s, as_of):
    s.remove_column("/bmpd/fgj/ygadwq/")


def _fgj_no_interpretations(s, as_of):
    """Two of the 发改局's three recent 政策文件 went out without their 解读."""
    for doc_id in (FGJ_DOC_PROJECTS, FGJ_DOC_PRICING):
        for _label, interp in list(s.article(doc_id).related):
            s.remove_article(interp)


def _fgj_report_misprint(s, as_of):
    """The 发改局's latest annual report: （一）予以公开 shows 5 requests too many for 自然人 (the
    row's own 总计 follows), so the rows no longer add up to （七）总计."""
    for report in s.columns["/bmpd/fgj/ndbg/"].articles:
        if report.report_year == as_of.year - 1:
            report.doc_id = FGJ_REPORT_TYPO
            row = "（一）予以公开"
            report.report_stats.misprints[row] = report.report_stats.outcomes[row] + 5


def _fgj_copied_report(s, as_of):
    """The 发改局's annual reports copy the city government's wording with the names changed."""
    for report in s.columns["/bmpd/fgj/ndbg/"].articles:
        report.report_text = report_text(CITY_WORDING, FGJ, report.report_year, report.report_stats)


def _no_security_headers(s, as_of):
    s.security_headers = False


PLANTS = {
    "column-missing-wenjingji": _no_wenjingji,
    "column-empty-yingshang": _empty_yingshang,
    "siteidcode-mismatch": _siteidcode_mismatch,
    "conac-identity-missing": _no_conac,
    "accessibility-entry-missing": _no_accessibility,
    "meta-missing-pubdate": _omit(NO_PUBDATE, "PubDate"),
    "meta-missing-columnname": _omit(NO_COLUMNNAME, "ColumnName"),
    "meta-missing-contentsource": _omit(NO_CONTENTSOURCE, "ContentSource"),
    "broken-link": _broken_link,
    "soft-404": _soft_404,
    "column-missing-gba": _fgj_no_gba,
    "annual-report-copied": _fgj_copied_report,
    "policy-interpretation-missing": _fgj_no_interpretations,
    "annual-report-identity-broken": _fgj_report_misprint,
    "security-headers-missing": _no_security_headers,
}
