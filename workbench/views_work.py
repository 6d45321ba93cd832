"""The standing committee's workbench (人大常委会工作台) and every signed-in user's inbox.

Committee staff only (DESIGN section 6): anybody else gets a 404, and a case outside the
user's area is a 404 too (visibility equals existence). Each action is its own POST URL: a
scoped fetch, the form, one service call, a message and a redirect. A refused action
re-renders the case page with the form as typed (status 400).
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.pagination import CappedPaginator
from feedback.selectors import case_resident_language, resident_language
from feedback.services.cases import case_merge_with_submissions
from feedback.services.summary import submission_chinese_summary_set
from representatives.models import Role
from routing.models import (
    TRIAGE_STATUSES,
    CaseStatus,
    DeadlineLevel,
    ExtensionRequest,
    Supervision,
    SupervisionMilestone,
    UnitKind,
)
from routing.routes import ROUTES, Action, Body, policy_for
from routing.selectors import QUEUES, get_case_for_user_or_404, queue_counts
from routing.services.extension import extension_request_decide
from routing.services.meeting import meeting_record
from routing.services.officials import committee_public_name
from routing.services.supervision import (
    case_follow_up,
    case_supervise,
    milestone_add,
    milestone_done,
)
from routing.services.upward import case_report_upward, case_upward_reply_record
from routing.services.workflow import (
    case_not_accept,
    case_progress,
    case_review_approve,
    case_review_send_back,
    case_triage,
    case_verify_publish,
    case_verify_send_back,
)
from workbench.forms_common import ProgressForm
from workbench.forms_language import ChineseSummaryForm
from workbench.forms_work import (
    BulkAcceptForm,
    CaseFilterForm,
    ExtensionDecideForm,
    FollowUpForm,
    MeetingForm,
    MeetingPickForm,
    MergeForm,
    MilestoneDoneForm,
    MilestoneForm,
    NotAcceptForm,
    ReportUpwardForm,
    ReviewApproveForm,
    ReviewSendBackForm,
    SuperviseForm,
    TriageForm,
    UpwardReplyForm,
    VerifyPublishForm,
    VerifySendBackForm,
)
from workbench.selectors_work import (
    case_similar_for_user,
    case_staff_detail,
    cases_for_bulk_triage,
    cases_in_scope,
    committee_official_or_404,
    meeting_candidates,
    meeting_list_for_user,
    parse_reference,
    workbench_case_list,
)

PAGE_SIZE = 25
S = CaseStatus

QUEUE_LABELS = {
    "to_classify": gettext_lazy("To classify"),
    "to_review": gettext_lazy("To review"),
    "to_verify": gettext_lazy("To verify"),
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due within 3 days"),
    "to_supervise": gettext_lazy("To supervise"),
    "supervised": gettext_lazy("Supervised"),
    "returned": gettext_lazy("Returned"),
    "awaiting_rating": gettext_lazy("Waiting for rating"),
    "extensions": gettext_lazy("Extension requests"),
    "all": gettext_lazy("All cases"),
}
BULK_QUEUES = ("to_classify", "returned")


# --- The list ---------------------------------------------------------------------------------


@login_required
@require_GET
def workbench(request):
    """The queues with their counts, the filters and one page of cases."""
    official = committee_official_or_404(request.user)
    data = request.GET.copy()
    if data.get("queue") not in QUEUES:
        data["queue"] = "to_classify"
    form = CaseFilterForm(data, official=official)
    filters = form.filters()
    queue = filters["queue"]
    page = CappedPaginator(workbench_case_list(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    for case in page.object_list:
        # Before triage, the row says what the classifier suggests.
        policy = None if case.route else ROUTES.get(case.suggested_route)
        case.suggested_label = policy.label if policy else ""
    counts = queue_counts(request.user)
    keep = request.GET.copy()
    keep.pop("page", None)
    tabs = []
    for key in QUEUES:
        keep["queue"] = key
        tabs.append(
            {
                "key": key,
                "label": QUEUE_LABELS[key],
                # queue_counts leaves "all" out: counting every case is not worth a query.
                "count": counts.get(key),
                "current": key == queue,
                "query": keep.urlencode(),
            }
        )
    filtered = any(
        filters[k]
        for k in ("search", "area", "category", "route", "unit", "status", "since", "until")
    )
    return render(
        request,
        "workbench/work/list.html",
        {
            "official": official,
            "form": form,
            "tabs": tabs,
            "queue": queue,
            "queue_label": QUEUE_LABELS[queue],
            "filtered": filtered,
            "page": page,
            "bulk": queue in BULK_QUEUES,
            "now": timezone.now(),
        },
    )


def _bulk_skip_reason(case, categories, units) -> tuple[str, dict]:
    """Why a case's suggestion cannot be accepted as it stands ("" when it can), and the
    arguments for ``case_triage``."""
    suggestion = case.suggestion or {}
    policy = ROUTES.get(suggestion.get("route"))
    category = categories.get(suggestion.get("category"))
    unit = units.get(suggestion.get("unit_id"))
    if policy is None or category is None:
        return _("there is no complete suggestion"), {}
    if suggestion.get("needs_review"):
        return _("the classifier is not sure"), {}
    if policy.triage_unit_kinds and unit is None:
        return _("the suggestion names no handling unit"), {}
    if suggestion.get("supervise") or case.is_supervised:
        return _("a supervised case needs a named supervisor"), {}
    level = suggestion.get("deadline_level") or ""
    return "", {
        "route": policy.route,
        "category": category,
        "unit": unit if policy.triage_unit_kinds else None,
        "urgent": bool(suggestion.get("urgent")),
        "deadline_level": level if level in DeadlineLevel.values else "",
    }


@login_required
@require_POST
def workbench_bulk_accept(request):
    """Accept the classifier's suggestion for each chosen case still waiting for triage; each
    is its own ``case_triage`` (and transaction), so one refusal does not undo the others."""
    committee_official_or_404(request.user)
    form = BulkAcceptForm(request.POST)
    queue = request.POST.get("queue")
    back = (
        reverse("workbench:workbench")
        + "?queue="
        + (queue if queue in BULK_QUEUES else "to_classify")
    )
    if not form.is_valid():
        messages.error(request, _("Choose at least one case."))
        return redirect(back)
    chosen = form.cleaned_data["cases"]
    cases, categories, units = cases_for_bulk_triage(request.user, chosen)
    accepted, skipped = 0, []
    for case in cases:
        reason, arguments = _bulk_skip_reason(case, categories, units)
        if not reason:
            try:
                case_triage(
                    case_id=case.pk,
                    actor=request.user,
                    expected_status=case.status,
                    **arguments,
                )
            except ValidationError as error:
                reason = " ".join(error.messages)
            else:
                accepted += 1
                continue
        skipped.append(
            _("%(reference)s: %(reason)s") % {"reference": case.reference, "reason": reason}
        )
    missing = len(set(chosen) - {c.pk for c in cases})
    if accepted:
        messages.success(
            request,
            ngettext(
                "Suggestion accepted for %(count)d case.",
                "Suggestion accepted for %(count)d cases.",
                accepted,
            )
            % {"count": accepted},
        )
    if skipped:
        messages.warning(
            request,
            _("Not routed, please triage on the case page: %(list)s")
            % {"list": "; ".join(skipped)},
        )
    if missing:
        messages.warning(
            request,
            ngettext(
                "%(count)d case is no longer waiting for triage.",
                "%(count)d cases are no longer waiting for triage.",
                missing,
            )
            % {"count": missing},
        )
    return redirect(back)


# --- The case page ----------------------------------------------------------------------------


def _case_and_official(request, pk):
    committee_official_or_404(request.user)
    return get_case_for_user_or_404(request.user, pk)


def _case_page(request, case, *, failed=None, status=200):
    """Everything about the case, with the actions its status allows; ``failed`` is the bound
    form of a refused action, shown as typed. The route's own steps (review, the upward
    report, verification) come from its policy; supervision and the rest are open on every
    route."""
    detail = case_staff_detail(case)
    is_open = case.is_open
    upward = detail["upward_report"]
    policy = policy_for(case)
    steps = policy.actions_at(case.status, Body.COMMITTEE) if policy else []
    if Action.RECORD_UPWARD_REPLY in steps and (upward is None or upward.reply):
        steps.remove(Action.RECORD_UPWARD_REPLY)
    allowed = {
        "can_triage": case.status in TRIAGE_STATUSES,
        "can_supervise": is_open,
        "has_plan": is_open and case.supervision == Supervision.ACTIVE,
        "can_progress": is_open,
        "can_merge": case.status in TRIAGE_STATUSES or case.status == S.TRIAGED,
        "can_not_accept": case.status in TRIAGE_STATUSES or case.status == S.TRIAGED,
    }
    result = detail["result_event"]
    language = resident_language(detail["submissions"])
    for submission in detail["submissions"]:
        # Opinions in Uyghur (or English): staff's Chinese summary, as typed if refused.
        if submission.in_other_language:
            submission.summary_form = (
                failed
                if getattr(failed, "submission_pk", None) == submission.pk
                else ChineseSummaryForm(initial={"chinese_summary": submission.chinese_summary})
            )
    many_households_reason = (
        ngettext(
            "%(count)d household wrote about this case (many households).",
            "%(count)d households wrote about this case (many households).",
            detail["households"],
        )
        % {"count": detail["households"]}
        if detail["households_suggest_supervision"]
        else ""
    )
    forms = {
        "triage_form": TriageForm(
            initial=TriageForm.initial_for(case, supervise=detail["households_suggest_supervision"])
        )
        if allowed["can_triage"]
        else None,
        "approve_form": ReviewApproveForm(),
        "review_back_form": ReviewSendBackForm(),
        "publish_form": VerifyPublishForm(
            initial={"reply": result.note if result is not None else ""}, language=language
        ),
        "verify_back_form": VerifySendBackForm(),
        "extension_form": ExtensionDecideForm(),
        "supervise_form": SuperviseForm(
            initial={"supervisor": case.supervisor_id, "reason": many_households_reason}
        )
        if is_open
        else None,
        "milestone_form": MilestoneForm(),
        "done_form": MilestoneDoneForm(),
        "follow_up_form": FollowUpForm(),
        "progress_form": ProgressForm(),
        "merge_form": MergeForm(user=request.user),
        "not_accept_form": NotAcceptForm(),
        "upward_form": ReportUpwardForm(
            initial={
                "body": case.unit.name if case.unit else "",
                "reported_on": timezone.localdate(),
            }
        ),
        "upward_reply_form": UpwardReplyForm(initial={"replied_on": timezone.localdate()}),
    }
    if failed is not None:
        forms[f"{failed.prefix}_form"] = failed
    return render(
        request,
        "workbench/work/case.html",
        {
            "case": case,
            "policy": policy,
            "sent_on_to": UnitKind(policy.after_review).label
            if policy and policy.after_review
            else "",
            "steps": [f"workbench/work/actions/{step}.html" for step in steps],
            "is_overdue": case.is_overdue(),
            "failed_form": failed,
            "committee_name": committee_public_name(),
            # The chain to decisions: the suggestions (and motions) this case fed.
            "fed_into": case.suggestions.prefetch_related("motions").order_by("pk"),
            # Duplicates to merge in one click, while merging is allowed.
            "similar_cases": case_similar_for_user(request.user, case)
            if allowed["can_merge"]
            else [],
            **detail,
            **allowed,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request, pk):
    case = _case_and_official(request, pk)
    return _case_page(request, case)


def _act(request, case, form_class, perform, done, *, form_kwargs=None):
    """Run one action on ``case`` (already fetched within the user's scope): the form,
    ``perform(case, data)`` (one service call), a message and a redirect; a refusal re-renders
    the page with the form as typed (400)."""
    form = form_class(request.POST, **(form_kwargs or {}))
    if form.is_valid():
        try:
            perform(case, form.cleaned_data)
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, done)
            return redirect("workbench:case-detail", case.pk)
    # Show the case as it is now (another person may have just moved it).
    case = get_case_for_user_or_404(request.user, case.pk)
    return _case_page(request, case, failed=form, status=400)


@login_required
@require_POST
def case_contact_reveal_view(request, pk, submission_pk):
    """Show the committee the contact details of one resident of the case (e.g. to call them
    before publishing a reply); every view is logged. POST-only: a deliberate act."""
    from feedback.models import Submission
    from feedback.services.contact import submission_contact_reveal

    case = _case_and_official(request, pk)
    submission = get_object_or_404(Submission.objects.filter(case=case), pk=submission_pk)
    try:
        contact = submission_contact_reveal(submission=submission, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    response = render(
        request,
        "feedback/contact.html",
        {
            "submission": submission,
            "contact": contact,
            "back_url": reverse("workbench:case-detail", args=[case.pk]),
            "back_label": _("Back to the case"),
        },
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_POST
def case_triage_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        TriageForm,
        lambda case, d: case_triage(
            case_id=case.pk,
            actor=request.user,
            route=d["route"],
            category=d["category"],
            unit=d["unit"],
            urgent=d["urgent"],
            deadline_level=d["deadline_level"],
            supervise=d["supervise"],
            supervisor=d["supervisor"],
            note=d["note"],
            expected_status=d["expected_status"],
        ),
        _("Routed. The case is on its way."),
    )


@login_required
@require_POST
def case_review_approve_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        ReviewApproveForm,
        lambda case, d: case_review_approve(case_id=case.pk, actor=request.user, note=d["note"]),
        _("Approved and sent on."),
    )


@login_required
@require_POST
def case_review_send_back_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        ReviewSendBackForm,
        lambda case, d: case_review_send_back(
            case_id=case.pk, actor=request.user, reason=d["reason"]
        ),
        _("Sent back to triage with your reason."),
    )


@login_required
@require_POST
def case_verify_publish_view(request, pk):
    case = _case_and_official(request, pk)
    language = case_resident_language(case)  # the reply may be written in it too
    return _act(
        request,
        case,
        VerifyPublishForm,
        lambda case, d: case_verify_publish(
            case_id=case.pk,
            actor=request.user,
            reply=d["reply"],
            public_actor=committee_public_name(),
            reply_translated=d.get("reply_translated", ""),
            reply_language=language or "",
        ),
        _("Checked and replied. The resident can read the reply now."),
        form_kwargs={"language": language},
    )


@login_required
@require_POST
def case_chinese_summary_view(request, pk, submission_pk):
    """Staff's Chinese summary of an opinion of the case written in another language: search,
    hot topics and the classifier read it (decision 0025). A submission of another case is a
    404; one in Chinese is refused by the service (it needs no summary)."""
    from feedback.models import Submission

    case = _case_and_official(request, pk)
    submission = get_object_or_404(Submission.objects.only("pk"), pk=submission_pk, case=case)
    form = ChineseSummaryForm(request.POST)
    if form.is_valid():
        try:
            submission_chinese_summary_set(
                submission_id=submission.pk, summary=form.cleaned_data["chinese_summary"]
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(
                request, _("Chinese summary saved. Search and the routing suggestion read it.")
            )
            return redirect("workbench:case-detail", case.pk)
    form.submission_pk = submission.pk
    case = get_case_for_user_or_404(request.user, case.pk)
    return _case_page(request, case, failed=form, status=400)


@login_required
@require_POST
def case_verify_send_back_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        VerifySendBackForm,
        lambda case, d: case_verify_send_back(
            case_id=case.pk, actor=request.user, reason=d["reason"]
        ),
        _("Sent back to the unit with your reason."),
    )


@login_required
@require_POST
def case_extension_decide_view(request, pk, request_pk):
    case = _case_and_official(request, pk)
    extension = ExtensionRequest.objects.filter(pk=request_pk, case=case).first()
    if extension is None:
        raise Http404
    return _act(
        request,
        case,
        ExtensionDecideForm,
        lambda case, d: extension_request_decide(
            request_id=extension.pk,
            actor=request.user,
            approve=d["decision"] == "approve",
            note=d["note"],
        ),
        _("Decision recorded. The unit has been told."),
    )


@login_required
@require_POST
def case_supervise_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        SuperviseForm,
        lambda case, d: case_supervise(
            case_id=case.pk, actor=request.user, supervisor=d["supervisor"], reason=d["reason"]
        ),
        _("The case is now supervised."),
    )


@login_required
@require_POST
def case_milestone_add_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        MilestoneForm,
        lambda case, d: milestone_add(
            case_id=case.pk, actor=request.user, title=d["title"], due_on=d["due_on"]
        ),
        _("Milestone added to the plan."),
    )


@login_required
@require_POST
def case_milestone_done_view(request, pk, milestone_pk):
    case = _case_and_official(request, pk)
    milestone = SupervisionMilestone.objects.filter(pk=milestone_pk, case=case).first()
    if milestone is None:
        raise Http404
    return _act(
        request,
        case,
        MilestoneDoneForm,
        lambda case, d: milestone_done(
            milestone_id=milestone.pk, actor=request.user, done_on=d["done_on"]
        ),
        _("Milestone marked as done."),
    )


@login_required
@require_POST
def case_follow_up_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        FollowUpForm,
        lambda case, d: case_follow_up(case_id=case.pk, actor=request.user, note=d["note"]),
        _("Follow-up recorded."),
    )


@login_required
@require_POST
def case_progress_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        ProgressForm,
        lambda case, d: case_progress(
            case_id=case.pk,
            actor=request.user,
            note=d["note"],
            is_public=d["is_public"],
            public_actor=committee_public_name() if d["is_public"] else "",
        ),
        _("Progress note saved."),
    )


@login_required
@require_POST
def case_merge_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        MergeForm,
        lambda case, d: case_merge_with_submissions(
            case_id=case.pk, into=d["into"], actor=request.user
        ),
        _("Merged. The residents follow the case that stays."),
        form_kwargs={"user": request.user},
    )


@login_required
@require_POST
def case_not_accept_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        NotAcceptForm,
        lambda case, d: case_not_accept(
            case_id=case.pk,
            actor=request.user,
            reply=d["reply"],
            public_actor=committee_public_name(),
        ),
        _("Not accepted. The resident is told where this can be handled."),
    )


@login_required
@require_POST
def case_report_upward_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        ReportUpwardForm,
        lambda case, d: case_report_upward(
            case_id=case.pk,
            actor=request.user,
            body=d["body"],
            reference_number=d["reference_number"],
            reported_on=d["reported_on"],
        ),
        _("Report recorded. The case waits for the higher body's reply."),
    )


@login_required
@require_POST
def case_upward_reply_view(request, pk):
    return _act(
        request,
        _case_and_official(request, pk),
        UpwardReplyForm,
        lambda case, d: case_upward_reply_record(
            case_id=case.pk, actor=request.user, reply=d["reply"], replied_on=d["replied_on"]
        ),
        _("The higher body's reply is recorded. Check it and reply to the resident."),
    )


# --- Progress meetings ------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    official = committee_official_or_404(request.user)
    page = Paginator(meeting_list_for_user(official), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workbench/work/meeting_list.html", {"page": page})


REFERENCE_SPLIT = re.compile(r"[\s,，、;；]+")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    """Record a progress meeting: a decision per case reviewed (open overdue and supervised
    cases in scope, and any added by reference)."""
    official = committee_official_or_404(request.user)
    if request.method == "GET":
        pick = MeetingPickForm(request.GET or None)
        refs = pick.cleaned_data["refs"] if pick.is_valid() else ""
        extra = [pk for pk in map(parse_reference, REFERENCE_SPLIT.split(refs)) if pk]
        cases = meeting_candidates(request.user, extra_ids=extra)
        form = MeetingForm(initial={"held_on": timezone.localdate()}, cases=cases)
        return render(request, "workbench/work/meeting_form.html", {"form": form, "pick": pick})
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    if "add" in request.POST:
        # "Add these cases": the same form again with more cases, and everything typed kept.
        pick = MeetingPickForm(request.POST)
        refs = pick.cleaned_data["refs"] if pick.is_valid() else ""
        extra = [pk for pk in map(parse_reference, REFERENCE_SPLIT.split(refs)) if pk]
        cases = meeting_candidates(request.user, extra_ids=[*ids, *extra])
        missing = set(extra) - {case.pk for case in cases}
        if missing:
            pick.add_error(
                "refs",
                _("No case of your area has the reference %(refs)s.")
                % {"refs": "、".join(f"C-{pk:06d}" for pk in sorted(missing))},
            )
        else:
            pick = MeetingPickForm()
        form = MeetingForm(initial=request.POST.dict(), cases=cases)
        return render(request, "workbench/work/meeting_form.html", {"form": form, "pick": pick})
    cases = list(cases_in_scope(request.user, ids).order_by("resolve_by", "pk"))
    form = MeetingForm(request.POST, cases=cases)
    if form.is_valid():
        try:
            meeting_record(
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                participants=form.cleaned_data["participants"],
                area=official.area,
                decisions=form.decisions(),
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(
                request, _("Meeting recorded. Its decisions are in each case's history.")
            )
            return redirect("workbench:meeting-list")
    return render(
        request,
        "workbench/work/meeting_form.html",
        {"form": form, "pick": MeetingPickForm()},
        status=400,
    )


# --- Opening a case from a notice -------------------------------------------------------------


def case_link_name_for(user) -> str | None:
    """The page on which a user of this role opens a case."""
    official = getattr(user, "official", None)
    role = official.role if official is not None else None
    return {
        Role.COMMITTEE_STAFF: "workbench:case-detail",
        Role.UNIT_STAFF: "workbench:desk-case",
        Role.REPRESENTATIVE: "workbench:rep-case",
        Role.STATION_STAFF: "workbench:rep-case",
    }.get(role)


@login_required
@require_GET
def case_open(request, pk):
    """Where a notice's link leads: the case on the page of the reader's role, if they may see
    it (404 otherwise, as everywhere)."""
    get_case_for_user_or_404(request.user, pk)
    name = case_link_name_for(request.user)
    if name is None:
        raise Http404
    return redirect(name, pk)
