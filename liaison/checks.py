"""The project's own system checks. ``manage.py check`` runs the first; ``manage.py check
--deploy`` (and ``manage.py check_deployment``) all of them, next to Django's.

Each names what a production installation must have beyond Django's own list: the audit log
kept six months, the residents' keys, two-factor sign-in for the roles that reach
everybody's cases, and tracking keys kept out of every log.
"""

import runpy

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from liaison.logging import RedactTrackingKeys
from representatives.models import Role
from representatives.services.audit import AUDIT_MIN_RETENTION_DAYS

GUNICORN_CONF = settings.BASE_DIR / "deploy" / "gunicorn.conf.py"
REDACTING_GUNICORN_LOGGER = "liaison.gunicorn_logging.RedactingLogger"
# Committee staff reach every case of their area; administrators everything.
TWO_FACTOR_ROLES = (Role.COMMITTEE_STAFF, Role.ADMINISTRATOR)


@register(Tags.security)
def audit_log_retention(app_configs, **kwargs):
    if settings.AUDIT_LOG_RETENTION_DAYS < AUDIT_MIN_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_LOG_RETENTION_DAYS is {settings.AUDIT_LOG_RETENTION_DAYS}: the audit "
                f"log must be kept at least {AUDIT_MIN_RETENTION_DAYS} days.",
                id="liaison.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def residents_keys(app_configs, **kwargs):
    """Contact details need their own keys: encryption keys that decrypt what they encrypt,
    and a look-up key apart from SECRET_KEY (rotating SECRET_KEY must not break look-ups)."""
    from common import crypto

    problems = []
    if not settings.CONTACT_ENCRYPTION_KEYS:
        problems.append(
            Error(
                "CONTACT_ENCRYPTION_KEYS is empty: contact details would not be encrypted "
                "with a key of their own.",
                id="liaison.E002",
            )
        )
    else:
        probe = "13800000000"
        if crypto.decrypt(crypto.encrypt(probe)) != probe:
            problems.append(
                Error(
                    "CONTACT_ENCRYPTION_KEYS do not decrypt what they encrypt.", id="liaison.E003"
                )
            )
    if not settings.CONTACT_LOOKUP_KEY:
        problems.append(
            Warning(
                "CONTACT_LOOKUP_KEY is not set: phone and name look-ups are keyed on SECRET_KEY "
                "and stop matching when it is rotated.",
                hint="Set CONTACT_LOOKUP_KEY to a long random value, then run "
                "`manage.py rehash_contacts`.",
                id="liaison.W004",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def two_factor_roles(app_configs, **kwargs):
    missing = [role for role in TWO_FACTOR_ROLES if role not in settings.REQUIRE_2FA_ROLES]
    problems = []
    if missing:
        problems.append(
            Error(
                f"REQUIRE_2FA_ROLES lacks {', '.join(missing)}: these roles would sign in "
                "with a password alone.",
                id="liaison.E005",
            )
        )
    needed = (
        "django_otp.middleware.OTPMiddleware",
        "representatives.middleware.RequireTwoFactorMiddleware",
    )
    if any(m not in settings.MIDDLEWARE for m in needed):
        problems.append(Error("Two-factor middleware is not installed.", id="liaison.E006"))
    return problems


def _handlers_without_redaction(config: dict) -> list[str]:
    """The handlers of a LOGGING dict that would write a record without masking tracking
    keys: those with no ``RedactTrackingKeys`` filter."""
    filters = {
        name: spec.get("()") or spec.get("class")
        for name, spec in config.get("filters", {}).items()
    }
    redacting = set()
    for name, factory in filters.items():
        cls = import_string(factory) if isinstance(factory, str) else factory
        if isinstance(cls, type) and issubclass(cls, RedactTrackingKeys):
            redacting.add(name)
    return [
        name
        for name, spec in config.get("handlers", {}).items()
        if not redacting & set(spec.get("filters", []))
    ]


@register(Tags.security, deploy=True)
def log_redaction(app_configs, **kwargs):
    problems = []
    unmasked = _handlers_without_redaction(settings.LOGGING)
    if unmasked:
        problems.append(
            Error(
                f"Log handlers without tracking-key redaction: {', '.join(unmasked)}.",
                hint="Give each handler the 'redact' filter (liaison.logging.RedactTrackingKeys).",
                id="liaison.E007",
            )
        )
    if GUNICORN_CONF.exists():
        conf = runpy.run_path(str(GUNICORN_CONF))
        if conf.get("accesslog") and conf.get("logger_class") != REDACTING_GUNICORN_LOGGER:
            problems.append(
                Error(
                    f"{GUNICORN_CONF.name} writes an access log without {REDACTING_GUNICORN_LOGGER}.",
                    id="liaison.E008",
                )
            )
    return problems
