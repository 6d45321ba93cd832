"""公示 after seeding: a few closed demo cases whose residents agreed, published by the demo
committee account, and one announcement open for comments, so that the public pages are not
empty after ``make run``. Through the real services; idempotent (left alone once there)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.keys import DEMO_KEY_RANGE
from feedback.services.consent import submission_publication_consent_set
from notices.models import Announcement, CasePublication
from notices.selectors import case_is_reported_wrongdoing, case_public_photos, case_public_reply
from notices.services.announcement import announcement_create
from notices.services.publication import case_publish
from representatives.models import Area, LiaisonSite
from routing.models import Case, CaseStatus

PUBLISHED = 3


def demo_gongshi_fill() -> list[str]:
    """Publish up to three closed demo cases of communities and announce one plan at the
    community of the first demo site; returns what was done (for the command's output)."""
    committee = (
        get_user_model()
        .objects.filter(username="demo_committee")
        .select_related("official__area")
        .first()
    )
    if committee is None:
        return []  # no demo accounts (seed_demo --no-accounts)
    done = []
    if not CasePublication.objects.exists():
        published = 0
        candidates = (
            Case.objects.filter(
                status=CaseStatus.CLOSED,
                area__level__in=Area.community_levels(),
                submissions__idempotency_key__range=DEMO_KEY_RANGE,
            )
            .distinct()
            .order_by("-closed_at", "-pk")[:50]
        )
        for case in candidates:
            if case_is_reported_wrongdoing(case) or case_public_reply(case) is None:
                continue
            for submission in case.submissions.all():
                submission_publication_consent_set(submission=submission, agree=True)
            photos = [p.pk for p in case_public_photos(case)][:2]
            case_publish(case_id=case.pk, actor=committee, show_reply=True, photo_ids=photos)
            published += 1
            if published == PUBLISHED:
                break
        done.append(f"公示 cases published: {published}")
    site = LiaisonSite.objects.filter(is_demo=True, is_active=True).select_related("area").first()
    if (
        not Announcement.objects.exists()
        and site is not None
        and site.area.is_within(committee.official.area)
    ):
        today = timezone.localdate()
        announcement_create(
            actor=committee,
            official=committee.official,
            area=site.area,
            site=None,
            title="北门路灯更换及无障碍步道铺设计划",
            body=(
                "根据居民反映，计划下月更换小区北门至幼儿园一段的路灯，并铺设无障碍步道。"
                "施工期间保留一条通道。欢迎居民在征求意见期内提出意见和建议。"
            ),
            opens_on=today,
            closes_on=today + timedelta(days=14),
        )
        done.append(f"公示 announcement: {site.area.name}")
    return done
