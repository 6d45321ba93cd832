"""Two-factor enforcement for the roles that production requires it of."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


def two_factor_required(user) -> bool:
    """True when this signed-in user must be verified with a TOTP device (settings-driven)."""
    groups = settings.REQUIRE_2FA_GROUPS
    if not groups or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=groups).exists()


class RequireTwoFactorMiddleware:
    """Send a signed-in user who must use two-factor, and has not, to set it up.

    Runs after django-otp's middleware, which tells whether this session was verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
