"""Opening a case for what a resident said (DESIGN section 4: a new case in state ``new``,
with the classifier's suggestion for staff).

The intake (``feedback``) decides when: after commit, a beat sweep opens the cases of the
submissions that have none (``feedback.tasks.open_pending_cases_task``); with embedded Celery,
in the same transaction. This module knows nothing of submissions: it takes what a case needs.
"""

from django.db import transaction

from routing.models import TRIAGE_STATUSES, Case, CaseEvent
from routing.search import search_words


def case_open(
    *,
    area,
    text: str,
    category_id: int | None = None,
    request_type: str = "",
    site_id: int | None = None,
    representative_id: int | None = None,
) -> Case:
    """A new case for ``text`` from ``area``, with its public "received" event and the
    classifier's suggestion. Called in the caller's transaction by
    ``feedback.services.cases``."""
    case = Case.objects.create(
        area=area,
        category_id=category_id,
        request_type=request_type,
        site_id=site_id,
        representative_id=representative_id,
        summary=text[:200],
        search_text=text.lower(),
        search_words=search_words(text),
        submission_count=1,
        suggestion=case_suggestion(text, area),
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.RECEIVED, to_status=case.status, is_public=True
    )
    return case


@transaction.atomic
def case_text_add(*, case_id: int, text: str, replaces: tuple[str, ...] = ()) -> Case:
    """Chinese words for a case whose resident wrote in another language (a staff summary,
    ``feedback.services.summary``): search finds the case by them, and the classifier reads
    them.

    The words join ``search_words`` (earlier ones stay: search may find a little more, never
    less). When the case's own text is one of ``replaces`` (the case was opened on that
    opinion, or on its earlier summary), ``text`` becomes the text a triage decision records
    for training, and a case still to be routed gets a new suggestion from it. A summary of
    an opinion merged into a case opened on another leaves that case's suggestion alone.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case_id)
    words = dict.fromkeys([*case.search_words.split(), *search_words(text).split()])
    case.search_words = f" {' '.join(words)} " if words else ""
    fields = ["search_words", "updated_at"]
    if case.search_text in {r.lower() for r in replaces if r}:
        case.search_text = text.lower()
        fields.append("search_text")
        if case.status in TRIAGE_STATUSES:
            case.suggestion = case_suggestion(text, case.area)
            fields.append("suggestion")
    case.save(update_fields=fields)
    return case


def case_suggestion(text: str, area) -> dict:
    """The classifier's suggestion, as stored on the case for staff to confirm or change."""
    from routing import classifier

    suggestion = classifier.classify(text)
    unit = classifier.unit_for(suggestion, area)
    return {
        "route": suggestion.route,
        "supervise": suggestion.supervise,
        "category": suggestion.category,
        "urgent": suggestion.urgent,
        "deadline_level": suggestion.deadline_level,
        "unit": unit.name if unit else None,
        "unit_id": unit.pk if unit else None,
        "confidence": round(suggestion.confidence, 2),
        "needs_review": suggestion.needs_review,
        "model_version": suggestion.model_version,
        "model_words": list(suggestion.model_words),
        "reasons": list(suggestion.reasons),
    }
