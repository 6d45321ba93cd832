"""Reply templates for common enquiries (direct replies by representatives and stations).

Called by the seed (``seed_network``); idempotent: a template is matched by its title, and an
existing one — possibly edited by staff in the admin — is left as it is.
"""

from django.db import transaction

from routing.models import ReplyTemplate

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
def seed_reply_templates() -> int:
    """Create the reply templates that are missing (matched by title); returns how many."""
    created = 0
    for title, text in REPLY_TEMPLATES:
        _template, was_created = ReplyTemplate.objects.get_or_create(
            title=title, defaults={"text": text}
        )
        created += was_created
    return created
