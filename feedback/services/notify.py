"""Residents told by SMS about their case: the receipt is sent by ``submission_create``; a
reply by the receiver of ``routing.signals.case_replied`` (connected in ``FeedbackConfig``)."""

from django.db import transaction

from feedback.models import ContactPreference, Submission
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


def receipt_sms_offer(submission: Submission) -> bool:
    """Whether the receipt offers to text the tracking link: a number was given (and not yet
    purged) and no receipt SMS went out for it."""
    return bool(
        submission.contact_phone_encrypted
        and submission.contact_purged_at is None
        and submission.contact_preference != ContactPreference.SMS
    )


@transaction.atomic
def receipt_sms_send(*, submission_id: int) -> bool:
    """The resident asked, on the receipt, for the tracking link by SMS: once per submission
    (a second press sends nothing). Returns whether one was queued."""
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    if not receipt_sms_offer(submission):
        return False
    already = Notification.objects.filter(
        submission=submission, channel=Notification.Channel.SMS, template="submission_received"
    ).exists()
    if already:
        return False
    notification_enqueue(
        channel=Notification.Channel.SMS,
        template="submission_received",
        submission=submission,
        language=submission.language,
    )
    return True
