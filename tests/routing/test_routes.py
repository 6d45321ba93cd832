"""The route policies (routing.routes) and supervision as an overlay: every route is complete
(a path to the reply, a service URL and a template for each step), matches routes.csv, and a
supervised case on each route still follows its own route's steps."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from feedback.models import Satisfaction, Submission
from feedback.services.rate import case_rate
from notifications.models import Notification
from reports.services.briefing import instruction_create
from routing.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Route,
    Supervision,
    SupervisionReason,
    UnitKind,
)
from routing.routes import (
    ROUTES,
    ROUTES_CSV,
    SUPERVISION,
    Action,
    Body,
    check_against_csv,
)
from routing.selectors import case_list_for_user
from routing.services import supervision, upward, workflow
from routing.services.deadlines import deadline_sweep
from routing.services.transition import IllegalTransition
from tests.factories import HandlingUnitFactory
from tests.routing.helpers import open_case

S = CaseStatus

# Where each step's form lives and which URL it posts to (a new action needs both).
PAGE_OF_BODY = {
    Body.COMMITTEE: "workbench/work/actions/{}.html",
    Body.UNIT: "workbench/desk/actions/{}.html",
    Body.DISPATCHER: "workbench/desk/actions/{}.html",
    Body.RESPONDER: "workbench/desk/actions/{}.html",
}
URL_OF_ACTION = {
    Action.DIRECT_REPLY: "workbench:rep-case-reply",
    Action.REVIEW: "workbench:case-review-approve",
    Action.FORWARD: "workbench:desk-forward",
    Action.ACCEPT: "workbench:desk-accept",
    Action.RETURN: "workbench:desk-return",
    Action.EXTEND: "workbench:desk-extension",
    Action.RESPOND: "workbench:desk-respond",
    Action.REPORT_UPWARD: "workbench:case-report-upward",
    Action.RECORD_UPWARD_REPLY: "workbench:case-upward-reply",
    Action.VERIFY: "workbench:case-verify-publish",
}


# --- the policies, on their own -----------------------------------------------------------


def _main_path(policy) -> list[str]:
    """The statuses from triage to the reply, taking at each status the step that moves the
    case on (not a return, not a step that stays put)."""
    path, status = [policy.after_triage], policy.after_triage
    while status != S.REPLIED:
        onward = [s for s in policy.steps_at(status) if s.to not in (status, S.RETURNED)]
        assert onward, f"{policy.route}: no step moves a case on from {status}"
        status = onward[0].to
        assert status not in path, f"{policy.route}: goes round in circles at {status}"
        path.append(status)
    return path


@pytest.mark.parametrize("route", list(ROUTES))
def test_each_route_leads_from_triage_to_a_reply_through_legal_moves(route):
    policy = ROUTES[route]
    assert policy.after_triage in TRANSITIONS[S.TRIAGED] | {S.TRIAGED}
    path = _main_path(policy)
    assert path[-1] == S.REPLIED
    for step in policy.steps:
        if step.to != step.status:
            assert step.to in TRANSITIONS[step.status], (route, step)


@pytest.mark.parametrize(
    "step",
    [(route, step) for route, p in ROUTES.items() for step in p.steps],
    ids=lambda rs: f"{rs[0]}-{rs[1].status}-{rs[1].action}",
)
def test_each_step_has_its_form_and_its_url(step):
    _route, step = step
    try:
        get_template(PAGE_OF_BODY[step.body].format(step.action))
    except TemplateDoesNotExist:
        pytest.fail(f"no template for {step.action} ({step.body})")
    assert reverse(URL_OF_ACTION[step.action], args=[1])


def test_routes_match_routes_csv(tmp_path):
    check_against_csv()
    rows = ROUTES_CSV.read_text(encoding="utf-8")
    # A sixth route in the CSV without a policy stops the app.
    sixth = tmp_path / "routes.csv"
    sixth.write_text(rows + "mediate,调解,Mediation,…,the committee,general\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="mediate"):
        check_against_csv(sixth)
    # So does a default deadline level that differs.
    changed = tmp_path / "changed.csv"
    changed.write_text(rows.replace(",difficult\n", ",complex\n"), encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="report"):
        check_against_csv(changed)


def test_supervision_is_not_a_route_and_never_shortens_a_deadline():
    assert SUPERVISION.code not in Route.values
    assert SUPERVISION.level_for("general") == "complex"  # a supervised hand-off
    assert SUPERVISION.level_for("difficult") == "difficult"  # a supervised report


NEEDLES = (
    "route == ",
    "route != ",
    "route in (",
    "Route.DIRECT",
    "Route.ASSIGN",
    "Route.TRANSFER",
    "Route.REPORT",
)


def test_no_module_outside_the_policy_compares_route_names():
    """Route names are compared in routing/routes.py only (and in data migrations)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts or "tests" in path.parts:
            continue
        if path.name == "routes.py":  # the policy itself
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(root)}: {needle}" for needle in NEEDLES if needle in text]
    assert offenders == []


# --- supervision on each route, through the services -----------------------------------------


@pytest.fixture
def bodies(areas):
    city = areas[0]
    return {
        "office": HandlingUnitFactory(
            name="克拉玛依市人民政府办公室", kind=UnitKind.CITY_GOVERNMENT_OFFICE, area=city
        ),
        "department": HandlingUnitFactory(
            name="克拉玛依市住房和城乡建设局", kind=UnitKind.CITY_DEPARTMENT, area=city
        ),
        "higher": HandlingUnitFactory(
            name="新疆维吾尔自治区人大常委会", kind=UnitKind.HIGHER_CONGRESS, area=city
        ),
    }


def _triage(case, clerk, route, *, unit=None, supervise=False):
    return workflow.case_triage(
        case_id=case.pk,
        actor=clerk,
        route=route,
        category=Category.objects.get(slug="housing"),
        unit=unit,
        supervise=supervise,
        supervisor=clerk if supervise else None,
    )


def test_a_supervised_transfer_under_review_still_goes_to_the_city_government_office(
    site, committee_staff, categories, bodies
):
    case = _triage(open_case(site.area, site=site), committee_staff, Route.TRANSFER)
    assert case.status == S.UNDER_REVIEW
    case = supervision.case_supervise(
        case_id=case.pk, actor=committee_staff, supervisor=committee_staff, reason="群众反映强烈"
    )
    assert (case.route, case.supervision) == (Route.TRANSFER, Supervision.ACTIVE)
    case = workflow.case_review_approve(case_id=case.pk, actor=committee_staff)
    assert (case.status, case.unit) == (S.DISPATCHED, bodies["office"])
    case = workflow.case_forward(case_id=case.pk, actor=committee_staff, unit=bodies["department"])
    assert case.unit == bodies["department"] and case.supervision == Supervision.ACTIVE


@pytest.mark.parametrize("how", ["by staff", "by the deadline sweep"])
def test_a_supervised_report_still_records_its_upward_submission_and_the_reply(
    how, site, committee_staff, categories, bodies
):
    case = _triage(open_case(site.area, site=site), committee_staff, Route.REPORT)
    case = workflow.case_review_approve(case_id=case.pk, actor=committee_staff)
    assert (case.status, case.unit) == (S.DISPATCHED, bodies["higher"])
    if how == "by staff":
        supervision.case_supervise(
            case_id=case.pk, actor=committee_staff, supervisor=committee_staff, reason="重点关注"
        )
    else:
        Case.objects.filter(pk=case.pk).update(resolve_by=timezone.now() - timedelta(days=30))
        assert deadline_sweep()["escalated"] == 1
    case.refresh_from_db()
    assert case.route == Route.REPORT and case.supervision != Supervision.NONE
    upward.case_report_upward(
        case_id=case.pk,
        actor=committee_staff,
        body=bodies["higher"].name,
        reference_number="克人常报〔2026〕12号",
        reported_on=timezone.localdate(),
    )
    case = upward.case_upward_reply_record(
        case_id=case.pk,
        actor=committee_staff,
        reply="已纳入自治区明年的规划。",
        replied_on=timezone.localdate(),
    )
    assert case.status == S.RESPONDED
    case = workflow.case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="已报自治区。", public_actor="人大常委会"
    )
    assert case.status == S.REPLIED and case.route == Route.REPORT


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_case_supervised_at_triage_follows_its_own_route_to_the_reply(
    route, site, representative, committee_staff, unit_staff, categories, bodies
):
    case = open_case(site.area, site=site, representative=representative)
    unit = unit_staff.official.unit if ROUTES[route].triage_unit_kinds else None
    case = _triage(case, committee_staff, route, unit=unit, supervise=True)
    assert (case.route, case.supervision, case.supervisor) == (
        route,
        Supervision.ACTIVE,
        committee_staff,
    )
    assert case.status == ROUTES[route].after_triage
    assert case.deadline_level == SUPERVISION.level_for(ROUTES[route].default_level)
    # Every step open for its body, on the main path, down to the reply.
    while case.status != S.REPLIED:
        case = _take_main_step(case, committee_staff, unit_staff, bodies)
        assert case.route == route and case.supervision == Supervision.ACTIVE
    assert case.events.filter(kind=CaseEvent.Kind.REPLY).exists()


def _take_main_step(case, clerk, unit_staff, bodies) -> Case:
    unit_user = unit_staff
    if case.unit_id and case.unit_id != unit_staff.official.unit_id:
        unit_user = unit_staff.__class__.objects.get(pk=unit_staff.pk)
        unit_user.official.unit = case.unit  # act as the unit that holds it
    status = case.status
    if status == S.TRIAGED:
        return workflow.case_direct_reply(
            case_id=case.pk, actor=clerk, reply="可到社区服务中心办理。", public_actor="联络站"
        )
    if status == S.UNDER_REVIEW:
        return workflow.case_review_approve(case_id=case.pk, actor=clerk)
    if status == S.DISPATCHED and case.unit.kind == UnitKind.CITY_GOVERNMENT_OFFICE:
        return workflow.case_forward(case_id=case.pk, actor=clerk, unit=bodies["department"])
    if status == S.DISPATCHED and case.unit.kind == UnitKind.HIGHER_CONGRESS:
        return upward.case_report_upward(
            case_id=case.pk,
            actor=clerk,
            body=case.unit.name,
            reference_number="克人常报〔2026〕1号",
            reported_on=timezone.localdate(),
        )
    if status == S.DISPATCHED:
        return workflow.case_accept(case_id=case.pk, actor=unit_user)
    if status == S.IN_PROGRESS and hasattr(case, "upward_report"):
        return upward.case_upward_reply_record(
            case_id=case.pk, actor=clerk, reply="已答复。", replied_on=timezone.localdate()
        )
    if status == S.IN_PROGRESS:
        return workflow.case_respond(case_id=case.pk, actor=unit_user, result="已办结。")
    assert status == S.RESPONDED, status
    return workflow.case_verify_publish(
        case_id=case.pk, actor=clerk, reply="已办结。", public_actor="人大常委会"
    )


def test_steps_of_another_route_are_refused(site, committee_staff, unit_staff, categories):
    case = _triage(
        open_case(site.area, site=site),
        committee_staff,
        Route.ASSIGN,
        unit=unit_staff.official.unit,
        supervise=True,
    )
    with pytest.raises(IllegalTransition):
        upward.case_report_upward(
            case_id=case.pk,
            actor=committee_staff,
            body="x",
            reference_number="1",
            reported_on=timezone.localdate(),
        )
    assert Case.objects.get(pk=case.pk).status == S.DISPATCHED


def test_a_hand_off_goes_only_to_a_street_office(site, committee_staff, categories, bodies):
    case = open_case(site.area, site=site)
    with pytest.raises(ValidationError) as error:
        _triage(case, committee_staff, Route.ASSIGN, unit=bodies["department"])
    assert "unit" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).status == S.NEW  # nothing half-written


def test_a_leaders_instruction_on_a_held_case_waits_in_the_to_supervise_queue(
    client, site, committee_staff, unit_staff, leader, categories
):
    case = _triage(
        open_case(site.area, site=site),
        committee_staff,
        Route.ASSIGN,
        unit=unit_staff.official.unit,
    )
    case = workflow.case_accept(case_id=case.pk, actor=unit_staff)
    instruction_create(author=leader, text="请重点督办，月底前解决。", case=case, supervise=True)
    case.refresh_from_db()
    assert (case.route, case.status, case.unit) == (
        Route.ASSIGN,
        S.IN_PROGRESS,
        unit_staff.official.unit,
    )
    assert (case.supervision, case.supervision_reason) == (
        Supervision.REQUESTED,
        SupervisionReason.INSTRUCTION,
    )
    queue = case_list_for_user(committee_staff, queue="to_supervise")
    assert [c.pk for c in queue] == [case.pk]
    assert Notification.objects.filter(
        user=committee_staff, case=case, template="case_supervision_requested"
    ).exists()
    client.force_login(committee_staff)
    inbox = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "需要督办：请指定督办人（待督办）" in inbox and case.reference in inbox
    # The committee names a supervisor: the case leaves 待督办 for 督办中, still at the unit.
    supervision.case_supervise(
        case_id=case.pk, actor=committee_staff, supervisor=committee_staff, reason="按批示督办"
    )
    case.refresh_from_db()
    assert (case.supervision, case.supervision_reason) == (
        Supervision.ACTIVE,
        SupervisionReason.INSTRUCTION,
    )
    assert not case_list_for_user(committee_staff, queue="to_supervise").exists()
    assert [c.pk for c in case_list_for_user(committee_staff, queue="supervised")] == [case.pk]


def test_unticking_supervision_at_triage_ends_a_requested_one(
    site, committee_staff, unit_staff, categories
):
    street_office = unit_staff.official.unit
    case = _triage(
        open_case(site.area, site=site), committee_staff, Route.ASSIGN, unit=street_office
    )
    for _round in range(2):
        if case.status == S.REOPENED:
            case = _triage(case, committee_staff, Route.ASSIGN, unit=street_office)
        workflow.case_accept(case_id=case.pk, actor=unit_staff)
        workflow.case_respond(case_id=case.pk, actor=unit_staff, result="已处理")
        workflow.case_verify_publish(
            case_id=case.pk, actor=committee_staff, reply="已处理", public_actor="x"
        )
        resident = Submission.objects.get(case_id=case.pk)  # as the tracking page loads it
        case_rate(submission=resident, value=Satisfaction.DISSATISFIED, comment="没修")
        case.refresh_from_db()
    assert case.supervision == Supervision.REQUESTED
    case = _triage(case, committee_staff, Route.ASSIGN, unit=street_office)
    assert case.supervision == Supervision.NONE and case.supervisor is None
    assert case.events.filter(kind=CaseEvent.Kind.SUPERVISION).count() == 2
