"""What the routing tests share: a resident's opinion opened as a case."""

import uuid

from feedback.models import Channel
from feedback.photos import clean_photo
from feedback.services.submit import IntakeSource, submission_create
from routing.models import Case

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
