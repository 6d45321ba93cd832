"""Residents told by SMS about their case (the outbox is ``notifications``)."""

from notifications.models import Notification
from notifications.services import notification_enqueue


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
