"""Project-level pages: home, health check, error pages."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from representatives.models import Role


@require_GET
def home(request):
    return render(request, "home.html")


# Where each role starts after signing in: its own work, not the account page.
LANDING = {
    Role.COMMITTEE_STAFF: "workbench:workbench",
    Role.UNIT_STAFF: "workbench:desk",
    Role.REPRESENTATIVE: "feedback:rep-home",
    Role.STATION_STAFF: "feedback:rep-home",
    Role.LEADER: "reports:briefing-list",
    Role.ADMINISTRATOR: "admin:index",
}


@require_GET
@login_required
def landing(request):
    """After sign-in (``LOGIN_REDIRECT_URL``): the signed-in person's own workbench."""
    official = getattr(request.user, "official", None)
    return redirect(LANDING.get(official.role if official else None, "representatives:account"))


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return type(exc).__name__
    return None


def _check_broker() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


@require_GET
@never_cache
def healthz(request):
    """200 when the database (and the broker, if one is configured) answer; 503 otherwise."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "ok" if not failed else "fail",
        "database": "ok" if not checks["database"] else "fail",
        "broker": ("ok" if not checks["broker"] else "fail") if settings.REDIS_URL else "none",
    }
    if failed:
        body["errors"] = failed
    return JsonResponse(body, status=503 if failed else 200)


DISPLAY_COOKIE = "display"
DISPLAYS = ("large", "standard")


@csrf_exempt  # a reading preference: nothing to forge, and it must work where cookies just began
@require_POST
def display(request):
    """The large-text, high-contrast switch (适老化) on every page: a button, no script. The
    choice is kept in a cookie for a year and the reader goes back to the page they were on."""
    choice = request.POST.get("display", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = redirect(back)
    if choice in DISPLAYS:
        response.set_cookie(
            DISPLAY_COOKIE,
            choice,
            max_age=365 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def rate_limited(request, exception):
    """django-ratelimit's fallback (views handle their own limits with a kinder page)."""
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    """A form sent after its page expired (or with cookies blocked, as some in-app browsers
    do): say so plainly, and give the resident back what they wrote so nothing is lost."""
    kept = [
        value
        for name in ("text", "address_line", "comment")
        if (value := (request.POST.get(name) or "").strip())
    ]
    return render(request, "403_csrf.html", {"kept": kept}, status=403)


def public_media(request, path):
    """Local mode's public uploads (representatives' portraits), from the current MEDIA_ROOT."""
    return serve(
        request, path, document_root=Path(settings.MEDIA_ROOT) / settings.PUBLIC_MEDIA_PREFIX
    )
