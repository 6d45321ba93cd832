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
            f"ci-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis(celery_worker_process, areas):
    from celery import current_app

    assert not current_app.conf.task_always_eager
    result = ping_task.delay()
    deadline = time.monotonic() + 60
    while not result.ready() and time.monotonic() < deadline:
        assert celery_worker_process.poll() is None, celery_worker_process.stdout.read().decode()
        time.sleep(0.2)
    # The worker saw the rows this test committed: it used the same database, through Redis.
    assert result.get(timeout=1) == {"pong": True, "areas": 4}


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
    assert result.get(timeout=60) == 1
    submission.refresh_from_db()
    assert submission.case.status == "new"
    assert submission.case.events.filter(kind="received", is_public=True).exists()
    tracking = client.get(f"/track/{submission.tracking_code}/{submission.secret}/")
    assert tracking.status_code == 200
