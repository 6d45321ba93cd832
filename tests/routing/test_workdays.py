"""Deadlines on the Chinese working-day calendar: holidays, make-up working days (调休),
administrators' corrections, hours on the clock, and limits that are data."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from routing.models import CalendarDay, DeadlineRule
from routing.workdays import (
    DEFAULT_LIMITS,
    add_working_days,
    deadlines_for,
    is_working_day,
    parse_duration,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_national_day_week_is_skipped_and_the_make_up_saturday_counts():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert is_working_day(date(2025, 9, 28))
    assert not is_working_day(date(2025, 10, 1)) and not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 10, 11))
    # Ten working days from Tuesday 30 September: 9, 10, 11 (Sat), 13–17, 20, 21 October.
    assert add_working_days(date(2025, 9, 30), 10) == date(2025, 10, 21)
    acknowledge, resolve = deadlines_for("general", at("2025-09-30T16:00"))
    assert acknowledge == at("2025-10-09T18:00")  # the next working day
    assert resolve == at("2025-10-21T18:00")


def test_an_opinion_received_on_a_holiday_starts_counting_on_the_first_working_day():
    acknowledge, resolve = deadlines_for("immediate", at("2025-10-03T09:30"))
    assert acknowledge == at("2025-10-09T18:00")  # "same working day"
    assert resolve == at("2025-10-11T18:00")  # 2 working days: 10, 11 (Sat)


def test_urgent_runs_on_the_clock_through_the_holiday():
    acknowledge, resolve = deadlines_for("urgent", at("2025-10-03T22:15"))
    assert acknowledge == at("2025-10-04T00:15")
    assert resolve == at("2025-10-04T22:15")


def test_months_end_on_the_same_date_or_the_next_working_day():
    # Difficult: 3 months from 30 July 2025 is 30 October 2025 (a Thursday).
    assert deadlines_for("difficult", at("2025-07-30T10:00"))[1] == at("2025-10-30T18:00")
    # Redo: 1 month from 1 September 2025 is 1 October, a holiday: the 9th.
    assert deadlines_for("redo", at("2025-09-01T10:00"))[1] == at("2025-10-09T18:00")


def test_a_year_the_package_does_not_know_falls_back_to_weekdays_until_corrected():
    new_year = date(2027, 1, 1)  # a Friday; chinesecalendar 1.11 knows up to 2026
    assert is_working_day(new_year)
    CalendarDay.objects.create(day=new_year, is_working_day=False, note="元旦")
    CalendarDay.objects.create(day=date(2027, 1, 9), is_working_day=True, note="调休上班")
    assert not is_working_day(new_year)
    assert is_working_day(date(2027, 1, 9))  # a Saturday made a working day
    # Thursday 31 December 2026 + 2 working days: 4 January (Mon), 5 January.
    assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 5)


def test_a_correction_can_also_overrule_the_package():
    assert is_working_day(date(2026, 12, 1))
    day = CalendarDay.objects.create(day=date(2026, 12, 1), is_working_day=False, note="test")
    assert not is_working_day(date(2026, 12, 1))
    day.delete()
    assert is_working_day(date(2026, 12, 1))


def test_limits_come_from_deadlines_csv_and_an_edited_rule_applies():
    assert parse_duration("same working day") == (0, "working_days")
    assert parse_duration("3 months (extendable once to 6 months)") == (3, "months")
    assert parse_duration("24 hours") == (24, "hours")
    with pytest.raises(ValueError):
        parse_duration("soon")
    assert DEFAULT_LIMITS["general"].resolve_within == 10
    assert DEFAULT_LIMITS["complex"].resolve_within == 15
    start = at("2026-11-02T10:00")  # a Monday
    assert deadlines_for("general", start)[1] == at("2026-11-16T18:00")
    DeadlineRule.objects.create(
        level="general",
        acknowledge_within=4,
        acknowledge_unit="hours",
        resolve_within=5,
        resolve_unit="working_days",
    )
    acknowledge, resolve = deadlines_for("general", start)
    assert acknowledge == at("2026-11-02T14:00")
    assert resolve == at("2026-11-09T18:00")
    with pytest.raises(ValueError):
        deadlines_for("whenever", start)


def test_seed_loads_every_level_once():
    from representatives.services.reference import LoadReport
    from routing.services.reference import deadline_rules_load

    deadline_rules_load(LoadReport())
    deadline_rules_load(LoadReport())
    rules = {r.level: r for r in DeadlineRule.objects.all()}
    assert set(rules) == {"urgent", "immediate", "general", "complex", "difficult", "redo"}
    assert (rules["urgent"].acknowledge_within, rules["urgent"].acknowledge_unit) == (2, "hours")
    assert (rules["difficult"].resolve_within, rules["difficult"].resolve_unit) == (3, "months")


def test_administrators_edit_rules_and_calendar_days_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("root", password="x-very-long-pass-1")
    client.force_login(admin)
    call_command("seed_demo", "--no-accounts", verbosity=0)
    assert client.get("/admin/routing/deadlinerule/").status_code == 200
    page = client.post(
        "/admin/routing/calendarday/add/",
        {"day": "2027-02-05", "is_working_day": "", "note": "春节"},
    )
    assert page.status_code == 302
    assert not is_working_day(date(2027, 2, 5))  # applies at once in this process
    refused = client.post("/admin/routing/calendarday/add/", {"day": "2027-02-05", "note": "x"})
    assert refused.status_code == 200  # the same day twice: the form says so
    assert CalendarDay.objects.count() == 1
