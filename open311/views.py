"""Open311 GeoReport v2 at /open311/v2/ (docs/api.md): discovery, services, a service's
definition, requests and one request, in JSON or XML. Reading is public and anonymous (no
cookie, no session); errors are the specification's list of ``code`` and ``description``."""

import functools
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from open311 import selectors
from open311 import services as partners
from open311.formats import FORMATS, error, respond
from routing.models import Category

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00+08:00"


def read_limited(view):
    """Reading is anonymous: ``OPEN311_READ_RATE`` requests per client address, then the
    specification's error list with 429 and Retry-After."""

    @functools.wraps(view)
    @ratelimit(
        group="open311-read", key="ip", rate=lambda g, r: settings.OPEN311_READ_RATE, block=False
    )
    def limited(request, *args, fmt: str, **kwargs):
        if getattr(request, "limited", False):
            response = error(fmt, 429, _("Too many requests from this address; wait a minute."))
            response["Retry-After"] = "60"
            return response
        return view(request, *args, fmt=fmt, **kwargs)

    return limited


@require_GET
@read_limited
def discovery(request, fmt: str):
    base = request.build_absolute_uri(reverse("open311:discovery", args=[fmt]))
    return respond(
        {
            "changeset": CHANGESET,
            "contact": settings.OPEN311_CONTACT,
            "key_service": settings.OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rsplit("/", 1)[0],
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": [FORMATS["json"].split(";")[0], FORMATS["xml"].split(";")[0]],
                }
            ],
        },
        fmt,
        root="discovery",
    )


@require_GET
@read_limited
def services(request, fmt: str):
    return respond(selectors.service_rows(), fmt, root="services")


@require_GET
@read_limited
def service_definition(request, code: str, fmt: str):
    if not Category.objects.filter(slug=code).exists():
        return error(fmt, 404, _("There is no service with the code %(code)s.") % {"code": code})
    return respond(
        {"service_code": code, "attributes": selectors.service_attributes()},
        fmt,
        root="service_definition",
    )


def _moment(value: str, name: str, *, end: bool = False) -> datetime:
    """A W3C date-time, or a date: its start (an end date: the next day's start, so that
    the day is included)."""
    try:
        day = parse_date(value)
        parsed = None if day else parse_datetime(value)
    except ValueError:  # well formed but impossible: 2026-13-45
        day = parsed = None
    if day is not None:
        try:
            parsed = datetime.combine(day + timedelta(days=1) if end else day, time())
        except OverflowError:  # 9999-12-31 as an end date
            parsed = None
    if parsed is None:
        raise ValueError(
            _("%(name)s is not a date and time such as 2026-12-01T08:00:00+08:00.") % {"name": name}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@csrf_exempt  # a partner's server posts with its key, never with a browser's cookie
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str):
    if request.method == "POST":
        return request_create(request, fmt=fmt)
    return requests_list(request, fmt=fmt)


@read_limited
def request_create(request, fmt: str):
    """POST requests: a partner channel sends a resident's opinion with its ``api_key``."""
    api_key = partners.api_key_find(request.POST.get("api_key", ""))
    if api_key is None:
        return error(fmt, 403, _("api_key is missing, unknown or revoked."))
    usage = get_usage(
        request,
        group="open311-post",
        key=lambda g, r: api_key.key_hash,
        rate=settings.OPEN311_POST_RATE,
        method=ALL,
        increment=True,
    )
    if usage and usage["should_limit"]:
        response = error(fmt, 429, _("This key sent too many requests; wait and send again."))
        response["Retry-After"] = str(max(1, int(usage["time_left"])))
        return response
    try:
        submission, _created = partners.partner_request_create(api_key=api_key, params=request.POST)
    except partners.Conflict as conflict:
        return error(fmt, 409, str(conflict))
    except partners.Refused as refused:
        return respond(
            [{"code": 400, "description": description} for description in refused.errors],
            fmt,
            root="errors",
            status=400,
        )
    return respond(
        [
            {
                "service_request_id": submission.tracking_code,
                "token": str(submission.idempotency_key),
                "service_notice": "",
                "account_id": None,
            }
        ],
        fmt,
        root="service_requests",
    )


@read_limited
def requests_list(request, fmt: str):
    q = request.GET
    try:
        until = _moment(q["end_date"], "end_date", end=True) if q.get("end_date") else None
        since = _moment(q["start_date"], "start_date") if q.get("start_date") else None
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    statuses = [s.lower() for s in _split(q.get("status", ""))]
    if set(statuses) - set(selectors.STATUSES):
        return error(fmt, 400, _("status is open, closed or both (open,closed)."))
    ids = _split(q.get("service_request_id", ""))
    if not ids and since is None and until is None:
        since = timezone.now() - timedelta(days=selectors.DEFAULT_DAYS)
    if since and until and since >= until:
        return error(fmt, 400, _("start_date must come before end_date."))
    try:
        size = int(q.get("page_size") or selectors.PAGE_SIZE)
        number = int(q.get("page") or 1)
    except ValueError:
        return error(fmt, 400, _("page and page_size are whole numbers."))
    if number * size > selectors.MAX_DEPTH:
        return error(
            fmt,
            400,
            _("Pages end after %(n)s requests; narrow the dates to read further.")
            % {"n": selectors.MAX_DEPTH},
        )
    if not 1 <= size <= selectors.MAX_PAGE_SIZE or number < 1:
        return error(
            fmt,
            400,
            _("page_size is between 1 and %(max)s; page starts at 1.")
            % {"max": selectors.MAX_PAGE_SIZE},
        )
    matching = selectors.requests_matching(
        ids=ids,
        codes=_split(q.get("service_code", "")),
        statuses=statuses,
        since=since,
        until=until,
    )
    # No count of every match: a page one row longer says whether another page follows.
    start = (number - 1) * size
    rows = selectors.request_rows(matching[start : start + size + 1])
    response = respond(rows[:size], fmt, root="service_requests")
    if len(rows) > size:
        following = q.copy()
        following["page"] = number + 1
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return response


@require_GET
@read_limited
def token_detail(request, token: str, fmt: str):
    """tokens/<token>: the request a POST created (the token is its idempotency key)."""
    try:
        key = uuid.UUID(token)
    except ValueError:
        key = None
    submission = selectors.partner_request_by_token(key) if key else None
    if submission is None:
        return error(fmt, 404, _("There is no request for the token %(token)s.") % {"token": token})
    return respond(
        [{"service_request_id": submission.tracking_code, "token": token}],
        fmt,
        root="service_requests",
    )


@require_GET
@read_limited
def request_detail(request, service_request_id: str, fmt: str):
    rows = selectors.request_rows(selectors.requests_matching(ids=[service_request_id]))
    if not rows:
        return error(
            fmt,
            404,
            _("There is no request %(id)s.") % {"id": service_request_id},
        )
    return respond(rows, fmt, root="service_requests")
