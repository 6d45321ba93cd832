"""The quarterly briefing (民情民意专报), its issued versions, leaders' instructions (批示), and
the stop words of the hot-topic extraction."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StopWord(models.Model):
    """A word hot topics leave out (的, 希望, 小区…); the committee edits the list in the admin."""

    word = models.CharField(_("word"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("stop word")
        verbose_name_plural = _("stop words")
        ordering = ["word"]

    def __str__(self):
        return self.word


class Briefing(models.Model):
    """The draft briefing of one period and area: figures compiled from the cases (by beat at
    the start of a quarter, or by staff on demand) and the narrative staff write. Issuing
    copies it into a ``BriefingVersion`` that never changes."""

    # The text a briefing cannot be issued without (the figures' sections are never empty).
    REQUIRED_TO_ISSUE = ("title", "overview_text")

    period = models.CharField(_("period"), max_length=30)
    area = models.ForeignKey(
        "representatives.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    figures = models.JSONField(default=dict, editable=False)
    overview_text = models.TextField(_("overview"), max_length=5000, blank=True)
    hot_text = models.TextField(_("hot and difficult issues"), max_length=5000, blank=True)
    proposals_text = models.TextField(_("proposals"), max_length=5000, blank=True)
    # None until the first compile has finished (staff's request creates the draft first).
    compiled_at = models.DateTimeField(_("compiled"), null=True, blank=True)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Staff asked for the figures to be compiled (again): the reports queue does it, since at a
    # million cases a compile takes longer than a request should. Cleared when it is done.
    compile_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    compile_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-period", "area__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "area"], name="briefing_one_per_period")
        ]

    def __str__(self):
        return self.title

    # A compile asked for that has not finished after this long (a worker died, the compile
    # failed) counts as not under way: staff may ask again, and the draft may be issued.
    COMPILE_RETRY_AFTER = timedelta(minutes=10)

    @property
    def compiling(self) -> bool:
        asked = self.compile_requested_at
        return asked is not None and timezone.now() - asked < self.COMPILE_RETRY_AFTER


class BriefingVersion(models.Model):
    """An issued briefing: figures and text as they were when issued (later changes to the
    cases or the draft do not alter it). Re-issuing makes the next number: a corrected
    version that supersedes the current one, with the reason; the old one stays readable,
    marked superseded (by which version, when, why)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    figures = models.JSONField()
    overview_text = models.TextField(blank=True)
    hot_text = models.TextField(blank=True)
    proposals_text = models.TextField(blank=True)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_reason = models.TextField(_("why it was corrected"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("issued briefing")
        verbose_name_plural = _("issued briefings")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="briefing_version_unique")
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Instruction(models.Model):
    """A leader's written instruction (批示) on an issued briefing (or one of its items) or on
    a case; staff record what was done, and the next briefing reports it."""

    version = models.ForeignKey(
        BriefingVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    item = models.CharField(_("item"), max_length=100, blank=True)
    case = models.ForeignKey(
        "routing.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="instructions"
    )
    text = models.TextField(_("instruction"), max_length=2000)
    supervise = models.BooleanField(_("put the case under supervision"), default=False)
    follow_up = models.TextField(_("what was done"), max_length=2000, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(version__isnull=False) | Q(case__isnull=False),
                name="instruction_has_a_subject",
            )
        ]

    def __str__(self):
        return self.text[:40]


class Suggestion(models.Model):
    """A representatives' suggestion (代表建议), often drafted from a recurring issue: the
    cases it came from stay linked, so the chain is visible both ways."""

    class Kind(models.TextChoices):
        INTER_SESSION = "inter_session", _("Inter-session (闭会期间)")
        SESSION = "session", _("During the session (大会期间)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        SUBMITTED = "submitted", _("Submitted, waiting for the reply")
        REPLIED = "replied", _("Replied, waiting for the representatives' rating")
        REHANDLING = "rehandling", _("Being handled again")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        SOLVED = "A", _("A: solved")
        BEING_SOLVED = "B", _("B: being solved")
        PLANNED = "C", _("C: planned")
        NOT_NOW = "D", _("D: cannot be solved now, kept for reference")

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10000)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind, default=Kind.INTER_SESSION)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.DRAFT)
    representatives = models.ManyToManyField(
        "representatives.Representative", verbose_name=_("raised by"), related_name="suggestions"
    )
    cases = models.ManyToManyField("routing.Case", related_name="suggestions", blank=True)
    # The recurring issue it was drafted from, if any.
    street = models.ForeignKey(
        "representatives.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "routing.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "routing.HandlingUnit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    extended = models.BooleanField(_("six months approved"), default=False)
    reply = models.TextField(_("reply"), max_length=10000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=1, choices=Outcome, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    satisfaction = models.CharField(_("representatives' rating"), max_length=12, blank=True)
    rehandled = models.PositiveSmallIntegerField(_("times handled again"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Motion(models.Model):
    """A congress motion (议案): subject, grounds and proposal (案由、案据、方案), drafted from
    suggestions that share a regional common issue, co-signed by at least ten
    representatives, reviewed by the representative work committee, researched by a special
    committee or a representatives' group, and decided."""

    MIN_CO_SIGNERS = 10

    class State(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        SUBMITTED = "submitted", _("Submitted for review")
        RESEARCH = "research", _("Accepted, being researched")
        DECIDED = "decided", _("Decided")

    subject = models.CharField(_("subject (案由)"), max_length=200)
    grounds = models.TextField(_("grounds (案据)"), max_length=10000)
    proposal = models.TextField(_("proposal (方案)"), max_length=10000)
    suggestions = models.ManyToManyField(Suggestion, related_name="motions")
    co_signers = models.ManyToManyField(
        "representatives.Representative", related_name="motions", blank=True
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    review_note = models.TextField(_("review by the representative work committee"), blank=True)
    research_by = models.CharField(_("researched by"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class MonthlyCount(models.Model):
    """One number of the dashboards' monthly roll-up (decision 0011): how many rows of one
    kind (``figure``) with one value (``key``) a leaf area had in one month, in the
    committee's time zone. ``total`` carries a sum where a figure needs one (seconds to close).

    Figures (``reports.rollup.FIGURES``): opinions by channel, request type, site,
    representative and placement; cases opened by status, category, route and unit; cases
    closed by timeliness; ratings by value; reopenings, returns, escalations and extensions.
    Rebuilt by ``reports.rollup`` for the months that changed; never edited by hand."""

    figure = models.CharField(max_length=24)
    month = models.DateField()
    area = models.ForeignKey(
        "representatives.Area", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=80, blank=True)  # a partner channel: "partner:NAME"
    count = models.PositiveIntegerField()
    total = models.FloatField(default=0)

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [
            # Also the index every dashboard query uses: one figure over a range of months.
            models.UniqueConstraint(
                fields=["figure", "month", "area", "key"], name="monthlycount_unique"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.figure} {self.key}: {self.count}"


class RollupState(models.Model):
    """The roll-up's single bookkeeping row: when it was last brought up to date. Its row
    lock serialises refreshes (two refreshes of one month would count it twice)."""

    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up state")

    def __str__(self):
        return f"roll-up refreshed {self.refreshed_at}"
