"""The handling units' desk (承办单位工作台) and the representatives' direct reply.

Each action is its own POST URL: a scoped fetch, the form, one service call, a message and a
redirect. A refused action re-renders the case page with the form as typed (status 400).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from feedback.selectors import case_resident_language, resident_language
from representatives.models import Role
from routing.models import CaseStatus
from routing.routes import Action, holder_body, policy_for
from routing.selectors import case_awaits_direct_reply
from routing.services.extension import extension_request_create
from routing.services.transition import IllegalTransition
from routing.services.workflow import (
    case_accept,
    case_direct_reply,
    case_forward,
    case_not_accept,
    case_progress,
    case_respond,
    case_return,
)
from workbench.forms_common import ProgressForm
from workbench.forms_desk import (
    AcceptForm,
    DirectReplyForm,
    ExtensionForm,
    ForwardForm,
    NotAcceptForm,
    ResultForm,
    ReturnForm,
)
from workbench.selectors_desk import (
    DESK_TABS,
    OVERDUE_TAB,
    case_desk_timeline,
    case_submissions_without_contact,
    desk_case_list_for_user,
    desk_tab_counts,
    direct_responder_or_404,
    get_desk_case_or_404,
    get_direct_case_or_404,
    pending_extension,
    reply_template_list,
    reply_template_text,
    unit_official_or_404,
)

PAGE_SIZE = 20
S = CaseStatus

# --- The unit's desk --------------------------------------------------------------------


@login_required
@require_GET
def desk(request):
    """The unit's cases by tab, nearest deadline first."""
    unit_official_or_404(request.user)
    counts = desk_tab_counts(request.user)
    tab = request.GET.get("tab", "")
    if tab not in DESK_TABS and tab != OVERDUE_TAB:
        # Open on the first tab with work in it, not on an empty one.
        tab = next((key for key in DESK_TABS if counts[key]), "to_accept")
    page = Paginator(desk_case_list_for_user(request.user, tab=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = {
        "to_accept": _("To accept"),
        "in_progress": _("In progress"),
        "reported": _("Result reported"),
        OVERDUE_TAB: _("Overdue"),
    }
    shown = [*DESK_TABS, OVERDUE_TAB] if counts[OVERDUE_TAB] or tab == OVERDUE_TAB else DESK_TABS
    tabs = [
        {"key": key, "label": labels[key], "count": counts[key], "current": key == tab}
        for key in shown
    ]
    return render(
        request,
        "workbench/desk/list.html",
        {
            "official": request.user.official,
            "tabs": tabs,
            "tab": tab,
            "overdue_count": counts["overdue"],
            "page": page,
        },
    )


# Shown after the progress note: what a unit does less often.
LATER_STEPS = (Action.EXTEND, Action.RETURN)


def _case_page(request, case, *, failed=None, status=200):
    """The case as the unit sees it, with the steps its route opens for the body that holds it
    (the city government office forwards, a unit accepts and reports); ``failed`` is the bound
    form of a refused action, shown as typed."""
    policy = policy_for(case)
    actions = policy.actions_at(case.status, holder_body(case)) if policy else []
    forms = {
        "accept_form": AcceptForm(),
        "forward_form": ForwardForm(initial={"unit": (case.suggestion or {}).get("unit_id")})
        if Action.FORWARD in actions
        else None,
        "return_form": ReturnForm(initial={"expected_status": case.status}),
        "progress_form": ProgressForm(),
        "extension_form": ExtensionForm(),
        "result_form": ResultForm(),
    }
    if failed is not None:
        forms[f"{failed.prefix}_form"] = failed
    timeline = case_desk_timeline(case)
    ratings = [e.rating for e in timeline if getattr(e, "rating", None)]
    return render(
        request,
        "workbench/desk/case.html",
        {
            "case": case,
            "is_overdue": case.is_overdue(),
            "submissions": case_submissions_without_contact(case),
            "timeline": timeline,
            "last_rating": ratings[-1] if ratings else None,
            "pending_extension": pending_extension(case) if Action.EXTEND in actions else None,
            "steps": [f"workbench/desk/actions/{a}.html" for a in actions if a not in LATER_STEPS],
            "later_steps": [
                f"workbench/desk/actions/{a}.html" for a in actions if a in LATER_STEPS
            ],
            "can_progress": case.status in (S.IN_PROGRESS, S.RESPONDED),
            "failed_form": failed,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def desk_case(request, pk):
    case = get_desk_case_or_404(request.user, pk)
    return _case_page(request, case)


def _act(request, pk, form_class, perform, done, *, back_to_list=False):
    """Run one desk action: scoped fetch, form, ``perform(case, official, data)`` (one
    service call), message and redirect; a refusal re-renders the page (400)."""
    official = unit_official_or_404(request.user)
    case = get_desk_case_or_404(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            perform(case, official, form.cleaned_data)
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, done)
            if back_to_list:
                return redirect("workbench:desk")
            return redirect("workbench:desk-case", case.pk)
    return _case_page(request, case, failed=form, status=400)


@login_required
@require_POST
def desk_accept(request, pk):
    return _act(
        request,
        pk,
        AcceptForm,
        lambda case, official, data: case_accept(case_id=case.pk, actor=request.user),
        _("Accepted. The case is now in progress with your unit."),
    )


@login_required
@require_POST
def desk_return(request, pk):
    return _act(
        request,
        pk,
        ReturnForm,
        lambda case, official, data: case_return(
            case_id=case.pk,
            actor=request.user,
            reason=data["reason"],
            expected_status=data["expected_status"],
        ),
        _("Returned to the committee with your reason."),
        back_to_list=True,
    )


@login_required
@require_POST
def desk_progress(request, pk):
    return _act(
        request,
        pk,
        ProgressForm,
        lambda case, official, data: case_progress(
            case_id=case.pk,
            actor=request.user,
            note=data["note"],
            is_public=data["is_public"],
            public_actor=official.unit.name,
        ),
        _("Progress note saved."),
    )


@login_required
@require_POST
def desk_extension(request, pk):
    return _act(
        request,
        pk,
        ExtensionForm,
        lambda case, official, data: extension_request_create(
            case_id=case.pk,
            actor=request.user,
            unit=official.unit,
            reason=data["reason"],
            new_resolve_by=data["new_resolve_by"],
        ),
        _("Extension requested. The committee will decide."),
    )


@login_required
@require_POST
def desk_respond(request, pk):
    return _act(
        request,
        pk,
        ResultForm,
        lambda case, official, data: case_respond(
            case_id=case.pk, actor=request.user, result=data["result"], photos=data["photos"]
        ),
        _("Result reported. The committee will check it and reply to the resident."),
    )


@login_required
@require_POST
def desk_forward(request, pk):
    return _act(
        request,
        pk,
        ForwardForm,
        lambda case, official, data: case_forward(
            case_id=case.pk, actor=request.user, unit=data["unit"], note=data["note"]
        ),
        _("Forwarded to the department."),
        back_to_list=True,
    )


# --- Direct reply by a representative or a liaison station ----------------------------------


def _public_name(request, official) -> str:
    """How the reply is signed for the resident: the representative's public name, or the
    liaison station's name — never a staff member's."""
    if official.role == Role.REPRESENTATIVE:
        return request.user.representative.name
    return official.site.name


def _rep_case_page(request, case, *, reply_form=None, decline_form=None, status=200):
    from feedback.selectors import case_public_timeline

    awaiting = case_awaits_direct_reply(case)
    chosen = request.GET.get("template", "")
    submissions = case_submissions_without_contact(case)
    if reply_form is None:
        reply_form = DirectReplyForm(
            initial={"reply": reply_template_text(chosen)},
            language=resident_language(submissions),
        )
    failed = reply_form if reply_form.is_bound else decline_form
    return render(
        request,
        "workbench/desk/rep_case.html",
        {
            "case": case,
            "awaiting": awaiting,
            # A refused reply stays on the page as typed, even if the case moved meanwhile.
            "show_forms": awaiting or failed is not None,
            "submissions": submissions,
            "timeline": case_public_timeline(case),
            "templates": reply_template_list() if awaiting else [],
            "chosen_template": chosen,
            "reply_form": reply_form,
            "decline_form": decline_form or NotAcceptForm(),
            "failed_form": failed,
        },
        status=status,
    )


@login_required
@require_GET
def rep_case(request, pk):
    """A case routed to the representative (or station) for a direct reply."""
    case = get_direct_case_or_404(request.user, pk)
    return _rep_case_page(request, case)


@login_required
@require_POST
def rep_case_reply(request, pk):
    official = direct_responder_or_404(request.user)
    case = get_direct_case_or_404(request.user, pk)
    language = case_resident_language(case)
    form = DirectReplyForm(request.POST, language=language)
    if form.is_valid():
        try:
            case_direct_reply(
                case_id=case.pk,
                actor=request.user,
                reply=form.cleaned_data["reply"],
                public_actor=_public_name(request, official),
                reply_translated=form.cleaned_data.get("reply_translated", ""),
                reply_language=language or "",
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, _("Reply sent. The resident can read it now."))
            return redirect("feedback:rep-home")
    return _rep_case_page(request, case, reply_form=form, status=400)


@login_required
@require_POST
def rep_case_decline(request, pk):
    official = direct_responder_or_404(request.user)
    case = get_direct_case_or_404(request.user, pk)
    form = NotAcceptForm(request.POST)
    if form.is_valid():
        try:
            if not case_awaits_direct_reply(case):
                # case_not_accept also declines cases still being routed: a representative may
                # only decline what was routed to them.
                raise IllegalTransition(_("This case is not waiting for your reply."))
            case_not_accept(
                case_id=case.pk,
                actor=request.user,
                reply=form.cleaned_data["reply"],
                public_actor=_public_name(request, official),
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, _("Sent. The resident is told where this can be handled."))
            return redirect("feedback:rep-home")
    return _rep_case_page(request, case, decline_form=form, status=400)
