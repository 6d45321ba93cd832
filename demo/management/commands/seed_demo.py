"""``manage.py seed_demo``: load the Karamay network and demo accounts, idempotently; with
``--cases`` or ``--cases-at-least``, add a year of synthetic cases (docs/demo-data.md)."""

import time
from argparse import SUPPRESS as argparse_suppress

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.cases import BATCH_SIZE, PATTERNS, SERVICES_LIMIT, demo_cases_add
from demo.gongshi import demo_gongshi_fill
from demo.keys import demo_case_count
from demo.network import DEMO_PASSWORD, network_seed
from demo.roles import demo_roles_fill
from reports.rollup import rollup_refresh


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
        cases = parser.add_mutually_exclusive_group()
        cases.add_argument(
            "--cases", type=int, default=0, metavar="N", help="Add N synthetic demo cases."
        )
        cases.add_argument(
            "--cases-at-least",
            type=int,
            default=0,
            metavar="N",
            help="Add only as many synthetic cases as are missing to reach N (idempotent).",
        )
        way = parser.add_mutually_exclusive_group()
        way.add_argument(
            "--through-services",
            action="store_true",
            help="Write every case through the real services (default up to "
            f"{SERVICES_LIMIT} cases).",
        )
        way.add_argument(
            "--bulk",
            action="store_true",
            help=f"Write {PATTERNS} cases through the services and copy them for the rest "
            "(default above that).",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed of the synthetic cases."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=argparse_suppress)

    def handle(self, *args, force_demo_accounts=False, no_accounts=False, **options):
        self._seed_network(force_demo_accounts=force_demo_accounts, no_accounts=no_accounts)
        wanted = options["cases"]
        if options["cases_at_least"]:
            wanted = max(options["cases_at_least"] - demo_case_count(), 0)
            if not wanted:
                self.stdout.write(f"  demo cases: {options['cases_at_least']} already there")
        if wanted:
            self._seed_cases(wanted, options)
        if demo_case_count():
            for line in demo_roles_fill():
                self.stdout.write(f"  demo desks: {line}")
            for line in demo_gongshi_fill():
                self.stdout.write(f"  {line}")

    def _seed_cases(self, n: int, options) -> None:
        through_services = True if options["through_services"] else None
        if options["bulk"]:
            through_services = False
        start = time.monotonic()

        def log(result):
            rate = result.cases / max(time.monotonic() - start, 0.001)
            self.stdout.write(f"  demo cases ({result.path}): {result.cases} ({rate:.0f}/s)")

        result = demo_cases_add(
            n,
            seed=options["seed"],
            through_services=through_services,
            batch_size=options["batch_size"],
            log=log,
        )
        # The rows carry past dates that no refresh would look for: recount every month.
        rollup_refresh(full=True)
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.by_status.items()))
        self.stdout.write(
            f"  demo cases: +{result.cases} ({result.path}, {time.monotonic() - start:.1f} s; "
            f"{result.events} events; {statuses})"
        )

    def _seed_network(self, *, force_demo_accounts, no_accounts):
        with_accounts = not no_accounts
        if with_accounts and not settings.DEBUG and not force_demo_accounts:
            raise CommandError(
                "Refusing to create demo accounts with a published password while DEBUG is off. "
                "Use --no-accounts, or --force-demo-accounts if you really mean it."
            )
        report = network_seed(with_accounts=with_accounts, password=DEMO_PASSWORD)
        added = {what: n for what, n in report.created.items() if n}
        for what, n in added.items():
            self.stdout.write(f"  {what}: +{n}")
        if not added:
            self.stdout.write("  nothing new: the demo data was already there")
        if report.accounts:
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for username, description in report.accounts:
                self.stdout.write(f"  {username:<16} {description}")
