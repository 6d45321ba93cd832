"""Delivering one outbox row, and finding the rows whose delivery was lost. Called by the
tasks only (``notifications.tasks``); everything else writes rows (``notifications.services``)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications.backends import GatewayUnavailable, PermanentDeliveryError
from notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = timedelta(minutes=10)


def notification_deliver(notification_id: int) -> bool:
    """Deliver one notification; True if sent by this call.

    Claimed by compare-and-swap (pending → sending), so two workers never send the same row.
    A failure puts it back to pending for a retry, or marks it failed (the dead letter, for an
    administrator) after the last attempt or when the backend says retrying cannot help.
    Called by ``deliver_notification_task`` only.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, state=Notification.State.PENDING
    ).update(state=Notification.State.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("submission", "case", "user").get(
        pk=notification_id
    )
    backend = import_string(_backend_path(notification.channel))()
    with translation.override(notification.language):
        try:
            backend.send(notification)
        except Exception as exc:
            final = notification.attempts >= MAX_ATTEMPTS or isinstance(exc, PermanentDeliveryError)
            Notification.objects.filter(pk=notification_id).update(
                state=Notification.State.FAILED if final else Notification.State.PENDING,
                last_error=_describe(exc),
            )
            raise
    Notification.objects.filter(pk=notification_id).update(
        state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _describe(exc: Exception) -> str:
    """What an administrator reads in ``last_error``: the kind of failure and the gateway's
    short reason (a status code), never a message body."""
    reason = str(exc) if isinstance(exc, PermanentDeliveryError | GatewayUnavailable) else ""
    return f"{type(exc).__name__}: {reason}"[:200] if reason else type(exc).__name__[:200]


def notification_ids_to_resend(*, limit: int = 500) -> list[int]:
    """Pending rows older than a minute (their task was lost or is retrying), and rows stuck
    in "sending" (a worker died mid-send), released back to pending first."""
    now = timezone.now()
    Notification.objects.filter(
        state=Notification.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(state=Notification.State.PENDING)
    return list(
        Notification.objects.filter(
            state=Notification.State.PENDING, created_at__lt=now - timedelta(minutes=1)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _backend_path(channel: str) -> str:
    paths: dict[str, str] = {
        Notification.Channel.SMS: settings.SMS_BACKEND,
        Notification.Channel.EMAIL: "notifications.backends.EmailBackend",
        Notification.Channel.IN_APP: "notifications.backends.InAppBackend",
    }
    return paths[channel]
