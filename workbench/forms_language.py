"""Forms for residents who wrote in another language than Chinese (decision 0025): staff's
Chinese summary of an opinion, and a reply's text in the resident's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ServiceForm
from feedback.models import CHINESE_SUMMARY_MAX_LENGTH, OTHER_LANGUAGES


class ChineseSummaryForm(ServiceForm):
    prefix = "summary"
    error_field = "chinese_summary"
    chinese_summary = forms.CharField(
        label=_("Chinese summary"),
        help_text=_(
            "What the resident asks, in Chinese: routing suggestions, search and hot topics read it."
        ),
        max_length=CHINESE_SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the summary in Chinese.")},
    )


class TranslatedReplyMixin:
    """A reply form with the reply in the resident's language besides, when the case has a
    resident who wrote in one (``language``: that language's code, or None: no such field)."""

    def __init__(self, *args, language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language
        if language:
            self.fields["reply_translated"] = forms.CharField(
                label=_("The reply in %(language)s")
                % {"language": OTHER_LANGUAGES.get(language, language)},
                help_text=_(
                    "Optional. A resident who reads the tracking page in this language sees it above the Chinese reply."
                ),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 6, "lang": language, "dir": "auto"}),
            )
