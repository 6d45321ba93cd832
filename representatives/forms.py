from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.forms import TEXTAREA, ServiceForm
from representatives.models import Representative


class SignInForm(AuthenticationForm):
    """Username and password, plus a TOTP code for users who have a confirmed device.

    A user with a device must give a valid code; django-otp then marks the session verified
    (its ``user_logged_in`` handler reads ``user.otp_device``).
    """

    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up two-factor sign-in."),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is None:
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            self.add_error("otp_token", _("Enter the code from your authenticator app."))
            return cleaned
        allowed, _extra = device.verify_is_allowed()
        if not allowed or not device.verify_token(token):
            self.add_error(
                "otp_token",
                _("That code is not right. Check the time on your phone and try again."),
            )
            return cleaned
        user.otp_device = device
        return cleaned


class TwoFactorConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try again.")
            )
        return token


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, street, community or representative"),
        required=False,
        max_length=50,
    )


class _ReceptionDayForm(ServiceForm):
    """The fields both acts share; ``site`` is chosen before the form (one of the person's
    sites), and only that site's representatives are listed."""

    error_field = "date"
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    representatives = forms.ModelMultipleChoiceField(
        label=_("Representatives"),
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["representatives"].queryset = (
            Representative.objects.filter(sites=site, is_active=True).order_by("name")
            if site
            else Representative.objects.none()
        )


class ReceptionScheduleForm(_ReceptionDayForm):
    """A coming reception day: when, and who receives (announced on the site's page)."""

    prefix = "schedule"
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    field_order = ["date", "starts_at", "ends_at", "representatives", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].label = _("Who receives")
        self.fields["notes"].label = _("Notes for residents (optional)")


class ReceptionRecordForm(_ReceptionDayForm):
    """A reception day that happened: who was there, how many came."""

    prefix = "record"
    visitors = forms.IntegerField(
        label=_("Number of visitors"),
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )
    field_order = ["date", "representatives", "visitors", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].label = _("Representatives present")
