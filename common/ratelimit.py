"""Per-address limits on the public forms (django-ratelimit's counters, decision 0009)."""

import logging
import math

from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def rate_limited(request, group: str, rate: str, *, increment: bool) -> int | None:
    """Minutes until the client may try again, or None if it is within the limit.

    The counts live in the cache (Redis in production). When it cannot be reached the limit
    fails open: a resident's opinion matters more than a rate limit for the minutes Redis is
    down, and the honeypot and length limits still apply.
    """
    try:
        usage = get_usage(
            request, group=group, key="ip", rate=rate, method=ALL, increment=increment
        )
    except (RedisError, OSError):
        logger.warning("rate limit %s not checked: the cache is unavailable", group)
        return None
    if usage is None:
        return None
    # A peek (no increment) is over the limit once the count has reached it.
    over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    if not over:
        return None
    return max(1, math.ceil(usage["time_left"] / 60))
