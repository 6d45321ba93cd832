import re
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback import reference
from feedback.models import (
    TEXT_MAX_LENGTH,
    Channel,
    ContactPreference,
    RequestType,
    Satisfaction,
    secret_normalise,
    tracking_code_normalise,
)
from feedback.photos import clean_photo
from feedback.reference import FrozenChoices
from representatives.models import ReceptionDay

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def mobile_number(typed: str) -> str:
    """A mainland mobile number as people type it (spaces, dashes, +86), as 11 digits; a
    ValidationError next to the field otherwise."""
    phone = re.sub(r"[\s-]", "", typed).removeprefix("+86")
    if not MOBILE_RE.match(phone):
        raise ValidationError(_("Please enter an 11-digit mobile number, e.g. 13812345678."))
    return phone


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to ``PHOTOS_PER_SUBMISSION`` photos; cleaning keeps good ones and reports bad ones."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return files


class OpinionFormBase(forms.Form):
    """Fields shared by the resident's form and the representative's log."""

    form_key = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("What is it about?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what happened and where, and what you would like done."),
        error_messages={"required": _("Please write what your opinion is about.")},
    )
    request_type = forms.ChoiceField(
        label=_("What kind of opinion is it?"),
        choices=FrozenChoices(RequestType.choices),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one.")},
    )
    category = forms.ChoiceField(label=_("Topic (optional)"), required=False)
    area = forms.TypedChoiceField(
        label=_("Which community or street?"),
        coerce=int,
        error_messages={"required": _("Please choose the community or street it concerns.")},
    )
    address_line = forms.CharField(
        label=_("Address or place (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example: building 3, north gate of the estate."),
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional, up to 4)"),
        help_text=_("JPEG, PNG, WebP or HEIC. Location and camera data are removed."),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=30, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_preference = forms.ChoiceField(
        label=_("How may we contact you?"),
        choices=FrozenChoices(ContactPreference.choices),
        initial=ContactPreference.NONE,
        widget=forms.RadioSelect,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree that my name and number are stored to contact me about this opinion."),
        required=False,
    )

    def __init__(self, *args, pending_photo_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending_photo_count = pending_photo_count
        self.fields["area"].choices = reference.area_choices()
        self.fields["category"].choices = reference.category_choices()
        self.valid_photos = []
        self.photo_errors = []

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise ValidationError(_("Please write a little more (at least 5 characters)."))
        return text

    def clean_area(self):
        # The choice itself was checked against the (cached) list: keep the id, no query.
        return self.cleaned_data["area"]

    def clean_category(self):
        slug = self.cleaned_data.get("category")
        return reference.category_ids().get(slug) if slug else None

    def clean_contact_phone(self):
        phone = re.sub(r"[\s-]", "", self.cleaned_data.get("contact_phone", "")).removeprefix("+86")
        return mobile_number(phone) if phone else ""  # optional: nothing typed is no number

    def submission_fields(self) -> dict:
        """What ``submission_create`` stores from the form's own fields (the caller adds the
        key, the source, the language and any photos)."""
        cleaned = self.cleaned_data
        return {
            "area_id": cleaned["area"],
            "text": cleaned["text"],
            "request_type": cleaned["request_type"],
            "category_id": cleaned["category"],
            "address_line": cleaned["address_line"],
            "contact_name": cleaned["contact_name"],
            "contact_phone": cleaned["contact_phone"],
            "contact_preference": cleaned["contact_preference"],
            "consent": cleaned["consent"],
        }

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        room = settings.PHOTOS_PER_SUBMISSION - self.pending_photo_count
        if len(files) > room:
            raise ValidationError(
                _("You can attach at most %(n)s photos in all.")
                % {"n": settings.PHOTOS_PER_SUBMISSION}
            )
        for upload in files:
            try:
                self.valid_photos.append(clean_photo(upload))
            except ValidationError as error:
                self.photo_errors.extend(error.messages)
        if self.photo_errors:
            raise ValidationError(self.photo_errors)
        return self.valid_photos

    def clean(self):
        cleaned = super().clean()
        name, phone = cleaned.get("contact_name"), cleaned.get("contact_phone")
        preference = cleaned.get("contact_preference") or ContactPreference.NONE
        cleaned["contact_preference"] = preference
        # A number that failed its own check still counts: the resident must hear about the
        # consent box now, not after fixing the number.
        raw_phone = (self.data.get(self.add_prefix("contact_phone")) or "").strip()
        if (name or phone or raw_phone) and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Tick this box to let us keep your name and number, or clear them to send "
                    "your opinion anonymously."
                ),
            )
        if (
            preference != ContactPreference.NONE
            and not phone
            and "contact_phone" not in self.errors
        ):
            self.add_error(
                "contact_phone", _("Please give a mobile number, or choose “Do not contact me”.")
            )
        return cleaned


class IntakeForm(OpinionFormBase):
    """The resident's form, reached from a QR code."""

    # Honeypot: hidden from people by CSS and aria-hidden; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @classmethod
    def new_initial(cls, area=None) -> dict:
        return {
            "form_key": uuid.uuid4(),
            "area": area.pk if area else None,
            "contact_preference": "none",
        }


def reception_days_heard(sites):
    """The reception days opinions may be logged for: those of the last four months that took
    place (a scheduled day still to come has heard nobody yet)."""
    today = timezone.localdate()
    return ReceptionDay.objects.filter(
        site__in=sites, date__gte=today - timedelta(days=120), date__lte=today
    ).select_related("site")


class LogOpinionForm(OpinionFormBase):
    """A representative's or station staff member's record of an opinion heard in person."""

    channel = forms.ChoiceField(
        label=_("Where did you hear it?"),
        choices=[
            (Channel.ON_DUTY, Channel.ON_DUTY.label),
            (Channel.RECEPTION_DAY, Channel.RECEPTION_DAY.label),
        ],
        widget=forms.RadioSelect,
        initial=Channel.ON_DUTY,
    )
    collected_on = forms.DateField(
        label=_("Date"),
        # <input type="date"> only accepts ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reception_day = forms.ModelChoiceField(
        label=_("Reception day (if it was one)"),
        queryset=ReceptionDay.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    consent = forms.BooleanField(
        label=_("The resident agreed that their name and number are stored to contact them."),
        required=False,
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception_day"].queryset = reception_days_heard(sites)
        self.fields["text"].label = _("What did the resident say?")
        self.fields["contact_name"].label = _("Resident's name (optional)")
        self.fields["contact_phone"].label = _("Resident's mobile number (optional)")
        self.fields["contact_preference"].label = _("How does the resident want to be contacted?")
        self.fields["text"].help_text = _("In the resident's own words, as far as possible.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == Channel.RECEPTION_DAY and not cleaned.get("reception_day"):
            self.add_error(
                "reception_day", _("Choose the reception day, or pick “Representative on duty”.")
            )
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=30,
        help_text=_("For example KL-2611-7Q4M."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    secret = forms.CharField(
        label=_("Key"),
        max_length=20,
        help_text=_("The six characters shown next to the tracking code."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = tracking_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                _("A tracking code looks like KL-2611-7Q4M: KL, four digits and four letters.")
            )
        return code

    def clean_secret(self):
        return secret_normalise(self.cleaned_data["secret"])


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one.")},
    )
    comment = forms.CharField(
        label=_("Comment (required if not satisfied)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicationConsentForm(forms.Form):
    """The tracking page's box: may the result be shown on the public 公示 page?"""

    publication_consent = forms.BooleanField(
        label=_(
            "I agree that the result of my opinion (the reply and the unit's photos of the "
            "result) may be shown on the public notice page, without my name, number, words or "
            "photos."
        ),
        required=False,
    )


class MineForm(forms.Form):
    """我的意见: the number the resident gave with their opinions."""

    phone = forms.CharField(
        label=_("The mobile number you gave"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return mobile_number(self.cleaned_data["phone"])


class MineCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code in the text message"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
