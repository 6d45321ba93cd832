"""Working days in mainland China and the deadlines counted on them.

A day is a working day as the State Council's schedule says (weekends, public holidays and the
make-up working days, 调休), from ``chinesecalendar``; administrators correct or add days in
``CalendarDay`` (the next year's schedule is published late in the year, before the package
knows it). A year neither knows falls back to Monday–Friday, so deadlines never fail.

How long each deadline level allows is ``DeadlineRule`` (editable), else deadlines.csv.
Both tables are small and read at most once a minute per process (and at once after an edit
in this process), so counting days costs no query.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from common.cache import TTLCache
from common.months import add_months
from routing.models import CalendarDay, DeadlineRule
from routing.reference import DEADLINES_CSV

# Deadlines fall at the end of the office day (deadlines.csv: "same working day").
END_OF_DAY = time(18, 0)
CACHE_SECONDS = 60

Unit = DeadlineRule.Unit


@dataclass(frozen=True)
class Limit:
    acknowledge_within: int
    acknowledge_unit: str
    resolve_within: int
    resolve_unit: str


def parse_duration(text: str) -> tuple[int, str]:
    """deadlines.csv's wording: "2 hours", "same working day", "10 working days", "3 months
    (extendable once to 6 months)" → (amount, unit)."""
    text = text.strip().lower()
    if text.startswith("same working day"):
        return 0, Unit.WORKING_DAYS
    match = re.match(r"(\d+)\s+(hour|working day|month)s?\b", text)
    if match is None:
        raise ValueError(f"deadlines.csv: cannot read the duration {text!r}")
    unit = {"hour": Unit.HOURS, "working day": Unit.WORKING_DAYS, "month": Unit.MONTHS}
    return int(match.group(1)), unit[match.group(2)]


def default_limits() -> dict[str, Limit]:
    """The limits of deadlines.csv, by level."""
    with DEADLINES_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    limits = {}
    for row in rows:
        ack, ack_unit = parse_duration(row["acknowledge_within"])
        res, res_unit = parse_duration(row["resolve_within"])
        limits[row["level"]] = Limit(ack, ack_unit, res, res_unit)
    return limits


DEFAULT_LIMITS = default_limits()


@dataclass(frozen=True)
class _Corrections:
    days: dict[date, bool]  # CalendarDay: a day off or a make-up working day
    limits: dict[str, Limit]  # DeadlineRule by level


def _load() -> _Corrections:
    return _Corrections(
        days=dict(CalendarDay.objects.values_list("day", "is_working_day")),
        limits={
            rule.level: Limit(
                rule.acknowledge_within,
                rule.acknowledge_unit,
                rule.resolve_within,
                rule.resolve_unit,
            )
            for rule in DeadlineRule.objects.all()
        },
    )


def _corrections() -> _Corrections:
    return _cache.get("corrections", _load)


_cache = TTLCache(CACHE_SECONDS)
for _model in (CalendarDay, DeadlineRule):
    post_save.connect(_cache.clear, sender=_model, dispatch_uid=f"workdays-{_model.__name__}")
    post_delete.connect(_cache.clear, sender=_model, dispatch_uid=f"workdays-{_model.__name__}-d")


def is_working_day(day: date) -> bool:
    corrected = _corrections().days.get(day)
    if corrected is not None:
        return corrected
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year beyond the library's schedule and not corrected
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


def working_days_before(day: date, days: int) -> date:
    """The working day ``days`` working days before ``day`` (counted back from the last
    working day on or before it)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    for _step in range(days):
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    return day


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def limit_for(level: str) -> Limit:
    limit = _corrections().limits.get(level) or DEFAULT_LIMITS.get(level)
    if limit is None:
        raise ValueError(f"unknown deadline level {level!r}")
    return limit


def _after(start: datetime, amount: int, unit: str) -> datetime:
    if unit == Unit.HOURS:  # on the clock, holidays included (urgent: 2 h / 24 h)
        return start + timedelta(hours=amount)
    today = timezone.localtime(start).date()
    if unit == Unit.MONTHS:  # the same date N months on, or the next working day
        return _end_of(add_working_days(add_months(today, amount), 0))
    return _end_of(add_working_days(today, amount))


def deadlines_for(level: str, start: datetime) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for a deadline level, counted from ``start``."""
    limit = limit_for(level)
    return (
        _after(start, limit.acknowledge_within, limit.acknowledge_unit),
        _after(start, limit.resolve_within, limit.resolve_unit),
    )


def end_of_working_day(day: date) -> datetime:
    """A date someone picked (an extension) as a deadline: the end of that office day."""
    return _end_of(day)
