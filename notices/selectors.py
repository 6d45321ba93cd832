"""What the 公示 pages read (docs/gongshi.md, decision 0024).

Public: the closed cases of a community or a site (category, street, community, dates), with
the reply and photos only where staff published them and every resident of the case agreed
(read live: a resident who takes consent back hides them at once); never a report of
wrongdoing, never the residents' words, names, numbers, tracking codes or photos. Staff: what
a case can show, and its publications."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from feedback.models import RequestType, Submission
from notices.models import Announcement, AnnouncementComment, CasePublication
from representatives.models import Area, LiaisonSite
from representatives.selectors import area_ids_under
from routing.models import Case, CaseAttachment, CaseEvent, CaseStatus


def _reported() -> Exists:
    # A case one of whose residents reported wrongdoing: that it exists is itself protected.
    return Exists(Submission.objects.filter(case=OuterRef("pk"), request_type=RequestType.REPORT))


def _consent_missing(case_ref: str = "pk") -> Exists:
    return Exists(
        Submission.objects.filter(case=OuterRef(case_ref), publication_consent_at__isnull=True)
    )


def case_is_reported_wrongdoing(case: Case) -> bool:
    return case.request_type == RequestType.REPORT or (
        Submission.objects.filter(case=case, request_type=RequestType.REPORT).exists()
    )


def case_consent_given(case: Case) -> bool:
    """Every resident whose opinion is in the case agreed to show its result (one query)."""
    subs = Submission.objects.filter(case=case)
    return subs.exists() and not subs.filter(publication_consent_at__isnull=True).exists()


def case_public_reply(case: Case) -> CaseEvent | None:
    """The last reply the residents were shown (the text a publication may show as it is)."""
    return (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REPLY, is_public=True)
        .exclude(note="")
        .order_by("-created_at", "-pk")
        .first()
    )


def case_public_photos(case: Case) -> list[CaseAttachment]:
    """The result photos the residents were shown (attachments of public events)."""
    return list(
        CaseAttachment.objects.filter(event__case=case, event__is_public=True).order_by("pk")
    )


def case_publication_live(case: Case) -> CasePublication | None:
    return (
        CasePublication.objects.filter(case=case, withdrawn_at__isnull=True)
        .select_related("reply", "published_by")
        .prefetch_related("photos")
        .first()
    )


def case_publication_history(case: Case) -> QuerySet[CasePublication]:
    return CasePublication.objects.filter(case=case).select_related("published_by", "withdrawn_by")


# --- The public pages ---------------------------------------------------------------------


def community_or_404(pk: int) -> Area:
    """A community (or village): the areas with a 公示 page of their own."""
    area = Area.objects.filter(pk=pk).select_related("street").first()
    if area is None or not area.is_community:
        raise Http404
    return area


def site_or_404(pk: int) -> LiaisonSite:
    return get_object_or_404(
        LiaisonSite.objects.select_related("area__street"), pk=pk, is_active=True
    )


def resolved_cases(*, community: Area | None = None, site: LiaisonSite | None = None):
    """The closed cases of a community (its own area) or of a site (came in through it),
    newest closure first, with their live publication's id where every resident agreed.
    Reports of wrongdoing are left out."""
    qs = Case.objects.filter(status=CaseStatus.CLOSED).exclude(request_type=RequestType.REPORT)
    if community is not None:
        qs = qs.filter(area=community)
    if site is not None:
        qs = qs.filter(site=site)
    live = CasePublication.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        qs.exclude(_reported())
        .annotate(
            publication_id=Subquery(live.values("pk")[:1]),
            consent_missing=_consent_missing(),
        )
        .select_related("category", "area", "street")
        .only(
            "status",
            "created_at",
            "closed_at",
            "category__name",
            "area__name",
            "area__level",
            "street__name",
        )
        .order_by(F("closed_at").desc(nulls_last=True), "-pk")
    )


@dataclass
class ResolvedRow:
    case: Case
    publication: CasePublication | None

    @property
    def reply(self) -> str:
        p = self.publication
        return p.reply.note if p is not None and p.reply is not None else ""

    @property
    def photo_args(self) -> tuple[str, ...]:
        """The leading arguments of ``notices:photo`` (``photo_url``)."""
        return (self.publication.token,) if self.publication is not None else ()

    @property
    def photos(self) -> list[CaseAttachment]:
        return list(self.publication.photos.all()) if self.publication is not None else []


def resolved_rows(cases) -> list[ResolvedRow]:
    """One page's rows with what their publications show: two queries more when the page
    has any publication (the publications with their replies; their photos)."""
    cases = list(cases)
    shown = [c.publication_id for c in cases if c.publication_id and not c.consent_missing]
    publications = {
        p.pk: p
        for p in CasePublication.objects.filter(pk__in=shown)
        .select_related("reply")
        .only("token", "case_id", "reply__note")
        .prefetch_related("photos")
    }
    return [ResolvedRow(case=c, publication=publications.get(c.publication_id)) for c in cases]


def announcements_public(
    *, community: Area | None = None, site: LiaisonSite | None = None
) -> list[Announcement]:
    """Announcements shown on a community's page (all of the community's) or a site's (the
    site's, and the community's that name no site), newest first; withdrawn ones gone."""
    qs = Announcement.objects.filter(withdrawn_at__isnull=True)
    if community is not None:
        qs = qs.filter(area=community)
    if site is not None:
        qs = qs.filter(Q(site=site) | Q(site__isnull=True, area_id=site.area_id))
    return list(qs.select_related("area").order_by("-created_at", "-pk")[:20])


def announcement_public_or_404(pk: int) -> Announcement:
    return get_object_or_404(
        Announcement.objects.select_related("area", "site"), pk=pk, withdrawn_at__isnull=True
    )


def published_photo_or_404(token: str, pk: int) -> CaseAttachment:
    """A photo of a live publication whose residents all still agree; 404 otherwise (one
    query)."""
    live = CasePublication.objects.filter(token=token, withdrawn_at__isnull=True).exclude(
        _consent_missing("case_id")
    )
    photo = CaseAttachment.objects.filter(
        pk=pk, pk__in=live.values("photos"), event__case_id__in=live.values("case_id")
    ).first()
    if photo is None:
        raise Http404
    return photo


# --- Staff --------------------------------------------------------------------------------


def announcement_list_for_official(official) -> QuerySet[Announcement]:
    """Announcements of areas under the official's, newest first, with their comment count."""
    return (
        Announcement.objects.filter(area_id__in=area_ids_under(official.area))
        .select_related("area", "site")
        .annotate(comment_count=Count("comments"))
        .order_by("-created_at", "-pk")
    )


def get_announcement_for_official_or_404(official, pk: int) -> Announcement:
    found = (
        Announcement.objects.filter(pk=pk, area_id__in=area_ids_under(official.area))
        .select_related("area", "site", "created_by", "withdrawn_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def announcement_comments(announcement: Announcement) -> QuerySet[AnnouncementComment]:
    return AnnouncementComment.objects.filter(announcement=announcement).order_by(
        "-created_at", "-pk"
    )


def areas_for_announcements(official) -> QuerySet[Area]:
    """The communities (and villages) under the official's area."""
    return Area.objects.filter(
        path__startswith=official.area.path, level__in=Area.community_levels()
    ).order_by("path")


def sites_for_announcements(official) -> QuerySet[LiaisonSite]:
    """The active sites of those communities: an announcement's site must be one of its
    community's (``announcement_create``), so a street's or a district's site is not offered."""
    return LiaisonSite.objects.filter(
        area__path__startswith=official.area.path,
        area__level__in=Area.community_levels(),
        is_active=True,
    ).order_by("name")
