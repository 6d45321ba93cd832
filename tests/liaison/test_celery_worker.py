"""A real Celery worker process consumes a task from Redis (CI's PostgreSQL + Redis run)."""

import os

import pytest

from liaison.queues import QUEUES
from liaison.tasks import ping_task
from tests.processes import process_env, start_worker, stop, wait_for_worker

# Queues of this test run's own, so that no other worker on the same Redis takes its tasks.
PREFIX = f"test-{os.getpid()}-"
WORKER = f"ci-{os.getpid()}@localhost"


def _worker(settings, queues):
    env = process_env(REDIS_URL=settings.REDIS_URL, CELERY_QUEUE_PREFIX=PREFIX)
    proc = start_worker(name=WORKER, queue=",".join(PREFIX + q for q in queues), env=env)
    wait_for_worker(proc, WORKER)
    return proc


@pytest.fixture
def prefixed_queues():
    from liaison.celery import app

    previous = app.conf.get("queue_prefix", "")
    app.conf.queue_prefix = PREFIX
    yield
    app.conf.queue_prefix = previous


@pytest.fixture
def celery_worker_process(settings, prefixed_queues):
    proc = _worker(settings, QUEUES)
    yield proc
    stop(proc)


def _get(result, proc, timeout=90):
    from celery.exceptions import TimeoutError as CeleryTimeout

    try:
        return result.get(timeout=timeout)
    except CeleryTimeout:
        pytest.fail(f"no result from the worker; its output:\n{stop(proc)}")


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
    from feedback.tasks import open_pending_cases_task
    from representatives.services.qr import qr_code_create
    from representatives.services.reference import LoadReport
    from routing.services.reference import categories_load
    from tests.feedback.helpers import form_data

    categories_load(LoadReport())
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


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_briefing_waiting_on_its_queue_does_not_delay_opening_a_case(
    settings, prefixed_queues, site, client
):
    """Only an intake worker runs: the case is opened while the quarterly briefing sent just
    before it still waits on the reports queue (issue 16.4)."""
    import redis

    from feedback.tasks import open_pending_cases_task
    from reports.tasks import compile_quarterly_briefing_task
    from representatives.services.qr import qr_code_create
    from representatives.services.reference import LoadReport
    from routing.services.reference import categories_load
    from tests.feedback.helpers import form_data

    categories_load(LoadReport())
    code = qr_code_create(site=site)
    assert client.post(code.get_absolute_url(), form_data(site.area)).status_code == 302
    proc = _worker(settings, ["intake"])
    try:
        briefing = compile_quarterly_briefing_task.delay()
        opened = open_pending_cases_task.delay()
        assert _get(opened, proc) == 1
        assert briefing.state == "PENDING"
        queued = redis.Redis.from_url(settings.REDIS_URL).llen(PREFIX + "reports")
        assert queued == 1
    finally:
        stop(proc)
        redis.Redis.from_url(settings.REDIS_URL).delete(PREFIX + "reports")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_reports_queue_compiles_the_draft_staff_asked_for(
    settings, prefixed_queues, client, committee_staff, areas
):
    """The compile button only marks the draft and queues the task; the reports worker
    compiles it and the draft page then shows the figures (issue 16)."""
    from reports.models import Briefing
    from tests.processes import wait_until

    client.force_login(committee_staff)
    response = client.post("/reports/briefings/compile/", {"period": "2026Q3", "area": areas[0].pk})
    briefing = Briefing.objects.get()
    assert response["Location"] == f"/reports/briefings/{briefing.pk}/"
    assert "正在根据当前办件数据汇总" in client.get(response["Location"]).text
    proc = _worker(settings, ["reports"])
    try:
        wait_until(lambda: not Briefing.objects.get().compiling, timeout=90)
    except pytest.fail.Exception:
        pytest.fail(f"the draft was not compiled; the worker printed:\n{stop(proc)}")
    finally:
        stop(proc)
    briefing.refresh_from_db()
    assert briefing.compiled_at and briefing.compiled_by == committee_staff
    assert "一、总体情况" in client.get(f"/reports/briefings/{briefing.pk}/").text
