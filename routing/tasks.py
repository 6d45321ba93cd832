"""Thin task adapters: ids in, a service call, safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


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
