"""The outbox: notifications are rows first, written in the caller's transaction, delivered by a
Celery task after commit (``notifications.delivery``). Only ids travel in task arguments.
Callers: every app that tells someone something (cases, intake, the deadline sweep)."""

import functools
import logging

from django.db import transaction

from notifications.models import Notification
from notifications.tasks import deliver_notification_task

logger = logging.getLogger(__name__)


def notification_enqueue(**fields) -> Notification:
    """Write one outbox row and schedule its delivery for after the commit."""
    notification = Notification.objects.create(**fields)
    transaction.on_commit(lambda: _send_later(notification.pk))
    return notification


def notify_users(*, users, case, template: str, note: str = "") -> int:
    """An in-app notice for each user (their inbox), plus an e-mail where they have an address.

    ``note`` is quoted in the inbox only, not in the e-mail. Rows are written in the caller's
    transaction; e-mails go out after commit (outbox)."""
    users = list(users.only("pk", "email").distinct())
    Notification.objects.bulk_create(
        Notification(
            channel=Notification.Channel.IN_APP,
            template=template,
            user=user,
            case=case,
            note=note,
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
    try:
        deliver_notification_task.delay(notification_id)
    except Exception:  # noqa: BLE001 - the broker is down: the row stays pending for the sweep
        logger.warning(
            "notification %s queued in outbox only (broker unavailable)", notification_id
        )


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
            transaction.on_commit(functools.partial(_send_later, notification_id))
    return len(failed)
