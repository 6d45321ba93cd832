"""The quarterly briefing: staff compile, edit and issue it; leaders read issued versions (on
a phone or as the PDF) and write instructions; staff record what was done.

Committee staff and leaders whose area contains the briefing's area; anybody else gets a 404
(visibility equals existence). Drafts are for staff only."""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import selectors
from reports.context import briefing_context
from reports.exports_briefing import briefing_pdf, briefing_xlsx
from reports.forms_briefing import BriefingTextForm, CompileForm, FollowUpForm, InstructionForm
from reports.models import Briefing, BriefingVersion, Instruction
from reports.periods import Period
from reports.services.briefing import (
    briefing_compile_request,
    briefing_edit,
    briefing_issue,
    instruction_create,
    instruction_follow_up,
)
from reports.tasks import compile_requested_briefings_task
from representatives.models import Role

logger = logging.getLogger(__name__)

WHOLE = "briefing"


@dataclass
class DraftVersion:
    """A draft shown (or printed) like an issued version, marked as a draft."""

    briefing: Briefing
    number = None
    issued_at = None

    def __getattr__(self, name):
        return getattr(self.briefing, name)


def _scope(request, *, staff: bool = False):
    scope = selectors.reporting_scope(request.user)
    if scope is None or (staff and not selectors.is_staff(request.user)):
        raise Http404
    return scope


def _briefing(request, pk: int, *, staff: bool = False) -> Briefing:
    return get_object_or_404(selectors.briefings_visible(_scope(request, staff=staff)), pk=pk)


def _version(request, pk: int, number: int) -> BriefingVersion:
    return get_object_or_404(selectors.versions_of(_briefing(request, pk)), number=number)


def _instruction_items(version) -> list[tuple[str, str]]:
    f = version.figures
    items = [(WHOLE, _("The briefing as a whole"))]
    items += [
        (f"hot:{t['word']}", _("Hot topic: %(word)s") % {"word": t["word"]})
        for t in f["hot_topics"]
    ]
    refs = dict.fromkeys(r["ref"] for r in [*f["typical"], *f["proposals"]["supervision"]])
    items += [(f"case:{ref}", _("Case %(ref)s") % {"ref": ref}) for ref in refs]
    return items


@require_GET
@login_required
def briefing_list(request):
    scope = _scope(request)
    staff = selectors.is_staff(request.user)
    briefings = selectors.briefing_list(scope, staff=staff)
    return render(
        request,
        "reports/briefing_list.html",
        {
            "briefings": briefings,
            "staff": staff,
            "form": CompileForm(scope=scope) if staff else None,
        },
    )


@require_POST
@login_required
def briefing_compile_view(request):
    scope = _scope(request, staff=True)
    form = CompileForm(request.POST, scope=scope)
    if not form.is_valid():
        return render(
            request,
            "reports/briefing_list.html",
            {"briefings": selectors.briefing_list(scope, staff=True), "staff": True, "form": form},
            status=400,
        )
    briefing, asked = briefing_compile_request(
        period=Period.parse(form.cleaned_data["period"]),
        area=form.cleaned_data["area"],
        actor=request.user,
    )
    return _compiling(request, briefing, asked)


def _compiling(request, briefing: Briefing, asked: bool):
    """Hand the compile to the reports queue (a minute's beat catches it if the broker is
    down) and show the draft, which says it is being compiled."""
    if asked:
        try:
            compile_requested_briefings_task.delay()
        except Exception:  # noqa: BLE001 - the broker is down: the request stays for beat
            logger.warning("briefing %s: compile left to beat (broker unavailable)", briefing.pk)
        briefing.refresh_from_db()
    if briefing.compiling:
        messages.info(
            request,
            _(
                "The figures are being compiled from the cases as they are now; this page shows them when they are ready."
            )
            if asked
            else _("The figures are already being compiled."),
        )
    else:
        messages.success(request, _("The draft was compiled from the cases as they are now."))
    return redirect("reports:briefing-draft", briefing.pk)


def _draft_page(request, briefing, form, *, status=200):
    if briefing.compiled_at is None:  # the first compile is under way: nothing to edit yet
        return render(
            request, "reports/briefing_compiling.html", {"briefing": briefing}, status=status
        )
    versions = list(briefing.versions.order_by("-number"))
    context = briefing_context(DraftVersion(briefing))
    context.update(
        form=form,
        briefing=briefing,
        versions=versions,
        current=next((v for v in versions if v.is_current), None),
        cluster_actions=True,  # staff turn a recurring issue into a suggestion from here
    )
    return render(request, "reports/briefing_draft.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def briefing_draft(request, pk: int):
    briefing = _briefing(request, pk, staff=True)
    form = BriefingTextForm(request.POST or None, instance=briefing)
    if request.method == "GET":
        return _draft_page(request, briefing, form)
    if form.is_valid():
        try:
            briefing_edit(briefing_id=briefing.pk, actor=request.user, **form.texts())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("reports:briefing-draft", briefing.pk)
    return _draft_page(request, briefing, form, status=400)


@require_POST
@login_required
def briefing_recompile(request, pk: int):
    briefing = _briefing(request, pk, staff=True)
    briefing, asked = briefing_compile_request(
        period=Period.parse(briefing.period), area=briefing.area, actor=request.user
    )
    return _compiling(request, briefing, asked)


@require_POST
@login_required
def briefing_issue_view(request, pk: int):
    """The draft form's second button: save what is typed and issue it, once confirmed. A
    refusal sends the form back (400) with what was typed and the message by its field."""
    briefing = _briefing(request, pk, staff=True)
    form = BriefingTextForm(request.POST, instance=briefing, issuing=True)
    if form.is_valid():
        try:
            version = briefing_issue(
                briefing_id=briefing.pk,
                actor=request.user,
                texts=form.texts(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s was issued; it no longer changes.")
                % {"number": version.number},
            )
            return redirect("reports:briefing-version", briefing.pk, version.number)
    briefing.refresh_from_db()  # the preview shows what is saved, the form what was typed
    return _draft_page(request, briefing, form, status=400)


@require_GET
@login_required
def briefing_draft_pdf(request, pk: int):
    briefing = _briefing(request, pk, staff=True)
    if briefing.compiled_at is None:
        return redirect("reports:briefing-draft", briefing.pk)
    return _pdf(request, DraftVersion(briefing), f"briefing-{briefing.period}-draft")


def _version_page(request, version, *, instruction_form=None, status=200):
    staff = selectors.is_staff(request.user)
    context = briefing_context(version)
    context.update(
        briefing=version.briefing,
        current=version if version.is_current else selectors.current_version(version.briefing),
        staff=staff,
        leader=request.user.official.role == Role.LEADER,
        instruction_form=instruction_form or InstructionForm(items=_instruction_items(version)),
        instructions=_labelled(version),
        follow_up_form=FollowUpForm() if staff else None,
    )
    return render(request, "reports/briefing_version.html", context, status=status)


def _labelled(version) -> list[Instruction]:
    """The version's instructions, each with the item it is about in words."""
    labels = dict(_instruction_items(version))
    instructions = list(version.instructions.order_by("created_at"))
    for instruction in instructions:
        instruction.item_label = labels.get(instruction.item or WHOLE, instruction.item)
    return instructions


@require_GET
@login_required
def briefing_version(request, pk: int, number: int):
    return _version_page(request, _version(request, pk, number))


@require_GET
@login_required
def briefing_version_pdf(request, pk: int, number: int):
    version = _version(request, pk, number)
    return _pdf(request, version, f"briefing-{version.briefing.period}-v{number}")


@require_GET
@login_required
def briefing_version_xlsx(request, pk: int, number: int):
    version = _version(request, pk, number)
    response = HttpResponse(
        briefing_xlsx(version.figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="briefing-{version.briefing.period}-v{number}.xlsx"'
    )
    return response


def _pdf(request, version, name: str) -> HttpResponse:
    response = HttpResponse(
        briefing_pdf(version, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@require_POST
@login_required
def instruction_create_view(request, pk: int, number: int):
    version = _version(request, pk, number)
    if request.user.official.role != Role.LEADER:
        raise Http404
    form = InstructionForm(request.POST, items=_instruction_items(version))
    if form.is_valid():
        about = form.cleaned_data["about"]
        case = None
        if about.startswith("case:"):
            case = selectors.briefing_case(version, about.removeprefix("case:"))
        try:
            instruction_create(
                author=request.user,
                version=version,
                case=case,
                item="" if about == WHOLE else about,
                text=form.cleaned_data["text"],
                supervise=form.cleaned_data["supervise"],
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, _("Your instruction was recorded."))
            return redirect("reports:briefing-version", pk, number)
    return _version_page(request, version, instruction_form=form, status=400)


@require_POST
@login_required
def instruction_follow_up_view(request, pk: int):
    scope = _scope(request, staff=True)
    instruction = get_object_or_404(selectors.instructions_visible(scope), pk=pk)
    form = FollowUpForm(request.POST, instance=instruction)
    version = instruction.version
    if not form.is_valid():
        messages.error(request, _("Say what was done."))
    else:
        instruction_follow_up(
            instruction_id=instruction.pk, actor=request.user, text=form.cleaned_data["follow_up"]
        )
        messages.success(request, _("The follow-up was recorded."))
    return redirect("reports:briefing-version", version.briefing_id, version.number)
