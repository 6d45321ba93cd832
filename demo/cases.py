"""Synthetic demo cases (``manage.py seed_demo --cases N``): a year of residents' opinions and
their handling, for demos, load tests and report development.

One plan, two ways of writing it:

* ``demo_cases_through_services`` runs each step through the real services (intake, triage,
  review, forwarding, acceptance, progress, result, reply, rating, extension, supervision,
  merging), in the order the steps happened, then moves the timestamps into the past with
  batched UPDATEs (the services stamp "now"). Slow, but it is the system itself.
* ``demo_cases_bulk`` builds the same rows in memory with ``_CaseSim``, a mirror of what those
  services write, and inserts them with ``bulk_create``, 2,000 cases per transaction. Fast
  enough for 100,000 cases.

A plan is drawn from a seeded random generator, so both ways give the same cases (apart from
tracking codes, secrets and primary keys); ``tests/demo/test_cases.py`` compares them.

Synthetic submissions are recognised by their idempotency key: a UUID whose first six bytes
are ``DEMO_KEY_PREFIX`` (``DEMO_KEY_RANGE`` selects them through the unique index). Contact
details are encrypted like a real submission's and always prefer a phone call: no text
message is ever sent to an invented number. Notifications that the services write while
replaying history are deleted before commit, so no notice or e-mail goes out and no inbox
fills with last year's events.
"""

from __future__ import annotations

import contextlib
import functools
import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common import crypto
from feedback.models import (
    CODE_ALPHABET,
    Channel,
    ContactPreference,
    Rating,
    RequestType,
    Satisfaction,
    Submission,
    new_secret,
)
from notifications.models import Notification
from representatives.models import (
    Area,
    LiaisonSite,
    Official,
    QRCode,
    QRPlacement,
    ReceptionDay,
    Representative,
    Role,
    TokenStatus,
)
from routing.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    ClassificationDecision,
    DeadlineLevel,
    ExtensionRequest,
    HandlingUnit,
    Route,
    Supervision,
    SupervisionMilestone,
    SupervisionReason,
    UnitKind,
    UpwardReport,
)
from routing.workdays import add_working_days, deadlines_for, end_of_working_day

S = CaseStatus
K = CaseEvent.Kind

# Six bytes "de0ca5e5ca5e": every synthetic submission's idempotency key starts with them.
DEMO_KEY_PREFIX = bytes.fromhex("de0ca5e5ca5e")
DEMO_KEY_RANGE = (
    uuid.UUID(bytes=DEMO_KEY_PREFIX + b"\x00" * 10),
    uuid.UUID(bytes=DEMO_KEY_PREFIX + b"\xff" * 10),
)
DEMO_NAMESPACE = uuid.UUID("6f0c2a55-2f7e-5b1c-9d0e-6b6172616d61")
HISTORY_USERNAME = "demo_history"
COMMITTEE_NAME = "克拉玛依市人大常委会"
BATCH_SIZE = 2000
SERVICES_LIMIT = 500
SPAN_DAYS = 365


def demo_key(salt: str, seq: int) -> uuid.UUID:
    """A version-5 UUID in the demo range: the prefix, then the hash of ``salt:seq``."""
    digest = uuid.uuid5(DEMO_NAMESPACE, f"{salt}:{seq}").bytes
    return uuid.UUID(bytes=DEMO_KEY_PREFIX + digest[6:])


def demo_submissions() -> models.QuerySet:
    return Submission.objects.filter(idempotency_key__range=DEMO_KEY_RANGE)


def demo_case_count() -> int:
    """How many synthetic cases exist: each was opened by one synthetic submission."""
    return demo_submissions().count()


# ---------------------------------------------------------------------------------------------
# Phrase bank: what residents write, per taxonomy category. Slots: {community}, {street},
# {place}, {n} (building), {u} (entrance), {days}, {road}.
# ---------------------------------------------------------------------------------------------
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

# Final states and how often they occur, by the route they need (None: any route).
OUTCOMES: list[tuple[str, float]] = [
    ("closed", 62),
    ("closed_redo", 3),
    ("closed_bounced", 3),
    ("reopened", 1.5),
    ("replied", 6),
    ("responded", 2),
    ("in_progress", 5),
    ("overdue", 3),
    ("dispatched", 3),
    ("under_review", 2),
    ("triaged", 1.5),
    ("new", 3),
    ("returned", 1),
    ("merged", 2.5),
    ("not_accepted", 1.5),
]
OPEN_OUTCOMES = {
    "reopened",
    "replied",
    "responded",
    "in_progress",
    "dispatched",
    "under_review",
    "triaged",
    "returned",
}


# ---------------------------------------------------------------------------------------------
# The network: everything a plan refers to, loaded with a fixed number of queries.
# ---------------------------------------------------------------------------------------------
@dataclass
class Network:
    communities: list
    streets: dict
    point_of_area: dict
    code_of_site: dict
    placements_of_code: dict
    reps_of_site: dict
    code_of_rep: dict
    categories: dict
    street_office_of: dict
    departments: list
    unit_by_name: dict
    units: dict
    gov_office: HandlingUnit
    higher_congress: HandlingUnit
    committee: object
    supervisor: object
    unit_account: dict
    rep_user: dict
    station_user: dict

    @classmethod
    def load(cls) -> Network:
        areas = {a.pk: a for a in Area.objects.all()}
        communities = sorted(
            (a for a in areas.values() if a.tier == 4 and a.street_id), key=lambda a: a.path
        )
        if not communities:
            raise ValueError("Load the network first (seed_demo without --cases).")
        sites = list(LiaisonSite.objects.filter(is_active=True))
        point_of_area = {s.area_id: s for s in sites if s.kind == LiaisonSite.Kind.POINT}
        site_by_id = {s.pk: s for s in sites}
        codes = list(QRCode.objects.filter(status=TokenStatus.ACTIVE))
        code_of_site = {c.site_id: c for c in codes if c.site_id}
        code_of_rep = {c.representative_id: c for c in codes if c.representative_id}
        placements = defaultdict(list)
        for p in QRPlacement.objects.filter(status=TokenStatus.ACTIVE).order_by("pk"):
            placements[p.code_id].append(p)
        reps = {r.pk: r for r in Representative.objects.filter(is_active=True)}
        reps_of_site = defaultdict(list)
        links = Representative.sites.through.objects.order_by("pk")
        for link in links.values_list("representative_id", "liaisonsite_id"):
            if link[0] in reps and link[1] in site_by_id:
                reps_of_site[link[1]].append(reps[link[0]])
        units = {u.pk: u for u in HandlingUnit.objects.filter(is_active=True)}
        street_office_of = {
            u.area_id: u
            for u in units.values()
            if u.kind in (UnitKind.STREET_OFFICE, UnitKind.TOWNSHIP_GOVERNMENT)
        }
        judicial = (UnitKind.SUPERVISORY_COMMISSION, UnitKind.COURT, UnitKind.PROCURATORATE)
        departments = sorted(
            (u for u in units.values() if u.kind == UnitKind.CITY_DEPARTMENT or u.kind in judicial),
            key=lambda u: u.pk,
        )

        def first(kind):
            return min((u for u in units.values() if u.kind == kind), key=lambda u: u.pk)

        committee, supervisor, unit_account, station_user = _accounts()
        return cls(
            communities=communities,
            streets={a.pk: a for a in areas.values() if a.tier == 3},
            point_of_area=point_of_area,
            code_of_site=code_of_site,
            placements_of_code=dict(placements),
            reps_of_site=dict(reps_of_site),
            code_of_rep=code_of_rep,
            categories={c.slug: c for c in Category.objects.all()},
            street_office_of=street_office_of,
            departments=departments,
            unit_by_name={u.name: u for u in units.values()},
            units=units,
            gov_office=first(UnitKind.CITY_GOVERNMENT_OFFICE),
            higher_congress=first(UnitKind.HIGHER_CONGRESS),
            committee=committee,
            supervisor=supervisor,
            unit_account=unit_account,
            rep_user={r.pk: r.user_id for r in reps.values() if r.user_id},
            station_user=station_user,
        )

    def department_for(self, category: Category, rng: random.Random) -> HandlingUnit:
        """The city department named first among the category's typical units."""
        for name in category.typical_units.split("/"):
            unit = self.unit_by_name.get(f"克拉玛依{name}") or self.unit_by_name.get(name)
            if unit is not None and unit in self.departments:
                return unit
        return rng.choice(self.departments)


def _accounts():
    """Who acts in the synthetic history: the demo accounts where they exist; otherwise one
    inactive ``demo_history`` user (it cannot sign in and is never notified)."""
    User = get_user_model()
    demo = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    committee = demo.get("demo_committee")
    if committee is None:
        committee = demo.get(HISTORY_USERNAME)
        if committee is None:
            committee = User(username=HISTORY_USERNAME, is_active=False)
            committee.set_unusable_password()
            committee.save()
    supervisor = demo.get("demo_street") or committee
    unit_account, station_user = {}, {}
    officials = Official.objects.filter(
        user__username__startswith="demo_", role__in=[Role.UNIT_STAFF, Role.STATION_STAFF]
    )
    for official in officials.order_by("pk"):
        if official.role == Role.UNIT_STAFF:
            unit_account.setdefault(official.unit_id, official.user_id)
        else:
            station_user.setdefault(official.site_id, official.user_id)
    return committee, supervisor, unit_account, station_user


# ---------------------------------------------------------------------------------------------
# Classification, cached: templates repeat, and unit_for depends on the area only through its
# street (a street office) or not at all.
# ---------------------------------------------------------------------------------------------
class Classifier:
    def __init__(self):
        from routing import classifier

        self._module = classifier
        self._classify = functools.lru_cache(maxsize=200_000)(classifier.classify)
        self._units: dict = {}

    def suggestion(self, text: str, area) -> dict:
        """The same dict as ``routing.services.opening.case_suggestion``."""
        s = self._classify(text)
        key = (s.route, s.category, s.unit_names, area.pk)
        if key not in self._units:
            self._units[key] = self._module.unit_for(s, area)
        unit = self._units[key]
        return {
            "route": s.route,
            "supervise": s.supervise,
            "category": s.category,
            "urgent": s.urgent,
            "deadline_level": s.deadline_level,
            "unit": unit.name if unit else None,
            "unit_id": unit.pk if unit else None,
            "confidence": round(s.confidence, 2),
            "needs_review": s.needs_review,
            "model_version": s.model_version,
            "model_words": list(s.model_words),
            "reasons": list(s.reasons),
        }


@functools.lru_cache(maxsize=20_000)
def _deadlines_for_day(level: str, day: date) -> tuple[datetime, datetime]:
    return deadlines_for(level, timezone.make_aware(datetime.combine(day, time(12, 0))))


def cached_deadlines(level: str, start: datetime) -> tuple[datetime, datetime]:
    """``deadlines_for``, cached per (level, local date): only urgent depends on the hour."""
    if level == DeadlineLevel.URGENT:
        return deadlines_for(level, start)
    return _deadlines_for_day(level, timezone.localtime(start).date())


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------
@dataclass
class Step:
    at: datetime
    verb: str
    args: dict = field(default_factory=dict)


@dataclass
class CasePlan:
    index: int
    key: uuid.UUID
    at: datetime
    text: str
    request_type: str
    channel: str
    area: Area
    site: LiaisonSite | None
    representative: Representative | None
    qr_code: QRCode | None
    placement: QRPlacement | None
    reception_site: LiaisonSite | None
    logged_by_id: int | None
    collected_on: date | None
    address_line: str
    resident_category_id: int | None
    contact_name: str
    contact_phone: str
    contact_preference: str
    suggestion: dict
    outcome: str
    steps: list[Step] = field(default_factory=list)


class Planner:
    """Draws case plans: who wrote what, where, when, and every step of its handling."""

    def __init__(self, network: Network, classifier: Classifier, *, seed: int, salt: str, now):
        self.net = network
        self.classifier = classifier
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not security)
        self.salt = salt
        self.now = now
        self.templates = [(slug, rt, text) for slug, rows in PHRASES.items() for rt, text in rows]
        self.by_slug = defaultdict(list)
        for slug, rt, text in self.templates:
            if slug in network.categories:
                self.by_slug[slug].append((rt, text))
        self.slugs = [s for s in CATEGORY_WEIGHTS if s in self.by_slug]
        self.slug_weights = [CATEGORY_WEIGHTS[s] for s in self.slugs]

    # -- the resident's side ------------------------------------------------------------------
    def _text(self, slug: str, community: Area) -> tuple[str, str]:
        rng = self.rng
        request_type, template = rng.choice(self.by_slug[slug])
        street = self.net.streets.get(community.street_id)
        slots = {
            "community": community.name.removesuffix("（演示）"),
            "street": street.name if street else "",
            "place": rng.choice(PLACES),
            "n": rng.randint(1, 36),
            "u": rng.randint(1, 6),
            "days": rng.choice(["两", "三", "四", "五", "七", "十几"]),
            "road": rng.choice(ROADS),
        }
        text = rng.choice(OPENERS) + template + rng.choice(CLOSERS)
        return text.format(**slots), request_type

    def _source(self, community: Area) -> dict:
        """The channel and the code, site or representative behind it."""
        rng, net = self.rng, self.net
        site = net.point_of_area.get(community.pk)
        reps = net.reps_of_site.get(site.pk, []) if site else []
        code = net.code_of_site.get(site.pk) if site else None
        roll = rng.random()
        source = {
            "site": None,
            "representative": None,
            "qr_code": None,
            "placement": None,
            "reception_site": None,
            "logged_by_id": None,
            "collected_on": False,
        }
        if reps and roll < 0.25:
            rep = rng.choice(reps)
            if rep.pk in net.code_of_rep:
                source.update(
                    channel=Channel.REPRESENTATIVE_QR,
                    representative=rep,
                    qr_code=net.code_of_rep[rep.pk],
                )
                return source
        if reps and roll < 0.33:
            rep = rng.choice(reps)
            source.update(
                channel=Channel.RECEPTION_DAY,
                site=site,
                representative=rep,
                reception_site=site,
                logged_by_id=net.rep_user.get(rep.pk),
                collected_on=True,
            )
            return source
        if reps and roll < 0.38:
            rep = rng.choice(reps)
            source.update(
                channel=Channel.ON_DUTY,
                representative=rep,
                logged_by_id=net.rep_user.get(rep.pk),
                collected_on=True,
            )
            return source
        placements = net.placements_of_code.get(code.pk, []) if code else []
        if placements and roll < 0.58:
            source.update(
                channel=Channel.PLACEMENT,
                site=site,
                qr_code=code,
                placement=rng.choice(placements),
            )
            return source
        if code is not None:
            source.update(channel=Channel.SITE_QR, site=site, qr_code=code)
            return source
        # A community without a point: the street's station code.
        raise ValueError(f"no liaison point with a code in {community}")

    def _intake_time(self, slug: str, earliest_days: float, latest_days: float) -> datetime:
        rng = self.rng
        for _attempt in range(20):
            at = self.now - timedelta(days=rng.uniform(earliest_days, latest_days))
            local = timezone.localtime(at)
            # Heating complaints come in the heating season (mid-October to mid-April).
            if slug == "heating" and local.month in (5, 6, 7, 8, 9):
                continue
            # Residents write in the day and the evening, rarely at night.
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moved = local.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
            return moved if moved < self.now - timedelta(minutes=30) else at
        return at

    # -- the plan -----------------------------------------------------------------------------
    def plan(self, index: int) -> list[CasePlan]:
        """One case, or two for a merged duplicate (the surviving case first)."""
        rng = self.rng
        outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        if outcome == "merged":
            target = self._plan(index, rng.choice(["closed", "closed", "in_progress"]))
            dup = self._plan(index + 1, "merged", like=target)
            return [target, dup]
        return [self._plan(index, outcome)]

    def _plan(self, index: int, outcome: str, like: CasePlan | None = None) -> CasePlan:
        rng, net = self.rng, self.net
        if like is not None:
            community = like.area
            slug = like.suggestion.get("category") or "estate-property"
            slug = slug if slug in self.by_slug else "estate-property"
        else:
            community = rng.choice(net.communities)
            if outcome == "not_accepted":
                slug = "litigation-petition"
            else:
                slug = rng.choices(self.slugs, weights=self.slug_weights)[0]
        text, request_type = self._text(slug, community)
        source = self._source(community)
        has_contact = rng.random() < 0.2
        plan = CasePlan(
            index=index,
            key=demo_key(self.salt, index),
            at=self.now,
            text=text,
            request_type=request_type,
            channel=source["channel"],
            area=community,
            site=source["site"],
            representative=source["representative"],
            qr_code=source["qr_code"],
            placement=source["placement"],
            reception_site=source["reception_site"],
            logged_by_id=source["logged_by_id"],
            collected_on=None,
            address_line=f"{rng.randint(1, 36)}号楼" if rng.random() < 0.3 else "",
            resident_category_id=(
                net.categories[slug].pk if slug in net.categories and rng.random() < 0.15 else None
            ),
            contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士"])
            if has_contact
            else "",
            contact_phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
            if has_contact
            else "",
            # Never SMS: invented numbers must not get text messages.
            contact_preference=ContactPreference.PHONE if has_contact else ContactPreference.NONE,
            suggestion=self.classifier.suggestion(text, community),
            outcome=outcome,
        )
        self._schedule(plan, slug, like)
        if source["collected_on"]:
            plan.collected_on = timezone.localtime(plan.at).date()
        return plan

    # -- handling -----------------------------------------------------------------------------
    def _decision(self, plan: CasePlan, slug: str, *, reopened=False) -> dict:
        """What staff choose at triage: mostly the suggestion; the template's category and its
        default route when the classifier was unsure or wrong."""
        rng, net = self.rng, self.net
        s = plan.suggestion
        route, category = s.get("route"), s.get("category")
        if (
            category not in net.categories
            or route not in Route.values
            or (category != slug and rng.random() < 0.7)
        ):
            category = slug
            route = net.categories[slug].default_route
        supervise = bool(s.get("supervise"))
        if route == Route.DIRECT and plan.site is None and plan.representative is None:
            route = Route.ASSIGN
        urgent = bool(s.get("urgent"))
        level = s.get("deadline_level") if route == s.get("route") and not reopened else ""
        if level not in DeadlineLevel.values:
            level = ""  # staff pick a real level where the suggestion has none
        unit = None
        if route == Route.ASSIGN:
            suggested = net.units.get(s.get("unit_id"))
            unit = suggested or net.street_office_of.get(plan.area.street_id)
            if unit is None or unit.kind not in (
                UnitKind.STREET_OFFICE,
                UnitKind.TOWNSHIP_GOVERNMENT,
            ):
                unit = net.street_office_of.get(plan.area.street_id)
            if unit is None:
                route, unit = Route.TRANSFER, None
        return {
            "route": route,
            "supervise": supervise,
            "category": category,
            "unit_id": unit.pk if unit else None,
            "urgent": urgent,
            "level": level or "",
        }

    def _schedule(self, plan: CasePlan, slug: str, like: CasePlan | None) -> None:
        """Draw the steps (as offsets in hours), then place them in time."""
        rng = self.rng
        outcome = plan.outcome
        steps: list[tuple[float, str, dict]] = []
        clock = [0.0]

        def add(verb, gap=(1, 24), **args):
            clock[0] += rng.uniform(*gap)
            steps.append((clock[0], verb, args))

        if outcome == "merged":
            add("merge", (0.5, 6), into=like.index)
        elif outcome == "not_accepted":
            decision = self._decision(plan, slug)
            decision.update(route=Route.DIRECT, unit_id=None)
            add("triage", (0.5, 20), **decision)
            add("not_accept", (1, 30), reply=rng.choice(LITIGATION_REPLIES))
        elif outcome != "new":
            decision = self._decision(plan, slug)
            self._route_story(plan, slug, decision, outcome, add)
        self._place(plan, slug, steps, like)

    def _route_story(self, plan, slug, decision, outcome, add) -> None:
        rng, net = self.rng, self.net
        route = decision["route"]
        # Outcomes a route cannot reach become the nearest one it can.
        if route == Route.DIRECT and outcome in ("responded", "in_progress", "dispatched"):
            outcome = "replied" if outcome == "responded" else "triaged"
        if route == Route.DIRECT and outcome in ("overdue", "returned", "closed_bounced"):
            outcome = "closed" if outcome != "overdue" else "triaged"
        if route == Route.ASSIGN and outcome in ("under_review", "triaged"):
            outcome = "dispatched"
        if route in (Route.TRANSFER, Route.REPORT) and outcome == "triaged":
            outcome = "under_review"
        if route == Route.REPORT and outcome in ("returned", "closed_bounced"):
            outcome = "closed"
        plan.outcome = outcome
        stop = {
            "triaged": "triage",
            "under_review": "triage",
            "dispatched": "dispatched",
            "in_progress": "accept",
            "overdue": "accept",
            "responded": "respond",
            "replied": "publish",
            "reopened": "rate",
        }.get(outcome)

        bounce = outcome in ("closed_bounced", "returned") and route != Route.DIRECT
        if bounce:
            # The first routing was wrong: the unit (or the committee review) sends it back.
            own_office = net.street_office_of.get(plan.area.street_id)
            if route == Route.TRANSFER and own_office is not None and rng.random() < 0.5:
                add("triage", (0.5, 20), **decision)
                add("review_send_back", (2, 48), reason=rng.choice(SEND_BACK_REASONS))
                decision = dict(decision, route=Route.ASSIGN, unit_id=own_office.pk, level="")
            else:
                wrong = dict(decision, level="")
                if route == Route.TRANSFER and own_office is not None:
                    wrong.update(route=Route.ASSIGN, unit_id=own_office.pk)
                else:
                    others = [u for u in net.street_office_of.values() if u is not own_office]
                    wrong.update(route=Route.ASSIGN, unit_id=rng.choice(others).pk)
                add("triage", (0.5, 20), **wrong)
                add("return", (4, 60), reason=rng.choice(RETURN_REASONS))
            if outcome == "returned":
                return
            route = decision["route"]

        cycles = 2 if outcome in ("closed_redo",) else 1
        milestones = [0]
        for cycle in range(cycles):
            d = dict(decision)
            if cycle:
                d["level"] = ""
            add("triage", (0.5, 20) if not cycle else (1, 24), reopened=bool(cycle), **d)
            if stop == "triage":
                return
            if route == Route.DIRECT:
                add("direct_reply", (1, 40), reply=rng.choice(DIRECT_REPLIES))
            else:
                if route in (Route.TRANSFER, Route.REPORT):
                    add("review_approve", (4, 72))
                    if route == Route.TRANSFER:
                        add("forward", (2, 40), unit_id=self._department(plan, slug).pk)
                if stop == "dispatched":
                    return
                if route == Route.REPORT:
                    add(
                        "report_upward",
                        (24, 120),
                        body=net.higher_congress.name,
                        reference=f"克人常报〔{rng.randint(2025, 2026)}〕{rng.randint(1, 400)}号",
                    )
                    if stop == "accept":
                        return
                    add(
                        "progress",
                        (24, 400),
                        note="已向自治区人大常委会报送，等待答复。",
                        public=True,
                    )
                    add("upward_reply", (200, 1200), reply=rng.choice(RESULTS))
                else:
                    add("accept", (1, 30))
                    if decision["supervise"]:
                        first_milestone = milestones[0]
                        for k, title in enumerate(MILESTONES):
                            add("milestone_add", (0.2, 2), title=title, due_days=3 + 4 * k)
                            milestones[0] += 1
                    if rng.random() < 0.12 and outcome not in ("overdue",):
                        add("ext_request", (12, 72), reason=rng.choice(EXTENSION_REASONS))
                        roll = rng.random()
                        if roll < 0.8 or stop != "accept":
                            add(
                                "ext_decide",
                                (2, 30),
                                approve=roll < 0.7,
                                note="" if roll < 0.7 else "请按原时限办理。",
                            )
                    if stop == "accept":
                        if rng.random() < 0.6:
                            add("progress", (12, 72), note=rng.choice(PROGRESS_NOTES), public=True)
                        return
                    for _n in range(rng.choice([0, 1, 1, 2])):
                        add("progress", (6, 72), note=rng.choice(PROGRESS_NOTES), public=True)
                    if decision["supervise"]:
                        add("milestone_done", (2, 24), milestone=first_milestone)
                        add("follow_up", (2, 24), note="督办人员到现场查看整改进度。")
                    add("respond", (12, 120), result=rng.choice(RESULTS))
                if stop == "respond":
                    return
                add("verify_publish", (2, 40), reply=rng.choice(REPLIES))
            if stop == "publish":
                return
            if cycle + 1 < cycles or outcome == "reopened":
                add(
                    "rate",
                    (4, 96),
                    value=Satisfaction.DISSATISFIED,
                    comment=rng.choice(DISSATISFIED_COMMENTS),
                )
                if outcome == "reopened":
                    return
            else:
                value = rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.BASICALLY], weights=[82, 18]
                )[0]
                add("rate", (4, 120), value=value, comment=rng.choice(OK_COMMENTS))

    def _department(self, plan, slug) -> HandlingUnit:
        unit = self.net.units.get(plan.suggestion.get("unit_id"))
        if unit is not None and unit in self.net.departments:
            return unit
        return self.net.department_for(self.net.categories[slug], self.rng)

    def _place(self, plan, slug, steps, like) -> None:
        """Choose the intake time for the outcome and turn offsets into times."""
        rng, outcome = self.rng, plan.outcome
        if plan.reception_site is not None and like is not None:
            self._on_duty(plan)
        span = steps[-1][0] if steps else 0.0
        span_days = span / 24
        if like is not None:
            # A duplicate: sent a little after the case it duplicates, merged soon after.
            plan.at = like.at + timedelta(hours=rng.uniform(1, 18))
            if plan.at + timedelta(days=span_days) >= self.now:
                plan.at = like.at + timedelta(minutes=20)
        elif outcome == "new":
            plan.at = self._intake_time(slug, 0.02, 2)
        elif outcome == "overdue":
            plan.at = self._intake_time(slug, 30, 200)
        elif outcome in OPEN_OUTCOMES:
            plan.at = self._intake_time(slug, span_days + 0.05, span_days + 1.5)
        else:
            plan.at = self._intake_time(slug, max(span_days + 1, 15), SPAN_DAYS)
        if plan.reception_site is not None:
            self._reception_day(plan, allow_days=0 if outcome in OPEN_OUTCOMES else 6)
        latest = self.now - timedelta(minutes=10)
        times = [plan.at + timedelta(hours=offset) for offset, _v, _a in steps]
        if times and times[-1] > latest:
            # Squeeze the story in before now, keeping its order.
            room = max((latest - plan.at).total_seconds(), 60.0)
            scale = room / max((times[-1] - plan.at).total_seconds(), 1.0)
            times = [plan.at + (t - plan.at) * scale for t in times]
        plan.steps = [
            Step(at=t, verb=v, args=a) for t, (_o, v, a) in zip(times, steps, strict=True)
        ]
        if like is not None:
            # The case it duplicates must still be open when they are merged.
            closing = [s.at for s in like.steps if s.verb in ("rate", "not_accept")]
            if closing and plan.steps[-1].at >= min(closing) - timedelta(minutes=5):
                plan.at = like.at + timedelta(minutes=10)
                plan.steps[-1].at = like.at + timedelta(minutes=20)
        if outcome == "overdue" and plan.steps:
            self._escalate(plan)
        self._check_extension(plan)

    def _check_extension(self, plan: CasePlan) -> None:
        """A unit asks for more time before the deadline, or not at all."""
        resolve_by = None
        for i, step in enumerate(plan.steps):
            if step.verb == "triage":
                level = step.args["level"] or _default_level(
                    step.args["route"],
                    step.args["urgent"],
                    reopened=step.args.get("reopened"),
                    supervised=step.args["supervise"],
                )
                resolve_by = cached_deadlines(level, step.at)[1]
            elif step.verb == "ext_request" and (resolve_by is None or step.at >= resolve_by):
                plan.steps = [
                    s
                    for s in plan.steps[:i] + plan.steps[i + 1 :]
                    if s.verb != "ext_decide" or s.at < step.at
                ]
                return

    def _on_duty(self, plan: CasePlan) -> None:
        plan.channel = Channel.ON_DUTY
        plan.site = plan.reception_site = None

    def _reception_day(self, plan: CasePlan, allow_days: int) -> None:
        """A reception-day opinion is written down on the site's reception day: the last
        one before the drawn time, if close enough; otherwise the representative was on duty.
        """
        day = plan.reception_site.reception_day or 10
        local = timezone.localtime(plan.at)
        held = local.date().replace(day=day)
        if held > local.date():
            held = (held.replace(day=1) - timedelta(days=1)).replace(day=day)
        if (local.date() - held).days > allow_days:
            self._on_duty(plan)
            return
        plan.at = local.replace(
            year=held.year, month=held.month, day=held.day, hour=self.rng.randint(9, 11)
        )

    def _escalate(self, plan: CasePlan) -> None:
        """An overdue case: 40% are put under supervision a few days after the deadline."""
        rng = self.rng
        triage = [s for s in plan.steps if s.verb == "triage"][-1]
        level = triage.args["level"] or _default_level(
            triage.args["route"], triage.args["urgent"], reopened=False, supervised=False
        )
        _ack, resolve_by = cached_deadlines(level, triage.at)
        at = resolve_by + timedelta(days=rng.uniform(1, 6))
        if (
            rng.random() < 0.4
            and not triage.args["supervise"]
            and at < self.now - timedelta(days=1)
        ):
            plan.steps.append(Step(at, "supervise", {"reason": ESCALATION_REASON}))
            for k, title in enumerate(MILESTONES[:2]):
                plan.steps.append(
                    Step(
                        at + timedelta(minutes=10 + k),
                        "milestone_add",
                        {"title": title, "due_days": 5 + 7 * k},
                    )
                )


HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 6, 9, 10, 10, 8, 7, 8, 9, 9, 9, 8, 9, 10, 9, 6, 3]


def _default_level(route: str, urgent: bool, *, reopened: bool, supervised: bool) -> str:
    from routing.routes import ROUTES

    return ROUTES[route].deadline_level(
        urgent=urgent, reopened=bool(reopened), supervised=supervised
    )


def _milestone_due(at: datetime, days: int) -> date:
    return add_working_days(timezone.localtime(at).date(), days)


# ---------------------------------------------------------------------------------------------
# Tracking codes and reception days, shared by both ways
# ---------------------------------------------------------------------------------------------
class TrackingCodes:
    """``KL-<yymm>-XXXX`` in the month of each synthetic intake, unique against the database
    (loaded once per month) and within the run."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: dict[str, set[str]] = {}

    def draw(self, at: datetime) -> str:
        prefix = f"KL-{timezone.localtime(at):%y%m}-"
        taken = self.taken.get(prefix)
        if taken is None:
            taken = set(
                Submission.objects.filter(tracking_code__startswith=prefix).values_list(
                    "tracking_code", flat=True
                )
            )
            self.taken[prefix] = taken
        while True:
            code = prefix + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(4))
            if code not in taken:
                taken.add(code)
                return code


def _reception_days(plans: list[CasePlan]) -> dict[tuple[int, date], ReceptionDay]:
    """The reception days the plans were collected at (created where missing)."""
    wanted = {
        (p.reception_site.pk, timezone.localtime(p.at).date())
        for p in plans
        if p.reception_site is not None
    }
    if not wanted:
        return {}
    ReceptionDay.objects.bulk_create(
        [ReceptionDay(site_id=s, date=d, visitors=15, notes="") for s, d in wanted],
        ignore_conflicts=True,
    )
    sites = {s for s, _d in wanted}
    days = {d for _s, d in wanted}
    return {
        (r.site_id, r.date): r
        for r in ReceptionDay.objects.filter(site_id__in=sites, date__in=days)
    }


def draw_plans(
    n: int, *, seed: int, salt: str, start: int, now=None, network=None, classifier=None
) -> Iterator[CasePlan]:
    """``n`` case plans (a merged duplicate counts as one case), indices from ``start``."""
    now = now or timezone.now()
    network = network or Network.load()
    planner = Planner(network, classifier or Classifier(), seed=seed, salt=salt, now=now)
    index, made = start, 0
    while made < n:
        group = planner.plan(index)
        if made + len(group) > n:
            group = planner.plan(index)
            if made + len(group) > n:
                continue
        index += len(group)
        made += len(group)
        yield from group


# ---------------------------------------------------------------------------------------------
# The bulk way: a mirror of the services, in memory
# ---------------------------------------------------------------------------------------------
class _CaseSim:
    """What the services write for one case, built in memory (keep in step with
    ``routing.services.workflow``, ``extension``, ``upward``, ``supervision``,
    ``transition`` and ``feedback.services.rate``; the tests compare the two)."""

    def __init__(self, plan: CasePlan, net: Network):
        self.plan, self.net = plan, net
        self.case = Case(
            status=S.NEW,
            area_id=plan.area.pk,
            category_id=plan.resident_category_id,
            request_type=plan.request_type,
            site_id=plan.site.pk if plan.site else None,
            representative_id=plan.representative.pk if plan.representative else None,
            summary=plan.text[:200],
            search_text=plan.text.lower(),
            submission_count=1,
            suggestion=plan.suggestion,
            created_at=plan.at,
            updated_at=plan.at,
        )
        self.events: list[CaseEvent] = []
        self.decisions: list[ClassificationDecision] = []
        self.ratings: list[Rating] = []
        self.extensions: list[ExtensionRequest] = []
        self.milestones: list[SupervisionMilestone] = []
        self.upward: UpwardReport | None = None
        self.merged_into: _CaseSim | None = None
        self._at = plan.at
        self._i = 0
        self._event(K.RECEIVED, to=S.NEW, public=True)

    # -- primitives ---------------------------------------------------------------------------
    def begin(self, at: datetime) -> None:
        self._at, self._i = at, 0

    def _event(self, kind, *, frm="", to="", actor=None, public_actor="", public=False, note=""):
        at = self._at + timedelta(seconds=self._i)
        self._i += 1
        self.events.append(
            CaseEvent(
                kind=kind,
                from_status=frm,
                to_status=to,
                actor_id=getattr(actor, "pk", actor),
                public_actor=public_actor,
                is_public=public,
                note=note,
                created_at=at,
            )
        )
        self.case.updated_at = at
        return at

    def _move(
        self,
        to,
        *,
        kind=K.TRANSITION,
        actor=None,
        public_actor="",
        public=False,
        note="",
        **updates,
    ):
        case = self.case
        if to not in TRANSITIONS[case.status]:
            raise ValueError(f"plan {self.plan.index}: {case.status} → {to}")
        frm = case.status
        case.status = to
        at = self._event(
            kind, frm=frm, to=to, actor=actor, public_actor=public_actor, public=public, note=note
        )
        if to in (S.CLOSED, S.NOT_ACCEPTED):
            case.closed_at = at
        for name, value in updates.items():
            setattr(case, name, value)
        return at

    def _unit_actor(self):
        return self.net.unit_account.get(self.case.unit_id)

    def _dispatch(self, unit, actor):
        self.case.unit_id = unit.pk
        self._move(S.DISPATCHED, actor=actor, public_actor=unit.name, public=True)

    # -- the verbs ----------------------------------------------------------------------------
    def triage(self, *, route, supervise, category, unit_id, urgent, level, reopened=False):
        net, case = self.net, self.case
        actor = net.committee
        unit = net.units.get(unit_id) if unit_id else None
        level = level or _default_level(
            route, urgent, reopened=case.status == S.REOPENED, supervised=supervise
        )
        s = case.suggestion or {}
        category_obj = net.categories[category]
        self.decisions.append(
            ClassificationDecision(
                actor_id=actor.pk,
                text=case.summary,
                suggested_route=s.get("route", ""),
                suggested_supervise=bool(s.get("supervise")),
                suggested_category=s.get("category", ""),
                suggested_unit=s.get("unit") or "",
                suggested_urgent=bool(s.get("urgent")),
                route=route,
                supervise=supervise,
                category_id=category_obj.pk,
                unit_id=unit.pk if unit else None,
                urgent=urgent,
                deadline_level=level,
                changed=(s.get("route"), bool(s.get("supervise")), s.get("category"))
                != (route, supervise, category),
                created_at=self._at,
            )
        )
        ack, resolve = cached_deadlines(level, self._at)
        self._move(
            S.TRIAGED,
            kind=K.TRIAGE,
            actor=actor,
            route=route,
            category_id=category_obj.pk,
            urgent=urgent,
            deadline_level=level,
            acknowledge_by=ack,
            resolve_by=resolve,
            unit_id=unit.pk if unit and route == Route.ASSIGN else None,
        )
        if supervise and not case.supervision:
            self._supervision_start(actor, SupervisionReason.RULE)
            self._supervisor_named(actor)
        if route == Route.ASSIGN:
            self._dispatch(unit, actor)
        elif route in (Route.TRANSFER, Route.REPORT):
            self._move(S.UNDER_REVIEW, actor=actor)

    def review_approve(self):
        actor = self.net.committee
        self._event(K.REVIEW, actor=actor)
        unit = (
            self.net.gov_office if self.case.route == Route.TRANSFER else self.net.higher_congress
        )
        self._dispatch(unit, actor)

    def review_send_back(self, *, reason):
        self._move(S.RETURNED, kind=K.REVIEW, actor=self.net.committee, note=reason)

    def forward(self, *, unit_id):
        unit = self.net.units[unit_id]
        actor = self.net.unit_account.get(self.net.gov_office.pk)
        self.case.unit_id = unit.pk
        self._event(
            K.FORWARDED,
            frm=self.case.status,
            to=self.case.status,
            actor=actor,
            public_actor=unit.name,
            public=True,
        )

    def accept(self):
        unit = self.net.units.get(self.case.unit_id)
        self._move(
            S.IN_PROGRESS,
            actor=self._unit_actor(),
            public_actor=unit.name if unit else "",
            public=True,
            acknowledged_at=self._at,
        )

    def progress(self, *, note, public):
        unit = self.net.units.get(self.case.unit_id)
        self._event(
            K.PROGRESS,
            actor=self._unit_actor(),
            public_actor=unit.name if unit else "",
            public=public,
            note=note,
        )

    def respond(self, *, result):
        unit = self.net.units.get(self.case.unit_id)
        self._move(
            S.RESPONDED,
            kind=K.RESULT,
            actor=self._unit_actor(),
            public_actor=unit.name if unit else "",
            note=result,
        )

    def verify_publish(self, *, reply):
        actor = self.net.committee
        unit = self.net.units.get(self.case.unit_id)
        self._event(
            K.VERIFIED, actor=actor, public_actor=unit.name if unit else COMMITTEE_NAME, public=True
        )
        self._reply(reply, actor, COMMITTEE_NAME)

    def _reply(self, text, actor, public_actor):
        self._move(
            S.REPLIED,
            kind=K.REPLY,
            actor=actor,
            public_actor=public_actor,
            public=True,
            note=text,
            reply_count=self.case.reply_count + 1,
        )
        self.case.replied_at = self.events[-1].created_at

    def direct_reply(self, *, reply):
        actor, public_actor = direct_responder(self.net, self.case)
        self._reply(reply, actor, public_actor)

    def not_accept(self, *, reply):
        actor, public_actor = direct_responder(self.net, self.case)
        self._move(S.NOT_ACCEPTED, actor=actor, public_actor=public_actor, public=True, note=reply)

    def report_upward(self, *, body, reference):
        self.upward = UpwardReport(
            body=body, reference_number=reference, reported_on=timezone.localtime(self._at).date()
        )
        self._move(
            S.IN_PROGRESS,
            kind=K.REPORTED_UPWARD,
            actor=self.net.committee,
            public_actor=body,
            public=True,
            note=reference,
        )

    def upward_reply(self, *, reply):
        self.upward.reply = reply
        self.upward.replied_on = timezone.localtime(self._at).date()
        self._move(
            S.RESPONDED,
            kind=K.RESULT,
            actor=self.net.committee,
            public_actor=self.upward.body,
            note=reply,
        )

    def rate(self, *, value, comment):
        case = self.case
        self.ratings.append(
            Rating(reply_number=case.reply_count, value=value, comment=comment, created_at=self._at)
        )
        to = S.REOPENED if value == Satisfaction.DISSATISFIED else S.CLOSED
        self._move(to, kind=K.RATING, public=True, note=value)

    def return_(self, *, reason):
        self._move(S.RETURNED, kind=K.RETURN, actor=self._unit_actor(), note=reason, unit_id=None)

    def ext_request(self, *, reason, new_date):
        unit_id = self.case.unit_id
        requester = self._unit_actor() or self.net.committee.pk
        self.extensions.append(
            ExtensionRequest(
                unit_id=unit_id,
                requested_by_id=requester,
                reason=reason,
                new_resolve_by=new_date,
                created_at=self._at,
            )
        )
        self._event(K.EXTENSION, actor=requester, note=reason)

    def ext_decide(self, *, approve, note):
        request = self.extensions[-1]
        actor = self.net.committee
        request.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        )
        request.decided_by_id, request.decided_at, request.decision_note = actor.pk, self._at, note
        if approve:
            self.case.resolve_by = end_of_working_day(request.new_resolve_by)
        self._event(
            K.EXTENSION,
            actor=actor,
            public=approve,
            public_actor=_("Standing committee") if approve else "",
            note=(
                _("New deadline: %(date)s") % {"date": request.new_resolve_by.isoformat()}
                if approve
                else note
            ),
        )

    def _supervision_start(self, actor, reason):
        """As ``routing.services.supervision.supervision_start``."""
        self.case.supervision = Supervision.ACTIVE
        self.case.supervision_reason = reason
        self.case.supervised_since = self._at
        self.case.supervisor_id = self.net.supervisor.pk
        self._event(K.SUPERVISION, actor=actor, public=True, public_actor=_("Standing committee"))

    def supervise(self, *, reason):
        actor = self.net.committee
        self._supervision_start(actor, SupervisionReason.STAFF)
        self._event(K.SUPERVISION, actor=actor, note=reason)

    def _supervisor_named(self, actor):
        name = self.net.supervisor.get_full_name() or self.net.supervisor.get_username()
        self._event(K.SUPERVISION, actor=actor, note=_("Supervisor: %(name)s") % {"name": name})

    def milestone_add(self, *, title, due_on):
        self.milestones.append(SupervisionMilestone(title=title, due_on=due_on))
        self._event(K.SUPERVISION, actor=self.net.committee, note=f"{due_on.isoformat()} {title}")

    def milestone_done(self, *, milestone, done_on):
        m = self.milestones[milestone]
        m.done_on = done_on
        self._event(K.FOLLOW_UP, actor=self.net.committee, note=m.title)

    def follow_up(self, *, note):
        self._event(K.FOLLOW_UP, actor=self.net.committee, note=note)

    def merge_into(self, target: _CaseSim):
        actor = self.net.committee
        # The note is the surviving case's reference, known once it is inserted.
        target.case.submission_count += self.case.submission_count
        updated = target.case.updated_at
        target.begin(self._at)
        target._event(K.JOINED, actor=actor, public=True)
        target.case.updated_at = max(updated, target.case.updated_at)
        self._i = 1
        self.merged_into = target
        self._move(S.MERGED, kind=K.MERGED, actor=actor, note="", submission_count=0)


def direct_responder(net: Network, case) -> tuple:
    """Who signs a direct reply: the case's representative (their account, if any), or the
    staff of its site."""
    if case.representative_id:
        rep_name = _rep_names(net).get(case.representative_id, "")
        return net.rep_user.get(case.representative_id), rep_name
    site = _site_names(net)
    return net.station_user.get(case.site_id), site.get(case.site_id, "")


def _rep_names(net: Network) -> dict:
    names = getattr(net, "_rep_names", None)
    if names is None:
        names = {r.pk: r.name for reps in net.reps_of_site.values() for r in reps}
        net._rep_names = names
    return names


def _site_names(net: Network) -> dict:
    names = getattr(net, "_site_names", None)
    if names is None:
        names = {s.pk: s.name for s in net.point_of_area.values()}
        net._site_names = names
    return names


def _new_date(resolve_by: datetime) -> date:
    """The date a unit asks for: a week of working days after the current deadline."""
    return add_working_days(timezone.localtime(resolve_by).date(), 5)


def simulate(plan: CasePlan, net: Network, sims: dict[int, _CaseSim]) -> _CaseSim:
    """Run a plan's steps on a ``_CaseSim``; ``sims`` holds the surviving case of a
    duplicate."""
    sim = _CaseSim(plan, net)
    for step in plan.steps:
        sim.begin(step.at)
        args = dict(step.args)
        verb = step.verb
        if verb == "triage":
            args.pop("reopened", None)
            sim.triage(**args)
        elif verb == "return":
            sim.return_(**args)
        elif verb == "merge":
            target = sims[args["into"]]
            sim.merge_into(target)
        elif verb == "report_upward":
            sim.report_upward(**args)
        elif verb == "ext_request":
            sim.ext_request(reason=args["reason"], new_date=_new_date(sim.case.resolve_by))
        elif verb == "ext_decide":
            sim.ext_decide(approve=args["approve"], note=args["note"])
        elif verb == "milestone_add":
            sim.milestone_add(title=args["title"], due_on=_milestone_due(step.at, args["due_days"]))
        elif verb == "milestone_done":
            sim.milestone_done(
                milestone=args["milestone"], done_on=timezone.localtime(step.at).date()
            )
        elif verb in (
            "verify_publish",
            "direct_reply",
            "not_accept",
            "progress",
            "respond",
            "review_send_back",
            "upward_reply",
            "rate",
            "supervise",
            "follow_up",
            "accept",
            "review_approve",
        ):
            getattr(sim, verb)(**args)
        elif verb == "forward":
            sim.forward(unit_id=args["unit_id"])
        else:
            raise ValueError(verb)
    return sim


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _historical_timestamps():
    """``bulk_create`` stamps ``auto_now``/``auto_now_add`` fields with now; the history
    needs its own times, so the stamping is switched off while the rows are built."""
    fields = [
        (Submission, "created_at"),
        (Case, "created_at"),
        (Case, "updated_at"),
        (CaseEvent, "created_at"),
        (ClassificationDecision, "created_at"),
        (Rating, "created_at"),
        (ExtensionRequest, "created_at"),
    ]
    saved = []
    for model, name in fields:
        f = model._meta.get_field(name)
        saved.append((f, f.auto_now, f.auto_now_add))
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class DemoResult:
    cases: int = 0
    submissions: int = 0
    events: int = 0
    path: str = ""
    by_status: dict = field(default_factory=dict)


def _submission(plan: CasePlan, code: str, reception: dict) -> Submission:
    has_contact = bool(plan.contact_name or plan.contact_phone)
    return Submission(
        tracking_code=code,
        secret=new_secret(),
        idempotency_key=plan.key,
        channel=plan.channel,
        qr_code=plan.qr_code,
        placement=plan.placement,
        site=plan.site,
        representative=plan.representative,
        reception_day=reception.get((plan.reception_site.pk, timezone.localtime(plan.at).date()))
        if plan.reception_site
        else None,
        logged_by_id=plan.logged_by_id,
        area_id=plan.area.pk,
        address_line=plan.address_line,
        text=plan.text,
        request_type=plan.request_type,
        category_id=plan.resident_category_id,
        contact_name_encrypted=crypto.encrypt(plan.contact_name),
        contact_phone_encrypted=crypto.encrypt(plan.contact_phone),
        contact_phone_masked=crypto.mask_phone(plan.contact_phone) if plan.contact_phone else "",
        contact_preference=plan.contact_preference,
        consent_at=plan.at if has_contact else None,
        language="zh-hans",
        collected_on=plan.collected_on,
        created_at=plan.at,
    )


def demo_cases_bulk(plans, *, batch_size: int = BATCH_SIZE, network=None, log=None) -> DemoResult:
    """Insert the plans' rows with ``bulk_create``, ``batch_size`` cases per transaction.

    A merged duplicate is always planned right after the case it joins, and a batch never
    separates them. Called by ``seed_demo --cases`` only.
    """
    net = network or Network.load()
    codes = TrackingCodes(random.Random(secrets.randbits(32)))  # noqa: S311
    result = DemoResult(path="bulk")
    batch: list[CasePlan] = []
    with _historical_timestamps():
        for plan in plans:
            if len(batch) >= batch_size and plan.outcome != "merged":
                _write_batch(batch, net, codes, result)
                if log:
                    log(result)
                batch = []
            batch.append(plan)
        if batch:
            _write_batch(batch, net, codes, result)
            if log:
                log(result)
    return result


@transaction.atomic
def _write_batch(plans, net, codes, result) -> None:
    reception = _reception_days(plans)
    sims: dict[int, _CaseSim] = {}
    for plan in plans:
        sims[plan.index] = simulate(plan, net, sims)
    ordered = sorted(sims.values(), key=lambda s: s.merged_into is not None)
    survivors = [s for s in ordered if s.merged_into is None]
    Case.objects.bulk_create([s.case for s in survivors])
    dups = [s for s in ordered if s.merged_into is not None]
    for s in dups:
        s.case.merged_into_id = s.merged_into.case.pk
    Case.objects.bulk_create([s.case for s in dups])
    for s in dups:
        merged = next(e for e in s.events if e.kind == K.MERGED)
        merged.note = s.merged_into.case.reference
    submissions = []
    for s in ordered:
        sub = _submission(s.plan, codes.draw(s.plan.at), reception)
        sub.case_id = (s.merged_into or s).case.pk
        s.submission = sub
        submissions.append(sub)
    Submission.objects.bulk_create(submissions)
    events, decisions, ratings, extensions, upward, milestones = [], [], [], [], [], []
    for s in ordered:
        case_id = s.case.pk
        s.events.sort(key=lambda e: e.created_at)
        for e in s.events:
            e.case_id = case_id
        events.extend(s.events)
        for d in s.decisions:
            d.case_id = case_id
        decisions.extend(s.decisions)
        for r in s.ratings:
            r.case_id, r.submission_id = case_id, s.submission.pk
        ratings.extend(s.ratings)
        for x in s.extensions:
            x.case_id = case_id
        extensions.extend(s.extensions)
        for m in s.milestones:
            m.case_id = case_id
        milestones.extend(s.milestones)
        if s.upward is not None:
            s.upward.case_id = case_id
            upward.append(s.upward)
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    ClassificationDecision.objects.bulk_create(decisions, batch_size=5000)
    Rating.objects.bulk_create(ratings, batch_size=5000)
    ExtensionRequest.objects.bulk_create(extensions)
    UpwardReport.objects.bulk_create(upward)
    SupervisionMilestone.objects.bulk_create(milestones)
    result.cases += len(ordered)
    result.submissions += len(submissions)
    result.events += len(events)
    for s in ordered:
        result.by_status[s.case.status] = result.by_status.get(s.case.status, 0) + 1


# ---------------------------------------------------------------------------------------------
# The services way
# ---------------------------------------------------------------------------------------------
def demo_cases_through_services(plans, *, network=None, log=None) -> DemoResult:
    """Replay the plans through the real services, step by step in time order, then move
    every timestamp to the planned time (the services stamp "now").

    One transaction: either all the cases appear or none. Notifications written on the way
    are deleted before commit, so nothing is sent.
    """
    from feedback.services.cases import case_merge_with_submissions, submission_case_open
    from feedback.services.rate import case_rate
    from feedback.services.submit import IntakeSource, submission_create
    from routing.services import extension, supervision, upward, workflow

    net = network or Network.load()
    plans = list(plans)
    codes = TrackingCodes(random.Random(secrets.randbits(32)))  # noqa: S311
    result = DemoResult(path="services")
    by_index = {p.index: p for p in plans}
    timeline = sorted(
        (
            [(p.at, p.index, -1, Step(p.at, "intake")) for p in plans]
            + [(s.at, p.index, i, s) for p in plans for i, s in enumerate(p.steps)]
        ),
        key=lambda t: (t[0], t[1], t[2]),
    )
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(pk__in=_actor_ids(net))}
    committee = net.committee
    supervisor = users.get(net.supervisor.pk, committee)

    def user(pk):
        return users.get(pk) if pk else None

    with transaction.atomic():
        reception = _reception_days(plans)
        notifications_before = Notification.objects.order_by("-pk").values_list("pk", flat=True)
        notifications_before = notifications_before.first() or 0
        last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        event_times: dict[int, datetime] = {}
        stamps: dict[tuple, datetime] = {}
        case_of: dict[int, int] = {}
        submission_of: dict[int, Submission] = {}
        milestones: dict[int, list] = defaultdict(list)
        for _at, index, _i, step in timeline:
            plan = by_index[index]
            case_id = case_of.get(index)
            args = step.args
            verb = step.verb
            if verb == "intake":
                sub = _submit(plan, reception, submission_create, IntakeSource, user)
                case = sub.case or submission_case_open(sub.pk)
                if case is None:
                    sub.refresh_from_db(fields=["case"])
                    case = sub.case
                case_of[index] = case.pk
                submission_of[index] = sub
            elif verb == "triage":
                unit = net.units.get(args["unit_id"]) if args["unit_id"] else None
                obj = workflow.case_triage(
                    case_id=case_id,
                    actor=committee,
                    route=args["route"],
                    category=net.categories[args["category"]],
                    unit=unit,
                    urgent=args["urgent"],
                    deadline_level=args["level"],
                    supervise=args["supervise"],
                    supervisor=supervisor if args["supervise"] else None,
                )
                decision = obj.decisions.order_by("-pk").first()
                stamps[(ClassificationDecision, decision.pk, "created_at")] = step.at
            elif verb == "review_approve":
                workflow.case_review_approve(case_id=case_id, actor=committee)
            elif verb == "review_send_back":
                workflow.case_review_send_back(
                    case_id=case_id, actor=committee, reason=args["reason"]
                )
            elif verb == "forward":
                workflow.case_forward(
                    case_id=case_id,
                    actor=user(net.unit_account.get(net.gov_office.pk)),
                    unit=net.units[args["unit_id"]],
                )
            elif verb in ("accept", "progress", "respond", "return", "ext_request"):
                case = Case.objects.select_related("unit").get(pk=case_id)
                actor = user(net.unit_account.get(case.unit_id))
                if verb == "accept":
                    workflow.case_accept(case_id=case_id, actor=actor)
                elif verb == "progress":
                    workflow.case_progress(
                        case_id=case_id,
                        actor=actor,
                        note=args["note"],
                        is_public=args["public"],
                        public_actor=case.unit.name if case.unit else "",
                    )
                elif verb == "respond":
                    workflow.case_respond(case_id=case_id, actor=actor, result=args["result"])
                elif verb == "return":
                    workflow.case_return(
                        case_id=case_id,
                        actor=actor,
                        reason=args["reason"],
                        expected_status=case.status,
                    )
                else:
                    # The services check the date against today's deadline; the planned date
                    # (against the planned deadline) replaces it below.
                    request = extension.extension_request_create(
                        case_id=case_id,
                        actor=actor or committee,
                        unit=case.unit,
                        reason=args["reason"],
                        new_resolve_by=_new_date(case.resolve_by),
                    )
                    stamps[(ExtensionRequest, request.pk, "created_at")] = step.at
                    args["_request"] = request.pk
            elif verb == "ext_decide":
                request = ExtensionRequest.objects.filter(case_id=case_id).order_by("-pk").first()
                extension.extension_request_decide(
                    request_id=request.pk,
                    actor=committee,
                    approve=args["approve"],
                    note=args["note"],
                )
                stamps[(ExtensionRequest, request.pk, "decided_at")] = step.at
            elif verb == "verify_publish":
                workflow.case_verify_publish(
                    case_id=case_id,
                    actor=committee,
                    reply=args["reply"],
                    public_actor=COMMITTEE_NAME,
                )
            elif verb in ("direct_reply", "not_accept"):
                case = Case.objects.get(pk=case_id)
                actor, public_actor = direct_responder(net, case)
                fn = (
                    workflow.case_direct_reply
                    if verb == "direct_reply"
                    else (workflow.case_not_accept)
                )
                fn(
                    case_id=case_id,
                    actor=user(actor),
                    reply=args["reply"],
                    public_actor=public_actor,
                )
            elif verb == "report_upward":
                upward.case_report_upward(
                    case_id=case_id,
                    actor=committee,
                    body=args["body"],
                    reference_number=args["reference"],
                    reported_on=timezone.localtime(step.at).date(),
                )
            elif verb == "upward_reply":
                upward.case_upward_reply_record(
                    case_id=case_id,
                    actor=committee,
                    reply=args["reply"],
                    replied_on=timezone.localtime(step.at).date(),
                )
            elif verb == "rate":
                sub = submission_of[index]
                sub.refresh_from_db(fields=["case"])
                rating = case_rate(submission=sub, value=args["value"], comment=args["comment"])
                stamps[(Rating, rating.pk, "created_at")] = step.at
            elif verb == "supervise":
                supervision.case_supervise(
                    case_id=case_id, actor=committee, supervisor=supervisor, reason=args["reason"]
                )
            elif verb == "milestone_add":
                m = supervision.milestone_add(
                    case_id=case_id,
                    actor=committee,
                    title=args["title"],
                    due_on=_milestone_due(step.at, args["due_days"]),
                )
                milestones[index].append(m.pk)
            elif verb == "milestone_done":
                supervision.milestone_done(
                    milestone_id=milestones[index][args["milestone"]],
                    actor=committee,
                    done_on=timezone.localtime(step.at).date(),
                )
            elif verb == "follow_up":
                supervision.case_follow_up(case_id=case_id, actor=committee, note=args["note"])
            elif verb == "merge":
                target = Case.objects.get(pk=case_of[args["into"]])
                case_merge_with_submissions(case_id=case_id, into=target, actor=committee)
            else:
                raise ValueError(verb)
            new = list(
                CaseEvent.objects.filter(pk__gt=last_event)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for i, pk in enumerate(new):
                event_times[pk] = step.at + timedelta(seconds=i)
            if new:
                last_event = new[-1]
        # Nothing from the replayed history is delivered: the rows go before commit, and the
        # on-commit deliveries then find nothing to claim.
        Notification.objects.filter(pk__gt=notifications_before).filter(
            Q(case_id__in=case_of.values()) | Q(submission__in=submission_of.values())
        ).delete()
        _shift(plans, net, case_of, submission_of, event_times, stamps, codes)
    result.cases = len(plans)
    result.submissions = len(plans)
    result.events = len(event_times)
    for status in Case.objects.filter(pk__in=case_of.values()).values_list("status", flat=True):
        result.by_status[status] = result.by_status.get(status, 0) + 1
    if log:
        log(result)
    return result


def _actor_ids(net: Network) -> set:
    return (
        {net.committee.pk, net.supervisor.pk}
        | set(net.unit_account.values())
        | set(net.rep_user.values())
        | set(net.station_user.values())
    )


def _submit(plan, reception, submission_create, IntakeSource, user):
    day = None
    if plan.reception_site is not None:
        day = reception[(plan.reception_site.pk, timezone.localtime(plan.at).date())]
    source = IntakeSource(
        channel=plan.channel,
        qr_code=plan.qr_code,
        placement=plan.placement,
        site=plan.site,
        representative=plan.representative,
        reception_day=day,
        logged_by=user(plan.logged_by_id),
    )
    submission, _created = submission_create(
        key=plan.key,
        source=source,
        area_id=plan.area.pk,
        text=plan.text,
        request_type=plan.request_type,
        category_id=plan.resident_category_id,
        address_line=plan.address_line,
        contact_name=plan.contact_name,
        contact_phone=plan.contact_phone,
        contact_preference=plan.contact_preference,
        consent=bool(plan.contact_phone),
        collected_on=plan.collected_on,
    )
    return submission


def _shift(plans, net, case_of, submission_of, event_times, stamps, codes) -> None:
    """Move what the services stamped "now" to the planned times, in batched UPDATEs. The
    case's own dates come from the same simulation the bulk way uses, so both agree."""
    sims: dict[int, _CaseSim] = {}
    for plan in plans:
        sims[plan.index] = simulate(plan, net, sims)
    batch = 500
    CaseEvent.objects.bulk_update(
        [CaseEvent(pk=pk, created_at=at) for pk, at in event_times.items()],
        ["created_at"],
        batch_size=batch,
    )
    subs = []
    for plan in plans:
        sub = submission_of[plan.index]
        sub.created_at = plan.at
        sub.consent_at = plan.at if sub.consent_at else None
        sub.tracking_code = codes.draw(plan.at)
        subs.append(sub)
    Submission.objects.bulk_update(
        subs, ["created_at", "consent_at", "tracking_code"], batch_size=batch
    )
    cases = []
    for plan in plans:
        sim = sims[plan.index].case
        cases.append(
            Case(
                pk=case_of[plan.index],
                created_at=plan.at,
                updated_at=sim.updated_at,
                closed_at=sim.closed_at,
                acknowledged_at=sim.acknowledged_at,
                acknowledge_by=sim.acknowledge_by,
                resolve_by=sim.resolve_by,
                replied_at=sim.replied_at,
            )
        )
    Case.objects.bulk_update(
        cases,
        [
            "created_at",
            "updated_at",
            "closed_at",
            "replied_at",
            "acknowledged_at",
            "acknowledge_by",
            "resolve_by",
        ],
        batch_size=batch,
    )
    by_model = defaultdict(dict)
    for (model, pk, name), at in stamps.items():
        by_model[model].setdefault(pk, {})[name] = at
    for model, rows in by_model.items():
        names = sorted({n for values in rows.values() for n in values})
        objs = []
        for pk, values in rows.items():
            obj = model.objects.get(pk=pk) if len(values) < len(names) else model(pk=pk)
            for name, at in values.items():
                setattr(obj, name, at)
            objs.append(obj)
        model.objects.bulk_update(objs, names, batch_size=batch)
    # The extension's date was asked against today's deadline; use the planned one.
    planned = {
        case_of[p.index]: sims[p.index].extensions for p in plans if sims[p.index].extensions
    }
    if not planned:
        return
    requests = defaultdict(list)
    for x in ExtensionRequest.objects.filter(case_id__in=planned).order_by("pk"):
        requests[x.case_id].append(x)
    public = defaultdict(list)
    for event in CaseEvent.objects.filter(
        case_id__in=planned, kind=K.EXTENSION, is_public=True
    ).order_by("pk"):
        public[event.case_id].append(event)
    updates, notes = [], []
    for case_id, wanted in planned.items():
        for real, plan_request in zip(requests[case_id], wanted, strict=True):
            real.new_resolve_by = plan_request.new_resolve_by
            updates.append(real)
        approved = [x for x in wanted if x.state == ExtensionRequest.State.APPROVED]
        for event, x in zip(public[case_id], approved, strict=True):
            event.note = _("New deadline: %(date)s") % {"date": x.new_resolve_by.isoformat()}
            notes.append(event)
    ExtensionRequest.objects.bulk_update(updates, ["new_resolve_by"], batch_size=batch)
    CaseEvent.objects.bulk_update(notes, ["note"], batch_size=batch)


def demo_cases_add(
    n: int,
    *,
    seed: int | None = None,
    through_services: bool = False,
    batch_size: int = BATCH_SIZE,
    log=None,
    now=None,
) -> DemoResult:
    """Add ``n`` synthetic cases spread over the last twelve months, through the services or
    in bulk. Without ``seed`` the draw depends on how many demo cases exist already, so a
    rerun adds different cases. Called by ``seed_demo`` (and the tests)."""
    start = demo_case_count()
    seed = start + 2026 if seed is None else seed
    salt = secrets.token_hex(8)
    network = Network.load()
    plans = draw_plans(n, seed=seed, salt=salt, start=start, now=now, network=network)
    if through_services:
        return demo_cases_through_services(plans, network=network, log=log)
    return demo_cases_bulk(plans, batch_size=batch_size, network=network, log=log)
