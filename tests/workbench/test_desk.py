"""The handling units' desk: the list, the case page and every action, through the views."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from representatives.models import Role
from routing.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    ExtensionRequest,
    Route,
)
from routing.services.workflow import case_accept, case_review_approve
from tests.factories import AreaFactory, HandlingUnitFactory, make_official
from tests.feedback.helpers import jpeg_with_gps
from tests.routing.helpers import PHONE, TEXT, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


@pytest.fixture
def unit(unit_staff):
    return unit_staff.official.unit


@pytest.fixture
def dispatched(site, unit, clerk, categories):
    """A case sent to the unit, waiting for it to accept."""
    case = open_case(site.area, site=site, photos=[jpeg_with_gps()])
    return triage(case, clerk, route=Route.ASSIGN, unit=unit)


@pytest.fixture
def in_progress(dispatched, unit_staff):
    return case_accept(case_id=dispatched.pk, actor=unit_staff)


@pytest.fixture
def other_unit_staff(areas):
    street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    other = HandlingUnitFactory(name="昆仑路街道办事处", kind="street_office", area=street)
    return make_official(Role.UNIT_STAFF, username="other-unit", area=street, unit=other)


def url(name, case):
    return f"/desk/cases/{case.pk}/{name}/" if name else f"/desk/cases/{case.pk}/"


def offers(page, action, case) -> bool:
    """The page has the form of ``action`` (its POST URL) for ``case``."""
    return f'action="{url(action, case)}"' in page.text


def errors_of(response, form):
    return response.context[form].errors


def top_errors(response):
    return [str(e) for e in response.context["failed_form"].non_field_errors()]


# --- the list ------------------------------------------------------------------------------


def test_desk_lists_my_units_cases_by_tab_with_deadline_and_overdue(
    client, unit_staff, other_unit_staff, dispatched, site, clerk
):
    other_units = triage(
        open_case(site.area, site=site),
        clerk,
        route=Route.ASSIGN,
        unit=other_unit_staff.official.unit,
    )
    accepted = case_accept(
        case_id=triage(
            open_case(site.area, site=site),
            clerk,
            route=Route.ASSIGN,
            unit=dispatched.unit,
        ).pk,
        actor=unit_staff,
    )
    Case.objects.filter(pk=accepted.pk).update(resolve_by=timezone.now() - timedelta(days=1))
    client.force_login(unit_staff)

    to_accept = client.get("/desk/")
    assert to_accept.status_code == 200
    assert dispatched.reference in to_accept.text
    assert accepted.reference not in to_accept.text
    assert other_units.reference not in to_accept.text
    assert (
        dispatched.resolve_by.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")
        in to_accept.text
    )
    # The overdue tab shows while a case is overdue (the banner links to it).
    assert [t["count"] for t in to_accept.context["tabs"]] == [1, 1, 0, 1]
    assert to_accept.context["overdue_count"] == 1

    working = client.get("/desk/?tab=in_progress")
    assert accepted.reference in working.text and dispatched.reference not in working.text
    assert 'class="is-overdue"' in working.text and "tag-overdue" in working.text
    assert 'class="is-overdue"' not in client.get("/desk/?tab=reported").text


def test_desk_list_query_count_does_not_grow(
    client, unit_staff, unit, site, clerk, categories, queries
):
    def seed(n):
        for _ in range(n):
            triage(open_case(site.area, site=site), clerk, route=Route.ASSIGN, unit=unit)

    client.force_login(unit_staff)
    seed(4)
    with queries(7):
        assert client.get("/desk/").status_code == 200
    seed(4)
    with queries(7):
        response = client.get("/desk/")
    assert len(response.context["page"].object_list) == 8


def test_desk_case_page_query_count_does_not_grow(client, unit_staff, in_progress, unit, queries):
    from routing.services.workflow import case_progress

    client.force_login(unit_staff)
    with queries(9):
        assert client.get(url("", in_progress)).status_code == 200
    for n in range(5):
        case_progress(
            case_id=in_progress.pk, actor=unit_staff, note=f"进展{n}", is_public=bool(n % 2)
        )
    with queries(9):
        assert client.get(url("", in_progress)).status_code == 200


# --- the case page ---------------------------------------------------------------------------


def test_case_page_shows_the_matter_but_no_contact_and_no_staff_names(
    client, unit_staff, dispatched
):
    client.force_login(unit_staff)
    page = client.get(url("", dispatched))
    assert page.status_code == 200
    assert TEXT in page.text
    assert dispatched.area.name in page.text
    photo = dispatched.submissions.get().photos.get()
    assert reverse("workbench:photo", args=["submission", photo.pk, "thumb"]) in page.text
    for secret in (PHONE, "139****5678", "王秀兰"):
        assert secret not in page.text
    assert "司马" not in page.text and "晓燕" not in page.text  # the clerk's name
    assert "simaxiaoyan" not in page.text  # nor the clerk's user name
    assert offers(page, "accept", dispatched) and not offers(page, "forward", dispatched)
    assert not offers(page, "result", dispatched)


# --- actions ---------------------------------------------------------------------------------


def test_accept_then_a_second_accept_gets_a_clear_message(client, unit_staff, unit, dispatched):
    colleague = make_official(Role.UNIT_STAFF, username="colleague", unit=unit)
    client.force_login(unit_staff)
    response = client.post(url("accept", dispatched))
    assert response.status_code == 302 and response["Location"] == url("", dispatched)
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.IN_PROGRESS and dispatched.acknowledged_at

    client.force_login(colleague)  # acted on the page loaded before the first accept
    second = client.post(url("accept", dispatched))
    assert second.status_code == 400
    [message] = top_errors(second)
    assert message in second.text
    assert CaseEvent.objects.filter(case=dispatched, to_status=CaseStatus.IN_PROGRESS).count() == 1


def test_return_with_reason_and_then_the_case_is_gone(client, unit_staff, dispatched):
    client.force_login(unit_staff)
    response = client.post(
        url("return", dispatched),
        {
            "return-expected_status": "dispatched",
            "return-reason": "属于物业公司管理范围，不归街道。",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.RETURNED and dispatched.unit is None
    event = dispatched.events.get(kind=CaseEvent.Kind.RETURN)
    assert event.note == "属于物业公司管理范围，不归街道。" and not event.is_public
    assert client.get(url("", dispatched)).status_code == 404


def test_return_without_reason_is_refused_next_to_the_field(client, unit_staff, dispatched):
    client.force_login(unit_staff)
    response = client.post(
        url("return", dispatched), {"return-expected_status": "dispatched", "return-reason": "  "}
    )
    assert response.status_code == 400
    assert errors_of(response, "return_form")["reason"]
    assert 'id="id_return-reason_error"' in response.text
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.DISPATCHED


def test_return_after_someone_accepted_gets_the_message(client, unit_staff, dispatched):
    case_accept(case_id=dispatched.pk, actor=unit_staff)
    client.force_login(unit_staff)
    response = client.post(
        url("return", dispatched),
        {"return-expected_status": "dispatched", "return-reason": "不归我们管。"},
    )
    assert response.status_code == 400
    assert top_errors(response)
    assert "不归我们管。" in response.text  # what was typed is kept
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.IN_PROGRESS


@pytest.mark.parametrize("public", [True, False])
def test_progress_note_public_or_internal(client, unit_staff, unit, in_progress, public):
    client.force_login(unit_staff)
    data = {"progress-note": "已联系供电公司，计划周五更换灯具。"}
    if public:
        data["progress-is_public"] = "on"
    response = client.post(url("progress", in_progress), data)
    assert response.status_code == 302
    event = in_progress.events.get(kind=CaseEvent.Kind.PROGRESS)
    assert event.is_public is public and event.public_actor == unit.name
    assert event.note in client.get(url("", in_progress)).text


def test_extension_request(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    new_date = (in_progress.resolve_by + timedelta(days=10)).date()
    response = client.post(
        url("extension", in_progress),
        {
            "extension-reason": "需要协调供电公司。",
            "extension-new_resolve_by": new_date.isoformat(),
        },
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(case=in_progress)
    assert request.new_resolve_by == new_date and request.state == "pending"
    page = client.get(url("", in_progress))
    assert page.context["pending_extension"] == request and new_date.isoformat() in page.text


def test_extension_after_the_deadline_is_refused_next_to_the_date(client, unit_staff, in_progress):
    Case.objects.filter(pk=in_progress.pk).update(resolve_by=timezone.now() - timedelta(hours=1))
    client.force_login(unit_staff)
    new_date = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        url("extension", in_progress),
        {"extension-reason": "需要协调供电公司。", "extension-new_resolve_by": new_date},
    )
    assert response.status_code == 400
    assert errors_of(response, "extension_form")["new_resolve_by"]
    assert 'id="id_extension-new_resolve_by_error"' in response.text
    assert "需要协调供电公司。" in response.text and new_date in response.text
    assert not ExtensionRequest.objects.exists()


def test_extension_to_a_date_before_the_current_deadline(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    earlier = (in_progress.resolve_by - timedelta(days=1)).date().isoformat()
    response = client.post(
        url("extension", in_progress),
        {"extension-reason": "再给几天。", "extension-new_resolve_by": earlier},
    )
    assert response.status_code == 400
    assert errors_of(response, "extension_form")["new_resolve_by"]
    assert "再给几天。" in response.text
    assert not ExtensionRequest.objects.exists()


def test_report_the_result_with_photos_stripped_of_metadata(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    response = client.post(
        url("result", in_progress),
        {
            "result-result": "路灯已更换，恢复照明。",
            "result-photos": [jpeg_with_gps("after1.jpg"), jpeg_with_gps("after2.jpg")],
        },
    )
    assert response.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.status == CaseStatus.RESPONDED
    attachments = CaseAttachment.objects.filter(event__case=in_progress)
    assert attachments.count() == 2
    for attachment in attachments:
        with Image.open(attachment.file.path) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert image.size == (480, 640)  # the orientation was applied, then dropped
        with open(attachment.file.path, "rb") as stored:
            assert b"TestPhone" not in stored.read()
    page = client.get(url("", in_progress))
    assert reverse("workbench:photo", args=["attachment", attachments[0].pk, "view"]) in page.text
    assert not offers(page, "result", in_progress)


def test_a_non_image_photo_is_refused_and_the_text_kept(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    response = client.post(
        url("result", in_progress),
        {
            "result-result": "路灯已更换，恢复照明。",
            "result-photos": [SimpleUploadedFile("notes.txt", b"not a photo", "text/plain")],
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "result_form")["photos"]
    assert 'id="id_result-photos_error"' in response.text
    assert "路灯已更换，恢复照明。" in response.text
    in_progress.refresh_from_db()
    assert in_progress.status == CaseStatus.IN_PROGRESS


def test_too_many_result_photos(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    response = client.post(
        url("result", in_progress),
        {
            "result-result": "已处理。",
            "result-photos": [jpeg_with_gps(f"{n}.jpg") for n in range(5)],
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "result_form")["photos"]


def test_result_without_text(client, unit_staff, in_progress):
    client.force_login(unit_staff)
    response = client.post(url("result", in_progress), {"result-result": ""})
    assert response.status_code == 400 and errors_of(response, "result_form")["result"]


def test_the_city_government_office_forwards_a_transfer(client, site, clerk, areas, categories):
    office = HandlingUnitFactory(name="克拉玛依市人民政府办公室", kind="city_government_office")
    department = HandlingUnitFactory(name="克拉玛依市城市管理局", kind="city_department")
    HandlingUnitFactory(name="停用的局", kind="city_department", is_active=False)
    office_staff = make_official(Role.UNIT_STAFF, username="office", area=areas[0], unit=office)
    department_staff = make_official(
        Role.UNIT_STAFF, username="department", area=areas[0], unit=department
    )
    case = open_case(site.area, site=site)
    case.suggestion = {**(case.suggestion or {}), "unit_id": department.pk}
    case.save(update_fields=["suggestion"])
    case = triage(case, clerk, route=Route.TRANSFER)
    case = case_review_approve(case_id=case.pk, actor=clerk)
    assert case.unit == office and case.status == CaseStatus.DISPATCHED

    client.force_login(office_staff)
    page = client.get(url("", case))
    assert offers(page, "forward", case) and not offers(page, "accept", case)
    # The classifier's department is chosen already; the office may pick another.
    assert page.context["forward_form"]["unit"].value() == department.pk
    choices = list(page.context["forward_form"].fields["unit"].queryset)
    assert department in choices and office not in choices
    assert all(u.is_active for u in choices)

    refused = client.post(url("forward", case), {"forward-unit": ""})
    assert refused.status_code == 400 and errors_of(refused, "forward_form")["unit"]
    response = client.post(
        url("forward", case), {"forward-unit": department.pk, "forward-note": "请城管局办理。"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    case.refresh_from_db()
    assert case.unit == department and case.status == CaseStatus.DISPATCHED
    assert client.get(url("", case)).status_code == 404

    client.force_login(department_staff)
    assert case.reference in client.get("/desk/").text
    assert client.post(url("accept", case)).status_code == 302


def test_the_office_may_not_accept_what_it_should_forward(client, site, clerk, areas, categories):
    office = HandlingUnitFactory(name="克拉玛依市人民政府办公室", kind="city_government_office")
    office_staff = make_official(Role.UNIT_STAFF, username="office", area=areas[0], unit=office)
    case = case_review_approve(
        case_id=triage(open_case(site.area, site=site), clerk, route=Route.TRANSFER).pk,
        actor=clerk,
    )
    client.force_login(office_staff)
    assert f'action="{url("accept", case)}"' not in client.get(url("", case)).text


# --- access ----------------------------------------------------------------------------------

ACTIONS = ["accept", "return", "progress", "extension", "result", "forward"]


def test_another_units_staff_get_404(client, other_unit_staff, dispatched):
    client.force_login(other_unit_staff)
    assert dispatched.reference not in client.get("/desk/").text
    assert client.get(url("", dispatched)).status_code == 404
    for action in ACTIONS:
        assert client.post(url(action, dispatched)).status_code == 404
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.DISPATCHED


@pytest.mark.parametrize(
    "persona", ["committee_staff", "representative_user", "station_staff", "leader"]
)
def test_other_roles_have_no_desk(client, request, persona, dispatched):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/desk/").status_code == 404
    assert client.get(url("", dispatched)).status_code == 404
    assert client.post(url("accept", dispatched)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, dispatched):
    for path in ["/desk/", url("", dispatched), url("accept", dispatched)]:
        response = client.post(path) if path.endswith("accept/") else client.get(path)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_actions_are_post_only(client, unit_staff, dispatched):
    client.force_login(unit_staff)
    for action in ACTIONS:
        assert client.get(url(action, dispatched)).status_code == 405
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.DISPATCHED


def test_unknown_tab_and_page_fall_back(client, unit_staff, dispatched):
    client.force_login(unit_staff)
    response = client.get("/desk/?tab=nonsense&page=99")
    assert response.status_code == 200 and dispatched.reference in response.text
