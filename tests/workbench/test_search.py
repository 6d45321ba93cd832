"""Finding a case with a resident on the phone: by tracking code, case number, phone number or
name, as well as by the words of the opinion; never outside the clerk's scope."""

import io
import uuid

import pytest
from django.core.management import call_command

from feedback.models import Channel, Submission
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import Role
from routing.models import Case, Route
from tests.factories import AreaFactory, make_official
from tests.feedback.helpers import jpeg_with_gps
from tests.routing.helpers import open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def _resident_case(site, *, name, phone, text="小区门口的下水道堵了，污水漫到路上。"):
    submission, _ = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site),
        area_id=site.area.pk,
        text=text,
        request_type="help",
        contact_name=name,
        contact_phone=phone,
        contact_preference="sms",
        consent=True,
    )
    return Case.objects.get(pk=submission.case_id)


@pytest.fixture
def cases(site, clerk, unit_staff):
    """Three residents' cases; the first already handed to a unit (no longer in the default
    queue), so that a look-up must find it wherever it is."""
    first = _resident_case(site, name="张桂芳", phone="13955556666")
    triage(first, clerk, route=Route.ASSIGN, unit=unit_staff.official.unit)
    second = _resident_case(
        site, name="李建国", phone="13800001111", text="暖气不热，家里只有十五度。"
    )
    third = open_case(site.area, site=site, text="路灯一直不亮，晚上出门看不见。")
    return first, second, third


def _found(client, q, **extra):
    response = client.get("/work/", {"q": q, **extra})
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.replace("-", ""),
        lambda code: code.replace("-", " ").lower(),
    ],
    ids=["as printed", "no dashes", "spaces, lower case"],
)
def test_by_tracking_code(client, clerk, cases, typed):
    first = cases[0]
    code = Submission.objects.get(case=first).tracking_code
    client.force_login(clerk)
    # The clerk is on the default queue (to classify); the case is with a unit.
    assert _found(client, typed(code)) == {first.pk}


@pytest.mark.parametrize("typed", ["C-{:06d}", "c{}", "{}", " {} "])
def test_by_case_number(client, clerk, cases, typed):
    second = cases[1]
    client.force_login(clerk)
    assert _found(client, typed.format(second.pk), queue="to_classify") == {second.pk}


@pytest.mark.parametrize("typed", ["13955556666", "139 5555 6666", "+86 139-5555-6666"])
def test_by_phone_number_through_its_hash(client, clerk, cases, typed):
    first = cases[0]
    client.force_login(clerk)
    assert _found(client, typed) == {first.pk}
    # What is stored is a keyed hash, not the number.
    stored = Submission.objects.get(case=first)
    assert "13955556666" not in stored.contact_phone_hash + stored.contact_phone_encrypted
    assert len(stored.contact_phone_hash) == 64


def test_by_name_and_by_words(client, clerk, cases):
    first, second, third = cases
    client.force_login(clerk)
    assert _found(client, "李建国", queue="all") == {second.pk}
    assert _found(client, " 李 建国 ", queue="all") == {second.pk}
    assert _found(client, "暖气", queue="all") == {second.pk}
    assert _found(client, "路灯不亮", queue="all") == {third.pk}
    # A name is matched whole: a surname alone finds nobody's contact.
    assert _found(client, "李", queue="all") == set()


def test_no_match_and_other_numbers(client, clerk, cases):
    client.force_login(clerk)
    assert _found(client, "13700000000", queue="all") == set()
    assert _found(client, "KL-0101-ZZZZ", queue="all") == set()
    assert _found(client, "C-999999", queue="all") == set()


def test_a_look_up_stays_inside_the_clerk_scope(client, cases, areas):
    """A street clerk elsewhere finds none of these by code, phone, number or name."""
    first = cases[0]
    elsewhere = AreaFactory(code="650203099", name="昆仑路街道", level="street", parent=areas[1])
    other = make_official(Role.COMMITTEE_STAFF, username="other-street-clerk", area=elsewhere)
    client.force_login(other)
    code = Submission.objects.get(case=first).tracking_code
    for q in (code, "13955556666", str(first.pk), "张桂芳", "下水道"):
        assert _found(client, q, queue="all") == set(), q


def test_the_search_box_is_on_top_and_says_what_it_takes(client, clerk, cases):
    client.force_login(clerk)
    html = client.get("/work/").text
    search = html.index('name="q"')
    assert search < html.index("<details")
    assert "跟踪码" in html[search - 2000 : search + 2000]


def test_rehash_contacts_after_the_key_changed(client, clerk, cases, settings):
    first = cases[0]
    client.force_login(clerk)
    settings.CONTACT_LOOKUP_KEY = "a-new-lookup-key-set-by-the-operator"
    assert _found(client, "13955556666") == set()  # rows still hashed under the old key
    call_command("rehash_contacts", stdout=io.StringIO())
    assert _found(client, "13955556666") == {first.pk}
    assert _found(client, "张桂芳", queue="all") == {first.pk}


def test_the_list_marks_the_suggested_route_and_photos(client, clerk, site, cases):
    """Before triage a row says what the classifier suggests; a case with photos says so."""
    with_photo = open_case(site.area, site=site, photos=[jpeg_with_gps()])
    client.force_login(clerk)
    response = client.get("/work/", {"queue": "all"})
    rows = {case.pk: case for case in response.context["page"].object_list}
    assert rows[with_photo.pk].has_photos and not rows[cases[1].pk].has_photos
    assert rows[cases[1].pk].suggested_label == "交办"  # the fixed suggestion: assign
    assert rows[cases[0].pk].suggested_label == ""  # triaged: its route is shown instead
    html = response.text
    assert "有照片" in html and "建议：交办" in html


def test_the_case_page_shows_what_the_resident_wrote_before_the_triage_form(client, clerk, cases):
    second = cases[1]
    client.force_login(clerk)
    html = client.get(f"/work/cases/{second.pk}/").text
    words = html.index("暖气不热，家里只有十五度。")
    assert words < html.index(f'action="/work/cases/{second.pk}/triage/"')
    assert words < html.index('id="suggestion-h"')


RAMBLING = (
    "领导您好！我是向阳北小区3号楼2单元的住户，家里有两个老人，平时腿脚不方便……\n"
    "说正事：从今年十月开始，我们楼的暖气一直不热，屋里才十四五度，老人晚上冻得睡不着😢。"
    "物业说是供热公司的事，供热公司又说是小区管网的问题，踢来踢去，打了12345也没人管。"
    "另外楼下的路灯也坏了快一个月了，晚上黑乎乎的。希望尽快解决！！！电话13955556666"
)


def test_a_long_rambling_opinion_reopened_under_supervision_is_found_in_its_queue(
    client, clerk, site, unit_staff
):
    """Features together, on a message as residents write them: the opinion goes through
    intake, a supervised hand-off, the unit's result, the reply and a dissatisfied rating;
    the reopened case is in the queue to classify, first, and a word from the middle of the
    text finds it there and in the supervised queue, while a word it does not hold does not."""
    from feedback.models import Satisfaction
    from feedback.services.rate import case_rate
    from routing.models import CaseStatus, Supervision
    from routing.services import workflow

    case = _resident_case(site, name="李秀兰", phone="13955556666", text=RAMBLING)
    newer = open_case(site.area, site=site)  # a newer case, not reopened, in the same street
    supervisor = make_official(Role.COMMITTEE_STAFF, username="sup", area=clerk.official.area)
    triage(case, clerk, route=Route.ASSIGN, unit=unit_staff.official.unit, supervisor=supervisor)
    workflow.case_accept(case_id=case.pk, actor=unit_staff)
    workflow.case_respond(case_id=case.pk, actor=unit_staff, result="已联系供热公司排查管网")
    workflow.case_verify_publish(
        case_id=case.pk, actor=clerk, reply="已处理", public_actor="市人大"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED, case.status
    case_rate(
        submission=case.submissions.get(), value=Satisfaction.DISSATISFIED, comment="还是不热"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.supervision == Supervision.ACTIVE

    client.force_login(clerk)
    queue = client.get("/work/", {"queue": "to_classify"}).context["page"].object_list
    assert [c.pk for c in queue] == [newer.pk, case.pk]  # newest first, the reopened one too
    for queue_key in ("to_classify", "supervised", "all"):
        found = client.get("/work/", {"queue": queue_key, "q": "供热公司 管网"})
        assert [c.pk for c in found.context["page"].object_list] == [case.pk], queue_key
    assert not client.get("/work/", {"queue": "all", "q": "电梯"}).context["page"].object_list
