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
        # The quarter that ended first: that is what a briefing reports.
        self.fields["period"].widget.choices = quarter_choices(quarters[1:] + quarters[:1], data)
        self.fields["area"].queryset = Area.objects.filter(
            path__startswith=scope.path, level__in=[AreaLevel.CITY, AreaLevel.DISTRICT]
        ).order_by("path")
        self.fields["area"].initial = scope.pk

    def clean_period(self):
        return clean_quarter(self.cleaned_data["period"])


class BriefingTextForm(forms.ModelForm):
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
