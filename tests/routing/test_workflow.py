"""The five routes end to end at the service level, the transition table, the side exits."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from feedback.models import Satisfaction, Submission
from feedback.selectors import case_public_timeline
from feedback.services.cases import case_merge_with_submissions
from feedback.services.rate import case_rate
from feedback.services.submit import IntakeSource, submission_create
from notifications.models import Notification
from representatives.models import Role
from routing.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    ClassificationDecision,
    ExtensionRequest,
    Route,
    Supervision,
    SupervisionReason,
    UpwardReport,
)
from routing.services import extension, supervision, upward, workflow
from routing.services.transition import IllegalTransition, case_transition
from routing.workdays import add_working_days
from tests.factories import HandlingUnitFactory, make_official
from workbench.forms_work import TriageForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies(areas):
    city = areas[0]
    return {
        "office": HandlingUnitFactory(
            name="克拉玛依市人民政府办公室", kind="city_government_office", area=city
        ),
        "department": HandlingUnitFactory(
            name="克拉玛依市住房和城乡建设局", kind="city_department", area=city
        ),
        "higher": HandlingUnitFactory(
            name="新疆维吾尔自治区人大常委会", kind="higher_congress", area=city
        ),
    }


@pytest.fixture
def street_office(unit_staff):
    return unit_staff.official.unit


def submit(source_code, area, text="小区东门的路灯坏了一个多星期，晚上很黑", **extra):
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(
            channel="site_qr",
            qr_code=source_code,
            site=source_code.site,
            representative=source_code.representative,
        ),
        area_id=area.pk,
        text=text,
        request_type="help",
        **extra,
    )
    submission.refresh_from_db()
    return submission


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    return SimpleUploadedFile("after.jpg", buffer.getvalue(), content_type="image/jpeg")


def kinds(case):
    return [(e.kind, e.to_status) for e in case.events.order_by("created_at", "pk")]


def estate():
    return Category.objects.get(slug="estate-property")


def test_a_submission_opens_a_case_with_a_suggestion(site_code, areas):
    submission = submit(site_code, areas[3])
    case = submission.case
    assert case.status == CaseStatus.NEW and case.site == site_code.site
    assert case.suggestion["route"] in Route.values
    assert case.suggestion["reasons"]
    assert "路灯" in case.search_text


def test_assign_route_from_intake_to_closed(
    site_code, areas, committee_staff, unit_staff, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
        expected_status=CaseStatus.NEW,
    )
    assert case.status == CaseStatus.DISPATCHED and case.unit == street_office
    assert case.deadline_level == "general"
    expected = add_working_days(timezone.localdate(), 10)
    assert timezone.localtime(case.resolve_by).date() == expected
    # The unit's staff were told, in their inbox.
    assert Notification.objects.filter(user=unit_staff, template="case_dispatched").exists()
    decision = ClassificationDecision.objects.get(case=case)
    assert decision.route == Route.ASSIGN and decision.suggested_route == case.suggestion["route"]

    case = workflow.case_accept(case_id=case.pk, actor=unit_staff)
    assert case.status == CaseStatus.IN_PROGRESS and case.acknowledged_at
    workflow.case_progress(
        case_id=case.pk,
        actor=unit_staff,
        note="已联系物业更换灯泡",
        is_public=True,
        public_actor=street_office.name,
    )
    workflow.case_progress(
        case_id=case.pk, actor=unit_staff, note="内部：费用由物业承担", is_public=False
    )
    case = workflow.case_respond(
        case_id=case.pk, actor=unit_staff, result="已更换", photos=[photo()]
    )
    assert case.status == CaseStatus.RESPONDED
    case = workflow.case_verify_send_back(
        case_id=case.pk, actor=committee_staff, reason="请补充照片"
    )
    assert case.status == CaseStatus.IN_PROGRESS
    case = workflow.case_respond(
        case_id=case.pk, actor=unit_staff, result="已更换并试亮", photos=[photo()]
    )
    case = workflow.case_verify_publish(
        case_id=case.pk,
        actor=committee_staff,
        reply="路灯已修复，感谢您的反映。",
        public_actor="市人大常委会",
    )
    assert case.status == CaseStatus.REPLIED and case.reply_count == 1
    # Reports compare the last reply with the deadline: it is kept on the case.
    reply = case.events.get(kind=CaseEvent.Kind.REPLY)
    assert abs(case.replied_at - reply.created_at).total_seconds() < 1
    public = case.events.filter(is_public=True)
    assert public.filter(kind=CaseEvent.Kind.VERIFIED, attachments__isnull=False).exists()
    assert not public.filter(note__contains="内部").exists()
    assert not public.filter(
        kind=CaseEvent.Kind.RESULT
    ).exists()  # the unit's report stays internal

    case_rate(submission=submission, value=Satisfaction.SATISFIED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at


def test_transfer_route_through_review_office_and_department(
    site_code, areas, committee_staff, bodies
):
    submission = submit(site_code, areas[3], text="我们小区冬天暖气一直不热，室温只有十几度")
    heating = Category.objects.get(slug="heating")
    case = workflow.case_triage(
        case_id=submission.case_id, actor=committee_staff, route=Route.TRANSFER, category=heating
    )
    assert case.status == CaseStatus.UNDER_REVIEW and case.deadline_level == "complex"
    case = workflow.case_review_send_back(
        case_id=case.pk, actor=committee_staff, reason="应先交街道核实"
    )
    assert case.status == CaseStatus.RETURNED
    case = workflow.case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.TRANSFER,
        category=heating,
        expected_status=CaseStatus.RETURNED,
    )
    case = workflow.case_review_approve(case_id=case.pk, actor=committee_staff, note="同意转办")
    assert case.status == CaseStatus.DISPATCHED and case.unit == bodies["office"]
    office_staff = make_official(Role.UNIT_STAFF, unit=bodies["office"])
    dept_staff = make_official(Role.UNIT_STAFF, unit=bodies["department"])
    case = workflow.case_forward(
        case_id=case.pk,
        actor=office_staff,
        unit=bodies["department"],
        note="请住建局牵头，三日内回复",
    )
    assert case.status == CaseStatus.DISPATCHED and case.unit == bodies["department"]
    # The resident reads where the case went, not what the office told the department.
    public = [e.note for e in case_public_timeline(case)]
    assert "请住建局牵头，三日内回复" not in public
    assert case.events.filter(is_public=False, note="请住建局牵头，三日内回复").exists()
    assert Notification.objects.filter(user=dept_staff, template="case_dispatched").exists()
    case = workflow.case_accept(case_id=case.pk, actor=dept_staff)
    case = workflow.case_respond(case_id=case.pk, actor=dept_staff, result="已督促供热企业调整")
    case = workflow.case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="已处理", public_actor="市人大常委会"
    )
    # Not satisfied: reopened for redo, back through triage with the redo deadline.
    case_rate(submission=submission, value=Satisfaction.DISSATISFIED, comment="还是不热")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    case = workflow.case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.TRANSFER,
        category=heating,
        expected_status=CaseStatus.REOPENED,
    )
    assert case.deadline_level == "redo"


def test_a_forward_goes_only_to_a_department(
    site_code, areas, committee_staff, bodies, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id, actor=committee_staff, route=Route.TRANSFER, category=estate()
    )
    case = workflow.case_review_approve(case_id=case.pk, actor=committee_staff)
    with pytest.raises(ValidationError):
        workflow.case_forward(case_id=case.pk, actor=committee_staff, unit=street_office)


def test_report_route_records_the_upward_report_and_its_reply(
    site_code, areas, committee_staff, bodies
):
    submission = submit(site_code, areas[3], text="建议217国道克拉玛依段增设服务区")
    beyond = Category.objects.get(slug="beyond-city")
    case = workflow.case_triage(
        case_id=submission.case_id, actor=committee_staff, route=Route.REPORT, category=beyond
    )
    assert case.status == CaseStatus.UNDER_REVIEW and case.deadline_level == "difficult"
    case = workflow.case_review_approve(case_id=case.pk, actor=committee_staff)
    assert case.unit == bodies["higher"]
    day = timezone.localdate()
    case = upward.case_report_upward(
        case_id=case.pk,
        actor=committee_staff,
        body=bodies["higher"].name,
        reference_number="新人常〔2026〕12号",
        reported_on=day,
    )
    assert case.status == CaseStatus.IN_PROGRESS
    case = upward.case_upward_reply_record(
        case_id=case.pk, actor=committee_staff, reply="已转交自治区交通运输厅研究", replied_on=day
    )
    assert case.status == CaseStatus.RESPONDED
    assert UpwardReport.objects.get(case=case).replied_on == day
    case = workflow.case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="已报送并答复", public_actor="市人大常委会"
    )
    assert case.status == CaseStatus.REPLIED


def test_direct_route_answered_by_the_representative(
    rep_code, areas, committee_staff, representative_user
):
    submission = submit(rep_code, areas[3], text="请问灵活就业人员怎么交养老保险？")
    assert submission.case.representative == rep_code.representative
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.DIRECT,
        category=Category.objects.get(slug="policy-enquiry"),
    )
    assert case.status == CaseStatus.TRIAGED and case.deadline_level == "immediate"
    assert Notification.objects.filter(user=representative_user, template="case_to_reply").exists()
    case = workflow.case_direct_reply(
        case_id=case.pk,
        actor=representative_user,
        reply="可到区社保中心办理。",
        public_actor="张建国",
    )
    assert case.status == CaseStatus.REPLIED


def test_supervision_needs_a_supervisor_and_keeps_a_plan_on_its_route(
    site_code, areas, committee_staff, unit_staff, street_office
):
    submission = submit(site_code, areas[3], text="3号楼外墙瓷砖松动，随时可能掉下来砸到人")
    with pytest.raises(ValidationError) as excinfo:
        workflow.case_triage(
            case_id=submission.case_id,
            actor=committee_staff,
            route=Route.ASSIGN,
            category=estate(),
            unit=street_office,
            supervise=True,
        )
    assert "supervisor" in excinfo.value.message_dict
    assert Case.objects.get(pk=submission.case_id).status == CaseStatus.NEW  # nothing half-written
    assert not ClassificationDecision.objects.exists()
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
        supervise=True,
        supervisor=committee_staff,
        urgent=True,
    )
    assert case.status == CaseStatus.DISPATCHED and case.supervisor == committee_staff
    assert (case.route, case.supervision, case.supervision_reason) == (
        Route.ASSIGN,
        Supervision.ACTIVE,
        SupervisionReason.RULE,
    )
    assert case.unit == street_office
    assert case.deadline_level == "urgent"
    assert case.resolve_by - case.created_at < timedelta(hours=25)
    milestone = supervision.milestone_add(
        case_id=case.pk, actor=committee_staff, title="拆除松动瓷砖", due_on=timezone.localdate()
    )
    supervision.milestone_done(
        milestone_id=milestone.pk, actor=committee_staff, done_on=timezone.localdate()
    )
    supervision.case_follow_up(case_id=case.pk, actor=committee_staff, note="现场查看已设置围挡")
    assert case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).count() == 2


def test_an_overdue_case_can_be_put_under_supervision(
    site_code, areas, committee_staff, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
    )
    Case.objects.filter(pk=case.pk).update(resolve_by=timezone.now() - timedelta(days=1))
    case = supervision.case_supervise(
        case_id=case.pk, actor=committee_staff, supervisor=committee_staff, reason="逾期未办结"
    )
    assert case.route == Route.ASSIGN and case.status == CaseStatus.DISPATCHED
    assert (case.supervision, case.supervision_reason) == (
        Supervision.ACTIVE,
        SupervisionReason.STAFF,
    )


def test_a_unit_returns_a_case_with_a_reason(
    site_code, areas, committee_staff, unit_staff, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
    )
    with pytest.raises(ValidationError):
        workflow.case_return(
            case_id=case.pk, actor=unit_staff, reason=" ", expected_status=CaseStatus.DISPATCHED
        )
    case = workflow.case_return(
        case_id=case.pk,
        actor=unit_staff,
        reason="不属于本街道辖区",
        expected_status=CaseStatus.DISPATCHED,
    )
    assert case.status == CaseStatus.RETURNED and case.unit is None
    assert Notification.objects.filter(user=committee_staff, template="case_returned").exists()


def test_duplicates_are_merged_and_counted(site_code, areas, committee_staff):
    first = submit(site_code, areas[3])
    second = submit(site_code, areas[3], text="东门路灯不亮好几天了")
    target = first.case
    merged = case_merge_with_submissions(case_id=second.case_id, into=target, actor=committee_staff)
    assert merged.status == CaseStatus.MERGED and merged.merged_into == target
    target.refresh_from_db()
    assert target.submission_count == 2
    assert Submission.objects.filter(case=target).count() == 2
    with pytest.raises(ValidationError):
        case_merge_with_submissions(case_id=target.pk, into=target, actor=committee_staff)


def test_a_case_in_litigation_is_not_accepted_with_an_explanation(
    site_code, areas, committee_staff
):
    submission = submit(site_code, areas[3], text="我的案子法院判得不公，请代表帮我改判")
    case = workflow.case_not_accept(
        case_id=submission.case_id,
        actor=committee_staff,
        reply="该事项正在司法程序中，请通过申请再审等法定途径解决。",
        public_actor="市人大常委会",
    )
    assert case.status == CaseStatus.NOT_ACCEPTED
    assert case.events.filter(is_public=True, to_status=CaseStatus.NOT_ACCEPTED).exists()


def test_extension_requested_before_the_deadline_and_decided(
    site_code, areas, committee_staff, unit_staff, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
    )
    later = timezone.localtime(case.resolve_by).date() + timedelta(days=10)
    with pytest.raises(ValidationError):  # not later than the current deadline
        extension.extension_request_create(
            case_id=case.pk,
            actor=unit_staff,
            unit=street_office,
            reason="需采购配件",
            new_resolve_by=timezone.localdate(),
        )
    request = extension.extension_request_create(
        case_id=case.pk,
        actor=unit_staff,
        unit=street_office,
        reason="需采购配件",
        new_resolve_by=later,
    )
    with pytest.raises(ValidationError):  # one pending request at a time
        extension.extension_request_create(
            case_id=case.pk,
            actor=unit_staff,
            unit=street_office,
            reason="再次申请",
            new_resolve_by=later,
        )
    with pytest.raises(ValidationError):  # refusing needs a reason
        extension.extension_request_decide(
            request_id=request.pk, actor=committee_staff, approve=False
        )
    extension.extension_request_decide(request_id=request.pk, actor=committee_staff, approve=True)
    case.refresh_from_db()
    assert timezone.localtime(case.resolve_by).date() == later
    assert ExtensionRequest.objects.get().state == "approved"


def test_no_extension_after_the_deadline(
    site_code, areas, committee_staff, unit_staff, street_office
):
    submission = submit(site_code, areas[3])
    case = workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
    )
    Case.objects.filter(pk=case.pk).update(resolve_by=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        extension.extension_request_create(
            case_id=case.pk,
            actor=unit_staff,
            unit=street_office,
            reason="来不及",
            new_resolve_by=timezone.localdate() + timedelta(days=5),
        )


def test_a_second_dissatisfied_rating_requests_supervision(
    site_code, areas, committee_staff, street_office, unit_staff
):
    submission = submit(site_code, areas[3])
    case_id = submission.case_id
    for round_ in range(2):
        status = CaseStatus.NEW if round_ == 0 else CaseStatus.REOPENED
        workflow.case_triage(
            case_id=case_id,
            actor=committee_staff,
            route=Route.ASSIGN,
            category=estate(),
            unit=street_office,
            expected_status=status,
        )
        workflow.case_accept(case_id=case_id, actor=unit_staff)
        workflow.case_respond(case_id=case_id, actor=unit_staff, result="已处理")
        workflow.case_verify_publish(
            case_id=case_id, actor=committee_staff, reply="已处理", public_actor="x"
        )
        submission.refresh_from_db()
        case_rate(submission=submission, value=Satisfaction.DISSATISFIED, comment="没修好")
    case = Case.objects.get(pk=case_id)
    assert case.status == CaseStatus.REOPENED
    assert (case.route, case.supervision, case.supervision_reason) == (
        Route.ASSIGN,
        Supervision.REQUESTED,
        SupervisionReason.DISSATISFIED_AGAIN,
    )
    # The street's committee staff are told; the triage form offers supervision, ticked.
    assert Notification.objects.filter(
        case=case, user=committee_staff, template="case_supervision_requested"
    ).exists()
    assert TriageForm.initial_for(case)["supervise"] is True


def test_two_staff_triaging_at_once_one_wins(site_code, areas, committee_staff, street_office):
    submission = submit(site_code, areas[3])
    other = make_official(Role.COMMITTEE_STAFF, area=areas[0])
    workflow.case_triage(
        case_id=submission.case_id,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=street_office,
        expected_status=CaseStatus.NEW,
    )
    with pytest.raises(IllegalTransition, match="已被他人修改"):
        workflow.case_triage(
            case_id=submission.case_id,
            actor=other,
            route=Route.DIRECT,
            category=estate(),
            expected_status=CaseStatus.NEW,
        )
    assert ClassificationDecision.objects.count() == 1


# Sorted: a frozenset's order changes with the hash seed, and pytest-xdist's workers must
# collect the same tests in the same order.
ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_move_works(from_status, to_status, site_code, areas):
    submission = submit(site_code, areas[3])
    Case.objects.filter(pk=submission.case_id).update(status=from_status)
    kind = CaseEvent.Kind.REPLY if to_status == CaseStatus.REPLIED else CaseEvent.Kind.TRANSITION
    case, event = case_transition(case_id=submission.case_id, to_status=to_status, kind=kind)
    assert case.status == to_status and (event.from_status, event.to_status) == (
        from_status,
        to_status,
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (CaseStatus.NEW, CaseStatus.CLOSED),  # never replied
        (CaseStatus.CLOSED, CaseStatus.REOPENED),
        (CaseStatus.DISPATCHED, CaseStatus.REPLIED),
        (CaseStatus.MERGED, CaseStatus.TRIAGED),
        (CaseStatus.NOT_ACCEPTED, CaseStatus.IN_PROGRESS),
        (CaseStatus.UNDER_REVIEW, CaseStatus.CLOSED),
    ],
)
def test_forbidden_moves_are_refused_with_a_message(from_status, to_status, site_code, areas):
    submission = submit(site_code, areas[3])
    Case.objects.filter(pk=submission.case_id).update(status=from_status)
    with pytest.raises(IllegalTransition) as excinfo:
        case_transition(case_id=submission.case_id, to_status=to_status)
    assert excinfo.value.messages
    assert Case.objects.get(pk=submission.case_id).status == from_status


def test_replied_only_through_a_reply(site_code, areas):
    submission = submit(site_code, areas[3])
    Case.objects.filter(pk=submission.case_id).update(status=CaseStatus.TRIAGED)
    with pytest.raises(IllegalTransition):
        case_transition(case_id=submission.case_id, to_status=CaseStatus.REPLIED)
