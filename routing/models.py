"""The case and its handling: routes, the workflow state machine, its event log, deadlines,
extensions, upward reports, supervision and progress meetings (DESIGN sections 2, 4, 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.thumbnails import NAME_MAX_LENGTH, PhotoRenditions, renditions_fill


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
    """The routes a case follows (routes.csv); their policies are ``routing.routes.ROUTES``.
    Supervised follow-up (督办) is not among them: it is ``Case.supervision``, an overlay on
    any route."""

    DIRECT = "direct", _("Direct reply")
    ASSIGN = "assign", _("Hand-off to street/township")
    TRANSFER = "transfer", _("Transfer to a city department")
    REPORT = "report", _("Report upward")


class Supervision(models.TextChoices):
    """Whether a case is supervised (督办), on top of its route."""

    NONE = "", _("Not supervised")
    # Called for (an overdue escalation, a second dissatisfied rating, a leader's
    # instruction) and waiting for the committee to name a supervisor: the 待督办 queue.
    REQUESTED = "requested", _("Waiting for a supervisor")
    ACTIVE = "active", _("Under supervision")


class SupervisionReason(models.TextChoices):
    """Why a case is supervised (routes.csv, 督办)."""

    RULE = "rule", _("Hazard, wage arrears, many households or repeated complaints")
    OVERDUE = "overdue", _("Overdue")
    DISSATISFIED_AGAIN = "dissatisfied_again", _("Second dissatisfied rating")
    INSTRUCTION = "instruction", _("Leader's instruction")
    STAFF = "staff", _("Committee staff's decision")


class Category(models.Model):
    """A matter category from taxonomy.csv, with its default route and unit type."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=50)
    # The English name (taxonomy.csv): the Open311 API's service name in English.
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
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
    REPLIED = "replied", _("Replied, waiting for the resident's rating")
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
    # Approved: to the city government office (transfer) or the higher body (report);
    # sent back: returned to triage with the reason.
    S.UNDER_REVIEW: frozenset({S.DISPATCHED, S.RETURNED}),
    S.DISPATCHED: frozenset({S.IN_PROGRESS, S.RETURNED}),
    S.IN_PROGRESS: frozenset({S.RESPONDED, S.RETURNED}),
    S.RESPONDED: frozenset({S.REPLIED, S.IN_PROGRESS}),
    S.REPLIED: frozenset({S.CLOSED, S.REOPENED}),
    S.RETURNED: frozenset({S.TRIAGED, S.MERGED, S.NOT_ACCEPTED}),
    S.REOPENED: frozenset({S.TRIAGED, S.MERGED, S.NOT_ACCEPTED}),
    S.NOT_ACCEPTED: frozenset(),
    S.MERGED: frozenset(),
    S.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(set(CaseStatus.values) - {S.CLOSED, S.MERGED, S.NOT_ACCEPTED})
# Where staff choose (or re-choose) the route: triage starts from these.
TRIAGE_STATUSES = frozenset({S.NEW, S.RETURNED, S.REOPENED})


class DeadlineLevel(models.TextChoices):
    """deadlines.csv: how fast a case must be acknowledged and resolved."""

    URGENT = "urgent", _("Urgent")
    IMMEDIATE = "immediate", _("Immediate")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")
    DIFFICULT = "difficult", _("Difficult")
    REDO = "redo", _("Redo")


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
    # The street (街道/乡镇) the area lies in, None above a street: set from the area when the
    # case is created (``save``), and a case's area never changes. The street's lists and the
    # area filter read it through their own indexes (decision 0022).
    street = models.ForeignKey(
        "representatives.Area",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    site = models.ForeignKey(
        "representatives.LiaisonSite",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The site whose code or staff received the first submission."),
    )
    representative = models.ForeignKey(
        "representatives.Representative",
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The representative whose code or log received the first submission."),
    )
    deadline_level = models.CharField(
        _("deadline level"), max_length=12, choices=DeadlineLevel, blank=True
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    acknowledge_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # Supervision (督办): an overlay on the route, never a route of its own.
    supervision = models.CharField(
        _("supervision"), max_length=10, choices=Supervision, blank=True, editable=False
    )
    supervision_reason = models.CharField(
        _("supervised because"), max_length=20, choices=SupervisionReason, blank=True
    )
    supervised_since = models.DateTimeField(_("supervised since"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    # The classifier's suggestion when the case was opened (route, category, unit, reasons…):
    # shown to staff at triage; their decision is kept in ClassificationDecision.
    suggestion = models.JSONField(default=dict, blank=True, editable=False)
    summary = models.CharField(_("summary for the resident"), max_length=200, blank=True)
    # The resident's text, lower-cased (what a triage decision records), and its words as
    # search finds them (routing.search; a GIN index on PostgreSQL, migration 0015).
    search_text = models.TextField(blank=True, editable=False)
    search_words = models.TextField(blank=True, editable=False)
    submission_count = models.PositiveIntegerField(_("submissions"), default=0)
    reply_count = models.PositiveIntegerField(_("replies given"), default=0)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When the last reply was published: what on-time closure compares with ``resolve_by``
    # (kept on the case so that reports need no look-up in the event log).
    replied_at = models.DateTimeField(_("last replied"), null=True, blank=True, editable=False)

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
            # Requested: a reason and a time, no supervisor yet; active: all three.
            models.CheckConstraint(
                condition=Q(
                    supervision="",
                    supervision_reason="",
                    supervised_since__isnull=True,
                    supervisor__isnull=True,
                )
                | Q(
                    supervision="requested",
                    supervised_since__isnull=False,
                    supervisor__isnull=True,
                )
                | Q(supervision="active", supervised_since__isnull=False, supervisor__isnull=False),
                name="case_supervision_consistent",
            ),
            models.CheckConstraint(
                condition=Q(supervision="") | ~Q(supervision_reason=""),
                name="case_supervision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="case_status_created"),
            # A unit's desk: one tab (status) in deadline order, read from the index without
            # sorting, and its counts from the index alone (docs/benchmarks.md).
            models.Index(
                fields=["unit", "status", "resolve_by", "-created_at", "-id"],
                name="case_unit_desk",
            ),
            models.Index(fields=["resolve_by"], name="case_resolve_by"),
            # A street's lists, newest first: all its cases, and one status of them.
            models.Index(fields=["street", "-created_at", "-id"], name="case_street_time"),
            models.Index(
                fields=["street", "status", "-created_at", "-id"], name="case_street_status"
            ),
            # A street's "to classify" and deadline queues in their own order (its new cases
            # are rarely the city's newest: the city's partial indexes made it walk others').
            models.Index(
                fields=["street", "-created_at", "-id"],
                name="case_street_to_classify",
                condition=Q(status__in=[S.NEW, S.REOPENED]),
            ),
            models.Index(
                fields=["street", "resolve_by", "id"],
                name="case_street_open_by_deadline",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            # The time of the last change to any case: the queue counts' cache key.
            models.Index(fields=["updated_at"], name="case_updated_at"),
            # Reports: the cases closed in a period.
            models.Index(
                fields=["closed_at"], name="case_closed_at", condition=Q(closed_at__isnull=False)
            ),
            models.Index(
                fields=["supervisor", "status"],
                name="case_supervisor_status",
                condition=Q(supervisor__isnull=False),
            ),
            # Reports: what units hold past their deadline, counted live (an index-only scan of
            # the cases held by units).
            models.Index(
                fields=["created_at"],
                include=["id", "resolve_by", "unit", "area"],
                name="case_held_by_unit",
                condition=Q(status__in=["dispatched", "in_progress"]),
            ),
            # The workbench's lists at a million cases (docs/benchmarks.md): each queue whose
            # cases are a small, old part of the table reads its own index in its own order,
            # not the newest cases one by one.
            models.Index(
                fields=["-created_at", "-id"],
                name="case_to_classify",
                condition=Q(status__in=[S.NEW, S.REOPENED]),
            ),
            models.Index(
                fields=["resolve_by", "id"],
                name="case_open_by_deadline",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(
                fields=["-created_at", "-id"],
                name="case_open_supervision",
                condition=Q(status__in=sorted(OPEN_STATUSES)) & ~Q(supervision=""),
            ),
            # The workbench's queue counts: an index-only scan of the open cases of an area
            # (PostgreSQL covers the columns the counts read; docs/benchmarks.md).
            models.Index(
                fields=["area"],
                include=["id", "status", "resolve_by", "supervision"],
                name="case_open_by_area",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
        ]

    def __str__(self):
        return _("Case %(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        if self._state.adding and self.area_id:
            self.street_id = self.area.street_id
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """What people quote on the phone: C-000123."""
        return f"C-{self.pk:06d}"

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_supervised(self) -> bool:
        """Supervision called for or under way (督办), whatever the route."""
        return bool(self.supervision)

    def is_overdue(self, now=None) -> bool:
        from django.utils import timezone

        return bool(self.resolve_by and self.is_open and self.resolve_by < (now or timezone.now()))


class CaseEvent(models.Model):
    """One append-only line of a case's history; the resident's timeline is its public part."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        JOINED = "joined", _("Another submission joined")
        TRANSITION = "transition", _("Status changed")
        PROGRESS = "progress", _("Progress note")
        REPLY = "reply", _("Reply")
        RATING = "rating", _("Rating")
        TRIAGE = "triage", _("Route chosen")
        FORWARDED = "forwarded", _("Forwarded to a department")
        REVIEW = "review", _("Committee review")
        RETURN = "return", _("Returned")
        RESULT = "result", _("Result reported")
        VERIFIED = "verified", _("Result checked")
        EXTENSION = "extension", _("Extension")
        REPORTED_UPWARD = "reported_upward", _("Reported upward")
        SUPERVISION = "supervision", _("Supervision")
        FOLLOW_UP = "follow_up", _("Follow-up")
        MEETING = "meeting", _("Progress meeting decision")
        MERGED = "merged", _("Merged")
        # The deadline sweep (routing.services.deadlines).
        REMINDER = "reminder", _("Deadline reminder (催办)")
        DUE = "due", _("Deadline reached")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated to supervised follow-up")

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
    # A public note (a reply) in the resident's language besides the Chinese ``note``: the
    # tracking page shows it to a resident reading in ``note_language`` (decision 0025).
    # Empty by a database default too: the deadline sweep inserts its events in SQL.
    note_translated = models.TextField(blank=True, default="", db_default="")
    note_language = models.CharField(max_length=10, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_time"),
            # Reports count a few rare kinds of event in a period (returns, escalations,
            # extensions, reopenings) without reading every event of it.
            models.Index(fields=["kind", "created_at"], name="caseevent_kind_time"),
            models.Index(
                fields=["created_at"],
                name="caseevent_reopened_time",
                condition=Q(to_status="reopened"),
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.to_status}"


class CaseAttachment(PhotoRenditions, models.Model):
    """A photo or document attached to an event: e.g. the unit's "after" photo of its result,
    with its thumbnail and view size made when it is saved (``common.thumbnails``)."""

    PHOTO_FIELD = "file"
    PHOTO_KIND = "attachment"

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.ImageField(upload_to="cases/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Beside the original; the original's own name when it is small enough already.
    thumbnail = models.ImageField(max_length=NAME_MAX_LENGTH, blank=True, editable=False)
    view = models.ImageField(max_length=NAME_MAX_LENGTH, blank=True, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name

    def save(self, *args, **kwargs):
        if self._state.adding and not self.thumbnail:  # older rows: ``photos_thumbnails``
            renditions_fill(self, "file")
        super().save(*args, **kwargs)


class ClassificationDecision(models.Model):
    """What the classifier suggested and what staff chose: an audit record and the training
    data for improving the classifier (DESIGN section 5)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    suggested_route = models.CharField(max_length=12, blank=True)
    suggested_category = models.CharField(max_length=50, blank=True)
    suggested_unit = models.CharField(max_length=100, blank=True)
    suggested_urgent = models.BooleanField(default=False)
    route = models.CharField(max_length=12, choices=Route)
    supervise = models.BooleanField(
        default=False, help_text="Staff put the case under supervision."
    )
    suggested_supervise = models.BooleanField(default=False)
    category = models.ForeignKey(Category, null=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgent = models.BooleanField(default=False)
    deadline_level = models.CharField(max_length=12, choices=DeadlineLevel)
    changed = models.BooleanField(
        help_text="Staff changed the suggested route, supervision or category."
    )
    # The classifier model whose suggestion staff saw (None: the rules alone).
    model_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("classification decision")
        verbose_name_plural = _("classification decisions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.case_id}: {self.suggested_route} → {self.route}"


class ExtensionRequest(models.Model):
    """A unit asks for more time before the deadline (延期申请); the committee decides."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    new_resolve_by = models.DateField(_("new deadline"))
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_case",
            )
        ]

    def __str__(self):
        return f"{self.case_id}: {self.new_resolve_by} ({self.state})"


class UpwardReport(models.Model):
    """A case reported to the higher-level body (报办): to whom, reference, date, and its reply."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="upward_report")
    body = models.CharField(_("reported to"), max_length=100)
    reference_number = models.CharField(_("reference number"), max_length=50)
    reported_on = models.DateField(_("reported on"))
    reply = models.TextField(_("reply of the higher body"), blank=True)
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("upward report")
        verbose_name_plural = _("upward reports")

    def __str__(self):
        return self.reference_number


class SupervisionMilestone(models.Model):
    """A dated step of a supervised case's plan (督办方案)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class ProgressMeeting(models.Model):
    """A meeting that reviews stuck cases (推进会); its decisions go into each case's log."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    participants = models.TextField(_("participants"))
    area = models.ForeignKey(
        "representatives.Area", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress meeting")
        verbose_name_plural = _("progress meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(ProgressMeeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meeting_decisions")
    decision = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="decision_one_per_case")
        ]

    def __str__(self):
        return f"{self.meeting_id}/{self.case_id}"


class ReplyTemplate(models.Model):
    """A reusable answer for common enquiries (direct replies)."""

    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title"]

    def __str__(self):
        return self.title


class DeadlineRule(models.Model):
    """How fast a deadline level must be acknowledged and resolved. Seeded from deadlines.csv
    (``seed_demo``); administrators edit it. A level without a row uses deadlines.csv."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours (on the clock)")
        WORKING_DAYS = "working_days", _("working days")
        MONTHS = "months", _("months")

    level = models.CharField(_("deadline level"), max_length=12, choices=DeadlineLevel, unique=True)
    acknowledge_within = models.PositiveSmallIntegerField(
        _("acknowledge within"), help_text=_("0 working days: the same working day.")
    )
    acknowledge_unit = models.CharField(_("unit"), max_length=12, choices=Unit)
    resolve_within = models.PositiveSmallIntegerField(_("resolve within"))
    resolve_unit = models.CharField(_("unit"), max_length=12, choices=Unit)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_unit__in=["hours", "working_days", "months"])
                & Q(resolve_unit__in=["hours", "working_days", "months"]),
                name="deadline_rule_units_valid",
            )
        ]

    def __str__(self):
        return self.get_level_display()


class CalendarDay(models.Model):
    """An administrator's correction of the official calendar: a holiday or a make-up working
    day (调休) that ``chinesecalendar`` does not know yet, e.g. next year's schedule, published
    by the State Council late in the year."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day. Unticked: a day off.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self):
        return self.day.isoformat()


class DeadlineAction(models.Model):
    """What the deadline sweep did about one deadline of one case: each action happens once
    per case, deadline and deadline value (an extension gives a new value, so new reminders).
    The unique constraint is what makes two sweeps at once act once."""

    class Deadline(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("acknowledgement")
        RESOLVE = "resolve", _("resolution")

    class Action(models.TextChoices):
        REMINDED = "reminded", _("reminded")
        DUE = "due", _("deadline reached")
        OVERDUE = "overdue", _("overdue")
        ESCALATED = "escalated", _("escalated")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_actions")
    deadline = models.CharField(max_length=12, choices=Deadline)
    action = models.CharField(max_length=10, choices=Action)
    deadline_at = models.DateTimeField()
    sweep = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("deadline action")
        verbose_name_plural = _("deadline actions")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline", "action", "deadline_at"], name="deadline_action_once"
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.deadline} {self.action}"


class ClassifierModel(models.Model):
    """A version of the classifier's learned model (docs/classifier.md): trained from the
    staff's decisions and the labelled corpora, with its cross-validated accuracy. The newest
    is the one ``classify`` uses; the rules stay on top of it."""

    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    examples = models.PositiveIntegerField(_("examples"))
    decisions = models.PositiveIntegerField(_("staff decisions"))
    # The newest decision it learned from: the nightly task retrains only after enough newer.
    last_decision_id = models.PositiveIntegerField(default=0)
    route_accuracy_cv = models.FloatField(_("route accuracy (cross-validated)"))
    category_accuracy_cv = models.FloatField(_("category accuracy (cross-validated)"))
    # Per route: precision, recall and support, cross-validated; the confusion table.
    report = models.JSONField(default=dict)
    library = models.CharField(_("library"), max_length=50)
    seconds = models.FloatField(_("training time (s)"))
    # The fitted model, serialised (routing.classifier.learned); read once per process.
    blob = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        ordering = ["-pk"]

    def __str__(self):
        return f"v{self.pk}"

    @property
    def version(self) -> int:
        return self.pk
