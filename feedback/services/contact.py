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


def contact_hashes_recompute(submissions=Submission.objects, *, batch: int = 1000) -> int:
    """Recompute the phone and name look-up hashes of every submission that holds contact
    details (after ``CONTACT_LOOKUP_KEY`` or ``SECRET_KEY`` changed; the migration that added
    them passes its historical model's manager). One read and one bulk update per batch."""
    rows = submissions.exclude(contact_phone_encrypted="", contact_name_encrypted="")
    done, last = 0, 0
    while chunk := list(
        rows.filter(pk__gt=last)
        .order_by("pk")
        .only("pk", "contact_name_encrypted", "contact_phone_encrypted")[:batch]
    ):
        for s in chunk:
            s.contact_phone_hash = crypto.phone_hash(crypto.decrypt(s.contact_phone_encrypted))
            s.contact_name_hash = crypto.name_hash(crypto.decrypt(s.contact_name_encrypted))
        submissions.bulk_update(chunk, ["contact_phone_hash", "contact_name_hash"])
        done += len(chunk)
        last = chunk[-1].pk
    return done
