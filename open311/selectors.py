"""What the Open311 API publishes: the categories as services, and residents' requests made
public without anything that points to a person (DESIGN section 9; docs/api.md).

A request is one resident's submission; its status is its case's. Published: the tracking
code (``service_request_id``; the tracking page also needs the secret, never published), the
category, the street, when it came in and last changed, open or closed. Never: the
resident's own text, staff's reply to the resident (written to them: it may name them or
their family), names, phones, photos, the site or representative it came through; and no
report of wrongdoing at all."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from feedback.models import Channel, RequestType, Submission
from routing.models import OPEN_STATUSES, Case, Category

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_DEPTH = 10_000  # rows a client may page through in one query's results (page × page_size)
DEFAULT_DAYS = 90  # the specification's default window when no date is given
STATUSES = ("open", "closed")


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def category_name(category: Category | None) -> str:
    if category is None:
        return ""
    return category.name_en if _english() and category.name_en else category.name


def service_rows() -> list[dict]:
    return [
        {
            "service_code": c.slug,
            "service_name": category_name(c),
            "description": c.examples,
            "metadata": True,  # request_type and consent (service_attributes)
            "type": "realtime",
            "keywords": c.examples.replace("、", ","),
            "group": "",
        }
        for c in Category.objects.order_by("position", "pk")
    ]


def service_attributes() -> list[dict]:
    """What a partner may send beside the specification's fields, as ``attribute[code]``
    (the resident's form asks the same)."""
    return [
        {
            "variable": True,
            "code": "request_type",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": str(_("What kind of opinion it is (default: request for help).")),
            "values": [{"key": value, "name": str(label)} for value, label in RequestType.choices],
        },
        {
            "variable": True,
            "code": "consent",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 2,
            "description": str(
                _(
                    "The resident agreed that their name and number are stored to contact them; "
                    "required when first_name, last_name or phone is sent."
                )
            ),
            "values": [
                {"key": "true", "name": str(_("Yes"))},
                {"key": "false", "name": str(_("No"))},
            ],
        },
    ]


def requests_matching(
    *,
    ids: list[str] = (),
    codes: list[str] = (),
    statuses: list[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Submission]:
    """Submissions with a case, newest first. Given ids, only those (the other filters do not
    apply, as the specification says)."""
    # Reports of wrongdoing (举报) are never listed: that one was made, where and when, is
    # itself something to protect.
    qs = Submission.objects.filter(case__isnull=False).exclude(request_type=RequestType.REPORT)
    if ids:
        return qs.filter(tracking_code__in=ids).order_by("-created_at", "-pk")
    if codes:
        qs = qs.filter(case__category__slug__in=codes)
    if statuses and set(statuses) != set(STATUSES):
        open_ = {"case__status__in": sorted(OPEN_STATUSES)}
        qs = qs.filter(**open_) if statuses == ["open"] else qs.exclude(**open_)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-created_at", "-pk")


def partner_request_by_token(token) -> Submission | None:
    """The request a partner created with this token (its idempotency key); a resident's
    form key is not a token."""
    return (
        Submission.objects.filter(idempotency_key=token, channel=Channel.PARTNER)
        .only("tracking_code")
        .first()
    )


def request_rows(submissions) -> list[dict]:
    """The page's rows: one query however many (the rows with their case, category and
    street)."""
    submissions = list(
        submissions.select_related("case__category", "case__area__street").only(
            "tracking_code",
            "created_at",
            "case__status",
            "case__updated_at",
            "case__resolve_by",
            "case__category__slug",
            "case__category__name",
            "case__category__name_en",
            "case__area__name",
            "case__area__street__name",
        )
    )
    return [_row(s, s.case) for s in submissions]


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _row(submission: Submission, case: Case) -> dict:
    area = case.area
    street = area.street.name if area.street_id else area.name
    return {
        "service_request_id": submission.tracking_code,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": "",
        "service_name": category_name(case.category),
        "service_code": case.category.slug if case.category else "",
        "description": "",
        "agency_responsible": "",
        "service_notice": "",
        "requested_datetime": _when(submission.created_at),
        "updated_datetime": _when(case.updated_at),
        "expected_datetime": _when(case.resolve_by) if case.status in OPEN_STATUSES else None,
        "address": street,
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }
