"""Working days in mainland China: weekends, public holidays and make-up working days (调休).

Holidays come from ``chinesecalendar``, which carries the State Council's published schedule.
A year it does not know yet (the schedule is published each November) falls back to
Monday–Friday, so deadlines never fail; the library's update adds the holidays.
"""

from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

from routing.models import DeadlineLevel

# Deadlines fall at the end of the office day (deadlines.csv: "same working day").
END_OF_DAY = time(18, 0)


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year beyond the library's schedule
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (0: ``start`` itself if it is one, else the
    next working day)."""
    day = start
    while not is_working_day(day):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def deadlines_for(level: str, start: datetime) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for a deadline level, counted from ``start``
    (deadlines.csv)."""
    local = timezone.localtime(start)
    today = local.date()
    if level == DeadlineLevel.URGENT:
        return start + timedelta(hours=2), start + timedelta(hours=24)
    if level == DeadlineLevel.IMMEDIATE:
        return _end_of(add_working_days(today, 0)), _end_of(add_working_days(today, 2))
    acknowledge = _end_of(add_working_days(today, 1))
    if level == DeadlineLevel.GENERAL:
        return acknowledge, _end_of(add_working_days(today, 10))
    if level == DeadlineLevel.COMPLEX:
        return acknowledge, _end_of(add_working_days(today, 15))
    if level == DeadlineLevel.DIFFICULT:
        return acknowledge, _end_of(add_working_days(_add_months(today, 3), 0))
    if level == DeadlineLevel.REDO:
        return acknowledge, _end_of(add_working_days(_add_months(today, 1), 0))
    raise ValueError(f"unknown deadline level {level!r}")


def end_of_working_day(day: date) -> datetime:
    """A date someone picked (an extension) as a deadline: the end of that office day."""
    return _end_of(day)
