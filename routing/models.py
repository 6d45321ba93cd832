"""The case and its handling. This issue adds the handling units; the workflow comes later."""

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
