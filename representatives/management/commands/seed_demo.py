"""``manage.py seed_demo``: load the Karamay network and demo accounts, idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from representatives.services.seed import seed_network


class Command(BaseCommand):
    help = "Load the Karamay divisions, a synthetic liaison network and demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force-demo-accounts",
            action="store_true",
            help="Create demo accounts (with their published password) even when DEBUG is off.",
        )
        parser.add_argument(
            "--no-accounts", action="store_true", help="Load reference and demo data only."
        )

    def handle(self, *args, force_demo_accounts=False, no_accounts=False, **options):
        with_accounts = not no_accounts
        if with_accounts and not settings.DEBUG and not force_demo_accounts:
            raise CommandError(
                "Refusing to create demo accounts with a published password while DEBUG is off. "
                "Use --no-accounts, or --force-demo-accounts if you really mean it."
            )
        report = seed_network(with_accounts=with_accounts, password=settings.DEMO_PASSWORD)
        added = {what: n for what, n in report.created.items() if n}
        for what, n in added.items():
            self.stdout.write(f"  {what}: +{n}")
        if not added:
            self.stdout.write("  nothing new: the demo data was already there")
        if report.accounts:
            self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
            for username, description in report.accounts:
                self.stdout.write(f"  {username:<16} {description}")
