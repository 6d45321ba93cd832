"""Two-factor enforcement for the roles that production requires it of."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from representatives.models import Role


def two_factor_required(user) -> bool:
    """True when this signed-in user must be verified with a TOTP device.

    Decided from what grants access, never from group membership (a committee clerk outside
    the group once reached the city-wide workbench with a password alone): the official's
    role, which every page checks, and the admin flags, which the admin site checks (an
    ``is_staff`` or superuser account counts as an administrator). ``REQUIRE_2FA_ROLES``
    names the roles."""
    roles = settings.REQUIRE_2FA_ROLES
    if not roles or not user.is_authenticated:
        return False
    if Role.ADMINISTRATOR in roles and (user.is_superuser or user.is_staff):
        return True
    official = getattr(user, "official", None)
    return official is not None and official.role in roles


class RequireTwoFactorMiddleware:
    """Send a signed-in user who must use two-factor, and has not, to set it up.

    Runs after django-otp's middleware, which tells whether this session was verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # Signed in means a session: without its cookie (a resident sending an opinion)
            # there is nobody to check, and loading the anonymous user would cost a third of
            # a millisecond per request (docs/benchmarks.md, intake).
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            allowed = {
                reverse("representatives:two-factor-setup"),
                reverse("representatives:logout"),
            }
            exempt = request.path in allowed or request.path.startswith(settings.STATIC_URL)
            if not exempt and two_factor_required(user):
                return redirect("representatives:two-factor-setup")
        return self.get_response(request)
