"""Thin task adapters: ids in, a service call, safe to run twice."""

import logging

from celery import shared_task

from routing.selectors import submission_ids_without_case
from routing.services.intake import case_open_for_submission

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def open_pending_cases_task() -> int:
    """Beat sweep: open the cases of new submissions, in batches until none is left.

    Each submission is locked while its case is opened and skipped if it already has one,
    so overlapping sweeps (two beats, a retry) open each case once.
    """
    opened, failed = 0, set()
    while ids := [i for i in submission_ids_without_case() if i not in failed]:
        for submission_id in ids:
            try:
                opened += case_open_for_submission(submission_id) is not None
            except Exception:
                # One bad row must not block every submission after it.
                logger.exception("could not open the case of submission %s", submission_id)
                failed.add(submission_id)
        if len(ids) < 500:
            break
    return opened


@shared_task(acks_late=True)
def deadline_sweep_task() -> dict[str, int]:
    """Beat sweep: reminders, deadline notices, overdue flags and escalations, each once per
    case and deadline (safe to run twice, or twice at once)."""
    from routing.services.deadlines import deadline_sweep

    counts = deadline_sweep()
    logger.info("deadline sweep %s", counts)
    return counts


@shared_task(acks_late=True)
def retrain_classifier_task() -> int | None:
    """Beat, nightly: a new classifier model when enough staff decisions are new; returns its
    version (None: not due)."""
    from routing.services.classifier_training import classifier_retrain_if_due

    model = classifier_retrain_if_due()
    return model.pk if model else None
