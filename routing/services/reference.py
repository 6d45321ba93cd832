"""Loading the reference data of cases a real deployment needs: handling units, categories,
deadline rules and reply templates (with the areas first: units belong to streets).

Idempotent by natural keys (unit name, category slug, level, template title): running it
twice, or on a database that already holds real data, adds only what is missing and never
overwrites a row an administrator may have edited. ``manage.py load_reference_data`` calls
``reference_data_load``; so does ``seed_demo`` before it adds the demo's synthetic data."""

from django.db import transaction

from representatives.models import Area
from representatives.services.reference import LoadReport, areas_load
from routing.models import Category, DeadlineRule, HandlingUnit, ReplyTemplate
from routing.reference import (
    DEADLINES_CSV,
    city_body_names,
    city_unit_names,
    read_csv,
    taxonomy_rows,
)
from routing.workdays import DEFAULT_LIMITS


def reference_data_load() -> LoadReport:
    """Everything a real deployment needs, in dependency order."""
    report = LoadReport()
    areas_load(report)
    units_load(report)
    categories_load(report)
    deadline_rules_load(report)
    reply_templates_load(report)
    return report


@transaction.atomic
def units_load(report: LoadReport) -> None:
    """One street office or township government per street/township, the city departments of
    the taxonomy's typical units, and the fixed city bodies."""
    city = Area.objects.get(level=Area.Level.CITY)
    wanted: list[tuple[str, str, Area | None]] = []
    for street in Area.objects.filter(level__in=[Area.Level.STREET, Area.Level.TOWNSHIP]):
        if street.level == Area.Level.TOWNSHIP:
            wanted.append((f"{street.name}人民政府", HandlingUnit.Kind.TOWNSHIP_GOVERNMENT, street))
        else:
            wanted.append((f"{street.name}办事处", HandlingUnit.Kind.STREET_OFFICE, street))
    for row in taxonomy_rows():
        if row["unit_type"] != "city-department":
            continue
        wanted.extend(
            (name, HandlingUnit.Kind.CITY_DEPARTMENT, city)
            for name in city_unit_names(row["typical_units_zh"])
        )
    wanted += [(name, kind, city) for kind, name in city_body_names().items()]
    have = set(HandlingUnit.objects.values_list("name", flat=True))
    new = []
    for name, kind, area in wanted:
        if name not in have:
            have.add(name)
            new.append(HandlingUnit(name=name, kind=kind, area=area))
    HandlingUnit.objects.bulk_create(new)
    report.add("handling units", len(new))


@transaction.atomic
def deadline_rules_load(report: LoadReport) -> None:
    """The limits of deadlines.csv as editable rows (reference data)."""
    basis = {row["level"]: row["basis"] for row in read_csv(DEADLINES_CSV)}
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
def categories_load(report: LoadReport) -> None:
    """The matter categories of taxonomy.csv (reference data)."""
    have = set(Category.objects.values_list("slug", flat=True))
    new = [
        Category(
            slug=row["slug"],
            name=row["name_zh"],
            name_en=row["name_en"],
            examples=row["examples_zh"],
            default_route=row["default_route"],
            unit_type=row["unit_type"],
            typical_units=row["typical_units_zh"],
            position=i,
        )
        for i, row in enumerate(taxonomy_rows())
        if row["slug"] not in have
    ]
    Category.objects.bulk_create(new)
    report.add("categories", len(new))


# Answers for common enquiries (direct replies by representatives and stations).
REPLY_TEMPLATES: list[tuple[str, str]] = [
    (
        "社保政策咨询",
        "您好！您咨询的社会保险政策问题，可拨打12333人力资源和社会保障服务热线，"
        "或携带身份证到克拉玛依市政务服务中心社保窗口现场咨询办理。"
        "如办理中遇到困难，欢迎再次通过联络站反映。感谢您的关注！",
    ),
    (
        "涉法涉诉事项（请走法定渠道）",
        "您好！您反映的事项已进入诉讼（或仲裁、复议）程序。根据有关规定，"
        "人大代表不干预具体案件的办理。请您通过法定途径表达诉求：向承办法院或仲裁机构提交材料，"
        "或向人民检察院申请法律监督；如需法律帮助，可拨打12348公共法律服务热线或到司法所咨询。"
        "感谢您的理解！",
    ),
    (
        "义务教育入学政策",
        "您好！义务教育阶段入学按照“划片招生、就近入学”原则办理，具体划片范围、报名时间和所需材料，"
        "以克拉玛依市教育局每年发布的招生公告为准。可登录教育局网站查看，或拨打12345政务服务热线咨询。"
        "感谢您的关注！",
    ),
    (
        "医保报销咨询",
        "您好！医疗保险报销比例、异地就医备案等问题，可通过“国家医保服务平台”App查询办理，"
        "或到市医疗保障局服务大厅咨询。感谢您的关注！",
    ),
    (
        "住房公积金咨询",
        "您好！住房公积金提取、贷款等业务，可拨打12329住房公积金服务热线，"
        "或到市住房公积金管理中心服务大厅咨询办理。感谢您的关注！",
    ),
    (
        "户籍办理咨询",
        "您好！户口迁移、居民身份证办理等业务，请到辖区派出所户籍窗口咨询办理，"
        "也可拨打12345政务服务便民热线了解所需材料。感谢您的关注！",
    ),
]


@transaction.atomic
def reply_templates_load(report: LoadReport) -> None:
    """The reply templates that are missing (matched by title: one edited by staff in the
    admin is left as it is)."""
    for title, text in REPLY_TEMPLATES:
        _template, created = ReplyTemplate.objects.get_or_create(
            title=title, defaults={"text": text}
        )
        report.add("reply templates", int(created))
