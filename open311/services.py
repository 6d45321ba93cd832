"""Partner channels' keys, and requests they send: one submission through the same service
and the same validation as the resident's form (``feedback.forms.IntakeForm``)."""

import hashlib
import secrets
import uuid

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from feedback.forms import IntakeForm
from feedback.models import Channel, Submission
from feedback.services.submit import IntakeSource, submission_create
from open311.models import ApiKey
from representatives.models import Area


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, channel: str) -> tuple[ApiKey, str]:
    """A new key for ``channel``; the raw key is returned once and stored only hashed."""
    # Hex: nothing a shell or a command's options could misread (a key that began with "-"
    # could not be revoked by its prefix on the command line).
    raw = secrets.token_hex(32)
    key = ApiKey.objects.create(channel=channel.strip(), prefix=raw[:8], key_hash=_digest(raw))
    return key, raw


def api_key_find(raw: str) -> ApiKey | None:
    """The active key ``raw`` is, or None."""
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=_digest(raw), revoked_at__isnull=True).first()


def api_keys_revoke(ids) -> int:
    return ApiKey.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# The specification's names for what the resident's form calls otherwise.
FIELD_NAMES = {
    "text": "description",
    "category": "service_code",
    "area": "address_id",
    "request_type": "attribute[request_type]",
    "address_line": "address_string",
    "contact_name": "first_name",
    "contact_phone": "phone",
    "consent": "attribute[consent]",
    "form_key": "idempotency_key",
}


class Conflict(Exception):
    """The idempotency key was used before for another request (other words or another
    channel): nothing is stored, as the resident's form answers a changed resend (409)."""


class Refused(Exception):
    """What was sent cannot be stored: the specification's error list, one per field."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


def _form_data(params, key: uuid.UUID) -> dict:
    area = Area.objects.filter(code=params.get("address_id", "").strip()).first()
    name = " ".join(
        part for part in (params.get("last_name", ""), params.get("first_name", "")) if part
    ).strip()
    phone = params.get("phone", "").strip()
    return {
        "form_key": str(key),
        "text": params.get("description", ""),
        "category": params.get("service_code", ""),
        "area": area.pk if area else "",
        "request_type": params.get("attribute[request_type]", "help"),
        "address_line": params.get("address_string", ""),
        "contact_name": name,
        "contact_phone": phone,
        "contact_preference": "sms" if phone else "none",
        "consent": params.get("attribute[consent]", "") in ("true", "1", "yes", "on"),
    }


def partner_request_create(*, api_key: ApiKey, params) -> tuple[Submission, bool]:
    """Store what a partner channel sent, as the form would store it from a resident.
    Returns ``(submission, created)``; the same ``idempotency_key`` again returns the first
    submission. Raises ``Refused`` with the errors in the specification's field names."""
    errors = []
    if params.get("media_url"):
        errors.append(
            "media_url: " + _("Photos are not taken by link; residents attach them on the form.")
        )
    raw_key = params.get("idempotency_key", "").strip()
    try:
        key = uuid.UUID(raw_key) if raw_key else uuid.uuid4()
    except ValueError:
        errors.append("idempotency_key: " + _("Give a UUID, or leave it out."))
        key = uuid.uuid4()
    form = IntakeForm(_form_data(params, key))
    if not form.is_valid():
        for field, messages in form.errors.items():
            name = FIELD_NAMES.get(field, field)
            errors.extend(f"{name}: {message}" for message in messages)
    if errors:
        raise Refused(list(dict.fromkeys(errors)))
    cleaned = form.cleaned_data
    with transaction.atomic():
        submission, created = submission_create(
            key=key,
            source=IntakeSource(channel=Channel.PARTNER, partner=api_key.channel),
            language=translation.get_language() or "zh-hans",
            **form.submission_fields(),
        )
    if not created and (
        submission.channel != Channel.PARTNER
        or submission.partner != api_key.channel
        or submission.text != cleaned["text"]
    ):
        raise Conflict(
            _("idempotency_key was used before for another request; send this one with a new key.")
        )
    return submission, created
