"""A resident's 不满意 and its reason reach the committee and the unit: on their case pages, in
their inboxes and on the redo; the resident sees their own words on /track/, a co-submitter
does not; the reopening counts on the dashboard (重办件数)."""

import pytest
from django.utils import timezone

from feedback.models import Submission
from notifications.models import Notification
from routing.models import CaseStatus, Route
from routing.services.workflow import (
    case_accept,
    case_merge,
    case_respond,
    case_triage,
    case_verify_publish,
)
from tests.routing.helpers import estate, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

REASON = "路灯修好两天又不亮了，晚上老人出门还是看不见，请再派人来看看线路。"


@pytest.fixture
def replied(site, committee_staff, unit_staff, categories):
    """A hand-off to the street office, answered and published, with a co-submitter merged in."""
    unit = unit_staff.official.unit
    case = triage(open_case(site.area, site=site), committee_staff, route=Route.ASSIGN, unit=unit)
    other = open_case(site.area, site=site, text="我家楼下的路灯也不亮。")
    case_merge(case_id=other.pk, into=case, actor=committee_staff)
    case_accept(case_id=case.pk, actor=unit_staff)
    case_respond(case_id=case.pk, actor=unit_staff, result="已更换灯泡。")
    case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="路灯已修复。", public_actor="银河路街道"
    )
    first, second = Submission.objects.order_by("pk")
    return case, first, second


def _track(submission):
    return f"/track/{submission.tracking_code}/{submission.secret}/"


def _rate_dissatisfied(client, submission):
    response = client.post(
        _track(submission) + "rate/", {"value": "dissatisfied", "comment": REASON}
    )
    assert response.status_code == 302


def test_the_reason_reaches_staff_unit_inboxes_and_the_resident(
    client, replied, committee_staff, unit_staff
):
    case, first, second = replied
    _rate_dissatisfied(client, first)
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED

    # The resident's own timeline shows what they wrote; the co-submitter's does not.
    assert REASON in client.get(_track(first)).text
    assert REASON not in client.get(_track(second)).text

    # The committee: the case page names the rating and quotes the reason, never the raw value.
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{case.pk}/").text
    assert REASON in page and "居民对答复不满意" in page and "不满意" in page
    assert "dissatisfied" not in page.replace('value="dissatisfied"', "")
    inbox = client.get("/inbox/").text
    assert case.reference in inbox and REASON in inbox and "不满意" in inbox

    # The unit that answered hears why, in its inbox and on its case page.
    client.force_login(unit_staff)
    inbox = client.get("/inbox/").text
    assert REASON in inbox
    notices = Notification.objects.filter(template="case_reopened_by_rating")
    assert {n.user_id for n in notices if n.channel == "in_app"} >= {
        committee_staff.pk,
        unit_staff.pk,
    }
    # E-mails carry no resident words.
    assert not notices.filter(channel="email").exclude(note="").exists()

    # The redo: triaged again to the unit, whose desk shows why it came back.
    client.force_login(committee_staff)
    case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=unit_staff.official.unit,
    )
    client.force_login(unit_staff)
    desk = client.get(f"/desk/cases/{case.pk}/").text
    assert "居民对答复不满意" in desk and REASON in desk


def test_a_satisfied_rating_tells_nobody_and_shows_no_redo(client, replied, committee_staff):
    case, first, _second = replied
    response = client.post(_track(first) + "rate/", {"value": "satisfied", "comment": "谢谢"})
    assert response.status_code == 302
    assert not Notification.objects.filter(template="case_reopened_by_rating").exists()
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{case.pk}/").text
    assert "居民对答复不满意" not in page and "满意" in page


def test_the_reopening_counts_on_the_dashboard(client, replied, committee_staff):
    case, first, _second = replied
    _rate_dissatisfied(client, first)
    client.force_login(committee_staff)
    area = committee_staff.official.area_id
    today = timezone.localdate()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    response = client.get("/reports/", {"period": quarter, "area": area})
    assert response.status_code == 200
    assert response.context["figures"]["handling"]["reopened"] == 1
