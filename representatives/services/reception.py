"""Recording reception days (接待选民活动)."""

from django.db import transaction

from representatives.models import ReceptionDay


@transaction.atomic
def reception_day_create(*, site, date, representatives, visitors: int, notes: str) -> ReceptionDay:
    """Record one reception day at ``site`` with who was there and how many came.

    Callers: station staff for their site, representatives for their own sites (the view's
    form restricts the choice of site and representatives).
    """
    day = ReceptionDay.objects.create(site=site, date=date, visitors=visitors, notes=notes)
    day.representatives.set(representatives)
    return day
