"""Reference and demo data: the real Karamay divisions plus a synthetic liaison network.

Idempotent by natural keys (area code, site name, representative delegation+name, unit name,
username): running it twice, or on a database that already holds real data, adds only what
is missing and never overwrites a row. Called by ``manage.py seed_demo`` only.
"""

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from representatives.models import (
    Area,
    Expertise,
    LiaisonSite,
    Official,
    QRCode,
    QRPlacement,
    Representative,
    Role,
    TokenStatus,
)
from representatives.units import city_unit_names
from routing.models import HandlingUnit
from routing.services.seed_templates import seed_reply_templates

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Target sizes from the source article: 15–16 streets/townships, 112 communities, 800+ deputies.
COMMUNITIES_TOTAL = 112
CITY_REPRESENTATIVES = 260
DISTRICT_REPRESENTATIVES = 560

EXPERTISE = [
    ("environment", "生态环境"),
    ("education", "教育"),
    ("health", "医疗卫生"),
    ("urban-construction", "城建交通"),
    ("social-security", "社会保障与就业"),
    ("law", "法律"),
    ("economy", "经济与财政"),
    ("agriculture", "农业农村"),
    ("culture-sports", "文化体育"),
    ("civil-affairs", "民政与养老"),
    ("energy", "石油石化与能源"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "建国华明芳军丽强敏静伟磊洋艳娟勇杰涛超秀兰霞平刚桂英玉梅红海燕云志新春晓东文斌亮宏峰辉鹏晨"

# The fixed city bodies of DESIGN section 2 (一府一委两院 and the upward channel).
CITY_BODIES = [
    ("克拉玛依市人民政府办公室", HandlingUnit.Kind.CITY_GOVERNMENT_OFFICE),
    ("克拉玛依市监察委员会", HandlingUnit.Kind.SUPERVISORY_COMMISSION),
    ("克拉玛依市中级人民法院", HandlingUnit.Kind.COURT),
    ("克拉玛依市人民检察院", HandlingUnit.Kind.PROCURATORATE),
    ("新疆维吾尔自治区人大常委会", HandlingUnit.Kind.HIGHER_CONGRESS),
]

DEMO_PLACEMENTS = ["网格公示栏", "党群服务中心大厅", "小区单元电梯口"]


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def add(self, what: str, n: int) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _read_csv(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def seed_areas(report: SeedReport) -> None:
    """Load areas.csv, then add synthetic communities up to the article's 112."""
    existing = {a.code: a for a in Area.objects.all()}
    by_code = dict(existing)
    community_seq: dict[str, int] = {}
    for row in _read_csv("areas.csv"):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        code = row["code"]
        if not code:  # communities are listed without official codes: derive a stable one
            community_seq[parent.code] = community_seq.get(parent.code, 0) + 1
            code = f"{parent.code}{community_seq[parent.code]:03d}"
        if code in by_code:
            continue
        area = Area(
            code=code, name=row["name"], level=row["level"], parent=parent, note=row["note"]
        )
        area.save()
        by_code[code] = area
        report.add("areas", 1)

    streets = [a for a in by_code.values() if a.tier == 3]
    communities = [a for a in by_code.values() if a.tier == 4]
    missing = COMMUNITIES_TOTAL - len(communities)
    rng = random.Random(112)  # noqa: S311 (demo data, not security)
    counts = {s.code: sum(1 for c in communities if c.parent_id == s.id) for s in streets}
    for i in range(max(missing, 0)):
        street = min(streets, key=lambda s: (counts[s.code], rng.random()))
        counts[street.code] += 1
        seq = 100 + counts[street.code]
        code = f"{street.code}{seq:03d}"
        if code in by_code:
            continue
        short = street.name.removesuffix("街道").removesuffix("乡").removesuffix("镇")
        level = Area.Level.VILLAGE if street.level == Area.Level.TOWNSHIP else Area.Level.COMMUNITY
        suffix = "村" if level == Area.Level.VILLAGE else "社区"
        area = Area(
            code=code,
            name=f"{short}第{i + 1}{suffix}（演示）",
            level=level,
            parent=street,
            is_demo=True,
            note="synthetic demo community",
        )
        area.save()
        by_code[code] = area
        report.add("areas", 1)


@transaction.atomic
def seed_units(report: SeedReport) -> None:
    """One street office or township government per street/township, city departments from
    the taxonomy's typical units, and the fixed city bodies."""
    city = Area.objects.get(level=Area.Level.CITY)
    wanted: list[tuple[str, str, Area | None]] = []
    for street in Area.objects.filter(level__in=[Area.Level.STREET, Area.Level.TOWNSHIP]):
        if street.level == Area.Level.TOWNSHIP:
            wanted.append((f"{street.name}人民政府", HandlingUnit.Kind.TOWNSHIP_GOVERNMENT, street))
        else:
            wanted.append((f"{street.name}办事处", HandlingUnit.Kind.STREET_OFFICE, street))
    for row in _read_csv("taxonomy.csv"):
        if row["unit_type"] != "city-department":
            continue
        wanted.extend(
            (name, HandlingUnit.Kind.CITY_DEPARTMENT, city)
            for name in city_unit_names(row["typical_units_zh"])
        )
    wanted += [(name, kind, city) for name, kind in CITY_BODIES]
    have = set(HandlingUnit.objects.values_list("name", flat=True))
    new = []
    for name, kind, area in wanted:
        if name not in have:
            have.add(name)
            new.append(HandlingUnit(name=name, kind=kind, area=area))
    HandlingUnit.objects.bulk_create(new)
    report.add("handling units", len(new))


@transaction.atomic
def seed_deadline_rules(report: SeedReport) -> None:
    """The limits of deadlines.csv as editable rows (reference data)."""
    from routing.models import DeadlineRule
    from routing.workdays import DEFAULT_LIMITS

    basis = {row["level"]: row["basis"] for row in _read_csv("deadlines.csv")}
    have = set(DeadlineRule.objects.values_list("level", flat=True))
    new = [
        DeadlineRule(
            level=level,
            acknowledge_within=limit.acknowledge_within,
            acknowledge_unit=limit.acknowledge_unit,
            resolve_within=limit.resolve_within,
            resolve_unit=limit.resolve_unit,
            basis=basis.get(level, "")[:200],
        )
        for level, limit in DEFAULT_LIMITS.items()
        if level not in have
    ]
    DeadlineRule.objects.bulk_create(new)
    report.add("deadline rules", len(new))


@transaction.atomic
def seed_categories(report: SeedReport) -> None:
    """The matter categories of taxonomy.csv (reference data)."""
    from routing.models import Category

    have = set(Category.objects.values_list("slug", flat=True))
    new = [
        Category(
            slug=row["slug"],
            name=row["name_zh"],
            examples=row["examples_zh"],
            default_route=row["default_route"],
            unit_type=row["unit_type"],
            typical_units=row["typical_units_zh"],
            position=i,
        )
        for i, row in enumerate(_read_csv("taxonomy.csv"))
        if row["slug"] not in have
    ]
    Category.objects.bulk_create(new)
    report.add("categories", len(new))


@transaction.atomic
def seed_sites(report: SeedReport) -> None:
    """A home for the city and each district, a station per street, a point per community."""
    have = set(LiaisonSite.objects.values_list("name", flat=True))
    new = []
    for area in Area.objects.order_by("path"):
        if area.level == Area.Level.CITY or area.tier == 2:
            name, kind = f"{area.name}人大代表之家", LiaisonSite.Kind.HOME
        elif area.tier == 3:
            name, kind = f"{area.name}人大代表联络站", LiaisonSite.Kind.STATION
        else:
            name, kind = f"{area.name}人大代表联络点", LiaisonSite.Kind.POINT
        if name in have:
            continue
        # The article: 长征社区 holds its reception day on the 10th of every month.
        day = 10 if area.name == "长征社区" else (area.pk % 20) + 5
        new.append(
            LiaisonSite(
                name=name,
                kind=kind,
                area=area,
                address=f"{area.name}党群服务中心" if area.tier >= 3 else f"{area.name}人大常委会",
                opening_hours="周一至周五 9:30–13:30，16:00–19:30",
                reception_day=day,
                reception_rule=f"每月{day}日 上午10:00–12:00",
                phone=f"0990-68{area.pk % 100:02d}{len(new) % 1000:03d}",
                is_demo=True,
            )
        )
    LiaisonSite.objects.bulk_create(new)
    report.add("liaison sites", len(new))


def _synthetic_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return f"{rng.choice(SURNAMES)}{given}（演示）"


@transaction.atomic
def seed_representatives(report: SeedReport) -> None:
    """820 obviously synthetic representatives, each attached to one or two sites."""
    for slug, name in EXPERTISE:
        _obj, created = Expertise.objects.get_or_create(slug=slug, defaults={"name": name})
        report.add("fields of expertise", int(created))
    if Representative.objects.filter(is_demo=True).exists():
        return  # the demo deputies exist; adding more on a rerun would only duplicate them
    rng = random.Random(820)  # noqa: S311
    expertise = list(Expertise.objects.all())
    sites = list(LiaisonSite.objects.select_related("area"))
    city_sites = [s for s in sites if s.area.tier <= 2]
    district_of = {s.pk: s.area.district for s in sites}
    lower_sites = [s for s in sites if s.area.tier >= 3]
    taken = set(Representative.objects.values_list("level", "delegation", "name"))
    reps, links = [], []
    plan = [
        (Representative.Level.CITY, CITY_REPRESENTATIVES),
        (Representative.Level.DISTRICT, DISTRICT_REPRESENTATIVES),
    ]
    n = 0
    for level, count in plan:
        for _i in range(count):
            # Every station and point gets at least one deputy before the rest are spread out.
            site = lower_sites[n] if n < len(lower_sites) else rng.choice(lower_sites)
            n += 1
            district = district_of[site.pk]
            delegation = (
                f"{district.name}代表团"
                if level == Representative.Level.CITY
                else f"{district.name}第{rng.randint(1, 30)}选区"
            )
            name = _synthetic_name(rng)
            while (level, delegation, name) in taken:
                name = _synthetic_name(rng)
            taken.add((level, delegation, name))
            rep = Representative(
                name=name,
                level=level,
                delegation=delegation,
                profile="演示数据：此代表为系统生成的虚构人物，用于展示联络站与代表码的使用。",
                is_demo=True,
            )
            chosen = [site]
            if level == Representative.Level.CITY and rng.random() < 0.5:
                chosen.append(rng.choice(city_sites))
            reps.append((rep, chosen, rng.sample(expertise, k=rng.randint(1, 2))))
    Representative.objects.bulk_create([r for r, _s, _e in reps])
    site_links = Representative.sites.through
    exp_links = Representative.expertise.through
    links = [
        site_links(representative_id=r.pk, liaisonsite_id=s.pk) for r, ss, _e in reps for s in ss
    ]
    site_links.objects.bulk_create(links, ignore_conflicts=True)
    exp_links.objects.bulk_create(
        [exp_links(representative_id=r.pk, expertise_id=e.pk) for r, _s, es in reps for e in es],
        ignore_conflicts=True,
    )
    report.add("representatives", len(reps))


@transaction.atomic
def seed_codes(report: SeedReport) -> None:
    """An active code for every site and representative that has none; demo placements."""
    with_code_sites = set(
        QRCode.objects.filter(status=TokenStatus.ACTIVE, site__isnull=False).values_list(
            "site_id", flat=True
        )
    )
    with_code_reps = set(
        QRCode.objects.filter(status=TokenStatus.ACTIVE, representative__isnull=False).values_list(
            "representative_id", flat=True
        )
    )
    new = [
        QRCode(site_id=pk)
        for pk in LiaisonSite.objects.values_list("pk", flat=True)
        if pk not in with_code_sites
    ]
    new += [
        QRCode(representative_id=pk)
        for pk in Representative.objects.values_list("pk", flat=True)
        if pk not in with_code_reps
    ]
    QRCode.objects.bulk_create(new)
    report.add("QR codes", len(new))
    placed_codes = set(QRPlacement.objects.values_list("code_id", flat=True))
    placements = []
    for code in QRCode.objects.filter(
        status=TokenStatus.ACTIVE, site__kind=LiaisonSite.Kind.POINT, site__is_demo=True
    ).exclude(pk__in=placed_codes):
        placements.extend(QRPlacement(code=code, name=name) for name in DEMO_PLACEMENTS)
    QRPlacement.objects.bulk_create(placements)
    report.add("QR placements", len(placements))


DEMO_ACCOUNTS = [
    # username, role, description
    ("rep", Role.REPRESENTATIVE, "人大代表（向阳北社区联络点）"),
    ("station", Role.STATION_STAFF, "联络站工作人员（长征社区联络点）"),
    ("committee", Role.COMMITTEE_STAFF, "市人大常委会工作人员（全市）"),
    ("street", Role.COMMITTEE_STAFF, "银河路街道人大工委（本街道）"),
    ("unit", Role.UNIT_STAFF, "承办单位：银河路街道办事处"),
    ("govoffice", Role.UNIT_STAFF, "市人民政府办公室（转办件分派）"),
    ("department", Role.UNIT_STAFF, "承办单位：克拉玛依市住房和城乡建设局"),
    ("leader", Role.LEADER, "领导（全市）"),
    ("admin", Role.ADMINISTRATOR, "系统管理员"),
]


@transaction.atomic
def seed_demo_accounts(report: SeedReport, password: str) -> None:
    """One demo account per role (demo-only password); existing users are left untouched."""
    User = get_user_model()
    city = Area.objects.get(level=Area.Level.CITY)
    yinhe = Area.objects.get(name="银河路街道")
    xiangyang = Area.objects.get(name="向阳北社区")
    changzheng_site = LiaisonSite.objects.get(area__name="长征社区")
    yinhe_office = HandlingUnit.objects.get(area=yinhe)
    for username, role, description in DEMO_ACCOUNTS:
        username = f"demo_{username}"
        report.accounts.append((username, description))
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, is_staff=role == Role.ADMINISTRATOR)
        user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        official = Official(user=user, role=role, area=city)
        if role == Role.STATION_STAFF:
            official.site, official.area = changzheng_site, changzheng_site.area
        elif username == "demo_govoffice":
            official.unit = HandlingUnit.objects.get(kind=HandlingUnit.Kind.CITY_GOVERNMENT_OFFICE)
        elif username == "demo_department":
            official.unit = HandlingUnit.objects.get(name="克拉玛依市住房和城乡建设局")
        elif role == Role.UNIT_STAFF:
            official.unit, official.area = yinhe_office, yinhe
        elif username == "demo_street":
            official.area = yinhe
        elif role == Role.REPRESENTATIVE:
            official.area = xiangyang
            rep = (
                Representative.objects.filter(user__isnull=True, sites__area=xiangyang)
                .order_by("pk")
                .first()
            )
            if rep:
                rep.user = user
                rep.save(update_fields=["user"])
        official.save()
        report.add("demo accounts", 1)


def seed_network(*, with_accounts: bool, password: str) -> SeedReport:
    """Everything issue 2 seeds, in dependency order."""
    report = SeedReport()
    seed_areas(report)
    seed_units(report)
    seed_categories(report)
    seed_deadline_rules(report)
    seed_sites(report)
    seed_representatives(report)
    seed_codes(report)
    report.add("reply templates", seed_reply_templates())
    if with_accounts:
        seed_demo_accounts(report, password)
    return report
