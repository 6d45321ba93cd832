"""Delivery backends for outbox rows. Each renders the message in the recipient's language
(the caller has activated it) and must never log personal data: ids and template keys only."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

from common import crypto
from notifications.messages import render_sms, staff_notice

logger = logging.getLogger("liaison.notifications")


class PermanentDeliveryError(Exception):
    """Retrying cannot help (the gateway refused the message, or there is no number): the
    outbox marks the row failed at once, for an administrator to look at."""


class GatewayUnavailable(Exception):
    """The gateway did not take the message this time (5xx, 429, timeout, no connection):
    the outbox retries with backoff."""


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


class HTTPGatewaySMSBackend:
    """A generic SMS gateway: one JSON POST per message to ``SMS_GATEWAY_URL``.

    Body: ``{"to": number, "message": text, "reference": "liaison-notification-<id>"}``; the
    reference is also sent as ``Idempotency-Key`` so a gateway can drop the duplicate of a
    retried request. ``SMS_GATEWAY_TOKEN``, when set, goes in ``Authorization: Bearer``.
    A 2xx answer is delivery; 408, 429 and 5xx, timeouts and refused connections are retried;
    any other answer is permanent. Logs the notification id and the status code only.
    """

    def send(self, notification) -> None:
        submission = notification.submission
        if submission is None or not submission.contact_phone_encrypted:
            raise PermanentDeliveryError("no number")
        reference = f"liaison-notification-{notification.pk}"
        body = json.dumps(
            {
                "to": crypto.decrypt(submission.contact_phone_encrypted),
                "message": render_sms(notification),
                "reference": reference,
            },
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": reference}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        request = urllib.request.Request(  # noqa: S310 - the URL is operator configuration
            settings.SMS_GATEWAY_URL, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_GATEWAY_TIMEOUT
            ) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, TimeoutError) as exc:  # refused, reset, DNS, timeout
            logger.warning("sms gateway unreachable notification=%s", notification.pk)
            raise GatewayUnavailable(type(exc).__name__) from exc
        logger.info("sms gateway notification=%s status=%s", notification.pk, status)
        if 200 <= status < 300:
            return
        if status in (408, 429) or status >= 500:
            raise GatewayUnavailable(f"HTTP {status}")
        raise PermanentDeliveryError(f"HTTP {status}")


class EmailBackend:
    """Staff e-mail: one line and a link, in the language the caller activated."""

    def send(self, notification) -> None:
        from django.core.mail import send_mail

        user = notification.user
        if user is None or not user.email:
            return
        line = staff_notice(notification.template, notification.case)
        send_mail(
            subject=line,
            message=f"{line}\n\n{settings.PUBLIC_BASE_URL}/inbox/",
            from_email=None,
            recipient_list=[user.email],
        )
        logger.info("email notification=%s template=%s", notification.pk, notification.template)


class InAppBackend:
    def send(self, notification) -> None:
        logger.info("in-app notification=%s template=%s", notification.pk, notification.template)
