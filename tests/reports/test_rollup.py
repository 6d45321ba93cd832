"""The monthly roll-up (reports.rollup): the dashboards' figures from it equal the figures
counted from the rows, for every area and whole-month period, after a full build and after
incremental refreshes that follow what the services did; its cost does not grow with cases."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from reports import metrics
from reports.dashboard import dashboard_figures
from reports.models import MonthlyCount
from reports.periods import Period
from reports.rollup import OVERLAP, refreshed_at, rollup_dashboard, rollup_refresh
from routing.models import CaseStatus
from routing.services.transition import case_reply, case_transition
from tests.reports.helpers import at, made
from tests.routing.helpers import open_case

pytestmark = pytest.mark.django_db

NOW = at("2026-11-28T12:00")
PERIODS = [Period.parse(p) for p in ("2026Q3", "2026Q2", "2026-08", "2026-09", "2025Q3")]


def _without_time(figures: dict) -> dict:
    figures = json.loads(json.dumps(figures))
    del figures["handling"]["at"]  # the rows say "now", the roll-up its last refresh
    return figures


def _same_as_rows(periods, areas):
    for period in periods:
        for area in areas:
            rolled = rollup_dashboard(period, area, at=NOW)
            assert rolled is not None
            assert _without_time(rolled) == _without_time(
                metrics.dashboard_counted(period, area, at=NOW)
            ), (period.key, area.name)


def test_a_full_build_gives_the_figures_the_rows_give(quarter, areas):
    written = rollup_refresh(full=True)
    assert written["opinions"] and written["cases"] and written["closings"]
    _same_as_rows(PERIODS, areas)
    # Spot checks against the definitions' test (test_metrics): the roll-up is not just
    # equal to the rows, it is right.
    figures = rollup_dashboard(Period.parse("2026Q3"), areas[1], at=NOW)
    h = figures["handling"]
    assert (h["opened"], h["resolved"], h["closed"], h["on_time"]) == (6, 3, 4, 3)
    assert (h["average_days"], h["satisfaction_rate"], h["reopened"]) == (22.6, 66.7, 2)
    assert figures["units"][0]["overdue"] == 1 and figures["volume"]["total"] == 7


def test_the_dashboard_reads_the_rollup_only_for_whole_months_once_it_is_built(quarter, areas):
    q3 = Period.parse("2026Q3")
    assert rollup_dashboard(q3, areas[0], at=NOW) is None  # never built: counted from rows
    rollup_refresh()  # the first refresh is a full one
    assert refreshed_at() is not None
    custom = Period.parse("2026-07-15..2026-08-14")
    assert rollup_dashboard(custom, areas[0], at=NOW) is None
    assert dashboard_figures(custom, areas[0], at=NOW)["volume"]["total"] == 3  # from the rows
    # The page says how fresh the roll-up's figures are.
    as_of = timezone.localtime(refreshed_at()).strftime("%Y-%m-%d %H:%M")
    assert dashboard_figures(q3, areas[0], at=NOW)["handling"]["at"] == as_of


def test_a_refresh_recounts_the_months_the_services_changed(quarter, areas, committee_staff):
    rollup_refresh(full=True)
    untouched = MonthlyCount.objects.filter(month=at("2026-07-01T00:00").date()).count()
    # Through the services, today: C (opened in August) is answered, replied and closed;
    # D (September) is not accepted; a resident sends a new opinion.
    c, d = quarter["C"], quarter["D"]
    case_transition(case_id=c.pk, to_status=CaseStatus.RESPONDED, actor=committee_staff)
    case_reply(case_id=c.pk, text="已修复。", actor=committee_staff)
    case_transition(case_id=c.pk, to_status=CaseStatus.CLOSED, actor=committee_staff)
    case_transition(case_id=d.pk, to_status=CaseStatus.NOT_ACCEPTED, actor=committee_staff)
    open_case(areas[3])
    before = rollup_dashboard(Period.parse("2026Q3"), areas[1], at=NOW)["handling"]
    assert before["not_accepted"] == 1  # stale until the refresh

    written = rollup_refresh()
    assert written["opinions"] >= 1  # this month's opinions were recounted
    after = rollup_dashboard(Period.parse("2026Q3"), areas[1], at=NOW)["handling"]
    assert (after["not_accepted"], after["resolved"]) == (2, 4)
    this_month = Period.parse(timezone.localdate().strftime("%Y-%m"))
    today = timezone.localdate()
    this_quarter = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    _same_as_rows([*PERIODS, this_month, this_quarter], areas)
    # Months nothing happened in were left alone, row for row.
    assert MonthlyCount.objects.filter(month=at("2026-07-01T00:00").date()).count() == untouched


def test_a_refresh_with_nothing_new_reads_only_what_was_written_since_and_writes_nothing(
    quarter, areas, queries
):
    rollup_refresh(full=True)
    rows = set(MonthlyCount.objects.values_list("pk", flat=True))
    with queries(9):  # savepoint, state lock, 5 look-ups of the rows since, state, release
        written = rollup_refresh()
    assert set(written.values()) == {0}
    assert set(MonthlyCount.objects.values_list("pk", flat=True)) == rows


def test_a_refresh_recounts_only_the_areas_that_changed(quarter, areas):
    """A new opinion in one community this month: that community's rows of the month are
    recounted, every other row stays as it was (the same row, not a rewritten copy)."""
    # The street has rows of this month too, written before the refresh's overlap with the
    # last one (which recounts what a transaction still open then may have written).
    with time_machine.travel(timezone.now() - OVERLAP - timedelta(minutes=1)):
        open_case(areas[2])
    rollup_refresh(full=True)
    this_month = timezone.localdate().replace(day=1)
    assert MonthlyCount.objects.filter(area=areas[2], month=this_month).exists()
    others = set(MonthlyCount.objects.exclude(area=areas[3]).values_list("pk", flat=True))
    open_case(areas[3])
    written = rollup_refresh()
    assert written["opinions"] >= 1 and written["cases"] >= 1
    assert set(MonthlyCount.objects.exclude(area=areas[3]).values_list("pk", flat=True)) == others
    recounted = MonthlyCount.objects.filter(area=areas[3], month=this_month)
    assert recounted.filter(figure="opinions.type").exists()
    today = timezone.localdate()
    this_quarter = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    _same_as_rows([*PERIODS, this_quarter], areas)


def test_the_rolled_up_dashboard_costs_the_same_queries_for_few_or_many_cases(
    quarter, areas, queries
):
    q3 = Period.parse("2026Q3")
    rollup_refresh(full=True)
    with queries(11):
        dashboard_figures(q3, areas[1], at=NOW)
    for day in range(1, 25):
        made(areas[3], f"2026-08-{day:02d}T10:00", status="closed", closed_at="2026-09-01T10:00")
    rollup_refresh(full=True)
    with queries(11):
        dashboard_figures(q3, areas[1], at=NOW)
    with queries(11):
        dashboard_figures(q3, areas[0], at=NOW)


def test_the_command_prints_what_it_wrote(quarter):
    out = StringIO()
    call_command("refresh_report_counts", "--full", stdout=out)
    report = json.loads(out.getvalue())
    assert report["rows"]["cases"] > 0 and report["seconds"] >= 0


def test_the_beat_refreshes_every_few_minutes_and_recounts_nightly(settings):
    often = settings.CELERY_BEAT_SCHEDULE["refresh-report-counts"]
    nightly = settings.CELERY_BEAT_SCHEDULE["recount-report-counts"]
    assert often["task"] == nightly["task"] == "reports.tasks.refresh_report_counts_task"
    assert often["schedule"] <= 300 and nightly["kwargs"] == {"full": True}


def test_partner_channels_are_counted_each_by_name_in_the_rows_and_the_roll_up(quarter, areas):
    """Opinions sent through the Open311 API count under their partner's name (issue 17.1)."""
    from feedback.models import Channel, Submission

    first, second, third = Submission.objects.filter(
        created_at__gte=at("2026-07-01T00:00"), created_at__lt=at("2026-10-01T00:00")
    ).order_by("pk")[:3]
    Submission.objects.filter(pk__in=[first.pk, second.pk]).update(
        channel=Channel.PARTNER, partner="12345热线"
    )
    Submission.objects.filter(pk=third.pk).update(channel=Channel.PARTNER, partner="区政务小程序")
    rollup_refresh(full=True)
    _same_as_rows(PERIODS, areas)
    rolled = rollup_dashboard(Period.parse("2026Q3"), areas[0], at=NOW)
    channels = {r["label"]: r["count"] for r in rolled["volume"]["by_channel"]}
    assert channels["合作渠道（接口）：12345热线"] == 2
    assert channels["合作渠道（接口）：区政务小程序"] == 1
