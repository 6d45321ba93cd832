"""A real Celery worker process consumes a task from Redis (CI's PostgreSQL + Redis run)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from liaison.tasks import ping_task

ROOT = Path(__file__).resolve().parents[2]


QUEUE = f"test-{os.getpid()}"
WORKER = f"ci-{os.getpid()}@localhost"


@pytest.fixture
def celery_worker_process(settings):
    env = dict(os.environ)
    env["REDIS_URL"] = settings.REDIS_URL
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "liaison",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "-n",
            WORKER,
            "-Q",
            QUEUE,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # A queue of this test run's own, so that no other worker on the same Redis takes its tasks.
    from liaison.celery import app

    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = QUEUE
    _wait_until_ready(proc)
    yield proc
    app.conf.task_default_queue = previous_queue
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _wait_until_ready(proc, timeout=90):
    """Wait for this worker to answer a broadcast ping, as SETUP-NOTES advises."""
    from liaison.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("worker exited: " + proc.stdout.read().decode(errors="replace"))
        if app.control.ping(destination=[WORKER], timeout=1.0):
            return
    pytest.fail("worker did not answer a ping in time")


def _get(result, proc, timeout=90):
    from celery.exceptions import TimeoutError as CeleryTimeout

    try:
        return result.get(timeout=timeout)
    except CeleryTimeout:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
        pytest.fail(f"no result from the worker; its output:\n{output}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis(celery_worker_process, areas):
    from celery import current_app

    assert not current_app.conf.task_always_eager
    result = ping_task.delay()
    # The worker saw the rows this test committed: it used the same database, through Redis.
    assert _get(result, celery_worker_process) == {"pong": True, "areas": 4}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_opens_the_case_after_intake(celery_worker_process, site, client):
    """With a broker, the intake request only stores the submission; the beat sweep, run by a
    real worker, opens its case."""
    from feedback.models import Submission
    from representatives.services.qr import qr_code_create
    from representatives.services.seed import SeedReport, seed_categories
    from routing.tasks import open_pending_cases_task
    from tests.feedback.conftest import form_data

    seed_categories(SeedReport())
    code = qr_code_create(site=site)
    response = client.post(code.get_absolute_url(), form_data(site.area))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.case_id is None
    result = open_pending_cases_task.delay()
    assert _get(result, celery_worker_process) == 1
    submission.refresh_from_db()
    assert submission.case.status == "new"
    assert submission.case.events.filter(kind="received", is_public=True).exists()
    tracking = client.get(f"/track/{submission.tracking_code}/{submission.secret}/")
    assert tracking.status_code == 200
