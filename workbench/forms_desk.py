"""Forms of the handling units' desk and of the direct reply. Each validates and converts
its input; the workflow services enforce the rules that need the case (STYLE: views and forms).

Every form has a prefix so that several can share the case page without clashing ids, and an
``error_field``: where a service's error without a field of its own is shown.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import TEXTAREA, ServiceForm
from feedback.forms import MultiplePhotoField
from feedback.photos import clean_photo
from routing.models import CaseStatus
from workbench.forms_language import TranslatedReplyMixin
from workbench.selectors_desk import forward_unit_choices


class AcceptForm(ServiceForm):
    prefix = "accept"


class ReturnForm(ServiceForm):
    prefix = "return"
    error_field = "reason"

    expected_status = forms.ChoiceField(
        choices=[(s, s) for s in (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS)],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Why is this case not yours to handle?"),
        help_text=_("Say which body should handle it, if you know. The committee routes it again."),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say why this case is not yours to handle.")},
    )


class ExtensionForm(ServiceForm):
    prefix = "extension"
    error_field = "new_resolve_by"

    reason = forms.CharField(
        label=_("Why is more time needed?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say why more time is needed.")},
    )
    new_resolve_by = forms.DateField(
        label=_("New deadline"),
        help_text=_("Ask before the current deadline. The committee decides."),
        # <input type="date"> only accepts ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the new deadline."),
            "invalid": _("Enter a date such as 2026-12-31."),
        },
    )


class ResultForm(ServiceForm):
    prefix = "result"
    error_field = "result"

    result = forms.CharField(
        label=_("What was done?"),
        help_text=_("The committee checks it and writes the reply the resident reads."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe what was done.")},
    )
    photos = MultiplePhotoField(
        label=_("Photos of the result (optional, up to 4)"),
        help_text=_("JPEG, PNG, WebP or HEIC. Location and camera data are removed."),
    )

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > settings.PHOTOS_PER_SUBMISSION:
            raise ValidationError(
                _("You can attach at most %(n)s photos.") % {"n": settings.PHOTOS_PER_SUBMISSION}
            )
        cleaned, problems = [], []
        for upload in files:
            try:
                cleaned.append(clean_photo(upload))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return cleaned


class ForwardForm(ServiceForm):
    prefix = "forward"
    error_field = "unit"

    unit = forms.ModelChoiceField(
        label=_("Department that handles it"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose a city department.")},
    )
    note = forms.CharField(
        label=_("Note for the department (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = forward_unit_choices()


class DirectReplyForm(TranslatedReplyMixin, ServiceForm):
    prefix = "reply"
    error_field = "reply"

    reply = forms.CharField(
        label=_("Your reply to the resident"),
        help_text=_("The resident reads it on the tracking page and is told by text message."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the reply the resident will read.")},
    )


class NotAcceptForm(ServiceForm):
    prefix = "decline"
    error_field = "reply"

    reply = forms.CharField(
        label=_("Where can this be handled?"),
        help_text=_(
            "For example a matter before a court: explain the proper channel. "
            "Representatives do not intervene in individual cases."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Explain to the resident where this can be handled.")},
    )
