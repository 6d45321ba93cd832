"""``manage.py load_reference_data``: the real divisions of Karamay, the handling units, the
categories, the deadline rules and the reply templates a deployment needs (no demo data, no
accounts). Idempotent: it adds only what is missing and never overwrites an edited row."""

from django.core.management.base import BaseCommand

from routing.services.reference import reference_data_load


class Command(BaseCommand):
    help = "Load the reference data a deployment needs: areas, units, categories, deadlines."

    def handle(self, *args, **options):
        report = reference_data_load()
        added = {what: n for what, n in report.created.items() if n}
        for what, n in added.items():
            self.stdout.write(f"  {what}: +{n}")
        if not added:
            self.stdout.write("  nothing new: the reference data was already there")
