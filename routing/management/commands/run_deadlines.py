"""``manage.py run_deadlines [--at ISO-DATETIME] [--dry-run]``: the deadline sweep for operators
and tests; prints one JSON object with the counts."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from routing.services.deadlines import deadline_sweep


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--at: not an ISO date-time: {text!r}") from error
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class Command(BaseCommand):
    help = "Send deadline reminders and notices, flag overdue cases, escalate the late ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            type=_instant,
            default=None,
            help="Sweep as if it were this time (ISO 8601; local time zone if none given).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, at, dry_run, **options):
        counts = deadline_sweep(now=at, dry_run=dry_run)
        self.stdout.write(json.dumps(counts, sort_keys=True))
