"""Encryption at rest for residents' contact details (Fernet, rotatable).

Keys come from ``CONTACT_ENCRYPTION_KEYS`` (newest first). Local mode without keys derives one
from ``SECRET_KEY`` so the quick start works; production refuses to start without keys.
"""

import base64
import functools
import hashlib
import hmac
import re
import unicodedata

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


def _lookup_key() -> bytes:
    secret = settings.CONTACT_LOOKUP_KEY or f"contact-lookup:{settings.SECRET_KEY}"
    return hashlib.sha256(secret.encode()).digest()


def _lookup_hash(kind: str, value: str) -> str:
    if not value:
        return ""
    return hmac.new(_lookup_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def phone_hash(phone: str) -> str:
    """A keyed hash (HMAC-SHA256) of a phone number, for finding a resident's cases by the number
    they give on the phone without decrypting every row: digits only, a +86/0086 prefix dropped,
    so 139 1234 5678 and +86 13912345678 are one number. "" for no number."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return _lookup_hash("phone", digits)


def one_time_code(seed: str) -> str:
    """Six digits derived from ``seed`` with the lookup key (HMAC): the code a resident is
    texted is never stored, and the row that holds the seed does not reveal it."""
    digest = hmac.new(_lookup_key(), f"code:{seed}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def name_hash(name: str) -> str:
    """A keyed hash of a name as written (full-width folded, spaces and case ignored)."""
    folded = "".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return _lookup_hash("name", folded)


MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER_IN_TEXT = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def redact_numbers(text: str) -> str:
    """Free text for readers who must not see contact details (a briefing, an export): mobile
    numbers masked, identity-card and landline numbers removed. Names cannot be found this
    way; what residents write is only shown where its summary or its case is needed."""
    text = ID_NUMBER_IN_TEXT.sub("［证件号已隐去］", text)
    text = MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
    return LANDLINE_IN_TEXT.sub("［电话已隐去］", text)


__all__ = [
    "InvalidToken",
    "decrypt",
    "encrypt",
    "mask_phone",
    "name_hash",
    "phone_hash",
    "redact_numbers",
    "rotate",
]
