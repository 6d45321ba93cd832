"""Staff's Chinese summary of an opinion written in another language (decision 0025)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.forms import PageError
from feedback.models import CHINESE_SUMMARY_MAX_LENGTH, Submission
from routing.search import HAN, clause_words
from routing.services.opening import case_text_add

_HAN_CHAR = re.compile(f"[{HAN}]")


@transaction.atomic
def submission_chinese_summary_set(*, submission_id: int, summary: str) -> Submission:
    """Store staff's Chinese summary of a submission written in Uyghur (or English): its words
    become the submission's stored words (hot topics) and join its case's search words, and a
    case still to be routed gets the classifier's suggestion for the summary
    (``routing.services.opening.case_text_add``). Saving it again replaces it.

    Callers: the committee's case page (the view checked the case is in the user's scope).
    Refused: an empty summary, one without Chinese, one too long, a Chinese submission.
    """
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"chinese_summary": _("Write the summary in Chinese.")})
    if len(summary) > CHINESE_SUMMARY_MAX_LENGTH:
        raise ValidationError(
            {
                "chinese_summary": _("Keep the summary under %(n)s characters.")
                % {"n": CHINESE_SUMMARY_MAX_LENGTH}
            }
        )
    if not _HAN_CHAR.search(summary):
        raise ValidationError(
            {"chinese_summary": _("The summary must be in Chinese: search and routing read it.")}
        )
    submission = (
        Submission.objects.select_for_update()
        .only("pk", "language", "text", "chinese_summary", "case_id")
        .get(pk=submission_id)
    )
    if not submission.in_other_language:
        # Not a field's fault: shown on top of the page (no summary form is shown for it).
        raise PageError(_("This opinion is in Chinese already: it needs no summary."))
    previous = submission.chinese_summary
    submission.chinese_summary = summary
    submission.words = clause_words(summary)
    submission.save(update_fields=["chinese_summary", "words"])
    if submission.case_id is not None:
        case_text_add(
            case_id=submission.case_id, text=summary, replaces=(submission.text, previous)
        )
    return submission
