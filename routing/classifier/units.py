"""Handling units for a suggestion: ``unit_for`` turns a suggestion into a ``HandlingUnit``
from a per-process cache of all active units (one query, refreshed every ``UNIT_CACHE_TTL``
seconds or by ``clear_cache()``)."""

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from common.cache import TTLCache
from routing.classifier.suggestion import Suggestion
from routing.models import HandlingUnit
from routing.routes import ROUTES

UNIT_CACHE_TTL = 300


@dataclass
class _UnitIndex:
    by_name: dict[str, HandlingUnit]
    by_street: dict[int, HandlingUnit]  # street/township area id -> its office or government
    by_kind: dict[str, HandlingUnit]  # first unit of each kind (the fixed city bodies)


_cache = TTLCache(UNIT_CACHE_TTL)
clear_cache = _cache.clear


def _units() -> _UnitIndex:
    return _cache.get("units", _index)


def _index() -> _UnitIndex:
    units = list(HandlingUnit.objects.filter(is_active=True).order_by("pk"))
    street_kinds = {HandlingUnit.Kind.STREET_OFFICE, HandlingUnit.Kind.TOWNSHIP_GOVERNMENT}
    by_kind: dict[str, HandlingUnit] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, unit)
    return _UnitIndex(
        by_name={u.name: u for u in units},
        by_street={u.area_id: u for u in units if u.kind in street_kinds and u.area_id},
        by_kind=by_kind,
    )


def _street_id(area) -> int | None:
    if area is None:
        return None
    if area.tier == 3:
        return area.pk
    if area.tier == 4:
        return area.street_id
    return None  # a city or district names no street office


def unit_for(suggestion: Suggestion, area) -> HandlingUnit | None:
    """The handling unit the suggestion's route points to, for a submission from ``area``
    (supervision does not change it; ``routing.routes`` says which kinds each route uses).

    A route that sends to a street office at triage (assign): the street office or township
    government of ``area``'s street (none when ``area`` is None, a district or the city). A
    route whose case a dispatcher forwards (transfer): the first existing unit of
    ``suggestion.unit_names`` of a kind it may be forwarded to, else the body committee review
    sends it to (the city government office). Report: the higher-level standing committee.
    Direct: none. At most one query per process every ``UNIT_CACHE_TTL`` seconds.
    """
    policy = ROUTES[suggestion.route]
    index = _units()
    if policy.triage_unit_kinds:
        street = _street_id(area)
        return index.by_street.get(street) if street else None
    for name in suggestion.unit_names:
        unit = index.by_name.get(name)
        if unit is not None and unit.kind in policy.forward_kinds:
            return unit
    return index.by_kind.get(policy.after_review) if policy.after_review else None


# Units change a few times a year, through the admin; other processes catch up within the TTL.
post_save.connect(_cache.clear, sender=HandlingUnit, dispatch_uid="classifier-forget-units")
post_delete.connect(_cache.clear, sender=HandlingUnit, dispatch_uid="classifier-forget-units")
