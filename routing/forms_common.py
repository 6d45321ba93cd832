"""What the workbench's and the desk's forms share: a service's error put next to its field,
and the progress note both post."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from routing.services.transition import IllegalTransition

TEXTAREA = {"rows": 4}


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to one workflow service. Every subclass has a prefix, so
    that several share a case page without clashing ids, and an ``error_field``: where a
    service's error without a field of its own is shown."""

    error_field: str | None = None

    def attach(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` next to the field it concerns. A case that moved
        under the person's feet is about the page, not a field: it goes on top."""
        if isinstance(error, IllegalTransition):
            self.add_error(None, error)
        elif hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else self.error_field, errors)
        else:
            self.add_error(self.error_field, error)


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
