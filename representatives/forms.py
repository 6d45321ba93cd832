from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from representatives.models import ReceptionDay, Representative


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


class ReceptionDayForm(forms.ModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["site", "date", "representatives", "visitors", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "visitors": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "representatives": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = None
        self.fields["representatives"].queryset = Representative.objects.filter(
            sites__in=sites
        ).distinct()
