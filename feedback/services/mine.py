"""我的意见: a resident lists their own opinions by the number they gave, after a one-time code
texted to it (issue 17.4). The answer to "send me a code" is the same for every number; only
a number that gave an opinion gets the text; codes expire, allow a few tries, work once."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common import crypto
from feedback.models import PhoneLookup, Submission
from notifications.models import Notification
from notifications.services import notification_enqueue

CODE_VALID = timedelta(minutes=10)
TRIES = 5
TEXTS_PER_NUMBER_PER_HOUR = 3
LIST_LIMIT = 50


def _with_number(phone_hash: str):
    return Submission.objects.filter(
        contact_phone_hash=phone_hash, contact_purged_at__isnull=True
    ).exclude(contact_phone_encrypted="")


@transaction.atomic
def phone_lookup_start(*, phone: str) -> PhoneLookup:
    """A look-up for ``phone`` (already a valid mobile number): the code is texted (through
    the outbox) when the number gave an opinion and has not had three texts this hour."""
    # Look-ups are kept a day (the per-number limit reads the last hour), then deleted.
    PhoneLookup.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    phone_hash = crypto.phone_hash(phone)
    latest = _with_number(phone_hash).order_by("-created_at").first()
    recent = PhoneLookup.objects.filter(
        phone_hash=phone_hash,
        submission__isnull=False,
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    send = latest is not None and recent < TEXTS_PER_NUMBER_PER_HOUR
    lookup = PhoneLookup.objects.create(phone_hash=phone_hash, submission=latest if send else None)
    if send:
        notification_enqueue(
            channel=Notification.Channel.SMS,
            template="lookup_code",
            submission=latest,
            note=lookup.seed,
            language=latest.language,
        )
    return lookup


def phone_lookup_verify(*, lookup_id: int, code: str) -> str | None:
    """The number's hash when ``code`` is right for this look-up (fresh, unused, within its
    tries; it is then spent); None otherwise, a try counted."""
    fresh = PhoneLookup.objects.filter(
        pk=lookup_id,
        used_at__isnull=True,
        attempts__lt=TRIES,
        created_at__gte=timezone.now() - CODE_VALID,
    )
    lookup = fresh.first()
    if lookup is None:
        return None
    right = lookup.submission_id is not None and crypto.constant_time_equal(
        crypto.one_time_code(lookup.seed), code.strip()
    )
    if not right:
        fresh.update(attempts=F("attempts") + 1)
        return None
    spent = fresh.update(used_at=timezone.now())
    return lookup.phone_hash if spent else None


def own_submissions(phone_hash: str) -> list[Submission]:
    """The opinions given with this number, newest first, with their case's status."""
    return list(
        _with_number(phone_hash)
        .select_related("case", "category")
        .only(
            "tracking_code",
            "secret",
            "text",
            "created_at",
            "case__status",
            "category__name",
        )
        .order_by("-created_at")[:LIST_LIMIT]
    )
