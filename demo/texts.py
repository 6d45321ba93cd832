"""What the synthetic residents, units and staff write: a phrase bank per taxonomy category
and the notes, replies and comments of the handling. Demo content only."""

from feedback.models import RequestType

# Phrase bank: what residents write, per taxonomy category. Slots: {community}, {street},
# {place}, {n} (building), {u} (entrance), {days}, {road}.
H, E, SU, C, R = (
    RequestType.HELP,
    RequestType.ENQUIRY,
    RequestType.SUGGESTION,
    RequestType.COMPLAINT,
    RequestType.REPORT,
)
ROADS = ["准噶尔路", "友谊路", "迎宾大道", "昆仑路", "世纪大道", "塔河路", "长征路", "油建南路"]
PLACES = ["小区东门", "小区北门", "幼儿园门口", "菜市场旁边", "公交站附近", "小广场", "楼后空地"]

PHRASES: dict[str, list[tuple[str, str]]] = {
    "policy-enquiry": [
        (E, "请问灵活就业人员的养老保险怎么在网上缴费？去年断缴了几个月还能补吗？"),
        (E, "孩子明年上小学，我们住在{community}，户口在外地，需要准备哪些材料？"),
        (E, "想问一下老年人高龄补贴怎么申请，{community}谁负责办理？"),
        (E, "退休后医保关系怎么转到克拉玛依？要去哪个窗口办？"),
        (E, "请问新能源车充电桩安装补贴的政策还有吗？在{street}怎么申请？"),
        (E, "居住证到期了，续办需要本人去派出所吗？能不能在社区办？"),
    ],
    "estate-property": [
        (H, "{community}{n}号楼楼道灯坏了{days}天了，晚上很黑，老人上下楼不安全。"),
        (C, "{community}的垃圾{days}天没有清运了，{place}堆得很多，夏天味道很大。"),
        (C, "{community}{n}号楼电梯经常停运，物业说没钱修，家里有老人腿脚不便。"),
        (C, "物业服务太差，{community}绿地被人占了种菜，反映给物业没人管。"),
        (H, "{community}{n}号楼{u}单元门禁坏了一个多月，外来人员随便进出。"),
        (C, "{community}{n}号楼顶楼漏水，找物业好几次都说等维修基金，一直拖着。"),
    ],
    "community-facilities": [
        (SU, "{community}停车位太少，晚上车都停到消防通道上了，建议规划一些停车位。"),
        (SU, "建议在{community}{place}装几个健身器材，现在老人孩子都没地方活动。"),
        (H, "{community}是老旧小区，外墙保温层脱落，希望列入老旧小区改造。"),
        (SU, "{community}没有电动车充电桩，很多人从楼上拉线充电，建议安装集中充电桩。"),
        (SU, "{community}{place}车开得很快，建议加装减速带，孩子上下学不安全。"),
        (SU, "希望在{community}附近开设社区卫生服务站，老人看病要跑很远。"),
    ],
    "neighbourhood": [
        (C, "{community}{n}号楼有住户养狗不拴绳，还经常半夜叫，已经影响休息{days}天了。"),
        (C, "楼上邻居每天晚上十一点以后还在敲敲打打，{community}{n}号楼，沟通过没用。"),
        (C, "{community}{n}号楼楼道里堆满了杂物和纸箱，存在消防隐患，邻居不愿意清理。"),
        (R, "{community}{n}号楼{u}单元有房子被改成群租，人员进出复杂，希望社区管一管。"),
    ],
    "civil-affairs-elderly": [
        (H, "我家老人八十多岁独居在{community}，想申请社区助餐服务，不知道怎么办。"),
        (SU, "{community}老年人多，建议开设老年助餐点，现在最近的在{street}另一头。"),
        (H, "家里有残疾人，想申请适老化和无障碍改造，{community}能帮忙吗？"),
        (H, "低保申请交上去{days}天了还没消息，请帮忙问一下进度。"),
    ],
    "heating": [
        (C, "{community}{n}号楼暖气不热，室温只有十四五度，家里有老人和孩子。"),
        (C, "今年供暖以来{community}{n}号楼{u}单元一直不达标，打热力公司电话没人处理。"),
        (H, "{community}{n}号楼停暖了，天这么冷，请尽快恢复供暖！"),
        (E, "供暖费今年为什么涨了？{community}的收费标准是多少，请给个说法。"),
    ],
    "water-drainage-gas": [
        (H, "{community}停水{days}天了，也没有提前通知，生活很不方便。"),
        (C, "{community}{n}号楼高层水压太低，早晚用水高峰基本没水。"),
        (C, "{road}{place}的下水道堵了，一下雨就积水，行人车辆都过不去。"),
        (H, "{community}{n}号楼{u}单元楼道里有燃气味，很担心，请赶紧派人来查一下。"),
    ],
    "roads-traffic": [
        (C, "{road}靠近{community}那一段路面坑洼很多，骑电动车很危险。"),
        (SU, "{road}和{street}交叉口红绿灯时间太短，老人走到一半就变灯了。"),
        (C, "{community}门口的{road}上经常有车乱停，早晚高峰堵得走不动。"),
        (H, "{road}{place}的井盖丢了好几天了，晚上看不见，已经有人差点掉下去。"),
        (SU, "建议在{road}靠近学校的路段设置减速带和人行横道。"),
    ],
    "public-transport": [
        (SU, "{community}附近没有公交站，建议增设站点，老人去医院很不方便。"),
        (C, "公交车晚上八点以后班次太少，从{street}回{community}要等四十分钟。"),
        (SU, "建议开通{community}到市中心医院的公交线路。"),
    ],
    "city-management": [
        (H, "{road}{place}的路灯坏了好几天了，晚上很黑，老人出门不安全。"),
        (C, "{community}{place}有流动摊贩占道经营，晚上油烟大还堵路。"),
        (R, "{community}{n}号楼一楼住户私自搭建彩钢房，占用公共绿地。"),
        (C, "{road}边上的公厕经常锁着，游客和老人找不到厕所。"),
        (SU, "{community}旁边的绿化带好久没人修剪了，杂草比人还高，建议养护一下。"),
    ],
    "education": [
        (E, "{community}的孩子划片到的小学太远，能不能调整学区？"),
        (SU, "学校放学太早，家长都在上班，建议{street}的学校开展课后服务。"),
        (C, "{community}附近学校门口早上交通很乱，接送孩子的车堵成一片，存在安全隐患。"),
        (SU, "希望在{street}增加普惠托育机构，现在双职工家庭孩子没人带。"),
    ],
    "health": [
        (C, "市中心医院专家号太难挂，早上七点放号几分钟就没了。"),
        (SU, "{community}社区卫生服务站的药品种类太少，常用的降压药经常缺货。"),
        (E, "老年人免费体检今年什么时候开始？在{community}哪里做？"),
    ],
    "social-security-jobs": [
        (H, "医保异地报销的材料交了{days}天还没到账，请帮忙催一下。"),
        (E, "养老金资格认证在手机上一直认证不了，老人不会弄，能不能上门办理？"),
        (R, "我们在{street}一个工地干活，老板拖欠工资三个月了，二十多个工友都没拿到钱。"),
        (H, "家里孩子大学毕业还没找到工作，想参加就业培训，{street}有没有名额？"),
    ],
    "housing": [
        (E, "申请公租房已经一年多了，一直在排队，请问什么时候能轮到？"),
        (C, "买的新房交房两年了还办不下来不动产证，开发商一直推脱。"),
        (C, "{community}{n}号楼墙体出现裂缝，怀疑是危房，住着很害怕。"),
    ],
    "environment": [
        (C, "{community}附近晚上经常有刺鼻的工业异味，关着窗户都能闻到。"),
        (C, "{community}楼下饭店的油烟直排，{n}号楼住户都不敢开窗。"),
        (C, "{road}上的工地晚上十点以后还在施工，噪声太大影响休息。"),
        (C, "{road}旁边工地扬尘很大，没有覆盖也没有洒水。"),
    ],
    "market-consumer": [
        (C, "{community}门口的超市卖过期食品，跟店家交涉不给退。"),
        (R, "{street}有家健身房收了年卡费后突然关门，几十个会员的钱要不回来。"),
        (C, "{community}附近加油站价格标示不清楚，结账比标价高。"),
    ],
    "culture-sports": [
        (SU, "建议市图书馆延长开放时间，下班后去已经关门了。"),
        (SU, "{street}的体育馆能不能对市民免费或低价开放？"),
        (SU, "希望在{community}多组织一些文化活动，比如广场舞比赛、书法班。"),
    ],
    "justice-oversight": [
        (SU, "对法院执行工作提个建议：执行案件的进度能不能在网上公开查询。"),
        (R, "{road}附近河道有企业偷排污水，想提供公益诉讼线索。"),
    ],
    "beyond-city": [
        (SU, "建议增加克拉玛依到乌鲁木齐的火车班次，现在周末很难买到票。"),
        (SU, "克拉玛依机场到内地的航线太少，建议增开直飞航线。"),
        (SU, "国道217线部分路段年久失修，建议向自治区反映列入改造计划。"),
        (SU, "建议自治区出台政策，提高油田退休职工的养老待遇。"),
    ],
    "litigation-petition": [
        (H, "我的劳动仲裁案子已经在法院起诉了，判决对我不公平，希望代表帮我改判。"),
        (H, "和开发商的房屋纠纷正在诉讼中，法院一直不开庭，代表能不能出面催一下？"),
        (E, "我们的信访事项已经受理了，想问问代表能不能帮忙加快处理。"),
    ],
}
# How often residents raise each category (the estate and its facilities lead, as in the
# street committees' own statistics).
CATEGORY_WEIGHTS = {
    "estate-property": 14,
    "community-facilities": 12,
    "policy-enquiry": 8,
    "neighbourhood": 7,
    "heating": 7,
    "roads-traffic": 7,
    "city-management": 7,
    "water-drainage-gas": 6,
    "civil-affairs-elderly": 5,
    "education": 5,
    "social-security-jobs": 5,
    "public-transport": 4,
    "health": 4,
    "housing": 4,
    "environment": 4,
    "market-consumer": 3,
    "culture-sports": 2,
    "beyond-city": 2,
    "litigation-petition": 2,
    "justice-oversight": 1,
}
OPENERS = ["", "", "", "您好，", "代表您好，", "你好，我是{community}的居民，"]
CLOSERS = ["", "希望尽快解决。", "麻烦相关部门看一下，谢谢！", "希望尽快给个答复。", "谢谢！"]

PROGRESS_NOTES = [
    "已联系居民了解情况，近期安排人员现场查看。",
    "已到现场核实，正在制定处理方案。",
    "已协调相关单位，预计一周内处理完毕。",
    "所需材料已采购，正在安排施工。",
]
RESULTS = [
    "经现场核实，已安排人员处理完毕，现已恢复正常。",
    "已协调物业和社区共同处理，问题已经解决，后续将加强日常巡查。",
    "已责成相关单位整改，整改情况已复查合格。",
    "经研究，已纳入今年的改造计划，先期采取了临时措施。",
    "已与居民当面沟通解释，并按政策办理完毕。",
]
REPLIES = [
    "您反映的问题已经处理，感谢您对人大工作的支持。如仍有问题，欢迎继续反映。",
    "经承办单位核实处理，问题已解决。请您对办理结果进行评价。",
    "您好，相关单位已按要求办理完毕，具体情况已电话告知，请予评价。",
]
DIRECT_REPLIES = [
    "您好，您咨询的事项可以通过“新疆政务服务”APP办理，也可到市政务服务中心相关窗口咨询。",
    "您好，按照现行政策，需携带身份证、户口簿到社区或街道便民服务窗口申请，审核后办理。",
    "您好，已将相关政策和办理流程整理好，发送给您并当面做了解释。",
]
LITIGATION_REPLIES = [
    "您好，您反映的事项已进入诉讼程序，人大代表不能干预个案审理。建议您通过上诉或申请再审等法定途径主张权利，可到市法律援助中心免费咨询。",
    "您好，该事项属于信访和诉讼渠道处理范围，请通过原受理机关了解进度，我们可以协助您联系法律援助。",
]
RETURN_REASONS = [
    "该事项不属于本单位职责范围，建议转市级相关部门办理。",
    "经核实，问题发生地不在本辖区，请重新分派。",
]
SEND_BACK_REASONS = ["属于街道职责范围，请交办街道办理。"]
DISSATISFIED_COMMENTS = [
    "问题只处理了一半，过了几天又出现了。",
    "没有人来现场看过，只是打电话说了一下。",
    "答复和实际情况不符，问题还在。",
]
OK_COMMENTS = [
    "",
    "",
    "",
    "处理很及时，谢谢！",
    "感谢代表和工作人员。",
    "基本解决了，希望以后多关注。",
]
EXTENSION_REASONS = [
    "需协调多个部门并等待材料到货，申请延期办理。",
    "涉及维修资金使用，需业主表决，申请延长办理时限。",
]
MILESTONES = ["现场排查并制定整改方案", "完成主体整改", "复查验收并回访居民"]
ESCALATION_REASON = "逾期未办结，转督办"
