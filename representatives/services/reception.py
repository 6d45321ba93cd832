"""Reception days (接待选民活动): scheduled ahead, recorded once they happened."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from representatives.models import ReceptionDay


@transaction.atomic
def reception_day_schedule(
    *, site, date, starts_at, ends_at, representatives, notes: str = ""
) -> ReceptionDay:
    """Announce a coming reception day at ``site``: the date, the hours and who receives. It
    shows on the site's page as upcoming until it is recorded.

    Callers: station staff for their site, representatives for their own sites (the view's
    form restricts the choice of site and representatives)."""
    if date < timezone.localdate():
        raise ValidationError({"date": _("A day in the past is recorded, not scheduled.")})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The reception must end after it starts.")})
    try:
        with transaction.atomic():
            day = ReceptionDay.objects.create(
                site=site, date=date, starts_at=starts_at, ends_at=ends_at, notes=notes
            )
    except IntegrityError:
        raise ValidationError(
            {"date": _("This site already has a reception day on that date.")}
        ) from None
    day.representatives.set(representatives)
    return day


@transaction.atomic
def reception_day_record(
    *, site, date, representatives, visitors: int, notes: str, day: ReceptionDay | None = None
) -> ReceptionDay:
    """Record a reception day that happened: who was there, how many came, notes. Completes
    the day scheduled for that site and date if there is one (or ``day``, chosen from the
    list of scheduled days), else records a new one. Opinions heard there are logged with the
    log form, pointing at the day."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("A day still to come is scheduled, not recorded.")})
    day = day or ReceptionDay.objects.filter(site=site, date=date).first()
    if day is not None and day.is_recorded and (day.site_id, day.date) == (site.pk, date):
        raise ValidationError({"date": _("This reception day was recorded already.")})
    if day is None:
        day = ReceptionDay(site=site)
    day.site, day.date, day.visitors, day.notes = site, date, visitors, notes
    day.recorded_at = timezone.now()
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        raise ValidationError(
            {"date": _("This site already has a reception day on that date.")}
        ) from None
    day.representatives.set(representatives)
    return day
