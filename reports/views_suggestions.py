"""Suggestions and motions for committee staff and leaders: the list with the year's counts,
each suggestion with the cases it came from and the motions it fed; staff turn a recurring
issue into a draft suggestion with one click. Anybody else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import selectors
from reports.forms_suggestions import (
    ClusterForm,
    MotionDecideForm,
    MotionDraftForm,
    MotionReviewForm,
    MotionSubmitForm,
    SuggestionRateForm,
    SuggestionReplyForm,
    SuggestionSubmitForm,
    SuggestionTextForm,
)
from reports.models import Motion, Suggestion
from reports.services import suggestions as services
from reports.services.suggestions import suggestion_from_cluster, suggestion_year_counts


@require_GET
@login_required
def suggestion_list(request):
    scope = _scope(request)
    year = timezone.localdate().year
    return render(
        request,
        "reports/suggestion_list.html",
        {
            "suggestions": selectors.suggestion_list(scope)[:200],
            "motions": selectors.motion_list(scope)[:100],
            "year": year,
            "counts": suggestion_year_counts(year),
            "staff": selectors.is_staff(request.user),
        },
    )


def _act(request, obj, actions: dict, action: str, *, done_url: str, page):
    """One action of a suggestion or motion page: its form, one service call, a message and
    a redirect; a refusal re-renders the page with the form as typed (400)."""
    if action not in actions:
        raise Http404
    form_class, perform, done = actions[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(obj, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, done)
            return redirect(done_url, obj.pk)
    obj.refresh_from_db()
    return page(form)


def _scope(request, *, staff: bool = False):
    scope = selectors.reporting_scope(request.user)
    if scope is None or (staff and not selectors.is_staff(request.user)):
        raise Http404
    return scope


def _suggestion_forms(suggestion, failed=None) -> dict:
    """The forms its state allows (staff record what representatives and units decide)."""
    State = Suggestion.State
    forms = {}
    if suggestion.state == State.DRAFT:
        forms["text"] = SuggestionTextForm(
            initial={"title": suggestion.title, "text": suggestion.text, "kind": suggestion.kind}
        )
        forms["submit"] = SuggestionSubmitForm()
    if suggestion.state in (State.SUBMITTED, State.REHANDLING):
        forms["reply"] = SuggestionReplyForm()
    if suggestion.state == State.REPLIED:
        forms["rate"] = SuggestionRateForm()
    if failed is not None:
        forms[failed.prefix] = failed
    return forms


def _suggestion_page(request, suggestion, *, staff, failed=None, status=200):
    return render(
        request,
        "reports/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "representatives": suggestion.representatives.order_by("name"),
            "cases": suggestion.cases.select_related("area", "category").order_by("created_at"),
            "motions": suggestion.motions.annotate(signers=Count("co_signers")).order_by("pk"),
            "staff": staff,
            "forms": _suggestion_forms(suggestion, failed) if staff else {},
            "can_extend": staff
            and suggestion.state == Suggestion.State.SUBMITTED
            and not suggestion.extended,
        },
        status=status,
    )


@require_GET
@login_required
def suggestion_detail(request, pk: int):
    scope = _scope(request)
    suggestion = get_object_or_404(
        selectors.suggestions_visible(scope).select_related("street", "category", "unit"), pk=pk
    )
    staff = selectors.is_staff(request.user)
    return _suggestion_page(request, suggestion, staff=staff)


SUGGESTION_ACTIONS = {
    "text": (
        SuggestionTextForm,
        lambda s, user, d: services.suggestion_edit(suggestion_id=s.pk, actor=user, **d),
        gettext_lazy("The suggestion was saved."),
    ),
    "submit": (
        SuggestionSubmitForm,
        lambda s, user, d: services.suggestion_submit(
            suggestion_id=s.pk,
            actor=user,
            representatives=list(d["representatives"]),
            unit=d["unit"],
        ),
        gettext_lazy("The suggestion was submitted; the reply is due in three months."),
    ),
    "reply": (
        SuggestionReplyForm,
        lambda s, user, d: services.suggestion_reply(suggestion_id=s.pk, actor=user, **d),
        gettext_lazy("The reply was recorded."),
    ),
    "rate": (
        SuggestionRateForm,
        lambda s, user, d: services.suggestion_rate(suggestion_id=s.pk, actor=user, **d),
        gettext_lazy("The representatives' rating was recorded."),
    ),
}


@require_POST
@login_required
def suggestion_act(request, pk: int, action: str):
    scope = _scope(request, staff=True)
    suggestion = get_object_or_404(selectors.suggestions_visible(scope), pk=pk)
    if action == "extend":
        try:
            services.suggestion_extend(suggestion_id=suggestion.pk, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Six months approved for the reply."))
        return redirect("reports:suggestion-detail", suggestion.pk)
    return _act(
        request,
        suggestion,
        SUGGESTION_ACTIONS,
        action,
        done_url="reports:suggestion-detail",
        page=lambda form: _suggestion_page(
            request, suggestion, staff=True, failed=form, status=400
        ),
    )


# --- motions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def motion_new(request):
    scope = _scope(request, staff=True)
    form = MotionDraftForm(request.POST or None, suggestions=selectors.suggestion_candidates(scope))
    if request.method == "POST" and form.is_valid():
        try:
            motion = services.motion_draft(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, _("The motion was drafted."))
            return redirect("reports:motion-detail", motion.pk)
    return render(
        request,
        "reports/motion_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _motion_page(request, motion, *, staff, failed=None, status=200):
    State = Motion.State
    forms = {}
    if staff:
        if motion.state == State.DRAFT:
            forms["cosign"] = MotionSubmitForm()
        elif motion.state == State.SUBMITTED:
            forms["review"] = MotionReviewForm()
        elif motion.state == State.RESEARCH:
            forms["decide"] = MotionDecideForm()
        if failed is not None:
            forms[failed.prefix] = failed
    return render(
        request,
        "reports/motion_detail.html",
        {
            "motion": motion,
            "suggestions": motion.suggestions.select_related("street", "category").annotate(
                case_count=Count("cases")
            ),
            "co_signers": motion.co_signers.order_by("name"),
            "forms": forms,
            "staff": staff,
        },
        status=status,
    )


@require_GET
@login_required
def motion_detail(request, pk: int):
    scope = _scope(request)
    motion = get_object_or_404(selectors.motions_visible(scope), pk=pk)
    return _motion_page(request, motion, staff=selectors.is_staff(request.user))


MOTION_ACTIONS = {
    "cosign": (
        MotionSubmitForm,
        lambda m, user, d: services.motion_submit(
            motion_id=m.pk, actor=user, co_signers=list(d["co_signers"])
        ),
        gettext_lazy("The motion was submitted with its co-signers."),
    ),
    "review": (
        MotionReviewForm,
        lambda m, user, d: services.motion_review(motion_id=m.pk, actor=user, **d),
        gettext_lazy("The review was recorded."),
    ),
    "decide": (
        MotionDecideForm,
        lambda m, user, d: services.motion_decide(motion_id=m.pk, actor=user, **d),
        gettext_lazy("The outcome was recorded."),
    ),
}


@require_POST
@login_required
def motion_act(request, pk: int, action: str):
    scope = _scope(request, staff=True)
    motion = get_object_or_404(selectors.motions_visible(scope), pk=pk)
    return _act(
        request,
        motion,
        MOTION_ACTIONS,
        action,
        done_url="reports:motion-detail",
        page=lambda form: _motion_page(request, motion, staff=True, failed=form, status=400),
    )


@require_POST
@login_required
def suggestion_from_cluster_view(request):
    scope = _scope(request, staff=True)
    form = ClusterForm(request.POST, scope=scope)
    if not form.is_valid():
        raise Http404  # the buttons of a briefing's draft post valid values only
    try:
        suggestion = suggestion_from_cluster(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:suggestion-list")
    messages.success(request, _("A draft suggestion was made from the recurring issue."))
    return redirect("reports:suggestion-detail", suggestion.pk)
