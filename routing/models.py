"""The case and its handling. This issue adds the handling units; the workflow comes later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    STREET_OFFICE = "street_office", _("Street office")
    TOWNSHIP_GOVERNMENT = "township_government", _("Township government")
    CITY_DEPARTMENT = "city_department", _("City department")
    CITY_GOVERNMENT_OFFICE = "city_government_office", _("City government office")
    SUPERVISORY_COMMISSION = "supervisory_commission", _("Supervisory commission")
    COURT = "court", _("Intermediate people's court")
    PROCURATORATE = "procuratorate", _("People's procuratorate")
    HIGHER_CONGRESS = "higher_congress", _("Higher-level standing committee")


class HandlingUnit(models.Model):
    """A body that acts on cases (承办单位): a street office, a city department, a court…"""

    Kind = UnitKind

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    area = models.ForeignKey(
        "representatives.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handling_units",
        help_text=_("For a street office or township government: the street or township."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(kind__in=["street_office", "township_government"]),
                name="unit_one_street_office_per_area",
            ),
        ]

    def __str__(self):
        return self.name


class Route(models.TextChoices):
    """The five routes of DESIGN section 4 (routes.csv)."""

    DIRECT = "direct", _("Direct reply")
    ASSIGN = "assign", _("Hand-off to street/township")
    TRANSFER = "transfer", _("Transfer to a city department")
    REPORT = "report", _("Report upward")
    SUPERVISE = "supervise", _("Supervised follow-up")


class Category(models.Model):
    """A matter category from taxonomy.csv, with its default route and unit type."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=50)
    examples = models.CharField(_("examples"), max_length=200, blank=True)
    default_route = models.CharField(_("default route"), max_length=12, choices=Route)
    unit_type = models.CharField(_("unit type"), max_length=30, blank=True)
    typical_units = models.CharField(_("typical units"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name


class CaseStatus(models.TextChoices):
    NEW = "new", _("Received")
    TRIAGED = "triaged", _("Route chosen")
    UNDER_REVIEW = "under_review", _("Under committee review")
    DISPATCHED = "dispatched", _("Sent to the handling unit")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESPONDED = "responded", _("Result reported, being checked")
    REPLIED = "replied", _("Replied, waiting for your rating")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned for re-routing")
    MERGED = "merged", _("Merged with another case")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    REOPENED = "reopened", _("Reopened for redo")


# The one transition table (DESIGN section 4). The routing issue's services move cases along
# it; ``routing.services.transition.case_transition`` is the only writer of ``Case.status``.
S = CaseStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGED, S.MERGED, S.NOT_ACCEPTED}),
    S.TRIAGED: frozenset({S.UNDER_REVIEW, S.DISPATCHED, S.REPLIED, S.MERGED, S.NOT_ACCEPTED}),
    S.UNDER_REVIEW: frozenset({S.DISPATCHED, S.TRIAGED, S.REPLIED, S.IN_PROGRESS}),
    S.DISPATCHED: frozenset({S.IN_PROGRESS, S.RETURNED}),
    S.IN_PROGRESS: frozenset({S.RESPONDED, S.RETURNED}),
    S.RESPONDED: frozenset({S.REPLIED, S.IN_PROGRESS}),
    S.REPLIED: frozenset({S.CLOSED, S.REOPENED}),
    S.RETURNED: frozenset({S.TRIAGED, S.MERGED, S.NOT_ACCEPTED}),
    S.REOPENED: frozenset({S.TRIAGED, S.DISPATCHED, S.IN_PROGRESS, S.REPLIED}),
    S.NOT_ACCEPTED: frozenset({S.CLOSED}),
    S.MERGED: frozenset(),
    S.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(set(CaseStatus.values) - {S.CLOSED, S.MERGED})


class Case(models.Model):
    """The matter being handled; gathers one or more submissions (DESIGN section 2)."""

    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus, default=CaseStatus.NEW, editable=False
    )
    route = models.CharField(_("route"), max_length=12, choices=Route, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    request_type = models.CharField(_("request type"), max_length=12, blank=True)
    area = models.ForeignKey(
        "representatives.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    summary = models.CharField(_("summary for the resident"), max_length=200, blank=True)
    submission_count = models.PositiveIntegerField(_("submissions"), default=0)
    reply_count = models.PositiveIntegerField(_("replies given"), default=0)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(route="") | Q(route__in=Route.values), name="case_route_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="case_status_created")]

    def __str__(self):
        return _("Case %(id)s") % {"id": self.pk}

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class CaseEvent(models.Model):
    """One append-only line of a case's history; the resident's timeline is its public part."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        JOINED = "joined", _("Another submission joined")
        TRANSITION = "transition", _("Status changed")
        PROGRESS = "progress", _("Progress note")
        REPLY = "reply", _("Reply")
        RATING = "rating", _("Rating")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind)
    from_status = models.CharField(max_length=20, choices=CaseStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the resident may read as the actor: a unit or body name, never a staff name.
    public_actor = models.CharField(max_length=100, blank=True)
    is_public = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.to_status}"


class Notification(models.Model):
    """An outbox row: written in the transaction that causes it, delivered by a task after
    commit. Holds ids and a template key, never the message's personal data."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In-app")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=10, choices=Channel)
    template = models.CharField(max_length=50)
    submission = models.ForeignKey(
        "feedback.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=10, default="zh-hans")
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_time")]

    def __str__(self):
        return f"{self.template} ({self.channel}, {self.state})"
