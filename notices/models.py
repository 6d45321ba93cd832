"""The public 公示 pages' own records (docs/gongshi.md, decision 0024): a closed case staff
published with the reply and result photos the resident agreed to show, and announcements of
plans under way with residents' comments."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 100
BODY_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 1000


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CasePublication(models.Model):
    """Staff showed a closed case's result on the 公示 pages: which reply (the text the
    resident was shown) and which of the photos the resident was shown. Never edited: a
    withdrawal stamps it, publishing again makes a new row (the history of who and when)."""

    case = models.ForeignKey(
        "routing.Case", on_delete=models.PROTECT, related_name="publications", db_index=False
    )
    # In the published photos' URLs: stable while published, unguessable, dead once withdrawn.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    reply = models.ForeignKey(
        "routing.CaseEvent",
        verbose_name=_("reply shown"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    photos = models.ManyToManyField(
        "routing.CaseAttachment", verbose_name=_("photos shown"), blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("case publication")
        verbose_name_plural = _("case publications")
        ordering = ["-published_at", "-pk"]
        constraints = [
            # One live publication per case; the public list joins it by this index.
            models.UniqueConstraint(
                fields=["case"], condition=Q(withdrawn_at__isnull=True), name="publication_live"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="publication_withdrawn_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["case", "-published_at"], name="publication_case")]

    def __str__(self):
        return f"{self.case_id} {self.published_at:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class Announcement(models.Model):
    """A plan under way announced to the residents of a community (or a site's), with a
    period in which they may comment (公示期)."""

    area = models.ForeignKey(
        "representatives.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "representatives.LiaisonSite",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    cases = models.ManyToManyField(
        "routing.Case", verbose_name=_("cases it answers"), blank=True, related_name="+"
    )
    comments_open_on = models.DateField(_("comments from"))
    comments_close_on = models.DateField(_("comments until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("announced"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comments_close_on__gte=models.F("comments_open_on")),
                name="announcement_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["area", "-created_at"], name="announcement_area_time"),
            models.Index(fields=["site", "-created_at"], name="announcement_site_time"),
        ]

    def __str__(self):
        return self.title

    def comments_state(self, today=None) -> str:
        """ "soon", "open" or "closed": the comment period against today's date (Beijing)."""
        today = today or timezone.localdate()
        if today < self.comments_open_on:
            return "soon"
        if today > self.comments_close_on:
            return "closed"
        return "open"

    @property
    def comments_open(self) -> bool:
        return self.withdrawn_at is None and self.comments_state() == "open"


class AnnouncementComment(models.Model):
    """A resident's comment on an announcement: the words only (no account, name, number or
    address is asked for or kept); read by staff, not shown publicly."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("your comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["announcement", "-created_at"], name="comment_announcement_time")
        ]

    def __str__(self):
        return f"{self.announcement_id} {self.created_at:%Y-%m-%d}"
