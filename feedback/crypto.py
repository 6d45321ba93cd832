"""Encryption at rest for residents' contact details (Fernet, rotatable).

Keys come from ``CONTACT_ENCRYPTION_KEYS`` (newest first). Local mode without keys derives one
from ``SECRET_KEY`` so the quick start works; production refuses to start without keys.
"""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"contact-details:" + settings.SECRET_KEY.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CONTACT_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The clear text, or "" if there is none. Raises ``InvalidToken`` for a foreign key."""
    return fernet().decrypt(token.encode()).decode() if token else ""


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode()).decode() if token else ""


def mask_phone(phone: str) -> str:
    """138****5678: enough for a person to recognise their own number, not to call it."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


__all__ = ["InvalidToken", "decrypt", "encrypt", "mask_phone", "rotate"]
