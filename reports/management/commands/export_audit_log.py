"""``manage.py export_audit_log [--since DATE] [--until DATE] [--output FILE]``: the audit log
of a period as CSV (UTF-8 with BOM, opens in Excel) for an auditor. Default: the last six
months up to today inclusive."""

from datetime import date, datetime, time, timedelta

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from common.replica import replica_reads
from reports.audit import audit_headers, audit_rows
from reports.exports import write_csv
from representatives.services.audit import AUDIT_MIN_RETENTION_DAYS


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Write the audit log of a period as CSV (case events, contact reveals, sign-ins, admin changes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=str, help="first day, YYYY-MM-DD (default: six months ago)"
        )
        parser.add_argument("--until", type=str, help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--output", "-o", type=str, help="file to write (default: standard output)"
        )

    def handle(self, *args, since=None, until=None, output=None, **options):
        last = _day(until) if until else timezone.localdate()
        first = _day(since) if since else last - timedelta(days=AUDIT_MIN_RETENTION_DAYS)
        if first > last:
            raise CommandError("--since is after --until.")
        zone = timezone.get_current_timezone()
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        with replica_reads():
            self._write(output, start, end, first, last)

    def _write(self, output, start, end, first, last):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = write_csv(out, audit_headers(), audit_rows(start, end))
        else:
            self.stdout.ending = ""  # the CSV writer ends its own lines
            count = write_csv(self.stdout, audit_headers(), audit_rows(start, end))
        self.stderr.write(f"{count} audit records from {first} to {last}.")
