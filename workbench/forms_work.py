"""Forms of the committee's workbench. Each validates and converts its input; the workflow
services enforce the rules that need the case (STYLE: views and forms).

Every action form has a prefix, so that several share the case page without clashing ids, and
an ``error_field``: where a service's error without a field of its own is shown.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import TEXTAREA, ServiceForm
from representatives.models import person_name
from routing.models import (
    TRIAGE_STATUSES,
    CaseStatus,
    Category,
    DeadlineLevel,
    Route,
)
from routing.routes import ROUTES
from routing.selectors import QUEUES
from workbench.forms_language import TranslatedReplyMixin
from workbench.selectors_work import (
    active_units,
    case_by_reference_for_user,
    case_lookup,
    committee_staff_users,
    triage_unit_choices,
    workbench_area_choices,
)

ANY = _("Any")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


CHOOSE = _("— choose —")


class StaffChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return person_name(obj)


class CaseFilterForm(forms.Form):
    """The workbench's GET filters; an invalid value is ignored rather than refused."""

    queue = forms.ChoiceField(
        choices=[(k, k) for k in QUEUES], required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(
        label=_("Search"),
        help_text=_(
            "Words of the opinion, a tracking code, a case number, a phone number or a name."
        ),
        max_length=100,
        required=False,
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False, empty_label=ANY)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=ANY
    )
    route = forms.ChoiceField(label=_("Route"), choices=[("", ANY), *Route.choices], required=False)
    unit = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=None, required=False, empty_label=ANY
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", ANY), *CaseStatus.choices], required=False
    )
    since = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    until = forms.DateField(label=_("Received until"), required=False, widget=DateInput)

    def __init__(self, *args, official, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = workbench_area_choices(official)
        self.fields["area"].label_from_instance = lambda a: "\u2003" * max(a.tier - 2, 0) + a.name
        self.fields["unit"].queryset = active_units()

    def filters(self) -> dict:
        """The valid filters, as ``case_list_for_user`` takes them."""
        self.is_valid()
        data = self.cleaned_data
        search = data.get("q") or ""
        return {
            # A code, number or phone finds the case wherever it is, not in one queue only.
            "queue": "all" if case_lookup(search) is not None else data.get("queue") or "all",
            "search": search,
            "area": data.get("area"),
            "category": data.get("category"),
            "route": data.get("route") or "",
            "unit": data.get("unit"),
            "status": data.get("status") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }


class BulkAcceptForm(forms.Form):
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    queue = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id: the scoped fetch decides which exist for the user.
        self.fields["cases"].valid_value = lambda value: str(value).isdigit()


# --- The case page's actions -------------------------------------------------------------------


class TriageForm(ServiceForm):
    prefix = "triage"
    error_field = "route"

    expected_status = forms.ChoiceField(
        choices=[(s, s) for s in TRIAGE_STATUSES], widget=forms.HiddenInput
    )
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices, widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        empty_label=CHOOSE,
        error_messages={"required": _("Choose the category.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=None,
        required=False,
        empty_label=CHOOSE,
        help_text=_("Needed for a hand-off to a street office or township government."),
    )
    urgent = forms.BooleanField(
        label=_("Urgent (immediate danger, heating, water or gas cut)"), required=False
    )
    deadline_level = forms.ChoiceField(
        label=_("Deadline level"),
        choices=[("", _("By the route (default)")), *DeadlineLevel.choices],
        required=False,
    )
    supervise = forms.BooleanField(
        label=_("Supervised follow-up (督办) on top of the route"),
        required=False,
        help_text=_(
            "Safety hazards, wage arrears, many households, repeated or unresolved complaints. "
            "The case still follows its route."
        ),
    )
    supervisor = StaffChoiceField(
        label=_("Supervisor"),
        queryset=None,
        required=False,
        help_text=_("Needed for supervised follow-up."),
    )
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = triage_unit_choices()
        self.fields["supervisor"].queryset = committee_staff_users()

    def clean(self):
        data = super().clean()
        if data.get("supervise") and not data.get("supervisor"):
            self.add_error("supervisor", _("A supervised case needs a named supervisor."))
        return data

    @classmethod
    def initial_for(cls, case, *, supervise: bool = False) -> dict:
        """Pre-filled from the classifier's suggestion (or what the case already has);
        ``supervise``: supervision is suggested besides (many households on the case)."""
        suggestion = case.suggestion or {}
        category = case.category_id
        if suggestion.get("category"):
            category = (
                Category.objects.filter(slug=suggestion["category"])
                .values_list("pk", flat=True)
                .first()
                or category
            )
        route = suggestion.get("route") or case.route or ""
        policy = ROUTES.get(route)
        # A transfer's department is the city government office's choice (its forward form
        # starts at the suggested one); only a hand-off is sent to a unit here.
        unit = suggestion.get("unit_id") if policy and policy.triage_unit_kinds else None
        return {
            "expected_status": case.status,
            "route": route,
            "category": category,
            "unit": unit or case.unit_id,
            "urgent": bool(suggestion.get("urgent")) or case.urgent,
            "supervise": case.is_supervised or bool(suggestion.get("supervise")) or supervise,
            "supervisor": case.supervisor_id,
        }


class ReasonForm(ServiceForm):
    error_field = "reason"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say why it goes back.")},
    )


class ReviewApproveForm(ServiceForm):
    prefix = "approve"
    error_field = "note"
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewSendBackForm(ReasonForm):
    prefix = "review_back"


class VerifyPublishForm(TranslatedReplyMixin, ServiceForm):
    prefix = "publish"
    error_field = "reply"
    reply = forms.CharField(
        label=_("Reply to the resident"),
        help_text=_("The resident reads this on the tracking page. Plain words, no staff names."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the reply the resident will read.")},
    )


class VerifySendBackForm(ReasonForm):
    prefix = "verify_back"
    reason = forms.CharField(
        label=_("What is still missing?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say what is still missing.")},
    )


class ExtensionDecideForm(ServiceForm):
    prefix = "extension"
    error_field = "note"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the new deadline")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Approve or refuse.")},
    )
    note = forms.CharField(
        label=_("Note (needed when refusing)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuperviseForm(ServiceForm):
    prefix = "supervise"
    error_field = "reason"
    supervisor = StaffChoiceField(
        label=_("Supervisor"),
        queryset=None,
        error_messages={"required": _("Name the supervisor.")},
    )
    reason = forms.CharField(
        label=_("Why is it supervised?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say why the case is supervised.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = committee_staff_users()


class MilestoneForm(ServiceForm):
    prefix = "milestone"
    error_field = "title"
    title = forms.CharField(
        label=_("Milestone"), max_length=200, error_messages={"required": _("Name the milestone.")}
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class MilestoneDoneForm(ServiceForm):
    prefix = "done"
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput)

    def clean_done_on(self):
        return self.cleaned_data.get("done_on") or timezone.localdate()


class FollowUpForm(ServiceForm):
    prefix = "follow_up"
    error_field = "note"
    note = forms.CharField(
        label=_("What did the follow-up find?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Write what the follow-up found.")},
    )


class MergeForm(ServiceForm):
    prefix = "merge"
    error_field = "into"
    into = forms.CharField(
        label=_("Merge into case"),
        help_text=_("The reference of the case that stays, e.g. C-000123."),
        max_length=20,
        error_messages={"required": _("Enter the reference of the case that stays.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_into(self):
        case = case_by_reference_for_user(self.user, self.cleaned_data["into"])
        if case is None:
            raise ValidationError(_("No case with this reference in your area."))
        return case


class NotAcceptForm(ServiceForm):
    prefix = "not_accept"
    error_field = "reply"
    reply = forms.CharField(
        label=_("Reply: where this can be handled"),
        help_text=_("For example: a matter in court is answered by explaining the proper channel."),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Explain to the resident where this can be handled.")},
    )


class ReportUpwardForm(ServiceForm):
    prefix = "upward"
    error_field = "body"
    body = forms.CharField(label=_("Reported to"), max_length=100)
    reference_number = forms.CharField(label=_("Reference number"), max_length=50)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput)


class UpwardReplyForm(ServiceForm):
    prefix = "upward_reply"
    error_field = "reply"
    reply = forms.CharField(
        label=_("Reply of the higher body"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter the reply of the higher body.")},
    )
    replied_on = forms.DateField(label=_("Reply received on"), widget=DateInput)


# --- Progress meetings -------------------------------------------------------------------------


class MeetingForm(ServiceForm):
    error_field = "title"
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    participants = forms.CharField(
        label=_("Participants"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = list(cases)
        for case in self.cases:
            self.fields[f"decision_{case.pk}"] = forms.CharField(
                label=f"{case.reference} {case.summary[:60]}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def decision_fields(self):
        return [self[f"decision_{case.pk}"] for case in self.cases]

    def decisions(self) -> dict:
        return {case: self.cleaned_data.get(f"decision_{case.pk}", "") for case in self.cases}

    def attach(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "decisions" in error.error_dict:
            self.add_error(None, error.error_dict["decisions"])
            return
        super().attach(error)


class MeetingPickForm(forms.Form):
    """Add cases to the meeting by their references (a GET form: works without JavaScript)."""

    refs = forms.CharField(
        label=_("Add cases by reference"),
        help_text=_("Separate references with spaces or commas, e.g. C-000123 C-000130."),
        required=False,
        max_length=500,
    )
