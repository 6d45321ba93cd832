"""Delivery backends for outbox rows. Each renders the message in the recipient's language
(the caller has activated it) and must never log personal data: ids and template keys only."""

import logging

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger("liaison.notifications")


def render_sms(notification) -> str:
    """The text of a resident SMS, with the tracking code (not personal data)."""
    submission = notification.submission
    texts = {
        "submission_received": _(
            "Your opinion has been received. Tracking code %(code)s, key %(secret)s: follow it at %(url)s"
        ),
        "case_replied": _(
            "There is a reply to your opinion %(code)s. Please read it and tell us whether you are satisfied: %(url)s"
        ),
    }
    return texts[notification.template] % {
        "code": submission.tracking_code,
        "secret": submission.secret,
        "url": f"{settings.PUBLIC_BASE_URL}/track/",
    }


class ConsoleSMSBackend:
    """Default SMS backend: renders the message and logs that it was 'sent' (ids only)."""

    def send(self, notification) -> None:
        message = render_sms(notification)
        logger.info(
            "sms notification=%s template=%s submission=%s chars=%s",
            notification.pk,
            notification.template,
            notification.submission_id,
            len(message),
        )


class EmailBackend:
    def send(self, notification) -> None:  # staff e-mail arrives with the routing issue
        logger.info("email notification=%s template=%s", notification.pk, notification.template)


class InAppBackend:
    def send(self, notification) -> None:
        logger.info("in-app notification=%s template=%s", notification.pk, notification.template)
