"""Read paths for the public directory and for resolving intake tokens."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.shortcuts import get_object_or_404

from common.cache import TTLCache
from representatives.models import (
    Area,
    LiaisonSite,
    QRCode,
    QRPlacement,
    ReceptionDay,
    Representative,
    TokenStatus,
)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")

# The area tree changes a few times a year; an edit in this process clears it at once.
_subtree_cache = TTLCache(300, max_size=1000)
post_save.connect(_subtree_cache.clear, sender=Area, dispatch_uid="area-subtree")
post_delete.connect(_subtree_cache.clear, sender=Area, dispatch_uid="area-subtree-d")


def area_ids_under(area: Area) -> tuple[int, ...]:
    """The ids of ``area`` and every area under it, from the process's cache: a filter on
    ``area_id IN (…)`` lets PostgreSQL read a table's own indexes and statistics where a join
    on the tree's paths hid them from the planner (docs/benchmarks.md, staff lists)."""

    def build() -> tuple[int, ...]:
        return tuple(
            Area.objects.filter(path__startswith=area.path)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    return _subtree_cache.get(area.path, build)


def _active_representatives() -> Prefetch:
    return Prefetch(
        "representatives",
        queryset=Representative.objects.filter(is_active=True).order_by("level", "name"),
        to_attr="active_representatives",
    )


def site_list_for_directory(query: str = "") -> QuerySet[LiaisonSite]:
    """Active sites for ``/stations/``, optionally searched by name, place or representative.

    Public; two queries whatever the number of sites (sites with their areas, then their
    representatives).
    """
    sites = LiaisonSite.objects.filter(is_active=True).select_related(
        "area", "area__district", "area__street"
    )
    query = query.strip()[:50]
    if query:
        rep_match = Representative.objects.filter(
            sites=OuterRef("pk"), is_active=True, name__contains=query
        )
        sites = sites.filter(
            Q(name__contains=query)
            | Q(address__contains=query)
            | Q(area__name__contains=query)
            | Q(area__street__name__contains=query)
            | Q(area__district__name__contains=query)
            | Exists(rep_match)
        )
    return sites.order_by("area__path", "kind", "name").prefetch_related(_active_representatives())


@dataclass
class StreetGroup:
    """The sites of one street (or township), the street's own site first.

    ``street`` is ``None`` for the sites at city or district level, listed ahead of the
    streets and not collapsed.
    """

    street: object
    sites: list = field(default_factory=list)
    is_open: bool = False

    @property
    def count(self) -> int:
        return len(self.sites)


@dataclass
class DistrictGroup:
    """One district's sites, by street. ``district`` is ``None`` for the city-wide group."""

    district: object
    streets: list = field(default_factory=list)
    is_open: bool = False

    @property
    def count(self) -> int:
        return sum(street.count for street in self.streets)


def group_sites_by_district_and_street(sites, *, searching: bool = False) -> list[DistrictGroup]:
    """Group sites into district → street sections for the collapsed directory.

    Districts come in area-code order (the city-wide group first), streets in code order
    within their district after the district's own sites, sites in the order given
    (``site_list_for_directory``'s). Pure Python over the areas already joined to the sites:
    no query.

    A group is open when ``searching`` (the results show at once) or when it is the only one
    at its level (nothing to choose between).
    """
    districts: dict[int | None, DistrictGroup] = {}
    streets: dict[tuple[int | None, int | None], StreetGroup] = {}
    for site in sites:
        area = site.area
        group = districts.get(area.district_id)
        if group is None:
            group = districts[area.district_id] = DistrictGroup(area.district)
        key = (area.district_id, area.street_id)
        street_group = streets.get(key)
        if street_group is None:
            street_group = streets[key] = StreetGroup(area.street)
            group.streets.append(street_group)
        street_group.sites.append(site)

    def path(area) -> str:
        return area.path if area is not None else ""

    groups = sorted(districts.values(), key=lambda g: path(g.district))
    for group in groups:
        group.streets.sort(key=lambda g: path(g.street))
        group.is_open = searching or len(groups) == 1
        only_one = len(group.streets) == 1
        for street_group in group.streets:
            street_group.is_open = searching or only_one or street_group.street is None
    return groups


def site_get_public_or_404(pk: int) -> LiaisonSite:
    """One active site with its representatives and its active code, for the public page."""
    return get_object_or_404(
        LiaisonSite.objects.filter(is_active=True)
        .select_related("area", "area__district", "area__street")
        .prefetch_related(
            _active_representatives(),
            Prefetch(
                "qr_codes",
                queryset=QRCode.objects.filter(status=TokenStatus.ACTIVE),
                to_attr="active_codes",
            ),
        ),
        pk=pk,
    )


def representative_get_public_or_404(pk: int) -> Representative:
    """One active representative with sites, expertise and active code, for the public page."""
    return get_object_or_404(
        Representative.objects.filter(is_active=True).prefetch_related(
            Prefetch("sites", queryset=LiaisonSite.objects.filter(is_active=True)),
            "expertise",
            Prefetch(
                "qr_codes",
                queryset=QRCode.objects.filter(status=TokenStatus.ACTIVE),
                to_attr="active_codes",
            ),
        ),
        pk=pk,
    )


class TokenRevoked(Exception):
    """The token existed but was revoked (answer 410 Gone)."""


@dataclass
class ResolvedToken:
    code: QRCode
    placement: QRPlacement | None

    @property
    def target(self):
        return self.code.target


# Active tokens resolved in the last minute, per process: every scan of a poster resolves the
# same token, and the intake request should cost one INSERT, not a four-table join as well.
# Revoking through the services forgets the token at once in this process; other processes
# (and deactivating a site in the admin) follow within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 60
TOKEN_CACHE_SIZE = 20_000
_token_cache = TTLCache(TOKEN_CACHE_SECONDS, max_size=TOKEN_CACHE_SIZE)
forget_token = _token_cache.forget


def qr_token_resolve(token: str) -> ResolvedToken:
    """Map an intake token (a code's or a placement's) to what it points at.

    Raises ``Http404`` for malformed or unknown tokens, ``TokenRevoked`` for revoked ones or
    for an active placement whose target is no longer active. Public; at most one query, none
    when the token was resolved in this process in the last minute.
    """
    if not TOKEN_RE.match(token):
        raise Http404
    return _token_cache.get(token, lambda: _resolve(token))


def _resolve(token: str) -> ResolvedToken:
    code_qs = QRCode.objects.select_related("site", "site__area", "representative")
    code = code_qs.filter(token=token).first()
    placement = None
    if code is None:
        placement = (
            QRPlacement.objects.select_related(
                "code", "code__site", "code__site__area", "code__representative"
            )
            .filter(token=token)
            .first()
        )
        if placement is None:
            raise Http404
        code = placement.code
        if not placement.is_active:
            raise TokenRevoked
    if not code.is_active and placement is None:
        raise TokenRevoked
    if not code.target.is_active:
        raise TokenRevoked
    return ResolvedToken(code=code, placement=placement)


def sites_for_official(user):
    """The sites a representative belongs to, or the station staff member's site; else none."""
    from representatives.models import Role

    official = getattr(user, "official", None)
    if official is not None and official.role == Role.STATION_STAFF:
        return LiaisonSite.objects.filter(pk=official.site_id)
    rep = getattr(user, "representative", None)
    if official is not None and official.role == Role.REPRESENTATIVE and rep is not None:
        return rep.sites.filter(is_active=True)
    return LiaisonSite.objects.none()


def own_active_code(user) -> QRCode | None:
    """The QR code that is the signed-in official's own: a representative's personal code, or
    the code of a station staff member's site (for the poster they print)."""
    from representatives.models import Role

    official = getattr(user, "official", None)
    if official is None:
        return None
    codes = QRCode.objects.filter(status=TokenStatus.ACTIVE).select_related(
        "representative", "site"
    )
    rep = getattr(user, "representative", None)
    if official.role == Role.REPRESENTATIVE and rep is not None:
        return codes.filter(representative=rep).first()
    if official.role == Role.STATION_STAFF and official.site_id:
        return codes.filter(site_id=official.site_id).first()
    return None


def site_reception_days(site, today) -> tuple[list, list]:
    """A site's coming scheduled reception days (with who receives) and its last three
    recorded ones: two queries, three when days are scheduled."""
    scheduled = list(
        site.reception_days.filter(recorded_at__isnull=True, date__gte=today)
        .prefetch_related("representatives")
        .order_by("date", "starts_at")[:5]
    )
    recorded = list(site.reception_days.filter(recorded_at__isnull=False).order_by("-date")[:3])
    return scheduled, recorded


def reception_days_to_follow(user, today, *, days_back: int = 30) -> list:
    """The person's sites' scheduled reception days not yet recorded (the coming ones, and
    those of the last month still waiting to be recorded), soonest first: one query."""
    sites = sites_for_official(user)
    return list(
        ReceptionDay.objects.filter(
            site__in=sites.values("pk"),
            recorded_at__isnull=True,
            date__gte=today - timedelta(days=days_back),
        )
        .select_related("site")
        .order_by("date", "starts_at")[:10]
    )
