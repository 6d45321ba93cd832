"""The form a service's errors go back to (STYLE: views and forms)."""

from django import forms
from django.core.exceptions import ValidationError

TEXTAREA = {"rows": 4}


class PageError(ValidationError):
    """An error about the page rather than a field (the record moved under the person's
    feet): shown at the top of the form."""


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to one service. Every subclass has a prefix, so that
    several share a page without clashing ids, and an ``error_field``: where a service's
    error without a field of its own is shown."""

    error_field: str | None = None

    def attach(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` next to the field it concerns; a ``PageError``
        goes on top."""
        if isinstance(error, PageError):
            self.add_error(None, error)
        elif hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else self.error_field, errors)
        else:
            self.add_error(self.error_field, error)
