"""``python manage.py refresh_report_counts [--full]``: bring the dashboards' monthly roll-up
up to date (the beat does this every few minutes; ``--full`` recounts every month, as after a
bulk import)."""

import json
import time

from django.core.management.base import BaseCommand

from reports.rollup import rollup_refresh


class Command(BaseCommand):
    help = "Recount the dashboards' monthly figures (changed months, or all with --full)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recount every month")

    def handle(self, *args, full=False, **options):
        started = time.monotonic()
        written = rollup_refresh(full=full)
        seconds = round(time.monotonic() - started, 1)
        self.stdout.write(json.dumps({"rows": written, "seconds": seconds}))
