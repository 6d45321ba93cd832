"""Who and where: areas, liaison sites, representatives, QR codes and their placements."""

import re
import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


class Area(models.Model):
    """An administrative division in a four-tier tree: city → district → street → community."""

    Level = AreaLevel

    TIERS = {
        Level.CITY: 1,
        Level.DISTRICT: 2,
        Level.STREET: 3,
        Level.TOWNSHIP: 3,
        Level.COMMUNITY: 4,
        Level.VILLAGE: 4,
    }

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalised ancestors, set on save: grouping and area-scoped filters need no recursion.
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    street = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Materialised path of codes ("650200/650203/650203002/"); a prefix match selects a subtree.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AreaLevel.values), name="area_level_valid"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        parent = self.parent
        self.path = f"{parent.path if parent else ''}{self.code}/"
        tier = self.tier
        self.district = parent.district if parent and tier > 2 else None
        self.street = parent.street if parent and tier > 3 else None
        super().save(*args, **kwargs)
        # A district (street) is its own district (street); that needs the row's own id.
        own = {"district": self} if tier == 2 else {"street": self} if tier == 3 else {}
        if own:
            for name, value in own.items():
                setattr(self, name, value)
            Area.objects.filter(pk=self.pk).update(**own)

    @property
    def tier(self) -> int:
        return self.TIERS[self.level]

    @classmethod
    def community_levels(cls) -> list[str]:
        """The levels of the lowest tier: a community and a village."""
        lowest = cls.TIERS[AreaLevel.COMMUNITY]
        return [level for level, tier in cls.TIERS.items() if tier == lowest]

    @property
    def is_community(self) -> bool:
        """A community or a village (the lowest tier)."""
        return self.tier == self.TIERS[AreaLevel.COMMUNITY]

    def clean(self):
        from django.core.exceptions import ValidationError

        parent_tier = self.parent.tier if self.parent_id else 0
        if self.tier != parent_tier + 1:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit directly under the tier above it.")
                    % {"level": self.get_level_display()}
                }
            )

    def is_within(self, other: "Area") -> bool:
        """True when this area is ``other`` or lies under it."""
        return self.path.startswith(other.path)


class SiteKind(models.TextChoices):
    HOME = "home", _("Representatives' home")
    STATION = "station", _("Liaison station")
    POINT = "point", _("Liaison point")


class LiaisonSite(models.Model):
    """A place where representatives meet residents: home (家), station (站) or point (点)."""

    Kind = SiteKind

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    area = models.ForeignKey(
        Area, verbose_name=_("area served"), on_delete=models.PROTECT, related_name="sites"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    reception_day = models.PositiveSmallIntegerField(
        _("reception day of the month"),
        null=True,
        blank=True,
        help_text=_("Day of the month (1–28) of the regular reception day, if any."),
    )
    reception_rule = models.CharField(
        _("reception-day rule"),
        max_length=100,
        blank=True,
        help_text=_("As residents should read it, e.g. “the 10th of every month, 9:30–12:00”."),
    )
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("liaison site")
        verbose_name_plural = _("liaison sites")
        ordering = ["area__path", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="site_kind_valid"),
            models.CheckConstraint(
                condition=Q(reception_day__isnull=True)
                | Q(reception_day__gte=1, reception_day__lte=28),
                name="site_reception_day_1_28",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("representatives:site-detail", args=[self.pk])

    def upcoming_reception_dates(self, today, count: int = 3) -> list:
        """The next ``count`` regular reception days on or after ``today`` (from the rule)."""
        if not self.reception_day:
            return []
        dates, year, month = [], today.year, today.month
        while len(dates) < count:
            day = date(year, month, self.reception_day)
            if day >= today:
                dates.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return dates


class Expertise(models.Model):
    """A field a representative knows well (used to route direct replies)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class CongressLevel(models.TextChoices):
    CITY = "city", _("City people's congress")
    DISTRICT = "district", _("District people's congress")


class Representative(models.Model):
    """An elected deputy of the city or a district people's congress."""

    Level = CongressLevel

    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("congress level"), max_length=10, choices=Level)
    delegation = models.CharField(_("delegation"), max_length=100, blank=True)
    expertise = models.ManyToManyField(
        Expertise, verbose_name=_("fields of expertise"), blank=True, related_name="+"
    )
    sites = models.ManyToManyField(
        LiaisonSite, verbose_name=_("liaison sites"), blank=True, related_name="representatives"
    )
    profile = models.TextField(_("public profile"), max_length=1000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="representatives/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representative",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=CongressLevel.values), name="rep_level_valid"
            ),
            models.UniqueConstraint(
                fields=["level", "delegation", "name"], name="rep_unique_in_delegation"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("representatives:representative-detail", args=[self.pk])


def new_token() -> str:
    """An unguessable URL-safe token (96 random bits), never derived from a database id."""
    return secrets.token_urlsafe(12)


class TokenStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class RevocableToken(models.Model):
    """An unguessable intake token that can be revoked and replaced (a code or a placement)."""

    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=TokenStatus, default=TokenStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse("feedback:intake", args=[self.token])

    @property
    def is_active(self) -> bool:
        return self.status == TokenStatus.ACTIVE

    def intake_url(self) -> str:
        """The absolute URL printed in the QR image."""
        return settings.PUBLIC_BASE_URL + self.get_absolute_url()


class QRCode(RevocableToken):
    """The intake code of one site or one representative (联络站码 / 代表码)."""

    site = models.ForeignKey(
        LiaisonSite, null=True, blank=True, on_delete=models.CASCADE, related_name="qr_codes"
    )
    representative = models.ForeignKey(
        Representative,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="qr_codes",
    )

    class Meta:
        verbose_name = _("QR code")
        verbose_name_plural = _("QR codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=False, representative__isnull=True)
                | Q(site__isnull=True, representative__isnull=False),
                name="qrcode_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TokenStatus.values), name="qrcode_status_valid"
            ),
            models.UniqueConstraint(
                fields=["site"], condition=Q(status="active"), name="qrcode_one_active_per_site"
            ),
            models.UniqueConstraint(
                fields=["representative"],
                condition=Q(status="active"),
                name="qrcode_one_active_per_representative",
            ),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.site if self.site_id else self.representative


class QRPlacement(RevocableToken):
    """One printed copy of a code hung at a named place (亮码), with a token of its own."""

    code = models.ForeignKey(
        QRCode, verbose_name=_("QR code"), on_delete=models.CASCADE, related_name="placements"
    )
    name = models.CharField(_("place"), max_length=100)
    location = models.CharField(_("where exactly"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("QR placement")
        verbose_name_plural = _("QR placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TokenStatus.values),
                name="qrplacement_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def target(self):
        return self.code.target


class Role(models.TextChoices):
    """The roles of DESIGN section 6; each is also a Django group of the same name."""

    REPRESENTATIVE = "representative", _("Representative")
    STATION_STAFF = "station_staff", _("Station staff")
    COMMITTEE_STAFF = "committee_staff", _("Standing-committee staff")
    UNIT_STAFF = "unit_staff", _("Handling-unit staff")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


CJK = re.compile(r"[\u4e00-\u9fff]")


def person_name(user) -> str:
    """How staff pages name a person: the real name (family name first for a Chinese name,
    林晓燕 rather than "晓燕 林"), with the title when the person has one, and the sign-in name
    only when no name was given."""
    first, last = user.first_name.strip(), user.last_name.strip()
    chinese = CJK.search(first + last)
    name = (f"{last}{first}" if chinese else f"{first} {last}".strip()) or user.get_username()
    try:
        title = user.official.title  # select_related("…__official") where a list names people
    except ObjectDoesNotExist:
        title = ""
    return f"{name}（{title}）" if title else name


class Official(models.Model):
    """The role and scope of a signed-in user: which area, site or unit they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Staff and leaders see this area and everything under it."),
    )
    site = models.ForeignKey(
        LiaisonSite, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "routing.HandlingUnit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    title = models.CharField(
        _("job title"),
        max_length=60,
        blank=True,
        help_text=_("Shown to colleagues next to the name, e.g. 联络工作科科长."),
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="official_role_valid"),
            models.CheckConstraint(
                condition=~Q(role="unit_staff") | Q(unit__isnull=False),
                name="official_unit_staff_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role="station_staff") | Q(site__isnull=False),
                name="official_station_staff_has_site",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class ReceptionDay(models.Model):
    """A reception day at a site (接待选民活动). Scheduled ahead (date, hours, who receives:
    announced on the site's page as upcoming), then recorded once it happened (who was there,
    how many came, notes): ``recorded_at`` tells the two apart. A day that nobody scheduled can
    be recorded afterwards directly."""

    site = models.ForeignKey(
        LiaisonSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="reception_days"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    representatives = models.ManyToManyField(
        Representative, verbose_name=_("representatives"), blank=True, related_name="+"
    )
    visitors = models.PositiveIntegerField(_("number of visitors"), default=0)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="reception_day_unique_per_site"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="reception_day_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.site} {self.date:%Y-%m-%d}"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None
