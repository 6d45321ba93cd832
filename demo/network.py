"""The demo's synthetic liaison network on top of the reference data: communities up to the
article's 112, a site per area, 820 obviously fictional representatives, their codes and
placements, and one demo account per role (demo-only password).

Idempotent by natural keys (area code, site name, representative delegation+name, username):
running it twice adds only what is missing and never overwrites a row. Called by
``manage.py seed_demo`` only; nothing outside this app knows the demo accounts exist.
"""

import random

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
from representatives.services.reference import LoadReport
from routing.models import HandlingUnit
from routing.reference import city_unit_names
from routing.services.reference import reference_data_load

# Published in the README: demo accounts only (``seed_demo`` refuses them when DEBUG is off).
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105

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

DEMO_PLACEMENTS = ["网格公示栏", "党群服务中心大厅", "小区单元电梯口"]


@transaction.atomic
def communities_add(report: LoadReport) -> None:
    """Synthetic communities up to the article's 112 (areas.csv lists a few real ones)."""
    by_code = {a.code: a for a in Area.objects.all()}
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
def seed_sites(report: LoadReport) -> None:
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
def seed_representatives(report: LoadReport) -> None:
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
def seed_codes(report: LoadReport) -> None:
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
    # username, role, description, (family name, given name, title) as colleagues see them
    ("rep", Role.REPRESENTATIVE, "人大代表（向阳北社区联络点）", ("", "", "市人大代表")),
    (
        "station",
        Role.STATION_STAFF,
        "联络站工作人员（长征社区联络点）",
        ("马", "晓梅", "联络点联络员"),
    ),
    (
        "committee",
        Role.COMMITTEE_STAFF,
        "市人大常委会工作人员（全市）",
        ("林", "晓燕", "联络工作科科长"),
    ),
    (
        "street",
        Role.COMMITTEE_STAFF,
        "银河路街道人大工委（本街道）",
        ("王", "建华", "街道人大工委专职副主任"),
    ),
    ("unit", Role.UNIT_STAFF, "承办单位：银河路街道办事处", ("张", "丽", "街道办事处综合办干事")),
    (
        "govoffice",
        Role.UNIT_STAFF,
        "市人民政府办公室（转办件分派）",
        ("刘", "洋", "市政府办公室督查科干部"),
    ),
    (
        "department",
        Role.UNIT_STAFF,
        "承办单位：克拉玛依市住房和城乡建设局",
        ("赵", "鹏", "市住建局办公室主任"),
    ),
    ("leader", Role.LEADER, "领导（全市）", ("陈", "国强", "市人大常委会副主任")),
    ("admin", Role.ADMINISTRATOR, "系统管理员", ("", "", "系统管理员")),
]


@transaction.atomic
def seed_demo_accounts(report: LoadReport, password: str) -> None:
    """One demo account per role (demo-only password); existing users are left untouched."""
    User = get_user_model()
    city = Area.objects.get(level=Area.Level.CITY)
    yinhe = Area.objects.get(name="银河路街道")
    xiangyang = Area.objects.get(name="向阳北社区")
    changzheng_site = LiaisonSite.objects.get(area__name="长征社区")
    yinhe_office = HandlingUnit.objects.get(area=yinhe)
    for username, role, description, (family, given, title) in DEMO_ACCOUNTS:
        username = f"demo_{username}"
        report.accounts.append((username, description))
        if User.objects.filter(username=username).exists():
            # Seeded before accounts had names: name them, touch nothing else.
            User.objects.filter(username=username, first_name="", last_name="").update(
                first_name=given, last_name=family
            )
            Official.objects.filter(user__username=username, title="").update(title=title)
            continue
        user = User(
            username=username,
            first_name=given,
            last_name=family,
            is_staff=role == Role.ADMINISTRATOR,
        )
        user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        official = Official(user=user, role=role, area=city, title=title)
        if role == Role.STATION_STAFF:
            official.site, official.area = changzheng_site, changzheng_site.area
        elif username == "demo_govoffice":
            official.unit = HandlingUnit.objects.get(kind=HandlingUnit.Kind.CITY_GOVERNMENT_OFFICE)
        elif username == "demo_department":
            official.unit = HandlingUnit.objects.get(name=city_unit_names("市住建局")[0])
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
                user.last_name, user.first_name = rep.name[:1], rep.name[1:]
                user.save(update_fields=["first_name", "last_name"])
        official.save()
        report.add("demo accounts", 1)


def network_seed(*, with_accounts: bool, password: str = DEMO_PASSWORD) -> LoadReport:
    """The reference data, then the synthetic network (and the demo accounts), in dependency
    order."""
    report = reference_data_load()
    communities_add(report)
    seed_sites(report)
    seed_representatives(report)
    seed_codes(report)
    if with_accounts:
        seed_demo_accounts(report, password)
    return report
