"""Who must hear about a step of a case (the notices themselves: ``notifications``)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from representatives.models import Role


def committee_public_name() -> str:
    """How the committee signs what residents read (never a staff member's name). Stored on
    the event, so it is written in the site's language whatever language the staff member's
    screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Standing committee")


def committee_staff_for(case):
    """Committee staff whose area contains the case's area (the street working committee,
    the district and the city)."""
    User = get_user_model()
    path = case.area.path
    ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    return User.objects.filter(
        is_active=True,
        official__role=Role.COMMITTEE_STAFF,
        official__area__path__in=ancestors,
    )


def unit_staff_for(unit):
    User = get_user_model()
    return User.objects.filter(is_active=True, official__role=Role.UNIT_STAFF, official__unit=unit)


def direct_responders_for(case):
    """Who writes a direct reply: the case's representative, or the staff of its site."""
    User = get_user_model()
    q = Q(pk__in=[])
    if case.representative_id:
        q |= Q(representative__pk=case.representative_id)
    if case.site_id:
        q |= Q(official__role=Role.STATION_STAFF, official__site_id=case.site_id)
    return User.objects.filter(q, is_active=True)
