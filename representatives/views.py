from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from representatives.forms import (
    DirectorySearchForm,
    ReceptionRecordForm,
    ReceptionScheduleForm,
    SignInForm,
    TwoFactorConfirmForm,
)
from representatives.middleware import two_factor_required
from representatives.models import ReceptionDay, Role
from representatives.qr_images import qr_png, qr_svg
from representatives.selectors import (
    TokenRevoked,
    group_sites_by_district_and_street,
    qr_token_resolve,
    representative_get_public_or_404,
    site_get_public_or_404,
    site_list_for_directory,
    site_reception_days,
    sites_for_official,
)
from representatives.services.reception import reception_day_record, reception_day_schedule


@require_GET
def site_directory(request):
    form = DirectorySearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    sites = list(site_list_for_directory(query))
    return render(
        request,
        "representatives/site_directory.html",
        {
            "form": form,
            "query": query,
            "groups": group_sites_by_district_and_street(sites, searching=bool(query)),
            "site_count": len(sites),
        },
    )


@require_GET
def site_detail(request, pk):
    site = site_get_public_or_404(pk)
    code = site.active_codes[0] if site.active_codes else None
    today = timezone.localdate()
    scheduled, past_days = site_reception_days(site, today)
    return render(
        request,
        "representatives/site_detail.html",
        {
            "site": site,
            "code": code,
            "representatives": site.active_representatives,
            "scheduled": scheduled,
            # The regular days of the site's rule, besides the ones scheduled.
            "upcoming": [
                d
                for d in site.upcoming_reception_dates(today)
                if d not in {day.date for day in scheduled}
            ],
            "past_days": past_days,
        },
    )


@require_GET
def representative_detail(request, pk):
    representative = representative_get_public_or_404(pk)
    code = representative.active_codes[0] if representative.active_codes else None
    return render(
        request,
        "representatives/representative_detail.html",
        {"representative": representative, "code": code},
    )


def _resolve_or_error_page(request, token):
    try:
        return qr_token_resolve(token), None
    except TokenRevoked:
        return None, render(request, "representatives/token_revoked.html", status=410)


@require_GET
@cache_control(public=True, max_age=3600)
def qr_image(request, token, fmt):
    if fmt not in ("png", "svg"):
        raise Http404
    resolved, error = _resolve_or_error_page(request, token)
    if error:
        return error
    target = resolved.placement or resolved.code
    if fmt == "svg":
        return HttpResponse(
            qr_svg(target.intake_url(), title=str(resolved.target)), content_type="image/svg+xml"
        )
    return HttpResponse(qr_png(target.intake_url()), content_type="image/png")


@require_GET
def poster(request, token):
    resolved, error = _resolve_or_error_page(request, token)
    if error:
        return error
    target = resolved.placement or resolved.code
    return render(
        request,
        "representatives/poster.html",
        {
            "resolved": resolved,
            "target": resolved.target,
            "is_site": resolved.code.site_id is not None,
            "qr_svg": qr_svg(target.intake_url(), title=str(resolved.target)),
            "intake_url": target.intake_url(),
        },
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def account(request):
    official = getattr(request.user, "official", None)
    has_device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
    return render(
        request,
        "representatives/account.html",
        {
            "official": official,
            "has_device": has_device,
            "two_factor_required": two_factor_required(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up a TOTP device: show its QR code, confirm with a code.

    Only for a user who has no confirmed device yet. A user who has one but whose session is
    not verified (signed in some other way) is signed out and must sign in with a code: a
    password alone must never be enough to enrol a second authenticator.
    """
    has_device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
    if has_device:
        if request.user.is_verified():
            messages.info(request, _("Two-factor sign-in is already on for your account."))
            return redirect("representatives:account")
        auth_logout(request)
        messages.warning(request, _("Please sign in with the code from your authenticator app."))
        return redirect("representatives:login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TwoFactorConfirmForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        otp_login(request, device)
        messages.success(
            request,
            _("Two-factor sign-in is on. You will be asked for a code each time you sign in."),
        )
        return redirect("representatives:account")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": b32encode(device.bin_key).decode(),
        },
        status=400 if form.errors else 200,
    )


def _reception_site(request):
    """The site a reception-day form is for: one of the person's sites (``?site=``), by default
    the representative's own (the site of their area) or the station's; 404 for anyone else."""
    official = getattr(request.user, "official", None)
    if official is None or official.role not in (Role.STATION_STAFF, Role.REPRESENTATIVE):
        raise Http404
    sites = list(sites_for_official(request.user).select_related("area").order_by("name"))
    if not sites:
        raise Http404
    chosen = request.POST.get("site") or request.GET.get("site")
    by_pk = {str(site.pk): site for site in sites}
    if chosen:
        if chosen not in by_pk:
            raise Http404
        return by_pk[chosen], sites
    own = [site for site in sites if site.area_id == official.area_id]
    return (own or sites)[0], sites


def _own_representatives(request, site) -> list[int]:
    """Pre-ticked: the signed-in representative, when they belong to the site."""
    rep = getattr(request.user, "representative", None)
    if rep is not None and site.representatives.filter(pk=rep.pk).exists():
        return [rep.pk]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def reception_day_new(request):
    """Schedule a coming reception day at one of the person's sites: it is announced on the
    site's page (date, hours, who receives) until it is recorded."""
    site, sites = _reception_site(request)
    form = ReceptionScheduleForm(
        request.POST or None,
        site=site,
        initial={"representatives": _own_representatives(request, site)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            day = reception_day_schedule(site=site, **form.cleaned_data)
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(
                request,
                _("Reception day of %(date)s scheduled: it is announced on the site's page.")
                % {"date": day.date.isoformat()},
            )
            return redirect("feedback:rep-home")
    return render(
        request,
        "representatives/reception_day_form.html",
        {"form": form, "site": site, "sites": sites, "act": "schedule"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reception_day_record_view(request):
    """Record a reception day that happened (a scheduled one, ``?day=``, or one nobody
    scheduled): who was there, how many came. Opinions heard there are logged next."""
    site, sites = _reception_site(request)
    day = None
    day_pk = request.POST.get("day") or request.GET.get("day")
    if day_pk:
        day = get_object_or_404(
            ReceptionDay.objects.filter(site__in=sites, recorded_at__isnull=True),
            pk=day_pk if str(day_pk).isdigit() else 0,
        )
        site = day.site
    initial = {"date": timezone.localdate(), "representatives": _own_representatives(request, site)}
    if day is not None:
        initial.update(
            date=day.date,
            representatives=list(day.representatives.values_list("pk", flat=True)),
        )
    form = ReceptionRecordForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = reception_day_record(site=site, day=day, **form.cleaned_data)
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(
                request,
                _("Reception day of %(date)s recorded. Log the opinions heard there next.")
                % {"date": recorded.date.isoformat()},
            )
            return redirect(reverse("feedback:log-opinion") + f"?reception_day={recorded.pk}")
    return render(
        request,
        "representatives/reception_day_form.html",
        {"form": form, "site": site, "sites": sites, "act": "record", "day": day},
        status=400 if form.errors else 200,
    )
