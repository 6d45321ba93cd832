from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import TEXTAREA, ServiceForm
from notices.models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, TITLE_MAX_LENGTH
from workbench.forms_work import DateInput
from workbench.selectors_work import parse_reference


class PublishForm(ServiceForm):
    """Which of what the resident was shown goes on the 公示 pages."""

    prefix = "publish"
    error_field = "photos"

    show_reply = forms.BooleanField(
        label=_("Show the reply, exactly as the resident read it"),
        help_text=_("Untick it if the reply names a person or a household."),
        required=False,
    )
    photos = forms.MultipleChoiceField(
        label=_("Photos of the result to show"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [
            (str(p.pk), _("Photo %(n)s") % {"n": i}) for i, p in enumerate(photos, 1)
        ]


class AnnouncementForm(ServiceForm):
    error_field = "title"

    area = forms.ModelChoiceField(label=_("Community"), queryset=None)
    site = forms.ModelChoiceField(
        label=_("Site (optional)"),
        queryset=None,
        required=False,
        help_text=_("Shown on this site's notice page too."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("The plan"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Public: write no resident's name, number or address."),
    )
    opens_on = forms.DateField(label=_("Comments from"), widget=DateInput)
    closes_on = forms.DateField(label=_("Comments until"), widget=DateInput)
    refs = forms.CharField(
        label=_("Cases it answers (optional)"),
        help_text=_("Separate references with spaces or commas, e.g. C-000123 C-000130."),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, areas, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["site"].queryset = sites

    def clean_refs(self) -> list[int]:
        ids = []
        for part in self.cleaned_data["refs"].replace(",", " ").replace("，", " ").split():
            pk = parse_reference(part)
            if pk is None:
                raise ValidationError(_("“%(ref)s” is not a case reference."), params={"ref": part})
            ids.append(pk)
        return ids


class CommentForm(forms.Form):
    """A resident's comment on an announcement: the words only."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Do not write your name or number: comments are anonymous."),
        error_messages={
            "required": _("Please write your comment."),
            "max_length": _("Please keep it under %(limit_value)s characters."),
        },
    )
    # A field people cannot see: a bot that fills it is answered like a success.
    website = forms.CharField(required=False, label=_("Leave this empty"))
