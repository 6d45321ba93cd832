"""Delivery backends for outbox rows. Each renders the message in the recipient's language
(the caller has activated it) and must never log personal data: ids and template keys only."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger("liaison.notifications")


class PermanentDeliveryError(Exception):
    """Retrying cannot help (the gateway refused the message, or there is no number): the
    outbox marks the row failed at once, for an administrator to look at."""


class GatewayUnavailable(Exception):
    """The gateway did not take the message this time (5xx, 429, timeout, no connection):
    the outbox retries with backoff."""


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


class HTTPGatewaySMSBackend:
    """A generic SMS gateway: one JSON POST per message to ``SMS_GATEWAY_URL``.

    Body: ``{"to": number, "message": text, "reference": "liaison-notification-<id>"}``; the
    reference is also sent as ``Idempotency-Key`` so a gateway can drop the duplicate of a
    retried request. ``SMS_GATEWAY_TOKEN``, when set, goes in ``Authorization: Bearer``.
    A 2xx answer is delivery; 408, 429 and 5xx, timeouts and refused connections are retried;
    any other answer is permanent. Logs the notification id and the status code only.
    """

    def send(self, notification) -> None:
        from common import crypto

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


def staff_notice(template: str, case) -> str:
    """One line telling staff, a unit or a representative what a case needs from them."""
    reference = case.reference if case else ""
    texts = {
        "case_to_review": _("Case %(ref)s waits for committee review."),
        "case_dispatched": _("Case %(ref)s was sent to your unit. Please accept or return it."),
        "case_returned": _("Case %(ref)s was returned by the unit and needs routing again."),
        "case_responded": _("The result of case %(ref)s was reported and needs checking."),
        "case_sent_back": _("The result of case %(ref)s was sent back: more is needed."),
        "case_to_reply": _("Case %(ref)s waits for your direct reply."),
        "case_supervised": _("You supervise case %(ref)s."),
        "case_supervision_requested": _(
            "Supervision of case %(ref)s was asked for: name a supervisor (待督办)."
        ),
        "extension_requested": _("An extension was asked for case %(ref)s."),
        "extension_decided": _("The extension request for case %(ref)s was decided."),
        "case_replied": _("Case %(ref)s was replied to."),
        "deadline_resolve_reminded": _("Case %(ref)s is due soon: please resolve it in time."),
        "deadline_resolve_due": _("The deadline of case %(ref)s has passed."),
        "deadline_resolve_overdue": _("Case %(ref)s is overdue."),
        "deadline_resolve_escalated": _(
            "Case %(ref)s is still open after the grace period: supervision is asked for, "
            "name a supervisor (待督办)."
        ),
        "deadline_acknowledge_overdue": _("Case %(ref)s was not accepted in time."),
    }
    return texts.get(template, _("Case %(ref)s was updated.")) % {"ref": reference}


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
