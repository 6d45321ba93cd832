"""Creating a submission: the resident's form and the representative's log both end here."""

import contextlib
import secrets
import uuid
from dataclasses import dataclass

from celery import current_app
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common import crypto
from feedback.models import (
    CODE_ALPHABET,
    Channel,
    ContactPreference,
    PendingPhoto,
    Submission,
    SubmissionPhoto,
)
from notifications.models import Notification
from notifications.services import notification_enqueue


@dataclass(frozen=True)
class IntakeSource:
    """Where a submission came from: the channel and the code, site or person behind it."""

    channel: str
    qr_code: object = None
    placement: object = None
    site: object = None
    representative: object = None
    reception_day: object = None
    logged_by: object = None
    partner: str = ""  # the partner channel's name, for Channel.PARTNER (the Open311 API)

    @classmethod
    def from_token(cls, resolved, channel: str | None = None) -> "IntakeSource":
        """The source of a form opened from a code; ``channel`` overrides the one the code
        implies (the plain link on a site's page)."""
        code = resolved.code
        if channel is None:
            if resolved.placement is not None:
                channel = Channel.PLACEMENT
            elif code.site_id:
                channel = Channel.SITE_QR
            else:
                channel = Channel.REPRESENTATIVE_QR
        return cls(
            channel=channel,
            qr_code=code,
            placement=resolved.placement,
            site=code.site,
            representative=code.representative,
        )


def new_tracking_code(now=None) -> str:
    """``KL-<yymm>-<4 characters>``, e.g. KL-2611-7Q4M: month of intake plus four unambiguous
    characters."""
    now = timezone.localtime(now)
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
    return f"KL-{now:%y%m}-{tail}"


def submission_create(
    *,
    key: uuid.UUID,
    source: IntakeSource,
    area_id: int,
    text: str,
    request_type: str,
    category_id: int | None = None,
    address_line: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_preference: str = ContactPreference.NONE,
    consent: bool = False,
    language: str = "zh-hans",
    collected_on=None,
    photos=(),
    pending_photos=(),
) -> tuple[Submission, bool]:
    """Store one opinion and have its case opened; returns ``(submission, created)``.

    The request stays lean: one INSERT (plus one per photo). Opening or joining the case
    (classification) runs after commit in a worker, or in-process when Celery is embedded
    (``feedback.services.cases``).

    ``area_id`` and ``category_id`` were validated by the form. Idempotent on ``key``: the same key again (double tap, retry, resubmit, or two requests
    racing) returns the first submission with ``created=False`` and writes nothing. ``photos``
    are already-cleaned files (``feedback.photos.clean_photo``); ``pending_photos`` are photos
    kept from an earlier failed attempt of the same form. Sends the receipt SMS (after commit)
    when the resident gave a number and chose SMS. Callers: intake and logging views, the
    Open311 API.
    """
    # No look-up first: the unique key decides (one query less on every submission).
    fields = {
        "key": key,
        "source": source,
        "area_id": area_id,
        "text": text,
        "request_type": request_type,
        "category_id": category_id,
        "address_line": address_line,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_preference": contact_preference,
        "consent": consent,
        "language": language,
        "collected_on": collected_on,
        "photos": photos,
        "pending_photos": pending_photos,
    }
    # A lone INSERT is atomic by itself; a transaction is only needed when more rows are
    # written with it (photos, an SMS, the case in embedded mode). This saves two round trips
    # (BEGIN, COMMIT) on the usual submission.
    single_row = not (photos or pending_photos or _wants_sms(contact_phone, contact_preference))
    single_row = single_row and not current_app.conf.task_always_eager
    # Inside a caller's transaction, a failed INSERT needs a savepoint to roll back to.
    single_row = single_row and not connection.in_atomic_block
    for _attempt in range(5):
        tracking_code = new_tracking_code()
        try:
            with contextlib.nullcontext() if single_row else transaction.atomic():
                return _create(tracking_code=tracking_code, **fields), True
        except IntegrityError:
            existing = Submission.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
            if not Submission.objects.filter(tracking_code=tracking_code).exists():
                raise  # not a collision: a real integrity problem must not be retried
            # A tracking-code collision (1 in ~900,000 per month): draw again.
    raise RuntimeError("Could not draw a unique tracking code")


def _wants_sms(phone: str, preference: str) -> bool:
    return bool(phone) and preference == ContactPreference.SMS


def _create(
    *,
    tracking_code,
    key,
    source,
    area_id,
    text,
    request_type,
    category_id,
    address_line,
    contact_name,
    contact_phone,
    contact_preference,
    consent,
    language,
    collected_on,
    photos,
    pending_photos,
) -> Submission:
    has_contact = bool(contact_name or contact_phone)
    submission = Submission.objects.create(
        tracking_code=tracking_code,
        idempotency_key=key,
        channel=source.channel,
        partner=source.partner,
        qr_code=source.qr_code,
        placement=source.placement,
        site=source.site,
        representative=source.representative,
        reception_day=source.reception_day,
        logged_by=source.logged_by,
        area_id=area_id,
        address_line=address_line,
        text=text,
        request_type=request_type,
        category_id=category_id,
        contact_name_encrypted=crypto.encrypt(contact_name),
        contact_phone_encrypted=crypto.encrypt(contact_phone),
        contact_phone_masked=crypto.mask_phone(contact_phone) if contact_phone else "",
        contact_phone_hash=crypto.phone_hash(contact_phone),
        contact_name_hash=crypto.name_hash(contact_name),
        contact_preference=contact_preference if contact_phone else ContactPreference.NONE,
        consent_at=timezone.now() if has_contact and consent else None,
        language=language,
        collected_on=collected_on,
    )
    position = 0
    for pending in pending_photos:
        SubmissionPhoto.objects.create(
            submission=submission, image=pending.image.name, position=position
        )
        position += 1
    for photo in photos:
        SubmissionPhoto.objects.create(submission=submission, image=photo, position=position)
        position += 1
    if pending_photos:
        PendingPhoto.objects.filter(pk__in=[p.pk for p in pending_photos]).delete()
    if _wants_sms(contact_phone, submission.contact_preference):
        notification_enqueue(
            channel=Notification.Channel.SMS,
            template="submission_received",
            submission=submission,
            language=language,
        )
    from feedback.services.cases import submission_case_schedule

    submission_case_schedule(submission)
    return submission
