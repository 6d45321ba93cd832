"""What happens when the broker, a worker or the database misbehaves (DESIGN section 9).

Each test really does it: a private redis-server is killed and started again, a worker's pool
process is killed with SIGKILL in the middle of a task, PostgreSQL is restarted under a
running gunicorn. Run with ``make test-faults`` (PostgreSQL; root for the restart)."""

import os
import re
import shutil
import subprocess
from datetime import timedelta

import psycopg
import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from feedback.models import Submission
from liaison.queues import queue_names
from notifications.models import Notification
from routing.models import Case, CaseEvent, DeadlineAction
from routing.services.workflow import case_accept
from tests.feedback.helpers import form_data
from tests.processes import (
    PrivateRedis,
    process_env,
    start_worker,
    stop,
    wait_for_worker,
    wait_until,
)
from tests.routing.helpers import PHONE, make_case
from tests.web import Web

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r'id="tracking-code">(KL-\d{4}-[A-Z2-9]{4})<')


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_down_at_submit_loses_nothing(site_code, site, redis, tmp_path, postgresql):
    env = process_env(REDIS_URL=redis.url)
    web = Web(env)
    worker = None
    try:
        assert web.get("/healthz")[0] == 200
        redis.stop()
        assert web.get("/healthz")[0] == 503  # the broker is reported down...

        fields = form_data(site.area, contact_phone=PHONE, consent="on", contact_preference="sms")
        status, receipt = web.post_form(site_code.get_absolute_url(), fields)
        # ...and still the resident gets a receipt with a tracking code.
        assert status == 200, receipt[:3000]
        code = CODE.search(receipt).group(1)
        submission = Submission.objects.get(tracking_code=code)
        sms = Notification.objects.get(submission=submission)
        assert sms.state == "pending" and sms.attempts == 0

        # The broker comes back; a worker with its beat picks up what waited in the outbox.
        redis.start()
        Notification.objects.filter(pk=sms.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)  # the sweep's one-minute grace
        )
        worker_env = {**env, "RESEND_NOTIFICATIONS_EVERY_SECONDS": "1"}
        worker_env["OPEN_CASES_EVERY_SECONDS"] = "1"
        worker = start_worker(
            name=f"faults-{os.getpid()}@localhost",
            queue=",".join(queue_names()),
            env=worker_env,
            extra=["--beat", "--schedule", str(tmp_path / "beat-schedule")],
        )
        wait_until(
            lambda: Notification.objects.get(pk=sms.pk).state == "sent",
            timeout=90,
            what="the outbox sweep to send the SMS",
        )
        submission.refresh_from_db()
        wait_until(
            lambda: Submission.objects.get(pk=submission.pk).case_id is not None,
            timeout=30,
            what="the case sweep to open the case",
        )
        status, tracking = web.get(f"/track/{code}/{submission.secret}/")
        assert status == 200 and code in tracking
        assert Notification.objects.get(pk=sms.pk).attempts == 1  # sent once
    finally:
        output = web.stop()
        if worker:
            stop(worker)
    assert "Traceback" not in output, output[-4000:]


def test_a_worker_killed_mid_task_runs_it_again_and_acts_once(
    site, committee_staff, unit_staff, categories, redis, postgresql
):
    made = make_case(site, committee_staff, unit_staff.official.unit)  # due 16 November 2026
    case_accept(case_id=made.pk, actor=unit_staff)
    name = f"faults-kill-{os.getpid()}@localhost"
    worker = start_worker(
        name=name,
        queue=",".join(queue_names()),
        env=process_env(REDIS_URL=redis.url),
        pool="prefork",
    )
    client = Celery("faults", broker=redis.url, backend=redis.url)
    client.conf.update(task_serializer="json", accept_content=["json"], result_extended=False)
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    try:
        wait_for_worker(worker, name, app=client)
        # Hold the case's row so that the sweep blocks in the middle: its first action on the
        # case waits for the row (at the commit that checks the event's foreign key).
        holder.execute("SELECT id FROM routing_case WHERE id = %s FOR UPDATE", [made.pk])
        result = client.send_task("routing.tasks.deadline_sweep_task", queue="sweeps")
        wait_until(lambda: _waiting_on_a_lock() == 1, timeout=60, what="the sweep to block")
        [child] = _children(worker.pid)
        os.kill(child, 9)  # SIGKILL: no clean-up, the task's message is not acknowledged
        holder.rollback()  # let go of the row; whatever the killed task left half done is
        counts = result.get(timeout=90)  # rolled back or committed whole, never doubled
    finally:
        holder.close()
        output = stop(worker)
    # The message was not acknowledged, so the task ran again in a new pool process...
    assert "WorkerLostError" in output
    assert output.count(f"deadline_sweep_task[{result.id}] received") == 2
    assert counts["escalated"] == 1
    # ...and every action happened exactly once across the two runs.
    assert Case.objects.get(pk=made.pk).supervision == "requested"
    assert DeadlineAction.objects.filter(case=made, action="escalated").count() == 1
    for kind in ("due", "overdue", "escalated"):
        assert CaseEvent.objects.filter(case=made, kind=kind).count() == 1


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(line) for line in out.stdout.split()]


def test_a_postgresql_restart_costs_no_failed_request(site, postgresql):
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    web = Web(process_env(REDIS_URL=None, CONN_MAX_AGE=600))
    try:
        site_page = site.get_absolute_url()
        assert web.get("/healthz")[0] == 200
        assert web.get(site_page)[0] == 200  # gunicorn now holds a persistent connection
        connection.close()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
        )
        wait_until(
            lambda: (
                subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0
            ),
            timeout=60,
            what="PostgreSQL to accept connections again",
        )
        # The very next requests succeed: the stale connection is checked and replaced.
        assert web.get(site_page)[0] == 200
        assert web.get("/healthz")[0] == 200
    finally:
        output = web.stop()
    assert output.count("Booting worker") == 1  # the same gunicorn worker served throughout
    assert "Traceback" not in output, output[-4000:]
