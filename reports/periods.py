"""Reporting periods: a quarter (2026Q3), a month (2026-07) or any range of days, in the
committee's time zone; each knows the period before it and the same period a year earlier."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from common.months import add_months

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """The days ``start`` up to, not including, ``end``."""

    start: date
    end: date

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        first = date(year, 3 * number - 2, 1)
        return cls(first, add_months(first, 3))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """``2026Q3``, ``2026-07`` or ``2026-07-01..2026-09-30`` (both days included)."""
        text = (text or "").strip()
        if match := QUARTER_RE.match(text):
            return cls.quarter(int(match[1]), int(match[2]))
        if match := MONTH_RE.match(text):
            first = date(int(match[1]), int(match[2]), 1)
            return cls(first, add_months(first, 1))
        if ".." in text:
            first, last = (date.fromisoformat(part) for part in text.split("..", 1))
            if last < first:
                raise ValueError("the period ends before it starts")
            return cls(first, last + timedelta(days=1))
        raise ValueError(f"not a period: {text!r}")

    @classmethod
    def last_complete_quarter(cls, today: date) -> "Period":
        number = (today.month - 1) // 3 + 1
        return cls.quarter(today.year, number - 1) if number > 1 else cls.quarter(today.year - 1, 4)

    @property
    def key(self) -> str:
        """The text ``parse`` reads back."""
        if (
            self.start.day == 1
            and self.end == add_months(self.start, 3)
            and self.start.month % 3 == 1
        ):
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.start.day == 1 and self.end == add_months(self.start, 1):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{(self.end - timedelta(days=1)).isoformat()}"

    @property
    def label(self) -> str:
        key = self.key
        if match := QUARTER_RE.match(key):
            return _("%(year)s, quarter %(q)s") % {"year": match[1], "q": match[2]}
        last = self.end - timedelta(days=1)
        return _("%(start)s to %(end)s") % {
            "start": self.start.isoformat(),
            "end": last.isoformat(),
        }

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> "Period":
        """The period of the same shape just before this one."""
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return Period(add_months(self.start, -months), self.start)
        return Period(self.start - timedelta(days=self.days), self.start)

    def year_before(self) -> "Period":
        return Period(add_months(self.start, -12), add_months(self.end, -12))

    def bounds(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(settings.TIME_ZONE)
        return (
            datetime.combine(self.start, time(), tzinfo=zone),
            datetime.combine(self.end, time(), tzinfo=zone),
        )
