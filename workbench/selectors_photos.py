"""The photos staff pages show, for whoever may see their case."""

from django.http import Http404

from feedback.models import SubmissionPhoto
from routing.models import Case, CaseAttachment
from routing.selectors import case_scope


def photo_for_user_or_404(user, kind: str, pk: int):
    """A resident's photo or a case attachment whose case ``user`` may see (``case_scope``,
    the same rule as the case pages); 404 otherwise, in one query."""
    scope = case_scope(user)
    if scope is None:
        raise Http404
    cases = Case.objects.filter(scope)
    photo: SubmissionPhoto | CaseAttachment | None = None
    if kind == SubmissionPhoto.PHOTO_KIND:
        photo = SubmissionPhoto.objects.filter(pk=pk, submission__case__in=cases).first()
    elif kind == CaseAttachment.PHOTO_KIND:
        photo = CaseAttachment.objects.filter(pk=pk, event__case__in=cases).first()
    if photo is None:
        raise Http404
    return photo
