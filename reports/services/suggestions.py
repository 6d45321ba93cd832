"""From recurring concerns to representatives' suggestions (代表建议) and congress motions
(议案), keeping the links to the cases they came from."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.months import add_months
from feedback.models import Satisfaction
from reports.models import Motion, Suggestion
from reports.periods import Period
from routing.models import Case, Category

REPLY_MONTHS = 3  # the unit answers within three months...
EXTENDED_MONTHS = 6  # ...or six, when a difficult one is approved


def suggestion_from_cluster(*, street, category: Category, period: Period, actor) -> Suggestion:
    """One click on a recurring issue (the same kind of matter in one street): a draft
    suggestion linked to every case of that street and category in the period."""
    start, end = period.bounds()
    cases = list(
        Case.objects.filter(
            area__path__startswith=street.path,
            category=category,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(status="merged")
        .values_list("pk", flat=True)
    )
    if not cases:
        raise ValidationError(_("No case of this kind in this street in the period."))
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            title=_("On %(category)s in %(street)s")
            % {"category": category.name, "street": street.name},
            text=_(
                "%(count)s cases about %(category)s came from %(street)s in %(period)s. "
                "Describe the common problem and what should be done."
            )
            % {
                "count": len(cases),
                "category": category.name,
                "street": street.name,
                "period": period.label,
            },
            street=street,
            category=category,
            created_by=actor,
        )
        suggestion.cases.set(cases)
    return suggestion


def suggestion_submit(
    *, suggestion_id: int, actor, representatives, unit, on: date | None = None
) -> Suggestion:
    """The representatives raise it and it is handed to a unit: the reply is due in three
    months."""
    on = on or timezone.localdate()
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.state != Suggestion.State.DRAFT:
            raise ValidationError(_("This suggestion was already submitted."))
        if not representatives:
            raise ValidationError({"representatives": _("At least one representative raises it.")})
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit that answers it.")})
        suggestion.representatives.set(representatives)
        suggestion.unit = unit
        suggestion.submitted_on = on
        suggestion.reply_due = add_months(on, REPLY_MONTHS)
        suggestion.state = Suggestion.State.SUBMITTED
        suggestion.save(update_fields=["unit", "submitted_on", "reply_due", "state"])
    return suggestion


def suggestion_extend(*, suggestion_id: int, actor, on: date | None = None) -> Suggestion:
    """A difficult suggestion gets six months instead of three (once, approved before the
    three months are over)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        submitted_on, reply_due = suggestion.submitted_on, suggestion.reply_due
        if (
            suggestion.state != Suggestion.State.SUBMITTED
            or suggestion.extended
            or submitted_on is None
            or reply_due is None
        ):
            raise ValidationError(_("Only a submitted suggestion can be extended, once."))
        if on > reply_due:
            raise ValidationError(_("The three months are over; it can no longer be extended."))
        suggestion.reply_due = add_months(submitted_on, EXTENDED_MONTHS)
        suggestion.extended = True
        suggestion.save(update_fields=["reply_due", "extended"])
    return suggestion


def suggestion_reply(
    *, suggestion_id: int, actor, reply: str, outcome: str, on: date | None = None
) -> Suggestion:
    """The unit's reply with its outcome code (A solved, B being solved, C planned, D cannot
    be solved now)."""
    on = on or timezone.localdate()
    if outcome not in Suggestion.Outcome.values:
        raise ValidationError({"outcome": _("Choose A, B, C or D.")})
    if not (reply or "").strip():
        raise ValidationError({"reply": _("Write the reply.")})
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.state not in (Suggestion.State.SUBMITTED, Suggestion.State.REHANDLING):
            raise ValidationError(_("This suggestion is not waiting for a reply."))
        suggestion.reply, suggestion.outcome, suggestion.replied_on = reply.strip(), outcome, on
        suggestion.state = Suggestion.State.REPLIED
        suggestion.save(update_fields=["reply", "outcome", "replied_on", "state"])
    return suggestion


def suggestion_rate(
    *, suggestion_id: int, actor, satisfaction: str, on: date | None = None
) -> Suggestion:
    """The representatives rate the reply; not satisfied sends it back to the unit for three
    more months (re-handling), otherwise it is closed."""
    on = on or timezone.localdate()
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose a rating.")})
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.state != Suggestion.State.REPLIED:
            raise ValidationError(_("There is no reply to rate."))
        suggestion.satisfaction = satisfaction
        if satisfaction == Satisfaction.DISSATISFIED:
            suggestion.state = Suggestion.State.REHANDLING
            suggestion.rehandled += 1
            suggestion.reply_due = add_months(on, REPLY_MONTHS)
        else:
            suggestion.state = Suggestion.State.CLOSED
        suggestion.save(update_fields=["satisfaction", "state", "rehandled", "reply_due"])
    return suggestion


def motion_draft(*, suggestions, subject: str, grounds: str, proposal: str, actor) -> Motion:
    """A motion drafted from suggestions that share a regional common issue: the same
    category, raised from at least two streets."""
    suggestions = list(suggestions)
    categories = {s.category_id for s in suggestions}
    streets = {s.street_id for s in suggestions}
    if len(suggestions) < 2 or len(categories) != 1 or None in categories or len(streets) < 2:
        raise ValidationError(
            _("A motion is drafted from suggestions on the same matter from at least two streets.")
        )
    for name, value in (("subject", subject), ("grounds", grounds), ("proposal", proposal)):
        if not (value or "").strip():
            raise ValidationError({name: _("This part of the motion is required.")})
    with transaction.atomic():
        motion = Motion.objects.create(
            subject=subject.strip(),
            grounds=grounds.strip(),
            proposal=proposal.strip(),
            created_by=actor,
        )
        motion.suggestions.set(suggestions)
    return motion


def motion_submit(*, motion_id: int, actor, co_signers) -> Motion:
    """Submitted with its co-signers: at least ten representatives, or it is refused."""
    co_signers = list({r.pk: r for r in co_signers}.values())
    if len(co_signers) < Motion.MIN_CO_SIGNERS:
        raise ValidationError(
            {
                "co_signers": _(
                    "A motion needs at least %(min)s co-signing representatives; it has %(n)s."
                )
                % {"min": Motion.MIN_CO_SIGNERS, "n": len(co_signers)}
            }
        )
    with transaction.atomic():
        motion = Motion.objects.select_for_update().get(pk=motion_id)
        if motion.state != Motion.State.DRAFT:
            raise ValidationError(_("This motion was already submitted."))
        motion.co_signers.set(co_signers)
        motion.state = Motion.State.SUBMITTED
        motion.save(update_fields=["state"])
    return motion


def motion_review(
    *, motion_id: int, actor, accept: bool, note: str, research_by: str = ""
) -> Motion:
    """The representative work committee's review: accepted motions go to a special committee
    or a representatives' group for research; the others go back to their drafters."""
    with transaction.atomic():
        motion = Motion.objects.select_for_update().get(pk=motion_id)
        if motion.state != Motion.State.SUBMITTED:
            raise ValidationError(_("This motion is not waiting for review."))
        if accept and not research_by.strip():
            raise ValidationError({"research_by": _("Say who researches it.")})
        motion.review_note = note.strip()
        motion.research_by = research_by.strip()
        motion.state = Motion.State.RESEARCH if accept else Motion.State.DRAFT
        motion.save(update_fields=["review_note", "research_by", "state"])
    return motion


def motion_decide(*, motion_id: int, actor, outcome: str, on: date | None = None) -> Motion:
    """Record what the congress decided (e.g. adopted)."""
    with transaction.atomic():
        motion = Motion.objects.select_for_update().get(pk=motion_id)
        if motion.state != Motion.State.RESEARCH:
            raise ValidationError(_("Only a researched motion can be decided."))
        if not (outcome or "").strip():
            raise ValidationError({"outcome": _("Record the outcome.")})
        motion.outcome, motion.decided_on = outcome.strip(), on or timezone.localdate()
        motion.state = Motion.State.DECIDED
        motion.save(update_fields=["outcome", "decided_on", "state"])
    return motion


def suggestion_year_counts(year: int) -> dict:
    """Suggestions submitted in ``year``: inter-session against session (the article's "one
    third" of all suggestions were raised between sessions). One query."""
    counts = Suggestion.objects.filter(submitted_on__year=year).aggregate(
        inter_session=Count("id", filter=Q(kind=Suggestion.Kind.INTER_SESSION)),
        session=Count("id", filter=Q(kind=Suggestion.Kind.SESSION)),
    )
    total = counts["inter_session"] + counts["session"]
    counts["total"] = total
    counts["inter_session_share"] = (
        round(100 * counts["inter_session"] / total, 1) if total else None
    )
    return counts


def suggestion_edit(*, suggestion_id: int, actor, title: str, text: str, kind: str) -> Suggestion:
    """Staff (with the representatives) write the suggestion while it is a draft."""
    if kind not in Suggestion.Kind.values:
        raise ValidationError({"kind": _("Choose the kind.")})
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.state != Suggestion.State.DRAFT:
            raise ValidationError(_("A submitted suggestion is no longer edited."))
        suggestion.title, suggestion.text, suggestion.kind = title.strip(), text.strip(), kind
        suggestion.save(update_fields=["title", "text", "kind"])
    return suggestion
