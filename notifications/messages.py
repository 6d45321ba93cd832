"""The words of every notification template: a resident's SMS (with the tracking code, not
personal data) and the one line staff read in their inbox and e-mail. Rendered in the
language the caller activated (the recipient's)."""

from django.conf import settings
from django.utils.translation import gettext as _

from common.crypto import one_time_code


def render_sms(notification) -> str:
    """The text of a resident SMS, with the tracking code (not personal data), or the one-time
    code of 我的意见 (derived from the row's seed, never stored)."""
    if notification.template == "lookup_code":
        return _(
            "Your code is %(code)s (valid for 10 minutes) to see the opinions you sent. If you did not ask for it, ignore this message."
        ) % {"code": one_time_code(notification.note)}
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
        "case_reopened_by_rating": _(
            "The resident is not satisfied with the reply to case %(ref)s: it is reopened to be "
            "handled again."
        ),
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
