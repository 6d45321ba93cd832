"""Which Celery queue each task goes to: one definition, read by the router (settings'
``CELERY_TASK_ROUTES``), the workers' commands (docs/operations.md) and the tests.

- ``intake``: what a resident waits for (opening cases, sending notifications); never behind
  a briefing.
- ``sweeps``: the periodic sweeps over many rows (deadlines, retention, housekeeping).
- ``reports``: long computations (the briefing, the dashboards' roll-up, retraining the
  classifier).

``CELERY_QUEUE_PREFIX`` puts a deployment's queues apart from another's on a shared Redis
(several cities on one broker; the tests' own workers).
"""

QUEUES: dict[str, tuple[str, ...]] = {
    "intake": (
        "feedback.tasks.open_pending_cases_task",
        "notifications.tasks.deliver_notification_task",
        "notifications.tasks.resend_notifications_task",
        "liaison.tasks.ping_task",
    ),
    "sweeps": (
        "routing.tasks.deadline_sweep_task",
        "feedback.tasks.clean_pending_photos_task",
        "feedback.tasks.contact_details_purge_task",
        "representatives.tasks.audit_log_purge_task",
    ),
    "reports": (
        "reports.tasks.compile_quarterly_briefing_task",
        "reports.tasks.compile_requested_briefings_task",
        "reports.tasks.refresh_report_counts_task",
        "routing.tasks.retrain_classifier_task",
    ),
}
QUEUE_OF = {task: queue for queue, tasks in QUEUES.items() for task in tasks}


def queue_names(prefix: str = "") -> list[str]:
    """Every queue, as a worker's ``-Q`` wants them."""
    return [prefix + queue for queue in QUEUES]


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery's router: the task's queue under this deployment's prefix (None: Celery's
    default queue, for a task not listed, which a test forbids)."""
    from celery import current_app

    queue = QUEUE_OF.get(name)
    if queue is None:
        return None
    return {"queue": current_app.conf.get("queue_prefix", "") + queue}
