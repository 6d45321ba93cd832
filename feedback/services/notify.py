"""Residents told by SMS about their case: the receipt is sent by ``submission_create``; a
reply by the receiver of ``routing.signals.case_replied`` (connected in ``FeedbackConfig``)."""

from feedback.models import ContactPreference
from notifications.models import Notification
from notifications.services import notification_enqueue


def notify_submitters(*, case, template: str) -> list[Notification]:
    """An SMS to each submitter of ``case`` who gave a number and chose SMS."""
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


def notify_submitters_of_reply(sender, *, case, **kwargs) -> None:
    """Receiver of ``case_replied``: the residents of ``case`` read that there is a reply."""
    notify_submitters(case=case, template="case_replied")
