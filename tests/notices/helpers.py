"""What the 公示 tests share: a resident's case taken to its close, with the unit's "after"
photo shown to the resident, and (optionally) the resident's consent to show the result.
(Helpers live here, not in test modules: no test module imports another.)"""

import uuid
from datetime import date

from feedback.models import Channel, Satisfaction, Submission
from feedback.photos import clean_photo
from feedback.services.consent import submission_publication_consent_set
from feedback.services.rate import case_rate
from feedback.services.submit import IntakeSource, submission_create
from notices.services.announcement import announcement_create
from routing.models import Case, CaseAttachment, CaseEvent, Route
from routing.services.workflow import case_accept, case_respond, case_verify_publish
from tests.feedback.helpers import jpeg_with_gps
from tests.routing.helpers import PHONE, TEXT, triage

NAME = "王秀兰"
REPLY = "北门路灯已于本周更换两盏，感谢您的监督。"
# A reply written the way staff sometimes write them: it names the household.
NAMING_REPLY = "王秀兰您好，您家门口的路灯已更换。"
RESULT = "已更换北门路灯两盏。"


def opinion(site, *, request_type="help", text=TEXT) -> Submission:
    """A resident's opinion through ``site`` (with their photo, name and number), its case
    opened."""
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site),
        area_id=site.area_id,
        text=text,
        request_type=request_type,
        contact_name=NAME,
        contact_phone=PHONE,
        contact_preference="sms",
        consent=True,
        photos=[clean_photo(jpeg_with_gps("before.jpg"))],
    )
    return submission


def handle_to_reply(case, committee_staff, unit_staff, *, reply=REPLY) -> Case:
    """Triage, the unit's result with an "after" photo, the committee's reply: replied."""
    triage(case, committee_staff, route=Route.ASSIGN, unit=unit_staff.official.unit)
    case_accept(case_id=case.pk, actor=unit_staff)
    after = clean_photo(jpeg_with_gps("after.jpg"))
    case_respond(case_id=case.pk, actor=unit_staff, result=RESULT, photos=[after])
    case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply=reply, public_actor="人大常委会"
    )
    return Case.objects.get(pk=case.pk)


def closed_case(
    site,
    committee_staff,
    unit_staff,
    *,
    consent=True,
    request_type="help",
    text=TEXT,
    reply=REPLY,
) -> Case:
    """A case opened from the resident's opinion (with their photo, name and number), handled
    by the unit with an "after" photo, replied, rated satisfied (closed)."""
    submission = opinion(site, request_type=request_type, text=text)
    case = Case.objects.get(pk=submission.case_id)
    handle_to_reply(case, committee_staff, unit_staff, reply=reply)
    submission.refresh_from_db()
    case_rate(submission=submission, value=Satisfaction.SATISFIED)
    if consent:
        submission.refresh_from_db()
        submission_publication_consent_set(submission=submission, agree=True)
    return Case.objects.get(pk=case.pk)


def shown_photo(case) -> CaseAttachment:
    """The "after" photo as the resident was shown it (on the public event)."""
    return CaseAttachment.objects.get(
        event__case=case, event__kind=CaseEvent.Kind.VERIFIED, event__is_public=True
    )


def announce(official_user, area, *, opens_on: date, closes_on: date, site=None, title=None):
    return announcement_create(
        actor=official_user,
        official=official_user.official,
        area=area,
        site=site,
        title=title or "北门路灯及步道改造计划",
        body="计划于下月更换北门至幼儿园一段路灯，并铺设无障碍步道。欢迎居民提出意见。",
        opens_on=opens_on,
        closes_on=closes_on,
    )
