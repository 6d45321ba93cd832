"""Intake: what one person said, once, through one channel (immutable after intake)."""

import re
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.thumbnails import NAME_MAX_LENGTH, PhotoRenditions, renditions_fill

# Unambiguous characters for codes people read aloud or copy from a slip: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TEXT_MAX_LENGTH = 2000


_SEPARATORS = re.compile(r"[\s\-_.·—–‐]+")
_TRACKING_CODE = re.compile(rf"KL(\d{{4}})([{CODE_ALPHABET}]{{4}})")


def tracking_code_normalise(typed: str) -> str | None:
    """A tracking code as people type or read it aloud: any case, full-width characters, spaces
    or no dashes (kl 2611 7q4m, KL26117Q4M) → ``KL-2611-7Q4M``; ``None`` if it cannot be one."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper()
    match = _TRACKING_CODE.fullmatch(compact)
    return f"KL-{match[1]}-{match[2]}" if match else None


def secret_normalise(typed: str) -> str:
    """A tracking key as typed: any case, full-width characters, spaces inside."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper()


def new_secret() -> str:
    """Six characters (31^6 ≈ 8.9e8): with rate-limited guessing, codes cannot be enumerated."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class RequestType(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    HELP = "help", _("Request for help")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing")


def _lookup_seed() -> str:
    return secrets.token_hex(16)


# The languages besides Chinese a resident may write in (settings.LANGUAGES), as staff name
# them on a badge.
OTHER_LANGUAGES = {"ug": _("Uyghur"), "en": _("English")}


def language_label(code: str) -> str:
    """An opinion's language other than Chinese, named as staff read it (ug → 维吾尔语)."""
    return str(OTHER_LANGUAGES.get(code, code))


CHINESE_SUMMARY_MAX_LENGTH = 1000


class Channel(models.TextChoices):
    SITE_QR = "site_qr", _("Site QR code")
    REPRESENTATIVE_QR = "representative_qr", _("Representative QR code")
    PLACEMENT = "placement", _("QR placement")
    WEB_LINK = "web_link", _("Link on the site's page")
    RECEPTION_DAY = "reception_day", _("Reception day")
    ON_DUTY = "on_duty", _("Representative on duty")
    STAFF_ENTRY = "staff_entry", _("Staff entry")
    # Sent by a partner's system through the Open311 API (the 12345 hotline, a mini-program);
    # which partner is ``Submission.partner``.
    PARTNER = "partner", _("Partner channel (API)")


class ContactPreference(models.TextChoices):
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")
    NONE = "none", _("Do not contact me")


class Submission(models.Model):
    """One opinion. Never edited after intake; corrections are ``SubmissionCorrection`` rows.

    Foreign keys carry no index of their own where a composite index below starts with them
    or nobody looks submissions up by them alone: every index is paid for on each intake.
    """

    # Unique through Meta.constraints: ``unique=True`` would add a second (LIKE) index on
    # PostgreSQL that nothing uses and every intake pays for.
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    secret = models.CharField(max_length=8, default=new_secret)
    idempotency_key = models.UUIDField(unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    # The partner channel's name (its API key's), for ``Channel.PARTNER``; empty otherwise.
    partner = models.CharField(_("partner channel"), max_length=60, blank=True)
    qr_code = models.ForeignKey(
        "representatives.QRCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    placement = models.ForeignKey(
        "representatives.QRPlacement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
    )
    site = models.ForeignKey(
        "representatives.LiaisonSite",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
    )
    representative = models.ForeignKey(
        "representatives.Representative",
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
    )
    reception_day = models.ForeignKey(
        "representatives.ReceptionDay",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
    )
    area = models.ForeignKey(
        "representatives.Area",
        verbose_name=_("where"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address_line = models.CharField(_("address"), max_length=100, blank=True)
    text = models.TextField(_("what it is about"), max_length=TEXT_MAX_LENGTH)
    # Its words in order as hot topics read them (routing.search.clause_words), cut once when
    # its case is opened: a briefing aggregates them instead of cutting every text again.
    words = models.TextField(blank=True, editable=False)
    request_type = models.CharField(_("request type"), max_length=12, choices=RequestType)
    category = models.ForeignKey(
        "routing.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    # Contact details: encrypted at rest (common.crypto); only a masked form is kept in clear.
    contact_name_encrypted = models.TextField(blank=True, editable=False)
    contact_phone_encrypted = models.TextField(blank=True, editable=False)
    contact_phone_masked = models.CharField(max_length=20, blank=True, editable=False)
    # Keyed hashes (common.crypto) for exact look-ups by phone number or name at the workbench.
    contact_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    contact_name_hash = models.CharField(max_length=64, blank=True, editable=False)
    contact_preference = models.CharField(
        _("preferred contact"),
        max_length=10,
        choices=ContactPreference,
        default=ContactPreference.NONE,
    )
    consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The resident agreed, on the tracking page after the result, that the unit's reply and
    # result photos may be shown on the public 公示 page (never their own words, photos or
    # details); None when they did not or took it back (notices app, docs/gongshi.md).
    publication_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    contact_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The language of the page the resident wrote on (``submission_create``); staff see a
    # badge for any other than Chinese (decision 0025).
    language = models.CharField(max_length=10, default="zh-hans")
    # Staff's Chinese summary of an opinion written in another language: what the classifier
    # reads and search and hot topics find for it (``feedback.services.summary``).
    chinese_summary = models.TextField(
        _("Chinese summary"), max_length=CHINESE_SUMMARY_MAX_LENGTH, blank=True
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="logged_submissions",
        db_index=False,
    )
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    case = models.ForeignKey(
        "routing.Case", on_delete=models.PROTECT, related_name="submissions", null=True
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_code"], name="submission_tracking_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="submission_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(request_type__in=RequestType.values),
                name="submission_request_type_valid",
            ),
        ]
        # Partial indexes: a submission has a site, a representative, a placement or a logger,
        # rarely all, and rows without one cost no index entry.
        indexes = [
            models.Index(
                fields=["representative", "-created_at"],
                name="submission_rep_time",
                condition=Q(representative__isnull=False),
            ),
            models.Index(
                fields=["site", "-created_at"],
                name="submission_site_time",
                condition=Q(site__isnull=False),
            ),
            models.Index(
                fields=["logged_by", "-created_at"],
                name="submission_logger_time",
                condition=Q(logged_by__isnull=False),
            ),
            models.Index(
                fields=["placement"],
                name="submission_placement",
                condition=Q(placement__isnull=False),
            ),
            models.Index(
                fields=["contact_phone_hash"],
                name="submission_phone_hash",
                condition=~Q(contact_phone_hash=""),
            ),
            models.Index(
                fields=["contact_name_hash"],
                name="submission_name_hash",
                condition=~Q(contact_name_hash=""),
            ),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone_encrypted or self.contact_name_encrypted)

    @property
    def in_other_language(self) -> bool:
        """Written on a page in another language than Chinese (Uyghur, English)."""
        return not self.language.startswith("zh")

    @property
    def language_label(self) -> str:
        """The language's name as staff read it (维吾尔语), for the case page's badge."""
        return language_label(self.language)


class SubmissionPhoto(PhotoRenditions, models.Model):
    """A photo the resident attached, stored re-encoded with all metadata stripped, with its
    thumbnail and view size made when it is saved (``common.thumbnails``)."""

    PHOTO_KIND = "submission"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to="submissions/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    # Beside the original; the original's own name when it is small enough already.
    thumbnail = models.ImageField(max_length=NAME_MAX_LENGTH, blank=True, editable=False)
    view = models.ImageField(max_length=NAME_MAX_LENGTH, blank=True, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.image.name

    def save(self, *args, **kwargs):
        if self._state.adding and not self.thumbnail:  # older rows: ``photos_thumbnails``
            renditions_fill(self, "image")
        super().save(*args, **kwargs)


class PendingPhoto(models.Model):
    """A valid photo uploaded with a form that failed elsewhere: kept (already cleaned) under
    the form's one-time key so the resident need not attach it again."""

    form_key = models.UUIDField(db_index=True)
    image = models.ImageField(
        upload_to="pending/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class SubmissionCorrection(models.Model):
    """A correction to a submission (wrong community, a typo in the address…), kept apart so
    the original stays as the resident wrote it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=50)
    value = models.CharField(max_length=500)
    reason = models.CharField(max_length=200)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.submission} {self.field}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Not satisfied")


class Rating(models.Model):
    """The resident's rating of one reply (回访); one per reply."""

    case = models.ForeignKey("routing.Case", on_delete=models.CASCADE, related_name="ratings")
    # Who rated: the comment is theirs, shown to them and to staff, not to co-submitters.
    submission = models.ForeignKey(
        Submission, null=True, on_delete=models.CASCADE, related_name="ratings"
    )
    reply_number = models.PositiveIntegerField()
    value = models.CharField(_("rating"), max_length=12, choices=Satisfaction)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["case", "reply_number"], name="rating_one_per_reply"),
            models.CheckConstraint(
                condition=Q(value__in=Satisfaction.values), name="rating_value_valid"
            ),
        ]

    def __str__(self):
        return f"{self.case_id}#{self.reply_number} {self.value}"


class ContactAccess(models.Model):
    """An audit row: who saw a resident's contact details, when (DESIGN section 9)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact details viewed")
        verbose_name_plural = _("contact details viewed")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} → {self.submission_id}"


class PhoneLookup(models.Model):
    """A resident asked to list their own opinions (我的意见) by the number they gave: a
    one-time code is texted to it (``common.crypto.one_time_code`` of ``seed``; never
    stored). Made for any number asked for, known or not, so the answer never tells which
    numbers are known; only a known number gets the text."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    seed = models.CharField(max_length=32, default=_lookup_seed, editable=False)
    # The number's latest opinion: the SMS goes to the number stored there. None: unknown.
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone look-up")
        verbose_name_plural = _("phone look-ups")

    def __str__(self):
        return f"look-up {self.pk}"
