"""Every task goes to the queue of its kind of work (issue 16.4): intake, sweeps, reports."""

import pytest

from liaison.celery import app
from liaison.queues import QUEUE_OF, QUEUES, queue_names

pytestmark = pytest.mark.django_db


def queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


@pytest.fixture(autouse=True)
def _all_tasks_registered():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery


def test_every_task_has_a_queue():
    tasks = {name for name in app.tasks if not name.startswith("celery.")}
    assert tasks, "no task registered"
    assert not tasks - set(QUEUE_OF), "tasks without a queue in liaison/queues.py"
    assert not set(QUEUE_OF) - tasks, "liaison/queues.py names a task that does not exist"


@pytest.mark.parametrize(
    "task, queue",
    [
        ("feedback.tasks.open_pending_cases_task", "intake"),
        ("notifications.tasks.deliver_notification_task", "intake"),
        ("routing.tasks.deadline_sweep_task", "sweeps"),
        ("feedback.tasks.contact_details_purge_task", "sweeps"),
        ("reports.tasks.compile_quarterly_briefing_task", "reports"),
        ("reports.tasks.compile_requested_briefings_task", "reports"),
        ("reports.tasks.refresh_report_counts_task", "reports"),
        ("routing.tasks.retrain_classifier_task", "reports"),
    ],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    assert queue_of(task) == queue


def test_every_beat_entry_goes_to_a_queue_with_a_worker(settings):
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert queue_of(entry["task"]) in QUEUES


def test_a_prefix_keeps_a_deployment_apart_on_a_shared_broker():
    previous = app.conf.get("queue_prefix", "")
    app.conf.queue_prefix = "dushanzi-"
    try:
        assert queue_of("feedback.tasks.open_pending_cases_task") == "dushanzi-intake"
    finally:
        app.conf.queue_prefix = previous
    assert queue_names("dushanzi-") == ["dushanzi-intake", "dushanzi-sweeps", "dushanzi-reports"]
