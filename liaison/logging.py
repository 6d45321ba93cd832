"""Logging helpers: keep tracking keys out of log lines."""

import logging
import re

# /track/<code>/<key>/...: the key is a capability; the code alone is not secret.
TRACK_KEY = re.compile(r"(/track/[A-Za-z0-9-]{4,20}/)[A-Za-z0-9]{1,20}")


def redact(value):
    """``value`` with the key of every tracking URL in it masked (other values unchanged)."""
    return TRACK_KEY.sub(r"\1******", value) if isinstance(value, str) else value


class RedactTrackingKeys(logging.Filter):
    """Mask the key part of tracking URLs in messages and their arguments (e.g. Django's
    "Not Found: /track/KL-2611-7Q4M/ABC123/")."""

    def filter(self, record):
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) for k, v in record.args.items()}
        return True
