"""The outbox: notifications are rows first, written in the caller's transaction, delivered by a
Celery task after commit. Only ids travel in task arguments. Callers: every app that tells
someone something (cases, intake, the deadline sweep)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications.backends import GatewayUnavailable, PermanentDeliveryError
from notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_enqueue(**fields) -> Notification:
    """Write one outbox row and schedule its delivery for after the commit."""
    notification = Notification.objects.create(**fields)
    transaction.on_commit(lambda: _send_later(notification.pk))
    return notification


def notify_users(*, users, case, template: str) -> int:
    """An in-app notice for each user (their inbox), plus an e-mail where they have an address.

    Rows are written in the caller's transaction; e-mails go out after commit (outbox)."""
    users = list(users.only("pk", "email").distinct())
    Notification.objects.bulk_create(
        Notification(
            channel=Notification.Channel.IN_APP,
            template=template,
            user=user,
            case=case,
            state=Notification.State.SENT,
        )
        for user in users
    )
    for user in users:
        if user.email:
            notification_enqueue(
                channel=Notification.Channel.EMAIL, template=template, user=user, case=case
            )
    return len(users)


def _send_later(notification_id: int) -> None:
    from notifications.tasks import deliver_notification_task  # the task calls this module

    try:
        deliver_notification_task.delay(notification_id)
    except Exception:  # noqa: BLE001 - the broker is down: the row stays pending for the sweep
        logger.warning(
            "notification %s queued in outbox only (broker unavailable)", notification_id
        )


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


def notifications_send_again(ids) -> int:
    """Put failed rows (the dead letter) back in the outbox with a fresh set of attempts and
    queue their delivery; rows in any other state are left alone. Called by the admin action
    after an administrator fixed the cause (a gateway setting, a number). Returns how many."""
    with transaction.atomic():
        failed = list(
            Notification.objects.select_for_update()
            .filter(pk__in=ids, state=Notification.State.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=failed).update(
            state=Notification.State.PENDING, attempts=0, claimed_at=None
        )
        for notification_id in failed:
            transaction.on_commit(lambda pk=notification_id: _send_later(pk))
    return len(failed)


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
    from django.conf import settings

    return {
        Notification.Channel.SMS: settings.SMS_BACKEND,
        Notification.Channel.EMAIL: "notifications.backends.EmailBackend",
        Notification.Channel.IN_APP: "notifications.backends.InAppBackend",
    }[channel]
