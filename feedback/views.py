import functools
import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files import private_file
from common.ratelimit import rate_limited as _rate_limited
from common.thumbnails import PhotoRenditions
from feedback.forms import (
    IntakeForm,
    LogOpinionForm,
    MineCodeForm,
    MineForm,
    PublicationConsentForm,
    RatingForm,
    TrackForm,
    reception_days_heard,
)
from feedback.models import Channel, Satisfaction
from feedback.selectors import (
    case_awaits_rating,
    case_public_timeline,
    get_submission_for_official_or_404,
    pending_photo_list,
    pending_photo_or_404,
    photo_for_resident_or_404,
    rating_events_annotate,
    submission_get_by_key,
    submission_get_for_tracking,
    submission_list_for_official,
)
from feedback.services.consent import (
    publication_consent_possible,
    submission_publication_consent_set,
)
from feedback.services.contact import submission_contact_reveal
from feedback.services.housekeeping import pending_photos_keep, pending_photos_rekey
from feedback.services.mine import own_submissions, phone_lookup_start, phone_lookup_verify
from feedback.services.notify import receipt_sms_offer, receipt_sms_send
from feedback.services.rate import case_rate
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import Role
from representatives.qr_images import qr_svg
from representatives.selectors import (
    TokenRevoked,
    own_active_code,
    qr_token_resolve,
    reception_days_to_follow,
    sites_for_official,
)
from routing.models import CaseStatus

logger = logging.getLogger(__name__)

# The resident reads their own case's status in the second person where staff wording differs.
RESIDENT_STATUS_LABELS = {CaseStatus.REPLIED: gettext_lazy("Replied, waiting for your rating")}


# The intake form, receipt, tracking and rating pages hold a resident's words, code and key:
# never kept by a browser's or a proxy's cache (issue 15.8), redirects included.
resident_private = cache_control(private=True, no_store=True)


def _page(request, template, context, status=200):
    """Render a resident-facing page: never indexed by search engines."""
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pending_photos(form_key, data=None):
    """Photos kept from an earlier failed attempt; the form says whether there are any, so the
    usual submission costs no look-up."""
    if not form_key or (data is not None and data.get("pending") != "1"):
        return []
    return pending_photo_list(form_key)


def _form_key(data):
    try:
        return uuid.UUID(str(data.get("form_key", "")))
    except ValueError:
        return None


def _guessing_blocked(request) -> int | None:
    """Minutes to wait when this address has failed too many tracking look-ups."""
    return _rate_limited(request, "track", settings.TRACK_RATE, increment=False)


def _count_failed_guess(request) -> None:
    _rate_limited(request, "track", settings.TRACK_RATE, increment=True)


class _GuessingBlocked(Exception):
    def __init__(self, wait):
        self.wait = wait


def _submission_by_code_or_404(request, code, secret):
    """The submission behind a tracking URL. Every wrong key counts against the address, and
    an address over the limit is refused before the look-up (``_GuessingBlocked``)."""
    if (wait := _guessing_blocked(request)) is not None:
        raise _GuessingBlocked(wait)
    submission = submission_get_for_tracking(code, secret)
    if submission is None:
        _count_failed_guess(request)
        raise Http404
    return submission


def guessing_limited(view):
    """Answer a blocked address with the look-up page and the time to wait (429)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _GuessingBlocked as blocked:
            return _page(
                request,
                "feedback/track_lookup.html",
                {"form": TrackForm(), "wait_minutes": blocked.wait},
                status=429,
            )

    return wrapper


def _too_large(request) -> bool:
    """A body far beyond four photos at the size limit is refused before it is parsed."""
    limit = 2 * settings.PHOTOS_PER_SUBMISSION * settings.PHOTO_MAX_BYTES + 1024 * 1024
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True


def _with_new_key(data):
    """A copy of the posted fields under a fresh one-time key (the old one is spent or bad)."""
    data = data.copy()
    data["form_key"] = str(uuid.uuid4())
    return data


def _default_area(resolved):
    """The community to preselect: the site's, or a representative's first site's. Only an
    empty form needs it, so a POST never pays for the look-up."""
    if resolved.code.site_id:
        return resolved.code.site.area
    first_site = resolved.target.sites.filter(is_active=True).select_related("area").first()
    return first_site.area if first_site else None


@resident_private
@require_http_methods(["GET", "POST"])
def intake(request, token):
    """The resident's form, reached by scanning a site's, representative's or placement's code."""
    try:
        resolved = qr_token_resolve(token)
    except TokenRevoked:
        return _page(request, "representatives/token_revoked.html", {}, status=410)
    target = resolved.target
    context = {"resolved": resolved, "target": target, "is_site": resolved.code.site_id is not None}

    if request.method == "GET":
        form = IntakeForm(initial=IntakeForm.new_initial(_default_area(resolved)))
        return _page(request, "feedback/intake.html", {**context, "form": form})

    if _too_large(request):
        context.update(
            form=IntakeForm(initial=IntakeForm.new_initial(_default_area(resolved))),
            too_large=True,
        )
        return _page(request, "feedback/intake.html", context, status=413)
    data = request.POST
    form_key = _form_key(data)
    if form_key is None:  # a lost or tampered hidden field: carry on under a new key
        data = _with_new_key(data)
        form_key = _form_key(data)
    pending = _pending_photos(form_key, data)
    form = IntakeForm(data, request.FILES, pending_photo_count=len(pending))
    wait = _rate_limited(request, "intake", settings.INTAKE_RATE, increment=True)
    if wait is not None:
        # A retry of a submission that was stored gets its receipt, never the limit page.
        stored = submission_get_by_key(form_key)
        if stored is not None:
            return redirect("feedback:receipt", stored.tracking_code, stored.secret)
        context.update(form=form, pending_photos=pending, wait_minutes=wait)
        return _page(request, "feedback/intake.html", context, status=429)
    if not form.is_valid():
        pending_photos_keep(form_key=form_key, photos=form.valid_photos)
        context.update(form=form, pending_photos=_pending_photos(form_key))
        return _page(request, "feedback/intake.html", context, status=400)
    cleaned = form.cleaned_data
    if cleaned.get("website"):
        # A bot filled the hidden field: answer like a success, store nothing.
        return _page(request, "feedback/received_without_code.html", context)
    channel = Channel.WEB_LINK if request.GET.get("via") == "link" else None
    submission, created = submission_create(
        key=cleaned["form_key"],
        source=IntakeSource.from_token(resolved, channel=channel),
        language=get_language(),
        photos=cleaned["photos"],
        pending_photos=pending,
        **form.submission_fields(),
    )
    if not created and submission.text != cleaned["text"]:
        # Back, edit, send again on a spent form: do not drop the new text silently.
        data = _with_new_key(data)
        new_key = _form_key(data)
        pending_photos_keep(form_key=new_key, photos=cleaned["photos"])
        pending_photos_rekey(old=form_key, new=new_key)  # kept from an earlier failed attempt
        kept = _pending_photos(new_key)
        context.update(
            form=IntakeForm(data, pending_photo_count=len(kept)),
            pending_photos=kept,
            already_sent=submission,
        )
        return _page(request, "feedback/intake.html", context, status=409)
    return redirect("feedback:receipt", submission.tracking_code, submission.secret)


@resident_private
@require_GET
@guessing_limited
def receipt(request, code, secret):
    submission = _submission_by_code_or_404(request, code, secret)
    return _page(
        request,
        "feedback/receipt.html",
        {"submission": submission, "sms_offer": receipt_sms_offer(submission)},
    )


@resident_private
@require_POST
@guessing_limited
def receipt_sms(request, code, secret):
    """The receipt's button: the tracking link and key to the number the resident gave."""
    submission = _submission_by_code_or_404(request, code, secret)
    if receipt_sms_send(submission_id=submission.pk):
        messages.success(
            request,
            _("The tracking code and key are on their way to %(phone)s.")
            % {"phone": submission.contact_phone_masked},
        )
    else:
        messages.info(request, _("A text message with them was already sent to your number."))
    return redirect("feedback:receipt", submission.tracking_code, submission.secret)


@resident_private
@require_http_methods(["GET", "POST"])
def track_lookup(request):
    """Find a submission by tracking code and key. Wrong codes and wrong keys look the same;
    failed attempts are rate-limited per client."""
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        wait = _guessing_blocked(request)
        if wait is not None:
            return _page(
                request,
                "feedback/track_lookup.html",
                {"form": form, "wait_minutes": wait},
                status=429,
            )
        status = 400
        if form.is_valid():
            status = 404
            submission = submission_get_for_tracking(
                form.cleaned_data["code"], form.cleaned_data["secret"]
            )
            if submission is not None:
                return redirect("feedback:track", submission.tracking_code, submission.secret)
            _count_failed_guess(request)
            form.add_error(
                None,
                _("We found no opinion with this code and key. Please check both and try again."),
            )
        return _page(
            request,
            "feedback/track_lookup.html",
            {"form": form},
            status=status,
        )
    return _page(request, "feedback/track_lookup.html", {"form": form})


def _tracking_context(submission, rating_form=None, consent_form=None):
    case = submission.case  # None for a moment after intake, until the case is opened
    status = case.status if case else CaseStatus.NEW
    can_rate = case is not None and case_awaits_rating(case)
    timeline = case_public_timeline(case) if case else []
    if case is not None:
        rating_events_annotate(case, timeline, submission=submission)
    return {
        "submission": submission,
        "case": case,
        "status": status,
        "status_label": RESIDENT_STATUS_LABELS.get(status) or CaseStatus(status).label,
        "timeline": timeline,
        "photos": list(submission.photos.all()),
        "can_rate": can_rate,
        "rating_form": rating_form or (RatingForm() if can_rate else None),
        # Once there is a result: may it be shown on the public 公示 page (docs/gongshi.md)?
        "consent_form": consent_form
        or (
            PublicationConsentForm(
                initial={"publication_consent": submission.publication_consent_at is not None}
            )
            if publication_consent_possible(submission)
            else None
        ),
        # Photos through ``track_photo``, under the same code and key.
        "photo_route": "feedback:track-photo",
        "photo_route_args": (submission.tracking_code, submission.secret),
    }


@resident_private
@require_GET
@guessing_limited
def track(request, code, secret):
    submission = _submission_by_code_or_404(request, code, secret)
    return _page(request, "feedback/track.html", _tracking_context(submission))


@resident_private
@require_POST
@guessing_limited
def publication_consent(request, code, secret):
    """The resident agrees (or no longer agrees) that the result may be shown publicly."""
    submission = _submission_by_code_or_404(request, code, secret)
    form = PublicationConsentForm(request.POST)
    if form.is_valid():
        agree = form.cleaned_data["publication_consent"]
        try:
            submission_publication_consent_set(submission=submission, agree=agree)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                for e in errors:
                    form.add_error(field, e)
        else:
            if agree:
                messages.success(request, _("Thank you. The result may now be shown publicly."))
            else:
                messages.success(request, _("Noted: the result will not be shown publicly."))
            return redirect("feedback:track", submission.tracking_code, submission.secret)
    return _page(
        request,
        "feedback/track.html",
        _tracking_context(submission, consent_form=form),
        status=400,
    )


@resident_private
@require_GET
@guessing_limited
def track_photo(request, code, secret, kind, pk, rendition):
    """A photo of the resident's tracking page, for the holder of its code and key only."""
    submission = _submission_by_code_or_404(request, code, secret)
    if rendition not in PhotoRenditions.RENDITIONS:
        raise Http404
    photo = photo_for_resident_or_404(submission, kind, pk)
    return private_file(request, photo.rendition_file(rendition), store=False)


@resident_private
@require_GET
def pending_photo(request, form_key, pk):
    """A photo kept with an unfinished form, shown back on it: the form's key opens it."""
    return private_file(request, pending_photo_or_404(form_key, pk).image, store=False)


@resident_private
@require_POST
@guessing_limited
def rate(request, code, secret):
    submission = _submission_by_code_or_404(request, code, secret)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            case_rate(
                submission=submission,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(field, e)
            else:
                form.add_error(None, error)
        else:
            if form.cleaned_data["value"] == Satisfaction.DISSATISFIED:
                messages.success(request, _("Thank you. Your opinion will be handled again."))
            else:
                messages.success(request, _("Thank you for your rating."))
            return redirect("feedback:track", submission.tracking_code, submission.secret)
    return _page(
        request,
        "feedback/track.html",
        _tracking_context(submission, form),
        status=400,
    )


# --- Representatives and station staff -------------------------------------------------------


def _official_or_404(request):
    official = getattr(request.user, "official", None)
    if official is None or official.role not in (Role.REPRESENTATIVE, Role.STATION_STAFF):
        raise Http404
    return official


@login_required
@require_GET
def rep_home(request):
    """What came in through the official's codes or site, what they logged, and the cases
    waiting for their direct reply."""
    from routing.selectors import direct_reply_cases_for_user

    official = _official_or_404(request)
    return render(
        request,
        "feedback/rep_home.html",
        {
            "official": official,
            "submissions": submission_list_for_official(request.user),
            "representative": getattr(request.user, "representative", None),
            "own_code": own_active_code(request.user),
            "reception_days": reception_days_to_follow(request.user, timezone.localdate()),
            "today": timezone.localdate(),
            # Cases routed to them for a direct reply (DESIGN section 4, route "direct").
            "direct_cases": direct_reply_cases_for_user(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_opinion(request):
    official = _official_or_404(request)
    sites = sites_for_official(request.user)
    default_site = sites.select_related("area").first()
    if request.method == "GET":
        # Where the representative lives and works (their community), else their site's.
        area = official.area if official.role == Role.REPRESENTATIVE and official.area else None
        area = area or (default_site.area if default_site else official.area)
        initial = IntakeForm.new_initial(area)
        initial.update(collected_on=timezone.localdate(), channel=Channel.ON_DUTY)
        # Straight after recording a reception day: its opinions, that day, at that site.
        chosen = request.GET.get("reception_day", "")
        day = reception_days_heard(sites).filter(pk=chosen).first() if chosen.isdigit() else None
        if day is not None:
            initial.update(
                channel=Channel.RECEPTION_DAY,
                reception_day=day.pk,
                collected_on=day.date,
                area=day.site.area_id,
            )
        form = LogOpinionForm(initial=initial, sites=sites)
        return render(request, "feedback/log_opinion.html", {"form": form})
    form_key = _form_key(request.POST)
    pending = _pending_photos(form_key, request.POST)
    form = LogOpinionForm(
        request.POST, request.FILES, sites=sites, pending_photo_count=len(pending)
    )
    if not form.is_valid():
        pending_photos_keep(form_key=form_key, photos=form.valid_photos)
        return render(
            request,
            "feedback/log_opinion.html",
            {"form": form, "pending_photos": _pending_photos(form_key)},
            status=400,
        )
    data = form.cleaned_data
    reception_day = data.get("reception_day") if data["channel"] == Channel.RECEPTION_DAY else None
    rep = (
        getattr(request.user, "representative", None)
        if official.role == Role.REPRESENTATIVE
        else None
    )
    site = (
        reception_day.site
        if reception_day
        else (default_site if official.role == Role.STATION_STAFF else None)
    )
    submission, _created = submission_create(
        key=data["form_key"],
        source=IntakeSource(
            channel=data["channel"]
            if official.role == Role.REPRESENTATIVE or reception_day
            else Channel.STAFF_ENTRY,
            site=site,
            representative=rep,
            reception_day=reception_day,
            logged_by=request.user,
        ),
        area_id=data["area"],
        text=data["text"],
        request_type=data["request_type"],
        category_id=data["category"],
        address_line=data["address_line"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        contact_preference=data["contact_preference"],
        consent=data["consent"],
        language="zh-hans",
        collected_on=data["collected_on"],
        photos=data["photos"],
        pending_photos=pending,
    )
    messages.success(request, _("Logged. Hand the resident the slip with the tracking code."))
    return redirect("feedback:slip", submission.tracking_code)


@login_required
@require_GET
def slip(request, code):
    """A printable slip with the tracking code and key, for the official who logged it."""
    _official_or_404(request)
    submission = (
        request.user.logged_submissions.filter(tracking_code=code).select_related("area").first()
    )
    if submission is None:
        raise Http404
    track_url = f"{settings.PUBLIC_BASE_URL}/track/{submission.tracking_code}/{submission.secret}/"
    return render(
        request,
        "feedback/slip.html",
        {
            "submission": submission,
            "public_base_url": settings.PUBLIC_BASE_URL,
            # The slip is the resident's: its code opens their tracking page, key included.
            "track_qr": qr_svg(track_url, title=_("Scan to follow your opinion")),
        },
    )


@login_required
@require_POST
def contact_reveal(request, code):
    """Show a resident's contact details to a representative or station staff member who may
    see the opinion; every view is logged. POST-only so that it is a deliberate act."""
    _official_or_404(request)
    submission = get_submission_for_official_or_404(request.user, code)
    try:
        contact = submission_contact_reveal(submission=submission, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    response = render(
        request, "feedback/contact.html", {"submission": submission, "contact": contact}
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# 我的意见 (issue 17.4): the number asked for, then the code, then the list; the session holds
# the look-up's id, then the number's hash for half an hour.
MINE_FOR = 30 * 60


@resident_private
@require_http_methods(["GET", "POST"])
def mine(request):
    form = MineForm(request.POST or None)
    if request.method == "POST":
        wait = _rate_limited(request, "mine", settings.MINE_RATE, increment=True)
        if wait is not None:
            return _page(
                request, "feedback/mine.html", {"form": form, "wait_minutes": wait}, status=429
            )
        if form.is_valid():
            lookup = phone_lookup_start(phone=form.cleaned_data["phone"])
            request.session["mine_lookup"] = lookup.pk
            return redirect("feedback:mine-code")
        return _page(request, "feedback/mine.html", {"form": form}, status=400)
    return _page(request, "feedback/mine.html", {"form": form})


@resident_private
@require_http_methods(["GET", "POST"])
def mine_code(request):
    lookup_id = request.session.get("mine_lookup")
    if not lookup_id:
        return redirect("feedback:mine")
    form = MineCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone_hash = phone_lookup_verify(lookup_id=lookup_id, code=form.cleaned_data["code"])
        if phone_hash:
            request.session.pop("mine_lookup", None)
            request.session["mine_phone"] = phone_hash
            request.session["mine_until"] = timezone.now().timestamp() + MINE_FOR
            return redirect("feedback:mine-list")
        form.add_error(
            "code",
            _(
                "This code is not right or no longer valid. Check the text message, or ask for a new code."
            ),
        )
    status = 400 if request.method == "POST" else 200
    return _page(request, "feedback/mine_code.html", {"form": form}, status=status)


@resident_private
@require_GET
def mine_list(request):
    phone_hash = request.session.get("mine_phone")
    if not phone_hash or request.session.get("mine_until", 0) < timezone.now().timestamp():
        request.session.pop("mine_phone", None)
        return redirect("feedback:mine")
    return _page(request, "feedback/mine_list.html", {"submissions": own_submissions(phone_hash)})


@require_POST
def mine_leave(request):
    for key in ("mine_lookup", "mine_phone", "mine_until"):
        request.session.pop(key, None)
    return redirect("feedback:mine")
