"""The deadline sweep: reminders, notices, overdue flags and escalation, each once, on a
controllable clock (``--at``)."""

import json
import threading
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from notifications.models import Notification
from routing.models import (
    Case,
    CaseEvent,
    CaseStatus,
    DeadlineAction,
    Route,
    Supervision,
    SupervisionReason,
)
from routing.selectors import case_list_for_user
from routing.services.deadlines import deadline_sweep
from routing.services.workflow import case_accept
from tests.routing.helpers import SHANGHAI, at, make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


@pytest.fixture
def unit(unit_staff):
    return unit_staff.official.unit


@pytest.fixture
def case(site, committee_staff, unit, unit_staff, categories):
    made = make_case(site, committee_staff, unit)
    case_accept(case_id=made.pk, actor=unit_staff)  # in progress, acknowledged
    return Case.objects.get(pk=made.pk)


def sweep(text: str, **kwargs) -> dict:
    return deadline_sweep(now=at(text), **kwargs)


def kinds(case) -> list[str]:
    sweep_kinds = {"reminder", "due", "overdue", "escalated"}
    return [k for k in case.events.values_list("kind", flat=True) if k in sweep_kinds]


def told(user, template) -> int:
    return Notification.objects.filter(user=user, template=template, channel="in_app").count()


NOTHING = {"reminded": 0, "due": 0, "overdue": 0, "escalated": 0}


def test_a_case_is_reminded_then_due_then_overdue_then_escalated_each_once(
    client, case, unit_staff, committee_staff
):
    # Thursday 12th: the deadline is 2 working days on (Fri 13th, Mon 16th): reminded.
    assert sweep("2026-11-12T09:00") == {**NOTHING, "reminded": 1}
    assert told(unit_staff, "deadline_resolve_reminded") == 1
    assert sweep("2026-11-12T09:15") == NOTHING  # the next beat: nothing new
    # Monday 16th after 18:00: the deadline has passed.
    assert sweep("2026-11-16T17:59") == NOTHING
    assert sweep("2026-11-16T18:05") == {**NOTHING, "due": 1}
    assert told(unit_staff, "deadline_resolve_due") == 1
    # Tuesday: a working day late — flagged, and the committee hears of it.
    assert sweep("2026-11-17T09:00") == {**NOTHING, "overdue": 1}
    assert told(committee_staff, "deadline_resolve_overdue") == 1
    assert told(unit_staff, "deadline_resolve_overdue") == 1
    # Friday 20th is 4 working days late: not yet escalated; Monday 23rd is 5.
    assert sweep("2026-11-20T09:00") == NOTHING
    assert sweep("2026-11-23T09:00") == {**NOTHING, "escalated": 1}
    case.refresh_from_db()
    # Supervision is requested on top of the route: the route, unit and status stay, and the
    # case waits in the committee's 待督办 queue for a supervisor.
    assert (case.route, case.supervision, case.supervision_reason) == (
        Route.ASSIGN,
        Supervision.REQUESTED,
        SupervisionReason.OVERDUE,
    )
    assert case.unit_id is not None and case.status == CaseStatus.IN_PROGRESS
    assert case.supervised_since == at("2026-11-23T09:00")
    assert [c.pk for c in case_list_for_user(committee_staff, queue="to_supervise")] == [case.pk]
    assert told(committee_staff, "deadline_resolve_escalated") == 1
    assert kinds(case) == ["reminder", "due", "overdue", "escalated"]
    escalation = case.events.get(kind="escalated")
    assert escalation.is_public and escalation.public_actor == "人大常委会"
    # The resident reads it on the tracking page; the reminders and flags stay internal.
    submission = case.submissions.get()
    page = client.get(f"/track/{submission.tracking_code}/{submission.secret}/").text
    assert "未按时办结，人大常委会已对办理情况进行督办。" in page
    assert "催办" not in page and "已超期" not in page
    assert not case.events.get(kind="overdue").is_public
    # Running the same sweep again, or later, does nothing more.
    assert sweep("2026-11-23T09:00") == NOTHING
    assert sweep("2026-11-30T09:00") == NOTHING
    assert DeadlineAction.objects.filter(case=case).count() == 4


def test_a_sweep_that_was_not_run_for_a_week_catches_up_in_one_go(case):
    assert sweep("2026-11-25T10:00") == {"reminded": 0, "due": 1, "overdue": 1, "escalated": 1}


def test_an_extension_gives_a_new_deadline_and_new_reminders(case):
    sweep("2026-11-12T09:00")
    later = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)  # an approved extension
    Case.objects.filter(pk=case.pk).update(resolve_by=later)
    assert sweep("2026-11-17T09:00") == NOTHING  # the old deadline no longer counts
    assert sweep("2026-11-26T09:00") == {**NOTHING, "reminded": 1}


def test_a_unit_that_has_not_accepted_by_the_acknowledgement_deadline_is_flagged(
    site, committee_staff, unit, unit_staff, categories
):
    late = make_case(site, committee_staff, unit, accept_by=at("2026-11-10T18:00"))
    assert late.status == CaseStatus.DISPATCHED and late.acknowledged_at is None
    assert sweep("2026-11-10T18:30")["overdue"] == 1
    event = late.events.get(kind="overdue")
    assert event.note == "未在签收期限内签收。"
    assert told(unit_staff, "deadline_acknowledge_overdue") == 1
    assert sweep("2026-11-10T19:00")["overdue"] == 0


def test_cases_not_held_by_a_unit_or_already_supervised_are_left_alone(
    site, committee_staff, unit, categories
):
    make_case(site, committee_staff, unit, status=CaseStatus.REPLIED)
    make_case(site, committee_staff, unit, status=CaseStatus.CLOSED)
    make_case(site, committee_staff, unit, status=CaseStatus.UNDER_REVIEW)
    supervised = make_case(
        site,
        committee_staff,
        unit,
        supervision=Supervision.ACTIVE,
        supervision_reason=SupervisionReason.RULE,
        supervised_since=at("2026-11-03T10:00"),
        supervisor=committee_staff,
        acknowledged_at=at("2026-11-03T10:00"),
        status=CaseStatus.IN_PROGRESS,
    )
    counts = sweep("2026-11-25T10:00")
    assert counts == {"reminded": 0, "due": 1, "overdue": 1, "escalated": 0}
    assert set(DeadlineAction.objects.values_list("case_id", flat=True)) == {supervised.pk}


def test_dry_run_counts_without_changing_anything(case):
    assert sweep("2026-11-25T10:00", dry_run=True) == {
        "reminded": 0,
        "due": 1,
        "overdue": 1,
        "escalated": 1,
    }
    assert not DeadlineAction.objects.exists()
    assert not case.events.filter(kind__in=["due", "overdue", "escalated"]).exists()
    case.refresh_from_db()
    assert case.route == Route.ASSIGN


def test_the_command_prints_json_and_a_second_run_escalates_nothing(case):
    out = StringIO()
    call_command("run_deadlines", "--at", "2026-11-25T10:00", stdout=out)
    assert json.loads(out.getvalue()) == {"due": 1, "escalated": 1, "overdue": 1, "reminded": 0}
    again = StringIO()
    call_command("run_deadlines", "--at", "2026-11-25T10:00", stdout=again)
    assert json.loads(again.getvalue()) == NOTHING
    with pytest.raises(CommandError, match="ISO"):
        call_command("run_deadlines", "--at", "next tuesday")


def test_the_sweep_costs_the_same_queries_for_few_or_many_cases(
    site, committee_staff, unit, categories, queries
):
    for _ in range(2):
        make_case(site, committee_staff, unit)
    with queries(32):
        sweep("2026-11-25T10:00")
    for _ in range(12):
        make_case(
            site, committee_staff, unit, resolve_by=datetime(2026, 12, 14, 18, tzinfo=SHANGHAI)
        )
    with queries(32):
        sweep("2026-12-23T10:00")
    assert DeadlineAction.objects.filter(action="escalated").count() == 14


def test_the_beat_task_runs_the_sweep(case):
    from routing.tasks import deadline_sweep_task

    # Run now (after 28 November 2026): the 16 November deadline is long past.
    assert deadline_sweep_task.delay().get() == {**NOTHING, "due": 1, "overdue": 1, "escalated": 1}
    assert deadline_sweep_task.delay().get() == NOTHING


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in connection.vendor, reason="needs concurrent connections (PostgreSQL)"
)
def test_two_sweeps_at_once_act_once(site, committee_staff, unit, categories):
    for _ in range(20):
        make_case(site, committee_staff, unit)
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(sweep("2026-11-25T10:00"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["escalated"] for r in results) == 20
    assert sum(r["due"] for r in results) == 20
    assert sum(r["overdue"] for r in results) == 40  # resolution, and acceptance (never accepted)
    assert CaseEvent.objects.filter(kind="escalated").count() == 20
    assert CaseEvent.objects.filter(kind="overdue").count() == 40
    assert DeadlineAction.objects.count() == 80
