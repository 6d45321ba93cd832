"""The outbox: notifications are rows first, written in the caller's transaction, delivered by a
Celery task after commit. Only ids travel in task arguments."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from routing.models import Notification

logger = logging.getLogger(__name__)


def notification_enqueue(**fields) -> Notification:
    """Write one outbox row and schedule its delivery for after the commit."""
    notification = Notification.objects.create(**fields)
    transaction.on_commit(lambda: _send_later(notification.pk))
    return notification


def _send_later(notification_id: int) -> None:
    from routing.tasks import deliver_notification_task

    try:
        deliver_notification_task.delay(notification_id)
    except Exception:  # noqa: BLE001 - the broker is down: the row stays pending for the sweep
        logger.warning(
            "notification %s queued in outbox only (broker unavailable)", notification_id
        )


def notify_submitters(*, case, template: str) -> list[Notification]:
    """An SMS to each submitter of ``case`` who gave a number and chose SMS."""
    from feedback.models import ContactPreference

    return [
        notification_enqueue(
            channel=Notification.Channel.SMS,
            template=template,
            submission=submission,
            case=case,
            language=submission.language,
        )
        for submission in case.submissions.filter(
            contact_preference=ContactPreference.SMS, contact_purged_at__isnull=True
        ).exclude(contact_phone_encrypted="")
    ]


def notification_deliver(notification_id: int) -> bool:
    """Deliver one pending notification; True if sent. Claimed by compare-and-swap so that two
    workers never send the same row twice. Called by ``deliver_notification_task`` only."""
    claimed = Notification.objects.filter(
        pk=notification_id, state=Notification.State.PENDING
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("submission", "case").get(pk=notification_id)
    backend = import_string(_backend_path(notification.channel))()
    with translation.override(notification.language):
        try:
            backend.send(notification)
        except Exception as exc:
            Notification.objects.filter(pk=notification_id).update(
                last_error=type(exc).__name__[:200]
            )
            raise
    Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).update(
        state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _backend_path(channel: str) -> str:
    from django.conf import settings

    return {
        Notification.Channel.SMS: settings.SMS_BACKEND,
        Notification.Channel.EMAIL: "routing.notify_backends.EmailBackend",
        Notification.Channel.IN_APP: "routing.notify_backends.InAppBackend",
    }[channel]
