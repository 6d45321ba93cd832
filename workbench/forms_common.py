"""The progress note both the workbench and the desk post."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import TEXTAREA, ServiceForm


class ProgressForm(ServiceForm):
    prefix = "progress"
    error_field = "note"

    note = forms.CharField(
        label=_("Progress note"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Write the progress note.")},
    )
    is_public = forms.BooleanField(
        label=_("The resident may read this note"),
        help_text=_("Unticked, only staff and the unit see it."),
        required=False,
    )
