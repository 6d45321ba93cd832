"""Is this installation ready to serve? ``check --deploy`` (Django's list and the project's
own, ``liaison.checks``) and what only a running system can tell: the database reachable
and migrated, the shared cache and the broker answering, a worker listening, photos
writable, a classifier model trained. One line per point; exits 1 when one fails."""

import tempfile

from django.conf import settings
from django.core.cache import cache
from django.core.management import BaseCommand, CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from liaison.celery import app as celery_app
from routing.models import ClassifierModel


class Command(BaseCommand):
    help = "Check this deployment: check --deploy plus the running services."
    # It runs them itself, deployment checks included, and goes on to the services.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-worker", action="store_true", help="do not ask for a Celery worker's answer"
        )

    def handle(self, *args, no_worker=False, **options):
        failed = []

        def point(ok: bool, text: str, fix: str = "", *, warn: bool = False):
            mark = "OK  " if ok else ("WARN" if warn else "FAIL")
            self.stdout.write(f"[{mark}] {text}" + (f" — {fix}" if fix and not ok else ""))
            if not ok and not warn:
                failed.append(text)

        try:
            call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout)
            point(True, "manage.py check --deploy (Django's and the project's checks)")
        except SystemCheckError as error:
            self.stdout.write(str(error))
            point(False, "manage.py check --deploy (Django's and the project's checks)")

        silenced = sorted(c for c in settings.SILENCED_SYSTEM_CHECKS if c.startswith("liaison."))
        point(not silenced, "none of the project's checks is silenced", ", ".join(silenced))

        try:
            connection.ensure_connection()
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            point(
                not plan,
                f"database {connection.vendor} reachable and migrated",
                f"{len(plan)} migrations to apply: manage.py migrate",
            )
        except Exception as error:  # noqa: BLE001 - any failure to reach it is the answer
            point(False, "database reachable", type(error).__name__)

        try:
            cache.set("check-deployment", "1", 30)
            point(cache.get("check-deployment") == "1", "shared cache answers (rate limits)")
        except Exception as error:  # noqa: BLE001
            point(False, "shared cache answers (rate limits)", type(error).__name__)

        if settings.CELERY_TASK_ALWAYS_EAGER:
            point(False, "Celery broker", "tasks run in the web process (no REDIS_URL)", warn=True)
        else:
            try:
                with celery_app.connection_for_write() as conn:
                    conn.ensure_connection(max_retries=1)
                point(True, "Celery broker reachable")
            except Exception as error:  # noqa: BLE001
                point(False, "Celery broker reachable", type(error).__name__)
            if not no_worker:
                answers = celery_app.control.ping(timeout=2.0)
                point(
                    bool(answers),
                    f"Celery workers answering: {len(answers)}",
                    "start one: celery -A liaison worker",
                )

        if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
            try:
                settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryFile(dir=settings.MEDIA_ROOT):
                    pass
                point(True, f"photos writable in {settings.MEDIA_ROOT}")
            except OSError as error:
                point(False, f"photos writable in {settings.MEDIA_ROOT}", error.strerror or "")

        if not any("database" in text for text in failed):
            point(
                ClassifierModel.objects.exists(),
                "a classifier model is trained",
                "manage.py train_classifier --if-none",
                warn=True,
            )

        if failed:
            raise CommandError(f"{len(failed)} point(s) failed.")
        self.stdout.write(self.style.SUCCESS("This deployment is ready."))
