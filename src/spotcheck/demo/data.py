"""Reference tables for the synthetic Jinfeng District demo data.

Everything generated from these tables is fabricated: target names carry the 「（演示）」 prefix,
inspector certificate numbers start with ``DEMO-`` and item codes with ``DEMO-``, so demo rows
can never be mistaken for (or collide with) a real directory and can be wiped with ``--reset``.
Industry codes are real GB/T 4754-2017 classes; the legal bases cite the real regulations.
"""

from __future__ import annotations

from typing import NamedTuple

SEED = 20231
REGION_CODE = "640106"  # 银川市金凤区 administrative division code
NAME_PREFIX = "（演示）"
CODE_PREFIX = "DEMO-"
PASSWORD = "Demo-2026!"

BANNER = (
    "演示数据（全部为虚构）：银川市金凤区（区划代码 640106）和兴庆区（640104）的检查对象、"
    "执法人员和抽查事项均为程序生成，名称带「（演示）」前缀，与任何真实主体无关。"
)


class BureauRow(NamedTuple):
    code: str
    name: str
    level: str
    parent: str | None


# One deployment for the province: the demo's own district (金凤区), a second district
# (兴庆区) and the city above both. The names say 演示 so no one mistakes them for real ones.
HOME_BUREAU = "jinfeng"
BUREAUS: tuple[BureauRow, ...] = (
    BureauRow("ningxia", "宁夏回族自治区商务厅（演示）", "province", None),
    BureauRow("yinchuan", "银川市商务局（演示）", "city", "ningxia"),
    BureauRow(HOME_BUREAU, "金凤区商务局（演示）", "district", "yinchuan"),
    BureauRow("xingqing", "兴庆区商务局（演示）", "district", "yinchuan"),
)
SECOND_DISTRICT_REGIONS = ("解放街街道", "鼓楼街道", "胜利街街道")
SECOND_DISTRICT_CODE = "640104"  # 银川市兴庆区 administrative division code


class DeptRow(NamedTuple):
    code: str
    name: str
    is_external: bool
    bureau: str = HOME_BUREAU


DEPARTMENTS: tuple[DeptRow, ...] = (
    DeptRow("market", "市场建设科", False),
    DeptRow("trade", "商贸流通科", False),
    DeptRow("foreign", "外资外经科", False),
    DeptRow("amr", "区市场监督管理局", True),
    # Same name as 金凤区's: a department's name is unique within its bureau only.
    DeptRow("xq-market", "市场建设科", False, "xingqing"),
    DeptRow("yc-order", "市场秩序科", False, "yinchuan"),
)


class UserRow(NamedTuple):
    username: str
    role: str
    display_name: str
    department: str | None
    oversees: tuple[str, ...] = ()
    bureau: str | None = None  # users without a department: None = the whole province


DEMO_USERS: tuple[UserRow, ...] = (
    UserRow("demo_admin", "admin", "系统管理员（演示）", None),
    UserRow("demo_section", "section", "马晓燕（演示）", "market"),
    UserRow("demo_section2", "section", "丁文博（演示）", "trade"),
    # A second clerk of 市场建设科: reviews what demo_section submits (reviewer ≠ author).
    UserRow("demo_section3", "section", "张丽（演示）", "market"),
    UserRow("demo_inspector", "inspector", "杨志刚（演示）", "market"),
    UserRow("demo_legal", "legal_reviewer", "纳慧敏（演示）", None),
    UserRow("demo_leader", "leader", "王建国（演示）", "market", ("market", "trade")),
    UserRow("demo_auditor", "auditor", "李清（演示）", None),
    # The second district and the city: each bureau's staff see their own bureaus only.
    UserRow("demo_xq_section", "section", "马兰（演示）", "xq-market"),
    UserRow("demo_xq_leader", "leader", "杨帆（演示）", "xq-market"),
    UserRow("demo_city_auditor", "auditor", "周正（演示）", None, bureau="yinchuan"),
    UserRow("demo_city_admin", "admin", "市局管理员（演示）", None, bureau="yinchuan"),
)

DISCLOSURE = "国家企业信用信息公示系统（宁夏）、金凤区人民政府网站"


class ItemRow(NamedTuple):
    code: str
    name: str
    legal_basis: str
    department: str
    content: str
    target_kinds: tuple[str, ...]
    category: str  # "general" | "key"


ITEMS: tuple[ItemRow, ...] = (
    ItemRow(
        "DEMO-SW-01",
        "单用途商业预付卡发卡企业备案及资金管理情况检查",
        "《单用途商业预付卡管理办法（试行）》（商务部令2012年第9号，2016年修订）",
        "trade",
        "发卡企业是否按规定办理备案；预收资金是否按规定存管；是否按规定建立购卡实名登记、"
        "大额购卡非现金结算及业务处理系统；单张卡面额、有效期与退卡规定执行情况；季度报告报送情况。",
        ("enterprise", "individual"),
        "key",
    ),
    ItemRow(
        "DEMO-SW-02",
        "报废机动车回收拆解企业经营行为检查",
        "《报废机动车回收管理办法》（国务院令第715号）；"
        "《报废机动车回收管理办法实施细则》（商务部等7部门令2020年第2号）",
        "market",
        "是否取得资质认定并在认定范围内经营；回收报废机动车是否出具《报废机动车回收证明》；"
        "“五大总成”拆解与销售是否合规；回收拆解信息是否按规定录入全国汽车流通信息管理系统；"
        "拆解场地及环保设施是否符合要求。",
        ("enterprise",),
        "key",
    ),
    ItemRow(
        "DEMO-SW-03",
        "再生资源回收经营者备案及经营情况检查",
        "《再生资源回收管理办法》（商务部等6部门令2007年第8号，2019年修订）",
        "market",
        "是否按规定向商务主管部门备案；回收生产性废旧金属是否如实登记；"
        "回收站点设置及经营场所是否符合要求；是否收购禁止收购的物品。",
        ("enterprise", "individual", "cooperative"),
        "general",
    ),
    ItemRow(
        "DEMO-SW-04",
        "拍卖企业经营行为检查",
        "《中华人民共和国拍卖法》；《拍卖管理办法》（商务部令2004年第24号，2019年修订）",
        "trade",
        "拍卖企业设立及变更是否依规办理；拍卖师执业情况；拍卖公告、展示、委托及成交确认书等"
        "业务档案是否完整；是否存在违规拍卖或恶意串通行为。",
        ("enterprise",),
        "general",
    ),
    ItemRow(
        "DEMO-SW-05",
        "外商投资信息报告情况检查",
        "《中华人民共和国外商投资法》第三十四条；"
        "《外商投资信息报告办法》（商务部 国家市场监督管理总局令2019年第2号）",
        "foreign",
        "外商投资企业是否按规定报送初始、变更、注销及年度报告；报送信息是否真实、准确、完整；"
        "投资项目进展与报告信息是否一致。",
        ("enterprise", "project"),
        "general",
    ),
    ItemRow(
        "DEMO-SW-06",
        "商业特许经营备案及信息披露检查",
        "《商业特许经营管理条例》（国务院令第485号）；"
        "《商业特许经营备案管理办法》（商务部令2011年第5号）；"
        "《商业特许经营信息披露管理办法》（商务部令2012年第2号）",
        "trade",
        "特许人是否具备“两店一年”条件并按规定备案；是否按规定向被特许人披露信息；"
        "特许经营合同主要条款是否符合规定；年度报告报送情况。",
        ("enterprise",),
        "general",
    ),
    ItemRow(
        "DEMO-SW-07",
        "二手车交易市场及经营主体经营行为检查",
        "《二手车流通管理办法》（商务部 公安部 工商总局 税务总局令2005年第2号，2017年修订）",
        "market",
        "二手车交易市场经营者和二手车经营主体备案情况；是否建立车辆来源及交易档案；"
        "是否按规定开具二手车销售统一发票；是否提供质量保证及售后服务承诺。",
        ("enterprise", "individual"),
        "general",
    ),
    ItemRow(
        "DEMO-AMR-01",
        "企业公示信息情况检查（跨部门联合）",
        "《企业信息公示暂行条例》（国务院令第654号）",
        "amr",
        "企业年度报告公示信息、即时公示信息的真实性、及时性；登记住所（经营场所）能否联系。",
        ("enterprise", "cooperative"),
        "general",
    ),
)


class Industry(NamedTuple):
    code: str  # GB/T 4754-2017 class, with its section letter
    name: str
    suffixes: tuple[str, ...]  # enterprise name endings
    shop: tuple[str, ...]  # individual-business name endings ("" = no individuals)
    departments: tuple[str, ...]  # owning sections
    key: bool  # key industry for these items (prepaid cards, vehicles, recycling, fuel)
    weight: int  # relative frequency among enterprises / individuals


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "F5211", "百货零售", ("商贸有限公司", "百货有限公司"), ("百货商店",), ("trade",), True, 9
    ),
    Industry(
        "F5212", "超级市场零售", ("超市有限公司", "商贸有限公司"), ("超市",), ("trade",), True, 9
    ),
    Industry("F5213", "便利店零售", ("便利店有限公司",), ("便利店",), ("trade",), False, 10),
    Industry("F5219", "其他综合零售", ("商贸有限公司",), ("商行",), ("trade",), False, 6),
    Industry("F5123", "果品、蔬菜批发", ("农产品有限公司",), ("果蔬批发部",), ("trade",), False, 4),
    Industry(
        "F5224", "肉、禽、蛋、奶及水产品零售", ("食品有限公司",), ("鲜肉店",), ("trade",), False, 4
    ),
    Industry("F5226", "酒、饮料及茶叶零售", ("酒业有限公司",), ("烟酒茶行",), ("trade",), False, 4),
    Industry("F5232", "服装零售", ("服饰有限公司",), ("服装店",), ("trade",), False, 5),
    Industry(
        "F5234", "化妆品及卫生用品零售", ("化妆品有限公司",), ("化妆品店",), ("trade",), False, 3
    ),
    Industry("F5272", "日用家电零售", ("电器有限公司",), ("家电商行",), ("trade",), False, 3),
    Industry("F5274", "通信设备零售", ("通讯器材有限公司",), ("手机店",), ("trade",), False, 3),
    Industry("F5281", "五金零售", ("五金建材有限公司",), ("五金店",), ("trade",), False, 3),
    Industry("F5292", "互联网零售", ("电子商务有限公司",), (), ("trade",), False, 4),
    Industry(
        "F5191",
        "再生物资回收与批发",
        ("再生资源回收有限公司", "物资回收有限公司"),
        ("废品收购站",),
        ("market",),
        True,
        6,
    ),
    Industry(
        "C4210", "金属废料和碎屑加工处理", ("报废汽车回收拆解有限公司",), (), ("market",), True, 1
    ),
    Industry("F5261", "汽车新车零售", ("汽车销售服务有限公司",), (), ("market",), False, 4),
    Industry(
        "F5262",
        "汽车旧车零售",
        ("二手车经纪有限公司", "二手车销售有限公司"),
        ("二手车行",),
        ("market",),
        True,
        4,
    ),
    Industry("F5263", "汽车零配件零售", ("汽车配件有限公司",), ("汽配店",), ("market",), False, 3),
    Industry("F5265", "机动车燃油零售", ("石化能源有限公司",), (), ("market",), True, 2),
    Industry(
        "O8111", "汽车修理与维护", ("汽车维修服务有限公司",), ("汽车修理厂",), ("market",), False, 3
    ),
    Industry("L7223", "市场管理服务", ("市场管理有限公司",), (), ("market",), False, 2),
    Industry("F5182", "一般物品拍卖", ("拍卖有限公司",), (), ("trade",), False, 1),
    Industry("F5183", "艺术品、收藏品拍卖", ("拍卖行有限公司",), (), ("trade",), False, 1),
    Industry(
        "H6210",
        "正餐服务",
        ("餐饮管理有限公司", "餐饮有限公司"),
        ("饭庄", "餐馆"),
        ("trade",),
        True,
        9,
    ),
    Industry("H6220", "快餐服务", ("餐饮服务有限公司",), ("快餐店", "面馆"), ("trade",), False, 7),
    Industry("H6232", "咖啡馆服务", ("咖啡有限公司",), ("咖啡馆",), ("trade",), False, 2),
    Industry("H6110", "旅游饭店", ("酒店管理有限公司",), (), ("trade",), False, 2),
    Industry(
        "O8040", "理发及美容服务", ("美容美发有限公司",), ("美发店", "美容馆"), ("trade",), True, 6
    ),
    Industry("O8051", "洗浴服务", ("洗浴服务有限公司",), ("浴池",), ("trade",), True, 2),
    Industry(
        "P8393", "文化艺术培训", ("教育咨询有限公司", "培训学校有限公司"), (), ("trade",), True, 3
    ),
)

# Investment projects and the industries they are classed under.
PROJECT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("商业综合体项目", "L7222", "商业综合体管理服务"),
    ("冷链物流园项目", "G5930", "低温仓储"),
    ("现代商贸物流中心项目", "G5920", "通用仓储"),
    ("城市更新及商业街区改造项目", "K7010", "房地产开发经营"),
    ("再生资源分拣中心项目", "F5191", "再生物资回收与批发"),
    ("汽车后市场产业园项目", "F5261", "汽车新车零售"),
    ("跨境电商产业园项目", "F5292", "互联网零售"),
)

COOPERATIVE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("蔬菜种植专业合作社", "A0141", "蔬菜种植"),
    ("果蔬购销专业合作社", "F5123", "果品、蔬菜批发"),
    ("再生资源回收专业合作社", "F5191", "再生物资回收与批发"),
)

# Foreign-invested enterprises are owned by 外资外经科 and carry these industries.
FOREIGN_INDUSTRIES = ("F5211", "F5212", "F5261", "H6210", "F5292", "F5191")


class Region(NamedTuple):
    name: str
    places: tuple[str, ...]  # roads (streets) or villages (towns) for the address line
    weight: int


REGIONS: tuple[Region, ...] = (
    Region("黄河东路街道", ("黄河东路", "正源南街", "宝湖东路", "康平路"), 18),
    Region("北京中路街道", ("北京中路", "宁安大街", "亲水北大街", "泰康街"), 20),
    Region("上海西路街道", ("上海西路", "正源北街", "阅海湾中央商务区万寿路", "新昌西路"), 17),
    Region("长城中路街道", ("长城中路", "宁安南街", "南薰西路", "良田渠路"), 15),
    Region("满城北街街道", ("满城北街", "贺兰山中路", "人民广场东街", "枕水巷"), 14),
    Region("丰登镇", ("丰登镇润丰村", "丰登镇永丰村", "丰登镇新渠村"), 8),
    Region("良田镇", ("良田镇园子村", "良田镇和顺新村", "良田镇植物园村"), 8),
)

# Word pools for fabricated names. Two-syllable brand words are combined so that the 2,000+
# names are distinct without a long list.
BRAND_A = "鑫华恒宏瑞金凤银塞宁嘉盛德永泰丰源润昌隆兴鼎汇佳博怡和荣安康富天"
BRAND_B = "达源泰盛通诚信茂祥和丰利发顺成隆辉远华美阳晟宇邦悦禾泽林川"

SURNAMES = "王李张刘陈杨马丁纳海金赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董萧程曹袁邓许"
GIVEN = tuple(
    [
        "伟",
        "芳",
        "娜",
        "敏",
        "静",
        "丽",
        "强",
        "磊",
        "军",
        "洋",
        "勇",
        "艳",
        "杰",
        "娟",
        "涛",
        "明",
        "超",
        "秀英",
        "霞",
        "平",
        "刚",
        "桂英",
        "文",
        "辉",
        "建华",
        "玉兰",
        "海燕",
        "志强",
        "晓东",
        "学军",
        "红梅",
        "国庆",
        "兴宁",
        "春花",
        "永福",
        "瑞",
    ]
)


class InspectorPlan(NamedTuple):
    department: str
    size: int
    expertise: str  # GB/T 4754 divisions, comma separated
    items: tuple[str, ...]  # item codes the inspector is expert in


INSPECTOR_PLAN: tuple[InspectorPlan, ...] = (
    InspectorPlan("market", 13, "F51,F52,C42,O81", ("DEMO-SW-02", "DEMO-SW-03", "DEMO-SW-07")),
    InspectorPlan("trade", 12, "F52,H61,H62,O80", ("DEMO-SW-01", "DEMO-SW-04", "DEMO-SW-06")),
    InspectorPlan("foreign", 7, "F52,K70,L72", ("DEMO-SW-05",)),
    InspectorPlan("amr", 8, "F51,F52,H62", ("DEMO-AMR-01",)),
)

CONFLICT_NOTES = {
    "kin": "配偶的兄弟在该单位任负责人",
    "former_employment": "2019年前曾在该单位任职",
    "shareholding": "近亲属持有该单位股份",
    "other": "与该单位负责人系同学，主动申报回避",
}
