"""Announcements (公示) of plans under way, and residents' comments on them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import COMMENT_MAX_LENGTH, Announcement, AnnouncementComment


@transaction.atomic
def announcement_create(
    *, actor, official, area, site, title, body, opens_on, closes_on, cases=()
) -> Announcement:
    """Announce a plan to a community (and, optionally, one of its sites) with a comment
    period. ``official`` is the author's committee profile: the community, the site and the
    linked cases must lie in their area. Shown publicly at once."""
    errors = {}
    if not area.is_within(official.area):
        errors["area"] = _("Choose a community in your area.")
    if site is not None and not site.area.is_within(area):
        errors["site"] = _("Choose a site of this community, or none.")
    if closes_on < opens_on:
        errors["closes_on"] = _("The comment period must end on or after the day it begins.")
    outside = [c for c in cases if not c.area.is_within(official.area)]
    if outside:
        errors["cases"] = _("Some cases are not in your area.")
    if errors:
        raise ValidationError(errors)
    announcement = Announcement.objects.create(
        area=area,
        site=site,
        title=title.strip(),
        body=body.strip(),
        comments_open_on=opens_on,
        comments_close_on=closes_on,
        created_by=actor,
    )
    if cases:
        announcement.cases.set(cases)
    return announcement


@transaction.atomic
def announcement_withdraw(*, announcement_id: int, actor) -> Announcement:
    """Take an announcement off the public pages (its comments stay for staff)."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
    if announcement.withdrawn_at is None:
        announcement.withdrawn_at = timezone.now()
        announcement.withdrawn_by = actor
        announcement.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return announcement


def announcement_comments_refusal(announcement: Announcement) -> str:
    """Why a comment is refused now ("" while the period is open): not open yet (with the
    day it opens) or over."""
    if announcement.comments_open:
        return ""
    if announcement.withdrawn_at is None and announcement.comments_state() == "soon":
        return _("The comment period has not begun yet: comments can be sent from %(date)s.") % {
            "date": announcement.comments_open_on.isoformat()
        }
    return _("The comment period is over.")


def announcement_comment_add(*, announcement: Announcement, text: str) -> AnnouncementComment:
    """A resident's comment, while the comment period is open; the words only. Called by the
    public page (rate-limited per address there)."""
    text = text.strip()
    if refusal := announcement_comments_refusal(announcement):
        raise ValidationError({"text": refusal})
    if not text:
        raise ValidationError({"text": _("Please write your comment.")})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Please keep it under %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}}
        )
    return AnnouncementComment.objects.create(announcement=announcement, text=text)
