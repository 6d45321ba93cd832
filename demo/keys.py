"""Recognising synthetic data. No model field marks it: each synthetic submission's
idempotency key is a version-5 UUID whose first six bytes are ``DEMO_KEY_PREFIX``, selected
by range on the unique index. A case is synthetic when its submissions are."""

import uuid

from django.db import models

from feedback.models import Submission

# Six bytes "de0ca5e5ca5e": every synthetic submission's idempotency key starts with them.
DEMO_KEY_PREFIX = bytes.fromhex("de0ca5e5ca5e")
DEMO_KEY_RANGE = (
    uuid.UUID(bytes=DEMO_KEY_PREFIX + b"\x00" * 10),
    uuid.UUID(bytes=DEMO_KEY_PREFIX + b"\xff" * 10),
)
DEMO_NAMESPACE = uuid.UUID("6f0c2a55-2f7e-5b1c-9d0e-6b6172616d61")


def demo_key(salt: str, seq: int) -> uuid.UUID:
    """A version-5 UUID in the demo range: the prefix, then the hash of ``salt:seq``."""
    digest = uuid.uuid5(DEMO_NAMESPACE, f"{salt}:{seq}").bytes
    return uuid.UUID(bytes=DEMO_KEY_PREFIX + digest[6:])


def demo_submissions() -> models.QuerySet:
    return Submission.objects.filter(idempotency_key__range=DEMO_KEY_RANGE)


def demo_case_count() -> int:
    """How many synthetic cases exist: each was opened by one synthetic submission."""
    return demo_submissions().count()
