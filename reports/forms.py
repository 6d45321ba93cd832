from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.periods import QUARTER_RE, Period
from representatives.models import Area, AreaLevel

CUSTOM = "custom"
MAX_DAYS = 3 * 366


def recent_quarters(today, count: int = 8) -> list[Period]:
    """This quarter (to date) and the ones before it, newest first."""
    current = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    quarters = [current]
    for _step in range(count - 1):
        quarters.append(quarters[-1].previous())
    return quarters


def quarter_choices(quarters: list[Period], data=None) -> list[tuple[str, str]]:
    """The recent quarters, plus an older one that was asked for (a link, a bookmark), so the
    select shows what is displayed."""
    choices = [(p.key, p.label) for p in quarters]
    asked = (data or {}).get("period", "")
    if asked and asked not in dict(choices):
        try:
            period = Period.parse(asked)
        except ValueError:
            return choices
        if QUARTER_RE.match(period.key):
            choices.append((period.key, period.label))
    return choices


def clean_quarter(value: str, *, allow: str = "") -> str:
    """A quarter key such as 2026Q3 (any year a congress could have), or ``allow``."""
    if allow and value == allow:
        return value
    match = QUARTER_RE.match(value or "")
    if not match or not 2000 <= int(match[1]) <= 2100:
        raise forms.ValidationError(_("Choose a quarter from the list."))
    return value


class DashboardForm(forms.Form):
    """Which period and which part of the user's area. Invalid input re-renders the page with
    the message next to the field; nothing is computed for it."""

    period = forms.CharField(label=gettext_lazy("Period"), widget=forms.Select)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"), queryset=Area.objects.none(), empty_label=None
    )

    def __init__(self, data=None, *, scope: Area):
        super().__init__(data)
        today = timezone.localdate()
        self.quarters = recent_quarters(today)
        self.fields["period"].widget.choices = quarter_choices(self.quarters, data) + [
            (CUSTOM, _("Other dates (below)"))
        ]
        self.fields["period"].initial = self.quarters[0].key
        self.fields["area"].queryset = Area.objects.filter(
            path__startswith=scope.path,
            level__in=[AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.TOWNSHIP],
        ).order_by("path")
        self.fields["area"].initial = scope.pk
        self.fields["area"].label_from_instance = lambda a: (
            "\u3000" * (a.tier - scope.tier) + a.name
        )

    def clean_period(self):
        return clean_quarter(self.cleaned_data["period"], allow=CUSTOM)

    def clean(self):
        data = super().clean()
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day, or choose a quarter above."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day, or choose a quarter above."))
        if start and end:
            if end < start:
                self.add_error("end", _("The last day is before the first day."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Choose at most three years."))
        return data

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        if data["period"] == CUSTOM:
            return Period(data["start"], data["end"] + timedelta(days=1))
        return Period.parse(data["period"])
