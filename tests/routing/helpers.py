"""What the tests of cases share: a resident's opinion opened as a case, a fixed classifier
suggestion, triage in one call, the committee's clock, a case held past its deadline.
(Helpers live here, not in test modules: no test module imports another.)"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from feedback.models import Channel
from feedback.photos import clean_photo
from feedback.services.submit import IntakeSource, submission_create
from routing.models import Case, Category, Route
from routing.services.workflow import case_triage

PHONE = "13912345678"
TEXT = "小区北门的路灯一直不亮，晚上老人出门很不安全，希望尽快修好。"


def open_case(area, *, site=None, representative=None, text=TEXT, photos=()) -> Case:
    """A resident's submission (with contact details) and the case opened for it."""
    channel = Channel.REPRESENTATIVE_QR if representative else Channel.SITE_QR
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=channel, site=site, representative=representative),
        area_id=area.pk,
        text=text,
        request_type="help",
        contact_name="王秀兰",
        contact_phone=PHONE,
        contact_preference="sms",
        consent=True,
        photos=[clean_photo(p) for p in photos],
    )
    return Case.objects.get(pk=submission.case_id)


# What staff see at triage when the classifier is not under test (the ``fixed_suggestion``
# fixture of tests/conftest.py opens every case with it).
SUGGESTION = {
    "route": "assign",
    "category": "estate-property",
    "urgent": False,
    "deadline_level": "general",
    "unit": None,
    "unit_id": None,
    "confidence": 0.82,
    "reasons": ["关键词“路灯”：物业与小区"],
}


def estate() -> Category:
    return Category.objects.get(slug="estate-property")


def triage(case, actor, *, route, unit=None, supervisor=None) -> Case:
    """Route ``case`` as estate property; supervised when a ``supervisor`` is named."""
    return case_triage(
        case_id=case.pk,
        actor=actor,
        route=route,
        category=estate(),
        unit=unit,
        supervise=supervisor is not None,
        supervisor=supervisor,
    )


SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 16 November 2026, end of the office day: the resolution deadline of held cases.
DEADLINE = datetime(2026, 11, 16, 18, 0, tzinfo=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def make_case(site, clerk, unit, *, accept_by=None, resolve_by=DEADLINE, **changes) -> Case:
    """A hand-off sent to ``unit`` with the given deadlines (and any other column changed)."""
    case = triage(open_case(site.area, site=site), clerk, route=Route.ASSIGN, unit=unit)
    Case.objects.filter(pk=case.pk).update(
        resolve_by=resolve_by, acknowledge_by=accept_by or at("2026-11-03T18:00"), **changes
    )
    return Case.objects.get(pk=case.pk)
