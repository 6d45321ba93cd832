"""The quarterly briefing (民情民意专报), its issued versions, leaders' instructions (批示), and
the stop words of the hot-topic extraction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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

    period = models.CharField(_("period"), max_length=30)
    area = models.ForeignKey(
        "representatives.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    figures = models.JSONField(default=dict, editable=False)
    overview_text = models.TextField(_("overview"), max_length=5000, blank=True)
    hot_text = models.TextField(_("hot and difficult issues"), max_length=5000, blank=True)
    proposals_text = models.TextField(_("proposals"), max_length=5000, blank=True)
    compiled_at = models.DateTimeField(_("compiled"))
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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


class BriefingVersion(models.Model):
    """An issued briefing: figures and text as they were when issued (later changes to the
    cases or the draft do not alter it). Re-issuing makes the next number."""

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

    class Meta:
        verbose_name = _("issued briefing")
        verbose_name_plural = _("issued briefings")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="briefing_version_unique")
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"


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
