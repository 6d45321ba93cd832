"""Month arithmetic on ``dateutil`` (one definition for deadlines, periods and replies)."""

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), on the month's last day when it is shorter:
    31 January + 1 month = 28 (or 29) February."""
    return day + relativedelta(months=months)


def month_start(day: date, months: int = 0) -> date:
    """The first day of ``day``'s month, ``months`` later (or earlier)."""
    return day.replace(day=1) + relativedelta(months=months)
