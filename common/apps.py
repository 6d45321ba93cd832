from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares; as an app only so that its ``ready()`` runs."""

    name = "common"

    def ready(self):
        # Django 6.1's empty choice of a model field's select, "- Select an option -", has no
        # Chinese in Django's catalogue yet: ours, translated, on every form.
        fields.BLANK_CHOICE_LABEL = _("— choose —")
