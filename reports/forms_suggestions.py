"""The forms of the suggestion and motion pages; each feeds one service (reports.services
.suggestions), whose refusals are shown next to their field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import TEXTAREA, ServiceForm
from feedback.models import Satisfaction
from reports.models import Suggestion
from reports.periods import Period
from representatives.models import Area, Representative
from routing.models import Category, HandlingUnit


def _representatives():
    return Representative.objects.filter(is_active=True).order_by("level", "name")


class SuggestionTextForm(ServiceForm):
    prefix = "text"
    error_field = "text"
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(
        label=_("text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Suggestion.Kind.choices)


class SuggestionSubmitForm(ServiceForm):
    prefix = "submit"
    error_field = "representatives"
    representatives = forms.ModelMultipleChoiceField(
        label=_("raised by"),
        queryset=Representative.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    unit = forms.ModelChoiceField(
        label=_("handling unit"),
        queryset=HandlingUnit.objects.none(),
        empty_label=_("Choose a unit"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].queryset = _representatives()
        self.fields["unit"].queryset = HandlingUnit.objects.filter(is_active=True).order_by("name")


class SuggestionReplyForm(ServiceForm):
    prefix = "reply"
    error_field = "reply"
    reply = forms.CharField(
        label=_("reply"), max_length=10000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    outcome = forms.ChoiceField(label=_("outcome"), choices=Suggestion.Outcome.choices)


class SuggestionRateForm(ServiceForm):
    prefix = "rate"
    error_field = "satisfaction"
    satisfaction = forms.ChoiceField(
        label=_("representatives' rating"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class MotionDraftForm(ServiceForm):
    prefix = "motion"
    error_field = "suggestions"
    suggestions = forms.ModelMultipleChoiceField(
        label=_("suggestions"),
        queryset=Suggestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("subject (案由)"), max_length=200)
    grounds = forms.CharField(
        label=_("grounds (案据)"), max_length=10000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    proposal = forms.CharField(
        label=_("proposal (方案)"), max_length=10000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].queryset = suggestions


class MotionSubmitForm(ServiceForm):
    prefix = "cosign"
    error_field = "co_signers"
    co_signers = forms.ModelMultipleChoiceField(
        label=_("co-signing representatives"),
        queryset=Representative.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("At least ten."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_signers"].queryset = _representatives()


class MotionReviewForm(ServiceForm):
    prefix = "review"
    error_field = "note"
    accept = forms.TypedChoiceField(
        label=_("decision of the representative work committee"),
        choices=[("1", _("Accept and assign for research")), ("0", _("Send back to the drafters"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("review by the representative work committee"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    research_by = forms.CharField(
        label=_("researched by"),
        max_length=100,
        required=False,
        help_text=_("A special committee or a representatives' group."),
    )


class MotionDecideForm(ServiceForm):
    prefix = "decide"
    error_field = "outcome"
    outcome = forms.CharField(
        label=_("outcome"), max_length=200, help_text=_("e.g. adopted by the congress")
    )


class ClusterForm(forms.Form):
    """A recurring issue of a briefing's draft (hidden fields of its button): a street in the
    reader's area, a category and the briefing's period."""

    street = forms.ModelChoiceField(queryset=Area.objects.none())
    category = forms.ModelChoiceField(queryset=Category.objects.all())
    period = forms.CharField(max_length=30)

    def __init__(self, data=None, *, scope: Area):
        super().__init__(data)
        self.fields["street"].queryset = Area.objects.filter(path__startswith=scope.path)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("Choose a period.")) from None
