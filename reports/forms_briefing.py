from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.forms import ServiceForm
from reports.forms import clean_quarter, quarter_choices, recent_quarters
from reports.models import Briefing, Instruction
from representatives.models import Area, AreaLevel


class CompileForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Quarter"), widget=forms.Select)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"), queryset=Area.objects.none(), empty_label=None
    )

    def __init__(self, data=None, *, scope: Area):
        super().__init__(data)
        quarters = recent_quarters(timezone.localdate())
        # Newest first, as everywhere; the quarter that ended is chosen: that is what a
        # briefing reports.
        self.fields["period"].widget.choices = quarter_choices(quarters, data)
        self.fields["period"].initial = quarters[1].key
        self.fields["area"].queryset = Area.objects.filter(
            path__startswith=scope.path, level__in=[AreaLevel.CITY, AreaLevel.DISTRICT]
        ).order_by("path")
        self.fields["area"].initial = scope.pk

    def clean_period(self):
        return clean_quarter(self.cleaned_data["period"])


class BriefingTextForm(forms.ModelForm):
    """The draft's text. Its second button issues it: what is typed is saved with the issue,
    after the reader ticks ``confirm``; a correction of the current version says why."""

    reason = forms.CharField(
        label=gettext_lazy("Why is the current version corrected?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read it; issue it to the leaders"),
        required=False,
    )

    def __init__(self, *args, issuing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuing = issuing

    def clean_confirm(self):
        confirmed = self.cleaned_data["confirm"]
        if self.issuing and not confirmed:
            raise forms.ValidationError(
                gettext_lazy("Tick this box to confirm you have read the briefing.")
            )
        return confirmed

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    class Meta:
        model = Briefing
        fields = ["title", "overview_text", "hot_text", "proposals_text"]
        widgets = {
            "overview_text": forms.Textarea(attrs={"rows": 6}),
            "hot_text": forms.Textarea(attrs={"rows": 6}),
            "proposals_text": forms.Textarea(attrs={"rows": 6}),
        }


class InstructionForm(ServiceForm):
    error_field = None  # a refusal without a field goes above the form
    about = forms.ChoiceField(label=gettext_lazy("Instruction on"))
    text = forms.CharField(
        label=gettext_lazy("Instruction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    supervise = forms.BooleanField(
        label=gettext_lazy("Put the chosen case under supervision (督办)"), required=False
    )

    def __init__(self, data=None, *, items: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["about"].choices = items


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["follow_up"]
        widgets = {"follow_up": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].required = True
