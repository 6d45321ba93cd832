"""Revealing a resident's contact details to an official who must contact them."""

from django.core.exceptions import PermissionDenied

from common import crypto
from feedback.models import ContactAccess, Submission


def submission_contact_reveal(*, submission: Submission, user) -> dict:
    """Decrypt the contact details of ``submission`` for ``user`` and log that they saw them.

    The caller has checked that ``user`` may see the submission (its scoped fetcher). Refused
    when the resident gave no consent or the details were purged. Returns name, phone and the
    resident's preferred way to be contacted.
    """
    if not submission.has_contact or submission.consent_at is None or submission.contact_purged_at:
        raise PermissionDenied
    ContactAccess.objects.create(submission=submission, user=user)
    return {
        "name": crypto.decrypt(submission.contact_name_encrypted),
        "phone": crypto.decrypt(submission.contact_phone_encrypted),
        "preference": submission.get_contact_preference_display(),
    }
